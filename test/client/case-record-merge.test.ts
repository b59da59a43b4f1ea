// Reading the record while the store lags behind the case: a decision is answered before its entry is stored, so a
// page merges the entries the running case still holds (client/cases.ts mergeUnrecorded). Pure: no servers.
import { mergeUnrecorded } from '../../client/cases';
import type { CaseRecordEntry, CaseRecordPage } from '../../activities/case-record/store';

const entry = (seq: number): CaseRecordEntry => ({ caseId: 'c', seq, at: '2026-11-27T00:00:00.000Z', kind: 'decision', type: 'SURVEY_SUBMITTED', after: [] }) as CaseRecordEntry;
const seqs = (p: CaseRecordPage) => p.entries.map((e) => e.seq);

/** The store's page of seqs `stored` after `afterSeq`, as the SQLite and PostgreSQL stores answer it. */
function storePage(stored: number[], afterSeq: number, limit: number): CaseRecordPage {
  const rows = stored.filter((s) => s > afterSeq).sort((a, b) => a - b);
  const entries = rows.slice(0, limit).map(entry);
  return { entries, total: stored.length, ...(rows.length > limit ? { nextAfter: entries.at(-1)!.seq } : {}) };
}

/** Every entry a reader sees paging with `limit` while the store holds `stored` and the case `pending`. */
function readAll(stored: number[], pending: number[], limit: number): number[] {
  const seen: number[] = [];
  let after: number | undefined = 0;
  for (let pages = 0; after !== undefined; pages++) {
    expect(pages).toBeLessThan(100);
    const held = pending.filter((s) => s > after!).slice(0, limit).map(entry);
    const page: CaseRecordPage = held.length > 0 ? mergeUnrecorded(storePage(stored, after, limit), held, limit) : storePage(stored, after, limit);
    expect(page.entries.length).toBeLessThanOrEqual(limit);
    seen.push(...seqs(page));
    after = page.nextAfter;
  }
  return seen;
}

describe('caseRecord merges what the store has not acknowledged', () => {
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

  it('shows the newest entries the store does not have yet, once each, in order', () => {
    const page = mergeUnrecorded(storePage(range(1, 24), 20, 5), [entry(25), entry(26)], 5);
    expect(seqs(page)).toEqual([21, 22, 23, 24, 25]);
    expect(page.nextAfter).toBe(25);
    expect(page.total).toBe(26);
  });

  it('reads every entry once at any page size, with writes acknowledged out of order', () => {
    // Writes in flight at once may be acknowledged in any order: 30 is stored, 27–29 are not yet.
    const stored = [...range(1, 26), 30];
    const pending = [27, 28, 29, 31, 32];
    for (const limit of [1, 2, 3, 5, 7, 100]) expect(readAll(stored, pending, limit)).toEqual(range(1, 32));
  });

  it('keeps the store copy of an entry both hold (acknowledged between the two reads)', () => {
    const stored = range(1, 10);
    const page = mergeUnrecorded(storePage(stored, 0, 100), [entry(10), entry(11)], 100);
    expect(seqs(page)).toEqual(range(1, 11));
    expect(page.nextAfter).toBeUndefined();
    expect(page.total).toBe(11);
  });
});
