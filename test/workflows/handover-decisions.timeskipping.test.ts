// Decisions on the real time-skipping server: refusals leave no trace, duplicates apply once, webhook retries send once.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { timeSkippingEnv } from '../helpers/servers';
import { OPENING, act, startCase, startHarness, today, type CaseHarness } from '../helpers/handover-env';
import { PARTIES, PAYLOADS, SURVEY } from '../helpers/decisions';
import { eventually } from '../helpers/eventually';
import { caseState, caseTimeline, sendDecision } from '../../client/cases';
import { CaseAlreadyExistsError, CaseNotFoundError, DecisionRefusedError } from '../../client/errors';
import type { WorkflowHandle } from '@temporalio/client';
import { decideUpdate } from '../../workflows/messages';
import { temporal } from '@temporalio/proto';

let env: TestWorkflowEnvironment;
let h: CaseHarness;
let receiver: Server;
const received: Array<{ body: string; key: string | undefined }> = [];
let failNext = 0;

beforeAll(async () => {
  // A local group-robot webhook that can be told to fail, standing in for WeCom/DingTalk.
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ body, key: req.headers['idempotency-key'] as string | undefined });
      if (failNext > 0) {
        failNext--;
        res.writeHead(500).end('busy');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
      }
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/robot`;
  env = await timeSkippingEnv();
  h = await startHarness({ client: env.client, connection: env.nativeConnection, taskQueue: 'decisions', webhookUrl: url });
});

afterAll(async () => {
  await h?.stop();
  await env?.teardown();
  await new Promise((r) => receiver?.close(r));
});

let handle: WorkflowHandle;
let send: ReturnType<typeof act>;

beforeAll(async () => {
  handle = await startCase(env.client, OPENING, { taskQueue: h.taskQueue });
  send = act(env.client, handle.workflowId);
  await send('SURVEY_SUBMITTED', 'districtCivilAffairs', await today(env));
});

/** Sends a decision that must be refused, and proves the case's state and history are unchanged. */
async function refusedWithoutTrace(request: Parameters<typeof sendDecision>[2]): Promise<DecisionRefusedError> {
  const before = await caseState(env.client, handle.workflowId);
  const eventsBefore = (await handle.fetchHistory()).events!.length;
  const error = await sendDecision(env.client, handle.workflowId, request).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DecisionRefusedError);
  expect(await caseState(env.client, handle.workflowId)).toEqual(before);
  // The Java test server records the workflow task that ran the validator (a real server discards it, see the
  // dev-server test); nothing else may be added: no update accepted, no activity, no timer.
  const added = (await handle.fetchHistory()).events!.slice(eventsBefore).map((e) => temporal.api.enums.v1.EventType[e.eventType!]);
  expect(added.filter((t) => !/^EVENT_TYPE_WORKFLOW_TASK_(SCHEDULED|STARTED|COMPLETED)$/.test(t!))).toEqual([]);
  return error as DecisionRefusedError;
}

describe('time-skipping server: refused decisions change nothing', () => {
  it('refuses a wrong role, naming who may decide', async () => {
    const e = await refusedWithoutTrace({ type: 'SURVEY_CONFIRMED', actor: { role: 'enterprise', org: PARTIES.creditCode }, occurredOn: await today(env), data: {} });
    expect(e.refusal.code).toBe('wrongRole');
    expect(e.message).toContain('区县民政局');
  });

  it('refuses a wrong organisation', async () => {
    const e = await refusedWithoutTrace({ type: 'SURVEY_CONFIRMED', actor: { role: 'districtCivilAffairs', org: '渝中区' }, occurredOn: await today(env), data: {} });
    expect(e.refusal.code).toBe('wrongOrganisation');
    expect(e.message).toContain('九龙坡区');
  });

  it('refuses a decision the stage does not take', async () => {
    const e = await refusedWithoutTrace({ type: 'AGREEMENT_SIGNED', actor: { role: 'enterprise', org: PARTIES.creditCode }, occurredOn: await today(env), data: PAYLOADS.AGREEMENT_SIGNED });
    expect(e.refusal.code).toBe('wrongStage');
    expect(e.message).toContain('摸排');
  });

  it('refuses an invalid payload, naming the field', async () => {
    const e = await refusedWithoutTrace({
      type: 'SURVEY_SUBMITTED',
      actor: { role: 'districtCivilAffairs', org: PARTIES.district },
      occurredOn: await today(env),
      data: { ...SURVEY, totalPeople: -5 },
    });
    expect(e.refusal.code).toBe('invalidPayload');
    expect(e.refusal.issues?.[0]?.path).toBe('data.totalPeople');
  });

  it('reports an unknown case', async () => {
    await expect(caseState(env.client, 'handover-91500000000000000X')).rejects.toBeInstanceOf(CaseNotFoundError);
    await expect(
      sendDecision(env.client, 'handover-91500000000000000X', { type: 'SURVEY_CONFIRMED', actor: { role: 'districtCivilAffairs', org: PARTIES.district }, occurredOn: await today(env), data: {} }),
    ).rejects.toBeInstanceOf(CaseNotFoundError);
  });

  it('refuses to start a second case for the same enterprise', async () => {
    await expect(startCase(env.client, OPENING, { taskQueue: h.taskQueue })).rejects.toBeInstanceOf(CaseAlreadyExistsError);
  });
});

describe('time-skipping server: each decision and notification takes effect once', () => {
  it('applies a decision sent twice with the same request id once', async () => {
    const t = await today(env);
    const first = await send('MAJOR_PROBLEM_REPORTED', 'township', t, { summary: '居民集体来访' }, 'dup-1');
    expect(first.duplicate).toBe(false);
    // The workflow knows the request id and its decision: the repeat answers the original entry, marked duplicate…
    const second = await send('MAJOR_PROBLEM_REPORTED', 'township', t, { summary: '居民集体来访' }, 'dup-1');
    expect(second).toMatchObject({ duplicate: true, seq: first.seq, decisions: first.decisions });
    // …whatever update id Temporal is given (it also holds across continue-as-new).
    const third = await handle.executeUpdate(decideUpdate, {
      updateId: 'another-update-id',
      args: [{ type: 'MAJOR_PROBLEM_REPORTED', actor: { role: 'township', org: PARTIES.township! }, occurredOn: t, data: { summary: '居民集体来访' }, requestId: 'dup-1' }],
    });
    expect(third).toMatchObject({ duplicate: true, seq: first.seq, decisions: first.decisions });
    expect((await caseState(env.client, handle.workflowId)).decisions).toBe(first.decisions);
    const timeline = await caseTimeline(env.client, handle.workflowId);
    expect(timeline.filter((e) => e.requestId === 'dup-1')).toHaveLength(1);
  });

  it('delivers a notification once although the webhook failed the first attempt and delivery retried', async () => {
    failNext = 1;
    const before = received.length;
    const state = await send('MAJOR_PROBLEM_REPORTED', 'enterprise', await today(env), { summary: '设施安全隐患' });
    const problem = state.context.majorProblems.latest.at(-1)!;
    const key = `${handle.workflowId}|majorProblemReported|${problem.on}#${problem.id}`;
    const row = await eventually(() => {
      const r = h.outbox.get(key);
      expect(r?.deliveredAt).toBeDefined();
      return r!;
    });
    expect(row.attempts).toBe(2);
    const posts = received.slice(before).filter((r) => r.key === key);
    expect(posts).toHaveLength(2); // one refused with HTTP 500, one accepted
    expect(JSON.parse(posts[1]!.body)).toMatchObject({ msgtype: 'text', text: { content: expect.stringContaining('设施安全隐患') } });
    expect(h.outbox.list({ caseId: handle.workflowId, reason: 'majorProblemReported' }).filter((r) => r.key === key)).toHaveLength(1);
  });
});
