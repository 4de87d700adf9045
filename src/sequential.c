/*
** sequential.c - the precision rule and KN (sequential.h).
**
** The precision rule is checked replication by replication: running sums
** (Welford) find the candidates fast, and the exact half-width of the
** summaries (cs_stats_ci_mean, through GSL) decides, so the first n
** found is the first n at which the output's half-widths meet the
** target.  The screen is loose by a relative 1e-9, far more than the two
** ways of summing can differ, so no n is missed.
**
** KN keeps running sums of each system's values in replication order, so
** a stage's means are the same whatever the rounds the values came in.
** Two systems whose first-stage differences are all zero (S2 = 0) and
** whose means are still equal are the same system as far as KN can tell
** (a variant that changes nothing, under common random numbers): W is 0
** for them at every stage, so neither would ever fall; the later one is
** eliminated as a duplicate of the earlier.
*/
#include "chainsim/sequential.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "chainsim/stats.h"

#define LEVEL 0.95
#define SCREEN_SLACK 1e-9

double cs_sequential_relative(double gamma)
{
    return gamma / (1.0 + gamma);
}

static double tq(size_t n)
{
    return n >= 2 ? gsl_cdf_tdist_Pinv((1.0 + LEVEL) / 2.0, (double)(n - 1))
                  : INFINITY;
}

/* The mean of the finite values of x[0..n) (0 when none). */
static double finite_mean(const double *x, size_t n)
{
    return cs_stats_ci_mean(x, n, LEVEL).mean;
}

cs_sequential_check cs_sequential_check_at(const cs_sequential_series *s,
                                           size_t n, double precision,
                                           int relative)
{
    cs_sequential_check c;
    const cs_ci ci = s->base != NULL
                         ? cs_stats_ci_paired(s->x, s->base, n, LEVEL)
                         : cs_stats_ci_mean(s->x, n, LEVEL);

    c.half_width = cs_stats_ci_halfwidth(ci.sd, ci.n, LEVEL);
    if (relative)
        c.target = cs_sequential_relative(precision) *
                   fabs(s->base != NULL ? finite_mean(s->base, n) : ci.mean);
    else
        c.target = precision;
    c.met = ci.n >= 2 && c.half_width <= c.target;
    return c;
}

/* Running sums of one series: its finite values, and for a relative
** target those of the reference (the series, or the baseline). */
typedef struct run {
    size_t n;
    double mean, m2;
    size_t rn;
    double rmean;
} run;

static void run_add(run *a, const cs_sequential_series *s, size_t i)
{
    const double x = s->x[i];
    const double b = s->base != NULL ? s->base[i] : 0.0;
    const double ref = s->base != NULL ? b : x;

    if (isfinite(x) && isfinite(b)) {
        const double d = x - b, delta = d - a->mean;
        a->n++;
        a->mean += delta / (double)a->n;
        a->m2 += delta * (d - a->mean);
    }
    if (isfinite(ref)) {
        a->rn++;
        a->rmean += (ref - a->rmean) / (double)a->rn;
    }
}

/* The screen: possibly met (never 0 where the exact check says met). */
static int run_maybe(const run *a, double precision, int relative)
{
    double hw, target;

    if (a->n < 2)
        return 0;
    hw = a->m2 > 0 ? tq(a->n) * sqrt(a->m2 / (double)(a->n - 1)) /
                         sqrt((double)a->n)
                   : 0.0;
    target = relative ? cs_sequential_relative(precision) * fabs(a->rmean)
                      : precision;
    return hw <= target * (1.0 + SCREEN_SLACK) + SCREEN_SLACK * fabs(a->mean);
}

size_t cs_sequential_first_met(const cs_sequential_series *s, size_t ns,
                               size_t lo, size_t hi, double precision,
                               int relative)
{
    run *a = calloc(ns + 1, sizeof *a);
    size_t found = 0;

    if (lo < 1)
        lo = 1;
    for (size_t i = 0; i < hi && found == 0; i++) {
        int maybe = 1;
        for (size_t k = 0; k < ns; k++) {
            if (a != NULL)
                run_add(&a[k], &s[k], i);
            if (i + 1 >= lo && maybe && a != NULL)
                maybe = run_maybe(&a[k], precision, relative);
        }
        if (i + 1 < lo || !maybe)
            continue;
        /* confirm (out of memory: every n is checked exactly) */
        maybe = 1;
        for (size_t k = 0; k < ns && maybe; k++)
            maybe = cs_sequential_check_at(&s[k], i + 1, precision,
                                           relative).met;
        if (maybe)
            found = i + 1;
    }
    free(a);
    return found;
}

size_t cs_sequential_need(const cs_sequential_series *s, size_t n,
                          double precision, int relative, size_t most)
{
    const cs_sequential_check c = cs_sequential_check_at(s, n, precision,
                                                         relative);
    const cs_ci ci = s->base != NULL ? cs_stats_ci_paired(s->x, s->base, n,
                                                          LEVEL)
                                     : cs_stats_ci_mean(s->x, n, LEVEL);
    double i = (double)n;

    if (c.met)
        return n;
    if (!(c.target > 0) || ci.n < 2)
        return most;
    /* i = (t(i-1) sd / target)^2, iterated from n (t falls as i grows) */
    for (int k = 0; k < 8; k++) {
        const double r = tq((size_t)i) * ci.sd / c.target;
        double next = ceil(r * r);
        if (next < (double)n)
            next = (double)n;
        if (next >= (double)most)
            return most;
        if (next == i)
            break;
        i = next;
    }
    return i < (double)n ? n : (size_t)i;
}

