/*
** runner.c - replications on threads, stored in replication order.
**
** Each worker thread owns one engine and one cs_rep.  Replications are
** handed out by a shared counter; a worker copies what it measured into
** the replication's own row of the store and adds its histograms into
** thread-local ones (integer counts, so the order of addition does not
** matter).  Nothing is summed here: summary.c forms sums of doubles in
** replication order, so results are bit-identical for any number of
** threads.  After an interrupt the rows of the completed replications are
** moved to the front, in order, each keeping its replication number.
*/
#include "chainsim/runner.h"

#include <assert.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chainsim/engine.h"

/* ---- the store ------------------------------------------------------ */

/*
** The lead times of the items done in one period of the timeline, pooled
** over the replications: a plain array while they are few, a histogram
** (cs_hist_bytes(), about 215 KB) once the array would be larger.  A
** percentile is always the histogram's, made from the array when needed,
** so it depends only on the values, not on how they are kept.  A timeline
** of many short periods so costs about 8 bytes per item done, not a
** histogram per period.
*/
struct cs_runner_lts {
    double *v;          /* [n], room for cap; NULL once h is used */
    size_t n, cap;
    cs_hist *h;         /* NULL while the array holds them */
};

/* Values an array holds before it becomes a histogram. */
static size_t lts_most(void)
{
    return cs_hist_bytes() / sizeof(double);
}

static void lts_fini(cs_runner_lts *b)
{
    free(b->v);
    cs_hist_free(b->h);
    memset(b, 0, sizeof *b);
}

/* Room for more values (a histogram when the array would pass
** lts_most()); 0, or -1 when out of memory (b unchanged but for its
** room). */
static int lts_reserve(cs_runner_lts *b, size_t more)
{
    if (b->h != NULL || b->n + more <= b->cap)
        return 0;
    if (b->n + more > lts_most()) {
        cs_hist *h = cs_hist_new();
        if (h == NULL)
            return -1;
        for (size_t i = 0; i < b->n; i++)
            cs_hist_add(h, b->v[i]);
        free(b->v);
        b->v = NULL;
        b->n = b->cap = 0;
        b->h = h;
        return 0;
    }
    {
        size_t cap = b->cap > 0 ? 2 * b->cap : 16;
        double *v;
        while (cap < b->n + more)
            cap *= 2;
        if ((v = realloc(b->v, cap * sizeof *v)) == NULL)
            return -1;
        b->v = v;
        b->cap = cap;
    }
    return 0;
}

/* Adds x (reserved before).  NaN is left out, as the histogram does. */
static void lts_put(cs_runner_lts *b, double x)
{
    if (isnan(x))
        return;
    if (b->h != NULL)
        cs_hist_add(b->h, x);
    else
        b->v[b->n++] = x;
}

uint64_t cs_runner_period_count(const cs_runner_store *s, int k)
{
    const cs_runner_lts *b = &s->per_lt[k];

    return b->h != NULL ? cs_hist_count(b->h) : (uint64_t)b->n;
}

double cs_runner_period_quantile(const cs_runner_store *s, int k, double q,
                                 cs_hist *scratch)
{
    const cs_runner_lts *b = &s->per_lt[k];

    if (b->h != NULL)
        return cs_hist_quantile(b->h, q);
    cs_hist_reset(scratch);
    for (size_t i = 0; i < b->n; i++)
        cs_hist_add(scratch, b->v[i]);
    return cs_hist_quantile(scratch, q);
}

size_t cs_runner_brk_width(const cs_model *m)
{
    size_t w = 0;

    for (int c = 0; c < m->nclasses; c++)
        w += (size_t)cs_model_brk_slots(&m->classes[c]) * CS_BRK_N;
    return w;
}

/* One table of a store: *p holds [rows][width] values of elem bytes. */
typedef struct column {
    void **p;
    size_t elem, width;
} column;

#define STORE_COLUMNS 32

int cs_runner_nperiods(const cs_model *m)
{
    double np;

    if (!(m->timeline > 0))
        return 0;
    np = ceil(m->horizon / m->timeline);
    return np < 1 ? 1 : np > INT_MAX ? INT_MAX : (int)np;
}

/* The store's tables; returns their number (STORE_COLUMNS).  The
** completion and timeline tables have no columns when the model does
** not ask for them. */
static size_t store_columns(cs_runner_store *s, column *c)
{
    const size_t nc = (size_t)s->model->nclasses;
    const size_t nt = (size_t)s->model->nteams;
    const size_t np = (size_t)s->model->npromises;
    const size_t board = cs_model_has_initial(s->model) ? 1 : 0;
    const size_t per = (size_t)s->nperiods;
    const size_t pat = cs_model_has_patience(s->model) ? 1 : 0;
    const size_t fd = cs_model_has_escapes(s->model) ? 1 : 0;
    const size_t nctx = (size_t)s->nctx;
    size_t k = 0;

#define COL(field, w) \
    (c[k++] = (column){(void **)&s->field, sizeof *s->field, (w)})
    COL(rep, 1);
    COL(lt_mean, 1);
    COL(lt_p85, 1);
    COL(thru, 1);
    COL(wip, 1);
    COL(delay_cost, 1);
    COL(lt_sum, 1);
    COL(work_sum, 1);
    COL(cls_mean, nc);
    COL(cls_thru, nc);
    COL(cls_n, nc);
    COL(brk, s->brk_width);
    COL(team, nt * CS_RUNNER_TEAM_NFIELDS);
    COL(prom, np);
    COL(rep_q, s->per_rep ? (nc + 1) * 3 : 0);
    COL(lt_n, 1);
    COL(visits, 1);
    COL(events, 1);
    COL(arrived, 1);
    COL(done, 1);
    COL(batch_wip, CS_REP_BATCHES);
    COL(lt_third, 2);
    COL(completion, board);
    COL(cls_completion, board * nc);
    COL(per, per * CS_RUNNER_PERIOD_NFIELDS);
    COL(per_team, per * nt * CS_RUNNER_PTEAM_NFIELDS);
    COL(aband, pat);
    COL(cls_aband, pat * nc);
    COL(wasted, pat);
    COL(fd, fd);
    COL(ctx_mean, nctx);
    COL(ctx_n, nctx);
#undef COL
    assert(k <= STORE_COLUMNS);
    return k;
}

