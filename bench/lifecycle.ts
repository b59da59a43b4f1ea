// Benchmark 1, lifecycle throughput: N whole cases (survey → completion through the 3-year transition) on the
// time-skipping server; cases/s and decisions/s.   tsx bench/lifecycle.ts [--n 1000] [--per-server 1000] [--smoke]
// --per-server B: the N cases in batches of B, one after another, each on a fresh time-skipping server (through
// one worker at a time, in this process). The Java test server slows with every operation it has handled (see
// PER_SERVER_NOTE), so a single server cannot take 10,000 whole cases through three virtual years in hours.
import { workerCacheSizing } from '../config/workflow-cache';
import { LIFECYCLE, runLifecycles } from './lib/cases';
import { handoverBundle, logger, round, runMain, runPrefix, startWorker, timeSkipping, type BenchOptions } from './lib/common';

export interface LifecycleRun {
  cases: number;
  concurrency: number;
  decisions: number;
  decisionsPerCase: number;
  timersPerCase: number;
  decisionPhaseS: number;
  transitionPhaseS: number;
  totalS: number;
  casesPerS: number;
  decisionsPerS: number;
  cpuMsPerCase: number;
  maxCachedWorkflows: number;
  /** Time-skipping servers the cases ran on, one after another (1: all on one server). */
  servers: number;
  /** Cases per server (the last batch may have fewer). */
  casesPerServer: number;
  /** Hour-long nudges of virtual time phase B needed to finish cases whose activity retry waited (bench/lib/cases.ts). */
  nudges: number;
}

export interface LifecycleResult {
  runs: LifecycleRun[];
  /** Sizes asked for but not run, with the reason. */
  skipped: Array<{ cases: number; reason: string }>;
}

export const DEFAULT_SIZES = [1_000, 10_000];

/**
 * Why a run may use several servers. Found with jstack and javap on temporal-test-server 1.38.0: its
 * SelfAdvancingTimerImpl appends an UNLOCK event to a `LinkedList` of lock events on every by-name unlock (which
 * request contexts and the timer pump do for each operation) and never removes them, while every lock-handle
 * unlock removes its own LOCK event with `LinkedList.remove(Object)`, a scan from the head. Each operation costs
 * time proportional to the operations before it; the 3-year skip of 10,000 cases on one server fell to ~2 cases'
 * reminders per second after 120,000 decisions (476,697 events in the list; BENCHMARKS.md).
 */
export const PER_SERVER_NOTE =
  'each batch on a fresh time-skipping server: the Java test server keeps a lock event per operation it has handled and scans them on each unlock, so one server slows with every operation (BENCHMARKS.md)';

interface PhaseTotals {
  decisions: number;
  decisionsMs: number;
  transitionMs: number;
  totalMs: number;
  cpuMs: number;
  nudges: number;
}

