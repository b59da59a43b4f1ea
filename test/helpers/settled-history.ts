// A case answers a decision before its record entry is written (patch reply-first-1): the write's activity and the
// workflow task it wakes still add events after the answer. Tests that compare history lengths wait for that first.
import type { WorkflowHandle } from '@temporalio/client';
import { unrecordedEntriesQuery } from '../../workflows/messages';
import { eventually } from './eventually';

/** The history's length once the case holds no unwritten record entry and two reads in a row agree. */
export async function settledHistoryLength(handle: WorkflowHandle): Promise<number> {
  await eventually(async () => expect(await handle.query(unrecordedEntriesQuery)).toEqual([]));
  let last = -1;
  for (let i = 0; i < 20; i++) {
    const length = (await handle.fetchHistory()).events!.length;
    if (length === last) return length;
    last = length;
    await new Promise((r) => setTimeout(r, 250));
  }
  return last;
}
