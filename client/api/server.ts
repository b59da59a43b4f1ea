// The HTTP API and web console: one fastify app over the client API (client/cases.ts), with bearer-token
// authentication, per-case authorization, an audit log of every change, and OpenAPI documentation at /docs.
import { readFileSync, createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CaseOpeningSchema, caseIdFor } from '../../machines/case-input';
import { STAGES, STAGE_LABELS } from '../../machines/case-view';
import { explainWorkingDays, shanghaiDate } from '../../machines/calendar';
import { handoverMachine } from '../../machines/handover';
import { toSvg } from '../../machines/diagram';
import { EVENT_REGISTRY, EVENT_TYPES, IsoDateSchema, parseDecision, type EventType } from '../../machines/events';
import { DEADLINE_LABELS, NOTIFY_LABELS, STATE_LABELS, TIMER_LABELS } from '../../machines/labels';
import { ROLE_NAMES, ROLES, organisationMismatch, type CaseParties } from '../../machines/roles';
import type { CaseState, CaseSummary } from '../../workflows/messages';
import { caseActions, caseRecord, caseState, sendDecision, startCase } from '../cases';
import type { CaseRecordStore } from '../../activities/case-record/store';
import { diagramLabels } from '../cli/commands/diagram';
import { CaseAlreadyExistsError, CaseNotFoundError, DecisionRefusedError, HandoverError, InvalidInputError, type Localized } from '../errors';
import type { User, UsersStore } from '../admin/users';
import type { AuditLog } from './audit';
import { caseAccessProblem, isCityUser, listScope, reportScope, userDistrict } from './access';
import { NOT_SIGNED_IN, PUBLIC, installAuthentication, markRoutesPublic } from './auth';
import { ApiError, errorBody } from './api-error';
import { sessionAuth, type SessionSettings } from './session';
import { findReport, reportIndex } from '../reports';
import { caseListQuery, caseRow, type CaseRow } from '../case-list';

export interface ApiDeps {
  client: Client;
  taskQueue: string;
  users: UsersStore;
  audit: AuditLog;
  /** Where monthly reports are written, one folder per district: `<reportsDir>/<district>/<file>`. */
  reportsDir: string;
  /** Static files of the web console; default client/console. */
  consoleDir?: string;
  /** Session cookie, lockout and rate-limit settings (client/api/session.ts); defaults there. */
  session?: Partial<SessionSettings>;
  /** Fastify's trustProxy: true, or the proxies' addresses (HANDOVER_TRUST_PROXY); default none. */
  trustProxy?: boolean | string;
  logger?: boolean;
  /** The case record store the timeline is read from; default from settings (client/case-record.ts). */
  record?: CaseRecordStore;
}

/** An error the API answers with (client/api/api-error.ts). */
export { ApiError };

const LocalizedSchema = z.object({ zh: z.string(), en: z.string() });
const IssueSchema = z.object({ path: z.string(), message: z.string() });
const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: LocalizedSchema, issues: z.array(IssueSchema).optional() }) })
  .meta({ id: 'Error' });
