// Test access to the real Temporal servers: the Java time-skipping server and the suite's dev server.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Connection } from '@temporalio/client';
import { TEST_SERVER_BIN } from '../../scripts/servers/dev-server';
import { ensureSearchAttributes } from '../../client/admin/search-attributes';
import { quietRuntime } from './runtime';

// Before any connection or worker exists: the SDK runtime is created once per process.
quietRuntime();

/** A time-skipping environment on the Java test server, started by the SDK from our launcher. */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  let env: TestWorkflowEnvironment | undefined;
  // The SDK gives the JVM 5 s to answer; on a loaded 2-core machine it may need longer: try again, five times in all.
  for (let attempt = 1; !env; attempt++) {
    try {
      env = await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: TEST_SERVER_BIN } },
      });
    } catch (err) {
      if (attempt >= 5 || !/did not start within/.test(String((err as Error)?.message))) throw err;
    }
  }
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/** The dev server started by the jest global setup; fails (never skips) when it is absent. */
export function devServerAddress(): string {
  const address = process.env.HANDOVER_TEST_DEV_ADDRESS;
  if (!address) throw new Error('No dev server: run the suite with `npm test` (HANDOVER_SKIP_SERVERS must be unset).');
  return address;
}

export async function devServerConnection(): Promise<Connection> {
  return Connection.connect({ address: devServerAddress() });
}