void cs_runner_store_free(cs_runner_store *s)
{
    column c[STORE_COLUMNS];

    if (s == NULL)
        return;
    if (s->model != NULL) {
        const size_t k = store_columns(s, c);
        for (size_t i = 0; i < k; i++)
            free(*c[i].p);
    }
    if (s->cls_hist != NULL)
        for (int i = 0; i < s->model->nclasses + s->nctx; i++)
            cs_hist_free(s->cls_hist[i]);
    if (s->per_lt != NULL)
        for (int i = 0; i < s->nperiods; i++)
            lts_fini(&s->per_lt[i]);
    free(s->per_lt);
    free(s->cls_hist);
    cs_hist_free(s->hist);
    free(s);
}

static int store_hists(cs_runner_store *s, int nclasses)
{
    nclasses += s->nctx;   /* the contexts' after the classes' */
    s->hist = cs_hist_new();
    s->cls_hist = calloc((size_t)nclasses + 1, sizeof *s->cls_hist);
    s->per_lt = calloc((size_t)s->nperiods + 1, sizeof *s->per_lt);
    if (s->hist == NULL || s->cls_hist == NULL || s->per_lt == NULL)
        return -1;
    for (int c = 0; c < nclasses; c++)
        if ((s->cls_hist[c] = cs_hist_new()) == NULL)
            return -1;
    return 0;
}

/* Rows for n replications (per_rep: with each one's percentiles); NULL
** if out of memory. */
static cs_runner_store *store_new(const cs_model *m, size_t n, int per_rep)
{
    cs_runner_store *s = calloc(1, sizeof *s);
    column c[STORE_COLUMNS];
    size_t k;

    if (s == NULL)
        return NULL;
    s->model = m;
    s->per_rep = per_rep;
    s->total = (unsigned)n;
    s->warmup_mser = NAN;
    s->brk_width = cs_runner_brk_width(m);
    for (int q = 0; q < m->nclasses; q++)
        s->nctx += m->classes[q].ncontexts;
    s->nperiods = cs_runner_nperiods(m);
    s->period = s->nperiods > 0 ? m->timeline : 0.0;
    k = store_columns(s, c);
    for (size_t i = 0; i < k; i++)
        if ((*c[i].p = calloc(n * c[i].width + 1, c[i].elem)) == NULL) {
            cs_runner_store_free(s);
            return NULL;
        }
    if (store_hists(s, m->nclasses) != 0) {
        cs_runner_store_free(s);
        return NULL;
    }
    return s;
}

cs_runner_store *cs_runner_store_new(const cs_model *m, size_t n)
{
    cs_runner_store *s = store_new(m, n, 0);

    if (s != NULL)
        s->warmup = m->warmup;
    return s;
}

int cs_runner_store_append(cs_runner_store *dst, const cs_runner_store *src)
{
    column cd[STORE_COLUMNS], cs[STORE_COLUMNS];
    const size_t k = store_columns(dst, cd);
    const size_t n = dst->n + src->n;
    cs_runner_store from = *src;   /* its columns, read only */

    assert(dst->per_rep == src->per_rep);
    store_columns(&from, cs);
    /* room first: past it nothing fails */
    for (int q = 0; q < dst->nperiods; q++) {
        const cs_runner_lts *b = &src->per_lt[q];
        if (lts_reserve(&dst->per_lt[q],
                        b->h != NULL ? lts_most() + 1 : b->n) != 0)
            return -1;
    }
    for (size_t i = 0; i < k; i++) {
        const size_t row = cd[i].elem * cd[i].width;
        char *p = realloc(*cd[i].p, n * row + cd[i].elem);
        if (p == NULL)
            return -1;
        *cd[i].p = p;
        if (src->n > 0 && row > 0)
            memcpy(p + dst->n * row, *cs[i].p, src->n * row);
    }
    cs_hist_merge(dst->hist, src->hist);
    for (int c = 0; c < dst->model->nclasses + dst->nctx; c++)
        cs_hist_merge(dst->cls_hist[c], src->cls_hist[c]);
    for (int q = 0; q < dst->nperiods; q++) {
        const cs_runner_lts *b = &src->per_lt[q];
        if (b->h != NULL)
            cs_hist_merge(dst->per_lt[q].h, b->h);
        for (size_t i = 0; i < b->n; i++)
            lts_put(&dst->per_lt[q], b->v[i]);
    }
    dst->n = n;
    dst->total += src->total;
    return 0;
}

static double ratio(double num, double den)
{
    return den > 0 ? num / den : NAN;
}

/* The timeline of replication i into its row; periods the engine did not
** measure (none, when it has no timeline) stay undefined. */
static void store_put_periods(cs_runner_store *s, size_t i, const cs_rep *r)
{
    const size_t np = (size_t)s->nperiods, nt = (size_t)s->model->nteams;
    const size_t have = r->nperiods < s->nperiods ? (size_t)r->nperiods : np;
    double *f = &s->per[i * np * CS_RUNNER_PERIOD_NFIELDS];
    double *g = &s->per_team[i * np * nt * CS_RUNNER_PTEAM_NFIELDS];

    assert(r->nperiods == s->nperiods);
    for (size_t k = 0; k < np; k++, f += CS_RUNNER_PERIOD_NFIELDS) {
        const cs_period_rep *q = k < have ? &r->periods[k] : NULL;
        f[CS_RUNNER_PERIOD_ARRIVED] = q ? (double)q->arrived : NAN;
        f[CS_RUNNER_PERIOD_DONE] = q ? (double)q->done : NAN;
        f[CS_RUNNER_PERIOD_WIP] = q ? q->wip : NAN;
        f[CS_RUNNER_PERIOD_LT_MEAN] = q ? ratio(q->lt_sum, (double)q->done)
                                        : NAN;
        for (size_t t = 0; t < nt; t++, g += CS_RUNNER_PTEAM_NFIELDS) {
            const cs_period_team *pt = q ? &r->period_teams[k * nt + t] : NULL;
            g[CS_RUNNER_PTEAM_UTIL] = pt ? pt->utilization : NAN;
            g[CS_RUNNER_PTEAM_WIP] = pt ? pt->wip : NAN;
            g[CS_RUNNER_PTEAM_CAPACITY] = pt ? pt->capacity : NAN;
        }
    }
}

