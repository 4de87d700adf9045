#!/bin/sh
# Runs the unit test binaries DIR/test_NAME, UNIT_JOBS at a time (default
# 2), and prints each one's output in one piece, in the order given, once
# all have finished; fails when any fails.
# Usage: run-unit.sh DIR NAME...
set -u
dir=$1; shift
jobs=${UNIT_JOBS:-2}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export dir T
# shellcheck disable=SC2016 # the inner script expands its own variables
printf '%s\n' "$@" | xargs -P "$jobs" -n 1 sh -c '
    if "$dir/test_$1" >"$T/$1.out" 2>&1; then
        echo ok >"$T/$1.rc"
    else
        echo failed >"$T/$1.rc"
    fi' sh
fail=0
for t in "$@"; do
    echo "== test_$t"
    cat "$T/$t.out" 2>/dev/null
    if [ "$(cat "$T/$t.rc" 2>/dev/null)" != ok ]; then
        echo "FAILED: test_$t" >&2
        fail=1
    fi
done
exit $fail
