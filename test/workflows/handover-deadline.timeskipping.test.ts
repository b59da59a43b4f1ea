// §三(三) on the real time-skipping server: reminder, escalation at the exact instant, in-time signing, late records.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { timeSkippingEnv } from '../helpers/servers';
import { OPENING, act, startCase, startHarness, today, type CaseHarness } from '../helpers/handover-env';
import { PARTIES } from '../helpers/decisions';
import { eventually } from '../helpers/eventually';
import { addWorkingDays, deadlineOf } from '../../machines/calendar';
import { caseState } from '../../client/cases';
import { recordHistory } from '../helpers/histories';

let env: TestWorkflowEnvironment;
let h: CaseHarness;

beforeAll(async () => {
  env = await timeSkippingEnv();
  h = await startHarness({ client: env.client, connection: env.nativeConnection, taskQueue: 'deadline' });
});

afterAll(async () => {
  await h?.stop();
  await env?.teardown();
});

const CODES = ['91500000202812345P', '91500107203130321Q', '915000000000000005'];

/** Opens a case and brings it to an agreed plan dated `agreedOn` (default: today). */
async function planAgreed(code: string, agreedOn?: string) {
  const parties = { ...PARTIES, creditCode: code };
  // A case recorded after the fact is recorded in date order (a decision may not predate the previous one); its
  // passed agreement window fires at once (no late-record grace) while the negotiation's supervision lies beyond it.
  const late = agreedOn ? { settings: { ...OPENING.settings, lateRecordGraceHours: 0, negotiationReminderWorkingDays: 120, negotiationEscalationWorkingDays: 120 } } : {};
  const handle = await startCase(env.client, { ...OPENING, creditCode: code, ...late }, { taskQueue: h.taskQueue });
  const send = act(env.client, handle.workflowId, parties);
  const t = agreedOn ?? (await today(env));
  await send('SURVEY_SUBMITTED', 'districtCivilAffairs', t);
  await send('SURVEY_CONFIRMED', 'districtCivilAffairs', t);
  await send('WORK_PLAN_PROPOSED', 'township', t);
  const state = await send('WORK_PLAN_ACCEPTED', 'enterprise', agreedOn ?? t);
  return { caseId: handle.workflowId, send, state, agreedOn: agreedOn ?? t };
}

async function sleepUntil(instant: string, offsetMs: number) {
  const ms = Date.parse(instant) + offsetMs - (await env.currentTimeMs());
  expect(ms).toBeGreaterThan(0);
  await env.sleep(ms);
}

describe('time-skipping server: the 10-working-day agreement deadline', () => {
  it('reminds before the deadline, and escalates to cityCivilAffairs exactly at the end of the 10th working day', async () => {
    const { caseId, state, agreedOn } = await planAgreed(CODES[0]!);
    const due = addWorkingDays(agreedOn, 10);
    expect(state.context.deadlines.agreement).toMatchObject({ due: due.due, at: due.deadline });
    const reminderAt = deadlineOf(addWorkingDays(agreedOn, 7).due);

    await sleepUntil(reminderAt, -1000);
    expect(h.outbox.list({ caseId, reason: 'agreementReminder' })).toHaveLength(0);
    await sleepUntil(reminderAt, 1000);
    await eventually(() => expect(h.outbox.list({ caseId, reason: 'agreementReminder' })).toHaveLength(1));

    await sleepUntil(due.deadline, -1000);
    expect(h.outbox.list({ caseId, reason: 'agreementEscalated' })).toHaveLength(0);
    expect((await caseState(env.client, caseId)).activeStates).toEqual(['agreement.drafting']);

    await sleepUntil(due.deadline, 1000);
    const [escalation] = await eventually(() => {
      const rows = h.outbox.list({ caseId, reason: 'agreementEscalated' });
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(escalation!.recipients[0]).toBe('cityCivilAffairs');
    expect(escalation!.dueKey).toBe(due.due);
    const after = await caseState(env.client, caseId);
    expect(after.activeStates).toEqual(['agreement.overdue']);
    expect(after.overdue).toBe(true);
    await recordHistory(env.client.workflow.getHandle(caseId), 'handover-agreement-escalated-recorded');
  });

  it('sends no escalation when the agreement is signed in time', async () => {
    const { caseId, send, agreedOn } = await planAgreed(CODES[1]!);
    const t = await today(env);
    await send('AGREEMENT_SIGNED', 'enterprise', t);
    await send('AGREEMENT_SIGNED', 'districtGovernment', t);
    await sleepUntil(addWorkingDays(agreedOn, 10).deadline, 60_000);
    const s = await caseState(env.client, caseId);
    expect(s.stage).toBe('implementation');
    expect(s.context.agreement.late).toBe(false);
    expect(h.outbox.list({ caseId, reason: 'agreementEscalated' })).toHaveLength(0);
    expect(h.outbox.list({ caseId, reason: 'agreementReminder' })).toHaveLength(0);
  });

  it('counts a plan agreement recorded late from its own date, escalating at once when the window has closed', async () => {
    const t = await today(env);
    const longAgo = new Date(Date.parse(`${t}T00:00:00Z`) - 30 * 86_400_000).toISOString().slice(0, 10);
    const { caseId, state } = await planAgreed(CODES[2]!, longAgo);
    expect(state.context.deadlines.agreement!.due).toBe(addWorkingDays(longAgo, 10).due);
    await eventually(() => expect(h.outbox.list({ caseId, reason: 'agreementEscalated' })).toHaveLength(1));
    expect((await caseState(env.client, caseId)).activeStates).toEqual(['agreement.overdue']);
  });
});
