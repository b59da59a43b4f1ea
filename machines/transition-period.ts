// The 3-year transition period (§二(一)) alone: the smallest statechart that proves the durable host.
import { assign, setup } from 'xstate';

/** §二(一): a transition period of 3 years (a number fixed by the notice, not a setting). */
export const TRANSITION_YEARS = 3;

export type TransitionPeriodEvent =
  | { type: 'TRANSITION_STARTED'; at: string }
  | { type: 'TRANSITION_WAIVED'; at: string };

export interface TransitionPeriodContext {
  caseId: string;
  startedAt?: string;
  endsAt?: string;
  endedAt?: string;
}

/** The instant `years` calendar years after `iso` (same month, day and time). */
export function addYears(iso: string, years: number): string {
  const d = new Date(iso);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString();
}

export const transitionPeriodMachine = setup({
  types: {
    context: {} as TransitionPeriodContext,
    events: {} as TransitionPeriodEvent,
    input: {} as { caseId: string },
  },
  delays: {
    // Measured from the start instant the machine recorded, so the host can schedule it absolutely.
    transitionPeriod: ({ context }) => Date.parse(context.endsAt!) - Date.parse(context.startedAt!),
  },
}).createMachine({
  id: 'transitionPeriod',
  context: ({ input }) => ({ caseId: input.caseId }),
  initial: 'awaitingStart',
  states: {
    awaitingStart: {
      on: {
        TRANSITION_STARTED: {
          target: 'inTransition',
          actions: assign({
            startedAt: ({ event }) => event.at,
            endsAt: ({ event }) => addYears(event.at, TRANSITION_YEARS),
          }),
        },
        TRANSITION_WAIVED: { target: 'ended', actions: assign({ endedAt: ({ event }) => event.at }) },
      },
    },
    inTransition: {
      after: {
        transitionPeriod: { target: 'ended', actions: assign({ endedAt: ({ context }) => context.endsAt }) },
      },
    },
    ended: { type: 'final' },
  },
});
