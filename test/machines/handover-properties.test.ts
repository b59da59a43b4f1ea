// Property-based tests of the handover statechart: random sequences of decisions (any type, any role, mostly
// valid payloads, some variants and some invalid ones, dates moving forward) and of clock advances that fire
// the host's timers, each decision through the gate (`checkDecision`) and then `host.send`. After every step the
// process rules of 渝民〔2017〕168号 hold, refusals change nothing, and the host survives persist/restore.
import fc from 'fast-check';
import { getNextTransitions } from 'xstate';
import { handoverMachine, type HandoverContext } from '../../machines/handover';
import { checkDecision, type RefusalCode } from '../../machines/decide';
import { activePaths, availableActions, deadlineForTimer, responsibleParty, stageOf, type Stage } from '../../machines/case-view';
import { EVENT_TYPES, parseDecision, rolesFor, type EventType } from '../../machines/events';
import { ROLES, organisationMismatch, type Role } from '../../machines/roles';
import { shanghaiDate } from '../../machines/calendar';
import { MachineHost } from '../../workflows/host/machine-host';
import { CaseDriver } from '../helpers/case-driver';
import { PARTIES, orgFor } from '../helpers/decisions';
import { START, VARIANTS, candidates, payloadOf, startCase, type DecisionInput, type Host } from '../helpers/graph';

/** fast-check prints the seed of any failure; rerun with HANDOVER_PROPERTY_SEED=<seed>. */
const SEED = Number(process.env.HANDOVER_PROPERTY_SEED ?? 20171109);

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** An organisation of the same kind that is not this case's. */
const WRONG_ORG: Record<Role, string> = {
  enterprise: '91500000000000000A',
  districtGovernment: '渝中区',
  districtCivilAffairs: '渝中区',
  districtFinance: '渝中区',
  township: '渝中区/解放碑街道',
  cityCivilAffairs: '九龙坡区',
  citySasac: '九龙坡区',
  cityUrbanManagement: '九龙坡区',
  cityFinance: '九龙坡区',
  parentGroup: '重庆其他（集团）公司',
};

function plusDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** Payload variants on top of the graph's: declared handover dates before and after the declaration. */
const EXTRA_VARIANTS: Partial<Record<EventType, Record<string, (on: string) => unknown>>> = {
  ALREADY_HANDED_OVER_DECLARED: {
    sameDay: (on) => ({ handedOverOn: on, note: '当日完成移交，未签协议' }),
    laterThanDeclared: (on) => ({ handedOverOn: plusDays(on, 30), note: '移交日期晚于申报日期' }),
  },
};

/** Ways to spoil a decision; each must be refused as an invalid payload. */
const CORRUPTIONS: Array<(input: DecisionInput) => unknown> = [
  (i) => ({ ...i, data: { ...(i.data as object), unexpected: true } }),
  (i) => ({ ...i, data: 42 }),
  (i) => ({ ...i, occurredOn: '2017-02-30' }),
  (i) => ({ ...i, actor: { ...i.actor, org: '' } }),
  (i) => ({ ...i, type: 'SURVEY_REJECTED' }),
];

type Advance = { kind: 'advance'; ms: number };
type Decide = {
  kind: 'decide';
  /** Take the type and role of a decision the gate accepts now (else any type, any allowed role). */
  guided: boolean;
  /** When guided, prefer the current stage's decisions. */
  stageFirst: boolean;
  typePick: number;
  anyRole: boolean;
  rolePick: number;
  variantPick: number;
  corruption: number | null;
  wrongOrg: boolean;
  date: 'today' | 'earlier' | 'future';
  days: number;
};
type Step = Advance | Decide;

const percent = (p: number) => fc.integer({ min: 0, max: 99 }).map((n) => n >= 100 - p);

const advanceArb: fc.Arbitrary<Advance> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 72 }).map((h) => ({ kind: 'advance' as const, ms: h * HOUR })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 400 }).map((d) => ({ kind: 'advance' as const, ms: d * DAY })) },
);

const decideArb: fc.Arbitrary<Decide> = fc.record({
  kind: fc.constant('decide' as const),
  guided: percent(85),
  stageFirst: percent(85),
  typePick: fc.nat(),
  anyRole: percent(10),
  rolePick: fc.nat(),
  variantPick: fc.nat(),
  corruption: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat(CORRUPTIONS.length - 1) }),
  wrongOrg: percent(6),
  date: fc.constantFrom('today', 'today', 'today', 'earlier', 'earlier', 'earlier', 'future'),
  days: fc.integer({ min: 0, max: 20 }),
});

