// `handover calendar rollout` on the dev server: a case opened by a worker with today's calendar is
// moved by the CLI to the version of a worker built with one more notice (a TEST FIXTURE: a make-up
// Saturday inside the case's 10-working-day window, so its agreement deadline comes a day earlier).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { Outbox } from '../../activities/outbox';
import type { NoticeFile } from '../../machines/calendar';
import { caseState } from '../../client/cases';
import { cli } from '../helpers/cli';
import { PARTIES, freshCreditCode } from '../helpers/decisions';
import { eventually } from '../helpers/eventually';
import { OPENING, act, startCase } from '../helpers/handover-env';
import { devServerAddress } from '../helpers/servers';
import { startStoppableWorker, stopStartedWorkers, workflowBundle } from '../helpers/worker';
import { bundleWithNotice } from './calendar-fixture';

/**
 * The fixture notice for today's real date, as the next sequence number. Built from the modules
 * that do not import the notice index (which is mocked below with this very fixture).
 */
function mockFixtureNotice(): NoticeFile {
  const { Calendar } = jest.requireActual('../../machines/calendar/calendar') as typeof import('../../machines/calendar/calendar');
  const { loadNotices } = jest.requireActual('../../machines/calendar/notice-schema') as typeof import('../../machines/calendar/notice-schema');
  const { shanghaiDate: dateOf } = jest.requireActual('../../machines/calendar/dates') as typeof import('../../machines/calendar/dates');
  const { NOTICE_FILES } = jest.requireActual('../../machines/calendar/notices') as typeof import('../../machines/calendar/notices');
  const calendar = new Calendar(loadNotices(NOTICE_FILES));
  const today = dateOf(Date.now());
  const year = Number(today.slice(0, 4));
  const due = calendar.addWorkingDays(today, 10).due;
  const window: string[] = [];
  for (let d = mockNextDay(today); d < due; d = mockNextDay(d)) if (d.startsWith(`${year}-`)) window.push(d);
  const base = { sequence: calendar.version + 1, published: today, year, makeupWorkdays: [] as unknown[], holidays: [] as unknown[] };
  const annual = calendar.year(year);
  if (annual) {
    // An amendment making a plain Saturday in the window a working day: the deadline comes a day earlier.
    const saturday = window.find((d) => calendar.dayInfo(d).kind === 'weekend' && new Date(`${d}T00:00:00Z`).getUTCDay() === 6)!;
    return {
      file: `${year}-${year}-98.json`,
      data: { ...base, documentNumber: `国办发明电〔${year}〕98号`, title: '测试用调整通知', kind: 'amendment', amends: annual.notice, makeupWorkdays: [{ date: saturday, for: annual.holidays[0]!.name }], cancelledMakeupWorkdays: [] },
    };
  }
  // No notice for this year yet: an annual notice making a weekday in the window a holiday: a day later.
  const weekday = window.find((d) => calendar.dayInfo(d).kind === 'workday')!;
  return {
    file: `${year}-${year - 1}-98.json`,
    data: { ...base, published: `${year - 1}-12-01`, documentNumber: `国办发明电〔${year - 1}〕98号`, title: '测试用年度通知', kind: 'annual', holidays: [{ name: '元旦', nameEn: "New Year's Day", from: weekday, to: weekday, days: 1 }] },
  };
}

function mockNextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

jest.mock('../../machines/calendar/notices', () => {
  const actual = jest.requireActual('../../machines/calendar/notices') as typeof import('../../machines/calendar/notices');
  return { NOTICE_FILES: [...actual.NOTICE_FILES, mockFixtureNotice()] };
});

// Imported after the mock: this process's calendar has the fixture notice, as a CLI built with it would.
import { CALENDAR_VERSION, addWorkingDays, shanghaiDate } from '../../machines/calendar';

const TASK_QUEUE = `calendar-rollout-${process.pid}-${Date.now()}`;
jest.setTimeout(180_000);

let connection: Connection;
let native: NativeConnection;
let client: Client;
let outbox: Outbox;
let dataDir: string;
const savedEnv = { ...process.env };

async function startWorker(bundle: WorkflowBundleWithSourceMap): Promise<() => Promise<void>> {
  return startStoppableWorker({
    connection: native,
    taskQueue: TASK_QUEUE,
    workflowBundle: bundle,
    activities: createActivities({ dataDir, outbox, client }),
    maxCachedWorkflows: 0, // no sticky queue: worker B takes the case over at once
  });
}

