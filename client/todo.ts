// 待办 / 已办 / 通知 for one signed-in user, over the shared client API: the cases where the user may act now
// (sorted by the nearest deadline, days left counted in working days where the rule counts them), the decisions the
// user took, and the outbox notifications addressed to the user's role and organisation.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { AnyStateMachine } from 'xstate';
import { isWorkingDay, shanghaiDate } from '../machines/calendar';
import { parseCaseId } from '../machines/case-input';
import { STAGES, STAGE_LABELS, type Stage } from '../machines/case-view';
import { EVENT_REGISTRY, type EventType } from '../machines/events';
import { handoverMachine, type Deadline } from '../machines/handover';
import { DEADLINE_LABELS } from '../machines/labels';
import { organisationMismatch, type CaseParties, type Role } from '../machines/roles';
import type { OutboxStore } from '../activities/outbox';
import type { CaseRecordEntry } from '../activities/case-record/store';
import { REGISTERED_DEFINITIONS } from '../workflows/definitions';
import type { CaseState } from '../workflows/messages';
import { caseActions, caseState } from './cases';
import { bothSettled } from './settled';
import { caseListQuery, caseRow } from './case-list';
import type { Localized } from './errors';
import { listNotifications, type NotificationView } from './notifications';

/** Who is asking: a user's name, role and organisation. */
export interface Actor {
  name: string;
  role: Role;
  org: string;
}

export interface TodoDeadline {
  kind: string;
  label: Localized;
  /** The due date (Asia/Shanghai). */
  due: string;
  clause: string;
  /** The rule counts working days (weekends and holidays skipped); days left are then working days. */
  workingDays: boolean;
  /** Days from today to the due date: working days when `workingDays`, else calendar days; negative when overdue. */
  daysLeft: number;
  overdue: boolean;
}

export interface TodoItem {
  caseId: string;
  creditCode: string;
  enterprise?: string;
  district?: string;
  township?: string;
  stage: string;
  stageLabel: Localized;
  /** What the user may do on the case now. */
  actions: Array<{ type: EventType; title: Localized; clause: string }>;
  /** The case's nearest deadline (a missed one first), if any. */
  deadline?: TodoDeadline;
  /** The case is overdue (§三(三) agreement or the city's target missed), or its nearest deadline has passed. */
  overdue: boolean;
}

export interface TodoList {
  /** Today in Asia/Shanghai, the day days left are counted from. */
  today: string;
  items: TodoItem[];
  /** More running cases were visible than were looked at (`scanLimit`). */
  truncated: boolean;
  /** Running cases that did not answer within `queryTimeoutMs` (no worker for them just now); not listed. */
  unanswered: number;
}

export interface TodoOptions {
  /** Visibility-query clauses limiting the cases to those the user may see (client/api/access.ts listScope). */
  scope: string[];
  /** A parent group sees the cases whose memo names it (no search attribute does). */
  parentGroup?: string;
  /** Running cases looked at, at most; default 500. */
  scanLimit?: number;
  /** Cases asked at once; default 8. */
  concurrency?: number;
  /** How long one case may take to answer (its worker may be down); default 5 s. */
  queryTimeoutMs?: number;
  /** Stops asking further cases once fired (the page was closed). */
  signal?: AbortSignal;
  now?: number;
}

const dayMs = 86_400_000;
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * dayMs).toISOString().slice(0, 10);

/**
 * Days from `today` to `due`: positive while due is ahead (the due day itself counts), 0 on the due day, negative
 * when it has passed. With `working`, only working days count (machines/calendar: weekends, holidays and make-up days).
 */
export function daysLeft(today: string, due: string, working: boolean): number {
  if (due === today) return 0;
  const forward = due > today;
  const [from, to] = forward ? [today, due] : [due, today];
  const span = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs);
  let n = span;
  if (working) {
    n = 0;
    for (let i = 1; i <= span; i++) if (isWorkingDay(addDays(from, i))) n++;
  }
  return forward ? n : -n;
}

