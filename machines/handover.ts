// The handover process of 渝民〔2017〕168号 for one enterprise in one district (one or more residential areas), as a pure XState v5 statechart.
import { and, assign, cancel, enqueueActions, raise, setup, stateIn } from 'xstate';
import { CALENDAR_VERSION, LEGACY_CALENDAR_VERSION, addWorkingDays, deadlineOf, shanghaiDate, type WorkingDayResult } from './calendar';
import type { DecisionEvent, DecisionOf } from './events';
import { agreementHash } from './agreement-text';
import { addYuan, transitionFunding, type TransitionFunding } from './funding';
import { boundContext, tally, type YearlyTally } from './bounded-context';
import { applyAreaStep, everyAreaEstablished, initialAreas, isAreaStep, lastEstablishedOn, type AreaCommunity } from './residential-areas';
import { emptyRecent, excerpt, pushRecent, type Recent } from './limits';
import type { CaseParties, Role } from './roles';
import { AGREEMENT_WORKING_DAYS, DEFAULT_SETTINGS, DEFINITION_VERSION, TRANSITION_YEARS, resolveSettings, type Settings, type SettingsInput } from './settings';

/** A dated fact about who did what, kept in the case. */
interface Dated {
  by: Role;
  on: string;
}

/**
 * `negotiationEscalation` and `coordinationEscalation` keep their 168-2017.1 names (running cases' timers carry
 * them) but since 168-2017.2 only supervise (督办): nothing escalates by itself. `cityTarget` is the case's target
 * (its plan date, moved by a filed adjustment, or the city's date where the city set one).
 */
export type DeadlineKind =
  | 'negotiationReminder'
  | 'negotiationEscalation'
  | 'coordinationEscalation'
  | 'urbanCoordinationSupervision'
  | 'agreementReminder'
  | 'agreement'
  | 'transitionEnd'
  | 'cityTarget';

/** An absolute due instant with the reasoning behind it. */
export interface Deadline {
  kind: DeadlineKind;
  /** The due date (Asia/Shanghai). */
  due: string;
  /** The instant it falls due: the end of the due day in Asia/Shanghai. */
  at: string;
  /** The date counting starts from. */
  from: string;
  /** Set for working-day deadlines: which days were skipped and why. */
  workingDays?: WorkingDayResult;
  clause: string;
  /** Where the date comes from, for people reading it (the case target: plan, adjustment or city). */
  basis?: { zh: string; en: string };
}

export type NotifyReason =
  | 'negotiationEscalated'
  | 'negotiationReminder'
  | 'negotiationSupervised'
  | 'coordinationSupervised'
  | 'urbanCoordinationSupervised'
  | 'disagreementEscalated'
  | 'majorDisagreementEscalated'
  | 'coordinationEscalated'
  | 'agreementReminder'
  | 'agreementEscalated'
  | 'transitionEndingReminder'
  | 'cityTargetMissed'
  | 'majorProblemReported'
  | 'adjustmentFiled';

/** The parameters of a `notify` effect; the host turns them into an outbox entry. */
export interface NotifyParams {
  reason: NotifyReason;
  to: Role[];
  /** The due date the notification is about; with case and reason it makes the idempotency key. */
  dueKey: string;
  clause: string;
  message: { zh: string; en: string };
}

export interface HandoverInput {
  caseId: string;
  parties: CaseParties;
  enterpriseName: string;
  residentialArea?: string;
  /** A case with several residential areas (家属区) in its district: each one, tracked on its own (§二(一)). */
  areas?: ReadonlyArray<{ name: string; people?: number }>;
  plannedCompletion?: string;
  /** The instant the case was opened (ISO). */
  startedAt: string;
  settings?: SettingsInput;
  /** The calendar version to count working days with (machines/calendar); default the newest bundled. */
  calendarVersion?: number;
}

/**
 * The case as the rules need it. Bounded: lists that grow with use keep their count and the latest few
 * entries (`Recent`), long texts an excerpt; every decision's full payload is in the case record store.
 * Snapshots of the earlier, unbounded shape are brought to this one when restored (`boundContext`).
 */
export interface HandoverContext {
  caseId: string;
  definitionVersion: string;
  /** The calendar version its working-day deadlines are counted with; absent in snapshots from before versions (LEGACY_CALENDAR_VERSION). Changed only by a calendar update (workflows/calendar-upgrade.ts). */
  calendarVersion?: number;
  settings: Settings;
  parties: CaseParties;
  enterpriseName: string;
  residentialArea?: string;
  plannedCompletion?: string;
  startedAt: string;
  survey?: DecisionOf<'SURVEY_SUBMITTED'>['data'] & { submittedOn: string };
  adjustment?: {
    signedBy: Role[];
    /** Excerpts. */
    reason?: string;
    proposedChanges?: string;
    opinions: Array<Dated & { approved: boolean; reason: string }>;
  };
  adjustmentHistory: Recent<{ outcome: 'rejected' | 'filed'; by: Role; on: string; reason: string }>;
  workPlan: {
    /** The proposal on the table: who made it, when, and in which form (the sections are in the case record). */
    proposal?: Dated & { form: 'sections' | 'foldedIntoOverallPlan'; reference?: string };
    /** Proposals made so far. */
    proposals: number;
    agreedOn?: string;
    escalations: Recent<{ level: 'cityCivilAffairs' | 'cityUrbanManagement'; on: string; auto: boolean; summary: string; by?: Role }>;
    parentGroupOpinions: Recent<Dated & { opinion: string }>;
    coordinationOutcomes: Recent<Dated & { outcome: string; summary: string }>;
  };
  agreement: {
    /** The date each party signed. */
    signatures: Partial<Record<'enterprise' | 'districtGovernment', string>>;
    /** The hash of the sections the first party signed (machines/agreement-text.ts); the text is in the case record. */
    textHash?: string;
    /** Each signature: its date and the hash of what was signed. */
    signedTexts?: Partial<Record<'enterprise' | 'districtGovernment', { on: string; hash: string }>>;
    /** The 移交时间 the agreement fixes, when given. */
    handoverDate?: string;
    signedOn?: string;
    late?: boolean;
    supplementary?: boolean;
  };
  /** §四(二): the date the enterprise handed over, from which the township carries responsibility. */
  handedOverOn?: string;
  facilities: {
    /** What was handed over, in figures (the list of items is in the case record). */
    handedOver?: { by: Role; on?: string; itemCount: number; areaM2: number; ownershipTransferredTo: string };
    /** Every inspection counted, the failed ones too, with their total cost (§二(二): district budget). */
    inspections: Recent<Dated & { passed: boolean; findings: string; failedItemCount: number; costCny: number }> & { failed: number; costCny: number };
    rectifications: Recent<Dated & { summary: string; costCny: number }> & { costCny: number };
    /** The date an inspection passed them. */
    acceptedOn?: string;
  };
  community: {
    route?: 'setUpDirectly' | 'setUpAndElect' | 'mergeIntoNeighbour';
    communityName?: string;
    committeeElectedOn?: string;
    mergedInto?: string;
    /** The date the community was set up (committee elected, or merged); with several areas, the last one's. */
    establishedOn?: string;
  };
  /**
   * §二(一): a case with several residential areas keeps each one's community set-up here (absent for a case with
   * one area, whose set-up is `community`); the community arrangements are done when every area's are.
   */
  areas?: AreaCommunity[];
  transition: {
    established?: boolean;
    startsOn?: string;
    endsOn?: string;
    funding?: TransitionFunding;
    /** The date the district decided whether there is a transition period. */
    decidedOn?: string;
  };
  deadlines: Partial<Record<DeadlineKind, Deadline>>;
  /** Deadlines that have passed without what they waited for. */
  missed: { agreement: boolean; cityTarget: boolean };
  /** Problem ids run from 1 to `count`; `open` lists those not yet filed. */
  majorProblems: Recent<Dated & { id: number; summary: string; filedOn?: string }> & { open: number[] };
  /** Task ids run from 1 to `count`; `awaitingVerification` lists those not yet verified. */
  newTasks: Recent<Dated & { id: number; description: string; people?: number; status: 'reported' | 'verified' | 'rejected'; decidedOn?: string }> & {
    awaitingVerification: number[];
    verified: number;
    rejected: number;
  };
  /** Dated facts counted per year, for the year-end summary (§四(三)). */
  yearly: YearlyTally;
  /** The instant the decision that may end implementation was applied (timers of `handedOver` count from it). */
  appliedAt?: string;
  /** 催办/督办 and other notices the case sent, as recorded on it (absent in 168-2017.1 snapshots). */
  notices?: Recent<SentNotice>;
}