beforeAll(async () => {
  connection = await Connection.connect({ address: devServerAddress() });
  native = await NativeConnection.connect({ address: devServerAddress() });
  client = new Client({ connection });
  dataDir = mkdtempSync(join(tmpdir(), 'calendar-rollout-'));
  outbox = new Outbox(join(dataDir, 'outbox.sqlite'));
  process.env.TEMPORAL_ADDRESS = devServerAddress();
  delete process.env.HANDOVER_LANG;
});

afterAll(async () => {
  await stopStartedWorkers();
  process.env = savedEnv;
  outbox?.close();
  await native?.close();
  await connection?.close();
});

describe('handover calendar rollout', () => {
  it('reports what would move (dry run), moves it, and reports a repeat as nothing to do', async () => {
    const where = `TaskQueue = '${TASK_QUEUE}'`;
    const today = shanghaiDate(Date.now());
    const code = freshCreditCode();

    // Worker A: the repository's calendar (this process has one notice more: CALENDAR_VERSION - 1 there).
    const stopA = await startWorker(await workflowBundle());
    const handle = await startCase(client, { ...OPENING, creditCode: code }, { taskQueue: TASK_QUEUE, registerForReports: false });
    const caseId = handle.workflowId;
    const send = act(client, caseId, { ...PARTIES, creditCode: code });
    await send('SURVEY_SUBMITTED', 'districtCivilAffairs', today);
    await send('SURVEY_CONFIRMED', 'districtCivilAffairs', today);
    await send('WORK_PLAN_PROPOSED', 'township', today);
    await send('WORK_PLAN_ACCEPTED', 'enterprise', today);
    const before = await caseState(client, caseId);
    expect(before.context.calendarVersion).toBe(CALENDAR_VERSION - 1);
    const oldDue = before.context.deadlines.agreement!.due;
    const newDue = addWorkingDays(today, 10).due; // with the fixture
    expect(newDue).not.toBe(oldDue);
    await stopA();

    const stopB = await startWorker(await bundleWithNotice(mockFixtureNotice()));
    try {
      // Visible to the list query (visibility is eventually consistent).
      await eventually(async () => expect((await cli('calendar', 'rollout', '--dry-run', '--where', where)).out.join('\n')).toContain(caseId));

      const dry = await cli('calendar', 'rollout', '--dry-run', '--where', where);
      expect(dry.code).toBe(0);
      // The agreement deadline moves; so may its reminder, counted over the same days.
      const movedLines = dry.out.filter((l) => / → \d{4}-\d{2}-\d{2}: /.test(l));
      expect(movedLines.some((l) => l.startsWith(`  agreement ${oldDue} → ${newDue}: `) && l.includes(`到期日由 ${oldDue} 改为 ${newDue}`))).toBe(true);
      expect(dry.out[0]).toBe(`${caseId}：日历版本 ${CALENDAR_VERSION - 1} → ${CALENDAR_VERSION}，${movedLines.length} 个期限改变`);
      expect(dry.out.at(-1)).toBe(`（试算）日历版本 ${CALENDAR_VERSION}：案件 1 件，期限改变 ${movedLines.length} 个，失败 0 件`);
      expect((await caseState(client, caseId)).context.calendarVersion).toBe(CALENDAR_VERSION - 1); // nothing changed

      const real = await cli('--json', 'calendar', 'rollout', '--where', where);
      expect(real.code).toBe(0);
      const report = JSON.parse(real.out.join('\n')) as { version: number; cases: Array<{ caseId: string; changes: Array<{ kind: string; after: { due: string } }> }>; failures: unknown[] };
      expect(report).toMatchObject({ version: CALENDAR_VERSION, failures: [] });
      expect(report.cases.map((c) => c.caseId)).toEqual([caseId]);
      expect(report.cases[0]!.changes.find((c) => c.kind === 'agreement')?.after.due).toBe(newDue);

      const after = await caseState(client, caseId);
      expect(after.context.calendarVersion).toBe(CALENDAR_VERSION);
      expect(after.context.deadlines.agreement!.due).toBe(newDue);

      const again = await cli('--lang', 'en', 'calendar', 'rollout', '--where', where);
      expect(again.out).toEqual([`${caseId}: already on version ${CALENDAR_VERSION}, nothing changed`, `calendar version ${CALENDAR_VERSION}: 1 case(s), 0 deadline(s) moved, 0 failure(s)`]);
    } finally {
      await handle.terminate('test done').catch(() => undefined);
      await stopB();
    }
  });
});
