/*
** test_sensitivity.c - the changes a scenario gets (which teams, which
** kinds, their overrides), common random numbers (a change that alters
** nothing gains exactly 0), the ranking rules, and the known bottleneck
** of a tandem ranked first, with costs and without.
*/
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "chainsim/report_sensitivity.h"
#include "chainsim/sensitivity.h"

#include "testlib.h"

static cs_sensitivity *plan(const char *yaml)
{
    cs_scenario *s = NULL;
    cs_sensitivity *sv = NULL;
    cs_error err;

    cs_error_clear(&err);
    ck_assert_msg(cs_scenario_load_string("t.yaml", yaml, &s, &err) == CS_OK,
                  "load: %s", err.msg);
    ck_assert_msg(cs_sensitivity_new(s, &sv, &err) == CS_OK, "new: %s",
                  err.msg);
    cs_scenario_free(s);
    return sv;
}

static void run(cs_sensitivity *sv)
{
    const cs_sens_run_opts o = {2, 0, NULL, NULL, NULL};
    cs_error err;

    cs_error_clear(&err);
    ck_assert_msg(cs_sensitivity_run(sv, &o, &err) == CS_OK, "run: %s",
                  err.msg);
    ck_assert_uint_eq(sv->nrun, sv->nchanges);
    ck_assert(!sv->partial);
}

/* a: hand-off (first step: never applied), focus 0.8, WIP limit 4;
** b: WIP limit 1 (no -1), focus 1; c: a schedule. */
static const char *const kinds_yaml =
    "chainsim: 1\nname: kinds\nhorizon: 200d\nwarmup: 20d\n"
    "replications: 6\nseed: 4\n"
    "teams:\n"
    "  - {name: a, capacity: 2, wip_limit: 4, handoff: 1d, focus: 0.8,\n"
    "     cost_per_day: 100}\n"
    "  - {name: b, capacity: 1, wip_limit: 1}\n"
    "  - name: c\n    capacity: 1\n"
    "    schedule: [{from: 50d, capacity: 2}, {from: 100d, capacity: 0}]\n"
    "work:\n  - name: x\n    arrivals: {rate: 0.3/d}\n    steps:\n"
    "      - {team: a, effort: 'exponential(2d)'}\n"
    "      - {team: b, effort: 'exponential(1d)'}\n"
    "      - {team: c, effort: 'exponential(1d)'}\n"
    "promise:\n  - {name: p, within: 20d, percentile: 85}\n";

START_TEST(test_changes)
{
    static const char *const want[] = {
        "teams.a.capacity=3", "teams.a.wip_limit=3", "teams.a.wip_limit=5",
        "teams.a.handoff=null", "teams.a.focus=0.9", "teams.b.capacity=2",
        "teams.b.wip_limit=2", "teams.c.capacity=2"};
    cs_sensitivity *sv = plan(kinds_yaml);
    const cs_team *c;

    ck_assert_uint_eq(sv->nchanges, sizeof want / sizeof *want);
    for (size_t i = 0; i < sv->nchanges; i++)
        ck_assert_str_eq(sv->changes[i].assignment, want[i]);
    ck_assert_int_eq(sv->changes[1].kind, CS_SENS_WIP_DOWN);
    ck_assert_double_eq(sv->changes[3].from, 1.0);
    ck_assert_double_eq(sv->changes[3].to, 0.0);
    ck_assert(!sv->changes[3].model->teams[0].has_handoff);
    ck_assert_double_eq_tol(sv->changes[4].model->teams[0].focus, 0.9,
                            1e-12);
    /* capacity + 1 at a costs a's rate; the others cost nothing */
    ck_assert_double_eq_tol(sv->changes[0].added_cost, 100.0, 1e-9);
    ck_assert_double_eq(sv->changes[1].added_cost, 0.0);
    /* with a schedule, one more at every time */
    c = &sv->changes[7].model->teams[2];
    ck_assert_int_eq(c->capacity, 2);
    ck_assert_int_eq(c->nschedule, 2);
    ck_assert_int_eq(c->schedule[0].capacity, 3);
    ck_assert_int_eq(c->schedule[1].capacity, 1);
    ck_assert_double_eq(c->schedule[1].from, 100.0);
    /* common random numbers: the seed is the baseline's */
    for (size_t i = 0; i < sv->nchanges; i++)
        ck_assert_uint_eq(sv->changes[i].model->seed, sv->base->seed);
    cs_sensitivity_free(sv);
}
END_TEST

