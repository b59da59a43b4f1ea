// Benchmark 1, lifecycle throughput: N whole cases (survey → completion through the 3-year transition) on the
// time-skipping server; cases/s and decisions/s.   tsx bench/lifecycle.ts [--n 1000] [--smoke]
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
  /** Hour-long nudges of virtual time phase B needed to finish cases whose activity retry waited (bench/lib/cases.ts). */
  nudges: number;
}

export interface LifecycleResult {
  runs: LifecycleRun[];
  /** Sizes asked for but not run, with the reason. */
  skipped: Array<{ cases: number; reason: string }>;
}

export const DEFAULT_SIZES = [1_000, 10_000];

export async function run(opts: BenchOptions & { sizes?: number[]; concurrency?: number; budgetS?: number } = {}): Promise<LifecycleResult> {
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
    // A fresh server per size: the previous size's closed cases do not weigh on the next.
    const ts = await timeSkipping(opts);
    const taskQueue = `bench-lifecycle-${n}-${runPrefix()}`;
    // The same bound as worker.ts (config/workflow-cache.ts): an unbounded cache of 10,000 cases in flight stalled the worker in GC.
    const worker = await startWorker({
      connection: ts.env.nativeConnection,
      namespace: ts.env.namespace,
      taskQueue,
      bundle: await handoverBundle(),
      options: { maxCachedWorkflows: workerCacheSizing().maxCachedWorkflows },
    });
    try {
      log(`lifecycle: N=${n}, ${concurrency} cases in flight`);
      const f = await runLifecycles({
        env: ts.env,
        plainClient: ts.plainClient,
        engine: 'handover',
        taskQueue,
        n,
        concurrency,
        prefix: runPrefix(),
        onProgress: (d) => log(`lifecycle: ${d}/${n} cases decided`),
      });
      runs.push({
        cases: n,
        concurrency,
        decisions: f.decisions,
        decisionsPerCase: LIFECYCLE.length,
        timersPerCase: 3,
        decisionPhaseS: round(f.decisionsMs / 1000, 2),
        transitionPhaseS: round(f.transitionMs / 1000, 2),
        totalS: round(f.totalMs / 1000, 2),
        casesPerS: round(n / (f.totalMs / 1000), 2),
        decisionsPerS: round(f.decisions / (f.decisionsMs / 1000), 1),
        cpuMsPerCase: round(f.cpuMs / n, 1),
        maxCachedWorkflows: worker.worker.options.maxCachedWorkflows,
        nudges: f.nudges,
      });
      log(`lifecycle: N=${n} done in ${round(f.totalMs / 1000)} s (decisions ${round(f.decisionsMs / 1000)} s, transition ${round(f.transitionMs / 1000)} s, ${f.nudges} nudges)`);
    } finally {
      await worker.stop();
      await ts.stop();
    }
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
  for (const s of r.skipped) lines.push('', `N = ${s.cases.toLocaleString('en')} was **not run**: ${s.reason}.`);
  return lines.join('\n');
}

if (require.main === module) void runMain('Lifecycle throughput', run, render);
