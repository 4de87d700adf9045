/*
** test_stats.c - accumulators, time averages, histogram and confidence
** intervals against GSL and exact order statistics.  Fixed seeds; each
** tolerance is derived in the comment above its check.
*/
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "chainsim/stats.h"

static gsl_rng *rng_new(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

    ck_assert_ptr_nonnull(r);
    gsl_rng_set(r, seed);
    return r;
}

static int close_rel(double a, double b, double tol)
{
    return fabs(a - b) <= tol * fmax(fabs(a), fabs(b));
}

/* ---- accumulators --------------------------------------------------- */

enum { NACC = 5000 };

START_TEST(test_acc_vs_gsl)
{
    gsl_rng *r = rng_new(11);
    double *x = malloc(NACC * sizeof *x);
    double sum = 0.0;
    cs_acc a;

    ck_assert_ptr_nonnull(x);
    cs_stats_acc_init(&a);
    for (size_t i = 0; i < NACC; i++) {
        x[i] = 100.0 + gsl_ran_gaussian(r, 3.0);   /* offset tests stability */
        cs_stats_acc_add(&a, x[i]);
        sum += x[i];
    }
    ck_assert_uint_eq(a.n, NACC);
    /* Both are O(n eps) accurate; 1e-12 relative is far above that. */
    ck_assert(close_rel(a.mean, gsl_stats_mean(x, 1, NACC), 1e-12));
    ck_assert(close_rel(cs_stats_acc_variance(&a),
                        gsl_stats_variance(x, 1, NACC), 1e-10));
    ck_assert(a.min == gsl_stats_min(x, 1, NACC));
    ck_assert(a.max == gsl_stats_max(x, 1, NACC));
    ck_assert(a.sum == sum);   /* same order of additions: bit-equal */
    free(x);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_acc_small)
{
    cs_acc a;

    cs_stats_acc_init(&a);
    ck_assert_uint_eq(a.n, 0);
    ck_assert(cs_stats_acc_variance(&a) == 0.0);
    cs_stats_acc_add(&a, 4.0);
    ck_assert(a.mean == 4.0 && a.min == 4.0 && a.max == 4.0);
    ck_assert(cs_stats_acc_variance(&a) == 0.0);
    cs_stats_acc_add(&a, 6.0);
    ck_assert(a.mean == 5.0);
    ck_assert(cs_stats_acc_variance(&a) == 2.0);
}
END_TEST

START_TEST(test_acc_merge)
{
    gsl_rng *r = rng_new(12);
    cs_acc whole, part[3], merged, empty;
    const size_t cut[4] = {0, 700, 701, 3000};

    cs_stats_acc_init(&whole);
    cs_stats_acc_init(&merged);
    cs_stats_acc_init(&empty);
    for (int p = 0; p < 3; p++) {
        cs_stats_acc_init(&part[p]);
        for (size_t i = cut[p]; i < cut[p + 1]; i++) {
            const double v = gsl_ran_exponential(r, 2.0 + p);
            cs_stats_acc_add(&whole, v);
            cs_stats_acc_add(&part[p], v);
        }
    }
    cs_stats_acc_merge(&merged, &empty);          /* empty into empty */
    ck_assert_uint_eq(merged.n, 0);
    for (int p = 0; p < 3; p++)
        cs_stats_acc_merge(&merged, &part[p]);
    cs_stats_acc_merge(&merged, &empty);          /* empty into full: no-op */
    ck_assert_uint_eq(merged.n, whole.n);
    ck_assert(close_rel(merged.mean, whole.mean, 1e-12));
    ck_assert(close_rel(cs_stats_acc_variance(&merged),
                        cs_stats_acc_variance(&whole), 1e-10));
    ck_assert(close_rel(merged.sum, whole.sum, 1e-12));
    ck_assert(merged.min == whole.min && merged.max == whole.max);
    gsl_rng_free(r);
}
END_TEST

/* ---- time-weighted average ------------------------------------------ */