const stepsArb = fc.array(fc.oneof({ weight: 1, arbitrary: advanceArb }, { weight: 5, arbitrary: decideArb }), { minLength: 1, maxLength: 80, size: 'max' });

/** How much a case favours each type when guided (one weight 0–9 per registry type): cases go different ways. */
const preferencesArb = fc.array(fc.nat(9), { minLength: EVENT_TYPES.length, maxLength: EVENT_TYPES.length });

/** A random case: its preferences and its steps. */
const caseArb = fc.record({ preferences: preferencesArb, steps: stepsArb });
type Scenario = { preferences: number[]; steps: Step[] };
const UNIFORM = EVENT_TYPES.map(() => 0);

/** The host's persisted state as JSON text. */
const json = (host: Host): string => JSON.stringify(host.persist());

/** Deep equality of two JSON texts (compared as text first; parsed for a readable difference). */
function expectSameJson(actual: string, expected: string): void {
  if (actual !== expected) expect(JSON.parse(actual)).toEqual(JSON.parse(expected));
}

/** What the cases reached, over all runs: to show that the properties were not checked on empty cases only. */
const reached = {
  stages: new Set<Stage>(),
  leaves: new Set<string>(),
  /** Steps checked on a case completed through implementation (not the supplementary path). */
  completedByImplementation: 0,
  refusals: new Map<RefusalCode, number>(),
};

interface Decided {
  type: EventType;
  accepted: boolean;
}

/** The facts the notice requires before the case is complete (§三(四), §二). */
function implementationDone(context: HandoverContext, now: number): string[] {
  const missing: string[] = [];
  const last = context.facilities.inspections.latest[context.facilities.inspections.latest.length - 1];
  if (!context.facilities.handedOver || !last?.passed) missing.push('facilities accepted');
  if (!context.community.committeeElectedOn && !context.community.mergedInto) missing.push('community established');
  const t = context.transition;
  if (t.established === undefined) missing.push('transition decided');
  if (t.established && !(context.deadlines.transitionEnd && now >= Date.parse(context.deadlines.transitionEnd.at))) missing.push('transition period over');
  return missing;
}

/**
 * A decision (type and role) the gate accepts now with a valid payload, the role's organisation and today's
 * date; those of the current stage are preferred to the cross-cutting ones (major problems, new tasks).
 */
function pickAccepted(host: Host, today: string, now: number, step: Decide, preferences: number[]): { type: EventType; role: Role } | undefined {
  if (host.done) return undefined;
  const next = getNextTransitions(host.snapshot);
  const possible = EVENT_TYPES.filter((t) => next.some((n) => n.eventType === t));
  const ok = candidates(host.snapshot.context, today, possible).filter((c) => checkDecision(host.snapshot, PARTIES, c.input, now).ok);
  const ofStage = new Set(next.filter((n) => n.source.parent !== undefined).map((n) => n.eventType));
  const preferred = step.stageFirst ? ok.filter((c) => ofStage.has(c.input.type)) : ok;
  const pool = preferred.length ? preferred : ok;
  const types = [...new Set(pool.map((c) => c.input.type))];
  if (!types.length) return undefined;
  const weights = types.map((t) => (preferences[EVENT_TYPES.indexOf(t)]! + 1) ** 2);
  let r = step.typePick % weights.reduce((a, b) => a + b, 0);
  const type = types.find((_, i) => (r -= weights[i]!) < 0)!;
  const roles = [...new Set(pool.filter((c) => c.input.type === type).map((c) => c.input.actor.role))];
  return { type, role: roles[step.rolePick % roles.length]! };
}

class Run {
  constructor(readonly preferences: number[] = UNIFORM) {}

  now = Date.parse(START);
  /** Restored from its own JSON after every step. */
  host = startCase();
  /** Never restored: what the restored host must stay equal to. */
  readonly shadow = startCase();
  /** The latest date a decision was taken on; dates only move forward. */
  lastOn = shanghaiDate(this.now);
  party = responsibleParty(this.host.snapshot.context);
  switches = 0;

  advance(step: Advance): void {
    this.now += step.ms;
    this.host.fireDue(this.now);
    this.shadow.fireDue(this.now);
  }

