/*
** study.c - sweep planning, the models per point and variant, their runs
** and paired comparisons (study.h).
**
** A point is a copy of the loaded scenario with the point's values added
** as overrides: the file is read and parsed once.  The models own what
** they need, so each point's copy is freed once its models are built.
** In a sweep the models are checked when the study is built, stripped to
** what their results are read with, and built again when they run.
*/
#include "chainsim/study.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/dist.h"
#include "chainsim/sequential.h"
#include "chainsim/str.h"
#include "chainsim/stream.h"
#include "chainsim/theory.h"

/* One --vary option: its path and values. */
typedef struct vary_axis {
    char *path;
    char **values;
    size_t n;
} vary_axis;

/* A team offered at least its capacity (a warning to give). */
typedef struct unstable {
    int team;
    double util;
} unstable;

/* A model to simulate, and what the report says of it. */
typedef struct job {
    cs_model *model;          /* in a sweep stripped once checked: the
                                 model is built again when the job runs */
    size_t point;             /* sweep point index */
    long variant;             /* -1: the baseline */
    int is_base;
    unstable *unstable;       /* [nunstable] */
    size_t nunstable;
    double visits;            /* step visits of all its replications */
    cs_summary *summary;
    cs_comparison *vs;
    cs_theory theory;         /* what queueing theory expects of it */
    int measure;              /* sequential: its promise read (-1: the
                                 mean lead time) */
    cs_study_seq_row seq;     /* sequential: what was decided */
} job;

struct cs_study {
    cs_study_opts opts;          /* vary strings not kept */
    vary_axis axes[CS_STUDY_MAX_VARY];
    const char *paths[CS_STUDY_MAX_VARY];   /* borrowed from axes */
    size_t naxes;
    size_t npoints;
    char ***point_values;        /* [npoints][naxes], borrowed from axes */
    job *jobs;
    size_t njobs;
    int lazy;                    /* a sweep: models built when run */
    cs_scenario *base;           /* lazy: the loaded scenario, a copy */
    size_t ndone;
    cs_study_fault fault;        /* why cs_study_build failed */
    cs_study_seq_result seq;     /* sequential: the study's decisions */
};

static cs_status no_memory(cs_error *err)
{
    return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
}

/* ---- loading ----------------------------------------------------------- */

/* Adds the override "KEY=VALUE", however long VALUE is. */
static cs_status add_pair(cs_scenario *s, const char *key, const char *value,
                          cs_error *err)
{
    const size_t n = strlen(key) + strlen(value) + 2;
    char *buf = malloc(n);
    cs_status st;

    if (buf == NULL)
        return no_memory(err);
    snprintf(buf, n, "%s=%s", key, value);
    st = cs_variant_add_override(s, buf, err);
    free(buf);
    return st;
}

/* --horizon then --warmup, or the other way round when the new horizon is
** shorter than the scenario's warm-up. */
static cs_status add_times(cs_scenario *s, const cs_study_settings *set,
                           cs_error *err)
{
    cs_status st;

    if (set->horizon == NULL)
        return set->warmup != NULL ? add_pair(s, "warmup", set->warmup, err)
                                   : CS_OK;
    st = add_pair(s, "horizon", set->horizon, err);
    if (st == CS_EINPUT && set->warmup != NULL) {
        if (add_pair(s, "warmup", set->warmup, err) == CS_OK)
            st = add_pair(s, "horizon", set->horizon, err);
    } else if (st == CS_OK && set->warmup != NULL) {
        st = add_pair(s, "warmup", set->warmup, err);
    }
    return st;
}

static cs_status add_settings(cs_scenario *s, const cs_study_settings *set,
                              cs_error *err)
{
    cs_status st;
    char buf[64];

    if (set->replications > 0) {
        snprintf(buf, sizeof buf, "%ld", set->replications);
        if ((st = add_pair(s, "replications", buf, err)) != CS_OK)
            return st;
    }
    if (set->seed != NULL &&
        (st = add_pair(s, "seed", set->seed, err)) != CS_OK)
        return st;
    if ((st = add_times(s, set, err)) != CS_OK)
        return st;
    if (set->timeline != NULL &&
        (st = add_pair(s, "timeline", set->timeline, err)) != CS_OK)
        return st;
    return cs_variant_add_overrides(s, set->sets, set->nsets, err);
}

cs_status cs_study_load(const char *path, const cs_study_settings *set,
                        cs_scenario **out, cs_error *err)
{
    cs_scenario *s = NULL;
    cs_status st;

    *out = NULL;
    if (set->nsets > CS_STUDY_MAX_SET)
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0, "at most %d --set "
                            "options", CS_STUDY_MAX_SET);
    if ((st = cs_scenario_load(path, &s, err)) != CS_OK)
        return st;
    if ((st = add_settings(s, set, err)) != CS_OK) {
        cs_scenario_free(s);
        return st;
    }
    *out = s;
    return CS_OK;
}

/* ---- planning ---------------------------------------------------------- */

static void axis_free(vary_axis *ax)
{
    for (size_t j = 0; j < ax->n; j++)
        free(ax->values[j]);
    free(ax->values);
    free(ax->path);
    memset(ax, 0, sizeof *ax);
}

/* Adds the value p[0..len); an empty or blank one is refused (-1): a
** stray comma must not add a point without a value. */
static int add_value(vary_axis *ax, const char *p, size_t len)
{
    char **nv;
    size_t i = 0;

    while (i < len && cs_str_is_space(p[i]))
        i++;
    if (i == len)
        return -1;
    if ((nv = realloc(ax->values, (ax->n + 1) * sizeof *nv)) == NULL)
        return -2;
    ax->values = nv;
    if ((ax->values[ax->n] = cs_str_ndup(p, len)) == NULL)
        return -2;
    ax->n++;
    return 0;
}

/*
** Splits "PATH=V1,V2,..." on commas that are not inside brackets or
** braces, so "--vary teams.a.handoff={dist: const, value: 1d},2d" and
** "--vary x=gamma(mean=2d, cv=0.5),3d" both work.  Returns 0, -1 for a
** malformed argument (no '=', no path, an empty value: "1,2," or
** "1,,2"), -2 out of memory; on error *ax holds nothing.
*/
static int parse_axis(const char *arg, vary_axis *ax)
{
    const char *eq = strchr(arg, '=');
    const char *p;
    int depth = 0;

    memset(ax, 0, sizeof *ax);
    if (eq == NULL || eq == arg)
        return -1;
    if ((ax->path = cs_str_ndup(arg, (size_t)(eq - arg))) == NULL)
        return -2;
    p = eq + 1;
    for (const char *q = p;; q++) {
        if (*q == '(' || *q == '[' || *q == '{')
            depth++;
        else if ((*q == ')' || *q == ']' || *q == '}') && depth > 0)
            depth--;
        if (*q == '\0' || (*q == ',' && depth == 0)) {
            const int rc = add_value(ax, p, (size_t)(q - p));
            if (rc != 0) {
                axis_free(ax);
                return rc;
            }
            if (*q == '\0')
                break;
            p = q + 1;
        }
    }
    return 0;
}

