#!/bin/sh
# shellcheck disable=SC2015 # "check && ok || bad": ok cannot fail
# tests/browser/run.sh - the HTML reports in a real browser (make browser,
# part of make check).
#
# Usage: sh tests/browser/run.sh CHAINSIM [SHOTS_DIR]
#
# For every example in scenarios/, a `compare` (a few replications, a
# short horizon) writes --report; headless Chromium loads a copy of the
# page with a probe script added (the report itself has none), which
# records console errors and, once the page is laid out at 900 pixels
# wide, the page's and every chart's width and the elements of each chart.
# tests/browser/check.py then checks them against the JSON results of the
# same run: no console error, nothing wider than the page, a line per
# variant in each lead-time chart, one target line per lead-time promise
# of the class, an interval per difference, the bottleneck marked in each
# variant, the timeline's and the sweep's charts where there are.  With
# SHOTS_DIR, screenshots of the BI example's report go there (the images
# of docs/report.md).
#
# Without Chromium (or python3) the test says so and is skipped: it is
# never counted as passed.
set -u
BIN=$1
SHOTS=${2:-}
HERE=$(dirname "$0")
T=$(mktemp -d "${TMPDIR:-/tmp}/chainsim-browser.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

CHROME=
for c in chromium chromium-browser google-chrome; do
    if command -v "$c" >/dev/null 2>&1; then CHROME=$c; break; fi
done
if [ -z "$CHROME" ] || ! command -v python3 >/dev/null 2>&1; then
    echo "browser: SKIPPED: no Chromium or python3 here (tools/install-deps chromium installs it)"
    exit 0
fi

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# chrome ARGS...: headless, isolated, time-limited.
chrome() {
    timeout -k 5 90 "$CHROME" --headless=new --no-sandbox --disable-gpu \
        --no-first-run --disable-extensions --hide-scrollbars \
        --user-data-dir="$T/profile" --virtual-time-budget=5000 "$@"
}

# probe PAGE OUT: the page with the probe, its DOM after load in OUT.
probe() {
    python3 -c 'import sys
page = open(sys.argv[1]).read()
js = open(sys.argv[2]).read()
sys.stdout.write(page.replace("<head>", "<head><script>" + js + "</script>", 1))' \
        "$1" "$HERE/probe.js" >"$T/probed.html"
    chrome --window-size=900,1200 --enable-logging=stderr --v=0 \
        --dump-dom "file://$T/probed.html" >"$2" 2>"$T/chrome.err"
}

for f in scenarios/*.yaml; do
    name=$(basename "$f" .yaml)
    # a timeline on every example, so its charts are tried everywhere
    if ! "$BIN" compare "$f" -n 3 -q --horizon 400d --warmup 0 \
            --timeline 50d -f json -o "$T/$name.json" \
            --report "$T/$name.html" 2>"$T/run.err"; then
        bad "$name: compare failed: $(head -3 "$T/run.err")"
        continue
    fi
    probe "$T/$name.html" "$T/$name.dom"
    if ! grep -q 'id="chainsim-probe"' "$T/$name.dom"; then
        bad "$name: the browser did not load the page: $(tail -3 "$T/chrome.err")"
        continue
    fi
    if grep -E 'CONSOLE|Uncaught' "$T/chrome.err" | grep -v 'dbus' >"$T/console"; then
        [ -s "$T/console" ] && bad "$name: console: $(head -3 "$T/console")"
    fi
    if python3 "$HERE/check.py" "$T/$name.dom" "$T/$name.json" "$name" \
            >"$T/check.out" 2>&1; then
        ok
    else
        bad "$name: $(cat "$T/check.out")"
    fi
done

# a sweep on one axis and on two
"$BIN" compare scenarios/kanban-wip.yaml -n 2 -q --horizon 300d --warmup 50d \
    --vary teams.review.wip_limit=2,3 --vary teams.review.capacity=2,3 \
    -f json -o "$T/sweep.json" --report "$T/sweep.html" 2>"$T/run.err" \
    || bad "sweep: compare failed: $(head -3 "$T/run.err")"
probe "$T/sweep.html" "$T/sweep.dom"
python3 "$HERE/check.py" "$T/sweep.dom" "$T/sweep.json" sweep >"$T/check.out" 2>&1 \
    && ok || bad "sweep: $(cat "$T/check.out")"

# screenshots of the BI example, section by section
if [ -n "$SHOTS" ]; then
    mkdir -p "$SHOTS"
    "$BIN" compare scenarios/bi-chain.yaml -q --report "$T/bi.html" -o /dev/null
    for part in verdicts leadtime differences breakdown teams; do
        sed "s|</style>|section{display:none}header{display:none}footer{display:none}#$part{display:block}</style>|" \
            "$T/bi.html" >"$T/shot.html"
        chrome --window-size=1100,1500 --screenshot="$SHOTS/report-bi-$part.png" \
            "file://$T/shot.html" >/dev/null 2>&1 \
            || bad "screenshot of $part failed"
    done
fi

echo "browser: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
