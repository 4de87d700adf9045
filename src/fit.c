/*
** fit.c - a scenario fitted to a tracker export (fit.h).
**
** Each item's entries (in time order) become visits: a run of entries at
** one team, with the time spent in its work and hand-off states (an entry
** lasts until the item's next entry, or the export's end).  An item is
** done when its last entry is a done state.  Per class:
** - arrivals: an item arrives at its first entry; the rate is the count
**   over the export's span (first arrival to last entry), with the exact
**   Poisson 95% interval; when at least 30 intervals have a coefficient of
**   variation outside [0.7, 1.3], the interval distribution is fitted and
**   written instead (a renewal process); counts in the two halves of the
**   span that differ by more than 2.58 standard deviations give a drift
**   note;
** - route: the done items' first passes (their visits up to the first
**   return to a team already visited) ordered by which team comes before
**   which in most of the items that visit both (a Copeland ranking: the
**   teams a team precedes less those that precede it); a team only some done items visit gets p (Wilson
**   95% interval); a return from team X to an earlier team Y is rework
**   after X, its probability returns / visits to X, its effort factor the
**   repeated visits' mean work over the first visits';
** - effort per team: the work time of first visits that ended (the item
**   moved on), of done and open items alike;
** - start items: open items at their last entry's team, with their age,
**   grouped by team and whole day; open items still in a teamless queue
**   stage are the backlog.
** Per team: the hand-off from its hand-off states (all classes); the
** capacity from the map's people, else the highest number of items in
** work at once that was held for at least 1% of the span.
*/
#include "chainsim/fit.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>
#include <jansson.h>

#include "chainsim/error.h"
#include "chainsim/tracker.h"

#define MIN_RESOLUTION_DATE 0.5      /* a zero duration, date-only data */
#define MIN_RESOLUTION_TIME (1.0 / 1440.0)

/* ---- distributions ---------------------------------------------------- */

static const char *const family_names[] = {"lognormal", "gamma", "weibull",
                                           "empirical", "const", "none"};

const char *cs_fit_family_name(cs_fit_family f)
{
    return family_names[f];
}

/* Free parameters per parametric family, for the AIC (2p - 2 log L). */
static const int family_params[3] = {2, 2, 2};

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double family_cdf(cs_fit_family f, double p1, double p2, double x)
{
    switch (f) {
    case CS_FIT_LOGNORMAL:
        return gsl_cdf_lognormal_P(x, p1, p2);
    case CS_FIT_GAMMA:
        return gsl_cdf_gamma_P(x, p1, p2);
    default:
        return gsl_cdf_weibull_P(x, p2, p1);
    }
}

/* x sorted. */
static double ks_distance(const double *x, size_t n, cs_fit_family f,
                          double p1, double p2)
{
    double d = 0;

    for (size_t i = 0; i < n; i++) {
        const double F = family_cdf(f, p1, p2, x[i]);
        const double a = F - (double)i / (double)n;
        const double b = (double)(i + 1) / (double)n - F;

        if (a > d)
            d = a;
        if (b > d)
            d = b;
    }
    return d;
}

static void fit_lognormal(const double *x, size_t n, double *mu,
                          double *sigma, double *ll)
{
    double s = 0, ss = 0, sl = 0;

    for (size_t i = 0; i < n; i++)
        s += log(x[i]);
    *mu = s / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (log(x[i]) - *mu) * (log(x[i]) - *mu);
    *sigma = sqrt(ss / (double)n);
    for (size_t i = 0; i < n; i++)
        sl += log(x[i]);
    *ll = -sl - (double)n * (log(*sigma) + 0.5 * log(2 * 3.14159265358979323846) + 0.5);
}

/* log k - psi(k) - s, in y = log k: decreasing from +inf to -s. */
static double gamma_eq(double y, void *ctx)
{
    const double k = exp(y);

    return log(k) - gsl_sf_psi(k) - *(const double *)ctx;
}

/*
** The gamma MLE: the shape k solves log k - psi(k) = log(mean) - mean(log)
** (= s > 0), found by Brent's method in log k on a bracket grown from
** Minka's approximation; the scale is mean / k.  The log-likelihood is
** n((k-1) mean(log) - k - lgamma(k) - k log(scale)).
*/
static void fit_gamma(const double *x, size_t n, double *k, double *theta,
                      double *ll)
{
    double m = 0, ml = 0, s, k0, lo, hi;
    gsl_function fn;
    gsl_root_fsolver *solver;
    int status = GSL_CONTINUE;

    for (size_t i = 0; i < n; i++) {
        m += x[i];
        ml += log(x[i]);
    }
    m /= (double)n;
    ml /= (double)n;
    s = log(m) - ml;
    *k = *theta = *ll = NAN;
    if (!(s > 0) || !isfinite(s))
        return;
    k0 = (3 - s + sqrt((s - 3) * (s - 3) + 24 * s)) / (12 * s);
    fn.function = gamma_eq;
    fn.params = &s;
    lo = log(k0) - 1;
    hi = log(k0) + 1;
    for (int g = 0; g < 60 && gamma_eq(lo, &s) < 0; g++)
        lo -= 2;
    for (int g = 0; g < 60 && gamma_eq(hi, &s) > 0; g++)
        hi += 2;
    if (!(gamma_eq(lo, &s) >= 0 && gamma_eq(hi, &s) <= 0))
        return;
    if ((solver = gsl_root_fsolver_alloc(gsl_root_fsolver_brent)) == NULL)
        return;
    if (gsl_root_fsolver_set(solver, &fn, lo, hi) != GSL_SUCCESS) {
        gsl_root_fsolver_free(solver);
        return;
    }
    for (int it = 0; it < 200 && status == GSL_CONTINUE; it++) {
        if (gsl_root_fsolver_iterate(solver) != GSL_SUCCESS)
            break;
        status = gsl_root_test_interval(gsl_root_fsolver_x_lower(solver),
                                        gsl_root_fsolver_x_upper(solver),
                                        0, 1e-13);
    }
    *k = exp(gsl_root_fsolver_root(solver));
    gsl_root_fsolver_free(solver);
    *theta = m / *k;
    *ll = (double)n * ((*k - 1) * ml - *k - gsl_sf_lngamma(*k) -
                       *k * log(*theta));
}

/* Weibull by Newton on the shape, on values scaled by their mean. */
static void fit_weibull(const double *x, size_t n, double *k, double *lambda,
                        double *ll)
{
    double m = 0, ml = 0, sd = 0, kk, lam, s = 0;

    for (size_t i = 0; i < n; i++)
        m += x[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++)
        ml += log(x[i] / m);
    ml /= (double)n;
    for (size_t i = 0; i < n; i++)
        sd += (log(x[i] / m) - ml) * (log(x[i] / m) - ml);
    sd = sqrt(sd / (double)n);
    kk = sd > 0 ? 1.2 / sd : 1;
    for (int it = 0; it < 100; it++) {
        double a = 0, b = 0, c = 0, g, gp, next;

        for (size_t i = 0; i < n; i++) {
            const double l = log(x[i] / m), p = exp(kk * l);

            a += p;
            b += p * l;
            c += p * l * l;
        }
        g = b / a - 1 / kk - ml;
        gp = (c * a - b * b) / (a * a) + 1 / (kk * kk);
        next = kk - g / gp;
        if (!(next > 0))
            next = kk / 2;
        if (fabs(next - kk) < 1e-12 * kk) {
            kk = next;
            break;
        }
        kk = next;
    }
    for (size_t i = 0; i < n; i++)
        s += pow(x[i] / m, kk);
    lam = pow(s / (double)n, 1 / kk) * m;
    *k = kk;
    *lambda = lam;
    s = 0;
    for (size_t i = 0; i < n; i++)
        s += (kk - 1) * log(x[i] / lam) - pow(x[i] / lam, kk);
    *ll = (double)n * (log(kk) - log(lam)) + s;
}

