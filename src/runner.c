/*
** runner.c - replications on threads, merged in replication order.
**
** Each worker thread owns one engine and one cs_rep.  Replications are
** handed out by a shared counter; a worker copies what it measured into
** the replication's own slot of a store and adds its histograms into
** thread-local ones (integer counts, so the order of addition does not
** matter).  Sums of doubles are formed only at the end, in replication
** order, so the summary is bit-identical for any number of threads.
*/
#include "chainsim/runner.h"

#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chainsim/engine.h"

/* What the summary needs of one replication. */
enum { TEAM_UTIL, TEAM_QLEN, TEAM_WAIT, TEAM_BLOCKED, TEAM_WIP, TEAM_NFIELDS };

typedef struct rep_store {
    size_t n;
    int nteams, nclasses, npromises;
    double *lt_mean, *lt_p85, *thru, *wip, *lt_sum, *work_sum;
    double *cls_mean, *cls_thru;  /* [n * nclasses] */
    double *team;                 /* [n * nteams * TEAM_NFIELDS] */
    double *prom;                 /* [n * npromises] */
    uint64_t *lt_n, *visits, *events, *arrived, *done;
} rep_store;

static void store_free(rep_store *s)
{
    free(s->lt_mean);
    free(s->lt_p85);
    free(s->thru);
    free(s->wip);
    free(s->lt_sum);
    free(s->work_sum);
    free(s->cls_mean);
    free(s->cls_thru);
    free(s->team);
    free(s->prom);
    free(s->lt_n);
    free(s->visits);
    free(s->events);
    free(s->arrived);
    free(s->done);
}

static int store_init(rep_store *s, const cs_model *m, size_t n)
{
    const size_t nc = (size_t)m->nclasses, nt = (size_t)m->nteams;
    const size_t np = (size_t)m->npromises;

    memset(s, 0, sizeof *s);
    s->n = n;
    s->nteams = m->nteams;
    s->nclasses = m->nclasses;
    s->npromises = m->npromises;
    s->lt_mean = calloc(n, sizeof(double));
    s->lt_p85 = calloc(n, sizeof(double));
    s->thru = calloc(n, sizeof(double));
    s->wip = calloc(n, sizeof(double));
    s->lt_sum = calloc(n, sizeof(double));
    s->work_sum = calloc(n, sizeof(double));
    s->cls_mean = calloc(n * nc + 1, sizeof(double));
    s->cls_thru = calloc(n * nc + 1, sizeof(double));
    s->team = calloc(n * nt * TEAM_NFIELDS + 1, sizeof(double));
    s->prom = calloc(n * np + 1, sizeof(double));
    s->lt_n = calloc(n, sizeof(uint64_t));
    s->visits = calloc(n, sizeof(uint64_t));
    s->events = calloc(n, sizeof(uint64_t));
    s->arrived = calloc(n, sizeof(uint64_t));
    s->done = calloc(n, sizeof(uint64_t));
    if (!s->lt_mean || !s->lt_p85 || !s->thru || !s->wip || !s->lt_sum ||
        !s->work_sum || !s->cls_mean || !s->cls_thru || !s->team ||
        !s->prom || !s->lt_n || !s->visits || !s->events || !s->arrived ||
        !s->done) {
        store_free(s);
        return -1;
    }
    return 0;
}

static double ratio(double num, double den)
{
    return den > 0 ? num / den : NAN;
}

