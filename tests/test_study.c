/*
** test_study.c - sweep planning (product order, value splitting, limits),
** pairing, the Bonferroni level, --independent seeds, the verdict roll-up
** and the error paths of a study.
*/
#include <check.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/dist.h"
#include "chainsim/stream.h"
#include "chainsim/study.h"
#include "chainsim/summary.h"

#include "study_fixture.h"

START_TEST(test_product_order)
{
    const char *const vary[] = {"teams.a.capacity=1,2,3",
                                "teams.b.capacity=4,5"};
    cs_study *st = plan(0, 0, vary, 2);
    static const char *const want[6][2] = {{"1", "4"}, {"1", "5"},
                                           {"2", "4"}, {"2", "5"},
                                           {"3", "4"}, {"3", "5"}};

    ck_assert_uint_eq(cs_study_naxes(st), 2);
    ck_assert_str_eq(cs_study_paths(st)[0], "teams.a.capacity");
    ck_assert_str_eq(cs_study_paths(st)[1], "teams.b.capacity");
    ck_assert_uint_eq(cs_study_npoints(st), 6);
    for (size_t pt = 0; pt < 6; pt++) {
        ck_assert_str_eq(cs_study_point_values(st, pt)[0], want[pt][0]);
        ck_assert_str_eq(cs_study_point_values(st, pt)[1], want[pt][1]);
    }
    cs_study_free(st);
}
END_TEST

START_TEST(test_no_vary_one_point)
{
    cs_study *st = plan(0, 0, NULL, 0);

    ck_assert_uint_eq(cs_study_npoints(st), 1);
    ck_assert_uint_eq(cs_study_naxes(st), 0);
    cs_study_free(st);
}
END_TEST

START_TEST(test_values_split_outside_brackets)
{
    const char *const vary[] = {
        "x=gamma(mean=2d, cv=0.5),3d,{dist: const, value: 1d},[a, b]"};
    cs_study *st = plan(0, 0, vary, 1);

    ck_assert_uint_eq(cs_study_npoints(st), 4);
    ck_assert_str_eq(cs_study_point_values(st, 0)[0],
                     "gamma(mean=2d, cv=0.5)");
    ck_assert_str_eq(cs_study_point_values(st, 1)[0], "3d");
    ck_assert_str_eq(cs_study_point_values(st, 2)[0],
                     "{dist: const, value: 1d}");
    ck_assert_str_eq(cs_study_point_values(st, 3)[0], "[a, b]");
    cs_study_free(st);
}
END_TEST

/* cs_study_new fails with msg; *out stays NULL. */
static void plan_fails(const char *const *vary, size_t nvary, const char *msg)
{
    const cs_study_opts o = {0, 0, vary, nvary, {0}};
    static char junk;
    cs_study *st = (cs_study *)(void *)&junk;   /* must be reset to NULL */
    cs_error err;

    cs_error_clear(&err);
    ck_assert_int_eq(cs_study_new(&o, &st, &err), CS_EINPUT);
    ck_assert_ptr_null(st);
    ck_assert_str_eq(err.msg, msg);
    ck_assert_int_eq(err.line, 0);
    ck_assert_str_eq(err.file, "");
}

