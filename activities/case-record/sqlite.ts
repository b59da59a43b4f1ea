// The case record in SQLite (the default): one row per entry, unique by (case_id, seq).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { entryColumns, entryOfColumns, pageLimit, type CaseRecordEntry, type CaseRecordPage, type CaseRecordStore, type EntryColumns } from './store';

type Row = EntryColumns<string, string>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS case_record (
  case_id       TEXT    NOT NULL,
  seq           INTEGER NOT NULL,
  kind          TEXT    NOT NULL,
  type          TEXT    NOT NULL,
  at            TEXT    NOT NULL,
  occurred_on   TEXT,
  actor_role    TEXT,
  actor_org     TEXT,
  actor_user    TEXT,
  request_id    TEXT,
  fingerprint   TEXT,
  data          TEXT,
  before_states TEXT,
  after_states  TEXT,
  run_id        TEXT,
  recorded_at   TEXT    NOT NULL,
  UNIQUE (case_id, seq)
);
CREATE INDEX IF NOT EXISTS case_record_request ON case_record (case_id, request_id) WHERE request_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS case_record_actor_user ON case_record (actor_user, at) WHERE actor_user IS NOT NULL;
`;

export class SqliteCaseRecordStore implements CaseRecordStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly countStmt: Database.Statement;
  private readonly pageStmt: Database.Statement;
  private readonly byRequest: Database.Statement;

  constructor(readonly file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.insert = this.db.prepare(
      `INSERT INTO case_record (case_id, seq, kind, type, at, occurred_on, actor_role, actor_org, actor_user, request_id, fingerprint, data, before_states, after_states, run_id, recorded_at)
       VALUES (@case_id, @seq, @kind, @type, @at, @occurred_on, @actor_role, @actor_org, @actor_user, @request_id, @fingerprint, @data, @before_states, @after_states, @run_id, @recorded_at)
       ON CONFLICT (case_id, seq) DO NOTHING`,
    );
    this.countStmt = this.db.prepare('SELECT COUNT(*) AS n FROM case_record WHERE case_id = ?');
    this.pageStmt = this.db.prepare('SELECT * FROM case_record WHERE case_id = ? AND seq > ? ORDER BY seq LIMIT ?');
    this.byRequest = this.db.prepare("SELECT * FROM case_record WHERE case_id = ? AND request_id = ? AND kind = 'decision' ORDER BY seq LIMIT 1");
  }

  async append(entries: CaseRecordEntry[]): Promise<number> {
    const now = new Date().toISOString();
    const run = this.db.transaction((list: CaseRecordEntry[]) => {
      let added = 0;
      for (const e of list) added += this.insert.run(toRow(e, now)).changes;
      return added;
    });
    return run(entries);
  }

  async page(caseId: string, opts: { afterSeq?: number; limit?: number } = {}): Promise<CaseRecordPage> {
    const limit = pageLimit(opts.limit);
    const rows = this.pageStmt.all(caseId, opts.afterSeq ?? 0, limit + 1) as Row[];
    const total = (this.countStmt.get(caseId) as { n: number }).n;
    const entries = rows.slice(0, limit).map(fromRow);
    return { entries, total, ...(rows.length > limit ? { nextAfter: entries.at(-1)!.seq } : {}) };
  }

  async findByRequestId(caseId: string, requestId: string): Promise<CaseRecordEntry | undefined> {
    const row = this.byRequest.get(caseId, requestId) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  async decisionsBy(user: string, opts: { limit?: number } = {}): Promise<CaseRecordEntry[]> {
    const rows = this.db
      .prepare("SELECT * FROM case_record WHERE actor_user = ? AND kind = 'decision' ORDER BY at DESC, case_id, seq DESC LIMIT ?")
      .all(user, Math.min(pageLimit(opts.limit ?? 200), 1000)) as Row[];
    return rows.map(fromRow);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function toRow(e: CaseRecordEntry, recordedAt: string) {
  return { ...entryColumns(e, (list) => JSON.stringify(list)), recorded_at: recordedAt };
}

function fromRow(r: Row): CaseRecordEntry {
  return entryOfColumns(r, (d) => JSON.parse(d) as unknown, (list) => JSON.parse(list) as string[]);
}
