# Pinned versions and paths for the Temporal cluster on PostgreSQL (sourced after scripts/lib.sh).
TEMPORAL_SERVER_VERSION="1.29.1"
TEMPORAL_SERVER_BIN="$TOOLS/bin/temporal-server"
TEMPORAL_SQL_TOOL_BIN="$TOOLS/bin/temporal-sql-tool"
PG_MAJOR="${HANDOVER_PG_MAJOR:-15}"

# Debian keeps each PostgreSQL major's server tools in its own folder; prints it, or fails.
pg_bin_dir() {
  local d="/usr/lib/postgresql/$PG_MAJOR/bin"
  if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  return 1
}

# The SQL schemas inside the Go module cache (the module go install downloaded).
temporal_schema_dir() {
  echo "$(go env GOMODCACHE)/go.temporal.io/server@v$TEMPORAL_SERVER_VERSION/schema/postgresql/v12"
}
