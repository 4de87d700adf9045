#!/bin/sh
# shellcheck disable=SC2015 # "check && ok || bad": ok cannot fail
# tests/cli/sequential.sh - --precision and compare --select from the
# command line: bad values and combinations (exit 2), the fields of the
# table, CSV and JSON, and results identical to a fixed run of the count
# reached.
# Usage: sh tests/cli/sequential.sh CHAINSIM JSONQ
. tests/cli/lib.sh

cat >"$T/s.yaml" <<'YAML'
chainsim: 1
name: sequential
horizon: 300d
warmup: 30d
seed: 4
teams:
  - {name: a, capacity: 1}
  - {name: b, capacity: 2, wip_limit: 4}
work:
  - name: x
    arrivals: {rate: 0.6/d}
    steps:
      - {team: a, effort: 'exponential(1d)'}
      - {team: b, effort: 'gamma(mean=2d, cv=0.5)'}
promise:
  - {name: output, throughput: 50/100d}
  - {name: eight-days, within: 8d, percentile: 80}
variants:
  - name: more-a
    patch: {teams: [{name: a, capacity: 2}]}
  - name: same
    patch: {}
YAML
S=$T/s.yaml

# ---- bad values and combinations: exit 2, a clear message
expect_fail 2 "--precision: 'abc' is not a positive half-width" run "$S" --precision abc
expect_fail 2 "is not a positive half-width" run "$S" --precision 0
expect_fail 2 "is not a positive half-width" run "$S" --precision -1
expect_fail 2 "is not a positive half-width" run "$S" --precision 100%
expect_fail 2 "is not a positive half-width" run "$S" --precision 1e-2
expect_fail 2 "is not a positive half-width" run "$S" --precision '2 %'
expect_fail 2 "is not a positive half-width" run "$S" --precision nan
expect_fail 2 "option '--precision' needs a value" run "$S" --precision
expect_fail 2 "--max-replications: '0' is not a whole number" run "$S" --precision 1% --max-replications 0
expect_fail 2 "--max-replications caps --precision and --select" run "$S" --max-replications 50
expect_fail 2 "--select is for compare; run simulates one variant" run "$S" --select
expect_fail 2 "--indifference is for --select" compare "$S" --indifference 2
expect_fail 2 "--indifference: 'x' is not a positive number" compare "$S" --select --indifference x
expect_fail 2 "--indifference: '0' is not a positive number" compare "$S" --select --indifference 0
expect_fail 2 "--precision and --select both decide" compare "$S" --select --precision 1%
expect_fail 2 "leave out --vary" compare "$S" --select --vary teams.a.capacity=1,2
expect_fail 2 "-n with --precision is the first stage: at least 10" run "$S" --precision 1% -n 5
expect_fail 2 "-n 50 is above --max-replications 20" run "$S" --precision 1% -n 50 --max-replications 20
expect_fail 2 "--max-replications 5 is below the first stage" compare "$S" --select --max-replications 5
expect_fail 2 "--precision is for run and compare" check "$S" --precision 1%
sed '/^variants:/,$d' "$S" >"$T/novar.yaml"
expect_fail 2 "--select: compare needs at least one variant" compare "$T/novar.yaml" --select
sed 's/within: 8d/within: 9d/; s/patch: {}/patch: {promise: [{name: eight-days, within: 3d, percentile: 80}]}/' "$S" >"$T/changed.yaml"
expect_fail 2 "does not have the baseline's promise 'eight-days'" compare "$T/changed.yaml" --select
grep -v 'eight-days' "$S" >"$T/lt.yaml"
expect_fail 2 "--indifference DAYS says what difference matters" compare "$T/lt.yaml" --select

# ---- --precision: the count reached, met, and a fixed run of that count
run run "$S" --precision 0.02 -q -f json -o "$T/p.json" && [ -s "$T/p.json" ] && ok || bad "no p.json"
n=$("$JQ" "$T/p.json" variants.0.replications)
[ "$("$JQ" "$T/p.json" precision.met)" = true ] && ok || bad "precision not met"
[ "$("$JQ" "$T/p.json" precision.replications)" = "$n" ] && ok || bad "precision.replications != $n"
[ "$("$JQ" "$T/p.json" precision.promise)" = eight-days ] && ok || bad "precision: not the lead-time promise"
[ "$("$JQ" "$T/p.json" precision.measure)" = promise ] && ok || bad "precision.measure"
[ "$("$JQ" "$T/p.json" variants.0.precision.met)" = true ] && ok || bad "variant precision.met"
awk -v h="$("$JQ" "$T/p.json" variants.0.precision.half_width)" 'BEGIN { exit !(h <= 0.02) }' && ok || bad "half-width above 0.02"
run run "$S" -n "$n" -q -f json -o "$T/f.json" || bad "fixed run"
for k in lead_time.mean lead_time.p85 promises.1.ci95.0 promises.1.ci95.1 throughput_per_day.mean warmup; do
    [ "$("$JQ" "$T/p.json" variants.0.$k)" = "$("$JQ" "$T/f.json" variants.0.$k)" ] && ok ||
        bad "--precision and -n $n differ in $k"
done
run run "$S" --precision 0.02 -q -f json -j 1 -o "$T/p1.json" && cmp -s "$T/p.json" "$T/p1.json" && ok ||
    bad "--precision differs on one thread"
# relative, in a compare: every variant and difference
run compare "$S" --precision 3% -q -f json -o "$T/pc.json" && [ -s "$T/pc.json" ] && ok || bad "no pc.json"
[ "$("$JQ" "$T/pc.json" precision.relative)" = true ] && ok || bad "precision.relative"
[ "$("$JQ" "$T/pc.json" variants.1.replications)" = "$("$JQ" "$T/pc.json" variants.0.replications)" ] && ok ||
    bad "compare --precision: variants ran different counts"
