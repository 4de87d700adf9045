#!/bin/sh
# shellcheck disable=SC2015 # "check && ok || bad": ok cannot fail
# Hardening tests of chainsim (docs/reliability.md): inputs beyond the
# bounds, hostile files, bad command lines, numerical edge cases, an
# unstable chain, interrupts.  Every failure must be a clear message and
# an exit code, never a crash, a hang, a memory blow-up or a half-written
# file.  (The broken scenarios of tests/bad/ are checked by run.sh.)
# Usage: tests/cli/hardening.sh BUILD/chainsim BUILD/tests/jsonq   (from the repo root)
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

# expect_located FILE SUBSTRING: "chainsim check FILE" exits 2 with
# "FILE:LINE:COLUMN: error: ...SUBSTRING".
expect_located() {
    f=$1; sub=$2
    expect_fail 2 "$sub" check "$f" || return
    grep -qE "^$f:[0-9]+:[0-9]+: error: " "$T/err" && ok \
        || bad "check $f: message not located: $(head -c 200 "$T/err")"
}

# no_nan FILE WHAT: no nan or inf in an output.
no_nan() {
    if grep -qiE 'nan|inf([^o]|$)' "$1"; then
        bad "$2: output contains nan or inf: $(grep -iE 'nan|inf([^o]|$)' "$1" | head -2)"
    else
        ok
    fi
}

S=scenarios/bi-chain.yaml

# A minimal scenario: one team, one class; $1 replaces the class's arrivals
# and $2 its effort; extra top-level lines come from $3, the horizon from
# $H (100d).
mini() {
    cat <<EOF
chainsim: 1
name: mini
horizon: ${H:-100d}
replications: 4
${3:-}
teams:
  - {name: a, capacity: 1}
  - {name: idle, capacity: 1}
work:
  - name: x
    $1
    steps:
      - {team: a, effort: "$2"}
promise:
  - {name: p, within: 10d, percentile: 50}
EOF
}

# ---- hostile files: each bounded, with a located or named message
printf 'chainsim: 1\nname: a\000b\n' >"$T/nul.yaml"
expect_located "$T/nul.yaml" "NUL byte"
printf 'chainsim: 1\nname: a\377\376b\n' >"$T/utf8.yaml"
expect_located "$T/utf8.yaml" "UTF-8"
{ printf 'chainsim: 1\nname: '; head -c 70000 /dev/zero | tr '\000' x; echo; } >"$T/scalar.yaml"
expect_located "$T/scalar.yaml" "longer than the limit"
{ echo 'chainsim: 1'; i=0; while [ $i -lt 5 ]; do
      head -c 1000000 /dev/zero | tr '\000' '#'; echo; i=$((i + 1)); done; } >"$T/big.yaml"
expect_fail 2 "larger than the limit" check "$T/big.yaml"
expect_fail 2 "is a directory" check "$T"
expect_fail 2 "larger than the limit" check /dev/zero
awk 'BEGIN { print "chainsim: 1"; print "name: keys";
             for (i = 0; i < 210000; i++) printf "k%d: 1\n", i }' >"$T/nodes.yaml"
expect_located "$T/nodes.yaml" "nodes"

# ---- counts: teams, classes, steps, promises, variants
awk 'BEGIN { print "chainsim: 1\nname: n\nteams:";
             for (i = 0; i < 501; i++) printf "  - {name: t%d}\n", i;
             print "work: [{name: w, backlog: 1, steps: [{team: t0, effort: 1d}]}]";
             print "promise: [{name: p, within: 1d, percentile: 50}]" }' >"$T/teams.yaml"
expect_located "$T/teams.yaml" "too many teams: at most 500"
awk 'BEGIN { print "chainsim: 1\nname: n\nteams: [{name: a}]\nwork:";
             for (i = 0; i < 501; i++)
                 printf "  - {name: c%d, backlog: 1, steps: [{team: a, effort: 1d}]}\n", i;
             print "promise: [{name: p, within: 1d, percentile: 50}]" }' >"$T/classes.yaml"
expect_located "$T/classes.yaml" "too many classes of work: at most 500"
awk 'BEGIN { print "chainsim: 1\nname: n\nteams: [{name: a}]\nwork:\n  - name: c\n    backlog: 1\n    steps:";
             for (i = 0; i < 201; i++) printf "      - {team: a, id: s%d, effort: 1d}\n", i;
             print "promise: [{name: p, within: 1d, percentile: 50}]" }' >"$T/steps.yaml"
expect_located "$T/steps.yaml" "too many steps: at most 200"
awk 'BEGIN { print "chainsim: 1\nname: n\nteams: [{name: a}]\nwork:\n  - name: c\n    backlog: 1\n    steps:\n      - parallel:";
             for (i = 0; i < 200; i++) printf "          - {team: a, id: s%d, effort: 1d}\n", i;
             print "promise: [{name: p, within: 1d, percentile: 50}]" }' >"$T/branches.yaml"
