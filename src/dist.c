/*
** dist.c - durations, rates, distributions of durations and the seeds of
** keyed random streams.
**
** Parsing is strict: a number is read with strtod and must be followed
** only by its unit and spaces, so "3dd", "3 d" or "1e999" never pass as
** something else.  Hexadecimal numbers are refused ("0x1d" would otherwise
** read as 29 days).  strtod follows the C locale, which main never changes.
**
** A cs_dist is a plain record whose parameters are those of the sampler
** (gamma keeps shape and scale even when given mean and cv), so
** cs_dist_sample is a switch with no allocation and no conversion.
** Every distribution that cs_dist_build accepts has a finite mean and
** variance: parameters that overflow are refused at build time, not
** discovered during a run.
*/
#include "chainsim/dist.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>

/* Most values an empirical distribution holds (inline or from a file),
** the largest empirical file and its longest line (comments excepted). */
#define EMPIRICAL_MAX 1000000
#define EMPIRICAL_MAX_BYTES (64 << 20)
#define EMPIRICAL_LINE_MAX 1024

/* How much of an offending string a message quotes. */
#define QUOTE_MAX 80

#define DURATION_HINT \
    "expected a number of days or a number with unit h, d or w (e.g. 2.5d)"
#define RATE_HINT \
    "expected N/UNIT or N/KUNIT with unit h, d or w (e.g. 3/w, 0.5/d, 12/4w)"