START_TEST(test_tavg_window)
{
    cs_tavg t;

    /* Changes before start move the value only. */
    cs_stats_tavg_init(&t, 10.0, 2.0);
    cs_stats_tavg_set(&t, 3.0, 100.0);
    cs_stats_tavg_set(&t, 5.0, 4.0);
    ck_assert(t.area == 0.0);
    /* 4 from 10 to 12, 6 from 12 to 20: (8 + 48) / 10. */
    cs_stats_tavg_set(&t, 12.0, 6.0);
    ck_assert(fabs(cs_stats_tavg_mean(&t, 20.0) - 5.6) < 1e-12);
    ck_assert(cs_stats_tavg_mean(&t, 10.0) == 0.0);
    ck_assert(cs_stats_tavg_mean(&t, 9.0) == 0.0);
}
END_TEST

START_TEST(test_tavg_spanning)
{
    cs_tavg t;

    /* The value 3, set at 5, spans the start 10: only [10, 15) counts. */
    cs_stats_tavg_init(&t, 10.0, 0.0);
    cs_stats_tavg_set(&t, 5.0, 3.0);
    cs_stats_tavg_set(&t, 15.0, 1.0);
    ck_assert(fabs(t.area - 15.0) < 1e-12);
    /* (15 + 5) / 10 */
    ck_assert(fabs(cs_stats_tavg_mean(&t, 20.0) - 2.0) < 1e-12);
    /* Two changes at one instant: the first leaves no area. */
    cs_stats_tavg_set(&t, 20.0, 50.0);
    cs_stats_tavg_set(&t, 20.0, 1.0);
    /* (20 + 10) / 20 */
    ck_assert(fabs(cs_stats_tavg_mean(&t, 30.0) - 1.5) < 1e-12);
    /* A change exactly at start. */
    cs_stats_tavg_init(&t, 0.0, 7.0);
    cs_stats_tavg_set(&t, 0.0, 2.0);
    ck_assert(fabs(cs_stats_tavg_mean(&t, 4.0) - 2.0) < 1e-12);
}
END_TEST

/* ---- histogram ------------------------------------------------------ */

enum { NHIST = 100000 };

/* 100k lognormal draws (median e, wide spread) and their sorted copy. */
static void lognormal_sample(double *x, double *sorted, cs_hist *h)
{
    gsl_rng *r = rng_new(13);

    for (size_t i = 0; i < NHIST; i++) {
        x[i] = gsl_ran_lognormal(r, 1.0, 1.0);
        sorted[i] = x[i];
        cs_hist_add(h, x[i]);
    }
    gsl_sort(sorted, 1, NHIST);
    gsl_rng_free(r);
}

/*
** The quantile at q must be within 0.4% of the order statistic of rank
** ceil(q n) (computed here in integers): that value lies in the bucket the
** histogram picks, and the bucket's midpoint is within
** sqrt(1 + 1/128) - 1 = 0.39% of anything in it.  A lower edge instead of
** the midpoint would err by up to 0.78% and fail.
*/
START_TEST(test_hist_quantiles)
{
    static const unsigned pct[] = {1, 50, 85, 95, 99};
    double *x = malloc(NHIST * sizeof *x);
    double *s = malloc(NHIST * sizeof *s);
    cs_hist *h = cs_hist_new();

    ck_assert(x && s && h);
    lognormal_sample(x, s, h);
    ck_assert_uint_eq(cs_hist_count(h), NHIST);
    for (size_t i = 0; i < sizeof pct / sizeof pct[0]; i++) {
        const size_t rank = ((size_t)pct[i] * NHIST + 99) / 100;
        const double exact = s[rank - 1];
        const double got = cs_hist_quantile(h, pct[i] / 100.0);
        ck_assert_msg(fabs(got - exact) / exact <= 0.004,
                      "q=%u: %g vs %g", pct[i], got, exact);
    }
    ck_assert(cs_hist_quantile(h, 0.0) == s[0]);
    ck_assert(cs_hist_quantile(h, 1.0) == s[NHIST - 1]);
    free(x);
    free(s);
    cs_hist_free(h);
}
END_TEST

