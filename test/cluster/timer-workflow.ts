// A workflow for the cluster's timer test: a one-state machine whose only delayed event fires after `delayMs`,
// hosted exactly as the engine hosts its cases (MachineHost + DurableTimers), so a real-time test needs no
// three-year wait. Its effect is performed by an activity the test counts.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import { setup } from 'xstate';
import { MachineHost } from '../../workflows/host/machine-host';
import { DurableTimers } from '../../workflows/host/durable-timers';

export interface TimerActivities {
  timerFired(fired: { workflowId: string; receivedAt: string; firedAt: string }): Promise<void>;
}

const { timerFired } = proxyActivities<TimerActivities>({ startToCloseTimeout: '10 seconds' });

export const timerMachine = setup({
  types: {
    input: {} as { delayMs: number },
    context: {} as { delayMs: number; receivedAt?: string; firedAt?: string },
  },
  actions: {
    // Performed by the workflow (an effect), as the engine's `notify`.
    fired: (_: unknown, _params: { receivedAt?: string; firedAt?: string }) => {},
  },
  delays: { wait: ({ context }) => context.delayMs },
}).createMachine({
  id: 'clusterTimer',
  context: ({ input }) => ({ delayMs: input.delayMs }),
  initial: 'waiting',
  states: {
    waiting: {
      after: {
        wait: {
          target: 'fired',
          actions: {
            type: 'fired',
            params: ({ event }) => ({ receivedAt: (event as { receivedAt?: string }).receivedAt, firedAt: (event as { firedAt?: string }).firedAt }),
          },
        },
      },
    },
    fired: { type: 'final' },
  },
});

export async function clusterTimerWorkflow(input: { delayMs: number }): Promise<{ state: string; firings: number }> {
  const { host, effects } = MachineHost.start(timerMachine, input, Date.now());
  let firings = 0;
  const timers = new DurableTimers(
    host,
    (now) => host.fireDue(now),
    async (list) => {
      for (const e of list) {
        if (e.type !== 'fired') continue;
        firings++;
        await timerFired({ workflowId: workflowInfo().workflowId, receivedAt: String(e.params.receivedAt), firedAt: String(e.params.firedAt) });
      }
    },
  );
  timers.changedWith(effects);
  await timers.run();
  return { state: String(host.snapshot.value), firings };
}
