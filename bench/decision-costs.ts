// What a decision on the engine costs beyond the floor, one cost at a time: the floor (an Update that does nothing),
// the floor writing a case record entry through a local activity before it replies (as the engine does), the floor
// also re-arming a durable timer on every decision (as the engine's timer loop does), and the engine. Same dev
// server, same process, rounds alternating between them. Not part of `npm run bench`; see BENCHMARKS.md, analysis.
//   tsx bench/decision-costs.ts [--smoke]
import { LIFECYCLE, decide, startBenchCase } from './lib/cases';
import { cpuMs, devServer, floorBundle, handoverBundle, logger, nowMs, pool, round, runMain, runPrefix, startWorker, summarize, type BenchOptions } from './lib/common';
import { shanghaiDate } from '../machines/calendar';

type Rung = 'floor' | 'floor + record' | 'floor + record + timer' | 'engine';
const RUNGS: Rung[] = ['floor', 'floor + record', 'floor + record + timer', 'engine'];
const COSTS: Record<Rung, Record<string, unknown> | undefined> = {
  floor: undefined,
  'floor + record': { record: true },
  'floor + record + timer': { record: true, rearmTimer: true },
  engine: undefined,
};

export interface RungFigures {
  rung: Rung;
  senders: number;
  decisions: number;
  p50: number;
  p99: number;
  decisionsPerS: number;
  /** Process CPU (worker, its workflow thread and the client) per decision. */
  cpuMsPerDecision: number;
}

export interface DecisionCostsResult {
  levels: RungFigures[];
}

export async function run(opts: BenchOptions & { senders?: number[]; rounds?: number } = {}): Promise<DecisionCostsResult> {
  const log = logger(opts);
  const levels = opts.senders ?? [1, 10];
  const rounds = opts.rounds ?? 2;
  const casesPerRound = (senders: number) => (opts.smoke ? Math.max(1, senders) : Math.max(5, senders * 2));
  const server = await devServer(opts);
  const suffix = runPrefix();
  const floor = await startWorker({ connection: server.native, taskQueue: `bench-costs-floor-${suffix}`, bundle: await floorBundle() });
  const engine = await startWorker({ connection: server.native, taskQueue: `bench-costs-engine-${suffix}`, bundle: await handoverBundle() });
  const out: RungFigures[] = [];
  try {
    const prefix = runPrefix();
    let k = 0;
    const oneCase = async (rung: Rung, samples?: number[]) => {
      const isEngine = rung === 'engine';
      const c = await startBenchCase(server.client, isEngine ? 'handover' : 'floor', (isEngine ? engine : floor).taskQueue, prefix, k++, undefined, COSTS[rung] ? { costs: COSTS[rung] } : {});
      for (let step = 0; step < LIFECYCLE.length; step++) {
        const t0 = nowMs();
        await decide(server.client, c, step, shanghaiDate(Date.now()));
        samples?.push(nowMs() - t0);
      }
    };
    for (const rung of RUNGS) await pool(opts.smoke ? 1 : 5, 5, () => oneCase(rung));
    for (const senders of levels) {
      const samples = new Map<Rung, number[]>(RUNGS.map((r) => [r, []]));
      const elapsed = new Map<Rung, number>(RUNGS.map((r) => [r, 0]));
      const cpu = new Map<Rung, number>(RUNGS.map((r) => [r, 0]));
      for (let r = 0; r < rounds; r++) {
        for (const rung of r % 2 === 0 ? RUNGS : [...RUNGS].reverse()) {
          const t0 = nowMs();
          const c0 = process.cpuUsage();
          await pool(casesPerRound(senders), senders, () => oneCase(rung, samples.get(rung)));
          cpu.set(rung, cpu.get(rung)! + cpuMs(c0));
          elapsed.set(rung, elapsed.get(rung)! + nowMs() - t0);
        }
      }
      for (const rung of RUNGS) {
        const s = summarize(samples.get(rung)!);
        out.push({ rung, senders, decisions: s.n, p50: round(s.p50), p99: round(s.p99), decisionsPerS: round(s.n / (elapsed.get(rung)! / 1000), 1), cpuMsPerDecision: round(cpu.get(rung)! / s.n, 2) });
        log(`costs: ${senders} senders, ${rung}: p50 ${round(s.p50)} ms, ${round(s.n / (elapsed.get(rung)! / 1000), 1)}/s`);
      }
    }
  } finally {
    await floor.stop();
    await engine.stop();
    await server.stop();
  }
  return { levels: out };
}

export function render(r: DecisionCostsResult): string {
  const base = (senders: number) => r.levels.find((x) => x.senders === senders && x.rung === 'floor')!;
  return [
    '| senders | workflow | decisions | p50 (ms) | p99 (ms) | decisions/s | process CPU per decision (ms) | p50 ÷ floor | decisions/s ÷ floor |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|',
    ...r.levels.map(
      (x) =>
        `| ${x.senders} | ${x.rung} | ${x.decisions} | ${x.p50} | ${x.p99} | ${x.decisionsPerS} | ${x.cpuMsPerDecision} | ${round(x.p50 / base(x.senders).p50, 2)}× | ${round(x.decisionsPerS / base(x.senders).decisionsPerS, 2)}× |`,
    ),
  ].join('\n');
}

if (require.main === module) void runMain('Decision costs, one at a time', run, render);
