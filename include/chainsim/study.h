/*
** study.h - a study: the simulations one "run" or "compare" asks for.
** Plans the sweep (the cartesian product of the --vary axes), builds a
** model per sweep point and variant from one loaded scenario, runs them
** in order, pairs each variant with the baseline of its point and rolls
** the promises' verdicts up.  Writes only to a FILE it is given.
**
** Invariants: points are numbered in product order, the last axis
** varying fastest; jobs are numbered point by point, at each point the
** baseline first (compare) and then the variants in the scenario's
** order; at most CS_STUDY_MAX_VARY axes, CS_STUDY_MAX_POINTS points and
** CS_STUDY_MAX_POINTS jobs.  Every model is built (and so checked) before
** anything runs, so any error in any point or variant comes before a
** simulation.  In a sweep (more than one point) a model is then stripped
** to what its results are read with (cs_model_strip) and built again when
** its job runs, so the memory of a sweep grows with its results, not with
** its models.
*/
#ifndef CHAINSIM_STUDY_H
#define CHAINSIM_STUDY_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/runner.h"
#include "chainsim/scenario.h"
#include "chainsim/sequential.h"
#include "chainsim/summary.h"
#include "chainsim/theory.h"

#define CS_STUDY_MAX_VARY 16
/* At most this many --set options (each is checked against the scenario). */
#define CS_STUDY_MAX_SET 1000
#define CS_STUDY_MAX_POINTS 100000

/* The command line's overrides common to every point: applied to the
** scenario once, before any sweep value. */
typedef struct cs_study_settings {
    long replications;             /* <= 0: the scenario's */
    const char *seed;              /* NULL: the scenario's */
    const char *horizon;           /* NULL: the scenario's */
    const char *warmup;            /* NULL: the scenario's */
    const char *const *sets;       /* "PATH=VALUE" assignments, [nsets] */
    size_t nsets;
    const char *timeline;          /* NULL: the scenario's (a duration,
                                      the top-level key timeline) */
} cs_study_settings;

/* How many replications a study runs: the model's, or as many as a
** sequential procedure needs (sequential.h). */
typedef enum cs_study_mode {
    CS_STUDY_FIXED = 0,            /* the model's replications */
    CS_STUDY_PRECISION,            /* --precision: until the half-widths
                                      meet the target */
    CS_STUDY_SELECT                /* compare --select: KN */
} cs_study_mode;

/*
** The measure both procedures read is the baseline's first lead-time
** promise's achieved share per replication, or, when it has none, the
** mean lead time; every variant must have that promise (same name and
** definition).
*/
typedef struct cs_study_seq {
    cs_study_mode mode;
    double precision;              /* PRECISION: > 0, in the measure's
                                      unit, or a fraction when relative */
    int relative;                  /* PRECISION: "X%" */
    double indifference;           /* SELECT: delta, in points of the
                                      share (2 = 0.02) or in days of
                                      mean lead time; <= 0: 1 point (no
                                      default for a lead time) */
    unsigned first_stage;          /* 0: CS_SEQUENTIAL_FIRST_STAGE */
    unsigned max_replications;     /* 0: CS_SEQUENTIAL_MAX_REPLICATIONS */
} cs_study_seq;

typedef struct cs_study_opts {
    int compare;                   /* 1: baseline and every variant */
    int independent;               /* compare: variants' own streams */
    const char *const *vary;       /* "PATH=V1,V2,..." arguments, [nvary] */
    size_t nvary;
    cs_study_seq seq;              /* zero: the model's replications */
} cs_study_opts;

/* What a sequential procedure decided for one job. */
typedef struct cs_study_seq_row {
    double half_width;             /* PRECISION: of its measure at the end */
    double target;                 /* the absolute target it met or not */
    double diff_half_width;        /* a compared variant: of its paired
                                      difference from the baseline; NaN */
    double diff_target;
    int met;                       /* PRECISION: all its half-widths met */
    unsigned out_at;               /* SELECT: eliminated at this stage
                                      (its replications); 0: not */
    long out_by;                   /* SELECT: the job it fell short of
                                      then; -1 */
    int selected;                  /* SELECT: the one selected */
} cs_study_seq_row;

/* What a sequential procedure decided for the study. */
typedef struct cs_study_seq_result {
    cs_study_mode mode;
    int promise;                   /* the baseline's promise measured;
                                      -1: the mean lead time */
    const char *measure;           /* its name (borrowed), NULL */
    double precision;              /* as asked (a fraction if relative) */
    int relative;
    unsigned first_stage, max_replications;
    int met;                       /* PRECISION: every job met its target */
    unsigned replications;         /* the most replications of a job */
    /* SELECT */
    double delta;                  /* in the measure's unit (a fraction) */
    double confidence;             /* 0.95 */
    double eta, h2;
    long selected;                 /* the job selected; -1 (interrupted) */
    int complete;                  /* one was left (not cut at the cap) */
    unsigned long total;           /* replications of all the jobs */
} cs_study_seq_result;

