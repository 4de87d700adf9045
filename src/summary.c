/*
** summary.c - a runner store summarised: means and 95% intervals over the
** replications, percentiles of the pooled histograms, promise verdicts;
** paired comparisons of two summaries.
**
** Every sum of doubles runs over the store's rows in replication order,
** so a summary is bit-identical for any number of threads.  A comparison
** pairs values by replication number, never by position: after an
** interrupt the two variants may have completed different replications.
**
** An interval never leaves the range its figure can take: a share's
** (utilization, blocked fraction, a lead-time promise's achieved share)
** is clipped to [0, 1], a time's or a count's (lead time, throughput,
** WIP, queue waits and lengths, deadlock breaks) to >= 0.  The t interval
** strays past them near a bound with few replications; the mean always
** lies within, and so do the verdicts.  Paired differences are not
** clipped: they may be negative.
*/
#include "chainsim/summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/engine.h"
#include "chainsim/runner.h"

/*
** "met" when the whole CI is at or above the target, "not met" when it is
** wholly below, "uncertain" otherwise -- and always when no CI exists
** (fewer than two replications with a value).
*/
static cs_verdict verdict_of(const cs_ci *ci, double target)
{
    if (!ci->valid)
        return CS_VERDICT_UNCERTAIN;
    if (ci->lo >= target)
        return CS_VERDICT_MET;
    if (ci->hi < target)
        return CS_VERDICT_NOT_MET;
    return CS_VERDICT_UNCERTAIN;
}

const char *cs_summary_verdict_name(cs_verdict v)
{
    switch (v) {
    case CS_VERDICT_MET:
        return "met";
    case CS_VERDICT_NOT_MET:
        return "not met";
    case CS_VERDICT_UNCERTAIN:
        break;
    }
    return "uncertain";
}

static double ratio(double num, double den)
{
    return den > 0 ? num / den : NAN;
}

/* c clipped to [lo, hi]; an unavailable interval (NaN bounds) stays so. */
static cs_ci clip(cs_ci c, double lo, double hi)
{
    if (c.lo < lo)
        c.lo = lo;
    if (c.hi > hi)
        c.hi = hi;
    return c;
}

static cs_ci share(cs_ci c)
{
    return clip(c, 0.0, 1.0);
}

static cs_ci nonneg(cs_ci c)
{
    return clip(c, 0.0, HUGE_VAL);
}

/* CI over column j of a row-major table [n][stride]. */
static cs_ci column_ci(const double *table, size_t n, size_t stride,
                       size_t j, double *tmp)
{
    for (size_t i = 0; i < n; i++)
        tmp[i] = table[i * stride + j];
    return cs_stats_ci_mean(tmp, n, 0.95);
}

void cs_summary_free(cs_summary *s)
{
    if (s == NULL)
        return;
    if (s->classes != NULL)
        for (int c = 0; c < s->model->nclasses; c++)
        {
            free(s->classes[c].breakdown);
            free(s->classes[c].contexts);
        }
    free(s->breakdown);
    free(s->classes);
    free(s->teams);
    free(s->promises);
    free(s->rep_number);
    free(s->rep_lt_mean);
    free(s->rep_lt_p85);
    free(s->rep_throughput);
    free(s->rep_wip);
    free(s->rep_delay_cost);
    free(s->rep_abandoned);
    free(s->rep_wasted);
    free(s->rep_cls_mean);
    free(s->warnings);
    free(s->cls_completion);
    free(s->periods);
    free(s->period_teams);
    if (s->rep_promise != NULL)
        for (int p = 0; p < s->model->npromises; p++)
            free(s->rep_promise[p]);
    free(s->rep_promise);
    if (s->reps != NULL) {
        free(s->reps->q);
        free(s->reps->lt_n);
        free(s->reps->cls_n);
        free(s->reps->cls_thru);
        free(s->reps->team);
        free(s->reps->abandoned);
        free(s->reps->wasted);
        free(s->reps->fd);
        free(s->reps);
    }
    free(s);
}

static void *copy_prefix(const void *x, size_t n, size_t size)
{
    void *y = malloc((n + 1) * size);

    if (y != NULL && n > 0)
        memcpy(y, x, n * size);
    return y;
}

/* The summary's arrays; -1 when out of memory. */
static int summary_alloc(cs_summary *s, const cs_runner_store *st)
{
    const cs_model *const m = st->model;
    const size_t n = st->n;

    s->classes = calloc((size_t)m->nclasses + 1, sizeof *s->classes);
    s->teams = calloc((size_t)m->nteams + 1, sizeof *s->teams);
    s->promises = calloc((size_t)m->npromises + 1, sizeof *s->promises);
    s->rep_promise = calloc((size_t)m->npromises + 1, sizeof *s->rep_promise);
    s->rep_number = copy_prefix(st->rep, n, sizeof(unsigned));
    s->rep_lt_mean = copy_prefix(st->lt_mean, n, sizeof(double));
    s->rep_lt_p85 = copy_prefix(st->lt_p85, n, sizeof(double));
    s->rep_throughput = copy_prefix(st->thru, n, sizeof(double));
    s->rep_wip = copy_prefix(st->wip, n, sizeof(double));
    s->rep_delay_cost = copy_prefix(st->delay_cost, n, sizeof(double));
    if (cs_model_has_patience(m)) {
        s->rep_abandoned = copy_prefix(st->aband, n, sizeof(double));
        s->rep_wasted = copy_prefix(st->wasted, n, sizeof(double));
    } else {
        s->rep_abandoned = calloc(n + 1, sizeof(double));
        s->rep_wasted = calloc(n + 1, sizeof(double));
    }
    s->rep_cls_mean = copy_prefix(st->cls_mean, n * (size_t)m->nclasses,
                                  sizeof(double));
    if (!s->classes || !s->teams || !s->promises || !s->rep_promise ||
        !s->rep_number || !s->rep_lt_mean || !s->rep_lt_p85 ||
        !s->rep_throughput || !s->rep_wip || !s->rep_delay_cost ||
        !s->rep_abandoned || !s->rep_wasted || !s->rep_cls_mean)
        return -1;
    for (int p = 0; p < m->npromises; p++)
        if ((s->rep_promise[p] = malloc((n + 1) * sizeof(double))) == NULL)
            return -1;
    return 0;
}