/* Adds r's lead times by period to the store's (the caller holds the
** pool's lock: they are shared by the workers); 0, or -1 when out of
** memory. */
static int store_add_periods(cs_runner_store *s, const cs_rep *r)
{
    for (size_t j = 0; j < r->nperiod_lt; j++) {
        const cs_period_lt *x = &r->period_lt[j];
        if (x->period < 0 || x->period >= s->nperiods)
            continue;
        if (lts_reserve(&s->per_lt[x->period], 1) != 0)
            return -1;
        lts_put(&s->per_lt[x->period], x->lead_time);
    }
    return 0;
}

/* The percentiles of replication i's lead times (per_rep). */
static void store_put_quantiles(cs_runner_store *s, size_t i, const cs_rep *r)
{
    static const double q[3] = {0.50, 0.85, 0.95};
    const size_t nc = (size_t)s->model->nclasses;
    double *o = &s->rep_q[i * (nc + 1) * 3];

    cs_hist_quantiles(r->hist, q, 3, o);
    for (size_t c = 0; c < nc; c++)
        cs_hist_quantiles(r->classes[c].hist, q, 3, o + (c + 1) * 3);
}

/* Copies what replication i measured into its row. */
static void store_put(cs_runner_store *s, size_t i, const cs_rep *r)
{
    const double window = r->horizon - r->warmup;
    const size_t nc = (size_t)s->model->nclasses;
    const size_t nt = (size_t)s->model->nteams;
    const size_t np = (size_t)s->model->npromises;

    s->lt_n[i] = r->lt_n;
    s->lt_sum[i] = r->lt_sum;
    s->work_sum[i] = r->work_sum;
    s->lt_mean[i] = ratio(r->lt_sum, (double)r->lt_n);
    s->lt_p85[i] = r->lt_n > 0 ? cs_hist_quantile(r->hist, 0.85) : NAN;
    if (s->per_rep)
        store_put_quantiles(s, i, r);
    s->thru[i] = ratio((double)r->done_window, window);
    s->wip[i] = r->wip_mean;
    s->delay_cost[i] = r->delay_cost_mean;
    s->visits[i] = r->visits;
    s->events[i] = r->events;
    s->arrived[i] = r->arrived;
    s->done[i] = r->done;
    double *b = &s->brk[i * s->brk_width];
    for (size_t c = 0; c < nc; c++) {
        const cs_class_rep *k = &r->classes[c];
        const size_t w = (size_t)k->nsteps * CS_BRK_N;
        s->cls_mean[i * nc + c] = ratio(k->lt_sum, (double)k->n);
        s->cls_thru[i * nc + c] = ratio((double)k->done_window, window);
        s->cls_n[i * nc + c] = k->n;
        memcpy(b, k->brk, w * sizeof *b);
        b += w;
    }
    for (size_t t = 0; t < nt; t++) {
        const cs_team_rep *k = &r->teams[t];
        double *f = &s->team[(i * nt + t) * CS_RUNNER_TEAM_NFIELDS];
        f[CS_RUNNER_TEAM_UTIL] = k->utilization;
        f[CS_RUNNER_TEAM_QLEN] = k->queue_len_mean;
        f[CS_RUNNER_TEAM_WAIT] = ratio(k->wait_sum, (double)k->wait_n);
        f[CS_RUNNER_TEAM_BLOCKED] = k->blocked_fraction;
        f[CS_RUNNER_TEAM_WIP] = k->wip_mean;
        f[CS_RUNNER_TEAM_BREAKS] = (double)k->wip_breaks;
        f[CS_RUNNER_TEAM_ADMISSION] =
            ratio(k->admission_sum, (double)k->admission_n);
        f[CS_RUNNER_TEAM_CAPACITY] = k->capacity_mean;
        f[CS_RUNNER_TEAM_INTERRUPTS] =
            ratio((double)k->interrupts, (double)k->wait_n);
        f[CS_RUNNER_TEAM_INTERRUPTED] =
            ratio(k->interrupted_sum, (double)k->interrupted_n);
        f[CS_RUNNER_TEAM_FD] = k->failure_demand_share;
        f[CS_RUNNER_TEAM_RESERVED] = k->reserved_fraction;
    }
    if (s->fd != NULL && cs_model_has_escapes(s->model))
        s->fd[i] = r->failure_demand_share;
    for (size_t c = 0, q = 0; s->nctx > 0 && c < nc; c++) {
        const cs_class_rep *k = &r->classes[c];
        for (int x = 0; x < k->ncontexts; x++, q++) {
            const size_t at = i * (size_t)s->nctx + q;
            s->ctx_n[at] = k->ctx_n[x];
            s->ctx_mean[at] = ratio(k->ctx_sum[x], (double)k->ctx_n[x]);
        }
    }
    for (size_t p = 0; p < np; p++)
        s->prom[i * np + p] = r->promises[p].achieved;
    memcpy(&s->batch_wip[i * CS_REP_BATCHES], r->batch_wip,
           sizeof r->batch_wip);
    s->lt_third[2 * i] = ratio(r->third_sum[0], (double)r->third_n[0]);
    s->lt_third[2 * i + 1] = ratio(r->third_sum[2], (double)r->third_n[2]);
    if (cs_model_has_initial(s->model)) {
        s->completion[i] = r->completion;
        for (size_t c = 0; c < nc; c++)
            s->cls_completion[i * nc + c] = r->classes[c].completion;
    }
    store_put_periods(s, i, r);
    if (cs_model_has_patience(s->model)) {
        uint64_t arrived = 0;
        for (size_t c = 0; c < nc; c++) {
            const cs_class_rep *k = &r->classes[c];
            arrived += k->arrived_window;
            s->cls_aband[i * nc + c] =
                ratio((double)k->abandoned, (double)k->arrived_window);
        }
        s->aband[i] = ratio((double)r->abandoned_window, (double)arrived);
        s->wasted[i] = ratio(r->wasted, window);
    }
}

