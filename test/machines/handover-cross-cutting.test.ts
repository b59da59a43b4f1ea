// §四(二) responsibility, §四 major problems, §一(二) city target and the overdue flag, who may act.
import { CaseDriver, ROAD } from '../helpers/case-driver';
import { availableActions, isOverdue, responsibilityOf, responsibleParty } from '../../machines/case-view';
import { checkDecision } from '../../machines/decide';
import { PARTIES, decision } from '../helpers/decisions';

describe('§四(二) petition and public-opinion responsibility', () => {
  it('lies with the enterprise until the handover (not the signing), then with the township, with its reason', () => {
    const d = ROAD.planAgreed();
    d.send('AGREEMENT_SIGNED', 'enterprise', '2017-10-25');
    d.send('AGREEMENT_SIGNED', 'districtGovernment', '2017-10-26');
    expect(responsibleParty(d.context)).toBe('enterprise');
    expect(responsibilityOf(d.context).reason.zh).toContain('尚未移交');
    d.send('TRANSITION_DECIDED', 'districtGovernment', '2017-11-01', { establish: false, reason: '移交人员较少' });
    d.send('COMMUNITY_SETUP_DECIDED', 'township', '2017-11-02', { hasFamilyCommittee: false, meetsConditions: false, route: 'mergeIntoNeighbour' });
    d.send('COMMUNITY_MERGED', 'township', '2017-11-20');
    d.send('FACILITIES_HANDED_OVER', 'enterprise', '2017-11-21');
    expect(responsibleParty(d.context)).toBe('enterprise');
    d.send('FACILITIES_INSPECTED', 'districtCivilAffairs', '2017-11-24');
    expect(d.context.handedOverOn).toBe('2017-11-24');
    expect(responsibilityOf(d.context)).toMatchObject({ party: 'township', since: '2017-11-24' });
  });
});

describe('§四 major problems', () => {
  it('can be reported at any stage, are sent to the district and cityCivilAffairs, and filed by cityCivilAffairs', () => {
    const d = new CaseDriver();
    d.send('MAJOR_PROBLEM_REPORTED', 'township', '2017-10-10');
    expect(d.notifications('majorProblemReported')[0]!.to).toEqual(['districtGovernment', 'cityCivilAffairs']);
    expect(d.trySend('MAJOR_PROBLEM_FILED', 'citySasac', '2017-10-11').ok).toBe(false);
    d.send('MAJOR_PROBLEM_FILED', 'cityCivilAffairs', '2017-10-11');
    expect(d.context.majorProblems.latest[0]).toMatchObject({ id: 1, by: 'township', filedOn: '2017-10-11' });
    expect(d.trySend('MAJOR_PROBLEM_FILED', 'cityCivilAffairs', '2017-10-12').ok).toBe(false); // already filed
  });
});

