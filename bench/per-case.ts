// Benchmark: memory per cached case against the bare workflow. For each workflow — the floor (bench/floor/workflow.ts,
// the bare workflow: an Update that does nothing), the engine as the worker bundles it (shared modules), and the
// engine bundled the SDK's default way (every module evaluated per workflow: the "before") — a child process runs
// a worker in debug mode (workflows in the main thread, so a full GC and the V8 heap cover them exactly), starts n
// cases on one dev server, and measures heap and RSS after the first decision and, for the engine, after all 12
// decisions of the lifecycle (the case then waits out its transition period, still cached). From the engine's
// figure it derives the worker's cache size for a heap (config/workflow-cache.ts).
//   tsx bench/per-case.ts [--n 500] [--smoke]
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { writeHeapSnapshot } from 'node:v8';
import { join } from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import { createActivities } from '../activities';
import { Outbox } from '../activities/outbox';
import { shanghaiDate } from '../machines/calendar';
import { HEAP_KB_PER_CACHED_CASE, maxCachedCasesFor } from '../config/workflow-cache';
import { LIFECYCLE, decideRetrying as decide, startBenchCase, type BenchCase, type Engine } from './lib/cases';
import { ROOT, devServer, floorBundle, gc, handoverBundle, logger, pool, round, runMain, runPrefix, unsharedHandoverBundle, type BenchOptions } from './lib/common';
import { quietRuntime } from '../test/helpers/runtime';

export type Subject = 'floor' | 'engine' | 'engine-unshared';

export interface MemoryPoint {
  /** Cases cached when measured. */
  cached: number;
  heapKbPerCase: number;
  rssKbPerCase: number;
}

export interface SubjectFigures {
  subject: Subject;
  cases: number;
  afterFirstDecision: MemoryPoint;
  /** Every case taken through all 12 decisions (the engine's then waits out its transition period, still cached). */
  afterLifecycle: MemoryPoint;
  /** Workflow creations (start + first decision) per second in the child, n cases 20 in flight. */
  startsPerS: number;
}

export interface PerCaseResult {
  n: number;
  subjects: SubjectFigures[];
  /** Engine heap per case ÷ floor heap per case, after the first decision and after all 12. */
  heapRatio: { first: number; lifecycle: number };
  rssRatio: { first: number; lifecycle: number };
  /** Engine heap per case as measured here and the cache size it gives for some heap limits. */
  derivation: { kbPerCase: number; configuredKbPerCase: number; cacheFor: Array<{ heapMb: number; maxCachedWorkflows: number }> };
}

const SUBJECT_ENGINE: Record<Subject, Engine> = { floor: 'floor', engine: 'handover', 'engine-unshared': 'handover' };

/** In the child: one worker, n cases, the measurements. */
function bundleFor(subject: Subject) {
  return subject === 'floor' ? floorBundle() : subject === 'engine' ? handoverBundle() : unsharedHandoverBundle();
}

