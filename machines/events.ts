// The one event registry: every decision's zod payload schema, who may send it, and the clause it comes from.
import { z } from 'zod';
import { AttachmentRefsSchema, HistoricDateSchema, IsoDateSchema, area, bilingualErrors, count, line, prose, whole, yuan, type AttachmentRef } from './fields';
import { CASE_LIMITS, LIST_LIMITS, MAX_DECISION_BYTES, TEXT_LIMITS, jsonBytes } from './limits';
import { ROLES, RoleSchema, type Role } from './roles';

export { IsoDateSchema } from './fields';

const text = (max: number = TEXT_LIMITS.prose) => prose(max);
const amount = yuan;

/** §三(一): the ten figures of the survey, all required. */
export const SurveyFiguresSchema = z
  .object({
    /** 企业职工及其家属总人数 */
    totalPeople: count,
    /** 已社会化管理人员数 */
    socialisedPeople: count,
    /** 企业自行管理人员数 */
    selfManagedPeople: count,
    /** 居民服务管理组织数量 */
    serviceOrganisations: count,
    /** 居民居住区及公共活动区域面积 (m²) */
    residentialAreaM2: area,
    /** 社区服务设施面积和产权 */
    facilities: z.object({ areaM2: area, ownership: text(TEXT_LIMITS.note) }).strict(),
    /** 居民服务管理工作经费 (CNY per year) */
    annualServiceFundingCny: amount,
    /** 居民服务管理工作人员数 */
    serviceStaff: count,
    /** 居民服务管理工作人员平均待遇 (CNY per month) */
    averagePayCny: amount,
    /** 居民服务管理工作人员“五险一金”缴纳情况 */
    socialInsurance: z.object({ status: z.enum(['fullyPaid', 'partiallyPaid', 'notPaid']), note: text(TEXT_LIMITS.note).optional() }).strict(),
  })
  .strict()
  .refine((f) => f.socialisedPeople + f.selfManagedPeople <= f.totalPeople, {
    message: '已社会化管理人员数与企业自行管理人员数之和不能超过总人数 (socialised + self-managed must not exceed total)',
    path: ['totalPeople'],
  });

const decision = z.object({ approved: z.boolean(), reason: text() }).strict();

/** §三(二): the six sections of a work plan. */
export const WorkPlanSectionsSchema = z
  .object({
    organisation: text(),
    content: text(),
    schedule: text(),
    funding: text(),
    responsibilities: text(),
    safeguards: text(),
  })
  .strict();

/** §三(三): the seven sections of the agreement. */
export const AgreementSectionsSchema = z
  .object({
    parties: text(),
    content: text(),
    method: text(),
    timing: text(),
    rightsAndDuties: text(),
    fundAccounting: text(),
    breachLiability: text(),
  })
  .strict();

const facilityItem = z
  .object({
    kind: z.enum(['workRoom', 'activityRoom', 'outdoorGround']),
    name: line(),
    areaM2: area,
  })
  .strict();

const secondedPerson = z.object({ name: line(TEXT_LIMITS.name), enterprisePayMonthly: amount }).strict();

/** Payload schema, allowed roles and clause of every event. */
/** §二(一): which residential area (家属区) a community decision is about; required when the case holds several. */
const areaName = line().optional().describe('职工家属区名称（案件含多个家属区时必填） (the residential area, required when the case has several)');

