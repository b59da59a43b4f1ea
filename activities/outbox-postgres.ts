// The notification outbox in PostgreSQL (cluster mode): one table shared by every worker process and the API, so a
// notify retried on another machine finds the row the first attempt wrote, and the dispatchers of all workers lease
// rows from one queue (FOR UPDATE SKIP LOCKED). Same behaviour as the SQLite outbox (activities/outbox.ts); loaded
// only when a database URL is set (activities/outbox-open.ts).
import type { Pool } from 'pg';
import {
  DELIVERY_STATES,
  idempotencyKey,
  type Delivery,
  type DeliveryState,
  type Notification,
  type OutboxFilter,
  type OutboxRow,
  type OutboxStore,
  type OutboxSummary,
} from './outbox';
import { closePool, openPool, redactUrl, schemaInitializer } from './pg-pool';

export const OUTBOX_TABLE = 'notification_outbox';

// Instants are timestamptz, given by the caller (so tests can drive a clock), read back as ISO strings.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS ${OUTBOX_TABLE} (
  id              bigserial   PRIMARY KEY,
  key             text        NOT NULL UNIQUE,
  case_id         text        NOT NULL,
  district        text,
  reason          text        NOT NULL,
  due_key         text        NOT NULL,
  body            jsonb       NOT NULL,
  created_at      timestamptz NOT NULL,
  state           text        NOT NULL CHECK (state IN ('pending', 'failing', 'delivered', 'failed')),
  attempts        integer     NOT NULL DEFAULT 0,
  delivered_at    timestamptz,
  channel         text,
  last_error      text,
  next_attempt_at timestamptz,
  last_attempt_at timestamptz,
  failing_since   timestamptz,
  gave_up_at      timestamptz,
  retry_from      timestamptz NOT NULL,
  claimed_by      text,
  claimed_until   timestamptz
);
CREATE INDEX IF NOT EXISTS ${OUTBOX_TABLE}_case ON ${OUTBOX_TABLE} (case_id, id);
CREATE INDEX IF NOT EXISTS ${OUTBOX_TABLE}_due ON ${OUTBOX_TABLE} (next_attempt_at, id) WHERE state IN ('pending', 'failing');
`;

/** Serialises concurrent table creation by several workers starting at once ('outb'; the case record uses another). */
const SCHEMA_LOCK = 0x6f757462;

interface DbRow {
  id: string;
  key: string;
  body: Notification;
  created_at: Date;
  state: DeliveryState;
  attempts: number;
  delivered_at: Date | null;
  channel: string | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  failing_since: Date | null;
  gave_up_at: Date | null;
  retry_from: Date;
  claimed_by: string | null;
  claimed_until: Date | null;
}

export class PostgresOutbox implements OutboxStore {
  readonly location: string;
  private readonly pool: Pool;
  /** Creates the table if missing (under an advisory lock); every operation waits for it. */
  readonly init: () => Promise<void>;

  constructor(connectionString: string, opts: { maxConnections?: number } = {}) {
    this.location = redactUrl(connectionString);
    this.pool = openPool(connectionString, opts.maxConnections ?? 4);
    this.init = schemaInitializer(this.pool, {
      lock: SCHEMA_LOCK,
      what: `notification outbox database (${this.location})`,
      async create(c) {
        // Only when something is missing: CREATE INDEX locks the table against writes, even when the index exists.
        const have = await c.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relname = ANY($1)`,
          [[OUTBOX_TABLE, `${OUTBOX_TABLE}_case`, `${OUTBOX_TABLE}_due`]],
        );
        if (Number(have.rows[0]?.n) !== 3) await c.query(SCHEMA);
      },
    });
  }

  async record(n: Notification, now = new Date(), opts: { deliveredVia?: string } = {}): Promise<{ row: OutboxRow; created: boolean }> {
    await this.init();
    const key = idempotencyKey(n);
    const at = now.toISOString();
    const delivered = opts.deliveredVia !== undefined;
    const inserted = await this.pool.query<DbRow>(
      `INSERT INTO ${OUTBOX_TABLE} (key, case_id, district, reason, due_key, body, created_at, state, next_attempt_at, retry_from, delivered_at, channel)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $7, $10, $11)
       ON CONFLICT (key) DO NOTHING RETURNING *`,
      [key, n.caseId, n.district ?? null, n.reason, n.dueKey, JSON.stringify(n), at, delivered ? 'delivered' : 'pending', delivered ? null : at, delivered ? at : null, opts.deliveredVia ?? null],
    );
    if (inserted.rows[0]) return { row: toRow(inserted.rows[0]), created: true };
    // Another writer had it (or won the race just now): a separate statement, whose snapshot sees its commit.
    const row = await this.get(key);
    if (!row) throw new Error(`outbox row ${key} neither inserted nor found`);
    return { row, created: false };
  }

  async get(key: string): Promise<OutboxRow | undefined> {
    await this.init();
    const r = await this.pool.query<DbRow>(`SELECT * FROM ${OUTBOX_TABLE} WHERE key = $1`, [key]);
    return r.rows[0] && toRow(r.rows[0]);
  }

  async claimDue(owner: string, now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]> {
    await this.init();
    const at = now.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    // Rows another dispatcher is claiming at this moment are skipped, not waited for; a row it has just claimed (or
    // delivered) is re-checked against its new version once locked and left out. The outer WHERE repeats the test.
    const due = `state IN ('pending', 'failing') AND next_attempt_at <= $3 AND (claimed_until IS NULL OR claimed_until <= $3)`;
    const r = await this.pool.query<DbRow>(
      `UPDATE ${OUTBOX_TABLE} SET claimed_by = $1, claimed_until = $2
       WHERE ${due} AND id IN (
         SELECT id FROM ${OUTBOX_TABLE} WHERE ${due}
         ORDER BY next_attempt_at, id LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [owner, until, at, Math.max(0, Math.floor(limit))],
    );
    return r.rows
      .sort((a, b) => a.next_attempt_at!.getTime() - b.next_attempt_at!.getTime() || Number(a.id) - Number(b.id))
      .map(toRow);
  }

  async markDelivered(key: string, channel: string, now = new Date()): Promise<boolean> {
    await this.init();
    const r = await this.pool.query(
      `UPDATE ${OUTBOX_TABLE} SET state = 'delivered', delivered_at = $1, channel = $2, attempts = attempts + 1, last_attempt_at = $1,
         last_error = NULL, next_attempt_at = NULL, gave_up_at = NULL, claimed_by = NULL, claimed_until = NULL
       WHERE key = $3 AND state <> 'delivered'`,
      [now.toISOString(), channel, key],
    );
    return r.rowCount === 1;
  }

  async markFailure(key: string, owner: string, error: string, now: Date, nextAttemptAt: Date | undefined): Promise<boolean> {
    await this.init();
    const at = now.toISOString();
    const r = await this.pool.query(
      `UPDATE ${OUTBOX_TABLE} SET attempts = attempts + 1, last_attempt_at = $3, last_error = $4,
         failing_since = COALESCE(failing_since, $3), state = $5, next_attempt_at = $6,
         gave_up_at = $7, claimed_by = NULL, claimed_until = NULL
       WHERE key = $1 AND claimed_by = $2 AND state IN ('pending', 'failing')`,
      [key, owner, at, error.slice(0, 1000), nextAttemptAt ? 'failing' : 'failed', nextAttemptAt ? nextAttemptAt.toISOString() : null, nextAttemptAt ? null : at],
    );
    return r.rowCount === 1;
  }

  async release(key: string, owner: string): Promise<void> {
    await this.init();
    await this.pool.query(`UPDATE ${OUTBOX_TABLE} SET claimed_by = NULL, claimed_until = NULL WHERE key = $1 AND claimed_by = $2`, [key, owner]);
  }

  async requeue(key: string, now = new Date()): Promise<boolean> {
    await this.init();
    const r = await this.pool.query(
      `UPDATE ${OUTBOX_TABLE} SET state = 'failing', next_attempt_at = $1, retry_from = $1, gave_up_at = NULL, claimed_by = NULL, claimed_until = NULL
       WHERE key = $2 AND state = 'failed'`,
      [now.toISOString(), key],
    );
    return r.rowCount === 1;
  }

  async list(filter: OutboxFilter = {}): Promise<OutboxRow[]> {
    await this.init();
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (sql: (p: string) => string, value: unknown) => {
      args.push(value);
      where.push(sql(`$${args.length}`));
    };
    for (const [col, value] of [['case_id', filter.caseId], ['reason', filter.reason], ['district', filter.district], ['state', filter.state]] as const) {
      if (value !== undefined) add((p) => `${col} = ${p}`, value);
    }
    if (filter.recipient !== undefined) add((p) => `body->'recipients' ? ${p}`, filter.recipient);
    if (filter.afterId !== undefined) add((p) => `id > ${p}`, filter.afterId);
    let limit = '';
    if (filter.limit !== undefined) {
      args.push(Math.max(0, Math.floor(filter.limit)));
      limit = ` LIMIT $${args.length}`;
    }
    const r = await this.pool.query<DbRow>(`SELECT * FROM ${OUTBOX_TABLE} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id${limit}`, args);
    return r.rows.map(toRow);
  }

  async summary(filter: Pick<OutboxFilter, 'caseId' | 'district'> = {}): Promise<OutboxSummary> {
    await this.init();
    const where: string[] = [];
    const args: string[] = [];
    if (filter.caseId !== undefined) where.push(`case_id = $${args.push(filter.caseId)}`);
    if (filter.district !== undefined) where.push(`district = $${args.push(filter.district)}`);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [byState, open] = await Promise.all([
      this.pool.query<{ state: DeliveryState; n: string }>(`SELECT state, count(*) AS n FROM ${OUTBOX_TABLE} ${clause} GROUP BY state`, args),
      this.pool.query<{ oldest: Date | null; failing: Date | null }>(
        `SELECT min(created_at) AS oldest, min(failing_since) AS failing FROM ${OUTBOX_TABLE} ${clause ? `${clause} AND` : 'WHERE'} state IN ('pending', 'failing')`,
        args,
      ),
    ]);
    const counts = Object.fromEntries(DELIVERY_STATES.map((s) => [s, 0])) as Record<DeliveryState, number>;
    for (const r of byState.rows) counts[r.state] = Number(r.n);
    const { oldest, failing } = open.rows[0] ?? { oldest: null, failing: null };
    return { counts, ...(oldest ? { oldestUndelivered: oldest.toISOString() } : {}), ...(failing ? { failingSince: failing.toISOString() } : {}) };
  }

  close(): Promise<void> {
    return closePool(this.pool);
  }
}

const iso = (d: Date | null) => (d ? d.toISOString() : undefined);

function toRow(r: DbRow): OutboxRow {
  const open = r.state === 'pending' || r.state === 'failing';
  const deliveredAt = iso(r.delivered_at);
  const delivery: Delivery = {
    state: r.state,
    attempts: r.attempts,
    ...(deliveredAt ? { deliveredAt } : {}),
    ...(r.channel ? { channel: r.channel } : {}),
    ...(r.failing_since ? { failingSince: iso(r.failing_since) } : {}),
    ...(r.last_attempt_at ? { lastAttemptAt: iso(r.last_attempt_at) } : {}),
    ...(r.last_error ? { lastError: r.last_error } : {}),
    ...(open && r.next_attempt_at ? { nextAttemptAt: iso(r.next_attempt_at) } : {}),
    ...(r.gave_up_at ? { gaveUpAt: iso(r.gave_up_at) } : {}),
  };
  return {
    ...r.body,
    id: Number(r.id),
    key: r.key,
    createdAt: r.created_at.toISOString(),
    deliveredAt,
    channel: r.channel ?? undefined,
    attempts: r.attempts,
    lastError: r.last_error ?? undefined,
    delivery,
    retryFrom: r.retry_from.toISOString(),
  };
}