/* Called after each replication of job (from the calling thread only). */
typedef void (*cs_study_progress_fn)(void *ctx, size_t job, unsigned done,
                                     unsigned total);

typedef struct cs_study_run_opts {
    unsigned threads;              /* 0 = all cores */
    size_t max_bytes;              /* memory bound of each run (runner.h);
                                      0 = cs_runner_default_max_bytes() */
    const atomic_int *stop;        /* may be NULL: when set, no new job or
                                      replication starts (partial result) */
    cs_study_progress_fn progress; /* may be NULL */
    void *progress_ctx;
    int per_replication;           /* the summaries keep each
                                      replication's figures (reps) */
} cs_study_run_opts;

/* The verdicts of every completed job, rolled up. */
typedef struct cs_study_rollup {
    int partial;                   /* a job interrupted or not run */
    int not_met;                   /* some promise not met */
    int uncertain;                 /* some promise's verdict uncertain */
} cs_study_rollup;

typedef struct cs_study cs_study;

/*
** Loads the scenario at path and adds the settings to it in the order
** replications, seed, horizon and warm-up (warm-up first when the new
** horizon is shorter than the scenario's warm-up), timeline, then each
** --set.
** Caller frees *out.  Errors are the loader's and the overrides'; more
** than CS_STUDY_MAX_SET --set options is an error before the file is read.
*/
cs_status cs_study_load(const char *path, const cs_study_settings *set,
                        cs_scenario **out, cs_error *err);

/*
** Plans a study: parses each --vary argument, splitting on commas outside
** brackets and braces ("x=gamma(mean=2d, cv=0.5),3d").  Borrows o's
** strings only during the call.  Errors (usage errors, CS_EINPUT,
** unlocated): "--vary 'ARG': expected PATH=V1,V2,...", "at most 16 --vary
** options", "--vary: more than 100000 points"; CS_ENOMEM.  Nothing is
** left allocated on error.  Caller frees *out with cs_study_free.
*/
cs_status cs_study_new(const cs_study_opts *o, cs_study **out,
                       cs_error *err);

/* The variant name picks in s: -1 for NULL or "baseline", the variant's
** index, or -2 when s has none so named.  Cannot fail. */
long cs_study_variant(const cs_scenario *s, const char *name);

/* Why cs_study_build failed, for the caller to word its message. */
typedef enum cs_study_fault {
    CS_STUDY_FAULT_INPUT = 0,      /* an override or a model: err says all */
    CS_STUDY_FAULT_USAGE,          /* the plan itself: a usage error */
    CS_STUDY_FAULT_VARIANT         /* no variant so named */
} cs_study_fault;

/*
** Builds the models of every job from base (borrowed; each point is a
** copy of it with the point's values added as overrides; a sweep keeps a
** copy of base to build them again when they run): with compare, the
** baseline and every variant; else the variant named (NULL or
** "baseline": the baseline).  Errors (CS_EINPUT unless CS_ENOMEM), in
** this order: "no variant named 'NAME'" (fault CS_STUDY_FAULT_VARIANT);
** "--vary: more than 100000 simulations (points x variants)"
** (CS_STUDY_FAULT_USAGE), before any model is built; then, point by
** point, the overrides' ("--set PATH=VALUE: error: ...", naming the
** point's value) and the models'; then, with a sequential mode
** (CS_STUDY_FAULT_USAGE): "--precision: variant 'V' does not have the
** baseline's promise 'P' ...", "--select: compare needs at least one
** variant to select from", "--select selects among the variants of one
** scenario; leave out --vary", "--select: the baseline has no lead-time
** promise, ... --indifference DAYS ...".  On error the study holds every
** planned job, with the models built so far (the others NULL); free it.
** Call once.
*/
cs_status cs_study_build(cs_study *st, const cs_scenario *base,
                         const char *variant, cs_error *err);

/* After cs_study_build failed: which kind of error it was. */
cs_study_fault cs_study_build_fault(const cs_study *st);

