// A handover case environment on a real Temporal server: worker with real activities, a temp outbox, helpers to act.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { Outbox } from '../../activities/outbox';
import { SqliteCaseRecordStore } from '../../activities/case-record/sqlite';
import { startDelivery, type DeliveryPolicy } from '../../activities/delivery';
import { shanghaiDate } from '../../machines/calendar';
import type { EventType } from '../../machines/events';
import type { CaseParties, Role } from '../../machines/roles';
import { caseState, sendDecision, startCase } from '../../client/cases';
import type { CaseState, DecisionReply } from '../../workflows/messages';
import { PARTIES, PAYLOADS, orgFor } from './decisions';
import { createTestWorker } from './worker';
import { devServerAddress } from './servers';

export const OPENING = {
  creditCode: PARTIES.creditCode,
  enterpriseName: '重庆某机械厂',
  district: PARTIES.district,
  township: '杨家坪街道',
  parentGroup: PARTIES.parentGroup,
  residentialArea: '机械厂职工家属区',
  people: 3200,
  // The notice's 2017 target would flag every case started today; tests of the target set their own.
  settings: { cityTargetDate: '2099-12-31' },
};

export interface CaseHarness {
  client: Client;
  outbox: Outbox;
  /** The case record the worker writes (`<dataDir>/case-record.sqlite`). */
  record: SqliteCaseRecordStore;
  worker: Worker;
  taskQueue: string;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startHarness(opts: {
  client: Client;
  connection: NativeConnection;
  taskQueue: string;
  webhookUrl?: string;
  /** With a webhook: the delivery dispatcher's retry schedule (real time); it polls every 100 ms here. */
  delivery?: Partial<DeliveryPolicy>;
}): Promise<CaseHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'handover-case-'));
  const outbox = new Outbox(join(dataDir, 'outbox.sqlite'));
  const record = new SqliteCaseRecordStore(join(dataDir, 'case-record.sqlite'));
  const worker = await createTestWorker({ connection: opts.connection, taskQueue: opts.taskQueue, deps: { dataDir, outbox, record, webhookUrl: opts.webhookUrl, client: opts.client } });
  // As worker.ts: notify only records; with a webhook, a dispatcher beside the worker delivers.
  const delivery = startDelivery({ dataDir, outbox, webhookUrl: opts.webhookUrl, policy: { pollMs: 100, ...opts.delivery }, log: () => undefined });
  const running = worker.run();
  return {
    client: opts.client,
    outbox,
    record,
    worker,
    taskQueue: opts.taskQueue,
    dataDir,
    async stop() {
      worker.shutdown();
      await running;
      await delivery?.stop();
      outbox.close();
      await record.close();
    },
  };
}

/** How long a dev harness waits before closing its client connection (see stop()). */
const RETRY_SETTLE_MS = 1_500;

/**
 * A harness on the suite's dev server with its own connections; `stop()` closes them too. With `cliEnv`,
 * TEMPORAL_ADDRESS and HANDOVER_TASK_QUEUE point the in-process CLI at it until `stop()`.
 */
export async function startDevHarness(taskQueue: string, opts: { cliEnv?: boolean } = {}): Promise<CaseHarness> {
  const connection = await Connection.connect({ address: devServerAddress() });
  const native = await NativeConnection.connect({ address: devServerAddress() });
  const h = await startHarness({ client: new Client({ connection }), connection: native, taskQueue });
  const saved = { ...process.env };
  if (opts.cliEnv) {
    process.env.TEMPORAL_ADDRESS = devServerAddress();
    process.env.HANDOVER_TASK_QUEUE = taskQueue;
    process.env.HANDOVER_RECORD_FILE = h.record.file;
  }
  return {
    ...h,
    async stop() {
      if (opts.cliEnv) process.env = saved;
      await h.stop();
      await native.close();
      // A call the SDK is about to send again (its gRPC retry) would throw from its timer once the channel is shut,
      // failing whichever test file runs next in this jest worker: let such retries run out first.
      await new Promise((r) => setTimeout(r, RETRY_SETTLE_MS));
      await connection.close();
    },
  };
}

/** Today's date in Asia/Shanghai on the environment's clock (virtual on the time-skipping server). */
export async function today(env: TestWorkflowEnvironment): Promise<string> {
  return shanghaiDate(await env.currentTimeMs());
}

let requestCounter = 0;

/**
 * Sends decisions as the case's parties. Resolves with the Update's reply (seq, duplicate, where the case stands)
 * and, for the tests' convenience, the case's context read right after (the reply itself carries no context).
 */
export function act(client: Client, caseId: string, parties: CaseParties = PARTIES) {
  return async (
    type: EventType,
    role: Role,
    occurredOn: string,
    data: unknown = PAYLOADS[type],
    requestId = `req-${++requestCounter}-${type}`,
  ): Promise<DecisionReply & Pick<CaseState, 'context'>> => {
    const reply = await sendDecision(client, caseId, { type, actor: { role, org: orgFor(role, parties) }, occurredOn, data, requestId });
    const { context } = await caseState(client, caseId);
    return { ...reply, context };
  };
}

export { startCase };