static cs_status plan_axes(cs_study *st, const cs_study_opts *o,
                           cs_error *err)
{
    if (o->nvary > CS_STUDY_MAX_VARY)
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0, "at most %d --vary "
                            "options", CS_STUDY_MAX_VARY);
    st->npoints = 1;
    for (size_t i = 0; i < o->nvary; i++) {
        const int rc = parse_axis(o->vary[i], &st->axes[i]);
        if (rc == -2)
            return no_memory(err);
        if (rc != 0)
            return cs_error_set(err, CS_EINPUT, NULL, 0, 0, "--vary '%s': "
                                "expected PATH=V1,V2,...", o->vary[i]);
        st->paths[i] = st->axes[i].path;
        st->naxes++;
        /* two axes on one path would be two columns, but each run would
           see only the last one's value */
        for (size_t j = 0; j < i; j++)
            if (strcmp(st->axes[j].path, st->axes[i].path) == 0)
                return cs_error_set(err, CS_EINPUT, NULL, 0, 0, "--vary: "
                                    "'%s' is given twice; list all its "
                                    "values in one --vary", st->axes[i].path);
        if (st->npoints * st->axes[i].n > CS_STUDY_MAX_POINTS)
            return cs_error_set(err, CS_EINPUT, NULL, 0, 0, "--vary: more "
                                "than %d points", CS_STUDY_MAX_POINTS);
        st->npoints *= st->axes[i].n;
    }
    return CS_OK;
}

/* Point pt's values in product order: the last axis varies fastest. */
static cs_status plan_points(cs_study *st, cs_error *err)
{
    st->point_values = calloc(st->npoints, sizeof *st->point_values);
    if (st->point_values == NULL)
        return no_memory(err);
    for (size_t pt = 0; pt < st->npoints; pt++) {
        size_t rest = pt;
        char **v = calloc(st->naxes + 1, sizeof *v);

        if (v == NULL)
            return no_memory(err);
        st->point_values[pt] = v;
        for (size_t i = st->naxes; i-- > 0;) {
            v[i] = st->axes[i].values[rest % st->axes[i].n];
            rest /= st->axes[i].n;
        }
    }
    return CS_OK;
}

cs_status cs_study_new(const cs_study_opts *o, cs_study **out, cs_error *err)
{
    cs_study *st = calloc(1, sizeof *st);
    cs_status s;

    *out = NULL;
    if (st == NULL)
        return no_memory(err);
    st->opts = *o;
    st->opts.vary = NULL;
    if ((s = plan_axes(st, o, err)) != CS_OK ||
        (s = plan_points(st, err)) != CS_OK) {
        cs_study_free(st);
        return s;
    }
    *out = st;
    return CS_OK;
}

void cs_study_free(cs_study *st)
{
    if (st == NULL)
        return;
    for (size_t j = 0; j < st->njobs; j++) {
        cs_summary_comparison_free(st->jobs[j].vs);
        cs_summary_free(st->jobs[j].summary);
        cs_model_free(st->jobs[j].model);
        free(st->jobs[j].unstable);
        cs_theory_fini(&st->jobs[j].theory);
    }
    free(st->jobs);
    cs_scenario_free(st->base);
    if (st->point_values != NULL)
        for (size_t i = 0; i < st->npoints; i++)
            free(st->point_values[i]);
    free(st->point_values);
    for (size_t i = 0; i < st->naxes; i++)
        axis_free(&st->axes[i]);
    free(st);
}

/* ---- building ---------------------------------------------------------- */

uint64_t cs_study_seed(uint64_t seed, const char *variant, int independent)
{
    return independent ? cs_stream_key(seed, variant) : seed;
}

long cs_study_variant(const cs_scenario *s, const char *name)
{
    long v;

    if (name == NULL || strcmp(name, "baseline") == 0)
        return -1;
    v = cs_variant_index(s, name);
    return v >= 0 ? v : -2;
}

/* Adds point pt's values to s as overrides "PATH=VALUE", in one pass. */
static cs_status add_point(cs_scenario *s, const cs_study *st, size_t pt,
                           cs_error *err)
{
    char *pairs[CS_STUDY_MAX_VARY];
    cs_status rc = CS_OK;
    size_t n = 0;

    for (; n < st->naxes; n++) {
        const char *key = st->axes[n].path, *value = st->point_values[pt][n];
        const size_t len = strlen(key) + strlen(value) + 2;
        if ((pairs[n] = malloc(len)) == NULL) {
            rc = no_memory(err);
            break;
        }
        snprintf(pairs[n], len, "%s=%s", key, value);
    }
    if (rc == CS_OK)
        rc = cs_variant_add_overrides(s, (const char *const *)pairs, n, err);
    while (n-- > 0)
        free(pairs[n]);
    return rc;
}

/* The scenario of point pt: a copy of base with the point's values. */
static cs_status point_scenario(const cs_study *st, const cs_scenario *base,
                                size_t pt, cs_scenario **out, cs_error *err)
{
    cs_status rc = cs_scenario_clone(base, out, err);

    if (rc == CS_OK && (rc = add_point(*out, st, pt, err)) != CS_OK) {
        cs_scenario_free(*out);
        *out = NULL;
    }
    return rc;
}

/* The model of job j from its point's scenario s, with the job's seed. */
static cs_status job_model(const cs_study *st, const job *j,
                           const cs_scenario *s, cs_model **out,
                           cs_error *err)
{
    if (cs_variant_build(s, j->variant, out, err) != CS_OK)
        return err->status;
    if (j->variant >= 0)
        (*out)->seed = cs_study_seed((*out)->seed, (*out)->variant,
                                     st->opts.independent);
    return CS_OK;
}

