# tests/cli/lib.sh - what the command-line test scripts share; sourced as
#   . tests/cli/lib.sh      with the script's arguments BIN JQ
# Sets BIN and JQ (absolute paths), T (a temporary directory removed at
# exit), the counters pass and fail, and the helpers below.
set -u
BIN=$1
JQ=$2
# absolute paths: some checks run from another directory
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
case $JQ in /*) ;; *) JQ=$(pwd)/$JQ ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
# A sanitized build (ASan) runs several times slower and keeps freed
# memory in quarantine: time limits are multiplied by SLOW, and peak-memory
# checks are skipped (SANITIZED=1).
# shellcheck disable=SC2034 # used by the scripts that source this file
if grep -q __asan_init "$BIN" 2>/dev/null; then
    SANITIZED=1; SLOW=4
else
    SANITIZED=0; SLOW=1
fi
# At a low priority (make check runs the sanitizer pass beside the plain
# tests under nice) the machine's other work comes first: limits x 4.
if [ "$(nice 2>/dev/null || echo 0)" -gt 0 ]; then SLOW=$((SLOW * 4)); fi

# CS_QUICK=1 (make sanitize): runs that only repeat what a build without
# the sanitizers checks (long progress runs) are shortened (QUICK=1).
# shellcheck disable=SC2034 # used by the scripts that source this file
if [ -n "${CS_QUICK:-}" ]; then QUICK=1; else QUICK=0; fi

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# Runs chainsim with a time limit when timeout(1) exists: a hang fails.
run() {
    if command -v timeout >/dev/null 2>&1; then
        timeout -k 5 120 "$BIN" "$@"
    else
        "$BIN" "$@"
    fi
}

# expect_fail CODE SUBSTRING ARGS...: exit CODE, nothing on stdout,
# SUBSTRING on stderr.
expect_fail() {
    code=$1; sub=$2; shift 2
    run "$@" >"$T/out" 2>"$T/err"
    rc=$?
    if [ "$rc" -ne "$code" ]; then
        bad "chainsim $(echo "$*" | cut -c1-100): exit $rc, expected $code"
        sed 's/^/    /' "$T/err" | cut -c1-300 >&2; return 1
    fi
    if [ -s "$T/out" ]; then bad "chainsim $*: wrote to stdout on error"; return 1; fi
    if ! grep -qF -- "$sub" "$T/err"; then
        bad "chainsim $(echo "$*" | cut -c1-100): stderr lacks '$sub'"
        sed 's/^/    /' "$T/err" | cut -c1-300 >&2; return 1
    fi
    ok
}

# expect_ok ARGS...: exit 0, stdout non-empty (saved in $T/out).
expect_ok() {
    run "$@" >"$T/out" 2>"$T/err"
    rc=$?
    if [ "$rc" -ne 0 ]; then
        bad "chainsim $*: exit $rc"; sed 's/^/    /' "$T/err" >&2; return 1
    fi
    if [ ! -s "$T/out" ]; then bad "chainsim $*: no output"; return 1; fi
    ok
}

# has_tmp: 0 when a temporary file (*tmp-*) is left in $T.
has_tmp() {
    for f in "$T"/*tmp-*; do
        [ -e "$f" ] && return 0
    done
    return 1
}

# finish NAME: the closing line, and the exit status.
finish() {
    echo "$1: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
