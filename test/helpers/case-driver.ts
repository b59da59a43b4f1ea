// Drives the pure handover machine through the same gate the workflow uses, with a controllable clock.
import { MachineHost, type Effect } from '../../workflows/host/machine-host';
import { handoverMachine, type HandoverInput } from '../../machines/handover';
import { checkDecision, type Refusal } from '../../machines/decide';
import { deadlineOf } from '../../machines/calendar';
import type { EventType } from '../../machines/events';
import type { Role } from '../../machines/roles';
import { PARTIES, decision } from './decisions';

export class CaseDriver {
  readonly host: MachineHost<typeof handoverMachine>;
  readonly effects: Effect[] = [];
  now: number;

  constructor(
    startedAt = '2017-10-09T01:00:00.000Z',
    readonly input: Partial<HandoverInput> = {},
  ) {
    this.now = Date.parse(startedAt);
    const started = MachineHost.start(
      handoverMachine,
      { caseId: 'case-1', parties: PARTIES, enterpriseName: '重庆某机械厂', startedAt, ...input } satisfies HandoverInput,
      this.now,
    );
    this.host = started.host;
    this.effects.push(...started.effects);
  }

  get snapshot() {
    return this.host.snapshot;
  }

  get context() {
    return this.host.snapshot.context;
  }

  /** Moves the clock to `iso` (or to the given epoch ms), firing due timers on the way. */
  advanceTo(at: string | number): Effect[] {
    this.now = typeof at === 'string' ? Date.parse(at) : at;
    const fired = this.host.fireDue(this.now);
    this.effects.push(...fired);
    return fired;
  }

  /** Moves to the start of a date (Asia/Shanghai) and sends; throws with the refusal text if refused. */
  send(type: EventType, role: Role, occurredOn: string, data?: unknown): Effect[] {
    const result = this.trySend(type, role, occurredOn, data);
    if (!result.ok) throw new Error(`${type} by ${role} refused: ${result.refusal.message.en}`);
    return result.effects;
  }

  trySend(type: EventType, role: Role, occurredOn: string, data?: unknown): { ok: true; effects: Effect[] } | { ok: false; refusal: Refusal } {
    const dayStart = Date.parse(deadlineOf(occurredOn)) - 86_400_000 + 9 * 3_600_000; // 09:00 that day
    if (dayStart > this.now) this.advanceTo(dayStart);
    const check = checkDecision(this.host.snapshot, PARTIES, decision(type, role, occurredOn, data), this.now);
    if (!check.ok) return check;
    const effects = this.host.send(check.event, this.now);
    this.effects.push(...effects);
    return { ok: true, effects };
  }

  notifications(reason?: string): Array<Record<string, unknown>> {
    return this.effects.filter((e) => e.type === 'notify' && (!reason || e.params.reason === reason)).map((e) => e.params);
  }
}

/** The usual road through the first stages, dated in October 2017; each step returns the driver. */
export const ROAD = {
  surveyed(d = new CaseDriver()): CaseDriver {
    d.send('SURVEY_SUBMITTED', 'districtCivilAffairs', '2017-10-10');
    return d;
  },
  negotiating(d = new CaseDriver()): CaseDriver {
    ROAD.surveyed(d).send('SURVEY_CONFIRMED', 'districtCivilAffairs', '2017-10-11');
    return d;
  },
  /** Plan proposed by the township on 10-16 and accepted by the enterprise on 10-18. */
  planAgreed(d = new CaseDriver()): CaseDriver {
    ROAD.negotiating(d).send('WORK_PLAN_PROPOSED', 'township', '2017-10-16');
    d.send('WORK_PLAN_ACCEPTED', 'enterprise', '2017-10-18');
    return d;
  },
  /** Agreement signed on 10-25 and 10-26: implementation begins. */
  implementing(d = new CaseDriver()): CaseDriver {
    ROAD.planAgreed(d).send('AGREEMENT_SIGNED', 'enterprise', '2017-10-25');
    d.send('AGREEMENT_SIGNED', 'districtGovernment', '2017-10-26');
    return d;
  },
};
