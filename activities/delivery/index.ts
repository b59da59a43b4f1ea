// Starts the delivery dispatcher beside a worker: the outbox of the worker's data folder, posted to the webhook.
import { Outbox, outboxFile } from '../outbox';
import { webhookChannel } from '../webhook';
import type { DeliveryChannel } from './channel';
import { DeliveryDispatcher } from './dispatcher';
import { loadDeliveryPolicy, type DeliveryPolicy } from './policy';

export interface RunningDelivery {
  dispatcher: DeliveryDispatcher;
  /** Stops the dispatcher (letting posts under way finish briefly) and closes the outbox it opened. */
  stop(): Promise<void>;
}

/**
 * With a webhook, starts a dispatcher on `<dataDir>/outbox.sqlite` (or the given outbox); without one there is
 * nothing to deliver (`notify` records rows as delivered to the outbox itself) and this returns undefined.
 */
export function startDelivery(opts: {
  dataDir: string;
  webhookUrl?: string;
  outbox?: Outbox;
  channel?: DeliveryChannel;
  policy?: Partial<DeliveryPolicy>;
  log?: (message: string) => void;
}): RunningDelivery | undefined {
  const channel = opts.channel ?? (opts.webhookUrl ? webhookChannel(opts.webhookUrl) : undefined);
  if (!channel) return undefined;
  const outbox = opts.outbox ?? new Outbox(outboxFile(opts.dataDir));
  const dispatcher = new DeliveryDispatcher({ outbox, channel, policy: { ...loadDeliveryPolicy(), ...opts.policy }, log: opts.log }).start();
  return {
    dispatcher,
    async stop() {
      await dispatcher.stop();
      if (!opts.outbox) outbox.close();
    },
  };
}

export { DeliveryDispatcher } from './dispatcher';
export type { DeliveryChannel } from './channel';
export { DEFAULT_DELIVERY_POLICY, loadDeliveryPolicy, retryDelayMs, nextAttemptAfterFailure, type DeliveryPolicy } from './policy';
