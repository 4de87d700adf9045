/*
** test_engine.c - the engine against queueing theory and hand-checked
** event sequences.
**
** Analytic cases run R independent replications (rep = 0..R-1), take one
** mean per replication and compare the mean over replications with the
** formula.  Tolerance = TOL_SE (4.5) standard errors of that mean, from
** the spread over the replications actually run and nothing else: every
** formula is exact for its model (the two-server fork-join included,
** Flatto & Hahn 1984) and the per-replication means are unbiased once the
** warm-up (a tenth of the horizon, many relaxation times of each chain)
** has cut the transient of the empty start.  Per-replication means are
** independent and close to normal, so a correct engine misses by more
** than 4.5 SE with probability about 1e-4 per case even with the Student
** t tails of 20-30 replications.  Seeds are fixed, so every run gives the
** same verdict.
**
** Two sizes.  By default (make unit, and under the sanitizers and
** valgrind) horizons are 20 times shorter; CS_VALIDATE=1 (make validate)
** runs the long horizons whose figures docs/validation.md keeps.
** CS_QUICK=1 forces the short ones.  The tolerances follow from what was
** run, so both sizes check the same thing, the long one more sharply.
**
** Each analytic row is also written to a shared temporary file (Check
** forks per test) and printed as a table on stderr at the end, with the
** error in standard errors.
*/
#include <check.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/engine.h"
#include "chainsim/model.h"
#include "chainsim/stats.h"
#include "testlib.h"

#define MAXR 40
#define MAXT 8
#define MAXC 4

static FILE *g_rows;     /* analytic results, shared by the forked tests */
static double g_scale = 0.2;  /* 4.0 with CS_VALIDATE=1 */
/* Under the sanitizers (and CS_DEBUG's invariants) the analytic cases run
** a quarter of the short horizons, for the memory and invariant checks;
** their tolerances, which need the full horizon's warm-up, are then not
** asserted (the rows are still printed). */
#if defined(__SANITIZE_ADDRESS__) || defined(CS_DEBUG)
static const int g_smoke = 1;
#else
static const int g_smoke = 0;
#endif

#define TOL_SE 4.5

/* ---- model building -------------------------------------------------- */

static cs_model *mk_model(double horizon, double warmup)
{
    cs_model *m = cs_model_new();

    ck_assert_ptr_nonnull(m);
    m->name = tl_dup("test");
    m->variant = tl_dup("baseline");
    m->horizon = horizon;
    m->warmup = warmup;
    m->seed = 20240611;
    return m;
}

static int add_team(cs_model *m, const char *name, int capacity)
{
    cs_team *t;

    m->teams = tl_grow(m->teams, (size_t)m->nteams + 1, sizeof *m->teams);
    t = &m->teams[m->nteams];
    memset(t, 0, sizeof *t);
    t->name = tl_dup(name);
    t->capacity = capacity;
    t->focus = 1.0;
    t->handoff = tl_const(0);
    return m->nteams++;
}

static void set_handoff(cs_model *m, int t, cs_dist d)
{
    m->teams[t].has_handoff = 1;
    m->teams[t].handoff = d;
}

/* A class with Poisson arrivals at rate per day (0: backlog only). */
static int add_class(cs_model *m, const char *name, double rate)
{
    cs_class *c;

    m->classes = tl_grow(m->classes, (size_t)m->nclasses + 1, sizeof *m->classes);
    c = &m->classes[m->nclasses];
    memset(c, 0, sizeof *c);
    c->name = tl_dup(name);
    c->arrival = rate > 0 ? CS_ARRIVE_RATE : CS_ARRIVE_NONE;
    c->rate = rate;
    c->interval = tl_const(0);
    c->batch = 1;
    return m->nclasses++;
}

static void set_interval(cs_model *m, int c, cs_dist d)
{
    m->classes[c].arrival = CS_ARRIVE_INTERVAL;
    m->classes[c].interval = d;
}

static int new_step(cs_class *c)
{
    c->steps = tl_grow(c->steps, (size_t)c->nsteps + 1, sizeof *c->steps);
    memset(&c->steps[c->nsteps], 0, sizeof *c->steps);
    c->steps[c->nsteps].p = 1.0;
    c->steps[c->nsteps].rework_factor = 1.0;
    c->steps[c->nsteps].effort = tl_const(0);
    return c->nsteps++;
}

static void route_add(cs_class *c, int s)
{
    c->route = tl_grow(c->route, (size_t)c->nroute + 1, sizeof *c->route);
    c->route[c->nroute++] = s;
}

/* Appends a work step at team t to class c's route; returns its index. */
static int add_step(cs_model *m, int c, int t, cs_dist effort)
{
    cs_class *const k = &m->classes[c];
    const int s = new_step(k);

    k->steps[s].kind = CS_STEP_WORK;
    k->steps[s].team = t;
    k->steps[s].effort = effort;
    route_add(k, s);
    return s;
}

/* Appends a parallel step with n branches; returns its index. */
static int add_parallel(cs_model *m, int c, int n, const int *teams,
                        const cs_dist *efforts)
{
    cs_class *const k = &m->classes[c];
    const int s = new_step(k);

    k->steps[s].kind = CS_STEP_PARALLEL;
    k->steps[s].nbranches = n;
    k->steps[s].branch_first = s + 1;
    route_add(k, s);
    for (int b = 0; b < n; b++) {
        const int bs = new_step(k);
        k->steps[bs].kind = CS_STEP_WORK;
        k->steps[bs].team = teams[b];
        k->steps[bs].effort = efforts[b];
    }
    return s;
}

/* A joint step (SPEC 5.5): one worker of each of teams[0..n) at once for
** one effort; its parts carry copies, as the scenario reader makes them. */
static int add_joint(cs_model *m, int c, int n, const int *teams,
                     cs_dist effort)
{
    cs_class *const k = &m->classes[c];
    const int s = new_step(k);

    k->steps[s].kind = CS_STEP_PARALLEL;
    k->steps[s].joint = 1;
    k->steps[s].nbranches = n;
    k->steps[s].branch_first = s + 1;
    k->steps[s].effort = effort;
    route_add(k, s);
    for (int b = 0; b < n; b++) {
        const int bs = new_step(k);
        k->steps[bs].kind = CS_STEP_WORK;
        k->steps[bs].team = teams[b];
        ck_assert_int_eq(cs_dist_copy(&k->steps[bs].effort, &effort), CS_OK);
    }
    return s;
}

static void set_rework(cs_model *m, int c, int s, double p, int to,
                       double factor)
{
    cs_step *const st = &m->classes[c].steps[s];

    st->has_rework = 1;
    st->rework_p = p;
    st->rework_to = to;
    st->rework_factor = factor;
}

static int add_promise(cs_model *m, cs_promise_kind kind, int work,
                       double within, double target, double per)
{
    cs_promise *p;

    m->promises = tl_grow(m->promises, (size_t)m->npromises + 1,
                       sizeof *m->promises);
    p = &m->promises[m->npromises];
    memset(p, 0, sizeof *p);
    p->name = tl_dup("promise");
    p->kind = kind;
    p->work = work;
    p->within = within;
    p->target = target;
    p->per = per;
    return m->npromises++;
}

/* ---- replications and analytic checks ------------------------------- */

typedef struct meas {
    int R;
    double lt[MAXR];              /* mean lead time */
    double wip[MAXR];             /* time-average items in the chain */
    double little[MAXR];          /* wip - arrival rate x mean lead time */
    double delay[MAXR];           /* time-average cost of delay per day */
    double clt[MAXC][MAXR];       /* mean lead time per class */
    double util[MAXT][MAXR];
    double wait[MAXT][MAXR];      /* mean queue wait per visit */
    double qlen[MAXT][MAXR];
    double starts[MAXT][MAXR];    /* work starts in the window */
    double res[MAXT][MAXR];       /* reserved share (joint work) */
    double thru[MAXC][MAXR];      /* items done per day in the window */
} meas;

static meas *replicate(const cs_model *m, int R)
{
    meas *x = calloc(1, sizeof *x);
    cs_engine *e = cs_engine_new(m);
    cs_rep *r = cs_engine_rep_new(m);
    double rate = 0.0;
    cs_error err;

    ck_assert_ptr_nonnull(x);
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_le(R, MAXR);
    for (int c = 0; c < m->nclasses; c++)
        rate += cs_model_class_rate(m, c);
    x->R = R;
    for (int i = 0; i < R; i++) {
        const cs_status st = cs_engine_run(e, (uint64_t)i, m->warmup, r, &err);
        ck_assert_msg(st == CS_OK, "replication %d: %s", i, err.msg);
        ck_assert(r->lt_n > 0);
        x->lt[i] = r->lt_sum / (double)r->lt_n;
        x->wip[i] = r->wip_mean;
        x->delay[i] = r->delay_cost_mean;
        x->little[i] = r->wip_mean - rate * x->lt[i];
        for (int c = 0; c < m->nclasses && c < MAXC; c++)
            x->clt[c][i] = r->classes[c].n > 0
                               ? r->classes[c].lt_sum / (double)r->classes[c].n
                               : NAN;
        for (int t = 0; t < m->nteams && t < MAXT; t++) {
            x->util[t][i] = r->teams[t].utilization;
            x->wait[t][i] = r->teams[t].wait_n > 0
                                ? r->teams[t].wait_sum /
                                      (double)r->teams[t].wait_n
                                : 0.0;
            x->qlen[t][i] = r->teams[t].queue_len_mean;
            x->starts[t][i] = (double)r->teams[t].wait_n;
            x->res[t][i] = r->teams[t].reserved_fraction;
        }
        for (int c = 0; c < m->nclasses && c < MAXC; c++)
            x->thru[c][i] = (double)r->classes[c].done_window /
                            (m->horizon - m->warmup);
    }
    cs_engine_rep_free(r);
    cs_engine_free(e);
    return x;
}

/*
** Compares the mean of x[0..R) with expected: tolerance TOL_SE standard
** errors of that mean, from the replications run and nothing else (no
** relative slack: every formula below is exact for its model and the
** estimators are unbiased once the warm-up has cut the transient).
** Records the row, with the error in standard errors.
*/
static void check_case(const char *name, const char *formula,
                       const char *params, double expected, const double *x,
                       const meas *ms, const cs_model *m)
{
    double mean, se, tol, err;

    tl_mean_se(x, ms->R, &mean, &se);
    tol = TOL_SE * se;
    err = mean - expected;
    if (g_rows != NULL) {
        fprintf(g_rows, "| %s | %s | %s | %.4f | %.4f | %+.2f%% | %+.2f | "
                "%.4f | %d | %g (warm-up %g) |\n",
                name, formula, params, expected, mean,
                expected != 0 ? 100.0 * err / expected : 0.0,
                se > 0 ? err / se : 0.0, tol, ms->R, m->horizon, m->warmup);
        fflush(g_rows);
    }
    if (!g_smoke)
        ck_assert_msg(fabs(err) <= tol, "%s: expected %.5f, measured %.5f "
                      "+- %.5f (SE %.5f, tolerance %.5f)", name, expected,
                      mean, err, se, tol);
}

static double H(double h)
{
    return h * g_scale;
}

/* Erlang C: probability of waiting in M/M/c with offered load a = l/mu. */
static double erlang_c(int c, double a)
{
    double sum = 0.0, term = 1.0, top;

    for (int k = 0; k < c; k++) {
        sum += term;
        term *= a / (k + 1);
    }
    top = term / (1.0 - a / c);
    return top / (sum + top);
}

/* Mean sojourn in M/M/c: Erlang C wait plus service. */
static double mmc_sojourn(int c, double lambda, double mu)
{
    return erlang_c(c, lambda / mu) / (c * mu - lambda) + 1.0 / mu;
}

/* ---- trace capture --------------------------------------------------- */

typedef struct tev {
    double t;
    uint64_t item;
    int cls, team, step;
    char ev[12];
} tev;

typedef struct tlog {
    tev *v;
    size_t n, cap;
} tlog;

static void tlog_fn(void *ctx, const cs_trace_event *ev)
{
    tlog *l = ctx;

    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->v = tl_grow(l->v, l->cap, sizeof *l->v);
    }
    l->v[l->n].t = ev->time;
    l->v[l->n].item = ev->item;
    l->v[l->n].cls = ev->cls;
    l->v[l->n].team = ev->team;
    l->v[l->n].step = ev->step;
    snprintf(l->v[l->n].ev, sizeof l->v[l->n].ev, "%s", ev->event);
    l->n++;
}

/* Time of the k-th (0-based) event ev of item (team -1: any); -1 if none. */
static double tfind(const tlog *l, uint64_t item, const char *ev, int team,
                    int k)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].item == item && strcmp(l->v[i].ev, ev) == 0 &&
            (team < 0 || l->v[i].team == team) && k-- == 0)
            return l->v[i].t;
    return -1.0;
}

static size_t tcount(const tlog *l, const char *ev)
{
    size_t n = 0;

    for (size_t i = 0; i < l->n; i++)
        n += strcmp(l->v[i].ev, ev) == 0;
    return n;
}

/* Runs replication rep with a trace; asserts status want. */
static void run_traced(const cs_model *m, uint64_t rep, tlog *l, cs_rep *r,
                       cs_status want, cs_error *err)
{
    cs_engine *e = cs_engine_new(m);
    cs_status st;

    ck_assert_ptr_nonnull(e);
    cs_engine_set_trace(e, tlog_fn, l);
    st = cs_engine_run(e, rep, m->warmup, r, err);
    ck_assert_msg(st == want, "status %d, want %d: %s", st, want, err->msg);
    cs_engine_free(e);
}

#define EPS 1e-9

/* ---- analytic cases -------------------------------------------------- */

START_TEST(test_mm1)
{
    cs_model *m = mk_model(H(60000), H(6000));
    int c, a;
    meas *x;

    a = add_team(m, "a", 1);
    c = add_class(m, "w", 0.8);
    add_step(m, c, a, tl_exp(1.0));
    x = replicate(m, 30);
    check_case("M/M/1 sojourn", "W = 1/(mu-lambda)", "lambda 0.8, mu 1", 5.0,
               x->lt, x, m);
    check_case("M/M/1 queue wait", "Wq = rho/(mu-lambda)", "lambda 0.8, mu 1",
               4.0, x->wait[0], x, m);
    check_case("M/M/1 utilisation", "rho = lambda/mu", "lambda 0.8, mu 1", 0.8,
               x->util[0], x, m);
    check_case("M/M/1 WIP", "L = lambda W", "lambda 0.8, mu 1", 4.0, x->wip,
               x, m);
    check_case("M/M/1 queue length", "Lq = lambda Wq", "lambda 0.8, mu 1", 3.2,
               x->qlen[0], x, m);
    check_case("M/M/1 Little (measured)", "L - lambda W = 0",
               "lambda 0.8, mu 1", 0.0, x->little, x, m);
    free(x);
    cs_model_free(m);
}
END_TEST

/* Cost of delay (SPEC 5.9) in M/M/1 with two classes: by Little's law
** the class's WIP is lambda_k W, W = 1/(mu - lambda) for both, so the
** cost is the sum of c_k lambda_k W. */
START_TEST(test_mm1_cost_of_delay)
{
    cs_model *m = mk_model(H(60000), H(6000));
    int x_, y_, a;
    meas *x;

    a = add_team(m, "a", 1);
    x_ = add_class(m, "x", 0.5);
    y_ = add_class(m, "y", 0.3);
    add_step(m, x_, a, tl_exp(1.0));
    add_step(m, y_, a, tl_exp(1.0));
    m->classes[x_].cost_of_delay = 10.0;
    m->classes[y_].cost_of_delay = 4.0;
    x = replicate(m, 30);
    check_case("M/M/1 cost of delay", "sum c_k lambda_k / (mu - lambda)",
               "lambda 0.5 + 0.3, mu 1, c 10 and 4",
               (10.0 * 0.5 + 4.0 * 0.3) / (1.0 - 0.8), x->delay, x, m);
    free(x);
    cs_model_free(m);
}
END_TEST

START_TEST(test_mmc)
{
    cs_model *m = mk_model(H(30000), H(3000));
    int c, a;
    meas *x;
    const double wq = erlang_c(3, 2.4) / (3.0 - 2.4);

    a = add_team(m, "a", 3);
    c = add_class(m, "w", 2.4);
    add_step(m, c, a, tl_exp(1.0));
    x = replicate(m, 30);
    check_case("M/M/3 queue wait", "Wq = C(3, a)/(c mu - lambda)",
               "lambda 2.4, mu 1, c 3", wq, x->wait[0], x, m);
    check_case("M/M/3 sojourn", "W = Wq + 1/mu", "lambda 2.4, mu 1, c 3",
               wq + 1.0, x->lt, x, m);
    check_case("M/M/3 utilisation", "rho = lambda/(c mu)",
               "lambda 2.4, mu 1, c 3", 0.8, x->util[0], x, m);
    free(x);
    cs_model_free(m);
}
END_TEST

START_TEST(test_tandem)
{
    cs_model *m = mk_model(H(60000), H(6000));
    int c, a, b, d;
    meas *x;
    const double w1 = mmc_sojourn(1, 0.8, 1.0);
    const double w2 = mmc_sojourn(2, 0.8, 0.5);
    const double w3 = mmc_sojourn(1, 0.8, 1.0 / 0.9);

    a = add_team(m, "a", 1);
    b = add_team(m, "b", 2);
    d = add_team(m, "c", 1);
    c = add_class(m, "w", 0.8);
    add_step(m, c, a, tl_exp(1.0));
    add_step(m, c, b, tl_exp(2.0));
    add_step(m, c, d, tl_exp(0.9));
    x = replicate(m, 30);
    check_case("Tandem Jackson sojourn", "W = W(M/M/1) + W(M/M/2) + W(M/M/1)",
               "lambda 0.8; mu 1, 2x0.5, 1/0.9", w1 + w2 + w3, x->lt, x, m);
    check_case("Tandem station 2 wait", "Wq = C(2, a)/(c mu - lambda)",
               "lambda 0.8, mu 0.5, c 2", w2 - 2.0, x->wait[1], x, m);
    free(x);
    cs_model_free(m);
}
END_TEST

START_TEST(test_jackson_feedback)
{
    cs_model *m = mk_model(H(60000), H(6000));
    int c, a, b, s2;
    meas *x;
    const double lam = 0.5, p = 0.2, le = lam / (1 - p);
    const double mu1 = 1.0, mu2 = 1.25;
    const double rho1 = le / mu1, rho2 = le / mu2;
    const double w = (rho1 / (1 - rho1) + rho2 / (1 - rho2)) / lam;

    a = add_team(m, "a", 1);
    b = add_team(m, "b", 1);
    c = add_class(m, "w", lam);
    add_step(m, c, a, tl_exp(1.0 / mu1));
    s2 = add_step(m, c, b, tl_exp(1.0 / mu2));
    set_rework(m, c, s2, p, 0, 1.0);
    x = replicate(m, 30);
    check_case("Jackson feedback sojourn",
               "W = sum rho_i/(1-rho_i) / lambda, lambda_i = lambda/(1-p)",
               "lambda 0.5, p 0.2, mu 1, 1.25", w, x->lt, x, m);
    check_case("Jackson feedback util 1", "rho1 = lambda/((1-p) mu1)",
               "lambda 0.5, p 0.2, mu 1", rho1, x->util[0], x, m);
    free(x);
    cs_model_free(m);
}
END_TEST

START_TEST(test_md1_mg1)
{
    cs_model *m = mk_model(H(60000), H(6000));
    int c, a;
    meas *x;
    const double lam = 0.8, rho = 0.8;

    a = add_team(m, "a", 1);
    c = add_class(m, "w", lam);
    add_step(m, c, a, tl_const(1.0));
    x = replicate(m, 30);
    check_case("M/D/1 queue wait", "Wq = lambda E[S^2]/(2(1-rho))",
               "lambda 0.8, S = 1", lam * 1.0 / (2 * (1 - rho)), x->wait[0], x,
               m);
    free(x);
    cs_model_free(m);

    m = mk_model(H(60000), H(6000));
    a = add_team(m, "a", 1);
    c = add_class(m, "w", lam);
    add_step(m, c, a, tl_gamma(1.0, 0.5));
    x = replicate(m, 30);
    check_case("M/G/1 gamma queue wait", "Wq = lambda E[S^2]/(2(1-rho))",
               "lambda 0.8, gamma mean 1 cv 0.5", lam * 1.25 / (2 * (1 - rho)),
               x->wait[0], x, m);
    check_case("M/G/1 gamma sojourn", "W = Wq + E[S]",
               "lambda 0.8, gamma mean 1 cv 0.5",
               lam * 1.25 / (2 * (1 - rho)) + 1.0, x->lt, x, m);
    free(x);
    cs_model_free(m);
}
END_TEST

START_TEST(test_priority_cobham)
{
    cs_model *m = mk_model(H(60000), H(6000));
    int hi, lo, a;
    meas *x;
    const double l1 = 0.3, l2 = 0.5, s1 = l1, s = l1 + l2;
    const double w0 = (l1 * 2.0 + l2 * 2.0) / 2.0;   /* E[S^2] = 2 for exp(1) */

    a = add_team(m, "a", 1);
    m->teams[a].discipline = CS_DISC_PRIORITY;
    hi = add_class(m, "urgent", l1);
    m->classes[hi].priority = 1;
    add_step(m, hi, a, tl_exp(1.0));
    lo = add_class(m, "normal", l2);
    add_step(m, lo, a, tl_exp(1.0));
    x = replicate(m, 30);
    check_case("Priority M/M/1 class 1", "W1 = W0/(1-s1) + 1",
               "l1 0.3, l2 0.5, mu 1", w0 / (1 - s1) + 1.0, x->clt[hi], x, m);
    check_case("Priority M/M/1 class 2", "W2 = W0/((1-s1)(1-s)) + 1",
               "l1 0.3, l2 0.5, mu 1", w0 / ((1 - s1) * (1 - s)) + 1.0,
               x->clt[lo], x, m);
    free(x);
    cs_model_free(m);
}
END_TEST

/*
** Fork-join of two M/M/1 servers: mean response (12 - rho)/8 / (mu -
** lambda).  For two homogeneous exponential servers this is exact
** (Flatto & Hahn 1984; Thomasian, ACM Comput. Surv. 47(2) 2014, eq. 6);
** Nelson & Tantawi's (1988) scaling approximation extends it to K > 2
** servers within a few percent.  K = 2 is the exact case, so it gets the
** plain tolerance.
*/
START_TEST(test_fork_join)
{
    cs_model *m = mk_model(H(60000), H(6000));
    int c;
    int teams[2];
    cs_dist eff[2];
    meas *x;
    const double lam = 0.6, rho = 0.6;

    teams[0] = add_team(m, "a", 1);
    teams[1] = add_team(m, "b", 1);
    eff[0] = tl_exp(1.0);
    eff[1] = tl_exp(1.0);
    c = add_class(m, "w", lam);
    add_parallel(m, c, 2, teams, eff);
    x = replicate(m, 30);
    check_case("Fork-join 2 x M/M/1", "R = (12 - rho)/8 / (mu - lambda)",
               "lambda 0.6, mu 1", (12 - rho) / 8 / (1 - lam), x->lt, x, m);
    check_case("Fork-join branch util", "rho = lambda/mu", "lambda 0.6, mu 1",
               rho, x->util[1], x, m);
    free(x);
    cs_model_free(m);
}
END_TEST

