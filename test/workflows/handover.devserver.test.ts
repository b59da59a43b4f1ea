// The handover workflow on the real dev server: a killed worker, visibility by search attributes, the definition check.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { devServerAddress } from '../helpers/servers';
import { OPENING, act } from '../helpers/handover-env';
import { PARTIES, freshCreditCode } from '../helpers/decisions';
import { eventually } from '../helpers/eventually';
import { settledHistoryLength } from '../helpers/settled-history';
import { caseState, sendDecision, startCase } from '../../client/cases';
import { DecisionRefusedError } from '../../client/errors';
import { checkRunningCases } from '../../client/admin/definition-check';
import { shanghaiDate } from '../../machines/calendar';
import { stopProcess } from '../../scripts/servers/dev-server';

const ROOT = resolve(__dirname, '../..');
const taskQueue = `handover-dev-${process.pid}`;
let connection: Connection;
let client: Client;
const workers: ChildProcess[] = [];

/** The real worker (worker.ts) as its own process, as `npm start` runs it. */
function startWorkerProcess(): Promise<ChildProcess> {
  // Node itself with tsx's loader: SIGKILL must hit the worker, not a tsx wrapper that leaves it running.
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'worker.ts')], {
    cwd: ROOT,
    env: { ...process.env, TEMPORAL_ADDRESS: devServerAddress(), HANDOVER_TASK_QUEUE: taskQueue, HANDOVER_DATA_DIR: mkdtempSync(join(tmpdir(), 'handover-w-')) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  workers.push(child);
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (c) => {
      out += c;
      if (out.includes('worker polling')) ok(child);
    });
    child.stderr!.on('data', (c) => (out += c));
    child.once('exit', (code) => fail(new Error(`worker exited with ${code}: ${out}`)));
  });
}

beforeAll(async () => {
  connection = await Connection.connect({ address: devServerAddress() });
  client = new Client({ connection });
});

afterAll(async () => {
  await Promise.all(workers.map((w) => stopProcess(w)));
  await connection?.close();
});

const today = () => shanghaiDate(Date.now());

describe('dev server: a case outlives its worker', () => {
  it('goes on after the worker is killed and a new one started', async () => {
    const first = await startWorkerProcess();
    const code = freshCreditCode();
    const handle = await startCase(client, { ...OPENING, creditCode: code }, { taskQueue });
    const send = act(client, handle.workflowId, { ...PARTIES, creditCode: code });
    await send('SURVEY_SUBMITTED', 'districtCivilAffairs', today());
    await send('SURVEY_CONFIRMED', 'districtCivilAffairs', today());
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    expect(() => process.kill(first.pid!, 0)).toThrow(); // really gone

    await startWorkerProcess();
    await send('WORK_PLAN_PROPOSED', 'township', today());
    const s = await send('WORK_PLAN_ACCEPTED', 'enterprise', today());
    expect(s.stage).toBe('agreement');
    expect(s.decisions).toBe(4);
    expect((await caseState(client, handle.workflowId)).context.survey?.totalPeople).toBe(3200);
  });

  it('leaves no event in the history when it refuses a decision', async () => {
    const code = freshCreditCode();
    const handle = await startCase(client, { ...OPENING, creditCode: code }, { taskQueue });
    await act(client, handle.workflowId, { ...PARTIES, creditCode: code })('SURVEY_SUBMITTED', 'districtCivilAffairs', today());
    const before = await settledHistoryLength(handle); // the answer comes before the record write's events
    await expect(
      sendDecision(client, handle.workflowId, { type: 'SURVEY_CONFIRMED', actor: { role: 'township', org: PARTIES.township! }, occurredOn: today(), data: {} }),
    ).rejects.toBeInstanceOf(DecisionRefusedError);
    // The real server runs the validator in a speculative workflow task and discards it on rejection.
    const events = (await handle.fetchHistory()).events!;
    expect(events.map((e) => temporal.api.enums.v1.EventType[e.eventType!])).toHaveLength(before);
  });

  it('lists cases by district and stage through the search attributes, and restores every running snapshot', async () => {
    const code = freshCreditCode();
    const district = '万盛经开区';
    const handle = await startCase(client, { ...OPENING, creditCode: code, district, township: '万东镇' }, { taskQueue });
    const parties = { creditCode: code, district, township: `${district}/万东镇`, parentGroup: PARTIES.parentGroup };
    const send = act(client, handle.workflowId, parties);
    await send('SURVEY_SUBMITTED', 'districtCivilAffairs', today());
    await send('SURVEY_CONFIRMED', 'districtCivilAffairs', today());
    await send('WORK_PLAN_PROPOSED', 'township', today());
    const agreed = await send('WORK_PLAN_ACCEPTED', 'enterprise', today());
    const ids = await eventually(async () => {
      const found: string[] = [];
      for await (const wf of client.workflow.list({ query: `HandoverDistrict = '${district}' AND HandoverStage = 'agreement' AND HandoverOverdue = false` })) {
        found.push(wf.workflowId);
        expect(wf.searchAttributes.HandoverNextDeadline?.[0]).toEqual(new Date(agreed.nextDeadline!.deadline!.at));
      }
      expect(found).toContain(handle.workflowId);
      return found;
    });
    expect(ids).toContain(handle.workflowId);

    // Only this file's cases: other test files' cases share the server but not a running worker.
    const check = await checkRunningCases(client, undefined, `WorkflowType = 'handoverWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue}'`);
    expect(check.checked).toBeGreaterThanOrEqual(1);
    expect(check.failures).toEqual([]);
  });
});
