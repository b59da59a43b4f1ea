// §四(二) responsibility, §四 major problems, §一(二) city target and the overdue flag, who may act.
import { CaseDriver, ROAD } from '../helpers/case-driver';
import { availableActions, isOverdue, responsibleParty } from '../../machines/case-view';
import { checkDecision } from '../../machines/decide';
import { PARTIES, decision } from '../helpers/decisions';

describe('§四(二) petition and public-opinion responsibility', () => {
  it('lies with the enterprise before the handover and with the township from the signing on', () => {
    const d = ROAD.planAgreed();
    d.send('AGREEMENT_SIGNED', 'enterprise', '2017-10-25');
    expect(responsibleParty(d.context)).toBe('enterprise');
    d.send('AGREEMENT_SIGNED', 'districtGovernment', '2017-10-26');
    expect(responsibleParty(d.context)).toBe('township');
    expect(d.context.handedOverOn).toBe('2017-10-26');
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

describe('§一(二) the city target date', () => {
  it('flags a case without an agreement at the end of 2017 as overdue', () => {
    const d = new CaseDriver();
    d.advanceTo('2017-12-31T15:59:59.999Z');
    expect(isOverdue(d.context)).toBe(false);
    d.advanceTo('2017-12-31T16:00:00.000Z');
    expect(isOverdue(d.context)).toBe(true);
    expect(d.notifications('cityTargetMissed')).toHaveLength(1);
  });

  it('does not flag a case that signed in time', () => {
    const d = ROAD.implementing();
    d.advanceTo('2018-01-02T00:00:00.000Z');
    expect(isOverdue(d.context)).toBe(false);
    expect(d.notifications('cityTargetMissed')).toHaveLength(0);
  });

  it('takes its date from the setting', () => {
    const d = new CaseDriver('2018-03-01T01:00:00.000Z', { settings: { cityTargetDate: '2018-06-30' } });
    expect(d.context.deadlines.cityTarget).toMatchObject({ due: '2018-06-30', at: '2018-06-30T16:00:00.000Z' });
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
