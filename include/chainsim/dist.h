/*
** dist.h - probability distributions of durations (in days), sampled with
** GSL.  Knows nothing of YAML, teams, units or the simulation: distparse.h
** builds them from text.
*/
#ifndef CHAINSIM_DIST_H
#define CHAINSIM_DIST_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "chainsim/error.h"

typedef enum cs_dist_kind {
    CS_DIST_CONST = 0,     /* p[0] = value */
    CS_DIST_UNIFORM,       /* p[0] = a, p[1] = b */
    CS_DIST_TRIANGULAR,    /* p[0] = min, p[1] = mode, p[2] = max */
    CS_DIST_PERT,          /* p[0] = min, p[1] = mode, p[2] = max; beta-PERT, lambda 4:
                              p[3] = alpha, p[4] = beta */
    CS_DIST_EXPONENTIAL,   /* p[0] = mean */
    CS_DIST_GAMMA,         /* p[0] = shape, p[1] = scale */
    CS_DIST_LOGNORMAL,     /* p[0] = mu, p[1] = sigma (of the underlying normal) */
    CS_DIST_WEIBULL,       /* p[0] = shape, p[1] = scale */
    CS_DIST_EMPIRICAL      /* values[0..n) resampled uniformly */
} cs_dist_kind;

/*
** A distribution of non-negative durations.  A plain record; values is
** owned (only for CS_DIST_EMPIRICAL) and released by cs_dist_fini.
*/
typedef struct cs_dist {
    cs_dist_kind kind;
    double p[5];
    double *values;
    size_t nvalues;
} cs_dist;

/* A constant distribution.  Cannot fail. */
cs_dist cs_dist_const(double value);

/*
** Draws one value (>= 0) from d using r.  Cannot fail.  Negative draws
** (impossible for valid parameters) are clamped to 0.
*/
double cs_dist_sample(const cs_dist *d, gsl_rng *r);

/* Mean and variance of d.  Cannot fail. */
double cs_dist_mean(const cs_dist *d);
double cs_dist_variance(const cs_dist *d);

/* Deep copy: dst owns its own values.  Returns CS_OK or CS_ENOMEM. */
cs_status cs_dist_copy(cs_dist *dst, const cs_dist *src);

/* Releases what d owns and makes it const(0).  NULL is allowed. */
void cs_dist_fini(cs_dist *d);

/*
** Writes a normalised description of d ("gamma(shape=4, scale=1)",
** "const(3d)", "empirical(12 values, mean 2.5d)") into buf.  Cannot fail.
*/
void cs_dist_describe(const cs_dist *d, char *buf, size_t size);

#endif /* CHAINSIM_DIST_H */
