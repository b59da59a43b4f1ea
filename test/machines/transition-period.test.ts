// The minimal transition-period statechart stepped purely through the host, without Temporal.
import { MachineHost } from '../../workflows/host/machine-host';
import { addYears, transitionPeriodMachine } from '../../machines/transition-period';

const T0 = Date.parse('2018-03-01T02:00:00.000Z');

describe('transition period statechart (§二(一))', () => {
  it('schedules the end of the period exactly 3 calendar years after it starts', () => {
    const { host } = MachineHost.start(transitionPeriodMachine, { caseId: 'c1' }, T0);
    host.send({ type: 'TRANSITION_STARTED', at: new Date(T0).toISOString() }, T0);
    expect(host.snapshot.value).toBe('inTransition');
    const due = host.nextDue();
    expect(due && new Date(due.dueAt).toISOString()).toBe('2021-03-01T02:00:00.000Z');
  });

  it('stays in transition until the due instant, then ends', () => {
    const { host } = MachineHost.start(transitionPeriodMachine, { caseId: 'c1' }, T0);
    host.send({ type: 'TRANSITION_STARTED', at: new Date(T0).toISOString() }, T0);
    const dueAt = host.nextDue()!.dueAt;
    host.fireDue(dueAt - 1);
    expect(host.snapshot.value).toBe('inTransition');
    host.fireDue(dueAt);
    expect(host.snapshot.value).toBe('ended');
    expect(host.done).toBe(true);
    expect(host.pending()).toEqual([]);
  });

  it('survives persist/restore with the original due instant', () => {
    const { host } = MachineHost.start(transitionPeriodMachine, { caseId: 'c1' }, T0);
    host.send({ type: 'TRANSITION_STARTED', at: new Date(T0).toISOString() }, T0);
    const restored = MachineHost.restore(transitionPeriodMachine, JSON.parse(JSON.stringify(host.persist())));
    expect(restored.snapshot.value).toBe('inTransition');
    expect(restored.nextDue()).toEqual(host.nextDue());
    restored.fireDue(restored.nextDue()!.dueAt);
    expect(restored.snapshot.value).toBe('ended');
  });

  it('refuses a second start once the period runs', () => {
    const { host } = MachineHost.start(transitionPeriodMachine, { caseId: 'c1' }, T0);
    host.send({ type: 'TRANSITION_STARTED', at: new Date(T0).toISOString() }, T0);
    expect(host.accepts({ type: 'TRANSITION_STARTED', at: new Date(T0).toISOString() })).toBe(false);
    expect(host.accepts({ type: 'TRANSITION_WAIVED', at: new Date(T0).toISOString() })).toBe(false);
  });

  it('adds calendar years, keeping leap days honest', () => {
    expect(addYears('2020-02-29T00:00:00.000Z', 3)).toBe('2023-03-01T00:00:00.000Z');
    expect(addYears('2017-11-09T08:00:00.000Z', 3)).toBe('2020-11-09T08:00:00.000Z');
  });
});
