// Test workflows for workflows/host/scope-generations.ts: waits made in generations of cancellation scopes.
import { condition, sleep } from '@temporalio/workflow';
import { ScopeGenerations } from '../../workflows/host/scope-generations';

/**
 * A day-long timer started in the first generation, then `shortWaits` one-second timers and conditions: the later
 * generations fill, settle and are retired while the long timer is still pending. It must fire, not be cancelled.
 */
export async function longTimerAcrossGenerations(shortWaits: number): Promise<{ long: 'fired' | 'cancelled'; shortWaits: number }> {
  const scopes = new ScopeGenerations(4);
  const long = scopes.run(() => sleep('1 day')).then(
    () => 'fired' as const,
    () => 'cancelled' as const,
  );
  let done = 0;
  for (let i = 0; i < shortWaits; i++) {
    await scopes.run(() => sleep(1_000));
    await scopes.run(() => condition(() => done === i));
    done++;
  }
  return { long: await long, shortWaits: done };
}

/** Several retired generations, then a timer that never fires on its own: cancelling the workflow must reach it. */
export async function cancelledAfterGenerations(shortWaits: number): Promise<string> {
  const scopes = new ScopeGenerations(4);
  for (let i = 0; i < shortWaits; i++) await scopes.run(() => sleep(1_000));
  await scopes.run(() => sleep('3650 days'));
  return 'the long timer fired';
}