/* Why a number, duration or rate was refused. */
typedef enum num_err {
    NUM_OK = 0,
    NUM_EMPTY,
    NUM_SYNTAX,
    NUM_NONFINITE,
    NUM_NEGATIVE,
    NUM_NONPOSITIVE,
    NUM_RANGE
} num_err;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void say(char *msg, size_t size, const char *fmt, ...)
{
    va_list ap;

    if (msg == NULL || size == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, size, fmt, ap);
    va_end(ap);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static const char *skip_space(const char *p)
{
    while (is_space(*p))
        p++;
    return p;
}

/*
** Reads a decimal number at p (no leading space).  Returns 0 when p does
** not start one.  "inf" and "nan" are read, so that the caller can say
** "must be finite" rather than "syntax error".
*/
static int scan_real(const char *p, double *v, const char **end)
{
    const char *q = p;
    char *e;

    if (*q == '+' || *q == '-')
        q++;
    if (!is_digit(*q) && *q != '.' && *q != 'i' && *q != 'I' && *q != 'n' &&
        *q != 'N')
        return 0;
    if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X'))
        return 0;
    *v = strtod(p, &e);
    if (e == p)
        return 0;
    *end = e;
    return 1;
}

/* Days per unit letter, or 0 when c is not a unit. */
static double unit_days(char c, const cs_units *u)
{
    switch (c) {
    case 'h':
        return 1.0 / u->hours_per_day;
    case 'd':
        return 1.0;
    case 'w':
        return u->days_per_week;
    default:
        return 0.0;
    }
}

static num_err scan_duration(const char *s, const cs_units *u, double *days)
{
    const char *p = skip_space(s);
    const char *end;
    double v, scale = 1.0;

    if (*p == '\0')
        return NUM_EMPTY;
    if (!scan_real(p, &v, &end))
        return NUM_SYNTAX;
    p = end;
    if (unit_days(*p, u) > 0.0)
        scale = unit_days(*p++, u);
    if (*skip_space(p) != '\0')
        return NUM_SYNTAX;
    if (!isfinite(v))
        return NUM_NONFINITE;
    if (v < 0.0)
        return NUM_NEGATIVE;
    v *= scale;
    if (!isfinite(v))
        return NUM_NONFINITE;
    *days = v + 0.0;   /* turns -0 into 0 */
    return NUM_OK;
}

static num_err scan_number(const char *s, double *out)
{
    const char *p = skip_space(s);
    const char *end;
    double v;

    if (*p == '\0')
        return NUM_EMPTY;
    if (!scan_real(p, &v, &end) || *skip_space(end) != '\0')
        return NUM_SYNTAX;
    if (!isfinite(v))
        return NUM_NONFINITE;
    *out = v;
    return NUM_OK;
}

static num_err scan_rate(const char *s, const cs_units *u, double *per_day)
{
    const char *p = skip_space(s);
    const char *end;
    double n, k = 1.0, unit, r;

    if (*p == '\0')
        return NUM_EMPTY;
    if (!scan_real(p, &n, &end) || *end != '/')
        return NUM_SYNTAX;
    p = end + 1;
    if (unit_days(*p, u) == 0.0) {
        if (!scan_real(p, &k, &end))
            return NUM_SYNTAX;
        p = end;
    }
    unit = unit_days(*p, u);
    if (unit == 0.0 || *skip_space(p + 1) != '\0')
        return NUM_SYNTAX;
    if (!isfinite(n) || !isfinite(k))
        return NUM_NONFINITE;
    if (n <= 0.0 || k <= 0.0)
        return NUM_NONPOSITIVE;
    r = n / (k * unit);
    if (!isfinite(r) || r <= 0.0)
        return NUM_RANGE;
    *per_day = r;
    return NUM_OK;
}

/* The message for a refused duration; prefix ("gamma mean: ") may be "". */
static void duration_msg(num_err e, const char *s, const char *prefix,
                         char *msg, size_t size)
{
    switch (e) {
    case NUM_EMPTY:
        say(msg, size, "%sempty duration: " DURATION_HINT, prefix);
        break;
    case NUM_NONFINITE:
        say(msg, size, "%sinvalid duration '%.*s': must be finite", prefix,
            QUOTE_MAX, s);
        break;
    case NUM_NEGATIVE:
        say(msg, size, "%sinvalid duration '%.*s': must not be negative",
            prefix, QUOTE_MAX, s);
        break;
    default:
        say(msg, size, "%sinvalid duration '%.*s': " DURATION_HINT, prefix,
            QUOTE_MAX, s);
        break;
    }
}

static void number_msg(num_err e, const char *s, const char *prefix,
                       char *msg, size_t size)
{
    if (e == NUM_EMPTY)
        say(msg, size, "%sempty number: expected a plain number", prefix);
    else if (e == NUM_NONFINITE)
        say(msg, size, "%sinvalid number '%.*s': must be finite", prefix,
            QUOTE_MAX, s);
    else
        say(msg, size,
            "%sinvalid number '%.*s': expected a plain number (no unit)",
            prefix, QUOTE_MAX, s);
}

cs_units cs_units_default(void)
{
    const cs_units u = {8.0, 5.0};
    return u;
}

/* NULL units mean the defaults. */
static const cs_units *units_or_default(const cs_units *u, cs_units *buf)
{
    if (u != NULL)
        return u;
    *buf = cs_units_default();
    return buf;
}

cs_status cs_duration_parse(const char *s, const cs_units *u, double *days,
                            char *msg, size_t msgsize)
{
    cs_units def;
    const num_err e = scan_duration(s, units_or_default(u, &def), days);

    if (e == NUM_OK)
        return CS_OK;
    duration_msg(e, s, "", msg, msgsize);
    return CS_EINPUT;
}

cs_status cs_rate_parse(const char *s, const cs_units *u, double *per_day,
                        char *msg, size_t msgsize)
{
    cs_units def;
    const num_err e = scan_rate(s, units_or_default(u, &def), per_day);

    switch (e) {
    case NUM_OK:
        return CS_OK;
    case NUM_EMPTY:
        say(msg, msgsize, "empty rate: " RATE_HINT);
        break;
    case NUM_NONFINITE:
        say(msg, msgsize, "invalid rate '%.*s': numbers must be finite",
            QUOTE_MAX, s);
        break;
    case NUM_NONPOSITIVE:
        say(msg, msgsize,
            "invalid rate '%.*s': the count and the period must be positive",
            QUOTE_MAX, s);
        break;
    case NUM_RANGE:
        say(msg, msgsize, "invalid rate '%.*s': out of range", QUOTE_MAX, s);
        break;
    default:
        say(msg, msgsize, "invalid rate '%.*s': " RATE_HINT, QUOTE_MAX, s);
        break;
    }
    return CS_EINPUT;
}

cs_status cs_number_parse(const char *s, double *out, char *msg,
                          size_t msgsize)
{
    const num_err e = scan_number(s, out);

    if (e == NUM_OK)
        return CS_OK;
    if (e == NUM_EMPTY)
        say(msg, msgsize, "empty number: expected a finite number");
    else if (e == NUM_NONFINITE)
        say(msg, msgsize, "invalid number '%.*s': must be finite", QUOTE_MAX,
            s);
    else
        say(msg, msgsize, "invalid number '%.*s': expected a finite number",
            QUOTE_MAX, s);
    return CS_EINPUT;
}

/* ------------------------------------------------------------------ */
/* Distributions                                                       */
/* ------------------------------------------------------------------ */

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
        say(buf, size, "const(%gd)", p[0]);
        break;
    case CS_DIST_UNIFORM:
        say(buf, size, "uniform(%gd, %gd)", p[0], p[1]);
        break;
    case CS_DIST_TRIANGULAR:
        say(buf, size, "triangular(%gd, %gd, %gd)", p[0], p[1], p[2]);
        break;
    case CS_DIST_PERT:
        say(buf, size, "pert(%gd, %gd, %gd)", p[0], p[1], p[2]);
        break;
    case CS_DIST_EXPONENTIAL:
        say(buf, size, "exponential(mean=%gd)", p[0]);
        break;
    case CS_DIST_GAMMA:
        say(buf, size, "gamma(shape=%g, scale=%gd)", p[0], p[1]);
        break;
    case CS_DIST_LOGNORMAL:
        /* mean and sd read better than mu and sigma of the log. */
        say(buf, size, "lognormal(mean=%gd, sd=%gd)", cs_dist_mean(d),
            sqrt(cs_dist_variance(d)));
        break;
    case CS_DIST_WEIBULL:
        say(buf, size, "weibull(shape=%g, scale=%gd)", p[0], p[1]);
        break;
    case CS_DIST_EMPIRICAL:
        say(buf, size, "empirical(%zu value%s, mean %gd)", d->nvalues,
            d->nvalues == 1 ? "" : "s", cs_dist_mean(d));
        break;
    default:
        say(buf, size, "unknown");
        break;
    }
}

