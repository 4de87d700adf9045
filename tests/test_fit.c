/* Tests of fit.c: maximum-likelihood families recovered from known draws;
** a round trip: a simulated chain's history, fitted, gives back its
** rates, efforts, probabilities and capacities within 4.5 standard errors
** of the sample the fit used. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include <jansson.h>

#include "chainsim/fit.h"
#include "chainsim/tracker.h"
#include "fit_roundtrip.h"

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

/* Whole days, as a date-only export gives them: x drawn, its start at a
** uniform time of day, d the days between the two dates.  The fit of d
** finds the family drawn from and its mean within 4.5 standard errors
** (the sd of d over sqrt(N)); a fit of d as plain values would not: its
** zeros (a third of the draws) have no density. */
START_TEST(test_family_days)
{
    static const int fam[] = {CS_FIT_LOGNORMAL, CS_FIT_GAMMA, CS_FIT_WEIBULL};
    static const double mean[] = {2.718281828459045 * 1.37712776433596,
                                  4.5, 2.5316470121145667};  /* 2 G(1 + 1/0.7) */
    double x[N];
    cs_fit_dist d;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

    draws(fam[_i], x, 2);
    gsl_rng_set(r, 99);
    for (int i = 0; i < N; i++) {
        const double u = gsl_rng_uniform(r);

        x[i] = floor(u + x[i]);
    }
    gsl_rng_free(r);
    cs_fit_dist_mle_days(x, N, &d);
    ck_assert_msg((int)d.family == fam[_i], "drew %s, fitted %s",
                  cs_fit_family_name((cs_fit_family)fam[_i]),
                  cs_fit_family_name(d.family));
    {
        const double fm = d.family == CS_FIT_LOGNORMAL
                          ? exp(d.p1 + d.p2 * d.p2 / 2)
                          : d.family == CS_FIT_GAMMA ? d.p1 * d.p2
                          : d.p2 * tgamma(1 + 1 / d.p1);

        ck_assert_msg(fabs(fm - mean[_i]) <= 4.5 * d.sd / sqrt((double)N),
                      "fitted mean %.4f, true %.4f (se %.4f)", fm, mean[_i],
                      d.sd / sqrt((double)N));
    }
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

/* ---- the round trip --------------------------------------------------- */

/* The chain the history is drawn from: two classes, a rework loop from
** review to build, a deploy step only half the features need, a hand-off
** into review; people in the map for build only. */
static const char truth[] =
    "chainsim: 1\nname: truth\nhorizon: 1200d\nseed: 7\n"
    "teams:\n"
    "  - {name: intake, capacity: 1}\n"
    "  - {name: build, capacity: 2}\n"
    "  - {name: review, capacity: 1, handoff: exponential(0.5d)}\n"
    "  - {name: deploy, capacity: 1}\n"
    "work:\n"
    "  - name: feature\n    arrivals: {rate: 0.6/d}\n    steps:\n"
    "      - {team: intake, effort: \"lognormal(median=0.3d, p90=0.8d)\"}\n"
    "      - {team: build, effort: \"gamma(shape=3, scale=0.4d)\"}\n"
    "      - team: review\n        effort: \"gamma(shape=2, scale=0.3d)\"\n"
    "        rework: {p: 0.25, to: build}\n"
    "      - {team: deploy, effort: \"exponential(0.5d)\", p: 0.5}\n"
    "  - name: bug\n    arrivals: {rate: 0.4/d}\n    steps:\n"
    "      - {team: intake, effort: \"lognormal(median=0.3d, p90=0.8d)\"}\n"
    "      - {team: build, effort: \"gamma(shape=2, scale=0.4d)\"}\n"
    "      - {team: deploy, effort: \"exponential(0.5d)\"}\n"
    "promise:\n  - {name: p, within: 30d, percentile: 85}\n";

#define TOL_SE 4.5

static json_t *rt_fit(const char *csv, size_t len, const char *mapt,
                      char **scenario)
{
    cs_tracker_map *map = NULL;
    cs_tracker_data *d = NULL;
    cs_fit *f = NULL;
    cs_error err;
    char *rep = NULL;
    size_t rlen = 0, slen = 0;
    FILE *out;
    json_t *j;
    json_error_t jerr;

    ck_assert_msg(cs_tracker_map_load_string("map.yaml", mapt, strlen(mapt),
                                             &map, &err) == CS_OK, "%s",
                  err.msg);
    ck_assert_msg(cs_tracker_load_string("rt.csv", csv, len, map, &d,
                                         &err) == CS_OK, "%s", err.msg);
    ck_assert_msg(cs_fit_run(d, map, "rt.csv", &f, &err) == CS_OK, "%s",
                  err.msg);
    out = open_memstream(&rep, &rlen);
    ck_assert_int_eq(cs_fit_write_report(f, out, 1, &err), CS_OK);
    fclose(out);
    out = open_memstream(scenario, &slen);
    cs_fit_write_scenario(f, out);
    fclose(out);
    j = json_loads(rep, 0, &jerr);
    ck_assert_ptr_nonnull(j);
    free(rep);
    cs_fit_free(f);
    cs_tracker_free(d);
    cs_tracker_map_free(map);
    return j;
}

static json_t *rt_step(json_t *j, const char *cls, size_t k, const char *team)
{
    json_t *s = json_array_get(json_object_get(json_object_get(
        json_object_get(j, "classes"), cls), "steps"), k);

    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(json_string_value(json_object_get(s, "team")), team);
    return s;
}

/* |est - want| within TOL_SE standard errors se. */
static void rt_near(const char *what, double est, double want, double se)
{
    ck_assert_msg(fabs(est - want) <= TOL_SE * se,
                  "%s: fitted %.4f, true %.4f, %.1f standard errors (%.4f)",
                  what, est, want, fabs(est - want) / se, se);
}

/* An effort's fitted mean against the true one, the standard error from
** the sample's sd; the family when want_family is set. */
static void rt_effort(json_t *s, const char *what, double mean,
                      const char *want_family)
{
    json_t *e = json_object_get(s, "effort");
    const double n = (double)json_integer_value(json_object_get(e, "n"));
    const double sd = json_real_value(json_object_get(e, "sd"));

    rt_near(what, json_real_value(json_object_get(e, "fitted_mean")), mean,
            sd / sqrt(n));
    if (want_family != NULL)
        ck_assert_msg(strcmp(json_string_value(json_object_get(e, "family")),
                             want_family) == 0, "%s: family %s, drew %s",
                      what, json_string_value(json_object_get(e, "family")),
                      want_family);
}

static void rt_rate(json_t *j, const char *cls, double rate)
{
    json_t *a = json_object_get(json_object_get(json_object_get(j,
        "classes"), cls), "arrivals");
    const double span = json_real_value(json_object_get(j, "span_days"));
    const double r = json_real_value(json_object_get(a, "rate"));

    rt_near(cls, r, rate, sqrt(rate * span) / span);
    ck_assert(json_is_false(json_object_get(a, "renewal")));
}

START_TEST(test_roundtrip)
{
    static const char *const teams[] = {"intake", "build", "review",
                                        "deploy", NULL};
    size_t len;
    char *csv = rt_export(truth, &len), *mapt = rt_map(teams, "build: 2");
    char *scen = NULL;
    json_t *j = rt_fit(csv, len, mapt, &scen), *s, *rw, *tm;
    cs_scenario *sc = NULL;
    cs_model *m = NULL;
    cs_error err;
    double n, p;

    rt_rate(j, "feature", 0.6);
    rt_rate(j, "bug", 0.4);
    /* routes and efforts */
    s = rt_step(j, "feature", 0, "intake");
    rt_effort(s, "feature intake", 0.3 * exp(0.5 * pow(log(0.8 / 0.3) /
                                                         1.2815515655446004,
                                                         2)),
              "lognormal");
    s = rt_step(j, "feature", 1, "build");
    rt_effort(s, "feature build", 1.2, "gamma");
    s = rt_step(j, "feature", 2, "review");
    rt_effort(s, "feature review", 0.6, NULL);
    rw = json_object_get(s, "rework");
    ck_assert_ptr_nonnull(rw);
    ck_assert_str_eq(json_string_value(json_object_get(rw, "to")), "build");
    n = (double)json_integer_value(json_object_get(rw, "returns")) /
        json_real_value(json_object_get(rw, "p"));
    rt_near("rework p", json_real_value(json_object_get(rw, "p")), 0.25,
            sqrt(0.25 * 0.75 / n));
    rt_near("rework effort factor",
            json_real_value(json_object_get(rw, "effort")), 1.0, 0.05);
    s = rt_step(j, "feature", 3, "deploy");
    n = (double)json_integer_value(json_object_get(json_object_get(
        json_object_get(j, "classes"), "feature"), "done"));
    p = json_real_value(json_object_get(s, "p"));
    rt_near("deploy p", p, 0.5, sqrt(0.25 / n));
    rt_effort(s, "feature deploy", 0.5, NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(
        json_object_get(j, "classes"), "bug"), "steps")), 3);
    s = rt_step(j, "bug", 1, "build");
    rt_effort(s, "bug build", 0.8, NULL);
    ck_assert(json_is_null(json_object_get(s, "rework")));
    s = rt_step(j, "bug", 2, "deploy");
    ck_assert_double_eq(json_real_value(json_object_get(s, "p")), 1.0);
    /* teams: capacities, the hand-off */
    tm = json_object_get(j, "teams");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(tm,
        "build"), "capacity")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(tm,
        "intake"), "capacity")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(tm,
        "review"), "capacity")), 1);
    ck_assert(json_is_null(json_object_get(json_object_get(tm, "build"),
                                           "multitasking")));
    ck_assert(json_is_null(json_object_get(json_object_get(tm, "intake"),
                                           "handoff")));
    {
        json_t *h = json_object_get(json_object_get(tm, "review"), "handoff");
        const double hn = (double)json_integer_value(json_object_get(h, "n"));

        rt_near("review hand-off", json_real_value(json_object_get(h,
                "fitted_mean")), 0.5, 0.5 / sqrt(hn));
    }
    /* today's board: every open item is a start item or in the backlog */
    {
        const char *name;
        json_t *c;
        long open = 0, placed = 0;

        json_object_foreach(json_object_get(j, "classes"), name, c) {
            open += (long)(json_integer_value(json_object_get(c, "items")) -
                           json_integer_value(json_object_get(c, "done")));
            placed += (long)(json_integer_value(json_object_get(c,
                                                    "start_items")) +
                             json_integer_value(json_object_get(c,
                                                                "backlog")));
        }
        ck_assert_int_gt(open, 0);
        ck_assert_int_eq(placed, open);
    }
    /* the scenario loads and builds */
    ck_assert_msg(cs_scenario_load_string("fitted.yaml", scen, &sc, &err) ==
                  CS_OK, "%s\n%s", err.msg, scen);
    ck_assert_msg(cs_variant_build(sc, -1, &m, &err) == CS_OK, "%s", err.msg);
    cs_model_free(m);
    cs_scenario_free(sc);
    json_decref(j);
    free(scen);
    free(csv);
    free(mapt);
}
END_TEST