START_TEST(test_focus)
{
    cs_model *m = mk_model(H(60000), H(6000));
    int c, a;
    meas *x;

    a = add_team(m, "a", 1);
    m->teams[a].focus = 0.5;
    c = add_class(m, "w", 0.8);
    add_step(m, c, a, tl_exp(0.5));
    x = replicate(m, 30);
    check_case("M/M/1 with focus 0.5", "W = 1/(mu-lambda), mu = focus/E",
               "lambda 0.8, E 0.5, focus 0.5", 5.0, x->lt, x, m);
    check_case("Focus utilisation", "rho = lambda E/focus",
               "lambda 0.8, E 0.5, focus 0.5", 0.8, x->util[0], x, m);
    free(x);
    cs_model_free(m);
}
END_TEST

/* Visits of a step with p = 0.5 are half those of the step before. */
START_TEST(test_step_p)
{
    cs_model *m = mk_model(H(20000), 0);
    int c, a, b, s;
    meas *x;
    double ratio[MAXR];

    a = add_team(m, "a", 1);
    b = add_team(m, "b", 1);
    c = add_class(m, "w", 0.5);
    add_step(m, c, a, tl_exp(1.0));
    s = add_step(m, c, b, tl_exp(1.0));
    m->classes[c].steps[s].p = 0.5;
    x = replicate(m, 20);
    for (int i = 0; i < x->R; i++)
        ratio[i] = x->starts[b][i] / x->starts[a][i];
    check_case("Step p = 0.5 visits", "visits(b)/visits(a) = p", "p 0.5", 0.5,
               ratio, x, m);
    free(x);
    cs_model_free(m);
}
END_TEST

/* ---- deterministic cases --------------------------------------------- */

/* 10 items in the backlog, capacity 2, effort 1: done in pairs at 1..5. */
START_TEST(test_backlog_only)
{
    cs_model *m = mk_model(10, 0);
    int c, a;
    cs_rep *r;
    tlog l = {0};
    cs_error err;

    a = add_team(m, "a", 2);
    c = add_class(m, "w", 0);
    m->classes[c].backlog = 10;
    add_step(m, c, a, tl_const(1.0));
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert_uint_eq(r->arrived, 10);
    ck_assert_uint_eq(r->done, 10);
    ck_assert_uint_eq(r->lt_n, 10);
    ck_assert_uint_eq(r->visits, 10);
    ck_assert_uint_eq(r->in_system_end, 0);
    ck_assert_double_eq_tol(r->lt_sum, 30.0, EPS);
    for (uint64_t i = 1; i <= 10; i++)
        ck_assert_double_eq_tol(tfind(&l, i, "done", -1, 0),
                                (double)((i + 1) / 2), EPS);
    /* WIP: 10, 8, 6, 4, 2 over [0, 5] -> 30 / 10 */
    ck_assert_double_eq_tol(r->wip_mean, 3.0, EPS);
    ck_assert_double_eq_tol(r->teams[a].utilization, 0.5, EPS);
    /* queue: 8, 6, 4, 2, 0 -> 20 / 10 */
    ck_assert_double_eq_tol(r->teams[a].queue_len_mean, 2.0, EPS);
    ck_assert_double_eq_tol(r->teams[a].wait_sum, 2 * (0 + 1 + 2 + 3 + 4.0),
                            EPS);
    ck_assert_double_eq_tol(cs_hist_quantile(r->hist, 1.0), 5.0, 0.03);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/* A promise on a list of classes pools them (SPEC 5.8): its counts are
** the sums of the same promise on each class, and a class outside the
** list adds nothing. */
static void set_works(cs_model *m, int p, int n, const int *c)
{
    cs_promise *const q = &m->promises[p];

    q->work = CS_PROMISE_WORK_LIST;
    q->works = tl_grow(NULL, (size_t)n, sizeof *q->works);
    memcpy(q->works, c, (size_t)n * sizeof *c);
    q->nworks = n;
}

START_TEST(test_promise_group)
{
    cs_model *m = mk_model(400, 40);
    const int kinds[2] = {CS_PROMISE_LEAD_TIME, CS_PROMISE_THROUGHPUT};
    cs_engine *e;
    cs_rep *r;
    cs_error err;
    int a, x, y, z, px[2], py[2], pxy[2], pall[2], dxy, dx;

    a = add_team(m, "a", 1);
    x = add_class(m, "x", 0.3);
    y = add_class(m, "y", 0.2);
    z = add_class(m, "z", 0.3);
    m->classes[x].backlog = 3;
    m->classes[y].backlog = 2;
    add_step(m, x, a, tl_exp(1.0));
    add_step(m, y, a, tl_exp(0.5));
    add_step(m, z, a, tl_exp(1.5));
    for (int k = 0; k < 2; k++) {
        const cs_promise_kind kd = (cs_promise_kind)kinds[k];
        px[k] = add_promise(m, kd, x, 4.0, 0.8, 10.0);
        py[k] = add_promise(m, kd, y, 4.0, 0.8, 10.0);
        pxy[k] = add_promise(m, kd, -1, 4.0, 0.8, 10.0);
        set_works(m, pxy[k], 2, (const int[]){y, x});
        pall[k] = add_promise(m, kd, -1, 4.0, 0.8, 10.0);
        set_works(m, pall[k], 3, (const int[]){x, y, z});
    }
    dx = add_promise(m, CS_PROMISE_DONE_BY, x, 0, 0.5, 0);
    m->promises[dx].done_by = 390.0;
    dxy = add_promise(m, CS_PROMISE_DONE_BY, -1, 0, 0.5, 0);
    m->promises[dxy].done_by = 390.0;
    set_works(m, dxy, 2, (const int[]){x, z});
    e = cs_engine_new(m);
    r = cs_engine_rep_new(m);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(cs_engine_run(e, 0, m->warmup, r, &err), CS_OK);
    {
        const cs_promise_rep *const q = r->promises;
        ck_assert_uint_gt(q[px[0]].eligible, 0);
        ck_assert_uint_gt(q[py[0]].eligible, 0);
        ck_assert_uint_eq(q[pxy[0]].eligible,
                          q[px[0]].eligible + q[py[0]].eligible);
        ck_assert_uint_eq(q[pxy[0]].on_time,
                          q[px[0]].on_time + q[py[0]].on_time);
        ck_assert_double_eq_tol(q[pxy[1]].achieved,
                                q[px[1]].achieved + q[py[1]].achieved, EPS);
        ck_assert_double_eq_tol(q[pall[1]].achieved,
                                (double)r->done_window / 360.0 * 10.0, EPS);
        /* z has no initial items: the group's completion is x's */
        ck_assert_double_eq(q[dxy].achieved, q[dx].achieved);
        ck_assert(!isnan(q[dx].achieved));
    }
    cs_engine_rep_free(r);
    cs_engine_free(e);
    cs_model_free(m);
}
END_TEST

/*
** Cost of delay by hand: a backlog of 10 items, two workers, effort 1:
** the lead times are 1, 1, 2, 2, ..., 5, 5 (sum 30), so the WIP area over
** [0, 10] is 30 and a cost of 3 per item-day costs 3 x 30 / 10 = 9 per
** day.  A second class without a cost adds nothing; with a warm-up of 2
** the window [2, 10] sees WIP 6, 4, 2 over [2, 5]: 3 x 12 / 8.
*/
START_TEST(test_cost_of_delay_exact)
{
    const double warmups[2] = {0.0, 2.0}, want[2] = {9.0, 4.5};

    for (int k = 0; k < 2; k++) {
        cs_model *m = mk_model(10, warmups[k]);
        cs_engine *e;
        cs_rep *r;
        cs_error err;
        int c, d, a, b;

        a = add_team(m, "a", 2);
        b = add_team(m, "b", 1);
        c = add_class(m, "w", 0);
        d = add_class(m, "free", 0);
        m->classes[c].backlog = 10;
        m->classes[c].cost_of_delay = 3.0;
        m->classes[d].backlog = 4;
        add_step(m, c, a, tl_const(1.0));
        add_step(m, d, b, tl_const(1.0));
        e = cs_engine_new(m);
        r = cs_engine_rep_new(m);
        ck_assert_int_eq(cs_engine_run(e, 0, m->warmup, r, &err), CS_OK);
        ck_assert_double_eq_tol(r->delay_cost_mean, want[k], EPS);
        m->classes[c].cost_of_delay = 0.0;
        cs_engine_free(e);
        e = cs_engine_new(m);
        ck_assert_int_eq(cs_engine_run(e, 0, m->warmup, r, &err), CS_OK);
        ck_assert_double_eq(r->delay_cost_mean, 0.0);
        cs_engine_rep_free(r);
        cs_engine_free(e);
        cs_model_free(m);
    }
}
END_TEST

/*
** A (capacity 1, effort 1) -> B (capacity 1, effort 2, WIP limit 1),
** backlog 3.  By hand: item 1 A [0,1] B [1,3]; item 2 A [1,2], blocked at
** A [2,3], B [3,5]; item 3 A [2,3] (A's worker is free while item 2 is
** blocked), blocked [3,5], B [5,7].  A is blocked over [2,5].
*/
START_TEST(test_wip_limit_blocking)
{
    cs_model *m = mk_model(10, 0);
    int c, a, b;
    cs_rep *r;
    tlog l = {0};
    cs_error err;

    a = add_team(m, "a", 1);
    b = add_team(m, "b", 1);
    m->teams[b].wip_limit = 1;
    c = add_class(m, "w", 0);
    m->classes[c].backlog = 3;
    add_step(m, c, a, tl_const(1.0));
    add_step(m, c, b, tl_const(2.0));
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert_double_eq_tol(tfind(&l, 1, "done", -1, 0), 3.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "done", -1, 0), 5.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 3, "done", -1, 0), 7.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "blocked", a, 0), 2.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 3, "blocked", a, 0), 3.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 3, "start", a, 0), 2.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "enter", b, 0), 3.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 3, "enter", b, 0), 5.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 3, "start", b, 0), 5.0, EPS);
    ck_assert_uint_eq(tcount(&l, "blocked"), 2);
    ck_assert_double_eq_tol(r->teams[a].blocked_fraction, 0.3, EPS);
    ck_assert_double_eq_tol(r->teams[b].blocked_fraction, 0.0, EPS);
    ck_assert_double_eq_tol(r->teams[a].utilization, 0.3, EPS);
    ck_assert_double_eq_tol(r->teams[b].utilization, 0.6, EPS);
    /* A's WIP: 3 [0,1], 2 [1,3], 1 [3,5] -> 9 / 10; B's: 1 over [1,7]. */
    ck_assert_double_eq_tol(r->teams[a].wip_mean, 0.9, EPS);
    ck_assert_double_eq_tol(r->teams[b].wip_mean, 0.6, EPS);
    ck_assert_double_eq_tol(r->lt_sum, 15.0, EPS);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** S (1) -> parallel(A 2, B 3, B WIP limit 1) -> C (1), backlog 2.
** Item 1: S [0,1], A [1,3], B [1,4], join 4, C [4,5].  Item 2: S [1,2];
** its A part enters at 2 and waits for A until 3, A [3,5]; its B part
** waits for room until item 1 leaves B at 4, B [4,7]; so item 2 stays
** counted (blocked) in S over [2,4]; join 7, C [7,8].
*/
START_TEST(test_fork_join_hold)
{
    cs_model *m = mk_model(10, 0);
    int c, s, a, b, d;
    int teams[2];
    cs_dist eff[2];
    cs_rep *r;
    tlog l = {0};
    cs_error err;

    s = add_team(m, "s", 1);
    a = add_team(m, "a", 1);
    b = add_team(m, "b", 1);
    d = add_team(m, "c", 1);
    m->teams[b].wip_limit = 1;
    c = add_class(m, "w", 0);
    m->classes[c].backlog = 2;
    add_step(m, c, s, tl_const(1.0));
    teams[0] = a;
    teams[1] = b;
    eff[0] = tl_const(2.0);
    eff[1] = tl_const(3.0);
    add_parallel(m, c, 2, teams, eff);
    add_step(m, c, d, tl_const(1.0));
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert_double_eq_tol(tfind(&l, 1, "join", -1, 0), 4.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "done", -1, 0), 5.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "blocked", s, 0), 2.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "start", a, 0), 3.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "enter", b, 0), 4.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "join", -1, 0), 7.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "done", -1, 0), 8.0, EPS);
    ck_assert_double_eq_tol(r->teams[s].blocked_fraction, 0.2, EPS);
    /* S's WIP: 2 [0,1], 1 [1,4] -> 5 / 10 */
    ck_assert_double_eq_tol(r->teams[s].wip_mean, 0.5, EPS);
    /* A's WIP: item 1 [1,4] (finished, held until the join), item 2 [2,7] */
    ck_assert_double_eq_tol(r->teams[a].wip_mean, 0.8, EPS);
    /* flow efficiency numerator: item 1 in work [0,1]+[1,4]+[4,5] = 5;
    ** item 2 [1,2] + [3,7] + [7,8] = 6 */
    ck_assert_double_eq_tol(r->work_sum, 11.0, EPS);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** Hand-off: arrivals every 10 days through A (hand-off 0.25, not applied
** from the backlog/arrival), B (hand-off 0.5, effort 1), B again (same
** team: no hand-off).  Lead time 1 + 0.5 + 1 + 1 exactly; B's utilisation
** does not include the hand-off.
*/
START_TEST(test_handoff)
{
    cs_model *m = mk_model(1000, 0);
    int c, a, b;
    cs_rep *r;
    tlog l = {0};
    cs_error err;

    a = add_team(m, "a", 1);
    b = add_team(m, "b", 1);
    set_handoff(m, a, tl_const(0.25));
    set_handoff(m, b, tl_const(0.5));
    c = add_class(m, "w", 0);
    set_interval(m, c, tl_const(10.0));
    add_step(m, c, a, tl_const(1.0));
    add_step(m, c, b, tl_const(1.0));
    add_step(m, c, b, tl_const(1.0));
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert_uint_eq(r->arrived, 100);
    ck_assert_uint_eq(r->lt_n, 99);
    ck_assert_double_eq_tol(r->lt_sum / (double)r->lt_n, 3.5, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "enter", b, 0), 11.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "queue", b, 0), 11.5, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "queue", b, 1), 12.5, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "queue", a, 0), 10.0, EPS);
    /* B: 99 items x 2 days of work in [0, 1000] */
    ck_assert_double_eq_tol(r->teams[b].utilization, 198.0 / 1000.0, EPS);
    ck_assert_double_eq_tol(r->teams[a].utilization, 99.0 / 1000.0, EPS);
    /* B's WIP counts the hand-off: 2.5 days per item */
    ck_assert_double_eq_tol(r->teams[b].wip_mean, 99 * 2.5 / 1000.0, EPS);
    ck_assert_double_eq_tol(r->teams[b].queue_len_mean, 0.0, EPS);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/* Two teams with WIP limit 1 and two items that visit alpha, beta, alpha:
** each holds the other's only slot by day 2 (a deadlock); runs stop on
** one. */
static cs_model *deadlock_chain(void)
{
    cs_model *m = mk_model(100, 0);
    const int a = add_team(m, "alpha", 1), b = add_team(m, "beta", 1);
    const int c = add_class(m, "w", 0);

    m->teams[a].wip_limit = 1;
    m->teams[b].wip_limit = 1;
    m->classes[c].backlog = 2;
    add_step(m, c, a, tl_const(1.0));
    add_step(m, c, b, tl_const(1.0));
    add_step(m, c, a, tl_const(1.0));
    m->deadlock = CS_DEADLOCK_STOP;
    return m;
}

START_TEST(test_deadlock)
{
    cs_model *m = deadlock_chain();
    cs_rep *r;
    tlog l = {0};
    cs_error err;

    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_ESIM, &err);
    ck_assert_int_eq(err.status, CS_ESIM);
    ck_assert_ptr_nonnull(strstr(err.msg, "deadlock at day 2.0"));
    ck_assert_ptr_nonnull(strstr(err.msg, "alpha (1/1)"));
    ck_assert_ptr_nonnull(strstr(err.msg, "beta (1/1)"));
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/* ---- deadlocks ------------------------------------------------------- */

/*
** alpha (limit 1) -> beta (limit 1) -> alpha, backlog 2, while gamma
** (no limit) works through a backlog of 300 one-day items.  Items 1 and 2
** deadlock at day 2 (1 finished at beta waits for alpha, 2 finished at
** alpha waits for beta) with gamma busy until day 300.  stop: the run
** ends there, naming alpha and beta, not gamma.  break: item 1 (the
** earlier of the two, both waiting since day 2) enters alpha above its
** limit at day 2 and is done at 3; item 2 enters beta at 2 and alpha at
** 3, done at 4.
*/
static cs_model *busy_deadlock_chain(cs_deadlock mode, int *a, int *b,
                                     int *g)
{
    cs_model *m = mk_model(400, 0);
    int c, l;

    *a = add_team(m, "alpha", 1);
    *b = add_team(m, "beta", 1);
    *g = add_team(m, "gamma", 1);
    m->teams[*a].wip_limit = 1;
    m->teams[*b].wip_limit = 1;
    c = add_class(m, "w", 0);
    m->classes[c].backlog = 2;
    add_step(m, c, *a, tl_const(1.0));
    add_step(m, c, *b, tl_const(1.0));
    add_step(m, c, *a, tl_const(1.0));
    l = add_class(m, "long", 0);
    m->classes[l].backlog = 300;
    add_step(m, l, *g, tl_const(1.0));
    m->deadlock = mode;
    return m;
}

START_TEST(test_deadlock_while_busy)
{
    int a, b, g;
    cs_model *m = busy_deadlock_chain(CS_DEADLOCK_STOP, &a, &b, &g);
    cs_rep *r = cs_engine_rep_new(m);
    tlog l = {0};
    cs_error err;

    run_traced(m, 0, &l, r, CS_ESIM, &err);
    ck_assert_msg(strstr(err.msg, "deadlock at day 2.0: WIP limits block "
                                  "teams alpha (1/1), beta (1/1): ") != NULL,
                  "%s", err.msg);
    ck_assert_ptr_null(strstr(err.msg, "gamma"));
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);

    m = busy_deadlock_chain(CS_DEADLOCK_BREAK, &a, &b, &g);
    r = cs_engine_rep_new(m);
    memset(&l, 0, sizeof l);
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert_uint_eq(tcount(&l, "break"), 1);
    ck_assert_double_eq_tol(tfind(&l, 1, "break", a, 0), 2.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "enter", a, 1), 2.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "done", -1, 0), 3.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "enter", b, 0), 2.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "done", -1, 0), 4.0, EPS);
    ck_assert_uint_eq(r->teams[a].wip_breaks, 1);
    ck_assert_uint_eq(r->teams[b].wip_breaks, 0);
    ck_assert_uint_eq(r->teams[g].wip_breaks, 0);
    ck_assert_uint_eq(r->classes[0].n, 2);
    ck_assert_uint_eq(r->done, 302);
    /* alpha's WIP: 1 over [0, 4] (2 for an instant at day 2, when item 2
    ** had not yet left it for beta) */
    ck_assert_double_eq_tol(r->teams[a].wip_mean * 400, 4.0, EPS);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** Fork-join: class "y" goes c -> b, class "x" is one parallel step (b
** 0.5 day, c 1 day); b and c have WIP limit 1.  Backlog one of each, y
** first: y1 enters c at 0; x1's b part enters b, its c part waits for c.
** At 0.5 x1's b part is finished but held (its sibling waits for c); at 1
** y1 finishes at c and waits for b: b holds only x1's finished part, c
** only y1: a deadlock at day 1.  break: x1's c part has waited longest
** (since 0), enters c above its limit, works [1, 2]; x1 joins and is done
** at 2, y1 enters b at 2, done at 3.
*/
static cs_model *fork_deadlock_chain(cs_deadlock mode, int *b, int *c)
{
    cs_model *m = mk_model(10, 0);
    int x, y, teams[2];
    cs_dist eff[2];

    *b = add_team(m, "b", 1);
    *c = add_team(m, "c", 1);
    m->teams[*b].wip_limit = 1;
    m->teams[*c].wip_limit = 1;
    y = add_class(m, "y", 0);
    m->classes[y].backlog = 1;
    add_step(m, y, *c, tl_const(1.0));
    add_step(m, y, *b, tl_const(1.0));
    x = add_class(m, "x", 0);
    m->classes[x].backlog = 1;
    teams[0] = *b;
    teams[1] = *c;
    eff[0] = tl_const(0.5);
    eff[1] = tl_const(1.0);
    add_parallel(m, x, 2, teams, eff);
    m->deadlock = mode;
    return m;
}

START_TEST(test_deadlock_fork_join)
{
    int b, c;
    cs_model *m = fork_deadlock_chain(CS_DEADLOCK_STOP, &b, &c);
    cs_rep *r = cs_engine_rep_new(m);
    tlog l = {0};
    cs_error err;

    run_traced(m, 0, &l, r, CS_ESIM, &err);
    ck_assert_msg(strstr(err.msg, "deadlock at day 1.0: WIP limits block "
                                  "teams b (1/1), c (1/1)") != NULL,
                  "%s", err.msg);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);

    m = fork_deadlock_chain(CS_DEADLOCK_BREAK, &b, &c);
    r = cs_engine_rep_new(m);
    memset(&l, 0, sizeof l);
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert_uint_eq(tcount(&l, "break"), 1);
    ck_assert_double_eq_tol(tfind(&l, 2, "break", c, 0), 1.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "join", -1, 0), 2.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "done", -1, 0), 2.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "enter", b, 0), 2.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "done", -1, 0), 3.0, EPS);
    ck_assert_uint_eq(r->teams[c].wip_breaks, 1);
    ck_assert_uint_eq(r->teams[b].wip_breaks, 0);
    /* b counts y1 as blocked over [1, 2]; x1's finished part is not
    ** blocked (it waits for its sibling, not for room) */
    ck_assert_double_eq_tol(r->teams[c].blocked_fraction, 0.1, EPS);
    ck_assert_double_eq_tol(r->teams[b].blocked_fraction, 0.0, EPS);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** Rework through two WIP-limited teams: a (limit 1) -> b (limit 1), back
** to a with p 0.5; a backlog of 20 and arrivals.  An item sent back from
** b waits for a while a's item waits for b: deadlocks, again and again.
** stop ends the run at the first; break goes on, with a break at the
** same time, and every later one recorded; every item gets done.
*/
static cs_model *rework_deadlock_chain(cs_deadlock mode)
{
    cs_model *m = mk_model(2000, 0);
    const int a = add_team(m, "a", 1), b = add_team(m, "b", 1);
    const int c = add_class(m, "w", 0.2);
    int s;

    m->teams[a].wip_limit = 1;
    m->teams[b].wip_limit = 1;
    m->classes[c].backlog = 20;
    add_step(m, c, a, tl_exp(1.0));
    s = add_step(m, c, b, tl_exp(1.0));
    set_rework(m, c, s, 0.5, 0, 1.0);
    m->deadlock = mode;
    return m;
}

