// What a case looks like from outside: stage, branches, responsibility, overdue flags, due dates, actions per role.
import { getNextTransitions, type AnyMachineSnapshot } from 'xstate';
import { EVENT_REGISTRY, type EventType } from './events';
import type { Deadline, DeadlineKind, HandoverContext } from './handover';
import type { Role } from './roles';
import { areaStage, type AreaStage } from './residential-areas';

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

/**
 * §四(二): who is responsible, and why: the switch is the handover date — the recorded handover, or the 移交时间 the
 * signed agreement fixed once `today` (YYYY-MM-DD, Asia/Shanghai) has reached it — never the signature.
 */
export function responsibilityOf(context: HandoverContext, today?: string): { party: 'enterprise' | 'township'; since?: string; reason: { zh: string; en: string } } {
  const agreed = context.agreement.signedOn ? context.agreement.handoverDate : undefined;
  if (!context.handedOverOn && agreed && today && today >= agreed) {
    return {
      party: 'township',
      since: agreed,
      reason: { zh: `移交后接收乡镇（街道）负主要责任：移交协议约定移交时间 ${agreed}（§三(三)、§四(二)）`, en: `after the handover the township is primarily responsible: the agreement's handover date ${agreed} (§三(三), §四(二))` },
    };
  }
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

// ---- One projection of a case (issue 11, Build 8) -------------------------------------------------------------

export type DeadlineStatus = 'met' | 'pending' | 'missed';

export interface DeadlineView {
  kind: DeadlineKind;
  due: string;
  at: string;
  status: DeadlineStatus;
  /** The date that met it, or the date it was missed on. */
  on?: string;
  clause: string;
  label: { zh: string; en: string };
  explanation: { zh: string; en: string };
}

export interface CaseProjection {
  stage: Stage;
  stageLabel: { zh: string; en: string };
  handedOver: boolean;
  handedOverOn?: string;
  /** Handed over with the transition period still running. */
  inTransition: boolean;
  responsibility: ReturnType<typeof responsibilityOf>;
  overdue: boolean;
  /** Every deadline the case has had, fired ones included, with its status. */
  deadlines: DeadlineView[];
  /** §二(一), a case with several residential areas: where each area's community set-up stands (absent for one area). */
  areas?: AreaView[];
}

export interface AreaView {
  name: string;
  people?: number;
  stage: AreaStage;
  stageLabel: { zh: string; en: string };
  establishedOn?: string;
}

const AREA_STAGE_LABELS: Record<AreaStage, { zh: string; en: string }> = {
  choosingSetup: { zh: '确定组建方式', en: 'choosing set-up' },
  establishing: { zh: '设立社区', en: 'establishing' },
  electing: { zh: '选举居委会', en: 'electing committee' },
  merging: { zh: '并入相邻社区', en: 'merging' },
  established: { zh: '已组建', en: 'established' },
};

const KIND_LABELS: Record<DeadlineKind, { zh: string; en: string }> = {
  negotiationReminder: { zh: '协商催办', en: 'negotiation reminder' },
  negotiationEscalation: { zh: '协商督办', en: 'negotiation supervision' },
  coordinationEscalation: { zh: '市民政局协调督办', en: 'coordination supervision' },
  urbanCoordinationSupervision: { zh: '市城管委协调督办', en: 'urban management coordination supervision' },
  agreementReminder: { zh: '签订协议提醒', en: 'agreement reminder' },
  agreement: { zh: '签订移交协议期限', en: 'agreement deadline' },
  transitionEnd: { zh: '过渡期结束', en: 'end of transition period' },
  cityTarget: { zh: '完成移交目标日期', en: 'handover target date' },
};

/** The deadline each reminder reminds of. */
const REMINDS: Partial<Record<DeadlineKind, DeadlineKind>> = { negotiationReminder: 'negotiationEscalation', agreementReminder: 'agreement' };

/** The deadline a reminder reminds of; undefined for a deadline that is not a reminder. */
export function remindsOf(kind: DeadlineKind): DeadlineKind | undefined {
  return REMINDS[kind];
}

/** What met each kind of deadline, from the case's record (undefined: not met yet). */
function metOn(context: HandoverContext, kind: DeadlineKind): string | undefined {
  switch (kind) {
    case 'negotiationReminder':
    case 'negotiationEscalation':
    case 'coordinationEscalation':
    case 'urbanCoordinationSupervision':
      return context.workPlan.agreedOn;
    case 'agreementReminder':
    case 'agreement':
      return context.agreement.signedOn;
    case 'transitionEnd':
      return undefined;
    case 'cityTarget':
      return context.agreement.supplementary ? context.agreement.signedOn : context.handedOverOn;
  }
}

/**
 * The one projection of a case for people: stage, handed over or not, responsibility with its reason, and every
 * deadline with its explanation and status (met / pending / missed, with dates) — fired ones stay. `now` is the
 * instant the projection is for (epoch ms).
 */
export function projectCase(snapshot: AnyMachineSnapshot, now: number): CaseProjection {
  return projectContext(stageOf(snapshot), snapshot.context as HandoverContext, now);
}

/** The same projection from a case's stage and context, as the workflow's `caseState` query answers them (clients). */
export function projectContext(stage: Stage, context: HandoverContext, now: number): CaseProjection {
  const today = new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
  const deadlines = Object.values(context.deadlines)
    .filter((d): d is Deadline => !!d)
    .map((d): DeadlineView => {
      const met = metOn(context, d.kind);
      // A reminder is not missed by itself: it takes the status of the deadline it reminds of (a plan agreed, or an
      // agreement signed, after the reminder but in time met it).
      const judged = (REMINDS[d.kind] && context.deadlines[REMINDS[d.kind]!]) || d;
      const passed = now >= Date.parse(judged.at);
      let status: DeadlineStatus;
      let on: string | undefined;
      if (d.kind === 'transitionEnd') [status, on] = passed ? ['met', d.due] : ['pending', undefined];
      else if (met && met <= judged.due) [status, on] = ['met', met];
      else if (met || passed) [status, on] = ['missed', met ?? judged.due];
      else [status, on] = ['pending', undefined];
      const skipped = d.workingDays ? d.workingDays.skipped?.length ?? 0 : 0;
      const basis = d.basis ? { zh: `；依据：${d.basis.zh}`, en: `; from ${d.basis.en}` } : { zh: '', en: '' };
      const counted = d.workingDays ? { zh: `自 ${d.from} 起按工作日计算（跳过 ${skipped} 天非工作日）`, en: `counted in working days from ${d.from} (${skipped} non-working days skipped)` } : { zh: `自 ${d.from} 起`, en: `from ${d.from}` };
      const what = { met: { zh: `已于 ${on} 完成`, en: `met on ${on}` }, missed: { zh: `已逾期（${on}）`, en: `missed (${on})` }, pending: { zh: '未到期', en: 'pending' } }[status];
      return {
        kind: d.kind,
        due: d.due,
        at: d.at,
        status,
        ...(on ? { on } : {}),
        clause: d.clause,
        label: KIND_LABELS[d.kind],
        explanation: { zh: `${d.due} 到期，${counted.zh}${basis.zh}（${d.clause}）：${what.zh}`, en: `due ${d.due}, ${counted.en}${basis.en} (${d.clause}): ${what.en}` },
      };
    })
    .sort((a, b) => a.at.localeCompare(b.at));
  return {
    stage,
    stageLabel: { zh: STAGE_LABELS[stage].zh, en: STAGE_LABELS[stage].en },
    handedOver: !!context.handedOverOn || countsAsComplete(stage),
    ...(context.handedOverOn ? { handedOverOn: context.handedOverOn } : {}),
    inTransition: stage === 'handedOver',
    responsibility: responsibilityOf(context, today),
    overdue: isOverdue(context),
    deadlines,
    ...(context.areas
      ? {
          areas: context.areas.map((a) => {
            const s = areaStage(a);
            return { name: a.name, ...(a.people !== undefined ? { people: a.people } : {}), stage: s, stageLabel: AREA_STAGE_LABELS[s], ...(a.establishedOn ? { establishedOn: a.establishedOn } : {}) };
          }),
        }
      : {}),
  };
}
