/*
** test_runner.c - replications on threads: determinism across thread
** counts, the store's rows and replication numbers, warm-up,
** interruption, errors.  Summaries and comparisons: test_summary.c.
*/
#include <check.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/engine.h"
#include "chainsim/runner.h"
#include "chainsim/scenario.h"
#include "chainsim/summary.h"

#include "board_fixture.h"
#include "chain_fixture.h"
#include "testlib.h"

START_TEST(test_threads_bit_identical)
{
    cs_model *m = tl_build(chain_yaml, -1);
    cs_summary *s1 = tl_run(m, 1, 0), *s2 = tl_run(m, 2, 0), *s5 = tl_run(m, 5, 0);

    ck_assert_uint_eq(s1->replications, 12);
    const cs_summary *o[2] = {s2, s5};
    for (int k = 0; k < 2; k++) {
        ck_assert(tl_same_double(s1->lead_time.mean, o[k]->lead_time.mean));
        ck_assert(tl_same_double(s1->lead_time.lo, o[k]->lead_time.lo));
        ck_assert(tl_same_double(s1->p85, o[k]->p85));
        ck_assert(tl_same_double(s1->throughput.mean, o[k]->throughput.mean));
        ck_assert(tl_same_double(s1->wip.mean, o[k]->wip.mean));
        ck_assert(tl_same_double(s1->flow_efficiency, o[k]->flow_efficiency));
        ck_assert(tl_same_double(s1->teams[1].utilization.mean,
                              o[k]->teams[1].utilization.mean));
        ck_assert(tl_same_double(s1->promises[0].achieved.mean,
                              o[k]->promises[0].achieved.mean));
        ck_assert_uint_eq(s1->visits, o[k]->visits);
        for (unsigned i = 0; i < s1->replications; i++)
            ck_assert(tl_same_double(s1->rep_lt_mean[i], o[k]->rep_lt_mean[i]));
    }
    /* replications differ from each other */
    ck_assert(!tl_same_double(s1->rep_lt_mean[0], s1->rep_lt_mean[1]));
    cs_summary_free(s1);
    cs_summary_free(s2);
    cs_summary_free(s5);
    cs_model_free(m);
}
END_TEST

static atomic_int stop_flag;

static void stop_after_first(void *ctx, unsigned done, unsigned total)
{
    (void)ctx;
    (void)total;
    if (done >= 1)
        stop_flag = 1;
}

START_TEST(test_interrupt_partial)
{
    cs_model *m = tl_build(chain_yaml, -1);
    cs_runner_opts o;
    cs_summary *s = NULL;
    cs_error err;

    memset(&o, 0, sizeof o);
    o.threads = 1;
    o.replications = 50;
    o.warmup = -1;
    o.stop = &stop_flag;
    o.progress = stop_after_first;
    stop_flag = 0;
    ck_assert(cs_summary_run(m, &o, &s, &err) == CS_OK);
    ck_assert(s->partial);
    ck_assert(s->replications >= 1 && s->replications < 50);
    /* the completed replications are the first ones */
    cs_summary *full = tl_run(m, 1, s->replications);
    ck_assert(tl_same_double(full->lead_time.mean, s->lead_time.mean));
    ck_assert(!full->partial);
    cs_summary_free(full);
    cs_summary_free(s);
    cs_model_free(m);
}
END_TEST

START_TEST(test_progress_counts)
{
    cs_model *m = tl_build(chain_yaml, -1);
    cs_runner_opts o;
    cs_summary *s = NULL;
    cs_error err;

    memset(&o, 0, sizeof o);
    o.threads = 2;
    o.replications = 6;
    o.warmup = -1;
    o.progress = stop_after_first;
    stop_flag = 0;
    ck_assert(cs_summary_run(m, &o, &s, &err) == CS_OK);
    ck_assert(stop_flag == 1);   /* called, and no stop pointer given */
    ck_assert_uint_eq(s->replications, 6);
    ck_assert(!s->partial);
    cs_summary_free(s);
    cs_model_free(m);
}
END_TEST

