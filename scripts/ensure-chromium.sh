#!/usr/bin/env bash
# Headless Chromium for the console's browser tests (tests only): Debian's chromium, driven by playwright-core, and
# CJK fonts so screenshots are legible. Idempotent: installs only what is missing (needs root and apt-get).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
# Without fontconfig yet (a fresh machine), the fonts are surely missing too.
if ! command -v fc-list >/dev/null 2>&1 || ! fc-list :lang=zh 2>/dev/null | grep -q .; then missing+=(fonts-noto-cjk); fi
[ ${#missing[@]} -eq 0 ] && exit 0
command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]}: install Debian's chromium (and fonts-noto-cjk) to run the browser tests"
[ "$(id -u)" = 0 ] || die "missing ${missing[*]}: run 'apt-get install -y ${missing[*]}' as root"
say "installing ${missing[*]} for the browser tests…"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
