/*
** test_theory.c - the theory check: Erlang C against its closed sum for
** M/M/c, Allen-Cunneen against M/M/1, M/D/1 and M/G/1
** (Pollaczek-Khinchine), visit rates with step p and rework (1 / (1 -
** p)), the squared CVs of arrivals and efforts, where the formula does
** not apply, and a simulated Jackson tandem whose lead time the theory
** gives exactly.
*/
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "chainsim/theory.h"

#include "testlib.h"

/* Erlang C from its definition, in logs so that large c stays finite:
** C = (a^c / c!) / (1 - rho) / (sum_{k<c} a^k / k! + a^c / c! / (1 - rho)). */
static double erlang_c_sum(int c, double a)
{
    const double rho = a / c;
    const double ltop = c * log(a) - lgamma(c + 1.0) - log(1.0 - rho);
    double sum = 0.0;

    /* every term divided by the top one */
    for (int k = 0; k < c; k++)
        sum += exp(k * log(a) - lgamma(k + 1.0) - ltop);
    return 1.0 / (sum + 1.0);
}

START_TEST(test_erlang_c)
{
    static const int cs[] = {1, 2, 3, 5, 10, 50, 150};
    static const double rhos[] = {0.05, 0.3, 0.5, 0.8, 0.95, 0.999};

    for (size_t i = 0; i < sizeof cs / sizeof *cs; i++)
        for (size_t j = 0; j < sizeof rhos / sizeof *rhos; j++) {
            const int c = cs[i];
            const double a = rhos[j] * c;
            const double want = erlang_c_sum(c, a);
            const double got = cs_theory_erlang_c(c, a);
            ck_assert_msg(fabs(got - want) <= 1e-10 * want + 1e-300,
                          "C(%d, %g) = %.15g, want %.15g", c, a, got, want);
            /* M/M/c: Wq = C / (c mu - lambda), mu = 1 / s */
            const double s = 2.0, lambda = a / s;
            const double wq = cs_theory_wait(c, lambda, s, 1.0, 1.0);
            ck_assert_msg(fabs(wq - want / (c / s - lambda)) <=
                              1e-10 * wq + 1e-300,
                          "Wq M/M/%d rho %g: %g", c, rhos[j], wq);
        }
    /* M/M/1: C = rho */
    ck_assert_double_eq_tol(cs_theory_erlang_c(1, 0.7), 0.7, 1e-15);
    /* edges */
    ck_assert_double_eq(cs_theory_erlang_c(3, 3.0), 1.0);
    ck_assert_double_eq(cs_theory_erlang_c(3, 0.0), 0.0);
    ck_assert(isinf(cs_theory_wait(2, 1.0, 2.0, 1.0, 1.0)));
    ck_assert_double_eq(cs_theory_wait(2, 0.0, 2.0, 1.0, 1.0), 0.0);
    /* c = 1000 at load 0.99: the recursion neither overflows nor loses
    ** the answer */
    {
        const double got = cs_theory_erlang_c(1000, 990.0);
        ck_assert(isfinite(got) && got > 0 && got < 1);
        ck_assert_double_eq_tol(got, erlang_c_sum(1000, 990.0), 1e-9);
    }
}
END_TEST

START_TEST(test_single_server)
{
    const double s = 1.5, lambda = 0.5, rho = lambda * s;

    /* M/M/1: Wq = rho s / (1 - rho) */
    ck_assert_double_eq_tol(cs_theory_wait(1, lambda, s, 1.0, 1.0),
                            rho * s / (1 - rho), 1e-12);
    /* M/D/1 (Pollaczek-Khinchine, cs2 = 0): rho s / (2 (1 - rho)) */
    ck_assert_double_eq_tol(cs_theory_wait(1, lambda, s, 1.0, 0.0),
                            rho * s / (2 * (1 - rho)), 1e-12);
    /* M/G/1 with cs2 = 0.25: lambda E[S^2] / (2 (1 - rho)) */
    ck_assert_double_eq_tol(cs_theory_wait(1, lambda, s, 1.0, 0.25),
                            lambda * s * s * 1.25 / (2 * (1 - rho)), 1e-12);
}
END_TEST

static cs_model *model(const char *teams, const char *work)
{
    char yaml[4096];

    snprintf(yaml, sizeof yaml,
             "chainsim: 1\nname: t\nhorizon: 100d\n"
             "teams:\n%swork:\n%s"
             "promise:\n  - {name: p, within: 20d, percentile: 85}\n",
             teams, work);
    return tl_build(yaml, -1);
}

static cs_theory theory_of(const cs_model *m)
{
    cs_theory t;
    cs_error err;

    cs_error_clear(&err);
    ck_assert_int_eq(cs_theory_init(&t, m, &err), CS_OK);
    return t;
}

