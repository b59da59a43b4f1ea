// Benchmark 4, footprint: worker memory per cached running case (dev server, N cases cached on one worker),
// history events and bytes of one full lifecycle (per run, and across continue-as-new), and the time to
// replay one full lifecycle history.   tsx bench/footprint.ts [--n 10000] [--smoke]
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { shanghaiDate } from '../machines/calendar';
import { decide, decideRetrying, runLifecycles, startBenchCase, type BenchCase } from './lib/cases';
import { MB, devServer, gc, handoverBundle, logger, median, nowMs, pool, round, runMain, runPrefix, startWorker, summarize, timeSkipping, type BenchOptions } from './lib/common';

type History = temporal.api.history.v1.IHistory;

export interface MemorySample {
  label: string;
  runningCases: number;
  cachedCases: number;
  rssMb: number;
  heapUsedMb: number;
}

export interface HistoryRun {
  events: number;
  bytes: number;
}

export interface FootprintResult {
  memory: {
    /** Cases actually started (fewer than `requested` only when the time budget ran out). */
    cases: number;
    requested: number;
    maxCachedWorkflows: number;
    samples: MemorySample[];
    /** RSS slope from the warm worker to the first sample with the cache (95 %) full. */
    rssKbPerCachedCase: number;
    /** RSS range over the samples after that one (the cache full and churning; memory must stay flat there). */
    rssMbOnceFull?: { min: number; max: number };
    startsPerS: number;
    /** Decisions to cases spread over all n (most evicted, so replayed first). */
    decisionsPerS: number;
    evictedDecisionMs: { p50: number; p95: number; p99: number };
    decisionsSent: number;
    /** Update calls that failed (timed out) and were sent again. */
    failedUpdateCalls: number;
  };
  history: {
    /** The default settings: one run. */
    singleRun: HistoryRun;
    /** The same lifecycle with `historyLimit` forcing continue-as-new: every run. */
    continuedRuns: HistoryRun[];
    historyLimit: number;
    warningLimit: number;
  };
  replay: {
    /** One `Worker.runReplayHistory` call (creates a replay worker each time), median. */
    oneHistoryMs: number;
    /** Per history when `runReplayHistories` replays many with one replay worker. */
    amortizedMs: number;
    repeats: number;
  };
}

const WARNING_LIMIT = 10_240;

function historyOf(h: History): HistoryRun {
  return { events: h.events?.length ?? 0, bytes: temporal.api.history.v1.History.encode(h).finish().length };
}

