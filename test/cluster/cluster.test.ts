// The engine on a real Temporal cluster: PostgreSQL, the four services as separate processes, worker.ts run as
// several processes. One cluster for the whole file, on its own ports in a temporary directory, torn down at the end.
// Runs when the cluster tools are installed (scripts/ensure-cluster.sh); CI (.ci/run) installs them and sets
// HANDOVER_CLUSTER_TESTS=1, under which their absence fails the suite instead of skipping it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { Pool } from 'pg';
import {
  PG_BIN_DIR,
  ROOT,
  TEMPORAL_SERVER_BIN,
  TEMPORAL_SQL_TOOL_BIN,
  freeClusterPorts,
  servicePid,
  startCluster,
  startService,
  stopCluster,
  stopService,
  type ClusterInfo,
  type ClusterOptions,
} from '../../scripts/cluster/cluster';
import { openPostgresCaseRecordStore, type PostgresCaseRecordStore } from '../../activities/case-record/postgres';
import type { CaseRecordEntry } from '../../activities/case-record/store';
import { OUTBOX_TABLE } from '../../activities/outbox-postgres';
import { listNotifications, openOutbox } from '../../client/notifications';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';
import { caseState, sendDecision, startCase } from '../../client/cases';
import { DecisionRefusedError, RequestIdConflictError } from '../../client/errors';
import { shanghaiDate } from '../../machines/calendar';
import type { EventType } from '../../machines/events';
import type { Role } from '../../machines/roles';
import type { DecisionReply } from '../../workflows/messages';
import { OPENING } from '../helpers/handover-env';
import { PARTIES, PAYLOADS, freshCreditCode, orgFor } from '../helpers/decisions';
import { eventually } from '../helpers/eventually';
import { settledHistoryLength } from '../helpers/settled-history';
import { quietRuntime } from '../helpers/runtime';
import { stopProcess } from '../../scripts/servers/dev-server';
import type { TimerActivities } from './timer-workflow';

const EventType = temporal.api.enums.v1.EventType;

const toolsPresent = [TEMPORAL_SERVER_BIN, TEMPORAL_SQL_TOOL_BIN, join(PG_BIN_DIR, 'initdb')].every((f) => existsSync(f));
const required = process.env.CI === 'true' || process.env.HANDOVER_CLUSTER_TESTS === '1';

if (!toolsPresent && required) {
  test('the cluster tools are installed (CI runs scripts/ensure-cluster.sh)', () => {
    throw new Error(`missing one of ${TEMPORAL_SERVER_BIN}, ${TEMPORAL_SQL_TOOL_BIN}, ${PG_BIN_DIR}/initdb: run scripts/ensure-cluster.sh`);
  });
} else if (!toolsPresent) {
  // Locally without the tools: say so, visibly (jest reports the tests as skipped).
  console.warn('[cluster tests] skipped: cluster tools not installed (bash scripts/ensure-cluster.sh, or HANDOVER_CLUSTER_TESTS=1 npm test)');
}

const describeCluster = toolsPresent ? describe : describe.skip;

/** The road every case of these tests takes: six decisions to the start of implementation. */
const ROAD: Array<[EventType, Role]> = [
  ['SURVEY_SUBMITTED', 'districtCivilAffairs'],
  ['SURVEY_CONFIRMED', 'districtCivilAffairs'],
  ['WORK_PLAN_PROPOSED', 'township'],
  ['WORK_PLAN_ACCEPTED', 'enterprise'],
  ['AGREEMENT_SIGNED', 'enterprise'],
  ['AGREEMENT_SIGNED', 'districtGovernment'],
];

