/*
** test_dist.c - distributions: sampling against analytic moments, bounds,
** conversions, descriptions and copies.
**
** Sampling tests draw N = 200000 values from gsl_rng_mt19937 with a fixed
** seed and accept a sample mean within 5 standard errors of the analytic
** mean (SE = sd / sqrt(N)) and a sample variance within 5 standard errors
** of the analytic variance (SE = sqrt((m4 - s^4) / N), m4 the sample
** fourth central moment).  Under the normal approximation a correct
** sampler fails one comparison with probability 6e-7.
*/
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "chainsim/dist.h"
#include "chainsim/distparse.h"
#include "chainsim/error.h"
#include "loopcheck.h"

#define NDRAWS 200000
#define SEED 20240611ul
#define PI 3.14159265358979323846

static char msg[512];

/* ---------------------------------------------------------------- */
/* Sampling                                                          */
/* ---------------------------------------------------------------- */

static cs_dist parse_ok(const char *s)
{
    cs_dist d;

    ck_assert_msg(cs_distparse_text(s, NULL, NULL, &d, msg, sizeof msg, NULL) ==
                      CS_OK,
                  "'%s': %s", s, msg);
    return d;
}

/* Draws NDRAWS values and checks mean and variance as the header says. */
static void check_moments(const char *spec)
{
    cs_dist d = parse_ok(spec);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double *x = malloc(NDRAWS * sizeof *x);
    const double mu = cs_dist_mean(&d), var = cs_dist_variance(&d);
    double m = 0.0, s2 = 0.0, m4 = 0.0, se_mean, se_var;

    ck_assert(r != NULL && x != NULL);
    gsl_rng_set(r, SEED);
    for (size_t i = 0; i < NDRAWS; i++) {
        x[i] = cs_dist_sample(&d, r);
        LOOP_CHECK(x[i] >= 0.0 && isfinite(x[i]), "%s: draw %g", spec, x[i]);
        m += x[i];
    }
    m /= NDRAWS;
    for (size_t i = 0; i < NDRAWS; i++) {
        const double e2 = (x[i] - m) * (x[i] - m);
        s2 += e2;
        m4 += e2 * e2;
    }
    s2 /= NDRAWS - 1;
    m4 /= NDRAWS;
    se_mean = sqrt(var / NDRAWS);
    se_var = sqrt((m4 - s2 * s2) / NDRAWS);
    ck_assert_msg(fabs(m - mu) <= 5.0 * se_mean,
                  "%s: sample mean %.6g, analytic %.6g (SE %.3g)", spec, m,
                  mu, se_mean);
    ck_assert_msg(fabs(s2 - var) <= 5.0 * se_var,
                  "%s: sample variance %.6g, analytic %.6g (SE %.3g)", spec,
                  s2, var, se_var);
    free(x);
    gsl_rng_free(r);
    cs_dist_fini(&d);
}

START_TEST(test_moments_uniform) { check_moments("uniform(1d, 3d)"); }
END_TEST
START_TEST(test_moments_triangular)
{
    check_moments("triangular(1d, 2d, 5d)");
    check_moments("triangular(1d, 1d, 5d)");
    check_moments("triangular(1d, 5d, 5d)");
}
END_TEST
START_TEST(test_moments_pert) { check_moments("pert(1d, 2d, 5d)"); }
END_TEST
START_TEST(test_moments_exponential) { check_moments("exponential(2d)"); }
END_TEST
START_TEST(test_moments_gamma)
{
    check_moments("gamma(mean=4d, cv=0.5)");
    check_moments("gamma(shape=0.7, scale=3d)");
}
END_TEST
START_TEST(test_moments_lognormal)
{
    check_moments("lognormal(mean=2d, sd=1d)");
    check_moments("lognormal(median=2d, p90=6d)");
}
END_TEST
START_TEST(test_moments_weibull)
{
    check_moments("weibull(shape=1.5, scale=2d)");
    check_moments("weibull(shape=0.8, scale=1d)");
}
END_TEST
START_TEST(test_moments_empirical)
{
    check_moments("empirical(1d, 2d, 2d, 7d)");
}
END_TEST