/* a's hand-off is never applied (a is the first step), so removing it
** changes no draw and no figure: a gain of exactly 0. */
START_TEST(test_crn_zero)
{
    cs_sensitivity *sv = plan(kinds_yaml);
    const cs_sens_change *h;

    run(sv);
    h = &sv->changes[3];
    ck_assert_int_eq(h->kind, CS_SENS_NO_HANDOFF);
    ck_assert(tl_same_double(h->promise_gain.mean, 0.0));
    ck_assert(tl_same_double(h->promise_gain.lo, 0.0));
    ck_assert(tl_same_double(h->lead_gain.mean, 0.0));
    ck_assert(tl_same_double(h->lead_gain.hi, 0.0));
    cs_sensitivity_free(sv);
}
END_TEST

/*
** A tandem whose bottleneck is known: b at load 0.9 (one person), a and c
** at 0.45 (two each).  One more person at b cuts b's M/M/1 wait from 9
** days to about 0.2; one more at a or c saves a fraction of a day.  With
** equal cost rates and without any, b's +1 ranks first.
*/
static void bottleneck(const char *cost, unsigned n)
{
    char yaml[2048];
    cs_sensitivity *sv;
    const cs_sens_change *first;

    snprintf(yaml, sizeof yaml,
             "chainsim: 1\nname: tandem\nhorizon: 600d\nwarmup: 100d\n"
             "replications: %u\nseed: 9\nteams:\n"
             "  - {name: a, capacity: 2%s}\n"
             "  - {name: b, capacity: 1%s}\n"
             "  - {name: c, capacity: 2%s}\n"
             "work:\n  - name: x\n    arrivals: {rate: 0.9/d}\n"
             "    steps:\n"
             "      - {team: a, effort: 'exponential(1d)'}\n"
             "      - {team: b, effort: 'exponential(1d)'}\n"
             "      - {team: c, effort: 'exponential(1d)'}\n"
             "promise:\n  - {name: month, within: 10d, percentile: 85}\n",
             n, cost, cost, cost);
    sv = plan(yaml);
    ck_assert_uint_eq(sv->nchanges, 3);
    run(sv);
    first = &sv->changes[sv->order[0]];
    printf("bottleneck tandem%s: first %s (gain %.3f [%.3f, %.3f], lead "
           "%.2fd); a %.3f, c %.3f\n", cost, first->assignment,
           first->promise_gain.mean, first->promise_gain.lo,
           first->promise_gain.hi, first->lead_gain.mean,
           sv->changes[0].promise_gain.mean,
           sv->changes[2].promise_gain.mean);
    ck_assert_str_eq(first->assignment, "teams.b.capacity=2");
    ck_assert_uint_eq(first->rank, 1);
    /* and its gain is real: the interval excludes 0 */
    ck_assert(first->promise_gain.lo > 0);
    ck_assert(first->lead_gain.lo > 0);
    cs_sensitivity_free(sv);
}

START_TEST(test_bottleneck_first)
{
    const unsigned n = getenv("CS_QUICK") != NULL ? 8 : 40;

    bottleneck(", cost_per_day: 500", n);
    bottleneck("", n);
}
END_TEST

/* Ranking by hand: free promise gains first, costly ones by gain per
** cost, then free changes without a promise gain by lead time, free
** losses last. */
START_TEST(test_rank_rules)
{
    cs_sensitivity sv;
    cs_sens_change c[5];
    size_t order[5];

    memset(&sv, 0, sizeof sv);
    memset(c, 0, sizeof c);
    sv.changes = c;
    sv.nchanges = sv.nrun = 5;
    sv.order = order;
    /* 0: costly, 0.1 per 100; 1: free, +0.01; 2: costly, 0.3 per 200
    ** (0.15 per 100); 3: free, -0.02; 4: free, 0 but lead +1 */
    const double gain[] = {0.1, 0.01, 0.3, -0.02, 0.0};
    const double cost[] = {100, 0, 200, 0, 0};
    const double lead[] = {0, 0, 0, 0, 1};
    for (int i = 0; i < 5; i++) {
        c[i].promise_gain = (cs_ci){gain[i], gain[i], gain[i], 0, 10, 1};
        c[i].lead_gain = (cs_ci){lead[i], lead[i], lead[i], 0, 10, 1};
        c[i].added_cost = cost[i];
    }
    cs_sensitivity_rank(&sv);
    /* the free promise gain; the costly ones by gain per cost; the free
    ** change that gains lead time only (its promise gain, 0, is below
    ** theirs per cost); the free loss */
    ck_assert_uint_eq(order[0], 1);
    ck_assert_uint_eq(order[1], 2);
    ck_assert_uint_eq(order[2], 0);
    ck_assert_uint_eq(order[3], 4);
    ck_assert_uint_eq(order[4], 3);
    ck_assert_uint_eq(c[2].rank, 2);
}
END_TEST

