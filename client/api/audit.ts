// The audit log: every call that changes something, with who, when, what and the outcome, one JSON line each
// (default data/audit.jsonl). Appends are synchronous, so a record exists before the response is sent.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const DEFAULT_AUDIT_FILE = join(__dirname, '..', '..', 'data', 'audit.jsonl');

export interface AuditRecord {
  /** ISO instant the call was handled. */
  at: string;
  /** Who: user name, role and organisation (the actor the decision carried). */
  user: string;
  role: string;
  org: string;
  /** What: e.g. `decide`, `startCase`, `addUser`. */
  action: string;
  caseId?: string;
  eventType?: string;
  requestId?: string;
  /** applied | duplicate | refused | invalid | forbidden | error */
  outcome: string;
  /** The refusal or error code, when not applied. */
  code?: string;
  detail?: string;
  /** HTTP request, when the call came through the API. */
  method?: string;
  url?: string;
  ip?: string;
}

export class AuditLog {
  constructor(readonly file: string = DEFAULT_AUDIT_FILE) {
    mkdirSync(dirname(file), { recursive: true });
  }

  record(entry: Omit<AuditRecord, 'at'> & { at?: string }): AuditRecord {
    const full: AuditRecord = { at: new Date().toISOString(), ...entry };
    appendFileSync(this.file, JSON.stringify(full) + '\n');
    return full;
  }

  /** Every record, oldest first (for tests and the admin; the file is the record). */
  read(): AuditRecord[] {
    if (!existsSync(this.file)) return [];
    return readFileSync(this.file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as AuditRecord);
  }

  /**
   * The records matching `filter`, newest first, one page of them (`offset`, `limit`), and how many match in all.
   * Text filters match exactly, but `url` and `detail` match a part; `from` and `to` bound `at` (ISO instants or dates,
   * `to` inclusive of its whole day when it is a date).
   */
  query(filter: AuditFilter = {}, page: { offset?: number; limit?: number } = {}): { entries: AuditRecord[]; total: number } {
    const to = filter.to && /^\d{4}-\d{2}-\d{2}$/.test(filter.to) ? `${filter.to}T23:59:59.999Z` : filter.to;
    const matches = (r: AuditRecord) =>
      (!filter.user || r.user === filter.user) &&
      (!filter.role || r.role === filter.role) &&
      (!filter.org || r.org === filter.org) &&
      (!filter.action || r.action === filter.action) &&
      (!filter.outcome || r.outcome === filter.outcome) &&
      (!filter.caseId || r.caseId === filter.caseId) &&
      (!filter.text || `${r.url ?? ''} ${r.detail ?? ''} ${r.code ?? ''}`.toLowerCase().includes(filter.text.toLowerCase())) &&
      (!filter.from || r.at >= filter.from) &&
      (!to || r.at <= to);
    const all = this.read().filter(matches).reverse();
    const offset = page.offset ?? 0;
    return { entries: all.slice(offset, offset + (page.limit ?? 100)), total: all.length };
  }
}

export interface AuditFilter {
  user?: string;
  role?: string;
  org?: string;
  action?: string;
  outcome?: string;
  caseId?: string;
  /** A part of the URL, detail or code. */
  text?: string;
  from?: string;
  to?: string;
}