/* ------------------------------------------------------------------ */
/* Building distributions from names and arguments                     */
/* ------------------------------------------------------------------ */

typedef struct param {
    const char *name;
    int is_time;   /* a duration (units allowed), else a plain number */
} param;

/*
** Checks the argument values v (in param order) and fills out.  On error
** writes msg and sets *bad to the param to blame (or -1).
*/
typedef cs_status (*make_fn)(const double *v, cs_dist *out, char *msg,
                             size_t size, int *bad);

typedef struct form {
    const char *name;
    int named;     /* shown as "name=" in messages (else positional) */
    int nparams;
    param params[3];
    make_fn make;
} form;

static cs_status make_const(const double *v, cs_dist *out, char *msg,
                            size_t size, int *bad)
{
    (void)msg;
    (void)size;
    (void)bad;
    *out = cs_dist_const(v[0]);
    return CS_OK;
}

static cs_status make_uniform(const double *v, cs_dist *out, char *msg,
                              size_t size, int *bad)
{
    if (v[0] > v[1]) {
        say(msg, size, "uniform(a, b): a must not exceed b");
        *bad = 1;
        return CS_EINPUT;
    }
    out->kind = CS_DIST_UNIFORM;
    out->p[0] = v[0];
    out->p[1] = v[1];
    return CS_OK;
}

/* min <= mode <= max, shared by triangular and pert; min == max is a
** constant. */
static cs_status check_three_point(const char *name, const double *v,
                                   char *msg, size_t size, int *bad)
{
    if (v[0] > v[2]) {
        say(msg, size, "%s(min, mode, max): min must not exceed max", name);
        *bad = 2;
        return CS_EINPUT;
    }
    if (v[1] < v[0] || v[1] > v[2]) {
        say(msg, size, "%s(min, mode, max): mode must lie between min and max",
            name);
        *bad = 1;
        return CS_EINPUT;
    }
    return CS_OK;
}

static cs_status make_triangular(const double *v, cs_dist *out, char *msg,
                                 size_t size, int *bad)
{
    if (check_three_point("triangular", v, msg, size, bad) != CS_OK)
        return CS_EINPUT;
    out->kind = CS_DIST_TRIANGULAR;
    memcpy(out->p, v, 3 * sizeof *v);
    return CS_OK;
}

static cs_status make_pert(const double *v, cs_dist *out, char *msg,
                           size_t size, int *bad)
{
    const double w = v[2] - v[0];

    if (check_three_point("pert", v, msg, size, bad) != CS_OK)
        return CS_EINPUT;
    if (w == 0.0) {
        *out = cs_dist_const(v[0]);
        return CS_OK;
    }
    out->kind = CS_DIST_PERT;
    memcpy(out->p, v, 3 * sizeof *v);
    /* Beta-PERT with lambda = 4. */
    out->p[3] = 1.0 + 4.0 * (v[1] - v[0]) / w;
    out->p[4] = 1.0 + 4.0 * (v[2] - v[1]) / w;
    return CS_OK;
}

/* Says "NAME: WHAT must be positive" unless x > 0. */
static int need_positive(double x, const char *name, const char *what,
                         int slot, char *msg, size_t size, int *bad)
{
    if (x > 0.0)
        return 1;
    say(msg, size, "%s: %s must be positive", name, what);
    *bad = slot;
    return 0;
}

static cs_status make_exponential(const double *v, cs_dist *out, char *msg,
                                  size_t size, int *bad)
{
    if (!need_positive(v[0], "exponential", "mean", 0, msg, size, bad))
        return CS_EINPUT;
    out->kind = CS_DIST_EXPONENTIAL;
    out->p[0] = v[0];
    return CS_OK;
}

static cs_status make_gamma_mean_cv(const double *v, cs_dist *out, char *msg,
                                    size_t size, int *bad)
{
    const double cv2 = v[1] * v[1];

    if (!need_positive(v[0], "gamma", "mean", 0, msg, size, bad) ||
        !need_positive(v[1], "gamma", "cv", 1, msg, size, bad))
        return CS_EINPUT;
    out->kind = CS_DIST_GAMMA;
    out->p[0] = 1.0 / cv2;
    out->p[1] = v[0] * cv2;
    return CS_OK;
}

static cs_status make_gamma_shape_scale(const double *v, cs_dist *out,
                                        char *msg, size_t size, int *bad)
{
    if (!need_positive(v[0], "gamma", "shape", 0, msg, size, bad) ||
        !need_positive(v[1], "gamma", "scale", 1, msg, size, bad))
        return CS_EINPUT;
    out->kind = CS_DIST_GAMMA;
    out->p[0] = v[0];
    out->p[1] = v[1];
    return CS_OK;
}

static cs_status make_lognormal_mean_sd(const double *v, cs_dist *out,
                                        char *msg, size_t size, int *bad)
{
    double s2;

    if (!need_positive(v[0], "lognormal", "mean", 0, msg, size, bad) ||
        !need_positive(v[1], "lognormal", "sd", 1, msg, size, bad))
        return CS_EINPUT;
    s2 = log1p((v[1] / v[0]) * (v[1] / v[0]));
    out->kind = CS_DIST_LOGNORMAL;
    out->p[0] = log(v[0]) - 0.5 * s2;
    out->p[1] = sqrt(s2);
    return CS_OK;
}

