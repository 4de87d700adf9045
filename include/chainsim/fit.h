/*
** fit.h - a scenario fitted to a tracker export (tracker.h): per class the
** arrivals, the route, step and rework probabilities and the start items;
** per team and class the effort; per team the hand-off and the capacity.
**
** Durations are working days.  Efforts and hand-offs are fitted by
** maximum likelihood to lognormal, gamma and Weibull; the lowest AIC
** wins; its Kolmogorov-Smirnov distance is reported, and when it exceeds
** the 1% critical value 1.63/sqrt(n) (n >= 20) the empirical distribution
** (its percentiles) is written instead.  The decisions are documented in
** docs/calibration.md.
*/
#ifndef CHAINSIM_FIT_H
#define CHAINSIM_FIT_H

#include <stddef.h>
#include <stdio.h>

#include "chainsim/error.h"
#include "chainsim/tracker.h"

typedef enum cs_fit_family {
    CS_FIT_LOGNORMAL = 0, CS_FIT_GAMMA, CS_FIT_WEIBULL, CS_FIT_EMPIRICAL,
    CS_FIT_CONST, CS_FIT_NONE
} cs_fit_family;

#define CS_FIT_QUANTILES 50   /* values an empirical fallback keeps */

/* A distribution fitted to n positive values. */
typedef struct cs_fit_dist {
    cs_fit_family family;
    size_t n;
    double p1, p2;           /* lognormal mu, sigma; gamma shape, scale;
                                Weibull shape, scale; const value */
    double mean, sd;         /* the sample's */
    double aic[3];           /* per parametric family (HUGE_VAL: failed) */
    double ks;               /* of the family chosen (parametric best) */
    double q[CS_FIT_QUANTILES];   /* empirical: percentiles */
} cs_fit_dist;

typedef struct cs_fit cs_fit;

/*
** Fits x[0..n) (positive; the order is changed).  Cannot fail: n == 0 gives
** CS_FIT_NONE, n == 1 or all equal a constant.
*/
void cs_fit_dist_mle(double *x, size_t n, cs_fit_dist *out);

/* As cs_fit_dist_mle for whole working days from a date-only export (x
** rounded; zeros allowed): each value stands for a duration within a day
** of it (see fit.c), the likelihood is of that. */
void cs_fit_dist_mle_days(double *x, size_t n, cs_fit_dist *out);

/* The distribution in scenario syntax ("gamma(shape=2.1, scale=1.3d)"). */
void cs_fit_dist_format(const cs_fit_dist *d, char *buf, size_t size);

/* The family's name ("lognormal", ..., "none"). */
const char *cs_fit_family_name(cs_fit_family f);

/* Fits a scenario to d (read with map m; both borrowed while *out lives).
** Errors: CS_EINPUT when nothing can be fitted (no item done), CS_ENOMEM. */
cs_status cs_fit_run(const cs_tracker_data *d, const cs_tracker_map *m,
                     const char *source, cs_fit **out, cs_error *err);
void cs_fit_free(cs_fit *f);

/* The scenario YAML, each value with its provenance in a comment. */
void cs_fit_write_scenario(const cs_fit *f, FILE *out);

/* The fit report: a table, or JSON when json is 1.  CS_ENOMEM only. */
cs_status cs_fit_write_report(const cs_fit *f, FILE *out, int json,
                              cs_error *err);

#endif /* CHAINSIM_FIT_H */
