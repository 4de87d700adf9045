/*
** test_runner.c - replications on threads: determinism across thread
** counts, merging, verdicts, paired comparisons, warm-up, interruption.
*/
#include <check.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/runner.h"
#include "chainsim/scenario.h"
#include "testlib.h"

static const char *const chain_yaml =
    "chainsim: 1\n"
    "name: two teams\n"
    "horizon: 400d\n"
    "warmup: 50d\n"
    "replications: 12\n"
    "seed: 3\n"
    "teams:\n"
    "  - {name: a, capacity: 2}\n"
    "  - {name: b, capacity: 1, wip_limit: 4, handoff: 0.5d}\n"
    "work:\n"
    "  - name: x\n"
    "    arrivals: {rate: 0.6/d}\n"
    "    steps:\n"
    "      - {team: a, effort: 'exponential(2d)'}\n"
    "      - {team: b, effort: 'gamma(mean=1.2d, cv=0.5)'}\n"
    "  - name: y\n"
    "    arrivals: {rate: 0.1/d}\n"
    "    steps:\n"
    "      - {team: b, effort: 1d}\n"
    "promise:\n"
    "  - {name: easy, within: 100d, percentile: 50}\n"
    "  - {name: impossible, work: x, within: 0.01d, percentile: 99}\n"
    "  - {name: flow, throughput: 10/100d}\n"
    "variants:\n"
    "  - name: same\n"
    "    patch: {}\n"
    "  - name: faster-b\n"
    "    patch: {teams: [{name: b, capacity: 2}]}\n";

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
    cs_summary_free(s);
    cs_model_free(m);
}
END_TEST

START_TEST(test_compare_identical_is_zero)
{
    cs_model *b = tl_build(chain_yaml, -1), *v = tl_build(chain_yaml, 0);
    cs_summary *sb = tl_run(b, 2, 8), *sv = tl_run(v, 1, 8);
    cs_comparison *c = cs_compare(sb, sv, 0.95);

    ck_assert_ptr_nonnull(c);
    ck_assert(c->lead_time_mean.mean == 0.0);
    ck_assert(c->lead_time_mean.lo == 0.0 && c->lead_time_mean.hi == 0.0);
    ck_assert(c->throughput.mean == 0.0 && c->throughput.hi == 0.0);
    ck_assert(c->lead_time_p85.mean == 0.0);
    ck_assert_int_eq(c->npromises, 3);
    ck_assert(c->promise[0].mean == 0.0 && c->promise[0].hi == 0.0);
    cs_comparison_free(c);
    cs_summary_free(sb);
    cs_summary_free(sv);
    cs_model_free(b);
    cs_model_free(v);
}
END_TEST

START_TEST(test_compare_better_variant)
{
    cs_model *b = tl_build(chain_yaml, -1), *v = tl_build(chain_yaml, 1);
    cs_summary *sb = tl_run(b, 2, 12), *sv = tl_run(v, 2, 12);
    cs_comparison *c = cs_compare(sb, sv, 1 - 0.05 / 2);

    /* doubling the bottleneck's capacity shortens lead time significantly */
    ck_assert_msg(c->lead_time_mean.hi < 0, "diff %g [%g, %g]",
                  c->lead_time_mean.mean, c->lead_time_mean.lo,
                  c->lead_time_mean.hi);
    ck_assert(c->level > 0.97 && c->level < 0.98);
    /* common random numbers: the same items arrive in both */
    ck_assert_uint_eq(sb->arrived, sv->arrived);
    cs_comparison_free(c);
    cs_summary_free(sb);
    cs_summary_free(sv);
    cs_model_free(b);
    cs_model_free(v);
}
END_TEST

static volatile sig_atomic_t stop_flag;

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
    cs_run_opts o;
    cs_summary *s = NULL;
    cs_error err;

    memset(&o, 0, sizeof o);
    o.threads = 1;
    o.replications = 50;
    o.warmup = -1;
    o.stop = &stop_flag;
    o.progress = stop_after_first;
    stop_flag = 0;
    ck_assert(cs_run(m, &o, &s, &err) == CS_OK);
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
    cs_run_opts o;
    cs_summary *s = NULL;
    cs_error err;

    memset(&o, 0, sizeof o);
    o.threads = 2;
    o.replications = 6;
    o.warmup = -1;
    o.progress = stop_after_first;
    stop_flag = 0;
    ck_assert(cs_run(m, &o, &s, &err) == CS_OK);
    ck_assert(stop_flag == 1);   /* called, and no stop pointer given */
    ck_assert_uint_eq(s->replications, 6);
    ck_assert(!s->partial);
    cs_summary_free(s);
    cs_model_free(m);
}
END_TEST

START_TEST(test_deadlock_error)
{
    static const char *const yaml =
        "chainsim: 1\nname: dead\nhorizon: 50d\nreplications: 3\n"
        "teams:\n  - {name: a, capacity: 1, wip_limit: 1}\n"
        "  - {name: b, capacity: 1, wip_limit: 1}\n"
        "work:\n  - name: x\n    backlog: 4\n    steps:\n"
        "      - {team: a, effort: 1d}\n      - {team: b, effort: 1d}\n"
        "      - {team: a, id: again, effort: 1d}\n"
        "promise:\n  - {name: p, within: 10d, percentile: 50}\n";
    cs_model *m = tl_build(yaml, -1);
    cs_run_opts o;
    cs_summary *s = NULL;
    cs_error err;

    memset(&o, 0, sizeof o);
    o.threads = 2;
    o.warmup = -1;
    ck_assert_int_eq(cs_run(m, &o, &s, &err), CS_ESIM);
    ck_assert_ptr_null(s);
    ck_assert_msg(strstr(err.msg, "deadlock") != NULL, "%s", err.msg);
    ck_assert_msg(strstr(err.msg, "replication 1") != NULL, "%s", err.msg);
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

    ck_assert(cs_warmup_auto(m, 5, &w1, &err) == CS_OK);
    ck_assert(cs_warmup_auto(k, 5, &w2, &err) == CS_OK);
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

static Suite *runner_suite(void)
{
    Suite *s = suite_create("runner");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_threads_bit_identical);
    tcase_add_test(tc, test_summary_consistent);
    tcase_add_test(tc, test_compare_identical_is_zero);
    tcase_add_test(tc, test_compare_better_variant);
    tcase_add_test(tc, test_interrupt_partial);
    tcase_add_test(tc, test_progress_counts);
    tcase_add_test(tc, test_deadlock_error);
    tcase_add_test(tc, test_warmup_auto);
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
