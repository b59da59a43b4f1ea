#!/usr/bin/env bash
# `npm test`: the same installs as `npm start`, a type check, then every jest suite.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bash "$ROOT/scripts/ensure.sh"
cd "$ROOT"
say "type-checking (tsc --noEmit)…"
"$ROOT/node_modules/.bin/tsc" --noEmit -p "$ROOT"
exec "$ROOT/node_modules/.bin/jest" "$@"
