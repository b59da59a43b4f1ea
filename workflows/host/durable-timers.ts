// The one place where a machine's delayed events become durable Temporal timers, and its effects get performed.
import { CancellationScope, condition, sleep } from '@temporalio/workflow';
import type { Effect } from './machine-host';

/** What the loop needs from the host: its earliest due instant, a way to fire due events, whether it is done. */
export interface TimerSource {
  readonly done: boolean;
  nextDue(): { dueAt: number } | undefined;
}

export interface DurableTimerOptions {
  /**
   * Keep the pending Temporal timer while the earliest due instant stays the same, instead of cancelling it and
   * starting an identical one whenever a handler changed the machine (2 commands, 2 history events and a
   * cancellation scope per decision). It changes the commands a run issues: callers enable it behind a `patched()`
   * marker (workflows/handover.ts), and runs recorded without it replay with the old loop.
   */
  keepTimer?: boolean;
  /**
   * With keepTimer: a handler's change wakes the loop only when there is something for it to do — effects to
   * perform, the machine done, or the earliest due instant no longer the armed timer's — and the loop skips an
   * empty drain. Each wake costs the workflow a condition, an async drain and their promises (every promise in
   * workflow code has its stack captured by the SDK); most decisions need none of it. Behind a `patched()` marker,
   * as it can move commands within a workflow task.
   */
  quietWake?: boolean;
}

/** A Temporal timer started for one due instant; `fired` once it has fired. */
interface ArmedTimer {
  dueAt: number;
  fired: boolean;
  scope: CancellationScope;
}

/**
 * Sleeps until the host's earliest due instant or until a handler queues effects, performs queued
 * effects (activities) in order, and fires due events. Due instants are absolute, so a timer
 * re-created after an update, a worker restart or continue-as-new never starts again from zero.
 */
export class DurableTimers {
  private changed = false;
  private readonly queue: Effect[] = [];
  /** The due instant of the Temporal timer the keep-timer loop has armed (undefined: none). */
  private armedDueAt: number | undefined;

  constructor(
    private readonly host: TimerSource,
    /** Fires every event due at `now`, returning their effects. */
    private readonly fire: (now: number) => Effect[],
    private readonly perform: (effects: Effect[]) => Promise<void>,
    private readonly options: DurableTimerOptions = {},
  ) {}

  /** Called by handlers after they changed the machine, with the effects to perform. */
  changedWith(effects: Effect[]): void {
    this.queue.push(...effects);
    if (this.options.quietWake && effects.length === 0 && !this.host.done && this.host.nextDue()?.dueAt === this.armedDueAt) return;
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
    if (this.options.keepTimer) return this.runKeepingTimer(stop, opts);
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

  /** As `run`, with one timer per earliest due instant: started when that instant appears, cancelled only when it moves. */
  private async runKeepingTimer(stop: () => boolean, opts: { drainUntilStop?: boolean }): Promise<void> {
    let armed: ArmedTimer | undefined;
    try {
      for (;;) {
        if (!this.options.quietWake || this.queue.length > 0) await this.drain(opts.drainUntilStop ? stop : undefined);
        if (this.host.done || stop()) return;
        this.changed = false;
        const dueAt = this.host.nextDue()?.dueAt;
        if (armed && armed.dueAt !== dueAt) {
          armed.scope.cancel();
          armed = undefined;
        }
        if (dueAt !== undefined && !armed) armed = this.arm(dueAt);
        this.armedDueAt = armed?.dueAt;
        const timer = armed;
        await condition(() => this.changed || this.queue.length > 0 || stop() || timer?.fired === true);
        if (timer?.fired) {
          armed = undefined;
          this.armedDueAt = undefined;
          this.queue.push(...this.fire(Date.now()));
        }
      }
    } finally {
      armed?.scope.cancel();
      this.armedDueAt = undefined;
    }
  }

  private arm(dueAt: number): ArmedTimer {
    const scope = new CancellationScope({ cancellable: true });
    const armed: ArmedTimer = { dueAt, fired: false, scope };
    scope.run(() => sleep(Math.max(1, dueAt - Date.now()))).then(
      () => {
        armed.fired = true;
      },
      () => undefined, // cancelled: the due instant moved
    );
    return armed;
  }
}