void cs_fit_dist_mle(double *x, size_t n, cs_fit_dist *out)
{
    double p1[3], p2[3], ll[3], best = HUGE_VAL, s = 0, ss = 0;
    int bi = -1;

    memset(out, 0, sizeof *out);
    out->n = n;
    out->family = CS_FIT_NONE;
    for (int f = 0; f < 3; f++)
        out->aic[f] = HUGE_VAL;
    if (n == 0)
        return;
    qsort(x, n, sizeof *x, cmp_double);
    for (size_t i = 0; i < n; i++)
        s += x[i];
    out->mean = s / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - out->mean) * (x[i] - out->mean);
    out->sd = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
    if (n < 3 || x[0] == x[n - 1]) {
        out->family = CS_FIT_CONST;
        out->p1 = out->mean;
        return;
    }
    fit_lognormal(x, n, &p1[0], &p2[0], &ll[0]);
    fit_gamma(x, n, &p1[1], &p2[1], &ll[1]);
    fit_weibull(x, n, &p1[2], &p2[2], &ll[2]);
    for (int f = 0; f < 3; f++) {
        if (!isfinite(ll[f]) || !isfinite(p1[f]) || !isfinite(p2[f]) ||
            !(p1[f] > 0 || f == 0) || !(p2[f] > 0))
            continue;
        out->aic[f] = 2.0 * family_params[f] - 2 * ll[f];
        if (out->aic[f] < best) {
            best = out->aic[f];
            bi = f;
        }
    }
    if (bi < 0) {
        out->family = CS_FIT_CONST;
        out->p1 = out->mean;
        return;
    }
    out->family = (cs_fit_family)bi;
    out->p1 = p1[bi];
    out->p2 = p2[bi];
    out->ks = ks_distance(x, n, out->family, out->p1, out->p2);
    if (n >= 20 && out->ks > 1.63 / sqrt((double)n))
        out->family = CS_FIT_EMPIRICAL;
    for (int i = 0; i < CS_FIT_QUANTILES; i++) {
        const double pos = ((double)i + 0.5) / CS_FIT_QUANTILES *
                           (double)(n - 1);
        const size_t lo = (size_t)pos;
        const double fr = pos - (double)lo;

        out->q[i] = lo + 1 < n ? x[lo] * (1 - fr) + x[lo + 1] * fr : x[lo];
    }
}

/* ---- whole working days (date-only exports) ----------------------------
**
** A date-only export gives a duration as d = the whole working days
** between two dates.  With the times of day of the two ends uniform and
** independent, the true duration x lies in (d - 1, d + 1) with a
** triangular weight, so P(d) = G(d + 1) - 2 G(d) + G(d - 1), where G is
** the integral of the distribution function F (G(t) = t F(t) - E[X; X <=
** t], 0 for t <= 0), and P(D <= k) = G(k + 1) - G(k).  Each family is
** fitted by maximising that likelihood over the distinct values of d
** (Nelder-Mead in log parameters, from the moments of d less the 1/6 of
** variance the rounding adds); the KS distance is between the empirical
** and the fitted distribution of d.
*/

typedef struct dgroup {
    const double *x;         /* sorted whole days */
    size_t n;
    int family;
} dgroup;

/* E[X; X <= t] of family f with parameters a, b, for t > 0. */
static double partial_mean(int f, double a, double b, double t)
{
    switch (f) {
    case CS_FIT_LOGNORMAL:
        return exp(a + b * b / 2) *
               gsl_cdf_ugaussian_P((log(t) - a - b * b) / b);
    case CS_FIT_GAMMA:
        return a * b * gsl_sf_gamma_inc_P(a + 1, t / b);
    default:
        return b * exp(gsl_sf_lngamma(1 + 1 / a)) *
               gsl_sf_gamma_inc_P(1 + 1 / a, pow(t / b, a));
    }
}

static double big_g(int f, double a, double b, double t)
{
    if (t <= 0)
        return 0;
    return t * family_cdf((cs_fit_family)f, a, b, t) -
           partial_mean(f, a, b, t);
}

/* The parameters from the minimiser's point (logs but lognormal mu). */
static void unpack(int f, const gsl_vector *x, double *a, double *b)
{
    *a = f == CS_FIT_LOGNORMAL ? gsl_vector_get(x, 0)
                               : exp(gsl_vector_get(x, 0));
    *b = exp(gsl_vector_get(x, 1));
}

static double day_nll(const gsl_vector *x, void *ctx)
{
    const dgroup *g = ctx;
    double a, b, s = 0;

    unpack(g->family, x, &a, &b);
    if (!isfinite(a) || !(b > 0) || !isfinite(b) || b > 1e6 ||
        (g->family != CS_FIT_LOGNORMAL && (a < 1e-3 || a > 1e4)))
        return HUGE_VAL;
    for (size_t i = 0, j; i < g->n; i = j) {
        const double d = g->x[i];
        double p;

        for (j = i + 1; j < g->n && g->x[j] == d; j++)
            ;
        p = big_g(g->family, a, b, d + 1) - 2 * big_g(g->family, a, b, d) +
            big_g(g->family, a, b, d - 1);
        s -= (double)(j - i) * log(p > 1e-300 ? p : 1e-300);
    }
    return isfinite(s) ? s : HUGE_VAL;
}

/* Fits family f to the groups; *ll the log-likelihood (HUGE_VAL
** negated when it fails). */
static void fit_days(dgroup *g, int f, double m, double var, double *a,
                     double *b, double *ll)
{
    const gsl_multimin_fminimizer_type *T = gsl_multimin_fminimizer_nmsimplex2;
    gsl_multimin_fminimizer *mz = gsl_multimin_fminimizer_alloc(T, 2);
    gsl_vector *x = gsl_vector_alloc(2), *step = gsl_vector_alloc(2);
    gsl_multimin_function fn;
    const double cv = sqrt(var) / m;
    int status = GSL_CONTINUE;

    *ll = -HUGE_VAL;
    *a = *b = NAN;
    if (mz == NULL || x == NULL || step == NULL) {
        gsl_multimin_fminimizer_free(mz);
        gsl_vector_free(x);
        gsl_vector_free(step);
        return;
    }
    g->family = f;
    if (f == CS_FIT_LOGNORMAL) {
        const double s2 = log(1 + cv * cv);

        gsl_vector_set(x, 0, log(m) - s2 / 2);
        gsl_vector_set(x, 1, 0.5 * log(s2));
    } else if (f == CS_FIT_GAMMA) {
        gsl_vector_set(x, 0, log(1 / (cv * cv)));
        gsl_vector_set(x, 1, log(m * cv * cv));
    } else {
        const double k = pow(cv, -1.086);

        gsl_vector_set(x, 0, log(k));
        gsl_vector_set(x, 1, log(m / exp(gsl_sf_lngamma(1 + 1 / k))));
    }
    gsl_vector_set_all(step, 0.3);
    fn.n = 2;
    fn.f = day_nll;
    fn.params = g;
    if (gsl_multimin_fminimizer_set(mz, &fn, x, step) == GSL_SUCCESS) {
        for (int it = 0; it < 400 && status == GSL_CONTINUE; it++) {
            if (gsl_multimin_fminimizer_iterate(mz) != GSL_SUCCESS)
                break;
            status = gsl_multimin_test_size(
                gsl_multimin_fminimizer_size(mz), 1e-7);
        }
        unpack(f, gsl_multimin_fminimizer_x(mz), a, b);
        *ll = -gsl_multimin_fminimizer_minimum(mz);
    }
    gsl_multimin_fminimizer_free(mz);
    gsl_vector_free(x);
    gsl_vector_free(step);
}

