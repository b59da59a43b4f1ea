// Days left on the to-do list: counted in working days where the rule counts them, agreeing with the calendar that
// set the deadline (machines/calendar addWorkingDays), across the National Day and Spring Festival holidays.
import { addWorkingDays } from '../../machines/calendar';
import { compareTodo, daysLeft, type TodoItem } from '../../client/todo';

describe('daysLeft', () => {
  it.each(['2026-09-25', '2026-02-10', '2025-12-29', '2026-11-27'])('is n for the n-th working day after %s, and -n back from it', (start) => {
    for (let n = 1; n <= 30; n++) {
      const due = addWorkingDays(start, n).due;
      expect(daysLeft(start, due, true)).toBe(n);
      // Counted back from the due date, the working days between are the same days, the other way.
      expect(daysLeft(due, start, true)).toBe(-n);
    }
  });

  it('counts calendar days when the rule does, 0 on the due day', () => {
    expect(daysLeft('2026-09-30', '2026-10-08', false)).toBe(8);
    expect(daysLeft('2026-10-08', '2026-09-30', false)).toBe(-8);
    expect(daysLeft('2026-10-08', '2026-10-08', true)).toBe(0);
    // Over the National Day holidays (1–3 October are statutory holidays every year) fewer working days pass.
    expect(daysLeft('2026-09-30', '2026-10-08', true)).toBeLessThan(6);
  });
});

describe('compareTodo', () => {
  const item = (caseId: string, due?: string): TodoItem =>
    ({ caseId, creditCode: caseId, stage: 'survey', stageLabel: { zh: '', en: '' }, actions: [], overdue: false, ...(due ? { deadline: { kind: 'k', label: { zh: '', en: '' }, due, clause: '', workingDays: true, daysLeft: 0, overdue: false } } : {}) }) as TodoItem;
  it('puts the nearest deadline first, cases without one last, ties by case id', () => {
    const sorted = [item('d'), item('c', '2026-12-11'), item('b', '2026-11-01'), item('a', '2026-12-11'), item('e')].sort(compareTodo);
    expect(sorted.map((i) => i.caseId)).toEqual(['b', 'a', 'c', 'd', 'e']);
  });
});