expect_located "$T/branches.yaml" "parallel branches included"
awk 'BEGIN { print "chainsim: 1\nname: n\nteams: [{name: a}]";
             print "work: [{name: w, backlog: 1, steps: [{team: a, effort: 1d}]}]\npromise:";
             for (i = 0; i < 501; i++) printf "  - {name: p%d, within: 1d, percentile: 50}\n", i }' >"$T/promises.yaml"
expect_located "$T/promises.yaml" "too many promises: at most 500"
{ cat $S; awk 'BEGIN { for (i = 0; i < 101; i++) printf "  - {name: v%d}\n", i }'; } >"$T/variants.yaml"
expect_located "$T/variants.yaml" "too many variants: at most 100"
awk 'BEGIN { print "chainsim: 1\nname: n\nteams: [{name: a}]\nwork:";
             for (c = 0; c < 60; c++) {
                 printf "  - name: c%d\n    backlog: 1\n    steps:\n", c;
                 for (i = 0; i < 200; i++) printf "      - {team: a, id: s%d, effort: 1d}\n", i }
             print "promise: [{name: p, within: 1d, percentile: 50}]\nvariants:";
             for (i = 0; i < 90; i++) printf "  - {name: v%d, patch: {teams: [{name: a, capacity: 2}]}}\n", i }' >"$T/heavy.yaml"
expect_located "$T/heavy.yaml" "too many variants for the size of the scenario"

# ---- empirical files: only regular files, bounded lines
mini "arrivals: {rate: 1/d}" "empirical(file=long.txt)" >"$T/emp-long.yaml"
{ echo 1d; head -c 2000 /dev/zero | tr '\000' 1; echo d; } >"$T/long.txt"
expect_located "$T/emp-long.yaml" "longer than 1023 characters"
mini "arrivals: {rate: 1/d}" "empirical(file=nul.txt)" >"$T/emp-nul.yaml"
printf '1d\n2\000d\n' >"$T/nul.txt"
expect_located "$T/emp-nul.yaml" "NUL byte"
mini "arrivals: {rate: 1/d}" "empirical(file=comments.txt)" >"$T/emp-comment.yaml"
{ printf '# '; head -c 5000 /dev/zero | tr '\000' c; printf '\n1d\r\n\n3d'; } >"$T/comments.txt"
run check "$T/emp-comment.yaml" >"$T/out" 2>"$T/err" && grep -q "empirical(2 values, mean 2d)" "$T/out" \
    && ok || bad "empirical file with a long comment, CRLF and no final newline: $(cat "$T/err")"
if command -v mkfifo >/dev/null 2>&1 && mkfifo "$T/fifo.txt" 2>/dev/null; then
    mini "arrivals: {rate: 1/d}" "empirical(file=fifo.txt)" >"$T/emp-fifo.yaml"
    expect_located "$T/emp-fifo.yaml" "is not a regular file"
fi

