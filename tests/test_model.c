/*
** test_model.c - the derived figures of a model built by hand: offered
** load (p, parallel branches, rework with its effort factor, focus), expected
** visits, arrival rates, cost, look-ups and names; choices, contexts and
** escapes (alternatives, breakdown slots, rates through escapes).
*/
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/model.h"
#include "chainsim/str.h"

static char *dup(const char *s)
{
    char *d = cs_str_dup(s);

    ck_assert_ptr_nonnull(d);
    return d;
}

/*
** Teams a (capacity 2, focus 0.5, cost 2) and b (capacity 1, cost 3).
** Class x: 0.5 arrivals a day in batches of 2; route
**   0: a, effort 1
**   1: parallel [b effort 0.5, a effort 1 with p 0.5], rework p 0.2 back to
**      position 0 with effort factor 0.5
**   2: b, effort 0.25, p 0.4
** Class y: backlog only (no load).
*/
static cs_model *sample(void)
{
    cs_model *m = cs_model_new();
    cs_class *x, *y;

    ck_assert_ptr_nonnull(m);
    m->nteams = 2;
    m->teams = calloc(2, sizeof *m->teams);
    m->teams[0] = (cs_team){.name = dup("a"), .capacity = 2, .focus = 0.5,
                            .cost_per_day = 2};
    m->teams[1] = (cs_team){.name = dup("b"), .capacity = 1, .focus = 1,
                            .cost_per_day = 3};
    m->nclasses = 2;
    m->classes = calloc(2, sizeof *m->classes);
    x = &m->classes[0];
    x->name = dup("x");
    x->arrival = CS_ARRIVE_RATE;
    x->rate = 0.5;
    x->batch = 2;
    x->nsteps = 5;
    x->steps = calloc(5, sizeof *x->steps);
    x->steps[0] = (cs_step){.id = dup("a#1"), .kind = CS_STEP_WORK, .team = 0,
                            .effort = cs_dist_const(1), .p = 1};
    x->steps[1] = (cs_step){.id = dup("both"), .kind = CS_STEP_PARALLEL,
                            .p = 1, .branch_first = 2, .nbranches = 2,
                            .has_rework = 1, .rework_p = 0.2,
                            .rework_to = 0, .rework_factor = 0.5};
    x->steps[2] = (cs_step){.id = dup("b#1"), .kind = CS_STEP_WORK, .team = 1,
                            .effort = cs_dist_const(0.5), .p = 1};
    x->steps[3] = (cs_step){.id = dup("a#2"), .kind = CS_STEP_WORK, .team = 0,
                            .effort = cs_dist_const(1), .p = 0.5};
    x->steps[4] = (cs_step){.id = dup("b#2"), .kind = CS_STEP_WORK, .team = 1,
                            .effort = cs_dist_const(0.25), .p = 0.4};
    x->nroute = 3;
    x->route = malloc(3 * sizeof *x->route);
    x->route[0] = 0;
    x->route[1] = 1;
    x->route[2] = 4;
    y = &m->classes[1];
    y->name = dup("y");
    y->arrival = CS_ARRIVE_NONE;
    y->batch = 1;
    y->backlog = 5;
    y->nsteps = 1;
    y->steps = calloc(1, sizeof *y->steps);
    y->steps[0] = (cs_step){.id = dup("b"), .kind = CS_STEP_WORK, .team = 1,
                            .effort = cs_dist_const(1), .p = 1};
    y->nroute = 1;
    y->route = malloc(sizeof *y->route);
    y->route[0] = 0;
    return m;
}

START_TEST(test_defaults)
{
    cs_model *m = cs_model_new();

    ck_assert(m->horizon == 260.0 && m->warmup == 0.0);
    ck_assert_uint_eq(m->replications, 100);
    ck_assert_uint_eq(m->seed, 1);
    ck_assert(m->units.hours_per_day == 8 && m->units.days_per_week == 5);
    cs_model_free(m);
    cs_model_free(NULL);
}
END_TEST