export const EVENT_REGISTRY = {
  // §三(一) survey and plan adjustment
  SURVEY_SUBMITTED: { roles: ['districtCivilAffairs', 'township'], clause: '§三(一)', data: SurveyFiguresSchema, title: { zh: '提交摸排结果', en: 'Submit survey' } },
  SURVEY_CONFIRMED: { roles: ['districtCivilAffairs'], clause: '§三(一)', data: z.object({ note: text().optional() }).strict(), title: { zh: '确认摸排结果，按原计划推进', en: 'Confirm survey, keep the plan' } },
  ADJUSTMENT_APPLICATION_SIGNED: {
    roles: ['enterprise', 'township'],
    clause: '§三(一)',
    data: z.object({ reason: text(), proposedChanges: text() }).strict(),
    title: { zh: '签署计划调整联合申请', en: 'Sign joint plan adjustment application' },
  },
  ADJUSTMENT_REVIEWED: { roles: ['districtGovernment'], clause: '§三(一)', data: decision, title: { zh: '区县政府复核计划调整', en: 'District review of plan adjustment' } },
  ADJUSTMENT_OPINION_GIVEN: { roles: ['cityUrbanManagement', 'cityFinance'], clause: '§三(一)', data: decision, title: { zh: '会同认定意见', en: 'Co-verification opinion' } },
  ADJUSTMENT_VERIFIED: {
    roles: ['citySasac'],
    clause: '§三(一)',
    data: decision.extend({ adjustedPlannedCompletion: IsoDateSchema.optional() }).strict(),
    title: { zh: '市专项工作领导小组办公室认定', en: 'City leading group office verification' },
  },
  ADJUSTMENT_FILED: { roles: ['districtCivilAffairs'], clause: '§三(一)', data: z.object({ filingRef: line() }).strict(), title: { zh: '计划调整报市民政局备案', en: 'File adjustment with city civil affairs' } },
  ALREADY_HANDED_OVER_DECLARED: {
    roles: ['districtCivilAffairs'],
    clause: '§三(三)',
    data: z.object({ handedOverOn: HistoricDateSchema, note: text() }).strict(),
    // The declaration is of a handover that already happened.
    rule: (e: { occurredOn: string; data: { handedOverOn: string } }) =>
      e.data.handedOverOn > e.occurredOn
        ? { path: 'data.handedOverOn', message: `移交日期不能晚于声明日期 ${e.occurredOn} (the handover must not be after the declaration)` }
        : undefined,
    title: { zh: '已移交未签协议，补充完善手续', en: 'Already handed over without agreement' },
  },
  // §三(二) work plan and escalation ladder
  WORK_PLAN_PROPOSED: {
    roles: ['township', 'enterprise'],
    clause: '§三(二)',
    // Either the six sections, or the reference of the overall plan it is folded into (纳入总体方案).
    data: z
      .object({ sections: WorkPlanSectionsSchema.optional(), foldedIntoOverallPlan: z.object({ reference: line(TEXT_LIMITS.note) }).strict().optional() })
      .strict()
      .refine((d) => (d.sections === undefined) !== (d.foldedIntoOverallPlan === undefined), {
        message: '须提供六项方案内容（sections）或纳入的总体方案（foldedIntoOverallPlan），二者选一 (give either sections or foldedIntoOverallPlan)',
        path: ['sections'],
      }),
    title: { zh: '提出工作方案', en: 'Propose work plan' },
  },
  WORK_PLAN_ACCEPTED: { roles: ['township', 'enterprise'], clause: '§三(二)', data: z.object({ note: text().optional() }).strict(), title: { zh: '同意工作方案（双方达成一致）', en: 'Accept work plan' } },
  DISAGREEMENT_ESCALATED: {
    roles: ['township', 'enterprise', 'districtCivilAffairs'],
    clause: '§三(二)',
    data: z.object({ major: z.boolean(), summary: text() }).strict(),
    // §三(二): the district may ask for coordination; a major disagreement is declared by a party.
    rule: (e: { actor: { role: string }; data: { major: boolean } }) =>
      e.data.major && e.actor.role === 'districtCivilAffairs'
        ? { path: 'data.major', message: '重大分歧须由一方（乡镇街道或企业）提出 (a major disagreement is declared by a party: township or enterprise)' }
        : undefined,
    title: { zh: '方案未达成一致，报请协调', en: 'Ask for coordination' },
  },
  PARENT_GROUP_OPINION_GIVEN: { roles: ['parentGroup'], clause: '§三(二)', data: z.object({ opinion: text() }).strict(), title: { zh: '上级集团公司协调意见', en: 'Parent group opinion' } },
  COORDINATION_CONCLUDED: {
    roles: ['cityCivilAffairs', 'cityUrbanManagement'],
    clause: '§三(二)',
    // agreedPlan opens the signing window; backToNegotiation (168-2017.1: resolved) returns the case to the parties;
    // referredOn (168-2017.1: majorDisagreement) passes it to 市城管委, only for a major disagreement a party declared.
    data: z
      .object({
        outcome: z.enum(['agreedPlan', 'backToNegotiation', 'referredOn', 'resolved', 'majorDisagreement']),
        summary: text(),
        declaredBy: z.enum(['township', 'enterprise']).optional(),
      })
      .strict(),
    rule: (e: { data: { outcome: string; declaredBy?: string } }) =>
      (e.data.outcome === 'referredOn' || e.data.outcome === 'majorDisagreement') && !e.data.declaredBy
        ? { path: 'data.declaredBy', message: '报请市城管委须由一方（乡镇街道或企业）提出重大分歧：请注明提出方 (a referral to 市城管委 needs the party that declared the major disagreement)' }
        : undefined,
    title: { zh: '协调结论', en: 'Conclude coordination' },
  },
  // §三(三) agreement
  AGREEMENT_SIGNED: {
    roles: ['enterprise', 'districtGovernment'],
    clause: '§三(三)',
    // handoverDate: the 移交时间 the agreement fixes (§三(三)); from then on the township is responsible (§四(二)).
    data: z.object({ sections: AgreementSectionsSchema, handoverDate: IsoDateSchema.optional() }).strict(),
    title: { zh: '签订移交协议', en: 'Sign handover agreement' },
  },
  // §三(四), §二 implementation
  FACILITIES_HANDED_OVER: {
    roles: ['enterprise'],
    clause: '§二(二)',
    data: z
      .object({
        items: z.array(facilityItem).min(1).max(LIST_LIMITS.facilityItems),
        ownershipTransferredTo: line(),
        // §二(二): 工程竣工技术资料、检测记录、修缮记录、后续维护责任等一并移交 — each handed over, not optional.
        documents: z
          .object({
            asBuilt: z.literal(true, { error: '须一并移交工程竣工技术资料 (as-built documents must be handed over, §二(二))' }),
            inspectionRecords: z.literal(true, { error: '须一并移交检测记录 (inspection records must be handed over, §二(二))' }),
            repairRecords: z.literal(true, { error: '须一并移交修缮记录 (repair records must be handed over, §二(二))' }),
            maintenanceDuties: z.literal(true, { error: '须一并移交后续维护责任 (maintenance duties must be handed over, §二(二))' }),
          })
          .strict(),
      })
      .strict(),
    title: { zh: '移交社区服务设施', en: 'Hand over facilities' },
  },
  FACILITIES_INSPECTED: {
    roles: ['districtGovernment', 'districtCivilAffairs'],
    clause: '§二(二)',
    data: z.object({ passed: z.boolean(), findings: text(), failedItems: z.array(line()).max(LIST_LIMITS.failedItems).optional(), costCny: amount }).strict()
      .refine((d) => d.passed || (d.failedItems?.length ?? 0) > 0, { message: '未通过时须列出不达标项目 (list the failed items)', path: ['failedItems'] }),
    title: { zh: '设施检测评估', en: 'Inspect facilities' },
  },
  RECTIFICATION_COMPLETED: {
    roles: ['districtGovernment', 'districtCivilAffairs'],
    clause: '§二(二)',
    data: z.object({ summary: text(), costCny: amount }).strict(),
    title: { zh: '设施整治完成', en: 'Rectification completed' },
  },
  COMMUNITY_SETUP_DECIDED: {
    roles: ['township'],
    clause: '§二(一)',
    data: z
      .object({ hasFamilyCommittee: z.boolean(), meetsConditions: z.boolean(), route: z.enum(['setUpDirectly', 'setUpAndElect', 'mergeIntoNeighbour']), area: areaName })
      .strict()
      .refine((d) => d.route === (d.hasFamilyCommittee ? 'setUpDirectly' : d.meetsConditions ? 'setUpAndElect' : 'mergeIntoNeighbour'), {
        message: '组建方式与情况不符：有家属委员会的直接设立；无家属委员会且符合条件的设立并选举；人口较少的并入相邻社区 (route must follow §二(一))',
        path: ['route'],
      }),
    title: { zh: '确定社区组建方式', en: 'Decide community set-up' },
  },
  COMMUNITY_ESTABLISHED: { roles: ['township'], clause: '§二(一)', data: z.object({ communityName: line(), area: areaName }).strict(), title: { zh: '设立社区', en: 'Establish community' } },
  RESIDENTS_COMMITTEE_ELECTED: { roles: ['township'], clause: '§二(一)', data: z.object({ members: whole(1, 100), area: areaName }).strict(), title: { zh: '依法选举居委会', en: 'Elect residents committee' } },
  COMMUNITY_MERGED: { roles: ['township'], clause: '§二(一)', data: z.object({ intoCommunity: line(), approvalRef: line(), area: areaName }).strict(), title: { zh: '并入相邻社区', en: 'Merge into neighbouring community' } },
  TRANSITION_DECIDED: {
    roles: ['districtGovernment'],
    clause: '§二(一)',
    data: z.discriminatedUnion('establish', [
      z.object({ establish: z.literal(false), reason: text() }).strict(),
      z
        .object({
          establish: z.literal(true),
          startsOn: IsoDateSchema.optional(),
          staff: z.array(secondedPerson).min(1, '过渡期选派1至2名人员 (1 or 2 seconded staff)').max(2, '过渡期选派1至2名人员 (1 or 2 seconded staff)'),
          districtStandardMonthly: amount,
          originalRunningFundsAnnual: amount,
          districtStandardAnnual: amount,
        })
        .strict(),
    ]),
    title: { zh: '决定是否设立过渡期', en: 'Decide transition period' },
  },
  // §四 cross-cutting
  MAJOR_PROBLEM_REPORTED: { roles: ROLES, clause: '§四', data: z.object({ summary: text() }).strict(), title: { zh: '报告重大问题', en: 'Report major problem' } },
  MAJOR_PROBLEM_FILED: { roles: ['cityCivilAffairs'], clause: '§四', data: z.object({ problemId: whole(1, CASE_LIMITS.majorProblems) }).strict(), title: { zh: '重大问题备案', en: 'File major problem' } },
  NEW_TASK_REPORTED: { roles: ['districtCivilAffairs', 'enterprise'], clause: '§四(一)', data: z.object({ description: text(), people: count.optional() }).strict(), title: { zh: '报告新增移交任务', en: 'Report newly found task' } },
  NEW_TASK_VERIFIED: { roles: ['citySasac'], clause: '§四(一)', data: decision.extend({ taskId: whole(1, CASE_LIMITS.newTasks) }).strict(), title: { zh: '核实认定新增任务', en: 'Verify newly found task' } },
} as const satisfies Record<
  string,
  { roles: readonly Role[]; clause: string; data: z.ZodType; title: { zh: string; en: string }; rule?: (e: never) => { path: string; message: string } | undefined }
