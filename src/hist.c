/*
** hist.c - the log-linear histogram of non-negative durations.
**
** Layout.  frexp(x) = m * 2^e with m in [0.5, 1).  Values in [2^-30, 2^40)
** have e in [HIST_EMIN, HIST_EMAX]; each power of two is cut into HIST_SUB
** equal sub-buckets of its mantissa range, so bucket
**     (e - HIST_EMIN) * HIST_SUB + (int)((m - 0.5) * 2 * HIST_SUB)
** covers [ (0.5 + k/256) 2^e, (0.5 + (k+1)/256) 2^e ).  Its relative width
** is at most (1/256) / 0.5 = 1/128, so the geometric midpoint is within
** sqrt(1 + 1/128) - 1 < 0.39% of any value in the bucket.  Values below
** 2^-30 (0, denormals, negatives) share bucket 0; values from 2^40 on
** share the last one.  The exact min and max clamp every answer.
**
** Range in use.  The buckets of min and max bound every bucket with a
** count, so reset, merge and the quantile scans touch only that range:
** a replication's histogram of a few hundred lead times costs a few
** hundred buckets, not all 8,960 (the answers are the same).
*/
#include "chainsim/hist.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    HIST_SUB = 128,                 /* sub-buckets per power of two */
    HIST_EMIN = -29,                /* frexp exponent of 2^-30 */
    HIST_EMAX = 40,                 /* frexp exponent just below 2^40 */
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
    cs_hist *h = calloc(1, sizeof *h);    /* every count 0 */

    if (h != NULL) {
        h->min = INFINITY;
        h->max = -INFINITY;
    }
    return h;
}

size_t cs_hist_bytes(void)
{
    return sizeof(cs_hist);
}

void cs_hist_free(cs_hist *h)
{
    free(h);
}

/* The first and one past the last bucket that may have a count. */
static size_t range_lo(const cs_hist *h)
{
    return h->n > 0 ? cs_hist_bucket(h->min) : 0;
}

static size_t range_hi(const cs_hist *h)
{
    return h->n > 0 ? cs_hist_bucket(h->max) + 1 : 0;
}

void cs_hist_reset(cs_hist *h)
{
    const size_t lo = range_lo(h), hi = range_hi(h);

    if (hi > lo)
        memset(&h->count[lo], 0, (hi - lo) * sizeof h->count[0]);
    h->n = 0;
    h->min = INFINITY;
    h->max = -INFINITY;
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
    const size_t hi = range_hi(src);

    if (src->n == 0)
        return;
    for (size_t b = range_lo(src); b < hi; b++) {
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
    for (b = range_lo(h); b < HIST_N; b++) {
        cum += h->count[b];
        if (cum >= rank)
            break;
    }
    assert(b < HIST_N);
    v = h->bmin[b] + (h->bmax[b] - h->bmin[b]) / 2;
    return v;
}

void cs_hist_quantiles(const cs_hist *h, const double *q, size_t n,
                       double *out)
{
    uint64_t cum = 0;
    size_t b = range_lo(h);

    for (size_t i = 0; i < n; i++) {
        double r;
        uint64_t rank;

        assert(i == 0 || !(q[i] < q[i - 1]));
        if (h->n == 0 || isnan(q[i]) || q[i] <= 0.0 || q[i] >= 1.0) {
            out[i] = cs_hist_quantile(h, q[i]);
            continue;
        }
        r = q[i] * (double)h->n;
        r = ceil(r - r * 1e-12);
        rank = r < 1.0 ? 1 : (uint64_t)r;
        if (rank > h->n)
            rank = h->n;
        /* cum counts buckets [0, b); the quantiles ascend, so the scan
        ** goes on where the last one stopped */
        while (cum + h->count[b] < rank) {
            cum += h->count[b];
            b++;
        }
        assert(b < HIST_N);
        out[i] = h->bmin[b] + (h->bmax[b] - h->bmin[b]) / 2;
    }
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
    for (size_t b = range_lo(h); b <= last; b++)
        cum += h->count[b];
    return (double)cum / (double)h->n;
}

void cs_hist_used(const cs_hist *h, size_t *lo, size_t *hi)
{
    size_t a = range_lo(h), b = range_hi(h);

    *lo = *hi = 0;
    if (h->n == 0)
        return;
    while (a < HIST_N && h->count[a] == 0)
        a++;
    while (b > a && h->count[b - 1] == 0)
        b--;
    *lo = a;
    *hi = b;
}

void cs_hist_get(const cs_hist *h, size_t b, uint64_t *count, double *bmin,
                 double *bmax)
{
    assert(b < HIST_N);
    *count = h->count[b];
    *bmin = *count > 0 ? h->bmin[b] : 0.0;
    *bmax = *count > 0 ? h->bmax[b] : NAN;
}

int cs_hist_put(cs_hist *h, size_t b, uint64_t count, double bmin,
                double bmax)
{
    if (b >= HIST_N || count == 0 || isnan(bmin) || isnan(bmax) ||
        bmin > bmax || cs_hist_bucket(bmin) != b ||
        cs_hist_bucket(bmax) != b || h->n > UINT64_MAX - count)
        return -1;
    if (h->count[b] == 0) {
        h->bmin[b] = bmin;
        h->bmax[b] = bmax;
    } else {
        if (bmin < h->bmin[b])
            h->bmin[b] = bmin;
        if (bmax > h->bmax[b])
            h->bmax[b] = bmax;
    }
    h->count[b] += count;
    h->n += count;
    if (bmin < h->min)
        h->min = bmin;
    if (bmax > h->max)
        h->max = bmax;
    return 0;
}
