// Administration through the API (issue 12 item 7) on the real dev server: an administrator adds a user (initial
// password to change, token), changes role and organisation, resets a password, disables and enables a user; every
// change is in the audit log, which an administrator reads filtered and paged; non-administrators get 403 (audited).
import type { LightMyRequestResponse } from 'fastify';
import { SESSION_COOKIE, parseSetCookie } from '../../client/api/session';
import { startApiEnv, type ApiEnv } from '../helpers/api-env';

process.env.HANDOVER_SCRYPT_LOG2N = '14';

let env: ApiEnv;
const tokens: Record<string, string> = {};
const ADMIN_PASSWORD = 'Admin-of-the-city-2026';

beforeAll(async () => {
  env = await startApiEnv('admin');
  tokens.admin = env.users.add({ name: 'root', role: 'cityCivilAffairs', org: 'chongqing', displayName: '系统管理员' }).token;
  env.users.setAdmin('root', true);
  await env.users.setPassword('root', ADMIN_PASSWORD);
  tokens.district = env.users.add({ name: 'clerk', role: 'districtCivilAffairs', org: '九龙坡区' }).token;
}, 120_000);

afterAll(async () => {
  await env?.stop();
});

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, who: string, payload?: unknown) =>
  env.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who] ?? who}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });

const signIn = (name: string, password: string) =>
  env.app.inject({ method: 'POST', url: '/api/session', headers: { 'content-type': 'application/json' }, payload: { name, password } });

function cookieOf(res: LightMyRequestResponse): string {
  expect(res.statusCode).toBe(200);
  return `${SESSION_COOKIE}=${parseSetCookie(String(res.headers['set-cookie'])).value}`;
}

