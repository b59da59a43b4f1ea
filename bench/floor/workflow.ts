// The floor of every benchmark comparison: a workflow whose `decide` Update does nothing. It is started with the
// engine's input and search attributes, answers the same Update (same name, same request) with a reply of the
// same kind, and otherwise waits. Whatever a decision costs on it is the cost of Temporal itself on this machine:
// the Update round trip through server and worker, the workflow task, the client. The engine's figures are
// reported as ratios to it (BENCHMARKS.md). It imports nothing but the SDK and the Update's definition.
import { condition, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { CaseRecordEntry } from '../../activities/case-record/store';
import { decideUpdate, type DecisionRequest } from '../../workflows/messages';

export interface FloorInput {
  caseId: string;
  /**
   * Only for bench/decision-costs.ts, which adds the engine's per-decision costs one at a time: `record` writes a
   * case record entry through the same local activity before replying (as the engine does), `rearmTimer` keeps a
   * durable timer that every decision cancels and starts again (as the engine's timer loop does). Unset: the floor.
   */
  costs?: { record?: boolean; rearmTimer?: boolean };
}

const { recordEntries } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export interface FloorReply {
  caseId: string;
  status: 'active';
  stage: 'survey';
  seq: number;
  duplicate: boolean;
}

export async function floorWorkflow(input: FloorInput): Promise<void> {
  let seq = 0;
  let changed = false;
  const reply = (n: number): FloorReply => ({ caseId: input.caseId, status: 'active', stage: 'survey', seq: n, duplicate: false });
  if (!input.costs) {
    setHandler(decideUpdate, ((_request: DecisionRequest): FloorReply => reply(++seq)) as never);
    await condition(() => false);
    return;
  }
  const costs = input.costs;
  setHandler(decideUpdate, (async (request: DecisionRequest): Promise<FloorReply> => {
    const n = ++seq;
    changed = true;
    if (costs.record) {
      const entry: CaseRecordEntry = { caseId: input.caseId, seq: n, kind: 'decision', type: request.type, at: new Date().toISOString(), runId: workflowInfo().runId, requestId: request.requestId, actor: request.actor, occurredOn: request.occurredOn, data: request.data } as CaseRecordEntry;
      await recordEntries([entry]);
    }
    return reply(n);
  }) as never);
  for (;;) {
    changed = false;
    if (costs.rearmTimer) await condition(() => changed, '30 days');
    else await condition(() => false);
  }
}
