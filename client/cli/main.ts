// The `handover` command line: builds the commander program with its global options, runs it, and
// turns every outcome (output, help, usage error, failure) into lines on the Io and an exit code.

import { Command, CommanderError, Option } from 'commander';
import { registerCalendarCommands } from './commands/calendar';
import { registerCaseCommands } from './commands/cases';
import { registerDefinitionCommands } from './commands/definition';
import { registerDiagramCommand } from './commands/diagram';
import { registerHistoryCommands } from './commands/history';
import { registerNotificationCommands } from './commands/notifications';
import { registerReportCommands } from './commands/reports';
import { registerUserCommands } from './commands/users';
import { HandoverError } from '../errors';
import { LANGS, requestedLang, t, type Lang } from './i18n';
import { CliError, processIo, writeLines, type Io } from './output';

/** Options of the program itself, accepted before or after the subcommand. */
export interface GlobalOptions {
  lang: Lang;
  json: boolean;
}

/** What every command module gets when it registers its commands. */
export interface CliContext {
  readonly io: Io;
  /**
   * The language of help texts and messages. Known before parsing (see requestedLang) because
   * descriptions are set when commands are registered; it equals `globals().lang`.
   */
  readonly lang: Lang;
  /** The parsed global options; call it inside actions, not while registering. */
  globals(): GlobalOptions;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * The `handover` program with its global options and every command group. `lang` defaults to
 * what HANDOVER_LANG asks for; runCli passes the one the command line asks for.
 */
export function buildProgram(io: Io, lang: Lang = requestedLang([])): Command {
  const program = new Command('handover');
  program
    .description(
      t(lang, {
        zh: '渝民〔2017〕168号 社区管理职能分离移交工作流引擎',
        en: 'Workflow engine for the handover of community management functions (渝民〔2017〕168号)',
      }),
    )
    .addOption(
      new Option('--lang <lang>', t(lang, { zh: '输出语言', en: 'output language' }))
        .choices(LANGS)
        .env('HANDOVER_LANG')
        .default('zh'),
    )
    .option('--json', t(lang, { zh: '输出 JSON（供程序读取）', en: 'print JSON (machine-readable)' }));
  // Set before registering: subcommands made with .command() copy these from their parent.
  applyCliSettings(program, io, lang);

  const ctx: CliContext = {
    io,
    lang,
    globals: () => {
      const opts = program.opts<{ lang: Lang; json?: boolean }>();
      return { lang: opts.lang, json: opts.json === true };
    },
  };

  // Every command group registers itself here, in the order its commands appear in the help.
  registerCaseCommands(program, ctx);
  registerNotificationCommands(program, ctx);
  registerReportCommands(program, ctx);
  registerHistoryCommands(program, ctx);
  registerCalendarCommands(program, ctx);
  registerDiagramCommand(program, ctx);
  registerDefinitionCommands(program, ctx);
  registerUserCommands(program, ctx);

  // Again on the finished tree: commands added with addCommand() copy nothing, and group
  // commands only get their help subcommand once they have subcommands.
  forEachCommand(program, (cmd) => applyCliSettings(cmd, io, lang));
  return program;
}

/**
 * Runs the CLI on `argv` (the user's arguments, without `node` and the script) and returns the
 * exit code: 0 done, 1 failed, 2 usage error. Never throws and never calls process.exit, so tests
 * can run it in-process.
 */
export async function runCli(argv: readonly string[], io: Io = processIo): Promise<number> {
  const lang = requestedLang(argv);
  try {
    const program = buildProgram(io, lang);
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    return report(error, io, lang);
  }
}

/** Prints an error as one line and gives its exit code. */
function report(error: unknown, io: Io, lang: Lang): number {
  if (error instanceof CommanderError) {
    // Help and version output are not errors; help shown because a subcommand is missing is.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT_OK;
    if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    io.err(errorLine(lang, error.message.replace(/^error: /, '')));
    return EXIT_USAGE;
  }
  if (error instanceof CliError) {
    io.err(errorLine(lang, t(lang, error.text)));
    return error.exitCode;
  }
  // The engine's own refusals (unknown case, refused decision, invalid case): the user's message.
  if (error instanceof HandoverError) {
    io.err(errorLine(lang, t(lang, error.text)));
    return EXIT_FAILURE;
  }
  // Anything else is a failure outside the CLI's own checks (a server down, a bug): still one
  // line, because users act on the message; HANDOVER_DEBUG=1 adds the stack for developers.
  const message = error instanceof Error ? error.message : String(error);
  io.err(errorLine(lang, message));
  if (process.env.HANDOVER_DEBUG === '1' && error instanceof Error && error.stack) {
    writeLines((line) => io.err(line), error.stack);
  }
  return EXIT_FAILURE;
}

function errorLine(lang: Lang, message: string): string {
  const oneLine = message
    .split(/\r?\n/)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join(' ');
  return t(lang, { zh: `错误：${oneLine}`, en: `Error: ${oneLine}` });
}

const HELP_TITLES_ZH: Readonly<Record<string, string>> = {
  'Usage:': '用法：',
  'Arguments:': '参数：',
  'Options:': '选项：',
  'Global Options:': '全局选项：',
  'Commands:': '命令：',
};

/** Output through the Io, errors thrown instead of process.exit, and help in the chosen language. */
function applyCliSettings(cmd: Command, io: Io, lang: Lang): void {
  cmd
    .exitOverride()
    .configureOutput({
      writeOut: (text) => writeLines((line) => io.out(line), text),
      writeErr: (text) => writeLines((line) => io.err(line), text),
      // report() prints parse errors itself, as one line in the chosen language.
      outputError: () => undefined,
    })
    .configureHelp({ styleTitle: (title) => (lang === 'zh' ? (HELP_TITLES_ZH[title] ?? title) : title) })
    .helpOption('-h, --help', t(lang, { zh: '显示帮助', en: 'display help for command' }));
  // Only group commands have a help subcommand; setting one on a leaf would add it there.
  if (cmd.commands.length > 0) {
    cmd.helpCommand('help [command]', t(lang, { zh: '显示命令的帮助', en: 'display help for command' }));
  }
}

function forEachCommand(cmd: Command, visit: (cmd: Command) => void): void {
  visit(cmd);
  for (const sub of cmd.commands) forEachCommand(sub, visit);
}
