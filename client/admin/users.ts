// The people who use the engine: each user is a role plus an organisation, identified by a bearer token (API and
// scripts) or by user name and password (the console). Stored in a JSON file (default data/users.json) holding only
// the sha256 of each token (a token is shown once) and the scrypt hash of each password (client/admin/passwords.ts).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { creditCodeProblem } from '../../machines/credit-code';
import { isKnownDistrict } from '../../machines/districts';
import { CITY_ORG, CITY_ROLES, DISTRICT_ROLES, ROLES, RoleSchema, type Role } from '../../machines/roles';
import { InvalidInputError, type Localized } from '../errors';
import { decoyHash, generatePassword, hashPassword, isPasswordHash, passwordProblem, verifyPassword } from './passwords';

export const DEFAULT_USERS_FILE = join(__dirname, '..', '..', 'data', 'users.json');

/** A user as the API sees it once authenticated. */
export interface User {
  name: string;
  role: Role;
  org: string;
  /** A human name or title shown in the console, e.g. 九龙坡区民政局 张科长. */
  displayName?: string;
  /** Administers users (the first start creates one administrator). */
  admin?: boolean;
  /** Signed in with a password handed out (first administrator, reset): must choose a new one before anything else. */
  mustChangePassword?: boolean;
  /** Disabled by an administrator: no token, password or session of this user is accepted. */
  disabled?: boolean;
}

interface StoredUser extends User {
  tokenSha256: string;
  createdAt: string;
  passwordHash?: string;
  passwordChangedAt?: string;
}

/** Why `org` cannot be the organisation of a `role` user, or undefined when it can. */
export function userOrgProblem(role: Role, org: string): Localized | undefined {
  if (role === 'enterprise') return creditCodeProblem(org);
  if (DISTRICT_ROLES.includes(role) && !isKnownDistrict(org)) return { zh: `不是已知的区县：${org}`, en: `not a known district: ${org}` };
  if (role === 'township') {
    const [district, township, ...rest] = org.split('/');
    if (!district || !township || rest.length > 0 || !isKnownDistrict(district)) {
      return { zh: `乡镇（街道）的组织应为 区县/乡镇，例如 九龙坡区/杨家坪街道：${org}`, en: `a township's organisation is district/township, e.g. 九龙坡区/杨家坪街道: ${org}` };
    }
  }
  if (CITY_ROLES.includes(role) && org !== CITY_ORG) return { zh: `市级部门的组织应为 ${CITY_ORG}：${org}`, en: `a city body's organisation must be ${CITY_ORG}: ${org}` };
  return undefined;
}

export const NewUserSchema = z
  .object({
    name: z.string().regex(/^[\p{L}\p{N}._-]{2,64}$/u, '用户名为 2 至 64 个字母、数字、点、下划线或连字符 (2 to 64 letters, digits, dots, underscores or hyphens)'),
    role: RoleSchema,
    org: z.string().trim().min(1).max(200),
    displayName: z.string().trim().min(1).max(100).optional(),
  })
  .strict()
  .superRefine((u, ctx) => {
    const problem = userOrgProblem(u.role, u.org);
    if (problem) ctx.addIssue({ code: 'custom', path: ['org'], message: `${problem.zh} (${problem.en})` });
  });

const FileSchema = z.object({
  users: z.array(
    z.object({
      name: z.string(),
      role: RoleSchema,
      org: z.string(),
      displayName: z.string().optional(),
      tokenSha256: z.string().regex(/^[0-9a-f]{64}$/),
      createdAt: z.string(),
      admin: z.boolean().optional(),
      passwordHash: z.string().refine(isPasswordHash, 'not an scrypt hash').optional(),
      passwordChangedAt: z.string().optional(),
      mustChangePassword: z.boolean().optional(),
      disabled: z.boolean().optional(),
    }),
  ),
});

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Users with hashed tokens in one JSON file; every change is written atomically (temp file + rename). */
export class UsersStore {
  private users: StoredUser[] = [];
  private byHash = new Map<string, StoredUser>();

