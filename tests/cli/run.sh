#!/bin/sh
# shellcheck disable=SC2015 # "check && ok || bad": ok cannot fail
# Command-line tests of chainsim: exit codes, messages, outputs.
# Usage: tests/cli/run.sh BUILD/chainsim BUILD/tests/jsonq   (from the repo root)
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

# ---- broken scenarios: tests/bad/*.yaml, first line "# expect: L:C: TEXT"
for f in tests/bad/*.yaml; do
    [ -e "$f" ] || continue
    exp=$(sed -n '1s/^# expect: //p' "$f")
    if [ -z "$exp" ]; then bad "$f: no '# expect:' line"; continue; fi
    pos=${exp%%: *}
    text=${exp#*: }
    "$BIN" check "$f" >"$T/out" 2>"$T/err"
    rc=$?
    if [ "$rc" -ne 2 ]; then bad "$f: exit $rc, expected 2"; sed 's/^/    /' "$T/err" >&2; continue; fi
    if [ -s "$T/out" ]; then bad "$f: stdout not empty"; continue; fi
    if ! grep -qF -- "$f:$pos: error: " "$T/err"; then
        bad "$f: expected position $f:$pos:"; sed 's/^/    /' "$T/err" >&2; continue
    fi
    if ! grep -qF -- "$text" "$T/err"; then
        bad "$f: stderr lacks '$text'"; sed 's/^/    /' "$T/err" >&2; continue
    fi
    ok
done

S=scenarios/bi-chain.yaml

# ---- bad command lines
expect_fail 2 "usage" 
expect_fail 2 "unknown command 'rnu' (did you mean 'run'?)" rnu $S
expect_fail 2 "missing the SCENARIO" run
expect_fail 2 "unknown option '--replicatoins' (did you mean '--replications'?)" run $S --replicatoins 3
expect_fail 2 "unknown option '-x'" run $S -x
expect_fail 2 "--replications: 'abc'" run $S -n abc
expect_fail 2 "--replications: '0'" run $S -n 0
expect_fail 2 "--replications: '-5'" run $S --replications=-5
expect_fail 2 "--threads: '0'" run $S -j 0
expect_fail 2 "--seed: '-1'" run $S -s -1
expect_fail 2 "--seed: '1x'" run $S --seed 1x
expect_fail 2 "--format: 'xml'" run $S -f xml
expect_fail 2 "option '--output' needs a value" run $S --output
expect_fail 2 "unexpected argument 'extra'" run $S extra
expect_fail 2 "no variant named 'nope'" run $S --variant nope
expect_fail 2 "--variant is for run, check and trace; compare runs every variant" compare $S --variant lower-wip
expect_fail 2 "--set 'teams': expected PATH=VALUE" run $S --set teams
expect_fail 2 "--vary is for run and compare" check $S --vary teams.ingestion.capacity=1,2
expect_fail 2 "--vary 'x': expected" run $S --vary x
expect_fail 2 "horizon" run $S --horizon -3d
expect_fail 2 "horizon" run $S --horizon 10q
expect_fail 2 "warmup" run $S --warmup abc
expect_fail 2 "ingestoin" run $S --set teams.ingestoin.capacity=3
expect_fail 2 "capacity" run $S --set teams.ingestion.capacity=0
expect_fail 2 "capacity" run $S --vary teams.ingestion.capacity=2,zero
expect_fail 2 "nosuch.yaml" check tests/nosuch.yaml
expect_fail 2 "cannot write" run $S -n 2 -q -o /nonexistent-dir/out.csv
expect_fail 2 "the variants are read from the scenario file" run $S --set variants.lower-wip=null

# ---- help and version
"$BIN" --help >"$T/out" 2>&1 && grep -q "usage: chainsim" "$T/out" && ok || bad "--help"
"$BIN" --version >"$T/out" 2>&1 && grep -q "^chainsim [0-9]" "$T/out" && grep -q "^built with GSL [0-9].*, libyaml [0-9].*, jansson [0-9]" "$T/out" && ok || bad "--version"

# ---- every example scenario checks, runs and traces
for f in scenarios/*.yaml scenarios/bench/*.yaml; do
    [ -e "$f" ] || continue
    expect_ok check "$f" || continue
    grep -q "^teams" "$T/out" || bad "check $f: no teams in summary"
done
for f in scenarios/*.yaml; do
    [ -e "$f" ] || continue
    expect_ok run "$f" -n 3 -q || continue
    rm -f "$T/r.json"
    "$BIN" run "$f" -n 3 -q -f json -o "$T/r.json" && [ ! -s "$T/out2" ] && [ -s "$T/r.json" ] && "$JQ" "$T/r.json" variants.0.lead_time.mean >/dev/null && ok \
        || bad "run $f -f json: no variants.0.lead_time.mean"
done

# ---- JSON carries SPEC 3's fields
"$BIN" run $S -n 4 -q -f json >"$T/a.json" 2>"$T/err" || bad "run json: $(cat "$T/err")"
for path in variants.0.name variants.0.replications variants.0.lead_time.mean \
    variants.0.lead_time.ci95.0 variants.0.lead_time.ci95.1 variants.0.lead_time.p50 \
    variants.0.lead_time.p85 variants.0.lead_time.p95 variants.0.lead_time.classes \
    variants.0.throughput_per_day.mean variants.0.throughput_per_day.ci95.1 \
    variants.0.wip.mean variants.0.flow_efficiency variants.0.teams \
    variants.0.promises.0.name variants.0.promises.0.target variants.0.promises.0.achieved \
    variants.0.promises.0.ci95.0 variants.0.promises.0.verdict; do
    "$JQ" "$T/a.json" "$path" >/dev/null && ok || bad "json lacks $path"
done
[ "$("$JQ" "$T/a.json" variants.0.replications)" = 4 ] && ok || bad "json replications != 4"
grep -qiE '\bnan\b|\binf\b' "$T/a.json" && bad "json contains nan/inf" || ok

# ---- bit-identical whatever the thread count; seeds matter
"$BIN" run $S -n 6 -j 1 -q -f json >"$T/j1.json" 2>/dev/null
"$BIN" run $S -n 6 -j 2 -q -f json >"$T/j2.json" 2>/dev/null
"$BIN" run $S -n 6 -j 5 -q -f json >"$T/j5.json" 2>/dev/null
cmp -s "$T/j1.json" "$T/j2.json" && cmp -s "$T/j1.json" "$T/j5.json" && ok \
    || bad "output differs between -j 1, -j 2 and -j 5"
"$BIN" run $S -n 6 -s 7 -q -f json >"$T/s7.json" 2>/dev/null
cmp -s "$T/j1.json" "$T/s7.json" && bad "seed 7 gives the same output as seed 1" || ok

# ---- compare: a variant identical to the base differs by exactly 0
{ cat $S; printf '  - name: same\n    hypothesis: changes nothing\n    patch: {}\n'; } >"$T/same.yaml"
"$BIN" compare "$T/same.yaml" -n 5 -q -f json >"$T/c.json" 2>"$T/err" || bad "compare identical: $(cat "$T/err")"
ns=$("$JQ" "$T/c.json" variants | tr -d '#')
ns=$((ns - 1))
[ "$("$JQ" "$T/c.json" variants.$ns.name)" = same ] && ok || bad "identical variant not last"
[ "$("$JQ" "$T/c.json" variants.$ns.vs_baseline.lead_time_mean_diff)" = 0 ] && ok \
    || bad "identical variant: diff $("$JQ" "$T/c.json" variants.$ns.vs_baseline.lead_time_mean_diff)"
[ "$("$JQ" "$T/c.json" variants.$ns.vs_baseline.ci95.0)" = 0 ] && \
[ "$("$JQ" "$T/c.json" variants.$ns.vs_baseline.ci95.1)" = 0 ] && ok || bad "identical variant: CI not [0, 0]"

# ---- csv: header, one row per variant and point, --no-header
expect_ok compare $S -n 2 -q -f csv
nv=$("$BIN" check $S | sed -n 's/^variants (\([0-9]*\)):/\1/p')
[ "$(wc -l <"$T/out")" -eq $((nv + 2)) ] && ok || bad "compare csv: $(wc -l <"$T/out") lines for $nv variants"
head -1 "$T/out" | grep -q "^scenario,variant," && ok || bad "csv header"
expect_ok run $S -n 2 -q -f csv --no-header --vary teams.ingestion.capacity=1,2,3 --vary teams.reporting.capacity=2,3
[ "$(wc -l <"$T/out")" -eq 6 ] && ok || bad "--vary 3x2: $(wc -l <"$T/out") rows"
expect_ok run $S -n 2 -q -f csv --vary teams.ingestion.capacity=1,2
head -1 "$T/out" | grep -q "teams.ingestion.capacity" && ok || bad "--vary column missing in header"

# ---- -o is atomic: written on success, nothing on failure
"$BIN" run $S -n 2 -q -f csv -o "$T/o.csv" && [ -s "$T/o.csv" ] && ok || bad "-o did not write"
"$BIN" run $S -n 2 -q -o "$T/none.csv" --set teams.ingestion.capacity=-1 2>/dev/null
[ ! -e "$T/none.csv" ] && ok || bad "-o left a file on error"
has_tmp && bad "-o left a temporary file" || ok

# ---- --check-promise: 0 when every promise is met, 1 when one is not
"$BIN" run $S -n 10 -q --check-promise \
    --set promise=null --set "promise=[{name: easy, within: 100000d, percentile: 50}]" >/dev/null 2>&1
# shellcheck disable=SC2181 # the command is split over lines above
[ $? -eq 0 ] && ok || bad "--check-promise with an easy promise: not 0"
"$BIN" run $S -n 10 -q --check-promise \
    --set promise=null --set "promise=[{name: impossible, within: 0.001d, percentile: 99}]" >/dev/null 2>&1
[ $? -eq 1 ] && ok || bad "--check-promise with an impossible promise: not 1"

# ---- trace: CSV of one replication
expect_ok trace $S --horizon 60d --warmup 0
head -1 "$T/out" | grep -q "^time,item,class,team,event$" && ok || bad "trace header"
grep -q ",arrive$" "$T/out" && grep -q ",done$" "$T/out" && ok || bad "trace lacks arrive/done"

# ---- with deadlock: stop, a deadlock is a simulation error: exit 3, with
# the time and teams (and in a sweep, the point)
cat >"$T/dead.yaml" <<'YAML'
chainsim: 1
name: deadlock
horizon: 50d
replications: 2
deadlock: stop
teams:
  - {name: a, capacity: 1, wip_limit: 1}
  - {name: b, capacity: 1, wip_limit: 1}
work:
  - name: x
    backlog: 4
    steps:
      - {team: a, effort: 1d}
      - {team: b, effort: 1d}
      - {team: a, id: a2, effort: 1d}
promise:
  - {name: p, within: 10d, percentile: 50}
YAML
expect_fail 3 "deadlock" run "$T/dead.yaml" -q
# -o is checked before the simulation: a file that cannot be written is a
# usage error (2) at once, not a deadlock found first (3)
expect_fail 2 "cannot write '/nonexistent-dir/x.csv'" run "$T/dead.yaml" -q -o /nonexistent-dir/x.csv
expect_fail 2 "cannot write '/nonexistent-dir/x.csv'" compare "$T/dead.yaml" -q -o /nonexistent-dir/x.csv
expect_fail 2 "cannot write '/nonexistent-dir/x.csv'" trace "$T/dead.yaml" -o /nonexistent-dir/x.csv
# trace -o of a replication that stops: the events up to the stop are
# written (that is when the log is needed), and the exit code is still 3
rm -f "$T/dead.csv"
"$BIN" trace "$T/dead.yaml" -o "$T/dead.csv" >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 3 ] && grep -q "deadlock at day 2.0" "$T/err" && ok || bad "trace -o, deadlock: exit $rc: $(cat "$T/err")"
[ ! -s "$T/out" ] && ok || bad "trace -o, deadlock: wrote to stdout"
head -1 "$T/dead.csv" 2>/dev/null | grep -qx "time,item,class,team,event" && \
    grep -qx "2,2,x,a,blocked" "$T/dead.csv" && ok || bad "trace -o, deadlock: the events are not written"
has_tmp && bad "trace -o, deadlock: a temporary file is left" || ok
"$BIN" trace "$T/dead.yaml" 2>/dev/null | cmp -s - "$T/dead.csv" && ok \
    || bad "trace -o, deadlock: the file differs from standard output"
# the trace's size is bounded: the first N events, then exit 3 saying so
"$BIN" trace $S --max-events 100 -o "$T/cut.csv" >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 3 ] && grep -q "the trace stops after 100 events, at day" "$T/err" && ok \
    || bad "trace --max-events 100: exit $rc: $(cat "$T/err")"
[ "$(wc -l <"$T/cut.csv")" -eq 101 ] && ok || bad "trace --max-events 100: $(wc -l <"$T/cut.csv") lines"
"$BIN" trace $S >"$T/full.csv" 2>/dev/null
head -101 "$T/full.csv" | cmp -s - "$T/cut.csv" && ok || bad "trace --max-events: not the first events"
n=$(($(wc -l <"$T/full.csv") - 1))
"$BIN" trace $S --max-events $n 2>"$T/err" | cmp -s - "$T/full.csv" && [ ! -s "$T/err" ] && ok \
    || bad "trace --max-events N for a run of N events: cut"

# ---- certain deadlocks: check proves what a parallel step against a WIP
# limit makes certain (check refuses it; the scenario itself is valid, so
# it is not in tests/bad/, whose files the loader refuses)
F=tests/cli/parallel-wip-deadlock.yaml
expect_fail 2 "$F:20:9: error: certain deadlock: this parallel step sends 2 branches (review-a, review-b) to team review, whose wip_limit is 1" check $F
expect_fail 3 "deadlock at day" run $F -q -n 2 --set deadlock=stop
# the default breaks it: the run goes on, every time above the limit
expect_ok run $F -q -n 2
grep -q "^warning: deadlocks broken" "$T/out" && ok || bad "certain deadlock, broken: no warning"
sed 's/wip_limit: 1 .*/wip_limit: 2/' $F >"$T/fork2.yaml"
expect_ok check "$T/fork2.yaml"
expect_ok run "$T/fork2.yaml" -q -n 2
# a branch that is not always needed: a deadlock is possible, not certain
sed 's/id: review-b, effort: 1d/id: review-b, effort: 1d, p: 0.5/' $F >"$T/fork-p.yaml"
expect_ok check "$T/fork-p.yaml"
expect_fail 2 "$T/fork2.yaml:20:9: error: certain deadlock: this parallel step sends 2 branches (review-a, review-b) to team review, whose wip_limit is 1" \
    check "$T/fork2.yaml" --set teams.review.wip_limit=1
{ cat "$T/fork2.yaml"; printf 'variants:\n  - {name: tight, patch: {teams: {review: {wip_limit: 1}}}}\n'; } >"$T/fork-v.yaml"
expect_fail 2 "(in variant 'tight')" check "$T/fork-v.yaml"
expect_fail 2 "(in variant 'tight')" check "$T/fork-v.yaml" --variant baseline
grep -q "raise review's wip_limit to 2 or more, or send at most 1 of these branches to review" "$T/err" && ok \
    || bad "certain deadlock: no hint: $(cat "$T/err")"
