// The domain rules the payload schemas carry, and the gate that computes the step: what used to pass the validator
// and then throw in the handler (issue 10) is refused at the gate, naming the field, in Chinese with English.
import { checkDecision } from '../../machines/decide';
import { parseDecision, type EventType } from '../../machines/events';
import { isYuanAmount } from '../../machines/funding';
import { MAX_DECISION_BYTES, TEXT_LIMITS, excerpt, forbiddenCharacter, utf8Bytes } from '../../machines/limits';
import { handoverMachine } from '../../machines/handover';
import { MachineHost } from '../../workflows/host/machine-host';
import { CaseDriver, ROAD } from '../helpers/case-driver';
import { PARTIES, PAYLOADS, decision } from '../helpers/decisions';

const CJK = /[\u4e00-\u9fff]/;

function refusal(type: EventType, role: Parameters<typeof decision>[1], data: unknown, occurredOn = '2017-10-10', d = new CaseDriver()) {
  const check = checkDecision(d.snapshot, PARTIES, decision(type, role, occurredOn, data), noonOf(occurredOn, d.now));
  return check.ok ? undefined : check.refusal;
}

/** Noon (Beijing) of a decision's date, or `now` when later. */
function noonOf(occurredOn: string, now: number): number {
  return Math.max(now, Date.parse(`${occurredOn}T04:00:00Z`) || 0);
}

/** The driver at the funding branch of implementation (transition not yet decided). */
function implementing(): CaseDriver {
  const d = ROAD.planAgreed();
  d.send('AGREEMENT_SIGNED', 'enterprise', '2017-10-20');
  d.send('AGREEMENT_SIGNED', 'districtGovernment', '2017-10-23');
  return d;
}

const TRANSITION = PAYLOADS.TRANSITION_DECIDED as Record<string, unknown>;

describe('money: yuan with at most two decimals', () => {
  it.each([
    ['districtStandardMonthly', 4000.005],
    ['districtStandardAnnual', 0.051],
    ['originalRunningFundsAnnual', 1e-7],
  ])('refuses TRANSITION_DECIDED.%s = %p at the gate, naming the field', (field, value) => {
    const d = implementing();
    const r = refusal('TRANSITION_DECIDED', 'districtGovernment', { ...TRANSITION, [field]: value }, '2017-10-24', d);
    expect(r?.code).toBe('invalidPayload');
    expect(r?.issues).toEqual([{ path: `data.${field}`, message: expect.stringMatching(/最多两位小数.*at most two decimals/) }]);
    expect(r?.message.zh).toContain(`data.${field}`);
  });

  it("refuses a seconded person's enterprisePayMonthly = 0.491, naming the person", () => {
    const d = implementing();
    const r = refusal('TRANSITION_DECIDED', 'districtGovernment', { ...TRANSITION, staff: [{ name: '张三', enterprisePayMonthly: 0.491 }] }, '2017-10-24', d);
    expect(r?.issues?.map((i) => i.path)).toEqual(['data.staff.0.enterprisePayMonthly']);
  });

  it('refuses FACILITIES_INSPECTED.costCny = 4000.005 instead of storing it', () => {
    const d = implementing();
    d.send('FACILITIES_HANDED_OVER', 'enterprise', '2017-10-25');
    const r = refusal('FACILITIES_INSPECTED', 'districtCivilAffairs', { passed: true, findings: '良好', costCny: 4000.005 }, '2017-10-26', d);
    expect(r?.issues?.map((i) => i.path)).toEqual(['data.costCny']);
    d.send('FACILITIES_INSPECTED', 'districtCivilAffairs', '2017-10-26', { passed: true, findings: '良好', costCny: 4000.05 });
    expect(d.context.facilities.inspections.costCny).toBe(4000.05);
  });

  it('accepts whole fen up to the maximum, and decides as the funding rules do', () => {
    for (const ok of [0, 0.1, 0.01, 12.3, 4000.05, 9_999_999_999.99, 10_000_000_000]) expect([ok, isYuanAmount(ok)]).toEqual([ok, true]);
    for (const bad of [-0.01, 0.001, 0.1 + 0.2, 10_000_000_000.01, Number.NaN, Number.POSITIVE_INFINITY, 1e21]) expect([bad, isYuanAmount(bad)]).toEqual([bad, false]);
  });
});

