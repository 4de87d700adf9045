#!/bin/sh
# shellcheck disable=SC2015 # "check && ok || bad": ok cannot fail
# --shard K/N and merge: the shards of run, compare and a --vary sweep,
# merged, are byte for byte the single run, in every format and with any
# number of threads; parts missing, given twice, of another run, cut short
# or changed are errors (exit 2) that say which; an interrupted shard
# writes no part.
# Usage: tests/cli/scale.sh BUILD/chainsim BUILD/tests/jsonq   (from the repo root)
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

# same_as_serial NAME N FORMAT ARGS...: shards 1..N of ARGS (given to
# --shard in a shuffled order, threads varying), merged with -f FORMAT,
# against ARGS run at once.
same_as_serial() {
    name=$1 n=$2 fmt=$3
    shift 3
    run "$@" -q -f "$fmt" >"$T/serial" 2>"$T/err" ||
        { bad "$name: the single run failed"; return; }
    parts=
    k=$n
    while [ "$k" -ge 1 ]; do
        run "$@" -q -j $((k % 3 + 1)) --shard "$k/$n" -o "$T/$name.$k.part" \
            2>"$T/err" || { bad "$name: shard $k/$n failed: $(cat "$T/err")"; return; }
        parts="$parts $T/$name.$k.part"
        k=$((k - 1))
    done
    # shellcheck disable=SC2086 # the part names have no blanks
    run merge $parts -q -f "$fmt" >"$T/merged" 2>"$T/err" ||
        { bad "$name: merge failed: $(cat "$T/err")"; return; }
    cmp -s "$T/serial" "$T/merged" && ok || bad "$name ($fmt): merged shards differ from the single run"
}

S=scenarios/bi-chain.yaml
K=scenarios/kanban-wip.yaml
same_as_serial run 3 table run "$S" -n 7
same_as_serial run 3 csv run "$S" -n 7
same_as_serial compare 4 json compare "$S" -n 5
same_as_serial compare 4 table compare "$S" -n 5
same_as_serial vary 5 csv compare "$K" -n 3 --vary teams.development.capacity=1,2,3
same_as_serial auto 3 json compare scenarios/reorg-jcurve.yaml -n 4 --warmup auto --timeline 8w
same_as_serial board 2 json run scenarios/board-forecast.yaml -n 3 --variant "$(sed -n 's/^  - name: //p' scenarios/board-forecast.yaml | tail -1)"
same_as_serial perrep 3 csv compare "$K" -n 4 --per-replication
# more shards than tuples: the empty ones merge too
same_as_serial many 9 csv run "$K" -n 4

# the warnings on stderr and the exit code of --check-promise are the run's
run compare "$K" -n 3 --check-promise --vary teams.development.capacity=1,2 \
    >"$T/w.out" 2>"$T/w.err"
want=$?
for k in 1 2; do
    run compare "$K" -n 3 -q --vary teams.development.capacity=1,2 --shard $k/2 -o "$T/w$k.part"
done
run merge "$T/w1.part" "$T/w2.part" --check-promise >"$T/m.out" 2>"$T/m.err"
got=$?
[ "$want" -eq 1 ] && [ "$got" -eq "$want" ] && ok || bad "merge --check-promise: exit $got, the run's $want"
[ -s "$T/w.err" ] && cmp -s "$T/w.err" "$T/m.err" && ok || bad "merge: the warnings differ from the run's"
cmp -s "$T/w.out" "$T/m.out" && ok || bad "merge --check-promise: the output differs"

# --report from merge is written, and -o too
for k in 1 2; do run compare "$K" -n 3 -q --shard $k/2 -o "$T/c$k.part"; done
run merge "$T/c1.part" "$T/c2.part" -q --report "$T/r.html" -o "$T/m.txt" \
    >/dev/null 2>&1 && [ -s "$T/r.html" ] && [ -s "$T/m.txt" ] && ok || bad "merge --report -o"
# the default part name
(cd "$T" && "$BIN" run "$OLDPWD/$K" -n 2 -q --shard 2/3) &&
    [ -s "$T/kanban-wip.2-of-3.part" ] && ok || bad "--shard without -o: no kanban-wip.2-of-3.part"