# none of the examples is refused (they all check, above)

# ---- check: --variant, and nothing on stdout before everything is valid
expect_ok check $S --variant lower-wip
grep -qx "variant: lower-wip" "$T/out" && ok || bad "check --variant: $(head -3 "$T/out")"
grep -q "^variants (" "$T/out" && bad "check --variant lists the variants" || ok
grep -q "reporting .* wip 4 " "$T/out" && ok || bad "check --variant: not the variant's teams"
expect_fail 2 "no variant named 'nonexist' (variants: platform-team" check $S --variant nonexist
expect_fail 2 "no variant named 'nonexist'" trace $S --variant nonexist
# an override of a team a variant removes does not apply to that variant
expect_ok check $S --set teams.reporting.capacity=3
# an override the base takes but a variant does not (its horizon is shorter)
cat >"$T/short.yaml" <<'EOF'
chainsim: 1
name: short
horizon: 100d
teams:
  - {name: a}
work:
  - {name: x, backlog: 2, steps: [{team: a, effort: 1d}]}
promise:
  - {name: p, within: 30d, percentile: 50}
variants:
  - {name: short, patch: {horizon: 20d}}
EOF
expect_fail 2 "must be shorter than the horizon (20d) (in variant 'short')" \
    check "$T/short.yaml" --set warmup=30d