/*
** a (c = 2, focus 0.5), b (c = 1).  Class x: 0.2 a day; route a (exp 1d),
** b (gamma mean 0.5 cv 0.5, p 0.5, rework p 0.2 back to a, factor 0.5).
** The loop returns with 0.5 x 0.2 = 0.1, so a and b are passed 1 / 0.9
** times; b's visits are p x that.  Work per item at a: (1 + (1/0.9 - 1)
** 0.5) x 1 / focus.
*/
START_TEST(test_visits_and_cvs)
{
    cs_model *m = model(
        "  - {name: a, capacity: 2, focus: 0.5}\n"
        "  - {name: b, capacity: 1}\n",
        "  - name: x\n    arrivals: {rate: 0.2/d}\n    steps:\n"
        "      - {team: a, effort: 'exponential(1d)'}\n"
        "      - {team: b, effort: 'gamma(mean=0.5d, cv=0.5)', p: 0.5,\n"
        "         rework: {p: 0.2, to: a, effort: 0.5}}\n");
    cs_theory t = theory_of(m);
    const double passes = 1 / 0.9, w1 = 1 + (passes - 1) * 0.5;
    const double w2 = 1 + (passes - 1) * 0.25;

    ck_assert_double_eq_tol(t.teams[0].rate, 0.2 * passes, 1e-12);
    ck_assert_double_eq_tol(t.teams[1].rate, 0.2 * passes * 0.5, 1e-12);
    ck_assert_double_eq_tol(t.teams[0].service, w1 / passes * 1 / 0.5, 1e-12);
    ck_assert_double_eq_tol(t.teams[0].load, 0.2 * w1 * 2 / 2, 1e-12);
    ck_assert_double_eq_tol(t.teams[0].load,
                            t.teams[0].rate * t.teams[0].service / 2, 1e-12);
    /* a's effort: mixture of exp(1) (first passes) and exp(0.5) */
    {
        const double es = w1 / passes, es2 = 2 * w2 / passes;
        ck_assert_double_eq_tol(t.teams[0].cs2, es2 / (es * es) - 1, 1e-12);
    }
    ck_assert_int_eq(t.teams[0].status, CS_THEORY_OK);
    ck_assert_int_eq(t.teams[1].status, CS_THEORY_OK);
    /* Poisson into the first team */
    ck_assert_double_eq_tol(t.teams[0].ca2, 1.0, 1e-12);
    ck_assert(t.teams[0].wait > 0 && isfinite(t.lead_time));
    cs_theory_fini(&t);
    cs_model_free(m);
}
END_TEST

/* Regular arrivals and a constant effort: ca2 0, cs2 0, so no wait at a
** team below saturation; batches of 3 by Poisson: ca2 = 3. */
START_TEST(test_arrival_cvs)
{
    cs_model *m = model(
        "  - {name: a, capacity: 1}\n  - {name: b, capacity: 1}\n",
        "  - name: x\n    arrivals: {interval: 2d}\n    steps:\n"
        "      - {team: a, effort: 1d}\n"
        "  - name: y\n    arrivals: {rate: 0.1/d, batch: 3}\n    steps:\n"
        "      - {team: b, effort: 1d}\n");
    cs_theory t = theory_of(m);

    ck_assert_double_eq_tol(t.teams[0].ca2, 0.0, 1e-12);
    ck_assert_double_eq_tol(t.teams[0].cs2, 0.0, 1e-12);
    ck_assert_double_eq_tol(t.teams[0].wait, 0.0, 1e-12);
    ck_assert_double_eq_tol(t.class_lead[0], 1.0, 1e-12);
    ck_assert_double_eq_tol(t.teams[1].ca2, 3.0, 1e-12);
    /* Wq = rho s / (1 - rho) (3 + 0) / 2 */
    ck_assert_double_eq_tol(t.teams[1].wait, 0.3 / 0.7 * 1.5, 1e-12);
    cs_theory_fini(&t);
    cs_model_free(m);
}
END_TEST

/* The cases the formula leaves out, and an overloaded team. */
START_TEST(test_not_applicable)
{
    cs_model *m = model(
        "  - {name: a, capacity: 1}\n"
        "  - {name: b, capacity: 2, wip_limit: 3}\n"
        "  - {name: c, capacity: 1}\n"
        "  - {name: d, capacity: 1, discipline: preemptive}\n"
        "  - {name: e, capacity: 1}\n  - {name: idle, capacity: 1}\n",
        "  - name: x\n    arrivals: {rate: 0.5/d}\n    steps:\n"
        "      - {team: a, effort: 1d}\n      - {team: b, effort: 1d}\n"
        "      - {team: c, effort: 1d}\n      - {team: d, effort: 1d}\n"
        "      - {team: e, effort: 3d}\n");
    cs_theory t = theory_of(m);

    ck_assert_int_eq(t.teams[0].status, CS_THEORY_NA);
    ck_assert_str_eq(t.teams[0].why, "blocking (a WIP limit downstream)");
    ck_assert_int_eq(t.teams[1].status, CS_THEORY_NA);
    ck_assert_str_eq(t.teams[1].why, "WIP limit");
    ck_assert_int_eq(t.teams[2].status, CS_THEORY_OK);
    ck_assert_str_eq(t.teams[3].why, "preemption");
    ck_assert_int_eq(t.teams[4].status, CS_THEORY_OVERLOADED);
    ck_assert_double_eq_tol(t.teams[4].load, 1.5, 1e-12);
    ck_assert_int_eq(t.teams[5].status, CS_THEORY_IDLE);
    ck_assert(isnan(t.teams[0].wait));
    ck_assert(isnan(t.class_lead[0]) && isnan(t.lead_time));
    cs_theory_fini(&t);
    cs_model_free(m);
}
END_TEST

