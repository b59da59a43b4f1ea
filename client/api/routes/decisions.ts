// Decision routes: what the caller may do now, and sending a decision as the signed-in user.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { shanghaiDate } from '../../../machines/calendar';
import { EVENT_REGISTRY, parseDecision } from '../../../machines/events';
import type { CaseState } from '../../../workflows/messages';
import { CaseFiles, attachmentRefProblems, attachmentsDir } from '../../attachments/case-files';
import { sendDecision } from '../../cases';
import { DecisionRefusedError } from '../../errors';
import { ApiError } from '../api-error';
import { InvalidApiInput, actionsForUser, caseView, httpAnswerOf } from '../case-views';
import type { RouteContext } from '../route-context';
import { ActionsSchema, CaseIdParam, CaseViewSchema, DecisionBodySchema, ErrorSchema, bearer, errors } from '../schemas';

export const decisionRoutes: FastifyPluginAsync<RouteContext> = async (app, ctx) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { deps, who, visibleCase, audit } = ctx;
  const files = new CaseFiles(attachmentsDir(deps.dataDir));
  app.addHook('onClose', async () => files.close());

  api.get(
    '/api/cases/:caseId/actions',
    {
      schema: {
        tags: ['decisions'],
        summary: '调用者现在可以办理的决定 (the decisions the caller may take now, with their payload schemas)',
        security: bearer,
        params: CaseIdParam,
        response: { 200: ActionsSchema, ...errors },
      },
    },
    async (req) => {
      const user = who(req);
      const state = await visibleCase(req, req.params.caseId);
      return actionsForUser(deps.client, user, state);
    },
  );

  api.post(
    '/api/cases/:caseId/decisions',
    {
      schema: {
        tags: ['decisions'],
        summary: '提交决定 (send a decision as the signed-in user)',
        description:
          '决定人即登录用户的角色和组织，不能在请求中指定。内容按事件登记表的 zod 模式校验，错误指明字段；工作流再次校验角色、组织、日期和阶段。' +
          ' The actor is the signed-in user\'s role and organisation. The payload is validated with the event registry\'s zod schema (errors name the field); the workflow\'s validator checks role, organisation, date and stage again.' +
          ' 任何决定都可在 data.attachments 中附上本案已上传的文件（POST /api/cases/{caseId}/attachments 的 sha256、name、type、size，最多 10 个），随决定记入案件记录。' +
          ' Any decision may carry files uploaded to this case in data.attachments (sha256, name, type, size as the upload answered; at most 10); they are recorded with the decision.',
        security: bearer,
        params: CaseIdParam,
        body: DecisionBodySchema,
        response: { 200: CaseViewSchema.extend({ duplicate: z.boolean() }), ...errors, 409: ErrorSchema.describe('wrongStage, requestIdConflict, caseClosed'), 503: ErrorSchema },
      },
    },
    async (req) => {
      const user = who(req);
      const body = req.body;
      const base = { action: 'decide', eventType: body.type, requestId: body.requestId };
      let state: CaseState;
      try {
        state = await visibleCase(req, req.params.caseId);
      } catch (err) {
        if (err instanceof ApiError) audit(req, { ...base, caseId: req.params.caseId, outcome: err.code === 'forbidden' ? 'forbidden' : 'refused', code: err.code });
        throw err;
      }
      const request = {
        type: body.type,
        actor: { role: user.role, org: user.org, user: user.name },
        occurredOn: body.occurredOn ?? shanghaiDate(Date.now()),
        requestId: body.requestId ?? `api-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
        data: body.data ?? {},
      };
      // The registry's schemas first, so a bad field is named before anything reaches the case.
      const parsed = parseDecision(request);
      if (!parsed.ok) {
        audit(req, { ...base, caseId: state.caseId, outcome: 'invalid', code: 'invalidPayload', detail: JSON.stringify(parsed.issues) });
        throw new InvalidApiInput(parsed.issues, { zh: `「${EVENT_REGISTRY[body.type].title.zh}」的内容`, en: `${body.type} payload` });
      }
      // The documents it carries are files uploaded to this case (the gate checked their shape only).
      const refs = parsed.event.data.attachments;
      const missing = refs ? attachmentRefProblems(files.register, state.caseId, refs) : [];
      if (missing.length) {
        audit(req, { ...base, caseId: state.caseId, outcome: 'invalid', code: 'invalidPayload', detail: JSON.stringify(missing) });
        throw new InvalidApiInput(missing, { zh: `「${EVENT_REGISTRY[body.type].title.zh}」的附件`, en: `${body.type} attachments` });
      }
      try {
        const next = await sendDecision(deps.client, state.caseId, request);
        audit(req, { ...base, requestId: request.requestId, caseId: state.caseId, outcome: next.duplicate ? 'duplicate' : 'applied' });
        return { ...caseView(next), duplicate: next.duplicate === true };
      } catch (err) {
        if (err instanceof DecisionRefusedError) {
          const r = err.refusal;
          audit(req, { ...base, requestId: request.requestId, caseId: state.caseId, outcome: 'refused', code: r.code, detail: r.message.en });
          const status = r.code === 'invalidPayload' || r.code === 'futureDate' ? 400 : r.code === 'wrongStage' ? 409 : 403;
          throw new ApiError(status, r.code, r.message, r.issues);
        }
        const answer = httpAnswerOf(err);
        if (answer) {
          // requestIdConflict, caseClosed (409), recordBacklog (503): refusals the case made; nothing was applied.
          audit(req, { ...base, requestId: request.requestId, caseId: state.caseId, outcome: 'refused', code: answer.code, detail: answer.text.en });
          throw new ApiError(answer.status, answer.code, answer.text);
        }
        audit(req, { ...base, requestId: request.requestId, caseId: state.caseId, outcome: 'error', detail: (err as Error).message });
        throw err;
      }
    },
  );
};
