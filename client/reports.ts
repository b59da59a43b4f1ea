// Reports on demand: a district's monthly progress table now, and the year-end summary per district
// with the city roll-up. Cases are found through visibility (the HandoverDistrict search attribute)
// and read with the `caseState` and `timeline` queries.
import type { Client } from '@temporalio/client';
import ExcelJS from 'exceljs';
import { lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { buildMonthlyReport, readCases, type MonthlyReport } from '../activities/reports/monthly';
import { addTableSheet, visibleText, writeTableCsv, writeWorkbook, type Table } from '../activities/reports/spreadsheet';
import { DISTRICTS, isKnownDistrict } from '../machines/districts';
import { countsAsComplete } from '../machines/case-view';
import { PROGRESS_COLUMNS, SUMMARY_COLUMNS, cityTotal, progressRow, summarise, type SummaryCase, type SummaryCounts } from '../machines/progress-table';
import { isMonth, reportDayOf } from '../machines/report-schedule';
import { DEFAULT_SETTINGS } from '../machines/settings';
import { timelineQuery } from '../workflows/messages';
import { InvalidInputError } from './errors';
import { caseListQuery } from './case-list';

type Lang = 'zh' | 'en';

/** The ids of every case (or every case of one district) known to visibility. */
export async function listCaseIds(client: Client, district?: string): Promise<string[]> {
  const ids = new Set<string>();
  for await (const wf of client.workflow.list({ query: caseListQuery({ district }) })) ids.add(wf.workflowId);
  return [...ids].sort();
}

function checkDistrict(district: string): void {
  if (!isKnownDistrict(district)) {
    throw new InvalidInputError([{ path: 'district', message: `未知区县“${district}” (unknown district "${district}")` }], { zh: '报表参数', en: 'report options' });
  }
}

export interface MonthlyReportOptions {
  district: string;
  month: string;
  /** The .xlsx to write; a CSV with the same name is written beside it. */
  out: string;
  lang?: Lang;
  /** The instant the table stands for; default now. */
  now?: Date;
}

/** Builds a district's progress table now, from the live state of its cases, and writes .xlsx and .csv. */
export async function monthlyReportNow(client: Client, opts: MonthlyReportOptions): Promise<{ report: MonthlyReport; files: { xlsx: string; csv: string } }> {
  checkDistrict(opts.district);
  if (!isMonth(opts.month)) throw new InvalidInputError([{ path: 'month', message: `月份应为 YYYY-MM：${opts.month} (a month is YYYY-MM)` }], { zh: '报表参数', en: 'report options' });
  if (extname(opts.out).toLowerCase() !== '.xlsx') throw new InvalidInputError([{ path: 'out', message: '输出文件应以 .xlsx 结尾 (the output file must end in .xlsx)' }], { zh: '报表参数', en: 'report options' });
  const caseIds = await listCaseIds(client, opts.district);
  const day = reportDayOf(opts.month, DEFAULT_SETTINGS.monthlyReportOnNonWorkingDay);
  const report = await buildMonthlyReport(client, {
    district: opts.district,
    month: opts.month,
    caseIds,
    asOf: (opts.now ?? new Date()).toISOString(),
    reportDate: day.date,
    moved: day.moved?.reason,
    source: 'visibility',
    lang: opts.lang,
    listUnreadable: true,
  });
  const files = { xlsx: opts.out, csv: opts.out.replace(/\.xlsx$/i, '.csv') };
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'handover';
  addTableSheet(workbook, report.table);
  await writeWorkbook(files.xlsx, workbook);
  writeTableCsv(files.csv, report.table);
  return { report, files };
}

export interface SummaryOptions {
  year: number;
  district?: string;
  /** .xlsx (a Markdown page is written beside it), .md or .html */
  out: string;
  lang?: Lang;
  now?: Date;
}

export interface YearSummary {
  year: number;
  asOf: string;
  lang: Lang;
  districts: SummaryCounts[];
  /** The city roll-up; absent for a one-district summary. */
  city?: SummaryCounts;
  cases: number;
  /** Cases that did not answer their queries (no worker): left out, and named in the summary. */
  unreadable: string[];
  files: string[];
}

/** The date a case reached `completed`, from its timeline. */
export async function completedOn(client: Client, caseId: string): Promise<string | undefined> {
  const timeline = await client.workflow.getHandle(caseId).query(timelineQuery);
  const entry = timeline.find((t) => t.after.includes('completed'));
  return entry ? (entry.occurredOn ?? entry.at.slice(0, 10)) : undefined;
}

export async function yearSummary(client: Client, opts: SummaryOptions): Promise<YearSummary> {
  const lang = opts.lang ?? 'zh';
  const zh = lang === 'zh';
  if (!Number.isInteger(opts.year) || opts.year < 2017 || opts.year > 9999) {
    throw new InvalidInputError([{ path: 'year', message: `年份应为 2017 至 9999 的整数：${opts.year} (a year from 2017 to 9999)` }], { zh: '报表参数', en: 'report options' });
  }
  if (opts.district) checkDistrict(opts.district);
  const ext = extname(opts.out).toLowerCase();
  if (!['.xlsx', '.md', '.html'].includes(ext)) {
    throw new InvalidInputError([{ path: 'out', message: '输出文件应以 .xlsx、.md 或 .html 结尾 (the output file must end in .xlsx, .md or .html)' }], { zh: '报表参数', en: 'report options' });
  }
  const asOf = (opts.now ?? new Date()).toISOString();
  const { states, unreadable } = await readCases(client, await listCaseIds(client, opts.district), { listUnreadable: true });
  const byDistrict = new Map<string, SummaryCase[]>();
  for (const s of states) {
    const list = byDistrict.get(s.context.parties.district) ?? [];
    list.push({ state: s, completedOn: countsAsComplete(s.stage) ? (s.context.handedOverOn ?? (await completedOn(client, s.caseId))) : undefined });
    byDistrict.set(s.context.parties.district, list);
  }
  const names = opts.district ? [opts.district] : DISTRICTS.filter((d) => byDistrict.has(d));
  const districts = names.map((d) => summarise(d, byDistrict.get(d) ?? [], opts.year));
  const city = opts.district ? undefined : cityTotal(districts, zh ? '全市' : 'City');
  const summary: YearSummary = { year: opts.year, asOf, lang, districts, city, cases: states.length, unreadable, files: [] };

  const scope = opts.district ?? (zh ? '全市' : 'city');
  const title = zh ? `${opts.year} 年社区管理职能分离移交工作年度总结（${scope}）` : `Handover year-end summary ${opts.year} (${scope})`;
  const note = zh
    ? `阶段、已完成、逾期为生成时的实时状态；本年完成、升级协调、协调结果、重大问题按 ${opts.year} 年内的日期统计；设施面积与人数计已签订协议（已移交）的案件。`
    : `Stages, completed and overdue are the live state when built; completions, escalations, outcomes and major problems count when dated in ${opts.year}; area and people count cases handed over (agreement signed).`;
  const rows = [...districts, ...(city ? [city] : [])];
  const table: Table = {
    title,
    sheetName: zh ? '年度汇总' : 'Summary',
    headerBlock: [
      [zh ? '年度' : 'Year', String(opts.year)],
      [zh ? '数据时点' : 'As of', asOf],
      [
        zh ? '数据来源' : 'Built from',
        zh
          ? `${states.length} 件案件的实时状态（caseState、timeline 查询）${unreadable.length ? `；${unreadable.length} 件未能读取：${unreadable.join('、')}` : ''}`
          : `live state of ${states.length} case(s) (caseState and timeline queries)${unreadable.length ? `; ${unreadable.length} did not answer: ${unreadable.join(', ')}` : ''}`,
      ],
      [zh ? '说明' : 'Note', note],
    ],
    columns: SUMMARY_COLUMNS.map((c) => ({ header: c[lang], width: 12 })),
    rows: rows.map((r) => SUMMARY_COLUMNS.map((c) => c.value(r))),
  };

  const base = opts.out.slice(0, opts.out.length - ext.length);
  if (ext === '.xlsx') {
    const workbook = new ExcelJS.Workbook();
    workbook.creator = 'handover';
    addTableSheet(workbook, table);
    addTableSheet(workbook, {
      title: zh ? '案件明细' : 'Cases',
      sheetName: zh ? '案件明细' : 'Cases',
      headerBlock: [[zh ? '数据时点' : 'As of', asOf]],
      columns: PROGRESS_COLUMNS.map((c) => ({ header: c[lang], width: c.width })),
      rows: states.map((s, i) => {
        const row = progressRow(s, i + 1, lang, Date.parse(asOf));
        return PROGRESS_COLUMNS.map((c) => row[c.key]);
      }),
    });
    await writeWorkbook(opts.out, workbook);
    summary.files.push(opts.out);
    writeText(`${base}.md`, markdown(table));
    summary.files.push(`${base}.md`);
  } else if (ext === '.md') {
    writeText(opts.out, markdown(table));
    summary.files.push(opts.out);
  } else {
    writeText(opts.out, html(table, lang));
    summary.files.push(opts.out);
  }
  return summary;
}

function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, 'utf8');
}