/* Each replication's figures for the per-replication output (st kept
** its percentiles); -1 when out of memory. */
static int summary_reps(cs_summary *s, const cs_runner_store *st)
{
    static const int from[CS_SUMMARY_REP_NFIELDS] = {
        CS_RUNNER_TEAM_UTIL, CS_RUNNER_TEAM_WAIT, CS_RUNNER_TEAM_QLEN,
        CS_RUNNER_TEAM_BLOCKED, CS_RUNNER_TEAM_WIP, CS_RUNNER_TEAM_ADMISSION,
        CS_RUNNER_TEAM_INTERRUPTS, CS_RUNNER_TEAM_INTERRUPTED,
        CS_RUNNER_TEAM_FD, CS_RUNNER_TEAM_RESERVED};
    const size_t n = st->n, nc = (size_t)st->model->nclasses;
    const size_t nt = (size_t)st->model->nteams;
    cs_summary_reps *r;

    if (!st->per_rep)
        return 0;
    if ((s->reps = r = calloc(1, sizeof *r)) == NULL)
        return -1;
    r->q = copy_prefix(st->rep_q, n * (nc + 1) * 3, sizeof(double));
    r->lt_n = copy_prefix(st->lt_n, n, sizeof(uint64_t));
    r->cls_n = copy_prefix(st->cls_n, n * nc, sizeof(uint64_t));
    r->cls_thru = copy_prefix(st->cls_thru, n * nc, sizeof(double));
    r->team = malloc((n * nt * CS_SUMMARY_REP_NFIELDS + 1) * sizeof(double));
    if (!r->q || !r->lt_n || !r->cls_n || !r->cls_thru || !r->team)
        return -1;
    if (cs_model_has_patience(st->model) &&
        ((r->abandoned = copy_prefix(st->aband, n, sizeof(double))) == NULL ||
         (r->wasted = copy_prefix(st->wasted, n, sizeof(double))) == NULL))
        return -1;
    if (cs_model_has_escapes(st->model) &&
        (r->fd = copy_prefix(st->fd, n, sizeof(double))) == NULL)
        return -1;
    for (size_t i = 0; i < n * nt; i++)
        for (int f = 0; f < CS_SUMMARY_REP_NFIELDS; f++)
            r->team[i * CS_SUMMARY_REP_NFIELDS + (size_t)f] =
                st->team[i * CS_RUNNER_TEAM_NFIELDS + (size_t)from[f]];
    return 0;
}

/* The pooled distribution's points (cs_summary.cdf). */
static void quantiles(const cs_hist *h, double *cdf)
{
    double q[CS_SUMMARY_NCDF];

    for (int i = 0; i < CS_SUMMARY_NCDF; i++)
        q[i] = i / (double)(CS_SUMMARY_NCDF - 1);
    cs_hist_quantiles(h, q, CS_SUMMARY_NCDF, cdf);
}

/* The whole chain: intervals, pooled percentiles, totals. */
static void summary_chain(cs_summary *s, const cs_runner_store *st)
{
    const size_t n = st->n;
    double lt_sum = 0, work_sum = 0;

    s->lead_time = nonneg(cs_stats_ci_mean(st->lt_mean, n, 0.95));
    s->throughput = nonneg(cs_stats_ci_mean(st->thru, n, 0.95));
    s->wip = nonneg(cs_stats_ci_mean(st->wip, n, 0.95));
    s->delay_cost = nonneg(cs_stats_ci_mean(st->delay_cost, n, 0.95));
    s->abandoned = nonneg(cs_stats_ci_mean(s->rep_abandoned, n, 0.95));
    s->wasted = nonneg(cs_stats_ci_mean(s->rep_wasted, n, 0.95));
    s->lt_n = cs_hist_count(st->hist);
    s->p50 = cs_hist_quantile(st->hist, 0.50);
    s->p85 = cs_hist_quantile(st->hist, 0.85);
    s->p95 = cs_hist_quantile(st->hist, 0.95);
    quantiles(st->hist, s->cdf);
    for (size_t i = 0; i < n; i++) {
        lt_sum += st->lt_sum[i];
        work_sum += st->work_sum[i];
        s->visits += st->visits[i];
        s->events += st->events[i];
        s->arrived += st->arrived[i];
        s->done += st->done[i];
    }
    s->flow_efficiency = ratio(work_sum, lt_sum);
}

/* The bounded contexts of every class; -1 when out of memory. */
static int summary_contexts(cs_summary *s, const cs_runner_store *st,
                            double *tmp)
{
    const cs_model *const m = st->model;
    const size_t w = (size_t)st->nctx;
    size_t q = 0;

    for (int c = 0; c < m->nclasses; c++) {
        cs_class_summary *const k = &s->classes[c];
        const int n = m->classes[c].ncontexts;
        if (n == 0)
            continue;
        if ((k->contexts = calloc((size_t)n, sizeof *k->contexts)) == NULL)
            return -1;
        k->ncontexts = n;
        for (int x = 0; x < n; x++, q++) {
            cs_context_summary *const o = &k->contexts[x];
            o->lead_time = nonneg(column_ci(st->ctx_mean, st->n, w, q, tmp));
            o->p85 = cs_hist_quantile(st->cls_hist[(size_t)m->nclasses + q],
                                      0.85);
            o->n = cs_hist_count(st->cls_hist[(size_t)m->nclasses + q]);
        }
    }
    return 0;
}

