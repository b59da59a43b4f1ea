// How every workflow bundle of the project is built — by the worker, the tests, the benchmarks and replay — so
// that what is tested and measured is what production runs.
import { resolve } from 'node:path';

/** The bundle's entry: every workflow the worker runs. */
export const WORKFLOWS_PATH = resolve(__dirname, '..', 'workflows', 'index.ts');

/**
 * Loaded once per worker thread before any workflow and shared by all of them (workflows/shared-modules.ts):
 * zod, XState and the pure machines/ modules. Everything else in the bundle is evaluated per workflow.
 */
export const PRELOAD_MODULES: string[] = [resolve(__dirname, '..', 'workflows', 'shared-modules.ts')];

/**
 * Options for `bundleWorkflowCode` (plus a logger). HANDOVER_SHARED_MODULES=0 builds the bundle the SDK's default
 * way instead (every module evaluated per workflow): for comparison, and as a way back should sharing misbehave.
 */
export function workflowBundleOptions(env: NodeJS.ProcessEnv = process.env): { workflowsPath: string; preloadModules: string[] } {
  const shared = env.HANDOVER_SHARED_MODULES !== '0';
  return { workflowsPath: WORKFLOWS_PATH, preloadModules: shared ? [...PRELOAD_MODULES] : [] };
}
