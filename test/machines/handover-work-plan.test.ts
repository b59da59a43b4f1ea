// §三(二) work plan: six sections or folded into the overall plan, and the escalation ladder.
import { CaseDriver, ROAD } from '../helpers/case-driver';
import { WORK_PLAN } from '../helpers/decisions';

const negotiating = (settings = {}) => ROAD.negotiating(new CaseDriver('2017-10-09T01:00:00.000Z', { settings }));

describe('§三(二) work plan', () => {
  it('needs all six sections', () => {
    const d = negotiating();
    const { safeguards: _s, ...five } = WORK_PLAN.sections;
    const r = d.trySend('WORK_PLAN_PROPOSED', 'township', '2017-10-12', { sections: five });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.refusal.message.en).toContain('safeguards');
  });

  it('is agreed only when the other party accepts the proposal', () => {
    const d = negotiating();
    expect(d.trySend('WORK_PLAN_ACCEPTED', 'enterprise', '2017-10-12').ok).toBe(false); // nothing proposed yet
    d.send('WORK_PLAN_PROPOSED', 'township', '2017-10-12');
    expect(d.trySend('WORK_PLAN_ACCEPTED', 'township', '2017-10-13').ok).toBe(false); // not its own proposal
    d.send('WORK_PLAN_ACCEPTED', 'enterprise', '2017-10-13');
    expect(d.context.workPlan.agreedOn).toBe('2017-10-13');
    expect(d.snapshot.matches({ agreement: 'drafting' })).toBe(true);
  });

  it('may be folded into the overall plan, recording the reference', () => {
    const d = negotiating();
    d.send('WORK_PLAN_PROPOSED', 'enterprise', '2017-10-12', { foldedIntoOverallPlan: { reference: '某集团社会职能分离移交总体方案' } });
    d.send('WORK_PLAN_ACCEPTED', 'township', '2017-10-13');
    expect(d.context.workPlan.proposal).toMatchObject({ form: 'foldedIntoOverallPlan', reference: '某集团社会职能分离移交总体方案' });
  });
});

