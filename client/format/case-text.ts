// A case, its timeline and its deadlines as readable lines in Chinese or English.
import { explainWorkingDays } from '../../machines/calendar';
import { STAGE_LABELS, projectContext } from '../../machines/case-view';
import { projectionLines } from './projection-text';
import { EVENT_REGISTRY, type EventType } from '../../machines/events';
import type { Deadline } from '../../machines/handover';
import { DEADLINE_LABELS, NOTIFY_LABELS, TIMER_LABELS, stateLabel } from '../../machines/labels';
import { ROLE_NAMES, type Role } from '../../machines/roles';
import type { CaseState, CaseSummary, TimelineEntry } from '../../workflows/messages';

type Lang = 'zh' | 'en';
const L = (lang: Lang, zh: string, en: string) => (lang === 'zh' ? zh : en);
/** `label：value` in Chinese, `label: value` in English. */
export const kv = (lang: Lang, zh: string, en: string, value: string) => `${L(lang, zh, en)}${L(lang, '：', ': ')}${value}`;
/** `（text）` in Chinese, ` (text)` in English. */
const paren = (lang: Lang, text: string) => L(lang, `（${text}）`, ` (${text})`);

/** An instant as Beijing time, `YYYY-MM-DD HH:mm`. */
export function beijingTime(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

export function eventTitle(type: string, lang: Lang): string {
  const spec = EVENT_REGISTRY[type as EventType];
  return spec ? `${spec.title[lang]} (${type})` : type;
}

export function deadlineLines(d: Deadline, lang: Lang): string[] {
  const when = L(lang, `北京时间 ${beijingTime(d.at)} 到期，${d.clause}`, `due ${beijingTime(d.at)} Beijing time, ${d.clause}`);
  const head = kv(lang, DEADLINE_LABELS[d.kind].zh, DEADLINE_LABELS[d.kind].en, `${d.due}${paren(lang, when)}`);
  return [head, ...(d.workingDays ? explainWorkingDays(d.workingDays, lang).map((l) => `    ${l}`) : [])];
}

const CLOSED: Record<string, { zh: string; en: string }> = {
  done: { zh: '，已结案', en: ', closed' },
  failed: { zh: '，已失败终止', en: ', failed' },
  terminated: { zh: '，已被强制终止', en: ', terminated' },
  cancelled: { zh: '，已撤销', en: ', cancelled' },
  timedOut: { zh: '，已超时终止', en: ', timed out' },
};

/** A case's state (a decision reply has no context: enterprise and district lines are left out). */
export function caseStateLines(s: CaseSummary & { context?: CaseState['context'] }, lang: Lang, actions?: Partial<Record<Role, EventType[]>>): string[] {
  const c = s.context;
  // With the context: the one projection (machines/case-view.ts), as the API, console and reports show it.
  const p = c ? projectContext(s.stage, c, Date.now()) : undefined;
  const lines = [
    kv(lang, '案件', 'Case', s.caseId),
    ...(c
      ? [
          kv(lang, '企业', 'Enterprise', `${c.enterpriseName}${paren(lang, c.parties.creditCode)}`),
          kv(lang, '区县', 'District', c.parties.district + (c.parties.township ? `${L(lang, '，', ', ')}${kv(lang, '接收单位', 'receiver', c.parties.township.split('/')[1] ?? '')}` : '')),
        ]
      : []),
    kv(lang, '阶段', 'Stage', `${STAGE_LABELS[s.stage][lang]}${paren(lang, STAGE_LABELS[s.stage].clause)}${CLOSED[s.status]?.[lang] ?? ''}`),
    kv(lang, '当前状态', 'Current state', s.activeStates.map((p) => stateLabel(p, lang)).join(L(lang, '；', '; '))),
    ...(p ? projectionLines(p, lang).slice(1, 3) : [kv(lang, '信访维稳责任（§四(二)）', 'Petition responsibility (§四(二))', ROLE_NAMES[s.responsibility][lang])]),
    kv(lang, '逾期', 'Overdue', (p?.overdue ?? s.overdue) ? L(lang, '是', 'yes') : L(lang, '否', 'no')),
    kv(lang, '已办理决定', 'Decisions taken', String(s.decisions)),
  ];
  if (p) lines.push(...projectionLines(p, lang).slice(4));
  const pending = s.pendingTimers.filter((t) => t.deadline);
  if (pending.length) {
    lines.push(kv(lang, '期限', 'Deadlines', ''));
    const seen = new Set<string>();
    for (const t of pending) {
      if (seen.has(t.deadline!.kind)) continue;
      seen.add(t.deadline!.kind);
      lines.push(...deadlineLines(t.deadline!, lang).map((l) => `  ${l}`));
    }
  }
  if (actions) {
    const rows = Object.entries(actions).filter(([, types]) => types && types.length > 0);
    if (rows.length) {
      lines.push(kv(lang, '当前可办理', 'Actions available now', ''));
      for (const [role, types] of rows) lines.push(`  ${kv(lang, `${ROLE_NAMES[role as Role].zh}（${role}）`, `${ROLE_NAMES[role as Role].en} (${role})`, types!.join(', '))}`);
    }
  }
  return lines;
}

export function timelineLines(entries: TimelineEntry[], lang: Lang): string[] {
  return entries.map((e) => {
    const when = beijingTime(e.at);
    if (e.kind === 'decision') {
      const who = e.actor ? `${ROLE_NAMES[e.actor.role as Role]?.[lang] ?? e.actor.role} ${e.actor.org}${e.actor.user ? ` (${e.actor.user})` : ''}` : '';
      const late = e.occurredOn && e.occurredOn !== e.at.slice(0, 10) ? L(lang, `（决定日期 ${e.occurredOn}）`, ` (decided ${e.occurredOn})`) : '';
      return `${String(e.seq).padStart(3)}  ${when}  ${eventTitle(e.type, lang)} — ${who}${late} → ${e.after.map((p) => stateLabel(p, lang)).join('；')}`;
    }
    if (e.kind === 'notification') {
      const label = NOTIFY_LABELS[e.type as keyof typeof NOTIFY_LABELS]?.[lang] ?? e.type;
      return `${String(e.seq).padStart(3)}  ${when}  ${L(lang, '通知', 'notification')}：${label}`;
    }
    return `${String(e.seq).padStart(3)}  ${when}  ${L(lang, '到期', 'timer')}：${TIMER_LABELS[e.type]?.[lang] ?? e.type} → ${e.after.map((p) => stateLabel(p, lang)).join('；')}`;
  });
}