static void summary_classes(cs_summary *s, const cs_runner_store *st,
                            double *tmp)
{
    const size_t nc = (size_t)st->model->nclasses;

    for (size_t c = 0; c < nc; c++) {
        cs_class_summary *k = &s->classes[c];
        k->lead_time = nonneg(column_ci(st->cls_mean, st->n, nc, c, tmp));
        k->throughput = nonneg(column_ci(st->cls_thru, st->n, nc, c, tmp));
        if (cs_model_has_patience(st->model))
            k->abandoned =
                nonneg(column_ci(st->cls_aband, st->n, nc, c, tmp));
        else
            k->abandoned =
                nonneg(cs_stats_ci_mean(s->rep_abandoned, st->n, 0.95));
        k->n = cs_hist_count(st->cls_hist[c]);
        k->p50 = cs_hist_quantile(st->cls_hist[c], 0.50);
        k->p85 = cs_hist_quantile(st->cls_hist[c], 0.85);
        k->p95 = cs_hist_quantile(st->cls_hist[c], 0.95);
        quantiles(st->cls_hist[c], k->cdf);
    }
}

/* Team t's utilization of its effective capacity (its WIP limit, when
** below its capacity, keeps workers idle); with a schedule, of the
** window's mean of each. */
static double effective_util(const cs_model *m, const cs_summary *s, int t)
{
    const cs_team *d = &m->teams[t];

    if (d->nschedule > 0 && d->wip_limit > 0) {
        const double eff = cs_model_capacity_mean(d, s->warmup, s->horizon, 1);
        return eff > 0 ? s->teams[t].utilization.mean *
                             cs_model_capacity_mean(d, s->warmup, s->horizon,
                                                    0) / eff
                       : 0.0;
    }
    return s->teams[t].utilization.mean * d->capacity /
           cs_model_effective_capacity(d);
}

/* The teams, and the bottleneck: the highest mean utilization of the
** effective capacity. */
static void summary_teams(cs_summary *s, const cs_runner_store *st,
                          double *tmp)
{
    const size_t nt = (size_t)st->model->nteams;
    const size_t stride = nt * CS_RUNNER_TEAM_NFIELDS;

    s->bottleneck = -1;
    for (size_t t = 0; t < nt; t++) {
        cs_team_summary *k = &s->teams[t];
        const size_t f = t * CS_RUNNER_TEAM_NFIELDS;
        k->utilization = share(column_ci(st->team, st->n, stride,
                                         f + CS_RUNNER_TEAM_UTIL, tmp));
        k->queue_len = nonneg(column_ci(st->team, st->n, stride,
                                        f + CS_RUNNER_TEAM_QLEN, tmp));
        k->queue_wait = nonneg(column_ci(st->team, st->n, stride,
                                         f + CS_RUNNER_TEAM_WAIT, tmp));
        k->blocked_fraction = share(column_ci(st->team, st->n, stride,
                                              f + CS_RUNNER_TEAM_BLOCKED,
                                              tmp));
        k->wip = nonneg(column_ci(st->team, st->n, stride,
                                  f + CS_RUNNER_TEAM_WIP, tmp));
        k->wip_breaks = nonneg(column_ci(st->team, st->n, stride,
                                         f + CS_RUNNER_TEAM_BREAKS, tmp));
        k->admission_wait = nonneg(column_ci(st->team, st->n, stride,
                                             f + CS_RUNNER_TEAM_ADMISSION,
                                             tmp));
        k->capacity = nonneg(column_ci(st->team, st->n, stride,
                                       f + CS_RUNNER_TEAM_CAPACITY, tmp));
        k->interruptions = nonneg(column_ci(st->team, st->n, stride,
                                            f + CS_RUNNER_TEAM_INTERRUPTS,
                                            tmp));
        k->interrupted_time = nonneg(column_ci(
            st->team, st->n, stride, f + CS_RUNNER_TEAM_INTERRUPTED, tmp));
        k->failure_demand_share = share(column_ci(st->team, st->n, stride,
                                                  f + CS_RUNNER_TEAM_FD,
                                                  tmp));
        k->reserved_fraction = share(column_ci(st->team, st->n, stride,
                                               f + CS_RUNNER_TEAM_RESERVED,
                                               tmp));
        if (s->bottleneck < 0 ||
            effective_util(st->model, s, (int)t) >
                effective_util(st->model, s, s->bottleneck))
            s->bottleneck = (int)t;
    }
}

/* The share of the replications (x: 1 kept, 0 not, NaN not counted)
** with its Wilson interval. */
static cs_ci wilson_of(const double *x, size_t n)
{
    size_t k = 0, m = 0;

    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i])) {
            m++;
            k += x[i] > 0.5;
        }
    return cs_stats_ci_wilson(k, m, 0.95);
}

static void summary_promises(cs_summary *s, const cs_runner_store *st)
{
    const cs_model *const m = st->model;
    const size_t np = (size_t)m->npromises;

    for (size_t p = 0; p < np; p++) {
        cs_promise_summary *k = &s->promises[p];
        const cs_promise_kind kind = m->promises[p].kind;
        for (size_t i = 0; i < st->n; i++)
            s->rep_promise[p][i] = st->prom[i * np + p];
        k->target = m->promises[p].target;
        if (kind == CS_PROMISE_DONE_BY)
            k->achieved = wilson_of(s->rep_promise[p], st->n);
        else
            k->achieved = cs_stats_ci_mean(s->rep_promise[p], st->n, 0.95);
        k->achieved = kind == CS_PROMISE_THROUGHPUT ? nonneg(k->achieved)
                                                    : share(k->achieved);
        k->verdict = verdict_of(&k->achieved, k->target);
    }
}

/* ---- today's board ------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* The nearest-rank q-quantile of the m sorted days v: the k-th smallest,
** k = ceil(q m); NaN when it is a replication that did not finish. */
static double nearest_rank(const double *v, size_t m, double q)
{
    size_t k;

    if (m == 0)
        return NAN;
    k = (size_t)ceil(q * (double)m - 1e-9);
    k = k < 1 ? 1 : k > m ? m : k;
    return isfinite(v[k - 1]) ? v[k - 1] : NAN;
}

