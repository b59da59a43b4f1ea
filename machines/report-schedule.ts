// §四(三): when the monthly progress table (附件2) is due — the 25th of each month, moved by the
// setting when the 25th is not a working day — and when the reminder before it goes out.
// Pure: no clock, no I/O; runs inside workflows. Working days are those of a calendar version (machines/calendar):
// the newest bundled by default; a district report run passes the version it pinned, so replay counts the same days.
import { calendarAt, parseIsoDate } from './calendar';
import { REPORT_DAY_OF_MONTH, type Settings } from './settings';

/** §四(三): "从10月份起" — no progress table is due before October 2017. */
export const FIRST_REPORT_MONTH = '2017-10';
/** The hour (Asia/Shanghai) on the report day when the table is built: the start of the working day. */
export const REPORT_HOUR = 9;

export type ReportRule = Settings['monthlyReportOnNonWorkingDay'];
export type ReportSettings = Pick<Settings, 'monthlyReportOnNonWorkingDay' | 'monthlyReportReminderLeadDays'>;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DAY_MS = 86_400_000;

export function isMonth(s: unknown): s is string {
  return typeof s === 'string' && MONTH.test(s) && Number(s.slice(0, 4)) >= 1900 && Number(s.slice(0, 4)) <= 9999;
}

function checkMonth(month: string): { year: number; month: number } {
  if (!isMonth(month)) throw new Error(`月份应为 YYYY-MM：${month} (a month is YYYY-MM: ${month})`);
  return { year: Number(month.slice(0, 4)), month: Number(month.slice(5, 7)) };
}

export function addMonths(month: string, n: number): string {
  const { year, month: m } = checkMonth(month);
  const index = year * 12 + (m - 1) + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function monthOfDate(date: string): string {
  parseIsoDate(date);
  return date.slice(0, 7);
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export interface ReportDay {
  month: string;
  /** The date the table is due. */
  date: string;
  /** The instant it is built: REPORT_HOUR on that date, Asia/Shanghai, as a UTC ISO instant. */
  at: string;
  /** Why the date is not the 25th, when it is not. */
  moved?: { from: string; reason: { zh: string; en: string } };
}

/** The day the progress table of `month` is due under the rule for a 25th that is not a working day. */
export function reportDayOf(month: string, rule: ReportRule, calendarVersion?: number): ReportDay {
  checkMonth(month);
  const calendar = calendarAt(calendarVersion);
  const nominal = `${month}-${String(REPORT_DAY_OF_MONTH).padStart(2, '0')}`;
  let date = nominal;
  if (rule !== 'sameDay') {
    const step = rule === 'previousWorkingDay' ? -1 : 1;
    // Every month has working days near the 25th; 40 steps covers the longest holiday run with margin.
    for (let i = 0; i < 40 && !calendar.isWorkingDay(date); i++) date = shiftDate(date, step);
  }
  const at = instantAt(date, REPORT_HOUR);
  if (date === nominal) return { month, date, at };
  const info = calendar.dayInfo(nominal);
  const why = info.holidayName ? `${info.holidayName}` : '周末';
  const whyEn = info.holidayNameEn ?? 'weekend';
  return {
    month,
    date,
    at,
    moved: {
      from: nominal,
      reason: {
        zh: `${nominal} 为非工作日（${why}），按设置改为${rule === 'previousWorkingDay' ? '前一个' : '后一个'}工作日 ${date}`,
        en: `${nominal} is not a working day (${whyEn}); moved to the ${rule === 'previousWorkingDay' ? 'previous' : 'next'} working day ${date} by the setting`,
      },
    },
  };
}

/** The instant of the reminder before the report of `month`, or undefined when the lead is 0. */
export function reminderInstantOf(month: string, settings: ReportSettings, calendarVersion?: number): string | undefined {
  if (settings.monthlyReportReminderLeadDays <= 0) return undefined;
  const day = reportDayOf(month, settings.monthlyReportOnNonWorkingDay, calendarVersion);
  return instantAt(shiftDate(day.date, -settings.monthlyReportReminderLeadDays), REPORT_HOUR);
}

/** The first month whose report instant is strictly after `instant` (never before FIRST_REPORT_MONTH). */
export function nextReportMonth(instant: number | string, rule: ReportRule, calendarVersion?: number): string {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  const shanghai = new Date(ms + 8 * 3_600_000).toISOString();
  let month = shanghai.slice(0, 7);
  if (month < FIRST_REPORT_MONTH) return FIRST_REPORT_MONTH;
  // The previous month's day can move into this month (nextWorkingDay), so start one back.
  month = addMonths(month, -1);
  while (Date.parse(reportDayOf(month, rule, calendarVersion).at) <= ms) month = addMonths(month, 1);
  return month < FIRST_REPORT_MONTH ? FIRST_REPORT_MONTH : month;
}

/** `hour`:00 on `date` in Asia/Shanghai (UTC+08:00) as a UTC ISO instant. */
function instantAt(date: string, hour: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + (hour - 8) * 3_600_000).toISOString();
}
