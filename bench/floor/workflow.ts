// The floor of every benchmark comparison: a workflow whose `decide` Update does nothing. It is started with the
// engine's input and search attributes, answers the same Update (same name, same request) with a reply of the
// same kind, and otherwise waits. Whatever a decision costs on it is the cost of Temporal itself on this machine:
// the Update round trip through server and worker, the workflow task, the client. The engine's figures are
// reported as ratios to it (BENCHMARKS.md). It imports nothing but the SDK and the Update's definition.
import { condition, setHandler } from '@temporalio/workflow';
import { decideUpdate, type DecisionRequest } from '../../workflows/messages';

export interface FloorInput {
  caseId: string;
}

export interface FloorReply {
  caseId: string;
  status: 'active';
  stage: 'survey';
  seq: number;
  duplicate: boolean;
}

export async function floorWorkflow(input: FloorInput): Promise<void> {
  let seq = 0;
  setHandler(decideUpdate, ((_request: DecisionRequest): FloorReply => ({ caseId: input.caseId, status: 'active', stage: 'survey', seq: ++seq, duplicate: false })) as never);
  await condition(() => false);
}
