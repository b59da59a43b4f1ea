// The pure part of the calendarUpdated update: which timers move by how much, what the case's
// context becomes, who is told, and which requests a case refuses. No server needed.
import { LEGACY_CALENDAR_VERSION, CALENDAR_VERSION, addWorkingDays } from '../../machines/calendar';
import type { HandoverContext } from '../../machines/handover';
import { calendarPatchId, calendarUpdateRefusal, chooseCalendarVersion, movedDateNotifications, planCalendarUpdate } from '../../workflows/calendar-upgrade';
import type { ScheduledEvent } from '../../workflows/host/machine-host';

const DAY_MS = 86_400_000;

/** A case whose plan was agreed on 2020-01-20, counted under the version before 国办发明电〔2020〕1号. */
function caseAgreedOn20January(): { context: HandoverContext; pending: ScheduledEvent[] } {
  const agreement = addWorkingDays('2020-01-20', 10, LEGACY_CALENDAR_VERSION);
  const reminder = addWorkingDays('2020-01-20', 7, LEGACY_CALENDAR_VERSION);
  const context = {
    caseId: 'handover-test',
    enterpriseName: '重庆某机械厂',
    calendarVersion: LEGACY_CALENDAR_VERSION,
    deadlines: {
      agreement: { kind: 'agreement', due: agreement.due, at: agreement.deadline, from: '2020-01-20', workingDays: agreement, clause: '§三(三)' },
      agreementReminder: { kind: 'agreementReminder', due: reminder.due, at: reminder.deadline, from: '2020-01-20', workingDays: reminder, clause: '§三(三)' },
      cityTarget: { kind: 'cityTarget', due: '2020-12-31', at: '2020-12-31T16:00:00.000Z', from: '2017-08-01', clause: '§一(二)' },
    },
  } as unknown as HandoverContext;
  const timer = (delay: string, at: string): ScheduledEvent => {
    const id = `xstate.after.${delay}.handover.agreement.drafting`;
    return { id, event: { type: id }, dueAt: Date.parse(at) };
  };
  return {
    context,
    pending: [timer('agreementReminder', reminder.deadline), timer('agreementDeadline', agreement.deadline), timer('cityTarget', '2020-12-31T16:00:00.000Z')],
  };
}

describe('planCalendarUpdate', () => {
  it('moves the timers of the recomputed deadlines by as much as their deadline moved, and nothing else', () => {
    const { context, pending } = caseAgreedOn20January();
    const plan = planCalendarUpdate(context, pending, 12);
    expect(context.deadlines.agreement!.due).toBe('2020-02-07');
    expect(plan.context.deadlines.agreement).toMatchObject({ due: '2020-02-11', at: '2020-02-11T16:00:00.000Z' });
    expect(plan.context.calendarVersion).toBe(12);
    expect(plan.context.deadlines.cityTarget).toBe(context.deadlines.cityTarget);
    // 2020-01-20 + 7: 2020-02-04 before the extension (31 January and 1 February counted), 2020-02-06 after it.
    expect(plan.context.deadlines.agreementReminder!.due).toBe('2020-02-06');
    expect(plan.dueAt).toEqual({
      'xstate.after.agreementDeadline.handover.agreement.drafting': pending[1]!.dueAt + 4 * DAY_MS,
      'xstate.after.agreementReminder.handover.agreement.drafting': pending[0]!.dueAt + 2 * DAY_MS,
    });
    expect(plan.result).toMatchObject({ caseId: 'handover-test', fromVersion: LEGACY_CALENDAR_VERSION, toVersion: 12, unchanged: [] });
    expect(plan.result.changes.map((c) => [c.kind, c.before.due, c.after.due, c.moved, c.notices])).toEqual([
      ['agreementReminder', '2020-02-04', '2020-02-06', true, ['国办发明电〔2020〕1号']],
      ['agreement', '2020-02-07', '2020-02-11', true, ['国办发明电〔2020〕1号']],
    ]);
  });

  it('leaves a deadline whose timer has already fired', () => {
    const { context, pending } = caseAgreedOn20January();
    const plan = planCalendarUpdate(context, pending.slice(1), 12);
    expect(plan.result.changes.map((c) => c.kind)).toEqual(['agreement']);
    expect(plan.context.deadlines.agreementReminder).toBe(context.deadlines.agreementReminder);
  });

  it('tells the parties of each date that moved, once per move', () => {
    const { context, pending } = caseAgreedOn20January();
    const effects = movedDateNotifications(planCalendarUpdate(context, pending, 12).result, context.enterpriseName, () => '§三(三)');
    expect(effects).toHaveLength(2);
    expect(effects[1]).toMatchObject({
      type: 'notify',
      params: { reason: 'calendarDeadlineMoved', to: ['enterprise', 'districtGovernment', 'districtCivilAffairs'], dueKey: 'agreement:2020-02-07>2020-02-11', clause: '§三(三)' },
    });
    const message = (effects[1]!.params as { message: { zh: string; en: string } }).message;
    expect(message.zh).toContain('签订移交协议期限到期日由 2020-02-07 改为 2020-02-11（依据 国办发明电〔2020〕1号）');
    expect(message.en).toContain('the agreement deadline is now due 2020-02-11 instead of 2020-02-07');
  });
});

