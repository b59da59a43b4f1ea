// 待办 and the case page in real headless Chromium on a phone-width screen (390 px): a township official signs in with
// a password and finds exactly the running cases of its township where it may act, nearest deadline first; reads
// and marks its notification; opens a case: stage bar, statechart on demand fitted to the page with Chinese labels
// only, the timeline's decisions as labelled fields. Screenshots go to test-artifacts/console/.
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { UsersStore } from '../../client/admin/users';
import { AuditLog } from '../../client/api/audit';
import { buildApi } from '../../client/api/server';
import { addWorkingDays, shanghaiDate } from '../../machines/calendar';
import { startDevHarness, type CaseHarness } from '../helpers/handover-env';
import { freshCreditCode, PAYLOADS } from '../helpers/decisions';
import { eventually } from '../helpers/eventually';

// Functions passed to page.evaluate run in the browser; the project compiles without the DOM library.
declare const document: { documentElement: { scrollWidth: number }; querySelector(s: string): any; querySelectorAll(s: string): any };

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(__dirname, '..', '..', 'test-artifacts', 'console');
process.env.HANDOVER_SCRYPT_LOG2N = '14';

let h: CaseHarness;
let app: FastifyInstance;
let browser: Browser;
let base: string;
const tokens: Record<string, string> = {};
const password = 'Qijiang-Street-2026';
const today = shanghaiDate(Date.now());
const earlier = shanghaiDate(Date.now() - 16 * 86_400_000);
const ids = { fresh: '', today: '', earlier: '', otherTownship: '', closed: '' };

