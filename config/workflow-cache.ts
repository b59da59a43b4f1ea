// How many cases a worker keeps cached (WorkerOptions.maxCachedWorkflows), derived from what one cached case
// costs and the heap its workflow thread may use. A case that is not cached costs nothing in the worker: it lives
// in the server's history and is replayed when it next wakes. The SDK's own default assumes about 1.7 MB per
// workflow; measure ours with `npx tsx bench/per-case.ts` (BENCHMARKS.md, "Memory per cached case").
import v8 from 'node:v8';

/**
 * V8 heap one cached case holds, in KB: the larger of the two points `bench/per-case.ts` measures (a case after
 * its first decision, and after all 12 decisions of the lifecycle), rounded up. Update it from BENCHMARKS.md when
 * the workflow's state changes. 2026-11-28: 167.9 KB (`--n 300`) and 180.4 KB (`--n 100`) after 12 decisions.
 */
export const HEAP_KB_PER_CACHED_CASE = 200;

/** Heap kept for the workflow thread itself (bundle, shared modules, SDK), as the SDK's default reserves. */
export const RESERVED_HEAP_MB = 200;

/**
 * Share of the rest given to cached cases. The other half is headroom: V8's old generation needs room to collect
 * without stalling the workflow thread (at the SDK's default cache, cases filling the whole heap stalled it in GC
 * for seconds; BENCHMARKS.md), and a case holds more while a decision is in flight.
 */
export const CACHE_HEAP_SHARE = 0.5;

/** Never fewer than this, whatever the heap. */
export const MIN_CACHED_CASES = 10;

export interface CacheSizing {
  maxCachedWorkflows: number;
  /** Where the number comes from: HANDOVER_MAX_CACHED_CASES, or derived from the heap limit. */
  source: 'environment' | 'derived';
  heapLimitMb: number;
  kbPerCase: number;
}

/** Cached cases that fit in `heapLimitMb` at `kbPerCase` each: (heap − reserve) × share ÷ per-case. */
export function maxCachedCasesFor(heapLimitMb: number, kbPerCase: number = HEAP_KB_PER_CACHED_CASE): number {
  if (!(heapLimitMb > 0) || !(kbPerCase > 0)) throw new RangeError(`heap limit and per-case size must be positive (got ${heapLimitMb} MB, ${kbPerCase} KB)`);
  const usableKb = Math.max(0, heapLimitMb - RESERVED_HEAP_MB) * 1024 * CACHE_HEAP_SHARE;
  return Math.max(MIN_CACHED_CASES, Math.floor(usableKb / kbPerCase));
}

/**
 * The worker's cache size: HANDOVER_MAX_CACHED_CASES when set (a positive integer), otherwise derived from this
 * process's V8 heap limit (the workflow thread gets the same limit: worker threads inherit `--max-old-space-size`).
 */
export function workerCacheSizing(env: NodeJS.ProcessEnv = process.env, heapLimitMb: number = v8.getHeapStatistics().heap_size_limit / 1024 / 1024): CacheSizing {
  const kbPerCase = HEAP_KB_PER_CACHED_CASE;
  const raw = env.HANDOVER_MAX_CACHED_CASES;
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`HANDOVER_MAX_CACHED_CASES must be a positive integer (got "${raw}")`);
    return { maxCachedWorkflows: n, source: 'environment', heapLimitMb: Math.round(heapLimitMb), kbPerCase };
  }
  return { maxCachedWorkflows: maxCachedCasesFor(heapLimitMb, kbPerCase), source: 'derived', heapLimitMb: Math.round(heapLimitMb), kbPerCase };
}
