/*
** stats.h - statistics that know nothing of YAML or teams: running
** accumulators, time-weighted averages, and confidence intervals over
** replications (Student t, from GSL), plain and paired, and the Wilson
** score interval of a share of replications.  Percentiles come
** from the histogram in hist.h.  Every record here is caller storage; no
** call allocates (except the CIs' scratch, with a fallback) or fails.
*/
#ifndef CHAINSIM_STATS_H
#define CHAINSIM_STATS_H

#include <stddef.h>
#include <stdint.h>

/* ---- running accumulator (Welford) ---------------------------------- */

typedef struct cs_acc {
    uint64_t n;
    double mean;
    double m2;
    double min;
    double max;
    double sum;
} cs_acc;

/* Empty: n = 0, mean = m2 = sum = 0, min = +inf, max = -inf. */
void cs_stats_acc_init(cs_acc *a);
/* Adds the value x.  Cannot fail. */
void cs_stats_acc_add(cs_acc *a, double x);
/* Adds b into a (parallel Welford).  Deterministic for a fixed order. */
void cs_stats_acc_merge(cs_acc *a, const cs_acc *b);
/* Sample variance (n - 1); 0 when n < 2. */
double cs_stats_acc_variance(const cs_acc *a);

/* ---- time-weighted average over a window [start, ...) --------------- */

/*
** Tracks the integral of a piecewise-constant value from start on.
** Changes before start move the value but add no area.
*/
typedef struct cs_tavg {
    double start;
    double last;    /* time of the last change (>= start once past it) */
    double value;
    double area;
} cs_tavg;

/* The window opens at start; value is in force, no area yet.  Cannot fail. */
void cs_stats_tavg_init(cs_tavg *t, double start, double value);
/* The value becomes v at time now (now never decreases). */
static inline void cs_stats_tavg_set(cs_tavg *t, double now, double v)
{
    if (now > t->last) {
        if (t->last >= t->start)
            t->area += t->value * (now - t->last);
        else if (now > t->start)
            t->area += t->value * (now - t->start);
        t->last = now;
    }
    t->value = v;
}
/* Average over [start, end]; 0 when end <= start. */
double cs_stats_tavg_mean(const cs_tavg *t, double end);

/* ---- confidence intervals ------------------------------------------ */

/*
** A mean with a two-sided confidence interval.  valid is 0 when the CI
** cannot be computed (fewer than 2 values): then lo = hi = mean, and
** n == 0 also makes mean 0.  A constant sample has lo = hi = mean.
*/
typedef struct cs_ci {
    double mean;
    double lo;
    double hi;
    double sd;
    size_t n;
    int valid;
} cs_ci;

/*
** Student-t CI of the mean of x[0..n) at confidence level (0.95), which
** must lie in (0, 1) (else an assertion failure).  Non-finite entries are
** skipped.  Cannot fail: out of memory, it takes one streaming pass.
*/
cs_ci cs_stats_ci_mean(const double *x, size_t n, double level);

/*
** CI of the mean of the paired differences a[i] - b[i].  Identical inputs
** give exactly mean 0, CI [0, 0].  level may be Bonferroni-adjusted by the
** caller (1 - 0.05 / m).  Pairs with a non-finite side are skipped; level
** and failure as cs_stats_ci_mean.
*/
cs_ci cs_stats_ci_paired(const double *a, const double *b, size_t n,
                         double level);

/* Half-width of a Student-t CI for sd over n values; 0 when n < 2. */
double cs_stats_ci_halfwidth(double sd, size_t n, double level);

/*
** The Wilson score interval of a share: k successes in n trials, at
** confidence level (in (0, 1), else an assertion failure), with z the
** standard normal quantile of (1 + level) / 2 (Wilson 1927):
**     (p + z^2/2n -+ z sqrt(p(1 - p)/n + z^2/4n^2)) / (1 + z^2/n),
** p = k/n.  It stays within [0, 1] and is defined from one trial on: mean
** p, sd the sample sd of the n 0/1 values (0 when n < 2), valid when
** n >= 1.  k > n is a programmer error.  Cannot fail.
*/
cs_ci cs_stats_ci_wilson(size_t k, size_t n, double level);

/*
** The fewest trials whose Wilson lower bound at level can reach target
** when every trial succeeds: the smallest n with n / (n + z^2) >= target
** (that bound for k = n).  1 for a target <= 0; 0 when no n can (a target
** of 1 or more).  Cannot fail.
*/
size_t cs_stats_wilson_min_n(double target, double level);

/* The Wilson lower bound at level of n successes in n trials,
** n / (n + z^2); 0 when n is 0.  Cannot fail. */
double cs_stats_wilson_all(size_t n, double level);

/*
** MSER (White 1997) on the series y[0..n): the truncation d, 0 <= d <= dmax
** (clamped to n - 1), minimising the squared standard error of the mean
** of what is left, sum_{i>=d} (y_i - ybar_d)^2 / (n - d)^2; the first
** such d on ties.  MSER-5 is this on batch means of 5 observations.
** Non-finite values make the answer meaningless.  0 when n < 2.  Cannot
** fail.
*/
size_t cs_stats_mser(const double *y, size_t n, size_t dmax);

#endif /* CHAINSIM_STATS_H */