/** A notice recorded on the case: what, to whom, the due date it is about and the date it is dated. */
export interface SentNotice {
  reason: NotifyReason;
  to: Role[];
  due: string;
  on: string;
  /** Set when the notice's due instant had already passed when it was sent (a late record of the case). */
  afterTheFact?: boolean;
}

/** Timer events carry no payload; the host stamps every event with the instant it was applied. */
type TimerStamp = { receivedAt?: string };
export type HandoverEvent = DecisionEvent;

const DAY_MS = 86_400_000;
/** How far ahead a timer waiting for a deadline the case does not have is put: 20 years. */
const NO_DEADLINE_MS = 20 * 366 * DAY_MS;

/** The instant an event was applied; for the initial state, the opening of the case. */
function nowOf(event: unknown, context: HandoverContext): number {
  const at = (event as TimerStamp | undefined)?.receivedAt;
  // Events the machine raises itself (a state's done event) carry no stamp: the last decision's instant.
  return Date.parse(at ?? context.appliedAt ?? context.startedAt);
}

/** The date a decision was taken, or for timer events the date (Asia/Shanghai) they fired. */
function dateOf(event: unknown, context: HandoverContext): string {
  const on = (event as { occurredOn?: string } | undefined)?.occurredOn;
  return on ?? shanghaiDate(nowOf(event, context));
}

function workingDayDeadline(kind: DeadlineKind, from: string, n: number, clause: string, calendarVersion: number | undefined): Deadline {
  const wd = addWorkingDays(from, n, calendarVersion ?? LEGACY_CALENDAR_VERSION);
  return { kind, due: wd.due, at: wd.deadline, from, workingDays: wd, clause };
}

function untilDeadline(context: HandoverContext, kind: DeadlineKind, event: unknown): number {
  const d = context.deadlines[kind];
  // A missing deadline (a case without a target date, or a state entered without one): a far, still valid instant,
  // whose guards then find nothing to do. (Number.MAX_SAFE_INTEGER is no date a timer or a query can show.)
  if (!d) return NO_DEADLINE_MS;
  const until = Date.parse(d.at) - nowOf(event, context);
  // A deadline already past when a decision (or the opening) set its timer: the case is being recorded after the
  // fact. Wait the grace period for the record's next decision, which may show the window was met (then nothing is
  // sent); a gap left in the record fires then, dated at the due instant and marked as recorded after the fact.
  if (until < 0 && !(event as { firedAt?: string } | undefined)?.firedAt) {
    return (context.settings.lateRecordGraceHours ?? DEFAULT_SETTINGS.lateRecordGraceHours) * 3_600_000;
  }
  return until;
}

function addCalendarYears(date: string, years: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString().slice(0, 10);
}

function minusDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
}

function actorOf(event: unknown): Role {
  return (event as DecisionEvent).actor.role;
}

/** §三(二): a major disagreement goes to cityUrbanManagement (市城管委 / 专项工作办公室). */
const notifyMajorDisagreement = {
  type: 'notify' as const,
  params: ({ context, event }: { context: HandoverContext; event: unknown }): NotifyParams => ({
    reason: 'majorDisagreementEscalated',
    to: ['cityUrbanManagement', 'cityCivilAffairs'],
    dueKey: `${dateOf(event, context)}#${context.workPlan.escalations.count}`,
    clause: '§三(二)',
    message: {
      zh: `${context.enterpriseName}：工作方案存在重大分歧，报请市城管委（专项工作办公室）协调`,
      en: `${context.enterpriseName}: major disagreement on the work plan escalated to the city urban management commission`,
    },
  }),
};

type Message = { zh: string; en: string };

/**
 * A timer that reminds (催办) or supervises (督办) without moving the case: the notice goes to `to` and is recorded
 * on the case (`notices`), dated at the deadline's due instant; `afterTheFact` when that instant had already passed
 * when the timer fired (a case recorded late).
 */
function supervise(spec: SupervisionSpec) {
  const { kind, reason, to, message, clause = '§三(二)' } = spec;
  return [
    assign(({ context, event }: { context: HandoverContext; event: unknown }) => {
      const due = context.deadlines[kind];
      if (!due) return {};
      const notice: SentNotice = { reason, to, due: due.due, on: due.due, ...(firedLate(event, due) ? { afterTheFact: true } : {}) };
      return { notices: pushRecent(context.notices ?? emptyRecent(), notice) };
    }),
    {
      type: 'notify' as const,
      params: ({ context }: { context: HandoverContext }): NotifyParams => {
        const due = context.deadlines[kind]!;
        return { reason, to, dueKey: due.due, clause, message: message(context, due) };
      },
    },
    // Typed against the machine's events where used (a standalone assign is typed for any event).
  ] as never[];
}

/**
 * A gap in a record made after the fact (issue 11, point 5): the decision now applied is dated after the deadline's
 * due date, so the deadline passed before it, although its timer (waiting the late-record grace) has not fired.
 */
function gapPassed(event: unknown, due: Deadline | undefined): due is Deadline {
  const on = (event as { occurredOn?: unknown } | undefined)?.occurredOn;
  return !!due && typeof on === 'string' && on > due.due;
}

function noticed(context: HandoverContext, reason: NotifyReason, due: Deadline): boolean {
  return (context.notices?.latest ?? []).some((n) => n.reason === reason && n.due === due.due);
}

type SupervisionSpec = { kind: DeadlineKind; reason: NotifyReason; to: Role[]; message: (context: HandoverContext, due: Deadline) => Message; clause?: string };

/**
 * On leaving a supervised state by a decision dated after one of its deadlines whose timer had not fired (a case
 * recorded after the fact, the next record arriving within the grace): what the timer would have done, dated at its
 * due instant and marked `afterTheFact` — never dropped with the state's cancelled timers.
 */
function catchUpSupervision(...specs: SupervisionSpec[]) {
  return enqueueActions(({ context, event, enqueue }: { context: HandoverContext; event: unknown; enqueue: any }) => {
    for (const s of specs) {
      const due = context.deadlines[s.kind];
      if (!gapPassed(event, due) || noticed(context, s.reason, due)) continue;
      const notice: SentNotice = { reason: s.reason, to: s.to, due: due.due, on: due.due, afterTheFact: true };
      enqueue.assign(({ context: c }: { context: HandoverContext }) => ({ notices: pushRecent(c.notices ?? emptyRecent(), notice) }));
      const params: NotifyParams = { reason: s.reason, to: s.to, dueKey: due.due, clause: s.clause ?? '§三(二)', message: afterTheFactMessage(s.message(context, due), due) };
      enqueue({ type: 'notify', params });
    }
  }) as never;
}

function afterTheFactMessage(m: Message, due: Deadline): Message {
  return { zh: `（补记：${due.due} 到期）${m.zh}`, en: `(recorded after the fact: due ${due.due}) ${m.en}` };
}

/** A timer fired more than a day after its deadline's due instant (a late record, not a worker's short delay). */
function firedLate(event: unknown, due: Deadline): boolean {
  const e = event as { receivedAt?: string; firedAt?: string } | undefined;
  const at = e?.firedAt ?? e?.receivedAt;
  return !!at && Date.parse(at) - Date.parse(due.at) > DAY_MS;
}

/**
 * §一(一)/(二), §三(一): the case's target. Its plan date (附件1 计划完成时间, or the date a filed adjustment set), or the
 * city's target date where the city set one, whichever is earlier. Undefined when neither is known.
 */
export function caseTarget(plannedCompletion: string | undefined, settings: Settings, from: string, adjusted = false): Deadline | undefined {
  const plan = plannedCompletion
    ? { due: plannedCompletion, basis: adjusted ? { zh: '经认定备案的计划调整确定的完成时间', en: 'completion date of the filed plan adjustment' } : { zh: '计划表（附件1）计划完成时间', en: 'planned completion in the plan table (附件1)' } }
    : undefined;
  const city = settings.cityTargetDate ? { due: settings.cityTargetDate, basis: { zh: '市定目标日期（设置）', en: "the city's target date (setting)" } } : undefined;
  const chosen = plan && city ? (city.due < plan.due ? city : plan) : (plan ?? city);
  if (!chosen) return undefined;
  return { kind: 'cityTarget', due: chosen.due, at: deadlineOf(chosen.due), from, clause: '§一(二)', basis: chosen.basis };
}

