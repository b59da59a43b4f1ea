// The machine snapshot is bounded: the worst case a case can reach through the gate (every per-case limit reached,
// every text at its maximum length in 3-byte characters, the longest settings, facts in every year of the date
// range) stays under MAX_SNAPSHOT_BYTES; snapshots of the earlier, unbounded shape restore bounded.
import { handoverMachine, type HandoverContext, type HandoverInput } from '../../machines/handover';
import { checkDecision } from '../../machines/decide';
import { boundContext, yearlyCount } from '../../machines/bounded-context';
import { CASE_LIMITS, DATE_RANGE, EXCERPT_LENGTH, LIST_LIMITS, MAX_CARRIED_BYTES, MAX_DECISION_BYTES, MAX_SNAPSHOT_BYTES, RECENT_KEPT, TEXT_LIMITS, jsonBytes } from '../../machines/limits';
import type { EventType } from '../../machines/events';
import type { CaseParties, Role } from '../../machines/roles';
import { progressRow, summarise } from '../../machines/progress-table';
import { MAX_ESCALATION_WORKING_DAYS } from '../../machines/settings';
import { MachineHost } from '../../workflows/host/machine-host';
import { orgFor } from '../helpers/decisions';

/** `n` characters of 3 bytes each in UTF-8 (CJK): the most bytes a string of `n` UTF-16 units can take in JSON. */
const cjk = (n: number, seed = 0) => Array.from({ length: n }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7 + seed * 131) % 20000))).join('');

const PARTIES: CaseParties = {
  creditCode: '91500000202812345P',
  district: '九龙坡区',
  township: `九龙坡区/${cjk(TEXT_LIMITS.name - 5)}`,
  parentGroup: cjk(TEXT_LIMITS.line),
};

const DAY = 86_400_000;
const dateAt = (from: string, to: string, i: number, n: number) => {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  return new Date(a + Math.floor(((b - a) / DAY) * (n <= 1 ? 0 : i / (n - 1))) * DAY).toISOString().slice(0, 10);
};

type Planned = { type: EventType; role: Role; data: unknown };

const prose = (seed: number) => cjk(TEXT_LIMITS.prose, seed);
const sections6 = (seed: number) => ({
  organisation: prose(seed),
  content: prose(seed + 1),
  schedule: prose(seed + 2),
  funding: prose(seed + 3),
  responsibilities: prose(seed + 4),
  safeguards: prose(seed + 5),
});

