// Hosts the transition-period statechart on Temporal: events arrive as Updates, the 3 years as a durable timer.
import { ApplicationFailure, defineQuery, defineUpdate, setHandler } from '@temporalio/workflow';
import { transitionPeriodMachine, type TransitionPeriodEvent } from '../machines/transition-period';
import { MachineHost } from './host/machine-host';
import { DurableTimers } from './host/durable-timers';

export interface TransitionPeriodView {
  state: string;
  status: string;
  startedAt?: string;
  endsAt?: string;
  endedAt?: string;
  pending: Array<{ id: string; dueAt: string }>;
}

export type TransitionPeriodEventInput = { type: TransitionPeriodEvent['type'] };

export const sendTransitionEvent = defineUpdate<TransitionPeriodView, [TransitionPeriodEventInput]>('sendTransitionEvent');
export const transitionPeriodState = defineQuery<TransitionPeriodView>('transitionPeriodState');

export async function transitionPeriodWorkflow(input: { caseId: string }): Promise<TransitionPeriodView> {
  const { host } = MachineHost.start(transitionPeriodMachine, input, Date.now());
  const timers = new DurableTimers(host, (now) => host.fireDue(now), async () => {});

  const view = (): TransitionPeriodView => {
    const s = host.snapshot;
    return {
      state: String(s.value),
      status: s.status,
      startedAt: s.context.startedAt,
      endsAt: s.context.endsAt,
      endedAt: s.context.endedAt,
      pending: host.pending().map((p) => ({ id: p.id, dueAt: new Date(p.dueAt).toISOString() })),
    };
  };
  const stamp = (e: TransitionPeriodEventInput): TransitionPeriodEvent => ({ type: e.type, at: new Date(Date.now()).toISOString() });

  setHandler(transitionPeriodState, view);
  setHandler(
    sendTransitionEvent,
    (e) => {
      timers.changedWith(host.send(stamp(e), Date.now()));
      return view();
    },
    {
      validator: (e) => {
        if (!e || (e.type !== 'TRANSITION_STARTED' && e.type !== 'TRANSITION_WAIVED')) {
          throw ApplicationFailure.nonRetryable(`未知事件：${String(e?.type)} (unknown event)`, 'InvalidEvent');
        }
        if (!host.accepts(stamp(e))) {
          throw ApplicationFailure.nonRetryable(
            `当前阶段「${String(host.snapshot.value)}」不接受事件 ${e.type} (event not accepted in this stage)`,
            'WrongStage',
          );
        }
      },
    },
  );

  await timers.run();
  return view();
}
