// Fault injection: the group-robot webhook answers HTTP 500 while a case's deadlines come and go. Timers fire at their
// instants, every notification is in the outbox at once and shows it is failing, and each is delivered exactly once
// when the robot recovers. The case's clock is the time-skipping server's (days pass in seconds); delivery retries
// run on the wall clock with a short schedule.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { timeSkippingEnv } from '../helpers/servers';
import { OPENING, act, startCase, startHarness, today, type CaseHarness } from '../helpers/handover-env';
import { PARTIES } from '../helpers/decisions';
import { eventually } from '../helpers/eventually';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';
import { addWorkingDays, deadlineOf } from '../../machines/calendar';
import { caseTimeline } from '../../client/cases';
import { listNotifications } from '../../client/notifications';

let env: TestWorkflowEnvironment;
let h: CaseHarness;
let robot: WebhookReceiver;

beforeAll(async () => {
  robot = await startWebhookReceiver();
  robot.mode = 'fail';
  env = await timeSkippingEnv();
  h = await startHarness({
    client: env.client,
    connection: env.nativeConnection,
    taskQueue: 'fault-webhook',
    webhookUrl: robot.url,
    delivery: { firstRetryMs: 200, maxIntervalMs: 1_000, pollMs: 50 },
  });
});

afterAll(async () => {
  await h?.stop();
  await env?.teardown();
  await robot?.close();
});

async function sleepUntil(instant: string, offsetMs: number) {
  const ms = Date.parse(instant) + offsetMs - (await env.currentTimeMs());
  expect(ms).toBeGreaterThan(0);
  await env.sleep(ms);
}

describe('fault injection: the webhook fails while deadlines are due', () => {
  it('fires the reminder and the escalation on time, records every notification at once, and delivers each once after the robot recovers', async () => {
    const code = '91500000202812345P';
    const parties = { ...PARTIES, creditCode: code };
    const handle = await startCase(env.client, { ...OPENING, creditCode: code }, { taskQueue: h.taskQueue });
    const caseId = handle.workflowId;
    const send = act(env.client, caseId, parties);
    const t = await today(env);
    await send('SURVEY_SUBMITTED', 'districtCivilAffairs', t);
    await send('SURVEY_CONFIRMED', 'districtCivilAffairs', t);
    await send('WORK_PLAN_PROPOSED', 'township', t);
    await send('WORK_PLAN_ACCEPTED', 'enterprise', t);

    // A notification while the robot is down: recorded at once, and failing on its own schedule.
    await send('MAJOR_PROBLEM_REPORTED', 'enterprise', t, { summary: '设施安全隐患' });
    const [problem] = await eventually(() => {
      const rows = h.outbox.list({ caseId, reason: 'majorProblemReported' });
      expect(rows).toHaveLength(1);
      return rows;
    }, 5_000);
    const failing = await eventually(() => {
      const d = h.outbox.get(problem!.key)!.delivery;
      expect(d).toMatchObject({ state: 'failing', lastError: expect.stringContaining('HTTP 500') });
      expect(d.attempts).toBeGreaterThanOrEqual(2);
      return d;
    }, 5_000);
    expect(failing.failingSince).toBeDefined();
    expect(failing.nextAttemptAt).toBeDefined();

    // Days pass on the case's clock while the robot keeps failing: each timer fires at its instant.
    const reminderAt = deadlineOf(addWorkingDays(t, 7).due);
    const escalationAt = addWorkingDays(t, 10).deadline;
    await sleepUntil(reminderAt, 1_000);
    await eventually(() => expect(h.outbox.list({ caseId, reason: 'agreementReminder' })).toHaveLength(1), 5_000);
    await sleepUntil(escalationAt, 1_000);
    await eventually(() => expect(h.outbox.list({ caseId, reason: 'agreementEscalated' })).toHaveLength(1), 5_000);

    const timers = (await caseTimeline(env.client, caseId)).filter((e) => e.kind === 'timer');
    const fired = (type: string) => timers.filter((e) => e.type === type);
    expect(fired('agreementReminder')).toHaveLength(1);
    expect(fired('agreementDeadline').length + fired('agreementEscalated').length).toBe(1);
    for (const [entry, due] of [
      [fired('agreementReminder')[0]!, reminderAt],
      [(fired('agreementDeadline')[0] ?? fired('agreementEscalated')[0])!, escalationAt],
    ] as const) {
      // On time: within a second of the instant, although every post so far was refused.
      expect(Date.parse(entry.at) - Date.parse(due)).toBeGreaterThanOrEqual(0);
      expect(Date.parse(entry.at) - Date.parse(due)).toBeLessThan(1_000);
    }
    const rows = (await listNotifications(h.outbox, { caseId })).items;
    expect(rows.map((r) => r.reason).sort()).toEqual(['agreementEscalated', 'agreementReminder', 'majorProblemReported']);
    expect(robot.accepted()).toHaveLength(0);
    // Every row has been tried and is failing; the API's listing shows since when.
    await eventually(async () => {
      for (const r of (await listNotifications(h.outbox, { caseId })).items) expect(r.delivery).toMatchObject({ state: 'failing', failingSince: expect.any(String) });
    }, 5_000);
    expect(h.outbox.get(problem!.key)!.delivery.failingSince).toBe(failing.failingSince);

    // The robot recovers: each row is delivered exactly once, and nothing is posted again afterwards.
    robot.mode = 'ok';
    await eventually(async () => {
      for (const r of (await listNotifications(h.outbox, { caseId })).items) expect(r.delivery).toMatchObject({ state: 'delivered', channel: 'webhook' });
    }, 10_000);
    const postsAfterRecovery = robot.posts.length;
    await new Promise((r) => setTimeout(r, 1_500)); // longer than the retry cap: a second post would show
    expect(robot.posts.length).toBe(postsAfterRecovery);
    for (const r of rows) {
      expect(robot.accepted(r.key)).toHaveLength(1);
      const refused = robot.posts.filter((p) => p.key === r.key && p.status === 500).length;
      expect(h.outbox.get(r.key)!.delivery.attempts).toBe(refused + 1);
    }
    expect(JSON.parse(robot.accepted(problem!.key)[0]!.body)).toMatchObject({ msgtype: 'text', text: { content: expect.stringContaining('设施安全隐患') } });
  });
});
