// Runs the HTTP API and console against the configured Temporal server until stopped.
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { loadApiSettings, type ApiSettings } from '../../config/api';
import { loadTemporalSettings } from '../../config/temporal';
import { UsersStore } from '../admin/users';
import { AuditLog } from './audit';
import { buildApi } from './server';

export interface RunningApi {
  app: FastifyInstance;
  url: string;
  settings: ApiSettings;
  stop(): Promise<void>;
}

export async function runApiServer(overrides: Partial<ApiSettings> = {}): Promise<RunningApi> {
  const settings = { ...loadApiSettings(), ...overrides };
  const temporal = loadTemporalSettings();
  const connection = await Connection.connect({ ...temporal.connectionOptions, connectTimeout: '10s' });
  const client = new Client({ connection, namespace: temporal.namespace });
  const app = await buildApi({
    client,
    taskQueue: temporal.taskQueue,
    users: new UsersStore(settings.usersFile),
    audit: new AuditLog(settings.auditFile),
    reportsDir: settings.reportsDir,
    trustProxy: settings.trustProxy,
  });
  try {
    await app.listen({ port: settings.port, host: settings.host });
  } catch (err) {
    await connection.close();
    throw new Error(`无法在 ${settings.host}:${settings.port} 启动 API（端口可能已被占用，可设置 HANDOVER_API_PORT）(cannot listen: is the port in use? set HANDOVER_API_PORT): ${(err as Error).message}`);
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : settings.port;
  const shownHost = settings.host === '0.0.0.0' || settings.host === '::' ? 'localhost' : settings.host;
  return {
    app,
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`,
    settings,
    async stop() {
      await app.close();
      await connection.close();
    },
  };
}
