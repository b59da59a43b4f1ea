// Valid example payloads for every decision, and the actors of one example case, shared by tests.
import type { CaseParties, Role } from '../../machines/roles';
import { CITY_ORG } from '../../machines/roles';
import { creditCodeCheckChar } from '../../machines/credit-code';
import type { EventType } from '../../machines/events';
// The payloads the README walks through are the ones the tests use.
import surveySample from '../../samples/decisions/survey-submitted.json';
import workPlanSample from '../../samples/decisions/work-plan-proposed.json';
import agreementSample from '../../samples/decisions/agreement-signed.json';
import facilitiesSample from '../../samples/decisions/facilities-handed-over.json';
import transitionSample from '../../samples/decisions/transition-decided.json';

export const PARTIES: CaseParties = {
  creditCode: '91500000202812345P',
  district: '九龙坡区',
  township: '九龙坡区/杨家坪街道',
  parentGroup: '重庆机电控股（集团）公司',
};

export function orgFor(role: Role, parties: CaseParties = PARTIES): string {
  switch (role) {
    case 'enterprise':
      return parties.creditCode;
    case 'township':
      return parties.township ?? `${parties.district}/某街道`;
    case 'parentGroup':
      return parties.parentGroup ?? '某集团';
    case 'districtGovernment':
    case 'districtCivilAffairs':
    case 'districtFinance':
      return parties.district;
    default:
      return CITY_ORG;
  }
}

export const SURVEY = surveySample;

export const WORK_PLAN = workPlanSample;

export const AGREEMENT = agreementSample;

/** A valid payload for every event type (where the type has choices, the "happy" one). */
export const PAYLOADS: Record<EventType, unknown> = {
  SURVEY_SUBMITTED: SURVEY,
  SURVEY_CONFIRMED: {},
  ADJUSTMENT_APPLICATION_SIGNED: { reason: '摸排发现人数变化', proposedChanges: '增加一个家属区' },
  ADJUSTMENT_REVIEWED: { approved: true, reason: '情况属实' },
  ADJUSTMENT_OPINION_GIVEN: { approved: true, reason: '同意' },
  ADJUSTMENT_VERIFIED: { approved: true, reason: '认定调整', adjustedPlannedCompletion: '2018-06-30' },
  ADJUSTMENT_FILED: { filingRef: '九民备〔2017〕12号' },
  ALREADY_HANDED_OVER_DECLARED: { handedOverOn: '2016-06-30', note: '2016年已移交，未签协议' },
  WORK_PLAN_PROPOSED: WORK_PLAN,
  WORK_PLAN_ACCEPTED: {},
  DISAGREEMENT_ESCALATED: { major: false, summary: '经费分担未达成一致' },
  PARENT_GROUP_OPINION_GIVEN: { opinion: '集团同意承担差额' },
  COORDINATION_CONCLUDED: { outcome: 'resolved', summary: '经协调达成一致' },
  AGREEMENT_SIGNED: AGREEMENT,
  FACILITIES_HANDED_OVER: facilitiesSample,
  FACILITIES_INSPECTED: { passed: true, findings: '运营状态良好，安全达标', costCny: 12000 },
  RECTIFICATION_COMPLETED: { summary: '更换老化电线', costCny: 30000 },
  COMMUNITY_SETUP_DECIDED: { hasFamilyCommittee: true, meetsConditions: true, route: 'setUpDirectly' },
  COMMUNITY_ESTABLISHED: { communityName: '机电社区' },
  RESIDENTS_COMMITTEE_ELECTED: { members: 7 },
  COMMUNITY_MERGED: { intoCommunity: '相邻社区', approvalRef: '九府〔2018〕3号' },
  TRANSITION_DECIDED: transitionSample,
  MAJOR_PROBLEM_REPORTED: { summary: '部分居民集体上访' },
  MAJOR_PROBLEM_FILED: { problemId: 1 },
  NEW_TASK_REPORTED: { description: '新发现一处职工家属区', people: 300 },
  NEW_TASK_VERIFIED: { taskId: 1, approved: true, reason: '核实属实' },
};

/** The first role in the registry that may send `type`, unless one is given. */
export function decision(type: EventType, role: Role, occurredOn: string, data: unknown = PAYLOADS[type], parties: CaseParties = PARTIES) {
  return { type, actor: { role, org: orgFor(role, parties) }, occurredOn, data };
}

let issued = 0;

/** A valid credit code unique across test processes (pid), reruns on one server (time) and calls (counter). */
export function freshCreditCode(): string {
  const body = `915${String(process.pid % 10_000).padStart(4, '0')}${String(Date.now()).slice(-7)}${String(++issued % 1000).padStart(3, '0')}`;
  return body + creditCodeCheckChar(body)!;
}
