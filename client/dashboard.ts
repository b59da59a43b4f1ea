// The city and district dashboard (issue 12 item 3): per district, cases by stage, handed over / planned, overdue and
// the next deadlines; progress over time. Built from the same code as the monthly progress table (附件2) and the
// year-end summary: the cases are listed and read like the monthly table (client/reports.ts listCaseIds,
// activities/reports/monthly.ts readCases) and counted by machines/progress-table.ts `summarise` and `progressRow`,
// so the dashboard and the tables cannot disagree on the same cases.
import type { Client } from '@temporalio/client';
import ExcelJS from 'exceljs';
import { readCases } from '../activities/reports/monthly';
import { addTableSheet, type Table } from '../activities/reports/spreadsheet';
import { STAGES, STAGE_LABELS, countsAsComplete, type Stage } from '../machines/case-view';
import { DISTRICTS } from '../machines/districts';
import { DEADLINE_LABELS } from '../machines/labels';
import { SUMMARY_COLUMNS, cityTotal, progressRow, summarise, type CaseSnapshotView, type SummaryCase, type SummaryCounts } from '../machines/progress-table';
import { completedOn, listCaseIds } from './reports';

type Lang = 'zh' | 'en';
type Localized = { zh: string; en: string };

/** One district's figures: the year-end summary's counts, plus the dashboard's own views of the same cases. */
export interface DistrictFigures extends SummaryCounts {
  /** Cases handed over (agreement signed or handover declared: `handedOverOn`), as the summary counts area and people. */
  handedOver: number;
  /** Cases of the plan (every case is a plan-table row). */
  planned: number;
  /** Cases whose agreement is signed (the monthly table's 协议签订日期 filled in). */
  agreementSigned: number;
  /** The monthly table's 协议是否逾期 column: overdue now, or the agreement signed late. */
  agreementOverdue: number;
}

export interface NextDeadline {
  caseId: string;
  enterprise: string;
  district: string;
  stage: Stage;
  kind: string;
  label: Localized;
  due: string;
  dueAt: string;
  overdue: boolean;
}

export interface ProgressSeries {
  /** YYYY-MM, oldest first, up to the month of `asOf`. */
  months: string[];
  /** Cumulative counts at the end of each month. */
  workPlanAgreed: number[];
  agreementSigned: number[];
  handedOver: number[];
  completed: number[];
  /** Cases whose planned completion (plan table) falls in or before the month. */
  plannedCompletion: number[];
}

export interface Dashboard {
  asOf: string;
  year: number;
  /** 'city' when every district is in scope, else the one district. */
  scope: string;
  districts: DistrictFigures[];
  /** The roll-up of the districts shown. */
  total: DistrictFigures;
  nextDeadlines: NextDeadline[];
  progress: ProgressSeries;
  /** Cases that did not answer their query (no worker): left out, and named. */
  unreadable: string[];
  cases: number;
}

export interface DashboardOptions {
  /** '*' for every district (city bodies), else the districts the caller may see. */
  scope: '*' | readonly string[];
  /** Narrow to one district (must be in scope). */
  district?: string;
  /** The year dated facts are counted in; default the year of `now` in Beijing. */
  year?: number;
  now?: Date;
  /** How many upcoming deadlines to list; default 20. */
  nextDeadlines?: number;
}

const beijingDate = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/** The figures of one district from its read cases (pure, for tests and the route). */
export function districtFigures(district: string, cases: readonly SummaryCase[], year: number): DistrictFigures {
  const counts = summarise(district, cases, year);
  let handedOver = 0;
  let agreementOverdue = 0;
  let agreementSigned = 0;
  for (const { state } of cases) {
    if (state.context.handedOverOn) handedOver++;
    // The very cells the monthly table shows, in the table's own words.
    const row = progressRow(state, 0, 'en');
    if (row.agreementOverdue === 'yes') agreementOverdue++;
    if (row.agreementSignedOn !== '') agreementSigned++;
  }
  return { ...counts, handedOver, planned: counts.cases, agreementSigned, agreementOverdue };
}

function addFigures(into: DistrictFigures, d: DistrictFigures): DistrictFigures {
  return {
    ...into,
    handedOver: into.handedOver + d.handedOver,
    planned: into.planned + d.planned,
    agreementSigned: into.agreementSigned + d.agreementSigned,
    agreementOverdue: into.agreementOverdue + d.agreementOverdue,
  };
}

