/*
** dist.c - distributions of durations: plain records sampled with GSL,
** their moments, copies and descriptions.
**
** A cs_dist's parameters are those of the sampler (gamma keeps shape and
** scale even when given mean and cv), so cs_dist_sample is a switch with
** no allocation and no conversion.  Building one from text is distparse.c's
** work.
*/
#include "chainsim/dist.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>

#include "chainsim/str.h"

cs_dist cs_dist_const(double value)
{
    cs_dist d;

    d.kind = CS_DIST_CONST;
    d.p[0] = value;
    d.p[1] = d.p[2] = d.p[3] = d.p[4] = 0.0;
    d.values = NULL;
    d.nvalues = 0;
    return d;
}

static double triangular_sample(const double *p, double u)
{
    const double lo = p[0], mode = p[1], hi = p[2], w = hi - lo;

    if (u * w < mode - lo)
        return lo + sqrt(u * w * (mode - lo));
    return hi - sqrt((1.0 - u) * w * (hi - mode));
}

double cs_dist_sample(const cs_dist *d, gsl_rng *r)
{
    double x;

    switch (d->kind) {
    case CS_DIST_CONST:
        x = d->p[0];
        break;
    case CS_DIST_UNIFORM:
        x = d->p[0] + (d->p[1] - d->p[0]) * gsl_rng_uniform(r);
        break;
    case CS_DIST_TRIANGULAR:
        x = triangular_sample(d->p, gsl_rng_uniform(r));
        break;
    case CS_DIST_PERT:
        x = d->p[0] + (d->p[2] - d->p[0]) * gsl_ran_beta(r, d->p[3], d->p[4]);
        break;
    case CS_DIST_EXPONENTIAL:
        x = gsl_ran_exponential(r, d->p[0]);
        break;
    case CS_DIST_GAMMA:
        x = gsl_ran_gamma(r, d->p[0], d->p[1]);
        break;
    case CS_DIST_LOGNORMAL:
        x = gsl_ran_lognormal(r, d->p[0], d->p[1]);
        break;
    case CS_DIST_WEIBULL:
        /* GSL's order is (scale, shape). */
        x = gsl_ran_weibull(r, d->p[1], d->p[0]);
        break;
    case CS_DIST_EMPIRICAL:
        x = d->values[gsl_rng_uniform_int(r, d->nvalues)];
        break;
    default:
        x = 0.0;
        break;
    }
    return x > 0.0 ? x : 0.0;
}

/*
** log Gamma(x) for x >= 1.  Weibull moments go through logs because Gamma
** itself overflows for small shapes, and GSL reports an overflow through
** its error handler, which aborts unless main turned it off.
*/
static double ln_gamma(double x)
{
    return x < 1e15 ? gsl_sf_lngamma(x) : INFINITY;
}

/*
** ln Gamma(1 + 2x) - 2 ln Gamma(1 + x) for x = 1/shape.  For small x both
** logs are close to -0.577x and their difference, about 1.645x^2, drowns
** in rounding (1 + x itself loses x's low digits), so it is summed from
** the series ln Gamma(1+x) = -gamma x + sum_n (-1)^n zeta(n) x^n / n,
** whose linear terms cancel: the coefficients are
** (-1)^n zeta(n) (2^n - 2) / n.  Through x^8 the truncation error is
** below 4e-13 relative at x = 0.01.
*/
static double weibull_log_ratio(double shape)
{
    const double x = 1.0 / shape;

    if (x >= 0.01)
        return ln_gamma(1.0 + 2.0 * x) - 2.0 * ln_gamma(1.0 + x);
    return x * x *
           (1.6449340668482264 +
            x * (-2.4041138063191886 +
                 x * (3.7881313179889837 +
                      x * (-6.2215665308602196 +
                           x * (10.512544973839308 +
                                x * (-18.150286992874611 +
                                     x * 31.879456059284733))))));
}

static double empirical_mean(const cs_dist *d)
{
    double sum = 0.0;

    for (size_t i = 0; i < d->nvalues; i++)
        sum += d->values[i];
    return d->nvalues > 0 ? sum / (double)d->nvalues : 0.0;
}

double cs_dist_mean(const cs_dist *d)
{
    const double *p = d->p;

    switch (d->kind) {
    case CS_DIST_CONST:
        return p[0];
    case CS_DIST_UNIFORM:
        return 0.5 * (p[0] + p[1]);
    case CS_DIST_TRIANGULAR:
        return (p[0] + p[1] + p[2]) / 3.0;
    case CS_DIST_PERT:
        return p[0] + (p[2] - p[0]) * p[3] / (p[3] + p[4]);
    case CS_DIST_EXPONENTIAL:
        return p[0];
    case CS_DIST_GAMMA:
        return p[0] * p[1];
    case CS_DIST_LOGNORMAL:
        return exp(p[0] + 0.5 * p[1] * p[1]);
    case CS_DIST_WEIBULL:
        return p[1] * exp(ln_gamma(1.0 + 1.0 / p[0]));
    case CS_DIST_EMPIRICAL:
        return empirical_mean(d);
    }
    return 0.0;
}

