// Who pays what during a transition period (渝民〔2017〕168号 §二(三)). Pure functions, no I/O:
// safe in the Temporal workflow sandbox.
//
// The rules, from the notice:
// - Seconded staff (§二(一): the enterprise sends 1 or 2 people who did community work) are paid by
//   the district at the district's standard; where the enterprise's original pay was higher, the
//   enterprise verifies and pays the difference (规定标准低于原企业支付待遇部分由企业核定并发放).
//   Where the district standard is higher, the district standard is paid and the enterprise owes
//   nothing.
// - Community running funds: the district budget funds the community at the district's unified
//   budget standard. If the community's original running funds were below it, district finance
//   tops up the shortfall; if above, the enterprise subsidises the excess, so the community keeps
//   its original level. Hence:
//       districtFinanceBase  = min(original, standard)   (the part of the original funds the
//                                                        district budget now carries)
//       districtFinanceTopUp = max(0, standard - original)
//       enterpriseSubsidy    = max(0, original - standard)
//   so districtFinanceBase + districtFinanceTopUp = standard, and the community receives
//   max(original, standard).
// - Inspection, evaluation and rectification of community facilities are paid from the district
//   budget (社区服务设施评估、整治费用，纳入区县财政预算).
//
// Amounts are CNY as non-negative numbers with at most 2 decimals. All arithmetic is done in
// integer fen (分) and converted back, so there is no floating-point drift; prorating an annual
// amount to months rounds half up to the fen once, on the period amount.
import { MAX_AMOUNT_CNY } from './limits';

/** The clause of the notice every funding result cites. */
export const FUNDING_CLAUSE = '§二(三)' as const;
export type FundingClause = typeof FUNDING_CLAUSE;
/** §二(一): the transition period is 3 years. */
export const TRANSITION_MONTHS = 36;
/** §二(一): the enterprise seconds 1 or 2 people. */
export const MIN_SECONDED_STAFF = 1;
export const MAX_SECONDED_STAFF = 2;
/** Largest amount accepted, in CNY (keeps every sum in fen far below 2^53). */
export const MAX_AMOUNT = MAX_AMOUNT_CNY;

/** Thrown when a funding function gets invalid input: a negative, non-finite, too large or sub-fen amount, a number of seconded staff other than 1 or 2, or a period that is not 1–36 whole months. */
export class FundingError extends Error {
  /** The input field at fault, e.g. `staff[1].enterprisePayMonthly`. */
  readonly field: string;
  constructor(field: string, zh: string, en: string) {
    super(`${zh} (${en})`);
    this.name = 'FundingError';
    this.field = field;
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return Object.prototype.toString.call(value);
}

/**
 * Whether `value` is an amount of yuan the funding rules accept: a finite number from 0 to MAX_AMOUNT with
 * at most two decimals (a whole number of fen). Decided on the number's shortest decimal form, so 0.1 and
 * 9999999999.99 pass and 4000.005, 0.051 and 0.491 do not. Payload schemas use this same test.
 */
export function isYuanAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_AMOUNT && /^\d+(\.\d{1,2})?$/.test(String(value));
}

/** Validates an amount in CNY and returns it in fen. */
function toFen(value: unknown, field: string): number {
  if (!isYuanAmount(value)) {
    throw new FundingError(
      field,
      `金额无效：${field} = ${show(value)}，应为 0 至 ${MAX_AMOUNT} 元之间的数，最多两位小数`,
      `invalid amount: ${field} = ${show(value)}, expected a non-negative number of CNY up to ${MAX_AMOUNT} with at most 2 decimals`,
    );
  }
  return Math.round(value * 100);
}

/** Adds amounts of yuan exactly (in fen). */
export function addYuan(...amounts: number[]): number {
  return fromFen(amounts.reduce((sum, a) => sum + Math.round(a * 100), 0));
}

const fromFen = (fen: number): number => fen / 100;

function requireObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FundingError(field, `输入无效：${field} 应为对象`, `invalid input: ${field} must be an object`);
  }
  return value as Record<string, unknown>;
}

// ---- seconded staff -------------------------------------------------------------------------

export interface SecondedStaffPayInput {
  /** The district's standard pay for community workers, CNY per person per month. */
  districtStandardMonthly: number;
  /** What the enterprise paid this person before, CNY per month. */
  enterprisePayMonthly: number;
}

export interface SecondedStaffPay {
  /** Paid by the district at its standard. */
  districtPays: number;
  /** The difference the enterprise pays where its original pay was higher, else 0. */
  enterprisePays: number;
  /** What the person receives: districtPays + enterprisePays. */
  personReceives: number;
  clause: FundingClause;
}

