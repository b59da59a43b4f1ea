// What keeps a case's context bounded: the yearly tally of dated facts, and the conversion of snapshots of the
// earlier, unbounded context (full lists and texts) to the bounded one when a running case is restored.
import type { HandoverContext } from './handover';
import { CASE_LIMITS, excerpt, toRecent, type CaseLimit, type Recent } from './limits';

/** The dated facts the year-end summary counts (§四(三)), in the order of a tally's numbers. */
export const YEARLY_COLUMNS = [
  'escalatedToCityCivilAffairs',
  'escalatedToCityUrbanManagement',
  'coordinationResolved',
  'coordinationEscalated',
  'majorProblemsReported',
  'majorProblemsFiled',
] as const;
export type YearlyColumn = (typeof YEARLY_COLUMNS)[number];

/** Per year (`"2017"`), one count per YEARLY_COLUMNS entry, in that order. Dates span at most 2000–2100. */
export type YearlyTally = Record<string, number[]>;

/** Counts one fact dated `on` (YYYY-MM-DD). */
export function tally(yearly: YearlyTally, on: string, column: YearlyColumn): YearlyTally {
  const year = on.slice(0, 4);
  const row = [...(yearly[year] ?? YEARLY_COLUMNS.map(() => 0))];
  const i = YEARLY_COLUMNS.indexOf(column);
  row[i] = (row[i] ?? 0) + 1;
  return { ...yearly, [year]: row };
}

/** How many facts of `column` a case recorded in `year`. */
export function yearlyCount(context: Pick<HandoverContext, 'yearly'>, year: number | string, column: YearlyColumn): number {
  return context.yearly?.[String(year)]?.[YEARLY_COLUMNS.indexOf(column)] ?? 0;
}

// ---- snapshots of the earlier shape ----------------------------------------------------------------

type Loose = Record<string, unknown> & { [k: string]: any };

const isList = (v: unknown): v is unknown[] => Array.isArray(v);
const cut = (s: unknown): string => (typeof s === 'string' ? excerpt(s) : '');

function recent<T extends Loose>(value: unknown, trim: (e: T) => T): Recent<T> {
  return toRecent(value as Recent<T> | T[] | undefined, trim);
}

function sumFen(values: number[]): number {
  return values.reduce((sum, v) => sum + Math.round((Number.isFinite(v) ? v : 0) * 100), 0) / 100;
}

/**
 * A context as the current definition keeps it, from any earlier snapshot's: lists (possibly longer than
 * today's limits) become counts with the latest entries, long texts excerpts, and the yearly tally is counted
 * from the full lists. A context already in the current shape comes back unchanged (idempotent).
 */
