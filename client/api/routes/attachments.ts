// Documents on a case (issue 12 item 5): PDF scans and photographs uploaded to a case, checked by their content
// (magic bytes) and size, stored content-addressed by sha256 (client/attachments/store.ts; files under
// <dataDir>/attachments, never overwritten), registered per case with who uploaded them and when
// (client/attachments/register.ts), listed on the case and downloadable by those who may see the case; 403 to others.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CaseFiles, attachmentsDir } from '../../attachments/case-files';
import type { AttachmentEntry } from '../../attachments/register';
import { ATTACHMENT_TYPES, sniffType } from '../../attachments/content-type';
import { ApiError } from '../api-error';
import type { RouteContext } from '../route-context';
import { CaseIdParam, ErrorSchema, bearer, errors } from '../schemas';

/** The largest attachment accepted, in bytes (HANDOVER_ATTACHMENT_MAX_BYTES; default 10 MiB). */
export const MAX_ATTACHMENT_BYTES = Number(process.env.HANDOVER_ATTACHMENT_MAX_BYTES ?? 10 * 1024 * 1024);

const EntrySchema = z.object({
  sha256: z.string(),
  name: z.string(),
  type: z.string(),
  size: z.number(),
  uploadedBy: z.string(),
  role: z.string(),
  org: z.string(),
  uploadedAt: z.string(),
  url: z.string(),
});

/** A file name as shown and offered for download: no folders, no control characters, at most 200 characters. */
function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  return base.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069"]/g, '').trim().slice(0, 200);
}

export const attachmentRoutes: FastifyPluginAsync<RouteContext> = async (app, ctx) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { deps, who, visibleCase, audit } = ctx;
  const files = new CaseFiles(attachmentsDir(deps.dataDir));
  const open = () => ({ store: files.store, register: files.register });
  app.addHook('onClose', async () => files.close());

  // The upload's body is the file itself (Content-Type as the browser says; the content decides).
  const asBuffer = (_req: unknown, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => done(null, body);
  app.addContentTypeParser(['application/pdf', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: MAX_ATTACHMENT_BYTES }, asBuffer);
  app.addContentTypeParser(/^image\/[\w.+-]+$/, { parseAs: 'buffer', bodyLimit: MAX_ATTACHMENT_BYTES }, asBuffer);

  const view = (e: AttachmentEntry) => ({
    sha256: e.sha256,
    name: e.name,
    type: e.type,
    size: e.size,
    uploadedBy: e.uploadedBy,
    role: e.role,
    org: e.org,
    uploadedAt: e.uploadedAt,
    url: `/api/cases/${e.caseId}/attachments/${e.sha256}`,
  });

  api.post(
    '/api/cases/:caseId/attachments',
    {
      bodyLimit: MAX_ATTACHMENT_BYTES,
      schema: {
        tags: ['cases'],
        summary: '上传案件附件（PDF 或图片，按内容识别类型，限制大小）(attach a PDF or image to a case)',
        description:
          `请求体即文件本身（Content-Type: application/pdf、image/* 或 application/octet-stream），文件名在 name 参数中。类型按文件内容识别（PDF、PNG、JPEG、GIF、WebP），最大 ${MAX_ATTACHMENT_BYTES} 字节。按 sha256 存放，相同内容不重复保存、不覆盖。` +
          ` The body is the file itself; its name goes in \`name\`. The type is told by the content (PDF, PNG, JPEG, GIF, WebP); at most ${MAX_ATTACHMENT_BYTES} bytes. Stored by sha256; the same bytes are stored once, never overwritten.`,
        security: bearer,
        params: CaseIdParam,
        querystring: z.object({ name: z.string().min(1).max(300).describe('文件名 (file name)') }).strict(),
        response: { 201: EntrySchema.extend({ duplicate: z.boolean() }), ...errors, 413: ErrorSchema, 415: ErrorSchema },
      },
    },
    async (req, reply) => {
      let state;
      try {
        state = await visibleCase(req, req.params.caseId);
      } catch (err) {
        if (err instanceof ApiError) audit(req, { action: 'attach', caseId: req.params.caseId, outcome: err.code === 'forbidden' ? 'forbidden' : 'refused', code: err.code });
        throw err;
      }
      const body = req.body;
      if (!Buffer.isBuffer(body) || body.length === 0) {
        throw new ApiError(400, 'invalidRequest', { zh: '请求无效：body: 请求体应为文件内容（PDF 或图片）', en: 'invalid request: body: the body must be the file (PDF or image)' }, [{ path: 'body', message: 'empty or not a file' }]);
      }
      const type = sniffType(body);
      const name = cleanName(req.query.name);
      if (!type) {
        audit(req, { action: 'attach', caseId: state.caseId, outcome: 'invalid', code: 'unsupportedType', detail: `name ${name}, ${body.length} bytes` });
        throw new ApiError(415, 'unsupportedType', {
          zh: `文件内容不是 PDF 或图片（PNG、JPEG、GIF、WebP）：${name}`,
          en: `the file's content is not a PDF or an image (PNG, JPEG, GIF, WebP): ${name}`,
        }, [{ path: 'body', message: `accepted: ${ATTACHMENT_TYPES.join(', ')}` }]);
      }
      if (!name) throw new ApiError(400, 'invalidRequest', { zh: '请求无效：name: 文件名为空', en: 'invalid request: name: empty file name' }, [{ path: 'name', message: 'empty' }]);
      const { store: s, register: r } = open();
      const put = await s.put(body);
      const user = who(req);
      const { entry, added } = r.add({ caseId: state.caseId, sha256: put.sha256, name, type, size: put.size, uploadedBy: user.name, role: user.role, org: user.org, uploadedAt: new Date().toISOString() });
      audit(req, { action: 'attach', caseId: state.caseId, outcome: added ? 'applied' : 'duplicate', detail: `${put.sha256} ${type} ${put.size} bytes: ${name}` });
      reply.code(201);
      return { ...view(entry), duplicate: !added };
    },
  );

  api.get(
    '/api/cases/:caseId/attachments',
    {
      schema: {
        tags: ['cases'],
        summary: '案件附件列表 (the attachments of a case)',
        security: bearer,
        params: CaseIdParam,
        response: { 200: z.array(EntrySchema), ...errors },
      },
    },
    async (req) => {
      const state = await visibleCase(req, req.params.caseId);
      return open().register.list(state.caseId).map(view);
    },
  );

  api.get(
    '/api/cases/:caseId/attachments/:sha256',
    {
      schema: {
        tags: ['cases'],
        summary: '下载案件附件（可查看本案者）(download an attachment: those who may see the case)',
        security: bearer,
        params: CaseIdParam.extend({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 应为 64 位十六进制 (64 hex digits)') }),
        response: { 200: z.any(), ...errors },
      },
    },
    async (req, reply) => {
      const state = await visibleCase(req, req.params.caseId);
      const { store: s, register: r } = open();
      const entry = r.get(state.caseId, req.params.sha256);
      const bytes = entry && (await s.get(entry.sha256));
      if (!entry || !bytes) throw new ApiError(404, 'attachmentNotFound', { zh: '本案没有这个附件', en: 'no such attachment on this case' });
      reply.header('content-type', entry.type);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(entry.name)}`);
      return reply.send(bytes);
    },
  );
};
