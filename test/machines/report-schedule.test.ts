// §四(三): the report day of a month (the 25th, moved by the setting), the reminder, the first month; and the city roll-up.
import { CALENDAR_VERSION, calendarAt, dayInfo } from '../../machines/calendar';
import { FIRST_REPORT_MONTH, addMonths, nextReportMonth, reminderInstantOf, reportDayOf } from '../../machines/report-schedule';
import { cityTotal, summarise, type SummaryCounts } from '../../machines/progress-table';
import { csvSafe, tableCsv } from '../../activities/reports/spreadsheet';

describe('report day of a month', () => {
  it('is the 25th at 09:00 Shanghai when the 25th is a working day', () => {
    expect(dayInfo('2017-10-25').working).toBe(true);
    expect(reportDayOf('2017-10', 'previousWorkingDay')).toEqual({ month: '2017-10', date: '2017-10-25', at: '2017-10-25T01:00:00.000Z' });
  });

  it('moves a Saturday 25th by the setting, and says why', () => {
    expect(dayInfo('2017-11-25').kind).toBe('weekend');
    expect(reportDayOf('2017-11', 'previousWorkingDay').date).toBe('2017-11-24');
    expect(reportDayOf('2017-11', 'nextWorkingDay').date).toBe('2017-11-27');
    expect(reportDayOf('2017-11', 'sameDay').date).toBe('2017-11-25');
    expect(reportDayOf('2017-11', 'previousWorkingDay').moved?.from).toBe('2017-11-25');
  });

  it('skips a public holiday on the official calendar (Spring Festival 2020)', () => {
    expect(dayInfo('2020-01-25').kind).toBe('holiday');
    const prev = reportDayOf('2020-01', 'previousWorkingDay');
    expect(prev.date).toBe('2020-01-23');
    expect(prev.moved?.reason.zh).toContain('春节');
    const next = reportDayOf('2020-01', 'nextWorkingDay');
    expect(dayInfo(next.date).working).toBe(true);
    expect(next.date).toBe('2020-02-03'); // the first working day after Spring Festival 2020 as extended by 国办发明电〔2020〕1号
  });

  it('reminds the set number of days before the report day, or not at all', () => {
    expect(reminderInstantOf('2017-11', { monthlyReportOnNonWorkingDay: 'previousWorkingDay', monthlyReportReminderLeadDays: 3 })).toBe('2017-11-21T01:00:00.000Z');
    expect(reminderInstantOf('2017-11', { monthlyReportOnNonWorkingDay: 'previousWorkingDay', monthlyReportReminderLeadDays: 0 })).toBeUndefined();
  });

  it('starts with the first report instant after the case, never before October 2017', () => {
    expect(nextReportMonth('2017-06-01T00:00:00Z', 'previousWorkingDay')).toBe(FIRST_REPORT_MONTH);
    expect(nextReportMonth('2018-03-10T00:00:00Z', 'previousWorkingDay')).toBe('2018-03');
    expect(nextReportMonth('2018-03-26T00:00:00Z', 'previousWorkingDay')).toBe('2018-04');
    // 2017-11-24 09:00 is the November report (the 25th is a Saturday): just after it, December.
    expect(nextReportMonth('2017-11-24T01:00:01Z', 'previousWorkingDay')).toBe('2017-12');
    expect(nextReportMonth('2017-11-24T01:00:01Z', 'nextWorkingDay')).toBe('2017-11');
    expect(addMonths('2017-12', 1)).toBe('2018-01');
    expect(addMonths('2018-01', -1)).toBe('2017-12');
    expect(() => reportDayOf('2017-13', 'sameDay')).toThrow(/YYYY-MM/);
  });

  it('counts with the calendar version it is given: a 25th made a holiday by a later notice moves only under that version', () => {
    // 2026-09-25 is Mid-Autumn Festival in the 2026 notice (version 11), a plain Friday before it (version 10).
    expect(calendarAt(10).dayInfo('2026-09-25').working).toBe(true);
    expect(calendarAt(11).dayInfo('2026-09-25').working).toBe(false);
    const before = reportDayOf('2026-09', 'previousWorkingDay', 10);
    expect(before).toEqual({ month: '2026-09', date: '2026-09-25', at: '2026-09-25T01:00:00.000Z' });
    const after = reportDayOf('2026-09', 'previousWorkingDay', 11);
    expect(after.date).toBe('2026-09-24');
    expect(after.moved?.reason.en).toMatch(/^2026-09-25 is not a working day \(.+\); moved to the previous working day 2026-09-24/);
    expect(reportDayOf('2026-09', 'previousWorkingDay')).toEqual(reportDayOf('2026-09', 'previousWorkingDay', CALENDAR_VERSION));
    const settings = { monthlyReportOnNonWorkingDay: 'previousWorkingDay', monthlyReportReminderLeadDays: 3 } as const;
    expect(reminderInstantOf('2026-09', settings, 10)).toBe('2026-09-22T01:00:00.000Z');
    expect(reminderInstantOf('2026-09', settings, 11)).toBe('2026-09-21T01:00:00.000Z');
    // Just after 09:00 on the 24th: the September report is still ahead under version 10, done under version 11.
    expect(nextReportMonth('2026-09-24T01:00:01Z', 'previousWorkingDay', 10)).toBe('2026-09');
    expect(nextReportMonth('2026-09-24T01:00:01Z', 'previousWorkingDay', 11)).toBe('2026-10');
    expect(() => reportDayOf('2026-09', 'sameDay', CALENDAR_VERSION + 1)).toThrow(/calendar version/);
  });
});

describe('city roll-up and CSV safety', () => {
  it('adds the districts up into the city row', () => {
    const d = (district: string, cases: number, overdue: number): SummaryCounts => ({ ...summarise(district, [], 2017), cases, overdue, byStage: { ...summarise(district, [], 2017).byStage, survey: cases } });
    const city = cityTotal([d('九龙坡区', 3, 1), d('江北区', 2, 2)]);
    expect(city).toMatchObject({ district: '全市', cases: 5, overdue: 3, byStage: { survey: 5, completed: 0 } });
  });

  it('writes formula-like text with a leading apostrophe, and leaves other text alone', () => {
    for (const s of ['=1+2', '+86', '-2', '@SUM(A1)', '\tx']) expect(csvSafe(s)).toBe(`'${s}`);
    expect(csvSafe('重庆某厂')).toBe('重庆某厂');
    const csv = tableCsv({ title: 't', sheetName: 's', headerBlock: [], columns: [{ header: '企业名称' }, { header: '人数' }], rows: [['=cmd|"/c calc"!A1', -3]] });
    expect(csv).toContain(`"'=cmd|""/c calc""!A1",-3`);
  });
});
