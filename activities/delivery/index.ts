// Starts the delivery dispatcher beside a worker: the worker's outbox (its data folder's SQLite file, or the shared
// PostgreSQL table in cluster mode: activities/outbox-open.ts), posted to the webhook.
import type { OutboxStore } from '../outbox';
import { openOutboxStore, outboxSettingsFromEnv, type OutboxSettings } from '../outbox-open';
import { webhookChannel } from '../webhook';
import type { DeliveryChannel } from './channel';
import { DeliveryDispatcher } from './dispatcher';
import { loadDeliveryPolicy, type DeliveryPolicy } from './policy';

export interface RunningDelivery {
  dispatcher: DeliveryDispatcher;
  /** Where the outbox is (file path or database URL without password), for logs. */
  outboxLocation: string;
  /** Stops the dispatcher (letting posts under way finish briefly) and closes the outbox it opened. */
  stop(): Promise<void>;
}

/**
 * With a webhook, starts a dispatcher on the given outbox, or the one the settings name (by default from the
 * environment: activities/outbox-open.ts); without a webhook there is nothing to deliver (`notify` records rows as
 * delivered to the outbox itself) and this returns undefined.
 */
export function startDelivery(opts: {
  dataDir: string;
  webhookUrl?: string;
  outbox?: OutboxStore;
  /** Which outbox to open when none is given; default `outboxSettingsFromEnv(dataDir)`. */
  outboxSettings?: OutboxSettings;
  channel?: DeliveryChannel;
  policy?: Partial<DeliveryPolicy>;
  log?: (message: string) => void;
}): RunningDelivery | undefined {
  const channel = opts.channel ?? (opts.webhookUrl ? webhookChannel(opts.webhookUrl) : undefined);
  if (!channel) return undefined;
  const outbox = opts.outbox ?? openOutboxStore(opts.outboxSettings ?? outboxSettingsFromEnv(opts.dataDir));
  const dispatcher = new DeliveryDispatcher({ outbox, channel, policy: { ...loadDeliveryPolicy(), ...opts.policy }, log: opts.log }).start();
  return {
    dispatcher,
    outboxLocation: outbox.location,
    async stop() {
      await dispatcher.stop();
      if (!opts.outbox) await outbox.close();
    },
  };
}

export { DeliveryDispatcher } from './dispatcher';
export type { DeliveryChannel } from './channel';
export { DEFAULT_DELIVERY_POLICY, loadDeliveryPolicy, retryDelayMs, nextAttemptAfterFailure, type DeliveryPolicy } from './policy';