  constructor(readonly file: string = DEFAULT_USERS_FILE) {
    this.reload();
  }

  private stamp = '';

  /** The file's modification time and size, to tell whether another process changed it. */
  private fileStamp(): string {
    try {
      const st = statSync(this.file);
      return `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      return 'none';
    }
  }

  /** Re-reads the file when another process (the CLI) changed it since it was last read here. */
  reloadIfChanged(): void {
    if (this.fileStamp() !== this.stamp) this.reload();
  }

  /** Re-reads the file (users added by the CLI while the server runs are seen on the next miss). */
  reload(): void {
    this.stamp = this.fileStamp();
    if (!existsSync(this.file)) {
      this.users = [];
    } else {
      const parsed = FileSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      if (!parsed.success) throw new Error(`用户文件格式错误 (malformed users file) ${this.file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      this.users = parsed.data.users as StoredUser[];
    }
    this.byHash = new Map(this.users.map((u) => [u.tokenSha256, u]));
  }

  list(): User[] {
    return this.users.map(publicUser);
  }

  byName(name: string): User | undefined {
    const u = this.users.find((x) => x.name === name);
    return u && publicUser(u);
  }

  /** The user holding this token, or undefined. Only hashes are compared; the map lookup is by hash. */
  authenticate(token: string): User | undefined {
    if (!token) return undefined;
    const hash = hashToken(token);
    let u = this.byHash.get(hash);
    if (!u && existsSync(this.file)) {
      this.reload();
      u = this.byHash.get(hash);
    }
    return u && !u.disabled ? publicUser(u) : undefined;
  }

  /** Adds a user and returns its token (shown once, never stored); a name already taken is refused. */
  add(input: unknown): { user: User; token: string } {
    const parsed = NewUserSchema.safeParse(input);
    if (!parsed.success) {
      throw new InvalidInputError(parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })), { zh: '用户', en: 'user' });
    }
    this.reload();
    if (this.users.some((u) => u.name === parsed.data.name)) {
      throw new InvalidInputError([{ path: 'name', message: `用户名已存在：${parsed.data.name} (name already taken)` }], { zh: '用户', en: 'user' });
    }
    const token = `hov_${randomBytes(24).toString('base64url')}`;
    const stored: StoredUser = { ...parsed.data, tokenSha256: hashToken(token), createdAt: new Date().toISOString() };
    this.users.push(stored);
    this.save();
    return { user: publicUser(stored), token };
  }

  /**
   * Sets a user's password (hashed with scrypt; the policy of passwords.ts applies unless `policy: false`, for
   * generated ones). `mustChange`: the user must choose another at the next sign-in.
   */
  async setPassword(name: string, password: string, opts: { mustChange?: boolean; policy?: boolean } = {}): Promise<void> {
    if (opts.policy !== false) {
      const problem = passwordProblem(password, name);
      if (problem) throw new InvalidInputError([{ path: 'password', message: `${problem.zh} (${problem.en})` }], { zh: '密码', en: 'password' });
    }
    const hash = await hashPassword(password);
    this.reload();
    const u = this.users.find((x) => x.name === name);
    if (!u) throw new InvalidInputError([{ path: 'name', message: `用户不存在：${name} (unknown user)` }], { zh: '用户', en: 'user' });
    u.passwordHash = hash;
    u.passwordChangedAt = new Date().toISOString();
    if (opts.mustChange) u.mustChangePassword = true;
    else delete u.mustChangePassword;
    this.save();
  }

  /**
   * The user with this name and password, or undefined. An unknown name, a user without a password and a wrong
   * password take the same time (a decoy hash is checked) and give the same answer.
   */
  async verifyPassword(name: string, password: string): Promise<User | undefined> {
    this.reload();
    const u = this.users.find((x) => x.name === name);
    const ok = await verifyPassword(password, u?.passwordHash ?? (await decoyHash()));
    return ok && u?.passwordHash && !u.disabled ? publicUser(u) : undefined;
  }

  /** When the user's password was last set; undefined when it has none. */
  passwordChangedAt(name: string): string | undefined {
    const u = this.users.find((x) => x.name === name);
    return u?.passwordHash ? u.passwordChangedAt : undefined;
  }

  /** Sets `admin` on a user. */
  setAdmin(name: string, admin: boolean): void {
    this.reload();
    const u = this.users.find((x) => x.name === name);
    if (!u) throw new InvalidInputError([{ path: 'name', message: `用户不存在：${name} (unknown user)` }], { zh: '用户', en: 'user' });
    if (admin) u.admin = true;
    else delete u.admin;
    this.save();
  }

  /**
   * Changes a user's role, organisation, display name or administrator flag (the organisation is checked against the
   * role as when adding). Returns the user as it is now.
   */
  update(name: string, changes: { role?: Role; org?: string; displayName?: string | null; admin?: boolean }): User {
    this.reload();
    const u = this.users.find((x) => x.name === name);
    if (!u) throw new InvalidInputError([{ path: 'name', message: `用户不存在：${name} (unknown user)` }], { zh: '用户', en: 'user' });
    const role = changes.role ?? u.role;
    const org = changes.org?.trim() ?? u.org;
    const problem = userOrgProblem(role, org);
    if (problem) throw new InvalidInputError([{ path: 'org', message: `${problem.zh} (${problem.en})` }], { zh: '用户', en: 'user' });
    u.role = role;
    u.org = org;
    if (changes.displayName === null || changes.displayName?.trim() === '') delete u.displayName;
    else if (changes.displayName !== undefined) u.displayName = changes.displayName.trim();
    if (changes.admin === true) u.admin = true;
    else if (changes.admin === false) delete u.admin;
    this.save();
    return publicUser(u);
  }

  /** Disables (or enables again) a user: a disabled user's token, password and sessions are refused. */
  setDisabled(name: string, disabled: boolean): User {
    this.reload();
    const u = this.users.find((x) => x.name === name);
    if (!u) throw new InvalidInputError([{ path: 'name', message: `用户不存在：${name} (unknown user)` }], { zh: '用户', en: 'user' });
    if (disabled) u.disabled = true;
    else delete u.disabled;
    this.save();
    return publicUser(u);
  }

  /** When each user was added (for the administration page). */
  createdAt(name: string): string | undefined {
    return this.users.find((x) => x.name === name)?.createdAt;
  }

  /** Issues a new token for an existing user; the old one stops working. */
  rotate(name: string): string {
    this.reload();
    const u = this.users.find((x) => x.name === name);
    if (!u) throw new InvalidInputError([{ path: 'name', message: `用户不存在：${name} (unknown user)` }], { zh: '用户', en: 'user' });
    const token = `hov_${randomBytes(24).toString('base64url')}`;
    u.tokenSha256 = hashToken(token);
    this.save();
    return token;
  }

  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ users: this.users }, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, this.file);
    this.stamp = this.fileStamp();
    this.byHash = new Map(this.users.map((x) => [x.tokenSha256, x]));
  }
}