/* a -> b -> a with WIP limits 1 and 4 items: deadlocks at day 2, 4, 6
** (each time the item finished at b waits for a, which holds the next
** one, waiting for b).  DEADLOCK is the scenario's deadlock line. */
#define DEADLOCK_YAML(DEADLOCK)                                            \
    "chainsim: 1\nname: dead\nhorizon: 50d\nreplications: 3\n"            \
    DEADLOCK                                                               \
    "teams:\n  - {name: a, capacity: 1, wip_limit: 1}\n"                   \
    "  - {name: b, capacity: 1, wip_limit: 1}\n"                            \
    "work:\n  - name: x\n    backlog: 4\n    steps:\n"                      \
    "      - {team: a, effort: 1d}\n      - {team: b, effort: 1d}\n"       \
    "      - {team: a, id: again, effort: 1d}\n"                           \
    "promise:\n  - {name: p, within: 10d, percentile: 50}\n"

START_TEST(test_deadlock_error)
{
    cs_model *m = tl_build(DEADLOCK_YAML("deadlock: stop\n"), -1);
    cs_runner_opts o;
    cs_summary *s = NULL;
    cs_error err;

    ck_assert_int_eq(m->deadlock, CS_DEADLOCK_STOP);
    memset(&o, 0, sizeof o);
    o.threads = 2;
    o.warmup = -1;
    ck_assert_int_eq(cs_summary_run(m, &o, &s, &err), CS_ESIM);
    ck_assert_ptr_null(s);
    ck_assert_msg(strstr(err.msg, "replication 1: deadlock at day 2.0") !=
                      NULL, "%s", err.msg);
    cs_model_free(m);
}
END_TEST

/* The default breaks each deadlock: three breaks at a per replication,
** every item done, the store's and summary's wip_breaks say so. */
START_TEST(test_deadlock_break)
{
    cs_model *m = tl_build(DEADLOCK_YAML(""), -1);
    cs_model *b = tl_build(DEADLOCK_YAML("deadlock: break\n"), -1);
    cs_summary *s, *sb;

    ck_assert_int_eq(m->deadlock, CS_DEADLOCK_BREAK);
    ck_assert_int_eq(b->deadlock, CS_DEADLOCK_BREAK);
    s = tl_run(m, 2, 0);
    sb = tl_run(b, 1, 0);
    ck_assert_uint_eq(s->replications, 3);
    ck_assert_uint_eq(s->done, 12);
    ck_assert_double_eq(s->teams[0].wip_breaks.mean, 3.0);
    ck_assert_double_eq(s->teams[0].wip_breaks.lo, 3.0);
    ck_assert_double_eq(s->teams[1].wip_breaks.mean, 0.0);
    ck_assert(tl_same_double(s->lead_time.mean, sb->lead_time.mean));
    ck_assert(tl_same_double(s->teams[0].wip_breaks.mean,
                             sb->teams[0].wip_breaks.mean));
    cs_summary_free(s);
    cs_summary_free(sb);
    cs_model_free(m);
    cs_model_free(b);
}
END_TEST

/* The memory bound: statistics that do not fit are refused before the
** run; the rest is shared by the threads; a bound met changes nothing. */
START_TEST(test_memory_bound)
{
    cs_model *m = tl_build(chain_yaml, -1);
    const size_t stats = cs_runner_stats_bytes(m, 8, 2);
    cs_runner_opts o;
    cs_runner_store *a = NULL, *b = NULL;
    cs_error err;

    ck_assert_uint_gt(stats, (size_t)(m->nclasses + 1) * 5 * cs_hist_bytes());
    ck_assert_uint_gt(cs_runner_stats_bytes(m, 1000, 2), stats);
    ck_assert_uint_ge(cs_runner_default_max_bytes(), (size_t)256 << 20);
    memset(&o, 0, sizeof o);
    o.threads = 2;
    o.replications = 8;
    o.warmup = -1;
    o.max_bytes = stats;
    ck_assert_int_eq(cs_runner_run(m, &o, &a, &err), CS_ESIM);
    ck_assert_ptr_null(a);
    ck_assert_msg(strstr(err.msg, "the statistics of 8 replications") != NULL,
                  "%s", err.msg);
    ck_assert_msg(strstr(err.msg, "--max-memory") != NULL, "%s", err.msg);
    o.max_bytes = stats + CS_RUNNER_PROGRAM_BYTES + ((size_t)8 << 20);
    ck_assert_int_eq(cs_runner_run(m, &o, &a, &err), CS_OK);
    o.max_bytes = 0;
    ck_assert_int_eq(cs_runner_run(m, &o, &b, &err), CS_OK);
    ck_assert_uint_eq(a->n, b->n);
    ck_assert(memcmp(a->lt_mean, b->lt_mean, a->n * sizeof *a->lt_mean) == 0);
    cs_runner_store_free(a);
    cs_runner_store_free(b);
    cs_model_free(m);
}
END_TEST