/*
** Runs the jobs in order until all are done or *o->stop is set (with a
** sequential mode, as many replications as the procedure asks for, each
** job's store exactly its replications 0 .. n-1), then
** compares each variant with the baseline of its point at the Bonferroni
** level for the number of variants.  In a compare whose baseline has
** "warmup: auto", every variant of a point uses the warm-up chosen on its
** baseline (one window for all; not when it is past the variant's
** horizon).  A job's error is returned with the
** model's variant name in front of the message (CS_ESIM, CS_ENOMEM);
** CS_ENOMEM.  Call once, after a
** successful cs_study_build.
*/
cs_status cs_study_run(cs_study *st, const cs_study_run_opts *o,
                       cs_error *err);

/* ---- results made elsewhere (shard.h: --shard, merge, MPI ranks) ---- */

/*
** The model job j runs: in a sweep built again from its point's scenario
** (*owned = 1: caller frees it), else the study's own (*owned = 0,
** borrowed).  Errors are the build's (CS_EINPUT, CS_ENOMEM).
*/
cs_status cs_study_job_model(const cs_study *st, size_t j, cs_model **out,
                             int *owned, cs_error *err);

/*
** Job j's result from s (borrowed; its model is job j's full model): its
** summary, partial when s holds fewer replications than the job's model
** asks for.  Returns CS_OK or CS_ENOMEM.  Then cs_study_finish.
*/
cs_status cs_study_set_result(cs_study *st, size_t j,
                              const cs_runner_store *s, cs_error *err);

/* Once every result is set: which jobs are done (as cs_study_run counts
** them) and the comparisons with the baselines.  Cannot fail. */
void cs_study_finish(cs_study *st);

void cs_study_free(cs_study *st);  /* NULL allowed */

/* ---- the plan (cannot fail) ---- */
size_t cs_study_naxes(const cs_study *st);
const char *const *cs_study_paths(const cs_study *st);   /* [naxes] */
size_t cs_study_npoints(const cs_study *st);
/* The values of point pt, one per axis, [naxes]. */
const char *const *cs_study_point_values(const cs_study *st, size_t pt);

/* ---- the jobs (cannot fail; j < njobs) ---- */
size_t cs_study_njobs(const cs_study *st);
const cs_model *cs_study_model(const cs_study *st, size_t j);
size_t cs_study_point(const cs_study *st, size_t j);
int cs_study_is_base(const cs_study *st, size_t j);
/* The baseline job of j's point, for a compared variant; else -1. */
long cs_study_baseline_of(const cs_study *st, size_t j);

/* ---- the results, after cs_study_run (cannot fail) ---- */
/* Jobs with a result: jobs [0, ndone) each have a summary. */
size_t cs_study_ndone(const cs_study *st);
const cs_summary *cs_study_summary(const cs_study *st, size_t j);
/* j against its point's baseline; NULL when not compared. */
const cs_comparison *cs_study_comparison(const cs_study *st, size_t j);
cs_study_rollup cs_study_verdicts(const cs_study *st);
/* What queueing theory expects of job j's model (theory.h), computed when
** the model was built; valid from cs_study_build on. */
const cs_theory *cs_study_theory(const cs_study *st, size_t j);
/* The sequential procedure's decisions: NULL for CS_STUDY_FIXED. */
const cs_study_seq_result *cs_study_seq_outcome(const cs_study *st);
const cs_study_seq_row *cs_study_seq_job(const cs_study *st, size_t j);

/* 1 for a compare (variants paired with their baselines), else 0. */
int cs_study_is_compare(const cs_study *st);
/* 1 when the variants drew their own streams (--independent). */
int cs_study_is_independent(const cs_study *st);

/*
** Writes to f (stderr, say) a warning for each team offered at least its
** capacity, naming the variant and the sweep point (at most 20, then how
** many more), and one for a point-0 model whose run may take hours (more
** than 10^10 step visits in all).  Cannot fail.
*/
void cs_study_warn(const cs_study *st, FILE *f);

/*
** Writes to f, after cs_study_run, a warning for each result that is not
** a settled steady-state figure (the AUTO, SETTLE and DRIFT warnings of
** summary.h) and for each done_by promise that too few replications
** cannot show met (REPLICATIONS), naming the variant and the sweep point
** (at most 20 of each, then how many more).  Cannot fail.
*/
void cs_study_warn_results(const cs_study *st, FILE *f);

/* The Bonferroni-adjusted confidence level for k variants compared with
** one baseline: 0.95 for k <= 1, else 1 - 0.05 / k.  Cannot fail. */
double cs_study_level(size_t k);

/* The master seed of a variant's model: under --independent its streams
** are keyed by its name too, otherwise (common random numbers) it is the
** scenario's.  Deterministic; cannot fail. */
uint64_t cs_study_seed(uint64_t seed, const char *variant, int independent);

#endif /* CHAINSIM_STUDY_H */