/* A team that multitasks: 2 people, up to 3 items each, a switch loss of
** 0.2.  The fit finds the multitasking, its items per person and a loss
** near 0.2 (no standard error is at hand for the loss: within 0.1, the
** bias measured at losses 0 to 0.4 in docs/validation.md), and recovers
** the effort mean (4.5 standard errors) from the stretched work times. */
static const char truth_mt[] =
    "chainsim: 1\nname: mt\nhorizon: 1500d\nseed: 3\n"
    "teams:\n  - name: ops\n    capacity: 2\n"
    "    multitasking: {items_per_person: 3, switch_loss: 0.2}\n"
    "work:\n  - name: ticket\n    arrivals: {rate: 1.1/d}\n    steps:\n"
    "      - {team: ops, effort: \"gamma(shape=2, scale=0.5d)\"}\n"
    "promise:\n  - {name: p, within: 30d, percentile: 85}\n";

START_TEST(test_roundtrip_multitasking)
{
    static const char *const teams[] = {"ops", NULL};
    size_t len;
    char *csv = rt_export(truth_mt, &len), *mapt = rt_map(teams, "ops: 2");
    char *scen = NULL;
    json_t *j = rt_fit(csv, len, mapt, &scen);
    json_t *mt = json_object_get(json_object_get(json_object_get(j, "teams"),
                                                 "ops"), "multitasking");
    cs_scenario *sc = NULL;
    cs_error err;

    ck_assert_ptr_nonnull(mt);
    ck_assert(json_is_object(mt));
    ck_assert_int_eq(json_integer_value(json_object_get(mt,
                                                        "items_per_person")), 3);
    ck_assert_msg(fabs(json_real_value(json_object_get(mt, "switch_loss")) -
                       0.2) <= 0.1, "switch loss %.3f",
                  json_real_value(json_object_get(mt, "switch_loss")));
    rt_effort(rt_step(j, "ticket", 0, "ops"), "ops effort", 1.0, NULL);
    ck_assert_msg(cs_scenario_load_string("fitted.yaml", scen, &sc, &err) ==
                  CS_OK, "%s\n%s", err.msg, scen);
    cs_scenario_free(sc);
    json_decref(j);
    free(scen);
    free(csv);
    free(mapt);
}
END_TEST

