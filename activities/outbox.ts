// The persistent notification outbox: one row per notification, unique by its idempotency key, with the row's
// delivery state. `notify` only records rows; the delivery dispatcher (activities/delivery/) claims due rows,
// posts them and records how each attempt went. This file holds the shared types, the `OutboxStore` interface
// and its SQLite implementation (the default, one file per data folder); activities/outbox-postgres.ts holds the
// PostgreSQL one (cluster mode), and activities/outbox-open.ts chooses between them from the settings.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface Notification {
  caseId: string;
  reason: string;
  /** The due date (or other discriminator) the notification is about. */
  dueKey: string;
  recipients: string[];
  clause: string;
  message: { zh: string; en: string };
  enterpriseName?: string;
  district?: string;
}

/**
 * pending: not attempted yet (or only claimed); failing: at least one attempt failed, another is scheduled;
 * delivered: a channel accepted it; failed: retries gave up (max age), kept and visible until requeued.
 */
export const DELIVERY_STATES = ['pending', 'failing', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** How a row's delivery stands; ISO instants. */
export interface Delivery {
  state: DeliveryState;
  /** Attempts made so far (failed ones and the successful one). */
  attempts: number;
  deliveredAt?: string;
  /** Where it was delivered: `webhook`, or `outbox` when no webhook is configured (the outbox is the channel). */
  channel?: string;
  /** First failed attempt of the current retry series (kept after delivery as a trace of the outage). */
  failingSince?: string;
  lastAttemptAt?: string;
  lastError?: string;
  /** When the next attempt is due (pending and failing rows only). */
  nextAttemptAt?: string;
  /** When retries gave up (failed rows only). */
  gaveUpAt?: string;
}

export interface OutboxRow extends Notification {
  id: number;
  key: string;
  createdAt: string;
  /** Same as delivery.deliveredAt / channel / attempts / lastError (kept for existing readers). */
  deliveredAt?: string;
  channel?: string;
  attempts: number;
  lastError?: string;
  delivery: Delivery;
  /** Retries count their maximum age from here: the row's creation, or its last requeue. */
  retryFrom: string;
}

export interface OutboxFilter {
  caseId?: string;
  reason?: string;
  district?: string;
  state?: DeliveryState;
  /** Rows addressed to this recipient (a role, e.g. `cityCivilAffairs`). */
  recipient?: string;
  /** Rows with id greater than this (paging; rows come in id order). */
  afterId?: number;
  limit?: number;
}

/** Case, reason and due date: the same notification is never recorded or sent twice. */
export function idempotencyKey(n: Pick<Notification, 'caseId' | 'reason' | 'dueKey'>): string {
  return `${n.caseId}|${n.reason}|${n.dueKey}`;
}

/** The outbox file of a data folder (the worker's HANDOVER_DATA_DIR, `data/` by default). */
export function outboxFile(dataDir: string): string {
  return join(dataDir, 'outbox.sqlite');
}

/** A value, or a promise of it: the SQLite outbox answers at once, the PostgreSQL one later. Callers always `await`. */
export type Awaitable<T> = T | Promise<T>;

export interface OutboxSummary {
  counts: Record<DeliveryState, number>;
  oldestUndelivered?: string;
  failingSince?: string;
}

/**
 * What `notify`, the delivery dispatcher and the client need of an outbox. Implemented by `Outbox` (SQLite,
 * synchronous: its methods return values, which `await` passes through) and `PostgresOutbox` (promises).
 * Instants are passed in (not read from the database's clock) so tests can drive a fake clock.
 */
export interface OutboxStore {
  /** Where the rows live, for logs: a file path or a database URL without its password. */
  readonly location: string;
  /** Records the notification unless its key is there already; the stored row either way. */
  record(n: Notification, now?: Date, opts?: { deliveredVia?: string }): Awaitable<{ row: OutboxRow; created: boolean }>;
  get(key: string): Awaitable<OutboxRow | undefined>;
  /** Leases up to `limit` due rows to `owner` until `now + leaseMs`; no two owners hold one row at once. */
  claimDue(owner: string, now: Date, leaseMs: number, limit: number): Awaitable<OutboxRow[]>;
  markDelivered(key: string, channel: string, now?: Date): Awaitable<boolean>;
  markFailure(key: string, owner: string, error: string, now: Date, nextAttemptAt: Date | undefined): Awaitable<boolean>;
  release(key: string, owner: string): Awaitable<void>;
  requeue(key: string, now?: Date): Awaitable<boolean>;
  list(filter?: OutboxFilter): Awaitable<OutboxRow[]>;
  summary(filter?: Pick<OutboxFilter, 'caseId' | 'district'>): Awaitable<OutboxSummary>;
  close(): Awaitable<void>;
}

const COLUMNS_ADDED: Array<[string, string]> = [
  ['state', "TEXT NOT NULL DEFAULT 'pending'"],
  ['next_attempt_at', 'TEXT'],
  ['last_attempt_at', 'TEXT'],
  ['failing_since', 'TEXT'],
  ['gave_up_at', 'TEXT'],
  ['retry_from', 'TEXT'],
  ['claimed_by', 'TEXT'],
  ['claimed_until', 'TEXT'],
];

/** The SQLite outbox (default): one file per data folder, shared by the processes that open it. */
export class Outbox implements OutboxStore {
  private readonly db: Database.Database;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS notifications (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      key TEXT NOT NULL UNIQUE,
      case_id TEXT NOT NULL,
      district TEXT,
      reason TEXT NOT NULL,
      due_key TEXT NOT NULL,
      body TEXT NOT NULL,
      created_at TEXT NOT NULL,
      delivered_at TEXT,
      channel TEXT,
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT
    );
    CREATE INDEX IF NOT EXISTS notifications_case ON notifications(case_id);`);
    this.migrate();
  }

  /** Adds the delivery columns to an outbox written before delivery had its own dispatcher. */
  private migrate(): void {
    this.db
      .transaction(() => {
        const have = new Set((this.db.prepare('PRAGMA table_info(notifications)').all() as Array<{ name: string }>).map((c) => c.name));
        const missing = COLUMNS_ADDED.filter(([name]) => !have.has(name));
        for (const [name, type] of missing) this.db.exec(`ALTER TABLE notifications ADD COLUMN ${name} ${type}`);
        if (missing.some(([name]) => name === 'state')) {
          // Rows of the old outbox: delivered ones stay delivered, the rest are due now.
          this.db.exec(`UPDATE notifications SET state = 'delivered' WHERE delivered_at IS NOT NULL;
            UPDATE notifications SET next_attempt_at = created_at, retry_from = created_at WHERE delivered_at IS NULL;`);
        }
        this.db.exec('CREATE INDEX IF NOT EXISTS notifications_due ON notifications(state, next_attempt_at)');
      })
      .immediate();
  }

  /**
   * Records the notification unless its key is already there; returns the stored row either way.
   * With `deliveredVia`, a new row is recorded as delivered on that channel (no webhook: the outbox is the channel).
   */
  record(n: Notification, now = new Date(), opts: { deliveredVia?: string } = {}): { row: OutboxRow; created: boolean } {
    const key = idempotencyKey(n);
    const at = now.toISOString();
    const delivered = opts.deliveredVia !== undefined;
    const info = this.db
      .prepare(
        `INSERT OR IGNORE INTO notifications (key, case_id, district, reason, due_key, body, created_at, state, next_attempt_at, retry_from, delivered_at, channel)
         VALUES (@key, @caseId, @district, @reason, @dueKey, @body, @at, @state, @next, @at, @deliveredAt, @channel)`,
      )
      .run({
        key,
        caseId: n.caseId,
        district: n.district ?? null,
        reason: n.reason,
        dueKey: n.dueKey,
        body: JSON.stringify(n),
        at,
        state: delivered ? 'delivered' : 'pending',
        next: delivered ? null : at,
        deliveredAt: delivered ? at : null,
        channel: opts.deliveredVia ?? null,
      });
    return { row: this.get(key)!, created: info.changes === 1 };
  }

  get(key: string): OutboxRow | undefined {
    const r = this.db.prepare('SELECT * FROM notifications WHERE key = ?').get(key) as DbRow | undefined;
    return r && toRow(r);
  }

  /**
   * Claims up to `limit` rows due for an attempt for `owner` until `now + leaseMs`, atomically across every
   * process sharing the file (one write transaction): no two dispatchers hold the same row at once.
   */
  claimDue(owner: string, now: Date, leaseMs: number, limit: number): OutboxRow[] {
    const at = now.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    return this.db
      .transaction(() => {
        const rows = this.db
          .prepare(
            `SELECT * FROM notifications WHERE state IN ('pending', 'failing') AND next_attempt_at <= ?
               AND (claimed_until IS NULL OR claimed_until <= ?) ORDER BY next_attempt_at, id LIMIT ?`,
          )
          .all(at, at, limit) as DbRow[];
        const claim = this.db.prepare('UPDATE notifications SET claimed_by = ?, claimed_until = ? WHERE id = ?');
        for (const r of rows) claim.run(owner, until, r.id);
        return rows.map((r) => toRow({ ...r, claimed_by: owner, claimed_until: until }));
      })
      .immediate();
  }

  /** A channel accepted the row. Recorded whoever holds the claim (the post happened); a delivered row stays as it was. */
  markDelivered(key: string, channel: string, now = new Date()): boolean {
    const at = now.toISOString();
    const info = this.db
      .prepare(
        `UPDATE notifications SET state = 'delivered', delivered_at = ?, channel = ?, attempts = attempts + 1, last_attempt_at = ?,
           last_error = NULL, next_attempt_at = NULL, gave_up_at = NULL, claimed_by = NULL, claimed_until = NULL
         WHERE key = ? AND state <> 'delivered'`,
      )
      .run(at, channel, at, key);
    return info.changes === 1;
  }

  /**
   * An attempt by `owner` failed: the row is failing until `nextAttemptAt`, or failed (given up) without one.
   * Ignored when `owner` no longer holds the claim or the row was delivered meanwhile.
   */
  markFailure(key: string, owner: string, error: string, now: Date, nextAttemptAt: Date | undefined): boolean {
    const at = now.toISOString();
    const info = this.db
      .prepare(
        `UPDATE notifications SET attempts = attempts + 1, last_attempt_at = @at, last_error = @error,
           failing_since = COALESCE(failing_since, @at), state = @state, next_attempt_at = @next,
           gave_up_at = @gaveUp, claimed_by = NULL, claimed_until = NULL
         WHERE key = @key AND claimed_by = @owner AND state IN ('pending', 'failing')`,
      )
      .run({
        key,
        owner,
        at,
        error: error.slice(0, 1000),
        state: nextAttemptAt ? 'failing' : 'failed',
        next: nextAttemptAt ? nextAttemptAt.toISOString() : null,
        gaveUp: nextAttemptAt ? null : at,
      });
    return info.changes === 1;
  }

  /** Gives back a claim without an attempt (a dispatcher stopping before it posted). */
  release(key: string, owner: string): void {
    this.db.prepare('UPDATE notifications SET claimed_by = NULL, claimed_until = NULL WHERE key = ? AND claimed_by = ?').run(key, owner);
  }

  /** Puts a failed (given-up) row back in the queue, due now, with a fresh retry period. Returns false if it is not failed. */
  requeue(key: string, now = new Date()): boolean {
    const at = now.toISOString();
    const info = this.db
      .prepare(
        `UPDATE notifications SET state = 'failing', next_attempt_at = ?, retry_from = ?, gave_up_at = NULL, claimed_by = NULL, claimed_until = NULL
         WHERE key = ? AND state = 'failed'`,
      )
      .run(at, at, key);
    return info.changes === 1;
  }

  list(filter: OutboxFilter = {}): OutboxRow[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    for (const [col, value] of [['case_id', filter.caseId], ['reason', filter.reason], ['district', filter.district], ['state', filter.state]] as const) {
      if (value !== undefined) {
        where.push(`${col} = ?`);
        args.push(value);
      }
    }
    if (filter.recipient !== undefined) {
      where.push("EXISTS (SELECT 1 FROM json_each(body, '$.recipients') WHERE value = ?)");
      args.push(filter.recipient);
    }
    if (filter.afterId !== undefined) {
      where.push('id > ?');
      args.push(filter.afterId);
    }
    const limit = filter.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(filter.limit))}` : '';
    const sql = `SELECT * FROM notifications ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id${limit}`;
    return (this.db.prepare(sql).all(...args) as DbRow[]).map(toRow);
  }

  /** How many rows are in each delivery state, and the oldest row still waiting for delivery. */
  summary(filter: Pick<OutboxFilter, 'caseId' | 'district'> = {}): OutboxSummary {
    const where: string[] = [];
    const args: string[] = [];
    if (filter.caseId !== undefined) {
      where.push('case_id = ?');
      args.push(filter.caseId);
    }
    if (filter.district !== undefined) {
      where.push('district = ?');
      args.push(filter.district);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const counts = Object.fromEntries(DELIVERY_STATES.map((s) => [s, 0])) as Record<DeliveryState, number>;
    for (const r of this.db.prepare(`SELECT state, COUNT(*) AS n FROM notifications ${clause} GROUP BY state`).all(...args) as Array<{ state: DeliveryState; n: number }>) {
      counts[r.state] = r.n;
    }
    const open = this.db
      .prepare(`SELECT MIN(created_at) AS oldest, MIN(failing_since) AS failing FROM notifications ${clause ? `${clause} AND` : 'WHERE'} state IN ('pending', 'failing')`)
      .get(...args) as { oldest: string | null; failing: string | null };
    return { counts, ...(open.oldest ? { oldestUndelivered: open.oldest } : {}), ...(open.failing ? { failingSince: open.failing } : {}) };
  }

  get location(): string {
    return this.path;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

interface DbRow {
  id: number;
  key: string;
  body: string;
  created_at: string;
  delivered_at: string | null;
  channel: string | null;
  attempts: number;
  last_error: string | null;
  state: DeliveryState;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  failing_since: string | null;
  gave_up_at: string | null;
  retry_from: string | null;
  claimed_by: string | null;
  claimed_until: string | null;
}

function toRow(r: DbRow): OutboxRow {
  const open = r.state === 'pending' || r.state === 'failing';
  const delivery: Delivery = {
    state: r.state,
    attempts: r.attempts,
    ...(r.delivered_at ? { deliveredAt: r.delivered_at } : {}),
    ...(r.channel ? { channel: r.channel } : {}),
    ...(r.failing_since ? { failingSince: r.failing_since } : {}),
    ...(r.last_attempt_at ? { lastAttemptAt: r.last_attempt_at } : {}),
    ...(r.last_error ? { lastError: r.last_error } : {}),
    ...(open && r.next_attempt_at ? { nextAttemptAt: r.next_attempt_at } : {}),
    ...(r.gave_up_at ? { gaveUpAt: r.gave_up_at } : {}),
  };
  return {
    ...(JSON.parse(r.body) as Notification),
    id: r.id,
    key: r.key,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at ?? undefined,
    channel: r.channel ?? undefined,
    attempts: r.attempts,
    lastError: r.last_error ?? undefined,
    delivery,
    retryFrom: r.retry_from ?? r.created_at,
  };
}

