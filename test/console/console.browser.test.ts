// The web console in real headless Chromium (Debian's chromium, driven by playwright-core) over the real API, dev
// server and worker: sign in with user name and password (HttpOnly session cookie, CSRF token), change a handed-out
// password, open a case, take a decision, see state and highlighted diagram change, see a refusal's reason and a
// payload error next to its field. Screenshots go to test-artifacts/console/.
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { caseState } from '../../client/cases';
import { DEADLINE_LABELS } from '../../machines/labels';
import { startApiEnv, type ApiEnv } from '../helpers/api-env';
import { freshCreditCode } from '../helpers/decisions';
import { PAYLOADS } from '../helpers/decisions';
import { caseIdFor } from '../../machines/case-input';

// Functions passed to page.evaluate run in the browser; the project compiles without the DOM library.
declare const document: { getElementById(id: string): any; querySelector(selector: string): any };

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(__dirname, '..', '..', 'test-artifacts', 'console');

let env: ApiEnv;
let browser: Browser;
let base: string;
const code = freshCreditCode();
const caseId = caseIdFor(code, '九龙坡区');
const tokens: Record<string, string> = {};
const passwords = { operator: 'Jiulongpo-Civil-2026', yangjiaping: 'Street-office-Y2026', newcomer: 'handed-out-9x7q' };
// Passwords are hashed with scrypt; a cheaper cost keeps this file quick (the default is tested in test/api/session).
process.env.HANDOVER_SCRYPT_LOG2N = '14';

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`npm test\` (scripts/ensure-chromium.sh installs it).`);
  mkdirSync(SHOTS, { recursive: true });
  env = await startApiEnv('console');
  await env.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = env.app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  tokens.district = env.users.add({ name: 'operator', role: 'districtCivilAffairs', org: '九龙坡区', displayName: '九龙坡区民政局 经办人' }).token;
  tokens.township = env.users.add({ name: 'yangjiaping', role: 'township', org: '九龙坡区/杨家坪街道' }).token;
  await env.users.setPassword('operator', passwords.operator);
  await env.users.setPassword('yangjiaping', passwords.yangjiaping);
  env.users.add({ name: 'newcomer', role: 'township', org: '九龙坡区/杨家坪街道', displayName: '杨家坪街道 新同事' });
  await env.users.setPassword('newcomer', passwords.newcomer, { mustChange: true, policy: false });
  const start = await env.app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: { authorization: `Bearer ${tokens.district}` },
    payload: { creditCode: code, enterpriseName: '控制台测试机械厂', district: '九龙坡区', township: '杨家坪街道', settings: { cityTargetDate: '2099-12-31' } },
  });
  expect(start.statusCode).toBe(201);
  const survey = await env.app.inject({
    method: 'POST',
    url: `/api/cases/${caseId}/decisions`,
    headers: { authorization: `Bearer ${tokens.district}` },
    payload: { type: 'SURVEY_SUBMITTED', data: PAYLOADS.SURVEY_SUBMITTED as object },
  });
  expect(survey.statusCode).toBe(200);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Playwright gives every launch a fresh temporary profile (--user-data-dir); without the background-networking
    // flags Chromium stalls on a closed network.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

async function signIn(page: Page, name: keyof typeof passwords): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByTestId('login-name').fill(name);
  await page.getByTestId('login-password').fill(passwords[name]);
  await page.getByTestId('sign-in').click();
  // Signed in, the console opens on 待办; then the case list.
  await page.getByTestId('todo-todo').waitFor();
  expect(new URL(page.url()).hash).toBe('#/todo');
  await page.goto(`${base}/#/cases`);
  await page.getByTestId('case-list').waitFor();
}

/** The statechart is drawn on request (the case page's button). */
async function showDiagram(page: Page): Promise<void> {
  await page.getByTestId('show-diagram').click();
  await page.locator('[data-testid="diagram"] svg').waitFor();
}

/** The class and fill of a state node in the diagram on the page. */
async function stateNode(page: Page, id: string): Promise<{ cls: string; fill: string | null }> {
  return page.evaluate((nodeId) => {
    const g = document.getElementById(`state:${nodeId}`);
    if (!g) throw new Error(`no diagram node ${nodeId}`);
    return { cls: g.getAttribute('class') ?? '', fill: g.querySelector('path, polygon, ellipse')?.getAttribute('fill') ?? null };
  }, id);
}