# ---- bad command lines: exit 2, the argument named
expect_fail 2 "--replications: '1000001'" run $S -n 1000001
expect_fail 2 "--replications: '99999999999999999999'" run $S -n 99999999999999999999
expect_fail 2 "--threads: '1025'" run $S -j 1025
expect_fail 2 "--seed: '18446744073709551616'" run $S -s 18446744073709551616
expect_fail 2 "horizon" run $S --horizon 0
expect_fail 2 "must be finite" run $S --horizon inf
expect_fail 2 "must be finite" run $S --horizon nan
expect_fail 2 "must be finite" run $S --horizon 1e999d
expect_fail 2 "step visits in one replication" run $S --horizon 1e10d
expect_fail 2 "step visits in one replication" check $S --set work.report.arrivals.rate=1e9/d
expect_fail 2 "warmup" run $S --warmup -1d
expect_fail 2 "warmup (4000d) must be shorter than the horizon (2600d)" run $S --warmup 4000d
expect_fail 2 "warmup (800d) must be shorter than the horizon (10d)" run $S --horizon 10d
expect_fail 2 "warmup (20d) must be shorter than the horizon (10d)" run $S --horizon 10d --warmup 20d
expect_fail 2 "--set teams=[" run $S --set "teams=["
expect_fail 2 "--set" run $S --set "=3"
expect_fail 2 "--set" run $S --set "a..b=1"
# a patch through --set names elements as a variant's does
expect_fail 2 "--set teams={modeling: null}: error: cannot remove 'modeling': teams has no element of that name (did you mean 'modelling'?)" check $S --set "teams={modeling: null}"
expect_fail 2 "teams has no element named 'modeling' (did you mean 'modelling'?)" check $S --set "teams={modeling: {capacity: 3}}"
expect_fail 2 "'modelling' is listed twice in this patch of teams" check $S --set "teams=[{name: modelling, capacity: 3}, {name: modelling, wip_limit: 2}]"
expect_ok check $S --set "teams={platform: {capacity: 2}}" --set "teams=[{name: modeling, capacity: 1}]"
# an empty VALUE, or an empty element of a --vary list, is an error (it
# was read as null, removing the key, or as a point without a value)
expect_fail 2 "--set work.report.arrivals.rate=: error: empty value" compare $S -n 2 --set work.report.arrivals.rate=
expect_fail 2 "--vary 'teams.modelling.capacity=3,4,': expected" compare $S -n 2 --vary teams.modelling.capacity=3,4,
expect_fail 2 "--vary 'teams.modelling.capacity=3,,4': expected" run $S -n 2 --vary teams.modelling.capacity=3,,4
# a percentile is a percentage, also through --set
expect_fail 2 "--set promise.data products in a month.percentile=0.85: error: percentile is a percentage from 1 to 100 (85 means 85%), got '0.85'" check $S --set "promise.data products in a month.percentile=0.85"
# overrides edit the base before the patches: a team that a variant
# removes (merge-modelling-reporting removes reporting) can be overridden
# for the others, and a step can be named by its id
expect_ok compare $S -n 2 -q -f csv --set teams.reporting.capacity=3 --set work.report.steps.reporting.effort=2d
expect_fail 2 "'reportng' is not a step of work.report.steps (did you mean 'reporting'?)" check $S --set work.report.steps.reportng.effort=2d
expect_fail 2 "horizon" run $S -n 2 --horizon "100d$(head -c 5000 /dev/zero | tr '\000' ' ')x"
v17=""
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17; do v17="$v17 --vary seed=1,2"; done
# shellcheck disable=SC2086
expect_fail 2 "at most 16 --vary" run $S $v17
expect_fail 2 "--vary: 'teams.ingestion.capacity' is given twice" run $S -n 2 --vary teams.ingestion.capacity=1,2 --vary seed=1,2 --vary teams.ingestion.capacity=3
expect_fail 2 "more than 100000 points" run $S --vary "seed=$(seq -s, 1 400)" --vary "replications=$(seq -s, 1 400)"
expect_fail 2 "--format: ''" run $S -f ""
expect_fail 2 "--output needs a file name" run $S -o ""
expect_fail 2 "cannot write" run $S -n 2 -q -o "$T"
expect_fail 2 "--replication: '0'" trace $S -r 0
expect_fail 2 "--replication: 'abc'" trace $S -r abc
expect_fail 2 "no variant named ''" run $S --variant ""
expect_fail 2 "unknown command ''" "" $S
expect_fail 2 "unknown option" run $S "--$(head -c 300 /dev/zero | tr '\000' r)"
expect_fail 2 "needs a value" run $S -n
expect_fail 2 "scenario is empty" check /dev/null

# ---- numerical edge cases: correct results, never nan or inf
cat >"$T/edge.yaml" <<'EOF'
chainsim: 1
name: edge
horizon: 100d
replications: 5
teams:
  - {name: a, capacity: 1}
  - {name: slow, capacity: 1}
work:
  - name: x
    arrivals: {interval: 2d}
    steps:
      - {team: a, effort: 1d}
  - name: never
    backlog: 1
    steps:
      - {team: slow, effort: 1000d}
promise:
  - {name: p, within: 10d, percentile: 50}
  - {name: q, work: never, within: 10d, percentile: 50}
  - {name: t, throughput: 10/w}
variants:
  - {name: same}
EOF
for n in 1 2 5; do
    for f in table csv json; do
        if run compare "$T/edge.yaml" -n $n -q -f $f >"$T/e.$f" 2>"$T/err"; then
            ok; no_nan "$T/e.$f" "compare -n $n -f $f"
        else
            bad "compare edge -n $n -f $f: $(cat "$T/err")"
        fi
    done
done
run run "$T/edge.yaml" -n 1 -q -f json >"$T/one.json" 2>/dev/null
[ "$("$JQ" "$T/one.json" variants.0.lead_time.ci95)" = null ] && ok \
    || bad "one replication: ci95 is not null"
run run "$T/edge.yaml" -n 5 -q -f json >"$T/five.json" 2>/dev/null
lo=$("$JQ" "$T/five.json" variants.0.lead_time.ci95.0)
hi=$("$JQ" "$T/five.json" variants.0.lead_time.ci95.1)
[ "$lo" = 1 ] && [ "$hi" = 1 ] && ok || bad "constant lead time: CI [$lo, $hi], expected [1, 1]"
[ "$("$JQ" "$T/five.json" variants.0.lead_time.classes.never.mean)" = null ] && ok \
    || bad "class with no finished item: mean is not null"
[ "$("$JQ" "$T/five.json" variants.0.lead_time.classes.never.count)" = 0 ] && ok \
    || bad "class with no finished item: count is not 0"
