// The progress table (附件2, §四(三)) and the year-end summary, built from the live state of cases.
// The notice does not reproduce 附件2; these are the columns a city bureau asks for. Pure: the
// states are queried elsewhere (activities/reports) and handed in.
import { yearlyCount } from './bounded-context';
import { STAGES, STAGE_LABELS, countsAsComplete, projectContext, remindsOf, type Stage } from './case-view';
import type { Deadline, HandoverContext } from './handover';
import { DEADLINE_LABELS, stateLabel } from './labels';

type Lang = 'zh' | 'en';
type Localized = { zh: string; en: string };

/** What the tables need of a case: the `caseState` query's answer satisfies it. */
export interface CaseSnapshotView {
  caseId: string;
  definitionVersion: string;
  status: string;
  stage: Stage;
  activeStates: string[];
  responsibility: 'enterprise' | 'township';
  overdue: boolean;
  nextDeadline?: { dueAt: string; deadline?: Deadline };
  context: HandoverContext;
  /** Workers and family members from the plan table, when the case was opened with them. */
  plannedPeople?: number;
}

export const PROGRESS_COLUMNS: ReadonlyArray<{ key: string; zh: string; en: string; width: number }> = [
  { key: 'no', zh: '序号', en: 'No.', width: 6 },
  { key: 'district', zh: '区县', en: 'District', width: 12 },
  { key: 'enterprise', zh: '企业名称', en: 'Enterprise', width: 28 },
  { key: 'creditCode', zh: '统一社会信用代码', en: 'Credit code', width: 22 },
  { key: 'residentialArea', zh: '职工家属区（社区）', en: 'Residential area (community)', width: 22 },
  { key: 'people', zh: '移交人数', en: 'People transferred', width: 10 },
  { key: 'stage', zh: '当前阶段', en: 'Stage', width: 24 },
  { key: 'planAgreedOn', zh: '工作方案达成日期', en: 'Work plan agreed on', width: 14 },
  { key: 'agreementSignedOn', zh: '协议签订日期', en: 'Agreement signed on', width: 14 },
  { key: 'agreementOverdue', zh: '协议是否逾期', en: 'Agreement overdue', width: 10 },
  { key: 'facilities', zh: '设施移交/检测情况', en: 'Facilities handover / inspection', width: 30 },
  { key: 'community', zh: '社区组建情况', en: 'Community set-up', width: 24 },
  { key: 'transition', zh: '过渡期', en: 'Transition period', width: 24 },
  { key: 'responsibility', zh: '责任主体', en: 'Responsible party', width: 10 },
  { key: 'nextDeadline', zh: '下一期限', en: 'Next deadline', width: 28 },
  { key: 'remarks', zh: '备注', en: 'Remarks', width: 36 },
];

export type ProgressRow = Record<string, string | number>;

const yesNo = (b: boolean, lang: Lang) => (lang === 'zh' ? (b ? '是' : '否') : b ? 'yes' : 'no');

/** People handed over to social management: the survey's self-managed count, else the plan's figure. */
export function peopleTransferred(c: CaseSnapshotView): number | undefined {
  return c.context.survey?.selfManagedPeople ?? c.plannedPeople;
}

export function facilityArea(c: CaseSnapshotView): number {
  return c.context.facilities.handedOver?.areaM2 ?? 0;
}

function branchState(c: CaseSnapshotView, branch: string): string | undefined {
  return c.activeStates.find((s) => s.startsWith(`implementation.${branch}.`));
}

function facilitiesText(c: CaseSnapshotView, lang: Lang): string {
  const f = c.context.facilities;
  const parts: string[] = [];
  const state = branchState(c, 'facilities');
  if (countsAsComplete(c.stage) || state === 'implementation.facilities.accepted') parts.push(lang === 'zh' ? '已接收' : 'accepted');
  else if (state) parts.push(stateLabel(state, lang));
  else parts.push(lang === 'zh' ? '未开始' : 'not started');
  const items = f.handedOver?.itemCount ?? 0;
  if (items) parts.push(lang === 'zh' ? `${items} 处 ${facilityArea(c)}㎡` : `${items} item(s), ${facilityArea(c)} m²`);
  if (f.inspections.count) {
    const failed = f.inspections.failed;
    parts.push(lang === 'zh' ? `检测 ${f.inspections.count} 次（未通过 ${failed} 次）` : `${f.inspections.count} inspection(s), ${failed} failed`);
  }
  if (f.rectifications.count) parts.push(lang === 'zh' ? `整治 ${f.rectifications.count} 次` : `${f.rectifications.count} rectification(s)`);
  return parts.join(lang === 'zh' ? '；' : '; ');
}

