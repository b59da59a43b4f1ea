# Shared settings for the install/start/test scripts: where tools live and which versions are pinned.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
TEMPORAL_CLI_VERSION="1.5.1"
TEMPORAL_BIN="$TOOLS/bin/temporal"
TEST_SERVER_VERSION="$(sed -n 's:.*<temporal.test.server.version>\(.*\)</temporal.test.server.version>.*:\1:p' "$ROOT/scripts/test-server/pom.xml")"
TEST_SERVER_LIB="$TOOLS/test-server/lib"
TEST_SERVER_BIN="$TOOLS/bin/temporal-test-server"

say() { printf '[handover] %s\n' "$*" >&2; }
die() { printf '[handover] %s\n' "$*" >&2; exit 1; }
