// A new State Council notice reaching a running case, on the real time-skipping server:
// worker A bundles today's calendar; worker B is the same code with one more notice (a TEST
// FIXTURE for 2027, whose real notice is not published). A case opened under A keeps its calendar
// version when B replays it; `calendarUpdated` moves its provisional deadline, its timer, records
// why and tells the parties; a new case under B counts with B's newest version.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { Outbox } from '../../activities/outbox';
import { CALENDAR_LAST_YEAR, CALENDAR_VERSION, Calendar, calendarAt, loadNotices, type NoticeFile } from '../../machines/calendar';
import { NOTICE_FILES } from '../../machines/calendar/notices';
import { caseState, caseTimeline } from '../../client/cases';
import { calendarUpdatedUpdate, type CalendarUpdateResult } from '../../workflows/calendar-upgrade';
import { PARTIES, freshCreditCode } from '../helpers/decisions';
import { eventually } from '../helpers/eventually';
import { OPENING, act, startCase, today } from '../helpers/handover-env';
import { timeSkippingEnv } from '../helpers/servers';
import { startStoppableWorker, stopStartedWorkers, workflowBundle } from '../helpers/worker';
import { bundleWithNotice } from './calendar-fixture';

const NEXT = CALENDAR_VERSION + 1;
/** The first year without a notice, and its first weekday (a working day now, provisionally). */
const YEAR = CALENDAR_LAST_YEAR + 1;
const FIRST_WEEKDAY = [1, 2, 3, 4, 5, 6, 7].map((d) => `${YEAR}-01-0${d}`).find((d) => calendarAt().isWorkingDay(d))!;
const NOTICE = `国办发明电〔${YEAR - 1}〕99号`;
// A TEST FIXTURE standing for the next year's notice: its number is made up, its one holiday is
// put on the year's first weekday so that it moves a deadline counted over it.
const FIXTURE: NoticeFile = {
  file: `${YEAR}-${YEAR - 1}-99.json`,
  data: {
    sequence: NEXT,
    documentNumber: NOTICE,
    title: `国务院办公厅关于${YEAR}年部分节假日安排的通知（测试用）`,
    published: `${YEAR - 1}-11-20`,
    year: YEAR,
    kind: 'annual',
    holidays: [{ name: '元旦', nameEn: "New Year's Day", from: FIRST_WEEKDAY, to: FIRST_WEEKDAY, days: 1 }],
    makeupWorkdays: [],
  },
};
const withFixture = new Calendar(loadNotices([...NOTICE_FILES, FIXTURE]));

const bundleWithFixture = () => bundleWithNotice(FIXTURE);

let env: TestWorkflowEnvironment;
let dataDir: string;
let outbox: Outbox;
const TASK_QUEUE = 'calendar-upgrade';

/** A worker on the test server with real activities; the same data folder and outbox for A and B. */
async function startWorker(workflowBundle: WorkflowBundleWithSourceMap): Promise<() => Promise<void>> {
  return startStoppableWorker({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle,
    activities: createActivities({ dataDir, outbox, client: env.client }),
    // No sticky queue: the test server would keep sending the case's tasks to worker A after it stopped.
    maxCachedWorkflows: 0,
  });
}

beforeAll(async () => {
  env = await timeSkippingEnv();
  dataDir = mkdtempSync(join(tmpdir(), 'calendar-upgrade-'));
  outbox = new Outbox(join(dataDir, 'outbox.sqlite'));
});

afterAll(async () => {
  await stopStartedWorkers();
  outbox?.close();
  await env?.teardown();
});

async function sleepUntil(instant: string, offsetMs = 0) {
  const ms = Date.parse(instant) + offsetMs - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}

const CODE = freshCreditCode();
const CODE_B = freshCreditCode();

// Two workflow bundles are built (about 10 s each on a busy machine).
jest.setTimeout(180_000);

