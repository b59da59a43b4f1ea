// §四(三) on the real time-skipping server: a district's progress table on the 25th of consecutive
// months, built from the cases' live state, a reminder before it, and no more tables once every
// case is complete. Formula-like enterprise names come out of the files as text.
import { readFileSync, existsSync } from 'node:fs';
import { recordHistory } from '../helpers/histories';
import ExcelJS from 'exceljs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { timeSkippingEnv } from '../helpers/servers';
import { act, startCase, startHarness, today, type CaseHarness } from '../helpers/handover-env';
import { eventually } from '../helpers/eventually';
import { caseState } from '../../client/cases';
import { creditCodeCheckChar } from '../../machines/credit-code';
import { PROGRESS_COLUMNS, progressRow } from '../../machines/progress-table';
import { addMonths, nextReportMonth, reminderInstantOf, reportDayOf } from '../../machines/report-schedule';
import { DEFAULT_SETTINGS, DEFINITION_VERSION } from '../../machines/settings';
import { monthlyReportPaths } from '../../activities/reports/monthly';
import { districtReportStateQuery, districtReportWorkflowId } from '../../workflows/district-report';
import type { CaseParties } from '../../machines/roles';
import { caseIdFor } from '../../machines/case-input';

let env: TestWorkflowEnvironment;
let h: CaseHarness;

beforeAll(async () => {
  env = await timeSkippingEnv();
  h = await startHarness({ client: env.client, connection: env.nativeConnection, taskQueue: 'district-report' });
});

afterAll(async () => {
  await h?.stop();
  await env?.teardown();
});

const DISTRICT = '江北区';
const RULE = DEFAULT_SETTINGS.monthlyReportOnNonWorkingDay;

function code(n: number): string {
  const body = `9150010520290${String(n).padStart(4, '0')}`;
  return body + creditCodeCheckChar(body)!;
}

// Names a spreadsheet would take for formulas: they must come out as the same text.
const CASES = [
  { creditCode: code(1), enterpriseName: '=HYPERLINK("http://example.com","点此")', people: 1200 },
  { creditCode: code(2), enterpriseName: '+重庆北岸仪表厂', people: 800 },
  { creditCode: code(3), enterpriseName: '@重庆江北纺织厂', people: 450 },
];

const parties = (c: (typeof CASES)[number]): CaseParties => ({ creditCode: c.creditCode, district: DISTRICT, township: `${DISTRICT}/观音桥街道` });

async function sleepUntil(instant: string, offsetMs: number) {
  const ms = Date.parse(instant) + offsetMs - (await env.currentTimeMs());
  expect(ms).toBeGreaterThan(0);
  await env.sleep(ms);
}

/** The table rows of a written progress table, read back with exceljs. */
async function readTable(path: string): Promise<{ header: string[]; rows: unknown[][]; cells: ExcelJS.Cell[]; nameCells: ExcelJS.Cell[] }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const ws = wb.getWorksheet('进度表')!;
  let headerRow = 0;
  ws.eachRow((row, n) => {
    if (!headerRow && row.getCell(1).value === '序号') headerRow = n;
  });
  expect(headerRow).toBeGreaterThan(0);
  const width = PROGRESS_COLUMNS.length;
  const header = Array.from({ length: width }, (_, j) => String(ws.getCell(headerRow, j + 1).value));
  const rows: unknown[][] = [];
  const cells: ExcelJS.Cell[] = [];
  const nameCells: ExcelJS.Cell[] = [];
  for (let r = headerRow + 1; r <= ws.rowCount; r++) {
    rows.push(Array.from({ length: width }, (_, j) => ws.getCell(r, j + 1).value ?? ''));
    for (let j = 1; j <= width; j++) cells.push(ws.getCell(r, j));
    nameCells.push(ws.getCell(r, 3));
  }
  return { header, rows, cells, nameCells };
}

/** The rows the table should have now: one per case from its live state, in credit-code order. */
/** The rows the table should hold, from the cases' live state projected at the table's instant (its record's asOf). */
async function expectedRows(recordFile: string): Promise<unknown[][]> {
  const asOf = Date.parse(JSON.parse(readFileSync(recordFile, 'utf8')).asOf);
  const states = await Promise.all(CASES.map((c) => caseState(env.client, caseIdFor(c.creditCode, DISTRICT))));
  states.sort((a, b) => a.context.parties.creditCode.localeCompare(b.context.parties.creditCode));
  return states.map((s, i) => {
    const row = progressRow(s, i + 1, 'zh', asOf);
    return PROGRESS_COLUMNS.map((c) => row[c.key]);
  });
}

