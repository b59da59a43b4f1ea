// The plan table (附件1, §一(一)): its columns as officials head them, the validation of every row, and the
// rows grouped into cases: one case per enterprise and district (the agreement's parties, §三(三)), holding the
// residential areas its rows list. Pure: the spreadsheet is read elsewhere (client/import/plan-file.ts) and
// handed over as header texts and cell values; every problem is reported with its row and column.
import { MAX_RESIDENTIAL_AREAS, caseIdFor, parseCaseOpening, type CaseOpening } from './case-input';
import { parseIsoDate } from './calendar';
import { creditCodeProblem } from './credit-code';
import { isKnownDistrict } from './districts';

export type PlanField = 'district' | 'enterpriseName' | 'creditCode' | 'residentialArea' | 'people' | 'plannedCompletion' | 'township' | 'parentGroup';

export interface PlanColumn {
  field: PlanField;
  /** The header written in the sample plan and in error messages. */
  header: { zh: string; en: string };
  /** Other headers officials use for the same column (compared after normalisation). */
  aliases: string[];
  required: boolean;
}

export const PLAN_COLUMNS: readonly PlanColumn[] = [
  { field: 'district', header: { zh: '区县', en: 'district' }, aliases: ['区县名称', '所属区县', '区（县）', '区县（自治县）', 'district'], required: true },
  { field: 'enterpriseName', header: { zh: '企业名称', en: 'enterprise name' }, aliases: ['移交企业', '企业', '企业全称', 'enterprise', 'enterprisename'], required: true },
  { field: 'creditCode', header: { zh: '统一社会信用代码', en: 'credit code' }, aliases: ['信用代码', '社会信用代码', 'creditcode', 'unifiedsocialcreditcode'], required: true },
  {
    field: 'residentialArea',
    header: { zh: '职工家属区（社区）名称', en: 'residential area' },
    aliases: ['职工家属区', '职工家属区名称', '社区名称', '家属区名称', '职工家属区（社区）', 'residentialarea', 'community'],
    required: true,
  },
  { field: 'people', header: { zh: '职工及家属人数', en: 'workers and family members' }, aliases: ['职工家属人数', '人数', '移交人数', '职工及家属人数（人）', 'people'], required: true },
  { field: 'plannedCompletion', header: { zh: '计划完成时间', en: 'planned completion' }, aliases: ['计划完成日期', '完成时间', '计划完成', 'plannedcompletion'], required: true },
  { field: 'township', header: { zh: '接收街道（乡镇）', en: 'receiving township' }, aliases: ['接收主体', '接收街道', '接收乡镇', '街道（乡镇）', 'township'], required: false },
  { field: 'parentGroup', header: { zh: '上级集团公司', en: 'parent group' }, aliases: ['企业上级集团公司', '集团公司', 'parentgroup'], required: false },
];

/** Headers that are recognised and deliberately ignored (a running number, remarks). */
const IGNORED_HEADERS = ['序号', '备注', 'no', 'remarks', 'note'];

/** The most rows one plan file may hold (the city's whole plan is a few hundred). */
export const MAX_PLAN_ROWS = 5_000;

/** Full-width brackets and spaces to their plain forms, required-markers and spacing removed, lower case. */
export function normaliseHeader(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\s*＊:：]/g, '')
    .replace(/[（(]/g, '（')
    .replace(/[）)]/g, '）')
    .toLowerCase();
}

const HEADER_INDEX = new Map<string, PlanField>();
for (const c of PLAN_COLUMNS) for (const h of [c.header.zh, ...c.aliases]) HEADER_INDEX.set(normaliseHeader(h), c.field);

export interface PlanProblem {
  /** 1-based spreadsheet row; 0 for problems with the file itself. */
  row: number;
  /** Spreadsheet column letter (A, B, …) when known. */
  column?: string;
  /** The column header as written in the file, or the field's own header. */
  header?: string;
  field?: PlanField;
  message: { zh: string; en: string };
}

export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export interface HeaderMap {
  /** Field → 0-based column index. */
  columns: Partial<Record<PlanField, number>>;
  problems: PlanProblem[];
  /** Headers the table has but the engine does not use (reported, not refused). */
  ignored: string[];
}

