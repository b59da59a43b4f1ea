// Reading the plan table (附件1) from .xlsx (client/import/xlsx-reader.ts: streamed, counting the bytes it really
// inflates and the rows it really reads, stopping at either limit) or CSV (exceljs). Guards first: size, type by
// content (not by name). Every problem comes back as a PlanProblem with row and column; nothing here starts a case.
import ExcelJS from 'exceljs';
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { MAX_PLAN_ROWS, mapHeaders, problemLine, validatePlanRows, type HeaderMap, type PlanCell, type PlanCase, type PlanProblem, type PlanRow } from '../../machines/plan-table';
import { HandoverError } from '../errors';
import { XlsxReadError, readXlsxRows } from './xlsx-reader';

/** The largest plan file accepted (the city's plan is a few hundred rows: well under 1 MB). */
export const MAX_PLAN_FILE_BYTES = 10 * 1024 * 1024;
/** The most an .xlsx may inflate to, counted as it really inflates (a 5,000-row plan is a few MB). */
export const MAX_XLSX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024;
/** The last column a value may stand in: the plan has a dozen; extra columns are ignored, not read without end. */
export const MAX_PLAN_COLUMNS = 200;
/** Excel's own limit on the characters of a cell. */
export const MAX_CELL_CHARS = 32_767;
/** Entries of an .xlsx's shared-strings table. */
export const MAX_SHARED_STRINGS = 200_000;
/** Rows searched for the header row (a title line such as “附件1 …计划表” may come first). */
const HEADER_SEARCH_ROWS = 10;

/** The plan file cannot be used: every problem found, each with its row and column. */
export class PlanFileError extends HandoverError {
  override name = 'PlanFileError';
  constructor(
    readonly file: string,
    readonly problems: PlanProblem[],
  ) {
    super({
      zh: `计划表 ${file} 有 ${problems.length} 处错误，未建立任何案件：${problems.map((p) => problemLine(p, 'zh')).join('；')}`,
      en: `plan table ${file} has ${problems.length} error(s); no case was started: ${problems.map((p) => problemLine(p, 'en')).join('; ')}`,
    });
  }
}

const fileProblem = (zh: string, en: string): PlanProblem => ({ row: 0, message: { zh, en } });

export interface PlanFile {
  format: 'xlsx' | 'csv';
  headerRow: number;
  header: HeaderMap;
  rows: PlanRow[];
}

export interface ValidPlan {
  format: 'xlsx' | 'csv';
  /** Data rows read. */
  rows: number;
  /** One case per enterprise and district, holding its rows' residential areas (machines/plan-table.ts). */
  cases: PlanCase[];
  /** Columns present in the file that the engine does not use. */
  ignoredColumns: string[];
}

/** Reads and validates a plan file; throws PlanFileError with all problems, or returns its cases (rows grouped by enterprise and district). */
export async function loadPlan(path: string): Promise<ValidPlan> {
  const file = await readPlanFile(path);
  const problems = [...file.header.problems];
  // Rows are checked even when a column is missing, so one run reports everything it can.
  const result = validatePlanRows(file.header, file.rows);
  problems.push(...result.problems);
  if (problems.length) throw new PlanFileError(path, problems);
  return { format: file.format, rows: result.rows, cases: result.cases, ignoredColumns: file.header.ignored };
}

export async function readPlanFile(path: string): Promise<PlanFile> {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new PlanFileError(path, [fileProblem(`不是文件：${path}`, `not a file: ${path}`)]);
    size = st.size;
  } catch (err) {
    if (err instanceof PlanFileError) throw err;
    throw new PlanFileError(path, [fileProblem(`无法读取文件：${(err as Error).message}`, `cannot read the file: ${(err as Error).message}`)]);
  }
  if (size === 0) throw new PlanFileError(path, [fileProblem('文件为空', 'the file is empty')]);
  if (size > MAX_PLAN_FILE_BYTES) {
    throw new PlanFileError(path, [fileProblem(`文件过大（${size} 字节，上限 ${MAX_PLAN_FILE_BYTES} 字节）`, `the file is too large (${size} bytes, limit ${MAX_PLAN_FILE_BYTES})`)]);
  }
  const buffer = readFileSync(path);
  const ext = extname(path).toLowerCase();
  if (buffer.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return readXlsx(path, buffer);
  if (buffer.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    throw new PlanFileError(path, [fileProblem('不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV（UTF-8）', 'old Excel (.xls) files are not supported; save as .xlsx or CSV (UTF-8)')]);
  }
  if (ext === '.xlsx') throw new PlanFileError(path, [fileProblem('扩展名为 .xlsx，但内容不是 Excel 工作簿', 'the name ends in .xlsx but the content is not an Excel workbook')]);
  return readCsv(path, buffer);
}

function cellValue(v: ExcelJS.CellValue): PlanCell {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('formula' in v || 'sharedFormula' in v) {
      const result = (v as ExcelJS.CellFormulaValue).result;
      if (result === undefined || result === null || typeof result === 'object') return undefined;
      return result as PlanCell;
    }
    if ('text' in v) return String((v as ExcelJS.CellHyperlinkValue).text);
    if ('error' in v) return String((v as ExcelJS.CellErrorValue).error);
  }
  return String(v);
}