async function complete(c: (typeof CASES)[number], on: string) {
  const send = act(env.client, caseIdFor(c.creditCode, DISTRICT), parties(c));
  const state = await caseState(env.client, caseIdFor(c.creditCode, DISTRICT));
  if (state.stage === 'survey') {
    await send('SURVEY_SUBMITTED', 'districtCivilAffairs', on);
    await send('SURVEY_CONFIRMED', 'districtCivilAffairs', on);
  }
  if ((await caseState(env.client, caseIdFor(c.creditCode, DISTRICT))).stage === 'workPlan') {
    await send('WORK_PLAN_PROPOSED', 'township', on);
    await send('WORK_PLAN_ACCEPTED', 'enterprise', on);
  }
  if ((await caseState(env.client, caseIdFor(c.creditCode, DISTRICT))).stage === 'agreement') {
    await send('AGREEMENT_SIGNED', 'enterprise', on);
    await send('AGREEMENT_SIGNED', 'districtGovernment', on);
  }
  await send('FACILITIES_HANDED_OVER', 'enterprise', on);
  await send('FACILITIES_INSPECTED', 'districtCivilAffairs', on);
  await send('COMMUNITY_SETUP_DECIDED', 'township', on);
  await send('COMMUNITY_ESTABLISHED', 'township', on);
  await send('RESIDENTS_COMMITTEE_ELECTED', 'township', on);
  const done = await send('TRANSITION_DECIDED', 'districtGovernment', on, { establish: false, reason: '人员较少，不设过渡期' });
  expect(done.stage).toBe('completed');
}

