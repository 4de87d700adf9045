/*
** model.c - lifetime and derived figures of a validated chain model.
*/
#include "chainsim/model.h"

#include <math.h>
#include <stddef.h>
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

/* What a step owns beyond its id, effort and hand-off. */
static void step_routes_fini(cs_step *s)
{
    free(s->ctx_team);
    s->ctx_team = NULL;
    for (int o = 0; o < s->noptions; o++) {
        free(s->options[o].ctx_team);
        cs_dist_fini(&s->options[o].effort);
        cs_dist_fini(&s->options[o].handoff);
    }
    free(s->options);
    s->options = NULL;
    s->noptions = 0;
    cs_dist_fini(&s->escape_after);
}

static void class_fini(cs_class *c)
{
    free(c->profile);
    free(c->start);
    for (int i = 0; i < c->ncontexts; i++)
        free(c->contexts[i]);
    free(c->contexts);
    free(c->context_share);
    for (int s = 0; s < c->nsteps; s++) {
        free(c->steps[s].id);
        cs_dist_fini(&c->steps[s].effort);
        cs_dist_fini(&c->steps[s].handoff);
        step_routes_fini(&c->steps[s]);
    }
    free(c->steps);
    free(c->route);
    free(c->name);
    cs_dist_fini(&c->interval);
    cs_dist_fini(&c->patience);
}