/** Every run of a workflow, first to last, following continue-as-new. */
async function runsOf(client: Client, workflowId: string, firstRunId: string): Promise<History[]> {
  const out: History[] = [];
  let runId: string | undefined = firstRunId;
  while (runId) {
    const h = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    out.push(h);
    runId = h.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return out;
}

function memory(label: string, cachedCases: number, runningCases: number): MemorySample {
  gc();
  const m = process.memoryUsage();
  return { label, runningCases, cachedCases, rssMb: round(m.rss / MB, 1), heapUsedMb: round(m.heapUsed / MB, 1) };
}

export async function run(opts: BenchOptions & { cacheSize?: number; budgetS?: number } = {}): Promise<FootprintResult> {
  const log = logger(opts);
  const n = opts.n ?? (opts.smoke ? 20 : 10_000);

  // --- history and replay, on the time-skipping server ---
  const ts = await timeSkipping(opts);
  const taskQueue = `bench-footprint-${runPrefix()}`;
  const tsWorker = await startWorker({ connection: ts.env.nativeConnection, namespace: ts.env.namespace, taskQueue, bundle: await handoverBundle() });
  const historyLimit = 40;
  let single: History;
  let continued: History[];
  try {
    const one = await runLifecycles({ env: ts.env, plainClient: ts.plainClient, engine: 'handover', taskQueue, n: 1, concurrency: 1, prefix: runPrefix() });
    single = (await runsOf(ts.plainClient, one.cases_[0]!.workflowId, one.cases_[0]!.firstRunId))[0]!;
    const can = await runLifecycles({ env: ts.env, plainClient: ts.plainClient, engine: 'handover', taskQueue, n: 1, concurrency: 1, prefix: runPrefix(), historyLimit });
    continued = await runsOf(ts.plainClient, can.cases_[0]!.workflowId, can.cases_[0]!.firstRunId);
  } finally {
    await tsWorker.stop();
    await ts.stop();
  }
  log(`footprint: one lifecycle = ${single.events?.length} events; with historyLimit ${historyLimit}: ${continued.length} runs`);

  const bundle = await handoverBundle();
  const repeats = opts.smoke ? 2 : 7;
  const oneTimes: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = nowMs();
    await Worker.runReplayHistory({ workflowBundle: bundle }, single, `replay-${i}`);
    oneTimes.push(nowMs() - t0);
  }
  const many = opts.smoke ? 5 : 50;
  const t0 = nowMs();
  for await (const r of Worker.runReplayHistories({ workflowBundle: bundle }, Array.from({ length: many }, (_, i) => ({ workflowId: `replay-many-${i}`, history: single })))) {
    if (r.error) throw r.error;
  }
  const amortizedMs = (nowMs() - t0) / many;

  // --- memory per cached running case, on the dev server ---
  // One worker with the SDK's default cache size (or `cacheSize`); n cases are started and stay running (their
  // next timer is days away). Until the cache is full, memory grows per cached case; after that, running cases
  // beyond the cache live only in the server's history and memory must stay flat.
  const server = await devServer(opts);
  const memQueue = `bench-memory-${runPrefix()}`;
  const worker = await startWorker({ connection: server.native, taskQueue: memQueue, bundle, options: opts.cacheSize ? { maxCachedWorkflows: opts.cacheSize } : {} });
  const maxCached = worker.worker.options.maxCachedWorkflows;
  const samples: MemorySample[] = [];
  let startsPerS = 0;
  let running = 0;
  const failures = { n: 0 };
  let decisionsPerS = 0;
  let evictedLatency: ReturnType<typeof summarize> | undefined;
  try {
    const prefix = runPrefix();
    // Warm the worker (JIT, first contexts) so the baseline sample is not the cold process.
    const warm: BenchCase[] = [];
    await pool(10, 10, async (i) => void warm.push(await startBenchCase(server.client, 'handover', memQueue, `${prefix.slice(0, 4)}W`, i)));
    await Promise.all(warm.map((c) => decide(server.client, c, 0, shanghaiDate(Date.now()))));
    const cached = () => worker.worker.getStatus().numCachedWorkflows;
    samples.push(memory('warm worker', cached(), 0));
    const cases: BenchCase[] = new Array(n);
    const step = Math.max(1, Math.round(n / 8));
    let started = 0;
    let sampling = Promise.resolve();
    const s0 = nowMs();
    const day = shanghaiDate(Date.now());
    // Each lane starts a case and sends it its first decision, so the case has really been created on the
    // worker (not just queued) before the next one: the samples then count cases the worker holds.
    const budgetMs = (opts.budgetS ?? Infinity) * 1000;
    await pool(n, 50, async (i) => {
      // Out of time: the remaining cases are not started, and the result says how many were.
      if (nowMs() - s0 > budgetMs) return;
      cases[i] = await startBenchCase(server.client, 'handover', memQueue, prefix, i);
      await decideRetrying(server.client, cases[i]!, 0, day, failures);
      started++;
      if (started % step === 0 && started < n) {
        const at = started;
        sampling = sampling.then(() => void samples.push(memory(`${at.toLocaleString('en')} cases started and decided once`, cached(), at)));
      }
    });
    startsPerS = started / ((nowMs() - s0) / 1000);
    running = started;
    if (started < n) log(`footprint: time budget reached after ${started} of ${n} cases`);
    await sampling;
    await new Promise((r) => setTimeout(r, 2000));
    samples.push(memory(`all ${started.toLocaleString('en')} cases started and decided once`, cached(), started));
    log(`footprint: ${n} cases started (${round(startsPerS)}/s), ${cached()} cached (max ${maxCached})`);
    // Decisions to cases spread over all n: most have left the cache and are replayed from their history first.
    const live = cases.filter((c) => c !== undefined);
    const sample = Math.min(live.length, opts.smoke ? 20 : 300);
    const latencies: number[] = [];
    const d0 = nowMs();
    await pool(sample, 20, async (k) => {
      const t0 = nowMs();
      await decideRetrying(server.client, live[Math.floor((k * live.length) / sample)]!, 1, day, failures);
      latencies.push(nowMs() - t0);
    });
    decisionsPerS = sample / ((nowMs() - d0) / 1000);
    evictedLatency = summarize(latencies);
    await new Promise((r) => setTimeout(r, 2000));
    samples.push(memory(`after ${sample.toLocaleString('en')} decisions spread over all cases`, cached(), running));
  } finally {
    await worker.stop().catch(() => undefined);
    await server.stop();
  }
  // Per cached case: the RSS slope from the warm worker to the first sample with the cache (nearly) full.
  // After that point the cache only churns (evicting as cases are added), so later samples show whether memory
  // stays flat while the number of running cases keeps growing.
  const first = samples[0]!;
  const fullAt = samples.findIndex((s, i) => i > 0 && s.cachedCases >= 0.95 * maxCached);
  const endpoint = samples[fullAt > 0 ? fullAt : samples.length - 1]!;
  const cachedAdded = endpoint.cachedCases - first.cachedCases;
  const perCase = (a: number, b: number) => round(((b - a) * 1024) / Math.max(1, cachedAdded), 1);
  const full = fullAt > 0 ? samples.slice(fullAt + 1) : [];
  const rssFull = full.map((s) => s.rssMb);
  return {
    memory: {
      cases: running,
      requested: n,
      maxCachedWorkflows: maxCached,
      samples,
      rssKbPerCachedCase: cachedAdded > 0 ? perCase(first.rssMb, endpoint.rssMb) : NaN,
      rssMbOnceFull: full.length > 0 ? { min: Math.min(...rssFull), max: Math.max(...rssFull) } : undefined,
      startsPerS: round(startsPerS, 1),
      decisionsPerS: round(decisionsPerS, 1),
      evictedDecisionMs: { p50: round(evictedLatency!.p50), p95: round(evictedLatency!.p95), p99: round(evictedLatency!.p99) },
      decisionsSent: evictedLatency!.n,
      failedUpdateCalls: failures.n,
    },
    history: {
      singleRun: historyOf(single),
      continuedRuns: continued.map(historyOf),
      historyLimit,
      warningLimit: WARNING_LIMIT,
    },
    replay: { oneHistoryMs: round(median(oneTimes), 1), amortizedMs: round(amortizedMs, 2), repeats },
  };
}

