// A case moving to its next run on the real dev server: snapshot, counts and due dates survive continue-as-new.
// (On the Java time-skipping server an Update that meets the run's continue-as-new can wait forever; the dev server
// hands it to the next run as a production server does, so this test lives here.)
import { OPENING, act, startCase, startDevHarness, type CaseHarness } from '../helpers/handover-env';
import { recordHistory } from '../helpers/histories';
import { PARTIES, freshCreditCode } from '../helpers/decisions';
import { caseState } from '../../client/cases';
import { shanghaiDate } from '../../machines/calendar';

let h: CaseHarness;

beforeAll(async () => {
  h = await startDevHarness(`can-${process.pid}-${Date.now()}`);
});

afterAll(async () => {
  await h?.stop();
});

describe('dev server: a case continuing as new', () => {
  it('carries snapshot, counts and due dates across continue-as-new', async () => {
    const opening = { ...OPENING, creditCode: freshCreditCode(), enterpriseName: '重庆某纺织厂' };
    const handle = await startCase(h.client, opening, { taskQueue: h.taskQueue, historyLimit: 30 });
    const caseId = handle.workflowId;
    const send = act(h.client, caseId, { ...PARTIES, creditCode: opening.creditCode });
    const day = shanghaiDate(Date.now());
    const firstRun = (await handle.describe()).runId;
    await send('SURVEY_SUBMITTED', 'districtCivilAffairs', day);
    await send('SURVEY_CONFIRMED', 'districtCivilAffairs', day);
    await send('WORK_PLAN_PROPOSED', 'township', day);
    const agreed = await send('WORK_PLAN_ACCEPTED', 'enterprise', day);
    for (let i = 0; i < 6; i++) await send('MAJOR_PROBLEM_REPORTED', 'township', day, { summary: `问题${i + 1}` });

    const later = await caseState(h.client, caseId);
    const latestRun = (await h.client.workflow.getHandle(caseId).describe()).runId;
    expect(latestRun).not.toBe(firstRun);
    expect(later.context.majorProblems.count).toBe(6);
    expect(later.decisions).toBe(10);
    // The agreement deadline keeps its original instant in the new run.
    expect(later.context.deadlines.agreement).toEqual(agreed.context.deadlines.agreement);
    expect(later.pendingTimers.find((t) => t.deadline?.kind === 'agreement')?.dueAt).toBe(agreed.context.deadlines.agreement!.at);
    await recordHistory(h.client.workflow.getHandle(caseId, firstRun), 'handover-continued-as-new-recorded');
    await h.client.workflow.getHandle(caseId).terminate('test done');
  });
});
