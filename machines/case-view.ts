// What a case looks like from outside: stage, branches, responsibility, overdue flags, due dates, actions per role.
import { getNextTransitions, type AnyMachineSnapshot } from 'xstate';
import { EVENT_REGISTRY, type EventType } from './events';
import type { Deadline, DeadlineKind, HandoverContext } from './handover';
import type { Role } from './roles';

export const STAGES = ['survey', 'planAdjustment', 'workPlan', 'agreement', 'implementation', 'completed'] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_LABELS: Record<Stage, { zh: string; en: string; clause: string }> = {
  survey: { zh: '摸排', en: 'survey', clause: '§三(一)' },
  planAdjustment: { zh: '计划调整', en: 'plan adjustment', clause: '§三(一)' },
  workPlan: { zh: '工作方案', en: 'work plan', clause: '§三(二)' },
  agreement: { zh: '移交协议', en: 'agreement', clause: '§三(三)' },
  implementation: { zh: '实施移交', en: 'implementation', clause: '§三(四)' },
  completed: { zh: '已完成', en: 'completed', clause: '§三(四)' },
};

export function stageOf(snapshot: AnyMachineSnapshot): Stage {
  const value = snapshot.value;
  const top = typeof value === 'string' ? value : Object.keys(value as object)[0];
  return (STAGES as readonly string[]).includes(top ?? '') ? (top as Stage) : 'survey';
}

/** Leaf state paths, e.g. ['implementation.facilities.inspecting', 'implementation.community.electing']. */
export function activePaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix ? `${prefix}.${value}` : value];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => activePaths(v, prefix ? `${prefix}.${k}` : k));
}

/** §四(二): the enterprise carries petition and public-opinion responsibility before the handover, the township after. */
export function responsibleParty(context: HandoverContext): 'enterprise' | 'township' {
  return context.handedOverOn ? 'township' : 'enterprise';
}

/** Overdue now: a deadline for the agreement (its own or the city target) has passed and it is still unsigned. */
export function isOverdue(context: HandoverContext): boolean {
  const signed = !!context.agreement.signedOn || !!context.handedOverOn;
  return !signed && (context.missed.agreement || context.missed.cityTarget);
}

/** The event types the machine could take now (guards not evaluated) that `role` may send. */
export function availableActions(snapshot: AnyMachineSnapshot, role: Role): EventType[] {
  if (snapshot.status !== 'active') return [];
  const types = new Set<EventType>();
  for (const t of getNextTransitions(snapshot)) {
    const type = t.eventType as EventType;
    if (type in EVENT_REGISTRY && (EVENT_REGISTRY[type].roles as readonly Role[]).includes(role)) types.add(type);
  }
  return [...types];
}

/** Which deadline each of the machine's delays waits for. */
const DELAY_DEADLINE: Record<string, DeadlineKind> = {
  negotiationEscalation: 'negotiationEscalation',
  coordinationEscalation: 'coordinationEscalation',
  agreementReminder: 'agreementReminder',
  agreementDeadline: 'agreement',
  transitionFirstReminder: 'transitionEnd',
  transitionSecondReminder: 'transitionEnd',
  transitionEnd: 'transitionEnd',
  cityTarget: 'cityTarget',
};

/** The deadline a pending delayed event (id `xstate.after.<delay>.<state>`) belongs to. */
export function deadlineForTimer(context: HandoverContext, timerId: string): Deadline | undefined {
  const delay = timerId.split('.')[2] ?? '';
  const kind = DELAY_DEADLINE[delay];
  return kind ? context.deadlines[kind] : undefined;
}
