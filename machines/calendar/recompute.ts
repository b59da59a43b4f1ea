// Recomputing working-day deadlines under a newer calendar version: which due dates move, and
// which notice moved which day. Pure; the workflow applies the result to a running case.

import type { Calendar, DayInfo, WorkingDayResult } from './calendar';
import { formatDayNumber, parseIsoDate, weekdayName } from './dates';
import { calendarAt } from './versions';

/** What recomputation needs of a deadline (machines/handover.ts `Deadline` has this shape). */
export interface RecomputableDeadline {
  kind: string;
  due: string;
  at: string;
  from: string;
  workingDays?: WorkingDayResult;
}

/** A day inside a deadline's count whose working status differs between the two versions. */
export interface DayChange {
  date: string;
  before: DayInfo;
  after: DayInfo;
  /** The notice that changed it (the day's notice in the newer version). */
  notice?: string;
}

export interface DeadlineChange<D extends RecomputableDeadline = RecomputableDeadline> {
  kind: D['kind'];
  before: D;
  /** The deadline recomputed under the newer version. */
  after: D;
  /** The due date moved. */
  moved: boolean;
  /** Days in the count whose working status changed, in date order. */
  days: DayChange[];
  /** The notices behind the change, in order of first appearance. */
  notices: string[];
  /** Still depends on a year without a notice. */
  provisional: boolean;
  provisionalYears: number[];
  reason: { zh: string; en: string };
}

export interface Recomputation<D extends RecomputableDeadline = RecomputableDeadline> {
  fromVersion: number;
  toVersion: number;
  /** Deadlines whose due date or provisional status changed. */
  changes: Array<DeadlineChange<D>>;
  /** Working-day deadlines that stay exactly as they were. */
  unchanged: Array<D['kind']>;
}

function describeDay(info: DayInfo, lang: 'zh' | 'en'): string {
  const zh = lang === 'zh';
  const provisional = info.provisional ? (zh ? '（暂定）' : ' (provisional)') : '';
  switch (info.kind) {
    case 'workday':
      return (zh ? '工作日' : 'a working day') + provisional;
    case 'weekend':
      return (zh ? '周末' : 'a weekend day') + provisional;
    case 'holiday':
      return zh ? `${info.holidayName ?? ''}假期` : `a ${info.holidayNameEn ?? info.holidayName ?? ''} holiday`;
    case 'makeupWorkday':
      return zh ? `${info.holidayName ?? ''}调休上班日` : `a make-up working day for ${info.holidayNameEn ?? info.holidayName ?? ''}`;
  }
}

function dayChanges(from: Calendar, to: Calendar, start: string, until: string): DayChange[] {
  const changes: DayChange[] = [];
  const a = parseIsoDate(start, 'from').dayNumber + 1;
  const b = parseIsoDate(until, 'due').dayNumber;
  for (let d = a; d <= b; d++) {
    const date = formatDayNumber(d);
    const before = from.dayInfo(date);
    const after = to.dayInfo(date);
    if (before.working === after.working) continue;
    const change: DayChange = { date, before, after };
    const notice = after.notice ?? before.notice;
    if (notice !== undefined) change.notice = notice;
    changes.push(change);
  }
  return changes;
}