"$JQ" "$T/pc.json" variants.1.precision.difference_half_width >/dev/null && ok || bad "no difference_half_width"
# the cap: not met, said so
expect_ok run "$S" --precision 0.0001 --max-replications 12 -q
grep -q "precision: 95% half-width of promise 'eight-days' (share met) at most 0.0001: NOT met after 12 replications" "$T/out" && ok ||
    { bad "table: the cap not stated"; sed 's/^/    /' "$T/out" | head -4 >&2; }
expect_ok run "$S" --precision 0.02 -q -f csv
head -1 "$T/out" | grep -q ',precision_half_width,precision_target,precision_difference_half_width,precision_met$' && ok ||
    bad "csv: no precision columns"
# the mean lead time when no lead-time promise
expect_ok run "$T/lt.yaml" --precision 0.2 -q -f json
[ "$("$JQ" "$T/out" precision.measure)" = lead_time_mean ] && ok || bad "precision.measure lead_time_mean"
# a sweep: each point its own count
expect_ok run "$S" --precision 0.03 --vary teams.b.capacity=2,3 -q -f json
[ "$("$JQ" "$T/out" variants.1.precision.met)" = true ] && ok || bad "sweep point 2 not met"

# ---- --select
run compare "$S" --select -q -f json -o "$T/k.json" && [ -s "$T/k.json" ] && ok || bad "no k.json"
[ "$("$JQ" "$T/k.json" selection.selected)" = more-a ] && ok || bad "selection.selected"
[ "$("$JQ" "$T/k.json" selection.complete)" = true ] && ok || bad "selection.complete"
[ "$("$JQ" "$T/k.json" selection.indifference)" = 0.01 ] && ok || bad "selection.indifference"
[ "$("$JQ" "$T/k.json" selection.eliminated)" = "#2" ] && ok || bad "selection.eliminated"
"$JQ" "$T/k.json" selection.statement | grep -q "probability at least 95%" && ok || bad "no PCS statement"
for i in 0 1 2; do
    at=$("$JQ" "$T/k.json" variants.$i.selection.eliminated_at)
    reps=$("$JQ" "$T/k.json" variants.$i.replications)
    [ "$at" = null ] || [ "$at" = "$reps" ] && ok || bad "variant $i eliminated at $at ran $reps"
done
run compare "$S" --select -q -f json -j 1 -o "$T/k1.json" && cmp -s "$T/k.json" "$T/k1.json" && ok ||
    bad "--select differs on one thread"
expect_ok compare "$S" --select --indifference 5 -n 20 -q
grep -q "indifference zone 5 points, first stage 20" "$T/out" && ok || bad "table: zone and first stage"
grep -q "selected: more-a" "$T/out" && ok || bad "table: selected"
grep -q "eliminated: .* at replication 20" "$T/out" && ok || bad "table: eliminated"
expect_ok compare "$T/lt.yaml" --select --indifference 0.5 -q -f csv
head -1 "$T/out" | grep -q ',selected,eliminated_at$' && ok || bad "csv: no selection columns"
# the cap with identical-looking variants far apart in nothing
expect_ok compare "$S" --select --indifference 0.001 --max-replications 15 -q -f json
[ "$("$JQ" "$T/out" selection.complete)" = false ] && ok || bad "the cap: complete"
"$JQ" "$T/out" selection.statement | grep -q "no probability of correct selection is claimed" && ok ||
    bad "the cap: statement"

# a realistic chain (classes, rework, WIP limits): the eliminated baseline
# is a fixed run of its stage count, the selection the same on one thread
R=scenarios/rework-chain.yaml
run compare "$R" --select -q -f json -o "$T/rw.json" && [ -s "$T/rw.json" ] && ok || bad "rework --select"
at=$("$JQ" "$T/rw.json" variants.0.selection.eliminated_at)
case $at in ''|null) bad "rework: baseline not eliminated" ;; *)
    run run "$R" -n "$at" -q -f json -o "$T/rw-fixed.json" || bad "rework fixed run"
    for k in lead_time.mean lead_time.p95 promises.0.ci95.0 teams.ingestion.utilization; do
        [ "$("$JQ" "$T/rw.json" variants.0.$k)" = "$("$JQ" "$T/rw-fixed.json" variants.0.$k)" ] && ok ||
            bad "rework: the eliminated baseline differs from -n $at in $k"
    done ;;
esac
run compare "$R" --select -q -f json -j 1 -o "$T/rw1.json" && cmp -s "$T/rw.json" "$T/rw1.json" && ok ||
    bad "rework --select differs on one thread"

# an interrupt: exit 130, partial, the eliminations so far, no selection
# (a tiny zone keeps KN going; a run done before the signal is skipped)
"$BIN" compare "$R" --select --indifference 0.01 -j 2 -f json -o "$T/kint.json" >"$T/out" 2>"$T/err" &
pid=$!
sleep $((SLOW * 2))
kill -INT $pid 2>/dev/null
wait $pid
rc=$?
if [ $rc -eq 130 ]; then
    ok
    [ "$("$JQ" "$T/kint.json" partial)" = true ] && ok || bad "--select interrupted: not partial"
    [ "$("$JQ" "$T/kint.json" selection.selected)" = null ] && ok || bad "--select interrupted: a selection"
    [ "$("$JQ" "$T/kint.json" selection.complete)" = false ] && ok || bad "--select interrupted: complete"
else
    [ $rc -eq 0 ] && echo "sequential: the interrupt came after the run; skipped" ||
        bad "--select interrupted: exit $rc"
fi

finish sequential
