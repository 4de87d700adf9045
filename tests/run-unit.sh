#!/bin/sh
# Runs each unit test binary; fails when any fails.  Usage: run-unit.sh DIR NAME...
dir=$1; shift
fail=0
for t in "$@"; do
    echo "== test_$t"
    if ! "$dir/test_$t"; then
        echo "FAILED: test_$t" >&2
        fail=1
    fi
done
exit $fail
