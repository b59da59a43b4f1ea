// Graph tools for the handover statechart: the state nodes and transitions its definition declares, a record of
// the transitions a step actually takes, realistic decisions for every branch, and an exhaustive exploration of
// (case, pending timers) with @xstate/graph, where the passing of time is an event like any decision.
import { fromTransition, getNextTransitions, type AnyStateNode, type TransitionDefinition } from 'xstate';
import { getAdjacencyMap } from '@xstate/graph';
import { MachineHost } from '../../workflows/host/machine-host';
import { handoverMachine, type HandoverContext, type HandoverInput } from '../../machines/handover';
import { checkDecision } from '../../machines/decide';
import { shanghaiDate } from '../../machines/calendar';
import { EVENT_TYPES, rolesFor, type EventType } from '../../machines/events';
import { ROLES, type Role } from '../../machines/roles';
import { PARTIES, PAYLOADS, decision } from './decisions';

export type Host = MachineHost<typeof handoverMachine>;

// ---------------------------------------------------------------------------------------------------------------
// The definition: state nodes and transitions, walked from `handoverMachine.root`.

/** Every state node of the machine, the root included. */
export function stateNodesOf(root: AnyStateNode = handoverMachine.root): AnyStateNode[] {
  return [root, ...Object.values(root.states as Record<string, AnyStateNode>).flatMap((child) => stateNodesOf(child))];
}

/** The partial state value that `snapshot.matches` takes for a node: ['a','b','c'] → { a: { b: 'c' } }. */
export function valueOfPath(path: readonly string[]): string | Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) return {};
  return rest.length === 0 ? head : { [head]: valueOfPath(rest) };
}

/** The pseudo event type of eventless (`always`) transitions. */
export const ALWAYS = '(always)';

export interface DeclaredTransition {
  /** Unique: `<source id> <event type> #<index among the alternatives for that event>`. */
  key: string;
  /** Readable: `source —EVENT [guard]→ target`. */
  label: string;
  source: AnyStateNode;
  eventType: string;
  index: number;
  delayed: boolean;
  definition: TransitionDefinition<HandoverContext, never>;
}

function guardName(t: { guard?: unknown }): string | undefined {
  const g = t.guard as undefined | string | { type?: string } | ((...a: unknown[]) => unknown);
  if (g === undefined) return undefined;
  if (typeof g === 'string') return g;
  if (typeof g === 'function') return g.name || 'inline guard';
  return g.type ?? 'guard';
}

/**
 * Every transition of every state node: each `on` event with each of its guarded alternatives, each `after`
 * delay (`xstate.after.<delay>.<state>`) and each `onDone` (`xstate.done.state.<state>`).
 */
export function transitionsOf(root: AnyStateNode = handoverMachine.root): DeclaredTransition[] {
  const out: DeclaredTransition[] = [];
  for (const node of stateNodesOf(root)) {
    const byEvent = [...(node.transitions as Map<string, Array<TransitionDefinition<HandoverContext, never>>>)];
    // Eventless transitions are kept apart by XState; they count as transitions too.
    if (node.always?.length) byEvent.push([ALWAYS, node.always as Array<TransitionDefinition<HandoverContext, never>>]);
    for (const [eventType, alternatives] of byEvent) {
      alternatives.forEach((definition, index) => {
        const guard = guardName(definition);
        const targets = definition.target?.map((t) => t.id).join(', ') ?? '(stays)';
        out.push({
          key: `${node.id} ${eventType} #${index}`,
          label: `${node.id} —${eventType}${guard ? ` [${guard}]` : ''}→ ${targets}`,
          source: node,
          eventType,
          index,
          delayed: eventType.startsWith('xstate.after.'),
          definition,
        });
      });
    }
  }
  return out;
}

/** Transition definition → key, for recognising what a step took. */
const KEY_OF = new Map<unknown, string>(transitionsOf().map((t) => [t.definition, t.key]));

type TransitionSelector = { getTransitionData: (snapshot: unknown, event: unknown) => unknown[] | undefined };

/**
 * Runs `fn` (a `host.send` or `host.fireDue`) and returns, in order, the keys of the transitions the machine
 * selected while it ran: those of the event itself and of the events it raised (e.g. `xstate.done.state.*`).
 * XState selects every transition taken on an event (external, delayed or raised) through
 * `machine.getTransitionData`; it is wrapped for the duration only. Eventless (`always`) transitions are
 * selected elsewhere and are not seen here.
 */
