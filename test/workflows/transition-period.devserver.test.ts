// The transition-period host on the real dev server (the Temporal CLI built into .tools/bin).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { devServerAddress } from '../helpers/servers';
import { createTestWorker } from '../helpers/worker';
import { sendTransitionEvent, transitionPeriodState, transitionPeriodWorkflow } from '../../workflows/transition-period';

const taskQueue = `transition-period-dev-${process.pid}`;
let connection: Connection;
let nativeConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  connection = await Connection.connect({ address: devServerAddress() });
  nativeConnection = await NativeConnection.connect({ address: devServerAddress() });
  worker = await createTestWorker({ connection: nativeConnection, taskQueue, deps: { dataDir: mkdtempSync(join(tmpdir(), 'handover-')) } });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await nativeConnection?.close();
  await connection?.close();
});

describe('dev server: transition period host', () => {
  it('starts, answers a query, takes an update and completes', async () => {
    const client = new Client({ connection });
    const workflowId = `tp-dev-${Date.now()}`;
    const handle = await client.workflow.start(transitionPeriodWorkflow, { taskQueue, workflowId, args: [{ caseId: 'dev-1' }] });
    expect((await handle.query(transitionPeriodState)).state).toBe('awaitingStart');
    const view = await handle.executeUpdate(sendTransitionEvent, { args: [{ type: 'TRANSITION_WAIVED' }] });
    expect(view.state).toBe('ended');
    const result = await handle.result();
    expect(result.status).toBe('done');
    const described = await handle.describe();
    expect(described.status.name).toBe('COMPLETED');
  });
});