/* What cs_study_warn says of job j's model m, kept for when m is gone. */
static cs_status note_warnings(job *j, const cs_model *m, cs_error *err)
{
    double *util = calloc((size_t)m->nteams + 1, sizeof *util);

    if (util == NULL)
        return no_memory(err);
    cs_model_offered_load(m, util);
    for (int t = 0; t < m->nteams; t++) {
        if (!(util[t] >= 1.0) || cs_model_team_patient(m, t))
            continue;
        unstable *u = realloc(j->unstable, (j->nunstable + 1) * sizeof *u);
        if (u == NULL) {
            free(util);
            return no_memory(err);
        }
        j->unstable = u;
        j->unstable[j->nunstable++] = (unstable){t, util[t]};
    }
    free(util);
    for (int c = 0; c < m->nclasses; c++)
        j->visits += cs_model_run_visits(m, c);
    j->visits *= m->replications;
    return CS_OK;
}

/* Plans the jobs of every point (variants first..last), before anything
** is built, so that a run too large is refused at once. */
static cs_status plan_jobs(cs_study *st, long first, long last,
                           cs_error *err)
{
    const size_t per_point = (size_t)(last - first + 1);

    if (per_point > CS_STUDY_MAX_POINTS / st->npoints) {
        st->fault = CS_STUDY_FAULT_USAGE;
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0, "--vary: more "
                            "than %d simulations (points x variants)",
                            CS_STUDY_MAX_POINTS);
    }
    st->jobs = calloc(st->npoints * per_point + 1, sizeof *st->jobs);
    if (st->jobs == NULL)
        return no_memory(err);
    for (size_t pt = 0; pt < st->npoints; pt++)
        for (long v = first; v <= last; v++) {
            job *const j = &st->jobs[st->njobs++];
            j->point = pt;
            j->variant = v;
            j->is_base = v < 0;
        }
    return CS_OK;
}

/* Builds the models of point pt's jobs, from *next on: every one is
** checked; in a sweep only what the results are read with is kept. */
static cs_status build_point(cs_study *st, const cs_scenario *base,
                             size_t pt, size_t *next, cs_error *err)
{
    cs_scenario *s = NULL;
    cs_status rc = point_scenario(st, base, pt, &s, err);

    for (; rc == CS_OK && *next < st->njobs && st->jobs[*next].point == pt;
         ++*next) {
        job *const j = &st->jobs[*next];
        if ((rc = job_model(st, j, s, &j->model, err)) == CS_OK &&
            (rc = note_warnings(j, j->model, err)) == CS_OK &&
            (rc = cs_theory_init(&j->theory, j->model, err)) == CS_OK &&
            st->lazy)
            cs_model_strip(j->model);
    }
    cs_scenario_free(s);
    return rc;
}

/* The baseline's first lead-time promise, or -1. */
static int first_lead_time_promise(const cs_model *m)
{
    for (int p = 0; p < m->npromises; p++)
        if (m->promises[p].kind == CS_PROMISE_LEAD_TIME)
            return p;
    return -1;
}

/* A usage error of the sequential options (the plan, not a model). */
#define SEQ_USAGE(st, err, ...)                                            \
    ((st)->fault = CS_STUDY_FAULT_USAGE,                                   \
     cs_error_set(err, CS_EINPUT, NULL, 0, 0, __VA_ARGS__))

/* Job j's promise measured: the one named name with the definition of
** promise p of ref (its point's baseline), or -1. */
static int job_measure(const cs_model *ref, int p, const cs_model *m)
{
    int q = -1;

    for (int k = 0; p >= 0 && k < m->npromises; k++)
        if (strcmp(m->promises[k].name, ref->promises[p].name) == 0 &&
            cs_model_promise_same(ref, p, m, k))
            q = k;
    return q;
}

/*
** The measure of a sequential study, once every model is built: the
** first lead-time promise of the baseline (or the mean lead time), which
** every variant must have with the same definition; --select needs a
** compare of at least two, one point and, for a lead time,
** --indifference.
*/
static cs_status plan_sequential(cs_study *st, cs_error *err)
{
    const cs_study_seq *q = &st->opts.seq;
    cs_study_seq_result *r = &st->seq;
    const char *opt = q->mode == CS_STUDY_SELECT ? "--select" : "--precision";
    const cs_model *base;

    r->mode = q->mode;
    if (q->mode == CS_STUDY_FIXED)
        return CS_OK;
    base = st->jobs[0].model;
    r->promise = first_lead_time_promise(base);
    r->measure = r->promise >= 0 ? base->promises[r->promise].name : NULL;
    r->precision = q->precision;
    r->relative = q->relative;
    r->first_stage = q->first_stage > 0 ? q->first_stage
                                        : CS_SEQUENTIAL_FIRST_STAGE;
    r->max_replications = q->max_replications > 0
                              ? q->max_replications
                              : CS_SEQUENTIAL_MAX_REPLICATIONS;
    if (r->max_replications < r->first_stage)
        r->max_replications = r->first_stage;
    r->confidence = 0.95;
    r->selected = -1;
    r->met = 1;
    for (size_t j = 0; j < st->njobs; j++) {
        const long b = cs_study_baseline_of(st, j);
        const cs_model *ref = st->jobs[b >= 0 ? (size_t)b : j].model;
        const cs_model *m = st->jobs[j].model;
        const int pr = r->promise >= 0 ? first_lead_time_promise(ref) : -1;
        const int p = job_measure(ref, pr, m);
        if (r->promise >= 0 && (pr < 0 || p < 0 ||
                                strcmp(ref->promises[pr].name,
                                       r->measure) != 0))
            return SEQ_USAGE(st, err, "%s: variant '%s' does not have the "
                             "baseline's promise '%s' (the same name and "
                             "definition), the measure compared", opt,
                             m->variant, r->measure);
        st->jobs[j].measure = p;
        memset(&st->jobs[j].seq, 0, sizeof st->jobs[j].seq);
        st->jobs[j].seq.diff_half_width = st->jobs[j].seq.diff_target = NAN;
        st->jobs[j].seq.half_width = st->jobs[j].seq.target = NAN;
        st->jobs[j].seq.out_by = -1;
    }
    if (q->mode != CS_STUDY_SELECT)
        return CS_OK;
    if (!st->opts.compare || st->njobs < 2)
        return SEQ_USAGE(st, err, "%s: compare needs at least one variant "
                         "to select from", opt);
    if (st->npoints > 1)
        return SEQ_USAGE(st, err, "%s selects among the variants of one "
                         "scenario; leave out --vary", opt);
    if (r->promise < 0 && !(q->indifference > 0))
        return SEQ_USAGE(st, err, "%s: the baseline has no lead-time "
                         "promise, so the mean lead time is compared; "
                         "--indifference DAYS says what difference matters",
                         opt);
    r->delta = r->promise >= 0
                   ? (q->indifference > 0 ? q->indifference : 1.0) / 100.0
                   : q->indifference;
    r->eta = cs_sequential_kn_eta((int)st->njobs, r->first_stage,
                                  1.0 - r->confidence);
    r->h2 = 2.0 * r->eta * (double)(r->first_stage - 1);
    return CS_OK;
}

