// Starting cases and sending them decisions: the engine's client API, used by CLI, HTTP API and tests.
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import { handoverMachine } from '../machines/handover';
import { MachineHost } from '../workflows/host/machine-host';
import { caseSummaryOf } from '../workflows/host/case-summary';
import { CaseOpeningSchema, areaInput, caseIdFor, type CaseOpening } from '../machines/case-input';
import type { Refusal } from '../machines/decide';
import type { EventType } from '../machines/events';
import type { Role } from '../machines/roles';
import { handoverWorkflow, type HandoverWorkflowInput } from '../workflows/handover';
import { caseRegisteredSignal, districtReportWorkflow, districtReportWorkflowId } from '../workflows/district-report';
import {
  availableActionsQuery,
  caseStateQuery,
  decideUpdate,
  timelineQuery,
  unrecordedEntriesQuery,
  type CaseRefusal,
  type CaseState,
  type CaseStatus,
  type DecisionReply,
  type DecisionRequest,
  type TimelineEntry,
} from '../workflows/messages';
import { decisionFingerprint, sameFingerprint } from '../workflows/request-identity';
import { DISTRICT, ENTERPRISE_NAME, STAGE, OVERDUE } from '../workflows/search-attributes';
import { pageLimit, type CaseRecordEntry, type CaseRecordPage, type CaseRecordStore } from '../activities/case-record/store';
import { defaultCaseRecordStore } from './case-record';
import { bothSettled } from './settled';
import { sendAgainWhileContinuing } from './continuing';
import {
  CaseAlreadyExistsError,
  CaseClosedError,
  CaseNotFoundError,
  DecisionRefusedError,
  InvalidInputError,
  RecordBacklogError,
  RequestIdConflictError,
  type ClosedStatus,
} from './errors';

export interface CaseClientOptions {
  taskQueue: string;
  /** For tests: continue-as-new after this many events. */
  historyLimit?: number;
  /** Register the case with its district's monthly report workflow (§四(三)); default true. */
  registerForReports?: boolean;
}

