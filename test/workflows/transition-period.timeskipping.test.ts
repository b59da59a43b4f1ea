// The transition-period host on the real Java time-skipping test server: 3 years pass in seconds.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { timeSkippingEnv } from '../helpers/servers';
import { createTestWorker } from '../helpers/worker';
import { recordHistory } from '../helpers/histories';
import { sendTransitionEvent, transitionPeriodState, transitionPeriodWorkflow } from '../../workflows/transition-period';

const taskQueue = 'transition-period-ts';
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  env = await timeSkippingEnv();
  worker = await createTestWorker({ connection: env.nativeConnection, taskQueue, deps: { dataDir: mkdtempSync(join(tmpdir(), 'handover-')) } });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

describe('time-skipping server: transition period host', () => {
  it('fires the 3-year timer in virtual time, not before', async () => {
    const handle = await env.client.workflow.start(transitionPeriodWorkflow, { taskQueue, workflowId: 'tp-3y', args: [{ caseId: 'c-3y' }] });
    const started = await handle.executeUpdate(sendTransitionEvent, { args: [{ type: 'TRANSITION_STARTED' }] });
    expect(started.state).toBe('inTransition');
    expect(started.pending).toHaveLength(1);
    const endsAt = Date.parse(started.endsAt!);
    expect(endsAt - Date.parse(started.startedAt!)).toBeGreaterThanOrEqual(3 * 365 * 24 * 3600 * 1000);

    // Two years and a half later the period is still running.
    await env.sleep('912 days');
    expect((await handle.query(transitionPeriodState)).state).toBe('inTransition');

    const result = await handle.result(); // the server skips the remaining time
    expect(result.state).toBe('ended');
    expect(result.endedAt).toBe(started.endsAt);
    expect(Date.parse(result.endedAt!)).toBe(endsAt);
    await recordHistory(handle, 'transition-period-3-years');
  });

  it('refuses an event the current stage does not accept, and changes nothing', async () => {
    const handle = await env.client.workflow.start(transitionPeriodWorkflow, { taskQueue, workflowId: 'tp-refuse', args: [{ caseId: 'c-r' }] });
    await handle.executeUpdate(sendTransitionEvent, { args: [{ type: 'TRANSITION_STARTED' }] });
    const before = await handle.query(transitionPeriodState);
    const refused = handle.executeUpdate(sendTransitionEvent, { args: [{ type: 'TRANSITION_WAIVED' }] });
    await expect(refused).rejects.toThrow(WorkflowUpdateFailedError);
    await expect(refused).rejects.toHaveProperty('cause.message', expect.stringContaining('不接受事件 TRANSITION_WAIVED'));
    expect(await handle.query(transitionPeriodState)).toEqual(before);
    await handle.terminate('test done');
  });
});
