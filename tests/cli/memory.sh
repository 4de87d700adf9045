#!/bin/sh
# shellcheck disable=SC2015 # "check && ok || bad": ok cannot fail
# Memory tests of chainsim (docs/reliability.md): the --max-memory bound
# on a chain that runs away, with one and two threads, and a --vary
# sweep whose memory does not grow with the models of its points.  Peak
# memory is read with GNU time (/usr/bin/time, Debian package "time").
# Usage: tests/cli/memory.sh BUILD/chainsim BUILD/tests/jsonq   (from the repo root)
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

if [ ! -x /usr/bin/time ]; then
    echo "memory: /usr/bin/time missing (Debian package 'time')" >&2
    exit 1
fi

# peak_kb ARGS...: runs chainsim, leaves its exit code in $rc and its
# peak resident memory (KB) in $kb; stdout in $T/out, stderr in $T/err.
peak_kb() {
    /usr/bin/time -f "%M" -o "$T/rss" "$BIN" "$@" >"$T/out" 2>"$T/err"
    rc=$?
    kb=$(tail -1 "$T/rss")
}

# --- the option ---------------------------------------------------------
S=scenarios/bi-chain.yaml
expect_fail 2 "--max-memory: '5k' is not a size" run $S --max-memory 5k
expect_fail 2 "is not a size" run $S --max-memory 2X
expect_fail 2 "is not a size" run $S --max-memory -4G
expect_fail 2 "is not a size" run $S --max-memory 2000T
expect_fail 2 "is not a size" run $S --max-memory ""
expect_ok run $S -n 4 -q --max-memory 512MiB
expect_ok run $S -n 4 -q --max-memory 1G
# the statistics alone must fit
expect_fail 3 "the statistics of 50000 replications" \
    run $S -n 50000 -q --max-memory 16M

# --- a chain that runs away: ten-way fork, arrivals 100 times too fast --
{
    cat <<'EOF'
chainsim: 1
name: runaway fork
horizon: 20000d
replications: 4
teams:
  - {name: slow, capacity: 1}
  - {name: fast, capacity: 1}
work:
  - name: item
    arrivals: {rate: 100/d}
    steps:
      - parallel:
          - {team: slow, effort: exponential(mean=1d)}
EOF
    for _ in 1 2 3 4 5 6 7 8 9; do
        echo "          - {team: fast, effort: exponential(mean=0.001d)}"
    done
    echo "promise:"
    echo "  - {name: p, within: 5d, percentile: 85}"
} >"$T/runaway.yaml"

for j in 1 2; do
    peak_kb run "$T/runaway.yaml" -q -j $j --max-memory 64M
    [ "$rc" -eq 3 ] && ok || bad "runaway -j $j: exit $rc, expected 3"
    grep -q "of memory at day [0-9.]* .*team slow is the busiest" "$T/err" \
        && ok || bad "runaway -j $j: $(cat "$T/err")"
    [ ! -s "$T/out" ] && ok || bad "runaway -j $j: wrote to stdout"
    # 64 MB for the run, plus the program itself (under 16 MB)
    [ "$SANITIZED" = 1 ] || { [ "$kb" -lt $((80 * 1024)) ] && ok \
        || bad "runaway -j $j --max-memory 64M: peak $kb KB"; }
done

# --- a sweep holds its results, not its models ---------------------------
# 4 steps with 5,000 empirical efforts each: a model of about 160 KB whose
# results take a few hundred bytes.
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "%.4f\n", 0.1 + (i % 97) / 50 }' \
    >"$T/efforts.txt"
{
    cat <<'EOF'
chainsim: 1
name: heavy model, light results
horizon: 2d
replications: 1
teams:
  - {name: build, capacity: 2}
  - {name: check, capacity: 2}
work:
  - name: item
    arrivals: {rate: 1/d}
    steps:
EOF
    for s in a b c d; do
        echo "      - {id: $s, team: build, effort: empirical(file=efforts.txt)}"
    done
    echo "promise:"
    echo "  - {name: p, within: 5d, percentile: 85}"
} >"$T/heavy.yaml"
values() { awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "%s%d", i ? "," : "", 2 + i % 3 }'; }
peak_kb run "$T/heavy.yaml" -q -f csv --vary "teams.build.capacity=$(values 10)"
kb10=$kb
[ "$rc" -eq 0 ] && ok || bad "heavy sweep 10: exit $rc: $(cat "$T/err")"
peak_kb run "$T/heavy.yaml" -q -f csv --vary "teams.build.capacity=$(values 400)"
kb400=$kb
[ "$rc" -eq 0 ] && ok || bad "heavy sweep 400: exit $rc: $(cat "$T/err")"
[ "$(wc -l <"$T/out")" -eq 401 ] && ok || bad "heavy sweep 400: $(wc -l <"$T/out") lines"
# keeping the models would add 390 x 160 KB = 61 MB; allow a tenth of that
[ "$SANITIZED" = 1 ] || { [ "$kb400" -lt $((kb10 + 6 * 1024)) ] && ok \
    || bad "sweep memory grows with the points: $kb10 KB at 10, $kb400 KB at 400"; }

# --- a run too large is refused before any model is built ----------------
# 101 variants x 1,000 points: 101,000 simulations
{
    sed -n '/^variants:/q;p' scenarios/kanban-wip.yaml
    echo "variants:"
    i=0
    while [ $i -lt 100 ]; do
        echo "  - {name: v$i, patch: {teams: {test: {capacity: $((2 + i % 3))}}}}"
        i=$((i + 1))
    done
} >"$T/many.yaml"
thousand=$(awk 'BEGIN { for (i = 0; i < 1000; i++) printf "%s%d", i ? "," : "", 1 + i % 5 }')
start=$(date +%s)
expect_fail 2 "more than 100000 simulations" \
    compare "$T/many.yaml" --vary "teams.analysis.capacity=$thousand"
[ $(($(date +%s) - start)) -le $((2 * SLOW)) ] && ok || bad "a run too large took $(($(date +%s) - start)) s to refuse"

finish memory
