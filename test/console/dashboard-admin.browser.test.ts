// The dashboard and administration pages in real headless Chromium over the real API, dev server and worker: the
// dashboard draws its ECharts charts with the API's figures (the same as the monthly table's, test/api/dashboard)
// and prints without the page's header and controls; an administrator adds, resets and disables a user and reads
// the audit log; a non-administrator has no administration. Screenshots go to test-artifacts/console/.
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startCase } from '../../client/cases';
import { shanghaiDate } from '../../machines/calendar';
import { startApiEnv, type ApiEnv } from '../helpers/api-env';
import { freshCreditCode } from '../helpers/decisions';
import { act } from '../helpers/handover-env';
import { eventually } from '../helpers/eventually';
import { caseIdFor } from '../../machines/case-input';

// Functions passed to page.evaluate run in the browser; the project compiles without the DOM library.
declare const document: { querySelector(selector: string): any; querySelectorAll(selector: string): any };
declare const window: any;

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(__dirname, '..', '..', 'test-artifacts', 'console');
// A district no other test uses.
const DISTRICT = '巫山县';
process.env.HANDOVER_SCRYPT_LOG2N = '14';
// Attachments (the documents page) go under a fresh data folder.
process.env.HANDOVER_DATA_DIR = mkdtempSync(join(tmpdir(), 'handover-dash-admin-'));

let env: ApiEnv;
let browser: Browser;
let base: string;
const passwords: Record<string, string> = { root: 'City-admin-pass-2026', wushan: 'Three-gorges-civil-2026', kaizhou: 'North-east-district-2026' };
let docCase = '';
const tokens: Record<string, string> = {};

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`npm test\` (scripts/ensure-chromium.sh installs it).`);
  mkdirSync(SHOTS, { recursive: true });
  env = await startApiEnv('dash-admin');
  await env.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = env.app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  env.users.add({ name: 'root', role: 'cityCivilAffairs', org: 'chongqing', displayName: '系统管理员' });
  env.users.setAdmin('root', true);
  tokens.wushan = env.users.add({ name: 'wushan', role: 'districtCivilAffairs', org: DISTRICT, displayName: '巫山县民政局' }).token;
  await env.users.setPassword('root', passwords.root!);
  await env.users.setPassword('wushan', passwords.wushan!);
  env.users.add({ name: 'kaizhou', role: 'districtCivilAffairs', org: '开州区' });
  await env.users.setPassword('kaizhou', passwords.kaizhou!);
  const today = shanghaiDate(Date.now());
  const codes = [freshCreditCode(), freshCreditCode()];
  await Promise.all(
    codes.map((creditCode, i) =>
      startCase(env.client, { creditCode, enterpriseName: `巫山看板厂${i}`, district: DISTRICT, township: '巫峡镇', settings: { cityTargetDate: '2099-12-31' } }, { taskQueue: env.taskQueue }),
    ),
  );
  docCase = caseIdFor(codes[0]!, DISTRICT);
  const one = act(env.client, caseIdFor(codes[1]!, DISTRICT), { creditCode: codes[1]!, district: DISTRICT, township: `${DISTRICT}/巫峡镇` });
  await one('SURVEY_SUBMITTED', 'districtCivilAffairs', today);
  await one('SURVEY_CONFIRMED', 'districtCivilAffairs', today);
  // Visibility lists both cases before the page is opened.
  await eventually(async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/dashboard', headers: { authorization: `Bearer ${tokens.wushan}` } });
    expect(res.json().cases).toBe(2);
  }, 30_000);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

async function signIn(page: Page, name: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByTestId('login-name').fill(name);
  await page.getByTestId('login-password').fill(passwords[name]!);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('todo-todo').waitFor();
}