static cs_status make_lognormal_median_p90(const double *v, cs_dist *out,
                                           char *msg, size_t size, int *bad)
{
    if (!need_positive(v[0], "lognormal", "median", 0, msg, size, bad))
        return CS_EINPUT;
    if (!(v[1] > v[0])) {
        say(msg, size, "lognormal: p90 must be greater than median");
        *bad = 1;
        return CS_EINPUT;
    }
    out->kind = CS_DIST_LOGNORMAL;
    out->p[0] = log(v[0]);
    out->p[1] = log(v[1] / v[0]) / gsl_cdf_ugaussian_Pinv(0.9);
    return CS_OK;
}

static cs_status make_weibull(const double *v, cs_dist *out, char *msg,
                              size_t size, int *bad)
{
    if (!need_positive(v[0], "weibull", "shape", 0, msg, size, bad) ||
        !need_positive(v[1], "weibull", "scale", 1, msg, size, bad))
        return CS_EINPUT;
    out->kind = CS_DIST_WEIBULL;
    out->p[0] = v[0];
    out->p[1] = v[1];
    return CS_OK;
}

/* Forms of one name are adjacent; the first is the positional order. */
static const form forms[] = {
    {"const", 0, 1, {{"value", 1}}, make_const},
    {"uniform", 0, 2, {{"a", 1}, {"b", 1}}, make_uniform},
    {"triangular", 0, 3, {{"min", 1}, {"mode", 1}, {"max", 1}},
     make_triangular},
    {"pert", 0, 3, {{"min", 1}, {"mode", 1}, {"max", 1}}, make_pert},
    {"exponential", 0, 1, {{"mean", 1}}, make_exponential},
    {"gamma", 1, 2, {{"mean", 1}, {"cv", 0}}, make_gamma_mean_cv},
    {"gamma", 1, 2, {{"shape", 0}, {"scale", 1}}, make_gamma_shape_scale},
    {"lognormal", 1, 2, {{"mean", 1}, {"sd", 1}}, make_lognormal_mean_sd},
    {"lognormal", 1, 2, {{"median", 1}, {"p90", 1}},
     make_lognormal_median_p90},
    {"weibull", 1, 2, {{"shape", 0}, {"scale", 1}}, make_weibull},
};
#define NFORMS (sizeof forms / sizeof forms[0])

static const char *const dist_names[] = {
    "const", "uniform", "triangular", "pert", "exponential", "gamma",
    "lognormal", "weibull", "empirical", NULL};

static int is_dist_name(const char *name)
{
    for (size_t i = 0; dist_names[i] != NULL; i++)
        if (strcmp(name, dist_names[i]) == 0)
            return 1;
    return 0;
}

static void unknown_name_msg(const char *name, size_t len, char *msg,
                             size_t size)
{
    const char *hint = cs_error_suggest(name, dist_names);

    if (hint != NULL)
        say(msg, size, "unknown distribution '%.*s' (did you mean '%s'?)",
            (int)(len < QUOTE_MAX ? len : QUOTE_MAX), name, hint);
    else
        say(msg, size,
            "unknown distribution '%.*s': expected const, uniform, "
            "triangular, pert, exponential, gamma, lognormal, weibull or "
            "empirical",
            (int)(len < QUOTE_MAX ? len : QUOTE_MAX), name);
}

/* "gamma(mean=, cv=)" or "triangular(min, mode, max)". */
static void signature(const form *f, char *buf, size_t size)
{
    size_t n = (size_t)snprintf(buf, size, "%s(", f->name);

    for (int i = 0; i < f->nparams && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s%s", i > 0 ? ", " : "",
                              f->params[i].name, f->named ? "=" : "");
    if (n < size)
        snprintf(buf + n, size - n, ")");
}

/* "gamma(mean=, cv=) or gamma(shape=, scale=)" for f and its alternative. */
static void signatures(const form *f, const form *alt, char *buf, size_t size)
{
    char a[64], b[64];

    signature(f, a, sizeof a);
    if (alt == NULL) {
        say(buf, size, "%s", a);
        return;
    }
    signature(alt, b, sizeof b);
    say(buf, size, "%s or %s", a, b);
}

static int param_index(const form *f, const char *key)
{
    for (int i = 0; i < f->nparams; i++)
        if (strcmp(f->params[i].name, key) == 0)
            return i;
    return -1;
}

static void unknown_arg_msg(const form *f, const form *alt, const char *key,
                            char *msg, size_t size)
{
    const char *cand[7];
    const char *hint;
    char sig[160];
    size_t n = 0;

    for (int i = 0; i < f->nparams; i++)
        cand[n++] = f->params[i].name;
    for (int i = 0; alt != NULL && i < alt->nparams; i++)
        cand[n++] = alt->params[i].name;
    cand[n] = NULL;
    hint = cs_error_suggest(key, cand);
    signatures(f, alt, sig, sizeof sig);
    if (hint != NULL)
        say(msg, size, "%s: unknown argument '%.*s' (did you mean '%s'?)",
            f->name, QUOTE_MAX, key, hint);
    else
        say(msg, size, "%s: unknown argument '%.*s': expected %s", f->name,
            QUOTE_MAX, key, sig);
}

