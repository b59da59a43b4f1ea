// A throwaway PostgreSQL for the tests of the cluster-mode stores, started by the cluster scripts (only the database:
// no Temporal services) in a temporary folder for one describe block, with an empty database per test. Runs when
// Debian's PostgreSQL server tools are installed; under CI / HANDOVER_CLUSTER_TESTS=1 (.ci/run) their absence fails
// instead of skipping.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PG_BIN_DIR, freeClusterPorts, psql, startClusterPostgres, stopCluster } from '../../scripts/cluster/cluster';

export interface ThrowawayPostgres {
  /** The URL of the `handover` database, as user `handover` (set once the server is up, in beforeAll). */
  readonly baseUrl: string;
  /** A new empty database owned by `handover`, and its URL. */
  freshDatabase(): string;
  /** Runs SQL as the server's superuser. */
  psql(sql: string): string;
}

/**
 * `describe(name, body)` with a PostgreSQL server for the block; skipped (with a warning) where the server tools are
 * missing, failing instead under CI. `label` names the suite in that warning.
 */
export function describeWithPostgres(name: string, label: string, body: (pg: ThrowawayPostgres) => void): void {
  const toolsPresent = existsSync(join(PG_BIN_DIR, 'initdb'));
  const required = process.env.CI === 'true' || process.env.HANDOVER_CLUSTER_TESTS === '1';
  if (!toolsPresent && required) {
    test('the PostgreSQL server tools are installed (CI runs scripts/ensure-cluster.sh)', () => {
      throw new Error(`missing ${PG_BIN_DIR}/initdb: run scripts/ensure-cluster.sh`);
    });
  } else if (!toolsPresent) {
    console.warn(`[${label}] skipped: PostgreSQL server tools not installed (bash scripts/ensure-cluster.sh, or HANDOVER_CLUSTER_TESTS=1 npm test)`);
  }

  (toolsPresent ? describe : describe.skip)(name, () => {
    let dataDir: string | undefined;
    let pgPort = 0;
    let baseUrl = '';
    let databases = 0;
    const pg: ThrowawayPostgres = {
      get baseUrl() {
        return baseUrl;
      },
      freshDatabase() {
        const database = `test_${++databases}`;
        pg.psql(`CREATE DATABASE ${database} OWNER handover`);
        return baseUrl.replace(/\/handover$/, `/${database}`);
      },
      psql: (sql) => psql({ dataDir: dataDir!, pgPort }, sql),
    };

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'handover-pg-'));
      ({ pgPort } = await freeClusterPorts());
      baseUrl = startClusterPostgres({ dataDir, pgPort }).databaseUrl;
    }, 120_000);

    afterAll(async () => {
      if (dataDir) {
        await stopCluster(dataDir);
        rmSync(dataDir, { recursive: true, force: true });
      }
    }, 60_000);

    body(pg);
  });
}
