// Evaluated once per worker thread, before any workflow exists (the bundle's `preloadModules`, see
// config/workflow-bundle.ts): the pure modules every case uses — zod and the decision schemas, the calendar
// tables, the statechart definitions — built once and shared by every workflow in the thread. Without this the
// SDK evaluates every module of the bundle again for each workflow it creates: about 1.6 MB of heap and tens of
// milliseconds per cached case (BENCHMARKS.md, "Per-case cost").
//
// The SDK deep-freezes what it preloads, and neither zod 4 nor XState 5 survives that: zod memoizes lazily
// derived fields on its schema objects and prototypes on first use, and resets `lastIndex` on its regexes;
// XState's Actor constructor assigns bound methods over its (then frozen) prototype. So after loading them this
// module freezes the module records of these packages and of machines/ shallowly: the SDK's deep freeze skips
// an already-frozen record and leaves their exports as they are. That is safe because machines/ is pure
// (no I/O, no clock, no randomness; its only module-level state is the calendar-version cache, a memo of pure
// results) and the libraries' own module state is memoization of pure results too. The modules of workflows/
// and of the Temporal SDK stay per workflow and frozen as before.
import * as xstate from 'xstate';
import * as zod from 'zod';
import * as calendar from '../machines/calendar';
import * as caseView from '../machines/case-view';
import * as decide from '../machines/decide';
import * as handover from '../machines/handover';
import * as reportSchedule from '../machines/report-schedule';
import * as roles from '../machines/roles';
import * as settings from '../machines/settings';
import * as transitionPeriod from '../machines/transition-period';
import * as definition1682017v1 from '../machines/versions/168-2017.1';
import * as definition1682017v2 from '../machines/versions/168-2017.2';

/** Module ids (webpack's, relative to the project) shared between workflows without the SDK's deep freeze. */
export const SHARED_MODULE_IDS = /^\.\/(machines\/|node_modules\/(zod|xstate)\/)/;

// Referenced so that no bundler setting drops an import as unused; not exported, so the SDK's deep freeze of this
// module's own record does not reach them.
void [xstate, zod, calendar, caseView, decide, handover, reportSchedule, roles, settings, transitionPeriod, definition1682017v1, definition1682017v2];

declare const __webpack_modules__: Record<string, unknown> | undefined;

const moduleCache = (globalThis as { __webpack_module_cache__?: Record<string, object | undefined> }).__webpack_module_cache__;
if (typeof __webpack_modules__ === 'object' && __webpack_modules__ && moduleCache) {
  for (const id of Object.keys(__webpack_modules__)) {
    if (!SHARED_MODULE_IDS.test(id)) continue;
    const record = moduleCache[id];
    if (record) Object.freeze(record);
  }
}
