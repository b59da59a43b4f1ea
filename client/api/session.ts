// Signing in to the console: user name and password (client/admin/passwords.ts), an HttpOnly SameSite=Strict session
// cookie, a CSRF token for every state-changing request made with that cookie, a lockout per user name and a limit
// per client address on failed attempts, sign-out and password change. Bearer tokens keep working for the API and
// scripts (client/api/server.ts); they are no ambient credential, so they need no CSRF token.
//
// Sessions and sign-in failures (lockouts) live in SQLite beside the users file (`<data dir>/sessions.sqlite` by
// default), so an API restart signs no one out and lifts no lock; expired sessions, run-out locks and old failures
// are deleted as the API goes (at start, on every sign-in and every failure).
import Database from 'better-sqlite3';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLE_NAMES } from '../../machines/roles';
import type { User, UsersStore } from '../admin/users';
import { MAX_PASSWORD_LENGTH, passwordProblem } from '../admin/passwords';
import type { Localized } from '../errors';
import { ApiError } from './api-error';
import type { AuditLog } from './audit';
import type { Authenticator } from './auth';
import { PUBLIC } from './auth';
import { userDistrict } from './access';

export const SESSION_COOKIE = 'handover_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface SessionSettings {
  /** A session ends after this long without a request (default 8 hours: a working day). */
  idleMs: number;
  /** …and this long after sign-in whatever happens (default 12 hours). */
  absoluteMs: number;
  /** Failed attempts for one user name before it is locked (default 5)… */
  maxFailures: number;
  /** …for this long (default 15 minutes). */
  lockMs: number;
  /** Failed attempts from one client address within `lockMs` before it must wait (default 20). */
  maxFailuresPerAddress: number;
  /** `Secure` on the cookie: 'auto' = when the request came over https (behind a proxy: set trustProxy or true). */
  secureCookie: 'auto' | boolean;
  /** The clock (tests). */
  now: () => number;
}

export const DEFAULT_SESSION_SETTINGS: SessionSettings = {
  idleMs: 8 * 3600_000,
  absoluteMs: 12 * 3600_000,
  maxFailures: 5,
  lockMs: 15 * 60_000,
  maxFailuresPerAddress: 20,
  secureCookie: 'auto',
  now: Date.now,
};

/** HANDOVER_COOKIE_SECURE=1 (always Secure, e.g. behind a TLS proxy) or 0 (never); default: when over https. */
export function sessionSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<SessionSettings> {
  const v = env.HANDOVER_COOKIE_SECURE;
  return v === undefined ? {} : { secureCookie: v === '1' || v === 'true' };
}

