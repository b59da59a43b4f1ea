// The audit log through the API (issue 12 item 7): filtered by user, role, organisation, action, outcome, case, a
// text and a time range, newest first, paged. Administrators only.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../api-error';
import type { RouteContext } from '../route-context';
import { bearer, errors } from '../schemas';

const InstantOrDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/, '应为 YYYY-MM-DD 或 ISO 时刻（UTC） (a date YYYY-MM-DD or an ISO instant in UTC)');

const AuditQuery = z
  .object({
    user: z.string().max(64).optional(),
    role: z.string().max(64).optional(),
    org: z.string().max(200).optional(),
    action: z.string().max(64).optional(),
    outcome: z.string().max(32).optional().describe('applied、duplicate、refused、invalid、forbidden、error …'),
    caseId: z.string().max(80).optional(),
    q: z.string().max(200).optional().describe('地址、说明或代码中包含的文字 (text in the URL, detail or code)'),
    from: InstantOrDate.optional(),
    to: InstantOrDate.optional(),
    offset: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

const AuditRecordSchema = z.looseObject({ at: z.string(), user: z.string(), role: z.string(), org: z.string(), action: z.string(), outcome: z.string() });

export const auditRoutes: FastifyPluginAsync<RouteContext> = async (app, ctx) => {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/audit',
    {
      schema: {
        tags: ['admin'],
        summary: '审计日志，按条件筛选，分页，最新在前（管理员）(the audit log, filtered and paged, newest first; administrators)',
        description:
          '`offset` 与 `limit` 分页；响应含 `total`（符合条件的条数）与 `nextOffset`（无则已是最后一页）。' +
          ' Paged by `offset` and `limit`; the answer carries `total` (matching records) and `nextOffset` (absent on the last page).',
        security: bearer,
        querystring: AuditQuery,
        response: { 200: z.object({ entries: z.array(AuditRecordSchema), total: z.number(), offset: z.number(), nextOffset: z.number().optional() }), ...errors },
      },
    },
    async (req) => {
      if (!ctx.who(req).admin) throw new ApiError(403, 'forbidden', { zh: '只有管理员可以查看审计日志', en: 'only an administrator may read the audit log' });
      const { offset, limit, q, ...filter } = req.query;
      const page = ctx.deps.audit.query({ ...filter, text: q }, { offset, limit });
      const next = offset + page.entries.length;
      return { entries: page.entries as unknown as Array<z.infer<typeof AuditRecordSchema>>, total: page.total, offset, ...(next < page.total ? { nextOffset: next } : {}) };
    },
  );
};
