/*
** backtest.c - a scenario simulated from a past board against what the
** tracker export says happened next (backtest.h).
**
** The model is edited in place before the engine is made: its classes'
** backlog and start items become the board, its horizon the window, its
** warm-up 0.  Each replication is traced: an "arrive" at day 0 is an
** initial item (left out of the lead times, as on the observed side), a
** "done" counts in the class's throughput and, for an item that arrived
** after day 0, gives a lead time.
*/
#include "chainsim/backtest.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "chainsim/engine.h"
#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/tracker.h"

#define MIN_OBS 5                /* lead times below which no verdict */

typedef struct dvec {
    double *v;
    size_t n, cap;
} dvec;

static int dpush(dvec *a, double x)
{
    if (a->n == a->cap) {
        const size_t cap = a->cap ? 2 * a->cap : 64;
        double *v = realloc(a->v, cap * sizeof *v);

        if (v == NULL)
            return -1;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = x;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* The q-quantile of sorted x[0..n) (linear between order statistics). */
static double quantile(const double *x, size_t n, double q)
{
    const double pos = q * (double)(n - 1);
    const size_t lo = (size_t)pos;
    const double fr = pos - (double)lo;

    if (n == 0)
        return NAN;
    return lo + 1 < n ? x[lo] * (1 - fr) + x[lo + 1] * fr : x[lo];
}

/* One measure: the observed value and the replications' values. */
typedef struct fig {
    double obs;              /* NAN: none */
    dvec sim;                /* per replication (NAN: none there) */
    double lo, med, hi;      /* of the replications' values */
    size_t nsim;             /* replications with a value */
    const char *verdict;     /* inside, outside, n/a */
} fig;

enum { F_DONE = 0, F_MEAN, F_P50, F_P85, F_P95, NFIG };
static const char *const fig_names[NFIG] = {"done", "mean", "p50", "p85",
                                            "p95"};

typedef struct bclass {
    const char *name;
    int model;               /* class index in the model, -1: all */
    fig f[NFIG];
    dvec obs_lt, sim_lt;     /* observed; pooled simulated */
    dvec rep_lt;             /* the current replication's */
    dvec rep_end;            /* where each replication's end in sim_lt */
    long rep_done;
    double ks, ks_p;
    const char *ks_verdict;
} bclass;

/* A team: the visits that finished there in the window. */
typedef struct bteam {
    const char *name;
    fig done;                /* obs NAN: the export does not name it */
    long rep_done;
} bteam;

struct cs_backtest {
    cs_model *m;
    const char *scenario, *tracker;
    char from_s[16], to_s[16];
    double days;
    unsigned reps;
    bclass *cls;             /* [m->nclasses + 1]: the last is all */
    size_t ncls;
    bteam *teams;            /* [m->nteams] */
    long board_start, board_backlog, left_out;
    double *arrival;         /* per item serial in a replication */
    size_t narrival;
    int oom;
};

static void day_string(const cs_tracker_map *map, double w, char *buf)
{
    const double cal = cs_tracker_calendar(map, w);
    const time_t t = (time_t)floor(cal + 1e-9) * 86400;
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL)
        snprintf(buf, 16, "?");
    else
        strftime(buf, 16, "%Y-%m-%d", &tm);
}

/* The route position of class c's top-level step with team t, or -1. */
static int route_pos(const cs_model *m, const cs_class *c, int t)
{
    for (int k = 0; k < c->nroute; k++) {
        const cs_step *s = &c->steps[c->route[k]];

        if (s->kind == CS_STEP_WORK) {
            if (s->team == t)
                return k;
            for (int o = 0; o < s->noptions; o++)
                if (s->options[o].team == t)
                    return k;
        } else {
            for (int b = 0; b < s->nbranches; b++)
                if (c->steps[s->branch_first + b].team == t)
                    return k;
        }
    }
    (void)m;
    return -1;
}

typedef struct board_item {
    int cls, at;
    double age;
} board_item;

static int cmp_board(const void *a, const void *b)
{
    const board_item *x = a, *y = b;

    if (x->cls != y->cls)
        return x->cls - y->cls;
    if (x->at != y->at)
        return x->at - y->at;
    return (x->age > y->age) - (x->age < y->age);
}

/* The board on from into the model; the observed figures. */
static cs_status board(cs_backtest *b, const cs_tracker_data *d, double from,
                       double to)
{
    cs_model *m = b->m;
    board_item *bi = calloc(d->nitems + 1, sizeof *bi);
    size_t nb = 0;
    int *map_cls = calloc(d->nclasses + 1, sizeof *map_cls);
    int *map_team = calloc(d->nteams + 1, sizeof *map_team);

    if (bi == NULL || map_cls == NULL || map_team == NULL) {
        free(bi);
        free(map_cls);
        free(map_team);
        return CS_ENOMEM;
    }
    for (size_t i = 0; i < d->nclasses; i++)
        map_cls[i] = cs_model_class_index(m, d->classes[i]);
    for (size_t i = 0; i < d->nteams; i++)
        if ((map_team[i] = cs_model_team_index(m, d->teams[i])) >= 0)
            b->teams[map_team[i]].done.obs = 0;
    for (int c = 0; c < m->nclasses; c++)
        m->classes[c].backlog = 0;
    for (size_t i = 0; i < d->nitems; i++) {
        const cs_tracker_item *it = &d->items[i];
        const cs_tracker_entry *e = &d->entries[it->first];
        const int mc = map_cls[it->cls];
        const double arr = it->n > 0 ? e[0].t : 0;
        const int done = it->n > 0 && e[it->n - 1].state == CS_TRACKER_DONE;
        const double end = done ? e[it->n - 1].t : HUGE_VAL;
        size_t k = 0;

        if (it->n == 0)
            continue;
        /* a visit finished at a team: its work entry followed by the
        ** next entry in the window */
        for (size_t q = 0; q + 1 < it->n; q++)
            if (e[q].state == CS_TRACKER_WORK && e[q].team >= 0 &&
                map_team[e[q].team] >= 0 && e[q + 1].t > from &&
                e[q + 1].t <= to)
                b->teams[map_team[e[q].team]].done.obs += 1;
        if (mc >= 0 && done && end > from && end <= to) {
            bclass *c = &b->cls[mc], *all = &b->cls[b->ncls - 1];

            c->f[F_DONE].obs += 1;
            all->f[F_DONE].obs += 1;
            if (arr >= from && (dpush(&c->obs_lt, end - arr) != 0 ||
                                dpush(&all->obs_lt, end - arr) != 0))
                b->oom = 1;
        }
        if (!(arr < from && end > from))
            continue;
        if (mc < 0) {
            b->left_out++;
            continue;
        }
        while (k + 1 < it->n && e[k + 1].t <= from)
            k++;
        if (e[k].team < 0) {
            m->classes[mc].backlog++;
            b->board_backlog++;
            continue;
        }
        if (map_team[e[k].team] < 0 ||
            (bi[nb].at = route_pos(m, &m->classes[mc],
                                   map_team[e[k].team])) < 0) {
            b->left_out++;
            continue;
        }
        bi[nb].cls = mc;
        bi[nb].age = floor(from - arr + 0.5);
        nb++;
        b->board_start++;
    }
    qsort(bi, nb, sizeof *bi, cmp_board);
    for (int c = 0; c < m->nclasses; c++) {
        cs_class *k = &m->classes[c];
        int n = 0;

        free(k->start);
        k->start = NULL;
        k->nstart = 0;
        for (size_t i = 0; i < nb; i++)
            n += bi[i].cls == c;
        if (n == 0)
            continue;
        if ((k->start = calloc((size_t)n, sizeof *k->start)) == NULL) {
            free(bi);
            free(map_cls);
            free(map_team);
            return CS_ENOMEM;
        }
        for (size_t i = 0; i < nb; i++) {
            cs_start *s;

            if (bi[i].cls != c)
                continue;
            s = k->nstart > 0 ? &k->start[k->nstart - 1] : NULL;
            if (s != NULL && s->at == bi[i].at && s->age == bi[i].age) {
                s->count++;
                continue;
            }
            s = &k->start[k->nstart++];
            s->at = bi[i].at;
            s->count = 1;
            s->age = bi[i].age;
        }
    }
    free(bi);
    free(map_cls);
    free(map_team);
    return b->oom ? CS_ENOMEM : CS_OK;
}

static void on_event(void *ctx, const cs_trace_event *ev)
{
    cs_backtest *b = ctx;

    if (ev->item >= b->narrival) {
        const size_t n = 2 * (size_t)ev->item + 64;
        double *v = realloc(b->arrival, n * sizeof *v);

        if (v == NULL) {
            b->oom = 1;
            return;
        }
        b->arrival = v;
        b->narrival = n;
    }
    if (strcmp(ev->event, "arrive") == 0) {
        b->arrival[ev->item] = ev->time;
    } else if (strcmp(ev->event, "finish") == 0 && ev->team >= 0) {
        b->teams[ev->team].rep_done++;
    } else if (strcmp(ev->event, "done") == 0 && ev->cls >= 0) {
        bclass *c = &b->cls[ev->cls], *all = &b->cls[b->ncls - 1];
        const double a = b->arrival[ev->item];

        c->rep_done++;
        all->rep_done++;
        if (a > 0 && (dpush(&c->rep_lt, ev->time - a) != 0 ||
                      dpush(&all->rep_lt, ev->time - a) != 0))
            b->oom = 1;
    }
}

/* The figures of a replication's lead times x (sorted in place). */
static int rep_figs(bclass *c)
{
    dvec *x = &c->rep_lt;
    double s = 0;
    int bad = 0;

    qsort(x->v, x->n, sizeof *x->v, cmp_double);
    for (size_t i = 0; i < x->n; i++) {
        s += x->v[i];
        bad |= dpush(&c->sim_lt, x->v[i]);
    }
    bad |= dpush(&c->rep_end, (double)c->sim_lt.n);
    bad |= dpush(&c->f[F_DONE].sim, (double)c->rep_done);
    bad |= dpush(&c->f[F_MEAN].sim, x->n ? s / (double)x->n : NAN);
    bad |= dpush(&c->f[F_P50].sim, quantile(x->v, x->n, 0.50));
    bad |= dpush(&c->f[F_P85].sim, quantile(x->v, x->n, 0.85));
    bad |= dpush(&c->f[F_P95].sim, quantile(x->v, x->n, 0.95));
    x->n = 0;
    c->rep_done = 0;
    return bad;
}

/* The KS distance of sorted x[0..n) from the distribution whose sorted
** sample is y[0..m) (its empirical distribution function, taken as the
** model's: the pool is large). */
static double ks1(const double *x, size_t n, const double *y, size_t m)
{
    double d = 0;

    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = m;   /* the first index with y >= x[i] */
        double below, upto, g;

        while (lo < hi) {
            const size_t mid = (lo + hi) / 2;

            if (y[mid] < x[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        below = (double)lo / (double)m;
        hi = m;
        while (lo < hi) {        /* the first index with y > x[i] */
            const size_t mid = (lo + hi) / 2;

            if (y[mid] <= x[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        upto = (double)lo / (double)m;
        g = fmax(fabs((double)(i + 1) / (double)n - upto),
                 fabs((double)i / (double)n - below));
        if (g > d)
            d = g;
    }
    return d;
}

/* The observed distance against the replications' own distances from
** the pool: the share at least as far is the p-value (a Monte Carlo test
** that keeps the correlation of lead times within one window). */
static int ks_test(bclass *c)
{
    dvec one = {0};
    size_t start = 0, far = 0, nrep = 0;
    double *pool;

    if ((pool = malloc((c->sim_lt.n + 1) * sizeof *pool)) == NULL)
        return -1;
    memcpy(pool, c->sim_lt.v, c->sim_lt.n * sizeof *pool);
    qsort(pool, c->sim_lt.n, sizeof *pool, cmp_double);
    c->ks = ks1(c->obs_lt.v, c->obs_lt.n, pool, c->sim_lt.n);
    for (size_t r = 0; r < c->rep_end.n; r++) {
        const size_t end = (size_t)c->rep_end.v[r], n = end - start;

        if (n >= MIN_OBS) {
            double d;

            one.n = 0;
            for (size_t i = start; i < end; i++)
                if (dpush(&one, c->sim_lt.v[i]) != 0) {
                    free(one.v);
                    free(pool);
                    return -1;
                }
            qsort(one.v, one.n, sizeof *one.v, cmp_double);
            d = ks1(one.v, one.n, pool, c->sim_lt.n);
            far += d >= c->ks;
            nrep++;
        }
        start = end;
    }
    c->ks_p = nrep > 0 ? (double)far / (double)nrep : NAN;
    free(one.v);
    free(pool);
    return 0;
}

/* The band of g's replications and its verdict; judged: the observed
** figure may be compared. */
static void fig_band(fig *g, unsigned reps, int judged)
{
    size_t n = 0;

    for (size_t i = 0; i < g->sim.n; i++)
        if (!isnan(g->sim.v[i]))
            g->sim.v[n++] = g->sim.v[i];
    g->nsim = n;
    qsort(g->sim.v, n, sizeof *g->sim.v, cmp_double);
    g->lo = quantile(g->sim.v, n, 0.025);
    g->med = quantile(g->sim.v, n, 0.5);
    g->hi = quantile(g->sim.v, n, 0.975);
    if (isnan(g->obs) || n == 0 || 2 * n < reps || !judged)
        g->verdict = "n/a";
    else
        g->verdict = g->obs >= g->lo && g->obs <= g->hi ? "inside"
                                                       : "outside";
}

static int summarise(bclass *c, unsigned reps)
{
    qsort(c->obs_lt.v, c->obs_lt.n, sizeof *c->obs_lt.v, cmp_double);
    if (c->obs_lt.n > 0) {
        double s = 0;

        for (size_t i = 0; i < c->obs_lt.n; i++)
            s += c->obs_lt.v[i];
        c->f[F_MEAN].obs = s / (double)c->obs_lt.n;
        c->f[F_P50].obs = quantile(c->obs_lt.v, c->obs_lt.n, 0.50);
        c->f[F_P85].obs = quantile(c->obs_lt.v, c->obs_lt.n, 0.85);
        c->f[F_P95].obs = quantile(c->obs_lt.v, c->obs_lt.n, 0.95);
    } else {
        for (int k = F_MEAN; k < NFIG; k++)
            c->f[k].obs = NAN;
    }
    for (int k = 0; k < NFIG; k++)
        fig_band(&c->f[k], reps, k == F_DONE || c->obs_lt.n >= MIN_OBS);
    c->ks = c->ks_p = NAN;
    c->ks_verdict = "n/a";
    if (c->obs_lt.n >= MIN_OBS && c->sim_lt.n > 0) {
        if (ks_test(c) != 0)
            return -1;
        if (!isnan(c->ks_p))
            c->ks_verdict = c->ks_p >= 0.05 ? "consistent" : "differs";
    }
    return 0;
}

void cs_backtest_free(cs_backtest *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; b->cls != NULL && i < b->ncls; i++) {
        for (int k = 0; k < NFIG; k++)
            free(b->cls[i].f[k].sim.v);
        free(b->cls[i].obs_lt.v);
        free(b->cls[i].sim_lt.v);
        free(b->cls[i].rep_lt.v);
        free(b->cls[i].rep_end.v);
    }
    free(b->cls);
    for (size_t t = 0; b->teams != NULL && b->m != NULL &&
                       t < (size_t)b->m->nteams; t++)
        free(b->teams[t].done.sim.v);
    free(b->teams);
    free(b->arrival);
    cs_model_free(b->m);
    free(b);
}

cs_status cs_backtest_run(cs_model *m, const cs_tracker_data *d,
                          const cs_tracker_map *map, double from, double to,
                          const char *scenario, const char *tracker,
                          cs_backtest **out, cs_error *err)
{
    cs_backtest *b = calloc(1, sizeof *b);
    cs_engine *e = NULL;
    cs_rep *r = NULL;
    cs_status st = CS_OK;
    size_t common = 0;

    *out = NULL;
    if (b == NULL) {
        cs_model_free(m);
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    b->m = m;
    b->scenario = scenario;
    b->tracker = tracker;
    b->reps = m->replications;
    b->days = to - from;
    day_string(map, from, b->from_s);
    day_string(map, to, b->to_s);
    if (!(to > from)) {
        cs_error_set(err, CS_EINPUT, NULL, 0, 0,
                     "--to must come after --from (%s)", b->from_s);
        cs_backtest_free(b);
        return CS_EINPUT;
    }
    if (d->nitems == 0 || from >= d->end) {
        cs_backtest_free(b);
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0,
                            "%s: --from lies after the export's end", tracker);
    }
    for (size_t i = 0; i < d->nclasses; i++)
        common += cs_model_class_index(m, d->classes[i]) >= 0;
    b->ncls = (size_t)m->nclasses + 1;
    b->teams = calloc((size_t)m->nteams + 1, sizeof *b->teams);
    for (int t = 0; b->teams != NULL && t < m->nteams; t++) {
        b->teams[t].name = m->teams[t].name;
        b->teams[t].done.obs = NAN;
    }
    if ((b->cls = calloc(b->ncls, sizeof *b->cls)) == NULL ||
        b->teams == NULL) {
        cs_backtest_free(b);
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (common == 0) {
        cs_backtest_free(b);
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0,
                            "%s and %s have no class in common", scenario,
                            tracker);
    }
    for (size_t i = 0; i < b->ncls; i++) {
        b->cls[i].name = i + 1 < b->ncls ? m->classes[i].name : "all";
        b->cls[i].model = i + 1 < b->ncls ? (int)i : -1;
        for (int k = 0; k < NFIG; k++)
            b->cls[i].f[k].obs = 0;
    }
    if ((st = board(b, d, from, to)) != CS_OK)
        goto fail;
    m->horizon = to - from;
    m->warmup = 0;
    m->warmup_auto = 0;
    m->timeline = 0;
    if ((e = cs_engine_new(m)) == NULL || (r = cs_engine_rep_new(m)) == NULL) {
        st = CS_ENOMEM;
        goto fail;
    }
    cs_engine_set_trace(e, on_event, b);
    for (unsigned k = 0; k < b->reps; k++) {
        if ((st = cs_engine_run(e, k, 0, r, err)) != CS_OK) {
            cs_engine_free(e);
            cs_engine_rep_free(r);
            cs_backtest_free(b);
            return st;
        }
        for (size_t i = 0; i < b->ncls; i++)
            b->oom |= rep_figs(&b->cls[i]);
        for (int t = 0; t < m->nteams; t++) {
            b->oom |= dpush(&b->teams[t].done.sim,
                            (double)b->teams[t].rep_done);
            b->teams[t].rep_done = 0;
        }
        if (b->oom) {
            st = CS_ENOMEM;
            goto fail;
        }
    }
    for (size_t i = 0; i < b->ncls; i++)
        if (summarise(&b->cls[i], b->reps) != 0) {
            st = CS_ENOMEM;
            goto fail;
        }
    for (int t = 0; t < m->nteams; t++)
        fig_band(&b->teams[t].done, b->reps, 1);
    cs_engine_free(e);
    cs_engine_rep_free(r);
    *out = b;
    return CS_OK;
fail:
    cs_engine_free(e);
    cs_engine_rep_free(r);
    cs_backtest_free(b);
    return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
}

/* ---- output ----------------------------------------------------------- */

static json_t *num(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

static json_t *fig_json(const fig *g)
{
    return json_pack("{s:o,s:o,s:[o,o],s:I,s:s}", "observed", num(g->obs),
                     "simulated_p50", num(g->med), "band95", num(g->lo),
                     num(g->hi), "replications", (json_int_t)g->nsim,
                     "verdict", g->verdict);
}

static json_t *report_json(const cs_backtest *b)
{
    json_t *o = json_object(), *cls = json_object(), *teams = json_object();

    json_object_set_new(o, "scenario", json_string(b->scenario));
    json_object_set_new(o, "tracker", json_string(b->tracker));
    json_object_set_new(o, "from", json_string(b->from_s));
    json_object_set_new(o, "to", json_string(b->to_s));
    json_object_set_new(o, "days", json_real(b->days));
    json_object_set_new(o, "replications", json_integer(b->reps));
    json_object_set_new(o, "board", json_pack("{s:I,s:I,s:I}", "start",
                        (json_int_t)b->board_start, "backlog",
                        (json_int_t)b->board_backlog, "left_out",
                        (json_int_t)b->left_out));
    for (size_t i = 0; i < b->ncls; i++) {
        const bclass *c = &b->cls[i];
        json_t *x = json_object(), *lt = json_object();

        json_object_set_new(x, "done", fig_json(&c->f[F_DONE]));
        json_object_set_new(lt, "n", json_integer((json_int_t)c->obs_lt.n));
        for (int k = F_MEAN; k < NFIG; k++)
            json_object_set_new(lt, fig_names[k], fig_json(&c->f[k]));
        json_object_set_new(lt, "ks", json_pack("{s:o,s:o,s:s}", "distance",
                            num(c->ks), "p_value", num(c->ks_p), "verdict",
                            c->ks_verdict));
        json_object_set_new(x, "lead_time", lt);
        json_object_set_new(cls, c->name, x);
    }
    json_object_set_new(o, "classes", cls);
    for (int t = 0; t < b->m->nteams; t++)
        json_object_set_new(teams, b->teams[t].name,
                            json_pack("{s:o}", "done",
                                      fig_json(&b->teams[t].done)));
    json_object_set_new(o, "teams", teams);
    return o;
}

static void cell(char *buf, size_t n, double x, int days)
{
    if (!isfinite(x))
        snprintf(buf, n, "-");
    else if (days)
        snprintf(buf, n, "%.1fd", x);
    else
        snprintf(buf, n, "%.0f", x);
}

cs_status cs_backtest_write(const cs_backtest *b, FILE *out, int json,
                            cs_error *err)
{
    long outside = 0, judged = 0;

    if (json) {
        json_t *o = report_json(b);
        /* written straight to out: jansson's own buffers never reach our
        ** free */
        const int bad = o == NULL ||
                        json_dumpf(o, out, JSON_INDENT(2) | JSON_SORT_KEYS |
                                               JSON_REAL_PRECISION(10)) != 0;

        json_decref(o);
        if (bad)
            return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
        fputc('\n', out);
        return CS_OK;
    }
    fprintf(out, "backtest of %s against %s\nfrom %s to %s (%.0f working "
            "days), %u replications; the board on %s: %ld items at teams, "
            "%ld in the backlog", b->scenario, b->tracker, b->from_s,
            b->to_s, b->days, b->reps, b->from_s, b->board_start,
            b->board_backlog);
    if (b->left_out > 0)
        fprintf(out, ", %ld left out (class or team not in the scenario)",
                b->left_out);
    fprintf(out, "\n\n%-16s %-10s %9s %9s  %-19s %s\n", "class", "measure",
            "observed", "simulated", "95% band", "verdict");
    for (size_t i = 0; i < b->ncls; i++) {
        const bclass *c = &b->cls[i];

        if (b->ncls == 2 && i == 1)
            break;           /* one class: "all" says the same */
        for (int k = 0; k < NFIG; k++) {
            const fig *g = &c->f[k];
            char o[32], s[32], lo[32], hi[32], band[72];

            cell(o, sizeof o, g->obs, k != F_DONE);
            cell(s, sizeof s, g->med, k != F_DONE);
            cell(lo, sizeof lo, g->lo, k != F_DONE);
            cell(hi, sizeof hi, g->hi, k != F_DONE);
            snprintf(band, sizeof band, "[%s, %s]", lo, hi);
            fprintf(out, "%-16s %-10s %9s %9s  %-19s %s\n", k == 0 ? c->name
                    : "", k == F_DONE ? "done" : fig_names[k], o, s, band,
                    g->verdict);
            if (strcmp(g->verdict, "n/a") != 0) {
                judged++;
                outside += strcmp(g->verdict, "outside") == 0;
            }
        }
        if (isfinite(c->ks))
            fprintf(out, "%-16s %-10s %9.3f %9s  p = %-15.3g %s\n", "",
                    "KS", c->ks, "", c->ks_p, c->ks_verdict);
        fprintf(out, "%-16s %-10s %9zu lead times\n", "", "(n)",
                c->obs_lt.n);
    }
    fprintf(out, "\n%-16s %-10s %9s %9s  %-19s %s\n", "team", "measure",
            "observed", "simulated", "95% band", "verdict");
    for (int t = 0; t < b->m->nteams; t++) {
        const fig *g = &b->teams[t].done;
        char o[32], s[32], lo[32], hi[32], band[72];

        cell(o, sizeof o, g->obs, 0);
        cell(s, sizeof s, g->med, 0);
        cell(lo, sizeof lo, g->lo, 0);
        cell(hi, sizeof hi, g->hi, 0);
        snprintf(band, sizeof band, "[%s, %s]", lo, hi);
        fprintf(out, "%-16s %-10s %9s %9s  %-19s %s\n", b->teams[t].name,
                "visits", o, s, band, g->verdict);
        if (strcmp(g->verdict, "n/a") != 0) {
            judged++;
            outside += strcmp(g->verdict, "outside") == 0;
        }
    }
    fprintf(out, "\n%ld of %ld measures outside the simulated 95%% band", 
            outside, judged);
    if (judged > 0)
        fprintf(out, " (about %.1f expected by chance)", 0.05 * (double)judged);
    fprintf(out, "\n");
    return CS_OK;
}
