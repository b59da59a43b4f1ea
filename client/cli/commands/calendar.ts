// The `handover calendar` commands: working-day deadlines and day lookups on the official calendar.

import type { Command } from 'commander';
import {
  CalendarError,
  MAX_WORKING_DAYS,
  addWorkingDays,
  dayInfo,
  explainWorkingDays,
  isCoveredYear,
  type DayInfo,
} from '../../../machines/calendar';
import { t, type Lang, type Localized } from '../i18n';
import type { CliContext } from '../main';
import { UsageError, printJson } from '../output';

export function registerCalendarCommands(program: Command, ctx: CliContext): void {
  const { lang } = ctx;
  const calendar = program
    .command('calendar')
    .description(
      t(lang, {
        zh: '国务院公布的节假日安排下的工作日计算',
        en: 'working days on the official State Council holiday calendar',
      }),
    );

  calendar
    .command('add-workdays')
    .description(
      t(lang, {
        zh: '起算日后第 n 个工作日（起算日当天不计），即到期日',
        en: 'the n-th working day after the start date (the start date itself does not count): the due date',
      }),
    )
    .argument('<start>', t(lang, { zh: '起算日，YYYY-MM-DD', en: 'start date, YYYY-MM-DD' }))
    .argument('<n>', t(lang, { zh: `工作日天数，0 至 ${MAX_WORKING_DAYS}`, en: `working days, 0 to ${MAX_WORKING_DAYS}` }))
    .action((start: string, n: string) => {
      const result = calendarCall(() => addWorkingDays(checkDateShape(start, 'start'), workingDayCount(n)));
      const { json, lang: outLang } = ctx.globals();
      if (json) {
        printJson(ctx.io, result);
        return;
      }
      // The due date alone on the first line, so scripts can take it with `head -1`.
      ctx.io.out(result.due);
      for (const line of explainWorkingDays(result, outLang)) ctx.io.out(line);
    });

  calendar
    .command('is-workday')
    .description(t(lang, { zh: '某日是否为工作日', en: 'whether a date is a working day' }))
    .argument('<date>', t(lang, { zh: '日期，YYYY-MM-DD', en: 'date, YYYY-MM-DD' }))
    .action((date: string) => {
      const info = calendarCall(() => dayInfo(checkDateShape(date, 'date')));
      const { json, lang: outLang } = ctx.globals();
      if (json) {
        printJson(ctx.io, info);
        return;
      }
      ctx.io.out(String(info.working));
      ctx.io.out(describeDay(info, outLang));
    });
}

// ---- arguments ------------------------------------------------------------------------------

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/** Quotes a user's argument for a message, on one line and not too long. */
function quote(value: string): string {
  const s = JSON.stringify(value);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/**
 * Rejects anything not shaped like YYYY-MM-DD here; the calendar then judges whether the date
 * exists and is in range. Checking the shape first also guarantees that the calendar's messages
 * quote nothing but digits and dashes, which calendarText relies on. `field` is the argument's
 * name, the one the calendar's own messages use (`start` for addWorkingDays, `date` for dayInfo).
 */
function checkDateShape(value: string, field: 'start' | 'date'): string {
  if (!DATE_SHAPE.test(value)) {
    throw new UsageError({
      zh: `日期格式无效：${field} = ${quote(value)}，应为 YYYY-MM-DD`,
      en: `invalid date: ${field} = ${quote(value)}, expected YYYY-MM-DD`,
    });
  }
  return value;
}

/**
 * A count of working days: digits only, so `-1`, `1.5`, `1e3` and `0x10` are refused rather
 * than converted by Number(); the range (0 to MAX_WORKING_DAYS) is the calendar's to check.
 */
function workingDayCount(value: string): number {
  if (!/^\d+$/.test(value)) {
    throw new UsageError({
      zh: `工作日天数无效：n = ${quote(value)}，应为 0 至 ${MAX_WORKING_DAYS} 的整数`,
      en: `invalid number of working days: n = ${quote(value)}, expected an integer from 0 to ${MAX_WORKING_DAYS}`,
    });
  }
  return Number(value);
}

/** Runs a calendar function; its input errors are the user's, so they become usage errors. */
function calendarCall<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof CalendarError) throw new UsageError(calendarText(error));
    throw error;
  }
}

/**
 * CalendarError holds both languages in one message, `${zh} (${en})`. The Chinese text uses
 * full-width brackets, so the first ASCII " (" is the separator as long as the quoted input
 * contains none, which checkDateShape and workingDayCount ensure.
 */
function calendarText(error: CalendarError): Localized {
  const m = /^(.*?) \((.*)\)$/s.exec(error.message);
  const zh = m?.[1];
  const en = m?.[2];
  return zh !== undefined && en !== undefined ? { zh, en } : { zh: error.message, en: error.message };
}

// ---- explanation of one day -----------------------------------------------------------------

const WEEKDAY: Readonly<Record<Lang, readonly string[]>> = {
  zh: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};

function weekdayName(date: string, lang: Lang): string {
  return WEEKDAY[lang][new Date(`${date}T00:00:00Z`).getUTCDay()] ?? '';
}

/**
 * The notice years a provisional day waits for. Same rule as the calendar module (which keeps it
 * private): a date depends on its own year's notice, and 29–31 December also on the next year's,
 * whose 元旦 arrangement may reach back into them.
 */
function missingNoticeYears(date: string): number[] {
  const year = Number(date.slice(0, 4));
  const years: number[] = [];
  if (!isCoveredYear(year)) years.push(year);
  if (date.slice(5, 7) === '12' && Number(date.slice(8, 10)) >= 29 && !isCoveredYear(year + 1)) years.push(year + 1);
  return years;
}

/** One line saying what kind of day it is and why, e.g. which holiday a make-up day is for. */
export function describeDay(info: DayInfo, lang: Lang): string {
  const { date } = info;
  const day = weekdayName(date, lang);
  const holiday = info.holidayName ?? '';
  const holidayEn = info.holidayNameEn ? `${info.holidayNameEn} (${holiday})` : holiday;
  let text: Localized;
  switch (info.kind) {
    case 'workday':
      text = { zh: `${date}（${day}）是工作日`, en: `${date} (${day}) is a working day` };
      break;
    case 'weekend':
      text = { zh: `${date}（${day}）是周末，不是工作日`, en: `${date} (${day}) is a weekend day, not a working day` };
      break;
    case 'holiday':
      text = {
        zh: `${date}（${day}）是法定节假日：${holiday}，不是工作日`,
        en: `${date} (${day}) is a public holiday, ${holidayEn}: not a working day`,
      };
      break;
    case 'makeupWorkday':
      text = {
        zh: `${date}（${day}）是${holiday}调休上班日，按工作日计算`,
        en: `${date} (${day}) is a make-up working day for ${holidayEn}: counted as a working day`,
      };
      break;
  }
  if (!info.provisional) return t(lang, text);
  const years = missingNoticeYears(date);
  return t(lang, {
    zh: `${text.zh}（暂定：${years.join('、')}年尚无国务院公布的节假日安排，仅按周末判断）`,
    en: `${text.en} (provisional: the State Council has not published the ${years.join(' and ')} holiday arrangements, so only weekends are taken into account)`,
  });
}