/* Items that go through teams a and b in either order (each way by half
** of them) before c: a and b become a parallel step, named by the start
** item still at b, and the scenario loads. */
START_TEST(test_parallel)
{
    static const char *const teams[] = {"a", "b", "c", NULL};
    char *mapt = rt_map(teams, ""), *csv = NULL, *scen = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&csv, &len);
    json_t *j, *s;
    cs_scenario *sc = NULL;
    cs_error err;

    fputs("item,class,stage,time\n", out);
    for (int i = 0; i < 41; i++) {
        const char *x = i % 2 ? "a" : "b", *y = i % 2 ? "b" : "a";

        fprintf(out, "w-%d,w,Backlog,2026-01-%02dT08:00Z\n", i, 5 + i / 2);
        fprintf(out, "w-%d,w,%s work,2026-01-%02dT09:00Z\n", i, x, 5 + i / 2);
        fprintf(out, "w-%d,w,%s work,2026-01-%02dT11:00Z\n", i, y, 5 + i / 2);
        if (i == 40)
            break;
        fprintf(out, "w-%d,w,c work,2026-01-%02dT13:00Z\n", i, 5 + i / 2);
        fprintf(out, "w-%d,w,Done,2026-01-%02dT15:00Z\n", i, 5 + i / 2);
    }
    fclose(out);
    j = rt_fit(csv, len, mapt, &scen);
    s = json_array_get(json_object_get(json_object_get(json_object_get(j,
        "classes"), "w"), "steps"), 0);
    {
        const char *t = json_string_value(json_object_get(s, "team"));
        const char *w = json_string_value(json_object_get(s,
                                                          "parallel_with"));

        ck_assert_ptr_nonnull(t);
        ck_assert_ptr_nonnull(w);
        ck_assert_msg((strcmp(t, "a") == 0 && strcmp(w, "b") == 0) ||
                      (strcmp(t, "b") == 0 && strcmp(w, "a") == 0),
                      "%s parallel with %s", t, w);
    }
    s = rt_step(j, "w", 2, "c");
    ck_assert(json_is_null(json_object_get(s, "parallel_with")));
    ck_assert_msg(strstr(scen, "parallel:") != NULL, "%s", scen);
    ck_assert_msg(strstr(scen, "{step: a-and-b, count: 1") != NULL ||
                  strstr(scen, "{step: b-and-a, count: 1") != NULL, "%s",
                  scen);
    ck_assert_msg(cs_scenario_load_string("fitted.yaml", scen, &sc, &err) ==
                  CS_OK, "%s\n%s", err.msg, scen);
    cs_scenario_free(sc);
    json_decref(j);
    free(scen);
    free(csv);
    free(mapt);
}
END_TEST