  input(step: Decide): { input: unknown; type: EventType; role: Role } {
    const snapshot = this.host.snapshot;
    const today = shanghaiDate(this.now);
    // Guided: the type and role of a decision the gate would accept now, preferring the current stage's
    // decisions to the cross-cutting ones (else any type, any allowed role).
    const guide = step.guided ? pickAccepted(this.host, today, this.now, step, this.preferences) : undefined;
    const type = guide?.type ?? EVENT_TYPES[step.typePick % EVENT_TYPES.length]!;
    const allowed = rolesFor(type);
    const role = step.anyRole ? ROLES[step.rolePick % ROLES.length]! : (guide?.role ?? allowed[step.rolePick % allowed.length]!);
    const occurredOn =
      step.date === 'future' ? plusDays(today, step.days + 1) : step.date === 'earlier' ? [plusDays(today, -step.days), this.lastOn].sort()[1]! : today;
    const extra = EXTRA_VARIANTS[type] ?? {};
    const names = [...Object.keys(VARIANTS[type]), ...Object.keys(extra)];
    const variant = names[step.variantPick % names.length]!;
    const data = variant in extra ? extra[variant]!(occurredOn) : payloadOf(type, variant, snapshot.context, occurredOn);
    const valid: DecisionInput = { type, actor: { role, org: step.wrongOrg ? WRONG_ORG[role] : orgFor(role) }, occurredOn, data };
    return { input: step.corruption === null ? valid : CORRUPTIONS[step.corruption]!(valid), type, role };
  }

  /** Applies a step without checking anything: to bring a case somewhere. */
  drive(step: Step): void {
    if (step.kind === 'advance') return this.advance(step);
    const check = checkDecision(this.host.snapshot, PARTIES, this.input(step).input, this.now);
    if (check.ok) this.host.send(check.event, this.now);
  }

  decide(step: Decide): Decided {
    const { input, type, role } = this.input(step);
    const before = json(this.host);
    const wasDone = this.host.done;
    const check = checkDecision(this.host.snapshot, PARTIES, input, this.now);

    // The gate's verdict, in its order: payload, role, organisation, date, stage.
    const parsed = parseDecision(input);
    const env = input as DecisionInput;
    let expected: RefusalCode | 'ok or wrongStage';
    if (step.corruption !== null) expect(parsed.ok).toBe(false);
    if (!parsed.ok) expected = 'invalidPayload';
    else if (!(rolesFor(type) as readonly Role[]).includes(role)) expected = 'wrongRole';
    else if (step.wrongOrg) {
      expect(organisationMismatch(role, env.actor.org, PARTIES)).toBeDefined();
      expected = 'wrongOrganisation';
    } else if (env.occurredOn > shanghaiDate(this.now)) expected = 'futureDate';
    else expected = 'ok or wrongStage';
    if (expected !== 'ok or wrongStage') {
      expect(check.ok ? 'ok' : check.refusal.code).toBe(expected);
    } else if (check.ok) {
      expect(this.host.accepts(check.event)).toBe(true);
    } else {
      expect(check.refusal.code).toBe('wrongStage');
    }
    // A case that has ended takes no more decisions (as `availableActions` already says).
    if (wasDone) expect({ type, accepted: check.ok }).toEqual({ type, accepted: false });

    if (!check.ok) {
      reached.refusals.set(check.refusal.code, (reached.refusals.get(check.refusal.code) ?? 0) + 1);
      // A refusal changes nothing.
      expectSameJson(json(this.host), before);
      return { type, accepted: false };
    }
    this.host.send(check.event, this.now);
    this.shadow.send(check.event, this.now);
    if (env.occurredOn > this.lastOn) this.lastOn = env.occurredOn;
    return { type, accepted: true };
  }