function mdCell(v: unknown): string {
  return visibleText(String(v ?? '')).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function markdown(table: Table): string {
  const lines = [`# ${mdCell(table.title)}`, ''];
  for (const [k, v] of table.headerBlock) lines.push(`- **${mdCell(k)}**：${mdCell(v)}`);
  lines.push('', `| ${table.columns.map((c) => mdCell(c.header)).join(' | ')} |`, `|${table.columns.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
  for (const r of table.rows) lines.push(`| ${r.map(mdCell).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

function esc(v: unknown): string {
  return visibleText(String(v ?? '')).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function html(table: Table, lang: Lang): string {
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${esc(table.title)}</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:2em}table{border-collapse:collapse}th,td{border:1px solid #999;padding:4px 8px}td{text-align:right}td:first-child{text-align:left}th{background:#ddebf7}tr:last-child{font-weight:bold}</style>
</head><body>
<h1>${esc(table.title)}</h1>
<dl>${table.headerBlock.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
<table><thead><tr>${table.columns.map((c) => `<th>${esc(c.header)}</th>`).join('')}</tr></thead>
<tbody>${table.rows.map((r) => `<tr>${r.map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`).join('\n')}</tbody></table>
</body></html>
`;
}

/** The types of the files a report folder may hold, as they are served. Anything else is not a report. */
export const REPORT_TYPES: Readonly<Record<string, string>> = {
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json',
  '.md': 'text/markdown; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.pdf': 'application/pdf',
};

export interface ReportEntry {
  district: string;
  file: string;
  size: number;
  modifiedAt: string;
  contentType: string;
  /** Absolute path of the file, taken from the directory listing (never built from a request). */
  path: string;
}

/**
 * The report index: every report file under `<reportsDir>/<district>/` for the known districts in `scope` ('*' for
 * all). Only known district names are looked up, only regular files (no links, folders or hidden or temporary files)
 * with a report type are listed. A download serves an entry of this index or nothing, so a name that is not listed
 * is never looked up on disk and an unknown file cannot be told from one the caller may not see.
 */
export function reportIndex(reportsDir: string, scope: '*' | readonly string[]): ReportEntry[] {
  const root = resolve(reportsDir);
  const districts = scope === '*' ? DISTRICTS : DISTRICTS.filter((d) => scope.includes(d));
  const out: ReportEntry[] = [];
  for (const district of districts) {
    let names: string[];
    try {
      names = readdirSync(join(root, district));
    } catch {
      continue; // no reports for this district yet
    }
    for (const file of names) {
      const type = REPORT_TYPES[extname(file).toLowerCase()];
      if (!type || file.startsWith('.') || file.endsWith('.tmp')) continue;
      const path = join(root, district, file);
      let st;
      try {
        st = lstatSync(path);
      } catch {
        continue;
      }
      if (!st.isFile()) continue;
      out.push({ district, file, size: st.size, modifiedAt: st.mtime.toISOString(), contentType: type, path });
    }
  }
  return out.sort((a, b) => b.modifiedAt.localeCompare(a.modifiedAt) || a.district.localeCompare(b.district) || a.file.localeCompare(b.file));
}

/** The index entry for exactly this district and file name, if the caller's scope lists it. */
export function findReport(reportsDir: string, scope: '*' | readonly string[], district: string, file: string): ReportEntry | undefined {
  if (!isKnownDistrict(district) || (scope !== '*' && !scope.includes(district))) return undefined;
  return reportIndex(reportsDir, [district]).find((r) => r.file === file);
}
