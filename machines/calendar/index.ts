// The official working-day calendar: weekends, the public holidays and the make-up working days
// (调休) that the State Council General Office publishes each year (data in ./data.ts).
//
// Pure TypeScript: no I/O, no Node APIs, no clock (never Date.now() or `new Date()` without an
// argument), so it runs unchanged inside the Temporal workflow sandbox and replays identically.
//
// Dates are calendar dates `YYYY-MM-DD` in China. Arithmetic works on day numbers (days since
// 1970-01-01) obtained with Date.UTC, so there are no time zones in it. Instants are only made at
// the edges (deadlineOf, shanghaiDate): Asia/Shanghai is a fixed UTC+08:00 offset — China has
// had no daylight saving time since 1991 (it observed DST 1986–1991, so instants in those
// summers would be an hour off; the engine only deals with dates from 2017 on).

import {
  CALENDAR_DATA,
  CALENDAR_DATA_VERSION,
  CALENDAR_FIRST_YEAR,
  CALENDAR_LAST_YEAR,
  CALENDAR_YEAR_RANGE,
  type CalendarYear,
} from './data';

export {
  CALENDAR_DATA,
  CALENDAR_DATA_VERSION,
  CALENDAR_FIRST_YEAR,
  CALENDAR_LAST_YEAR,
  CALENDAR_YEAR_RANGE,
};
export type { CalendarAmendment, CalendarYear, HolidayPeriod, MakeupWorkday } from './data';

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeupWorkday';

export interface DayInfo {
  date: string;
  working: boolean;
  kind: DayKind;
  /** For a holiday: its name; for a make-up working day: the holiday it makes up for. */
  holidayName?: string;
  holidayNameEn?: string;
  /** The governing notice is not published (yet): only weekends count for this date. */
  provisional: boolean;
}

export interface SkippedDay {
  date: string;
  kind: 'weekend' | 'holiday';
  holidayName?: string;
  holidayNameEn?: string;
}

export interface WorkingDayResult {
  start: string;
  n: number;
  /** The n-th working day after `start` (start itself never counts); `start` when n = 0. */
  due: string;
  /** End of the due day in Asia/Shanghai as a UTC ISO instant (00:00 +08:00 of the next day). */
  deadline: string;
  /** Non-working days passed over between start and due, in order. */
  skipped: SkippedDay[];
  /** Weekend days counted as working days (调休上班), in order. */
  makeupWorkdays: string[];
  /** True when any counted or skipped day depends on a notice that is not published. */
  provisional: boolean;
  /** Years whose notice is missing and which affected the count, ascending. */
  provisionalYears: number[];
  dataVersion: string;
}

/** Largest n accepted by addWorkingDays. */
export const MAX_WORKING_DAYS = 10_000;
/** Supported calendar dates. */
export const MIN_DATE = '1900-01-01';
export const MAX_DATE = '9999-12-31';

/** Thrown when a calendar function gets invalid input: a malformed or impossible date, an unusable instant, or a working-day count that is not an integer from 0 to MAX_WORKING_DAYS. */
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

