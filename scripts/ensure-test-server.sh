#!/usr/bin/env bash
# Fetches the Java time-skipping test server from Maven Central into .tools/test-server, once,
# and writes the launcher the SDK starts through its `existing-path` option.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
jar="$TEST_SERVER_LIB/temporal-test-server-$TEST_SERVER_VERSION.jar"
if [ -f "$jar" ] && [ -x "$TEST_SERVER_BIN" ] && grep -q "$TEST_SERVER_VERSION" "$TEST_SERVER_BIN"; then
  exit 0
fi
command -v java >/dev/null 2>&1 || die "Java is not installed: install a Java runtime 11 or newer (e.g. apt-get install openjdk-17-jre-headless) for the time-skipping test server, and run again."
command -v mvn >/dev/null 2>&1 || die "Maven is not installed: install Maven (e.g. apt-get install maven) to fetch the time-skipping test server, and run again."
say "fetching the Temporal test server $TEST_SERVER_VERSION from Maven Central (once)…"
rm -rf "$TEST_SERVER_LIB"
mkdir -p "$TEST_SERVER_LIB" "$TOOLS/bin"
(cd "$ROOT/scripts/test-server" && mvn -q -B -Dstyle.color=never dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$TEST_SERVER_LIB")
[ -f "$jar" ] || die "Maven finished but $jar is missing."
cat > "$TEST_SERVER_BIN" <<LAUNCHER
#!/usr/bin/env bash
# Temporal time-skipping test server $TEST_SERVER_VERSION; the SDK calls it as: <port> --enable-time-skipping
exec java -Xss512k -XX:+UseSerialGC -cp "$TEST_SERVER_LIB/*" io.temporal.testserver.TestServer "\$@"
LAUNCHER
chmod +x "$TEST_SERVER_BIN"
say "test server ready: $TEST_SERVER_BIN"
