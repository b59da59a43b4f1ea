#!/usr/bin/env bash
# Installs the npm dependencies from the lock file when they are missing or older than the lock file.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
command -v node >/dev/null 2>&1 || die "Node.js is not installed: install Node.js 20 or newer (e.g. apt-get install nodejs npm) and run again."
major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$major" -ge 20 ] || die "Node.js $(node -v) is too old: install Node.js 20 or newer and run again."
# better-sqlite3 is compiled on install (no prebuilt download here); Debian's Node keeps its headers in /usr.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi
marker="$ROOT/node_modules/.package-lock.json"
if [ ! -f "$marker" ] || [ "$ROOT/package-lock.json" -nt "$marker" ]; then
  say "installing npm dependencies (npm ci)…"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
fi
