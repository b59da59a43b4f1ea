// An API server over the real dev server with a real worker, and a fresh users file, audit log and reports folder.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { UsersStore } from '../../client/admin/users';
import { AuditLog } from '../../client/api/audit';
import { buildApi } from '../../client/api/server';
import { devServerAddress } from './servers';
import { startHarness, type CaseHarness } from './handover-env';

export interface ApiEnv {
  app: FastifyInstance;
  client: Client;
  users: UsersStore;
  audit: AuditLog;
  reportsDir: string;
  taskQueue: string;
  stop(): Promise<void>;
}

export async function startApiEnv(name: string): Promise<ApiEnv> {
  const connection = await Connection.connect({ address: devServerAddress() });
  const native = await NativeConnection.connect({ address: devServerAddress() });
  const client = new Client({ connection });
  const taskQueue = `${name}-${process.pid}-${Date.now()}`;
  const h: CaseHarness = await startHarness({ client, connection: native, taskQueue });
  const dir = mkdtempSync(join(tmpdir(), `handover-${name}-`));
  const users = new UsersStore(join(dir, 'users.json'));
  const audit = new AuditLog(join(dir, 'audit.jsonl'));
  const reportsDir = join(dir, 'reports');
  let app: FastifyInstance;
  try {
    app = await buildApi({ client, taskQueue, users, audit, reportsDir });
  } catch (err) {
    await h.stop();
    await native.close();
    await connection.close();
    throw err;
  }
  return {
    app,
    client,
    users,
    audit,
    reportsDir,
    taskQueue,
    async stop() {
      await app.close();
      await h.stop();
      await native.close();
      await connection.close();
    },
  };
}

let counter = 0;

/** A valid credit code unique to this run, so reruns against one server never collide. */
export function freshCreditCode(): string {
  const C = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const body = '915003' + (String(Date.now()).slice(-9) + String(++counter % 100).padStart(2, '0'));
  const sum = [...body].reduce((s, ch, i) => s + C.indexOf(ch) * W[i]!, 0);
  return body + C[(31 - (sum % 31)) % 31];
}
