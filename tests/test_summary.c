/*
** test_summary.c - summaries of replications: consistency of the means
** (Little's law), verdicts, paired comparisons, and pairing by
** replication number when the two runs completed different replications.
*/
#include <check.h>
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/engine.h"
#include "chainsim/hist.h"
#include "chainsim/runner.h"
#include "chainsim/scenario.h"
#include "chainsim/summary.h"
#include "chainsim/variant.h"

#include "board_fixture.h"
#include "chain_fixture.h"
#include "testlib.h"

START_TEST(test_summary_consistent)
{
    cs_model *m = tl_build(chain_yaml, -1);
    cs_summary *s = tl_run(m, 2, 0);

    /* Little's law over the window: WIP = throughput x lead time, within
       the noise of 12 replications of 350 days (a few percent) */
    const double little = s->throughput.mean * s->lead_time.mean;
    ck_assert_msg(fabs(s->wip.mean - little) / s->wip.mean < 0.05,
                  "wip %g vs throughput x lead time %g", s->wip.mean, little);
    /* arrival rate 0.7/d: throughput matches it */
    ck_assert_msg(fabs(s->throughput.mean - 0.7) < 0.05, "throughput %g",
                  s->throughput.mean);
    ck_assert(s->lead_time.valid);
    ck_assert(s->lead_time.lo <= s->lead_time.mean &&
              s->lead_time.mean <= s->lead_time.hi);
    ck_assert(s->p50 <= s->p85 && s->p85 <= s->p95);
    /* the distribution's points hold the percentiles, in order */
    ck_assert(s->cdf[50] == s->p50 && s->cdf[85] == s->p85 &&
              s->cdf[95] == s->p95);
    for (int i = 1; i < CS_SUMMARY_NCDF; i++)
        ck_assert(s->cdf[i - 1] <= s->cdf[i]);
    ck_assert(s->classes[0].cdf[85] == s->classes[0].p85);
    ck_assert(s->flow_efficiency > 0 && s->flow_efficiency < 1);
    /* a's load 0.6 x 2 / 2 = 0.6; b's 0.6 x 1.2 + 0.1 = 0.82 */
    ck_assert_int_eq(s->bottleneck, 1);
    ck_assert_msg(fabs(s->teams[0].utilization.mean - 0.6) < 0.04, "util a %g",
                  s->teams[0].utilization.mean);
    ck_assert_msg(fabs(s->teams[1].utilization.mean - 0.82) < 0.04,
                  "util b %g", s->teams[1].utilization.mean);
    ck_assert_int_eq(s->promises[0].verdict, CS_VERDICT_MET);
    ck_assert_int_eq(s->promises[1].verdict, CS_VERDICT_NOT_MET);
    /* throughput promise: 0.7/d x 100d = 70 >= 10 */
    ck_assert_int_eq(s->promises[2].verdict, CS_VERDICT_MET);
    ck_assert_msg(fabs(s->promises[2].achieved.mean - 70) < 5, "flow %g",
                  s->promises[2].achieved.mean);
    ck_assert_uint_eq(s->classes[0].n + s->classes[1].n, s->lt_n);
    /* b's items leave the chain: its WIP limit cannot deadlock */
    ck_assert_double_eq(s->teams[1].wip_breaks.mean, 0.0);
    cs_summary_free(s);
    cs_model_free(m);
}
END_TEST

/*
** Per replication (--per-replication): the records agree with the
** summary they come from: the p85 with rep_lt_p85, the counts add up to
** the pooled count, the team figures average to the summary's; without
** the option nothing is kept.
*/
START_TEST(test_summary_reps)
{
    cs_model *m = tl_build(chain_yaml, -1);
    cs_runner_opts o;
    cs_summary *s = NULL, *plain = tl_run(m, 2, 6);
    cs_error err;
    uint64_t n = 0;
    double util = 0;

    memset(&o, 0, sizeof o);
    o.threads = 2;
    o.replications = 6;
    o.warmup = -1;
    o.per_replication = 1;
    cs_error_clear(&err);
    ck_assert_int_eq(cs_summary_run(m, &o, &s, &err), CS_OK);
    ck_assert_ptr_null(plain->reps);
    ck_assert_ptr_nonnull(s->reps);
    /* the same replications, the same summary */
    ck_assert(tl_same_double(s->lead_time.mean, plain->lead_time.mean));
    for (unsigned i = 0; i < s->replications; i++) {
        const size_t nc = (size_t)m->nclasses;
        const double *q = &s->reps->q[i * (nc + 1) * 3];
        ck_assert(tl_same_double(q[1], s->rep_lt_p85[i]));
        ck_assert(q[0] <= q[1] && q[1] <= q[2]);
        n += s->reps->lt_n[i];
    }
    ck_assert_uint_eq(n, s->lt_n);
    for (unsigned i = 0; i < s->replications; i++)
        util += s->reps->team[i * (size_t)m->nteams * CS_SUMMARY_REP_NFIELDS +
                              CS_SUMMARY_REP_UTIL];
    ck_assert_double_eq_tol(util / s->replications, s->teams[0].utilization.mean,
                            1e-12);
    cs_summary_free(s);
    cs_summary_free(plain);
    cs_model_free(m);
}
END_TEST

START_TEST(test_compare_identical_is_zero)
{
    cs_model *b = tl_build(chain_yaml, -1), *v = tl_build(chain_yaml, 0);
    cs_summary *sb = tl_run(b, 2, 8), *sv = tl_run(v, 1, 8);
    cs_comparison *c = cs_summary_compare(sb, sv, 0.95);

    ck_assert_ptr_nonnull(c);
    ck_assert(c->lead_time_mean.mean == 0.0);
    ck_assert(c->lead_time_mean.lo == 0.0 && c->lead_time_mean.hi == 0.0);
    ck_assert(c->throughput.mean == 0.0 && c->throughput.hi == 0.0);
    ck_assert(c->lead_time_p85.mean == 0.0);
    ck_assert_int_eq(c->npromises, 3);
    ck_assert(c->promise[0].mean == 0.0 && c->promise[0].hi == 0.0);
    cs_summary_comparison_free(c);
    cs_summary_free(sb);
    cs_summary_free(sv);
    cs_model_free(b);
    cs_model_free(v);
}
END_TEST