describe('§一(二), §三(一) targets from the plan (Build 4)', () => {
  const handOver = (d: CaseDriver, on: string) => {
    d.send('TRANSITION_DECIDED', 'districtGovernment', on, { establish: false, reason: '移交人员较少' });
    d.send('COMMUNITY_SETUP_DECIDED', 'township', on, { hasFamilyCommittee: false, meetsConditions: false, route: 'mergeIntoNeighbour' });
    d.send('COMMUNITY_MERGED', 'township', on);
    d.send('FACILITIES_HANDED_OVER', 'enterprise', on);
    d.send('FACILITIES_INSPECTED', 'districtCivilAffairs', on);
  };

  it("takes the case's target from its plan date and flags it overdue when not handed over by then", () => {
    const d = new CaseDriver('2017-10-09T01:00:00.000Z', { plannedCompletion: '2017-12-31' });
    expect(d.context.deadlines.cityTarget).toMatchObject({ due: '2017-12-31', basis: { en: 'planned completion in the plan table (附件1)' } });
    d.advanceTo('2017-12-31T15:59:59.999Z');
    expect(isOverdue(d.context)).toBe(false);
    d.advanceTo('2017-12-31T16:00:00.000Z');
    expect(isOverdue(d.context)).toBe(true);
    expect(d.notifications('cityTargetMissed')).toHaveLength(1);
    expect(d.context.notices!.latest[0]).toMatchObject({ reason: 'cityTargetMissed', on: '2017-12-31' });
  });

  it('is not met by the signature alone: the handover meets it', () => {
    const d = ROAD.implementing(new CaseDriver('2017-10-09T01:00:00.000Z', { plannedCompletion: '2017-12-31' }));
    d.advanceTo('2018-01-02T00:00:00.000Z');
    expect(isOverdue(d.context)).toBe(true);
    const e = ROAD.implementing(new CaseDriver('2017-10-09T01:00:00.000Z', { plannedCompletion: '2017-12-31' }));
    handOver(e, '2017-11-20');
    e.advanceTo('2018-01-02T00:00:00.000Z');
    expect(isOverdue(e.context)).toBe(false);
    expect(e.notifications('cityTargetMissed')).toHaveLength(0);
  });

  it('moves with a filed plan adjustment to the date the adjustment set', () => {
    const d = ROAD.surveyed(new CaseDriver('2017-10-09T01:00:00.000Z', { plannedCompletion: '2017-12-31' }));
    d.send('ADJUSTMENT_APPLICATION_SIGNED', 'enterprise', '2017-10-12');
    d.send('ADJUSTMENT_APPLICATION_SIGNED', 'township', '2017-10-12');
    d.send('ADJUSTMENT_REVIEWED', 'districtGovernment', '2017-10-16', { approved: true, reason: '属实' });
    d.send('ADJUSTMENT_OPINION_GIVEN', 'cityUrbanManagement', '2017-10-18', { approved: true, reason: '同意' });
    d.send('ADJUSTMENT_OPINION_GIVEN', 'cityFinance', '2017-10-18', { approved: true, reason: '同意' });
    d.send('ADJUSTMENT_VERIFIED', 'citySasac', '2017-10-20', { approved: true, reason: '认定', adjustedPlannedCompletion: '2018-06-30' });
    expect(d.context.deadlines.cityTarget!.due).toBe('2017-12-31'); // not before it is filed
    d.send('ADJUSTMENT_FILED', 'districtCivilAffairs', '2017-10-23', { filingRef: '备案〔2017〕1号' });
    expect(d.context.deadlines.cityTarget).toMatchObject({ due: '2018-06-30', basis: { en: 'completion date of the filed plan adjustment' } });
    d.advanceTo('2018-01-02T00:00:00.000Z');
    expect(isOverdue(d.context)).toBe(false);
    expect(d.notifications('cityTargetMissed')).toHaveLength(0);
    d.advanceTo('2018-06-30T16:00:00.000Z');
    expect(isOverdue(d.context)).toBe(true);
    expect(d.notifications('cityTargetMissed')[0]!.dueKey).toBe('2018-06-30');
  });

  it("applies the city's date only where the city set it, and then when it is the earlier", () => {
    const opened2025 = new CaseDriver('2025-03-03T01:00:00.000Z', { plannedCompletion: '2025-12-31' });
    expect(opened2025.context.deadlines.cityTarget!.due).toBe('2025-12-31');
    expect(opened2025.notifications('cityTargetMissed')).toHaveLength(0);
    opened2025.advanceTo('2025-03-04T00:00:00.000Z');
    expect(isOverdue(opened2025.context)).toBe(false);
    const citySet = new CaseDriver('2018-03-01T01:00:00.000Z', { plannedCompletion: '2018-12-31', settings: { cityTargetDate: '2018-06-30' } });
    expect(citySet.context.deadlines.cityTarget).toMatchObject({ due: '2018-06-30', at: '2018-06-30T16:00:00.000Z', basis: { en: "the city's target date (setting)" } });
  });

  it('gives the "already handed over" path a deadline too: the supplementary agreement by the target', () => {
    const d = new CaseDriver('2017-10-09T01:00:00.000Z', { plannedCompletion: '2017-12-31' });
    d.send('ALREADY_HANDED_OVER_DECLARED', 'districtCivilAffairs', '2017-10-10', { handedOverOn: '2016-06-30', note: '2016年已移交' });
    d.advanceTo('2017-12-31T16:00:00.000Z');
    expect(isOverdue(d.context)).toBe(true);
    expect(d.notifications('cityTargetMissed')).toHaveLength(1);
    d.send('AGREEMENT_SIGNED', 'enterprise', '2018-01-03');
    d.send('AGREEMENT_SIGNED', 'districtGovernment', '2018-01-04');
    expect(isOverdue(d.context)).toBe(false);
  });
});

describe('who may do what', () => {
  const d = new CaseDriver();

  it('refuses a role the notice does not give the decision, naming who may', () => {
    const r = checkDecision(d.snapshot, PARTIES, decision('SURVEY_SUBMITTED', 'enterprise', '2017-10-10'), d.now);
    expect(!r.ok && r.refusal.code).toBe('wrongRole');
    expect(!r.ok && r.refusal.message.zh).toContain('区县民政局');
  });

  it("refuses another enterprise, another district's office, and another township", () => {
    const other = { ...PARTIES, creditCode: '915000000000000005', district: '渝中区', township: '渝中区/解放碑街道' };
    for (const [type, role] of [['ADJUSTMENT_APPLICATION_SIGNED', 'enterprise'], ['SURVEY_SUBMITTED', 'districtCivilAffairs'], ['SURVEY_SUBMITTED', 'township']] as const) {
      const r = checkDecision(d.snapshot, PARTIES, decision(type, role, '2017-10-10', undefined, other), d.now);
      expect(!r.ok && r.refusal.code).toBe('wrongOrganisation');
    }
  });

  it('refuses a decision dated in the future', () => {
    const r = checkDecision(d.snapshot, PARTIES, decision('SURVEY_SUBMITTED', 'districtCivilAffairs', '2030-01-01'), d.now);
    expect(!r.ok && r.refusal.code).toBe('futureDate');
  });

  it('lists the actions each role may take now', () => {
    expect(availableActions(d.snapshot, 'districtCivilAffairs')).toEqual(
      expect.arrayContaining(['SURVEY_SUBMITTED', 'ALREADY_HANDED_OVER_DECLARED', 'MAJOR_PROBLEM_REPORTED', 'NEW_TASK_REPORTED']),
    );
    expect(availableActions(d.snapshot, 'enterprise')).not.toContain('SURVEY_SUBMITTED');
    expect(availableActions(d.snapshot, 'cityFinance')).toEqual(['MAJOR_PROBLEM_REPORTED']);
  });
});