export function render(r: FootprintResult): string {
  const m = r.memory;
  const h = r.history;
  const totalEvents = h.continuedRuns.reduce((a, x) => a + x.events, 0);
  const totalBytes = h.continuedRuns.reduce((a, x) => a + x.bytes, 0);
  return [
    `**Memory** — ${m.cases.toLocaleString('en')} running cases on one worker with a workflow cache of ${m.maxCachedWorkflows.toLocaleString('en')} (maxCachedWorkflows), dev server. Whole-process RSS (worker, its workflow thread, and the client, which holds only ids); "V8 heap" is the main thread only (workflows run in the SDK's workflow thread, so their heap shows in RSS alone):`,
    '',
    '| point | running cases | cached cases | RSS (MB) | main-thread V8 heap (MB) |',
    '|---|---:|---:|---:|---:|',
    ...m.samples.map((s) => `| ${s.label} | ${s.runningCases.toLocaleString('en')} | ${s.cachedCases.toLocaleString('en')} | ${s.rssMb} | ${s.heapUsedMb} |`),
    '',
    ...(m.cases < m.requested ? [`**Only ${m.cases.toLocaleString('en')} of the ${m.requested.toLocaleString('en')} cases asked for were started**: the time budget of the whole run ran out.`, ''] : []),
    `Per cached running case: **${m.rssKbPerCachedCase} KB of RSS** (slope from the warm worker to the first sample with the cache full). ` +
      (m.rssMbOnceFull ? `After that sample, RSS stayed between ${m.rssMbOnceFull.min} and ${m.rssMbOnceFull.max} MB while the running cases went on growing. ` : 'The cache never filled in this run. ') +
      `Cases started and given their first decision: ${m.startsPerS}/s (50 in flight). ${m.decisionsSent.toLocaleString('en')} decisions spread over all cases (most not cached, so replayed from history first), 20 in flight: ${m.decisionsPerS}/s, p50 ${m.evictedDecisionMs.p50} ms, p95 ${m.evictedDecisionMs.p95} ms, p99 ${m.evictedDecisionMs.p99} ms. Update calls that failed and were sent again: ${m.failedUpdateCalls}.`,
    '',
    `**History** of one full lifecycle (12 decisions, 3 timers, 2 notifications; Temporal warns at ${h.warningLimit.toLocaleString('en')} events):`,
    '',
    '| run | events | bytes (protobuf) |',
    '|---|---:|---:|',
    `| default settings: one run | ${h.singleRun.events} | ${h.singleRun.bytes.toLocaleString('en')} |`,
    ...h.continuedRuns.map((x, i) => `| historyLimit ${h.historyLimit}: run ${i + 1} of ${h.continuedRuns.length} | ${x.events} | ${x.bytes.toLocaleString('en')} |`),
    `| historyLimit ${h.historyLimit}: all runs | ${totalEvents} | ${totalBytes.toLocaleString('en')} |`,
    '',
    `**Replay** of the one-run lifecycle history: ${r.replay.oneHistoryMs} ms per \`Worker.runReplayHistory\` call (median of ${r.replay.repeats}, each creating its replay worker); ${r.replay.amortizedMs} ms per history when one replay worker replays many (\`runReplayHistories\`).`,
  ].join('\n');
}

if (require.main === module) void runMain('Footprint', run, render);
