// What it takes to open a case: one row of the plan table (附件1), validated.
import { z } from 'zod';
import { creditCodeProblem } from './credit-code';
import { isKnownDistrict } from './districts';
import { IsoDateSchema, bilingualErrors, count, line } from './fields';
import { TEXT_LIMITS } from './limits';
import { SettingsSchema } from './settings';

export const CaseOpeningSchema = z
  .object({
    creditCode: z.string().superRefine((code, ctx) => {
      const problem = creditCodeProblem(code);
      if (problem) ctx.addIssue({ code: 'custom', message: `${problem.zh} (${problem.en})` });
    }),
    enterpriseName: line(),
    district: z.string().refine(isKnownDistrict, '不是已知的区县（附件1） (not a known district of the plan table)'),
    /** Receiving township, if already known. */
    township: line(TEXT_LIMITS.name).optional(),
    parentGroup: line().optional(),
    residentialArea: line().optional(),
    /** Workers and family members, from the plan table. */
    people: count.optional(),
    plannedCompletion: IsoDateSchema.optional(),
    settings: SettingsSchema.partial().optional(),
  })
  .strict();

export type CaseOpening = z.infer<typeof CaseOpeningSchema>;

/** Validates a case opening; every message in Chinese with English, naming its field. */
export function parseCaseOpening(input: unknown) {
  return CaseOpeningSchema.safeParse(input, { error: bilingualErrors });
}

/** One workflow per enterprise (§三(二) 一企业一方案), named after its credit code. */
export function caseIdFor(creditCode: string): string {
  return `handover-${creditCode}`;
}