rm -f "$T/sum.txt"
"$BIN" check $S -o "$T/sum.txt" >"$T/out" 2>"$T/err" && [ ! -s "$T/out" ] && \
    "$BIN" check $S | cmp -s - "$T/sum.txt" && ok || bad "check -o: $(cat "$T/err")"
"$BIN" check "$T/short.yaml" -o "$T/sum2.txt" --set warmup=30d 2>/dev/null
[ ! -e "$T/sum2.txt" ] && ok || bad "check -o wrote a file on error"

# ---- options that do not apply to the command are refused
expect_fail 2 "--format: trace writes CSV only (-f csv)" trace $S -f json
expect_fail 2 "--format is for run, compare, trace, sensitivity, fit, backtest and merge; check prints a summary" check $S -f json
expect_fail 2 "--threads is for run, compare and sensitivity" check $S -j 2
expect_fail 2 "--replications is for run, compare, check, sensitivity and backtest" trace $S -n 3
expect_fail 2 "--replication is for trace" run $S -r 2
expect_fail 2 "--check-promise is for run, compare and merge" check $S --check-promise
expect_fail 2 "--no-header is for CSV output (-f csv) and trace" run $S --no-header
expect_fail 2 "--max-events is for trace" run $S --max-events 5
expect_ok trace $S --horizon 60d --warmup 0 -f csv --no-header
head -1 "$T/out" | grep -q "^time," && bad "trace --no-header: a header" || ok

