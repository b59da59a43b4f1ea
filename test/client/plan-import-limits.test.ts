// The plan import reads an .xlsx within bounded memory (issue 10 item 8): it counts the bytes it really inflates and
// the rows it really reads, and stops at either limit before materialising the sheet. The lying and oversized files
// are built here byte by byte; the memory is measured in a child process (peak RSS over its own baseline). Pure: no
// Temporal server is needed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { MAX_PLAN_ROWS } from '../../machines/plan-table';
import { MAX_XLSX_UNCOMPRESSED_BYTES, PlanFileError, loadPlan, readPlanFile } from '../../client/import/plan-file';
import { readXlsxRows, XlsxReadError } from '../../client/import/xlsx-reader';
import { creditCodeCheckChar } from '../../machines/credit-code';

const dir = mkdtempSync(join(tmpdir(), 'plan-limits-'));
const ROOT = resolve(__dirname, '..', '..');
const MB = 1024 * 1024;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// ——— a minimal zip writer: each entry's raw deflate data, the sizes its headers declare (true or not) ———
interface RawEntry {
  name: string;
  /** Raw deflate data (method 8). */
  data: Buffer;
  /** The uncompressed size the headers state. */
  declared: number;
  crc?: number;
}

function zip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(e.crc ?? 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.declared, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.crc ?? 0, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.declared, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** An honest entry: its real size and checksum. */
const part = (name: string, text: string): RawEntry => {
  const raw = Buffer.from(text, 'utf8');
  return { name, data: deflateRawSync(raw), declared: raw.length, crc: crc32(raw) };
};

/**
 * A deflate stream built from segments, so gigabytes never exist in this process: each segment is compressed alone
 * (no back-reference crosses a segment), so a compressed segment may be repeated as it is.
 */
function deflateSegments(segments: Iterable<Buffer | { repeat: Buffer; times: number }>): { data: Buffer; size: number } {
  const out: Buffer[] = [];
  let size = 0;
  for (const s of segments) {
    if (Buffer.isBuffer(s)) {
      out.push(deflateRawSync(s, { finishFlush: constants.Z_SYNC_FLUSH }));
      size += s.length;
    } else {
      const once = deflateRawSync(s.repeat, { finishFlush: constants.Z_SYNC_FLUSH });
      for (let i = 0; i < s.times; i++) out.push(once);
      size += s.repeat.length * s.times;
    }
  }
  out.push(deflateRawSync(Buffer.alloc(0))); // the final (empty) block
  return { data: Buffer.concat(out), size };
}

const SKELETON = [
  part('_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
  part('xl/workbook.xml', '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="计划表" sheetId="1" r:id="rId1"/></sheets></workbook>'),
  part('xl/_rels/workbook.xml.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
];
const SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
const SHEET_TAIL = '</sheetData></worksheet>';
const inline = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
const HEADER_ROW = `<row r="1">${['区县', '企业名称', '统一社会信用代码', '职工家属区（社区）名称', '职工及家属人数', '计划完成时间'].map((h, i) => inline(`${'ABCDEF'[i]}1`, h)).join('')}</row>`;

function sheetFile(name: string, rowsXml: string): string {
  const path = join(dir, name);
  writeFileSync(path, zip([...SKELETON, part('xl/worksheets/sheet1.xml', SHEET_HEAD + HEADER_ROW + rowsXml + SHEET_TAIL)]));
  return path;
}

/** Reads a plan file in a fresh Node process: the refusal, and the peak memory above the process's own baseline. */
function measure(path: string): { error?: string; rows?: number; peakRssDeltaMb: number; peakArrayBuffersMb: number; ms: number } {
  const script = `
    const { readPlanFile } = require(${JSON.stringify(join(ROOT, 'client/import/plan-file.ts'))});
    const base = process.memoryUsage().rss;
    // The lifetime peak so far includes compiling the modules above (tsx without a cache on a fresh clone):
    // count the lifetime peak only where reading raised it, and sample RSS while reading.
    const peakBefore = process.resourceUsage().maxRSS * 1024;
    let peakAb = 0;
    let peakRss = base;
    const timer = setInterval(() => { const m = process.memoryUsage(); peakAb = Math.max(peakAb, m.arrayBuffers); peakRss = Math.max(peakRss, m.rss); }, 5);
    const started = Date.now();
    readPlanFile(${JSON.stringify(path)}).then(
      (f) => ({ rows: f.rows.length }),
      (e) => ({ error: e.message }),
    ).then((r) => {
      clearInterval(timer);
      peakAb = Math.max(peakAb, process.memoryUsage().arrayBuffers);
      const peakAfter = process.resourceUsage().maxRSS * 1024;
      const peak = Math.max(peakRss, process.memoryUsage().rss, peakAfter > peakBefore ? peakAfter : 0);
      console.log(JSON.stringify({ ...r, peakRssDeltaMb: (peak - base) / ${MB}, peakArrayBuffersMb: peakAb / ${MB}, ms: Date.now() - started }));
    });`;
  const child = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, maxBuffer: 10 * MB });
  if (child.status !== 0) throw new Error(`child failed (${child.status} ${child.signal}): ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!);
}

const MEMORY_BOUND_MB = 200;

describe('an .xlsx is read within bounded memory', () => {
  it('refuses a workbook whose zip headers understate the sheet (1.8 GB behind 1,000 declared bytes) at the first byte beyond, within bounded memory', () => {
    // Spaces: whitespace that would parse as XML for ever.
    const { data, size } = deflateSegments([Buffer.from(SHEET_HEAD + HEADER_ROW), { repeat: Buffer.alloc(MB, 0x20), times: 1800 }]);
    expect(size).toBeGreaterThan(1800 * MB);
    expect(data.length).toBeLessThan(8 * MB); // passes the 10 MB file-size gate
    const path = join(dir, 'lying.xlsx');
    writeFileSync(path, zip([...SKELETON, { name: 'xl/worksheets/sheet1.xml', data, declared: 1000 }]));
    const m = measure(path);
    expect(m.error).toContain('压缩信息与内容不符');
    expect(m.error).toContain('xl/worksheets/sheet1.xml 声明 1000 字节');
    expect(m.peakRssDeltaMb).toBeLessThan(MEMORY_BOUND_MB);
    expect(m.peakArrayBuffersMb).toBeLessThan(MEMORY_BOUND_MB);
    expect(m.ms).toBeLessThan(10_000);
  });

  it('refuses a sheet of 1.2 million rows at the row limit, without inflating or reading the rest, within bounded memory', async () => {
    // Compact rows, so the whole sheet stays under the inflation limit and it is the row count that stops the reader.
    const rowsXml = (from: number, to: number) => {
      let s = '';
      for (let r = from; r < to; r++) s += `<row r="${r}"><c><v>${r}</v></c></row>`;
      return s;
    };
    const { data, size } = deflateSegments((function* () {
      yield Buffer.from(SHEET_HEAD + HEADER_ROW);
      for (let r = 2; r <= 1_200_001; r += 100_000) yield Buffer.from(rowsXml(r, Math.min(r + 100_000, 1_200_002)));
      yield Buffer.from(SHEET_TAIL);
    })());
    expect(size).toBeLessThan(MAX_XLSX_UNCOMPRESSED_BYTES);
    const buffer = zip([...SKELETON, { name: 'xl/worksheets/sheet1.xml', data, declared: size }]);
    const path = join(dir, 'rows-1.2m.xlsx');
    writeFileSync(path, buffer);

    const err = await readXlsxRows(buffer, { maxInflatedBytes: MAX_XLSX_UNCOMPRESSED_BYTES, maxRows: 5010, maxColumns: 200, maxCellChars: 32_767, maxSharedStrings: 200_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XlsxReadError);
    expect((err as XlsxReadError).problem).toMatchObject({ row: 5011, kind: 'rows' });
    // It stopped near row 5,011: a small fraction of the sheet was inflated.
    expect((err as XlsxReadError).inflatedBytes).toBeLessThan(size / 20);

    const m = measure(path);
    expect(m.error).toContain(`行数过多：数据行超过 ${MAX_PLAN_ROWS} 行（读到第 5011 行时停止，其余未读取）`);
    expect(m.peakRssDeltaMb).toBeLessThan(MEMORY_BOUND_MB);
    expect(m.ms).toBeLessThan(10_000);
  });
});

describe('an .xlsx is refused with the row and column at fault', () => {
  const refusal = async (path: string) => {
    const err = await readPlanFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanFileError);
    return (err as PlanFileError).problems;
  };

  it('a value beyond the last column read, a cell longer than Excel allows, a DOCTYPE, damaged data', async () => {
    const far = await refusal(sheetFile('far-column.xlsx', `<row r="2">${inline('A2', '九龙坡区')}${inline('KZ2', 'x')}</row>`));
    expect(far).toEqual([{ row: 2, column: 'KZ', message: { zh: expect.stringContaining('列数过多'), en: expect.stringContaining('too many columns') } }]);

    const long = await refusal(sheetFile('long-cell.xlsx', `<row r="2">${inline('B2', '厂'.repeat(40_000))}</row>`));
    expect(long[0]).toMatchObject({ row: 2, column: 'B', message: { zh: expect.stringContaining('单元格文字过长') } });

    const laughs = join(dir, 'doctype.xlsx');
    writeFileSync(laughs, zip([...SKELETON, part('xl/worksheets/sheet1.xml', `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>${SHEET_HEAD.replace('<?xml version="1.0" encoding="UTF-8"?>', '')}<row r="2"><c t="inlineStr"><is><t>&lol2;</t></is></c></row>${SHEET_TAIL}`)]));
    expect((await refusal(laughs))[0]!.message.zh).toContain('文件已损坏');

    const bad = join(dir, 'bad-deflate.xlsx');
    writeFileSync(bad, zip([...SKELETON, { name: 'xl/worksheets/sheet1.xml', data: Buffer.from('not deflate data at all, not at all'), declared: 5000 }]));
    expect((await refusal(bad))[0]!.message.zh).toContain('文件已损坏');

    const truncated = join(dir, 'truncated.xlsx');
    const whole = zip([...SKELETON, part('xl/worksheets/sheet1.xml', SHEET_HEAD + HEADER_ROW + SHEET_TAIL)]);
    writeFileSync(truncated, whole.subarray(0, whole.length - 30));
    expect((await refusal(truncated))[0]!.message.zh).toContain('文件已损坏');

    // Honest headers that declare more than the limit: refused before anything is inflated.
    const big = join(dir, 'declared-big.xlsx');
    writeFileSync(big, zip([...SKELETON, { name: 'xl/worksheets/sheet1.xml', data: deflateRawSync(Buffer.from(SHEET_HEAD)), declared: 1800 * MB }]));
    expect((await refusal(big))[0]!.message.zh).toBe(`工作簿解压后过大（${1800 * MB + SKELETON.reduce((n, e) => n + e.declared, 0)} 字节，上限 ${MAX_XLSX_UNCOMPRESSED_BYTES}）`);
  });
});

describe('the streaming reader reads what exceljs reads', () => {
  it('gives the same cells as a full exceljs load for a workbook Excel users make: title line, shared and rich text, dates, numbers, formulas', async () => {
    const code = (n: number) => {
      const body = `91500000202812${String(n).padStart(3, '0')}`;
      return body + creditCodeCheckChar(body)!;
    };
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('说明').state = 'visible'; // an empty first sheet: the reader goes on to the one with data
    const ws = wb.addWorksheet('计划表');
    ws.addRow(['附件1：市属国有重点企业社区管理职能分离移交工作计划表']);
    ws.addRow(['序号', '区县', '企业名称', '统一社会信用代码', '职工家属区（社区）名称', '职工及家属人数', '计划完成时间', '备注']);
    for (let i = 1; i <= 40; i++) {
      ws.addRow([i, i % 2 ? '九龙坡区' : '江北区', `重庆第${i}机械厂`, code(i), '职工家属区', 1000 + i, new Date(Date.UTC(2027, i % 12, 1 + (i % 27))), i % 3 ? '' : '含“引号”与 <尖括号> & 符号']);
    }
    ws.getCell('H5').value = { richText: [{ text: '富' }, { font: { bold: true }, text: '文本' }] };
    ws.getCell('F6').value = { formula: 'F5+1', result: 1006 };
    ws.getCell('H7').value = { formula: 'C7&"!"', result: '重庆第5机械厂!' };
    ws.getCell('G8').value = '2027年6月30日';
    ws.getCell('G8').numFmt = '@';
    ws.getCell('F9').value = 1234;
    ws.getCell('F9').numFmt = '#,##0';
    ws.getCell('D10').value = 915001082028600600;
    ws.getCell('I11').value = true;
    const path = join(dir, 'excel-made.xlsx');
    await wb.xlsx.writeFile(path);

    const full = new ExcelJS.Workbook();
    await full.xlsx.readFile(path);
    const sheet = full.worksheets.find((w) => w.actualRowCount > 0)!;
    const expected: Array<{ row: number; cells: unknown[] }> = [];
    sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const cells: unknown[] = [];
      for (let c = 1; c <= row.cellCount; c++) {
        const v = row.getCell(c).value as unknown;
        let out: unknown = v;
        if (v && typeof v === 'object' && !(v instanceof Date)) {
          if ('richText' in v) out = (v as { richText: Array<{ text: string }> }).richText.map((r) => r.text).join('');
          else if ('result' in v) out = (v as { result: unknown }).result;
        }
        cells[c - 1] = out === null ? undefined : out;
      }
      expected.push({ row: rowNumber, cells });
    });
    const read = await readXlsxRows((await import('node:fs')).readFileSync(path), { maxInflatedBytes: MAX_XLSX_UNCOMPRESSED_BYTES, maxRows: 5010, maxColumns: 200, maxCellChars: 32_767, maxSharedStrings: 200_000 });
    expect(read.sheetName).toBe('计划表');
    const trim = (cells: unknown[]) => {
      const out = Array.from(cells, (c) => (c === '' ? undefined : c));
      while (out.length && out[out.length - 1] === undefined) out.pop();
      return out;
    };
    expect(read.rows.map((r) => ({ row: r.row, cells: trim(r.cells) }))).toEqual(expected.map((r) => ({ row: r.row, cells: trim(r.cells) })));
    expect(read.rows[2]!.cells[6]).toBeInstanceOf(Date); // 计划完成时间 of the first data row

    // And the plan validates as before: the numeric code and nothing else is at fault.
    const err = await loadPlan(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanFileError);
    expect((err as PlanFileError).problems.map((p) => [p.row, p.column, p.field])).toEqual([[10, 'D', 'creditCode']]);
  });
});
