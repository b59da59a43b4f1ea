// The calendar version a district report run counts working days with is fixed for the run: named in its input, or
// the newest of the bundle pinned when the run starts (a patch marker once the bundle is newer than the version runs
// used before pinning), so a replay with a newer notice schedules the same days. Each run here reports September 2026
// for a district without cases, whose 25th is Mid-Autumn Festival only from the 2026 notice (calendar version 11)
// on, and ends after that one table. On the dev server with a real worker.
import { defaultPayloadConverter } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { CALENDAR_VERSION } from '../../machines/calendar';
import { reportDayOf } from '../../machines/report-schedule';
import { DEFAULT_SETTINGS } from '../../machines/settings';
import { calendarPatchId } from '../../workflows/calendar-upgrade';
import { UNPINNED_REPORT_CALENDAR_VERSION, districtReportWorkflow, type DistrictReportView } from '../../workflows/district-report';
import { recordHistory } from '../helpers/histories';
import { startDevHarness, type CaseHarness } from '../helpers/handover-env';

const taskQueue = `district-report-calendar-${process.pid}`;
let h: CaseHarness;
let runs = 0;

beforeAll(async () => {
  h = await startDevHarness(taskQueue);
});

afterAll(async () => {
  await h?.stop();
});

/** Runs the September 2026 report with this input version; what the run reported and what its history holds. */
async function september2026(calendarVersion?: number): Promise<{ view: DistrictReportView; reportDate: string; moved?: unknown; markers: string[] }> {
  const workflowId = `district-report-calendar-test-${process.pid}-${++runs}`;
  const view = await h.client.workflow.execute(districtReportWorkflow, {
    taskQueue,
    workflowId,
    args: [{ district: '城口县', ...(calendarVersion !== undefined ? { calendarVersion } : {}), carried: { caseIds: [], nextMonth: '2026-09', reports: [], runs: 1 } }],
  });
  const handle = h.client.workflow.getHandle(workflowId);
  if (calendarVersion === 10) await recordHistory(handle, 'district-report-calendar-pinned');
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = events.map((e) => e.activityTaskScheduledEventAttributes).filter((a) => a?.activityType?.name === 'produceMonthlyReport');
  expect(scheduled).toHaveLength(1);
  const request = defaultPayloadConverter.fromPayload<{ reportDate: string; moved?: unknown }>(scheduled[0]!.input!.payloads![0]!);
  const markers = events
    .map((e) => e.markerRecordedEventAttributes)
    .filter((m) => m?.markerName === 'core_patch')
    .map((m) => defaultPayloadConverter.fromPayload<{ id: string }>(m!.details!['patch-data']!.payloads![0]!).id);
  return { view, reportDate: request.reportDate, moved: request.moved, markers };
}

describe('district report: the calendar version of a run', () => {
  it('schedules with the version its input names, whatever the bundle holds', async () => {
    const before = await september2026(10);
    expect(before.view.calendarVersion).toBe(10);
    expect(before.reportDate).toBe('2026-09-25');
    expect(before.moved).toBeUndefined();
    expect(before.markers).toEqual([]);
    const after = await september2026(11);
    expect(after.view.calendarVersion).toBe(11);
    expect(after.reportDate).toBe('2026-09-24');
    expect(after.moved).toMatchObject({ en: expect.stringContaining('2026-09-25 is not a working day') });
  });

  it('pins the newest version of the bundle when the input names none, with a marker once it is newer than unpinned runs used', async () => {
    const run = await september2026();
    expect(run.view.calendarVersion).toBe(CALENDAR_VERSION);
    expect(run.reportDate).toBe(reportDayOf('2026-09', DEFAULT_SETTINGS.monthlyReportOnNonWorkingDay, CALENDAR_VERSION).date);
    expect(run.markers).toEqual(CALENDAR_VERSION > UNPINNED_REPORT_CALENDAR_VERSION ? [calendarPatchId(CALENDAR_VERSION)] : []);
  });

  it('refuses a version the worker does not bundle, naming it', async () => {
    const failed = september2026(CALENDAR_VERSION + 1).catch((err: unknown) => err);
    const err = await failed;
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toMatchObject({ type: 'calendarVersionUnknown', message: expect.stringContaining(`calendarVersion = ${CALENDAR_VERSION + 1}`) });
  });
});
