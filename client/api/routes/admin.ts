// Administration (issue 12 item 7): users, roles and organisations, password reset, disabling a user — for users
// with the administrator flag only (others get 403), every change and every refused attempt in the audit log.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DISTRICTS } from '../../../machines/districts';
import { CITY_ORG, CITY_ROLES, DISTRICT_ROLES, ROLES, ROLE_NAMES, RoleSchema } from '../../../machines/roles';
import { generatePassword } from '../../admin/passwords';
import { NewUserSchema, type User } from '../../admin/users';
import { InvalidInputError } from '../../errors';
import { ApiError } from '../api-error';
import type { RouteContext } from '../route-context';
import { ErrorSchema, LocalizedSchema, bearer, errors } from '../schemas';

const AdminUserSchema = z.object({
  name: z.string(),
  role: z.enum(ROLES),
  roleName: LocalizedSchema,
  org: z.string(),
  displayName: z.string().optional(),
  admin: z.boolean(),
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
  hasPassword: z.boolean(),
  createdAt: z.string().optional(),
});
const NameParam = z.object({ name: z.string().min(1).max(64) });
const adminErrors = { ...errors, 409: ErrorSchema };

/** The kind of organisation a role belongs to, for the console's form. */
function orgKind(role: (typeof ROLES)[number]): 'city' | 'district' | 'township' | 'enterprise' | 'parentGroup' {
  if (CITY_ROLES.includes(role)) return 'city';
  if (DISTRICT_ROLES.includes(role)) return 'district';
  if (role === 'township') return 'township';
  return role === 'enterprise' ? 'enterprise' : 'parentGroup';
}