/*
** Ranks on data whose values sit in distinct buckets: 1..100.  The value
** of rank ceil(q n) is q n rounded up, read back within 0.39%; 0.07 * 100
** is 7.000000000000001 in binary floating point and must still give 7.
*/
START_TEST(test_hist_ranks)
{
    static const double q[] = {0.01, 0.011, 0.07, 0.5, 0.505, 0.56, 0.85,
                               0.95, 0.99, 0.999};
    static const double want[] = {1, 2, 7, 50, 51, 56, 85, 95, 99, 100};
    cs_hist *h = cs_hist_new();

    ck_assert_ptr_nonnull(h);
    for (int i = 100; i >= 1; i--)
        cs_hist_add(h, i);
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        const double got = cs_hist_quantile(h, q[i]);
        ck_assert_msg(fabs(got - want[i]) / want[i] < 0.0039,
                      "q=%g: %g, want %g", q[i], got, want[i]);
    }
    cs_hist_free(h);
}
END_TEST

/* A bucket holding one distinct value gives that value exactly, so
** deterministic chains report exact percentiles; merging keeps it. */
START_TEST(test_hist_exact_values)
{
    static const double a[] = {2, 2, 4, 2, 2}, b[] = {3, 5, 3, 5};
    cs_hist *h = cs_hist_new(), *g = cs_hist_new(), *m = cs_hist_new();

    for (size_t i = 0; i < 5; i++)
        cs_hist_add(h, a[i]);
    for (size_t i = 0; i < 4; i++)
        cs_hist_add(g, b[i]);
    ck_assert(cs_hist_quantile(h, 0.5) == 2.0);
    ck_assert(cs_hist_quantile(h, 0.85) == 4.0);
    ck_assert(cs_hist_quantile(g, 0.5) == 3.0);
    ck_assert(cs_hist_quantile(g, 0.51) == 5.0);
    /* 2.3 and 2.3 + 1e-6 share a bucket: the middle of what it holds */
    cs_hist_add(m, 2.3 + 1e-6);
    cs_hist_merge(m, g);
    cs_hist_add(g, 2.3);
    cs_hist_merge(m, g);
    ck_assert_uint_eq(cs_hist_count(m), 10);
    ck_assert(cs_hist_quantile(m, 0.0) == 2.3);
    ck_assert(cs_hist_quantile(m, 0.1) == 2.3 + ((2.3 + 1e-6) - 2.3) / 2);
    ck_assert(cs_hist_quantile(m, 0.5) == 3.0);
    cs_hist_free(h);
    cs_hist_free(g);
    cs_hist_free(m);
}
END_TEST

START_TEST(test_hist_buckets)
{
    const size_t nb = cs_hist_nbuckets();
    size_t prev = 0;

    ck_assert_uint_eq(nb, 70 * 128);
    ck_assert_uint_eq(cs_hist_bucket(0.0), 0);
    ck_assert_uint_eq(cs_hist_bucket(1e-300), 0);
    ck_assert_uint_eq(cs_hist_bucket(4.9e-324), 0);   /* denormal */
    ck_assert_uint_eq(cs_hist_bucket(NAN), 0);
    ck_assert_uint_eq(cs_hist_bucket(0x1p-30), 0);
    ck_assert_uint_eq(cs_hist_bucket(0x1p-30 * (1.0 + 1.0 / 128)), 1);
    ck_assert_uint_eq(cs_hist_bucket(nextafter(0x1p-30 * (1.0 + 1.0 / 128), 0)),
                      0);
    ck_assert_uint_eq(cs_hist_bucket(nextafter(0x1p40, 0)), nb - 1);
    ck_assert_uint_eq(cs_hist_bucket(0x1p40), nb - 1);
    ck_assert_uint_eq(cs_hist_bucket(1e300), nb - 1);
    ck_assert_uint_eq(cs_hist_bucket(INFINITY), nb - 1);
    /* Monotone in x, and each in-range x is within 0.39% of its bucket's
    ** value; consecutive bucket values grow by at most 1/128. */
    for (double v = 0x1p-30; v < 0x1p40; v *= 1.0007) {
        const size_t b = cs_hist_bucket(v);
        ck_assert_uint_ge(b, prev);
        ck_assert(fabs(cs_hist_bucket_value(b) - v) / v <= 0.0039);
        prev = b;
    }
    for (size_t b = 0; b + 1 < nb; b++) {
        const double lo = cs_hist_bucket_value(b);
        const double hi = cs_hist_bucket_value(b + 1);
        ck_assert(hi > lo);
        ck_assert(hi / lo - 1.0 <= 1.0 / 128 + 1e-12);
        ck_assert_uint_eq(cs_hist_bucket(lo), b);
    }
}
END_TEST