/** The id XState gives the root's `after: { cityTarget }` timer; re-raised under it when a filed adjustment moves the target. */
const TARGET_TIMER_ID = 'xstate.after.cityTarget.handover';

/** §二(一): the reminders before the transition period ends (setting: lead days). */
function notifyTransitionEnding(index: number) {
  return {
    type: 'notify' as const,
    params: ({ context }: { context: HandoverContext }): NotifyParams => {
      const lead = context.settings.transitionReminderLeadDays[index] ?? 0;
      const end = context.deadlines.transitionEnd!;
      return {
        reason: 'transitionEndingReminder',
        to: ['township', 'enterprise', 'districtCivilAffairs'],
        dueKey: `${end.due}-${lead}d`,
        clause: '§二(一)',
        message: {
          zh: `${context.enterpriseName}：3年过渡期将于 ${end.due} 结束（尚余约 ${lead} 天），请做好选派人员和经费的后续安排`,
          en: `${context.enterpriseName}: the 3-year transition period ends on ${end.due} (about ${lead} days left); arrange what follows for seconded staff and funding`,
        },
      };
    },
  };
}

/** §三(三): each party signs once; the second signature completes the agreement and moves on to `target`. */
function signAgreement(target: '#handover.implementation' | '#handover.completed') {
  return [
    { guard: 'firstSignature' as const, actions: 'recordSignature' as const },
    { guard: 'lastSignature' as const, target, actions: ['recordSignature' as const, 'completeAgreement' as const, catchUpTarget] },
  ];
}

// What each supervising timer sends (催办 / 督办 / overdue), also when a record after the fact catches it up.
const TARGET_MISSED: SupervisionSpec = {
  kind: 'cityTarget',
  reason: 'cityTargetMissed',
  to: ['districtCivilAffairs', 'cityCivilAffairs'],
  message: (c, due) => ({
    zh: `${c.enterpriseName}：未在目标日期 ${due.due}（${due.basis?.zh ?? '目标日期'}）前完成移交，已标记为逾期`,
    en: `${c.enterpriseName}: not handed over by the target date ${due.due} (${due.basis?.en ?? 'target'}); flagged overdue`,
  }),
  clause: '§一(二)',
};

const NEGOTIATION_REMINDER: SupervisionSpec = {
  kind: 'negotiationReminder',
  reason: 'negotiationReminder',
  to: ['township', 'enterprise'],
  message: (c, due) => ({
    zh: `${c.enterpriseName}：工作方案协商自 ${due.from} 起已满 ${c.settings.negotiationReminderWorkingDays ?? DEFAULT_SETTINGS.negotiationReminderWorkingDays} 个工作日尚未达成一致，请抓紧协商（催办）；如确难达成一致，可报请市民政局协调`,
    en: `${c.enterpriseName}: no work plan agreement ${c.settings.negotiationReminderWorkingDays ?? DEFAULT_SETTINGS.negotiationReminderWorkingDays} working days after ${due.from}; please press on (reminder); you may ask city civil affairs to coordinate`,
  }),
};

const NEGOTIATION_SUPERVISION: SupervisionSpec = {
  kind: 'negotiationEscalation',
  reason: 'negotiationSupervised',
  to: ['cityCivilAffairs', 'districtCivilAffairs'],
  message: (c, due) => ({
    zh: `${c.enterpriseName}：工作方案协商自 ${due.from} 起已满 ${c.settings.negotiationEscalationWorkingDays} 个工作日未达成一致，请督办（案件仍由双方协商，未报请协调）`,
    en: `${c.enterpriseName}: no work plan agreement ${c.settings.negotiationEscalationWorkingDays} working days after ${due.from}; please supervise (the parties still negotiate; no coordination was requested)`,
  }),
};

const COORDINATION_SUPERVISION: SupervisionSpec = {
  kind: 'coordinationEscalation',
  reason: 'coordinationSupervised',
  to: ['cityCivilAffairs', 'parentGroup'],
  message: (c, due) => ({
    zh: `${c.enterpriseName}：市民政局与企业上级集团公司协调自 ${due.from} 起已满 ${c.settings.coordinationEscalationWorkingDays} 个工作日尚无结论，请督办`,
    en: `${c.enterpriseName}: city civil affairs coordination open ${c.settings.coordinationEscalationWorkingDays} working days since ${due.from} without a conclusion; please supervise`,
  }),
};

const URBAN_COORDINATION_SUPERVISION: SupervisionSpec = {
  kind: 'urbanCoordinationSupervision',
  reason: 'urbanCoordinationSupervised',
  to: ['cityUrbanManagement', 'cityCivilAffairs'],
  message: (c, due) => ({
    zh: `${c.enterpriseName}：市城管委（专项工作办公室）协调重大分歧自 ${due.from} 起已满 ${c.settings.urbanCoordinationSupervisionWorkingDays ?? DEFAULT_SETTINGS.urbanCoordinationSupervisionWorkingDays} 个工作日尚无结论，请督办`,
    en: `${c.enterpriseName}: urban management coordination of the major disagreement open since ${due.from} without a conclusion; please supervise`,
  }),
};

/** §三(三): who hears of an agreement not signed within its 10 working days (setting: agreementEscalationTo). */
function agreementEscalationTo(context: HandoverContext): Role[] {
  return [context.settings.agreementEscalationTo, 'districtGovernment', 'enterprise'];
}

function agreementEscalation(context: HandoverContext, due: Deadline): NotifyParams {
  return {
    reason: 'agreementEscalated',
    to: agreementEscalationTo(context),
    dueKey: due.due,
    clause: '§三(三)',
    message: {
      zh: `${context.enterpriseName}：工作方案达成一致后10个工作日内（截至 ${due.due}）未签订移交协议，报请协调`,
      en: `${context.enterpriseName}: no agreement within 10 working days of the plan (due ${due.due}); escalated`,
    },
  };
}

/** Leaving `agreement.drafting` by a signature dated after the deadline its timer had not fired for yet: the escalation after the fact. */
const catchUpAgreement = enqueueActions(({ context, event, enqueue }: { context: HandoverContext; event: unknown; enqueue: any }) => {
  const due = context.deadlines.agreement;
  if (!gapPassed(event, due) || context.missed.agreement) return;
  const notice: SentNotice = { reason: 'agreementEscalated', to: agreementEscalationTo(context), due: due.due, on: due.due, afterTheFact: true };
  enqueue.assign(({ context: c }: { context: HandoverContext }) => ({ missed: { ...c.missed, agreement: true }, notices: pushRecent(c.notices ?? emptyRecent(), notice) }));
  const params = agreementEscalation(context, due);
  enqueue({ type: 'notify', params: { ...params, message: afterTheFactMessage(params.message, due) } });
}) as never;

/**
 * §一(二): handed over (or, on the "already handed over" path, the paperwork completed) after the target date while
 * the target timer still waited the late-record grace: the target was missed, dated at its due instant, after the fact.
 */
const catchUpTarget = enqueueActions(({ context, enqueue }: { context: HandoverContext; enqueue: any }) => {
  const due = context.deadlines.cityTarget;
  const met = context.agreement.supplementary ? context.agreement.signedOn : context.handedOverOn;
  if (!due || !met || met <= due.due || context.missed.cityTarget) return;
  const notice: SentNotice = { reason: TARGET_MISSED.reason, to: TARGET_MISSED.to, due: due.due, on: due.due, afterTheFact: true };
  enqueue.assign(({ context: c }: { context: HandoverContext }) => ({ missed: { ...c.missed, cityTarget: true }, notices: pushRecent(c.notices ?? emptyRecent(), notice) }));
  enqueue({ type: 'notify', params: { reason: TARGET_MISSED.reason, to: TARGET_MISSED.to, dueKey: due.due, clause: TARGET_MISSED.clause!, message: afterTheFactMessage(TARGET_MISSED.message(context, due), due) } satisfies NotifyParams });
}) as never;

