// Connection settings for worker and clients, from Temporal's standard environment variables and config profile.
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';

/** The embedded dev server's address; used only when no setting names another. */
export const DEFAULT_ADDRESS = 'localhost:7233';
export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_TASK_QUEUE = 'handover';

export interface TemporalSettings {
  /** Options accepted by both `Connection.connect` and `NativeConnection.connect`. */
  connectionOptions: NativeConnectionOptions & { address: string };
  namespace: string;
  taskQueue: string;
  /** True when the address is the default local dev server, i.e. `npm start` should run one. */
  isLocalDefault: boolean;
}

/**
 * Reads TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE and
 * TEMPORAL_CONFIG_FILE (the TOML profile file), as every Temporal SDK and the CLI do, plus
 * HANDOVER_TASK_QUEUE. Anything not set falls back to the local dev server.
 */
export function loadTemporalSettings(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const overrideEnvVars = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const profile = loadClientConnectConfig({ overrideEnvVars });
  const address = profile.connectionOptions.address ?? DEFAULT_ADDRESS;
  return {
    connectionOptions: { ...profile.connectionOptions, address },
    namespace: profile.namespace ?? DEFAULT_NAMESPACE,
    taskQueue: env.HANDOVER_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
    isLocalDefault: address === DEFAULT_ADDRESS && !profile.connectionOptions.tls && !profile.connectionOptions.apiKey,
  };
}
