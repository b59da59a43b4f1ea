// A long, heavy case on the real dev server: every decision the per-case limits allow, each with maximum-size text,
// plus true repeats, 2,000 Update calls in all. The case keeps running; what it carries across continue-as-new and
// every Update reply stay under the budget (workflows/budget.ts); its whole record is readable in pages, every
// applied decision exactly once.
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { startDevHarness, startCase, OPENING, type CaseHarness } from '../helpers/handover-env';
import { PARTIES, SURVEY, freshCreditCode, orgFor } from '../helpers/decisions';
import { eventually } from '../helpers/eventually';
import { caseRecord, caseState, sendDecision } from '../../client/cases';
import { DecisionRefusedError } from '../../client/errors';
import { shanghaiDate } from '../../machines/calendar';
import { CASE_LIMITS, TEXT_LIMITS } from '../../machines/limits';
import type { EventType } from '../../machines/events';
import type { CaseParties, Role } from '../../machines/roles';
import { CARRIED_INPUT_BUDGET_BYTES, UPDATE_REPLY_BUDGET_BYTES, jsonBytes } from '../../workflows/budget';
import type { DecisionReply, DecisionRequest } from '../../workflows/messages';
import type { CaseRecordEntry } from '../../activities/case-record/store';

const taskQueue = `bounded-${process.pid}`;
let h: CaseHarness;

beforeAll(async () => {
  h = await startDevHarness(taskQueue);
});

afterAll(async () => {
  await h?.stop();
});

/** Text of exactly `n` characters (Chinese: 3 bytes each in UTF-8), different per `tag`. */
const text = (n: number, tag: string) => `${tag}｜${'职工家属区移交中发现的问题及处理意见，'.repeat(Math.ceil(n / 19))}`.slice(0, n);
const PROSE = TEXT_LIMITS.prose;
/** Request ids of the maximum length (200), so the workflow's window holds few and the record answers for the rest. */
const requestId = (n: number) => `bounded-${String(n).padStart(5, '0')}-`.padEnd(200, 'r');
const user = (role: Role) => `${role}-经办人`.padEnd(TEXT_LIMITS.name, '甲');

const TOTAL_CALLS = 2_000;

