// The handover workflow's messages, defined once and shared by workflow, clients and tests.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Deadline, HandoverContext } from '../machines/handover';
import type { Stage } from '../machines/case-view';
import type { EventType } from '../machines/events';
import type { RefusalCode } from '../machines/decide';
import type { Role } from '../machines/roles';
import type { HostState } from './host/machine-host';
import type { CaseRecordEntry } from '../activities/case-record/store';

/** A decision as a client sends it: the event registry's envelope. */
export interface DecisionRequest {
  type: EventType;
  actor: { role: Role; org: string; user?: string };
  occurredOn: string;
  /**
   * Binds the request to this decision: the same id with the same decision applies once (later sends answer
   * `duplicate: true` with the original seq); the same id with another decision is refused (`requestIdConflict`).
   */
  requestId?: string;
  data?: unknown;
}

export interface PendingTimer {
  id: string;
  dueAt: string;
  deadline?: Deadline;
}

/** Where a case stands, without its machine context: bounded whatever the case's age (workflows/budget.ts). */
export interface CaseSummary {
  caseId: string;
  definitionVersion: string;
  /**
   * `active` / `done` from the case itself; clients reading a closed run replace it by the execution's real
   * status (`failed`, `terminated`, `cancelled`, `timedOut`) when the run did not end by completing.
   */
  status: CaseStatus;
  stage: Stage;
  /** Leaf states, e.g. `implementation.facilities.inspecting`. */
  activeStates: string[];
  /** §四(二): who carries petition and public-opinion responsibility now. */
  responsibility: 'enterprise' | 'township';
  overdue: boolean;
  nextDeadline?: PendingTimer;
  pendingTimers: PendingTimer[];
  /** Decisions applied so far. */
  decisions: number;
  /** Entries in the case record so far (decisions, timers, notifications); the last one's seq. */
  recordSeq?: number;
}

export type CaseStatus = 'active' | 'done' | 'failed' | 'terminated' | 'cancelled' | 'timedOut';

/** Everything a client needs to show where a case stands. */
export interface CaseState extends CaseSummary {
  context: HandoverContext;
  /** Workers and family members from the plan table (附件1), when the case was opened with them. */
  plannedPeople?: number;
  /** True when this request id had already been applied: nothing was changed. */
  duplicate?: boolean;
  /**
   * Set when the case's last run closed (terminated, failed…) before it could answer a query: the state is then
   * the one that run started from, as of this instant (decisions after it are in the case record).
   */
  asOf?: string;
}

/**
 * What a `decide` Update answers: a projection of the case, never its context, so it stays under
 * UPDATE_REPLY_BUDGET_BYTES. `seq` is the applied decision's entry in the case record (for a duplicate: the
 * original one's).
 */
export interface DecisionReply extends CaseSummary {
  seq: number;
  requestId?: string;
  /** True when this request id had already been applied with the same decision: nothing was changed. */
  duplicate: boolean;
}

/** Refusals the workflow itself makes before the machine's gate (machines/decide.ts makes the others). */
/** `caseContinuing`: the run is handing over to its next one; the client sends again (client/cases.ts does, unseen). */
export type HostRefusalCode = 'requestIdConflict' | 'caseClosed' | 'recordBacklog' | 'caseContinuing';

/** A refused decision as the workflow reports it (the failure's details). */
export interface CaseRefusal {
  code: RefusalCode | HostRefusalCode;
  message: { zh: string; en: string };
  issues?: Array<{ path: string; message: string }>;
  /** requestIdConflict: the record entry of the decision the id was first used for. */
  seq?: number;
}

/** One entry of the timeline query's recent tail, or of the case record (which adds the payload). */
export interface TimelineEntry {
  seq: number;
  /** The instant the engine applied it. */
  at: string;
  kind: 'decision' | 'timer' | 'notification' | 'note';
  type: string;
  actor?: { role: string; org: string; user?: string };
  occurredOn?: string;
  requestId?: string;
  /** In the case record; the workflow's tail leaves payloads out. */
  data?: unknown;
  /** Leaf states before and after it was applied. */
  before?: string[];
  after: string[];
}

/** A remembered request: [request id, record seq of its decision, short fingerprint ('' for ids from before fingerprints)]. */
export type RecentRequest = [requestId: string, seq: number, fingerprint: string];

/** What the workflow carries into its next run on continue-as-new; bounded by CARRIED_INPUT_BUDGET_BYTES. */
export interface CarriedState {
  host: HostState;
  runs: number;
  /** Shape 2 (bounded): the next record seq, counters, recent request ids, the timeline tail, unrecorded entries. */
  nextSeq?: number;
  decisions?: number;
  recentRequests?: RecentRequest[];
  tail?: TimelineEntry[];
  /** Entries not yet acknowledged by the case record store (normally empty: written out before continue-as-new). */
  unrecorded?: CaseRecordEntry[];
  /** Shape 1 (runs before the case record): the whole timeline and every applied request id. Read once, then recorded. */
  timeline?: TimelineEntry[];
  appliedRequests?: string[];
}

export const decideUpdate = defineUpdate<DecisionReply, [DecisionRequest]>('decide');
export const caseStateQuery = defineQuery<CaseState>('caseState');
/** The recent tail only (TIMELINE_TAIL_MAX entries, no payloads); the full record is in the case record store. */
export const timelineQuery = defineQuery<TimelineEntry[]>('timeline');
export const availableActionsQuery = defineQuery<Partial<Record<Role, EventType[]>>, [Role?]>('availableActions');
export const persistedStateQuery = defineQuery<HostState>('persistedState');
/**
 * Entries the case applied whose write the case record store has not acknowledged yet (after `afterSeq`, at most
 * `limit`): a decision is answered before its entry is stored, so readers of the record merge these (client/cases.ts).
 */
export const unrecordedEntriesQuery = defineQuery<CaseRecordEntry[], [afterSeq?: number, limit?: number]>('unrecordedEntries');