  check(decided: Decided | undefined): void {
    const snapshot = this.host.snapshot;
    const c = snapshot.context;
    const stage = stageOf(snapshot);
    reached.stages.add(stage);
    for (const p of activePaths(snapshot.value)) reached.leaves.add(p);

    // §三(二)/(三): no agreement (or later) before the plan was agreed, except the direct entry of an
    // enterprise already handed over, which goes from the agreement's paperwork straight to completion.
    if (stage === 'agreement' || stage === 'implementation' || stage === 'completed') {
      expect({ stage, agreedOn: c.workPlan.agreedOn ?? (c.agreement.supplementary ? 'supplementary' : undefined) }).toEqual({ stage, agreedOn: expect.any(String) });
    }
    if (c.agreement.supplementary) {
      expect(c.handedOverOn).toBeDefined();
      expect(['agreement.supplementary', 'completed']).toContain(activePaths(snapshot.value)[0]);
    }
    if (stage === 'implementation') expect(c.agreement.signedOn).toBeDefined();

    // §三(四), §二: complete only when every branch of implementation is done (or by the supplementary path).
    if (stage === 'completed') {
      expect(snapshot.status).toBe('done');
      if (!c.agreement.supplementary) {
        expect(implementationDone(c, this.now)).toEqual([]);
        reached.completedByImplementation++;
      } else {
        expect(c.agreement.signedOn).toBeDefined();
      }
    }

    // §四(二): the enterprise is responsible before the handover, the township from then on; it switches
    // exactly once, at the handover, and never back.
    const party = responsibleParty(c);
    // 168-2017.2: the switch is the handover (recorded when the branches are done, or declared earlier), not the signing.
    expect(party).toBe(c.handedOverOn ? 'township' : 'enterprise');
    if (party !== this.party) {
      this.switches++;
      expect([this.party, party]).toEqual(['enterprise', 'township']);
      // The accepted decision that completed the handover: the signature (branches already done), the last branch's
      // decision (facilities, community, transition), or the declaration of an earlier handover.
      expect(decided ? `${decided.type}${decided.accepted ? '' : ' (refused)'}` : 'time passing').toMatch(
        /^(AGREEMENT_SIGNED|ALREADY_HANDED_OVER_DECLARED|FACILITIES_HANDED_OVER|FACILITIES_INSPECTED|RECTIFICATION_COMPLETED|COMMUNITY_ESTABLISHED|RESIDENTS_COMMITTEE_ELECTED|COMMUNITY_MERGED|TRANSITION_DECIDED)$/,
      );
      this.party = party;
    }
    expect(this.switches).toBeLessThanOrEqual(1);
    if (party === 'township') {
      // The township answers from the handover on, not before it happened.
      const today = shanghaiDate(this.now);
      const when = !c.handedOverOn ? 'with no handover date' : c.handedOverOn <= today ? 'from the handover on' : `on ${today}, before the handover on ${c.handedOverOn}`;
      expect(`township responsible ${when}`).toBe('township responsible from the handover on');
    }

    // Every pending timer falls due exactly when the case's recorded deadline says — or, for a deadline already past
    // when a backdated decision set it (a case recorded after the fact), within the grace for the record's next
    // decision. Only the target timer of a case without any target waits for no deadline.
    const graceMs = (c.settings.lateRecordGraceHours ?? 24) * 3_600_000;
    for (const p of this.host.pending()) {
      const deadline = deadlineForTimer(c, p.id);
      const delay = p.id.split('.')[2];
      if (!deadline) {
        expect({ timer: p.id, target: c.deadlines.cityTarget }).toEqual({ timer: 'xstate.after.cityTarget.handover', target: undefined });
        continue;
      }
      const lead = delay === 'transitionFirstReminder' ? c.settings.transitionReminderLeadDays[0] : delay === 'transitionSecondReminder' ? c.settings.transitionReminderLeadDays[1] : 0;
      const exact = Date.parse(deadline.at) - (lead ?? 0) * DAY;
      const onTime = p.dueAt === exact;
      const afterTheFact = exact < p.dueAt && p.dueAt <= this.now + graceMs;
      expect({ timer: p.id, dueAt: new Date(p.dueAt).toISOString(), fits: onTime || afterTheFact }).toEqual({ timer: p.id, dueAt: new Date(p.dueAt).toISOString(), fits: true });
    }

    // Persisted (as JSON) and restored, the host is the same, and it goes on like one never restored.
    const persisted = json(this.host);
    const restored = MachineHost.restore(handoverMachine, JSON.parse(persisted));
    expectSameJson(json(restored), persisted);
    expect(restored.snapshot.value).toEqual(snapshot.value);
    expect(restored.snapshot.status).toBe(snapshot.status);
    this.host = restored;
    expectSameJson(persisted, json(this.shadow));
  }
}

function runCase({ preferences, steps }: Scenario): void {
  const run = new Run(preferences);
  run.check(undefined);
  for (const step of steps) {
    const decided = step.kind === 'advance' ? (run.advance(step), undefined) : run.decide(step);
    run.check(decided);
  }
}

