/*
** model.c - lifetime and derived figures of a validated chain model.
*/
#include "chainsim/model.h"

#include <stdlib.h>
#include <string.h>

cs_model *cs_model_new(void)
{
    cs_model *m = calloc(1, sizeof *m);

    if (m == NULL)
        return NULL;
    m->units = cs_units_default();
    m->horizon = 260.0;
    m->warmup = 0.0;
    m->replications = 100;
    m->seed = 1;
    m->deadlock = CS_DEADLOCK_BREAK;
    return m;
}

static void class_fini(cs_class *c)
{
    for (int s = 0; s < c->nsteps; s++) {
        free(c->steps[s].id);
        cs_dist_fini(&c->steps[s].effort);
    }
    free(c->steps);
    free(c->route);
    free(c->name);
    cs_dist_fini(&c->interval);
}

void cs_model_free(cs_model *m)
{
    if (m == NULL)
        return;
    for (int t = 0; t < m->nteams; t++) {
        free(m->teams[t].name);
        cs_dist_fini(&m->teams[t].handoff);
    }
    for (int c = 0; c < m->nclasses; c++)
        class_fini(&m->classes[c]);
    for (int p = 0; p < m->npromises; p++)
        free(m->promises[p].name);
    free(m->teams);
    free(m->classes);
    free(m->promises);
    free(m->name);
    free(m->description);
    free(m->variant);
    free(m->hypothesis);
    free(m);
}

int cs_model_team_index(const cs_model *m, const char *name)
{
    for (int t = 0; t < m->nteams; t++)
        if (strcmp(m->teams[t].name, name) == 0)
            return t;
    return -1;
}

int cs_model_class_index(const cs_model *m, const char *name)
{
    for (int c = 0; c < m->nclasses; c++)
        if (strcmp(m->classes[c].name, name) == 0)
            return c;
    return -1;
}

double cs_model_class_rate(const cs_model *m, int c)
{
    const cs_class *k = &m->classes[c];

    switch (k->arrival) {
    case CS_ARRIVE_RATE:
        return k->rate * k->batch;
    case CS_ARRIVE_INTERVAL: {
        const double mean = cs_dist_mean(&k->interval);
        return mean > 0 ? k->batch / mean : 0.0;
    }
    case CS_ARRIVE_NONE:
        break;
    }
    return 0.0;
}

/*
** Expected work per item at top-level route position j, in units of one
** first-pass effort.  A rework at position k back to j with probability r
** repeats positions j..k a geometric number of times: each pass through k
** returns with probability r, so positions j..k are passed 1 / (1 - r)
** times; every pass after the first costs the rework's effort factor f, so
** the work is 1 + (1 / (1 - r) - 1) f first-pass efforts.  Nested loops
** multiply (an approximation when factors differ), in route order of the
** reworks, starting from 1.  With count_passes, f is taken as 1: the
** result is then the expected number of passes through position j.
** Allocates nothing; cannot fail.
*/
static double route_work(const cs_class *k, int j, int count_passes)
{
    double work = 1.0;

    for (int i = j; i < k->nroute; i++) {
        const cs_step *s = &k->steps[k->route[i]];
        if (!s->has_rework || s->rework_p <= 0 || s->rework_to > j)
            continue;
        const double r = s->rework_p * s->p;
        const double passes = 1.0 / (1.0 - r);
        const double f = count_passes ? 1.0 : s->rework_factor;
        const double mult = 1.0 + (passes - 1.0) * f;
        work *= mult;
    }
    return work;
}

double cs_model_class_visits(const cs_model *m, int c)
{
    const cs_class *k = &m->classes[c];
    double visits = 0.0;

    for (int i = 0; i < k->nroute; i++) {
        const cs_step *s = &k->steps[k->route[i]];
        const double passes = route_work(k, i, 1);
        if (s->kind == CS_STEP_WORK) {
            visits += passes * s->p;
            continue;
        }
        for (int b = 0; b < s->nbranches; b++)
            visits += passes * s->p * k->steps[s->branch_first + b].p;
    }
    return visits;
}

