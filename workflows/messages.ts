// The handover workflow's messages, defined once and shared by workflow, clients and tests.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Deadline, HandoverContext } from '../machines/handover';
import type { Stage } from '../machines/case-view';
import type { EventType } from '../machines/events';
import type { Role } from '../machines/roles';
import type { HostState } from './host/machine-host';

/** A decision as a client sends it: the event registry's envelope. */
export interface DecisionRequest {
  type: EventType;
  actor: { role: Role; org: string; user?: string };
  occurredOn: string;
  /** Sending the same request id twice applies it once. */
  requestId?: string;
  data?: unknown;
}

export interface PendingTimer {
  id: string;
  dueAt: string;
  deadline?: Deadline;
}

/** Everything a client needs to show where a case stands. */
export interface CaseState {
  caseId: string;
  definitionVersion: string;
  status: 'active' | 'done';
  stage: Stage;
  /** Leaf states, e.g. `implementation.facilities.inspecting`. */
  activeStates: string[];
  /** §四(二): who carries petition and public-opinion responsibility now. */
  responsibility: 'enterprise' | 'township';
  overdue: boolean;
  nextDeadline?: PendingTimer;
  pendingTimers: PendingTimer[];
  context: HandoverContext;
  /** Workers and family members from the plan table (附件1), when the case was opened with them. */
  plannedPeople?: number;
  /** Decisions applied so far (timeline length). */
  decisions: number;
  /** True when this request id had already been applied: nothing was changed. */
  duplicate?: boolean;
}

export interface TimelineEntry {
  seq: number;
  /** The instant the engine applied it. */
  at: string;
  kind: 'decision' | 'timer' | 'notification';
  type: string;
  actor?: DecisionRequest['actor'];
  occurredOn?: string;
  requestId?: string;
  data?: unknown;
  /** Leaf states after it was applied. */
  after: string[];
}

/** What the workflow carries into its next run on continue-as-new. */
export interface CarriedState {
  host: HostState;
  timeline: TimelineEntry[];
  appliedRequests: string[];
  runs: number;
}

export const decideUpdate = defineUpdate<CaseState, [DecisionRequest]>('decide');
export const caseStateQuery = defineQuery<CaseState>('caseState');
export const timelineQuery = defineQuery<TimelineEntry[]>('timeline');
export const availableActionsQuery = defineQuery<Partial<Record<Role, EventType[]>>, [Role?]>('availableActions');
export const persistedStateQuery = defineQuery<HostState>('persistedState');
