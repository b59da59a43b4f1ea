// Issue 11 point 1, case identity (§三(二) 一企业一方案, §三(三) the agreement's two parties, §二(一) each 家属区's
// community): a case is one enterprise in one district, holding one or more residential areas, each with its own
// community set-up. Pure: the plan table's rows grouped into cases, the case ids, and the statechart stepped through
// the same gate the workflow uses.
import { MachineHost } from '../../workflows/host/machine-host';
import { handoverMachine, type HandoverInput } from '../../machines/handover';
import { handoverMachine_168_2017_2 } from '../../machines/versions/168-2017.2';
import { checkDecision, type Refusal } from '../../machines/decide';
import { deadlineOf } from '../../machines/calendar';
import { stageOf, countsAsComplete, projectContext } from '../../machines/case-view';
import { projectionLines } from '../../client/format/projection-text';
import { CASE_REF_PATTERN, areaInput, caseIdFor, caseIdOf, legacyCaseIdFor, parseCaseId, parseCaseOpening, type CaseOpening } from '../../machines/case-input';
import { DISTRICTS, DISTRICT_CODES, districtOfCode } from '../../machines/districts';
import { creditCodeCheckChar } from '../../machines/credit-code';
import { mapHeaders, problemLine, validatePlanRows, type PlanRow } from '../../machines/plan-table';
import { DEFINITION_VERSION } from '../../machines/settings';
import type { EventType } from '../../machines/events';
import type { CaseParties, Role } from '../../machines/roles';
import { PAYLOADS, orgFor } from '../helpers/decisions';

const code = (n: number) => {
  const body = `915000002028${String(n).padStart(5, '0')}`;
  return body + creditCodeCheckChar(body)!;
};
const STEEL = code(1);
const OTHER = code(2);

const HEADERS = ['序号', '区县', '企业名称', '统一社会信用代码', '职工家属区（社区）名称', '职工及家属人数', '计划完成时间', '接收街道（乡镇）'];
const header = mapHeaders(HEADERS, 1);
const planRows = (rows: Array<Array<string | number>>): PlanRow[] => rows.map((cells, i) => ({ row: i + 2, cells: [i + 1, ...cells] }));

/** A plan with one enterprise in two districts (two areas in 江北区, one in 渝北区), and another enterprise. */
const PLAN = planRows([
  ['江北区', '重庆某钢铁厂', STEEL, '大石坝职工家属区', 3200, '2018-06-30', '石马河街道'],
  ['渝北区', '重庆某钢铁厂', STEEL, '龙溪职工家属区', 800, '2018-03-31', '龙溪街道'],
  ['江北区', '重庆某钢铁厂', STEEL, '观音桥职工家属区', 1200, '2018-09-30', '石马河街道'],
  ['江北区', '重庆某纺织厂', OTHER, '纺织厂职工家属区', 450, '2018-06-30', '观音桥街道'],
]);

describe('case ids: credit code and the district (GB/T 2260)', () => {
  it('gives every district of the plan table its own code: 5001xx districts, 5002xx counties, letters for the two zones', () => {
    const codes = DISTRICTS.map((d) => DISTRICT_CODES[d]);
    expect(new Set(codes).size).toBe(DISTRICTS.length);
    for (const d of DISTRICTS) {
      const c = DISTRICT_CODES[d];
      if (d.endsWith('区') && !['两江新区', '万盛经开区'].includes(d)) expect(c).toMatch(/^5001\d\d$/);
      else if (d.endsWith('县')) expect(c).toMatch(/^5002\d\d$/);
      else expect(c).toMatch(/^[A-Z]{4}$/);
      expect(districtOfCode(c)).toBe(d);
    }
    // A few from the Ministry of Civil Affairs' list.
    expect([DISTRICT_CODES['渝中区'], DISTRICT_CODES['江北区'], DISTRICT_CODES['开州区'], DISTRICT_CODES['忠县'], DISTRICT_CODES['彭水苗族土家族自治县']]).toEqual([
      '500103',
      '500105',
      '500154',
      '500233',
      '500243',
    ]);
  });

  it('names a case by enterprise and district; ids of cases opened before 168-2017.3 keep working', () => {
    expect(caseIdFor(STEEL, '江北区')).toBe(`handover-${STEEL}-500105`);
    expect(caseIdFor(STEEL, '渝北区')).toBe(`handover-${STEEL}-500112`);
    expect(caseIdFor(STEEL, '两江新区')).toBe(`handover-${STEEL}-LJXQ`);
    expect(() => caseIdFor(STEEL, '火星区')).toThrow('火星区');
    expect(legacyCaseIdFor(STEEL)).toBe(`handover-${STEEL}`);
    // What people type: with or without `handover-`, with or without the district's code.
    expect(caseIdOf(`handover-${STEEL}-500105`)).toBe(`handover-${STEEL}-500105`);
    expect(caseIdOf(`${STEEL}-500112`)).toBe(`handover-${STEEL}-500112`);
    expect(caseIdOf(`handover-${STEEL}`)).toBe(`handover-${STEEL}`);
    expect(caseIdOf(STEEL)).toBe(`handover-${STEEL}`);
    expect(caseIdOf(`${STEEL}-500199`)).toBeUndefined(); // no such district
    expect(caseIdOf('handover-test')).toBeUndefined();
    expect(CASE_REF_PATTERN.test(`handover-${STEEL}-500105`)).toBe(true);
    expect(parseCaseId(`handover-${STEEL}-500112`)).toEqual({ creditCode: STEEL, district: '渝北区' });
    expect(parseCaseId(`handover-${STEEL}`)).toEqual({ creditCode: STEEL });
  });
});

