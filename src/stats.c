/*
** stats.c - running accumulators, time-weighted averages, Student-t
** confidence intervals and the Wilson interval of a share (the histogram
** is in hist.c).
**
** Confidence intervals skip non-finite entries: callers pass
** per-replication values that are NaN where undefined.
*/
#include "chainsim/stats.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

/* ---- running accumulator -------------------------------------------- */

void cs_stats_acc_init(cs_acc *a)
{
    a->n = 0;
    a->mean = 0.0;
    a->m2 = 0.0;
    a->min = INFINITY;
    a->max = -INFINITY;
    a->sum = 0.0;
}

void cs_stats_acc_add(cs_acc *a, double x)
{
    const double delta = x - a->mean;

    a->n++;
    a->mean += delta / (double)a->n;
    a->m2 += delta * (x - a->mean);
    a->sum += x;
    if (x < a->min)
        a->min = x;
    if (x > a->max)
        a->max = x;
}

/*
** Chan, Golub and LeVeque's pairwise update: with delta the difference of
** the means, M2 = M2a + M2b + delta^2 na nb / n.
*/
void cs_stats_acc_merge(cs_acc *a, const cs_acc *b)
{
    double na, nb, n, delta;

    if (b->n == 0)
        return;
    if (a->n == 0) {
        *a = *b;
        return;
    }
    na = (double)a->n;
    nb = (double)b->n;
    n = na + nb;
    delta = b->mean - a->mean;
    a->mean += delta * (nb / n);
    a->m2 += b->m2 + delta * delta * (na * nb / n);
    a->n += b->n;
    a->sum += b->sum;
    if (b->min < a->min)
        a->min = b->min;
    if (b->max > a->max)
        a->max = b->max;
}

double cs_stats_acc_variance(const cs_acc *a)
{
    if (a->n < 2)
        return 0.0;
    return a->m2 / (double)(a->n - 1);
}

/* ---- time-weighted average ------------------------------------------ */

/*
** last starts at start: cs_stats_tavg_set then adds no area for changes at or
** before start (it only moves the value), and from start on integrates
** the value in force, which is the last one set before start.
*/
void cs_stats_tavg_init(cs_tavg *t, double start, double value)
{
    t->start = start;
    t->last = start;
    t->value = value;
    t->area = 0.0;
}

double cs_stats_tavg_mean(const cs_tavg *t, double end)
{
    double area = t->area;

    if (!(end > t->start))
        return 0.0;
    if (end > t->last)
        area += t->value * (end - (t->last > t->start ? t->last : t->start));
    return area / (end - t->start);
}

/* ---- confidence intervals ------------------------------------------ */

double cs_stats_ci_halfwidth(double sd, size_t n, double level)
{
    assert(level > 0.0 && level < 1.0);
    if (n < 2 || !(sd > 0.0))
        return 0.0;
    return gsl_cdf_tdist_Pinv((1.0 + level) / 2.0, (double)(n - 1)) * sd /
           sqrt((double)n);
}

/* The CI from the mean and sd of n finite values. */
static cs_ci ci_make(double mean, double sd, size_t n, double level)
{
    cs_ci c;

    c.n = n;
    c.mean = n > 0 ? mean : 0.0;
    c.sd = n > 1 ? sd : 0.0;
    c.valid = n > 1;
    if (c.valid && c.sd > 0.0) {
        const double hw = cs_stats_ci_halfwidth(c.sd, n, level);
        c.lo = c.mean - hw;
        c.hi = c.mean + hw;
    } else {
        c.lo = c.hi = c.mean;
    }
    return c;
}

/* Mean and sd of n finite values, through GSL. */
static cs_ci ci_of_finite(const double *v, size_t n, double level)
{
    double mean = 0.0, sd = 0.0;

    if (n > 0)
        mean = gsl_stats_mean(v, 1, n);
    if (n > 1)
        sd = gsl_stats_sd_m(v, 1, n, mean);
    return ci_make(mean, sd, n, level);
}

/*
** Fallback when no scratch memory is available: one Welford pass over the
** finite values of a (minus b when b is not NULL).  Constant data still
** gives sd exactly 0 (every delta is 0).
*/
static cs_ci ci_streaming(const double *a, const double *b, size_t n,
                          double level)
{
    cs_acc acc;

    cs_stats_acc_init(&acc);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(a[i]) || (b != NULL && !isfinite(b[i])))
            continue;
        cs_stats_acc_add(&acc, b != NULL ? a[i] - b[i] : a[i]);
    }
    return ci_make(acc.mean, sqrt(cs_stats_acc_variance(&acc)), (size_t)acc.n,
                   level);
}