/* Arrivals that are not Poisson and a rate that drifts: a class arriving
** every gamma(mean 2d, cv 0.3) is fitted as a renewal process with an
** interval mean within 4.5 standard errors (sd / sqrt(n)); a Poisson class
** whose rate doubles at day 600 of 1,200 gives the drift warning, and a
** steady one does not. */
static const char truth_arrivals[] =
    "chainsim: 1\nname: arrivals\nhorizon: 1200d\nseed: 5\n"
    "teams:\n  - {name: a, capacity: 4}\n"
    "work:\n"
    "  - name: regular\n    arrivals: {interval: \"gamma(mean=2d, cv=0.3)\"}\n"
    "    steps:\n      - {team: a, effort: \"exponential(0.2d)\"}\n"
    "  - name: growing\n    arrivals:\n      rate: 0.3/d\n"
    "      profile: [{from: 600d, factor: 2}]\n"
    "    steps:\n      - {team: a, effort: \"exponential(0.2d)\"}\n"
    "  - name: steady\n    arrivals: {rate: 0.3/d}\n"
    "    steps:\n      - {team: a, effort: \"exponential(0.2d)\"}\n"
    "promise:\n  - {name: p, within: 30d, percentile: 85}\n";

START_TEST(test_roundtrip_arrivals)
{
    static const char *const teams[] = {"a", NULL};
    size_t len;
    char *csv = rt_export(truth_arrivals, &len), *mapt = rt_map(teams, "");
    char *scen = NULL;
    json_t *j = rt_fit(csv, len, mapt, &scen), *cls, *a, *iv;
    cs_scenario *sc = NULL;
    cs_error err;
    double n;

    cls = json_object_get(j, "classes");
    a = json_object_get(json_object_get(cls, "regular"), "arrivals");
    ck_assert(json_is_true(json_object_get(a, "renewal")));
    iv = json_object_get(a, "interval");
    n = (double)json_integer_value(json_object_get(iv, "n"));
    rt_near("renewal interval mean",
            json_real_value(json_object_get(iv, "fitted_mean")), 2.0,
            json_real_value(json_object_get(iv, "sd")) / sqrt(n));
    ck_assert(json_is_true(json_object_get(json_object_get(json_object_get(
        cls, "growing"), "arrivals"), "drift")));
    ck_assert(json_is_false(json_object_get(json_object_get(json_object_get(
        cls, "steady"), "arrivals"), "drift")));
    ck_assert(json_is_false(json_object_get(json_object_get(json_object_get(
        cls, "steady"), "arrivals"), "renewal")));
    ck_assert_msg(strstr(scen, "interval: ") != NULL, "%s", scen);
    ck_assert_msg(cs_scenario_load_string("fitted.yaml", scen, &sc, &err) ==
                  CS_OK, "%s\n%s", err.msg, scen);
    cs_scenario_free(sc);
    json_decref(j);
    free(scen);
    free(csv);
    free(mapt);
}
END_TEST

