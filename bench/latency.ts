// Benchmark 2, decision latency: p50/p95/p99 of one decision (Update `decide` round trip until the new state
// is returned) on the dev server with 1, 10 and 100 concurrent senders. Each sender takes cases through the
// 12 decisions of the lifecycle one after another.   tsx bench/latency.ts [--smoke]
import { LIFECYCLE, decide, startBenchCase } from './lib/cases';
import { devServer, handoverBundle, logger, nowMs, pool, round, runMain, runPrefix, startWorker, summarize, type BenchOptions } from './lib/common';
import { shanghaiDate } from '../machines/calendar';

export interface LatencyLevel {
  senders: number;
  decisions: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  decisionsPerS: number;
}

export interface LatencyResult {
  levels: LatencyLevel[];
}

export const SENDERS = [1, 10, 100];

export async function run(opts: BenchOptions & { senders?: number[]; decisionsPerLevel?: Record<number, number> } = {}): Promise<LatencyResult> {
  const log = logger(opts);
  const levels = opts.senders ?? SENDERS;
  // Decisions measured per level: whole cases of 12 decisions each.
  const target = (senders: number) => opts.decisionsPerLevel?.[senders] ?? (opts.smoke ? Math.max(senders, 2) * LIFECYCLE.length : Math.max(240, senders * 24));
  const server = await devServer(opts);
  const taskQueue = `bench-latency-${runPrefix()}`;
  const worker = await startWorker({ connection: server.native, taskQueue, bundle: await handoverBundle() });
  const result: LatencyResult = { levels: [] };
  try {
    const prefix = runPrefix();
    let caseIndex = 0;
    const oneCase = async (samples?: number[]) => {
      const c = await startBenchCase(server.client, 'handover', taskQueue, prefix, caseIndex++);
      for (let step = 0; step < LIFECYCLE.length; step++) {
        const t0 = nowMs();
        const state = await decide(server.client, c, step, shanghaiDate(Date.now()));
        samples?.push(nowMs() - t0);
        if (!state.stage) throw new Error(`no state returned by ${c.workflowId}`);
      }
    };
    // Warm-up: JIT, bundle, connections.
    await pool(opts.smoke ? 1 : 10, 5, () => oneCase());
    for (const senders of levels) {
      const cases = Math.ceil(target(senders) / LIFECYCLE.length);
      const samples: number[] = [];
      const t0 = nowMs();
      await pool(cases, senders, () => oneCase(samples));
      const elapsed = nowMs() - t0;
      const s = summarize(samples);
      result.levels.push({
        senders,
        decisions: s.n,
        p50: round(s.p50),
        p95: round(s.p95),
        p99: round(s.p99),
        max: round(s.max),
        mean: round(s.mean),
        decisionsPerS: round(s.n / (elapsed / 1000), 1),
      });
      log(`latency: ${senders} senders: p50 ${round(s.p50)} ms, p99 ${round(s.p99)} ms over ${s.n} decisions`);
    }
  } finally {
    await worker.stop();
    await server.stop();
  }
  return result;
}

export function render(r: LatencyResult): string {
  return [
    '| concurrent senders | decisions measured | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | mean (ms) | decisions/s |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.levels.map((l) => `| ${l.senders} | ${l.decisions.toLocaleString('en')} | ${l.p50} | ${l.p95} | ${l.p99} | ${l.max} | ${l.mean} | ${l.decisionsPerS} |`),
  ].join('\n');
}

if (require.main === module) void runMain('Decision latency', run, render);