START_TEST(test_plan_errors)
{
    const char *const bad[] = {"teams.a.capacity=1,2", "=1,2"};
    const char *vary[CS_STUDY_MAX_VARY + 1];
    char big[1000];

    /* the second axis fails after the first was parsed: nothing leaks */
    plan_fails(bad, 2, "--vary '=1,2': expected PATH=V1,V2,...");
    /* an empty value (a stray comma) is no point: it used to run one
       with the key removed */
    vary[0] = "teams.a.capacity=1,2,";
    plan_fails(vary, 1, "--vary 'teams.a.capacity=1,2,': expected "
               "PATH=V1,V2,...");
    vary[0] = "teams.a.capacity=1,,2";
    plan_fails(vary, 1, "--vary 'teams.a.capacity=1,,2': expected "
               "PATH=V1,V2,...");
    vary[0] = "teams.a.capacity=1, ,2";
    plan_fails(vary, 1, "--vary 'teams.a.capacity=1, ,2': expected "
               "PATH=V1,V2,...");
    vary[0] = "teams.a.capacity=";
    plan_fails(vary, 1, "--vary 'teams.a.capacity=': expected "
               "PATH=V1,V2,...");
    for (size_t i = 0; i <= CS_STUDY_MAX_VARY; i++)
        vary[i] = "seed=1,2";
    plan_fails(vary, CS_STUDY_MAX_VARY + 1, "at most 16 --vary options");
    /* 400 x 400 points */
    strcpy(big, "seed=");
    for (int i = 1; i <= 400; i++)
        strcat(big, i < 400 ? "1," : "1");
    vary[0] = big;
    vary[1] = big + 1;    /* "eed=1,...": another path */
    plan_fails(vary, 2, "--vary: more than 100000 points");
    /* one path twice: two columns, but each run would see one value */
    vary[0] = "teams.a.capacity=1,2";
    vary[1] = "seed=1,2";
    vary[2] = "teams.a.capacity=3";
    plan_fails(vary, 3, "--vary: 'teams.a.capacity' is given twice; list "
               "all its values in one --vary");
}
END_TEST

START_TEST(test_jobs_and_pairing)
{
    const char *const vary[] = {"teams.a.capacity=2,3"};
    cs_study *st = built(1, 0, vary, 1);

    /* per point: baseline, same, faster-b */
    ck_assert_uint_eq(cs_study_njobs(st), 6);
    for (size_t j = 0; j < 6; j++) {
        ck_assert_uint_eq(cs_study_point(st, j), j / 3);
        ck_assert_int_eq(cs_study_is_base(st, j), j % 3 == 0);
        ck_assert_int_eq(cs_study_baseline_of(st, j),
                         j % 3 == 0 ? -1 : (long)(j / 3 * 3));
    }
    ck_assert_str_eq(cs_study_model(st, 0)->variant, "baseline");
    ck_assert_str_eq(cs_study_model(st, 2)->variant, "faster-b");
    /* the point's value is in its models */
    ck_assert_int_eq(cs_study_model(st, 0)->teams[0].capacity, 2);
    ck_assert_int_eq(cs_study_model(st, 5)->teams[0].capacity, 3);
    ck_assert_int_eq(cs_study_model(st, 5)->teams[1].capacity, 2);
    ck_assert_int_eq(cs_study_build_fault(st), CS_STUDY_FAULT_INPUT);
    cs_study_free(st);
}
END_TEST

/* In a sweep every model is checked when built, then kept stripped and
** built again when its job runs: the results are those of the same point
** run on its own. */
START_TEST(test_sweep_models_built_when_run)
{
    const char *const vary[] = {"teams.a.capacity=2,3"};
    const char *const one[] = {"teams.a.capacity=3"};
    cs_study *st = built(1, 0, vary, 1), *alone = built(1, 0, one, 1);

    for (size_t j = 0; j < cs_study_njobs(st); j++) {
        ck_assert_int_eq(cs_study_model(st, j)->classes[0].nsteps, 0);
        ck_assert_ptr_null(cs_study_model(st, j)->classes[0].steps);
    }
    /* a study of one point keeps its models whole */
    ck_assert_int_eq(cs_study_model(alone, 0)->classes[0].nsteps, 2);
    run(st, NULL);
    run(alone, NULL);
    ck_assert_uint_eq(cs_study_ndone(st), 6);
    for (size_t j = 0; j < 3; j++) {
        const cs_summary *a = cs_study_summary(st, 3 + j);
        const cs_summary *b = cs_study_summary(alone, j);
        ck_assert_ptr_eq(a->model, cs_study_model(st, 3 + j));
        ck_assert_str_eq(a->model->variant, b->model->variant);
        ck_assert(a->lead_time.mean == b->lead_time.mean);
        ck_assert(a->teams[1].utilization.mean == b->teams[1].utilization.mean);
        ck_assert(a->promises[0].achieved.mean == b->promises[0].achieved.mean);
    }
    ck_assert(cs_study_comparison(st, 5)->lead_time_mean.mean ==
              cs_study_comparison(alone, 2)->lead_time_mean.mean);
    cs_study_free(st);
    cs_study_free(alone);
}
END_TEST