/** The decisions of the worst case, by phase: each phase's decisions are dated evenly over its years. */
function worstCase(): Array<{ from: string; to: string; decisions: Planned[] }> {
  const problems: Planned[] = Array.from({ length: CASE_LIMITS.majorProblems }, (_, i) => ({ type: 'MAJOR_PROBLEM_REPORTED', role: 'township', data: { summary: prose(i) } }));
  const tasks: Planned[] = Array.from({ length: CASE_LIMITS.newTasks }, (_, i) => ({
    type: 'NEW_TASK_REPORTED',
    role: 'enterprise',
    data: { description: prose(i), people: 9_999_999 },
  }));
  const early: Planned[] = [{ type: 'SURVEY_SUBMITTED', role: 'districtCivilAffairs', data: {
    totalPeople: 10_000_000, socialisedPeople: 5_000_000, selfManagedPeople: 5_000_000, serviceOrganisations: 10_000_000,
    residentialAreaM2: 99_999_999.99, facilities: { areaM2: 99_999_999.99, ownership: cjk(TEXT_LIMITS.note) },
    annualServiceFundingCny: 9_999_999_999.99, serviceStaff: 10_000_000, averagePayCny: 9_999_999_999.99,
    socialInsurance: { status: 'partiallyPaid', note: cjk(TEXT_LIMITS.note, 1) },
  } }];
  const adjustment = (i: number) => [
    { type: 'ADJUSTMENT_APPLICATION_SIGNED', role: 'enterprise', data: { reason: prose(i), proposedChanges: prose(i + 1) } },
    { type: 'ADJUSTMENT_APPLICATION_SIGNED', role: 'township', data: { reason: prose(i + 2), proposedChanges: prose(i + 3) } },
  ] as Planned[];
  for (let i = 0; i < CASE_LIMITS.planAdjustments - 1; i++) {
    early.push(...adjustment(i), { type: 'ADJUSTMENT_REVIEWED', role: 'districtGovernment', data: { approved: false, reason: prose(i) } });
  }
  early.push(
    ...adjustment(99),
    { type: 'ADJUSTMENT_REVIEWED', role: 'districtGovernment', data: { approved: true, reason: prose(1) } },
    { type: 'ADJUSTMENT_OPINION_GIVEN', role: 'cityUrbanManagement', data: { approved: true, reason: prose(2) } },
    { type: 'ADJUSTMENT_OPINION_GIVEN', role: 'cityFinance', data: { approved: true, reason: prose(3) } },
    { type: 'ADJUSTMENT_VERIFIED', role: 'citySasac', data: { approved: true, reason: prose(4), adjustedPlannedCompletion: DATE_RANGE.to } },
    { type: 'ADJUSTMENT_FILED', role: 'districtCivilAffairs', data: { filingRef: cjk(TEXT_LIMITS.line) } },
  );
  // Negotiation and coordination, in the years the official calendar covers (holidays make the longest deadlines).
  const workPlan: Planned[] = [];
  let proposals = 0;
  let opinions = 0;
  const propose = () => {
    workPlan.push({ type: 'WORK_PLAN_PROPOSED', role: proposals % 2 ? 'enterprise' : 'township', data: { sections: sections6(proposals) } });
    proposals++;
  };
  for (let round = 0; round < CASE_LIMITS.coordinationRounds; round++) {
    propose();
    workPlan.push({ type: 'DISAGREEMENT_ESCALATED', role: 'enterprise', data: { major: false, summary: prose(round) } });
    for (let k = 0; k < 2; k++, opinions++) workPlan.push({ type: 'PARENT_GROUP_OPINION_GIVEN', role: 'parentGroup', data: { opinion: prose(opinions) } });
    workPlan.push({ type: 'COORDINATION_CONCLUDED', role: 'cityCivilAffairs', data: { outcome: 'resolved', summary: prose(round) } });
  }
  while (proposals < CASE_LIMITS.workPlanProposals) propose();
  // The last proposal was the enterprise's; the township accepts it.
  workPlan.push({ type: 'WORK_PLAN_ACCEPTED', role: 'township', data: { note: prose(7) } });
  const agreementSections = { parties: prose(1), content: prose(2), method: prose(3), timing: prose(4), rightsAndDuties: prose(5), fundAccounting: prose(6), breachLiability: prose(7) };
  workPlan.push({ type: 'AGREEMENT_SIGNED', role: 'enterprise', data: { sections: agreementSections } });
  workPlan.push({ type: 'AGREEMENT_SIGNED', role: 'districtGovernment', data: { sections: agreementSections } });

  const late: Planned[] = [];
  // As many items with names as long as one decision may carry.
  const items = Array.from({ length: LIST_LIMITS.facilityItems }, (_, i) => ({ kind: 'activityRoom', name: cjk(180, i), areaM2: 99_999.99 }));
  late.push({ type: 'FACILITIES_HANDED_OVER', role: 'enterprise', data: { items, ownershipTransferredTo: cjk(TEXT_LIMITS.line), documents: { asBuilt: true, inspectionRecords: true, repairRecords: true, maintenanceDuties: true } } });
  for (let i = 0; i < CASE_LIMITS.failedInspections; i++) {
    late.push({ type: 'FACILITIES_INSPECTED', role: 'districtCivilAffairs', data: { passed: false, findings: prose(i), failedItems: Array.from({ length: 50 }, (_, k) => cjk(TEXT_LIMITS.line, k)), costCny: 9_999_999_999.99 } });
    late.push({ type: 'RECTIFICATION_COMPLETED', role: 'districtGovernment', data: { summary: prose(i), costCny: 9_999_999_999.99 } });
  }
  late.push(
    { type: 'COMMUNITY_SETUP_DECIDED', role: 'township', data: { hasFamilyCommittee: false, meetsConditions: true, route: 'setUpAndElect' } },
    { type: 'COMMUNITY_ESTABLISHED', role: 'township', data: { communityName: cjk(TEXT_LIMITS.line) } },
    {
      type: 'TRANSITION_DECIDED',
      role: 'districtGovernment',
      data: {
        establish: true,
        staff: [{ name: cjk(TEXT_LIMITS.name), enterprisePayMonthly: 9_999_999_999.99 }, { name: cjk(TEXT_LIMITS.name, 1), enterprisePayMonthly: 1.01 }],
        districtStandardMonthly: 3_333_333_333.33,
        originalRunningFundsAnnual: 9_999_999_999.99,
        districtStandardAnnual: 1_111_111_111.11,
      },
    },
  );
  // Problems and tasks in every year of the range, so that the yearly tally has a row for each.
  const take = (list: Planned[], n: number) => list.splice(0, n);
  /** The stage's decisions in order, with the extra ones spread evenly between them. */
  const mix = (stage: Planned[], extra: Planned[]) => {
    const total = stage.length + extra.length;
    const out: Planned[] = [];
    for (let i = 0, s = 0, e = 0; i < total; i++) {
      const extraHere = Math.floor(((i + 1) * extra.length) / total) > Math.floor((i * extra.length) / total);
      out.push(extraHere ? extra[e++]! : stage[s++]!);
    }
    return out;
  };
  return [
    { from: DATE_RANGE.from, to: '2016-12-31', decisions: mix(early, mix(take(problems, 40), take(tasks, 30))) },
    { from: '2017-01-03', to: '2025-12-31', decisions: mix(workPlan, mix(take(problems, 20), take(tasks, 20))) },
    { from: '2026-01-05', to: DATE_RANGE.to, decisions: mix(late, mix(problems, tasks)) },
  ];
}