const UserSchema = z.object({
  name: z.string(),
  role: z.enum(ROLES),
  org: z.string(),
  displayName: z.string().optional(),
  roleName: LocalizedSchema,
  district: z.string().optional(),
  admin: z.boolean().optional(),
  mustChangePassword: z.boolean().optional(),
});
const CaseIdParam = z.object({
  caseId: z
    .string()
    .regex(/^(handover-)?[0-9A-HJ-NPQRTUWXY]{18}$/, '案件编号应为 handover-<统一社会信用代码> 或信用代码本身 (a case id is handover-<credit code> or the code)')
    .describe('handover-<统一社会信用代码>，或信用代码本身'),
});
const CaseRowSchema = z.object({
  caseId: z.string(),
  creditCode: z.string(),
  enterprise: z.string().optional(),
  district: z.string().optional(),
  stage: z.string().optional(),
  overdue: z.boolean(),
  nextDeadline: z.string().optional(),
  status: z.string(),
  startedAt: z.string().optional(),
});
const DeadlineViewSchema = z.object({
  kind: z.string(),
  label: LocalizedSchema,
  due: z.string(),
  at: z.string(),
  clause: z.string(),
  explanation: z.object({ zh: z.array(z.string()), en: z.array(z.string()) }),
});
const ActionSchema = z.object({ type: z.string(), title: LocalizedSchema, clause: z.string(), schema: z.record(z.string(), z.unknown()) });
const ActionsSchema = z.object({
  actor: z.object({ role: z.string(), org: z.string(), user: z.string() }),
  canAct: z.boolean(),
  reason: LocalizedSchema.optional(),
  actions: z.array(ActionSchema),
});
const CaseViewSchema = z.object({
  caseId: z.string(),
  state: z.looseObject({ stage: z.string(), status: z.string(), activeStates: z.array(z.string()) }),
  activeStateLabels: z.array(z.object({ path: z.string(), zh: z.string(), en: z.string() })),
  deadlines: z.array(DeadlineViewSchema),
});
const DecisionBodySchema = z
  .object({
    type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]).describe('决定类型（GET /api/events）'),
    occurredOn: IsoDateSchema.optional().describe('决定日期 YYYY-MM-DD，默认今天（北京时间）'),
    requestId: z.string().min(1).max(200).optional().describe('请求编号：同一编号重复提交只办理一次'),
    data: z.record(z.string(), z.unknown()).optional().describe('决定内容，格式见该类型的 JSON Schema'),
  })
  .strict();

const bearer = [{ bearerAuth: [] }];
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