export const handoverMachine = setup({
  types: {
    context: {} as HandoverContext,
    events: {} as HandoverEvent,
    input: {} as HandoverInput,
  },
  actions: {
    /** An effect for the host: write a notification to the outbox (and webhook). Pure here. */
    notify: (_: unknown, _params: NotifyParams) => {},
    recordSurvey: assign({
      survey: ({ event }) => {
        const e = event as DecisionOf<'SURVEY_SUBMITTED'>;
        return { ...e.data, submittedOn: e.occurredOn };
      },
    }),
    recordAdjustmentSignature: assign({
      adjustment: ({ context, event }) => {
        const e = event as DecisionOf<'ADJUSTMENT_APPLICATION_SIGNED'>;
        const current = context.adjustment ?? { signedBy: [], opinions: [] };
        return { ...current, signedBy: [...current.signedBy, e.actor.role], reason: excerpt(e.data.reason), proposedChanges: excerpt(e.data.proposedChanges) };
      },
    }),
    recordOpinion: assign({
      adjustment: ({ context, event }) => {
        const e = event as DecisionOf<'ADJUSTMENT_REVIEWED'>;
        const current = context.adjustment ?? { signedBy: [], opinions: [] };
        return { ...current, opinions: [...current.opinions, { by: e.actor.role, on: e.occurredOn, approved: e.data.approved, reason: excerpt(e.data.reason) }] };
      },
    }),
    // §三(一): any reviewer can reject with a reason; the case returns to the surveyed plan.
    rejectAdjustment: assign({
      adjustmentHistory: ({ context, event }) => {
        const e = event as DecisionOf<'ADJUSTMENT_REVIEWED'>;
        return pushRecent(context.adjustmentHistory, { outcome: 'rejected' as const, by: e.actor.role, on: e.occurredOn, reason: excerpt(e.data.reason) });
      },
      adjustment: () => undefined,
    }),
    // §三(二): negotiation starts (again) on this date; the settings say when the parties are reminded (催办) and
    // when cityCivilAffairs is told to supervise (督办). Nothing moves the case by itself.
    startNegotiation: assign({
      deadlines: ({ context, event }) => ({
        ...context.deadlines,
        negotiationReminder: workingDayDeadline(
          'negotiationReminder',
          dateOf(event, context),
          context.settings.negotiationReminderWorkingDays ?? DEFAULT_SETTINGS.negotiationReminderWorkingDays,
          '§三(二)',
          context.calendarVersion,
        ),
        negotiationEscalation: workingDayDeadline('negotiationEscalation', dateOf(event, context), context.settings.negotiationEscalationWorkingDays, '§三(二)', context.calendarVersion),
      }),
      workPlan: ({ context }) => ({ ...context.workPlan, proposal: undefined }),
    }),
    startCoordinationClock: assign({
      deadlines: ({ context, event }) => ({
        ...context.deadlines,
        coordinationEscalation: workingDayDeadline('coordinationEscalation', dateOf(event, context), context.settings.coordinationEscalationWorkingDays, '§三(二)', context.calendarVersion),
      }),
    }),
    startUrbanCoordinationClock: assign({
      deadlines: ({ context, event }) => ({
        ...context.deadlines,
        urbanCoordinationSupervision: workingDayDeadline(
          'urbanCoordinationSupervision',
          dateOf(event, context),
          context.settings.urbanCoordinationSupervisionWorkingDays ?? DEFAULT_SETTINGS.urbanCoordinationSupervisionWorkingDays,
          '§三(二)',
          context.calendarVersion,
        ),
      }),
    }),
    recordProposal: assign({
      workPlan: ({ context, event }) => {
        const e = event as DecisionOf<'WORK_PLAN_PROPOSED'>;
        const reference = e.data.foldedIntoOverallPlan ? excerpt(e.data.foldedIntoOverallPlan.reference) : undefined;
        const form = reference === undefined ? ('sections' as const) : ('foldedIntoOverallPlan' as const);
        return { ...context.workPlan, proposals: context.workPlan.proposals + 1, proposal: { by: e.actor.role, on: e.occurredOn, form, ...(reference === undefined ? {} : { reference }) } };
      },
    }),
    recordParentGroupOpinion: assign({
      workPlan: ({ context, event }) => {
        const e = event as DecisionOf<'PARENT_GROUP_OPINION_GIVEN'>;
        return { ...context.workPlan, parentGroupOpinions: pushRecent(context.workPlan.parentGroupOpinions, { by: e.actor.role, on: e.occurredOn, opinion: excerpt(e.data.opinion) }) };
      },
    }),
    // §一(二), §三(一): a filed adjustment moves the case's target to the date it set; the target timer follows.
    moveTarget: assign({
      deadlines: ({ context, event }) => {
        const target = caseTarget(context.plannedCompletion, context.settings, dateOf(event, context), true);
        const { cityTarget: _old, ...rest } = context.deadlines;
        return target ? { ...rest, cityTarget: target } : rest;
      },
    }),
    // §三(四), §四(二): handed over once the agreement is signed and people, facilities and community are done: the
    // date is the latest of those facts (a supplementary case keeps the date it declared).
    recordHandover: assign(({ context }) => {
      const dates = [
        context.agreement.signedOn,
        context.facilities.acceptedOn ?? context.facilities.inspections.latest.filter((i) => i.passed).map((i) => i.on).pop(),
        context.community.establishedOn ?? context.community.committeeElectedOn,
        context.transition.decidedOn,
      ].filter((d): d is string => !!d);
      const on = dates.sort()[dates.length - 1];
      return { handedOverOn: context.handedOverOn ?? on };
    }),
    escalate: assign(({ context, event }, params: { level: 'cityCivilAffairs' | 'cityUrbanManagement'; auto: boolean }) => {
      const e = event as Partial<DecisionOf<'DISAGREEMENT_ESCALATED'>>;
      const summary = excerpt(e.data?.summary ?? (params.auto ? '协商期满自动报请 (escalated automatically when the setting expired)' : ''));
      const on = dateOf(event, context);
      return {
        workPlan: { ...context.workPlan, escalations: pushRecent(context.workPlan.escalations, { level: params.level, on, auto: params.auto, summary, by: e.actor?.role }) },
        yearly: tally(context.yearly, on, params.level === 'cityCivilAffairs' ? 'escalatedToCityCivilAffairs' : 'escalatedToCityUrbanManagement'),
      };
    }),
    recordCoordination: assign(({ context, event }) => {
      const e = event as DecisionOf<'COORDINATION_CONCLUDED'>;
      const outcome = { by: e.actor.role, on: e.occurredOn, outcome: e.data.outcome, summary: excerpt(e.data.summary) };
      return {
        workPlan: { ...context.workPlan, coordinationOutcomes: pushRecent(context.workPlan.coordinationOutcomes, outcome) },
        yearly: tally(context.yearly, e.occurredOn, e.data.outcome === 'majorDisagreement' || e.data.outcome === 'referredOn' ? 'coordinationEscalated' : 'coordinationResolved'),
      };
    }),
    // §三(三): the 10 working days run from the date both sides agreed the plan, on the official calendar.
    agreePlan: assign({
      workPlan: ({ context, event }) => ({ ...context.workPlan, agreedOn: dateOf(event, context) }),
      deadlines: ({ context, event }) => {
        const agreedOn = dateOf(event, context);
        const lead = context.settings.agreementReminderLeadWorkingDays;
        return {
          ...context.deadlines,
          agreement: workingDayDeadline('agreement', agreedOn, AGREEMENT_WORKING_DAYS, '§三(三)', context.calendarVersion),
          agreementReminder: workingDayDeadline('agreementReminder', agreedOn, AGREEMENT_WORKING_DAYS - lead, '§三(三)', context.calendarVersion),
        };
      },
    }),
    recordSignature: assign({
      agreement: ({ context, event }) => {
        const e = event as DecisionOf<'AGREEMENT_SIGNED'>;
        const role = e.actor.role as 'enterprise' | 'districtGovernment';
        const hash = agreementHash(e.data.sections);
        // §三(三): the second party signs the first party's text (decide.ts refuses another one, naming data.sections).
        if (context.agreement.textHash && context.agreement.textHash !== hash) throw new Error('data.sections: 与另一方已签署的协议文本不一致 (not the text the other party signed)');
        return {
          ...context.agreement,
          signatures: { ...context.agreement.signatures, [role]: e.occurredOn },
          textHash: hash,
          signedTexts: { ...context.agreement.signedTexts, [role]: { on: e.occurredOn, hash } },
          ...(e.data.handoverDate ? { handoverDate: e.data.handoverDate } : {}),
        };
      },
    }),
    // §三(三): the agreement is signed once both parties signed. The handover itself (§四(二)'s switch of
    // responsibility) is recorded when people, facilities and community are done (recordHandover).
    completeAgreement: assign(({ context }) => {
      const dates = Object.values(context.agreement.signatures).sort();
      const signedOn = dates[dates.length - 1]!;
      const due = context.deadlines.agreement?.due;
      return {
        agreement: { ...context.agreement, signedOn, late: due ? signedOn > due : undefined },
      };
    }),
    recordInspection: assign({
      appliedAt: ({ event }) => (event as TimerStamp).receivedAt,
      facilities: ({ context, event }) => {
        const e = event as DecisionOf<'FACILITIES_INSPECTED'>;
        const inspections = context.facilities.inspections;
        const entry = { by: e.actor.role, on: e.occurredOn, passed: e.data.passed, findings: excerpt(e.data.findings), failedItemCount: e.data.failedItems?.length ?? 0, costCny: e.data.costCny };
        return {
          ...context.facilities,
          inspections: { ...pushRecent(inspections, entry), failed: inspections.failed + (e.data.passed ? 0 : 1), costCny: addYuan(inspections.costCny, e.data.costCny) },
          ...(e.data.passed ? { acceptedOn: e.occurredOn } : {}),
        };
      },
    }),
    // §二(一), a case with several areas: the step of the area the decision names (refused naming data.area otherwise).
    recordAreaStep: assign(({ context, event }) => {
      const e = event as DecisionEvent;
      const areas = applyAreaStep(context.areas ?? [], e, dateOf(event, context));
      const done = e.type === 'RESIDENTS_COMMITTEE_ELECTED' || e.type === 'COMMUNITY_MERGED';
      return { areas, ...(done ? { appliedAt: (event as TimerStamp).receivedAt } : {}) };
    }),
    // Every area's community is set up: the case's community arrangements are done on the last one's date.
    recordAreasEstablished: assign({
      community: ({ context }) => ({ ...context.community, establishedOn: lastEstablishedOn(context.areas ?? []) }),
    }),
    recordCommunityRoute: assign({
      community: ({ context, event }) => ({ ...context.community, route: (event as DecisionOf<'COMMUNITY_SETUP_DECIDED'>).data.route }),
    }),
    // §二(一): 3 years from the start date; §二(三): who pays what during it.
    startTransition: assign({
      appliedAt: ({ event }) => (event as TimerStamp).receivedAt,
      transition: ({ event }) => {
        const e = event as DecisionOf<'TRANSITION_DECIDED'> & { data: { establish: true } };
        const startsOn = e.data.startsOn ?? e.occurredOn;
        const funding = transitionFunding({
          staff: e.data.staff.map((p) => ({ name: p.name, enterprisePayMonthly: p.enterprisePayMonthly })),
          districtStandardMonthly: e.data.districtStandardMonthly,
          originalAnnual: e.data.originalRunningFundsAnnual,
          districtStandardAnnual: e.data.districtStandardAnnual,
        });
        return { established: true, startsOn, endsOn: addCalendarYears(startsOn, TRANSITION_YEARS), funding, decidedOn: e.occurredOn };
      },
      deadlines: ({ context, event }) => {
        const e = event as DecisionOf<'TRANSITION_DECIDED'> & { data: { establish: true } };
        const startsOn = e.data.startsOn ?? e.occurredOn;
        // The period ends when its last day (the day before the 3rd anniversary) is over.
        const lastDay = minusDays(addCalendarYears(startsOn, TRANSITION_YEARS), 1);
        return { ...context.deadlines, transitionEnd: { kind: 'transitionEnd' as const, due: lastDay, at: deadlineOf(lastDay), from: startsOn, clause: '§二(一)' } };
      },
    }),
  },
  guards: {
    adjustmentNeedsOtherParty: ({ context, event }) => {
      const signed = context.adjustment?.signedBy ?? [];
      return !signed.includes(actorOf(event)) && signed.length === 0;
    },
    adjustmentCompletedByOtherParty: ({ context, event }) => {
      const signed = context.adjustment?.signedBy ?? [];
      return signed.length === 1 && !signed.includes(actorOf(event));
    },
    approved: ({ event }) => (event as DecisionOf<'ADJUSTMENT_REVIEWED'>).data.approved,
    rejected: ({ event }) => !(event as DecisionOf<'ADJUSTMENT_REVIEWED'>).data.approved,
    // §三(一): citySasac verifies "together with" cityUrbanManagement and cityFinance: both opinions first.
    coVerifiersAgreed: ({ context }) =>
      (['cityUrbanManagement', 'cityFinance'] as const).every((r) => context.adjustment?.opinions.some((o) => o.by === r && o.approved)),
    opinionNotYetGiven: ({ context, event }) => !context.adjustment?.opinions.some((o) => o.by === actorOf(event)),
    // §三(二): agreement needs both sides; the party that proposed cannot accept its own proposal.
    acceptedByOtherParty: ({ context, event }) => !!context.workPlan.proposal && context.workPlan.proposal.by !== actorOf(event),
    majorDisagreement: ({ event }) => (event as DecisionOf<'DISAGREEMENT_ESCALATED'>).data.major,
    concludedByCityCivilAffairs: ({ event }) => actorOf(event) === 'cityCivilAffairs',
    concludedByCityUrbanManagement: ({ event }) => actorOf(event) === 'cityUrbanManagement',
    outcomeAgreedPlan: ({ event }) => (event as DecisionOf<'COORDINATION_CONCLUDED'>).data.outcome === 'agreedPlan',
    // 'resolved' is 168-2017.1's name for going back to negotiation.
    outcomeBackToNegotiation: ({ event }) => ['backToNegotiation', 'resolved'].includes((event as DecisionOf<'COORDINATION_CONCLUDED'>).data.outcome),
    // 'majorDisagreement' is 168-2017.1's name for a referral; the payload names the party that declared it.
    outcomeReferredOn: ({ event }) => ['referredOn', 'majorDisagreement'].includes((event as DecisionOf<'COORDINATION_CONCLUDED'>).data.outcome),
    // §三(三): signed by the enterprise and the district government; each signs once.
    firstSignature: ({ context, event }) => {
      const sig = context.agreement.signatures;
      const role = actorOf(event) as 'enterprise' | 'districtGovernment';
      return sig[role] === undefined && Object.keys(sig).length === 0;
    },
    lastSignature: ({ context, event }) => {
      const sig = context.agreement.signatures;
      const role = actorOf(event) as 'enterprise' | 'districtGovernment';
      return sig[role] === undefined && Object.keys(sig).length === 1;
    },
    inspectionPassed: ({ event }) => (event as DecisionOf<'FACILITIES_INSPECTED'>).data.passed,
    severalAreas: ({ context }) => (context.areas?.length ?? 0) > 1,
    areaStep: ({ context, event }) => isAreaStep(context.areas, event as DecisionEvent),
    everyAreaEstablished: ({ context }) => everyAreaEstablished(context.areas),
    routeMerge: ({ event }) => (event as DecisionOf<'COMMUNITY_SETUP_DECIDED'>).data.route === 'mergeIntoNeighbour',
    transitionEstablished: ({ event }) => (event as DecisionOf<'TRANSITION_DECIDED'>).data.establish,
    hasFirstTransitionReminder: ({ context }) => context.settings.transitionReminderLeadDays.length >= 1,
    hasSecondTransitionReminder: ({ context }) => context.settings.transitionReminderLeadDays.length >= 2,
    // A reminder that fires only after the deadline itself has passed (a late record) would be noise.
    agreementDeadlineAhead: ({ context, event }) => {
      const fired = Date.parse((event as { firedAt?: string }).firedAt ?? new Date(nowOf(event, context)).toISOString());
      return !!context.deadlines.agreement && fired < Date.parse(context.deadlines.agreement.at);
    },
    // §一(二): the target is met by the handover; on the "already handed over" path by completing the paperwork.
    targetNotMet: ({ context }) => !!context.deadlines.cityTarget && (context.agreement.supplementary ? !context.agreement.signedOn : !context.handedOverOn),
    transitionPending: ({ context }) => context.transition.established === true && !!context.deadlines.transitionEnd,
    // A reminder that fires only after the period has ended (a late record) would be noise.
    transitionEndAhead: ({ context, event }) => {
      const fired = Date.parse((event as { firedAt?: string }).firedAt ?? new Date(nowOf(event, context)).toISOString());
      return !!context.deadlines.transitionEnd && fired < Date.parse(context.deadlines.transitionEnd.at);
    },
    knownOpenProblem: ({ context, event }) => {
      const id = (event as DecisionOf<'MAJOR_PROBLEM_FILED'>).data.problemId;
      return context.majorProblems.open.includes(id);
    },
    knownReportedTask: ({ context, event }) => {
      const id = (event as DecisionOf<'NEW_TASK_VERIFIED'>).data.taskId;
      return context.newTasks.awaitingVerification.includes(id);
    },
  },
  delays: {
    negotiationReminder: ({ context, event }) => untilDeadline(context, 'negotiationReminder', event),
    negotiationEscalation: ({ context, event }) => untilDeadline(context, 'negotiationEscalation', event),
    urbanCoordinationSupervision: ({ context, event }) => untilDeadline(context, 'urbanCoordinationSupervision', event),
    coordinationEscalation: ({ context, event }) => untilDeadline(context, 'coordinationEscalation', event),
    agreementReminder: ({ context, event }) => untilDeadline(context, 'agreementReminder', event),
    agreementDeadline: ({ context, event }) => untilDeadline(context, 'agreement', event),
    transitionFirstReminder: ({ context, event }) => {
      const lead = context.settings.transitionReminderLeadDays[0];
      return untilDeadline(context, 'transitionEnd', event) - (lead ?? 0) * DAY_MS;
    },
    transitionSecondReminder: ({ context, event }) => {
      const lead = context.settings.transitionReminderLeadDays[1];
      return untilDeadline(context, 'transitionEnd', event) - (lead ?? 0) * DAY_MS;
    },
    transitionEnd: ({ context, event }) => untilDeadline(context, 'transitionEnd', event),
    cityTarget: ({ context, event }) => untilDeadline(context, 'cityTarget', event),
  },
}).createMachine({
  id: 'handover',
  context: ({ input }) => {
    const settings = resolveSettings(input.settings);
    return {
      caseId: input.caseId,
      definitionVersion: DEFINITION_VERSION,
      calendarVersion: input.calendarVersion ?? CALENDAR_VERSION,
      settings,
      parties: input.parties,
      enterpriseName: input.enterpriseName,
      residentialArea: input.residentialArea,
      ...(initialAreas(input.areas) ? { areas: initialAreas(input.areas) } : {}),
      plannedCompletion: input.plannedCompletion,
      startedAt: input.startedAt,
      adjustmentHistory: emptyRecent(),
      workPlan: { proposals: 0, escalations: emptyRecent(), parentGroupOpinions: emptyRecent(), coordinationOutcomes: emptyRecent() },
      agreement: { signatures: {} },
      facilities: { inspections: { ...emptyRecent(), failed: 0, costCny: 0 }, rectifications: { ...emptyRecent(), costCny: 0 } },
      community: {},
      transition: {},
      // §一(二): the case's target: its plan date, or the city's date where the city set one.
      deadlines: (() => {
        const target = caseTarget(input.plannedCompletion, settings, shanghaiDate(Date.parse(input.startedAt)));
        return target ? { cityTarget: target } : {};
      })(),
      notices: emptyRecent(),
      missed: { agreement: false, cityTarget: false },
      majorProblems: { ...emptyRecent(), open: [] },
      newTasks: { ...emptyRecent(), awaitingVerification: [], verified: 0, rejected: 0 },
      yearly: {},
    };
  },
  // §一(二): a case not handed over by its target (plan date, adjusted, or the city's date) is overdue.
  after: {
    cityTarget: {
      guard: 'targetNotMet',
      actions: [
        assign({ missed: ({ context }) => ({ ...context.missed, cityTarget: true }) }),
        ...supervise(TARGET_MISSED),
      ],
    },
  },
  on: {
    // §四 (last paragraph): a major problem can be raised at any stage and is filed with cityCivilAffairs.
    MAJOR_PROBLEM_REPORTED: {
      actions: [
        assign(({ context, event }) => {
          const problems = context.majorProblems;
          const on = dateOf(event, context);
          const id = problems.count + 1;
          const summary = excerpt((event as DecisionOf<'MAJOR_PROBLEM_REPORTED'>).data.summary);
          return {
            majorProblems: { ...pushRecent(problems, { id, by: actorOf(event), on, summary }), open: [...problems.open, id] },
            yearly: tally(context.yearly, on, 'majorProblemsReported'),
          };
        }),
        {
          type: 'notify',
          // Runs after the assign above: the problem just recorded is the latest one. The message carries the full summary.
          params: ({ context, event }) => {
            const problem = context.majorProblems.latest[context.majorProblems.latest.length - 1]!;
            const summary = (event as DecisionOf<'MAJOR_PROBLEM_REPORTED'>).data.summary;
            return {
              reason: 'majorProblemReported' as const,
              to: ['districtGovernment', 'cityCivilAffairs'] as Role[],
              dueKey: `${problem.on}#${problem.id}`,
              clause: '§四',
              message: {
                zh: `${context.enterpriseName}：报告重大问题（第${problem.id}号）——${summary}`,
                en: `${context.enterpriseName}: major problem no. ${problem.id} reported — ${summary}`,
              },
            };
          },
        },
      ],
    },
    MAJOR_PROBLEM_FILED: {
      guard: 'knownOpenProblem',
      actions: assign(({ context, event }) => {
        const id = (event as DecisionOf<'MAJOR_PROBLEM_FILED'>).data.problemId;
        const on = dateOf(event, context);
        const problems = context.majorProblems;
        return {
          majorProblems: {
            ...problems,
            latest: problems.latest.map((p) => (p.id === id ? { ...p, filedOn: on } : p)),
            open: problems.open.filter((open) => open !== id),
          },
          yearly: tally(context.yearly, on, 'majorProblemsFiled'),
        };
      }),
    },
    // §四(一): newly found tasks are verified by citySasac and added to the overall task list.
    NEW_TASK_REPORTED: {
      actions: assign({
        newTasks: ({ context, event }) => {
          const e = event as DecisionOf<'NEW_TASK_REPORTED'>;
          const tasks = context.newTasks;
          const id = tasks.count + 1;
          const task = { id, by: e.actor.role, on: e.occurredOn, description: excerpt(e.data.description), people: e.data.people, status: 'reported' as const };
          return { ...tasks, ...pushRecent(tasks, task), awaitingVerification: [...tasks.awaitingVerification, id] };
        },
      }),
    },
    NEW_TASK_VERIFIED: {
      guard: 'knownReportedTask',
      actions: assign({
        newTasks: ({ context, event }) => {
          const e = event as DecisionOf<'NEW_TASK_VERIFIED'>;
          const tasks = context.newTasks;
          const status = e.data.approved ? ('verified' as const) : ('rejected' as const);
          return {
            ...tasks,
            latest: tasks.latest.map((t) => (t.id === e.data.taskId ? { ...t, status, decidedOn: e.occurredOn } : t)),
            awaitingVerification: tasks.awaitingVerification.filter((id) => id !== e.data.taskId),
            verified: tasks.verified + (e.data.approved ? 1 : 0),
            rejected: tasks.rejected + (e.data.approved ? 0 : 1),
          };
        },
      }),
    },
  },
  initial: 'survey',
  states: {
    // §三(一) 摸排总体情况
    survey: {
      initial: 'collecting',
      states: {
        collecting: {
          on: {
            SURVEY_SUBMITTED: { target: 'surveyed', actions: 'recordSurvey' },
          },
        },
        surveyed: {
          on: {
            // A corrected survey replaces the earlier one.
            SURVEY_SUBMITTED: { actions: 'recordSurvey' },
            SURVEY_CONFIRMED: { target: '#handover.workPlan', actions: 'startNegotiation' },
            ADJUSTMENT_APPLICATION_SIGNED: { target: '#handover.planAdjustment', actions: 'recordAdjustmentSignature' },
          },
        },
      },
      on: {
        // §三(三): already handed over but never signed: complete the paperwork.
        ALREADY_HANDED_OVER_DECLARED: {
          target: '#handover.agreement.supplementary',
          actions: assign({
            handedOverOn: ({ event }) => (event as DecisionOf<'ALREADY_HANDED_OVER_DECLARED'>).data.handedOverOn,
            agreement: ({ context }) => ({ ...context.agreement, supplementary: true }),
          }),
        },
      },
    },
    // §三(一) 确需调整工作计划的: joint application → district review → city verification → filing
    planAdjustment: {
      initial: 'jointApplication',
      states: {
        jointApplication: {
          on: {
            ADJUSTMENT_APPLICATION_SIGNED: { guard: 'adjustmentCompletedByOtherParty', target: 'districtReview', actions: 'recordAdjustmentSignature' },
          },
        },
        districtReview: {
          on: {
            ADJUSTMENT_REVIEWED: [
              { guard: 'approved', target: 'cityVerification', actions: 'recordOpinion' },
              { target: '#handover.survey.surveyed', actions: 'rejectAdjustment' },
            ],
          },
        },
        cityVerification: {
          on: {
            ADJUSTMENT_OPINION_GIVEN: [
              { guard: 'rejected', target: '#handover.survey.surveyed', actions: 'rejectAdjustment' },
              { guard: 'opinionNotYetGiven', actions: 'recordOpinion' },
            ],
            ADJUSTMENT_VERIFIED: [
              { guard: 'rejected', target: '#handover.survey.surveyed', actions: 'rejectAdjustment' },
              {
                guard: 'coVerifiersAgreed',
                target: 'filing',
                actions: [
                  'recordOpinion',
                  assign({
                    plannedCompletion: ({ context, event }) =>
                      (event as DecisionOf<'ADJUSTMENT_VERIFIED'>).data.adjustedPlannedCompletion ?? context.plannedCompletion,
                  }),
                ],
              },
            ],
          },
        },
        filing: {
          on: {
            ADJUSTMENT_FILED: {
              target: '#handover.workPlan',
              actions: [
                assign({
                  adjustmentHistory: ({ context, event }) =>
                    pushRecent(context.adjustmentHistory, {
                      outcome: 'filed' as const,
                      by: actorOf(event),
                      on: dateOf(event, context),
                      reason: excerpt((event as DecisionOf<'ADJUSTMENT_FILED'>).data.filingRef),
                    }),
                }),
                'startNegotiation',
                'moveTarget',
                cancel(TARGET_TIMER_ID),
                raise({ type: TARGET_TIMER_ID } as never, { id: TARGET_TIMER_ID, delay: 'cityTarget' }),
              ],
            },
          },
        },
      },
    },
    // §三(二) 制定工作方案: one enterprise, one plan. Coordination only when a party (or the district) asks for it
    // (报请); 市城管委 only for a major disagreement a party declares. Timers remind (催办) and supervise (督办):
    // the case stays in the parties' hands, who can agree a plan at any time, also during coordination.
    workPlan: {
      initial: 'negotiating',
      on: {
        WORK_PLAN_PROPOSED: { actions: 'recordProposal' },
        WORK_PLAN_ACCEPTED: { guard: 'acceptedByOtherParty', target: '#handover.agreement', actions: 'agreePlan' },
      },
      states: {
        negotiating: {
          // A 催办 for a negotiation that has ended is noise: only the 督办 it passed is caught up.
          exit: catchUpSupervision(NEGOTIATION_SUPERVISION),
          after: {
            negotiationReminder: {
              actions: supervise(NEGOTIATION_REMINDER),
            },
            negotiationEscalation: {
              actions: supervise(NEGOTIATION_SUPERVISION),
            },
          },
          on: {
            DISAGREEMENT_ESCALATED: [
              {
                guard: 'majorDisagreement',
                target: 'cityUrbanManagementCoordination',
                actions: [{ type: 'escalate', params: { level: 'cityUrbanManagement', auto: false } }, 'startUrbanCoordinationClock', notifyMajorDisagreement],
              },
              {
                target: 'cityCivilAffairsCoordination',
                actions: [
                  { type: 'escalate', params: { level: 'cityCivilAffairs', auto: false } },
                  'startCoordinationClock',
                  {
                    type: 'notify',
                    params: ({ context, event }) => ({
                      reason: 'disagreementEscalated' as const,
                      to: ['cityCivilAffairs', 'parentGroup'] as Role[],
                      dueKey: `${dateOf(event, context)}#${context.workPlan.escalations.count}`,
                      clause: '§三(二)',
                      message: {
                        zh: `${context.enterpriseName}：工作方案未达成一致，报请市民政局与企业上级集团公司协调`,
                        en: `${context.enterpriseName}: work plan disagreement escalated to the city civil affairs bureau and the parent group`,
                      },
                    }),
                  },
                ],
              },
            ],
          },
        },
        // 报请市民政局与企业上级集团公司协调: ends in an agreed plan, back to negotiation, or (a party having declared a
        // major disagreement) referral to 市城管委.
        cityCivilAffairsCoordination: {
          exit: catchUpSupervision(COORDINATION_SUPERVISION),
          after: {
            coordinationEscalation: {
              actions: supervise(COORDINATION_SUPERVISION),
            },
          },
          on: {
            PARENT_GROUP_OPINION_GIVEN: { actions: 'recordParentGroupOpinion' },
            DISAGREEMENT_ESCALATED: {
              guard: 'majorDisagreement',
              target: 'cityUrbanManagementCoordination',
              actions: [{ type: 'escalate', params: { level: 'cityUrbanManagement', auto: false } }, 'startUrbanCoordinationClock', notifyMajorDisagreement],
            },
            COORDINATION_CONCLUDED: [
              { guard: and(['concludedByCityCivilAffairs', 'outcomeAgreedPlan']), target: '#handover.agreement', actions: ['recordCoordination', 'agreePlan'] },
              { guard: and(['concludedByCityCivilAffairs', 'outcomeBackToNegotiation']), target: 'negotiating', actions: ['recordCoordination', 'startNegotiation'] },
              {
                guard: and(['concludedByCityCivilAffairs', 'outcomeReferredOn']),
                target: 'cityUrbanManagementCoordination',
                actions: ['recordCoordination', { type: 'escalate', params: { level: 'cityUrbanManagement', auto: false } }, 'startUrbanCoordinationClock', notifyMajorDisagreement],
              },
            ],
          },
        },
        // 重大分歧：报请市城管委协调. Ends in an agreed plan or back to negotiation.
        cityUrbanManagementCoordination: {
          exit: catchUpSupervision(URBAN_COORDINATION_SUPERVISION),
          after: {
            urbanCoordinationSupervision: {
              actions: supervise(URBAN_COORDINATION_SUPERVISION),
            },
          },
          on: {
            PARENT_GROUP_OPINION_GIVEN: { actions: 'recordParentGroupOpinion' },
            COORDINATION_CONCLUDED: [
              { guard: and(['concludedByCityUrbanManagement', 'outcomeAgreedPlan']), target: '#handover.agreement', actions: ['recordCoordination', 'agreePlan'] },
              { guard: and(['concludedByCityUrbanManagement', 'outcomeBackToNegotiation']), target: 'negotiating', actions: ['recordCoordination', 'startNegotiation'] },
            ],
          },
        },
      },
    },
    // §三(三) 签订移交协议
    agreement: {
      initial: 'drafting',
      states: {
        drafting: {
          exit: catchUpAgreement,
          after: {
            agreementReminder: {
              guard: 'agreementDeadlineAhead',
              actions: {
                type: 'notify',
                params: ({ context }) => ({
                  reason: 'agreementReminder' as const,
                  to: ['enterprise', 'districtGovernment', 'districtCivilAffairs'] as Role[],
                  dueKey: context.deadlines.agreement!.due,
                  clause: '§三(三)',
                  message: {
                    zh: `${context.enterpriseName}：移交协议须于 ${context.deadlines.agreement!.due} 前签订（工作方案达成一致后10个工作日内），尚余 ${context.settings.agreementReminderLeadWorkingDays} 个工作日`,
                    en: `${context.enterpriseName}: the agreement is due by ${context.deadlines.agreement!.due} (10 working days after the plan was agreed); ${context.settings.agreementReminderLeadWorkingDays} working days left`,
                  },
                }),
              },
            },
            agreementDeadline: {
              target: 'overdue',
              actions: [
                assign(({ context, event }) => {
                  const due = context.deadlines.agreement;
                  const notice = due ? [{ reason: 'agreementEscalated' as const, to: agreementEscalationTo(context), due: due.due, on: due.due, ...(firedLate(event, due) ? { afterTheFact: true } : {}) }] : [];
                  return { missed: { ...context.missed, agreement: true }, notices: notice.reduce((n, x) => pushRecent(n, x), context.notices ?? emptyRecent<SentNotice>()) };
                }),
                { type: 'notify', params: ({ context }) => agreementEscalation(context, context.deadlines.agreement!) },
              ],
            },
          },
          on: {
            AGREEMENT_SIGNED: signAgreement('#handover.implementation'),
          },
        },
        // Escalated; signing is still what ends this stage.
        overdue: {
          on: {
            AGREEMENT_SIGNED: signAgreement('#handover.implementation'),
          },
        },
        // §三(三): 已经完成移交但未签订协议的企业，补充完善相关手续
        supplementary: {
          on: {
            AGREEMENT_SIGNED: signAgreement('#handover.completed'),
          },
        },
      },
    },
    // §三(四), §二 实施移交: three branches in parallel
    implementation: {
      type: 'parallel',
      // Handed over: with a transition period it is followed in `handedOver`; without one the case is complete.
      onDone: [
        { guard: 'transitionPending', target: 'handedOver', actions: ['recordHandover', catchUpTarget] },
        { target: 'completed', actions: ['recordHandover', catchUpTarget] },
      ],
      always: {
        guard: and([
          stateIn({ implementation: { facilities: 'accepted' } }),
          stateIn({ implementation: { community: 'established' } }),
          stateIn({ implementation: { funding: 'inTransition' } }),
        ]),
        target: 'handedOver',
        actions: ['recordHandover', catchUpTarget],
      },
      states: {
        // §二(二) 接收社区服务设施: hand over → inspect → rectify at once → inspect again
        facilities: {
          initial: 'awaitingHandover',
          states: {
            awaitingHandover: {
              on: {
                FACILITIES_HANDED_OVER: {
                  target: 'inspecting',
                  actions: assign({
                    facilities: ({ context, event }) => {
                      const e = event as DecisionOf<'FACILITIES_HANDED_OVER'>;
                      const areaM2 = e.data.items.reduce((sum, i) => sum + Math.round(i.areaM2 * 100), 0) / 100;
                      const handedOver = { by: e.actor.role, on: e.occurredOn, itemCount: e.data.items.length, areaM2, ownershipTransferredTo: excerpt(e.data.ownershipTransferredTo) };
                      return { ...context.facilities, handedOver };
                    },
                  }),
                },
              },
            },
            inspecting: {
              on: {
                FACILITIES_INSPECTED: [
                  { guard: 'inspectionPassed', target: 'accepted', actions: 'recordInspection' },
                  { target: 'rectifying', actions: 'recordInspection' },
                ],
              },
            },
            rectifying: {
              on: {
                RECTIFICATION_COMPLETED: {
                  target: 'inspecting',
                  actions: assign({
                    facilities: ({ context, event }) => {
                      const e = event as DecisionOf<'RECTIFICATION_COMPLETED'>;
                      const rectifications = context.facilities.rectifications;
                      const entry = { by: e.actor.role, on: e.occurredOn, summary: excerpt(e.data.summary), costCny: e.data.costCny };
                      return { ...context.facilities, rectifications: { ...pushRecent(rectifications, entry), costCny: addYuan(rectifications.costCny, e.data.costCny) } };
                    },
                  }),
                },
              },
            },
            accepted: { type: 'final' },
          },
        },
        // §二(一) 社区居委会组建
        community: {
          initial: 'choosingSetup',
          states: {
            choosingSetup: {
              // A case with several residential areas sets up each area's community (perArea).
              always: { guard: 'severalAreas', target: 'perArea' },
              on: {
                COMMUNITY_SETUP_DECIDED: [
                  { guard: 'routeMerge', target: 'merging', actions: 'recordCommunityRoute' },
                  { target: 'establishing', actions: 'recordCommunityRoute' },
                ],
              },
            },
            establishing: {
              on: {
                COMMUNITY_ESTABLISHED: {
                  target: 'electing',
                  actions: assign({
                    community: ({ context, event }) => ({ ...context.community, communityName: (event as DecisionOf<'COMMUNITY_ESTABLISHED'>).data.communityName }),
                  }),
                },
              },
            },
            electing: {
              on: {
                RESIDENTS_COMMITTEE_ELECTED: {
                  target: 'established',
                  actions: assign({
                    appliedAt: ({ event }) => (event as TimerStamp).receivedAt,
                    community: ({ context, event }) => ({ ...context.community, committeeElectedOn: dateOf(event, context), establishedOn: dateOf(event, context) }),
                  }),
                },
              },
            },
            merging: {
              on: {
                COMMUNITY_MERGED: {
                  target: 'established',
                  actions: assign({
                    appliedAt: ({ event }) => (event as TimerStamp).receivedAt,
                    community: ({ context, event }) => ({ ...context.community, mergedInto: (event as DecisionOf<'COMMUNITY_MERGED'>).data.intoCommunity, establishedOn: dateOf(event, context) }),
                  }),
                },
              },
            },
            // Several residential areas: each decision names its area (data.area) and is that area's next step, in
            // the order of the states above; done when every area's community is set up.
            perArea: {
              always: { guard: 'everyAreaEstablished', target: 'established', actions: 'recordAreasEstablished' },
              on: {
                COMMUNITY_SETUP_DECIDED: { guard: 'areaStep', actions: 'recordAreaStep' },
                COMMUNITY_ESTABLISHED: { guard: 'areaStep', actions: 'recordAreaStep' },
                RESIDENTS_COMMITTEE_ELECTED: { guard: 'areaStep', actions: 'recordAreaStep' },
                COMMUNITY_MERGED: { guard: 'areaStep', actions: 'recordAreaStep' },
              },
            },
            established: { type: 'final' },
          },
        },
        // §二(三), §二(一) 经费与过渡期
        funding: {
          initial: 'awaitingTransitionDecision',
          states: {
            awaitingTransitionDecision: {
              on: {
                TRANSITION_DECIDED: [
                  { guard: 'transitionEstablished', target: 'transitionAgreed', actions: 'startTransition' },
                  {
                    target: 'settled',
                    actions: assign({
                      appliedAt: ({ event }) => (event as TimerStamp).receivedAt,
                      transition: ({ context, event }) => ({ ...context.transition, established: false, decidedOn: dateOf(event, context) }),
                    }),
                  },
                ],
              },
            },
            // A transition period is agreed: it is followed after the handover (`handedOver`), not here.
            transitionAgreed: { type: 'final' },
            // Only cases restored from 168-2017.1 are here (their transition ran inside implementation); once facilities
            // and community are done they move on to `handedOver` (see `always` below).
            inTransition: {
              after: {
                transitionFirstReminder: { guard: and(['hasFirstTransitionReminder', 'transitionEndAhead']), actions: notifyTransitionEnding(0) },
                transitionSecondReminder: { guard: and(['hasSecondTransitionReminder', 'transitionEndAhead']), actions: notifyTransitionEnding(1) },
                transitionEnd: { target: 'settled' },
              },
            },
            settled: { type: 'final' },
          },
        },
      },
    },
    // 已移交: handed over (counts as complete for targets and reports); the 3-year transition period (§二(一)) is
    // followed here, with its reminders, and ends the case.
    handedOver: {
      after: {
        transitionFirstReminder: { guard: and(['hasFirstTransitionReminder', 'transitionEndAhead']), actions: notifyTransitionEnding(0) },
        transitionSecondReminder: { guard: and(['hasSecondTransitionReminder', 'transitionEndAhead']), actions: notifyTransitionEnding(1) },
        transitionEnd: { target: 'completed' },
      },
    },
    completed: { type: 'final' },
  },
});