/** Validates one plan-table row and starts its case; refuses a second case for the same enterprise. */
export async function startCase(client: Client, opening: unknown, opts: CaseClientOptions): Promise<WorkflowHandle<typeof handoverWorkflow>> {
  const parsed = CaseOpeningSchema.safeParse(opening);
  if (!parsed.success) {
    throw new InvalidInputError(
      parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })),
      { zh: '案件信息', en: 'case' },
    );
  }
  const o: CaseOpening = parsed.data;
  const caseId = caseIdFor(o.creditCode, o.district);
  const input: HandoverWorkflowInput = {
    caseId,
    parties: {
      creditCode: o.creditCode,
      district: o.district,
      township: o.township ? `${o.district}/${o.township}` : undefined,
      parentGroup: o.parentGroup,
    },
    enterpriseName: o.enterpriseName,
    // One area: its name and people, as before; several: each area (tracked one by one), names joined, people added.
    ...areaInput(o),
    plannedCompletion: o.plannedCompletion,
    settings: o.settings,
    historyLimit: opts.historyLimit,
  };
  let handle: WorkflowHandle<typeof handoverWorkflow>;
  try {
    handle = await client.workflow.start(handoverWorkflow, {
      workflowId: caseId,
      taskQueue: opts.taskQueue,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
      // Returned by visibility listings: lets the HTTP API scope a parent group's list without a query per case.
      memo: { parentGroup: o.parentGroup ?? null },
      typedSearchAttributes: [
        { key: DISTRICT, value: o.district },
        { key: ENTERPRISE_NAME, value: o.enterpriseName },
        { key: STAGE, value: 'survey' },
        { key: OVERDUE, value: false },
      ],
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new CaseAlreadyExistsError(caseId);
    throw err;
  }
  if (opts.registerForReports !== false) await registerForDistrictReports(client, o, opts.taskQueue);
  return handle;
}

/**
 * §四(三): tells the district's report workflow about a new case, starting the workflow if it is
 * not running (signal-with-start), so the district reports monthly until all its cases are done.
 */
export async function registerForDistrictReports(client: Client, o: Pick<CaseOpening, 'creditCode' | 'district' | 'settings'>, taskQueue: string): Promise<void> {
  const s = o.settings ?? {};
  await client.workflow.signalWithStart(districtReportWorkflow, {
    workflowId: districtReportWorkflowId(o.district),
    taskQueue,
    args: [
      {
        district: o.district,
        settings: {
          ...(s.monthlyReportOnNonWorkingDay ? { monthlyReportOnNonWorkingDay: s.monthlyReportOnNonWorkingDay } : {}),
          ...(s.monthlyReportReminderLeadDays !== undefined ? { monthlyReportReminderLeadDays: s.monthlyReportReminderLeadDays } : {}),
        },
      },
    ],
    signal: caseRegisteredSignal,
    signalArgs: [caseIdFor(o.creditCode, o.district)],
  });
}

export interface SendOptions {
  /**
   * The case record store, to recognise request ids older than the workflow's recent window (workflows/budget.ts);
   * by default the store this process is configured for (client/case-record.ts). `false`: ask the workflow only.
   */
  record?: CaseRecordStore | false;
}

/**
 * Sends a decision. Resolves with the applied decision's record seq and where the case now stands
 * (`duplicate: true` and the original seq when this request id was already applied with the same decision).
 * Throws DecisionRefusedError (the machine's gate), RequestIdConflictError (id reused for another decision),
 * CaseClosedError (completed, failed or terminated case), RecordBacklogError, CaseNotFoundError.
 */
export async function sendDecision(client: Client, caseId: string, request: DecisionRequest, opts: SendOptions = {}): Promise<DecisionReply> {
  const handle = client.workflow.getHandle<typeof handoverWorkflow>(caseId);
  if (request.requestId && opts.record !== false) {
    const store = opts.record ?? (await defaultCaseRecordStore().catch(() => undefined));
    const earlier = store ? await store.findByRequestId(caseId, request.requestId) : undefined;
    if (earlier) {
      // Older than the workflow remembers: the record decides. An entry from before fingerprints counts as the same decision.
      if (earlier.fingerprint && !sameFingerprint(earlier.fingerprint, decisionFingerprint(request))) throw new RequestIdConflictError(caseId, request.requestId, earlier.seq);
      const { context: _context, plannedPeople: _p, duplicate: _d, ...summary } = await caseState(client, caseId);
      return { ...summary, seq: earlier.seq, requestId: request.requestId, duplicate: true };
    }
  }
  try {
    // No update id from the request id: Temporal would answer a repeat with the first reply (duplicate: false) and a
    // reused id with another decision with the first outcome. The workflow decides, by the request id and fingerprint.
    return await sendAgainWhileContinuing(() => handle.executeUpdate(decideUpdate, { args: [request] }));
  } catch (err) {
    throw await translateDecisionError(client, err, caseId, request);
  }
}

/** The case's state; `status` is the real one when its run did not end by completing (failed, terminated…). */
export async function caseState(client: Client, caseId: string): Promise<CaseState> {
  const handle = client.workflow.getHandle(caseId);
  try {
    const [state, described] = await bothSettled(handle.query(caseStateQuery).catch((err: unknown) => err as Error), handle.describe());
    const status = executionStatus(described.status.name);
    if (state instanceof Error) {
      // A run terminated (or failed) in the middle of a workflow task cannot answer queries: rebuild from where it started.
      const code = (state as { code?: number }).code ?? (state as { cause?: { code?: number } }).cause?.code;
      if (status && code === 9 /* FAILED_PRECONDITION */) return { ...(await lastRunStartState(client, caseId)), status };
      throw state;
    }
    return status && status !== 'done' ? { ...state, status } : state;
  } catch (err) {
    throw translate(err, caseId);
  }
}

/** The state the case's latest run started from (its carried snapshot, or the opening), from that run's history. */
async function lastRunStartState(client: Client, caseId: string): Promise<CaseState> {
  const history = await client.workflow.getHandle(caseId).fetchHistory();
  const first = history.events?.[0];
  const payload = first?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new CaseNotFoundError(caseId);
  const input = defaultPayloadConverter.fromPayload<HandoverWorkflowInput>(payload);
  const startedAt = first!.eventTime?.seconds ? Number(first!.eventTime.seconds) * 1000 : Date.now();
  const host = input.carried
    ? MachineHost.restore(handoverMachine, input.carried.host)
    : MachineHost.start(
        handoverMachine,
        {
          caseId: input.caseId,
          parties: input.parties,
          enterpriseName: input.enterpriseName,
          residentialArea: input.residentialArea,
          plannedCompletion: input.plannedCompletion,
          startedAt: new Date(startedAt).toISOString(),
          settings: input.settings,
        },
        startedAt,
      ).host;
  const carried = input.carried;
  const decisions = carried?.decisions ?? carried?.timeline?.filter((t) => t.kind === 'decision').length ?? 0;
  const recordSeq = (carried?.nextSeq ?? (carried?.timeline?.length ?? 0) + 1) - 1;
  return {
    ...caseSummaryOf(host, caseId, { decisions, recordSeq }),
    context: host.snapshot.context,
    ...(input.people !== undefined ? { plannedPeople: input.people } : {}),
    asOf: new Date(startedAt).toISOString(),
  };
}

/** The workflow's recent tail only (no payloads); the full record: caseRecordPage. */
export async function caseTimeline(client: Client, caseId: string): Promise<TimelineEntry[]> {
  try {
    return await client.workflow.getHandle(caseId).query(timelineQuery);
  } catch (err) {
    throw translate(err, caseId);
  }
}

/**
 * One page of the case's permanent record (every decision, timer and notification, oldest first). Throws
 * CaseNotFoundError when the record holds nothing and no workflow has this id.
 *
 * A decision is answered before the store has its entry (the write is scheduled in the same workflow task), so a
 * page that does not run on, seq after seq, up to its limit also takes the entries the running case has applied
 * but the store has not acknowledged yet: a read right after a decision shows it.
 */
export async function caseRecord(
  client: Client,
  caseId: string,
  opts: { afterSeq?: number; limit?: number; record?: CaseRecordStore } = {},
): Promise<CaseRecordPage> {
  const store = opts.record ?? (await defaultCaseRecordStore());
  const afterSeq = opts.afterSeq ?? 0;
  const limit = pageLimit(opts.limit);
  let page = await store.page(caseId, { afterSeq, limit });
  const whole = page.nextAfter !== undefined && page.entries.every((e, i) => e.seq === afterSeq + i + 1);
  let running = false;
  if (!whole || page.total === 0) {
    try {
      running = (await client.workflow.getHandle(caseId).describe()).status.name === 'RUNNING';
    } catch (err) {
      if (page.total === 0) throw translate(err, caseId);
    }
  }
  if (!whole && running) {
    const pending = await unrecordedEntries(client, caseId, afterSeq, limit);
    // Read again after asking the case: an entry it no longer reports was acknowledged, so the store has it now.
    page = await store.page(caseId, { afterSeq, limit });
    if (pending.length > 0) page = mergeUnrecorded(page, pending, limit);
  }
  return page;
}

/** The running case's entries after `afterSeq` that the store has not acknowledged; none when it cannot answer. */
async function unrecordedEntries(client: Client, caseId: string, afterSeq: number, limit: number): Promise<CaseRecordEntry[]> {
  try {
    return await client.workflow.getHandle(caseId).query(unrecordedEntriesQuery, afterSeq, limit);
  } catch {
    return []; // a run from before this query, or one that just closed (a closed run has written everything)
  }
}

/** A store page with the case's unacknowledged entries merged in by seq (seqs run 1, 2, 3 … per case). */
export function mergeUnrecorded(page: CaseRecordPage, pending: CaseRecordEntry[], limit: number): CaseRecordPage {
  const bySeq = new Map<number, CaseRecordEntry>();
  for (const e of pending) bySeq.set(e.seq, e);
  for (const e of page.entries) bySeq.set(e.seq, e);
  const merged = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  const entries = merged.slice(0, limit);
  const more = page.nextAfter !== undefined || merged.length > limit || pending.length >= limit;
  const total = Math.max(page.total, ...pending.map((e) => e.seq));
  return { entries, total, ...(more && entries.length > 0 ? { nextAfter: entries.at(-1)!.seq } : {}) };
}

export async function caseActions(client: Client, caseId: string, role?: Role): Promise<Partial<Record<Role, EventType[]>>> {
  try {
    return await client.workflow.getHandle(caseId).query(availableActionsQuery, role);
  } catch (err) {
    throw translate(err, caseId);
  }
}

/** A Temporal execution status as the case's status; undefined while it runs (the case itself says active or done). */
export function executionStatus(name: string | undefined): CaseStatus | undefined {
  switch (name) {
    case 'COMPLETED':
      return 'done';
    case 'FAILED':
      return 'failed';
    case 'TERMINATED':
      return 'terminated';
    case 'CANCELLED':
      return 'cancelled';
    case 'TIMED_OUT':
      return 'timedOut';
    default:
      return undefined;
  }
}

async function translateDecisionError(client: Client, err: unknown, caseId: string, request: DecisionRequest): Promise<unknown> {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const refusal = err.cause.details?.[0] as CaseRefusal | undefined;
    if (refusal?.code === 'requestIdConflict') return new RequestIdConflictError(caseId, request.requestId ?? '', refusal.seq);
    if (refusal?.code === 'caseClosed') return new CaseClosedError(caseId, 'done');
    if (refusal?.code === 'recordBacklog') return new RecordBacklogError(caseId);
    if (refusal?.code) return new DecisionRefusedError(refusal as Refusal);
  }
  // An update to a closed run fails at the server: tell a closed case (409) from an unknown one (404).
  try {
    const described = await client.workflow.getHandle(caseId).describe();
    const status = executionStatus(described.status.name);
    if (status) return new CaseClosedError(caseId, status as ClosedStatus);
  } catch (describeErr) {
    const translated = translate(describeErr, caseId);
    if (translated instanceof CaseNotFoundError) return translated;
  }
  return translate(err, caseId);
}

function translate(err: unknown, caseId: string): unknown {
  if (err instanceof WorkflowNotFoundError) return new CaseNotFoundError(caseId);
  if ((err as { code?: number })?.code === 5 /* gRPC NOT_FOUND */) return new CaseNotFoundError(caseId);
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const refusal = err.cause.details?.[0] as Refusal | undefined;
    if (refusal?.code) return new DecisionRefusedError(refusal);
  }
  return err;
}