interface Session {
  user: string;
  /** The user's password as it was at sign-in (when it was set): a password set since ends the session. */
  passwordSetAt: string | undefined;
  csrf: string;
  createdAt: number;
  lastSeen: number;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The SQLite file sessions and sign-in failures are kept in (`:memory:` keeps them in this process only). */
export function openSessionDatabase(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS sessions (
      key TEXT PRIMARY KEY, user TEXT NOT NULL, password_set_at TEXT, csrf TEXT NOT NULL, created_at INTEGER NOT NULL, last_seen INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user);
    CREATE TABLE IF NOT EXISTS sign_in_failures (
      name TEXT PRIMARY KEY, failures INTEGER NOT NULL, locked_until INTEGER NOT NULL, last_failure INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS sign_in_failures_by_address (address TEXT NOT NULL, at INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS sign_in_failures_by_address_at ON sign_in_failures_by_address (address, at);`);
  return db;
}

interface SessionRow {
  user: string;
  password_set_at: string | null;
  csrf: string;
  created_at: number;
  last_seen: number;
}

/** Sessions by the sha256 of their id (the id itself is only ever in the user's cookie). */
export class SessionStore {
  constructor(
    private readonly settings: SessionSettings,
    private readonly db: Database.Database = openSessionDatabase(':memory:'),
  ) {
    this.sweep();
  }

  create(user: string, passwordSetAt: string | undefined): { id: string; csrf: string } {
    this.sweep();
    const id = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    const now = this.settings.now();
    this.db
      .prepare('INSERT INTO sessions (key, user, password_set_at, csrf, created_at, last_seen) VALUES (?, ?, ?, ?, ?, ?)')
      .run(sha256(id), user, passwordSetAt ?? null, csrf, now, now);
    return { id, csrf };
  }

  /** The live session of this id (its idle clock restarted), or undefined. */
  get(id: string): Session | undefined {
    const key = sha256(id);
    const row = this.db.prepare('SELECT user, password_set_at, csrf, created_at, last_seen FROM sessions WHERE key = ?').get(key) as SessionRow | undefined;
    if (!row) return undefined;
    const now = this.settings.now();
    if (now - row.last_seen > this.settings.idleMs || now - row.created_at > this.settings.absoluteMs) {
      this.db.prepare('DELETE FROM sessions WHERE key = ?').run(key);
      return undefined;
    }
    this.db.prepare('UPDATE sessions SET last_seen = ? WHERE key = ?').run(now, key);
    return { user: row.user, passwordSetAt: row.password_set_at ?? undefined, csrf: row.csrf, createdAt: row.created_at, lastSeen: now };
  }

  destroy(id: string): void {
    this.db.prepare('DELETE FROM sessions WHERE key = ?').run(sha256(id));
  }

  /** Ends every session of `user` but the one with id `keep`. */
  destroyUser(user: string, keep?: string): void {
    this.db.prepare('DELETE FROM sessions WHERE user = ? AND key IS NOT ?').run(user, keep ? sha256(keep) : null);
  }

  count(user: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM sessions WHERE user = ?').get(user) as { n: number }).n;
  }

  /** Deletes the sessions that have expired (idle too long, or too long since sign-in). */
  sweep(): number {
    const now = this.settings.now();
    return this.db.prepare('DELETE FROM sessions WHERE last_seen < ? OR created_at < ?').run(now - this.settings.idleMs, now - this.settings.absoluteMs).changes;
  }
}

/** Failures of a name with no lock are forgotten after this long without another. */
const FAILURE_MEMORY_MS = 24 * 3600_000;
/** At most this many names and addresses are remembered (the oldest go first when someone sprays names). */
const MAX_REMEMBERED = 10_000;

/** Failed sign-ins: consecutive failures per user name (known or not: the lock tells nothing), and per address. */
export class SignInGuard {
  constructor(
    private readonly settings: SessionSettings,
    private readonly db: Database.Database = openSessionDatabase(':memory:'),
  ) {
    this.sweep();
  }

  /** Throws 429 while the name is locked or the address has failed too often. */
  check(name: string, address: string): void {
    const now = this.settings.now();
    const n = this.db.prepare('SELECT locked_until FROM sign_in_failures WHERE name = ?').get(name) as { locked_until: number } | undefined;
    if (n && n.locked_until > now) {
      const minutes = Math.ceil((n.locked_until - now) / 60_000);
      throw new ApiError(
        429,
        'accountLocked',
        { zh: `登录失败次数过多，该用户已锁定，请 ${minutes} 分钟后再试`, en: `too many failed sign-ins: this user is locked; try again in ${minutes} minute(s)` },
        undefined,
        { 'retry-after': String(Math.ceil((n.locked_until - now) / 1000)) },
      );
    }
    const recent = this.recentFailures(address, now);
    if (recent.length >= this.settings.maxFailuresPerAddress) {
      throw new ApiError(
        429,
        'tooManyAttempts',
        { zh: '登录失败次数过多，请稍后再试', en: 'too many failed sign-ins from here; try again later' },
        undefined,
        { 'retry-after': String(Math.ceil((recent[0]! + this.settings.lockMs - now) / 1000)) },
      );
    }
  }

  private recentFailures(address: string, now: number): number[] {
    return (this.db.prepare('SELECT at FROM sign_in_failures_by_address WHERE address = ? AND at > ? ORDER BY at').all(address, now - this.settings.lockMs) as Array<{ at: number }>).map((r) => r.at);
  }

  /** Records a failure; true when it locked the name. */
  failed(name: string, address: string): boolean {
    const now = this.settings.now();
    this.sweep();
    const locked = this.db.transaction(() => {
      const row = this.db.prepare('SELECT failures, locked_until FROM sign_in_failures WHERE name = ?').get(name) as { failures: number; locked_until: number } | undefined;
      // A lock that ran out starts a new count.
      let failures = row && !(row.locked_until && row.locked_until <= now) ? row.failures : 0;
      let lockedUntil = row && row.locked_until > now ? row.locked_until : 0;
      failures++;
      let lockedNow = false;
      if (failures >= this.settings.maxFailures) {
        lockedUntil = now + this.settings.lockMs;
        lockedNow = true;
      }
      this.db
        .prepare('INSERT INTO sign_in_failures (name, failures, locked_until, last_failure) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, last_failure = excluded.last_failure')
        .run(name, failures, lockedUntil, now);
      this.db.prepare('INSERT INTO sign_in_failures_by_address (address, at) VALUES (?, ?)').run(address, now);
      return lockedNow;
    })();
    this.bound();
    return locked;
  }

  succeeded(name: string): void {
    this.db.prepare('DELETE FROM sign_in_failures WHERE name = ?').run(name);
  }

  /** Deletes what no longer counts: address failures older than the window, run-out locks, old unlocked failures. */
  sweep(): void {
    const now = this.settings.now();
    this.db.prepare('DELETE FROM sign_in_failures_by_address WHERE at <= ?').run(now - this.settings.lockMs);
    this.db.prepare('DELETE FROM sign_in_failures WHERE (locked_until > 0 AND locked_until <= ?) OR (locked_until = 0 AND last_failure <= ?)').run(now, now - FAILURE_MEMORY_MS);
  }

  private bound(): void {
    const names = (this.db.prepare('SELECT COUNT(*) AS n FROM sign_in_failures').get() as { n: number }).n;
    if (names > MAX_REMEMBERED) {
      this.db.prepare('DELETE FROM sign_in_failures WHERE name IN (SELECT name FROM sign_in_failures ORDER BY last_failure LIMIT ?)').run(names - MAX_REMEMBERED);
    }
    const addresses = (this.db.prepare('SELECT COUNT(*) AS n FROM sign_in_failures_by_address').get() as { n: number }).n;
    if (addresses > MAX_REMEMBERED * 2) {
      this.db.prepare('DELETE FROM sign_in_failures_by_address WHERE rowid IN (SELECT rowid FROM sign_in_failures_by_address ORDER BY at LIMIT ?)').run(addresses - MAX_REMEMBERED * 2);
    }
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The session id when the caller was recognised by the session cookie. */
    sessionId?: string;
  }
}

/** The value of one cookie of the request, or undefined. */
export function cookieOf(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * True when the Origin header names this server: the same host and port as the Host header. The scheme is not
 * compared, so a TLS-terminating proxy in front (https outside, http here) needs no setting.
 */
function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false; // "null" (a sandboxed or file page) or garbage
  }
}

/** Refuses a request a browser sent from another site (Origin or Sec-Fetch-Site say so). */
function refuseCrossSite(req: FastifyRequest): void {
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  if ((origin !== undefined && !sameHost(origin, req.headers.host)) || site === 'cross-site') {
    throw new ApiError(403, 'crossOrigin', { zh: '拒绝来自其他网站的请求', en: 'refused: the request came from another site' });
  }
}

export interface SessionDeps {
  users: UsersStore;
  audit: AuditLog;
  settings?: Partial<SessionSettings>;
  /** The SQLite file of sessions and sign-in failures; default `sessions.sqlite` beside the users file (the data dir). */
  file?: string;
}

export interface SessionAuth {
  sessions: SessionStore;
  guard: SignInGuard;
  settings: SessionSettings;
  /** Recognises the caller by the session cookie; for a state-changing request, checks origin and CSRF token. */
  authenticator: Authenticator;
  /** Adds the sign-in, session, sign-out and password routes, and the "change your password first" rule. */
  register(app: FastifyInstance): void;
}

const CredentialsSchema = z
  .object({
    name: z.string().min(1).max(64).describe('用户名'),
    password: z.string().min(1).max(MAX_PASSWORD_LENGTH).describe('密码'),
  })
  .strict();

const PasswordChangeSchema = z
  .object({
    currentPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH).describe('当前密码'),
    newPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH).describe('新密码：至少 10 个字符，不含用户名'),
  })
  .strict();

const BAD_CREDENTIALS: Localized = { zh: '用户名或密码错误', en: 'wrong user name or password' };

/** Routes a user with a handed-out password may still use: to see who they are, change it, or sign out. */
const ALLOWED_BEFORE_CHANGE = new Set(['/api/me', '/api/session', '/api/me/password', '/api/labels']);

export function sessionAuth(deps: SessionDeps): SessionAuth {
  const settings: SessionSettings = { ...DEFAULT_SESSION_SETTINGS, ...sessionSettingsFromEnv(), ...deps.settings };
  const db = openSessionDatabase(deps.file ?? join(dirname(deps.users.file), 'sessions.sqlite'));
  const sessions = new SessionStore(settings, db);
  const guard = new SignInGuard(settings, db);

  const cookie = (req: FastifyRequest, value: string, maxAgeSeconds: number) => {
    const secure = settings.secureCookie === 'auto' ? req.protocol === 'https' : settings.secureCookie;
    return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
  };

  const authenticator: Authenticator = (req) => {
    const id = cookieOf(req, SESSION_COOKIE);
    if (!id) return undefined;
    const session = sessions.get(id);
    if (!session) return undefined;
    // A user removed, or a password set since sign-in (here or by `handover users password`), ends the session.
    deps.users.reloadIfChanged();
    const user = deps.users.byName(session.user);
    if (!user || user.disabled || deps.users.passwordChangedAt(session.user) !== session.passwordSetAt) {
      sessions.destroy(id);
      return undefined;
    }
    if (UNSAFE_METHODS.has(req.method)) {
      refuseCrossSite(req);
      const token = req.headers[CSRF_HEADER];
      if (typeof token !== 'string' || !sameSecret(token, session.csrf)) {
        throw new ApiError(403, 'csrf', {
          zh: '请求缺少有效的 CSRF 令牌（X-CSRF-Token），未办理；请刷新页面后重试',
          en: 'the request lacks a valid CSRF token (X-CSRF-Token); nothing was done — reload the page and try again',
        });
      }
    }
    req.sessionId = id;
    return user;
  };

  const auditEntry = (req: FastifyRequest, user: Pick<User, 'name' | 'role' | 'org'>, entry: { action: string; outcome: string; code?: string; detail?: string }) =>
    deps.audit.record({ user: user.name, role: user.role, org: user.org, method: req.method, url: req.url, ip: req.ip, ...entry });

  const meOf = (u: User) => ({ ...u, roleName: ROLE_NAMES[u.role], ...(userDistrict(u) ? { district: userDistrict(u) } : {}) });

  function register(app: FastifyInstance): void {
    const api = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onClose', async () => {
      if (db.open) db.close();
    });

    // A user with a handed-out password changes it before anything else.
    app.addHook('preHandler', async (req) => {
      if (req.user?.mustChangePassword && !ALLOWED_BEFORE_CHANGE.has(req.routeOptions.url ?? '')) {
        throw new ApiError(403, 'passwordChangeRequired', { zh: '请先修改初始密码', en: 'change your initial password first' });
      }
    });

    api.post(
      '/api/session',
      {
        config: PUBLIC,
        schema: {
          tags: ['session'],
          summary: '用户名和密码登录，设置会话 Cookie (sign in with user name and password; sets the session cookie)',
          description:
            '成功时设置 HttpOnly、SameSite=Strict 的会话 Cookie，并返回 csrfToken：凭 Cookie 的修改类请求须带 X-CSRF-Token 头。同一用户名连续失败 5 次锁定 15 分钟。' +
            ' On success sets an HttpOnly, SameSite=Strict session cookie and returns csrfToken: state-changing requests made with the cookie send it as X-CSRF-Token. Five failures in a row lock the user name for 15 minutes.',
          body: CredentialsSchema,
        },
      },
      async (req, reply) => {
        refuseCrossSite(req);
        const { name, password } = req.body;
        try {
          guard.check(name, req.ip);
        } catch (err) {
          const known = deps.users.byName(name);
          auditEntry(req, known ?? { name, role: '-' as User['role'], org: '-' }, { action: 'signIn', outcome: 'refused', code: (err as ApiError).code });
          throw err;
        }
        const user = await deps.users.verifyPassword(name, password);
        if (!user) {
          const locked = guard.failed(name, req.ip);
          const known = deps.users.byName(name);
          auditEntry(req, known ?? { name, role: '-' as User['role'], org: '-' }, { action: 'signIn', outcome: 'refused', code: locked ? 'accountLocked' : 'badCredentials' });
          throw new ApiError(401, 'badCredentials', BAD_CREDENTIALS);
        }
        guard.succeeded(name);
        const { id, csrf } = sessions.create(user.name, deps.users.passwordChangedAt(user.name));
        auditEntry(req, user, { action: 'signIn', outcome: 'applied' });
        reply.header('set-cookie', cookie(req, id, Math.floor(settings.absoluteMs / 1000)));
        reply.header('cache-control', 'no-store');
        return { user: meOf(user), csrfToken: csrf };
      },
    );

    api.get(
      '/api/session',
      {
        schema: {
          tags: ['session'],
          summary: '当前会话：用户与 CSRF 令牌 (the current session: the user and its CSRF token)',
          security: [{ bearerAuth: [] }],
        },
      },
      async (req, reply) => {
        reply.header('cache-control', 'no-store');
        const session = req.sessionId ? sessions.get(req.sessionId) : undefined;
        return { user: meOf(req.user!), ...(session ? { csrfToken: session.csrf } : {}) };
      },
    );

    api.delete(
      '/api/session',
      { schema: { tags: ['session'], summary: '退出登录 (sign out)', security: [{ bearerAuth: [] }] } },
      async (req, reply) => {
        if (req.sessionId) {
          sessions.destroy(req.sessionId);
          auditEntry(req, req.user!, { action: 'signOut', outcome: 'applied' });
        }
        reply.header('set-cookie', cookie(req, '', 0));
        return { signedOut: true };
      },
    );

    api.post(
      '/api/me/password',
      {
        schema: {
          tags: ['session'],
          summary: '修改密码 (change your password)',
          description: '新密码至少 10 个字符，不含用户名。其他会话随即失效。 At least 10 characters, not containing the user name; your other sessions end.',
          security: [{ bearerAuth: [] }],
          body: PasswordChangeSchema,
        },
      },
      async (req, reply) => {
        const user = req.user!;
        guard.check(user.name, req.ip);
        if (!(await deps.users.verifyPassword(user.name, req.body.currentPassword))) {
          guard.failed(user.name, req.ip);
          auditEntry(req, user, { action: 'changePassword', outcome: 'refused', code: 'badCredentials' });
          throw new ApiError(403, 'badCredentials', { zh: '当前密码不正确', en: 'the current password is wrong' }, [{ path: 'currentPassword', message: '当前密码不正确 (wrong password)' }]);
        }
        if (req.body.newPassword === req.body.currentPassword) {
          throw new ApiError(400, 'invalidPayload', { zh: '新密码不能与当前密码相同', en: 'the new password must differ from the current one' }, [{ path: 'newPassword', message: '新密码不能与当前密码相同 (must differ from the current one)' }]);
        }
        const problem = passwordProblem(req.body.newPassword, user.name);
        if (problem) {
          auditEntry(req, user, { action: 'changePassword', outcome: 'invalid', code: 'invalidPayload' });
          throw new ApiError(400, 'invalidPayload', { zh: `新密码不符合要求：${problem.zh}`, en: `the new password is refused: ${problem.en}` }, [
            { path: 'newPassword', message: `${problem.zh} (${problem.en})` },
          ]);
        }
        await deps.users.setPassword(user.name, req.body.newPassword);
        guard.succeeded(user.name);
        // Every other session of this user ends; this one continues under a new id and token.
        sessions.destroyUser(user.name);
        auditEntry(req, user, { action: 'changePassword', outcome: 'applied' });
        const updated = deps.users.byName(user.name) ?? user;
        if (req.sessionId) {
          const { id, csrf } = sessions.create(user.name, deps.users.passwordChangedAt(user.name));
          reply.header('set-cookie', cookie(req, id, Math.floor(settings.absoluteMs / 1000)));
          return { user: meOf(updated), csrfToken: csrf };
        }
        return { user: meOf(updated) };
      },
    );
  }

  return { sessions, guard, settings, authenticator, register };
}

/** For tests and scripts: the cookie value a Set-Cookie header sets, and its attributes. */
export function parseSetCookie(header: string): { name: string; value: string; attributes: Record<string, string | true> } {
  const [pair, ...attrs] = header.split(';').map((p) => p.trim());
  const i = pair!.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const a of attrs) {
    const j = a.indexOf('=');
    if (j < 0) attributes[a.toLowerCase()] = true;
    else attributes[a.slice(0, j).toLowerCase()] = a.slice(j + 1);
  }
  return { name: pair!.slice(0, i), value: pair!.slice(i + 1), attributes };
}

export type { FastifyReply };