function reasonOf(before: RecomputableDeadline, after: WorkingDayResult, days: readonly DayChange[], notices: readonly string[], to: Calendar): { zh: string; en: string } {
  const zh: string[] = [];
  const en: string[] = [];
  for (const notice of notices) {
    const mine = days.filter((d) => d.notice === notice);
    zh.push(`${notice}：${mine.map((d) => `${d.date}（${weekdayName(d.date, 'zh')}）由${describeDay(d.before, 'zh')}改为${describeDay(d.after, 'zh')}`).join('；')}`);
    en.push(`${notice}: ${mine.map((d) => `${d.date} (${weekdayName(d.date, 'en')}) changed from ${describeDay(d.before, 'en')} to ${describeDay(d.after, 'en')}`).join('; ')}`);
  }
  const unexplained = days.filter((d) => d.notice === undefined);
  if (unexplained.length > 0) {
    zh.push(`${unexplained.map((d) => d.date).join('、')} 的工作日状态改变`);
    en.push(`the working status of ${unexplained.map((d) => d.date).join(', ')} changed`);
  }
  const wasProvisional = before.workingDays?.provisionalYears ?? [];
  const confirmed = wasProvisional.filter((y) => !after.provisionalYears.includes(y));
  for (const year of confirmed) {
    const annual = to.year(year);
    zh.push(`${year}年节假日安排已公布${annual ? `（${annual.notice}）` : ''}，不再暂定`);
    en.push(`the ${year} holiday arrangements are published${annual ? ` (${annual.notice})` : ''}, no longer provisional`);
  }
  if (before.due !== after.due) {
    zh.push(`到期日由 ${before.due} 改为 ${after.due}`);
    en.push(`due date moved from ${before.due} to ${after.due}`);
  } else {
    zh.push(`到期日 ${after.due} 不变`);
    en.push(`due date ${after.due} unchanged`);
  }
  if (after.provisional) {
    zh.push(`仍为暂定：${after.provisionalYears.join('、')}年尚无国务院公布的节假日安排`);
    en.push(`still provisional: no State Council holiday arrangements for ${after.provisionalYears.join(', ')} yet`);
  }
  return { zh: `${zh.join('；')}。`, en: `${en.join('; ')}.` };
}

/**
 * Recomputes every working-day deadline (those with `workingDays`) from its start date and count
 * under calendar `to`, comparing with calendar `from`. Deadlines without `workingDays` (fixed
 * dates) are left out. The caller decides which deadlines are pending.
 */
export function recomputeWith<D extends RecomputableDeadline>(deadlines: Iterable<D>, from: Calendar, to: Calendar): Recomputation<D> {
  const changes: Array<DeadlineChange<D>> = [];
  const unchanged: Array<D['kind']> = [];
  for (const d of deadlines) {
    const wd = d.workingDays;
    if (!wd) continue;
    const r = to.addWorkingDays(d.from, wd.n);
    const sameProvisional = wd.provisionalYears.length === r.provisionalYears.length && wd.provisionalYears.every((y, i) => r.provisionalYears[i] === y);
    if (r.due === d.due && sameProvisional) {
      unchanged.push(d.kind);
      continue;
    }
    const until = r.due > d.due ? r.due : d.due;
    const days = dayChanges(from, to, d.from, until);
    const notices: string[] = [];
    for (const day of days) if (day.notice !== undefined && !notices.includes(day.notice)) notices.push(day.notice);
    const after = { ...d, due: r.due, at: r.deadline, workingDays: r } as D;
    changes.push({
      kind: d.kind,
      before: d,
      after,
      moved: r.due !== d.due,
      days,
      notices,
      provisional: r.provisional,
      provisionalYears: r.provisionalYears,
      reason: reasonOf(d, r, days, notices, to),
    });
  }
  return { fromVersion: from.version, toVersion: to.version, changes, unchanged };
}

/**
 * The working-day deadlines recomputed from calendar version `fromVersion` to `toVersion` (both
 * bundled): the changes, each with its reason (which notice moved which day).
 * @throws CalendarError when a version is not bundled.
 */
export function recomputeDeadlines<D extends RecomputableDeadline>(
  deadlines: Iterable<D> | Partial<Record<string, D>>,
  fromVersion: number,
  toVersion: number,
): Recomputation<D> {
  const list: D[] = Symbol.iterator in Object(deadlines)
    ? [...(deadlines as Iterable<D>)]
    : Object.values(deadlines as Partial<Record<string, D>>).filter((d): d is D => d !== undefined);
  return recomputeWith(list, calendarAt(fromVersion), calendarAt(toVersion));
}
