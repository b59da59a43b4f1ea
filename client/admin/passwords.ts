// Passwords: hashed with scrypt (memory-hard; node:crypto, no dependency), the parameters stored with each hash so
// they can be raised later without invalidating old hashes; compared in constant time; a policy for new passwords.
import { randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { HandoverError, type Localized } from '../errors';

/**
 * scrypt cost: N = 2^17, r = 8, p = 1 (128 MiB and a few hundred ms per hash; the OWASP Password Storage Cheat
 * Sheet's minimum for scrypt). HANDOVER_SCRYPT_LOG2N lowers or raises N (14–20) where hashing time matters more,
 * e.g. in tests; hashes keep their own parameters, so a change applies to new passwords only.
 */
export function scryptParams(env: NodeJS.ProcessEnv = process.env): { N: number; r: number; p: number } {
  const log2n = env.HANDOVER_SCRYPT_LOG2N === undefined ? 17 : Number(env.HANDOVER_SCRYPT_LOG2N);
  if (!Number.isInteger(log2n) || log2n < 14 || log2n > 20) throw new Error(`HANDOVER_SCRYPT_LOG2N 应为 14 至 20 的整数 (must be an integer 14 to 20): ${env.HANDOVER_SCRYPT_LOG2N}`);
  return { N: 2 ** log2n, r: 8, p: 1 };
}

const KEY_LENGTH = 32;

/**
 * Each hash takes 128 × N × r bytes (128 MiB at the default), so only a few run at once and a bounded number wait:
 * a burst of sign-ins cannot exhaust the server's memory. Beyond that, PasswordCheckBusyError (HTTP 503).
 */
export const MAX_CONCURRENT_HASHES = 2;
export const MAX_WAITING_HASHES = 64;
let running = 0;
const waiting: Array<() => void> = [];

export class PasswordCheckBusyError extends HandoverError {
  override name = 'PasswordCheckBusyError';
  readonly code = 'busy';
  readonly httpStatus = 503;
  constructor() {
    super({ zh: '登录请求过多，请稍后再试', en: 'too many sign-ins at once; try again shortly' });
  }
}

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_HASHES) {
    if (waiting.length >= MAX_WAITING_HASHES) throw new PasswordCheckBusyError();
    await new Promise<void>((wake) => waiting.push(wake)); // woken with the slot of a finished hash
  } else {
    running++;
  }
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next(); // the slot passes on: `running` stays
    else running--;
  }
}

/** Hashes running or waiting now (tests). */
export function hashingLoad(): { running: number; waiting: number } {
  return { running, waiting: waiting.length };
}

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return withSlot(() => new Promise((done, fail) => scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? fail(err) : done(key)))));
}

/** `scrypt$<log2 N>$<r>$<p>$<salt base64url>$<key base64url>` */
export async function hashPassword(password: string, params = scryptParams()): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return ['scrypt', Math.log2(params.N), params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

const HASH_FORMAT = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{40,})$/;

export function isPasswordHash(text: string): boolean {
  return HASH_FORMAT.test(text);
}

/** True when `password` matches `hash`. A malformed hash never matches. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const m = HASH_FORMAT.exec(hash);
  if (!m) return false;
  const params = { N: 2 ** Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.N > 2 ** 20 || params.r > 32 || params.p > 16) return false;
  const expected = Buffer.from(m[5]!, 'base64url');
  const key = await derive(password, Buffer.from(m[4]!, 'base64url'), params);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash of a random password: checked against when the user name is unknown, so both answers take as long. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(18).toString('base64url'));
  return decoy;
}

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

const COMMON = new Set(['1234567890', '0123456789', '12345678910', 'password12', 'password123', 'qwertyuiop', '1q2w3e4r5t', 'a123456789', 'abc1234567', '1111111111', 'aaaaaaaaaa', 'woaini1314', 'iloveyou12', 'admin12345', 'administrator', 'handover123']);

/** Why `password` may not be used by `name`, or undefined. Length first (NIST SP 800-63B), then the obvious ones. */
export function passwordProblem(password: string, name: string): Localized | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return { zh: `密码至少 ${MIN_PASSWORD_LENGTH} 个字符`, en: `a password has at least ${MIN_PASSWORD_LENGTH} characters` };
  if (length > MAX_PASSWORD_LENGTH) return { zh: `密码最多 ${MAX_PASSWORD_LENGTH} 个字符`, en: `a password has at most ${MAX_PASSWORD_LENGTH} characters` };
  if (/[\u0000-\u001F\u007F]/.test(password)) return { zh: '密码不能含控制字符', en: 'a password may not contain control characters' };
  const lower = password.toLowerCase();
  if (lower.includes(name.toLowerCase()) && name.length >= 3) return { zh: '密码不能包含用户名', en: 'a password may not contain the user name' };
  if (COMMON.has(lower) || new Set(lower).size < 4) return { zh: '密码过于简单，请换一个', en: 'the password is too easy to guess; choose another' };
  return undefined;
}

/** A password to hand out (demo users, the first administrator): 4 groups of 4 letters and digits, easy to type. */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const chars = Array.from({ length: 16 }, () => alphabet[randomInt(alphabet.length)]);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}