# ---- parts that do not make the run
for k in 1 2 3 4; do run compare "$K" -n 3 -q --shard $k/4 -o "$T/f$k.part"; done
expect_fail 2 "shard 3/4 is missing" merge "$T/f1.part" "$T/f2.part" "$T/f4.part"
expect_fail 2 "shards 3/4, 4/4 are missing" merge "$T/f1.part" "$T/f2.part"
expect_fail 2 "a part is given twice" merge "$T/f1.part" "$T/f2.part" "$T/f2.part" "$T/f3.part" "$T/f4.part"
run compare "$K" -n 3 -s 99 -q --shard 2/4 -o "$T/seed.part"
expect_fail 2 "'seed' differs: '99' in $T/seed.part, '7' in $T/f1.part" \
    merge "$T/f1.part" "$T/seed.part" "$T/f3.part" "$T/f4.part"
run compare "$S" -n 3 -q --shard 2/4 -o "$T/other.part"
expect_fail 2 "'scenario' differs" merge "$T/f1.part" "$T/other.part" "$T/f3.part" "$T/f4.part"
run compare "$K" -n 3 -q --set teams.development.capacity=2 --shard 2/4 -o "$T/set.part"
expect_fail 2 "'options' differs" merge "$T/f1.part" "$T/set.part" "$T/f3.part" "$T/f4.part"
run run "$K" -n 3 -q --shard 2/4 -o "$T/run.part"
expect_fail 2 "'command' differs" merge "$T/f1.part" "$T/run.part" "$T/f3.part" "$T/f4.part"
# cut short, changed, not a part, not there
head -c 2000 "$T/f2.part" >"$T/cut.part"
expect_fail 2 "$T/cut.part: truncated" merge "$T/f1.part" "$T/cut.part" "$T/f3.part" "$T/f4.part"
cp "$T/f3.part" "$T/flip.part"
printf 'Z' | dd of="$T/flip.part" bs=1 seek=3000 conv=notrunc 2>/dev/null
expect_fail 2 "$T/flip.part: corrupted" merge "$T/f1.part" "$T/f2.part" "$T/flip.part" "$T/f4.part"
expect_fail 2 "not a chainsim part file" merge "$K"
expect_fail 2 "cannot read '$T/none.part'" merge "$T/none.part"
# an edited header (another version, say) fails its checksum
sed 's/^version .*/version 0.9.0/' "$T/f1.part" >"$T/old.part"
expect_fail 2 "$T/old.part: corrupted" merge "$T/old.part" "$T/f2.part"
# the scenario changed since the parts were made
cp "$K" "$T/k.yaml"
run compare "$T/k.yaml" -n 2 -q --shard 1/1 -o "$T/k.part"
echo "# a comment" >>"$T/k.yaml"
expect_fail 2 "has changed since the parts were made" merge "$T/k.part"
# the options of the output are merge's
expect_fail 2 "--format is for merge" run "$K" --shard 1/2 -f csv
expect_fail 2 "--report is for merge" compare "$K" --shard 1/2 --report "$T/x.html"
expect_fail 2 "is not K/N" run "$K" --shard 3
expect_fail 2 "1 <= K <= N" run "$K" --shard 3/2
expect_fail 2 "--shard is for run and compare" trace "$K" --shard 1/2
expect_fail 2 "merge them with -f csv or -f json" merge "$T/perrep.1.part" "$T/perrep.2.part" "$T/perrep.3.part"
expect_fail 2 "missing the PART files" merge -q

# ---- an interrupted shard writes no part
"$BIN" compare "$S" -n 100000 -j 1 -q --shard 1/2 -o "$T/int.part" 2>"$T/err" &
pid=$!
sleep "$SLOW"   # past the planning, into the simulation
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] && ok || bad "interrupted shard: exit $rc, expected 130"
[ ! -e "$T/int.part" ] && ! has_tmp && ok || bad "interrupted shard: a part or a temporary file is left"
grep -q "no part file written" "$T/err" && ok || bad "interrupted shard: no message"

finish scale