/* A run too large is refused before any model is built. */
START_TEST(test_run_size_before_build)
{
    char a[2200], b[400];
    const char *const vary[] = {a, b};
    cs_study *st;
    cs_scenario *s = load();
    cs_error err;
    size_t n = (size_t)snprintf(a, sizeof a, "teams.a.capacity=");

    for (int i = 0; i < 400; i++)
        n += (size_t)snprintf(a + n, sizeof a - n, "%s%d", i ? "," : "",
                              1 + i % 4);
    n = (size_t)snprintf(b, sizeof b, "teams.b.capacity=");
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf(b + n, sizeof b - n, "%s%d", i ? "," : "",
                              1 + i % 3);
    st = plan(1, 0, vary, 2);     /* 40,000 points x 3 = 120,000 jobs */
    ck_assert_int_eq(cs_study_build(st, s, NULL, &err), CS_EINPUT);
    ck_assert_int_eq(cs_study_build_fault(st), CS_STUDY_FAULT_USAGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "more than 100000 simulations"));
    ck_assert_uint_eq(cs_study_njobs(st), 0);
    cs_study_free(st);
    cs_scenario_free(s);
}
END_TEST

/* With "warmup: auto" every variant of a compare uses the warm-up chosen
** on its point's baseline: one window for the paired differences. */
START_TEST(test_warmup_auto_from_baseline)
{
    const char *const vary[] = {"work.x.arrivals.rate=0.3/d,0.45/d"};
    char *text = malloc(strlen(yaml) + 16), *at;
    cs_study *st = plan(1, 0, vary, 1);
    cs_scenario *s = NULL;
    cs_error err;

    ck_assert_ptr_nonnull(text);
    strcpy(text, yaml);
    at = strstr(text, "warmup: 10d");
    ck_assert_ptr_nonnull(at);
    memcpy(at, "warmup: auto", 12);
    memmove(at + 12, at + 11, strlen(at + 11) + 1);
    at[12] = '\n';
    ck_assert_int_eq(cs_scenario_load_string("t.yaml", text, &s, &err), CS_OK);
    ck_assert_int_eq(cs_study_build(st, s, NULL, &err), CS_OK);
    run(st, NULL);
    ck_assert_uint_eq(cs_study_ndone(st), 6);
    for (size_t j = 0; j < 6; j++)
        ck_assert(cs_study_summary(st, j)->warmup ==
                  cs_study_summary(st, j / 3 * 3)->warmup);
    /* (each variant on its own chooses another truncation here) */
    cs_study_free(st);
    cs_scenario_free(s);
    free(text);
}
END_TEST

START_TEST(test_run_one_variant_not_paired)
{
    cs_study *st = plan(0, 0, NULL, 0);
    cs_scenario *s = load();
    cs_error err;

    ck_assert_int_eq(cs_study_build(st, s, "faster-b", &err), CS_OK);
    ck_assert_uint_eq(cs_study_njobs(st), 1);
    ck_assert_str_eq(cs_study_model(st, 0)->variant, "faster-b");
    ck_assert_int_eq(cs_study_is_base(st, 0), 0);
    ck_assert_int_eq(cs_study_baseline_of(st, 0), -1);
    cs_scenario_free(s);
    cs_study_free(st);
}
END_TEST