# ---- numbers and the end of the options
expect_fail 2 "--replications: '5 ' is not a whole number" run $S -n "5 "
expect_fail 2 "--replications: ' 5' is not a whole number" run $S -n " 5"
expect_fail 2 "--seed: '+5' is not a whole number" run $S -s +5
expect_fail 2 "--horizon needs a duration" run $S --horizon ""
cp $S "$T/-dash.yaml"
(cd "$T" && "$BIN" check -- -dash.yaml >out 2>err) && ok || bad "check -- -dash.yaml: $(cat "$T/err")"
expect_fail 2 "unknown option '-dash.yaml'" check "-dash.yaml"
expect_fail 2 "unexpected argument '-n'" run $S -- -n 3

# ---- --help, --version and check fail when standard output cannot be written
if [ -w /dev/full ]; then
    for a in --help --version "check $S"; do
        # shellcheck disable=SC2086 # $a is words
        "$BIN" $a >/dev/full 2>"$T/err"
        rc=$?
        [ $rc -eq 2 ] && grep -q "cannot write 'standard output'" "$T/err" && ok \
            || bad "$a >/dev/full: exit $rc: $(cat "$T/err")"
    done
else
    echo "cli: /dev/full missing: the write-failure checks are skipped" >&2
fi
expect_fail 3 "baseline at --vary teams.b.capacity=1, horizon=40d: replication 1: deadlock at day 2.0" \
    run "$T/dead.yaml" -q --vary teams.b.capacity=1,2 --vary horizon=40d
