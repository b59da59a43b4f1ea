// A whole case on the real time-skipping server: survey to completion through a 3-year transition in virtual time.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { timeSkippingEnv } from '../helpers/servers';
import { OPENING, act, startCase, startHarness, today, type CaseHarness } from '../helpers/handover-env';
import { recordHistory } from '../helpers/histories';
import { PARTIES } from '../helpers/decisions';
import { caseRecord, caseState, caseTimeline, sendDecision } from '../../client/cases';
import { CaseClosedError } from '../../client/errors';
import { caseIdFor } from '../../machines/case-input';

let env: TestWorkflowEnvironment;
let h: CaseHarness;

beforeAll(async () => {
  env = await timeSkippingEnv();
  h = await startHarness({ client: env.client, connection: env.nativeConnection, taskQueue: 'lifecycle' });
});

afterAll(async () => {
  await h?.stop();
  await env?.teardown();
});

describe('time-skipping server: a whole handover case', () => {
  it('runs from survey to completion through the 3-year transition period', async () => {
    const handle = await startCase(env.client, OPENING, { taskQueue: h.taskQueue });
    const caseId = caseIdFor(OPENING.creditCode, OPENING.district);
    expect(handle.workflowId).toBe(caseId);
    const send = act(env.client, caseId);
    const day = () => today(env);

    await send('SURVEY_SUBMITTED', 'districtCivilAffairs', await day());
    await send('SURVEY_CONFIRMED', 'districtCivilAffairs', await day());
    await env.sleep('2 days');
    await send('WORK_PLAN_PROPOSED', 'township', await day());
    const agreed = await send('WORK_PLAN_ACCEPTED', 'enterprise', await day());
    expect(agreed.stage).toBe('agreement');
    expect(agreed.nextDeadline?.deadline?.kind).toBe('agreementReminder');
    await send('AGREEMENT_SIGNED', 'enterprise', await day());
    const signed = await send('AGREEMENT_SIGNED', 'districtGovernment', await day());
    expect(signed.stage).toBe('implementation');
    expect(signed.responsibility).toBe('enterprise'); // §四(二): the switch is the handover, not the signature

    await send('FACILITIES_HANDED_OVER', 'enterprise', await day());
    await send('FACILITIES_INSPECTED', 'districtCivilAffairs', await day());
    await send('COMMUNITY_SETUP_DECIDED', 'township', await day());
    await send('COMMUNITY_ESTABLISHED', 'township', await day());
    await send('RESIDENTS_COMMITTEE_ELECTED', 'township', await day());
    const start = await day();
    const inTransition = await send('TRANSITION_DECIDED', 'districtGovernment', start);
    expect(inTransition.stage).toBe('handedOver'); // handed over; the transition period follows
    const end = inTransition.context.deadlines.transitionEnd!;
    expect(end.from).toBe(start);

    const result = await handle.result(); // the server skips the 3 years
    expect(result.status).toBe('done');
    expect(result.stage).toBe('completed');
    expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(Date.parse(end.at));

    const reminders = h.outbox.list({ caseId, reason: 'transitionEndingReminder' });
    expect(reminders.map((r) => r.dueKey)).toEqual([`${end.due}-90d`, `${end.due}-30d`]);
    const timeline = await caseTimeline(env.client, caseId);
    expect(timeline.filter((t) => t.kind === 'decision')).toHaveLength(12);
    expect(timeline.at(-1)).toMatchObject({ kind: 'timer', type: 'transitionEnd', after: ['completed'] });
    expect((await caseState(env.client, caseId)).status).toBe('done');
    // A decision on the completed case is a clear refusal (409 caseClosed), not an engine error.
    const late = await sendDecision(env.client, caseId, { type: 'MAJOR_PROBLEM_REPORTED', actor: { role: 'township', org: PARTIES.township! }, occurredOn: await day(), data: { summary: '结案后的问题' } }).catch(
      (e: unknown) => e,
    );
    expect(late).toBeInstanceOf(CaseClosedError);
    expect(late).toMatchObject({ code: 'caseClosed', httpStatus: 409, status: 'done' });
    // The whole record: every decision once, the last timer completing the case.
    const record = await caseRecord(env.client, caseId, { record: h.record, limit: 1000 });
    expect(record.entries.filter((e) => e.kind === 'decision')).toHaveLength(12);
    expect(record.entries.filter((e) => e.kind === 'timer').at(-1)).toMatchObject({ type: 'transitionEnd', after: ['completed'] });
    await recordHistory(handle, 'handover-whole-case-attributes-with-record');
  });
});
