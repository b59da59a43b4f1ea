// The limits that keep a case bounded, in one place: what a decision may carry, how much a case may hold,
// and how much of it the machine snapshot keeps. Pure constants and helpers, no zod, no I/O.
//
// The snapshot holds what the rules need; every decision's full payload is kept by the permanent case
// record store, so what the snapshot leaves out (older entries of growing lists, long texts) is not lost.

/** Dates accepted in decisions and settings: a plausible range for a process that began in 2017. */
export const DATE_RANGE = { from: '2000-01-01', to: '2100-12-31' } as const;
/**
 * Dates of facts that may lie further back (a community handed over decades ago without an agreement,
 * §三(三) 已经完成移交但未签订协议): from the founding of the People's Republic.
 */
export const HISTORIC_DATE_RANGE = { from: '1949-10-01', to: DATE_RANGE.to } as const;

/** Free text: maximum lengths in characters (UTF-16 code units, as zod and JavaScript count them). */
export const TEXT_LIMITS = {
  /** A person's name. */
  name: 100,
  /** A name, reference or organisation on one line. */
  line: 200,
  /** A note or short description. */
  note: 500,
  /** A reason, summary, opinion or a section of a plan or agreement. */
  prose: 2000,
} as const;

/** Largest amount of money accepted, in yuan (keeps every sum in fen far below 2^53). */
export const MAX_AMOUNT_CNY = 10_000_000_000;
/** Largest area accepted, in m². */
export const MAX_AREA_M2 = 100_000_000;
/** Largest head count accepted. */
export const MAX_PEOPLE = 10_000_000;

/** Items in one decision's lists. */
export const LIST_LIMITS = {
  /** FACILITIES_HANDED_OVER.items: facilities handed over at once. */
  facilityItems: 100,
  /** FACILITIES_INSPECTED.failedItems. */
  failedItems: 100,
} as const;

/** The largest decision (the whole envelope as JSON, UTF-8 bytes). */
export const MAX_DECISION_BYTES = 64 * 1024;

/**
 * How many of each a case may hold. A decision past a limit is refused (`caseLimit`); none of them is
 * needed to move a case forward (a passing inspection, a conclusion of coordination, the acceptance of a
 * plan are always possible), so a case at a limit is never stuck.
 */
export const CASE_LIMITS = {
  /** §四: major problems reported (MAJOR_PROBLEM_REPORTED). */
  majorProblems: 200,
  /** §四(一): newly found tasks reported (NEW_TASK_REPORTED). */
  newTasks: 100,
  /** §三(二): work plan proposals (WORK_PLAN_PROPOSED). */
  workPlanProposals: 100,
  /** §三(二): escalations of a work plan disagreement (DISAGREEMENT_ESCALATED; automatic ones count too). */
  coordinationRounds: 50,
  /** §三(二): opinions of the parent group (PARENT_GROUP_OPINION_GIVEN). */
  parentGroupOpinions: 100,
  /** §二(二): failed inspections, each followed by a rectification (a passing inspection is always accepted). */
  failedInspections: 50,
  /** §三(一): plan adjustment applications (ADJUSTMENT_APPLICATION_SIGNED that opens one). */
  planAdjustments: 20,
} as const;

export type CaseLimit = keyof typeof CASE_LIMITS;

/** Entries of each growing list the snapshot keeps (the latest); counts are kept in full. */
export const RECENT_KEPT = 3;
/** Characters of a long text the snapshot keeps (an excerpt); the full text is in the case record. */
export const EXCERPT_LENGTH = 100;

/**
 * The largest persisted machine snapshot (JSON, UTF-8 bytes) a case may reach: the worst case (every list at
 * its limit, every text at its maximum length) is tested to stay under it, and the gate refuses a decision
 * whose step would go past it. The measured worst case is about 35 KB (test/machines/bounded-context.test.ts);
 * with what else a run carries (recent request ids, the timeline's tail, the input) it fits MAX_CARRIED_BYTES.
 */