START_TEST(test_hist_merge)
{
    gsl_rng *r = rng_new(14);
    cs_hist *a = cs_hist_new(), *b = cs_hist_new(), *all = cs_hist_new();

    ck_assert(a && b && all);
    for (int i = 0; i < 20000; i++) {
        const double v = gsl_ran_gamma(r, 2.0, 3.0);
        cs_hist_add(i % 3 ? a : b, v);
        cs_hist_add(all, v);
    }
    cs_hist_add(b, 1e6);        /* b holds the max */
    cs_hist_add(all, 1e6);
    cs_hist_merge(a, b);
    ck_assert_uint_eq(cs_hist_count(a), cs_hist_count(all));
    for (int q = 0; q <= 100; q++)
        ck_assert(cs_hist_quantile(a, q / 100.0) ==
                  cs_hist_quantile(all, q / 100.0));
    for (double x = 0.01; x < 100; x *= 1.3)
        ck_assert(cs_hist_cdf(a, x) == cs_hist_cdf(all, x));
    ck_assert(cs_hist_quantile(a, 1.0) == 1e6);
    /* Merging an empty histogram changes nothing. */
    cs_hist_reset(b);
    cs_hist_merge(a, b);
    ck_assert_uint_eq(cs_hist_count(a), cs_hist_count(all));
    ck_assert(cs_hist_quantile(a, 0.0) == cs_hist_quantile(all, 0.0));
    cs_hist_free(a);
    cs_hist_free(b);
    cs_hist_free(all);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_hist_empty)
{
    cs_hist *h = cs_hist_new();

    ck_assert_ptr_nonnull(h);
    ck_assert_uint_eq(cs_hist_count(h), 0);
    ck_assert(isnan(cs_hist_quantile(h, 0.5)));
    ck_assert(isnan(cs_hist_quantile(h, 0.0)));
    ck_assert(isnan(cs_hist_cdf(h, 1.0)));
    cs_hist_add(h, NAN);                 /* ignored */
    ck_assert_uint_eq(cs_hist_count(h), 0);
    cs_hist_add(h, 3.0);
    ck_assert(cs_hist_quantile(h, 0.5) == 3.0);   /* clamped to min = max */
    cs_hist_reset(h);
    ck_assert(isnan(cs_hist_quantile(h, 0.5)));
    cs_hist_add(h, 0.0);                 /* zero lands in bucket 0 */
    ck_assert(cs_hist_quantile(h, 0.5) == 0.0);
    cs_hist_free(h);
    cs_hist_free(NULL);
}
END_TEST

