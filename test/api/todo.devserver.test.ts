// 待办 / 已办 / 通知 through the HTTP API over the real dev server and worker: a township's to-do holds exactly the
// running cases of its own township where it may act, nearest deadline first (working days counted with the
// calendar); another township or another district sees nothing of them; 已办 lists a user's own decisions; the
// notifications are those addressed to the user's role and organisation, with per-user read marks.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { OutboxRow } from '../../activities/outbox';
import { UsersStore } from '../../client/admin/users';
import { AuditLog } from '../../client/api/audit';
import { buildApi } from '../../client/api/server';
import { sendDecision } from '../../client/cases';
import { addWorkingDays, shanghaiDate } from '../../machines/calendar';
import { startDevHarness, type CaseHarness } from '../helpers/handover-env';
import { freshCreditCode, PAYLOADS } from '../helpers/decisions';
import { eventually } from '../helpers/eventually';

let h: CaseHarness;
let app: FastifyInstance;
const tokens: Record<string, string> = {};
const today = shanghaiDate(Date.now());
const daysAgo = (n: number) => shanghaiDate(Date.now() - n * 86_400_000);
// Negotiation started 16 calendar days ago (recorded late): its reminder (10 working days) has passed.
const earlier = daysAgo(16);
const ids = { fresh: '', today: '', earlier: '', otherTownship: '', otherDistrict: '', closed: '' };

