// A past case's history (issue 11, point 5): its opening and its dated decisions, checked in full before anything
// starts. The decisions are stepped through the machine in date order with the gate every live decision passes
// (machines/decide.ts), at the instant of the import, as the workflow will apply them; every problem names the
// decision (its index in the file) and the field, in Chinese with English.
import { initialTransition, type AnyMachineSnapshot } from 'xstate';
import { areaInput, parseCaseOpening, type CaseOpening } from './case-input';
import { projectCase, type CaseProjection } from './case-view';
import { checkDecision, type Refusal } from './decide';
import { parseDecision } from './events';
import { handoverMachine, type HandoverInput, type NotifyParams, type SentNotice } from './handover';
import type { CaseParties } from './roles';
import { DEFAULT_SETTINGS } from './settings';

/** Decisions one history may hold (a case has a few dozen; the gate's own case limits apply as well). */
export const MAX_HISTORY_DECISIONS = 1_000;

/** One problem of a history: `index` is the decision's position in the file (0-based), absent for the opening. */
export interface HistoryProblem {
  index?: number;
  path: string;
  message: { zh: string; en: string };
}

/** One decision as sent to the case: the file's, with a request id that makes a repeated import a no-op. */
export interface HistoryDecision {
  /** Its position in the file. */
  index: number;
  request: { type: string; actor: { role: string; org: string; user?: string }; occurredOn: string; requestId: string; data: unknown };
}

export interface CheckedHistory {
  opening: CaseOpening;
  parties: CaseParties;
  /** In the order they will be sent: by date, the file's order among decisions of one date. */
  decisions: HistoryDecision[];
  /** The case as it will stand once every decision is applied (at `now`). */
  projection: CaseProjection;
  /** What the case will record and send for the record's gaps (dated at their due dates, `afterTheFact`). */
  notices: SentNotice[];
  /** Every notification the import will send, decisions' own included. */
  notifications: NotifyParams[];
}

export type HistoryCheck = { ok: true; history: CheckedHistory } | { ok: false; problems: HistoryProblem[] };

/** The line a person reads for one problem. */
export function historyProblemLine(p: HistoryProblem, lang: 'zh' | 'en'): string {
  const where = p.index === undefined ? (lang === 'zh' ? '开案信息' : 'opening') : lang === 'zh' ? `第 ${p.index + 1} 项决定（decisions[${p.index}]）` : `decision ${p.index + 1} (decisions[${p.index}])`;
  return `${where} ${p.path}: ${p.message[lang]}`;
}

/** The parties as the case is opened with them (client/cases.ts startCase does the same). */
export function partiesOf(o: CaseOpening): CaseParties {
  return { creditCode: o.creditCode, district: o.district, township: o.township ? `${o.district}/${o.township}` : undefined, parentGroup: o.parentGroup };
}

const bilingual = (message: string) => {
  // Field messages are "中文 (English)"; keep both.
  const m = /^(.*) \(([^()]*)\)$/.exec(message);
  return m ? { zh: m[1]!, en: m[2]! } : { zh: message, en: message };
};

/** The field a refusal is about, when it names none itself. */
function refusalPath(r: Refusal): string {
  switch (r.code) {
    case 'wrongRole':
      return 'actor.role';
    case 'wrongOrganisation':
      return 'actor.org';
    case 'futureDate':
      return 'occurredOn';
    case 'wrongStage':
      return 'type';
    default:
      return '(decision)';
  }
}

/**
 * Checks a whole history at instant `now` (epoch ms) without starting anything: the opening, every decision's
 * payload, then each decision in date order through the gate on the machine stepped so far. Stops stepping at the
 * first refused decision (the ones after it would be judged on a case that cannot exist).
 */
