// What a case keeps, on the real dev server: its permanent record (every decision exactly once, paged), a bounded
// carried input across continue-as-new, bounded Update replies, request ids bound to their decision, closed cases.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { startDevHarness, startCase, OPENING, type CaseHarness } from '../helpers/handover-env';
import { PARTIES, SURVEY, freshCreditCode, orgFor } from '../helpers/decisions';
import { eventually } from '../helpers/eventually';
import { recordHistory } from '../helpers/histories';
import { settledHistoryLength } from '../helpers/settled-history';
import { caseRecord, caseState, caseTimeline, sendDecision } from '../../client/cases';
import { caseListQuery, caseRow, latestRows } from '../../client/case-list';
import { CaseClosedError, DecisionRefusedError, RequestIdConflictError } from '../../client/errors';
import { shanghaiDate } from '../../machines/calendar';
import type { EventType } from '../../machines/events';
import type { CaseParties, Role } from '../../machines/roles';
import { CARRIED_INPUT_BUDGET_BYTES, RECENT_REQUESTS_BUDGET_BYTES, UPDATE_REPLY_BUDGET_BYTES, jsonBytes } from '../../workflows/budget';
import type { DecisionReply, DecisionRequest } from '../../workflows/messages';
import type { CaseRecordEntry } from '../../activities/case-record/store';

const taskQueue = `case-record-${process.pid}`;
let h: CaseHarness;

beforeAll(async () => {
  h = await startDevHarness(taskQueue);
});

afterAll(async () => {
  await h?.stop();
});

const today = () => shanghaiDate(Date.now());

function partiesFor(code: string): CaseParties {
  return { ...PARTIES, creditCode: code };
}

async function openCase(opts: { historyLimit?: number } = {}): Promise<{ handle: WorkflowHandle; parties: CaseParties }> {
  const code = freshCreditCode();
  const handle = await startCase(h.client, { ...OPENING, creditCode: code }, { taskQueue, historyLimit: opts.historyLimit, registerForReports: false });
  return { handle, parties: partiesFor(code) };
}

function request(parties: CaseParties, type: EventType, role: Role, data: unknown, requestId: string, user?: string): DecisionRequest {
  return { type, actor: { role, org: orgFor(role, parties), ...(user ? { user } : {}) }, occurredOn: today(), data, requestId };
}

/** Every entry of a case's record, read page by page through the client. */
async function wholeRecord(client: Client, caseId: string, limit = 97): Promise<CaseRecordEntry[]> {
  const all: CaseRecordEntry[] = [];
  let after: number | undefined = 0;
  let pages = 0;
  while (after !== undefined) {
    const page = await caseRecord(client, caseId, { afterSeq: after, limit, record: h.record });
    expect(page.entries.length).toBeLessThanOrEqual(limit);
    all.push(...page.entries);
    after = page.nextAfter;
    pages++;
    expect(pages).toBeLessThan(10_000);
  }
  return all;
}

/** The serialized input of every continue-as-new of a workflow (bytes of each payload's data), oldest first. */
async function carriedInputSizes(client: Client, started: WorkflowHandle): Promise<number[]> {
  const sizes: number[] = [];
  const caseId = started.workflowId;
  let runId: string | undefined = (started as WorkflowHandle & { firstExecutionRunId?: string }).firstExecutionRunId;
  // Follow the chain of runs from the first one.
  while (runId) {
    const history = await client.workflow.getHandle(caseId, runId).fetchHistory();
    const last = history.events!.at(-1)!;
    const can = last.workflowExecutionContinuedAsNewEventAttributes;
    if (!can) break;
    sizes.push((can.input?.payloads ?? []).reduce((n, p) => n + (p.data?.length ?? 0), 0));
    runId = can.newExecutionRunId ?? undefined;
  }
  return sizes;
}

const bigText = (n: number, tag: string) => `${tag}：${'移交工作中发现的问题和处理意见'.repeat(Math.ceil(n / 14))}`.slice(0, n);

