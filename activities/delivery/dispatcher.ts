// The delivery dispatcher: runs beside the worker, claims outbox rows that are due, posts each through a
// channel and records the outcome per row. Several dispatchers (worker processes) may share one outbox (a SQLite
// file, or the PostgreSQL table of cluster mode): claims are leases taken atomically, so no two of them post the
// same row at the same time.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { OutboxStore } from '../outbox';
import type { DeliveryChannel } from './channel';
import { DEFAULT_DELIVERY_POLICY, nextAttemptAfterFailure, type DeliveryPolicy } from './policy';

export interface DispatcherOptions {
  outbox: OutboxStore;
  channel: DeliveryChannel;
  policy?: Partial<DeliveryPolicy>;
  /** Names this dispatcher in claims; unique per process by default. */
  owner?: string;
  /** Milliseconds since the epoch; tests pass a fake clock and call `runOnce` themselves. */
  clock?: () => number;
  random?: () => number;
  log?: (message: string) => void;
}

export interface RoundResult {
  claimed: number;
  delivered: number;
  failed: number;
  gaveUp: number;
}

export class DeliveryDispatcher {
  readonly owner: string;
  readonly policy: DeliveryPolicy;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly log: (message: string) => void;
  private loop?: Promise<void>;
  private running = false;
  private wakeUp?: () => void;
  private readonly aborter = new AbortController();

  constructor(private readonly opts: DispatcherOptions) {
    this.owner = opts.owner ?? `${hostname()}#${process.pid}#${randomUUID().slice(0, 8)}`;
    this.policy = { ...DEFAULT_DELIVERY_POLICY, ...opts.policy };
    this.clock = opts.clock ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.log = opts.log ?? ((m) => console.warn(`[handover] delivery: ${m}`));
  }

  /** Claims the rows due now and attempts each once (concurrently); resolves when every outcome is recorded. */
  async runOnce(): Promise<RoundResult> {
    const { outbox, channel } = this.opts;
    const rows = await outbox.claimDue(this.owner, new Date(this.clock()), this.policy.leaseMs, this.policy.batchSize);
    const result: RoundResult = { claimed: rows.length, delivered: 0, failed: 0, gaveUp: 0 };
    await Promise.all(
      rows.map(async (row) => {
        if (this.aborter.signal.aborted) {
          await outbox.release(row.key, this.owner);
          return;
        }
        const signal = AbortSignal.any([this.aborter.signal, AbortSignal.timeout(this.policy.postTimeoutMs)]);
        try {
          await channel.deliver(row, signal);
        } catch (err) {
          if (this.aborter.signal.aborted) {
            // Cut short by stop(): not the receiver's fault; the row is free again for the next dispatcher.
            await outbox.release(row.key, this.owner);
            return;
          }
          const now = this.clock();
          const next = nextAttemptAfterFailure(row.attempts + 1, Date.parse(row.retryFrom), now, this.policy, this.random);
          const message = err instanceof Error ? err.message : String(err);
          await outbox.markFailure(row.key, this.owner, message, new Date(now), next === undefined ? undefined : new Date(next));
          if (next === undefined) {
            result.gaveUp++;
            this.log(`gave up ${row.key} after ${row.attempts + 1} attempts: ${message}`);
          } else {
            result.failed++;
            if (row.attempts === 0) this.log(`${row.key} failing, retrying on its own schedule: ${message}`);
          }
          return;
        }
        await outbox.markDelivered(row.key, channel.name, new Date(this.clock()));
        result.delivered++;
        if (row.attempts > 0) this.log(`${row.key} delivered after ${row.attempts + 1} attempts`);
      }),
    );
    return result;
  }

  /** Runs rounds until `stop()`: at once again after a full batch, otherwise after the poll interval or `wake()`. */
  start(): this {
    if (this.running) return this;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let full = false;
        try {
          full = (await this.runOnce()).claimed >= this.policy.batchSize;
        } catch (err) {
          // The outbox busy or unreachable for a moment (file locked, database down): try again at the next poll.
          this.log(`round failed: ${(err as Error).message}`);
        }
        if (!this.running) break;
        if (!full) await this.pause(this.policy.pollMs);
      }
    })();
    return this;
  }

  /** Looks for due rows now instead of at the next poll (e.g. just after a notification was recorded). */
  wake(): void {
    this.wakeUp?.();
  }

  /**
   * Stops polling and lets posts under way finish for up to `graceMs`; those still running then are aborted and
   * their rows released unattempted (retried by this or another dispatcher later, with the same idempotency key).
   */
  async stop(graceMs = 2_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wakeUp?.();
    const cut = setTimeout(() => this.aborter.abort(new Error('dispatcher stopping')), graceMs);
    try {
      await this.loop;
    } finally {
      clearTimeout(cut);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }
}