START_TEST(test_const_and_bounds)
{
    cs_dist c = cs_dist_const(3.0), t = parse_ok("triangular(1d, 2d, 5d)");
    cs_dist p = parse_ok("pert(1d, 4d, 5d)");
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

    gsl_rng_set(r, SEED);
    for (int i = 0; i < 10000; i++) {
        const double xt = cs_dist_sample(&t, r), xp = cs_dist_sample(&p, r);
        LOOP_CHECK(cs_dist_sample(&c, r) == 3.0, "constant draw");
        LOOP_CHECK(xt >= 1.0 && xt <= 5.0, "triangular draw %g", xt);
        LOOP_CHECK(xp >= 1.0 && xp <= 5.0, "pert draw %g", xp);
    }
    ck_assert(cs_dist_mean(&c) == 3.0 && cs_dist_variance(&c) == 0.0);
    /* min == max: a constant, as min <= mode <= max allows */
    {
        cs_dist t1 = parse_ok("triangular(2d, 2d, 2d)");
        cs_dist p1 = parse_ok("pert(2d, 2d, 2d)");
        for (int i = 0; i < 100; i++) {
            ck_assert(cs_dist_sample(&t1, r) == 2.0);
            ck_assert(cs_dist_sample(&p1, r) == 2.0);
        }
        ck_assert(cs_dist_mean(&t1) == 2.0 && cs_dist_variance(&t1) == 0.0);
        ck_assert(cs_dist_mean(&p1) == 2.0 && cs_dist_variance(&p1) == 0.0);
    }
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_analytic_moments)
{
    cs_dist d = parse_ok("uniform(1d, 3d)");
    ck_assert_double_eq_tol(cs_dist_mean(&d), 2.0, 1e-15);
    ck_assert_double_eq_tol(cs_dist_variance(&d), 1.0 / 3.0, 1e-15);
    d = parse_ok("triangular(1d, 2d, 5d)");
    ck_assert_double_eq_tol(cs_dist_mean(&d), 8.0 / 3.0, 1e-15);
    ck_assert_double_eq_tol(cs_dist_variance(&d), 13.0 / 18.0, 1e-15);
    /* pert(1, 2, 5): Beta(2, 4) on [1, 5]. */
    d = parse_ok("pert(1d, 2d, 5d)");
    ck_assert_double_eq_tol(cs_dist_mean(&d), 1.0 + 4.0 * 2.0 / 6.0, 1e-15);
    ck_assert_double_eq_tol(cs_dist_variance(&d), 16.0 * 8.0 / (36.0 * 7.0),
                            1e-15);
    /* Weibull with shape 1 is exponential. */
    d = parse_ok("weibull(shape=1, scale=2d)");
    ck_assert_double_eq_tol(cs_dist_mean(&d), 2.0, 1e-12);
    ck_assert_double_eq_tol(cs_dist_variance(&d), 4.0, 1e-12);
    /* Weibull with shape 2: mean = scale * sqrt(pi) / 2. */
    d = parse_ok("weibull(shape=2, scale=1d)");
    ck_assert_double_eq_tol(cs_dist_mean(&d), sqrt(PI) / 2.0, 1e-12);
    ck_assert_double_eq_tol(cs_dist_variance(&d), 1.0 - PI / 4.0, 1e-12);
    /*
    ** Large shapes: Gamma(1+2/k) - Gamma(1+1/k)^2 must neither cancel to
    ** noise nor jump where the series takes over.  References computed
    ** with 50-digit arithmetic.
    */
    {
        static const struct { const char *s; double var; } big[] = {
            {"weibull(shape=50, scale=1d)", 6.2534258560130379e-4},
            {"weibull(shape=100, scale=1d)", 1.6030491620026113e-4},
            {"weibull(shape=1e4, scale=1d)", 1.6445038762822376e-8},
            {"weibull(shape=1e13, scale=1d)", 1.6449340668477961e-26},
        };
        double lo, hi;
        for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
            d = parse_ok(big[i].s);
            ck_assert_msg(fabs(cs_dist_variance(&d) / big[i].var - 1.0) <
                              1e-9,
                          "%s: variance %.17g", big[i].s,
                          cs_dist_variance(&d));
        }
        d = parse_ok("weibull(shape=99.99999, scale=1d)");
        lo = cs_dist_variance(&d);
        d = parse_ok("weibull(shape=100.00001, scale=1d)");
        hi = cs_dist_variance(&d);
        ck_assert_msg(fabs(hi / lo - 1.0) < 1e-6, "jump %g", hi / lo - 1.0);
    }
    d = parse_ok("exponential(2d)");
    ck_assert_double_eq_tol(cs_dist_variance(&d), 4.0, 1e-15);
    d = parse_ok("gamma(shape=2, scale=3d)");
    ck_assert_double_eq_tol(cs_dist_mean(&d), 6.0, 1e-15);
    ck_assert_double_eq_tol(cs_dist_variance(&d), 18.0, 1e-15);
    d = parse_ok("empirical(1d, 2d, 2d, 7d)");
    ck_assert_double_eq_tol(cs_dist_mean(&d), 3.0, 1e-15);
    ck_assert_double_eq_tol(cs_dist_variance(&d), 5.5, 1e-15);
    cs_dist_fini(&d);
}
END_TEST

