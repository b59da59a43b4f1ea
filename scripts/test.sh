#!/usr/bin/env bash
# `npm test`: the same installs as `npm start`, a type check, then every jest suite.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bash "$ROOT/scripts/ensure.sh"
bash "$ROOT/scripts/ensure-chromium.sh"
# The cluster tests (test/cluster/) need the Temporal server and PostgreSQL: CI installs them always (the first
# build takes minutes); locally they run when installed (`npm run cluster` installs them) or with HANDOVER_CLUSTER_TESTS=1.
if [ "${CI:-}" = true ] || [ "${HANDOVER_CLUSTER_TESTS:-}" = 1 ]; then
  bash "$ROOT/scripts/ensure-cluster.sh"
fi
cd "$ROOT"
say "type-checking (tsc --noEmit)…"
"$ROOT/node_modules/.bin/tsc" --noEmit -p "$ROOT"
mkdir -p "$ROOT/test-artifacts"
results="$ROOT/test-artifacts/jest-results.json"
rm -f "$results"
status=0
"$ROOT/node_modules/.bin/jest" --json --outputFile="$results" "$@" || status=$?
# One plain closing line, read by CI whatever the runner.
if [ -f "$results" ]; then
  node -e 'const r = require(process.argv[1]); console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`)' "$results"
fi
exit "$status"
