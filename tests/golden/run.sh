#!/bin/sh
# tests/golden/run.sh - golden outputs of every example scenario.
#
# Usage: sh tests/golden/run.sh BIN            compare (make golden, make cli)
#        sh tests/golden/run.sh --update BIN   regenerate (make golden-update)
#
# For each scenarios/*.yaml and scenarios/bench/*.yaml: `check`, then `run`
# and `compare` in table, csv and json, with a fixed seed, 2 replications
# and one thread (SCENARIO_OPTS below adds a short horizon for the bench
# model).  stdout goes through a pipe, so the table is the plain one (no
# colours).  Each output is kept in tests/golden/NAME.CMD[.FMT], NAME being
# the scenario's path under scenarios/ with "/" as "-" and no ".yaml", and
# compared byte for byte; every command must also exit 0 with nothing on
# stderr.  After a deliberate change of the output, run `make
# golden-update` and review the diff of tests/golden/ before committing it.
# Runs from the repository root (the outputs name scenarios/...).
set -u
update=0
if [ "${1:-}" = "--update" ]; then update=1; shift; fi
if [ $# -ne 1 ]; then
    echo "usage: tests/golden/run.sh [--update] BIN" >&2
    exit 2
fi
BIN=$1
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
cd "$(dirname "$0")/../.." || exit 2
G=tests/golden
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
COMMON="-n 2 -s 7 -j 1 -q"
pass=0
fail=0

# Extra options per scenario (the bench model's horizon is a million days).
scenario_opts() {
    case $1 in
        scenarios/bench/*) echo "--horizon 2000d" ;;
        *) echo "" ;;
    esac
}

# golden FILE ARGS...: runs chainsim ARGS and compares (or stores) stdout.
golden() {
    file=$G/$1; shift
    "$BIN" "$@" >"$T/out" 2>"$T/err"
    rc=$?
    if [ "$rc" -ne 0 ] || [ -s "$T/err" ]; then
        echo "FAIL: chainsim $*: exit $rc" >&2
        sed 's/^/    /' "$T/err" >&2
        fail=$((fail + 1)); return
    fi
    if [ "$update" -eq 1 ]; then
        cp "$T/out" "$file"
    elif [ ! -f "$file" ]; then
        echo "FAIL: $file missing (make golden-update)" >&2
        fail=$((fail + 1)); return
    elif ! cmp -s "$T/out" "$file"; then
        echo "FAIL: chainsim $* differs from $file:" >&2
        diff "$file" "$T/out" | head -20 >&2
        fail=$((fail + 1)); return
    fi
    pass=$((pass + 1))
}

for f in scenarios/*.yaml scenarios/bench/*.yaml; do
    [ -f "$f" ] || continue
    name=$(echo "${f#scenarios/}" | sed 's|/|-|g; s|\.yaml$||')
    extra=$(scenario_opts "$f")
    golden "$name.check" check "$f"
    for cmd in run compare; do
        for fmt in table csv json; do
            # shellcheck disable=SC2086 # COMMON and extra are word lists
            golden "$name.$cmd.$fmt" "$cmd" "$f" $COMMON $extra -f "$fmt"
        done
    done
done

if [ "$update" -eq 1 ]; then
    echo "golden: $pass outputs written to $G/"
else
    echo "golden: $pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
