// The city and district dashboard (issue 12 item 3) on the real dev server and worker: its numbers equal those of the
// monthly progress table (附件2) and the year-end summary built by the CLI's code for the same cases; the .xlsx export
// carries the same figures; a district sees its own district only, enterprises have no dashboard; ECharts is served
// from node_modules.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { STAGES, STAGE_LABELS } from '../../machines/case-view';
import { PROGRESS_COLUMNS, SUMMARY_COLUMNS } from '../../machines/progress-table';
import { monthlyReportNow, yearSummary } from '../../client/reports';
import { startCase } from '../../client/cases';
import { startApiEnv, type ApiEnv } from '../helpers/api-env';
import { act } from '../helpers/handover-env';
import { freshCreditCode } from '../helpers/decisions';
import { eventually } from '../helpers/eventually';
import { shanghaiDate } from '../../machines/calendar';
import { caseIdFor } from '../../machines/case-input';

// A district no other test uses, so its case list is this file's alone.
const DISTRICT = '巫溪县';
const OTHER = '城口县';
let env: ApiEnv;
const tokens: Record<string, string> = {};
const codes = [freshCreditCode(), freshCreditCode(), freshCreditCode()];
const otherCode = freshCreditCode();
const dir = mkdtempSync(join(tmpdir(), 'handover-dashboard-'));

