// The baseline for the host-overhead benchmark: the same handover lifecycle written as a plain Temporal
// workflow, with no statechart. Same Update (`decide`, with a validator), same payload checks (zod registry),
// same working-day deadlines and durable timers, same `notify` activities, search attributes, timeline,
// request-id de-duplication and continue-as-new, but stages and transitions are a hand-written switch.
// It covers the happy path the benchmark drives (and its deadlines); it is not a second engine.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { addWorkingDays, deadlineOf, shanghaiDate } from '../../machines/calendar';
import { EVENT_REGISTRY, parseDecision, type DecisionEvent } from '../../machines/events';
import { organisationMismatch, type CaseParties } from '../../machines/roles';
import { resolveSettings, type SettingsInput } from '../../machines/settings';
import { decideUpdate } from '../../workflows/messages';
import { DISTRICT, ENTERPRISE_NAME, NEXT_DEADLINE, OVERDUE, STAGE } from '../../workflows/search-attributes';

export interface BaselineInput {
  caseId: string;
  parties: CaseParties;
  enterpriseName: string;
  residentialArea?: string;
  people?: number;
  settings?: SettingsInput;
  historyLimit?: number;
  carried?: BaselineCarried;
}

type Stage = 'survey' | 'workPlan' | 'agreement' | 'implementation' | 'completed';

interface Deadline {
  kind: string;
  due: string;
  at: string;
  from: string;
}

interface Timer {
  id: string;
  dueAt: number;
}

interface Facts {
  stage: Stage;
  /** Sub-states: survey.collecting, workPlan.negotiating, implementation.{facilities,community,funding}.x … */
  sub: Record<string, string>;
  deadlines: Record<string, Deadline>;
  timers: Timer[];
  data: Record<string, unknown>;
  signatures: Record<string, string>;
  missed: { agreement: boolean; cityTarget: boolean };
}

interface BaselineCarried {
  facts: Facts;
  timeline: Array<Record<string, unknown>>;
  applied: string[];
}

export interface BaselineState {
  caseId: string;
  status: 'active' | 'done';
  stage: Stage;
  activeStates: string[];
  overdue: boolean;
  pendingTimers: Array<{ id: string; dueAt: string; deadline?: Deadline }>;
  context: Facts;
  decisions: number;
  duplicate?: boolean;
}

const { notify } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export const baselineStateQuery = defineQuery<BaselineState>('caseState');

const DAY_MS = 86_400_000;

function plusYears(date: string, years: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString().slice(0, 10);
}

