// Recomputing pending working-day deadlines when a calendar version adds a notice.
import {
  Calendar,
  LEGACY_CALENDAR_VERSION,
  addWorkingDays,
  calendarAt,
  loadNotices,
  recomputeDeadlines,
  recomputeWith,
  type NoticeFile,
} from '../../machines/calendar';
import { NOTICE_FILES } from '../../machines/calendar/notices';

/** A deadline shaped like machines/handover.ts `Deadline`, counted under `version`. */
function deadline(kind: string, from: string, n: number, version: number) {
  const wd = addWorkingDays(from, n, version);
  return { kind, due: wd.due, at: wd.deadline, from, workingDays: wd, clause: '§三(三)' };
}

describe('recomputeDeadlines from the legacy version to the one with 国办发明电〔2020〕1号', () => {
  it('moves a 10-working-day window from 2020-01-20 from 2020-02-07 to 2020-02-11 and says which notice moved which day', () => {
    const before = deadline('agreement', '2020-01-20', 10, LEGACY_CALENDAR_VERSION);
    expect(before.due).toBe('2020-02-07');
    const r = recomputeDeadlines({ agreement: before }, LEGACY_CALENDAR_VERSION, 12);
    expect(r).toMatchObject({ fromVersion: 11, toVersion: 12, unchanged: [] });
    const [change] = r.changes;
    expect(change).toMatchObject({ kind: 'agreement', moved: true, notices: ['国办发明电〔2020〕1号'], provisional: false });
    expect(change!.after).toMatchObject({ kind: 'agreement', due: '2020-02-11', at: '2020-02-11T16:00:00.000Z', from: '2020-01-20', clause: '§三(三)' });
    expect(change!.after.workingDays).toMatchObject({ calendarVersion: 12, due: '2020-02-11' });
    expect(change!.days.map((d) => [d.date, d.before.kind, d.after.kind, d.notice])).toEqual([
      ['2020-01-31', 'workday', 'holiday', '国办发明电〔2020〕1号'],
      ['2020-02-01', 'makeupWorkday', 'holiday', '国办发明电〔2020〕1号'],
    ]);
    expect(change!.reason.zh).toBe(
      '国办发明电〔2020〕1号：2020-01-31（星期五）由工作日改为春节假期；2020-02-01（星期六）由春节调休上班日改为春节假期；到期日由 2020-02-07 改为 2020-02-11。',
    );
    expect(change!.reason.en).toContain('due date moved from 2020-02-07 to 2020-02-11');
  });

  it('leaves alone deadlines the notice does not touch, and fixed-date deadlines', () => {
    const untouched = deadline('negotiationEscalation', '2020-03-02', 20, LEGACY_CALENDAR_VERSION);
    const fixed = { kind: 'cityTarget', due: '2017-12-31', at: '2017-12-31T16:00:00.000Z', from: '2017-08-01' };
    const r = recomputeDeadlines([untouched, fixed], LEGACY_CALENDAR_VERSION, 12);
    expect(r.changes).toEqual([]);
    expect(r.unchanged).toEqual(['negotiationEscalation']);
  });

  it('changes nothing from a version to itself', () => {
    const d = deadline('agreement', '2020-01-20', 10, 12);
    expect(recomputeDeadlines([d], 12, 12).changes).toEqual([]);
  });
});

describe('adding a calendar year moves a provisional deadline', () => {
  // A TEST FIXTURE standing for the 2027 notice, which is not published as this is written: its
  // number and its 元旦 dates are made up for the test (2027-01-01 is a Friday).
  const fixture2027: NoticeFile = {
    file: '2027-2026-99.json',
    data: {
      sequence: NOTICE_FILES.length + 1,
      documentNumber: '国办发明电〔2026〕99号',
      title: '国务院办公厅关于2027年部分节假日安排的通知（测试用）',
      published: '2026-11-20',
      year: 2027,
      kind: 'annual',
      holidays: [{ name: '元旦', nameEn: "New Year's Day", from: '2027-01-01', to: '2027-01-03', days: 3 }],
      makeupWorkdays: [],
    },
  };
  const current = new Calendar(loadNotices(NOTICE_FILES));
  const withYear = new Calendar(loadNotices([...NOTICE_FILES, fixture2027]));

  it('recomputes a deadline counted over 2027 with weekends only, and says why it moved', () => {
    // 2026-12-21 (Monday) + 10 working days: 22–25 and 28–31 December, 1 and 4 January.
    const wd = current.addWorkingDays('2026-12-21', 10);
    expect(wd).toMatchObject({ due: '2027-01-04', provisional: true, provisionalYears: [2027] });
    const before = { kind: 'agreement', due: wd.due, at: wd.deadline, from: '2026-12-21', workingDays: wd, clause: '§三(三)' };

    const r = recomputeWith([before], current, withYear);
    expect(r.toVersion).toBe(current.version + 1);
    const [change] = r.changes;
    expect(change).toMatchObject({ moved: true, provisional: false, provisionalYears: [], notices: ['国办发明电〔2026〕99号'] });
    expect(change!.after).toMatchObject({ due: '2027-01-05', at: '2027-01-05T16:00:00.000Z' });
    expect(change!.days.map((d) => [d.date, d.before.provisional, d.after.kind])).toEqual([['2027-01-01', true, 'holiday']]);
    expect(change!.reason.zh).toBe(
      '国办发明电〔2026〕99号：2027-01-01（星期五）由工作日（暂定）改为元旦假期；2027年节假日安排已公布（国办发明电〔2026〕99号），不再暂定；到期日由 2027-01-04 改为 2027-01-05。',
    );
    expect(change!.reason.en).toContain('the 2027 holiday arrangements are published (国办发明电〔2026〕99号), no longer provisional');
  });

  it('reports a provisional deadline whose date stays as confirmed, without moving it', () => {
    // 2027-01-04 (Monday) + 3 working days: 5–7 January, untouched by the fixture's 元旦.
    const wd = current.addWorkingDays('2027-01-04', 3);
    const before = { kind: 'coordinationEscalation', due: wd.due, at: wd.deadline, from: '2027-01-04', workingDays: wd };
    const [change] = recomputeWith([before], current, withYear).changes;
    expect(change).toMatchObject({ moved: false, provisional: false, days: [] });
    expect(change!.after.due).toBe('2027-01-07');
    expect(change!.reason.zh).toContain('到期日 2027-01-07 不变');
  });

  it('marks a deadline still counted over a year without a notice as provisional', () => {
    const wd = current.addWorkingDays('2027-12-20', 20);
    const before = { kind: 'agreement', due: wd.due, at: wd.deadline, from: '2027-12-20', workingDays: wd };
    const r = recomputeWith([before], current, withYear);
    const [change] = r.changes;
    expect(change).toMatchObject({ provisional: true, provisionalYears: [2028] });
    expect(change!.reason.zh).toContain('仍为暂定：2028年尚无国务院公布的节假日安排');
  });

  it('the bundled versions agree with calendars built from the same files', () => {
    expect(current.version).toBe(calendarAt().version);
    expect(current.addWorkingDays('2020-01-20', 10)).toEqual(calendarAt().addWorkingDays('2020-01-20', 10));
  });
});