/** In the child: one worker running the bundle the parent wrote to `codePath`, n cases, the measurements. */
async function child(subject: Subject, n: number, address: string, codePath: string): Promise<SubjectFigures> {
  quietRuntime();
  const bundle = { codePath };
  const engine = SUBJECT_ENGINE[subject];
  const native = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const taskQueue = `bench-per-case-${subject}-${runPrefix()}`;
  const worker = await Worker.create({ connection: native, taskQueue, workflowBundle: bundle, debugMode: true, maxCachedWorkflows: n + 200, activities: activitiesFor() });
  const running = worker.run();
  const cached = () => worker.getStatus().numCachedWorkflows;
  // HANDOVER_BENCH_HEAP_SNAPSHOTS=<dir>: heap snapshots at each point, to compare with bench/heap-diff.ts.
  const snapshotDir = process.env.HANDOVER_BENCH_HEAP_SNAPSHOTS;
  const snapshot = (label: string) => {
    if (snapshotDir) writeHeapSnapshot(join(snapshotDir, `${subject}-${label}.heapsnapshot`));
  };
  const measure = () => {
    gc();
    const m = process.memoryUsage();
    return { cached: cached(), heap: m.heapUsed, rss: m.rss };
  };
  const settle = async (expected: number) => {
    for (let i = 0; i < 50 && cached() < expected; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
  };
  const point = (a: ReturnType<typeof measure>, b: ReturnType<typeof measure>): MemoryPoint => {
    const added = Math.max(1, b.cached - a.cached);
    return { cached: b.cached, heapKbPerCase: round((b.heap - a.heap) / 1024 / added, 1), rssKbPerCase: round((b.rss - a.rss) / 1024 / added, 1) };
  };
  try {
    const prefix = runPrefix();
    const day = shanghaiDate(Date.now());
    // Warm-up: JIT, the workflow context, shared modules.
    const warm: BenchCase[] = [];
    await pool(10, 10, async (i) => void warm.push(await startBenchCase(client, engine, taskQueue, `${prefix.slice(0, 4)}W`, i)));
    await Promise.all(warm.map((c) => decide(client, c, 0, day)));
    await settle(10);
    const base = measure();
    snapshot('0-warm');
    const cases: BenchCase[] = new Array(n);
    const t0 = performance.now();
    await pool(n, 20, async (i) => {
      cases[i] = await startBenchCase(client, engine, taskQueue, prefix, i);
      await decide(client, cases[i]!, 0, day);
    });
    const startsPerS = n / ((performance.now() - t0) / 1000);
    await settle(10 + n);
    const first = measure();
    snapshot('1-first-decision');
    // The rest of the lifecycle's decisions (the floor answers them all alike): what a case holds once decided.
    await pool(n, 20, async (i) => {
      for (let step = 1; step < LIFECYCLE.length; step++) await decide(client, cases[i]!, step, day);
    });
    await settle(10 + n);
    const afterLifecycle = point(base, measure());
    snapshot('2-lifecycle');
    return { subject, cases: n, afterFirstDecision: point(base, first), afterLifecycle, startsPerS: round(startsPerS, 1) };
  } finally {
    worker.shutdown();
    await running;
    await native.close();
    await connection.close();
  }
}

function activitiesFor() {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'handover-bench-'));
  return createActivities({ dataDir, outbox: new Outbox(join(dataDir, 'outbox.sqlite')) });
}

async function runChild(subject: Subject, n: number, address: string): Promise<SubjectFigures> {
  // Bundled once here; the child loads the code from a file instead of bundling again.
  const codePath = join(mkdtempSync(join(os.tmpdir(), 'handover-bench-bundle-')), `${subject}.js`);
  writeFileSync(codePath, (await bundleFor(subject)).code);
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, '--child', subject, '--n', String(n), '--address', address, '--bundle', codePath], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice(7)) as SubjectFigures);
      else reject(new Error(`per-case child for ${subject} exited with ${code}: ${out.slice(-2000)}`));
    });
  });
}

export async function run(opts: BenchOptions & { subjects?: Subject[] } = {}): Promise<PerCaseResult> {
  const log = logger(opts);
  const n = opts.n ?? (opts.smoke ? 20 : 500);
  const subjects = opts.subjects ?? (opts.smoke ? (['floor', 'engine'] as Subject[]) : (['floor', 'engine', 'engine-unshared'] as Subject[]));
  const server = await devServer(opts);
  const figures: SubjectFigures[] = [];
  try {
    for (const s of subjects) {
      log(`per-case: ${s}, ${n} cases`);
      figures.push(await runChild(s, n, server.address));
    }
  } finally {
    await server.stop();
  }
  const floor = figures.find((f) => f.subject === 'floor');
  const engine = figures.find((f) => f.subject === 'engine') ?? figures[0]!;
  const engineHeap = Math.max(engine.afterFirstDecision.heapKbPerCase, engine.afterLifecycle.heapKbPerCase);
  const ratio = (f: (p: SubjectFigures) => number) => (floor ? round(f(engine) / f(floor), 2) : NaN);
  return {
    n,
    subjects: figures,
    heapRatio: { first: ratio((s) => s.afterFirstDecision.heapKbPerCase), lifecycle: ratio((s) => s.afterLifecycle.heapKbPerCase) },
    rssRatio: { first: ratio((s) => s.afterFirstDecision.rssKbPerCase), lifecycle: ratio((s) => s.afterLifecycle.rssKbPerCase) },
    derivation: {
      kbPerCase: engineHeap,
      configuredKbPerCase: HEAP_KB_PER_CACHED_CASE,
      cacheFor: [1024, 2048, 4144, 8192].map((heapMb) => ({ heapMb, maxCachedWorkflows: maxCachedCasesFor(heapMb, Math.max(1, engineHeap)) })),
    },
  };
}

