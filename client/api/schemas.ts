// The zod schemas the API routes share (validation and the OpenAPI document at /docs).
import { z } from 'zod';
import { CASE_REF_PATTERN } from '../../machines/case-input';
import { STAGES } from '../../machines/case-view';
import { EVENT_TYPES, IsoDateSchema, type EventType } from '../../machines/events';
import { ROLES } from '../../machines/roles';

export const LocalizedSchema = z.object({ zh: z.string(), en: z.string() });
export const IssueSchema = z.object({ path: z.string(), message: z.string() });
export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: LocalizedSchema, issues: z.array(IssueSchema).optional() }) })
  .meta({ id: 'Error' });
export const UserSchema = z.object({
  name: z.string(),
  role: z.enum(ROLES),
  org: z.string(),
  displayName: z.string().optional(),
  roleName: LocalizedSchema,
  district: z.string().optional(),
  admin: z.boolean().optional(),
  mustChangePassword: z.boolean().optional(),
});
export const CaseIdParam = z.object({
  caseId: z
    .string()
    .regex(
      CASE_REF_PATTERN,
      '案件编号应为 handover-<统一社会信用代码>-<区县行政区划代码>（如 handover-91500000202000000A-500105），或定义 168-2017.3 以前建立的案件的 handover-<统一社会信用代码>；可省略 handover- (a case id is handover-<credit code>-<district code>, or handover-<credit code> for a case opened before definition 168-2017.3; handover- may be left out)',
    )
    .describe('handover-<统一社会信用代码>-<区县行政区划代码 GB/T 2260>，或旧案件的 handover-<统一社会信用代码>；可省略 handover-'),
});
export const CaseRowSchema = z.object({
  caseId: z.string(),
  creditCode: z.string(),
  enterprise: z.string().optional(),
  district: z.string().optional(),
  stage: z.string().optional(),
  overdue: z.boolean(),
  nextDeadline: z.string().optional(),
  status: z.string(),
  startedAt: z.string().optional(),
});
export const DeadlineViewSchema = z.object({
  kind: z.string(),
  label: LocalizedSchema,
  due: z.string(),
  at: z.string(),
  clause: z.string(),
  explanation: z.object({ zh: z.array(z.string()), en: z.array(z.string()) }),
});
/** The filters of the case list (GET /api/cases) and of its .xlsx export (GET /api/cases.xlsx); each route extends them. */
export const CaseListFilterQuery = z.object({
  district: z.string().min(1).max(50).optional(),
  stage: z.enum(STAGES).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  dueWithinDays: z.coerce.number().int().min(0).max(3650).optional(),
});
export type CaseListFilterQuery = z.infer<typeof CaseListFilterQuery>;
export const ActionSchema = z.object({ type: z.string(), title: LocalizedSchema, clause: z.string(), schema: z.record(z.string(), z.unknown()) });
export const ActionsSchema = z.object({
  actor: z.object({ role: z.string(), org: z.string(), user: z.string() }),
  canAct: z.boolean(),
  reason: LocalizedSchema.optional(),
  actions: z.array(ActionSchema),
});
/** The one projection of a case (machines/case-view.ts projectCase): what users see, also in the CLI, console and reports. */
export const ProjectionSchema = z
  .object({
    stage: z.string(),
    stageLabel: LocalizedSchema,
    handedOver: z.boolean(),
    handedOverOn: z.string().optional(),
    inTransition: z.boolean(),
    responsibility: z.object({ party: z.string(), since: z.string().optional(), reason: LocalizedSchema }),
    overdue: z.boolean(),
    /** A case with several residential areas: each area's community set-up (§二(一)). */
    areas: z
      .array(z.object({ name: z.string(), people: z.number().optional(), stage: z.string(), stageLabel: LocalizedSchema, establishedOn: z.string().optional() }))
      .optional(),
    deadlines: z.array(
      z.object({
        kind: z.string(),
        due: z.string(),
        at: z.string(),
        status: z.enum(['met', 'pending', 'missed']),
        on: z.string().optional(),
        clause: z.string(),
        label: LocalizedSchema,
        explanation: LocalizedSchema,
      }),
    ),
  })
  .meta({ id: 'CaseProjection' });
export const CaseViewSchema = z.object({
  caseId: z.string(),
  state: z.looseObject({ stage: z.string(), status: z.string(), activeStates: z.array(z.string()) }),
  activeStateLabels: z.array(z.object({ path: z.string(), zh: z.string(), en: z.string() })),
  /** Pending deadlines with their working-day explanation. */
  deadlines: z.array(DeadlineViewSchema),
  /** Stage, handed over, responsibility and every deadline (fired ones too) with met / pending / missed; absent where the reply carries no context. */
  projection: ProjectionSchema.optional(),
});
export const DecisionBodySchema = z
  .object({
    type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]).describe('决定类型（GET /api/events）'),
    occurredOn: IsoDateSchema.optional().describe('决定日期 YYYY-MM-DD，默认今天（北京时间）'),
    requestId: z.string().min(1).max(200).optional().describe('请求编号：同一编号重复提交只办理一次'),
    data: z.record(z.string(), z.unknown()).optional().describe('决定内容，格式见该类型的 JSON Schema'),
  })
  .strict();

export const bearer = [{ bearerAuth: [] }];
export const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