>;

export type EventType = keyof typeof EVENT_REGISTRY;
export const EVENT_TYPES = Object.keys(EVENT_REGISTRY) as EventType[];

export const ActorSchema = z.object({ role: RoleSchema, org: line(), user: line(TEXT_LIMITS.name).optional() }).strict();
export type Actor = z.infer<typeof ActorSchema>;

/** The envelope every decision travels in; `data` is checked against the registry per type. */
export const EnvelopeSchema = z
  .object({
    type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]),
    actor: ActorSchema,
    /** The date the decision was taken (it may be recorded later). */
    occurredOn: IsoDateSchema,
    /** Client-chosen id: the same request sent twice is applied once. */
    requestId: line().optional(),
    data: z.unknown(),
  })
  .strict();

/** Any decision may carry documents (`data.attachments`: uploaded files by sha256), checked apart from its payload. */
export interface DecisionAttachments {
  attachments?: AttachmentRef[];
}

type DataOf<T extends EventType> = z.output<(typeof EVENT_REGISTRY)[T]['data']> & DecisionAttachments;

/** A validated decision as the machine receives it; the host adds the instant it was applied. */
export type DecisionEvent = {
  [T in EventType]: { type: T; actor: Actor; occurredOn: string; requestId?: string; data: DataOf<T>; receivedAt?: string };
}[EventType];

