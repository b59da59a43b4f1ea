// A benchmark worker in a process of its own, for runs with several workers on one server (e.g. the cluster):
// polls the engine's and the floor's task queues the benchmark in the parent process uses, until SIGTERM.
//   tsx bench/worker-process.ts --address host:port --engine-queue Q1 --floor-queue Q2
import { NativeConnection } from '@temporalio/worker';
import { floorBundle, handoverBundle, startWorker } from './lib/common';
import { quietRuntime } from '../test/helpers/runtime';

async function main(): Promise<void> {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    const v = i >= 0 ? process.argv[i + 1] : undefined;
    if (!v) throw new Error(`${name} is required`);
    return v;
  };
  quietRuntime();
  const native = await NativeConnection.connect({ address: arg('--address') });
  const workers = [
    await startWorker({ connection: native, taskQueue: arg('--engine-queue'), bundle: await handoverBundle() }),
    await startWorker({ connection: native, taskQueue: arg('--floor-queue'), bundle: await floorBundle() }),
  ];
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await Promise.all(workers.map((w) => w.stop()));
  await native.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
