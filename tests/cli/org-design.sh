#!/bin/sh
# shellcheck disable=SC2015 # "check && ok || bad": ok cannot fail
# tests/cli/org-design.sh - the org-design cookbook (docs/org-design.md)
# and its scenarios (scenarios/org-design/): every scenario passes
# check, and compare (a few replications, JSON) has every variant and
# shows the property its recipe is about, with the scenario's own seed;
# every command of the cookbook names an existing scenario, and every
# scenario has a recipe.
# Usage: sh tests/cli/org-design.sh CHAINSIM JSONQ  (from the repo root)
. tests/cli/lib.sh

D=scenarios/org-design
DOC=docs/org-design.md
N=8

# is_num X: X is a decimal number (not empty, not null).
is_num() {
    case $1 in
    '' | *[!0-9eE.+-]*) return 1 ;;
    *) return 0 ;;
    esac
}

# holds A OP B: the numeric comparison (OP one of < <= > >=) holds; fails
# when either side is not a number.
holds() {
    is_num "$1" && is_num "$3" || return 1
    awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
        if (op == "<") exit !(a < b); if (op == "<=") exit !(a <= b)
        if (op == ">") exit !(a > b); if (op == ">=") exit !(a >= b)
        exit 1 }'
}

# idx FILE VARIANT: the index of VARIANT in FILE's variants (empty if none).
idx() {
    n=$("$JQ" "$1" variants | tr -d '#')
    i=0
    while [ "$i" -lt "${n:-0}" ]; do
        if [ "$("$JQ" "$1" "variants.$i.name")" = "$2" ]; then
            echo "$i"; return
        fi
        i=$((i + 1))
    done
}

# v VARIANT PATH: a figure of VARIANT in the current result ($J).
v() {
    k=$(idx "$J" "$1")
    [ -n "$k" ] && "$JQ" "$J" "variants.$k.$2"
}

# expect NAME A OP B: a recipe's property, reported with its figures.
expect() {
    what=$1; shift
    holds "$@" && ok || bad "$R: $what: $1 $2 $3 does not hold"
}

# ---- every scenario: check, compare, every variant in the result
for f in "$D"/*.yaml; do
    R=$(basename "$f" .yaml)
    expect_ok check "$f" || continue
    names=$(sed -n '/^variants (/,$ s/^  \([A-Za-z0-9_-]*\).*/\1/p' "$T/out")
    [ -n "$names" ] && ok || bad "$R: no variants"
    expect_ok compare "$f" -n "$N" -j 2 -q -f json || continue
    cp "$T/out" "$T/$R.json"
    J=$T/$R.json
    [ "$("$JQ" "$J" variants.0.name)" = baseline ] && ok || bad "$R: no baseline first"
    [ "$(v baseline replications)" = "$N" ] && ok || bad "$R: not $N replications"
    for name in $names; do
        [ -n "$(idx "$J" "$name")" ] && ok || bad "$R: variant $name missing"
    done
    count=$(echo "$names" | wc -l)
    [ "$("$JQ" "$J" variants)" = "#$((count + 1))" ] && ok \
        || bad "$R: $("$JQ" "$J" variants) results for $count variants and the baseline"
done

# ---- what each recipe is about
R=01-platform-self-service J=$T/$R.json
expect "self-service takes load off the platform" \
    "$(v self-service teams.platform.utilization)" "<" "$(v baseline teams.platform.utilization)"
expect "self-service keeps more features in the promise" \
    "$(v self-service promises.0.achieved)" ">" "$(v baseline promises.0.achieved)"
[ "$(v baseline promises.1.team)" = platform ] && ok || bad "$R: no promise on the platform's visits"
expect "a third platform engineer closes more tickets in time" \
    "$(v platform-plus-one promises.1.achieved)" ">" "$(v baseline promises.1.achieved)"

R=02-enabling-coaching J=$T/$R.json
expect "the coached team dips first" \
    "$(v coaching timeline.periods.1.lead_time_mean)" ">" "$(v baseline timeline.periods.1.lead_time_mean)"
expect "and is faster at the end of the year" \
    "$(v coaching timeline.periods.12.lead_time_mean)" "<" "$(v baseline timeline.periods.12.lead_time_mean)"
