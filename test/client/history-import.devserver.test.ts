// Issue 11, Build 5 on the real dev server with a real worker: a past case imported from its history is judged on
// its own dates — the whole 2017 case recorded in 2026 sends nothing; a gap that passed a deadline gives that
// escalation dated at its due date, marked after the fact, in the case and in the outbox; a refused history starts
// nothing. Through the client function, the CLI and the HTTP API.
import type { FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import sample from '../../samples/history-2017.json';
import { startDevHarness, type CaseHarness } from '../helpers/handover-env';
import { eventually } from '../helpers/eventually';
import { importHistory } from '../../client/import/import-history';
import { HistoryError } from '../../client/import/history-file';
import { caseState, caseTimeline } from '../../client/cases';
import { CaseNotFoundError } from '../../client/errors';
import { runCli } from '../../client/cli/main';
import { buildApi } from '../../client/api/server';
import { UsersStore } from '../../client/admin/users';
import { AuditLog } from '../../client/api/audit';
import { creditCodeCheckChar } from '../../machines/credit-code';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const taskQueue = `history-import-${process.pid}`;
let h: CaseHarness;
let client: Client;
let app: FastifyInstance;
let token: string;
const dir = mkdtempSync(join(tmpdir(), 'history-import-'));

beforeAll(async () => {
  h = await startDevHarness(taskQueue, { cliEnv: true });
  client = h.client;
  const users = new UsersStore(join(dir, 'users.json'));
  app = await buildApi({ client, taskQueue, users, audit: new AuditLog(join(dir, 'audit.jsonl')), reportsDir: join(dir, 'reports'), record: h.record });
  token = users.add({ name: 'jlp', role: 'districtCivilAffairs', org: '九龙坡区' }).token;
});

afterAll(async () => {
  await app?.close();
  await h?.stop();
});

/** A run-unique credit code: cases never collide with other suites on the shared server. */
const RUN = String(Date.now()).slice(-6);
let serial = 0;
function freshCode(): string {
  const body = `91500${RUN}${String(++serial).padStart(6, '0')}`;
  return body + creditCodeCheckChar(body)!;
}

type History = { opening: Record<string, unknown>; decisions: Array<Record<string, unknown> & { actor: { role: string; org: string }; occurredOn: string }> };
/** The sample 2017 case under a fresh credit code (the enterprise's own decisions name it as their organisation). */
function history2017(): History {
  const code = freshCode();
  const h = JSON.parse(JSON.stringify(sample).split(sample.opening.creditCode).join(code)) as History;
  return h;
}

describe('importing a past case’s history (issue 11, Build 5)', () => {
  it('records the whole 2017 case in 2026: handed over on its own dates, never overdue, no notification', async () => {
    const history = history2017();
    const outcome = await importHistory(client, history, { taskQueue });
    const caseId = outcome.caseId!;
    expect(outcome.applied).toBe(history.decisions.length);
    const state = await caseState(client, caseId);
    expect(state.decisions).toBe(history.decisions.length);
    expect(state.stage).toBe('handedOver');
    expect(state.overdue).toBe(false);
    expect(state.context.agreement).toMatchObject({ signedOn: '2017-10-16', late: false });
    expect(state.context.handedOverOn).toBe('2017-11-10');
    expect(outcome.checked.projection).toMatchObject({ handedOver: true, overdue: false, responsibility: { party: 'township' } });
    // Nothing recorded as sent on the case, nothing in the outbox (the gap case below shows both do fill).
    const tail = await caseTimeline(client, caseId);
    expect(tail.filter((e) => e.kind === 'decision')).toHaveLength(history.decisions.length);
    expect(tail.filter((e) => e.kind === 'notification')).toEqual([]);
    expect(state.context.notices?.latest ?? []).toEqual([]);
    expect(await h.outbox.list({ caseId })).toEqual([]);
  });

  it('turns a gap that passed the agreement deadline into that escalation, dated at its due date, marked after the fact', async () => {
    const history = history2017();
    history.decisions[4]!.occurredOn = '2017-11-20'; // the plan was agreed 2017-09-28: the agreement was due in October
    history.decisions[5]!.occurredOn = '2017-11-21';
    for (const d of history.decisions.slice(6)) d.occurredOn = '2017-11-25';
    const outcome = await importHistory(client, history, { taskQueue });
    const caseId = outcome.caseId!;
    const state = await caseState(client, caseId);
    const due = state.context.deadlines.agreement!.due;
    expect(due < '2017-11-20').toBe(true);
    expect(state.context.notices!.latest).toEqual([expect.objectContaining({ reason: 'agreementEscalated', due, on: due, afterTheFact: true })]);
    expect(state.context.agreement).toMatchObject({ signedOn: '2017-11-21', late: true });
    const tail = await caseTimeline(client, caseId);
    expect(tail.filter((e) => e.kind === 'notification').map((e) => e.type)).toEqual(['agreementEscalated']);
    const rows = await eventually(async () => {
      const r = await h.outbox.list({ caseId });
      if (!r.length) throw new Error('no outbox row yet');
      return r;
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ reason: 'agreementEscalated', dueKey: due });
    expect(JSON.stringify(rows[0])).toContain('补记');
    // The API's view of the case: the one projection, the agreement deadline missed on the day it was signed.
    const res = await app.inject({ method: 'GET', url: `/api/cases/${caseId}`, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    const agreement = res.json().projection.deadlines.find((d: { kind: string }) => d.kind === 'agreement');
    expect(agreement).toMatchObject({ status: 'missed', on: '2017-11-21', due });
  });

  it('a refused history changes nothing: no case, no decision, no notification — client, CLI and API', async () => {
    const history = history2017();
    history.decisions.splice(3, 1); // the plan was never accepted: the agreement cannot be signed
    const caseRef = `${history.opening.creditCode}`;
    await expect(importHistory(client, history, { taskQueue })).rejects.toThrow(HistoryError);
    const err = await importHistory(client, history, { taskQueue }).catch((e: HistoryError) => e);
    expect((err as HistoryError).problems).toEqual([expect.objectContaining({ index: 3, path: 'type' })]);

    const file = join(dir, 'refused.json');
    writeFileSync(file, JSON.stringify(history));
    const out: string[] = [];
    const errs: string[] = [];
    expect(await runCli(['import-history', file], { out: (l) => out.push(l), err: (l) => errs.push(l) })).not.toBe(0);
    expect(errs.join('\n')).toContain('第 4 项决定（decisions[3]） type');
    expect(errs.join('\n')).toContain('未建立案件');

    const res = await app.inject({ method: 'POST', url: '/api/cases/history', headers: { authorization: `Bearer ${token}` }, payload: history });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues).toEqual([expect.objectContaining({ path: 'decisions[3].type' })]);

    const list = await h.outbox.list({});
    expect(list.filter((r) => JSON.stringify(r).includes(caseRef))).toEqual([]);
    const found = await caseState(client, `handover-${caseRef}`).catch((e: unknown) => e);
    expect(found).toBeInstanceOf(CaseNotFoundError);
    const ids: string[] = [];
    for await (const wf of client.workflow.list({ query: `WorkflowId STARTS_WITH "handover-${caseRef}"` })) ids.push(wf.workflowId);
    expect(ids).toEqual([]);
  });

  it('imports through the CLI and the API, and refuses a case that exists (409), nothing changed', async () => {
    const history = history2017();
    const file = join(dir, 'case.json');
    writeFileSync(file, JSON.stringify(history));
    const out: string[] = [];
    expect(await runCli(['import-history', file], { out: (l) => out.push(l), err: (l) => out.push(l) })).toBe(0);
    expect(out[0]).toBe(`案件历史 ${file}：11 项决定全部校验通过，按日期办理`);
    expect(out).toContain('各期限均按其自身日期办结，无通知');

    const again = await app.inject({ method: 'POST', url: '/api/cases/history', headers: { authorization: `Bearer ${token}` }, payload: history });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('caseExists');

    const fresh = history2017();
    const dry = await app.inject({ method: 'POST', url: '/api/cases/history?dryRun=true', headers: { authorization: `Bearer ${token}` }, payload: fresh });
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, applied: 0, notices: [], projection: { stage: 'handedOver', overdue: false } });
    const made = await app.inject({ method: 'POST', url: '/api/cases/history', headers: { authorization: `Bearer ${token}` }, payload: fresh });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ applied: 11, case: { projection: { handedOver: true, handedOverOn: '2017-11-10' } } });

    const other = history2017();
    other.opening.district = '渝中区';
    for (const d of other.decisions) d.actor.org = d.actor.org.replace('九龙坡区', '渝中区');
    const forbidden = await app.inject({ method: 'POST', url: '/api/cases/history', headers: { authorization: `Bearer ${token}` }, payload: other });
    expect(forbidden.statusCode).toBe(403);
  });
});