/* The writers: JSON parses with the changes in rank order, CSV has a row
** per change, the table and the HTML page hold the ranking. */
START_TEST(test_writers)
{
    cs_sensitivity *sv = plan(kinds_yaml);
    cs_error err;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;
    json_error_t je;
    json_t *root;

    run(sv);
    f = open_memstream(&buf, &len);
    ck_assert_int_eq(cs_report_sensitivity_write(f, CS_FORMAT_JSON, sv, 0,
                                                 &err), CS_OK);
    fclose(f);
    root = json_loads(buf, 0, &je);
    ck_assert_ptr_nonnull(root);
    ck_assert_uint_eq(json_array_size(json_object_get(root, "changes")),
                      sv->nchanges);
    ck_assert_int_eq(json_integer_value(json_object_get(
                         json_array_get(json_object_get(root, "changes"), 0),
                         "rank")), 1);
    json_decref(root);
    free(buf);
    buf = NULL;
    f = open_memstream(&buf, &len);
    ck_assert_int_eq(cs_report_sensitivity_write(f, CS_FORMAT_CSV, sv, 0,
                                                 &err), CS_OK);
    fclose(f);
    {
        size_t lines = 0;
        for (const char *p = buf; *p; p++)
            lines += *p == '\n';
        ck_assert_uint_eq(lines, sv->nchanges + 1);
    }
    ck_assert(strncmp(buf, "rank,team,change,", 17) == 0);
    free(buf);
    buf = NULL;
    f = open_memstream(&buf, &len);
    ck_assert_int_eq(cs_report_sensitivity_write(f, CS_FORMAT_TABLE, sv, 0,
                                                 &err), CS_OK);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "rank  team"));
    free(buf);
    buf = NULL;
    f = open_memstream(&buf, &len);
    ck_assert_int_eq(cs_report_sensitivity_html(f, sv, &err), CS_OK);
    fclose(f);
    ck_assert(strncmp(buf, "<!DOCTYPE html>", 15) == 0);
    ck_assert_ptr_nonnull(strstr(buf, "<code>teams.a.capacity=3</code>"));
    /* two forest plots, and the page closed */
    ck_assert_ptr_nonnull(strstr(strstr(buf, "<svg") + 1, "<svg"));
    ck_assert_ptr_nonnull(strstr(buf, "</html>\n"));
    free(buf);
    cs_sensitivity_free(sv);
}
END_TEST

/* Focus + 0.1 stops at 1; a WIP limit of 1 has no -1. */
START_TEST(test_caps)
{
    cs_sensitivity *sv = plan(
        "chainsim: 1\nname: caps\nhorizon: 100d\nreplications: 2\n"
        "teams:\n  - {name: a, capacity: 2, wip_limit: 1, focus: 0.95}\n"
        "work:\n  - name: x\n    arrivals: {rate: 0.3/d}\n    steps:\n"
        "      - {team: a, effort: 1d}\n"
        "promise:\n  - {name: p, within: 20d, percentile: 85}\n");

    ck_assert_uint_eq(sv->nchanges, 3);
    ck_assert_str_eq(sv->changes[1].assignment, "teams.a.wip_limit=2");
    ck_assert_str_eq(sv->changes[2].assignment, "teams.a.focus=1");
    ck_assert_double_eq(sv->changes[2].to, 1.0);
    ck_assert_double_eq(sv->changes[2].model->teams[0].focus, 1.0);
    cs_sensitivity_free(sv);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sensitivity");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_changes);
    tcase_add_test(tc, test_crn_zero);
    tcase_add_test(tc, test_bottleneck_first);
    tcase_add_test(tc, test_rank_rules);
    tcase_add_test(tc, test_writers);
    tcase_add_test(tc, test_caps);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