/** Cumulative monthly counts of plan agreed, handed over, completed and planned completion (pure). */
export function progressSeries(cases: readonly SummaryCase[], asOf: Date): ProgressSeries {
  const last = beijingDate(asOf).slice(0, 7);
  const dated = cases.map(({ state, completedOn }) => ({
    plan: state.context.workPlan.agreedOn?.slice(0, 7),
    signed: state.context.agreement.signedOn?.slice(0, 7),
    handed: state.context.handedOverOn?.slice(0, 7),
    done: countsAsComplete(state.stage) ? (state.context.handedOverOn ?? completedOn ?? last).slice(0, 7) : undefined,
    planned: state.context.plannedCompletion?.slice(0, 7),
    started: state.context.startedAt.slice(0, 7),
  }));
  let first = last;
  for (const d of dated) for (const m of [d.plan, d.signed, d.handed, d.done, d.started]) if (m && m < first) first = m;
  // At most ten years back: a dashboard, not an archive.
  const floor = `${Number(last.slice(0, 4)) - 10}${last.slice(4)}`;
  if (first < floor) first = floor;
  const months: string[] = [];
  let [y, m] = first.split('-').map(Number) as [number, number];
  for (let month = first; month <= last; month = `${y}-${String(m).padStart(2, '0')}`) {
    months.push(month);
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  const upTo = (pick: (d: (typeof dated)[number]) => string | undefined) => months.map((month) => dated.filter((d) => { const v = pick(d); return v !== undefined && v <= month; }).length);
  return { months, workPlanAgreed: upTo((d) => d.plan), agreementSigned: upTo((d) => d.signed), handedOver: upTo((d) => d.handed), completed: upTo((d) => d.done), plannedCompletion: upTo((d) => d.planned) };
}

/** The nearest deadlines of active cases, soonest first (overdue ones first of all). */
export function nextDeadlines(states: readonly CaseSnapshotView[], limit: number): NextDeadline[] {
  const out: NextDeadline[] = [];
  for (const s of states) {
    const next = s.nextDeadline;
    if (s.status !== 'active' || !next?.deadline) continue;
    out.push({
      caseId: s.caseId,
      enterprise: s.context.enterpriseName,
      district: s.context.parties.district,
      stage: s.stage,
      kind: next.deadline.kind,
      label: DEADLINE_LABELS[next.deadline.kind],
      due: next.deadline.due,
      dueAt: next.dueAt,
      overdue: s.overdue,
    });
  }
  return out.sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.caseId.localeCompare(b.caseId)).slice(0, limit);
}

/** Reads the cases in scope now and builds the dashboard. */
export async function buildDashboard(client: Client, opts: DashboardOptions): Promise<Dashboard> {
  const now = opts.now ?? new Date();
  const year = opts.year ?? Number(beijingDate(now).slice(0, 4));
  const scoped = opts.district ? [opts.district] : opts.scope === '*' ? undefined : [...opts.scope];
  // One visibility listing for the city; one per district otherwise (as the monthly table lists its district).
  const ids = scoped ? (await Promise.all(scoped.map((d) => listCaseIds(client, d)))).flat() : await listCaseIds(client);
  const { states, unreadable } = await readCases(client, ids, { listUnreadable: true });
  const byDistrict = new Map<string, SummaryCase[]>();
  const all: SummaryCase[] = [];
  for (const s of states) {
    const one: SummaryCase = { state: s, completedOn: countsAsComplete(s.stage) ? (s.context.handedOverOn ?? (await completedOn(client, s.caseId))) : undefined };
    all.push(one);
    const list = byDistrict.get(s.context.parties.district) ?? [];
    list.push(one);
    byDistrict.set(s.context.parties.district, list);
  }
  const names = scoped ?? DISTRICTS.filter((d) => byDistrict.has(d));
  const districts = names.map((d) => districtFigures(d, byDistrict.get(d) ?? [], year));
  const base = cityTotal(districts, scoped?.length === 1 ? scoped[0] : '全市');
  const total = districts.reduce(addFigures, { ...base, handedOver: 0, planned: 0, agreementSigned: 0, agreementOverdue: 0 });
  return {
    asOf: now.toISOString(),
    year,
    scope: scoped?.length === 1 ? scoped[0]! : 'city',
    districts,
    total,
    nextDeadlines: nextDeadlines(states, opts.nextDeadlines ?? 20),
    progress: progressSeries(all, now),
    unreadable,
    cases: states.length,
  };
}