function publicUser(u: StoredUser): User {
  return {
    name: u.name,
    role: u.role,
    org: u.org,
    ...(u.displayName ? { displayName: u.displayName } : {}),
    ...(u.admin ? { admin: true } : {}),
    ...(u.mustChangePassword ? { mustChangePassword: true } : {}),
    ...(u.disabled ? { disabled: true } : {}),
  };
}

/** One demo user per role for the sample case (samples/case.json), as `npm start` seeds them. */
export const DEMO_USERS: ReadonlyArray<User> = [
  { name: 'district-operator', role: 'districtCivilAffairs', org: '九龙坡区', displayName: '九龙坡区民政局 经办人' },
  { name: 'district-gov', role: 'districtGovernment', org: '九龙坡区', displayName: '九龙坡区人民政府' },
  { name: 'district-finance', role: 'districtFinance', org: '九龙坡区', displayName: '九龙坡区财政局' },
  { name: 'township', role: 'township', org: '九龙坡区/杨家坪街道', displayName: '杨家坪街道办事处' },
  { name: 'enterprise', role: 'enterprise', org: '91500000202812345P', displayName: '重庆某机械厂' },
  { name: 'parent-group', role: 'parentGroup', org: '重庆机电控股（集团）公司', displayName: '重庆机电控股（集团）公司' },
  { name: 'city-civil-affairs', role: 'cityCivilAffairs', org: CITY_ORG, displayName: '市民政局' },
  { name: 'city-sasac', role: 'citySasac', org: CITY_ORG, displayName: '市国资委' },
  { name: 'city-urban', role: 'cityUrbanManagement', org: CITY_ORG, displayName: '市城管委' },
  { name: 'city-finance', role: 'cityFinance', org: CITY_ORG, displayName: '市财政局' },
];

