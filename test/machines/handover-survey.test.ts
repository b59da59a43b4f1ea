// §三(一) survey with its ten figures, and the plan adjustment chain with rejection at each step.
import { CaseDriver, ROAD } from '../helpers/case-driver';
import { SURVEY } from '../helpers/decisions';
import { stageOf } from '../../machines/case-view';

const surveyed = () => ROAD.surveyed();

function atCityVerification(): CaseDriver {
  const d = surveyed();
  d.send('ADJUSTMENT_APPLICATION_SIGNED', 'enterprise', '2017-10-11');
  d.send('ADJUSTMENT_APPLICATION_SIGNED', 'township', '2017-10-12');
  d.send('ADJUSTMENT_REVIEWED', 'districtGovernment', '2017-10-13');
  return d;
}

describe('§三(一) survey', () => {
  it('records the ten figures', () => {
    const d = surveyed();
    expect(d.snapshot.matches({ survey: 'surveyed' })).toBe(true);
    expect(d.context.survey).toMatchObject({ ...SURVEY, submittedOn: '2017-10-10' });
  });

  it('refuses a survey missing a figure, naming it', () => {
    const d = new CaseDriver();
    const { serviceStaff: _omit, ...missing } = SURVEY;
    const r = d.trySend('SURVEY_SUBMITTED', 'districtCivilAffairs', '2017-10-10', missing);
    expect(!r.ok && r.refusal.issues!.map((i) => i.path)).toEqual(['data.serviceStaff']);
  });

  it('refuses people counts that do not add up, and negative or fractional counts', () => {
    const d = new CaseDriver();
    const r = d.trySend('SURVEY_SUBMITTED', 'districtCivilAffairs', '2017-10-10', { ...SURVEY, socialisedPeople: 2000, selfManagedPeople: 1500 });
    expect(!r.ok && r.refusal.message.zh).toContain('data.totalPeople');
    const neg = d.trySend('SURVEY_SUBMITTED', 'districtCivilAffairs', '2017-10-10', { ...SURVEY, serviceOrganisations: -1 });
    expect(!neg.ok && neg.refusal.issues![0]!.path).toBe('data.serviceOrganisations');
    const frac = d.trySend('SURVEY_SUBMITTED', 'districtCivilAffairs', '2017-10-10', { ...SURVEY, serviceStaff: 2.5 });
    expect(!frac.ok && frac.refusal.issues![0]!.path).toBe('data.serviceStaff');
    expect(d.snapshot.matches({ survey: 'collecting' })).toBe(true);
  });

  it('goes on to the work plan when the plan stands', () => {
    const d = surveyed();
    d.send('SURVEY_CONFIRMED', 'districtCivilAffairs', '2017-10-11');
    expect(d.snapshot.matches({ workPlan: 'negotiating' })).toBe(true);
  });
});

describe('§三(一) plan adjustment', () => {
  it('needs the joint application of enterprise and receiving unit: one signature does not reach the district', () => {
    const d = surveyed();
    d.send('ADJUSTMENT_APPLICATION_SIGNED', 'township', '2017-10-11');
    expect(d.snapshot.matches({ planAdjustment: 'jointApplication' })).toBe(true);
    expect(d.trySend('ADJUSTMENT_APPLICATION_SIGNED', 'township', '2017-10-11').ok).toBe(false);
    d.send('ADJUSTMENT_APPLICATION_SIGNED', 'enterprise', '2017-10-12');
    expect(d.snapshot.matches({ planAdjustment: 'districtReview' })).toBe(true);
  });

  it('is verified by citySasac only after cityUrbanManagement and cityFinance agreed, then filed with cityCivilAffairs', () => {
    const d = atCityVerification();
    expect(d.snapshot.matches({ planAdjustment: 'cityVerification' })).toBe(true);
    expect(d.trySend('ADJUSTMENT_VERIFIED', 'citySasac', '2017-10-16').ok).toBe(false);
    d.send('ADJUSTMENT_OPINION_GIVEN', 'cityUrbanManagement', '2017-10-16');
    expect(d.trySend('ADJUSTMENT_OPINION_GIVEN', 'cityUrbanManagement', '2017-10-16').ok).toBe(false);
    d.send('ADJUSTMENT_OPINION_GIVEN', 'cityFinance', '2017-10-17');
    d.send('ADJUSTMENT_VERIFIED', 'citySasac', '2017-10-18');
    expect(d.snapshot.matches({ planAdjustment: 'filing' })).toBe(true);
    expect(d.context.plannedCompletion).toBe('2018-06-30');
    d.send('ADJUSTMENT_FILED', 'districtCivilAffairs', '2017-10-19');
    expect(d.snapshot.matches({ workPlan: 'negotiating' })).toBe(true);
    expect(d.context.adjustmentHistory).toEqual({ count: 1, latest: [{ outcome: 'filed', by: 'districtCivilAffairs', on: '2017-10-19', reason: '九民备〔2017〕12号' }] });
  });

  it.each([
    ['the district government', 'ADJUSTMENT_REVIEWED', 'districtGovernment'],
    ['cityUrbanManagement', 'ADJUSTMENT_OPINION_GIVEN', 'cityUrbanManagement'],
    ['cityFinance', 'ADJUSTMENT_OPINION_GIVEN', 'cityFinance'],
    ['citySasac', 'ADJUSTMENT_VERIFIED', 'citySasac'],
  ] as const)('can be rejected with a reason by %s, returning the case to the surveyed plan', (_name, type, role) => {
    const d = type === 'ADJUSTMENT_REVIEWED' ? surveyed() : atCityVerification();
    if (type === 'ADJUSTMENT_REVIEWED') {
      d.send('ADJUSTMENT_APPLICATION_SIGNED', 'enterprise', '2017-10-11');
      d.send('ADJUSTMENT_APPLICATION_SIGNED', 'township', '2017-10-12');
    }
    d.send(type, role, '2017-10-20', { approved: false, reason: '依据不足' });
    expect(d.snapshot.matches({ survey: 'surveyed' })).toBe(true);
    expect(d.context.adjustmentHistory.latest.at(-1)).toEqual({ outcome: 'rejected', by: role, on: '2017-10-20', reason: '依据不足' });
    expect(d.context.adjustment).toBeUndefined();
  });

  it('refuses a rejection without a reason', () => {
    const d = atCityVerification();
    const r = d.trySend('ADJUSTMENT_OPINION_GIVEN', 'cityFinance', '2017-10-20', { approved: false, reason: '' });
    expect(!r.ok && r.refusal.issues![0]!.path).toBe('data.reason');
  });
});

describe('§四(一) newly found handover tasks', () => {
  it('are verified by citySasac and added to the task list', () => {
    const d = surveyed();
    d.send('NEW_TASK_REPORTED', 'districtCivilAffairs', '2017-10-11');
    expect(d.trySend('NEW_TASK_VERIFIED', 'cityCivilAffairs', '2017-10-12').ok).toBe(false);
    d.send('NEW_TASK_VERIFIED', 'citySasac', '2017-10-12');
    expect(d.context.newTasks).toMatchObject({ count: 1, verified: 1, awaitingVerification: [], latest: [expect.objectContaining({ id: 1, status: 'verified', decidedOn: '2017-10-12', people: 300 })] });
    expect(d.trySend('NEW_TASK_VERIFIED', 'citySasac', '2017-10-13').ok).toBe(false);
    expect(stageOf(d.snapshot)).toBe('survey');
  });
});
