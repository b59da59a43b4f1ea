// The outbox and its delivery dispatcher against a real local webhook and real SQLite files: notify only records,
// each row retries on its own schedule and gives up visibly, several processes never post the same row twice.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Outbox, idempotencyKey, type Notification } from '../../activities/outbox';
import { createActivities } from '../../activities';
import { DEFAULT_DELIVERY_POLICY, DeliveryDispatcher, loadDeliveryPolicy, nextAttemptAfterFailure, retryDelayMs, type DeliveryPolicy } from '../../activities/delivery';
import { webhookChannel } from '../../activities/webhook';
import { listNotifications, notificationSummary, requeueNotification } from '../../client/notifications';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

const ROOT = resolve(__dirname, '../..');
let receiver: WebhookReceiver;
const opened: Outbox[] = [];

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  for (const o of opened) o.close();
  await receiver?.close();
});
beforeEach(() => {
  receiver.mode = 'ok';
  receiver.delayMs = 0;
});

function freshOutbox(): { outbox: Outbox; file: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'handover-outbox-')), 'outbox.sqlite');
  const outbox = new Outbox(file);
  opened.push(outbox);
  return { outbox, file };
}

let serial = 0;
function notification(over: Partial<Notification> = {}): Notification {
  serial++;
  return {
    caseId: `handover-test-${serial}`,
    reason: 'agreementEscalated',
    dueKey: '2017-10-18',
    recipients: ['cityCivilAffairs'],
    clause: '§三(三)',
    message: { zh: `协议逾期 ${serial}`, en: `agreement overdue ${serial}` },
    district: '九龙坡区',
    ...over,
  };
}

/** A dispatcher on a fake clock: the test moves time and calls runOnce. */
function fakeClockDispatcher(outbox: Outbox, policy: Partial<DeliveryPolicy> = {}) {
  const clock = { now: Date.parse('2026-01-05T08:00:00.000Z') };
  const dispatcher = new DeliveryDispatcher({
    outbox,
    channel: webhookChannel(receiver.url),
    policy,
    clock: () => clock.now,
    random: () => 0.5, // no jitter: waits are exactly the schedule
    log: () => undefined,
  });
  return { clock, dispatcher };
}

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

describe('notify only records', () => {
  it('returns at once while the webhook hangs, writes one row per key, and never posts', async () => {
    const { outbox } = freshOutbox();
    receiver.delayMs = 30_000; // a robot that would hang every post
    const acts = createActivities({ dataDir: tmpdir(), outbox, webhookUrl: receiver.url });
    const n = notification();
    const before = receiver.posts.length;
    const started = Date.now();
    const first = await acts.notify(n);
    const again = await acts.notify(n);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(first).toEqual({ key: idempotencyKey(n), status: 'recorded', delivery: 'pending' });
    expect(again).toEqual({ key: idempotencyKey(n), status: 'alreadyRecorded', delivery: 'pending' });
    expect(outbox.list({ caseId: n.caseId })).toHaveLength(1);
    expect(outbox.get(first.key)!.delivery).toMatchObject({ state: 'pending', attempts: 0 });
    expect(receiver.posts.length).toBe(before);
  });

  it('without a webhook records the row as delivered to the outbox itself', async () => {
    const { outbox } = freshOutbox();
    const acts = createActivities({ dataDir: tmpdir(), outbox });
    const r = await acts.notify(notification());
    expect(r.delivery).toBe('delivered');
    expect(outbox.get(r.key)!.delivery).toMatchObject({ state: 'delivered', channel: 'outbox' });
  });
});

