/*
** dist.h - durations, rates and probability distributions of durations,
** sampled with GSL.  Knows nothing of YAML, teams or the simulation: the
** scenario module hands it strings and attaches positions to its errors.
**
** All times are in days.  The units "h" and "w" are read through a
** cs_units (hours per working day, days per week).
*/
#ifndef CHAINSIM_DIST_H
#define CHAINSIM_DIST_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "chainsim/error.h"

typedef struct cs_units {
    double hours_per_day;   /* default 8 */
    double days_per_week;   /* default 5 */
} cs_units;

/* The default units: 8 hours a day, 5 days a week. */
cs_units cs_units_default(void);

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

/*
** Parses a duration: a number of days ("3", "2.5") or a number with a unit
** ("4h", "2.5d", "2w").  Negative, NaN, infinite, empty or trailing garbage
** is an error: CS_EINPUT with a message in msg (no position: the caller
** knows where the string came from).
*/
cs_status cs_duration_parse(const char *s, const cs_units *u, double *days,
                            char *msg, size_t msgsize);

/*
** Parses a rate "N/UNIT" or "N/Kunit" ("3/w", "0.5/d", "12/4w", "2/8h") into
** events per day.  N must be > 0 and finite; K > 0.
*/
cs_status cs_rate_parse(const char *s, const cs_units *u, double *per_day,
                        char *msg, size_t msgsize);

/*
** Parses a number (no unit), finite.  For probabilities and factors.
*/
cs_status cs_number_parse(const char *s, double *out, char *msg,
                          size_t msgsize);

/* One argument of a distribution: key is NULL for a positional one. */
typedef struct cs_dist_arg {
    const char *key;
    const char *value;
} cs_dist_arg;

/*
** Builds a distribution from its name and arguments, the common ground of
** the string form "gamma(mean=4d, cv=0.5)" and the mapping form
** {dist: gamma, mean: 4d, cv: 0.5}.  Names and arguments are SPEC 1.2's:
**   const(x) | uniform(a, b) | triangular(min, mode, max) |
**   pert(min, mode, max) | exponential(mean) |
**   gamma(mean=, cv=) | gamma(shape=, scale=) |
**   lognormal(mean=, sd=) | lognormal(median=, p90=) |
**   weibull(shape=, scale=) | empirical(file=PATH) | empirical(v1, v2, ...)
** Named forms also accept positional arguments in the order shown.
** Time-valued arguments are durations (units allowed); shape and cv are
** plain numbers.  An empirical file is read relative to basedir (may be
** NULL for the current directory): one number (a duration) per line, blank
** lines and lines starting with '#' ignored.
** On error returns CS_EINPUT (or CS_EIO for an unreadable file) with a
** message in msg and, when one argument is to blame, its index in
** *bad_arg (else -1; bad_arg may be NULL).
*/
cs_status cs_dist_build(const char *name, const cs_dist_arg *args,
                        size_t nargs, const cs_units *u, const char *basedir,
                        cs_dist *out, char *msg, size_t msgsize, int *bad_arg);

/*
** Parses the string form: a bare duration ("3d") is a constant, otherwise
** NAME(ARGS) with ARGS comma-separated, each "key=value" or "value".
** Errors as cs_dist_build; *bad_col (may be NULL) receives the 0-based
** offset in s of the offending part, or -1.
*/
cs_status cs_dist_parse(const char *s, const cs_units *u, const char *basedir,
                        cs_dist *out, char *msg, size_t msgsize, int *bad_col);

/*
** Seeds for the keyed random streams (SPEC 1.4).  cs_stream_key hashes a
** name into a running 64-bit key (FNV-1a then a 64-bit mix); streams are
** derived as cs_stream_seed(master, replication, key).  Cannot fail.
*/
uint64_t cs_stream_key(uint64_t key, const char *name);
unsigned long cs_stream_seed(uint64_t master, uint64_t replication,
                             uint64_t key);

#endif /* CHAINSIM_DIST_H */
