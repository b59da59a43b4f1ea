// The outbox and its delivery dispatcher on SQLite (the default) against a real local webhook and real SQLite files:
// the shared behaviours (test/activities/outbox-behaviours.ts, also run on PostgreSQL by outbox-postgres.test.ts),
// the retry schedule, and an outbox file of an earlier version.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Outbox, idempotencyKey } from '../../activities/outbox';
import { DEFAULT_DELIVERY_POLICY, loadDeliveryPolicy, nextAttemptAfterFailure, retryDelayMs } from '../../activities/delivery';
import { describeOutboxBehaviours, notification } from './outbox-behaviours';

const opened: Outbox[] = [];
afterAll(() => {
  for (const o of opened) o.close();
});

function open(file: string): Outbox {
  const outbox = new Outbox(file);
  opened.push(outbox);
  return outbox;
}

describe('SQLite outbox', () => {
  describeOutboxBehaviours(() => ({
    async fresh() {
      const location = join(mkdtempSync(join(tmpdir(), 'handover-outbox-')), 'outbox.sqlite');
      return { outbox: new Outbox(location), location };
    },
    reopen: (location) => new Outbox(location),
  }));
});

describe('retry schedule', () => {
  it('doubles from the first wait up to the cap, and gives up at the maximum age', () => {
    const p = DEFAULT_DELIVERY_POLICY;
    const waits = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => retryDelayMs(n, p));
    expect(waits).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 600_000, 600_000]);
    expect(retryDelayMs(10_000, p)).toBe(600_000);
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    expect(nextAttemptAfterFailure(3, t0, t0 + 60_000, p, () => 0.5)).toBe(t0 + 60_000 + 20_000);
    // ±10 % jitter at the extremes of `random`
    expect(nextAttemptAfterFailure(3, t0, t0, p, () => 0)).toBe(t0 + 18_000);
    expect(nextAttemptAfterFailure(3, t0, t0, p, () => 0.999999)).toBeGreaterThan(t0 + 21_999);
    expect(nextAttemptAfterFailure(50, t0, t0 + p.maxAgeMs - 1, p, () => 0.5)).toBe(t0 + p.maxAgeMs - 1 + 600_000);
    expect(nextAttemptAfterFailure(50, t0, t0 + p.maxAgeMs, p, () => 0.5)).toBeUndefined();
  });

  it('reads its settings from the environment and refuses a bad one, naming the variable', () => {
    const p = loadDeliveryPolicy({ HANDOVER_DELIVERY_FIRST_RETRY: '2s', HANDOVER_DELIVERY_MAX_INTERVAL: '1m', HANDOVER_DELIVERY_MAX_AGE: '48h', HANDOVER_DELIVERY_POLL: '250ms' });
    expect(p).toMatchObject({ firstRetryMs: 2_000, maxIntervalMs: 60_000, maxAgeMs: 48 * 3_600_000, pollMs: 250 });
    expect(() => loadDeliveryPolicy({ HANDOVER_DELIVERY_MAX_AGE: 'forever' })).toThrow(/HANDOVER_DELIVERY_MAX_AGE/);
    expect(() => loadDeliveryPolicy({ HANDOVER_DELIVERY_FIRST_RETRY: '0s' })).toThrow(/HANDOVER_DELIVERY_FIRST_RETRY/);
    expect(() => loadDeliveryPolicy({ HANDOVER_DELIVERY_FIRST_RETRY: '20m' })).toThrow(/HANDOVER_DELIVERY_MAX_INTERVAL/);
  });
});

describe('outbox file of an earlier version', () => {
  it('keeps delivered rows delivered and queues the undelivered ones', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'handover-outbox-old-')), 'outbox.sqlite');
    const db = new Database(file);
    db.exec(`CREATE TABLE notifications (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, case_id TEXT NOT NULL, district TEXT,
      reason TEXT NOT NULL, due_key TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL, delivered_at TEXT, channel TEXT,
      attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT)`);
    const insert = db.prepare('INSERT INTO notifications (key, case_id, reason, due_key, body, created_at, delivered_at, channel, attempts, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const a = notification();
    const b = notification();
    insert.run(idempotencyKey(a), a.caseId, a.reason, a.dueKey, JSON.stringify(a), '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', 'webhook', 1, null);
    insert.run(idempotencyKey(b), b.caseId, b.reason, b.dueKey, JSON.stringify(b), '2026-01-02T00:00:00.000Z', null, null, 4, 'webhook answered HTTP 502');
    db.close();
    const outbox = open(file);
    expect(outbox.get(idempotencyKey(a))!.delivery).toMatchObject({ state: 'delivered', channel: 'webhook', attempts: 1 });
    expect(outbox.get(idempotencyKey(b))!.delivery).toMatchObject({ state: 'pending', attempts: 4, nextAttemptAt: '2026-01-02T00:00:00.000Z' });
    expect(outbox.claimDue('x', new Date('2026-01-03T00:00:00Z'), 60_000, 10).map((r) => r.key)).toEqual([idempotencyKey(b)]);
  });
});
