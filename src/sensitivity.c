/*
** sensitivity.c - one change at a time at each team, run against the
** baseline with common random numbers, and ranked (sensitivity.h).
**
** Each change's model is built from a copy of the scenario with the
** change as one more override, so it keeps the scenario's seed: the
** replications of a change and of the baseline with the same number draw
** the same arrivals, efforts and decisions except where the change itself
** alters a draw.
*/
#include "chainsim/sensitivity.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/dist.h"
#include "chainsim/runner.h"
#include "chainsim/str.h"
#include "chainsim/study.h"
#include "chainsim/variant.h"

static cs_status no_memory(cs_error *err)
{
    return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
}

const char *cs_sensitivity_kind_name(cs_sens_kind k)
{
    switch (k) {
    case CS_SENS_CAPACITY:
        return "capacity";
    case CS_SENS_WIP_DOWN:
        return "wip limit -1";
    case CS_SENS_WIP_UP:
        return "wip limit +1";
    case CS_SENS_NO_HANDOFF:
        return "no hand-off";
    case CS_SENS_FOCUS:
        return "focus";
    }
    return "?";
}

void cs_sensitivity_free(cs_sensitivity *sv)
{
    if (sv == NULL)
        return;
    for (size_t i = 0; i < sv->nchanges; i++) {
        cs_sens_change *const c = &sv->changes[i];
        cs_summary_comparison_free(c->vs);
        cs_summary_free(c->summary);
        cs_model_free(c->model);
        free(c->assignment);
    }
    free(sv->changes);
    free(sv->order);
    cs_summary_free(sv->base_summary);
    cs_model_free(sv->base);
    free(sv);
}

/* ---- the changes ------------------------------------------------------ */

/* s (freed, NULL allowed) followed by the formatted text: an assignment
** of any length; NULL when out of memory. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static char *append(char *s, const char *fmt, ...)
{
    const size_t have = s != NULL ? strlen(s) : 0;
    va_list ap;
    char *grown;
    int n;

    if (fmt == NULL)
        return s;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || (grown = realloc(s, have + (size_t)n + 1)) == NULL) {
        free(s);
        return NULL;
    }
    va_start(ap, fmt);
    vsnprintf(grown + have, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return grown;
}

/* The assignment of change k at team t (whose settings are in the
** baseline), or NULL when out of memory. */
static char *assignment(const cs_team *t, cs_sens_kind k)
{
    char *s = append(NULL, "teams.%s.", t->name);

    switch (k) {
    case CS_SENS_CAPACITY:
        /* with a schedule, schedule_assignment adds one at every time */
        return append(s, "capacity=%d", t->capacity + 1);
    case CS_SENS_WIP_DOWN:
        return append(s, "wip_limit=%d", t->wip_limit - 1);
    case CS_SENS_WIP_UP:
        return append(s, "wip_limit=%d", t->wip_limit + 1);
    case CS_SENS_NO_HANDOFF:
        return append(s, "handoff=null");
    case CS_SENS_FOCUS:
        return append(s, "focus=%.10g", fmin(1.0, t->focus + 0.1));
    }
    free(s);
    return NULL;
}

/* With a schedule, capacity + 1 is a second override: the schedule with
** every entry + 1.  NULL when there is none or out of memory (*oom). */
static char *schedule_assignment(const cs_team *t, int *oom)
{
    char *s;

    *oom = 0;
    if (t->nschedule == 0)
        return NULL;
    s = append(NULL, "teams.%s.schedule=[", t->name);
    for (int i = 0; i < t->nschedule && s != NULL; i++)
        s = append(s, "%s{from: %.17g, capacity: %d}", i > 0 ? ", " : "",
                   t->schedule[i].from, t->schedule[i].capacity + 1);
    s = append(s, "]");
    *oom = s == NULL;
    return s;
}

static int applies(const cs_team *t, cs_sens_kind k)
{
    switch (k) {
    case CS_SENS_CAPACITY:
        return 1;
    case CS_SENS_WIP_DOWN:
        return t->wip_limit > 1;
    case CS_SENS_WIP_UP:
        return t->wip_limit > 0;
    case CS_SENS_NO_HANDOFF:
        return t->has_handoff;
    case CS_SENS_FOCUS:
        return t->focus < 1.0;
    }
    return 0;
}

static void settings(const cs_team *t, cs_sens_kind k, double *from,
                     double *to)
{
    switch (k) {
    case CS_SENS_CAPACITY:
        *from = t->capacity;
        *to = t->capacity + 1;
        return;
    case CS_SENS_WIP_DOWN:
    case CS_SENS_WIP_UP:
        *from = t->wip_limit;
        *to = t->wip_limit + (k == CS_SENS_WIP_UP ? 1 : -1);
        return;
    case CS_SENS_NO_HANDOFF:
        *from = cs_dist_mean(&t->handoff);
        *to = 0.0;
        return;
    case CS_SENS_FOCUS:
        *from = t->focus;
        *to = fmin(1.0, t->focus + 0.1);
        return;
    }
}

