#!/usr/bin/env bash
# Every idempotent install the system needs: npm dependencies, Temporal dev server, time-skipping test server.
set -euo pipefail
dir="$(dirname "$0")"
bash "$dir/ensure-node-deps.sh"
bash "$dir/ensure-temporal.sh"
bash "$dir/ensure-test-server.sh"
