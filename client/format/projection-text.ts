// The one projection of a case (machines/case-view.ts projectCase) as readable lines: stage, handed over or not,
// responsibility with its reason, every deadline with its explanation and status (met / pending / missed).
import type { CaseProjection } from '../../machines/case-view';
import type { SentNotice } from '../../machines/handover';
import { NOTIFY_LABELS } from '../../machines/labels';
import { ROLE_NAMES } from '../../machines/roles';

type Lang = 'zh' | 'en';
const L = (lang: Lang, zh: string, en: string) => (lang === 'zh' ? zh : en);

const STATUS: Record<string, { zh: string; en: string }> = {
  met: { zh: '已完成', en: 'met' },
  pending: { zh: '未到期', en: 'pending' },
  missed: { zh: '已逾期', en: 'missed' },
};

export function projectionLines(p: CaseProjection, lang: Lang): string[] {
  const handed = p.handedOver
    ? L(lang, `是（${p.handedOverOn ?? ''}${p.inTransition ? '，过渡期中' : ''}）`, `yes (${p.handedOverOn ?? ''}${p.inTransition ? ', in transition' : ''})`)
    : L(lang, '否', 'no');
  const lines = [
    `${L(lang, '阶段', 'Stage')}${L(lang, '：', ': ')}${p.stageLabel[lang]}`,
    `${L(lang, '已移交', 'Handed over')}${L(lang, '：', ': ')}${handed}`,
    `${L(lang, '信访维稳责任', 'Responsibility')}${L(lang, '：', ': ')}${ROLE_NAMES[p.responsibility.party][lang]} — ${p.responsibility.reason[lang]}`,
    `${L(lang, '逾期', 'Overdue')}${L(lang, '：', ': ')}${p.overdue ? L(lang, '是', 'yes') : L(lang, '否', 'no')}`,
  ];
  if (p.areas) {
    lines.push(`${L(lang, '各职工家属区社区组建（§二(一)）', 'Each residential area (§二(一))')}${L(lang, '：', ':')}`);
    for (const a of p.areas) {
      const people = a.people !== undefined ? L(lang, `，${a.people} 人`, `, ${a.people} people`) : '';
      lines.push(`  ${a.name}${people}: ${a.stageLabel[lang]}${a.establishedOn ? ` ${a.establishedOn}` : ''}`);
    }
  }
  if (p.deadlines.length) {
    lines.push(`${L(lang, '全部期限', 'Every deadline')}${L(lang, '：', ':')}`);
    for (const d of p.deadlines) lines.push(`  [${STATUS[d.status]![lang]}] ${d.label[lang]}: ${d.explanation[lang]}`);
  }
  return lines;
}

/** Notices a case recorded: what, to whom, dated when, marked when recorded after the fact. */
export function noticeLines(notices: SentNotice[], lang: Lang): string[] {
  return notices.map((n) => {
    const label = NOTIFY_LABELS[n.reason]?.[lang] ?? n.reason;
    const to = n.to.map((r) => ROLE_NAMES[r][lang]).join(L(lang, '、', ', '));
    const late = n.afterTheFact ? L(lang, '（补记，事后记录）', ' (recorded after the fact)') : '';
    return `  ${n.on}  ${label} → ${to}${late}`;
  });
}
