// The outbox's behaviours, run against each implementation (SQLite in delivery.test.ts, PostgreSQL in
// outbox-postgres.test.ts) with a real local webhook: notify only records, one row per key, each row retries on its
// own schedule and gives up visibly, requeue, leases, and several dispatcher processes never post one row twice.
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { idempotencyKey, type Notification, type OutboxStore } from '../../activities/outbox';
import { createActivities } from '../../activities';
import { DeliveryDispatcher, type DeliveryPolicy } from '../../activities/delivery';
import { webhookChannel } from '../../activities/webhook';
import { listNotifications, notificationSummary, requeueNotification } from '../../client/notifications';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

const ROOT = resolve(__dirname, '../..');

export interface OutboxBackend {
  /** A new, empty outbox; `location` is what dispatcher-process.ts opens (file path or database URL). */
  fresh(): Promise<{ outbox: OutboxStore; location: string }>;
  /** Another handle on the same storage (another process's view of it). */
  reopen(location: string): OutboxStore;
}

let serial = 0;
export function notification(over: Partial<Notification> = {}): Notification {
  serial++;
  return {
    caseId: `handover-test-${process.pid}-${serial}`,
    reason: 'agreementEscalated',
    dueKey: '2017-10-18',
    recipients: ['cityCivilAffairs'],
    clause: '§三(三)',
    message: { zh: `协议逾期 ${serial}`, en: `agreement overdue ${serial}` },
    district: '九龙坡区',
    ...over,
  };
}

