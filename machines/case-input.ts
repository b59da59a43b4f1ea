// What it takes to open a case: one enterprise in one district (the agreement's two parties, §三(三)), holding one or
// more residential areas (家属区) of the plan table (附件1), validated; and the case's id.
import { z } from 'zod';
import { creditCodeProblem } from './credit-code';
import { DISTRICT_CODES, districtCode, districtOfCode, isKnownDistrict, type District } from './districts';
import { IsoDateSchema, bilingualErrors, count, line } from './fields';
import { TEXT_LIMITS } from './limits';
import { SettingsSchema } from './settings';

/** The most residential areas one case (one enterprise in one district) may hold. */
export const MAX_RESIDENTIAL_AREAS = 10;

/** One residential area (职工家属区) of the case: its name and its workers and family members. */
export const ResidentialAreaSchema = z
  .object({
    name: line(),
    /** Workers and family members, from the plan table. */
    people: count.optional(),
  })
  .strict();
export type ResidentialArea = z.infer<typeof ResidentialAreaSchema>;

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
    /** A case with one residential area: its name (or give `residentialAreas`). */
    residentialArea: line().optional(),
    /** Workers and family members of a one-area case, from the plan table. */
    people: count.optional(),
    /** A case with several residential areas in the district: each with its name and people (plan-table rows). */
    residentialAreas: z
      .array(ResidentialAreaSchema)
      .min(1, '至少一个职工家属区 (at least one residential area)')
      .max(MAX_RESIDENTIAL_AREAS, `一个案件最多 ${MAX_RESIDENTIAL_AREAS} 个职工家属区 (at most ${MAX_RESIDENTIAL_AREAS} residential areas per case)`)
      .optional(),
    plannedCompletion: IsoDateSchema.optional(),
    settings: SettingsSchema.partial().optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.residentialAreas && (o.residentialArea !== undefined || o.people !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['residentialAreas'],
        message: '请只填写 residentialAreas，或只填写 residentialArea 与 people (give residentialAreas, or residentialArea and people, not both)',
      });
    }
    const seen = new Map<string, number>();
    o.residentialAreas?.forEach((a, i) => {
      const first = seen.get(a.name);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['residentialAreas', i, 'name'], message: `职工家属区“${a.name}”与第 ${first + 1} 个重复 (residential area "${a.name}" repeats area ${first + 1})` });
      } else seen.set(a.name, i);
    });
  });

export type CaseOpening = z.infer<typeof CaseOpeningSchema>;

/** Validates a case opening; every message in Chinese with English, naming its field. */
export function parseCaseOpening(input: unknown) {
  return CaseOpeningSchema.safeParse(input, { error: bilingualErrors });
}

/** The case's residential areas, in the plan's order (none when the opening names none). */
export function areasOf(o: Pick<CaseOpening, 'residentialArea' | 'people' | 'residentialAreas'>): ResidentialArea[] {
  if (o.residentialAreas) return o.residentialAreas;
  if (o.residentialArea === undefined) return [];
  return [{ name: o.residentialArea, ...(o.people !== undefined ? { people: o.people } : {}) }];
}

/**
 * What the workflow is given about the areas. A case with one area is opened exactly as before (its name and
 * people); a case with several keeps each (`areas`, tracked one by one in the statechart) and, for tables that show
 * one line per case, their names joined and their people added up.
 */
export function areaInput(o: Pick<CaseOpening, 'residentialArea' | 'people' | 'residentialAreas'>): {
  residentialArea?: string;
  people?: number;
  areas?: ResidentialArea[];
} {
  const areas = areasOf(o);
  if (areas.length <= 1) {
    const a = areas[0];
    return { ...(a ? { residentialArea: a.name } : {}), ...(a?.people !== undefined ? { people: a.people } : {}) };
  }
  const known = areas.filter((a) => a.people !== undefined);
  return {
    residentialArea: areas.map((a) => a.name).join('、'),
    ...(known.length === areas.length ? { people: known.reduce((sum, a) => sum + a.people!, 0) } : {}),
    areas,
  };
}

// ---- case ids ------------------------------------------------------------------------------------------------

const CODE = '[0-9A-HJ-NPQRTUWXY]{18}';
const DIVISION = `(?:${[...new Set(Object.values(DISTRICT_CODES))].join('|')})`;
/** A case id as given by people: `handover-<code>-<division>`, `<code>-<division>`, or today's `handover-<code>` / `<code>`. */
export const CASE_REF_PATTERN = new RegExp(`^(?:handover-)?(${CODE})(?:-(${DIVISION}))?$`);

/**
 * One workflow per enterprise and district (§三(二) 一企业一方案, §三(三) signed with the district government): the
 * credit code and the district's administrative division code (GB/T 2260, machines/districts.ts), e.g.
 * `handover-91500000202000000A-500105`.
 */
export function caseIdFor(creditCode: string, district: District | string): string {
  if (!isKnownDistrict(district)) throw new Error(`not a known district: ${district}`);
  return `handover-${creditCode}-${districtCode(district)}`;
}

/**
 * The id cases opened before definition 168-2017.3 run under (one case per enterprise in the whole city). Running
 * workflows are never renamed: they keep this id, and lookups by it keep working.
 */
export function legacyCaseIdFor(creditCode: string): string {
  return `handover-${creditCode}`;
}

/** A case reference (id or credit code, with or without the district's code) as a workflow id, or undefined. */
export function caseIdOf(ref: string): string | undefined {
  const m = CASE_REF_PATTERN.exec(ref.trim().toUpperCase().replace(/^HANDOVER-/, 'handover-'));
  if (!m) return undefined;
  return m[2] ? `handover-${m[1]}-${m[2]}` : legacyCaseIdFor(m[1]!);
}

/** The credit code and district a case id names (no district for an id from before 168-2017.3). */
export function parseCaseId(caseId: string): { creditCode: string; district?: District } | undefined {
  const m = CASE_REF_PATTERN.exec(caseId);
  if (!m || !caseId.startsWith('handover-')) return undefined;
  return { creditCode: m[1]!, ...(m[2] ? { district: districtOfCode(m[2]) } : {}) };
}