/*
** Per class paired differences: an identical variant differs by exactly 0
** in every class; a better one is better in the class that visits the
** improved team.  A promise the variant redefines (same name, another
** target) is not compared, and is flagged.
*/
START_TEST(test_compare_classes_and_changed_promise)
{
    cs_model *b = tl_build(chain_yaml, -1), *same = tl_build(chain_yaml, 0);
    cs_model *fast = tl_build(chain_yaml, 1);
    cs_summary *sb = tl_run(b, 2, 12), *ss = tl_run(same, 2, 12);
    cs_summary *sf = tl_run(fast, 2, 12);
    cs_comparison *c = cs_summary_compare(sb, ss, 0.95);

    ck_assert_int_eq(c->nclasses, 2);
    for (int k = 0; k < 2; k++) {
        ck_assert(c->classes[k].mean == 0.0);
        ck_assert(c->classes[k].lo == 0.0 && c->classes[k].hi == 0.0);
    }
    ck_assert_int_eq(c->promise_changed[0], 0);
    cs_summary_comparison_free(c);
    /* b's capacity doubled: both classes visit b, both gain */
    c = cs_summary_compare(sb, sf, 0.95);
    ck_assert_msg(c->classes[0].hi < 0 && c->classes[1].hi < 0,
                  "x %g [%g, %g], y %g [%g, %g]", c->classes[0].mean,
                  c->classes[0].lo, c->classes[0].hi, c->classes[1].mean,
                  c->classes[1].lo, c->classes[1].hi);
    cs_summary_comparison_free(c);
    /* the same name, another target: not compared like with like */
    same->promises[0].target = 0.6;
    c = cs_summary_compare(sb, ss, 0.95);
    ck_assert_int_eq(c->promise_changed[0], 1);
    ck_assert(isnan(c->promise[0].mean));
    ck_assert_int_eq(c->promise_changed[1], 0);
    ck_assert(c->promise[1].mean == 0.0);
    cs_summary_comparison_free(c);
    cs_summary_free(sb);
    cs_summary_free(ss);
    cs_summary_free(sf);
    cs_model_free(b);
    cs_model_free(same);
    cs_model_free(fast);
}
END_TEST

/*
** A team of 4 with a WIP limit of 2 can keep only 2 busy: at half its
** capacity it is saturated, and it is the bottleneck ahead of a team at
** 0.7 of its capacity.
*/
START_TEST(test_bottleneck_effective_capacity)
{
    static const char *const yaml =
        "chainsim: 1\nname: limit\nhorizon: 300d\nwarmup: 50d\n"
        "replications: 4\nseed: 5\n"
        "teams:\n  - {name: slow, capacity: 1}\n"
        "  - {name: wide, capacity: 4, wip_limit: 2}\n"
        "work:\n  - name: x\n    arrivals: {rate: 0.7/d}\n    steps:\n"
        "      - {team: slow, effort: 'exponential(1d)'}\n"
        "      - {team: wide, effort: 'exponential(2.7d)'}\n"
        "promise:\n  - {name: p, within: 30d, percentile: 85}\n";
    cs_model *m = tl_build(yaml, -1);
    cs_summary *s = tl_run(m, 2, 4);
    double util[2];

    cs_model_offered_load(m, util);
    ck_assert_double_eq_tol(util[1], 0.7 * 2.7 / 2, 1e-12);
    ck_assert(s->teams[1].utilization.mean < s->teams[0].utilization.mean);
    ck_assert_int_eq(s->bottleneck, 1);
    cs_summary_free(s);
    cs_model_free(m);
}
END_TEST

START_TEST(test_compare_better_variant)
{
    cs_model *b = tl_build(chain_yaml, -1), *v = tl_build(chain_yaml, 1);
    cs_summary *sb = tl_run(b, 2, 12), *sv = tl_run(v, 2, 12);
    cs_comparison *c = cs_summary_compare(sb, sv, 1 - 0.05 / 2);

    /* doubling the bottleneck's capacity shortens lead time significantly */
    ck_assert_msg(c->lead_time_mean.hi < 0, "diff %g [%g, %g]",
                  c->lead_time_mean.mean, c->lead_time_mean.lo,
                  c->lead_time_mean.hi);
    ck_assert(c->level > 0.97 && c->level < 0.98);
    /* common random numbers: the same items arrive in both */
    ck_assert_uint_eq(sb->arrived, sv->arrived);
    cs_summary_comparison_free(c);
    cs_summary_free(sb);
    cs_summary_free(sv);
    cs_model_free(b);
    cs_model_free(v);
}
END_TEST

/*
** A copy of s keeping only the replications numbered in keep[0..n)
** (ascending), as an interrupted run that completed just those would
** give.  Only what a comparison reads is filled in.
*/
static cs_summary *subset(const cs_summary *s, const unsigned *keep,
                          size_t n)
{
    const int np = s->model->npromises, nc = s->model->nclasses;
    cs_summary *t = calloc(1, sizeof *t);

    ck_assert_ptr_nonnull(t);
    t->model = s->model;
    t->replications = (unsigned)n;
    t->partial = 1;
    t->rep_number = calloc(n + 1, sizeof *t->rep_number);
    t->rep_lt_mean = calloc(n + 1, sizeof(double));
    t->rep_lt_p85 = calloc(n + 1, sizeof(double));
    t->rep_throughput = calloc(n + 1, sizeof(double));
    t->rep_wip = calloc(n + 1, sizeof(double));
    t->rep_delay_cost = calloc(n + 1, sizeof(double));
    t->rep_abandoned = calloc(n + 1, sizeof(double));
    t->rep_wasted = calloc(n + 1, sizeof(double));
    t->rep_promise = calloc((size_t)np + 1, sizeof *t->rep_promise);
    t->rep_cls_mean = calloc(n * (size_t)nc + 1, sizeof(double));
    ck_assert(t->rep_number && t->rep_lt_mean && t->rep_lt_p85 &&
              t->rep_throughput && t->rep_wip && t->rep_delay_cost &&
              t->rep_abandoned && t->rep_wasted && t->rep_promise &&
              t->rep_cls_mean);
    for (int p = 0; p < np; p++) {
        t->rep_promise[p] = calloc(n + 1, sizeof(double));
        ck_assert_ptr_nonnull(t->rep_promise[p]);
    }
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (s->rep_number[j] != keep[i])
            j++;
        t->rep_number[i] = keep[i];
        t->rep_lt_mean[i] = s->rep_lt_mean[j];
        t->rep_lt_p85[i] = s->rep_lt_p85[j];
        t->rep_throughput[i] = s->rep_throughput[j];
        t->rep_wip[i] = s->rep_wip[j];
        t->rep_delay_cost[i] = s->rep_delay_cost[j];
        t->rep_abandoned[i] = s->rep_abandoned[j];
        t->rep_wasted[i] = s->rep_wasted[j];
        for (int p = 0; p < np; p++)
            t->rep_promise[p][i] = s->rep_promise[p][j];
        for (int c = 0; c < nc; c++)
            t->rep_cls_mean[i * (size_t)nc + (size_t)c] =
                s->rep_cls_mean[j * (size_t)nc + (size_t)c];
    }
    return t;
}

