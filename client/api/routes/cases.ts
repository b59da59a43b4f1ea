// Case routes: the list, starting a case, one case, and its record (timeline).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CaseOpeningSchema, caseIdFor } from '../../../machines/case-input';
import { caseRecord, caseState, startCase } from '../../cases';
import { CaseAlreadyExistsError } from '../../errors';
import { caseListFilter, visibleCaseRows } from '../access';
import { ApiError } from '../api-error';
import { InvalidApiInput, caseView } from '../case-views';
import type { RouteContext } from '../route-context';
import { CaseIdParam, CaseListFilterQuery, CaseRowSchema, CaseViewSchema, ErrorSchema, bearer, errors } from '../schemas';

export const caseRoutes: FastifyPluginAsync<RouteContext> = async (app, ctx) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { deps, who, visibleCase, audit } = ctx;

  api.get(
    '/api/cases',
    {
      schema: {
        tags: ['cases'],
        summary: '按区县、阶段、逾期、临近期限筛选案件 (list cases the caller may see)',
        security: bearer,
        querystring: CaseListFilterQuery.extend({ limit: z.coerce.number().int().min(1).max(20000).default(5000) }).strict(),
        response: { 200: z.object({ cases: z.array(CaseRowSchema), truncated: z.boolean() }), ...errors },
      },
    },
    async (req) => {
      const user = who(req);
      return visibleCaseRows(deps.client, user, caseListFilter(user, req.query), req.query.limit);
    },
  );

  api.post(
    '/api/cases',
    {
      schema: {
        tags: ['cases'],
        summary: '建立案件（计划表中的一行）(start a case: one plan-table row)',
        description: '区县民政局为本区县、市民政局为任一区县建立案件。Started by a district civil affairs bureau for its district, or by the city civil affairs bureau.',
        security: bearer,
        body: z.record(z.string(), z.unknown()).describe('CaseOpening: creditCode, enterpriseName, district, township, parentGroup, residentialArea and people (one area) or residentialAreas [{name, people}] (several areas in the district), plannedCompletion, settings. One case per enterprise and district: id handover-<creditCode>-<district code>'),
        response: { 201: CaseViewSchema, ...errors, 409: ErrorSchema },
      },
    },
    async (req, reply) => {
      const user = who(req);
      const parsed = CaseOpeningSchema.safeParse(req.body);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
        audit(req, { action: 'startCase', outcome: 'invalid', code: 'invalidInput', detail: JSON.stringify(issues) });
        throw new InvalidApiInput(issues, { zh: '案件信息', en: 'case' });
      }
      const allowed = user.role === 'cityCivilAffairs' || (user.role === 'districtCivilAffairs' && user.org === parsed.data.district);
      const caseId = caseIdFor(parsed.data.creditCode, parsed.data.district);
      if (!allowed) {
        audit(req, { action: 'startCase', caseId, outcome: 'forbidden', code: 'forbidden' });
        throw new ApiError(403, 'forbidden', {
          zh: `只有本区县（${parsed.data.district}）民政局或市民政局可以建立案件`,
          en: `only the district's civil affairs bureau (${parsed.data.district}) or the city civil affairs bureau may start a case`,
        });
      }
      try {
        await startCase(deps.client, parsed.data, { taskQueue: deps.taskQueue });
      } catch (err) {
        if (err instanceof CaseAlreadyExistsError) {
          audit(req, { action: 'startCase', caseId, outcome: 'refused', code: 'caseExists' });
          throw new ApiError(409, 'caseExists', err.text);
        }
        throw err;
      }
      audit(req, { action: 'startCase', caseId, outcome: 'applied' });
      reply.code(201);
      return caseView(await caseState(deps.client, caseId));
    },
  );

  api.get(
    '/api/cases/:caseId',
    { schema: { tags: ['cases'], summary: '案件当前状态与期限 (a case: state, deadlines with their explanation)', security: bearer, params: CaseIdParam, response: { 200: CaseViewSchema, ...errors } } },
    async (req) => caseView(await visibleCase(req, req.params.caseId)),
  );

  api.get(
    '/api/cases/:caseId/timeline',
    {
      schema: {
        tags: ['cases'],
        summary: '案件办理记录，分页 (the case record: who did what, when; paged)',
        description:
          '从案件记录库读取，按序号升序；`after` 为上一页最后一条的序号，`limit` 每页条数（默认 100，最多 1000）。响应头 X-Total-Count 为总条数，X-Next-After 为下一页的 after（无则已是最后一页）。' +
          ' Read from the case record store, oldest first; `after` is the last seq of the previous page, `limit` the page size (default 100, at most 1000). Header X-Total-Count: entries in all; X-Next-After: the next page\'s `after` (absent on the last page).',
        security: bearer,
        params: CaseIdParam,
        querystring: z.object({ after: z.coerce.number().int().min(0).optional(), limit: z.coerce.number().int().min(1).max(1000).optional() }),
        response: { 200: z.array(z.looseObject({ seq: z.number(), at: z.string(), kind: z.string(), type: z.string() })), ...errors },
      },
    },
    async (req, reply) => {
      const state = await visibleCase(req, req.params.caseId);
      const page = await caseRecord(deps.client, state.caseId, { afterSeq: req.query.after, limit: req.query.limit, record: deps.record });
      reply.header('X-Total-Count', String(page.total));
      if (page.nextAfter !== undefined) reply.header('X-Next-After', String(page.nextAfter));
      return page.entries as unknown as Array<{ seq: number; at: string; kind: string; type: string }>;
    },
  );
};