/* The variance of the values themselves (divisor n): resampling draws
** from exactly this distribution. */
static double empirical_variance(const cs_dist *d)
{
    const double m = empirical_mean(d);
    double ss = 0.0;

    for (size_t i = 0; i < d->nvalues; i++)
        ss += (d->values[i] - m) * (d->values[i] - m);
    return d->nvalues > 0 ? ss / (double)d->nvalues : 0.0;
}

double cs_dist_variance(const cs_dist *d)
{
    const double *p = d->p;

    switch (d->kind) {
    case CS_DIST_CONST:
        return 0.0;
    case CS_DIST_UNIFORM:
        return (p[1] - p[0]) * (p[1] - p[0]) / 12.0;
    case CS_DIST_TRIANGULAR:
        /* (a^2 + b^2 + c^2 - ab - ac - bc) / 18, in a form that cannot
        ** round below zero. */
        return ((p[0] - p[1]) * (p[0] - p[1]) + (p[0] - p[2]) * (p[0] - p[2]) +
                (p[1] - p[2]) * (p[1] - p[2])) / 36.0;
    case CS_DIST_PERT: {
        const double w = p[2] - p[0], ab = p[3] + p[4];
        return w * w * p[3] * p[4] / (ab * ab * (ab + 1.0));
    }
    case CS_DIST_EXPONENTIAL:
        return p[0] * p[0];
    case CS_DIST_GAMMA:
        return p[0] * p[1] * p[1];
    case CS_DIST_LOGNORMAL: {
        const double s2 = p[1] * p[1];
        return expm1(s2) * exp(2.0 * p[0] + s2);
    }
    case CS_DIST_WEIBULL: {
        /* scale^2 (G2 - G1^2) = scale^2 G1^2 (G2 / G1^2 - 1) */
        const double l1 = ln_gamma(1.0 + 1.0 / p[0]);
        return p[1] * p[1] * exp(2.0 * l1) * expm1(weibull_log_ratio(p[0]));
    }
    case CS_DIST_EMPIRICAL:
        return empirical_variance(d);
    }
    return 0.0;
}

cs_status cs_dist_copy(cs_dist *dst, const cs_dist *src)
{
    if (dst == src)
        return CS_OK;
    *dst = *src;
    dst->values = NULL;
    if (src->kind != CS_DIST_EMPIRICAL || src->nvalues == 0)
        return CS_OK;
    dst->values = malloc(src->nvalues * sizeof *dst->values);
    if (dst->values == NULL) {
        *dst = cs_dist_const(0.0);
        return CS_ENOMEM;
    }
    memcpy(dst->values, src->values, src->nvalues * sizeof *dst->values);
    return CS_OK;
}

void cs_dist_fini(cs_dist *d)
{
    if (d == NULL)
        return;
    free(d->values);
    *d = cs_dist_const(0.0);
}

void cs_dist_describe(const cs_dist *d, char *buf, size_t size)
{
    const double *p = d->p;

    if (buf == NULL || size == 0)
        return;
    switch (d->kind) {
    case CS_DIST_CONST:
        cs_str_format(buf, size, "const(%gd)", p[0]);
        break;
    case CS_DIST_UNIFORM:
        cs_str_format(buf, size, "uniform(%gd, %gd)", p[0], p[1]);
        break;
    case CS_DIST_TRIANGULAR:
        cs_str_format(buf, size, "triangular(%gd, %gd, %gd)", p[0], p[1], p[2]);
        break;
    case CS_DIST_PERT:
        cs_str_format(buf, size, "pert(%gd, %gd, %gd)", p[0], p[1], p[2]);
        break;
    case CS_DIST_EXPONENTIAL:
        cs_str_format(buf, size, "exponential(mean=%gd)", p[0]);
        break;
    case CS_DIST_GAMMA:
        cs_str_format(buf, size, "gamma(shape=%g, scale=%gd)", p[0], p[1]);
        break;
    case CS_DIST_LOGNORMAL:
        /* mean and sd read better than mu and sigma of the log. */
        cs_str_format(buf, size, "lognormal(mean=%gd, sd=%gd)", cs_dist_mean(d),
                      sqrt(cs_dist_variance(d)));
        break;
    case CS_DIST_WEIBULL:
        cs_str_format(buf, size, "weibull(shape=%g, scale=%gd)", p[0], p[1]);
        break;
    case CS_DIST_EMPIRICAL:
        cs_str_format(buf, size, "empirical(%zu value%s, mean %gd)", d->nvalues,
                      d->nvalues == 1 ? "" : "s", cs_dist_mean(d));
        break;
    default:
        cs_str_format(buf, size, "unknown");
        break;
    }
}