/* Builds change c's model from a copy of s with its overrides. */
static cs_status build_change(const cs_scenario *s, const cs_team *t,
                              cs_sens_change *c, cs_error *err)
{
    cs_scenario *copy = NULL;
    char *sched = NULL;
    cs_status st;
    int oom;

    if (c->kind == CS_SENS_CAPACITY &&
        (sched = schedule_assignment(t, &oom)) == NULL && oom)
        return no_memory(err);
    st = cs_scenario_clone(s, &copy, err);
    if (st == CS_OK)
        st = cs_variant_add_override(copy, c->assignment, err);
    if (st == CS_OK && sched != NULL)
        st = cs_variant_add_override(copy, sched, err);
    if (st == CS_OK)
        st = cs_variant_build(copy, -1, &c->model, err);
    if (st == CS_OK) {
        char *name = cs_str_dup(c->assignment);
        if (name == NULL) {
            st = no_memory(err);
        } else {
            free(c->model->variant);
            c->model->variant = name;
        }
    }
    if (st != CS_OK && st != CS_ENOMEM) {
        char buf[CS_ERROR_MSG_MAX];
        snprintf(buf, sizeof buf, "sensitivity: %s", c->assignment);
        cs_error_prefix(err, buf);
    }
    free(sched);
    cs_scenario_free(copy);
    return st;
}

cs_status cs_sensitivity_new(const cs_scenario *s, cs_sensitivity **out,
                             cs_error *err)
{
    cs_sensitivity *sv = calloc(1, sizeof *sv);
    cs_status st;
    size_t most;

    *out = sv;
    if (sv == NULL)
        return no_memory(err);
    if ((st = cs_variant_build(s, -1, &sv->base, err)) != CS_OK)
        return st;
    most = (size_t)sv->base->nteams * 5;
    sv->changes = calloc(most + 1, sizeof *sv->changes);
    sv->order = calloc(most + 1, sizeof *sv->order);
    if (sv->changes == NULL || sv->order == NULL)
        return no_memory(err);
    for (int x = 0; x < sv->base->nteams; x++) {
        const cs_team *const t = &sv->base->teams[x];
        for (int k = CS_SENS_CAPACITY; k <= CS_SENS_FOCUS; k++) {
            cs_sens_change *c;
            if (!applies(t, (cs_sens_kind)k))
                continue;
            c = &sv->changes[sv->nchanges];
            c->team = x;
            c->kind = (cs_sens_kind)k;
            settings(t, c->kind, &c->from, &c->to);
            if ((c->assignment = assignment(t, c->kind)) == NULL)
                return no_memory(err);
            sv->nchanges++;
            if ((st = build_change(s, t, c, err)) != CS_OK)
                return st;
            c->added_cost = cs_model_cost_per_day(c->model) -
                            cs_model_cost_per_day(sv->base);
        }
    }
    sv->level = cs_study_level(sv->nchanges);
    return CS_OK;
}

/* ---- running ---------------------------------------------------------- */

/* How much a promise's level counts in the gain: a share as it is, a
** throughput against its target. */
static double promise_weight(const cs_promise *p)
{
    if (p->kind == CS_PROMISE_THROUGHPUT)
        return p->target > 0 ? 1.0 / p->target : 0.0;
    return 1.0;
}

/* The gains of change c, paired with the baseline b over the common
** replications. */
static cs_status pair_gains(const cs_sensitivity *sv, cs_sens_change *c,
                            cs_error *err)
{
    const cs_summary *const b = sv->base_summary, *const v = c->summary;
    const cs_model *const m = sv->base;
    const size_t n = b->replications < v->replications ? b->replications
                                                       : v->replications;
    double *g = calloc(3 * n + 1, sizeof *g), *lb, *lv;
    size_t i = 0, j = 0, k = 0;

    if (g == NULL)
        return no_memory(err);
    lb = g + n;
    lv = lb + n;
    while (i < b->replications && j < v->replications) {
        if (b->rep_number[i] < v->rep_number[j]) {
            i++;
            continue;
        }
        if (b->rep_number[i] > v->rep_number[j]) {
            j++;
            continue;
        }
        g[k] = 0.0;
        for (int p = 0; p < m->npromises; p++)
            g[k] += promise_weight(&m->promises[p]) *
                    (v->rep_promise[p][j] - b->rep_promise[p][i]);
        lb[k] = b->rep_lt_mean[i];
        lv[k] = v->rep_lt_mean[j];
        i++, j++, k++;
    }
    c->promise_gain = cs_stats_ci_mean(g, k, sv->level);
    c->lead_gain = cs_stats_ci_paired(lb, lv, k, sv->level);
    free(g);
    return CS_OK;
}