START_TEST(test_offered_load)
{
    cs_model *m = sample();
    double util[2];

    /* positions 0 and 1 are passed 1/(1-0.2) = 1.25 times; the repeats
       cost half: work factor 1 + 0.25 x 0.5 = 1.125 at rate 1/d.
       a: step 0: 1.125 x 1 / 0.5 / 2 = 1.125; branch a: 1.125 x 0.5 x 1
          / 0.5 / 2 = 0.5625; in all 1.6875
       b: branch b: 1.125 x 0.5 = 0.5625; step 2: 0.4 x 0.25 = 0.1 */
    cs_model_offered_load(m, util);
    ck_assert_double_eq_tol(util[0], 1.6875, 1e-12);
    ck_assert_double_eq_tol(util[1], 0.6625, 1e-12);
    /* visits count passes, not effort: 1.25 + 1.25 x 1.5 + 0.4 */
    ck_assert_double_eq_tol(cs_model_class_visits(m, 0), 3.525, 1e-12);
    ck_assert_double_eq_tol(cs_model_class_visits(m, 1), 1.0, 1e-12);
    /* a run: arrivals over the horizon plus the backlog, times visits */
    ck_assert_double_eq_tol(cs_model_class_items(m, 0), m->horizon, 1e-9);
    ck_assert_double_eq_tol(cs_model_class_items(m, 1), 5.0, 1e-12);
    ck_assert_double_eq_tol(cs_model_run_visits(m, 0), m->horizon * 3.525,
                            1e-9);
    ck_assert_double_eq_tol(cs_model_run_visits(m, 1), 5.0, 1e-12);
    /* a WIP limit below the capacity keeps workers idle: the load is on
       min(capacity, wip_limit) workers (a: 1.6875 x 2 / 1) */
    m->teams[0].wip_limit = 1;
    ck_assert_int_eq(cs_model_effective_capacity(&m->teams[0]), 1);
    cs_model_offered_load(m, util);
    ck_assert_double_eq_tol(util[0], 3.375, 1e-12);
    m->teams[0].wip_limit = 5;
    ck_assert_int_eq(cs_model_effective_capacity(&m->teams[0]), 2);
    cs_model_offered_load(m, util);
    ck_assert_double_eq_tol(util[0], 1.6875, 1e-12);
    cs_model_free(m);
}
END_TEST

START_TEST(test_rates_cost_lookups)
{
    cs_model *m = sample();

    ck_assert(cs_model_class_rate(m, 0) == 1.0);
    ck_assert(cs_model_class_rate(m, 1) == 0.0);
    m->classes[0].arrival = CS_ARRIVE_INTERVAL;
    m->classes[0].interval = cs_dist_const(4);
    ck_assert(cs_model_class_rate(m, 0) == 0.5);   /* batch 2 every 4 days */
    ck_assert(cs_model_cost_per_day(m) == 7.0);    /* 2 x 2 + 3 x 1 */
    ck_assert_int_eq(cs_model_team_index(m, "b"), 1);
    ck_assert_int_eq(cs_model_team_index(m, "c"), -1);
    ck_assert_int_eq(cs_model_class_index(m, "y"), 1);
    ck_assert_int_eq(cs_model_class_index(m, "z"), -1);
    ck_assert_str_eq(cs_model_team_type_name(CS_TEAM_PLATFORM), "platform");
    ck_assert_str_eq(cs_model_team_type_name(CS_TEAM_COMPLICATED_SUBSYSTEM),
                     "complicated-subsystem");
    ck_assert_str_eq(cs_model_discipline_name(CS_DISC_EDD), "edd");
    cs_model_free(m);
}
END_TEST