void cs_fit_dist_mle_days(double *x, size_t n, cs_fit_dist *out)
{
    double m = 0, ss = 0, var, best = HUGE_VAL;
    double p1[3], p2[3], ll[3];
    int bi = -1;
    dgroup g;

    memset(out, 0, sizeof *out);
    out->n = n;
    out->family = CS_FIT_NONE;
    for (int f = 0; f < 3; f++)
        out->aic[f] = HUGE_VAL;
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++)
        x[i] = x[i] > 0 ? floor(x[i] + 0.5) : 0;
    qsort(x, n, sizeof *x, cmp_double);
    for (size_t i = 0; i < n; i++)
        m += x[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - m) * (x[i] - m);
    out->mean = m;
    out->sd = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
    var = (n > 1 ? ss / (double)(n - 1) : 0) - 1.0 / 6;
    if (var < 0.01 * m * m)
        var = 0.01 * m * m;
    for (int i = 0; i < CS_FIT_QUANTILES; i++) {
        const double pos = ((double)i + 0.5) / CS_FIT_QUANTILES *
                           (double)(n - 1);
        const size_t lo = (size_t)pos;
        const double fr = pos - (double)lo;
        const double q = lo + 1 < n ? x[lo] * (1 - fr) + x[lo + 1] * fr
                                    : x[lo];

        out->q[i] = q > 0.01 ? q : 0.01;
    }
    if (n < 3 || m <= 0 || x[0] == x[n - 1]) {
        out->family = CS_FIT_CONST;
        out->p1 = m > 0.01 ? m : 0.01;
        return;
    }
    g.x = x;
    g.n = n;
    for (int f = 0; f < 3; f++) {
        fit_days(&g, f, m, var, &p1[f], &p2[f], &ll[f]);
        if (!isfinite(ll[f]) || !isfinite(p1[f]) || !(p2[f] > 0))
            continue;
        out->aic[f] = 2.0 * family_params[f] - 2 * ll[f];
        if (out->aic[f] < best) {
            best = out->aic[f];
            bi = f;
        }
    }
    if (bi < 0) {
        out->family = CS_FIT_EMPIRICAL;
        return;
    }
    out->family = (cs_fit_family)bi;
    out->p1 = p1[bi];
    out->p2 = p2[bi];
    /* KS between the step functions, at each distinct value: P(D <= d)
    ** against the share at most d, and the previous value's against the
    ** share below d */
    out->ks = 0;
    for (size_t i = 0, j; i < n; i = j) {
        const double d = x[i];
        const double F = big_g(bi, p1[bi], p2[bi], d + 1) -
                         big_g(bi, p1[bi], p2[bi], d);
        const double Fprev = i > 0 ? big_g(bi, p1[bi], p2[bi], x[i - 1] + 1) -
                                     big_g(bi, p1[bi], p2[bi], x[i - 1])
                                   : 0;

        for (j = i + 1; j < n && x[j] == d; j++)
            ;
        out->ks = fmax(out->ks, fmax(fabs((double)j / (double)n - F),
                                     fabs((double)i / (double)n - Fprev)));
    }
    if (n >= 20 && out->ks > 1.63 / sqrt((double)n))
        out->family = CS_FIT_EMPIRICAL;
}

static double family_mean(const cs_fit_dist *d)
{
    switch (d->family) {
    case CS_FIT_LOGNORMAL:
        return exp(d->p1 + d->p2 * d->p2 / 2);
    case CS_FIT_GAMMA:
        return d->p1 * d->p2;
    case CS_FIT_WEIBULL:
        return d->p2 * exp(gsl_sf_lngamma(1 + 1 / d->p1));
    default:
        return d->mean;
    }
}

void cs_fit_dist_format(const cs_fit_dist *d, char *buf, size_t size)
{
    size_t len;

    switch (d->family) {
    case CS_FIT_LOGNORMAL:
        snprintf(buf, size, "lognormal(median=%.4gd, p90=%.4gd)", exp(d->p1),
                 exp(d->p1 + 1.2815515655446004 * d->p2));
        break;
    case CS_FIT_GAMMA:
        snprintf(buf, size, "gamma(shape=%.4g, scale=%.4gd)", d->p1, d->p2);
        break;
    case CS_FIT_WEIBULL:
        snprintf(buf, size, "weibull(shape=%.4g, scale=%.4gd)", d->p1, d->p2);
        break;
    case CS_FIT_EMPIRICAL:
        len = (size_t)snprintf(buf, size, "empirical(");
        for (int i = 0; i < CS_FIT_QUANTILES && len < size; i++)
            len += (size_t)snprintf(buf + len, size - len, "%s%.4gd",
                                    i ? ", " : "", d->q[i]);
        if (len < size)
            snprintf(buf + len, size - len, ")");
        break;
    default:
        snprintf(buf, size, "%.4gd", d->family == CS_FIT_CONST ? d->p1 : 0.0);
        break;
    }
}

/* ---- the fit ---------------------------------------------------------- */

typedef struct fstep {
    int team;
    long visits;             /* done items that visit it */
    double p, plo, phi;
    cs_fit_dist effort;
    long rework_n, passes;   /* returns after it, visits to it */
    int rework_to;           /* team index, -1: none */
    double rwp, rwlo, rwhi, factor;
    long nrepeat;
    int par;                 /* 1: a parallel step with the next; 2: the
                                second branch of one */
    long order_ab, order_ba; /* with the next: items that went each way */
} fstep;

typedef struct fstart {
    int team;
    long count;
    double age;
} fstart;

typedef struct fclass {
    const char *name;
    long items, done;
    double rate, lo, hi, cv;
    int renewal, drift;
    double rate1, rate2;
    cs_fit_dist interval;
    fstep *steps;
    size_t nsteps;
    fstart *start;
    size_t nstart;
    long backlog, unplaced;
    int skip;                /* done items, but no team on their way */
} fclass;

typedef struct fteam {
    const char *name;
    int used;
    long capacity, people;
    int max_level;
    double mean_level, over_share;
    cs_fit_dist handoff;
    /* multitasking (people given, items in work above them for at least
    ** MT_SHARE of the span): the level step function and the work done
    ** per item up to each of its times, under switch_loss */
    int mt;
    long items_per_person;
    double switch_loss;
    long mt_entries, mt_level;
    double *lt, *lw;         /* [nl]: times, cumulated work per item */
    int *ll;                 /* [nl]: the level from lt[k] on */
    size_t nl;
} fteam;

struct cs_fit {
    const char *source;
    const cs_tracker_data *d;
    fclass *cls;
    size_t ncls;
    fteam *teams;
    size_t nteams;
    double t0, end, span, res, lead_p85;
    int days_per_week;
    long done;
    char warn[16][200];
    int nwarn;
};

#define PAR_MIN 10            /* items visiting both, for a parallel step */
#define MT_SHARE 0.1          /* items above people this share: multitasking */
#define MIN_RATE 0.1          /* the engine's floor on a team's speed */

/* An item's speed with n items in work at a team of c people losing
** loss per extra item per person (the engine's multitasking). */
static double mt_rate(int n, long c, double loss)
{
    const double x = (double)n / (double)c;
    double tot;

    if (n <= c)
        return 1;
    tot = 1 - loss * (x - 1);
    return (double)c * (tot > MIN_RATE ? tot : MIN_RATE) / (double)n;
}

/* The work an item at team tm did from time a to b (a <= b). */
static double mt_work(const fteam *tm, double a, double b)
{
    size_t lo = 0, hi = tm->nl;
    double w[2];
    const double ts[2] = {a, b};

    for (int j = 0; j < 2; j++) {
        lo = 0;
        hi = tm->nl;
        while (hi - lo > 1) {   /* the last k with lt[k] <= t */
            const size_t mid = (lo + hi) / 2;

            if (tm->lt[mid] <= ts[j])
                lo = mid;
            else
                hi = mid;
        }
        if (tm->nl == 0 || ts[j] < tm->lt[0])
            w[j] = ts[j];
        else
            w[j] = tm->lw[lo] + mt_rate(tm->ll[lo], tm->people,
                                        tm->switch_loss) *
                                (ts[j] - tm->lt[lo]);
    }
    return w[1] - w[0];
}

/* Fills tm->lw for tm->switch_loss. */
static void mt_cumulate(fteam *tm)
{
    if (tm->nl == 0)
        return;
    tm->lw[0] = tm->lt[0];
    for (size_t k = 1; k < tm->nl; k++)
        tm->lw[k] = tm->lw[k - 1] +
                    mt_rate(tm->ll[k - 1], tm->people, tm->switch_loss) *
                    (tm->lt[k] - tm->lt[k - 1]);
}

/* A visit: a run of an item's entries at one team. */
typedef struct visit {
    int team;
    double work, handoff;
    int has_work, has_handoff, ended;
} visit;

/* The visits of item it into v (room for it->n); returns their number. */
static size_t visits_of(const cs_fit *f, const cs_tracker_item *it, visit *v)
{
    const cs_tracker_entry *e = &f->d->entries[it->first];
    size_t nv = 0;

    for (size_t i = 0; i < it->n; i++) {
        const double dur = (i + 1 < it->n ? e[i + 1].t : f->end) - e[i].t;

        if (e[i].team < 0)
            continue;
        if (nv == 0 || v[nv - 1].team != e[i].team) {
            memset(&v[nv], 0, sizeof v[nv]);
            v[nv].team = e[i].team;
            if (nv > 0)
                v[nv - 1].ended = 1;
            nv++;
        }
        if (e[i].state == CS_TRACKER_WORK) {
            const fteam *tm = &f->teams[e[i].team];

            v[nv - 1].work += tm->mt ? mt_work(tm, e[i].t, e[i].t + dur)
                                     : dur;
            v[nv - 1].has_work = 1;
        } else if (e[i].state == CS_TRACKER_HANDOFF) {
            v[nv - 1].handoff += dur;
            v[nv - 1].has_handoff = 1;
        }
        if (i + 1 < it->n && e[i + 1].team < 0)
            v[nv - 1].ended = 1;
    }
    return nv;
}