describe('a case opening (API, CLI) with several residential areas', () => {
  const base = { creditCode: STEEL, enterpriseName: '重庆某钢铁厂', district: '江北区' };
  const issues = (o: unknown) => {
    const r = parseCaseOpening(o);
    return r.success ? [] : r.error.issues.map((i) => [i.path.join('.'), i.message]);
  };

  it('takes residentialAreas, each with its people; one area stays residentialArea and people', () => {
    expect(issues({ ...base, residentialAreas: [{ name: '甲区', people: 10 }, { name: '乙区' }] })).toEqual([]);
    expect(areaInput({ residentialAreas: [{ name: '甲区', people: 10 }, { name: '乙区', people: 5 }] })).toEqual({
      residentialArea: '甲区、乙区',
      people: 15,
      areas: [{ name: '甲区', people: 10 }, { name: '乙区', people: 5 }],
    });
    expect(areaInput({ residentialArea: '甲区', people: 10 })).toEqual({ residentialArea: '甲区', people: 10 });
    expect(areaInput({ residentialAreas: [{ name: '甲区', people: 10 }] })).toEqual({ residentialArea: '甲区', people: 10 });
  });

  it('refuses, naming the field: both forms at once, an area twice, more than 10 areas', () => {
    expect(issues({ ...base, residentialArea: '甲区', residentialAreas: [{ name: '乙区' }] })).toEqual([['residentialAreas', expect.stringContaining('not both')]]);
    expect(issues({ ...base, residentialAreas: [{ name: '甲区' }, { name: '甲区' }] })).toEqual([['residentialAreas.1.name', expect.stringContaining('repeats area 1')]]);
    expect(issues({ ...base, residentialAreas: Array.from({ length: 11 }, (_, i) => ({ name: `第${i}区` })) })).toEqual([['residentialAreas', expect.stringContaining('at most 10')]]);
  });
});