cs_status cs_study_build(cs_study *st, const cs_scenario *base,
                         const char *variant, cs_error *err)
{
    long first = -1, last = -1;
    size_t next = 0;
    cs_status rc;

    cs_error_clear(err);
    if (st->opts.compare) {
        last = (long)cs_variant_count(base) - 1;
    } else if ((first = last = cs_study_variant(base, variant)) < -1) {
        st->fault = CS_STUDY_FAULT_VARIANT;
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0, "no variant named "
                            "'%s'", variant);
    }
    if ((rc = plan_jobs(st, first, last, err)) != CS_OK)
        return rc;
    st->lazy = st->npoints > 1;
    if (st->lazy && (rc = cs_scenario_clone(base, &st->base, err)) != CS_OK)
        return rc;
    for (size_t pt = 0; pt < st->npoints && rc == CS_OK; pt++)
        rc = build_point(st, base, pt, &next, err);
    if (rc == CS_OK)
        rc = plan_sequential(st, err);
    return rc;
}

cs_study_fault cs_study_build_fault(const cs_study *st)
{
    return st->fault;
}

/* ---- running ----------------------------------------------------------- */

double cs_study_level(size_t k)
{
    return k > 1 ? 1.0 - 0.05 / (double)k : 0.95;
}

long cs_study_baseline_of(const cs_study *st, size_t j)
{
    if (st->jobs[j].is_base || !st->opts.compare)
        return -1;
    for (size_t b = 0; b < st->njobs; b++)
        if (st->jobs[b].is_base && st->jobs[b].point == st->jobs[j].point)
            return (long)b;
    return -1;
}

/* Paired comparisons of the completed variants against the baseline of
** the same point (when it completed too). */
static void compare_jobs(cs_study *st)
{
    size_t k = 0;

    for (size_t j = 0; j < st->ndone; j++)
        if (!st->jobs[j].is_base && st->jobs[j].point == 0)
            k++;
    const double level = cs_study_level(k);
    for (size_t j = 0; j < st->ndone; j++) {
        const long b = cs_study_baseline_of(st, j);
        if (b >= 0 && (size_t)b < st->ndone)
            st->jobs[j].vs = cs_summary_compare(st->jobs[b].summary,
                                        st->jobs[j].summary, level);
    }
}

typedef struct progress_relay {
    const cs_study_run_opts *o;
    size_t job;
    unsigned before;           /* the job's replications of earlier rounds */
    unsigned total;            /* the job's replications in all */
} progress_relay;

static void relay_progress(void *ctx, unsigned done, unsigned total)
{
    const progress_relay *r = ctx;

    (void)total;
    r->o->progress(r->o->progress_ctx, r->job, r->before + done, r->total);
}

/* Names job j in front of err's message: its variant and, in a sweep,
** its point: "baseline at --vary PATH=VALUE, PATH=VALUE: ...". */
static void prefix_job(const cs_study *st, size_t j, cs_error *err)
{
    const char *const *values = cs_study_point_values(st, st->jobs[j].point);
    char buf[CS_ERROR_MSG_MAX], p[CS_ERROR_MSG_MAX], v[CS_ERROR_MSG_MAX];
    size_t len;

    snprintf(buf, sizeof buf, "%s", st->jobs[j].model->variant);
    for (size_t i = 0; i < st->naxes; i++) {
        len = strlen(buf);
        snprintf(buf + len, sizeof buf - len, "%s%s=%s",
                 i == 0 ? " at --vary " : ", ",
                 cs_str_printable(st->paths[i], p, sizeof p),
                 cs_str_printable(values[i], v, sizeof v));
    }
    cs_error_prefix(err, buf);
}


/* What a point's jobs hold while their rounds run. */
typedef struct slot {
    cs_model *full;            /* the model run (the job's own, or built
                                  again in a sweep) */
    cs_runner_store *store;    /* the rounds so far */
    cs_runner_store *pending;  /* the round running, until all its jobs
                                  have run it */
    unsigned want;             /* replications asked for */
    unsigned planned;          /* sequential: the most it may run (so
                                  "auto" takes its pilots as a fixed run
                                  of that many would) */
} slot;

/* The replications of one round: enough for every thread to be busy and
** at most about 10 rounds (each round costs a thread start and its
** histograms), so an interrupt loses at most a tenth. */
static unsigned round_size(unsigned want, unsigned threads)
{
    const unsigned t = threads > 0 ? threads : cs_runner_cpu_count();
    unsigned r = (want + 9) / 10;

    if (r < 4 * t)
        r = 4 * t;
    return r < want ? r : want;
}

/*
** The warm-up for job j of a point whose first round ran: its own (as
** chosen then), or with "auto" on the baseline of a compare, the
** baseline's, so every variant of a point shares one window (not when it
** is past the variant's horizon); -1 before any round (the model's own).
*/
static double job_warmup(const cs_study *st, const slot *sl, size_t j0,
                         size_t j)
{
    const long b = cs_study_baseline_of(st, j);

    if (sl[j - j0].store != NULL)
        return sl[j - j0].store->warmup;
    if (b >= 0 && (size_t)b >= j0 && (size_t)b < j &&
        st->jobs[b].model->warmup_auto) {
        const slot *bs = &sl[(size_t)b - j0];
        const cs_runner_store *from =
            bs->store != NULL ? bs->store : bs->pending;
        double w;
        if (from == NULL)
            return -1;
        w = from->warmup;
        return w < sl[j - j0].full->horizon ? w : -1;
    }
    return -1;
}