/*
** Completion over column j of a row-major table [n][stride] of days
** (INFINITY: not done by the horizon; NaN: not counted).  tmp holds n.
*/
static cs_completion completion_of(const double *table, size_t n,
                                   size_t stride, size_t j, long items,
                                   double *tmp)
{
    cs_completion c = {items, 0, NAN, NAN, NAN, NAN, NAN};
    size_t m = 0, done = 0;
    double sum = 0;

    for (size_t i = 0; i < n; i++) {
        const double x = table[i * stride + j];
        if (isnan(x))
            continue;
        tmp[m++] = x;
        if (isfinite(x)) {
            done++;
            sum += x;
        }
    }
    c.replications = (unsigned)m;
    if (m == 0)
        return c;
    c.done_share = (double)done / (double)m;
    c.mean = done == m ? sum / (double)m : NAN;
    qsort(tmp, m, sizeof *tmp, cmp_double);
    c.p50 = nearest_rank(tmp, m, 0.50);
    c.p85 = nearest_rank(tmp, m, 0.85);
    c.p95 = nearest_rank(tmp, m, 0.95);
    return c;
}

/* Completion of all classes and per class, when the model has initial
** items; -1 when out of memory. */
static int summary_completion(cs_summary *s, const cs_runner_store *st,
                              double *tmp)
{
    const cs_model *const m = st->model;
    const size_t nc = (size_t)m->nclasses;

    if (!cs_model_has_initial(m))
        return 0;
    s->cls_completion = calloc(nc + 1, sizeof *s->cls_completion);
    if (s->cls_completion == NULL)
        return -1;
    for (size_t c = 0; c < nc; c++) {
        const long items = cs_model_class_initial(&m->classes[c]);
        s->completion.items += items;
        if (items > 0)
            s->cls_completion[c] = completion_of(st->cls_completion, st->n,
                                                 nc, c, items, tmp);
    }
    s->completion = completion_of(st->completion, st->n, 1, 0,
                                  s->completion.items, tmp);
    return 0;
}

/* ---- the timeline -------------------------------------------------- */

/* Period k of the timeline and its teams; tmp holds st->n, h is
** scratch. */
static void period_summary(cs_summary *s, const cs_runner_store *st,
                           int k, double *tmp, cs_hist *h)
{
    const size_t np = (size_t)st->nperiods, nt = (size_t)st->model->nteams;
    const size_t stride = np * CS_RUNNER_PERIOD_NFIELDS;
    const size_t f = (size_t)k * CS_RUNNER_PERIOD_NFIELDS;
    const size_t tstride = np * nt * CS_RUNNER_PTEAM_NFIELDS;
    cs_period_summary *d = &s->periods[k];
    const double to = (k + 1) * st->period;

    d->from = k * st->period;
    d->to = k + 1 == st->nperiods || to > s->horizon ? s->horizon : to;
    d->arrived = nonneg(column_ci(st->per, st->n, stride,
                                  f + CS_RUNNER_PERIOD_ARRIVED, tmp));
    d->done = nonneg(column_ci(st->per, st->n, stride,
                               f + CS_RUNNER_PERIOD_DONE, tmp));
    d->wip = nonneg(column_ci(st->per, st->n, stride,
                              f + CS_RUNNER_PERIOD_WIP, tmp));
    d->lead_time = nonneg(column_ci(st->per, st->n, stride,
                                    f + CS_RUNNER_PERIOD_LT_MEAN, tmp));
    d->lt_n = cs_runner_period_count(st, k);
    d->lead_time_p85 = cs_runner_period_quantile(st, k, 0.85, h);
    d->teams = &s->period_teams[(size_t)k * nt];
    for (size_t t = 0; t < nt; t++) {
        const size_t g = ((size_t)k * nt + t) * CS_RUNNER_PTEAM_NFIELDS;
        cs_period_team_summary *e = &d->teams[t];
        e->utilization = share(column_ci(st->per_team, st->n, tstride,
                                         g + CS_RUNNER_PTEAM_UTIL, tmp));
        e->wip = nonneg(column_ci(st->per_team, st->n, tstride,
                                  g + CS_RUNNER_PTEAM_WIP, tmp));
        e->capacity = nonneg(column_ci(st->per_team, st->n, tstride,
                                       g + CS_RUNNER_PTEAM_CAPACITY, tmp));
    }
}

/* The timeline, when the store has one; -1 when out of memory. */
static int summary_timeline(cs_summary *s, const cs_runner_store *st,
                            double *tmp)
{
    const size_t np = (size_t)st->nperiods, nt = (size_t)st->model->nteams;
    cs_hist *h;

    if (np == 0)
        return 0;
    s->periods = calloc(np + 1, sizeof *s->periods);
    s->period_teams = calloc(np * nt + 1, sizeof *s->period_teams);
    h = cs_hist_new();
    if (s->periods == NULL || s->period_teams == NULL || h == NULL) {
        cs_hist_free(h);
        return -1;
    }
    s->period = st->period;
    s->nperiods = st->nperiods;
    for (int k = 0; k < st->nperiods; k++)
        period_summary(s, st, k, tmp, h);
    cs_hist_free(h);
    return 0;
}

/* ---- where the time goes ------------------------------------------ */

/* Adds the breakdown sums of class c in row i, by team, to acc
** ([nteams * CS_BRK_N]); b is the class's part of the row. */
static void brk_add_class(const cs_class *k, const double *b, double *acc)
{
    const int nslots = cs_model_brk_slots(k);

    for (int j = 0; j < nslots; j++) {
        const int t = cs_model_slot_team(k, j);
        if (t < 0)
            continue;
        for (size_t q = 0; q < CS_BRK_N; q++)
            acc[(size_t)t * CS_BRK_N + q] += b[(size_t)j * CS_BRK_N + q];
    }
}

