// `handover users add|list|token` (the people who use the API and console) and `handover serve` (API + console).
import type { Command } from 'commander';
import { loadApiSettings } from '../../../config/api';
import { ROLES, ROLE_NAMES, RoleSchema } from '../../../machines/roles';
import { UsersStore } from '../../admin/users';
import { generatePassword } from '../../admin/passwords';
import { AuditLog } from '../../api/audit';
import { runApiServer } from '../../api/run';
import { t } from '../i18n';
import type { CliContext } from '../main';
import { UsageError, printJson } from '../output';

export function usersStore(): UsersStore {
  return new UsersStore(loadApiSettings().usersFile);
}

export function registerUserCommands(program: Command, ctx: CliContext): void {
  const { lang } = ctx;
  const users = program.command('users').description(t(lang, { zh: '用户与令牌（HTTP API 和网页控制台）', en: 'users and tokens (HTTP API and web console)' }));

  users
    .command('add')
    .description(t(lang, { zh: '添加用户并签发令牌（令牌只显示这一次）', en: 'add a user and issue its token (shown this once only)' }))
    .requiredOption('--name <name>', t(lang, { zh: '用户名（登录与 --as 使用）', en: 'user name (for sign-in and --as)' }))
    .requiredOption('--role <role>', `${t(lang, { zh: '角色', en: 'role' })}: ${ROLES.join(', ')}`)
    .requiredOption('--org <org>', t(lang, { zh: '组织：企业信用代码、区县、区县/乡镇，或市级部门的 chongqing', en: "organisation: enterprise credit code, district, district/township, or 'chongqing' for city bodies" }))
    .option('--display-name <text>', t(lang, { zh: '显示名称', en: 'display name' }))
    .action((opts: { name: string; role: string; org: string; displayName?: string }) => {
      const role = RoleSchema.safeParse(opts.role);
      if (!role.success) throw new UsageError({ zh: `--role 未知角色：${opts.role}；角色为：${ROLES.join(', ')}`, en: `--role: unknown role ${opts.role}; roles: ${ROLES.join(', ')}` });
      const store = usersStore();
      const { user, token } = store.add({ name: opts.name, role: role.data, org: opts.org, ...(opts.displayName ? { displayName: opts.displayName } : {}) });
      new AuditLog(loadApiSettings().auditFile).record({ user: process.env.USER ?? 'cli', role: 'admin', org: 'cli', action: 'addUser', outcome: 'applied', detail: `${user.name} ${user.role}@${user.org}` });
      const { json, lang: out } = ctx.globals();
      if (json) return printJson(ctx.io, { ...user, token });
      ctx.io.out(t(out, { zh: `已添加用户 ${user.name}（${ROLE_NAMES[user.role].zh} ${user.org}）`, en: `user added: ${user.name} (${user.role} ${user.org})` }));
      ctx.io.out(t(out, { zh: `令牌（只显示这一次，请妥善保存）：${token}`, en: `token (shown this once only; keep it safe): ${token}` }));
    });

  users
    .command('list')
    .description(t(lang, { zh: '列出用户（不含令牌）', en: 'list users (without tokens)' }))
    .action(() => {
      const list = usersStore().list();
      const { json, lang: out } = ctx.globals();
      if (json) return printJson(ctx.io, list);
      ctx.io.out(t(out, { zh: `共 ${list.length} 个用户`, en: `${list.length} user(s)` }));
      for (const u of list) ctx.io.out(`${u.name.padEnd(22)} ${u.role.padEnd(22)} ${u.org}${u.displayName ? `  ${u.displayName}` : ''}`);
    });

  users
    .command('token')
    .description(t(lang, { zh: '为用户重新签发令牌（旧令牌作废）', en: 'issue a new token for a user (the old one stops working)' }))
    .argument('<name>', t(lang, { zh: '用户名', en: 'user name' }))
    .action((name: string) => {
      const token = usersStore().rotate(name);
      new AuditLog(loadApiSettings().auditFile).record({ user: process.env.USER ?? 'cli', role: 'admin', org: 'cli', action: 'rotateToken', outcome: 'applied', detail: name });
      const { json, lang: out } = ctx.globals();
      if (json) return printJson(ctx.io, { name, token });
      ctx.io.out(t(out, { zh: `${name} 的新令牌（只显示这一次）：${token}`, en: `new token for ${name} (shown this once only): ${token}` }));
    });

  users
    .command('password')
    .description(t(lang, { zh: '为用户设置新的初始密码（只显示这一次；首次登录须修改；其登录会话随即失效）', en: 'set a new initial password for a user (shown once; to be changed at the next sign-in; its sessions end)' }))
    .argument('<name>', t(lang, { zh: '用户名', en: 'user name' }))
    .action(async (name: string) => {
      const password = generatePassword();
      await usersStore().setPassword(name, password, { mustChange: true, policy: false });
      new AuditLog(loadApiSettings().auditFile).record({ user: process.env.USER ?? 'cli', role: 'admin', org: 'cli', action: 'resetPassword', outcome: 'applied', detail: name });
      const { json, lang: out } = ctx.globals();
      if (json) return printJson(ctx.io, { name, password });
      ctx.io.out(t(out, { zh: `${name} 的初始密码（只显示这一次，首次登录须修改）：${password}`, en: `initial password for ${name} (shown once; to be changed at the next sign-in): ${password}` }));
    });

  program
    .command('serve')
    .description(t(lang, { zh: '启动 HTTP API 与网页控制台（npm start 已包含）', en: 'run the HTTP API and web console (npm start includes it)' }))
    .action(async () => {
      const api = await runApiServer();
      const { lang: out } = ctx.globals();
      ctx.io.out(t(out, { zh: `控制台：${api.url}/   接口文档：${api.url}/docs`, en: `console: ${api.url}/   API docs: ${api.url}/docs` }));
      await new Promise<void>((done) => {
        const stop = () => void api.stop().then(done);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