describe('delivery dispatcher', () => {
  it('retries a row on its own backoff while the webhook fails for 30 minutes, shows it failing since the first failure, then delivers it once', async () => {
    const { outbox } = freshOutbox();
    const { clock, dispatcher } = fakeClockDispatcher(outbox);
    const n = notification();
    const { row } = outbox.record(n, new Date(clock.now));
    receiver.mode = 'fail';
    const firstFailure = new Date(clock.now).toISOString();
    const attemptsAt: number[] = [];
    const outageEnds = clock.now + 30 * 60_000;
    while (clock.now < outageEnds) {
      const round = await dispatcher.runOnce();
      if (round.claimed) attemptsAt.push(clock.now);
      const r = outbox.get(row.key)!;
      expect(r.delivery.state).toBe('failing');
      clock.now = Math.min(Date.parse(r.delivery.nextAttemptAt!), outageEnds);
    }
    const failing = outbox.get(row.key)!.delivery;
    expect(failing).toMatchObject({ state: 'failing', failingSince: firstFailure, attempts: attemptsAt.length, lastError: expect.stringContaining('HTTP 500') });
    // 5 s, 10 s, 20 s … then every 10 minutes
    const gaps = attemptsAt.slice(1).map((t, i) => (t - attemptsAt[i]!) / 1000);
    expect(gaps).toEqual([5, 10, 20, 40, 80, 160, 320, 600]);
    // A round before the next attempt is due claims nothing: the row waits for its own schedule.
    expect((await dispatcher.runOnce()).claimed).toBe(0);

    receiver.mode = 'ok';
    clock.now = Date.parse(failing.nextAttemptAt!);
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 0 });
    const done = outbox.get(row.key)!.delivery;
    expect(done).toMatchObject({ state: 'delivered', channel: 'webhook', attempts: attemptsAt.length + 1, failingSince: firstFailure, deliveredAt: new Date(clock.now).toISOString() });
    expect(done.nextAttemptAt).toBeUndefined();
    expect(receiver.accepted(row.key)).toHaveLength(1);
    expect(receiver.posts.filter((p) => p.key === row.key)).toHaveLength(attemptsAt.length + 1);
  });

  it('treats a robot error code as a failure, gives up at the maximum age visibly, and delivers once after a requeue', async () => {
    const { outbox } = freshOutbox();
    const { clock, dispatcher } = fakeClockDispatcher(outbox, { maxAgeMs: 3_600_000 });
    const n = notification({ district: '渝中区' });
    const { row } = outbox.record(n, new Date(clock.now));
    receiver.mode = 'robotError';
    const start = clock.now;
    let gaveUp = 0;
    for (let i = 0; i < 100 && outbox.get(row.key)!.delivery.state !== 'failed'; i++) {
      gaveUp += (await dispatcher.runOnce()).gaveUp;
      const next = outbox.get(row.key)!.delivery.nextAttemptAt;
      if (next) clock.now = Date.parse(next);
    }
    const failed = outbox.get(row.key)!;
    expect(gaveUp).toBe(1);
    expect(failed.delivery).toMatchObject({ state: 'failed', lastError: expect.stringContaining('45009'), gaveUpAt: new Date(clock.now).toISOString() });
    expect(clock.now - start).toBeGreaterThanOrEqual(3_600_000);
    expect(failed.delivery.nextAttemptAt).toBeUndefined();
    // Visible through the client functions the API uses, and no longer attempted.
    expect(listNotifications(outbox, { district: '渝中区', state: 'failed' }).items.map((i) => i.key)).toEqual([row.key]);
    expect(listNotifications(outbox, { district: '渝中区', recipient: 'cityCivilAffairs' }).items.map((i) => i.key)).toEqual([row.key]);
    expect(listNotifications(outbox, { district: '渝中区', recipient: 'enterprise' }).items).toEqual([]);
    expect(notificationSummary(outbox, { district: '渝中区' }).counts).toEqual({ pending: 0, failing: 0, delivered: 0, failed: 1 });
    clock.now += 24 * 3_600_000;
    expect((await dispatcher.runOnce()).claimed).toBe(0);

    receiver.mode = 'ok';
    expect(requeueNotification(outbox, row.key, new Date(clock.now))).toBe(true);
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
    expect(outbox.get(row.key)!.delivery.state).toBe('delivered');
    expect(outbox.requeue(row.key, new Date(clock.now))).toBe(false);
    expect(receiver.accepted(row.key)).toHaveLength(1);
  });

  it('leaves a claimed row to its holder until the lease ends, then lets another dispatcher take it', () => {
    const { outbox, file } = freshOutbox();
    const other = new Outbox(file);
    opened.push(other);
    const t = Date.parse('2026-01-05T08:00:00.000Z');
    const { row } = outbox.record(notification(), new Date(t));
    expect(outbox.claimDue('a', new Date(t), 60_000, 10).map((r) => r.key)).toEqual([row.key]);
    expect(other.claimDue('b', new Date(t + 59_000), 60_000, 10)).toEqual([]);
    // A dispatcher that lost its claim cannot record a failure over the new holder's claim.
    expect(other.claimDue('b', new Date(t + 60_000), 60_000, 10).map((r) => r.key)).toEqual([row.key]);
    expect(outbox.markFailure(row.key, 'a', 'late', new Date(t + 61_000), new Date(t + 70_000))).toBe(false);
    expect(other.markFailure(row.key, 'b', 'HTTP 500', new Date(t + 61_000), new Date(t + 70_000))).toBe(true);
    expect(outbox.get(row.key)!.delivery).toMatchObject({ state: 'failing', attempts: 1, nextAttemptAt: new Date(t + 70_000).toISOString() });
  });

  it('stops without counting an attempt when a post is cut short, so the row is retried', async () => {
    const { outbox } = freshOutbox();
    receiver.delayMs = 5_000;
    const dispatcher = new DeliveryDispatcher({ outbox, channel: webhookChannel(receiver.url), policy: { pollMs: 20 }, log: () => undefined });
    const { row } = outbox.record(notification());
    dispatcher.start();
    await waitFor(() => receiver.posts.some((p) => p.key === row.key), 5_000);
    expect(receiver.posts.filter((p) => p.key === row.key)).toHaveLength(1);
    await dispatcher.stop(100);
    expect(outbox.get(row.key)!.delivery).toMatchObject({ state: 'pending', attempts: 0 });
    receiver.delayMs = 0;
    const again = new DeliveryDispatcher({ outbox, channel: webhookChannel(receiver.url), log: () => undefined });
    expect(await again.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
  });

  it('three dispatcher processes on one outbox file post each of 300 rows exactly once', async () => {
    const { outbox, file } = freshOutbox();
    const keys = Array.from({ length: 300 }, () => outbox.record(notification()).row.key);
    receiver.delayMs = 5; // posts overlap across processes
    const before = receiver.posts.length;
    const processes = await Promise.all([0, 1, 2].map(() => startDispatcherProcess(file, receiver.url)));
    const outputs = await Promise.all(processes.map((p) => p.go()));
    const posts = receiver.posts.slice(before);
    const perKey = new Map<string, number>();
    for (const p of posts) perKey.set(p.key, (perKey.get(p.key) ?? 0) + 1);
    expect([...perKey.keys()].sort()).toEqual([...keys].sort());
    expect([...perKey.values()].every((n) => n === 1)).toBe(true);
    expect(outbox.summary().counts).toEqual({ pending: 0, failing: 0, delivered: 300, failed: 0 });
    // Each process did part of the work (the claim is shared, not won by one process for everything).
    const delivered = outputs.map((o) => Number(/done (\d+)/.exec(o)![1]));
    expect(delivered.reduce((a, b) => a + b, 0)).toBe(300);
    expect(delivered.filter((d) => d > 0).length).toBeGreaterThanOrEqual(2);
  });
});

