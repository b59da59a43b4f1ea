// A Temporal cluster on PostgreSQL from the project's own tools: Debian's PostgreSQL with a project-local data
// directory, the schemas applied with temporal-sql-tool, and the four Temporal services (frontend, history,
// matching, worker) as separate processes from config/cluster/. Used by `npm run cluster` (scripts/cluster/main.ts)
// and by the cluster tests, which run their own cluster on their own ports in a temporary directory.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { ensureSearchAttributes } from '../../client/admin/search-attributes';
import { HANDOVER_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

export const ROOT = resolve(__dirname, '../..');
export const TEMPORAL_SERVER_BIN = join(ROOT, '.tools/bin/temporal-server');
export const TEMPORAL_SQL_TOOL_BIN = join(ROOT, '.tools/bin/temporal-sql-tool');
export const TEMPORAL_SERVER_VERSION = '1.29.1';
export const CONFIG_DIR = join(ROOT, 'config/cluster');
const PG_MAJOR = process.env.HANDOVER_PG_MAJOR ?? '15';
export const PG_BIN_DIR = `/usr/lib/postgresql/${PG_MAJOR}/bin`;

/** The four services, in the order they are started (stopped in reverse). */
export const SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const DEFAULT_FRONTEND_PORT = 7333;
export const DEFAULT_PG_PORT = 5433;

export interface ClusterPorts {
  frontend: number;
  frontendHttp: number;
  postgres: number;
  grpc: Record<ServiceName, number>;
  membership: Record<ServiceName, number>;
  pprof: Record<ServiceName, number>;
  metrics: Record<ServiceName, number>;
}

/**
 * Every port from the frontend's (P): gRPC of history/matching/worker P+1..P+3, frontend HTTP P+10,
 * membership P+20.., pprof P+30.., metrics P+40.. (one per process; each process binds its own).
 */
export function clusterPorts(frontend: number, postgres: number): ClusterPorts {
  const block = (offset: number) =>
    Object.fromEntries(SERVICES.map((s) => [s, frontend + offset + ['frontend', 'history', 'matching', 'worker'].indexOf(s)])) as Record<ServiceName, number>;
  return {
    frontend,
    frontendHttp: frontend + 10,
    postgres,
    grpc: block(0),
    membership: block(20),
    pprof: block(30),
    metrics: block(40),
  };
}

export interface ClusterOptions {
  /** Holds pg/ (PostgreSQL data), logs/, run/ (pid files), cluster.json. */
  dataDir: string;
  frontendPort?: number;
  pgPort?: number;
  namespace?: string;
  /** Retention of closed cases' histories in the namespace. */
  retentionDays?: number;
  /** Password of the `temporal` database role (Temporal's services) and the `handover` role (case records). */
  temporalPassword?: string;
  handoverPassword?: string;
  logLevel?: string;
  /** Progress lines; silent by default. */
  log?: (line: string) => void;
}

export interface ClusterInfo {
  dataDir: string;
  address: string;
  namespace: string;
  ports: ClusterPorts;
  /** Connection string of the `handover` database (case records, and the notification outbox that follows it) for HANDOVER_RECORD_DATABASE_URL. */
  recordDatabaseUrl: string;
  /** Environment for `npm start`, workers and clients to attach to this cluster. */
  env: Record<string, string>;
}

interface Resolved extends Required<Omit<ClusterOptions, 'log'>> {
  log: (line: string) => void;
  ports: ClusterPorts;
}

function resolveOptions(opts: ClusterOptions): Resolved {
  const frontendPort = opts.frontendPort ?? DEFAULT_FRONTEND_PORT;
  const pgPort = opts.pgPort ?? DEFAULT_PG_PORT;
  return {
    dataDir: resolve(opts.dataDir),
    frontendPort,
    pgPort,
    namespace: opts.namespace ?? 'default',
    retentionDays: opts.retentionDays ?? 30,
    temporalPassword: opts.temporalPassword ?? 'temporal',
    handoverPassword: opts.handoverPassword ?? 'handover',
    logLevel: opts.logLevel ?? 'warn',
    log: opts.log ?? (() => undefined),
    ports: clusterPorts(frontendPort, pgPort),
  };
}

const pgDir = (o: { dataDir: string }) => join(o.dataDir, 'pg');
const pgSocketDir = (o: { dataDir: string }) => join(o.dataDir, 'pg-socket');
const logDir = (o: { dataDir: string }) => join(o.dataDir, 'logs');
const runDir = (o: { dataDir: string }) => join(o.dataDir, 'run');
const infoFile = (o: { dataDir: string }) => join(o.dataDir, 'cluster.json');
export const serviceLogFile = (dataDir: string, s: ServiceName) => join(logDir({ dataDir }), `${s}.log`);
const pidFile = (dataDir: string, s: ServiceName) => join(runDir({ dataDir }), `${s}.pid`);

// ---------------------------------------------------------------- PostgreSQL

/** PostgreSQL refuses to run as root: as root it runs as the Debian `postgres` user (or HANDOVER_CLUSTER_PG_OS_USER). */
function pgOsUser(): string {
  if (process.getuid?.() !== 0) return userInfo().username;
  return process.env.HANDOVER_CLUSTER_PG_OS_USER ?? 'postgres';
}

function asPgUser(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', pgOsUser(), '--', cmd, ...args]] : [cmd, args];
}

function runPg(tool: string, args: string[], opts: { input?: string } = {}): string {
  const [cmd, full] = asPgUser(join(PG_BIN_DIR, tool), args);
  const r = spawnSync(cmd, full, { encoding: 'utf8', input: opts.input, cwd: '/' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** Runs SQL as the database superuser over the local socket (peer authentication). */
export function psql(o: { dataDir: string; pgPort: number }, sql: string, database = 'postgres'): string {
  return runPg('psql', ['-X', '-q', '-h', pgSocketDir(o), '-p', String(o.pgPort), '-U', pgOsUser(), '-d', database, '-v', 'ON_ERROR_STOP=1', '-tA', '-c', sql]).trim();
}

function ownDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', pgOsUser()], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', pgOsUser()], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
}

function pgRunning(o: Resolved): boolean {
  if (!existsSync(join(pgDir(o), 'PG_VERSION'))) return false;
  const [cmd, args] = asPgUser(join(PG_BIN_DIR, 'pg_ctl'), ['-D', pgDir(o), 'status']);
  return spawnSync(cmd, args, { cwd: '/' }).status === 0;
}

function startPostgres(o: Resolved): void {
  if (!existsSync(join(PG_BIN_DIR, 'initdb'))) {
    throw new Error(`PostgreSQL server tools not found in ${PG_BIN_DIR}: run scripts/ensure-cluster.sh (or apt-get install postgresql).`);
  }
  mkdirSync(o.dataDir, { recursive: true });
  chmodSync(o.dataDir, 0o755); // the postgres user must reach pg/ and pg-socket/ inside it
  mkdirSync(logDir(o), { recursive: true });
  if (!existsSync(join(pgDir(o), 'PG_VERSION'))) {
    o.log(`initialising PostgreSQL ${PG_MAJOR} in ${pgDir(o)} (as OS user ${pgOsUser()})`);
    ownDir(pgDir(o));
    // Local socket: peer (the OS user is the superuser); TCP on loopback: passwords.
    runPg('initdb', ['-D', pgDir(o), '-U', pgOsUser(), '-E', 'UTF8', '--no-locale', '--auth-local=peer', '--auth-host=scram-sha-256']);
  }
  ownDir(pgSocketDir(o));
  if (pgRunning(o)) return;
  const pgLog = join(logDir(o), 'postgres.log');
  closeSync(openSync(pgLog, 'a'));
  if (process.getuid?.() === 0) chownSync(pgLog, ...uidGid(pgOsUser()));
  o.log(`starting PostgreSQL on 127.0.0.1:${o.pgPort}`);
  runPg('pg_ctl', [
    '-D', pgDir(o), '-l', pgLog, '-w', '-t', '60',
    '-o', `-p ${o.pgPort} -k ${pgSocketDir(o)} -c listen_addresses=127.0.0.1 -c max_connections=200`,
    'start',
  ]);
}

function uidGid(user: string): [number, number] {
  return [Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim()), Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim())];
}