/* Moves the rows of a [n][width] table whose ok flag is set to the front,
** in order. */
static void compact_rows(void *table, size_t elem, size_t width,
                         const unsigned char *ok, size_t n)
{
    char *const t = table;
    const size_t row = elem * width;
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        if (ok[i]) {
            if (k != i && row > 0)
                memmove(t + k * row, t + i * row, row);
            k++;
        }
}

/*
** Keeps the rows of the completed replications (ok) in replication order
** at the front of every table, each with its number in rep[], and sets n.
*/
static void store_compact(cs_runner_store *s, const unsigned char *ok,
                          unsigned first)
{
    const size_t n = s->total;
    column c[STORE_COLUMNS];
    const size_t nc = store_columns(s, c);
    size_t k = 0;

    for (size_t a = 1; a < nc; a++)
        compact_rows(*c[a].p, c[a].elem, c[a].width, ok, n);
    for (size_t i = 0; i < n; i++)
        if (ok[i])
            s->rep[k++] = first + (unsigned)i;
    s->n = k;
}

/* Histograms of one thread: all lead times and per class. */
typedef struct hist_set {
    cs_hist *all;
    cs_hist **cls;
    int n;
} hist_set;

static void hist_set_free(hist_set *h)
{
    if (h->cls != NULL)
        for (int c = 0; c < h->n; c++)
            cs_hist_free(h->cls[c]);
    free(h->cls);
    cs_hist_free(h->all);
    memset(h, 0, sizeof *h);
}

static int hist_set_init(hist_set *h, int nclasses)
{
    memset(h, 0, sizeof *h);
    h->n = nclasses;
    h->all = cs_hist_new();
    h->cls = calloc((size_t)nclasses + 1, sizeof *h->cls);
    if (h->all == NULL || h->cls == NULL)
        goto fail;
    for (int c = 0; c < nclasses; c++)
        if ((h->cls[c] = cs_hist_new()) == NULL)
            goto fail;
    return 0;
fail:
    hist_set_free(h);
    return -1;
}

/* Histogram i of r: class i's lead times, then (i >= nclasses) those of
** every class's contexts in order, as the store's cls_hist. */
static const cs_hist *rep_hist(const cs_rep *r, int i)
{
    if (i < r->nclasses)
        return r->classes[i].hist;
    i -= r->nclasses;
    for (int c = 0; c < r->nclasses; c++) {
        if (i < r->classes[c].ncontexts)
            return r->classes[c].ctx_hist[i];
        i -= r->classes[c].ncontexts;
    }
    return NULL;
}

static void hist_set_add_rep(hist_set *h, const cs_rep *r)
{
    cs_hist_merge(h->all, r->hist);
    for (int c = 0; c < h->n; c++)
        cs_hist_merge(h->cls[c], rep_hist(r, c));
}

static void store_add_hists(cs_runner_store *s, const hist_set *src)
{
    cs_hist_merge(s->hist, src->all);
    for (int c = 0; c < src->n; c++)
        cs_hist_merge(s->cls_hist[c], src->cls[c]);
}

int cs_runner_store_add(cs_runner_store *s, unsigned rep, const cs_rep *r)
{
    const size_t i = s->n;

    assert(i < s->total && (i == 0 || s->rep[i - 1] < rep));
    if (store_add_periods(s, r) != 0)
        return -1;
    store_put(s, i, r);
    s->rep[i] = rep;
    cs_hist_merge(s->hist, r->hist);
    for (int c = 0; c < s->model->nclasses + s->nctx; c++)
        cs_hist_merge(s->cls_hist[c], rep_hist(r, c));
    s->n = i + 1;
    return 0;
}

/* ---- a store as bytes (part files) ---------------------------------- */

#define PACK_MAGIC 0x31525453u   /* "STR1" */

static void pack_hist(const cs_hist *h, cs_bytes *b)
{
    size_t lo, hi;

    cs_hist_used(h, &lo, &hi);
    cs_bytes_put_u32(b, (uint32_t)lo);
    cs_bytes_put_u32(b, (uint32_t)hi);
    for (size_t k = lo; k < hi;) {
        uint64_t count;
        double bmin, bmax;
        cs_hist_get(h, k, &count, &bmin, &bmax);
        cs_bytes_put_u64(b, count);
        if (count > 0) {
            cs_bytes_put_f64(b, bmin);
            cs_bytes_put_f64(b, bmax);
            k++;
            continue;
        }
        /* a run of empty buckets: its length */
        {
            size_t run = 1;
            for (;;) {
                cs_hist_get(h, k + run, &count, &bmin, &bmax);
                if (count > 0)
                    break;
                run++;
            }
            cs_bytes_put_u32(b, (uint32_t)run);
            k += run;
        }
    }
}

void cs_runner_store_pack(const cs_runner_store *s, cs_bytes *b)
{
    cs_runner_store view = *s;   /* store_columns takes the addresses */
    column c[STORE_COLUMNS];
    const size_t k = store_columns(&view, c);
    const int nh = s->model->nclasses + s->nctx;

    cs_bytes_put_u32(b, PACK_MAGIC);
    cs_bytes_put_u32(b, s->total);
    cs_bytes_put_u64(b, (uint64_t)s->n);
    cs_bytes_put_u8(b, s->per_rep ? 1u : 0u);
    cs_bytes_put_f64(b, s->warmup);
    cs_bytes_put_f64(b, s->warmup_mser);
    cs_bytes_put_u32(b, (uint32_t)k);
    for (size_t i = 0; i < k; i++) {
        const unsigned char *p = *c[i].p;
        const size_t count = s->n * c[i].width;
        cs_bytes_put_u32(b, (uint32_t)c[i].elem);
        cs_bytes_put_u64(b, (uint64_t)c[i].width);
        for (size_t j = 0; j < count; j++) {
            if (c[i].elem == sizeof(uint32_t)) {
                uint32_t v;
                memcpy(&v, p + j * sizeof v, sizeof v);
                cs_bytes_put_u32(b, v);
            } else {
                uint64_t v;
                memcpy(&v, p + j * sizeof v, sizeof v);
                cs_bytes_put_u64(b, v);
            }
        }
    }
    cs_bytes_put_u32(b, (uint32_t)nh + 1u);
    pack_hist(s->hist, b);
    for (int i = 0; i < nh; i++)
        pack_hist(s->cls_hist[i], b);
    cs_bytes_put_u32(b, (uint32_t)s->nperiods);
    for (int q = 0; q < s->nperiods; q++) {
        const cs_runner_lts *l = &s->per_lt[q];
        cs_bytes_put_u8(b, l->h != NULL ? 1u : 0u);
        if (l->h != NULL) {
            pack_hist(l->h, b);
            continue;
        }
        cs_bytes_put_u64(b, (uint64_t)l->n);
        for (size_t i = 0; i < l->n; i++)
            cs_bytes_put_f64(b, l->v[i]);
    }
}