describe('listing for the API', () => {
  it('pages through a case\'s notifications in order, each with its delivery state', () => {
    const { outbox } = freshOutbox();
    const caseId = 'handover-paged';
    const keys = ['2017-10-01', '2017-10-02', '2017-10-03', '2017-10-04', '2017-10-05'].map((dueKey) => outbox.record(notification({ caseId, dueKey })).row.key);
    outbox.record(notification()); // another case's
    const seen: string[] = [];
    let afterId: number | undefined;
    let pages = 0;
    do {
      const page = listNotifications(outbox, { caseId, limit: 2, afterId });
      for (const item of page.items) expect(item.delivery).toEqual({ state: 'pending', attempts: 0, nextAttemptAt: item.createdAt });
      seen.push(...page.items.map((i) => i.key));
      afterId = page.nextAfterId;
      pages++;
    } while (afterId !== undefined);
    expect(seen).toEqual(keys);
    expect(pages).toBe(3);
    expect(notificationSummary(outbox, { caseId })).toEqual({ counts: { pending: 5, failing: 0, delivered: 0, failed: 0 }, oldestUndelivered: expect.any(String) });
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
    const outbox = new Outbox(file);
    opened.push(outbox);
    expect(outbox.get(idempotencyKey(a))!.delivery).toMatchObject({ state: 'delivered', channel: 'webhook', attempts: 1 });
    expect(outbox.get(idempotencyKey(b))!.delivery).toMatchObject({ state: 'pending', attempts: 4, nextAttemptAt: '2026-01-02T00:00:00.000Z' });
    expect(outbox.claimDue('x', new Date('2026-01-03T00:00:00Z'), 60_000, 10).map((r) => r.key)).toEqual([idempotencyKey(b)]);
  });
});

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

/** Starts a dispatcher process; resolves once it is ready, with a `go` that lets it run and resolves with its output. */
function startDispatcherProcess(file: string, url: string): Promise<{ go(): Promise<string> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'dispatcher-process.ts'), file, url], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stderr.on('data', (c) => (out += c));
  const exited = new Promise<string>((ok, fail) => child.once('exit', (code) => (code === 0 ? ok(out) : fail(new Error(`dispatcher process exited with ${code}: ${out}`)))));
  return new Promise((ready, fail) => {
    child.stdout.on('data', (c) => {
      out += c;
      if (out.includes('ready')) ready({ go: () => (child.stdin.end('go\n'), exited) });
    });
    exited.catch(fail);
  });
}
