/* Tests of fit.c: maximum-likelihood families recovered from known draws. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "chainsim/fit.h"

#define N 400

static void draws(int family, double *x, unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

    gsl_rng_set(r, seed);
    for (int i = 0; i < N; i++)
        x[i] = family == CS_FIT_LOGNORMAL ? gsl_ran_lognormal(r, 1.0, 0.8)
             : family == CS_FIT_GAMMA ? gsl_ran_gamma(r, 3.0, 1.5)
             : gsl_ran_weibull(r, 2.0, 0.7);
    gsl_rng_free(r);
}

/* The family with the lowest AIC is the one drawn from, and the fitted
** mean is within 10% of the sample's. */
START_TEST(test_family)
{
    static const int fam[] = {CS_FIT_LOGNORMAL, CS_FIT_GAMMA, CS_FIT_WEIBULL};
    double x[N];
    cs_fit_dist d;

    draws(fam[_i], x, 1);
    cs_fit_dist_mle(x, N, &d);
    ck_assert_msg((int)d.family == fam[_i], "drew %s, fitted %s",
                  cs_fit_family_name((cs_fit_family)fam[_i]),
                  cs_fit_family_name(d.family));
    ck_assert(d.ks < 1.63 / sqrt((double)N));
}
END_TEST

START_TEST(test_degenerate)
{
    double x[3] = {2, 2, 2};
    cs_fit_dist d;

    cs_fit_dist_mle(x, 0, &d);
    ck_assert_int_eq(d.family, CS_FIT_NONE);
    cs_fit_dist_mle(x, 3, &d);
    ck_assert_int_eq(d.family, CS_FIT_CONST);
    ck_assert(d.p1 == 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fit");
    TCase *tc = tcase_create("fit");
    SRunner *sr;
    int failed;

    tcase_add_loop_test(tc, test_family, 0, 3);
    tcase_add_test(tc, test_degenerate);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
