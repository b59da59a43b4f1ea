import fc from 'fast-check';
import {
  FUNDING_CLAUSE,
  FundingError,
  MAX_AMOUNT,
  TRANSITION_MONTHS,
  facilityWorksFunding,
  runningFunds,
  secondedStaffPay,
  transitionFunding,
  type TransitionFundingInput,
} from '../../machines/funding';

function expectFundingError(fn: () => unknown, field: string, ...fragments: string[]): FundingError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(FundingError);
  const err = caught as FundingError;
  expect(err.name).toBe('FundingError');
  expect(err.field).toBe(field);
  expect(err.message).toContain(field);
  // Chinese first, English in parentheses.
  expect(err.message).toMatch(/^[^(]*[\u4e00-\u9fff][^]*\([a-z][^]*\)$/);
  for (const f of fragments) expect(err.message).toContain(f);
  return err;
}

const base: TransitionFundingInput = {
  staff: [
    { name: '张三', enterprisePayMonthly: 4500 },
    { name: '李四', enterprisePayMonthly: 2800 },
  ],
  districtStandardMonthly: 3000,
  originalAnnual: 60000,
  districtStandardAnnual: 80000,
};

describe('seconded staff pay (§二(三))', () => {
  it('has the district pay its standard and the enterprise the difference where its original pay was higher', () => {
    expect(secondedStaffPay({ districtStandardMonthly: 3000, enterprisePayMonthly: 4200.5 })).toEqual({
      districtPays: 3000,
      enterprisePays: 1200.5,
      personReceives: 4200.5,
      clause: '§二(三)',
    });
  });

  it('leaves the enterprise nothing to pay where the district standard is as high or higher', () => {
    expect(secondedStaffPay({ districtStandardMonthly: 3500, enterprisePayMonthly: 3000 })).toMatchObject({
      districtPays: 3500,
      enterprisePays: 0,
      personReceives: 3500,
    });
    expect(secondedStaffPay({ districtStandardMonthly: 3000, enterprisePayMonthly: 3000 }).enterprisePays).toBe(0);
  });

  it('computes in fen, without floating-point drift', () => {
    // 3000.3 - 3000.1 is 0.1999999999998181 in floating point.
    expect(secondedStaffPay({ districtStandardMonthly: 3000.1, enterprisePayMonthly: 3000.3 }).enterprisePays).toBe(0.2);
    expect(secondedStaffPay({ districtStandardMonthly: 0.1, enterprisePayMonthly: 0.3 }).personReceives).toBe(0.3);
  });

  it('always pays the person max(standard, original pay), split between the two payers (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 10_000_000 }), (stdFen, payFen) => {
        const r = secondedStaffPay({ districtStandardMonthly: stdFen / 100, enterprisePayMonthly: payFen / 100 });
        expect(r.districtPays).toBe(stdFen / 100);
        expect(Math.round(r.personReceives * 100)).toBe(Math.max(stdFen, payFen));
        expect(Math.round((r.districtPays + r.enterprisePays) * 100)).toBe(Math.max(stdFen, payFen));
      }),
    );
  });
});

describe('community running funds (§二(三))', () => {
  it('has district finance top up original funds below the unified standard', () => {
    expect(runningFunds({ originalAnnual: 50000, districtStandardAnnual: 80000 })).toEqual({
      districtFinanceBase: 50000,
      districtFinanceTopUp: 30000,
      enterpriseSubsidy: 0,
      districtFinanceTotal: 80000,
      communityTotal: 80000,
      clause: '§二(三)',
    });
  });

  it('has the enterprise subsidise original funds above the unified standard', () => {
    expect(runningFunds({ originalAnnual: 120000.55, districtStandardAnnual: 80000 })).toMatchObject({
      districtFinanceBase: 80000,
      districtFinanceTopUp: 0,
      enterpriseSubsidy: 40000.55,
      districtFinanceTotal: 80000,
      communityTotal: 120000.55,
    });
  });

  it('needs neither top-up nor subsidy when the original funds equal the standard', () => {
    expect(runningFunds({ originalAnnual: 80000, districtStandardAnnual: 80000 })).toMatchObject({
      districtFinanceTopUp: 0,
      enterpriseSubsidy: 0,
      districtFinanceTotal: 80000,
    });
  });

  it('always has the district carry exactly its standard (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), fc.integer({ min: 0, max: 1_000_000_000 }), (origFen, stdFen) => {
        const r = runningFunds({ originalAnnual: origFen / 100, districtStandardAnnual: stdFen / 100 });
        expect(Math.round((r.districtFinanceBase + r.districtFinanceTopUp) * 100)).toBe(stdFen);
        expect(Math.round(r.communityTotal * 100)).toBe(Math.max(origFen, stdFen));
        expect(r.districtFinanceTopUp === 0 || r.enterpriseSubsidy === 0).toBe(true);
      }),
    );
  });
});

describe('facility inspection and rectification (§二(三))', () => {
  it('is paid entirely from the district budget', () => {
    expect(facilityWorksFunding({ inspectionCost: 1200.1, rectificationCost: 8800.2 })).toEqual({
      districtFinancePays: 10000.3,
      enterprisePays: 0,
      clause: '§二(三)',
    });
    expect(facilityWorksFunding({ inspectionCost: 500 }).districtFinancePays).toBe(500);
  });
});

