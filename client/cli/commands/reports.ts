// The city's paperwork: `import-plan` (附件1 → one case per row), `report monthly` (附件2 now) and
// `report summary` (year-end summary per district and for the city).
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { withClient } from '../../connect';
import { importPlan } from '../../import/import-plan';
import { PlanFileError } from '../../import/plan-file';
import { monthlyReportNow, yearSummary } from '../../reports';
import { problemLine } from '../../../machines/plan-table';
import { t } from '../i18n';
import type { CliContext } from '../main';
import { CliError, UsageError, printJson } from '../output';

/** Imports at least this large show a progress bar (on a terminal). */
const PROGRESS_BAR_FROM = 20;

export function registerReportCommands(program: Command, ctx: CliContext): void {
  const { lang } = ctx;

  program
    .command('import-plan')
    .description(t(lang, { zh: '导入计划表（附件1，.xlsx 或 .csv）：逐行校验，全部无误后每行建立一件案件', en: 'import the plan table (附件1, .xlsx or .csv): every row checked, then one case per row' }))
    .argument('<file>', t(lang, { zh: '计划表文件', en: 'plan table file' }))
    .option('--settings <json>', t(lang, { zh: '每件案件的设置（JSON），如 {"cityTargetDate":"2027-12-31"}', en: 'settings for every case (JSON), e.g. {"cityTargetDate":"2027-12-31"}' }))
    .action(async (file: string, opts: { settings?: string }) => {
      const { json, lang: out } = ctx.globals();
      let settings: Record<string, unknown> | undefined;
      if (opts.settings !== undefined) {
        try {
          settings = JSON.parse(opts.settings) as Record<string, unknown>;
        } catch (err) {
          throw new UsageError({ zh: `--settings 不是有效的 JSON：${(err as Error).message}`, en: `--settings is not valid JSON: ${(err as Error).message}` });
        }
      }
      let bar: SingleBar | undefined;
      try {
        const outcome = await withClient((client, connection) =>
          importPlan(client, file, {
            taskQueue: connection.taskQueue,
            settings,
            onProgress: (done, total) => {
              if (json || !process.stderr.isTTY || total < PROGRESS_BAR_FROM) return;
              if (!bar) {
                bar = new SingleBar({ format: `${t(out, { zh: '建立案件', en: 'starting cases' })} [{bar}] {value}/{total}`, stream: process.stderr, hideCursor: true });
                bar.start(total, 0);
              }
              bar.update(done);
            },
          }),
        );
        bar?.stop();
        if (json) return printJson(ctx.io, outcome);
        ctx.io.out(t(out, { zh: `计划表 ${file}：${outcome.rows} 行全部校验通过`, en: `plan table ${file}: all ${outcome.rows} row(s) valid` }));
        if (outcome.cases !== outcome.rows) {
          ctx.io.out(t(out, { zh: `同一企业在同一区县的各行合为一个案件：共 ${outcome.cases} 件`, en: `rows of the same enterprise and district make one case: ${outcome.cases} case(s)` }));
        }
        if (outcome.ignoredColumns.length) {
          ctx.io.out(t(out, { zh: `未使用的列：${outcome.ignoredColumns.join('、')}`, en: `columns not used: ${outcome.ignoredColumns.join(', ')}` }));
        }
        if (outcome.started.length === 0) {
          ctx.io.out(t(out, { zh: `全部 ${outcome.existing.length} 件案件均已存在，未新建任何案件`, en: `all ${outcome.existing.length} case(s) already exist; nothing new was started` }));
        } else {
          ctx.io.out(
            t(out, {
              zh: `新建案件 ${outcome.started.length} 件${outcome.existing.length ? `；已存在 ${outcome.existing.length} 件，未重复建立` : ''}`,
              en: `${outcome.started.length} case(s) started${outcome.existing.length ? `; ${outcome.existing.length} already existed and were not started again` : ''}`,
            }),
          );
        }
      } catch (err) {
        bar?.stop();
        if (err instanceof PlanFileError) {
          if (json) printJson(ctx.io, { file, errors: err.problems.map((p) => ({ ...p, text: problemLine(p, out) })) });
          else for (const p of err.problems) ctx.io.err(problemLine(p, out));
          throw new CliError({
            zh: `计划表有 ${err.problems.length} 处错误，未建立任何案件`,
            en: `the plan table has ${err.problems.length} error(s); no case was started`,
          });
        }
        throw err;
      }
    });

  const report = program.command('report').description(t(lang, { zh: '进度表（附件2）与年度总结', en: 'progress tables (附件2) and year-end summaries' }));

  report
    .command('monthly')
    .description(t(lang, { zh: '立即生成某区县某月的工作进度表（.xlsx，另附同名 .csv）', en: "build a district's progress table for a month now (.xlsx, plus a .csv beside it)" }))
    .requiredOption('--district <name>', t(lang, { zh: '区县', en: 'district' }))
    .requiredOption('--month <YYYY-MM>', t(lang, { zh: '报告月份', en: 'report month' }))
    .requiredOption('--out <file.xlsx>', t(lang, { zh: '输出文件', en: 'output file' }))
    .action(async (opts: { district: string; month: string; out: string }) => {
      const { json, lang: out } = ctx.globals();
      const { report: r, files } = await withClient((client) => monthlyReportNow(client, { ...opts, lang: out }));
      if (json) return printJson(ctx.io, { district: r.district, month: r.month, asOf: r.asOf, total: r.total, completed: r.completed, allComplete: r.allComplete, builtFrom: r.builtFrom, files });
      ctx.io.out(t(out, { zh: `${r.district} ${r.month} 工作进度表：${r.total} 件案件，已完成 ${r.completed} 件`, en: `${r.district} progress table for ${r.month}: ${r.total} case(s), ${r.completed} complete` }));
      ctx.io.out(`${files.xlsx}`);
      ctx.io.out(`${files.csv}`);
    });

  report
    .command('summary')
    .description(t(lang, { zh: '年度总结：各区县及全市汇总（.xlsx 另附 .md，或 .md / .html）', en: 'year-end summary per district and for the city (.xlsx with a .md beside it, or .md / .html)' }))
    .requiredOption('--year <YYYY>', t(lang, { zh: '年度', en: 'year' }))
    .option('--district <name>', t(lang, { zh: '只汇总该区县', en: 'this district only' }))
    .requiredOption('--out <file>', t(lang, { zh: '输出文件（.xlsx、.md 或 .html）', en: 'output file (.xlsx, .md or .html)' }))
    .action(async (opts: { year: string; district?: string; out: string }) => {
      if (!/^\d{4}$/.test(opts.year)) throw new UsageError({ zh: `--year 应为四位年份：${opts.year}`, en: `--year must be a four-digit year: ${opts.year}` });
      const { json, lang: out } = ctx.globals();
      const s = await withClient((client) => yearSummary(client, { year: Number(opts.year), district: opts.district, out: opts.out, lang: out }));
      if (json) return printJson(ctx.io, s);
      const total = s.city ?? s.districts[0];
      ctx.io.out(
        t(out, {
          zh: `${s.year} 年度总结（${opts.district ?? '全市'}）：${s.cases} 件案件，已完成 ${total?.completed ?? 0} 件，逾期 ${total?.overdue ?? 0} 件`,
          en: `${s.year} summary (${opts.district ?? 'city'}): ${s.cases} case(s), ${total?.completed ?? 0} complete, ${total?.overdue ?? 0} overdue`,
        }),
      );
      for (const f of s.files) ctx.io.out(f);
    });
}
