// One version of the official working-day calendar: the State Council General Office notices
// 1..N applied in order (annual arrangements, then any later notice that amends one), giving for
// every date its kind and the notice that made it so. Pure; safe in the workflow sandbox.

import {
  CalendarError,
  MAX_DATE,
  deadlineOfDayNumber,
  formatDayNumber,
  parseIsoDate,
  show,
  weekdayOf,
} from './dates';
import { CalendarDataError, noticeFileName, type CalendarNotice } from './notice-schema';

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeupWorkday';

export interface DayInfo {
  date: string;
  working: boolean;
  kind: DayKind;
  /** For a holiday: its name; for a make-up working day: the holiday it makes up for. */
  holidayName?: string;
  holidayNameEn?: string;
  /** The notice that set this day (a holiday, a make-up day, or a day an amendment gave back), e.g. 国办发明电〔2020〕1号. */
  notice?: string;
  /** The governing notice is not published (yet): only weekends count for this date. */
  provisional: boolean;
}

export interface SkippedDay {
  date: string;
  kind: 'weekend' | 'holiday';
  holidayName?: string;
  holidayNameEn?: string;
  /** For a holiday: the notice that made it one. */
  notice?: string;
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
  /** Label of the calendar version used, e.g. `cn-v12`. */
  dataVersion: string;
  /** The calendar version used: the notices 1..calendarVersion. Absent in results stored before versions were numbered (`cn-2017-2026.1`, version 11). */
  calendarVersion?: number;
}

/** One off-period of a year's arrangement, as in force in a calendar version. */
export interface HolidayPeriod {
  readonly name: string;
  readonly nameEn: string;
  readonly from: string;
  readonly to: string;
  readonly days: number;
  /** The notice that laid it down. */
  readonly notice: string;
  /** Set when a later notice replaced the original arrangement of this holiday. */
  readonly amendedBy?: string;
}

/** A weekend day turned into a working day (调休上班). */
export interface MakeupWorkday {
  readonly date: string;
  readonly for: string;
  readonly notice: string;
  readonly amendedBy?: string;
}

/** A later notice that changed a year's arrangement. */
export interface CalendarAmendment {
  readonly notice: string;
  readonly published: string;
  readonly title: string;
  readonly summary: string;
}

/** A year's arrangement in force in a calendar version: its annual notice with every amendment applied. */
export interface CalendarYear {
  readonly year: number;
  /** Document number of the annual notice, e.g. 国办发明电〔2016〕17号. */
  readonly notice: string;
  readonly title: string;
  readonly published: string;
  readonly holidays: readonly HolidayPeriod[];
  readonly makeupWorkdays: readonly MakeupWorkday[];
  readonly amendments: readonly CalendarAmendment[];
}

/** Largest n accepted by addWorkingDays. */
export const MAX_WORKING_DAYS = 10_000;

/** The label results carry for a version. */
export function calendarVersionLabel(version: number): string {
  return `cn-v${version}`;
}

interface OfficialDay {
  /** `ordinary`: an amendment gave the day back (a cancelled make-up day, a shortened holiday). */
  kind: 'holiday' | 'makeupWorkday' | 'ordinary';
  name?: string;
  nameEn?: string;
  notice: string;
}

interface MutableYear {
  year: number;
  notice: string;
  title: string;
  published: string;
  holidays: HolidayPeriod[];
  makeupWorkdays: MakeupWorkday[];
  amendments: CalendarAmendment[];
}

function* daysOf(from: string, to: string): Generator<string> {
  const a = parseIsoDate(from).dayNumber;
  const b = parseIsoDate(to).dayNumber;
  for (let d = a; d <= b; d++) yield formatDayNumber(d);
}

export class Calendar {
  readonly version: number;
  readonly label: string;
  readonly notices: readonly CalendarNotice[];
  /** First and last year with an annual notice, or undefined when there is none. */
  readonly firstYear?: number;
  readonly lastYear?: number;
  private readonly days = new Map<string, OfficialDay>();
  private readonly years = new Map<number, MutableYear>();