run run "$T/edge.yaml" -n 1 -q -f table >"$T/one.txt" 2>/dev/null
grep -q "n/a" "$T/one.txt" && ok || bad "one replication: the table does not say n/a"

edge_run() {   # edge_run NAME ARRIVALS EFFORT [TOP-LEVEL LINES]
    mini "$2" "$3" "${4:-}" >"$T/$1.yaml"
    for f in table csv json; do
        if run run "$T/$1.yaml" -q -f $f >"$T/$1.$f" 2>"$T/err"; then
            ok; no_nan "$T/$1.$f" "$1 -f $f"
        else
            bad "$1 -f $f: exit $?: $(head -c 300 "$T/err")"
        fi
    done
}
edge_run tiny-effort "arrivals: {rate: 1/d}" "1e-300d"
edge_run huge-effort "arrivals: {rate: 1/d}" "1e300d"
edge_run tiny-rate "arrivals: {rate: 1e-300/d}
    backlog: 1" "1d"
H=1e300d edge_run huge-horizon "backlog: 3" "1d" "warmup: 1e299d"
edge_run heavy-tail "arrivals: {rate: 1/d}" "lognormal(mean=1d, sd=1e100d)"
edge_run auto-warmup "arrivals: {rate: 0.5/d}" "1d" "warmup: auto"
edge_run short-horizon "arrivals: {rate: 1/d}" "1d" "warmup: 0.5d"
sed 's/horizon: 100d/horizon: 1d/' "$T/short-horizon.yaml" >"$T/short2.yaml"
run run "$T/short2.yaml" -q -f json >"$T/short2.json" 2>"$T/err" && ok || bad "horizon 1d: $(cat "$T/err")"
no_nan "$T/short2.json" "horizon 1d"
run run $S -n 2 -q --horizon 10d --warmup 2d >"$T/out" 2>"$T/err" && ok \
    || bad "--horizon below the scenario's warm-up with --warmup: $(cat "$T/err")"
mini "arrivals: {rate: 1/d}" "1d" >"$T/focus.yaml"
sed -i.orig 's/capacity: 1}$/capacity: 1, focus: 1e-300}/' "$T/focus.yaml"
run check "$T/focus.yaml" >"$T/out" 2>"$T/err" && grep -q "load >1e+06 (unstable)" "$T/out" && ok \
    || bad "focus 1e-300: check does not say 'load >1e+06': $(grep load "$T/out")"
no_nan "$T/out" "check with focus 1e-300"

# ---- an unstable chain: warned before the run, ended at the item cap
cat >"$T/unstable.yaml" <<'EOF'
chainsim: 1
name: unstable
horizon: 100000d
replications: 2
teams:
  - {name: a, capacity: 1}
work:
  - name: x
    arrivals: {rate: 30/d}
    steps:
      - {team: a, effort: 1d}
promise:
  - {name: p, within: 10d, percentile: 50}
EOF
if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%M" -o "$T/rss" "$BIN" run "$T/unstable.yaml" -j 2 -o "$T/unstable.csv" >"$T/out" 2>"$T/err"
    rc=$?
    rss=$(tail -1 "$T/rss")
    [ "$rss" -lt 1000000 ] && ok || bad "unstable chain: peak RSS ${rss} KB, expected under 1 GB"
else
    "$BIN" run "$T/unstable.yaml" -j 2 -o "$T/unstable.csv" >"$T/out" 2>"$T/err"
    rc=$?
fi
[ $rc -eq 3 ] && ok || bad "unstable chain: exit $rc, expected 3"
grep -q "team 'a' is offered 3000% of its capacity" "$T/err" && ok || bad "unstable chain: no warning"
grep -q "more than 1000000 items in the chain" "$T/err" && ok || bad "unstable chain: no item-cap message"
[ ! -e "$T/unstable.csv" ] && ok || bad "unstable chain: -o written on failure"
has_tmp && bad "unstable chain: a temporary file is left" || ok

# every sweep point is checked, and named in the warning
run run $S -n 1 -f csv --horizon 60d --warmup 0 --vary teams.modelling.capacity=1,3 >"$T/out" 2>"$T/err"
grep -q "baseline (teams.modelling.capacity=1): team 'modelling' is offered 271% of its capacity" "$T/err" \
    && ok || bad "an unstable sweep point is not warned about: $(cat "$T/err")"
grep -q "capacity=3): team" "$T/err" && bad "a stable sweep point is warned about" || ok

# ---- interrupts: partial results, -o complete or absent, 128 + signal
cat >"$T/long.yaml" <<'EOF'
chainsim: 1
name: long
horizon: 20000d
replications: 2000
teams:
  - {name: a, capacity: 2}
  - {name: b, capacity: 1}
work:
  - name: x
    arrivals: {rate: 3/d}
    steps:
      - {team: a, effort: "exponential(0.5d)"}
      - {team: b, effort: "exponential(0.25d)"}
