/*
** stats.c - running accumulators, time-weighted averages, the log-linear
** histogram and Student-t confidence intervals.
**
** Histogram layout.  frexp(x) = m * 2^e with m in [0.5, 1).  Values in
** [2^-30, 2^40) have e in [HIST_EMIN, HIST_EMAX]; each power of two is cut
** into HIST_SUB equal sub-buckets of its mantissa range, so bucket
**     (e - HIST_EMIN) * HIST_SUB + (int)((m - 0.5) * 2 * HIST_SUB)
** covers [ (0.5 + k/256) 2^e, (0.5 + (k+1)/256) 2^e ).  Its relative width
** is at most (1/256) / 0.5 = 1/128, so the geometric midpoint is within
** sqrt(1 + 1/128) - 1 < 0.39% of any value in the bucket.  Values below
** 2^-30 (0, denormals, negatives) share bucket 0; values from 2^40 on
** share the last one.  The exact min and max clamp every answer.
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

/* ---- histogram ------------------------------------------------------ */

enum {
    HIST_SUB = 128,                 /* sub-buckets per power of two */
    HIST_EMIN = -29,                /* frexp exponent of 2^-30 */
    HIST_EMAX = 40,                 /* frexp exponent of values just below 2^40 */
    HIST_N = (HIST_EMAX - HIST_EMIN + 1) * HIST_SUB
};

static const double hist_lo = 0x1p-30;
static const double hist_hi = 0x1p40;

/*
** Each bucket also keeps the least and greatest value it holds (valid only
** where count > 0), so a quantile is the middle of what its bucket really
** holds: within half a bucket of the order statistic (0.4%), and exact
** when the bucket holds one distinct value, as deterministic chains do.
** Minima and maxima merge in any order with the same result.
*/
struct cs_hist {
    uint64_t n;
    double min;
    double max;
    uint64_t count[HIST_N];
    double bmin[HIST_N];
    double bmax[HIST_N];
};

cs_hist *cs_hist_new(void)
{
    cs_hist *h = malloc(sizeof *h);

    if (h != NULL)
        cs_hist_reset(h);
    return h;
}

void cs_hist_free(cs_hist *h)
{
    free(h);
}

void cs_hist_reset(cs_hist *h)
{
    h->n = 0;
    h->min = INFINITY;
    h->max = -INFINITY;
    memset(h->count, 0, sizeof h->count);
}

size_t cs_hist_bucket(double x)
{
    int e;
    double m;

    if (!(x >= hist_lo))            /* also NaN */
        return 0;
    if (x >= hist_hi)
        return HIST_N - 1;
    m = frexp(x, &e);
    /* m - 0.5 and the product are exact: m has 53 bits in [0.5, 1). */
    return (size_t)(e - HIST_EMIN) * HIST_SUB +
           (size_t)((m - 0.5) * (2 * HIST_SUB));
}

/* Lower and upper edges of bucket b. */
static void bucket_edges(size_t b, double *lo, double *hi)
{
    const int e = (int)(b / HIST_SUB) + HIST_EMIN;
    const double k = (double)(b % HIST_SUB);

    *lo = ldexp(0.5 + k / (2 * HIST_SUB), e);
    *hi = ldexp(0.5 + (k + 1) / (2 * HIST_SUB), e);
}

double cs_hist_bucket_value(size_t bucket)
{
    double lo, hi;

    assert(bucket < HIST_N);
    bucket_edges(bucket, &lo, &hi);
    return sqrt(lo * hi);
}

size_t cs_hist_nbuckets(void)
{
    return HIST_N;
}

/* Called once per finished item: one frexp and a few compares.  NaN is
** ignored (it has no place in a histogram of durations). */
void cs_hist_add(cs_hist *h, double x)
{
    size_t b;

    if (isnan(x))
        return;
    b = cs_hist_bucket(x);
    if (h->count[b]++ == 0) {
        h->bmin[b] = h->bmax[b] = x;
    } else if (x < h->bmin[b]) {
        h->bmin[b] = x;
    } else if (x > h->bmax[b]) {
        h->bmax[b] = x;
    }
    h->n++;
    if (x < h->min)
        h->min = x;
    if (x > h->max)
        h->max = x;
}

void cs_hist_merge(cs_hist *dst, const cs_hist *src)
{
    if (src->n == 0)
        return;
    for (size_t b = 0; b < HIST_N; b++) {
        if (src->count[b] == 0)
            continue;
        if (dst->count[b] == 0) {
            dst->bmin[b] = src->bmin[b];
            dst->bmax[b] = src->bmax[b];
        } else {
            if (src->bmin[b] < dst->bmin[b])
                dst->bmin[b] = src->bmin[b];
            if (src->bmax[b] > dst->bmax[b])
                dst->bmax[b] = src->bmax[b];
        }
        dst->count[b] += src->count[b];
    }
    dst->n += src->n;
    if (src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
}

uint64_t cs_hist_count(const cs_hist *h)
{
    return h->n;
}

/*
** The value of rank ceil(q n) (1-based).  q n is computed in floating
** point, so 0.85 * 100000 may come out a hair above 85000; a relative
** slack far below one rank keeps such products on their integer.
*/
double cs_hist_quantile(const cs_hist *h, double q)
{
    double r, v;
    uint64_t rank, cum = 0;
    size_t b;

    if (h->n == 0 || isnan(q))
        return NAN;
    if (q <= 0.0)
        return h->min;
    if (q >= 1.0)
        return h->max;
    r = q * (double)h->n;
    r = ceil(r - r * 1e-12);
    rank = r < 1.0 ? 1 : (uint64_t)r;
    if (rank > h->n)
        rank = h->n;
    for (b = 0; b < HIST_N; b++) {
        cum += h->count[b];
        if (cum >= rank)
            break;
    }
    assert(b < HIST_N);
    v = h->bmin[b] + (h->bmax[b] - h->bmin[b]) / 2;
    return v;
}

double cs_hist_cdf(const cs_hist *h, double x)
{
    uint64_t cum = 0;
    size_t last;

    if (h->n == 0 || isnan(x))
        return NAN;
    if (x < h->min)
        return 0.0;
    if (x >= h->max)
        return 1.0;
    last = cs_hist_bucket(x);
    for (size_t b = 0; b <= last; b++)
        cum += h->count[b];
    return (double)cum / (double)h->n;
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