START_TEST(test_conversions)
{
    cs_dist d = parse_ok("gamma(mean=4d, cv=0.5)");
    const double z90 = 1.2815515655446004;   /* standard normal 0.9 quantile */
    gsl_rng *r;
    double *x, q;

    ck_assert(d.p[0] == 4.0 && d.p[1] == 1.0);
    d = parse_ok("gamma(mean=3d, cv=2)");
    ck_assert_double_eq_tol(d.p[0], 0.25, 1e-15);
    ck_assert_double_eq_tol(d.p[1], 12.0, 1e-14);
    d = parse_ok("lognormal(mean=2d, sd=1d)");
    ck_assert_double_eq_tol(d.p[1], sqrt(log(1.25)), 1e-15);
    ck_assert_double_eq_tol(d.p[0], log(2.0) - 0.5 * log(1.25), 1e-15);
    ck_assert_double_eq_tol(cs_dist_mean(&d), 2.0, 1e-14);
    ck_assert_double_eq_tol(cs_dist_variance(&d), 1.0, 1e-14);
    d = parse_ok("lognormal(median=2d, p90=6d)");
    ck_assert_double_eq_tol(d.p[0], log(2.0), 1e-15);
    ck_assert_double_eq_tol(d.p[1], log(3.0) / z90, 1e-12);

    /*
    ** The 90th percentile of 200k draws: its standard error is
    ** sqrt(0.9 * 0.1 / N) / f(6) = 0.00067 / 0.0341 = 0.020 days (f the
    ** density at 6d), 0.33% of 6d, so 2% is 6 standard errors.
    */
    r = gsl_rng_alloc(gsl_rng_mt19937);
    x = malloc(NDRAWS * sizeof *x);
    ck_assert(r != NULL && x != NULL);
    gsl_rng_set(r, SEED);
    for (size_t i = 0; i < NDRAWS; i++)
        x[i] = cs_dist_sample(&d, r);
    gsl_sort(x, 1, NDRAWS);
    q = gsl_stats_quantile_from_sorted_data(x, 1, NDRAWS, 0.9);
    ck_assert_msg(fabs(q - 6.0) <= 0.02 * 6.0, "p90 of draws %g", q);
    q = gsl_stats_quantile_from_sorted_data(x, 1, NDRAWS, 0.5);
    ck_assert_msg(fabs(q - 2.0) <= 0.02 * 2.0, "median of draws %g", q);
    free(x);
    gsl_rng_free(r);
}
END_TEST

