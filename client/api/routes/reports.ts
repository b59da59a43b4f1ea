// Report routes: the monthly reports of the caller's districts, listed and downloaded.
import { createReadStream } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { User } from '../../admin/users';
import { findReport, reportIndex } from '../../reports';
import { reportScope } from '../access';
import { ApiError } from '../api-error';
import type { RouteContext } from '../route-context';
import { bearer, errors } from '../schemas';

export const reportRoutes: FastifyPluginAsync<RouteContext> = async (app, ctx) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { deps, who, visibleCase, audit } = ctx;

  // Reports: the report index (client/reports.ts) of the caller's districts; a download serves an index entry or 404.
  const listReports = (user: User) =>
    reportIndex(deps.reportsDir, reportScope(user)).map((r) => ({
      district: r.district,
      file: r.file,
      size: r.size,
      modifiedAt: r.modifiedAt,
      url: `/api/reports/${encodeURIComponent(r.district)}/${encodeURIComponent(r.file)}`,
    }));

  api.get(
    '/api/reports',
    {
      schema: {
        tags: ['reports'],
        summary: '可下载的月报 (reports the caller may download)',
        security: bearer,
        response: { 200: z.array(z.object({ district: z.string(), file: z.string(), size: z.number(), modifiedAt: z.string(), url: z.string() })), ...errors },
      },
    },
    async (req) => listReports(who(req)),
  );

  api.get(
    '/api/reports/:district/:file',
    {
      schema: {
        tags: ['reports'],
        summary: '下载月报 (download a report)',
        security: bearer,
        params: z.object({ district: z.string().min(1).max(50), file: z.string().min(1).max(200) }),
        response: { 200: z.any(), ...errors },
      },
    },
    async (req, reply) => {
      const { district, file } = req.params;
      // Unknown, not yours, or a path trick (`..`, `/`): the same answer, and nothing looked up on disk but the index.
      const found = findReport(deps.reportsDir, reportScope(who(req)), district, file);
      if (!found) throw new ApiError(404, 'reportNotFound', { zh: '报表不存在，或您无权下载', en: 'no such report, or not yours to download' });
      reply.header('content-type', found.contentType);
      reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(found.file)}`);
      const full = found.path;
      return reply.send(createReadStream(full));
    },
  );
};
