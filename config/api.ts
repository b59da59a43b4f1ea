// Settings of the HTTP API and console: port, host, and where users, audit log and reports live.
import { join, resolve } from 'node:path';

const ROOT = join(__dirname, '..');

export interface ApiSettings {
  port: number;
  host: string;
  usersFile: string;
  auditFile: string;
  reportsDir: string;
  /** HANDOVER_TRUST_PROXY: `true`, or the proxies' addresses or subnets (comma-separated), e.g. 127.0.0.1,10.0.0.0/8. */
  trustProxy?: boolean | string;
}

/**
 * HANDOVER_API_PORT (default 8080), HANDOVER_API_HOST (default 127.0.0.1: loopback only; set 0.0.0.0 to serve the
 * network, behind TLS), HANDOVER_USERS_FILE (data/users.json), HANDOVER_AUDIT_FILE (data/audit.jsonl),
 * HANDOVER_REPORTS_DIR (data/reports); `data/` is HANDOVER_DATA_DIR when set.
 */
export function loadApiSettings(env: NodeJS.ProcessEnv = process.env): ApiSettings {
  const port = Number(env.HANDOVER_API_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`HANDOVER_API_PORT 应为 0 至 65535 的整数 (must be an integer 0 to 65535): ${env.HANDOVER_API_PORT}`);
  }
  const data = dataDir(env);
  return {
    port,
    host: env.HANDOVER_API_HOST ?? '127.0.0.1',
    usersFile: env.HANDOVER_USERS_FILE ?? join(data, 'users.json'),
    auditFile: env.HANDOVER_AUDIT_FILE ?? join(data, 'audit.jsonl'),
    reportsDir: env.HANDOVER_REPORTS_DIR ?? join(data, 'reports'),
    ...(env.HANDOVER_TRUST_PROXY ? { trustProxy: trustProxyOf(env.HANDOVER_TRUST_PROXY) } : {}),
  };
}

/** Where the system keeps its files: HANDOVER_DATA_DIR, or `data/` in the project. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.HANDOVER_DATA_DIR ? resolve(env.HANDOVER_DATA_DIR) : join(ROOT, 'data');
}

function trustProxyOf(v: string): boolean | string {
  return v === 'true' || v === 'false' ? v === 'true' : v;
}