static void assert_zero(const cs_ci *c, size_t n)
{
    ck_assert_uint_eq(c->n, n);
    ck_assert_msg(c->mean == 0.0 && c->lo == 0.0 && c->hi == 0.0,
                  "difference %g [%g, %g] over %zu", c->mean, c->lo, c->hi,
                  c->n);
}

START_TEST(test_rep_numbers)
{
    cs_model *m = tl_build(chain_yaml, -1);
    cs_summary *s = tl_run(m, 3, 5);

    ck_assert_ptr_nonnull(s->rep_number);
    for (unsigned i = 0; i < 5; i++)
        ck_assert_uint_eq(s->rep_number[i], i);
    cs_summary_free(s);
    cs_model_free(m);
}
END_TEST

/*
** The same model twice, so the same replication gives the same values:
** a comparison that pairs by replication number finds no difference at
** all; one that paired by position (variant replication 4 with baseline
** replication 2) would.
*/
START_TEST(test_compare_pairs_by_number)
{
    static const unsigned base_keep[] = {0, 1, 3, 5};
    static const unsigned var_keep[] = {1, 3, 4, 5};
    cs_model *m = tl_build(chain_yaml, -1);
    cs_summary *full = tl_run(m, 2, 6);
    cs_summary *b = subset(full, base_keep, 4), *v = subset(full, var_keep, 4);
    cs_comparison *c = cs_summary_compare(b, v, 0.95);

    ck_assert(full->rep_lt_mean[0] != full->rep_lt_mean[1]);
    ck_assert_ptr_nonnull(c);
    /* common: 1, 3, 5 */
    assert_zero(&c->lead_time_mean, 3);
    assert_zero(&c->lead_time_p85, 3);
    assert_zero(&c->throughput, 3);
    assert_zero(&c->wip, 3);
    for (int p = 0; p < c->npromises; p++)
        assert_zero(&c->promise[p], 3);
    cs_summary_comparison_free(c);
    /* a full baseline against the partial variant: all four pair */
    c = cs_summary_compare(full, v, 0.95);
    ck_assert_ptr_nonnull(c);
    assert_zero(&c->lead_time_mean, 4);
    assert_zero(&c->wip, 4);
    cs_summary_comparison_free(c);
    cs_summary_free(b);
    cs_summary_free(v);
    cs_summary_free(full);
    cs_model_free(m);
}
END_TEST

static atomic_int stop_flag;

static void stop_after_three(void *ctx, unsigned done, unsigned total)
{
    (void)ctx;
    (void)total;
    if (done >= 3)
        stop_flag = 1;
}

/* A run of m on 8 threads interrupted after three replications. */
static cs_summary *run_interrupted(const cs_model *m)
{
    cs_runner_opts o;
    cs_summary *s = NULL;
    cs_error err;

    memset(&o, 0, sizeof o);
    o.threads = 8;
    o.replications = 24;
    o.warmup = -1;
    o.stop = &stop_flag;
    o.progress = stop_after_three;
    stop_flag = 0;
    cs_error_clear(&err);
    ck_assert_msg(cs_summary_run(m, &o, &s, &err) == CS_OK, "run: %s",
                  err.msg);
    ck_assert(s->partial);
    ck_assert(s->replications >= 3 && s->replications < 24);
    return s;
}

/*
** An interrupted compare on several threads: long replications, so the
** engines are stopped in mid-run and the completed replications of the
** variant need not be the first ones (tried until they are not, up to 20
** times).  Against a full baseline of the same model every paired
** difference is 0, over all of them.
*/
START_TEST(test_compare_interrupted_threads)
{
    cs_model *m = tl_build(chain_yaml, -1);
    cs_summary *v = NULL, *b;
    cs_comparison *c;

    m->horizon = 200000;
    for (int k = 0; k < 20; k++) {
        cs_summary_free(v);
        v = run_interrupted(m);
        if (v->rep_number[v->replications - 1] != v->replications - 1)
            break;
    }
    b = tl_run(m, 2, v->rep_number[v->replications - 1] + 1);
    c = cs_summary_compare(b, v, 0.95);
    ck_assert_ptr_nonnull(c);
    assert_zero(&c->lead_time_mean, v->replications);
    assert_zero(&c->throughput, v->replications);
    assert_zero(&c->wip, v->replications);
    cs_summary_comparison_free(c);
    cs_summary_free(b);
    cs_summary_free(v);
    cs_model_free(m);
}
END_TEST