/** Builds the app (not listening). Close it with `app.close()`. */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  // trustProxy: behind a reverse proxy, the client's address (sign-in limits, audit log) comes from X-Forwarded-For.
  const app = Fastify({ logger: deps.logger ?? false, bodyLimit: 1_000_000, ...(deps.trustProxy !== undefined ? { trustProxy: deps.trustProxy } : {}) });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: '社区管理职能分离移交 API (handover)',
        description:
          '渝民〔2017〕168号 社区管理职能分离移交工作流引擎的接口。每个请求带 `Authorization: Bearer <token>`；令牌由 `handover users add` 签发。' +
          '\n\nHTTP API of the handover workflow engine. Every request carries `Authorization: Bearer <token>`, issued by `handover users add`. ' +
          'An enterprise user sees its own case only, district and township users their district\'s cases, city bodies all cases; ' +
          'a decision is taken as the authenticated user\'s role and organisation, never as one named in the request.',
        version: '1.0.0',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' }, sessionCookie: { type: 'apiKey', in: 'cookie', name: 'handover_session' } } },
      tags: [
        { name: 'cases', description: '案件 (cases)' },
        { name: 'decisions', description: '决定 (decisions)' },
        { name: 'reports', description: '月报 (reports)' },
        { name: 'reference', description: '参考 (reference data)' },
        { name: 'session', description: '登录与密码 (sign-in and password)' },
      ],
    },
    transform: jsonSchemaTransform,
    // Puts the schemas registered with an id (Error) under components.schemas, where the routes' $refs point.
    transformObject: jsonSchemaTransformObject,
  });
  // The documentation is public; every other route needs a signed-in user unless it says `config: PUBLIC`.
  await app.register(async (docs) => {
    markRoutesPublic(docs);
    await docs.register(fastifySwaggerUi, { routePrefix: '/docs' });
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof ApiError) return reply.code(err.status).headers(err.headers ?? {}).send(errorBody(err.code, err.text, err.issues));
    const answer = httpAnswerOf(err);
    if (answer) return reply.code(answer.status).send(errorBody(answer.code, answer.text));
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = (err as { validationContext?: string }).validationContext ?? 'body';
      const issues = err.validation.map((v) => ({ path: v.instancePath.replace(/^\//, '').replace(/\//g, '.') || where, message: v.message ?? 'invalid' }));
      const detail = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
      return reply.code(400).send(errorBody('invalidRequest', { zh: `请求无效：${detail}`, en: `invalid request: ${detail}` }, issues));
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      const message = (err as Error).message;
      return reply.code(status).send(errorBody('badRequest', { zh: `请求无效：${message}`, en: `bad request: ${message}` }));
    }
    req.log.error(err);
    const message = (err as Error).message ?? String(err);
    return reply.code(502).send(errorBody('engineUnavailable', { zh: `引擎暂时不可用：${message}`, en: `engine unavailable: ${message}` }));
  });

  // A path that routes nowhere: the same bilingual error body as every other answer (only signed-in callers get here).
  app.setNotFoundHandler((_req, reply) => reply.code(404).send(errorBody('notFound', { zh: '没有这个地址', en: 'no such address' })));

  // Authentication on the routed path (client/api/auth.ts): deny by default, a bearer token or the session cookie
  // (client/api/session.ts: password sign-in, CSRF token for state-changing requests, lockout).
  const session = sessionAuth({ users: deps.users, audit: deps.audit, settings: deps.session });
  installAuthentication(
    app,
    [
      (req) => {
        const header = req.headers.authorization;
        if (header === undefined) return undefined;
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        if (!match) return undefined;
        const user = deps.users.authenticate(match[1]!);
        if (!user) throw new ApiError(401, 'invalidToken', { zh: '令牌无效或已作废', en: 'unknown or revoked token' });
        return user;
      },
      session.authenticator,
    ],
    () => new ApiError(401, 'unauthenticated', NOT_SIGNED_IN),
  );
  session.register(app);

  const api = app.withTypeProvider<ZodTypeProvider>();
  const who = (req: FastifyRequest): User => req.user!;

  /** The case's state, once the caller is known to be allowed to see it. */
  async function visibleCase(req: FastifyRequest, rawId: string): Promise<CaseState> {
    const caseId = rawId.startsWith('handover-') ? rawId : caseIdFor(rawId);
    let state: CaseState;
    try {
      state = await caseState(deps.client, caseId);
    } catch (err) {
      if (err instanceof CaseNotFoundError) throw new ApiError(404, 'caseNotFound', err.text);
      throw err;
    }
    const problem = caseAccessProblem(who(req), state.context.parties as CaseParties);
    if (problem) throw new ApiError(403, 'forbidden', problem);
    return state;
  }

  api.get('/api/health', { config: PUBLIC, schema: { tags: ['reference'], summary: '健康检查 (health check)', response: { 200: z.object({ ok: z.boolean() }) } } }, async () => ({ ok: true }));

  api.get(
    '/api/me',
    { schema: { tags: ['reference'], summary: '当前用户 (the signed-in user)', security: bearer, response: { 200: UserSchema, ...errors } } },
    async (req) => {
      const u = who(req);
      return { ...u, roleName: ROLE_NAMES[u.role], ...(userDistrict(u) ? { district: userDistrict(u) } : {}) };
    },
  );

  api.get(
    '/api/events',
    {
      schema: {
        tags: ['reference'],
        summary: '决定类型及其内容格式 (decision types with their payload JSON Schemas)',
        security: bearer,
        response: { 200: z.array(ActionSchema.extend({ roles: z.array(z.string()) })), ...errors },
      },
    },
    async () => EVENT_TYPES.map((type) => ({ ...actionOf(type), roles: [...EVENT_REGISTRY[type].roles] })),
  );

  api.get(
    '/api/labels',
    { schema: { tags: ['reference'], summary: '状态、阶段、角色、期限的中英文名称 (labels)', security: bearer, response: { 200: z.record(z.string(), z.unknown()), ...errors } } },
    async () => ({
      states: STATE_LABELS,
      stages: STAGE_LABELS,
      roles: ROLE_NAMES,
      deadlines: DEADLINE_LABELS,
      timers: TIMER_LABELS,
      notifications: NOTIFY_LABELS,
      events: Object.fromEntries(EVENT_TYPES.map((t) => [t, { title: EVENT_REGISTRY[t].title, clause: EVENT_REGISTRY[t].clause }])),
    }),
  );

  api.get(
    '/api/cases',
    {
      schema: {
        tags: ['cases'],
        summary: '按区县、阶段、逾期、临近期限筛选案件 (list cases the caller may see)',
        security: bearer,
        querystring: z
          .object({
            district: z.string().min(1).max(50).optional(),
            stage: z.enum(STAGES).optional(),
            overdue: z.enum(['true', 'false']).optional(),
            dueWithinDays: z.coerce.number().int().min(0).max(3650).optional(),
            limit: z.coerce.number().int().min(1).max(20000).default(5000),
          })
          .strict(),
        response: { 200: z.object({ cases: z.array(CaseRowSchema), truncated: z.boolean() }), ...errors },
      },
    },
    async (req) => {
      const user = who(req);
      const q = req.query;
      const own = userDistrict(user);
      if (q.district && own && q.district !== own && !isCityUser(user)) {
        throw new ApiError(403, 'forbidden', { zh: `只能查看本区县（${own}）的案件：district=${q.district}`, en: `you see your own district (${own}) only: district=${q.district}` });
      }
      const query = caseListQuery({
        district: q.district,
        stage: q.stage,
        overdue: q.overdue === undefined ? undefined : q.overdue === 'true',
        dueWithinDays: q.dueWithinDays,
        scope: listScope(user),
      });
      const cases: CaseRow[] = [];
      let truncated = false;
      for await (const wf of deps.client.workflow.list({ query, pageSize: 1000 })) {
        if (user.role === 'parentGroup') {
          const memo = (await Promise.resolve(wf.memo)) as { parentGroup?: string } | undefined;
          if (memo?.parentGroup !== user.org) continue;
        }
        if (cases.length >= q.limit) {
          truncated = true;
          break;
        }
        cases.push(caseRow(wf));
      }
      return { cases, truncated };
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
        body: z.record(z.string(), z.unknown()).describe('CaseOpening: creditCode, enterpriseName, district, township, parentGroup, residentialArea, people, plannedCompletion, settings'),
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
      const caseId = caseIdFor(parsed.data.creditCode);
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

  api.get(
    '/api/cases/:caseId/diagram.svg',
    {
      schema: {
        tags: ['cases'],
        summary: '流程状态图，当前状态高亮 (the statechart with the current states highlighted, SVG)',
        security: bearer,
        params: CaseIdParam,
        querystring: z.object({ lang: z.enum(['zh', 'en']).default('zh') }),
        response: { 200: z.string(), ...errors },
      },
    },
    async (req, reply) => {
      const state = await visibleCase(req, req.params.caseId);
      reply.type('image/svg+xml; charset=utf-8');
      return diagram(highlightOf(state.activeStates), req.query.lang);
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
          ' The actor is the signed-in user\'s role and organisation. The payload is validated with the event registry\'s zod schema (errors name the field); the workflow\'s validator checks role, organisation, date and stage again.',
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

  // The web console: a few static files, no build step.
  const consoleDir = deps.consoleDir ?? join(__dirname, '..', 'console');
  const CONSOLE_FILES: Record<string, string> = { 'index.html': 'text/html', 'app.js': 'text/javascript', 'forms.js': 'text/javascript', 'i18n.js': 'text/javascript', 'style.css': 'text/css' };
  const serveConsole = (name: string, reply: FastifyReply) => {
    const type = CONSOLE_FILES[name];
    if (!type) throw new ApiError(404, 'notFound', { zh: `文件不存在：${name}`, en: `no such file: ${name}` });
    reply.header('cache-control', 'no-cache').type(`${type}; charset=utf-8`);
    return reply.send(readFileSync(join(consoleDir, name), 'utf8'));
  };
  app.get('/', { config: PUBLIC, schema: { hide: true } }, (_req, reply) => serveConsole('index.html', reply));
  app.get('/console/:file', { config: PUBLIC, schema: { hide: true } }, (req, reply) => serveConsole((req.params as { file: string }).file, reply));

  function audit(req: FastifyRequest, entry: { action: string; outcome: string; caseId?: string; eventType?: string; requestId?: string; code?: string; detail?: string }): void {
    const u = who(req);
    deps.audit.record({ user: u.name, role: u.role, org: u.org, method: req.method, url: req.url, ip: req.ip, ...entry });
  }

  return app;
}

/** A payload or input error: 400 with every field at fault. */
class InvalidApiInput extends ApiError {
  constructor(issues: Array<{ path: string; message: string }>, what: Localized) {
    const e = new InvalidInputError(issues, what);
    super(400, 'invalidPayload', e.text, issues);
  }
}

/** A client error that names its own HTTP answer (client/errors.ts: `code` and `httpStatus`, e.g. caseClosed → 409). */
function httpAnswerOf(err: unknown): { status: number; code: string; text: Localized } | undefined {
  if (!(err instanceof HandoverError)) return undefined;
  const { code, httpStatus } = err as HandoverError & { code?: unknown; httpStatus?: unknown };
  if (typeof code !== 'string' || typeof httpStatus !== 'number' || httpStatus < 400 || httpStatus > 599) return undefined;
  return { status: httpStatus, code, text: err.text };
}


const schemaCache = new Map<EventType, Record<string, unknown>>();

/** One decision type with its payload as JSON Schema (from the same zod schema the workflow validates with). */
export function actionOf(type: EventType) {
  let schema = schemaCache.get(type);
  if (!schema) {
    schema = z.toJSONSchema(EVENT_REGISTRY[type].data as z.ZodType, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    schemaCache.set(type, schema);
  }
  const spec = EVENT_REGISTRY[type];
  return { type, title: spec.title, clause: spec.clause, schema };
}

/** What `user` may do on this case now: the machine's next events its role may send, if its organisation is the case's. */
export function actionsForState(user: User, state: CaseState, types: EventType[]) {
  const actor = { role: user.role, org: user.org, user: user.name };
  const mismatch = organisationMismatch(user.role, user.org, state.context.parties as CaseParties);
  if (state.status !== 'active') return { actor, canAct: false, reason: { zh: '本案已完成', en: 'the case is complete' }, actions: [] };
  if (mismatch) return { actor, canAct: false, reason: mismatch, actions: [] };
  return { actor, canAct: true, actions: types.map(actionOf) };
}

/** Leaf paths and their ancestors, as diagram state ids. */
export function highlightOf(activeStates: string[]): string[] {
  const ids = new Set<string>();
  for (const leaf of activeStates) {
    const parts = leaf.split('.');
    for (let i = 1; i <= parts.length; i++) ids.add(`${handoverMachine.id}.${parts.slice(0, i).join('.')}`);
  }
  return [...ids].sort();
}

const svgCache = new Map<string, Promise<string>>();

/** The statechart as SVG with these states highlighted; layouts are cached per highlight set. */
export function diagram(highlight: string[], lang: 'zh' | 'en'): Promise<string> {
  const key = `${lang}|${highlight.join(',')}`;
  let svg = svgCache.get(key);
  if (!svg) {
    svg = toSvg(handoverMachine, { labels: diagramLabels(lang), title: false, highlight });
    svgCache.set(key, svg);
    svg.catch(() => svgCache.delete(key));
    if (svgCache.size > 200) svgCache.delete(svgCache.keys().next().value!);
  }
  return svg;
}

/** A case as the API shows it: the state, readable labels of its states, and its deadlines with their explanations. */
export function caseView(state: CaseSummary) {
  const seen = new Set<string>();
  const deadlines = [];
  for (const t of state.pendingTimers) {
    const d = t.deadline;
    if (!d || seen.has(d.kind)) continue;
    seen.add(d.kind);
    deadlines.push({
      kind: d.kind,
      label: DEADLINE_LABELS[d.kind],
      due: d.due,
      at: d.at,
      clause: d.clause,
      explanation: { zh: d.workingDays ? explainWorkingDays(d.workingDays, 'zh') : [], en: d.workingDays ? explainWorkingDays(d.workingDays, 'en') : [] },
    });
  }
  return {
    caseId: state.caseId,
    state: state as unknown as { stage: string; status: string; activeStates: string[] },
    activeStateLabels: state.activeStates.map((p) => ({ path: p, zh: STATE_LABELS[p]?.zh ?? p, en: STATE_LABELS[p]?.en ?? p })),
    deadlines,
  };
}

// Exposed for the actions route (needs the client).
async function actionsForUser(client: Client, user: User, state: CaseState) {
  const byRole = await caseActions(client, state.caseId, user.role);
  return actionsForState(user, state, byRole[user.role] ?? []);
}
export { actionsForUser };