START_TEST(test_warmup_auto)
{
    /* a large initial backlog drains over the first ~100 days: the
       warm-up must cut that transient; a chain that starts in its steady
       state (constant work, no backlog) needs next to none */
    static const char *const transient =
        "chainsim: 1\nname: t\nhorizon: 1000d\nwarmup: auto\n"
        "teams:\n  - {name: a, capacity: 1}\n"
        "work:\n  - name: x\n    backlog: 150\n    arrivals: {rate: 0.5/d}\n"
        "    steps:\n      - {team: a, effort: 'exponential(1d)'}\n"
        "promise:\n  - {name: p, within: 10d, percentile: 50}\n";
    static const char *const steady =
        "chainsim: 1\nname: s\nhorizon: 1000d\nwarmup: auto\n"
        "teams:\n  - {name: a, capacity: 1}\n"
        "work:\n  - name: x\n    arrivals: {interval: 2d}\n"
        "    steps:\n      - {team: a, effort: 1d}\n"
        "promise:\n  - {name: p, within: 10d, percentile: 50}\n";
    cs_model *m = tl_build(transient, -1), *k = tl_build(steady, -1);
    double w1 = -1, w2 = -1;
    cs_error err;

    ck_assert(cs_runner_warmup_auto(m, 5, &w1, &err) == CS_OK);
    ck_assert(cs_runner_warmup_auto(k, 5, &w2, &err) == CS_OK);
    /* backlog 150 drains at 0.5/d net: about 300 days */
    ck_assert_msg(w1 >= 200 && w1 <= 500, "transient warm-up %g", w1);
    ck_assert_msg(w2 <= 50, "steady warm-up %g", w2);
    cs_summary *s = tl_run(m, 2, 4);
    ck_assert(tl_same_double(s->warmup, w1));
    cs_summary_free(s);
    cs_model_free(m);
    cs_model_free(k);
}
END_TEST

/* Stops once three replications are done. */
static void stop_after_three(void *ctx, unsigned done, unsigned total)
{
    (void)ctx;
    (void)total;
    if (done >= 3)
        stop_flag = 1;
}

static cs_runner_store *store_of(const cs_model *m, unsigned threads,
                                 unsigned n, int interrupt)
{
    cs_runner_opts o;
    cs_runner_store *st = NULL;
    cs_error err;

    memset(&o, 0, sizeof o);
    o.threads = threads;
    o.replications = n;
    o.warmup = -1;
    if (interrupt) {
        o.stop = &stop_flag;
        o.progress = stop_after_three;
    }
    stop_flag = 0;
    cs_error_clear(&err);
    ck_assert_msg(cs_runner_run(m, &o, &st, &err) == CS_OK, "run: %s",
                  err.msg);
    ck_assert_ptr_nonnull(st);
    return st;
}

/* Replications first .. first + n - 1 of m on 2 threads. */
static cs_runner_store *store_from(const cs_model *m, unsigned first,
                                   unsigned n)
{
    cs_runner_opts o;
    cs_runner_store *st = NULL;
    cs_error err;

    memset(&o, 0, sizeof o);
    o.threads = 2;
    o.first = first;
    o.replications = n;
    o.warmup = -1;
    cs_error_clear(&err);
    ck_assert_msg(cs_runner_run(m, &o, &st, &err) == CS_OK, "run: %s",
                  err.msg);
    return st;
}

static int same_doubles(const double *a, const double *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!tl_same_double(a[i], b[i]))
            return 0;
    return 1;
}