async function call(user: string, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const res = await app.inject({ method, url, headers: { authorization: `Bearer ${tokens[user]}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: res.statusCode, body: res.json() as any };
}

async function open(as: string, district: string, township: string, name: string): Promise<string> {
  const code = freshCreditCode();
  const r = await call(as, 'POST', '/api/cases', { creditCode: code, enterpriseName: name, district, township, settings: { cityTargetDate: '2099-12-31' } });
  expect(r.status).toBe(201);
  return r.body.caseId;
}

async function decide(as: string, caseId: string, type: keyof typeof PAYLOADS, occurredOn: string) {
  const r = await call(as, 'POST', `/api/cases/${caseId}/decisions`, { type, occurredOn, data: PAYLOADS[type] });
  expect(r).toMatchObject({ status: 200 });
}

/** Survey submitted and confirmed on `on`: negotiation (workPlan.negotiating) starts that day. */
async function toNegotiation(as: string, caseId: string, on: string) {
  await decide(as, caseId, 'SURVEY_SUBMITTED', on);
  await decide(as, caseId, 'SURVEY_CONFIRMED', on);
}

beforeAll(async () => {
  h = await startDevHarness(`todo-${process.pid}-${Date.now()}`);
  const dir = mkdtempSync(join(tmpdir(), 'handover-todo-'));
  const users = new UsersStore(join(dir, 'users.json'));
  app = await buildApi({ client: h.client, taskQueue: h.taskQueue, users, audit: new AuditLog(join(dir, 'audit.jsonl')), reportsDir: join(dir, 'reports'), record: h.record, outbox: h.outbox, dataDir: dir });
  const add = (name: string, role: any, org: string) => (tokens[name] = users.add({ name, role, org }).token);
  add('banan', 'districtCivilAffairs', '巴南区');
  add('yudong', 'township', '巴南区/鱼洞街道');
  add('lijiatuo', 'township', '巴南区/李家沱街道');
  add('bishan', 'districtCivilAffairs', '璧山区');
  add('bicheng', 'township', '璧山区/璧城街道');

  ids.fresh = await open('banan', '巴南区', '鱼洞街道', '待办测试一厂');
  ids.today = await open('banan', '巴南区', '鱼洞街道', '待办测试二厂');
  ids.earlier = await open('banan', '巴南区', '鱼洞街道', '待办测试三厂');
  ids.otherTownship = await open('banan', '巴南区', '李家沱街道', '待办测试四厂');
  ids.otherDistrict = await open('bishan', '璧山区', '璧城街道', '待办测试五厂');
  ids.closed = await open('banan', '巴南区', '鱼洞街道', '待办测试六厂');
  await toNegotiation('banan', ids.today, today);
  await toNegotiation('banan', ids.earlier, earlier);
  await toNegotiation('banan', ids.otherTownship, earlier);
  await toNegotiation('bishan', ids.otherDistrict, earlier);
  await h.client.workflow.getHandle(ids.closed).terminate('closed for the to-do test');
}, 180_000);

afterAll(async () => {
  await app?.close();
  await h?.stop();
});

const ours = (items: Array<{ caseId: string }>) => items.map((i) => i.caseId).filter((id) => Object.values(ids).includes(id));

describe('待办 (GET /api/todo)', () => {
  it("lists exactly the township's own running cases where it may act, nearest deadline first, with days left in working days", async () => {
    const todo = await eventually(async () => {
      const r = await call('yudong', 'GET', '/api/todo');
      expect(r.status).toBe(200);
      expect(ours(r.body.items)).toEqual([ids.earlier, ids.today, ids.fresh]);
      return r.body;
    }, 30_000);
    expect(todo.today).toBe(today);
    // Every item is one of ours: the district's other townships, other districts and closed cases are not there.
    expect(todo.items.map((i: { caseId: string }) => i.caseId)).toEqual(ours(todo.items));
    const [first, second, third] = todo.items;
    // Each item's deadline is the nearest of its case's pending deadlines (GET /api/cases/{id}), overdue when passed.
    for (const item of [first, second]) {
      const view = (await call('yudong', 'GET', `/api/cases/${item.caseId}`)).body as { deadlines: Array<{ kind: string; due: string }> };
      const nearest = [...view.deadlines].sort((a, b) => a.due.localeCompare(b.due))[0]!;
      expect(item.deadline).toMatchObject({ kind: nearest.kind, due: nearest.due, overdue: nearest.due < today });
      expect(item.overdue).toBe(nearest.due < today);
    }
    // The earlier negotiation's reminder (10 working days from its start) has passed: overdue, counted back in
    // working days; today's falls due in exactly 10 working days.
    const passed = addWorkingDays(earlier, 10).due;
    const reminder = addWorkingDays(today, 10).due;
    expect(first.deadline).toMatchObject({ kind: 'negotiationReminder', due: passed, workingDays: true, overdue: true, label: { zh: expect.any(String) } });
    expect(first.deadline.daysLeft).toBeLessThan(0);
    expect(first.overdue).toBe(true);
    expect(second.deadline).toMatchObject({ kind: 'negotiationReminder', due: reminder, workingDays: true, daysLeft: 10, overdue: false, clause: '§三(二)' });
    // What the township may do: propose the work plan; reporting a problem (open at any time) is no to-do.
    expect(second.actions.map((a: { type: string }) => a.type)).toContain('WORK_PLAN_PROPOSED');
    expect(second.actions.find((a: { type: string }) => a.type === 'WORK_PLAN_PROPOSED').title.zh).toBe('提出工作方案');
    for (const item of todo.items) expect(item.actions.map((a: { type: string }) => a.type)).not.toContain('MAJOR_PROBLEM_REPORTED');
    expect(third).toMatchObject({ caseId: ids.fresh, stage: 'survey', stageLabel: { zh: '摸排' } });
    expect(third.actions.map((a: { type: string }) => a.type)).toEqual(['SURVEY_SUBMITTED']);
  });

  it('shows another township of the district only its own case, and another district none of these', async () => {
    const other = await eventually(async () => {
      const r = await call('lijiatuo', 'GET', '/api/todo');
      expect(ours(r.body.items)).toEqual([ids.otherTownship]);
      return r;
    }, 30_000);
    expect(other.status).toBe(200);
    const bicheng = await call('bicheng', 'GET', '/api/todo');
    expect(ours(bicheng.body.items)).toEqual([ids.otherDistrict]);
    const bishan = await call('bishan', 'GET', '/api/todo');
    expect(ours(bishan.body.items).filter((id) => id !== ids.otherDistrict)).toEqual([]);
  });
});

describe('已办 (GET /api/todo/done)', () => {
  it("lists the user's own applied decisions, newest first, and nobody else's", async () => {
    // The case record holds a decision moments after its answer: a case writes a burst of decisions together
    // (patch record-gathered-1, within RECORD_GATHER_MS).
    const banan = await eventually(async () => {
      const r = await call('banan', 'GET', '/api/todo/done');
      expect(r.status).toBe(200);
      const mine = r.body.items.map((i: { caseId: string; type: string }) => `${i.caseId}:${i.type}`);
      expect(mine).toEqual([
        `${ids.otherTownship}:SURVEY_CONFIRMED`,
        `${ids.otherTownship}:SURVEY_SUBMITTED`,
        `${ids.earlier}:SURVEY_CONFIRMED`,
        `${ids.earlier}:SURVEY_SUBMITTED`,
        `${ids.today}:SURVEY_CONFIRMED`,
        `${ids.today}:SURVEY_SUBMITTED`,
      ]);
      return r;
    });
    expect(banan.body.items[0].title.zh).toBe('确认摸排结果，按原计划推进');
    await eventually(async () => expect((await call('bishan', 'GET', '/api/todo/done')).body.items.map((i: { caseId: string }) => i.caseId)).toEqual([ids.otherDistrict, ids.otherDistrict]));
    expect((await call('yudong', 'GET', '/api/todo/done')).body.items).toEqual([]);

    await decide('yudong', ids.today, 'WORK_PLAN_PROPOSED', today);
    // The decision is answered first and written to the case record moments later (the workflow's reply-first).
    const done = async (user: string) => (await call(user, 'GET', '/api/todo/done')).body.items as Array<{ caseId: string; type: string }>;
    await eventually(async () => expect((await done('yudong')).map((i) => `${i.caseId}:${i.type}`)).toEqual([`${ids.today}:WORK_PLAN_PROPOSED`]));
    expect((await done('yudong'))[0]).toMatchObject({ occurredOn: today, seq: expect.any(Number) });

    // Read from the case record, not the API's log: a decision sent outside the API as the named user (the CLI's
    // `--as yudong`) is listed; one sent as role@organisation names no user and is not.
    const org = { role: 'township' as const, org: '巴南区/鱼洞街道' };
    await sendDecision(h.client, ids.fresh, { type: 'SURVEY_SUBMITTED', actor: { ...org, user: 'yudong' }, occurredOn: today, requestId: `cli-${ids.fresh}`, data: PAYLOADS.SURVEY_SUBMITTED as never }, { record: h.record });
    await sendDecision(h.client, ids.fresh, { type: 'MAJOR_PROBLEM_REPORTED', actor: org, occurredOn: today, requestId: `cli-anon-${ids.fresh}`, data: { summary: '家属区供水管网老化' } }, { record: h.record });
    await eventually(async () =>
      expect((await done('yudong')).map((i) => `${i.caseId}:${i.type}`)).toEqual([`${ids.fresh}:SURVEY_SUBMITTED`, `${ids.today}:WORK_PLAN_PROPOSED`]),
    );
    // The anonymous one is in the record (written after the named one), listed for nobody.
    await eventually(async () => expect((await h.record.page(ids.fresh)).entries.map((e) => e.type)).toContain('MAJOR_PROBLEM_REPORTED'));
    expect((await done('yudong')).map((i) => i.type)).not.toContain('MAJOR_PROBLEM_REPORTED');
  });
});

describe('通知 (GET /api/todo/notifications)', () => {
  it("holds the reminders addressed to the user's role and organisation, with read marks per user", async () => {
    // Reminders (催办) as the worker records them in the outbox, one per case, addressed to the two parties. (The
    // cases' own reminders were recorded late and wait lateRecordGraceHours, at least an hour, before they fire.)
    const rows: OutboxRow[] = [];
    for (const [caseId, district] of [[ids.earlier, '巴南区'], [ids.otherTownship, '巴南区'], [ids.otherDistrict, '璧山区']] as const) {
      const { row } = await h.outbox.record({
        caseId,
        reason: 'negotiationReminder',
        dueKey: addWorkingDays(earlier, 10).due,
        recipients: ['township', 'enterprise'],
        clause: '§三(二)',
        message: { zh: '工作方案协商已满 10 个工作日，请抓紧协商（催办）', en: 'work plan negotiation reminder' },
        district,
      });
      rows.push(row);
    }
    const keyOf = (caseId: string) => rows.find((r) => r.caseId === caseId)!.key;

    const yudong = await call('yudong', 'GET', '/api/todo/notifications');
    expect(yudong.status).toBe(200);
    expect(yudong.body.items.map((i: { caseId: string }) => i.caseId)).toEqual([ids.earlier]);
    expect(yudong.body.items[0]).toMatchObject({ reason: 'negotiationReminder', read: false, key: keyOf(ids.earlier) });
    expect(yudong.body.unread).toBe(1);
    expect((await call('lijiatuo', 'GET', '/api/todo/notifications')).body.items.map((i: { caseId: string }) => i.caseId)).toEqual([ids.otherTownship]);
    expect((await call('bicheng', 'GET', '/api/todo/notifications')).body.items.map((i: { caseId: string }) => i.caseId)).toEqual([ids.otherDistrict]);
    // A district body gets rows addressed to its role only: none of these reminders is.
    const bishanItems = (await call('bishan', 'GET', '/api/todo/notifications')).body.items as Array<{ caseId: string; recipients: string[] }>;
    for (const i of bishanItems) expect(i.recipients).toContain('districtCivilAffairs');
    expect(bishanItems.map((i) => i.caseId)).not.toContain(ids.earlier);

    // Marking another township's notification does nothing; one's own is marked once, for this user only.
    expect((await call('lijiatuo', 'POST', '/api/todo/notifications/read', { keys: [keyOf(ids.earlier)] })).body).toEqual({ marked: 0, unread: 1 });
    expect((await call('yudong', 'POST', '/api/todo/notifications/read', { keys: [keyOf(ids.earlier)] })).body).toEqual({ marked: 1, unread: 0 });
    expect((await call('yudong', 'POST', '/api/todo/notifications/read', { all: true })).body).toEqual({ marked: 0, unread: 0 });
    const after = await call('yudong', 'GET', '/api/todo/notifications');
    expect(after.body.items[0]).toMatchObject({ read: true, readAt: expect.any(String) });
    expect((await call('yudong', 'GET', '/api/todo/notifications?unread=true')).body).toMatchObject({ items: [], unread: 0, total: 1 });
    expect((await call('lijiatuo', 'GET', '/api/todo/notifications')).body.items[0].read).toBe(false);
  });

  it('refuses a read request that names nothing, naming the field', async () => {
    const r = await call('yudong', 'POST', '/api/todo/notifications/read', {});
    expect(r.status).toBe(400);
    expect(r.body.error.message.zh).toContain('keys');
    const unauth = await app.inject({ method: 'GET', url: '/api/todo' });
    expect(unauth.statusCode).toBe(401);
  });
});