describeCluster('Temporal cluster on PostgreSQL (four service processes, several worker processes)', () => {
  const taskQueue = `handover-cluster-${process.pid}`;
  let dataDir: string;
  let options: ClusterOptions;
  let cluster: ClusterInfo;
  let connection: Connection;
  let client: Client;
  let record: PostgresCaseRecordStore;
  let pool: Pool;
  /** The group robot every worker process's delivery dispatcher posts to. */
  let robot: WebhookReceiver;
  const workers = new Map<string, ChildProcess>();
  const logs = new Map<string, string>();

  /** worker.ts as `npm start` runs it, attached to the cluster through the standard settings. */
  function startWorkerProcess(name: string): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'worker.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...cluster.env,
        HANDOVER_TASK_QUEUE: taskQueue,
        HANDOVER_DATA_DIR: mkdtempSync(join(dataDir, `worker-${name}-`)),
        HANDOVER_LOG_LEVEL: 'WARN',
        HANDOVER_WEBHOOK_URL: robot.url,
        HANDOVER_DELIVERY_POLL: '200ms',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    workers.set(name, child);
    logs.set(name, '');
    const append = (c: Buffer) => logs.set(name, (logs.get(name) + String(c)).slice(-20_000));
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    return new Promise((ok, fail) => {
      const check = () => logs.get(name)!.includes('worker polling') && ok(child);
      child.stdout!.on('data', check);
      child.once('exit', (code, signal) => fail(new Error(`worker ${name} exited (${code ?? signal}) during start:\n${logs.get(name)}`)));
    });
  }

  /** The SDK's default worker identity: `<pid>@<hostname>`. */
  const identityOf = (name: string) => `${workers.get(name)!.pid}@${hostname()}`;

  async function completedBy(workflowId: string): Promise<string[]> {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    return history.events!.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).map((e) => e.workflowTaskCompletedEventAttributes!.identity!);
  }

  const today = () => shanghaiDate(Date.now());

  function decide(caseId: string, creditCode: string, [type, role]: [EventType, Role], requestId: string): Promise<DecisionReply> {
    return sendDecision(
      client,
      caseId,
      { type, actor: { role, org: orgFor(role, { ...PARTIES, creditCode }) }, occurredOn: today(), data: PAYLOADS[type], requestId },
      { record },
    );
  }

  /** Sends until acknowledged, the same request id each time (what a client must do when a worker dies). */
  async function decideUntilAcknowledged(caseId: string, creditCode: string, step: [EventType, Role], requestId: string, deadline: number): Promise<DecisionReply> {
    for (;;) {
      try {
        return await decide(caseId, creditCode, step, requestId);
      } catch (err) {
        if (err instanceof DecisionRefusedError || err instanceof RequestIdConflictError || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  async function recordedDecisions(caseId: string): Promise<CaseRecordEntry[]> {
    const page = await record.page(caseId, { limit: 1000 });
    return page.entries.filter((e) => e.kind === 'decision');
  }

  beforeAll(async () => {
    quietRuntime();
    dataDir = mkdtempSync(join(tmpdir(), 'handover-cluster-'));
    const ports = await freeClusterPorts();
    options = { dataDir, ...ports, log: () => undefined };
    const started = Date.now();
    cluster = await startCluster(options);
    console.log(`[cluster tests] cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s on ${cluster.address}`);
    connection = await Connection.connect({ address: cluster.address });
    client = new Client({ connection, namespace: cluster.namespace });
    record = await openPostgresCaseRecordStore(cluster.recordDatabaseUrl);
    pool = new Pool({ connectionString: cluster.recordDatabaseUrl, max: 2 });
    robot = await startWebhookReceiver();
    // Three worker processes: one is stopped by the first test, one killed by the second.
    await Promise.all(['a', 'b', 'c'].map(startWorkerProcess));
  }, 300_000);

  afterAll(async () => {
    await Promise.all([...workers.values()].map((w) => stopProcess(w)));
    await record?.close();
    await pool?.end();
    await robot?.close();
    await connection?.close();
    if (dataDir) {
      await stopCluster(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('runs the namespace with the engine search attributes on PostgreSQL visibility', async () => {
    const described = await connection.workflowService.describeNamespace({ namespace: cluster.namespace });
    expect(described.namespaceInfo?.name).toBe('default');
    const attrs = await connection.operatorService.listSearchAttributes({ namespace: cluster.namespace });
    expect(Object.keys(attrs.customAttributes ?? {})).toEqual(expect.arrayContaining(['HandoverDistrict', 'HandoverStage', 'HandoverOverdue']));
    const system = await connection.workflowService.getSystemInfo({});
    expect(system.serverVersion).toBe('1.29.1');
    // Four separate service processes.
    const pids = (['frontend', 'history', 'matching', 'worker'] as const).map((s) => servicePid(dataDir, s));
    expect(new Set(pids).size).toBe(4);
    for (const pid of pids) expect(pid).toBeGreaterThan(0);
  });

  it('decides a case started through one worker process through another', async () => {
    const creditCode = freshCreditCode();
    const handle = await startCase(client, { ...OPENING, creditCode }, { taskQueue });
    const caseId = handle.workflowId;
    await decide(caseId, creditCode, ROAD[0]!, `${caseId}-1`);
    // The record write (scheduled with the reply) and the task it wakes belong to the first worker's part too.
    await settledHistoryLength(client.workflow.getHandle(caseId));
    const first = await completedBy(caseId);
    const firstWorker = [...workers.keys()].find((name) => first.includes(identityOf(name)));
    expect(firstWorker).toBeDefined();
    // Stop the worker that ran the case so far; the others have never seen it.
    await stopProcess(workers.get(firstWorker!)!);
    workers.delete(firstWorker!);

    await decide(caseId, creditCode, ROAD[1]!, `${caseId}-2`);
    const reply = await decide(caseId, creditCode, ROAD[2]!, `${caseId}-3`);
    expect(reply.decisions).toBe(3);
    expect(reply.stage).toBe('workPlan');

    const later = (await completedBy(caseId)).slice(first.length);
    const others = [...workers.keys()].map(identityOf);
    expect(later.length).toBeGreaterThan(0);
    for (const identity of later) expect(others).toContain(identity);
    // The other worker rebuilt the case from its history: the first decision's data is there.
    expect((await caseState(client, caseId)).context.survey?.totalPeople).toBe(3200);
    // The record is written just after each reply: wait for the last write.
    await eventually(async () => expect((await recordedDecisions(caseId)).map((e) => e.requestId)).toEqual([`${caseId}-1`, `${caseId}-2`, `${caseId}-3`]), 60_000);
  }, 120_000);

  it('records a case\'s notification once in the PostgreSQL outbox every worker shares, and the robot receives it once', async () => {
    expect(workers.size).toBe(2);
    const creditCode = freshCreditCode();
    const handle = await startCase(client, { ...OPENING, creditCode }, { taskQueue, registerForReports: false });
    const caseId = handle.workflowId;
    await decide(caseId, creditCode, ['MAJOR_PROBLEM_REPORTED', 'enterprise'], `${caseId}-problem`);
    // Recorded by whichever worker ran `notify`, posted by whichever worker's dispatcher claimed it.
    const api = openOutbox(undefined, { ...cluster.env, HANDOVER_DATA_DIR: dataDir });
    try {
      const [row] = await eventually(async () => {
        const items = (await listNotifications(api, { caseId })).items;
        expect(items.map((i) => [i.reason, i.delivery.state, i.delivery.channel])).toEqual([['majorProblemReported', 'delivered', 'webhook']]);
        return items;
      }, 20_000);
      expect(robot.accepted(row!.key)).toHaveLength(1);
      expect(robot.posts.filter((p) => p.key === row!.key)).toHaveLength(1);
    } finally {
      await api.close();
    }
    const rows = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${OUTBOX_TABLE} WHERE case_id = $1`, [caseId]);
    expect(rows.rows[0]!.n).toBe('1');
    // Every worker delivers from the shared database; none wrote a SQLite outbox of its own.
    for (const name of workers.keys()) expect(logs.get(name)).toMatch(/delivering notifications from postgres:\/\/handover:…@127\.0\.0\.1/);
    const workerDirs = readdirSync(dataDir).filter((d) => d.startsWith('worker-'));
    expect(workerDirs.length).toBeGreaterThanOrEqual(3);
    for (const d of workerDirs) expect(existsSync(join(dataDir, d, 'outbox.sqlite'))).toBe(false);
  }, 60_000);

  it('loses no acknowledged decision when one of two workers is killed (SIGKILL) under load', async () => {
    expect(workers.size).toBe(2);
    const CASES = 8;
    const cases = await Promise.all(
      Array.from({ length: CASES }, async () => {
        const creditCode = freshCreditCode();
        const handle = await startCase(client, { ...OPENING, creditCode }, { taskQueue, registerForReports: false });
        return { caseId: handle.workflowId, creditCode };
      }),
    );
    const acknowledged: Array<{ caseId: string; requestId: string; seq: number }> = [];
    const deadline = Date.now() + 100_000;
    let killed: string | undefined;
    const kill = async () => {
      // Kill the worker that completed the most workflow tasks so far (the one with cases in its cache).
      const counts = new Map<string, number>();
      for (const { caseId } of cases) for (const id of await completedBy(caseId)) counts.set(id, (counts.get(id) ?? 0) + 1);
      const [name] = [...workers.keys()].sort((x, y) => (counts.get(identityOf(y)) ?? 0) - (counts.get(identityOf(x)) ?? 0));
      killed = name!;
      const victim = workers.get(killed)!;
      victim.kill('SIGKILL');
      await new Promise((r) => victim.once('exit', r));
    };
    let killing: Promise<void> | undefined;
    await Promise.all(
      cases.map(async ({ caseId, creditCode }) => {
        for (let i = 0; i < ROAD.length; i++) {
          // Once the kill has begun, the next decisions wait for it: the rest of the road runs on the survivor.
          if (killing) await killing;
          const requestId = `${caseId}-load-${i + 1}`;
          const reply = await decideUntilAcknowledged(caseId, creditCode, ROAD[i]!, requestId, deadline);
          acknowledged.push({ caseId, requestId, seq: reply.seq });
          // A third of the way through, while every case is mid-road: kill one worker.
          if (acknowledged.length === Math.floor((CASES * ROAD.length) / 3)) killing = kill();
        }
      }),
    );
    await killing;
    expect(killed).toBeDefined();
    expect(acknowledged).toHaveLength(CASES * ROAD.length);

    // The killed worker had really been running cases, and the survivor finished them.
    const survivor = identityOf([...workers.keys()].find((n) => n !== killed)!);
    const killedIdentity = `${workers.get(killed!)!.pid}@${hostname()}`;
    const byCase = await Promise.all(cases.map(({ caseId }) => completedBy(caseId)));
    expect(byCase.some((ids) => ids.includes(killedIdentity) && ids.at(-1) === survivor)).toBe(true);

    for (const { caseId } of cases) {
      const state = await caseState(client, caseId);
      expect(state.decisions).toBe(ROAD.length);
      expect(state.stage).toBe('implementation');
      // Every acknowledged decision is in the case record once, under the seq its reply gave (the record is written
      // just after the reply: wait for the last writes).
      const mine = acknowledged.filter((a) => a.caseId === caseId);
      await eventually(async () => {
        const entries = await recordedDecisions(caseId);
        expect(entries.map((e) => e.requestId).sort()).toEqual(mine.map((a) => a.requestId).sort());
        for (const a of mine) expect(entries.find((e) => e.requestId === a.requestId)?.seq).toBe(a.seq);
      }, 60_000);
    }
    // And once in the database itself, whatever the retries.
    const rows = await pool.query<{ request_id: string; n: string }>(
      "SELECT request_id, count(*) AS n FROM case_record WHERE case_id = ANY($1) AND kind = 'decision' GROUP BY request_id",
      [cases.map((c) => c.caseId)],
    );
    expect(rows.rows).toHaveLength(CASES * ROAD.length);
    expect(rows.rows.every((r) => r.n === '1')).toBe(true);
  }, 150_000);

  it('fires a timer once when the history service is killed and restarted while it is pending', async () => {
    const nativeConnection = await NativeConnection.connect({ address: cluster.address });
    const fired: Array<{ workflowId: string; receivedAt: string; firedAt: string }> = [];
    const activities: TimerActivities = { timerFired: async (f) => void fired.push(f) };
    const timerQueue = `${taskQueue}-timer`;
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: cluster.namespace,
      taskQueue: timerQueue,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('./timer-workflow'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } }),
      activities,
    });
    const running = worker.run();
    try {
      const DELAY_MS = 15_000;
      const workflowId = `cluster-timer-${process.pid}-${Date.now()}`;
      const handle = await client.workflow.start('clusterTimerWorkflow', { workflowId, taskQueue: timerQueue, args: [{ delayMs: DELAY_MS }] });
      // Pending: the timer has been started.
      await eventually(async () => {
        const events = (await handle.fetchHistory()).events!;
        expect(events.some((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED)).toBe(true);
      }, 30_000);
      const startedAt = Date.now();

      await stopService(dataDir, 'history', 'SIGKILL');
      expect(servicePid(dataDir, 'history')).toBeUndefined();
      // Stay down past the due instant, so the timer is due while no history service runs.
      await new Promise((r) => setTimeout(r, Math.max(0, startedAt + DELAY_MS + 2_000 - Date.now())));
      expect(fired).toHaveLength(0);
      const restartedAt = Date.now();
      startService(options, 'history');

      const result = (await handle.result()) as { state: string; firings: number };
      expect(result).toEqual({ state: 'fired', firings: 1 });
      expect(fired).toHaveLength(1);
      expect(Date.parse(fired[0]!.firedAt)).toBeGreaterThanOrEqual(restartedAt - 1_000);
      const events = (await handle.fetchHistory()).events!;
      const count = (t: number) => events.filter((e) => e.eventType === t).length;
      expect(count(EventType.EVENT_TYPE_TIMER_STARTED)).toBe(1);
      expect(count(EventType.EVENT_TYPE_TIMER_FIRED)).toBe(1);
      expect(count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).toBe(1);
    } finally {
      worker.shutdown();
      await running;
      await nativeConnection.close();
    }
  }, 150_000);

  it('keeps the case record in PostgreSQL: idempotent by (case, seq), paged, found by request id', async () => {
    const caseId = `record-${process.pid}-${Date.now()}`;
    const entry = (seq: number): CaseRecordEntry => ({
      caseId,
      seq,
      kind: 'decision',
      type: 'SURVEY_SUBMITTED',
      at: `2026-01-0${seq}T01:02:03.004Z`,
      occurredOn: `2026-01-0${seq}`,
      actor: { role: 'districtCivilAffairs', org: '九龙坡区' },
      requestId: `r-${seq}`,
      fingerprint: `fp-${seq}`,
      data: { people: seq * 100, nested: { list: [1, 'two'] } },
      before: ['survey.collecting'],
      after: ['survey.review'],
      runId: 'run-1',
    });
    expect(await record.append([entry(1), entry(2), entry(3)])).toBe(3);
    // A retried batch (overlapping) adds only what is new.
    expect(await record.append([entry(3), entry(4), { ...entry(2), type: 'CHANGED' }])).toBe(1);
    const first = await record.page(caseId, { limit: 3 });
    expect(first.total).toBe(4);
    expect(first.entries).toEqual([entry(1), entry(2), entry(3)]);
    expect(first.nextAfter).toBe(3);
    const second = await record.page(caseId, { afterSeq: first.nextAfter, limit: 3 });
    expect(second).toEqual({ entries: [entry(4)], total: 4 });
    expect(await record.findByRequestId(caseId, 'r-2')).toEqual(entry(2));
    expect(await record.findByRequestId(caseId, 'nope')).toBeUndefined();
    // Two stores (two workers) writing the same entries at once: each row once.
    const other = await openPostgresCaseRecordStore(cluster.recordDatabaseUrl);
    try {
      const batch = [5, 6, 7, 8, 9].map(entry);
      const added = await Promise.all([record.append(batch), other.append(batch)]);
      expect(added[0]! + added[1]!).toBe(5);
    } finally {
      await other.close();
    }
    expect((await record.page(caseId)).total).toBe(9);
  });
});