describe('properties of the handover statechart under random decisions and time', () => {
  it('keeps the process rules, refuses without changing anything, and persists faithfully', () => {
    // A fixed seed keeps the non-vacuity checks below stable; HANDOVER_PROPERTY_SEED explores others.
    fc.assert(fc.property(caseArb, runCase), { numRuns: 150, seed: SEED });
    // Not vacuous: the random cases went through every stage, and completed through implementation.
    expect([...reached.stages].sort()).toEqual(['agreement', 'completed', 'handedOver', 'implementation', 'planAdjustment', 'survey', 'workPlan']);
    expect(reached.completedByImplementation).toBeGreaterThan(0);
    for (const code of ['invalidPayload', 'wrongRole', 'wrongOrganisation', 'futureDate', 'wrongStage'] as const) expect(reached.refusals.get(code) ?? 0).toBeGreaterThan(0);
  });

  it('refuses a decision from a role the registry does not list for it, whatever the stage, with wrongRole', () => {
    fc.assert(
      fc.property(caseArb, fc.constantFrom(...EVENT_TYPES), fc.constantFrom(...ROLES), fc.nat(), ({ preferences, steps }, type, role, variantPick) => {
        fc.pre(!(rolesFor(type) as readonly Role[]).includes(role));
        const run = new Run(preferences);
        for (const step of steps) run.drive(step);
        const today = shanghaiDate(run.now);
        const names = Object.keys(VARIANTS[type]);
        const input = { type, actor: { role, org: orgFor(role) }, occurredOn: today, data: payloadOf(type, names[variantPick % names.length]!, run.host.snapshot.context, today) };
        const r = checkDecision(run.host.snapshot, PARTIES, input, run.now);
        expect(r.ok ? 'ok' : r.refusal.code).toBe('wrongRole');
      }),
      { numRuns: 60, seed: SEED },
    );
  });

  it("refuses an allowed role acting for another organisation than the case's, with wrongOrganisation", () => {
    fc.assert(
      fc.property(caseArb, fc.constantFrom(...EVENT_TYPES), fc.nat(), fc.nat(), ({ preferences, steps }, type, rolePick, variantPick) => {
        const run = new Run(preferences);
        for (const step of steps) run.drive(step);
        const roles = rolesFor(type);
        const role = roles[rolePick % roles.length]!;
        const today = shanghaiDate(run.now);
        const names = Object.keys(VARIANTS[type]);
        const input = { type, actor: { role, org: WRONG_ORG[role] }, occurredOn: today, data: payloadOf(type, names[variantPick % names.length]!, run.host.snapshot.context, today) };
        const r = checkDecision(run.host.snapshot, PARTIES, input, run.now);
        expect(r.ok ? 'ok' : r.refusal.code).toBe('wrongOrganisation');
      }),
      { numRuns: 60, seed: SEED },
    );
  });
});

// The shortest failing sequences the properties above found, as plain examples.
describe('minimal reproductions of what the properties found', () => {
  it('§三(三), §四(二): a declared earlier handover dated after the declaration is refused (the township would answer before it happened)', () => {
    const d = new CaseDriver(); // 2017-10-09
    const r = d.trySend('ALREADY_HANDED_OVER_DECLARED', 'districtCivilAffairs', '2017-10-09', { handedOverOn: '2017-11-08', note: '已移交未签协议' });
    expect(r.ok ? `accepted: ${responsibleParty(d.context)} responsible on 2017-10-09 for a handover on ${d.context.handedOverOn}` : 'refused').toBe('refused');
  });

  it('a completed case takes no more decisions, as availableActions already says', () => {
    const d = new CaseDriver();
    d.send('ALREADY_HANDED_OVER_DECLARED', 'districtCivilAffairs', '2017-10-10');
    d.send('AGREEMENT_SIGNED', 'enterprise', '2017-10-11');
    d.send('AGREEMENT_SIGNED', 'districtGovernment', '2017-10-12');
    expect(d.snapshot.status).toBe('done');
    expect(availableActions(d.snapshot, 'township')).toEqual([]);
    const before = json(d.host);
    const outcomes = (
      [
        ['MAJOR_PROBLEM_REPORTED', 'township'],
        ['NEW_TASK_REPORTED', 'enterprise'],
      ] as const
    ).map(([type, role]) => {
      const r = d.trySend(type, role, '2017-10-13');
      return `${type}: ${r.ok ? 'accepted' : r.refusal.code}`;
    });
    expect(outcomes).toEqual(['MAJOR_PROBLEM_REPORTED: wrongStage', 'NEW_TASK_REPORTED: wrongStage']);
    expectSameJson(json(d.host), before);
  });
});