# by default the deadlock is broken: the run goes on, and says so
sed '/^deadlock: stop$/d' "$T/dead.yaml" >"$T/broken.yaml"
expect_ok run "$T/broken.yaml" -q
grep -q "^warning: deadlocks broken by admitting items above the WIP limit (mean per replication): a 3$" "$T/out" \
    && ok || bad "broken deadlock: no warning under the table"
expect_ok run "$T/broken.yaml" -q -f json
grep -q '"wip_breaks": 3' "$T/out" && ok || bad "broken deadlock: no wip_breaks in JSON"
expect_fail 2 "deadlock must be one of" run "$T/broken.yaml" -q --set deadlock=halt
# the rework example deadlocks now and then: compare breaks the deadlocks,
# finishes (0, or 1 for a promise not met) and reports the breaks
R=scenarios/rework-chain.yaml
run compare $R -n 30 -j 2 -q -f json >"$T/rw.json" 2>"$T/err"
rc=$?
[ $rc -le 1 ] && ok || bad "compare $R -n 30: exit $rc: $(head -c 300 "$T/err")"
nb=0
for t in intake ingestion modelling quality reporting; do
    b=$("$JQ" "$T/rw.json" "variants.0.teams.$t.wip_breaks") || { bad "$R: json lacks teams.$t.wip_breaks"; continue; }
    awk -v b="$b" 'BEGIN { exit !(b > 0) }' && nb=$((nb + 1))
done
[ $nb -gt 0 ] && ok || bad "compare $R -n 30: no team with wip_breaks > 0"
run compare $R -n 30 -j 2 -q >"$T/rw.txt" 2>"$T/err"
rc=$?
[ $rc -le 1 ] && grep -q "^warning: baseline: deadlocks broken by admitting items above the WIP limit (mean per replication): " "$T/rw.txt" \
    && ok || bad "compare $R -n 30: exit $rc, or no warning of the deadlocks broken"

# ---- the chain over time on a realistic chain: the rework example (WIP
# limits, fork-join, rework, four classes) from a board with items at a
# parallel step, with a hire and its ramp-up, holidays, a quarter-end
# peak and a timeline, in every variant (one removes a team); under make
# sanitize the engine checks its invariants after every event.
run compare $R -n 4 -j 2 -q -f json --horizon 400d --warmup 0 --timeline 20d \
    --set 'teams.modelling.schedule=[{from: 100d, capacity: 4}]' \
    --set 'teams.modelling.productivity=[{at: 100d, factor: 0.7}, {at: 160d, factor: 1}]' \
    --set teams.quality.schedule_every=260d \
    --set 'teams.quality.schedule=[{from: 120d, capacity: 0}, {from: 130d, capacity: 1}]' \
    --set 'work.data-product.start=[{step: build-and-profile, count: 6, age: 20d}, {step: reporting, count: 3, age: 30d}]' \
    --set work.dashboard.arrivals.profile_every=65d \
    --set 'work.dashboard.arrivals.profile=[{from: 52d, factor: 2}]' >"$T/over.json" 2>"$T/err"
rc=$?
[ $rc -le 1 ] && ok || bad "rework chain over time: exit $rc: $(head -c 300 "$T/err")"
[ "$("$JQ" "$T/over.json" variants)" = "#5" ] && ok || bad "rework chain over time: not 5 variants"
for v in 0 1 2 3 4; do
    [ "$("$JQ" "$T/over.json" variants.$v.completion.items)" = 9 ] && ok || bad "rework chain over time: variant $v completion items"
    [ "$("$JQ" "$T/over.json" variants.$v.timeline.periods)" = "#20" ] && ok || bad "rework chain over time: variant $v periods"
    a=$("$JQ" "$T/over.json" variants.$v.timeline.periods.0.arrived)
    awk -v a="$a" 'BEGIN { exit !(a >= 9) }' && ok || bad "rework chain over time: variant $v: $a arrived in period 0, the 9 start items not among them"
