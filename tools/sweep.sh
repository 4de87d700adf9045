#!/bin/sh
# A worked sweep on the BI example: the bottleneck team's capacity x its
# WIP limit, one `chainsim run --vary ... -f csv` for the whole grid, then a
# summary a person can read: the share of items within the promise per
# cell, the cheapest cells that keep it, and where the bottleneck sits.
#
# Usage (from the repo root, after `make`):
#   tools/sweep.sh [-n N] [-o DIR] [-p K] [--no-plot] [-- CHAINSIM-OPTIONS...]
#
#   -n N        replications per cell (default 20: a quick look; use 100
#               before deciding)
#   -o DIR      where sweep.csv (and the gnuplot files) go (default build/sweep)
#   -p K        which promise to summarise, 1-based (default 1: "data
#               products in a month")
#   --no-plot   skip gnuplot even when it is installed
#   -- ...      more chainsim options, e.g. `-- --variant platform-team`
#
# Environment: CHAINSIM (default build/chainsim), SCENARIO (default
# scenarios/bi-chain.yaml), TEAM (default modelling, the bottleneck),
# CAPACITIES (default 2,3,4,5,6), WIP_LIMITS (default 3,4,5,6,8,10,12).
# Capacity 1 is left out: modelling is offered about 2.7 people's work, so
# with one person its queue only grows.  WIP limits below the capacity
# leave people idle; 3 is kept to show that.
#
# Exit status: chainsim's (2 for a bad option or scenario, 3 for a
# simulation error), 0 otherwise.  A cell that keeps no promise is not an
# error: the summary says so.
set -eu

CHAINSIM=${CHAINSIM:-build/chainsim}
SCENARIO=${SCENARIO:-scenarios/bi-chain.yaml}
TEAM=${TEAM:-modelling}
CAPACITIES=${CAPACITIES:-2,3,4,5,6}
WIP_LIMITS=${WIP_LIMITS:-3,4,5,6,8,10,12}
N=20
OUT=build/sweep
PROMISE=1
PLOT=1

usage() {
    sed -n '5,15s/^# \{0,1\}//p' "$0" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case $1 in
    -n) [ $# -ge 2 ] || usage; N=$2; shift 2 ;;
    -o) [ $# -ge 2 ] || usage; OUT=$2; shift 2 ;;
    -p) [ $# -ge 2 ] || usage; PROMISE=$2; shift 2 ;;
    --no-plot) PLOT=0; shift ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) echo "sweep.sh: unknown option '$1'" >&2; usage ;;
    esac
done
case $PROMISE in ''|*[!0-9]*|0) echo "sweep.sh: -p needs a promise number >= 1" >&2; exit 2 ;; esac

if [ ! -x "$CHAINSIM" ]; then
    echo "sweep.sh: $CHAINSIM not found; run 'make' first (or set CHAINSIM)" >&2
    exit 2
fi
mkdir -p "$OUT"
CSV=$OUT/sweep.csv

# One run for the whole grid: every point shares the common random numbers,
# so neighbouring cells differ by the organisation, not by noise.
"$CHAINSIM" run "$SCENARIO" -q -f csv -n "$N" -o "$CSV" \
    --vary "teams.$TEAM.capacity=$CAPACITIES" \
    --vary "teams.$TEAM.wip_limit=$WIP_LIMITS" "$@"

