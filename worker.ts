// The worker: wires connection settings, workflows and activities, and runs until stopped.
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import { resolve } from 'node:path';
import { loadTemporalSettings } from './config/temporal';
import { workflowBundleOptions } from './config/workflow-bundle';
import { workerCacheSizing } from './config/workflow-cache';
import { createActivities } from './activities';
import { startDelivery } from './activities/delivery';

export async function runWorker(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger((process.env.HANDOVER_LOG_LEVEL ?? 'WARN') as LogLevel) });
  const settings = loadTemporalSettings();
  const connection = await NativeConnection.connect(settings.connectionOptions);
  // Activities that read cases (the monthly report) query them through a client of the same server.
  const clientConnection = await Connection.connect(settings.connectionOptions);
  const dataDir = resolve(process.env.HANDOVER_DATA_DIR ?? resolve(__dirname, 'data'));
  const webhookUrl = process.env.HANDOVER_WEBHOOK_URL || undefined;
  // Notifications are only recorded by the `notify` activity; this dispatcher posts them on its own schedule.
  const delivery = startDelivery({ dataDir, webhookUrl });
  const bundle = workflowBundleOptions();
  const cache = workerCacheSizing();
  try {
    const worker = await Worker.create({
      connection,
      namespace: settings.namespace,
      taskQueue: settings.taskQueue,
      // The pure modules (schemas, calendar, statecharts) are loaded once and shared by every case (config/workflow-bundle.ts).
      workflowsPath: bundle.workflowsPath,
      bundlerOptions: { preloadModules: bundle.preloadModules },
      // As many cached cases as the heap holds at the measured cost per case (config/workflow-cache.ts, BENCHMARKS.md);
      // the rest are replayed from history when they next wake.
      maxCachedWorkflows: cache.maxCachedWorkflows,
      activities: createActivities({
        dataDir,
        webhookUrl,
        client: new Client({ connection: clientConnection, namespace: settings.namespace }),
        reportsDir: process.env.HANDOVER_REPORTS_DIR ? resolve(process.env.HANDOVER_REPORTS_DIR) : undefined,
      }),
    });
    console.log(`[handover] worker caches up to ${cache.maxCachedWorkflows.toLocaleString('en')} cases (${cache.source === 'derived' ? `${cache.heapLimitMb} MB heap at ${cache.kbPerCase} KB per case` : 'HANDOVER_MAX_CACHED_CASES'})`);
    console.log(`[handover] worker polling task queue "${settings.taskQueue}" on ${settings.connectionOptions.address} (namespace ${settings.namespace})`);
    if (delivery) console.log(`[handover] delivering notifications from ${delivery.outboxLocation} to the webhook (dispatcher ${delivery.dispatcher.owner})`);
    await worker.run();
  } finally {
    await delivery?.stop();
    await clientConnection.close();
    await connection.close();
  }
}

if (require.main === module) {
  runWorker().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