/*
** Two replications whose values lie far apart: the t intervals (t = 12.7)
** reach far past 0 and 1.  A share's interval is clipped to [0, 1], a
** time's or a count's to >= 0; the means and verdicts are untouched.
** Before the clip, utilisation reached 3.9 and a lead time -45.
*/
START_TEST(test_intervals_clipped)
{
    cs_model *m = tl_build(chain_yaml, -1);
    const size_t n = 2, nt = 2, nc = 2, np = 3;
    const size_t nf = nt * CS_RUNNER_TEAM_NFIELDS;
    double lt[2] = {1, 10}, p85[2] = {2, 20}, thru[2] = {0.1, 2};
    double wip[2] = {0.2, 9}, lts[2] = {10, 100}, work[2] = {5, 50};
    double cls_mean[4] = {1, 0.5, 10, 12}, cls_thru[4] = {0.1, 0.01, 2, 3};
    double team[2 * 2 * CS_RUNNER_TEAM_NFIELDS];
    double prom[6] = {0.99, 0.9, 1, 0.5, 0.01, 60};
    unsigned rep[2] = {0, 1};
    uint64_t zero[2] = {0, 0}, cls_n[4] = {0, 0, 0, 0};
    double *brk = calloc(n * cs_runner_brk_width(m) + 1, sizeof *brk);
    double bw[2 * CS_REP_BATCHES] = {0}, third[4] = {1, 1, 1, 1};
    cs_hist *cls[2] = {cs_hist_new(), cs_hist_new()};
    cs_runner_store st;
    cs_summary *s;

    ck_assert(cls[0] && cls[1]);
    for (size_t i = 0; i < n; i++)
        for (size_t t = 0; t < nt; t++) {
            double *f = &team[i * nf + t * CS_RUNNER_TEAM_NFIELDS];
            for (size_t k = 0; k < CS_RUNNER_TEAM_NFIELDS; k++)
                f[k] = i == 0 ? 0.01 : 0.99;
            f[CS_RUNNER_TEAM_QLEN] = i == 0 ? 0.1 : 30;
            f[CS_RUNNER_TEAM_WAIT] = i == 0 ? 0.2 : 40;
            f[CS_RUNNER_TEAM_WIP] = i == 0 ? 0.3 : 50;
            f[CS_RUNNER_TEAM_BREAKS] = i == 0 ? 0 : 7;
        }
    memset(&st, 0, sizeof st);
    st.model = m;
    st.total = 2;
    st.n = n;
    st.rep = rep;
    st.lt_mean = lt;
    st.lt_p85 = p85;
    st.thru = thru;
    st.wip = wip;
    st.delay_cost = wip;
    st.lt_sum = lts;
    st.work_sum = work;
    st.cls_mean = cls_mean;
    st.cls_thru = cls_thru;
    st.team = team;
    st.prom = prom;
    st.lt_n = st.visits = st.events = st.arrived = st.done = zero;
    st.cls_n = cls_n;
    st.brk_width = cs_runner_brk_width(m);
    st.brk = brk;
    st.batch_wip = bw;
    st.lt_third = third;
    st.warmup_mser = NAN;
    st.hist = cls[0];
    st.cls_hist = cls;
    s = cs_summary_build(&st);
    ck_assert_ptr_nonnull(s);
#define NONNEG(c) ck_assert_msg((c).valid && (c).lo == 0.0 && \
                                (c).lo <= (c).mean && (c).mean <= (c).hi, \
                                #c " [%g, %g]", (c).lo, (c).hi)
#define SHARE(c) ck_assert_msg((c).valid && (c).lo == 0.0 && (c).hi == 1.0 \
                               && (c).lo <= (c).mean && (c).mean <= (c).hi, \
                               #c " [%g, %g]", (c).lo, (c).hi)
    NONNEG(s->lead_time);
    NONNEG(s->throughput);
    NONNEG(s->wip);
    for (size_t c = 0; c < nc; c++) {
        NONNEG(s->classes[c].lead_time);
        NONNEG(s->classes[c].throughput);
    }
    for (size_t t = 0; t < nt; t++) {
        SHARE(s->teams[t].utilization);
        SHARE(s->teams[t].blocked_fraction);
        NONNEG(s->teams[t].queue_len);
        NONNEG(s->teams[t].queue_wait);
        NONNEG(s->teams[t].wip);
        NONNEG(s->teams[t].wip_breaks);
        ck_assert_double_eq_tol(s->teams[t].wip_breaks.mean, 3.5, 1e-12);
    }
    SHARE(s->promises[0].achieved);
    SHARE(s->promises[1].achieved);
    NONNEG(s->promises[2].achieved);
    ck_assert(s->promises[2].achieved.hi > 60);   /* a count: no upper clip */
    ck_assert_double_eq_tol(s->teams[0].utilization.mean, 0.5, 1e-12);
    ck_assert_double_eq_tol(s->lead_time.mean, 5.5, 1e-12);
    for (size_t p = 0; p < np; p++)
        ck_assert_int_eq(s->promises[p].verdict, CS_VERDICT_UNCERTAIN);
#undef NONNEG
#undef SHARE
    cs_summary_free(s);
    cs_hist_free(cls[0]);
    cs_hist_free(cls[1]);
    free(brk);
    cs_model_free(m);
}
END_TEST

/* ---- where the time goes ------------------------------------------- */

/* Sum of the four parts of n breakdown entries. */
static double brk_total(const cs_breakdown *b, int n)
{
    double t = 0.0;

    for (int i = 0; i < n; i++)
        t += b[i].admission + b[i].handoff + b[i].queue + b[i].work;
    return t;
}

static void assert_adds_up(const cs_summary *s)
{
    const cs_model *m = s->model;

    ck_assert_msg(fabs(brk_total(s->breakdown, m->nteams) -
                       s->lead_time.mean) <= 1e-9 * s->lead_time.mean,
                  "chain: breakdown %.17g, lead time %.17g",
                  brk_total(s->breakdown, m->nteams), s->lead_time.mean);
    for (int t = 0; t < m->nteams; t++)
        ck_assert(s->breakdown[t].admission >= 0 && s->breakdown[t].handoff >= 0 &&
                  s->breakdown[t].queue >= 0 && s->breakdown[t].work >= 0);
    for (int c = 0; c < m->nclasses; c++) {
        const cs_class_summary *k = &s->classes[c];
        const double b = brk_total(k->breakdown, k->nbreakdown);
        ck_assert_msg(k->n > 0, "class %s: no lead times", m->classes[c].name);
        ck_assert_msg(fabs(b - k->lead_time.mean) <= 1e-9 * k->lead_time.mean,
                      "class %s: breakdown %.17g, lead time %.17g",
                      m->classes[c].name, b, k->lead_time.mean);
    }
}

/*
** A chain that looks like a real one: three classes, hand-offs, WIP
** limits tight enough to block (and to deadlock: broken), rework back
** through the limited teams, a fork-join step, a priority team.  The
** parts add up to the mean lead time, overall and per class, and a team
** a class never visits is not in its breakdown.
*/
START_TEST(test_breakdown_adds_up)
{
    static const char *const yaml =
        "chainsim: 1\nname: chain\nhorizon: 400d\nwarmup: 50d\n"
        "replications: 6\nseed: 11\n"
        "teams:\n"
        "  - {name: intake, capacity: 1, wip_limit: 3}\n"
        "  - {name: model, capacity: 3, wip_limit: 4, handoff: 0.5d}\n"
        "  - {name: review, capacity: 1, wip_limit: 2, handoff: 'exponential(0.3d)',"
        " discipline: priority}\n"
        "  - {name: report, capacity: 2, handoff: 0.25d}\n"
        "  - {name: idle, capacity: 1}\n"
        "work:\n"
        "  - name: product\n    priority: 1\n    arrivals: {rate: 0.5/d}\n"
        "    steps:\n"
        "      - {team: intake, effort: 'exponential(0.8d)'}\n"
        "      - id: build\n        parallel:\n"
        "          - {team: model, effort: 'gamma(mean=3d, cv=0.6)'}\n"
        "          - {team: review, effort: 'exponential(0.4d)'}\n"
        "        rework: {p: 0.2, to: intake, effort: 0.5}\n"
        "      - {team: report, p: 0.5, effort: 1d}\n"
        "  - name: fix\n    priority: 2\n    arrivals: {rate: 0.3/d}\n"
        "    steps:\n"
        "      - {team: model, effort: 'exponential(1d)'}\n"
        "      - {team: review, effort: 'exponential(0.5d)', rework: {p: 0.3, to: model}}\n"
        "  - name: report-only\n    backlog: 40\n    arrivals: {rate: 0.4/d}\n"
        "    steps:\n"
        "      - {team: report, effort: 'exponential(1.5d)'}\n"
        "promise:\n  - {name: p, within: 30d, percentile: 85}\n";
    cs_model *m = tl_build(yaml, -1);
    cs_summary *s = tl_run(m, 2, 6);

    assert_adds_up(s);
    ck_assert_int_eq(s->classes[2].nbreakdown, 1);
    ck_assert_int_eq(s->classes[2].breakdown[0].team, 3);
    ck_assert_int_eq(s->classes[1].nbreakdown, 2);
    /* hand-offs apply only from another team; review is limited */
    ck_assert(s->breakdown[1].handoff > 0 && s->breakdown[2].handoff > 0);
    ck_assert(s->breakdown[0].handoff == 0 && s->breakdown[4].work == 0);
    ck_assert(s->breakdown[1].admission > 0);
    cs_summary_free(s);
    cs_model_free(m);
}
END_TEST

