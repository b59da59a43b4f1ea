// What a person types for a case, as the workflow id: `handover-<code>-<district code>` as it is; a bare credit code
// or `handover-<code>` (the id of cases opened before definition 168-2017.3, one per enterprise) is that case if it
// runs, otherwise the enterprise's only case in any district. Deterministic: the 40 possible ids are asked directly
// (no visibility query, which may not yet list a case started a moment ago).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { caseIdFor, caseIdOf, parseCaseId } from '../machines/case-input';
import { DISTRICTS } from '../machines/districts';
import { HandoverError } from './errors';

/** A bare credit code names cases in several districts: the district's code must be given. HTTP 409, `ambiguousCase`. */
export class AmbiguousCaseError extends HandoverError {
  override name = 'AmbiguousCaseError';
  readonly code = 'ambiguousCase';
  readonly httpStatus = 409;
  constructor(
    readonly ref: string,
    readonly caseIds: string[],
  ) {
    super({
      zh: `该企业在 ${caseIds.length} 个区县各有一个案件，请写明是哪一个：${caseIds.join('、')}`,
      en: `this enterprise has cases in ${caseIds.length} districts; say which one: ${caseIds.join(', ')}`,
    });
  }
}

/** Direct lookups in flight at once for a bare credit code (one per district otherwise). */
const LOOKUPS_AT_ONCE = 8;

async function exists(client: Client, workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/**
 * The workflow id `ref` stands for. Unrecognised text comes back as it is (the lookup then says the case is
 * unknown); a legacy or bare reference that matches no case comes back as the legacy id.
 */
export async function resolveCaseId(client: Client, ref: string): Promise<string> {
  const id = caseIdOf(ref);
  if (!id) return ref;
  const parsed = parseCaseId(id);
  if (!parsed || parsed.district) return id;
  if (await exists(client, id)) return id;
  const candidates = DISTRICTS.map((d) => caseIdFor(parsed.creditCode, d));
  const found: string[] = [];
  // A few at a time, and every call settled before an error is passed on: no call keeps retrying in the background
  // after the caller has its answer (and perhaps closed the connection).
  for (let i = 0; i < candidates.length; i += LOOKUPS_AT_ONCE) {
    const batch = candidates.slice(i, i + LOOKUPS_AT_ONCE);
    const settled = await Promise.allSettled(batch.map((c) => exists(client, c)));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    settled.forEach((r, j) => (r as PromiseFulfilledResult<boolean>).value && found.push(batch[j]!));
  }
  if (found.length === 1) return found[0]!;
  if (found.length > 1) throw new AmbiguousCaseError(ref, found);
  return id;
}