const DAY_MS = 86_400_000;
/** Asia/Shanghai: UTC+08:00 all year (no DST since 1991). */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const MIN_YEAR = 1900;
const MAX_YEAR = 9999;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function show(value: unknown): string {
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

function formatDayNumber(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. 1970-01-01 was a Thursday. */
function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

// ---- the index of official days -------------------------------------------------------------

interface OfficialDay {
  kind: 'holiday' | 'makeupWorkday';
  name: string;
  nameEn: string;
}

const COVERED_YEARS: ReadonlySet<number> = new Set(CALENDAR_DATA.map((y) => y.year));

function buildIndex(data: readonly CalendarYear[]): Map<string, OfficialDay> {
  const index = new Map<string, OfficialDay>();
  const put = (date: string, entry: OfficialDay, year: number): void => {
    if (index.has(date)) throw new Error(`calendar data ${year}: ${date} is listed twice`);
    index.set(date, entry);
  };
  for (const y of data) {
    for (const h of y.holidays) {
      const from = parseIsoDate(h.from, `${y.year} ${h.name}.from`).dayNumber;
      const to = parseIsoDate(h.to, `${y.year} ${h.name}.to`).dayNumber;
      for (let d = from; d <= to; d++) {
        put(formatDayNumber(d), { kind: 'holiday', name: h.name, nameEn: h.nameEn }, y.year);
      }
    }
    for (const w of y.makeupWorkdays) {
      const holiday = y.holidays.find((h) => h.name === w.for);
      put(w.date, { kind: 'makeupWorkday', name: w.for, nameEn: holiday ? holiday.nameEn : w.for }, y.year);
    }
  }
  return index;
}

const OFFICIAL_DAYS = buildIndex(CALENDAR_DATA);

/** Whether the State Council notice for `year` is in the data. */
export function isCoveredYear(year: number): boolean {
  return COVERED_YEARS.has(year);
}

/** The data of one year's notice, or undefined when the year is not covered. */
export function calendarYear(year: number): CalendarYear | undefined {
  return CALENDAR_DATA.find((y) => y.year === year);
}

/**
 * The notice years that would govern this date but are not published. A date belongs to its own
 * year's notice; 29–31 December may also be changed by the next year's 元旦 arrangement (the 2019
 * notice made 2018-12-29 a working day and 2018-12-31 a holiday), so they also depend on it.
 */
function missingNoticeYears(year: number, month: number, day: number): number[] {
  const missing: number[] = [];
  if (!COVERED_YEARS.has(year)) missing.push(year);
  if (month === 12 && day >= 29 && !COVERED_YEARS.has(year + 1)) missing.push(year + 1);
  return missing;
}

interface DayFacts {
  info: DayInfo;
  missing: number[];
}

function factsOf(dayNumber: number): DayFacts {
  const date = formatDayNumber(dayNumber);
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  const missing = missingNoticeYears(year, month, day);
  const provisional = missing.length > 0;
  const official = OFFICIAL_DAYS.get(date);
  if (official) {
    return {
      info: {
        date,
        working: official.kind === 'makeupWorkday',
        kind: official.kind,
        holidayName: official.name,
        holidayNameEn: official.nameEn,
        provisional,
      },
      missing,
    };
  }
  const weekday = weekdayOf(dayNumber);
  const weekend = weekday === 0 || weekday === 6;
  return { info: { date, working: !weekend, kind: weekend ? 'weekend' : 'workday', provisional }, missing };
}

/** What kind of day `date` is in the official calendar. */
export function dayInfo(date: string): DayInfo {
  return factsOf(parseIsoDate(date, 'date').dayNumber).info;
}

/** Whether `date` is a working day (a weekday that is not a holiday, or a make-up working day). */
export function isWorkingDay(date: string): boolean {
  return dayInfo(date).working;
}

function deadlineOfDayNumber(dayNumber: number): string {
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

/**
 * The due date `n` working days after `start`: the n-th working day AFTER start (start itself
 * never counts; n = 0 gives start). Weekends and holidays are skipped, make-up working days count.
 * Years without a published notice count weekends only, and the result says so (`provisional`).
 */
export function addWorkingDays(start: string, n: number): WorkingDayResult {
  const s = parseIsoDate(start, 'start');
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_WORKING_DAYS) {
    throw new CalendarError(
      'n',
      `工作日天数无效：n = ${show(n)}，应为 0 至 ${MAX_WORKING_DAYS} 的整数`,
      `invalid number of working days: n = ${show(n)}, expected an integer from 0 to ${MAX_WORKING_DAYS}`,
    );
  }
  const maxDayNumber = parseIsoDate(MAX_DATE, 'MAX_DATE').dayNumber;
  const skipped: SkippedDay[] = [];
  const makeupWorkdays: string[] = [];
  const missing = new Set<number>();
  let dayNumber = s.dayNumber;
  let counted = 0;
  while (counted < n) {
    dayNumber += 1;
    if (dayNumber > maxDayNumber) {
      throw new CalendarError(
        'n',
        `日期超出支持范围：从 ${start} 起 ${n} 个工作日超过 ${MAX_DATE}`,
        `date out of range: ${n} working days after ${start} go past ${MAX_DATE}`,
      );
    }
    const { info, missing: m } = factsOf(dayNumber);
    for (const y of m) missing.add(y);
    if (info.working) {
      counted += 1;
      if (info.kind === 'makeupWorkday') makeupWorkdays.push(info.date);
    } else {
      const entry: SkippedDay = { date: info.date, kind: info.kind === 'holiday' ? 'holiday' : 'weekend' };
      if (info.holidayName !== undefined) entry.holidayName = info.holidayName;
      if (info.holidayNameEn !== undefined) entry.holidayNameEn = info.holidayNameEn;
      skipped.push(entry);
    }
  }
  const provisionalYears = [...missing].sort((a, b) => a - b);
  return {
    start,
    n,
    due: formatDayNumber(dayNumber),
    deadline: deadlineOfDayNumber(dayNumber),
    skipped,
    makeupWorkdays,
    provisional: provisionalYears.length > 0,
    provisionalYears,
    dataVersion: CALENDAR_DATA_VERSION,
  };
}

// ---- explanation ----------------------------------------------------------------------------

const WEEKDAY_ZH = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'] as const;
const WEEKDAY_EN = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

function weekdayName(date: string, lang: 'zh' | 'en'): string {
  const w = weekdayOf(parseIsoDate(date, 'date').dayNumber);
  return (lang === 'zh' ? WEEKDAY_ZH[w] : WEEKDAY_EN[w]) ?? '';
}

interface HolidayRun {
  name: string;
  nameEn: string;
  from: string;
  to: string;
  days: number;
}

/** Consecutive skipped holiday days with the same name, as ranges. */
function holidayRuns(skipped: readonly SkippedDay[]): HolidayRun[] {
  const runs: HolidayRun[] = [];
  let last: { run: HolidayRun; dayNumber: number } | undefined;
  for (const d of skipped) {
    if (d.kind !== 'holiday') continue;
    const dn = parseIsoDate(d.date, 'skipped.date').dayNumber;
    const name = d.holidayName ?? '';
    if (last && last.run.name === name && last.dayNumber === dn - 1) {
      last.run.to = d.date;
      last.run.days += 1;
      last.dayNumber = dn;
    } else {
      const run: HolidayRun = { name, nameEn: d.holidayNameEn ?? name, from: d.date, to: d.date, days: 1 };
      runs.push(run);
      last = { run, dayNumber: dn };
    }
  }
  return runs;
}

function nextDate(date: string): string {
  return formatDayNumber(parseIsoDate(date, 'date').dayNumber + 1);
}

/**
 * Human-readable lines explaining a WorkingDayResult: start, count, due date and deadline (Beijing
 * time), what was skipped (weekends counted, each holiday with its name and dates), the make-up
 * working days counted, the data version, and a warning for every year without official data.
 */
export function explainWorkingDays(result: WorkingDayResult, lang: 'zh' | 'en'): string[] {
  const zh = lang === 'zh';
  const lines: string[] = [];
  const { start, n, due, deadline } = result;
  const nextDay = nextDate(due);

  if (zh) {
    lines.push(`起算日：${start}（${weekdayName(start, 'zh')}），当天不计入`);
    lines.push(
      n === 0
        ? '期限：0个工作日，到期日即起算日'
        : `期限：${n}个工作日（按国务院办公厅公布的节假日安排计算：周末和法定节假日不计，调休上班日计入）`,
    );
    lines.push(
      `到期日：${due}（${weekdayName(due, 'zh')}），截止时间为北京时间 ${due} 24:00（即 ${nextDay} 00:00 +08:00，UTC ${deadline}）`,
    );
  } else {
    lines.push(`Start date: ${start} (${weekdayName(start, 'en')}), not counted`);
    lines.push(
      n === 0
        ? 'Period: 0 working days, so the due date is the start date'
        : `Period: ${n} working day${n === 1 ? '' : 's'} (official State Council calendar: weekends and public holidays are not counted, make-up working days are)`,
    );
    lines.push(
      `Due date: ${due} (${weekdayName(due, 'en')}); deadline at the end of that day in Beijing time, ${nextDay} 00:00 +08:00 (UTC ${deadline})`,
    );
  }

  const weekends = result.skipped.filter((d) => d.kind === 'weekend').length;
  const runs = holidayRuns(result.skipped);
  if (weekends === 0 && runs.length === 0) {
    lines.push(zh ? '未跳过周末或法定节假日' : 'No weekends or public holidays skipped');
  }
  if (weekends > 0) {
    lines.push(zh ? `跳过周末：${weekends}天` : `Weekend days skipped: ${weekends}`);
  }
  for (const r of runs) {
    const range = r.from === r.to ? r.from : zh ? `${r.from}至${r.to}` : `${r.from} to ${r.to}`;
    lines.push(
      zh
        ? `跳过法定节假日：${r.name} ${range}，共${r.days}天`
        : `Public holiday skipped: ${r.nameEn} (${r.name}) ${range}, ${r.days} day${r.days === 1 ? '' : 's'}`,
    );
  }
  if (result.makeupWorkdays.length > 0) {
    const items = result.makeupWorkdays.map((date) => {
      const info = dayInfo(date);
      const forName = zh ? info.holidayName : info.holidayNameEn;
      return zh
        ? `${date}（${weekdayName(date, 'zh')}${forName ? `，${forName}调休` : ''}）`
        : `${date} (${weekdayName(date, 'en')}${forName ? `, for ${forName}` : ''})`;
    });
    lines.push(
      zh
        ? `调休上班日按工作日计入：${items.join('、')}`
        : `Make-up working days counted as working days: ${items.join(', ')}`,
    );
  }

  const range = `${CALENDAR_FIRST_YEAR}–${CALENDAR_LAST_YEAR}`;
  lines.push(
    zh
      ? `日历数据版本：${result.dataVersion}（国务院办公厅${range}年部分节假日安排的通知）`
      : `Calendar data version: ${result.dataVersion} (State Council General Office holiday notices ${range})`,
  );
  if (result.dataVersion !== CALENDAR_DATA_VERSION) {
    lines.push(
      zh
        ? `注意：该结果按数据版本 ${result.dataVersion} 计算，当前版本为 ${CALENDAR_DATA_VERSION}，名称按当前版本显示`
        : `Note: this result was computed with data version ${result.dataVersion}; the current version is ${CALENDAR_DATA_VERSION}, used here for names`,
    );
  }

  for (const year of result.provisionalYears) {
    // Were 29–31 December of a covered previous year counted or skipped? They depend on this
    // year's missing 元旦 arrangement too.
    const fromPreviousDecember =
      isCoveredYear(year - 1) && start < `${year - 1}-12-31` && due >= `${year - 1}-12-29`;
    if (zh) {
      lines.push(
        `注意：${year}年尚无国务院公布的节假日安排，仅按周末计算（暂定）` +
          (fromPreviousDecember ? `；${year - 1}年12月29日至31日也可能因${year}年元旦调休而改变` : ''),
      );
    } else {
      lines.push(
        `Warning: the State Council has not published the ${year} holiday arrangements; only weekends are counted (provisional)` +
          (fromPreviousDecember ? `; 29–31 December ${year - 1} may also change with the ${year} New Year's Day arrangement` : ''),
      );
    }
  }
  return lines;
}