const INPUT: HandoverInput = {
  caseId: `handover-${PARTIES.creditCode}`,
  parties: PARTIES,
  enterpriseName: cjk(TEXT_LIMITS.line, 3),
  residentialArea: cjk(TEXT_LIMITS.line, 4),
  plannedCompletion: DATE_RANGE.to,
  startedAt: '2000-01-01T00:00:00.000Z',
  settings: {
    negotiationEscalationWorkingDays: MAX_ESCALATION_WORKING_DAYS,
    coordinationEscalationWorkingDays: MAX_ESCALATION_WORKING_DAYS,
    agreementReminderLeadWorkingDays: 9,
    transitionReminderLeadDays: [365, 300, 200, 100, 1],
    cityTargetDate: DATE_RANGE.to,
    monthlyReportReminderLeadDays: 20,
  },
};

describe('bounded machine context', () => {
  let host: MachineHost<typeof handoverMachine>;
  let largestDecision = 0;

  beforeAll(() => {
    const now = Date.parse('2101-01-01T12:00:00.000Z');
    host = MachineHost.start(handoverMachine, INPUT, Date.parse(INPUT.startedAt)).host;
    for (const phase of worstCase()) {
      phase.decisions.forEach((d, i) => {
        const input = { type: d.type, actor: { role: d.role, org: orgFor(d.role, PARTIES), user: cjk(TEXT_LIMITS.name) }, occurredOn: dateAt(phase.from, phase.to, i, phase.decisions.length), requestId: cjk(TEXT_LIMITS.line), data: d.data };
        largestDecision = Math.max(largestDecision, jsonBytes(input));
        const check = checkDecision(host.snapshot, PARTIES, input, now);
        if (!check.ok) throw new Error(`${d.type} by ${d.role} on ${input.occurredOn} refused: ${check.refusal.message.en}`);
        host.send(check.event, now);
      });
    }
  });

  it('reaches every per-case limit through the gate', () => {
    const c = host.snapshot.context;
    expect({
      majorProblems: c.majorProblems.count,
      newTasks: c.newTasks.count,
      workPlanProposals: c.workPlan.proposals,
      coordinationRounds: c.workPlan.escalations.count,
      parentGroupOpinions: c.workPlan.parentGroupOpinions.count,
      failedInspections: c.facilities.inspections.failed,
      planAdjustments: c.adjustmentHistory.count,
    }).toEqual(CASE_LIMITS);
    expect(c.majorProblems.open).toHaveLength(CASE_LIMITS.majorProblems);
    expect(c.newTasks.awaitingVerification).toHaveLength(CASE_LIMITS.newTasks);
    expect(Object.keys(c.yearly)).toHaveLength(101);
    expect(largestDecision).toBeLessThanOrEqual(MAX_DECISION_BYTES);
    expect(largestDecision).toBeGreaterThan(MAX_DECISION_BYTES * 0.6);
    // What is kept of each list: the latest few, each text an excerpt.
    expect(c.majorProblems.latest).toHaveLength(RECENT_KEPT);
    expect(c.majorProblems.latest.at(-1)!.summary).toHaveLength(EXCERPT_LENGTH);
    expect(c.facilities.handedOver).toMatchObject({ itemCount: LIST_LIMITS.facilityItems, areaM2: 9_999_999 });
    expect(c.facilities.inspections.costCny).toBe(499_999_999_999.5);
  });

  it('refuses what would go past a limit, with a clear refusal', () => {
    const now = Date.parse('2101-01-01T12:00:00.000Z');
    const input = { type: 'MAJOR_PROBLEM_REPORTED', actor: { role: 'township', org: orgFor('township', PARTIES) }, occurredOn: DATE_RANGE.to, data: { summary: '又一个问题' } };
    const check = checkDecision(host.snapshot, PARTIES, input, now);
    expect(check.ok ? 'accepted' : check.refusal).toMatchObject({ code: 'caseLimit', message: { zh: expect.stringContaining(`上限 ${CASE_LIMITS.majorProblems}`), en: expect.stringContaining('limit of 200 major problems') } });
  });

  it('keeps the worst-case persisted snapshot under MAX_SNAPSHOT_BYTES', () => {
    const bytes = jsonBytes(host.persist());
    // eslint-disable-next-line no-console
    console.log(`worst-case persisted snapshot: ${bytes} bytes (limit ${MAX_SNAPSHOT_BYTES}, carried budget ${MAX_CARRIED_BYTES})`);
    if (process.env.SHOW_SIZES) {
      const c = host.snapshot.context as unknown as Record<string, unknown>;
      const parts = Object.entries(c).map(([k, v]) => [k, jsonBytes(v)]);
      const d = host.snapshot.context.deadlines as Record<string, unknown>;
      console.log(JSON.stringify([...parts, ...Object.entries(d).map(([k, v]) => [`deadline.${k}`, jsonBytes(v)]), ['scheduled', jsonBytes(host.persist().scheduled)]]));
    }
    expect(bytes).toBeLessThan(MAX_SNAPSHOT_BYTES);
    expect(MAX_SNAPSHOT_BYTES).toBeLessThanOrEqual(48 * 1024);
    expect(MAX_SNAPSHOT_BYTES).toBeLessThan(MAX_CARRIED_BYTES);
    // Not a trivially small case: the deadlines, the excerpts and the tally are all there.
    expect(bytes).toBeGreaterThan(MAX_SNAPSHOT_BYTES / 2);
  });

  it('keeps the year-end summary exact from the tally', () => {
    const c = host.snapshot.context;
    const total = Object.keys(c.yearly).reduce((n, y) => n + yearlyCount(c, y, 'majorProblemsReported'), 0);
    expect(total).toBe(CASE_LIMITS.majorProblems);
    const view = { caseId: INPUT.caseId, definitionVersion: c.definitionVersion, status: 'active' as const, stage: 'implementation' as const, activeStates: [], responsibility: 'township' as const, overdue: false, context: c };
    const years = Object.keys(c.yearly);
    const escalations = years.reduce((n, y) => n + summarise('九龙坡区', [{ state: view }], Number(y)).escalations.cityCivilAffairs, 0);
    expect(escalations).toBe(CASE_LIMITS.coordinationRounds);
    expect(progressRow(view, 1, 'en').remarks).toContain(`${CASE_LIMITS.majorProblems - RECENT_KEPT} earlier major problem(s)`);
  });
});