/*
** Replications run in pieces (0-2, 3-6, 7-9) and appended give the rows,
** histograms and summary of one run of 0-9, bit for bit: replication k
** is the same whatever run it is part of.
*/
START_TEST(test_store_append)
{
    cs_model *m = tl_build(chain_yaml, -1);
    const size_t nt = (size_t)m->nteams, nc = (size_t)m->nclasses;
    cs_runner_store *all = store_from(m, 0, 10);
    cs_runner_store *a = store_from(m, 0, 3), *b = store_from(m, 3, 4),
                    *c = store_from(m, 7, 3);
    cs_summary *s1, *s2;

    ck_assert_uint_eq(b->rep[0], 3);
    ck_assert_int_eq(cs_runner_store_append(a, b), 0);
    ck_assert_int_eq(cs_runner_store_append(a, c), 0);
    ck_assert_uint_eq(a->n, 10);
    ck_assert_uint_eq(a->total, 10);
    for (unsigned i = 0; i < 10; i++)
        ck_assert_uint_eq(a->rep[i], i);
    ck_assert(same_doubles(a->lt_mean, all->lt_mean, 10));
    ck_assert(same_doubles(a->lt_third, all->lt_third, 20));
    ck_assert(same_doubles(a->batch_wip, all->batch_wip,
                           10 * CS_REP_BATCHES));
    ck_assert(same_doubles(a->cls_mean, all->cls_mean, 10 * nc));
    ck_assert(same_doubles(a->brk, all->brk, 10 * a->brk_width));
    ck_assert(same_doubles(a->team, all->team,
                           10 * nt * CS_RUNNER_TEAM_NFIELDS));
    ck_assert_uint_eq(a->visits[9], all->visits[9]);
    ck_assert_uint_eq(cs_hist_count(a->hist), cs_hist_count(all->hist));
    ck_assert(tl_same_double(cs_hist_quantile(a->hist, 0.85),
                             cs_hist_quantile(all->hist, 0.85)));
    ck_assert_uint_eq(cs_hist_count(a->cls_hist[1]),
                      cs_hist_count(all->cls_hist[1]));
    s1 = cs_summary_build(all);
    s2 = cs_summary_build(a);
    ck_assert(tl_same_double(s1->lead_time.mean, s2->lead_time.mean));
    ck_assert(tl_same_double(s1->p85, s2->p85));
    ck_assert(tl_same_double(s1->drift.mean, s2->drift.mean));
    ck_assert(tl_same_double(s1->settle_day, s2->settle_day));
    ck_assert_int_eq(s1->nwarnings, s2->nwarnings);
    cs_summary_free(s1);
    cs_summary_free(s2);
    cs_runner_store_free(all);
    cs_runner_store_free(a);
    cs_runner_store_free(b);
    cs_runner_store_free(c);
    cs_model_free(m);
}
END_TEST

START_TEST(test_store_rows)
{
    cs_model *m = tl_build(chain_yaml, -1);
    cs_runner_store *st = store_of(m, 3, 7, 0);

    ck_assert_uint_eq(st->total, 7);
    ck_assert_uint_eq(st->n, 7);
    for (unsigned i = 0; i < 7; i++)
        ck_assert_uint_eq(st->rep[i], i);
    ck_assert_uint_eq(cs_hist_count(st->hist),
                      cs_hist_count(st->cls_hist[0]) +
                          cs_hist_count(st->cls_hist[1]));
    cs_runner_store_free(st);
    cs_model_free(m);
}
END_TEST

/*
** Interrupted on several threads, long replications (the engines are
** stopped in mid-run): the completed replications need not be the first
** ones (tried until they are not, up to 20 times), and every row must
** carry the number of the replication it is.
*/
START_TEST(test_interrupt_threads_rep_numbers)
{
    cs_model *m = tl_build(chain_yaml, -1);
    cs_runner_store *st = NULL, *full;

    m->horizon = 200000;
    for (int k = 0; k < 20; k++) {
        cs_runner_store_free(st);
        st = store_of(m, 8, 24, 1);
        ck_assert(st->n >= 3 && st->n < 24);
        if (st->rep[st->n - 1] != st->n - 1)
            break;
    }
    ck_assert(st->n >= 3 && st->n < 24);
    for (size_t i = 1; i < st->n; i++)
        ck_assert_uint_lt(st->rep[i - 1], st->rep[i]);
    ck_assert_uint_lt(st->rep[st->n - 1], 24);
    full = store_of(m, 2, st->rep[st->n - 1] + 1, 0);
    for (size_t i = 0; i < st->n; i++) {
        const unsigned r = st->rep[i];
        ck_assert(tl_same_double(st->lt_mean[i], full->lt_mean[r]));
        ck_assert(tl_same_double(st->wip[i], full->wip[r]));
        ck_assert_uint_eq(st->arrived[i], full->arrived[r]);
    }
    cs_runner_store_free(full);
    cs_runner_store_free(st);
    cs_model_free(m);
}
END_TEST

