// Benchmark 2, decision latency against the floor: p50/p95/p99 of one decision (the Update `decide` round trip
// until the reply is back) and decisions/s on the dev server at 1, 10 and 100 concurrent senders, for the engine
// and for the floor (bench/floor/workflow.ts: the same Update doing nothing), in the same process on the same
// server, alternately. Each sender takes cases through the 12 decisions of the lifecycle one after another. Rounds
// are measured in steady state (a warm-up right before each, the cases' record writes settled after it).
// With --workers N, N − 1 more worker processes (bench/worker-process.ts) poll the same task queues (the cluster
// benchmark: `--address <frontend> --workers 2`).
//   tsx bench/latency.ts [--smoke] [--senders 1,10] [--rounds 2] [--address host:port] [--workers 1]
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { LIFECYCLE, decide, settleRecords, startBenchCase, type BenchCase, type Engine } from './lib/cases';
import { ROOT, devServer, floorBundle, handoverBundle, logger, nowMs, pool, round, runMain, runPrefix, startWorker, summarize, type BenchOptions } from './lib/common';
import { shanghaiDate } from '../machines/calendar';
import { RECORD_GATHER_MS } from '../workflows/budget';

export interface LatencyFigures {
  decisions: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  decisionsPerS: number;
}

export interface LatencyLevel extends LatencyFigures {
  senders: number;
  /** The same level on the floor workflow. */
  floor: LatencyFigures;
  /** Engine ÷ floor for p50 and p99; engine decisions/s ÷ floor decisions/s for throughput. */
  ratio: { p50: number; p99: number; throughput: number };
}

export interface LatencyResult {
  levels: LatencyLevel[];
  rounds: number;
  /** Worker processes polling each task queue (1: the benchmark's own). */
  workers: number;
  /** The server: a fresh dev server, or the address given. */
  server: string;
}

export const SENDERS = [1, 10, 100];

/** Whole cases sent, not measured, right before each round (longer than the engine's RECORD_GATHER_MS). */
const WARM_UP_MS = RECORD_GATHER_MS + 1_000;

/** Goals of issue 13 for the engine against the floor, at 1 and 10 senders. */
export const FLOOR_GOALS = { p50: 1.2, p99: 1.5, throughput: 0.8, senders: [1, 10] } as const;

export function meetsFloorGoals(l: LatencyLevel): boolean {
  return l.ratio.p50 <= FLOOR_GOALS.p50 && l.ratio.p99 <= FLOOR_GOALS.p99 && l.ratio.throughput >= FLOOR_GOALS.throughput;
}

export async function run(
  opts: BenchOptions & { senders?: number[]; decisionsPerLevel?: Record<number, number>; rounds?: number; workers?: number } = {},
): Promise<LatencyResult> {
  const log = logger(opts);
  const levels = opts.senders ?? SENDERS;
  const rounds = opts.rounds ?? 2;
  // Decisions measured per level and workflow: whole cases of 12 decisions each, split over the rounds.
  const target = (senders: number) => opts.decisionsPerLevel?.[senders] ?? (opts.smoke ? Math.max(senders, 2) * LIFECYCLE.length : Math.max(1_200, senders * 24));
  const server = await devServer(opts);
  const suffix = runPrefix();
  const workers = {
    handover: await startWorker({ connection: server.native, taskQueue: `bench-latency-engine-${suffix}`, bundle: await handoverBundle() }),
    floor: await startWorker({ connection: server.native, taskQueue: `bench-latency-floor-${suffix}`, bundle: await floorBundle() }),
  };
  const extra = await startWorkerProcesses(Math.max(0, (opts.workers ?? 1) - 1), server.address, workers.handover.taskQueue, workers.floor.taskQueue);
  const result: LatencyResult = { levels: [], rounds, workers: 1 + extra.length, server: opts.devAddress ?? 'dev server (fresh, in memory)' };
  try {
    const prefix = runPrefix();
    let caseIndex = 0;
    const oneCase = async (engine: 'handover' | 'floor', samples?: number[], started?: BenchCase[]) => {
      const c = await startBenchCase(server.client, engine, workers[engine].taskQueue, prefix, caseIndex++);
      started?.push(c);
      for (let step = 0; step < LIFECYCLE.length; step++) {
        const t0 = nowMs();
        const state = await decide(server.client, c, step, shanghaiDate(Date.now()));
        samples?.push(nowMs() - t0);
        if (!state.stage) throw new Error(`no state returned by ${c.workflowId}`);
      }
    };
    // Warm-up of both: JIT, bundles, connections, workflow threads.
    for (const engine of ['handover', 'floor'] as const) await pool(opts.smoke ? 1 : 10, 5, () => oneCase(engine));
    for (const senders of levels) {
      const casesPerRound = Math.max(1, Math.ceil(target(senders) / LIFECYCLE.length / rounds));
      const samples: Record<'handover' | 'floor', number[]> = { handover: [], floor: [] };
      const elapsed: Record<'handover' | 'floor', number> = { handover: 0, floor: 0 };
      for (let r = 0; r < rounds; r++) {
        // Alternate which goes first, so that load from elsewhere on the machine hits both alike.
        for (const engine of r % 2 === 0 ? (['handover', 'floor'] as const) : (['floor', 'handover'] as const)) {
          // Measured in steady state: a warm-up of whole cases (not measured) runs for WARM_UP_MS right before the
          // round, so the work it leaves behind — the engine's record writes and search attributes, gathered for up
          // to RECORD_GATHER_MS after a burst — falls into the round, as the round's own last writes fall after it.
          // Then both settle (not measured) before the other workflow's round.
          const started: BenchCase[] = [];
          const warmUntil = nowMs() + (opts.smoke ? 200 : WARM_UP_MS);
          await pool(senders, senders, async () => {
            while (nowMs() < warmUntil) await oneCase(engine, undefined, started);
          });
          const t0 = nowMs();
          await pool(casesPerRound, senders, () => oneCase(engine, samples[engine], started));
          elapsed[engine] += nowMs() - t0;
          if (engine === 'handover') await settleRecords(server.client, started);
        }
      }
      const figures = (engine: Engine & ('handover' | 'floor')): LatencyFigures => {
        const s = summarize(samples[engine]);
        return { decisions: s.n, p50: round(s.p50), p95: round(s.p95), p99: round(s.p99), max: round(s.max), mean: round(s.mean), decisionsPerS: round(s.n / (elapsed[engine] / 1000), 1) };
      };
      const engine = figures('handover');
      const floor = figures('floor');
      result.levels.push({
        senders,
        ...engine,
        floor,
        ratio: { p50: round(engine.p50 / floor.p50, 2), p99: round(engine.p99 / floor.p99, 2), throughput: round(engine.decisionsPerS / floor.decisionsPerS, 2) },
      });
      log(`latency: ${senders} senders: engine p50 ${engine.p50} / p99 ${engine.p99} ms, ${engine.decisionsPerS}/s; floor p50 ${floor.p50} / p99 ${floor.p99} ms, ${floor.decisionsPerS}/s`);
    }
  } finally {
    await Promise.all(extra.map((p) => p.stop()));
    await workers.handover.stop();
    await workers.floor.stop();
    await server.stop();
  }
  return result;
}