static int is_done(const cs_fit *f, const cs_tracker_item *it)
{
    return it->n > 0 &&
           f->d->entries[it->first + it->n - 1].state == CS_TRACKER_DONE;
}

static void warn(cs_fit *f, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void warn(cs_fit *f, const char *fmt, ...)
{
    va_list ap;

    if (f->nwarn >= 16)
        return;
    va_start(ap, fmt);
    vsnprintf(f->warn[f->nwarn++], sizeof f->warn[0], fmt, ap);
    va_end(ap);
}

static void wilson(long k, long n, double *lo, double *hi)
{
    const double z = 1.959963984540054, p = (double)k / (double)n;
    const double den = 1 + z * z / (double)n;
    const double c = (p + z * z / (2.0 * (double)n)) / den;
    const double h = z * sqrt(p * (1 - p) / (double)n +
                              z * z / (4.0 * (double)n * (double)n)) / den;

    *lo = c - h;
    *hi = c + h;
}

/* A duration as the fit takes it: whole working days from a date-only
** export (fitted as such), else at least the resolution. */
static double floor_res(const cs_fit *f, double x)
{
    if (f->d->date_only)
        return x > 0 ? floor(x + 0.5) : 0;
    return x < f->res ? f->res : x;
}

static void fit_values(const cs_fit *f, double *x, size_t n, cs_fit_dist *out)
{
    if (f->d->date_only)
        cs_fit_dist_mle_days(x, n, out);
    else
        cs_fit_dist_mle(x, n, out);
}

/* Growable array of doubles. */
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

static void arrivals(cs_fit *f, fclass *c, size_t ci, dvec *tmp)
{
    const cs_tracker_data *d = f->d;
    double n, s = 0, ss = 0, m;
    long n1 = 0;

    tmp->n = 0;
    for (size_t i = 0; i < d->nitems; i++)
        if ((size_t)d->items[i].cls == ci && d->items[i].n > 0)
            (void)dpush(tmp, d->entries[d->items[i].first].t);
    qsort(tmp->v, tmp->n, sizeof *tmp->v, cmp_double);
    n = (double)tmp->n;
    c->rate = n / f->span;
    c->lo = tmp->n > 0 ? gsl_cdf_chisq_Pinv(0.025, 2 * n) / 2 / f->span : 0;
    c->hi = gsl_cdf_chisq_Pinv(0.975, 2 * n + 2) / 2 / f->span;
    for (size_t i = 0; i < tmp->n; i++)
        n1 += tmp->v[i] < f->t0 + f->span / 2;
    c->rate1 = (double)n1 / (f->span / 2);
    c->rate2 = (n - (double)n1) / (f->span / 2);
    c->drift = tmp->n >= 20 &&
               fabs(n - 2.0 * (double)n1) > 2.58 * sqrt(n);
    if (tmp->n < 3)
        return;
    for (size_t i = 1; i < tmp->n; i++)
        tmp->v[i - 1] = tmp->v[i] - tmp->v[i - 1];
    tmp->n--;
    for (size_t i = 0; i < tmp->n; i++)
        s += tmp->v[i];
    m = s / (double)tmp->n;
    for (size_t i = 0; i < tmp->n; i++)
        ss += (tmp->v[i] - m) * (tmp->v[i] - m);
    /* whole days add about 1/6 to the variance of the intervals */
    ss /= (double)(tmp->n - 1);
    if (f->d->date_only)
        ss = ss > 1.0 / 6 ? ss - 1.0 / 6 : 0;
    c->cv = m > 0 ? sqrt(ss) / m : 0;
    if (tmp->n >= 30 && (c->cv < 0.7 || c->cv > 1.3)) {
        for (size_t i = 0; i < tmp->n; i++)
            tmp->v[i] = floor_res(f, tmp->v[i]);
        fit_values(f, tmp->v, tmp->n, &c->interval);
        c->renewal = 1;
    }
}

/* The route, efforts and rework of class ci. */
static cs_status route(cs_fit *f, fclass *c, size_t ci, visit *v)
{
    const cs_tracker_data *d = f->d;
    const size_t nt = d->nteams;
    long *prec = calloc(nt * nt + 1, sizeof *prec);
    long *seen = calloc(nt + 1, sizeof *seen), *visits = calloc(nt + 1, sizeof *visits);
    long *back = calloc(nt * nt + 1, sizeof *back), *passes = calloc(nt + 1, sizeof *passes);
    double *score = calloc(nt + 1, sizeof *score);
    dvec *first = calloc(nt + 1, sizeof *first), *rep = calloc(nt + 1, sizeof *rep);
    int *order = calloc(nt + 1, sizeof *order), *pos = calloc(nt + 1, sizeof *pos);
    cs_status st = CS_OK;
    size_t no = 0;

    if (!prec || !seen || !visits || !back || !passes || !score || !first ||
        !rep || !order || !pos) {
        st = CS_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < d->nitems; i++) {
        const cs_tracker_item *it = &d->items[i];
        const int done = is_done(f, it);
        size_t nv, npass;

        if ((size_t)it->cls != ci)
            continue;
        nv = visits_of(f, it, v);
        memset(seen, 0, nt * sizeof *seen);
        npass = nv;
        for (size_t k = 0; k < nv; k++) {
            const int t = v[k].team;

            if (seen[t]) {
                if (npass == nv)
                    npass = k;
                if (done)
                    back[(size_t)v[k - 1].team * nt + (size_t)t]++;
                if (v[k].ended && v[k].has_work &&
                    dpush(&rep[t], floor_res(f, v[k].work)) != 0)
                    st = CS_ENOMEM;
            } else {
                seen[t] = 1;
                if (v[k].ended && v[k].has_work &&
                    dpush(&first[t], floor_res(f, v[k].work)) != 0)
                    st = CS_ENOMEM;
                if (done)
                    visits[t]++;
            }
            if (done)
                passes[t]++;
        }
        if (!done)
            continue;
        for (size_t a = 0; a < npass; a++)
            for (size_t b = a + 1; b < npass; b++)
                prec[(size_t)v[a].team * nt + (size_t)v[b].team]++;
    }
    if (st != CS_OK)
        goto out;
    for (size_t t = 0; t < nt; t++) {
        if (visits[t] == 0)
            continue;
        /* Copeland: the teams it precedes in most of the items that visit
        ** both, less those that precede it; then, to break ties, the
        ** balance of the counts (scaled below one) */
        for (size_t u = 0; u < nt; u++) {
            const long ab = prec[t * nt + u], ba = prec[u * nt + t];

            score[t] += (double)((ab > ba) - (ab < ba));
            score[t] += (double)(ab - ba) / (4.0 * (double)c->done *
                                             (double)nt + 1);
        }
        order[no++] = (int)t;
    }
    /* insertion sort by score, highest (earliest) first */
    for (size_t a = 1; a < no; a++)
        for (size_t b = a; b > 0 && score[order[b]] > score[order[b - 1]]; b--) {
            const int tmp = order[b];

            order[b] = order[b - 1];
            order[b - 1] = tmp;
        }
    if ((c->steps = calloc(no + 1, sizeof *c->steps)) == NULL) {
        st = CS_ENOMEM;
        goto out;
    }
    for (size_t k = 0; k < no; k++)
        pos[order[k]] = (int)k + 1;
    for (size_t k = 0; k < no; k++) {
        fstep *s = &c->steps[c->nsteps++];
        const int t = order[k];
        long best = 0;
        double frs = 0, rps = 0;

        s->team = t;
        f->teams[t].used = 1;
        s->visits = visits[t];
        s->p = (double)visits[t] / (double)c->done;
        wilson(visits[t], c->done, &s->plo, &s->phi);
        fit_values(f, first[t].v, first[t].n, &s->effort);
        s->rework_to = -1;
        s->passes = passes[t];
        for (size_t u = 0; u < nt; u++)
            if (pos[u] > 0 && pos[u] <= (int)k + 1 &&
                back[(size_t)t * nt + u] > best) {
                best = back[(size_t)t * nt + u];
                s->rework_to = (int)u;
            }
        if (s->rework_to < 0)
            continue;
        for (size_t u = 0; u < nt; u++)
            s->rework_n += back[(size_t)t * nt + u];
        s->rwp = (double)s->rework_n / (double)passes[t];
        wilson(s->rework_n, passes[t], &s->rwlo, &s->rwhi);
        /* the effort factor over the repeated steps from rework_to on */
        for (size_t j = (size_t)pos[s->rework_to] - 1; j <= k; j++) {
            const int u = order[j];

            for (size_t q = 0; q < rep[u].n; q++)
                rps += rep[u].v[q];
            s->nrepeat += (long)rep[u].n;
            if (first[u].n > 0) {
                double m = 0;

                for (size_t q = 0; q < first[u].n; q++)
                    m += first[u].v[q];
                frs += m / (double)first[u].n * (double)rep[u].n;
            }
        }
        s->factor = frs > 0 && rps > 0 ? rps / frs : 1;
    }
    /* two neighbours that done items visit in either order, each way by a
    ** quarter of them at least: a parallel step */
    for (size_t k = 0; k + 1 < c->nsteps; k++) {
        fstep *a = &c->steps[k], *b = &c->steps[k + 1];
        const long ab = prec[(size_t)a->team * nt + (size_t)b->team];
        const long ba = prec[(size_t)b->team * nt + (size_t)a->team];
        const long lo = ab < ba ? ab : ba;

        if (a->par || ab + ba < PAR_MIN || 4 * lo < ab + ba ||
            a->rework_to >= 0 || b->rework_to >= 0 || a->p < 0.95 ||
            b->p < 0.95)
            continue;
        a->par = 1;
        b->par = 2;
        a->order_ab = ab;
        a->order_ba = ba;
    }
out:
    for (size_t t = 0; first && rep && t < nt; t++) {
        free(first[t].v);
        free(rep[t].v);
    }
    free(prec);
    free(seen);
    free(visits);
    free(back);
    free(passes);
    free(score);
    free(first);
    free(rep);
    free(order);
    free(pos);
    return st;
}

static int in_route(const fclass *c, int team)
{
    for (size_t k = 0; k < c->nsteps; k++)
        if (c->steps[k].team == team)
            return 1;
    return 0;
}

/* The top-level step id of team's step in c's route: the team's name, or
** "A-and-B" for a parallel step of A and B. */
static void step_id(const cs_fit *f, const fclass *c, int team, char *buf,
                    size_t size)
{
    for (size_t k = 0; k < c->nsteps; k++) {
        const fstep *s = &c->steps[k];

        if (s->team != team)
            continue;
        if (s->par == 1 || s->par == 2) {
            const size_t a = s->par == 1 ? k : k - 1;

            snprintf(buf, size, "%s-and-%s", f->teams[c->steps[a].team].name,
                     f->teams[c->steps[a + 1].team].name);
            return;
        }
        break;
    }
    snprintf(buf, size, "%s", f->teams[team].name);
}

static cs_status starts(cs_fit *f, fclass *c, size_t ci)
{
    const cs_tracker_data *d = f->d;

    for (size_t i = 0; i < d->nitems; i++) {
        const cs_tracker_item *it = &d->items[i];
        const cs_tracker_entry *last;
        double age;
        size_t k;

        if ((size_t)it->cls != ci || it->n == 0 || is_done(f, it))
            continue;
        last = &d->entries[it->first + it->n - 1];
        age = floor(f->end - d->entries[it->first].t + 0.5);
        if (last->team < 0) {
            c->backlog++;
            continue;
        }
        if (!in_route(c, last->team)) {
            c->unplaced++;
            continue;
        }
        for (k = 0; k < c->nstart; k++)
            if (c->start[k].team == last->team && c->start[k].age == age)
                break;
        if (k == c->nstart) {
            fstart *v = realloc(c->start, (c->nstart + 1) * sizeof *v);

            if (v == NULL)
                return CS_ENOMEM;
            c->start = v;
            c->start[k].team = last->team;
            c->start[k].count = 0;
            c->start[k].age = age;
            c->nstart++;
        }
        c->start[k].count++;
    }
    return CS_OK;
}

typedef struct level_ev {
    double t;
    int team, delta;
} level_ev;

static int cmp_ev(const void *a, const void *b)
{
    const level_ev *x = a, *y = b;

    if (x->team != y->team)
        return x->team - y->team;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->delta - y->delta;   /* ends before starts at one time */
}

/* cov(log work done, mean level / people) over the entries in x (pairs
** of start and end times) and their mean levels m, under loss. */
static double mt_cov(fteam *tm, const dvec *x, const double *m, double loss)
{
    const size_t n = x->n / 2;
    double sl = 0, sm = 0, slm = 0;

    tm->switch_loss = loss;
    mt_cumulate(tm);
    for (size_t i = 0; i < n; i++) {
        double w = mt_work(tm, x->v[2 * i], x->v[2 * i + 1]);
        double l;

        l = log(w > 1e-9 ? w : 1e-9);
        sl += l;
        sm += m[i];
        slm += l * m[i];
    }
    return slm / (double)n - sl / (double)n * (sm / (double)n);
}

/*
** The switch loss of a multitasking team: the work an item did during an
** entry into a work state is the integral of its speed (mt_rate of the
** items in work then); the loss chosen is the one under which that work
** does not depend on how crowded the team was during the entry (the
** covariance of its log with the mean level over people is 0), found by
** bisection on [0, 0.95].  Efforts are drawn independently of the load,
** so the loss at which the fitted efforts stop growing with the load is
** the one that explains the stretched times.
*/
static cs_status mt_estimate(cs_fit *f, fteam *tm, int team)
{
    const cs_tracker_data *d = f->d;
    dvec x = {0};
    double *m = NULL, lo = 0, hi = 0.95;
    size_t n;
    cs_status st = CS_OK;

    for (size_t i = 0; i < d->nitems && st == CS_OK; i++) {
        const cs_tracker_item *it = &d->items[i];
        const cs_tracker_entry *e = &d->entries[it->first];

        for (size_t k = 0; k + 1 < it->n; k++)
            if (e[k].team == team && e[k].state == CS_TRACKER_WORK &&
                e[k + 1].t > e[k].t &&
                (dpush(&x, e[k].t) != 0 || dpush(&x, e[k + 1].t) != 0))
                st = CS_ENOMEM;
    }
    n = x.n / 2;
    tm->mt_entries = (long)n;
    if (st != CS_OK || n < 10 ||
        (m = malloc(n * sizeof *m)) == NULL) {
        free(x.v);
        tm->switch_loss = 0;
        mt_cumulate(tm);
        return st == CS_OK && n >= 10 ? CS_ENOMEM : st;
    }
    /* the mean level: the work done at speed "level" (loss -1 is not
    ** a loss: mt_area integrates the level itself) */
    for (size_t i = 0; i < n; i++) {
        const double a = x.v[2 * i], b = x.v[2 * i + 1];
        double area = 0;
        size_t k = 0, hi_k = tm->nl;

        while (hi_k - k > 1) {
            const size_t mid = (k + hi_k) / 2;

            if (tm->lt[mid] <= a)
                k = mid;
            else
                hi_k = mid;
        }
        for (double t = a; t < b; k++) {
            const double next = k + 1 < tm->nl && tm->lt[k + 1] < b
                                ? tm->lt[k + 1] : b;

            area += (double)tm->ll[k] * (next - t);
            t = next;
            if (k + 1 >= tm->nl)
                break;
        }
        m[i] = area / (b - a) / (double)tm->people;
    }
    if (mt_cov(tm, &x, m, 0) <= 0) {
        hi = 0;
    } else if (mt_cov(tm, &x, m, hi) >= 0) {
        lo = hi;
    } else {
        for (int it = 0; it < 40; it++) {
            const double mid = (lo + hi) / 2;

            if (mt_cov(tm, &x, m, mid) > 0)
                lo = mid;
            else
                hi = mid;
        }
    }
    tm->switch_loss = (lo + hi) / 2;
    mt_cumulate(tm);
    free(x.v);
    free(m);
    return CS_OK;
}

/* Capacity and hand-off per team. */
static cs_status teams(cs_fit *f, const cs_tracker_map *m, visit *v)
{
    const cs_tracker_data *d = f->d;
    level_ev *ev = malloc((2 * d->nentries + 1) * sizeof *ev);
    dvec *hand = calloc(d->nteams + 1, sizeof *hand);
    double *at = NULL;
    size_t ne = 0;
    cs_status st = CS_OK;

    if (ev == NULL || hand == NULL) {
        st = CS_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < d->nitems; i++) {
        const cs_tracker_item *it = &d->items[i];
        const cs_tracker_entry *e = &d->entries[it->first];
        const size_t nv = visits_of(f, it, v);

        for (size_t k = 0; k < it->n; k++) {
            if (e[k].state != CS_TRACKER_WORK || e[k].team < 0)
                continue;
            ev[ne++] = (level_ev){e[k].t, e[k].team, 1};
            ev[ne++] = (level_ev){k + 1 < it->n ? e[k + 1].t : f->end,
                                  e[k].team, -1};
        }
        for (size_t k = 0; k < nv; k++)
            if (v[k].has_handoff && v[k].ended &&
                dpush(&hand[v[k].team], floor_res(f, v[k].handoff)) != 0)
                st = CS_ENOMEM;
    }
    qsort(ev, ne, sizeof *ev, cmp_ev);
    for (size_t t = 0; t < d->nteams; t++) {
        fteam *tm = &f->teams[t];

        tm->name = d->teams[t];
        for (size_t k = 0; k < m->npeople; k++)
            if (strcmp(m->people[k].team, tm->name) == 0)
                tm->people = m->people[k].people;
        fit_values(f, hand[t].v, hand[t].n, &tm->handoff);
    }
    for (size_t a = 0; a < ne;) {
        const int t = ev[a].team;
        fteam *tm = &f->teams[t];
        int level = 0, maxl = 0;
        size_t b = a, cap;
        double prev = ev[a].t, area = 0, over = 0;

        while (b < ne && ev[b].team == t)
            b++;
        cap = 2 * (b - a) + 2;
        free(at);
        if ((at = calloc(cap, sizeof *at)) == NULL) {
            st = CS_ENOMEM;
            goto out;
        }
        if (tm->people > 0 &&
            ((tm->lt = malloc((b - a) * sizeof *tm->lt)) == NULL ||
             (tm->lw = malloc((b - a) * sizeof *tm->lw)) == NULL ||
             (tm->ll = malloc((b - a) * sizeof *tm->ll)) == NULL)) {
            st = CS_ENOMEM;
            goto out;
        }
        for (size_t k = a; k < b; k++) {
            const double dt = ev[k].t - prev;

            if (level > 0 && (size_t)level < cap)
                at[level] += dt;
            area += dt * level;
            if (tm->people > 0 && level > tm->people)
                over += dt;
            prev = ev[k].t;
            level += ev[k].delta;
            if (level > maxl)
                maxl = level;
            if (tm->lt != NULL) {
                if (tm->nl > 0 && tm->lt[tm->nl - 1] == ev[k].t)
                    tm->nl--;
                tm->lt[tm->nl] = ev[k].t;
                tm->ll[tm->nl++] = level;
            }
        }
        tm->max_level = maxl;
        tm->mean_level = area / f->span;
        tm->over_share = over / f->span;
        tm->capacity = 1;
        for (size_t l = (size_t)maxl; l >= 1; l--)
            if (l < cap && at[l] >= 0.01 * f->span) {
                tm->capacity = (long)l;
                break;
            }
        a = b;
    }
    for (size_t t = 0; t < d->nteams; t++) {
        fteam *tm = &f->teams[t];

        if (tm->people <= 0)
            continue;
        if (tm->over_share >= MT_SHARE && !d->date_only) {
            tm->mt = 1;
            tm->mt_level = tm->capacity;
            tm->items_per_person = (tm->capacity + tm->people - 1) /
                                   tm->people;
            if (tm->items_per_person < 2)
                tm->items_per_person = 2;
            if ((st = mt_estimate(f, tm, (int)t)) != CS_OK)
                goto out;
        }
        tm->capacity = tm->people;
    }
out:
    for (size_t t = 0; hand && t < d->nteams; t++)
        free(hand[t].v);
    free(hand);
    free(ev);
    free(at);
    return st;
}

void cs_fit_free(cs_fit *f)
{
    if (f == NULL)
        return;
    for (size_t i = 0; f->cls != NULL && i < f->ncls; i++) {
        free(f->cls[i].steps);
        free(f->cls[i].start);
    }
    free(f->cls);
    for (size_t t = 0; f->teams != NULL && t < f->nteams; t++) {
        free(f->teams[t].lt);
        free(f->teams[t].lw);
        free(f->teams[t].ll);
    }
    free(f->teams);
    free(f);
}

cs_status cs_fit_run(const cs_tracker_data *d, const cs_tracker_map *m,
                     const char *source, cs_fit **out, cs_error *err)
{
    cs_fit *f = calloc(1, sizeof *f);
    visit *v = NULL;
    dvec tmp = {0};
    size_t maxn = 1, fitted = 0;
    cs_status st = CS_OK;

    *out = NULL;
    if (f == NULL)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    f->d = d;
    f->source = source;
    f->days_per_week = m->days_per_week;
    f->end = d->end;
    f->res = d->date_only ? MIN_RESOLUTION_DATE : MIN_RESOLUTION_TIME;
    f->t0 = HUGE_VAL;
    for (size_t i = 0; i < d->nitems; i++) {
        const cs_tracker_item *it = &d->items[i];

        if (it->n > maxn)
            maxn = it->n;
        if (it->n > 0 && d->entries[it->first].t < f->t0)
            f->t0 = d->entries[it->first].t;
        if (is_done(f, it)) {
            f->done++;
            if (dpush(&tmp, d->entries[it->first + it->n - 1].t -
                                d->entries[it->first].t) != 0)
                st = CS_ENOMEM;
        }
    }
    if (f->done == 0) {
        free(tmp.v);
        free(f);
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0,
                            "%s: no item is done: nothing to fit a route to",
                            source);
    }
    qsort(tmp.v, tmp.n, sizeof *tmp.v, cmp_double);
    f->lead_p85 = tmp.v[(size_t)ceil(0.85 * (double)tmp.n) - 1];
    f->span = f->end - f->t0 > 1 ? f->end - f->t0 : 1;
    f->ncls = d->nclasses;
    f->nteams = d->nteams;
    if (st != CS_OK ||
        (f->cls = calloc(d->nclasses + 1, sizeof *f->cls)) == NULL ||
        (f->teams = calloc(d->nteams + 1, sizeof *f->teams)) == NULL ||
        (v = malloc(maxn * sizeof *v)) == NULL) {
        st = CS_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < d->nitems; i++) {
        fclass *c = &f->cls[d->items[i].cls];

        c->items++;
        c->done += is_done(f, &d->items[i]);
    }
    st = teams(f, m, v);
    for (size_t ci = 0; ci < f->ncls && st == CS_OK; ci++) {
        fclass *c = &f->cls[ci];

        c->name = d->classes[ci];
        arrivals(f, c, ci, &tmp);
        if (c->done == 0) {
            warn(f, "class %s: no item done, left out", c->name);
            continue;
        }
        if ((st = route(f, c, ci, v)) == CS_OK && c->nsteps == 0) {
            warn(f, "class %s: its done items visit no team, left out",
                 c->name);
            c->skip = 1;
            continue;
        }
        if (st == CS_OK)
            st = starts(f, c, ci);
        fitted++;
        if (c->unplaced > 0)
            warn(f, "class %s: %ld open items at teams outside its route, "
                 "left out of start", c->name, c->unplaced);
        if (c->drift)
            warn(f, "class %s: the arrival rate drifts over the export "
                 "(%.3g/d in the first half, %.3g/d in the second)",
                 c->name, c->rate1, c->rate2);
    }
    for (size_t t = 0; st == CS_OK && t < f->nteams; t++) {
        const fteam *tm = &f->teams[t];

        if (!tm->used)
            continue;
        if (tm->mt)
            warn(f, "team %s: more items in work than its %ld people %.0f%% "
                 "of the time: multitasking, switch loss %.2f estimated from "
                 "%ld work entries", tm->name, tm->people,
                 100 * tm->over_share, tm->switch_loss, tm->mt_entries);
        else if (tm->people > 0 && tm->over_share > 0.01)
            warn(f, "team %s: more items in work than its %ld people %.0f%% "
                 "of the time: its efforts include that waiting", tm->name,
                 tm->people, 100 * tm->over_share);
    }
    {
        char names[160] = "";
        size_t len = 0;
        int n = 0;

        for (size_t t = 0; t < f->nteams; t++) {
            const fteam *tm = &f->teams[t];

            if (!tm->used || tm->people > 0)
                continue;
            if (len < sizeof names)
                len += (size_t)snprintf(names + len, sizeof names - len,
                                        "%s%s", n ? ", " : "", tm->name);
            n++;
        }
        if (n > 0)
            warn(f, "no people in the map for %s: capacity from the items in "
                 "work at once; if fewer people work on them, the efforts "
                 "include waiting (give people: in the map)", names);
    }
    if (d->warn.out_of_order)
        warn(f, "%ld items with stage dates out of workflow order (taken in "
             "time order)", d->warn.out_of_order);
    if (d->warn.reopened)
        warn(f, "%ld items re-opened after done (the last done counts)",
             d->warn.reopened);
    if (d->warn.no_dates)
        warn(f, "%ld items without any date, left out", d->warn.no_dates);
    if (st == CS_OK && fitted == 0) {
        free(v);
        free(tmp.v);
        cs_fit_free(f);
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0,
                            "%s: no done item went through a team: nothing "
                            "to fit a route to", source);
    }