function stopPostgres(o: { dataDir: string }): void {
  if (!existsSync(join(pgDir(o), 'PG_VERSION'))) return;
  const [cmd, args] = asPgUser(join(PG_BIN_DIR, 'pg_ctl'), ['-D', pgDir(o), 'status']);
  if (spawnSync(cmd, args, { cwd: '/' }).status !== 0) return;
  runPg('pg_ctl', ['-D', pgDir(o), '-m', 'fast', '-w', '-t', '60', 'stop']);
}

const quoteLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Roles `temporal` (may create its databases) and `handover`, the `handover` database; idempotent. */
function ensureRolesAndRecordDatabase(o: Resolved): void {
  for (const [role, password, extra] of [
    ['temporal', o.temporalPassword, 'CREATEDB'],
    ['handover', o.handoverPassword, ''],
  ] as const) {
    const exists = psql(o, `SELECT 1 FROM pg_roles WHERE rolname = ${quoteLiteral(role)}`) === '1';
    psql(o, `${exists ? 'ALTER' : 'CREATE'} ROLE ${role} LOGIN ${extra} PASSWORD ${quoteLiteral(password)}`);
  }
  if (psql(o, `SELECT 1 FROM pg_database WHERE datname = 'handover'`) !== '1') {
    o.log('creating database handover (case records)');
    psql(o, 'CREATE DATABASE handover OWNER handover');
  }
}