/* Round r of job j: its replications first .. (up to want - 1) into the
** slot's pending part.  *stopped is set when an interrupt cut it short. */
static cs_status run_round(cs_study *st, const cs_study_run_opts *o,
                           slot *sl, size_t j0, size_t j, unsigned first,
                           unsigned size, int *stopped, cs_error *err)
{
    slot *const me = &sl[j - j0];
    progress_relay relay = {o, j, first, me->want};
    cs_runner_opts ro;
    cs_status rc;

    memset(&ro, 0, sizeof ro);
    ro.threads = o->threads;
    ro.max_bytes = o->max_bytes;
    ro.stop = o->stop;
    ro.first = first;
    ro.replications = me->want - first < size ? me->want - first : size;
    ro.kept = me->store != NULL ? (unsigned)me->store->n : 0;
    ro.planned = me->planned > me->want ? me->planned : me->want;
    ro.per_replication = o->per_replication;
    if (o->progress != NULL) {
        ro.progress = relay_progress;
        ro.progress_ctx = &relay;
    }
    ro.warmup = job_warmup(st, sl, j0, j);
    cs_error_clear(err);
    rc = cs_runner_run(me->full, &ro, &me->pending, err);
    if (rc != CS_OK) {
        prefix_job(st, j, err);
        return rc;
    }
    if (me->pending->n < me->pending->total)
        *stopped = 1;
    return CS_OK;
}

/* Adds every pending part of a round to its job's store (keep), or drops
** them all. */
static cs_status commit_round(slot *sl, size_t n, int keep, cs_error *err)
{
    cs_status rc = CS_OK;

    for (size_t k = 0; k < n; k++) {
        slot *const me = &sl[k];
        if (me->pending == NULL)
            continue;
        if (keep && me->store == NULL) {
            me->store = me->pending;
            me->pending = NULL;
            continue;
        }
        if (keep && rc == CS_OK &&
            cs_runner_store_append(me->store, me->pending) != 0)
            rc = no_memory(err);
        cs_runner_store_free(me->pending);
        me->pending = NULL;
    }
    return rc;
}

/* The summaries of a point's jobs j0 .. j1 - 1 from their stores. */
static cs_status point_summaries(cs_study *st, slot *sl, size_t j0,
                                 size_t j1, cs_error *err)
{
    for (size_t j = j0; j < j1; j++) {
        const cs_runner_store *store = sl[j - j0].store;
        cs_summary *sum;
        if (store == NULL)
            continue;
        if ((sum = cs_summary_build(store)) == NULL)
            return no_memory(err);
        sum->partial = store->n < sl[j - j0].want;
        if (st->lazy)
            sum->model = st->jobs[j].model;
        st->jobs[j].summary = sum;
    }
    return CS_OK;
}

static void slots_free(const cs_study *st, slot *sl, size_t n)
{
    for (size_t k = 0; sl != NULL && k < n; k++) {
        cs_runner_store_free(sl[k].store);
        cs_runner_store_free(sl[k].pending);
        if (st->lazy)
            cs_model_free(sl[k].full);
    }
    free(sl);
}

/* ---- sequential procedures ------------------------------------------- */

/*
** Job k's measure for its first n rows (those of its store, then of its
** pending round) into x: the promise's achieved share, or the mean lead
** time.  For KN (kn) as larger-is-better finite values: a share left
** undefined (no item due) counts as 0, a lead time as minus itself (an
** undefined one as minus the horizon: nothing was done).
*/
static void seq_values(const slot *me, int promise, size_t n, int kn,
                       double *x)
{
    const cs_runner_store *part[2] = {me->store, me->pending};
    size_t i = 0;

    for (int q = 0; q < 2; q++) {
        const cs_runner_store *p = part[q];
        const size_t np = p != NULL ? (size_t)p->model->npromises : 0;
        for (size_t r = 0; p != NULL && r < p->n && i < n; r++, i++) {
            double v = promise >= 0 ? p->prom[r * np + (size_t)promise]
                                    : p->lt_mean[r];
            if (kn && promise >= 0)
                v = isfinite(v) ? v : 0.0;
            else if (kn)
                v = isfinite(v) ? -v : -p->model->horizon;
            x[i] = v;
        }
    }
}

/* The series of the precision rule at a point of n jobs: each job's
** measure, then each variant's difference from the baseline (job 0 of
** a compare).  Returns their number. */
static size_t seq_series(const cs_study *st, size_t n, double *const *x,
                         cs_sequential_series *s)
{
    size_t k = 0;

    for (size_t j = 0; j < n; j++)
        s[k++] = (cs_sequential_series){x[j], NULL};
    for (size_t j = 1; st->opts.compare && j < n; j++)
        s[k++] = (cs_sequential_series){x[j], x[0]};
    return k;
}

/* The next round's size after have replications: what the projection
** says is missing (at least a replication per thread), at most a quarter
** of what was run (or four per thread), so that the replications run
** past the stop (run again to cut the pending round there) stay few. */
static unsigned seq_round(unsigned have, unsigned need, unsigned most,
                          unsigned threads)
{
    const unsigned t = threads > 0 ? threads : cs_runner_cpu_count();
    const unsigned cap = have / 4 > 4 * t ? have / 4 : 4 * t;
    unsigned r = need > have ? need - have : 1;

    if (r < t)
        r = t;
    if (r > cap)
        r = cap;
    return r < most - have ? r : most - have;
}

/* Runs job k's replications have .. cut - 1 again in place of its
** pending round (which ran past cut), so its store ends at cut. */
static cs_status seq_cut(cs_study *st, const cs_study_run_opts *o, slot *sl,
                         size_t j0, size_t k, unsigned have, unsigned cut,
                         int *stopped, cs_error *err)
{
    slot *const me = &sl[k];

    if (me->pending == NULL || have + me->pending->n <= cut)
        return CS_OK;
    cs_runner_store_free(me->pending);
    me->pending = NULL;
    me->want = cut;
    return run_round(st, o, sl, j0, j0 + k, have, cut - have, stopped, err);
}

/* What the precision rule says of each job at the end. */
static void seq_precision_rows(cs_study *st, size_t j0, size_t n,
                               double *const *x, const unsigned *have)
{
    const cs_study_seq_result *r = &st->seq;

    for (size_t j = 0; j < n; j++) {
        cs_study_seq_row *const w = &st->jobs[j0 + j].seq;
        const cs_sequential_series own = {x[j], NULL}, diff = {x[j], x[0]};
        const cs_sequential_check c =
            cs_sequential_check_at(&own, have[j], r->precision, r->relative);
        w->half_width = c.half_width;
        w->target = c.target;
        w->met = c.met;
        if (j > 0 && st->opts.compare) {
            const cs_sequential_check d = cs_sequential_check_at(
                &diff, have[j], r->precision, r->relative);
            w->diff_half_width = d.half_width;
            w->diff_target = d.target;
            w->met &= d.met;
        }
    }
}

