// Benchmark 3, host overhead: the same lifecycle on the engine (XState statechart in MachineHost) and on a
// hand-written plain Temporal workflow (bench/baseline/workflow.ts), side by side in one process on one
// time-skipping server, each with its own bundle and task queue.   tsx bench/overhead.ts [--n 200] [--smoke]
import { runLifecycles, type Engine } from './lib/cases';
import { baselineBundle, handoverBundle, logger, median, round, runMain, runPrefix, startWorker, timeSkipping, type BenchOptions } from './lib/common';

export interface EngineFigures {
  engine: Engine;
  rounds: number;
  casesPerRound: number;
  /** Median over rounds. */
  decisionsPerS: number;
  casesPerS: number;
  /** Process CPU (worker + client; the client's share is the same for both) per whole case, median over rounds. */
  cpuMsPerCase: number;
  cpuMsPerCaseDecisionPhase: number;
}

export interface OverheadResult {
  concurrency: number;
  handover: EngineFigures;
  baseline: EngineFigures;
  /** baseline decisions/s ÷ engine decisions/s: how many times slower the engine takes decisions. */
  decisionsRatio: number;
  /** engine CPU per case ÷ baseline CPU per case. */
  cpuRatio: number;
}

export async function run(opts: BenchOptions & { rounds?: number; concurrency?: number } = {}): Promise<OverheadResult> {
  const log = logger(opts);
  const n = opts.n ?? (opts.smoke ? 3 : 200);
  const rounds = opts.rounds ?? (opts.smoke ? 1 : 3);
  const concurrency = opts.concurrency ?? (opts.smoke ? 3 : 32);
  const ts = await timeSkipping(opts);
  const suffix = runPrefix();
  const workers = {
    handover: await startWorker({ connection: ts.env.nativeConnection, namespace: ts.env.namespace, taskQueue: `bench-overhead-engine-${suffix}`, bundle: await handoverBundle() }),
    baseline: await startWorker({ connection: ts.env.nativeConnection, namespace: ts.env.namespace, taskQueue: `bench-overhead-baseline-${suffix}`, bundle: await baselineBundle() }),
  };
  const raw: Record<'handover' | 'baseline', Array<{ dps: number; cps: number; cpu: number; cpuA: number }>> = { handover: [], baseline: [] };
  try {
    // Warm both (JIT, bundles, caches), then alternate so that other load on the machine hits both alike.
    for (const engine of ['handover', 'baseline'] as const) {
      await runLifecycles({ env: ts.env, plainClient: ts.plainClient, engine, taskQueue: workers[engine].taskQueue, n: Math.min(n, 10), concurrency, prefix: runPrefix() });
    }
    for (let r = 0; r < rounds; r++) {
      for (const engine of r % 2 === 0 ? (['handover', 'baseline'] as const) : (['baseline', 'handover'] as const)) {
        const f = await runLifecycles({ env: ts.env, plainClient: ts.plainClient, engine, taskQueue: workers[engine].taskQueue, n, concurrency, prefix: runPrefix() });
        raw[engine].push({ dps: f.decisions / (f.decisionsMs / 1000), cps: n / (f.totalMs / 1000), cpu: f.cpuMs / n, cpuA: f.decisionsCpuMs / n });
        log(`overhead: round ${r + 1} ${engine}: ${round(f.decisions / (f.decisionsMs / 1000))} decisions/s, ${round(f.cpuMs / n)} ms CPU/case`);
      }
    }
  } finally {
    await workers.handover.stop();
    await workers.baseline.stop();
    await ts.stop();
  }
  const figures = (engine: 'handover' | 'baseline'): EngineFigures => ({
    engine,
    rounds,
    casesPerRound: n,
    decisionsPerS: round(median(raw[engine].map((x) => x.dps)), 1),
    casesPerS: round(median(raw[engine].map((x) => x.cps)), 2),
    cpuMsPerCase: round(median(raw[engine].map((x) => x.cpu)), 1),
    cpuMsPerCaseDecisionPhase: round(median(raw[engine].map((x) => x.cpuA)), 1),
  });
  const handover = figures('handover');
  const baseline = figures('baseline');
  return {
    concurrency,
    handover,
    baseline,
    decisionsRatio: round(baseline.decisionsPerS / handover.decisionsPerS, 2),
    cpuRatio: round(handover.cpuMsPerCase / baseline.cpuMsPerCase, 2),
  };
}

export function render(r: OverheadResult): string {
  const row = (label: string, f: EngineFigures) =>
    `| ${label} | ${f.rounds} × ${f.casesPerRound} | ${f.decisionsPerS} | ${f.casesPerS} | ${f.cpuMsPerCaseDecisionPhase} | ${f.cpuMsPerCase} |`;
  return [
    '| workflow | rounds × cases | decisions/s | cases/s | CPU per case, decisions (ms) | CPU per case, whole lifecycle (ms) |',
    '|---|---:|---:|---:|---:|---:|',
    row('engine (XState statechart in MachineHost)', r.handover),
    row('baseline (plain Temporal, hand-written stages)', r.baseline),
    '',
    `Ratio: the engine takes **${r.decisionsRatio}×** the time per decision of the baseline (baseline decisions/s ÷ engine decisions/s) and uses **${r.cpuRatio}×** its process CPU per case. ${r.handover.rounds > 1 ? 'Medians over rounds, run alternately' : 'One round'}, ${r.concurrency} cases in flight.`,
  ].join('\n');
}

if (require.main === module) void runMain('Host overhead', run, render);
