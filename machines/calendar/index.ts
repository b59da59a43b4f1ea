// The official working-day calendar: weekends, the public holidays and the make-up working days
// (调休) that the State Council General Office publishes, one JSON file per notice in ./notices
// (annual arrangements and the later notices that amend them), validated when loaded.
//
// Versions: the notices are append-only and numbered; calendar version N is the notices 1..N.
// Functions here take an optional `version` (default: the newest bundled, CALENDAR_VERSION); a
// case computes its deadlines with the version it records, so a newer bundle replays it unchanged.
//
// Pure TypeScript: no I/O, no Node APIs, no clock, so it runs in the Temporal workflow sandbox.

import type { CalendarYear, DayInfo, WorkingDayResult } from './calendar';
import { calendarAt } from './versions';

export {
  CalendarError,
  MAX_DATE,
  MIN_DATE,
  deadlineOf,
  parseIsoDate,
  shanghaiDate,
  type ParsedDate,
} from './dates';
export {
  Calendar,
  MAX_WORKING_DAYS,
  calendarVersionLabel,
  type CalendarAmendment,
  type CalendarYear,
  type DayInfo,
  type DayKind,
  type HolidayPeriod,
  type MakeupWorkday,
  type SkippedDay,
  type WorkingDayResult,
} from './calendar';
export {
  CalendarDataError,
  CalendarNoticeSchema,
  loadNotices,
  noticeFileName,
  type CalendarNotice,
  type NoticeFile,
} from './notice-schema';
export {
  CALENDAR_DATA_VERSION,
  CALENDAR_NOTICES,
  CALENDAR_VERSION,
  LEGACY_CALENDAR_VERSION,
  LEGACY_DATA_VERSION,
  calendarAt,
  isBundledVersion,
  versionOfNotice,
  versionOfResult,
} from './versions';
export { explainWorkingDays } from './explain';
export {
  recomputeDeadlines,
  recomputeWith,
  type DayChange,
  type DeadlineChange,
  type Recomputation,
  type RecomputableDeadline,
} from './recompute';

const newest = calendarAt();
/** First and last year with an annual notice in the newest version; later years are provisional. */
export const CALENDAR_FIRST_YEAR: number = newest.firstYear ?? 0;
export const CALENDAR_LAST_YEAR: number = newest.lastYear ?? 0;
export const CALENDAR_YEAR_RANGE = { from: CALENDAR_FIRST_YEAR, to: CALENDAR_LAST_YEAR } as const;

// The one-argument functions below use the newest version (they are safe to pass to .map/.filter);
// for another version use calendarAt(version).dayInfo(date) and the like.

/** What kind of day `date` is in the official calendar. */
export function dayInfo(date: string): DayInfo {
  return calendarAt().dayInfo(date);
}

/** Whether `date` is a working day (a weekday that is not a holiday, or a make-up working day). */
export function isWorkingDay(date: string): boolean {
  return calendarAt().isWorkingDay(date);
}

/** Whether the annual notice for `year` is in the data. */
export function isCoveredYear(year: number): boolean {
  return calendarAt().isCoveredYear(year);
}

/** The arrangement of one year (its annual notice with amendments applied), or undefined when not covered. */
export function calendarYear(year: number): CalendarYear | undefined {
  return calendarAt().year(year);
}

/**
 * The due date `n` working days after `start`: the n-th working day AFTER start (start itself
 * never counts; n = 0 gives start). Weekends and holidays are skipped, make-up working days count.
 * Years without a published notice count weekends only, and the result says so (`provisional`).
 * `version`: the calendar version to count with (default: the newest bundled).
 */
export function addWorkingDays(start: string, n: number, version?: number): WorkingDayResult {
  return calendarAt(version).addWorkingDays(start, n);
}
