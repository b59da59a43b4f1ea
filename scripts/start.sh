#!/usr/bin/env bash
# `npm start`: install what is missing, then bring up the dev server (unless TEMPORAL_ADDRESS points
# elsewhere), the worker, the API and the console. The shell replaces itself with node (exec, and node
# itself rather than the tsx CLI), so SIGINT and SIGTERM reach scripts/up.ts, which stops everything it started.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bash "$ROOT/scripts/ensure.sh"
cd "$ROOT"
exec node --import tsx "$ROOT/scripts/up.ts" "$@"
