// What it takes to open a case: one row of the plan table (附件1), validated.
import { z } from 'zod';
import { creditCodeProblem } from './credit-code';
import { isKnownDistrict } from './districts';
import { IsoDateSchema } from './events';
import { SettingsSchema } from './settings';

export const CaseOpeningSchema = z
  .object({
    creditCode: z.string().superRefine((code, ctx) => {
      const problem = creditCodeProblem(code);
      if (problem) ctx.addIssue({ code: 'custom', message: `${problem.zh} (${problem.en})` });
    }),
    enterpriseName: z.string().trim().min(1).max(200),
    district: z.string().refine(isKnownDistrict, '不是已知的区县（附件1） (not a known district of the plan table)'),
    /** Receiving township, if already known. */
    township: z.string().trim().min(1).max(100).optional(),
    parentGroup: z.string().trim().min(1).max(200).optional(),
    residentialArea: z.string().trim().min(1).max(200).optional(),
    /** Workers and family members, from the plan table. */
    people: z.number().int().min(0).max(10_000_000).optional(),
    plannedCompletion: IsoDateSchema.optional(),
    settings: SettingsSchema.partial().optional(),
  })
  .strict();

export type CaseOpening = z.infer<typeof CaseOpeningSchema>;

/** One workflow per enterprise (§三(二) 一企业一方案), named after its credit code. */
export function caseIdFor(creditCode: string): string {
  return `handover-${creditCode}`;
}