done

# ---- compare --independent: each variant its own streams, for measuring CRN
expect_fail 2 "--independent is for compare" run $S --independent
"$BIN" compare "$T/same.yaml" -n 5 -q -f json --independent >"$T/ci.json" 2>"$T/err" \
    || bad "compare --independent: $(cat "$T/err")"
d=$("$JQ" "$T/ci.json" variants.$ns.vs_baseline.lead_time_mean_diff)
[ "$d" != 0 ] && [ "$d" != null ] && ok || bad "--independent: identical variant differs by '$d', expected nonzero"
[ "$("$JQ" "$T/ci.json" common_random_numbers)" = false ] && \
[ "$("$JQ" "$T/c.json" common_random_numbers)" = true ] && ok || bad "json common_random_numbers"
# the baseline's own figures do not change
[ "$("$JQ" "$T/ci.json" variants.0.lead_time.mean)" = "$("$JQ" "$T/c.json" variants.0.lead_time.mean)" ] \
    && ok || bad "--independent changed the baseline"

# ---- ranking: every row has a rank; an identical variant ties with the base
i=0; ranks=
while [ $i -le $ns ]; do
    r=$("$JQ" "$T/c.json" variants.$i.rank) || { bad "json variants.$i has no rank"; break; }
    case $r in ''|*[!0-9]*) bad "json variants.$i.rank '$r' is not a whole number" ;; esac
    [ "$r" -ge 1 ] && [ "$r" -le $((ns + 1)) ] && ok || bad "rank $r out of 1..$((ns + 1))"
    ranks="$ranks $r"; i=$((i + 1))
done
echo "$ranks" | tr ' ' '\n' | grep -qx 1 && ok || bad "no variant ranked 1:$ranks"
[ "$("$JQ" "$T/c.json" variants.$ns.rank)" = "$("$JQ" "$T/c.json" variants.0.rank)" ] \
    && ok || bad "identical variant does not tie with the baseline:$ranks"
expect_ok compare $S -n 3 -q
head -6 "$T/out" | grep -q "^rank  variant" && ok || bad "compare table does not start with the ranked block"
grep -q "^1 " "$T/out" && ok || bad "ranked block has no rank 1"
expect_ok compare $S -n 3 -q -f csv
head -1 "$T/out" | grep -q "^scenario,variant,point,rank,seed,horizon,warmup,replications," && ok || bad "csv rank column"

# ---- tools/sweep.sh: the worked sweep runs and prints its summary
CHAINSIM=$BIN sh tools/sweep.sh -n 3 -o "$T/sweep" --no-plot >"$T/sw.out" 2>"$T/err" \
    || bad "tools/sweep.sh: exit $?: $(cat "$T/err")"
[ "$(wc -l <"$T/sweep/sweep.csv")" -eq 36 ] && ok || bad "sweep.csv: $(wc -l <"$T/sweep/sweep.csv") lines, expected 1 + 5 x 7"
grep -q "^capacity  *wip 3  *wip 4 .* wip 12  *cost/d$" "$T/sw.out" && ok || bad "sweep summary: no matrix header"
[ "$(grep -cE '^[2-6] +([0-9]+\.[0-9][*+? ] *){7} +[0-9]+$' "$T/sw.out")" -eq 5 ] && ok \
    || bad "sweep summary: expected 5 matrix rows of 7 cells"
[ "$(grep -cE '^[2-6] +(modelling|ingestion|governanc|reporting)' "$T/sw.out")" -eq 5 ] && ok \
    || bad "sweep summary: expected 5 bottleneck rows"
grep -qE '^(cheapest that keeps|no cell keeps) "data products in a month"' "$T/sw.out" && ok \
    || bad "sweep summary: no conclusion line"
CHAINSIM=$BIN sh tools/sweep.sh -n 2 -o "$T/sweep" --no-plot -- --variant nope >/dev/null 2>"$T/err"
[ $? -eq 2 ] && grep -q "no variant named 'nope'" "$T/err" && ok || bad "sweep.sh does not pass chainsim's error on"

# ---- tools/crn-gain.sh: half-widths with and without common random numbers
CHAINSIM=$BIN sh tools/crn-gain.sh -n 10 >"$T/crn.out" 2>"$T/err" || bad "tools/crn-gain.sh: $(cat "$T/err")"
[ "$(grep '^| [a-z-]* |' "$T/crn.out" | grep -vc '^| variant |')" -eq "$nv" ] && ok || bad "crn-gain: expected $nv variant rows"
awk -F'|' '$2 ~ /lower-wip/ { f = 1; r = ($5 + 0 > 1) } END { exit !(f && r) }' "$T/crn.out" && ok \
    || bad "crn-gain: common random numbers do not narrow lower-wip's interval"