cs_status cs_sensitivity_run(cs_sensitivity *sv, const cs_sens_run_opts *o,
                             cs_error *err)
{
    cs_runner_opts ro;
    cs_status st;

    memset(&ro, 0, sizeof ro);
    ro.threads = o->threads;
    ro.max_bytes = o->max_bytes;
    ro.stop = o->stop;
    ro.warmup = -1;
    if ((st = cs_summary_run(sv->base, &ro, &sv->base_summary, err)) != CS_OK)
        return st;
    sv->partial = sv->base_summary->partial;
    if (o->progress != NULL)
        o->progress(o->progress_ctx, 1, sv->nchanges + 1);
    /* one window for all: the baseline's warm-up, auto resolved */
    ro.warmup = sv->base_summary->warmup;
    for (size_t i = 0; i < sv->nchanges && !sv->partial; i++) {
        cs_sens_change *const c = &sv->changes[i];
        if (o->stop != NULL && atomic_load(o->stop)) {
            sv->partial = 1;
            break;
        }
        if ((st = cs_summary_run(c->model, &ro, &c->summary, err)) != CS_OK) {
            cs_error_prefix(err, c->assignment);
            return st;
        }
        sv->nrun = i + 1;
        sv->partial |= c->summary->partial;
        c->vs = cs_summary_compare(sv->base_summary, c->summary, sv->level);
        if (c->vs == NULL)
            return no_memory(err);
        if ((st = pair_gains(sv, c, err)) != CS_OK)
            return st;
        if (o->progress != NULL)
            o->progress(o->progress_ctx, i + 2, sv->nchanges + 1);
    }
    cs_sensitivity_rank(sv);
    return CS_OK;
}

/* ---- ranking ---------------------------------------------------------- */

static int sign_cmp(double a, double b)
{
    return a > b ? -1 : a < b ? 1 : 0;    /* larger first */
}

/* x per unit of cost c; a free change's gain counts as without bound. */
static double per_cost(double x, double c)
{
    if (c > 0)
        return x / c;
    return x > 0 ? INFINITY : x < 0 ? -INFINITY : 0.0;
}

static double gain_of(const cs_ci *c)
{
    return c->n > 0 && isfinite(c->mean) ? c->mean : 0.0;
}

/* The gain the ranking counts: none when its interval spans 0 (noise),
** the mean otherwise (also when there is no interval to tell). */
static double sure_gain(const cs_ci *c)
{
    if (c->valid && c->n >= 2 && c->lo <= 0 && c->hi >= 0)
        return 0.0;
    return gain_of(c);
}

/* < 0 when a ranks before b (see sensitivity.h). */
static int change_cmp(const cs_sens_change *a, const cs_sens_change *b)
{
    const double pa = sure_gain(&a->promise_gain);
    const double pb = sure_gain(&b->promise_gain);
    const double la = sure_gain(&a->lead_gain), lb = sure_gain(&b->lead_gain);
    const double ra = gain_of(&a->promise_gain);
    const double rb = gain_of(&b->promise_gain);
    const double ma = gain_of(&a->lead_gain), mb = gain_of(&b->lead_gain);
    const double ca = a->added_cost, cb = b->added_cost;
    int r;

    if (!(ca > 0) && !(cb > 0)) {
        if ((r = sign_cmp(pa, pb)) != 0 || (r = sign_cmp(la, lb)) != 0 ||
            (r = sign_cmp(ra, rb)) != 0)
            return r;
        return sign_cmp(ma, mb);
    }
    if ((r = sign_cmp(per_cost(pa, ca), per_cost(pb, cb))) != 0 ||
        (r = sign_cmp(per_cost(la, ca), per_cost(lb, cb))) != 0 ||
        (r = sign_cmp(per_cost(ra, ca), per_cost(rb, cb))) != 0 ||
        (r = sign_cmp(per_cost(ma, ca), per_cost(mb, cb))) != 0)
        return r;
    return (cb > 0) - (ca > 0);    /* equal gains: the free one first */
}

void cs_sensitivity_rank(cs_sensitivity *sv)
{
    const size_t n = sv->nrun;

    for (size_t i = 0; i < n; i++)
        sv->order[i] = i;
    /* insertion sort: stable, and n is small (5 per team at most) */
    for (size_t i = 1; i < n; i++) {
        const size_t x = sv->order[i];
        size_t j = i;
        while (j > 0 &&
               change_cmp(&sv->changes[x], &sv->changes[sv->order[j - 1]]) <
                   0) {
            sv->order[j] = sv->order[j - 1];
            j--;
        }
        sv->order[j] = x;
    }
    for (size_t i = 0; i < n; i++)
        sv->changes[sv->order[i]].rank = (unsigned)(i + 1);
}
