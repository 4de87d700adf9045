#!/bin/sh
# shellcheck disable=SC2015 # "check && ok || bad": ok cannot fail
# chainsim fit and chainsim backtest end to end, on the sample export of
# scenarios/data/ (docs/calibration.md) and on broken exports: a fitted
# scenario that check accepts, written atomically; positioned errors with
# exit 2 and nothing on standard output; a backtest of the chain behind
# the sample against its own history.
#
# Usage: tests/cli/calibration.sh BUILD/chainsim BUILD/tests/jsonq  (from the repo root)
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

D=scenarios/data
MAP=$D/bi-map.yaml

# ---- fit: the stage-date CSV and the event log
for csv in bi-export.csv bi-events.csv; do
    expect_ok fit "$D/$csv" --map "$MAP" -o "$T/fit.yaml"
    grep -q '^class data-product: 99 items' "$T/out" && ok || bad "fit $csv: report lacks the data products"
    "$BIN" check "$T/fit.yaml" >/dev/null 2>&1 && ok || bad "check refuses the scenario fitted to $csv"
    grep -q '# .* values, mean' "$T/fit.yaml" && ok || bad "fit $csv: no provenance comments"
    ! has_tmp && ok || bad "fit $csv left a temporary file"
done
# the rework loop is only in the event log
grep -q 'to: modelling' "$T/fit.yaml" && ok || bad "fit of the event log lacks the rework to modelling"

# without -o the scenario goes to standard output, the report to stderr
expect_ok fit "$D/bi-export.csv" --map "$MAP"
cp "$T/out" "$T/stdout.yaml"
"$BIN" check "$T/stdout.yaml" >/dev/null 2>&1 && ok || bad "check refuses the scenario on standard output"
grep -q '^fit of ' "$T/err" && ok || bad "fit without -o: no report on stderr"
"$BIN" fit "$D/bi-export.csv" --map "$MAP" -q >/dev/null 2>"$T/err2"
[ ! -s "$T/err2" ] && ok || bad "fit -q wrote to stderr"

# the JSON report
expect_ok fit "$D/bi-events.csv" --map "$MAP" -o "$T/fit2.yaml" -f json
cp "$T/out" "$T/fit.json"
[ "$("$JQ" "$T/fit.json" classes.data-product.items)" = 99 ] && ok || bad "fit json: data-product items"
"$JQ" "$T/fit.json" classes.report.arrivals.rate_ci95.1 >/dev/null && ok || bad "fit json: no rate CI"
[ "$("$JQ" "$T/fit.json" classes.data-product.steps.3.rework.to)" = modelling ] && ok || bad "fit json: rework"
[ "$("$JQ" "$T/fit.json" teams.modelling.capacity)" = 3 ] && ok || bad "fit json: capacity"

# ---- bad exports: FILE:LINE:COLUMN, exit 2, nothing on stdout, no -o file
printf 'ID,Type,Backlog,Intake Ready,Done\nDP-1,data-product,2026-01-05,2026-13-05,\n' >"$T/baddate.csv"
expect_fail 2 "$T/baddate.csv:2:" fit "$T/baddate.csv" --map "$MAP" -o "$T/never.yaml"
[ ! -e "$T/never.yaml" ] && ok || bad "a failed fit wrote its -o file"
printf 'ID,Type,Backlog,Intake Raedy,Done\nDP-1,data-product,2026-01-05,2026-01-06,2026-01-07\n' >"$T/badstage.csv"
expect_fail 2 "$T/badstage.csv:1:" fit "$T/badstage.csv" --map "$MAP"
expect_fail 2 "did you mean 'Intake Ready'" fit "$T/badstage.csv" --map "$MAP"
: >"$T/empty.csv"
expect_fail 2 "$T/empty.csv:1:1:" fit "$T/empty.csv" --map "$MAP"
printf 'ID,Type,Backlog,Done\nDP-1,data-product,2026-01-05,\nDP-1,data-product,2026-01-06,\n' >"$T/dup.csv"
expect_fail 2 "$T/dup.csv:3:" fit "$T/dup.csv" --map "$MAP"
printf 'ID,Type,Backlog,Done\nDP-1,data-product,2026-01-05,\n' >"$T/open.csv"
expect_fail 2 "no item is done" fit "$T/open.csv" --map "$MAP"
printf 'stages:\n  - {name: Backlog, state: qeueu}\n' >"$T/badmap.yaml"
expect_fail 2 "$T/badmap.yaml:2:" fit "$D/bi-export.csv" --map "$T/badmap.yaml"
expect_fail 2 "fit needs the stage map" fit "$D/bi-export.csv"

# ---- backtest: the chain behind the sample against its own history
expect_ok backtest "$D/bi-history.yaml" "$D/bi-events.csv" --map "$MAP" --from 2026-09-01 --to 2026-12-18 -n 50
grep -q '^data-product' "$T/out" && ok || bad "backtest table lacks data-product"
grep -q 'measures outside the simulated 95% band' "$T/out" && ok || bad "backtest table lacks the summary line"
grep -q '^modelling  *visits' "$T/out" && ok || bad "backtest table lacks the teams' visits"
expect_ok backtest "$D/bi-history.yaml" "$D/bi-events.csv" --map "$MAP" --from 2026-09-01 -n 50 -f json
cp "$T/out" "$T/bt.json"
"$JQ" "$T/bt.json" classes.all.lead_time.p85.band95.1 >/dev/null && ok || bad "backtest json: no p85 band"
v=$("$JQ" "$T/bt.json" classes.all.done.verdict)
[ "$v" = inside ] && ok || bad "backtest of the true chain: done verdict '$v'"
v=$("$JQ" "$T/bt.json" teams.modelling.done.verdict)
[ "$v" = inside ] && ok || bad "backtest of the true chain: modelling's visits '$v'"
# the fitted scenario backtests too
"$BIN" backtest "$T/fit.yaml" "$D/bi-events.csv" --map "$MAP" --from 2026-09-01 -n 20 >/dev/null 2>&1 && ok || bad "backtest of the fitted scenario failed"
expect_fail 2 "--from: '2026-02-30x' is not a date" backtest "$D/bi-history.yaml" "$D/bi-events.csv" --map "$MAP" --from 2026-02-30x
expect_fail 2 "--to must come after --from" backtest "$D/bi-history.yaml" "$D/bi-events.csv" --map "$MAP" --from 2026-09-01 --to 2026-08-01
expect_fail 2 "backtest needs --from" backtest "$D/bi-history.yaml" "$D/bi-events.csv" --map "$MAP"
expect_fail 2 "-f table, -f json" backtest "$D/bi-history.yaml" "$D/bi-events.csv" --map "$MAP" --from 2026-09-01 -f csv

finish calibration