#define BAD(...) cs_error_set(err, CS_EINPUT, NULL, 0, 0, __VA_ARGS__)

static cs_status unpack_hist(cs_bytes_reader *r, cs_hist *h, cs_error *err)
{
    const uint32_t lo = cs_bytes_get_u32(r), hi = cs_bytes_get_u32(r);

    if (r->bad)
        return BAD("truncated");
    if (lo > hi || hi > cs_hist_nbuckets())
        return BAD("a histogram of buckets %lu to %lu, out of range",
                   (unsigned long)lo, (unsigned long)hi);
    for (uint32_t k = lo; k < hi; k++) {
        const uint64_t count = cs_bytes_get_u64(r);
        double bmin, bmax;
        if (count == 0) {   /* a run of empty buckets, not the last */
            const uint32_t run = cs_bytes_get_u32(r);
            if (r->bad)
                return BAD("truncated");
            if (run == 0 || run >= hi - k)
                return BAD("histogram buckets %lu on: a run of %lu empty "
                           "ones", (unsigned long)k, (unsigned long)run);
            k += run - 1;
            continue;
        }
        bmin = cs_bytes_get_f64(r);
        bmax = cs_bytes_get_f64(r);
        if (r->bad)
            return BAD("truncated");
        if (cs_hist_put(h, k, count, bmin, bmax) != 0)
            return BAD("histogram bucket %lu is not a valid bucket",
                       (unsigned long)k);
    }
    return r->bad ? BAD("truncated") : CS_OK;
}

/* The tables of s's rows from r; the header was read. */
static cs_status unpack_columns(cs_runner_store *s, cs_bytes_reader *r,
                                cs_error *err)
{
    column c[STORE_COLUMNS];
    const size_t k = store_columns(s, c);
    const uint32_t have = cs_bytes_get_u32(r);

    if (r->bad)
        return BAD("truncated");
    if (have != k)
        return BAD("a store of %lu tables where the model has %lu",
                   (unsigned long)have, (unsigned long)k);
    for (size_t i = 0; i < k; i++) {
        const uint32_t elem = cs_bytes_get_u32(r);
        const uint64_t width = cs_bytes_get_u64(r);
        unsigned char *p = *c[i].p;
        size_t count;
        if (r->bad)
            return BAD("truncated");
        if (elem != c[i].elem || width != c[i].width)
            return BAD("table %lu has %llu columns of %lu bytes where the "
                       "model has %lu of %lu", (unsigned long)i + 1,
                       (unsigned long long)width, (unsigned long)elem,
                       (unsigned long)c[i].width, (unsigned long)c[i].elem);
        count = s->n * c[i].width;
        if (count > 0 && cs_bytes_left(r) / count < elem)
            return BAD("truncated");
        for (size_t j = 0; j < count; j++) {
            if (elem == sizeof(uint32_t)) {
                const uint32_t v = cs_bytes_get_u32(r);
                memcpy(p + j * sizeof v, &v, sizeof v);
            } else {
                const uint64_t v = cs_bytes_get_u64(r);
                memcpy(p + j * sizeof v, &v, sizeof v);
            }
        }
    }
    for (size_t i = 1; i < s->n; i++)
        if (s->rep[i] <= s->rep[i - 1])
            return BAD("replication numbers not ascending");
    return CS_OK;
}

/* The timeline's lead times of s from r. */
static cs_status unpack_periods(cs_runner_store *s, cs_bytes_reader *r,
                                cs_error *err)
{
    const uint32_t np = cs_bytes_get_u32(r);
    cs_status st;

    if (r->bad)
        return BAD("truncated");
    if (np != (uint32_t)s->nperiods)
        return BAD("a timeline of %lu periods where the model has %d",
                   (unsigned long)np, s->nperiods);
    for (int q = 0; q < s->nperiods; q++) {
        cs_runner_lts *l = &s->per_lt[q];
        const unsigned kind = cs_bytes_get_u8(r);
        uint64_t n;
        if (kind == 1) {
            if ((l->h = cs_hist_new()) == NULL)
                return cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                                    "out of memory");
            if ((st = unpack_hist(r, l->h, err)) != CS_OK)
                return st;
            continue;
        }
        n = cs_bytes_get_u64(r);
        if (r->bad)
            return BAD("truncated");
        if (kind != 0 || n > lts_most())
            return BAD("period %d's lead times are not a list or a "
                       "histogram", q + 1);
        if (cs_bytes_left(r) / sizeof(double) < n)
            return BAD("truncated");
        if (lts_reserve(l, (size_t)n) != 0)
            return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
        for (uint64_t i = 0; i < n; i++) {
            const double x = cs_bytes_get_f64(r);
            if (isnan(x))
                return BAD("period %d has a lead time that is not a number",
                           q + 1);
            lts_put(l, x);
        }
    }
    return CS_OK;
}