export function boundContext(raw: HandoverContext): HandoverContext {
  const c = raw as unknown as Loose;
  if (!c || typeof c !== 'object') return raw;
  const current = !isList(c.majorProblems) && c.yearly !== undefined;
  if (current) return raw;

  let yearly: YearlyTally = (c.yearly as YearlyTally | undefined) ?? {};
  const count = (on: unknown, column: YearlyColumn) => {
    if (typeof on === 'string' && /^\d{4}-/.test(on)) yearly = tally(yearly, on, column);
  };

  const wp = (c.workPlan ?? {}) as Loose;
  const escalations = isList(wp.escalations) ? (wp.escalations as Loose[]) : [];
  for (const e of escalations) count(e.on, e.level === 'cityCivilAffairs' ? 'escalatedToCityCivilAffairs' : 'escalatedToCityUrbanManagement');
  const outcomes = isList(wp.coordinationOutcomes) ? (wp.coordinationOutcomes as Loose[]) : [];
  for (const o of outcomes) count(o.on, o.outcome === 'resolved' ? 'coordinationResolved' : 'coordinationEscalated');
  const problems = isList(c.majorProblems) ? (c.majorProblems as Loose[]) : [];
  for (const p of problems) {
    count(p.on, 'majorProblemsReported');
    count(p.filedOn, 'majorProblemsFiled');
  }

  const proposal = wp.proposal as Loose | undefined;
  const workPlan = {
    ...(wp.agreedOn !== undefined ? { agreedOn: wp.agreedOn } : {}),
    proposals: typeof wp.proposals === 'number' ? wp.proposals : proposal ? 1 : 0,
    ...(proposal
      ? {
          proposal: {
            by: proposal.by,
            on: proposal.on,
            form: proposal.form ?? (proposal.foldedIntoOverallPlan ? 'foldedIntoOverallPlan' : 'sections'),
            ...(proposal.foldedIntoOverallPlan || proposal.reference ? { reference: cut(proposal.reference ?? proposal.foldedIntoOverallPlan?.reference) } : {}),
          },
        }
      : {}),
    escalations: recent<Loose>(wp.escalations, (e) => ({ ...e, summary: cut(e.summary) })),
    parentGroupOpinions: recent<Loose>(wp.parentGroupOpinions, (o) => ({ ...o, opinion: cut(o.opinion) })),
    coordinationOutcomes: recent<Loose>(wp.coordinationOutcomes, (o) => ({ ...o, summary: cut(o.summary) })),
  };

  const f = (c.facilities ?? {}) as Loose;
  const items = isList(f.items) ? (f.items as Loose[]) : undefined;
  const inspections = isList(f.inspections) ? (f.inspections as Loose[]) : [];
  const rectifications = isList(f.rectifications) ? (f.rectifications as Loose[]) : [];
  const facilities = {
    ...(items
      ? {
          handedOver: {
            // Only the enterprise hands facilities over; the earlier shape did not keep the date.
            by: 'enterprise',
            itemCount: items.length,
            areaM2: sumFen(items.map((i) => Number(i.areaM2))),
            ownershipTransferredTo: cut(f.ownershipTransferredTo),
          },
        }
      : f.handedOver
        ? { handedOver: f.handedOver }
        : {}),
    inspections: {
      ...recent<Loose>(f.inspections, (i) => ({
        by: i.by,
        on: i.on,
        passed: i.passed,
        findings: cut(i.findings),
        failedItemCount: typeof i.failedItemCount === 'number' ? i.failedItemCount : isList(i.failedItems) ? i.failedItems.length : 0,
        costCny: i.costCny,
      })),
      failed: inspections.filter((i) => !i.passed).length,
      costCny: sumFen(inspections.map((i) => Number(i.costCny))),
    },
    rectifications: {
      ...recent<Loose>(f.rectifications, (r) => ({ ...r, summary: cut(r.summary) })),
      costCny: sumFen(rectifications.map((r) => Number(r.costCny))),
    },
  };

  const tasks = isList(c.newTasks) ? (c.newTasks as Loose[]) : [];
  const adjustment = c.adjustment as Loose | undefined;
  const agreement = { ...((c.agreement ?? {}) as Loose) };
  delete agreement.sections;

  return {
    ...(c as object),
    ...(adjustment
      ? {
          adjustment: {
            ...adjustment,
            ...(adjustment.reason !== undefined ? { reason: cut(adjustment.reason) } : {}),
            ...(adjustment.proposedChanges !== undefined ? { proposedChanges: cut(adjustment.proposedChanges) } : {}),
            opinions: (isList(adjustment.opinions) ? (adjustment.opinions as Loose[]) : []).map((o) => ({ ...o, reason: cut(o.reason) })),
          },
        }
      : {}),
    adjustmentHistory: recent<Loose>(c.adjustmentHistory, (h) => ({ ...h, reason: cut(h.reason) })),
    workPlan,
    agreement,
    facilities,
    majorProblems: {
      ...recent<Loose>(c.majorProblems, (p) => ({ ...p, summary: cut(p.summary) })),
      open: problems.filter((p) => !p.filedOn).map((p) => p.id as number),
    },
    newTasks: {
      ...recent<Loose>(c.newTasks, (t) => ({ ...t, description: cut(t.description) })),
      awaitingVerification: tasks.filter((t) => t.status === 'reported').map((t) => t.id as number),
      verified: tasks.filter((t) => t.status === 'verified').length,
      rejected: tasks.filter((t) => t.status === 'rejected').length,
    },
    yearly,
  } as unknown as HandoverContext;
}

// ---- per-case limits ------------------------------------------------------------------------------

/** The per-case limit a decision would go past, with the count so far, or undefined. */
export function caseLimitReached(
  context: HandoverContext,
  event: { type: string; data?: unknown },
): { limit: CaseLimit; max: number; count: number } | undefined {
  const at = (limit: CaseLimit, count: number) => (count >= CASE_LIMITS[limit] ? { limit, max: CASE_LIMITS[limit], count } : undefined);
  switch (event.type) {
    case 'MAJOR_PROBLEM_REPORTED':
      return at('majorProblems', context.majorProblems.count);
    case 'NEW_TASK_REPORTED':
      return at('newTasks', context.newTasks.count);
    case 'WORK_PLAN_PROPOSED':
      return at('workPlanProposals', context.workPlan.proposals);
    case 'DISAGREEMENT_ESCALATED':
      return at('coordinationRounds', context.workPlan.escalations.count);
    case 'PARENT_GROUP_OPINION_GIVEN':
      return at('parentGroupOpinions', context.workPlan.parentGroupOpinions.count);
    case 'FACILITIES_INSPECTED':
      // A passing inspection ends the rectification loop and is always accepted.
      return (event.data as { passed?: boolean } | undefined)?.passed ? undefined : at('failedInspections', context.facilities.inspections.failed);
    case 'ADJUSTMENT_APPLICATION_SIGNED':
      // The first signature opens an application; the second completes it.
      return context.adjustment ? undefined : at('planAdjustments', context.adjustmentHistory.count);
    default:
      return undefined;
  }
}

/** What each per-case limit counts, for refusals. */
export const CASE_LIMIT_NAMES: Record<CaseLimit, { zh: string; en: string }> = {
  majorProblems: { zh: '重大问题', en: 'major problems' },
  newTasks: { zh: '新增移交任务', en: 'newly found tasks' },
  workPlanProposals: { zh: '工作方案提案', en: 'work plan proposals' },
  coordinationRounds: { zh: '报请协调', en: 'escalations for coordination' },
  parentGroupOpinions: { zh: '上级集团公司协调意见', en: 'parent group opinions' },
  failedInspections: { zh: '未通过的设施检测', en: 'failed facility inspections' },
  planAdjustments: { zh: '计划调整申请', en: 'plan adjustment applications' },
};