/** The deadlines a case is waiting for (pending timers) and those it has missed, nearest first. */
export function caseDeadlines(state: CaseState, today: string): TodoDeadline[] {
  const found = new Map<string, Deadline>();
  for (const t of state.pendingTimers) if (t.deadline && !found.has(t.deadline.kind)) found.set(t.deadline.kind, t.deadline);
  const ctx = state.context;
  if (ctx?.missed?.agreement && ctx.deadlines.agreement && !ctx.agreement.signedOn) found.set('agreement', ctx.deadlines.agreement);
  if (ctx?.missed?.cityTarget && ctx.deadlines.cityTarget && !ctx.handedOverOn) found.set('cityTarget', ctx.deadlines.cityTarget);
  return [...found.values()]
    .map((d) => {
      const working = !!d.workingDays;
      const left = daysLeft(today, d.due, working);
      return { kind: d.kind, label: DEADLINE_LABELS[d.kind] ?? { zh: d.kind, en: d.kind }, due: d.due, clause: d.clause, workingDays: working, daysLeft: left, overdue: left < 0 };
    })
    .sort((a, b) => a.due.localeCompare(b.due) || a.kind.localeCompare(b.kind));
}

/**
 * Events the machine takes in every state (its root `on`: reporting a major problem or a newly found task) are no
 * one's to-do: a case waits for them only when something is open for them to answer (a problem to file, a task to
 * verify).
 */
const ANY_TIME = new Set<string>(Object.keys((handoverMachine.config as { on?: Record<string, unknown> }).on ?? {}));
/** The events open at any time that a case does wait for when something is open for them (see waitingActions). */
const ANSWERS_AT_ANY_TIME = new Set<string>(['MAJOR_PROBLEM_FILED', 'NEW_TASK_VERIFIED']);

/**
 * The stages (the HandoverStage search attribute) in which `role` may take some decision under any registered process
 * definition, or undefined when it may have something to do in any stage (it answers an event open at any time).
 * Lets the to-do list ask the visibility store for those cases only, instead of every visible case.
 */
export function stagesWhereRoleActs(role: Role, machines: readonly AnyStateMachine[] = REGISTERED_DEFINITIONS.map((d) => d.machine)): string[] | undefined {
  const mayAnswer = [...ANSWERS_AT_ANY_TIME].some((t) => (EVENT_REGISTRY[t as EventType].roles as readonly string[]).includes(role));
  if (mayAnswer) return undefined;
  const stages = new Set<string>();
  for (const machine of machines) {
    const anyTime = new Set(Object.keys((machine.config as { on?: Record<string, unknown> }).on ?? {}));
    for (const [key, node] of Object.entries(machine.root.states)) {
      const acts = node.events.some((t) => !anyTime.has(t) && t in EVENT_REGISTRY && (EVENT_REGISTRY[t as EventType].roles as readonly string[]).includes(role));
      // As stageOf (machines/case-view.ts): a top-level state that is no stage counts as the survey.
      if (acts) stages.add((STAGES as readonly string[]).includes(key) ? key : 'survey');
    }
  }
  return [...stages].sort();
}

const stageClause = (stages: string[]) => `HandoverStage IN (${stages.map((s) => `'${s.replace(/'/g, "\\'")}'`).join(', ')})`;

/** The actions among `types` the case is waiting for (not those open at any time). */
export function waitingActions(state: CaseState, types: EventType[]): EventType[] {
  const ctx = state.context as Partial<CaseState['context']> | undefined;
  return types.filter((t) => {
    if (!ANY_TIME.has(t)) return true;
    if (!ANSWERS_AT_ANY_TIME.has(t)) return false;
    if (t === 'MAJOR_PROBLEM_FILED') return (ctx?.majorProblems?.open?.length ?? 0) > 0;
    if (t === 'NEW_TASK_VERIFIED') return (ctx?.newTasks?.awaitingVerification?.length ?? 0) > 0;
    return false;
  });
}