export async function baselineHandoverWorkflow(input: BaselineInput): Promise<BaselineState> {
  const settings = resolveSettings(input.settings);
  const facts: Facts = input.carried?.facts ?? {
    stage: 'survey',
    sub: { survey: 'collecting' },
    deadlines: {},
    timers: [],
    data: {},
    signatures: {},
    missed: { agreement: false, cityTarget: false },
  };
  const timeline = input.carried?.timeline ?? [];
  const applied = new Set(input.carried?.applied ?? []);
  const effects: Array<{ reason: string; dueKey: string; to: string[]; clause: string; zh: string; en: string }> = [];
  let changed = false;

  const setDeadline = (kind: string, due: string, from: string, timerId: string, offsetMs = 0) => {
    const d = { kind, due, at: deadlineOf(due), from };
    facts.deadlines[kind] = d;
    facts.timers = facts.timers.filter((t) => t.id !== timerId);
    facts.timers.push({ id: timerId, dueAt: Date.parse(d.at) - offsetMs });
  };
  const cancel = (...ids: string[]) => (facts.timers = facts.timers.filter((t) => !ids.includes(t.id)));

  if (!input.carried && settings.cityTargetDate) setDeadline('cityTarget', settings.cityTargetDate, shanghaiDate(Date.now()), 'cityTarget');

  const activeStates = () =>
    facts.stage === 'completed' ? ['completed'] : Object.entries(facts.sub).map(([k, v]) => (facts.stage === 'implementation' ? `implementation.${k}.${v}` : `${k}.${v}`));
  const overdue = () => !facts.signatures.done && (facts.missed.agreement || facts.missed.cityTarget);
  const state = (duplicate?: boolean): BaselineState => ({
    caseId: input.caseId,
    status: facts.stage === 'completed' ? 'done' : 'active',
    stage: facts.stage,
    activeStates: activeStates(),
    overdue: overdue(),
    pendingTimers: [...facts.timers]
      .sort((a, b) => a.dueAt - b.dueAt)
      .map((t) => ({ id: t.id, dueAt: new Date(t.dueAt).toISOString(), deadline: facts.deadlines[t.id] })),
    context: facts,
    decisions: timeline.filter((t) => t.kind === 'decision').length,
    ...(duplicate ? { duplicate } : {}),
  });
  const record = (entry: Record<string, unknown>) =>
    timeline.push({ seq: timeline.length + 1, at: new Date(Date.now()).toISOString(), after: activeStates(), ...entry });

  let lastAttributes = '';
  const refreshSearchAttributes = () => {
    const next = [...facts.timers].sort((a, b) => a.dueAt - b.dueAt).find((t) => facts.deadlines[t.id]);
    const nextAt = next ? new Date(facts.deadlines[next.id]!.at) : null;
    const key = JSON.stringify([facts.stage, overdue(), nextAt?.toISOString()]);
    if (key === lastAttributes) return;
    lastAttributes = key;
    upsertSearchAttributes([
      { key: DISTRICT, value: input.parties.district },
      { key: ENTERPRISE_NAME, value: input.enterpriseName },
      { key: STAGE, value: facts.stage },
      { key: OVERDUE, value: overdue() },
      { key: NEXT_DEADLINE, value: nextAt },
    ]);
  };

  /** Is this (validated) decision taken in the current stage? The hand-written replacement for `snapshot.can`. */
  const accepts = (e: DecisionEvent): boolean => {
    const s = facts.sub;
    switch (e.type) {
      case 'SURVEY_SUBMITTED':
        return facts.stage === 'survey';
      case 'SURVEY_CONFIRMED':
        return facts.stage === 'survey' && s.survey === 'surveyed';
      case 'WORK_PLAN_PROPOSED':
        return facts.stage === 'workPlan' && s.workPlan === 'negotiating';
      case 'WORK_PLAN_ACCEPTED': {
        const p = facts.data.proposal as { by: string } | undefined;
        return facts.stage === 'workPlan' && s.workPlan === 'negotiating' && !!p && p.by !== e.actor.role;
      }
      case 'AGREEMENT_SIGNED':
        return facts.stage === 'agreement' && facts.signatures[e.actor.role] === undefined;
      case 'FACILITIES_HANDED_OVER':
        return facts.stage === 'implementation' && s.facilities === 'awaitingHandover';
      case 'FACILITIES_INSPECTED':
        return facts.stage === 'implementation' && s.facilities === 'inspecting';
      case 'COMMUNITY_SETUP_DECIDED':
        return facts.stage === 'implementation' && s.community === 'choosingSetup';
      case 'COMMUNITY_ESTABLISHED':
        return facts.stage === 'implementation' && s.community === 'establishing';
      case 'RESIDENTS_COMMITTEE_ELECTED':
        return facts.stage === 'implementation' && s.community === 'electing';
      case 'TRANSITION_DECIDED':
        return facts.stage === 'implementation' && s.funding === 'awaitingTransitionDecision';
      case 'MAJOR_PROBLEM_REPORTED':
        return facts.stage !== 'completed';
      default:
        return false;
    }
  };

  const check = (request: unknown): DecisionEvent => {
    const parsed = parseDecision(request);
    if (!parsed.ok) throw refused('invalidPayload', parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
    const e = parsed.event;
    if (!(EVENT_REGISTRY[e.type].roles as readonly string[]).includes(e.actor.role)) throw refused('wrongRole', `${e.actor.role} may not send ${e.type}`);
    const mismatch = organisationMismatch(e.actor.role, e.actor.org, input.parties);
    if (mismatch) throw refused('wrongOrganisation', mismatch.en);
    if (e.occurredOn > shanghaiDate(Date.now())) throw refused('futureDate', `${e.occurredOn} is after today`);
    if (!accepts(e)) throw refused('wrongStage', `${e.type} is not accepted in ${facts.stage}`);
    return e;
  };

  const maybeComplete = () => {
    const s = facts.sub;
    if (facts.stage === 'implementation' && s.facilities === 'accepted' && s.community === 'established' && s.funding === 'settled') {
      facts.stage = 'completed';
      facts.sub = {};
      facts.timers = [];
    }
  };

  const apply = (e: DecisionEvent) => {
    const s = facts.sub;
    const on = e.occurredOn;
    switch (e.type) {
      case 'SURVEY_SUBMITTED':
        facts.data.survey = { ...(e.data as object), submittedOn: on };
        s.survey = 'surveyed';
        break;
      case 'SURVEY_CONFIRMED': {
        facts.stage = 'workPlan';
        facts.sub = { workPlan: 'negotiating' };
        const wd = addWorkingDays(on, settings.negotiationEscalationWorkingDays);
        setDeadline('negotiationEscalation', wd.due, on, 'negotiationEscalation');
        break;
      }
      case 'WORK_PLAN_PROPOSED':
        facts.data.proposal = { by: e.actor.role, on, ...(e.data as object) };
        break;
      case 'WORK_PLAN_ACCEPTED': {
        cancel('negotiationEscalation');
        facts.stage = 'agreement';
        facts.sub = { agreement: 'drafting' };
        facts.data.agreedOn = on;
        setDeadline('agreement', addWorkingDays(on, 10).due, on, 'agreement');
        setDeadline('agreementReminder', addWorkingDays(on, 10 - settings.agreementReminderLeadWorkingDays).due, on, 'agreementReminder');
        break;
      }
      case 'AGREEMENT_SIGNED':
        facts.signatures[e.actor.role] = on;
        facts.data.agreementSections ??= (e.data as { sections?: unknown }).sections;
        if (facts.signatures.enterprise && facts.signatures.districtGovernment) {
          cancel('agreement', 'agreementReminder', 'cityTarget');
          facts.signatures.done = on;
          facts.data.handedOverOn = on;
          facts.stage = 'implementation';
          facts.sub = { facilities: 'awaitingHandover', community: 'choosingSetup', funding: 'awaitingTransitionDecision' };
        }
        break;
      case 'FACILITIES_HANDED_OVER':
        facts.data.facilities = e.data;
        s.facilities = 'inspecting';
        break;
      case 'FACILITIES_INSPECTED':
        facts.data.inspection = { by: e.actor.role, on, ...(e.data as object) };
        s.facilities = (e.data as { passed: boolean }).passed ? 'accepted' : 'rectifying';
        break;
      case 'COMMUNITY_SETUP_DECIDED':
        facts.data.communityRoute = (e.data as { route: string }).route;
        s.community = (e.data as { route: string }).route === 'mergeIntoNeighbour' ? 'merging' : 'establishing';
        break;
      case 'COMMUNITY_ESTABLISHED':
        facts.data.communityName = (e.data as { communityName: string }).communityName;
        s.community = 'electing';
        break;
      case 'RESIDENTS_COMMITTEE_ELECTED':
        facts.data.committeeElectedOn = on;
        s.community = 'established';
        break;
      case 'TRANSITION_DECIDED': {
        const d = e.data as { establish: boolean; startsOn?: string };
        if (!d.establish) {
          s.funding = 'settled';
          break;
        }
        const startsOn = d.startsOn ?? on;
        const lastDay = new Date(Date.parse(`${plusYears(startsOn, 3)}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
        facts.data.transition = { startsOn, endsOn: plusYears(startsOn, 3), data: e.data };
        setDeadline('transitionEnd', lastDay, startsOn, 'transitionEnd');
        settings.transitionReminderLeadDays.forEach((lead, i) => setDeadline('transitionEnd', lastDay, startsOn, `transitionReminder${i}`, lead * DAY_MS));
        s.funding = 'inTransition';
        break;
      }
      case 'MAJOR_PROBLEM_REPORTED':
        effects.push({ reason: 'majorProblemReported', dueKey: `${on}#${timeline.length}`, to: ['districtGovernment', 'cityCivilAffairs'], clause: '§四', zh: '报告重大问题', en: 'major problem reported' });
        break;
    }
    maybeComplete();
  };

  /** A due timer: what the machine's `after` transitions do. */
  const fireTimer = (t: Timer) => {
    const end = facts.deadlines.transitionEnd;
    if (t.id.startsWith('transitionReminder') && end) {
      const lead = settings.transitionReminderLeadDays[Number(t.id.slice(-1))] ?? 0;
      effects.push({ reason: 'transitionEndingReminder', dueKey: `${end.due}-${lead}d`, to: ['township', 'enterprise', 'districtCivilAffairs'], clause: '§二(一)', zh: `3年过渡期将于 ${end.due} 结束`, en: `transition ends ${end.due}` });
    } else if (t.id === 'transitionEnd') {
      facts.sub.funding = 'settled';
      maybeComplete();
    } else if (t.id === 'negotiationEscalation') {
      facts.sub = { workPlan: 'cityCivilAffairsCoordination' };
      effects.push({ reason: 'negotiationEscalated', dueKey: facts.deadlines.negotiationEscalation!.due, to: ['cityCivilAffairs', 'parentGroup'], clause: '§三(二)', zh: '协商期满', en: 'negotiation escalated' });
    } else if (t.id === 'agreementReminder') {
      effects.push({ reason: 'agreementReminder', dueKey: facts.deadlines.agreement!.due, to: ['enterprise', 'districtGovernment'], clause: '§三(三)', zh: '协议提醒', en: 'agreement reminder' });
    } else if (t.id === 'agreement') {
      facts.missed.agreement = true;
      facts.sub = { agreement: 'overdue' };
      effects.push({ reason: 'agreementEscalated', dueKey: facts.deadlines.agreement!.due, to: [settings.agreementEscalationTo], clause: '§三(三)', zh: '协议逾期', en: 'agreement overdue' });
    } else if (t.id === 'cityTarget' && !facts.signatures.done) {
      facts.missed.cityTarget = true;
      effects.push({ reason: 'cityTargetMissed', dueKey: settings.cityTargetDate ?? '', to: ['districtCivilAffairs', 'cityCivilAffairs'], clause: '§一(二)', zh: '逾期', en: 'city target missed' });
    }
    record({ kind: 'timer', type: t.id, data: { dueAt: new Date(t.dueAt).toISOString() } });
  };

  setHandler(baselineStateQuery, () => state());
  setHandler(
    decideUpdate,
    (request) => {
      if (request.requestId && applied.has(request.requestId)) return state(true) as never;
      const e = check(request);
      apply(e);
      if (request.requestId) applied.add(request.requestId);
      record({ kind: 'decision', type: e.type, actor: e.actor, occurredOn: e.occurredOn, requestId: request.requestId, data: e.data });
      changed = true;
      refreshSearchAttributes();
      return state() as never;
    },
    {
      validator: (request) => {
        if (request?.requestId && applied.has(request.requestId)) return;
        check(request);
      },
    },
  );

  const perform = async () => {
    while (effects.length > 0) {
      const p = effects.shift()!;
      await notify({
        caseId: input.caseId,
        reason: p.reason as never,
        dueKey: p.dueKey,
        recipients: p.to as never,
        clause: p.clause,
        message: { zh: `${input.enterpriseName}：${p.zh}`, en: `${input.enterpriseName}: ${p.en}` },
        enterpriseName: input.enterpriseName,
        district: input.parties.district,
      });
      record({ kind: 'notification', type: p.reason, data: { to: p.to, dueKey: p.dueKey } });
    }
    refreshSearchAttributes();
  };

  refreshSearchAttributes();
  const limit = input.historyLimit ?? 5_000;
  const stop = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= limit;
  for (;;) {
    await perform();
    if (facts.stage === 'completed' || stop()) break;
    changed = false;
    const next = facts.timers.reduce<Timer | undefined>((a, t) => (!a || t.dueAt < a.dueAt ? t : a), undefined);
    const wake = () => changed || effects.length > 0 || stop();
    if (!next) {
      await condition(wake);
      continue;
    }
    const woke = await condition(wake, Math.max(1, next.dueAt - Date.now()));
    if (!woke) {
      const now = Date.now();
      for (const t of [...facts.timers].sort((a, b) => a.dueAt - b.dueAt)) {
        if (t.dueAt > now || (facts.stage as Stage) === 'completed') break;
        facts.timers = facts.timers.filter((x) => x.id !== t.id);
        fireTimer(t);
      }
      refreshSearchAttributes();
    }
  }
  if (facts.stage !== 'completed') {
    do {
      await condition(allHandlersFinished);
      await perform();
    } while (effects.length > 0);
    await continueAsNew<typeof baselineHandoverWorkflow>({ ...input, carried: { facts, timeline, applied: [...applied] } });
  }
  await condition(allHandlersFinished);
  return state();
}

function refused(code: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: `Refused:${code}`, message, nonRetryable: true });
}
