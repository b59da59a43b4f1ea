// `handover notifications`: the notification outbox (reminders, supervision, escalations) with each notification's
// delivery state — a case's, a district's, or those addressed to a role and its organisation (`--as`) — read through
// client/notifications.ts (and client/todo.ts `inbox` for `--as`, as the API's 我的通知 does).
import type { Command } from 'commander';
import { DELIVERY_STATES, type DeliveryState } from '../../../activities/outbox';
import { resolveCaseId } from '../../case-ref';
import { caseState } from '../../cases';
import { withClient } from '../../connect';
import { notificationListLines } from '../../format/notification-text';
import { listNotifications, openOutbox, type NotificationView } from '../../notifications';
import { inbox } from '../../todo';
import { parseCaseId } from '../../../machines/case-input';
import { districtOfOrg, type CaseParties } from '../../../machines/roles';
import { t } from '../i18n';
import type { CliContext } from '../main';
import { UsageError, intOption, printJson } from '../output';
import { caseRef, parseActor } from './cases';

interface NotificationOptions {
  as?: string;
  district?: string;
  state?: string;
  after?: string;
  limit?: string;
}

export function registerNotificationCommands(program: Command, ctx: CliContext): void {
  const { lang } = ctx;

  program
    .command('notifications')
    .description(
      t(lang, {
        zh: '发件箱中的通知（催办、督办、报请协调）及送达情况：某案件的、某区县的，或发给某角色及其组织的（--as）',
        en: 'notifications in the outbox (reminders, supervision, escalations) with their delivery state: of a case, of a district, or addressed to a role and its organisation (--as)',
      }),
    )
    .argument('[case]', t(lang, { zh: '案件编号或统一社会信用代码：只列该案件的通知', en: 'case id or credit code: that case’s notifications only' }))
    .option('--as <user|role@org>', t(lang, { zh: '收件人：用户名，或 角色@组织（只列发给该角色、属其组织的通知，最新在前）', en: 'recipient: a user name, or role@organisation (only notifications addressed to that role and its organisation, newest first)' }))
    .option('--district <district>', t(lang, { zh: '只列该区县的通知', en: 'only that district’s notifications' }))
    .option('--state <state>', t(lang, { zh: `送达情况：${DELIVERY_STATES.join('、')}`, en: `delivery state: ${DELIVERY_STATES.join(', ')}` }))
    .option('--after <id>', t(lang, { zh: '从该通知编号之后开始（分页，不与 --as 同用）', en: 'start after this notification id (paging; not with --as)' }))
    .option('--limit <n>', t(lang, { zh: '最多列出条数（1–1000，默认 100）', en: 'at most this many (1–1000, default 100)' }))
    .action(async (ref: string | undefined, opts: NotificationOptions) => {
      const state = deliveryState(opts.state);
      const after = intOption(opts.after, '--after', 0, Number.MAX_SAFE_INTEGER);
      const limit = intOption(opts.limit, '--limit', 1, 1000) ?? 100;
      const caseId = ref === undefined ? undefined : await outboxCaseId(ref);
      const actor = opts.as === undefined ? undefined : parseActor(opts.as);
      const { json, lang: out } = ctx.globals();
      const outbox = openOutbox();
      try {
        if (!actor) {
          const page = await listNotifications(outbox, { caseId, district: opts.district, state, afterId: after, limit });
          if (json) return printJson(ctx.io, page);
          for (const line of notificationListLines(page.items, out, page.nextAfterId)) ctx.io.out(line);
          return;
        }
        if (after !== undefined) throw new UsageError({ zh: '--after 用于分页列出案件或区县的通知，不与 --as 同用；请用 --limit', en: '--after pages a case’s or district’s list and is not used with --as; use --limit' });
        const own = districtOfOrg(actor.role, actor.org);
        if (own !== undefined && opts.district !== undefined && opts.district !== own) {
          throw new UsageError({ zh: `${actor.role}@${actor.org} 只收到本区县（${own}）的通知：--district ${opts.district}`, en: `${actor.role}@${actor.org} receives its own district’s (${own}) notifications only: --district ${opts.district}` });
        }
        const read = (partiesOf?: (caseId: string) => Promise<CaseParties | undefined>) =>
          inbox(outbox, { name: actor.user ?? `${actor.role}@${actor.org}`, role: actor.role, org: actor.org }, { district: own ?? opts.district, caseId, partiesOf });
        // A township's or a parent group's notifications are told apart by each case's parties, read from the workflow.
        const narrower = actor.role === 'township' || actor.role === 'parentGroup';
        const all: NotificationView[] = narrower
          ? await withClient((client) => read(async (id) => (await caseState(client, id)).context.parties as CaseParties))
          : await read();
        const items = all.filter((n) => state === undefined || n.delivery.state === state).slice(0, limit);
        if (json) return printJson(ctx.io, { items });
        for (const line of notificationListLines(items, out)) ctx.io.out(line);
      } finally {
        await outbox.close();
      }
    });
}

/** The case id the outbox files a case's rows under. A reference without the district's code (a bare credit code) is
 * resolved on the server to the enterprise's case, as `handover status` does. */
async function outboxCaseId(ref: string): Promise<string> {
  const id = caseRef(ref);
  const parsed = parseCaseId(id);
  return parsed && parsed.district === undefined ? withClient((client) => resolveCaseId(client, ref)) : id;
}

function deliveryState(value: string | undefined): DeliveryState | undefined {
  if (value === undefined) return undefined;
  if ((DELIVERY_STATES as readonly string[]).includes(value)) return value as DeliveryState;
  throw new UsageError({ zh: `--state 应为 ${DELIVERY_STATES.join('、')} 之一：${value}`, en: `--state must be one of ${DELIVERY_STATES.join(', ')}: ${value}` });
}
