// The one place where a machine's delayed events become durable Temporal timers.
import { condition } from '@temporalio/workflow';
import type { AnyStateMachine } from 'xstate';
import type { Effect, MachineHost } from './machine-host';

/**
 * Sleeps until the host's earliest due instant or until `poke()` says something changed, then
 * delivers due events. Due instants are absolute, so a timer re-created after an update, a worker
 * restart or continue-as-new never starts again from zero.
 */
export class DurableTimers {
  private changed = false;

  constructor(
    private readonly host: MachineHost<AnyStateMachine>,
    private readonly perform: (effects: Effect[]) => Promise<void>,
  ) {}

  /** Called by handlers after they changed the machine, so the next sleep is recomputed. */
  poke(): void {
    this.changed = true;
  }

  /** Runs until the machine is done, or until `stop()` returns true (e.g. continue-as-new is due). */
  async run(stop: () => boolean = () => false): Promise<void> {
    while (!this.host.done && !stop()) {
      this.changed = false;
      const next = this.host.nextDue();
      const wake = () => this.changed || this.host.done || stop();
      if (!next) {
        await condition(wake);
        continue;
      }
      const woke = await condition(wake, Math.max(1, next.dueAt - Date.now()));
      if (!woke) await this.perform(this.host.fireDue(Date.now()));
    }
  }
}