/* The precision rule over the round at .. end - 1 (x filled to end):
** 1 with every job's stop in cut when it is met or the cap reached, else
** 0 with *need the count the projection asks for. */
static int seq_precision_step(const cs_study *st, size_t n, double *const *x,
                              cs_sequential_series *ser, unsigned at,
                              unsigned end, unsigned *cut, unsigned *need)
{
    const cs_study_seq_result *const res = &st->seq;
    const unsigned n0 = res->first_stage;
    const size_t ns = seq_series(st, n, x, ser);
    const size_t first = cs_sequential_first_met(
        ser, ns, at + 1 > n0 ? at + 1 : n0, end, res->precision,
        res->relative);

    if (first > 0 || end >= res->max_replications) {
        for (size_t k = 0; k < n; k++)
            cut[k] = first > 0 ? (unsigned)first : end;
        return 1;
    }
    *need = at;
    for (size_t k = 0; k < ns; k++) {
        const size_t w = cs_sequential_need(&ser[k], end, res->precision,
                                            res->relative,
                                            res->max_replications);
        if (w > *need)
            *need = (unsigned)w;
    }
    return 0;
}

/* KN's stages over the round at .. end - 1: each job eliminated gets its
** stage in cut; 1 when one is left or the cap is reached (the others'
** stop the last stage), *left the jobs still in. */
static int seq_kn_step(cs_sequential_kn *kn, const cs_study_seq_result *res,
                       size_t n, double *const *x, unsigned at, unsigned end,
                       unsigned *cut, unsigned *left)
{
    const unsigned n0 = res->first_stage;

    for (unsigned r = at + 1 > n0 ? at + 1 : n0; r <= end; r++) {
        *left = (unsigned)cs_sequential_kn_stage(kn, r,
                                                 (const double *const *)x);
        for (size_t k = 0; k < n; k++)
            if (cut[k] == 0 && !cs_sequential_kn_alive(kn, (int)k))
                cut[k] = r;
        if (*left <= 1 || r >= res->max_replications) {
            for (size_t k = 0; k < n; k++)
                if (cut[k] == 0)
                    cut[k] = r;
            return 1;
        }
    }
    return 0;
}

/* What the procedure decided, into the study and its jobs: with done,
** the counts, the precision rows or the selection; KN's eliminations
** so far in any case (an interrupt keeps them). */
static void seq_finish(cs_study *st, slot *sl, size_t j0, size_t n,
                       double *const *x, const unsigned *have,
                       const cs_sequential_kn *kn, int done, unsigned left)
{
    cs_study_seq_result *const res = &st->seq;

    for (size_t k = 0; k < n; k++) {
        /* interrupted: what was kept (a point of one job keeps a round
        ** cut short, so its store may pass have) */
        const unsigned got = sl[k].store != NULL ? (unsigned)sl[k].store->n
                                                 : 0;
        if (got > res->replications)
            res->replications = got;
        res->total += got;
        if (!done)
            continue;
        sl[k].want = have[k];
        seq_values(&sl[k], st->jobs[j0 + k].measure, have[k], kn != NULL,
                   x[k]);
    }
    if (done && kn == NULL) {
        seq_precision_rows(st, j0, n, x, have);
        for (size_t k = 0; k < n; k++)
            res->met &= st->jobs[j0 + k].seq.met;
    } else if (done) {
        const int best = cs_sequential_kn_best(kn);
        res->selected = (long)j0 + best;
        res->complete = left <= 1;
        st->jobs[j0 + (size_t)best].seq.selected = 1;
    }
    for (size_t k = 0; kn != NULL && k < n; k++) {
        const int by = cs_sequential_kn_out_by(kn, (int)k);
        st->jobs[j0 + k].seq.out_at = cs_sequential_kn_out_at(kn, (int)k);
        st->jobs[j0 + k].seq.out_by = by >= 0 ? (long)j0 + by : -1;
    }
    if (!done)
        res->met = 0;
}

/*
** The rounds of a sequential point.  Every job that is still in runs
** the same replications have .. have + size - 1; then the rule is
** checked replication by replication over them: the precision rule
** stops every job at the first n >= n0 where all the half-widths meet
** the target; KN eliminates a job at its stage r, and stops the last
** one.  A job whose stop falls inside the round runs its part of the
** round again up to it (seq_cut), so its store holds exactly its
** replications 0 .. stop - 1, what a fixed run of that many gives.
*/
static cs_status run_sequential(cs_study *st, const cs_study_run_opts *o,
                                slot *sl, size_t j0, size_t j1, int *stopped,
                                cs_error *err)
{
    const cs_study_seq_result *const res = &st->seq;
    const size_t n = j1 - j0;
    const unsigned n0 = res->first_stage, most = res->max_replications;
    const int select = res->mode == CS_STUDY_SELECT;
    double **x = calloc(n + 1, sizeof *x);
    unsigned *have = calloc(n + 1, sizeof *have);
    unsigned *cut = calloc(n + 1, sizeof *cut);
    cs_sequential_series *ser = calloc(2 * n + 1, sizeof *ser);
    cs_sequential_kn *kn = select ? cs_sequential_kn_new((int)n, n0,
                                                         res->delta, 0.05)
                                  : NULL;
    unsigned at = 0, size = n0, need = n0, left = (unsigned)n;
    cs_status rc = CS_OK;
    int done = 0;

    if (x == NULL || have == NULL || cut == NULL || ser == NULL ||
        (select && kn == NULL))
        rc = no_memory(err);
    for (size_t k = 0; rc == CS_OK && k < n; k++)
        if ((x[k] = malloc(((size_t)most + 1) * sizeof **x)) == NULL)
            rc = no_memory(err);
    for (size_t k = 0; k < n; k++)
        sl[k].planned = most;
    while (rc == CS_OK && !done && !*stopped) {
        const unsigned end = at + size;
        for (size_t k = 0; k < n; k++)
            if (cut[k] == 0)   /* the progress line's total */
                sl[k].want = need > end && !select ? need : end;
        for (size_t k = 0; rc == CS_OK && !*stopped && k < n; k++) {
            if (cut[k] != 0)
                continue;
            if (o->stop != NULL && atomic_load(o->stop))
                *stopped = 1;
            else
                rc = run_round(st, o, sl, j0, j0 + k, at, size, stopped,
                               err);
        }
        if (rc != CS_OK || *stopped)
            break;
        for (size_t k = 0; k < n; k++)
            if (cut[k] == 0)
                seq_values(&sl[k], st->jobs[j0 + k].measure, end, select,
                           x[k]);
        if (!select) {
            done = seq_precision_step(st, n, x, ser, at, end, cut, &need);
        } else {
            need = most;   /* KN cannot tell: rounds of a quarter */
            done = seq_kn_step(kn, &st->seq, n, x, at, end, cut, &left);
        }
        /* the jobs that stopped inside the round run up to their stop */
        for (size_t k = 0; rc == CS_OK && !*stopped && k < n; k++)
            if (cut[k] != 0 && cut[k] < end && have[k] == at)
                rc = seq_cut(st, o, sl, j0, k, at, cut[k], stopped, err);
        if (rc != CS_OK || *stopped)
            break;
        if ((rc = commit_round(sl, n, 1, err)) != CS_OK)
            break;
        for (size_t k = 0; k < n; k++)
            if (have[k] == at)
                have[k] = cut[k] != 0 ? cut[k] : end;
        at = end;
        if (!done)
            size = seq_round(at, need, most, o->threads);
    }
    /* a round cut short by an interrupt: a point of one job keeps what it
    ** completed, else the round is dropped for all (paired results) */
    if (rc == CS_OK && *stopped)
        rc = commit_round(sl, n, n == 1, err);
    if (rc == CS_OK)
        seq_finish(st, sl, j0, n, x, have, kn, done, left);
    for (size_t k = 0; x != NULL && k < n; k++)
        free(x[k]);
    free(x);
    free(have);
    free(cut);
    free(ser);
    cs_sequential_kn_free(kn);
    return rc;
}