/** The to-do item of one case for this actor, or undefined when the actor may not act on it now. */
export function todoItem(actor: Actor, state: CaseState, available: EventType[], today: string, row?: { enterprise?: string }): TodoItem | undefined {
  if (state.status !== 'active') return undefined;
  const types = waitingActions(state, available);
  if (types.length === 0) return undefined;
  const parties = state.context.parties as CaseParties;
  if (organisationMismatch(actor.role, actor.org, parties)) return undefined;
  const deadlines = caseDeadlines(state, today);
  const deadline = deadlines[0];
  const stage = state.stage as Stage;
  return {
    caseId: state.caseId,
    creditCode: parties.creditCode,
    enterprise: state.context.enterpriseName ?? row?.enterprise,
    district: parties.district,
    ...(parties.township ? { township: parties.township } : {}),
    stage,
    stageLabel: STAGE_LABELS[stage] ? { zh: STAGE_LABELS[stage].zh, en: STAGE_LABELS[stage].en } : { zh: stage, en: stage },
    actions: types.map((type) => ({ type, title: EVENT_REGISTRY[type].title, clause: EVENT_REGISTRY[type].clause })),
    ...(deadline ? { deadline } : {}),
    overdue: state.overdue || deadlines.some((d) => d.overdue),
  };
}

/** Nearest deadline first; cases without one last; then by case id, so the order is stable. */
export function compareTodo(a: TodoItem, b: TodoItem): number {
  if (a.deadline && b.deadline) return a.deadline.due.localeCompare(b.deadline.due) || a.caseId.localeCompare(b.caseId);
  if (a.deadline) return -1;
  if (b.deadline) return 1;
  return a.caseId.localeCompare(b.caseId);
}

/** 待办: every running case the actor may see and act on now, nearest deadline first. */
export async function todoList(client: Client, actor: Actor, opts: TodoOptions): Promise<TodoList> {
  const now = opts.now ?? Date.now();
  const today = shanghaiDate(now);
  const scanLimit = opts.scanLimit ?? 500;
  // Only the stages where the role may act (one visibility query), not every visible case asked one by one.
  const stages = stagesWhereRoleActs(actor.role);
  if (stages && stages.length === 0) return { today, items: [], truncated: false, unanswered: 0 };
  const query = `${caseListQuery({ scope: opts.scope })} AND ExecutionStatus = 'Running'${stages ? ` AND ${stageClause(stages)}` : ''}`;
  const rows: Array<{ caseId: string; enterprise?: string }> = [];
  let truncated = false;
  for await (const wf of client.workflow.list({ query, pageSize: 500 })) {
    if (opts.parentGroup !== undefined) {
      const memo = (await Promise.resolve(wf.memo)) as { parentGroup?: string } | undefined;
      if (memo?.parentGroup !== opts.parentGroup) continue;
    }
    if (rows.length >= scanLimit) {
      truncated = true;
      break;
    }
    const r = caseRow(wf);
    rows.push({ caseId: r.caseId, enterprise: r.enterprise });
  }
  const items: TodoItem[] = [];
  let unanswered = 0;
  let next = 0;
  const queryTimeoutMs = opts.queryTimeoutMs ?? 5_000;
  const worker = async () => {
    while (next < rows.length && !opts.signal?.aborted) {
      const row = rows[next++]!;
      try {
        // A case whose worker is down would hold its query (and the whole list) open: each case gets a deadline.
        const [state, byRole] = await client.withDeadline(Date.now() + queryTimeoutMs, () =>
          bothSettled(caseState(client, row.caseId), caseActions(client, row.caseId, actor.role)),
        );
        const item = todoItem(actor, state, byRole[actor.role] ?? [], today, row);
        if (item) items.push(item);
      } catch (err) {
        // A case that closed between the list and the query has nothing to do; one that did not answer is counted.
        if (!(err instanceof WorkflowNotFoundError) && !/completed|closed/i.test(String((err as Error)?.message))) unanswered++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 8, rows.length)) }, worker));
  items.sort(compareTodo);
  return { today, items, truncated, unanswered };
}

/** One audit-log line, as far as 已办 reads it (client/api/audit.ts AuditRecord). */
export interface DecisionAuditLine {
  at: string;
  user: string;
  action: string;
  outcome: string;
  caseId?: string;
  eventType?: string;
  requestId?: string;
}

export interface DoneItem {
  at: string;
  caseId: string;
  type: string;
  title: Localized;
  clause: string;
  requestId?: string;
  /** From the case record: the decision's date and its entry in the record. */
  occurredOn?: string;
  seq?: number;
  /** How many documents the decision carried. */
  attachments?: number;
}

