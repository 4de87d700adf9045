#!/bin/sh
# shellcheck disable=SC2015 # "check && ok || bad": ok cannot fail
# tests/cli/sensitivity.sh - chainsim sensitivity from the command line:
# the known bottleneck of a tandem ranked first in every format, the
# same output on any number of threads, the options it refuses, a
# realistic example, and -o.
# Usage: sh tests/cli/sensitivity.sh CHAINSIM JSONQ
. tests/cli/lib.sh

# b at load 0.9 with one person; a and c at 0.45 with two each
cat >"$T/tandem.yaml" <<'EOF'
chainsim: 1
name: tandem
horizon: 600d
warmup: 100d
replications: 10
seed: 9
teams:
  - {name: a, capacity: 2, cost_per_day: 500}
  - {name: b, capacity: 1, cost_per_day: 500, handoff: 0.5d}
  - {name: c, capacity: 2, cost_per_day: 500, focus: 0.9}
work:
  - name: x
    arrivals: {rate: 0.81/d}
    steps:
      - {team: a, effort: 'exponential(1d)'}
      - {team: b, effort: 'exponential(1d)'}
      - {team: c, effort: 'exponential(0.9d)'}
promise:
  - {name: fortnight, within: 14d, percentile: 85}
EOF

# ---- JSON: the changes in rank order, b's +1 the best costly one
expect_ok sensitivity "$T/tandem.yaml" -f json -j 2
[ "$("$JQ" "$T/out" command)" = sensitivity ] && ok || bad "json: command"
[ "$("$JQ" "$T/out" changes)" = "#5" ] && ok \
    || bad "json: 5 changes expected, got $("$JQ" "$T/out" changes)"
first_costly=
i=0
while [ $i -lt 5 ]; do
    cost=$("$JQ" "$T/out" changes.$i.added_cost_per_day)
    [ "$("$JQ" "$T/out" changes.$i.rank)" = $((i + 1)) ] && ok \
        || bad "json: changes.$i is not rank $((i + 1))"
    if [ -z "$first_costly" ] && [ "$cost" != 0 ]; then
        first_costly=$("$JQ" "$T/out" changes.$i.set)
    fi
    i=$((i + 1))
done
[ "$first_costly" = "teams.b.capacity=2" ] && ok \
    || bad "json: the best costly change is $first_costly, not b's +1"
cp "$T/out" "$T/j2.json"

# ---- without costs, b's +1 ranks first of all
expect_ok sensitivity "$T/tandem.yaml" -f csv --set teams.a.cost_per_day=0 \
    --set teams.b.cost_per_day=0 --set teams.c.cost_per_day=0
head -1 "$T/out" | grep -q '^rank,team,change,from,to,set,added_cost_per_day,promise_gain,' \
    && ok || bad "csv: header: $(head -1 "$T/out")"
sed -n 2p "$T/out" | grep -q '^1,b,capacity,1,2,teams.b.capacity=2,0,' && ok \
    || bad "csv: b's +1 is not first without costs: $(sed -n 2p "$T/out")"
[ "$(wc -l <"$T/out")" -eq 6 ] && ok || bad "csv: 5 rows expected"
expect_ok sensitivity "$T/tandem.yaml" -f csv --no-header
[ "$(wc -l <"$T/out")" -eq 5 ] && ok || bad "csv --no-header: 5 rows expected"

# ---- table
expect_ok sensitivity "$T/tandem.yaml"
grep -q "^rank  team" "$T/out" && grep -q "^1 .* free" "$T/out" && ok \
    || bad "table: $(cat "$T/out")"
grep -q "^[0-9] *b *capacity *1 → 2 *+500" "$T/out" && ok \
    || bad "table: no row for b's capacity"

# ---- the same output whatever the threads
expect_ok sensitivity "$T/tandem.yaml" -f json -j 1
cmp -s "$T/out" "$T/j2.json" && ok || bad "-j 1 and -j 2 differ"

# ---- -o, and the options that do not apply
if run sensitivity "$T/tandem.yaml" -n 4 -o "$T/s2.json" -f json -q \
       >"$T/out" 2>"$T/err" &&
   [ ! -s "$T/out" ] && [ -s "$T/s2.json" ]; then
    ok
else
    bad "-o: stdout not empty or no file"
fi
# --report: an HTML page beside the results, not the -o file
expect_ok sensitivity "$T/tandem.yaml" -n 4 -q --report "$T/s.html"
grep -q "^<!DOCTYPE html>" "$T/s.html" && grep -q "teams.b.capacity=2" "$T/s.html" \
    && grep -q "</html>" "$T/s.html" && ok || bad "--report: no HTML page"
expect_fail 2 "--report and --output name the same file" \
    sensitivity "$T/tandem.yaml" --report "$T/x.html" -o "$T/x.html"
expect_fail 2 "--variant is for" sensitivity "$T/tandem.yaml" --variant x
expect_fail 2 "--vary is for" sensitivity "$T/tandem.yaml" --vary teams.a.capacity=1,2
expect_fail 2 "--per-replication is for" sensitivity "$T/tandem.yaml" --per-replication
expect_fail 2 "--no-header is for CSV" sensitivity "$T/tandem.yaml" --no-header
expect_fail 2 "is not an element of teams" sensitivity "$T/tandem.yaml" --set teams.zz.capacity=2
expect_fail 2 "unknown command" sensitivty "$T/tandem.yaml"

# ---- a realistic chain (several classes, rework, WIP limits)
expect_ok sensitivity scenarios/bi-chain.yaml -n 3 -j 2 -f json --horizon 400d --warmup 100d
n=$("$JQ" "$T/out" changes)
# ingestion 3 (capacity, hand-off, focus), modelling 5, governance 3,
# reporting 5
[ "$n" = "#16" ] && ok || bad "bi-chain: $n changes"
expect_ok sensitivity scenarios/rework-chain.yaml -n 3 -j 2 --horizon 300d --warmup 60d

finish sensitivity
