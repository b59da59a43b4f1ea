// How the API shows a case: its view (state, labels, deadlines with explanations), the actions a user may take,
// the statechart picture, and the mapping of client errors to HTTP answers.
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { explainWorkingDays } from '../../machines/calendar';
import { handoverMachine, type HandoverContext } from '../../machines/handover';
import { projectContext } from '../../machines/case-view';
import { toSvg, type DiagramTransition } from '../../machines/diagram';
import { EVENT_REGISTRY, type EventType } from '../../machines/events';
import { DEADLINE_LABELS, STATE_LABELS, TIMER_LABELS } from '../../machines/labels';
import { organisationMismatch, type CaseParties } from '../../machines/roles';
import type { CaseState, CaseSummary } from '../../workflows/messages';
import type { User } from '../admin/users';
import { caseActions } from '../cases';
import { diagramLabels } from '../diagram-labels';
import { HandoverError, InvalidInputError, type Localized } from '../errors';
import { ApiError } from './api-error';

/** A payload or input error: 400 with every field at fault. */
export class InvalidApiInput extends ApiError {
  constructor(issues: Array<{ path: string; message: string }>, what: Localized) {
    const e = new InvalidInputError(issues, what);
    super(400, 'invalidPayload', e.text, issues);
  }
}

/** A client error that names its own HTTP answer (client/errors.ts: `code` and `httpStatus`, e.g. caseClosed → 409). */
export function httpAnswerOf(err: unknown): { status: number; code: string; text: Localized } | undefined {
  if (!(err instanceof HandoverError)) return undefined;
  const { code, httpStatus } = err as HandoverError & { code?: unknown; httpStatus?: unknown };
  if (typeof code !== 'string' || typeof httpStatus !== 'number' || httpStatus < 400 || httpStatus > 599) return undefined;
  return { status: httpStatus, code, text: err.text };
}


const schemaCache = new Map<EventType, Record<string, unknown>>();

/** One decision type with its payload as JSON Schema (from the same zod schema the workflow validates with). */
export function actionOf(type: EventType) {
  let schema = schemaCache.get(type);
  if (!schema) {
    schema = z.toJSONSchema(EVENT_REGISTRY[type].data as z.ZodType, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    schemaCache.set(type, schema);
  }
  const spec = EVENT_REGISTRY[type];
  return { type, title: spec.title, clause: spec.clause, schema };
}

/** What `user` may do on this case now: the machine's next events its role may send, if its organisation is the case's. */
export function actionsForState(user: User, state: CaseState, types: EventType[]) {
  const actor = { role: user.role, org: user.org, user: user.name };
  const mismatch = organisationMismatch(user.role, user.org, state.context.parties as CaseParties);
  if (state.status !== 'active') return { actor, canAct: false, reason: { zh: '本案已完成', en: 'the case is complete' }, actions: [] };
  if (mismatch) return { actor, canAct: false, reason: mismatch, actions: [] };
  return { actor, canAct: true, actions: types.map(actionOf) };
}

/** Leaf paths and their ancestors, as diagram state ids. */
export function highlightOf(activeStates: string[]): string[] {
  const ids = new Set<string>();
  for (const leaf of activeStates) {
    const parts = leaf.split('.');
    for (let i = 1; i <= parts.length; i++) ids.add(`${handoverMachine.id}.${parts.slice(0, i).join('.')}`);
  }
  return [...ids].sort();
}

const svgCache = new Map<string, Promise<string>>();

/** A transition as a reader names it: the decision's Chinese title, the deadline that fires, or nothing. */
function readerTransitionLabel(t: DiagramTransition): string {
  if (t.kind === 'event') return EVENT_REGISTRY[t.eventType as EventType]?.title.zh ?? '';
  if (t.kind === 'after') {
    const delay = /^xstate\.after\.([^.]+)\./.exec(t.eventType)?.[1] ?? '';
    const label = TIMER_LABELS[delay];
    return label ? `期满：${label.zh}` : '期满';
  }
  return '';
}

/** Removes what names identifiers rather than things: Graphviz's <title> elements and hover titles. */
function withoutIdentifiers(svg: string): string {
  return svg.replace(/<title>[^<]*<\/title>\s*/g, '').replace(/\s(?:xlink:)?title="[^"]*"/g, '');
}

/**
 * The statechart as SVG with these states highlighted; layouts are cached per highlight set. Chinese: the readers'
 * view, state and decision names in Chinese only (no event, guard or state identifiers); English: the state keys
 * with event and guard names (the developers' view).
 */
export function diagram(highlight: string[], lang: 'zh' | 'en'): Promise<string> {
  const key = `${lang}|${highlight.join(',')}`;
  let svg = svgCache.get(key);
  if (!svg) {
    svg =
      lang === 'zh'
        ? toSvg(handoverMachine, { labels: diagramLabels('zh', { keys: false }), title: false, highlight, transitionLabels: readerTransitionLabel }).then(withoutIdentifiers)
        : toSvg(handoverMachine, { labels: diagramLabels('en'), title: false, highlight });
    svgCache.set(key, svg);
    svg.catch(() => svgCache.delete(key));
    if (svgCache.size > 200) svgCache.delete(svgCache.keys().next().value!);
  }
  return svg;
}

/**
 * A case as the API shows it: the state, readable labels of its states, its pending deadlines with their working-day
 * explanations, and — when the state carries the context — the one projection (machines/case-view.ts projectCase).
 */
export function caseView(state: CaseSummary & { context?: HandoverContext }) {
  const seen = new Set<string>();
  const deadlines = [];
  for (const t of state.pendingTimers) {
    const d = t.deadline;
    if (!d || seen.has(d.kind)) continue;
    seen.add(d.kind);
    deadlines.push({
      kind: d.kind,
      label: DEADLINE_LABELS[d.kind],
      due: d.due,
      at: d.at,
      clause: d.clause,
      explanation: { zh: d.workingDays ? explainWorkingDays(d.workingDays, 'zh') : [], en: d.workingDays ? explainWorkingDays(d.workingDays, 'en') : [] },
    });
  }
  return {
    caseId: state.caseId,
    state: state as unknown as { stage: string; status: string; activeStates: string[] },
    activeStateLabels: state.activeStates.map((p) => ({ path: p, zh: STATE_LABELS[p]?.zh ?? p, en: STATE_LABELS[p]?.en ?? p })),
    deadlines,
    ...(state.context ? { projection: projectContext(state.stage, state.context, Date.now()) } : {}),
  };
}

/** What `user` may do on this case now, asking the case for its next events. */
export async function actionsForUser(client: Client, user: User, state: CaseState) {
  const byRole = await caseActions(client, state.caseId, user.role);
  return actionsForState(user, state, byRole[user.role] ?? []);
}