const ROUTES: Record<string, Localized> = {
  setUpDirectly: { zh: '直接设立社区', en: 'set up directly' },
  setUpAndElect: { zh: '设立并选举', en: 'set up and elect' },
  mergeIntoNeighbour: { zh: '并入相邻社区', en: 'merge into neighbour' },
};

function communityText(c: CaseSnapshotView, lang: Lang): string {
  const k = c.context.community;
  const parts: string[] = [];
  const state = branchState(c, 'community');
  if (countsAsComplete(c.stage) || state === 'implementation.community.established') parts.push(lang === 'zh' ? '已组建' : 'established');
  else if (state) parts.push(stateLabel(state, lang));
  else parts.push(lang === 'zh' ? '未开始' : 'not started');
  if (k.route) parts.push(ROUTES[k.route]?.[lang] ?? k.route);
  if (k.communityName) parts.push(k.communityName);
  if (k.mergedInto) parts.push(lang === 'zh' ? `并入${k.mergedInto}` : `merged into ${k.mergedInto}`);
  if (k.committeeElectedOn) parts.push(lang === 'zh' ? `居委会选举 ${k.committeeElectedOn}` : `committee elected ${k.committeeElectedOn}`);
  return parts.join(lang === 'zh' ? '；' : '; ');
}

function transitionText(c: CaseSnapshotView, lang: Lang): string {
  const t = c.context.transition;
  if (t.established) {
    const phase = c.stage === 'handedOver' ? (lang === 'zh' ? '（已移交，过渡期中）' : ' (handed over, in transition)') : c.stage === 'completed' ? (lang === 'zh' ? '（已结束）' : ' (ended)') : '';
    return lang === 'zh' ? `${t.startsOn} 至 ${t.endsOn}${phase}` : `${t.startsOn} to ${t.endsOn}${phase}`;
  }
  if (t.established === false) return lang === 'zh' ? '不设过渡期' : 'none';
  return lang === 'zh' ? '未确定' : 'not decided';
}

function remarksText(c: CaseSnapshotView, lang: Lang): string {
  const x = c.context;
  const parts: string[] = [];
  // The case keeps the latest escalations and problems; the earlier ones are counted (full record: the case timeline).
  const earlier = (n: number, zh: string, en: string) => {
    if (n > 0) parts.push(lang === 'zh' ? `另有较早${zh} ${n} 项` : `${n} earlier ${en}`);
  };
  earlier(x.workPlan.escalations.count - x.workPlan.escalations.latest.length, '报请协调', 'escalation(s)');
  for (const e of x.workPlan.escalations.latest) {
    const to = e.level === 'cityCivilAffairs' ? { zh: '市民政局', en: 'city civil affairs' } : { zh: '市城管委', en: 'urban management' };
    parts.push(lang === 'zh' ? `${e.on} ${e.auto ? '自动' : ''}报请${to.zh}协调` : `${e.on} ${e.auto ? 'automatically ' : ''}escalated to ${to.en}`);
  }
  if (x.missed.agreement) parts.push(lang === 'zh' ? '协议逾期已报请协调' : 'agreement overdue, escalated');
  if (x.missed.cityTarget) {
    const t = x.deadlines.cityTarget;
    parts.push(lang === 'zh' ? `未在目标日期${t ? ` ${t.due}` : ''}前完成移交` : `not handed over by the target date${t ? ` ${t.due}` : ''}`);
  }
  if (x.handedOverOn) parts.push(lang === 'zh' ? `${x.handedOverOn} 已移交` : `handed over ${x.handedOverOn}`);
  earlier(x.majorProblems.count - x.majorProblems.latest.length, '重大问题', 'major problem(s)');
  for (const p of x.majorProblems.latest) parts.push(lang === 'zh' ? `重大问题${p.id}：${p.summary}${p.filedOn ? '（已备案）' : ''}` : `major problem ${p.id}: ${p.summary}${p.filedOn ? ' (filed)' : ''}`);
  if (x.agreement.supplementary) parts.push(lang === 'zh' ? '已移交未签协议，补签' : 'supplementary agreement');
  if (x.plannedCompletion) parts.push(lang === 'zh' ? `计划完成 ${x.plannedCompletion}` : `planned completion ${x.plannedCompletion}`);
  return parts.join(lang === 'zh' ? '；' : '; ');
}