/** The columns of the district table, shared by the page (through the API) and the workbook. */
export const DASHBOARD_COLUMNS: ReadonlyArray<{ key: string; zh: string; en: string; value: (d: DistrictFigures) => string | number }> = [
  { key: 'district', zh: '区县', en: 'District', value: (d) => d.district },
  { key: 'planned', zh: '计划移交（件）', en: 'Planned', value: (d) => d.planned },
  { key: 'agreementSigned', zh: '已签协议（件）', en: 'Agreement signed', value: (d) => d.agreementSigned },
  { key: 'handedOver', zh: '已移交（件）', en: 'Handed over', value: (d) => d.handedOver },
  ...STAGES.map((st) => ({ key: `stage.${st}`, zh: `${STAGE_LABELS[st].zh}阶段`, en: `Stage: ${STAGE_LABELS[st].en}`, value: (d: DistrictFigures) => d.byStage[st] })),
  { key: 'overdue', zh: '逾期', en: 'Overdue', value: (d) => d.overdue },
  { key: 'agreementOverdue', zh: '协议逾期', en: 'Agreement overdue', value: (d) => d.agreementOverdue },
  { key: 'completedThisYear', zh: '本年完成', en: 'Completed this year', value: (d) => d.completedThisYear },
  { key: 'peopleTransferred', zh: '移交人数', en: 'People transferred', value: (d) => d.peopleTransferred },
  { key: 'facilityAreaM2', zh: '移交设施面积（㎡）', en: 'Facility area (m²)', value: (d) => d.facilityAreaM2 },
];

/** The same figures as a workbook: the district table, the year-end summary's columns, next deadlines, progress. */
export async function dashboardWorkbook(d: Dashboard, lang: Lang = 'zh'): Promise<Buffer> {
  const zh = lang === 'zh';
  const header: Array<[string, string]> = [
    [zh ? '范围' : 'Scope', d.scope === 'city' ? (zh ? '全市' : 'city') : d.scope],
    [zh ? '数据时点' : 'As of', d.asOf],
    [zh ? '年度' : 'Year', String(d.year)],
    [zh ? '数据来源' : 'Built from', zh ? `${d.cases} 件案件的实时状态（与进度表、年度总结同一计算）${d.unreadable.length ? `；${d.unreadable.length} 件未能读取：${d.unreadable.join('、')}` : ''}` : `live state of ${d.cases} case(s), computed as the progress table and summary${d.unreadable.length ? `; ${d.unreadable.length} did not answer: ${d.unreadable.join(', ')}` : ''}`],
  ];
  const rows = [...d.districts, ...(d.districts.length > 1 ? [{ ...d.total, district: zh ? '合计' : 'Total' }] : [])];
  const tables: Table[] = [
    {
      title: zh ? '社区管理职能分离移交 工作看板' : 'Handover dashboard',
      sheetName: zh ? '看板' : 'Dashboard',
      headerBlock: header,
      columns: DASHBOARD_COLUMNS.map((c) => ({ header: c[lang], width: 12 })),
      rows: rows.map((r) => DASHBOARD_COLUMNS.map((c) => c.value(r))),
    },
    {
      title: zh ? '年度汇总口径' : 'Summary columns',
      sheetName: zh ? '年度汇总' : 'Summary',
      headerBlock: header,
      columns: SUMMARY_COLUMNS.map((c) => ({ header: c[lang], width: 12 })),
      rows: rows.map((r) => SUMMARY_COLUMNS.map((c) => c.value(r))),
    },
    {
      title: zh ? '临近期限' : 'Next deadlines',
      sheetName: zh ? '临近期限' : 'Next deadlines',
      headerBlock: [[zh ? '数据时点' : 'As of', d.asOf]],
      columns: [zh ? '到期日' : 'Due', zh ? '期限' : 'Deadline', zh ? '企业' : 'Enterprise', zh ? '区县' : 'District', zh ? '阶段' : 'Stage', zh ? '逾期' : 'Overdue', zh ? '案件编号' : 'Case'].map((h) => ({ header: h, width: 16 })),
      rows: d.nextDeadlines.map((n) => [n.due, n.label[lang], n.enterprise, n.district, STAGE_LABELS[n.stage][lang], n.overdue ? (zh ? '是' : 'yes') : zh ? '否' : 'no', n.caseId]),
    },
    {
      title: zh ? '进展（累计，件）' : 'Progress (cumulative cases)',
      sheetName: zh ? '进展' : 'Progress',
      headerBlock: [[zh ? '数据时点' : 'As of', d.asOf]],
      columns: [zh ? '月份' : 'Month', zh ? '方案达成' : 'Plan agreed', zh ? '已签协议' : 'Agreement signed', zh ? '已移交' : 'Handed over', zh ? '已完成' : 'Completed', zh ? '计划完成' : 'Planned completion'].map((h) => ({ header: h, width: 14 })),
      rows: d.progress.months.map((m, i) => [m, d.progress.workPlanAgreed[i]!, d.progress.agreementSigned[i]!, d.progress.handedOver[i]!, d.progress.completed[i]!, d.progress.plannedCompletion[i]!]),
    },
  ];
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'handover';
  for (const t of tables) addTableSheet(workbook, t);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
