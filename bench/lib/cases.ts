// Starting benchmark cases and driving them through the whole process, for the engine and for the baseline alike.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { sendAgainWhileContinuing } from '../../client/continuing';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { shanghaiDate } from '../../machines/calendar';
import { caseIdFor } from '../../machines/case-input';
import type { EventType } from '../../machines/events';
import type { CaseParties, Role } from '../../machines/roles';
import { PAYLOADS, orgFor } from '../../test/helpers/decisions';
import type { HandoverWorkflowInput } from '../../workflows/handover';
import { decideUpdate, unrecordedEntriesQuery, type DecisionRequest } from '../../workflows/messages';
import { DISTRICT, ENTERPRISE_NAME, OVERDUE, STAGE } from '../../workflows/search-attributes';
import { cpuMs, creditCode, nowMs, pool } from './common';

/** Which workflow runs the case: the engine (statechart host), the hand-written baseline, or the floor (an Update that does nothing). */
export type Engine = 'handover' | 'baseline' | 'floor';
export const WORKFLOW_TYPE: Record<Engine, string> = { handover: 'handoverWorkflow', baseline: 'baselineHandoverWorkflow', floor: 'floorWorkflow' };

/** The whole case of test/workflows/handover-lifecycle.timeskipping.test.ts: survey → transition decided (12 decisions). */
export const LIFECYCLE: ReadonlyArray<readonly [EventType, Role]> = [
  ['SURVEY_SUBMITTED', 'districtCivilAffairs'],
  ['SURVEY_CONFIRMED', 'districtCivilAffairs'],
  ['WORK_PLAN_PROPOSED', 'township'],
  ['WORK_PLAN_ACCEPTED', 'enterprise'],
  ['AGREEMENT_SIGNED', 'enterprise'],
  ['AGREEMENT_SIGNED', 'districtGovernment'],
  ['FACILITIES_HANDED_OVER', 'enterprise'],
  ['FACILITIES_INSPECTED', 'districtCivilAffairs'],
  ['COMMUNITY_SETUP_DECIDED', 'township'],
  ['COMMUNITY_ESTABLISHED', 'township'],
  ['RESIDENTS_COMMITTEE_ELECTED', 'township'],
  ['TRANSITION_DECIDED', 'districtGovernment'],
];

/** Timers that fire after the last decision: two transition reminders (each a `notify` activity) and the end. */
export const TIMERS_AFTER_DECISIONS = 3;

export interface BenchCase {
  workflowId: string;
  parties: CaseParties;
  firstRunId: string;
}

export function partiesFor(prefix: string, i: number): CaseParties {
  return { creditCode: creditCode(prefix, i), district: '九龙坡区', township: '九龙坡区/杨家坪街道', parentGroup: '重庆机电控股（集团）公司' };
}

/** Starts one case of `engine` (the same input and search attributes `client/cases.ts startCase` gives). */
export async function startBenchCase(client: Client, engine: Engine, taskQueue: string, prefix: string, i: number, historyLimit?: number, extraInput: Record<string, unknown> = {}): Promise<BenchCase> {
  const parties = partiesFor(prefix, i);
  const workflowId = `${caseIdFor(parties.creditCode, parties.district)}${engine === 'handover' ? '' : `-${engine}`}`;
  const enterpriseName = `重庆某机械厂${i}`;
  const input: HandoverWorkflowInput = {
    caseId: workflowId,
    parties,
    enterpriseName,
    residentialArea: '机械厂职工家属区',
    people: 3200,
    // The notice's 2017 target would flag every case started today (as in the tests).
    settings: { cityTargetDate: '2099-12-31' },
    historyLimit,
  };
  const handle = await client.workflow.start(WORKFLOW_TYPE[engine], {
    workflowId,
    taskQueue,
    args: [{ ...input, ...extraInput }],
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: DISTRICT, value: parties.district },
      { key: ENTERPRISE_NAME, value: enterpriseName },
      { key: STAGE, value: 'survey' },
      { key: OVERDUE, value: false },
    ],
  });
  return { workflowId, parties, firstRunId: handle.firstExecutionRunId };
}

export interface DecisionResult {
  stage: string;
  status: string;
}

/** One decision as an Update round trip; resolves with the state the workflow returned. */
export async function decide(client: Client, c: BenchCase, step: number, occurredOn: string): Promise<DecisionResult> {
  const [type, role] = LIFECYCLE[step]!;
  const request: DecisionRequest = {
    type,
    actor: { role, org: orgFor(role, c.parties) },
    occurredOn,
    data: PAYLOADS[type],
    requestId: `${c.workflowId}-${step}`,
  };
  const handle = client.workflow.getHandle(c.workflowId);
  // On the Java time-skipping server an Update can also meet the run that just continued as new ("Completed
  // workflow"); sent again, it reaches the next run.
  return (await sendAgainWhileContinuing(
    () => handle.executeUpdate(decideUpdate, { args: [request], updateId: request.requestId }),
    (err) => err instanceof WorkflowNotFoundError && /completed/i.test(err.message),
  )) as DecisionResult;
}

/** A decision, retried (same request id, so applied once) when the Update call itself fails, e.g. times out on a busy machine. */
export async function decideRetrying(client: Client, c: BenchCase, step: number, day: string, failures: { n: number } = { n: 0 }): Promise<DecisionResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await decide(client, c, step, day);
    } catch (err) {
      failures.n++;
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
}

/**
 * Waits until every engine case given holds no entry its case record store has not acknowledged (the writes a
 * decision leaves behind: reply-first answers before them, the record-gathered patch waits to write a burst at
 * once). Throughput figures count this wait, so work a round left behind is not done in another's time.
 */
