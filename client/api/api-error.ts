// The error every API route answers with: HTTP status, a code, a bilingual message and (for bad input) the fields at fault.
import type { Localized } from '../errors';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly text: Localized,
    readonly issues?: Array<{ path: string; message: string }>,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super(text.en);
  }
}

export function errorBody(code: string, message: Localized, issues?: Array<{ path: string; message: string }>) {
  return { error: { code, message, ...(issues ? { issues } : {}) } };
}