out:
    free(v);
    free(tmp.v);
    if (st != CS_OK) {
        cs_fit_free(f);
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    *out = f;
    return CS_OK;
}

/* ---- output ----------------------------------------------------------- */

static void quality(const cs_fit_dist *d, char *buf, size_t size)
{
    if (d->family == CS_FIT_CONST || d->family == CS_FIT_NONE)
        snprintf(buf, size, "%zu values, mean %.3gd", d->n, d->mean);
    else
        snprintf(buf, size, "%zu values, mean %.3gd, %s by AIC, KS %.3f%s",
                 d->n, d->mean,
                 family_names[d->family == CS_FIT_EMPIRICAL
                              ? CS_FIT_LOGNORMAL : d->family],
                 d->ks, d->family == CS_FIT_EMPIRICAL
                        ? ": none fits, empirical" : "");
}

/* A work step's lines at indentation ind (its "- " included). */
static void write_work(const cs_fit *f, const fclass *c, const fstep *s,
                       const char *ind, FILE *out)
{
    char buf[2048], q[256];

    fprintf(out, "%s- team: %s\n", ind, f->teams[s->team].name);
    cs_fit_dist_format(&s->effort, buf, sizeof buf);
    quality(&s->effort, q, sizeof q);
    if (s->effort.family == CS_FIT_NONE)
        fprintf(out, "%s  effort: 0.01d   # no work time recorded at this "
                "team\n", ind);
    else
        fprintf(out, "%s  effort: \"%s\"   # %s\n", ind, buf, q);
    if (s->visits < c->done)
        fprintf(out, "%s  p: %.6g   # %ld of %ld done items, 95%% CI "
                "%.3f..%.3f\n", ind, s->p, s->visits, c->done, s->plo,
                s->phi);
}