  /**
   * Applies `notices` in the given (sequence) order.
   * @throws CalendarDataError when a notice contradicts the ones before it.
   */
  constructor(notices: readonly CalendarNotice[], version: number = notices.length) {
    this.version = version;
    this.label = calendarVersionLabel(version);
    this.notices = notices;
    for (const n of notices) {
      if (n.kind === 'annual') this.applyAnnual(n);
      else this.applyAmendment(n);
    }
    const covered = [...this.years.keys()].sort((a, b) => a - b);
    this.firstYear = covered[0];
    this.lastYear = covered[covered.length - 1];
  }

  private put(n: CalendarNotice, field: string, date: string, entry: OfficialDay): void {
    const existing = this.days.get(date);
    if (existing && existing.kind !== 'ordinary') {
      throw new CalendarDataError(noticeFileName(n), field, `${date} 已由 ${existing.notice} 安排`, `${date} is already set by ${existing.notice}`);
    }
    this.days.set(date, entry);
  }

  private applyAnnual(n: CalendarNotice): void {
    const doc = n.documentNumber;
    n.holidays.forEach((h, i) => {
      for (const d of daysOf(h.from, h.to)) this.put(n, `holidays[${i}]`, d, { kind: 'holiday', name: h.name, nameEn: h.nameEn, notice: doc });
    });
    n.makeupWorkdays.forEach((w, i) => {
      const h = n.holidays.find((x) => x.name === w.for);
      this.put(n, `makeupWorkdays[${i}].date`, w.date, { kind: 'makeupWorkday', name: w.for, nameEn: h?.nameEn ?? w.for, notice: doc });
    });
    this.years.set(n.year, {
      year: n.year,
      notice: doc,
      title: n.title,
      published: n.published,
      holidays: n.holidays.map((h) => ({ name: h.name, nameEn: h.nameEn, from: h.from, to: h.to, days: h.days, notice: doc })),
      makeupWorkdays: n.makeupWorkdays.map((w) => ({ date: w.date, for: w.for, notice: doc })),
      amendments: [],
    });
  }

  private applyAmendment(n: CalendarNotice): void {
    const doc = n.documentNumber;
    const file = noticeFileName(n);
    const y = this.years.get(n.year);
    if (!y) throw new CalendarDataError(file, 'year', `${n.year}年没有年度通知可修改`, `there is no annual notice for ${n.year} to amend`);
    (n.cancelledMakeupWorkdays ?? []).forEach((c, i) => {
      const k = y.makeupWorkdays.findIndex((w) => w.date === c.date);
      if (k < 0) throw new CalendarDataError(file, `cancelledMakeupWorkdays[${i}].date`, `${c.date} 不是${n.year}年的调休上班日`, `${c.date} is not a make-up working day of ${n.year}`);
      y.makeupWorkdays.splice(k, 1);
      this.days.set(c.date, { kind: 'ordinary', notice: doc });
    });
    n.holidays.forEach((h, i) => {
      const k = y.holidays.findIndex((x) => x.name === h.name);
      if (k < 0) throw new CalendarDataError(file, `holidays[${i}].name`, `${n.year}年没有名为 ${h.name} 的假期`, `${n.year} has no holiday named ${h.name}`);
      const old = y.holidays[k]!;
      const kept = new Set<string>();
      for (const d of daysOf(h.from, h.to)) {
        const e = this.days.get(d);
        if (e?.kind === 'holiday' && e.name === h.name) {
          kept.add(d);
          continue;
        }
        if (e?.kind === 'makeupWorkday') {
          throw new CalendarDataError(file, `holidays[${i}]`, `${d} 是 ${e.notice} 的调休上班日，须列入 cancelledMakeupWorkdays`, `${d} is a make-up working day of ${e.notice}: list it in cancelledMakeupWorkdays`);
        }
        this.put(n, `holidays[${i}]`, d, { kind: 'holiday', name: h.name, nameEn: h.nameEn, notice: doc });
      }
      for (const d of daysOf(old.from, old.to)) if (!kept.has(d) && (d < h.from || d > h.to)) this.days.set(d, { kind: 'ordinary', notice: doc });
      y.holidays[k] = { name: h.name, nameEn: h.nameEn, from: h.from, to: h.to, days: h.days, notice: old.notice, amendedBy: doc };
    });
    n.makeupWorkdays.forEach((w, i) => {
      const h = y.holidays.find((x) => x.name === w.for);
      if (!h) throw new CalendarDataError(file, `makeupWorkdays[${i}].for`, `${n.year}年没有名为 ${w.for} 的假期`, `${n.year} has no holiday named ${w.for}`);
      this.put(n, `makeupWorkdays[${i}].date`, w.date, { kind: 'makeupWorkday', name: w.for, nameEn: h.nameEn, notice: doc });
      y.makeupWorkdays.push({ date: w.date, for: w.for, notice: doc, amendedBy: doc });
    });
    y.makeupWorkdays.sort((a, b) => a.date.localeCompare(b.date));
    y.amendments.push({ notice: doc, published: n.published, title: n.title, summary: n.summary ?? '' });
  }

