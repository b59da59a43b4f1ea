// Where the CLI's output goes: the Io sink (process-backed or captured in tests), JSON printing,
// and the user-facing errors that main.ts prints as one line.

import type { Localized } from './i18n';

/** The CLI's only way to write: one call per line, no trailing newline. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

/** Writes to the process's stdout and stderr. */
export const processIo: Io = {
  out: (line) => {
    process.stdout.write(`${line}\n`);
  },
  err: (line) => {
    process.stderr.write(`${line}\n`);
  },
};

/** Writes a block of text (e.g. commander's help) line by line, without its final newline. */
export function writeLines(write: (line: string) => void, text: string): void {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  for (const line of body.split('\n')) write(line);
}

/** Prints `value` as indented JSON on stdout: the `--json` output of every command. */
export function printJson(io: Io, value: unknown): void {
  writeLines((line) => io.out(line), JSON.stringify(value, null, 2));
}

/** An integer option (`--limit 50`) checked against its range; undefined when not given. */
export function intOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError({ zh: `${name} 应为 ${min} 至 ${max} 的整数`, en: `${name} must be an integer ${min} to ${max}` });
  }
  return n;
}

/**
 * An error the user can act on: printed as one line (`错误：…` / `Error: …`) without a stack
 * trace. Exit code 1: the command was well formed but failed.
 */
export class CliError extends Error {
  readonly text: Localized;
  readonly exitCode: number;
  constructor(text: Localized, exitCode = 1) {
    super(text.en);
    this.name = 'CliError';
    this.text = text;
    this.exitCode = exitCode;
  }
}

/** A malformed command line (bad argument or option value): exit code 2, like commander's own. */
export class UsageError extends CliError {
  constructor(text: Localized) {
    super(text, 2);
    this.name = 'UsageError';
  }
}
