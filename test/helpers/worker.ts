// Builds a real worker for a test environment, bundling the workflows once per process.
import { bundleWorkflowCode, Worker, type NativeConnection, type WorkerOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import { workflowBundleOptions } from '../../config/workflow-bundle';
import { quietRuntime } from './runtime';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ ...workflowBundleOptions(), logger: quietLogger });
  return bundle;
}

const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error };

export async function createTestWorker(opts: {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  deps: ActivityDeps;
}): Promise<Worker> {
  quietRuntime();
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: opts.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities(opts.deps),
  });
}

/** Workers startStoppableWorker started and that are not stopped yet. */
const started = new Set<() => Promise<void>>();

/** Creates and runs a worker; resolves with the function that stops it and waits until it has. */
export async function startStoppableWorker(options: WorkerOptions): Promise<() => Promise<void>> {
  const worker = await Worker.create(options);
  const running = worker.run();
  const stop = async () => {
    started.delete(stop);
    worker.shutdown();
    await running;
  };
  started.add(stop);
  return stop;
}

/** Stops the workers of startStoppableWorker still running (afterAll, when a test failed half-way). */
export async function stopStartedWorkers(): Promise<void> {
  for (const stop of [...started]) await stop().catch(() => undefined);
}
