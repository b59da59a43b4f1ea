// Importing the plan table (附件1) against the real dev server with a real worker: a generated plan
// of 40 districts and several hundred enterprises, re-import, bad files that start nothing, and the
// CLI walkthrough of the README (sample plan → monthly report → year summary), files read back.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Client } from '@temporalio/client';
import { startDevHarness, type CaseHarness } from '../helpers/handover-env';
import { eventually } from '../helpers/eventually';
import { importPlan } from '../../client/import/import-plan';
import { PlanFileError } from '../../client/import/plan-file';
import { runCli } from '../../client/cli/main';
import { creditCodeCheckChar } from '../../machines/credit-code';
import { DISTRICTS } from '../../machines/districts';
import { shanghaiDate } from '../../machines/calendar';
import { caseIdFor } from '../../machines/case-input';
import { AmbiguousCaseError, resolveCaseId } from '../../client/case-ref';
import { caseState, sendDecision } from '../../client/cases';
import { DecisionRefusedError } from '../../client/errors';
import { DEFINITION_VERSION } from '../../machines/settings';
import type { EventType } from '../../machines/events';
import type { Role } from '../../machines/roles';
import { PAYLOADS } from '../helpers/decisions';
import { recordHistory } from '../helpers/histories';

const taskQueue = `plan-import-${process.pid}`;
let client: Client;
let h: CaseHarness;
const dir = mkdtempSync(join(tmpdir(), 'plan-import-'));

beforeAll(async () => {
  h = await startDevHarness(taskQueue, { cliEnv: true });
  client = h.client;
});

afterAll(async () => {
  await h?.stop();
});

/** A run-unique tag so codes never collide with other tests on the shared server. */
const RUN = String(Date.now()).slice(-5);
let serial = 0;
function freshCode(): string {
  const body = `9150000${RUN}${String(++serial).padStart(5, '0')}`;
  return body + creditCodeCheckChar(body)!;
}

const HEADERS = ['序号', '区县', '企业名称', '统一社会信用代码', '职工家属区（社区）名称', '职工及家属人数', '计划完成时间'];
type Row = Array<string | number | Date>;

function row(district: string, overrides: Partial<Record<'name' | 'code' | 'area' | 'people' | 'date', string | number | Date>> = {}): Row {
  const code = overrides.code ?? freshCode();
  return [0, district, overrides.name ?? `${district}测试企业${serial}`, code, overrides.area ?? '职工家属区', overrides.people ?? 1000 + serial, overrides.date ?? '2027-06-30'];
}

async function writeXlsx(name: string, rows: Row[], headers = HEADERS): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('计划表');
  ws.addRow(['附件1：市属国有重点企业社区管理职能分离移交工作计划表']);
  ws.addRow(headers);
  rows.forEach((r, i) => ws.addRow([i + 1, ...r.slice(1)]));
  const path = join(dir, name);
  await wb.xlsx.writeFile(path);
  return path;
}

function writeCsv(name: string, rows: Row[], headers = HEADERS): string {
  const path = join(dir, name);
  writeFileSync(path, [headers.join(','), ...rows.map((r, i) => [i + 1, ...r.slice(1)].join(','))].join('\n'));
  return path;
}

const caseIdOf = (r: Row) => caseIdFor(String(r[3]), String(r[1]));

async function exists(caseId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(caseId).describe();
    return true;
  } catch {
    return false;
  }
}

async function importErrors(path: string): Promise<PlanFileError> {
  const err = await importPlan(client, path, { taskQueue }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PlanFileError);
  return err as PlanFileError;
}

