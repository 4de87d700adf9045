/*
** theory.c - offered loads, Allen-Cunneen queue waits and approximate
** lead times of a model (theory.h).
**
** A flow is what one step alternative (a choice option and context, or a
** parallel branch) of one class's route position sends to one team: its
** rate and the squared CV of its arrivals.  The flows' arrival CVs depend
** on the teams' departure CVs and those on the teams' arrival CVs, so
** both are found by iterating from ca2 = 1 until they settle (each pass
** damps by rho^2 < 1, a few dozen passes suffice).
*/
#include "chainsim/theory.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/dist.h"

/* The most passes of the ca2 iteration, and when it has settled. */
#define MAX_PASSES 500
#define SETTLED 1e-13

double cs_theory_erlang_c(int c, double a)
{
    double b = 1.0;

    if (c < 1 || !(a < (double)c))
        return 1.0;
    if (!(a > 0))
        return 0.0;
    for (int k = 1; k <= c; k++)
        b = a * b / ((double)k + a * b);
    return b / (1.0 - a / (double)c * (1.0 - b));
}

double cs_theory_wait(int c, double lambda, double s, double ca2,
                      double cs2)
{
    const double a = lambda * s;
    double rho;

    if (!(lambda > 0) || !(s > 0))
        return 0.0;
    if (!(a < (double)c))
        return INFINITY;
    rho = a / (double)c;
    return cs_theory_erlang_c(c, a) * s / ((double)c * (1.0 - rho)) *
           (ca2 + cs2) / 2.0;
}

void cs_theory_fini(cs_theory *t)
{
    if (t == NULL)
        return;
    free(t->teams);
    free(t->class_lead);
    memset(t, 0, sizeof *t);
}

/* ---- the route as flows ----------------------------------------------- */

/* One alternative of a route position: a work step's option and context
** (weight = its probability), or one branch of a parallel step (weight =
** the branch's p, the parallel step's p being the position's). */
typedef struct alt {
    int team;
    double w;                /* share of the position's items */
    const cs_dist *effort;
    const cs_dist *handoff;  /* NULL: none */
} alt;

/* The alternatives of top-level position i of k into a (room for
** cs_model_step_alts or nbranches); returns their count. */
static int position_alts(const cs_model *m, const cs_class *k, int i,
                         alt *a)
{
    const int s = k->route[i];
    const cs_step *const st = &k->steps[s];
    int n = 0;

    if (st->kind == CS_STEP_PARALLEL) {
        for (int b = 0; b < st->nbranches; b++) {
            const cs_step *const br = &k->steps[st->branch_first + b];
            const cs_team *const t = &m->teams[br->team];
            a[n++] = (alt){br->team, br->p, &br->effort,
                           br->has_handoff ? &br->handoff
                           : t->has_handoff ? &t->handoff : NULL};
        }
        return n;
    }
    for (int x = 0; x < cs_model_step_alts(k, s); x++) {
        const int team = cs_model_alt_team(k, s, x);
        const cs_team *const t = &m->teams[team];
        const cs_option *const op =
            st->noptions > 0 ? &st->options[x / cs_model_step_nctx(k, s)]
                             : NULL;
        const cs_dist *h = t->has_handoff ? &t->handoff : NULL;

        if (st->has_handoff)
            h = &st->handoff;
        if (op != NULL && op->has_handoff)
            h = &op->handoff;
        a[n++] = (alt){team, cs_model_alt_p(k, s, x),
                       op != NULL ? &op->effort : &st->effort, h};
    }
    return n;
}

static int max_alts(const cs_class *k)
{
    int most = 1;

    for (int i = 0; i < k->nroute; i++) {
        const int s = k->route[i];
        const int n = k->steps[s].kind == CS_STEP_PARALLEL
                          ? k->steps[s].nbranches : cs_model_step_alts(k, s);
        if (n > most)
            most = n;
    }
    return most;
}

/* Squared CV of class c's own arrivals (before escapes). */
static double external_ca2(const cs_class *k)
{
    if (k->arrival == CS_ARRIVE_INTERVAL) {
        const double mu = cs_dist_mean(&k->interval);
        const double scv = mu > 0 ? cs_dist_variance(&k->interval) / (mu * mu)
                                  : 0.0;
        return k->batch * scv;
    }
    return k->arrival == CS_ARRIVE_RATE ? (double)k->batch : 1.0;
}

