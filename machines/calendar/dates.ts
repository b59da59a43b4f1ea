// Calendar dates and instants in China: validation, day numbers, weekdays, end-of-day deadlines.
//
// Pure TypeScript: no I/O, no Node APIs, no clock (never Date.now() or `new Date()` without an
// argument), so it runs unchanged inside the Temporal workflow sandbox and replays identically.
//
// Dates are calendar dates `YYYY-MM-DD` in China. Arithmetic works on day numbers (days since
// 1970-01-01) obtained with Date.UTC, so there are no time zones in it. Instants are only made at
// the edges (deadlineOf, shanghaiDate): Asia/Shanghai is a fixed UTC+08:00 offset — China has
// had no daylight saving time since 1991 (it observed DST 1986–1991, so instants in those
// summers would be an hour off; the engine only deals with dates from 2017 on).

/** Supported calendar dates. */
export const MIN_DATE = '1900-01-01';
export const MAX_DATE = '9999-12-31';

/** Thrown when a calendar function gets invalid input: a malformed or impossible date, an unusable instant, a working-day count that is not an integer from 0 to MAX_WORKING_DAYS, or a calendar version that is not bundled. */
export class CalendarError extends Error {
  /** The argument at fault, e.g. `start` or `n`. */
  readonly field: string;
  constructor(field: string, zh: string, en: string) {
    super(`${zh} (${en})`);
    this.name = 'CalendarError';
    this.field = field;
  }
}

export interface ParsedDate {
  year: number;
  month: number;
  day: number;
  /** Days since 1970-01-01. */
  dayNumber: number;
}

export const DAY_MS = 86_400_000;
/** Asia/Shanghai: UTC+08:00 all year (no DST since 1991). */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const MIN_YEAR = 1900;
const MAX_YEAR = 9999;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A value quoted for an error message, on one line and not too long. */
export function show(value: unknown): string {
  let s: string;
  if (typeof value === 'string') s = JSON.stringify(value);
  else if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) s = String(value);
  else s = Object.prototype.toString.call(value);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function dayNumberOf(year: number, month: number, day: number): number {
  // Years 1900.. only, so Date.UTC's two-digit-year rule never applies.
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/**
 * Validates a `YYYY-MM-DD` calendar date and splits it. `field` names the argument in the error.
 * @throws CalendarError for anything but an existing date from 1900-01-01 to 9999-12-31.
 */
export function parseIsoDate(s: unknown, field = 'date'): ParsedDate {
  const m = typeof s === 'string' ? ISO_DATE.exec(s) : null;
  if (!m) {
    throw new CalendarError(
      field,
      `日期格式无效：${field} = ${show(s)}`,
      `invalid date: ${field} = ${show(s)}, expected YYYY-MM-DD`,
    );
  }
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw new CalendarError(
      field,
      `日期超出支持范围：${field} = ${show(s)}，应在 ${MIN_DATE} 至 ${MAX_DATE} 之间`,
      `date out of range: ${field} = ${show(s)}, expected YYYY-MM-DD from ${MIN_DATE} to ${MAX_DATE}`,
    );
  }
  const dayNumber = dayNumberOf(year, month, day);
  if (month < 1 || month > 12 || day < 1 || formatDayNumber(dayNumber) !== s) {
    throw new CalendarError(
      field,
      `日期格式无效：${field} = ${show(s)}，该日期不存在`,
      `invalid date: ${field} = ${show(s)} does not exist, expected YYYY-MM-DD`,
    );
  }
  return { year, month, day, dayNumber };
}

export function formatDayNumber(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. 1970-01-01 was a Thursday. */
export function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

export function deadlineOfDayNumber(dayNumber: number): string {
  return new Date((dayNumber + 1) * DAY_MS - SHANGHAI_OFFSET_MS).toISOString();
}

/** The end of `date` in Asia/Shanghai (00:00 +08:00 of the next day) as a UTC ISO instant. */
export function deadlineOf(date: string): string {
  return deadlineOfDayNumber(parseIsoDate(date, 'date').dayNumber);
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * The calendar date in Asia/Shanghai of an instant. Strings must be ISO 8601 instants with an
 * explicit `Z` or offset (a string without one would be read in the host's zone).
 */
export function shanghaiDate(instant: Date | string | number): string {
  let ms: number;
  if (instant instanceof Date) ms = instant.getTime();
  else if (typeof instant === 'number') ms = instant;
  else if (typeof instant === 'string' && ISO_INSTANT.test(instant)) ms = Date.parse(instant);
  else ms = Number.NaN;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) {
    throw new CalendarError(
      'instant',
      `时刻无效：instant = ${show(instant)}`,
      `invalid instant: instant = ${show(instant)}, expected a valid Date, epoch milliseconds or an ISO 8601 instant with Z or an offset`,
    );
  }
  const dayNumber = Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
  const date = formatDayNumber(dayNumber);
  parseIsoDate(date, 'instant');
  return date;
}

const WEEKDAY_ZH = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'] as const;
const WEEKDAY_EN = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** 星期一 … / Monday … of a valid date. */
export function weekdayName(date: string, lang: 'zh' | 'en'): string {
  const w = weekdayOf(parseIsoDate(date, 'date').dayNumber);
  return (lang === 'zh' ? WEEKDAY_ZH[w] : WEEKDAY_EN[w]) ?? '';
}

/** The day after a valid date. */
export function nextDate(date: string): string {
  return formatDayNumber(parseIsoDate(date, 'date').dayNumber + 1);
}