/*
** Runs the jobs of one point, j0 .. j1 - 1, in rounds across them: round
** r runs replications r * size ... of every job, so an interrupt leaves
** every job with the same completed replications (the rounds before it;
** a point with one job keeps whatever it completed).  Sets *stopped on
** an interrupt.  *cur is the point's scenario in a sweep.
*/
static cs_status run_point(cs_study *st, const cs_study_run_opts *o,
                           size_t j0, size_t j1, cs_scenario **cur,
                           int *stopped, cs_error *err)
{
    const size_t n = j1 - j0;
    slot *sl = calloc(n + 1, sizeof *sl);
    unsigned want = 0, size;
    cs_status rc = CS_OK;

    if (sl == NULL)
        return no_memory(err);
    if (st->lazy) {
        cs_scenario_free(*cur);
        *cur = NULL;
        rc = point_scenario(st, st->base, st->jobs[j0].point, cur, err);
    }
    for (size_t j = j0; rc == CS_OK && j < j1; j++) {
        slot *const me = &sl[j - j0];
        if (st->lazy)
            rc = job_model(st, &st->jobs[j], *cur, &me->full, err);
        else
            me->full = st->jobs[j].model;
        if (rc != CS_OK) {
            prefix_job(st, j, err);
            break;
        }
        me->want = me->full->replications;
        if (me->want > want)
            want = me->want;
    }
    size = n == 1 ? want : round_size(want, o->threads);
    if (rc == CS_OK && st->seq.mode != CS_STUDY_FIXED) {
        rc = run_sequential(st, o, sl, j0, j1, stopped, err);
        want = 0;   /* done */
    }
    for (unsigned first = 0; rc == CS_OK && !*stopped && first < want;
         first += size) {
        for (size_t j = j0; rc == CS_OK && !*stopped && j < j1; j++) {
            if (first >= sl[j - j0].want)
                continue;
            if (o->stop != NULL && atomic_load(o->stop))
                *stopped = 1;
            else
                rc = run_round(st, o, sl, j0, j, first, size, stopped, err);
        }
        /* a round cut short is dropped everywhere, so every job keeps the
        ** same replications; a point of one job keeps what it completed */
        if (rc == CS_OK)
            rc = commit_round(sl, n, !*stopped || n == 1, err);
    }
    if (rc == CS_OK)
        rc = point_summaries(st, sl, j0, j1, err);
    slots_free(st, sl, n);
    return rc;
}

cs_status cs_study_run(cs_study *st, const cs_study_run_opts *o,
                       cs_error *err)
{
    cs_scenario *cur = NULL;
    cs_status rc = CS_OK;
    int stopped = 0;

    for (size_t j0 = 0; j0 < st->njobs && !stopped;) {
        size_t j1 = j0 + 1, k;
        while (j1 < st->njobs && st->jobs[j1].point == st->jobs[j0].point)
            j1++;
        if (o->stop != NULL && atomic_load(o->stop))
            break;
        if ((rc = run_point(st, o, j0, j1, &cur, &stopped, err)) != CS_OK)
            break;
        for (k = j0; k < j1 && st->jobs[k].summary != NULL &&
                     st->jobs[k].summary->replications > 0;
             k++)
            ;
        st->ndone = k;
        if (k < j1)
            break;
        j0 = j1;
    }
    cs_scenario_free(cur);
    if (rc == CS_OK)
        compare_jobs(st);
    return rc;
}

/* ---- accessors --------------------------------------------------------- */

size_t cs_study_naxes(const cs_study *st)
{
    return st->naxes;
}

const char *const *cs_study_paths(const cs_study *st)
{
    return st->paths;
}

size_t cs_study_npoints(const cs_study *st)
{
    return st->npoints;
}

const char *const *cs_study_point_values(const cs_study *st, size_t pt)
{
    return (const char *const *)st->point_values[pt];
}

size_t cs_study_njobs(const cs_study *st)
{
    return st->njobs;
}

const cs_model *cs_study_model(const cs_study *st, size_t j)
{
    return st->jobs[j].model;
}

size_t cs_study_point(const cs_study *st, size_t j)
{
    return st->jobs[j].point;
}

int cs_study_is_base(const cs_study *st, size_t j)
{
    return st->jobs[j].is_base;
}

size_t cs_study_ndone(const cs_study *st)
{
    return st->ndone;
}

const cs_summary *cs_study_summary(const cs_study *st, size_t j)
{
    return st->jobs[j].summary;
}

const cs_comparison *cs_study_comparison(const cs_study *st, size_t j)
{
    return st->jobs[j].vs;
}

const cs_theory *cs_study_theory(const cs_study *st, size_t j)
{
    return &st->jobs[j].theory;
}

cs_study_rollup cs_study_verdicts(const cs_study *st)
{
    cs_study_rollup r = {st->ndone < st->njobs, 0, 0};

    for (size_t j = 0; j < st->ndone; j++) {
        const cs_summary *s = st->jobs[j].summary;
        r.partial |= s->partial;
        for (int k = 0; k < s->model->npromises; k++) {
            r.not_met |= s->promises[k].verdict == CS_VERDICT_NOT_MET;
            r.uncertain |= s->promises[k].verdict == CS_VERDICT_UNCERTAIN;
        }
    }
    return r;
}

