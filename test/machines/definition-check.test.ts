// The pre-deployment check: running cases' snapshots must restore into a changed definition.
import { createMachine } from 'xstate';
import { handoverMachine } from '../../machines/handover';
import { snapshotProblem } from '../../client/admin/definition-check';
import { CaseDriver } from '../helpers/case-driver';

function agreementDrafting(): CaseDriver {
  const d = new CaseDriver('2017-09-01T01:00:00.000Z');
  d.send('SURVEY_SUBMITTED', 'districtCivilAffairs', '2017-09-04');
  d.send('SURVEY_CONFIRMED', 'districtCivilAffairs', '2017-09-05');
  d.send('WORK_PLAN_PROPOSED', 'enterprise', '2017-09-20');
  d.send('WORK_PLAN_ACCEPTED', 'township', '2017-09-28');
  return d;
}

/** The current definition with the agreement stage's states changed by `edit`. */
function withAgreementStates(edit: (states: Record<string, unknown>) => Record<string, unknown>) {
  const config = handoverMachine.config as unknown as { states: Record<string, { states: Record<string, unknown> }> };
  const agreement = config.states.agreement!;
  return createMachine(
    { ...(handoverMachine.config as object), states: { ...config.states, agreement: { ...agreement, states: edit(agreement.states) } } } as never,
    handoverMachine.implementations as never,
  );
}

describe('definition change check', () => {
  it('accepts every snapshot under the current definition', () => {
    const d = agreementDrafting();
    expect(snapshotProblem(handoverMachine, JSON.parse(JSON.stringify(d.host.persist())))).toBeUndefined();
  });

  it('finds a case whose current state the new definition dropped', () => {
    const d = agreementDrafting();
    d.advanceTo('2017-10-18T16:00:00.000Z'); // now in agreement.overdue
    // A new definition that renamed `overdue` to `escalated`.
    const changed = withAgreementStates(({ overdue, drafting, ...rest }) => {
      const d = drafting as { after: Record<string, object> };
      return { ...rest, escalated: overdue, drafting: { ...d, after: { ...d.after, agreementDeadline: { ...d.after.agreementDeadline, target: 'escalated' } } } };
    });
    expect(snapshotProblem(changed, d.host.persist())).toBe('snapshot does not restore: state handover.agreement.overdue no longer exists');
  });

  it('finds a pending timer whose state no longer waits for it', () => {
    const d = agreementDrafting();
    const changed = withAgreementStates((states) => ({ ...states, drafting: { ...(states.drafting as object), after: {} } }));
    expect(snapshotProblem(changed, d.host.persist())).toMatch(/no longer waits for agreementDeadline|no longer waits for agreementReminder/);
  });
});