export function stageText(c: CaseSnapshotView, lang: Lang): string {
  const stage = STAGE_LABELS[c.stage][lang];
  if (c.stage === 'completed' || c.stage === 'implementation' || c.stage === 'handedOver') return stage;
  const leaf = c.activeStates[0];
  return leaf ? `${stage}（${stateLabel(leaf, lang)}）` : stage;
}

/**
 * One row of the progress table. With `now` (the table's instant) its responsibility, agreement status and missed
 * deadlines come from the one projection of the case (machines/case-view.ts projectCase), as the API, CLI and console show them.
 */
export function progressRow(c: CaseSnapshotView, no: number, lang: Lang, now?: number): ProgressRow {
  const x = c.context;
  const next = c.nextDeadline?.deadline;
  const p = now === undefined ? undefined : projectContext(c.stage, x, now);
  const responsible = p?.responsibility.party ?? c.responsibility;
  const agreementMissed = p ? p.overdue || p.deadlines.some((d) => d.kind === 'agreement' && d.status === 'missed') : c.overdue;
  // The agreement and the target have their own columns; a reminder shares its deadline's status and is not listed.
  const missed = (p?.deadlines ?? []).filter((d) => d.status === 'missed' && d.kind !== 'agreement' && d.kind !== 'cityTarget' && !remindsOf(d.kind)).map((d) => `${d.label[lang]} ${d.due}`);
  return {
    no,
    district: x.parties.district,
    enterprise: x.enterpriseName,
    creditCode: x.parties.creditCode,
    residentialArea: x.residentialArea ?? '',
    people: peopleTransferred(c) ?? '',
    stage: stageText(c, lang),
    planAgreedOn: x.workPlan.agreedOn ?? '',
    agreementSignedOn: x.agreement.signedOn ?? '',
    agreementOverdue: yesNo(agreementMissed || x.agreement.late === true, lang),
    facilities: facilitiesText(c, lang),
    community: communityText(c, lang),
    transition: transitionText(c, lang),
    responsibility: lang === 'zh' ? (responsible === 'enterprise' ? '企业' : '街道（乡镇）') : responsible,
    nextDeadline: next ? `${next.due} ${DEADLINE_LABELS[next.kind][lang]}` : '',
    remarks: [remarksText(c, lang), ...(missed.length ? [lang === 'zh' ? `已过期限：${missed.join('、')}` : `deadlines missed: ${missed.join(', ')}`] : [])].filter((t) => t).join(lang === 'zh' ? '；' : '; '),
  };
}

// ---- Year-end summary ----

export interface SummaryCounts {
  district: string;
  cases: number;
  byStage: Record<Stage, number>;
  completed: number;
  completedThisYear: number;
  /** Handed over, with the transition period still running (counted in `completed` too). */
  inTransition: number;
  overdue: number;
  facilityAreaM2: number;
  peopleTransferred: number;
  escalations: { cityCivilAffairs: number; cityUrbanManagement: number; agreementDeadline: number };
  /** Coordination outcomes recorded in the year: resolved / escalated further. */
  coordinationResolved: number;
  coordinationEscalated: number;
  majorProblems: number;
  majorProblemsFiled: number;
}

export interface SummaryCase {
  state: CaseSnapshotView;
  /** The date the case reached `completed`, when it did. */
  completedOn?: string;
}

function emptyCounts(district: string): SummaryCounts {
  return {
    district,
    cases: 0,
    byStage: Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>,
    completed: 0,
    completedThisYear: 0,
    inTransition: 0,
    overdue: 0,
    facilityAreaM2: 0,
    peopleTransferred: 0,
    escalations: { cityCivilAffairs: 0, cityUrbanManagement: 0, agreementDeadline: 0 },
    coordinationResolved: 0,
    coordinationEscalated: 0,
    majorProblems: 0,
    majorProblemsFiled: 0,
  };
}

/**
 * Counts for one district (or the city when `district` is '全市'). Stages, completion and overdue
 * are as of the moment the states were read; dated facts (escalations, outcomes, problems,
 * completions) count when they fall in `year`. Facility area and people count for cases whose
 * handover is done (agreement signed), up to that moment.
 */
