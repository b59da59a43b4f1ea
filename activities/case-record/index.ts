// Chooses the case record store from settings: SQLite by default, PostgreSQL when a postgres:// URL is set.
import { join, resolve } from 'node:path';
import { SqliteCaseRecordStore } from './sqlite';
import type { CaseRecordStore } from './store';

export const DEFAULT_RECORD_FILE_NAME = 'case-record.sqlite';
/** The repository's data/ folder, where `npm start` keeps what the engine writes. */
export const DEFAULT_DATA_DIR = resolve(__dirname, '..', '..', 'data');

export interface CaseRecordSettings {
  /** `postgres://…` (or `postgresql://…`): H4's PostgreSQL store; anything else is refused. */
  databaseUrl?: string;
  /** The SQLite file when no database URL is set; default `<dataDir>/case-record.sqlite`. */
  file?: string;
  dataDir?: string;
}

/** HANDOVER_RECORD_DATABASE_URL, HANDOVER_RECORD_FILE, HANDOVER_DATA_DIR (default data/). */
export function caseRecordSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): CaseRecordSettings {
  return {
    databaseUrl: env.HANDOVER_RECORD_DATABASE_URL || undefined,
    file: env.HANDOVER_RECORD_FILE ? resolve(env.HANDOVER_RECORD_FILE) : undefined,
    dataDir: env.HANDOVER_DATA_DIR ? resolve(env.HANDOVER_DATA_DIR) : undefined,
  };
}

/** Where a SQLite record lives under these settings. */
export function sqliteRecordFile(settings: CaseRecordSettings): string {
  return settings.file ?? join(settings.dataDir ?? DEFAULT_DATA_DIR, DEFAULT_RECORD_FILE_NAME);
}

/** Opens the store the settings name. The PostgreSQL module (and `pg`) is loaded only when asked for. */
export async function openCaseRecordStore(settings: CaseRecordSettings = caseRecordSettingsFromEnv()): Promise<CaseRecordStore> {
  const url = settings.databaseUrl;
  if (url) {
    if (!/^postgres(ql)?:\/\//i.test(url)) {
      throw new Error(`HANDOVER_RECORD_DATABASE_URL: only postgres:// URLs are supported (got ${url.replace(/\/\/[^@/]*@/, '//…@')})`);
    }
    // Loaded lazily by path, so SQLite users need neither pg nor the PostgreSQL module.
    const modulePath = join(__dirname, 'postgres');
    const mod = (await import(modulePath)) as { openPostgresCaseRecordStore?: (url: string) => Promise<CaseRecordStore>; PostgresCaseRecordStore?: new (url: string) => CaseRecordStore };
    if (mod.openPostgresCaseRecordStore) return mod.openPostgresCaseRecordStore(url);
    if (mod.PostgresCaseRecordStore) return new mod.PostgresCaseRecordStore(url);
    throw new Error('activities/case-record/postgres.ts exports neither openPostgresCaseRecordStore nor PostgresCaseRecordStore');
  }
  return new SqliteCaseRecordStore(sqliteRecordFile(settings));
}

export { SqliteCaseRecordStore };
export type { CaseRecordEntry, CaseRecordPage, CaseRecordStore, RecordKind } from './store';