/*
** Constant times, no waiting: intake 1d of work, then review after a
** 0.5d hand-off, 2d of work; arrivals every 3d.  Every part is exact.
*/
START_TEST(test_breakdown_by_hand)
{
    static const char *const yaml =
        "chainsim: 1\nname: hand\nhorizon: 300d\nwarmup: 10d\n"
        "replications: 2\nseed: 1\n"
        "teams:\n  - {name: a, capacity: 1}\n"
        "  - {name: b, capacity: 1, handoff: 0.5d}\n"
        "work:\n  - name: x\n    arrivals: {interval: 3d}\n    steps:\n"
        "      - {team: a, effort: 1d}\n      - {team: b, effort: 2d}\n"
        "promise:\n  - {name: p, within: 5d, percentile: 85}\n";
    cs_model *m = tl_build(yaml, -1);
    cs_summary *s = tl_run(m, 1, 2);

    ck_assert_double_eq_tol(s->lead_time.mean, 3.5, 1e-9);
    ck_assert_double_eq_tol(s->breakdown[0].work, 1.0, 1e-9);
    ck_assert_double_eq_tol(s->breakdown[1].handoff, 0.5, 1e-9);
    ck_assert_double_eq_tol(s->breakdown[1].work, 2.0, 1e-9);
    ck_assert_double_eq_tol(s->breakdown[0].admission + s->breakdown[0].queue +
                            s->breakdown[1].admission + s->breakdown[1].queue,
                            0.0, 1e-9);
    cs_summary_free(s);
    cs_model_free(m);
}
END_TEST

/*
** M/M/1 whose only room is its one worker (wip_limit 1): an item waits
** in the backlog for room, never in the queue, so the admission part is
** the M/M/1 queue wait rho/(mu - lambda) = 1 at lambda 0.5, mu 1, and the
** queue part is 0.  Tolerance 4.5 standard errors of the replications'
** own means; the per-admission mean (admission_wait_mean) agrees.
*/
START_TEST(test_breakdown_admission_mm1)
{
    static const char *const yaml =
        "chainsim: 1\nname: mm1\nhorizon: 4000d\nwarmup: 400d\n"
        "replications: 20\nseed: 3\n"
        "teams:\n  - {name: a, capacity: 1, wip_limit: 1}\n"
        "work:\n  - name: x\n    arrivals: {rate: 0.5/d}\n    steps:\n"
        "      - {team: a, effort: 'exponential(1d)'}\n"
        "promise:\n  - {name: p, within: 5d, percentile: 85}\n";
    cs_model *m = tl_build(yaml, -1);
    cs_runner_opts o;
    cs_runner_store *st = NULL;
    cs_summary *s;
    cs_error err;
    double adm[20], mean, se;

    memset(&o, 0, sizeof o);
    o.threads = 2;
    o.warmup = -1;
    ck_assert(cs_runner_run(m, &o, &st, &err) == CS_OK);
    ck_assert_uint_eq(st->n, 20);
    for (size_t i = 0; i < st->n; i++)
        adm[i] = st->brk[i * st->brk_width + 0] / (double)st->cls_n[i];
    tl_mean_se(adm, 20, &mean, &se);
    ck_assert_msg(fabs(mean - 1.0) <= 4.5 * se, "admission %g +- %g", mean, se);
    s = cs_summary_build(st);
    ck_assert_ptr_nonnull(s);
    ck_assert_double_eq_tol(s->breakdown[0].admission, mean, 1e-12);
    ck_assert(s->breakdown[0].queue == 0.0);
    ck_assert(s->teams[0].queue_wait.mean == 0.0);
    ck_assert_msg(fabs(s->teams[0].admission_wait.mean - 1.0) <= 4.5 * se,
                  "admission_wait_mean %g", s->teams[0].admission_wait.mean);
    assert_adds_up(s);
    cs_summary_free(s);
    cs_runner_store_free(st);
    cs_model_free(m);
}
END_TEST

/* Every example's baseline and variants: the parts add up (few
** replications of at most 1000 days: the identity holds in each). */
START_TEST(test_breakdown_examples)
{
    static const char *const files[] = {
        "scenarios/bi-chain.yaml", "scenarios/kanban-wip.yaml",
        "scenarios/rework-chain.yaml", "scenarios/backlog-forecast.yaml",
        "scenarios/bench/tandem5.yaml"};

    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        cs_scenario *sc = NULL;
        cs_error err;

        ck_assert_msg(cs_scenario_load(files[f], &sc, &err) == CS_OK, "%s: %s",
                      files[f], err.msg);
        for (long v = -1; v < (long)cs_variant_count(sc); v++) {
            cs_model *m = NULL;
            cs_summary *s;
            ck_assert(cs_variant_build(sc, v, &m, &err) == CS_OK);
            if (m->horizon > 1000) {   /* the identity holds at any length */
                m->horizon = 1000;
                if (m->warmup > 250)
                    m->warmup = 250;
            }
            s = tl_run(m, 2, 3);
            assert_adds_up(s);
            cs_summary_free(s);
            cs_model_free(m);
        }
        cs_scenario_free(sc);
    }
}
END_TEST

START_TEST(test_verdict_names)
{
    ck_assert_str_eq(cs_summary_verdict_name(CS_VERDICT_MET), "met");
    ck_assert_str_eq(cs_summary_verdict_name(CS_VERDICT_NOT_MET), "not met");
    ck_assert_str_eq(cs_summary_verdict_name(CS_VERDICT_UNCERTAIN),
                     "uncertain");
}
END_TEST

