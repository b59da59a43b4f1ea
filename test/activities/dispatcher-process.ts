// A delivery dispatcher as its own process (test/activities/outbox-behaviours.ts runs several on one outbox):
// argv: outbox (SQLite file, or postgres:// URL), webhook url; says `ready`, starts on a line on stdin (so all start together), runs until every
// row is delivered or failed, then says how many it delivered.
import { Outbox, type OutboxStore } from '../../activities/outbox';
import { PostgresOutbox } from '../../activities/outbox-postgres';
import { DeliveryDispatcher } from '../../activities/delivery';
import { webhookChannel } from '../../activities/webhook';

async function main(): Promise<void> {
  const [file, url] = process.argv.slice(2);
  const outbox: OutboxStore = /^postgres(ql)?:\/\//.test(file!) ? new PostgresOutbox(file!) : new Outbox(file!);
  const dispatcher = new DeliveryDispatcher({
    outbox,
    channel: webhookChannel(url!),
    owner: `proc-${process.pid}`,
    policy: { firstRetryMs: 50, maxIntervalMs: 200, pollMs: 10, batchSize: 4, leaseMs: 30_000 },
    log: () => undefined,
  });
  let delivered = 0;
  await outbox.summary(); // connected (and the PostgreSQL table there) before saying ready, so all start even
  process.stdout.write('ready\n');
  await new Promise<void>((go) => process.stdin.once('data', () => go()));
  process.stdin.pause();
  for (;;) {
    const round = await dispatcher.runOnce();
    delivered += round.delivered;
    const open = (await outbox.summary()).counts;
    if (open.pending + open.failing === 0) break;
    if (round.claimed === 0) await new Promise((r) => setTimeout(r, 5));
  }
  await outbox.close();
  process.stdout.write(`done ${delivered}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
