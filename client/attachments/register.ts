// Which attachments belong to which case: a table keyed by case and sha256 with the file's name, type and size, who
// uploaded it and when (SQLite, beside the store). The case record itself is not written from outside the workflow;
// this register is the attachments' record, and every upload is also in the audit log.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface AttachmentEntry {
  caseId: string;
  sha256: string;
  name: string;
  type: string;
  size: number;
  uploadedBy: string;
  role: string;
  org: string;
  uploadedAt: string;
}

export class AttachmentRegister {
  private db: Database.Database;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS attachments (
      case_id TEXT NOT NULL, sha256 TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, size INTEGER NOT NULL,
      uploaded_by TEXT NOT NULL, role TEXT NOT NULL, org TEXT NOT NULL, uploaded_at TEXT NOT NULL,
      PRIMARY KEY (case_id, sha256))`);
  }

  /** Records the attachment; the same bytes on the same case again keep the first entry. Returns the entry kept. */
  add(e: AttachmentEntry): { entry: AttachmentEntry; added: boolean } {
    const r = this.db
      .prepare('INSERT OR IGNORE INTO attachments VALUES (@caseId, @sha256, @name, @type, @size, @uploadedBy, @role, @org, @uploadedAt)')
      .run(e);
    return { entry: this.get(e.caseId, e.sha256)!, added: r.changes === 1 };
  }

  get(caseId: string, sha256: string): AttachmentEntry | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM attachments WHERE case_id = ? AND sha256 = ?`).get(caseId, sha256) as AttachmentEntry | undefined;
  }

  list(caseId: string): AttachmentEntry[] {
    return this.db.prepare(`SELECT ${COLUMNS} FROM attachments WHERE case_id = ? ORDER BY uploaded_at, sha256`).all(caseId) as AttachmentEntry[];
  }

  close(): void {
    this.db.close();
  }
}

const COLUMNS = 'case_id AS caseId, sha256, name, type, size, uploaded_by AS uploadedBy, role, org, uploaded_at AS uploadedAt';
