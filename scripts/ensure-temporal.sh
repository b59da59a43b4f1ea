#!/usr/bin/env bash
# Builds the Temporal CLI (which embeds the dev server) from the Go module proxy into .tools/bin, once.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
# `go install` builds report "0.0.0-DEV", so the version built is kept in a stamp file beside the binary.
stamp="$TEMPORAL_BIN.version"
if [ -x "$TEMPORAL_BIN" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$TEMPORAL_CLI_VERSION" ] && "$TEMPORAL_BIN" --version >/dev/null 2>&1; then
  exit 0
fi
command -v go >/dev/null 2>&1 || die "Go is not installed: install Go 1.23 or newer (e.g. apt-get install golang-go, or from go.dev) so the Temporal dev server can be built, and run again."
say "building the Temporal CLI v$TEMPORAL_CLI_VERSION with Go (once; this takes a few minutes)…"
mkdir -p "$TOOLS/bin"
# Later CLI releases carry a `replace` directive and cannot be go-installed; v1.5.1 can.
GOBIN="$TOOLS/bin" GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install "github.com/temporalio/cli/cmd/temporal@v$TEMPORAL_CLI_VERSION"
"$TEMPORAL_BIN" --version >/dev/null || die "the Temporal CLI was built but does not run: $TEMPORAL_BIN"
echo "$TEMPORAL_CLI_VERSION" > "$stamp"
say "Temporal CLI ready: $("$TEMPORAL_BIN" --version)"