START_TEST(test_unknown_variant)
{
    const char *const vary[] = {"teams.a.capacity=2,3"};
    const char *const bad[] = {"teams.nosuch.capacity=2"};
    cs_study *st = plan(0, 0, vary, 1);
    cs_scenario *s = load();
    cs_error err;

    ck_assert_int_eq(cs_study_variant(s, NULL), -1);
    ck_assert_int_eq(cs_study_variant(s, "baseline"), -1);
    ck_assert_int_eq(cs_study_variant(s, "faster-b"), 1);
    ck_assert_int_eq(cs_study_variant(s, "nope"), -2);
    ck_assert_int_eq(cs_study_build(st, s, "nope", &err), CS_EINPUT);
    ck_assert_str_eq(err.msg, "no variant named 'nope'");
    ck_assert_int_eq(cs_study_build_fault(st), CS_STUDY_FAULT_VARIANT);
    ck_assert_uint_eq(cs_study_njobs(st), 0);
    cs_study_free(st);
    /* the variant is looked up before any point's values are added */
    st = plan(0, 0, bad, 1);
    ck_assert_int_eq(cs_study_build(st, s, "nope", &err), CS_EINPUT);
    ck_assert_str_eq(err.msg, "no variant named 'nope'");
    ck_assert_int_eq(cs_study_build_fault(st), CS_STUDY_FAULT_VARIANT);
    cs_study_free(st);
    st = plan(0, 0, bad, 1);
    ck_assert_int_eq(cs_study_build(st, s, NULL, &err), CS_EINPUT);
    ck_assert_str_eq(err.file, "");
    ck_assert_ptr_nonnull(strstr(err.msg, "--set teams.nosuch.capacity=2"));
    ck_assert_int_eq(cs_study_build_fault(st), CS_STUDY_FAULT_INPUT);
    cs_scenario_free(s);
    cs_study_free(st);
}
END_TEST

START_TEST(test_bonferroni_level)
{
    ck_assert_double_eq(cs_study_level(0), 0.95);
    ck_assert_double_eq(cs_study_level(1), 0.95);
    ck_assert_double_eq_tol(cs_study_level(2), 0.975, 1e-15);
    ck_assert_double_eq_tol(cs_study_level(5), 0.99, 1e-15);
    ck_assert_double_eq_tol(cs_study_level(50), 0.999, 1e-15);
}
END_TEST

START_TEST(test_independent_seeds)
{
    cs_study *crn = built(1, 0, NULL, 0);
    cs_study *ind = built(1, 1, NULL, 0);
    cs_study *again = built(1, 1, NULL, 0);
    const uint64_t seed = cs_study_model(crn, 0)->seed;

    ck_assert_uint_eq(seed, 3);
    /* the baseline keeps the scenario's seed either way */
    ck_assert_uint_eq(cs_study_model(ind, 0)->seed, seed);
    for (size_t j = 1; j < 3; j++) {
        const cs_model *m = cs_study_model(ind, j);
        ck_assert_uint_eq(cs_study_model(crn, j)->seed, seed);
        ck_assert_uint_ne(m->seed, seed);
        ck_assert_uint_eq(m->seed, cs_stream_key(seed, m->variant));
        ck_assert_uint_eq(m->seed, cs_study_model(again, j)->seed);
    }
    ck_assert_uint_ne(cs_study_model(ind, 1)->seed,
                      cs_study_model(ind, 2)->seed);
    ck_assert_uint_eq(cs_study_seed(seed, "same", 0), seed);
    ck_assert_uint_eq(cs_study_seed(seed, "same", 1),
                      cs_study_seed(seed, "same", 1));
    cs_study_free(crn);
    cs_study_free(ind);
    cs_study_free(again);
}
END_TEST

