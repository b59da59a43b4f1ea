// What a case looks like from outside: stage, branches, responsibility, overdue flags, due dates, actions per role.
import { getNextTransitions, type AnyMachineSnapshot } from 'xstate';
import { EVENT_REGISTRY, type EventType } from './events';
import type { Deadline, DeadlineKind, HandoverContext } from './handover';
import type { Role } from './roles';

export const STAGES = ['survey', 'planAdjustment', 'workPlan', 'agreement', 'implementation', 'handedOver', 'completed'] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_LABELS: Record<Stage, { zh: string; en: string; clause: string }> = {
  survey: { zh: '摸排', en: 'survey', clause: '§三(一)' },
  planAdjustment: { zh: '计划调整', en: 'plan adjustment', clause: '§三(一)' },
  workPlan: { zh: '工作方案', en: 'work plan', clause: '§三(二)' },
  agreement: { zh: '移交协议', en: 'agreement', clause: '§三(三)' },
  implementation: { zh: '实施移交', en: 'implementation', clause: '§三(四)' },
  handedOver: { zh: '已移交（过渡期中）', en: 'handed over (in transition)', clause: '§二(一)' },
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

/** "移交任务完成" for targets and reports (§四(三)): handed over, whether or not a transition period still runs. */
export function countsAsComplete(stage: Stage | string): boolean {
  return stage === 'handedOver' || stage === 'completed';
}

/** §四(二): the enterprise carries petition and public-opinion responsibility before the handover, the township after. */
export function responsibleParty(context: HandoverContext): 'enterprise' | 'township' {
  return context.handedOverOn ? 'township' : 'enterprise';
}

/** §四(二): who is responsible, and why (the handover date it switched on, or that there is none yet). */
export function responsibilityOf(context: HandoverContext): { party: 'enterprise' | 'township'; since?: string; reason: { zh: string; en: string } } {
  const on = context.handedOverOn;
  if (on) {
    const how = context.agreement.supplementary ? { zh: '（已移交，补签协议）', en: ' (handed over earlier, supplementary agreement)' } : { zh: '', en: '' };
    return {
      party: 'township',
      since: on,
      reason: { zh: `移交后接收乡镇（街道）负主要责任，企业予以协助：${on} 已移交${how.zh}（§四(二)）`, en: `after the handover the township is primarily responsible: handed over on ${on}${how.en} (§四(二))` },
    };
  }
  return {
    party: 'enterprise',
    reason: { zh: '移交前企业负主要责任，接收乡镇（街道）予以协助：尚未移交（§四(二)）', en: 'before the handover the enterprise is primarily responsible: not handed over yet (§四(二))' },
  };
}

/** Overdue now: the agreement's deadline passed unsigned, or the case's target passed without the handover. */
export function isOverdue(context: HandoverContext): boolean {
  const signed = !!context.agreement.signedOn;
  const targetMet = context.agreement.supplementary ? signed : !!context.handedOverOn;
  return (!signed && !context.agreement.supplementary && context.missed.agreement) || (!targetMet && context.missed.cityTarget);
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
  negotiationReminder: 'negotiationReminder',
  urbanCoordinationSupervision: 'urbanCoordinationSupervision',
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
