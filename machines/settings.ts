// The process definition's version, the notice's fixed numbers, and the settings the notice leaves open.
import { z } from 'zod';
import { IsoDateSchema as isoDate, bilingualErrors, whole } from './fields';

/** Bump on every change to the machine's states, events or rules (see ARCHITECTURE.md, "Changing the process"). */
export const DEFINITION_VERSION = '168-2017.3';

/** §三(三): the agreement is signed within 10 working days after the plan is agreed. Fixed by the notice. */
export const AGREEMENT_WORKING_DAYS = 10;
/** §二(一): a transition period lasts 3 years. Fixed by the notice. */
export const TRANSITION_YEARS = 3;
/** §四(三): progress tables are sent on the 25th of each month. Fixed by the notice. */
export const REPORT_DAY_OF_MONTH = 25;

const workingDays = (max: number) => whole(1, max);
/**
 * The longest escalation setting, about six months: a deadline keeps the working days it skipped (for its
 * explanation), so this bounds what the case carries (machines/limits.ts).
 */
export const MAX_ESCALATION_WORKING_DAYS = 120;

/** Every number the notice does not give ("setting" in DOMAIN.md), with its default. */
export const SettingsSchema = z
  .object({
    /**
     * §三(二): working days of negotiation before a 督办 (supervision) notice goes to cityCivilAffairs. Nothing
     * moves: the parties keep the case and ask for coordination themselves. (Name kept from 168-2017.1.)
     */
    negotiationEscalationWorkingDays: workingDays(MAX_ESCALATION_WORKING_DAYS).default(20),
    /** §三(二): working days of negotiation before a 催办 (reminder) notice goes to the two parties. */
    negotiationReminderWorkingDays: workingDays(MAX_ESCALATION_WORKING_DAYS).default(10),
    /** §三(二): working days of city civil affairs coordination before a 督办 notice to cityCivilAffairs. (Name kept from 168-2017.1.) */
    coordinationEscalationWorkingDays: workingDays(MAX_ESCALATION_WORKING_DAYS).default(15),
    /** §三(二): working days of 市城管委 coordination before a 督办 notice to cityUrbanManagement. */
    urbanCoordinationSupervisionWorkingDays: workingDays(MAX_ESCALATION_WORKING_DAYS).default(15),
    /** §三(三): working days before the agreement deadline when a reminder goes out. */
    agreementReminderLeadWorkingDays: workingDays(9).default(3),
    /** §三(三)/§四(一): who a missed agreement deadline is escalated to. */
    agreementEscalationTo: z.enum(['cityCivilAffairs', 'cityUrbanManagement']).default('cityCivilAffairs'),
    /** §二(一): calendar days before the end of the transition period when reminders go out. */
    transitionReminderLeadDays: z.array(whole(1, 365)).max(5, '最多 5 个提醒 (at most 5 reminders)').default([90, 30]),
    /**
     * §一(二): the city's target date, applying only where the city set it (no default): a case's target is its
     * plan date (附件1, moved by a filed adjustment) or this date, whichever is earlier.
     */
    cityTargetDate: isoDate.optional(),
    /**
     * Past cases (issue 11, Build 5): hours a deadline that had already passed when the case was recorded waits for
     * the record's next decision before it fires (dated at its due instant, marked as recorded after the fact).
     */
    lateRecordGraceHours: whole(0, 24 * 30).default(24), // 0: such a deadline fires at once
    /** §四(三): days before the 25th when districts are reminded of the monthly report. */
    monthlyReportReminderLeadDays: whole(0, 20).default(3),
    /** §四(三): when the 25th is not a working day, report on that day anyway, or on the previous/next working day. */
    monthlyReportOnNonWorkingDay: z.enum(['sameDay', 'previousWorkingDay', 'nextWorkingDay']).default('previousWorkingDay'),
  })
  .strict();

export type Settings = z.infer<typeof SettingsSchema>;
export type SettingsInput = z.input<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});

export function resolveSettings(input: SettingsInput = {}): Settings {
  // safeParse only (workflows share these schemas deep-frozen, where zod's lazily memoized `parse` is unavailable);
  // the bilingual messages are only needed when the settings are refused.
  const parsed = SettingsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw SettingsSchema.safeParse(input, { error: bilingualErrors }).error;
}