/* ---- steady state or not (SPEC 6.4) ---------------------------------- */

/* An M/M/1 queue at load rho (service mean 1 day), as a scenario. */
static cs_model *mm1(double rho, const char *horizon, const char *warmup,
                     const char *extra)
{
    char yaml[1024];

    snprintf(yaml, sizeof yaml,
             "chainsim: 1\nname: mm1\nhorizon: %s\nwarmup: %s\nseed: 11\n"
             "teams:\n  - {name: t, capacity: 1}\n"
             "work:\n  - name: w\n    arrivals: {rate: %g/d}\n%s"
             "    steps:\n      - {team: t, effort: 'exponential(1d)'}\n"
             "promise:\n  - {name: p, within: 20d, percentile: 85}\n",
             horizon, warmup, rho, extra);
    return tl_build(yaml, -1);
}

static int has_warning(const cs_summary *s, cs_warning_kind kind)
{
    for (int k = 0; k < s->nwarnings; k++)
        if (s->warnings[k].kind == kind)
            return 1;
    return 0;
}

/*
** M/M/1 at load 0.9 relaxes over hundreds of days (the relaxation time
** 1 / (mu (1 - sqrt(rho))^2) is about 380 days): in days 60-260 of a
** chain that starts empty the mean lead time is well below its
** steady-state 10 days and still rising, and both checks see it.  At
** load 0.8 (relaxation about 90 days) with a 500-day warm-up and 2600
** days, neither does, and the lead time is the steady state's 5 days.
*/
START_TEST(test_settle_short_window)
{
    cs_model *m = mm1(0.9, "260d", "60d", "");
    cs_summary *s = tl_run(m, 2, 400);
    char buf[512];

    ck_assert(!s->transient);
    ck_assert(!s->settled);
    ck_assert(has_warning(s, CS_WARN_DRIFT));
    ck_assert_msg(s->drift.lo > 0, "drift [%g, %g]", s->drift.lo, s->drift.hi);
    ck_assert(s->third_last > s->third_first);
    ck_assert_msg(s->lead_time.hi < 10.0, "lead time %g", s->lead_time.mean);
    for (int k = 0; k < s->nwarnings; k++) {
        const int n = cs_summary_warning_text(s, &s->warnings[k], buf,
                                              sizeof buf);
        ck_assert(n > 0 && (size_t)n < sizeof buf);
        ck_assert_ptr_nonnull(strstr(buf, "not settled"));
    }
    cs_summary_free(s);
    cs_model_free(m);
    /* warm-up auto cannot rescue a window this short: still warned */
    m = mm1(0.9, "260d", "auto", "");
    s = tl_run(m, 2, 400);
    ck_assert(s->warmup > 0 && s->warmup <= 130);
    ck_assert(!s->settled);
    ck_assert(has_warning(s, CS_WARN_DRIFT) || has_warning(s, CS_WARN_SETTLE));
    cs_summary_free(s);
    cs_model_free(m);
}
END_TEST

START_TEST(test_settle_long_window)
{
    cs_model *m = mm1(0.8, "2600d", "500d", "");
    cs_summary *s = tl_run(m, 2, 100);
    double se = (s->lead_time.hi - s->lead_time.lo) / 2 / 1.984;

    ck_assert(s->settled);
    ck_assert_int_eq(s->nwarnings, 0);
    ck_assert(s->drift.valid);
    ck_assert(isfinite(s->settle_day) || isnan(s->settle_day));
    ck_assert_msg(fabs(s->lead_time.mean - 5.0) < 4.5 * se,
                  "lead time %g, se %g", s->lead_time.mean, se);
    cs_summary_free(s);
    cs_model_free(m);
}
END_TEST

/*
** An overloaded team (load 1.1): the load warning, and "auto" would cut
** more than half the horizon (the WIP rises all the way, which the
** pilots' paired test confirms); the warm-up stays within the first half
** and the result says the chain did not settle.
*/
START_TEST(test_settle_auto_capped)
{
    cs_model *m = mm1(1.1, "260d", "auto", "");
    cs_summary *s = tl_run(m, 2, 20);
    char buf[512];

    ck_assert_msg(s->warmup > 0 && s->warmup <= 130.0, "warm-up %g",
                  s->warmup);
    ck_assert(has_warning(s, CS_WARN_LOAD));
    ck_assert(has_warning(s, CS_WARN_AUTO));
    ck_assert(!s->settled);
    ck_assert_int_eq(s->warnings[0].kind, CS_WARN_LOAD);
    ck_assert_int_eq(s->warnings[0].team, 0);
    cs_summary_warning_text(s, &s->warnings[0], buf, sizeof buf);
    ck_assert_str_eq(buf, "team 't' is offered 110% of its capacity; its "
                          "queue grows without bound");
    cs_summary_free(s);
    cs_model_free(m);
}
END_TEST

/* A backlog model answers "from day 0": no settle checks at all, even on
** a short window where the backlog dominates. */
START_TEST(test_settle_transient)
{
    cs_model *m = mm1(0.5, "100d", "0", "    backlog: 50\n");
    cs_summary *s = tl_run(m, 2, 20);
    char buf[8];

    ck_assert(s->transient);
    ck_assert(s->settled);
    ck_assert_int_eq(s->nwarnings, 0);
    ck_assert(isnan(s->settle_day));
    /* the text is cut to fit, always terminated */
    cs_warning w = {CS_WARN_LOAD, 0, 2.0, NAN, NAN, -1};
    ck_assert(cs_summary_warning_text(s, &w, buf, sizeof buf) > 8);
    ck_assert_uint_eq(strlen(buf), 7);
    cs_summary_free(s);
    cs_model_free(m);
}
END_TEST

/* ---- today's board, done_by promises, the timeline (by hand) ---- */

