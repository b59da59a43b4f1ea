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

describe('§三(二) escalation ladder', () => {
  it('sends an ordinary disagreement to cityCivilAffairs with the parent group, which can resolve it', () => {
    const d = negotiating();
    d.send('DISAGREEMENT_ESCALATED', 'township', '2017-10-20');
    expect(d.snapshot.matches({ workPlan: 'cityCivilAffairsCoordination' })).toBe(true);
    expect(d.notifications('disagreementEscalated')[0]!.to).toEqual(['cityCivilAffairs', 'parentGroup']);
    d.send('PARENT_GROUP_OPINION_GIVEN', 'parentGroup', '2017-10-23');
    expect(d.trySend('COORDINATION_CONCLUDED', 'cityUrbanManagement', '2017-10-24').ok).toBe(false);
    d.send('COORDINATION_CONCLUDED', 'cityCivilAffairs', '2017-10-24');
    expect(d.snapshot.matches({ workPlan: 'negotiating' })).toBe(true);
    expect(d.context.workPlan.parentGroupOpinions.count).toBe(1);
  });

  it('sends a major disagreement straight to cityUrbanManagement', () => {
    const d = negotiating();
    d.send('DISAGREEMENT_ESCALATED', 'enterprise', '2017-10-20', { major: true, summary: '资产划转存在重大分歧' });
    expect(d.snapshot.matches({ workPlan: 'cityUrbanManagementCoordination' })).toBe(true);
    expect(d.notifications('majorDisagreementEscalated')[0]!.to).toContain('cityUrbanManagement');
    expect(d.trySend('COORDINATION_CONCLUDED', 'cityCivilAffairs', '2017-10-21').ok).toBe(false);
    d.send('COORDINATION_CONCLUDED', 'cityUrbanManagement', '2017-10-23');
    expect(d.snapshot.matches({ workPlan: 'negotiating' })).toBe(true);
  });

  it('lets cityCivilAffairs pass a major disagreement up to cityUrbanManagement', () => {
    const d = negotiating();
    d.send('DISAGREEMENT_ESCALATED', 'township', '2017-10-20');
    d.send('COORDINATION_CONCLUDED', 'cityCivilAffairs', '2017-10-24', { outcome: 'majorDisagreement', summary: '分歧重大' });
    expect(d.snapshot.matches({ workPlan: 'cityUrbanManagementCoordination' })).toBe(true);
    expect(d.context.workPlan.escalations.latest.map((e) => e.level)).toEqual(['cityCivilAffairs', 'cityUrbanManagement']);
  });

  it('escalates by itself after the negotiation setting, then after the coordination setting', () => {
    const d = negotiating({ negotiationEscalationWorkingDays: 5, coordinationEscalationWorkingDays: 3 });
    // Negotiation began 2017-10-11 (Wed): 5 working days → Wed 2017-10-18.
    expect(d.context.deadlines.negotiationEscalation).toMatchObject({ due: '2017-10-18', at: '2017-10-18T16:00:00.000Z' });
    d.advanceTo('2017-10-18T15:59:59.999Z');
    expect(d.snapshot.matches({ workPlan: 'negotiating' })).toBe(true);
    d.advanceTo('2017-10-18T16:00:00.000Z');
    expect(d.snapshot.matches({ workPlan: 'cityCivilAffairsCoordination' })).toBe(true);
    expect(d.context.workPlan.escalations.latest[0]).toMatchObject({ level: 'cityCivilAffairs', auto: true, on: '2017-10-19' });
    // Coordination counted from 2017-10-19 (Thu): 3 working days → Tue 2017-10-24.
    expect(d.context.deadlines.coordinationEscalation!.due).toBe('2017-10-24');
    d.advanceTo('2017-10-24T16:00:00.000Z');
    expect(d.snapshot.matches({ workPlan: 'cityUrbanManagementCoordination' })).toBe(true);
    expect(d.notifications('majorDisagreementEscalated')).toHaveLength(1);
  });

  it('does not escalate once the plan is agreed in time', () => {
    const d = negotiating({ negotiationEscalationWorkingDays: 5 });
    d.send('WORK_PLAN_PROPOSED', 'township', '2017-10-12');
    d.send('WORK_PLAN_ACCEPTED', 'enterprise', '2017-10-13');
    d.advanceTo('2017-10-30T00:00:00.000Z');
    expect(d.notifications('negotiationEscalated')).toHaveLength(0);
  });
});