const LABEL: Record<Subject, string> = {
  floor: 'floor / bare workflow (Update does nothing, imports only the SDK)',
  engine: 'engine, shared modules (as worker.ts runs it)',
  'engine-unshared': 'engine, every module per workflow (SDK default bundle: before)',
};

export function render(r: PerCaseResult): string {
  const cell = (p: MemoryPoint) => `${p.heapKbPerCase} | ${p.rssKbPerCase}`;
  const floor = r.subjects.find((s) => s.subject === 'floor');
  return [
    `${r.n.toLocaleString('en')} cases per workflow, each in a fresh worker process (debug mode: workflows in the main thread, full GC before each measurement), one dev server. KB per cached case, from the difference to the warm worker:`,
    '',
    '| workflow | heap after 1st decision (KB) | RSS after 1st decision (KB) | heap after 12 decisions (KB) | RSS after 12 decisions (KB) | starts + 1st decision /s |',
    '|---|---:|---:|---:|---:|---:|',
    ...r.subjects.map((s) => `| ${LABEL[s.subject]} | ${cell(s.afterFirstDecision)} | ${cell(s.afterLifecycle)} | ${s.startsPerS} |`),
    '',
    floor
      ? `Engine ÷ bare workflow per cached case, V8 heap: **${r.heapRatio.first}× after the first decision, ${r.heapRatio.lifecycle}× after all 12** (goal ≤ 2×: ${Math.max(r.heapRatio.first, r.heapRatio.lifecycle) <= 2 ? 'met' : 'missed'}); RSS: ${r.rssRatio.first}× and ${r.rssRatio.lifecycle}×. ` +
        `The floor's ${floor.afterFirstDecision.heapKbPerCase} KB is Temporal's own per-workflow state (the workflow's activator and its instances of the SDK's workflow modules, the handler).`
      : 'The floor was not measured in this run.',
    '',
    `Cache size from the engine's ${r.derivation.kbPerCase} KB per case (config/workflow-cache.ts: (heap − 200 MB) × 0.5 ÷ per-case; the worker uses ${r.derivation.configuredKbPerCase} KB): ` +
      r.derivation.cacheFor.map((c) => `${c.heapMb.toLocaleString('en')} MB heap → ${c.maxCachedWorkflows.toLocaleString('en')} cases`).join('; ') + '.',
  ].join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args.includes('--child')) {
    const subject = args[args.indexOf('--child') + 1] as Subject;
    const n = Number(args[args.indexOf('--n') + 1]);
    const address = args[args.indexOf('--address') + 1]!;
    const codePath = args[args.indexOf('--bundle') + 1]!;
    child(subject, n, address, codePath)
      .then((f) => {
        process.stdout.write(`RESULT ${JSON.stringify(f)}\n`);
        process.exit(0);
      })
      .catch((err) => {
        console.error(err);
        process.exit(1);
      });
  } else {
    // --subjects floor,engine,engine-unshared (default: all three)
    const listed = args.includes('--subjects') ? (args[args.indexOf('--subjects') + 1]!.split(',') as Subject[]) : undefined;
    void runMain('Memory per cached case', (o) => run({ ...o, ...(listed ? { subjects: listed } : {}) }), render);
  }
}