describe('transition funding over the period', () => {
  it('sums who pays what over the default 36 months, per person and for running funds', () => {
    const r = transitionFunding(base);
    expect(r.months).toBe(TRANSITION_MONTHS);
    expect(r.clause).toBe(FUNDING_CLAUSE);
    expect(r.staff).toEqual([
      {
        index: 0,
        name: '张三',
        monthly: { districtPays: 3000, enterprisePays: 1500, personReceives: 4500, clause: '§二(三)' },
        period: { districtPays: 108000, enterprisePays: 54000, personReceives: 162000 },
      },
      {
        index: 1,
        name: '李四',
        monthly: { districtPays: 3000, enterprisePays: 0, personReceives: 3000, clause: '§二(三)' },
        period: { districtPays: 108000, enterprisePays: 0, personReceives: 108000 },
      },
    ]);
    expect(r.staffTotals).toEqual({ districtPays: 216000, enterprisePays: 54000, personReceives: 270000 });
    expect(r.runningFunds.annual).toMatchObject({ districtFinanceBase: 60000, districtFinanceTopUp: 20000, enterpriseSubsidy: 0 });
    expect(r.runningFunds.period).toMatchObject({
      districtFinanceBase: 180000,
      districtFinanceTopUp: 60000,
      enterpriseSubsidy: 0,
      districtFinanceTotal: 240000,
    });
    expect(r.totals).toEqual({ districtFinance: 456000, enterprise: 54000, total: 510000 });
  });

  it('charges the enterprise the running-funds excess and works with a single seconded person', () => {
    const r = transitionFunding({
      staff: [{ enterprisePayMonthly: 3200 }],
      districtStandardMonthly: 3000,
      months: 12,
      originalAnnual: 100000,
      districtStandardAnnual: 80000,
    });
    expect(r.staff[0]).not.toHaveProperty('name');
    expect(r.runningFunds.period).toMatchObject({ districtFinanceBase: 80000, districtFinanceTopUp: 0, enterpriseSubsidy: 20000 });
    expect(r.totals).toEqual({ districtFinance: 36000 + 80000, enterprise: 2400 + 20000, total: 138400 });
  });

  it('prorates annual running funds to the months, rounding once to the fen', () => {
    const r = transitionFunding({ ...base, months: 7, originalAnnual: 1000.01, districtStandardAnnual: 0 });
    // 100001 fen × 7 / 12 = 58333.9 fen → 583.34 CNY
    expect(r.runningFunds.period.enterpriseSubsidy).toBe(583.34);
    expect(r.runningFunds.period.communityTotal).toBe(583.34);
  });

  it('keeps the grand total equal to everything the people and the community receive', () => {
    const r = transitionFunding({ ...base, months: 5, districtStandardAnnual: 77777.77 });
    const received = r.staffTotals.personReceives * 100 + r.runningFunds.period.communityTotal * 100;
    expect(Math.round(r.totals.total * 100)).toBe(Math.round(received));
  });
});

describe('invalid funding input', () => {
  it('rejects negative, non-finite, non-numeric, too large or sub-fen amounts, naming the field', () => {
    expectFundingError(() => secondedStaffPay({ districtStandardMonthly: -1, enterprisePayMonthly: 3000 }), 'districtStandardMonthly', '金额无效', 'invalid amount', '-1');
    expectFundingError(() => secondedStaffPay({ districtStandardMonthly: 3000, enterprisePayMonthly: Number.NaN }), 'enterprisePayMonthly');
    expectFundingError(() => runningFunds({ originalAnnual: Number.POSITIVE_INFINITY, districtStandardAnnual: 1 }), 'originalAnnual');
    expectFundingError(() => runningFunds({ originalAnnual: 1, districtStandardAnnual: '80000' as unknown as number }), 'districtStandardAnnual', '"80000"');
    expectFundingError(() => runningFunds({ originalAnnual: 0.001, districtStandardAnnual: 1 }), 'originalAnnual', '两位小数', '2 decimals');
    expectFundingError(() => runningFunds({ originalAnnual: MAX_AMOUNT + 1, districtStandardAnnual: 1 }), 'originalAnnual');
    expectFundingError(() => facilityWorksFunding({ inspectionCost: 1, rectificationCost: -5 }), 'rectificationCost');
  });

  it('names the seconded person whose pay is invalid', () => {
    expectFundingError(
      () => transitionFunding({ ...base, staff: [{ enterprisePayMonthly: 4000 }, { enterprisePayMonthly: -20 }] }),
      'staff[1].enterprisePayMonthly',
    );
    expectFundingError(() => transitionFunding({ ...base, staff: [{ name: 7 as unknown as string, enterprisePayMonthly: 1 }] }), 'staff[0].name');
    expectFundingError(() => transitionFunding({ ...base, staff: [null as unknown as { enterprisePayMonthly: number }] }), 'staff[0]');
  });

  it('requires 1 or 2 seconded staff (§二(一))', () => {
    expectFundingError(() => transitionFunding({ ...base, staff: [] }), 'staff', '选派人员人数无效', '0', '§二(一)');
    const three = [{ enterprisePayMonthly: 1 }, { enterprisePayMonthly: 2 }, { enterprisePayMonthly: 3 }];
    expectFundingError(() => transitionFunding({ ...base, staff: three }), 'staff', '3', 'invalid number of seconded staff');
    expectFundingError(() => transitionFunding({ ...base, staff: undefined as unknown as [] }), 'staff');
  });

  it('requires whole months from 1 to 36', () => {
    for (const months of [0, 37, 1.5, -12, Number.NaN]) {
      expectFundingError(() => transitionFunding({ ...base, months }), 'months', '月数无效', 'invalid months');
    }
  });

  it('rejects a missing input object', () => {
    expectFundingError(() => secondedStaffPay(undefined as unknown as { districtStandardMonthly: number; enterprisePayMonthly: number }), 'input');
  });
});