/* The same kind of chain exported as a stage-date CSV with dates only (no
** rework: one date per stage cannot show it): rates, effort means (the
** standard error from the whole-day sample's sd), the step probability
** and the hand-off mean come back within 4.5 standard errors, through the
** whole-day (censored) fits. */
static const char truth_days[] =
    "chainsim: 1\nname: days\nhorizon: 1500d\nseed: 13\n"
    "teams:\n"
    "  - {name: intake, capacity: 1}\n"
    "  - {name: build, capacity: 3}\n"
    "  - {name: review, capacity: 1, handoff: \"gamma(mean=1.5d, cv=0.6)\"}\n"
    "work:\n"
    "  - name: feature\n    arrivals: {rate: 0.35/d}\n    steps:\n"
    "      - {team: intake, effort: \"lognormal(median=0.5d, p90=1.5d)\"}\n"
    "      - {team: build, effort: \"gamma(mean=4d, cv=0.5)\"}\n"
    "      - {team: review, effort: \"gamma(mean=1d, cv=0.7)\", p: 0.6}\n"
    "  - name: bug\n    arrivals: {rate: 0.25/d}\n    steps:\n"
    "      - {team: intake, effort: \"lognormal(median=0.5d, p90=1.5d)\"}\n"
    "      - {team: build, effort: \"weibull(shape=1.5, scale=2d)\"}\n"
    "promise:\n  - {name: p, within: 30d, percentile: 85}\n";