cs_status cs_runner_store_unpack(const cs_model *m, cs_bytes_reader *r,
                                 cs_runner_store **out, cs_error *err)
{
    cs_runner_store *s;
    uint32_t total, nh;
    uint64_t n;
    unsigned per_rep;
    double warmup, mser;
    cs_status st;

    *out = NULL;
    if (cs_bytes_get_u32(r) != PACK_MAGIC && !r->bad)
        return BAD("not a store");
    total = cs_bytes_get_u32(r);
    n = cs_bytes_get_u64(r);
    per_rep = cs_bytes_get_u8(r);
    warmup = cs_bytes_get_f64(r);
    mser = cs_bytes_get_f64(r);
    if (r->bad)
        return BAD("truncated");
    /* each row takes at least the 4 bytes of its number */
    if (n > total || n > cs_bytes_left(r) / sizeof(uint32_t))
        return BAD("%llu rows of %lu replications", (unsigned long long)n,
                   (unsigned long)total);
    if (per_rep > 1 || !(warmup >= 0 && warmup < m->horizon) ||
        !(isnan(mser) || (mser >= 0 && mser < m->horizon)))
        return BAD("a warm-up outside the horizon");
    if ((s = store_new(m, (size_t)n, (int)per_rep)) == NULL)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    s->total = total;
    s->n = (size_t)n;
    s->warmup = warmup;
    s->warmup_mser = mser;
    if ((st = unpack_columns(s, r, err)) != CS_OK)
        goto fail;
    nh = cs_bytes_get_u32(r);
    if (!r->bad && nh != (uint32_t)(m->nclasses + s->nctx) + 1u) {
        st = BAD("%lu histograms where the model has %d", (unsigned long)nh,
                 m->nclasses + s->nctx + 1);
        goto fail;
    }
    if ((st = unpack_hist(r, s->hist, err)) != CS_OK)
        goto fail;
    for (int i = 0; i < m->nclasses + s->nctx; i++)
        if ((st = unpack_hist(r, s->cls_hist[i], err)) != CS_OK)
            goto fail;
    if ((st = unpack_periods(s, r, err)) != CS_OK)
        goto fail;
    *out = s;
    return CS_OK;
fail:
    cs_runner_store_free(s);
    return st;
}

#undef BAD


/* ---- the pool of workers ------------------------------------------- */

typedef struct pool {
    const cs_model *m;
    double warmup;
    double warmup_mser;     /* "auto": the truncation before the cap */
    unsigned first;         /* replication number of the pool's first */
    uint64_t max_items;
    size_t thread_bytes;    /* each engine's bound */
    cs_runner_store *store;
    unsigned total;
    const atomic_int *stop;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    unsigned next;          /* next replication to hand out */
    unsigned finished;      /* replications completed */
    unsigned char *ok;      /* [total]: replication i completed */
    unsigned running;       /* workers still running */
    int have_lock;          /* lock and changed are initialised */
    int halt;               /* *stop was seen set: hand out no more */
    /* what the engines look at: set by the supervising thread when it
    ** sees *stop, so the signal handler's flag is only ever read by the
    ** thread the handler runs in */
    atomic_int engines_stop;
    int failed;             /* 1 once a replication failed */
    unsigned err_rep;       /* the lowest failed replication */
    cs_status status;
    cs_error err;
} pool;

typedef struct worker {
    pool *p;
    hist_set hists;
    pthread_t tid;
    int started;
} worker;

/* Takes the next replication, or returns 0 when there is none. */
static int take(pool *p, unsigned *rep)
{
    int ok = 0;

    pthread_mutex_lock(&p->lock);
    if (!p->failed && !p->halt && p->next < p->total) {
        *rep = p->next++;
        ok = 1;
    }
    pthread_mutex_unlock(&p->lock);
    return ok;
}

static void report_done(pool *p, unsigned rep, cs_status st,
                        const cs_error *err)
{
    pthread_mutex_lock(&p->lock);
    if (st == CS_OK) {
        p->finished++;
        p->ok[rep] = 1;
    } else if (st == CS_EINTR) {
        /* stopped by a signal: left out of a partial result */
    } else if (!p->failed || rep < p->err_rep) {
        p->failed = 1;
        p->err_rep = rep;
        p->status = st;
        p->err = *err;
    }
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
}

static void *work(void *arg)
{
    worker *w = arg;
    pool *p = w->p;
    cs_engine *e = cs_engine_new(p->m);
    cs_rep *r = cs_engine_rep_new(p->m);
    unsigned rep;
    cs_error err;

    if (e == NULL || r == NULL) {
        cs_error_set(&err, CS_ENOMEM, NULL, 0, 0,
                     "out of memory setting up a replication");
        report_done(p, 0, CS_ENOMEM, &err);
        goto out;
    }
    if (p->max_items > 0)
        cs_engine_set_max_items(e, p->max_items);
    cs_engine_set_max_bytes(e, p->thread_bytes);
    if (p->stop != NULL)
        cs_engine_set_stop(e, &p->engines_stop);
    while (take(p, &rep)) {
        cs_status st;

        cs_error_clear(&err);
        st = cs_engine_run(e, p->first + rep, p->warmup, r, &err);
        if (st == CS_OK) {
            store_put(p->store, rep, r);
            hist_set_add_rep(&w->hists, r);
            /* one set of the timeline's lead times for all threads, not
            ** one per thread: there are many periods (a percentile
            ** depends only on the values, not on their order) */
            if (p->store->nperiods > 0) {
                int oom;
                pthread_mutex_lock(&p->lock);
                oom = store_add_periods(p->store, r);
                pthread_mutex_unlock(&p->lock);
                if (oom != 0)
                    st = cs_error_set(&err, CS_ENOMEM, NULL, 0, 0,
                                      "out of memory for the timeline's "
                                      "lead times");
            }
        }
        report_done(p, rep, st, &err);
    }
out:
    cs_engine_rep_free(r);
    cs_engine_free(e);
    pthread_mutex_lock(&p->lock);
    p->running--;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

unsigned cs_runner_cpu_count(void)
{
    const long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n >= 1 ? (unsigned)n : 1u;
}

/* Waits up to 0.1 s for a change, so a signal's flag is seen. */
static void wait_briefly(pool *p)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 100000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&p->changed, &p->lock, &ts);
}

