// §四(三): one durable workflow per district that sends the progress table (附件2) on the 25th of
// every month, from the first reporting month until every case of the district is complete.
//
// It learns its cases from `startCase`, which signal-with-starts it (`caseRegistered`) for every
// new case, so it needs no visibility store. It sleeps on durable timers until absolute instants
// (the reminder, then the report instant of the month), asks an activity to build the table from
// the live state of its cases, announces it through the outbox, and returns once a table shows
// every case complete. A case started after that starts a new run.
//
// Working days (a 25th that is a holiday moves) are counted with one calendar version per run, pinned when the run
// starts (workflows/calendar-upgrade.ts calendarVersionForThisRun: the newest of the bundle, recorded as a patch
// marker), so a replay with a bundle that holds a newer State Council notice schedules the same days. The next run
// (continue-as-new) pins the newest again.
import { ApplicationFailure, allHandlersFinished, condition, continueAsNew, defineQuery, defineSignal, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CALENDAR_VERSION, isBundledVersion } from '../machines/calendar';
import { DEFAULT_SETTINGS } from '../machines/settings';
import { addMonths, nextReportMonth, reminderInstantOf, reportDayOf, type ReportSettings } from '../machines/report-schedule';
import { calendarVersionForThisRun } from './calendar-upgrade';

/**
 * The calendar version of runs that recorded none: before versions were pinned a run counted with the newest of its
 * bundle, and this was the newest when they were pinned. Never change it: old histories replay with it.
 */
export const UNPINNED_REPORT_CALENDAR_VERSION = 12;

export interface DistrictReportInput {
  district: string;
  /** The report settings (§四(三)); defaults from machines/settings.ts. */
  settings?: Partial<ReportSettings>;
  /** Continue-as-new after this many history events even if the server does not suggest it yet. */
  historyLimit?: number;
  /** The calendar version this run counts working days with; by default the newest of the bundle, pinned per run. */
  calendarVersion?: number;
  /** Set only by continue-as-new. */
  carried?: { caseIds: string[]; nextMonth: string; reports: IssuedReport[]; runs: number };
}

export interface IssuedReport {
  month: string;
  /** The instant the table was built (workflow time). */
  at: string;
  total: number;
  completed: number;
  files: { xlsx: string; csv: string; json: string };
}

export interface DistrictReportView {
  district: string;
  /** The calendar version this run counts working days with. */
  calendarVersion: number;
  caseIds: string[];
  nextMonth?: string;
  nextReportAt?: string;
  reports: IssuedReport[];
  finished: boolean;
}

export const caseRegisteredSignal = defineSignal<[string]>('caseRegistered');
export const districtReportStateQuery = defineQuery<DistrictReportView>('districtReportState');

export function districtReportWorkflowId(district: string): string {
  return `district-report-${district}`;
}

const { notify, produceMonthlyReport } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

const DEFAULT_HISTORY_LIMIT = 2_000;
/** Issued reports kept in the workflow's state (the files themselves stay on disk). */
const KEEP_REPORTS = 24;

async function sleepUntil(instant: string): Promise<void> {
  const ms = Date.parse(instant) - Date.now();
  if (ms > 0) await sleep(ms);
}

