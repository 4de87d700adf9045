#!/bin/sh
# Threaded replications under ThreadSanitizer (make tsan): the runner's
# unit tests (and the summary's, when built: an interrupted compare on
# eight threads), then runs, a compare and an interrupted run of the CLI
# on several threads.  TSAN_OPTIONS (set by the Makefile) makes a report exit
# 66.  Usage: tests/tsan.sh BUILD   (from the repository root)
set -u
B=$1
fail=0
check() {   # check EXPECTED-EXIT DESCRIPTION COMMAND...
    want=$1; what=$2; shift 2
    "$@" >/dev/null 2>"$B/tsan.err"
    rc=$?
    if [ $rc -ne "$want" ]; then
        echo "FAIL: $what: exit $rc, expected $want" >&2
        head -30 "$B/tsan.err" >&2
        fail=1
    else
        echo "tsan: $what: ok"
    fi
}
check 0 "test_runner" "$B/tests/test_runner"
if [ -x "$B/tests/test_summary" ]; then
    check 0 "test_summary" "$B/tests/test_summary"
fi
check 0 "run -j 4" "$B/chainsim" run scenarios/bi-chain.yaml -n 12 -j 4 -q
check 0 "compare -j 3" "$B/chainsim" compare scenarios/kanban-wip.yaml -n 6 -j 3 -q
check 0 "warm-up auto -j 2" "$B/chainsim" run scenarios/bi-chain.yaml -n 4 -j 2 -q --warmup auto
check 3 "deadlock -j 2" "$B/chainsim" run tests/tsan-deadlock.yaml -n 4 -j 2 -q
check 0 "shard 1/2 -j 3" "$B/chainsim" compare scenarios/kanban-wip.yaml -n 6 -j 3 -q \
    --shard 1/2 -o "$B/tsan-1.part"
check 0 "shard 2/2 -j 3" "$B/chainsim" compare scenarios/kanban-wip.yaml -n 6 -j 3 -q \
    --shard 2/2 -o "$B/tsan-2.part"
check 0 "merge" "$B/chainsim" merge "$B/tsan-1.part" "$B/tsan-2.part" -q
# a signal while four workers run long replications (the engines look at
# the stop flag as they run)
"$B/chainsim" run scenarios/bi-chain.yaml --horizon 300000d -n 8 -j 4 -q \
    >/dev/null 2>"$B/tsan.err" &
pid=$!
sleep 2
kill -INT $pid
wait $pid
rc=$?
if [ $rc -ne 130 ]; then
    echo "FAIL: interrupted run -j 4: exit $rc, expected 130" >&2
    head -30 "$B/tsan.err" >&2
    fail=1
else
    echo "tsan: interrupted run -j 4: ok"
fi
exit $fail