static void write_step(const cs_fit *f, const fclass *c, const fstep *s,
                       FILE *out)
{
    char id[160];

    if (s->par == 2)
        return;
    if (s->par == 1) {
        step_id(f, c, s->team, id, sizeof id);
        fprintf(out, "      - id: %s   # %ld items worked here first, %ld "
                "there: parallel\n        parallel:\n", id, s->order_ab,
                s->order_ba);
        write_work(f, c, s, "          ", out);
        write_work(f, c, s + 1, "          ", out);
        return;
    }
    write_work(f, c, s, "      ", out);
    if (s->rework_to >= 0 && s->rwp < 0.999) {
        step_id(f, c, s->rework_to, id, sizeof id);
        fprintf(out, "        rework:   # %ld returns in %ld visits, 95%% CI "
                "%.3f..%.3f\n          p: %.6g\n          to: %s\n"
                "          effort: %.3g   # repeated work over first work, "
                "%ld repeats\n", s->rework_n, s->passes, s->rwlo, s->rwhi,
                s->rwp, id, s->factor > 0 ? s->factor : 1, s->nrepeat);
    }
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');

    return s != NULL ? s + 1 : path;
}

static int m_days(const cs_fit *f)
{
    return f->days_per_week;
}

void cs_fit_write_scenario(const cs_fit *f, FILE *out)
{
    const cs_tracker_data *d = f->d;
    char buf[2048], q[256];

    fprintf(out, "# Fitted by chainsim fit from %s: %zu items (%ld done), "
            "%.0f working days\n# up to the export's end.  Each value's "
            "comment says what it rests on.\n", f->source, d->nitems,
            f->done, f->span);
    if (d->date_only)
        fprintf(out, "# The export has dates only: a duration is whole working "
                "days, each taken as\n# a time within a day of it (the "
                "fits' likelihood is of that).\n");
    for (int i = 0; i < f->nwarn; i++)
        fprintf(out, "# warning: %s\n", f->warn[i]);
    fprintf(out, "chainsim: 1\nname: \"fitted from ");
    for (const char *p = base_name(f->source); *p; p++)
        if ((unsigned char)*p >= 0x20 && *p != '"' && *p != '\\')
            fputc(*p, out);
    fprintf(out, "\"\ntime: {days_per_week: %d}   # the stage map's calendar: "
            "durations are working days\n", m_days(f));
    fprintf(out, "horizon: 130d\nwarmup: 0                  # a forecast "
            "from the export's end\nreplications: 100\nseed: 1\n\nteams:\n");
    for (size_t t = 0; t < f->nteams; t++) {
        const fteam *tm = &f->teams[t];

        if (!tm->used)
            continue;
        fprintf(out, "  - name: %s\n    capacity: %ld", tm->name,
                tm->capacity);
        if (tm->people > 0)
            fprintf(out, "          # people in the stage map\n");
        else
            fprintf(out, "          # most items in work at once for 1%% of "
                    "the time (mean %.2f, max %d)\n", tm->mean_level,
                    tm->max_level);
        if (tm->handoff.family != CS_FIT_NONE) {
            cs_fit_dist_format(&tm->handoff, buf, sizeof buf);
            quality(&tm->handoff, q, sizeof q);
            fprintf(out, "    handoff: \"%s\"   # %s\n", buf, q);
        }
        if (tm->mt)
            fprintf(out, "    multitasking:           # items in work above "
                    "people %.0f%% of the time\n      items_per_person: %ld"
                    "     # most items in work at once for 1%% of the time: "
                    "%ld\n      switch_loss: %.3f        # under which the "
                    "work done does not grow with the load, %ld work "
                    "entries\n", 100 * tm->over_share, tm->items_per_person,
                    tm->mt_level, tm->switch_loss, tm->mt_entries);
    }
    fprintf(out, "\nwork:\n");
    for (size_t ci = 0; ci < f->ncls; ci++) {
        const fclass *c = &f->cls[ci];

        if (c->done == 0 || c->skip)
            continue;
        fprintf(out, "  - name: %s\n    arrivals:\n", c->name);
        if (c->renewal) {
            cs_fit_dist_format(&c->interval, buf, sizeof buf);
            quality(&c->interval, q, sizeof q);
            fprintf(out, "      interval: \"%s\"   # intervals' cv %.2f: "
                    "not Poisson; %s\n", buf, c->cv, q);
        } else {
            fprintf(out, "      rate: %.6g/d          # %ld arrivals in %.0f "
                    "days, 95%% CI %.4g..%.4g/d, intervals' cv %.2f\n",
                    c->rate, c->items, f->span, c->lo, c->hi, c->cv);
        }
        if (c->backlog > 0)
            fprintf(out, "    backlog: %ld             # open, not yet at a "
                    "team\n", c->backlog);
        if (c->nstart > 0) {
            fprintf(out, "    start:                  # open items at the "
                    "export's end, by team and age\n");
            for (size_t k = 0; k < c->nstart; k++) {
                step_id(f, c, c->start[k].team, buf, sizeof buf);
                fprintf(out, "      - {step: %s, count: %ld, age: %.0fd}\n",
                        buf, c->start[k].count, c->start[k].age);
            }
        }
        fprintf(out, "    steps:\n");
        for (size_t k = 0; k < c->nsteps; k++)
            write_step(f, c, &c->steps[k], out);
    }
    fprintf(out, "\npromise:\n  - name: as fast as the export's 85th "
            "percentile\n    within: %.4gd          # lead time of the %ld "
            "done items\n    percentile: 85\n", f->lead_p85 > 0 ? f->lead_p85
            : f->res, f->done);
}

