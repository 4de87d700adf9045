/*
** testlib.h - helpers shared by the unit tests (tests/test_*.c): checked
** allocation, distributions by hand, a model from YAML text, a short run,
** and the statistics the tolerances are built from.
**
** Header-only (static inline), so each test binary takes what it uses and
** the Makefile links nothing extra.  Every helper fails the current Check
** test (ck_assert / ck_abort) instead of returning an error: callers never
** test their results.  Names start with tl_ so they cannot clash with a
** test's own statics or with the library's cs_ names.
**
** Invariants: no global state; everything a helper returns is owned by the
** caller (freed with free, cs_model_free or cs_summary_free).
*/
#ifndef CHAINSIM_TESTLIB_H
#define CHAINSIM_TESTLIB_H

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/dist.h"
#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/runner.h"
#include "chainsim/scenario.h"
#include "chainsim/summary.h"

/* ---- checked allocation ---------------------------------------------- */

/* A malloc'ed copy of s; caller frees.  Fails the test if out of memory. */
static inline char *tl_dup(const char *s)
{
    char *p = malloc(strlen(s) + 1);

    ck_assert_ptr_nonnull(p);
    strcpy(p, s);
    return p;
}

/* realloc(p, n * size); fails the test if out of memory. */
static inline void *tl_grow(void *p, size_t n, size_t size)
{
    void *q = realloc(p, n * size);

    ck_assert_ptr_nonnull(q);
    return q;
}

/* ---- distributions by hand ------------------------------------------- */

static inline cs_dist tl_const(double v)
{
    cs_dist d;

    memset(&d, 0, sizeof d);
    d.kind = CS_DIST_CONST;
    d.p[0] = v;
    return d;
}

static inline cs_dist tl_exp(double mean)
{
    cs_dist d = tl_const(0);

    d.kind = CS_DIST_EXPONENTIAL;
    d.p[0] = mean;
    return d;
}

/* Gamma with the given mean and coefficient of variation. */
static inline cs_dist tl_gamma(double mean, double cv)
{
    cs_dist d = tl_const(0);

    d.kind = CS_DIST_GAMMA;
    d.p[0] = 1.0 / (cv * cv);
    d.p[1] = mean * cv * cv;
    return d;
}

/* ---- scenarios and runs ---------------------------------------------- */

/* Loads yaml (named "test.yaml" in messages) and builds the baseline
** (variant -1) or variant i.  Caller frees the model. */
static inline cs_model *tl_build(const char *yaml, long variant)
{
    cs_scenario *s = NULL;
    cs_model *m = NULL;
    cs_error err;

    cs_error_clear(&err);
    if (cs_scenario_load_string("test.yaml", yaml, &s, &err) != CS_OK)
        ck_abort_msg("load: %d:%d: %s", err.line, err.column, err.msg);
    if (cs_variant_build(s, variant, &m, &err) != CS_OK)
        ck_abort_msg("build: %d:%d: %s", err.line, err.column, err.msg);
    cs_scenario_free(s);
    return m;
}

/* Runs n replications (0: the model's) of m on threads threads (0: all
** cores), with the model's warm-up.  Caller frees the summary. */
static inline cs_summary *tl_run(const cs_model *m, unsigned threads,
                                 unsigned n)
{
    cs_runner_opts o;
    cs_summary *s = NULL;
    cs_error err;

    memset(&o, 0, sizeof o);
    o.threads = threads;
    o.replications = n;
    o.warmup = -1;
    cs_error_clear(&err);
    ck_assert_msg(cs_summary_run(m, &o, &s, &err) == CS_OK, "run: %s", err.msg);
    ck_assert_ptr_nonnull(s);
    return s;
}

/* ---- comparisons and statistics -------------------------------------- */

/* 1 when a and b have the same bits (bit-identical results). */
static inline int tl_same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Mean of x[0..n) and its standard error (0 when n < 2). */
static inline void tl_mean_se(const double *x, int n, double *mean,
                              double *se)
{
    double s = 0.0, ss = 0.0;

    for (int i = 0; i < n; i++)
        s += x[i];
    *mean = s / n;
    for (int i = 0; i < n; i++)
        ss += (x[i] - *mean) * (x[i] - *mean);
    *se = n > 1 ? sqrt(ss / (n - 1) / n) : 0.0;
}

/* 1 when the environment variable name is set, non-empty and not "0". */
static inline int tl_env_flag(const char *name)
{
    const char *v = getenv(name);

    return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
}

#endif /* CHAINSIM_TESTLIB_H */