START_TEST(test_deadlock_rework)
{
    cs_model *m = rework_deadlock_chain(CS_DEADLOCK_STOP);
    cs_rep *r = cs_engine_rep_new(m);
    tlog l = {0};
    cs_error err;
    double day = -1, first;
    uint64_t breaks;

    run_traced(m, 0, &l, r, CS_ESIM, &err);
    ck_assert_msg(sscanf(err.msg, "deadlock at day %lf", &day) == 1, "%s",
                  err.msg);
    ck_assert_ptr_nonnull(strstr(err.msg, "teams a (1/1), b (1/1)"));
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);

    m = rework_deadlock_chain(CS_DEADLOCK_BREAK);
    r = cs_engine_rep_new(m);
    memset(&l, 0, sizeof l);
    run_traced(m, 0, &l, r, CS_OK, &err);
    breaks = r->teams[0].wip_breaks + r->teams[1].wip_breaks;
    ck_assert_uint_gt(breaks, 10);
    ck_assert_uint_eq(tcount(&l, "break"), breaks);
    first = -1;
    for (size_t i = 0; i < l.n && first < 0; i++)
        if (strcmp(l.v[i].ev, "break") == 0)
            first = l.v[i].t;
    ck_assert_double_eq_tol(first, day, 0.05);   /* the message rounds */
    ck_assert_uint_ge(r->done + 5, r->arrived);  /* the chain keeps up */
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** Many teams with WIP limits 1-2, forks (two branches at one team too),
** rework loops and random efforts: deadlocks of every shape, broken as
** they come.  Every replication runs to its horizon; in CS_DEBUG builds
** the engine checks after each event that no deadlock is left (the
** detection misses none) and that the stuck lists are exact.
*/
START_TEST(test_deadlock_random)
{
    cs_model *m = mk_model(400, 0);
    int t[5], c, d, s, teams[3];
    cs_dist eff[3];
    uint64_t breaks = 0;
    cs_engine *e;
    cs_rep *r;
    cs_error err;

    for (int k = 0; k < 5; k++) {
        const char name[3] = {'t', (char)('0' + k), '\0'};
        t[k] = add_team(m, name, 1 + k % 2);
        m->teams[t[k]].wip_limit = 1 + k % 2;
    }
    set_handoff(m, t[3], tl_exp(0.2));
    c = add_class(m, "fork", 0.3);
    add_step(m, c, t[0], tl_exp(0.5));
    teams[0] = t[1];
    teams[1] = t[2];
    teams[2] = t[1];
    eff[0] = tl_exp(0.7);
    eff[1] = tl_exp(0.4);
    eff[2] = tl_exp(0.3);
    add_parallel(m, c, 3, teams, eff);
    s = add_step(m, c, t[3], tl_exp(0.5));
    set_rework(m, c, s, 0.3, 0, 0.5);
    d = add_class(m, "back", 0.3);
    add_step(m, d, t[3], tl_exp(0.5));
    add_step(m, d, t[2], tl_exp(0.5));
    s = add_step(m, d, t[1], tl_exp(0.5));
    set_rework(m, d, s, 0.3, 1, 1.0);
    add_step(m, d, t[4], tl_exp(0.3));
    e = cs_engine_new(m);
    r = cs_engine_rep_new(m);
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_nonnull(r);
    for (uint64_t rep = 0; rep < 4; rep++) {
        ck_assert_msg(cs_engine_run(e, rep, 0, r, &err) == CS_OK, "%s",
                      err.msg);
        for (int k = 0; k < 5; k++)
            breaks += r->teams[k].wip_breaks;
        ck_assert_uint_gt(r->done, 100);
    }
    ck_assert_uint_gt(breaks, 0);
    cs_engine_free(e);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

START_TEST(test_runaway)
{
    cs_model *m = mk_model(10000, 0);
    int c, a;
    cs_rep *r = NULL;
    cs_engine *e;
    cs_error err;

    a = add_team(m, "slow", 1);
    c = add_class(m, "w", 2.0);
    add_step(m, c, a, tl_exp(1.0));
    r = cs_engine_rep_new(m);
    e = cs_engine_new(m);
    cs_engine_set_max_items(e, 500);
    ck_assert_int_eq(cs_engine_run(e, 0, 0, r, &err), CS_ESIM);
    ck_assert_ptr_nonnull(strstr(err.msg, "more than 500 items in the chain"));
    ck_assert_ptr_nonnull(strstr(err.msg, "team slow is the busiest"));
    /* the engine is reusable after an error */
    cs_engine_set_max_items(e, 0);
    m->horizon = 50;
    ck_assert_int_eq(cs_engine_run(e, 1, 0, r, &err), CS_OK);
    cs_engine_free(e);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/* The byte bound stops a runaway chain long before the item bound, and
** a bound that is not reached changes nothing. */
START_TEST(test_memory_bound)
{
    cs_model *m = mk_model(100000, 0);
    cs_rep *r, *r2;
    cs_engine *e;
    cs_error err;
    int a, c;

    a = add_team(m, "slow", 1);
    c = add_class(m, "w", 20.0);
    add_step(m, c, a, tl_exp(1.0));
    r = cs_engine_rep_new(m);
    r2 = cs_engine_rep_new(m);
    e = cs_engine_new(m);
    cs_engine_set_max_bytes(e, (size_t)4 << 20);
    ck_assert_int_eq(cs_engine_run(e, 0, 0, r, &err), CS_ESIM);
    ck_assert_ptr_nonnull(strstr(err.msg, "more than 4.0 MB of memory at day"));
    ck_assert_ptr_nonnull(strstr(err.msg, "team slow is the busiest"));
    /* about 20 items a day pile up: 4 MB hold thousands, not a million */
    ck_assert_ptr_null(strstr(err.msg, "items in the chain"));
    cs_engine_free(e);
    m->horizon = 200;
    m->classes[c].rate = 0.5;
    e = cs_engine_new(m);
    ck_assert_int_eq(cs_engine_run(e, 1, 0, r, &err), CS_OK);
    cs_engine_set_max_bytes(e, (size_t)64 << 20);
    ck_assert_int_eq(cs_engine_run(e, 1, 0, r2, &err), CS_OK);
    ck_assert_uint_eq(r->lt_n, r2->lt_n);
    ck_assert(r->lt_sum == r2->lt_sum);
    cs_engine_free(e);
    cs_engine_rep_free(r);
    cs_engine_rep_free(r2);
    cs_model_free(m);
}
END_TEST

/* Order of work starts on one worker for backlog items of 3 classes. */
static void start_order(cs_discipline disc, const uint64_t *want)
{
    cs_model *m = mk_model(20, 0);
    int z, xc, y, a;
    cs_rep *r;
    tlog l = {0};
    cs_error err;
    size_t k = 0;

    a = add_team(m, "a", 1);
    m->teams[a].discipline = disc;
    z = add_class(m, "z", 0);          /* items 1, 2: no due date */
    m->classes[z].backlog = 2;
    add_step(m, z, a, tl_const(1.0));
    xc = add_class(m, "x", 0);         /* item 3: due 10, priority 2 */
    m->classes[xc].backlog = 1;
    m->classes[xc].has_due = 1;
    m->classes[xc].due = 10;
    m->classes[xc].priority = 2;
    add_step(m, xc, a, tl_const(1.0));
    y = add_class(m, "y", 0);          /* items 4, 5: due 5, priority 1 */
    m->classes[y].backlog = 2;
    m->classes[y].has_due = 1;
    m->classes[y].due = 5;
    m->classes[y].priority = 1;
    add_step(m, y, a, tl_const(1.0));
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    for (size_t i = 0; i < l.n; i++)
        if (strcmp(l.v[i].ev, "start") == 0) {
            ck_assert_uint_eq(l.v[i].item, want[k]);
            ck_assert_double_eq_tol(l.v[i].t, (double)k, EPS);
            k++;
        }
    ck_assert_uint_eq(k, 5);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}

START_TEST(test_disciplines)
{
    static const uint64_t fifo[] = {1, 2, 3, 4, 5};
    static const uint64_t edd[] = {1, 4, 5, 3, 2};
    static const uint64_t prio[] = {1, 3, 4, 5, 2};

    start_order(CS_DISC_FIFO, fifo);
    start_order(CS_DISC_EDD, edd);
    start_order(CS_DISC_PRIORITY, prio);
}
END_TEST

/*
** Rework: A (2) -> B (1, rework p 0.5 back to A, factor 0.25), arrivals
** every 100 days (no queueing).  Every repeated pass takes effort x 0.25
** (not compounded), so lead time = 3 + 0.75 k for k reworks.
*/
START_TEST(test_rework_factor)
{
    cs_model *m = mk_model(10000, 0);
    int c, a, b, s;
    cs_rep *r;
    tlog l = {0};
    cs_error err;
    uint64_t reworks = 0;

    a = add_team(m, "a", 1);
    b = add_team(m, "b", 1);
    c = add_class(m, "w", 0);
    set_interval(m, c, tl_const(100.0));
    add_step(m, c, a, tl_const(2.0));
    s = add_step(m, c, b, tl_const(1.0));
    set_rework(m, c, s, 0.5, 0, 0.25);
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert_uint_eq(r->done, 99);     /* the 100th arrives at the horizon */
    for (uint64_t i = 1; i <= r->done; i++) {
        int k = 0;
        double lt;
        for (size_t j = 0; j < l.n; j++)
            if (l.v[j].item == i && strcmp(l.v[j].ev, "rework") == 0)
                k++;
        lt = tfind(&l, i, "done", -1, 0) - tfind(&l, i, "arrive", -1, 0);
        ck_assert_double_eq_tol(lt, 3.0 + 0.75 * k, EPS);
        for (int p = 1; p <= k; p++) {
            const double st = tfind(&l, i, "start", a, p);
            const double fi = tfind(&l, i, "finish", a, p);
            ck_assert_double_eq_tol(fi - st, 0.5, EPS);
        }
        reworks += (uint64_t)k;
    }
    /* about one rework per item (geometric, mean p/(1-p) = 1) */
    ck_assert_uint_gt(reworks, 50);
    ck_assert_uint_lt(reworks, 200);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** Warm-up window on a constant model: arrivals every day from day 1,
** effort 1.5 on capacity 2, window [50, 100].
*/
START_TEST(test_warmup_window)
{
    cs_model *m = mk_model(100, 50);
    int c, a, p_ok, p_late, p_thr;
    cs_rep *r;
    cs_engine *e;
    cs_error err;

    a = add_team(m, "a", 2);
    c = add_class(m, "w", 0);
    set_interval(m, c, tl_const(1.0));
    add_step(m, c, a, tl_const(1.5));
    p_ok = add_promise(m, CS_PROMISE_LEAD_TIME, -1, 2.0, 0.85, 0);
    p_late = add_promise(m, CS_PROMISE_LEAD_TIME, c, 1.0, 0.85, 0);
    p_thr = add_promise(m, CS_PROMISE_THROUGHPUT, c, 0, 5, 10.0);
    r = cs_engine_rep_new(m);
    e = cs_engine_new(m);
    ck_assert_int_eq(cs_engine_run(e, 0, m->warmup, r, &err), CS_OK);
    ck_assert_uint_eq(r->arrived, 100);
    ck_assert_uint_eq(r->lt_n, 49);              /* arrived 50..98 */
    ck_assert_uint_eq(r->done_window, 50);       /* done 50.5..99.5 */
    ck_assert_uint_eq(r->classes[c].done_window, 50);
    ck_assert_double_eq_tol(r->lt_sum, 49 * 1.5, EPS);
    ck_assert_double_eq_tol(r->work_sum, 49 * 1.5, EPS);
    ck_assert_uint_eq(r->teams[a].wait_n, 51);   /* starts 50..100 */
    ck_assert_double_eq_tol(r->teams[a].utilization, 0.75, EPS);
    ck_assert_double_eq_tol(r->wip_mean, 1.5, EPS);
    ck_assert_uint_eq(r->in_system_end, 2);
    ck_assert_double_eq_tol(r->batch_wip[0], 0.0, EPS);
    ck_assert_double_eq_tol(r->batch_wip[1], 1.0, EPS);
    ck_assert_double_eq_tol(r->batch_wip[2], 1.5, EPS);
    ck_assert_double_eq_tol(r->batch_wip[99], 1.5, EPS);
    ck_assert_uint_eq(r->promises[p_ok].eligible, 49);   /* 50..98 */
    ck_assert_uint_eq(r->promises[p_ok].on_time, 49);
    ck_assert_double_eq_tol(r->promises[p_ok].achieved, 1.0, EPS);
    ck_assert_uint_eq(r->promises[p_late].eligible, 50); /* 50..99 */
    ck_assert_uint_eq(r->promises[p_late].on_time, 0);
    ck_assert_double_eq_tol(r->promises[p_late].achieved, 0.0, EPS);
    ck_assert_double_eq_tol(r->promises[p_thr].achieved, 10.0, EPS);
    cs_engine_free(e);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** Same-team rules, hand-offs 0.5 at S and A, efforts 1, one item.
** S [0,1] -> parallel(S, A) -> A: the branch at S stays (no hand-off,
** takes the item's slot at S over) S [1,2]; the branch at A has a
** hand-off, A [1.5,2.5]; join 2.5; S ran a branch, so the hand-off into A
** applies: A [3,4].  S counts the item over [0,2.5], A over [1,4].
** With parallel(A, A) -> A every branch ran at A: no hand-off after the
** join: A [0,1] twice (capacity 2), join 1, A [1,2].
*/
START_TEST(test_same_team_rules)
{
    cs_model *m = mk_model(10, 0);
    int c, s, a;
    int teams[2];
    cs_dist eff[2];
    cs_rep *r;
    tlog l = {0};
    cs_error err;

    s = add_team(m, "s", 1);
    a = add_team(m, "a", 2);
    set_handoff(m, s, tl_const(0.5));
    set_handoff(m, a, tl_const(0.5));
    c = add_class(m, "w", 0);
    m->classes[c].backlog = 1;
    add_step(m, c, s, tl_const(1.0));
    teams[0] = s;
    teams[1] = a;
    eff[0] = tl_const(1.0);
    eff[1] = tl_const(1.0);
    add_parallel(m, c, 2, teams, eff);
    add_step(m, c, a, tl_const(1.0));
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert_double_eq_tol(tfind(&l, 1, "start", s, 1), 1.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "start", a, 0), 1.5, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "join", -1, 0), 2.5, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "start", a, 1), 3.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "done", -1, 0), 4.0, EPS);
    ck_assert_double_eq_tol(r->teams[s].wip_mean, 0.25, EPS);
    ck_assert_double_eq_tol(r->teams[a].wip_mean, 0.3, EPS);
    ck_assert_uint_eq(tcount(&l, "blocked"), 0);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);

    m = mk_model(10, 0);
    a = add_team(m, "a", 2);
    set_handoff(m, a, tl_const(0.5));
    c = add_class(m, "w", 0);
    m->classes[c].backlog = 1;
    teams[0] = a;
    teams[1] = a;
    add_parallel(m, c, 2, teams, eff);
    add_step(m, c, a, tl_const(1.0));
    r = cs_engine_rep_new(m);
    memset(&l, 0, sizeof l);
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert_double_eq_tol(tfind(&l, 1, "start", a, 1), 0.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "join", -1, 0), 1.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "start", a, 2), 1.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "done", -1, 0), 2.0, EPS);
    /* two branch slots over [0,1], then one */
    ck_assert_double_eq_tol(r->teams[a].wip_mean, 0.3, EPS);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/* Effort E at focus 0.5 takes 2E. */
START_TEST(test_focus_exact)
{
    cs_model *m = mk_model(100, 0);
    int c, a;
    cs_rep *r;
    tlog l = {0};
    cs_error err;

    a = add_team(m, "a", 1);
    m->teams[a].focus = 0.5;
    c = add_class(m, "w", 0);
    m->classes[c].backlog = 1;
    add_step(m, c, a, tl_const(3.0));
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert_double_eq_tol(tfind(&l, 1, "finish", a, 0), 6.0, EPS);
    ck_assert_double_eq_tol(r->teams[a].utilization, 0.06, EPS);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/* ---- reproducibility ------------------------------------------------- */

static cs_model *mk_rich(void)
{
    cs_model *m = mk_model(2000, 200);
    int c, d, a, b, e2, s;
    int teams[2];
    cs_dist eff[2];

    a = add_team(m, "a", 2);
    b = add_team(m, "b", 1);
    e2 = add_team(m, "e", 1);
    m->teams[b].wip_limit = 4;
    m->teams[e2].discipline = CS_DISC_EDD;
    set_handoff(m, b, tl_exp(0.2));
    c = add_class(m, "x", 0.5);
    m->classes[c].has_due = 1;
    m->classes[c].due = 20;
    add_step(m, c, a, tl_exp(2.0));
    teams[0] = b;
    teams[1] = e2;
    eff[0] = tl_gamma(1.0, 0.5);
    eff[1] = tl_exp(0.8);
    add_parallel(m, c, 2, teams, eff);
    s = add_step(m, c, a, tl_exp(0.5));
    set_rework(m, c, s, 0.1, 0, 0.5);
    m->classes[c].steps[s].p = 0.7;
    d = add_class(m, "y", 0.2);
    m->classes[d].backlog = 5;
    add_step(m, d, e2, tl_exp(1.0));
    add_step(m, d, a, tl_exp(1.0));
    add_promise(m, CS_PROMISE_LEAD_TIME, -1, 15, 0.85, 0);
    return m;
}

static void rep_equal(const cs_rep *x, const cs_rep *y)
{
    ck_assert_uint_eq(x->arrived, y->arrived);
    ck_assert_uint_eq(x->done, y->done);
    ck_assert_uint_eq(x->visits, y->visits);
    ck_assert_uint_eq(x->events, y->events);
    ck_assert(memcmp(&x->lt_sum, &y->lt_sum, sizeof x->lt_sum) == 0);
    ck_assert(memcmp(&x->work_sum, &y->work_sum, sizeof x->work_sum) == 0);
    ck_assert(memcmp(&x->wip_mean, &y->wip_mean, sizeof x->wip_mean) == 0);
    ck_assert(memcmp(x->batch_wip, y->batch_wip, sizeof x->batch_wip) == 0);
    ck_assert(memcmp(x->teams, y->teams,
                     (size_t)x->nteams * sizeof *x->teams) == 0);
    for (int p = 0; p < x->npromises; p++)
        ck_assert(memcmp(&x->promises[p], &y->promises[p],
                         sizeof x->promises[p]) == 0);
    ck_assert(cs_hist_quantile(x->hist, 0.85) ==
              cs_hist_quantile(y->hist, 0.85));
}

START_TEST(test_determinism)
{
    cs_model *m = mk_rich();
    cs_engine *e1 = cs_engine_new(m), *e2 = cs_engine_new(m);
    cs_rep *r1 = cs_engine_rep_new(m), *r2 = cs_engine_rep_new(m), *r3 = cs_engine_rep_new(m);
    cs_error err;

    ck_assert_int_eq(cs_engine_run(e1, 3, m->warmup, r1, &err), CS_OK);
    /* another engine, and the first one after another replication */
    ck_assert_int_eq(cs_engine_run(e2, 3, m->warmup, r2, &err), CS_OK);
    rep_equal(r1, r2);
    ck_assert_int_eq(cs_engine_run(e1, 4, m->warmup, r3, &err), CS_OK);
    ck_assert_int_eq(cs_engine_run(e1, 3, m->warmup, r2, &err), CS_OK);
    rep_equal(r1, r2);
    ck_assert(r1->lt_sum != r3->lt_sum);
    ck_assert(r1->arrived > 100);
    cs_engine_rep_free(r1);
    cs_engine_rep_free(r2);
    cs_engine_rep_free(r3);
    cs_engine_free(e1);
    cs_engine_free(e2);
    cs_model_free(m);
}
END_TEST

/* Per-item (serial) arrival time and work durations, from a trace. */
typedef struct crn_log {
    double arrive[4096];
    double dur[4096][4];     /* first work duration per step 0..3 */
    double start[4096][4];
    unsigned char started[4096][4];
    uint64_t n;
} crn_log;

static void crn_fn(void *ctx, const cs_trace_event *ev)
{
    crn_log *l = ctx;

    if (ev->item >= 4096)
        return;
    if (strcmp(ev->event, "arrive") == 0) {
        l->arrive[ev->item] = ev->time;
        if (ev->item > l->n)
            l->n = ev->item;
    } else if (strcmp(ev->event, "start") == 0 && ev->step < 4) {
        if (!l->started[ev->item][ev->step]) {
            l->started[ev->item][ev->step] = 1;
            l->start[ev->item][ev->step] = ev->time;
        }
    } else if (strcmp(ev->event, "finish") == 0 && ev->step < 4) {
        if (l->dur[ev->item][ev->step] == 0)
            l->dur[ev->item][ev->step] =
                ev->time - l->start[ev->item][ev->step];
    }
}

/* Replication 7 of m with every event into l. */
static void crn_run(const cs_model *m, crn_log *l, cs_rep *r)
{
    cs_engine *e = cs_engine_new(m);
    cs_error err;

    ck_assert_ptr_nonnull(e);
    cs_engine_set_trace(e, crn_fn, l);
    ck_assert_int_eq(cs_engine_run(e, 7, 0, r, &err), CS_OK);
    cs_engine_free(e);
}

/* The same items with the same arrival times in l1 and l2, and the same
** work durations at steps 0, step, 2 step ... below 3; how many were
** compared. */
static uint64_t crn_same(const crn_log *l1, const crn_log *l2, int step)
{
    uint64_t compared = 0;

    ck_assert_uint_eq(l1->n, l2->n);
    ck_assert_uint_gt(l1->n, 1000);
    for (uint64_t i = 1; i <= l1->n; i++) {
        ck_assert(l1->arrive[i] == l2->arrive[i]);
        for (int s = 0; s < 3; s += step)
            if (l1->dur[i][s] != 0 && l2->dur[i][s] != 0) {
                ck_assert_double_eq_tol(l1->dur[i][s], l2->dur[i][s], 1e-9);
                compared++;
            }
    }
    return compared;
}

/* Changing one team's capacity leaves arrivals and efforts unchanged. */
START_TEST(test_crn)
{
    cs_model *m = mk_model(1500, 0);
    int c, a, b;
    crn_log *l1 = calloc(1, sizeof *l1), *l2 = calloc(1, sizeof *l2);
    cs_rep *r;

    a = add_team(m, "a", 1);
    b = add_team(m, "b", 1);
    c = add_class(m, "w", 0.9);
    add_step(m, c, a, tl_exp(0.8));
    add_step(m, c, b, tl_exp(1.0));
    add_step(m, c, a, tl_gamma(0.2, 0.5));
    r = cs_engine_rep_new(m);
    crn_run(m, l1, r);
    m->teams[b].capacity = 3;
    crn_run(m, l2, r);
    ck_assert_uint_gt(crn_same(l1, l2, 1), 2000);
    free(l1);
    free(l2);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** A step's own hand-off (SPEC 5.4) replaces its team's, also at a team
** without one, and applies only from another team.  a (effort 1) -> b
** (hand-off 2, the step's 0.5, effort 1) -> c (no hand-off, the step's
** 0.25, effort 1) -> c again (effort 1, the same team: none):
** 0-1 a, 1.5-2.5 b, 2.75-3.75 c, 3.75-4.75 c.
*/
START_TEST(test_step_handoff)
{
    cs_model *m = mk_model(20, 0);
    int c, a, b, cc, s1, s2;
    cs_rep *r;
    tlog l = {0};
    cs_error err;

    a = add_team(m, "a", 1);
    b = add_team(m, "b", 1);
    cc = add_team(m, "c", 1);
    set_handoff(m, b, tl_const(2.0));
    c = add_class(m, "w", 0);
    m->classes[c].backlog = 1;
    add_step(m, c, a, tl_const(1.0));
    s1 = add_step(m, c, b, tl_const(1.0));
    s2 = add_step(m, c, cc, tl_const(1.0));
    add_step(m, c, cc, tl_const(1.0));
    m->classes[c].steps[s1].has_handoff = 1;
    m->classes[c].steps[s1].handoff = tl_const(0.5);
    m->classes[c].steps[s2].has_handoff = 1;
    m->classes[c].steps[s2].handoff = tl_const(0.25);
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert_double_eq_tol(tfind(&l, 1, "start", b, 0), 1.5, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "start", cc, 0), 2.75, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "start", cc, 1), 3.75, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "done", -1, 0), 4.75, EPS);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** Intake cadence (SPEC 5.3) by hand: b (hand-off 1, intake every 5 from
** day 2), a, b, b; a backlog of 2.  The backlog items join b's queue at
** day 2 (no hand-off from the backlog, but the intake); item 1 is back
** at b at 6 + 1 = 7, an intake instant; item 2 at 10, which waits for 12;
** the step after, at the same team, skips both.
*/
START_TEST(test_intake_exact)
{
    cs_model *m = mk_model(30, 0);
    int c, a, b;
    cs_rep *r;
    tlog l = {0};
    cs_error err;

    a = add_team(m, "a", 1);
    b = add_team(m, "b", 1);
    set_handoff(m, b, tl_const(1.0));
    m->teams[b].intake_every = 5;
    m->teams[b].intake_offset = 2;
    c = add_class(m, "w", 0);
    m->classes[c].backlog = 2;
    add_step(m, c, b, tl_const(1.0));
    add_step(m, c, a, tl_const(3.0));
    add_step(m, c, b, tl_const(1.0));
    add_step(m, c, b, tl_const(1.0));
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert_double_eq_tol(tfind(&l, 1, "queue", b, 0), 2.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "queue", b, 0), 2.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "queue", b, 1), 7.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "queue", b, 2), 8.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "queue", b, 1), 12.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "done", -1, 0), 14.0, EPS);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** Intake under Poisson arrivals: a team that never queues (capacity 60
** against batches of about 5) takes items only every T = 5 days; a
** Poisson arrival falls uniformly in the cycle, so it waits T/2 on
** average: W = T/2 + E.
*/
START_TEST(test_intake_poisson)
{
    cs_model *m = mk_model(H(20000), H(2000));
    int c, a;
    meas *x;

    a = add_team(m, "a", 60);
    m->teams[a].intake_every = 5;
    m->teams[a].intake_offset = 1;
    c = add_class(m, "w", 1.0);
    add_step(m, c, a, tl_const(0.1));
    x = replicate(m, 30);
    check_case("Intake every T (gated queue)", "W = T/2 + E",
               "lambda 1, T 5, E 0.1, no queueing", 2.6, x->lt, x, m);
    free(x);
    cs_model_free(m);
}
END_TEST