export const MAX_SNAPSHOT_BYTES = 40 * 1024;
/** What a workflow run may carry across continue-as-new and return in an Update reply, in total. */
export const MAX_CARRIED_BYTES = 64 * 1024;

// ---- dates ------------------------------------------------------------------------------------

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `s` is an existing calendar date `YYYY-MM-DD` (any year 0000–9999). */
export function isIsoDate(s: unknown): s is string {
  const m = typeof s === 'string' ? ISO_DATE.exec(s) : null;
  if (!m) return false;
  const d = new Date(Date.UTC(2000, Number(m[2]) - 1, Number(m[3])));
  d.setUTCFullYear(Number(m[1]));
  return d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Why `s` is not a date within `range`, or undefined when it is. */
export function dateProblem(s: unknown, range: { from: string; to: string } = DATE_RANGE): { zh: string; en: string } | undefined {
  if (!isIsoDate(s)) return { zh: '应为有效日期 YYYY-MM-DD', en: 'expected a valid date YYYY-MM-DD' };
  if (s < range.from || s > range.to) {
    return { zh: `日期 ${s} 超出允许范围 ${range.from} 至 ${range.to}`, en: `date ${s} is outside the accepted range ${range.from} to ${range.to}` };
  }
  return undefined;
}

// ---- text -------------------------------------------------------------------------------------

/**
 * The first character of `s` not allowed in free text, with its position (from 1), or undefined:
 * C0 and C1 control characters and DEL (tab, line feed and carriage return only where `multiline`),
 * bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the line and paragraph
 * separators U+2028/U+2029, and unpaired surrogates.
 */
export function forbiddenCharacter(s: string, multiline: boolean): { codePoint: string; position: number } | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let bad = false;
    if (c < 0x20) bad = !(multiline && (c === 0x09 || c === 0x0a || c === 0x0d));
    else if (c >= 0x7f && c <= 0x9f) bad = true;
    else if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x2028 || c === 0x2029) bad = true;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else bad = true;
    } else if (c >= 0xdc00 && c <= 0xdfff) bad = true;
    if (bad) return { codePoint: `U+${c.toString(16).toUpperCase().padStart(4, '0')}`, position: i + 1 };
  }
  return undefined;
}

/** The first `EXCERPT_LENGTH` characters of a text, with `…` when cut (never inside a surrogate pair). */
export function excerpt(s: string, length: number = EXCERPT_LENGTH): string {
  if (s.length <= length) return s;
  let end = length - 1;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${s.slice(0, end)}…`;
}

/** UTF-8 length in bytes of a string (unpaired surrogates count as U+FFFD, 3 bytes, as encoders write them). */
export function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** The size of a value as JSON, in UTF-8 bytes. */
export function jsonBytes(value: unknown): number {
  return utf8Bytes(JSON.stringify(value) ?? '');
}

// ---- bounded lists -----------------------------------------------------------------------------

/** A list that grows with use, kept bounded in the snapshot: how many there have been, and the latest few. */
export interface Recent<T> {
  count: number;
  /** The latest `RECENT_KEPT` entries, oldest first. */
  latest: T[];
}

export function emptyRecent<T>(): Recent<T> {
  return { count: 0, latest: [] };
}

/** Adds an entry, keeping the latest `RECENT_KEPT`. */
export function pushRecent<T>(list: Recent<T>, entry: T): Recent<T> {
  return { count: list.count + 1, latest: [...list.latest, entry].slice(-RECENT_KEPT) };
}

/** A list from an older snapshot (a plain array, possibly longer than the limits) as a bounded one. */
export function toRecent<T>(value: Recent<T> | T[] | undefined, trim: (entry: T) => T = (e) => e): Recent<T> {
  if (value === undefined) return emptyRecent();
  if (Array.isArray(value)) return { count: value.length, latest: value.slice(-RECENT_KEPT).map(trim) };
  return { count: value.count, latest: value.latest.slice(-RECENT_KEPT).map(trim) };
}
