// The `handover calendar` commands and the CLI's shared behaviour (language, --json, errors, exit
// codes): in-process through runCli, plus the real executable spawned with node.

import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CALENDAR_NOTICES, CALENDAR_VERSION, addWorkingDays, dayInfo, explainWorkingDays } from '../../machines/calendar';
import { buildProgram } from '../../client/cli/main';
import { cli, withoutHandoverLang } from '../helpers/cli';
import type { Io } from '../../client/cli/output';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'handover.js');

withoutHandoverLang();

describe('calendar add-workdays', () => {
  it('prints the due date alone on the first line, then the explanation in Chinese', async () => {
    const r = await cli('calendar', 'add-workdays', '2017-09-28', '10');
    expect(r).toMatchObject({ code: 0, err: [] });
    expect(r.out[0]).toBe('2017-10-18');
    expect(r.out.slice(1)).toEqual(explainWorkingDays(addWorkingDays('2017-09-28', 10), 'zh'));
    expect(r.out.join('\n')).toContain('国庆节');
  });

  it('explains in English with --lang en, before or after the command', async () => {
    const expected = ['2017-10-18', ...explainWorkingDays(addWorkingDays('2017-09-28', 10), 'en')];
    expect((await cli('--lang', 'en', 'calendar', 'add-workdays', '2017-09-28', '10')).out).toEqual(expected);
    expect((await cli('calendar', 'add-workdays', '2017-09-28', '10', '--lang=en')).out).toEqual(expected);
  });

  it('takes the language from HANDOVER_LANG, and --lang overrides it', async () => {
    process.env.HANDOVER_LANG = 'en';
    expect((await cli('calendar', 'add-workdays', '2017-09-28', '1')).out[1]).toMatch(/^Start date:/);
    expect((await cli('--lang', 'zh', 'calendar', 'add-workdays', '2017-09-28', '1')).out[1]).toMatch(/^起算日：/);
  });

  it('prints the whole WorkingDayResult with --json', async () => {
    const r = await cli('--json', 'calendar', 'add-workdays', '2017-09-28', '10');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out.join('\n'))).toEqual(addWorkingDays('2017-09-28', 10));
  });

  it('accepts 0 working days: the due date is the start date', async () => {
    expect((await cli('calendar', 'add-workdays', '2017-10-01', '0')).out[0]).toBe('2017-10-01');
  });

  it.each([
    ['2017-02-30', '10', '2017-02-30'],
    ['abc', '10', 'abc'],
    ['2017-9-28', '10', '2017-9-28'],
    ['1899-12-31', '10', '1899-12-31'],
    ['2017-09-28', 'abc', 'abc'],
    ['2017-09-28', '-1', '-1'],
    ['2017-09-28', '1.5', '1.5'],
    ['2017-09-28', '1e3', '1e3'],
    ['2017-09-28', '10001', '10001'],
    ['9999-12-30', '5', '9999-12-30'],
  ])('refuses %s + %s as a usage error naming %s', async (date, n, named) => {
    const r = await cli('calendar', 'add-workdays', date, n);
    expect(r.code).toBe(2);
    expect(r.out).toEqual([]);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/^错误：/);
    expect(r.err[0]).toContain(named);
  });

  it('gives the error in English with --lang en, without the Chinese text', async () => {
    const r = await cli('--lang', 'en', 'calendar', 'add-workdays', '2017-02-30', '10');
    expect(r.code).toBe(2);
    expect(r.err).toEqual(['Error: invalid date: start = "2017-02-30" does not exist, expected YYYY-MM-DD']);
  });
});

describe('the 2020 Spring Festival extension (国办发明电〔2020〕1号)', () => {
  it('add-workdays 2020-01-20 10 is 2020-02-11, the explanation naming both notices', async () => {
    const r = await cli('calendar', 'add-workdays', '2020-01-20', '10');
    expect(r).toMatchObject({ code: 0, err: [] });
    expect(r.out[0]).toBe('2020-02-11');
    expect(r.out).toContain('跳过法定节假日：春节 2020-01-31至2020-02-02，共3天（国办发明电〔2020〕1号）');
    expect(r.out).toContain('跳过法定节假日：春节 2020-01-24至2020-01-30，共7天（国办发明电〔2019〕16号）');
  });

  it('is-workday 2020-02-01 is no longer a make-up working day, and says which notice made it a holiday', async () => {
    const r = await cli('--lang', 'en', 'calendar', 'is-workday', '2020-02-01');
    expect(r.out).toEqual(['false', '2020-02-01 (Saturday) is a public holiday, Spring Festival (春节): not a working day (国办发明电〔2020〕1号)']);
  });
});

describe('calendar notices', () => {
  it('lists every bundled notice with its sequence number and says the current version', async () => {
    const r = await cli('calendar', 'notices');
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(CALENDAR_NOTICES.length + 1);
    expect(r.out[0]).toBe('1\t国办发明电〔2016〕17号\t2016-12-01\t2017年安排\t国务院办公厅关于2017年部分节假日安排的通知');
    expect(r.out[11]).toBe('12\t国办发明电〔2020〕1号\t2020-01-26\t修改 国办发明电〔2019〕16号\t国务院办公厅关于延长2020年春节假期的通知');
    expect(r.out.at(-1)).toContain(`当前版本 ${CALENDAR_VERSION}`);
    const json = JSON.parse((await cli('--json', 'calendar', 'notices')).out.join('\n')) as { version: number; notices: unknown[] };
    expect(json.version).toBe(CALENDAR_VERSION);
    expect(json.notices).toEqual(CALENDAR_NOTICES);
  });
});

