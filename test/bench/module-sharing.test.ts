// The workflow bundle as the worker builds it shares its pure modules between workflows: creating a workflow
// evaluates only workflows/ and the SDK's per-workflow modules, and the shared ones are not deep-frozen (zod and
// XState break when they are). Measured in the SDK's own reusable V8 context, without servers.
import vm from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { bundleWorkflowCode } from '@temporalio/worker';
import { parseWorkflowCode } from '@temporalio/worker/lib/worker';
import { ReusableVMWorkflowCreator } from '@temporalio/worker/lib/workflow/reusable-vm';
import { workflowBundleOptions } from '../../config/workflow-bundle';

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error };

interface Context {
  __TEMPORAL_ACTIVATOR__?: { moduleCache: Map<string, unknown> };
  __webpack_module_cache__: Record<string, { exports: Record<string, unknown> } | undefined>;
}

/** Evaluates the workflows' module graph `k` times as the SDK does per workflow; heap per evaluation and the per-workflow module ids. */
async function perWorkflow(options: { workflowsPath: string; preloadModules?: string[] }, k: number) {
  const bundle = await bundleWorkflowCode({ ...options, logger: quiet });
  const creator = await (ReusableVMWorkflowCreator as unknown as { create(...a: unknown[]): Promise<{ context: Context; destroy(): Promise<void> }> }).create(
    parseWorkflowCode(bundle.code),
    5000,
    new Set(),
    undefined,
  );
  const ctx = creator.context;
  setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const caches: Array<Map<string, unknown>> = [];
  // Several full collections: the bundle's code and parse results just became garbage, and one collection does not
  // always free it all — freed between the two readings, it would hide the workflows' own growth.
  const settle = () => {
    for (let i = 0; i < 4; i++) gc();
  };
  settle();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < k; i++) {
    const moduleCache = new Map<string, unknown>();
    ctx.__TEMPORAL_ACTIVATOR__ = { moduleCache };
    vm.runInContext('__TEMPORAL__.importWorkflows()', ctx as unknown as vm.Context);
    caches.push(moduleCache);
  }
  delete ctx.__TEMPORAL_ACTIVATOR__;
  settle();
  const kbPerWorkflow = (process.memoryUsage().heapUsed - before) / 1024 / k;
  return { ctx, ids: [...caches[0]!.keys()], kbPerWorkflow, destroy: () => creator.destroy() };
}

describe('shared workflow modules', () => {
  jest.setTimeout(180_000);

  it('a workflow evaluates only workflows/ and the SDK; zod, XState and machines/ are loaded once and not frozen', async () => {
    const shared = await perWorkflow(workflowBundleOptions({}), 20);
    try {
      const outside = shared.ids.filter((id) => !/^\.\/(workflows\/|node_modules\/@temporalio\/)/.test(id));
      expect(outside).toEqual([]);
      expect(shared.ids).toContain('./workflows/handover.ts');
      const machine = shared.ctx.__webpack_module_cache__['./machines/handover.ts']?.exports.handoverMachine;
      expect(machine).toBeDefined();
      expect(Object.isFrozen(machine)).toBe(false);
      const registry = shared.ctx.__webpack_module_cache__['./machines/events.ts']?.exports.EVENT_REGISTRY as Record<string, { schema?: object }>;
      expect(Object.isFrozen(registry)).toBe(false);
      // Per workflow: the workflows' own modules only (about 35 KB measured), against about 1.6 MB unshared.
      expect(shared.kbPerWorkflow).toBeLessThan(300);
    } finally {
      await shared.destroy();
    }
  });

  it('the SDK default bundle (HANDOVER_SHARED_MODULES=0) evaluates every module per workflow: the comparison the test above relies on', async () => {
    const unshared = await perWorkflow(workflowBundleOptions({ HANDOVER_SHARED_MODULES: '0' }), 10);
    try {
      expect(unshared.ids).toContain('./machines/events.ts');
      expect(unshared.ids.some((id) => id.startsWith('./node_modules/zod/'))).toBe(true);
      expect(unshared.kbPerWorkflow).toBeGreaterThan(600);
    } finally {
      await unshared.destroy();
    }
  });
});