/*
** The completion and timeline columns, and the timeline's histograms,
** survive appended rounds: replications 0-6 and 7-19 appended give the
** rows and the summary of 0-19 in one store, bit for bit.  A model
** without initial items or timeline has no such columns.
*/
START_TEST(test_store_append_board)
{
    cs_model *m = board_model();
    cs_runner_store *all = board_store(m, 0, BOARD_REPS);
    cs_runner_store *a = board_store(m, 0, 7), *b = board_store(m, 7, 20);
    const size_t np = 3, nt = 2, nc = 3;
    cs_summary *s1, *s2;

    ck_assert_int_eq(cs_runner_nperiods(m), 3);
    ck_assert_int_eq(a->nperiods, 3);
    ck_assert_int_eq(cs_runner_store_append(a, b), 0);
    ck_assert_uint_eq(a->n, 20);
    ck_assert_uint_eq(a->rep[19], 19);
    ck_assert(same_doubles(a->completion, all->completion, 20));
    ck_assert(same_doubles(a->cls_completion, all->cls_completion, 20 * nc));
    ck_assert(same_doubles(a->per, all->per,
                           20 * np * CS_RUNNER_PERIOD_NFIELDS));
    ck_assert(same_doubles(a->per_team, all->per_team,
                           20 * np * nt * CS_RUNNER_PTEAM_NFIELDS));
    ck_assert(isinf(a->completion[19]) && a->completion[16] == 24.0);
    ck_assert_double_eq(a->team[CS_RUNNER_TEAM_CAPACITY], 3.2);
    for (int k = 0; k < (int)np; k++)
        ck_assert_uint_eq(cs_runner_period_count(a, k),
                          cs_runner_period_count(all, k));
    ck_assert_uint_eq(cs_runner_period_count(a, 0), 40);
    ck_assert_uint_eq(cs_runner_period_count(a, 1), 0);
    ck_assert_uint_eq(cs_runner_period_count(a, 2), 1);
    s1 = cs_summary_build(all);
    s2 = cs_summary_build(a);
    for (size_t k = 0; k < np; k++) {
        ck_assert(tl_same_double(s1->periods[k].lead_time_p85,
                                 s2->periods[k].lead_time_p85) ||
                  (isnan(s1->periods[k].lead_time_p85) &&
                   isnan(s2->periods[k].lead_time_p85)));
        ck_assert(tl_same_double(s1->periods[k].done.lo,
                                 s2->periods[k].done.lo));
    }
    ck_assert(tl_same_double(s1->completion.p85, s2->completion.p85));
    cs_summary_free(s1);
    cs_summary_free(s2);
    cs_runner_store_free(all);
    cs_runner_store_free(a);
    cs_runner_store_free(b);
    /* the timeline's statistics count against the memory bound */
    {
        const size_t with = cs_runner_stats_bytes(m, 10, 2);
        m->timeline = 0;
        ck_assert_uint_gt(with, cs_runner_stats_bytes(m, 10, 2) +
                                    10 * np * (CS_RUNNER_PERIOD_NFIELDS +
                                               nt * CS_RUNNER_PTEAM_NFIELDS) *
                                        sizeof(double));
        m->classes[0].backlog = 0;
        m->classes[1].nstart = 0;
        all = cs_runner_store_new(m, 2);
        ck_assert_int_eq(all->nperiods, 0);
        ck_assert_ptr_nonnull(all->per_lt);
        cs_runner_store_free(all);
    }
    cs_model_free(m);
}
END_TEST

