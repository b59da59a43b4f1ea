// The `handover` CLI run in-process by tests (client/cli/main.ts runCli): its exit code and the lines it printed.
import { runCli } from '../../client/cli/main';

export interface CliRun {
  code: number;
  out: string[];
  err: string[];
}

/** Runs `handover <argv…>` and collects stdout and stderr line by line. */
export async function cli(...argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

/** The language default must not depend on the shell the tests run in: HANDOVER_LANG unset in each test, put back after all. */
export function withoutHandoverLang(): void {
  const saved = process.env.HANDOVER_LANG;
  beforeEach(() => {
    delete process.env.HANDOVER_LANG;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.HANDOVER_LANG;
    else process.env.HANDOVER_LANG = saved;
  });
}
