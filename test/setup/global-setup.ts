// Jest global setup: checks the installed servers and starts one dev server (in memory) for the suite.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { ROOT, TEMPORAL_BIN, TEST_SERVER_BIN, freePort, startDevServer } from '../../scripts/servers/dev-server';
import { ensureSearchAttributes } from '../../client/admin/search-attributes';

export const STATE_FILE = join(ROOT, 'test-artifacts', 'dev-server.pid');

export default async function globalSetup(): Promise<void> {
  // What clients open by default (the case record store) goes to a temporary folder, never the repository's data/.
  process.env.HANDOVER_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'handover-test-data-'));
  if (process.env.HANDOVER_SKIP_SERVERS === '1') return; // quick local runs of pure tests only
  for (const bin of [TEMPORAL_BIN, TEST_SERVER_BIN]) {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm test\` (it installs the servers) rather than jest directly.`);
  }
  const port = await freePort();
  const server = await startDevServer({ port, logFile: join(ROOT, 'test-artifacts', 'dev-server.log') });
  const connection = await Connection.connect({ address: server.address });
  await ensureSearchAttributes(connection, 'default');
  await connection.close();
  process.env.HANDOVER_TEST_DEV_ADDRESS = server.address;
  writeFileSync(STATE_FILE, String(server.process.pid));
  (globalThis as { __handoverDevServer?: typeof server }).__handoverDevServer = server;
}
