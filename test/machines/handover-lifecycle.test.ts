// A whole case through the pure statechart: survey to completion, with and without a transition period.
import { CaseDriver, ROAD } from '../helpers/case-driver';
import { countsAsComplete, responsibilityOf, responsibleParty, stageOf } from '../../machines/case-view';
import { summarise, type CaseSnapshotView } from '../../machines/progress-table';
import { caseSummaryOf } from '../../workflows/host/case-summary';

const toImplementation = (d: CaseDriver) => ROAD.implementing(d);

describe('§三 a whole case', () => {
  it('is handed over when agreement, people, facilities and community are done; the 3-year transition follows as its own phase', () => {
    const d = new CaseDriver();
    expect(stageOf(d.snapshot)).toBe('survey');
    toImplementation(d);
    expect(stageOf(d.snapshot)).toBe('implementation');
    expect(d.context.agreement).toMatchObject({ signedOn: '2017-10-26', late: false });
    // §四(二): signing is not the handover.
    expect(responsibleParty(d.context)).toBe('enterprise');

    d.send('FACILITIES_HANDED_OVER', 'enterprise', '2017-11-01');
    d.send('COMMUNITY_SETUP_DECIDED', 'township', '2017-11-02');
    d.send('FACILITIES_INSPECTED', 'districtCivilAffairs', '2017-11-10');
    d.send('COMMUNITY_ESTABLISHED', 'township', '2017-11-20');
    d.send('RESIDENTS_COMMITTEE_ELECTED', 'township', '2017-12-15');
    d.send('TRANSITION_DECIDED', 'districtGovernment', '2017-12-18', {
      establish: true,
      startsOn: '2018-01-01',
      staff: [{ name: '张三', enterprisePayMonthly: 5200 }, { name: '李四', enterprisePayMonthly: 3000 }],
      districtStandardMonthly: 3800,
      originalRunningFundsAnnual: 150000,
      districtStandardAnnual: 120000,
    });
    // Handed over on the last of the facts (the transition decision, 2017-12-18): complete, with the transition beside it.
    expect(stageOf(d.snapshot)).toBe('handedOver');
    expect(countsAsComplete(stageOf(d.snapshot))).toBe(true);
    expect(d.context.handedOverOn).toBe('2017-12-18');
    expect(responsibilityOf(d.context)).toMatchObject({ party: 'township', since: '2017-12-18' });
    expect(responsibilityOf(d.context).reason.en).toContain('handed over on 2017-12-18');
    expect(d.context.transition).toMatchObject({ startsOn: '2018-01-01', endsOn: '2021-01-01' });

    // The 2017 year-end summary counts it complete; later it is shown as in transition, not as unfinished.
    const view = (): CaseSnapshotView => ({ ...caseSummaryOf(d.host as never, 'case-1', { decisions: 0, recordSeq: 0 }), context: d.context }) as CaseSnapshotView;
    const y2017 = summarise('九龙坡区', [{ state: view() }], 2017);
    expect(y2017).toMatchObject({ completed: 1, completedThisYear: 1, inTransition: 1 });
    d.advanceTo('2018-06-01T00:00:00.000Z');
    const y2018 = summarise('九龙坡区', [{ state: view() }], 2018);
    expect(y2018).toMatchObject({ completed: 1, completedThisYear: 0, inTransition: 1 });
    expect(y2018.byStage.implementation).toBe(0);
    expect(d.context.deadlines.transitionEnd).toMatchObject({ due: '2020-12-31', at: '2020-12-31T16:00:00.000Z' });

    d.advanceTo('2020-12-31T15:59:59.999Z');
    expect(d.snapshot.status).toBe('active');
    expect(d.notifications('transitionEndingReminder').map((n) => n.dueKey)).toEqual(['2020-12-31-90d', '2020-12-31-30d']);

    d.advanceTo('2020-12-31T16:00:00.000Z');
    expect(d.snapshot.value).toBe('completed');
    expect(d.snapshot.status).toBe('done');
  });

  it('completes without a transition period once every branch is done', () => {
    const d = new CaseDriver();
    toImplementation(d);
    d.send('TRANSITION_DECIDED', 'districtGovernment', '2017-11-01', { establish: false, reason: '移交人员较少' });
    d.send('COMMUNITY_SETUP_DECIDED', 'township', '2017-11-02', { hasFamilyCommittee: false, meetsConditions: false, route: 'mergeIntoNeighbour' });
    d.send('FACILITIES_HANDED_OVER', 'enterprise', '2017-11-03');
    d.send('FACILITIES_INSPECTED', 'districtCivilAffairs', '2017-11-10');
    expect(stageOf(d.snapshot)).toBe('implementation');
    d.send('COMMUNITY_MERGED', 'township', '2017-11-20');
    expect(d.snapshot.value).toBe('completed');
    expect(d.context.handedOverOn).toBe('2017-11-20');
  });
});