export function summarise(district: string, cases: readonly SummaryCase[], year: number): SummaryCounts {
  const s = emptyCounts(district);
  const inYear = (date?: string) => !!date && date.startsWith(`${year}-`);
  for (const { state: c, completedOn } of cases) {
    const x = c.context;
    s.cases++;
    s.byStage[c.stage]++;
    // §四(三) "移交任务完成": handed over counts as complete, the transition period beside it.
    if (countsAsComplete(c.stage)) s.completed++;
    if (countsAsComplete(c.stage) && inYear(x.handedOverOn ?? completedOn)) s.completedThisYear++;
    if (c.stage === 'handedOver') s.inTransition++;
    if (c.overdue) s.overdue++;
    if (x.handedOverOn) {
      if (x.facilities.handedOver) s.facilityAreaM2 += facilityArea(c);
      s.peopleTransferred += peopleTransferred(c) ?? 0;
    }
    s.escalations.cityCivilAffairs += yearlyCount(x, year, 'escalatedToCityCivilAffairs');
    s.escalations.cityUrbanManagement += yearlyCount(x, year, 'escalatedToCityUrbanManagement');
    if (x.missed.agreement && inYear(x.deadlines.agreement?.due)) s.escalations.agreementDeadline++;
    s.coordinationResolved += yearlyCount(x, year, 'coordinationResolved');
    s.coordinationEscalated += yearlyCount(x, year, 'coordinationEscalated');
    s.majorProblems += yearlyCount(x, year, 'majorProblemsReported');
    s.majorProblemsFiled += yearlyCount(x, year, 'majorProblemsFiled');
  }
  return s;
}

export function addCounts(into: SummaryCounts, more: SummaryCounts): SummaryCounts {
  const r = structuredClone(into);
  r.cases += more.cases;
  for (const st of STAGES) r.byStage[st] += more.byStage[st];
  r.completed += more.completed;
  r.completedThisYear += more.completedThisYear;
  r.inTransition += more.inTransition;
  r.overdue += more.overdue;
  r.facilityAreaM2 += more.facilityAreaM2;
  r.peopleTransferred += more.peopleTransferred;
  r.escalations.cityCivilAffairs += more.escalations.cityCivilAffairs;
  r.escalations.cityUrbanManagement += more.escalations.cityUrbanManagement;
  r.escalations.agreementDeadline += more.escalations.agreementDeadline;
  r.coordinationResolved += more.coordinationResolved;
  r.coordinationEscalated += more.coordinationEscalated;
  r.majorProblems += more.majorProblems;
  r.majorProblemsFiled += more.majorProblemsFiled;
  return r;
}

export function cityTotal(districts: readonly SummaryCounts[], name = '全市'): SummaryCounts {
  return districts.reduce((acc, d) => addCounts(acc, d), emptyCounts(name));
}

/** The summary's columns, in order, with how each reads its value. */
export const SUMMARY_COLUMNS: ReadonlyArray<{ zh: string; en: string; value: (s: SummaryCounts) => string | number }> = [
  { zh: '区县', en: 'District', value: (s) => s.district },
  { zh: '案件总数', en: 'Cases', value: (s) => s.cases },
  ...STAGES.map((st) => ({ zh: `${STAGE_LABELS[st].zh}阶段`, en: `Stage: ${STAGE_LABELS[st].en}`, value: (s: SummaryCounts) => s.byStage[st] })),
  { zh: '已完成', en: 'Completed', value: (s) => s.completed },
  { zh: '本年完成', en: 'Completed this year', value: (s) => s.completedThisYear },
  { zh: '已移交、过渡期中', en: 'Handed over, in transition', value: (s) => s.inTransition },
  { zh: '逾期', en: 'Overdue', value: (s) => s.overdue },
  { zh: '移交设施面积（㎡）', en: 'Facility area handed over (m²)', value: (s) => s.facilityAreaM2 },
  { zh: '移交人数', en: 'People transferred', value: (s) => s.peopleTransferred },
  { zh: '报请市民政局协调', en: 'Escalated to city civil affairs', value: (s) => s.escalations.cityCivilAffairs },
  { zh: '报请市城管委协调', en: 'Escalated to urban management', value: (s) => s.escalations.cityUrbanManagement },
  { zh: '协议逾期报请', en: 'Agreement deadline escalations', value: (s) => s.escalations.agreementDeadline },
  { zh: '协调达成一致', en: 'Coordination resolved', value: (s) => s.coordinationResolved },
  { zh: '协调未果继续报请', en: 'Coordination escalated further', value: (s) => s.coordinationEscalated },
  { zh: '重大问题', en: 'Major problems', value: (s) => s.majorProblems },
  { zh: '重大问题已备案', en: 'Major problems filed', value: (s) => s.majorProblemsFiled },
];
