// Which process definition a workflow run follows: fixed per run, chosen with Temporal's patch markers.
import { patched } from '@temporalio/workflow';
import { handoverMachine } from '../machines/handover';
import { DEFINITION_VERSION } from '../machines/settings';

interface Definition {
  version: string;
  /** The patch id that introduced this definition; the first one has none. */
  patchId?: string;
  machine: typeof handoverMachine;
}

/**
 * Oldest first. To change the process (ARCHITECTURE.md, "Changing the process definition"): keep the old
 * machine under machines/versions/, add the new one here with `patchId: 'definition-<version>'`.
 * A run replaying its history sees no marker and keeps the machine it started with; new runs, including
 * every continue-as-new, record the marker and take the newest.
 */
const DEFINITIONS: Definition[] = [{ version: DEFINITION_VERSION, machine: handoverMachine }];

/** Call once, at the start of the workflow function, so the marker sits at the same point in every run. */
export function definitionForThisRun(): Definition {
  for (let i = DEFINITIONS.length - 1; i > 0; i--) {
    const d = DEFINITIONS[i]!;
    if (d.patchId && patched(d.patchId)) return d;
  }
  return DEFINITIONS[0]!;
}
