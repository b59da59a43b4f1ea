// The persistent notification outbox: one SQLite row per notification, unique by its idempotency key.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

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

export interface OutboxRow extends Notification {
  id: number;
  key: string;
  createdAt: string;
  deliveredAt?: string;
  channel?: string;
  attempts: number;
  lastError?: string;
}

/** Case, reason and due date: the same notification is never recorded or sent twice. */
export function idempotencyKey(n: Pick<Notification, 'caseId' | 'reason' | 'dueKey'>): string {
  return `${n.caseId}|${n.reason}|${n.dueKey}`;
}

export class Outbox {
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
  }

  /** Records the notification unless its key is already there; returns the stored row either way. */
  record(n: Notification, now = new Date()): { row: OutboxRow; created: boolean } {
    const key = idempotencyKey(n);
    const info = this.db
      .prepare('INSERT OR IGNORE INTO notifications (key, case_id, district, reason, due_key, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(key, n.caseId, n.district ?? null, n.reason, n.dueKey, JSON.stringify(n), now.toISOString());
    return { row: this.get(key)!, created: info.changes === 1 };
  }

  get(key: string): OutboxRow | undefined {
    const r = this.db.prepare('SELECT * FROM notifications WHERE key = ?').get(key) as DbRow | undefined;
    return r && toRow(r);
  }

  markAttempt(key: string, error?: string): void {
    this.db.prepare('UPDATE notifications SET attempts = attempts + 1, last_error = ? WHERE key = ?').run(error ?? null, key);
  }

  markDelivered(key: string, channel: string, now = new Date()): void {
    this.db.prepare('UPDATE notifications SET delivered_at = ?, channel = ?, last_error = NULL WHERE key = ? AND delivered_at IS NULL').run(now.toISOString(), channel, key);
  }

  list(filter: { caseId?: string; reason?: string; district?: string } = {}): OutboxRow[] {
    const where: string[] = [];
    const args: string[] = [];
    for (const [col, value] of [['case_id', filter.caseId], ['reason', filter.reason], ['district', filter.district]] as const) {
      if (value !== undefined) {
        where.push(`${col} = ?`);
        args.push(value);
      }
    }
    const sql = `SELECT * FROM notifications ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
    return (this.db.prepare(sql).all(...args) as DbRow[]).map(toRow);
  }

  close(): void {
    this.db.close();
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
}

function toRow(r: DbRow): OutboxRow {
  return {
    ...(JSON.parse(r.body) as Notification),
    id: r.id,
    key: r.key,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at ?? undefined,
    channel: r.channel ?? undefined,
    attempts: r.attempts,
    lastError: r.last_error ?? undefined,
  };
}