describe('dev server: a case with 2,000 decisions at maximum size stays bounded', () => {
  it('keeps running, carries and answers under the budget, and records every applied decision exactly once', async () => {
    const started = Date.now();
    const phase = (name: string) => process.env.HANDOVER_TEST_VERBOSE && console.log(`${name}: ${Date.now() - started} ms`);
    const code = freshCreditCode();
    const parties: CaseParties = { ...PARTIES, creditCode: code };
    const handle: WorkflowHandle = await startCase(h.client, { ...OPENING, creditCode: code }, { taskQueue, historyLimit: 600, registerForReports: false });
    const caseId = handle.workflowId;
    const today = shanghaiDate(Date.now());
    let n = 0;
    const sent: DecisionRequest[] = [];
    const applied = new Map<string, number>(); // request id → seq
    const replyBytes: number[] = [];

    const request = (type: EventType, role: Role, data: unknown): DecisionRequest => ({
      type,
      actor: { role, org: orgFor(role, parties), user: user(role) },
      occurredOn: today,
      data,
      requestId: requestId(++n),
    });
    const send = async (r: DecisionRequest): Promise<DecisionReply> => {
      const reply = await sendDecision(h.client, caseId, r, { record: h.record });
      replyBytes.push(jsonBytes(reply));
      expect(reply).not.toHaveProperty('context');
      if (!reply.duplicate) {
        expect(applied.has(r.requestId!)).toBe(false);
        applied.set(r.requestId!, reply.seq);
        sent.push(r);
      } else {
        expect(reply.seq).toBe(applied.get(r.requestId!));
      }
      return reply;
    };
    /** Sends in groups of `width` at once (decisions whose order does not matter). */
    const sendAll = async (requests: DecisionRequest[], width = 8) => {
      for (let i = 0; i < requests.length; i += width) await Promise.all(requests.slice(i, i + width).map(send));
    };

    await send(request('SURVEY_SUBMITTED', 'districtCivilAffairs', { ...SURVEY, facilities: { ...SURVEY.facilities, ownership: text(TEXT_LIMITS.note, '产权') } }));
    await send(request('SURVEY_CONFIRMED', 'districtCivilAffairs', { note: text(PROSE, '确认') }));

    // Work plan negotiation: every proposal the case may hold, six maximum-length sections each.
    const sections = (i: number) => ({
      organisation: text(PROSE, `组织${i}`),
      content: text(PROSE, `内容${i}`),
      schedule: text(PROSE, `进度${i}`),
      funding: text(PROSE, `经费${i}`),
      responsibilities: text(PROSE, `职责${i}`),
      safeguards: text(PROSE, `保障${i}`),
    });
    await sendAll(Array.from({ length: CASE_LIMITS.workPlanProposals }, (_, i) => request('WORK_PLAN_PROPOSED', i % 2 ? 'township' : 'enterprise', { sections: sections(i) })), 4);

    phase('Major problems (any party)');
    // Major problems (any party) and their filing by the city; newly found tasks and their verification.
    const reporters: Role[] = ['township', 'enterprise', 'districtCivilAffairs', 'parentGroup'];
    await sendAll(Array.from({ length: CASE_LIMITS.majorProblems }, (_, i) => request('MAJOR_PROBLEM_REPORTED', reporters[i % 4]!, { summary: text(PROSE, `问题${i}`) })));
    await sendAll(Array.from({ length: CASE_LIMITS.majorProblems }, (_, i) => request('MAJOR_PROBLEM_FILED', 'cityCivilAffairs', { problemId: i + 1 })));
    await sendAll(Array.from({ length: CASE_LIMITS.newTasks }, (_, i) => request('NEW_TASK_REPORTED', i % 2 ? 'enterprise' : 'districtCivilAffairs', { description: text(PROSE, `任务${i}`), people: i })));
    await sendAll(Array.from({ length: CASE_LIMITS.newTasks }, (_, i) => request('NEW_TASK_VERIFIED', 'citySasac', { taskId: i + 1, approved: i % 3 !== 0, reason: text(PROSE, `核实${i}`) })));

    phase('Every coordination round');
    // Every coordination round the case may go through: escalate, the parent group's opinions, concluded.
    const opinionsPerRound = Math.floor(CASE_LIMITS.parentGroupOpinions / CASE_LIMITS.coordinationRounds);
    for (let round = 0; round < CASE_LIMITS.coordinationRounds; round++) {
      await send(request('DISAGREEMENT_ESCALATED', 'township', { major: false, summary: text(PROSE, `分歧${round}`) }));
      await sendAll(Array.from({ length: opinionsPerRound }, (_, i) => request('PARENT_GROUP_OPINION_GIVEN', 'parentGroup', { opinion: text(PROSE, `意见${round}-${i}`) })));
      await send(request('COORDINATION_CONCLUDED', 'cityCivilAffairs', { outcome: 'resolved', summary: text(PROSE, `结论${round}`) }));
    }
    const appliedCount = applied.size;
    expect(appliedCount).toBe(2 + 100 + 200 + 200 + 100 + 100 + 50 * (2 + opinionsPerRound));

    phase('Past a limit');
    // Past a limit the case refuses clearly, and goes on.
    const over = await sendDecision(h.client, caseId, request('MAJOR_PROBLEM_REPORTED', 'township', { summary: text(PROSE, '超限') }), { record: h.record }).catch((e: unknown) => e);
    expect(over).toBeInstanceOf(DecisionRefusedError);
    expect((over as DecisionRefusedError).refusal.code).toBe('caseLimit');

    // The rest of the 2,000 calls: true repeats of decisions already applied, old (answered by the record) and recent.
    const repeats = TOTAL_CALLS - appliedCount - 1;
    const repeatOf = Array.from({ length: repeats }, (_, i) => sent[Math.floor((i * sent.length) / repeats)]!);
    await sendAll(repeatOf.map((r) => ({ ...r, data: structuredClone(r.data) })));
    expect(replyBytes).toHaveLength(TOTAL_CALLS - 1);

    phase('Still running.');
    // Still running.
    const state = await caseState(h.client, caseId);
    expect(state.status).toBe('active');
    expect(state.stage).toBe('workPlan');
    expect(state.decisions).toBe(appliedCount);

    // Every Update reply and every carried input under the budget.
    expect(Math.max(...replyBytes)).toBeLessThanOrEqual(UPDATE_REPLY_BUDGET_BYTES);
    const carried = await eventually(async () => {
      const sizes: number[] = [];
      let runId: string | undefined = (handle as WorkflowHandle & { firstExecutionRunId?: string }).firstExecutionRunId;
      while (runId) {
        // Only the run's closing event (a run's whole history is megabytes: the payloads of its decisions).
        const { history } = await h.client.workflowService.getWorkflowExecutionHistory({
          namespace: 'default',
          execution: { workflowId: caseId, runId },
          historyEventFilterType: temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
        });
        const can = history?.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes;
        if (!can) break;
        sizes.push((can.input?.payloads ?? []).reduce((s, p) => s + (p.data?.length ?? 0), 0));
        runId = can.newExecutionRunId ?? undefined;
      }
      expect(sizes.length).toBeGreaterThanOrEqual(3);
      return sizes;
    }, 30_000);
    expect(Math.max(...carried)).toBeLessThanOrEqual(CARRIED_INPUT_BUDGET_BYTES);

    phase('The whole record, page by p');
    // The whole record, page by page: seqs 1..N without a gap, every applied decision exactly once, in order.
    const entries: CaseRecordEntry[] = [];
    let after: number | undefined = 0;
    while (after !== undefined) {
      const page = await caseRecord(h.client, caseId, { afterSeq: after, limit: 1000, record: h.record });
      entries.push(...page.entries);
      expect(page.total).toBe(state.recordSeq);
      after = page.nextAfter;
    }
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    const decisions = entries.filter((e) => e.kind === 'decision');
    expect(decisions).toHaveLength(appliedCount);
    expect(new Set(decisions.map((e) => e.requestId)).size).toBe(appliedCount);
    for (const e of decisions) expect(e.seq).toBe(applied.get(e.requestId!));
    const proposal = decisions.find((e) => e.type === 'WORK_PLAN_PROPOSED')!;
    expect((proposal.data as { sections: { safeguards: string } }).sections.safeguards).toHaveLength(PROSE); // payloads kept whole
    expect(proposal.actor).toEqual({ role: proposal.actor!.role, org: orgFor(proposal.actor!.role as Role, parties), user: user(proposal.actor!.role as Role) });
    expect(entries.filter((e) => e.kind === 'notification' && e.type === 'majorProblemReported')).toHaveLength(CASE_LIMITS.majorProblems);

    await handle.terminate('test done');
    // About a minute on an idle 2-core machine; the bound leaves room for a loaded one.
    expect(Date.now() - started).toBeLessThan(540_000);
  }, 600_000);
});