static void brk_set(cs_breakdown *d, int t, const double *sum, double n)
{
    d->team = t;
    d->admission = n > 0 ? sum[CS_BRK_ADMISSION] / n : 0.0;
    d->handoff = n > 0 ? sum[CS_BRK_HANDOFF] / n : 0.0;
    d->queue = n > 0 ? sum[CS_BRK_QUEUE] / n : 0.0;
    d->work = n > 0 ? sum[CS_BRK_WORK] / n : 0.0;
}

/*
** Per replication with lead times, each team's share of the replication's
** mean lead time (sums / count); then the mean over those replications,
** as the lead time's own mean is: the parts add up to it.  rep and tot
** are scratch of nteams * CS_BRK_N.  Returns -1 when out of memory.
*/
static int summary_breakdown(cs_summary *s, const cs_runner_store *st,
                             double *rep, double *tot)
{
    const cs_model *const m = st->model;
    const size_t nt = (size_t)m->nteams, nc = (size_t)m->nclasses;
    const size_t w = nt * CS_BRK_N;
    size_t off = 0, reps = 0;

    s->breakdown = calloc(nt + 1, sizeof *s->breakdown);
    if (s->breakdown == NULL)
        return -1;
    /* the whole chain */
    memset(tot, 0, w * sizeof *tot);
    for (size_t i = 0; i < st->n; i++) {
        const double *b = &st->brk[i * st->brk_width];
        if (st->lt_n[i] == 0)
            continue;
        memset(rep, 0, w * sizeof *rep);
        for (size_t c = 0; c < nc; c++) {
            brk_add_class(&m->classes[c], b, rep);
            b += (size_t)cs_model_brk_slots(&m->classes[c]) * CS_BRK_N;
        }
        for (size_t q = 0; q < w; q++)
            tot[q] += rep[q] / (double)st->lt_n[i];
        reps++;
    }
    for (size_t t = 0; t < nt; t++)
        brk_set(&s->breakdown[t], (int)t, &tot[t * CS_BRK_N], (double)reps);
    /* per class, over the teams of its steps */
    for (size_t c = 0; c < nc; c++) {
        const cs_class *const k = &m->classes[c];
        cs_class_summary *const cs = &s->classes[c];
        int n = 0;

        memset(tot, 0, w * sizeof *tot);
        reps = 0;
        for (size_t i = 0; i < st->n; i++) {
            const uint64_t cn = st->cls_n[i * nc + c];
            if (cn == 0)
                continue;
            memset(rep, 0, w * sizeof *rep);
            brk_add_class(k, &st->brk[i * st->brk_width + off], rep);
            for (size_t q = 0; q < w; q++)
                tot[q] += rep[q] / (double)cn;
            reps++;
        }
        off += (size_t)cs_model_brk_slots(k) * CS_BRK_N;
        /* rep[t * CS_BRK_N] marks the teams the class visits */
        memset(rep, 0, w * sizeof *rep);
        for (int j = 0; j < cs_model_brk_slots(k); j++) {
            const int t = cs_model_slot_team(k, j);
            if (t >= 0 && rep[(size_t)t * CS_BRK_N] == 0.0) {
                rep[(size_t)t * CS_BRK_N] = 1.0;
                n++;
            }
        }
        cs->breakdown = calloc((size_t)n + 1, sizeof *cs->breakdown);
        if (cs->breakdown == NULL)
            return -1;
        cs->nbreakdown = 0;
        for (size_t t = 0; t < nt; t++)
            if (rep[t * CS_BRK_N] != 0.0)
                brk_set(&cs->breakdown[cs->nbreakdown++], (int)t,
                        &tot[t * CS_BRK_N], (double)reps);
    }
    return 0;
}

/* ---- steady state or not ------------------------------------------ */

static int add_warning(cs_summary *s, cs_warning w)
{
    cs_warning *v = realloc(s->warnings, ((size_t)s->nwarnings + 1) *
                                             sizeof *v);

    if (v == NULL)
        return -1;
    s->warnings = v;
    s->warnings[s->nwarnings++] = w;
    return 0;
}

/* The mean of slices [a, b) of replication i's batch WIP. */
static double slices_mean(const cs_runner_store *st, size_t i, size_t a,
                          size_t b)
{
    double sum = 0;

    for (size_t q = a; q < b; q++)
        sum += st->batch_wip[i * CS_REP_BATCHES + q];
    return sum / (double)(b - a);
}

/*
** MSER on slices [start, CS_REP_BATCHES) of the replications' batch WIP,
** averaged over the replications (in replication order) in nb batches of
** b slices, searched over all but the last 5 batches: the slice MSER cuts
** at.  Needs st->n > 0.
*/
static size_t mser_cut(const cs_runner_store *st, double *y, size_t start,
                       size_t b, size_t nb)
{
    for (size_t j = 0; j < nb; j++) {
        double sum = 0;
        for (size_t i = 0; i < st->n; i++)
            sum += slices_mean(st, i, start + j * b, start + (j + 1) * b);
        y[j] = sum / (double)st->n;
    }
    return start + cs_stats_mser(y, nb, nb - 5) * b;
}

/*
** Whether a cut is real: the WIP of slices [cut, end) differs from that
** of [start, cut), paired per replication, the CS_SUMMARY_DRIFT_LEVEL
** interval excluding 0 (with one replication, when the two differ).  On
** a flat series MSER's choice is noise (past the middle about one time in
** six), so a cut counts only when this holds.
*/
static int cut_is_real(const cs_runner_store *st, double *tmp, size_t start,
                       size_t cut)
{
    cs_ci diff;

    for (size_t i = 0; i < st->n; i++)
        tmp[i] = slices_mean(st, i, cut, CS_REP_BATCHES) -
                 slices_mean(st, i, start, cut);
    diff = cs_stats_ci_mean(tmp, st->n, CS_SUMMARY_DRIFT_LEVEL);
    return st->n == 1 ? tmp[0] != 0.0
                      : diff.valid && (diff.lo > 0 || diff.hi < 0);
}

