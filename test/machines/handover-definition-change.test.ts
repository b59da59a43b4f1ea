// Definition 168-2017.1 → 168-2017.2 (issue 11): running cases restore into the new definition at their next
// continue-as-new, and go on under its rules.
import { MachineHost } from '../../workflows/host/machine-host';
import { handoverMachine } from '../../machines/handover';
import { handoverMachine_168_2017_1 } from '../../machines/versions/168-2017.1';
import { checkDecision } from '../../machines/decide';
import { snapshotProblem } from '../../client/admin/definition-check';
import { REGISTERED_DEFINITIONS } from '../../workflows/definitions';
import { DEFINITION_VERSION } from '../../machines/settings';
import { stageOf } from '../../machines/case-view';
import { PARTIES, decision } from '../helpers/decisions';
import type { EventType } from '../../machines/events';
import type { Role } from '../../machines/roles';

/** A case under the old definition, driven through the gate, then persisted as continue-as-new carries it. */
function oldCase(steps: Array<[EventType, Role, string, unknown?]>) {
  let now = Date.parse('2017-09-01T01:00:00.000Z');
  const { host } = MachineHost.start(handoverMachine_168_2017_1, { caseId: 'case-1', parties: PARTIES, enterpriseName: '重庆某机械厂', startedAt: new Date(now).toISOString() }, now);
  for (const [type, role, on, data] of steps) {
    now = Math.max(now, Date.parse(`${on}T01:00:00.000Z`));
    host.fireDue(now);
    const check = checkDecision(host.snapshot, PARTIES, decision(type, role, on, data), now);
    if (!check.ok) throw new Error(`${type}: ${check.refusal.message.en}`);
    host.send(check.event, now);
  }
  return { state: JSON.parse(JSON.stringify(host.persist())), now };
}

describe('definition 168-2017.1 → 168-2017.2', () => {
  it('registers both, the new one behind its patch id', () => {
    expect(REGISTERED_DEFINITIONS.map((d) => [d.version, d.patchId])).toEqual([
      ['168-2017.1', undefined],
      ['168-2017.2', 'definition-168-2017.2'],
      [DEFINITION_VERSION, `definition-${DEFINITION_VERSION}`],
    ]);
  });

  it('restores a negotiating case whose old timer would have escalated: it now only supervises', () => {
    const { state, now } = oldCase([
      ['SURVEY_SUBMITTED', 'districtCivilAffairs', '2017-09-04'],
      ['SURVEY_CONFIRMED', 'districtCivilAffairs', '2017-09-05'],
    ]);
    expect(snapshotProblem(handoverMachine, state)).toBeUndefined();
    const host = MachineHost.restore(handoverMachine, state);
    expect(host.snapshot.context.definitionVersion).toBe(DEFINITION_VERSION);
    const effects = host.fireDue(now + 60 * 86_400_000);
    expect(host.snapshot.matches({ workPlan: 'negotiating' })).toBe(true);
    expect(effects.map((e) => e.params.reason)).toContain('negotiationSupervised');
    expect(effects.map((e) => e.params.reason)).not.toContain('negotiationEscalated');
  });

  it('moves a case waiting only for its transition period (old: inside implementation) on to handedOver', () => {
    const { state, now } = oldCase([
      ['SURVEY_SUBMITTED', 'districtCivilAffairs', '2017-09-04'],
      ['SURVEY_CONFIRMED', 'districtCivilAffairs', '2017-09-05'],
      ['WORK_PLAN_PROPOSED', 'enterprise', '2017-09-20'],
      ['WORK_PLAN_ACCEPTED', 'township', '2017-09-28'],
      ['AGREEMENT_SIGNED', 'enterprise', '2017-10-12'],
      ['AGREEMENT_SIGNED', 'districtGovernment', '2017-10-16'],
      ['TRANSITION_DECIDED', 'districtGovernment', '2017-10-20'],
      ['FACILITIES_HANDED_OVER', 'enterprise', '2017-10-23'],
      ['FACILITIES_INSPECTED', 'districtCivilAffairs', '2017-10-25'],
      ['COMMUNITY_SETUP_DECIDED', 'township', '2017-10-26', { hasFamilyCommittee: false, meetsConditions: false, route: 'mergeIntoNeighbour' }],
    ]);
    expect(snapshotProblem(handoverMachine, state)).toBeUndefined();
    const host = MachineHost.restore(handoverMachine, state);
    expect(host.snapshot.matches({ implementation: { funding: 'inTransition' } })).toBe(true);
    const check = checkDecision(host.snapshot, PARTIES, decision('COMMUNITY_MERGED', 'township', '2017-11-06'), now + 20 * 86_400_000);
    expect(check.ok).toBe(true);
    if (check.ok) host.send(check.event, now + 20 * 86_400_000);
    expect(stageOf(host.snapshot)).toBe('handedOver');
    expect(host.snapshot.context.handedOverOn).toBe('2017-11-06');
    host.fireDue(Date.parse('2020-10-20T00:00:00.000Z'));
    expect(host.snapshot.status).toBe('done');
  });
});
