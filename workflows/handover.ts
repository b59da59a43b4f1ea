// One enterprise's handover as a long-lived workflow: a thin durable host for machines/handover.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { activePaths, availableActions, deadlineForTimer, isOverdue, responsibleParty, stageOf } from '../machines/case-view';
import { checkDecision } from '../machines/decide';
import type { HandoverInput, NotifyParams } from '../machines/handover';
import { definitionForThisRun } from './definitions';
import { ROLES, type CaseParties, type Role } from '../machines/roles';
import type { SettingsInput } from '../machines/settings';
import { DurableTimers } from './host/durable-timers';
import { MachineHost, type Effect } from './host/machine-host';
import {
  availableActionsQuery,
  caseStateQuery,
  decideUpdate,
  persistedStateQuery,
  timelineQuery,
  type CarriedState,
  type CaseState,
  type PendingTimer,
  type TimelineEntry,
} from './messages';
import { DISTRICT, ENTERPRISE_NAME, NEXT_DEADLINE, OVERDUE, STAGE } from './search-attributes';

export interface HandoverWorkflowInput {
  caseId: string;
  parties: CaseParties;
  enterpriseName: string;
  residentialArea?: string;
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

const DEFAULT_HISTORY_LIMIT = 5_000;

export async function handoverWorkflow(input: HandoverWorkflowInput): Promise<CaseState> {
  const { machine } = definitionForThisRun();
  const carried = input.carried;
  const machineInput: HandoverInput = {
    caseId: input.caseId,
    parties: input.parties,
    enterpriseName: input.enterpriseName,
    residentialArea: input.residentialArea,
    plannedCompletion: input.plannedCompletion,
    startedAt: new Date(Date.now()).toISOString(),
    settings: input.settings,
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
  const timeline: TimelineEntry[] = carried?.timeline ?? [];
  const applied = new Set<string>(carried?.appliedRequests ?? []);

  const record = (entry: Omit<TimelineEntry, 'seq' | 'at' | 'after'>) =>
    timeline.push({ seq: timeline.length + 1, at: new Date(Date.now()).toISOString(), after: activePaths(host.snapshot.value), ...entry });

  const pendingTimers = (): PendingTimer[] =>
    host.pending().map((p) => ({ id: p.id, dueAt: new Date(p.dueAt).toISOString(), deadline: deadlineForTimer(host.snapshot.context, p.id) }));

  const state = (duplicate?: boolean): CaseState => {
    const snapshot = host.snapshot;
    const timers = pendingTimers();
    return {
      caseId: input.caseId,
      definitionVersion: snapshot.context.definitionVersion,
      status: snapshot.status === 'done' ? 'done' : 'active',
      stage: stageOf(snapshot),
      activeStates: activePaths(snapshot.value),
      responsibility: responsibleParty(snapshot.context),
      overdue: isOverdue(snapshot.context),
      nextDeadline: timers.find((t) => t.deadline),
      pendingTimers: timers,
      context: snapshot.context,
      ...(input.people !== undefined ? { plannedPeople: input.people } : {}),
      decisions: timeline.filter((t) => t.kind === 'decision').length,
      ...(duplicate ? { duplicate } : {}),
    };
  };

  let lastAttributes = '';
  const refreshSearchAttributes = () => {
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
      record({ kind: 'notification', type: p.reason, data: { to: p.to, dueKey: p.dueKey } });
    }
    refreshSearchAttributes();
  };

  const fire = (now: number): Effect[] => {
    const due = host.pending().filter((p) => p.dueAt <= now);
    const effects = host.fireDue(now);
    for (const p of due) record({ kind: 'timer', type: p.id.split('.')[2] ?? p.id, data: { dueAt: new Date(p.dueAt).toISOString() } });
    refreshSearchAttributes();
    return effects;
  };

  const timers = new DurableTimers(host, fire, performEffects);
  timers.changedWith(startEffects);

  setHandler(caseStateQuery, () => state());
  setHandler(timelineQuery, () => timeline);
  setHandler(persistedStateQuery, () => host.persist());
  setHandler(availableActionsQuery, (role?: Role) => {
    const roles = role ? [role] : [...ROLES];
    return Object.fromEntries(roles.map((r) => [r, availableActions(host.snapshot, r)]));
  });

  // The validator's verdict, reused by the handler that runs right after it in the same activation.
  // On replay validators do not run, and the handler checks again: same snapshot, same clock, same result.
  let validated: { request: unknown; check: ReturnType<typeof checkDecision> } | undefined;

  setHandler(
    decideUpdate,
    (request) => {
      if (request.requestId && applied.has(request.requestId)) return state(true);
      const check = validated?.request === request ? validated.check : checkDecision(host.snapshot, input.parties, request, Date.now());
      validated = undefined;
      if (!check.ok) throw refusalFailure(check.refusal);
      const effects = host.send(check.event, Date.now());
      if (request.requestId) applied.add(request.requestId);
      record({ kind: 'decision', type: check.event.type, actor: check.event.actor, occurredOn: check.event.occurredOn, requestId: request.requestId, data: check.event.data });
      timers.changedWith(effects);
      refreshSearchAttributes();
      return state();
    },
    {
      // Runs before anything is written: a refused decision leaves no trace in the history.
      validator: (request) => {
        if (request?.requestId && applied.has(request.requestId)) return;
        const check = checkDecision(host.snapshot, input.parties, request, Date.now());
        if (!check.ok) throw refusalFailure(check.refusal);
        validated = { request, check };
      },
    },
  );

  refreshSearchAttributes();
  const limit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const shouldContinueAsNew = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= limit;
  await timers.run(shouldContinueAsNew);

  if (!host.done) {
    // Let running update handlers finish and perform what they queued, then carry everything into a fresh run.
    do {
      await condition(allHandlersFinished);
      await timers.drain();
    } while (!timers.idle);
    const next: CarriedState = { host: host.persist(), timeline, appliedRequests: [...applied], runs: (carried?.runs ?? 1) + 1 };
    await continueAsNew<typeof handoverWorkflow>({ ...input, carried: next });
  }
  await condition(allHandlersFinished);
  return state();
}

/** A refusal the caller sees: the message in both languages, the code as the failure type. */
function refusalFailure(refusal: { code: string; message: { zh: string; en: string }; issues?: unknown }): ApplicationFailure {
  return ApplicationFailure.create({
    type: `Refused:${refusal.code}`,
    message: `${refusal.message.zh} (${refusal.message.en})`,
    details: [refusal],
    nonRetryable: true,
  });
}