export async function run(opts: BenchOptions & { sizes?: number[]; concurrency?: number; budgetS?: number; perServer?: number } = {}): Promise<LifecycleResult> {
  const log = logger(opts);
  const sizes = opts.smoke ? [opts.n ?? 3] : opts.n ? [opts.n] : (opts.sizes ?? DEFAULT_SIZES);
  const concurrency = opts.concurrency ?? (opts.smoke ? 3 : 50);
  const runs: LifecycleRun[] = [];
  const skipped: LifecycleResult['skipped'] = [];
  for (const n of sizes) {
    // A size whose projection from the previous run exceeds the time budget is not run (and says so).
    const prev = runs[runs.length - 1];
    if (prev && opts.budgetS !== undefined) {
      const projectedS = (prev.totalS * n) / prev.cases;
      if (projectedS > opts.budgetS) {
        skipped.push({ cases: n, reason: `projected ${round(projectedS, 0)} s from the ${prev.cases}-case run, over the ${round(opts.budgetS, 0)} s left of the 20-minute budget` });
        log(`lifecycle: skipping N=${n} (projected ${round(projectedS, 0)} s > budget ${round(opts.budgetS, 0)} s)`);
        continue;
      }
    }
    // A fresh server per size (and per batch): the previous cases do not weigh on the next.
    const batch = opts.perServer && opts.perServer < n ? opts.perServer : n;
    const servers = Math.ceil(n / batch);
    const sum: PhaseTotals = { decisions: 0, decisionsMs: 0, transitionMs: 0, totalMs: 0, cpuMs: 0, nudges: 0 };
    let maxCachedWorkflows = 0;
    for (let b = 0; b < servers; b++) {
      const cases = Math.min(batch, n - b * batch);
      const ts = await timeSkipping(opts);
      const taskQueue = `bench-lifecycle-${n}-${b}-${runPrefix()}`;
      // The same bound as worker.ts (config/workflow-cache.ts): an unbounded cache of 10,000 cases in flight stalled the worker in GC.
      const worker = await startWorker({
        connection: ts.env.nativeConnection,
        namespace: ts.env.namespace,
        taskQueue,
        bundle: await handoverBundle(),
        options: { maxCachedWorkflows: workerCacheSizing().maxCachedWorkflows },
      });
      try {
        const label = servers > 1 ? `N=${n}, batch ${b + 1}/${servers} (${cases} cases)` : `N=${n}`;
        log(`lifecycle: ${label}, ${concurrency} cases in flight`);
        const f = await runLifecycles({
          env: ts.env,
          plainClient: ts.plainClient,
          engine: 'handover',
          taskQueue,
          n: cases,
          concurrency,
          prefix: `${runPrefix()}${servers > 1 ? `B${b}` : ''}`,
          onProgress: (d) => log(`lifecycle: ${d}/${cases} cases decided${servers > 1 ? ` (batch ${b + 1}/${servers})` : ''}`),
        });
        for (const k of Object.keys(sum) as Array<keyof PhaseTotals>) sum[k] += f[k];
        maxCachedWorkflows = worker.worker.options.maxCachedWorkflows;
        log(`lifecycle: ${label} done in ${round(f.totalMs / 1000)} s (decisions ${round(f.decisionsMs / 1000)} s, transition ${round(f.transitionMs / 1000)} s, ${f.nudges} nudges)`);
      } finally {
        await worker.stop();
        await ts.stop();
      }
    }
    runs.push({
      cases: n,
      concurrency,
      decisions: sum.decisions,
      decisionsPerCase: LIFECYCLE.length,
      timersPerCase: 3,
      decisionPhaseS: round(sum.decisionsMs / 1000, 2),
      transitionPhaseS: round(sum.transitionMs / 1000, 2),
      totalS: round(sum.totalMs / 1000, 2),
      casesPerS: round(n / (sum.totalMs / 1000), 2),
      decisionsPerS: round(sum.decisions / (sum.decisionsMs / 1000), 1),
      cpuMsPerCase: round(sum.cpuMs / n, 1),
      maxCachedWorkflows,
      servers,
      casesPerServer: batch,
      nudges: sum.nudges,
    });
  }
  return { runs, skipped };
}

export function render(r: LifecycleResult): string {
  const lines = [
    '| cases | in flight | decisions | decision phase (s) | 3-year transition phase (s) | total (s) | cases/s | decisions/s | process CPU per case (ms) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.runs.map(
      (x) =>
        `| ${x.cases.toLocaleString('en')} | ${x.concurrency} | ${x.decisions.toLocaleString('en')} | ${x.decisionPhaseS} | ${x.transitionPhaseS} | ${x.totalS} | ${x.casesPerS} | ${x.decisionsPerS} | ${x.cpuMsPerCase} |`,
    ),
  ];
  const nudged = r.runs.filter((x) => x.nudges > 0);
  if (nudged.length > 0) {
    lines.push('', `Virtual time nudged by an hour after the 3-year skip (activity attempts timed out in virtual time while running, their retries waited): ${nudged.map((x) => `N = ${x.cases.toLocaleString('en')}: ${x.nudges}×`).join(', ')}.`);
  }
  for (const x of r.runs.filter((x) => x.servers > 1)) {
    lines.push('', `N = ${x.cases.toLocaleString('en')} ran in ${x.servers} batches of up to ${x.casesPerServer.toLocaleString('en')} cases, one after another, through one worker at a time: ${PER_SERVER_NOTE}. Phases and CPU are the batches' sums.`);
  }
  for (const s of r.skipped) lines.push('', `N = ${s.cases.toLocaleString('en')} was **not run**: ${s.reason}.`);
  return lines.join('\n');
}

if (require.main === module) {
  const at = process.argv.indexOf('--per-server');
  const perServer = at >= 0 ? Number(process.argv[at + 1]) : undefined;
  if (perServer !== undefined && !(Number.isInteger(perServer) && perServer > 0)) throw new RangeError('--per-server takes a positive whole number of cases');
  void runMain('Lifecycle throughput', (opts) => run({ ...opts, perServer }), render);
}