/*
** Completion over 20 replications, 3 of which did not finish (days 8 ..
** 24, then three later than the horizon): nearest rank, so p50 is the
** 10th smallest (17), p85 the 17th (24, the last that finished), p95 the
** 19th, which did not finish (null); the mean is null; 85% all done.
** Class x always finished (days 5 .. 24); class z has no initial items.
*/
START_TEST(test_board_completion)
{
    cs_model *m = board_model();
    cs_runner_store *st = board_store(m, 0, BOARD_REPS);
    cs_summary *s = cs_summary_build(st);
    const cs_completion *c = &s->completion, *x;

    ck_assert_int_eq(c->items, 5);
    ck_assert_uint_eq(c->replications, 20);
    ck_assert_double_eq(c->done_share, 0.85);
    ck_assert(isnan(c->mean));
    ck_assert_double_eq(c->p50, 17.0);
    ck_assert_double_eq(c->p85, 24.0);
    ck_assert(isnan(c->p95));
    ck_assert_ptr_nonnull(s->cls_completion);
    x = &s->cls_completion[0];
    ck_assert_int_eq(x->items, 3);
    ck_assert_double_eq(x->done_share, 1.0);
    ck_assert_double_eq(x->mean, 14.5);
    ck_assert_double_eq(x->p50, 14.0);
    ck_assert_double_eq(x->p85, 21.0);
    ck_assert_double_eq(x->p95, 23.0);
    ck_assert_int_eq(s->cls_completion[1].items, 2);
    ck_assert(isnan(s->cls_completion[1].p95));
    ck_assert_double_eq(s->cls_completion[1].p85, 24.0);
    ck_assert_int_eq(s->cls_completion[2].items, 0);
    ck_assert_uint_eq(s->cls_completion[2].replications, 0);
    cs_summary_free(s);
    cs_runner_store_free(st);
    /* the first 17 alone all finished: every figure defined */
    st = board_store(m, 0, BOARD_FINISHED);
    s = cs_summary_build(st);
    ck_assert_double_eq(s->completion.done_share, 1.0);
    ck_assert_double_eq(s->completion.mean, 16.0);
    ck_assert_double_eq(s->completion.p50, 16.0);   /* the 9th of 17 */
    ck_assert_double_eq(s->completion.p95, 24.0);   /* the 17th */
    cs_summary_free(s);
    cs_runner_store_free(st);
    /* a model without initial items has no completion at all */
    m->classes[0].backlog = 0;
    m->classes[1].nstart = 0;
    st = board_store(m, 0, 3);
    s = cs_summary_build(st);
    ck_assert_int_eq(s->completion.items, 0);
    ck_assert_ptr_null(s->cls_completion);
    cs_summary_free(s);
    cs_runner_store_free(st);
    cs_model_free(m);
}
END_TEST

static const cs_warning *find_warning(const cs_summary *s,
                                      cs_warning_kind kind, int promise)
{
    for (int k = 0; k < s->nwarnings; k++)
        if (s->warnings[k].kind == kind && s->warnings[k].promise == promise)
            return &s->warnings[k];
    return NULL;
}

/*
** done_by promises kept in 17 of 20 replications: the Wilson interval
** [0.6396, 0.9476] (not Student t), so 85% is uncertain, 50% met and
** 100% not met.  20 replications cannot show 85% (20 of 20 give 0.839,
** 22 are needed) nor 100% (no number can); 50% they can.
*/
START_TEST(test_board_done_by)
{
    cs_model *m = board_model();
    cs_runner_store *st = board_store(m, 0, BOARD_REPS);
    cs_summary *s = cs_summary_build(st);
    const cs_warning *w;
    cs_comparison *c;
    char buf[512];

    ck_assert_double_eq(s->promises[0].achieved.mean, 0.85);
    ck_assert_double_eq_tol(s->promises[0].achieved.lo, 0.6395811352592431,
                            1e-12);
    ck_assert_double_eq_tol(s->promises[0].achieved.hi, 0.9476312541037835,
                            1e-12);
    ck_assert_int_eq(s->promises[0].verdict, CS_VERDICT_UNCERTAIN);
    ck_assert_int_eq(s->promises[1].verdict, CS_VERDICT_MET);
    ck_assert_int_eq(s->promises[2].verdict, CS_VERDICT_NOT_MET);
    w = find_warning(s, CS_WARN_REPLICATIONS, 0);
    ck_assert_ptr_nonnull(w);
    ck_assert_double_eq(w->value, 22.0);
    ck_assert_double_eq(w->hi, 20.0);
    ck_assert_double_eq_tol(w->lo, 0.8388748419471808, 1e-12);
    cs_summary_warning_text(s, w, buf, sizeof buf);
    ck_assert_str_eq(buf, "promise 'done at 85%': 20 replications cannot "
                          "show it met: even 20 of 20 give a 95% Wilson "
                          "lower bound of 0.839, below its target 0.85; it "
                          "needs at least 22 replications (-n 22)");
    ck_assert_ptr_null(find_warning(s, CS_WARN_REPLICATIONS, 1));
    w = find_warning(s, CS_WARN_REPLICATIONS, 2);
    ck_assert_ptr_nonnull(w);
    ck_assert_double_eq(w->value, 0.0);
    cs_summary_warning_text(s, w, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "no number of replications can show it met")
                      != NULL, "%s", buf);
    /* paired with itself: 0/1 differences of exactly 0 */
    c = cs_summary_compare(s, s, 0.95);
    ck_assert(c->promise[0].mean == 0.0 && c->promise[0].lo == 0.0 &&
              c->promise[0].hi == 0.0);
    cs_summary_comparison_free(c);
    /* another day is another promise */
    ck_assert(cs_model_promise_same(m, 0, m, 0));
    cs_summary_free(s);
    cs_runner_store_free(st);
    {
        cs_model *n = board_model();
        n->promises[0].done_by = 30;
        ck_assert(!cs_model_promise_same(m, 0, n, 0));
        cs_model_free(n);
    }
    cs_model_free(m);
}
END_TEST