double cs_model_class_items(const cs_model *m, int c)
{
    return cs_model_class_rate(m, c) * m->horizon + m->classes[c].backlog;
}

double cs_model_run_visits(const cs_model *m, int c)
{
    return cs_model_class_items(m, c) * cs_model_class_visits(m, c);
}

static void add_step_load(const cs_model *m, const cs_step *s, double flow,
                          double *util)
{
    const cs_team *t = &m->teams[s->team];
    util[s->team] += flow * s->p * cs_dist_mean(&s->effort) / t->focus /
                     cs_model_effective_capacity(t);
}

int cs_model_effective_capacity(const cs_team *t)
{
    return t->wip_limit > 0 && t->wip_limit < t->capacity ? t->wip_limit
                                                          : t->capacity;
}

void cs_model_offered_load(const cs_model *m, double *util)
{
    for (int t = 0; t < m->nteams; t++)
        util[t] = 0.0;
    for (int c = 0; c < m->nclasses; c++) {
        const cs_class *k = &m->classes[c];
        const double rate = cs_model_class_rate(m, c);

        if (rate <= 0 || k->nroute == 0)
            continue;
        for (int i = 0; i < k->nroute; i++) {
            const cs_step *s = &k->steps[k->route[i]];
            const double flow = rate * route_work(k, i, 0);
            if (s->kind == CS_STEP_WORK) {
                add_step_load(m, s, flow, util);
                continue;
            }
            for (int b = 0; b < s->nbranches; b++)
                add_step_load(m, &k->steps[s->branch_first + b], flow * s->p,
                              util);
        }
    }
}

double cs_model_cost_per_day(const cs_model *m)
{
    double sum = 0.0;

    for (int t = 0; t < m->nteams; t++)
        sum += m->teams[t].cost_per_day * m->teams[t].capacity;
    return sum;
}

const char *cs_model_team_type_name(cs_team_type t)
{
    switch (t) {
    case CS_TEAM_STREAM_ALIGNED:
        return "stream-aligned";
    case CS_TEAM_PLATFORM:
        return "platform";
    case CS_TEAM_ENABLING:
        return "enabling";
    case CS_TEAM_COMPLICATED_SUBSYSTEM:
        return "complicated-subsystem";
    }
    return "stream-aligned";
}

const char *cs_model_discipline_name(cs_discipline d)
{
    switch (d) {
    case CS_DISC_FIFO:
        return "fifo";
    case CS_DISC_PRIORITY:
        return "priority";
    case CS_DISC_EDD:
        return "edd";
    }
    return "fifo";
}

void cs_model_strip(cs_model *m)
{
    if (m == NULL)
        return;
    for (int t = 0; t < m->nteams; t++)
        cs_dist_fini(&m->teams[t].handoff);
    for (int c = 0; c < m->nclasses; c++) {
        cs_class *const k = &m->classes[c];
        for (int s = 0; s < k->nsteps; s++) {
            free(k->steps[s].id);
            cs_dist_fini(&k->steps[s].effort);
        }
        free(k->steps);
        free(k->route);
        k->steps = NULL;
        k->route = NULL;
        k->nsteps = k->nroute = 0;
        cs_dist_fini(&k->interval);
    }
    free(m->description);
    m->description = NULL;
}

int cs_model_promise_same(const cs_model *a, int pa, const cs_model *b,
                          int pb)
{
    const cs_promise *x = &a->promises[pa], *y = &b->promises[pb];
    const char *cx = x->work >= 0 ? a->classes[x->work].name : NULL;
    const char *cy = y->work >= 0 ? b->classes[y->work].name : NULL;

    if (x->kind != y->kind || x->target != y->target)
        return 0;
    if ((cx == NULL) != (cy == NULL) || (cx != NULL && strcmp(cx, cy) != 0))
        return 0;
    if (x->kind == CS_PROMISE_LEAD_TIME)
        return x->within == y->within;
    return x->per == y->per;
}