/* Choice options and a parallel step: rates split by p, branches all. */
START_TEST(test_choice_parallel)
{
    cs_model *m = model(
        "  - {name: a, capacity: 1}\n  - {name: b, capacity: 1}\n"
        "  - {name: c, capacity: 1, handoff: 0.5d}\n",
        "  - name: x\n    arrivals: {rate: 0.25/d}\n    steps:\n"
        "      - id: pick\n        choice:\n"
        "          - {p: 0.4, team: a, effort: 1d}\n"
        "          - {p: 0.6, team: b, effort: 1d}\n"
        "      - parallel:\n"
        "          - {team: a, effort: 1d}\n"
        "          - {team: c, effort: 2d}\n");
    cs_theory t = theory_of(m);

    ck_assert_double_eq_tol(t.teams[0].rate, 0.25 * 1.4, 1e-12);
    ck_assert_double_eq_tol(t.teams[1].rate, 0.25 * 0.6, 1e-12);
    ck_assert_double_eq_tol(t.teams[2].rate, 0.25, 1e-12);
    /* lead = choice (0.4 (Wa + 1) + 0.6 (Wb + 1)) + the slower branch */
    {
        const double choice = 0.4 * (t.teams[0].wait + 1) +
                               0.6 * (t.teams[1].wait + 1);
        const double br = fmax(t.teams[0].wait + 1,
                               t.teams[2].wait + 0.5 + 2);
        ck_assert_double_eq_tol(t.class_lead[0], choice + br, 1e-12);
    }
    cs_theory_fini(&t);
    cs_model_free(m);
}
END_TEST

/*
** A Jackson tandem: Poisson 0.5 a day into M/M/1 (mean 1d) then M/M/2
** (mean 3d) with a 1-day hand-off.  Departures of an M/M/c are Poisson,
** so the theory is exact: lead = W1 + 1 + W2.  The simulated mean lead
** time must lie within 4.5 standard errors of it.
*/
START_TEST(test_jackson_simulated)
{
    const int quick = getenv("CS_QUICK") != NULL;
    char yaml[1024];
    cs_model *m;
    cs_summary *s;
    cs_theory t;
    double want, se;

    snprintf(yaml, sizeof yaml,
             "chainsim: 1\nname: jackson\nhorizon: %s\nwarmup: 200d\n"
             "seed: 5\nteams:\n  - {name: a, capacity: 1}\n"
             "  - {name: b, capacity: 2, handoff: 1d}\n"
             "work:\n  - name: x\n    arrivals: {rate: 0.5/d}\n"
             "    steps:\n      - {team: a, effort: 'exponential(1d)'}\n"
             "      - {team: b, effort: 'exponential(3d)'}\n"
             "promise:\n  - {name: p, within: 20d, percentile: 85}\n",
             quick ? "4000d" : "40000d");
    m = tl_build(yaml, -1);
    t = theory_of(m);
    /* M/M/1 rho 0.5: W = 1 + 1; M/M/2 rho 0.75: Wq = C(2, 1.5) 3 / (2
    ** 0.25) */
    want = 1.0 + 1.0 + 1.0 + cs_theory_erlang_c(2, 1.5) * 3 / 0.5 + 3.0;
    ck_assert_double_eq_tol(t.lead_time, want, 1e-9);
    s = tl_run(m, 0, quick ? 20 : 40);
    se = s->lead_time.sd / sqrt((double)s->lead_time.n);
    printf("jackson tandem: theory %.4f, simulated %.4f +- %.4f (se)\n",
           want, s->lead_time.mean, se);
    ck_assert_msg(fabs(s->lead_time.mean - want) <= 4.5 * se,
                  "simulated %g, theory %g, se %g", s->lead_time.mean, want,
                  se);
    cs_summary_free(s);
    cs_theory_fini(&t);
    cs_model_free(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("theory");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_erlang_c);
    tcase_add_test(tc, test_single_server);
    tcase_add_test(tc, test_visits_and_cvs);
    tcase_add_test(tc, test_arrival_cvs);
    tcase_add_test(tc, test_not_applicable);
    tcase_add_test(tc, test_choice_parallel);
    tcase_add_test(tc, test_jackson_simulated);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
