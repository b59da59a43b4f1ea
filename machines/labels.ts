// Chinese and English names of every state and deadline, for people reading a case or the diagram.
import type { DeadlineKind, NotifyReason } from './handover';

/** Keyed by state path below the root, e.g. `agreement.drafting`. */
export const STATE_LABELS: Record<string, { zh: string; en: string }> = {
  survey: { zh: '摸排', en: 'survey' },
  'survey.collecting': { zh: '摸排中', en: 'collecting figures' },
  'survey.surveyed': { zh: '已摸排', en: 'surveyed' },
  planAdjustment: { zh: '计划调整', en: 'plan adjustment' },
  'planAdjustment.jointApplication': { zh: '联合申请', en: 'joint application' },
  'planAdjustment.districtReview': { zh: '区县政府复核', en: 'district review' },
  'planAdjustment.cityVerification': { zh: '市级认定', en: 'city verification' },
  'planAdjustment.filing': { zh: '报市民政局备案', en: 'filing' },
  workPlan: { zh: '工作方案', en: 'work plan' },
  'workPlan.negotiating': { zh: '协商中', en: 'negotiating' },
  'workPlan.cityCivilAffairsCoordination': { zh: '市民政局协调', en: 'city civil affairs coordination' },
  'workPlan.cityUrbanManagementCoordination': { zh: '市城管委协调', en: 'urban management coordination' },
  agreement: { zh: '移交协议', en: 'agreement' },
  'agreement.drafting': { zh: '待签订', en: 'awaiting signatures' },
  'agreement.overdue': { zh: '逾期已报请协调', en: 'overdue, escalated' },
  'agreement.supplementary': { zh: '补签协议', en: 'supplementary agreement' },
  implementation: { zh: '实施移交', en: 'implementation' },
  'implementation.facilities': { zh: '社区服务设施', en: 'facilities' },
  'implementation.facilities.awaitingHandover': { zh: '待移交', en: 'awaiting handover' },
  'implementation.facilities.inspecting': { zh: '检测评估', en: 'inspecting' },
  'implementation.facilities.rectifying': { zh: '整治中', en: 'rectifying' },
  'implementation.facilities.accepted': { zh: '已接收', en: 'accepted' },
  'implementation.community': { zh: '社区组建', en: 'community set-up' },
  'implementation.community.choosingSetup': { zh: '确定组建方式', en: 'choosing set-up' },
  'implementation.community.establishing': { zh: '设立社区', en: 'establishing' },
  'implementation.community.electing': { zh: '选举居委会', en: 'electing committee' },
  'implementation.community.merging': { zh: '并入相邻社区', en: 'merging' },
  'implementation.community.perArea': { zh: '各家属区分别组建社区', en: 'each residential area set up' },
  'implementation.community.established': { zh: '已组建', en: 'established' },
  'implementation.funding': { zh: '经费与过渡期', en: 'funding and transition' },
  'implementation.funding.awaitingTransitionDecision': { zh: '待定过渡期', en: 'awaiting transition decision' },
  'implementation.funding.transitionAgreed': { zh: '已定过渡期', en: 'transition period agreed' },
  'implementation.funding.inTransition': { zh: '过渡期中', en: 'in transition' },
  'implementation.funding.settled': { zh: '已落实', en: 'settled' },
  handedOver: { zh: '已移交（过渡期中）', en: 'handed over (in transition)' },
  completed: { zh: '已完成', en: 'completed' },
};

export const DEADLINE_LABELS: Record<DeadlineKind, { zh: string; en: string }> = {
  negotiationReminder: { zh: '协商催办（双方）', en: 'negotiation reminder to the parties' },
  negotiationEscalation: { zh: '协商督办（市民政局）', en: 'negotiation supervision by city civil affairs' },
  coordinationEscalation: { zh: '市民政局协调督办', en: 'city civil affairs coordination supervision' },
  urbanCoordinationSupervision: { zh: '市城管委协调督办', en: 'urban management coordination supervision' },
  agreementReminder: { zh: '签订协议提醒', en: 'agreement reminder' },
  agreement: { zh: '签订移交协议期限', en: 'agreement deadline' },
  transitionEnd: { zh: '过渡期结束', en: 'end of transition period' },
  cityTarget: { zh: '完成移交目标日期', en: 'handover target date' },
};

export const NOTIFY_LABELS: Record<NotifyReason, { zh: string; en: string }> = {
  negotiationEscalated: { zh: '协商期满自动报请协调（168-2017.1）', en: 'negotiation escalated (168-2017.1)' },
  negotiationReminder: { zh: '协商催办', en: 'negotiation reminder' },
  negotiationSupervised: { zh: '协商督办', en: 'negotiation supervision' },
  coordinationSupervised: { zh: '市民政局协调督办', en: 'coordination supervision' },
  urbanCoordinationSupervised: { zh: '市城管委协调督办', en: 'urban management coordination supervision' },
  disagreementEscalated: { zh: '方案分歧报请协调', en: 'disagreement escalated' },
  majorDisagreementEscalated: { zh: '重大分歧报请市城管委', en: 'major disagreement escalated' },
  coordinationEscalated: { zh: '协调期满升级', en: 'coordination escalated' },
  agreementReminder: { zh: '签订协议提醒', en: 'agreement reminder' },
  agreementEscalated: { zh: '逾期未签协议报请协调', en: 'agreement overdue, escalated' },
  transitionEndingReminder: { zh: '过渡期即将结束提醒', en: 'transition ending reminder' },
  cityTargetMissed: { zh: '未按目标日期完成移交', en: 'target date missed' },
  majorProblemReported: { zh: '重大问题报告', en: 'major problem reported' },
  adjustmentFiled: { zh: '计划调整备案', en: 'adjustment filed' },
};

export function stateLabel(path: string, lang: 'zh' | 'en'): string {
  return STATE_LABELS[path]?.[lang] ?? path;
}

/** Keyed by the machine's delay names, as timeline entries of kind `timer` carry them. */
export const TIMER_LABELS: Record<string, { zh: string; en: string }> = {
  negotiationReminder: DEADLINE_LABELS.negotiationReminder,
  urbanCoordinationSupervision: DEADLINE_LABELS.urbanCoordinationSupervision,
  negotiationEscalation: DEADLINE_LABELS.negotiationEscalation,
  coordinationEscalation: DEADLINE_LABELS.coordinationEscalation,
  agreementReminder: DEADLINE_LABELS.agreementReminder,
  agreementDeadline: DEADLINE_LABELS.agreement,
  transitionFirstReminder: { zh: '过渡期结束前第一次提醒', en: 'first reminder before the transition ends' },
  transitionSecondReminder: { zh: '过渡期结束前第二次提醒', en: 'second reminder before the transition ends' },
  transitionEnd: DEADLINE_LABELS.transitionEnd,
  cityTarget: DEADLINE_LABELS.cityTarget,
};