/*
** The first named argument picks the form (gamma and lognormal have two)
** and is noted in *decider.  Returns NULL, with msg and *bad set, when it
** belongs to neither.
*/
static const form *pick_form(const form *f, const form *alt,
                             const cs_dist_arg *args, size_t nargs,
                             size_t *decider, char *msg, size_t size,
                             int *bad)
{
    for (size_t i = 0; i < nargs; i++) {
        if (args[i].key == NULL)
            continue;
        *decider = i;
        if (param_index(f, args[i].key) >= 0)
            return f;
        if (alt != NULL && param_index(alt, args[i].key) >= 0)
            return alt;
        unknown_arg_msg(f, alt, args[i].key, msg, size);
        *bad = (int)i;
        return NULL;
    }
    return f;
}

static cs_status build_form(const form *first, const cs_dist_arg *args,
                            size_t nargs, const cs_units *u, cs_dist *out,
                            char *msg, size_t size, int *bad)
{
    const form *alt = first + 1 < forms + NFORMS &&
                              strcmp(first[1].name, first->name) == 0
                          ? first + 1
                          : NULL;
    size_t decider = 0;
    const form *f = pick_form(first, alt, args, nargs, &decider, msg, size,
                              bad);
    const form *other = f == first ? alt : first;
    int slot_arg[3] = {-1, -1, -1};
    double v[3] = {0.0, 0.0, 0.0};
    int npos = 0, named = 0, bslot = -1;
    char sig[160], prefix[64];

    if (f == NULL)
        return CS_EINPUT;
    signature(f, sig, sizeof sig);
    for (size_t i = 0; i < nargs; i++) {
        const param *pm;
        num_err e;
        int slot;

        *bad = (int)i;
        if (args[i].key == NULL) {
            if (named) {
                say(msg, size, "%s: a positional argument cannot follow "
                    "named ones", f->name);
                return CS_EINPUT;
            }
            if (npos >= f->nparams) {
                say(msg, size, "%s: too many arguments: expected %s",
                    f->name, sig);
                return CS_EINPUT;
            }
            slot = npos++;
        } else {
            named = 1;
            slot = param_index(f, args[i].key);
            if (slot < 0 && other != NULL &&
                param_index(other, args[i].key) >= 0) {
                char sigs[160];
                signatures(first, alt, sigs, sizeof sigs);
                say(msg, size, "%s: '%s' cannot be combined with '%s': "
                    "expected %s", f->name, args[i].key,
                    args[decider].key, sigs);
                return CS_EINPUT;
            }
            if (slot < 0) {
                unknown_arg_msg(f, other, args[i].key, msg, size);
                return CS_EINPUT;
            }
            if (slot_arg[slot] >= 0) {
                say(msg, size, "%s: argument '%s' given twice", f->name,
                    args[i].key);
                return CS_EINPUT;
            }
        }
        slot_arg[slot] = (int)i;
        pm = &f->params[slot];
        snprintf(prefix, sizeof prefix, "%s %s: ", f->name, pm->name);
        if (pm->is_time) {
            e = scan_duration(args[i].value, u, &v[slot]);
            if (e != NUM_OK) {
                duration_msg(e, args[i].value, prefix, msg, size);
                return CS_EINPUT;
            }
        } else {
            e = scan_number(args[i].value, &v[slot]);
            if (e != NUM_OK) {
                number_msg(e, args[i].value, prefix, msg, size);
                return CS_EINPUT;
            }
        }
    }
    *bad = -1;
    for (int s = 0; s < f->nparams; s++)
        if (slot_arg[s] < 0) {
            say(msg, size, "%s: missing argument '%s': expected %s", f->name,
                f->params[s].name, sig);
            return CS_EINPUT;
        }
    if (f->make(v, out, msg, size, &bslot) != CS_OK) {
        *bad = bslot >= 0 ? slot_arg[bslot] : -1;
        *out = cs_dist_const(0.0);
        return CS_EINPUT;
    }
    return CS_OK;
}

/* basedir/path, or path itself when absolute or basedir is empty. */
static char *join_path(const char *basedir, const char *path)
{
    size_t lb, lp;
    char *s;

    if (basedir == NULL || basedir[0] == '\0' || path[0] == '/')
        return strdup(path);
    lb = strlen(basedir);
    lp = strlen(path);
    s = malloc(lb + 1 + lp + 1);
    if (s == NULL)
        return NULL;
    memcpy(s, basedir, lb);
    if (basedir[lb - 1] != '/')
        s[lb++] = '/';
    memcpy(s + lb, path, lp + 1);
    return s;
}

/* Appends x to *vals (capacity *cap); -1 if out of memory. */
static int push_value(double **vals, size_t *n, size_t *cap, double x)
{
    if (*n == *cap) {
        const size_t nc = *cap > 0 ? 2 * *cap : 256;
        double *nv = realloc(*vals, nc * sizeof *nv);
        if (nv == NULL)
            return -1;
        *vals = nv;
        *cap = nc;
    }
    (*vals)[(*n)++] = x;
    return 0;
}

