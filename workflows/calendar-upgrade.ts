// A newer State Council notice for a running case, deterministically.
//
// A case counts its working-day deadlines with the calendar version in its context. A new run takes
// the newest version of its bundle, recorded with a patch marker (`calendar-v<N>`), so replaying an
// old history with a newer bundle keeps the version the run started with. The version changes only
// through the `calendarUpdated` update (sent by `handover calendar rollout`): the pending working-day
// deadlines are recomputed to exactly that version, their timers moved to the new instants, the
// change and its reason written to the case record as a note, and the parties notified of a date
// that moved (through the notify effect path).

import { ApplicationFailure, defineUpdate, patched, setHandler } from '@temporalio/workflow';
import {
  CALENDAR_VERSION,
  LEGACY_CALENDAR_VERSION,
  isBundledVersion,
  recomputeDeadlines,
  type DeadlineChange,
} from '../machines/calendar';
import { deadlineForTimer } from '../machines/case-view';
import type { Deadline, DeadlineKind, HandoverContext, NotifyParams } from '../machines/handover';
import type { Role } from '../machines/roles';
import type { Effect, ScheduledEvent } from './host/machine-host';

export interface CalendarUpdateRequest {
  /** The calendar version to count with from now on: the notices 1..version. */
  version: number;
}

/** One recomputed deadline, as the update answers and the note records it. */
export interface CalendarDeadlineChange {
  kind: DeadlineKind;
  /** The pending timers that wait for it, moved with it. */
  timers: string[];
  from: string;
  before: { due: string; at: string; provisional: boolean };
  after: { due: string; at: string; provisional: boolean; provisionalYears: number[] };
  moved: boolean;
  notices: string[];
  reason: { zh: string; en: string };
}

export interface CalendarUpdateResult {
  caseId: string;
  fromVersion: number;
  toVersion: number;
  /** Deadlines whose due date or provisional status changed. */
  changes: CalendarDeadlineChange[];
  /** Pending working-day deadlines that stay as they were. */
  unchanged: DeadlineKind[];
  /** True when the case already counted with this version: nothing was changed or recorded. */
  alreadyCurrent?: boolean;
  /** True when the case's process has ended: it has no pending deadline and keeps its version. */
  caseClosed?: boolean;
}

export const calendarUpdatedUpdate = defineUpdate<CalendarUpdateResult, [CalendarUpdateRequest]>('calendarUpdated');

/** The patch marker of a calendar version newer than the legacy one. */
export const calendarPatchId = (version: number): string => `calendar-v${version}`;

/**
 * The calendar version a new run counts with: the newest of this bundle for a new run; on replay, the one its
 * history recorded (no marker: `unmarked`, the version runs counted with before they recorded one — for a case the
 * legacy version, as before versions existed). Call once at the start of every run, at the same point.
 */
export function calendarVersionForThisRun(unmarked: number = LEGACY_CALENDAR_VERSION): number {
  return chooseCalendarVersion(CALENDAR_VERSION, unmarked, patched);
}

/**
 * Pure: the newest version above `unmarked` whose marker `isPatched` reports (a new run records the first it asks
 * for, `newest`; a replay finds the one its history holds), else `unmarked`. A run under a bundle no newer than
 * `unmarked` asks for no marker at all.
 */
export function chooseCalendarVersion(newest: number, unmarked: number, isPatched: (patchId: string) => boolean): number {
  for (let v = newest; v > unmarked; v--) if (isPatched(calendarPatchId(v))) return v;
  return unmarked;
}

/** The version a case's deadlines are counted with. */
export function caseCalendarVersion(context: Pick<HandoverContext, 'calendarVersion'>): number {
  return context.calendarVersion ?? LEGACY_CALENDAR_VERSION;
}

interface Refusal {
  code: string;
  message: { zh: string; en: string };
}