describe('administration', () => {
  it('refuses non-administrators (403) and audits the attempt', async () => {
    expect((await call('GET', '/api/admin/users', 'district')).statusCode).toBe(403);
    expect((await call('GET', '/api/admin/roles', 'district')).statusCode).toBe(403);
    const add = await call('POST', '/api/admin/users', 'district', { name: 'sneaky', role: 'cityCivilAffairs', org: 'chongqing', admin: true });
    expect(add.statusCode).toBe(403);
    expect(add.json().error.code).toBe('forbidden');
    expect(env.users.byName('sneaky')).toBeUndefined();
    expect((await call('POST', '/api/admin/users/root/disabled', 'district', { disabled: true })).statusCode).toBe(403);
    expect(env.users.byName('root')?.disabled).toBeUndefined();
    expect((await call('GET', '/api/audit', 'district')).statusCode).toBe(403);
    expect(env.audit.read().filter((r) => r.user === 'clerk' && r.outcome === 'forbidden').map((r) => r.action)).toEqual(['addUser', 'disableUser']);
    expect((await env.app.inject({ method: 'GET', url: '/api/admin/users' })).statusCode).toBe(401);
  });

  it('adds a user with an initial password to change and a token; refuses bad input naming the field', async () => {
    const bad = await call('POST', '/api/admin/users', 'admin', { name: 'li', role: 'township', org: '九龙坡区' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues.map((i: { path: string }) => i.path)).toEqual(['org']);
    const res = await call('POST', '/api/admin/users', 'admin', { name: 'li', role: 'township', org: '九龙坡区/杨家坪街道', displayName: '杨家坪街道 李' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.user).toMatchObject({ name: 'li', role: 'township', org: '九龙坡区/杨家坪街道', mustChangePassword: true, disabled: false, admin: false, hasPassword: true });
    tokens.li = body.token;
    expect((await call('GET', '/api/me', 'li')).json().name).toBe('li');
    const s = await signIn('li', body.password);
    expect(s.statusCode).toBe(200);
    expect(s.json().user.mustChangePassword).toBe(true);
    const again = await call('POST', '/api/admin/users', 'admin', { name: 'li', role: 'township', org: '九龙坡区/杨家坪街道' });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.issues[0].path).toBe('name');
    const list = await call('GET', '/api/admin/users', 'admin');
    expect(list.json().map((u: { name: string }) => u.name).sort()).toEqual(['clerk', 'li', 'root']);
    const roles = (await call('GET', '/api/admin/roles', 'admin')).json();
    expect(roles.roles.find((r: { role: string }) => r.role === 'township')).toMatchObject({ orgKind: 'township', name: { zh: '乡镇人民政府（街道办事处）' } });
    expect(roles.organisations).toContainEqual({ org: '九龙坡区/杨家坪街道', users: 1 });
  });

  it("changes a user's role and organisation, checked as when adding", async () => {
    const bad = await call('PATCH', '/api/admin/users/li', 'admin', { role: 'districtCivilAffairs' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message.zh).toContain('不是已知的区县');
    const ok = await call('PATCH', '/api/admin/users/li', 'admin', { role: 'districtCivilAffairs', org: '江北区' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ role: 'districtCivilAffairs', org: '江北区' });
    // The token now acts as the new role and organisation.
    expect((await call('GET', '/api/me', 'li')).json()).toMatchObject({ role: 'districtCivilAffairs', org: '江北区', district: '江北区' });
    expect((await call('PATCH', '/api/admin/users/nobody', 'admin', { displayName: 'x' })).statusCode).toBe(404);
  });

  it('resets a password: the old one stops working, sessions end, the new one must be changed', async () => {
    await env.users.setPassword('li', 'Li-own-password-2026');
    const session = cookieOf(await signIn('li', 'Li-own-password-2026'));
    expect((await env.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: session } })).statusCode).toBe(200);
    const res = await call('POST', '/api/admin/users/li/password', 'admin');
    expect(res.statusCode).toBe(200);
    expect(res.json().user.mustChangePassword).toBe(true);
    expect((await env.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: session } })).statusCode).toBe(401);
    expect((await signIn('li', 'Li-own-password-2026')).statusCode).toBe(401);
    expect((await signIn('li', res.json().password)).json().user.mustChangePassword).toBe(true);
  });

  it('disables a user (token, password and session refused) and enables it again; an administrator cannot disable itself', async () => {
    const password = (await call('POST', '/api/admin/users/li/password', 'admin')).json().password;
    const session = cookieOf(await signIn('li', password));
    const off = await call('POST', '/api/admin/users/li/disabled', 'admin', { disabled: true });
    expect(off.statusCode).toBe(200);
    expect(off.json().disabled).toBe(true);
    expect((await call('GET', '/api/me', 'li')).statusCode).toBe(401);
    expect((await env.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: session } })).statusCode).toBe(401);
    expect((await signIn('li', password)).statusCode).toBe(401);
    const on = await call('POST', '/api/admin/users/li/disabled', 'admin', { disabled: false });
    expect(on.json().disabled).toBe(false);
    expect((await call('GET', '/api/me', 'li')).statusCode).toBe(200);
    expect((await signIn('li', password)).statusCode).toBe(200);
    const self = await call('POST', '/api/admin/users/root/disabled', 'admin', { disabled: true });
    expect(self.statusCode).toBe(409);
    expect(self.json().error.code).toBe('selfLockout');
    expect((await call('PATCH', '/api/admin/users/root', 'admin', { admin: false })).statusCode).toBe(409);
  });

  it('needs the CSRF token when the administrator uses the session cookie', async () => {
    const res = await signIn('root', ADMIN_PASSWORD);
    const cookie = cookieOf(res);
    const noToken = await env.app.inject({ method: 'POST', url: '/api/admin/users/li/password', headers: { cookie } });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.code).toBe('csrf');
    const withToken = await env.app.inject({ method: 'POST', url: '/api/admin/users/li/password', headers: { cookie, 'x-csrf-token': res.json().csrfToken } });
    expect(withToken.statusCode).toBe(200);
  });

  it('shows the audit log to administrators, filtered and paged, newest first', async () => {
    const all = (await call('GET', '/api/audit?limit=1000', 'admin')).json();
    expect(all.total).toBe(env.audit.read().length);
    expect(all.entries[0].at >= all.entries.at(-1).at).toBe(true);
    const resets = (await call('GET', '/api/audit?action=resetPassword&user=root', 'admin')).json();
    expect(resets.total).toBe(3);
    expect(resets.entries.every((e: { action: string; user: string; detail: string }) => e.action === 'resetPassword' && e.user === 'root' && e.detail === 'target li')).toBe(true);
    const refused = (await call('GET', '/api/audit?outcome=forbidden', 'admin')).json();
    expect(refused.entries.map((e: { user: string }) => e.user)).toEqual(['clerk', 'clerk']);
    const first = (await call('GET', '/api/audit?action=resetPassword&limit=2', 'admin')).json();
    expect(first.entries).toHaveLength(2);
    expect(first.nextOffset).toBe(2);
    const second = (await call('GET', `/api/audit?action=resetPassword&limit=2&offset=${first.nextOffset}`, 'admin')).json();
    expect(second.entries).toHaveLength(1);
    expect(second.nextOffset).toBeUndefined();
    expect([...first.entries, ...second.entries]).toEqual(resets.entries);
    const text = (await call('GET', `/api/audit?q=${encodeURIComponent('target li')}&action=disableUser`, 'admin')).json();
    expect(text.total).toBe(1);
    const future = (await call('GET', '/api/audit?from=2999-01-01', 'admin')).json();
    expect(future.total).toBe(0);
    const bad = await call('GET', '/api/audit?from=yesterday', 'admin');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message.zh).toContain('from');
  });
});