/*
** Opens an empirical file for reading: a regular file of at most
** EMPIRICAL_MAX_BYTES.  Opened without blocking, so a FIFO or a device
** ("/dev/zero", "/dev/stdin") is refused instead of hanging the loader or
** filling memory.  NULL with msg and *st set on failure.
*/
static FILE *open_empirical(const char *full, char *msg, size_t size,
                            cs_status *st)
{
    struct stat sb;
    FILE *f;
    const int fd = open(full, O_RDONLY | O_NONBLOCK);

    *st = CS_EIO;
    if (fd < 0) {
        say(msg, size, "empirical: cannot open '%s': %s", full,
            strerror(errno));
        return NULL;
    }
    if (fstat(fd, &sb) != 0) {
        say(msg, size, "empirical: cannot read '%s': %s", full,
            strerror(errno));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(sb.st_mode)) {
        say(msg, size, "empirical: '%s' is not a regular file", full);
        close(fd);
        *st = CS_EINPUT;
        return NULL;
    }
    if (sb.st_size > (off_t)EMPIRICAL_MAX_BYTES) {
        say(msg, size, "empirical: '%s' is larger than %d MiB", full,
            EMPIRICAL_MAX_BYTES >> 20);
        close(fd);
        *st = CS_EINPUT;
        return NULL;
    }
    f = fdopen(fd, "r");
    if (f == NULL) {
        say(msg, size, "empirical: cannot read '%s': %s", full,
            strerror(errno));
        close(fd);
        return NULL;
    }
    return f;
}

/*
** Reads one line of f into line (size EMPIRICAL_LINE_MAX), without its
** end of line.  Returns its length, -1 at the end of the file, -2 for a
** line too long (the rest of it is skipped when it is a comment: then the
** part read is returned), -3 for a NUL byte.  *total counts bytes read.
*/
static long read_line(FILE *f, char *line, size_t *total)
{
    size_t n = 0;
    int c, overlong = 0;

    while ((c = getc(f)) != EOF) {
        (*total)++;
        if (c == '\n')
            break;
        if (c == '\0')
            return -3;
        if (n + 1 < EMPIRICAL_LINE_MAX)
            line[n++] = (char)c;
        else
            overlong = 1;
        if (*total > EMPIRICAL_MAX_BYTES)
            break;
    }
    if (c == EOF && n == 0 && !overlong)
        return -1;
    while (n > 0 && line[n - 1] == '\r')
        n--;
    line[n] = '\0';
    if (overlong && *skip_space(line) != '#')
        return -2;
    return (long)n;
}

static cs_status read_empirical(const char *path, const char *basedir,
                                const cs_units *u, cs_dist *out, char *msg,
                                size_t size)
{
    char *full = NULL;
    char line[EMPIRICAL_LINE_MAX];
    double *vals = NULL;
    size_t n = 0, cap = 0, lineno = 0, total = 0;
    long len;
    FILE *f = NULL;
    cs_status st = CS_EINPUT;

    if (path[0] == '\0') {
        say(msg, size, "empirical: empty file name");
        return CS_EINPUT;
    }
    full = join_path(basedir, path);
    if (full == NULL) {
        say(msg, size, "out of memory");
        return CS_ENOMEM;
    }
    f = open_empirical(full, msg, size, &st);
    if (f == NULL)
        goto fail;
    st = CS_EINPUT;
    while ((len = read_line(f, line, &total)) != -1) {
        char prefix[CS_ERROR_FILE_MAX + 64];
        const char *p;
        double x;
        num_err e;

        lineno++;
        snprintf(prefix, sizeof prefix, "empirical file '%.*s', line %zu: ",
                 CS_ERROR_FILE_MAX, full, lineno);
        if (len == -3) {
            say(msg, size, "%scontains a NUL byte", prefix);
            goto fail;
        }
        if (len == -2) {
            say(msg, size, "%slonger than %d characters", prefix,
                EMPIRICAL_LINE_MAX - 1);
            goto fail;
        }
        if (total > EMPIRICAL_MAX_BYTES) {
            say(msg, size, "%sthe file is larger than %d MiB", prefix,
                EMPIRICAL_MAX_BYTES >> 20);
            goto fail;
        }
        p = skip_space(line);
        if (*p == '\0' || *p == '#')
            continue;
        if (n == EMPIRICAL_MAX) {
            say(msg, size, "%smore than %d values", prefix, EMPIRICAL_MAX);
            goto fail;
        }
        e = scan_duration(p, u, &x);
        if (e != NUM_OK) {
            duration_msg(e, p, prefix, msg, size);
            goto fail;
        }
        if (push_value(&vals, &n, &cap, x) != 0) {
            say(msg, size, "out of memory");
            st = CS_ENOMEM;
            goto fail;
        }
    }
    if (ferror(f)) {
        say(msg, size, "empirical: cannot read '%s': %s", full,
            strerror(errno));
        st = CS_EIO;
        goto fail;
    }
    if (n == 0) {
        say(msg, size, "empirical file '%s' holds no values", full);
        goto fail;
    }
    out->kind = CS_DIST_EMPIRICAL;
    out->values = vals;
    out->nvalues = n;
    fclose(f);
    free(full);
    return CS_OK;

fail:
    if (f != NULL)
        fclose(f);
    free(full);
    free(vals);
    return st;
}