static json_t *dist_json(const cs_fit_dist *d)
{
    char buf[2048];
    json_t *o = json_object();

    cs_fit_dist_format(d, buf, sizeof buf);
    json_object_set_new(o, "family", json_string(family_names[d->family]));
    json_object_set_new(o, "n", json_integer((json_int_t)d->n));
    json_object_set_new(o, "mean", json_real(d->mean));
    json_object_set_new(o, "fitted_mean", json_real(family_mean(d)));
    json_object_set_new(o, "sd", json_real(d->sd));
    json_object_set_new(o, "ks", json_real(d->ks));
    for (int k = 0; k < 3; k++)
        json_object_set_new(o, k == 0 ? "aic_lognormal" : k == 1
                            ? "aic_gamma" : "aic_weibull",
                            isfinite(d->aic[k]) ? json_real(d->aic[k])
                                                : json_null());
    json_object_set_new(o, "scenario", json_string(buf));
    return o;
}

static json_t *report_json(const cs_fit *f)
{
    json_t *o = json_object(), *cls = json_object(), *tms = json_object();
    json_t *w = json_array();

    json_object_set_new(o, "source", json_string(f->source));
    json_object_set_new(o, "items", json_integer((json_int_t)f->d->nitems));
    json_object_set_new(o, "done", json_integer(f->done));
    json_object_set_new(o, "span_days", json_real(f->span));
    json_object_set_new(o, "lead_time_p85", json_real(f->lead_p85));
    for (size_t t = 0; t < f->nteams; t++) {
        const fteam *tm = &f->teams[t];
        json_t *x;

        if (!tm->used)
            continue;
        x = json_object();
        json_object_set_new(x, "capacity", json_integer(tm->capacity));
        json_object_set_new(x, "capacity_from",
                            json_string(tm->people > 0 ? "people"
                                                       : "items in work"));
        json_object_set_new(x, "max_in_work", json_integer(tm->max_level));
        json_object_set_new(x, "people", tm->people > 0
                            ? json_integer(tm->people) : json_null());
        json_object_set_new(x, "above_people_share",
                            json_real(tm->over_share));
        json_object_set_new(x, "multitasking", tm->mt ? json_pack(
            "{s:I,s:f,s:I}", "items_per_person",
            (json_int_t)tm->items_per_person, "switch_loss", tm->switch_loss,
            "entries", (json_int_t)tm->mt_entries) : json_null());
        json_object_set_new(x, "mean_in_work", json_real(tm->mean_level));
        json_object_set_new(x, "handoff", tm->handoff.family == CS_FIT_NONE
                            ? json_null() : dist_json(&tm->handoff));
        json_object_set_new(tms, tm->name, x);
    }
    for (size_t ci = 0; ci < f->ncls; ci++) {
        const fclass *c = &f->cls[ci];
        json_t *x = json_object(), *a = json_object(), *steps = json_array();

        json_object_set_new(a, "rate", json_real(c->rate));
        json_object_set_new(a, "rate_ci95", json_pack("[f,f]", c->lo, c->hi));
        json_object_set_new(a, "interval_cv", json_real(c->cv));
        json_object_set_new(a, "renewal", json_boolean(c->renewal));
        json_object_set_new(a, "interval", c->renewal
                            ? dist_json(&c->interval) : json_null());
        json_object_set_new(a, "drift", json_boolean(c->drift));
        json_object_set_new(x, "items", json_integer(c->items));
        json_object_set_new(x, "done", json_integer(c->done));
        json_object_set_new(x, "arrivals", a);
        for (size_t k = 0; k < c->nsteps; k++) {
            const fstep *s = &c->steps[k];
            json_t *y = json_object();

            json_object_set_new(y, "team",
                                json_string(f->teams[s->team].name));
            json_object_set_new(y, "p", json_real(s->p));
            json_object_set_new(y, "p_ci95", json_pack("[f,f]", s->plo,
                                                       s->phi));
            json_object_set_new(y, "effort", dist_json(&s->effort));
            json_object_set_new(y, "parallel_with", s->par == 0
                                ? json_null() : json_string(
                                    f->teams[s[s->par == 1 ? 1 : -1].team]
                                        .name));
            if (s->rework_to >= 0) {
                json_object_set_new(y, "rework", json_pack(
                    "{s:f,s:[f,f],s:s,s:f,s:I}", "p", s->rwp, "p_ci95",
                    s->rwlo, s->rwhi, "to", f->teams[s->rework_to].name,
                    "effort", s->factor, "returns", (json_int_t)s->rework_n));
            } else {
                json_object_set_new(y, "rework", json_null());
            }
            json_array_append_new(steps, y);
        }
        json_object_set_new(x, "steps", steps);
        {
            long n = 0;

            for (size_t k = 0; k < c->nstart; k++)
                n += c->start[k].count;
            json_object_set_new(x, "start_items", json_integer(n));
            json_object_set_new(x, "backlog", json_integer(c->backlog));
        }
        json_object_set_new(cls, c->name, x);
    }
    for (int i = 0; i < f->nwarn; i++)
        json_array_append_new(w, json_string(f->warn[i]));
    json_object_set_new(o, "teams", tms);
    json_object_set_new(o, "classes", cls);
    json_object_set_new(o, "warnings", w);
    return o;
}