/* ---- the chain over time (SPEC 4) ------------------------------------ */

static void set_schedule(cs_model *m, int t, int n, const double *from,
                         const int *cap, double every)
{
    cs_team *const k = &m->teams[t];

    k->schedule = tl_grow(NULL, (size_t)n, sizeof *k->schedule);
    for (int i = 0; i < n; i++) {
        memset(&k->schedule[i], 0, sizeof k->schedule[i]);
        k->schedule[i].from = from[i];
        k->schedule[i].capacity = cap[i];
    }
    k->nschedule = n;
    k->schedule_every = every;
}

static void set_productivity(cs_model *m, int t, int n, const double *at,
                             const double *factor)
{
    cs_team *const k = &m->teams[t];

    k->productivity = tl_grow(NULL, (size_t)n, sizeof *k->productivity);
    for (int i = 0; i < n; i++) {
        memset(&k->productivity[i], 0, sizeof k->productivity[i]);
        k->productivity[i].at = at[i];
        k->productivity[i].factor = factor[i];
    }
    k->nproductivity = n;
}

static void set_profile(cs_model *m, int c, int n, const double *from,
                        const double *factor, double every)
{
    cs_class *const k = &m->classes[c];

    k->profile = tl_grow(NULL, (size_t)n, sizeof *k->profile);
    for (int i = 0; i < n; i++) {
        memset(&k->profile[i], 0, sizeof k->profile[i]);
        k->profile[i].from = from[i];
        k->profile[i].factor = factor[i];
    }
    k->nprofile = n;
    k->profile_every = every;
}

static void add_start(cs_model *m, int c, int at, int count, double age)
{
    cs_class *const k = &m->classes[c];

    k->start = tl_grow(k->start, (size_t)k->nstart + 1, sizeof *k->start);
    memset(&k->start[k->nstart], 0, sizeof *k->start);
    k->start[k->nstart].at = at;
    k->start[k->nstart].count = count;
    k->start[k->nstart].age = age;
    k->nstart++;
}

/*
** A capacity step up on a date, by hand: capacity 1, then 3 from day 4;
** six items of effort 2 at day 0 are done at 2, 4, 6, 6, 6 and 8.  Busy
** capacity-time 4 + 6 + 2 = 12 against 4 x 1 + 6 x 3 = 22 (days 0-10).
*/
START_TEST(test_schedule_step_up)
{
    cs_model *m = mk_model(10, 0);
    const double from[] = {4};
    const int cap[] = {3};
    const double want[] = {2, 4, 6, 6, 6, 8};
    int c, a;
    cs_rep *r;
    tlog l = {0};
    cs_error err;

    a = add_team(m, "a", 1);
    set_schedule(m, a, 1, from, cap, 0);
    c = add_class(m, "w", 0);
    m->classes[c].backlog = 6;
    add_step(m, c, a, tl_const(2.0));
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    for (uint64_t i = 1; i <= 6; i++)
        ck_assert_double_eq_tol(tfind(&l, i, "done", -1, 0), want[i - 1],
                                EPS);
    ck_assert_double_eq_tol(r->teams[a].utilization, 12.0 / 22.0, EPS);
    ck_assert_double_eq_tol(r->teams[a].capacity_mean, 2.2, EPS);
    ck_assert_double_eq_tol(cs_model_capacity_mean(&m->teams[a], 0, 10, 0),
                            2.2, EPS);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** A drop interrupts nothing: capacity 1, 0 from day 1, 2 from day 5.
** Item 1 works [0, 2] through the drop; items 2 and 3 wait until day 5
** and work [5, 7].  Capacity-time counts the unit that finishes item 1
** after its capacity ended: 1 + 1 + 0 + 5 x 2 = 12 for a busy 6, so the
** utilisation is 0.5 (never above 1); the scheduled mean is 11 / 10.
*/
START_TEST(test_schedule_drop)
{
    cs_model *m = mk_model(10, 0);
    const double from[] = {1, 5};
    const int cap[] = {0, 2};
    int c, a;
    cs_rep *r;
    tlog l = {0};
    cs_error err;

    a = add_team(m, "a", 1);
    set_schedule(m, a, 2, from, cap, 0);
    c = add_class(m, "w", 0);
    m->classes[c].backlog = 3;
    add_step(m, c, a, tl_const(2.0));
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert_double_eq_tol(tfind(&l, 1, "finish", a, 0), 2.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "start", a, 0), 5.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 3, "start", a, 0), 5.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 3, "done", -1, 0), 7.0, EPS);
    ck_assert_double_eq_tol(r->teams[a].utilization, 0.5, EPS);
    ck_assert_double_eq_tol(r->teams[a].capacity_mean, 1.1, EPS);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** A repeating schedule under Poisson arrivals: capacity 3, 1 on days
** 6-10 of every 10 (mean 2.2).  Work is conserved, so the mean busy
** workers (team WIP less its queue: one step, no hand-off, no limit) are
** lambda E, and the items done per day of the window are lambda; the
** scheduled mean is exact, and utilisation never exceeds 1.
*/
START_TEST(test_schedule_repeating)
{
    cs_model *m = mk_model(H(20000), H(2000));
    const double from[] = {6};
    const int cap[] = {1};
    const double lambda = 1.2, E = 1.0;
    const int R = 20;
    double busy[MAXR], thr[MAXR];
    cs_engine *e;
    cs_rep *r;
    cs_error err;
    int c, a;
    meas ms;

    a = add_team(m, "a", 3);
    set_schedule(m, a, 1, from, cap, 10);
    c = add_class(m, "w", lambda);
    add_step(m, c, a, tl_exp(E));
    e = cs_engine_new(m);
    r = cs_engine_rep_new(m);
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_nonnull(r);
    for (int i = 0; i < R; i++) {
        ck_assert_int_eq(cs_engine_run(e, (uint64_t)i, m->warmup, r, &err),
                         CS_OK);
        busy[i] = r->teams[a].wip_mean - r->teams[a].queue_len_mean;
        thr[i] = (double)r->done_window / (m->horizon - m->warmup);
        ck_assert_double_le(r->teams[a].utilization, 1.0);
        ck_assert_double_gt(r->teams[a].utilization,
                            busy[i] / 3.0);
        ck_assert_double_eq_tol(r->teams[a].capacity_mean,
                                cs_model_capacity_mean(&m->teams[a],
                                                       m->warmup, m->horizon,
                                                       0),
                                1e-6);
    }
    ck_assert_double_eq_tol(cs_model_capacity_mean(&m->teams[a], 0, 10, 0),
                            2.2, EPS);
    ms.R = R;
    check_case("Schedule: busy workers", "lambda E (work conserved)",
               "capacity 3, 1 on days 6-10 of 10, lambda 1.2, E 1",
               lambda * E, busy, &ms, m);
    check_case("Schedule: throughput", "lambda",
               "capacity 3, 1 on days 6-10 of 10, lambda 1.2, E 1", lambda,
               thr, &ms, m);
    cs_engine_rep_free(r);
    cs_engine_free(e);
    cs_model_free(m);
}
END_TEST

/*
** Productivity by hand.  Factor 0.5 at day 0 rising to 1 at day 4:
** f(t) = 0.5 + t / 8, F(T) = T / 2 + T^2 / 16.  Effort 2 from day 0:
** T^2 + 8 T - 32 = 0, T = sqrt(48) - 4; the next item (effort 2) starts
** there, has F(4) - F(T) = 1 left of the ramp and 1 more at factor 1:
** done at 5.  With focus 0.5 the rate halves: the first item needs 4 =
** F(4) + 1, done at 5.  A falling curve, 1 at 0 to 0.2 at 10: effort 4
** gives T - 0.04 T^2 = 4, T = 5.
*/
static void prod_case(double focus, const double *at, const double *f,
                      int backlog, const double *want)
{
    cs_model *m = mk_model(100, 0);
    int c, a;
    cs_rep *r;
    tlog l = {0};
    cs_error err;

    a = add_team(m, "a", 1);
    m->teams[a].focus = focus;
    set_productivity(m, a, 2, at, f);
    c = add_class(m, "w", 0);
    m->classes[c].backlog = backlog;
    add_step(m, c, a, tl_const(at[1] > 5 ? 4.0 : 2.0));
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    for (int i = 0; i < backlog; i++)
        ck_assert_double_eq_tol(tfind(&l, (uint64_t)i + 1, "finish", a, 0),
                                want[i], 1e-12);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}

START_TEST(test_productivity_exact)
{
    const double at[] = {0, 4}, f[] = {0.5, 1.0};
    const double want[] = {sqrt(48.0) - 4.0, 5.0};
    const double want_focus[] = {5.0};
    const double at2[] = {0, 10}, f2[] = {1.0, 0.2};
    const double want2[] = {5.0};

    prod_case(1.0, at, f, 2, want);
    prod_case(0.5, at, f, 1, want_focus);
    prod_case(1.0, at2, f2, 1, want2);
    {
        cs_team t;
        memset(&t, 0, sizeof t);
        ck_assert_double_eq(cs_model_productivity_at(&t, 3.0), 1.0);
        t.productivity = (cs_prod_point[]){{0, 0.5, {0, 0}}, {4, 1.0, {0, 0}}};
        t.nproductivity = 2;
        ck_assert_double_eq_tol(cs_model_productivity_at(&t, 2.0), 0.75, EPS);
        ck_assert_double_eq_tol(cs_model_productivity_at(&t, 9.0), 1.0, EPS);
    }
}
END_TEST

/*
** A demand profile: rate 2 a day, factor 3 on days 5-8 and 0 on days
** 8-10 of every 10.  The timeline (1-day periods) counts the arrivals of
** each day: Poisson with mean 2 f(day), tested per day at TOL_SE of the
** Poisson standard error over the replications; days with factor 0 have
** none.  A one-off profile with factor 0 from day 20 ends all arrivals.
*/
START_TEST(test_profile_counts)
{
    cs_model *m = mk_model(40, 0);
    const double from[] = {5, 8}, factor[] = {3, 0};
    const int R = 400;
    double sum[40] = {0};
    cs_engine *e;
    cs_rep *r;
    cs_error err;
    int c, a;

    a = add_team(m, "a", 50);
    c = add_class(m, "w", 2.0);
    add_step(m, c, a, tl_exp(0.1));
    set_profile(m, c, 2, from, factor, 10);
    m->timeline = 1.0;
    e = cs_engine_new(m);
    r = cs_engine_rep_new(m);
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->nperiods, 40);
    for (int i = 0; i < R; i++) {
        uint64_t n = 0;
        ck_assert_int_eq(cs_engine_run(e, (uint64_t)i, 0, r, &err), CS_OK);
        for (int k = 0; k < 40; k++) {
            sum[k] += (double)r->periods[k].arrived;
            n += r->periods[k].arrived;
        }
        ck_assert_uint_eq(n, r->arrived);
    }
    for (int k = 0; k < 40; k++) {
        const double f = cs_model_profile_at(&m->classes[c], k + 0.5);
        const double mean = 2.0 * f;
        if (f == 0) {
            ck_assert_double_eq(sum[k], 0);
            continue;
        }
        ck_assert_msg(fabs(sum[k] / R - mean) <= TOL_SE * sqrt(mean / R),
                      "day %d: %g arrivals a day, want %g", k, sum[k] / R,
                      mean);
    }
    ck_assert_double_eq_tol(cs_model_profile_mean(&m->classes[c], 0, 40),
                            1.4, EPS);
    ck_assert_double_eq_tol(cs_model_class_rate(m, c), 2.8, EPS);
    cs_engine_rep_free(r);
    cs_engine_free(e);
    /* one-off: nothing after day 20 */
    m->classes[c].profile[0].from = 20;
    m->classes[c].profile[0].factor = 0;
    m->classes[c].nprofile = 1;
    m->classes[c].profile_every = 0;
    e = cs_engine_new(m);
    r = cs_engine_rep_new(m);
    for (int i = 0; i < 20; i++) {
        ck_assert_int_eq(cs_engine_run(e, (uint64_t)i, 0, r, &err), CS_OK);
        for (int k = 20; k < 40; k++)
            ck_assert_uint_eq(r->periods[k].arrived, 0);
        ck_assert_uint_gt(r->arrived, 0);
    }
    cs_engine_rep_free(r);
    cs_engine_free(e);
    cs_model_free(m);
}
END_TEST

/*
** Today's board by hand.  a (capacity 1, effort 1) -> b (capacity 1,
** effort 2).  Start items: 2 at b aged 5, 1 at a aged 0; backlog 1.
** Start items go first: b works item 1 [0, 2] and item 2 [2, 4]; a works
** item 3 [0, 1] and the backlog item 4 [1, 2]; b then works 3 [4, 6] and
** 4 [6, 8].  Lead times 7, 9, 6, 8 (the age counted); completion day 8;
** a done_by promise at 8 is met, at 7.9 not.  With WIP limit 1 at b the
** start items put b above it; a's items wait for room and the days stay
** the same.  The breakdown of item 1 keeps its age as queue time.
*/
static void board_case(int limit)
{
    cs_model *m = mk_model(20, 0);
    int c, a, b, met, missed;
    cs_rep *r;
    tlog l = {0};
    cs_error err;
    double brk = 0;

    a = add_team(m, "a", 1);
    b = add_team(m, "b", 1);
    m->teams[b].wip_limit = limit;
    c = add_class(m, "w", 0);
    m->classes[c].backlog = 1;
    add_step(m, c, a, tl_const(1.0));
    add_step(m, c, b, tl_const(2.0));
    add_start(m, c, 1, 2, 5.0);
    add_start(m, c, 0, 1, 0.0);
    met = add_promise(m, CS_PROMISE_DONE_BY, c, 0, 0.85, 0);
    m->promises[met].done_by = 8;
    missed = add_promise(m, CS_PROMISE_DONE_BY, -1, 0, 0.85, 0);
    m->promises[missed].done_by = 7.9;
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert_double_eq_tol(tfind(&l, 1, "done", -1, 0), 2.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "done", -1, 0), 4.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 3, "done", -1, 0), 6.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 4, "done", -1, 0), 8.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "arrive", -1, 0), 0.0, EPS);
    ck_assert_uint_eq(r->arrived, 4);
    ck_assert_uint_eq(r->lt_n, 4);
    ck_assert_double_eq_tol(r->lt_sum, 7 + 9 + 6 + 8, EPS);
    ck_assert_uint_eq(r->classes[c].initial, 4);
    ck_assert_double_eq_tol(r->classes[c].completion, 8.0, EPS);
    ck_assert_double_eq_tol(r->completion, 8.0, EPS);
    ck_assert_double_eq(r->promises[met].achieved, 1.0);
    ck_assert_double_eq(r->promises[missed].achieved, 0.0);
    for (int q = 0; q < m->classes[c].nsteps * CS_BRK_N; q++)
        brk += r->classes[c].brk[q];
    ck_assert_double_eq_tol(brk, r->lt_sum, EPS);
    free(l.v);
    cs_engine_rep_free(r);
    /* a horizon before the last is done: not finished */
    m->horizon = 7;
    r = cs_engine_rep_new(m);
    l.v = NULL;
    l.n = l.cap = 0;
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert(isinf(r->completion));
    ck_assert(isinf(r->classes[c].completion));
    ck_assert_double_eq(r->promises[met].achieved, 0.0);
    free(l.v);
    cs_engine_rep_free(r);
    /* with a warm-up, initial items are not in the lead times */
    m->horizon = 20;
    m->warmup = 1;
    r = cs_engine_rep_new(m);
    l.v = NULL;
    l.n = l.cap = 0;
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert_uint_eq(r->lt_n, 0);
    ck_assert_double_eq_tol(r->completion, 8.0, EPS);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}

START_TEST(test_start_board)
{
    board_case(0);
    board_case(1);
}
END_TEST

