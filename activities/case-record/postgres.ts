// The case record in PostgreSQL (cluster mode, HANDOVER_RECORD_DATABASE_URL): one row per entry, unique by
// (case_id, seq), shared by every worker process. Loaded only when that URL is set (activities/case-record/index.ts).
import type { Pool } from 'pg';
import { closePool, inTransaction, openPool, schemaInitializer } from '../pg-pool';
import { entryColumns, entryOfColumns, pageLimit, type CaseRecordEntry, type CaseRecordPage, type CaseRecordStore, type EntryColumns } from './store';

type Row = EntryColumns<unknown, string[]>;

// `at` and `occurred_on` stay text so entries read back exactly as written (the SQLite store does the same).
const SCHEMA = `
CREATE TABLE IF NOT EXISTS case_record (
  case_id       text        NOT NULL,
  seq           integer     NOT NULL CHECK (seq > 0),
  kind          text        NOT NULL CHECK (kind IN ('decision', 'timer', 'notification', 'note')),
  type          text        NOT NULL,
  at            text        NOT NULL,
  occurred_on   text,
  actor_role    text,
  actor_org     text,
  actor_user    text,
  request_id    text,
  fingerprint   text,
  data          jsonb,
  before_states text[],
  after_states  text[],
  run_id        text,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, seq)
);
CREATE INDEX IF NOT EXISTS case_record_request ON case_record (case_id, request_id) WHERE request_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS case_record_actor_user ON case_record (actor_user, at) WHERE actor_user IS NOT NULL;
`;

/** Any fixed number: serialises concurrent schema creation by several workers starting at once. */
const SCHEMA_LOCK = 0x68616e64;

const COLUMNS = ['case_id', 'seq', 'kind', 'type', 'at', 'occurred_on', 'actor_role', 'actor_org', 'actor_user', 'request_id', 'fingerprint', 'data', 'before_states', 'after_states', 'run_id'] as const;

/** Rows per INSERT statement (15 parameters each, well under PostgreSQL's 65,535). */
const INSERT_BATCH = 500;

export class PostgresCaseRecordStore implements CaseRecordStore {
  private readonly pool: Pool;
  /** Creates the table if missing; every operation waits for it. */
  readonly init: () => Promise<void>;

  constructor(connectionString: string, opts: { maxConnections?: number } = {}) {
    this.pool = openPool(connectionString, opts.maxConnections ?? 5);
    this.init = schemaInitializer(this.pool, {
      lock: SCHEMA_LOCK,
      what: 'case record database (HANDOVER_RECORD_DATABASE_URL)',
      async create(c) {
        await c.query(SCHEMA);
      },
    });
  }

  async append(entries: CaseRecordEntry[]): Promise<number> {
    await this.init();
    if (entries.length === 0) return 0;
    return inTransaction(this.pool, async (c) => {
      let added = 0;
      for (let i = 0; i < entries.length; i += INSERT_BATCH) {
        const batch = entries.slice(i, i + INSERT_BATCH);
        const params: unknown[] = [];
        const tuples = batch.map((e) => {
          const row = toRow(e);
          const base = params.length;
          params.push(...COLUMNS.map((col) => row[col]));
          return `(${COLUMNS.map((_, j) => `$${base + j + 1}`).join(', ')})`;
        });
        const r = await c.query(
          `INSERT INTO case_record (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (case_id, seq) DO NOTHING`,
          params,
        );
        added += r.rowCount ?? 0;
      }
      return added;
    });
  }

  async page(caseId: string, opts: { afterSeq?: number; limit?: number } = {}): Promise<CaseRecordPage> {
    await this.init();
    const limit = pageLimit(opts.limit);
    const [rows, count] = await Promise.all([
      this.pool.query<Row>(`SELECT ${COLUMNS.join(', ')} FROM case_record WHERE case_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, [caseId, opts.afterSeq ?? 0, limit + 1]),
      this.pool.query<{ n: string }>('SELECT count(*) AS n FROM case_record WHERE case_id = $1', [caseId]),
    ]);
    const entries = rows.rows.slice(0, limit).map(fromRow);
    return { entries, total: Number(count.rows[0]?.n ?? 0), ...(rows.rows.length > limit ? { nextAfter: entries.at(-1)!.seq } : {}) };
  }

  async findByRequestId(caseId: string, requestId: string): Promise<CaseRecordEntry | undefined> {
    await this.init();
    const r = await this.pool.query<Row>(
      `SELECT ${COLUMNS.join(', ')} FROM case_record WHERE case_id = $1 AND request_id = $2 AND kind = 'decision' ORDER BY seq LIMIT 1`,
      [caseId, requestId],
    );
    return r.rows[0] ? fromRow(r.rows[0]) : undefined;
  }

  async decisionsBy(user: string, opts: { limit?: number } = {}): Promise<CaseRecordEntry[]> {
    await this.init();
    const r = await this.pool.query<Row>(
      `SELECT ${COLUMNS.join(', ')} FROM case_record WHERE actor_user = $1 AND kind = 'decision' ORDER BY at DESC, case_id, seq DESC LIMIT $2`,
      [user, pageLimit(opts.limit ?? 200)],
    );
    return r.rows.map(fromRow);
  }

  close(): Promise<void> {
    return closePool(this.pool);
  }
}

/** Opens the store and makes sure its table exists (the factory in activities/case-record/index.ts calls this). */
export async function openPostgresCaseRecordStore(connectionString: string): Promise<PostgresCaseRecordStore> {
  const store = new PostgresCaseRecordStore(connectionString);
  try {
    await store.init();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

function toRow(e: CaseRecordEntry): Record<(typeof COLUMNS)[number], unknown> {
  return entryColumns(e, (list) => list);
}

function fromRow(r: Row): CaseRecordEntry {
  return entryOfColumns(r, (d) => d, (list) => list);
}
