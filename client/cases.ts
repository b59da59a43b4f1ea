// Starting cases and sending them decisions: the engine's client API, used by CLI, HTTP API and tests.
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { CaseOpeningSchema, caseIdFor, type CaseOpening } from '../machines/case-input';
import type { Refusal } from '../machines/decide';
import type { EventType } from '../machines/events';
import type { Role } from '../machines/roles';
import { handoverWorkflow, type HandoverWorkflowInput } from '../workflows/handover';
import { caseRegisteredSignal, districtReportWorkflow, districtReportWorkflowId } from '../workflows/district-report';
import { availableActionsQuery, caseStateQuery, decideUpdate, timelineQuery, type CaseState, type DecisionRequest, type TimelineEntry } from '../workflows/messages';
import { DISTRICT, ENTERPRISE_NAME, STAGE, OVERDUE } from '../workflows/search-attributes';
import { CaseAlreadyExistsError, CaseNotFoundError, DecisionRefusedError, InvalidInputError } from './errors';

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
  const caseId = caseIdFor(o.creditCode);
  const input: HandoverWorkflowInput = {
    caseId,
    parties: {
      creditCode: o.creditCode,
      district: o.district,
      township: o.township ? `${o.district}/${o.township}` : undefined,
      parentGroup: o.parentGroup,
    },
    enterpriseName: o.enterpriseName,
    residentialArea: o.residentialArea,
    plannedCompletion: o.plannedCompletion,
    people: o.people,
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
    signalArgs: [caseIdFor(o.creditCode)],
  });
}

/** Sends a decision; resolves with the new state, or throws DecisionRefusedError / CaseNotFoundError. */
export async function sendDecision(client: Client, caseId: string, request: DecisionRequest): Promise<CaseState> {
  const handle = client.workflow.getHandle<typeof handoverWorkflow>(caseId);
  try {
    return await handle.executeUpdate(decideUpdate, { args: [request], ...(request.requestId ? { updateId: request.requestId } : {}) });
  } catch (err) {
    throw translate(err, caseId);
  }
}

export async function caseState(client: Client, caseId: string): Promise<CaseState> {
  try {
    return await client.workflow.getHandle(caseId).query(caseStateQuery);
  } catch (err) {
    throw translate(err, caseId);
  }
}

export async function caseTimeline(client: Client, caseId: string): Promise<TimelineEntry[]> {
  try {
    return await client.workflow.getHandle(caseId).query(timelineQuery);
  } catch (err) {
    throw translate(err, caseId);
  }
}

export async function caseActions(client: Client, caseId: string, role?: Role): Promise<Partial<Record<Role, EventType[]>>> {
  try {
    return await client.workflow.getHandle(caseId).query(availableActionsQuery, role);
  } catch (err) {
    throw translate(err, caseId);
  }
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