/* A start item at a parallel step starts every branch at day 0. */
START_TEST(test_start_parallel)
{
    cs_model *m = mk_model(20, 0);
    const int teams[2] = {1, 2};
    const cs_dist eff[2] = {tl_const(1.0), tl_const(3.0)};
    int c, a, s;
    cs_rep *r;
    tlog l = {0};
    cs_error err;

    a = add_team(m, "a", 1);
    add_team(m, "b", 1);
    add_team(m, "c", 1);
    c = add_class(m, "w", 0);
    add_step(m, c, a, tl_const(1.0));
    s = add_parallel(m, c, 2, teams, eff);
    (void)s;
    add_start(m, c, 1, 1, 2.0);
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert_double_eq_tol(tfind(&l, 1, "start", 1, 0), 0.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "start", 2, 0), 0.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "done", -1, 0), 3.0, EPS);
    ck_assert(tfind(&l, 1, "start", a, 0) < 0);
    ck_assert_double_eq_tol(r->lt_sum, 5.0, EPS);
    ck_assert_double_eq_tol(r->completion, 3.0, EPS);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** The timeline by hand (the backlog of test_backlog_only: 10 items,
** capacity 2, effort 1; 2-day periods over 10 days): done 2, 4, 4, 0, 0;
** chain WIP 9, 5, 1, 0, 0; the team's utilisation 1, 1, 0.5, 0, 0.
*/
START_TEST(test_timeline)
{
    cs_model *m = mk_model(10, 0);
    const double done[] = {2, 4, 4, 0, 0}, wip[] = {9, 5, 1, 0, 0};
    const double util[] = {1, 1, 0.5, 0, 0}, lt[] = {2, 10, 18, 0, 0};
    int c, a;
    cs_rep *r;
    tlog l = {0};
    cs_error err;

    a = add_team(m, "a", 2);
    c = add_class(m, "w", 0);
    m->classes[c].backlog = 10;
    add_step(m, c, a, tl_const(1.0));
    m->timeline = 2;
    r = cs_engine_rep_new(m);
    ck_assert_int_eq(r->nperiods, 5);
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert_uint_eq(r->periods[0].arrived, 10);
    for (int k = 0; k < 5; k++) {
        const cs_period_team *pt = &r->period_teams[k * m->nteams + a];
        ck_assert_double_eq((double)r->periods[k].done, done[k]);
        ck_assert_double_eq_tol(r->periods[k].wip, wip[k], EPS);
        ck_assert_double_eq_tol(r->periods[k].lt_sum, lt[k], EPS);
        ck_assert_double_eq_tol(pt->utilization, util[k], EPS);
        ck_assert_double_eq_tol(pt->wip, wip[k], EPS);
        ck_assert_double_eq_tol(pt->capacity, 2.0, EPS);
    }
    ck_assert_uint_eq(r->nperiod_lt, 10);
    ck_assert_int_eq(r->period_lt[9].period, 2);
    /* a last, shorter period; the window results are untouched */
    free(l.v);
    l.v = NULL;
    l.n = l.cap = 0;
    m->timeline = 3;
    cs_engine_rep_free(r);
    r = cs_engine_rep_new(m);
    ck_assert_int_eq(r->nperiods, 4);
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert_double_eq_tol(r->periods[3].wip, 0.0, EPS);
    ck_assert_double_eq_tol(r->periods[0].wip, (10 + 8 + 6) / 3.0, EPS);
    ck_assert_double_eq_tol(r->wip_mean, 3.0, EPS);
    ck_assert_double_eq_tol(r->teams[a].utilization, 0.5, EPS);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** Common random numbers over time: a variant that changes only team b's
** schedule and productivity keeps every arrival time, and the work
** durations at team a, of the baseline.
*/
START_TEST(test_crn_over_time)
{
    cs_model *m = mk_model(1500, 0);
    const double from[] = {100, 400}, at[] = {50, 300}, f[] = {0.6, 1.0};
    const int cap[] = {2, 1};
    int c, a, b;
    crn_log *l1 = calloc(1, sizeof *l1), *l2 = calloc(1, sizeof *l2);
    cs_rep *r;

    a = add_team(m, "a", 1);
    b = add_team(m, "b", 2);
    c = add_class(m, "w", 0.9);
    add_step(m, c, a, tl_exp(0.8));
    add_step(m, c, b, tl_exp(1.0));
    add_step(m, c, a, tl_gamma(0.2, 0.5));
    r = cs_engine_rep_new(m);
    crn_run(m, l1, r);
    set_schedule(m, b, 2, from, cap, 0);
    set_productivity(m, b, 2, at, f);
    crn_run(m, l2, r);
    /* steps 0 and 2, at team a */
    ck_assert_uint_gt(crn_same(l1, l2, 2), 2000);
    free(l1);
    free(l2);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** The productivity integral and the profile inversion under load, where
** M/M/1 gives the answer.  A curve whose two points have the factor 0.8,
** the second beyond the horizon, makes every effort pass through the
** linear-piece integrator: service rate 0.8 per day, W = 1/(0.8 - 0.6).
** A profile with the factor 2 from day 0 on a rate of 0.3 gives Poisson
** arrivals at 0.6 through the inversion: with service rate 1,
** W = 1/(1 - 0.6).
*/
START_TEST(test_over_time_mm1)
{
    cs_model *m = mk_model(H(60000), H(6000));
    const double at[] = {0, 1e9}, f[] = {0.8, 0.8};
    const double from[] = {0}, factor[] = {2};
    meas *x;
    int c, a;

    a = add_team(m, "a", 1);
    set_productivity(m, a, 2, at, f);
    c = add_class(m, "w", 0.6);
    add_step(m, c, a, tl_exp(1.0));
    x = replicate(m, 30);
    check_case("M/M/1, productivity 0.8 (curve integral)",
               "W = 1/(mu f - lambda)", "lambda 0.6, mu 1, factor 0.8",
               1.0 / (0.8 - 0.6), x->lt, x, m);
    free(x);
    cs_model_free(m);
    m = mk_model(H(60000), H(6000));
    a = add_team(m, "a", 1);
    c = add_class(m, "w", 0.3);
    add_step(m, c, a, tl_exp(1.0));
    set_profile(m, c, 1, from, factor, 0);
    ck_assert_double_eq_tol(cs_model_class_rate(m, c), 0.6, EPS);
    x = replicate(m, 30);
    check_case("M/M/1, demand factor 2 (profile inversion)",
               "W = 1/(mu - lambda f)", "lambda 0.3, factor 2, mu 1",
               1.0 / (1.0 - 0.6), x->lt, x, m);
    free(x);
    cs_model_free(m);
}
END_TEST

/* ---- abandonment, CONWIP, promises on a team (SPEC 5.7, 5.8) -------- */

static void set_patience(cs_model *m, int c, cs_dist d)
{
    m->classes[c].has_patience = 1;
    m->classes[c].patience = d;
}

/*
** M/M/1 with exponential patience of rate theta, abandonment only in the
** queue: the number in the system is a birth-death chain with birth
** lambda and death mu + (n - 1) theta from n >= 1, solved here
** (truncated where the tail is below 1e-300).  Abandoned share = theta
** E[queue] / lambda; a served item's mean lead time by PASTA, following
** a tagged arrival that finds n ahead: from j ahead it leaves the state
** at rate mu + j theta, moving up with probability (mu + (j-1) theta) /
** (mu + j theta); S_j = P(served), A_j = E[wait; served].
*/
START_TEST(test_abandon_mm1)
{
    const double lambda = 1.0, mu = 1.0, theta = 0.5;
    cs_model *m = mk_model(H(60000), H(6000));
    double pi[400], S[400], A[400], norm = 0, lq = 0, served = 0, wsum = 0;
    double share[MAXR], lt[MAXR];
    cs_engine *e;
    cs_rep *r;
    cs_error err;
    meas ms;
    int a, c, n = 0;
    const int R = 30;

    pi[0] = 1.0;
    for (n = 1; n < 400 && pi[n - 1] > 1e-300; n++)
        pi[n] = pi[n - 1] * lambda / (mu + (n - 1) * theta);
    for (int k = 0; k < n; k++)
        norm += pi[k];
    S[0] = 1.0;
    A[0] = 0.0;
    for (int k = 1; k < n; k++) {
        const double rate = mu + k * theta, up = (mu + (k - 1) * theta) / rate;
        S[k] = up * S[k - 1];
        A[k] = up * (S[k - 1] / rate + A[k - 1]);
    }
    for (int k = 0; k < n; k++) {
        pi[k] /= norm;
        if (k >= 1)
            lq += (k - 1) * pi[k];
        served += pi[k] * S[k];
        wsum += pi[k] * (A[k] + S[k] / mu);
    }
    a = add_team(m, "a", 1);
    c = add_class(m, "w", lambda);
    add_step(m, c, a, tl_exp(1.0 / mu));
    set_patience(m, c, tl_exp(1.0 / theta));
    e = cs_engine_new(m);
    r = cs_engine_rep_new(m);
    ms.R = R;
    for (int i = 0; i < R; i++) {
        ck_assert_int_eq(cs_engine_run(e, (uint64_t)i, m->warmup, r, &err),
                         CS_OK);
        share[i] = (double)r->abandoned_window /
                   (double)r->classes[c].arrived_window;
        lt[i] = r->lt_sum / (double)r->lt_n;
        ck_assert_double_eq(r->wasted, 0.0);   /* only queued items leave */
    }
    check_case("M/M/1+M abandoned share", "theta E[Lq] / lambda",
               "lambda 1, mu 1, theta 0.5", theta * lq / lambda, share, &ms,
               m);
    ck_assert_double_eq_tol(theta * lq / lambda, 1.0 - served, 1e-9);
    check_case("M/M/1+M lead time of served items",
               "sum pi_n (A_n + S_n/mu) / sum pi_n S_n",
               "lambda 1, mu 1, theta 0.5", wsum / served, lt, &ms, m);
    cs_engine_rep_free(r);
    cs_engine_free(e);
    cs_model_free(m);
}
END_TEST

/*
** By hand.  One worker, effort 2, patience 3, three backlog items: 1 is
** worked 0-2, 2 waits and is worked 2-4, 3 gives up at 3 in the queue.
** A lead-time promise (within 10) counts it late: 2 of 3.  Then an item
** whose patience (1.5) runs out in work at a (0-2) is abandoned when it
** joins b's queue at 2 (b busy 0-5 with another class's item); its 2
** days of work are wasted.
*/
START_TEST(test_abandon_exact)
{
    cs_model *m = mk_model(50, 0);
    tlog l = {0};
    cs_rep *r;
    cs_error err;
    int a, b, c, y, z, p;

    a = add_team(m, "a", 1);
    c = add_class(m, "w", 0);
    m->classes[c].backlog = 3;
    add_step(m, c, a, tl_const(2));
    set_patience(m, c, tl_const(3));
    p = add_promise(m, CS_PROMISE_LEAD_TIME, c, 10, 0.5, 0);
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert_double_eq_tol(tfind(&l, 1, "finish", a, 0), 2, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "start", a, 0), 2, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "finish", a, 0), 4, EPS);
    ck_assert_double_eq_tol(tfind(&l, 3, "abandon", -1, 0), 3, EPS);
    ck_assert(tfind(&l, 3, "start", -1, 0) < 0);
    ck_assert_uint_eq(tcount(&l, "abandon"), 1);
    ck_assert_uint_eq(r->abandoned, 1);
    ck_assert_uint_eq(r->done, 2);
    ck_assert_uint_eq(r->lt_n, 2);
    ck_assert_uint_eq(r->classes[c].arrived_window, 3);
    ck_assert_uint_eq(r->promises[p].eligible, 3);
    ck_assert_uint_eq(r->promises[p].on_time, 2);
    ck_assert_double_eq(r->wasted, 0.0);
    ck_assert_uint_eq(r->in_system_end, 0);
    cs_engine_rep_free(r);
    cs_model_free(m);
    free(l.v);

    memset(&l, 0, sizeof l);
    m = mk_model(50, 0);
    a = add_team(m, "a", 2);
    b = add_team(m, "b", 1);
    y = add_class(m, "y", 0);
    z = add_class(m, "z", 0);
    m->classes[y].backlog = 1;
    m->classes[z].backlog = 1;
    add_step(m, y, a, tl_const(2));
    add_step(m, y, b, tl_const(1));
    add_step(m, z, b, tl_const(5));
    set_patience(m, y, tl_const(1.5));
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert_double_eq_tol(tfind(&l, 1, "finish", a, 0), 2, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "queue", b, 0), 2, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "abandon", -1, 0), 2, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "finish", b, 0), 5, EPS);
    ck_assert_uint_eq(r->abandoned, 1);
    ck_assert_uint_eq(r->classes[y].abandoned, 1);
    ck_assert_uint_eq(r->classes[z].abandoned, 0);
    ck_assert_double_eq_tol(r->wasted, 2.0, EPS);
    cs_engine_rep_free(r);
    cs_model_free(m);
    free(l.v);
}
END_TEST

/* A class whose items all wait in the backlog of a saturated tandem. */
static cs_model *closed_tandem(int n, const double *mu, int k, int limit)
{
    cs_model *m = mk_model(H(60000), H(6000));
    const int c = add_class(m, "w", 0);

    m->classes[c].backlog = (int)(H(60000) * 2.5);
    for (int i = 0; i < k; i++) {
        char name[16];
        snprintf(name, sizeof name, "t%d", i % 100);
        add_step(m, c, add_team(m, name, 1), tl_exp(1.0 / mu[i]));
    }
    m->wip_limit = limit;
    (void)n;
    return m;
}

/*
** CONWIP with a backlog that never runs dry is the closed network of N
** items through the tandem; exact Mean Value Analysis gives the
** throughput X(N) and each station's time per visit R_k(N) (so its
** queue wait R_k - 1/mu_k) and the time from entry N / X.
*/
START_TEST(test_conwip_mva)
{
    const double mu[3] = {1.0, 1.25, 2.0};
    const int N = 4, K = 3, R = 20;
    double q[3] = {0, 0, 0}, rk[3] = {0, 0, 0}, X = 0;
    double thru[MAXR], wait[3][MAXR], inside[MAXR];
    cs_model *m = closed_tandem(N, mu, K, N);
    cs_engine *e = cs_engine_new(m);
    cs_rep *r = cs_engine_rep_new(m);
    cs_error err;
    meas ms;

    for (int n = 1; n <= N; n++) {
        double sum = 0;
        for (int k = 0; k < K; k++)
            sum += rk[k] = (1.0 + q[k]) / mu[k];
        X = n / sum;
        for (int k = 0; k < K; k++)
            q[k] = X * rk[k];
    }
    ms.R = R;
    for (int i = 0; i < R; i++) {
        const double window = m->horizon - m->warmup;
        double wip_teams = 0;
        ck_assert_int_eq(cs_engine_run(e, (uint64_t)i, m->warmup, r, &err),
                         CS_OK);
        ck_assert_uint_gt(r->in_system_end, (uint64_t)N);   /* never dry */
        thru[i] = (double)r->done_window / window;
        for (int k = 0; k < K; k++) {
            wait[k][i] = r->teams[k].wait_sum / (double)r->teams[k].wait_n;
            wip_teams += r->teams[k].wip_mean;
        }
        inside[i] = wip_teams;
    }
    check_case("CONWIP closed tandem throughput", "MVA X(N)",
               "N 4, mu 1, 1.25, 2", X, thru, &ms, m);
    for (int k = 0; k < K; k++)
        check_case("CONWIP closed tandem queue wait", "MVA R_k(N) - 1/mu_k",
                   k == 0 ? "station 1" : k == 1 ? "station 2" : "station 3",
                   rk[k] - 1.0 / mu[k], wait[k], &ms, m);
    /* exactly N inside at every instant */
    for (int i = 0; i < R; i++)
        ck_assert_double_eq_tol(inside[i], N, 1e-6);
    cs_engine_rep_free(r);
    cs_engine_free(e);
    cs_model_free(m);
}
END_TEST

/*
** By hand.  One worker, effort 1, FIFO.  Class x (5 in the backlog,
** wip_limit 2) and class y (2, no limit): x1 and x2 enter at 0, y1 and
** y2 too; x3 enters when x1 is done (1), x4 at 2, x5 at 5 when x3 is
** done.  Then a chain limit of 1 over two classes lets the longest
** waiting in first: x1, x2, y1, y2 in arrival order.
*/
START_TEST(test_conwip_exact)
{
    cs_model *m = mk_model(50, 0);
    tlog l = {0};
    cs_rep *r;
    cs_error err;
    int a, x, y;

    a = add_team(m, "a", 1);
    x = add_class(m, "x", 0);
    y = add_class(m, "y", 0);
    m->classes[x].backlog = 5;
    m->classes[y].backlog = 2;
    m->classes[x].wip_limit = 2;
    add_step(m, x, a, tl_const(1));
    add_step(m, y, a, tl_const(1));
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    /* serials: x1..x5 = 1..5, y1, y2 = 6, 7 */
    ck_assert_double_eq_tol(tfind(&l, 1, "enter", a, 0), 0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "enter", a, 0), 0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 6, "enter", a, 0), 0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 3, "enter", a, 0), 1, EPS);
    ck_assert_double_eq_tol(tfind(&l, 4, "enter", a, 0), 2, EPS);
    ck_assert_double_eq_tol(tfind(&l, 5, "enter", a, 0), 5, EPS);
    ck_assert_double_eq_tol(tfind(&l, 7, "done", -1, 0), 4, EPS);
    ck_assert_double_eq_tol(tfind(&l, 3, "done", -1, 0), 5, EPS);
    ck_assert_double_eq_tol(tfind(&l, 5, "done", -1, 0), 7, EPS);
    ck_assert_uint_eq(r->done, 7);
    cs_engine_rep_free(r);
    cs_model_free(m);
    free(l.v);

    memset(&l, 0, sizeof l);
    m = mk_model(50, 0);
    a = add_team(m, "a", 2);
    x = add_class(m, "x", 0);
    y = add_class(m, "y", 0);
    m->classes[x].backlog = 2;
    m->classes[y].backlog = 2;
    add_step(m, x, a, tl_const(1));
    add_step(m, y, a, tl_const(1));
    m->wip_limit = 1;
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    for (uint64_t i = 1; i <= 4; i++)
        ck_assert_double_eq_tol(tfind(&l, i, "done", -1, 0), (double)i, EPS);
    /* the wait in the backlog counts in the lead time */
    ck_assert_double_eq_tol(r->lt_sum, 1 + 2 + 3 + 4, EPS);
    cs_engine_rep_free(r);
    cs_model_free(m);
    free(l.v);
}
END_TEST

/*
** A promise on team a's visits in the tandem a -> b (no WIP limits, so
** an item leaves a when its work there ends): the visit is the M/M/1
** sojourn at a, P(T <= t) = 1 - exp(-(mu - lambda) t).
*/
START_TEST(test_team_promise_mm1)
{
    cs_model *m = mk_model(H(60000), H(6000));
    double got[MAXR];
    cs_engine *e;
    cs_rep *r;
    cs_error err;
    meas ms;
    int a, b, c, p, q;
    const int R = 30;

    a = add_team(m, "a", 1);
    b = add_team(m, "b", 1);
    c = add_class(m, "w", 0.8);
    add_step(m, c, a, tl_exp(1.0));
    add_step(m, c, b, tl_exp(0.5));
    p = add_promise(m, CS_PROMISE_LEAD_TIME, -1, 3.0, 0.5, 0);
    m->promises[p].at_team = 1;
    m->promises[p].team = a;
    q = add_promise(m, CS_PROMISE_LEAD_TIME, c, 3.0, 0.5, 0);
    e = cs_engine_new(m);
    r = cs_engine_rep_new(m);
    ms.R = R;
    for (int i = 0; i < R; i++) {
        ck_assert_int_eq(cs_engine_run(e, (uint64_t)i, m->warmup, r, &err),
                         CS_OK);
        got[i] = r->promises[p].achieved;
        /* the class promise counts items, the team promise visits */
        ck_assert(r->promises[q].achieved < got[i]);
    }
    check_case("Promise on a team, M/M/1 visit", "1 - exp(-(mu-lambda) t)",
               "lambda 0.8, mu 1, t 3", 1.0 - exp(-0.2 * 3.0), got, &ms, m);
    cs_engine_rep_free(r);
    cs_engine_free(e);
    cs_model_free(m);
}
END_TEST

/*
** By hand: a visit lasts from admission to leaving the team, blocked
** time included.  Four backlog items, a (no limit, effort 1) -> b
** (wip_limit 1, effort 3), horizon 9: all four are admitted to a at 0;
** item 1 leaves a at 1, item 2 at 4 and item 3 at 7 (when b has room),
** item 4 is still blocked at a at 9.  Promise on a within 2.5: 0-1 on
** time, 0-4 and 0-7 late, item 4's visit (begun 0, at least 2.5 before
** the horizon) not over: late.  Promise on b within 3.5: 1-4 and 4-7 on
** time, item 3's visit begun at 7 (later than 9 - 3.5) is left out.
*/
START_TEST(test_team_promise_exact)
{
    cs_model *m = mk_model(9, 0);
    tlog l = {0};
    cs_rep *r;
    cs_error err;
    int a, b, c, p, q;

    a = add_team(m, "a", 1);
    b = add_team(m, "b", 1);
    m->teams[b].wip_limit = 1;
    c = add_class(m, "w", 0);
    m->classes[c].backlog = 4;
    add_step(m, c, a, tl_const(1));
    add_step(m, c, b, tl_const(3));
    p = add_promise(m, CS_PROMISE_LEAD_TIME, -1, 2.5, 0.5, 0);
    m->promises[p].at_team = 1;
    m->promises[p].team = a;
    q = add_promise(m, CS_PROMISE_LEAD_TIME, -1, 3.5, 0.5, 0);
    m->promises[q].at_team = 1;
    m->promises[q].team = b;
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    /* a: items 1..4 admitted at 0; 1 leaves at 1, 2 at 4 (b free), 3 at
    ** 7, 4 still at a (blocked) at 9 */
    ck_assert_double_eq_tol(tfind(&l, 2, "enter", b, 0), 4, EPS);
    ck_assert_double_eq_tol(tfind(&l, 3, "enter", b, 0), 7, EPS);
    /* a's visits: 0-1 on time, 0-4 and 0-7 late; 4's visit (begun 0 <=
    ** 9 - 2.5) not over: late.  4 eligible, 1 on time. */
    ck_assert_uint_eq(r->promises[p].eligible, 4);
    ck_assert_uint_eq(r->promises[p].on_time, 1);
    /* b's visits: 1-4, 4-7 on time (3 <= 3.5); 3's (7-, begun after 9 -
    ** 3.5) left out */
    ck_assert_uint_eq(r->promises[q].eligible, 2);
    ck_assert_uint_eq(r->promises[q].on_time, 2);
    cs_engine_rep_free(r);
    cs_model_free(m);
    free(l.v);

    /* Fork-join: {a 1, b 3} then {c 1, a 1}.  a's first visit lasts
    ** until the second parallel step takes the item (0-3: its branch
    ** waits for b's), the part at a takes the slot over (leaves and
    ** re-enters), the second visit is 3-4.  Within 3 both are on time,
    ** within 2.5 only the second. */
    {
        int teams2[2];
        cs_dist eff2[2];
        m = mk_model(20, 0);
        a = add_team(m, "a", 1);
        b = add_team(m, "b", 1);
        c = add_team(m, "c", 1);
        p = add_class(m, "w", 0);
        m->classes[p].backlog = 1;
        teams2[0] = a;
        teams2[1] = b;
        eff2[0] = tl_const(1);
        eff2[1] = tl_const(3);
        add_parallel(m, p, 2, teams2, eff2);
        teams2[0] = c;
        teams2[1] = a;
        eff2[0] = tl_const(1);
        eff2[1] = tl_const(1);
        add_parallel(m, p, 2, teams2, eff2);
        q = add_promise(m, CS_PROMISE_LEAD_TIME, -1, 3.0, 0.5, 0);
        m->promises[q].at_team = 1;
        m->promises[q].team = a;
        q = add_promise(m, CS_PROMISE_LEAD_TIME, -1, 2.5, 0.5, 0);
        m->promises[q].at_team = 1;
        m->promises[q].team = a;
        r = cs_engine_rep_new(m);
        memset(&l, 0, sizeof l);
        run_traced(m, 0, &l, r, CS_OK, &err);
        ck_assert_double_eq_tol(tfind(&l, 1, "done", -1, 0), 4, EPS);
        ck_assert_uint_eq(r->promises[0].eligible, 2);
        ck_assert_uint_eq(r->promises[0].on_time, 2);
        ck_assert_uint_eq(r->promises[1].eligible, 2);
        ck_assert_uint_eq(r->promises[1].on_time, 1);
        cs_engine_rep_free(r);
        cs_model_free(m);
        free(l.v);
    }
}
END_TEST