static cs_status build_empirical(const cs_dist_arg *args, size_t nargs,
                                 const cs_units *u, const char *basedir,
                                 cs_dist *out, char *msg, size_t size,
                                 int *bad)
{
    double *vals;

    if (nargs == 0) {
        say(msg, size, "empirical: expected file=PATH or at least one value");
        return CS_EINPUT;
    }
    for (size_t i = 0; i < nargs; i++) {
        if (args[i].key == NULL)
            continue;
        *bad = (int)i;
        if (strcmp(args[i].key, "file") != 0) {
            say(msg, size, "empirical: unknown argument '%.*s'%s: expected "
                "empirical(file=PATH) or empirical(v1, v2, ...)",
                QUOTE_MAX, args[i].key,
                cs_error_suggest(args[i].key, (const char *const[]){"file", NULL})
                    ? " (did you mean 'file'?)" : "");
            return CS_EINPUT;
        }
        if (nargs != 1) {
            say(msg, size, "empirical: file= cannot be combined with other "
                "arguments");
            return CS_EINPUT;
        }
        return read_empirical(args[i].value, basedir, u, out, msg, size);
    }
    if (nargs > EMPIRICAL_MAX) {
        say(msg, size, "empirical: more than %d values", EMPIRICAL_MAX);
        *bad = EMPIRICAL_MAX;
        return CS_EINPUT;
    }
    vals = malloc(nargs * sizeof *vals);
    if (vals == NULL) {
        say(msg, size, "out of memory");
        return CS_ENOMEM;
    }
    for (size_t i = 0; i < nargs; i++) {
        const num_err e = scan_duration(args[i].value, u, &vals[i]);
        if (e != NUM_OK) {
            duration_msg(e, args[i].value, "empirical value: ", msg, size);
            *bad = (int)i;
            free(vals);
            return CS_EINPUT;
        }
    }
    out->kind = CS_DIST_EMPIRICAL;
    out->values = vals;
    out->nvalues = nargs;
    return CS_OK;
}

cs_status cs_dist_build(const char *name, const cs_dist_arg *args,
                        size_t nargs, const cs_units *u, const char *basedir,
                        cs_dist *out, char *msg, size_t msgsize, int *bad_arg)
{
    cs_units def;
    int bad = -1;
    cs_status st = CS_EINPUT;

    u = units_or_default(u, &def);
    *out = cs_dist_const(0.0);
    if (strcmp(name, "empirical") == 0) {
        st = build_empirical(args, nargs, u, basedir, out, msg, msgsize, &bad);
    } else {
        size_t i = 0;
        while (i < NFORMS && strcmp(forms[i].name, name) != 0)
            i++;
        if (i < NFORMS)
            st = build_form(&forms[i], args, nargs, u, out, msg, msgsize,
                            &bad);
        else
            unknown_name_msg(name, strlen(name), msg, msgsize);
    }
    if (st == CS_OK &&
        (!isfinite(cs_dist_mean(out)) || !isfinite(cs_dist_variance(out)))) {
        say(msg, msgsize, "%s: %s out of range (the mean or the variance is "
            "not finite)", name, strcmp(name, "empirical") == 0 ? "values"
                                                                : "parameters");
        cs_dist_fini(out);
        st = CS_EINPUT;
    }
    if (st == CS_OK)
        bad = -1;
    if (bad_arg != NULL)
        *bad_arg = bad;
    return st;
}

/* ------------------------------------------------------------------ */
/* The string form                                                     */
/* ------------------------------------------------------------------ */

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int column(const char *base, const char *p)
{
    const ptrdiff_t d = p - base;
    return d < INT_MAX ? (int)d : INT_MAX;
}

/* A string that is not NAME(...): a duration, hence a constant. */
static cs_status parse_bare(const char *s, const char *word,
                            const char *word_end, const cs_units *u,
                            cs_dist *out, char *msg, size_t size, int *col)
{
    double v = 0.0;
    const num_err e = scan_duration(s, u, &v);
    const size_t wlen = (size_t)(word_end - word);
    char name[16];

    if (e == NUM_OK) {
        *out = cs_dist_const(v);
        return CS_OK;
    }
    *col = column(s, word);
    if (wlen > 0 && wlen < sizeof name && *skip_space(word_end) == '\0') {
        memcpy(name, word, wlen);
        name[wlen] = '\0';
        if (is_dist_name(name)) {
            say(msg, size, "%s needs its arguments in parentheses: %s(...)",
                name, name);
            return CS_EINPUT;
        }
    }
    if (wlen > 0 && e == NUM_SYNTAX)
        say(msg, size, "invalid duration or distribution '%.*s': expected a "
            "duration (e.g. 2.5d) or NAME(ARGS) (e.g. gamma(mean=4d, cv=0.5))",
            QUOTE_MAX, word);
    else
        duration_msg(e, word, "", msg, size);
    return CS_EINPUT;
}