# The summary.  The CSV is read by column name, with quoted fields handled,
# so it does not depend on column positions.
awk -v team="$TEAM" -v k="$PROMISE" -v n="$N" -v dat="$OUT/sweep.dat" '
function split_csv(line, f,    i, c, q, nf, cur) {
    nf = 0; cur = ""; q = 0
    for (i = 1; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (q) {
            if (c == "\"" && substr(line, i + 1, 1) == "\"") { cur = cur c; i++ }
            else if (c == "\"") q = 0
            else cur = cur c
        } else if (c == "\"") q = 1
        else if (c == ",") { f[++nf] = cur; cur = "" }
        else cur = cur c
    }
    f[++nf] = cur
    return nf
}
function col(name) {
    if (!(name in ix)) {
        printf "sweep.sh: no column %s in the CSV\n", name > "/dev/stderr"
        bad = 1; exit 2
    }
    return ix[name]
}
function add(list, v, cnt,    i) {          # keeps first-seen order
    for (i = 1; i <= cnt; i++) if (list[i] == v) return cnt
    list[cnt + 1] = v
    return cnt + 1
}
NR == 1 {
    np = 0
    for (i = 1; i <= split_csv($0, h); i++) {
        ix[h[i]] = i
        # the K-th promise group: promise_SLUG_name, in column order
        if (h[i] ~ /^promise_.*_name$/ && ++np == k)
            slug = substr(h[i], 9, length(h[i]) - 13)
    }
    ccap = col("teams." team ".capacity"); cwip = col("teams." team ".wip_limit")
    cname = col("promise_" slug "_name"); ctgt = col("promise_" slug "_target")
    cach = col("promise_" slug "_achieved"); clo = col("promise_" slug "_lo")
    chi = col("promise_" slug "_hi"); cver = col("promise_" slug "_verdict")
    ccost = col("cost_per_day"); cbn = col("bottleneck"); crank = col("rank")
    clt = col("lead_time_mean"); cscn = col("scenario")
    next
}
{
    split_csv($0, f)
    cap = f[ccap]; wip = f[cwip]
    ncap = add(caps, cap, ncap); nwip = add(wips, wip, nwip)
    key = cap SUBSEP wip
    ach[key] = f[cach]; lo[key] = f[clo]; hi[key] = f[chi]
    ver[key] = f[cver]; cost[key] = f[ccost]; bn[key] = f[cbn]
    rank[key] = f[crank]; lt[key] = f[clt]
    pname = f[cname]; target = f[ctgt]; scn = f[cscn]
    if (f[cver] == "met" && (mincost == "" || f[ccost] + 0 < mincost + 0))
        mincost = f[ccost]
}
END {
    if (bad) exit 2
    if (NR < 2) { print "sweep.sh: no results" > "/dev/stderr"; exit 2 }
    kind = target + 0 <= 1 ? "share" : "items"
    printf "%s: %s'"'"'s capacity x WIP limit, %s replications per cell\n", scn, team, n
    printf "promise %d, \"%s\": target %s; achieved %s per cell\n\n", k, pname,
        kind == "share" ? sprintf("%g%%", 100 * target) : target,
        kind == "share" ? "(% of items)" : "(items per period)"
    printf "%-12s", "capacity"
    for (j = 1; j <= nwip; j++) printf "%8s", "wip " wips[j]
    printf "  %8s\n", "cost/d"
    for (i = 1; i <= ncap; i++) {
        printf "%-12s", caps[i]
        for (j = 1; j <= nwip; j++) {
            key = caps[i] SUBSEP wips[j]
            v = ach[key]
            if (v == "") { printf "%8s", "-"; continue }
            mark = ver[key] == "met" ? (cost[key] == mincost ? "*" : "+") \
                 : ver[key] == "uncertain" ? "?" : " "
            printf "%7.1f%s", kind == "share" ? 100 * v : v, mark
        }
        printf "  %8s\n", cost[caps[i] SUBSEP wips[1]]
    }
    print ""
    print "* keeps the promise at the lowest cost   + keeps it at a higher cost"
    print "? uncertain (the interval spans the target; more replications may decide)"
    print "  no mark: not met"
    print ""
    printf "%-12s", "bottleneck"
    for (j = 1; j <= nwip; j++)
        printf (j < nwip ? "%-11s" : "%s"), "wip " wips[j]
    print ""
    for (i = 1; i <= ncap; i++) {
        printf "%-12s", caps[i]
        for (j = 1; j <= nwip; j++)
            printf (j < nwip ? "%-11s" : "%s"),
                substr(bn[caps[i] SUBSEP wips[j]], 1, 10)
        print ""
    }
    print ""
    best = ""
    for (i = 1; i <= ncap; i++)
        for (j = 1; j <= nwip; j++) {
            key = caps[i] SUBSEP wips[j]
            if (ver[key] == "met" && cost[key] == mincost &&
                (best == "" || rank[key] + 0 < rank[best] + 0))
                best = key
        }
    if (best == "") {
        printf "no cell keeps \"%s\"", pname
        bestr = ""
        for (key in rank) if (bestr == "" || rank[key] + 0 < rank[bestr] + 0) bestr = key
        split(bestr, b, SUBSEP)
        printf "; the best ranked is capacity %s, WIP limit %s (bottleneck %s)\n",
            b[1], b[2], bn[bestr]
    } else {
        split(best, b, SUBSEP)
        printf "cheapest that keeps \"%s\": capacity %s, WIP limit %s, %s/d\n",
            pname, b[1], b[2], cost[best]
        printf "  achieved %s [%s, %s], mean lead time %.1fd, bottleneck %s, rank %s of %d\n",
            kind == "share" ? sprintf("%.1f%%", 100 * ach[best]) : ach[best],
            kind == "share" ? sprintf("%.1f%%", 100 * lo[best]) : lo[best],
            kind == "share" ? sprintf("%.1f%%", 100 * hi[best]) : hi[best],
            lt[best], bn[best], rank[best], NR - 1
    }
    # gnuplot data: capacity, wip, achieved (blank line between capacities)
    for (i = 1; i <= ncap; i++) {
        for (j = 1; j <= nwip; j++) {
            key = caps[i] SUBSEP wips[j]
            printf "%s %s %s\n", caps[i], wips[j],
                ach[key] == "" ? "NaN" : (kind == "share" ? 100 * ach[key] : ach[key]) > dat
        }
        print "" > dat
    }
    printf "%s\n", kind == "share" ? 100 * target : target > (dat ".target")
}' "$CSV"