async function call(method: 'GET' | 'POST', url: string, payload?: unknown, as = 'qijiang') {
  const res = await app.inject({ method, url, headers: { authorization: `Bearer ${tokens[as]}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: res.statusCode, body: res.json() as any };
}
async function open(township: string, name: string): Promise<string> {
  const r = await call('POST', '/api/cases', { creditCode: freshCreditCode(), enterpriseName: name, district: '綦江区', township, settings: { cityTargetDate: '2099-12-31' } });
  expect(r.status).toBe(201);
  return r.body.caseId;
}
async function decide(caseId: string, type: keyof typeof PAYLOADS, on: string) {
  expect((await call('POST', `/api/cases/${caseId}/decisions`, { type, occurredOn: on, data: PAYLOADS[type] })).status).toBe(200);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`npm test\` (scripts/ensure-chromium.sh installs it).`);
  mkdirSync(SHOTS, { recursive: true });
  h = await startDevHarness(`todo-browser-${process.pid}-${Date.now()}`);
  const dir = mkdtempSync(join(tmpdir(), 'handover-todo-browser-'));
  const users = new UsersStore(join(dir, 'users.json'));
  app = await buildApi({ client: h.client, taskQueue: h.taskQueue, users, audit: new AuditLog(join(dir, 'audit.jsonl')), reportsDir: join(dir, 'reports'), record: h.record, outbox: h.outbox, dataDir: dir });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  tokens.qijiang = users.add({ name: 'qijiang', role: 'districtCivilAffairs', org: '綦江区' }).token;
  users.add({ name: 'gunan', role: 'township', org: '綦江区/古南街道', displayName: '古南街道 经办人' });
  await users.setPassword('gunan', password);

  ids.fresh = await open('古南街道', '古南一厂');
  ids.today = await open('古南街道', '古南二厂');
  ids.earlier = await open('古南街道', '古南三厂');
  ids.otherTownship = await open('文龙街道', '文龙四厂');
  ids.closed = await open('古南街道', '古南五厂');
  await decide(ids.today, 'SURVEY_SUBMITTED', today);
  await decide(ids.today, 'SURVEY_CONFIRMED', today);
  await decide(ids.earlier, 'SURVEY_SUBMITTED', earlier);
  await decide(ids.earlier, 'SURVEY_CONFIRMED', earlier);
  await decide(ids.otherTownship, 'SURVEY_SUBMITTED', earlier);
  await decide(ids.otherTownship, 'SURVEY_CONFIRMED', earlier);
  await h.client.workflow.getHandle(ids.closed).terminate('closed for the to-do test');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await h?.stop();
});

async function phone(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.getByTestId('login-name').fill('gunan');
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('case-list').waitFor();
  return { context, page };
}
const width = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

describe('待办 on a phone (390 px)', () => {
  it("shows a township exactly its own running cases where it may act, nearest deadline first, and its notification", async () => {
    // The visibility store lists new cases within moments: wait until the API sees all three.
    await eventually(async () => {
      const r = await app.inject({ method: 'GET', url: '/api/cases?district=綦江区', headers: { authorization: `Bearer ${tokens.qijiang}` } });
      expect((r.json() as { cases: unknown[] }).cases.length).toBeGreaterThanOrEqual(5);
    }, 30_000);
    const { context, page } = await phone();
    // The case list fits the phone too: enterprise, stage and deadline in one line.
    await page.locator(`[data-case="${ids.earlier}"]`).waitFor();
    expect(await page.locator(`[data-case="${ids.earlier}"]`).textContent()).toContain('古南三厂');
    expect(await width(page)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SHOTS, '09-case-list-390.png') });
    await page.getByTestId('nav-todo').click();
    await page.getByTestId('todo-list').waitFor();
    const shown = await page.locator('[data-todo-case]').evaluateAll((els) => els.map((e) => e.getAttribute('data-todo-case')));
    // The earlier negotiation's reminder has passed (overdue) and comes first, today's reminder (10 working days)
    // next; the fresh case has only the city's 2099 target. The other township's and the closed case are not there.
    expect(addWorkingDays(earlier, 10).due < today).toBe(true);
    expect(shown).toEqual([ids.earlier, ids.today, ids.fresh]);
    expect(await page.locator(`[data-todo-case="${ids.earlier}"]`).getByTestId('overdue').textContent()).toMatch(/^已逾期 \d+ 个工作日$/);
    const second = page.locator(`[data-todo-case="${ids.today}"]`);
    expect(await second.getByTestId('days-left').textContent()).toBe('剩余 10 个工作日');
    expect(await second.textContent()).toContain('提出工作方案');
    expect(await second.textContent()).not.toContain('WORK_PLAN_PROPOSED');
    expect(await width(page)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SHOTS, '10-todo-390.png'), fullPage: true });

    // A 催办 reminder as the worker records it, addressed to the township; marked read, it stays read. (The cases' own
    // reminders were recorded late and wait lateRecordGraceHours, at least an hour, before they fire.)
    for (const caseId of [ids.earlier, ids.otherTownship]) {
      await h.outbox.record({
        caseId,
        reason: 'negotiationReminder',
        dueKey: addWorkingDays(earlier, 10).due,
        recipients: ['township', 'enterprise'],
        clause: '§三(二)',
        message: { zh: '工作方案协商已满 10 个工作日，请抓紧协商（催办）', en: 'work plan negotiation reminder' },
        enterpriseName: caseId === ids.earlier ? '古南三厂' : '文龙四厂',
        district: '綦江区',
      });
    }
    await page.getByTestId('tab-notifications').click();
    await page.getByTestId('notification-list').waitFor();
    const items = page.locator('[data-notification]');
    expect(await items.count()).toBe(1);
    expect(await items.first().textContent()).toContain('古南三厂');
    expect(await width(page)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SHOTS, '11-notifications-390.png'), fullPage: true });
    await page.getByTestId('mark-all-read').click();
    await page.locator('[data-notification].read').waitFor();
    expect((await call('GET', '/api/todo/notifications', undefined, 'qijiang')).status).toBe(200);
    await context.close();
  });

  it('opens a case from the to-do list: stage bar, statechart on demand fitted to the page in Chinese, the decisions as labelled fields', async () => {
    const { context, page } = await phone();
    await page.goto(`${base}/#/todo`);
    await page.locator(`[data-todo-case="${ids.earlier}"] a`).first().click();
    await page.getByTestId('stage-bar').waitFor();
    // The stage bar: 摸排 done with its date, 方案 current.
    const steps = await page.locator('[data-step]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-step')}:${e.getAttribute('data-status')}`));
    expect(steps).toEqual(['survey:done', 'plan:current', 'agreement:todo', 'implementation:todo', 'transition:todo', 'completed:todo']);
    expect(await page.locator('[data-step="survey"]').textContent()).toContain(earlier);
    // The survey's figures, as labelled fields, not JSON.
    const timeline = await page.getByTestId('timeline').textContent();
    expect(timeline).not.toContain('{"');
    expect(timeline).toContain('提交摸排结果');
    expect(await width(page)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SHOTS, '12-case-390.png'), fullPage: true });

    // The statechart is drawn only on request, no wider than the page, with no event or guard identifiers.
    expect(await page.locator('[data-testid="diagram"] svg').count()).toBe(0);
    await page.getByTestId('show-diagram').click();
    await page.locator('[data-testid="diagram"] svg').waitFor();
    const fit = await page.evaluate(() => {
      const svg = document.querySelector('[data-testid="diagram"] svg');
      return { svg: svg.getBoundingClientRect().width, box: document.querySelector('[data-testid="diagram"]').clientWidth, text: svg.textContent as string };
    });
    expect(fit.svg).toBeLessThanOrEqual(fit.box + 1);
    expect(fit.text).toContain('协商中');
    expect(fit.text).not.toMatch(/[A-Z]{3,}_[A-Z]{3,}/);
    expect(fit.text).not.toMatch(/\b(survey|negotiating|surveyed|workPlan)\b/);
    expect(await width(page)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SHOTS, '13-case-diagram-390.png'), fullPage: true });
    await context.close();
  });
});