describe('dev server: the case record and request identity', () => {
  it('records every decision once (who, role, organisation, date, payload, states before and after, request id), paged', async () => {
    const { handle, parties } = await openCase({ historyLimit: 60 });
    const caseId = handle.workflowId;
    const replies: DecisionReply[] = [];
    replies.push(await sendDecision(h.client, caseId, request(parties, 'SURVEY_SUBMITTED', 'districtCivilAffairs', SURVEY, 'rec-1', '张三'), { record: h.record }));
    replies.push(await sendDecision(h.client, caseId, request(parties, 'SURVEY_CONFIRMED', 'districtCivilAffairs', {}, 'rec-2'), { record: h.record }));
    for (let i = 0; i < 12; i++) {
      replies.push(await sendDecision(h.client, caseId, request(parties, 'MAJOR_PROBLEM_REPORTED', 'township', { summary: `问题 ${i + 1}` }, `rec-p-${i}`), { record: h.record }));
    }
    // The reply is a projection, and its seq is the decision's entry in the record (notifications take seqs too).
    for (const r of replies) {
      expect(r).not.toHaveProperty('context');
      expect(r.duplicate).toBe(false);
      expect(jsonBytes(r)).toBeLessThanOrEqual(UPDATE_REPLY_BUDGET_BYTES);
    }
    const seqs = replies.map((r) => r.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);

    // A reply may come before the store has its entry; the client's read merges what the case has not yet recorded.
    const entries = await wholeRecord(h.client, caseId, 5);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    const decisions = entries.filter((e) => e.kind === 'decision');
    expect(decisions.map((e) => e.requestId)).toEqual(['rec-1', 'rec-2', ...Array.from({ length: 12 }, (_, i) => `rec-p-${i}`)]);
    expect(decisions.map((e) => e.seq)).toEqual(seqs);
    expect(decisions[0]).toMatchObject({
      caseId,
      kind: 'decision',
      type: 'SURVEY_SUBMITTED',
      actor: { role: 'districtCivilAffairs', org: PARTIES.district, user: '张三' },
      occurredOn: today(),
      requestId: 'rec-1',
      before: ['survey.collecting'],
      after: ['survey.surveyed'],
    });
    expect(decisions[0]!.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((decisions[0]!.data as { totalPeople: number }).totalPeople).toBe(3200);
    expect(decisions[2]!.data).toEqual({ summary: '问题 1' });
    // Each reported problem notified the district government and the city: the notification is in the record too.
    expect(entries.filter((e) => e.kind === 'notification' && e.type === 'majorProblemReported')).toHaveLength(12);

    // The run continued as new (historyLimit 60) and the case went on counting from where it was.
    const sizes = await eventually(async () => {
      const s = await carriedInputSizes(h.client, handle);
      expect(s.length).toBeGreaterThanOrEqual(1);
      return s;
    });
    for (const s of sizes) expect(s).toBeLessThanOrEqual(CARRIED_INPUT_BUDGET_BYTES);
    const state = await caseState(h.client, caseId);
    expect(state.decisions).toBe(14);
    expect(state.recordSeq).toBe(entries.length);
    // The workflow's own timeline is a bounded tail without payloads; the record has everything.
    const tail = await caseTimeline(h.client, caseId);
    expect(tail.at(-1)!.seq).toBe(entries.at(-1)!.seq);
    expect(tail.every((e) => e.data === undefined)).toBe(true);
    // The first run, which continued as new, as a replay fixture of this shape (npm run record-histories).
    await recordHistory(h.client.workflow.getHandle(caseId, (handle as WorkflowHandle & { firstExecutionRunId?: string }).firstExecutionRunId), 'handover-case-record-continued');
    await handle.terminate('test done');
  });

  it('binds a request id to its decision: a true repeat is a duplicate with the original seq, another decision is refused', async () => {
    const { handle, parties } = await openCase();
    const caseId = handle.workflowId;
    const send = (r: DecisionRequest) => sendDecision(h.client, caseId, r, { record: h.record });
    const original = request(parties, 'MAJOR_PROBLEM_REPORTED', 'township', { summary: '居民集体来访' }, 'same-id', '李四');
    const first = await send(original);
    expect(first.duplicate).toBe(false);
    const again = await send({ ...original, data: { summary: '居民集体来访' } });
    expect(again).toMatchObject({ duplicate: true, seq: first.seq, decisions: first.decisions });

    // Another type, another payload, another user, another date: each refused, nothing applied.
    const others: DecisionRequest[] = [
      { ...original, type: 'NEW_TASK_REPORTED', actor: { role: 'enterprise', org: parties.creditCode }, data: { description: '新发现一处家属区' } },
      { ...original, data: { summary: '居民集体来访（另一件事）' } },
      { ...original, actor: { ...original.actor, user: '王五' } },
      { ...original, occurredOn: '2020-01-02' },
    ];
    for (const other of others) {
      const err = await send(other).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RequestIdConflictError);
      expect(err).toMatchObject({ code: 'requestIdConflict', httpStatus: 409, requestId: 'same-id', seq: first.seq });
      expect((err as Error).message).toContain('same-id');
    }
    const state = await caseState(h.client, caseId);
    expect(state.decisions).toBe(first.decisions);
    const record = await wholeRecord(h.client, caseId);
    expect(record.filter((e) => e.requestId === 'same-id')).toHaveLength(1);
    await handle.terminate('test done');
  });

  it('recognises request ids older than the workflow remembers through the record store', async () => {
    const { handle, parties } = await openCase({ historyLimit: 120 });
    const caseId = handle.workflowId;
    const longId = (i: number) => `old-${String(i).padStart(4, '0')}-${'x'.repeat(190)}`;
    // 200-character ids: the workflow's window (RECENT_REQUESTS_BUDGET_BYTES) holds a few dozen of them.
    const count = Math.ceil(RECENT_REQUESTS_BUDGET_BYTES / 200) + 20;
    const first = await sendDecision(h.client, caseId, request(parties, 'MAJOR_PROBLEM_REPORTED', 'township', { summary: '第一件' }, longId(0)), { record: h.record });
    for (let i = 1; i < count; i++) {
      await sendDecision(h.client, caseId, request(parties, 'MAJOR_PROBLEM_REPORTED', 'township', { summary: `第 ${i + 1} 件` }, longId(i)), { record: h.record });
    }
    // The workflow alone no longer knows the first id…
    const asked = await sendDecision(h.client, caseId, request(parties, 'MAJOR_PROBLEM_REPORTED', 'township', { summary: '第一件' }, longId(0)), { record: false }).catch((e: unknown) => e);
    expect(asked).not.toBeInstanceOf(Error);
    expect((asked as DecisionReply).duplicate).toBe(false); // applied again: what the store fallback prevents
    // …the client's fallback to the record does: the same decision is a duplicate, another one a conflict.
    const repeat = await sendDecision(h.client, caseId, request(parties, 'MAJOR_PROBLEM_REPORTED', 'township', { summary: '第 2 件' }, longId(1)), { record: h.record });
    expect(repeat).toMatchObject({ duplicate: true, seq: first.seq + 2 }); // each problem also wrote its notification
    const old = await sendDecision(h.client, caseId, request(parties, 'MAJOR_PROBLEM_REPORTED', 'township', { summary: '第一件' }, longId(0)), { record: h.record });
    expect(old).toMatchObject({ duplicate: true, seq: first.seq });
    await expect(
      sendDecision(h.client, caseId, request(parties, 'MAJOR_PROBLEM_REPORTED', 'township', { summary: '改过的内容' }, longId(0)), { record: h.record }),
    ).rejects.toBeInstanceOf(RequestIdConflictError);
    await handle.terminate('test done');
  });

  it('answers a decision on a terminated case as closed, shows its real status, and lists one row per case', async () => {
    const { handle, parties } = await openCase({ historyLimit: 40 });
    const caseId = handle.workflowId;
    for (let i = 0; i < 6; i++) {
      await sendDecision(h.client, caseId, request(parties, 'MAJOR_PROBLEM_REPORTED', 'township', { summary: `问题 ${i}` }, `closed-${i}`), { record: h.record });
    }
    await eventually(async () => expect((await carriedInputSizes(h.client, handle)).length).toBeGreaterThanOrEqual(1)); // several runs
    await handle.terminate('test: closed by an operator');
    const err = await sendDecision(h.client, caseId, request(parties, 'MAJOR_PROBLEM_REPORTED', 'township', { summary: '迟到的问题' }, 'closed-late'), { record: h.record }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CaseClosedError);
    expect(err).toMatchObject({ code: 'caseClosed', httpStatus: 409, status: 'terminated' });
    expect(err).not.toBeInstanceOf(DecisionRefusedError);
    expect((await caseState(h.client, caseId)).status).toBe('terminated');

    const rows = await eventually(async () => {
      const found = [];
      for await (const wf of h.client.workflow.list({ query: `${caseListQuery()} AND WorkflowId = '${caseId}'` })) found.push(caseRow(wf));
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ caseId, status: 'TERMINATED', caseStatus: 'terminated' });
      return found;
    });
    expect(latestRows([...rows, { ...rows[0]!, startedAt: '2000-01-01T00:00:00.000Z', status: 'CONTINUED_AS_NEW' }])).toEqual(rows);
  });

  it('leaves no trace of a refused conflict in the history', async () => {
    const { handle, parties } = await openCase();
    const caseId = handle.workflowId;
    // A decision that notifies nobody, so nothing else is still being written when the history is read.
    await sendDecision(h.client, caseId, request(parties, 'NEW_TASK_REPORTED', 'enterprise', { description: '原来的' }, 'trace-1'), { record: false });
    // The reply comes before the store acknowledged the entry: wait for that write to finish first.
    const before = await settledHistoryLength(handle);
    await expect(
      sendDecision(h.client, caseId, request(parties, 'NEW_TASK_REPORTED', 'enterprise', { description: '不同的' }, 'trace-1'), { record: false }),
    ).rejects.toBeInstanceOf(RequestIdConflictError);
    const events = (await handle.fetchHistory()).events!;
    expect(events.map((e) => temporal.api.enums.v1.EventType[e.eventType!])).toHaveLength(before);
    await handle.terminate('test done');
  });
});

export { bigText };