/*
** MSER on the window's WIP: the slices from the warm-up on, in batches of
** 5 (fewer when the window has under 50 slices), the leading remainder
** dropped.  The day the window should start at, or NaN when the window
** has under 10 slices, there is no replication or the cut is not real.
*/
static double window_mser(const cs_runner_store *st, double *y, double *tmp)
{
    const double width = st->model->horizon / CS_REP_BATCHES;
    const size_t s0 = (size_t)ceil(st->warmup / width - 1e-9);
    size_t k, b, nb, start, cut;

    if (st->n == 0 || s0 + 10 > CS_REP_BATCHES)
        return NAN;
    k = CS_REP_BATCHES - s0;
    b = k >= 50 ? 5 : k / 10;
    nb = k / b;
    start = CS_REP_BATCHES - nb * b;
    cut = mser_cut(st, y, start, b, nb);
    if (cut != start && !cut_is_real(st, tmp, start, cut))
        return NAN;
    return (double)cut * width;
}

/*
** After warm-up "auto": MSER-5 over the whole horizon (20 batches of 5
** slices).  When it cuts past half the horizon and the cut is real, the
** chain had not settled by the end of the warm-up "auto" may choose: the
** day of that cut; else NaN.
*/
static double late_mser(const cs_runner_store *st, double *y, double *tmp)
{
    enum { B = 5, NB = CS_REP_BATCHES / B };
    size_t cut;

    if (st->n == 0)
        return NAN;
    cut = mser_cut(st, y, 0, B, NB);
    if (cut <= CS_REP_BATCHES / 2 || !cut_is_real(st, tmp, 0, cut))
        return NAN;
    return (double)cut * st->model->horizon / CS_REP_BATCHES;
}

/* The mean over replications of column col of a [n][2] table (NaN). */
static double third_mean(const cs_runner_store *st, size_t col)
{
    double sum = 0;
    size_t k = 0;

    for (size_t i = 0; i < st->n; i++)
        if (isfinite(st->lt_third[2 * i + col])) {
            sum += st->lt_third[2 * i + col];
            k++;
        }
    return k > 0 ? sum / (double)k : NAN;
}

static int summary_settle(cs_summary *s, const cs_runner_store *st,
                          double *tmp)
{
    const cs_model *const m = st->model;
    double *load = malloc(((size_t)m->nteams + 1) * sizeof *load);
    double y[CS_REP_BATCHES];
    int oom = load == NULL;

    s->settled = 1;
    s->settle_day = s->third_first = s->third_last = NAN;
    s->drift = cs_stats_ci_mean(NULL, 0, CS_SUMMARY_DRIFT_LEVEL);
    for (int c = 0; c < m->nclasses; c++)
        s->transient |= cs_model_class_initial(&m->classes[c]) > 0 &&
                        st->warmup == 0;
    s->transient |= cs_model_changes_once(m) && st->warmup == 0;
    if (load != NULL) {
        cs_model_offered_load(m, load);
        for (int t = 0; t < m->nteams; t++)
            if (load[t] >= 1.0 && !cs_model_team_patient(m, t))
                oom |= add_warning(s, (cs_warning){CS_WARN_LOAD, t, load[t],
                                                   NAN, NAN, -1});
    }
    free(load);
    for (int t = 0; t < m->nteams; t++) {
        const cs_ci *b = &s->teams[t].wip_breaks;
        if (b->n > 0 && b->mean > 0)
            oom |= add_warning(s, (cs_warning){CS_WARN_BREAKS, t, b->mean,
                                               NAN, NAN, -1});
    }
    if (s->transient || st->n == 0)
        return oom ? -1 : 0;
    if (isfinite(st->warmup_mser)) {
        const double late = late_mser(st, y, tmp);
        if (isfinite(late)) {
            s->settled = 0;
            oom |= add_warning(s, (cs_warning){CS_WARN_AUTO, -1, late, NAN,
                                               NAN, -1});
        }
    }
    /* A repeating schedule or profile makes the WIP swing with the
    ** season, which MSER cannot tell from a trend: no SETTLE check then
    ** (DRIFT compares thirds of the window, which hold the same seasons
    ** when the window is a multiple of three periods). */
    if (cs_model_period(m) > 0)
        s->settle_day = NAN;
    else
        s->settle_day = window_mser(st, y, tmp);
    if (s->settle_day - st->warmup > (m->horizon - st->warmup) / 2) {
        s->settled = 0;
        oom |= add_warning(s, (cs_warning){CS_WARN_SETTLE, -1,
                                           s->settle_day, NAN, NAN, -1});
    }
    s->third_first = third_mean(st, 0);
    s->third_last = third_mean(st, 1);
    for (size_t i = 0; i < st->n; i++)
        tmp[i] = st->lt_third[2 * i + 1] - st->lt_third[2 * i];
    s->drift = cs_stats_ci_mean(tmp, st->n, CS_SUMMARY_DRIFT_LEVEL);
    if (s->drift.valid && (s->drift.lo > 0 || s->drift.hi < 0)) {
        s->settled = 0;
        oom |= add_warning(s, (cs_warning){CS_WARN_DRIFT, -1, s->drift.mean,
                                           s->drift.lo, s->drift.hi, -1});
    }
    return oom ? -1 : 0;
}

