// Issue 11, Build 5: a past case's history is checked in full before anything starts — the opening, every decision's
// payload, then every decision in date order through the workflow's own gate on a machine stepped in pure code.
import sample from '../../samples/history-2017.json';
import { checkHistory, historyProblemLine } from '../../machines/history';

const NOW = Date.parse('2026-11-27T02:00:00.000Z');
const copy = () => JSON.parse(JSON.stringify(sample)) as { opening: Record<string, unknown>; decisions: Array<Record<string, unknown>> };

describe('checking a case history (Build 5)', () => {
  it('accepts the whole 2017 case (plan accepted 2017-09-28, signed 2017-10-16): handed over, never overdue, nothing to send', () => {
    const r = checkHistory(sample, NOW);
    if (!r.ok) throw new Error(r.problems.map((p) => historyProblemLine(p, 'en')).join('\n'));
    const { projection, notifications, notices, decisions } = r.history;
    expect(decisions.map((d) => d.request.requestId)).toEqual(sample.decisions.map((_, i) => `history-${i + 1}`));
    expect(projection).toMatchObject({ stage: 'handedOver', handedOver: true, handedOverOn: '2017-11-10', overdue: false, responsibility: { party: 'township', since: '2017-11-10' } });
    expect(Object.fromEntries(projection.deadlines.map((d) => [d.kind, d.status]))).toEqual({
      negotiationReminder: 'met', // a reminder takes the status of what it reminds of: the plan agreed in time
      negotiationEscalation: 'met',
      agreementReminder: 'met',
      agreement: 'met',
      cityTarget: 'met',
      transitionEnd: 'met',
    });
    expect(notifications).toEqual([]);
    expect(notices).toEqual([]);
  });

  it('steps the decisions in date order, whatever the file’s order', () => {
    const h = copy();
    h.decisions.reverse();
    const r = checkHistory(h, NOW);
    expect(r.ok && r.history.decisions.map((d) => d.request.occurredOn)).toEqual(sample.decisions.map((d) => d.occurredOn));
  });

  it('names the decision and the field of every payload problem, in Chinese with English', () => {
    const h = copy();
    (h.decisions[0]!.data as Record<string, unknown>).serviceStaff = -3;
    h.decisions[4]!.occurredOn = '2017-13-01';
    h.opening.district = '不存在区';
    const r = checkHistory(h, NOW);
    expect(r.ok).toBe(false);
    const problems = !r.ok ? r.problems : [];
    expect(problems.map((p) => [p.index, p.path])).toEqual(expect.arrayContaining([[undefined, 'opening.district'], [0, 'data.serviceStaff'], [4, 'occurredOn']]));
    for (const p of problems) {
      expect(p.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(p.message.en).toMatch(/[a-z]/);
    }
    expect(historyProblemLine(problems.find((p) => p.index === 4)!, 'zh')).toContain('第 5 项决定（decisions[4]）');
  });

  it('refuses a decision the case could not take then, with the gate’s reason: wrong stage, wrong organisation, future date', () => {
    const stage = copy();
    stage.decisions.splice(3, 1); // no acceptance: the agreement cannot be signed
    const r1 = checkHistory(stage, NOW);
    expect(!r1.ok && r1.problems).toEqual([expect.objectContaining({ index: 3, path: 'type' })]);
    expect(!r1.ok && r1.problems[0]!.message.en).toContain('AGREEMENT_SIGNED is not accepted');

    const org = copy();
    (org.decisions[3]!.actor as Record<string, string>).org = '九龙坡区/另一街道';
    const r2 = checkHistory(org, NOW);
    expect(!r2.ok && r2.problems).toEqual([expect.objectContaining({ index: 3, path: 'actor.org' })]);

    const future = copy();
    future.decisions[10]!.occurredOn = '2026-12-01';
    const r3 = checkHistory(future, NOW);
    expect(!r3.ok && r3.problems).toEqual([expect.objectContaining({ index: 10, path: 'occurredOn' })]);
  });

  it('refuses a second signer signing another text, naming data.sections', () => {
    const h = copy();
    const data = h.decisions[5]!.data as { sections: Record<string, string> };
    data.sections = { ...data.sections, fundAccounting: '另一文本' };
    const r = checkHistory(h, NOW);
    expect(!r.ok && r.problems).toEqual([expect.objectContaining({ index: 5, path: 'data.sections' })]);
  });

  it('refuses a grace of 0 (passed deadlines would notify before the next record arrives) and repeated request ids', () => {
    const h = copy();
    h.opening.settings = { lateRecordGraceHours: 0 };
    h.decisions[1]!.requestId = 'x';
    h.decisions[2]!.requestId = 'x';
    const r = checkHistory(h, NOW);
    expect(!r.ok && r.problems.map((p) => [p.index, p.path])).toEqual([
      [2, 'requestId'],
      [undefined, 'opening.settings.lateRecordGraceHours'],
    ]);
  });

  it('foresees the gap that passed a deadline: the escalation dated at its due date, after the fact', () => {
    const h = copy();
    h.decisions[4]!.occurredOn = '2017-11-20';
    h.decisions[5]!.occurredOn = '2017-11-21';
    for (const d of h.decisions.slice(6)) d.occurredOn = '2017-11-25';
    const r = checkHistory(h, NOW);
    if (!r.ok) throw new Error(r.problems.map((p) => historyProblemLine(p, 'en')).join('\n'));
    expect(r.history.notices).toEqual([expect.objectContaining({ reason: 'agreementEscalated', afterTheFact: true })]);
    expect(r.history.notifications.map((n) => n.reason)).toEqual(['agreementEscalated']);
    expect(r.history.projection.deadlines.find((d) => d.kind === 'agreement')).toMatchObject({ status: 'missed' });
  });

  it('refuses what is not a history', () => {
    expect(checkHistory([], NOW)).toMatchObject({ ok: false, problems: [{ path: '(root)' }] });
    expect(checkHistory({ opening: sample.opening, decisions: [], extra: 1 }, NOW)).toMatchObject({ ok: false, problems: [{ path: 'extra' }, { path: 'decisions' }] });
  });
});