/* Changing the patience or the CONWIP limit leaves the arrivals and the
** efforts unchanged. */
START_TEST(test_crn_flow)
{
    cs_model *m = mk_model(1500, 0);
    int c, a, b;
    crn_log *l1 = calloc(1, sizeof *l1), *l2 = calloc(1, sizeof *l2);
    cs_rep *r;

    a = add_team(m, "a", 1);
    b = add_team(m, "b", 1);
    c = add_class(m, "w", 0.9);
    add_step(m, c, a, tl_exp(0.8));
    add_step(m, c, b, tl_exp(1.0));
    add_step(m, c, a, tl_gamma(0.2, 0.5));
    set_patience(m, c, tl_exp(6.0));
    m->wip_limit = 6;
    r = cs_engine_rep_new(m);
    crn_run(m, l1, r);
    ck_assert_uint_gt(r->abandoned, 10);
    m->classes[c].patience = tl_const(4.0);
    crn_run(m, l2, r);
    ck_assert_uint_gt(crn_same(l1, l2, 1), 1000);
    memset(l2, 0, sizeof *l2);
    m->wip_limit = 3;
    crn_run(m, l2, r);
    ck_assert_uint_gt(crn_same(l1, l2, 1), 1000);
    free(l1);
    free(l2);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** A realistic chain with everything at once, run under CS_DEBUG's
** invariants: three classes, rework through WIP-limited teams, a
** fork-join, priority and EDD queues, patience on two classes, a chain
** and a class CONWIP limit, and a promise on a team.  The figures hold
** together: arrivals = done + abandoned + still inside.
*/
START_TEST(test_flow_realistic)
{
    cs_model *m = mk_model(H(4000), H(400));
    int t[5], x, y, z, s, p;
    int teams[2];
    cs_dist eff[2];
    cs_engine *e;
    cs_rep *r;
    cs_error err;

    t[0] = add_team(m, "ingest", 2);
    t[1] = add_team(m, "model", 2);
    t[2] = add_team(m, "platform", 1);
    t[3] = add_team(m, "review", 1);
    t[4] = add_team(m, "ops", 2);
    m->teams[t[1]].wip_limit = 4;
    m->teams[t[3]].wip_limit = 3;
    m->teams[t[2]].discipline = CS_DISC_PRIORITY;
    m->teams[t[3]].discipline = CS_DISC_EDD;
    x = add_class(m, "data", 0.5);
    y = add_class(m, "ml", 0.3);
    z = add_class(m, "bug", 0.4);
    m->classes[y].priority = 2;
    m->classes[z].has_due = 1;
    m->classes[z].due = 5;
    m->classes[x].backlog = 20;
    add_step(m, x, t[0], tl_exp(1.0));
    s = add_step(m, x, t[1], tl_exp(1.5));
    add_step(m, x, t[3], tl_exp(0.5));
    set_rework(m, x, 2, 0.2, 1, 0.5);
    (void)s;
    teams[0] = t[1];
    teams[1] = t[2];
    eff[0] = tl_exp(2.0);
    eff[1] = tl_exp(1.0);
    add_parallel(m, y, 2, teams, eff);
    add_step(m, y, t[3], tl_exp(0.6));
    add_step(m, z, t[2], tl_exp(0.5));
    add_step(m, z, t[4], tl_exp(1.0));
    set_patience(m, x, tl_exp(30.0));
    set_patience(m, z, tl_const(6.0));
    m->wip_limit = 14;
    m->classes[y].wip_limit = 4;
    p = add_promise(m, CS_PROMISE_LEAD_TIME, -1, 3.0, 0.8, 0);
    m->promises[p].at_team = 1;
    m->promises[p].team = t[2];
    e = cs_engine_new(m);
    r = cs_engine_rep_new(m);
    for (uint64_t i = 0; i < 3; i++) {
        ck_assert_int_eq(cs_engine_run(e, i, m->warmup, r, &err), CS_OK);
        ck_assert_uint_eq(r->arrived,
                          r->done + r->abandoned + r->in_system_end);
        ck_assert_uint_gt(r->abandoned, 0);
        ck_assert_uint_gt(r->done, 100);
        ck_assert_uint_gt(r->promises[p].eligible, 0);
        ck_assert(r->promises[p].achieved >= 0 &&
                  r->promises[p].achieved <= 1);
        ck_assert(r->wasted > 0);
#ifdef CS_DEBUG
        ck_assert_int_eq(cs_engine_check(e), CS_INV_OK);
#endif
    }
    cs_engine_rep_free(r);
    cs_engine_free(e);
    cs_model_free(m);
}
END_TEST

/* ---- interruptions and multitasking (SPEC 5.1, 5.2) ------------------ */

/*
** Preemptive-resume priority in M/M/1 with two classes (Harchol-Balter,
** Performance Modeling and Design of Computer Systems, 2013, ch. 32;
** Kleinrock, Queueing Systems II, 1976, ch. 3): the urgent class sees
** an M/M/1 of its own, W1 = 1/(mu - l1); the normal class
** W2 = E[S]/(1 - r1) + (l1 E[S^2] + l2 E[S^2]) / (2 (1 - r1)(1 - r1 - r2)),
** E[S^2] = 2 / mu^2 for exponential efforts.
*/
START_TEST(test_preemptive_mm1)
{
    cs_model *m = mk_model(H(60000), H(6000));
    int hi, lo, a;
    meas *x;
    const double l1 = 0.3, l2 = 0.5, mu = 1.0, r1 = l1 / mu, r2 = l2 / mu;
    const double w2 = (1.0 / mu) / (1 - r1) +
                      (r1 / mu + r2 / mu) / ((1 - r1) * (1 - r1 - r2));

    a = add_team(m, "a", 1);
    m->teams[a].discipline = CS_DISC_PREEMPTIVE;
    hi = add_class(m, "urgent", l1);
    m->classes[hi].priority = 1;
    add_step(m, hi, a, tl_exp(1.0 / mu));
    lo = add_class(m, "normal", l2);
    add_step(m, lo, a, tl_exp(1.0 / mu));
    x = replicate(m, 30);
    check_case("Preemptive M/M/1 class 1", "W1 = 1/(mu - l1)",
               "l1 0.3, l2 0.5, mu 1", 1.0 / (mu - l1), x->clt[hi], x, m);
    check_case("Preemptive M/M/1 class 2",
               "W2 = (1/mu)/(1-r1) + (r1+r2)/mu/((1-r1)(1-r1-r2))",
               "l1 0.3, l2 0.5, mu 1", w2, x->clt[lo], x, m);
    check_case("Preemptive M/M/1 utilisation", "rho = (l1 + l2)/mu",
               "l1 0.3, l2 0.5, mu 1", r1 + r2, x->util[a], x, m);
    free(x);
    cs_model_free(m);
}
END_TEST

/* Runs m (replication 0) with a trace into l; the rep into r. */
static void trace_ok(const cs_model *m, tlog *l, cs_rep *r)
{
    cs_error err;

    run_traced(m, 0, l, r, CS_OK, &err);
}

/*
** Preemption and resume event by event.  Team a (capacity 1, preemptive,
** resume cost 0.5) has two normal items of effort 15 from day 0 and an
** urgent one of effort 2 every 10 days.  Item 1 works 0-10, is
** interrupted by the urgent item (10-12), goes back ahead of item 2 and
** resumes at 12 with 5 + 0.5 left: done at 17.5.  Item 2 then starts,
** is interrupted at 20 and 30 and resumes at 22 and 32: 17.5 + 15 + 2 x
** 0.5 + 2 x 2 = 37.5.  The breakdown counts interrupted time as queue;
** queue_wait only the wait before the first start.
*/
START_TEST(test_preemptive_trace)
{
    cs_model *m = mk_model(39, 0);
    int a, lo, hi;
    cs_rep *r;
    tlog l = {0};

    a = add_team(m, "a", 1);
    m->teams[a].discipline = CS_DISC_PREEMPTIVE;
    m->teams[a].has_resume_cost = 1;
    m->teams[a].resume_cost = tl_const(0.5);
    lo = add_class(m, "normal", 0);
    m->classes[lo].backlog = 2;
    add_step(m, lo, a, tl_const(15));
    hi = add_class(m, "urgent", 0);
    m->classes[hi].priority = 1;
    set_interval(m, hi, tl_const(10));
    add_step(m, hi, a, tl_const(2));
    r = cs_engine_rep_new(m);
    trace_ok(m, &l, r);
    /* items 1 and 2: the backlog; 3, 4, 5: urgent at 10, 20, 30 */
    ck_assert_double_eq_tol(tfind(&l, 1, "start", a, 0), 0.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "interrupt", a, 0), 10.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 3, "start", a, 0), 10.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 3, "finish", a, 0), 12.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "resume", a, 0), 12.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "finish", a, 0), 17.5, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "start", a, 0), 17.5, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "interrupt", a, 0), 20.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "resume", a, 0), 22.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "interrupt", a, 1), 30.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "resume", a, 1), 32.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "finish", a, 0), 37.5, EPS);
    ck_assert_double_eq(tfind(&l, 2, "interrupt", a, 2), -1.0);
    ck_assert_uint_eq(tcount(&l, "interrupt"), 3);
    ck_assert_uint_eq(tcount(&l, "resume"), 3);
    /* breakdown of the two normal items: queue 2 + 21.5, work 15.5 + 16 */
    ck_assert_uint_eq(r->classes[lo].n, 2);
    ck_assert_double_eq_tol(r->classes[lo].brk[CS_BRK_QUEUE], 23.5, EPS);
    ck_assert_double_eq_tol(r->classes[lo].brk[CS_BRK_WORK], 31.5, EPS);
    ck_assert_double_eq_tol(r->classes[lo].lt_sum, 17.5 + 37.5, EPS);
    /* waits before the first start: 0, 17.5 and the urgent ones' 0 */
    ck_assert_double_eq_tol(r->teams[a].wait_sum, 17.5, EPS);
    ck_assert_uint_eq(r->teams[a].wait_n, 5);
    /* time in work: everything but the 4.5 days of the urgent items'
    ** own work counts once; flow: the normal items were in work 31.5 */
    ck_assert_double_eq_tol(r->work_sum, 31.5 + 3 * 2.0, EPS);
    ck_assert_double_eq_tol(r->teams[a].utilization, 37.5 / 39.0, EPS);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** The victim among equals is the one started or resumed last; a part
** that finds a free worker interrupts nobody; an equal priority never
** interrupts.  Team a (capacity 2): normal items 1 (effort 3), 2 and 3
** (effort 20) from day 0; urgent items every 5 days (effort 1).  Day 3:
** item 1 done, item 3 starts.  Day 5: the urgent item interrupts item 3
** (started at 3, after item 2); it resumes at 6.  Day 10: item 3 again
** (resumed at 6).
*/
START_TEST(test_preemptive_victim)
{
    cs_model *m = mk_model(11, 0);
    int a, n1, n2, hi;
    cs_rep *r;
    tlog l = {0};

    a = add_team(m, "a", 2);
    m->teams[a].discipline = CS_DISC_PREEMPTIVE;
    n1 = add_class(m, "short", 0);
    m->classes[n1].backlog = 1;
    add_step(m, n1, a, tl_const(3));
    n2 = add_class(m, "long", 0);
    m->classes[n2].backlog = 2;
    add_step(m, n2, a, tl_const(20));
    hi = add_class(m, "urgent", 0);
    m->classes[hi].priority = 1;
    set_interval(m, hi, tl_const(5));
    add_step(m, hi, a, tl_const(1));
    r = cs_engine_rep_new(m);
    trace_ok(m, &l, r);
    ck_assert_double_eq_tol(tfind(&l, 1, "finish", a, 0), 3.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 3, "start", a, 0), 3.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 3, "interrupt", a, 0), 5.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 3, "resume", a, 0), 6.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 3, "interrupt", a, 1), 10.0, EPS);
    ck_assert_double_eq(tfind(&l, 2, "interrupt", a, 0), -1.0);
    ck_assert_uint_eq(tcount(&l, "interrupt"), 2);
    free(l.v);
    memset(&l, 0, sizeof l);
    /* urgent items of equal priority: no interruption */
    m->classes[hi].priority = 0;
    trace_ok(m, &l, r);
    ck_assert_uint_eq(tcount(&l, "interrupt"), 0);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** A drop in capacity interrupts nothing, and while more parts are in work
** than the capacity, an arrival interrupts nothing either: capacity 1,
** 0 on days 2-6.  The normal item (effort 5) goes on to day 5; the urgent
** one that arrives at 3.5 waits for the capacity to return at 6 (6-6.5).
*/
START_TEST(test_preemptive_after_drop)
{
    cs_model *m = mk_model(6.8, 0);
    const double from[] = {2, 6};
    const int cap[] = {0, 1};
    int a, lo, hi;
    cs_rep *r;
    tlog l = {0};

    a = add_team(m, "a", 1);
    m->teams[a].discipline = CS_DISC_PREEMPTIVE;
    set_schedule(m, a, 2, from, cap, 0);
    lo = add_class(m, "normal", 0);
    m->classes[lo].backlog = 1;
    add_step(m, lo, a, tl_const(5));
    hi = add_class(m, "urgent", 0);
    m->classes[hi].priority = 1;
    set_interval(m, hi, tl_const(3.5));
    add_step(m, hi, a, tl_const(0.5));
    r = cs_engine_rep_new(m);
    trace_ok(m, &l, r);
    ck_assert_uint_eq(tcount(&l, "interrupt"), 0);
    ck_assert_double_eq_tol(tfind(&l, 1, "finish", a, 0), 5.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "start", a, 0), 6.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "finish", a, 0), 6.5, EPS);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** Multitasking event by event.  Capacity 1, 3 items per person, switch
** loss 0.6: items of effort 1, 2 and 3 from day 0 share max(0.1, 1 -
** 0.6 x 2) = 0.1: each has 1 done at day 30 (the first finishes); two
** then share max(0.1, 1 - 0.6) = 0.4: the second has 1 left at 0.2 a
** day, done at 35; the last alone, 1 left: 36.  With focus 0.5 every
** time doubles.  Utilisation min(n, c)/c is 1 while any is in work.
** Then 2 items per person, no loss: items 1 and 2 (effort 1) share the
** person and finish together at 2 (a tie), item 3 (effort 1) waits for
** a slot and takes 2-3.
*/
static void mt_case(double focus, double scale)
{
    cs_model *m = mk_model(40 * scale, 0);
    int a, c;
    cs_rep *r;
    tlog l = {0};

    a = add_team(m, "a", 1);
    m->teams[a].items_per_person = 3;
    m->teams[a].switch_loss = 0.6;
    m->teams[a].focus = focus;
    for (int k = 1; k <= 3; k++) {
        char name[16];
        snprintf(name, sizeof name, "c%d", k);
        c = add_class(m, name, 0);
        m->classes[c].backlog = 1;
        add_step(m, c, a, tl_const(k));
    }
    r = cs_engine_rep_new(m);
    trace_ok(m, &l, r);
    ck_assert_double_eq_tol(tfind(&l, 1, "finish", a, 0), 30.0 * scale, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "finish", a, 0), 35.0 * scale, EPS);
    ck_assert_double_eq_tol(tfind(&l, 3, "finish", a, 0), 36.0 * scale, EPS);
    ck_assert_double_eq_tol(r->teams[a].utilization, 36.0 / 40.0, EPS);
    ck_assert_double_eq_tol(r->classes[2].brk[CS_BRK_WORK], 36.0 * scale,
                            EPS);
    ck_assert_double_eq_tol(r->classes[2].brk[CS_BRK_QUEUE], 0.0, EPS);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}

START_TEST(test_multitasking_trace)
{
    cs_model *m = mk_model(10, 0);
    int a, c;
    cs_rep *r;
    tlog l = {0};

    mt_case(1.0, 1.0);
    mt_case(0.5, 2.0);
    a = add_team(m, "a", 1);
    m->teams[a].items_per_person = 2;
    c = add_class(m, "w", 0);
    m->classes[c].backlog = 3;
    add_step(m, c, a, tl_const(1));
    r = cs_engine_rep_new(m);
    trace_ok(m, &l, r);
    ck_assert_double_eq_tol(tfind(&l, 1, "finish", a, 0), 2.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "finish", a, 0), 2.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 3, "start", a, 0), 2.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 3, "finish", a, 0), 3.0, EPS);
    ck_assert_double_eq_tol(r->classes[c].brk[CS_BRK_QUEUE], 2.0, EPS);
    ck_assert_double_eq_tol(r->classes[c].brk[CS_BRK_WORK], 5.0, EPS);
    ck_assert_double_eq_tol(r->teams[a].utilization, 0.3, EPS);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** Processor sharing: with no switch loss and room for every item, a
** team of capacity 1 is M/G/1-PS, whose mean sojourn E[S]/(1 - rho)
** does not depend on the effort's distribution (Kleinrock, Queueing
** Systems II, 1976, ch. 4): exponential and constant efforts both give 5
** for lambda 0.8, mu 1;
** through a productivity curve of factor 0.8 (the integrator's linear
** piece), lambda 0.6: (1/0.8)/(1 - 0.75) = 5.  Capacity 2 with no loss:
** n > 2 items share 2, so the number in the team is M/M/2's.
*/
START_TEST(test_multitasking_ps)
{
    const double at[] = {0, 1e9}, f[] = {0.8, 0.8};
    cs_model *m;
    meas *x;
    int c, a;

    for (int k = 0; k < 3; k++) {
        m = mk_model(H(60000), H(6000));
        a = add_team(m, "a", 1);
        m->teams[a].items_per_person = 1000;
        c = add_class(m, "w", k < 2 ? 0.8 : 0.6);
        add_step(m, c, a, k == 1 ? tl_const(1.0) : tl_exp(1.0));
        if (k == 2)
            set_productivity(m, a, 2, at, f);
        x = replicate(m, 30);
        check_case(k == 0   ? "M/M/1-PS sojourn"
                   : k == 1 ? "M/D/1-PS sojourn"
                            : "M/M/1-PS, productivity 0.8",
                   "W = E[S]/(1 - rho)",
                   k == 0   ? "lambda 0.8, exp mean 1"
                   : k == 1 ? "lambda 0.8, effort 1"
                            : "lambda 0.6, exp mean 1, factor 0.8",
                   5.0, x->lt, x, m);
        if (k == 1)
            check_case("M/D/1-PS utilisation", "rho = lambda E[S]",
                       "lambda 0.8, effort 1", 0.8, x->util[a], x, m);
        free(x);
        cs_model_free(m);
    }
    m = mk_model(H(30000), H(3000));
    a = add_team(m, "a", 2);
    m->teams[a].items_per_person = 1000;
    c = add_class(m, "w", 1.6);
    add_step(m, c, a, tl_exp(1.0));
    x = replicate(m, 30);
    check_case("Multitasking c 2, no loss", "W = W(M/M/2)",
               "lambda 1.6, mu 1", mmc_sojourn(2, 1.6, 1.0), x->lt, x, m);
    free(x);
    cs_model_free(m);
}
END_TEST

/*
** Switch loss and a bound on items per person, exponential efforts:
** the number n at the team is a birth-death chain with birth rate
** lambda and death rate min(n, c) mu up to c, then c mu max(0.1, 1 - s
** (min(n, c k)/c - 1)) (min(n, c k) in work, the rest queued: the work
** left of each is exponential whatever its share).  Solved here
** numerically, truncated at 4000 (the tail ratio is 1.1/1.4); W = L /
** lambda by Little; utilisation E[min(n, c)]/c.
*/
START_TEST(test_multitasking_switch_loss)
{
    const double lam = 1.1, mu = 1.0, s = 0.3;
    const int cap = 2, k = 2, N = 4000;
    double p = 1.0, z = 1.0, ln = 0.0, busy = 0.0;
    cs_model *m = mk_model(H(60000), H(6000));
    meas *x;
    int c, a;

    for (int n = 1; n < N; n++) {
        const int w = n < cap * k ? n : cap * k;
        double d = w <= cap ? w * mu : cap * mu * (1.0 - s * ((double)w / cap - 1.0));
        if (w > cap && d < 0.1 * cap * mu)
            d = 0.1 * cap * mu;
        p *= lam / d;
        z += p;
        ln += n * p;
        busy += (n < cap ? n : cap) * p;
    }
    a = add_team(m, "a", cap);
    m->teams[a].items_per_person = k;
    m->teams[a].switch_loss = s;
    c = add_class(m, "w", lam);
    add_step(m, c, a, tl_exp(1.0 / mu));
    x = replicate(m, 30);
    check_case("Multitasking switch loss sojourn",
               "W = L/lambda, birth-death chain",
               "lambda 1.1, mu 1, c 2, 2 per person, loss 0.3",
               ln / z / lam, x->lt, x, m);
    check_case("Multitasking switch loss utilisation", "E[min(n, c)]/c",
               "lambda 1.1, mu 1, c 2, 2 per person, loss 0.3",
               busy / z / cap, x->util[a], x, m);
    free(x);
    cs_model_free(m);
}
END_TEST

/*
** A realistic chain with both mechanics: incidents interrupt planned
** work at an SRE team (resume cost, a productivity dip, a WIP limit), a
** multitasking development team with a WIP limit and a capacity
** schedule that drops to 0, rework back to development, a parallel step.
** Under CS_DEBUG every event checks the invariants; here the
** breakdown adds up to the lead time, Little's law holds per
** replication, and interruptions and resumes happen.
*/
START_TEST(test_preempt_multitask_chain)
{
    cs_model *m = mk_model(600, 60);
    const double at[] = {100, 200}, f[] = {0.6, 1.0};
    const double from[] = {150, 170, 300}, dummy = 0;
    const int capv[] = {0, 3, 1};
    int sre, dev, qa, ops, inc, plan, s;
    int teams[2];
    cs_dist eff[2];
    cs_rep *r;
    cs_error err;
    cs_engine *e;

    (void)dummy;
    dev = add_team(m, "dev", 2);
    m->teams[dev].items_per_person = 3;
    m->teams[dev].switch_loss = 0.2;
    m->teams[dev].wip_limit = 8;
    set_schedule(m, dev, 3, from, capv, 0);
    sre = add_team(m, "sre", 2);
    m->teams[sre].discipline = CS_DISC_PREEMPTIVE;
    m->teams[sre].has_resume_cost = 1;
    m->teams[sre].resume_cost = tl_exp(0.2);
    m->teams[sre].wip_limit = 6;
    set_productivity(m, sre, 2, at, f);
    qa = add_team(m, "qa", 1);
    m->teams[qa].items_per_person = 2;
    m->teams[qa].discipline = CS_DISC_PREEMPTIVE;
    ops = add_team(m, "ops", 1);
    inc = add_class(m, "incident", 0.3);
    m->classes[inc].priority = 2;
    add_step(m, inc, sre, tl_exp(0.8));
    plan = add_class(m, "planned", 0.5);
    m->classes[plan].backlog = 10;
    add_step(m, plan, dev, tl_gamma(2.0, 0.7));
    s = add_step(m, plan, qa, tl_exp(0.5));
    set_rework(m, plan, s, 0.2, 0, 0.5);
    teams[0] = sre;
    teams[1] = ops;
    eff[0] = tl_exp(0.6);
    eff[1] = tl_exp(0.4);
    add_parallel(m, plan, 2, teams, eff);
    e = cs_engine_new(m);
    r = cs_engine_rep_new(m);
    ck_assert_ptr_nonnull(e);
    for (uint64_t rep = 0; rep < 4; rep++) {
        tlog l = {0};
        double lt = 0.0, parts = 0.0;
        cs_engine_set_trace(e, tlog_fn, &l);
        ck_assert_msg(cs_engine_run(e, rep, m->warmup, r, &err) == CS_OK,
                      "%s", err.msg);
        ck_assert_uint_gt(tcount(&l, "interrupt"), 0);
        ck_assert_uint_ge(tcount(&l, "interrupt"), tcount(&l, "resume"));
        for (int k = 0; k < m->nclasses; k++) {
            lt += r->classes[k].lt_sum;
            for (int q = 0; q < r->classes[k].nsteps * CS_BRK_N; q++)
                parts += r->classes[k].brk[q];
        }
        ck_assert_double_eq_tol(parts, lt, 1e-9 * lt);
        ck_assert(r->teams[dev].utilization > 0 &&
                  r->teams[dev].utilization <= 1.0);
        ck_assert(r->teams[sre].utilization > 0 &&
                  r->teams[sre].utilization <= 1.0);
#ifdef CS_DEBUG
        ck_assert_int_eq(cs_engine_check(e), CS_INV_OK);
#endif
        free(l.v);
    }
    cs_engine_rep_free(r);
    cs_engine_free(e);
    cs_model_free(m);
}
END_TEST

