// Chooses the notification outbox from settings: a SQLite file per data folder by default; PostgreSQL when a
// database URL is set, so every worker process (on any machine) and the API share one outbox (cluster mode).
//
// HANDOVER_OUTBOX_DATABASE_URL names the outbox's database; when unset, the outbox follows the case record store's
// HANDOVER_RECORD_DATABASE_URL (which `npm run cluster`'s env.sh exports), so one setting moves both.
import { resolve } from 'node:path';
import { Outbox, outboxFile, type OutboxStore } from './outbox';

export interface OutboxSettings {
  /** `postgres://…` (or `postgresql://…`): the PostgreSQL outbox; anything else is refused. */
  databaseUrl?: string;
  /** Where the SQLite outbox lives when no URL is set: `<dataDir>/outbox.sqlite`. */
  dataDir: string;
}

/** HANDOVER_OUTBOX_DATABASE_URL, else HANDOVER_RECORD_DATABASE_URL, else `<dataDir>/outbox.sqlite`. */
export function outboxSettingsFromEnv(dataDir: string, env: NodeJS.ProcessEnv = process.env): OutboxSettings {
  return { databaseUrl: env.HANDOVER_OUTBOX_DATABASE_URL || env.HANDOVER_RECORD_DATABASE_URL || undefined, dataDir: resolve(dataDir) };
}

/**
 * Opens the outbox the settings name; the PostgreSQL one creates its table on first use. The PostgreSQL module
 * (and `pg`) is loaded only when a URL is set.
 */
export function openOutboxStore(settings: OutboxSettings): OutboxStore {
  const url = settings.databaseUrl;
  if (!url) return new Outbox(outboxFile(settings.dataDir));
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw new Error(`HANDOVER_OUTBOX_DATABASE_URL / HANDOVER_RECORD_DATABASE_URL: 只支持 postgres:// 地址 (only postgres:// URLs are supported; got ${url.replace(/\/\/[^@/]*@/, '//…@')})`);
  }
  const { PostgresOutbox } = require('./outbox-postgres') as typeof import('./outbox-postgres');
  return new PostgresOutbox(url);
}
