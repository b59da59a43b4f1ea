// The SQLite case record store: the shared store behaviours (case-record-behaviours.ts) on a temp file, and how the
// settings choose a store.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteCaseRecordStore } from '../../activities/case-record/sqlite';
import { openCaseRecordStore, sqliteRecordFile } from '../../activities/case-record';
import { describeCaseRecordStoreBehaviours } from './case-record-behaviours';

describe('SQLite case record store', () => {
  describeCaseRecordStoreBehaviours(() => new SqliteCaseRecordStore(join(mkdtempSync(join(tmpdir(), 'record-')), 'case-record.sqlite')));

  it('is chosen from settings: SQLite by default, only postgres:// URLs otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'record-'));
    expect(sqliteRecordFile({ dataDir: dir })).toBe(join(dir, 'case-record.sqlite'));
    const s = await openCaseRecordStore({ dataDir: dir });
    expect(s).toBeInstanceOf(SqliteCaseRecordStore);
    await s.close();
    await expect(openCaseRecordStore({ databaseUrl: 'mysql://x@y/z' })).rejects.toThrow(/only postgres:\/\//);
  });
});