/** Maps the header row to fields; reports missing required columns, unknown and repeated ones. */
export function mapHeaders(headers: readonly unknown[], headerRow: number): HeaderMap {
  const columns: Partial<Record<PlanField, number>> = {};
  const problems: PlanProblem[] = [];
  const ignored: string[] = [];
  headers.forEach((raw, i) => {
    const text = raw === null || raw === undefined ? '' : String(raw).trim();
    if (text === '') return;
    const key = normaliseHeader(text);
    if (IGNORED_HEADERS.includes(key)) return;
    const field = HEADER_INDEX.get(key);
    if (!field) {
      ignored.push(`${columnLetter(i)}:${text}`);
      return;
    }
    const before = columns[field];
    if (before !== undefined) {
      problems.push({
        row: headerRow,
        column: columnLetter(i),
        header: text,
        field,
        message: { zh: `列“${text}”与第 ${columnLetter(before)} 列重复`, en: `column "${text}" repeats column ${columnLetter(before)}` },
      });
      return;
    }
    columns[field] = i;
  });
  for (const c of PLAN_COLUMNS) {
    if (c.required && columns[c.field] === undefined) {
      problems.push({ row: headerRow, field: c.field, header: c.header.zh, message: { zh: `缺少必填列“${c.header.zh}”`, en: `missing required column "${c.header.en}" (${c.header.zh})` } });
    }
  }
  return { columns, problems, ignored };
}

/** A cell as the reader hands it over: text, a number, or a date the spreadsheet stored as one. */
export type PlanCell = string | number | boolean | Date | null | undefined;

export interface PlanRow {
  /** 1-based spreadsheet row number. */
  row: number;
  cells: readonly PlanCell[];
}

/** One case of the plan: an enterprise in a district, from one or more rows (one per residential area). */
export interface PlanCase {
  caseId: string;
  /** The spreadsheet rows it came from, in the plan's order (the first is where the case is named). */
  rows: number[];
  /** A one-row case opens exactly as before (residentialArea, people); several rows give `residentialAreas`. */
  opening: CaseOpening;
}

export interface PlanValidation {
  /** The cases, in the order of their first row. */
  cases: PlanCase[];
  /** Data rows read (blank lines not counted). */
  rows: number;
  problems: PlanProblem[];
}

/** One valid row: a one-area opening. */
interface ValidatedPlanRow {
  row: number;
  opening: CaseOpening;
}

function cellText(cell: PlanCell): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10);
  return String(cell).trim();
}

/** Dates as officials write them: 2018-06-30, 2018/6/30, 2018.6.30, 2018年6月30日, or a spreadsheet date. */
export function parsePlanDate(cell: PlanCell): string | undefined {
  if (cell instanceof Date) {
    // Spreadsheet dates have no zone: exceljs gives them as UTC midnight of the written day.
    return Number.isNaN(cell.getTime()) ? undefined : cell.toISOString().slice(0, 10);
  }
  const text = cellText(cell);
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text);
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  try {
    parseIsoDate(iso);
    return iso;
  } catch {
    return undefined;
  }
}

