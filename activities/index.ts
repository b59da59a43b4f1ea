// Activities (side effects) built from their dependencies, so tests pass real ones: an outbox file, a local receiver.
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Outbox, idempotencyKey, type Notification } from './outbox';
import { buildMonthlyReport, monthlyReportPaths, writeMonthlyReport, type MonthlyReportRequest, type ReportFiles } from './reports/monthly';
import { postToWebhook } from './webhook';

export interface ActivityDeps {
  /** Folder for files the engine writes (outbox database, reports). */
  dataDir: string;
  /** Group-robot webhook for notifications; none = outbox only. */
  webhookUrl?: string;
  /** An outbox to share (tests); by default `<dataDir>/outbox.sqlite`. */
  outbox?: Outbox;
  /** A Temporal client, for activities that read cases (the monthly report queries each case). */
  client?: Client;
  /** Where monthly reports are written; by default `<dataDir>/reports`. */
  reportsDir?: string;
}

export interface MonthlyReportResult {
  total: number;
  completed: number;
  allComplete: boolean;
  files: ReportFiles;
}

export interface NotifyResult {
  key: string;
  status: 'sent' | 'alreadySent';
  channel: string;
}

export function createActivities(deps: ActivityDeps) {
  let outbox = deps.outbox;
  const box = () => (outbox ??= new Outbox(join(deps.dataDir, 'outbox.sqlite')));

  return {
    /** Records a reminder or escalation in the outbox and delivers it once, whatever the retries. */
    async notify(n: Notification): Promise<NotifyResult> {
      const { row } = box().record(n);
      const channel = deps.webhookUrl ? 'webhook' : 'outbox';
      if (row.deliveredAt) return { key: row.key, status: 'alreadySent', channel: row.channel ?? channel };
      if (deps.webhookUrl) {
        try {
          await postToWebhook(deps.webhookUrl, n, row.key);
        } catch (err) {
          box().markAttempt(row.key, (err as Error).message);
          throw err;
        }
      }
      box().markAttempt(row.key);
      box().markDelivered(row.key, channel);
      return { key: row.key, status: 'sent', channel };
    },

    /** §四(三): builds a district's progress table from the live state of its cases and writes it under the reports folder. */
    async produceMonthlyReport(req: MonthlyReportRequest): Promise<MonthlyReportResult> {
      if (!deps.client) {
        throw ApplicationFailure.nonRetryable('worker has no Temporal client for reading cases (ActivityDeps.client)', 'ReportsNotConfigured');
      }
      const report = await buildMonthlyReport(deps.client, req);
      const files = monthlyReportPaths(deps.reportsDir ?? join(deps.dataDir, 'reports'), req.district, req.month);
      await writeMonthlyReport(report, files, new Date().toISOString());
      return { total: report.total, completed: report.completed, allComplete: report.allComplete, files };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
export { Outbox, idempotencyKey };
export type { Notification };
