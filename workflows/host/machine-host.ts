// Steps an XState machine purely and keeps its delayed events as absolute due instants; no Temporal APIs here.
import { createActor, initialTransition, transition } from 'xstate';
import type { AnyStateMachine, EventFromLogic, EventObject, SnapshotFrom } from 'xstate';

/** A delayed event the machine asked for, due at an absolute instant (epoch ms). */
export interface ScheduledEvent {
  id: string;
  event: EventObject;
  dueAt: number;
}

/** Everything needed to bring a host back, e.g. across continue-as-new. Plain JSON. */
export interface HostState {
  snapshot: unknown;
  scheduled: ScheduledEvent[];
}

/** An action the machine wants performed outside itself (a notification, a report…). */
export interface Effect {
  type: string;
  params: Record<string, unknown>;
}

const BUILTIN_PREFIX = 'xstate.';

/**
 * Holds the machine's snapshot and its pending delayed events. `send` and `fireDue` return the
 * custom actions to perform; the caller (the workflow) owns real time and side effects.
 */
export class MachineHost<TMachine extends AnyStateMachine> {
  private scheduled = new Map<string, ScheduledEvent>();

  private constructor(
    readonly machine: TMachine,
    private current: SnapshotFrom<TMachine>,
  ) {}

  /** Starts the machine; `now` anchors the delays of the initial state. */
  static start<M extends AnyStateMachine>(machine: M, input: unknown, now: number): { host: MachineHost<M>; effects: Effect[] } {
    const [snapshot, actions] = (initialTransition as (m: M, i: unknown) => [SnapshotFrom<M>, unknown[]])(machine, input);
    const host = new MachineHost(machine, snapshot);
    return { host, effects: host.absorb(actions, now) };
  }

  /** Restores a host from `persist()` output; pending events keep their original due instants. */
  static restore<M extends AnyStateMachine>(machine: M, state: HostState): MachineHost<M> {
    // An actor that is never started only restores the snapshot; it runs nothing.
    const restore = createActor as (m: AnyStateMachine, o: { snapshot: unknown }) => { getSnapshot(): unknown };
    const snapshot = restore(machine, { snapshot: state.snapshot }).getSnapshot() as SnapshotFrom<M>;
    const host = new MachineHost(machine, snapshot);
    for (const s of state.scheduled) host.scheduled.set(s.id, s);
    return host;
  }

  get snapshot(): SnapshotFrom<TMachine> {
    return this.current;
  }

  get done(): boolean {
    return (this.current as { status: string }).status !== 'active';
  }

  /** Would the machine, in its current state, take this event? (Guards included.) */
  accepts(event: EventFromLogic<TMachine>): boolean {
    return (this.current as { can(e: EventObject): boolean }).can(event);
  }

  /** Applies one event at instant `now`; returns the effects to perform. */
  send(event: EventFromLogic<TMachine>, now: number): Effect[] {
    const [next, actions] = transition(this.machine, this.current, event as never) as [SnapshotFrom<TMachine>, unknown[]];
    this.current = next;
    return this.absorb(actions, now);
  }

  /**
   * Takes a step already computed from the current snapshot (`transition(machine, snapshot, event)`, as the gate in
   * machines/decide.ts computes it) instead of computing it again; `now` is the instant of that event.
   */
  applyStep(step: { snapshot: unknown; actions: unknown[] }, now: number): Effect[] {
    this.current = step.snapshot as SnapshotFrom<TMachine>;
    return this.absorb(step.actions, now);
  }

  /** The earliest pending delayed event, if any. */
  nextDue(): ScheduledEvent | undefined {
    let first: ScheduledEvent | undefined;
    for (const s of this.scheduled.values()) if (!first || s.dueAt < first.dueAt) first = s;
    return first;
  }

  pending(): ScheduledEvent[] {
    return [...this.scheduled.values()].sort((a, b) => a.dueAt - b.dueAt);
  }

  /** Delivers, in due order, every delayed event due at or before `now`. */
  fireDue(now: number): Effect[] {
    const effects: Effect[] = [];
    for (let fired = this.fireNext(now); fired; fired = this.fireNext(now)) effects.push(...fired.effects);
    return effects;
  }

  /** Delivers the earliest delayed event if it is due at or before `now`; undefined when none is (or the machine is done). */
  fireNext(now: number): { fired: ScheduledEvent; effects: Effect[] } | undefined {
    const next = this.nextDue();
    if (!next || next.dueAt > now || this.done) return undefined;
    this.scheduled.delete(next.id);
    // Stamped with its due instant, so the machine can date what the timer did, and with the instant it
    // actually fired (later when a case was down or a late record put the due instant in the past).
    const stamped = { ...next.event, receivedAt: new Date(next.dueAt).toISOString(), firedAt: new Date(now).toISOString() };
    return { fired: next, effects: this.send(stamped as EventFromLogic<TMachine>, next.dueAt) };
  }

  persist(): HostState {
    return { snapshot: this.machine.getPersistedSnapshot(this.current), scheduled: this.pending() };
  }

  /**
   * Replaces the machine's context and moves pending delayed events to new due instants, without a
   * transition: nothing is entered, exited or fired (used by a calendar update that recomputes deadlines).
   */
  amend(context: unknown, dueAt: Readonly<Record<string, number>> = {}): void {
    const persisted = this.machine.getPersistedSnapshot(this.current) as Record<string, unknown>;
    const restore = createActor as (m: AnyStateMachine, o: { snapshot: unknown }) => { getSnapshot(): unknown };
    this.current = restore(this.machine, { snapshot: { ...persisted, context } }).getSnapshot() as SnapshotFrom<TMachine>;
    for (const [id, at] of Object.entries(dueAt)) {
      const s = this.scheduled.get(id);
      if (s) this.scheduled.set(id, { ...s, dueAt: at });
    }
  }

  /** Turns XState's delayed raises and cancels into scheduled events; passes custom actions on. */
  private absorb(actions: unknown[], now: number): Effect[] {
    const effects: Effect[] = [];
    for (const raw of actions) {
      const action = raw as { type: string; params?: Record<string, unknown> };
      const params = action.params ?? {};
      if (action.type === 'xstate.raise' && typeof params.delay === 'number') {
        const id = String(params.id ?? (params.event as EventObject).type);
        this.scheduled.set(id, { id, event: params.event as EventObject, dueAt: now + params.delay });
      } else if (action.type === 'xstate.cancel') {
        this.scheduled.delete(String(params.sendId));
      } else if (!action.type.startsWith(BUILTIN_PREFIX)) {
        effects.push({ type: action.type, params });
      }
    }
    if (this.done) this.scheduled.clear();
    return effects;
  }
}