/** Validates every data row; all problems are collected, none stops the others from being checked. */
export function validatePlanRows(header: HeaderMap, rows: readonly PlanRow[]): PlanValidation {
  const problems: PlanProblem[] = [];
  const valid: ValidatedPlanRow[] = [];
  const headerOf = (field: PlanField) => PLAN_COLUMNS.find((c) => c.field === field)!.header;
  const has = (field: PlanField) => header.columns[field] !== undefined;
  // A missing column is reported once (mapHeaders), not again on every row.
  const columnMissing = PLAN_COLUMNS.some((c) => c.required && !has(c.field));
  let dataRows = 0;

  for (const r of rows) {
    if (r.cells.every((c) => cellText(c) === '')) continue; // blank lines between blocks are not rows
    dataRows++;
    const before = problems.length;
    const at = (field: PlanField) => {
      const i = header.columns[field];
      return { row: r.row, field, header: headerOf(field).zh, ...(i !== undefined ? { column: columnLetter(i) } : {}) };
    };
    const raw = (field: PlanField): PlanCell => {
      const i = header.columns[field];
      return i === undefined ? undefined : r.cells[i];
    };
    const text = (field: PlanField, max: number, required: boolean): string | undefined => {
      const value = cellText(raw(field));
      if (value === '') {
        if (required && has(field)) problems.push({ ...at(field), message: { zh: `“${headerOf(field).zh}”不能为空`, en: `"${headerOf(field).en}" must not be empty` } });
        return undefined;
      }
      if (value.length > max) {
        problems.push({ ...at(field), message: { zh: `“${headerOf(field).zh}”超过 ${max} 个字符`, en: `"${headerOf(field).en}" is longer than ${max} characters` } });
        return undefined;
      }
      return value;
    };

    const district = text('district', 50, true);
    if (district !== undefined && !isKnownDistrict(district)) {
      problems.push({ ...at('district'), message: { zh: `未知区县“${district}”（应为附件1所列的40个区县之一）`, en: `unknown district "${district}" (must be one of the 40 districts of the plan table)` } });
    }
    const enterpriseName = text('enterpriseName', 200, true);

    let creditCode: string | undefined;
    const rawCode = raw('creditCode');
    if (typeof rawCode === 'number') {
      // An 18-digit code typed into a number cell has already lost its last digits.
      problems.push({
        ...at('creditCode'),
        message: {
          zh: `统一社会信用代码被存为数字（${rawCode}），末位已丢失；请将该列设为文本格式后重新填写`,
          en: `the credit code was stored as a number (${rawCode}) and has lost its last digits; format the column as text and enter it again`,
        },
      });
    } else {
      const code = text('creditCode', 18 + 10, true)?.toUpperCase();
      if (code !== undefined) {
        const problem = creditCodeProblem(code);
        if (problem) problems.push({ ...at('creditCode'), message: problem });
        else {
          creditCode = code;
        }
      }
    }

    const residentialArea = text('residentialArea', 200, true);

    let people: number | undefined;
    const rawPeople = raw('people');
    const peopleText = cellText(rawPeople).replace(/[,，\s]/g, '').replace(/人$/, '');
    if (peopleText === '') {
      if (has('people')) problems.push({ ...at('people'), message: { zh: '“职工及家属人数”不能为空', en: '"workers and family members" must not be empty' } });
    } else {
      const n = typeof rawPeople === 'number' ? rawPeople : /^\d+$/.test(peopleText) ? Number(peopleText) : NaN;
      if (!Number.isInteger(n) || n < 0 || n > 10_000_000) {
        problems.push({ ...at('people'), message: { zh: `“职工及家属人数”应为 0 至 10000000 的整数，收到“${cellText(rawPeople)}”`, en: `"workers and family members" must be an integer from 0 to 10000000, got "${cellText(rawPeople)}"` } });
      } else people = n;
    }

    let plannedCompletion: string | undefined;
    const rawDate = raw('plannedCompletion');
    if (cellText(rawDate) === '') {
      if (has('plannedCompletion')) problems.push({ ...at('plannedCompletion'), message: { zh: '“计划完成时间”不能为空', en: '"planned completion" must not be empty' } });
    } else {
      plannedCompletion = parsePlanDate(rawDate);
      if (!plannedCompletion) {
        problems.push({ ...at('plannedCompletion'), message: { zh: `“计划完成时间”不是有效日期（如 2018-06-30）：“${cellText(rawDate)}”`, en: `"planned completion" is not a valid date (e.g. 2018-06-30): "${cellText(rawDate)}"` } });
      } else if (plannedCompletion < '2017-01-01') {
        problems.push({ ...at('plannedCompletion'), message: { zh: `“计划完成时间”早于2017年：${plannedCompletion}`, en: `"planned completion" is before 2017: ${plannedCompletion}` } });
        plannedCompletion = undefined;
      }
    }

    const township = text('township', 100, false);
    const parentGroup = text('parentGroup', 200, false);

    if (problems.length > before || columnMissing) continue;
    const opening = { creditCode, enterpriseName, district, residentialArea, people, plannedCompletion, ...(township ? { township } : {}), ...(parentGroup ? { parentGroup } : {}) };
    // The case's own schema has the last word, so an import can never start a case `start` would refuse.
    const parsed = parseCaseOpening(opening);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? '') as PlanField;
        problems.push({ ...(PLAN_COLUMNS.some((c) => c.field === field) ? at(field) : { row: r.row }), message: { zh: issue.message, en: issue.message } });
      }
      continue;
    }
    valid.push({ row: r.row, opening: parsed.data });
  }
  if (dataRows === 0) {
    problems.push({ row: 0, message: { zh: '计划表没有数据行', en: 'the plan table has no data rows' } });
  }
  const grouped = groupIntoCases(valid, header);
  problems.push(...grouped.problems);
  problems.sort((a, b) => a.row - b.row);
  return { cases: grouped.cases, rows: dataRows, problems };
}

/**
 * Rows of the same enterprise and district become one case (§三(二) 一企业一方案, §三(三) one agreement per district
 * government), each row one of its residential areas; the same enterprise in two districts, two cases. Refused, on
 * the row that breaks it: the same area twice in a case, another name or parent group for the same credit code,
 * more areas than a case holds. A case's planned completion is its latest area's (it is handed over when every area
 * is); its receiving township is the one its rows name, or left open when they name different ones.
 */
