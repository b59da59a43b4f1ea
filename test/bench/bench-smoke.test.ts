// A smoke run of every benchmark (tiny sizes, seconds each) against the real servers: the scripts behind
// `npm run bench` still run and print sane figures. The benchmarks themselves are not part of `npm test`.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerAddress, timeSkippingEnv } from '../helpers/servers';
import * as calendar from '../../bench/calendar';
import * as footprint from '../../bench/footprint';
import * as latency from '../../bench/latency';
import * as lifecycle from '../../bench/lifecycle';
import * as overhead from '../../bench/overhead';
import * as perCase from '../../bench/per-case';

let env: TestWorkflowEnvironment;
const log = () => {};

beforeAll(async () => {
  env = await timeSkippingEnv();
});

afterAll(async () => {
  await env?.teardown();
});

const positive = (x: number) => expect(Number.isFinite(x) && x > 0).toBe(true);

describe('benchmarks (smoke run)', () => {
  it('1. lifecycle: whole cases through the transition period on the time-skipping server', async () => {
    const r = await lifecycle.run({ smoke: true, timeSkipping: env, log });
    expect(r.runs).toHaveLength(1);
    const run = r.runs[0]!;
    expect(run.cases).toBe(3);
    expect(run.decisions).toBe(36);
    positive(run.casesPerS);
    positive(run.decisionsPerS);
    positive(run.cpuMsPerCase);
    expect(lifecycle.render(r)).toContain('| 3 |');
  });

  it('2. latency: engine and floor percentiles on the dev server are ordered, ratios computed from them', async () => {
    const r = await latency.run({ smoke: true, devAddress: devServerAddress(), senders: [1, 3], rounds: 2, log });
    expect(r.levels.map((l) => l.senders)).toEqual([1, 3]);
    for (const l of r.levels) {
      for (const f of [l, l.floor]) {
        expect(f.decisions).toBeGreaterThan(0);
        positive(f.p50);
        expect(f.p50).toBeLessThanOrEqual(f.p95);
        expect(f.p95).toBeLessThanOrEqual(f.p99);
        expect(f.p99).toBeLessThanOrEqual(f.max);
        positive(f.decisionsPerS);
      }
      expect(l.ratio.p50).toBeCloseTo(l.p50 / l.floor.p50, 1);
      expect(l.ratio.throughput).toBeCloseTo(l.decisionsPerS / l.floor.decisionsPerS, 1);
    }
    expect(latency.render(r)).toContain('floor (Update does nothing)');
  });

  it('4a. memory per cached case: engine and bare workflow measured in their own worker processes, cache size derived', async () => {
    const r = await perCase.run({ smoke: true, n: 5, devAddress: devServerAddress(), log });
    expect(r.subjects.map((s) => s.subject)).toEqual(['floor', 'engine']);
    for (const s of r.subjects) {
      expect(s.cases).toBe(5);
      expect(Number.isFinite(s.afterFirstDecision.heapKbPerCase)).toBe(true);
      expect(s.afterFirstDecision.cached).toBeGreaterThanOrEqual(15);
    }
    expect(Number.isFinite(r.heapRatio.lifecycle)).toBe(true);
    for (const c of r.derivation.cacheFor) expect(c.maxCachedWorkflows).toBeGreaterThanOrEqual(10);
  });

  it('3. overhead: engine and plain-Temporal baseline complete the same lifecycle', async () => {
    const r = await overhead.run({ smoke: true, timeSkipping: env, log });
    for (const f of [r.handover, r.baseline]) {
      positive(f.decisionsPerS);
      positive(f.cpuMsPerCase);
    }
    positive(r.decisionsRatio);
    positive(r.cpuRatio);
  });

  it('4. footprint: memory samples, history of one lifecycle, replay time', async () => {
    const r = await footprint.run({ smoke: true, timeSkipping: env, devAddress: devServerAddress(), log });
    expect(r.history.singleRun.events).toBeGreaterThan(0);
    expect(r.history.singleRun.events).toBeLessThan(r.history.warningLimit);
    positive(r.history.singleRun.bytes);
    expect(r.history.continuedRuns.length).toBeGreaterThan(1);
    positive(r.replay.oneHistoryMs);
    positive(r.replay.amortizedMs);
    expect(r.memory.samples.length).toBeGreaterThan(2);
    for (const s of r.memory.samples) positive(s.rssMb);
    positive(r.memory.startsPerS);
    expect(r.memory.evictedDecisionMs.p50).toBeLessThanOrEqual(r.memory.evictedDecisionMs.p99);
  });

  it('5. calendar: addWorkingDays calls per second for both spans', async () => {
    const r = await calendar.run({ smoke: true });
    expect(r.spans.map((s) => s.workingDays)).toEqual([10, 1000]);
    for (const s of r.spans) positive(s.opsPerS);
    expect(r.spans[0]!.opsPerS).toBeGreaterThan(r.spans[1]!.opsPerS);
  });
});
