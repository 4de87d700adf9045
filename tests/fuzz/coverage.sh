#!/bin/sh
# Source coverage reached by the fuzz corpora (build-fuzz/corpus/): builds
# each target's replay driver with clang's source-based coverage into
# build-cov/, replays its corpus and prints llvm-cov's line and branch
# figures for the modules it exercises.  Run after "make fuzz".
# Usage (from the repository root): tests/fuzz/coverage.sh TARGET...
set -u
out=build-cov
mkdir -p "$out"
cflags="-O0 -g -fprofile-instr-generate -fcoverage-mapping -std=c11 \
    -D_POSIX_C_SOURCE=200809L -Iinclude $(pkg-config --cflags gsl yaml-0.1 jansson)"
libs="$(pkg-config --libs gsl yaml-0.1 jansson) -lm -pthread"
for t in "$@"; do
    case $t in
    doc|dist|scenario|engine|part)
        src=$(for f in src/*.c; do [ "$f" = src/main.c ] || printf '%s ' "$f"; done) ;;
    *) echo "coverage: unknown target $t" >&2; exit 2 ;;
    esac
    # shellcheck disable=SC2086
    clang $cflags -o "$out/cov_$t" tests/fuzz/fuzz_$t.c tests/fuzz/replay.c $src $libs || exit 1
    rm -f "$out/$t.profraw"
    LLVM_PROFILE_FILE="$out/$t.profraw" "$out/cov_$t" "build-fuzz/corpus/$t" >/dev/null || exit 1
    llvm-profdata-14 merge -sparse "$out/$t.profraw" -o "$out/$t.profdata" 2>/dev/null \
        || llvm-profdata merge -sparse "$out/$t.profraw" -o "$out/$t.profdata" || exit 1
    echo "== fuzz_$t: coverage of its modules by build-fuzz/corpus/$t"
    # shellcheck disable=SC2086
    { llvm-cov-14 report "$out/cov_$t" -instr-profile="$out/$t.profdata" $src 2>/dev/null \
        || llvm-cov report "$out/cov_$t" -instr-profile="$out/$t.profdata" $src; } \
        | awk '{ print }'
done
