// Activities (side effects) built from their dependencies, so tests pass real ones: an outbox file, a local receiver.
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Outbox, idempotencyKey, type DeliveryState, type Notification, type OutboxStore } from './outbox';
import { openOutboxStore, outboxSettingsFromEnv } from './outbox-open';
import { buildMonthlyReport, monthlyReportPaths, writeMonthlyReport, type MonthlyReportRequest, type ReportFiles } from './reports/monthly';
import { openCaseRecordStore, sqliteRecordFile, type CaseRecordEntry, type CaseRecordStore } from './case-record';

export interface ActivityDeps {
  /** Folder for files the engine writes (outbox database, reports). */
  dataDir: string;
  /** Group-robot webhook for notifications; none = outbox only. */
  webhookUrl?: string;
  /** An outbox to share (tests); by default from HANDOVER_OUTBOX_DATABASE_URL / HANDOVER_RECORD_DATABASE_URL, else `<dataDir>/outbox.sqlite`. */
  outbox?: OutboxStore;
  /** A Temporal client, for activities that read cases (the monthly report queries each case). */
  client?: Client;
  /** Where monthly reports are written; by default `<dataDir>/reports`. */
  reportsDir?: string;
  /** The permanent case record; by default from HANDOVER_RECORD_DATABASE_URL, else `<dataDir>/case-record.sqlite`. */
  record?: CaseRecordStore;
}

export interface MonthlyReportResult {
  total: number;
  completed: number;
  allComplete: boolean;
  files: ReportFiles;
}

export interface NotifyResult {
  key: string;
  /** Whether this call wrote the row, or found it there (a retry, a replay, a timer fired again). */
  status: 'recorded' | 'alreadyRecorded';
  /** The row's delivery state now; delivery itself is the dispatcher's (activities/delivery/). */
  delivery: DeliveryState;
}

export function createActivities(deps: ActivityDeps) {
  let outbox = deps.outbox;
  const box = () => (outbox ??= openOutboxStore(outboxSettingsFromEnv(deps.dataDir)));
  let record: Promise<CaseRecordStore> | undefined = deps.record ? Promise.resolve(deps.record) : undefined;
  const recordStore = () =>
    (record ??= openCaseRecordStore({
      databaseUrl: process.env.HANDOVER_RECORD_DATABASE_URL || undefined,
      file: sqliteRecordFile({ file: process.env.HANDOVER_RECORD_FILE || undefined, dataDir: deps.dataDir }),
    }).catch((err: unknown) => {
      record = undefined;
      throw err;
    }));

  return {
    /** Writes applied decisions, fired timers and notifications to the case record; an entry already there is skipped. */
    async recordEntries(entries: CaseRecordEntry[]): Promise<{ added: number }> {
      return { added: await (await recordStore()).append(entries) };
    },

    /**
     * Records a reminder or escalation in the outbox and returns at once: it never waits for, nor fails because of,
     * the webhook. The delivery dispatcher beside the worker posts the row on its own retry schedule. Without a
     * webhook the outbox is the channel and the row is recorded as delivered there. Idempotent by key.
     */
    async notify(n: Notification): Promise<NotifyResult> {
      const { row, created } = await box().record(n, new Date(), deps.webhookUrl ? {} : { deliveredVia: 'outbox' });
      return { key: row.key, status: created ? 'recorded' : 'alreadyRecorded', delivery: row.delivery.state };
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
