// Reading the rows of an .xlsx within bounded memory. The zip is walked by its central directory; each part the
// reader needs is inflated as a stream, counting the bytes it really produces (a header that lies about a size is
// caught at the first byte beyond it) and parsed as it inflates (saxes), counting the rows it really reads: at the row
// limit the reader stops, without inflating or reading the rest. Nothing but the kept rows is materialised.
import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { PlanCell } from '../../machines/plan-table';

export interface XlsxLimits {
  /** Bytes all parts read may inflate to together. */
  maxInflatedBytes: number;
  /** Rows with at least one value; the reader stops at the first row beyond. */
  maxRows: number;
  /** The last column a value may stand in (1-based). */
  maxColumns: number;
  /** Characters in one cell or shared string. */
  maxCellChars: number;
  /** Entries of the shared-strings table. */
  maxSharedStrings: number;
}

export interface XlsxRow {
  /** 1-based row number as the sheet gives it. */
  row: number;
  /** Values by column, index 0 = column A. */
  cells: PlanCell[];
}

export interface XlsxRead {
  sheetName: string;
  rows: XlsxRow[];
  /** Bytes inflated to read the workbook (all parts read, whole or in part). */
  inflatedBytes: number;
}

/** Why the workbook was not read, with the row and column when one is at fault, in both languages. */
export class XlsxReadError extends Error {
  constructor(
    readonly problem: { row: number; column?: string; zh: string; en: string; kind?: 'rows' },
    readonly inflatedBytes: number,
  ) {
    super(problem.en);
  }
}

export function columnLetter(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  dataStart: number;
}

const EXCEL_MAX_ROW = 1_048_576;
const EXCEL_MAX_COLUMN = 16_384;
const MAX_ENTRIES = 10_000;
const SLICE = 64 * 1024;

/** The number formats Excel builds in that show a date or time (ids 14–22, 27–36, 45–47, 50–58). */
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** A custom number format shows a date when, outside quoted text and [..] sections, it has a date or time token. */
function isDateFormat(code: string): boolean {
  return /[ymdhsb]/i.test(code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '').replace(/\\./g, ''));
}

/** Spreadsheet serial day to the UTC midnight of that day (as exceljs gives dates: no zone). */
function excelDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

class Reader {
  inflated = 0;
  private entries = new Map<string, ZipEntry>();

  constructor(
    private readonly buf: Buffer,
    private readonly limits: XlsxLimits,
  ) {}

  fail(problem: { row?: number; column?: string; zh: string; en: string; kind?: 'rows' }): never {
    throw new XlsxReadError({ row: 0, ...problem }, this.inflated);
  }

  damaged(why: string): never {
    this.fail({ zh: `文件已损坏：不是有效的 Excel 工作簿（${why}）`, en: `the file is damaged: not a valid Excel workbook (${why})` });
  }

