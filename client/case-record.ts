// Reading a case's permanent record (every decision, timer and notification) from the case record store, in pages.
import { openCaseRecordStore, caseRecordSettingsFromEnv, sqliteRecordFile, type CaseRecordSettings } from '../activities/case-record';
import type { CaseRecordEntry, CaseRecordPage, CaseRecordStore } from '../activities/case-record/store';
import type { TimelineEntry } from '../workflows/messages';

const shared = new Map<string, Promise<CaseRecordStore>>();

/**
 * The store this process reads, from the same settings the worker writes with (HANDOVER_RECORD_DATABASE_URL,
 * HANDOVER_RECORD_FILE, HANDOVER_DATA_DIR; default data/case-record.sqlite). Opened once, on first use.
 */
export function defaultCaseRecordStore(settings: CaseRecordSettings = caseRecordSettingsFromEnv()): Promise<CaseRecordStore> {
  const key = settings.databaseUrl ?? sqliteRecordFile(settings);
  let store = shared.get(key);
  if (!store) {
    store = openCaseRecordStore(settings).catch((err: unknown) => {
      shared.delete(key);
      throw err;
    });
    shared.set(key, store);
  }
  return store;
}

/** Closes the stores opened by defaultCaseRecordStore (CLI exit, tests). */
export async function closeDefaultCaseRecordStores(): Promise<void> {
  const all = [...shared.values()];
  shared.clear();
  await Promise.all(all.map(async (s) => (await s.catch(() => undefined))?.close()));
}

/** One page of a case's record, oldest first: entries after `afterSeq`, at most `limit` (default 100, at most 1,000). */
export async function caseRecordPage(store: CaseRecordStore, caseId: string, opts: { afterSeq?: number; limit?: number } = {}): Promise<CaseRecordPage> {
  return store.page(caseId, opts);
}

/** Every entry of a case's record, page by page. */
export async function* caseRecordEntries(store: CaseRecordStore, caseId: string, pageSize = 500): AsyncGenerator<CaseRecordEntry> {
  let after: number | undefined = 0;
  while (after !== undefined) {
    const page: CaseRecordPage = await store.page(caseId, { afterSeq: after, limit: pageSize });
    yield* page.entries;
    after = page.nextAfter;
  }
}

/** A record entry in the timeline's shape (what the formatters print). */
export function asTimelineEntry(e: CaseRecordEntry): TimelineEntry {
  return {
    seq: e.seq,
    at: e.at,
    kind: e.kind,
    type: e.type,
    ...(e.actor ? { actor: e.actor } : {}),
    ...(e.occurredOn ? { occurredOn: e.occurredOn } : {}),
    ...(e.requestId ? { requestId: e.requestId } : {}),
    ...(e.data !== undefined ? { data: e.data } : {}),
    ...(e.before ? { before: e.before } : {}),
    after: e.after ?? [],
  };
}
