// The monthly progress table (附件2, §四(三)) of one district, built from the live state of its cases
// (one `caseState` query each) and written as .xlsx and CSV, with a JSON record of what it was built from.
import type { Client } from '@temporalio/client';
import ExcelJS from 'exceljs';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PROGRESS_COLUMNS, progressRow, type CaseSnapshotView } from '../../machines/progress-table';
import { caseStateQuery, type CaseState } from '../../workflows/messages';
import { addTableSheet, writeTableCsv, writeWorkbook, type Table } from './spreadsheet';
import { countsAsComplete } from '../../machines/case-view';

type Lang = 'zh' | 'en';

export interface MonthlyReportRequest {
  district: string;
  /** YYYY-MM */
  month: string;
  /** The cases to report on (the district workflow's list, or a visibility listing). */
  caseIds: string[];
  /** The instant the table stands for (the scheduled report instant, or now). */
  asOf: string;
  /** The date the report is due, when it is the scheduled one. */
  reportDate?: string;
  /** Why the report date is not the 25th, when it is not. */
  moved?: { zh: string; en: string };
  /** How the case list was obtained. */
  source: 'districtWorkflow' | 'visibility';
  /** The district workflow's id and run, when it asked for the report. */
  requestedBy?: { workflowId: string; runId: string };
  lang?: Lang;
  /** On demand: list cases that do not answer instead of failing. */
  listUnreadable?: boolean;
}

export interface BuiltFrom {
  source: MonthlyReportRequest['source'];
  requestedBy?: MonthlyReportRequest['requestedBy'];
  cases: Array<{ caseId: string; runId?: string; definitionVersion: string; status: string; stage: string }>;
  /** Cases named in the list that no longer exist. */
  missing: string[];
  /** Cases that did not answer (on-demand reports only). */
  unreadable: string[];
  definitionVersions: string[];
}

export interface MonthlyReport {
  district: string;
  month: string;
  asOf: string;
  reportDate?: string;
  lang: Lang;
  total: number;
  completed: number;
  allComplete: boolean;
  builtFrom: BuiltFrom;
  table: Table;
}

const QUERY_CONCURRENCY = 16;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; code?: number };
  return e?.name === 'WorkflowNotFoundError' || e?.code === 5;
}

export interface ReadOptions {
  /**
   * On demand (CLI): a case that does not answer within `timeoutMs` (e.g. no worker polls its task
   * queue) is listed as unreadable instead of failing the whole report. The scheduled report
   * leaves this off: its activity fails and Temporal retries it until every case answers.
   */
  listUnreadable?: boolean;
  timeoutMs?: number;
}

/** Queries every case and its current run id; cases that no longer exist are listed, not fatal. */
export async function readCases(
  client: Client,
  caseIds: readonly string[],
  opts: ReadOptions = {},
): Promise<{ states: Array<CaseState & { runId?: string }>; missing: string[]; unreadable: string[] }> {
  const missing: string[] = [];
  const unreadable: string[] = [];
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const results = await mapLimit([...new Set(caseIds)], QUERY_CONCURRENCY, async (id): Promise<(CaseState & { runId?: string }) | undefined> => {
    const handle = client.workflow.getHandle(id);
    try {
      const [state, description] = await client.connection.withDeadline(Date.now() + timeoutMs, () => Promise.all([handle.query(caseStateQuery), handle.describe()]));
      return { ...state, runId: description.runId };
    } catch (err) {
      if (isNotFound(err)) {
        missing.push(id);
        return undefined;
      }
      if (opts.listUnreadable) {
        unreadable.push(id);
        return undefined;
      }
      throw err;
    }
  });
  const states = results.filter((s) => s !== undefined);
  // A stable order: the plan's order is not known here, so by enterprise credit code.
  states.sort((a, b) => a.context.parties.creditCode.localeCompare(b.context.parties.creditCode));
  return { states, missing: missing.sort(), unreadable: unreadable.sort() };
}

function shanghaiTime(iso: string): string {
  return `${new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')} (UTC+8)`;
}