export function checkHistory(raw: unknown, now: number): HistoryCheck {
  const problems: HistoryProblem[] = [];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: [{ path: '(root)', message: { zh: '须为含 opening 和 decisions 的对象', en: 'must be an object with opening and decisions' } }] };
  }
  const { opening: rawOpening, decisions: rawDecisions, ...extra } = raw as Record<string, unknown>;
  for (const key of Object.keys(extra)) problems.push({ path: key, message: { zh: '未知字段', en: 'unknown field' } });
  const opening = parseCaseOpening(rawOpening ?? {});
  if (!opening.success) {
    for (const i of opening.error.issues) problems.push({ path: `opening.${i.path.join('.')}`.replace(/\.$/, ''), message: bilingual(i.message) });
  }
  if (!Array.isArray(rawDecisions) || rawDecisions.length === 0) {
    problems.push({ path: 'decisions', message: { zh: '须为至少一项决定的列表', en: 'must be a list of at least one decision' } });
  } else if (rawDecisions.length > MAX_HISTORY_DECISIONS) {
    problems.push({ path: 'decisions', message: { zh: `决定过多（${rawDecisions.length} 项，上限 ${MAX_HISTORY_DECISIONS}）`, en: `too many decisions (${rawDecisions.length}, at most ${MAX_HISTORY_DECISIONS})` } });
  }
  const decisions: HistoryDecision[] = [];
  if (Array.isArray(rawDecisions) && rawDecisions.length <= MAX_HISTORY_DECISIONS) {
    rawDecisions.forEach((raw, index) => {
      // A decision without a payload (SURVEY_CONFIRMED, WORK_PLAN_ACCEPTED…) may leave `data` out.
      const d = raw && typeof raw === 'object' && !Array.isArray(raw) && !('data' in raw) ? { ...raw, data: {} } : raw;
      const parsed = parseDecision(d);
      if (!parsed.ok) {
        for (const i of parsed.issues) problems.push({ index, path: i.path, message: bilingual(i.message) });
        return;
      }
      const e = parsed.event;
      decisions.push({ index, request: { type: e.type, actor: e.actor, occurredOn: e.occurredOn, requestId: e.requestId ?? `history-${index + 1}`, data: (d as { data?: unknown }).data ?? {} } });
    });
  }
  const ids = new Map<string, number>();
  for (const d of decisions) {
    const first = ids.get(d.request.requestId);
    if (first !== undefined) problems.push({ index: d.index, path: 'requestId', message: { zh: `与第 ${first + 1} 项决定的请求编号相同`, en: `the same request id as decision ${first + 1}` } });
    else ids.set(d.request.requestId, d.index);
  }
  if (opening.success && (opening.data.settings?.lateRecordGraceHours ?? DEFAULT_SETTINGS.lateRecordGraceHours) < 1) {
    problems.push({
      path: 'opening.settings.lateRecordGraceHours',
      message: { zh: '补录历史时须至少为 1 小时：为 0 时，已过的期限会在下一项记录到达前就发出通知', en: 'must be at least 1 hour for a history: with 0, a passed deadline would notify before the next record arrives' },
    });
  }
  if (problems.length || !opening.success) return { ok: false, problems };

  // Date order; the file's order among decisions of one date (Array.prototype.sort is stable).
  decisions.sort((a, b) => (a.request.occurredOn < b.request.occurredOn ? -1 : a.request.occurredOn > b.request.occurredOn ? 1 : 0));
  const o = opening.data;
  const parties = partiesOf(o);
  const input: HandoverInput = {
    caseId: 'history-check',
    parties,
    enterpriseName: o.enterpriseName,
    ...areaInput(o),
    plannedCompletion: o.plannedCompletion,
    startedAt: new Date(now).toISOString(),
    settings: o.settings,
  };
  let [snapshot, actions] = initialTransition(handoverMachine, input) as unknown as [AnyMachineSnapshot, unknown[]];
  const notifications: NotifyParams[] = [];
  const collect = (list: unknown[]) => {
    for (const a of list as Array<{ type: string; params?: unknown }>) if (a.type === 'notify') notifications.push(a.params as NotifyParams);
  };
  collect(actions);
  for (const d of decisions) {
    const check = checkDecision(snapshot, parties, d.request, now);
    if (!check.ok) {
      const r = check.refusal;
      const issues = r.issues?.length ? r.issues.map((i) => ({ path: i.path, message: bilingual(i.message) })) : [{ path: refusalPath(r), message: r.message }];
      return { ok: false, problems: issues.map((i) => ({ index: d.index, ...i })) };
    }
    snapshot = check.step.snapshot;
    actions = check.step.actions;
    collect(actions);
  }
  const context = snapshot.context as { notices?: { latest: SentNotice[] } };
  return {
    ok: true,
    history: { opening: o, parties, decisions, projection: projectCase(snapshot, now), notices: context.notices?.latest ?? [], notifications },
  };
}