START_TEST(test_roundtrip_dates)
{
    static const char *const teams[] = {"intake", "build", "review", NULL};
    const double ln = 0.5 * exp(0.5 * pow(log(3.0) / 1.2815515655446004, 2));
    size_t len;
    char *csv = rt_export_stages(truth_days, &len);
    char *mapt = rt_map(teams, "build: 3"), *scen = NULL;
    json_t *j = rt_fit(csv, len, mapt, &scen), *s, *h;
    cs_scenario *sc = NULL;
    cs_error err;
    double n;

    ck_assert_msg(strstr(scen, "dates only") != NULL, "%s", scen);
    rt_rate(j, "feature", 0.35);
    rt_rate(j, "bug", 0.25);
    rt_effort(rt_step(j, "feature", 0, "intake"), "feature intake", ln, NULL);
    rt_effort(rt_step(j, "feature", 1, "build"), "feature build", 4.0, NULL);
    s = rt_step(j, "feature", 2, "review");
    rt_effort(s, "feature review", 1.0, NULL);
    n = (double)json_integer_value(json_object_get(json_object_get(
        json_object_get(j, "classes"), "feature"), "done"));
    rt_near("review p", json_real_value(json_object_get(s, "p")), 0.6,
            sqrt(0.24 / n));
    rt_effort(rt_step(j, "bug", 0, "intake"), "bug intake", ln, NULL);
    rt_effort(rt_step(j, "bug", 1, "build"), "bug build",
              2.0 * 0.9027452929509336, NULL);   /* 2 G(1 + 1/1.5) */
    h = json_object_get(json_object_get(json_object_get(j, "teams"),
                                        "review"), "handoff");
    rt_near("review hand-off", json_real_value(json_object_get(h,
            "fitted_mean")), 1.5, json_real_value(json_object_get(h, "sd")) /
            sqrt((double)json_integer_value(json_object_get(h, "n"))));
    ck_assert_msg(cs_scenario_load_string("fitted.yaml", scen, &sc, &err) ==
                  CS_OK, "%s\n%s", err.msg, scen);
    cs_scenario_free(sc);
    json_decref(j);
    free(scen);
    free(csv);
    free(mapt);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fit");
    TCase *tc = tcase_create("fit");
    SRunner *sr;
    int failed;

    tcase_add_loop_test(tc, test_family, 0, 3);
    tcase_add_loop_test(tc, test_family_days, 0, 3);
    tcase_add_test(tc, test_degenerate);
    tcase_add_test(tc, test_roundtrip);
    tcase_add_test(tc, test_roundtrip_multitasking);
    tcase_add_test(tc, test_parallel);
    tcase_add_test(tc, test_roundtrip_arrivals);
    tcase_add_test(tc, test_roundtrip_dates);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
