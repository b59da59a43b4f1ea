// `npm start` after the installs: dev server on data/ (unless settings name another server), search attributes, worker,
// HTTP API and console. SIGINT, SIGTERM or SIGHUP to this process — or its parent going away — stops every process it
// started (API, worker, dev server), at any point of the start-up, and then exits.
//
// HANDOVER_DATA_DIR (default data/) holds the dev server's database and log and the demo tokens;
// HANDOVER_TEMPORAL_PORT runs the dev server on another port than 7233 (when TEMPORAL_ADDRESS is not set);
// HANDOVER_UI_PORT (default 8233; 0 = no web UI); HANDOVER_API_PORT (default 8080).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { loadTemporalSettings } from '../config/temporal';
import { ensureSearchAttributes } from '../client/admin/search-attributes';
import { ROOT, startDevServer, stopProcess, type RunningDevServer } from './servers/dev-server';
import { dataDir, loadApiSettings } from '../config/api';
import { UsersStore, seedAdministrator, seedDemoUsers } from '../client/admin/users';
import { runApiServer, type RunningApi } from '../client/api/run';

const UI_PORT = Number(process.env.HANDOVER_UI_PORT ?? 8233);
const DATA = dataDir();

/** What this process started, so a signal at any moment stops exactly that. */
const started: { server?: ChildProcess; worker?: ChildProcess; api?: RunningApi } = {};
let stopping: Promise<void> | undefined;

function log(line: string): void {
  console.log(`[handover] ${line}`);
}

/** Stops the API, the worker and the dev server (whichever were started), then exits with `code`. Idempotent. */
function stopAll(code: number, why?: string): Promise<void> {
  if (!stopping) {
    if (why) log(why);
    stopping = (async () => {
      const api = started.api;
      if (api) await Promise.race([api.stop().catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
      if (started.worker) await stopProcess(started.worker);
      if (started.server) await stopProcess(started.server);
      process.exit(code);
    })();
  }
  return stopping;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void stopAll(0, `收到 ${signal}，正在停止所有进程 (${signal}: stopping everything started here)…`));
}
// `npm start` runs this under a shell; if that parent dies without passing the signal on, stop as well.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void stopAll(0, '父进程已退出，正在停止 (the parent process is gone: stopping)…');
}, 1000).unref();

/** Throws when a signal arrived meanwhile: the start-up goes no further. */
function stillStarting(): void {
  if (stopping) throw new StartAborted();
}
class StartAborted extends Error {}

async function main(): Promise<void> {
  const devPort = process.env.HANDOVER_TEMPORAL_PORT;
  if (devPort && !process.env.TEMPORAL_ADDRESS) {
    if (!/^\d{1,5}$/.test(devPort) || Number(devPort) > 65535) throw new Error(`HANDOVER_TEMPORAL_PORT 应为端口号 (must be a port number): ${devPort}`);
    process.env.TEMPORAL_ADDRESS = `localhost:${devPort}`; // the worker, a child, reads it too
  }
  const settings = loadTemporalSettings();
  let server: RunningDevServer | undefined;
  if (settings.isLocalDefault || (devPort && settings.connectionOptions.address === `localhost:${devPort}`)) {
    const port = Number(settings.connectionOptions.address.split(':')[1]);
    const dbFile = join(DATA, 'temporal.db');
    log(`启动 Temporal 开发服务器 (starting the Temporal dev server), data: ${dbFile}`);
    try {
      server = await startDevServer({
        port,
        uiPort: UI_PORT > 0 ? UI_PORT : undefined,
        dbFile,
        logFile: join(DATA, 'temporal-server.log'),
        onSpawn: (child) => (started.server = child),
      });
    } catch (err) {
      stillStarting();
      throw new Error(
        `${(err as Error).message}\n[handover] 端口 ${port} 或 ${UI_PORT} 可能已被占用 (the port may be in use: is another dev server running?). ` +
          'Stop it, or set TEMPORAL_ADDRESS to use an existing server.',
      );
    }
  } else {
    log(`使用已配置的 Temporal 服务 (using the configured server) ${settings.connectionOptions.address}, namespace ${settings.namespace}`);
  }
  stillStarting();

  const connection = await Connection.connect(settings.connectionOptions);
  try {
    const added = await ensureSearchAttributes(connection, settings.namespace);
    if (added.length) log(`已注册搜索属性 (search attributes registered): ${added.join(', ')}`);
  } catch (err) {
    console.warn(`[handover] 无法注册搜索属性 (could not register search attributes; on Temporal Cloud add them with tcld): ${(err as Error).message}`);
  } finally {
    await connection.close();
  }
  stillStarting();

  // Node itself (with tsx's loader), not the tsx CLI, so signals reach the worker and not a wrapper.
  const worker = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'worker.ts')], { stdio: 'inherit', cwd: ROOT, env: { ...process.env, HANDOVER_DATA_DIR: DATA } });
  started.worker = worker;
  worker.once('exit', (code, signal) => {
    if (!stopping && code !== 0) console.error(`[handover] worker exited (${code ?? signal})`);
    void stopAll(code ?? 0);
  });

  // The HTTP API and web console, in this process; the administrator and the demo users are seeded on the first start.
  const apiSettings = loadApiSettings();
  const users = new UsersStore(apiSettings.usersFile);
  const admin = await seedAdministrator(users, join(DATA, 'admin-initial-password.json'));
  const demo = await seedDemoUsers(users, join(DATA, 'demo-tokens.json'));
  stillStarting();
  const api = await runApiServer(apiSettings);
  started.api = api;
  stillStarting();

  console.log('');
  log('系统已启动 (system is up)');
  log(`网页控制台 (web console): ${api.url}/`);
  log(`接口文档 (API docs, OpenAPI): ${api.url}/docs`);
  if (admin) {
    log(`管理员 (administrator): 用户名 ${admin.name}  初始密码 ${admin.password}  —— 首次登录后须修改密码 (change it at the first sign-in)`);
  }
  if (demo.length) {
    log('演示用户（仅供演示）：控制台用用户名和密码登录，接口和脚本用令牌 (demo users, demo only: the console signs in with name and password, API and scripts use the token):');
    for (const { user, token, password } of demo) log(`  ${user.name.padEnd(20)} ${(password ?? '(密码已修改 changed)').padEnd(24)} ${user.role.padEnd(22)} ${user.org.padEnd(22)} ${token}`);
  }
  if (server?.uiUrl) log(`Temporal Web UI: ${server.uiUrl}`);
  log(`Temporal: ${settings.connectionOptions.address}  namespace: ${settings.namespace}  task queue: ${settings.taskQueue}`);
  log(`进程 (processes): up ${process.pid}, worker ${worker.pid}${started.server ? `, dev server ${started.server.pid}` : ''}`);
  log('按 Ctrl-C 停止 (press Ctrl-C to stop)');
}

main().catch((err) => {
  if (err instanceof StartAborted) return; // a signal arrived during start-up; stopAll is under way
  console.error(`[handover] ${(err as Error).message}`);
  void stopAll(1);
});
