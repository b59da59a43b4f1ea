// The cancellation scopes a long-running workflow's waits (conditions, timers, activities) are linked to.
import { CancellationScope } from '@temporalio/workflow';

/** Waits one generation takes before a new one is started (its links are released once they have all settled). */
export const WAITS_PER_GENERATION = 32;

interface Generation {
  scope: CancellationScope;
  /** Waits started in this generation. */
  made: number;
  /** Of those, still pending. */
  pending: number;
}

/**
 * Cancellable scopes, in generations, for a workflow that waits many times in one run.
 *
 * The SDK links every wait made in a cancellable scope — a condition, a timer, an activity, a child scope — to the
 * scope's cancellation promise, and the link (a promise reaction holding the wait's closure) is dropped only when
 * that scope is cancelled. Waits made in the root scope, cancelled only with the workflow, stay linked for the
 * whole run: a cached case grew by ~3.6 KB per decision until continue-as-new (BENCHMARKS.md, memory per cached
 * case).
 *
 * Here each wait runs in a generation: a cancellable child of the scope the workflow started in, so cancelling the
 * workflow still reaches every pending wait, as before. A generation takes `size` waits; once it is full and all of
 * them have settled it is cancelled — which reaches nothing pending and issues no command — and the links it held
 * are released. One link per generation stays on the root.
 *
 * `run` adds microtask turns between a wait settling and its caller resuming, so it can reorder commands within a
 * workflow task: workflows use it behind a `patched()` marker (workflows/handover.ts).
 */
export class ScopeGenerations {
  private current: Generation | undefined;
  private readonly parent: CancellationScope;

  /** Made in workflow code, in the scope the generations' cancellation should follow (the root scope, normally). */
  constructor(private readonly size: number = WAITS_PER_GENERATION) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`generation size must be a positive integer (got ${size})`);
    this.parent = CancellationScope.current();
  }

  /** Runs `fn` — which starts one wait and returns it — with the current generation as its cancellation scope. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    let g = this.current;
    if (!g || g.made >= this.size) g = this.current = { scope: new CancellationScope({ cancellable: true, parent: this.parent }), made: 0, pending: 0 };
    g.made++;
    g.pending++;
    try {
      return await g.scope.run(fn);
    } finally {
      if (--g.pending === 0 && g.made >= this.size) g.scope.cancel();
    }
  }
}