START_TEST(test_run_compare_rollup)
{
    const char *const vary[] = {"teams.a.capacity=2,3"};
    cs_study *st = built(1, 0, vary, 1);
    cs_study_rollup r;

    run(st, NULL);
    ck_assert_uint_eq(cs_study_ndone(st), 6);
    for (size_t j = 0; j < 6; j++) {
        const cs_comparison *c = cs_study_comparison(st, j);
        ck_assert_ptr_nonnull(cs_study_summary(st, j));
        ck_assert_uint_eq(cs_study_summary(st, j)->replications, 4);
        if (j % 3 == 0) {
            ck_assert_ptr_null(c);
        } else {
            ck_assert_ptr_nonnull(c);
            /* two variants compared with one baseline */
            ck_assert_double_eq(c->level, cs_study_level(2));
        }
    }
    /* "same" is the baseline, paired on common random numbers */
    ck_assert_double_eq(cs_study_comparison(st, 1)->lead_time_mean.mean, 0);
    r = cs_study_verdicts(st);
    ck_assert_int_eq(r.partial, 0);
    ck_assert_int_eq(r.not_met, 1);
    ck_assert_int_eq(cs_study_is_compare(st), 1);
    ck_assert_int_eq(cs_study_is_independent(st), 0);
    cs_study_free(st);
}
END_TEST

START_TEST(test_rollup_met)
{
    cs_study *st = plan(0, 0, NULL, 0);
    cs_scenario *s = load();
    cs_error err;
    cs_study_rollup r;

    ck_assert_int_eq(cs_variant_add_override(s, "promise=null", &err),
                     CS_OK);
    ck_assert_int_eq(cs_variant_add_override(s, "promise=[{name: easy, "
                                              "within: 1000d, percentile: "
                                              "50}]", &err), CS_OK);
    ck_assert_int_eq(cs_study_build(st, s, NULL, &err), CS_OK);
    run(st, NULL);
    r = cs_study_verdicts(st);
    ck_assert_int_eq(r.not_met, 0);
    ck_assert_int_eq(r.uncertain, cs_study_summary(st, 0)->promises[0].verdict
                                      == CS_VERDICT_UNCERTAIN);
    ck_assert_int_eq(r.partial, 0);
    cs_scenario_free(s);
    cs_study_free(st);
}
END_TEST

START_TEST(test_stopped_before_start)
{
    cs_study *st = built(1, 0, NULL, 0);
    atomic_int stop;

    atomic_init(&stop, 1);
    run(st, &stop);
    ck_assert_uint_eq(cs_study_ndone(st), 0);
    ck_assert_int_eq(cs_study_verdicts(st).partial, 1);
    cs_study_free(st);
}
END_TEST