function splitStaffFen(standardFen: number, enterpriseFen: number): { district: number; enterprise: number } {
  return { district: standardFen, enterprise: Math.max(0, enterpriseFen - standardFen) };
}

/** Pay of one seconded person for one month: the district pays its standard, the enterprise any excess of its original pay. */
export function secondedStaffPay(input: SecondedStaffPayInput): SecondedStaffPay {
  const i = requireObject(input, 'input');
  const standard = toFen(i.districtStandardMonthly, 'districtStandardMonthly');
  const enterprise = toFen(i.enterprisePayMonthly, 'enterprisePayMonthly');
  const s = splitStaffFen(standard, enterprise);
  return {
    districtPays: fromFen(s.district),
    enterprisePays: fromFen(s.enterprise),
    personReceives: fromFen(s.district + s.enterprise),
    clause: FUNDING_CLAUSE,
  };
}

// ---- running funds --------------------------------------------------------------------------

export interface RunningFundsInput {
  /** The community's original running funds, CNY per year. */
  originalAnnual: number;
  /** The district's unified budget standard for a community, CNY per year. */
  districtStandardAnnual: number;
}

export interface RunningFunds {
  /** The part of the original funds the district budget now carries: min(original, standard). */
  districtFinanceBase: number;
  /** Shortfall topped up by district finance where the original funds were below the standard. */
  districtFinanceTopUp: number;
  /** Excess over the standard subsidised by the enterprise where the original funds were higher. */
  enterpriseSubsidy: number;
  /** districtFinanceBase + districtFinanceTopUp, always the district standard. */
  districtFinanceTotal: number;
  /** What the community receives: max(original, standard). */
  communityTotal: number;
  clause: FundingClause;
}

function splitRunningFen(originalFen: number, standardFen: number): Omit<RunningFunds, 'clause'> {
  const base = Math.min(originalFen, standardFen);
  const topUp = Math.max(0, standardFen - originalFen);
  const subsidy = Math.max(0, originalFen - standardFen);
  return {
    districtFinanceBase: fromFen(base),
    districtFinanceTopUp: fromFen(topUp),
    enterpriseSubsidy: fromFen(subsidy),
    districtFinanceTotal: fromFen(base + topUp),
    communityTotal: fromFen(base + topUp + subsidy),
  };
}

/** Yearly community running funds split between district finance and the enterprise. */
export function runningFunds(input: RunningFundsInput): RunningFunds {
  const i = requireObject(input, 'input');
  const original = toFen(i.originalAnnual, 'originalAnnual');
  const standard = toFen(i.districtStandardAnnual, 'districtStandardAnnual');
  return { ...splitRunningFen(original, standard), clause: FUNDING_CLAUSE };
}

// ---- inspection and rectification -----------------------------------------------------------

export interface FacilityWorksFunding {
  districtFinancePays: number;
  enterprisePays: 0;
  clause: FundingClause;
}

/** Inspection/evaluation and rectification of community facilities: all from the district budget. */
export function facilityWorksFunding(input: { inspectionCost: number; rectificationCost?: number }): FacilityWorksFunding {
  const i = requireObject(input, 'input');
  const inspection = toFen(i.inspectionCost, 'inspectionCost');
  const rectification = i.rectificationCost === undefined ? 0 : toFen(i.rectificationCost, 'rectificationCost');
  return { districtFinancePays: fromFen(inspection + rectification), enterprisePays: 0, clause: FUNDING_CLAUSE };
}

// ---- the whole transition period ------------------------------------------------------------

export interface SecondedPerson {
  name?: string;
  /** What the enterprise paid this person before, CNY per month. */
  enterprisePayMonthly: number;
}

export interface TransitionFundingInput {
  /** §二(一): 1 or 2 seconded people. */
  staff: SecondedPerson[];
  /** District standard pay, CNY per person per month. */
  districtStandardMonthly: number;
  /** Length of the period in whole months, 1–36; default 36 (3 years). */
  months?: number;
  /** The community's original running funds, CNY per year. */
  originalAnnual: number;
  /** The district's unified budget standard, CNY per year. */
  districtStandardAnnual: number;
}

export interface StaffFundingLine {
  /** Position in the input list, from 0. */
  index: number;
  name?: string;
  monthly: SecondedStaffPay;
  /** Over the whole period. */
  period: { districtPays: number; enterprisePays: number; personReceives: number };
}

