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
import { caseState, caseTimeline, startCase } from '../../client/cases';
import { Outbox, outboxFile } from '../../activities/outbox';
import { shanghaiDate } from '../../machines/calendar';

const CASES = 8;
const taskQueue = `fault-restart-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'handover-fault-restart-'));
const dbFile = join(dir, 'temporal.db');
const dataDir = join(dir, 'data');
let port: number;
let server: RunningDevServer | undefined;
let connection: Connection;
let client: Client;
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
  workers.push(await startWorkerProcess({ address: server.address, taskQueue, dataDir }));
});

afterAll(async () => {
  for (const w of workers) await w.kill();
  await connection?.close();
  await server?.stop();
});

describe('fault injection: the server restarted while timers are due', () => {
  it('fires each due timer exactly once', async () => {
    const today = shanghaiDate(Date.now());
    // The plan was agreed 30 days ago and recorded only now: the 10-working-day window has closed, so each
    // case's escalation timer is due the moment the decision is applied.
    const agreedOn = shanghaiDate(Date.now() - 30 * 86_400_000);
    const cases = await Promise.all(
      Array.from({ length: CASES }, async () => {
        const code = freshCreditCode();
        const handle = await startCase(client, { ...OPENING, creditCode: code }, { taskQueue, registerForReports: false });
        const send = act(client, handle.workflowId, { ...PARTIES, creditCode: code });
        await send('SURVEY_SUBMITTED', 'districtCivilAffairs', today);
        await send('SURVEY_CONFIRMED', 'districtCivilAffairs', today);
        await send('WORK_PLAN_PROPOSED', 'township', today);
        return { caseId: handle.workflowId, send };
      }),
    );
    await Promise.all(cases.map((c) => c.send('WORK_PLAN_ACCEPTED', 'enterprise', agreedOn)));

    // Stop the server while those timers are due (their firing, the notify activities, the workflow tasks in flight)…
    await server!.stop();
    await new Promise((r) => setTimeout(r, 1_000));
    // …and start it again on the same file.
    server = await startServer();
    // The worker rides out the outage on its own; if it gave up, a replacement takes over.
    if (workers.at(-1)!.child.exitCode !== null) workers.push(await startWorkerProcess({ address: server.address, taskQueue, dataDir }));

    const outbox = new Outbox(outboxFile(dataDir));
    try {
      for (const { caseId } of cases) {
        await eventually(async () => expect((await caseState(client, caseId)).overdue).toBe(true), 60_000);
        const timeline = await caseTimeline(client, caseId);
        const timers = timeline.filter((e) => e.kind === 'timer');
        const notifications = timeline.filter((e) => e.kind === 'notification');
        expect(timers).toHaveLength(1);
        expect(notifications.map((n) => n.type)).toEqual(['agreementEscalated']);
        await eventually(() => expect(outbox.list({ caseId }).map((r) => r.reason)).toEqual(['agreementEscalated']), 10_000);
        // One notify activity in the history: the timer did not fire again on replay after the restart.
        const events = (await client.workflow.getHandle(caseId).fetchHistory()).events ?? [];
        const scheduled = events.filter((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
        expect(scheduled.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'notify')).toHaveLength(1);
      }
    } finally {
      outbox.close();
    }
  });
});