/** Registers the shared tests; `backend()` is read when each test runs (after the caller's beforeAll). */
export function describeOutboxBehaviours(backend: () => OutboxBackend): void {
  let receiver: WebhookReceiver;
  const opened: OutboxStore[] = [];

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    for (const o of opened) await o.close();
    await receiver?.close();
  });
  beforeEach(() => {
    receiver.mode = 'ok';
    receiver.delayMs = 0;
  });

  async function fresh(): Promise<{ outbox: OutboxStore; location: string }> {
    const f = await backend().fresh();
    opened.push(f.outbox);
    return f;
  }
  function reopen(location: string): OutboxStore {
    const o = backend().reopen(location);
    opened.push(o);
    return o;
  }
  const delivery = async (outbox: OutboxStore, key: string) => (await outbox.get(key))!.delivery;

  /** A dispatcher on a fake clock: the test moves time and calls runOnce. */
  function fakeClockDispatcher(outbox: OutboxStore, policy: Partial<DeliveryPolicy> = {}) {
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

  describe('notify only records', () => {
    it('returns at once while the webhook hangs, writes one row per key, and never posts', async () => {
      const { outbox } = await fresh();
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
      expect(await outbox.list({ caseId: n.caseId })).toHaveLength(1);
      expect(await delivery(outbox, first.key)).toMatchObject({ state: 'pending', attempts: 0 });
      expect(receiver.posts.length).toBe(before);
    });

    it('without a webhook records the row as delivered to the outbox itself', async () => {
      const { outbox } = await fresh();
      const acts = createActivities({ dataDir: tmpdir(), outbox });
      const r = await acts.notify(notification());
      expect(r.delivery).toBe('delivered');
      expect(await delivery(outbox, r.key)).toMatchObject({ state: 'delivered', channel: 'outbox' });
    });

    it('records a notification once when two handles (two workers) record it at the same time, and reads it back as written', async () => {
      const { outbox, location } = await fresh();
      const other = reopen(location);
      const n = notification({ enterpriseName: '重庆某某集团有限公司', recipients: ['cityCivilAffairs', 'parentGroup'] });
      const at = new Date('2026-01-05T08:00:00.123Z');
      const results = await Promise.all([outbox.record(n, at), other.record(n, at), outbox.record(n, at), other.record(n, at)]);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.row.id)).size).toBe(1);
      const row = (await other.get(idempotencyKey(n)))!;
      expect(row).toEqual(results[0]!.row);
      expect(row).toMatchObject({ ...n, key: idempotencyKey(n), createdAt: at.toISOString(), retryFrom: at.toISOString(), attempts: 0 });
      expect(row.delivery).toEqual({ state: 'pending', attempts: 0, nextAttemptAt: at.toISOString() });
      expect(await outbox.list({ caseId: n.caseId })).toHaveLength(1);
    });
  });

  describe('delivery dispatcher', () => {
    it('retries a row on its own backoff while the webhook fails for 30 minutes, shows it failing since the first failure, then delivers it once', async () => {
      const { outbox } = await fresh();
      const { clock, dispatcher } = fakeClockDispatcher(outbox);
      const n = notification();
      const { row } = await outbox.record(n, new Date(clock.now));
      receiver.mode = 'fail';
      const firstFailure = new Date(clock.now).toISOString();
      const attemptsAt: number[] = [];
      const outageEnds = clock.now + 30 * 60_000;
      while (clock.now < outageEnds) {
        const round = await dispatcher.runOnce();
        if (round.claimed) attemptsAt.push(clock.now);
        const d = await delivery(outbox, row.key);
        expect(d.state).toBe('failing');
        clock.now = Math.min(Date.parse(d.nextAttemptAt!), outageEnds);
      }
      const failing = await delivery(outbox, row.key);
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
      const done = await delivery(outbox, row.key);
      expect(done).toMatchObject({ state: 'delivered', channel: 'webhook', attempts: attemptsAt.length + 1, failingSince: firstFailure, deliveredAt: new Date(clock.now).toISOString() });
      expect(done.nextAttemptAt).toBeUndefined();
      expect(receiver.accepted(row.key)).toHaveLength(1);
      expect(receiver.posts.filter((p) => p.key === row.key)).toHaveLength(attemptsAt.length + 1);
    });

    it('treats a robot error code as a failure, gives up at the maximum age visibly, and delivers once after a requeue', async () => {
      const { outbox } = await fresh();
      const { clock, dispatcher } = fakeClockDispatcher(outbox, { maxAgeMs: 3_600_000 });
      const n = notification({ district: '渝中区' });
      const { row } = await outbox.record(n, new Date(clock.now));
      receiver.mode = 'robotError';
      const start = clock.now;
      let gaveUp = 0;
      for (let i = 0; i < 100 && (await delivery(outbox, row.key)).state !== 'failed'; i++) {
        gaveUp += (await dispatcher.runOnce()).gaveUp;
        const next = (await delivery(outbox, row.key)).nextAttemptAt;
        if (next) clock.now = Date.parse(next);
      }
      const failed = await delivery(outbox, row.key);
      expect(gaveUp).toBe(1);
      expect(failed).toMatchObject({ state: 'failed', lastError: expect.stringContaining('45009'), gaveUpAt: new Date(clock.now).toISOString() });
      expect(clock.now - start).toBeGreaterThanOrEqual(3_600_000);
      expect(failed.nextAttemptAt).toBeUndefined();
      // Visible through the client functions the API uses, and no longer attempted.
      expect((await listNotifications(outbox, { district: '渝中区', state: 'failed' })).items.map((i) => i.key)).toEqual([row.key]);
      expect((await listNotifications(outbox, { district: '渝中区', recipient: 'cityCivilAffairs' })).items.map((i) => i.key)).toEqual([row.key]);
      expect((await listNotifications(outbox, { district: '渝中区', recipient: 'enterprise' })).items).toEqual([]);
      expect((await notificationSummary(outbox, { district: '渝中区' })).counts).toEqual({ pending: 0, failing: 0, delivered: 0, failed: 1 });
      clock.now += 24 * 3_600_000;
      expect((await dispatcher.runOnce()).claimed).toBe(0);

      receiver.mode = 'ok';
      expect(await requeueNotification(outbox, row.key, new Date(clock.now))).toBe(true);
      expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
      expect((await delivery(outbox, row.key)).state).toBe('delivered');
      expect(await outbox.requeue(row.key, new Date(clock.now))).toBe(false);
      expect(receiver.accepted(row.key)).toHaveLength(1);
    });

    it('leaves a claimed row to its holder until the lease ends, then lets another dispatcher take it', async () => {
      const { outbox, location } = await fresh();
      const other = reopen(location);
      const t = Date.parse('2026-01-05T08:00:00.000Z');
      const { row } = await outbox.record(notification(), new Date(t));
      expect((await outbox.claimDue('a', new Date(t), 60_000, 10)).map((r) => r.key)).toEqual([row.key]);
      expect(await other.claimDue('b', new Date(t + 59_000), 60_000, 10)).toEqual([]);
      // A dispatcher that lost its claim cannot record a failure over the new holder's claim.
      expect((await other.claimDue('b', new Date(t + 60_000), 60_000, 10)).map((r) => r.key)).toEqual([row.key]);
      expect(await outbox.markFailure(row.key, 'a', 'late', new Date(t + 61_000), new Date(t + 70_000))).toBe(false);
      expect(await other.markFailure(row.key, 'b', 'HTTP 500', new Date(t + 61_000), new Date(t + 70_000))).toBe(true);
      expect(await delivery(outbox, row.key)).toMatchObject({ state: 'failing', attempts: 1, nextAttemptAt: new Date(t + 70_000).toISOString() });
    });

    it('stops without counting an attempt when a post is cut short, so the row is retried', async () => {
      const { outbox } = await fresh();
      receiver.delayMs = 5_000;
      const dispatcher = new DeliveryDispatcher({ outbox, channel: webhookChannel(receiver.url), policy: { pollMs: 20 }, log: () => undefined });
      const { row } = await outbox.record(notification());
      dispatcher.start();
      await waitFor(() => receiver.posts.some((p) => p.key === row.key), 5_000);
      expect(receiver.posts.filter((p) => p.key === row.key)).toHaveLength(1);
      await dispatcher.stop(100);
      expect(await delivery(outbox, row.key)).toMatchObject({ state: 'pending', attempts: 0 });
      receiver.delayMs = 0;
      const again = new DeliveryDispatcher({ outbox, channel: webhookChannel(receiver.url), log: () => undefined });
      expect(await again.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
    });

    it('three dispatcher processes on one outbox post each of 300 rows exactly once', async () => {
      const { outbox, location } = await fresh();
      const keys: string[] = [];
      for (let i = 0; i < 300; i++) keys.push((await outbox.record(notification())).row.key);
      receiver.delayMs = 5; // posts overlap across processes
      const before = receiver.posts.length;
      const processes = await Promise.all([0, 1, 2].map(() => startDispatcherProcess(location, receiver.url)));
      const outputs = await Promise.all(processes.map((p) => p.go()));
      const posts = receiver.posts.slice(before);
      const perKey = new Map<string, number>();
      for (const p of posts) perKey.set(p.key, (perKey.get(p.key) ?? 0) + 1);
      expect([...perKey.keys()].sort()).toEqual([...keys].sort());
      expect([...perKey.values()].every((n) => n === 1)).toBe(true);
      expect((await outbox.summary()).counts).toEqual({ pending: 0, failing: 0, delivered: 300, failed: 0 });
      // Each process did part of the work (the claim is shared, not won by one process for everything).
      const delivered = outputs.map((o) => Number(/done (\d+)/.exec(o)![1]));
      expect(delivered.reduce((a, b) => a + b, 0)).toBe(300);
      expect(delivered.filter((d) => d > 0).length).toBeGreaterThanOrEqual(2);
    }, 60_000);
  });

  describe('listing for the API', () => {
    it("pages through a case's notifications in order, each with its delivery state", async () => {
      const { outbox } = await fresh();
      const caseId = `handover-paged-${process.pid}-${serial}`;
      const keys: string[] = [];
      for (const dueKey of ['2017-10-01', '2017-10-02', '2017-10-03', '2017-10-04', '2017-10-05']) keys.push((await outbox.record(notification({ caseId, dueKey }))).row.key);
      await outbox.record(notification()); // another case's
      const seen: string[] = [];
      let afterId: number | undefined;
      let pages = 0;
      do {
        const page = await listNotifications(outbox, { caseId, limit: 2, afterId });
        for (const item of page.items) expect(item.delivery).toEqual({ state: 'pending', attempts: 0, nextAttemptAt: item.createdAt });
        seen.push(...page.items.map((i) => i.key));
        afterId = page.nextAfterId;
        pages++;
      } while (afterId !== undefined);
      expect(seen).toEqual(keys);
      expect(pages).toBe(3);
      expect(await notificationSummary(outbox, { caseId })).toEqual({ counts: { pending: 5, failing: 0, delivered: 0, failed: 0 }, oldestUndelivered: expect.any(String) });
    });
  });
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

/** Starts a dispatcher process; resolves once it is ready, with a `go` that lets it run and resolves with its output. */
function startDispatcherProcess(location: string, url: string): Promise<{ go(): Promise<string> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'dispatcher-process.ts'), location, url], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
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
