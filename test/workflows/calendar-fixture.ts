// For calendar workflow tests: the workflow code bundled with one more notice file than the
// repository has, as a worker built after a new State Council notice would be.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowBundleOptions } from '../../config/workflow-bundle';
import type { NoticeFile } from '../../machines/calendar';

const ROOT = join(__dirname, '..', '..');

/** Bundles workflows/ with `fixture` appended to machines/calendar/notices (the module `./notices` of machines/calendar). */
export async function bundleWithNotice(fixture: NoticeFile): Promise<WorkflowBundleWithSourceMap> {
  const dir = mkdtempSync(join(tmpdir(), 'calendar-fixture-'));
  const module = join(dir, 'notices-with-fixture.js');
  writeFileSync(
    module,
    `import { NOTICE_FILES as BUNDLED } from ${JSON.stringify(join(ROOT, 'machines', 'calendar', 'notices', 'index.ts'))};\n` +
      `export const NOTICE_FILES = [...BUNDLED, ${JSON.stringify(fixture)}];\n`,
  );
  // The webpack the Temporal bundler uses, so the plugin is of the same build.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const webpack = require(require.resolve('webpack', { paths: [require.resolve('@temporalio/worker')] })) as typeof import('webpack');
  const calendarDir = join(ROOT, 'machines', 'calendar');
  return bundleWorkflowCode({
    ...workflowBundleOptions(),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error },
    webpackConfigHook: (config) => {
      config.plugins = [
        ...(config.plugins ?? []),
        new webpack.NormalModuleReplacementPlugin(/^\.\/notices$/, (resource: { context?: string; request: string }) => {
          if (resource.context === calendarDir) resource.request = module;
        }),
      ];
      return config;
    },
  });
}