async function readXlsx(path: string, buffer: Buffer): Promise<PlanFile> {
  let read;
  try {
    read = await readXlsxRows(buffer, {
      maxInflatedBytes: MAX_XLSX_UNCOMPRESSED_BYTES,
      maxRows: MAX_PLAN_ROWS + HEADER_SEARCH_ROWS,
      maxColumns: MAX_PLAN_COLUMNS,
      maxCellChars: MAX_CELL_CHARS,
      maxSharedStrings: MAX_SHARED_STRINGS,
    });
  } catch (err) {
    if (!(err instanceof XlsxReadError)) throw err;
    const p = err.problem;
    if (p.kind === 'rows') {
      throw new PlanFileError(path, [
        { row: p.row, message: { zh: `行数过多：数据行超过 ${MAX_PLAN_ROWS} 行（读到第 ${p.row} 行时停止，其余未读取）`, en: `too many rows: more than ${MAX_PLAN_ROWS} data rows (stopped reading at row ${p.row}; the rest was not read)` } },
      ]);
    }
    throw new PlanFileError(path, [{ row: p.row, ...(p.column ? { column: p.column } : {}), message: { zh: p.zh, en: p.en } }]);
  }
  if (read.rows.length === 0) throw new PlanFileError(path, [fileProblem('工作簿中没有数据', 'the workbook has no data')]);
  return withHeader(path, 'xlsx', read.rows);
}

async function readCsv(path: string, buffer: Buffer): Promise<PlanFile> {
  const head = buffer.subarray(0, 8192);
  if (head.includes(0)) throw new PlanFileError(path, [fileProblem('不是表格文件（既不是 .xlsx 也不是 CSV 文本）', 'not a spreadsheet (neither .xlsx nor CSV text)')]);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    // Excel in China saves "CSV" in GB18030 unless told to use UTF-8.
    try {
      text = new TextDecoder('gb18030', { fatal: true }).decode(buffer);
    } catch {
      throw new PlanFileError(path, [fileProblem('CSV 文件编码无法识别（应为 UTF-8 或 GB18030）', 'the CSV encoding is not recognised (expected UTF-8 or GB18030)')]);
    }
  }
  text = text.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new PlanFileError(path, [fileProblem('文件为空', 'the file is empty')]);
  const lineCount = text.split('\n').length;
  if (lineCount > MAX_PLAN_ROWS + HEADER_SEARCH_ROWS + 1) {
    throw new PlanFileError(path, [fileProblem(`行数过多（${lineCount} 行，上限 ${MAX_PLAN_ROWS}）`, `too many rows (${lineCount}, limit ${MAX_PLAN_ROWS})`)]);
  }
  const workbook = new ExcelJS.Workbook();
  let sheet: ExcelJS.Worksheet;
  try {
    // Cells stay text: the default mapping would turn an 18-digit credit code into a rounded number.
    sheet = await workbook.csv.read(Readable.from([text]), { map: (v: unknown) => v, parserOptions: { ignoreEmpty: false, trim: false } });
  } catch (err) {
    throw new PlanFileError(path, [fileProblem(`CSV 格式错误：${(err as Error).message}`, `malformed CSV: ${(err as Error).message}`)]);
  }
  const lines: PlanRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: PlanCell[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells[c - 1] = cellValue(row.getCell(c).value);
    lines.push({ row: rowNumber, cells });
  });
  return withHeader(path, 'csv', lines);
}

/** Finds the header row among the first rows (the one naming the most plan columns) and splits the data rows off. */
function withHeader(path: string, format: 'xlsx' | 'csv', lines: PlanRow[]): PlanFile {
  if (lines.length === 0) throw new PlanFileError(path, [fileProblem('文件为空', 'the file is empty')]);
  let best: { index: number; header: HeaderMap; found: number } | undefined;
  for (let i = 0; i < Math.min(HEADER_SEARCH_ROWS, lines.length); i++) {
    const header = mapHeaders(lines[i]!.cells, lines[i]!.row);
    const found = Object.keys(header.columns).length;
    if (!best || found > best.found) best = { index: i, header, found };
  }
  if (!best || best.found < 2) {
    throw new PlanFileError(path, [
      fileProblem(
        '找不到计划表的表头行（应含“区县”“企业名称”“统一社会信用代码”“职工家属区（社区）名称”“职工及家属人数”“计划完成时间”等列）',
        'no header row found (expected columns such as 区县, 企业名称, 统一社会信用代码, 职工家属区（社区）名称, 职工及家属人数, 计划完成时间)',
      ),
    ]);
  }
  const rows = lines.slice(best.index + 1);
  if (rows.length === 0) throw new PlanFileError(path, [...best.header.problems, fileProblem('计划表没有数据行', 'the plan table has no data rows')]);
  return { format, headerRow: lines[best.index]!.row, header: best.header, rows };
}