describe('§三(二) coordination on request (Build 2)', () => {
  it('sends an ordinary disagreement to cityCivilAffairs with the parent group, which can send it back to negotiation', () => {
    const d = negotiating();
    d.send('DISAGREEMENT_ESCALATED', 'township', '2017-10-20');
    expect(d.snapshot.matches({ workPlan: 'cityCivilAffairsCoordination' })).toBe(true);
    expect(d.notifications('disagreementEscalated')[0]!.to).toEqual(['cityCivilAffairs', 'parentGroup']);
    d.send('PARENT_GROUP_OPINION_GIVEN', 'parentGroup', '2017-10-23');
    expect(d.trySend('COORDINATION_CONCLUDED', 'cityUrbanManagement', '2017-10-24', { outcome: 'backToNegotiation', summary: '退回协商' }).ok).toBe(false);
    d.send('COORDINATION_CONCLUDED', 'cityCivilAffairs', '2017-10-24', { outcome: 'backToNegotiation', summary: '退回双方继续协商' });
    expect(d.snapshot.matches({ workPlan: 'negotiating' })).toBe(true);
    expect(d.context.workPlan.parentGroupOpinions.count).toBe(1);
  });

  it('lets the district ask for coordination, but only a party declares a major disagreement', () => {
    const d = negotiating();
    const refused = d.trySend('DISAGREEMENT_ESCALATED', 'districtCivilAffairs', '2017-10-20', { major: true, summary: '重大分歧' });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.refusal.issues?.[0]?.path).toBe('data.major');
    d.send('DISAGREEMENT_ESCALATED', 'districtCivilAffairs', '2017-10-20', { major: false, summary: '区县报请协调' });
    expect(d.snapshot.matches({ workPlan: 'cityCivilAffairsCoordination' })).toBe(true);
  });

  it('ends city civil affairs coordination in an agreed plan that opens the signing window', () => {
    const d = negotiating();
    d.send('WORK_PLAN_PROPOSED', 'township', '2017-10-16');
    d.send('DISAGREEMENT_ESCALATED', 'enterprise', '2017-10-20');
    d.send('COORDINATION_CONCLUDED', 'cityCivilAffairs', '2017-10-27', { outcome: 'agreedPlan', summary: '协调一致' });
    expect(d.snapshot.matches({ agreement: 'drafting' })).toBe(true);
    expect(d.context.workPlan.agreedOn).toBe('2017-10-27');
    // 10 working days from Fri 2017-10-27 → Fri 2017-11-10.
    expect(d.context.deadlines.agreement!.due).toBe('2017-11-10');
  });

  it('refers a major disagreement on to 市城管委 only naming the party that declared it', () => {
    const d = negotiating();
    d.send('DISAGREEMENT_ESCALATED', 'township', '2017-10-20');
    const refused = d.trySend('COORDINATION_CONCLUDED', 'cityCivilAffairs', '2017-10-24', { outcome: 'referredOn', summary: '分歧重大' });
    expect(!refused.ok && refused.refusal.issues?.[0]?.path).toBe('data.declaredBy');
    d.send('COORDINATION_CONCLUDED', 'cityCivilAffairs', '2017-10-24', { outcome: 'referredOn', summary: '企业提出重大分歧', declaredBy: 'enterprise' });
    expect(d.snapshot.matches({ workPlan: 'cityUrbanManagementCoordination' })).toBe(true);
    expect(d.context.workPlan.escalations.latest.map((e) => e.level)).toEqual(['cityCivilAffairs', 'cityUrbanManagement']);
  });

  it('sends a major disagreement a party declares straight to cityUrbanManagement, which ends it either way', () => {
    const d = negotiating();
    d.send('DISAGREEMENT_ESCALATED', 'enterprise', '2017-10-20', { major: true, summary: '资产划转存在重大分歧' });
    expect(d.snapshot.matches({ workPlan: 'cityUrbanManagementCoordination' })).toBe(true);
    expect(d.notifications('majorDisagreementEscalated')[0]!.to).toContain('cityUrbanManagement');
    expect(d.trySend('COORDINATION_CONCLUDED', 'cityCivilAffairs', '2017-10-21', { outcome: 'backToNegotiation', summary: 'x' }).ok).toBe(false);
    // 市城管委 has no one further to refer to.
    expect(d.trySend('COORDINATION_CONCLUDED', 'cityUrbanManagement', '2017-10-23', { outcome: 'referredOn', summary: 'x', declaredBy: 'enterprise' }).ok).toBe(false);
    d.send('COORDINATION_CONCLUDED', 'cityUrbanManagement', '2017-10-23', { outcome: 'backToNegotiation', summary: '退回协商' });
    expect(d.snapshot.matches({ workPlan: 'negotiating' })).toBe(true);

    const e = negotiating();
    e.send('WORK_PLAN_PROPOSED', 'enterprise', '2017-10-16');
    e.send('DISAGREEMENT_ESCALATED', 'township', '2017-10-20', { major: true, summary: '重大分歧' });
    e.send('COORDINATION_CONCLUDED', 'cityUrbanManagement', '2017-10-30', { outcome: 'agreedPlan', summary: '协调一致' });
    expect(e.snapshot.matches({ agreement: 'drafting' })).toBe(true);
  });

  it('does not escalate after the settings: 催办 to the parties, 督办 to cityCivilAffairs, the case stays with the parties', () => {
    const d = negotiating();
    // Negotiation began Wed 2017-10-11 (defaults: reminder after 10, supervision after 20 working days; National Day week before).
    expect(d.context.deadlines.negotiationReminder!.due).toBe('2017-10-25');
    expect(d.context.deadlines.negotiationEscalation!.due).toBe('2017-11-08');
    d.advanceTo('2017-10-25T16:00:00.000Z');
    expect(d.notifications('negotiationReminder').map((n) => n.to)).toEqual([['township', 'enterprise']]);
    d.advanceTo('2017-11-08T16:00:00.000Z');
    const supervision = d.notifications('negotiationSupervised');
    expect(supervision).toHaveLength(1);
    expect(supervision[0]!.to).toEqual(['cityCivilAffairs', 'districtCivilAffairs']);
    expect(d.snapshot.matches({ workPlan: 'negotiating' })).toBe(true);
    expect(d.context.workPlan.escalations.count).toBe(0);
    expect(d.notifications('negotiationEscalated')).toHaveLength(0);
    // Recorded on the case as notifications.
    expect(d.context.notices!.latest.map((n) => [n.reason, n.on])).toEqual([
      ['negotiationReminder', '2017-10-25'],
      ['negotiationSupervised', '2017-11-08'],
    ]);
    // Weeks later, still negotiating, and the parties can still agree.
    d.advanceTo('2017-12-20T00:00:00.000Z');
    expect(d.snapshot.matches({ workPlan: 'negotiating' })).toBe(true);
    d.send('WORK_PLAN_PROPOSED', 'township', '2017-12-20');
    d.send('WORK_PLAN_ACCEPTED', 'enterprise', '2017-12-21');
    expect(d.snapshot.matches({ agreement: 'drafting' })).toBe(true);
  });

  it('lets the parties accept a plan during coordination, and supervises each coordination with its own setting', () => {
    const d = negotiating({ coordinationEscalationWorkingDays: 3, urbanCoordinationSupervisionWorkingDays: 2 });
    d.send('DISAGREEMENT_ESCALATED', 'township', '2017-10-19');
    // Coordination from Thu 2017-10-19: 3 working days → Tue 2017-10-24.
    expect(d.context.deadlines.coordinationEscalation!.due).toBe('2017-10-24');
    d.advanceTo('2017-10-24T16:00:00.000Z');
    expect(d.notifications('coordinationSupervised')[0]!.to).toEqual(['cityCivilAffairs', 'parentGroup']);
    expect(d.snapshot.matches({ workPlan: 'cityCivilAffairsCoordination' })).toBe(true);
    d.send('DISAGREEMENT_ESCALATED', 'enterprise', '2017-10-25', { major: true, summary: '重大分歧' });
    // 市城管委 from Wed 2017-10-25: 2 working days → Fri 2017-10-27.
    expect(d.context.deadlines.urbanCoordinationSupervision!.due).toBe('2017-10-27');
    d.advanceTo('2017-10-27T16:00:00.000Z');
    expect(d.notifications('urbanCoordinationSupervised')[0]!.to).toEqual(['cityUrbanManagement', 'cityCivilAffairs']);
    expect(d.snapshot.matches({ workPlan: 'cityUrbanManagementCoordination' })).toBe(true);
    d.send('WORK_PLAN_PROPOSED', 'enterprise', '2017-10-30');
    d.send('WORK_PLAN_ACCEPTED', 'township', '2017-10-31');
    expect(d.snapshot.matches({ agreement: 'drafting' })).toBe(true);
    expect(d.context.workPlan.agreedOn).toBe('2017-10-31');
  });

  it('does not remind once the plan is agreed in time', () => {
    const d = negotiating({ negotiationEscalationWorkingDays: 5 });
    d.send('WORK_PLAN_PROPOSED', 'township', '2017-10-12');
    d.send('WORK_PLAN_ACCEPTED', 'enterprise', '2017-10-13');
    d.advanceTo('2017-11-30T00:00:00.000Z');
    expect(d.notifications('negotiationSupervised')).toHaveLength(0);
    expect(d.notifications('negotiationReminder')).toHaveLength(0);
  });
});