/*
** Functions of time by hand.  Team a (capacity 2, WIP limit 1 added for
** the effective case): capacity 0 on [3, 5), 4 from 5 in every period of
** 10: area per period 3 x 2 + 2 x 0 + 5 x 4 = 26.  Class x: factor 3 on
** [2, 4) of every 5 (mean (3 + 6) / 5 = 1.8).  A one-off schedule, a
** one-off profile and a changing curve make the chain change once; the
** periodic ones do not.
*/
START_TEST(test_over_time)
{
    cs_model *m = sample();
    cs_team *a = &m->teams[0];
    cs_class *x = &m->classes[0];

    a->schedule = calloc(2, sizeof *a->schedule);
    ck_assert_ptr_nonnull(a->schedule);
    a->schedule[0].from = 3;
    a->schedule[0].capacity = 0;
    a->schedule[1].from = 5;
    a->schedule[1].capacity = 4;
    a->nschedule = 2;
    a->schedule_every = 10;
    ck_assert_int_eq(cs_model_capacity_at(a, 2.9), 2);
    ck_assert_int_eq(cs_model_capacity_at(a, 3), 0);
    ck_assert_int_eq(cs_model_capacity_at(a, 17), 4);
    ck_assert_int_eq(cs_model_capacity_at(a, 20), 2);
    ck_assert_double_eq_tol(cs_model_capacity_mean(a, 0, 10, 0), 2.6, 1e-12);
    ck_assert_double_eq_tol(cs_model_capacity_mean(a, 0, 25, 0),
                            (26 * 2 + 6 + 0 + 0) / 25.0, 1e-12);
    ck_assert_double_eq_tol(cs_model_capacity_mean(a, 4, 6, 0), 2.0, 1e-12);
    ck_assert_double_eq(cs_model_capacity_mean(a, 4, 4, 0), 0.0);
    a->wip_limit = 1;
    ck_assert_double_eq_tol(cs_model_capacity_mean(a, 0, 10, 1), 0.8, 1e-12);
    a->wip_limit = 0;
    x->profile = calloc(2, sizeof *x->profile);
    ck_assert_ptr_nonnull(x->profile);
    x->profile[0].from = 2;
    x->profile[0].factor = 3;
    x->profile[1].from = 4;
    x->profile[1].factor = 1;
    x->nprofile = 2;
    x->profile_every = 5;
    ck_assert_double_eq(cs_model_profile_at(x, 7.5), 3.0);
    ck_assert_double_eq(cs_model_profile_at(x, 9), 1.0);
    ck_assert_double_eq_tol(cs_model_profile_mean(x, 0, 50), 1.8, 1e-12);
    m->horizon = 50;
    ck_assert_double_eq_tol(cs_model_class_rate(m, 0), 1.8, 1e-12);
    ck_assert_double_eq_tol(cs_model_cost_per_day(m), 2 * 2.6 + 3, 1e-12);
    ck_assert_int_eq(cs_model_changes_once(m), 0);
    ck_assert_double_eq(cs_model_period(m), 10.0);
    x->profile_every = 0;
    ck_assert_int_eq(cs_model_changes_once(m), 1);
    x->profile_every = 5;
    a->productivity = calloc(2, sizeof *a->productivity);
    ck_assert_ptr_nonnull(a->productivity);
    a->productivity[0].at = 0;
    a->productivity[0].factor = 1;
    a->productivity[1].at = 9;
    a->productivity[1].factor = 1;
    a->nproductivity = 2;
    ck_assert_int_eq(cs_model_changes_once(m), 0);
    a->productivity[0].factor = 0.5;
    ck_assert_int_eq(cs_model_changes_once(m), 1);
    a->nproductivity = 0;
    a->schedule_every = 0;
    ck_assert_int_eq(cs_model_changes_once(m), 1);
    m->classes[1].start = calloc(1, sizeof *m->classes[1].start);
    ck_assert_ptr_nonnull(m->classes[1].start);
    m->classes[1].start[0].count = 3;
    m->classes[1].nstart = 1;
    ck_assert_int_eq(cs_model_class_initial(&m->classes[1]), 8);
    ck_assert_int_eq(cs_model_has_initial(m), 1);
    cs_model_free(m);
}
END_TEST

