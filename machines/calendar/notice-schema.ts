// The shape of one State Council holiday notice file (machines/calendar/notices/*.json) and the
// rules a set of them must keep. Validated with zod when the calendar is loaded: a malformed file
// is refused with the file and the field named, and nothing of the calendar is built.
//
// Pure: no I/O. The files reach this module as data through the generated notices/index.ts.

import { z } from 'zod';
import { parseIsoDate, weekdayOf } from './dates';

const DOCUMENT_NUMBER = /^国办发明电〔(\d{4})〕(\d+)号$/;

const IsoDate = z.string().refine(
  (s) => {
    try {
      parseIsoDate(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected an existing date YYYY-MM-DD (应为 YYYY-MM-DD 格式的有效日期)' },
);

const HolidaySchema = z.strictObject({
  /** The name as written in the notice, e.g. 中秋节、国庆节. */
  name: z.string().min(1),
  nameEn: z.string().min(1),
  /** First day off, inclusive (weekend days inside the period included). */
  from: IsoDate,
  /** Last day off, inclusive. */
  to: IsoDate,
  /** Length of the period in days as the notice counts it ("共N天"); must equal from..to. */
  days: z.int().min(1).max(31),
  note: z.string().optional(),
});

const MakeupSchema = z.strictObject({
  /** A Saturday or Sunday turned into a working day (调休上班). */
  date: IsoDate,
  /** The holiday it makes up for: the `name` of a holiday of the year. */
  for: z.string().min(1),
  note: z.string().optional(),
});

export const CalendarNoticeSchema = z.strictObject({
  /** Position in the append-only list of notices: calendar version N holds the notices 1..N. */
  sequence: z.int().min(1),
  /** e.g. 国办发明电〔2019〕16号. */
  documentNumber: z.string().regex(DOCUMENT_NUMBER, { message: 'expected 国办发明电〔YYYY〕N号 (应为 国办发明电〔年份〕序号号)' }),
  title: z.string().min(1),
  /** The date the notice bears (its 成文日期). */
  published: IsoDate,
  /** The calendar year it arranges. */
  year: z.int().min(1900).max(9999),
  /** `annual`: the year's arrangement; `amendment`: a later notice that changes it. */
  kind: z.enum(['annual', 'amendment']),
  /** For an amendment: the document number of the notice it changes. */
  amends: z.string().regex(DOCUMENT_NUMBER, { message: 'expected 国办发明电〔YYYY〕N号 (应为 国办发明电〔年份〕序号号)' }).optional(),
  summary: z.string().optional(),
  sources: z.array(z.url()).optional(),
  /** Off-periods. In an amendment, each replaces the year's holiday of the same name. */
  holidays: z.array(HolidaySchema),
  makeupWorkdays: z.array(MakeupSchema),
  /** Amendments only: make-up working days of earlier notices that no longer apply. */
  cancelledMakeupWorkdays: z.array(MakeupSchema).optional(),
});

export type CalendarNotice = z.infer<typeof CalendarNoticeSchema>;
export type NoticeHoliday = z.infer<typeof HolidaySchema>;
export type NoticeMakeupWorkday = z.infer<typeof MakeupSchema>;

/** One notice file as bundled: its file name and its parsed JSON. */
export interface NoticeFile {
  file: string;
  data: unknown;
}

/** A notice file that is malformed or does not fit with the others; names the file and the field. */
export class CalendarDataError extends Error {
  readonly file: string;
  /** The field at fault, e.g. `holidays[0].from`, or `(file)` for the file as a whole. */
  readonly field: string;
  constructor(file: string, field: string, zh: string, en: string) {
    super(`日历通知文件 ${file} 无效：${field}：${zh} (calendar notice file ${file} refused: ${field}: ${en})`);
    this.name = 'CalendarDataError';
    this.file = file;
    this.field = field;
  }
}

function pathText(path: ReadonlyArray<PropertyKey>): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || '(root)';
}

/** The file name a notice must have: `<year>-<document year>-<number>.json`. */
export function noticeFileName(n: Pick<CalendarNotice, 'year' | 'documentNumber'>): string {
  const m = DOCUMENT_NUMBER.exec(n.documentNumber);
  return m ? `${n.year}-${m[1]}-${m[2]}.json` : `${n.year}-?.json`;
}

const dn = (date: string): number => parseIsoDate(date).dayNumber;

/** Checks one parsed notice on its own: ranges, lengths, weekends, names. */
function checkNotice(file: string, n: CalendarNotice): void {
  const fail = (field: string, zh: string, en: string): never => {
    throw new CalendarDataError(file, field, zh, en);
  };
  const docYear = Number(DOCUMENT_NUMBER.exec(n.documentNumber)?.[1]);
  if (file !== noticeFileName(n)) {
    fail('(file)', `文件名应为 ${noticeFileName(n)}（年份-发文年份-序号）`, `the file must be named ${noticeFileName(n)} (<year>-<document year>-<number>)`);
  }
  if (docYear !== n.year && docYear !== n.year - 1) {
    fail('documentNumber', `发文年份 ${docYear} 与安排年份 ${n.year} 不符`, `document year ${docYear} does not fit the arranged year ${n.year}`);
  }
  if (parseIsoDate(n.published).year !== docYear) {
    fail('published', `成文日期 ${n.published} 不在发文年份 ${docYear}`, `published ${n.published} is not in the document year ${docYear}`);
  }
  if (n.kind === 'annual') {
    if (n.amends !== undefined) fail('amends', '年度通知不修改其他通知', 'an annual notice amends nothing');
    if (n.cancelledMakeupWorkdays?.length) fail('cancelledMakeupWorkdays', '年度通知不取消调休', 'an annual notice cancels no make-up day');
  } else if (n.amends === undefined) {
    fail('amends', '修改通知须写明所修改的通知文号', 'an amendment must name the notice it amends');
  }
  const names = new Set<string>();
  const off = new Set<number>();
  n.holidays.forEach((h, i) => {
    const at = `holidays[${i}]`;
    const from = dn(h.from);
    const to = dn(h.to);
    if (to < from) fail(`${at}.to`, `结束日 ${h.to} 早于开始日 ${h.from}`, `${h.to} is before ${h.from}`);
    if (to - from + 1 !== h.days) fail(`${at}.days`, `${h.from}至${h.to}共${to - from + 1}天，不是${h.days}天`, `${h.from} to ${h.to} is ${to - from + 1} days, not ${h.days}`);
    const inYear = h.to.startsWith(`${n.year}-`) && (h.from.startsWith(`${n.year}-`) || h.from >= `${n.year - 1}-12-29`);
    if (!inYear) fail(`${at}.from`, `假期应在${n.year}年内（元旦可始于上年12月29日后）`, `the period must lie in ${n.year} (New Year's Day may start after 28 December of the year before)`);
    if (names.has(h.name)) fail(`${at}.name`, `节日 ${h.name} 重复`, `holiday ${h.name} listed twice`);
    names.add(h.name);
    for (let d = from; d <= to; d++) {
      if (off.has(d)) fail(`${at}.from`, '假期相互重叠', 'periods overlap');
      off.add(d);
    }
  });
  const checkMakeup = (w: NoticeMakeupWorkday, at: string): void => {
    const d = dn(w.date);
    const weekday = weekdayOf(d);
    if (weekday !== 0 && weekday !== 6) fail(`${at}.date`, `${w.date} 不是星期六或星期日`, `${w.date} is not a Saturday or Sunday`);
    if (!(w.date.startsWith(`${n.year}-`) || w.date >= `${n.year - 1}-12-29`)) fail(`${at}.date`, `${w.date} 不在${n.year}年`, `${w.date} is not in ${n.year}`);
  };
  const seen = new Set<string>();
  n.makeupWorkdays.forEach((w, i) => {
    const at = `makeupWorkdays[${i}]`;
    checkMakeup(w, at);
    if (off.has(dn(w.date))) fail(`${at}.date`, `${w.date} 在假期之内`, `${w.date} lies inside a period off`);
    if (seen.has(w.date)) fail(`${at}.date`, `${w.date} 重复`, `${w.date} listed twice`);
    seen.add(w.date);
    if (n.kind === 'annual' && !names.has(w.for)) fail(`${at}.for`, `本通知没有名为 ${w.for} 的假期`, `no holiday named ${w.for} in this notice`);
  });
  (n.cancelledMakeupWorkdays ?? []).forEach((w, i) => checkMakeup(w, `cancelledMakeupWorkdays[${i}]`));
}

/**
 * Parses and checks every notice file, then the set: sequences 1..N without gaps in file order,
 * one annual notice per year, amendments after the notice they amend, which must be of their year.
 * Returns the notices in sequence order.
 * @throws CalendarDataError naming the file and the field.
 */
export function loadNotices(files: readonly NoticeFile[]): CalendarNotice[] {
  const notices: Array<{ file: string; notice: CalendarNotice }> = [];
  for (const { file, data } of files) {
    const parsed = CalendarNoticeSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      // An unknown key is reported on its object; name the key itself.
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
      const field = pathText(keys.length > 0 ? [...issue.path, keys[0]!] : issue.path);
      throw new CalendarDataError(file, field, `格式不符：${issue.message}`, issue.message);
    }
    checkNotice(file, parsed.data);
    notices.push({ file, notice: parsed.data });
  }
  notices.sort((a, b) => a.notice.sequence - b.notice.sequence);
  const byNumber = new Map<string, CalendarNotice>();
  const annual = new Map<number, CalendarNotice>();
  notices.forEach(({ file, notice }, i) => {
    if (notice.sequence !== i + 1) {
      throw new CalendarDataError(file, 'sequence', `序号应为 ${i + 1}（通知按添加顺序从 1 连续编号，不得重复或跳号）`, `expected ${i + 1}: notices are numbered 1, 2, 3… in the order they were added, without gaps or repeats`);
    }
    if (byNumber.has(notice.documentNumber)) {
      throw new CalendarDataError(file, 'documentNumber', `文号 ${notice.documentNumber} 已在另一文件中`, `${notice.documentNumber} is already in another file`);
    }
    if (notice.kind === 'annual') {
      if (annual.has(notice.year)) {
        throw new CalendarDataError(file, 'year', `${notice.year}年已有年度通知 ${annual.get(notice.year)!.documentNumber}`, `${notice.year} already has the annual notice ${annual.get(notice.year)!.documentNumber}`);
      }
      annual.set(notice.year, notice);
    } else {
      const target = byNumber.get(notice.amends!);
      if (!target) {
        throw new CalendarDataError(file, 'amends', `所修改的通知 ${notice.amends} 不在其前`, `the amended notice ${notice.amends} is not among the notices before it`);
      }
      if (target.year !== notice.year) {
        throw new CalendarDataError(file, 'amends', `所修改的通知 ${notice.amends} 安排的是${target.year}年`, `the amended notice ${notice.amends} arranges ${target.year}`);
      }
    }
    byNumber.set(notice.documentNumber, notice);
  });
  return notices.map((n) => n.notice);
}
