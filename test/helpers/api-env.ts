// An API server over the real dev server with a real worker, and a fresh users file, audit log and reports folder.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { UsersStore } from '../../client/admin/users';
import { AuditLog } from '../../client/api/audit';
import { buildApi } from '../../client/api/server';
import { startDevHarness, type CaseHarness } from './handover-env';

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
  const taskQueue = `${name}-${process.pid}-${Date.now()}`;
  const h: CaseHarness = await startDevHarness(taskQueue);
  const client = h.client;
  const dir = mkdtempSync(join(tmpdir(), `handover-${name}-`));
  const users = new UsersStore(join(dir, 'users.json'));
  const audit = new AuditLog(join(dir, 'audit.jsonl'));
  const reportsDir = join(dir, 'reports');
  let app: FastifyInstance;
  try {
    app = await buildApi({ client, taskQueue, users, audit, reportsDir, record: h.record });
  } catch (err) {
    await h.stop();
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
    },
  };
}
