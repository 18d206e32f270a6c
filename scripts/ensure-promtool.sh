#!/bin/sh
# Makes sure `promtool` is installed, for the test that runs `promtool check metrics` on the
# daemon's /metrics (tests/it/metrics_promtool.rs). Debian's `prometheus` package provides it;
# it is installed with apt-get when promtool is missing (as root, or through sudo without a
# password). The package's own service is not wanted: it is stopped and disabled when systemd
# runs. Prints promtool's path.
set -eu
BIN=/usr/bin/promtool
if [ ! -x "$BIN" ]; then
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
    export DEBIAN_FRONTEND=noninteractive
    # A lock file makes concurrent test runs wait for one installation.
    LOCK=/tmp/lapor-bridge-ensure-promtool.lock
    (
        flock 9
        if [ ! -x "$BIN" ]; then
            $SUDO apt-get update -q >&2
            $SUDO apt-get install -y -q --no-install-recommends prometheus >&2
            if [ -d /run/systemd/system ]; then
                $SUDO systemctl disable --now prometheus >&2 || true
            fi
        fi
    ) 9>"$LOCK"
fi
[ -x "$BIN" ] || { echo "promtool is still missing at $BIN" >&2; exit 1; }
echo "$BIN"