void cs_model_free(cs_model *m)
{
    if (m == NULL)
        return;
    for (int t = 0; t < m->nteams; t++) {
        free(m->teams[t].name);
        cs_dist_fini(&m->teams[t].handoff);
        cs_dist_fini(&m->teams[t].resume_cost);
        free(m->teams[t].schedule);
        free(m->teams[t].productivity);
    }
    for (int c = 0; c < m->nclasses; c++)
        class_fini(&m->classes[c]);
    for (int p = 0; p < m->npromises; p++) {
        free(m->promises[p].name);
        free(m->promises[p].works);
    }
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
        if (k->nprofile > 0)
            return k->rate * k->batch *
                   cs_model_profile_mean(k, 0.0, m->horizon);
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

double cs_model_route_work(const cs_class *k, int j, double power)
{
    double work = 1.0;

    for (int i = j; i < k->nroute; i++) {
        const cs_step *s = &k->steps[k->route[i]];
        if (!s->has_rework || s->rework_p <= 0 || s->rework_to > j)
            continue;
        const double passes = 1.0 / (1.0 - s->rework_p * s->p);
        work *= 1.0 + (passes - 1.0) * pow(s->rework_factor, power);
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

/* ---- routing and failure demand --------------------------------------- */

int cs_model_step_nctx(const cs_class *k, int s)
{
    const cs_step *const st = &k->steps[s];

    if (st->kind != CS_STEP_WORK || k->ncontexts == 0)
        return 1;
    if (st->ctx_team != NULL)
        return k->ncontexts;
    for (int o = 0; o < st->noptions; o++)
        if (st->options[o].ctx_team != NULL)
            return k->ncontexts;
    return 1;
}

int cs_model_step_alts(const cs_class *k, int s)
{
    const cs_step *const st = &k->steps[s];

    if (st->kind != CS_STEP_WORK)
        return 1;
    return (st->noptions > 0 ? st->noptions : 1) * cs_model_step_nctx(k, s);
}

int cs_model_alt_team(const cs_class *k, int s, int a)
{
    const cs_step *const st = &k->steps[s];
    const int nctx = cs_model_step_nctx(k, s);
    const int o = a / nctx, c = a % nctx;

    if (st->kind != CS_STEP_WORK)
        return -1;
    if (st->noptions > 0)
        return st->options[o].ctx_team != NULL ? st->options[o].ctx_team[c]
                                               : st->options[o].team;
    return st->ctx_team != NULL ? st->ctx_team[c] : st->team;
}

double cs_model_alt_p(const cs_class *k, int s, int a)
{
    const cs_step *const st = &k->steps[s];
    const int nctx = cs_model_step_nctx(k, s);
    double p = 1.0;

    if (st->noptions > 0)
        p = st->options[a / nctx].p;
    if (nctx > 1)
        p *= k->context_share[a % nctx];
    return p;
}

int cs_model_alt_slot(const cs_class *k, int s, int a)
{
    int base = k->nsteps;

    if (cs_model_step_alts(k, s) == 1)
        return s;
    for (int j = 0; j < s; j++) {
        const int n = cs_model_step_alts(k, j);
        if (n > 1)
            base += n;
    }
    return base + a;
}

int cs_model_brk_slots(const cs_class *k)
{
    int n = k->nsteps;

    for (int j = 0; j < k->nsteps; j++) {
        const int a = cs_model_step_alts(k, j);
        if (a > 1)
            n += a;
    }
    return n;
}

int cs_model_slot_team(const cs_class *k, int q)
{
    int base = k->nsteps;

    if (q < k->nsteps)
        return cs_model_step_alts(k, q) == 1 ? cs_model_alt_team(k, q, 0)
                                             : -1;
    for (int j = 0; j < k->nsteps; j++) {
        const int n = cs_model_step_alts(k, j);
        if (n <= 1)
            continue;
        if (q < base + n)
            return cs_model_alt_team(k, j, q - base);
        base += n;
    }
    return -1;
}

int cs_model_is_escape_target(const cs_model *m, int c)
{
    for (int d = 0; d < m->nclasses; d++)
        for (int s = 0; s < m->classes[d].nsteps; s++)
            if (m->classes[d].steps[s].has_escapes &&
                m->classes[d].steps[s].escape_work == c)
                return 1;
    return 0;
}

int cs_model_has_escapes(const cs_model *m)
{
    for (int d = 0; d < m->nclasses; d++)
        for (int s = 0; s < m->classes[d].nsteps; s++)
            if (m->classes[d].steps[s].has_escapes)
                return 1;
    return 0;
}

int cs_model_team_joint(const cs_model *m, int t)
{
    for (int c = 0; c < m->nclasses; c++) {
        const cs_class *const k = &m->classes[c];
        for (int s = 0; s < k->nsteps; s++)
            for (int b = 0; k->steps[s].joint && b < k->steps[s].nbranches;
                 b++)
                if (k->steps[k->steps[s].branch_first + b].team == t)
                    return 1;
    }
    return 0;
}

int cs_model_has_joint(const cs_model *m)
{
    for (int c = 0; c < m->nclasses; c++)
        for (int s = 0; s < m->classes[c].nsteps; s++)
            if (m->classes[c].steps[s].joint)
                return 1;
    return 0;
}

int cs_model_has_contexts(const cs_model *m)
{
    for (int c = 0; c < m->nclasses; c++)
        if (m->classes[c].ncontexts > 0)
            return 1;
    return 0;
}

/* The chance that an item of k works at step s at least once, taken as
** the step's (and its parallel parent's) p: exact unless a rework loop
** repeats a step with p < 1. */
static double pass_p(const cs_class *k, int s)
{
    for (int i = 0; i < k->nroute; i++) {
        const cs_step *const t = &k->steps[k->route[i]];
        if (k->route[i] == s)
            return t->p;
        if (t->kind == CS_STEP_PARALLEL && s >= t->branch_first &&
            s < t->branch_first + t->nbranches)
            return t->p * k->steps[s].p;
    }
    return 1.0;
}

/* y = x + the escapes x[c] items a day of each class make: y[d] = base[d]
** + sum over escape steps c -> d of x[c] pass_p escape_p (base NULL: 0). */
static void escape_step(const cs_model *m, const double *base,
                        const double *x, double *y)
{
    for (int d = 0; d < m->nclasses; d++)
        y[d] = base != NULL ? base[d] : 0.0;
    for (int c = 0; c < m->nclasses; c++) {
        const cs_class *const k = &m->classes[c];
        if (!(x[c] > 0))
            continue;
        for (int s = 0; s < k->nsteps; s++)
            if (k->steps[s].has_escapes)
                y[k->steps[s].escape_work] +=
                    x[c] * pass_p(k, s) * k->steps[s].escape_p;
    }
}

double cs_model_class_rates(const cs_model *m, double *rate)
{
    const size_t n = (size_t)m->nclasses;
    double *base, *x, *y, growth = 0.0, g = 0.0;
    int it;

    for (int c = 0; c < m->nclasses; c++)
        rate[c] = cs_model_class_rate(m, c);
    if (!cs_model_has_escapes(m))
        return 0.0;
    base = calloc(3 * n + 1, sizeof *base);
    if (base == NULL)
        return NAN;
    x = base + n;
    y = x + n;
    memcpy(base, rate, n * sizeof *base);
    /* the growth factor: power iteration from every class at once */
    for (int c = 0; c < m->nclasses; c++)
        x[c] = 1.0;
    for (it = 0; it < 64; it++) {
        double nx = 0.0, ny = 0.0;
        escape_step(m, NULL, x, y);
        for (size_t c = 0; c < n; c++) {
            nx += x[c];
            ny += y[c];
        }
        if (!(ny > 0) || !(nx > 0)) {
            g = 0.0;
            break;
        }
        /* the geometric mean of the last half's ratios */
        if (it >= 32)
            g += log(ny / nx) / 32.0;
        for (size_t c = 0; c < n; c++)
            x[c] = y[c] / ny;
    }
    growth = it < 64 ? 0.0 : exp(g);
    if (growth >= 1.0 - 1e-9) {
        /* fed classes grow without bound */
        memcpy(x, base, n * sizeof *x);
        for (int r = 0; r < m->nclasses + 1; r++) {
            escape_step(m, base, x, y);
            memcpy(x, y, n * sizeof *x);
        }
        for (size_t c = 0; c < n; c++)
            rate[c] = x[c] > base[c] ? INFINITY : base[c];
        free(base);
        return growth;
    }
    memcpy(x, base, n * sizeof *x);
    for (int r = 0; r < 100000; r++) {
        double diff = 0.0, tot = 0.0;
        escape_step(m, base, x, y);
        for (size_t c = 0; c < n; c++) {
            diff += fabs(y[c] - x[c]);
            tot += y[c];
        }
        memcpy(x, y, n * sizeof *x);
        if (diff <= 1e-15 * tot)
            break;
    }
    memcpy(rate, x, n * sizeof *rate);
    free(base);
    return growth;
}

double cs_model_class_items(const cs_model *m, int c)
{
    double rate = cs_model_class_rate(m, c);

    if (cs_model_has_escapes(m)) {
        double *r = calloc((size_t)m->nclasses + 1, sizeof *r);
        if (r != NULL) {
            cs_model_class_rates(m, r);
            rate = r[c];
        }
        free(r);
    }
    return rate * m->horizon +
           (double)cs_model_class_initial(&m->classes[c]);
}

double cs_model_run_visits(const cs_model *m, int c)
{
    return cs_model_class_items(m, c) * cs_model_class_visits(m, c);
}

/* The load of step s of class k at flow items a day reaching it, each
** alternative (choice option, context) at its share. */
static void add_step_load(const cs_model *m, const cs_class *k, int s,
                          double flow, double *util)
{
    const cs_step *const st = &k->steps[s];
    const int na = cs_model_step_alts(k, s);

    for (int a = 0; a < na; a++) {
        const int team = na == 1 && st->noptions == 0
                             ? st->team : cs_model_alt_team(k, s, a);
        const cs_team *t = &m->teams[team];
        const cs_dist *const eff =
            st->noptions > 0
                ? &st->options[a / cs_model_step_nctx(k, s)].effort
                : &st->effort;
        const double cap = t->nschedule > 0
                               ? cs_model_capacity_mean(t, 0.0, m->horizon, 1)
                               : (double)cs_model_effective_capacity(t);
        const double w = na == 1 && st->noptions == 0
                             ? 1.0 : cs_model_alt_p(k, s, a);

        if (cap <= 0) {
            util[team] = INFINITY;
            continue;
        }
        util[team] += flow * w * st->p * cs_dist_mean(eff) / t->focus / cap;
    }
}

int cs_model_effective_capacity(const cs_team *t)
{
    return t->wip_limit > 0 && t->wip_limit < t->capacity ? t->wip_limit
                                                          : t->capacity;
}

void cs_model_offered_load(const cs_model *m, double *util)
{
    double *rates = NULL;

    for (int t = 0; t < m->nteams; t++)
        util[t] = 0.0;
    if (cs_model_has_escapes(m) &&
        (rates = calloc((size_t)m->nclasses + 1, sizeof *rates)) != NULL)
        cs_model_class_rates(m, rates);
    for (int c = 0; c < m->nclasses; c++) {
        const cs_class *k = &m->classes[c];
        const double rate = rates != NULL ? rates[c]
                                          : cs_model_class_rate(m, c);

        if (rate <= 0 || k->nroute == 0)
            continue;
        for (int i = 0; i < k->nroute; i++) {
            const cs_step *s = &k->steps[k->route[i]];
            const double flow = rate * route_work(k, i, 0);
            if (s->kind == CS_STEP_WORK) {
                add_step_load(m, k, k->route[i], flow, util);
                continue;
            }
            for (int b = 0; b < s->nbranches; b++)
                add_step_load(m, k, s->branch_first + b, flow * s->p, util);
        }
    }
    free(rates);
}

double cs_model_cost_per_day(const cs_model *m)
{
    double sum = 0.0;

    for (int t = 0; t < m->nteams; t++) {
        const cs_team *const k = &m->teams[t];
        if (k->nschedule > 0)
            sum += k->cost_per_day *
                   cs_model_capacity_mean(k, 0.0, m->horizon, 0);
        else
            sum += k->cost_per_day * k->capacity;
    }
    return sum;
}

int cs_model_has_delay_cost(const cs_model *m)
{
    for (int c = 0; c < m->nclasses; c++)
        if (m->classes[c].cost_of_delay > 0.0)
            return 1;
    return 0;
}

int cs_model_has_patience(const cs_model *m)
{
    for (int c = 0; c < m->nclasses; c++)
        if (m->classes[c].has_patience)
            return 1;
    return 0;
}

int cs_model_team_patient(const cs_model *m, int t)
{
    for (int c = 0; c < m->nclasses; c++) {
        const cs_class *const k = &m->classes[c];
        for (int x = 0; x < k->nsteps; x++)
            if (k->steps[x].kind == CS_STEP_WORK && k->steps[x].team == t &&
                !k->has_patience)
                return 0;
    }
    return 1;
}

int cs_model_has_conwip(const cs_model *m)
{
    if (m->wip_limit > 0)
        return 1;
    for (int c = 0; c < m->nclasses; c++)
        if (m->classes[c].wip_limit > 0)
            return 1;
    return 0;
}

/* ---- functions of time ------------------------------------------------ */

/*
** A step function over time: n steps (from[i], value[i]) in increasing
** `from` order, value base before the first; with every > 0 it repeats.
** The steps are read through a stride so that schedules and profiles
** share the code.
*/
typedef struct stepfn {
    const char *steps;
    size_t stride;
    size_t off_value;
    int is_int;
    int n;
    double every;
    double base;
} stepfn;

static double sf_from(const stepfn *f, int i)
{
    return *(const double *)(const void *)(f->steps + (size_t)i * f->stride);
}

static double sf_value(const stepfn *f, int i)
{
    const char *const p = f->steps + (size_t)i * f->stride + f->off_value;

    if (f->is_int)
        return (double)*(const int *)(const void *)p;
    return *(const double *)(const void *)p;
}

/* The value at x (x within one period when the function repeats). */
static double sf_at_local(const stepfn *f, double x)
{
    double v = f->base;

    for (int i = 0; i < f->n && sf_from(f, i) <= x; i++)
        v = sf_value(f, i);
    return v;
}

static double sf_at(const stepfn *f, double x)
{
    if (f->every > 0) {
        x = fmod(x, f->every);
        if (x < 0)
            x += f->every;
    }
    return sf_at_local(f, x);
}

/* The integral of min(value, cap) over [0, x], x within one period (or
** any x >= 0 without a period); cap < 0 means no cap. */
static double sf_area_local(const stepfn *f, double x, double cap)
{
    double area = 0.0, t = 0.0, v = f->base;

    for (int i = 0; i < f->n && sf_from(f, i) < x; i++) {
        const double w = cap >= 0 && v > cap ? cap : v;
        area += (sf_from(f, i) - t) * w;
        t = sf_from(f, i);
        v = sf_value(f, i);
    }
    return area + (x - t) * (cap >= 0 && v > cap ? cap : v);
}

/* The integral of min(value, cap) over [0, x], x >= 0. */
static double sf_area(const stepfn *f, double x, double cap)
{
    if (f->every > 0) {
        const double k = floor(x / f->every);
        return k * sf_area_local(f, f->every, cap) +
               sf_area_local(f, x - k * f->every, cap);
    }
    return sf_area_local(f, x, cap);
}

static double sf_mean(const stepfn *f, double from, double to, double cap)
{
    if (from < 0)
        from = 0;
    if (!(to > from)) {
        const double v = sf_at(f, from);
        return cap >= 0 && v > cap ? cap : v;
    }
    return (sf_area(f, to, cap) - sf_area(f, from, cap)) / (to - from);
}

static stepfn team_fn(const cs_team *t)
{
    stepfn f;

    f.steps = (const char *)t->schedule;
    f.stride = sizeof *t->schedule;
    f.off_value = offsetof(cs_sched_step, capacity);
    f.is_int = 1;
    f.n = t->nschedule;
    f.every = t->schedule_every;
    f.base = t->capacity;
    return f;
}

static stepfn profile_fn(const cs_class *c)
{
    stepfn f;

    f.steps = (const char *)c->profile;
    f.stride = sizeof *c->profile;
    f.off_value = offsetof(cs_profile_step, factor);
    f.is_int = 0;
    f.n = c->nprofile;
    f.every = c->profile_every;
    f.base = 1.0;
    return f;
}

int cs_model_capacity_at(const cs_team *t, double x)
{
    if (t->nschedule == 0)
        return t->capacity;
    const stepfn f = team_fn(t);
    return (int)sf_at(&f, x);
}

double cs_model_capacity_mean(const cs_team *t, double from, double to,
                              int effective)
{
    const double cap = effective && t->wip_limit > 0 ? t->wip_limit : -1.0;

    if (t->nschedule == 0)
        return effective ? (double)cs_model_effective_capacity(t)
                         : (double)t->capacity;
    const stepfn f = team_fn(t);
    return sf_mean(&f, from, to, cap);
}

double cs_model_profile_at(const cs_class *c, double x)
{
    if (c->nprofile == 0)
        return 1.0;
    const stepfn f = profile_fn(c);
    return sf_at(&f, x);
}

double cs_model_profile_mean(const cs_class *c, double from, double to)
{
    if (c->nprofile == 0)
        return 1.0;
    const stepfn f = profile_fn(c);
    return sf_mean(&f, from, to, -1.0);
}

double cs_model_productivity_at(const cs_team *t, double x)
{
    const cs_prod_point *const p = t->productivity;
    const int n = t->nproductivity;

    if (n == 0)
        return 1.0;
    if (x <= p[0].at)
        return p[0].factor;
    for (int i = 1; i < n; i++)
        if (x < p[i].at) {
            const double w = (x - p[i - 1].at) / (p[i].at - p[i - 1].at);
            return p[i - 1].factor + w * (p[i].factor - p[i - 1].factor);
        }
    return p[n - 1].factor;
}

long cs_model_class_initial(const cs_class *c)
{
    long n = c->backlog;

    for (int i = 0; i < c->nstart; i++)
        n += c->start[i].count;
    return n;
}

int cs_model_has_initial(const cs_model *m)
{
    for (int c = 0; c < m->nclasses; c++)
        if (cs_model_class_initial(&m->classes[c]) > 0)
            return 1;
    return 0;
}

double cs_model_period(const cs_model *m)
{
    double p = 0.0;

    for (int t = 0; t < m->nteams; t++)
        if (m->teams[t].nschedule > 0 && m->teams[t].schedule_every > p)
            p = m->teams[t].schedule_every;
    for (int c = 0; c < m->nclasses; c++)
        if (m->classes[c].nprofile > 0 && m->classes[c].profile_every > p)
            p = m->classes[c].profile_every;
    return p;
}

int cs_model_changes_once(const cs_model *m)
{
    for (int t = 0; t < m->nteams; t++) {
        const cs_team *const k = &m->teams[t];
        if (k->nschedule > 0 && !(k->schedule_every > 0))
            return 1;
        for (int i = 1; i < k->nproductivity; i++)
            if (k->productivity[i].factor != k->productivity[0].factor)
                return 1;
    }
    for (int c = 0; c < m->nclasses; c++)
        if (m->classes[c].nprofile > 0 && !(m->classes[c].profile_every > 0))
            return 1;
    return 0;
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
    case CS_DISC_PREEMPTIVE:
        return "preemptive";
    }
    return "fifo";
}

void cs_model_strip(cs_model *m)
{
    if (m == NULL)
        return;
    for (int t = 0; t < m->nteams; t++) {
        cs_dist_fini(&m->teams[t].handoff);
        cs_dist_fini(&m->teams[t].resume_cost);
    }
    for (int c = 0; c < m->nclasses; c++) {
        cs_class *const k = &m->classes[c];
        for (int s = 0; s < k->nsteps; s++) {
            free(k->steps[s].id);
            cs_dist_fini(&k->steps[s].effort);
            cs_dist_fini(&k->steps[s].handoff);
            step_routes_fini(&k->steps[s]);
        }
        free(k->steps);
        free(k->route);
        k->steps = NULL;
        k->route = NULL;
        k->nsteps = k->nroute = 0;
        cs_dist_fini(&k->interval);
        cs_dist_fini(&k->patience);
    }
    free(m->description);
    m->description = NULL;
}

/* The classes promise p names: its list, or its one class (none for all
** work). */
static const int *promise_classes(const cs_promise *p, int *n)
{
    if (p->work == CS_PROMISE_WORK_LIST) {
        *n = p->nworks;
        return p->works;
    }
    *n = p->work >= 0 ? 1 : 0;
    return &p->work;
}

/* 1 when x (of a) and y (of b) name the same classes by name, in any
** order (a list has no duplicates), or are both on all work. */
static int same_classes(const cs_model *a, const cs_promise *x,
                        const cs_model *b, const cs_promise *y)
{
    int nx, ny;
    const int *cx = promise_classes(x, &nx), *cy = promise_classes(y, &ny);

    if (nx != ny)
        return 0;
    for (int i = 0; i < nx; i++) {
        int found = 0;
        for (int k = 0; k < ny && !found; k++)
            found = strcmp(a->classes[cx[i]].name, b->classes[cy[k]].name)
                    == 0;
        if (!found)
            return 0;
    }
    return 1;
}

int cs_model_promise_covers(const cs_promise *p, int c)
{
    if (p->work == CS_PROMISE_WORK_LIST) {
        for (int i = 0; i < p->nworks; i++)
            if (p->works[i] == c)
                return 1;
        return 0;
    }
    return p->work < 0 || p->work == c;
}

int cs_model_promise_same(const cs_model *a, int pa, const cs_model *b,
                          int pb)
{
    const cs_promise *x = &a->promises[pa], *y = &b->promises[pb];

    if (x->kind != y->kind || x->target != y->target ||
        !same_classes(a, x, b, y))
        return 0;
    if (x->kind == CS_PROMISE_LEAD_TIME) {
        const char *tx = x->at_team ? a->teams[x->team].name : "";
        const char *ty = y->at_team ? b->teams[y->team].name : "";
        return x->within == y->within && x->at_team == y->at_team &&
               strcmp(tx, ty) == 0;
    }
    if (x->kind == CS_PROMISE_DONE_BY)
        return x->done_by == y->done_by;
    return x->per == y->per;
}
