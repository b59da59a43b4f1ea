// Outbox notifications as readable lines in Chinese or English (`handover notifications`): one head line per
// notification (id, when, case, reason, recipients, delivery state), its message indented below.
import type { DeliveryState } from '../../activities/outbox';
import { NOTIFY_LABELS } from '../../machines/labels';
import type { NotifyReason } from '../../machines/handover';
import { ROLE_NAMES, type Role } from '../../machines/roles';
import type { NotificationView } from '../notifications';
import { beijingTime } from './case-text';

type Lang = 'zh' | 'en';

export const DELIVERY_STATE_LABELS: Record<DeliveryState, { zh: string; en: string }> = {
  pending: { zh: '待发送', en: 'pending' },
  failing: { zh: '发送失败、将重试', en: 'failing, will retry' },
  delivered: { zh: '已送达', en: 'delivered' },
  failed: { zh: '已放弃重试', en: 'given up' },
};

const reasonLabel = (reason: string, lang: Lang) => NOTIFY_LABELS[reason as NotifyReason]?.[lang] ?? reason;
const roleLabel = (role: string, lang: Lang) => ROLE_NAMES[role as Role]?.[lang] ?? role;

/** The delivery state with what explains it: channel and attempts, the next try, the last error. */
export function deliveryText(d: NotificationView['delivery'], lang: Lang): string {
  const zh = lang === 'zh';
  const details: string[] = [];
  if (d.state === 'delivered') {
    if (d.channel) details.push(zh ? `经 ${d.channel}` : `via ${d.channel}`);
    if (d.deliveredAt) details.push(beijingTime(d.deliveredAt));
  }
  if (d.attempts > 0) details.push(zh ? `已尝试 ${d.attempts} 次` : `${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`);
  if (d.failingSince && d.state !== 'delivered') details.push(zh ? `自 ${beijingTime(d.failingSince)} 起失败` : `failing since ${beijingTime(d.failingSince)}`);
  if (d.nextAttemptAt) details.push(zh ? `下次 ${beijingTime(d.nextAttemptAt)}` : `next try ${beijingTime(d.nextAttemptAt)}`);
  if (d.gaveUpAt) details.push(zh ? `${beijingTime(d.gaveUpAt)} 放弃` : `given up ${beijingTime(d.gaveUpAt)}`);
  if (d.lastError && d.state !== 'delivered') details.push(zh ? `错误：${d.lastError}` : `error: ${d.lastError}`);
  const label = DELIVERY_STATE_LABELS[d.state][lang];
  if (details.length === 0) return label;
  return zh ? `${label}（${details.join('，')}）` : `${label} (${details.join(', ')})`;
}

/** One notification: its head line, then its message indented. Times are Beijing time. */
export function notificationLines(n: NotificationView, lang: Lang): string[] {
  const zh = lang === 'zh';
  const to = n.recipients.map((r) => roleLabel(r, lang)).join(zh ? '、' : ', ');
  const head = [`#${n.id}`, beijingTime(n.createdAt), n.caseId, `${reasonLabel(n.reason, lang)} ${n.clause}`.trim(), `→ ${to}`, deliveryText(n.delivery, lang)];
  return [head.join('  '), `    ${n.message[lang]}`];
}

/** A list of notifications: a count, each notification, and how to ask for the next page when there is one. */
export function notificationListLines(items: NotificationView[], lang: Lang, nextAfterId?: number): string[] {
  const zh = lang === 'zh';
  const lines = [zh ? `共 ${items.length} 条通知` : `${items.length} notification${items.length === 1 ? '' : 's'}`];
  for (const n of items) lines.push(...notificationLines(n, lang));
  if (nextAfterId !== undefined) lines.push(zh ? `还有更多：加 --after ${nextAfterId} 查看下一页` : `more: add --after ${nextAfterId} for the next page`);
  return lines;
}
