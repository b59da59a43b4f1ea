// `handover definition check`: before deploying a changed process, restore every running case into it.
import type { Command } from 'commander';
import { checkRunningCases } from '../../admin/definition-check';
import { withClient } from '../../connect';
import { DEFINITION_VERSION } from '../../../machines/settings';
import { t } from '../i18n';
import type { CliContext } from '../main';
import { CliError, printJson } from '../output';

export function registerDefinitionCommands(program: Command, ctx: CliContext): void {
  const { lang } = ctx;
  const definition = program.command('definition').description(t(lang, { zh: '流程定义的版本与变更检查', en: 'process definition version and change check' }));
  definition
    .command('check')
    .description(
      t(lang, {
        zh: '检查每个在办案件的状态能否恢复到本版流程定义（部署前执行）',
        en: "check that every running case's snapshot restores into this definition (run before deploying)",
      }),
    )
    .action(async () =>
      withClient(async (client) => {
        const result = await checkRunningCases(client);
        const { json, lang: out } = ctx.globals();
        if (json) printJson(ctx.io, { definitionVersion: DEFINITION_VERSION, ...result });
        else {
          ctx.io.out(t(out, { zh: `流程定义 ${DEFINITION_VERSION}：检查在办案件 ${result.checked} 件`, en: `definition ${DEFINITION_VERSION}: checked ${result.checked} running case(s)` }));
          for (const f of result.failures) ctx.io.out(`  ${f.caseId}: ${f.problem}`);
        }
        if (result.failures.length) {
          throw new CliError({ zh: `${result.failures.length} 件案件无法恢复到本版定义，请勿部署`, en: `${result.failures.length} case(s) do not restore into this definition: do not deploy` });
        }
      }),
    );
}