/*
** Cuts buf[inner, end) into arguments at commas, in place.  Fills args and
** their columns; returns the count, or -1 with msg and *col set.
*/
static long split_args(char *buf, size_t inner, cs_dist_arg *args, int *cols,
                       char *msg, size_t size, int *col)
{
    char *p = buf + inner;
    long n = 0;

    for (;;) {
        char *const start = p + (skip_space(p) - p);
        char *stop = strchr(start, ',');
        const int last = stop == NULL;
        char *end, *eq;

        if (last)
            stop = start + strlen(start);
        *stop = '\0';
        end = stop;
        while (end > start && is_space(end[-1]))
            *--end = '\0';
        *col = column(buf, start);
        if (start == end) {
            say(msg, size, "empty argument");
            return -1;
        }
        args[n].key = NULL;
        args[n].value = start;
        eq = strchr(start, '=');
        if (eq != NULL) {
            char *kend = eq;
            while (kend > start && is_space(kend[-1]))
                kend--;
            *kend = '\0';
            *eq = '\0';
            args[n].key = start;
            args[n].value = skip_space(eq + 1);
            if (start == kend) {
                say(msg, size, "missing argument name before '='");
                return -1;
            }
            if (args[n].value[0] == '\0') {
                say(msg, size, "missing value after '%.*s='", QUOTE_MAX,
                    start);
                return -1;
            }
        }
        cols[n++] = *col;
        if (last)
            break;
        p = stop + 1;
    }
    *col = -1;
    return n;
}

cs_status cs_dist_parse(const char *s, const cs_units *u, const char *basedir,
                        cs_dist *out, char *msg, size_t msgsize, int *bad_col)
{
    const char *word = skip_space(s), *word_end = word, *open, *close;
    cs_dist_arg *args = NULL;
    int *cols = NULL;
    char *buf = NULL;
    size_t nargs = 0;
    long got;
    int col = -1, bad = -1;
    cs_status st = CS_EINPUT;
    cs_units def;

    u = units_or_default(u, &def);
    *out = cs_dist_const(0.0);
    while (is_alpha(*word_end))
        word_end++;
    open = skip_space(word_end);
    if (word_end == word || *open != '(') {
        st = parse_bare(s, word, word_end, u, out, msg, msgsize, &col);
        goto done;
    }
    buf = strdup(s);
    if (buf == NULL) {
        say(msg, msgsize, "out of memory");
        st = CS_ENOMEM;
        goto done;
    }
    buf[word_end - s] = '\0';
    if (!is_dist_name(buf + (word - s))) {
        unknown_name_msg(buf + (word - s), (size_t)(word_end - word), msg,
                         msgsize);
        col = column(s, word);
        goto done;
    }
    close = strchr(open, ')');
    if (close == NULL) {
        say(msg, msgsize, "missing ')'");
        col = column(s, s + strlen(s));
        goto done;
    }
    if (*skip_space(close + 1) != '\0') {
        say(msg, msgsize, "unexpected text after ')'");
        col = column(s, skip_space(close + 1));
        goto done;
    }
    buf[close - s] = '\0';
    if (*skip_space(open + 1) != ')') {
        nargs = 1;
        for (const char *c = open + 1; c < close; c++)
            nargs += *c == ',';
        args = malloc(nargs * sizeof *args);
        cols = malloc(nargs * sizeof *cols);
        if (args == NULL || cols == NULL) {
            say(msg, msgsize, "out of memory");
            st = CS_ENOMEM;
            goto done;
        }
        got = split_args(buf, (size_t)(open + 1 - s), args, cols, msg,
                         msgsize, &col);
        if (got < 0)
            goto done;
    }
    st = cs_dist_build(buf + (word - s), args, nargs, u, basedir, out, msg,
                       msgsize, &bad);
    if (st != CS_OK && bad >= 0 && (size_t)bad < nargs)
        col = cols[bad];

done:
    free(args);
    free(cols);
    free(buf);
    if (bad_col != NULL)
        *bad_col = st == CS_OK ? -1 : col;
    return st;
}

/* ------------------------------------------------------------------ */
/* Keyed random streams                                                */
/* ------------------------------------------------------------------ */

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull
#define GOLDEN 0x9e3779b97f4a7c15ull

/* The splitmix64 finalizer: a bijection of 64-bit words that spreads
** every input bit over the whole output. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/*
** FNV-1a over the name, starting from key (from the FNV offset basis when
** key is 0), then mixed: the mix between two names keeps ("ab", "c") and
** ("a", "bc") apart.
*/
uint64_t cs_stream_key(uint64_t key, const char *name)
{
    uint64_t h = key != 0 ? key : FNV_OFFSET;

    for (const unsigned char *p = (const unsigned char *)name; *p != '\0';
         p++) {
        h ^= *p;
        h *= FNV_PRIME;
    }
    return mix64(h);
}

/*
** Each step is a bijection of the running word, so two streams differing
** in one of master, replication or key never share the 64-bit state.
** The result is folded to 32 bits because gsl_rng_set for mt19937 and
** taus2 reads only the low 32 bits of a seed: folding keeps the high
** bits' entropy.  0 is avoided since GSL replaces a zero seed with the
** generator's default seed, which would alias another stream.
*/
unsigned long cs_stream_seed(uint64_t master, uint64_t replication,
                             uint64_t key)
{
    uint64_t x = mix64(master + GOLDEN);
    uint64_t folded;

    x = mix64(x ^ (replication + GOLDEN));
    x = mix64(x ^ key);
    folded = (x ^ (x >> 32)) & 0xffffffffull;
    return folded != 0 ? (unsigned long)folded : 0x7f4a7c15ul;
}
