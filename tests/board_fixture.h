/*
** board_fixture.h - a model built by hand with today's board (initial
** items), done_by promises, a capacity schedule and a timeline, and
** replications whose figures are filled in by hand and go through the
** runner's store (cs_runner_store_add) into a summary: the arithmetic of
** completion, the Wilson interval and the timeline checked against hand
** computations, without the engine.  Shared by test_runner.c and
** test_summary.c.
*/
#ifndef CHAINSIM_TESTS_BOARD_FIXTURE_H
#define CHAINSIM_TESTS_BOARD_FIXTURE_H

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/engine.h"
#include "chainsim/model.h"
#include "chainsim/runner.h"

#include "testlib.h"

/* Replications of the fixture. */
enum { BOARD_REPS = 20, BOARD_FINISHED = 17 };

/*
** Horizon 25 d, no warm-up, a timeline of 10 d: periods [0, 10), [10, 20)
** and [20, 25).  Teams a (capacity 2, 4 from day 10) and b (1).  Classes
** x (backlog 3), y (2 start items) and z (no initial items).  Promises,
** all on every class, done by day 20: at 85% (17 of 20 cannot show it:
** 20 of 20 reach 0.839), at 50% and at 100%.
*/
static inline cs_model *board_model(void)
{
    cs_model *m = cs_model_new();
    static const char *const cls[3] = {"x", "y", "z"};
    static const double target[3] = {0.85, 0.5, 1.0};

    ck_assert_ptr_nonnull(m);
    m->name = tl_dup("board");
    m->variant = tl_dup("baseline");
    m->horizon = 25;
    m->warmup = 0;
    m->timeline = 10;
    m->replications = BOARD_REPS;
    m->nteams = 2;
    m->teams = calloc(2, sizeof *m->teams);
    ck_assert_ptr_nonnull(m->teams);
    m->teams[0].name = tl_dup("a");
    m->teams[0].capacity = 2;
    m->teams[0].focus = 1;
    m->teams[0].schedule = calloc(1, sizeof *m->teams[0].schedule);
    ck_assert_ptr_nonnull(m->teams[0].schedule);
    m->teams[0].schedule[0].from = 10;
    m->teams[0].schedule[0].capacity = 4;
    m->teams[0].nschedule = 1;
    m->teams[1].name = tl_dup("b");
    m->teams[1].capacity = 1;
    m->teams[1].focus = 1;
    m->nclasses = 3;
    m->classes = calloc(3, sizeof *m->classes);
    ck_assert_ptr_nonnull(m->classes);
    for (int c = 0; c < 3; c++)
        m->classes[c].name = tl_dup(cls[c]);
    m->classes[0].backlog = 3;
    m->classes[1].start = calloc(1, sizeof *m->classes[1].start);
    ck_assert_ptr_nonnull(m->classes[1].start);
    m->classes[1].start[0].count = 2;
    m->classes[1].nstart = 1;
    m->npromises = 3;
    m->promises = calloc(3, sizeof *m->promises);
    ck_assert_ptr_nonnull(m->promises);
    for (int p = 0; p < 3; p++) {
        char name[32];
        snprintf(name, sizeof name, "done at %.0f%%", 100 * target[p]);
        m->promises[p].name = tl_dup(name);
        m->promises[p].kind = CS_PROMISE_DONE_BY;
        m->promises[p].work = -1;
        m->promises[p].done_by = 20;
        m->promises[p].target = target[p];
    }
    return m;
}

/*
** Replication i (0-based) of the fixture, by hand:
**   completion: all classes on day 8 + i for i < 17, else not by the
**     horizon (INFINITY); x on day 5 + i (always); y as all; z none (NaN);
**     the done_by promises kept in the first 17;
**   team a: capacity_mean 3.2;
**   period 0: 4 or 5 arrivals (i even, odd), 2 done with lead times
**     3 + i each, WIP 2 + i; team a utilization 0.5, WIP 1, capacity 2;
**   period 1: 1 arrival, none done, WIP 1; team a capacity 4;
**   period 2: replication 0 alone finishes one, lead time 7.
*/
static inline void board_fill(cs_rep *r, unsigned i)
{
    const int fin = i < BOARD_FINISHED;

    cs_engine_rep_reset(r);
    r->warmup = 0;
    r->horizon = 25;
    r->completion = fin ? 8.0 + i : INFINITY;
    r->classes[0].initial = 3;
    r->classes[0].completion = 5.0 + i;
    r->classes[1].initial = 2;
    r->classes[1].completion = r->completion;
    r->classes[2].completion = NAN;
    for (int p = 0; p < 3; p++)
        r->promises[p].achieved = fin ? 1.0 : 0.0;
    r->teams[0].capacity_mean = 3.2;
    r->teams[1].capacity_mean = 1;
    ck_assert_int_eq(r->nperiods, 3);
    r->periods[0] = (cs_period_rep){4 + i % 2, 2, 2.0 + i, 2 * (3.0 + i)};
    r->periods[1] = (cs_period_rep){1, 0, 1.0, 0.0};
    r->periods[2] = (cs_period_rep){0, i == 0, 0.5, i == 0 ? 7.0 : 0.0};
    for (int k = 0; k < 3; k++) {
        r->period_teams[k * 2] = (cs_period_team){0.5, 1.0, k == 0 ? 2 : 4};
        r->period_teams[k * 2 + 1] = (cs_period_team){0.25, 0.5, 1};
    }
    if (r->cap_period_lt < 3) {
        free(r->period_lt);
        r->period_lt = malloc(3 * sizeof *r->period_lt);
        ck_assert_ptr_nonnull(r->period_lt);
        r->cap_period_lt = 3;
    }
    r->period_lt[0] = (cs_period_lt){3.0 + i, 0};
    r->period_lt[1] = (cs_period_lt){3.0 + i, 0};
    r->period_lt[2] = (cs_period_lt){7.0, 2};
    r->nperiod_lt = i == 0 ? 3 : 2;
}

/* A store of the fixture's replications from .. to - 1. */
static inline cs_runner_store *board_store(const cs_model *m, unsigned from,
                                           unsigned to)
{
    cs_runner_store *st = cs_runner_store_new(m, to - from);
    cs_rep *r = cs_engine_rep_new(m);

    ck_assert(st != NULL && r != NULL);
    for (unsigned i = from; i < to; i++) {
        board_fill(r, i);
        ck_assert_int_eq(cs_runner_store_add(st, i, r), 0);
    }
    cs_engine_rep_free(r);
    return st;
}

#endif /* CHAINSIM_TESTS_BOARD_FIXTURE_H */
