// Keeps the SDK's own logging to warnings in tests, so test output stays readable.
import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;
export function quietRuntime(): void {
  if (installed) return;
  installed = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}
