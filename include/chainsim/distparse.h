/*
** distparse.h - distributions from text: a name with arguments (the
** mapping form {dist: gamma, mean: 4d, cv: 0.5}) or the string form
** "gamma(mean=4d, cv=0.5)", empirical files included.  Knows nothing of
** YAML: the scenario module hands it strings and attaches positions to its
** errors.  out is caller storage, released with cs_dist_fini; on failure it
** holds const(0) and owns nothing.  u may be NULL for the default units.
*/
#ifndef CHAINSIM_DISTPARSE_H
#define CHAINSIM_DISTPARSE_H

#include <stddef.h>

#include "chainsim/dist.h"
#include "chainsim/error.h"
#include "chainsim/units.h"

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
** On error returns CS_EINPUT (CS_EIO for an unreadable file, CS_ENOMEM
** when out of memory) with a message in msg and, when one argument is to
** blame, its index in *bad_arg (else -1; bad_arg may be NULL).
*/
cs_status cs_distparse_build(const char *name, const cs_dist_arg *args,
                             size_t nargs, const cs_units *u,
                             const char *basedir, cs_dist *out, char *msg,
                             size_t msgsize, int *bad_arg);

/*
** Parses the string form: a bare duration ("3d") is a constant, otherwise
** NAME(ARGS) with ARGS comma-separated, each "key=value" or "value".
** Errors as cs_distparse_build; *bad_col (may be NULL) receives the 0-based
** offset in s of the offending part, or -1.
*/
cs_status cs_distparse_text(const char *s, const cs_units *u,
                            const char *basedir, cs_dist *out, char *msg,
                            size_t msgsize, int *bad_col);

#endif /* CHAINSIM_DISTPARSE_H */
