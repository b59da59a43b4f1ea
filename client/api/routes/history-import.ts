// Recording a past case (issue 11, point 5): POST /api/cases/history with its opening and dated decisions. All or
// nothing: the whole history is checked first (machines/history.ts, every decision through the workflow's gate in
// date order); a refused history starts nothing. Then the case is started and its decisions sent in date order.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkHistory, historyProblemLine, type HistoryProblem } from '../../../machines/history';
import { caseState } from '../../cases';
import { CaseAlreadyExistsError } from '../../errors';
import { HistoryImportIncompleteError, importHistory } from '../../import/import-history';
import { ApiError } from '../api-error';
import { caseView } from '../case-views';
import type { RouteContext } from '../route-context';
import { CaseViewSchema, ErrorSchema, ProjectionSchema, bearer, errors } from '../schemas';

/** A problem as an API issue: `decisions[3].data.x` or `opening.district`, the message in Chinese with English. */
function issueOf(p: HistoryProblem) {
  const path = p.index === undefined ? p.path : `decisions[${p.index}]${p.path.startsWith('(') ? '' : `.${p.path}`}`;
  return { path, message: `${p.message.zh} (${p.message.en})` };
}

const NoticeSchema = z.object({ reason: z.string(), to: z.array(z.string()), due: z.string(), on: z.string(), afterTheFact: z.boolean().optional() });

const OutcomeSchema = z.object({
  dryRun: z.boolean(),
  caseId: z.string().optional(),
  /** The file's decisions in the order they were sent: by date. */
  order: z.array(z.number()),
  applied: z.number(),
  /** What the record's gaps give, dated at their due dates and marked after the fact. */
  notices: z.array(NoticeSchema),
  projection: ProjectionSchema,
  case: CaseViewSchema.optional(),
});

export const historyImportRoutes: FastifyPluginAsync<RouteContext> = async (app, ctx) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { deps, who, audit } = ctx;

  api.post(
    '/api/cases/history',
    {
      schema: {
        tags: ['cases'],
        summary: '补录过去的案件：开案信息及各项决定，全部校验后按日期办理 (record a past case: its opening and dated decisions, all or nothing)',
        description:
          '请求体：{ "opening": 开案信息（同 POST /api/cases）, "decisions": [{ type, actor: { role, org }, occurredOn, data? , requestId? }] }。全部内容先校验：每项决定按日期顺序用工作流同一把关逻辑检查，错误指明第几项决定及字段；有错误则不建立案件。通过后建立案件并按日期逐项办理；已按时办结的期限不发通知，记录中的空档越过期限的，按到期日补记并标明事后记录。`dryRun=true` 只校验。' +
          ' Body: { opening (as POST /api/cases), decisions: [{ type, actor, occurredOn, data?, requestId? }] }. Everything is checked first: each decision, in date order, through the workflow\'s own gate; errors name the decision index and field, and nothing starts. Then the case is started and the decisions applied in date order; deadlines met on their own dates send nothing, a gap that passed a deadline is recorded dated at its due date, after the fact. `dryRun=true` checks only.',
        security: bearer,
        querystring: z.object({ dryRun: z.enum(['true', 'false']).optional() }).strict(),
        body: z.record(z.string(), z.unknown()),
        response: { 200: OutcomeSchema, 201: OutcomeSchema, ...errors, 409: ErrorSchema, 502: ErrorSchema.describe('started, not every decision applied') },
      },
    },
    async (req, reply) => {
      const user = who(req);
      const check = checkHistory(req.body, Date.now());
      if (!check.ok) {
        const issues = check.problems.map(issueOf);
        audit(req, { action: 'importHistory', outcome: 'invalid', code: 'invalidPayload', detail: JSON.stringify(issues) });
        throw new ApiError(
          400,
          'invalidPayload',
          {
            zh: `案件历史有 ${check.problems.length} 处错误，未建立案件：${check.problems.map((p) => historyProblemLine(p, 'zh')).join('；')}`,
            en: `the case history has ${check.problems.length} error(s); nothing was started: ${check.problems.map((p) => historyProblemLine(p, 'en')).join('; ')}`,
          },
          issues,
        );
      }
      const district = check.history.opening.district;
      if (!(user.role === 'cityCivilAffairs' || (user.role === 'districtCivilAffairs' && user.org === district))) {
        audit(req, { action: 'importHistory', outcome: 'forbidden', code: 'forbidden' });
        throw new ApiError(403, 'forbidden', {
          zh: `只有本区县（${district}）民政局或市民政局可以补录案件`,
          en: `only the district's civil affairs bureau (${district}) or the city civil affairs bureau may record a past case`,
        });
      }
      const dryRun = req.query.dryRun === 'true';
      try {
        const outcome = await importHistory(deps.client, req.body, { taskQueue: deps.taskQueue, dryRun });
        const { projection, notices } = outcome.checked;
        if (dryRun) return { dryRun, order: outcome.order, applied: 0, notices, projection };
        audit(req, { action: 'importHistory', caseId: outcome.caseId, outcome: 'applied', detail: `${outcome.applied} decisions` });
        reply.code(201);
        const state = outcome.state ?? (await caseState(deps.client, outcome.caseId!));
        const view = caseView(state);
        return { dryRun, caseId: outcome.caseId, order: outcome.order, applied: outcome.applied, notices, projection: view.projection ?? projection, case: view };
      } catch (err) {
        if (err instanceof CaseAlreadyExistsError) {
          audit(req, { action: 'importHistory', caseId: err.caseId, outcome: 'refused', code: 'caseExists' });
          throw new ApiError(409, 'caseExists', err.text);
        }
        if (err instanceof HistoryImportIncompleteError) {
          audit(req, { action: 'importHistory', caseId: err.caseId, outcome: 'error', code: 'importIncomplete', detail: err.error });
          throw new ApiError(502, 'importIncomplete', err.text);
        }
        throw err;
      }
    },
  );
};