expect "the coaches leave after 13 weeks" "$(v coaching teams.coaches.capacity_mean)" "<" 1
expect "a third tester shortens the lead time" "$(v third-tester vs_baseline.lead_time_mean_diff)" "<" 0

R=03-merge-teams J=$T/$R.json
expect "the merged team delivers features sooner" \
    "$(v product-team vs_baseline.classes.feature.lead_time_mean_diff)" "<" 0
expect "coordination overhead costs some of it" \
    "$(v product-team-overhead lead_time.mean)" ">" "$(v product-team lead_time.mean)"
[ -z "$(v product-team teams.api.utilization)" ] && [ -n "$(v product-team teams.product.utilization)" ] \
    && ok || bad "$R: product-team still has the api team, or no product team"

R=04-split-bounded-context J=$T/$R.json
is_num "$(v split-by-domain lead_time.classes.report.contexts.sales.mean)" && ok \
    || bad "$R: no lead time for the sales context"
expect "split teams with focus are faster" "$(v split-by-domain vs_baseline.lead_time_mean_diff)" "<" 0
expect "split teams without focus lose the pooling" \
    "$(v split-no-focus-gain vs_baseline.lead_time_mean_diff)" ">" 0
[ -z "$(v split-by-domain teams.bi.utilization)" ] && ok || bad "$R: the split keeps team bi"

R=05-wip-multitasking J=$T/$R.json
expect "one story per person lowers the WIP" "$(v one-per-person wip.mean)" "<" "$(v baseline wip.mean)"
expect "two stories per person lowers the WIP" "$(v two-per-person wip.mean)" "<" "$(v baseline wip.mean)"
expect "and the lead time" "$(v one-per-person vs_baseline.lead_time_mean_diff)" "<" 0
expect "without losing throughput" "$(v one-per-person vs_baseline.throughput_per_day_diff)" ">" -0.05

R=06-sre-preemption J=$T/$R.json
expect "preemption shortens the incidents' lead time" \
    "$(v preempt vs_baseline.classes.incident.lead_time_mean_diff)" "<" 0
expect "more than priority alone" \
    "$(v preempt lead_time.classes.incident.mean)" "<" "$(v incidents-first lead_time.classes.incident.mean)"
expect "at the features' expense" "$(v preempt vs_baseline.classes.feature.lead_time_mean_diff)" ">" 0
expect "planned work is interrupted" "$(v preempt teams.backend.interruptions_per_visit)" ">" 0
expect "the on-call rota shortens the incidents' lead time" \
    "$(v on-call-rota vs_baseline.classes.incident.lead_time_mean_diff)" "<" 0

R=07-change-advisory-board J=$T/$R.json
expect "a weekly board makes changes wait" "$(v baseline lead_time.breakdown.teams.cab.handoff)" ">" 1
expect "meeting twice a week halves the wait" \
    "$(v twice-weekly lead_time.breakdown.teams.cab.handoff)" "<" "$(v baseline lead_time.breakdown.teams.cab.handoff)"
expect "standard changes shorten the lead time" "$(v standard-changes vs_baseline.lead_time_mean_diff)" "<" 0

R=08-reorg-jcurve J=$T/$R.json
expect "the squads dip at first" \
    "$(v squads timeline.periods.0.lead_time_mean)" ">" "$(v baseline timeline.periods.0.lead_time_mean)"
expect "and are faster at the end of the year" \
    "$(v squads timeline.periods.12.lead_time_mean)" "<" "$(v baseline timeline.periods.12.lead_time_mean)"
expect "the dip has a price" "$(v squads-no-dip lead_time.mean)" "<" "$(v squads lead_time.mean)"

R=09-seasonal-demand J=$T/$R.json
expect "contractors add capacity" "$(v peak-contractors teams.web.capacity_mean)" ">" "$(v baseline teams.web.capacity_mean)"
expect "and keep more campaigns in the promise" \
    "$(v peak-contractors promises.0.achieved)" ">" "$(v baseline promises.0.achieved)"