/* Number of sorted values <= x. */
static size_t count_le(const double *s, size_t n, double x)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (s[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/*
** cdf(x) counts the whole bucket of x: at least the exact share of values
** <= x and at most the share <= x (1 + 1/128), the bucket's far edge.
*/
START_TEST(test_hist_cdf)
{
    double *x = malloc(NHIST * sizeof *x);
    double *s = malloc(NHIST * sizeof *s);
    cs_hist *h = cs_hist_new();

    ck_assert(x && s && h);
    lognormal_sample(x, s, h);
    for (double v = 0.1; v < 200; v *= 1.05) {
        const double c = cs_hist_cdf(h, v);
        const double lo = (double)count_le(s, NHIST, v) / NHIST;
        const double hi =
            (double)count_le(s, NHIST, v * (1.0 + 1.0 / 128)) / NHIST;
        ck_assert_msg(c >= lo && c <= hi, "cdf(%g) = %g not in [%g, %g]", v,
                      c, lo, hi);
    }
    ck_assert(cs_hist_cdf(h, s[0] / 2) == 0.0);
    ck_assert(cs_hist_cdf(h, s[NHIST - 1]) == 1.0);
    free(x);
    free(s);
    cs_hist_free(h);
}
END_TEST

/* ---- confidence intervals ------------------------------------------ */

/*
** 4000 intervals from n = 10 normal values must cover the true mean with
** frequency 0.95 +- 4 standard errors, sqrt(0.95 * 0.05 / 4000) = 0.0034
** each (a false alarm has probability < 1e-4).  A normal quantile (1.96)
** instead of Student's (2.262) covers about 92%, outside the band.
*/
START_TEST(test_ci_coverage)
{
    enum { TRIALS = 4000, N = 10 };
    const double band = 4.0 * sqrt(0.95 * 0.05 / TRIALS);
    gsl_rng *r = rng_new(15);
    double x[N];
    int covered = 0;

    for (int t = 0; t < TRIALS; t++) {
        cs_ci c;
        for (int i = 0; i < N; i++)
            x[i] = 5.0 + gsl_ran_gaussian(r, 2.0);
        c = cs_stats_ci_mean(x, N, 0.95);
        ck_assert(c.valid);
        covered += c.lo <= 5.0 && 5.0 <= c.hi;
    }
    ck_assert_msg(fabs((double)covered / TRIALS - 0.95) <= band,
                  "coverage %g", (double)covered / TRIALS);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_ci_t_quantile)
{
    const double x[10] = {1, 4, 2, 8, 5, 7, 3, 9, 6, 2.5};
    const cs_ci c = cs_stats_ci_mean(x, 10, 0.95);
    /* t(0.975, 9) = 2.2621571628 (tables give 2.262157). */
    const double t = (c.hi - c.lo) / 2 * sqrt(10.0) / c.sd;

    ck_assert(c.valid);
    ck_assert_uint_eq(c.n, 10);
    ck_assert(fabs(c.mean - gsl_stats_mean(x, 1, 10)) < 1e-14);
    ck_assert(fabs(c.sd - gsl_stats_sd(x, 1, 10)) < 1e-14);
    ck_assert(fabs(t - 2.262157) < 1e-6);
    ck_assert(fabs(cs_stats_ci_halfwidth(1.0, 10, 0.95) * sqrt(10.0) -
                   2.262157) < 1e-6);
    ck_assert(cs_stats_ci_halfwidth(1.0, 1, 0.95) == 0.0);
    ck_assert(cs_stats_ci_halfwidth(0.0, 10, 0.95) == 0.0);
    ck_assert(fabs(c.mean - (c.lo + c.hi) / 2) < 1e-12);
}
END_TEST

START_TEST(test_ci_small_n)
{
    const double one = 3.5;
    const double nans[3] = {NAN, NAN, INFINITY};
    const double flat[4] = {0.1, 0.1, 0.1, 0.1};
    cs_ci c;

    c = cs_stats_ci_mean(NULL, 0, 0.95);
    ck_assert(!c.valid && c.n == 0 && c.mean == 0.0 && c.lo == 0.0 &&
              c.hi == 0.0);
    c = cs_stats_ci_mean(nans, 3, 0.95);
    ck_assert(!c.valid && c.n == 0 && c.mean == 0.0 && c.lo == 0.0 &&
              c.hi == 0.0 && c.sd == 0.0);
    c = cs_stats_ci_mean(&one, 1, 0.95);
    ck_assert(!c.valid && c.n == 1 && c.mean == 3.5 && c.lo == 3.5 &&
              c.hi == 3.5 && c.sd == 0.0);
    /* Constant data: a valid interval of width exactly 0. */
    c = cs_stats_ci_mean(flat, 4, 0.95);
    ck_assert(c.valid && c.n == 4);
    ck_assert(c.mean == 0.1 && c.lo == 0.1 && c.hi == 0.1 && c.sd == 0.0);
}
END_TEST

START_TEST(test_ci_nan_skipping)
{
    const double x[7] = {1.0, NAN, 3.0, NAN, 5.0, INFINITY, -INFINITY};
    const double clean[3] = {1.0, 3.0, 5.0};
    const cs_ci c = cs_stats_ci_mean(x, 7, 0.95);
    const cs_ci d = cs_stats_ci_mean(clean, 3, 0.95);

    ck_assert_uint_eq(c.n, 3);
    ck_assert(c.valid);
    ck_assert(c.mean == 3.0 && c.sd == 2.0);
    ck_assert(c.lo == d.lo && c.hi == d.hi);
    ck_assert(!isnan(c.lo) && !isnan(c.hi));
}
END_TEST

START_TEST(test_ci_paired)
{
    gsl_rng *r = rng_new(16);
    double a[50], b[50], d[50];
    cs_ci c, e;

    for (int i = 0; i < 50; i++) {
        a[i] = gsl_ran_lognormal(r, 2.0, 0.7);
        b[i] = a[i] - 1.0 + gsl_ran_gaussian(r, 0.3);
    }
    a[7] = NAN;          /* this pair and the next are skipped */
    b[9] = NAN;
    for (int i = 0, k = 0; i < 50; i++)
        if (!isnan(a[i]) && !isnan(b[i]))
            d[k++] = a[i] - b[i];
    c = cs_stats_ci_paired(a, b, 50, 0.95);
    e = cs_stats_ci_mean(d, 48, 0.95);
    ck_assert_uint_eq(c.n, 48);
    ck_assert(c.mean == e.mean && c.lo == e.lo && c.hi == e.hi);
    ck_assert(c.lo > 0.0);   /* mean difference 1, sd 0.3: CI excludes 0 */

    /* Identical inputs: exact zeros, not rounding residue. */
    c = cs_stats_ci_paired(a, a, 50, 0.95);
    ck_assert_uint_eq(c.n, 49);
    ck_assert(c.valid);
    ck_assert(c.mean == 0.0 && c.lo == 0.0 && c.hi == 0.0 && c.sd == 0.0);
    /* Bonferroni level: a wider interval. */
    c = cs_stats_ci_paired(a, b, 50, 0.95);
    e = cs_stats_ci_paired(a, b, 50, 1.0 - 0.05 / 4);
    ck_assert(e.hi - e.lo > c.hi - c.lo);
    /* Fewer than two pairs. */
    c = cs_stats_ci_paired(a + 7, b + 7, 3, 0.95);   /* pairs 7 and 9 skipped */
    ck_assert(c.n == 1 && !c.valid && c.lo == c.hi && c.hi == c.mean);
    gsl_rng_free(r);
}
END_TEST

static Suite *stats_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *acc = tcase_create("acc");
    TCase *hist = tcase_create("hist");
    TCase *ci = tcase_create("ci");

    tcase_add_test(acc, test_acc_vs_gsl);
    tcase_add_test(acc, test_acc_small);
    tcase_add_test(acc, test_acc_merge);
    tcase_add_test(acc, test_tavg_window);
    tcase_add_test(acc, test_tavg_spanning);
    tcase_add_test(hist, test_hist_quantiles);
    tcase_add_test(hist, test_hist_ranks);
    tcase_add_test(hist, test_hist_buckets);
    tcase_add_test(hist, test_hist_exact_values);
    tcase_add_test(hist, test_hist_merge);
    tcase_add_test(hist, test_hist_empty);
    tcase_add_test(hist, test_hist_cdf);
    tcase_add_test(ci, test_ci_coverage);
    tcase_add_test(ci, test_ci_t_quantile);
    tcase_add_test(ci, test_ci_small_n);
    tcase_add_test(ci, test_ci_nan_skipping);
    tcase_add_test(ci, test_ci_paired);
    tcase_set_timeout(hist, 60);
    suite_add_tcase(s, acc);
    suite_add_tcase(s, hist);
    suite_add_tcase(s, ci);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(stats_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
