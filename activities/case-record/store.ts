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

/**
 * An entry as the columns of a table row, the same in every store; `data` (`D`) and the state lists (`S`) as each
 * store keeps them (SQLite: JSON text; PostgreSQL: jsonb and text[]).
 */
export interface EntryColumns<D, S> {
  case_id: string;
  seq: number;
  kind: string;
  type: string;
  at: string;
  occurred_on: string | null;
  actor_role: string | null;
  actor_org: string | null;
  actor_user: string | null;
  request_id: string | null;
  fingerprint: string | null;
  data: D | null;
  before_states: S | null;
  after_states: S | null;
  run_id: string | null;
}

/** The row of an entry: `data` as JSON text (node-postgres would send an array as a PostgreSQL array, not jsonb). */
export function entryColumns<S>(e: CaseRecordEntry, states: (list: string[]) => S): EntryColumns<string, S> {
  return {
    case_id: e.caseId,
    seq: e.seq,
    kind: e.kind,
    type: e.type,
    at: e.at,
    occurred_on: e.occurredOn ?? null,
    actor_role: e.actor?.role ?? null,
    actor_org: e.actor?.org ?? null,
    actor_user: e.actor?.user ?? null,
    request_id: e.requestId ?? null,
    fingerprint: e.fingerprint ?? null,
    data: e.data === undefined ? null : JSON.stringify(e.data),
    before_states: e.before ? states(e.before) : null,
    after_states: e.after ? states(e.after) : null,
    run_id: e.runId ?? null,
  };
}

/** The entry of a row read back: every field as it was written, absent ones left out. */
export function entryOfColumns<D, S>(r: EntryColumns<D, S>, data: (d: D) => unknown, states: (s: S) => string[]): CaseRecordEntry {
  return {
    caseId: r.case_id,
    seq: r.seq,
    kind: r.kind as CaseRecordEntry['kind'],
    type: r.type,
    at: r.at,
    ...(r.occurred_on ? { occurredOn: r.occurred_on } : {}),
    ...(r.actor_role ? { actor: { role: r.actor_role, org: r.actor_org ?? '', ...(r.actor_user ? { user: r.actor_user } : {}) } } : {}),
    ...(r.request_id ? { requestId: r.request_id } : {}),
    ...(r.fingerprint ? { fingerprint: r.fingerprint } : {}),
    ...(r.data !== null ? { data: data(r.data) } : {}),
    ...(r.before_states ? { before: states(r.before_states) } : {}),
    ...(r.after_states ? { after: states(r.after_states) } : {}),
    ...(r.run_id ? { runId: r.run_id } : {}),
  };
}