# ---- steady state or not: an M/M/1 queue at load 0.9 in days 60-260 has
# not settled (warned on stderr, in the table and in JSON); the same queue
# at load 0.5 over 2600 days has
cat >"$T/mm1.yaml" <<'EOF'
chainsim: 1
name: mm1
horizon: 260d
warmup: 60d
replications: 400
seed: 11
teams:
  - {name: t, capacity: 1}
work:
  - name: w
    arrivals: {rate: 0.9/d}
    steps:
      - {team: t, effort: 'exponential(1d)'}
promise:
  - {name: p, within: 20d, percentile: 85}
EOF
expect_ok run "$T/mm1.yaml"
grep -q "^chainsim: warning: mm1 / baseline: not settled: the mean lead time" "$T/err" && ok \
    || bad "unsettled run: no drift warning on stderr: $(cat "$T/err")"
grep -q "^NOT SETTLED" "$T/out" && grep -q "^warning: not settled" "$T/out" && ok \
    || bad "unsettled run: the table does not say so"
grep -q "^steady state: long-run figures over days 60-260" "$T/out" && ok \
    || bad "table: no statement of the question answered"
expect_ok run "$T/mm1.yaml" -q -f json
[ ! -s "$T/err" ] && ok || bad "-q: warnings on stderr: $(cat "$T/err")"
case $("$JQ" "$T/out" variants.0.warnings.0) in
    "not settled: "*) ok ;;
    *) bad "json: variants[0].warnings[0] is not the settle warning" ;;
esac
[ "$("$JQ" "$T/out" warnings)" = "#0" ] && ok || bad "json: top-level warnings of a complete run not []"
expect_ok run "$T/mm1.yaml" --set work.w.arrivals.rate=0.5/d --horizon 2600d --warmup 500d -n 100
! grep -q warning "$T/err" && ok || bad "settled run warned: $(cat "$T/err")"
# the theory check at the start of run: M/M/1 at load 0.5 waits rho / (mu
# - lambda) = 1 day, and the lead time is 2 days
grep -q "^  t  *load 0.50  queue wait 1.00d  (c 1, ca2 1.00, cs2 1.00)$" \
    "$T/err" && grep -q "^  lead time 2.00d" "$T/err" && ok \
    || bad "run: no theory check on stderr: $(cat "$T/err")"
grep -q "^approximate lead time (queueing theory, not simulated): 2d; simulated 2" \
    "$T/out" && ok || bad "table: no approximate lead time: $(cat "$T/out")"
grep -q "NOT SETTLED" "$T/out" && bad "settled run: table says not settled" || ok
expect_ok run "$T/mm1.yaml" --set work.w.arrivals.rate=0.5/d --horizon 2600d --warmup 500d -n 100 -f json
[ "$("$JQ" "$T/out" variants.0.warnings)" = "#0" ] && ok || bad "settled run: json warnings not []"
expect_ok run scenarios/backlog-forecast.yaml -n 5
grep -q "^from day 0: " "$T/out" && ok || bad "backlog model: table does not say it answers from day 0"
# A hire on a date with no warm-up: a forecast from day 0, no settle checks;
# a repeating schedule with a warm-up: long-run figures.
expect_ok run "$T/mm1.yaml" --set 'teams.t.schedule=[{from: 100d, capacity: 2}]' --warmup 0 -n 20
grep -q "^from day 0: a chain that changes over time" "$T/out" && ok || bad "dated schedule: table does not say it answers from day 0"
grep -q "NOT SETTLED" "$T/out" && bad "dated schedule: settle checks made" || ok
expect_ok run "$T/mm1.yaml" --set 'teams.t.schedule=[{from: 5d, capacity: 2}]' --set teams.t.schedule_every=10d -n 20
grep -q "^steady state: " "$T/out" && ok || bad "repeating schedule: not long-run figures"

# --report FILE.html: beside the normal output, atomically; the same
# results on stdout with and without it; errors before the simulation.
expect_ok compare scenarios/bi-chain.yaml -n 4 -q
cp "$T/out" "$T/plain.out"
expect_ok compare scenarios/bi-chain.yaml -n 4 -q --report "$T/bi.html"
cmp -s "$T/out" "$T/plain.out" && ok || bad "--report changed the table"
head -c 16 "$T/bi.html" | grep -q '^<!DOCTYPE html>' && ok || bad "--report: not an HTML page"
tail -c 8 "$T/bi.html" | grep -q '</html>' && ok || bad "--report: page not complete"
grep -q '<script' "$T/bi.html" && bad "--report: the page has a script" || ok
[ "$(grep -c '<svg' "$T/bi.html")" -ge 8 ] && ok || bad "--report: too few charts"
grep -q "Command: <code>chainsim compare scenarios/bi-chain.yaml -n 4 -q --report " "$T/bi.html" && ok \
    || bad "--report: the footer lacks the command line"
