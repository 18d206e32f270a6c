#!/usr/bin/env bash
# No source file over 600 lines (tests aside: *_tests.rs, tests/ folders, mocks/tests).
# Prints the offenders and exits 1 if there is any.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=600
bad=0
while IFS= read -r f; do
    n=$(wc -l <"$f")
    if [ "$n" -gt "$limit" ]; then
        echo "$f: $n lines (limit $limit)"
        bad=1
    fi
done < <(find src mocks/src tools/src -name '*.rs' ! -name '*_tests.rs' ! -path '*/tests/*' 2>/dev/null | sort)
[ "$bad" -eq 0 ] && echo "no source file over $limit lines"
exit "$bad"
