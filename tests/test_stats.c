/*
** test_stats.c - accumulators, time averages and confidence intervals
** against GSL.  Fixed seeds; each tolerance is derived in the comment above
** its check.  The histogram's tests are in test_hist.c.
*/
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
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

/* MSER: a level shift is cut where it ends, a flat series is not cut,
** and the search stays within dmax. */
START_TEST(test_mser)
{
    double y[40];

    for (int i = 0; i < 40; i++)
        y[i] = (i < 10 ? 0.0 : 1.0) + 0.01 * sin(1.7 * i);
    ck_assert_uint_eq(cs_stats_mser(y, 40, 35), 10);
    /* not allowed to reach the shift: the last place it may cut */
    ck_assert_uint_eq(cs_stats_mser(y, 40, 6), 6);
    for (int i = 0; i < 40; i++)
        y[i] = 2.5;
    ck_assert_uint_eq(cs_stats_mser(y, 40, 35), 0);
    /* a rising tail: MSER cuts as much as it may */
    for (int i = 0; i < 40; i++)
        y[i] = i;
    ck_assert_uint_eq(cs_stats_mser(y, 40, 35), 35);
    ck_assert_uint_eq(cs_stats_mser(y, 40, 1000), 39);
    ck_assert_uint_eq(cs_stats_mser(y, 1, 5), 0);
    ck_assert_uint_eq(cs_stats_mser(y, 0, 5), 0);
}
END_TEST

/*
** The Wilson score interval against a hand computation: 17 of 20 at 95%,
** z = 1.959964, z^2 = 3.841459: centre (0.85 + z^2/40) / (1 + z^2/20) =
** 0.793606, half-width z / (1 + z^2/20) sqrt(0.85 x 0.15 / 20 + z^2/1600)
** = 0.154025, so [0.639581, 0.947631] (not the t interval's
** [0.6814, 1.0186] of 0/1 values).
*/
START_TEST(test_ci_wilson)
{
    cs_ci c = cs_stats_ci_wilson(17, 20, 0.95);

    ck_assert(c.valid);
    ck_assert_uint_eq(c.n, 20);
    ck_assert_double_eq_tol(c.mean, 0.85, 1e-15);
    ck_assert_double_eq_tol(c.lo, 0.6395811352592431, 1e-12);
    ck_assert_double_eq_tol(c.hi, 0.9476312541037835, 1e-12);
    /* the sd of seventeen 1s and three 0s */
    ck_assert_double_eq_tol(c.sd, sqrt(0.85 * 0.15 * 20 / 19), 1e-12);
    /* all or none: the bound at the edge is exact, the other n/(n+z^2) */
    c = cs_stats_ci_wilson(20, 20, 0.95);
    ck_assert(c.hi == 1.0 && c.mean == 1.0);
    ck_assert_double_eq_tol(c.lo, 0.8388748419471808, 1e-12);
    ck_assert_double_eq_tol(c.lo, cs_stats_wilson_all(20, 0.95), 1e-12);
    c = cs_stats_ci_wilson(0, 20, 0.95);
    ck_assert(c.lo == 0.0 && c.mean == 0.0);
    ck_assert_double_eq_tol(c.hi, 1.0 - 0.8388748419471808, 1e-12);
    /* one trial is enough for an interval; none gives none */
    c = cs_stats_ci_wilson(1, 1, 0.95);
    ck_assert(c.valid && c.sd == 0.0 && c.hi == 1.0);
    ck_assert_double_eq_tol(c.lo, 1.0 / (1.0 + 1.959963984540054 *
                                                1.959963984540054), 1e-12);
    c = cs_stats_ci_wilson(0, 0, 0.95);
    ck_assert(!c.valid && c.n == 0);
}
END_TEST

/*
** Replications a target needs: 20 of 20 reach only 0.839, below 0.85;
** 85% needs 22 (21/(21 + z^2) = 0.8454, 22/(22 + z^2) = 0.8513).
*/
START_TEST(test_wilson_min_n)
{
    ck_assert_double_eq_tol(cs_stats_wilson_all(20, 0.95), 0.838875, 1e-6);
    ck_assert_uint_eq(cs_stats_wilson_min_n(0.85, 0.95), 22);
    ck_assert(cs_stats_wilson_all(21, 0.95) < 0.85);
    ck_assert(cs_stats_wilson_all(22, 0.95) >= 0.85);
    ck_assert_uint_eq(cs_stats_wilson_min_n(0.5, 0.95), 4);  /* 4/7.84 */
    ck_assert_uint_eq(cs_stats_wilson_min_n(0.95, 0.95), 73);
    ck_assert(cs_stats_wilson_all(72, 0.95) < 0.95);
    ck_assert(cs_stats_wilson_all(73, 0.95) >= 0.95);
    ck_assert_uint_eq(cs_stats_wilson_min_n(1.0, 0.95), 0);
    ck_assert_uint_eq(cs_stats_wilson_min_n(0.0, 0.95), 1);
    ck_assert_double_eq(cs_stats_wilson_all(0, 0.95), 0.0);
}
END_TEST

static Suite *stats_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *acc = tcase_create("acc");
    TCase *ci = tcase_create("ci");

    tcase_add_test(acc, test_acc_vs_gsl);
    tcase_add_test(acc, test_acc_small);
    tcase_add_test(acc, test_acc_merge);
    tcase_add_test(acc, test_tavg_window);
    tcase_add_test(acc, test_tavg_spanning);
    tcase_add_test(ci, test_ci_coverage);
    tcase_add_test(ci, test_ci_t_quantile);
    tcase_add_test(ci, test_ci_small_n);
    tcase_add_test(ci, test_ci_nan_skipping);
    tcase_add_test(ci, test_ci_paired);
    tcase_add_test(ci, test_ci_wilson);
    tcase_add_test(ci, test_wilson_min_n);
    tcase_add_test(acc, test_mser);
    suite_add_tcase(s, acc);
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