describe('dates within a plausible range', () => {
  it('refuses TRANSITION_DECIDED.startsOn 9997-01-01 at the gate instead of throwing in the handler', () => {
    const d = implementing();
    const r = refusal('TRANSITION_DECIDED', 'districtGovernment', { ...TRANSITION, startsOn: '9997-01-01' }, '2017-10-24', d);
    expect(r).toMatchObject({ code: 'invalidPayload', issues: [{ path: 'data.startsOn', message: expect.stringContaining('2000-01-01 至 2100-12-31') }] });
    expect(r?.issues?.[0]?.message).toContain('outside the accepted range');
  });

  it.each(['1999-12-31', '2101-01-01', '2017-02-29', '17-10-10', ''])('refuses occurredOn %p', (occurredOn) => {
    const parsed = parseDecision(decision('SURVEY_CONFIRMED', 'districtCivilAffairs', occurredOn, {}));
    expect(parsed.ok ? [] : parsed.issues.map((i) => i.path)).toEqual(['occurredOn']);
  });

  it('accepts an earlier handover back to 1949-10-01 (a community handed over long ago)', () => {
    expect(refusal('ALREADY_HANDED_OVER_DECLARED', 'districtCivilAffairs', { handedOverOn: '1998-06-30', note: '1998年已移交' })).toBeUndefined();
    expect(refusal('ALREADY_HANDED_OVER_DECLARED', 'districtCivilAffairs', { handedOverOn: '1949-09-30', note: '过早' })?.issues?.[0]?.path).toBe('data.handedOverOn');
  });
});

