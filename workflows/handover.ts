// One enterprise's handover as a long-lived workflow: a thin durable host for machines/handover.
// What it carries and answers is bounded (workflows/budget.ts); what happened is written, once per entry, to the
// permanent case record (activities/case-record) through the `recordEntries` activity.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  log,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { CaseRecordEntry } from '../activities/case-record/store';
import { activePaths, availableActions, deadlineForTimer, isOverdue, stageOf } from '../machines/case-view';
import { checkDecision } from '../machines/decide';
import type { HandoverInput, NotifyParams } from '../machines/handover';
import { definitionForThisRun } from './definitions';
import { calendarVersionForThisRun, installCalendarUpgrade } from './calendar-upgrade';
import { ROLES, type CaseParties, type Role } from '../machines/roles';
import type { SettingsInput } from '../machines/settings';
import {
  CARRIED_INPUT_BUDGET_BYTES,
  RECENT_REQUESTS_BUDGET_BYTES,
  RECENT_REQUESTS_MAX,
  RECORD_BACKLOG_MAX_BYTES,
  RECORD_BACKLOG_MAX_ENTRIES,
  RECORD_BATCH_MAX_ENTRIES,
  RECORD_IN_FLIGHT_MAX,
  RECORD_GATHER_MS,
  TIMELINE_TAIL_BUDGET_BYTES,
  TIMELINE_TAIL_MAX,
  UPDATE_REPLY_BUDGET_BYTES,
  jsonBytes,
  utf8Length,
} from './budget';
import { DurableTimers } from './host/durable-timers';
import { MachineHost, type Effect } from './host/machine-host';
import { caseSummaryOf } from './host/case-summary';
import { acceptedDecisionEvent } from './host/accepted-decision';
import {
  availableActionsQuery,
  caseStateQuery,
  decideUpdate,
  persistedStateQuery,
  timelineQuery,
  unrecordedEntriesQuery,
  type CarriedState,
  type CaseRefusal,
  type CaseState,
  type CaseSummary,
  type DecisionReply,
  type DecisionRequest,
  type RecentRequest,
  type TimelineEntry,
} from './messages';
import { decisionFingerprint, shortFingerprint } from './request-identity';
import { DISTRICT, ENTERPRISE_NAME, NEXT_DEADLINE, OVERDUE, STAGE } from './search-attributes';

export interface HandoverWorkflowInput {
  caseId: string;
  parties: CaseParties;
  enterpriseName: string;
  residentialArea?: string;
  /** A case with several residential areas: each one (machines/residential-areas.ts); absent for one area. */
  areas?: Array<{ name: string; people?: number }>;
  plannedCompletion?: string;
  people?: number;
  settings?: SettingsInput;
  /** Continue-as-new after this many history events even if the server does not suggest it yet. */
  historyLimit?: number;
  /** Set only by continue-as-new. */
  carried?: CarriedState;
}

// notify only writes the outbox (delivery retries on its own, activities/delivery/): a short retry, so a worker
// that died mid-call delays the case's timers by seconds, not minutes.
const { notify } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

// A regular activity, not a local one: it is scheduled only once the workflow task that assigned the entries' seqs
// is committed to history, so the store never holds an entry of a task that failed and was run again (a local
// activity would write before the commit, and the retried task could give the same seq to another entry).
// Retried without end (append is idempotent by (case, seq): a retry writes nothing twice); the case goes on (timers
// fire) while the store is down.
const { recordEntries } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
// Reply-first runs (REPLY_FIRST_PATCH) answer before the write is acknowledged, so a write lost with a worker or a
// server restart should be tried again soon: a batch (≤ RECORD_BATCH_MAX_ENTRIES rows) takes milliseconds.
const { recordEntries: recordEntriesSoon } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

const DEFAULT_HISTORY_LIMIT = 5_000;
/** Patch: runs from before the case record neither write it nor bound what they carry (ARCHITECTURE.md). */
export const CASE_RECORD_PATCH = 'case-record-1';
/**
 * Patch: a decision is answered in the workflow task that applied it, with its record entry's write scheduled in
 * that same task (durable in the history), instead of after the store acknowledged the write; the record writer
 * keeps several writes in flight. Runs without the marker wait for the acknowledgement, as they did.
 */