/* Why team x is beyond the formula, or NULL. */
static const char *team_why(const cs_model *m, int x)
{
    const cs_team *const t = &m->teams[x];

    if (t->wip_limit > 0)
        return "WIP limit";
    if (t->discipline == CS_DISC_PREEMPTIVE)
        return "preemption";
    if (t->items_per_person > 0)
        return "multitasking";
    if (t->intake_every > 0)
        return "intake cadence";
    if (t->nschedule > 0)
        return "capacity schedule";
    if (t->nproductivity > 0)
        return "productivity curve";
    if (m->wip_limit > 0)
        return "CONWIP";
    return NULL;
}

/* Why a class's visits are beyond the formula, or NULL. */
static const char *class_why(const cs_class *k)
{
    if (k->wip_limit > 0)
        return "CONWIP";
    if (k->nprofile > 0)
        return "demand profile";
    if (k->has_patience)
        return "abandonment";
    return NULL;
}

/* 1 when some alternative of position i of k is at a team with a WIP
** limit. */
static int position_limited(const cs_model *m, const cs_class *k, int i,
                            alt *a)
{
    const int n = position_alts(m, k, i, a);

    for (int x = 0; x < n; x++)
        if (m->teams[a[x].team].wip_limit > 0)
            return 1;
    return 0;
}

/* The state of one computation. */
typedef struct work {
    const cs_model *m;
    cs_theory *t;
    double *rate;            /* [nclasses] arrival rates, escapes in */
    double *ext;             /* [nclasses] the classes' arrival ca2 */
    double *sum1, *sum2;     /* [nteams] service moments x rate */
    double *ca2, *cd2, *next;/* [nteams] */
    alt *a, *b;              /* [most alternatives] each */
} work;

/* Flows: rates, service moments and the reasons, in one pass. */
static void add_flows(work *w)
{
    const cs_model *const m = w->m;

    for (int c = 0; c < m->nclasses; c++) {
        const cs_class *const k = &m->classes[c];
        const char *const why = class_why(k);
        const double r = w->rate[c];

        if (!(r > 0))
            continue;
        for (int i = 0; i < k->nroute; i++) {
            const cs_step *const st = &k->steps[k->route[i]];
            const double passes = cs_model_route_work(k, i, 0);
            const double w1 = cs_model_route_work(k, i, 1);
            const double w2 = cs_model_route_work(k, i, 2);
            const int n = position_alts(m, k, i, w->a);
            const int blocked =
                (i + 1 < k->nroute && position_limited(m, k, i + 1, w->b)) ||
                (st->has_rework && st->rework_p > 0 &&
                 position_limited(m, k, st->rework_to, w->b));

            for (int x = 0; x < n; x++) {
                const alt *const al = &w->a[x];
                cs_theory_team *const tt = &w->t->teams[al->team];
                const double f = m->teams[al->team].focus;
                const double mu = cs_dist_mean(al->effort);
                const double m2 = cs_dist_variance(al->effort) + mu * mu;
                const double share = r * st->p * al->w;

                tt->rate += share * passes;
                w->sum1[al->team] += share * w1 * mu / f;
                w->sum2[al->team] += share * w2 * m2 / (f * f);
                if (tt->why == NULL && why != NULL)
                    tt->why = why;
                /* a joint step waits for several teams at once */
                if (tt->why == NULL && st->joint)
                    tt->why = "joint work";
                if (tt->why == NULL && blocked)
                    tt->why = "blocking (a WIP limit downstream)";
            }
        }
    }
}

/* The ca2 of what position i of k receives: the departures of position
** i - 1 (the share of each team's that are this class's), or the
** class's arrivals; items that skip a step (p < 1) come from before. */
static double upstream_ca2(const work *w, const cs_class *k, int c, int i)
{
    double u = w->ext[c];

    for (int j = 0; j < i; j++) {
        const cs_step *const st = &k->steps[k->route[j]];
        const int n = position_alts(w->m, k, j, w->b);
        const double passes = cs_model_route_work(k, j, 0);
        double mix = 0.0, tot = 0.0;

        for (int x = 0; x < n; x++) {
            const int team = w->b[x].team;
            const double lam = w->t->teams[team].rate;
            const double flow = w->rate[c] * passes * st->p * w->b[x].w;
            const double pi = lam > 0 ? fmin(1.0, flow / lam) : 1.0;
            /* a parallel step's branches weigh alike, options by p */
            const double wt = st->kind == CS_STEP_PARALLEL ? 1.0 : w->b[x].w;
            mix += wt * (pi * w->cd2[team] + 1.0 - pi);
            tot += wt;
        }
        if (tot > 0)
            u = st->p * (mix / tot) + (1.0 - st->p) * u;
    }
    return u;
}

