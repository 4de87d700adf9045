/*
** test_hist.c - the log-linear histogram against exact order statistics:
** quantiles, ranks, bucket layout, merging, the empty histogram and the
** cdf.  Fixed seeds; each tolerance is derived in the comment above its
** check.
*/
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>

#include "chainsim/hist.h"
#include "loopcheck.h"

static gsl_rng *rng_new(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

    ck_assert_ptr_nonnull(r);
    gsl_rng_set(r, seed);
    return r;
}

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
    /* all percentiles in one pass: the same values */
    {
        double q[101], got[101];
        for (int i = 0; i <= 100; i++)
            q[i] = i / 100.0;
        q[50] = q[49];          /* equal neighbours are allowed */
        cs_hist_quantiles(h, q, 101, got);
        for (int i = 0; i <= 100; i++)
            ck_assert(got[i] == cs_hist_quantile(h, q[i]));
    }
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
        LOOP_CHECK(b >= prev, "bucket of %g before the previous one", v);
        LOOP_CHECK(fabs(cs_hist_bucket_value(b) - v) / v <= 0.0039,
                   "bucket value of %g is %g", v, cs_hist_bucket_value(b));
        prev = b;
    }
    for (size_t b = 0; b + 1 < nb; b++) {
        const double lo = cs_hist_bucket_value(b);
        const double hi = cs_hist_bucket_value(b + 1);
        LOOP_CHECK(hi > lo, "bucket %zu: %g after %g", b, hi, lo);
        LOOP_CHECK(hi / lo - 1.0 <= 1.0 / 128 + 1e-12, "bucket %zu: step %g",
                   b, hi / lo - 1.0);
        LOOP_CHECK(cs_hist_bucket(lo) == b, "bucket of %g is %zu, not %zu", lo,
                   cs_hist_bucket(lo), b);
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
    {
        const double q[2] = {0.1, 0.9};
        double out[2];
        cs_hist_quantiles(h, q, 2, out);
        ck_assert(isnan(out[0]) && isnan(out[1]));
    }
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
/* Reset and merge touch only the range in use: a histogram reused after
** a reset, and merges of far-apart ranges in either order, answer as a
** fresh one filled with the same values. */
START_TEST(test_hist_reuse)
{
    cs_hist *a = cs_hist_new(), *b = cs_hist_new(), *c = cs_hist_new();
    cs_hist *d = cs_hist_new();
    static const double q[] = {0, 0.01, 0.25, 0.5, 0.85, 0.99, 1};
    double qa[7], qc[7], qd[7];

    ck_assert(a != NULL && b != NULL && c != NULL && d != NULL);
    for (int i = 1; i <= 500; i++)
        cs_hist_add(a, 1e6 * i);          /* a far range, then reset */
    cs_hist_reset(a);
    ck_assert_uint_eq(cs_hist_count(a), 0);
    ck_assert(isnan(cs_hist_quantile(a, 0.5)));
    for (int i = 1; i <= 300; i++) {
        const double x = 0.01 * i * i;
        cs_hist_add(a, x);
        cs_hist_add(c, x);
        cs_hist_add(i % 2 ? b : d, x);
    }
    ck_assert_double_eq(cs_hist_cdf(a, 1e7), 1.0);
    cs_hist_merge(b, d);                  /* b: both halves */
    cs_hist_merge(d, b);                  /* d: its half twice, b's once */
    cs_hist_quantiles(a, q, 7, qa);
    cs_hist_quantiles(c, q, 7, qc);
    for (int i = 0; i < 7; i++) {
        ck_assert_double_eq(qa[i], qc[i]);
        ck_assert_double_eq(cs_hist_quantile(b, q[i]), qc[i]);
    }
    cs_hist_quantiles(d, q, 7, qd);
    ck_assert_uint_eq(cs_hist_count(d), 450);
    ck_assert_double_eq(qd[0], qc[0]);
    ck_assert_double_eq(qd[6], qc[6]);
    cs_hist_free(a);
    cs_hist_free(b);
    cs_hist_free(c);
    cs_hist_free(d);
}
END_TEST

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

/* A histogram as data (part files): its used buckets put into an empty
** one give the same quantiles, count, extremes and cdf; a bucket that
** cannot be one is refused and changes nothing. */
START_TEST(test_hist_export)
{
    cs_hist *h = cs_hist_new(), *g = cs_hist_new();
    gsl_rng *r = rng_new(5);
    size_t lo, hi;

    ck_assert(h && g);
    cs_hist_used(h, &lo, &hi);
    ck_assert(lo == 0 && hi == 0);
    for (int i = 0; i < 5000; i++)
        cs_hist_add(h, gsl_ran_lognormal(r, 2.0, 0.7));
    cs_hist_add(h, 0.0);
    cs_hist_used(h, &lo, &hi);
    ck_assert(lo == 0 && hi > lo && hi <= cs_hist_nbuckets());
    for (size_t b = lo; b < hi; b++) {
        uint64_t n;
        double a, z;
        cs_hist_get(h, b, &n, &a, &z);
        if (n > 0)
            ck_assert_int_eq(cs_hist_put(g, b, n, a, z), 0);
    }
    ck_assert(cs_hist_count(g) == cs_hist_count(h));
    for (double q = 0.0; q <= 1.0; q += 0.05)
        ck_assert(cs_hist_quantile(g, q) == cs_hist_quantile(h, q));
    ck_assert(cs_hist_cdf(g, 7.0) == cs_hist_cdf(h, 7.0));
    ck_assert_int_eq(cs_hist_put(g, cs_hist_nbuckets(), 1, 1.0, 1.0), -1);
    ck_assert_int_eq(cs_hist_put(g, cs_hist_bucket(1.0), 0, 1.0, 1.0), -1);
    ck_assert_int_eq(cs_hist_put(g, cs_hist_bucket(1.0), 1, 2.0, 2.0), -1);
    ck_assert_int_eq(cs_hist_put(g, cs_hist_bucket(1.0), 1, 1.0, NAN), -1);
    ck_assert_int_eq(cs_hist_put(g, cs_hist_bucket(1.0), UINT64_MAX, 1.0,
                                 1.0), -1);
    ck_assert(cs_hist_count(g) == cs_hist_count(h));
    gsl_rng_free(r);
    cs_hist_free(h);
    cs_hist_free(g);
}
END_TEST

static Suite *hist_suite(void)
{
    Suite *s = suite_create("hist");
    TCase *hist = tcase_create("hist");

    tcase_add_test(hist, test_hist_quantiles);
    tcase_add_test(hist, test_hist_ranks);
    tcase_add_test(hist, test_hist_buckets);
    tcase_add_test(hist, test_hist_exact_values);
    tcase_add_test(hist, test_hist_merge);
    tcase_add_test(hist, test_hist_empty);
    tcase_add_test(hist, test_hist_cdf);
    tcase_add_test(hist, test_hist_reuse);
    tcase_add_test(hist, test_hist_export);
    tcase_set_timeout(hist, 60);
    suite_add_tcase(s, hist);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(hist_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
