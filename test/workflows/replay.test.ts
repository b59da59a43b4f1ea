// Replays every committed history of a real run against today's workflow code: a non-determinism fails here.
import { Worker } from '@temporalio/worker';
import { loadHistories } from '../helpers/histories';
import { workflowBundle } from '../helpers/worker';
import '../helpers/servers'; // quiet SDK runtime

describe('recorded histories replay with the current workflow code', () => {
  const histories = loadHistories();

  it('has recorded histories to replay', () => {
    expect(histories.length).toBeGreaterThan(0);
  });

  it.each(histories.map((h) => [h.workflowId, h] as const))('replays %s without non-determinism', async (_id, h) => {
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, h.history, h.workflowId)).resolves.toBeUndefined();
  });
});
