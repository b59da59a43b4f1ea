// Human-readable explanation of a working-day count, naming the notice behind every holiday.

import type { Calendar, SkippedDay, WorkingDayResult } from './calendar';
import { nextDate, parseIsoDate, weekdayName } from './dates';
import { CALENDAR_DATA_VERSION, CALENDAR_VERSION, calendarAt, isBundledVersion, versionOfResult } from './versions';

interface HolidayRun {
  name: string;
  nameEn: string;
  notice?: string;
  from: string;
  to: string;
  days: number;
}

/** Consecutive skipped holiday days with the same name and notice, as ranges. */
function holidayRuns(skipped: readonly SkippedDay[]): HolidayRun[] {
  const runs: HolidayRun[] = [];
  let last: { run: HolidayRun; dayNumber: number } | undefined;
  for (const d of skipped) {
    if (d.kind !== 'holiday') continue;
    const dn = parseIsoDate(d.date, 'skipped.date').dayNumber;
    const name = d.holidayName ?? '';
    if (last && last.run.name === name && last.run.notice === d.notice && last.dayNumber === dn - 1) {
      last.run.to = d.date;
      last.run.days += 1;
      last.dayNumber = dn;
    } else {
      const run: HolidayRun = { name, nameEn: d.holidayNameEn ?? name, from: d.date, to: d.date, days: 1 };
      if (d.notice !== undefined) run.notice = d.notice;
      runs.push(run);
      last = { run, dayNumber: dn };
    }
  }
  return runs;
}

/** The years a calendar version covers, e.g. 2017–2026. */
function coveredRange(calendar: Calendar): string {
  return `${calendar.firstYear ?? '?'}–${calendar.lastYear ?? '?'}`;
}

/**
 * Human-readable lines explaining a WorkingDayResult: start, count, due date and deadline (Beijing
 * time), what was skipped (weekends counted, each holiday with its name, dates and notice), the
 * make-up working days counted, the calendar version, and a warning for every year without a notice.
 * Names and notices come from the version the result was computed with when this build bundles it.
 */
export function explainWorkingDays(result: WorkingDayResult, lang: 'zh' | 'en'): string[] {
  const zh = lang === 'zh';
  const lines: string[] = [];
  const { start, n, due, deadline } = result;
  const nextDay = nextDate(due);
  const version = versionOfResult(result);
  const calendar = calendarAt(isBundledVersion(version) ? version : CALENDAR_VERSION);

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
    const source = r.notice ? (zh ? `（${r.notice}）` : ` (${r.notice})`) : '';
    lines.push(
      zh
        ? `跳过法定节假日：${r.name} ${range}，共${r.days}天${source}`
        : `Public holiday skipped: ${r.nameEn} (${r.name}) ${range}, ${r.days} day${r.days === 1 ? '' : 's'}${source}`,
    );
  }
  if (result.makeupWorkdays.length > 0) {
    const items = result.makeupWorkdays.map((date) => {
      const info = calendar.dayInfo(date);
      const forName = zh ? info.holidayName : info.holidayNameEn;
      const source = info.notice ? (zh ? `，${info.notice}` : `, ${info.notice}`) : '';
      return zh
        ? `${date}（${weekdayName(date, 'zh')}${forName ? `，${forName}调休` : ''}${source}）`
        : `${date} (${weekdayName(date, 'en')}${forName ? `, for ${forName}` : ''}${source})`;
    });
    lines.push(
      zh
        ? `调休上班日按工作日计入：${items.join('、')}`
        : `Make-up working days counted as working days: ${items.join(', ')}`,
    );
  }

  const range = coveredRange(calendar);
  const count = calendar.notices.length;
  lines.push(
    zh
      ? `日历数据版本：${result.dataVersion}（国务院办公厅${range}年部分节假日安排的通知及其调整通知，共${count}件）`
      : `Calendar data version: ${result.dataVersion} (State Council General Office holiday notices for ${range} and their amendments, ${count} notices)`,
  );
  if (result.dataVersion !== CALENDAR_DATA_VERSION) {
    lines.push(
      zh
        ? `注意：该结果按数据版本 ${result.dataVersion} 计算，当前版本为 ${CALENDAR_DATA_VERSION}`
        : `Note: this result was computed with data version ${result.dataVersion}; the current version is ${CALENDAR_DATA_VERSION}`,
    );
  }

  for (const year of result.provisionalYears) {
    // Were 29–31 December of a covered previous year counted or skipped? They depend on this
    // year's missing 元旦 arrangement too.
    const fromPreviousDecember =
      calendar.isCoveredYear(year - 1) && start < `${year - 1}-12-31` && due >= `${year - 1}-12-29`;
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