export async function settleRecords(client: Client, cases: BenchCase[]): Promise<void> {
  let left = cases;
  while (left.length > 0) {
    const waiting: BenchCase[] = [];
    for (const c of left) {
      const backlog = await client.workflow.getHandle(c.workflowId).query(unrecordedEntriesQuery, 0, 1);
      if (backlog.length > 0) waiting.push(c);
    }
    left = waiting;
    if (left.length > 0) await new Promise((r) => setTimeout(r, 100));
  }
}

export interface PhaseFigures {
  cases: number;
  decisions: number;
  /** Wall time of starting the cases and sending every decision. */
  decisionsMs: number;
  /** Wall time of the 3-year transition in virtual time until every case reported done. */
  transitionMs: number;
  totalMs: number;
  /** Process CPU (worker + client in this process) over the whole lifecycle. */
  cpuMs: number;
  decisionsCpuMs: number;
  /** Times phase B moved virtual time on by an hour because cases were still running (a retry waiting for a backoff timer). */
  nudges: number;
}

/**
 * Drives `n` cases through the whole process on the time-skipping server in two phases: (A) start every case
 * and send its 12 decisions, `concurrency` cases in flight, with time skipping locked (so no deadline of a
 * case still deciding passes while another case's 3 years are skipped); (B) skip 3 years and a few days, then
 * check that every case completed.
 */
export async function runLifecycles(opts: {
  env: TestWorkflowEnvironment;
  /** A client whose `result()` leaves time skipping locked. */
  plainClient: Client;
  engine: Engine;
  taskQueue: string;
  n: number;
  concurrency: number;
  prefix: string;
  historyLimit?: number;
  onProgress?: (done: number) => void;
}): Promise<PhaseFigures & { cases_: BenchCase[] }> {
  const { env, plainClient, n } = opts;
  const day = shanghaiDate(await env.currentTimeMs());
  const cases: BenchCase[] = new Array(n);
  const cpu0 = process.cpuUsage();
  const t0 = nowMs();
  let done = 0;
  await pool(n, opts.concurrency, async (i) => {
    const c = await startBenchCase(plainClient, opts.engine, opts.taskQueue, opts.prefix, i, opts.historyLimit);
    cases[i] = c;
    for (let step = 0; step < LIFECYCLE.length; step++) await decide(plainClient, c, step, day);
    if (++done % 500 === 0) opts.onProgress?.(done);
  });
  const t1 = nowMs();
  const decisionsCpuMs = cpuMs(cpu0);
  // 3 years from today end at most 3 × 366 days later; the server fires every timer on the way.
  await env.sleep('1100 days');
  // Waiting with time locked must not wait on virtual time. The Java time-skipping server does not hold virtual
  // time for a running activity: when it skips ahead while a case's `notify` or `recordEntries` attempt is still
  // running (a loaded machine, many cases), that attempt can time out and its retry wait for a backoff timer. And a
  // case that did not complete at the end of its transition waits for a timer years away (the engine's far
  // placeholder for a missing deadline is 20 years). Either kept the 1,000-case run of 2026-11-27 18:10 waiting
  // here for good. So while cases still run, nudge virtual time by an hour (every retry backoff is at most a
  // minute; no case's own timer is that close), and if nudges stop finishing cases, fail the run naming cases
  // still running and where they stand, instead of stalling it.
  let finished = false;
  const running = new Set(cases.map((_, i) => i));
  const results = pool(n, 64, async (i) => {
    const result = (await plainClient.workflow.getHandle(cases[i]!.workflowId).result()) as DecisionResult;
    running.delete(i);
    if (result.status !== 'done' || result.stage !== 'completed') throw new Error(`${cases[i]!.workflowId} ended ${JSON.stringify(result)}`);
  }).finally(() => {
    finished = true;
  });
  let nudges = 0;
  let idle = 0; // waits of NUDGE_AFTER_MS in a row in which no case finished
  let before = running.size;
  while (!finished) {
    await Promise.race([results, new Promise((r) => setTimeout(r, NUDGE_AFTER_MS))]);
    if (finished) break;
    idle = running.size < before ? 0 : idle + 1;
    before = running.size;
    // Cases are still finishing: moving virtual time under their running activities would time those out (and
    // the Java server can lose count of its time locks when that happens, sdk-java#2246, wedging the run).
    if (idle === 0) continue;
    if (idle > MAX_IDLE_NUDGES) {
      const stuck = await Promise.all(
        [...running].slice(0, 3).map(async (i) => {
          const state = (await plainClient.workflow.getHandle(cases[i]!.workflowId).query('caseState').catch((e: unknown) => String(e))) as { activeStates?: string[]; pendingTimers?: unknown };
          return `${cases[i]!.workflowId}: ${JSON.stringify(typeof state === 'string' ? state : { activeStates: state.activeStates, pendingTimers: state.pendingTimers })}`;
        }),
      );
      throw new Error(`${running.size} of ${n} cases still running after the 3-year skip and ${nudges} hour-long nudges (the last ${MAX_IDLE_NUDGES} finished none); e.g. ${stuck.join('; ')}`);
    }
    await env.sleep('1 hour');
    nudges++;
  }
  await results;
  const t2 = nowMs();
  return {
    cases: n,
    decisions: n * LIFECYCLE.length,
    decisionsMs: t1 - t0,
    transitionMs: t2 - t1,
    totalMs: t2 - t0,
    cpuMs: cpuMs(cpu0),
    decisionsCpuMs,
    nudges,
    cases_: cases,
  };
}

/** Real time to wait for the cases to finish before nudging virtual time forward (runLifecycles, phase B). */
const NUDGE_AFTER_MS = 20_000;
/** Nudges in a row with no case finishing after which phase B gives up and reports the cases still running. */
const MAX_IDLE_NUDGES = 15;
