// The `handover calendar` commands: working-day deadlines and day lookups on the official calendar.

import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import {
  CALENDAR_DATA_VERSION,
  CALENDAR_NOTICES,
  CALENDAR_VERSION,
  CalendarError,
  LEGACY_CALENDAR_VERSION,
  MAX_WORKING_DAYS,
  addWorkingDays,
  calendarAt,
  dayInfo,
  explainWorkingDays,
  type DayInfo,
} from '../../../machines/calendar';
import type { HandoverContext } from '../../../machines/handover';
import { calendarUpdatedUpdate, planCalendarUpdate, type CalendarUpdateResult } from '../../../workflows/calendar-upgrade';
import type { HostState } from '../../../workflows/host/machine-host';
import { persistedStateQuery } from '../../../workflows/messages';
import { withClient } from '../../connect';
import { t, type Lang, type Localized } from '../i18n';
import type { CliContext } from '../main';
import { CliError, UsageError, printJson } from '../output';

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

  calendar
    .command('notices')
    .description(t(lang, { zh: '已收录的国务院办公厅节假日通知（版本 N 即第 1 至 N 件）', en: 'the State Council holiday notices bundled (version N = notices 1 to N)' }))
    .action(() => {
      const { json, lang: out } = ctx.globals();
      if (json) {
        printJson(ctx.io, { version: CALENDAR_VERSION, dataVersion: CALENDAR_DATA_VERSION, notices: CALENDAR_NOTICES });
        return;
      }
      for (const n of CALENDAR_NOTICES) {
        const kind = n.kind === 'annual' ? t(out, { zh: `${n.year}年安排`, en: `${n.year} arrangements` }) : t(out, { zh: `修改 ${n.amends}`, en: `amends ${n.amends}` });
        ctx.io.out(`${n.sequence}\t${n.documentNumber}\t${n.published}\t${kind}\t${n.title}`);
      }
      const last = calendarAt().lastYear;
      ctx.io.out(
        t(out, {
          zh: `当前版本 ${CALENDAR_VERSION}（${CALENDAR_DATA_VERSION}）；${last}年以后尚无通知，按周末暂定`,
          en: `current version ${CALENDAR_VERSION} (${CALENDAR_DATA_VERSION}); no notice after ${last} yet: later years are provisional (weekends only)`,
        }),
      );
    });

  calendar
    .command('rollout')
    .description(
      t(lang, {
        zh: '把新收录的节假日通知用于每个在办案件：重算未到期的工作日期限并报告变动（先部署含新通知的 worker）',
        en: "apply newly bundled holiday notices to every running case: recompute pending working-day deadlines and report what moved (deploy the worker with the new notice first)",
      }),
    )
    .option('--to <version>', t(lang, { zh: `目标日历版本（默认 ${CALENDAR_VERSION}）`, en: `calendar version to move to (default ${CALENDAR_VERSION})` }))
    .option('--dry-run', t(lang, { zh: '只计算将要变动的期限，不更新案件', en: 'only compute what would move; change no case' }))
    .option('--where <query>', t(lang, { zh: '只处理符合此 Temporal 列表查询的在办案件，例如 "HandoverDistrict = \'九龙坡区\'"', en: 'only running cases matching this Temporal list query, e.g. "HandoverDistrict = \'九龙坡区\'"' }))
    .action(async (opts: { to?: string; dryRun?: boolean; where?: string }) => {
      const version = opts.to === undefined ? CALENDAR_VERSION : targetVersion(opts.to);
      const { json, lang: out } = ctx.globals();
      const query = opts.where ? `${RUNNING_CASES} AND (${opts.where})` : RUNNING_CASES;
      const report = await withClient((client) => rolloutCalendar(client, version, { dryRun: opts.dryRun === true, query }));
      if (json) printJson(ctx.io, report);
      else for (const line of rolloutLines(report, out)) ctx.io.out(line);
      if (report.failures.length > 0) {
        throw new CliError({
          zh: `${report.failures.length} 件案件未能更新日历版本`,
          en: `${report.failures.length} case(s) could not take the calendar version`,
        });
      }
    });
}

// ---- rollout --------------------------------------------------------------------------------

const RUNNING_CASES = "WorkflowType = 'handoverWorkflow' AND ExecutionStatus = 'Running'";

export interface RolloutReport {
  version: number;
  dryRun: boolean;
  /** Every running case that took (or, in a dry run, would take) the version. */
  cases: CalendarUpdateResult[];
  failures: Array<{ caseId: string; message: string }>;
}