echo
echo "raw results: $CSV"

if [ "$PLOT" -eq 1 ] && command -v gnuplot >/dev/null 2>&1; then
    target=$(cat "$OUT/sweep.dat.target")
    if [ "$(awk -v t="$target" 'BEGIN { print (t <= 100) }')" = 1 ]; then
        # a share in %: red below the target, blue above
        range="set cbrange [0:100]"
        palette="set palette defined (0 '#b2182b', $target '#f7f7f7', 100 '#2166ac')"
        unit=%
    else
        range="set cbrange [*:*]"
        palette="set palette defined (0 '#b2182b', 1 '#f7f7f7', 2 '#2166ac')"
        unit=
    fi
    cat >"$OUT/sweep.gp" <<EOF
# gnuplot script written by tools/sweep.sh: promise $PROMISE per cell.
set terminal pngcairo size 800,560
set output '$OUT/sweep.png'
set title "promise $PROMISE achieved per cell (target $target$unit)"
set xlabel '$TEAM capacity'
set ylabel '$TEAM WIP limit'
set xtics 1
set offsets 0.5, 0.5, 0.5, 0.5
$range
$palette
unset key
plot '$OUT/sweep.dat' using 1:2:3 with points pt 5 ps 5 palette, \\
     '' using 1:2:(sprintf('%.0f', \$3)) with labels
EOF
    if gnuplot "$OUT/sweep.gp" 2>"$OUT/gnuplot.err"; then
        rm -f "$OUT/gnuplot.err"
        echo "plot: $OUT/sweep.png (script $OUT/sweep.gp)"
    else
        echo "sweep.sh: gnuplot failed (see $OUT/gnuplot.err); the summary above stands" >&2
    fi
elif [ "$PLOT" -eq 1 ]; then
    echo "(gnuplot is not installed: no plot; the summary above has the figures)"
fi