/* Waits for the workers, calling progress on every completion. */
static void supervise(pool *p, const cs_runner_opts *o)
{
    unsigned shown = (unsigned)-1;

    pthread_mutex_lock(&p->lock);
    while (p->running > 0) {
        /* a handler that sets the flag runs in this thread, since the
        ** workers block asynchronous signals */
        if (o->stop != NULL && atomic_load(o->stop) && !p->halt) {
            p->halt = 1;
            atomic_store_explicit(&p->engines_stop, 1, memory_order_relaxed);
        }
        if (o->progress != NULL && p->finished != shown) {
            const unsigned done = p->finished;
            shown = done;
            pthread_mutex_unlock(&p->lock);
            o->progress(o->progress_ctx, done, p->total);
            pthread_mutex_lock(&p->lock);
            continue;
        }
        if (o->stop != NULL)
            wait_briefly(p);
        else
            pthread_cond_wait(&p->changed, &p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    if (o->progress != NULL && p->finished != shown)
        o->progress(o->progress_ctx, p->finished, p->total);
}

/* ---- warm-up -------------------------------------------------------- */


/*
** "auto": MSER-5 on the mean batch WIP of the pilots over [0, horizon]
** (White, Cobb and Spratt 2000): the CS_REP_BATCHES slices averaged in
** batches of 5, the truncation searched over the first half, so the
** warm-up is at most half the horizon.  *chosen is the warm-up too (the
** store's mark that "auto" was chosen here; summary.h then checks on all
** replications whether the chain settled within the first half).
*/
static cs_status warmup_pilots(const cs_model *m, unsigned pilots,
                               size_t max_bytes, double *warmup,
                               double *chosen, cs_error *err);

cs_status cs_runner_warmup_auto(const cs_model *m, unsigned pilots,
                                double *warmup, cs_error *err)
{
    double chosen;

    return warmup_pilots(m, pilots, cs_runner_default_max_bytes(), warmup,
                         &chosen, err);
}

#define MSER_BATCH 5
#define MAX_PILOTS 5

static cs_status warmup_pilots(const cs_model *m, unsigned pilots,
                               size_t max_bytes, double *warmup,
                               double *chosen, cs_error *err)
{
    enum { NB = CS_REP_BATCHES / MSER_BATCH };
    double series[NB] = {0}, wip[MAX_PILOTS][NB];
    cs_engine *e = cs_engine_new(m);
    cs_rep *r = cs_engine_rep_new(m);
    cs_status st = CS_OK;
    *chosen = NAN;
    if (e == NULL || r == NULL) {
        st = cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                          "out of memory choosing the warm-up");
        goto out;
    }
    if (pilots == 0)
        pilots = 1;
    if (pilots > MAX_PILOTS)
        pilots = MAX_PILOTS;
    cs_engine_set_max_items(e, cs_runner_max_items(m));
    cs_engine_set_max_bytes(e, max_bytes);
    for (unsigned i = 0; i < pilots; i++) {
        st = cs_engine_run(e, i, 0.0, r, err);
        if (st != CS_OK)
            goto out;
        for (size_t b = 0; b < NB; b++) {
            wip[i][b] = 0;
            for (size_t q = 0; q < MSER_BATCH; q++)
                wip[i][b] += r->batch_wip[b * MSER_BATCH + q] / MSER_BATCH;
        }
    }
    for (size_t b = 0; b < NB; b++) {
        for (unsigned i = 0; i < pilots; i++)
            series[b] += wip[i][b];
        series[b] /= pilots;
    }
    *warmup = (double)cs_stats_mser(series, NB, NB / 2) * m->horizon / NB;
    *chosen = *warmup;
out:
    cs_engine_rep_free(r);
    cs_engine_free(e);
    return st;
}

/* ---- the run -------------------------------------------------------- */

uint64_t cs_runner_max_items(const cs_model *m)
{
    uint64_t n = CS_RUNNER_MAX_ITEMS;

    for (int c = 0; c < m->nclasses; c++)
        n += (uint64_t)m->classes[c].backlog;
    return n;
}

/* The warm-up, the store and the lock; o->replications is resolved. */
static cs_status pool_init(pool *p, const cs_model *m,
                           const cs_runner_opts *o, cs_error *err)
{
    cs_status st;

    p->m = m;
    p->total = o->replications;
    p->stop = o->stop;
    p->first = o->first;
    p->warmup_mser = NAN;
    p->max_items = o->max_items > 0 ? o->max_items : cs_runner_max_items(m);
    if (o->warmup >= 0) {
        p->warmup = o->warmup;
    } else if (m->warmup_auto) {
        const unsigned all = o->first + o->replications > o->planned
                                 ? o->first + o->replications
                                 : o->planned;
        st = warmup_pilots(m, all < 5 ? all : 5,
                           p->thread_bytes, &p->warmup, &p->warmup_mser,
                           err);
        if (st != CS_OK)
            return st;
    } else {
        p->warmup = m->warmup;
    }
    p->store = store_new(m, o->replications, o->per_replication);
    p->ok = calloc((size_t)o->replications + 1, 1);
    if (p->store == NULL || p->ok == NULL)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    p->store->warmup = p->warmup;
    p->store->warmup_mser = p->warmup_mser;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->changed, NULL);
    p->have_lock = 1;
    return CS_OK;
}

static void pool_fini(pool *p)
{
    cs_runner_store_free(p->store);
    free(p->ok);
    if (p->have_lock) {
        pthread_mutex_destroy(&p->lock);
        pthread_cond_destroy(&p->changed);
    }
}

static void workers_free(worker *ws, unsigned n)
{
    if (ws != NULL)
        for (unsigned i = 0; i < n; i++)
            hist_set_free(&ws[i].hists);
    free(ws);
}

static worker *workers_new(pool *p, unsigned n)
{
    worker *ws = calloc((size_t)n + 1, sizeof *ws);

    if (ws == NULL)
        return NULL;
    for (unsigned i = 0; i < n; i++) {
        ws[i].p = p;
        if (hist_set_init(&ws[i].hists,
                          p->m->nclasses + p->store->nctx) != 0) {
            workers_free(ws, n);
            return NULL;
        }
    }
    return ws;
}