describe('snapshots of the earlier, unbounded context', () => {
  /** The context as the definition kept it before it was bounded: every list in full, every text whole. */
  function unbounded(context: HandoverContext, n: number): Record<string, unknown> {
    const long = cjk(TEXT_LIMITS.prose);
    const problems = Array.from({ length: n }, (_, i) => ({ id: i + 1, by: 'township', on: `20${17 + (i % 5)}-03-01`, summary: long, ...(i % 2 ? { filedOn: '2021-06-01' } : {}) }));
    return {
      ...context,
      adjustmentHistory: Array.from({ length: n }, () => ({ outcome: 'rejected', by: 'districtGovernment', on: '2017-10-20', reason: long })),
      workPlan: {
        proposal: { by: 'township', on: '2017-10-16', sections: sections6(0) },
        escalations: Array.from({ length: n }, (_, i) => ({ level: i % 2 ? 'cityUrbanManagement' : 'cityCivilAffairs', on: '2018-01-02', auto: false, summary: long })),
        parentGroupOpinions: Array.from({ length: n }, () => ({ by: 'parentGroup', on: '2018-01-03', opinion: long })),
        coordinationOutcomes: Array.from({ length: n }, (_, i) => ({ by: 'cityCivilAffairs', on: '2019-01-03', outcome: i % 3 ? 'resolved' : 'majorDisagreement', summary: long })),
      },
      agreement: { signatures: {}, sections: { parties: long } },
      facilities: {
        items: Array.from({ length: 200 }, () => ({ kind: 'workRoom', name: cjk(200), areaM2: 0.1 })),
        ownershipTransferredTo: '杨家坪街道办事处',
        inspections: Array.from({ length: n }, (_, i) => ({ by: 'districtCivilAffairs', on: '2018-02-01', passed: i === n - 1, findings: long, failedItems: ['a', 'b'], costCny: 0.1 })),
        rectifications: Array.from({ length: n }, () => ({ by: 'districtGovernment', on: '2018-02-02', summary: long, costCny: 0.2 })),
      },
      majorProblems: problems,
      newTasks: Array.from({ length: n }, (_, i) => ({ id: i + 1, by: 'enterprise', on: '2018-03-01', description: long, status: i % 3 === 0 ? 'reported' : i % 3 === 1 ? 'verified' : 'rejected' })),
    } as unknown as Record<string, unknown>;
  }

  it('restores bounded, with counts, open ids and the yearly tally taken from the full lists', () => {
    const start = MachineHost.start(handoverMachine, { ...INPUT, parties: PARTIES, settings: {} }, Date.parse('2017-10-09T01:00:00Z')).host;
    const persisted = start.persist();
    const old = { ...(persisted.snapshot as object), context: unbounded((persisted.snapshot as { context: HandoverContext }).context, 1000) };
    expect(jsonBytes(old)).toBeGreaterThan(2_000_000);
    const restored = MachineHost.restore(handoverMachine, { snapshot: old, scheduled: persisted.scheduled });
    const c = restored.snapshot.context;
    expect(jsonBytes(restored.persist())).toBeLessThan(MAX_SNAPSHOT_BYTES);
    expect(c.majorProblems).toMatchObject({ count: 1000, open: Array.from({ length: 500 }, (_, i) => 2 * i + 1) });
    expect(c.majorProblems.latest).toHaveLength(RECENT_KEPT);
    expect(c.newTasks).toMatchObject({ count: 1000, verified: 333, rejected: 333 });
    expect(c.newTasks.awaitingVerification).toHaveLength(334);
    expect(c.workPlan.escalations.count).toBe(1000);
    expect(c.workPlan.proposal).toEqual({ by: 'township', on: '2017-10-16', form: 'sections' });
    expect(c.facilities.handedOver).toMatchObject({ itemCount: 200, areaM2: 20 });
    expect(c.facilities.inspections).toMatchObject({ count: 1000, failed: 999, costCny: 100 });
    expect(c.facilities.rectifications).toMatchObject({ count: 1000, costCny: 200 });
    expect((c.agreement as Record<string, unknown>).sections).toBeUndefined();
    expect(yearlyCount(c, 2018, 'escalatedToCityCivilAffairs')).toBe(500);
    expect(yearlyCount(c, 2019, 'coordinationResolved')).toBe(666);
    expect(yearlyCount(c, 2021, 'majorProblemsFiled')).toBe(500);
    expect(yearlyCount(c, 2017, 'majorProblemsReported')).toBe(200);
    // It keeps working. With 1000 problems it is past today's limit: a new report is refused, a filing is not.
    const now = Date.parse('2022-01-01T04:00:00Z');
    const report = { type: 'MAJOR_PROBLEM_REPORTED', actor: { role: 'township', org: orgFor('township', PARTIES) }, occurredOn: '2022-01-01', data: { summary: '新问题' } };
    const refused = checkDecision(restored.snapshot, INPUT.parties, report, now);
    expect(refused.ok ? 'accepted' : refused.refusal.code).toBe('caseLimit');
    const filing = { type: 'MAJOR_PROBLEM_FILED', actor: { role: 'cityCivilAffairs', org: orgFor('cityCivilAffairs') }, occurredOn: '2022-01-01', data: { problemId: 199 } };
    const check = checkDecision(restored.snapshot, INPUT.parties, filing, now);
    if (!check.ok) throw new Error(check.refusal.message.en);
    restored.send(check.event, now);
    expect(restored.snapshot.context.majorProblems.open).not.toContain(199);
    expect(restored.snapshot.context.majorProblems.open).toHaveLength(499);
    expect(yearlyCount(restored.snapshot.context, 2022, 'majorProblemsFiled')).toBe(1);
  });

  it('leaves a context already bounded as it is', () => {
    const c = MachineHost.start(handoverMachine, { ...INPUT, settings: {} }, Date.parse('2017-10-09T01:00:00Z')).host.snapshot.context;
    expect(boundContext(c)).toBe(c);
  });
});
