#!/bin/sh
# Runs the libFuzzer targets built in build-fuzz/ for SECONDS each, one
# after the other (one job at a time), on corpora kept in build-fuzz/corpus/
# and seeded from scenarios/, tests/bad/ and tests/fuzz/seeds/ (seeds/dist/
# for the dist target; seeds/tracker/, exports with and without a stage map
# before a "----" line, for tracker; seeds/scenario/, small attack scenarios, for the
# scenario, engine and doc targets).  A crash,
# leak, timeout or sanitizer report stops with the input saved under
# build-fuzz/artifacts/; add it to tests/fuzz/regressions/TARGET/ once
# fixed.  Appends one line of figures per target to build-fuzz/figures.txt.
# Usage (from the repository root): tests/fuzz/run.sh SECONDS TARGET...
set -u
secs=$1
shift
out=build-fuzz
mkdir -p "$out/artifacts"
status=0
for t in "$@"; do
    corpus=$out/corpus/$t
    mkdir -p "$corpus"
    case $t in
    dist)
        cp tests/fuzz/seeds/dist/* "$corpus/" 2>/dev/null
        maxlen=512 ;;
    tracker)
        cp tests/fuzz/seeds/tracker/* "$corpus/" 2>/dev/null
        maxlen=16384 ;;
    part)
        cp tests/fuzz/seeds/part/*.part "$corpus/" 2>/dev/null
        maxlen=65536 ;;
    *)
        for f in scenarios/*.yaml scenarios/*/*.yaml tests/bad/*.yaml \
                 tests/fuzz/seeds/scenario/*; do
            [ -e "$f" ] && cp "$f" "$corpus/seed-$(echo "$f" | tr / _)"
        done
        maxlen=16384 ;;
    esac
    cp tests/fuzz/regressions/"$t"/* "$corpus/" 2>/dev/null
    dict=
    [ -f "tests/fuzz/$t.dict" ] && dict=-dict=tests/fuzz/$t.dict
    # shellcheck disable=SC2012 # counts files whose names are hashes
    echo "== fuzz_$t: ${secs}s on $(ls "$corpus" | wc -l) inputs"
    # shellcheck disable=SC2086 # $dict is empty or one word
    "$out/fuzz_$t" "$corpus" $dict -max_total_time="$secs" -timeout=10 \
        -rss_limit_mb=2048 -max_len=$maxlen -print_final_stats=1 \
        -artifact_prefix="$out/artifacts/$t-" >"$out/$t.log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log")
    cov=$(grep -o 'cov: [0-9]*' "$out/$t.log" | tail -1 | tr -d 'cov: ')
    ft=$(grep -o 'ft: [0-9]*' "$out/$t.log" | tail -1 | tr -d 'ft: ')
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$out/$t.log")
    # shellcheck disable=SC2012 # counts files whose names are hashes
    line="$(date -u +%Y-%m-%dT%H:%MZ) fuzz_$t seconds=$secs execs=${execs:-?} cov=${cov:-?} ft=${ft:-?} corpus=$(ls "$corpus" | wc -l) peak_rss_mb=${rss:-?} exit=$rc"
    echo "$line"
    echo "$line" >>"$out/figures.txt"
    if [ "$rc" -ne 0 ]; then
        echo "FAIL: fuzz_$t (see $out/$t.log):" >&2
        grep -E 'ERROR|SUMMARY|contract|Test unit written' "$out/$t.log" | head -5 >&2
        status=1
    fi
done
exit $status