/* Copies what replication i measured into its slot. */
static void store_put(rep_store *s, size_t i, const cs_rep *r)
{
    const double window = r->horizon - r->warmup;
    const size_t nc = (size_t)s->nclasses, nt = (size_t)s->nteams;

    s->lt_n[i] = r->lt_n;
    s->lt_sum[i] = r->lt_sum;
    s->work_sum[i] = r->work_sum;
    s->lt_mean[i] = ratio(r->lt_sum, (double)r->lt_n);
    s->lt_p85[i] = r->lt_n > 0 ? cs_hist_quantile(r->hist, 0.85) : NAN;
    s->thru[i] = ratio((double)r->done_window, window);
    s->wip[i] = r->wip_mean;
    s->visits[i] = r->visits;
    s->events[i] = r->events;
    s->arrived[i] = r->arrived;
    s->done[i] = r->done;
    for (size_t c = 0; c < nc; c++) {
        const cs_class_rep *k = &r->classes[c];
        s->cls_mean[i * nc + c] = ratio(k->lt_sum, (double)k->n);
        s->cls_thru[i * nc + c] = ratio((double)k->done_window, window);
    }
    for (size_t t = 0; t < nt; t++) {
        const cs_team_rep *k = &r->teams[t];
        double *f = &s->team[(i * nt + t) * TEAM_NFIELDS];
        f[TEAM_UTIL] = k->utilization;
        f[TEAM_QLEN] = k->queue_len_mean;
        f[TEAM_WAIT] = ratio(k->wait_sum, (double)k->wait_n);
        f[TEAM_BLOCKED] = k->blocked_fraction;
        f[TEAM_WIP] = k->wip_mean;
    }
    for (size_t p = 0; p < (size_t)s->npromises; p++)
        s->prom[i * (size_t)s->npromises + p] = r->promises[p].achieved;
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
** After an interrupt the completed replications need not be the first
** ones (a thread may finish a later one while another is stopped): keeps
** those in replication order at the front of every table.
*/
static void store_compact(rep_store *s, const unsigned char *ok, size_t n)
{
    const size_t nc = (size_t)s->nclasses, nt = (size_t)s->nteams;
    const size_t np = (size_t)s->npromises;
    double *const one[] = {s->lt_mean, s->lt_p85, s->thru, s->wip,
                           s->lt_sum, s->work_sum};
    uint64_t *const ones[] = {s->lt_n, s->visits, s->events, s->arrived,
                              s->done};

    for (size_t a = 0; a < sizeof one / sizeof *one; a++)
        compact_rows(one[a], sizeof(double), 1, ok, n);
    for (size_t a = 0; a < sizeof ones / sizeof *ones; a++)
        compact_rows(ones[a], sizeof(uint64_t), 1, ok, n);
    compact_rows(s->cls_mean, sizeof(double), nc, ok, n);
    compact_rows(s->cls_thru, sizeof(double), nc, ok, n);
    compact_rows(s->team, sizeof(double), nt * TEAM_NFIELDS, ok, n);
    compact_rows(s->prom, sizeof(double), np, ok, n);
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

static void hist_set_add_rep(hist_set *h, const cs_rep *r)
{
    cs_hist_merge(h->all, r->hist);
    for (int c = 0; c < h->n; c++)
        cs_hist_merge(h->cls[c], r->classes[c].hist);
}

static void hist_set_merge(hist_set *dst, const hist_set *src)
{
    cs_hist_merge(dst->all, src->all);
    for (int c = 0; c < dst->n; c++)
        cs_hist_merge(dst->cls[c], src->cls[c]);
}

/* ---- the pool of workers ------------------------------------------- */

typedef struct pool {
    const cs_model *m;
    double warmup;
    uint64_t max_items;
    rep_store *store;
    unsigned total;
    volatile sig_atomic_t *stop;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    unsigned next;          /* next replication to hand out */
    unsigned finished;      /* replications completed */
    unsigned char *ok;      /* [total]: replication i completed */
    unsigned running;       /* workers still running */
    int halt;               /* *stop was seen set: hand out no more */
    /* what the engines look at: set (atomically) by the supervising
    ** thread when it sees *stop, so the signal handler's flag is only
    ** ever read by the thread the handler runs in */
    volatile sig_atomic_t engines_stop;
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
    if (p->stop != NULL)
        cs_engine_set_stop(e, &p->engines_stop);
    while (take(p, &rep)) {
        cs_status st;

        cs_error_clear(&err);
        st = cs_engine_run(e, rep, p->warmup, r, &err);
        if (st == CS_OK) {
            store_put(p->store, rep, r);
            hist_set_add_rep(&w->hists, r);
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

unsigned cs_cpu_count(void)
{
    const long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n >= 1 ? (unsigned)n : 1u;
}

/* Waits for the workers, calling progress on every completion. */
static void supervise(pool *p, const cs_run_opts *o)
{
    unsigned shown = (unsigned)-1;

    pthread_mutex_lock(&p->lock);
    while (p->running > 0) {
        /* a handler that sets the flag runs in this thread, since the
        ** workers block asynchronous signals */
        if (o->stop != NULL && *o->stop && !p->halt) {
            p->halt = 1;
            __atomic_store_n(&p->engines_stop, 1, __ATOMIC_RELAXED);
        }
        if (o->progress != NULL && p->finished != shown) {
            const unsigned done = p->finished;
            shown = done;
            pthread_mutex_unlock(&p->lock);
            o->progress(o->progress_ctx, done, p->total);
            pthread_mutex_lock(&p->lock);
            continue;
        }
        if (o->stop != NULL) {
            /* wake now and then so a signal's flag is seen */
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 100000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&p->changed, &p->lock, &ts);
        } else {
            pthread_cond_wait(&p->changed, &p->lock);
        }
    }
    pthread_mutex_unlock(&p->lock);
    if (o->progress != NULL && p->finished != shown)
        o->progress(o->progress_ctx, p->finished, p->total);
}

/* ---- merging -------------------------------------------------------- */

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
    free(s->classes);
    free(s->teams);
    free(s->promises);
    free(s->rep_lt_mean);
    free(s->rep_lt_p85);
    free(s->rep_throughput);
    free(s->rep_wip);
    if (s->rep_promise != NULL)
        for (int p = 0; p < s->model->npromises; p++)
            free(s->rep_promise[p]);
    free(s->rep_promise);
    free(s);
}

static double *copy_prefix(const double *x, size_t n)
{
    double *y = malloc((n + 1) * sizeof *y);

    if (y != NULL && n > 0)
        memcpy(y, x, n * sizeof *y);
    return y;
}

static cs_summary *summarise(const cs_model *m, const rep_store *st,
                             size_t n, const hist_set *h, double warmup)
{
    const size_t nc = (size_t)m->nclasses, nt = (size_t)m->nteams;
    const size_t np = (size_t)m->npromises;
    cs_summary *s = calloc(1, sizeof *s);
    double *tmp = malloc((n + 1) * sizeof *tmp);
    double lt_sum = 0, work_sum = 0;

    if (s == NULL || tmp == NULL)
        goto fail;
    s->model = m;
    s->replications = (unsigned)n;
    s->warmup = warmup;
    s->horizon = m->horizon;
    s->classes = calloc(nc + 1, sizeof *s->classes);
    s->teams = calloc(nt + 1, sizeof *s->teams);
    s->promises = calloc(np + 1, sizeof *s->promises);
    s->rep_promise = calloc(np + 1, sizeof *s->rep_promise);
    s->rep_lt_mean = copy_prefix(st->lt_mean, n);
    s->rep_lt_p85 = copy_prefix(st->lt_p85, n);
    s->rep_throughput = copy_prefix(st->thru, n);
    s->rep_wip = copy_prefix(st->wip, n);
    if (!s->classes || !s->teams || !s->promises || !s->rep_promise ||
        !s->rep_lt_mean || !s->rep_lt_p85 || !s->rep_throughput ||
        !s->rep_wip)
        goto fail;

    s->lead_time = cs_stats_ci_mean(st->lt_mean, n, 0.95);
    s->throughput = cs_stats_ci_mean(st->thru, n, 0.95);
    s->wip = cs_stats_ci_mean(st->wip, n, 0.95);
    s->lt_n = cs_hist_count(h->all);
    s->p50 = cs_hist_quantile(h->all, 0.50);
    s->p85 = cs_hist_quantile(h->all, 0.85);
    s->p95 = cs_hist_quantile(h->all, 0.95);
    for (size_t i = 0; i < n; i++) {
        lt_sum += st->lt_sum[i];
        work_sum += st->work_sum[i];
        s->visits += st->visits[i];
        s->events += st->events[i];
        s->arrived += st->arrived[i];
        s->done += st->done[i];
    }
    s->flow_efficiency = ratio(work_sum, lt_sum);

    for (size_t c = 0; c < nc; c++) {
        cs_class_summary *k = &s->classes[c];
        k->lead_time = column_ci(st->cls_mean, n, nc, c, tmp);
        k->throughput = column_ci(st->cls_thru, n, nc, c, tmp);
        k->n = cs_hist_count(h->cls[c]);
        k->p50 = cs_hist_quantile(h->cls[c], 0.50);
        k->p85 = cs_hist_quantile(h->cls[c], 0.85);
        k->p95 = cs_hist_quantile(h->cls[c], 0.95);
    }

    s->bottleneck = -1;
    for (size_t t = 0; t < nt; t++) {
        cs_team_summary *k = &s->teams[t];
        const size_t stride = nt * TEAM_NFIELDS;
        k->utilization = column_ci(st->team, n, stride,
                                   t * TEAM_NFIELDS + TEAM_UTIL, tmp);
        k->queue_len = column_ci(st->team, n, stride,
                                 t * TEAM_NFIELDS + TEAM_QLEN, tmp);
        k->queue_wait = column_ci(st->team, n, stride,
                                  t * TEAM_NFIELDS + TEAM_WAIT, tmp);
        k->blocked_fraction = column_ci(st->team, n, stride,
                                        t * TEAM_NFIELDS + TEAM_BLOCKED, tmp);
        k->wip = column_ci(st->team, n, stride, t * TEAM_NFIELDS + TEAM_WIP,
                           tmp);
        if (s->bottleneck < 0 ||
            k->utilization.mean > s->teams[s->bottleneck].utilization.mean)
            s->bottleneck = (int)t;
    }

    for (size_t p = 0; p < np; p++) {
        cs_promise_summary *k = &s->promises[p];
        s->rep_promise[p] = malloc((n + 1) * sizeof(double));
        if (s->rep_promise[p] == NULL)
            goto fail;
        for (size_t i = 0; i < n; i++)
            s->rep_promise[p][i] = st->prom[i * np + p];
        k->target = m->promises[p].target;
        k->achieved = cs_stats_ci_mean(s->rep_promise[p], n, 0.95);
        k->verdict = verdict_of(&k->achieved, k->target);
    }
    s->cost_per_day = cs_model_cost_per_day(m);
    free(tmp);
    return s;
fail:
    free(tmp);
    cs_summary_free(s);
    return NULL;
}

/* ---- warm-up -------------------------------------------------------- */

/*
** MSER (White 1997) on the pilots' batch-mean WIP series: the truncation
** d minimising the squared standard error of the remaining mean,
** sum_{i>=d} (y_i - ybar_d)^2 / (n - d)^2, searched over the first half.
*/
static size_t mser(const double *y, size_t n)
{
    size_t best = 0;
    double best_v = INFINITY;

    for (size_t d = 0; d <= n / 2; d++) {
        const size_t k = n - d;
        double mean = 0, ss = 0;
        for (size_t i = d; i < n; i++)
            mean += y[i];
        mean /= (double)k;
        for (size_t i = d; i < n; i++)
            ss += (y[i] - mean) * (y[i] - mean);
        ss /= (double)k * (double)k;
        if (ss < best_v) {
            best_v = ss;
            best = d;
        }
    }
    return best;
}

cs_status cs_warmup_auto(const cs_model *m, unsigned pilots, double *warmup,
                         cs_error *err)
{
    double series[CS_REP_BATCHES] = {0};
    cs_engine *e = cs_engine_new(m);
    cs_rep *r = cs_engine_rep_new(m);
    cs_status st = CS_OK;

    if (e == NULL || r == NULL) {
        st = cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                          "out of memory choosing the warm-up");
        goto out;
    }
    if (pilots == 0)
        pilots = 1;
    cs_engine_set_max_items(e, cs_run_max_items(m));
    for (unsigned i = 0; i < pilots; i++) {
        st = cs_engine_run(e, i, 0.0, r, err);
        if (st != CS_OK)
            goto out;
        for (size_t b = 0; b < CS_REP_BATCHES; b++)
            series[b] += r->batch_wip[b] / pilots;
    }
    *warmup = (double)mser(series, CS_REP_BATCHES) * m->horizon /
              CS_REP_BATCHES;
out:
    cs_engine_rep_free(r);
    cs_engine_free(e);
    return st;
}

/* ---- the run -------------------------------------------------------- */

uint64_t cs_run_max_items(const cs_model *m)
{
    uint64_t n = CS_RUN_MAX_ITEMS;

    for (int c = 0; c < m->nclasses; c++)
        n += (uint64_t)m->classes[c].backlog;
    return n;
}

cs_status cs_run(const cs_model *m, const cs_run_opts *opts, cs_summary **out,
                 cs_error *err)
{
    cs_run_opts o = *opts;
    pool p;
    rep_store store;
    worker *ws = NULL;
    hist_set total;
    unsigned nthreads;
    cs_status st = CS_OK;
    int have_lock = 0;
    sigset_t block, saved;

    *out = NULL;
    memset(&p, 0, sizeof p);
    memset(&total, 0, sizeof total);
    if (o.replications == 0)
        o.replications = m->replications;
    nthreads = o.threads > 0 ? o.threads : cs_cpu_count();
    if (nthreads > o.replications)
        nthreads = o.replications;

    p.m = m;
    p.total = o.replications;
    p.stop = o.stop;
    p.max_items = o.max_items > 0 ? o.max_items : cs_run_max_items(m);
    if (o.warmup >= 0) {
        p.warmup = o.warmup;
    } else if (m->warmup_auto) {
        st = cs_warmup_auto(m, o.replications < 5 ? o.replications : 5,
                            &p.warmup, err);
        if (st != CS_OK)
            return st;
    } else {
        p.warmup = m->warmup;
    }
    if (store_init(&store, m, o.replications) != 0)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    p.store = &store;
    p.ok = calloc((size_t)o.replications + 1, 1);
    ws = calloc(nthreads, sizeof *ws);
    if (p.ok == NULL || ws == NULL || hist_set_init(&total, m->nclasses) != 0) {
        st = cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.changed, NULL);
    have_lock = 1;
    for (unsigned i = 0; i < nthreads; i++) {
        ws[i].p = &p;
        if (hist_set_init(&ws[i].hists, m->nclasses) != 0) {
            st = cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
            goto out;
        }
    }
    /* workers start with asynchronous signals blocked (they inherit the
    ** mask), so SIGINT and SIGTERM reach this thread only */
    sigfillset(&block);
    sigdelset(&block, SIGSEGV);
    sigdelset(&block, SIGBUS);
    sigdelset(&block, SIGFPE);
    sigdelset(&block, SIGILL);
    sigdelset(&block, SIGABRT);
    pthread_sigmask(SIG_BLOCK, &block, &saved);
    for (unsigned i = 0; i < nthreads; i++) {
        pthread_mutex_lock(&p.lock);
        p.running++;
        pthread_mutex_unlock(&p.lock);
        if (pthread_create(&ws[i].tid, NULL, work, &ws[i]) != 0) {
            pthread_mutex_lock(&p.lock);
            p.running--;
            pthread_mutex_unlock(&p.lock);
            if (i == 0) {
                pthread_sigmask(SIG_SETMASK, &saved, NULL);
                st = cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                                  "cannot start a thread");
                goto out;
            }
            break;
        }
        ws[i].started = 1;
    }
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    supervise(&p, &o);
    for (unsigned i = 0; i < nthreads; i++)
        if (ws[i].started)
            pthread_join(ws[i].tid, NULL);
    if (p.failed) {
        st = p.status;
        if (err != NULL) {
            *err = p.err;
            if (o.replications > 1) {
                char prefix[32];
                snprintf(prefix, sizeof prefix, "replication %u",
                         p.err_rep + 1);
                cs_error_prefix(err, prefix);
            }
        }
        goto out;
    }
    for (unsigned i = 0; i < nthreads; i++)
        hist_set_merge(&total, &ws[i].hists);
    if (p.finished < p.total)
        store_compact(&store, p.ok, p.total);
    *out = summarise(m, &store, p.finished, &total, p.warmup);
    if (*out == NULL) {
        st = cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    (*out)->partial = p.finished < p.total;
out:
    if (ws != NULL)
        for (unsigned i = 0; i < nthreads; i++)
            hist_set_free(&ws[i].hists);
    free(ws);
    hist_set_free(&total);
    store_free(&store);
    free(p.ok);
    if (have_lock) {
        pthread_mutex_destroy(&p.lock);
        pthread_cond_destroy(&p.changed);
    }
    return st;
}

/* ---- comparison ----------------------------------------------------- */

void cs_comparison_free(cs_comparison *c)
{
    if (c == NULL)
        return;
    free(c->promise);
    free(c);
}

cs_comparison *cs_compare(const cs_summary *base, const cs_summary *v,
                          double level)
{
    const size_t n = base->replications < v->replications
                         ? base->replications
                         : v->replications;
    cs_comparison *c = calloc(1, sizeof *c);

    if (c == NULL)
        return NULL;
    c->level = level;
    c->npromises = v->model->npromises;
    c->promise = calloc((size_t)c->npromises + 1, sizeof *c->promise);
    if (c->promise == NULL) {
        free(c);
        return NULL;
    }
    c->lead_time_mean = cs_stats_ci_paired(v->rep_lt_mean, base->rep_lt_mean, n,
                                     level);
    c->lead_time_p85 = cs_stats_ci_paired(v->rep_lt_p85, base->rep_lt_p85, n,
                                    level);
    c->throughput = cs_stats_ci_paired(v->rep_throughput, base->rep_throughput, n,
                                 level);
    c->wip = cs_stats_ci_paired(v->rep_wip, base->rep_wip, n, level);
    for (int p = 0; p < c->npromises; p++) {
        int q = -1;
        for (int j = 0; j < base->model->npromises; j++)
            if (strcmp(base->model->promises[j].name,
                       v->model->promises[p].name) == 0)
                q = j;
        if (q < 0) {
            c->promise[p].mean = c->promise[p].lo = c->promise[p].hi = NAN;
            continue;
        }
        c->promise[p] = cs_stats_ci_paired(v->rep_promise[p], base->rep_promise[q],
                                     n, level);
    }
    return c;
}
