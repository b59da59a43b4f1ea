// Listing cases through Temporal visibility: the query for a filter, and the row each case becomes.
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { parseCaseId } from '../machines/case-input';

export interface CaseFilter {
  district?: string;
  stage?: string;
  overdue?: boolean;
  /** Next deadline within this many days from now. */
  dueWithinDays?: number;
  /** Extra clauses, e.g. what an API user may see. */
  scope?: string[];
}

export interface CaseRow {
  caseId: string;
  creditCode: string;
  enterprise?: string;
  district?: string;
  stage?: string;
  overdue: boolean;
  nextDeadline?: string;
  /** Temporal's execution status of the case's latest run: RUNNING, COMPLETED, FAILED, TERMINATED, … */
  status: string;
  /** The same as the case's status: active, done, failed, terminated, cancelled, timedOut. */
  caseStatus: string;
  startedAt?: string;
}

/** A visibility-query string literal. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function caseListQuery(filter: CaseFilter = {}, now = Date.now()): string {
  // A run that continued as new is not a case: only each case's latest run is listed (one row per case).
  const clauses = ["WorkflowType = 'handoverWorkflow'", "ExecutionStatus != 'ContinuedAsNew'", ...(filter.scope ?? [])];
  if (filter.district) clauses.push(`HandoverDistrict = ${quoteLiteral(filter.district)}`);
  if (filter.stage) clauses.push(`HandoverStage = ${quoteLiteral(filter.stage)}`);
  if (filter.overdue !== undefined) clauses.push(`HandoverOverdue = ${filter.overdue}`);
  if (filter.dueWithinDays !== undefined) clauses.push(`HandoverNextDeadline <= '${new Date(now + filter.dueWithinDays * 86_400_000).toISOString()}'`);
  return clauses.join(' AND ');
}

const CASE_STATUS: Record<string, string> = {
  RUNNING: 'active',
  COMPLETED: 'done',
  FAILED: 'failed',
  TERMINATED: 'terminated',
  CANCELLED: 'cancelled',
  TIMED_OUT: 'timedOut',
};

/** One row per case: the latest run of each workflow id (visibility may briefly list a run that just continued as new). */
export function latestRows(rows: CaseRow[]): CaseRow[] {
  const byCase = new Map<string, CaseRow>();
  for (const r of rows) {
    const seen = byCase.get(r.caseId);
    if (!seen || (r.startedAt ?? '') > (seen.startedAt ?? '')) byCase.set(r.caseId, r);
  }
  return [...byCase.values()];
}

/** A case as its search attributes describe it. */
export function caseRow(wf: WorkflowExecutionInfo): CaseRow {
  const sa = wf.searchAttributes;
  const next = sa.HandoverNextDeadline?.[0] as Date | undefined;
  return {
    caseId: wf.workflowId,
    // `handover-<code>-<district code>`, or `handover-<code>` for cases opened before 168-2017.3.
    creditCode: parseCaseId(wf.workflowId)?.creditCode ?? wf.workflowId.replace(/^handover-/, ''),
    enterprise: sa.HandoverEnterpriseName?.[0] as string | undefined,
    district: sa.HandoverDistrict?.[0] as string | undefined,
    stage: sa.HandoverStage?.[0] as string | undefined,
    overdue: sa.HandoverOverdue?.[0] === true,
    nextDeadline: next ? new Date(next).toISOString() : undefined,
    status: wf.status.name,
    caseStatus: CASE_STATUS[wf.status.name] ?? wf.status.name.toLowerCase(),
    startedAt: wf.startTime?.toISOString(),
  };
}