promise:
  - {name: p, within: 10d, percentile: 50}
EOF
interrupt() {   # interrupt SIGNAL CODE FORMAT
    rm -f "$T/int.out"
    "$BIN" run "$T/long.yaml" -j 2 -f "$3" -o "$T/int.out" >"$T/out" 2>"$T/err" &
    pid=$!
    sleep 1
    kill -"$1" $pid
    wait $pid
    rc=$?
    [ $rc -eq "$2" ] && ok || bad "SIG$1: exit $rc, expected $2"
    grep -q "interrupted: the results are partial" "$T/err" && ok || bad "SIG$1: stderr: $(cat "$T/err")"
    [ -s "$T/int.out" ] && ok || bad "SIG$1: -o not written"
    has_tmp && bad "SIG$1: a temporary file is left" || ok
}
interrupt INT 130 csv
head -1 "$T/int.out" | cut -d, -f9 | grep -qx partial && sed -n 2p "$T/int.out" | cut -d, -f9 | grep -qx 1 \
    && ok || bad "SIGINT: the CSV row is not marked partial"
n=$(sed -n 2p "$T/int.out" | cut -d, -f8)
[ "$n" -gt 0 ] && [ "$n" -lt 2000 ] && ok || bad "SIGINT: $n replications reported"
interrupt TERM 143 json
[ "$("$JQ" "$T/int.out" partial)" = true ] && [ "$("$JQ" "$T/int.out" variants.0.partial)" = true ] \
    && ok || bad "SIGTERM: the JSON is not marked partial"
no_nan "$T/int.out" "interrupted JSON"
# compare: the variants run in rounds, so an interrupted compare keeps the
# same replications for every variant (a paired partial result)
sed 's/horizon: 20000d/horizon: 2000d/' "$T/long.yaml" >"$T/longc.yaml"
printf 'variants:\n  - name: faster-b\n    patch: {teams: [{name: b, capacity: 2}]}\n' >>"$T/longc.yaml"
# (a sanitized build is some 40 times slower: fewer replications.  The
# signal must come after the first round, a tenth of the run, and before
# the last: from one second on, the wait doubles while no round was done,
# whatever the machine's speed and load)
nc=2000; [ "$SANITIZED" -eq 1 ] && nc=400
wait_s=1
while :; do
    rm -f "$T/int.out"
    "$BIN" compare "$T/longc.yaml" -j 2 -n $nc -f json -o "$T/int.out" >"$T/out" 2>"$T/err" &
    pid=$!
    sleep $wait_s
    kill -INT $pid
    wait $pid
    rc=$?
    done0=$("$JQ" "$T/int.out" variants.0.replications 2>/dev/null)
    [ $rc -eq 130 ] && [ "${done0:-0}" = 0 ] && [ $wait_s -lt 64 ] || break
    wait_s=$((wait_s * 2))
done
[ $rc -eq 130 ] && ok || bad "SIGINT in compare: exit $rc, expected 130"
n0=$("$JQ" "$T/int.out" variants.0.replications)
n1=$("$JQ" "$T/int.out" variants.1.replications)
[ -n "$n0" ] && [ "$n0" = "$n1" ] && [ "$n0" -gt 0 ] && [ "$n0" -lt $nc ] && ok \
    || bad "SIGINT in compare: replications $n0 and $n1, expected the same, 1-$((nc - 1))"
[ "$("$JQ" "$T/int.out" variants.1.partial)" = true ] && ok || bad "SIGINT in compare: variant not partial"
case $("$JQ" "$T/int.out" warnings.0) in
    interrupted:*) ok ;;
    *) bad "SIGINT in compare: no top-level warning" ;;
esac
# one long replication stops within a slice of events, not at its end:
# the result holds no replication (a CSV header only); no temporary file
sed 's/horizon: 20000d/horizon: 20000000d/; s/replications: 2000/replications: 1/' "$T/long.yaml" >"$T/longer.yaml"
rm -f "$T/int.out"
"$BIN" run "$T/longer.yaml" -j 1 -f csv -o "$T/int.out" >"$T/out" 2>"$T/err" &
pid=$!
sleep 1
kill -INT $pid
t0=$(date +%s)
wait $pid
rc=$?
t1=$(date +%s)
[ $rc -eq 130 ] && ok || bad "SIGINT in one long replication: exit $rc, expected 130"
[ $((t1 - t0)) -le $((2 * SLOW)) ] && ok || bad "SIGINT in one long replication: took $((t1 - t0)) s to stop"
[ -s "$T/int.out" ] && [ "$(wc -l <"$T/int.out")" -eq 1 ] && ok \
    || bad "SIGINT in one long replication: $(cat "$T/int.out")"
has_tmp && bad "SIGINT in one long replication: a temporary file is left" || ok

