// Shared pieces of the benchmarks: servers, workers, bundles, timing, statistics, machine facts.
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkerOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { Outbox } from '../../activities/outbox';
import { ensureSearchAttributes } from '../../client/admin/search-attributes';
import { workflowBundleOptions } from '../../config/workflow-bundle';
import { creditCodeCheckChar } from '../../machines/credit-code';
import { ROOT, TEST_SERVER_BIN, freePort, startDevServer, type RunningDevServer } from '../../scripts/servers/dev-server';
import { quietRuntime } from '../../test/helpers/runtime';

export { ROOT };

export interface BenchOptions {
  /** Number of cases (or operations) where the benchmark has one main size. */
  n?: number;
  /** A tiny run for the smoke test: seconds, not minutes. */
  smoke?: boolean;
  /** Reuse a running dev server instead of starting one (address host:port). */
  devAddress?: string;
  /** Reuse a running time-skipping environment instead of starting one. */
  timeSkipping?: TestWorkflowEnvironment;
  /** Progress lines on stderr. */
  log?: (line: string) => void;
}

export const logger = (opts: BenchOptions) => opts.log ?? ((line: string) => process.stderr.write(`  ${line}\n`));

// ---------- bundles ----------

const quietBundleLogger = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error };
const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

/** The engine's workflows (workflows/index.ts), bundled once per process exactly as the worker bundles them. */
export function handoverBundle(): Promise<WorkflowBundleWithSourceMap> {
  return bundleOf('handover', workflowBundleOptions());
}

/** The plain-Temporal baseline (bench/baseline/workflow.ts), its own bundle. */
export function baselineBundle(): Promise<WorkflowBundleWithSourceMap> {
  return bundleOf('baseline', { workflowsPath: require.resolve('../baseline/workflow') });
}

/** The floor (bench/floor/workflow.ts): a workflow whose `decide` Update does nothing. */
export function floorBundle(): Promise<WorkflowBundleWithSourceMap> {
  return bundleOf('floor', { workflowsPath: require.resolve('../floor/workflow') });
}

/** The engine's workflows bundled the way the SDK does by default (no preloaded modules): each workflow evaluates the whole module graph. */
export function unsharedHandoverBundle(): Promise<WorkflowBundleWithSourceMap> {
  return bundleOf('handover-unshared', { workflowsPath: workflowBundleOptions().workflowsPath });
}

function bundleOf(key: string, options: { workflowsPath: string; preloadModules?: string[] }): Promise<WorkflowBundleWithSourceMap> {
  let b = bundles.get(key);
  if (!b) {
    b = bundleWorkflowCode({ ...options, logger: quietBundleLogger });
    bundles.set(key, b);
  }
  return b;
}

// ---------- servers ----------

export interface DevServer {
  address: string;
  client: Client;
  native: NativeConnection;
  stop(): Promise<void>;
}

/** A fresh in-memory dev server on a free port (or a connection to `devAddress`), search attributes registered. */
export async function devServer(opts: BenchOptions): Promise<DevServer> {
  quietRuntime();
  let server: RunningDevServer | undefined;
  let address = opts.devAddress;
  if (!address) {
    const port = await freePort();
    server = await startDevServer({ port, logFile: join(ROOT, 'test-artifacts', `bench-dev-server-${port}.log`) });
    address = server.address;
  }
  const connection = await Connection.connect({ address });
  await ensureSearchAttributes(connection, 'default');
  const native = await NativeConnection.connect({ address });
  return {
    address,
    client: new Client({ connection }),
    native,
    async stop() {
      await native.close();
      await connection.close();
      await server?.stop();
    },
  };
}

export interface TimeSkipping {
  env: TestWorkflowEnvironment;
  /** A client whose `result()` does not unlock time skipping. */
  plainClient: Client;
  stop(): Promise<void>;
}

/** The Java time-skipping server (or the environment given in `opts`). */
export async function timeSkipping(opts: BenchOptions): Promise<TimeSkipping> {
  quietRuntime();
  const own = !opts.timeSkipping;
  const env = opts.timeSkipping ?? (await startTimeSkipping());
  if (own) await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
  return {
    env,
    plainClient: new Client({ connection: env.connection, namespace: env.namespace ?? 'default' }),
    async stop() {
      if (own) await env.teardown();
    },
  };
}

