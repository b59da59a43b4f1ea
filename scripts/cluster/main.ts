// `npm run cluster` / `npm run cluster:stop` / `npm run cluster -- status`, after scripts/cluster/cluster.sh's installs.
import { join } from 'node:path';
import { DEFAULT_FRONTEND_PORT, DEFAULT_PG_PORT, ROOT, clusterStatus, readClusterInfo, startCluster, stopCluster } from './cluster';

const DATA_DIR = process.env.HANDOVER_CLUSTER_DATA_DIR ?? join(ROOT, 'data', 'cluster');
const say = (line: string) => console.log(`[handover] ${line}`);

function portSetting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1024 || port > 65_000) {
    throw new Error(`${name}=${raw}: 端口须为 1024–65000 的整数 (must be a whole number from 1024 to 65000)`);
  }
  return port;
}

async function up(): Promise<void> {
  const info = await startCluster({
    dataDir: DATA_DIR,
    frontendPort: portSetting('HANDOVER_CLUSTER_PORT', DEFAULT_FRONTEND_PORT),
    pgPort: portSetting('HANDOVER_CLUSTER_PG_PORT', DEFAULT_PG_PORT),
    temporalPassword: process.env.HANDOVER_CLUSTER_PG_PASSWORD || undefined,
    handoverPassword: process.env.HANDOVER_CLUSTER_RECORD_PASSWORD || undefined,
    log: say,
  });
  say('');
  say(`Temporal 集群已启动 (the Temporal cluster is up): frontend ${info.address}, namespace ${info.namespace}`);
  say(`PostgreSQL 127.0.0.1:${info.ports.postgres} (databases temporal, temporal_visibility, and handover: case record and notification outbox); data and logs: ${info.dataDir}`);
  say('接入方法 (to attach the engine: worker(s), API, CLI), set:');
  for (const [k, v] of Object.entries(info.env)) console.log(`  export ${k}='${v}'`);
  say(`or: source ${join(info.dataDir, 'env.sh')}    then: npm start   (more workers: npm run worker)`);
  say('停止 (to stop): npm run cluster:stop');
}

async function stop(): Promise<void> {
  await stopCluster(DATA_DIR, say);
  say(`Temporal 集群已停止 (the cluster is stopped); its data stays in ${DATA_DIR}`);
}

function status(): void {
  const s = clusterStatus(DATA_DIR);
  const info = readClusterInfo(DATA_DIR);
  say(`PostgreSQL: ${s.postgres ? 'running' : 'stopped'}`);
  for (const [name, pid] of Object.entries(s.services)) say(`${name.padEnd(8)} ${pid ? `running (pid ${pid})` : 'stopped'}`);
  if (info) say(`frontend ${info.address}, namespace ${info.namespace}`);
  process.exitCode = s.postgres && Object.values(s.services).every(Boolean) ? 0 : 3;
}

const command = process.argv[2] ?? 'up';
const run = { up, stop, status: async () => status() }[command];
if (!run) {
  console.error(`[handover] unknown command "${command}": use up, stop or status`);
  process.exit(2);
}
run().catch((err: Error) => {
  console.error(`[handover] ${err.message}`);
  process.exit(1);
});
