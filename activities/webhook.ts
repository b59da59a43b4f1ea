// Posts a notification to a group-robot webhook (WeCom 企业微信 / DingTalk 钉钉 share the text message shape).
import type { Notification, OutboxRow } from './outbox';
import type { DeliveryChannel } from './delivery/channel';

/** Thrown when the webhook answers with an HTTP error or a robot error code; the delivery dispatcher retries. */
export class WebhookError extends Error {
  override name = 'WebhookError';
}

/**
 * The console page of the case, when the console's public address is set (HANDOVER_CONSOLE_URL, e.g.
 * https://handover.example.gov.cn): officials open the case straight from the group chat, on a phone too.
 */
export function caseLink(caseId: string, consoleUrl: string | undefined = process.env.HANDOVER_CONSOLE_URL): string | undefined {
  if (!consoleUrl || !/^https?:\/\/[^\s]+$/.test(consoleUrl) || !caseId.startsWith('handover-')) return undefined;
  return `${consoleUrl.replace(/\/+$/, '')}/#/case/${encodeURIComponent(caseId)}`;
}

export function robotMessage(n: Notification, key: string, consoleUrl?: string): { msgtype: 'text'; text: { content: string } } {
  const lines = [`【社区管理职能移交】${n.message.zh}`, `依据：渝民〔2017〕168号 ${n.clause}`, `送达：${n.recipients.join('、')}`, `编号：${key}`];
  const link = caseLink(n.caseId, consoleUrl);
  if (link) lines.push(`查看：${link}`);
  return { msgtype: 'text', text: { content: lines.join('\n') } };
}

/** One post; the `idempotency-key` header (the outbox key) lets a receiver drop a repeated post of the same row. */
export async function postToWebhook(url: string, n: Notification, key: string, signal: AbortSignal = AbortSignal.timeout(10_000)): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(robotMessage(n, key)),
    signal,
  });
  const text = await res.text();
  if (!res.ok) throw new WebhookError(`webhook answered HTTP ${res.status}: ${text.slice(0, 200)}`);
  // Both robots answer 200 with {"errcode":0,...} on success and a non-zero errcode on failure.
  try {
    const body = JSON.parse(text) as { errcode?: number; errmsg?: string };
    if (typeof body.errcode === 'number' && body.errcode !== 0) throw new WebhookError(`webhook errcode ${body.errcode}: ${body.errmsg ?? ''}`);
  } catch (err) {
    if (err instanceof WebhookError) throw err;
  }
}

/** The webhook as the delivery dispatcher's channel. */
export function webhookChannel(url: string): DeliveryChannel {
  return {
    name: 'webhook',
    deliver: (row: OutboxRow, signal: AbortSignal) => postToWebhook(url, row, row.key, signal),
  };
}