describe('the plan table: rows of the same enterprise and district are one case', () => {
  const plan = validatePlanRows(header, PLAN);

  it('makes an enterprise with areas in two districts two cases, and two areas in one district one case', () => {
    expect(plan.problems).toEqual([]);
    expect(plan.rows).toBe(4);
    expect(plan.cases.map((c) => [c.caseId, c.rows])).toEqual([
      [caseIdFor(STEEL, '江北区'), [2, 4]],
      [caseIdFor(STEEL, '渝北区'), [3]],
      [caseIdFor(OTHER, '江北区'), [5]],
    ]);
    const [jiangbei, yubei, other] = plan.cases.map((c) => c.opening);
    expect(jiangbei).toEqual({
      creditCode: STEEL,
      enterpriseName: '重庆某钢铁厂',
      district: '江北区',
      township: '石马河街道',
      residentialAreas: [
        { name: '大石坝职工家属区', people: 3200 },
        { name: '观音桥职工家属区', people: 1200 },
      ],
      // Handed over when every area is: the latest area's planned date.
      plannedCompletion: '2018-09-30',
    });
    // A one-row case opens exactly as a row always did.
    expect(yubei).toEqual({ creditCode: STEEL, enterpriseName: '重庆某钢铁厂', district: '渝北区', residentialArea: '龙溪职工家属区', people: 800, plannedCompletion: '2018-03-31', township: '龙溪街道' });
    expect(other!.residentialArea).toBe('纺织厂职工家属区');
    for (const o of [jiangbei, yubei, other]) expect(parseCaseOpening(o).success).toBe(true);
  });

  it('leaves the receiving township open when the rows of one case name different ones', () => {
    const rows = planRows([
      ['江北区', '重庆某钢铁厂', STEEL, '大石坝职工家属区', 3200, '2018-06-30', '石马河街道'],
      ['江北区', '重庆某钢铁厂', STEEL, '观音桥职工家属区', 1200, '2018-06-30', '观音桥街道'],
    ]);
    const [only] = validatePlanRows(header, rows).cases;
    expect(only!.opening.township).toBeUndefined();
  });

  it('refuses, naming row and column in Chinese and English: the same area twice, another name for the same code', () => {
    const rows = planRows([
      ['江北区', '重庆某钢铁厂', STEEL, '大石坝职工家属区', 3200, '2018-06-30', ''],
      ['江北区', '重庆某钢铁厂', STEEL, '大石坝职工家属区', 100, '2018-06-30', ''],
      ['渝北区', '重庆某钢铁集团', STEEL, '龙溪职工家属区', 800, '2018-03-31', ''],
    ]);
    const result = validatePlanRows(header, rows);
    expect(result.problems.map((p) => [p.row, p.column, p.field])).toEqual([
      [3, 'D', 'creditCode'],
      [4, 'C', 'enterpriseName'],
    ]);
    expect(problemLine(result.problems[0]!, 'zh')).toBe(`第 3 行 D 列（统一社会信用代码）：统一社会信用代码 ${STEEL} 与第 2 行重复（同一企业在江北区的同一职工家属区“大石坝职工家属区”）`);
    expect(problemLine(result.problems[0]!, 'en')).toContain('row 3, column D (credit code)');
    expect(problemLine(result.problems[1]!, 'zh')).toContain('第 2 行的企业名称为“重庆某钢铁厂”，本行为“重庆某钢铁集团”');
    expect(problemLine(result.problems[1]!, 'en')).toContain('row 4, column C (enterprise name)');
  });

  it('refuses more residential areas than one case holds, on the row past the limit', () => {
    const rows = planRows(Array.from({ length: 11 }, (_, i) => ['江北区', '重庆某钢铁厂', STEEL, `第${i + 1}职工家属区`, 100, '2018-06-30', '']));
    const result = validatePlanRows(header, rows);
    expect(result.problems.map((p) => [p.row, p.field])).toEqual([[12, 'residentialArea']]);
    expect(result.problems[0]!.message.en).toContain('at most 10 residential areas');
  });
});

// ---- the statechart ------------------------------------------------------------------------------------------

const partiesOf = (o: CaseOpening): CaseParties => ({ creditCode: o.creditCode, district: o.district, ...(o.township ? { township: `${o.district}/${o.township}` } : {}) });

/** One case stepped through the gate (machines/decide.ts) as the workflow does, with its own parties. */
class Case {
  readonly host: MachineHost<typeof handoverMachine>;
  now: number;
  constructor(
    readonly parties: CaseParties,
    input: Partial<HandoverInput>,
    startedAt = '2017-10-09T01:00:00.000Z',
    machine = handoverMachine,
  ) {
    this.now = Date.parse(startedAt);
    this.host = MachineHost.start(machine as typeof handoverMachine, { caseId: 'c', parties, enterpriseName: '重庆某钢铁厂', startedAt, settings: { cityTargetDate: '2099-12-31' }, ...input }, this.now).host;
  }
  get context() {
    return this.host.snapshot.context;
  }
  get stage() {
    return stageOf(this.host.snapshot);
  }
  try(type: EventType, role: Role, on: string, data: unknown = PAYLOADS[type], org = orgFor(role, this.parties)): { ok: true } | { ok: false; refusal: Refusal } {
    const at = Date.parse(deadlineOf(on)) - 86_400_000 + 9 * 3_600_000;
    if (at > this.now) {
      this.now = at;
      this.host.fireDue(at);
    }
    const check = checkDecision(this.host.snapshot, this.parties, { type, actor: { role, org }, occurredOn: on, data }, this.now);
    if (!check.ok) return check;
    this.host.send(check.event, this.now);
    return { ok: true };
  }
  send(type: EventType, role: Role, on: string, data?: unknown): this {
    const r = this.try(type, role, on, data);
    if (!r.ok) throw new Error(`${type} refused: ${r.refusal.message.en}`);
    return this;
  }
  /** Survey to the signed agreement, in October 2017. */
  toImplementation(): this {
    this.send('SURVEY_SUBMITTED', 'districtCivilAffairs', '2017-10-10').send('SURVEY_CONFIRMED', 'districtCivilAffairs', '2017-10-11');
    this.send('WORK_PLAN_PROPOSED', 'township', '2017-10-16').send('WORK_PLAN_ACCEPTED', 'enterprise', '2017-10-18');
    return this.send('AGREEMENT_SIGNED', 'enterprise', '2017-10-25').send('AGREEMENT_SIGNED', 'districtGovernment', '2017-10-26');
  }
}

