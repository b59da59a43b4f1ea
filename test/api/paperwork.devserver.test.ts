// Paperwork on demand (issue 12 item 6) on the real dev server: the district's progress table (附件2) for a month
// and the year-end summary, made through the API by the CLI's own functions (client/reports.ts), and the filtered
// case list as .xlsx; a district makes its own district's paperwork only.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { startCase } from '../../client/cases';
import { monthlyReportNow, yearSummary } from '../../client/reports';
import { shanghaiDate } from '../../machines/calendar';
import { SUMMARY_COLUMNS } from '../../machines/progress-table';
import { startApiEnv, type ApiEnv } from '../helpers/api-env';
import { freshCreditCode } from '../helpers/decisions';
import { act } from '../helpers/handover-env';
import { eventually } from '../helpers/eventually';
import { caseIdFor } from '../../machines/case-input';

// A district no other test uses.
const DISTRICT = '忠县';
let env: ApiEnv;
const tokens: Record<string, string> = {};
const codes = [freshCreditCode(), freshCreditCode()];
const dir = mkdtempSync(join(tmpdir(), 'handover-paperwork-test-'));
const today = shanghaiDate(Date.now());
const month = today.slice(0, 7);
const year = Number(today.slice(0, 4));

const get = (url: string, who: string) => env.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[who]}` } });

async function sheet(payload: Buffer, name?: string): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(payload as unknown as ArrayBuffer);
  const ws = name ? wb.getWorksheet(name)! : wb.worksheets[0]!;
  const rows: unknown[][] = [];
  ws.eachRow({ includeEmpty: true }, (row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

beforeAll(async () => {
  env = await startApiEnv('paperwork');
  tokens.district = env.users.add({ name: 'zhongxian', role: 'districtCivilAffairs', org: DISTRICT }).token;
  tokens.other = env.users.add({ name: 'jiangbei', role: 'districtCivilAffairs', org: '江北区' }).token;
  tokens.city = env.users.add({ name: 'city', role: 'cityCivilAffairs', org: 'chongqing' }).token;
  tokens.enterprise = env.users.add({ name: 'ent', role: 'enterprise', org: codes[0]! }).token;
  await Promise.all(
    codes.map((creditCode, i) =>
      startCase(env.client, { creditCode, enterpriseName: ['忠县纸厂', '忠县橘子厂'][i]!, district: DISTRICT, township: '忠州街道', people: 120, settings: { cityTargetDate: '2099-12-31' } }, { taskQueue: env.taskQueue }),
    ),
  );
  const one = act(env.client, caseIdFor(codes[1]!, DISTRICT), { creditCode: codes[1]!, district: DISTRICT, township: `${DISTRICT}/忠州街道` });
  await one('SURVEY_SUBMITTED', 'districtCivilAffairs', today);
  await one('SURVEY_CONFIRMED', 'districtCivilAffairs', today);
  await eventually(async () => {
    const res = await get('/api/cases', 'district');
    // Other suites on the shared dev server (the 40-district plan import) may have cases in this district too.
    expect(res.json().cases.map((c: { creditCode: string }) => c.creditCode)).toEqual(expect.arrayContaining(codes));
  }, 30_000);
}, 180_000);

afterAll(async () => {
  await env?.stop();
});

describe('paperwork on demand', () => {
  it("makes the district's progress table for a month, as the CLI does", async () => {
    const res = await get(`/api/paperwork/monthly.xlsx?month=${month}`, 'district');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(decodeURIComponent(String(res.headers['content-disposition']))).toContain(`工作进度表-${DISTRICT}-${month}.xlsx`);
    const viaApi = await sheet(res.rawPayload);
    const { report } = await monthlyReportNow(env.client, { district: DISTRICT, month, out: join(dir, 'cli.xlsx') });
    expect(res.headers['x-case-count']).toBe(String(report.total));
    const viaCli = await sheet(readFileSync(join(dir, 'cli.xlsx')));
    expect(viaApi[0]).toEqual([report.table.title]);
    // The table itself (everything below the header block, whose "as of" instant differs) is the CLI's.
    const body = (rows: unknown[][]) => rows.slice(report.table.headerBlock.length + 2);
    expect(body(viaApi)).toEqual(body(viaCli));
    expect(body(viaApi).slice(1).map((r) => r[2])).toEqual(expect.arrayContaining(['忠县橘子厂', '忠县纸厂']));
    // Another month, in English.
    const en = await get(`/api/paperwork/monthly.xlsx?month=2026-01&lang=en&district=${encodeURIComponent(DISTRICT)}`, 'district');
    expect(en.statusCode).toBe(200);
    expect((await sheet(en.rawPayload))[0]).toEqual([`Handover progress table (${DISTRICT}, 2026-01)`]);
  });

  it('refuses other districts, enterprises and bad input, naming the field', async () => {
    const other = await get(`/api/paperwork/monthly.xlsx?month=${month}&district=${encodeURIComponent(DISTRICT)}`, 'other');
    expect(other.statusCode).toBe(403);
    expect(other.json().error.message.zh).toContain('只能生成本区县');
    expect((await get(`/api/paperwork/monthly.xlsx?month=${month}`, 'enterprise')).statusCode).toBe(403);
    const badMonth = await get('/api/paperwork/monthly.xlsx?month=2026-13', 'district');
    expect(badMonth.statusCode).toBe(400);
    expect(badMonth.json().error.issues[0].path).toBe('month');
    const noDistrict = await get(`/api/paperwork/monthly.xlsx?month=${month}`, 'city');
    expect(noDistrict.statusCode).toBe(400);
    expect(noDistrict.json().error.issues[0].path).toBe('district');
    expect((await get(`/api/paperwork/summary?year=2026&district=${encodeURIComponent(DISTRICT)}`, 'other')).statusCode).toBe(403);
    expect((await get('/api/paperwork/summary?year=2016', 'district')).statusCode).toBe(400);
    expect((await get(`/api/cases.xlsx?district=${encodeURIComponent(DISTRICT)}`, 'other')).statusCode).toBe(403);
  });

  it('makes the year-end summary as the CLI does (xlsx and Markdown)', async () => {
    const res = await get(`/api/paperwork/summary?year=${year}`, 'district');
    expect(res.statusCode).toBe(200);
    const rows = await sheet(res.rawPayload, '年度汇总');
    const s = await yearSummary(env.client, { year, district: DISTRICT, out: join(dir, 'summary.md') });
    const header = rows.findIndex((r) => r[0] === '区县');
    expect(rows[header]).toEqual(SUMMARY_COLUMNS.map((c) => c.zh));
    expect(rows[header + 1]).toEqual(SUMMARY_COLUMNS.map((c) => c.value(s.districts[0]!)));
    expect(rows[header + 1]![1]).toBe(2);
    const md = await get(`/api/paperwork/summary?year=${year}&format=md&district=${encodeURIComponent(DISTRICT)}`, 'city');
    expect(md.statusCode).toBe(200);
    expect(md.headers['content-type']).toContain('markdown');
    expect(md.body).toContain(`${year} 年社区管理职能分离移交工作年度总结（${DISTRICT}）`);
  });

  it('exports the filtered case list as .xlsx', async () => {
    const all = await get('/api/cases.xlsx', 'district');
    expect(all.statusCode).toBe(200);
    const rows = await sheet(all.rawPayload);
    const head = rows.findIndex((r) => r[0] === '统一社会信用代码');
    expect(rows.slice(head + 1).map((r) => r[0])).toEqual(expect.arrayContaining(codes));
    const byText = await sheet((await get(`/api/cases.xlsx?q=${encodeURIComponent('橘子')}`, 'district')).rawPayload);
    expect(byText.slice(head + 1).map((r) => r[1])).toEqual(['忠县橘子厂']); // no other suite names an enterprise so
    expect(byText.find((r) => r[0] === '筛选条件')?.[1]).toBe('包含=橘子');
    const byStage = await eventually(async () => {
      const r = await get('/api/cases.xlsx?stage=workPlan', 'district');
      const x = await sheet(r.rawPayload);
      expect(x.slice(head + 1).map((row) => row[0])).toEqual([codes[1]]);
      return x;
    });
    expect(byStage.slice(head + 1)[0]![3]).toBe('工作方案');
  });
});