/** Worker processes of bench/worker-process.ts on the same queues; resolves once each polls. */
async function startWorkerProcesses(n: number, address: string, engineQueue: string, floorQueue: string): Promise<Array<{ stop(): Promise<void> }>> {
  const started: Array<{ stop(): Promise<void> }> = [];
  for (let i = 0; i < n; i++) {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'bench', 'worker-process.ts'), '--address', address, '--engine-queue', engineQueue, '--floor-queue', floorQueue], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => (d.toString().includes('ready') ? resolve() : undefined));
      child.once('exit', (code) => reject(new Error(`worker process exited (${code}) before it was ready`)));
    });
    started.push({
      async stop() {
        child.kill('SIGTERM');
        await exited;
      },
    });
  }
  return started;
}

export function render(r: LatencyResult): string {
  const row = (senders: number, label: string, f: LatencyFigures) =>
    `| ${senders} | ${label} | ${f.decisions.toLocaleString('en')} | ${f.p50} | ${f.p95} | ${f.p99} | ${f.max} | ${f.mean} | ${f.decisionsPerS} |`;
  const goal = (x: number, limit: number, atMost: boolean) => `${x}× ${(atMost ? x <= limit : x >= limit) ? '(met)' : '(missed)'}`;
  return [
    '| concurrent senders | workflow | decisions measured | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | mean (ms) | decisions/s |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|',
    ...r.levels.flatMap((l) => [row(l.senders, 'engine', l), row(l.senders, 'floor (Update does nothing)', l.floor)]),
    '',
    `Server: ${r.server}; worker processes per task queue: ${r.workers}.`,
    '',
    `Engine ÷ floor (goals at ${FLOOR_GOALS.senders.join(' and ')} senders: p50 ≤ ${FLOOR_GOALS.p50}×, p99 ≤ ${FLOOR_GOALS.p99}×, decisions/s ≥ ${FLOOR_GOALS.throughput}×); ${r.rounds} alternating rounds per level, samples pooled:`,
    '',
    '| concurrent senders | p50 ratio | p99 ratio | decisions/s ratio |',
    '|---:|---:|---:|---:|',
    ...r.levels.map((l) =>
      (FLOOR_GOALS.senders as readonly number[]).includes(l.senders)
        ? `| ${l.senders} | ${goal(l.ratio.p50, FLOOR_GOALS.p50, true)} | ${goal(l.ratio.p99, FLOOR_GOALS.p99, true)} | ${goal(l.ratio.throughput, FLOOR_GOALS.throughput, false)} |`
        : `| ${l.senders} | ${l.ratio.p50}× | ${l.ratio.p99}× | ${l.ratio.throughput}× |`,
    ),
  ].join('\n');
}

if (require.main === module) {
  // --senders 1,10: only these levels (default 1, 10 and 100); --rounds N: alternating rounds per level (default 2).
  const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
  const senders = arg('--senders')?.split(',').map(Number);
  const rounds = arg('--rounds') ? Number(arg('--rounds')) : undefined;
  const workers = arg('--workers') ? Number(arg('--workers')) : undefined;
  void runMain('Decision latency', (opts) => run({ ...opts, ...(senders ? { senders } : {}), ...(rounds ? { rounds } : {}), ...(workers ? { workers } : {}) }), render);
}