export function groupIntoCases(rows: readonly ValidatedPlanRow[], header?: HeaderMap): { cases: PlanCase[]; problems: PlanProblem[] } {
  const problems: PlanProblem[] = [];
  const at = (row: number, field: PlanField) => {
    const i = header?.columns[field];
    return { row, field, header: PLAN_COLUMNS.find((c) => c.field === field)!.header.zh, ...(i !== undefined ? { column: columnLetter(i) } : {}) };
  };
  const firstOfCode = new Map<string, ValidatedPlanRow>();
  const groups = new Map<string, ValidatedPlanRow[]>();
  for (const r of rows) {
    const o = r.opening;
    // The same area of the same enterprise and district twice: the row repeats an earlier one.
    const key = `${o.creditCode}|${o.district}`;
    const group = groups.get(key) ?? [];
    const same = group.find((g) => g.opening.residentialArea === o.residentialArea);
    if (same) {
      problems.push({
        ...at(r.row, 'creditCode'),
        message: {
          zh: `统一社会信用代码 ${o.creditCode} 与第 ${same.row} 行重复（同一企业在${o.district}的同一职工家属区“${o.residentialArea ?? ''}”）`,
          en: `credit code ${o.creditCode} repeats row ${same.row} (the same enterprise's residential area "${o.residentialArea ?? ''}" in ${o.district} twice)`,
        },
      });
      continue;
    }
    const first = firstOfCode.get(o.creditCode);
    if (first && first.opening.enterpriseName !== o.enterpriseName) {
      problems.push({
        ...at(r.row, 'enterpriseName'),
        message: {
          zh: `统一社会信用代码 ${o.creditCode} 在第 ${first.row} 行的企业名称为“${first.opening.enterpriseName}”，本行为“${o.enterpriseName}”（同一企业名称应一致）`,
          en: `credit code ${o.creditCode} is named "${first.opening.enterpriseName}" in row ${first.row} but "${o.enterpriseName}" here (one enterprise, one name)`,
        },
      });
      continue;
    }
    if (first && (first.opening.parentGroup ?? '') !== (o.parentGroup ?? '')) {
      problems.push({
        ...at(r.row, 'parentGroup'),
        message: {
          zh: `统一社会信用代码 ${o.creditCode} 在第 ${first.row} 行的上级集团公司为“${first.opening.parentGroup ?? ''}”，本行为“${o.parentGroup ?? ''}”（同一企业应一致）`,
          en: `credit code ${o.creditCode} has parent group "${first.opening.parentGroup ?? ''}" in row ${first.row} but "${o.parentGroup ?? ''}" here (one enterprise, one parent group)`,
        },
      });
      continue;
    }
    if (!first) firstOfCode.set(o.creditCode, r);
    if (group.length >= MAX_RESIDENTIAL_AREAS) {
      problems.push({
        ...at(r.row, 'residentialArea'),
        message: {
          zh: `同一企业在${o.district}最多列 ${MAX_RESIDENTIAL_AREAS} 个职工家属区（一个案件），本行为第 ${group.length + 1} 个`,
          en: `one enterprise lists at most ${MAX_RESIDENTIAL_AREAS} residential areas in ${o.district} (one case); this row is area ${group.length + 1}`,
        },
      });
      continue;
    }
    group.push(r);
    groups.set(key, group);
  }
  const cases: PlanCase[] = [];
  for (const group of groups.values()) {
    const first = group[0]!.opening;
    const caseId = caseIdFor(first.creditCode, first.district);
    if (group.length === 1) {
      cases.push({ caseId, rows: [group[0]!.row], opening: first });
      continue;
    }
    const townships = new Set(group.map((g) => g.opening.township));
    const dates = group.map((g) => g.opening.plannedCompletion).filter((d): d is string => !!d).sort();
    const { residentialArea: _a, people: _p, township: _t, plannedCompletion: _d, ...common } = first;
    const opening: CaseOpening = {
      ...common,
      residentialAreas: group.map((g) => ({ name: g.opening.residentialArea!, ...(g.opening.people !== undefined ? { people: g.opening.people } : {}) })),
      ...(dates.length ? { plannedCompletion: dates[dates.length - 1] } : {}),
      ...(townships.size === 1 && first.township ? { township: first.township } : {}),
    };
    cases.push({ caseId, rows: group.map((g) => g.row), opening });
  }
  return { cases, problems };
}

/** One line per problem: `第 3 行 C 列（统一社会信用代码）：…` / `row 3, column C (credit code): …`. */
export function problemLine(p: PlanProblem, lang: 'zh' | 'en'): string {
  const col = PLAN_COLUMNS.find((c) => c.field === p.field);
  if (lang === 'en') {
    const where = [p.row > 0 ? `row ${p.row}` : 'file', p.column ? `column ${p.column}` : undefined].filter(Boolean).join(', ');
    return `${where}${col ? ` (${col.header.en})` : ''}: ${p.message.en}`;
  }
  const where = `${p.row > 0 ? `第 ${p.row} 行` : '文件'}${p.column ? ` ${p.column} 列` : ''}`;
  return `${where}${col ? `（${col.header.zh}）` : p.header ? `（${p.header}）` : ''}：${p.message.zh}`;
}