describe('calendarUpdated on a running case', () => {
  it('keeps the version under a newer bundle, then moves the provisional deadline, its timer, and says why', async () => {
    // Plan agreed on 21 December: 10 working days run into a year that has no notice in worker A.
    const stopA = await startWorker(await workflowBundle());
    await sleepUntil(`${YEAR - 1}-12-21T01:00:00.000Z`);
    const agreedOn = await today(env);
    expect(agreedOn >= `${YEAR - 1}-12-21` && agreedOn <= `${YEAR - 1}-12-24`).toBe(true); // else the clock is past the fixture year
    const handle = await startCase(env.client, { ...OPENING, creditCode: CODE }, { taskQueue: TASK_QUEUE, registerForReports: false });
    const caseId = handle.workflowId;
    const send = act(env.client, caseId, { ...PARTIES, creditCode: CODE });
    await send('SURVEY_SUBMITTED', 'districtCivilAffairs', agreedOn);
    await send('SURVEY_CONFIRMED', 'districtCivilAffairs', agreedOn);
    await send('WORK_PLAN_PROPOSED', 'township', agreedOn);
    await send('WORK_PLAN_ACCEPTED', 'enterprise', agreedOn);
    const before = await caseState(env.client, caseId);
    expect(before.context.calendarVersion).toBe(CALENDAR_VERSION);
    const agreementBefore = before.context.deadlines.agreement!;
    expect(agreementBefore.workingDays).toMatchObject({ provisional: true, provisionalYears: [YEAR], calendarVersion: CALENDAR_VERSION });
    const expected = withFixture.addWorkingDays(agreedOn, 10);
    expect(expected.due > agreementBefore.due).toBe(true); // the fixture's holiday moves it by a day

    // Worker B (one more notice) takes over: replaying the case does not change its deadlines.
    await stopA();
    const stopB = await startWorker(await bundleWithFixture());
    try {
      const replayed = await caseState(env.client, caseId);
      expect(replayed.context.calendarVersion).toBe(CALENDAR_VERSION);
      expect(replayed.context.deadlines.agreement).toEqual(agreementBefore);

      // A refused update changes nothing: an unknown version, an older one.
      await expect(handle.executeUpdate(calendarUpdatedUpdate, { args: [{ version: NEXT + 1 }] })).rejects.toMatchObject({ cause: { type: 'Refused:calendarVersionUnknown' } });
      await expect(handle.executeUpdate(calendarUpdatedUpdate, { args: [{ version: CALENDAR_VERSION - 1 }] })).rejects.toMatchObject({ cause: { type: 'Refused:calendarVersionOlder' } });

      const result: CalendarUpdateResult = await handle.executeUpdate(calendarUpdatedUpdate, { args: [{ version: NEXT }] });
      expect(result).toMatchObject({ caseId, fromVersion: CALENDAR_VERSION, toVersion: NEXT });
      const moved = result.changes.find((c) => c.kind === 'agreement');
      expect(moved).toMatchObject({
        moved: true,
        before: { due: agreementBefore.due, provisional: true },
        after: { due: expected.due, at: expected.deadline, provisional: false },
        notices: [NOTICE],
        timers: [expect.stringContaining('agreementDeadline')],
      });
      expect(moved!.reason.zh).toContain(`${FIRST_WEEKDAY}（`);
      expect(moved!.reason.zh).toContain('由工作日（暂定）改为元旦假期');
      expect(moved!.reason.zh).toContain(`到期日由 ${agreementBefore.due} 改为 ${expected.due}`);

      const after = await caseState(env.client, caseId);
      expect(after.context.calendarVersion).toBe(NEXT);
      expect(after.context.deadlines.agreement).toMatchObject({ due: expected.due, at: expected.deadline });
      expect(after.pendingTimers.find((t) => t.id.includes('agreementDeadline'))?.dueAt).toBe(expected.deadline);

      // Recorded on the case, and the parties told.
      const notes = (await caseTimeline(env.client, caseId)).filter((e) => e.kind === 'note' && e.type === 'calendarUpdated');
      expect(notes).toHaveLength(1);
      const told = await eventually(() => {
        const rows = outbox.list({ caseId, reason: 'calendarDeadlineMoved' });
        expect(rows.length).toBeGreaterThanOrEqual(1);
        return rows;
      });
      const row = told.find((r) => r.dueKey === `agreement:${agreementBefore.due}>${expected.due}`);
      expect(row?.recipients).toEqual(['enterprise', 'districtGovernment', 'districtCivilAffairs']);

      // The same version again changes nothing.
      expect(await handle.executeUpdate(calendarUpdatedUpdate, { args: [{ version: NEXT }] })).toMatchObject({ alreadyCurrent: true, changes: [] });

      // The timer fires at the new instant, not the old one.
      await sleepUntil(agreementBefore.at, 60_000);
      expect(outbox.list({ caseId, reason: 'agreementEscalated' })).toHaveLength(0);
      await sleepUntil(expected.deadline, 60_000);
      await eventually(() => expect(outbox.list({ caseId, reason: 'agreementEscalated' }).map((r) => r.dueKey)).toEqual([expected.due]));

      // A case opened under worker B counts with B's newest version.
      const fresh = await startCase(env.client, { ...OPENING, creditCode: CODE_B }, { taskQueue: TASK_QUEUE, registerForReports: false });
      expect((await caseState(env.client, fresh.workflowId)).context.calendarVersion).toBe(NEXT);

      // The history with the update replays deterministically on worker B's code.
      const history = await handle.fetchHistory();
      await expect(Worker.runReplayHistory({ workflowBundle: await bundleWithFixture() }, history, caseId)).resolves.toBeUndefined();
    } finally {
      await stopB();
    }
  });
});
