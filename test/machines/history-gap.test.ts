// Issue 11, Build 5: a gap in a record made after the fact is reported even when the next record arrives within
// the late-record grace (the state it leaves cancels its timers: the deadline it passed is caught up, not dropped).
import { CaseDriver } from '../helpers/case-driver';
import { projectCase } from '../../machines/case-view';
import type { EventType } from '../../machines/events';
import type { Role } from '../../machines/roles';

function recorder() {
  const d = new CaseDriver('2026-11-27T02:00:00.000Z', { plannedCompletion: '2017-12-31' });
  // Decisions a second apart: every one within the grace of the one before.
  const record = (type: EventType, role: Role, on: string, data?: unknown) => {
    d.send(type, role, on, data);
    d.advanceTo(d.now + 1_000);
  };
  return { d, record };
}

describe('a gap within the late-record grace (Build 5)', () => {
  it('a plan agreed after the negotiation deadlines: the 督办 dated at its due date, after the fact, sent once; no 催办 for a negotiation that ended', () => {
    const { d, record } = recorder();
    record('SURVEY_SUBMITTED', 'districtCivilAffairs', '2017-09-04');
    record('SURVEY_CONFIRMED', 'districtCivilAffairs', '2017-09-05');
    record('WORK_PLAN_PROPOSED', 'enterprise', '2017-09-20');
    expect(d.notifications()).toEqual([]);
    record('WORK_PLAN_ACCEPTED', 'township', '2017-10-12'); // after 09-19 (reminder) and 10-09 (supervision)
    expect(d.notifications().map((n) => [n.reason, n.dueKey])).toEqual([['negotiationSupervised', '2017-10-09']]);
    expect((d.notifications('negotiationSupervised')[0]!.message as { zh: string }).zh).toContain('补记');
    expect(d.context.notices!.latest.map((n) => [n.reason, n.on, n.afterTheFact])).toEqual([['negotiationSupervised', '2017-10-09', true]]);
    // The agreement is signed in its window: nothing for it.
    record('AGREEMENT_SIGNED', 'enterprise', '2017-10-20');
    record('AGREEMENT_SIGNED', 'districtGovernment', '2017-10-23');
    expect(d.notifications()).toHaveLength(1);
    // The record ends there, before the handover: after the grace the plan date (2017-12-31) speaks, after the fact.
    d.advanceTo(d.now + 2 * 86_400_000);
    expect(d.notifications().map((n) => n.reason)).toEqual(['negotiationSupervised', 'cityTargetMissed']);
    expect(d.context.notices!.latest.map((n) => [n.reason, n.on, n.afterTheFact])).toEqual([
      ['negotiationSupervised', '2017-10-09', true],
      ['cityTargetMissed', '2017-12-31', true],
    ]);
  });

  it('an agreement signed after its 10 working days: the escalation dated at its due date, marked, and the deadline shown missed', () => {
    const { d, record } = recorder();
    record('SURVEY_SUBMITTED', 'districtCivilAffairs', '2017-09-04');
    record('SURVEY_CONFIRMED', 'districtCivilAffairs', '2017-09-05');
    record('WORK_PLAN_PROPOSED', 'enterprise', '2017-09-20');
    record('WORK_PLAN_ACCEPTED', 'township', '2017-09-28');
    record('AGREEMENT_SIGNED', 'enterprise', '2017-11-20');
    expect(d.notifications()).toEqual([]);
    record('AGREEMENT_SIGNED', 'districtGovernment', '2017-11-21');
    const due = d.context.deadlines.agreement!.due;
    expect(due < '2017-11-20').toBe(true);
    expect(d.notifications().map((n) => [n.reason, n.dueKey])).toEqual([['agreementEscalated', due]]);
    expect(d.context.notices!.latest).toEqual([expect.objectContaining({ reason: 'agreementEscalated', on: due, due, afterTheFact: true })]);
    expect(d.context.agreement).toMatchObject({ signedOn: '2017-11-21', late: true });
    const view = projectCase(d.snapshot, d.now);
    expect(view.deadlines.find((x) => x.kind === 'agreement')).toMatchObject({ status: 'missed', on: '2017-11-21' });
    expect(view.overdue).toBe(false);
  });

  it('a handover after the plan date: the target missed, after the fact, once', () => {
    const { d, record } = recorder();
    record('SURVEY_SUBMITTED', 'districtCivilAffairs', '2017-09-04');
    record('SURVEY_CONFIRMED', 'districtCivilAffairs', '2017-09-05');
    record('WORK_PLAN_PROPOSED', 'enterprise', '2017-09-20');
    record('WORK_PLAN_ACCEPTED', 'township', '2017-09-28');
    record('AGREEMENT_SIGNED', 'enterprise', '2017-10-12');
    record('AGREEMENT_SIGNED', 'districtGovernment', '2017-10-16');
    record('FACILITIES_HANDED_OVER', 'enterprise', '2017-10-20');
    record('COMMUNITY_SETUP_DECIDED', 'township', '2017-10-23', { hasFamilyCommittee: false, meetsConditions: false, route: 'mergeIntoNeighbour' });
    record('FACILITIES_INSPECTED', 'districtCivilAffairs', '2017-10-25');
    record('COMMUNITY_MERGED', 'township', '2017-11-06');
    expect(d.notifications()).toEqual([]);
    record('TRANSITION_DECIDED', 'districtGovernment', '2018-01-15', { establish: false, reason: '居民自治条件成熟，不设过渡期' });
    expect(d.context.handedOverOn).toBe('2018-01-15');
    expect(d.notifications().map((n) => [n.reason, n.dueKey])).toEqual([['cityTargetMissed', '2017-12-31']]);
    expect(d.context.notices!.latest).toEqual([expect.objectContaining({ reason: 'cityTargetMissed', on: '2017-12-31', afterTheFact: true })]);
    expect(d.snapshot.status).toBe('done');
  });

  it('a live case that met its window sends nothing on leaving it', () => {
    const d = new CaseDriver('2017-09-01T01:00:00.000Z');
    d.send('SURVEY_SUBMITTED', 'districtCivilAffairs', '2017-09-04');
    d.send('SURVEY_CONFIRMED', 'districtCivilAffairs', '2017-09-05');
    d.send('WORK_PLAN_PROPOSED', 'enterprise', '2017-09-11');
    d.send('WORK_PLAN_ACCEPTED', 'township', '2017-09-12');
    expect(d.notifications()).toEqual([]);
  });
});
