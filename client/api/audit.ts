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
}