const cs_study_seq_result *cs_study_seq_outcome(const cs_study *st)
{
    return st->seq.mode != CS_STUDY_FIXED ? &st->seq : NULL;
}

const cs_study_seq_row *cs_study_seq_job(const cs_study *st, size_t j)
{
    return st->seq.mode != CS_STUDY_FIXED ? &st->jobs[j].seq : NULL;
}

int cs_study_is_compare(const cs_study *st)
{
    return st->opts.compare;
}

int cs_study_is_independent(const cs_study *st)
{
    return st->opts.independent;
}

/* ---- warnings ---------------------------------------------------------- */

/*
** Warns of each team offered at least its capacity, naming the sweep
** point when there is one; at most *budget lines (then only counted in
** *more).
*/
/* "chainsim: warning: SCENARIO / VARIANT (PATH=VALUE, ...): " */
static void warn_prefix(FILE *f, const cs_study *st, size_t j)
{
    const job *const jb = &st->jobs[j];
    const cs_model *m = jb->model;
    const char *const *values = cs_study_point_values(st, jb->point);

    fprintf(f, "chainsim: warning: %s%s%s", m->name,
            m->variant ? " / " : "", m->variant ? m->variant : "");
    for (size_t i = 0; i < st->naxes; i++)
        fprintf(f, "%s%s=%s%s", i == 0 ? " (" : ", ", st->paths[i],
                values[i], i + 1 == st->naxes ? ")" : "");
    fputs(": ", f);
}

static void warn_unstable(FILE *f, const cs_study *st, size_t j,
                          int *budget, size_t *more)
{
    const job *const jb = &st->jobs[j];
    const cs_model *m = jb->model;

    for (size_t k = 0; k < jb->nunstable; k++) {
        const double util = jb->unstable[k].util;
        const cs_team *t = &m->teams[jb->unstable[k].team];
        if (*budget <= 0) {
            (*more)++;
            continue;
        }
        (*budget)--;
        warn_prefix(f, st, j);
        fprintf(f, "team '%s' is offered %s%.0f%% of its capacity%s; "
                "its queue grows without bound\n",
                t->name,
                util < CS_MODEL_LOAD_SHOWN_MAX ? "" : "more than ",
                util < CS_MODEL_LOAD_SHOWN_MAX
                    ? util * 100
                    : CS_MODEL_LOAD_SHOWN_MAX * 100,
                cs_model_effective_capacity(t) < t->capacity
                    ? " (its WIP limit leaves fewer workers busy than it "
                      "has)"
                    : "");
    }
}

/*
** Step visits (work starts) are what a run costs: a few million a second
** per thread.  The scenario refuses more than 10^9 in one replication;
** here a run of more than 10^10 in all is announced.
*/
static void warn_long(FILE *f, const job *j)
{
    const cs_model *const m = j->model;

    if (j->visits > 1e10)
        fprintf(f, "chainsim: warning: %s%s%s: about %.2g step visits "
                "over %u replications; this run may take hours (fewer "
                "replications or a shorter horizon cut it)\n", m->name,
                m->variant ? " / " : "", m->variant ? m->variant : "",
                j->visits, m->replications);
}

void cs_study_warn(const cs_study *st, FILE *f)
{
    int budget = 20;
    size_t more = 0;

    for (size_t j = 0; j < st->njobs; j++) {
        warn_unstable(f, st, j, &budget, &more);
        if (st->jobs[j].point == 0)
            warn_long(f, &st->jobs[j]);
    }
    if (more > 0)
        fprintf(f, "chainsim: warning: and %zu more unstable teams (in "
                "other variants or sweep points)\n", more);
}

void cs_study_warn_results(const cs_study *st, FILE *f)
{
    int budget[2] = {20, 20};      /* not settled; too few replications */
    size_t more[2] = {0, 0};

    for (size_t j = 0; j < st->ndone; j++) {
        const cs_summary *s = st->jobs[j].summary;
        for (int k = 0; s != NULL && k < s->nwarnings; k++) {
            char buf[512];
            const cs_warning_kind kind = s->warnings[k].kind;
            const int reps = kind == CS_WARN_REPLICATIONS;
            if (kind != CS_WARN_AUTO && kind != CS_WARN_SETTLE &&
                kind != CS_WARN_DRIFT && !reps)
                continue;
            if (budget[reps] <= 0) {
                more[reps]++;
                continue;
            }
            budget[reps]--;
            cs_summary_warning_text(s, &s->warnings[k], buf, sizeof buf);
            warn_prefix(f, st, j);
            fprintf(f, "%s\n", buf);
        }
    }
    if (more[0] > 0)
        fprintf(f, "chainsim: warning: and %zu more results not settled "
                "(in other variants or sweep points)\n", more[0]);
    if (more[1] > 0)
        fprintf(f, "chainsim: warning: and %zu more promises with too few "
                "replications (in other variants or sweep points)\n",
                more[1]);
}

/* ---- results made elsewhere -------------------------------------------- */

cs_status cs_study_job_model(const cs_study *st, size_t j, cs_model **out,
                             int *owned, cs_error *err)
{
    cs_scenario *s = NULL;
    cs_status rc;

    *out = NULL;
    *owned = st->lazy;
    if (!st->lazy) {
        *out = st->jobs[j].model;
        return CS_OK;
    }
    rc = point_scenario(st, st->base, st->jobs[j].point, &s, err);
    if (rc == CS_OK)
        rc = job_model(st, &st->jobs[j], s, out, err);
    cs_scenario_free(s);
    return rc;
}

cs_status cs_study_set_result(cs_study *st, size_t j,
                              const cs_runner_store *s, cs_error *err)
{
    cs_summary *sum = cs_summary_build(s);

    if (sum == NULL)
        return no_memory(err);
    sum->partial = s->n < st->jobs[j].model->replications;
    if (st->lazy)
        sum->model = st->jobs[j].model;
    cs_summary_free(st->jobs[j].summary);
    st->jobs[j].summary = sum;
    return CS_OK;
}

void cs_study_finish(cs_study *st)
{
    size_t k = 0;

    while (k < st->njobs && st->jobs[k].summary != NULL &&
           st->jobs[k].summary->replications > 0)
        k++;
    st->ndone = k;
    compare_jobs(st);
}
