#!/bin/bash
# tests/completion.bash - the bash completion (tools/chainsim.bash) on
# scenarios/bi-chain.yaml: COMP_WORDS/COMP_CWORD set, COMPREPLY checked.
set -u
# shellcheck source=tools/chainsim.bash
. tools/chainsim.bash
fail=0
# expect "WORDS..." WANTED [UNWANTED]: completing the last word.
expect() {
    read -ra COMP_WORDS <<<"$1"
    [[ $1 == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    _chainsim
    local got=" ${COMPREPLY[*]} "
    [[ $got == *" $2 "* ]] || { echo "FAIL: completion '$1': no '$2' in:$got" >&2; fail=1; }
    if [ $# -ge 3 ] && [[ $got == *" $3 "* ]]; then
        echo "FAIL: completion '$1': '$3' in:$got" >&2; fail=1
    fi
}
S=scenarios/bi-chain.yaml
expect "chainsim co" compare
expect "chainsim sens" sensitivity
expect "chainsim sensitivity $S --thr" --threads
expect "chainsim sensitivity $S --" --no-header --variant
expect "chainsim run scenarios/bi-ch" $S
expect "chainsim run $S --rep" --report
expect "chainsim trace $S --rep" --replication --report
expect "chainsim check $S --" --variant --vary
expect "chainsim compare $S --ind" --independent
expect "chainsim compare $S --ind" --indifference
expect "chainsim compare $S --sel" --select
expect "chainsim run $S --pre" --precision
expect "chainsim run $S --max-r" --max-replications
expect "chainsim run $S --" --precision --select
expect "chainsim compare $S --precision 2% --" --max-replications
expect "chainsim run $S -f " json
expect "chainsim trace $S -f " csv json
expect "chainsim run $S --variant pl" platform-team
expect "chainsim run $S --variant=" lower-wip
expect "chainsim run $S --set hor" horizon=
expect "chainsim run $S --set teams.mod" teams.modelling.capacity=
expect "chainsim compare $S --vary work.report.arr" work.report.arrivals.rate=
expect "chainsim run $S --set work.data-product.steps.build-and-review.par" \
    work.data-product.steps.build-and-review.parallel.modelling.effort=
expect "chainsim run $S --set work.data-product.steps." \
    work.data-product.steps.ingestion.effort= work.data-product.steps.modelling.effort=
expect "chainsim run $S --report REA" README.md
expect "chainsim fi" fit
expect "chainsim back" backtest
expect "chainsim fit scenarios/data/bi-ex" scenarios/data/bi-export.csv scenarios/data/bi-map.yaml
expect "chainsim fit scenarios/data/bi-export.csv --m" --map --seed
expect "chainsim fit scenarios/data/bi-export.csv --map scenarios/data/bi-m" scenarios/data/bi-map.yaml
expect "chainsim fit scenarios/data/bi-export.csv -f " json csv
expect "chainsim backtest scenarios/data/bi-history.yaml scenarios/data/bi-ev" scenarios/data/bi-events.csv
expect "chainsim backtest scenarios/data/bi-history.yaml scenarios/data/bi-events.csv --fr" --from --horizon
expect "chainsim me" merge
expect "chainsim compare $S --sh" --shard
expect "chainsim run $S --per" --per-replication
expect "chainsim merge a.part --rep" --report --replications
expect "chainsim merge a.part -" --check-promise --vary
expect "chainsim merge tests/fuzz/seeds/part/run-1" tests/fuzz/seeds/part/run-1-of-3.part
expect "chainsim merge tests/fuzz/seeds/part/run-1-of-3.part tests/fuzz/seeds/part/run-2" \
    tests/fuzz/seeds/part/run-2-of-3.part
[ $fail = 0 ] && echo "completion: ok"
exit $fail
