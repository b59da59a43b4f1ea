// The one place where a machine's delayed events become durable Temporal timers, and its effects get performed.
import { condition } from '@temporalio/workflow';
import type { Effect } from './machine-host';

/** What the loop needs from the host: its earliest due instant, a way to fire due events, whether it is done. */
export interface TimerSource {
  readonly done: boolean;
  nextDue(): { dueAt: number } | undefined;
}

/**
 * Sleeps until the host's earliest due instant or until a handler queues effects, performs queued
 * effects (activities) in order, and fires due events. Due instants are absolute, so a timer
 * re-created after an update, a worker restart or continue-as-new never starts again from zero.
 */
export class DurableTimers {
  private changed = false;
  private readonly queue: Effect[] = [];

  constructor(
    private readonly host: TimerSource,
    /** Fires every event due at `now`, returning their effects. */
    private readonly fire: (now: number) => Effect[],
    private readonly perform: (effects: Effect[]) => Promise<void>,
  ) {}

  /** Called by handlers after they changed the machine, with the effects to perform. */
  changedWith(effects: Effect[]): void {
    this.queue.push(...effects);
    this.changed = true;
  }

  get idle(): boolean {
    return this.queue.length === 0;
  }

  /** Performs every queued effect, including those queued while performing (until `stop()`, when given, says so). */
  async drain(stop: () => boolean = () => false): Promise<void> {
    while (this.queue.length > 0 && !stop()) await this.perform(this.queue.splice(0));
  }

  /** Runs until the machine is done and every effect performed, or until `stop()` returns true. */
  async run(stop: () => boolean = () => false, opts: { drainUntilStop?: boolean } = {}): Promise<void> {
    for (;;) {
      // With drainUntilStop, a steady stream of effects cannot keep the run from stopping (the caller drains the rest).
      await this.drain(opts.drainUntilStop ? stop : undefined);
      if (this.host.done || stop()) return;
      this.changed = false;
      const wake = () => this.changed || this.queue.length > 0 || stop();
      const next = this.host.nextDue();
      if (!next) {
        await condition(wake);
        continue;
      }
      const woke = await condition(wake, Math.max(1, next.dueAt - Date.now()));
      if (!woke) this.queue.push(...this.fire(Date.now()));
    }
  }
}