describe('web console in headless Chromium', () => {
  it('signs an official in, opens a case, refuses a future-dated decision with its reason, then takes it and shows the new state', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const page = await context.newPage();
    // A wrong password is refused on the sign-in page, and nothing is signed in.
    await page.goto(`${base}/`);
    await page.getByTestId('login-name').fill('operator');
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('sign-in').click();
    await page.getByTestId('error').waitFor();
    expect(await page.getByTestId('error').textContent()).toBe('用户名或密码错误');
    expect(await context.cookies()).toEqual([]);
    await page.screenshot({ path: join(SHOTS, '00-sign-in-refused.png') });

    await signIn(page, 'operator');
    // The session is an HttpOnly, SameSite=Strict cookie the page's scripts cannot read.
    const cookies = await context.cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([['handover_session', true, 'Strict']]);
    expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe('');
    expect(await page.evaluate(() => JSON.stringify({ ...(globalThis as unknown as { localStorage: Record<string, string> }).localStorage }))).not.toContain('hov_');
    expect(await page.getByTestId('who').textContent()).toContain('九龙坡区民政局 经办人');
    const row = page.locator(`[data-case="${caseId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('控制台测试机械厂');
    await page.screenshot({ path: join(SHOTS, '01-case-list.png') });
    await row.click();

    await page.getByTestId('current-state').waitFor();
    expect(await page.getByTestId('current-state').textContent()).toBe('已摸排');
    await showDiagram(page);
    expect(await stateNode(page, 'handover.survey.surveyed')).toEqual({ cls: 'node atomic active', fill: '#ffe08a' });
    expect((await stateNode(page, 'handover.workPlan.negotiating')).cls).toBe('node atomic');
    expect(await page.getByTestId('timeline').textContent()).toContain('提交摸排结果');

    // The forms are exactly this user's actions now.
    const actions = await page.locator('[data-testid^="action-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(actions).toContain('action-SURVEY_CONFIRMED');
    expect(actions).not.toContain('action-WORK_PLAN_PROPOSED');

    const confirm = page.getByTestId('action-SURVEY_CONFIRMED');
    await confirm.locator('summary').click();
    await confirm.locator('input[name="occurredOn"]').fill('2099-01-01');
    await page.getByTestId('submit-SURVEY_CONFIRMED').click();
    const refusal = page.getByTestId('refusal');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/^未办理：occurredOn：日期 2099-01-01 晚于今天/);
    await page.screenshot({ path: join(SHOTS, '02-refused-decision.png') });
    expect((await caseState(env.client, caseId)).activeStates).toEqual(['survey.surveyed']);

    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    await confirm.locator('input[name="occurredOn"]').fill(today);
    await confirm.locator('textarea[name="data.note"]').fill('摸排数据已核实');
    await page.getByTestId('submit-SURVEY_CONFIRMED').click();
    await page.getByTestId('flash').waitFor();
    expect(await page.getByTestId('flash').textContent()).toContain('确认摸排结果');
    expect(await page.getByTestId('current-state').textContent()).toBe('协商中');
    expect(await page.getByTestId('stage').textContent()).toContain('工作方案');
    await showDiagram(page);
    expect(await stateNode(page, 'handover.workPlan.negotiating')).toEqual({ cls: 'node atomic active', fill: '#ffe08a' });
    expect((await stateNode(page, 'handover.survey.surveyed')).cls).toBe('node atomic');
    const after = await caseState(env.client, caseId);
    // Every pending deadline of the case is listed under its label (machines/labels.ts).
    const kinds = [...new Set(after.pendingTimers.map((t) => t.deadline?.kind).filter((k): k is NonNullable<typeof k> => !!k))];
    expect(kinds.length).toBeGreaterThan(0);
    const deadlinesText = await page.getByTestId('deadlines').textContent();
    for (const kind of kinds) expect(deadlinesText).toContain(DEADLINE_LABELS[kind].zh);
    await page.screenshot({ path: join(SHOTS, '03-decision-taken.png'), fullPage: true });
    expect(after.activeStates).toEqual(['workPlan.negotiating']);
    expect(env.audit.read().filter((r) => r.action === 'decide' && r.user === 'operator').map((r) => r.outcome)).toEqual(['applied', 'refused', 'applied']);
    await context.close();
  });

  it('shows the receiving township a payload error next to its field, in English on request', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, 'yangjiaping');
    await page.goto(`${base}/#/case/${caseId}`);
    const propose = page.getByTestId('action-WORK_PLAN_PROPOSED');
    await propose.waitFor();
    await propose.locator('summary').click();
    // Neither the six sections nor the overall plan: the zod schema's rule names data.sections.
    await page.getByTestId('submit-WORK_PLAN_PROPOSED').click();
    await page.waitForFunction(() => !!document.querySelector('[data-testid="error-data.sections"]')?.textContent);
    expect(await propose.getByTestId('error-data.sections').textContent()).toContain('二者选一');
    expect(await propose.getByTestId('refusal').textContent()).toContain('data.sections');
    await page.screenshot({ path: join(SHOTS, '04-field-error.png') });
    expect((await caseState(env.client, caseId)).decisions).toBe(2);

    await page.getByTestId('lang-toggle').click();
    await page.getByTestId('current-state').waitFor();
    expect(await page.getByTestId('current-state').textContent()).toBe('negotiating');
    await context.close();
  });

  it('renders a list of thousands of cases without putting them all in the page', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    const rows = Array.from({ length: 5000 }, (_, i) => ({
      caseId: `handover-X${String(i).padStart(17, '0')}`,
      creditCode: `X${String(i).padStart(17, '0')}`,
      enterprise: `企业${i}`,
      district: '九龙坡区',
      stage: 'survey',
      overdue: i % 7 === 0,
      nextDeadline: new Date(Date.now() + i * 3600e3).toISOString(),
      status: 'RUNNING',
    }));
    // Only the list call is answered from here: 5,000 rows as the API would send them.
    await page.route('**/api/cases?*', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ cases: rows, truncated: false }) }));
    const started = Date.now();
    await signIn(page, 'operator');
    await page.locator('[data-case]').first().waitFor();
    expect(await page.getByTestId('case-count').textContent()).toContain('5000');
    const rendered = await page.locator('[data-case]').count();
    expect(rendered).toBeLessThan(100);
    await page.getByTestId('case-list').evaluate((el) => (el.scrollTop = 34 * 4000));
    await page.locator(`[data-case="${rows[4000]!.caseId}"]`).waitFor();
    expect(await page.locator('[data-case]').count()).toBeLessThan(100);
    expect(Date.now() - started).toBeLessThan(15_000);
    await page.screenshot({ path: join(SHOTS, '05-large-list.png') });
    await context.close();
  });

  it('makes a user with a handed-out password choose a new one, keeps the session over a reload, and signs out', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByTestId('login-name').fill('newcomer');
    await page.getByTestId('login-password').fill(passwords.newcomer);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('must-change').waitFor();
    await page.getByTestId('current-password').fill(passwords.newcomer);
    await page.getByTestId('new-password').fill('short');
    await page.getByTestId('repeat-password').fill('short');
    await page.getByTestId('change-password').click();
    await page.getByTestId('password-error').waitFor();
    expect(await page.getByTestId('password-error').textContent()).toContain('至少 10 个字符');
    await page.screenshot({ path: join(SHOTS, '06-change-password.png') });
    await page.getByTestId('new-password').fill('Huangjueping-Lane-7');
    await page.getByTestId('repeat-password').fill('Huangjueping-Lane-7');
    await page.getByTestId('change-password').click();
    await page.getByTestId('todo-todo').waitFor();
    expect(await page.getByTestId('flash').textContent()).toBe('密码已修改');
    expect(await env.users.verifyPassword('newcomer', 'Huangjueping-Lane-7')).toMatchObject({ name: 'newcomer' });
    expect(env.users.byName('newcomer')?.mustChangePassword).toBeUndefined();
    // A reload keeps the session (the cookie), and gets the CSRF token again: a decision form still works after it.
    await page.reload();
    await page.getByTestId('todo-todo').waitFor();
    expect(await page.getByTestId('who').textContent()).toContain('杨家坪街道 新同事');
    await page.locator('#signout').click();
    await page.getByTestId('login').waitFor();
    expect(await context.cookies()).toEqual([]);
    await page.reload();
    await page.getByTestId('login').waitFor();
    expect(env.audit.read().filter((r) => r.user === 'newcomer').map((r) => `${r.action}:${r.outcome}`)).toEqual(['signIn:applied', 'changePassword:invalid', 'changePassword:applied', 'signOut:applied']);
    await context.close();
  });

  it('signs in on a phone-width screen (390 px) without sideways scrolling', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const overflow = () => page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    await page.goto(`${base}/`);
    await page.getByTestId('login').waitFor();
    expect(await overflow()).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SHOTS, '07-sign-in-390.png') });
    await page.getByTestId('login-name').fill('yangjiaping');
    await page.getByTestId('login-password').fill(passwords.yangjiaping);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('todo-todo').waitFor();
    await page.screenshot({ path: join(SHOTS, '08-signed-in-390.png') });
    expect(await page.getByTestId('who').isVisible()).toBe(true);
    await context.close();
  });
});
