// Reading the notification outbox with each row's delivery state: for the HTTP API, the console and the CLI.
// Every function is async: the outbox is a SQLite file by default, a PostgreSQL table in cluster mode.
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { DELIVERY_STATES, Outbox, outboxFile, type DeliveryState, type OutboxRow, type OutboxStore, type OutboxSummary } from '../activities/outbox';
import { openOutboxStore, outboxSettingsFromEnv } from '../activities/outbox-open';

const defaultDataDir = (env: NodeJS.ProcessEnv) => resolve(env.HANDOVER_DATA_DIR ?? join(__dirname, '..', 'data'));

/** The SQLite outbox the worker writes when no database is set: `<HANDOVER_DATA_DIR>/outbox.sqlite`, `data/outbox.sqlite` by default. */
export function defaultOutboxFile(env: NodeJS.ProcessEnv = process.env): string {
  return outboxFile(defaultDataDir(env));
}

/**
 * Opens the outbox the worker writes: the given SQLite file, or by the environment the PostgreSQL outbox
 * (HANDOVER_OUTBOX_DATABASE_URL, else HANDOVER_RECORD_DATABASE_URL) or `<HANDOVER_DATA_DIR>/outbox.sqlite`
 * (created empty if the worker has not written it yet). Close it when done (`await outbox.close()`).
 */
export function openOutbox(file?: string, env: NodeJS.ProcessEnv = process.env): OutboxStore {
  return file !== undefined ? new Outbox(file) : openOutboxStore(outboxSettingsFromEnv(defaultDataDir(env), env));
}

export const DeliverySchema = z.object({
  state: z.enum(DELIVERY_STATES).describe('pending 待发送 · failing 发送失败、将重试 · delivered 已送达 · failed 已放弃重试'),
  attempts: z.number().int(),
  deliveredAt: z.string().optional(),
  channel: z.string().optional().describe('webhook, or outbox when no webhook is configured'),
  failingSince: z.string().optional().describe('first failed attempt'),
  lastAttemptAt: z.string().optional(),
  lastError: z.string().optional(),
  nextAttemptAt: z.string().optional(),
  gaveUpAt: z.string().optional(),
});

export const NotificationViewSchema = z.object({
  id: z.number().int(),
  key: z.string(),
  caseId: z.string(),
  reason: z.string(),
  dueKey: z.string(),
  recipients: z.array(z.string()),
  clause: z.string(),
  message: z.object({ zh: z.string(), en: z.string() }),
  enterpriseName: z.string().optional(),
  district: z.string().optional(),
  createdAt: z.string(),
  delivery: DeliverySchema,
});
export type NotificationView = z.infer<typeof NotificationViewSchema>;

export const NotificationPageSchema = z.object({
  items: z.array(NotificationViewSchema),
  /** Pass as `afterId` for the next page; absent on the last one. */
  nextAfterId: z.number().int().optional(),
});
export type NotificationPage = z.infer<typeof NotificationPageSchema>;

export interface NotificationFilter {
  caseId?: string;
  district?: string;
  reason?: string;
  state?: DeliveryState;
  /** Addressed to this role (e.g. `cityCivilAffairs`). */
  recipient?: string;
  afterId?: number;
  /** 1..1000, default 100. */
  limit?: number;
}

export function notificationView(row: OutboxRow): NotificationView {
  return {
    id: row.id,
    key: row.key,
    caseId: row.caseId,
    reason: row.reason,
    dueKey: row.dueKey,
    recipients: row.recipients,
    clause: row.clause,
    message: row.message,
    ...(row.enterpriseName !== undefined ? { enterpriseName: row.enterpriseName } : {}),
    ...(row.district !== undefined ? { district: row.district } : {}),
    createdAt: row.createdAt,
    delivery: row.delivery,
  };
}

/** One page of notifications, oldest first, each with its delivery state. */
export async function listNotifications(outbox: OutboxStore, filter: NotificationFilter = {}): Promise<NotificationPage> {
  const limit = Math.max(1, Math.min(1000, Math.floor(filter.limit ?? 100)));
  const rows = await outbox.list({ ...filter, limit: limit + 1 });
  const items = rows.slice(0, limit).map(notificationView);
  return { items, ...(rows.length > limit ? { nextAfterId: items.at(-1)!.id } : {}) };
}

/** Counts per delivery state, the oldest undelivered row and since when rows have been failing. */
export async function notificationSummary(outbox: OutboxStore, filter: Pick<NotificationFilter, 'caseId' | 'district'> = {}): Promise<OutboxSummary> {
  return outbox.summary(filter);
}

/** Puts a given-up (`failed`) notification back in the delivery queue, due now; false when it is not failed. */
export async function requeueNotification(outbox: OutboxStore, key: string, now = new Date()): Promise<boolean> {
  return outbox.requeue(key, now);
}
