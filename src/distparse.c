/*
** distparse.c - distributions from their names and arguments, from the
** string form "gamma(mean=4d, cv=0.5)", and from empirical files.
**
** Every distribution that cs_distparse_build accepts has a finite mean and
** variance: parameters that overflow are refused at build time, not
** discovered during a run.  An empirical file must be a regular file of
** bounded size, read without blocking.
*/
#include "chainsim/distparse.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include "chainsim/dist.h"
#include "chainsim/error.h"
#include "chainsim/str.h"
#include "chainsim/units.h"
#include "units_int.h"

/* Most values an empirical distribution holds (inline or from a file),
** the largest empirical file and its longest line (comments excepted). */
#define EMPIRICAL_MAX 1000000
#define EMPIRICAL_MAX_BYTES (64 << 20)
#define EMPIRICAL_LINE_MAX 1024

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
        cs_str_format(msg, size, "uniform(a, b): a must not exceed b");
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
        cs_str_format(msg, size, "%s(min, mode, max): min must not exceed max",
                      name);
        *bad = 2;
        return CS_EINPUT;
    }
    if (v[1] < v[0] || v[1] > v[2]) {
        cs_str_format(msg, size,
                      "%s(min, mode, max): mode must lie between min and max",
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
    cs_str_format(msg, size, "%s: %s must be positive", name, what);
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

/* shape > 0 and scale > 0, kept as they are: gamma and weibull. */
static cs_status shape_scale(const char *name, cs_dist_kind kind,
                             const double *v, cs_dist *out, char *msg,
                             size_t size, int *bad)
{
    if (!need_positive(v[0], name, "shape", 0, msg, size, bad) ||
        !need_positive(v[1], name, "scale", 1, msg, size, bad))
        return CS_EINPUT;
    out->kind = kind;
    out->p[0] = v[0];
    out->p[1] = v[1];
    return CS_OK;
}

static cs_status make_gamma_shape_scale(const double *v, cs_dist *out,
                                        char *msg, size_t size, int *bad)
{
    return shape_scale("gamma", CS_DIST_GAMMA, v, out, msg, size, bad);
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
        cs_str_format(msg, size, "lognormal: p90 must be greater than median");
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
    return shape_scale("weibull", CS_DIST_WEIBULL, v, out, msg, size, bad);
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
        cs_str_format(
            msg, size, "unknown distribution '%.*s' (did you mean '%s'?)",
            (int)(len < CS_UNITS_QUOTE_MAX ? len : CS_UNITS_QUOTE_MAX), name,
                      hint);
    else
        cs_str_format(msg, size,
                      "unknown distribution '%.*s': expected const, uniform, "
            "triangular, pert, exponential, gamma, lognormal, weibull or "
                      "empirical",
            (int)(len < CS_UNITS_QUOTE_MAX ? len : CS_UNITS_QUOTE_MAX), name);
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
        cs_str_format(buf, size, "%s", a);
        return;
    }
    signature(alt, b, sizeof b);
    cs_str_format(buf, size, "%s or %s", a, b);
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
        cs_str_format(msg, size,
                      "%s: unknown argument '%.*s' (did you mean '%s'?)",
                      f->name, CS_UNITS_QUOTE_MAX, key, hint);
    else
        cs_str_format(msg, size, "%s: unknown argument '%.*s': expected %s",
                      f->name, CS_UNITS_QUOTE_MAX, key, sig);
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

/*
** Reads the value of f's parameter slot into *v: a duration or a plain
** number.  On error the message names the form and the parameter.
*/
static cs_status read_value(const form *f, int slot, const char *value,
                            const cs_units *u, double *v, char *msg,
                            size_t size)
{
    const param *pm = &f->params[slot];
    char prefix[64];
    cs_units_err e;

    snprintf(prefix, sizeof prefix, "%s %s: ", f->name, pm->name);
    if (pm->is_time) {
        e = cs_units_scan_duration(value, u, v);
        if (e != CS_UNITS_OK)
            cs_units_duration_msg(e, value, prefix, msg, size);
    } else {
        e = cs_units_scan_number(value, v);
        if (e != CS_UNITS_OK)
            cs_units_number_msg(e, value, prefix, msg, size);
    }
    return e == CS_UNITS_OK ? CS_OK : CS_EINPUT;
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
    char sig[160];

    if (f == NULL)
        return CS_EINPUT;
    signature(f, sig, sizeof sig);
    for (size_t i = 0; i < nargs; i++) {
        int slot;

        *bad = (int)i;
        if (args[i].key == NULL) {
            if (named) {
                cs_str_format(msg, size,
                              "%s: a positional argument cannot follow "
                              "named ones",
                              f->name);
                return CS_EINPUT;
            }
            if (npos >= f->nparams) {
                cs_str_format(msg, size, "%s: too many arguments: expected %s",
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
                cs_str_format(msg, size,
                              "%s: '%s' cannot be combined with '%s': "
                              "expected %s",
                              f->name, args[i].key, args[decider].key, sigs);
                return CS_EINPUT;
            }
            if (slot < 0) {
                unknown_arg_msg(f, other, args[i].key, msg, size);
                return CS_EINPUT;
            }
            if (slot_arg[slot] >= 0) {
                cs_str_format(msg, size, "%s: argument '%s' given twice",
                              f->name, args[i].key);
                return CS_EINPUT;
            }
        }
        slot_arg[slot] = (int)i;
        if (read_value(f, slot, args[i].value, u, &v[slot], msg, size) !=
            CS_OK)
            return CS_EINPUT;
    }
    *bad = -1;
    for (int s = 0; s < f->nparams; s++)
        if (slot_arg[s] < 0) {
            cs_str_format(msg, size, "%s: missing argument '%s': expected %s",
                          f->name, f->params[s].name, sig);
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
        return cs_str_dup(path);
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
        cs_str_format(msg, size, "empirical: cannot open '%s': %s", full,
                      strerror(errno));
        return NULL;
    }
    if (fstat(fd, &sb) != 0) {
        cs_str_format(msg, size, "empirical: cannot read '%s': %s", full,
                      strerror(errno));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(sb.st_mode)) {
        cs_str_format(msg, size, "empirical: '%s' is not a regular file", full);
        close(fd);
        *st = CS_EINPUT;
        return NULL;
    }
    if (sb.st_size > (off_t)EMPIRICAL_MAX_BYTES) {
        cs_str_format(msg, size, "empirical: '%s' is larger than %d MiB", full,
                      EMPIRICAL_MAX_BYTES >> 20);
        close(fd);
        *st = CS_EINPUT;
        return NULL;
    }
    f = fdopen(fd, "r");
    if (f == NULL) {
        cs_str_format(msg, size, "empirical: cannot read '%s': %s", full,
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
    if (overlong && *cs_str_skip_space(line) != '#')
        return -2;
    return (long)n;
}

/* Values read so far from an empirical file. */
typedef struct values {
    double *v;
    size_t n;
    size_t cap;
} values;

/*
** A data file may be any file the user can read, so an error quotes at
** most EXCERPT_MAX characters of a line, each non-printable or non-ASCII
** byte as '?', and "..." when the line is longer.  Cannot fail.
*/
#define EXCERPT_MAX 24

static void excerpt(const char *p, char *buf, size_t size)
{
    size_t n = 0;

    assert(size > EXCERPT_MAX + 3);
    for (; *p != '\0' && n < EXCERPT_MAX; p++)
        buf[n++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
    if (*p != '\0') {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
}

/*
** One line of an empirical file, len as read_line returned it and total
** the bytes read so far: appends the line's value, if it holds one, to
** acc.  Returns CS_OK, or CS_EINPUT / CS_ENOMEM with msg set (after
** prefix, which names the file and line).
*/
static cs_status take_line(const char *line, long len, size_t total,
                           const char *prefix, const cs_units *u,
                           values *acc, char *msg, size_t size)
{
    const char *p;
    double x;
    cs_units_err e;

    if (len == -3) {
        cs_str_format(msg, size, "%scontains a NUL byte", prefix);
        return CS_EINPUT;
    }
    if (len == -2) {
        cs_str_format(msg, size, "%slonger than %d characters", prefix,
                      EMPIRICAL_LINE_MAX - 1);
        return CS_EINPUT;
    }
    if (total > EMPIRICAL_MAX_BYTES) {
        cs_str_format(msg, size, "%sthe file is larger than %d MiB", prefix,
                      EMPIRICAL_MAX_BYTES >> 20);
        return CS_EINPUT;
    }
    p = cs_str_skip_space(line);
    if (*p == '\0' || *p == '#')
        return CS_OK;
    if (acc->n == EMPIRICAL_MAX) {
        cs_str_format(msg, size, "%smore than %d values", prefix,
                      EMPIRICAL_MAX);
        return CS_EINPUT;
    }
    e = cs_units_scan_duration(p, u, &x);
    if (e != CS_UNITS_OK) {
        char quoted[EXCERPT_MAX + 4];
        excerpt(p, quoted, sizeof quoted);
        cs_units_duration_msg(e, quoted, prefix, msg, size);
        return CS_EINPUT;
    }
    if (push_value(&acc->v, &acc->n, &acc->cap, x) != 0) {
        cs_str_format(msg, size, "out of memory");
        return CS_ENOMEM;
    }
    return CS_OK;
}

static cs_status read_empirical(const char *path, const char *basedir,
                                const cs_units *u, cs_dist *out, char *msg,
                                size_t size)
{
    char *full = NULL;
    char line[EMPIRICAL_LINE_MAX];
    values acc = {NULL, 0, 0};
    size_t lineno = 0, total = 0;
    long len;
    FILE *f = NULL;
    cs_status st = CS_EINPUT;

    if (path[0] == '\0') {
        cs_str_format(msg, size, "empirical: empty file name");
        return CS_EINPUT;
    }
    full = join_path(basedir, path);
    if (full == NULL) {
        cs_str_format(msg, size, "out of memory");
        return CS_ENOMEM;
    }
    f = open_empirical(full, msg, size, &st);
    if (f == NULL)
        goto fail;
    st = CS_EINPUT;
    while ((len = read_line(f, line, &total)) != -1) {
        char prefix[CS_ERROR_FILE_MAX + 64];

        lineno++;
        snprintf(prefix, sizeof prefix, "empirical file '%.*s', line %zu: ",
                 CS_ERROR_FILE_MAX, full, lineno);
        st = take_line(line, len, total, prefix, u, &acc, msg, size);
        if (st != CS_OK)
            goto fail;
    }
    st = CS_EINPUT;
    if (ferror(f)) {
        cs_str_format(msg, size, "empirical: cannot read '%s': %s", full,
                      strerror(errno));
        st = CS_EIO;
        goto fail;
    }
    if (acc.n == 0) {
        cs_str_format(msg, size, "empirical file '%s' holds no values", full);
        goto fail;
    }
    out->kind = CS_DIST_EMPIRICAL;
    out->values = acc.v;
    out->nvalues = acc.n;
    fclose(f);
    free(full);
    return CS_OK;

fail:
    if (f != NULL)
        fclose(f);
    free(full);
    free(acc.v);
    return st;
}

static cs_status build_empirical(const cs_dist_arg *args, size_t nargs,
                                 const cs_units *u, const char *basedir,
                                 cs_dist *out, char *msg, size_t size,
                                 int *bad)
{
    double *vals;

    if (nargs == 0) {
        cs_str_format(msg, size,
                      "empirical: expected file=PATH or at least one value");
        return CS_EINPUT;
    }
    for (size_t i = 0; i < nargs; i++) {
        if (args[i].key == NULL)
            continue;
        *bad = (int)i;
        if (strcmp(args[i].key, "file") != 0) {
            static const char *const file_only[] = {"file", NULL};
            const int near = cs_error_suggest(args[i].key, file_only) != NULL;

            cs_str_format(msg, size,
                          "empirical: unknown argument '%.*s'%s: expected "
                          "empirical(file=PATH) or empirical(v1, v2, ...)",
                          CS_UNITS_QUOTE_MAX, args[i].key,
                          near ? " (did you mean 'file'?)" : "");
            return CS_EINPUT;
        }
        if (nargs != 1) {
            cs_str_format(msg, size,
                          "empirical: file= cannot be combined with other "
                          "arguments");
            return CS_EINPUT;
        }
        return read_empirical(args[i].value, basedir, u, out, msg, size);
    }
    if (nargs > EMPIRICAL_MAX) {
        cs_str_format(msg, size, "empirical: more than %d values",
                      EMPIRICAL_MAX);
        *bad = EMPIRICAL_MAX;
        return CS_EINPUT;
    }
    vals = malloc(nargs * sizeof *vals);
    if (vals == NULL) {
        cs_str_format(msg, size, "out of memory");
        return CS_ENOMEM;
    }
    for (size_t i = 0; i < nargs; i++) {
        const cs_units_err e =
            cs_units_scan_duration(args[i].value, u, &vals[i]);
        if (e != CS_UNITS_OK) {
            cs_units_duration_msg(e, args[i].value, "empirical value: ", msg,
                                  size);
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

cs_status cs_distparse_build(const char *name, const cs_dist_arg *args,
                             size_t nargs, const cs_units *u,
                             const char *basedir, cs_dist *out, char *msg,
                             size_t msgsize, int *bad_arg)
{
    cs_units def;
    int bad = -1;
    cs_status st = CS_EINPUT;

    u = cs_units_or_default(u, &def);
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
        cs_str_format(msg, msgsize,
                      "%s: %s out of range (the mean or the variance is "
                      "not finite)",
                      name,
                      strcmp(name, "empirical") == 0 ? "values" : "parameters");
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
    const cs_units_err e = cs_units_scan_duration(s, u, &v);
    const size_t wlen = (size_t)(word_end - word);
    char name[16];

    if (e == CS_UNITS_OK) {
        *out = cs_dist_const(v);
        return CS_OK;
    }
    *col = column(s, word);
    if (wlen > 0 && wlen < sizeof name &&
        *cs_str_skip_space(word_end) == '\0') {
        memcpy(name, word, wlen);
        name[wlen] = '\0';
        if (is_dist_name(name)) {
            cs_str_format(msg, size,
                          "%s needs its arguments in parentheses: %s(...)",
                          name, name);
            return CS_EINPUT;
        }
    }
    if (wlen > 0 && e == CS_UNITS_SYNTAX)
        cs_str_format(
                      msg, size,
                      "invalid duration or distribution '%.*s': expected a "
            "duration (e.g. 2.5d) or NAME(ARGS) (e.g. gamma(mean=4d, cv=0.5))",
                      CS_UNITS_QUOTE_MAX, word);
    else
        cs_units_duration_msg(e, word, "", msg, size);
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
        char *const start = p + (cs_str_skip_space(p) - p);
        char *stop = strchr(start, ',');
        const int last = stop == NULL;
        char *end, *eq;

        if (last)
            stop = start + strlen(start);
        *stop = '\0';
        end = stop;
        while (end > start && cs_str_is_space(end[-1]))
            *--end = '\0';
        *col = column(buf, start);
        if (start == end) {
            cs_str_format(msg, size, "empty argument");
            return -1;
        }
        args[n].key = NULL;
        args[n].value = start;
        eq = strchr(start, '=');
        if (eq != NULL) {
            char *kend = eq;
            while (kend > start && cs_str_is_space(kend[-1]))
                kend--;
            *kend = '\0';
            *eq = '\0';
            args[n].key = start;
            args[n].value = cs_str_skip_space(eq + 1);
            if (start == kend) {
                cs_str_format(msg, size, "missing argument name before '='");
                return -1;
            }
            if (args[n].value[0] == '\0') {
                cs_str_format(msg, size, "missing value after '%.*s='",
                              CS_UNITS_QUOTE_MAX, start);
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

cs_status cs_distparse_text(const char *s, const cs_units *u,
                            const char *basedir, cs_dist *out, char *msg,
                            size_t msgsize, int *bad_col)
{
    const char *word = cs_str_skip_space(s), *word_end = word, *open, *close;
    cs_dist_arg *args = NULL;
    int *cols = NULL;
    char *buf = NULL;
    size_t nargs = 0;
    long got;
    int col = -1, bad = -1;
    cs_status st = CS_EINPUT;
    cs_units def;

    u = cs_units_or_default(u, &def);
    *out = cs_dist_const(0.0);
    while (is_alpha(*word_end))
        word_end++;
    open = cs_str_skip_space(word_end);
    if (word_end == word || *open != '(') {
        st = parse_bare(s, word, word_end, u, out, msg, msgsize, &col);
        goto done;
    }
    buf = cs_str_dup(s);
    if (buf == NULL) {
        cs_str_format(msg, msgsize, "out of memory");
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
        cs_str_format(msg, msgsize, "missing ')'");
        col = column(s, s + strlen(s));
        goto done;
    }
    if (*cs_str_skip_space(close + 1) != '\0') {
        cs_str_format(msg, msgsize, "unexpected text after ')'");
        col = column(s, cs_str_skip_space(close + 1));
        goto done;
    }
    buf[close - s] = '\0';
    if (*cs_str_skip_space(open + 1) != ')') {
        nargs = 1;
        for (const char *c = open + 1; c < close; c++)
            nargs += *c == ',';
        args = malloc(nargs * sizeof *args);
        cols = malloc(nargs * sizeof *cols);
        if (args == NULL || cols == NULL) {
            cs_str_format(msg, msgsize, "out of memory");
            st = CS_ENOMEM;
            goto done;
        }
        got = split_args(buf, (size_t)(open + 1 - s), args, cols, msg,
                         msgsize, &col);
        if (got < 0)
            goto done;
    }
    st = cs_distparse_build(buf + (word - s), args, nargs, u, basedir, out, msg,
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
