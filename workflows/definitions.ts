// Which process definition a workflow run follows: fixed per run, chosen with Temporal's patch markers.
import { patched } from '@temporalio/workflow';
import type { AnyStateMachine } from 'xstate';
import { handoverMachine } from '../machines/handover';
import { DEFINITION_VERSION } from '../machines/settings';
import { VERSION as V_168_2017_1, handoverMachine_168_2017_1 } from '../machines/versions/168-2017.1';
import { VERSION as V_168_2017_2, handoverMachine_168_2017_2 } from '../machines/versions/168-2017.2';

interface Definition {
  version: string;
  /** The patch id that introduced this definition; the first one has none. */
  patchId?: string;
  machine: AnyStateMachine;
}

/**
 * Oldest first. To change the process (ARCHITECTURE.md, "Changing the process definition"): keep the old
 * machine under machines/versions/, add the new one here with `patchId: 'definition-<version>'`.
 * A run replaying its history sees no marker and keeps the machine it started with; new runs, including
 * every continue-as-new, record the marker and take the newest.
 */
const DEFINITIONS: Definition[] = [
  // The first definition: automatic escalation after the settings, completion at the end of the transition period.
  { version: V_168_2017_1, machine: handoverMachine_168_2017_1 },
  // Issue 11: escalation only on request (timers remind and supervise), handed over before the transition, targets
  // from the plan. Running cases move here at their next continue-as-new (their snapshot restores unchanged).
  { version: V_168_2017_2, patchId: `definition-${V_168_2017_2}`, machine: handoverMachine_168_2017_2 },
  // Issue 11 point 1: a case is one enterprise in one district holding one or more residential areas, each with its
  // own community set-up (a one-area case behaves as in 168-2017.2). Running cases move here at their next
  // continue-as-new (their snapshot restores unchanged: one area).
  { version: DEFINITION_VERSION, patchId: `definition-${DEFINITION_VERSION}`, machine: handoverMachine },
];

/** Every definition still registered, oldest first (for `handover definition check` and tests). */
export const REGISTERED_DEFINITIONS: readonly Definition[] = DEFINITIONS;

/** Call once, at the start of the workflow function, so the marker sits at the same point in every run. */
export function definitionForThisRun(): Definition {
  for (let i = DEFINITIONS.length - 1; i > 0; i--) {
    const d = DEFINITIONS[i]!;
    if (d.patchId && patched(d.patchId)) return d;
  }
  return DEFINITIONS[0]!;
}