/** Why a case refuses this update, or undefined when it takes it. */
export function calendarUpdateRefusal(context: Pick<HandoverContext, 'calendarVersion'>, request: unknown): Refusal | undefined {
  const version = (request as Partial<CalendarUpdateRequest> | undefined)?.version;
  if (!isBundledVersion(version)) {
    return {
      code: 'calendarVersionUnknown',
      message: {
        zh: `日历版本无效：version = ${JSON.stringify(version) ?? 'undefined'}，本程序包含版本 1 至 ${CALENDAR_VERSION}（先部署含新通知的版本，再发送更新）`,
        en: `unknown calendar version: version = ${JSON.stringify(version) ?? 'undefined'}, this worker bundles versions 1 to ${CALENDAR_VERSION} (deploy the build with the new notice first)`,
      },
    };
  }
  const current = caseCalendarVersion(context);
  if (version < current) {
    return {
      code: 'calendarVersionOlder',
      message: {
        zh: `日历版本 ${version} 早于本案件所用版本 ${current}：通知只增不减，版本只能前进`,
        en: `calendar version ${version} is older than the case's version ${current}: notices are only ever added, so versions only move forward`,
      },
    };
  }
  return undefined;
}

/** What applying an update changes: the new context, the timers' new due instants, the result. */
export interface CalendarUpdatePlan {
  context: HandoverContext;
  dueAt: Record<string, number>;
  result: CalendarUpdateResult;
}

/**
 * Pure: recomputes the working-day deadlines that pending timers wait for, from the case's version to
 * `toVersion`, and moves each such timer by as much as its deadline moved (a reminder keeps its lead).
 */
export function planCalendarUpdate(context: HandoverContext, pending: readonly ScheduledEvent[], toVersion: number): CalendarUpdatePlan {
  const fromVersion = caseCalendarVersion(context);
  const timersOf = new Map<DeadlineKind, ScheduledEvent[]>();
  for (const p of pending) {
    const d = deadlineForTimer(context, p.id);
    if (!d?.workingDays) continue;
    timersOf.set(d.kind, [...(timersOf.get(d.kind) ?? []), p]);
  }
  const deadlines = [...timersOf.keys()].map((k) => context.deadlines[k]).filter((d): d is Deadline => d !== undefined);
  const r = recomputeDeadlines(deadlines, fromVersion, toVersion);
  const dueAt: Record<string, number> = {};
  const newDeadlines: Partial<Record<DeadlineKind, Deadline>> = { ...context.deadlines };
  const changes = r.changes.map((c: DeadlineChange<Deadline>): CalendarDeadlineChange => {
    const shift = Date.parse(c.after.at) - Date.parse(c.before.at);
    const timers = timersOf.get(c.kind) ?? [];
    for (const t of timers) dueAt[t.id] = t.dueAt + shift;
    newDeadlines[c.kind] = c.after;
    return {
      kind: c.kind,
      timers: timers.map((t) => t.id),
      from: c.before.from,
      before: { due: c.before.due, at: c.before.at, provisional: c.before.workingDays?.provisional ?? false },
      after: { due: c.after.due, at: c.after.at, provisional: c.provisional, provisionalYears: c.provisionalYears },
      moved: c.moved,
      notices: c.notices,
      reason: c.reason,
    };
  });
  return {
    context: { ...context, calendarVersion: toVersion, deadlines: newDeadlines },
    dueAt,
    result: { caseId: context.caseId, fromVersion, toVersion, changes, unchanged: r.unchanged },
  };
}

const DEADLINE_NAMES: Record<DeadlineKind, { zh: string; en: string }> = {
  negotiationReminder: { zh: '协商催办', en: 'negotiation reminder' },
  negotiationEscalation: { zh: '协商期限', en: 'negotiation period' },
  coordinationEscalation: { zh: '协调期限', en: 'coordination period' },
  urbanCoordinationSupervision: { zh: '市城管委协调督办', en: 'urban management coordination supervision' },
  agreementReminder: { zh: '签订协议提醒', en: 'agreement reminder' },
  agreement: { zh: '签订移交协议期限', en: 'agreement deadline' },
  transitionEnd: { zh: '过渡期', en: 'transition period' },
  cityTarget: { zh: '全市完成时限', en: 'city target date' },
};