/*
** test_deadlock_random's chain (WIP limits 1-2, forks, two branches at
** one team, rework, hand-offs) with shared work: preemptive teams (one
** with a resume cost, one multitasking), a multitasking team, an urgent
** class.  It runs to the horizon with deadlocks broken, interruptions
** and resumes; under CS_DEBUG every event checks the invariants and that
** no deadlock is left undetected.
*/
START_TEST(test_deadlock_random_shared)
{
    cs_model *m = mk_model(400, 0);
    int t[5], c, d, s, teams[3];
    cs_dist eff[3];
    uint64_t breaks = 0, interrupts = 0;
    cs_engine *e;
    cs_rep *r;
    cs_error err;

    for (int k = 0; k < 5; k++) {
        const char name[3] = {'t', (char)('0' + k), '\0'};
        t[k] = add_team(m, name, 1 + k % 2);
        m->teams[t[k]].wip_limit = 1 + k % 2;
    }
    m->teams[t[1]].discipline = CS_DISC_PREEMPTIVE;
    m->teams[t[1]].items_per_person = 2;
    m->teams[t[1]].switch_loss = 0.3;
    m->teams[t[1]].wip_limit = 5;
    m->teams[t[2]].items_per_person = 3;
    m->teams[t[3]].discipline = CS_DISC_PREEMPTIVE;
    m->teams[t[3]].wip_limit = 3;
    m->teams[t[3]].has_resume_cost = 1;
    m->teams[t[3]].resume_cost = tl_exp(0.1);
    set_handoff(m, t[3], tl_exp(0.2));
    c = add_class(m, "fork", 0.3);
    add_step(m, c, t[0], tl_exp(0.5));
    teams[0] = t[1];
    teams[1] = t[2];
    teams[2] = t[1];
    eff[0] = tl_exp(0.7);
    eff[1] = tl_exp(0.4);
    eff[2] = tl_exp(0.3);
    add_parallel(m, c, 3, teams, eff);
    s = add_step(m, c, t[3], tl_exp(0.5));
    set_rework(m, c, s, 0.3, 0, 0.5);
    d = add_class(m, "back", 0.3);
    m->classes[d].priority = 1;
    add_step(m, d, t[3], tl_exp(0.5));
    add_step(m, d, t[2], tl_exp(0.5));
    s = add_step(m, d, t[1], tl_exp(0.5));
    set_rework(m, d, s, 0.3, 1, 1.0);
    add_step(m, d, t[4], tl_exp(0.3));
    e = cs_engine_new(m);
    r = cs_engine_rep_new(m);
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_nonnull(r);
    for (uint64_t rep = 0; rep < 4; rep++) {
        ck_assert_msg(cs_engine_run(e, rep, 0, r, &err) == CS_OK, "%s",
                      err.msg);
        for (int k = 0; k < 5; k++) {
            breaks += r->teams[k].wip_breaks;
            interrupts += r->teams[k].interrupts;
        }
        ck_assert_uint_gt(r->done, 100);
    }
    ck_assert_uint_gt(breaks, 0);
    ck_assert_uint_gt(interrupts, 0);
    cs_engine_free(e);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** Common random numbers: a variant that changes only team b's
** discipline (priority to preemptive, with a resume cost) or its
** multitasking keeps every arrival time and the work durations at team
** a (step 0) of the baseline.
*/
START_TEST(test_crn_preempt_multitask)
{
    cs_model *m = mk_model(1500, 0);
    int c, u, a, b;
    crn_log *l1 = calloc(1, sizeof *l1), *l2 = calloc(1, sizeof *l2);
    cs_rep *r;

    a = add_team(m, "a", 1);
    b = add_team(m, "b", 1);
    m->teams[b].discipline = CS_DISC_PRIORITY;
    c = add_class(m, "w", 0.6);
    add_step(m, c, a, tl_exp(0.8));
    add_step(m, c, b, tl_exp(1.0));
    u = add_class(m, "u", 0.2);
    m->classes[u].priority = 1;
    add_step(m, u, a, tl_exp(0.5));
    add_step(m, u, b, tl_exp(0.5));
    r = cs_engine_rep_new(m);
    crn_run(m, l1, r);
    m->teams[b].discipline = CS_DISC_PREEMPTIVE;
    m->teams[b].has_resume_cost = 1;
    m->teams[b].resume_cost = tl_exp(0.3);
    crn_run(m, l2, r);
    ck_assert_uint_gt(crn_same(l1, l2, 2), 1000);
    memset(l2, 0, sizeof *l2);
    m->teams[b].discipline = CS_DISC_PRIORITY;
    m->teams[b].has_resume_cost = 0;
    m->teams[b].items_per_person = 3;
    m->teams[b].switch_loss = 0.3;
    crn_run(m, l2, r);
    ck_assert_uint_gt(crn_same(l1, l2, 2), 1000);
    free(l1);
    free(l2);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

#ifdef CS_DEBUG
/*
** The invariant checker (CS_DEBUG builds): healthy on a fresh engine,
** mid-run (a run stopped after its first slice of events, with queues,
** room waiters, blocked items and forked items), after a full run and
** after a deadlock; and each invariant, broken on purpose in the
** mid-run state, is reported by its own code, the state then healthy
** again.  A check that cannot fail would be no check.
*/
START_TEST(test_invariants)
{
    cs_model *m = mk_model(1e6, 10);
    atomic_int stop = 1;
    int c, a, b, d, f;
    int teams[2];
    cs_dist eff[2];
    cs_engine *e;
    cs_rep *r;
    cs_error err;

    a = add_team(m, "a", 1);
    b = add_team(m, "b", 2);
    d = add_team(m, "d", 1);
    f = add_team(m, "f", 1);
    m->teams[a].wip_limit = 4;
    m->teams[b].wip_limit = 3;
    m->teams[b].discipline = CS_DISC_PRIORITY;
    set_handoff(m, b, tl_exp(0.1));
    c = add_class(m, "w", 0.8);
    add_step(m, c, a, tl_exp(1.0));
    teams[0] = b;
    teams[1] = d;
    eff[0] = tl_exp(1.5);
    eff[1] = tl_exp(0.9);
    add_parallel(m, c, 2, teams, eff);
    add_step(m, c, f, tl_exp(0.2));
    e = cs_engine_new(m);
    r = cs_engine_rep_new(m);
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(cs_engine_check(e), CS_INV_OK);
    for (int i = 0; i < CS_INV_COUNT; i++)
        ck_assert_ptr_nonnull(cs_engine_inv_name(i));
    ck_assert_ptr_null(cs_engine_inv_name(CS_INV_COUNT));

    cs_engine_set_stop(e, &stop);
    ck_assert_msg(cs_engine_run(e, 0, -1, r, &err) == CS_EINTR, "%s", err.msg);
    ck_assert_uint_gt(r->arrived - r->done, 0);
    ck_assert_int_eq(cs_engine_check(e), CS_INV_OK);
    for (int i = CS_INV_OK + 1; i < CS_INV_COUNT; i++) {
        ck_assert_msg(cs_engine_check_broken(e, i) == i,
                      "breaking '%s' gave %d", cs_engine_inv_name(i),
                      cs_engine_check_broken(e, i));
        ck_assert_int_eq(cs_engine_check(e), CS_INV_OK);
    }
    ck_assert_int_eq(cs_engine_check_broken(e, CS_INV_OK), -1);
    ck_assert_int_eq(cs_engine_check_broken(e, CS_INV_COUNT), -1);

    cs_engine_set_stop(e, NULL);
    m->horizon = 200;
    ck_assert_int_eq(cs_engine_run(e, 1, -1, r, &err), CS_OK);
    ck_assert_int_eq(cs_engine_check(e), CS_INV_OK);
    cs_engine_free(e);
    cs_engine_rep_free(r);
    cs_model_free(m);

    /* After a deadlock (test_deadlock's chain) the state is settled. */
    m = deadlock_chain();
    e = cs_engine_new(m);
    r = cs_engine_rep_new(m);
    ck_assert_int_eq(cs_engine_run(e, 0, -1, r, &err), CS_ESIM);
    ck_assert_int_eq(cs_engine_check(e), CS_INV_OK);
    ck_assert_int_eq(cs_engine_check_broken(e, CS_INV_DEADLOCK),
                     CS_INV_DEADLOCK);
    cs_engine_free(e);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** The checks of shared work: a preemptive and a multitasking team
** stopped mid-run are healthy, and a run heap entry that does not point
** back, a miscounted busy, a queue beside a free slot and a missing
** arrival event are each reported by their own code.
*/
START_TEST(test_invariants_shared)
{
    static const int invs[] = {CS_INV_LISTS, CS_INV_TEAM_COUNTS,
                               CS_INV_QUEUE_IDLE, CS_INV_EVENTS};
    cs_model *m = mk_model(1e6, 10);
    atomic_int stop = 1;
    int c, a, b;
    cs_engine *e;
    cs_rep *r;
    cs_error err;

    a = add_team(m, "a", 2);
    m->teams[a].items_per_person = 3;
    m->teams[a].switch_loss = 0.2;
    b = add_team(m, "b", 1);
    m->teams[b].discipline = CS_DISC_PREEMPTIVE;
    c = add_class(m, "w", 0.5);
    add_step(m, c, a, tl_exp(2.0));
    add_step(m, c, b, tl_exp(1.0));
    c = add_class(m, "u", 0.4);
    m->classes[c].priority = 1;
    add_step(m, c, b, tl_exp(0.5));
    e = cs_engine_new(m);
    r = cs_engine_rep_new(m);
    cs_engine_set_stop(e, &stop);
    ck_assert_msg(cs_engine_run(e, 0, -1, r, &err) == CS_EINTR, "%s", err.msg);
    ck_assert_int_eq(cs_engine_check(e), CS_INV_OK);
    for (size_t i = 0; i < sizeof invs / sizeof invs[0]; i++) {
        ck_assert_msg(cs_engine_check_broken(e, invs[i]) == invs[i],
                      "breaking '%s' gave %d", cs_engine_inv_name(invs[i]),
                      cs_engine_check_broken(e, invs[i]));
        ck_assert_int_eq(cs_engine_check(e), CS_INV_OK);
    }
    cs_engine_free(e);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST
#endif

/* ---- runner ---------------------------------------------------------- */

/*
** An interrupted item gives up like any waiting one.  Team a (one
** worker, preemptive): a normal item of effort 10 from day 0, urgent
** items of effort 2 every 2 days, more normal ones every 5 days.  With a
** patience of 3 the first normal item, interrupted at 2, gives up at 3
** in the queue (2 days of work wasted); with a patience of 1 it is past
** its patience in work at 1 and gives up at 2, when the interruption
** puts it back in the queue.  The later normal items never start and
** give up too, reusing the pool's items of those that left (their parts
** carry no interruption over: the invariants check it).
*/
START_TEST(test_abandon_interrupted)
{
    const double patience[2] = {3, 1}, gone[2] = {3, 2};

    for (int k = 0; k < 2; k++) {
        cs_model *m = mk_model(30, 0);
        int a, lo, hi;
        cs_rep *r;
        cs_error err;
        tlog l = {0};

        a = add_team(m, "a", 1);
        m->teams[a].discipline = CS_DISC_PREEMPTIVE;
        lo = add_class(m, "normal", 0);
        m->classes[lo].backlog = 1;
        set_interval(m, lo, tl_const(5));
        set_patience(m, lo, tl_const(patience[k]));
        add_step(m, lo, a, tl_const(10));
        hi = add_class(m, "urgent", 0);
        m->classes[hi].priority = 1;
        set_interval(m, hi, tl_const(2));
        add_step(m, hi, a, tl_const(2));
        r = cs_engine_rep_new(m);
        run_traced(m, 0, &l, r, CS_OK, &err);
        ck_assert_double_eq_tol(tfind(&l, 1, "interrupt", a, 0), 2.0, EPS);
        ck_assert_double_eq_tol(tfind(&l, 1, "abandon", -1, 0), gone[k], EPS);
        ck_assert_double_eq(tfind(&l, 1, "resume", a, 0), -1.0);
        ck_assert_uint_ge(tcount(&l, "abandon"), 5);
        ck_assert_uint_eq(r->classes[lo].n, 0);
        ck_assert_double_eq_tol(r->wasted, 2.0, EPS);
        free(l.v);
        cs_engine_rep_free(r);
        cs_model_free(m);
    }
}
END_TEST

/* ---- routing and failure demand (SPEC 5.4, 5.6) ---------------------- */

/* Makes step s of class c a choice of n options {p, team, effort}. */
static void set_choice(cs_model *m, int c, int s, int n, const double *p,
                       const int *teams, const cs_dist *efforts)
{
    cs_step *const st = &m->classes[c].steps[s];

    st->options = calloc((size_t)n, sizeof *st->options);
    ck_assert_ptr_nonnull(st->options);
    st->noptions = n;
    for (int o = 0; o < n; o++) {
        st->options[o].p = p[o];
        st->options[o].team = teams[o];
        st->options[o].effort = efforts[o];
        st->options[o].handoff = tl_const(0);
    }
    st->team = teams[0];
}

/* Gives class c n bounded contexts with the shares given. */
static void set_contexts(cs_model *m, int c, int n, const double *share)
{
    cs_class *const k = &m->classes[c];
    static const char *const names[] = { "finance", "sales", "ops", "hr" };

    k->contexts = calloc((size_t)n, sizeof *k->contexts);
    k->context_share = calloc((size_t)n, sizeof *k->context_share);
    ck_assert_ptr_nonnull(k->contexts);
    ck_assert_ptr_nonnull(k->context_share);
    for (int q = 0; q < n; q++) {
        k->contexts[q] = tl_dup(names[q]);
        k->context_share[q] = share[q];
    }
    k->ncontexts = n;
}

/* Maps step s of class c to team teams[q] for context q. */
static void set_ctx_team(cs_model *m, int c, int s, const int *teams)
{
    cs_step *const st = &m->classes[c].steps[s];
    const int n = m->classes[c].ncontexts;

    st->ctx_team = calloc((size_t)n, sizeof *st->ctx_team);
    ck_assert_ptr_nonnull(st->ctx_team);
    for (int q = 0; q < n; q++)
        st->ctx_team[q] = teams[q];
    st->team = teams[0];
}

static void set_escapes(cs_model *m, int c, int s, double p, cs_dist after,
                        int work)
{
    cs_step *const st = &m->classes[c].steps[s];

    st->has_escapes = 1;
    st->escape_p = p;
    st->escape_after = after;
    st->escape_work = work;
}

/* M/M/1 sojourn. */
static double mm1(double lambda, double mu)
{
    return 1.0 / (mu - lambda);
}

/*
** A choice splits a Poisson stream (Bernoulli routing): each option's
** team is an M/M/1 with rate p lambda.  W = sum p_i / (mu_i - p_i lambda).
*/
START_TEST(test_choice_split)
{
    cs_model *m = mk_model(H(60000), H(6000));
    const double lam = 0.9, p[2] = { 0.4, 0.6 };
    int c, s, teams[2];
    cs_dist eff[2];
    meas *x;

    teams[0] = add_team(m, "self", 1);
    teams[1] = add_team(m, "platform", 1);
    eff[0] = tl_exp(1.0 / 0.8);
    eff[1] = tl_exp(1.0 / 1.2);
    c = add_class(m, "w", lam);
    s = add_step(m, c, teams[0], tl_const(0));
    set_choice(m, c, s, 2, p, teams, eff);
    x = replicate(m, 30);
    check_case("Choice splits Poisson (Jackson)",
               "W = sum p_i/(mu_i - p_i lambda)",
               "lambda 0.9, p 0.4/0.6, mu 0.8/1.2",
               p[0] * mm1(p[0] * lam, 0.8) + p[1] * mm1(p[1] * lam, 1.2),
               x->lt, x, m);
    check_case("Choice option 2 utilization", "rho = p lambda / mu",
               "lambda 0.9, p 0.6, mu 1.2", p[1] * lam / 1.2, x->util[1], x,
               m);
    free(x);
    cs_model_free(m);
}
END_TEST

/*
** A choice drawn afresh on every pass, with rework back to it: each
** option's team sees lambda p / (1 - r) (the visit ratio), an M/M/1 in a
** Jackson network with feedback: W = sum rho_i / (1 - rho_i) / lambda.
*/
START_TEST(test_choice_rework)
{
    cs_model *m = mk_model(H(60000), H(6000));
    const double lam = 0.5, r = 0.25, p[2] = { 0.5, 0.5 };
    const double le = lam / (1 - r), mu[2] = { 1.0, 0.8 };
    int c, s, teams[2];
    cs_dist eff[2];
    meas *x;
    double w = 0.0;

    teams[0] = add_team(m, "a", 1);
    teams[1] = add_team(m, "b", 1);
    eff[0] = tl_exp(1.0 / mu[0]);
    eff[1] = tl_exp(1.0 / mu[1]);
    c = add_class(m, "w", lam);
    s = add_step(m, c, teams[0], tl_const(0));
    set_choice(m, c, s, 2, p, teams, eff);
    set_rework(m, c, s, r, 0, 1.0);
    for (int i = 0; i < 2; i++) {
        const double rho = le * p[i] / mu[i];
        w += rho / (1 - rho) / lam;
    }
    x = replicate(m, 30);
    check_case("Choice afresh on every pass (rework)",
               "W = sum rho_i/(1-rho_i)/lambda, rho_i = lambda p_i/((1-r) mu_i)",
               "lambda 0.5, r 0.25, p 0.5/0.5, mu 1/0.8", w, x->lt, x, m);
    check_case("Choice with rework: visit ratio", "rho_b = lambda p/((1-r) mu)",
               "lambda 0.5, r 0.25, p 0.5, mu 0.8", le * p[1] / mu[1],
               x->util[1], x, m);
    free(x);
    cs_model_free(m);
}
END_TEST

/*
** Bounded contexts: each context's items go through their own three
** teams, each an M/M/1 with rate share x lambda (Jackson per context).
*/
START_TEST(test_contexts_jackson)
{
    cs_model *m = mk_model(H(60000), H(6000));
    const double lam = 1.0, share[2] = { 0.6, 0.4 };
    const double mu[3] = { 1.0, 0.9, 1.2 };
    int c, tf[3], ts[3];
    double lt[2][MAXR];
    meas x;
    cs_engine *e;
    cs_rep *r;
    cs_error err;

    for (int i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "fin%d", i);
        tf[i] = add_team(m, name, 1);
        snprintf(name, sizeof name, "sales%d", i);
        ts[i] = add_team(m, name, 1);
    }
    c = add_class(m, "w", lam);
    set_contexts(m, c, 2, share);
    for (int i = 0; i < 3; i++) {
        const int map[2] = { tf[i], ts[i] };
        const int s = add_step(m, c, tf[i], tl_exp(1.0 / mu[i]));
        set_ctx_team(m, c, s, map);
    }
    e = cs_engine_new(m);
    r = cs_engine_rep_new(m);
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_nonnull(r);
    memset(&x, 0, sizeof x);
    x.R = 30;
    for (int i = 0; i < x.R; i++) {
        ck_assert_int_eq(cs_engine_run(e, (uint64_t)i, m->warmup, r, &err),
                         CS_OK);
        for (int q = 0; q < 2; q++)
            lt[q][i] = r->classes[c].ctx_sum[q] /
                       (double)r->classes[c].ctx_n[q];
        x.util[0][i] = r->teams[ts[1]].utilization;
    }
    for (int q = 0; q < 2; q++) {
        double w = 0.0;
        for (int i = 0; i < 3; i++)
            w += mm1(share[q] * lam, mu[i]);
        check_case(q == 0 ? "Context finance: Jackson tandem"
                          : "Context sales: Jackson tandem",
                   "W = sum 1/(mu_i - share lambda)",
                   q == 0 ? "lambda 1, share 0.6, mu 1/0.9/1.2"
                          : "lambda 1, share 0.4, mu 1/0.9/1.2",
                   w, lt[q], &x, m);
    }
    check_case("Context sales team 2 utilization", "rho = share lambda / mu",
               "lambda 1, share 0.4, mu 0.9", 0.4 * lam / 0.9, x.util[0], &x,
               m);
    cs_engine_rep_free(r);
    cs_engine_free(e);
    cs_model_free(m);
}
END_TEST

/*
** Escapes: a defect found after delivery brings a bugfix item; with the
** same exponential service for both classes at one FIFO team, BCMP's
** product form makes the team an M/M/1 at lambda (1 + p): every visit
** takes 1/(mu - lambda (1 + p)).  The bugfix arrival rate is lambda p;
** failure demand's share of the team's busy time is the ratio of the
** offered loads, p / (1 + p).
*/
START_TEST(test_escapes)
{
    cs_model *m = mk_model(H(60000), H(6000));
    const double lam = 0.5, p = 0.3, mu = 2.0;
    const double w = mm1(lam * (1 + p), mu);
    double rate[MAXR], fd[MAXR], fdv[MAXR], bug[MAXR];
    int a, main_c, bug_c, s;
    meas x;
    cs_engine *e;
    cs_rep *r;
    cs_error err;

    a = add_team(m, "a", 1);
    main_c = add_class(m, "feature", lam);
    bug_c = add_class(m, "bugfix", 0);
    s = add_step(m, main_c, a, tl_exp(1.0 / mu));
    set_escapes(m, main_c, s, p, tl_exp(5.0), bug_c);
    add_step(m, bug_c, a, tl_exp(1.0 / mu));
    ck_assert(cs_model_is_escape_target(m, bug_c));
    ck_assert(!cs_model_is_escape_target(m, main_c));
    e = cs_engine_new(m);
    r = cs_engine_rep_new(m);
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_nonnull(r);
    memset(&x, 0, sizeof x);
    x.R = 30;
    for (int i = 0; i < x.R; i++) {
        ck_assert_int_eq(cs_engine_run(e, (uint64_t)i, m->warmup, r, &err),
                         CS_OK);
        x.lt[i] = r->classes[main_c].lt_sum / (double)r->classes[main_c].n;
        bug[i] = r->classes[bug_c].lt_sum / (double)r->classes[bug_c].n;
        rate[i] = (double)r->classes[bug_c].done_window /
                  (m->horizon - m->warmup);
        fd[i] = r->teams[a].failure_demand_share;
        fdv[i] = r->failure_demand_share;
    }
    check_case("Escapes: bugfix arrival rate", "lambda_fix = lambda p",
               "lambda 0.5, p 0.3", lam * p, rate, &x, m);
    check_case("Escapes: failure demand share", "share = p / (1 + p)",
               "lambda 0.5, p 0.3, same effort", p / (1 + p), fd, &x, m);
    check_case("Escapes: variant failure demand share", "share = p / (1 + p)",
               "one team", p / (1 + p), fdv, &x, m);
    check_case("Escapes: feature sojourn (BCMP)", "W = 1/(mu - lambda (1 + p))",
               "lambda 0.5, p 0.3, mu 2", w, x.lt, &x, m);
    check_case("Escapes: bugfix sojourn (BCMP)", "W = 1/(mu - lambda (1 + p))",
               "lambda 0.5, p 0.3, mu 2", w, bug, &x, m);
    {
        double load[1];
        cs_model_offered_load(m, load);
        ck_assert_double_eq_tol(load[0], lam * (1 + p) / mu, 1e-9);
    }
    cs_engine_rep_free(r);
    cs_engine_free(e);
    cs_model_free(m);
}
END_TEST

/*
** By hand: a backlog of one item, a choice of one option (p 1) at team b
** (effort 2) after team a (effort 1), with escapes p 1 after 3 days into
** a bugfix class at team a (effort 0.5): done at 3, the bugfix arrives
** at 6, works 6-6.5 and is done at 6.5.  Contexts: the bugfix (one
** context) maps to team a.
*/
START_TEST(test_escape_trace)
{
    cs_model *m = mk_model(20, 0);
    tlog l = { 0 };
    cs_rep *r;
    cs_error err;
    int a, b, c, bug, s1, s2, sb;
    const double p1[1] = { 1.0 }, one[1] = { 1.0 };
    int teams[1];
    cs_dist eff[1];

    a = add_team(m, "a", 1);
    b = add_team(m, "b", 1);
    c = add_class(m, "w", 0);
    m->classes[c].backlog = 1;
    bug = add_class(m, "bugfix", 0);
    s1 = add_step(m, c, a, tl_const(1));
    s2 = add_step(m, c, b, tl_const(0));
    teams[0] = b;
    eff[0] = tl_const(2);
    set_choice(m, c, s2, 1, p1, teams, eff);
    set_escapes(m, c, s2, 1.0, tl_const(3), bug);
    set_contexts(m, bug, 1, one);
    sb = add_step(m, bug, b, tl_const(0.5));
    set_ctx_team(m, bug, sb, &a);
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    ck_assert_double_eq_tol(tfind(&l, 1, "start", a, 0), 0.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "start", b, 0), 1.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 1, "done", -1, 0), 3.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "arrive", -1, 0), 6.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "start", a, 0), 6.0, EPS);
    ck_assert_double_eq_tol(tfind(&l, 2, "done", -1, 0), 6.5, EPS);
    ck_assert_uint_eq(r->escaped, 1);
    ck_assert_uint_eq(r->classes[bug].n, 1);
    ck_assert_uint_eq(r->classes[bug].ctx_n[0], 1);
    /* busy time: a 1 + 0.5 (bugfix), b 2 */
    ck_assert_double_eq_tol(r->teams[a].failure_demand_share, 0.5 / 1.5, EPS);
    ck_assert_double_eq_tol(r->teams[b].failure_demand_share, 0.0, EPS);
    ck_assert_double_eq_tol(r->failure_demand_share, 0.5 / 3.5, EPS);
    (void)s1;
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** The second case of test_abandon_exact with y's step at b made a
** choice whose option at b is not the first (the first, at c, has p 0)
** or a context mapped to b that is not the first context (share 0): y
** still gives up when it joins b's queue at 2.
*/
START_TEST(test_abandon_routed)
{
    const double p[2] = {0.0, 1.0}, share[2] = {0.0, 1.0};
    cs_dist eff[2];
    int teams[2], ctx[2];

    for (int k = 0; k < 2; k++) {
        cs_model *m = mk_model(50, 0);
        tlog l = {0};
        cs_rep *r;
        cs_error err;
        int a, b, c, y, z, s;

        a = add_team(m, "a", 2);
        b = add_team(m, "b", 1);
        c = add_team(m, "c", 1);
        y = add_class(m, "y", 0);
        z = add_class(m, "z", 0);
        m->classes[y].backlog = 1;
        m->classes[z].backlog = 1;
        add_step(m, y, a, tl_const(2));
        s = add_step(m, y, b, tl_const(1));
        teams[0] = c;
        teams[1] = b;
        if (k == 0) {
            eff[0] = eff[1] = tl_const(1);
            set_choice(m, y, s, 2, p, teams, eff);
        } else {
            ctx[0] = c;
            ctx[1] = b;
            set_contexts(m, y, 2, share);
            set_ctx_team(m, y, s, ctx);
        }
        add_step(m, z, b, tl_const(5));
        set_patience(m, y, tl_const(1.5));
        r = cs_engine_rep_new(m);
        run_traced(m, 0, &l, r, CS_OK, &err);
        ck_assert_double_eq_tol(tfind(&l, 1, "queue", b, 0), 2, EPS);
        ck_assert_double_eq_tol(tfind(&l, 1, "abandon", -1, 0), 2, EPS);
        ck_assert_uint_eq(r->abandoned, 1);
        ck_assert_uint_eq(r->classes[y].abandoned, 1);
        ck_assert_double_eq_tol(r->wasted, 2.0, EPS);
        cs_engine_rep_free(r);
        cs_model_free(m);
        free(l.v);
    }
}
END_TEST

