// §三(三) what both parties sign (Build 6) and past cases recorded after the fact (Build 5).
import { CaseDriver, ROAD } from '../helpers/case-driver';
import { AGREEMENT, PAYLOADS } from '../helpers/decisions';
import { agreementHash } from '../../machines/agreement-text';
import { isOverdue, projectCase, responsibilityOf } from '../../machines/case-view';
import type { EventType } from '../../machines/events';
import type { Role } from '../../machines/roles';

describe('§三(三) the agreement both parties sign', () => {
  it('keeps the hash and each signature, and refuses a second signer with another text, naming the field', () => {
    const d = ROAD.planAgreed();
    d.send('AGREEMENT_SIGNED', 'enterprise', '2017-10-20');
    const hash = agreementHash(AGREEMENT.sections);
    expect(d.context.agreement.textHash).toBe(hash);
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const other = { sections: { ...AGREEMENT.sections, fundAccounting: '企业一次性补助 0 元' } };
    const refused = d.trySend('AGREEMENT_SIGNED', 'districtGovernment', '2017-10-23', other);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.refusal.issues?.[0]?.path).toBe('data.sections');
    expect(d.context.agreement.signedOn).toBeUndefined();
    d.send('AGREEMENT_SIGNED', 'districtGovernment', '2017-10-23');
    expect(d.context.agreement.signedTexts).toEqual({ enterprise: { on: '2017-10-20', hash }, districtGovernment: { on: '2017-10-23', hash } });
    expect(JSON.stringify(d.context)).not.toContain(AGREEMENT.sections.rightsAndDuties);
  });

  it('keeps the agreed 移交时间', () => {
    const d = ROAD.planAgreed();
    d.send('AGREEMENT_SIGNED', 'enterprise', '2017-10-20', { ...AGREEMENT, handoverDate: '2017-11-30' });
    d.send('AGREEMENT_SIGNED', 'districtGovernment', '2017-10-23', { ...AGREEMENT, handoverDate: '2017-11-30' });
    expect(d.context.agreement.handoverDate).toBe('2017-11-30');
    expect(responsibilityOf(d.context).party).toBe('enterprise');
  });

  it('requires the handover documents the notice lists, refusing `false`', () => {
    const d = ROAD.implementing();
    const sample = PAYLOADS.FACILITIES_HANDED_OVER as { documents: Record<string, boolean> };
    const refused = d.trySend('FACILITIES_HANDED_OVER', 'enterprise', '2017-11-01', { ...sample, documents: { ...sample.documents, repairRecords: false } });
    expect(!refused.ok && refused.refusal.issues?.map((i) => i.path)).toEqual(['data.documents.repairRecords']);
  });

  it('refuses a decision dated before the case’s previous decision', () => {
    const d = ROAD.negotiating();
    d.send('WORK_PLAN_PROPOSED', 'township', '2017-10-16');
    const refused = d.trySend('WORK_PLAN_ACCEPTED', 'enterprise', '2017-10-13');
    expect(!refused.ok && refused.refusal.issues?.[0]?.path).toBe('occurredOn');
  });
});

describe('past cases judged on their own dates (Build 5)', () => {
  /** Recording in 2026: each decision sent, then the workflow's loop runs its due timers a minute later. */
  function recorder() {
    const d = new CaseDriver('2026-11-27T02:00:00.000Z', { plannedCompletion: '2017-12-31' });
    const record = (type: EventType, role: Role, on: string, data?: unknown) => {
      d.send(type, role, on, data);
      d.advanceTo(d.now + 60_000);
    };
    return { d, record };
  }

  it('records a whole 2017 case decision by decision in 2026 without a false notice', () => {
    const { d, record } = recorder();
    d.advanceTo(d.now + 60_000);
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
    record('TRANSITION_DECIDED', 'districtGovernment', '2017-11-10', { ...(PAYLOADS.TRANSITION_DECIDED as object), startsOn: '2017-11-10' });
    expect(d.context.agreement).toMatchObject({ signedOn: '2017-10-16', late: false });
    expect(d.context.handedOverOn).toBe('2017-11-10');
    // The transition ended in 2020: after the grace the case closes, without "about 90 days left" in 2026.
    d.advanceTo(d.now + 2 * 86_400_000);
    expect(d.snapshot.status).toBe('done');
    expect(isOverdue(d.context)).toBe(false);
    expect(d.notifications()).toEqual([]);
  });

  it('turns a gap in the record that passes a deadline into that notice, dated at its due instant, marked after the fact', () => {
    const { d, record } = recorder();
    record('SURVEY_SUBMITTED', 'districtCivilAffairs', '2017-09-04');
    record('SURVEY_CONFIRMED', 'districtCivilAffairs', '2017-09-05');
    expect(d.notifications()).toEqual([]);
    // Nothing more is recorded: after the grace period the record's gap speaks (20 working days from 09-05, the 09-30 make-up day counted, National Day skipped → 10-09).
    d.advanceTo(d.now + 25 * 3_600_000);
    expect(d.notifications('negotiationReminder').map((n) => n.dueKey)).toEqual(['2017-09-19']);
    expect(d.notifications('negotiationSupervised').map((n) => n.dueKey)).toEqual(['2017-10-09']);
    expect(d.notifications('cityTargetMissed').map((n) => n.dueKey)).toEqual(['2017-12-31']);
    expect(d.context.notices!.latest.map((n) => [n.reason, n.on, n.afterTheFact]).sort()).toEqual([
      ['cityTargetMissed', '2017-12-31', true],
      ['negotiationReminder', '2017-09-19', true],
      ['negotiationSupervised', '2017-10-09', true],
    ]);
  });
});

describe('one projection of a case (Build 8)', () => {
  it('keeps fired deadlines with their status and dates, and says who is responsible and why', () => {
    const d = ROAD.planAgreed(new CaseDriver('2017-10-09T01:00:00.000Z', { plannedCompletion: '2017-12-31' }));
    d.advanceTo('2017-11-10T00:00:00.000Z'); // the agreement window (due 2017-11-01) has fired
    d.send('AGREEMENT_SIGNED', 'enterprise', '2017-11-10');
    const p = projectCase(d.snapshot, d.now);
    const byKind = Object.fromEntries(p.deadlines.map((x) => [x.kind, x]));
    expect(byKind.agreement).toMatchObject({ due: '2017-11-01', status: 'missed', on: '2017-11-01' });
    expect(byKind.negotiationEscalation).toMatchObject({ status: 'met', on: '2017-10-18' });
    expect(byKind.cityTarget).toMatchObject({ due: '2017-12-31', status: 'pending' });
    expect(byKind.agreement!.explanation.en).toContain('working days');
    expect(p).toMatchObject({ stage: 'agreement', handedOver: false, overdue: true, responsibility: { party: 'enterprise' } });
  });
});
