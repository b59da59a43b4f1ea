// `handover users add|list|token` and `--as <user name>`: tokens shown once and stored hashed; names resolve to role@org.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli';
import { parseActor } from '../../client/cli/commands/cases';
import { UsersStore, hashToken } from '../../client/admin/users';

const dir = mkdtempSync(join(tmpdir(), 'handover-users-'));
const saved = { ...process.env };
let firstToken = '';
beforeAll(() => {
  process.env.HANDOVER_USERS_FILE = join(dir, 'users.json');
  process.env.HANDOVER_AUDIT_FILE = join(dir, 'audit.jsonl');
});
afterAll(() => {
  process.env = saved;
});

describe('handover users', () => {
  it('adds a user, prints its token once and stores only its hash', async () => {
    const r = await cli('users', 'add', '--name', 'zhang', '--role', 'township', '--org', '九龙坡区/杨家坪街道');
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe('已添加用户 zhang（乡镇人民政府（街道办事处） 九龙坡区/杨家坪街道）');
    const token = /令牌（只显示这一次，请妥善保存）：(hov_\S+)/.exec(r.out[1]!)?.[1];
    expect(token).toBeDefined();
    firstToken = token!;
    const file = readFileSync(join(dir, 'users.json'), 'utf8');
    expect(file).not.toContain(token);
    expect(file).toContain(hashToken(token!));
    expect(new UsersStore(join(dir, 'users.json')).authenticate(token!)).toEqual({ name: 'zhang', role: 'township', org: '九龙坡区/杨家坪街道' });
    expect(readFileSync(join(dir, 'audit.jsonl'), 'utf8')).toContain('"action":"addUser"');
  });

  it('refuses a bad organisation or a taken name in one line naming the field, and adds nothing', async () => {
    const org = await cli('users', 'add', '--name', 'li', '--role', 'enterprise', '--org', '91500000202812345X');
    expect(org.code).toBe(1);
    expect(org.err).toHaveLength(1);
    expect(org.err[0]).toMatch(/^错误：用户无效：org: 统一社会信用代码校验位错误/);
    const taken = await cli('users', 'add', '--name', 'zhang', '--role', 'cityCivilAffairs', '--org', 'chongqing');
    expect(taken.err[0]).toContain('name: 用户名已存在');
    const role = await cli('users', 'add', '--name', 'wang', '--role', 'mayor', '--org', 'chongqing');
    expect(role.code).toBe(2);
    const list = await cli('--json', 'users', 'list');
    expect(JSON.parse(list.out.join('\n'))).toEqual([{ name: 'zhang', role: 'township', org: '九龙坡区/杨家坪街道' }]);
  });

  it('reissues a token, after which the old one no longer works', async () => {
    const store = new UsersStore(join(dir, 'users.json'));
    const before = store.list().length;
    const r = await cli('--json', 'users', 'token', 'zhang');
    const { token } = JSON.parse(r.out.join('\n'));
    expect(new UsersStore(join(dir, 'users.json')).authenticate(token)?.name).toBe('zhang');
    expect(new UsersStore(join(dir, 'users.json')).authenticate(firstToken)).toBeUndefined();
    expect(new UsersStore(join(dir, 'users.json')).list()).toHaveLength(before);
  });

  it('resolves --as from a user name or role@org, and names the problem otherwise', () => {
    expect(parseActor('zhang')).toEqual({ role: 'township', org: '九龙坡区/杨家坪街道', user: 'zhang' });
    expect(parseActor('districtCivilAffairs@九龙坡区')).toEqual({ role: 'districtCivilAffairs', org: '九龙坡区' });
    expect(() => parseActor('nobody')).toThrow(/no user nobody/);
    expect(() => parseActor('mayor@chongqing')).toThrow(/role@organisation/);
  });
});