/* Class 0's items in arrival order: arrival times and first work
** durations per step, whatever serials other classes' items take. */
typedef struct crn0 {
    int idx[8192];           /* by serial: index among class 0, or -1 */
    double arrive[4096], start[4096][4], dur[4096][4];
    int n;
} crn0;

static void crn0_fn(void *ctx, const cs_trace_event *ev)
{
    crn0 *l = ctx;
    int k;

    if (ev->item >= 8192)
        return;
    if (strcmp(ev->event, "arrive") == 0) {
        l->idx[ev->item] = ev->cls == 0 && l->n < 4096 ? l->n++ : -1;
        if (l->idx[ev->item] >= 0)
            l->arrive[l->idx[ev->item]] = ev->time;
        return;
    }
    k = l->idx[ev->item];
    if (k < 0 || ev->step < 0 || ev->step >= 4)
        return;
    if (strcmp(ev->event, "start") == 0 && l->start[k][ev->step] == 0)
        l->start[k][ev->step] = ev->time + 1e-300;
    else if (strcmp(ev->event, "finish") == 0 && l->dur[k][ev->step] == 0)
        l->dur[k][ev->step] = ev->time - l->start[k][ev->step];
}

static void crn0_run(const cs_model *m, crn0 *l, cs_rep *r)
{
    cs_engine *e = cs_engine_new(m);
    cs_error err;

    memset(l, 0, sizeof *l);
    for (int i = 0; i < 8192; i++)
        l->idx[i] = -1;
    ck_assert_ptr_nonnull(e);
    cs_engine_set_trace(e, crn0_fn, l);
    ck_assert_int_eq(cs_engine_run(e, 7, 0, r, &err), CS_OK);
    cs_engine_free(e);
}

/* Class 0's arrivals identical, and its durations at the steps in mask
** (bit s); returns how many durations were compared. */
static int crn0_same(const crn0 *x, const crn0 *y, unsigned mask)
{
    int n = 0;

    ck_assert_int_eq(x->n, y->n);
    ck_assert_int_gt(x->n, 500);
    for (int i = 0; i < x->n; i++) {
        ck_assert(x->arrive[i] == y->arrive[i]);
        for (int s = 0; s < 4; s++)
            if ((mask >> s & 1u) && x->dur[i][s] != 0 && y->dur[i][s] != 0) {
                ck_assert_double_eq_tol(x->dur[i][s], y->dur[i][s], 1e-9);
                n++;
            }
    }
    return n;
}

/* A variant changing one choice's p keeps the arrivals and the efforts
** of the other steps; one changing escapes' p keeps the main class's
** draws (arrivals and every effort, the choice's included). */
START_TEST(test_crn_routes)
{
    cs_model *m = mk_model(1500, 0);
    int c, a, b, d, bug, s;
    crn0 *l1 = malloc(sizeof *l1), *l2 = malloc(sizeof *l2);
    const double p[2] = { 0.5, 0.5 };
    int teams[2];
    cs_dist eff[2];
    cs_rep *r;

    ck_assert_ptr_nonnull(l1);
    ck_assert_ptr_nonnull(l2);
    a = add_team(m, "a", 1);
    b = add_team(m, "b", 2);
    d = add_team(m, "d", 2);
    c = add_class(m, "w", 0.9);
    bug = add_class(m, "bugfix", 0);
    add_step(m, c, a, tl_exp(0.8));
    teams[0] = b;
    teams[1] = d;
    eff[0] = tl_exp(1.0);
    eff[1] = tl_exp(1.5);
    s = add_step(m, c, b, tl_const(0));
    set_choice(m, c, s, 2, p, teams, eff);
    add_step(m, c, a, tl_gamma(0.2, 0.5));
    set_escapes(m, c, 2, 0.2, tl_exp(10), bug);
    add_step(m, bug, d, tl_exp(0.5));
    r = cs_engine_rep_new(m);
    crn0_run(m, l1, r);
    ck_assert_uint_gt(r->escaped, 10);
    m->classes[c].steps[s].options[0].p = 0.8;
    m->classes[c].steps[s].options[1].p = 0.2;
    crn0_run(m, l2, r);
    ck_assert_int_gt(crn0_same(l1, l2, 0x5u), 1000);
    m->classes[c].steps[s].options[0].p = 0.5;
    m->classes[c].steps[s].options[1].p = 0.5;
    m->classes[c].steps[2].escape_p = 0.6;
    crn0_run(m, l2, r);
    ck_assert_int_gt(crn0_same(l1, l2, 0x7u), 2000);
    free(l1);
    free(l2);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

/*
** A realistic chain: X-as-a-service (self-service or a platform ticket)
** with contexts finance and sales mapped to their BI teams, rework back
** to the choice, WIP limits, escapes into a bugfix class with contexts
** of its own.  CS_DEBUG builds check every invariant after every event.
*/
START_TEST(test_routes_chain)
{
    cs_model *m = mk_model(H(2000), H(200));
    const double share[2] = { 0.6, 0.4 }, half[2] = { 0.5, 0.5 };
    const double p[2] = { 0.7, 0.3 };
    int in, an, pl, fin, sal, c, bug, s, teams[2], bi[2];
    cs_dist eff[2];
    cs_engine *e;
    cs_rep *r;
    cs_error err;

    in = add_team(m, "intake", 2);
    an = add_team(m, "analytics", 2);
    pl = add_team(m, "platform", 1);
    fin = add_team(m, "fin-bi", 2);
    sal = add_team(m, "sales-bi", 2);
    m->teams[an].wip_limit = 4;
    m->teams[pl].wip_limit = 3;
    m->teams[fin].wip_limit = 4;
    m->teams[sal].wip_limit = 3;
    set_handoff(m, pl, tl_exp(0.5));
    c = add_class(m, "report", 0.9);
    bug = add_class(m, "bugfix", 0);
    set_contexts(m, c, 2, share);
    set_contexts(m, bug, 2, half);
    add_step(m, c, in, tl_exp(0.5));
    teams[0] = an;
    teams[1] = pl;
    eff[0] = tl_exp(0.25);
    eff[1] = tl_gamma(2.0, 0.5);
    s = add_step(m, c, an, tl_const(0));
    set_choice(m, c, s, 2, p, teams, eff);
    bi[0] = fin;
    bi[1] = sal;
    s = add_step(m, c, fin, tl_gamma(1.0, 0.5));
    set_ctx_team(m, c, s, bi);
    set_escapes(m, c, s, 0.15, tl_exp(20), bug);
    set_rework(m, c, s, 0.2, 1, 0.5);
    s = add_step(m, bug, fin, tl_exp(0.5));
    set_ctx_team(m, bug, s, bi);
    set_escapes(m, bug, s, 0.1, tl_exp(10), bug);
    ck_assert(cs_model_class_rates(m, (double[2]){ 0 }) < 1.0);
    e = cs_engine_new(m);
    r = cs_engine_rep_new(m);
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_nonnull(r);
    for (uint64_t i = 0; i < 3; i++) {
        ck_assert_int_eq(cs_engine_run(e, i, m->warmup, r, &err), CS_OK);
        ck_assert_uint_gt(r->escaped, g_smoke ? 0 : 10);
        ck_assert_uint_eq(r->arrived, r->done + r->in_system_end);
        ck_assert_uint_eq(r->classes[c].ctx_n[0] + r->classes[c].ctx_n[1],
                          r->classes[c].n);
        ck_assert(r->teams[fin].failure_demand_share > 0 &&
                  r->teams[fin].failure_demand_share < 0.5);
        ck_assert_double_eq_tol(r->teams[an].failure_demand_share, 0.0, EPS);
#ifdef CS_DEBUG
        ck_assert_int_eq(cs_engine_check(e), CS_INV_OK);
#endif
    }
    cs_engine_rep_free(r);
    cs_engine_free(e);
    cs_model_free(m);
}
END_TEST

/*
** Joint work (SPEC 5.5), exact: a joint step at team a (2 workers) and
** team b (1 worker), nothing else.  b serves the items in arrival order,
** each with a's help, so the chain is M/M/1 at b: W = 1/(mu - lambda).
** a has one worker in the joint work while b is busy (rho) and reserves
** its second for the next item whenever two or more are in the chain:
** a's utilisation is rho/2 and its reserved share P(N >= 2)/2 = rho^2/2;
** b never waits for a, so it is never reserved.
*/
START_TEST(test_joint_mm1)
{
    cs_model *m = mk_model(H(60000), H(6000));
    int teams[2], c;
    meas *x;
    const double lam = 0.6;

    teams[0] = add_team(m, "a", 2);
    teams[1] = add_team(m, "b", 1);
    c = add_class(m, "w", lam);
    add_joint(m, c, 2, teams, tl_exp(1.0));
    x = replicate(m, 30);
    check_case("Joint M/M/1 sojourn", "W = 1/(mu-lambda)", "lambda 0.6, mu 1",
               1.0 / (1.0 - lam), x->lt, x, m);
    check_case("Joint utilisation (1 of 2)", "rho/2", "lambda 0.6, mu 1",
               lam / 2, x->util[0], x, m);
    check_case("Joint utilisation (1 of 1)", "rho", "lambda 0.6, mu 1", lam,
               x->util[1], x, m);
    check_case("Joint reserved share", "P(N >= 2)/2 = rho^2/2",
               "lambda 0.6, mu 1", lam * lam / 2, x->res[0], x, m);
    for (int i = 0; i < x->R; i++)
        ck_assert_double_eq(x->res[1][i], 0.0);
    free(x);
    cs_model_free(m);
}
END_TEST

/*
** No deadlock and no starvation: two joint classes at teams a and b (one
** worker each) after a step at c, with a hand-off into a only, so the
** parts reach a and b in different orders and reservations could wait
** for each other in a cycle (one item reserved at b waiting at a,
** another reserved at a waiting at b); plain work at a and b besides.
** Exact in any run that does not jam: each class's throughput is its
** arrival rate, and each team's utilisation its offered load.
*/
START_TEST(test_joint_no_deadlock)
{
    cs_model *m = mk_model(H(20000), H(1000));
    int a, b, cc, teams[2], cls[4];
    meas *x;
    const double lam[4] = {0.2, 0.2, 0.15, 0.15};

    a = add_team(m, "a", 1);
    b = add_team(m, "b", 1);
    cc = add_team(m, "c", 2);
    set_handoff(m, a, tl_exp(0.7));
    teams[0] = a;
    teams[1] = b;
    cls[0] = add_class(m, "j1", lam[0]);
    add_step(m, cls[0], cc, tl_exp(0.3));
    add_joint(m, cls[0], 2, teams, tl_exp(0.6));
    teams[0] = b;
    teams[1] = a;
    cls[1] = add_class(m, "j2", lam[1]);
    add_step(m, cls[1], cc, tl_exp(0.3));
    add_joint(m, cls[1], 2, teams, tl_exp(0.5));
    cls[2] = add_class(m, "pa", lam[2]);
    add_step(m, cls[2], a, tl_exp(0.8));
    cls[3] = add_class(m, "pb", lam[3]);
    add_step(m, cls[3], b, tl_exp(0.8));
    x = replicate(m, 20);
    for (int k = 0; k < 4; k++)
        check_case("Joint, no deadlock: throughput", "lambda",
                   "two joint classes, hand-off into a", lam[k], x->thru[k],
                   x, m);
    check_case("Joint, no deadlock: utilisation a", "sum lambda E",
               "two joint classes, hand-off into a",
               0.2 * 0.6 + 0.2 * 0.5 + 0.15 * 0.8, x->util[a], x, m);
    check_case("Joint, no deadlock: utilisation b", "sum lambda E",
               "two joint classes, hand-off into a",
               0.2 * 0.6 + 0.2 * 0.5 + 0.15 * 0.8, x->util[b], x, m);
    free(x);
    cs_model_free(m);
}
END_TEST

/*
** Joint work event by event: b is busy with a plain item when the joint
** item arrives; a's worker is reserved at once (an event "reserve"), the
** work starts when b's worker is free, and both finish together after
** the shared effort.  Then a realistic chain in the same engine: joint
** steps after WIP-limited teams, a joint step repeated by rework, a
** priority queue, patience: every replication ends without a jam.
*/
START_TEST(test_joint_trace)
{
    cs_model *m = mk_model(100, 0);
    int a, b, teams[2], pj, pl;
    tlog l = {0};
    cs_rep *r;
    cs_error err;

    a = add_team(m, "a", 1);
    b = add_team(m, "b", 1);
    teams[0] = a;
    teams[1] = b;
    pl = add_class(m, "plain", 0);
    m->classes[pl].backlog = 1;
    add_step(m, pl, b, cs_dist_const(3.0));
    pj = add_class(m, "joint", 0);
    set_interval(m, pj, cs_dist_const(1.0));
    m->classes[pj].arrival = CS_ARRIVE_INTERVAL;
    m->classes[pj].rate = 0;
    add_joint(m, pj, 2, teams, cs_dist_const(2.0));
    r = cs_engine_rep_new(m);
    run_traced(m, 0, &l, r, CS_OK, &err);
    /* item 1: the plain one; item 2: the first joint, arrives at day 1 */
    ck_assert_double_eq(tfind(&l, 2, "reserve", a, 0), 1.0);
    ck_assert_double_eq(tfind(&l, 2, "start", a, 0), 3.0);
    ck_assert_double_eq(tfind(&l, 2, "start", b, 0), 3.0);
    ck_assert_double_eq(tfind(&l, 2, "finish", a, 0), 5.0);
    ck_assert_double_eq(tfind(&l, 2, "finish", b, 0), 5.0);
    /* b's worker, when free, is reserved and starts at once */
    ck_assert_double_eq(tfind(&l, 2, "reserve", b, 0), 3.0);
    /* a's worker was reserved from day 1 to 3 of the first joint item */
    ck_assert(r->teams[a].reserved_fraction > 0.0);
    free(l.v);
    cs_engine_rep_free(r);
    cs_model_free(m);
}
END_TEST

START_TEST(test_joint_chain)
{
    cs_model *m = mk_model(H(10000), H(500));
    int t[4], two[2], three[3], md, inf, pl, s;
    meas *x;

    t[0] = add_team(m, "data", 1);
    m->teams[t[0]].wip_limit = 3;
    t[1] = add_team(m, "ml", 1);
    set_handoff(m, t[1], tl_exp(0.3));
    t[2] = add_team(m, "platform", 2);
    m->teams[t[2]].wip_limit = 4;
    m->teams[t[2]].discipline = CS_DISC_PRIORITY;
    t[3] = add_team(m, "gov", 1);
    md = add_class(m, "model", 0.2);
    m->classes[md].priority = 1;
    add_step(m, md, t[0], tl_exp(0.5));
    two[0] = t[1];
    two[1] = t[2];
    add_joint(m, md, 2, two, tl_exp(1.0));
    three[0] = t[3];
    three[1] = t[2];
    three[2] = t[0];
    s = add_joint(m, md, 3, three, tl_exp(0.5));
    set_rework(m, md, s, 0.2, 2, 0.5);
    inf = add_class(m, "infra", 0.4);
    m->classes[inf].has_patience = 1;
    m->classes[inf].patience = tl_exp(20.0);
    two[0] = t[2];
    two[1] = t[1];
    add_joint(m, inf, 2, two, tl_exp(0.5));
    add_step(m, inf, t[0], tl_exp(0.5));
    pl = add_class(m, "plain", 0.4);
    m->classes[pl].priority = 2;
    add_step(m, pl, t[2], tl_exp(1.0));
    add_step(m, pl, t[1], tl_exp(0.5));
    x = replicate(m, 10);
    /* the classes without patience leave at their arrival rate */
    check_case("Joint chain: throughput", "lambda", "7 steps, 4 teams", 0.2,
               x->thru[md], x, m);
    check_case("Joint chain: throughput", "lambda", "7 steps, 4 teams", 0.4,
               x->thru[pl], x, m);
    for (int i = 0; i < x->R; i++)
        for (int k = 0; k < 4; k++)
            ck_assert(x->res[k][i] >= 0.0 && x->util[k][i] + x->res[k][i] <=
                                                 1.0 + 1e-9);
    free(x);
    cs_model_free(m);
}
END_TEST

/*
** Common random numbers: a joint step draws its effort from the step's
** own stream (its id), so a variant that makes the step one team's keeps
** every item's effort, and the arrivals.
*/
START_TEST(test_crn_joint)
{
    cs_model *m1 = mk_model(200, 0), *m2 = mk_model(200, 0);
    int teams[2], c1, c2, s1, s2;
    tlog l1 = {0}, l2 = {0};
    cs_rep *r1, *r2;
    cs_error err;
    size_t n = 0;

    teams[0] = add_team(m1, "a", 1);
    teams[1] = add_team(m1, "b", 1);
    c1 = add_class(m1, "w", 0.3);
    s1 = add_joint(m1, c1, 2, teams, tl_exp(1.0));
    m1->classes[c1].steps[s1].id = tl_dup("pair");
    add_team(m2, "a", 1);
    add_team(m2, "b", 1);
    c2 = add_class(m2, "w", 0.3);
    s2 = add_step(m2, c2, 0, tl_exp(1.0));
    m2->classes[c2].steps[s2].id = tl_dup("pair");
    r1 = cs_engine_rep_new(m1);
    r2 = cs_engine_rep_new(m2);
    run_traced(m1, 3, &l1, r1, CS_OK, &err);
    run_traced(m2, 3, &l2, r2, CS_OK, &err);
    for (uint64_t it = 1; it < 40; it++) {
        const double a1 = tfind(&l1, it, "arrive", -1, 0);
        const double a2 = tfind(&l2, it, "arrive", -1, 0);
        const double f1 = tfind(&l1, it, "finish", 0, 0);
        const double f2 = tfind(&l2, it, "finish", 0, 0);
        if (f1 < 0 || f2 < 0)
            continue;
        ck_assert_double_eq(a1, a2);
        ck_assert_double_eq_tol(f1 - tfind(&l1, it, "start", 0, 0),
                                f2 - tfind(&l2, it, "start", 0, 0), 1e-12);
        n++;
    }
    ck_assert_uint_gt(n, 20);
    free(l1.v);
    free(l2.v);
    cs_engine_rep_free(r1);
    cs_engine_rep_free(r2);
    cs_model_free(m1);
    cs_model_free(m2);
}
END_TEST

static Suite *engine_suite(void)
{
    Suite *s = suite_create("engine");
    TCase *det = tcase_create("deterministic");
    TCase *ana = tcase_create("analytic");

    tcase_add_test(det, test_backlog_only);
    tcase_add_test(det, test_cost_of_delay_exact);
    tcase_add_test(det, test_promise_group);
    tcase_add_test(det, test_wip_limit_blocking);
    tcase_add_test(det, test_fork_join_hold);
    tcase_add_test(det, test_handoff);
    tcase_add_test(det, test_deadlock);
    tcase_add_test(det, test_deadlock_while_busy);
    tcase_add_test(det, test_deadlock_fork_join);
    tcase_add_test(det, test_deadlock_rework);
    tcase_add_test(det, test_deadlock_random);
    tcase_add_test(det, test_runaway);
    tcase_add_test(det, test_memory_bound);
    tcase_add_test(det, test_disciplines);
    tcase_add_test(det, test_rework_factor);
    tcase_add_test(det, test_warmup_window);
    tcase_add_test(det, test_focus_exact);
    tcase_add_test(det, test_same_team_rules);
    tcase_add_test(det, test_determinism);
    tcase_add_test(det, test_crn);
    tcase_add_test(det, test_schedule_step_up);
    tcase_add_test(det, test_schedule_drop);
    tcase_add_test(det, test_productivity_exact);
    tcase_add_test(det, test_start_board);
    tcase_add_test(det, test_start_parallel);
    tcase_add_test(det, test_timeline);
    tcase_add_test(det, test_crn_over_time);
    tcase_add_test(det, test_step_handoff);
    tcase_add_test(det, test_intake_exact);
    tcase_add_test(det, test_preemptive_trace);
    tcase_add_test(det, test_preemptive_victim);
    tcase_add_test(det, test_preemptive_after_drop);
    tcase_add_test(det, test_multitasking_trace);
    tcase_add_test(det, test_preempt_multitask_chain);
    tcase_add_test(det, test_crn_preempt_multitask);
    tcase_add_test(det, test_deadlock_random_shared);
    tcase_add_test(det, test_abandon_exact);
    tcase_add_test(det, test_abandon_routed);
    tcase_add_test(det, test_abandon_interrupted);
    tcase_add_test(det, test_conwip_exact);
    tcase_add_test(det, test_team_promise_exact);
    tcase_add_test(det, test_crn_flow);
    tcase_add_test(det, test_flow_realistic);
    tcase_add_test(det, test_escape_trace);
    tcase_add_test(det, test_crn_routes);
    tcase_add_test(det, test_routes_chain);
    tcase_add_test(det, test_joint_trace);
    tcase_add_test(det, test_joint_chain);
    tcase_add_test(det, test_joint_no_deadlock);
    tcase_add_test(det, test_crn_joint);
    tcase_set_timeout(det, 120);
    tcase_add_test(ana, test_mm1);
    tcase_add_test(ana, test_mm1_cost_of_delay);
    tcase_add_test(ana, test_mmc);
    tcase_add_test(ana, test_tandem);
    tcase_add_test(ana, test_jackson_feedback);
    tcase_add_test(ana, test_md1_mg1);
    tcase_add_test(ana, test_priority_cobham);
    tcase_add_test(ana, test_fork_join);
    tcase_add_test(ana, test_focus);
    tcase_add_test(ana, test_step_p);
    tcase_add_test(ana, test_schedule_repeating);
    tcase_add_test(ana, test_profile_counts);
    tcase_add_test(ana, test_over_time_mm1);
    tcase_add_test(ana, test_intake_poisson);
    tcase_add_test(ana, test_preemptive_mm1);
    tcase_add_test(ana, test_multitasking_ps);
    tcase_add_test(ana, test_multitasking_switch_loss);
    tcase_add_test(ana, test_abandon_mm1);
    tcase_add_test(ana, test_conwip_mva);
    tcase_add_test(ana, test_team_promise_mm1);
    tcase_add_test(ana, test_choice_split);
    tcase_add_test(ana, test_choice_rework);
    tcase_add_test(ana, test_contexts_jackson);
    tcase_add_test(ana, test_escapes);
    tcase_add_test(ana, test_joint_mm1);
    tcase_set_timeout(ana, 600);
#ifdef CS_DEBUG
    tcase_add_test(det, test_invariants);
    tcase_add_test(det, test_invariants_shared);
#endif
    suite_add_tcase(s, det);
    suite_add_tcase(s, ana);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(engine_suite());
    int failed;

    if (tl_env_flag("CS_VALIDATE") && !tl_env_flag("CS_QUICK"))
        g_scale = 4.0;
    else if (g_smoke)
        g_scale = 0.05;
    g_rows = tmpfile();
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (g_rows != NULL) {
        char line[512];
        fflush(g_rows);
        rewind(g_rows);
        fprintf(stderr, "\nengine validation against queueing theory "
                        "(tolerance = %.1f SE of the replications run)\n"
                        "| case | formula | parameters | expected | measured "
                        "| error | error/SE | tolerance | reps | horizon |\n"
                        "|---|---|---|---|---|---|---|---|---|---|\n",
                TOL_SE);
        while (fgets(line, sizeof line, g_rows) != NULL)
            fputs(line, stderr);
        fclose(g_rows);
    }
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