const inputOf = (o: CaseOpening): Partial<HandoverInput> => {
  const { residentialArea, areas } = areaInput(o);
  return { enterpriseName: o.enterpriseName, residentialArea, ...(areas ? { areas } : {}), plannedCompletion: o.plannedCompletion };
};

const NO_TRANSITION = { establish: false, reason: '移交人员较少' };

describe('an enterprise with areas in two districts: two cases, two agreements', () => {
  const [jiangbei, yubei] = validatePlanRows(header, PLAN).cases.map((c) => c.opening);

  it('has each agreement signed by its own district government, and neither by the other', () => {
    const a = new Case(partiesOf(jiangbei!), inputOf(jiangbei!)).toImplementation();
    const b = new Case(partiesOf(yubei!), inputOf(yubei!));
    b.send('SURVEY_SUBMITTED', 'districtCivilAffairs', '2017-10-10').send('SURVEY_CONFIRMED', 'districtCivilAffairs', '2017-10-11');
    b.send('WORK_PLAN_PROPOSED', 'township', '2017-10-16').send('WORK_PLAN_ACCEPTED', 'enterprise', '2017-10-20');
    b.send('AGREEMENT_SIGNED', 'enterprise', '2017-10-27');
    // The enterprise is a party to both; 江北区's government is not a party to the 渝北区 case.
    const wrong = b.try('AGREEMENT_SIGNED', 'districtGovernment', '2017-10-30', PAYLOADS.AGREEMENT_SIGNED, '江北区');
    expect(wrong).toMatchObject({ ok: false, refusal: { code: 'wrongOrganisation' } });
    b.send('AGREEMENT_SIGNED', 'districtGovernment', '2017-10-30');
    expect(a.context.agreement.signedOn).toBe('2017-10-26');
    expect(b.context.agreement.signedOn).toBe('2017-10-30');
    expect(a.context.parties.district).toBe('江北区');
    expect(b.context.parties.district).toBe('渝北区');
    expect([a.stage, b.stage]).toEqual(['implementation', 'implementation']);
  });
});