/* Patience, CONWIP and promises on a team (SPEC 5.7, 5.8). */
START_TEST(test_flow)
{
    cs_model *m = sample();

    ck_assert_int_eq(cs_model_has_patience(m), 0);
    ck_assert_int_eq(cs_model_has_conwip(m), 0);
    ck_assert_int_eq(cs_model_team_patient(m, 1), 0);
    m->classes[1].has_patience = 1;
    m->classes[1].patience = cs_dist_const(2);
    ck_assert_int_eq(cs_model_has_patience(m), 1);
    /* b is visited by x (no patience) and y (patience); a by x only */
    ck_assert_int_eq(cs_model_team_patient(m, 1), 0);
    ck_assert_int_eq(cs_model_team_patient(m, 0), 0);
    m->classes[0].has_patience = 1;
    ck_assert_int_eq(cs_model_team_patient(m, 0), 1);
    ck_assert_int_eq(cs_model_team_patient(m, 1), 1);
    m->classes[1].wip_limit = 3;
    ck_assert_int_eq(cs_model_has_conwip(m), 1);
    m->classes[1].wip_limit = 0;
    m->wip_limit = 9;
    ck_assert_int_eq(cs_model_has_conwip(m), 1);
    /* a promise on a team is not the same as one on lead times, nor as
    ** one on another team */
    m->npromises = 3;
    m->promises = calloc(3, sizeof *m->promises);
    ck_assert_ptr_nonnull(m->promises);
    for (int p = 0; p < 3; p++) {
        m->promises[p].name = dup("p");
        m->promises[p].kind = CS_PROMISE_LEAD_TIME;
        m->promises[p].work = -1;
        m->promises[p].within = 2;
        m->promises[p].target = 0.9;
    }
    m->promises[1].at_team = 1;
    m->promises[1].team = 1;
    m->promises[2].at_team = 1;
    m->promises[2].team = 0;
    ck_assert_int_eq(cs_model_promise_same(m, 0, m, 0), 1);
    ck_assert_int_eq(cs_model_promise_same(m, 1, m, 1), 1);
    ck_assert_int_eq(cs_model_promise_same(m, 0, m, 1), 0);
    ck_assert_int_eq(cs_model_promise_same(m, 1, m, 2), 0);
    cs_model_free(m);
}
END_TEST