describe('time-skipping server: the monthly progress table of a district', () => {
  it('reports on the 25th of consecutive months from the live state of the cases, then stops once all are complete', async () => {
    for (const c of CASES) {
      await startCase(env.client, { ...c, district: DISTRICT, township: '观音桥街道', residentialArea: `${c.people}人家属区`, plannedCompletion: '2099-06-30', settings: { cityTargetDate: '2099-12-31' } }, { taskQueue: h.taskQueue });
    }
    const district = env.client.workflow.getHandle(districtReportWorkflowId(DISTRICT));
    const view = await district.query(districtReportStateQuery);
    expect(view.caseIds.sort()).toEqual(CASES.map((c) => caseIdFor(c.creditCode, DISTRICT)).sort());

    const first = nextReportMonth(await env.currentTimeMs(), RULE);
    const reportsDir = `${h.dataDir}/reports`;
    const paths = (m: string) => monthlyReportPaths(reportsDir, DISTRICT, m);

    // Month 1: one case in the work plan stage, the others still surveying.
    const send1 = act(env.client, caseIdFor(CASES[0]!.creditCode, DISTRICT), parties(CASES[0]!));
    await send1('SURVEY_SUBMITTED', 'districtCivilAffairs', await today(env));
    await send1('SURVEY_CONFIRMED', 'districtCivilAffairs', await today(env));

    const reminder = reminderInstantOf(first, DEFAULT_SETTINGS)!;
    if (Date.parse(reminder) > (await env.currentTimeMs()) + 60_000) {
      await sleepUntil(reminder, 60_000);
      const rows = await eventually(() => {
        const r = h.outbox.list({ caseId: districtReportWorkflowId(DISTRICT), reason: 'monthlyReportReminder' });
        expect(r).toHaveLength(1);
        return r;
      });
      expect(rows[0]!.dueKey).toBe(first);
      expect(existsSync(paths(first).xlsx)).toBe(false);
    }

    const day1 = reportDayOf(first, RULE);
    await sleepUntil(day1.at, -60_000);
    expect(existsSync(paths(first).xlsx)).toBe(false);
    await sleepUntil(day1.at, 60_000);
    await eventually(() => expect(existsSync(paths(first).json)).toBe(true));
    const t1 = await readTable(paths(first).xlsx);
    expect(t1.header).toEqual(PROGRESS_COLUMNS.map((c) => c.zh));
    expect(t1.rows).toEqual(await expectedRows(paths(first).json));
    expect(t1.rows.map((r) => r[6])).toEqual(['工作方案（协商中）', '摸排（摸排中）', '摸排（摸排中）']);
    const record1 = JSON.parse(readFileSync(paths(first).json, 'utf8'));
    expect(record1).toMatchObject({ district: DISTRICT, month: first, reportDate: day1.date, total: 3, completed: 0, allComplete: false });
    expect(Date.parse(record1.asOf)).toBeGreaterThanOrEqual(Date.parse(day1.at));
    expect(record1.builtFrom.source).toBe('districtWorkflow');
    expect(record1.builtFrom.cases.map((c: { runId: string }) => c.runId).every(Boolean)).toBe(true);
    expect(record1.builtFrom.definitionVersions).toEqual([DEFINITION_VERSION]);
    expect(h.outbox.list({ caseId: districtReportWorkflowId(DISTRICT), reason: 'monthlyReportIssued' }).map((r) => r.dueKey)).toEqual([first]);

    // Formula-like names are text cells holding exactly the name; in CSV they carry a leading apostrophe.
    for (const cell of t1.cells) expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
    const names = t1.rows.map((r) => r[2]);
    expect(names).toEqual(CASES.map((c) => c.enterpriseName));
    for (const cell of t1.nameCells) expect(cell.type).toBe(ExcelJS.ValueType.String);
    const csv = readFileSync(paths(first).csv, 'utf8');
    expect(csv).toContain(`"'=HYPERLINK(""http://example.com"",""点此"")"`);
    expect(csv).toContain(`,'+重庆北岸仪表厂,`);
    expect(csv).toContain(`,'@重庆江北纺织厂,`);
    expect(csv).not.toMatch(/(^|,)[=+@]/m);

    // Month 2: case 1 complete, case 2 agreed its plan; the table follows.
    const second = addMonths(first, 1);
    await complete(CASES[0]!, await today(env));
    const send2 = act(env.client, caseIdFor(CASES[1]!.creditCode, DISTRICT), parties(CASES[1]!));
    await send2('SURVEY_SUBMITTED', 'districtCivilAffairs', await today(env));
    await send2('SURVEY_CONFIRMED', 'districtCivilAffairs', await today(env));
    await send2('WORK_PLAN_PROPOSED', 'township', await today(env));
    await send2('WORK_PLAN_ACCEPTED', 'enterprise', await today(env));
    await sleepUntil(reportDayOf(second, RULE).at, 60_000);
    await eventually(() => expect(existsSync(paths(second).json)).toBe(true));
    const t2 = await readTable(paths(second).xlsx);
    expect(t2.rows).toEqual(await expectedRows(paths(second).json));
    // Case 2 agreed its plan a month ago: 10 working days have passed without an agreement.
    expect(t2.rows.map((r) => r[6])).toEqual(['已完成', '移交协议（逾期已报请协调）', '摸排（摸排中）']);
    expect(t2.rows[1]![7]).not.toBe(''); // 工作方案达成日期
    expect(t2.rows.map((r) => r[9])).toEqual(['否', '是', '否']); // 协议是否逾期
    expect(JSON.parse(readFileSync(paths(second).json, 'utf8'))).toMatchObject({ total: 3, completed: 1, allComplete: false });

    // Month 3: everything complete → the last table; no table for month 4, the workflow has finished.
    const third = addMonths(first, 2);
    await complete(CASES[1]!, await today(env));
    await complete(CASES[2]!, await today(env));
    await sleepUntil(reportDayOf(third, RULE).at, 60_000);
    await eventually(() => expect(existsSync(paths(third).json)).toBe(true));
    const t3 = await readTable(paths(third).xlsx);
    expect(t3.rows.map((r) => r[6])).toEqual(['已完成', '已完成', '已完成']);
    expect(JSON.parse(readFileSync(paths(third).json, 'utf8'))).toMatchObject({ total: 3, completed: 3, allComplete: true });
    const fourth = addMonths(first, 3);
    await sleepUntil(reportDayOf(fourth, RULE).at, 3_600_000);
    expect(existsSync(paths(fourth).xlsx)).toBe(false);
    expect(h.outbox.list({ caseId: districtReportWorkflowId(DISTRICT), reason: 'monthlyReportIssued' }).map((r) => r.dueKey)).toEqual([first, second, third]);
    expect((await district.describe()).status.name).toBe('COMPLETED');
    const result = await district.result();
    expect(result.finished).toBe(true);
    expect(result.reports.map((r: { month: string }) => r.month)).toEqual([first, second, third]);
    await recordHistory(district, 'district-report-three-months');
  });
});
