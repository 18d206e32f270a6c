#!/bin/sh
# Makes sure Debian's PostgreSQL server is installed, for the tests that run the store on a
# real PostgreSQL (tools/src/postgres.rs starts a throwaway cluster of its own; no service,
# no container). Installs `postgresql` with apt-get when no server binaries are found (as
# root, or through sudo without a password). Prints the folder of initdb, pg_ctl and postgres.
set -eu
find_bin() {
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
            echo "$d"
            return 0
        fi
    done
    return 1
}
if ! find_bin >/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
    export DEBIAN_FRONTEND=noninteractive
    # A lock file makes concurrent test runs wait for one installation.
    LOCK=/tmp/lapor-bridge-ensure-postgres.lock
    (
        flock 9
        if ! find_bin >/dev/null; then
            $SUDO apt-get update -q >&2
            $SUDO apt-get install -y -q --no-install-recommends postgresql >&2
        fi
    ) 9>"$LOCK"
fi
find_bin || { echo "PostgreSQL's server binaries are still missing under /usr/lib/postgresql" >&2; exit 1; }