# trace: a signal ends it at once (a partial event log is of no use),
# leaving neither FILE nor a temporary file
rm -f "$T/trace.csv"
"$BIN" trace "$T/long.yaml" --horizon 400000d -o "$T/trace.csv" >"$T/out" 2>"$T/err" &
pid=$!
sleep 1
kill -TERM $pid
wait $pid 2>/dev/null
rc=$?
[ $rc -eq 143 ] && ok || bad "trace, SIGTERM: exit $rc, expected 143"
[ ! -e "$T/trace.csv" ] && ok || bad "trace, SIGTERM: -o was written"
has_tmp && bad "trace, SIGTERM: a temporary file is left" || ok

# ---- integers of 2^64 or more are refused with the key's range, never
# wrapped around (2^64 + 1 was read as 1), through --set and --vary too
expect_fail 2 "capacity must be an integer from 1 to 10000, got '18446744073709551617'" \
    check $S --set teams.ingestion.capacity=18446744073709551617
expect_fail 2 "replications must be an integer from 1 to 1000000, got '18446744073709551619'" \
    check $S --set replications=18446744073709551619
expect_fail 2 "wip_limit must be an integer from 1 to 1000000, got '18446744073709551617'" \
    check $S --set teams.ingestion.wip_limit=18446744073709551617
expect_fail 2 "capacity must be an integer from 1 to 10000, got '18446744073709551617'" \
    run $S -n 2 -q --vary teams.ingestion.capacity=1,18446744073709551617
expect_fail 2 "seed must be an integer from 0 to 18446744073709551615, got '18446744073709551616'" \
    check $S --set seed=18446744073709551616
expect_fail 2 "--seed: '18446744073709551616'" check $S --seed 18446744073709551616
expect_fail 2 "cost_per_day must be a number in [0, 1e+09], got '1e308'" \
    check $S --set teams.ingestion.cost_per_day=1e308

# ---- no inf or nan token in any format: every example scenario, and the
# largest allowed costs and capacities compared with variants (cost x
# capacity once overflowed: "cost/d inf", "inf -nan" as a difference)
cat >"$T/dear.yaml" <<'EOF'
chainsim: 1
name: dear
horizon: 20d
teams:
  - {name: ingestion, capacity: 10000, cost_per_day: 1e9}
  - {name: modelling, capacity: 10000, cost_per_day: 1e9}
work:
  - name: data-product
    arrivals: {rate: 3/d}
    steps:
      - {team: ingestion, effort: 2d}
      - {team: modelling, effort: 1d}
promise:
  - {name: p, work: data-product, within: 30d, percentile: 85}
variants:
  - name: free
    patch:
      teams:
        - {name: ingestion, capacity: 1, cost_per_day: 0}
  - name: same
    patch:
      teams:
        - {name: ingestion, cost_per_day: 1e9}