/* ---------------------------------------------------------------- */
/* Describe, copy                                                  */
/* ---------------------------------------------------------------- */

START_TEST(test_describe)
{
    static const char *const cases[][2] = {
        {"3d", "const(3d)"},
        {"uniform(1d, 2d)", "uniform(1d, 2d)"},
        {"triangular(1, 2, 5)", "triangular(1d, 2d, 5d)"},
        {"pert(12h, 1d, 1w)", "pert(1.5d, 1d, 5d)"},
        {"exponential(2d)", "exponential(mean=2d)"},
        {"gamma(mean=4d, cv=0.5)", "gamma(shape=4, scale=1d)"},
        {"lognormal(mean=2d, sd=1d)", "lognormal(mean=2d, sd=1d)"},
        {"weibull(1.5, 2d)", "weibull(shape=1.5, scale=2d)"},
        {"empirical(1d, 2d, 3d)", "empirical(3 values, mean 2d)"},
        {"empirical(4d)", "empirical(1 value, mean 4d)"},
    };
    char buf[128], small[6];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cs_dist d;
        if (cs_distparse_text(cases[i][0], NULL, NULL, &d, msg, sizeof msg,
                              NULL) != CS_OK) {
            /* pert(12h, 1d, 1w) is invalid: 1.5d > 1d. */
            ck_assert_uint_eq(i, 3);
            continue;
        }
        cs_dist_describe(&d, buf, sizeof buf);
        ck_assert_str_eq(buf, cases[i][1]);
        cs_dist_describe(&d, small, sizeof small);
        ck_assert_uint_eq(strlen(small), sizeof small - 1);
        cs_dist_fini(&d);
    }
}
END_TEST

START_TEST(test_copy)
{
    cs_dist src = parse_ok("empirical(1d, 2d, 3d)"), dst, g;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

    ck_assert_int_eq(cs_dist_copy(&dst, &src), CS_OK);
    ck_assert_ptr_ne(dst.values, src.values);
    src.values[0] = 100.0;
    ck_assert(dst.values[0] == 1.0);
    cs_dist_fini(&src);
    ck_assert_int_eq(src.kind, CS_DIST_CONST);
    ck_assert_ptr_null(src.values);
    ck_assert(src.p[0] == 0.0);
    for (int i = 0; i < 100; i++) {
        const double x = cs_dist_sample(&dst, r);
        ck_assert(x == 1.0 || x == 2.0 || x == 3.0);
    }
    cs_dist_fini(&dst);
    cs_dist_fini(NULL);

    g = parse_ok("gamma(mean=4d, cv=0.5)");
    ck_assert_int_eq(cs_dist_copy(&dst, &g), CS_OK);
    ck_assert(dst.kind == CS_DIST_GAMMA && dst.p[0] == 4.0 &&
              dst.p[1] == 1.0 && dst.values == NULL);
    gsl_rng_free(r);
}
END_TEST

static Suite *dist_suite(void)
{
    Suite *s = suite_create("dist");
    TCase *sample = tcase_create("sample");
    TCase *misc = tcase_create("misc");

    tcase_set_timeout(sample, 60);
    tcase_add_test(sample, test_moments_uniform);
    tcase_add_test(sample, test_moments_triangular);
    tcase_add_test(sample, test_moments_pert);
    tcase_add_test(sample, test_moments_exponential);
    tcase_add_test(sample, test_moments_gamma);
    tcase_add_test(sample, test_moments_lognormal);
    tcase_add_test(sample, test_moments_weibull);
    tcase_add_test(sample, test_moments_empirical);
    tcase_add_test(sample, test_const_and_bounds);
    tcase_add_test(sample, test_analytic_moments);
    tcase_add_test(sample, test_conversions);
    suite_add_tcase(s, sample);
    tcase_add_test(misc, test_describe);
    tcase_add_test(misc, test_copy);
    suite_add_tcase(s, misc);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    gsl_set_error_handler_off();
    sr = srunner_create(dist_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