/* One pass: every team's ca2 from the departures of the last. */
static double ca2_pass(work *w)
{
    const cs_model *const m = w->m;
    double change = 0.0;

    for (int x = 0; x < m->nteams; x++)
        w->next[x] = 0.0;
    for (int c = 0; c < m->nclasses; c++) {
        const cs_class *const k = &m->classes[c];

        if (!(w->rate[c] > 0))
            continue;
        for (int i = 0; i < k->nroute; i++) {
            const cs_step *const st = &k->steps[k->route[i]];
            const double u = upstream_ca2(w, k, c, i);
            const double passes = cs_model_route_work(k, i, 0);
            const int n = position_alts(m, k, i, w->a);

            for (int x = 0; x < n; x++) {
                const double pi = st->p * w->a[x].w;
                w->next[w->a[x].team] +=
                    w->rate[c] * passes * pi * (pi * u + 1.0 - pi);
            }
        }
    }
    for (int x = 0; x < m->nteams; x++) {
        const cs_theory_team *const tt = &w->t->teams[x];
        const double v = tt->rate > 0 ? w->next[x] / tt->rate : 1.0;
        change = fmax(change, fabs(v - w->ca2[x]));
        w->ca2[x] = v;
    }
    for (int x = 0; x < m->nteams; x++) {
        const cs_theory_team *const tt = &w->t->teams[x];
        const double c = tt->servers > 0 ? tt->servers : 1;
        const double rho = fmin(1.0, tt->rate * tt->service / c);
        const double d = 1.0 + (1.0 - rho * rho) * (w->ca2[x] - 1.0) +
                         rho * rho * (tt->cs2 - 1.0) / sqrt(c);
        change = fmax(change, fabs(d - w->cd2[x]));
        w->cd2[x] = d;
    }
    return change;
}

/* The teams' figures once the flows are in. */
static void finish_teams(work *w)
{
    const cs_model *const m = w->m;
    double *const load = w->next;

    cs_model_offered_load(m, load);
    for (int x = 0; x < m->nteams; x++) {
        cs_theory_team *const tt = &w->t->teams[x];
        tt->load = load[x];
        tt->servers = cs_model_effective_capacity(&m->teams[x]);
        tt->wait = NAN;
        if (tt->rate > 0 && isfinite(tt->rate)) {
            tt->service = w->sum1[x] / tt->rate;
            const double s2 = w->sum2[x] / tt->rate;
            tt->cs2 = tt->service > 0
                          ? fmax(0.0, s2 / (tt->service * tt->service) - 1.0)
                          : 0.0;
        }
        w->ca2[x] = 1.0;
        w->cd2[x] = 1.0;
    }
    for (int pass = 0; pass < MAX_PASSES; pass++)
        if (ca2_pass(w) < SETTLED)
            break;
    for (int x = 0; x < m->nteams; x++) {
        cs_theory_team *const tt = &w->t->teams[x];
        const char *const why = team_why(m, x);

        tt->ca2 = w->ca2[x];
        if (why != NULL)
            tt->why = why;
        if (!(tt->rate > 0)) {
            tt->status = CS_THEORY_IDLE;
            tt->why = NULL;
        } else if (!(tt->load < 1.0) || !isfinite(tt->rate)) {
            tt->status = CS_THEORY_OVERLOADED;
            tt->why = NULL;
        } else if (tt->why != NULL) {
            tt->status = CS_THEORY_NA;
        } else {
            tt->status = CS_THEORY_OK;
            tt->wait = cs_theory_wait(tt->servers, tt->rate, tt->service,
                                      tt->ca2, tt->cs2);
        }
    }
}