  /** Whether the annual notice for `year` is in this version. */
  isCoveredYear(year: number): boolean {
    return this.years.has(year);
  }

  /** The arrangement of one year in this version, or undefined when the year is not covered. */
  year(year: number): CalendarYear | undefined {
    return this.years.get(year);
  }

  /** Every covered year, ascending. */
  coveredYears(): CalendarYear[] {
    return [...this.years.values()].sort((a, b) => a.year - b.year);
  }

  /**
   * The notice years that would govern this date but are not in this version. A date belongs to
   * its own year's notice; 29–31 December may also be changed by the next year's 元旦 arrangement
   * (the 2019 notice made 2018-12-29 a working day and 2018-12-31 a holiday), so they also depend on it.
   */
  missingNoticeYears(date: string): number[] {
    const { year, month, day } = parseIsoDate(date, 'date');
    const missing: number[] = [];
    if (!this.years.has(year)) missing.push(year);
    if (month === 12 && day >= 29 && !this.years.has(year + 1)) missing.push(year + 1);
    return missing;
  }

  private infoOf(dayNumber: number): { info: DayInfo; missing: number[] } {
    const date = formatDayNumber(dayNumber);
    const missing = this.missingNoticeYears(date);
    const provisional = missing.length > 0;
    const official = this.days.get(date);
    if (official && official.kind !== 'ordinary') {
      const info: DayInfo = { date, working: official.kind === 'makeupWorkday', kind: official.kind, provisional };
      if (official.name !== undefined) info.holidayName = official.name;
      if (official.nameEn !== undefined) info.holidayNameEn = official.nameEn;
      info.notice = official.notice;
      return { info: reorder(info), missing };
    }
    const weekday = weekdayOf(dayNumber);
    const weekend = weekday === 0 || weekday === 6;
    const info: DayInfo = { date, working: !weekend, kind: weekend ? 'weekend' : 'workday', provisional };
    if (official) info.notice = official.notice;
    return { info: reorder(info), missing };
  }

  /** What kind of day `date` is in this version. */
  dayInfo(date: string): DayInfo {
    return this.infoOf(parseIsoDate(date, 'date').dayNumber).info;
  }

  isWorkingDay(date: string): boolean {
    return this.dayInfo(date).working;
  }

  /**
   * The due date `n` working days after `start`: the n-th working day AFTER start (start itself
   * never counts; n = 0 gives start). Weekends and holidays are skipped, make-up working days count.
   * Years without a published notice count weekends only, and the result says so (`provisional`).
   */
  addWorkingDays(start: string, n: number): WorkingDayResult {
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
      const { info, missing: m } = this.infoOf(dayNumber);
      for (const y of m) missing.add(y);
      if (info.working) {
        counted += 1;
        if (info.kind === 'makeupWorkday') makeupWorkdays.push(info.date);
      } else {
        const entry: SkippedDay = { date: info.date, kind: info.kind === 'holiday' ? 'holiday' : 'weekend' };
        if (info.holidayName !== undefined) entry.holidayName = info.holidayName;
        if (info.holidayNameEn !== undefined) entry.holidayNameEn = info.holidayNameEn;
        if (info.kind === 'holiday' && info.notice !== undefined) entry.notice = info.notice;
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
      dataVersion: this.label,
      calendarVersion: this.version,
    };
  }
}

/** A stable key order for DayInfo (date, working, kind, names, notice, provisional), so results print alike. */
function reorder(info: DayInfo): DayInfo {
  const out: DayInfo = { date: info.date, working: info.working, kind: info.kind, provisional: info.provisional };
  if (info.holidayName !== undefined) out.holidayName = info.holidayName;
  if (info.holidayNameEn !== undefined) out.holidayNameEn = info.holidayNameEn;
  if (info.notice !== undefined) out.notice = info.notice;
  return out;
}