// Snapshots persisted before the context was bounded carry every list in full. Whatever restores a snapshot (the
// workflow's host across continue-as-new, the definition check) gets the bounded context, however long the lists.
const restoreUnbounded = handoverMachine.restoreSnapshot;
(handoverMachine as { restoreSnapshot: typeof restoreUnbounded }).restoreSnapshot = (snapshot, scope) => {
  const s = snapshot as unknown as { context?: HandoverContext };
  // A snapshot of an earlier definition (168-2017.1) restored here follows this one from now on: it says so, and
  // gains the list of notices it did not keep.
  // 168-2017.1 recorded the handover at the signature: a case still in implementation has not been handed over yet.
  const value = (snapshot as unknown as { value?: unknown }).value;
  const inImplementation = typeof value === 'object' && value !== null && 'implementation' in value;
  const signedIsNotHandover = (c: HandoverContext) => inImplementation && !c.agreement.supplementary && c.handedOverOn === c.agreement.signedOn;
  const migrated = (c: HandoverContext): HandoverContext => (c.definitionVersion === DEFINITION_VERSION ? c : { ...c, ...(signedIsNotHandover(c) ? { handedOverOn: undefined } : {}), definitionVersion: DEFINITION_VERSION });
  const context = s.context ? { ...migrated(boundContext(s.context)), notices: s.context.notices ?? emptyRecent<SentNotice>() } : undefined;
  return restoreUnbounded(context ? ({ ...s, context } as unknown as typeof snapshot) : snapshot, scope);
};
