#!/bin/sh
# shellcheck disable=SC2015 # "check && ok || bad": ok cannot fail
# The MPI build under mpirun: -np 1, 2 and 4 (oversubscribed: this machine
# has few cores) print byte for byte what one process of the plain build
# prints, for run, compare and a --vary sweep, with any number of threads
# per rank; a rank whose replication fails fails the run, naming the rank
# and the cause; an error every rank makes is said once.
# Usage: tests/cli/mpi.sh BUILD-MPI/chainsim BUILD/chainsim   (from the repo root)
set -u
MPIBIN=$1
SERIAL=$2
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
if ! command -v mpirun >/dev/null 2>&1 || [ ! -x "$MPIBIN" ]; then
    echo "mpi: SKIPPED: no mpirun or no $MPIBIN (make MPI=1)"
    exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# Open MPI refuses root unless told
if [ "$(id -u)" = 0 ]; then
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    export OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM
fi
MPIRUN="mpirun --oversubscribe"
MPIRUN_INT=$MPIRUN   # for the interrupt below
if command -v timeout >/dev/null 2>&1; then
    MPIRUN="timeout -k 5 120 $MPIRUN"
    MPIRUN_INT="timeout --foreground -k 20 120 $MPIRUN_INT"
fi

# same NAME ARGS...: -np 1, 2, 4 (threads 1, 2, 1) against one process.
same() {
    name=$1
    shift
    "$SERIAL" "$@" -q >"$T/serial" 2>"$T/err" || { bad "$name: the single run failed"; return; }
    for np in 1 2 4; do
        j=$((np % 3))
        $MPIRUN -np "$np" "$MPIBIN" "$@" -q -j "$j" >"$T/mpi" 2>"$T/err"
        rc=$?
        [ "$rc" -eq 0 ] || { bad "$name -np $np: exit $rc: $(head -3 "$T/err")"; continue; }
        cmp -s "$T/serial" "$T/mpi" && ok || bad "$name -np $np -j $j: output differs from one process"
    done
}

same run run scenarios/bi-chain.yaml -n 6
same run-csv run scenarios/reorg-jcurve.yaml -n 5 -f csv
same compare compare scenarios/bi-chain.yaml -n 4 -f json
same vary compare scenarios/kanban-wip.yaml -n 3 --vary teams.development.capacity=1,2,3
same perrep compare scenarios/kanban-wip.yaml -n 3 -f csv --per-replication

# -o and --report are written by rank 0
$MPIRUN -np 2 "$MPIBIN" compare scenarios/kanban-wip.yaml -n 3 -q -o "$T/o.txt" \
    --report "$T/r.html" >"$T/out" 2>"$T/err"
"$SERIAL" compare scenarios/kanban-wip.yaml -n 3 -q >"$T/serial"
cmp -s "$T/o.txt" "$T/serial" && [ -s "$T/r.html" ] && [ ! -s "$T/out" ] && ok ||
    bad "-np 2 -o --report: $(head -3 "$T/err")"

# a rank that fails fails the run: replication 12 of 16 deadlocks here,
# in rank 1's share
$MPIRUN -np 2 "$MPIBIN" run scenarios/rework-chain.yaml --set deadlock=stop -n 16 \
    --horizon 200d --warmup 0d -q >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" -ne 0 ] && ok || bad "a failing rank: exit 0"
grep -q "error: rank 1: baseline: replication 12: deadlock" "$T/err" && ok ||
    bad "a failing rank: no message naming the rank and the cause: $(head -3 "$T/err")"
[ ! -s "$T/out" ] && ok || bad "a failing rank: results written"

# an error of every rank (a usage error, a missing file) is said once
$MPIRUN -np 3 "$MPIBIN" run scenarios/bi-chain.yaml --variant nope >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" -ne 0 ] && [ "$(grep -c "no variant named 'nope'" "$T/err")" -eq 1 ] && ok ||
    bad "an error of every rank: exit $rc, said $(grep -c "no variant" "$T/err") times"

# SIGINT to mpirun (which sends SIGTERM to the ranks): rank 0 writes the
# partial result of what the ranks completed.  A job started with & by a
# shell without job control ignores SIGINT, and so does all of the tree
# when make itself runs in the background: mpirun gets SIGINT's default
# back first (a shell cannot undo an ignore it inherited).
set --
command -v python3 >/dev/null 2>&1 &&
    set -- python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])'
# On SIGINT Open MPI's mpirun sends the ranks SIGCONT, SIGTERM and SIGKILL,
# odls_base_sigkill_timeout seconds apart (one by default): three give a
# loaded machine time to gather and write (and timeout(1) waits longer).
# A second SIGINT makes mpirun kill the ranks at once: timeout(1) passes
# the signal on to its process group as well unless --foreground.
# shellcheck disable=SC2086 # MPIRUN_INT's words
OMPI_MCA_odls_base_sigkill_timeout=3 "$@" $MPIRUN_INT -np 2 "$MPIBIN" run scenarios/bi-chain.yaml -n 100000 -j 1 -f csv \
    >"$T/int.csv" 2>"$T/err" &
pid=$!
# interrupt once both ranks are simulating (each has used a second of CPU),
# not while mpirun still starts them: a loaded machine starts them slowly
i=0
while [ "$i" -lt 60 ]; do
    busy=0
    for r in $(pgrep -f "$MPIBIN run scenarios/bi-chain.yaml -n 100000" 2>/dev/null); do
        [ "$r" = "$pid" ] && continue
        s=$(ps -o times= -p "$r" 2>/dev/null | tr -d ' ')
        [ "${s:-0}" -ge 1 ] 2>/dev/null && busy=$((busy + 1))
    done
    [ "$busy" -ge 2 ] && break
    sleep 0.5
    i=$((i + 1))
done
sleep 1
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -ne 0 ] && ok || bad "SIGINT under mpirun: exit 0"
grep -q "the results are partial" "$T/err" && ok ||
    bad "SIGINT under mpirun: no partial result: $(head -3 "$T/err")"
n=$(sed -n 2p "$T/int.csv" | cut -d, -f8)
partial=$(sed -n 2p "$T/int.csv" | cut -d, -f9)
[ "${n:-0}" -gt 0 ] && [ "$n" -lt 100000 ] && [ "$partial" = 1 ] && ok ||
    bad "SIGINT under mpirun: $n replications, partial '$partial'"

# what every rank would write alike is refused under -np 2: merge, check,
# trace, --shard
for args in "merge x.part" "check scenarios/bi-chain.yaml" \
            "run scenarios/bi-chain.yaml --shard 1/2"; do
    # shellcheck disable=SC2086 # the words of args
    $MPIRUN -np 2 "$MPIBIN" $args >"$T/out" 2>"$T/err"
    rc=$?
    [ "$rc" -ne 0 ] && [ "$(grep -c "only run and compare" "$T/err")" -eq 1 ] && ok ||
        bad "-np 2 $args: exit $rc: $(head -2 "$T/err")"
done

echo "mpi: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