/* Mean time of one alternative of position i (waits, hand-offs and
** work); NaN when its team's wait is not known.  first: a hand-off on the
** first pass (the item comes from another team). */
static double alt_time(const work *w, const alt *al, double passes,
                       double w1, int first)
{
    const cs_theory_team *const tt = &w->t->teams[al->team];
    const double h = al->handoff != NULL ? cs_dist_mean(al->handoff) : 0.0;
    const double handoffs = (first ? 1.0 : 0.0) + (passes - 1.0);

    if (tt->status != CS_THEORY_OK)
        return NAN;
    return passes * tt->wait + handoffs * h +
           w1 * cs_dist_mean(al->effort) / w->m->teams[al->team].focus;
}

/* 1 when position i's item comes from another team on its first pass:
** not for the first position (from the backlog) nor after a plain step at
** the same team. */
static int comes_from_other(const work *w, const cs_class *k, int i,
                            int team)
{
    const cs_step *prev;

    (void)w;
    if (i == 0)
        return 0;
    prev = &k->steps[k->route[i - 1]];
    return !(prev->kind == CS_STEP_WORK && prev->p >= 1.0 &&
             prev->noptions == 0 && prev->ctx_team == NULL &&
             prev->team == team);
}

static double class_lead(const work *w, int c)
{
    const cs_class *const k = &w->m->classes[c];
    double lead = 0.0;

    if (!(w->rate[c] > 0) || !isfinite(w->rate[c]))
        return NAN;
    for (int i = 0; i < k->nroute; i++) {
        const cs_step *const st = &k->steps[k->route[i]];
        const double passes = cs_model_route_work(k, i, 0);
        const double w1 = cs_model_route_work(k, i, 1);
        const int n = position_alts(w->m, k, i, w->a);
        double part = 0.0;

        for (int x = 0; x < n; x++) {
            const alt *const al = &w->a[x];
            const double v = al->w * alt_time(w, al, passes, w1,
                                              comes_from_other(w, k, i,
                                                               al->team));
            if (st->kind == CS_STEP_PARALLEL)
                part = x == 0 || v > part || isnan(v) ? v : part;
            else
                part += v;
        }
        lead += st->p * part;
    }
    return lead;
}

static void finish_classes(work *w)
{
    const cs_model *const m = w->m;
    double sum = 0.0, rates = 0.0;

    for (int c = 0; c < m->nclasses; c++) {
        w->t->class_lead[c] = class_lead(w, c);
        if (w->rate[c] > 0) {
            sum += w->rate[c] * w->t->class_lead[c];
            rates += w->rate[c];
        }
    }
    w->t->lead_time = rates > 0 ? sum / rates : NAN;
}

cs_status cs_theory_init(cs_theory *t, const cs_model *m, cs_error *err)
{
    const size_t nt = (size_t)m->nteams + 1, nc = (size_t)m->nclasses + 1;
    work w;
    int most = 1;
    double *buf;

    memset(t, 0, sizeof *t);
    memset(&w, 0, sizeof w);
    for (int c = 0; c < m->nclasses; c++)
        if (max_alts(&m->classes[c]) > most)
            most = max_alts(&m->classes[c]);
    t->teams = calloc(nt, sizeof *t->teams);
    t->class_lead = calloc(nc, sizeof *t->class_lead);
    buf = calloc(2 * nc + 5 * nt, sizeof *buf);
    w.a = calloc(2 * (size_t)most, sizeof *w.a);
    if (t->teams == NULL || t->class_lead == NULL || buf == NULL ||
        w.a == NULL) {
        free(buf);
        free(w.a);
        cs_theory_fini(t);
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    t->nteams = m->nteams;
    t->nclasses = m->nclasses;
    w.m = m;
    w.t = t;
    w.b = w.a + most;
    w.rate = buf;
    w.ext = buf + nc;
    w.sum1 = w.ext + nc;
    w.sum2 = w.sum1 + nt;
    w.ca2 = w.sum2 + nt;
    w.cd2 = w.ca2 + nt;
    w.next = w.cd2 + nt;
    cs_model_class_rates(m, w.rate);
    for (int c = 0; c < m->nclasses; c++) {
        const double own = cs_model_class_rate(m, c);
        const double all = w.rate[c];
        w.ext[c] = all > 0 && isfinite(all)
                       ? (own * external_ca2(&m->classes[c]) + (all - own)) /
                             all
                       : 1.0;
    }
    add_flows(&w);
    finish_teams(&w);
    finish_classes(&w);
    free(buf);
    free(w.a);
    return CS_OK;
}