  /** The central directory: names, methods, sizes and where each part's data starts. Nothing is inflated here. */
  readDirectory(): void {
    const b = this.buf;
    let eocd = -1;
    for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 65_535); i--) {
      if (b.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) this.damaged('no central directory');
    const count = b.readUInt16LE(eocd + 10);
    const cdOffset = b.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdOffset === 0xffffffff) this.fail({ zh: '不支持 ZIP64 格式的工作簿', en: 'ZIP64 workbooks are not supported' });
    if (count > MAX_ENTRIES) this.damaged(`${count} parts`);
    let declared = 0;
    let p = cdOffset;
    for (let e = 0; e < count; e++) {
      if (p + 46 > eocd || b.readUInt32LE(p) !== 0x02014b50) this.damaged('central directory entry');
      const flags = b.readUInt16LE(p + 8);
      const method = b.readUInt16LE(p + 10);
      const compressedSize = b.readUInt32LE(p + 20);
      const size = b.readUInt32LE(p + 24);
      const nameLength = b.readUInt16LE(p + 28);
      const next = p + 46 + nameLength + b.readUInt16LE(p + 30) + b.readUInt16LE(p + 32);
      const local = b.readUInt32LE(p + 42);
      const name = b.subarray(p + 46, p + 46 + nameLength).toString('utf8');
      p = next;
      if (flags & 0x1) this.fail({ zh: '工作簿已加密，请先取消密码保护', en: 'the workbook is encrypted; remove its password first' });
      if (compressedSize === 0xffffffff || size === 0xffffffff || local === 0xffffffff) this.fail({ zh: '不支持 ZIP64 格式的工作簿', en: 'ZIP64 workbooks are not supported' });
      if (local + 30 > cdOffset || b.readUInt32LE(local) !== 0x04034b50) this.damaged(`local header of ${name}`);
      const dataStart = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
      if (dataStart + compressedSize > cdOffset) this.damaged(`data of ${name}`);
      if (method !== 0 && method !== 8) this.damaged(`compression method ${method} of ${name}`);
      declared += size;
      this.entries.set(name, { name, method, compressedSize, size, dataStart });
    }
    if (declared > this.limits.maxInflatedBytes) {
      this.fail({ zh: `工作簿解压后过大（${declared} 字节，上限 ${this.limits.maxInflatedBytes}）`, en: `the workbook inflates to ${declared} bytes (limit ${this.limits.maxInflatedBytes})` });
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** A part's bytes as they inflate, counted: never more than its header says, nor than the workbook's limit. */
  async *chunks(name: string): AsyncGenerator<Buffer> {
    const entry = this.entries.get(name);
    if (!entry) this.damaged(`missing ${name}`);
    const data = this.buf.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
    const slices = function* () {
      for (let i = 0; i < data.length; i += SLICE) yield data.subarray(i, i + SLICE);
    };
    let produced = 0;
    const count = (n: number) => {
      produced += n;
      this.inflated += n;
      if (produced > entry.size) {
        this.fail({ zh: `工作簿的压缩信息与内容不符：${name} 声明 ${entry.size} 字节，实际更多`, en: `the workbook's zip headers do not match its content: ${name} declares ${entry.size} bytes and holds more` });
      }
      if (this.inflated > this.limits.maxInflatedBytes) {
        this.fail({ zh: `工作簿解压后过大（超过 ${this.limits.maxInflatedBytes} 字节）`, en: `the workbook inflates to more than ${this.limits.maxInflatedBytes} bytes` });
      }
    };
    if (entry.method === 0) {
      for (const s of slices()) {
        count(s.length);
        yield s;
      }
    } else {
      const source = Readable.from(slices(), { objectMode: false });
      const inflater = createInflateRaw({ chunkSize: SLICE });
      source.pipe(inflater);
      try {
        for await (const chunk of inflater as AsyncIterable<Buffer>) {
          count(chunk.length);
          yield chunk;
        }
      } catch (err) {
        if (err instanceof XlsxReadError) throw err;
        this.damaged(`${name}: ${(err as Error).message}`);
      } finally {
        source.unpipe(inflater);
        source.destroy();
        inflater.destroy();
      }
    }
    if (produced !== entry.size) this.damaged(`${name} holds ${produced} bytes, its header says ${entry.size}`);
  }

  /** Parses a part as it inflates. `onTag`/`onText`/`onClose` may throw to stop reading. */
  async parse(name: string, handlers: { open?: (tag: SaxesTagPlain) => void; text?: (text: string) => void; close?: (tag: SaxesTagPlain) => void }): Promise<void> {
    const parser = new SaxesParser();
    let failure: unknown;
    parser.on('error', (err) => (failure ??= err));
    parser.on('doctype', () => (failure ??= new Error('DOCTYPE')));
    if (handlers.open) parser.on('opentag', handlers.open);
    if (handlers.close) parser.on('closetag', handlers.close);
    if (handlers.text) {
      parser.on('text', handlers.text);
      parser.on('cdata', handlers.text);
    }
    const decoder = new TextDecoder('utf-8');
    for await (const chunk of this.chunks(name)) {
      parser.write(decoder.decode(chunk, { stream: true }));
      if (failure) break;
    }
    if (!failure) parser.write(decoder.decode()).close();
    if (failure instanceof XlsxReadError) throw failure;
    if (failure) this.damaged(`${name}: ${(failure as Error).message}`);
  }
}

const localName = (tag: { name: string }) => tag.name.slice(tag.name.indexOf(':') + 1);

/** Resolves a relationship target against the folder of the part that names it. */
function resolveTarget(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = base.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.' && seg !== '') parts.push(seg);
  }
  return parts.join('/');
}

async function relationships(r: Reader, part: string): Promise<Array<{ id: string; type: string; target: string }>> {
  const relsName = `${part.split('/').slice(0, -1).concat('_rels', `${part.split('/').pop()}.rels`).filter(Boolean).join('/')}`;
  if (!r.has(relsName)) return [];
  const out: Array<{ id: string; type: string; target: string }> = [];
  await r.parse(relsName, {
    open: (tag) => {
      if (localName(tag) === 'Relationship' && tag.attributes.TargetMode !== 'External') {
        out.push({ id: String(tag.attributes.Id ?? ''), type: String(tag.attributes.Type ?? ''), target: resolveTarget(part, String(tag.attributes.Target ?? '')) });
      }
    },
  });
  return out;
}