/** Where the server module's PostgreSQL schemas are: the Go module cache (or HANDOVER_TEMPORAL_SCHEMA_DIR). */
export function temporalSchemaDir(): string {
  if (process.env.HANDOVER_TEMPORAL_SCHEMA_DIR) return process.env.HANDOVER_TEMPORAL_SCHEMA_DIR;
  const modCache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  return join(modCache, `go.temporal.io/server@v${TEMPORAL_SERVER_VERSION}`, 'schema/postgresql/v12');
}

function sqlTool(o: Resolved, database: string, args: string[]): void {
  const r = spawnSync(
    TEMPORAL_SQL_TOOL_BIN,
    ['--plugin', 'postgres12', '--endpoint', '127.0.0.1', '--port', String(o.pgPort), '--user', 'temporal', '--password', o.temporalPassword, '--database', database, ...args],
    { encoding: 'utf8' },
  );
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`temporal-sql-tool ${args[0]} on ${database} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim()}`);
}

/** `temporal` and `temporal_visibility` (advanced visibility on PostgreSQL): created once, updated to the module's latest schema every time. */
function ensureTemporalSchemas(o: Resolved): void {
  const schemaDir = temporalSchemaDir();
  for (const [database, folder] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    const versioned = join(schemaDir, folder, 'versioned');
    if (!existsSync(versioned)) throw new Error(`Temporal schema folder missing: ${versioned} (run scripts/ensure-cluster.sh)`);
    if (psql(o, `SELECT 1 FROM pg_database WHERE datname = ${quoteLiteral(database)}`) !== '1') {
      o.log(`creating database ${database}`);
      sqlTool(o, database, ['create-database']);
    }
    const hasVersionTable = psql(o, `SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_version'`, database) === '1';
    if (!hasVersionTable) sqlTool(o, database, ['setup-schema', '-v', '0.0']);
    sqlTool(o, database, ['update-schema', '--schema-dir', versioned]);
  }
}

// ---------------------------------------------------------------- Temporal services

function serviceEnv(o: Resolved, s: ServiceName): NodeJS.ProcessEnv {
  const p = o.ports;
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    HANDOVER_CLUSTER_CONFIG_DIR: CONFIG_DIR,
    HANDOVER_CLUSTER_LOG_LEVEL: o.logLevel,
    HANDOVER_CLUSTER_PG_PORT: String(o.pgPort),
    HANDOVER_CLUSTER_PG_PASSWORD: o.temporalPassword,
    HANDOVER_CLUSTER_FRONTEND_PORT: String(p.grpc.frontend),
    HANDOVER_CLUSTER_FRONTEND_HTTP_PORT: String(p.frontendHttp),
    HANDOVER_CLUSTER_HISTORY_PORT: String(p.grpc.history),
    HANDOVER_CLUSTER_MATCHING_PORT: String(p.grpc.matching),
    HANDOVER_CLUSTER_WORKER_PORT: String(p.grpc.worker),
    HANDOVER_CLUSTER_FRONTEND_MEMBERSHIP_PORT: String(p.membership.frontend),
    HANDOVER_CLUSTER_HISTORY_MEMBERSHIP_PORT: String(p.membership.history),
    HANDOVER_CLUSTER_MATCHING_MEMBERSHIP_PORT: String(p.membership.matching),
    HANDOVER_CLUSTER_WORKER_MEMBERSHIP_PORT: String(p.membership.worker),
    HANDOVER_CLUSTER_PPROF_PORT: String(p.pprof[s]),
    HANDOVER_CLUSTER_METRICS_PORT: String(p.metrics[s]),
  };
}

/** The pid in the service's pid file if that process is alive and is a temporal-server. */
export function servicePid(dataDir: string, s: ServiceName): number | undefined {
  const file = pidFile(dataDir, s);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes(TEMPORAL_SERVER_BIN)) return undefined; // a recycled pid
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/\) Z /.test(stat)) return undefined; // exited, not yet reaped
    return pid;
  } catch {
    return undefined;
  }
}

