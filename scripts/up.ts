// `npm start` after the installs: dev server on data/ (unless settings name another server), search attributes, worker.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { loadTemporalSettings } from '../config/temporal';
import { ensureSearchAttributes } from '../client/admin/search-attributes';
import { ROOT, startDevServer, stopProcess, type RunningDevServer } from './servers/dev-server';
import { loadApiSettings } from '../config/api';
import { UsersStore, seedDemoUsers } from '../client/admin/users';
import { runApiServer, type RunningApi } from '../client/api/run';

const UI_PORT = Number(process.env.HANDOVER_UI_PORT ?? 8233);

async function main(): Promise<void> {
  const settings = loadTemporalSettings();
  let server: RunningDevServer | undefined;
  if (settings.isLocalDefault) {
    const port = Number(settings.connectionOptions.address.split(':')[1]);
    const dbFile = join(ROOT, 'data', 'temporal.db');
    console.log(`[handover] 启动 Temporal 开发服务器 (starting the Temporal dev server), data: ${dbFile}`);
    try {
      server = await startDevServer({ port, uiPort: UI_PORT, dbFile, logFile: join(ROOT, 'data', 'temporal-server.log') });
    } catch (err) {
      throw new Error(
        `${(err as Error).message}\n[handover] 端口 ${port} 或 ${UI_PORT} 可能已被占用 (the port may be in use: is another dev server running?). ` +
          'Stop it, or set TEMPORAL_ADDRESS to use an existing server.',
      );
    }
  } else {
    console.log(`[handover] 使用已配置的 Temporal 服务 (using the configured server) ${settings.connectionOptions.address}, namespace ${settings.namespace}`);
  }

  const connection = await Connection.connect(settings.connectionOptions);
  try {
    const added = await ensureSearchAttributes(connection, settings.namespace);
    if (added.length) console.log(`[handover] 已注册搜索属性 (search attributes registered): ${added.join(', ')}`);
  } catch (err) {
    console.warn(`[handover] 无法注册搜索属性 (could not register search attributes; on Temporal Cloud add them with tcld): ${(err as Error).message}`);
  } finally {
    await connection.close();
  }

  // Node itself (with tsx's loader), not the tsx CLI, so signals reach the worker and not a wrapper.
  const worker = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'worker.ts')], { stdio: 'inherit', cwd: ROOT });
  // The HTTP API and web console, in this process; demo users are seeded on the first start.
  const apiSettings = loadApiSettings();
  const demo = seedDemoUsers(new UsersStore(apiSettings.usersFile), join(ROOT, 'data', 'demo-tokens.json'));
  let api: RunningApi | undefined;
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await api?.stop().catch(() => undefined);
    await stopProcess(worker);
    if (server) await server.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  worker.once('exit', (code) => {
    if (!stopping && code !== 0 && code !== null) console.error(`[handover] worker exited with code ${code}`);
    void stopAll(code ?? 0);
  });

  try {
    api = await runApiServer(apiSettings);
  } catch (err) {
    console.error(`[handover] ${(err as Error).message}`);
    await stopAll(1);
    return;
  }

  console.log('');
  console.log(`[handover] 系统已启动 (system is up)`);
  console.log(`[handover] 网页控制台 (web console): ${api.url}/`);
  console.log(`[handover] 接口文档 (API docs, OpenAPI): ${api.url}/docs`);
  if (demo.length) {
    console.log('[handover] 演示用户令牌（登录控制台用；仅供演示）(demo users\' tokens, for signing in; demo only):');
    for (const { user, token } of demo) console.log(`[handover]   ${user.name.padEnd(20)} ${user.role.padEnd(22)} ${user.org.padEnd(22)} ${token}`);
  }
  if (server?.uiUrl) console.log(`[handover] Temporal Web UI: ${server.uiUrl}`);
  console.log(`[handover] Temporal: ${settings.connectionOptions.address}  namespace: ${settings.namespace}  task queue: ${settings.taskQueue}`);
  console.log('[handover] 按 Ctrl-C 停止 (press Ctrl-C to stop)');
}

main().catch((err) => {
  console.error(`[handover] ${(err as Error).message}`);
  process.exit(1);
});
