// Fault injection: the Temporal dev server is stopped and started again on the same database file while the cases'
// timers are due. Each timer fires once: one timer entry, one notification and one outbox row per case.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { ROOT, freePort, startDevServer, type RunningDevServer } from '../../scripts/servers/dev-server';
import { ensureSearchAttributes } from '../../client/admin/search-attributes';
import { OPENING, act } from '../helpers/handover-env';
import { PARTIES, freshCreditCode } from '../helpers/decisions';
import { eventually } from '../helpers/eventually';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';
import { caseState, caseTimeline, startCase } from '../../client/cases';
import { Outbox, outboxFile } from '../../activities/outbox';
import { shanghaiDate } from '../../machines/calendar';
import { openCaseRecordStore } from '../../activities/case-record';
import type { CaseRecordEntry } from '../../activities/case-record/store';
import { caseRecordEntries } from '../../client/case-record';

const CASES = 8; // group A; group B has half as many
const taskQueue = `fault-restart-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'handover-fault-restart-'));
const dbFile = join(dir, 'temporal.db');
const dataDir = join(dir, 'data');
let port: number;
let server: RunningDevServer | undefined;
let connection: Connection;
let client: Client;
let robot: WebhookReceiver;
const workers: WorkerProcess[] = [];

function startServer(): Promise<RunningDevServer> {
  return startDevServer({ port, dbFile, logFile: join(ROOT, 'test-artifacts', 'fault-restart-server.log') });
}

beforeAll(async () => {
  port = await freePort();
  server = await startServer();
  connection = await Connection.connect({ address: server.address });
  await ensureSearchAttributes(connection, 'default');
  client = new Client({ connection });
  robot = await startWebhookReceiver();
  workers.push(await startWorkerProcess({ address: server.address, taskQueue, dataDir, webhookUrl: robot.url, extra: { HANDOVER_DELIVERY_POLL: '100ms' } }));
}, 180_000); // a dev server start and a worker start (it bundles the workflows)

afterAll(async () => {
  for (const w of workers) await w.kill();
  await connection?.close();
  await server?.stop();
  await robot?.close();
});

describe('fault injection: the server restarted while timers are due', () => {
  it('fires each due timer exactly once', async () => {
    const monthAgo = shanghaiDate(Date.now() - 30 * 86_400_000);
    // Group A: the plan was agreed a month ago and is recorded only now, so the 10-working-day window has closed
    // and the agreement timers are due the moment the decision is applied.
    const groupA = await Promise.all(
      Array.from({ length: CASES }, async () => {
        const code = freshCreditCode();
        // No grace for a deadline found past when recorded (setting lateRecordGraceHours): it fires at once; the
        // negotiation's reminder and supervision are set beyond the month, so only the agreement window has passed.
        const handle = await startCase(client, { ...OPENING, creditCode: code, settings: { lateRecordGraceHours: 0, negotiationReminderWorkingDays: 120, negotiationEscalationWorkingDays: 120 } }, { taskQueue, registerForReports: false });
        const send = act(client, handle.workflowId, { ...PARTIES, creditCode: code });
        // Decisions are recorded in date order: the whole record is a month old.
        await send('SURVEY_SUBMITTED', 'districtCivilAffairs', monthAgo);
        await send('SURVEY_CONFIRMED', 'districtCivilAffairs', monthAgo);
        await send('WORK_PLAN_PROPOSED', 'township', monthAgo);
        return { caseId: handle.workflowId, send };
      }),
    );
    await Promise.all(groupA.map((c) => c.send('WORK_PLAN_ACCEPTED', 'enterprise', monthAgo)));
    // Freeze the worker at once, so the work of the due timers may still be under way when the server goes down.
    const worker = workers.at(-1)!;
    worker.child.kill('SIGSTOP');
    // Group B: cases whose city target date has passed, started while the worker is frozen: their timer is due
    // from the start and cannot have fired before the restart.
    const groupB = await Promise.all(
      Array.from({ length: CASES / 2 }, async () => {
        const handle = await startCase(client, { ...OPENING, creditCode: freshCreditCode(), settings: { cityTargetDate: monthAgo, lateRecordGraceHours: 0 } }, { taskQueue, registerForReports: false });
        return { caseId: handle.workflowId };
      }),
    );
    // Stop the server while those timers are due, start it again on the same file, and let the worker go on.
    const stoppedAt = Date.now();
    await server!.stop();
    server = await startServer();
    worker.child.kill('SIGCONT');

    const outbox = new Outbox(outboxFile(dataDir));
    const record = await openCaseRecordStore({ dataDir });
    /** Checks one case: each due timer fired once, each notification once (timeline, outbox, history); when notify ran. */
    const firedOnce = async (caseId: string, notification: string): Promise<number> => {
      await eventually(async () => expect((await caseState(client, caseId)).overdue).toBe(true), 60_000);
      const timeline = await caseTimeline(client, caseId);
      const timers = timeline.filter((e) => e.kind === 'timer').map((e) => e.type);
      expect(timers.length).toBeGreaterThan(0);
      expect(new Set(timers).size).toBe(timers.length);
      expect(timeline.filter((e) => e.kind === 'notification').map((n) => n.type)).toEqual([notification]);
      await eventually(() => expect(outbox.list({ caseId }).map((r) => r.reason)).toEqual([notification]), 10_000);
      // The worker's delivery dispatcher posted it to the robot once.
      const [row] = await eventually(() => {
        const rows = outbox.list({ caseId });
        expect(rows[0]!.delivery).toMatchObject({ state: 'delivered', channel: 'webhook', attempts: 1 });
        return rows;
      }, 10_000);
      expect(robot.posts.filter((p) => p.key === row!.key)).toHaveLength(1);
      // The permanent record agrees: the same timers and the one notification, each entered once.
      await eventually(async () => {
        const entries: CaseRecordEntry[] = [];
        for await (const e of caseRecordEntries(record, caseId)) entries.push(e);
        expect(entries.filter((e) => e.kind === 'timer').map((e) => e.type)).toEqual(timers);
        expect(entries.filter((e) => e.kind === 'notification').map((e) => e.type)).toEqual([notification]);
      }, 20_000);
      // One notify activity in the history: no timer fired again on replay after the restart.
      const events = (await client.workflow.getHandle(caseId).fetchHistory()).events ?? [];
      const notifies = events.filter(
        (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && e.activityTaskScheduledEventAttributes?.activityType?.name === 'notify',
      );
      expect(notifies).toHaveLength(1);
      return Number(notifies[0]!.eventTime!.seconds) * 1000 + Math.floor((notifies[0]!.eventTime!.nanos ?? 0) / 1e6);
    };
    try {
      for (const { caseId } of groupA) {
        await firedOnce(caseId, 'agreementEscalated');
        const timeline = await caseTimeline(client, caseId);
        // Both agreement timers were due: the reminder (too late to remind, so silent) and the deadline.
        expect(timeline.filter((e) => e.kind === 'timer').map((e) => e.type)).toEqual(['agreementReminder', 'agreementDeadline']);
      }
      for (const { caseId } of groupB) {
        // No event can be written while the server is down: these timers fired after the restart.
        expect(await firedOnce(caseId, 'cityTargetMissed')).toBeGreaterThanOrEqual(stoppedAt);
      }
    } finally {
      outbox.close();
      await record.close();
    }
  }, 240_000); // a server restart and twelve cases' work: generous for a loaded machine
});