expect "planning earlier flattens the peak" \
    "$(v plan-earlier promises.0.achieved)" ">" "$(v baseline promises.0.achieved)"
expect "over the same year" "$(v plan-earlier vs_baseline.throughput_per_day_diff)" ">" -0.05

R=10-failure-demand J=$T/$R.json
expect "escaped defects take busy time" "$(v baseline failure_demand_share)" ">" 0.05
expect "test automation cuts the failure demand" \
    "$(v test-automation failure_demand_share)" "<" "$(v baseline failure_demand_share)"
expect "pairing cuts it too" "$(v pairing failure_demand_share)" "<" "$(v baseline failure_demand_share)"

R=11-abandonment J=$T/$R.json
expect "questions are abandoned" "$(v baseline abandoned.share)" ">" 0
expect "serving questions first cuts abandonment" \
    "$(v questions-first abandoned.share)" "<" "$(v baseline abandoned.share)"
expect "a fourth analyst cuts it" "$(v one-more-analyst abandoned.share)" "<" "$(v baseline abandoned.share)"
expect "questions-first delays the reports" \
    "$(v questions-first vs_baseline.classes.report.lead_time_mean_diff)" ">" 0

R=12-cost-of-delay J=$T/$R.json
expect "waiting costs money" "$(v baseline cost.delay_per_day)" ">" 0
sum=$(awk -v a="$(v baseline cost.teams_per_day)" -v b="$(v baseline cost.delay_per_day)" \
    'BEGIN { printf "%.17g", a + b }')
tot=$(v baseline cost.total_per_day)
holds "$(awk -v a="$sum" -v b="$tot" 'BEGIN { d = a - b; print (d < 0 ? -d : d) }')" "<" 1e-6 \
    && ok || bad "$R: total cost $tot is not the teams' plus the delay's ($sum)"
extra=$(awk -v a="$(v hire-developer cost.teams_per_day)" -v b="$(v baseline cost.teams_per_day)" \
    'BEGIN { print a - b }')
[ "$extra" = 850 ] && ok || bad "$R: a fifth developer costs $extra a day, not 850"
expect "the hire cuts the cost of delay" "$(v hire-developer vs_baseline.delay_cost_per_day_diff)" "<" 0
expect "a faster review cuts it for free" \
    "$(v faster-security cost.total_per_day)" "<" "$(v baseline cost.total_per_day)"

R=13-backlog-forecast J=$T/$R.json
[ "$(v baseline promises.0.kind)" = done_by ] && ok || bad "$R: the first promise is not done_by"
[ "$(v baseline completion.items)" = 60 ] && ok || bad "$R: not 60 initial items"
expect "a fourth builder finishes the board sooner" \
    "$(v fourth-builder completion.day.p85)" "<" "$(v baseline completion.day.p85)"
expect "requests-first serves the business" \
    "$(v requests-first promises.1.achieved)" ">" "$(v baseline promises.1.achieved)"

R=14-collaboration-timebox J=$T/$R.json
expect "joint work reserves ML capacity" "$(v collaborate-13w teams.ml.reserved_fraction)" ">" 0
expect "less in a quarter than all year" \
    "$(v collaborate-13w teams.ml.reserved_fraction)" "<" "$(v collaborate-always teams.ml.reserved_fraction)"
expect "the baseline has no joint work" "$(v baseline teams.ml.reserved_fraction)" "<=" 0
expect "the quarter keeps more models in the promise" \
    "$(v collaborate-13w promises.0.achieved)" ">" "$(v baseline promises.0.achieved)"

# ---- the cookbook: its commands name shipped scenarios, each one has a recipe
[ -f "$DOC" ] && ok || bad "$DOC is missing"
cmds=$(grep -o 'chainsim [a-z]* scenarios/[A-Za-z0-9/._-]*' "$DOC" | awk '{ print $3 }' | sort -u)
[ -n "$cmds" ] && ok || bad "$DOC: no chainsim commands"
for s in $cmds; do
    [ -f "$s" ] && ok || bad "$DOC: a command names $s, which does not exist"
done
for f in "$D"/*.yaml; do
    echo "$cmds" | grep -qx "$f" && ok || bad "$DOC: no command runs $f"
done

finish org-design
