// Sign-in as people expect (issue 12 item 1), on the real dev server: user name and password (scrypt), the session
// cookie's flags, CSRF refusal of cookie-authenticated state-changing requests, lockout and the per-address limit on
// failed attempts, password change ending other sessions, the first administrator's handed-out password, and bearer
// tokens working as before.
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { UsersStore, seedAdministrator, seedDemoUsers } from '../../client/admin/users';
import { MAX_CONCURRENT_HASHES, MAX_WAITING_HASHES, hashPassword, hashingLoad, verifyPassword } from '../../client/admin/passwords';
import { AuditLog } from '../../client/api/audit';
import { buildApi } from '../../client/api/server';
import { SESSION_COOKIE, parseSetCookie } from '../../client/api/session';
import { runCli } from '../../client/cli/main';
import { startDevHarness, type CaseHarness } from '../helpers/handover-env';
import { freshCreditCode } from '../helpers/decisions';
import { caseIdFor } from '../../machines/case-input';

// Tests hash many passwords: a cheaper scrypt cost here (the default, 2^17, is checked once below).
process.env.HANDOVER_SCRYPT_LOG2N = '14';

let h: CaseHarness;
let app: FastifyInstance;
let users: UsersStore;
let audit: AuditLog;
let clock = Date.parse('2026-06-01T01:00:00Z');
const LOCK_MS = 15 * 60_000;
const dir = mkdtempSync(join(tmpdir(), 'handover-session-'));
const PASSWORD = 'Yangjiaping-2026-plan';
let districtToken: string;

beforeAll(async () => {
  h = await startDevHarness(`session-${process.pid}-${Date.now()}`);
  users = new UsersStore(join(dir, 'users.json'));
  audit = new AuditLog(join(dir, 'audit.jsonl'));
  app = await buildApi({ client: h.client, taskQueue: h.taskQueue, users, audit, reportsDir: join(dir, 'reports'), session: { now: () => clock } });
  districtToken = users.add({ name: 'operator', role: 'districtCivilAffairs', org: '九龙坡区', displayName: '九龙坡区民政局 经办人' }).token;
  await users.setPassword('operator', PASSWORD);
  users.add({ name: 'zhang', role: 'township', org: '九龙坡区/杨家坪街道' });
  await users.setPassword('zhang', 'Huangjueping-road-88');
  users.add({ name: 'liwei', role: 'township', org: '九龙坡区/谢家湾街道' });
  await users.setPassword('liwei', 'Li-township-pass-2026');
  users.add({ name: 'tokenonly', role: 'cityFinance', org: 'chongqing' });
});

afterAll(async () => {
  await app?.close();
  await h?.stop();
});

