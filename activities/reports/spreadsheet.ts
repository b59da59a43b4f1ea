// Writing tables officials open in Excel or WPS: .xlsx through exceljs and CSV (UTF-8 with BOM),
// with every text cell that a spreadsheet could take for a formula written as plain text, and no control or
// bidirectional-override character ever written raw (old data may hold some from before the gate refused them).
import ExcelJS from 'exceljs';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Leading characters that make Excel, WPS or LibreOffice read a cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

export function looksLikeFormula(text: string): boolean {
  return FORMULA_START.test(text);
}

/**
 * Characters never written raw: C0 controls but tab, line feed and carriage return (NUL among them; XML cannot hold
 * them, so Excel would refuse the file), DEL and the C1 controls, and the bidirectional controls that reorder what a
 * reader sees (embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069, and the marks U+200E, U+200F, U+061C).
 */
const UNSAFE_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** Each unsafe character as a visible `[U+XXXX]`, so a reader sees that something was there and what. */
export function visibleText(text: string): string {
  return text.replace(UNSAFE_CHARS, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`);
}

/** For CSV: unsafe characters made visible, and a formula-like text gets a leading apostrophe, which spreadsheets show as text and do not evaluate. */
export function csvSafe(text: string): string {
  const clean = visibleText(text);
  return looksLikeFormula(clean) ? `'${clean}` : clean;
}

export type TableValue = string | number | null | undefined;

export interface Table {
  /** Lines above the table: title, report month, generated-at, built-from. */
  headerBlock: Array<[string, string]>;
  title: string;
  columns: ReadonlyArray<{ header: string; width?: number }>;
  rows: TableValue[][];
  sheetName: string;
}

/**
 * Adds the table as a worksheet. Text goes in as string cells with the text number format '@', so
 * nothing in a cell is ever a formula: exceljs writes a formula only for `{ formula }` values
 * (never for a string that starts with '='), and '@' keeps the cell text when it is edited.
 */
export function addTableSheet(workbook: ExcelJS.Workbook, table: Table): ExcelJS.Worksheet {
  const ws = workbook.addWorksheet(visibleText(table.sheetName).replace(/[\\/?*[\]:]/g, '_').slice(0, 31), { views: [{ state: 'frozen', ySplit: table.headerBlock.length + 3 }] });
  const textCell = (cell: ExcelJS.Cell, text: string) => {
    cell.value = visibleText(text);
    cell.numFmt = '@';
  };
  textCell(ws.getCell(1, 1), table.title);
  ws.getCell(1, 1).font = { bold: true, size: 14 };
  table.headerBlock.forEach(([label, value], i) => {
    textCell(ws.getCell(i + 2, 1), label);
    textCell(ws.getCell(i + 2, 2), value);
  });
  const headerRow = table.headerBlock.length + 3;
  table.columns.forEach((c, j) => {
    const cell = ws.getCell(headerRow, j + 1);
    textCell(cell, c.header);
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
    cell.border = { bottom: { style: 'thin' } };
    ws.getColumn(j + 1).width = c.width ?? 14;
  });
  table.rows.forEach((row, i) => {
    row.forEach((v, j) => {
      const cell = ws.getCell(headerRow + 1 + i, j + 1);
      if (typeof v === 'number') cell.value = v;
      else if (v !== null && v !== undefined && v !== '') textCell(cell, v);
      cell.alignment = { wrapText: true, vertical: 'top' };
    });
  });
  return ws;
}

/** Writes atomically: a reader never sees half a file. */
export async function writeWorkbook(path: string, workbook: ExcelJS.Workbook): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, buffer);
  renameSync(tmp, path);
}

export async function writeTableXlsx(path: string, table: Table, workbook = new ExcelJS.Workbook()): Promise<void> {
  workbook.creator = 'handover';
  addTableSheet(workbook, table);
  await writeWorkbook(path, workbook);
}

function csvField(v: TableValue): string {
  if (v === null || v === undefined) return '';
  const text = typeof v === 'number' ? String(v) : csvSafe(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The same table as CSV: header block lines, a blank line, the column headers, the rows. */
export function tableCsv(table: Table): string {
  const lines = [csvField(table.title), ...table.headerBlock.map(([k, v]) => `${csvField(k)},${csvField(v)}`), '', table.columns.map((c) => csvField(c.header)).join(',')];
  for (const row of table.rows) lines.push(row.map(csvField).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function writeTableCsv(path: string, table: Table): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, tableCsv(table), 'utf8');
  renameSync(tmp, path);
}
