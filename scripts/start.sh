#!/usr/bin/env bash
# `npm start`: install what is missing, then bring up the dev server (unless TEMPORAL_ADDRESS points
# elsewhere) and the worker; Ctrl-C stops everything started here.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bash "$ROOT/scripts/ensure.sh"
cd "$ROOT"
exec "$ROOT/node_modules/.bin/tsx" scripts/up.ts "$@"
