// §三(三) the agreement: 10 working days on the official calendar, reminder, escalation, direct entry.
import { CaseDriver } from '../helpers/case-driver';
import { isOverdue, stageOf } from '../../machines/case-view';

/** A case whose plan is agreed on `agreedOn` (both parties), recorded at 09:00 that day or later. */
function agreedOn(agreedOn: string, startedAt = '2017-09-01T01:00:00.000Z', settings = {}): CaseDriver {
  const d = new CaseDriver(startedAt, { settings });
  d.send('SURVEY_SUBMITTED', 'districtCivilAffairs', '2017-09-04');
  d.send('SURVEY_CONFIRMED', 'districtCivilAffairs', '2017-09-05');
  d.send('WORK_PLAN_PROPOSED', 'enterprise', '2017-09-20');
  d.send('WORK_PLAN_ACCEPTED', 'township', agreedOn);
  return d;
}

describe('§三(三) agreement deadline', () => {
  it('is the end of the 10th working day after the plan was agreed, skipping National Day 2017', () => {
    const d = agreedOn('2017-09-28');
    expect(stageOf(d.snapshot)).toBe('agreement');
    const deadline = d.context.deadlines.agreement!;
    expect(deadline).toMatchObject({ due: '2017-10-18', at: '2017-10-18T16:00:00.000Z', from: '2017-09-28' });
    expect(deadline.workingDays!.makeupWorkdays).toEqual(['2017-09-30']);
    expect(deadline.workingDays!.skipped.filter((s) => s.kind === 'holiday')).toHaveLength(8);
  });

  it('reminds the signatories the setting number of working days before', () => {
    const d = agreedOn('2017-09-28');
    expect(d.context.deadlines.agreementReminder!.due).toBe('2017-10-13');
    d.advanceTo('2017-10-13T15:59:59.999Z');
    expect(d.notifications('agreementReminder')).toHaveLength(0);
    d.advanceTo('2017-10-13T16:00:00.000Z');
    const [reminder] = d.notifications('agreementReminder');
    expect(reminder).toMatchObject({ to: ['enterprise', 'districtGovernment', 'districtCivilAffairs'], dueKey: '2017-10-18', clause: '§三(三)' });
  });

  it('escalates to cityCivilAffairs exactly at the deadline instant, not a millisecond before', () => {
    const d = agreedOn('2017-09-28');
    d.advanceTo('2017-10-18T15:59:59.999Z');
    expect(d.notifications('agreementEscalated')).toHaveLength(0);
    expect(d.snapshot.matches({ agreement: 'drafting' })).toBe(true);
    d.advanceTo('2017-10-18T16:00:00.000Z');
    expect(d.snapshot.matches({ agreement: 'overdue' })).toBe(true);
    expect(d.notifications('agreementEscalated')[0]).toMatchObject({ to: ['cityCivilAffairs', 'districtGovernment', 'enterprise'], dueKey: '2017-10-18' });
    expect(isOverdue(d.context)).toBe(true);
  });

  it('escalates to the configured body when the setting names another', () => {
    const d = agreedOn('2017-09-28', undefined, { agreementEscalationTo: 'cityUrbanManagement' });
    d.advanceTo('2017-10-18T16:00:00.000Z');
    expect(d.notifications('agreementEscalated')[0]!.to).toContain('cityUrbanManagement');
  });

  it('sends no escalation when both sides sign in time', () => {
    const d = agreedOn('2017-09-28');
    d.send('AGREEMENT_SIGNED', 'enterprise', '2017-10-16');
    d.send('AGREEMENT_SIGNED', 'districtGovernment', '2017-10-18');
    d.advanceTo('2017-12-01T00:00:00.000Z');
    expect(d.notifications('agreementEscalated')).toHaveLength(0);
    expect(d.context.agreement).toMatchObject({ signedOn: '2017-10-18', late: false });
    expect(stageOf(d.snapshot)).toBe('implementation');
  });

  it('counts a decision recorded late from its own date, escalating after the grace for the record when the window has closed', () => {
    const d = new CaseDriver('2017-09-01T01:00:00.000Z', { settings: { negotiationEscalationWorkingDays: 60 } });
    d.send('SURVEY_SUBMITTED', 'districtCivilAffairs', '2017-09-04');
    d.send('SURVEY_CONFIRMED', 'districtCivilAffairs', '2017-09-05');
    d.send('WORK_PLAN_PROPOSED', 'enterprise', '2017-09-20');
    d.advanceTo('2017-10-25T02:00:00.000Z');
    d.send('WORK_PLAN_ACCEPTED', 'township', '2017-09-28'); // recorded four weeks late
    expect(d.context.deadlines.agreement!.due).toBe('2017-10-18');
    d.advanceTo(d.now + 60_000); // the host's loop: the window closed before it was recorded, the record may still show it met
    expect(d.snapshot.matches({ agreement: 'drafting' })).toBe(true);
    d.advanceTo(d.now + 25 * 3_600_000); // nothing recorded within the grace (setting lateRecordGraceHours, 24)
    expect(d.snapshot.matches({ agreement: 'overdue' })).toBe(true);
    expect(d.notifications('agreementEscalated')).toHaveLength(1);
    expect(d.notifications('agreementReminder')).toHaveLength(0); // too late to remind
  });

  it('still accepts the signatures after escalation and records the agreement as late', () => {
    const d = agreedOn('2017-09-28');
    d.advanceTo('2017-10-19T02:00:00.000Z');
    d.send('AGREEMENT_SIGNED', 'districtGovernment', '2017-10-20');
    d.send('AGREEMENT_SIGNED', 'enterprise', '2017-10-23');
    expect(d.context.agreement).toMatchObject({ signedOn: '2017-10-23', late: true });
    expect(isOverdue(d.context)).toBe(false);
  });

  it('takes each signature once: the same party cannot sign twice, and only the two parties sign', () => {
    const d = agreedOn('2017-09-28');
    d.send('AGREEMENT_SIGNED', 'enterprise', '2017-10-09');
    const again = d.trySend('AGREEMENT_SIGNED', 'enterprise', '2017-10-10');
    expect(again.ok).toBe(false);
    expect(!again.ok && again.refusal.code).toBe('wrongStage');
    const township = d.trySend('AGREEMENT_SIGNED', 'township', '2017-10-10');
    expect(!township.ok && township.refusal.code).toBe('wrongRole');
  });

  it('requires the seven sections', () => {
    const d = agreedOn('2017-09-28');
    const r = d.trySend('AGREEMENT_SIGNED', 'enterprise', '2017-10-09', { sections: { parties: 'a', content: 'b' } });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.refusal.issues!.map((i) => i.path)).toEqual(
      expect.arrayContaining(['data.sections.method', 'data.sections.timing', 'data.sections.rightsAndDuties', 'data.sections.fundAccounting', 'data.sections.breachLiability']),
    );
  });
});

describe('§三(三) enterprises that handed over without an agreement', () => {
  it('enter the agreement stage directly, with the township responsible, and complete on signing', () => {
    const d = new CaseDriver('2017-10-09T01:00:00.000Z');
    d.send('ALREADY_HANDED_OVER_DECLARED', 'districtCivilAffairs', '2017-10-10');
    expect(d.snapshot.matches({ agreement: 'supplementary' })).toBe(true);
    expect(d.context.handedOverOn).toBe('2016-06-30');
    expect(d.context.deadlines.agreement).toBeUndefined();
    d.send('AGREEMENT_SIGNED', 'enterprise', '2017-10-20');
    d.send('AGREEMENT_SIGNED', 'districtGovernment', '2017-10-21');
    expect(d.snapshot.value).toBe('completed');
    expect(d.context.handedOverOn).toBe('2016-06-30');
  });
});