/**
 * Reads the first worksheet that holds a value (in workbook order), row by row, within `limits`. Throws
 * XlsxReadError with the row and column at fault, and stops reading there.
 */
export async function readXlsxRows(buffer: Buffer, limits: XlsxLimits): Promise<XlsxRead> {
  const r = new Reader(buffer, limits);
  r.readDirectory();

  const root = await relationships(r, '');
  const workbookPart = root.find((x) => x.type.endsWith('/officeDocument'))?.target ?? 'xl/workbook.xml';
  if (!r.has(workbookPart)) r.damaged(`missing ${workbookPart}`);
  let date1904 = false;
  const sheets: Array<{ name: string; rid: string }> = [];
  await r.parse(workbookPart, {
    open: (tag) => {
      const n = localName(tag);
      if (n === 'workbookPr') date1904 = ['1', 'true'].includes(String(tag.attributes.date1904 ?? ''));
      if (n === 'sheet') {
        const rid = Object.entries(tag.attributes).find(([k]) => localName({ name: k }) === 'id' && k.includes(':'))?.[1];
        if (sheets.length < 1000) sheets.push({ name: String(tag.attributes.name ?? ''), rid: String(rid ?? '') });
      }
    },
  });
  const rels = await relationships(r, workbookPart);
  const byId = new Map(rels.map((x) => [x.id, x]));

  // Styles: which cell formats show dates (a number in such a cell is a date).
  const dateStyles: boolean[] = [];
  const stylesPart = rels.find((x) => x.type.endsWith('/styles'))?.target;
  if (stylesPart && r.has(stylesPart)) {
    const custom = new Map<number, string>();
    let inCellXfs = false;
    await r.parse(stylesPart, {
      open: (tag) => {
        const n = localName(tag);
        if (n === 'numFmt') custom.set(Number(tag.attributes.numFmtId), String(tag.attributes.formatCode ?? ''));
        else if (n === 'cellXfs') inCellXfs = true;
        else if (n === 'xf' && inCellXfs && dateStyles.length < 65_536) {
          const id = Number(tag.attributes.numFmtId ?? 0);
          dateStyles.push(custom.has(id) ? isDateFormat(custom.get(id)!) : BUILTIN_DATE_FORMATS.has(id));
        }
      },
      close: (tag) => {
        if (localName(tag) === 'cellXfs') inCellXfs = false;
      },
    });
  }

  // Shared strings: the text of each <si>, its phonetic guides (<rPh>) left out.
  const shared: string[] = [];
  const sharedPart = rels.find((x) => x.type.endsWith('/sharedStrings'))?.target;
  if (sharedPart && r.has(sharedPart)) {
    let text: string | undefined;
    let inT = false;
    let inPhonetic = false;
    await r.parse(sharedPart, {
      open: (tag) => {
        const n = localName(tag);
        if (n === 'si') {
          text = '';
          if (shared.length >= limits.maxSharedStrings) {
            r.fail({ zh: `共享字符串过多（超过 ${limits.maxSharedStrings} 个）`, en: `too many shared strings (more than ${limits.maxSharedStrings})` });
          }
        } else if (n === 'rPh') inPhonetic = true;
        else if (n === 't') inT = true;
      },
      text: (t) => {
        if (text !== undefined && inT && !inPhonetic) {
          text += t;
          if (text.length > limits.maxCellChars) r.fail({ zh: `单元格文字过长（超过 ${limits.maxCellChars} 字）`, en: `a cell's text is too long (more than ${limits.maxCellChars} characters)` });
        }
      },
      close: (tag) => {
        const n = localName(tag);
        if (n === 'si') {
          shared.push(text ?? '');
          text = undefined;
        } else if (n === 'rPh') inPhonetic = false;
        else if (n === 't') inT = false;
      },
    });
  }

  for (const sheet of sheets) {
    const part = byId.get(sheet.rid)?.target;
    if (!part || !r.has(part)) continue;
    const rows = await readSheet(r, part, { shared, dateStyles, date1904, limits });
    if (rows.length) return { sheetName: sheet.name, rows, inflatedBytes: r.inflated };
  }
  return { sheetName: sheets[0]?.name ?? '', rows: [], inflatedBytes: r.inflated };
}

