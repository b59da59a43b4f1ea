// `handover notifications --as` for the roles whose organisation is narrower than a district (a township, a parent
// group): which notifications are theirs is decided by each case's parties, read from the running workflow on the
// dev server (a real worker). The outbox is a SQLite file in a temporary data folder.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outbox, outboxFile } from '../../activities/outbox';
import { cli } from '../helpers/cli';
import { startCase } from '../../client/cases';
import { freshCreditCode } from '../helpers/decisions';
import { OPENING, startDevHarness, type CaseHarness } from '../helpers/handover-env';

const taskQueue = `cli-notifications-${process.pid}`;
let h: CaseHarness;
let caseId: string;
const savedDataDir = process.env.HANDOVER_DATA_DIR;

beforeAll(async () => {
  h = await startDevHarness(taskQueue, { cliEnv: true });
  const dir = mkdtempSync(join(tmpdir(), 'handover-cli-notifications-'));
  process.env.HANDOVER_DATA_DIR = dir;
  delete process.env.HANDOVER_OUTBOX_DATABASE_URL;
  delete process.env.HANDOVER_RECORD_DATABASE_URL;
  const handle = await startCase(h.client, { ...OPENING, creditCode: freshCreditCode() }, { taskQueue });
  caseId = handle.workflowId;
  const outbox = new Outbox(outboxFile(dir));
  const common = { dueKey: '2026-03-02', clause: '§三(二)', district: OPENING.district };
  outbox.record({ ...common, caseId, reason: 'negotiationReminder', recipients: ['township', 'parentGroup'], message: { zh: '协商催办', en: 'negotiation reminder' } });
  // A case no workflow runs under: no parties, so no township's or group's.
  outbox.record({ ...common, caseId: `${caseId}X`, reason: 'negotiationReminder', recipients: ['township'], message: { zh: '无此案件', en: 'no such case' } });
  outbox.close();
});

afterAll(async () => {
  await h?.stop();
  if (savedDataDir === undefined) delete process.env.HANDOVER_DATA_DIR;
  else process.env.HANDOVER_DATA_DIR = savedDataDir;
});

describe('handover notifications --as on the dev server', () => {
  it('lists a township’s and a parent group’s notifications by the parties of each case, not another township’s', async () => {
    const ids = (r: { out: string[] }) => (JSON.parse(r.out.join('\n')) as { items: Array<{ caseId: string }> }).items.map((n) => n.caseId);
    const own = await cli('--json', 'notifications', '--as', `township@${OPENING.district}/${OPENING.township}`);
    expect(own.err).toEqual([]);
    expect(ids(own)).toEqual([caseId]);
    expect(ids(await cli('--json', 'notifications', '--as', `parentGroup@${OPENING.parentGroup}`))).toEqual([caseId]);
    expect(ids(await cli('--json', 'notifications', '--as', `township@${OPENING.district}/谢家湾街道`))).toEqual([]);
    expect(ids(await cli('--json', 'notifications', '--as', 'parentGroup@重庆另一集团公司'))).toEqual([]);
    const text = await cli('--lang', 'en', 'notifications', '--as', `township@${OPENING.district}/${OPENING.township}`);
    expect(text.out[0]).toBe('1 notification');
    expect(text.out[1]).toContain(`${caseId}  negotiation reminder §三(二)  → township (sub-district office), parent group company  pending`);
  });

  it('finds a case by its bare credit code on the server, as the other case commands do', async () => {
    const code = caseId.replace(/^handover-/, '').split('-')[0]!;
    const byCode = await cli('--json', 'notifications', code);
    expect(byCode.err).toEqual([]);
    expect((JSON.parse(byCode.out.join('\n')) as { items: Array<{ caseId: string }> }).items.map((n) => n.caseId)).toEqual([caseId]);
  });
});
