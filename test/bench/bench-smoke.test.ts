// A smoke run of every benchmark (tiny sizes, seconds each) against the real servers: the scripts behind
// `npm run bench` still run and print sane figures. The benchmarks themselves are not part of `npm test`.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerAddress, timeSkippingEnv } from '../helpers/servers';
import * as calendar from '../../bench/calendar';
import * as footprint from '../../bench/footprint';
import * as latency from '../../bench/latency';
import * as lifecycle from '../../bench/lifecycle';
import * as overhead from '../../bench/overhead';

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

  it('2. latency: percentiles on the dev server are ordered', async () => {
    const r = await latency.run({ smoke: true, devAddress: devServerAddress(), senders: [1, 3], log });
    expect(r.levels.map((l) => l.senders)).toEqual([1, 3]);
    for (const l of r.levels) {
      expect(l.decisions).toBeGreaterThan(0);
      positive(l.p50);
      expect(l.p50).toBeLessThanOrEqual(l.p95);
      expect(l.p95).toBeLessThanOrEqual(l.p99);
      expect(l.p99).toBeLessThanOrEqual(l.max);
      positive(l.decisionsPerS);
    }
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
