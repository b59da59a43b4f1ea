import fc from 'fast-check';
import {
  CALENDAR_DATA_VERSION,
  CALENDAR_FIRST_YEAR,
  CALENDAR_LAST_YEAR,
  CalendarError,
  MAX_WORKING_DAYS,
  LEGACY_CALENDAR_VERSION,
  addWorkingDays,
  calendarAt,
  calendarYear,
  dayInfo,
  deadlineOf,
  explainWorkingDays,
  isCoveredYear,
  isWorkingDay,
  parseIsoDate,
  shanghaiDate,
} from '../../machines/calendar';

const DAY_MS = 86_400_000;
const dayNumber = (date: string): number => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / DAY_MS;
};
const CALENDAR_DATA = calendarAt().coveredYears();
const fromDayNumber = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);
const weekday = (date: string): number => new Date(dayNumber(date) * DAY_MS).getUTCDay();
const datesBetween = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let d = dayNumber(from); d <= dayNumber(to); d++) out.push(fromDayNumber(d));
  return out;
};

function expectCalendarError(fn: () => unknown, field: string, ...fragments: string[]): CalendarError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(CalendarError);
  const err = caught as CalendarError;
  expect(err.name).toBe('CalendarError');
  expect(err.field).toBe(field);
  expect(err.message).toContain(field);
  for (const f of fragments) expect(err.message).toContain(f);
  return err;
}

