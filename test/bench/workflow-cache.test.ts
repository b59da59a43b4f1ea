// The worker's cache size: derived from the heap limit and the measured cost per case, or set explicitly.
import { CACHE_HEAP_SHARE, HEAP_KB_PER_CACHED_CASE, MIN_CACHED_CASES, RESERVED_HEAP_MB, maxCachedCasesFor, workerCacheSizing } from '../../config/workflow-cache';

describe('worker cache size', () => {
  it('is (heap − reserve) × share ÷ per-case', () => {
    expect(maxCachedCasesFor(4200, 200)).toBe(Math.floor(((4200 - RESERVED_HEAP_MB) * 1024 * CACHE_HEAP_SHARE) / 200));
    expect(maxCachedCasesFor(4200, 100)).toBeGreaterThan(maxCachedCasesFor(4200, 200));
    expect(maxCachedCasesFor(8400, 200)).toBeGreaterThan(maxCachedCasesFor(4200, 200));
  });

  it('never goes below the minimum, and refuses nonsense', () => {
    expect(maxCachedCasesFor(100, 200)).toBe(MIN_CACHED_CASES);
    expect(() => maxCachedCasesFor(0, 200)).toThrow(RangeError);
    expect(() => maxCachedCasesFor(4096, -1)).toThrow(RangeError);
  });

  it('the worker uses HANDOVER_MAX_CACHED_CASES when set, the derivation otherwise', () => {
    expect(workerCacheSizing({ HANDOVER_MAX_CACHED_CASES: '1234' }, 4096)).toMatchObject({ maxCachedWorkflows: 1234, source: 'environment' });
    expect(workerCacheSizing({}, 4096)).toEqual({ maxCachedWorkflows: maxCachedCasesFor(4096, HEAP_KB_PER_CACHED_CASE), source: 'derived', heapLimitMb: 4096, kbPerCase: HEAP_KB_PER_CACHED_CASE });
    expect(() => workerCacheSizing({ HANDOVER_MAX_CACHED_CASES: 'many' }, 4096)).toThrow(/HANDOVER_MAX_CACHED_CASES/);
    expect(() => workerCacheSizing({ HANDOVER_MAX_CACHED_CASES: '0' }, 4096)).toThrow(/positive integer/);
  });
});