/*
** A period's lead times are a list while few and a histogram once the
** list would be larger: the count and the percentile are the same either
** way, and so through an append of one kind onto the other.
*/
START_TEST(test_store_period_lead_times)
{
    enum { PER_REP = 15000 };
    cs_model *m = board_model();
    cs_runner_store *one = cs_runner_store_new(m, 1);
    cs_runner_store *two = cs_runner_store_new(m, 2);
    cs_rep *r = cs_engine_rep_new(m);
    cs_hist *h = cs_hist_new(), *scratch = cs_hist_new();

    ck_assert(one && two && r && h && scratch);
    ck_assert_uint_gt(2 * PER_REP, cs_hist_bytes() / sizeof(double));
    ck_assert_uint_lt(PER_REP, cs_hist_bytes() / sizeof(double));
    for (unsigned i = 0; i < 2; i++) {
        board_fill(r, i);
        free(r->period_lt);
        r->period_lt = malloc(PER_REP * sizeof *r->period_lt);
        ck_assert_ptr_nonnull(r->period_lt);
        r->cap_period_lt = r->nperiod_lt = PER_REP;
        for (size_t j = 0; j < PER_REP; j++) {
            const double lt = 1.0 + (double)((j * 7919 + i) % 1000) / 10.0;
            r->period_lt[j] = (cs_period_lt){lt, 1};
            cs_hist_add(h, lt);
        }
        ck_assert_int_eq(cs_runner_store_add(two, i, r), 0);
        if (i == 1)
            ck_assert_int_eq(cs_runner_store_add(one, i, r), 0);
        if (i == 0) {
            /* a list still: the quantile of the values all the same */
            ck_assert_uint_eq(cs_runner_period_count(two, 1), PER_REP);
            ck_assert(tl_same_double(
                cs_runner_period_quantile(two, 1, 0.85, scratch),
                cs_hist_quantile(h, 0.85)));
        }
    }
    ck_assert_uint_eq(cs_runner_period_count(two, 1), 2 * PER_REP);
    ck_assert(tl_same_double(cs_runner_period_quantile(two, 1, 0.85, scratch),
                             cs_hist_quantile(h, 0.85)));
    ck_assert(isnan(cs_runner_period_quantile(two, 0, 0.85, scratch)));
    /* a list (replication 0 of a store of its own) with a list appended
    ** becomes a histogram: the same figures */
    {
        cs_runner_store *zero = cs_runner_store_new(m, 1);
        board_fill(r, 0);
        ck_assert_ptr_nonnull(zero);
        free(r->period_lt);
        r->period_lt = malloc(PER_REP * sizeof *r->period_lt);
        ck_assert_ptr_nonnull(r->period_lt);
        r->cap_period_lt = r->nperiod_lt = PER_REP;
        for (size_t j = 0; j < PER_REP; j++)
            r->period_lt[j] = (cs_period_lt){
                1.0 + (double)((j * 7919) % 1000) / 10.0, 1};
        ck_assert_int_eq(cs_runner_store_add(zero, 0, r), 0);
        ck_assert_int_eq(cs_runner_store_append(zero, one), 0);
        ck_assert_uint_eq(cs_runner_period_count(zero, 1), 2 * PER_REP);
        ck_assert(tl_same_double(
            cs_runner_period_quantile(zero, 1, 0.85, scratch),
            cs_hist_quantile(h, 0.85)));
        ck_assert(tl_same_double(
            cs_runner_period_quantile(zero, 1, 0.5, scratch),
            cs_runner_period_quantile(two, 1, 0.5, scratch)));
        cs_runner_store_free(zero);
    }
    cs_hist_free(h);
    cs_hist_free(scratch);
    cs_engine_rep_free(r);
    cs_runner_store_free(one);
    cs_runner_store_free(two);
    cs_model_free(m);
}
END_TEST

static Suite *runner_suite(void)
{
    Suite *s = suite_create("runner");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_threads_bit_identical);
    tcase_add_test(tc, test_interrupt_partial);
    tcase_add_test(tc, test_progress_counts);
    tcase_add_test(tc, test_deadlock_error);
    tcase_add_test(tc, test_deadlock_break);
    tcase_add_test(tc, test_memory_bound);
    tcase_add_test(tc, test_warmup_auto);
    tcase_add_test(tc, test_store_append);
    tcase_add_test(tc, test_store_rows);
    tcase_add_test(tc, test_interrupt_threads_rep_numbers);
    tcase_add_test(tc, test_store_append_board);
    tcase_add_test(tc, test_store_period_lead_times);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(runner_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
