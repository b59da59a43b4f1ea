// Importing the plan table (附件1): every row validated first, then one case per enterprise and district (its rows
// are the case's residential areas). Importing the same file again starts nothing new (a case id exists once).
import type { Client } from '@temporalio/client';
import { SettingsSchema } from '../../machines/settings';
import { CaseAlreadyExistsError, HandoverError, InvalidInputError } from '../errors';
import { startCase } from '../cases';
import { loadPlan } from './plan-file';

export interface ImportOptions {
  taskQueue: string;
  /** Called after each case is done (started or found existing), with the number of cases. */
  onProgress?: (done: number, total: number) => void;
  /** Cases started at once. */
  concurrency?: number;
  /** Settings for every case of the plan (the plan table has no column for them), e.g. the city target date. */
  settings?: Record<string, unknown>;
}

export interface ImportOutcome {
  file: string;
  format: 'xlsx' | 'csv';
  /** Data rows read. */
  rows: number;
  /** Cases in the plan (rows of the same enterprise and district are one case). */
  cases: number;
  /** Case ids started by this import. */
  started: string[];
  /** Case ids that already existed: not started again. */
  existing: string[];
  ignoredColumns: string[];
}

/** Thrown when starting cases failed part-way (e.g. the server went away): what was done, and that a re-run resumes. */
export class ImportIncompleteError extends HandoverError {
  override name = 'ImportIncompleteError';
  constructor(
    readonly outcome: ImportOutcome,
    readonly failures: Array<{ row: number; caseId: string; error: string }>,
  ) {
    const first = failures[0]!;
    super({
      zh: `${failures.length} 个案件未能建立（第 ${first.row} 行 ${first.caseId}：${first.error}）；已新建 ${outcome.started.length} 件，已存在 ${outcome.existing.length} 件。再次导入同一文件会补建其余案件`,
      en: `${failures.length} case(s) could not be started (row ${first.row}, ${first.caseId}: ${first.error}); ${outcome.started.length} started, ${outcome.existing.length} already existed. Importing the same file again starts the rest`,
    });
  }
}

export async function importPlan(client: Client, file: string, opts: ImportOptions): Promise<ImportOutcome> {
  const plan = await loadPlan(file); // throws PlanFileError with every problem: nothing started
  if (opts.settings) {
    // Checked once, before anything starts: a bad setting would otherwise fail every row.
    const parsed = SettingsSchema.partial().strict().safeParse(opts.settings);
    if (!parsed.success) {
      throw new InvalidInputError(parsed.error.issues.map((i) => ({ path: `settings.${i.path.join('.')}`, message: i.message })), { zh: '案件设置', en: 'case settings' });
    }
  }
  const outcome: ImportOutcome = { file, format: plan.format, rows: plan.rows, cases: plan.cases.length, started: [], existing: [], ignoredColumns: plan.ignoredColumns };
  const failures: Array<{ row: number; caseId: string; error: string }> = [];
  let next = 0;
  let done = 0;
  const total = plan.cases.length;
  const results: Array<'started' | 'existing' | undefined> = new Array(total);
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const { rows, caseId, opening } = plan.cases[i]!;
      try {
        await startCase(client, opts.settings ? { ...opening, settings: opts.settings } : opening, { taskQueue: opts.taskQueue });
        results[i] = 'started';
      } catch (err) {
        if (err instanceof CaseAlreadyExistsError) results[i] = 'existing';
        else failures.push({ row: rows[0]!, caseId, error: (err as Error).message });
      }
      opts.onProgress?.(++done, total);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 8, total) }, worker));
  // In the plan's order, whatever order the starts finished in.
  plan.cases.forEach((c, i) => {
    if (results[i] === 'started') outcome.started.push(c.caseId);
    else if (results[i] === 'existing') outcome.existing.push(c.caseId);
  });
  if (failures.length) throw new ImportIncompleteError(outcome, failures.sort((a, b) => a.row - b.row));
  return outcome;
}