/** Who is told when a date moves: the two parties of the agreement and the district civil affairs bureau. */
const TOLD: Role[] = ['enterprise', 'districtGovernment', 'districtCivilAffairs'];

/** The notify effects for the deadlines whose due date moved (idempotent per case, deadline and move). */
export function movedDateNotifications(result: CalendarUpdateResult, enterpriseName: string, clauseOf: (kind: DeadlineKind) => string): Effect[] {
  return result.changes
    .filter((c) => c.moved)
    .map((c) => {
      const name = DEADLINE_NAMES[c.kind] ?? { zh: c.kind, en: c.kind };
      const params: NotifyParams = {
        reason: 'calendarDeadlineMoved' as NotifyParams['reason'],
        to: TOLD,
        dueKey: `${c.kind}:${c.before.due}>${c.after.due}`,
        clause: clauseOf(c.kind),
        message: {
          zh: `${enterpriseName}：${name.zh}到期日由 ${c.before.due} 改为 ${c.after.due}（依据 ${c.notices.join('、') || '国务院办公厅节假日安排'}）。${c.reason.zh}`,
          en: `${enterpriseName}: the ${name.en} is now due ${c.after.due} instead of ${c.before.due} (under ${c.notices.join(', ') || 'the State Council holiday arrangements'}). ${c.reason.en}`,
        },
      };
      return { type: 'notify', params: params as unknown as Record<string, unknown> };
    });
}

/** What the update needs of the workflow's host. */
export interface CalendarUpgradeHost {
  host: {
    readonly snapshot: { context: unknown };
    readonly done: boolean;
    pending(): ScheduledEvent[];
    amend(context: unknown, dueAt: Readonly<Record<string, number>>): void;
  };
  /** Writes an entry to the case record (the workflow's addEntry). */
  addEntry(entry: { kind: 'note'; type: string; data: unknown }): unknown;
  /** Queues effects and wakes the timer loop so it sleeps until the new earliest instant. */
  changed(effects: Effect[]): void;
}

/** Registers the `calendarUpdated` update on a handover workflow. */
export function installCalendarUpgrade(h: CalendarUpgradeHost): void {
  setHandler(
    calendarUpdatedUpdate,
    (request) => {
      const context = h.host.snapshot.context as HandoverContext;
      const refusal = calendarUpdateRefusal(context, request);
      if (refusal) throw refusalFailure(refusal);
      const fromVersion = caseCalendarVersion(context);
      const unchanged = { caseId: context.caseId, fromVersion, toVersion: fromVersion, changes: [], unchanged: [] };
      if (request.version === fromVersion) return { ...unchanged, alreadyCurrent: true };
      if (h.host.done) return { ...unchanged, caseClosed: true };
      const plan = planCalendarUpdate(context, h.host.pending(), request.version);
      h.host.amend(plan.context, plan.dueAt);
      h.addEntry({ kind: 'note', type: 'calendarUpdated', data: plan.result });
      const effects = movedDateNotifications(plan.result, context.enterpriseName, (kind) => context.deadlines[kind]?.clause ?? '');
      h.changed(effects);
      return plan.result;
    },
    {
      // A refused update leaves no trace in the history.
      validator: (request) => {
        const refusal = calendarUpdateRefusal(h.host.snapshot.context as HandoverContext, request);
        if (refusal) throw refusalFailure(refusal);
      },
    },
  );
}

function refusalFailure(refusal: Refusal): ApplicationFailure {
  return ApplicationFailure.create({
    type: `Refused:${refusal.code}`,
    message: `${refusal.message.zh} (${refusal.message.en})`,
    details: [refusal],
    nonRetryable: true,
  });
}
