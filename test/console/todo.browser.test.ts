// 待办 and the case page in real headless Chromium on a phone-width screen (390 px): a township official signs in with
// a password and finds exactly the running cases of its township where it may act, nearest deadline first; reads
// and marks its notification; opens a case: stage bar, statechart on demand fitted to the page with Chinese labels
// only, the timeline's decisions as labelled fields. Screenshots go to test-artifacts/console/.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
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
const otherPassword = 'Civil-affairs-office-2026';
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
  await users.setPassword('qijiang', otherPassword);
  tokens.wanzhou = users.add({ name: 'wanzhou', role: 'districtCivilAffairs', org: '万州区' }).token;
  await users.setPassword('wanzhou', otherPassword);

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

async function phone(name = 'gunan'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.getByTestId('login-name').fill(name);
  await page.getByTestId('login-password').fill(name === 'gunan' ? password : otherPassword);
  await page.getByTestId('sign-in').click();
  // Signed in, the console opens on 待办.
  await page.getByTestId('todo-todo').waitFor();
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
    expect(new URL(page.url()).hash).toBe('#/todo');
    // The case list fits the phone too: enterprise, stage and deadline in one line.
    await page.goto(`${base}/#/cases`);
    await page.locator(`[data-case="${ids.earlier}"]`).waitFor();
    expect(await page.locator(`[data-case="${ids.earlier}"]`).textContent()).toContain('古南三厂');
    expect(await width(page)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SHOTS, '09-case-list-390.png') });
    const todoReply = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/todo');
    await page.getByTestId('nav-todo').click();
    await page.getByTestId('todo-list').waitFor();
    const listed = ((await (await todoReply).json()) as { items: Array<{ caseId: string; district?: string; township?: string }> }).items;
    const shown = await page.locator('[data-todo-case]').evaluateAll((els) => els.map((e) => e.getAttribute('data-todo-case')));
    // The earlier negotiation's reminder has passed (overdue) and comes first, today's reminder (10 working days)
    // next; the fresh case has only the city's 2099 target. The other township's and the closed case are not there.
    expect(addWorkingDays(earlier, 10).due < today).toBe(true);
    const ours = new Set(Object.values(ids));
    expect(shown.filter((id) => ours.has(id!))).toEqual([ids.earlier, ids.today, ids.fresh]);
    // The dev server is shared with other test files: a plan imported there may hold 綦江区 cases whose receiving
    // township is not yet known, where any township of the district may act (machines/roles.ts). Any such case on
    // the list must be exactly that, and nothing else.
    const others = shown.filter((id) => !ours.has(id!));
    for (const id of others) {
      const item = listed.find((i) => i.caseId === id);
      expect({ district: item?.district, township: item?.township }).toEqual({ district: '綦江区', township: undefined });
    }
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

  it("takes a case through the survey with an attached PDF; the district downloads it from the timeline, another district is refused (403)", async () => {
    const pdf = Buffer.from('%PDF-1.4\n% 古南一厂 摸排表 扫描件\n1 0 obj << >> endobj\n%%EOF\n');
    const { context, page } = await phone('gunan');
    await page.locator(`[data-todo-case="${ids.fresh}"] a`).first().click();
    await page.getByTestId('action-SURVEY_SUBMITTED').locator('summary').click();
    const form = page.locator('form[data-action="SURVEY_SUBMITTED"]');
    // The survey's figures, field by field as the generated form names them (data-path), and the scan attached.
    const fill = async (value: unknown, path: string): Promise<void> => {
      if (value !== null && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) await fill(v, `${path}.${k}`);
        return;
      }
      const control = form.locator(`[data-path="${path}"]`);
      if ((await control.evaluate((el) => el.tagName)) === 'SELECT') await control.selectOption(String(value));
      else await control.fill(String(value));
    };
    await fill(PAYLOADS.SURVEY_SUBMITTED, 'data');
    await page.getByTestId('attach-SURVEY_SUBMITTED').setInputFiles({ name: '古南一厂摸排表.pdf', mimeType: 'application/pdf', buffer: pdf });
    await page.getByTestId('submit-SURVEY_SUBMITTED').click();
    await page.getByTestId('flash').waitFor();
    const links = page.getByTestId('timeline').locator('[data-attachment]');
    await links.first().waitFor();
    expect(await links.count()).toBe(1);
    expect(await links.first().textContent()).toBe('古南一厂摸排表.pdf');
    expect(await width(page)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SHOTS, '14-decision-with-attachment-390.png'), fullPage: true });
    // 已办 holds it, from the case record (written moments after the answer), with its document.
    await eventually(async () => {
      await page.goto(`${base}/#/todo/done`);
      await page.reload();
      await page.getByTestId('done-list').waitFor({ timeout: 2000 });
    }, 30_000);
    expect(await page.locator('[data-done-case]').evaluateAll((els) => els.map((e) => e.getAttribute('data-done-case')))).toEqual([ids.fresh]);
    expect(await page.locator(`[data-done-case="${ids.fresh}"]`).textContent()).toContain('附件 1 个');
    await context.close();

    // Recorded in the case record with the decision: the reference, by sha256.
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    const timeline = await call('GET', `/api/cases/${ids.fresh}/timeline?limit=1000`);
    const survey = (timeline.body as Array<{ type: string; actor?: { user?: string }; data?: { attachments?: unknown } }>).find((e) => e.type === 'SURVEY_SUBMITTED');
    expect(survey?.actor?.user).toBe('gunan');
    expect(survey?.data?.attachments).toEqual([{ sha256, name: '古南一厂摸排表.pdf', type: 'application/pdf', size: pdf.length }]);

    // The other party of the case (the district's civil affairs) downloads it from the case page.
    const district = await phone('qijiang');
    await district.page.goto(`${base}/#/case/${ids.fresh}`);
    const link = district.page.getByTestId('timeline').locator(`[data-attachment="${sha256}"]`);
    await link.waitFor();
    const [download] = await Promise.all([district.page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('古南一厂摸排表.pdf');
    expect(readFileSync((await download.path())!)).toEqual(pdf);
    await district.page.getByTestId('case-documents').click();
    await district.page.locator('[data-testid="documents"] a', { hasText: '古南一厂摸排表.pdf' }).waitFor();
    await district.page.screenshot({ path: join(SHOTS, '15-documents-district-390.png'), fullPage: true });
    await district.context.close();

    // A user of another district: the case page is refused, and so is the file itself (403), signed in or by token.
    const other = await phone('wanzhou');
    await other.page.goto(`${base}/#/case/${ids.fresh}`);
    await other.page.getByTestId('error').waitFor();
    const status = await other.page.evaluate(async (url) => (await fetch(url, { credentials: 'same-origin' })).status, `/api/cases/${ids.fresh}/attachments/${sha256}`);
    expect(status).toBe(403);
    await other.page.screenshot({ path: join(SHOTS, '16-attachment-refused-other-district-390.png'), fullPage: true });
    await other.context.close();
    expect((await call('GET', `/api/cases/${ids.fresh}/attachments/${sha256}`, undefined, 'wanzhou')).status).toBe(403);
  });
});