/** Starts one service as a detached process (it outlives the caller); no-op when it runs already. */
export function startService(opts: ClusterOptions, s: ServiceName): number {
  const o = resolveOptions(opts);
  const running = servicePid(o.dataDir, s);
  if (running) return running;
  mkdirSync(logDir(o), { recursive: true });
  mkdirSync(runDir(o), { recursive: true });
  const log = openSync(serviceLogFile(o.dataDir, s), 'a');
  const child = spawn(
    TEMPORAL_SERVER_BIN,
    ['--root', '/', '--config', CONFIG_DIR, '--env', 'cluster', '--allow-no-auth', 'start', '--service', s],
    { stdio: ['ignore', log, log], detached: true, env: serviceEnv(o, s), cwd: o.dataDir },
  );
  closeSync(log);
  child.unref();
  if (!child.pid) throw new Error(`could not start the ${s} service (${TEMPORAL_SERVER_BIN})`);
  writeFileSync(pidFile(o.dataDir, s), String(child.pid));
  return child.pid;
}

/** Sends a signal to a service; with SIGTERM waits (up to 30 s, then SIGKILL) until it has exited. */
export async function stopService(dataDir: string, s: ServiceName, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const pid = servicePid(dataDir, s);
  if (!pid) return;
  process.kill(pid, signal);
  const deadline = Date.now() + (signal === 'SIGKILL' ? 10_000 : 30_000);
  while (servicePid(dataDir, s)) {
    if (Date.now() > deadline) {
      if (signal === 'SIGKILL') throw new Error(`${s} (pid ${pid}) did not exit after SIGKILL`);
      process.kill(pid, 'SIGKILL');
      signal = 'SIGKILL';
    }
    await sleep(100);
  }
  rmSync(pidFile(dataDir, s), { force: true });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(what: string, fn: () => Promise<T>, timeoutMs: number, o: Resolved): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    for (const s of SERVICES) {
      if (!servicePid(o.dataDir, s)) {
        throw new Error(`the ${s} service exited while waiting for ${what}; see ${serviceLogFile(o.dataDir, s)}`);
      }
    }
    try {
      return await fn();
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${(last as Error)?.message ?? last}; logs in ${logDir(o)}`);
    await sleep(500);
  }
}

/** Namespace (if missing) and the engine's search attributes; waits until a query on them is accepted. */
async function ensureNamespace(o: Resolved, connection: Connection): Promise<void> {
  const ns = o.namespace;
  const exists = await connection.workflowService.describeNamespace({ namespace: ns }).then(
    () => true,
    (err: { code?: number }) => {
      if (err.code === 5 /* NOT_FOUND */) return false;
      throw err;
    },
  );
  if (!exists) {
    o.log(`creating namespace ${ns} (retention ${o.retentionDays} days)`);
    await connection.workflowService.registerNamespace({
      namespace: ns,
      workflowExecutionRetentionPeriod: msToTs(`${o.retentionDays} days`),
      description: 'handover cases',
    });
  }
  // The namespace reaches the services' caches within seconds; adding search attributes needs it there.
  const added = await eventually('the namespace', () => ensureSearchAttributes(connection, ns), 60_000, o);
  if (added.length) o.log(`registered search attributes: ${added.join(', ')}`);
  const query = HANDOVER_SEARCH_ATTRIBUTES.map((k) => `${k.name} IS NULL`).join(' AND ');
  await eventually('the search attributes', () => connection.workflowService.countWorkflowExecutions({ namespace: ns, query }), 60_000, o);
}

function writeInfo(o: Resolved): ClusterInfo {
  const address = `127.0.0.1:${o.ports.frontend}`;
  const recordDatabaseUrl = `postgres://handover:${encodeURIComponent(o.handoverPassword)}@127.0.0.1:${o.pgPort}/handover`;
  const info: ClusterInfo = {
    dataDir: o.dataDir,
    address,
    namespace: o.namespace,
    ports: o.ports,
    recordDatabaseUrl,
    env: { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: o.namespace, HANDOVER_RECORD_DATABASE_URL: recordDatabaseUrl },
  };
  writeFileSync(infoFile(o), JSON.stringify(info, null, 2) + '\n');
  writeFileSync(
    join(o.dataDir, 'env.sh'),
    '# Attach `npm start`, workers and the CLI to the cluster: source this file.\n' +
      Object.entries(info.env).map(([k, v]) => `export ${k}='${v}'`).join('\n') + '\n',
  );
  return info;
}

/**
 * On a fresh database every service that starts writes the cluster metadata record, and all but one of those
 * started at the same moment exit ("Failed to apply cluster metadata"): the first service writes it alone.
 */
async function clusterMetadataWritten(o: Resolved, first: ServiceName): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (psql(o, 'SELECT count(*) FROM cluster_metadata_info', 'temporal') === '0') {
    if (!servicePid(o.dataDir, first)) throw new Error(`the ${first} service exited before writing the cluster metadata; see ${serviceLogFile(o.dataDir, first)}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for the ${first} service to write the cluster metadata; see ${serviceLogFile(o.dataDir, first)}`);
    await sleep(250);
  }
}