export function takenDuring<T>(fn: () => T): { result: T; taken: string[] } {
  const machine = handoverMachine as unknown as TransitionSelector;
  const original = machine.getTransitionData;
  const own = Object.prototype.hasOwnProperty.call(machine, 'getTransitionData');
  const taken: string[] = [];
  machine.getTransitionData = function (this: unknown, snapshot: unknown, event: unknown) {
    const selected = original.call(this, snapshot, event) ?? [];
    for (const t of selected) {
      const key = KEY_OF.get(t);
      if (!key) throw new Error(`a transition not found in the definition was taken on ${(event as { type: string }).type}`);
      taken.push(key);
    }
    return selected;
  };
  try {
    return { result: fn(), taken };
  } finally {
    if (own) machine.getTransitionData = original;
    else delete (machine as Partial<TransitionSelector>).getTransitionData;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Realistic decisions: every event type with the payload variants that take each guarded branch.

type Payload = unknown | ((context: HandoverContext, occurredOn: string) => unknown);

function firstOpenProblem(context: HandoverContext): number {
  return context.majorProblems.open[0] ?? 1;
}

function firstReportedTask(context: HandoverContext): number {
  return context.newTasks.awaitingVerification[0] ?? 1;
}

function plusDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Valid payloads per event type, named; the first is the one in `decisions.ts`. */
export const VARIANTS: Record<EventType, Record<string, Payload>> = {
  SURVEY_SUBMITTED: { default: PAYLOADS.SURVEY_SUBMITTED },
  SURVEY_CONFIRMED: { default: PAYLOADS.SURVEY_CONFIRMED, withNote: { note: '摸排结果与计划相符' } },
  ADJUSTMENT_APPLICATION_SIGNED: { default: PAYLOADS.ADJUSTMENT_APPLICATION_SIGNED },
  ADJUSTMENT_REVIEWED: { approved: PAYLOADS.ADJUSTMENT_REVIEWED, rejected: { approved: false, reason: '理由不充分' } },
  ADJUSTMENT_OPINION_GIVEN: { approved: PAYLOADS.ADJUSTMENT_OPINION_GIVEN, rejected: { approved: false, reason: '不同意调整' } },
  ADJUSTMENT_VERIFIED: { approved: PAYLOADS.ADJUSTMENT_VERIFIED, rejected: { approved: false, reason: '不予认定' } },
  ADJUSTMENT_FILED: { default: PAYLOADS.ADJUSTMENT_FILED },
  ALREADY_HANDED_OVER_DECLARED: { default: PAYLOADS.ALREADY_HANDED_OVER_DECLARED },
  WORK_PLAN_PROPOSED: { sections: PAYLOADS.WORK_PLAN_PROPOSED, folded: { foldedIntoOverallPlan: { reference: '渝机电发〔2017〕5号 总体移交方案' } } },
  WORK_PLAN_ACCEPTED: { default: PAYLOADS.WORK_PLAN_ACCEPTED },
  DISAGREEMENT_ESCALATED: { ordinary: PAYLOADS.DISAGREEMENT_ESCALATED, major: { major: true, summary: '移交范围存在重大分歧' } },
  PARENT_GROUP_OPINION_GIVEN: { default: PAYLOADS.PARENT_GROUP_OPINION_GIVEN },
  COORDINATION_CONCLUDED: {
    resolved: PAYLOADS.COORDINATION_CONCLUDED,
    agreedPlan: { outcome: 'agreedPlan', summary: '经协调，双方就工作方案达成一致' },
    major: { outcome: 'majorDisagreement', summary: '协调未果，企业提出存在重大分歧', declaredBy: 'enterprise' },
  },
  AGREEMENT_SIGNED: { default: PAYLOADS.AGREEMENT_SIGNED },
  FACILITIES_HANDED_OVER: { default: PAYLOADS.FACILITIES_HANDED_OVER },
  FACILITIES_INSPECTED: {
    passed: PAYLOADS.FACILITIES_INSPECTED,
    failed: { passed: false, findings: '活动室消防不达标', failedItems: ['居民活动室'], costCny: 8000 },
  },
  RECTIFICATION_COMPLETED: { default: PAYLOADS.RECTIFICATION_COMPLETED },
  COMMUNITY_SETUP_DECIDED: {
    setUpDirectly: PAYLOADS.COMMUNITY_SETUP_DECIDED,
    setUpAndElect: { hasFamilyCommittee: false, meetsConditions: true, route: 'setUpAndElect' },
    merge: { hasFamilyCommittee: false, meetsConditions: false, route: 'mergeIntoNeighbour' },
  },
  COMMUNITY_ESTABLISHED: { default: PAYLOADS.COMMUNITY_ESTABLISHED },
  RESIDENTS_COMMITTEE_ELECTED: { default: PAYLOADS.RESIDENTS_COMMITTEE_ELECTED },
  COMMUNITY_MERGED: { default: PAYLOADS.COMMUNITY_MERGED },
  TRANSITION_DECIDED: {
    establish: PAYLOADS.TRANSITION_DECIDED,
    establishFromNextMonth: (_: HandoverContext, on: string) => ({
      ...(PAYLOADS.TRANSITION_DECIDED as object),
      startsOn: `${plusDays(on, 31).slice(0, 7)}-01`,
      staff: [
        { name: '张三', enterprisePayMonthly: 5200 },
        { name: '李四', enterprisePayMonthly: 3000 },
      ],
    }),
    noTransition: { establish: false, reason: '移交人员较少，不设过渡期' },
  },
  MAJOR_PROBLEM_REPORTED: { default: PAYLOADS.MAJOR_PROBLEM_REPORTED },
  MAJOR_PROBLEM_FILED: { openProblem: (c: HandoverContext) => ({ problemId: firstOpenProblem(c) }) },
  NEW_TASK_REPORTED: { default: PAYLOADS.NEW_TASK_REPORTED },
  NEW_TASK_VERIFIED: {
    approved: (c: HandoverContext) => ({ ...(PAYLOADS.NEW_TASK_VERIFIED as object), taskId: firstReportedTask(c) }),
    rejected: (c: HandoverContext) => ({ taskId: firstReportedTask(c), approved: false, reason: '不属于移交范围' }),
  },
};

export function payloadOf(type: EventType, variant: string, context: HandoverContext, occurredOn: string): unknown {
  const p = VARIANTS[type][variant];
  return typeof p === 'function' ? (p as (c: HandoverContext, on: string) => unknown)(context, occurredOn) : p;
}

/** A decision as a client would send it: type, actor (role and its organisation in the example case), date, data. */
export type DecisionInput = ReturnType<typeof decision>;

export interface Candidate {
  label: string;
  input: DecisionInput;
}

/** A decision every body may send (§四 major problems) is tried by the enterprise, the receiver and a city body. */
const ANY_BODY: readonly Role[] = ['enterprise', 'township', 'cityCivilAffairs'];

/** The roles a decision is tried with: every role the registry allows it. */
export function rolesToTry(type: EventType): readonly Role[] {
  const roles = rolesFor(type);
  return roles.length === ROLES.length ? ANY_BODY : roles;
}

/** Every (type, allowed role, variant) decision, dated `occurredOn`; `types` narrows the types. */
export function candidates(context: HandoverContext, occurredOn: string, types: readonly EventType[] = EVENT_TYPES): Candidate[] {
  const out: Candidate[] = [];
  for (const type of types) {
    for (const role of rolesToTry(type)) {
      for (const variant of Object.keys(VARIANTS[type])) {
        out.push({ label: `${type} by ${role} (${variant})`, input: decision(type, role, occurredOn, payloadOf(type, variant, context, occurredOn)) });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// A case in time: the host (snapshot + pending timers) and the clock.

export const START = '2017-10-09T01:00:00.000Z';

export function startCase(startedAt = START, input: Partial<HandoverInput> = {}): Host {
  return MachineHost.start(
    handoverMachine,
    { caseId: 'case-graph', parties: PARTIES, enterpriseName: '重庆某机械厂', startedAt, ...input } satisfies HandoverInput,
    Date.parse(startedAt),
  ).host;
}

/** A separate copy of a host, through its persisted (JSON) form. */
export function fork(host: Host): Host {
  return MachineHost.restore(handoverMachine, JSON.parse(JSON.stringify(host.persist())));
}

/** A step of a case: a decision through the gate, or the clock moving to the next pending timer. */
export type Move = { type: 'decide'; label: string; input: DecisionInput } | { type: 'tick'; label: string };

export interface CaseNode {
  host: Host;
  now: number;
  /** The transitions the move that led here took, in order. */
  taken: string[];
}

/** Applies a move to a copy of `node`; a refused decision throws (moves are only offered when accepted). */
export function applyMove(node: CaseNode, move: Move): CaseNode {
  const host = fork(node.host);
  if (move.type === 'tick') {
    const next = host.nextDue();
    if (!next) throw new Error('tick without a pending timer');
    const now = Math.max(node.now, next.dueAt);
    const { taken } = takenDuring(() => host.fireDue(now));
    return { host, now, taken };
  }
  const check = checkDecision(host.snapshot, PARTIES, move.input, node.now);
  if (!check.ok) throw new Error(`${move.label} refused: ${check.refusal.message.en}`);
  const { taken } = takenDuring(() => host.send(check.event, node.now));
  return { host, now: node.now, taken };
}

/** The moves the gate accepts now (decisions dated today, stamped with the clock), and the next timer if any. */
export function movesFrom(node: CaseNode): Move[] {
  if (node.host.done) return [];
  const today = shanghaiDate(node.now);
  const moves: Move[] = [];
  // Only types with a transition from the active states can pass the gate; the gate decides for each.
  const possible = new Set(getNextTransitions(node.host.snapshot).map((t) => t.eventType));
  for (const c of candidates(node.host.snapshot.context, today, EVENT_TYPES.filter((t) => possible.has(t)))) {
    if (checkDecision(node.host.snapshot, PARTIES, c.input, node.now).ok) moves.push({ type: 'decide', label: c.label, input: c.input });
  }
  const next = node.host.nextDue();
  if (next) moves.push({ type: 'tick', label: `time passes to ${new Date(next.dueAt).toISOString()} (${next.id})` });
  return moves;
}

/**
 * What distinguishes two cases for what can happen next: the state value, the pending timers, and the parts of
 * the context the guards of the active stage read (who signed or gave an opinion on an adjustment, who proposed
 * the plan, who signed the agreement, whether a problem or a task is open, whether it was handed over).
 * Dates and growing lists are left out, so the graph is finite. A key that is too coarse could only hide
 * states from the exploration, never make a transition appear taken: what is recorded was really executed.
 */
export function abstractKey(node: CaseNode): string {
  const s = node.host.snapshot;
  const c = s.context;
  const stage = typeof s.value === 'string' ? s.value : Object.keys(s.value)[0];
  return JSON.stringify([
    s.value,
    s.status,
    node.host.pending().map((p) => p.id),
    stage === 'planAdjustment' ? [[...(c.adjustment?.signedBy ?? [])].sort(), (c.adjustment?.opinions ?? []).map((o) => `${o.by}:${o.approved}`).sort()] : null,
    stage === 'workPlan' ? (c.workPlan.proposal?.by ?? null) : null,
    stage === 'agreement' ? Object.keys(c.agreement.signatures).sort() : null,
    !!c.handedOverOn,
    c.majorProblems.open.length > 0,
    c.newTasks.awaitingVerification.length > 0,
  ]);
}

const caseLogic = fromTransition((node: CaseNode, move: Move) => applyMove(node, move), (): CaseNode => ({ host: startCase(), now: Date.parse(START), taken: [] }));

export interface Exploration {
  /** Abstract states, in the order they were found (breadth first). */
  states: Map<string, CaseNode>;
  edges: Array<{ from: string; move: Move; to: string; taken: string[] }>;
  initial: string;
  /** The shortest sequence of moves from a new case to each abstract state. */
  pathTo(key: string): Move[];
}

/** Every abstract state reachable from a new case, and every accepted move from each, via @xstate/graph. */
export function explore(): Exploration {
  const adjacency = getAdjacencyMap(caseLogic, {
    events: (snapshot) => movesFrom(snapshot.context),
    serializeState: (snapshot) => abstractKey(snapshot.context),
    serializeEvent: (move) => JSON.stringify(move) as never,
    limit: 500_000,
  });
  const states = new Map<string, CaseNode>();
  const edges: Exploration['edges'] = [];
  for (const [from, value] of Object.entries(adjacency)) {
    states.set(from, value.state.context);
    for (const t of Object.values(value.transitions) as Array<{ event: Move; state: { context: CaseNode } }>) {
      edges.push({ from, move: t.event, to: abstractKey(t.state.context), taken: t.state.context.taken });
    }
  }
  const initial = [...states.keys()][0]!;
  // Breadth first from the new case: the parent edge of every state lies on a shortest path.
  const parent = new Map<string, { from: string; move: Move }>();
  const seen = new Set([initial]);
  const queue = [initial];
  const outgoing = new Map<string, typeof edges>();
  for (const e of edges) outgoing.set(e.from, [...(outgoing.get(e.from) ?? []), e]);
  while (queue.length) {
    const at = queue.shift()!;
    for (const e of outgoing.get(at) ?? []) {
      if (seen.has(e.to)) continue;
      seen.add(e.to);
      parent.set(e.to, { from: at, move: e.move });
      queue.push(e.to);
    }
  }
  return {
    states,
    edges,
    initial,
    pathTo(key) {
      const moves: Move[] = [];
      for (let k = key; k !== initial; ) {
        const p = parent.get(k);
        if (!p) throw new Error(`no path to ${k}`);
        moves.unshift(p.move);
        k = p.from;
      }
      return moves;
    },
  };
}