describe('free text', () => {
  it.each([
    ['NUL', '\u0000'],
    ['escape', '\u001b[31m'],
    ['DEL', '\u007f'],
    ['C1', '\u0085'],
    ['right-to-left override', '\u202e'],
    ['left-to-right embedding', '\u202a'],
    ['first strong isolate', '\u2068'],
    ['pop directional isolate', '\u2069'],
    ['line separator', '\u2028'],
    ['unpaired surrogate', '\ud800'],
  ])('refuses %s in a summary, naming the field and the character', (_, ch) => {
    const r = refusal('MAJOR_PROBLEM_REPORTED', 'township', { summary: `居民${ch}上访` });
    expect(r?.code).toBe('invalidPayload');
    expect(r?.issues).toEqual([{ path: 'data.summary', message: expect.stringMatching(/^含有不允许的字符 U\+[0-9A-F]{4}（第 3 个字符）.*\(contains U\+[0-9A-F]{4} at position 3/) }]);
  });

  it('allows line breaks and tabs in multi-line text, not in a name or reference', () => {
    expect(refusal('MAJOR_PROBLEM_REPORTED', 'township', { summary: '第一行\r\n第二行\t附注' })).toBeUndefined();
    const d = ROAD.surveyed();
    d.send('ADJUSTMENT_APPLICATION_SIGNED', 'enterprise', '2017-10-11');
    expect(refusal('ADJUSTMENT_APPLICATION_SIGNED', 'township', { reason: '人数\n变化', proposedChanges: '增加' }, '2017-10-12', d)).toBeUndefined();
    expect(refusal('COMMUNITY_MERGED', 'township', { intoCommunity: '相邻\n社区', approvalRef: '九府〔2018〕3号' })?.issues?.[0]?.path).toBe('data.intoCommunity');
    const actor = parseDecision({ ...decision('SURVEY_CONFIRMED', 'districtCivilAffairs', '2017-10-10', {}), actor: { role: 'districtCivilAffairs', org: '九龙坡区', user: '张\u202e三' } });
    expect(actor.ok ? [] : actor.issues.map((i) => i.path)).toEqual(['actor.user']);
  });

  it('refuses text over its maximum length with the maximum in the message', () => {
    const r = refusal('MAJOR_PROBLEM_REPORTED', 'township', { summary: '问'.repeat(TEXT_LIMITS.prose + 1) });
    expect(r?.issues).toEqual([{ path: 'data.summary', message: `不能超过 ${TEXT_LIMITS.prose} 个字符 (at most ${TEXT_LIMITS.prose} characters)` }]);
  });

  it('names the first forbidden character; excerpts never split a surrogate pair', () => {
    expect(forbiddenCharacter('a😀b', false)).toBeUndefined();
    expect(forbiddenCharacter('ab\u0000', false)).toEqual({ codePoint: 'U+0000', position: 3 });
    expect(forbiddenCharacter('a\tb', true)).toBeUndefined();
    expect(forbiddenCharacter('a\tb', false)).toEqual({ codePoint: 'U+0009', position: 2 });
    const cut = excerpt(`${'a'.repeat(98)}😀tail`);
    expect(cut).toBe(`${'a'.repeat(98)}…`);
    expect(utf8Bytes('a问😀')).toBe(1 + 3 + 4);
  });
});

describe('sizes and shapes', () => {
  it('refuses a decision larger than MAX_DECISION_BYTES', () => {
    const big = decision('MAJOR_PROBLEM_REPORTED', 'township', '2017-10-10', { summary: '问题', padding: 'x'.repeat(MAX_DECISION_BYTES) });
    const parsed = parseDecision(big);
    expect(parsed.ok ? [] : parsed.issues).toEqual([{ path: '(root)', message: expect.stringMatching(/^决定内容过大.*\(the decision is too large/) }]);
  });

  it('refuses more facility items than one decision may list', () => {
    const items = Array.from({ length: 101 }, (_, i) => ({ kind: 'workRoom', name: `用房${i}`, areaM2: 10 }));
    const d = implementing();
    const r = refusal('FACILITIES_HANDED_OVER', 'enterprise', { ...(PAYLOADS.FACILITIES_HANDED_OVER as object), items }, '2017-10-25', d);
    expect(r?.issues).toEqual([{ path: 'data.items', message: '最多 100 项 (at most 100 items)' }]);
  });

  it.each<[string, unknown, string]>([
    ['a number for a text', { summary: 42 }, 'data.summary'],
    ['null', { summary: null }, 'data.summary'],
    ['a missing field', {}, 'data.summary'],
    ['an extra field', { summary: '问题', extra: 1 }, 'data'],
    ['an array for the payload', [], 'data'],
  ])('words zod’s own checks in Chinese with English: %s', (_, data, path) => {
    const r = refusal('MAJOR_PROBLEM_REPORTED', 'township', data);
    expect(r?.issues?.[0]?.path).toBe(path);
    for (const issue of r?.issues ?? []) expect(issue.message).toMatch(new RegExp(`${CJK.source}.* \\(.+\\)$`));
  });

  it('words every refusal of a wrong type, enum or union in both languages', () => {
    const samples: unknown[] = [
      decision('COORDINATION_CONCLUDED', 'cityCivilAffairs', '2017-10-10', { outcome: 'maybe', summary: '协调' }),
      decision('TRANSITION_DECIDED', 'districtGovernment', '2017-10-10', { establish: 'yes' }),
      decision('RESIDENTS_COMMITTEE_ELECTED', 'township', '2017-10-10', { members: 1.5 }),
      decision('RESIDENTS_COMMITTEE_ELECTED', 'township', '2017-10-10', { members: 0 }),
      { type: 'NO_SUCH_EVENT', actor: { role: 'mayor', org: 1 }, occurredOn: 20171010 },
      'not an object',
    ];
    for (const s of samples) {
      const parsed = parseDecision(s);
      expect(parsed.ok).toBe(false);
      for (const issue of parsed.ok ? [] : parsed.issues) expect(`${issue.path}: ${issue.message}`).toMatch(new RegExp(`${CJK.source}.* \\(.+\\)$`));
    }
  });
});

describe('the gate computes the step the handler runs', () => {
  it('returns the step, equal to what the host computes', () => {
    const d = ROAD.surveyed();
    const now = noonOf('2017-10-11', d.now);
    const check = checkDecision(d.snapshot, PARTIES, decision('SURVEY_CONFIRMED', 'districtCivilAffairs', '2017-10-11', {}), now);
    if (!check.ok) throw new Error(check.refusal.message.en);
    d.host.send(check.event, now);
    expect(handoverMachine.getPersistedSnapshot(check.step.snapshot as never)).toEqual(d.host.persist().snapshot);
  });

  it('turns whatever the step throws into a refusal (a calendar rule here), where the handler would throw', () => {
    // A case whose settings a later rule no longer accepts: counting its negotiation window throws.
    const d = ROAD.surveyed();
    const persisted = d.host.persist();
    const snapshot = persisted.snapshot as { context: { settings: Record<string, unknown> } };
    const broken = { ...snapshot, context: { ...snapshot.context, settings: { ...snapshot.context.settings, negotiationEscalationWorkingDays: 1_000_000 } } };
    const host = MachineHost.restore(handoverMachine, { snapshot: broken, scheduled: persisted.scheduled });
    const input = decision('SURVEY_CONFIRMED', 'districtCivilAffairs', '2017-10-11', {});
    const check = checkDecision(host.snapshot, PARTIES, input, noonOf('2017-10-11', d.now));
    expect(check.ok ? 'accepted' : check.refusal).toMatchObject({ code: 'ruleViolation', message: { zh: expect.stringContaining('不能办理'), en: expect.stringContaining('not applied') } });
    const parsed = parseDecision(input);
    expect(() => host.send((parsed.ok ? parsed.event : undefined)!, d.now)).toThrow();
  });
});