/* A done_by promise that its replications cannot show met, even if
** every one keeps it: the Wilson lower bound of n of n is below target. */
static int warn_replications(cs_summary *s)
{
    const cs_model *const m = s->model;
    int oom = 0;

    for (int p = 0; p < m->npromises; p++) {
        const size_t n = s->promises[p].achieved.n;
        const double all = cs_stats_wilson_all(n, 0.95);
        const double target = m->promises[p].target;
        cs_warning w = {CS_WARN_REPLICATIONS, -1, 0, all, (double)n, p};
        if (m->promises[p].kind != CS_PROMISE_DONE_BY || n == 0 ||
            !(all < target))
            continue;
        w.value = (double)cs_stats_wilson_min_n(target, 0.95);
        oom |= add_warning(s, w);
    }
    return oom ? -1 : 0;
}

static const char *team_name(const cs_summary *s, int t)
{
    return t >= 0 && t < s->model->nteams ? s->model->teams[t].name : "?";
}

/* "promise 'P': 20 replications cannot show it met: even 20 of 20 give
** a 95% Wilson lower bound of 0.839, below its target 0.85; it needs at
** least 22 replications (-n 22)" */
static int warning_replications(const cs_summary *s, const cs_warning *w,
                                char *buf, size_t len)
{
    const cs_model *const m = s->model;
    const int ok = w->promise >= 0 && w->promise < m->npromises;
    const char *name = ok ? m->promises[w->promise].name : "?";
    const double target = ok ? m->promises[w->promise].target : NAN;

    if (w->value > 0)
        return snprintf(buf, len, "promise '%s': %.0f replications cannot "
                        "show it met: even %.0f of %.0f give a 95%% Wilson "
                        "lower bound of %.3f, below its target %.4g; it "
                        "needs at least %.0f replications (-n %.0f)", name,
                        w->hi, w->hi, w->hi, w->lo, target, w->value,
                        w->value);
    return snprintf(buf, len, "promise '%s': no number of replications can "
                    "show it met: the 95%% Wilson lower bound of n of n, "
                    "n / (n + 3.84), stays below its target %.4g", name,
                    target);
}

int cs_summary_warning_text(const cs_summary *s, const cs_warning *w,
                            char *buf, size_t len)
{
    const cs_model *const m = s->model;

    switch (w->kind) {
    case CS_WARN_LOAD: {
        const cs_team *t = &m->teams[w->team];
        const int capped = cs_model_effective_capacity(t) < t->capacity;
        return snprintf(buf, len, "team '%s' is offered %s%.0f%% of its "
                        "capacity%s; its queue grows without bound",
                        t->name,
                        w->value < CS_MODEL_LOAD_SHOWN_MAX ? "" : "more than ",
                        100 * (w->value < CS_MODEL_LOAD_SHOWN_MAX
                                   ? w->value : CS_MODEL_LOAD_SHOWN_MAX),
                        capped ? " (its WIP limit leaves fewer workers "
                                 "busy than it has)" : "");
    }
    case CS_WARN_BREAKS:
        return snprintf(buf, len, "deadlocks broken at team '%s': %.3g "
                        "items per replication admitted above its WIP "
                        "limit", team_name(s, w->team), w->value);
    case CS_WARN_AUTO:
        return snprintf(buf, len, "not settled: the WIP is still changing "
                        "at day %.0f, past half the horizon, and warm-up "
                        "auto cuts at most half (here day %.0f); a longer "
                        "horizon gives steady-state figures",
                        w->value, s->warmup);
    case CS_WARN_SETTLE:
        return snprintf(buf, len, "not settled: the WIP is still changing "
                        "at day %.0f, past the middle of the window "
                        "(days %.0f-%.0f); a longer horizon or warm-up "
                        "gives steady-state figures",
                        w->value, s->warmup, s->horizon);
    case CS_WARN_DRIFT:
        return snprintf(buf, len, "not settled: the mean lead time of the "
                        "items done in the last third of the window, "
                        "%.3g d, differs from the first third's, %.3g d "
                        "(difference %+.3g d, %.3g%% interval "
                        "[%+.3g, %+.3g]); the chain is still changing",
                        s->third_last, s->third_first, w->value,
                        100 * CS_SUMMARY_DRIFT_LEVEL, w->lo, w->hi);
    case CS_WARN_REPLICATIONS:
        return warning_replications(s, w, buf, len);
    }
    return snprintf(buf, len, "?");
}

cs_summary *cs_summary_build(const cs_runner_store *st)
{
    const size_t w = (size_t)st->model->nteams * CS_BRK_N + 1;
    cs_summary *s = calloc(1, sizeof *s);
    double *tmp = malloc((st->n + 1) * sizeof *tmp);
    double *brk = malloc(2 * w * sizeof *brk);

    if (s == NULL || tmp == NULL || brk == NULL)
        goto fail;
    s->model = st->model;
    s->replications = (unsigned)st->n;
    s->warmup = st->warmup;
    s->horizon = st->model->horizon;
    if (summary_alloc(s, st) != 0)
        goto fail;
    summary_chain(s, st);
    summary_classes(s, st, tmp);
    s->has_fd = cs_model_has_escapes(st->model);
    if (s->has_fd)
        s->failure_demand_share =
            share(cs_stats_ci_mean(st->fd, st->n, 0.95));
    summary_teams(s, st, tmp);
    summary_promises(s, st);
    if (summary_breakdown(s, st, brk, brk + w) != 0 ||
        summary_contexts(s, st, tmp) != 0)
        goto fail;
    s->cost_per_day = cs_model_cost_per_day(st->model);
    if (summary_settle(s, st, tmp) != 0 || warn_replications(s) != 0 ||
        summary_completion(s, st, tmp) != 0 ||
        summary_timeline(s, st, tmp) != 0 || summary_reps(s, st) != 0)
        goto fail;
    free(tmp);
    free(brk);
    return s;
fail:
    free(tmp);
    free(brk);
    cs_summary_free(s);
    return NULL;
}