describe('addWorkingDays across official holidays', () => {
  it('counts 10 working days from 2017-09-28 to 2017-10-18 over National Day, counting make-up Saturday 2017-09-30', () => {
    const r = addWorkingDays('2017-09-28', 10);
    expect(r.due).toBe('2017-10-18');
    expect(r.deadline).toBe('2017-10-18T16:00:00.000Z');
    expect(r.makeupWorkdays).toEqual(['2017-09-30']);
    expect(r.skipped.filter((d) => d.kind === 'holiday').map((d) => d.date)).toEqual(datesBetween('2017-10-01', '2017-10-08'));
    expect(r.skipped.filter((d) => d.kind === 'weekend').map((d) => d.date)).toEqual(['2017-10-14', '2017-10-15']);
    expect(r.skipped[0]).toEqual({
      date: '2017-10-01',
      kind: 'holiday',
      holidayName: '中秋节、国庆节',
      holidayNameEn: 'Mid-Autumn Festival and National Day',
      notice: '国办发明电〔2016〕17号',
    });
    expect(r.provisional).toBe(false);
    expect(r.provisionalYears).toEqual([]);
    expect(r.dataVersion).toBe(CALENDAR_DATA_VERSION);
    expect(r.start).toBe('2017-09-28');
    expect(r.n).toBe(10);
  });

  it('never counts the start day, even when it is a working day', () => {
    expect(addWorkingDays('2017-10-16', 1).due).toBe('2017-10-17');
    // Friday before the make-up Saturday: the next working day is that Saturday.
    expect(addWorkingDays('2017-09-29', 1).due).toBe('2017-09-30');
    // A make-up Sunday counts: Friday 2018-02-09 → Sunday 2018-02-11.
    expect(addWorkingDays('2018-02-09', 1).due).toBe('2018-02-11');
  });

  it('returns the start date itself for n = 0, with nothing skipped', () => {
    const r = addWorkingDays('2017-10-01', 0);
    expect(r.due).toBe('2017-10-01');
    expect(r.deadline).toBe(deadlineOf('2017-10-01'));
    expect(r.skipped).toEqual([]);
    expect(r.makeupWorkdays).toEqual([]);
  });

  it('skips a whole Spring Festival: 2018-02-14 + 1 working day is 2018-02-22', () => {
    const r = addWorkingDays('2018-02-14', 1);
    expect(r.due).toBe('2018-02-22');
    expect(r.skipped.map((d) => d.date)).toEqual(datesBetween('2018-02-15', '2018-02-21'));
    expect(r.skipped.every((d) => d.kind === 'holiday' && d.holidayName === '春节')).toBe(true);
  });

  it('handles n = MAX_WORKING_DAYS without trouble', () => {
    const r = addWorkingDays('2017-01-01', MAX_WORKING_DAYS);
    expect(isWorkingDay(r.due)).toBe(true);
    expect(r.provisional).toBe(true);
    expect(r.provisionalYears[0]).toBe(CALENDAR_LAST_YEAR + 1);
  });

  it('lands on a working day and counts exactly n working days in (start, due] (property)', () => {
    const first = dayNumber('2016-12-01');
    const last = dayNumber('2027-03-01');
    fc.assert(
      fc.property(fc.integer({ min: first, max: last }), fc.integer({ min: 0, max: 60 }), (startDay, n) => {
        const start = fromDayNumber(startDay);
        const r = addWorkingDays(start, n);
        const between = datesBetween(fromDayNumber(startDay + 1), r.due);
        const working = between.filter(isWorkingDay);
        expect(working.length).toBe(n);
        if (n > 0) expect(isWorkingDay(r.due)).toBe(true);
        expect(r.skipped.length + working.length).toBe(between.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('official holiday data', () => {
  // Expected values typed in from the notices, independent of machines/calendar/notices/.
  // 2020 as extended by 国办发明电〔2020〕1号.
  const springFestivals: Array<[number, string, string]> = [
    [2017, '2017-01-27', '2017-02-02'],
    [2018, '2018-02-15', '2018-02-21'],
    [2019, '2019-02-04', '2019-02-10'],
    [2020, '2020-01-24', '2020-02-02'],
    [2021, '2021-02-11', '2021-02-17'],
    [2022, '2022-01-31', '2022-02-06'],
    [2023, '2023-01-21', '2023-01-27'],
    [2024, '2024-02-10', '2024-02-17'],
    [2025, '2025-01-28', '2025-02-04'],
    [2026, '2026-02-15', '2026-02-23'],
  ];

  it.each(springFestivals)('makes Spring Festival %i a holiday from %s to %s and not a day more', (_year, from, to) => {
    for (const d of datesBetween(from, to)) {
      expect(dayInfo(d)).toMatchObject({ kind: 'holiday', working: false, holidayName: '春节', holidayNameEn: 'Spring Festival' });
    }
    expect(dayInfo(fromDayNumber(dayNumber(from) - 1)).kind).not.toBe('holiday');
    expect(dayInfo(fromDayNumber(dayNumber(to) + 1)).kind).not.toBe('holiday');
  });

  it('makes the make-up Saturdays and Sundays working days', () => {
    const makeups = [
      '2017-01-22', '2017-02-04', '2017-04-01', '2017-05-27', '2017-09-30',
      '2018-02-11', '2018-02-24', '2018-04-08', '2018-04-28', '2018-09-29', '2018-09-30',
      '2018-12-29', '2019-02-02', '2019-02-03', '2019-04-28', '2019-05-05', '2019-09-29', '2019-10-12',
      '2020-01-19', '2020-04-26', '2020-05-09', '2020-06-28', '2020-09-27', '2020-10-10',
      '2021-02-07', '2021-02-20', '2021-04-25', '2021-05-08', '2021-09-18', '2021-09-26', '2021-10-09',
      '2022-01-29', '2022-01-30', '2022-04-02', '2022-04-24', '2022-05-07', '2022-10-08', '2022-10-09',
      '2023-01-28', '2023-01-29', '2023-04-23', '2023-05-06', '2023-06-25', '2023-10-07', '2023-10-08',
      '2024-02-04', '2024-02-18', '2024-04-07', '2024-04-28', '2024-05-11', '2024-09-14', '2024-09-29', '2024-10-12',
      '2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11',
      '2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10',
    ];
    for (const d of makeups) {
      expect([0, 6]).toContain(weekday(d));
      expect(dayInfo(d)).toMatchObject({ date: d, kind: 'makeupWorkday', working: true, provisional: false });
      expect(isWorkingDay(d)).toBe(true);
    }
    const all = CALENDAR_DATA.flatMap((y) => y.makeupWorkdays.map((w) => w.date)).sort();
    expect(all).toEqual([...makeups].sort());
  });

  it('names the holiday a make-up working day makes up for', () => {
    expect(dayInfo('2017-09-30')).toMatchObject({ holidayName: '中秋节、国庆节', holidayNameEn: 'Mid-Autumn Festival and National Day' });
    expect(dayInfo('2026-01-04')).toMatchObject({ holidayName: '元旦', holidayNameEn: "New Year's Day" });
  });

  it('counts weekend days inside an off-period as holiday, ordinary weekends as weekend', () => {
    expect(dayInfo('2017-10-07')).toMatchObject({ kind: 'holiday', working: false }); // a Saturday
    expect(dayInfo('2017-10-14')).toEqual({ date: '2017-10-14', kind: 'weekend', working: false, provisional: false });
    expect(dayInfo('2017-10-16')).toEqual({ date: '2017-10-16', kind: 'workday', working: true, provisional: false });
  });

  it('applies the 2020 extension (国办发明电〔2020〕1号): Spring Festival to 2020-02-02, the 2020-02-01 make-up Saturday cancelled', () => {
    expect(dayInfo('2020-01-30')).toMatchObject({ kind: 'holiday', notice: '国办发明电〔2019〕16号' });
    expect(dayInfo('2020-01-31')).toMatchObject({ kind: 'holiday', working: false, holidayName: '春节', notice: '国办发明电〔2020〕1号' });
    expect(dayInfo('2020-02-01')).toMatchObject({ kind: 'holiday', working: false, notice: '国办发明电〔2020〕1号' });
    expect(dayInfo('2020-02-02')).toMatchObject({ kind: 'holiday', working: false, notice: '国办发明电〔2020〕1号' });
    expect(dayInfo('2020-02-03')).toEqual({ date: '2020-02-03', kind: 'workday', working: true, provisional: false });
    expect(dayInfo('2020-01-19')).toMatchObject({ kind: 'makeupWorkday', working: true }); // the other make-up day stands
    expect(calendarYear(2020)?.holidays.find((h) => h.name === '春节')).toMatchObject({ from: '2020-01-24', to: '2020-02-02', days: 10, amendedBy: '国办发明电〔2020〕1号' });
    expect(calendarYear(2020)?.makeupWorkdays.map((w) => w.date)).not.toContain('2020-02-01');
  });

  it('counts 10 working days from 2020-01-20 to 2020-02-11 over the extended Spring Festival (2020-02-07 before the extension)', () => {
    const r = addWorkingDays('2020-01-20', 10);
    expect(r.due).toBe('2020-02-11');
    expect(r.makeupWorkdays).toEqual([]);
    expect(r.skipped.map((d) => d.date)).toEqual([...datesBetween('2020-01-24', '2020-02-02'), '2020-02-08', '2020-02-09']);
    expect(r.skipped.filter((d) => d.notice === '国办发明电〔2020〕1号').map((d) => d.date)).toEqual(['2020-01-31', '2020-02-01', '2020-02-02']);
    // Dates around it, counted by hand from the notices: 2020-01-21..23 and 02-03.. are working days.
    expect(addWorkingDays('2020-01-23', 1).due).toBe('2020-02-03');
    expect(addWorkingDays('2020-01-17', 1).due).toBe('2020-01-19'); // the make-up Sunday still counts
    expect(addWorkingDays('2020-01-20', 3).due).toBe('2020-01-23');
    expect(addWorkingDays('2020-01-20', 4).due).toBe('2020-02-03');
    expect(addWorkingDays('2020-01-30', 5).due).toBe('2020-02-07');
    expect(addWorkingDays('2020-02-02', 1).due).toBe('2020-02-03');
    // The version before the extension (the data as it was before notices were files).
    expect(addWorkingDays('2020-01-20', 10, LEGACY_CALENDAR_VERSION).due).toBe('2020-02-07');
    expect(addWorkingDays('2020-01-23', 1, LEGACY_CALENDAR_VERSION).due).toBe('2020-01-31');
    expect(calendarAt(LEGACY_CALENDAR_VERSION).dayInfo('2020-02-01')).toMatchObject({ kind: 'makeupWorkday', working: true });
  });

  it('applies the 2019 Labour Day amendment (国办发明电〔2019〕3号): 1–4 May off, 28 April and 5 May worked', () => {
    for (const d of datesBetween('2019-05-01', '2019-05-04')) expect(dayInfo(d).kind).toBe('holiday');
    expect(dayInfo('2019-04-28').kind).toBe('makeupWorkday');
    expect(dayInfo('2019-05-05').kind).toBe('makeupWorkday');
    expect(calendarYear(2019)?.amendments?.[0]).toMatchObject({ notice: '国办发明电〔2019〕3号', published: '2019-03-22' });
  });

  it('follows the 2025 rule change: an 8-day Spring Festival from New Year’s Eve and a 5-day Labour Day with one make-up day', () => {
    expect(dayInfo('2025-01-28')).toMatchObject({ kind: 'holiday', holidayName: '春节' }); // 除夕, a Tuesday
    expect(dayInfo('2025-02-04')).toMatchObject({ kind: 'holiday', holidayName: '春节' });
    for (const d of datesBetween('2025-05-01', '2025-05-05')) expect(dayInfo(d).holidayName).toBe('劳动节');
    expect(calendarYear(2025)?.makeupWorkdays.filter((w) => w.for === '劳动节').map((w) => w.date)).toEqual(['2025-04-27']);
    expect(dayInfo('2025-01-01')).toMatchObject({ kind: 'holiday', holidayName: '元旦' });
    expect(dayInfo('2025-01-02')).toMatchObject({ kind: 'workday' });
  });

  it('keeps 2024 New Year’s Eve (2024-02-09) a working day: the notice only encourages time off', () => {
    expect(dayInfo('2024-02-09')).toMatchObject({ kind: 'workday', working: true });
  });

  it('matches the weekdays printed in the 2025 and 2026 notices', () => {
    // 0 = 周日 … 6 = 周六, as the notices annotate each date.
    const printed: Array<[string, number]> = [
      ['2025-01-01', 3], ['2025-01-28', 2], ['2025-02-04', 2], ['2025-01-26', 0], ['2025-02-08', 6],
      ['2025-04-04', 5], ['2025-04-06', 0], ['2025-05-01', 4], ['2025-05-05', 1], ['2025-04-27', 0],
      ['2025-05-31', 6], ['2025-06-02', 1], ['2025-10-01', 3], ['2025-10-08', 3], ['2025-09-28', 0], ['2025-10-11', 6],
      ['2026-01-01', 4], ['2026-01-03', 6], ['2026-01-04', 0], ['2026-02-15', 0], ['2026-02-23', 1],
      ['2026-02-14', 6], ['2026-02-28', 6], ['2026-04-04', 6], ['2026-04-06', 1], ['2026-05-01', 5],
      ['2026-05-05', 2], ['2026-05-09', 6], ['2026-06-19', 5], ['2026-06-21', 0], ['2026-09-25', 5],
      ['2026-09-27', 0], ['2026-10-01', 4], ['2026-10-07', 3], ['2026-09-20', 0], ['2026-10-10', 6],
    ];
    for (const [date, day] of printed) expect([date, weekday(date)]).toEqual([date, day]);
    const edges = (y: number) => calendarYear(y)!.holidays.flatMap((h) => [h.from, h.to]);
    for (const [date] of printed) {
      if (dayInfo(date).kind === 'holiday') expect([...edges(2025), ...edges(2026)]).toContain(date);
    }
  });

  it('records the real document number and date of every annual notice', () => {
    const expected: Array<[number, string, string]> = [
      [2017, '国办发明电〔2016〕17号', '2016-12-01'],
      [2018, '国办发明电〔2017〕12号', '2017-11-30'],
      [2019, '国办发明电〔2018〕15号', '2018-12-04'],
      [2020, '国办发明电〔2019〕16号', '2019-11-21'],
      [2021, '国办发明电〔2020〕27号', '2020-11-25'],
      [2022, '国办发明电〔2021〕11号', '2021-10-25'],
      [2023, '国办发明电〔2022〕16号', '2022-12-08'],
      [2024, '国办发明电〔2023〕7号', '2023-10-25'],
      [2025, '国办发明电〔2024〕12号', '2024-11-12'],
      [2026, '国办发明电〔2025〕7号', '2025-11-04'],
    ];
    expect(CALENDAR_DATA.map((y) => [y.year, y.notice, y.published])).toEqual(expected);
    expect(CALENDAR_FIRST_YEAR).toBe(2017);
    expect(CALENDAR_LAST_YEAR).toBe(2026);
  });
});

describe('counting across the new year', () => {
  it('takes the 2019 New Year make-up Saturday 2018-12-29 and skips 2018-12-30 to 2019-01-01', () => {
    expect(addWorkingDays('2018-12-28', 1).due).toBe('2018-12-29');
    const r = addWorkingDays('2018-12-29', 1);
    expect(r.due).toBe('2019-01-02');
    expect(r.skipped.map((d) => [d.date, d.kind, d.holidayName])).toEqual([
      ['2018-12-30', 'holiday', '元旦'],
      ['2018-12-31', 'holiday', '元旦'],
      ['2019-01-01', 'holiday', '元旦'],
    ]);
  });

  it('skips New Year off-periods that start in December', () => {
    expect(addWorkingDays('2017-12-29', 1).due).toBe('2018-01-02');
    expect(addWorkingDays('2022-12-30', 1).due).toBe('2023-01-03');
    expect(addWorkingDays('2023-12-29', 1).due).toBe('2024-01-02');
    expect(addWorkingDays('2025-12-31', 1).due).toBe('2026-01-04'); // a make-up Sunday
  });
});

describe('provisional years without a published notice', () => {
  it('flags 2031 as provisional and counts weekends only', () => {
    const r = addWorkingDays('2031-09-30', 5);
    expect(r.due).toBe('2031-10-07'); // National Day is not known: 1–3 and 6–7 October count
    expect(r.provisional).toBe(true);
    expect(r.provisionalYears).toEqual([2031]);
    expect(r.skipped).toEqual([
      { date: '2031-10-04', kind: 'weekend' },
      { date: '2031-10-05', kind: 'weekend' },
    ]);
    expect(dayInfo('2031-10-01')).toEqual({ date: '2031-10-01', kind: 'workday', working: true, provisional: true });
    expect(isCoveredYear(2031)).toBe(false);
    expect(isCoveredYear(2026)).toBe(true);
  });

  it('warns in the explanation that the year is provisional', () => {
    const r = addWorkingDays('2031-09-30', 5);
    expect(explainWorkingDays(r, 'zh')).toContain('注意：2031年尚无国务院公布的节假日安排，仅按周末计算（暂定）');
    expect(explainWorkingDays(r, 'en').some((l) => l.includes('2031') && l.includes('provisional'))).toBe(true);
  });

  it('treats 29–31 December of the last covered year as provisional, since the next New Year may change them', () => {
    expect(dayInfo('2026-12-28').provisional).toBe(false);
    expect(dayInfo('2026-12-29').provisional).toBe(true);
    const r = addWorkingDays('2026-12-24', 3);
    expect(r.due).toBe('2026-12-29');
    expect(r.provisionalYears).toEqual([2027]);
    expect(explainWorkingDays(r, 'zh').some((l) => l.includes('2026年12月29日至31日'))).toBe(true);
  });

  it('does not flag a count that stays inside covered years', () => {
    expect(addWorkingDays('2026-10-08', 20).provisional).toBe(false);
    expect(addWorkingDays('2017-01-03', 200).provisional).toBe(false);
  });

  it('flags years before the data begins as well', () => {
    const r = addWorkingDays('2016-09-30', 3);
    expect(r.provisionalYears).toEqual([2016]);
    expect(dayInfo('2016-10-03').provisional).toBe(true);
  });
});

describe('explainWorkingDays', () => {
  it('lists start, count, due date, deadline, skipped weekends and holidays, make-up days and the data version (zh)', () => {
    const lines = explainWorkingDays(addWorkingDays('2017-09-28', 10), 'zh');
    const text = lines.join('\n');
    expect(lines[0]).toBe('起算日：2017-09-28（星期四），当天不计入');
    expect(text).toContain('10个工作日');
    expect(text).toContain('到期日：2017-10-18（星期三）');
    expect(text).toContain('北京时间 2017-10-18 24:00');
    expect(text).toContain('2017-10-18T16:00:00.000Z');
    expect(lines).toContain('跳过周末：2天');
    expect(lines).toContain('跳过法定节假日：中秋节、国庆节 2017-10-01至2017-10-08，共8天（国办发明电〔2016〕17号）');
    expect(text).toContain('调休上班日按工作日计入：2017-09-30（星期六，中秋节、国庆节调休，国办发明电〔2016〕17号）');
    expect(text).toContain(`日历数据版本：${CALENDAR_DATA_VERSION}`);
    expect(text).not.toContain('注意');
  });

  it('lists each holiday separately with its own dates (en)', () => {
    // 2017-04-28 (Fri) + 25 working days crosses Labour Day and the Dragon Boat Festival.
    const r = addWorkingDays('2017-04-28', 25);
    const lines = explainWorkingDays(r, 'en');
    expect(lines).toContain('Public holiday skipped: Labour Day (劳动节) 2017-04-29 to 2017-05-01, 3 days (国办发明电〔2016〕17号)');
    expect(lines).toContain('Public holiday skipped: Dragon Boat Festival (端午节) 2017-05-28 to 2017-05-30, 3 days (国办发明电〔2016〕17号)');
    expect(lines.some((l) => l.startsWith('Make-up working days counted') && l.includes('2017-05-27 (Saturday, for Dragon Boat Festival, 国办发明电〔2016〕17号)'))).toBe(true);
    expect(lines.some((l) => l.startsWith('Due date: ' + r.due))).toBe(true);
    expect(lines.some((l) => l.includes(`Calendar data version: ${CALENDAR_DATA_VERSION}`))).toBe(true);
  });

  it('names the notice behind each part of an amended holiday', () => {
    const zh = explainWorkingDays(addWorkingDays('2020-01-20', 10), 'zh');
    expect(zh).toContain('跳过法定节假日：春节 2020-01-24至2020-01-30，共7天（国办发明电〔2019〕16号）');
    expect(zh).toContain('跳过法定节假日：春节 2020-01-31至2020-02-02，共3天（国办发明电〔2020〕1号）');
    const en = explainWorkingDays(addWorkingDays('2020-01-20', 10), 'en');
    expect(en).toContain('Public holiday skipped: Spring Festival (春节) 2020-01-31 to 2020-02-02, 3 days (国办发明电〔2020〕1号)');
  });

  it('explains a result with the version it was computed with, and says it is not the current one', () => {
    const lines = explainWorkingDays(addWorkingDays('2020-01-20', 10, LEGACY_CALENDAR_VERSION), 'zh');
    expect(lines).toContain('跳过法定节假日：春节 2020-01-24至2020-01-30，共7天（国办发明电〔2019〕16号）');
    expect(lines.some((l) => l.includes('2020-02-01（星期六，春节调休，国办发明电〔2019〕16号）'))).toBe(true);
    expect(lines.some((l) => l.startsWith('注意：该结果按数据版本 cn-v11 计算'))).toBe(true);
  });

  it('says when nothing was skipped', () => {
    expect(explainWorkingDays(addWorkingDays('2017-10-16', 2), 'zh')).toContain('未跳过周末或法定节假日');
    expect(explainWorkingDays(addWorkingDays('2017-10-16', 2), 'en')).toContain('No weekends or public holidays skipped');
  });
});

describe('instants in Asia/Shanghai', () => {
  it('puts the deadline at 00:00 +08:00 of the next day', () => {
    expect(deadlineOf('2017-10-18')).toBe('2017-10-18T16:00:00.000Z');
    expect(deadlineOf('2017-12-31')).toBe('2017-12-31T16:00:00.000Z');
    expect(shanghaiDate(deadlineOf('2017-10-18'))).toBe('2017-10-19');
    expect(shanghaiDate(Date.parse(deadlineOf('2017-10-18')) - 1)).toBe('2017-10-18');
  });

  it('reads the Shanghai calendar date of a Date, epoch milliseconds or an ISO instant', () => {
    expect(shanghaiDate('2017-10-18T15:59:59.999Z')).toBe('2017-10-18');
    expect(shanghaiDate('2017-10-18T16:00:00Z')).toBe('2017-10-19');
    expect(shanghaiDate('2017-10-19T00:00:00+08:00')).toBe('2017-10-19');
    expect(shanghaiDate(new Date('2017-12-31T16:30:00Z'))).toBe('2018-01-01');
    expect(shanghaiDate(0)).toBe('1970-01-01');
  });
});

describe('invalid input', () => {
  it('rejects an impossible date, naming the field', () => {
    const err = expectCalendarError(() => addWorkingDays('2017-02-30', 1), 'start', '日期格式无效', '2017-02-30', 'invalid date', 'expected YYYY-MM-DD');
    expect(err.message.indexOf('日期格式无效')).toBeLessThan(err.message.indexOf('(invalid date'));
    expectCalendarError(() => dayInfo('2019-02-29'), 'date', '2019-02-29');
    expectCalendarError(() => dayInfo('2017-13-01'), 'date', '2017-13-01');
    expectCalendarError(() => dayInfo('2017-00-10'), 'date');
    expect(dayInfo('2020-02-29').date).toBe('2020-02-29');
  });

  it('rejects malformed dates', () => {
    for (const bad of ['2017-9-28', '20170928', '', '2017-09-28T00:00:00Z', ' 2017-09-28', '2017/09/28']) {
      expectCalendarError(() => addWorkingDays(bad, 1), 'start', '日期格式无效');
    }
    expectCalendarError(() => addWorkingDays(20170928 as unknown as string, 1), 'start', '20170928');
    expectCalendarError(() => deadlineOf(undefined as unknown as string), 'date');
    expectCalendarError(() => dayInfo('1899-12-31'), 'date', '日期超出支持范围');
  });

  it('rejects a non-integer, negative or too large number of working days', () => {
    for (const bad of [1.5, -1, MAX_WORKING_DAYS + 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectCalendarError(() => addWorkingDays('2017-09-28', bad), 'n', '工作日天数无效', 'invalid number of working days');
    }
    expectCalendarError(() => addWorkingDays('2017-09-28', '10' as unknown as number), 'n', '"10"');
  });

  it('rejects instants it cannot place', () => {
    expectCalendarError(() => shanghaiDate('2017-10-18T10:00'), 'instant', '时刻无效');
    expectCalendarError(() => shanghaiDate('2017-10-18'), 'instant');
    expectCalendarError(() => shanghaiDate(new Date(Number.NaN)), 'instant');
    expectCalendarError(() => shanghaiDate(Number.POSITIVE_INFINITY), 'instant');
  });

  it('exposes parseIsoDate for reuse', () => {
    expect(parseIsoDate('2017-10-18')).toEqual({ year: 2017, month: 10, day: 18, dayNumber: dayNumber('2017-10-18') });
    expectCalendarError(() => parseIsoDate('2017-02-30', 'agreedOn'), 'agreedOn', 'agreedOn = "2017-02-30"');
  });
});

describe('internal consistency of every data year', () => {
  const FESTIVALS = ['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节'];

  it('covers every year from the first to the last without gaps', () => {
    expect(CALENDAR_DATA.map((y) => y.year)).toEqual(
      Array.from({ length: CALENDAR_LAST_YEAR - CALENDAR_FIRST_YEAR + 1 }, (_, i) => CALENDAR_FIRST_YEAR + i),
    );
  });

  describe.each(CALENDAR_DATA.map((y) => [y.year, y] as const))('%i', (year, data) => {
    it('has a well-formed notice issued in the previous year', () => {
      expect(data.notice).toMatch(new RegExp(`^国办发明电〔${year - 1}〕\\d+号$`));
      expect(data.title).toBe(`国务院办公厅关于${year}年部分节假日安排的通知`);
      expect(parseIsoDate(data.published).year).toBe(year - 1);
      for (const a of data.amendments ?? []) expect(a.notice).toMatch(/^国办发明电〔\d{4}〕\d+号$/);
    });

    it('keeps each holiday range inside its year, or spilling from late December for 元旦', () => {
      for (const h of data.holidays) {
        expect(h.from <= h.to).toBe(true);
        expect(dayNumber(h.to) - dayNumber(h.from) + 1).toBe(h.days);
        expect(h.to.startsWith(`${year}-`)).toBe(true);
        if (!h.from.startsWith(`${year}-`)) {
          expect(h.name).toBe('元旦');
          expect(h.from >= `${year - 1}-12-29`).toBe(true);
        }
        expect(h.nameEn.length).toBeGreaterThan(0);
      }
      const sorted = [...data.holidays].sort((a, b) => a.from.localeCompare(b.from));
      expect(data.holidays).toEqual(sorted);
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.from > sorted[i - 1]!.to).toBe(true);
    });

    it('names all seven statutory festivals exactly once', () => {
      const names = data.holidays.flatMap((h) => h.name.split('、'));
      expect([...names].sort()).toEqual([...FESTIVALS].sort());
    });

    it('puts make-up working days on weekends, for a holiday of the year, never on a holiday', () => {
      const holidayDates = new Set(data.holidays.flatMap((h) => datesBetween(h.from, h.to)));
      const seen = new Set<string>();
      for (const w of data.makeupWorkdays) {
        parseIsoDate(w.date);
        expect([0, 6]).toContain(weekday(w.date));
        expect(data.holidays.map((h) => h.name)).toContain(w.for);
        expect(holidayDates.has(w.date)).toBe(false);
        expect(seen.has(w.date)).toBe(false);
        seen.add(w.date);
        if (!w.date.startsWith(`${year}-`)) {
          expect(w.for).toBe('元旦');
          expect(w.date >= `${year - 1}-12-29`).toBe(true);
        }
      }
    });
  });

  it('never lists a date twice across years', () => {
    const all = CALENDAR_DATA.flatMap((y) => [
      ...y.holidays.flatMap((h) => datesBetween(h.from, h.to)),
      ...y.makeupWorkdays.map((w) => w.date),
    ]);
    expect(new Set(all).size).toBe(all.length);
  });
});