cs_status cs_fit_write_report(const cs_fit *f, FILE *out, int json,
                              cs_error *err)
{
    if (json) {
        json_t *o = report_json(f);
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
    fprintf(out, "fit of %s: %zu items, %ld done, %.0f working days\n\n",
            f->source, f->d->nitems, f->done, f->span);
    fprintf(out, "%-16s %8s %8s %8s  %s\n", "team", "capacity", "in work",
            "max", "from");
    for (size_t t = 0; t < f->nteams; t++) {
        const fteam *tm = &f->teams[t];

        if (tm->used && tm->mt)
            fprintf(out, "%-16s %8ld %8.2f %8d  people; multitasking, %ld "
                    "items a person, switch loss %.2f\n", tm->name,
                    tm->capacity, tm->mean_level, tm->max_level,
                    tm->items_per_person, tm->switch_loss);
        else if (tm->used)
            fprintf(out, "%-16s %8ld %8.2f %8d  %s\n", tm->name, tm->capacity,
                    tm->mean_level, tm->max_level,
                    tm->people > 0 ? "people" : "items in work");
    }
    for (size_t ci = 0; ci < f->ncls; ci++) {
        const fclass *c = &f->cls[ci];

        if (c->done == 0 || c->skip)
            continue;
        fprintf(out, "\nclass %s: %ld items, %ld done; arrivals %.4g/d "
                "(95%% CI %.4g..%.4g), intervals' cv %.2f%s\n", c->name,
                c->items, c->done, c->rate, c->lo, c->hi, c->cv,
                c->renewal ? " (renewal)" : "");
        fprintf(out, "  %-16s %6s %5s %9s %9s %-10s %6s  %s\n", "step", "n",
                "p", "mean", "fitted", "family", "KS", "rework");
        for (size_t k = 0; k < c->nsteps; k++) {
            const fstep *s = &c->steps[k];
            char rw[128] = "";

            if (s->rework_to >= 0)
                snprintf(rw, sizeof rw, "%.3f to %s, x%.2g", s->rwp,
                         f->teams[s->rework_to].name, s->factor);
            else if (s->par)
                snprintf(rw, sizeof rw, "parallel with %s",
                         f->teams[s[s->par == 1 ? 1 : -1].team].name);
            fprintf(out, "  %-16s %6zu %5.3f %8.3gd %8.3gd %-10s %6.3f  %s\n",
                    f->teams[s->team].name, s->effort.n, s->p, s->effort.mean,
                    family_mean(&s->effort), family_names[s->effort.family],
                    s->effort.ks, rw);
        }
    }
    for (int i = 0; i < f->nwarn; i++)
        fprintf(out, "\nwarning: %s", f->warn[i]);
    if (f->nwarn)
        fprintf(out, "\n");
    return CS_OK;
}