describe('dashboard and administration pages in headless Chromium', () => {
  it("draws the district's dashboard with ECharts from the API's figures, and prints without controls", async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await signIn(page, 'wushan');
    expect(await page.getByTestId('nav-admin').isVisible()).toBe(false);
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('dashboard').waitFor();
    await page.locator('[data-testid="dash-chart-stages"] svg').waitFor();
    const api = (await env.app.inject({ method: 'GET', url: '/api/dashboard', headers: { authorization: `Bearer ${tokens.wushan}` } })).json();
    // The bar chart's series are the API's stage counts per district.
    const chart = await page.evaluate(() => {
      const inst = window.echarts.getInstanceByDom(document.querySelector('[data-testid="dash-chart-stages"]'));
      const opt = inst.getOption();
      return { districts: opt.xAxis[0].data, series: Object.fromEntries(opt.series.map((s: any) => [s.id, s.data])) };
    });
    expect(chart.districts).toEqual([DISTRICT]);
    for (const [stage, n] of Object.entries(api.districts[0].byStage)) expect([stage, chart.series[stage]]).toEqual([stage, [n]]);
    expect(chart.series.survey).toEqual([1]);
    expect(chart.series.workPlan).toEqual([1]);
    // The bars are drawn: one rect-like path per non-zero bar in the SVG.
    const drawn = await page.evaluate(() => document.querySelectorAll('[data-testid="dash-chart-stages"] svg path').length);
    expect(drawn).toBeGreaterThan(2);
    await page.locator('[data-testid="dash-chart-progress"] svg').waitFor();
    // The table's cells are the API's.
    const cell = (col: string) => page.locator(`[data-testid="dash-table"] tr[data-district="${DISTRICT}"] td[data-col="${col}"]`).textContent();
    expect(await cell('planned')).toBe(String(api.districts[0].planned));
    expect(await cell('stage.survey')).toBe('1');
    expect(await cell('stage.workPlan')).toBe('1');
    expect(await page.getByTestId('dash-kpi-planned').textContent()).toContain('2');
    await page.screenshot({ path: join(SHOTS, '20-dashboard.png'), fullPage: true });
    // Printed: no header bar, no controls; the charts stay.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.top').isVisible()).toBe(false);
    expect(await page.locator('.dash-controls').isVisible()).toBe(false);
    expect(await page.getByTestId('dash-chart-stages').isVisible()).toBe(true);
    await page.screenshot({ path: join(SHOTS, '21-dashboard-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    // A district user asking for another district is refused with the reason.
    await page.goto(`${base}/#/dashboard?district=${encodeURIComponent('江北区')}`);
    await page.getByTestId('error').waitFor();
    expect(await page.getByTestId('error').textContent()).toContain('只能查看本区县');
    await context.close();
  });

  it('lets an administrator add a user, reset its password, disable it, and read the audit log', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    await signIn(page, 'root');
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('admin').waitFor();
    await page.locator('tr[data-user="wushan"]').waitFor();
    // A bad organisation is refused with the field's rule.
    await page.getByTestId('new-name').fill('wuxia');
    await page.getByTestId('new-role').selectOption('township');
    await page.getByTestId('new-org').fill(DISTRICT);
    await page.getByTestId('add-user-submit').click();
    await page.locator('[data-testid="admin-flash"] [data-testid="error"]').waitFor();
    expect(await page.getByTestId('admin-flash').textContent()).toContain('区县/乡镇');
    await page.getByTestId('new-org').fill(`${DISTRICT}/巫峡镇`);
    await page.getByTestId('add-user-submit').click();
    await page.getByTestId('handed-out-password').waitFor();
    const initial = await page.getByTestId('handed-out-password').textContent();
    expect(env.users.byName('wuxia')).toMatchObject({ role: 'township', org: `${DISTRICT}/巫峡镇`, mustChangePassword: true });
    expect(await env.users.verifyPassword('wuxia', initial!)).toBeDefined();
    await page.locator('tr[data-user="wuxia"]').waitFor();
    await page.screenshot({ path: join(SHOTS, '22-admin-user-added.png'), fullPage: true });

    await page.getByTestId('reset-wuxia').click();
    await eventually(async () => expect(await page.getByTestId('handed-out-password').textContent()).not.toBe(initial));
    const reset = await page.getByTestId('handed-out-password').textContent();
    expect(await env.users.verifyPassword('wuxia', initial!)).toBeUndefined();
    expect(await env.users.verifyPassword('wuxia', reset!)).toBeDefined();

    await page.getByTestId('disable-wuxia').click();
    await page.getByTestId('enable-wuxia').waitFor();
    expect(await page.getByTestId('status-wuxia').textContent()).toContain('已停用');
    expect(env.users.byName('wuxia')?.disabled).toBe(true);
    expect(await env.users.verifyPassword('wuxia', reset!)).toBeUndefined();

    // The audit log shows what was done, filtered by action.
    await page.locator('[data-testid="audit-log"] tr[data-audit="disableUser"]').waitFor();
    await page.getByTestId('audit-action').fill('resetPassword');
    await page.getByTestId('audit-apply').click();
    await eventually(async () => expect(await page.locator('[data-testid="audit-log"] tbody tr').count()).toBe(1));
    expect(await page.locator('[data-testid="audit-log"] tbody tr').textContent()).toContain('target wuxia');
    expect(await page.getByTestId('audit-count').textContent()).toContain('共 1 条');
    await page.screenshot({ path: join(SHOTS, '23-admin-audit.png'), fullPage: true });
    await context.close();
  });

  it("uploads a PDF on a case's documents page and downloads it; another district is refused", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', acceptDownloads: true });
    const page = await context.newPage();
    await signIn(page, 'wushan');
    await page.goto(`${base}/#/documents/${docCase}`);
    await page.getByTestId('document-form').waitFor();
    await page.getByTestId('documents').getByText('本案还没有附件').waitFor();
    const pdf = Buffer.from('%PDF-1.4\n% 巫山 移交协议 扫描件\n%%EOF\n');
    await page.getByTestId('document-file').setInputFiles({ name: '移交协议.pdf', mimeType: 'application/pdf', buffer: pdf });
    await page.getByTestId('document-upload').click();
    await page.getByTestId('flash').waitFor();
    expect(await page.getByTestId('flash').textContent()).toContain('移交协议.pdf');
    const link = page.locator('[data-testid="documents"] a', { hasText: '移交协议.pdf' });
    await link.waitFor();
    await page.screenshot({ path: join(SHOTS, '24-documents-390.png'), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('移交协议.pdf');
    expect(readFileSync((await download.path())!)).toEqual(pdf);
    await context.close();

    const other = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    const page2 = await other.newPage();
    await signIn(page2, 'kaizhou');
    await page2.goto(`${base}/#/documents/${docCase}`);
    await page2.getByTestId('error').waitFor();
    expect(await page2.getByTestId('error').textContent()).toContain('只能查看本区县');
    expect(await page2.getByTestId('document-form').isVisible()).toBe(false);
    await other.close();
  });

  it('gives a non-administrator no administration page', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await signIn(page, 'wushan');
    await page.goto(`${base}/#/admin`);
    await page.getByTestId('error').waitFor();
    expect(await page.getByTestId('error').textContent()).toBe('只有管理员可以管理用户');
    await context.close();
  });
});
