// Jest global teardown: stops the dev server the global setup started.
import type { RunningDevServer } from '../../scripts/servers/dev-server';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __handoverDevServer?: RunningDevServer }).__handoverDevServer;
  await server?.stop();
}