export async function districtReportWorkflow(input: DistrictReportInput): Promise<DistrictReportView> {
  const settings: ReportSettings = {
    monthlyReportOnNonWorkingDay: input.settings?.monthlyReportOnNonWorkingDay ?? DEFAULT_SETTINGS.monthlyReportOnNonWorkingDay,
    monthlyReportReminderLeadDays: input.settings?.monthlyReportReminderLeadDays ?? DEFAULT_SETTINGS.monthlyReportReminderLeadDays,
  };
  const rule = settings.monthlyReportOnNonWorkingDay;
  if (input.calendarVersion !== undefined && !isBundledVersion(input.calendarVersion)) {
    throw ApplicationFailure.nonRetryable(
      `日历版本无效：calendarVersion = ${JSON.stringify(input.calendarVersion)}，本程序包含版本 1 至 ${CALENDAR_VERSION} (unknown calendar version: calendarVersion = ${JSON.stringify(input.calendarVersion)}, this worker bundles versions 1 to ${CALENDAR_VERSION})`,
      'calendarVersionUnknown',
    );
  }
  const calendarVersion = input.calendarVersion ?? calendarVersionForThisRun(UNPINNED_REPORT_CALENDAR_VERSION);
  const cases = new Set<string>(input.carried?.caseIds ?? []);
  const reports: IssuedReport[] = input.carried?.reports ?? [];
  let month = input.carried?.nextMonth ?? nextReportMonth(Date.now(), rule, calendarVersion);
  let finished = false;
  const self = workflowInfo().workflowId;

  setHandler(caseRegisteredSignal, (caseId) => void cases.add(caseId));
  setHandler(districtReportStateQuery, () => ({
    district: input.district,
    calendarVersion,
    caseIds: [...cases],
    ...(finished ? {} : { nextMonth: month, nextReportAt: reportDayOf(month, rule, calendarVersion).at }),
    reports,
    finished,
  }));

  const limit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  for (;;) {
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= limit) {
      await condition(allHandlersFinished);
      // The next run pins its own calendar version (the newest of its bundle), unless the input named one.
      await continueAsNew<typeof districtReportWorkflow>({
        ...input,
        carried: { caseIds: [...cases], nextMonth: month, reports, runs: (input.carried?.runs ?? 1) + 1 },
      });
    }
    const day = reportDayOf(month, rule, calendarVersion);
    const reminderAt = reminderInstantOf(month, settings, calendarVersion);
    if (reminderAt && Date.parse(reminderAt) > Date.now()) {
      await sleepUntil(reminderAt);
      await notify({
        caseId: self,
        reason: 'monthlyReportReminder',
        dueKey: month,
        recipients: ['districtCivilAffairs'],
        clause: '§四(三)',
        district: input.district,
        message: {
          zh: `${input.district}：${month} 月工作进度表须于 ${day.date} 报送市民政局（${cases.size} 件案件）`,
          en: `${input.district}: the progress table for ${month} is due to the city civil affairs bureau on ${day.date} (${cases.size} case(s))`,
        },
      });
    }
    await sleepUntil(day.at);

    const reported = cases.size;
    const result = await produceMonthlyReport({
      district: input.district,
      month,
      caseIds: [...cases],
      asOf: new Date(Date.now()).toISOString(),
      reportDate: day.date,
      moved: day.moved?.reason,
      source: 'districtWorkflow',
      requestedBy: { workflowId: self, runId: workflowInfo().runId },
    });
    reports.push({ month, at: new Date(Date.now()).toISOString(), total: result.total, completed: result.completed, files: result.files });
    if (reports.length > KEEP_REPORTS) reports.splice(0, reports.length - KEEP_REPORTS);
    await notify({
      caseId: self,
      reason: 'monthlyReportIssued',
      dueKey: month,
      recipients: ['districtCivilAffairs', 'cityCivilAffairs'],
      clause: '§四(三)',
      district: input.district,
      message: {
        zh: `${input.district} ${month} 月工作进度表已生成（${result.completed}/${result.total} 件已完成${result.allComplete ? '，全部完成，最后一期' : ''}）：${result.files.xlsx}`,
        en: `${input.district} progress table for ${month} is ready (${result.completed}/${result.total} complete${result.allComplete ? ', all done: last table' : ''}): ${result.files.xlsx}`,
      },
    });
    month = addMonths(month, 1);
    // §四(三) "直至全部完成": stop after the table that shows every case complete, unless a case arrived meanwhile.
    if ((result.allComplete && cases.size === reported) || cases.size === 0) break;
  }
  finished = true;
  await condition(allHandlersFinished);
  return { district: input.district, calendarVersion, caseIds: [...cases], reports, finished };
}
