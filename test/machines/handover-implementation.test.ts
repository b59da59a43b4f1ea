// §三(四), §二 implementation: facilities with the rectification loop, community set-up, funding and transition.
import { ROAD } from '../helpers/case-driver';
import { stageOf } from '../../machines/case-view';

const implementing = () => ROAD.implementing();

describe('§二(二) facilities', () => {
  it('are inspected after handover; a failed item is rectified and inspected again, as often as needed', () => {
    const d = implementing();
    expect(d.trySend('FACILITIES_INSPECTED', 'districtCivilAffairs', '2017-10-27').ok).toBe(false);
    d.send('FACILITIES_HANDED_OVER', 'enterprise', '2017-10-30');
    const failed = { passed: false, findings: '活动室消防不达标', failedItems: ['居民活动室'], costCny: 8000 };
    d.send('FACILITIES_INSPECTED', 'districtCivilAffairs', '2017-11-02', failed);
    expect(d.snapshot.matches({ implementation: { facilities: 'rectifying' } })).toBe(true);
    d.send('RECTIFICATION_COMPLETED', 'districtGovernment', '2017-11-10');
    d.send('FACILITIES_INSPECTED', 'districtCivilAffairs', '2017-11-13', failed);
    d.send('RECTIFICATION_COMPLETED', 'districtGovernment', '2017-11-20');
    d.send('FACILITIES_INSPECTED', 'districtCivilAffairs', '2017-11-22');
    expect(d.snapshot.matches({ implementation: { facilities: 'accepted' } })).toBe(true);
    expect(d.context.facilities.inspections.latest.map((i) => i.passed)).toEqual([false, false, true]);
    expect(d.context.facilities.inspections).toMatchObject({ count: 3, failed: 2 });
    expect(d.context.facilities.rectifications.count).toBe(2);
  });

  it('refuses a failed inspection that does not name the failed items', () => {
    const d = implementing();
    d.send('FACILITIES_HANDED_OVER', 'enterprise', '2017-10-30');
    const r = d.trySend('FACILITIES_INSPECTED', 'districtCivilAffairs', '2017-11-02', { passed: false, findings: '不达标', costCny: 0 });
    expect(!r.ok && r.refusal.issues![0]!.path).toBe('data.failedItems');
  });
});

describe('§二(一) community set-up', () => {
  it('with a family committee: set up directly, then elect the residents committee', () => {
    const d = implementing();
    d.send('COMMUNITY_SETUP_DECIDED', 'township', '2017-10-30');
    d.send('COMMUNITY_ESTABLISHED', 'township', '2017-11-10');
    d.send('RESIDENTS_COMMITTEE_ELECTED', 'township', '2017-12-01');
    expect(d.snapshot.matches({ implementation: { community: 'established' } })).toBe(true);
    expect(d.context.community).toMatchObject({ route: 'setUpDirectly', communityName: '机电社区', committeeElectedOn: '2017-12-01' });
  });

  it('without one and meeting the conditions: set up and elect', () => {
    const d = implementing();
    d.send('COMMUNITY_SETUP_DECIDED', 'township', '2017-10-30', { hasFamilyCommittee: false, meetsConditions: true, route: 'setUpAndElect' });
    expect(d.snapshot.matches({ implementation: { community: 'establishing' } })).toBe(true);
  });

  it('too few people: merge into the neighbouring community by procedure', () => {
    const d = implementing();
    d.send('COMMUNITY_SETUP_DECIDED', 'township', '2017-10-30', { hasFamilyCommittee: false, meetsConditions: false, route: 'mergeIntoNeighbour' });
    expect(d.trySend('COMMUNITY_ESTABLISHED', 'township', '2017-11-01').ok).toBe(false);
    d.send('COMMUNITY_MERGED', 'township', '2017-11-10');
    expect(d.context.community.mergedInto).toBe('相邻社区');
  });

  it('refuses a route that does not follow the rule', () => {
    const d = implementing();
    const r = d.trySend('COMMUNITY_SETUP_DECIDED', 'township', '2017-10-30', { hasFamilyCommittee: true, meetsConditions: true, route: 'mergeIntoNeighbour' });
    expect(!r.ok && r.refusal.issues![0]!.path).toBe('data.route');
  });
});

describe('§二(三), §二(一) funding and the transition period', () => {
  it('computes who pays what for 1–2 seconded staff and the running funds', () => {
    const d = implementing();
    d.send('TRANSITION_DECIDED', 'districtGovernment', '2017-11-01');
    const f = d.context.transition.funding!;
    expect(f.staff[0]!.monthly).toMatchObject({ districtPays: 3800, enterprisePays: 1400 });
    expect(f.runningFunds.annual).toMatchObject({ districtFinanceTopUp: 0, enterpriseSubsidy: 30000 });
  });

  it('refuses three seconded staff', () => {
    const d = implementing();
    const staff = [1, 2, 3].map((i) => ({ name: `人员${i}`, enterprisePayMonthly: 4000 }));
    const r = d.trySend('TRANSITION_DECIDED', 'districtGovernment', '2017-11-01', {
      establish: true,
      staff,
      districtStandardMonthly: 3800,
      originalRunningFundsAnnual: 1,
      districtStandardAnnual: 1,
    });
    expect(!r.ok && r.refusal.issues![0]!.path).toBe('data.staff');
  });

  it('hands the case over with every branch done; the 3 years follow as the handedOver phase, then it closes', () => {
    const d = implementing();
    d.send('TRANSITION_DECIDED', 'districtGovernment', '2017-11-01');
    d.send('FACILITIES_HANDED_OVER', 'enterprise', '2017-11-02');
    d.send('FACILITIES_INSPECTED', 'districtCivilAffairs', '2017-11-03');
    d.send('COMMUNITY_SETUP_DECIDED', 'township', '2017-11-06', { hasFamilyCommittee: false, meetsConditions: false, route: 'mergeIntoNeighbour' });
    d.send('COMMUNITY_MERGED', 'township', '2017-11-07');
    expect(stageOf(d.snapshot)).toBe('handedOver');
    expect(d.context.handedOverOn).toBe('2017-11-07');
    expect(d.context.transition.endsOn).toBe('2020-11-01');
    d.advanceTo('2020-10-31T15:59:59.999Z');
    expect(stageOf(d.snapshot)).toBe('handedOver');
    d.advanceTo('2020-10-31T16:00:00.000Z');
    expect(d.snapshot.value).toBe('completed');
  });
});
