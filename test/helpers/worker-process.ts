// The real worker (worker.ts) as its own process, as `npm start` runs it: for tests that SIGKILL it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
}

/** Starts worker.ts with Node and tsx's loader (so SIGKILL hits the worker, not a wrapper); resolves once it polls. */
export function startWorkerProcess(env: { address: string; taskQueue: string; dataDir: string; webhookUrl?: string; extra?: NodeJS.ProcessEnv }): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'worker.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.address,
      HANDOVER_TASK_QUEUE: env.taskQueue,
      HANDOVER_DATA_DIR: env.dataDir,
      HANDOVER_WEBHOOK_URL: env.webhookUrl ?? '',
      ...env.extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const handle: WorkerProcess = {
    child,
    output: () => out,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  return new Promise((ok, fail) => {
    child.stdout!.on('data', (c) => {
      out += c;
      if (out.includes('worker polling')) ok(handle);
    });
    child.stderr!.on('data', (c) => (out += c));
    child.once('exit', (code, signal) => fail(new Error(`worker exited (${code ?? signal}) before polling: ${out}`)));
  });
}