export interface TransitionFunding {
  months: number;
  clause: FundingClause;
  staff: StaffFundingLine[];
  /** Sum over all seconded people and the whole period. */
  staffTotals: { districtPays: number; enterprisePays: number; personReceives: number };
  runningFunds: {
    annual: RunningFunds;
    /** Prorated to `months` (annual × months / 12, rounded to the fen), then split by the same rule. */
    period: RunningFunds;
  };
  /** Grand totals over the period. */
  totals: {
    /** Seconded staff at the district standard + running funds base + top-up. */
    districtFinance: number;
    /** Pay differences + running funds subsidy. */
    enterprise: number;
    total: number;
  };
}

/** Sums who pays what over a transition period (default 36 months), with a breakdown per person and for running funds. */
export function transitionFunding(input: TransitionFundingInput): TransitionFunding {
  const i = requireObject(input, 'input');
  const months = i.months === undefined ? TRANSITION_MONTHS : i.months;
  if (typeof months !== 'number' || !Number.isInteger(months) || months < 1 || months > TRANSITION_MONTHS) {
    throw new FundingError(
      'months',
      `月数无效：months = ${show(months)}，应为 1 至 ${TRANSITION_MONTHS} 的整数（过渡期为3年，§二(一)）`,
      `invalid months: months = ${show(months)}, expected an integer from 1 to ${TRANSITION_MONTHS} (the transition period is 3 years, §二(一))`,
    );
  }
  const staff = i.staff;
  if (!Array.isArray(staff) || staff.length < MIN_SECONDED_STAFF || staff.length > MAX_SECONDED_STAFF) {
    const count = Array.isArray(staff) ? `${staff.length}` : show(staff);
    throw new FundingError(
      'staff',
      `选派人员人数无效：staff 为 ${count} 人，过渡期内企业选派 1 至 2 名人员（§二(一)）`,
      `invalid number of seconded staff: staff has ${count}, the enterprise seconds 1 or 2 people during the transition period (§二(一))`,
    );
  }
  const standardMonthly = toFen(i.districtStandardMonthly, 'districtStandardMonthly');
  const originalAnnual = toFen(i.originalAnnual, 'originalAnnual');
  const standardAnnual = toFen(i.districtStandardAnnual, 'districtStandardAnnual');

  const lines: StaffFundingLine[] = [];
  let staffDistrict = 0;
  let staffEnterprise = 0;
  staff.forEach((person: unknown, index) => {
    const p = requireObject(person, `staff[${index}]`);
    if (p.name !== undefined && typeof p.name !== 'string') {
      throw new FundingError(
        `staff[${index}].name`,
        `姓名无效：staff[${index}].name = ${show(p.name)}，应为字符串`,
        `invalid name: staff[${index}].name = ${show(p.name)}, expected a string`,
      );
    }
    const pay = toFen(p.enterprisePayMonthly, `staff[${index}].enterprisePayMonthly`);
    const s = splitStaffFen(standardMonthly, pay);
    const periodDistrict = s.district * months;
    const periodEnterprise = s.enterprise * months;
    staffDistrict += periodDistrict;
    staffEnterprise += periodEnterprise;
    const line: StaffFundingLine = {
      index,
      monthly: {
        districtPays: fromFen(s.district),
        enterprisePays: fromFen(s.enterprise),
        personReceives: fromFen(s.district + s.enterprise),
        clause: FUNDING_CLAUSE,
      },
      period: {
        districtPays: fromFen(periodDistrict),
        enterprisePays: fromFen(periodEnterprise),
        personReceives: fromFen(periodDistrict + periodEnterprise),
      },
    };
    if (typeof p.name === 'string') line.name = p.name;
    lines.push(line);
  });

  const prorate = (annualFen: number): number => Math.round((annualFen * months) / 12);
  const periodOriginal = prorate(originalAnnual);
  const periodStandard = prorate(standardAnnual);
  const annual = { ...splitRunningFen(originalAnnual, standardAnnual), clause: FUNDING_CLAUSE };
  const period = { ...splitRunningFen(periodOriginal, periodStandard), clause: FUNDING_CLAUSE };

  const districtFinance = staffDistrict + periodStandard;
  const enterprise = staffEnterprise + Math.max(0, periodOriginal - periodStandard);
  return {
    months,
    clause: FUNDING_CLAUSE,
    staff: lines,
    staffTotals: {
      districtPays: fromFen(staffDistrict),
      enterprisePays: fromFen(staffEnterprise),
      personReceives: fromFen(staffDistrict + staffEnterprise),
    },
    runningFunds: { annual, period },
    totals: {
      districtFinance: fromFen(districtFinance),
      enterprise: fromFen(enterprise),
      total: fromFen(districtFinance + enterprise),
    },
  };
}