export interface DemoUser {
  user: User;
  token: string;
  /** The demo password (console sign-in), while it is still the one handed out. */
  password?: string;
}

/** A password handed out, and when it was set: still valid while the user's password was not changed since. */
interface HandedOut {
  password: string;
  setAt: string;
}

function readJson<T>(file: string, fallback: T): T {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : fallback;
}

function writeSecret(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
}

/**
 * Adds the demo users that are missing, gives each a demo password, and returns their tokens and passwords. Tokens
 * and passwords of users seeded on an earlier start are kept in `tokensFile` (data/demo-tokens.json) and
 * data/demo-passwords.json beside it, demo only, so `npm start` can print them again; a password someone changed
 * since is no longer printed.
 */
export async function seedDemoUsers(store: UsersStore, tokensFile: string): Promise<DemoUser[]> {
  const known = readJson<Record<string, string>>(tokensFile, {});
  const passwordsFile = join(dirname(tokensFile), 'demo-passwords.json');
  const passwords = readJson<Record<string, HandedOut>>(passwordsFile, {});
  const out: DemoUser[] = [];
  for (const demo of DEMO_USERS) {
    const existing = store.byName(demo.name);
    let entry: DemoUser | undefined;
    if (!existing) {
      const added = store.add(demo);
      known[demo.name] = added.token;
      entry = added;
    } else if (known[demo.name] && store.authenticate(known[demo.name]!)?.name === demo.name) {
      entry = { user: existing, token: known[demo.name]! };
    }
    if (!entry) continue;
    const changedAt = store.passwordChangedAt(demo.name);
    if (!changedAt) {
      const password = `demo-${generatePassword()}`;
      await store.setPassword(demo.name, password, { policy: false });
      passwords[demo.name] = { password, setAt: store.passwordChangedAt(demo.name)! };
    } else if (passwords[demo.name]?.setAt !== changedAt) {
      delete passwords[demo.name];
    }
    out.push({ ...entry, ...(passwords[demo.name] ? { password: passwords[demo.name]!.password } : {}) });
  }
  writeSecret(tokensFile, known);
  writeSecret(passwordsFile, passwords);
  return out;
}

/**
 * On the first start (no administrator yet), creates the administrator `admin` (a city civil affairs user of
 * chongqing) with a generated password that must be changed at the first sign-in, and keeps that password in
 * `file` (data/admin-initial-password.json, readable by the owner only) until it is changed, so every start can say
 * how to sign in. Returns the name and the initial password while it is still the one handed out.
 */
export async function seedAdministrator(store: UsersStore, file: string): Promise<{ name: string; password: string } | undefined> {
  if (!store.list().some((u) => u.admin)) {
    const name = store.byName('admin') ? `admin-${randomBytes(3).toString('hex')}` : 'admin';
    store.add({ name, role: 'cityCivilAffairs', org: CITY_ORG, displayName: '系统管理员' });
    store.setAdmin(name, true);
    const password = generatePassword();
    await store.setPassword(name, password, { mustChange: true, policy: false });
    writeSecret(file, { name, password, setAt: store.passwordChangedAt(name) });
    return { name, password };
  }
  const saved = readJson<(HandedOut & { name: string }) | undefined>(file, undefined);
  if (saved && store.byName(saved.name)?.mustChangePassword && store.passwordChangedAt(saved.name) === saved.setAt) return { name: saved.name, password: saved.password };
  return undefined; // changed since: nothing to print
}

export { ROLES };
