// Reference routes: health, the signed-in user, decision types, labels, and the case statechart picture.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { STAGE_LABELS } from '../../../machines/case-view';
import { EVENT_REGISTRY, EVENT_TYPES } from '../../../machines/events';
import { DEADLINE_LABELS, NOTIFY_LABELS, STATE_LABELS, TIMER_LABELS } from '../../../machines/labels';
import { ROLE_NAMES } from '../../../machines/roles';
import { userDistrict } from '../access';
import { PUBLIC } from '../auth';
import { actionOf, diagram, highlightOf } from '../case-views';
import type { RouteContext } from '../route-context';
import { ActionSchema, CaseIdParam, UserSchema, bearer, errors } from '../schemas';

export const metaRoutes: FastifyPluginAsync<RouteContext> = async (app, ctx) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { deps, who, visibleCase, audit } = ctx;

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
};
