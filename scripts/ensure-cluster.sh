#!/usr/bin/env bash
# Installs what `npm run cluster` needs, once: the Temporal server and its SQL schema tool built from the Go
# module proxy into .tools/bin, and Debian's PostgreSQL (server tools under /usr/lib/postgresql/<v>/bin).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$ROOT/scripts/cluster/versions.sh"

# PostgreSQL: Debian's package; its server tools (initdb, pg_ctl) are not on PATH.
if ! pg_bin_dir >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing PostgreSQL from Debian (apt-get install postgresql)…"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null; }
  fi
  pg_bin_dir >/dev/null || die "PostgreSQL server tools (initdb, pg_ctl) not found: install PostgreSQL $PG_MAJOR (e.g. sudo apt-get install postgresql) and run again."
fi

# The Temporal server and temporal-sql-tool. `go install` names them after their folders (server, sql) and
# reports version "0.0.0-DEV"-style build info, so they are built into a scratch folder, renamed, and the
# version kept in a stamp file beside each.
built() { [ -x "$1" ] && [ "$(cat "$1.version" 2>/dev/null)" = "$TEMPORAL_SERVER_VERSION" ]; }
if built "$TEMPORAL_SERVER_BIN" && built "$TEMPORAL_SQL_TOOL_BIN"; then
  exit 0
fi
command -v go >/dev/null 2>&1 || die "Go is not installed: install Go 1.23 or newer (e.g. apt-get install golang-go, or from go.dev) so the Temporal server can be built, and run again."
say "building the Temporal server v$TEMPORAL_SERVER_VERSION and temporal-sql-tool with Go (once; this takes a few minutes)…"
scratch="$TOOLS/go-build"
rm -rf "$scratch"
mkdir -p "$scratch" "$TOOLS/bin"
# v1.29.1's go.mod has no `replace` directive, so both commands go-install straight from the module proxy.
GOBIN="$scratch" GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install \
  "go.temporal.io/server/cmd/server@v$TEMPORAL_SERVER_VERSION" \
  "go.temporal.io/server/cmd/tools/sql@v$TEMPORAL_SERVER_VERSION"
mv -f "$scratch/server" "$TEMPORAL_SERVER_BIN"
mv -f "$scratch/sql" "$TEMPORAL_SQL_TOOL_BIN"
rmdir "$scratch" 2>/dev/null || true
"$TEMPORAL_SERVER_BIN" --version >/dev/null || die "the Temporal server was built but does not run: $TEMPORAL_SERVER_BIN"
"$TEMPORAL_SQL_TOOL_BIN" --version >/dev/null || die "temporal-sql-tool was built but does not run: $TEMPORAL_SQL_TOOL_BIN"
echo "$TEMPORAL_SERVER_VERSION" > "$TEMPORAL_SERVER_BIN.version"
echo "$TEMPORAL_SERVER_VERSION" > "$TEMPORAL_SQL_TOOL_BIN.version"
# The schemas ship in the module; make sure it is in the module cache (go install downloaded it).
[ -d "$(temporal_schema_dir)" ] || die "the Temporal server module's schemas are missing from the Go module cache: $(temporal_schema_dir)"
say "Temporal server ready: $("$TEMPORAL_SERVER_BIN" --version)"
