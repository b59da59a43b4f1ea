#!/usr/bin/env node
// The `handover` executable: lets Node load the TypeScript sources through tsx, then runs the CLI.
'use strict';

const path = require('node:path');

const root = path.join(__dirname, '..');
// tsx reads tsconfig.json from the working directory; pin it to the repo's so the sources compile
// the same whichever directory the command is run from.
process.env.TSX_TSCONFIG_PATH = process.env.TSX_TSCONFIG_PATH || path.join(root, 'tsconfig.json');
// tsx 4's CommonJS hook (`tsx/cjs` is the same hook as a side effect; this is its documented API).
require('tsx/cjs/api').register();

// `handover … | head -1` closes stdout early: stop quietly instead of dying on EPIPE.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode || 0);
  throw error;
});

const { runCli } = require(path.join(root, 'client', 'cli', 'main.ts'));
// exitCode, not process.exit(): lets piped stdout drain before Node exits.
runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