/* ---- KN ------------------------------------------------------------- */

struct cs_sequential_kn {
    int k;
    unsigned n0, last;
    double delta, alpha, eta, h2;
    double *s2;              /* [k * k] variances of the differences */
    double *sum;             /* [k] sum of the first `last` values */
    unsigned *out_at;        /* [k] 0: still in */
    int *out_by;             /* [k] */
};

double cs_sequential_kn_eta(int k, unsigned n0, double alpha)
{
    return 0.5 * (pow(2.0 * alpha / (double)(k - 1),
                      -2.0 / (double)(n0 - 1)) - 1.0);
}

cs_sequential_kn *cs_sequential_kn_new(int k, unsigned n0, double delta,
                                       double alpha)
{
    cs_sequential_kn *kn = calloc(1, sizeof *kn);

    if (kn == NULL)
        return NULL;
    kn->k = k;
    kn->n0 = n0;
    kn->delta = delta;
    kn->alpha = alpha;
    kn->eta = cs_sequential_kn_eta(k, n0, alpha);
    kn->h2 = 2.0 * kn->eta * (double)(n0 - 1);
    kn->s2 = calloc((size_t)k * (size_t)k + 1, sizeof *kn->s2);
    kn->sum = calloc((size_t)k + 1, sizeof *kn->sum);
    kn->out_at = calloc((size_t)k + 1, sizeof *kn->out_at);
    kn->out_by = calloc((size_t)k + 1, sizeof *kn->out_by);
    if (kn->s2 == NULL || kn->sum == NULL || kn->out_at == NULL ||
        kn->out_by == NULL) {
        cs_sequential_kn_free(kn);
        return NULL;
    }
    for (int i = 0; i < k; i++)
        kn->out_by[i] = -1;
    return kn;
}

void cs_sequential_kn_free(cs_sequential_kn *kn)
{
    if (kn == NULL)
        return;
    free(kn->s2);
    free(kn->sum);
    free(kn->out_at);
    free(kn->out_by);
    free(kn);
}

/* S2_il over the first stage. */
static void kn_variances(cs_sequential_kn *kn, const double *const *x)
{
    const unsigned n0 = kn->n0;

    for (int i = 0; i < kn->k; i++)
        for (int l = i + 1; l < kn->k; l++) {
            double mean = 0, ss = 0;
            for (unsigned j = 0; j < n0; j++)
                mean += x[i][j] - x[l][j];
            mean /= n0;
            for (unsigned j = 0; j < n0; j++) {
                const double d = x[i][j] - x[l][j] - mean;
                ss += d * d;
            }
            kn->s2[i * kn->k + l] = kn->s2[l * kn->k + i] = ss / (n0 - 1);
        }
}

static double kn_w(const cs_sequential_kn *kn, int i, int l, unsigned r)
{
    const double s2 = kn->s2[i * kn->k + l];
    const double w = kn->delta / (2.0 * r) *
                     (kn->h2 * s2 / (kn->delta * kn->delta) - (double)r);

    return w > 0 ? w : 0.0;
}

int cs_sequential_kn_stage(cs_sequential_kn *kn, unsigned r,
                           const double *const *x)
{
    const int k = kn->k;
    unsigned char *fall = calloc((size_t)k + 1, 1);
    int left = 0;

    if (kn->last == 0) {
        kn_variances(kn, x);
        for (int i = 0; i < k; i++)
            for (unsigned j = 0; j + 1 < r; j++)
                kn->sum[i] += x[i][j];
    }
    for (int i = 0; i < k; i++)
        if (kn->out_at[i] == 0)
            kn->sum[i] += x[i][r - 1];
    kn->last = r;
    for (int i = 0; i < k; i++) {
        if (kn->out_at[i] != 0)
            continue;
        /* named after the best survivor it falls short of */
        for (int l = 0; l < k; l++) {
            if (l == i || kn->out_at[l] != 0)
                continue;
            const double mi = kn->sum[i] / r, ml = kn->sum[l] / r;
            const int dup = kn->s2[i * k + l] == 0 && mi == ml && l < i;
            if ((mi < ml - kn_w(kn, i, l, r) || dup) &&
                (kn->out_by[i] < 0 || ml > kn->sum[kn->out_by[i]] / r)) {
                if (fall != NULL)
                    fall[i] = 1;
                kn->out_by[i] = l;
            }
        }
    }
    /* eliminations at r all judged against the survivors of r - 1 */
    for (int i = 0; i < k; i++) {
        if (kn->out_at[i] != 0)
            continue;
        if (fall != NULL ? fall[i] : kn->out_by[i] >= 0)
            kn->out_at[i] = r;
        else
            left++;
    }
    free(fall);
    return left;
}

int cs_sequential_kn_alive(const cs_sequential_kn *kn, int i)
{
    return kn->out_at[i] == 0;
}

unsigned cs_sequential_kn_out_at(const cs_sequential_kn *kn, int i)
{
    return kn->out_at[i];
}

int cs_sequential_kn_out_by(const cs_sequential_kn *kn, int i)
{
    return kn->out_at[i] != 0 ? kn->out_by[i] : -1;
}

int cs_sequential_kn_best(const cs_sequential_kn *kn)
{
    int best = -1;

    for (int i = 0; i < kn->k; i++)
        if (kn->out_at[i] == 0 &&
            (best < 0 || kn->sum[i] > kn->sum[best]))
            best = i;
    return best;
}

unsigned cs_sequential_kn_last(const cs_sequential_kn *kn)
{
    return kn->last;
}

double cs_sequential_kn_h2(const cs_sequential_kn *kn)
{
    return kn->h2;
}