/** The table of a district's cases as they stand now. */
export async function buildMonthlyReport(client: Client, req: MonthlyReportRequest): Promise<MonthlyReport> {
  const lang = req.lang ?? 'zh';
  const { states, missing, unreadable } = await readCases(client, req.caseIds, { listUnreadable: req.listUnreadable });
  const other = states.filter((s) => s.context.parties.district !== req.district);
  if (other.length) throw new Error(`案件 ${other.map((s) => s.caseId).join(', ')} 不属于 ${req.district} (cases not of district ${req.district})`);
  // §四(三) "直至所有移交任务完成": a handed-over case is complete, its transition period shown beside it (machines/case-view).
  const completed = states.filter((s) => s.status === 'done' || countsAsComplete(s.stage)).length;
  const allComplete = states.length > 0 && completed === states.length;
  const versions = [...new Set(states.map((s) => s.definitionVersion))].sort();
  const builtFrom: BuiltFrom = {
    source: req.source,
    ...(req.requestedBy ? { requestedBy: req.requestedBy } : {}),
    cases: states.map((s) => ({ caseId: s.caseId, runId: s.runId, definitionVersion: s.definitionVersion, status: s.status, stage: s.stage })),
    missing,
    unreadable,
    definitionVersions: versions,
  };
  const zh = lang === 'zh';
  const sourceText = zh
    ? `${states.length} 件案件的实时状态（caseState 查询，${req.source === 'districtWorkflow' ? '区县报表流程登记的案件' : '按区县检索的案件'}）；流程定义版本 ${versions.join('、') || '—'}${missing.length ? `；${missing.length} 件已不存在：${missing.join('、')}` : ''}${unreadable.length ? `；${unreadable.length} 件未能读取（无工作进程应答）：${unreadable.join('、')}` : ''}`
    : `live state of ${states.length} case(s) (caseState queries, ${req.source === 'districtWorkflow' ? 'cases registered with the district report workflow' : 'cases listed by district'}); definition version ${versions.join(', ') || '—'}${missing.length ? `; ${missing.length} no longer exist: ${missing.join(', ')}` : ''}${unreadable.length ? `; ${unreadable.length} did not answer (no worker): ${unreadable.join(', ')}` : ''}`;
  const headerBlock: Array<[string, string]> = [
    [zh ? '报告月份' : 'Report month', req.month],
    [zh ? '区县' : 'District', req.district],
    ...(req.reportDate ? [[zh ? '报送日期' : 'Report date', req.moved ? `${req.reportDate}（${req.moved[lang]}）` : req.reportDate] as [string, string]] : []),
    [zh ? '数据时点' : 'As of', shanghaiTime(req.asOf)],
    [zh ? '数据来源' : 'Built from', sourceText],
    ...(req.requestedBy ? [[zh ? '报表流程' : 'Report workflow', `${req.requestedBy.workflowId} / ${req.requestedBy.runId}`] as [string, string]] : []),
    [zh ? '完成情况' : 'Progress', zh ? `${completed}/${states.length} 件已完成${allComplete ? '；全部完成，本表为最后一期' : ''}` : `${completed}/${states.length} complete${allComplete ? '; all complete, this is the last table' : ''}`],
  ];
  const rows = states.map((s, i) => {
    const row = progressRow(s as CaseSnapshotView, i + 1, lang, Date.parse(req.asOf));
    return PROGRESS_COLUMNS.map((c) => row[c.key]);
  });
  const table: Table = {
    title: zh ? `社区管理职能分离移交工作进度表（${req.district} ${req.month}）` : `Handover progress table (${req.district}, ${req.month})`,
    sheetName: zh ? '进度表' : 'Progress',
    headerBlock,
    columns: PROGRESS_COLUMNS.map((c) => ({ header: c[lang], width: c.width })),
    rows,
  };
  return { district: req.district, month: req.month, asOf: req.asOf, reportDate: req.reportDate, lang, total: states.length, completed, allComplete, builtFrom, table };
}

export interface ReportFiles {
  xlsx: string;
  csv: string;
  json: string;
}

/** `<reportsDir>/<district>/<YYYY-MM>.{xlsx,csv,json}`. */
export function monthlyReportPaths(reportsDir: string, district: string, month: string): ReportFiles {
  const base = join(reportsDir, district, month);
  return { xlsx: `${base}.xlsx`, csv: `${base}.csv`, json: `${base}.json` };
}

/** Writes the table as .xlsx (with a second sheet listing every case and run it was built from), CSV and JSON. */
export async function writeMonthlyReport(report: MonthlyReport, files: ReportFiles, builtAt: string): Promise<void> {
  const zh = report.lang === 'zh';
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'handover';
  addTableSheet(workbook, report.table);
  addTableSheet(workbook, {
    title: zh ? '数据来源' : 'Built from',
    sheetName: zh ? '数据来源' : 'Built from',
    headerBlock: [
      [zh ? '数据时点' : 'As of', report.asOf],
      [zh ? '生成时间' : 'Built at', builtAt],
    ],
    columns: [
      { header: zh ? '案件编号' : 'Case id', width: 30 },
      { header: zh ? '运行编号' : 'Run id', width: 40 },
      { header: zh ? '流程定义版本' : 'Definition version', width: 16 },
      { header: zh ? '状态' : 'Status', width: 10 },
      { header: zh ? '阶段' : 'Stage', width: 16 },
    ],
    rows: report.builtFrom.cases.map((c) => [c.caseId, c.runId ?? '', c.definitionVersion, c.status, c.stage]),
  });
  await writeWorkbook(files.xlsx, workbook);
  writeTableCsv(files.csv, report.table);
  mkdirSync(dirname(files.json), { recursive: true });
  const { table, ...record } = report;
  writeFileSync(files.json, JSON.stringify({ ...record, builtAt, files: { xlsx: files.xlsx, csv: files.csv }, columns: table.columns.map((c) => c.header), rows: table.rows }, null, 2));
}