/* The standard normal quantile of a two-sided interval at level. */
static double z_of(double level)
{
    assert(level > 0.0 && level < 1.0);
    return gsl_cdf_ugaussian_Pinv((1.0 + level) / 2.0);
}

cs_ci cs_stats_ci_wilson(size_t k, size_t n, double level)
{
    const double z = z_of(level);
    cs_ci c;

    assert(k <= n);
    memset(&c, 0, sizeof c);
    c.n = n;
    c.valid = n > 0;
    if (n == 0)
        return c;
    {
        const double dn = (double)n, p = (double)k / dn, z2 = z * z;
        const double den = 1.0 + z2 / dn;
        const double mid = (p + z2 / (2.0 * dn)) / den;
        const double hw =
            z / den * sqrt(p * (1.0 - p) / dn + z2 / (4.0 * dn * dn));
        c.mean = p;
        c.sd = n > 1 ? sqrt(p * (1.0 - p) * dn / (dn - 1.0)) : 0.0;
        c.lo = k == 0 ? 0.0 : fmax(mid - hw, 0.0);
        c.hi = k == n ? 1.0 : fmin(mid + hw, 1.0);
    }
    return c;
}

double cs_stats_wilson_all(size_t n, double level)
{
    const double z = z_of(level);

    return n > 0 ? (double)n / ((double)n + z * z) : 0.0;
}

size_t cs_stats_wilson_min_n(double target, double level)
{
    const double z = z_of(level), z2 = z * z;
    double guess;
    size_t n;

    if (!(target > 0.0))
        return 1;
    if (!(target < 1.0))
        return 0;
    guess = ceil(target * z2 / (1.0 - target));
    if (!(guess < 1e15))
        return 0;
    n = guess < 1.0 ? 1 : (size_t)guess;
    /* the closed form, checked against the bound itself */
    while (cs_stats_wilson_all(n, level) < target)
        n++;
    while (n > 1 && cs_stats_wilson_all(n - 1, level) >= target)
        n--;
    return n;
}

cs_ci cs_stats_ci_mean(const double *x, size_t n, double level)
{
    size_t m = 0;
    double *v;
    cs_ci c;

    assert(level > 0.0 && level < 1.0);
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]))
            m++;
    if (m == n)
        return ci_of_finite(x, n, level);
    v = malloc(m * sizeof *v + 1);
    if (v == NULL)
        return ci_streaming(x, NULL, n, level);
    m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]))
            v[m++] = x[i];
    c = ci_of_finite(v, m, level);
    free(v);
    return c;
}

/*
** With a[i] == b[i] every difference is exactly +0, so GSL's running mean
** and its sum of squared deviations stay exactly 0: mean 0, CI [0, 0].
*/
cs_ci cs_stats_ci_paired(const double *a, const double *b, size_t n,
                         double level)
{
    size_t m = 0;
    double *d;
    cs_ci c;

    assert(level > 0.0 && level < 1.0);
    d = malloc(n * sizeof *d + 1);
    if (d == NULL)
        return ci_streaming(a, b, n, level);
    for (size_t i = 0; i < n; i++)
        if (isfinite(a[i]) && isfinite(b[i]))
            d[m++] = a[i] - b[i];
    c = ci_of_finite(d, m, level);
    free(d);
    return c;
}

size_t cs_stats_mser(const double *y, size_t n, size_t dmax)
{
    size_t best = 0;
    double best_v = INFINITY;

    if (n < 2)
        return 0;
    if (dmax > n - 1)
        dmax = n - 1;
    for (size_t d = 0; d <= dmax; d++) {
        const size_t k = n - d;
        double mean = 0, ss = 0;
        for (size_t i = d; i < n; i++)
            mean += y[i];
        mean /= (double)k;
        for (size_t i = d; i < n; i++)
            ss += (y[i] - mean) * (y[i] - mean);
        ss /= (double)k * (double)k;
        if (ss < best_v) {
            best_v = ss;
            best = d;
        }
    }
    return best;
}