describe('calendar rollout', () => {
  it.each(['0', 'abc', '1.5', String(CALENDAR_VERSION + 1)])('refuses --to %s as a usage error before contacting the server', async (to) => {
    const r = await cli('calendar', 'rollout', '--to', to);
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toContain(`--to = "${to}"`);
  });
});

describe('calendar is-workday', () => {
  it.each([
    ['2017-09-30', 'true', '调休上班日'], // a Saturday made a working day for 中秋节、国庆节
    ['2017-10-02', 'false', '国庆节'], // a Monday inside the National Day holiday
    ['2017-10-14', 'false', '周末'],
    ['2017-10-16', 'true', '是工作日'],
  ])('%s → %s, with one line saying why', async (date, working, why) => {
    const r = await cli('calendar', 'is-workday', date);
    expect(r).toMatchObject({ code: 0, err: [] });
    expect(r.out).toHaveLength(2);
    expect(r.out[0]).toBe(working);
    expect(r.out[1]).toContain(date);
    expect(r.out[1]).toContain(why);
  });

  it('explains in English with --lang en', async () => {
    const r = await cli('--lang', 'en', 'calendar', 'is-workday', '2017-09-30');
    expect(r.out).toEqual([
      'true',
      '2017-09-30 (Saturday) is a make-up working day for Mid-Autumn Festival and National Day (中秋节、国庆节): counted as a working day (国办发明电〔2016〕17号)',
    ]);
  });

  it('says when the day is provisional, naming the year whose notice is missing', async () => {
    const r = await cli('calendar', 'is-workday', '2027-03-01');
    expect(r.out[0]).toBe('true');
    expect(r.out[1]).toContain('暂定');
    expect(r.out[1]).toContain('2027');
    const en = await cli('--lang', 'en', 'calendar', 'is-workday', '2026-12-30');
    expect(en.out[1]).toContain('provisional');
    expect(en.out[1]).toContain('2027');
  });

  it('prints dayInfo() alone with --json', async () => {
    const r = await cli('calendar', 'is-workday', '2017-10-02', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out.join('\n'))).toEqual(dayInfo('2017-10-02'));
  });

  it('refuses an impossible date with one line naming it and exit code 2', async () => {
    const r = await cli('calendar', 'is-workday', '2017-02-30');
    expect(r.code).toBe(2);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual(['错误：日期格式无效：date = "2017-02-30"，该日期不存在']);
  });
});

describe('the program', () => {
  it.each([
    [['calender'], "unknown command 'calender'"],
    [['--bogus', 'calendar', 'is-workday', '2017-10-02'], "unknown option '--bogus'"],
    [['--lang', 'fr', 'calendar', 'is-workday', '2017-10-02'], "'fr'"],
    [['calendar', 'is-workday'], "missing required argument 'date'"],
    [['calendar', 'is-workday', '2017-10-02', 'extra'], 'too many arguments'],
  ])('%j is a usage error: commander\'s message on one line, exit 2', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/^错误：/);
    expect(r.err[0]).toContain(message);
  });

  it('joins commander\'s suggestion onto the same line', async () => {
    expect((await cli('--lang', 'en', 'calender')).err).toEqual([
      "Error: unknown command 'calender' (Did you mean calendar?)",
    ]);
  });

  it('prints help on stdout with exit 0, in Chinese by default', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toContain('calendar');
    expect(r.out.join('\n')).toContain('用法');
    expect((await cli('--lang', 'en', 'calendar', '--help')).out.join('\n')).toContain('is-workday');
  });

  it('shows help on stderr and exits 2 when no command is given', async () => {
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.out).toEqual([]);
    expect(r.err.join('\n')).toContain('calendar');
  });

  it('can be extended: buildProgram returns the program with its command groups', () => {
    const io: Io = { out: () => undefined, err: () => undefined };
    const program = buildProgram(io, 'en');
    expect(program.name()).toBe('handover');
    expect(program.commands.map((c) => c.name())).toContain('calendar');
  });
});

describe('the executable bin/handover.js', () => {
  // Run from another directory, as an installed command would be, with a clean language setting.
  const env = { ...process.env };
  delete env.HANDOVER_LANG;
  const run = (...argv: string[]) =>
    spawnSync(process.execPath, [BIN, ...argv], { cwd: tmpdir(), env, encoding: 'utf8', timeout: 60_000 });

  it('computes a due date: first line, exit 0', () => {
    const r = run('calendar', 'add-workdays', '2017-09-28', '10');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('2017-10-18');
  });

  it('answers is-workday in English', () => {
    const r = run('--lang', 'en', 'calendar', 'is-workday', '2017-09-30');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').slice(0, 1)).toEqual(['true']);
    expect(r.stdout).toContain('make-up working day');
  });

  it('reports a bad date as one line on stderr, without a stack trace, and exits 2', () => {
    const r = run('calendar', 'is-workday', '2017-02-30');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('错误：日期格式无效：date = "2017-02-30"，该日期不存在\n');
  });
});