/*
** Routes and escapes by hand.  Teams a, b, c (capacity 1).  Class x (1 a
** day, contexts f 0.6 / s 0.4): step 0 a choice {0.25: a effort 2, 0.75:
** {f: b, s: c} effort 1} with escapes p 0.5 into y; step 1 at a, effort
** 0.5.  Class y (no arrivals, no contexts): one step at c, effort 1, with
** escapes p 0.5 into y itself.
*/
START_TEST(test_routes)
{
    cs_model *m = cs_model_new();
    cs_class *x, *y;
    cs_step *st;
    double rate[2], load[3];

    ck_assert_ptr_nonnull(m);
    m->nteams = 3;
    m->teams = calloc(3, sizeof *m->teams);
    for (int t = 0; t < 3; t++)
        m->teams[t] = (cs_team){.name = dup(t == 0 ? "a" : t == 1 ? "b" : "c"),
                                .capacity = 1, .focus = 1};
    m->nclasses = 2;
    m->classes = calloc(2, sizeof *m->classes);
    x = &m->classes[0];
    y = &m->classes[1];
    x->name = dup("x");
    x->arrival = CS_ARRIVE_RATE;
    x->rate = 1;
    x->batch = 1;
    x->ncontexts = 2;
    x->contexts = calloc(2, sizeof *x->contexts);
    x->contexts[0] = dup("f");
    x->contexts[1] = dup("s");
    x->context_share = calloc(2, sizeof *x->context_share);
    x->context_share[0] = 0.6;
    x->context_share[1] = 0.4;
    x->nsteps = 2;
    x->steps = calloc(2, sizeof *x->steps);
    x->nroute = 2;
    x->route = calloc(2, sizeof *x->route);
    x->route[0] = 0;
    x->route[1] = 1;
    st = &x->steps[0];
    *st = (cs_step){.id = dup("env"), .kind = CS_STEP_WORK, .team = 0, .p = 1,
                    .noptions = 2, .has_escapes = 1, .escape_p = 0.5,
                    .escape_after = cs_dist_const(1), .escape_work = 1};
    st->options = calloc(2, sizeof *st->options);
    st->options[0] = (cs_option){.p = 0.25, .team = 0,
                                 .effort = cs_dist_const(2)};
    st->options[1] = (cs_option){.p = 0.75, .team = 1,
                                 .effort = cs_dist_const(1)};
    st->options[1].ctx_team = calloc(2, sizeof(int));
    st->options[1].ctx_team[0] = 1;
    st->options[1].ctx_team[1] = 2;
    x->steps[1] = (cs_step){.id = dup("a"), .kind = CS_STEP_WORK, .team = 0,
                            .effort = cs_dist_const(0.5), .p = 1};
    y->name = dup("y");
    y->batch = 1;
    y->nsteps = 1;
    y->steps = calloc(1, sizeof *y->steps);
    y->nroute = 1;
    y->route = calloc(1, sizeof *y->route);
    y->steps[0] = (cs_step){.id = dup("c"), .kind = CS_STEP_WORK, .team = 2,
                            .effort = cs_dist_const(1), .p = 1,
                            .has_escapes = 1, .escape_p = 0.5,
                            .escape_after = cs_dist_const(1),
                            .escape_work = 1};

    /* the choice's alternatives: option-major, a context each */
    ck_assert_int_eq(cs_model_step_nctx(x, 0), 2);
    ck_assert_int_eq(cs_model_step_alts(x, 0), 4);
    ck_assert_int_eq(cs_model_step_alts(x, 1), 1);
    ck_assert_int_eq(cs_model_alt_team(x, 0, 0), 0);
    ck_assert_int_eq(cs_model_alt_team(x, 0, 1), 0);
    ck_assert_int_eq(cs_model_alt_team(x, 0, 2), 1);
    ck_assert_int_eq(cs_model_alt_team(x, 0, 3), 2);
    ck_assert_double_eq_tol(cs_model_alt_p(x, 0, 3), 0.75 * 0.4, 1e-12);
    ck_assert_int_eq(cs_model_brk_slots(x), 2 + 4);
    ck_assert_int_eq(cs_model_alt_slot(x, 0, 3), 2 + 3);
    ck_assert_int_eq(cs_model_alt_slot(x, 1, 0), 1);
    ck_assert_int_eq(cs_model_slot_team(x, 0), -1);
    ck_assert_int_eq(cs_model_slot_team(x, 1), 0);
    ck_assert_int_eq(cs_model_slot_team(x, 5), 2);
    ck_assert(cs_model_has_escapes(m) && cs_model_has_contexts(m));
    ck_assert(cs_model_is_escape_target(m, 1));
    ck_assert(!cs_model_is_escape_target(m, 0));
    /* y's rate: 0.5 from x, then y = 0.5 + 0.5 y, so 1; growth 0.5 */
    ck_assert_double_eq_tol(cs_model_class_rates(m, rate), 0.5, 1e-6);
    ck_assert_double_eq_tol(rate[0], 1.0, 1e-12);
    ck_assert_double_eq_tol(rate[1], 1.0, 1e-9);
    ck_assert_double_eq_tol(cs_model_class_items(m, 1), m->horizon, 1e-6);
    /* load: a 0.25 x 2 + 0.5; b 0.75 x 0.6; c 0.75 x 0.4 + y's 1 */
    cs_model_offered_load(m, load);
    ck_assert_double_eq_tol(load[0], 1.0, 1e-9);
    ck_assert_double_eq_tol(load[1], 0.45, 1e-9);
    ck_assert_double_eq_tol(load[2], 1.3, 1e-9);
    /* escapes that feed back without bound */
    y->steps[0].escape_p = 1.0;
    ck_assert(cs_model_class_rates(m, rate) >= 1.0 - 1e-9);
    ck_assert(isinf(rate[1]));
    cs_model_free(m);
}
END_TEST


int main(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_offered_load);
    tcase_add_test(tc, test_rates_cost_lookups);
    tcase_add_test(tc, test_over_time);
    tcase_add_test(tc, test_flow);
    tcase_add_test(tc, test_routes);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