/** The SDK gives the Java server 5 s to start; on a loaded machine it may need another try. */
async function startTimeSkipping(attempts = 3): Promise<TestWorkflowEnvironment> {
  for (let i = 1; ; i++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: TEST_SERVER_BIN } } });
    } catch (err) {
      if (i >= attempts || !/did not start/.test(String((err as Error).message))) throw err;
    }
  }
}

// ---------- workers ----------

export interface RunningWorker {
  worker: Worker;
  taskQueue: string;
  stop(): Promise<void>;
}

/** A worker with real activities (an outbox in a temp folder) on its own task queue. */
export async function startWorker(opts: {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  bundle: WorkflowBundleWithSourceMap;
  options?: Partial<WorkerOptions>;
}): Promise<RunningWorker> {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'handover-bench-'));
  const outbox = new Outbox(join(dataDir, 'outbox.sqlite'));
  const worker = await Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: opts.taskQueue,
    workflowBundle: opts.bundle,
    activities: createActivities({ dataDir, outbox }),
    ...opts.options,
  });
  const running = worker.run();
  return {
    worker,
    taskQueue: opts.taskQueue,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      outbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ---------- identities ----------

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** A prefix for this run's credit codes, so runs sharing a server never collide. */
export function runPrefix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += CHARSET[Math.floor(Math.random() * CHARSET.length)];
  return s;
}

/** A valid unified social credit code, unique per (prefix, index). */
export function creditCode(prefix: string, index: number): string {
  const first17 = `91500${prefix}${String(index).padStart(7, '0')}`;
  return first17 + creditCodeCheckChar(first17)!;
}

// ---------- concurrency, timing, statistics ----------

/** Runs `task(i)` for i in [0, n) with at most `concurrency` in flight; rejects on the first failure. */
export async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const lane = async () => {
    while (failed === undefined && next < n) {
      const i = next++;
      try {
        await task(i);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, lane));
  if (failed !== undefined) throw failed;
}

export const nowMs = () => performance.now();

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarize(samples: number[]): { n: number; p50: number; p95: number; p99: number; max: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN, mean };
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/** Process CPU time (user + system) in ms since `from`. */
export function cpuMs(from?: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
}

let gcFn: (() => void) | undefined;
/** A full garbage collection (enables --expose-gc at run time). */
export function gc(): void {
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
}

export const MB = 1024 * 1024;

// ---------- machine facts ----------

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  os: string;
  commit: string;
  dirty: boolean;
  date: string;
  loadavg: number[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  const git = (cmd: string) => {
    try {
      return execSync(cmd, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    } catch {
      return '';
    }
  };
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    commit: git('git rev-parse --short HEAD') || 'unknown',
    dirty: git('git status --porcelain').length > 0,
    date: new Date().toISOString(),
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export const round = (x: number, digits = 1) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Standard `main` for a benchmark module run on its own: parses `--n`, `--smoke`, `--address`, prints the result (and `--json`). */
export async function runMain<R>(name: string, run: (opts: BenchOptions) => Promise<R>, render: (r: R) => string): Promise<void> {
  const args = process.argv.slice(2);
  const nArg = args.find((a) => a.startsWith('--n='))?.slice(4) ?? (args.includes('--n') ? args[args.indexOf('--n') + 1] : undefined);
  // --address host:port: run against that server (e.g. the cluster's frontend) instead of a fresh dev server.
  const address = args.includes('--address') ? args[args.indexOf('--address') + 1] : undefined;
  const opts: BenchOptions = { smoke: args.includes('--smoke'), ...(nArg ? { n: Number(nArg) } : {}), ...(address ? { devAddress: address } : {}) };
  const started = Date.now();
  try {
    const result = await run(opts);
    process.stdout.write(`\n## ${name}\n\n${render(result)}\n\n(${round((Date.now() - started) / 1000)} s)\n`);
    if (args.includes('--json')) process.stdout.write(JSON.stringify(result, null, 1) + '\n');
    process.exit(0);
  } catch (err) {
    console.error(err);
    process.exit(1);
  }
}
