// Importing a past case's history (issue 11, point 5), all or nothing like the plan import: the whole history is
// checked first (machines/history.ts: every decision through the workflow's own gate, in date order, on a machine
// stepped in pure code); only then is the case started and its decisions sent, in that order. The case is judged
// on its own dates: met windows send nothing, a gap that passed a deadline is recorded dated at its due date and
// marked after the fact (machines/handover.ts, late-record grace).
import type { Client } from '@temporalio/client';
import { checkHistory, type CheckedHistory } from '../../machines/history';
import type { EventType } from '../../machines/events';
import type { Role } from '../../machines/roles';
import { caseState, sendDecision, startCase } from '../cases';
import { HandoverError } from '../errors';
import type { CaseState } from '../../workflows/messages';
import { HistoryError, readHistoryFile } from './history-file';

export interface HistoryImportOptions {
  taskQueue: string;
  /** Check only: nothing is started (the outcome is what the import would do). */
  dryRun?: boolean;
  /** Called after each decision is applied. */
  onProgress?: (done: number, total: number) => void;
}

export interface HistoryImportOutcome {
  caseId?: string;
  /** The decisions in the order they were (or would be) sent: their index in the file. */
  order: number[];
  applied: number;
  dryRun: boolean;
  /** What was checked: the case's projection and the notices its record's gaps give, after the fact. */
  checked: Pick<CheckedHistory, 'projection' | 'notices' | 'notifications'>;
  /** The case as it stands after the import (not on a dry run). */
  state?: CaseState;
}

/** The case was started but a decision was not applied (e.g. the server went away): what was done. */
export class HistoryImportIncompleteError extends HandoverError {
  override name = 'HistoryImportIncompleteError';
  constructor(
    readonly caseId: string,
    readonly applied: number,
    readonly total: number,
    readonly index: number,
    readonly error: string,
  ) {
    super({
      zh: `案件 ${caseId} 已建立，已办理 ${applied}/${total} 项决定；第 ${index + 1} 项未能办理：${error}。其余决定可用同一请求编号（history-<序号>）重新提交`,
      en: `case ${caseId} was started and ${applied} of ${total} decisions applied; decision ${index + 1} was not: ${error}. Send the rest again with the same request ids (history-<n>)`,
    });
  }
}

/** Checks a history (an object already read) and, unless a dry run, starts its case and sends its decisions (a dry run needs no client). */
export async function importHistory(client: Client | undefined, history: unknown, opts: HistoryImportOptions, source = 'history'): Promise<HistoryImportOutcome> {
  const check = checkHistory(history, Date.now());
  if (!check.ok) throw new HistoryError(source, check.problems); // nothing started
  const h = check.history;
  const order = h.decisions.map((d) => d.index);
  const checked = { projection: h.projection, notices: h.notices, notifications: h.notifications };
  if (opts.dryRun || !client) return { order, applied: 0, dryRun: true, checked };
  // Refuses an existing case (CaseAlreadyExistsError) before anything changes.
  const handle = await startCase(client, h.opening, { taskQueue: opts.taskQueue });
  const caseId = handle.workflowId;
  let applied = 0;
  for (const d of h.decisions) {
    try {
      await sendDecision(client, caseId, { ...d.request, type: d.request.type as EventType, actor: d.request.actor as { role: Role; org: string; user?: string } });
    } catch (err) {
      throw new HistoryImportIncompleteError(caseId, applied, h.decisions.length, d.index, (err as Error).message);
    }
    applied++;
    opts.onProgress?.(applied, h.decisions.length);
  }
  return { caseId, order, applied, dryRun: false, checked, state: await caseState(client, caseId) };
}

/** The same, from a JSON file. */
export async function importHistoryFile(client: Client, file: string, opts: HistoryImportOptions): Promise<HistoryImportOutcome & { file: string }> {
  return { file, ...(await importHistory(client, readHistoryFile(file), opts, file)) };
}
