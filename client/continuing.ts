// A decision sent again while its case cannot take it just now: the run is continuing as new (the next run takes it;
// nothing was applied or written), or the server holds as many of the case's updates in flight as it allows (10 by
// default). Shared by the client API (client/cases.ts) and the benchmarks, without the client's stores.
import { ApplicationFailure, WorkflowUpdateFailedError } from '@temporalio/client';
import type { CaseRefusal } from '../workflows/messages';

/** How often a decision is sent again while its case moves to its next run (a few seconds in all). */
const CONTINUING_ATTEMPTS = 40;

function tooManyInFlight(err: unknown): boolean {
  const e = err as { code?: number; cause?: { code?: number; details?: string }; details?: string };
  const code = e?.code ?? e?.cause?.code;
  return code === 8 /* RESOURCE_EXHAUSTED */ && /in-flight updates/.test(`${e?.details ?? ''} ${e?.cause?.details ?? ''} ${(err as Error)?.message ?? ''}`);
}

function refusalCode(err: unknown): string | undefined {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) return (err.cause.details?.[0] as CaseRefusal | undefined)?.code;
  return undefined;
}

/**
 * Runs `send` and, while it fails because the case is moving to its next run or has too many updates in flight (or
 * for `alsoWhen`), runs it again after a short wait; any other failure, or the last one, is thrown as it is.
 */
export async function sendAgainWhileContinuing<T>(send: () => Promise<T>, alsoWhen?: (err: unknown) => boolean): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      const again = refusalCode(err) === 'caseContinuing' || tooManyInFlight(err) || alsoWhen?.(err) === true;
      if (!again || attempt >= CONTINUING_ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, Math.min(50 * attempt, 500)));
    }
  }
}