describe('two areas in one district: one case, each area its own community set-up (§二(一))', () => {
  const [jiangbei] = validatePlanRows(header, PLAN).cases.map((c) => c.opening);
  const DASHIBA = '大石坝职工家属区';
  const GUANYINQIAO = '观音桥职工家属区';
  const merge = { hasFamilyCommittee: false, meetsConditions: false, route: 'mergeIntoNeighbour' };
  const elect = { hasFamilyCommittee: false, meetsConditions: true, route: 'setUpAndElect' };

  it('keeps both areas with their people, and is handed over only when both communities are set up', () => {
    const c = new Case(partiesOf(jiangbei!), inputOf(jiangbei!)).toImplementation();
    expect(c.context.residentialArea).toBe(`${DASHIBA}、${GUANYINQIAO}`);
    expect(c.context.areas).toEqual([
      { name: DASHIBA, people: 3200 },
      { name: GUANYINQIAO, people: 1200 },
    ]);
    expect(c.host.snapshot.matches({ implementation: { community: 'perArea' } } as never)).toBe(true);

    // A community decision must say which area it is about, and be that area's next step.
    const unnamed = c.try('COMMUNITY_SETUP_DECIDED', 'township', '2017-11-02', elect);
    expect(unnamed).toMatchObject({ ok: false, refusal: { code: 'ruleViolation' } });
    expect((unnamed as { refusal: Refusal }).refusal.message.zh).toContain('data.area');
    expect((unnamed as { refusal: Refusal }).refusal.message.en).toContain('this case has 2 residential areas; name one in data.area');
    const unknown = c.try('COMMUNITY_SETUP_DECIDED', 'township', '2017-11-02', { ...elect, area: '龙溪职工家属区' });
    expect((unknown as { refusal: Refusal }).refusal.message.zh).toContain('本案没有职工家属区“龙溪职工家属区”');
    expect(c.try('COMMUNITY_ESTABLISHED', 'township', '2017-11-02', { communityName: '大石坝社区', area: DASHIBA })).toMatchObject({ ok: false, refusal: { code: 'wrongStage' } });

    c.send('FACILITIES_HANDED_OVER', 'enterprise', '2017-11-01');
    c.send('FACILITIES_INSPECTED', 'districtCivilAffairs', '2017-11-10');
    c.send('TRANSITION_DECIDED', 'districtGovernment', '2017-11-13', NO_TRANSITION);
    c.send('COMMUNITY_SETUP_DECIDED', 'township', '2017-11-14', { ...elect, area: DASHIBA });
    c.send('COMMUNITY_SETUP_DECIDED', 'township', '2017-11-15', { ...merge, area: GUANYINQIAO });
    // The merging area takes no committee election.
    expect(c.try('COMMUNITY_ESTABLISHED', 'township', '2017-11-16', { communityName: '观音桥社区', area: GUANYINQIAO })).toMatchObject({ ok: false, refusal: { code: 'wrongStage' } });
    c.send('COMMUNITY_ESTABLISHED', 'township', '2017-11-20', { communityName: '大石坝社区', area: DASHIBA });
    c.send('RESIDENTS_COMMITTEE_ELECTED', 'township', '2017-12-15', { members: 7, area: DASHIBA });
    // Facilities, transition and one area done: the other area holds the handover open.
    expect(c.stage).toBe('implementation');
    expect(c.context.handedOverOn).toBeUndefined();
    expect(countsAsComplete(c.stage)).toBe(false);
    expect(c.try('RESIDENTS_COMMITTEE_ELECTED', 'township', '2017-12-16', { members: 7, area: DASHIBA })).toMatchObject({ ok: false, refusal: { code: 'wrongStage' } });

    c.send('COMMUNITY_MERGED', 'township', '2017-12-20', { intoCommunity: '观音桥社区', approvalRef: '江北府〔2017〕9号', area: GUANYINQIAO });
    expect(c.context.areas).toEqual([
      { name: DASHIBA, people: 3200, route: 'setUpAndElect', communityName: '大石坝社区', committeeElectedOn: '2017-12-15', establishedOn: '2017-12-15' },
      { name: GUANYINQIAO, people: 1200, route: 'mergeIntoNeighbour', mergedInto: '观音桥社区', establishedOn: '2017-12-20' },
    ]);
    // Handed over (no transition period: complete) on the last area's date.
    expect(c.context.community.establishedOn).toBe('2017-12-20');
    expect(c.context.handedOverOn).toBe('2017-12-20');
    expect(c.stage).toBe('completed');
  });

  it('shows each area\'s set-up in the one projection of the case (API, CLI, console)', () => {
    const c = new Case(partiesOf(jiangbei!), inputOf(jiangbei!)).toImplementation();
    c.send('COMMUNITY_SETUP_DECIDED', 'township', '2017-11-02', { ...elect, area: DASHIBA });
    c.send('COMMUNITY_ESTABLISHED', 'township', '2017-11-03', { communityName: '大石坝社区', area: DASHIBA });
    c.send('COMMUNITY_SETUP_DECIDED', 'township', '2017-11-06', { ...merge, area: GUANYINQIAO });
    c.send('COMMUNITY_MERGED', 'township', '2017-11-07', { intoCommunity: '观音桥社区', approvalRef: '江北府〔2017〕9号', area: GUANYINQIAO });
    const p = projectContext(c.stage, c.context, c.now);
    expect(p.areas).toEqual([
      { name: DASHIBA, people: 3200, stage: 'electing', stageLabel: { zh: '选举居委会', en: 'electing committee' } },
      { name: GUANYINQIAO, people: 1200, stage: 'established', stageLabel: { zh: '已组建', en: 'established' }, establishedOn: '2017-11-07' },
    ]);
    expect(projectionLines(p, 'zh')).toEqual(expect.arrayContaining(['各职工家属区社区组建（§二(一)）：', `  ${DASHIBA}，3200 人: 选举居委会`, `  ${GUANYINQIAO}，1200 人: 已组建 2017-11-07`]));
    const [, yubei] = validatePlanRows(header, PLAN).cases.map((x) => x.opening);
    const one = new Case(partiesOf(yubei!), inputOf(yubei!));
    expect(projectContext(one.stage, one.context, one.now)).not.toHaveProperty('areas');
  });

  it('refuses a decision dated before an area\'s recorded set-up (a record is kept in date order)', () => {
    const c = new Case(partiesOf(jiangbei!), inputOf(jiangbei!)).toImplementation();
    c.send('COMMUNITY_SETUP_DECIDED', 'township', '2017-11-02', { ...merge, area: DASHIBA });
    c.send('COMMUNITY_MERGED', 'township', '2017-11-20', { intoCommunity: '大石坝社区', approvalRef: '江北府〔2017〕8号', area: DASHIBA });
    const early = c.try('COMMUNITY_SETUP_DECIDED', 'township', '2017-11-19', { ...elect, area: GUANYINQIAO });
    expect(early).toMatchObject({ ok: false, refusal: { code: 'invalidPayload', issues: [{ path: 'occurredOn' }] } });
    expect(c.try('COMMUNITY_SETUP_DECIDED', 'township', '2017-11-20', { ...elect, area: GUANYINQIAO })).toEqual({ ok: true });
  });

  it('keeps a one-area case as before: no areas in its context, the community region as it was, `area` not needed', () => {
    const [, yubei] = validatePlanRows(header, PLAN).cases.map((c) => c.opening);
    expect(inputOf(yubei!)).toEqual({ enterpriseName: '重庆某钢铁厂', residentialArea: '龙溪职工家属区', plannedCompletion: '2018-03-31' });
    const c = new Case(partiesOf(yubei!), inputOf(yubei!)).toImplementation();
    expect(c.context).not.toHaveProperty('areas');
    c.send('COMMUNITY_SETUP_DECIDED', 'township', '2017-11-02');
    expect(c.host.snapshot.matches({ implementation: { community: 'establishing' } } as never)).toBe(true);
    c.send('COMMUNITY_ESTABLISHED', 'township', '2017-11-20');
    c.send('RESIDENTS_COMMITTEE_ELECTED', 'township', '2017-12-15');
    expect(c.context.community).toMatchObject({ route: 'setUpDirectly', communityName: '机电社区', establishedOn: '2017-12-15' });
  });
});

