// What a case may carry and answer: fixed budgets that do not grow with the case's age or its number of decisions.
// Pure (no Node APIs): used inside the workflow sandbox and by clients and tests to measure the same way.
// The machine's own bounds live in machines/limits.ts; this file adds what the workflow carries beside the snapshot.
import { MAX_CARRIED_BYTES, MAX_SNAPSHOT_BYTES } from '../machines/limits';

/** The most a case's continue-as-new input may weigh, serialized as JSON (UTF-8 bytes). */
export const CARRIED_INPUT_BUDGET_BYTES = MAX_CARRIED_BYTES;
/** The machine snapshot's own bound, enforced by the gate (machines/limits.ts). */
export const SNAPSHOT_BUDGET_BYTES = MAX_SNAPSHOT_BYTES;
/** The most one `decide` Update reply may weigh. */
export const UPDATE_REPLY_BUDGET_BYTES = 16 * 1024;

/** Recent request ids the workflow remembers itself (older ones are found in the case record). */
export const RECENT_REQUESTS_MAX = 1_000;
/** …and at most this many bytes of them in the carried input. */
export const RECENT_REQUESTS_BUDGET_BYTES = 16 * 1024;

/** The timeline query's recent tail (entries without payloads); the full record is in the case record store. */
export const TIMELINE_TAIL_MAX = 20;
export const TIMELINE_TAIL_BUDGET_BYTES = 8 * 1024;

/**
 * Entries applied but not yet acknowledged by the case record store. Past either bound the case refuses new
 * decisions (`recordBacklog`) until the store catches up; timers go on firing. The buffer is written out before
 * continue-as-new, so it is empty in the carried input.
 */
export const RECORD_BACKLOG_MAX_ENTRIES = 200;
export const RECORD_BACKLOG_MAX_BYTES = 2 * 1024 * 1024;
/** Entries written to the store per activity call. */
export const RECORD_BATCH_MAX_ENTRIES = 50;
/**
 * `recordEntries` calls a case keeps in flight at once (runs with the reply-first patch): a new entry is scheduled
 * in the workflow task that applied it, without waiting for the previous write's acknowledgement.
 */
export const RECORD_IN_FLIGHT_MAX = 4;
/**
 * Runs with the record-gathered patch: how long the record writer waits after a case's first unsent entry for the
 * rest of a burst of decisions before it writes them together (sooner when RECORD_BATCH_MAX_ENTRIES are waiting or
 * the run is ending). The store lags a decision by at most this much plus the write; the workflow's
 * `unrecordedEntries` query covers the lag for readers of one case's record. An engine setting, not the notice's.
 */
export const RECORD_GATHER_MS = 2_000;

/** UTF-8 length of a string, without TextEncoder/Buffer (workflow sandbox). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** The serialized size of a value as Temporal's JSON payload converter writes it (UTF-8 bytes of its JSON). */
export function jsonBytes(value: unknown): number {
  const json = JSON.stringify(value);
  return json === undefined ? 0 : utf8Length(json);
}
