#!/bin/sh
# What common random numbers gain: runs `chainsim compare` twice, with
# common random numbers (the default) and with --independent streams, and
# prints, per variant, the 95% half-width of the paired difference from the
# baseline for the mean lead time and for one promise, under each, their
# ratio and the variance reduction factor (the ratio of the variances, so
# how many times more replications independent streams would need for the
# same precision).  docs/comparing.md shows its output for the BI example.
#
# Usage (from the repo root, after `make`):
#   tools/crn-gain.sh [-n N] [-p K] [SCENARIO]
#     -n N   replications (default 100)
#     -p K   the promise to measure, 1-based (default 1)
#     SCENARIO defaults to scenarios/bi-chain.yaml
# Environment: CHAINSIM (default build/chainsim).
#
# compare adjusts its intervals for several variants (Bonferroni); the
# half-widths are brought back to 95% with the ratio of Student-t
# quantiles, so they read as if each variant were compared alone.  The
# ratio and the reduction factor do not depend on the level.
set -eu

CHAINSIM=${CHAINSIM:-build/chainsim}
N=100
PROMISE=1
while [ $# -gt 0 ]; do
    case $1 in
    -n) [ $# -ge 2 ] || { echo "crn-gain.sh: -n needs a value" >&2; exit 2; }; N=$2; shift 2 ;;
    -p) [ $# -ge 2 ] || { echo "crn-gain.sh: -p needs a value" >&2; exit 2; }; PROMISE=$2; shift 2 ;;
    -*) sed -n '10,15s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
    *) break ;;
    esac
done
SCENARIO=${1:-scenarios/bi-chain.yaml}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

"$CHAINSIM" compare "$SCENARIO" -q -f csv -n "$N" >"$T/crn.csv"
"$CHAINSIM" compare "$SCENARIO" -q -f csv -n "$N" --independent >"$T/ind.csv"

awk -v k="$PROMISE" -v n="$N" '
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
# Inverse of the standard normal CDF (Acklam, relative error < 1.2e-9).
function qnorm(p,    q, r) {
    if (p < 0.02425) {
        q = sqrt(-2 * log(p))
        return (((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q \
            - 2.400758277161838e+00) * q - 2.549732539343734e+00) * q \
            + 4.374664141464968e+00) * q + 2.938163982698783e+00) / \
            ((((7.784695709041462e-03 * q + 3.224671290700398e-01) * q \
            + 2.445134137142996e+00) * q + 3.754408661907416e+00) * q + 1)
    }
    if (p > 1 - 0.02425)
        return -qnorm(1 - p)
    q = p - 0.5; r = q * q
    return (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r \
        - 2.759285104469687e+02) * r + 1.383577518672690e+02) * r \
        - 3.066479806614716e+01) * r + 2.506628277459239e+00) * q / \
        (((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r \
        - 1.556989798598866e+02) * r + 6.680131188771972e+01) * r \
        - 1.328068155288572e+01) * r + 1)
}
# Student-t quantile (Cornish-Fisher, Abramowitz and Stegun 26.7.5);
# within 1e-4 for 20 or more degrees of freedom.
function qt(p, v,    z, z2) {
    z = qnorm(p); z2 = z * z
    return z + z * (z2 + 1) / (4 * v) \
        + z * ((5 * z2 + 16) * z2 + 3) / (96 * v * v) \
        + z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / (384 * v * v * v) \
        + z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) \
            / (92160 * v * v * v * v)
}
function hw95(lo, hi, level, reps) {
    if (lo == "" || hi == "") return ""
    return (hi - lo) / 2 * qt(0.975, reps - 1) / qt((1 + level) / 2, reps - 1)
}
FNR == 1 {
    file++
    delete ix
    np = 0
    for (i = 1; i <= split_csv($0, h); i++) {
        ix[h[i]] = i
        # the K-th promise group: promise_SLUG_name, in column order
        if (h[i] ~ /^promise_.*_name$/ && ++np == k)
            slug = substr(h[i], 9, length(h[i]) - 13)
    }
    next
}
{
    split_csv($0, f)
    v = f[ix["variant"]]
    if (v == "baseline") { pname = f[ix["promise_" slug "_name"]]; next }
    if (file == 1) order[++nv] = v
    lt[file, v] = hw95(f[ix["diff_lead_time_mean_lo"]], f[ix["diff_lead_time_mean_hi"]],
                       f[ix["diff_confidence"]], f[ix["replications"]])
    pr[file, v] = hw95(f[ix["diff_promise_" slug "_lo"]], f[ix["diff_promise_" slug "_hi"]],
                       f[ix["diff_confidence"]], f[ix["replications"]])
}
function cells(a, b, scale, dec) {
    if (a == "" || b == "" || a <= 0)
        return sprintf(" %s | %s | - | - |", a == "" ? "-" : sprintf("%.*f", dec, a * scale),
                       b == "" ? "-" : sprintf("%.*f", dec, b * scale))
    return sprintf(" %.*f | %.*f | %.1f | %.*f |", dec, a * scale, dec, b * scale,
                   b / a, (b / a) * (b / a) < 10 ? 1 : 0, (b / a) * (b / a))
}
END {
    printf "95%% half-widths of the difference from the baseline, %d replications\n\n", n
    printf "| variant | lead time, CRN (d) | independent (d) | ratio | variance reduction |"
    printf " \"%s\", CRN (pts) | independent (pts) | ratio | variance reduction |\n", pname
    print "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for (i = 1; i <= nv; i++) {
        v = order[i]
        printf "| %s |%s%s\n", v, cells(lt[1, v], lt[2, v], 1, 2),
            cells(pr[1, v], pr[2, v], 100, 1)
    }
}' "$T/crn.csv" "$T/ind.csv"
