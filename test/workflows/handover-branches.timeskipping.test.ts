// The escalation ladder, the rectification loop and the community branches on the real time-skipping server.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { timeSkippingEnv } from '../helpers/servers';
import { OPENING, act, startCase, startHarness, today, type CaseHarness } from '../helpers/handover-env';
import { PARTIES } from '../helpers/decisions';
import { eventually } from '../helpers/eventually';
import { caseState } from '../../client/cases';

let env: TestWorkflowEnvironment;
let h: CaseHarness;

beforeAll(async () => {
  env = await timeSkippingEnv();
  h = await startHarness({ client: env.client, connection: env.nativeConnection, taskQueue: 'branches' });
});

afterAll(async () => {
  await h?.stop();
  await env?.teardown();
});

async function openCase(code: string, settings: Record<string, unknown> = {}) {
  const handle = await startCase(env.client, { ...OPENING, creditCode: code, settings: { ...OPENING.settings, ...settings } }, { taskQueue: h.taskQueue });
  const send = act(env.client, handle.workflowId, { ...PARTIES, creditCode: code });
  const t = await today(env);
  await send('SURVEY_SUBMITTED', 'districtCivilAffairs', t);
  await send('SURVEY_CONFIRMED', 'districtCivilAffairs', t);
  return { caseId: handle.workflowId, send };
}

async function implementing(code: string) {
  const c = await openCase(code);
  const t = await today(env);
  await c.send('WORK_PLAN_PROPOSED', 'township', t);
  await c.send('WORK_PLAN_ACCEPTED', 'enterprise', t);
  await c.send('AGREEMENT_SIGNED', 'enterprise', t);
  await c.send('AGREEMENT_SIGNED', 'districtGovernment', t);
  return c;
}

async function sleepPast(instant: string) {
  await env.sleep(Date.parse(instant) + 1000 - (await env.currentTimeMs()));
}

describe('time-skipping server: §三(二) coordination on request', () => {
  it('supervises a stalled negotiation without escalating it; the parties ask, a party declares a major disagreement', async () => {
    const { caseId, send } = await openCase('91500000202812345P', { negotiationEscalationWorkingDays: 3, coordinationEscalationWorkingDays: 2 });
    const s0 = await caseState(env.client, caseId);
    await sleepPast(s0.context.deadlines.negotiationEscalation!.at);
    await eventually(async () => expect(h.outbox.list({ caseId, reason: 'negotiationSupervised' })).toHaveLength(1));
    expect(h.outbox.list({ caseId, reason: 'negotiationSupervised' })[0]!.recipients).toEqual(['cityCivilAffairs', 'districtCivilAffairs']);
    expect((await caseState(env.client, caseId)).activeStates).toEqual(['workPlan.negotiating']);
    const asked = await send('DISAGREEMENT_ESCALATED', 'township', await today(env));
    expect(asked.activeStates).toEqual(['workPlan.cityCivilAffairsCoordination']);
    await send('PARENT_GROUP_OPINION_GIVEN', 'parentGroup', await today(env));
    await sleepPast(asked.context.deadlines.coordinationEscalation!.at);
    await eventually(async () => expect(h.outbox.list({ caseId, reason: 'coordinationSupervised' })).toHaveLength(1));
    expect((await caseState(env.client, caseId)).activeStates).toEqual(['workPlan.cityCivilAffairsCoordination']);
    const major = await send('DISAGREEMENT_ESCALATED', 'enterprise', await today(env), { major: true, summary: '资产划转存在重大分歧' });
    expect(major.activeStates).toEqual(['workPlan.cityUrbanManagementCoordination']);
    expect(h.outbox.list({ caseId, reason: 'majorDisagreementEscalated' })).toHaveLength(1);
    const back = await send('COORDINATION_CONCLUDED', 'cityUrbanManagement', await today(env));
    expect(back.activeStates).toEqual(['workPlan.negotiating']);
    expect(back.context.workPlan.escalations.latest.map((e) => [e.level, e.auto])).toEqual([
      ['cityCivilAffairs', false],
      ['cityUrbanManagement', false],
    ]);
  });
});

describe('time-skipping server: §二 implementation branches', () => {
  it('loops rectification and inspection until the facilities pass', async () => {
    const { send } = await implementing('91500107203130321Q');
    const t = await today(env);
    await send('FACILITIES_HANDED_OVER', 'enterprise', t);
    const failed = { passed: false, findings: '消防设施不达标', failedItems: ['居民活动室'], costCny: 5000 };
    await send('FACILITIES_INSPECTED', 'districtCivilAffairs', t, failed);
    await send('RECTIFICATION_COMPLETED', 'districtGovernment', t);
    await send('FACILITIES_INSPECTED', 'districtCivilAffairs', t, failed);
    const again = await send('RECTIFICATION_COMPLETED', 'districtGovernment', t);
    expect(again.activeStates).toContain('implementation.facilities.inspecting');
    const passed = await send('FACILITIES_INSPECTED', 'districtCivilAffairs', t);
    expect(passed.activeStates).toContain('implementation.facilities.accepted');
    expect(passed.context.facilities.inspections.latest.map((i) => i.passed)).toEqual([false, false, true]);
  });

  it('merges a small community into its neighbour and completes without a transition period', async () => {
    const { caseId, send } = await implementing('915000000000000005');
    const t = await today(env);
    await send('COMMUNITY_SETUP_DECIDED', 'township', t, { hasFamilyCommittee: false, meetsConditions: false, route: 'mergeIntoNeighbour' });
    await send('COMMUNITY_MERGED', 'township', t);
    await send('TRANSITION_DECIDED', 'districtGovernment', t, { establish: false, reason: '人员较少' });
    await send('FACILITIES_HANDED_OVER', 'enterprise', t);
    const done = await send('FACILITIES_INSPECTED', 'districtCivilAffairs', t);
    expect(done.stage).toBe('completed');
    expect(await env.client.workflow.getHandle(caseId).result()).toMatchObject({ status: 'done', context: { community: { mergedInto: '相邻社区' } } });
  });

  it('sets up a community without a family committee and elects its residents committee', async () => {
    const { send } = await implementing('91350100M000100Y43');
    const t = await today(env);
    await send('COMMUNITY_SETUP_DECIDED', 'township', t, { hasFamilyCommittee: false, meetsConditions: true, route: 'setUpAndElect' });
    await send('COMMUNITY_ESTABLISHED', 'township', t);
    const s = await send('RESIDENTS_COMMITTEE_ELECTED', 'township', t);
    expect(s.activeStates).toContain('implementation.community.established');
    expect(s.context.community).toMatchObject({ route: 'setUpAndElect', communityName: '机电社区', committeeElectedOn: t });
  });
});
