// A request's Temporal calls stop when nobody waits for them: a page closed while a read waits on a slow case (or an
// API shutting down) must not leave calls running, and retrying, after it. A write (decision, import) is not cut
// short by its caller going away; only the API's own close stops it.
import { setMaxListeners } from 'node:events';
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from 'fastify';

const READ_METHODS = new Set(['GET', 'HEAD']);

interface InFlight {
  ctrl: AbortController;
  read: boolean;
  done: Promise<unknown>;
}

const signals = new WeakMap<FastifyRequest, AbortSignal>();

/** The request's abort signal, for handlers that loop over many calls (stop asking once it fired). */
export function abortSignalOf(request: FastifyRequest): AbortSignal | undefined {
  return signals.get(request);
}

/** How long the API's close waits for handlers it aborted to finish. */
const CLOSE_WAIT_MS = 10_000;

/** Runs every handler under an abort signal (Temporal's call context), fired by a read's abort or by the app's close. */
export function cancelCallsOnAbort(app: FastifyInstance, client: Client): void {
  const inFlight = new Map<FastifyRequest, InFlight>();
  app.addHook('onRoute', (route) => {
    const read = [route.method].flat().every((m) => READ_METHODS.has(String(m)));
    const handler = route.handler as RouteHandlerMethod;
    route.handler = async function (this: unknown, request, reply) {
      const ctrl = new AbortController();
      // Every Temporal call of the request listens on the signal (the SDK never removes its listener): no limit.
      setMaxListeners(0, ctrl.signal);
      signals.set(request, ctrl.signal);
      const done = client.withAbortSignal(ctrl.signal, async () => handler.call(this as never, request, reply));
      inFlight.set(request, { ctrl, read, done });
      try {
        return await done;
      } finally {
        inFlight.delete(request);
      }
    } as RouteHandlerMethod;
  });
  app.addHook('onRequestAbort', async (request) => {
    const call = inFlight.get(request);
    if (call?.read) call.ctrl.abort();
  });
  app.addHook('preClose', async () => {
    const running = [...inFlight.values()];
    for (const { ctrl } of running) ctrl.abort();
    // Let the aborted handlers end before whoever closes the API closes the Temporal connection under them.
    await Promise.race([Promise.allSettled(running.map((r) => r.done)), new Promise((r) => setTimeout(r, CLOSE_WAIT_MS).unref())]);
  });
}
