// Listing cases through Temporal visibility: the query for a filter, and the row each case becomes.
import type { WorkflowExecutionInfo } from '@temporalio/client';

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
  status: string;
  startedAt?: string;
}

/** A visibility-query string literal. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function caseListQuery(filter: CaseFilter = {}, now = Date.now()): string {
  const clauses = ["WorkflowType = 'handoverWorkflow'", ...(filter.scope ?? [])];
  if (filter.district) clauses.push(`HandoverDistrict = ${quoteLiteral(filter.district)}`);
  if (filter.stage) clauses.push(`HandoverStage = ${quoteLiteral(filter.stage)}`);
  if (filter.overdue !== undefined) clauses.push(`HandoverOverdue = ${filter.overdue}`);
  if (filter.dueWithinDays !== undefined) clauses.push(`HandoverNextDeadline <= '${new Date(now + filter.dueWithinDays * 86_400_000).toISOString()}'`);
  return clauses.join(' AND ');
}

/** A case as its search attributes describe it. */
export function caseRow(wf: WorkflowExecutionInfo): CaseRow {
  const sa = wf.searchAttributes;
  const next = sa.HandoverNextDeadline?.[0] as Date | undefined;
  return {
    caseId: wf.workflowId,
    creditCode: wf.workflowId.replace(/^handover-/, ''),
    enterprise: sa.HandoverEnterpriseName?.[0] as string | undefined,
    district: sa.HandoverDistrict?.[0] as string | undefined,
    stage: sa.HandoverStage?.[0] as string | undefined,
    overdue: sa.HandoverOverdue?.[0] === true,
    nextDeadline: next ? new Date(next).toISOString() : undefined,
    status: wf.status.name,
    startedAt: wf.startTime?.toISOString(),
  };
}
