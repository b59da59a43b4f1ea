// What the delivery dispatcher posts through.
import type { OutboxRow } from '../outbox';

/** Where rows go: a name recorded on delivered rows, and a post that throws when the receiver did not accept it. */
export interface DeliveryChannel {
  name: string;
  deliver(row: OutboxRow, signal: AbortSignal): Promise<void>;
}
