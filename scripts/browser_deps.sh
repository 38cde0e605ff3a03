#!/usr/bin/env sh
# What the browser tests (tests/e2e) need from the system: Debian's Chromium and npm (for axe-core).
# Installs them with apt-get when run as root on Debian/Ubuntu; otherwise stops with one line that
# says what to install. `make test-fast` (or SKIP_BROWSER_TESTS=1) runs the suite without them.
set -eu
CHROMIUM="${CONGVU_CHROMIUM:-/usr/bin/chromium}"

missing=""
[ -x "$CHROMIUM" ] || missing="$missing chromium fonts-dejavu-core"
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing for the browser tests:$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  [ -x "$CHROMIUM" ] || { echo "ERROR: apt-get installed chromium but $CHROMIUM is still missing" >&2; exit 1; }
  exit 0
fi
echo "ERROR: the browser tests need:$missing (Debian: sudo apt-get install -y$missing; or set CONGVU_CHROMIUM to a Chromium binary). To run every other test without them: make test-fast" >&2
exit 1