describe('plan import on the dev server', () => {
  it('starts exactly one case per row of a 40-district plan, and none on re-import', async () => {
    const rows = DISTRICTS.flatMap((d) => Array.from({ length: 8 }, () => row(d)));
    expect(rows).toHaveLength(320);
    const path = await writeXlsx('plan-40.xlsx', rows);
    const progress: number[] = [];
    const first = await importPlan(client, path, { taskQueue, settings: { cityTargetDate: '2099-12-31' }, onProgress: (done) => progress.push(done) });
    expect(first.rows).toBe(320);
    expect(first.started).toEqual(rows.map(caseIdOf));
    expect(first.existing).toEqual([]);
    expect(progress.sort((a, b) => a - b)).toEqual(Array.from({ length: 320 }, (_, i) => i + 1));

    const query = `WorkflowType = 'handoverWorkflow' AND TaskQueue = '${taskQueue}'`;
    const listed = await eventually(async () => {
      const ids: string[] = [];
      for await (const wf of client.workflow.list({ query })) ids.push(wf.workflowId);
      expect(ids.filter((id) => id.includes(RUN))).toHaveLength(320);
      return ids;
    }, 30_000);
    expect(new Set(listed).size).toBe(listed.length);

    // Each district's report workflow knows its cases.
    const byDistrict = await client.workflow.getHandle(`district-report-${DISTRICTS[5]}`).query<{ caseIds: string[] }>('districtReportState');
    expect(byDistrict.caseIds).toEqual(expect.arrayContaining(rows.filter((r) => r[1] === DISTRICTS[5]).map(caseIdOf)));

    const again = await importPlan(client, path, { taskQueue });
    expect(again.started).toEqual([]);
    expect(again.existing).toHaveLength(320);
  });

  it('reports every error of a bad file with row and column, and starts nothing', async () => {
    const good = row('九龙坡区');
    const dup = row('渝中区');
    const badCheck = String(good[3]).slice(0, 17) + (String(good[3])[17] === '1' ? '2' : '1');
    const path = writeCsv('bad.csv', [
      good,
      row('九龙坡区', { code: badCheck }),
      row('火星区'),
      dup,
      row('渝中区', { code: dup[3] as string }),
      row('江北区', { people: '三百' }),
      row('江北区', { date: '2027-02-30' }),
    ]);
    const err = await importErrors(path);
    const where = err.problems.map((p) => [p.row, p.column, p.field]);
    expect(where).toEqual([
      [3, 'D', 'creditCode'],
      [4, 'B', 'district'],
      [6, 'D', 'creditCode'],
      [7, 'F', 'people'],
      [8, 'G', 'plannedCompletion'],
    ]);
    expect(err.problems[0]!.message.zh).toContain('校验位错误');
    expect(err.problems[1]!.message.zh).toContain('火星区');
    expect(err.problems[2]!.message.zh).toContain('与第 5 行重复');
    for (const r of [good, dup]) expect(await exists(caseIdOf(r))).toBe(false);
  });

  it('refuses a plan with a missing column, naming the column, and starts nothing', async () => {
    const r = row('北碚区');
    const path = await writeXlsx('missing-column.xlsx', [r.filter((_, i) => i !== 5) as Row], HEADERS.filter((h) => h !== '职工及家属人数'));
    const err = await importErrors(path);
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ row: 2, field: 'people' });
    expect(err.problems[0]!.message.zh).toBe('缺少必填列“职工及家属人数”');
    expect(await exists(caseIdOf(r))).toBe(false);
  });

  it('refuses an empty file, a file that is not a spreadsheet, a damaged workbook, a huge file, and a code stored as a number', async () => {
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    expect((await importErrors(empty)).problems[0]!.message.zh).toBe('文件为空');

    const headerOnly = writeCsv('header-only.csv', []);
    expect((await importErrors(headerOnly)).problems[0]!.message.zh).toBe('计划表没有数据行');

    const png = join(dir, 'photo.csv');
    writeFileSync(png, Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex'));
    expect((await importErrors(png)).problems[0]!.message.zh).toContain('不是表格文件');

    const damaged = join(dir, 'damaged.xlsx');
    writeFileSync(damaged, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]));
    expect((await importErrors(damaged)).problems[0]!.message.zh).toContain('文件已损坏');

    const huge = join(dir, 'huge.csv');
    writeFileSync(huge, Buffer.alloc(11 * 1024 * 1024, 0x41));
    expect((await importErrors(huge)).problems[0]!.message.zh).toContain('文件过大');

    const r = row('南岸区', { code: 915001082028600600 as unknown as string });
    const numeric = await writeXlsx('numeric-code.xlsx', [r]);
    const err = await importErrors(numeric);
    expect(err.problems[0]).toMatchObject({ row: 3, column: 'D', field: 'creditCode' });
    expect(err.problems[0]!.message.zh).toContain('被存为数字');
  });

  it('walks the README: import the sample plan twice, then a monthly report and a year summary from the running system', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    expect(await runCli(['import-plan', 'samples/plan.csv', '--settings', '{"cityTargetDate":"2099-12-31"}'], io)).toBe(0);
    expect(err).toEqual([]);
    expect(out).toEqual(['计划表 samples/plan.csv：6 行全部校验通过', '新建案件 6 件']);
    out.length = 0;
    expect(await runCli(['import-plan', 'samples/plan.csv', '--lang', 'en'], io)).toBe(0);
    expect(out).toEqual(['plan table samples/plan.csv: all 6 row(s) valid', 'all 6 case(s) already exist; nothing new was started']);

    const sample = readFileSync('samples/plan.csv', 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const dadukou = sample.filter((c) => c[1] === '大渡口区');
    const month = shanghaiDate(Date.now()).slice(0, 7);
    const xlsx = join(dir, 'report', `大渡口区-${month}.xlsx`);
    out.length = 0;
    await eventually(async () => {
      out.length = 0;
      expect(await runCli(['report', 'monthly', '--district', '大渡口区', '--month', month, '--out', xlsx], io)).toBe(0);
      expect(out[0]).toMatch(new RegExp(`^大渡口区 ${month} 工作进度表：\\d+ 件案件`));
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(xlsx);
      const ws = wb.worksheets[0]!;
      const values = ws.getSheetValues().flat().map(String);
      for (const c of dadukou) {
        expect(values).toContain(c[2]); // enterprise
        expect(values).toContain(c[3]); // credit code
      }
      expect(values).toContain('摸排（摸排中）');
    }, 60_000); // visibility catches up with the import
    expect(existsSync(xlsx.replace(/\.xlsx$/, '.csv'))).toBe(true);

    // One district: the dev server is shared with other test files, whose cases elsewhere may have no worker left.
    out.length = 0;
    const summary = join(dir, 'summary', 'summary.xlsx');
    expect(await runCli(['report', 'summary', '--year', month.slice(0, 4), '--district', '大渡口区', '--out', summary], io)).toBe(0);
    expect(out[0]).toMatch(/年度总结（大渡口区）：\d+ 件案件，已完成 0 件，逾期 0 件/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(summary);
    const ws = wb.getWorksheet('年度汇总')!;
    expect(ws.getColumn(1).values.map(String)).toContain('大渡口区');
    const md = readFileSync(summary.replace(/\.xlsx$/, '.md'), 'utf8');
    expect(md).toContain(`# ${month.slice(0, 4)} 年社区管理职能分离移交工作年度总结（大渡口区）`);
    // Every case of 大渡口区 (the sample's row, and the generated ones) is still surveying.
    expect(md).toMatch(/\| 大渡口区 \| (\d+) \| \1 \| 0 \| 0 \| 0 \| 0 \| 0 \| 0 \| 0 \| 0 \|/);
    expect(wb.getWorksheet('案件明细')!.getColumn(3).values.map(String)).toEqual(expect.arrayContaining(dadukou.map((c) => c[2])));

    out.length = 0;
    err.length = 0;
    expect(await runCli(['report', 'monthly', '--district', '火星区', '--month', month, '--out', xlsx], io)).toBe(1);
    expect(err[0]).toContain('未知区县');
  });

  it('prints every error of a bad plan through the CLI and exits 1', async () => {
    const path = writeCsv('cli-bad.csv', [row('火星区'), row('九龙坡区', { date: '明年' })]);
    const out: string[] = [];
    const err: string[] = [];
    expect(await runCli(['import-plan', path], { out: (l) => out.push(l), err: (l) => err.push(l) })).toBe(1);
    expect(err).toEqual([
      '第 2 行 B 列（区县）：未知区县“火星区”（应为附件1所列的40个区县之一）',
      '第 3 行 G 列（计划完成时间）：“计划完成时间”不是有效日期（如 2018-06-30）：“明年”',
      '错误：计划表有 2 处错误，未建立任何案件',
    ]);
  });

  it('makes one case per enterprise and district (issue 11 point 1): areas in two districts are two cases, two areas in one district one case', async () => {
    const code = freshCode();
    const name = '重庆双区钢铁厂';
    const rows = [
      row('江北区', { code, name, area: '大石坝职工家属区', people: 3200, date: '2027-06-30' }),
      row('渝北区', { code, name, area: '龙溪职工家属区', people: 800, date: '2027-03-31' }),
      row('江北区', { code, name, area: '观音桥职工家属区', people: 1200, date: '2027-09-30' }),
    ];
    const path = await writeXlsx('two-districts.xlsx', rows);
    const jiangbei = caseIdFor(code, '江北区');
    const yubei = caseIdFor(code, '渝北区');
    const outcome = await importPlan(client, path, { taskQueue, settings: { cityTargetDate: '2099-12-31' } });
    expect(outcome).toMatchObject({ rows: 3, cases: 2, started: [jiangbei, yubei], existing: [] });

    const two = await caseState(client, jiangbei);
    expect(two.context).toMatchObject({
      definitionVersion: DEFINITION_VERSION,
      parties: { creditCode: code, district: '江北区' },
      residentialArea: '大石坝职工家属区、观音桥职工家属区',
      plannedCompletion: '2027-09-30',
      areas: [
        { name: '大石坝职工家属区', people: 3200 },
        { name: '观音桥职工家属区', people: 1200 },
      ],
    });
    expect(two.plannedPeople).toBe(4400);
    const one = await caseState(client, yubei);
    expect(one.context).toMatchObject({ parties: { creditCode: code, district: '渝北区' }, residentialArea: '龙溪职工家属区', plannedCompletion: '2027-03-31' });
    expect(one.context).not.toHaveProperty('areas');
    expect(one.plannedPeople).toBe(800);

    // A bare credit code no longer names one case: the lookup asks which district.
    await expect(resolveCaseId(client, code)).rejects.toBeInstanceOf(AmbiguousCaseError);
    expect(await resolveCaseId(client, `${code}-500112`)).toBe(yubei);

    // Each case is its own agreement with its own district; the two-area case takes community decisions per area.
    const on = shanghaiDate(Date.now());
    const send = (caseId: string, type: EventType, role: Role, district: string, data: unknown = PAYLOADS[type]) =>
      sendDecision(client, caseId, { type, actor: { role, org: role === 'enterprise' ? code : role === 'township' ? `${district}/石马河街道` : district }, occurredOn: on, data });
    for (const [caseId, district] of [[jiangbei, '江北区'], [yubei, '渝北区']] as const) {
      await send(caseId, 'SURVEY_SUBMITTED', 'districtCivilAffairs', district);
      await send(caseId, 'SURVEY_CONFIRMED', 'districtCivilAffairs', district);
      await send(caseId, 'WORK_PLAN_PROPOSED', 'township', district);
      await send(caseId, 'WORK_PLAN_ACCEPTED', 'enterprise', district);
      await send(caseId, 'AGREEMENT_SIGNED', 'enterprise', district);
    }
    await expect(send(yubei, 'AGREEMENT_SIGNED', 'districtGovernment', '江北区')).rejects.toMatchObject({ refusal: { code: 'wrongOrganisation' } });
    for (const [caseId, district] of [[jiangbei, '江北区'], [yubei, '渝北区']] as const) await send(caseId, 'AGREEMENT_SIGNED', 'districtGovernment', district);
    expect((await caseState(client, jiangbei)).context.agreement.signedOn).toBe(on);
    expect((await caseState(client, yubei)).context.agreement.signedOn).toBe(on);

    const unnamed = await send(jiangbei, 'COMMUNITY_SETUP_DECIDED', 'township', '江北区').then(() => undefined, (e: unknown) => e);
    expect(unnamed).toBeInstanceOf(DecisionRefusedError);
    expect((unnamed as DecisionRefusedError).refusal.message.en).toContain('name one in data.area');
    await send(jiangbei, 'COMMUNITY_SETUP_DECIDED', 'township', '江北区', { ...(PAYLOADS.COMMUNITY_SETUP_DECIDED as object), area: '观音桥职工家属区' });
    const after = await caseState(client, jiangbei);
    expect(after.context.areas).toEqual([
      { name: '大石坝职工家属区', people: 3200 },
      { name: '观音桥职工家属区', people: 1200, route: 'setUpDirectly' },
    ]);
    // The one-area case takes the same decision without naming its area, as before.
    await send(yubei, 'COMMUNITY_SETUP_DECIDED', 'township', '渝北区');
    expect((await caseState(client, yubei)).context.community).toMatchObject({ route: 'setUpDirectly' });
    // A run of definition 168-2017.3 with two areas, for the replay test (saved with HANDOVER_RECORD_HISTORIES=1).
    await recordHistory(client.workflow.getHandle(jiangbei), 'handover-two-areas-168-2017.3');
  });
});