/**
 * Sends `calendarUpdated { version }` to every running case (visibility list), or with `dryRun`
 * computes locally from each case's persisted state what it would change. One case's failure (a
 * refusal, a worker without the version) is reported and the others go on.
 */
export async function rolloutCalendar(client: Client, version: number, opts: { dryRun?: boolean; query?: string } = {}): Promise<RolloutReport> {
  const report: RolloutReport = { version, dryRun: opts.dryRun === true, cases: [], failures: [] };
  for await (const wf of client.workflow.list({ query: opts.query ?? RUNNING_CASES })) {
    const handle = client.workflow.getHandle(wf.workflowId);
    try {
      if (opts.dryRun) {
        const state: HostState = await handle.query(persistedStateQuery);
        const context = (state.snapshot as { context: HandoverContext }).context;
        const current = context.calendarVersion ?? LEGACY_CALENDAR_VERSION;
        report.cases.push(
          version <= current
            ? { caseId: context.caseId, fromVersion: current, toVersion: current, changes: [], unchanged: [], alreadyCurrent: true }
            : planCalendarUpdate(context, state.scheduled, version).result,
        );
      } else {
        report.cases.push(await handle.executeUpdate(calendarUpdatedUpdate, { args: [{ version }] }));
      }
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause;
      report.failures.push({ caseId: wf.workflowId, message: cause?.message ?? (err as Error).message });
    }
  }
  return report;
}

/** The rollout report as lines: one per case, one per moved or confirmed deadline with its reason, a total. */
export function rolloutLines(report: RolloutReport, lang: Lang): string[] {
  const lines: string[] = [];
  let moved = 0;
  for (const c of report.cases) {
    if (c.caseClosed) {
      lines.push(t(lang, { zh: `${c.caseId}：流程已结束，无待到期期限`, en: `${c.caseId}: process ended, no pending deadline` }));
      continue;
    }
    if (c.alreadyCurrent) {
      lines.push(t(lang, { zh: `${c.caseId}：已是版本 ${c.fromVersion}，无变动`, en: `${c.caseId}: already on version ${c.fromVersion}, nothing changed` }));
      continue;
    }
    lines.push(
      t(lang, {
        zh: `${c.caseId}：日历版本 ${c.fromVersion} → ${c.toVersion}，${c.changes.filter((x) => x.moved).length} 个期限改变`,
        en: `${c.caseId}: calendar version ${c.fromVersion} → ${c.toVersion}, ${c.changes.filter((x) => x.moved).length} deadline(s) moved`,
      }),
    );
    for (const change of c.changes) {
      if (change.moved) moved++;
      const head = change.moved ? `${change.kind} ${change.before.due} → ${change.after.due}` : `${change.kind} ${change.after.due}`;
      lines.push(`  ${head}: ${t(lang, change.reason)}`);
    }
  }
  for (const f of report.failures) lines.push(t(lang, { zh: `${f.caseId}：未更新：${f.message}`, en: `${f.caseId}: not updated: ${f.message}` }));
  lines.push(
    t(lang, {
      zh: `${report.dryRun ? '（试算）' : ''}日历版本 ${report.version}：案件 ${report.cases.length} 件，期限改变 ${moved} 个，失败 ${report.failures.length} 件`,
      en: `${report.dryRun ? '(dry run) ' : ''}calendar version ${report.version}: ${report.cases.length} case(s), ${moved} deadline(s) moved, ${report.failures.length} failure(s)`,
    }),
  );
  return lines;
}

/** A calendar version argument: digits only, and bundled in this build. */
function targetVersion(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 1 && n <= CALENDAR_VERSION)) {
    throw new UsageError({
      zh: `日历版本无效：--to = ${quote(value)}，本程序包含版本 1 至 ${CALENDAR_VERSION}`,
      en: `invalid calendar version: --to = ${quote(value)}, this build bundles versions 1 to ${CALENDAR_VERSION}`,
    });
  }
  return n;
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

/** The notice years a provisional day waits for (its own year's, and for 29–31 December the next year's too). */
function missingNoticeYears(date: string): number[] {
  return calendarAt().missingNoticeYears(date);
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
  if (info.notice) text = { zh: `${text.zh}（${info.notice}）`, en: `${text.en} (${info.notice})` };
  if (!info.provisional) return t(lang, text);
  const years = missingNoticeYears(date);
  return t(lang, {
    zh: `${text.zh}（暂定：${years.join('、')}年尚无国务院公布的节假日安排，仅按周末判断）`,
    en: `${text.en} (provisional: the State Council has not published the ${years.join(' and ')} holiday arrangements, so only weekends are taken into account)`,
  });
}
