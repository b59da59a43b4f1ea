// Fault injection on the dev server: the worker process is killed with SIGKILL while 20 cases receive decisions, and
// a replacement takes over. Every acknowledged decision is recorded exactly once in the permanent case record (and
// the workflow's timeline); senders that lost their answer resend the same request id and are told it was applied.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { EventType } from '../../machines/events';
import type { Role } from '../../machines/roles';
import { devServerAddress } from '../helpers/servers';
import { OPENING } from '../helpers/handover-env';
import { PARTIES, PAYLOADS, freshCreditCode, orgFor } from '../helpers/decisions';
import { eventually } from '../helpers/eventually';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';
import { caseState, caseTimeline, sendDecision, startCase } from '../../client/cases';
import { DecisionRefusedError } from '../../client/errors';
import { caseRecordEntries } from '../../client/case-record';
import { openCaseRecordStore } from '../../activities/case-record';
import type { CaseRecordStore } from '../../activities/case-record/store';
import { shanghaiDate } from '../../machines/calendar';

const CASES = 20;
const taskQueue = `fault-kill-${process.pid}-${Date.now()}`;
const dataDir = mkdtempSync(join(tmpdir(), 'handover-fault-kill-'));
let connection: Connection;
let client: Client;
let record: CaseRecordStore | undefined;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  connection = await Connection.connect({ address: devServerAddress() });
  client = new Client({ connection });
});

afterAll(async () => {
  for (const w of workers) await w.kill();
  await record?.close();
  await connection?.close();
});

const STEPS: Array<[EventType, Role, unknown?]> = [
  ['SURVEY_SUBMITTED', 'districtCivilAffairs'],
  ['SURVEY_CONFIRMED', 'districtCivilAffairs'],
  ['MAJOR_PROBLEM_REPORTED', 'township', { summary: '居民集体来访' }],
  ['WORK_PLAN_PROPOSED', 'township'],
  ['WORK_PLAN_ACCEPTED', 'enterprise'],
  ['AGREEMENT_SIGNED', 'enterprise'],
];

interface Ack {
  caseId: string;
  requestId: string;
  type: EventType;
  duplicate: boolean;
  resent: number;
}

describe('fault injection: a worker killed while cases receive decisions', () => {
  it('records every acknowledged decision exactly once across SIGKILL and a replacement worker', async () => {
    const first = await startWorkerProcess({ address: devServerAddress(), taskQueue, dataDir });
    workers.push(first);
    const today = shanghaiDate(Date.now());
    const cases = await Promise.all(
      Array.from({ length: CASES }, async () => {
        const code = freshCreditCode();
        const handle = await startCase(client, { ...OPENING, creditCode: code }, { taskQueue, registerForReports: false });
        return { caseId: handle.workflowId, parties: { ...PARTIES, creditCode: code } };
      }),
    );

    const acks: Ack[] = [];
    let errors = 0;
    const sendAll = async ({ caseId, parties }: (typeof cases)[number]) => {
      for (const [i, [type, role, data]] of STEPS.entries()) {
        const requestId = `${caseId}-step-${i}`;
        const request = { type, actor: { role, org: orgFor(role, parties) }, occurredOn: today, data: data ?? PAYLOADS[type], requestId };
        for (let resent = 0; ; resent++) {
          try {
            const reply = await sendDecision(client, caseId, request);
            acks.push({ caseId, requestId, type, duplicate: reply.duplicate === true, resent });
            break;
          } catch (err) {
            // A refusal is a bug here (every request is valid in order); anything else is the outage: send again.
            if (err instanceof DecisionRefusedError || resent >= 60) throw err;
            errors++;
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      }
    };
    const sending = Promise.all(cases.map(sendAll));

    // Kill the worker in the middle of the stream, then start a replacement.
    await eventually(() => expect(acks.length).toBeGreaterThanOrEqual(30), 30_000);
    const ackedBeforeKill = acks.length;
    await first.kill();
    expect(() => process.kill(first.child.pid!, 0)).toThrow(); // really gone
    const second = await startWorkerProcess({ address: devServerAddress(), taskQueue, dataDir });
    workers.push(second);
    await sending;

    expect(ackedBeforeKill).toBeLessThan(CASES * STEPS.length); // the kill came while decisions were still arriving
    expect(acks).toHaveLength(CASES * STEPS.length);
    // Both workers wrote the same record file (one data folder), as workers sharing a store do.
    record = await openCaseRecordStore({ dataDir });
    for (const { caseId } of cases) {
      const mine = acks.filter((a) => a.caseId === caseId);
      // The record is written by an activity after the decision: wait until it holds them all, then compare.
      const decisions = await eventually(async () => {
        const entries = [];
        for await (const e of caseRecordEntries(record!, caseId)) if (e.kind === 'decision') entries.push(e);
        expect(entries.length).toBeGreaterThanOrEqual(mine.length);
        return entries;
      }, 20_000);
      // Exactly once per acknowledged request id, in the order sent, and nothing else.
      expect(decisions.map((d) => d.requestId)).toEqual(mine.map((a) => a.requestId));
      expect(decisions.map((d) => d.type)).toEqual(STEPS.map(([type]) => type));
      for (const a of mine) expect((await record.findByRequestId(caseId, a.requestId))?.type).toBe(a.type);
      // The workflow's own timeline agrees.
      const timeline = (await caseTimeline(client, caseId)).filter((e) => e.kind === 'decision');
      expect(timeline.map((d) => d.requestId)).toEqual(mine.map((a) => a.requestId));
      const state = await caseState(client, caseId);
      expect(state.stage).toBe('agreement');
      expect(state.decisions).toBe(STEPS.length);
    }
    // Senders whose answer was lost resent; a resend of an applied request is answered as a duplicate, never applied again.
    for (const a of acks.filter((x) => x.duplicate)) expect(a.resent).toBeGreaterThan(0);
    console.log(`[fault-worker-kill] ${ackedBeforeKill} decisions acknowledged before SIGKILL, ${errors} sends failed and were resent, ${acks.filter((a) => a.duplicate).length} answered as duplicates`);
  }, 240_000); // two worker start-ups (each bundles the workflows) take most of it; generous for a loaded machine
});
