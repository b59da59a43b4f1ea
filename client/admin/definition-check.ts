// Before deploying a changed process definition: can every running case's snapshot be restored into it?
import type { Client } from '@temporalio/client';
import type { AnyStateMachine } from 'xstate';
import { handoverMachine } from '../../machines/handover';
import { MachineHost, type HostState } from '../../workflows/host/machine-host';
import { persistedStateQuery } from '../../workflows/messages';

export interface DefinitionCheckResult {
  checked: number;
  failures: Array<{ caseId: string; problem: string }>;
}

/** Why `state` does not fit `machine`, or undefined when it restores and every pending timer still has its state. */
export function snapshotProblem(machine: AnyStateMachine, state: HostState): string | undefined {
  const missing = missingState(machine.root, (state.snapshot as { value: unknown }).value, machine.id);
  if (missing) return `snapshot does not restore: state ${missing} no longer exists`;
  let host: MachineHost<AnyStateMachine>;
  try {
    host = MachineHost.restore(machine, state);
  } catch (err) {
    return `snapshot does not restore: ${(err as Error).message}`;
  }
  for (const timer of host.pending()) {
    // Delayed events are named xstate.after.<delay>.<state id>; the state must still wait for that delay.
    const match = /^xstate\.after\.([^.]+)\.(.+)$/.exec(timer.id);
    if (!match) continue;
    const [, delay, stateId] = match;
    let node;
    try {
      node = machine.getStateNodeById(stateId!);
    } catch {
      return `pending timer ${timer.id}: state ${stateId} no longer exists`;
    }
    if (!node.after.some((t) => t.eventType === timer.id)) return `pending timer ${timer.id}: state ${stateId} no longer waits for ${delay}`;
  }
  return undefined;
}

/** Queries every running case for its snapshot and restores it into `machine` (default: the current definition). */
export async function checkRunningCases(client: Client, machine: AnyStateMachine = handoverMachine, query = "WorkflowType = 'handoverWorkflow' AND ExecutionStatus = 'Running'"): Promise<DefinitionCheckResult> {
  const result: DefinitionCheckResult = { checked: 0, failures: [] };
  for await (const wf of client.workflow.list({ query })) {
    result.checked++;
    try {
      const state = await client.workflow.getHandle(wf.workflowId).query(persistedStateQuery);
      const problem = snapshotProblem(machine, state);
      if (problem) result.failures.push({ caseId: wf.workflowId, problem });
    } catch (err) {
      result.failures.push({ caseId: wf.workflowId, problem: `query failed: ${(err as Error).message}` });
    }
  }
  return result;
}

type NodeLike = { states: Record<string, NodeLike> };

/** The first state path of `value` that `node` lacks (XState restores such snapshots without complaint). */
function missingState(node: NodeLike, value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return node.states[value] ? undefined : `${path}.${value}`;
  for (const [key, child] of Object.entries((value ?? {}) as Record<string, unknown>)) {
    const next = node.states[key];
    if (!next) return `${path}.${key}`;
    const deeper = missingState(next, child, `${path}.${key}`);
    if (deeper) return deeper;
  }
  return undefined;
}