/*
** The timeline of 20 replications by hand.  Period 0: 4.5 arrivals, 2
** done, WIP 11.5 (2 + i); its lead time the mean of the replications'
** means 3 + i (12.5, with their t interval), the p85 pooled over the 40
** items (3, 3, 4, 4, ..., 22, 22: the 34th is 19).  Period 1: nothing
** done, so no lead time.  Period 2, [20, 25): one item in replication 0.
*/
START_TEST(test_board_timeline)
{
    cs_model *m = board_model();
    cs_runner_store *st = board_store(m, 0, BOARD_REPS);
    cs_summary *s = cs_summary_build(st);
    const cs_period_summary *p;
    double means[BOARD_REPS];
    cs_ci ci;

    ck_assert_int_eq(s->nperiods, 3);
    ck_assert_double_eq(s->period, 10.0);
    p = &s->periods[0];
    ck_assert(p->from == 0.0 && p->to == 10.0);
    ck_assert_double_eq(p->arrived.mean, 4.5);
    ck_assert(p->done.mean == 2.0 && p->done.valid && p->done.lo == 2.0 &&
              p->done.hi == 2.0);
    ck_assert_double_eq(p->wip.mean, 11.5);
    for (int i = 0; i < BOARD_REPS; i++)
        means[i] = 3.0 + i;
    ci = cs_stats_ci_mean(means, BOARD_REPS, 0.95);
    ck_assert_double_eq(p->lead_time.mean, 12.5);
    ck_assert(tl_same_double(p->lead_time.lo, ci.lo));
    ck_assert(tl_same_double(p->lead_time.hi, ci.hi));
    ck_assert_uint_eq(p->lt_n, 40);
    ck_assert_msg(fabs(p->lead_time_p85 - 19.0) < 19.0 * 0.004, "p85 %g",
                  p->lead_time_p85);
    ck_assert_double_eq(p->teams[0].utilization.mean, 0.5);
    ck_assert_double_eq(p->teams[0].capacity.mean, 2.0);
    ck_assert_double_eq(p->teams[1].wip.mean, 0.5);
    p = &s->periods[1];
    ck_assert(p->from == 10.0 && p->to == 20.0);
    ck_assert(p->done.mean == 0.0);
    ck_assert_uint_eq(p->lead_time.n, 0);
    ck_assert(isnan(p->lead_time_p85));
    ck_assert_uint_eq(p->lt_n, 0);
    ck_assert_double_eq(s->periods[1].teams[0].capacity.mean, 4.0);
    p = &s->periods[2];
    ck_assert(p->from == 20.0 && p->to == 25.0);
    ck_assert_double_eq_tol(p->done.mean, 0.05, 1e-15);
    ck_assert(p->lead_time.mean == 7.0 && p->lead_time.n == 1 &&
              !p->lead_time.valid);
    ck_assert_double_eq(p->lead_time_p85, 7.0);
    /* the window's mean scheduled capacity, per team */
    ck_assert_double_eq(s->teams[0].capacity.mean, 3.2);
    ck_assert_double_eq(s->teams[1].capacity.mean, 1.0);
    cs_summary_free(s);
    cs_runner_store_free(st);
    /* without a timeline, none */
    m->timeline = 0;
    st = cs_runner_store_new(m, 1);
    s = cs_summary_build(st);
    ck_assert_int_eq(s->nperiods, 0);
    ck_assert_ptr_null(s->periods);
    cs_summary_free(s);
    cs_runner_store_free(st);
    cs_model_free(m);
}
END_TEST

/*
** The same figures from real replications (the chain fixture with a
** backlog, a done_by promise and a timeline of 100 d, no warm-up): the
** periods add up to the run (items done, the time-average WIP), a team
** without a schedule has its capacity in every period, the done_by
** promise is kept exactly in the replications that finished their
** initial items by its day, and the result is the same on 1 and 3
** threads, bit for bit.
*/
START_TEST(test_timeline_run)
{
    cs_model *m = tl_build(chain_yaml, -1);
    cs_runner_opts o;
    cs_runner_store *st = NULL;
    cs_summary *s, *s3;
    cs_error err;
    double done = 0, wip = 0;

    m->warmup = 0;
    m->timeline = 100;
    m->classes[0].backlog = 30;
    m->promises[2].kind = CS_PROMISE_DONE_BY;
    m->promises[2].done_by = 90;
    m->promises[2].target = 0.5;
    memset(&o, 0, sizeof o);
    o.threads = 2;
    o.replications = 6;
    o.warmup = -1;
    ck_assert(cs_runner_run(m, &o, &st, &err) == CS_OK);
    s = cs_summary_build(st);
    ck_assert_int_eq(s->nperiods, 4);
    for (int k = 0; k < 4; k++) {
        done += s->periods[k].done.mean;
        wip += s->periods[k].wip.mean * (s->periods[k].to - s->periods[k].from);
        ck_assert_double_eq(s->periods[k].teams[1].capacity.mean, 1.0);
        ck_assert(s->periods[k].lt_n > 0);
        ck_assert(s->periods[k].lead_time_p85 > 0);
    }
    ck_assert_double_eq_tol(done * 6, (double)s->done, 1e-6);
    ck_assert_double_eq_tol(wip / 400, s->wip.mean, 1e-9 * s->wip.mean);
    ck_assert_int_eq(s->completion.items, 30);
    ck_assert_double_eq(s->completion.done_share, 1.0);
    for (size_t i = 0; i < st->n; i++)
        ck_assert_double_eq(st->prom[i * 3 + 2],
                            st->completion[i] <= 90 ? 1.0 : 0.0);
    ck_assert_double_eq(s->teams[0].capacity.mean, 2.0);
    s3 = tl_run(m, 3, 6);
    for (int k = 0; k < 4; k++) {
        ck_assert(tl_same_double(s->periods[k].lead_time_p85,
                                 s3->periods[k].lead_time_p85));
        ck_assert(tl_same_double(s->periods[k].lead_time.lo,
                                 s3->periods[k].lead_time.lo));
        ck_assert(tl_same_double(s->periods[k].wip.mean,
                                 s3->periods[k].wip.mean));
    }
    ck_assert(tl_same_double(s->completion.p85, s3->completion.p85));
    cs_summary_free(s);
    cs_summary_free(s3);
    cs_runner_store_free(st);
    cs_model_free(m);
}
END_TEST

static Suite *summary_suite(void)
{
    Suite *s = suite_create("summary");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_summary_consistent);
    tcase_add_test(tc, test_summary_reps);
    tcase_add_test(tc, test_compare_identical_is_zero);
    tcase_add_test(tc, test_compare_better_variant);
    tcase_add_test(tc, test_bottleneck_effective_capacity);
    tcase_add_test(tc, test_compare_classes_and_changed_promise);
    tcase_add_test(tc, test_rep_numbers);
    tcase_add_test(tc, test_compare_pairs_by_number);
    tcase_add_test(tc, test_compare_interrupted_threads);
    tcase_add_test(tc, test_intervals_clipped);
    tcase_add_test(tc, test_verdict_names);
    tcase_add_test(tc, test_breakdown_adds_up);
    tcase_add_test(tc, test_breakdown_by_hand);
    tcase_add_test(tc, test_breakdown_admission_mm1);
    tcase_add_test(tc, test_breakdown_examples);
    tcase_add_test(tc, test_settle_short_window);
    tcase_add_test(tc, test_settle_long_window);
    tcase_add_test(tc, test_settle_auto_capped);
    tcase_add_test(tc, test_settle_transient);
    tcase_add_test(tc, test_board_completion);
    tcase_add_test(tc, test_board_done_by);
    tcase_add_test(tc, test_board_timeline);
    tcase_add_test(tc, test_timeline_run);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(summary_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
