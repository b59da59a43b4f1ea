// The CSV and .xlsx writers never write NUL, other control characters or bidirectional overrides raw, whatever old
// data holds (the gate refuses them now; this is the second line). Pure: no server.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { csvSafe, tableCsv, visibleText, writeTableCsv, writeTableXlsx, type Table } from '../../activities/reports/spreadsheet';
import { html, markdown } from '../../client/reports';

const BIDI = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];
const CONTROLS = ['\u0000', '\u0001', '\u0007', '\u000B', '\u001B', '\u007F', '\u0085'];
const UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

// An enterprise name that shows as "…厂exe.txt" while it ends in "txt.exe", a NUL, an escape sequence.
const nasty = `重庆某机械厂\u202Etxt.exe\u0000\u001B[31m`;
const table: Table = {
  title: `进度表\u2066标题\u2069`,
  sheetName: 'Sheet\u202E1',
  headerBlock: [['备注\u0000', nasty]],
  columns: [{ header: '企业名称\u202D' }, { header: '人数' }],
  rows: [
    [nasty, 12],
    [`=HYPERLINK("http://x")\u202E`, null],
    [`\u202E=1+2`, 1],
    ['普通文字，\t含制表符\r\n和换行', 3],
  ],
};

describe('text the report writers emit', () => {
  it('shows every unsafe character as a visible code point and keeps ordinary text, tabs and line breaks', () => {
    for (const c of [...BIDI, ...CONTROLS, '\u200E', '\u200F', '\u061C']) {
      const out = visibleText(`a${c}b`);
      expect(out).not.toMatch(UNSAFE);
      expect(out).toBe(`a[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]b`);
    }
    expect(visibleText('重庆市九龙坡区\t杨家坪街道\r\n第2行')).toBe('重庆市九龙坡区\t杨家坪街道\r\n第2行');
    // A formula hidden behind an override is still neutralised once the override is visible.
    expect(csvSafe('\u202E=1+2')).toBe('[U+202E]=1+2');
    expect(csvSafe('=1+2\u202E')).toBe("'=1+2[U+202E]");
  });

  it('writes no raw control or bidi character into CSV, Markdown or HTML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spreadsheet-text-'));
    writeTableCsv(join(dir, 't.csv'), table);
    const csv = readFileSync(join(dir, 't.csv'), 'utf8');
    expect(csv).toBe(tableCsv(table));
    // Outside the BOM, the CSV's own CRLF line ends and the cell's quoted tab/CRLF, nothing unsafe.
    expect(csv.replace(/^\uFEFF/, '')).not.toMatch(UNSAFE);
    expect(csv).toContain('重庆某机械厂[U+202E]txt.exe[U+0000][U+001B][31m');
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")[U+202E]"`);
    for (const text of [markdown(table), html(table, 'zh')]) {
      expect(text).not.toMatch(UNSAFE);
      expect(text).toContain('[U+202E]txt.exe');
    }
  });

  it('writes no raw control or bidi character into an .xlsx, and the workbook opens with the visible codes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spreadsheet-text-'));
    const path = join(dir, 't.xlsx');
    await writeTableXlsx(path, table);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('Sheet_U+202E_1'); // brackets are not allowed in sheet names
    const texts: string[] = [];
    ws.eachRow((row) => row.eachCell((cell) => texts.push(String(cell.value))));
    expect(texts.length).toBeGreaterThan(8);
    for (const t of texts) expect(t).not.toMatch(UNSAFE);
    expect(texts).toContain('重庆某机械厂[U+202E]txt.exe[U+0000][U+001B][31m');
    expect(texts).toContain('进度表[U+2066]标题[U+2069]');
    // No cell became a formula.
    ws.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));
  });
});