/** Brings the whole cluster up (idempotent: what runs already is left running) and returns how to reach it. */
export async function startCluster(opts: ClusterOptions): Promise<ClusterInfo> {
  const o = resolveOptions(opts);
  for (const bin of [TEMPORAL_SERVER_BIN, TEMPORAL_SQL_TOOL_BIN]) {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run scripts/ensure-cluster.sh (npm run cluster does).`);
  }
  startPostgres(o);
  ensureRolesAndRecordDatabase(o);
  ensureTemporalSchemas(o);
  for (const s of SERVICES) {
    const pid = startService(o, s);
    o.log(`${s.padEnd(8)} pid ${pid}, gRPC 127.0.0.1:${o.ports.grpc[s]}, log ${serviceLogFile(o.dataDir, s)}`);
    if (s === SERVICES[0]) await clusterMetadataWritten(o, s);
  }
  const address = `127.0.0.1:${o.ports.frontend}`;
  const connection = await eventually('the frontend', () => Connection.connect({ address, connectTimeout: 2000 }), 120_000, o);
  try {
    await eventually('the frontend', () => connection.workflowService.getSystemInfo({}), 120_000, o);
    await ensureNamespace(o, connection);
  } finally {
    await connection.close();
  }
  return writeInfo(o);
}

/**
 * Only the cluster's PostgreSQL, with the `handover` role and database (no Temporal schemas or services): for tests
 * of the PostgreSQL stores (case record, outbox). Idempotent; `stopCluster(dataDir)` stops it.
 */
export function startClusterPostgres(opts: ClusterOptions): { databaseUrl: string } {
  const o = resolveOptions(opts);
  startPostgres(o);
  ensureRolesAndRecordDatabase(o);
  return { databaseUrl: `postgres://handover:${encodeURIComponent(o.handoverPassword)}@127.0.0.1:${o.pgPort}/handover` };
}

/** The info `startCluster` wrote, if any. */
export function readClusterInfo(dataDir: string): ClusterInfo | undefined {
  const file = infoFile({ dataDir });
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ClusterInfo) : undefined;
}

/** Stops the services (worker first, history last), then PostgreSQL. Data stays. */
export async function stopCluster(dataDir: string, log: (line: string) => void = () => undefined): Promise<void> {
  for (const s of [...SERVICES].reverse()) {
    if (servicePid(dataDir, s)) log(`stopping ${s}`);
    await stopService(dataDir, s);
  }
  if (pgRunningAt(dataDir)) log('stopping PostgreSQL');
  stopPostgres({ dataDir });
}

function pgRunningAt(dataDir: string): boolean {
  if (!existsSync(join(pgDir({ dataDir }), 'PG_VERSION'))) return false;
  const [cmd, args] = asPgUser(join(PG_BIN_DIR, 'pg_ctl'), ['-D', pgDir({ dataDir }), 'status']);
  return spawnSync(cmd, args, { cwd: '/' }).status === 0;
}

/** What runs: each service's pid (or undefined) and whether PostgreSQL is up. */
export function clusterStatus(dataDir: string): { services: Record<ServiceName, number | undefined>; postgres: boolean } {
  return {
    services: Object.fromEntries(SERVICES.map((s) => [s, servicePid(dataDir, s)])) as Record<ServiceName, number | undefined>,
    postgres: pgRunningAt(dataDir),
  };
}

/** A frontend port P such that P..P+43 and one more for PostgreSQL are free now (for tests). */
export async function freeClusterPorts(): Promise<{ frontendPort: number; pgPort: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below 32,768 throughout: Temporal keeps membership ports in a PostgreSQL smallint (a higher one stops the services).
    const base = 20_000 + Math.floor(Math.random() * 1_200) * 10;
    const ports = clusterPorts(base, base + 50);
    const all = [ports.frontendHttp, ports.postgres, ...SERVICES.flatMap((s) => [ports.grpc[s], ports.membership[s], ports.pprof[s], ports.metrics[s]])];
    if ((await Promise.all(all.map(portFree))).every(Boolean)) return { frontendPort: base, pgPort: base + 50 };
  }
  throw new Error('no free block of ports for a test cluster');
}

function portFree(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const srv = createServer();
    srv.once('error', () => ok(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => ok(true)));
  });
}
