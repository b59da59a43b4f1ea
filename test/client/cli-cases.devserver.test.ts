// The case commands of the `handover` CLI against the real dev server, with a real worker.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevHarness, type CaseHarness } from '../helpers/handover-env';
import { eventually } from '../helpers/eventually';
import { freshCreditCode } from '../helpers/decisions';
import { cli } from '../helpers/cli';
import { shanghaiDate } from '../../machines/calendar';
import { caseIdFor } from '../../machines/case-input';

const taskQueue = `cli-${process.pid}`;
let h: CaseHarness;

beforeAll(async () => {
  h = await startDevHarness(taskQueue, { cliEnv: true });
});

afterAll(async () => {
  await h?.stop();
});

describe('handover CLI on the dev server', () => {
  const code = freshCreditCode();
  const caseId = caseIdFor(code, '九龙坡区');
  const caseJson = JSON.stringify({ ...JSON.parse(readFileSync('samples/case.json', 'utf8')), creditCode: code });

  it('starts a case and prints it in Chinese', async () => {
    const r = await cli('start', '--data', caseJson);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe(`已建立案件 ${caseId}`);
    expect(r.out).toContain('阶段：摸排（§三(一)）');
  });

  it('refuses a second start for the same enterprise in one line', async () => {
    const r = await cli('start', '--data', caseJson);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([`错误：该企业的移交案件已存在：${caseId}，未重复创建`]);
  });

  it('sends decisions, refusing a wrong role with its reason and a non-zero exit', async () => {
    const wrong = await cli('send', code, 'SURVEY_SUBMITTED', '--as', `enterprise@${code}`, '--data', '@samples/decisions/survey-submitted.json');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toHaveLength(1);
    expect(wrong.err[0]).toMatch(/^错误：移交企业无权执行「提交摸排结果」/);

    const ok = await cli('send', code, 'SURVEY_SUBMITTED', '--as', 'districtCivilAffairs@九龙坡区', '--data', '@samples/decisions/survey-submitted.json', '--request-id', 'cli-1');
    expect(ok.code).toBe(0);
    expect(ok.out[0]).toBe('已办理：提交摸排结果（记录第 1 条）');
    const again = await cli('send', code, 'SURVEY_SUBMITTED', '--as', 'districtCivilAffairs@九龙坡区', '--data', '@samples/decisions/survey-submitted.json', '--request-id', 'cli-1');
    expect(again.code).toBe(0);
    expect(again.out[0]).toBe('请求 cli-1 已办理过（记录第 1 条），未重复办理');
    // The same request id with another decision is refused, naming the id.
    const reused = await cli('send', code, 'SURVEY_CONFIRMED', '--as', 'districtCivilAffairs@九龙坡区', '--request-id', 'cli-1');
    expect(reused.code).toBe(1);
    expect(reused.err[0]).toContain('请求编号 cli-1 已用于本案另一项决定');
  });

  it('shows the status with the actions each party may take, in English on request, and as JSON', async () => {
    const zh = await cli('status', code);
    expect(zh.out).toContain('当前状态：已摸排');
    expect(zh.out.some((l) => l.includes('区县民政局（districtCivilAffairs）') && l.includes('SURVEY_CONFIRMED'))).toBe(true);
    const en = await cli('--lang', 'en', 'status', `handover-${code}`);
    expect(en.out).toContain('Current state: surveyed');
    expect(en.out).toContain('Stage: survey (§三(一))');
    const json = await cli('--json', 'status', code);
    expect(JSON.parse(json.out.join('\n'))).toMatchObject({ stage: 'survey', decisions: 1, actions: { districtCivilAffairs: expect.arrayContaining(['SURVEY_CONFIRMED']) } });
  });

  it('prints the timeline and lists the case by district', async () => {
    const tl = await cli('timeline', code);
    expect(tl.out).toHaveLength(1);
    expect(tl.out[0]).toContain('提交摸排结果 (SURVEY_SUBMITTED) — 区县民政局 九龙坡区');
    // One page at a time from the case record.
    const page = await cli('--json', 'timeline', code, '--limit', '1');
    expect(JSON.parse(page.out.join('\n'))).toMatchObject({ total: 1, entries: [{ seq: 1, type: 'SURVEY_SUBMITTED', requestId: 'cli-1' }] });
    await eventually(async () => {
      const list = await cli('--json', 'list', '--district', '九龙坡区', '--stage', 'survey');
      expect(JSON.parse(list.out.join('\n')).map((r: { caseId: string }) => r.caseId)).toContain(caseId);
    });
  });

  it('reports an unknown case and a malformed date in one line each', async () => {
    const unknown = await cli('status', '91500000202812346X');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toEqual(['错误：案件不存在：handover-91500000202812346X']);
    const future = await cli('send', code, 'SURVEY_CONFIRMED', '--as', 'districtCivilAffairs@九龙坡区', '--on', '2099-01-01');
    expect(future.code).toBe(1);
    expect(future.err[0]).toContain(`晚于今天（${shanghaiDate(Date.now())}）`);
  });

  it('lists the decision types and writes the diagram', async () => {
    const events = await cli('events');
    expect(events.out.some((l) => l.startsWith('AGREEMENT_SIGNED') && l.includes('enterprise, districtGovernment'))).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'diagram-'));
    const d = await cli('diagram', '--svg', join(dir, 'a.svg'), '--mermaid', join(dir, 'a.mmd'));
    expect(d.code).toBe(0);
    expect(existsSync(join(dir, 'a.svg'))).toBe(true);
    expect(readFileSync(join(dir, 'a.svg'), 'utf8')).toContain('待签订');
    expect(readFileSync(join(dir, 'a.mmd'), 'utf8')).toMatch(/^stateDiagram-v2/);
  });
});
