// Recorded workflow histories: written from real test runs on request, replayed by test/workflows/replay.test.ts.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { WorkflowHandle } from '@temporalio/client';

export const HISTORY_DIR = join(__dirname, '..', 'fixtures', 'histories');

/** With HANDOVER_RECORD_HISTORIES=1 (`npm run record-histories`), saves the run's history as a fixture. */
export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.HANDOVER_RECORD_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  mkdirSync(HISTORY_DIR, { recursive: true });
  writeFileSync(join(HISTORY_DIR, `${name}.json`), JSON.stringify(JSON.parse(historyToJSON(history)), null, 1) + '\n');
}

export function loadHistories(): Array<{ workflowId: string; history: ReturnType<typeof historyFromJSON> }> {
  return readdirSync(HISTORY_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ workflowId: f.replace(/\.json$/, ''), history: historyFromJSON(JSON.parse(readFileSync(join(HISTORY_DIR, f), 'utf8'))) }));
}
