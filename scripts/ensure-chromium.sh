#!/bin/sh
# Makes sure Debian's `chromium` is installed, for the dashboard test
# (tests/it/dashboard_chromium.rs) and for retaking docs/dashboard-id.png. Installs it with
# apt-get when /usr/bin/chromium is missing (as root, or through sudo without a password).
# Prints the browser's path.
set -eu
BIN=/usr/bin/chromium
if [ ! -x "$BIN" ]; then
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
    export DEBIAN_FRONTEND=noninteractive
    # A lock file makes concurrent test runs wait for one installation.
    LOCK=/tmp/lapor-bridge-ensure-chromium.lock
    (
        flock 9
        if [ ! -x "$BIN" ]; then
            $SUDO apt-get update -q >&2
            $SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core >&2
        fi
    ) 9>"$LOCK"
fi
[ -x "$BIN" ] || { echo "chromium is still missing at $BIN" >&2; exit 1; }
echo "$BIN"
