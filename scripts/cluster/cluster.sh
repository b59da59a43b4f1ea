#!/usr/bin/env bash
# `npm run cluster` (up), `npm run cluster:stop` (stop), `npm run cluster -- status`: installs what is missing,
# then runs scripts/cluster/main.ts. The cluster keeps running after this returns; data in data/cluster/.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
command="${1:-up}"
if [ "$command" = up ]; then
  bash "$ROOT/scripts/ensure.sh"
  bash "$ROOT/scripts/ensure-cluster.sh"
fi
cd "$ROOT"
exec "$ROOT/node_modules/.bin/tsx" scripts/cluster/main.ts "$command"