export const REPLY_FIRST_PATCH = 'reply-first-1';
/** Patch: the case's Temporal timer is kept while its earliest due instant stays the same (workflows/host/durable-timers.ts). */
export const TIMER_KEPT_PATCH = 'timer-kept-1';
/**
 * Patch (reply-first runs): the record writer gathers a burst of decisions into one write — it waits up to
 * RECORD_GATHER_MS after the first unsent entry (less when a batch is full or the run is ending) — instead of one
 * write, and one workflow task for its acknowledgement, per decision. The entries are durable in the history from
 * the decision's own task; readers of the record merge them until the store has them.
 */
export const RECORD_GATHERED_PATCH = 'record-gathered-1';
/**
 * Patch (record-gathered runs): a decision's search attributes (stage, overdue, next deadline) are upserted with its
 * record write, in the task that schedules the burst's write, instead of in the decision's own task. An upsert is
 * a visibility write on the server; one per decision cost the floor 1.7× its server CPU (BENCHMARKS.md). Lists and
 * 待办, which read visibility (eventually consistent anyway), see a decision at most RECORD_GATHER_MS later; the
 * case's own queries and replies are current at once.
 */
export const ATTRIBUTES_WITH_RECORD_PATCH = 'attributes-with-record-1';
/** Patch: a decision wakes the timer loop only when it has something to do (workflows/host/durable-timers.ts quietWake). */
export const TIMER_QUIET_WAKE_PATCH = 'timer-quiet-wake-1';

type NewEntry = Omit<CaseRecordEntry, 'caseId' | 'seq' | 'at' | 'runId'>;
type Identity = { kind: 'new'; fingerprint?: string } | { kind: 'duplicate' | 'conflict'; seq: number };

