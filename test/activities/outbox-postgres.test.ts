// The outbox on PostgreSQL (cluster mode) against a throwaway PostgreSQL started by the cluster scripts (only the
// database: no Temporal services): the same behaviours as on SQLite (outbox-behaviours.ts), each test in a database
// of its own, plus what only a shared server shows: workers starting at once create the table once, and the
// settings choose this outbox. Runs when Debian's PostgreSQL server tools are installed; under CI /
// HANDOVER_CLUSTER_TESTS=1 (.ci/run) their absence fails instead of skipping.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { Outbox } from '../../activities/outbox';
import { OUTBOX_TABLE, PostgresOutbox } from '../../activities/outbox-postgres';
import { openOutboxStore, outboxSettingsFromEnv } from '../../activities/outbox-open';
import { openOutbox } from '../../client/notifications';
import { describeOutboxBehaviours, notification } from './outbox-behaviours';
import { describeWithPostgres } from '../helpers/throwaway-postgres';

describeWithPostgres('PostgreSQL outbox', 'outbox on PostgreSQL', ({ freshDatabase }) => {
  describeOutboxBehaviours(() => ({
    async fresh() {
      const location = freshDatabase();
      return { outbox: new PostgresOutbox(location), location };
    },
    reopen: (location) => new PostgresOutbox(location),
  }));

  it('creates its table once when several workers start at the same moment, and keeps rows across a restart of the store', async () => {
    const url = freshDatabase();
    const stores = Array.from({ length: 6 }, () => new PostgresOutbox(url));
    try {
      await Promise.all(stores.map((s) => s.init()));
      const n = notification();
      const recorded = await Promise.all(stores.map((s) => s.record(n)));
      expect(recorded.filter((r) => r.created)).toHaveLength(1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
    const again = new PostgresOutbox(url);
    const pool = new Pool({ connectionString: url, max: 1 });
    try {
      expect(await again.list()).toHaveLength(1);
      const cols = await pool.query<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 AND column_name IN ('created_at', 'next_attempt_at', 'claimed_until')`,
        [OUTBOX_TABLE],
      );
      expect(cols.rows.map((c) => c.data_type)).toEqual(['timestamp with time zone', 'timestamp with time zone', 'timestamp with time zone']);
    } finally {
      await again.close();
      await pool.end();
    }
  });

  it('is chosen by HANDOVER_OUTBOX_DATABASE_URL, else HANDOVER_RECORD_DATABASE_URL; refuses another scheme; says where it is without the password', async () => {
    const url = freshDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'handover-outbox-settings-'));
    expect(outboxSettingsFromEnv(dir, { HANDOVER_RECORD_DATABASE_URL: url })).toEqual({ databaseUrl: url, dataDir: dir });
    expect(outboxSettingsFromEnv(dir, { HANDOVER_RECORD_DATABASE_URL: 'postgres://x@h/other', HANDOVER_OUTBOX_DATABASE_URL: url }).databaseUrl).toBe(url);
    expect(openOutboxStore({ dataDir: dir })).toBeInstanceOf(Outbox);
    expect(() => openOutboxStore({ dataDir: dir, databaseUrl: 'mysql://u:p@h/db' })).toThrow(/HANDOVER_OUTBOX_DATABASE_URL.*postgres:\/\//);
    // What the API opens (client/notifications.ts) sees what a worker's notify recorded.
    const worker = openOutboxStore(outboxSettingsFromEnv(dir, { HANDOVER_RECORD_DATABASE_URL: url }));
    const api = openOutbox(undefined, { HANDOVER_DATA_DIR: join(dir, 'elsewhere'), HANDOVER_RECORD_DATABASE_URL: url });
    try {
      expect(worker).toBeInstanceOf(PostgresOutbox);
      expect(worker.location).not.toContain(':handover@');
      expect(worker.location).toContain('127.0.0.1');
      const { row } = await worker.record(notification());
      expect((await api.get(row.key))?.id).toBe(row.id);
    } finally {
      await worker.close();
      await api.close();
    }
  });
});
