// `npm start` stops every process it started on SIGTERM or SIGINT to itself (issue 10 item 9): the real `npm start`
// (ensure, dev server, worker, API) on a temporary data folder and free ports; after the signal no process it started
// is left, and its ports are closed. Also a signal during start-up, before the system is up.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TEMPORAL_BIN, freePort } from '../../scripts/servers/dev-server';

const ROOT = resolve(__dirname, '..', '..');
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Every process below `pid` now, with its command line. */
function descendants(pid: number): Map<number, string> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out = new Map<number, string>();
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      let cmd = '';
      try {
        cmd = readFileSync(`/proc/${c}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      } catch {
        // gone meanwhile
      }
      out.set(c, cmd);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** Running: it exists and is not a zombie waiting to be reaped. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  ports: { temporal: number; api: number };
}

async function start(command: string, args: string[]): Promise<Started> {
  const data = mkdtempSync(join(tmpdir(), 'handover-start-'));
  dirs.push(data);
  const ports = { temporal: await freePort(), api: await freePort() };
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('TEMPORAL_')) delete env[k];
  Object.assign(env, {
    HANDOVER_DATA_DIR: data,
    HANDOVER_TEMPORAL_PORT: String(ports.temporal),
    HANDOVER_UI_PORT: '0',
    HANDOVER_API_PORT: String(ports.api),
    HANDOVER_TASK_QUEUE: `start-signals-${process.pid}-${Date.now()}`,
    HANDOVER_SCRYPT_LOG2N: '14', // the administrator's and demo users' passwords: quicker hashing, same code
  });
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited, ports };
}

async function expectAllStopped(s: Started, before: Map<number, string>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([s.exited, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 40_000)))]);
  clearTimeout(timer);
  expect(code).not.toBe('timeout');
  // Everything it had started is gone (given a moment for the last exits to land).
  await until('every started process to stop', () => [...before.keys()].every((pid) => !running(pid)), 15_000).catch(() => undefined);
  const left = [...before].filter(([pid]) => running(pid)).map(([pid, cmd]) => `${pid} ${cmd}`);
  expect(left).toEqual([]);
  expect(await listening(s.ports.api)).toBe(false);
  expect(await listening(s.ports.temporal)).toBe(false);
}

beforeAll(() => {
  if (!existsSync(TEMPORAL_BIN)) throw new Error(`${TEMPORAL_BIN} is missing: run \`npm test\` (it installs the servers).`);
});

describe('npm start and signals', () => {
  it('stops the API, the worker and the dev server on SIGTERM to `npm start`', async () => {
    const s = await start('npm', ['start', '--silent']);
    await until('the system to come up', () => s.output().includes('系统已启动'), 150_000).catch((err) => {
      throw new Error(`${(err as Error).message}\n${s.output()}`);
    });
    await until('the API to listen', () => listening(s.ports.api), 10_000);
    // The first start says how to sign in: the administrator's handed-out password, the demo users' passwords.
    expect(s.output()).toMatch(/管理员 \(administrator\): 用户名 admin {2}初始密码 [a-z2-9]{4}(-[a-z2-9]{4}){3}/);
    expect(s.output()).toMatch(/district-operator +demo-[a-z2-9]{4}(-[a-z2-9]{4}){3} +districtCivilAffairs/);
    const before = descendants(s.child.pid!);
    const commands = [...before.values()].join('\n');
    expect(commands).toContain('scripts/up.ts');
    expect(commands).toContain('worker.ts');
    expect(commands).toContain(`${TEMPORAL_BIN} server start-dev`);
    const health = await new Promise<number>((done, fail) =>
      get({ host: '127.0.0.1', port: s.ports.api, path: '/api/health', agent: false }, (res) => {
        res.resume();
        done(res.statusCode!);
      }).on('error', fail),
    );
    expect(health).toBe(200);

    s.child.kill('SIGTERM');
    await expectAllStopped(s, before);
    expect(s.output()).toContain('收到 SIGTERM');
  }, 240_000);

  it('stops everything on SIGINT (Ctrl-C) to the node process', async () => {
    const s = await start(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'up.ts')]);
    await until('the system to come up', () => s.output().includes('系统已启动'), 150_000).catch((err) => {
      throw new Error(`${(err as Error).message}\n${s.output()}`);
    });
    const before = descendants(s.child.pid!);
    expect([...before.values()].join('\n')).toContain('worker.ts');
    s.child.kill('SIGINT');
    await expectAllStopped(s, before);
    expect(await s.exited).toBe(0);
  }, 240_000);

  it('stops the dev server when the signal comes during start-up, before the system is up', async () => {
    const s = await start(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'up.ts')]);
    let before = new Map<number, string>();
    await until('the dev server to be spawned', () => {
      before = descendants(s.child.pid!);
      return [...before.values()].some((c) => c.startsWith(TEMPORAL_BIN));
    }, 60_000);
    expect(s.output()).not.toContain('系统已启动');
    s.child.kill('SIGTERM');
    await expectAllStopped(s, before);
    expect(s.output()).not.toContain('系统已启动');
  }, 120_000);
});