cs_status cs_summary_run(const cs_model *m, const cs_runner_opts *opts,
                         cs_summary **out, cs_error *err)
{
    cs_runner_store *st = NULL;
    cs_status status = cs_runner_run(m, opts, &st, err);

    *out = NULL;
    if (status != CS_OK)
        return status;
    *out = cs_summary_build(st);
    if (*out == NULL) {
        cs_runner_store_free(st);
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    (*out)->partial = st->n < st->total;
    cs_runner_store_free(st);
    return CS_OK;
}

/* ---- comparison ----------------------------------------------------- */

void cs_summary_comparison_free(cs_comparison *c)
{
    if (c == NULL)
        return;
    free(c->promise);
    free(c->promise_changed);
    free(c->classes);
    free(c);
}

/*
** The replications both completed, by number: ib[k] and iv[k] are the
** positions of the k-th common one in base and v.  Returns their count.
*/
static size_t common_reps(const cs_summary *base, const cs_summary *v,
                          size_t *ib, size_t *iv)
{
    size_t i = 0, j = 0, n = 0;

    while (i < base->replications && j < v->replications) {
        if (base->rep_number[i] < v->rep_number[j]) {
            i++;
        } else if (base->rep_number[i] > v->rep_number[j]) {
            j++;
        } else {
            ib[n] = i++;
            iv[n] = j++;
            n++;
        }
    }
    return n;
}

/* Work space for one comparison: positions and gathered values. */
typedef struct pairing {
    size_t n;
    size_t *ib, *iv;
    double *xb, *xv;
    double level;
} pairing;

static cs_ci paired(pairing *pr, const double *vals_v, const double *vals_b)
{
    for (size_t k = 0; k < pr->n; k++) {
        pr->xv[k] = vals_v[pr->iv[k]];
        pr->xb[k] = vals_b[pr->ib[k]];
    }
    return cs_stats_ci_paired(pr->xv, pr->xb, pr->n, pr->level);
}

static void undefined(cs_ci *c)
{
    memset(c, 0, sizeof *c);
    c->mean = c->lo = c->hi = c->sd = NAN;
}

/* Like with like: a promise is compared only with the baseline's of the
** same name and definition. */
static void compare_promises(cs_comparison *c, pairing *pr,
                             const cs_summary *base, const cs_summary *v)
{
    for (int p = 0; p < c->npromises; p++) {
        int q = -1;
        for (int j = 0; j < base->model->npromises; j++)
            if (strcmp(base->model->promises[j].name,
                       v->model->promises[p].name) == 0)
                q = j;
        if (q >= 0 && !cs_model_promise_same(base->model, q, v->model, p)) {
            c->promise_changed[p] = 1;
            q = -1;
        }
        if (q < 0) {
            undefined(&c->promise[p]);
            continue;
        }
        c->promise[p] = paired(pr, v->rep_promise[p], base->rep_promise[q]);
    }
}

/* The paired difference of class cv of v and cb of base, over the common
** replications where both have a mean lead time. */
static cs_ci paired_class(pairing *pr, const cs_summary *base, int cb,
                          const cs_summary *v, int cv)
{
    const size_t nb = (size_t)base->model->nclasses;
    const size_t nv = (size_t)v->model->nclasses;
    size_t n = 0;

    for (size_t k = 0; k < pr->n; k++) {
        const double x = v->rep_cls_mean[pr->iv[k] * nv + (size_t)cv];
        const double y = base->rep_cls_mean[pr->ib[k] * nb + (size_t)cb];
        if (isfinite(x) && isfinite(y)) {
            pr->xv[n] = x;
            pr->xb[n] = y;
            n++;
        }
    }
    return cs_stats_ci_paired(pr->xv, pr->xb, n, pr->level);
}

static void compare_classes(cs_comparison *c, pairing *pr,
                            const cs_summary *base, const cs_summary *v)
{
    for (int k = 0; k < c->nclasses; k++) {
        const int b = cs_model_class_index(base->model,
                                           v->model->classes[k].name);
        if (b < 0)
            undefined(&c->classes[k]);
        else
            c->classes[k] = paired_class(pr, base, b, v, k);
    }
}

cs_comparison *cs_summary_compare(const cs_summary *base, const cs_summary *v,
                                  double level)
{
    const size_t most = (base->replications < v->replications
                             ? base->replications
                             : v->replications) + 1u;
    cs_comparison *c = calloc(1, sizeof *c);
    pairing pr = {0, malloc(most * sizeof(size_t)),
                  malloc(most * sizeof(size_t)), malloc(most * sizeof(double)),
                  malloc(most * sizeof(double)), level};

    if (c == NULL || !pr.ib || !pr.iv || !pr.xb || !pr.xv)
        goto fail;
    c->level = level;
    c->npromises = v->model->npromises;
    c->nclasses = v->model->nclasses;
    c->promise = calloc((size_t)c->npromises + 1, sizeof *c->promise);
    c->promise_changed = calloc((size_t)c->npromises + 1, sizeof(int));
    c->classes = calloc((size_t)c->nclasses + 1, sizeof *c->classes);
    if (c->promise == NULL || c->promise_changed == NULL ||
        c->classes == NULL)
        goto fail;
    pr.n = common_reps(base, v, pr.ib, pr.iv);
    c->lead_time_mean = paired(&pr, v->rep_lt_mean, base->rep_lt_mean);
    c->lead_time_p85 = paired(&pr, v->rep_lt_p85, base->rep_lt_p85);
    c->throughput = paired(&pr, v->rep_throughput, base->rep_throughput);
    c->wip = paired(&pr, v->rep_wip, base->rep_wip);
    c->delay_cost = paired(&pr, v->rep_delay_cost, base->rep_delay_cost);
    c->abandoned = paired(&pr, v->rep_abandoned, base->rep_abandoned);
    c->wasted = paired(&pr, v->rep_wasted, base->rep_wasted);
    compare_promises(c, &pr, base, v);
    compare_classes(c, &pr, base, v);
    goto out;
fail:
    cs_summary_comparison_free(c);
    c = NULL;
out:
    free(pr.ib);
    free(pr.iv);
    free(pr.xb);
    free(pr.xv);
    return c;
}