export const adminRoutes: FastifyPluginAsync<RouteContext> = async (app, ctx) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { deps, who, audit } = ctx;
  const users = deps.users;

  // Every route here: administrators only; a refusal is audited as forbidden.
  app.addHook('preHandler', async (req) => {
    const user = who(req);
    if (user.admin) return;
    if (req.method !== 'GET') audit(req, { action: actionOf(req), outcome: 'forbidden', code: 'forbidden', detail: `target ${(req.params as { name?: string })?.name ?? '-'}` });
    throw new ApiError(403, 'forbidden', { zh: '只有管理员可以管理用户', en: 'only an administrator may manage users' });
  });

  const view = (u: User) => ({
    name: u.name,
    role: u.role,
    roleName: ROLE_NAMES[u.role],
    org: u.org,
    ...(u.displayName ? { displayName: u.displayName } : {}),
    admin: u.admin === true,
    disabled: u.disabled === true,
    mustChangePassword: u.mustChangePassword === true,
    hasPassword: users.passwordChangedAt(u.name) !== undefined,
    createdAt: users.createdAt(u.name),
  });
  const existing = (req: FastifyRequest, name: string, action: string): User => {
    users.reload();
    const u = users.byName(name);
    if (!u) {
      audit(req, { action, outcome: 'refused', code: 'userNotFound', detail: `target ${name}` });
      throw new ApiError(404, 'userNotFound', { zh: `用户不存在：${name}`, en: `no such user: ${name}` });
    }
    return u;
  };
  /** Bad input from the users store: 400 naming the field, audited as invalid. */
  const storeCall = <T>(req: FastifyRequest, action: string, target: string, fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof InvalidInputError) {
        audit(req, { action, outcome: 'invalid', code: 'invalidPayload', detail: `target ${target}: ${JSON.stringify(err.issues)}` });
        throw new ApiError(400, 'invalidPayload', err.text, err.issues);
      }
      throw err;
    }
  };
  /** An administrator may not lock themselves out. */
  const notSelf = (req: FastifyRequest, name: string, action: string) => {
    if (name !== who(req).name) return;
    audit(req, { action, outcome: 'refused', code: 'selfLockout', detail: `target ${name}` });
    throw new ApiError(409, 'selfLockout', { zh: '不能停用自己或取消自己的管理员身份', en: 'you may not disable yourself or remove your own administrator flag' });
  };

  api.get(
    '/api/admin/users',
    { schema: { tags: ['admin'], summary: '用户列表（管理员）(users, for administrators)', security: bearer, response: { 200: z.array(AdminUserSchema), ...errors } } },
    async () => {
      users.reload();
      return users.list().map(view);
    },
  );

  api.get(
    '/api/admin/roles',
    {
      schema: {
        tags: ['admin'],
        summary: '角色与组织（管理员）(roles and the organisations each belongs to)',
        security: bearer,
        response: {
          200: z.object({
            roles: z.array(z.object({ role: z.string(), name: LocalizedSchema, orgKind: z.string() })),
            districts: z.array(z.string()),
            cityOrg: z.string(),
            organisations: z.array(z.object({ org: z.string(), users: z.number() })),
          }),
          ...errors,
        },
      },
    },
    async () => {
      const counts = new Map<string, number>();
      for (const u of users.list()) counts.set(u.org, (counts.get(u.org) ?? 0) + 1);
      return {
        roles: ROLES.map((role) => ({ role, name: ROLE_NAMES[role], orgKind: orgKind(role) })),
        districts: [...DISTRICTS],
        cityOrg: CITY_ORG,
        organisations: [...counts].map(([org, n]) => ({ org, users: n })).sort((a, b) => a.org.localeCompare(b.org)),
      };
    },
  );

  api.post(
    '/api/admin/users',
    {
      schema: {
        tags: ['admin'],
        summary: '添加用户，发给初始密码（首次登录须修改）和令牌 (add a user: an initial password to change at first sign-in, and a token)',
        security: bearer,
        body: z.object({ name: z.string(), role: RoleSchema, org: z.string(), displayName: z.string().optional(), admin: z.boolean().optional() }).strict(),
        response: { 201: z.object({ user: AdminUserSchema, password: z.string(), token: z.string() }), ...adminErrors },
      },
    },
    async (req, reply) => {
      const { admin, ...fields } = req.body;
      const parsed = NewUserSchema.safeParse(fields);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
        audit(req, { action: 'addUser', outcome: 'invalid', code: 'invalidPayload', detail: `target ${fields.name}: ${JSON.stringify(issues)}` });
        const e = new InvalidInputError(issues, { zh: '用户', en: 'user' });
        throw new ApiError(400, 'invalidPayload', e.text, issues);
      }
      const added = storeCall(req, 'addUser', fields.name, () => users.add(parsed.data));
      if (admin) users.setAdmin(added.user.name, true);
      const password = generatePassword();
      await users.setPassword(added.user.name, password, { mustChange: true, policy: false });
      audit(req, { action: 'addUser', outcome: 'applied', detail: `target ${added.user.name} role ${added.user.role} org ${added.user.org}${admin ? ' admin' : ''}` });
      reply.code(201);
      return { user: view(users.byName(added.user.name)!), password, token: added.token };
    },
  );

  api.patch(
    '/api/admin/users/:name',
    {
      schema: {
        tags: ['admin'],
        summary: '修改用户的角色、组织、名称或管理员身份 (change a user\'s role, organisation, display name or administrator flag)',
        security: bearer,
        params: NameParam,
        body: z
          .object({ role: RoleSchema.optional(), org: z.string().min(1).max(200).optional(), displayName: z.string().max(100).nullable().optional(), admin: z.boolean().optional() })
          .strict(),
        response: { 200: AdminUserSchema, ...adminErrors },
      },
    },
    async (req) => {
      const { name } = req.params;
      existing(req, name, 'updateUser');
      if (req.body.admin === false) notSelf(req, name, 'updateUser');
      const updated = storeCall(req, 'updateUser', name, () => users.update(name, req.body));
      audit(req, { action: 'updateUser', outcome: 'applied', detail: `target ${name}: ${JSON.stringify(req.body)}` });
      return view(updated);
    },
  );

  api.post(
    '/api/admin/users/:name/password',
    {
      schema: {
        tags: ['admin'],
        summary: '重置密码：发给新的初始密码，下次登录须修改，原有登录失效 (reset a password: a new one to change at next sign-in; sessions end)',
        security: bearer,
        params: NameParam,
        response: { 200: z.object({ user: AdminUserSchema, password: z.string() }), ...adminErrors },
      },
    },
    async (req) => {
      const { name } = req.params;
      existing(req, name, 'resetPassword');
      const password = generatePassword();
      await users.setPassword(name, password, { mustChange: true, policy: false });
      audit(req, { action: 'resetPassword', outcome: 'applied', detail: `target ${name}` });
      return { user: view(users.byName(name)!), password };
    },
  );

  api.post(
    '/api/admin/users/:name/disabled',
    {
      schema: {
        tags: ['admin'],
        summary: '停用或恢复用户：停用后令牌、密码和登录均失效 (disable or enable a user: its token, password and sessions are refused)',
        security: bearer,
        params: NameParam,
        body: z.object({ disabled: z.boolean() }).strict(),
        response: { 200: AdminUserSchema, ...adminErrors },
      },
    },
    async (req) => {
      const { name } = req.params;
      const action = req.body.disabled ? 'disableUser' : 'enableUser';
      existing(req, name, action);
      if (req.body.disabled) notSelf(req, name, action);
      const updated = users.setDisabled(name, req.body.disabled);
      audit(req, { action, outcome: 'applied', detail: `target ${name}` });
      return view(updated);
    },
  );
};

/** The audit action of an admin request, for refusals before the handler runs. */
function actionOf(req: FastifyRequest): string {
  const url = req.routeOptions.url ?? '';
  if (url.endsWith('/password')) return 'resetPassword';
  if (url.endsWith('/disabled')) return 'disableUser';
  return req.method === 'POST' ? 'addUser' : 'updateUser';
}