export async function handoverWorkflow(input: HandoverWorkflowInput): Promise<CaseState> {
  const { machine } = definitionForThisRun();
  // Runs that started before the case record keep behaving as they did (no recordEntries activity) until their
  // next continue-as-new; the new run records what they carried.
  const recording = patched(CASE_RECORD_PATCH);
  const replyFirst = recording && patched(REPLY_FIRST_PATCH);
  const keepTimer = patched(TIMER_KEPT_PATCH);
  const gathered = replyFirst && patched(RECORD_GATHERED_PATCH);
  const quietWake = keepTimer && patched(TIMER_QUIET_WAKE_PATCH);
  const attributesWithRecord = gathered && patched(ATTRIBUTES_WITH_RECORD_PATCH);
  const carried = input.carried;
  const machineInput: HandoverInput = {
    caseId: input.caseId,
    parties: input.parties,
    enterpriseName: input.enterpriseName,
    residentialArea: input.residentialArea,
    ...(input.areas ? { areas: input.areas } : {}),
    plannedCompletion: input.plannedCompletion,
    startedAt: new Date(Date.now()).toISOString(),
    settings: input.settings,
    calendarVersion: calendarVersionForThisRun(),
  };
  const startEffects: Effect[] = [];
  let host: MachineHost<typeof machine>;
  if (carried) {
    host = MachineHost.restore(machine, carried.host);
  } else {
    const started = MachineHost.start(machine, machineInput, Date.now());
    host = started.host;
    startEffects.push(...started.effects);
  }

  // ---- What the case remembers itself: bounded -------------------------------------------------------------
  let nextSeq = carried?.nextSeq ?? (carried?.timeline?.length ?? 0) + 1;
  let decisions = carried?.decisions ?? carried?.timeline?.filter((t) => t.kind === 'decision').length ?? 0;
  /** request id → record seq and short fingerprint ('' = applied before fingerprints: any repeat is a duplicate). */
  const recent = new Map<string, { seq: number; fp: string }>();
  let recentBytes = 0;
  const requestBytes = (id: string, fp: string) => utf8Length(id) + fp.length + 16;
  const tail: TimelineEntry[] = [];
  let tailBytes = 0;
  /** Applied but not yet acknowledged by the record store, oldest first. */
  const unrecorded: CaseRecordEntry[] = [];
  /** Reply-first runs: entries not yet handed to a `recordEntries` call, oldest first (all of them are in `unrecorded`). */
  const unsent: CaseRecordEntry[] = [];
  const entryBytes = new WeakMap<CaseRecordEntry, number>();
  let unrecordedBytes = 0;
  const queueForRecord = (e: CaseRecordEntry) => {
    const size = jsonBytes(e);
    entryBytes.set(e, size);
    unrecorded.push(e);
    if (replyFirst) unsent.push(e);
    unrecordedBytes += size;
  };
  /** Runs from before the case record carry their whole timeline, as they always did. */
  const legacyTimeline: TimelineEntry[] | undefined = recording ? undefined : [...(carried?.timeline ?? [])];

  const firstUnrecordedSeq = () => unrecorded[0]?.seq ?? Number.POSITIVE_INFINITY;
  const trimRecent = () => {
    if (!recording) return; // old runs kept every id; they still do until their next continue-as-new
    for (const [id, r] of recent) {
      if (recent.size <= RECENT_REQUESTS_MAX && recentBytes <= RECENT_REQUESTS_BUDGET_BYTES) break;
      // Never forget an id whose decision the store has not acknowledged: the client's fallback reads the store.
      if (r.seq >= firstUnrecordedSeq()) break;
      recent.delete(id);
      recentBytes -= requestBytes(id, r.fp);
    }
  };
  const remember = (id: string, seq: number, fp: string) => {
    const old = recent.get(id);
    if (old) {
      recent.delete(id);
      recentBytes -= requestBytes(id, old.fp);
    }
    recent.set(id, { seq, fp });
    recentBytes += requestBytes(id, fp);
    trimRecent();
  };
  const pushTail = (e: TimelineEntry) => {
    const size = jsonBytes(e);
    tail.push(e);
    tailBytes += size;
    while (tail.length > 1 && (tail.length > TIMELINE_TAIL_MAX || tailBytes > TIMELINE_TAIL_BUDGET_BYTES)) tailBytes -= jsonBytes(tail.shift());
  };
  const tailEntry = (e: TimelineEntry): TimelineEntry => {
    const { data: _data, ...rest } = e;
    return rest;
  };

  for (const e of carried?.tail ?? []) pushTail(e);
  for (const [id, seq, fp] of carried?.recentRequests ?? []) remember(id, seq, fp);
  for (const e of carried?.unrecorded ?? []) queueForRecord(e);
  if (carried?.timeline) {
    // Shape 1 (a run from before the case record): every entry goes to the record once, then only the bounded state is kept.
    for (const e of carried.timeline) {
      if (recording) {
        queueForRecord({ caseId: input.caseId, ...e } as CaseRecordEntry);
      }
      pushTail(tailEntry(e));
      if (e.kind === 'decision' && e.requestId) remember(e.requestId, e.seq, '');
    }
    const known = new Set(carried.timeline.map((e) => e.requestId));
    for (const id of carried.appliedRequests ?? []) if (!known.has(id)) remember(id, 0, '');
  }

  const addEntry = (e: NewEntry): number => {
    const seq = nextSeq++;
    const at = new Date(Date.now()).toISOString();
    const entry: CaseRecordEntry = { caseId: input.caseId, seq, at, ...e, after: e.after ?? activePaths(host.snapshot.value), ...(recording ? { runId: workflowInfo().runId } : {}) };
    const { caseId: _c, fingerprint: _f, runId: _r, ...rest } = entry;
    const timelineEntry = rest as TimelineEntry;
    pushTail(tailEntry(timelineEntry));
    if (recording) queueForRecord(entry);
    else legacyTimeline!.push(timelineEntry);
    return seq;
  };

  const summary = (): CaseSummary => caseSummaryOf(host, input.caseId, { decisions, recordSeq: nextSeq - 1 });

  const state = (): CaseState => ({
    ...summary(),
    context: host.snapshot.context,
    ...(input.people !== undefined ? { plannedPeople: input.people } : {}),
  });

  const reply = (seq: number, duplicate: boolean, requestId?: string): DecisionReply => {
    const r: DecisionReply = { ...summary(), seq, duplicate, ...(requestId ? { requestId } : {}) };
    const bytes = jsonBytes(r);
    if (bytes > UPDATE_REPLY_BUDGET_BYTES) log.error('decision reply over budget', { caseId: input.caseId, bytes, budget: UPDATE_REPLY_BUDGET_BYTES });
    return r;
  };

  let lastAttributes = '';
  /** A decision changed the case since its attributes were last brought up to date (attributes-with-record runs). */
  let attributesStale = false;
  const refreshSearchAttributes = () => {
    attributesStale = false;
    // Only what the attributes need: this runs after every decision, the full state is built on demand.
    const context = host.snapshot.context;
    const stage = stageOf(host.snapshot);
    const overdue = isOverdue(context);
    const nextDeadline = host.pending().map((p) => deadlineForTimer(context, p.id)).find((d) => d);
    const next = nextDeadline ? new Date(nextDeadline.at) : null;
    const key = JSON.stringify([stage, overdue, next?.toISOString()]);
    if (key === lastAttributes) return;
    lastAttributes = key;
    upsertSearchAttributes([
      { key: DISTRICT, value: input.parties.district },
      { key: ENTERPRISE_NAME, value: input.enterpriseName },
      { key: STAGE, value: stage },
      { key: OVERDUE, value: overdue },
      { key: NEXT_DEADLINE, value: next },
    ]);
  };

  const performEffects = async (effects: Effect[]) => {
    for (const effect of effects) {
      if (effect.type !== 'notify') {
        log.warn('unknown effect ignored', { type: effect.type });
        continue;
      }
      const p = effect.params as unknown as NotifyParams;
      await notify({
        caseId: input.caseId,
        reason: p.reason,
        dueKey: p.dueKey,
        recipients: p.to,
        clause: p.clause,
        message: p.message,
        enterpriseName: input.enterpriseName,
        district: input.parties.district,
      });
    }
    refreshSearchAttributes();
  };

  /** Records each notification the machine asked for when it asked (not when delivered), then queues the effects. */
  const noteEffects = (effects: Effect[]): Effect[] => {
    for (const effect of effects) {
      if (effect.type !== 'notify') continue;
      const p = effect.params as unknown as NotifyParams;
      addEntry({ kind: 'notification', type: p.reason, data: { to: p.to, dueKey: p.dueKey, clause: p.clause, message: p.message } });
    }
    return effects;
  };

  const fire = (now: number): Effect[] => {
    const effects: Effect[] = [];
    for (;;) {
      const before = activePaths(host.snapshot.value);
      const next = host.fireNext(now);
      if (!next) break;
      addEntry({
        kind: 'timer',
        type: next.fired.id.split('.')[2] ?? next.fired.id,
        data: { timer: next.fired.id, dueAt: new Date(next.fired.dueAt).toISOString() },
        before,
        after: activePaths(host.snapshot.value),
      });
      effects.push(...noteEffects(next.effects));
    }
    refreshSearchAttributes();
    return effects;
  };

  const timers = new DurableTimers(host, fire, performEffects, { keepTimer, quietWake });
  timers.changedWith(noteEffects(startEffects));
  installCalendarUpgrade({ host, addEntry, changed: (effects) => (timers.changedWith(noteEffects(effects)), refreshSearchAttributes()) });

  setHandler(caseStateQuery, () => state());
  setHandler(timelineQuery, () => [...tail]);
  setHandler(unrecordedEntriesQuery, (afterSeq = 0, limit = RECORD_BACKLOG_MAX_ENTRIES) =>
    unrecorded.filter((e) => e.seq > afterSeq).slice(0, Math.max(0, limit)),
  );
  setHandler(persistedStateQuery, () => host.persist());
  setHandler(availableActionsQuery, (role?: Role) => {
    const roles = role ? [role] : [...ROLES];
    return Object.fromEntries(roles.map((r) => [r, availableActions(host.snapshot, r)]));
  });

  // ---- Request identity ----------------------------------------------------------------------------------------
  /** Known id with the same decision → duplicate; with another decision → conflict; otherwise new. */
  const identify = (request: DecisionRequest): Identity => {
    const id = typeof request?.requestId === 'string' ? request.requestId : undefined;
    const fingerprint = request && typeof request === 'object' ? decisionFingerprint(request) : undefined;
    if (!id) return { kind: 'new', fingerprint };
    const known = recent.get(id);
    if (!known) return { kind: 'new', fingerprint };
    if (known.fp === '' || !recording || known.fp === shortFingerprint(fingerprint!)) return { kind: 'duplicate', seq: known.seq };
    return { kind: 'conflict', seq: known.seq };
  };

  let continuing = false;
  const backlogFull = () => recording && (unrecorded.length >= RECORD_BACKLOG_MAX_ENTRIES || unrecordedBytes >= RECORD_BACKLOG_MAX_BYTES);

  /** Refusals that come before the machine's own gate: a reused id, a closed case, a record store far behind. */
  const hostRefusal = (request: DecisionRequest, identity: Identity): CaseRefusal | undefined => {
    if (continuing) {
      // Under a steady stream of decisions the run would never be free of running handlers: new ones wait for the next run.
      return { code: 'caseContinuing', message: { zh: '案件正在转入新的运行，请重新提交', en: 'the case is moving to its next run; send again' } };
    }
    if (identity.kind === 'conflict') {
      return {
        code: 'requestIdConflict',
        seq: identity.seq,
        message: {
          zh: `请求编号 ${request.requestId} 已用于另一项决定（记录第 ${identity.seq} 条），本决定未办理；新决定请使用新的请求编号`,
          en: `request id ${request.requestId} was already used for a different decision (record entry ${identity.seq}); nothing was applied — use a new request id`,
        },
      };
    }
    if (host.done) return { code: 'caseClosed', message: { zh: '本案已结案，不再接受决定', en: 'the case is closed and takes no more decisions' } };
    if (backlogFull()) {
      return {
        code: 'recordBacklog',
        message: { zh: '案件记录库暂时无法写入，本决定未办理，请稍后重试', en: 'the case record store is behind; nothing was applied — try again later' },
      };
    }
    return undefined;
  };

  // The validator's verdict on the Update it accepted, for the handler that runs right after it in the same
  // activation (keyed by the Update's id: the SDK hands validator and handler separately decoded arguments).
  // The handler never refuses: on replay Temporal runs no validator (the acceptance is in the history) and the
  // gate may have become stricter since; a handler that checked again would refuse a decision the history says
  // was applied, and the run would diverge. So it applies what was accepted (workflows/host/accepted-decision.ts).
  let validated: { updateId?: string; from: unknown; identity: Identity; check?: Extract<ReturnType<typeof checkDecision>, { ok: true }> } | undefined;

  /**
   * Reply-first runs answer at once: the decision and its entry's write are in this workflow task's commands, so the
   * entry is durable in the history and the writer schedules it before the task completes (readers of the record
   * merge what the store has not acknowledged yet). Older runs answer once the store has the entry.
   */
  const whenRecorded = async (seq: number, r: DecisionReply): Promise<DecisionReply> => {
    if (recording) await condition(() => firstUnrecordedSeq() > seq);
    return r;
  };
  const answer = (seq: number, r: DecisionReply): DecisionReply | Promise<DecisionReply> => (replyFirst ? r : whenRecorded(seq, r));

  const decide = (request: DecisionRequest): DecisionReply | Promise<DecisionReply> => {
    const verdict = validated !== undefined && validated.updateId === currentUpdateInfo()?.id ? validated : undefined;
    validated = undefined;
    const identity = verdict?.identity ?? identify(request);
    // A known id was accepted as a duplicate (a conflict is refused by the validator and never reaches here).
    if (identity.kind !== 'new') return answer(identity.seq, reply(identity.seq, true, request.requestId));
    const now = Date.now();
    const before = activePaths(host.snapshot.value);
    // The validator's step when it was computed from this very snapshot; otherwise (replay) the event again.
    const fresh = verdict?.check && verdict.from === host.snapshot ? verdict.check : undefined;
    const e = fresh?.event ?? acceptedDecisionEvent(request, now);
    const effects = fresh ? host.applyStep(fresh.step, now) : host.send(e as never, now);
    decisions++;
    const seq = addEntry({
      kind: 'decision',
      type: e.type,
      actor: e.actor,
      occurredOn: e.occurredOn,
      requestId: request.requestId,
      ...(recording && identity.kind === 'new' && identity.fingerprint ? { fingerprint: identity.fingerprint } : {}),
      data: e.data,
      before,
      after: activePaths(host.snapshot.value),
    });
    if (request.requestId) remember(request.requestId, seq, identity.kind === 'new' && identity.fingerprint ? shortFingerprint(identity.fingerprint) : '');
    timers.changedWith(noteEffects(effects));
    if (attributesWithRecord) attributesStale = true;
    else refreshSearchAttributes();
    return answer(seq, reply(seq, false, request.requestId));
  };

  setHandler(
    decideUpdate,
    // Runs at once, in the validator's activation. Runs from before `reply-first-1` keep their async handler (the
    // same promise chain on replay), which waits for the record before answering.
    replyFirst ? decide : async (request) => decide(request),
    {
      // Runs before anything is written: a refused decision leaves no trace in the history.
      validator: (request) => {
        validated = undefined;
        const updateId = currentUpdateInfo()?.id;
        const identity = identify(request);
        if (continuing) throw refusalFailure(hostRefusal(request, identity)!);
        if (identity.kind === 'duplicate') {
          validated = { updateId, from: host.snapshot, identity };
          return;
        }
        const refusal = hostRefusal(request, identity);
        if (refusal) throw refusalFailure(refusal);
        const check = checkDecision(host.snapshot, input.parties, request, Date.now());
        if (!check.ok) throw refusalFailure(check.refusal);
        validated = { updateId, from: host.snapshot, identity, check };
      },
    },
  );

  // ---- The record writer: acknowledged batches leave the buffer -------------------------------------------------
  const recorder = async () => {
    for (;;) {
      await condition(() => unrecorded.length > 0);
      const batch = unrecorded.slice(0, RECORD_BATCH_MAX_ENTRIES);
      try {
        await recordEntries(batch);
      } catch (err) {
        // Only a non-retryable failure gets here; keep the entries and try again later.
        log.error('case record not written; retrying in a minute', { caseId: input.caseId, error: (err as Error).message });
        await sleep('1 minute');
        continue;
      }
      unrecorded.splice(0, batch.length);
      for (const e of batch) unrecordedBytes -= entryBytes.get(e) ?? 0;
      trimRecent();
    }
  };
  // Reply-first runs: each batch is scheduled as soon as it exists (up to RECORD_IN_FLIGHT_MAX writes at once), so a
  // decision's entry is scheduled in the task that applied it; acknowledgements may come back in any order.
  let inFlight = 0;
  const writeBatch = async (batch: CaseRecordEntry[]) => {
    for (;;) {
      try {
        await recordEntriesSoon(batch);
        break;
      } catch (err) {
        log.error('case record not written; retrying in a minute', { caseId: input.caseId, error: (err as Error).message });
        await sleep('1 minute');
      }
    }
    inFlight--;
    for (const e of batch) {
      const i = unrecorded.indexOf(e);
      if (i >= 0) unrecorded.splice(i, 1);
      unrecordedBytes -= entryBytes.get(e) ?? 0;
    }
    trimRecent();
  };
  // Gathered runs (RECORD_GATHERED_PATCH) wait for the rest of a burst first: one write per burst; the wait's timer
  // is started only when the batch is not full already. Their search attributes go with the write.
  const flushNow = () => unsent.length >= RECORD_BATCH_MAX_ENTRIES || continuing || host.done;
  const eagerRecorder = async () => {
    for (;;) {
      await condition(() => unsent.length > 0 && inFlight < RECORD_IN_FLIGHT_MAX);
      if (gathered && !flushNow()) await condition(flushNow, RECORD_GATHER_MS);
      if (attributesStale) refreshSearchAttributes();
      inFlight++;
      void writeBatch(unsent.splice(0, RECORD_BATCH_MAX_ENTRIES));
    }
  };
  if (replyFirst) void eagerRecorder();
  else if (recording) void recorder();
  const recorded = () => unrecorded.length === 0;

  refreshSearchAttributes();
  const limit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const shouldContinueAsNew = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= limit;
  // Runs from before the case record drained every effect before looking at the history's length, as they still do.
  await timers.run(shouldContinueAsNew, { drainUntilStop: recording });
  // From here on (continue-as-new only) new decisions are turned away until the next run takes them.
  continuing = recording && !host.done;

  if (!host.done) {
    // Let running update handlers finish, perform what they queued and write the record, then carry the bounded state.
    do {
      await condition(allHandlersFinished);
      await timers.drain();
      await condition(() => recorded() && allHandlersFinished());
    } while (!timers.idle || !recorded());
    const runs = (carried?.runs ?? 1) + 1;
    let next: CarriedState;
    if (recording) {
      trimRecent();
      next = {
        host: host.persist(),
        runs,
        nextSeq,
        decisions,
        recentRequests: [...recent].map(([id, r]): RecentRequest => [id, r.seq, r.fp]),
        tail: [...tail],
        unrecorded: [...unrecorded],
      };
      const bytes = jsonBytes({ ...input, carried: next });
      if (bytes > CARRIED_INPUT_BUDGET_BYTES) {
        log.error('carried input over budget', {
          caseId: input.caseId,
          bytes,
          budget: CARRIED_INPUT_BUDGET_BYTES,
          host: jsonBytes(next.host),
          recentRequests: jsonBytes(next.recentRequests),
          tail: jsonBytes(next.tail),
        });
      }
    } else {
      next = { host: host.persist(), timeline: legacyTimeline, appliedRequests: [...recent.keys()], runs };
    }
    await continueAsNew<typeof handoverWorkflow>({ ...input, carried: next });
  }
  await condition(allHandlersFinished);
  await timers.drain();
  if (recording) await condition(recorded);
  return state();
}

/** A refusal the caller sees: the message in both languages, the code as the failure type. */
function refusalFailure(refusal: CaseRefusal): ApplicationFailure {
  return ApplicationFailure.create({
    type: `Refused:${refusal.code}`,
    message: `${refusal.message.zh} (${refusal.message.en})`,
    details: [refusal],
    nonRetryable: true,
  });
}
