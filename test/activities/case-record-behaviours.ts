// What every case record store does (SQLite: case-record-store.test.ts; PostgreSQL: case-record-postgres.test.ts):
// each (case, seq) once, pages in seq order, lookup by request id. Each test gets a fresh, empty store.
import type { CaseRecordEntry, CaseRecordStore } from '../../activities/case-record/store';

export const entry = (caseId: string, seq: number, extra: Partial<CaseRecordEntry> = {}): CaseRecordEntry => ({
  caseId,
  seq,
  kind: 'decision',
  type: 'MAJOR_PROBLEM_REPORTED',
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
  occurredOn: '2026-01-01',
  actor: { role: 'township', org: '九龙坡区/杨家坪街道', user: '张三' },
  requestId: `req-${seq}`,
  fingerprint: `sha256:${String(seq).padStart(64, '0')}`,
  data: { summary: `问题 ${seq}`, nested: { list: [1, 2, seq] } },
  before: ['survey.collecting'],
  after: ['survey.surveyed'],
  runId: 'run-1',
  ...extra,
});

/** The shared tests; `fresh` opens an empty store (closed after the test). */
export function describeCaseRecordStoreBehaviours(fresh: () => Promise<CaseRecordStore> | CaseRecordStore): void {
  let store: CaseRecordStore;
  beforeEach(async () => {
    store = await fresh();
  });
  afterEach(() => store.close());

  it('writes each (case, seq) once: a retried batch adds nothing, another case is separate', async () => {
    expect(await store.append([entry('a', 1), entry('a', 2)])).toBe(2);
    expect(await store.append([entry('a', 2, { type: 'CHANGED' }), entry('a', 3)])).toBe(1);
    expect(await store.append([entry('b', 1)])).toBe(1);
    const page = await store.page('a');
    expect(page.total).toBe(3);
    expect(page.entries.map((e) => [e.seq, e.type])).toEqual([
      [1, 'MAJOR_PROBLEM_REPORTED'],
      [2, 'MAJOR_PROBLEM_REPORTED'],
      [3, 'MAJOR_PROBLEM_REPORTED'],
    ]);
    expect(page.entries[0]).toEqual(entry('a', 1)); // every field back as written
  });

  it('pages in seq order with where the next page starts, clamping the page size', async () => {
    await store.append(Array.from({ length: 25 }, (_, i) => entry('c', 25 - i)));
    const first = await store.page('c', { limit: 10 });
    expect(first.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(first).toMatchObject({ total: 25, nextAfter: 10 });
    const last = await store.page('c', { afterSeq: 20, limit: 10 });
    expect(last.entries.map((e) => e.seq)).toEqual([21, 22, 23, 24, 25]);
    expect(last.nextAfter).toBeUndefined();
    expect((await store.page('c', { limit: 0 })).entries).toHaveLength(1);
    expect((await store.page('c', { limit: 1e9 })).entries).toHaveLength(25);
    expect(await store.page('nobody')).toEqual({ entries: [], total: 0 });
  });

  it('finds the decision a request id was first used for', async () => {
    await store.append([entry('d', 1), entry('d', 2, { kind: 'notification', type: 'majorProblemReported', requestId: 'req-1' }), entry('d', 3, { requestId: 'req-1' })]);
    expect((await store.findByRequestId('d', 'req-1'))?.seq).toBe(1);
    expect(await store.findByRequestId('d', 'req-9')).toBeUndefined();
    expect(await store.findByRequestId('other', 'req-1')).toBeUndefined();
  });
}
