// The HTTP API and web console: one fastify app over the client API (client/cases.ts), with bearer-token and session
// authentication, per-case authorization, an audit log of every change, and OpenAPI documentation at /docs.
// This file only builds the app: error answers, authentication, the OpenAPI document; the routes live in
// client/api/routes/*.ts, one fastify plugin each, registered below with the shared RouteContext.
import Fastify, { type FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { NOT_SIGNED_IN, installAuthentication, markRoutesPublic } from './auth';
import { ApiError, errorBody } from './api-error';
import { httpAnswerOf } from './case-views';
import { routeContext, type ApiDeps } from './route-context';
import { sessionAuth } from './session';
import { caseRoutes } from './routes/cases';
import { historyImportRoutes } from './routes/history-import';
import { consoleStaticRoutes } from './routes/console-static';
import { adminRoutes } from './routes/admin';
import { auditRoutes } from './routes/audit';
import { dashboardRoutes } from './routes/dashboard';
import { paperworkRoutes } from './routes/paperwork';
import { attachmentRoutes } from './routes/attachments';
import { decisionRoutes } from './routes/decisions';
import { metaRoutes } from './routes/meta';
import { reportRoutes } from './routes/reports';
import { todoRoutes } from './routes/todo';
import { cancelCallsOnAbort } from './call-cancel';

export type { ApiDeps } from './route-context';
/** An error the API answers with (client/api/api-error.ts). */
export { ApiError };
export { actionOf, actionsForState, actionsForUser, caseView, diagram, highlightOf } from './case-views';

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
        { name: 'todo', description: '待办、已办、通知 (my to-do, done, notifications)' },
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

  cancelCallsOnAbort(app, deps.client);

  // The rooms of the API, each a plugin over the same context (deps, signed-in user, visible case, audit).
  const ctx = routeContext(deps);
  await app.register(metaRoutes, ctx);
  await app.register(caseRoutes, ctx);
  await app.register(historyImportRoutes, ctx);
  await app.register(decisionRoutes, ctx);
  await app.register(reportRoutes, ctx);
  await app.register(todoRoutes, ctx);
  await app.register(consoleStaticRoutes, ctx);
  await app.register(dashboardRoutes, ctx);
  await app.register(adminRoutes, ctx);
  await app.register(auditRoutes, ctx);
  await app.register(paperworkRoutes, ctx);
  await app.register(attachmentRoutes, ctx);

  return app;
}
