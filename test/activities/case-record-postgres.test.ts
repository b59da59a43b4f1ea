// The PostgreSQL case record store (cluster mode) against a throwaway PostgreSQL started by the cluster scripts (only
// the database: no Temporal services): the same behaviours as the SQLite store (case-record-behaviours.ts), each test
// in a database of its own, plus what only a shared server shows: stores starting at once create the table once, and
// an unreachable database is named in the error and tried again on the next call. Runs when Debian's PostgreSQL
// server tools are installed; under CI / HANDOVER_CLUSTER_TESTS=1 their absence fails instead of skipping.
import { PostgresCaseRecordStore } from '../../activities/case-record/postgres';
import { openCaseRecordStore } from '../../activities/case-record';
import { describeCaseRecordStoreBehaviours, entry } from './case-record-behaviours';
import { describeWithPostgres } from '../helpers/throwaway-postgres';

describeWithPostgres('PostgreSQL case record store', 'case record on PostgreSQL', (pg) => {
  describeCaseRecordStoreBehaviours(() => new PostgresCaseRecordStore(pg.freshDatabase()));

  it('creates its table once when several workers start at the same moment; a retried batch from each adds one row', async () => {
    const url = pg.freshDatabase();
    const stores = Array.from({ length: 6 }, () => new PostgresCaseRecordStore(url));
    try {
      await Promise.all(stores.map((s) => s.init()));
      const added = await Promise.all(stores.map((s) => s.append([entry('race', 1)])));
      expect(added.reduce((a, b) => a + b, 0)).toBe(1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
    const opened = await openCaseRecordStore({ databaseUrl: url });
    try {
      expect(opened).toBeInstanceOf(PostgresCaseRecordStore);
      expect((await opened.page('race')).entries).toEqual([entry('race', 1)]);
    } finally {
      await opened.close();
    }
  });

  it('names the database setting when it cannot be reached, and tries again on the next call', async () => {
    const store = new PostgresCaseRecordStore(pg.baseUrl.replace(/\/handover$/, '/record_missing'));
    try {
      await expect(store.init()).rejects.toThrow(/case record database \(HANDOVER_RECORD_DATABASE_URL\) not usable: .*record_missing/);
      pg.psql('CREATE DATABASE record_missing OWNER handover');
      await store.init();
      expect(await store.append([entry('later', 1)])).toBe(1);
    } finally {
      await store.close();
    }
  });
});