const signIn = (name: string, password: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/api/session', headers: { 'content-type': 'application/json', ...headers }, payload: { name, password } });

function sessionOf(res: LightMyRequestResponse): { cookie: string; csrf: string } {
  expect(res.statusCode).toBe(200);
  const set = parseSetCookie(String(res.headers['set-cookie']));
  return { cookie: `${SESSION_COOKIE}=${set.value}`, csrf: res.json().csrfToken };
}

describe('password sign-in and the session cookie', () => {
  it('hashes with scrypt at N = 2^17 by default, with a salt per hash', async () => {
    delete process.env.HANDOVER_SCRYPT_LOG2N;
    try {
      const a = await hashPassword('correct horse battery');
      const b = await hashPassword('correct horse battery');
      expect(a).toMatch(/^scrypt\$17\$8\$1\$/);
      expect(a).not.toBe(b);
      expect(await verifyPassword('correct horse battery', a)).toBe(true);
      expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    } finally {
      process.env.HANDOVER_SCRYPT_LOG2N = '14';
    }
    // Only the hash is stored.
    expect(JSON.stringify(users.list())).not.toContain(PASSWORD);
    expect(readFileSync(join(dir, 'users.json'), 'utf8')).not.toContain(PASSWORD);
  });

  it('sets an HttpOnly, SameSite=Strict session cookie on sign-in, and signs the user in with it', async () => {
    const res = await signIn('operator', PASSWORD);
    expect(res.statusCode).toBe(200);
    const set = parseSetCookie(String(res.headers['set-cookie']));
    expect(set.name).toBe(SESSION_COOKIE);
    expect(set.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(set.attributes).toMatchObject({ httponly: true, samesite: 'Strict', path: '/', 'max-age': String(12 * 3600) });
    expect(set.attributes.secure).toBeUndefined(); // plain http on loopback: a Secure cookie would not come back
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toMatchObject({ user: { name: 'operator', role: 'districtCivilAffairs', district: '九龙坡区' }, csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const me = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `${SESSION_COOKIE}=${set.value}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json().name).toBe('operator');
    // The session endpoint gives the CSRF token again (for a page reload), never to a bearer caller.
    const again = await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: `${SESSION_COOKIE}=${set.value}` } });
    expect(again.json().csrfToken).toBe(res.json().csrfToken);
    expect((await app.inject({ method: 'GET', url: '/api/session', headers: { authorization: `Bearer ${districtToken}` } })).json().csrfToken).toBeUndefined();
    // A made-up cookie is nobody.
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `${SESSION_COOKIE}=${'A'.repeat(43)}` } })).statusCode).toBe(401);
  });

  it('marks the cookie Secure when configured for TLS (behind a proxy)', async () => {
    const secure = await buildApi({ client: h.client, taskQueue: h.taskQueue, users, audit, reportsDir: join(dir, 'reports'), session: { secureCookie: true } });
    try {
      const res = await secure.inject({ method: 'POST', url: '/api/session', payload: { name: 'operator', password: PASSWORD } });
      expect(parseSetCookie(String(res.headers['set-cookie'])).attributes).toMatchObject({ secure: true, httponly: true, samesite: 'Strict' });
    } finally {
      await secure.close();
    }
  });

  it('answers a wrong password and an unknown user name alike', async () => {
    const wrong = await signIn('operator', 'not-the-password');
    const unknown = await signIn('nobody-here', 'not-the-password');
    const noPassword = await signIn('tokenonly', 'whatever-it-is');
    for (const res of [wrong, unknown, noPassword]) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(wrong.body).toBe(unknown.body);
    expect(wrong.body).toBe(noPassword.body);
    expect(wrong.json().error).toMatchObject({ code: 'badCredentials', message: { zh: '用户名或密码错误' } });
    // Malformed input names the field; a form post (not JSON) is not accepted.
    const empty = await app.inject({ method: 'POST', url: '/api/session', payload: { name: 'operator' } });
    expect(empty.statusCode).toBe(400);
    expect(JSON.stringify(empty.json().error.issues)).toContain('password');
    const form = await app.inject({ method: 'POST', url: '/api/session', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `name=operator&password=${PASSWORD}` });
    expect(form.statusCode).toBe(415);
    expect(audit.read().filter((r) => r.action === 'signIn').map((r) => [r.user, r.outcome])).toEqual(
      expect.arrayContaining([
        ['operator', 'refused'],
        ['nobody-here', 'refused'],
        ['operator', 'applied'],
      ]),
    );
  });
});

describe('CSRF protection of cookie-authenticated changes', () => {
  const opening = () => ({ creditCode: freshCreditCode(), enterpriseName: 'CSRF测试厂', district: '九龙坡区', township: '杨家坪街道', settings: { cityTargetDate: '2099-12-31' } });
  const startCase = (headers: Record<string, string>, body = opening()) => app.inject({ method: 'POST', url: '/api/cases', headers, payload: body });
  const exists = async (creditCode: string) =>
    h.client.workflow
      .getHandle(caseIdFor(creditCode, '九龙坡区'))
      .describe()
      .then(() => true, () => false);

  it('refuses a state-changing request with the cookie but without the right token or from another site, and changes nothing', async () => {
    const { cookie, csrf } = sessionOf(await signIn('operator', PASSWORD));
    const cases: Array<[string, Record<string, string>, string]> = [
      ['no token', { cookie }, 'csrf'],
      ['wrong token', { cookie, 'x-csrf-token': csrf.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }, 'csrf'],
      ['another session\u2019s token', { cookie, 'x-csrf-token': sessionOf(await signIn('zhang', 'Huangjueping-road-88')).csrf }, 'csrf'],
      ['another site', { cookie, 'x-csrf-token': csrf, origin: 'https://evil.example' }, 'crossOrigin'],
      ['another port', { cookie, 'x-csrf-token': csrf, origin: 'http://localhost:8081', host: 'localhost:8080' }, 'crossOrigin'],
      ['a sandboxed page', { cookie, 'x-csrf-token': csrf, origin: 'null' }, 'crossOrigin'],
      ['cross-site fetch', { cookie, 'x-csrf-token': csrf, 'sec-fetch-site': 'cross-site' }, 'crossOrigin'],
    ];
    for (const [what, headers, code] of cases) {
      const body = opening();
      const res = await startCase(headers, body);
      expect([what, res.statusCode, res.json().error.code]).toEqual([what, 403, code]);
      expect(await exists(body.creditCode)).toBe(false);
    }
    // Sign-out is a change too.
    expect((await app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie } })).statusCode).toBe(403);
    // Reading needs no token.
    expect((await app.inject({ method: 'GET', url: '/api/cases', headers: { cookie } })).statusCode).toBe(200);
    // With the token, from the console's own origin, it is done.
    const body = opening();
    // (https outside, as through a TLS-terminating proxy, is the same origin for this server)
    const ok = await startCase({ cookie, 'x-csrf-token': csrf, origin: 'https://handover.example.gov.cn', host: 'handover.example.gov.cn' }, body);
    expect(ok.statusCode).toBe(201);
    expect(await exists(body.creditCode)).toBe(true);
    expect(audit.read().filter((r) => r.action === 'startCase' && r.user === 'operator').map((r) => r.outcome)).toEqual(['applied']);
  });

  it('lets a bearer token change things without a CSRF token, as scripts do', async () => {
    const body = opening();
    const res = await startCase({ authorization: `Bearer ${districtToken}` }, body);
    expect(res.statusCode).toBe(201);
  });

  it('refuses a sign-in posted from another site', async () => {
    const res = await signIn('operator', PASSWORD, { origin: 'https://evil.example' });
    expect(res.statusCode).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('failed attempts', () => {
  it('locks a user name after five failures in a row, even for the right password, until the lock runs out', async () => {
    const before = audit.read().length;
    for (let i = 0; i < 5; i++) expect((await signIn('zhang', `wrong-password-${i}`)).statusCode).toBe(401);
    const locked = await signIn('zhang', 'Huangjueping-road-88');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('accountLocked');
    expect(locked.json().error.message.zh).toContain('已锁定');
    expect(Number(locked.headers['retry-after'])).toBe(LOCK_MS / 1000);
    expect(locked.headers['set-cookie']).toBeUndefined();
    // An unknown name locks the same way: the lock says nothing about who exists.
    for (let i = 0; i < 5; i++) await signIn('ghost', `wrong-password-${i}`);
    expect((await signIn('ghost', 'anything-at-all')).json().error.code).toBe('accountLocked');
    // Other users are not affected.
    expect((await signIn('liwei', 'Li-township-pass-2026')).statusCode).toBe(200);
    clock += LOCK_MS + 1000;
    expect((await signIn('zhang', 'Huangjueping-road-88')).statusCode).toBe(200);
    expect(audit.read().slice(before).filter((r) => r.action === 'signIn' && r.user === 'zhang').map((r) => r.code ?? r.outcome)).toEqual([
      'badCredentials',
      'badCredentials',
      'badCredentials',
      'badCredentials',
      'accountLocked', // the fifth failure locks
      'accountLocked', // the right password while locked: refused, recorded
      'applied',
    ]);
  });

  it('makes one client address wait after twenty failures, whatever the names', async () => {
    const headers = { 'x-forwarded-for': '203.0.113.9' }; // not trusted: the address is the socket's; inject gives 127.0.0.1
    clock += LOCK_MS + 1000;
    for (let i = 0; i < 20; i++) expect((await signIn(`spray-${i}`, 'Password-guess-1', headers)).statusCode).toBe(401);
    const res = await signIn('liwei', 'Li-township-pass-2026', headers);
    expect(res.statusCode).toBe(429);
    expect(res.json().error.code).toBe('tooManyAttempts');
    clock += LOCK_MS + 1000;
    expect((await signIn('liwei', 'Li-township-pass-2026')).statusCode).toBe(200);
  });
});

describe('sessions end', () => {
  it('on sign-out, after a working day idle, and when the password changes (other sessions only)', async () => {
    clock += LOCK_MS + 1000;
    const a = sessionOf(await signIn('liwei', 'Li-township-pass-2026'));
    const b = sessionOf(await signIn('liwei', 'Li-township-pass-2026'));
    const get = (s: { cookie: string }) => app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.cookie } });
    const change = (s: { cookie: string; csrf: string }, currentPassword: string, newPassword: string) =>
      app.inject({ method: 'POST', url: '/api/me/password', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload: { currentPassword, newPassword } });

    const wrongCurrent = await change(a, 'not-my-password', 'A-new-password-2026');
    expect(wrongCurrent.statusCode).toBe(403);
    const weak = await change(a, 'Li-township-pass-2026', 'short');
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.issues[0].path).toBe('newPassword');
    expect((await change(a, 'Li-township-pass-2026', 'liwei-is-me-2026')).json().error.message.zh).toContain('不能包含用户名');

    const ok = await change(a, 'Li-township-pass-2026', 'Xiejiawan-new-2026');
    expect(ok.statusCode).toBe(200);
    const renewed = sessionOf(ok);
    expect(renewed.cookie).not.toBe(a.cookie);
    expect((await get(renewed)).statusCode).toBe(200);
    expect((await get(a)).statusCode).toBe(401);
    expect((await get(b)).statusCode).toBe(401);
    expect((await signIn('liwei', 'Li-township-pass-2026')).statusCode).toBe(401);
    expect((await signIn('liwei', 'Xiejiawan-new-2026')).statusCode).toBe(200);
    expect(audit.read().filter((r) => r.action === 'changePassword').map((r) => r.outcome)).toEqual(['refused', 'invalid', 'invalid', 'applied']);

    const out = await app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie: renewed.cookie, 'x-csrf-token': renewed.csrf } });
    expect(out.statusCode).toBe(200);
    expect(parseSetCookie(String(out.headers['set-cookie'])).attributes['max-age']).toBe('0');
    expect((await get(renewed)).statusCode).toBe(401);

    const idle = sessionOf(await signIn('liwei', 'Xiejiawan-new-2026'));
    clock += 8 * 3600_000 + 1000;
    expect((await get(idle)).statusCode).toBe(401);
  });
});

describe('a password reset from the server', () => {
  it('`handover users password` hands out a new password to be changed, and ends the user’s sessions in the running API', async () => {
    clock += LOCK_MS + 1000;
    const s = sessionOf(await signIn('liwei', 'Xiejiawan-new-2026'));
    const saved = { users: process.env.HANDOVER_USERS_FILE, audit: process.env.HANDOVER_AUDIT_FILE };
    process.env.HANDOVER_USERS_FILE = join(dir, 'users.json');
    process.env.HANDOVER_AUDIT_FILE = join(dir, 'audit.jsonl');
    const out: string[] = [];
    try {
      expect(await runCli(['users', 'password', 'liwei'], { out: (l) => out.push(l), err: (l) => out.push(l) })).toBe(0);
    } finally {
      process.env.HANDOVER_USERS_FILE = saved.users;
      process.env.HANDOVER_AUDIT_FILE = saved.audit;
    }
    const password = /：([a-z2-9]{4}(?:-[a-z2-9]{4}){3})$/.exec(out[0]!)?.[1];
    expect(password).toBeDefined();
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.cookie } })).statusCode).toBe(401);
    expect((await signIn('liwei', 'Xiejiawan-new-2026')).statusCode).toBe(401);
    const fresh = sessionOf(await signIn('liwei', password!));
    const cases = await app.inject({ method: 'GET', url: '/api/cases', headers: { cookie: fresh.cookie } });
    expect(cases.json().error.code).toBe('passwordChangeRequired');
    expect(audit.read().at(-1)).toMatchObject({ action: 'signIn', user: 'liwei', outcome: 'applied' });
    expect(audit.read().some((r) => r.action === 'resetPassword' && r.detail === 'liwei')).toBe(true);
  });
});

describe('the first administrator', () => {
  it('is created once with a handed-out password that must be changed before anything else', async () => {
    const store = new UsersStore(join(dir, 'admin-users.json'));
    const file = join(dir, 'admin-initial-password.json');
    const first = await seedAdministrator(store, file);
    expect(first).toMatchObject({ name: 'admin', password: expect.stringMatching(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/) });
    expect(store.byName('admin')).toMatchObject({ role: 'cityCivilAffairs', org: 'chongqing', admin: true, mustChangePassword: true });
    // A second start says the same, and creates nobody.
    expect(await seedAdministrator(store, file)).toEqual(first);
    expect(store.list().filter((u) => u.admin)).toHaveLength(1);
    // Demo users get demo passwords, printed again on the next start.
    const demo = await seedDemoUsers(store, join(dir, 'demo-tokens.json'));
    expect(demo.length).toBe(10);
    for (const d of demo) expect(await store.verifyPassword(d.user.name, d.password!)).toMatchObject({ name: d.user.name });
    expect((await seedDemoUsers(store, join(dir, 'demo-tokens.json'))).map((d) => d.password)).toEqual(demo.map((d) => d.password));

    const adminApp = await buildApi({ client: h.client, taskQueue: h.taskQueue, users: store, audit, reportsDir: join(dir, 'reports') });
    try {
      const s = sessionOf(await adminApp.inject({ method: 'POST', url: '/api/session', payload: { name: 'admin', password: first!.password } }));
      const cases = await adminApp.inject({ method: 'GET', url: '/api/cases', headers: { cookie: s.cookie } });
      expect(cases.statusCode).toBe(403);
      expect(cases.json().error.code).toBe('passwordChangeRequired');
      expect((await adminApp.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.cookie } })).json()).toMatchObject({ admin: true, mustChangePassword: true });
      const changed = await adminApp.inject({
        method: 'POST',
        url: '/api/me/password',
        headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
        payload: { currentPassword: first!.password, newPassword: 'Jiefangbei-Square-2026' },
      });
      expect(changed.statusCode).toBe(200);
      expect(changed.json().user.mustChangePassword).toBeUndefined();
      const after = sessionOf(changed);
      expect((await adminApp.inject({ method: 'GET', url: '/api/cases', headers: { cookie: after.cookie } })).statusCode).toBe(200);
      // Changed: the next start has nothing to print.
      expect(await seedAdministrator(store, file)).toBeUndefined();
    } finally {
      await adminApp.close();
    }
  });
});

describe('a burst of sign-ins', () => {
  it('runs at most two password hashes at once and queues a bounded number; the rest answer 503 at once', async () => {
    clock += LOCK_MS + 1000;
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, hashingLoad().running)), 1);
    const burst = await Promise.all(Array.from({ length: 80 }, (_, i) => signIn(`burst-${i}`, 'Burst-password-2026')));
    clearInterval(sampler);
    const statuses = burst.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(MAX_CONCURRENT_HASHES + MAX_WAITING_HASHES);
    const busy = burst.filter((r) => r.statusCode === 503);
    expect(busy).toHaveLength(80 - MAX_CONCURRENT_HASHES - MAX_WAITING_HASHES);
    expect(busy[0]!.json().error).toMatchObject({ code: 'busy', message: { zh: '登录请求过多，请稍后再试' } });
    expect(peak).toBeLessThanOrEqual(MAX_CONCURRENT_HASHES);
    expect(hashingLoad()).toEqual({ running: 0, waiting: 0 });
  });
});

describe('an API restart', () => {
  it('keeps sessions and locks (SQLite beside the users file), and deletes expired sessions', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'handover-session-restart-'));
    let now = Date.parse('2026-07-01T01:00:00Z');
    const store = new UsersStore(join(dir2, 'users.json'));
    store.add({ name: 'wang', role: 'township', org: '九龙坡区/杨家坪街道' });
    await store.setPassword('wang', 'Xiejiawan-road-2026');
    store.add({ name: 'chen', role: 'districtCivilAffairs', org: '九龙坡区' });
    await store.setPassword('chen', 'Shiqiaopu-road-2026');
    const start = () =>
      buildApi({ client: h.client, taskQueue: h.taskQueue, users: store, audit: new AuditLog(join(dir2, 'audit.jsonl')), reportsDir: join(dir2, 'reports'), session: { now: () => now } });
    const me = (api: FastifyInstance, cookie: string) => api.inject({ method: 'GET', url: '/api/session', headers: { cookie } });

    const first = await start();
    const kept = sessionOf(await first.inject({ method: 'POST', url: '/api/session', payload: { name: 'wang', password: 'Xiejiawan-road-2026' } }));
    const idle = sessionOf(await first.inject({ method: 'POST', url: '/api/session', payload: { name: 'chen', password: 'Shiqiaopu-road-2026' } }));
    for (let i = 0; i < 5; i++) await first.inject({ method: 'POST', url: '/api/session', payload: { name: 'chen', password: `wrong-${i}` } });
    now += 5 * 3600_000;
    expect((await me(first, kept.cookie)).statusCode).toBe(200); // wang's session was used 5 h after sign-in; chen's was not
    await first.close();

    now += 4 * 3600_000; // chen's session has been idle 9 h (more than a working day), wang's 4 h
    const second = await start();
    try {
      const again = await me(second, kept.cookie);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ user: { name: 'wang' }, csrfToken: kept.csrf });
      // Cleaned up at the start: chen's idle session, and the lock of chen's name (15 minutes, run out 9 h ago).
      const db = new Database(join(dir2, 'sessions.sqlite'), { readonly: true });
      try {
        expect((db.prepare('SELECT user FROM sessions').all() as Array<{ user: string }>).map((r) => r.user)).toEqual(['wang']);
        expect(db.prepare('SELECT COUNT(*) AS n FROM sign_in_failures').get()).toEqual({ n: 0 });
      } finally {
        db.close();
      }
      expect((await me(second, idle.cookie)).statusCode).toBe(401);
      // A fresh lock, then a restart: still locked.
      for (let i = 0; i < 5; i++) await second.inject({ method: 'POST', url: '/api/session', payload: { name: 'chen', password: `wrong-again-${i}` } });
    } finally {
      await second.close();
    }
    now += 60_000;
    const third = await start();
    try {
      const locked = await third.inject({ method: 'POST', url: '/api/session', payload: { name: 'chen', password: 'Shiqiaopu-road-2026' } });
      expect(locked.statusCode).toBe(429);
      expect(locked.json().error.code).toBe('accountLocked');
      expect((await me(third, kept.cookie)).statusCode).toBe(200);
    } finally {
      await third.close();
    }
  });
});

