// Generations of cancellation scopes (workflows/host/scope-generations.ts) on the real time-skipping server: a
// retired generation cancels nothing still pending and issues no command; cancelling the workflow still reaches a
// wait made in a generation, as it reaches one made in the root scope.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { timeSkippingEnv } from '../helpers/servers';
import { quietRuntime } from '../helpers/runtime';

const EventType = temporal.api.enums.v1.EventType;
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `scope-generations-${process.pid}-${Date.now()}`;

beforeAll(async () => {
  quietRuntime();
  env = await timeSkippingEnv();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('./scope-generations-workflow'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } }),
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

const eventsOf = async (workflowId: string) => ((await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? []).map((e) => e.eventType);

describe('scope generations', () => {
  it('retire full, settled generations without cancelling a timer still pending in an older one', async () => {
    const workflowId = `generations-long-${Date.now()}`;
    // 10 one-second timers and 10 conditions after the day-long timer: generations of 4 waits, several retired.
    const result = await env.client.workflow.execute('longTimerAcrossGenerations', { workflowId, taskQueue, args: [10] });
    expect(result).toEqual({ long: 'fired', shortWaits: 10 });
    const events = await eventsOf(workflowId);
    expect(events.filter((t) => t === EventType.EVENT_TYPE_TIMER_STARTED)).toHaveLength(11);
    expect(events.filter((t) => t === EventType.EVENT_TYPE_TIMER_FIRED)).toHaveLength(11);
    expect(events.filter((t) => t === EventType.EVENT_TYPE_TIMER_CANCELED)).toHaveLength(0);
  });

  it('let the workflow’s cancellation reach a wait made in a generation', async () => {
    const workflowId = `generations-cancelled-${Date.now()}`;
    const handle = await env.client.workflow.start('cancelledAfterGenerations', { workflowId, taskQueue, args: [9] });
    // Wait (time-skipping) until the ten-year timer is started, then cancel the workflow.
    for (let i = 0; i < 100 && (await eventsOf(workflowId)).filter((t) => t === EventType.EVENT_TYPE_TIMER_STARTED).length < 10; i++) await env.sleep(1_000);
    expect((await eventsOf(workflowId)).filter((t) => t === EventType.EVENT_TYPE_TIMER_STARTED)).toHaveLength(10);
    await handle.cancel();
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    const events = await eventsOf(workflowId);
    expect(events.filter((t) => t === EventType.EVENT_TYPE_TIMER_CANCELED)).toHaveLength(1);
    expect(events.at(-1)).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
  });
});
