// Benchmark 5, calendar: `addWorkingDays` operations per second over spans of 10 and 1,000 working days,
// from start dates spread over 2017–2026 (the years with published holiday notices).   tsx bench/calendar.ts
import { addWorkingDays } from '../machines/calendar';
import { nowMs, round, runMain, type BenchOptions } from './lib/common';

export interface CalendarSpan {
  workingDays: number;
  ops: number;
  opsPerS: number;
  microsPerOp: number;
}

export interface CalendarResult {
  spans: CalendarSpan[];
  startDates: number;
}

export const SPANS = [10, 1_000];

function startDates(): string[] {
  const out: string[] = [];
  const first = Date.UTC(2017, 0, 1);
  for (let d = 0; d < 3_652; d += 7) out.push(new Date(first + d * 86_400_000).toISOString().slice(0, 10));
  return out;
}

export async function run(opts: BenchOptions & { seconds?: number } = {}): Promise<CalendarResult> {
  const seconds = opts.seconds ?? (opts.smoke ? 0.2 : 3);
  const starts = startDates();
  const spans: CalendarSpan[] = [];
  for (const n of SPANS) {
    // Warm-up, then as many calls as fit in `seconds`, in batches of one pass over the start dates.
    for (const s of starts) addWorkingDays(s, n);
    let ops = 0;
    let sink = 0;
    const t0 = nowMs();
    let elapsed = 0;
    while (elapsed < seconds * 1000) {
      for (const s of starts) sink += addWorkingDays(s, n).skipped.length;
      ops += starts.length;
      elapsed = nowMs() - t0;
    }
    if (sink < 0) throw new Error('unreachable');
    spans.push({ workingDays: n, ops, opsPerS: Math.round(ops / (elapsed / 1000)), microsPerOp: round((elapsed * 1000) / ops, 2) });
  }
  return { spans, startDates: starts.length };
}

export function render(r: CalendarResult): string {
  return [
    '| span (working days) | calls | calls/s | µs per call |',
    '|---:|---:|---:|---:|',
    ...r.spans.map((s) => `| ${s.workingDays.toLocaleString('en')} | ${s.ops.toLocaleString('en')} | ${s.opsPerS.toLocaleString('en')} | ${s.microsPerOp} |`),
    '',
    `Start dates: ${r.startDates} (every 7th day of 2017–2026); each call returns the due date with every skipped day explained. Single thread, in the main process.`,
  ].join('\n');
}

if (require.main === module) void runMain('Calendar', run, render);
