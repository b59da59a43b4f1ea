// Where a case stands, computed from its machine host: shared by the workflow (replies, queries) and by clients
// that rebuild the state of a run that closed before it could answer a query. Pure: no Temporal APIs.
import { shanghaiDate } from '../../machines/calendar';
import { activePaths, deadlineForTimer, isOverdue, responsibilityOf, stageOf } from '../../machines/case-view';
import type { AnyStateMachine } from 'xstate';
import type { CaseSummary, PendingTimer } from '../messages';
import type { MachineHost } from './machine-host';

export function pendingTimersOf(host: MachineHost<AnyStateMachine>): PendingTimer[] {
  const context = host.snapshot.context;
  return host.pending().map((p) => ({ id: p.id, dueAt: new Date(p.dueAt).toISOString(), deadline: deadlineForTimer(context, p.id) }));
}

export function caseSummaryOf(host: MachineHost<AnyStateMachine>, caseId: string, counts: { decisions: number; recordSeq: number }): CaseSummary {
  const snapshot = host.snapshot;
  const timers = pendingTimersOf(host);
  return {
    caseId,
    definitionVersion: snapshot.context.definitionVersion,
    status: snapshot.status === 'done' ? 'done' : 'active',
    stage: stageOf(snapshot),
    activeStates: activePaths(snapshot.value),
    // As the one projection has it (machines/case-view.ts projectCase): the recorded handover, or the agreement's
    // 移交时间 once reached. Date.now() is the workflow's deterministic clock in a workflow.
    responsibility: responsibilityOf(snapshot.context, shanghaiDate(Date.now())).party,
    overdue: isOverdue(snapshot.context),
    nextDeadline: timers.find((t) => t.deadline),
    pendingTimers: timers,
    decisions: counts.decisions,
    recordSeq: counts.recordSeq,
  };
}
