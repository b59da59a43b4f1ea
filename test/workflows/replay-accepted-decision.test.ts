// A history holds decisions the gate accepted when they were made. On replay Temporal runs no Update validator, and
// the gate may have become stricter since: the handler must apply what the history says was accepted, not refuse it.
// Built from a recorded fixture whose decisions are rewritten to ones today's gate refuses (a wrong organisation).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { checkDecision } from '../../machines/decide';
import { handoverMachine } from '../../machines/handover';
import { MachineHost } from '../../workflows/host/machine-host';
import { HISTORY_DIR } from '../helpers/histories';
import { workflowBundle } from '../helpers/worker';
import '../helpers/servers'; // quiet SDK runtime

const FIXTURE = 'handover-agreement-escalated-recorded';
const WRONG_ORG = '不存在的组织（测试）';

type JsonEvent = {
  workflowExecutionUpdateAcceptedEventAttributes?: { acceptedRequest: { input: { args: { payloads: Array<{ data: string }> } } } };
  workflowExecutionStartedEventAttributes?: { input: { payloads: Array<{ data: string }> } };
};

const decode = (data: string) => JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64');

/** The fixture with every accepted decision's actor organisation replaced; returns the history and the decisions. */
function tamperedHistory() {
  const json = JSON.parse(readFileSync(join(HISTORY_DIR, `${FIXTURE}.json`), 'utf8')) as { events: JsonEvent[] };
  const decisions: Array<Record<string, unknown>> = [];
  for (const e of json.events) {
    const payload = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest.input.args.payloads[0];
    if (!payload) continue;
    const request = decode(payload.data);
    request.actor = { ...request.actor, org: WRONG_ORG };
    payload.data = encode(request);
    decisions.push(request);
  }
  return { history: historyFromJSON(json), decisions, input: decode(json.events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!.data) };
}

describe('replay of decisions that today\'s gate would refuse', () => {
  const { history, decisions, input } = tamperedHistory();

  it('the rewritten history holds decisions the gate refuses (wrong organisation)', () => {
    expect(decisions.length).toBeGreaterThanOrEqual(4);
    const { host } = MachineHost.start(handoverMachine, { ...input, startedAt: new Date(0).toISOString() }, Date.parse(decisions[0]!.occurredOn as string));
    const check = checkDecision(host.snapshot, input.parties, decisions[0], Date.parse(`${decisions[0]!.occurredOn}T12:00:00+08:00`));
    expect(check.ok).toBe(false);
    expect(check.ok ? undefined : check.refusal.code).toBe('wrongOrganisation');
  });

  it('replays without non-determinism: the handler applies what was accepted', async () => {
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, FIXTURE)).resolves.toBeUndefined();
  });
});