EOF
nf='(^|[^a-z])(nan|inf|infinity)([^a-z]|$)'
for f in scenarios/*.yaml "$T/dear.yaml"; do
    for fmt in table csv json; do
        if ! run compare "$f" -n 2 -q -f $fmt >"$T/nf.$fmt" 2>"$T/err"; then
            bad "compare $f -f $fmt: $(head -c 200 "$T/err")"; continue
        fi
        if grep -qiE "$nf" "$T/nf.$fmt"; then
            bad "compare $f -f $fmt: an inf or nan token: $(grep -iE "$nf" "$T/nf.$fmt" | head -2)"
        else
            ok
        fi
    done
done

# ---- text from a scenario never reaches the terminal as control bytes
esc=$(printf '\033')
printf 'chainsim: 1\nname: "evil\\e[31mred"\nhorizon: 30d\nreplications: 2\nteams: [{name: a, capacity: 1}]\nwork:\n  - {name: x, arrivals: {rate: 0.5/d}, steps: [{team: a, effort: 1d}]}\n  - {name: y, arrivals: {rate: 0.1/d}, steps: [{team: a, effort: 1d}]}\npromise: [{name: "p\\e[1m", within: 10d, percentile: 50}]\nvariants: [{name: v, hypothesis: "h\\e[2J", patch: {}}]\n' >"$T/esc.yaml"
for cmd in run compare check; do
    run $cmd "$T/esc.yaml" -q >"$T/esc.out" 2>"$T/esc.err"
    if grep -q "$esc" "$T/esc.out" "$T/esc.err"; then
        bad "$cmd: a control byte of the scenario reached the terminal"
    else
        ok
    fi
done
printf 'chainsim: 1\nname: e\nteams: [{name: a, capacity: "1\\e[31m"}]\n' >"$T/esc-err.yaml"
run check "$T/esc-err.yaml" >"$T/esc.out" 2>"$T/esc.err"
if grep -q "$esc" "$T/esc.err" || ! grep -qF '\x1b' "$T/esc.err"; then
    bad "an error quoting a control byte: $(cat "$T/esc.err")"
else
    ok
fi
# ---- costs of patches: the worst cases validate in a few seconds
# within_secs N WHAT ARGS...: chainsim ARGS exits 2 within N seconds.
within_secs() {
    lim=$1; what=$2; shift 2
    t0=$(date +%s)
    run "$@" >"$T/out" 2>"$T/err"
    rc=$?
    t1=$(date +%s)
    [ $rc -eq 2 ] && ok || bad "$what: exit $rc, expected 2"
    [ $((t1 - t0)) -le $((lim * SLOW)) ] && ok || bad "$what: took $((t1 - t0)) s"
}
# a variant patch with 95,000 unknown keys in a team (1.6 MB): merged into
# the small team map in linear time, then the first key reported
{ cat $S; printf '  - name: big\n    patch:\n      teams:\n        ingestion:\n'
  seq -f '          k%06g: 1' 0 94999; } >"$T/bigpatch.yaml"
within_secs 4 "a patch of 95,000 keys" check "$T/bigpatch.yaml"
grep -qF "unknown key 'k000000' in team (in variant 'big')" "$T/err" && ok \
    || bad "a patch of 95,000 keys: $(head -c 200 "$T/err")"

# 95,000 new names keyed into a list of 494 teams, none close to any (each
# is checked for a close name): a pass of cheap tests per pair
awk '/^teams:$/ { print; for (i = 0; i < 490; i++) printf "  - {name: tm%05d, capacity: 1}\n", i; next } { print }' $S >"$T/wide.yaml"
printf '  - name: big\n    patch:\n      teams:\n' >>"$T/wide.yaml"
awk 'BEGIN { a = "abcdefghijklnopqrsuvwxyz"
    for (k = 0; k < 95000; k++) { s = ""; x = k
        for (j = 0; j < 7; j++) { s = s substr(a, x % 24 + 1, 1); x = int(x / 24) }
        print "        " s ": 1" } }' >>"$T/wide.yaml"
within_secs 4 "95,000 new keyed names" check "$T/wide.yaml"
grep -qF "too many teams: at most 500, got 95494 (in variant 'big')" "$T/err" && ok \
    || bad "95,000 new keyed names: $(head -c 200 "$T/err")"
# 1,000 --set options (the most allowed) through a team only the last
# variant adds, in a scenario of 400 more teams: every model's document is
# built once for all of them (it was once per option: 10 s).  They apply
# to that variant alone, after its patch; the baseline, which has no such
# team, once refused them (overrides now edit the base and reach a team
# only a variant adds in that variant).
{ cat $S; printf '  - name: extra\n    patch:\n      teams:\n'
  seq -f '        - {name: extra%g, capacity: 1}' 1 400; } >"$T/extra.yaml"
sets=$(seq -f '--set teams.extra400.capacity=%g' 1 1000)
t0=$(date +%s)
# shellcheck disable=SC2086
run check "$T/extra.yaml" $sets >"$T/out" 2>"$T/err"
rc=$?
t1=$(date +%s)
[ $rc -eq 0 ] && ok || bad "1,000 --set options: exit $rc: $(head -c 200 "$T/err")"
[ $((t1 - t0)) -le $((3 * SLOW)) ] && ok || bad "1,000 --set options: took $((t1 - t0)) s"
# shellcheck disable=SC2086
run run "$T/extra.yaml" --variant extra -q -n 1 -f json --horizon 50d --warmup 0 $sets >"$T/out" 2>"$T/err"
[ "$("$JQ" "$T/out" variants.0.teams.extra400.capacity)" = 1000 ] && ok \
    || bad "1,000 --set options: the last should set extra400's capacity: $(head -c 200 "$T/err")"
# shellcheck disable=SC2086
expect_fail 2 "chainsim: error: at most 1000 --set options" check $S $sets --set seed=2
# a signal before the run (loading, planning a large sweep) ends it at
# once, even when the shell started chainsim with SIGINT ignored: exit 130,
# and no result written as complete
rm -f "$T/early.csv"
(trap '' INT; exec "$BIN" run $S -q -n 1 --warmup 0 -f csv -o "$T/early.csv" \
    --vary "seed=$(seq -s, 1 200)" --vary "horizon=$(seq -s, 10 59 | sed 's/,/d,/g')d" \
    >"$T/out" 2>"$T/err") &
pid=$!
sleep 0.5
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 130 ] && ok || bad "SIGINT while planning a sweep: exit $rc, expected 130"
if [ -e "$T/early.csv" ]; then
    head -1 "$T/early.csv" | grep -q partial && sed -n 2p "$T/early.csv" | cut -d, -f5 | grep -qx 1 \
        && ok || bad "SIGINT while planning a sweep: results written as complete"
else
    ok
fi
grep -q "the results are complete" "$T/err" && bad "SIGINT while planning a sweep: $(cat "$T/err")" || ok
has_tmp && bad "SIGINT while planning a sweep: a temporary file is left" || ok

# any fatal signal during trace -o removes the temporary file and ends
# chainsim with that signal
# (the signal numbers are Linux's)
for s in USR1:10 ALRM:14 USR2:12 VTALRM:26 PROF:27 XFSZ:25 PIPE:13; do
    sig=${s%:*}
    rm -f "$T/trace.csv"
    "$BIN" trace "$T/long.yaml" --horizon 400000d -o "$T/trace.csv" >"$T/out" 2>"$T/err" &
    pid=$!
    sleep 0.5
    kill -"$sig" $pid
    wait $pid 2>/dev/null
    rc=$?
    want=$((128 + ${s#*:}))
    [ $rc -eq $want ] && ok || bad "trace, SIG$sig: exit $rc, expected $want"
    [ ! -e "$T/trace.csv" ] && ok || bad "trace, SIG$sig: -o was written"
    has_tmp && bad "trace, SIG$sig: a temporary file is left" || ok
    rm -f "$T"/*tmp-*
done
# and during run -o, before the results are written
rm -f "$T/int.out"
"$BIN" run "$T/long.yaml" -j 2 -o "$T/int.out" >"$T/out" 2>"$T/err" &
pid=$!
sleep 0.5
kill -USR1 $pid
wait $pid 2>/dev/null
rc=$?
[ $rc -eq 138 ] && ok || bad "run, SIGUSR1: exit $rc, expected 138"
[ ! -e "$T/int.out" ] && ok || bad "run, SIGUSR1: -o was written"

# ---- -o respects what it replaces
# a private null device (1:3; the system's /dev/null is never touched)
if mknod "$T/null" c 1 3 2>/dev/null; then
    run run $S -n 2 -q -o "$T/null" >"$T/out" 2>"$T/err" && ok || bad "-o DEVICE: $(cat "$T/err")"
    [ -c "$T/null" ] && ok || bad "-o DEVICE: the device was replaced: $(ls -l "$T/null")"
    has_tmp && bad "-o DEVICE: a temporary file is left" || ok
    rm -f "$T/null"
else
    echo "hardening: -o to a device skipped (mknod not permitted)" >&2
fi
# a FIFO: written in place, to its reader
mkfifo "$T/pipe"
cat "$T/pipe" >"$T/piped" &
reader=$!
run run $S -n 2 -q -f csv -o "$T/pipe" >"$T/out" 2>"$T/err"
rc=$?
i=0
while kill -0 $reader 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill $reader 2>/dev/null && bad "-o FIFO: its reader got nothing"
wait $reader
[ $rc -eq 0 ] && ok || bad "-o FIFO: exit $rc: $(cat "$T/err")"
[ -p "$T/pipe" ] && ok || bad "-o FIFO: the FIFO was replaced"
run run $S -n 2 -q -f csv >"$T/direct" 2>/dev/null
cmp -s "$T/piped" "$T/direct" && ok || bad "-o FIFO: the reader got other output"
has_tmp && bad "-o FIFO: a temporary file is left" || ok
rm -f "$T/pipe"
# a symbolic link: the file it names is replaced, the link stays
mkdir "$T/real"
echo old >"$T/real/res.csv"
chmod 600 "$T/real/res.csv"
ln -s real/res.csv "$T/res-link"
run run $S -n 2 -q -f csv -o "$T/res-link" >"$T/out" 2>"$T/err" && ok || bad "-o LINK: $(cat "$T/err")"
[ -L "$T/res-link" ] && ok || bad "-o LINK: the link was replaced"
cmp -s "$T/real/res.csv" "$T/direct" && ok || bad "-o LINK: its target not written"
[ "$(stat -c %a "$T/real/res.csv")" = 600 ] && ok \
    || bad "-o LINK: mode $(stat -c %a "$T/real/res.csv"), expected 600 kept"
[ "$(ls -A "$T/real")" = res.csv ] && ok || bad "-o LINK: left in its directory: $(ls -A "$T/real")"
# a replaced file keeps its mode
echo old >"$T/secret.csv"
chmod 600 "$T/secret.csv"
run run $S -n 2 -q -f csv -o "$T/secret.csv" >"$T/out" 2>"$T/err" && ok || bad "-o FILE: $(cat "$T/err")"
[ "$(stat -c %a "$T/secret.csv")" = 600 ] && ok \
    || bad "-o FILE: mode $(stat -c %a "$T/secret.csv"), expected 600 kept"
# a new file: 0666 less the umask
rm -f "$T/new.csv"
(umask 027; "$BIN" run $S -n 2 -q -o "$T/new.csv" >/dev/null 2>&1)
[ "$(stat -c %a "$T/new.csv")" = 640 ] && ok \
    || bad "-o new FILE under umask 027: mode $(stat -c %a "$T/new.csv"), expected 640"

finish hardening