describe('definition 168-2017.2 → 168-2017.3: running cases keep working', () => {
  it('registers 168-2017.3 as the current definition', () => {
    expect(DEFINITION_VERSION).toBe('168-2017.3');
  });

  it('restores a case running under 168-2017.2 (one area) into 168-2017.3, which finishes it as 168-2017.2 would have', () => {
    const parties: CaseParties = { creditCode: STEEL, district: '江北区', township: '江北区/石马河街道' };
    const old = new Case(parties, { residentialArea: '大石坝职工家属区' }, undefined, handoverMachine_168_2017_2 as unknown as typeof handoverMachine).toImplementation();
    old.send('COMMUNITY_SETUP_DECIDED', 'township', '2017-11-02');
    expect(old.context.definitionVersion).toBe('168-2017.2');
    const restored = MachineHost.restore(handoverMachine, old.host.persist());
    expect(restored.snapshot.context.definitionVersion).toBe('168-2017.3');
    expect(restored.snapshot.context).not.toHaveProperty('areas');
    expect(restored.snapshot.matches({ implementation: { community: 'establishing' } } as never)).toBe(true);
    const c = Object.assign(Object.create(Case.prototype) as Case, { parties, host: restored, now: old.now });
    c.send('COMMUNITY_ESTABLISHED', 'township', '2017-11-20').send('RESIDENTS_COMMITTEE_ELECTED', 'township', '2017-12-15');
    c.send('FACILITIES_HANDED_OVER', 'enterprise', '2017-12-16').send('FACILITIES_INSPECTED', 'districtCivilAffairs', '2017-12-18');
    c.send('TRANSITION_DECIDED', 'districtGovernment', '2017-12-19', NO_TRANSITION);
    expect(c.stage).toBe('completed');
    expect(c.context.handedOverOn).toBe('2017-12-19');
  });
});
