// The notice files: the generated index matches the folder, every bundled file validates, a
// malformed or inconsistent file is refused naming the file and the field, and versions are
// prefixes of the append-only list.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CALENDAR_NOTICES,
  CALENDAR_VERSION,
  Calendar,
  CalendarDataError,
  CalendarError,
  LEGACY_CALENDAR_VERSION,
  calendarAt,
  loadNotices,
  type NoticeFile,
} from '../../machines/calendar';
import { renderNoticeIndex, sequenceOf } from '../../machines/calendar/notice-index';
import { NOTICE_FILES } from '../../machines/calendar/notices';

const DIR = join(__dirname, '..', '..', 'machines', 'calendar', 'notices');
const folder = (): string[] => readdirSync(DIR).filter((f) => f.endsWith('.json'));
const read = (file: string): Record<string, unknown> => JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Record<string, unknown>;

function refusal(files: NoticeFile[]): CalendarDataError {
  let caught: unknown;
  try {
    new Calendar(loadNotices(files));
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(CalendarDataError);
  return caught as CalendarDataError;
}

/** The bundled files with one replaced (or added) by `file`. */
function withFile(file: string, data: unknown, replacing = file): NoticeFile[] {
  return [...NOTICE_FILES.filter((f) => f.file !== replacing), { file, data }];
}

describe('the generated index of notice files', () => {
  it('lists exactly the files in the folder, in sequence order (else run npx tsx scripts/calendar-index.ts)', () => {
    const expected = renderNoticeIndex(folder().map((file) => ({ file, sequence: sequenceOf(readFileSync(join(DIR, file), 'utf8')) })));
    expect(readFileSync(join(DIR, 'index.ts'), 'utf8')).toBe(expected);
    expect(NOTICE_FILES.map((f) => f.file).sort()).toEqual(folder().sort());
  });

  it('bundles what the files hold', () => {
    for (const f of NOTICE_FILES) expect(f.data).toEqual(read(f.file));
  });
});

describe('the bundled notices', () => {
  it('validate and are numbered 1..N in the order they were added; the 2020 extension is number 12', () => {
    expect(CALENDAR_NOTICES.map((n) => n.sequence)).toEqual(Array.from({ length: CALENDAR_VERSION }, (_, i) => i + 1));
    expect(CALENDAR_NOTICES[11]).toMatchObject({
      documentNumber: '国办发明电〔2020〕1号',
      title: '国务院办公厅关于延长2020年春节假期的通知',
      published: '2020-01-26',
      kind: 'amendment',
      amends: '国办发明电〔2019〕16号',
    });
    expect(CALENDAR_VERSION).toBeGreaterThanOrEqual(12);
  });

  it('has no notice for 2027 yet: 2027 stays provisional', () => {
    expect(CALENDAR_NOTICES.some((n) => n.year === 2027)).toBe(false);
    expect(calendarAt().dayInfo('2027-01-01')).toMatchObject({ kind: 'workday', provisional: true });
  });
});

describe('calendar versions', () => {
  it('version N is the first N notices: the legacy version 11 lacks the extension, 12 has it', () => {
    expect(calendarAt(LEGACY_CALENDAR_VERSION).notices.map((n) => n.documentNumber)).not.toContain('国办发明电〔2020〕1号');
    expect(calendarAt(LEGACY_CALENDAR_VERSION).dayInfo('2020-01-31').working).toBe(true);
    expect(calendarAt(12).dayInfo('2020-01-31').working).toBe(false);
    // Before the 2019 amendment (version 3) Labour Day 2019 was one day.
    expect(calendarAt(3).dayInfo('2019-05-02')).toMatchObject({ kind: 'workday', working: true });
    expect(calendarAt(4).dayInfo('2019-05-02')).toMatchObject({ kind: 'holiday', notice: '国办发明电〔2019〕3号' });
    expect(calendarAt(4).dayInfo('2019-05-05')).toMatchObject({ kind: 'makeupWorkday', notice: '国办发明电〔2019〕3号' });
    expect(calendarAt(2).isCoveredYear(2019)).toBe(false);
    expect(calendarAt(2).addWorkingDays('2018-12-28', 1)).toMatchObject({ due: '2018-12-31', provisional: true, provisionalYears: [2019], calendarVersion: 2, dataVersion: 'cn-v2' });
  });

  it('refuses a version this build does not bundle, naming the field', () => {
    for (const bad of [0, CALENDAR_VERSION + 1, 1.5, Number.NaN]) {
      let caught: unknown;
      try {
        calendarAt(bad);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(CalendarError);
      expect((caught as CalendarError).field).toBe('version');
      expect((caught as CalendarError).message).toContain('日历版本无效');
    }
  });
});

describe('a malformed notice file is refused, naming the file and the field', () => {
  const annual2026 = read('2026-2025-7.json');
  const extension = read('2020-2020-1.json');

  it('a bad date in a holiday', () => {
    const holidays = structuredClone(annual2026.holidays) as Array<Record<string, unknown>>;
    holidays[1]!.from = '2026-02-30';
    const e = refusal(withFile('2026-2025-7.json', { ...annual2026, holidays }));
    expect(e.file).toBe('2026-2025-7.json');
    expect(e.field).toBe('holidays[1].from');
    expect(e.message).toContain('日历通知文件 2026-2025-7.json 无效');
    expect(e.message).toContain('calendar notice file 2026-2025-7.json refused: holidays[1].from');
  });

  it('a missing field, an unknown field, a wrong type', () => {
    const { title: _title, ...untitled } = annual2026;
    expect(refusal(withFile('2026-2025-7.json', untitled)).field).toBe('title');
    expect(refusal(withFile('2026-2025-7.json', { ...annual2026, holiday: [] })).field).toBe('holiday');
    expect(refusal(withFile('2026-2025-7.json', { ...annual2026, year: '2026' })).field).toBe('year');
    expect(refusal(withFile('2026-2025-7.json', { ...annual2026, documentNumber: '国办发〔2025〕7号' })).field).toBe('documentNumber');
    expect(refusal(withFile('2026-2025-7.json', 'not an object')).file).toBe('2026-2025-7.json');
  });

  it('a period whose length is not what the notice says', () => {
    const holidays = structuredClone(annual2026.holidays) as Array<Record<string, unknown>>;
    holidays[1]!.days = 8;
    const e = refusal(withFile('2026-2025-7.json', { ...annual2026, holidays }));
    expect([e.field, e.message]).toEqual(['holidays[1].days', expect.stringContaining('2026-02-15至2026-02-23共9天，不是8天')]);
  });

  it('a make-up working day on a weekday, or for a holiday the notice does not have', () => {
    const weekday = structuredClone(annual2026.makeupWorkdays) as Array<Record<string, unknown>>;
    weekday[0]!.date = '2026-01-05';
    expect(refusal(withFile('2026-2025-7.json', { ...annual2026, makeupWorkdays: weekday })).field).toBe('makeupWorkdays[0].date');
    const unnamed = structuredClone(annual2026.makeupWorkdays) as Array<Record<string, unknown>>;
    unnamed[0]!.for = '重阳节';
    expect(refusal(withFile('2026-2025-7.json', { ...annual2026, makeupWorkdays: unnamed })).field).toBe('makeupWorkdays[0].for');
  });

  it('a file named otherwise than <year>-<document year>-<number>.json', () => {
    const e = refusal(withFile('2026.json', annual2026, '2026-2025-7.json'));
    expect([e.file, e.field]).toEqual(['2026.json', '(file)']);
    expect(e.message).toContain('2026-2025-7.json');
  });

  it('a sequence number that repeats or leaves a gap', () => {
    expect(refusal(withFile('2020-2020-1.json', { ...extension, sequence: 13 }))).toMatchObject({ file: '2020-2020-1.json', field: 'sequence' });
    const twice = refusal(withFile('2020-2020-1.json', { ...extension, sequence: 11 }));
    expect(twice.field).toBe('sequence');
  });

  it('a second annual notice for a year, an amendment of a notice that is not before it', () => {
    const again = { ...annual2026, sequence: 13, documentNumber: '国办发明电〔2025〕99号' };
    expect(refusal([...NOTICE_FILES, { file: '2026-2025-99.json', data: again }])).toMatchObject({ file: '2026-2025-99.json', field: 'year' });
    const orphan = { ...extension, amends: '国办发明电〔2019〕99号' };
    expect(refusal(withFile('2020-2020-1.json', orphan))).toMatchObject({ field: 'amends' });
  });

  it('an amendment that extends a holiday over a make-up day without cancelling it', () => {
    const e = refusal(withFile('2020-2020-1.json', { ...extension, cancelledMakeupWorkdays: [] }));
    expect(e).toMatchObject({ file: '2020-2020-1.json', field: 'holidays[0]' });
    expect(e.message).toContain('2020-02-01');
    expect(e.message).toContain('cancelledMakeupWorkdays');
  });

  it('cancelling a day that is not a make-up working day', () => {
    const e = refusal(withFile('2020-2020-1.json', { ...extension, cancelledMakeupWorkdays: [{ date: '2020-02-08', for: '春节' }] }));
    expect([e.file, e.field]).toEqual(['2020-2020-1.json', 'cancelledMakeupWorkdays[0].date']);
  });
});