has_tmp && bad "--report: a temporary file was left" || ok
echo keep >"$T/keep.html"
expect_fail 2 "--report is for run, compare, sensitivity and merge" check scenarios/bi-chain.yaml --report "$T/keep.html"
expect_fail 2 "name the same file" run scenarios/bi-chain.yaml -o "$T/keep.html" --report "$T/keep.html"
expect_fail 2 "cannot write" run scenarios/bi-chain.yaml -n 2 --report "$T/no/such/dir/r.html"
[ "$(cat "$T/keep.html")" = keep ] && ok || bad "--report: an error harmed the file"
expect_ok run scenarios/kanban-wip.yaml -n 3 -q --vary teams.review.wip_limit=2,4 --report "$T/sweep.html"
grep -q '<section id="sweep">' "$T/sweep.html" && ok || bad "--report: a sweep without its chart"
expect_ok run scenarios/reorg-jcurve.yaml -n 3 -q --report "$T/time.html"
grep -q '<section id="timeline">' "$T/time.html" && ok || bad "--report: a timeline without its charts"

# --per-replication: a record per variant, point and replication; the same
# figures whatever the threads; the records average to the summary.
expect_ok compare scenarios/bi-chain.yaml -n 4 -j 1 -q -f csv --per-replication
[ "$(wc -l <"$T/out")" -eq $((1 + 6 * 4)) ] && ok || bad "--per-replication csv: not a line per variant and replication"
head -1 "$T/out" | grep -q '^scenario,variant,point,replication,seed,lead_time_mean,lead_time_p50,lead_time_p85,lead_time_p95,' && ok \
    || bad "--per-replication csv: header"
cp "$T/out" "$T/reps1.csv"
expect_ok compare scenarios/bi-chain.yaml -n 4 -j 2 -q -f csv --per-replication
cmp -s "$T/out" "$T/reps1.csv" && ok || bad "--per-replication: depends on the threads"
expect_ok run scenarios/kanban-wip.yaml -n 3 -q -f json --per-replication --vary teams.review.wip_limit=2,3
cp "$T/out" "$T/reps.json"
[ "$("$JQ" "$T/reps.json" replications)" = "#6" ] && ok || bad "--per-replication json: not 6 records"
[ "$(grep -c '"teams.review.wip_limit": "3"' "$T/reps.json")" -eq 3 ] && ok || bad "--per-replication json: point"
expect_ok run scenarios/kanban-wip.yaml -n 3 -q -f json --vary teams.review.wip_limit=2,3
m0=$("$JQ" "$T/out" variants.0.lead_time.mean)
r0=$("$JQ" "$T/reps.json" replications.0.lead_time.mean)
r1=$("$JQ" "$T/reps.json" replications.1.lead_time.mean)
r2=$("$JQ" "$T/reps.json" replications.2.lead_time.mean)
awk -v m="$m0" -v a="$r0" -v b="$r1" -v c="$r2" 'BEGIN { d = (a + b + c) / 3 - m; exit !(d < 1e-9 && d > -1e-9) }' && ok \
    || bad "--per-replication: the records do not average to the summary ($r0 $r1 $r2 vs $m0)"
expect_fail 2 "--per-replication writes CSV or JSON" run scenarios/bi-chain.yaml --per-replication
expect_fail 2 "--per-replication is for run and compare" check scenarios/bi-chain.yaml --per-replication

# Progress on a terminal (script(1) gives one): replications, rate and
# time left, at most about 10 redraws a second, the line cleared at the
# end; nothing with -q.
if command -v script >/dev/null 2>&1; then
    pn=40; [ "$QUICK" -eq 1 ] && pn=12
    script -qfc "$BIN compare scenarios/bi-chain.yaml -n $pn -j 2 -o /dev/null" /dev/null \
        >"$T/tty" 2>&1 </dev/null
    tr '\r' '\n' <"$T/tty" >"$T/tty.lines"
    grep -q 'replications  [0-9.]*/s  ETA ' "$T/tty.lines" && ok || bad "progress: no rate and ETA"
    grep -q "$((pn * 6))/$((pn * 6)) replications" "$T/tty.lines" && ok || bad "progress: not counted over every variant"
    tail -c 8 "$T/tty" | od -c | grep -q '033   \[   K' && ok || bad "progress: the line is not cleared at the end"
    script -qfc "$BIN compare scenarios/bi-chain.yaml -n $pn -j 2 -q -o /dev/null" /dev/null \
        >"$T/tty" 2>&1 </dev/null
    grep -q 'replications' "$T/tty" && bad "progress with -q" || ok
else
    echo "cli: progress test SKIPPED: no script(1) here"
fi

finish cli