/**
 * 已办 from the case record: the decisions whose actor is this user (the API's, and the CLI's sent `--as <user>`),
 * newest first, as the store returns them (CaseRecordStore.decisionsBy).
 */
export function doneFromRecord(entries: CaseRecordEntry[]): DoneItem[] {
  return entries
    .filter((e) => e.kind === 'decision')
    .map((e) => {
      const spec = EVENT_REGISTRY[e.type as EventType];
      const files = (e.data as { attachments?: unknown[] } | undefined)?.attachments;
      return {
        at: e.at,
        caseId: e.caseId,
        type: e.type,
        title: spec?.title ?? { zh: e.type, en: e.type },
        clause: spec?.clause ?? '',
        ...(e.requestId ? { requestId: e.requestId } : {}),
        ...(e.occurredOn ? { occurredOn: e.occurredOn } : {}),
        seq: e.seq,
        ...(Array.isArray(files) && files.length ? { attachments: files.length } : {}),
      };
    });
}

/** 已办 from the API's audit log (for a case record store that cannot be asked by user): applied decisions, newest first. */
export function doneList(lines: DecisionAuditLine[], userName: string, limit = 200): DoneItem[] {
  const out: DoneItem[] = [];
  for (let i = lines.length - 1; i >= 0 && out.length < limit; i--) {
    const l = lines[i]!;
    if (l.user !== userName || l.action !== 'decide' || l.outcome !== 'applied' || !l.caseId || !l.eventType) continue;
    const spec = EVENT_REGISTRY[l.eventType as EventType];
    out.push({
      at: l.at,
      caseId: l.caseId,
      type: l.eventType,
      title: spec?.title ?? { zh: l.eventType, en: l.eventType },
      clause: spec?.clause ?? '',
      ...(l.requestId ? { requestId: l.requestId } : {}),
    });
  }
  return out;
}

export interface InboxOptions {
  /** The actor's district (district and township bodies): only rows of that district. */
  district?: string;
  /** An enterprise's own case: only rows of that case. */
  caseId?: string;
  /** The case's parties, for roles whose organisation is narrower than a district (township, parent group). */
  partiesOf?: (caseId: string) => Promise<CaseParties | undefined>;
  /** Rows read from the outbox, at most (newest kept); default 2000. */
  scanLimit?: number;
  /** Stops asking cases for their parties once fired (the page was closed). */
  signal?: AbortSignal;
}

/**
 * Notifications addressed to the actor's role (the outbox's recipients) and organisation (its district, its
 * township, its enterprise or group), newest first.
 */
export async function inbox(outbox: OutboxStore, actor: Actor, opts: InboxOptions = {}): Promise<NotificationView[]> {
  const scanLimit = opts.scanLimit ?? 2000;
  let rows: NotificationView[] = [];
  let afterId: number | undefined;
  for (;;) {
    const page = await listNotifications(outbox, { recipient: actor.role, district: opts.district, caseId: opts.caseId, afterId, limit: 1000 });
    rows.push(...page.items);
    if (rows.length > scanLimit) rows = rows.slice(rows.length - scanLimit);
    if (page.nextAfterId === undefined) break;
    afterId = page.nextAfterId;
  }
  // An enterprise's notices: those of its cases, in every district and from before 168-2017.3.
  if (actor.role === 'enterprise') rows = rows.filter((r) => parseCaseId(r.caseId)?.creditCode === actor.org);
  const narrower = actor.role === 'township' || actor.role === 'parentGroup';
  if (narrower) {
    const partiesOf = opts.partiesOf;
    const cache = new Map<string, boolean>();
    const kept: NotificationView[] = [];
    for (const r of rows) {
      if (opts.signal?.aborted) break;
      if (!cache.has(r.caseId)) {
        const parties = partiesOf ? await partiesOf(r.caseId).catch(() => undefined) : undefined;
        cache.set(r.caseId, !!parties && !organisationMismatch(actor.role, actor.org, parties));
      }
      if (cache.get(r.caseId)) kept.push(r);
    }
    rows = kept;
  }
  return rows.reverse();
}
