#!/bin/sh
# Replays saved inputs through each fuzz target, without libFuzzer: the
# regressions (inputs that once failed), the seeds (tests/fuzz/seeds/dist/
# for dist, tests/fuzz/seeds/tracker/ for tracker, tests/fuzz/seeds/part/
# for part, tests/fuzz/seeds/scenario/
# for the other targets), the example
# scenarios and the broken scenarios of tests/bad/.
# Usage: tests/fuzz/replay.sh BUILD/tests   (from the repository root)
set -u
dir=$1
fail=0
run() {
    t=$1
    shift
    "$dir/replay_$t" "$@" || { echo "FAILED: replay_$t" >&2; fail=1; }
}
seeds=tests/fuzz/seeds/scenario
run doc tests/fuzz/regressions/doc scenarios scenarios/bench tests/bad $seeds
run scenario tests/fuzz/regressions/scenario scenarios scenarios/bench tests/bad $seeds
run dist tests/fuzz/regressions/dist tests/fuzz/seeds/dist
run engine tests/fuzz/regressions/engine scenarios scenarios/bench $seeds
run tracker tests/fuzz/regressions/tracker tests/fuzz/seeds/tracker scenarios/data
run part tests/fuzz/regressions/part tests/fuzz/seeds/part
exit $fail
