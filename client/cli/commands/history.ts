// `import-history`: a past case's opening and dated decisions (issue 11, point 5), checked in full, then started
// and recorded in date order — all or nothing, like `import-plan`.
import type { Command } from 'commander';
import { withClient } from '../../connect';
import { caseStateLines } from '../../format/case-text';
import { noticeLines, projectionLines } from '../../format/projection-text';
import { HistoryError, readHistoryFile } from '../../import/history-file';
import { importHistory } from '../../import/import-history';
import { historyProblemLine } from '../../../machines/history';
import { NOTIFY_LABELS } from '../../../machines/labels';
import { ROLE_NAMES } from '../../../machines/roles';
import { t } from '../i18n';
import type { CliContext } from '../main';
import { CliError, printJson } from '../output';

export function registerHistoryCommands(program: Command, ctx: CliContext): void {
  const { lang } = ctx;
  program
    .command('import-history')
    .description(
      t(lang, {
        zh: '补录一件过去的案件（JSON：opening 开案信息 + decisions 各项决定及其日期）：全部校验通过后按日期建立并办理，按其自身日期判断期限',
        en: "record a past case (JSON: opening + dated decisions): checked in full, then started and recorded in date order, judged on its own dates",
      }),
    )
    .argument('<file>', t(lang, { zh: '案件历史文件（JSON）', en: 'case history file (JSON)' }))
    .option('--dry-run', t(lang, { zh: '只校验，不建立案件', en: 'check only; start nothing' }))
    .action(async (file: string, opts: { dryRun?: boolean }) => {
      const { json, lang: out } = ctx.globals();
      try {
        const history = readHistoryFile(file);
        const outcome = opts.dryRun
          ? await importHistory(undefined, history, { taskQueue: '', dryRun: true }, file)
          : await withClient((client, settings) => importHistory(client, history, { taskQueue: settings.taskQueue }, file));
        if (json) return printJson(ctx.io, { file, ...outcome });
        ctx.io.out(t(out, { zh: `案件历史 ${file}：${outcome.order.length} 项决定全部校验通过，按日期办理`, en: `case history ${file}: all ${outcome.order.length} decision(s) valid, applied in date order` }));
        if (outcome.dryRun) ctx.io.out(t(out, { zh: '仅校验（--dry-run），未建立案件', en: 'checked only (--dry-run); no case was started' }));
        else ctx.io.out(t(out, { zh: `已建立案件 ${outcome.caseId}，已办理 ${outcome.applied} 项决定`, en: `case ${outcome.caseId} started, ${outcome.applied} decision(s) applied` }));
        const late = outcome.checked.notices.filter((n) => n.afterTheFact);
        ctx.io.out(
          late.length
            ? t(out, { zh: `记录中的空档已过期限，补记通知 ${late.length} 项（按到期日记）：`, en: `gaps in the record passed ${late.length} deadline(s); notices recorded after the fact, dated when due:` })
            : outcome.checked.notifications.length
              ? t(out, { zh: '各期限均按其自身日期办结，无补记通知', en: 'every deadline was met on its own dates; nothing recorded after the fact' })
              : t(out, { zh: '各期限均按其自身日期办结，无通知', en: 'every deadline was met on its own dates; no notice' }),
        );
        for (const line of noticeLines(late, out)) ctx.io.out(line);
        // Notifications the decisions themselves send (a disagreement referred, a major problem…): said before they go.
        const own = outcome.checked.notifications.filter((n) => !late.some((l) => l.reason === n.reason && l.due === n.dueKey));
        if (own.length) {
          ctx.io.out(t(out, { zh: `决定本身的通知 ${own.length} 项${outcome.dryRun ? '（导入时将发送）' : '（已发送）'}：`, en: `${own.length} notification(s) of the decisions themselves${outcome.dryRun ? ' (sent on import)' : ' (sent)'}:` }));
          for (const n of own) ctx.io.out(`  ${n.dueKey}  ${NOTIFY_LABELS[n.reason]?.[out] ?? n.reason} → ${n.to.map((r) => ROLE_NAMES[r][out]).join(out === 'zh' ? '、' : ', ')}`);
        }
        for (const line of outcome.state ? caseStateLines(outcome.state, out) : projectionLines(outcome.checked.projection, out)) ctx.io.out(line);
      } catch (err) {
        if (err instanceof HistoryError) {
          if (json) printJson(ctx.io, { file, errors: err.problems.map((p) => ({ ...p, text: historyProblemLine(p, out) })) });
          else for (const p of err.problems) ctx.io.err(historyProblemLine(p, out));
          throw new CliError({
            zh: `案件历史有 ${err.problems.length} 处错误，未建立案件、未办理任何决定`,
            en: `the case history has ${err.problems.length} error(s); no case was started and no decision applied`,
          });
        }
        throw err;
      }
    });
}
