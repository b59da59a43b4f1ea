// The permanent case record: every applied decision, every fired timer and every notification of a case,
// kept for the case's whole life (years) in a real database. Temporal deletes a closed run's history after
// the namespace's retention period, so the record — not the history — is what a case keeps forever.
// Written by the workflow through the `recordEntries` activity; read in pages by the client (CLI, API, console).

export type RecordKind = 'decision' | 'timer' | 'notification' | 'note';

export interface CaseRecordEntry {
  caseId: string;
  /** Per case, assigned by the workflow deterministically: 1, 2, 3, … without gaps. */
  seq: number;
  kind: RecordKind;
  /** Event type (decision / timer), notification reason, or a note's kind. */
  type: string;
  /** ISO instant the entry was applied by the workflow. */
  at: string;
  /** Decisions: the date the decision was taken (YYYY-MM-DD). */
  occurredOn?: string;
  actor?: { role: string; org: string; user?: string };
  requestId?: string;
  /** Decisions: stable hash binding the request id to its decision (workflows/request-identity.ts). */
  fingerprint?: string;
  /** The payload (decision data, notification body, timer details). */
  data?: unknown;
  /** Active state values before and after the event. */
  before?: string[];
  after?: string[];
  /** Temporal run that applied the entry. */
  runId?: string;
}

export interface CaseRecordPage {
  entries: CaseRecordEntry[];
  /** Pass as `afterSeq` to read the next page; absent on the last page. */
  nextAfter?: number;
  /** How many entries the case's record holds in all. */
  total: number;
}

export interface CaseRecordStore {
  /** Idempotent: an entry whose (caseId, seq) exists is ignored. Returns how many were new. */
  append(entries: CaseRecordEntry[]): Promise<number>;
  page(caseId: string, opts?: { afterSeq?: number; limit?: number }): Promise<CaseRecordPage>;
  findByRequestId(caseId: string, requestId: string): Promise<CaseRecordEntry | undefined>;
  /** The decisions a named user took (actor.user), across cases, newest first: at most `limit` (default 200, at most 1,000). */
  decisionsBy?(user: string, opts?: { limit?: number }): Promise<CaseRecordEntry[]>;
  close(): Promise<void>;
}

/** Page size when none is asked for, and the most one page may hold. */
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

/** Clamps a requested page size into 1..MAX_PAGE_LIMIT. */
export function pageLimit(limit?: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_PAGE_LIMIT;
  return Math.max(1, Math.min(MAX_PAGE_LIMIT, Math.floor(limit)));
}