describe('calendarUpdateRefusal', () => {
  const context = { calendarVersion: 12 } as HandoverContext;
  it.each([[undefined], [{}], [{ version: '12' }], [{ version: 0 }], [{ version: CALENDAR_VERSION + 1 }], [{ version: 12.5 }]])('refuses %j as an unknown version', (request) => {
    expect(calendarUpdateRefusal(context, request)).toMatchObject({ code: 'calendarVersionUnknown' });
  });

  it('refuses an older version; takes the same or a newer bundled one', () => {
    expect(calendarUpdateRefusal(context, { version: 11 })).toMatchObject({ code: 'calendarVersionOlder', message: { zh: expect.stringContaining('版本只能前进') } });
    expect(calendarUpdateRefusal(context, { version: 12 })).toBeUndefined();
    expect(calendarUpdateRefusal({} as HandoverContext, { version: 11 })).toBeUndefined(); // no version recorded: the legacy one
  });
});

describe('the calendar version a run pins (patch markers)', () => {
  /** A run's patch markers: a new run records what it asks for first; a replay finds only what its history holds. */
  const run = (history: string[] | 'new') => {
    const asked: string[] = [];
    const isPatched = (id: string) => {
      asked.push(id);
      return history === 'new' || history.includes(id);
    };
    return { isPatched, asked };
  };

  it('takes the newest of the bundle in a new run, and that one again when replayed by a newer bundle', () => {
    const fresh = run('new');
    expect(chooseCalendarVersion(13, 12, fresh.isPatched)).toBe(13);
    expect(fresh.asked).toEqual([calendarPatchId(13)]);
    const replay = run([calendarPatchId(13)]);
    expect(chooseCalendarVersion(15, 12, replay.isPatched)).toBe(13);
    expect(replay.asked).toEqual(['calendar-v15', 'calendar-v14', 'calendar-v13']);
  });

  it('keeps the version of runs that recorded no marker, and asks for none while the bundle is no newer than it', () => {
    expect(chooseCalendarVersion(15, 12, run([]).isPatched)).toBe(12);
    const current = run('new');
    expect(chooseCalendarVersion(12, 12, current.isPatched)).toBe(12);
    expect(current.asked).toEqual([]);
    // A case's default: runs without a marker count with the legacy version.
    expect(chooseCalendarVersion(CALENDAR_VERSION, LEGACY_CALENDAR_VERSION, run([]).isPatched)).toBe(LEGACY_CALENDAR_VERSION);
  });
});