const get = (url: string, who: keyof typeof tokens) => env.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[who]}` } });

beforeAll(async () => {
  env = await startApiEnv('dashboard');
  tokens.district = env.users.add({ name: 'wuxi', role: 'districtCivilAffairs', org: DISTRICT }).token;
  tokens.township = env.users.add({ name: 'chengxiang', role: 'township', org: `${DISTRICT}/城厢镇` }).token;
  tokens.other = env.users.add({ name: 'chengkou', role: 'districtCivilAffairs', org: OTHER }).token;
  tokens.city = env.users.add({ name: 'city', role: 'cityCivilAffairs', org: 'chongqing' }).token;
  tokens.enterprise = env.users.add({ name: 'ent', role: 'enterprise', org: codes[0]! }).token;
  const today = shanghaiDate(Date.now());
  const year = Number(today.slice(0, 4));
  const open = (creditCode: string, district: string, i: number) =>
    startCase(
      env.client,
      { creditCode, enterpriseName: `看板测试厂${i}`, district, township: '城厢镇', people: 100 * (i + 1), plannedCompletion: `${year + 1}-0${i + 1}-28`, settings: { cityTargetDate: '2099-12-31' } },
      { taskQueue: env.taskQueue },
    );
  await Promise.all([...codes.map((c, i) => open(c, DISTRICT, i)), open(otherCode, OTHER, 3)]);
  // Case 1: survey confirmed, in the work-plan stage. Case 2: plan agreed and agreement signed, in implementation.
  const parties = (code: string) => ({ creditCode: code, district: DISTRICT, township: `${DISTRICT}/城厢镇` });
  const one = act(env.client, caseIdFor(codes[1]!, DISTRICT), parties(codes[1]!));
  await one('SURVEY_SUBMITTED', 'districtCivilAffairs', today);
  await one('SURVEY_CONFIRMED', 'districtCivilAffairs', today);
  const two = act(env.client, caseIdFor(codes[2]!, DISTRICT), parties(codes[2]!));
  await two('SURVEY_SUBMITTED', 'districtCivilAffairs', today);
  await two('SURVEY_CONFIRMED', 'districtCivilAffairs', today);
  await two('WORK_PLAN_PROPOSED', 'township', today);
  await two('WORK_PLAN_ACCEPTED', 'enterprise', today);
  await two('AGREEMENT_SIGNED', 'enterprise', today);
  await two('AGREEMENT_SIGNED', 'districtGovernment', today);
}, 180_000);

afterAll(async () => {
  await env?.stop();
});

/** The district's dashboard once visibility lists all three cases. */
async function dashboard(): Promise<any> {
  return eventually(async () => {
    const res = await get(`/api/dashboard?district=${encodeURIComponent(DISTRICT)}`, 'district');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.cases).toBe(3);
    return body;
  }, 30_000);
}

describe('dashboard', () => {
  it("equals the monthly table and the year-end summary for the same cases", async () => {
    const d = await dashboard();
    expect(d.districts.map((x: { district: string }) => x.district)).toEqual([DISTRICT]);
    const mine = d.districts[0];
    const month = shanghaiDate(Date.now()).slice(0, 7);
    const { report } = await monthlyReportNow(env.client, { district: DISTRICT, month, out: join(dir, 'monthly.xlsx') });
    const col = (key: string) => PROGRESS_COLUMNS.findIndex((c) => c.key === key);
    const rows = report.table.rows;
    expect(mine.cases).toBe(rows.length);
    expect(mine.planned).toBe(rows.length);
    expect(mine.completed).toBe(report.completed);
    // Each stage: the table's 当前阶段 cells that name it.
    for (const st of STAGES) {
      expect([st, mine.byStage[st]]).toEqual([st, rows.filter((r) => String(r[col('stage')]).startsWith(STAGE_LABELS[st].zh)).length]);
    }
    expect(mine.byStage).toMatchObject({ survey: 1, workPlan: 1, implementation: 1 });
    expect(mine.agreementOverdue).toBe(rows.filter((r) => r[col('agreementOverdue')] === '是').length);
    expect(mine.agreementSigned).toBe(rows.filter((r) => r[col('agreementSignedOn')] !== '').length);
    expect(mine.agreementSigned).toBe(1);
    // Handed over (§四(二)) only once people, facilities and community are done: none yet, as the summary counts.
    expect(mine.handedOver).toBe(0);

    // The year-end summary for the same district and year: every one of its columns.
    const summary = await yearSummary(env.client, { year: d.year, district: DISTRICT, out: join(dir, 'summary.md') });
    const s = summary.districts[0]!;
    for (const c of SUMMARY_COLUMNS) expect([c.en, c.value(mine)]).toEqual([c.en, c.value(s)]);

    // Next deadlines: the cases' own, soonest first; progress: one plan agreed and one handed over by this month.
    expect(d.nextDeadlines.length).toBe(3);
    expect(d.nextDeadlines.map((n: { dueAt: string }) => n.dueAt)).toEqual([...d.nextDeadlines.map((n: { dueAt: string }) => n.dueAt)].sort());
    expect(d.progress.months.at(-1)).toBe(month);
    expect(d.progress.workPlanAgreed.at(-1)).toBe(1);
    expect(d.progress.agreementSigned.at(-1)).toBe(1);
    expect(d.progress.handedOver.at(-1)).toBe(0);
    expect(d.progress.plannedCompletion.at(-1)).toBe(0);
  });

  it('exports the same figures as .xlsx', async () => {
    const d = await dashboard();
    const res = await get(`/api/dashboard.xlsx?district=${encodeURIComponent(DISTRICT)}`, 'district');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('看板')!;
    const header = ws.getRow(4 + 3).values as unknown[];
    const row = ws.getRow(4 + 4).values as unknown[];
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell('区县')).toBe(DISTRICT);
    expect(cell('计划移交（件）')).toBe(d.districts[0].planned);
    expect(cell('已签协议（件）')).toBe(d.districts[0].agreementSigned);
    expect(cell('已移交（件）')).toBe(d.districts[0].handedOver);
    for (const st of STAGES) expect(cell(`${STAGE_LABELS[st].zh}阶段`)).toBe(d.districts[0].byStage[st]);
    expect(cell('逾期')).toBe(d.districts[0].overdue);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['看板', '年度汇总', '临近期限', '进展']);
  });

  it('shows a district its own district only, and a city body any', async () => {
    await dashboard();
    // Without a district, a district user gets its own.
    const own = await get('/api/dashboard', 'district');
    expect(own.statusCode).toBe(200);
    expect(own.json().districts.map((x: { district: string }) => x.district)).toEqual([DISTRICT]);
    const township = await get('/api/dashboard', 'township');
    expect(township.json().districts.map((x: { district: string }) => x.district)).toEqual([DISTRICT]);
    const other = await get(`/api/dashboard?district=${encodeURIComponent(DISTRICT)}`, 'other');
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe('forbidden');
    expect((await get(`/api/dashboard.xlsx?district=${encodeURIComponent(DISTRICT)}`, 'other')).statusCode).toBe(403);
    const ent = await get('/api/dashboard', 'enterprise');
    expect(ent.statusCode).toBe(403);
    const city = await eventually(async () => {
      const r = await get(`/api/dashboard?district=${encodeURIComponent(OTHER)}`, 'city');
      expect(r.statusCode).toBe(200);
      expect(r.json().cases).toBe(1);
      return r.json();
    }, 30_000);
    expect(city.districts[0].byStage.survey).toBe(1);
    const unknown = await get(`/api/dashboard?district=${encodeURIComponent('火星区')}`, 'city');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message.zh).toContain('district');
    expect((await env.app.inject({ method: 'GET', url: '/api/dashboard' })).statusCode).toBe(401);
  });

  it('serves Apache ECharts from the installed package', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/console/vendor/echarts.min.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('javascript');
    expect(res.body).toBe(readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8'));
  });
});