export type DecisionOf<T extends EventType> = Extract<DecisionEvent, { type: T }>;

export type ParseResult = { ok: true; event: DecisionEvent } | { ok: false; issues: Array<{ path: string; message: string }> };

/** Checks envelope and payload; issues name their field as `data.figures.totalPeople`-style paths. */
export function parseDecision(input: unknown): ParseResult {
  const size = sizeOf(input);
  if (size > MAX_DECISION_BYTES) {
    return {
      ok: false,
      issues: [{ path: '(root)', message: `决定内容过大：${size} 字节，上限 ${MAX_DECISION_BYTES} 字节 (the decision is too large: ${size} bytes, at most ${MAX_DECISION_BYTES})` }],
    };
  }
  const env = EnvelopeSchema.safeParse(input, { error: bilingualErrors });
  if (!env.success) return { ok: false, issues: toIssues(env.error) };
  const spec = EVENT_REGISTRY[env.data.type];
  const { payload, attachments } = splitAttachments(env.data.data);
  const data = (spec.data as z.ZodType).safeParse(payload ?? {}, { error: bilingualErrors });
  if (!data.success) return { ok: false, issues: toIssues(data.error, 'data') };
  let refs: AttachmentRef[] | undefined;
  if (attachments !== undefined) {
    const parsedRefs = AttachmentRefsSchema.safeParse(attachments, { error: bilingualErrors });
    if (!parsedRefs.success) return { ok: false, issues: toIssues(parsedRefs.error, 'data.attachments') };
    refs = parsedRefs.data;
  }
  const event = { ...env.data, data: refs ? { ...(data.data as object), attachments: refs } : data.data } as DecisionEvent;
  const rule = 'rule' in spec ? (spec.rule as (e: DecisionEvent) => { path: string; message: string } | undefined) : undefined;
  const broken = rule?.(event);
  if (broken) return { ok: false, issues: [broken] };
  return { ok: true, event };
}

/** A payload's `attachments` (common to every decision) apart from the fields its type's schema checks. */
function splitAttachments(data: unknown): { payload: unknown; attachments?: unknown } {
  if (data === null || typeof data !== 'object' || Array.isArray(data) || !Object.hasOwn(data, 'attachments')) return { payload: data };
  const { attachments, ...payload } = data as Record<string, unknown>;
  return attachments === undefined ? { payload } : { payload, attachments };
}

/** The decision's size as JSON; anything JSON cannot carry (a cycle, a BigInt) counts as too large. */
function sizeOf(input: unknown): number {
  try {
    return jsonBytes(input);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function toIssues(error: z.ZodError, prefix?: string): Array<{ path: string; message: string }> {
  return error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)', message: i.message }));
}

export function rolesFor(type: EventType): readonly Role[] {
  return EVENT_REGISTRY[type].roles;
}