async function readSheet(
  r: Reader,
  part: string,
  ctx: { shared: string[]; dateStyles: boolean[]; date1904: boolean; limits: XlsxLimits },
): Promise<XlsxRow[]> {
  const { limits } = ctx;
  const rows: XlsxRow[] = [];
  let rowNumber = 0;
  let cells: PlanCell[] | undefined;
  let hasValue = false;
  let col = 0;
  let cell: { type: string; style: number; value?: string; inline?: string } | undefined;
  let collecting: 'v' | 't' | undefined;
  let inInline = false;
  let inPhonetic = false;

  const where = () => ({ row: rowNumber, column: columnLetter(col) });
  const append = (target: string | undefined, t: string) => {
    const next = (target ?? '') + t;
    if (next.length > limits.maxCellChars) r.fail({ ...where(), zh: `单元格文字过长（超过 ${limits.maxCellChars} 字）`, en: `the cell's text is too long (more than ${limits.maxCellChars} characters)` });
    return next;
  };

  const value = (c: NonNullable<typeof cell>): PlanCell => {
    switch (c.type) {
      case 's': {
        const i = Number(c.value);
        return Number.isInteger(i) && i >= 0 && i < ctx.shared.length ? ctx.shared[i] : undefined;
      }
      case 'inlineStr':
        return c.inline;
      case 'str':
        return c.value;
      case 'b':
        return c.value === undefined ? undefined : c.value.trim() === '1' || c.value.trim() === 'true';
      case 'e':
        return c.value;
      case 'd': {
        const d = c.value ? new Date(c.value) : undefined;
        return d && !Number.isNaN(d.getTime()) ? d : c.value;
      }
      default: {
        if (c.value === undefined || c.value.trim() === '') return undefined;
        const n = Number(c.value);
        if (!Number.isFinite(n)) return c.value;
        return ctx.dateStyles[c.style] ? excelDate(n, ctx.date1904) : n;
      }
    }
  };

  await r.parse(part, {
    open: (tag) => {
      switch (localName(tag)) {
        case 'row': {
          const given = tag.attributes.r === undefined ? rowNumber + 1 : Number(tag.attributes.r);
          if (!Number.isInteger(given) || given < 1 || given > EXCEL_MAX_ROW) r.damaged(`row number ${String(tag.attributes.r)}`);
          rowNumber = given;
          cells = [];
          hasValue = false;
          col = 0;
          break;
        }
        case 'c': {
          const ref = tag.attributes.r === undefined ? undefined : /^([A-Z]{1,3})(\d+)$/.exec(String(tag.attributes.r));
          if (tag.attributes.r !== undefined && !ref) r.damaged(`cell reference ${String(tag.attributes.r)}`);
          col = ref ? columnNumber(ref[1]!) : col + 1;
          if (col > EXCEL_MAX_COLUMN) r.damaged(`cell reference ${String(tag.attributes.r)}`);
          cell = { type: String(tag.attributes.t ?? 'n'), style: Number(tag.attributes.s ?? 0) };
          break;
        }
        case 'v':
          if (cell) collecting = 'v';
          break;
        case 'is':
          if (cell) inInline = true;
          break;
        case 'rPh':
          inPhonetic = true;
          break;
        case 't':
          if (cell && inInline && !inPhonetic) collecting = 't';
          break;
      }
    },
    text: (t) => {
      if (!cell) return;
      if (collecting === 'v') cell.value = append(cell.value, t);
      else if (collecting === 't') cell.inline = append(cell.inline, t);
    },
    close: (tag) => {
      switch (localName(tag)) {
        case 'v':
        case 't':
          collecting = undefined;
          break;
        case 'is':
          inInline = false;
          break;
        case 'rPh':
          inPhonetic = false;
          break;
        case 'c': {
          if (cell && cells) {
            const v = value(cell);
            if (v !== undefined && v !== '') {
              if (col > limits.maxColumns) {
                r.fail({ ...where(), zh: `列数过多：第 ${col} 列（${columnLetter(col)} 列）有内容，上限 ${limits.maxColumns} 列`, en: `too many columns: column ${columnLetter(col)} (${col}) holds a value, limit ${limits.maxColumns}` });
              }
              hasValue = true;
            }
            if (v !== undefined && col <= limits.maxColumns) cells[col - 1] = v;
          }
          cell = undefined;
          break;
        }
        case 'row':
          if (cells && hasValue) {
            if (rows.length >= limits.maxRows) {
              r.fail({ row: rowNumber, kind: 'rows', zh: `行数过多：超过 ${limits.maxRows} 行（读到第 ${rowNumber} 行时停止）`, en: `too many rows: more than ${limits.maxRows} (stopped reading at row ${rowNumber})` });
            }
            rows.push({ row: rowNumber, cells: Array.from(cells) });
          }
          cells = undefined;
          break;
      }
    },
  });
  return rows;
}
