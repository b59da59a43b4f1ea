// The PostgreSQL case record store (cluster mode) against a throwaway PostgreSQL started by the cluster scripts (only
// the database: no Temporal services): the same behaviours as the SQLite store (case-record-behaviours.ts), each test
// in a database of its own, plus what only a shared server shows: stores starting at once create the table once, and
// an unreachable database is named in the error and tried again on the next call. Runs when Debian's PostgreSQL
// server tools are installed; under CI / HANDOVER_CLUSTER_TESTS=1 their absence fails instead of skipping.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PG_BIN_DIR, freeClusterPorts, psql, startClusterPostgres, stopCluster } from '../../scripts/cluster/cluster';
import { PostgresCaseRecordStore } from '../../activities/case-record/postgres';
import { openCaseRecordStore } from '../../activities/case-record';
import { describeCaseRecordStoreBehaviours, entry } from './case-record-behaviours';

const toolsPresent = existsSync(join(PG_BIN_DIR, 'initdb'));
const required = process.env.CI === 'true' || process.env.HANDOVER_CLUSTER_TESTS === '1';

if (!toolsPresent && required) {
  test('the PostgreSQL server tools are installed (CI runs scripts/ensure-cluster.sh)', () => {
    throw new Error(`missing ${PG_BIN_DIR}/initdb: run scripts/ensure-cluster.sh`);
  });
} else if (!toolsPresent) {
  console.warn('[case record on PostgreSQL] skipped: PostgreSQL server tools not installed (bash scripts/ensure-cluster.sh, or HANDOVER_CLUSTER_TESTS=1 npm test)');
}

const describePg = toolsPresent ? describe : describe.skip;

describePg('PostgreSQL case record store', () => {
  let dataDir: string;
  let pgPort: number;
  let baseUrl: string;
  let databases = 0;

  /** A new empty database owned by `handover`, and its URL. */
  function freshDatabase(): string {
    const name = `record_test_${++databases}`;
    psql({ dataDir, pgPort }, `CREATE DATABASE ${name} OWNER handover`);
    return baseUrl.replace(/\/handover$/, `/${name}`);
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'handover-record-pg-'));
    ({ pgPort } = await freeClusterPorts());
    baseUrl = startClusterPostgres({ dataDir, pgPort }).databaseUrl;
  }, 120_000);

  afterAll(async () => {
    if (dataDir) {
      await stopCluster(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  describeCaseRecordStoreBehaviours(() => new PostgresCaseRecordStore(freshDatabase()));

  it('creates its table once when several workers start at the same moment; a retried batch from each adds one row', async () => {
    const url = freshDatabase();
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
    const store = new PostgresCaseRecordStore(baseUrl.replace(/\/handover$/, '/record_missing'));
    try {
      await expect(store.init()).rejects.toThrow(/case record database \(HANDOVER_RECORD_DATABASE_URL\) not usable: .*record_missing/);
      psql({ dataDir, pgPort }, 'CREATE DATABASE record_missing OWNER handover');
      await store.init();
      expect(await store.append([entry('later', 1)])).toBe(1);
    } finally {
      await store.close();
    }
  });
});
