// `handover import-history --dry-run`: the whole history checked without a server (issue 11, Build 5).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sample from '../../samples/history-2017.json';
import { runCli } from '../../client/cli/main';

const dir = mkdtempSync(join(tmpdir(), 'cli-history-'));

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

function write(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('handover import-history --dry-run', () => {
  it('checks the sample 2017 case: every deadline met, nothing to send, the projection shown', async () => {
    const r = await run(['import-history', 'samples/history-2017.json', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.out.slice(0, 3)).toEqual(['案件历史 samples/history-2017.json：11 项决定全部校验通过，按日期办理', '仅校验（--dry-run），未建立案件', '各期限均按其自身日期办结，无通知']);
    expect(r.out).toContain('已移交：是（2017-11-10，过渡期中）');
    expect(r.out).toContain('逾期：否');
    expect(r.out.filter((l) => l.startsWith('  [')).every((l) => l.startsWith('  [已完成]'))).toBe(true);
  });

  it('says which notifications the decisions themselves would send (a disagreement referred in 2017)', async () => {
    const h = JSON.parse(JSON.stringify(sample)) as { decisions: unknown[] };
    h.decisions.splice(
      3,
      1,
      { type: 'DISAGREEMENT_ESCALATED', actor: { role: 'township', org: '九龙坡区/杨家坪街道' }, occurredOn: '2017-09-22', data: { major: false, summary: '经费分担未达成一致' } },
      { type: 'COORDINATION_CONCLUDED', actor: { role: 'cityCivilAffairs', org: 'chongqing' }, occurredOn: '2017-09-28', data: { outcome: 'agreedPlan', summary: '经协调达成一致' } },
    );
    const r = await run(['import-history', write('escalated.json', h), '--dry-run', '--lang', 'en']);
    expect(r.code).toBe(0);
    expect(r.out[2]).toBe('every deadline was met on its own dates; nothing recorded after the fact');
    expect(r.out[3]).toBe('1 notification(s) of the decisions themselves (sent on import):');
  });

  it('prints every problem with its decision and field, and exits 1 having started nothing', async () => {
    const h = JSON.parse(JSON.stringify(sample)) as { decisions: Array<{ data?: Record<string, unknown>; occurredOn: string }> };
    h.decisions[0]!.data!.serviceStaff = -1;
    h.decisions[2]!.occurredOn = '2017-02-30';
    const r = await run(['import-history', write('bad.json', h), '--dry-run']);
    expect(r.code).toBe(1);
    expect(r.err.slice(0, 2)).toEqual([expect.stringContaining('第 1 项决定（decisions[0]） data.serviceStaff'), expect.stringContaining('第 3 项决定（decisions[2]） occurredOn')]);
    expect(r.err.join('\n')).toContain('未建立案件、未办理任何决定');
    const notJson = await run(['import-history', write('broken.json', '{"opening":'), '--dry-run', '--lang', 'en']);
    expect(notJson.code).toBe(1);
    expect(notJson.err[0]).toContain('(file): not valid JSON');
  });
});
