// Starts the Temporal dev server built into .tools/bin and waits until it answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { openSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';

export const ROOT = resolve(__dirname, '../..');
export const TEMPORAL_BIN = join(ROOT, '.tools/bin/temporal');
export const TEST_SERVER_BIN = join(ROOT, '.tools/bin/temporal-test-server');

export interface DevServerOptions {
  port: number;
  uiPort?: number;
  /** SQLite file that keeps cases across restarts; omitted = in memory. */
  dbFile?: string;
  namespace?: string;
  logFile: string;
  /** Interface to bind; the default is loopback. */
  ip?: string;
  /** Called with the server's process as soon as it is spawned, before it answers (so a caller can stop it meanwhile). */
  onSpawn?: (child: ChildProcess) => void;
}

export interface RunningDevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A TCP port free right now on loopback. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => ok(port));
    });
  });
}

export async function startDevServer(opts: DevServerOptions): Promise<RunningDevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(opts.port), '--namespace', opts.namespace ?? 'default', '--log-level', 'warn'];
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort), '--ui-ip', ip);
  else args.push('--headless');
  if (opts.dbFile) {
    mkdirSync(dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile);
  }
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const log = openSync(opts.logFile, 'a');
  const child = spawn(TEMPORAL_BIN, args, { stdio: ['ignore', log, log], detached: false });
  opts.onSpawn?.(child);
  const address = `${ip}:${opts.port}`;
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`Temporal dev server exited (code ${exited}) during start; see ${opts.logFile}`);
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      await conn.workflowService.getSystemInfo({});
      await conn.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGTERM');
        throw new Error(`Temporal dev server did not answer on ${address} within 60 s; see ${opts.logFile}`);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  return {
    address,
    uiUrl: opts.uiPort ? `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${opts.uiPort}` : undefined,
    process: child,
    stop: () => stopProcess(child),
  };
}

/** SIGTERM, then SIGKILL after 10 s; resolves when the process has exited. */
export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGTERM');
  });
}