/*
** Starts the workers with asynchronous signals blocked (they inherit the
** mask), so SIGINT and SIGTERM reach this thread only.  Fails only when
** not even one thread starts.
*/
static cs_status workers_start(pool *p, worker *ws, unsigned n,
                               cs_error *err)
{
    sigset_t block, saved;
    cs_status st = CS_OK;

    sigfillset(&block);
    sigdelset(&block, SIGSEGV);
    sigdelset(&block, SIGBUS);
    sigdelset(&block, SIGFPE);
    sigdelset(&block, SIGILL);
    sigdelset(&block, SIGABRT);
    pthread_sigmask(SIG_BLOCK, &block, &saved);
    for (unsigned i = 0; i < n; i++) {
        pthread_mutex_lock(&p->lock);
        p->running++;
        pthread_mutex_unlock(&p->lock);
        if (pthread_create(&ws[i].tid, NULL, work, &ws[i]) != 0) {
            pthread_mutex_lock(&p->lock);
            p->running--;
            pthread_mutex_unlock(&p->lock);
            if (i == 0)
                st = cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                                  "cannot start a thread");
            break;
        }
        ws[i].started = 1;
    }
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    return st;
}

size_t cs_runner_default_max_bytes(void)
{
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long size = sysconf(_SC_PAGESIZE);
    const size_t floor = (size_t)256 << 20;
    size_t quarter;

    if (pages <= 0 || size <= 0)
        return (size_t)4 << 30;
    if ((uint64_t)pages > SIZE_MAX / 4 / (uint64_t)size)
        return SIZE_MAX / 4;
    quarter = (size_t)pages / 4 * (size_t)size;
    return quarter > floor ? quarter : floor;
}

size_t cs_runner_stats_bytes(const cs_model *m, size_t n, unsigned nthreads)
{
    const size_t nc = (size_t)m->nclasses, nt = (size_t)m->nteams;
    const size_t board = cs_model_has_initial(m) ? 1 + nc : 0;
    const size_t np = (size_t)cs_runner_nperiods(m);
    const size_t row = sizeof(unsigned) + 7 * sizeof(double) +
                       5 * sizeof(uint64_t) +
                       nc * sizeof(uint64_t) +
                       (2 * nc + (size_t)m->npromises +
                        nt * CS_RUNNER_TEAM_NFIELDS +
                        cs_runner_brk_width(m) + CS_REP_BATCHES + 2 +
                        board +
                        np * (CS_RUNNER_PERIOD_NFIELDS +
                              nt * CS_RUNNER_PTEAM_NFIELDS)) *
                           sizeof(double);
    /* per thread: a replication's and the thread's pooled histograms */
    const size_t hists = (nc + 1) * cs_hist_bytes();
    /* the timeline's lead times, shared by the threads, of this run and
    ** of the store it is appended to: an array (8 bytes per item done,
    ** twice that as it grows) or a histogram per period, whichever is
    ** less */
    double items = 0;
    for (int c = 0; c < m->nclasses; c++)
        items += cs_model_class_items(m, c);
    const double arrays = 16.0 * items * (double)n;
    const double per_hist = 2.0 * (double)np * (double)cs_hist_bytes();
    const size_t periods =
        np == 0 ? 0
                : (size_t)fmin(fmin(arrays, per_hist), (double)SIZE_MAX / 4) +
                      2 * np * sizeof(cs_runner_lts);

    return n * row + hists * (2 * (size_t)nthreads + 1) + periods;
}

/* Splits the memory bound: the statistics first, then an equal share per
** thread; an error when the statistics alone do not fit. */
static cs_status share_bytes(pool *p, const cs_runner_opts *o,
                             unsigned nthreads, cs_error *err)
{
    const size_t total = o->max_bytes > 0 ? o->max_bytes
                                          : cs_runner_default_max_bytes();
    const size_t stats = cs_runner_stats_bytes(p->m, (size_t)p->total +
                                                         o->kept,
                                               nthreads) +
                         CS_RUNNER_PROGRAM_BYTES;

    if (stats >= total)
        return cs_error_set(err, CS_ESIM, NULL, 0, 0, "the statistics of "
                            "%u replications of %d teams (and the program) "
                            "need %.3g MB, more than the memory bound of "
                            "%.3g MB "
                            "(--max-memory); fewer replications or threads "
                            "fit", p->total, p->m->nteams,
                            (double)stats / 1048576.0,
                            (double)total / 1048576.0);
    p->thread_bytes = (total - stats) / nthreads;
    return CS_OK;
}

/* The lowest failed replication's error, named when there are several. */
static cs_status pool_failure(const pool *p, cs_error *err)
{
    if (err != NULL) {
        *err = p->err;
        if (p->total > 1 || p->first > 0) {
            char prefix[32];
            snprintf(prefix, sizeof prefix, "replication %u",
                     p->first + p->err_rep + 1);
            cs_error_prefix(err, prefix);
        }
    }
    return p->status;
}

cs_status cs_runner_run(const cs_model *m, const cs_runner_opts *opts,
                        cs_runner_store **out, cs_error *err)
{
    cs_runner_opts o = *opts;
    pool p;
    worker *ws = NULL;
    unsigned nthreads;
    cs_status st;

    *out = NULL;
    memset(&p, 0, sizeof p);
    if (o.replications == 0)
        o.replications = m->replications;
    nthreads = o.threads > 0 ? o.threads : cs_runner_cpu_count();
    if (nthreads > o.replications)
        nthreads = o.replications;
    p.m = m;
    p.total = o.replications;
    st = share_bytes(&p, &o, nthreads, err);
    if (st == CS_OK)
        st = pool_init(&p, m, &o, err);
    if (st != CS_OK)
        goto out;
    ws = workers_new(&p, nthreads);
    if (ws == NULL) {
        st = cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    st = workers_start(&p, ws, nthreads, err);
    if (st != CS_OK)
        goto out;
    supervise(&p, &o);
    for (unsigned i = 0; i < nthreads; i++)
        if (ws[i].started)
            pthread_join(ws[i].tid, NULL);
    if (p.failed) {
        st = pool_failure(&p, err);
        goto out;
    }
    for (unsigned i = 0; i < nthreads; i++)
        store_add_hists(p.store, &ws[i].hists);
    store_compact(p.store, p.ok, o.first);
    *out = p.store;
    p.store = NULL;
out:
    workers_free(ws, nthreads);
    pool_fini(&p);
    return st;
}