/* 1 when a and b have the same bits (NaN included). */
static int tl_same(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* The fixture's compare with n replications per variant, with warm-up
** auto or its own 10 days. */
static cs_study *built_text(unsigned n, int warmup_auto)
{
    char text[2048], *at;
    cs_study *st = plan(1, 0, NULL, 0);
    cs_scenario *s = NULL;
    cs_error err;

    ck_assert(strlen(yaml) + 8 < sizeof text);
    strcpy(text, yaml);
    at = strstr(text, "replications: 4\n");
    ck_assert_ptr_nonnull(at);
    snprintf(at, sizeof text - (size_t)(at - text), "replications: %u\n%s",
             n, strstr(yaml, "replications: 4\n") + 16);
    if (warmup_auto) {
        at = strstr(text, "warmup: 10d\n");
        ck_assert_ptr_nonnull(at);
        memcpy(at, "warmup: auto", 12);   /* over "warmup: 10d\n" */
        memmove(at + 13, at + 12, strlen(at + 12) + 1);
        at[12] = '\n';
    }
    ck_assert_int_eq(cs_scenario_load_string("t.yaml", text, &s, &err), CS_OK);
    ck_assert_int_eq(cs_study_build(st, s, NULL, &err), CS_OK);
    cs_scenario_free(s);
    return st;
}

static cs_study *built_n(unsigned n)
{
    return built_text(n, 0);
}

static atomic_int stop_flag;

/* Stops once job 1 has completed 45 replications (its third round). */
static void stop_in_job1(void *ctx, size_t job, unsigned done, unsigned total)
{
    (void)ctx;
    (void)total;
    if (job == 1 && done >= 45)
        atomic_store(&stop_flag, 1);
}

/* The summary of replications 0 .. n-1 of the model of job j, run alone
** in one piece. */
static cs_summary *alone(const cs_study *st, size_t j, unsigned n,
                         double warmup)
{
    cs_runner_opts o;
    cs_summary *s = NULL;
    cs_error err;

    memset(&o, 0, sizeof o);
    o.threads = 2;
    o.replications = n;
    o.warmup = warmup;
    ck_assert_msg(cs_summary_run(cs_study_model(st, j), &o, &s, &err) == CS_OK,
                  "run: %s", err.msg);
    return s;
}

/*
** A compare runs its variants in rounds: interrupted in the third round
** of the second variant, every variant keeps the same completed
** replications (the first two rounds of 20, 0-39 on 2 threads), marked
** partial, and each result is bit for bit that of its replications run
** alone in one piece.
*/
START_TEST(test_rounds_interrupted_paired)
{
    cs_study *st = built_n(200);
    const cs_study_run_opts o = {.threads = 2, .stop = &stop_flag,
                                 .progress = stop_in_job1};
    cs_error err;

    atomic_store(&stop_flag, 0);
    ck_assert_int_eq(cs_study_run(st, &o, &err), CS_OK);
    ck_assert_uint_eq(cs_study_ndone(st), 3);
    for (size_t j = 0; j < 3; j++) {
        const cs_summary *s = cs_study_summary(st, j);
        ck_assert_uint_eq(s->replications, 40);
        ck_assert_int_eq(s->partial, 1);
        for (unsigned i = 0; i < 40; i++)
            ck_assert_uint_eq(s->rep_number[i], i);
        cs_summary *a = alone(st, j, 40, -1);
        ck_assert(tl_same(s->lead_time.mean, a->lead_time.mean));
        ck_assert(tl_same(s->p85, a->p85));
        ck_assert(tl_same(s->promises[0].achieved.mean,
                          a->promises[0].achieved.mean));
        cs_summary_free(a);
    }
    ck_assert_int_eq(cs_study_verdicts(st).partial, 1);
    cs_study_free(st);
}
END_TEST

/* The fixture's compare with n replications and warm-up auto. */
static cs_study *built_auto(unsigned n)
{
    return built_text(n, 1);
}

/*
** With warm-up auto the baseline's choice is every variant's, in the
** first round already, and it does not depend on the round size: the
** same on 1 and 3 threads, and the same as a run of the baseline alone.
*/
START_TEST(test_rounds_warmup_auto)
{
    cs_study *a = built_auto(60), *b = built_auto(60);
    const cs_study_run_opts o1 = {.threads = 1}, o3 = {.threads = 3};
    cs_error err;

    ck_assert_int_eq(cs_study_run(a, &o1, &err), CS_OK);
    ck_assert_int_eq(cs_study_run(b, &o3, &err), CS_OK);
    cs_summary *one = alone(a, 0, 60, -1);
    ck_assert(tl_same(cs_study_summary(a, 0)->warmup, one->warmup));
    for (size_t j = 0; j < 3; j++) {
        ck_assert(tl_same(cs_study_summary(a, j)->warmup, one->warmup));
        ck_assert(tl_same(cs_study_summary(b, j)->warmup, one->warmup));
        ck_assert(tl_same(cs_study_summary(a, j)->lead_time.mean,
                          cs_study_summary(b, j)->lead_time.mean));
    }
    cs_summary_free(one);
    cs_study_free(a);
    cs_study_free(b);
}
END_TEST

/* Whatever the threads (and so the round size), a compare gives the
** results of each variant run alone in one piece. */
START_TEST(test_rounds_bit_identical)
{
    cs_study *a = built_n(50), *b = built_n(50);
    const cs_study_run_opts o1 = {.threads = 1}, o3 = {.threads = 3};
    cs_error err;

    ck_assert_int_eq(cs_study_run(a, &o1, &err), CS_OK);
    ck_assert_int_eq(cs_study_run(b, &o3, &err), CS_OK);
    for (size_t j = 0; j < 3; j++) {
        const cs_summary *sa = cs_study_summary(a, j);
        const cs_summary *sb = cs_study_summary(b, j);
        cs_summary *one = alone(a, j, 50, -1);
        ck_assert_uint_eq(sa->replications, 50);
        ck_assert_int_eq(sa->partial, 0);
        ck_assert(tl_same(sa->lead_time.mean, sb->lead_time.mean));
        ck_assert(tl_same(sa->lead_time.mean, one->lead_time.mean));
        ck_assert(tl_same(sa->wip.lo, one->wip.lo));
        ck_assert(tl_same(sa->p95, one->p95));
        ck_assert(tl_same(sa->drift.mean, one->drift.mean));
        cs_summary_free(one);
    }
    ck_assert(tl_same(cs_study_comparison(a, 2)->lead_time_mean.mean,
                      cs_study_comparison(b, 2)->lead_time_mean.mean));
    cs_study_free(a);
    cs_study_free(b);
}
END_TEST

START_TEST(test_bad_value_names_point)
{
    const char *const vary[] = {"teams.a.capacity=2,x,3"};
    cs_study *st = plan(1, 0, vary, 1);
    cs_scenario *s = load();
    cs_error err;

    /* fails half-way, with the first point's models built: the study
    ** still owns them (and the 9 planned jobs), and cs_study_free frees
    ** all */
    ck_assert_int_eq(cs_study_build(st, s, NULL, &err), CS_EINPUT);
    ck_assert_str_eq(err.file, "--set teams.a.capacity=x");
    ck_assert_ptr_nonnull(strstr(err.msg, "capacity"));
    ck_assert_uint_eq(cs_study_njobs(st), 9);
    ck_assert_ptr_nonnull(cs_study_model(st, 2));
    ck_assert_ptr_null(cs_study_model(st, 3));
    ck_assert_int_eq(cs_study_build_fault(st), CS_STUDY_FAULT_INPUT);
    cs_scenario_free(s);
    cs_study_free(st);
}
END_TEST

START_TEST(test_load_settings)
{
    const char *const sets[] = {"teams.b.capacity=3"};
    /* a horizon shorter than the scenario's warm-up: warm-up first */
    const cs_study_settings set = {7, "11", "8d", "2d", sets, 1, "1w"};
    const cs_study_settings bad = {0, NULL, NULL, NULL, NULL, 0, NULL};
    cs_scenario *s = NULL;
    cs_model *m = NULL;
    cs_error err;
    FILE *f = fopen("study-test.yaml", "w");

    ck_assert_ptr_nonnull(f);
    fputs(yaml, f);
    fclose(f);
    ck_assert_int_eq(cs_study_load("study-test.yaml", &set, &s, &err), CS_OK);
    ck_assert_int_eq(cs_variant_build(s, -1, &m, &err), CS_OK);
    ck_assert_uint_eq(m->replications, 7);
    ck_assert_uint_eq(m->seed, 11);
    ck_assert_double_eq(m->horizon, 8);
    ck_assert_double_eq(m->warmup, 2);
    ck_assert_int_eq(m->teams[1].capacity, 3);
    ck_assert_double_eq(m->timeline, 5);   /* 1w of 5 working days */
    cs_model_free(m);
    cs_scenario_free(s);
    {
        /* --timeline is a duration like --horizon, checked with it */
        cs_study_settings t = bad;
        t.timeline = "3x";
        ck_assert_int_eq(cs_study_load("study-test.yaml", &t, &s, &err),
                         CS_OK);
        m = NULL;
        ck_assert_int_eq(cs_variant_build(s, -1, &m, &err), CS_EINPUT);
        ck_assert_msg(strstr(err.msg, "timeline: invalid duration '3x'") !=
                          NULL, "%s", err.msg);
        ck_assert_ptr_null(m);
        cs_scenario_free(s);
    }
    s = (cs_scenario *)(void *)&err;   /* must be reset to NULL */
    ck_assert_int_eq(cs_study_load("no-such-file.yaml", &bad, &s, &err),
                     CS_EIO);
    ck_assert_ptr_null(s);
    remove("study-test.yaml");
}
END_TEST

/* More than CS_STUDY_MAX_SET --set options: refused before the file is
** read (each is checked against every model's document). */
START_TEST(test_load_too_many_sets)
{
    static const char *sets[CS_STUDY_MAX_SET + 1];
    cs_study_settings set = {0, NULL, NULL, NULL, sets, CS_STUDY_MAX_SET + 1,
                             NULL};
    cs_scenario *s = (cs_scenario *)(void *)&set;   /* must be reset */
    cs_error err;

    for (size_t i = 0; i <= CS_STUDY_MAX_SET; i++)
        sets[i] = "seed=2";
    cs_error_clear(&err);
    ck_assert_int_eq(cs_study_load("no-such-file.yaml", &set, &s, &err),
                     CS_EINPUT);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(err.msg, "at most 1000 --set options");
    set.nsets = CS_STUDY_MAX_SET;     /* the bound itself is allowed */
    ck_assert_int_eq(cs_study_load("no-such-file.yaml", &set, &s, &err),
                     CS_EIO);
}
END_TEST

/*
** A done_by promise that 4 replications cannot show met at 85% (4 of 4
** give 0.510) is warned about after the run, on the stream given, with
** the scenario and the row; -q's callers simply do not call it.
*/
START_TEST(test_warn_replications)
{
    static const char *const board =
        "chainsim: 1\nname: board\nhorizon: 30d\nreplications: 4\n"
        "teams:\n  - {name: a, capacity: 1}\n"
        "work:\n  - name: x\n    backlog: 3\n    steps:\n"
        "      - {team: a, effort: 1d}\n"
        "promise:\n  - {name: done, done_by: 10d, percentile: 85}\n";
    cs_study *st = plan(0, 0, NULL, 0);
    cs_scenario *s = NULL;
    cs_error err;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;

    ck_assert_int_eq(cs_scenario_load_string("b.yaml", board, &s, &err),
                     CS_OK);
    ck_assert_int_eq(cs_study_build(st, s, NULL, &err), CS_OK);
    run(st, NULL);
    f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    cs_study_warn_results(st, f);
    fclose(f);
    ck_assert_str_eq(buf, "chainsim: warning: board / baseline: promise "
                          "'done': 4 replications cannot show it met: even "
                          "4 of 4 give a 95% Wilson lower bound of 0.510, "
                          "below its target 0.85; it needs at least 22 "
                          "replications (-n 22)\n");
    ck_assert_int_eq(cs_study_summary(st, 0)->promises[0].verdict,
                     CS_VERDICT_UNCERTAIN);
    free(buf);
    cs_scenario_free(s);
    cs_study_free(st);
}
END_TEST

static Suite *study_suite(void)
{
    Suite *s = suite_create("study");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_product_order);
    tcase_add_test(tc, test_no_vary_one_point);
    tcase_add_test(tc, test_values_split_outside_brackets);
    tcase_add_test(tc, test_plan_errors);
    tcase_add_test(tc, test_load_too_many_sets);
    tcase_add_test(tc, test_warn_replications);
    tcase_add_test(tc, test_jobs_and_pairing);
    tcase_add_test(tc, test_sweep_models_built_when_run);
    tcase_add_test(tc, test_run_size_before_build);
    tcase_add_test(tc, test_warmup_auto_from_baseline);
    tcase_add_test(tc, test_run_one_variant_not_paired);
    tcase_add_test(tc, test_unknown_variant);
    tcase_add_test(tc, test_bonferroni_level);
    tcase_add_test(tc, test_independent_seeds);
    tcase_add_test(tc, test_run_compare_rollup);
    tcase_add_test(tc, test_rollup_met);
    tcase_add_test(tc, test_stopped_before_start);
    tcase_add_test(tc, test_rounds_interrupted_paired);
    tcase_add_test(tc, test_rounds_bit_identical);
    tcase_add_test(tc, test_rounds_warmup_auto);
    tcase_add_test(tc, test_bad_value_names_point);
    tcase_add_test(tc, test_load_settings);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(study_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
