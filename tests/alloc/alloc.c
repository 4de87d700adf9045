/*
** alloc.c - failing-allocator harness: every allocation the library makes
** while loading, building, running, comparing, reporting and going
** through a part file (written, read, its store unpacked) is made to
** fail in turn, and each time the call must report CS_ENOMEM (with a
** message) or succeed with the very same result, and leave no block
** behind.
**
** The fit phase reads a stage map and two exports (an event log with
** rework and hand-offs, a date-only stage-date CSV), fits both and writes
** their scenarios and reports; the backtest phase back-tests a scenario
** against the event log.
**
** The binary is linked with -Wl,--wrap=malloc,--wrap=calloc,
** --wrap=realloc,--wrap=free,--wrap=strdup: the calls in libchainsim.a's
** objects and in this file go to the __wrap_ functions below, which count
** live blocks and fail the n-th allocation on demand.  Allocations inside
** libc, GSL, libyaml and jansson are not redirected (they are neither
** counted nor failed), so this proves the library's own paths only.
**
** For each phase: one clean run counts its allocations (N) and records
** the result; then for n = 1..N the phase runs again with allocation n
** failing.  Invariants checked every time: the status is CS_OK or
** CS_ENOMEM; on CS_ENOMEM err carries that status and a message; on CS_OK
** the result equals the clean one (an allocation that was optional); and
** once the phase's objects are freed, live blocks are back where they
** were.  A crash or an ASan report names itself; CS_ALLOC_VERBOSE=1
** prints each (phase, n) before running it.
**
** With CS_QUICK=1 (make sanitize, where each run costs some 20 times
** more) only every QUICK_STRIDE-th allocation fails, the first and the
** last always, the others at a residue that moves on with each phase: the
** plain build has already failed them all.
**
** Counters are atomic: cs_summary_run allocates on its worker thread.  Exit 0
** when every case holds, 1 otherwise.
*/
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/backtest.h"
#include "chainsim/bytes.h"
#include "chainsim/error.h"
#include "chainsim/fit.h"
#include "chainsim/model.h"
#include "chainsim/part.h"
#include "chainsim/report.h"
#include "chainsim/runner.h"
#include "chainsim/scenario.h"
#include "chainsim/study.h"
#include "chainsim/tracker.h"
#include "chainsim/variant.h"

/* ---- the wrapped allocator ------------------------------------------- */

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);

static atomic_long g_live;       /* blocks allocated and not yet freed */
static atomic_long g_calls;      /* allocations since arm() */
static atomic_long g_fail_at;    /* 1-based allocation to fail; 0: none */
static atomic_int g_armed;

/* 1 when this allocation is the one to fail. */
static int should_fail(void)
{
    long n;

    if (!atomic_load(&g_armed))
        return 0;
    n = atomic_fetch_add(&g_calls, 1) + 1;
    return n == atomic_load(&g_fail_at);
}

void *__wrap_malloc(size_t size)
{
    void *p;

    if (should_fail())
        return NULL;
    p = __real_malloc(size);
    if (p != NULL)
        atomic_fetch_add(&g_live, 1);
    return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
    void *p;

    if (should_fail())
        return NULL;
    p = __real_calloc(n, size);
    if (p != NULL)
        atomic_fetch_add(&g_live, 1);
    return p;
}

void *__wrap_realloc(void *p, size_t size)
{
    void *q;

    if (should_fail())
        return NULL;
    q = __real_realloc(p, size);
    if (p == NULL && q != NULL)
        atomic_fetch_add(&g_live, 1);
    return q;
}

void __wrap_free(void *p)
{
    if (p != NULL)
        atomic_fetch_sub(&g_live, 1);
    __real_free(p);
}

char *__wrap_strdup(const char *s)
{
    const size_t n = strlen(s) + 1;
    char *p = __wrap_malloc(n);

    if (p != NULL)
        memcpy(p, s, n);
    return p;
}

static void arm(long fail_at)
{
    atomic_store(&g_calls, 0);
    atomic_store(&g_fail_at, fail_at);
    atomic_store(&g_armed, 1);
}

static long disarm(void)
{
    atomic_store(&g_armed, 0);
    return atomic_load(&g_calls);
}

/* ---- the scenario ---------------------------------------------------- */

/* Several teams and classes, a WIP limit, priorities, a fork-join with
** rework, a backlog, promises of both kinds, and variants (one adds a
** team, one asks for the automatic warm-up). */
static const char *const yaml =
    "chainsim: 1\n"
    "name: alloc harness\n"
    "horizon: 40d\n"
    "warmup: 4d\n"
    "replications: 2\n"
    "seed: 11\n"
    "teams:\n"
    "  - {name: intake, capacity: 2, handoff: 0.5d, focus: 0.9,"
    " cost_per_day: 100}\n"
    "  - {name: dev, capacity: 3, wip_limit: 5, discipline: priority}\n"
    "  - {name: review, capacity: 1, discipline: edd, handoff: 0.25d}\n"
    "  - {name: ops, capacity: 1, wip_limit: 3}\n"
    "work:\n"
    "  - name: feature\n"
    "    priority: 1\n"
    "    due: 15d\n"
    "    arrivals: {rate: 0.8/d}\n"
    "    steps:\n"
    "      - {team: intake, effort: 'lognormal(median=0.5d, p90=1.5d)'}\n"
    "      - id: build\n"
    "        parallel:\n"
    "          - {team: dev, effort: 'gamma(mean=1.5d, cv=0.6)'}\n"
    "          - {team: review, effort: 'triangular(1h, 2h, 6h)'}\n"
    "        rework: {p: 0.2, to: intake, effort: 0.5}\n"
    "      - {team: ops, p: 0.5, effort: 0.5d}\n"
    "  - name: bug\n"
    "    backlog: 6\n"
    "    arrivals: {interval: 'exponential(2d)', batch: 2}\n"
    "    steps:\n"
    "      - {team: dev, effort: 'exponential(0.5d)'}\n"
    "      - team: review\n"
    "        effort: 'pert(1h, 2h, 4h)'\n"
    "        rework: {p: 0.1, to: dev}\n"
    "promise:\n"
    "  - {name: features, work: feature, within: 10d, percentile: 85}\n"
    "  - {name: all, within: 20d, percentile: 50}\n"
    "  - {name: flow, work: bug, throughput: 5/10d}\n"
    "variants:\n"
    "  - name: more-dev\n"
    "    hypothesis: one more developer\n"
    "    patch: {teams: [{name: dev, capacity: 4}]}\n"
    "  - name: new-team\n"
    "    patch:\n"
    "      teams: [{name: qa, capacity: 1}]\n"
    "      work:\n"
    "        - name: bug\n"
    "          steps:\n"
    "            - {team: dev, effort: 'exponential(0.5d)'}\n"
    "            - {team: qa, effort: 2h}\n"
    "  - name: auto\n"
    "    patch: {warmup: auto}\n";

#define NVARIANTS 3
#define NMODELS (NVARIANTS + 1)

/* ---- the phases ------------------------------------------------------ */

typedef struct fixture {
    cs_scenario *scn;
    cs_model *models[NMODELS];       /* baseline, then the variants */
    cs_summary *sums[NMODELS];
    cs_comparison *vs[NMODELS];      /* [0] unused */
    cs_scenario *ovr;                /* the override phase's own */
    cs_model *ovr_models[2];
    cs_study *seq[2];                /* --precision, --select (of scn) */
    cs_tracker_map *map;             /* the fit and backtest phases' */
    cs_tracker_data *events, *stages;
    cs_fit *fits[2];
    cs_backtest *bt;
} fixture;

/* What a phase produced, to compare a run that survived a failed
** allocation with the clean one. */
typedef struct outcome {
    char text[1 << 19];              /* report output, or a digest */
    size_t len;
} outcome;

typedef cs_status (*phase_fn)(fixture *f, outcome *o, cs_error *err);
typedef void (*undo_fn)(fixture *f);

static void append(outcome *o, const char *fmt, double a, double b)
{
    const int n = snprintf(o->text + o->len, sizeof o->text - o->len, fmt,
                           a, b);

    if (n > 0 && o->len + (size_t)n < sizeof o->text)
        o->len += (size_t)n;
}

static void append_s(outcome *o, const char *s)
{
    const size_t n = strlen(s);

    if (o->len + n < sizeof o->text) {
        memcpy(o->text + o->len, s, n);
        o->len += n;
    }
}

static cs_status ph_load(fixture *f, outcome *o, cs_error *err)
{
    cs_status st = cs_scenario_load_string("alloc.yaml", yaml, &f->scn, err);

    if (st == CS_OK)
        append(o, "%g %g", (double)cs_variant_count(f->scn), 0);
    return st;
}

static void undo_load(fixture *f)
{
    cs_scenario_free(f->scn);
    f->scn = NULL;
}

/* A model's shape, enough to tell a complete build from a partial one. */
static void digest_model(outcome *o, const cs_model *m)
{
    append(o, "[%g %g ", (double)m->nteams, (double)m->nclasses);
    append(o, "%g %g ", (double)m->npromises, m->horizon);
    for (int c = 0; c < m->nclasses; c++)
        append(o, "%g %g ", (double)m->classes[c].nsteps,
               (double)m->classes[c].nroute);
    append_s(o, "]");
}

static cs_status ph_build(fixture *f, outcome *o, cs_error *err)
{
    for (long v = -1; v < NVARIANTS; v++) {
        const cs_status st = cs_variant_build(f->scn, v,
                                               &f->models[v + 1], err);
        if (st != CS_OK)
            return st;
        digest_model(o, f->models[v + 1]);
    }
    return CS_OK;
}

static void undo_models(fixture *f)
{
    for (int i = 0; i < NMODELS; i++) {
        cs_model_free(f->models[i]);
        f->models[i] = NULL;
    }
}

/* Load, a --set override, and a build of the baseline and one variant. */
static cs_status ph_override(fixture *f, outcome *o, cs_error *err)
{
    cs_status st = cs_scenario_load_string("alloc.yaml", yaml, &f->ovr, err);

    if (st == CS_OK)
        st = cs_variant_add_override(f->ovr, "teams.ops.capacity=2", err);
    if (st == CS_OK)
        st = cs_variant_add_override(f->ovr, "work.bug.backlog=3", err);
    if (st == CS_OK)
        st = cs_variant_build(f->ovr, -1, &f->ovr_models[0], err);
    if (st == CS_OK)
        st = cs_variant_build(f->ovr, 1, &f->ovr_models[1], err);
    if (st == CS_OK) {
        digest_model(o, f->ovr_models[0]);
        digest_model(o, f->ovr_models[1]);
        append(o, "%g %g", (double)f->ovr_models[0]->teams[3].capacity,
               (double)f->ovr_models[0]->classes[1].backlog);
    }
    return st;
}

static void undo_override(fixture *f)
{
    for (int i = 0; i < 2; i++) {
        cs_model_free(f->ovr_models[i]);
        f->ovr_models[i] = NULL;
    }
    cs_scenario_free(f->ovr);
    f->ovr = NULL;
}

static void digest_summary(outcome *o, const cs_summary *s)
{
    append(o, "<%a %a ", s->lead_time.mean, s->lead_time.hi);
    append(o, "%a %a ", s->p85, s->throughput.mean);
    append(o, "%a %a ", s->wip.mean, s->flow_efficiency);
    append(o, "%a %a ", s->warmup, (double)s->visits);
    for (int t = 0; t < s->model->nteams; t++)
        append(o, "%a %a ", s->teams[t].utilization.mean,
               s->teams[t].queue_wait.mean);
    for (int p = 0; p < s->model->npromises; p++)
        append(o, "%a %a ", s->promises[p].achieved.mean,
               (double)s->promises[p].verdict);
    append_s(o, ">");
}

/* Two replications on one thread of every model (the last one with the
** automatic warm-up, which adds the pilot runs). */
static cs_status ph_run(fixture *f, outcome *o, cs_error *err)
{
    cs_runner_opts opts;

    memset(&opts, 0, sizeof opts);
    opts.replications = 2;
    opts.threads = 1;
    opts.warmup = -1;
    for (int i = 0; i < NMODELS; i++) {
        const cs_status st = cs_summary_run(f->models[i], &opts, &f->sums[i], err);
        if (st != CS_OK)
            return st;
        digest_summary(o, f->sums[i]);
    }
    return CS_OK;
}

static void undo_run(fixture *f)
{
    for (int i = 0; i < NMODELS; i++) {
        cs_summary_free(f->sums[i]);
        f->sums[i] = NULL;
    }
}

static cs_status ph_compare(fixture *f, outcome *o, cs_error *err)
{
    for (int i = 1; i < NMODELS; i++) {
        f->vs[i] = cs_summary_compare(f->sums[0], f->sums[i], 1.0 - 0.05 / NVARIANTS);
        if (f->vs[i] == NULL)
            return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
        append(o, "{%a %a}", f->vs[i]->lead_time_mean.mean,
               f->vs[i]->throughput.hi);
    }
    return CS_OK;
}

static void undo_compare(fixture *f)
{
    for (int i = 1; i < NMODELS; i++) {
        cs_summary_comparison_free(f->vs[i]);
        f->vs[i] = NULL;
    }
}

/* Every writer, for a "compare" of all models and a "run" of one. */
static cs_status ph_report(fixture *f, outcome *o, cs_error *err)
{
    static const cs_format fmts[] = {CS_FORMAT_TABLE, CS_FORMAT_CSV,
                                     CS_FORMAT_JSON};
    cs_report_row rows[NMODELS];
    cs_report r;
    FILE *fp = tmpfile();
    cs_status st = CS_OK;

    if (fp == NULL)
        return cs_error_set(err, CS_EIO, NULL, 0, 0, "tmpfile failed");
    memset(rows, 0, sizeof rows);
    for (int i = 0; i < NMODELS; i++) {
        rows[i].summary = f->sums[i];
        rows[i].vs = i > 0 ? f->vs[i] : NULL;
    }
    memset(&r, 0, sizeof r);
    r.scenario_file = "alloc.yaml";
    r.scenario_name = f->models[0]->name;
    r.seed = f->models[0]->seed;
    r.wall_seconds = -1;
    r.rows = rows;
    for (size_t k = 0; k < 2 * sizeof fmts / sizeof fmts[0] && st == CS_OK;
         k++) {
        const int compare = k % 2 == 0;
        r.command = compare ? "compare" : "run";
        r.nrows = compare ? NMODELS : 1;
        st = cs_report_write(fp, fmts[k / 2], &r, err);
    }
    if (st == CS_OK) {
        rewind(fp);
        o->len = fread(o->text, 1, sizeof o->text, fp);
    }
    fclose(fp);
    return st;
}

static void undo_nothing(fixture *f)
{
    (void)f;
}

/* A run under --precision (a target met after the first stage, a low
** cap) and a compare under --select (a short first stage and cap), on
** one thread so the allocations come in one order. */
static cs_status ph_sequential(fixture *f, outcome *o, cs_error *err)
{
    const cs_study_run_opts ro = {.threads = 1};
    cs_status st = CS_OK;

    for (int k = 0; k < 2 && st == CS_OK; k++) {
        cs_study_opts so = {k, 0, NULL, 0, {0}};
        so.seq.mode = k == 0 ? CS_STUDY_PRECISION : CS_STUDY_SELECT;
        so.seq.precision = 0.04;
        so.seq.indifference = 5;
        so.seq.first_stage = k == 0 ? 10 : 3;
        so.seq.max_replications = k == 0 ? 12 : 5;
        if ((st = cs_study_new(&so, &f->seq[k], err)) == CS_OK &&
            (st = cs_study_build(f->seq[k], f->scn, NULL, err)) ==
                CS_OK)
            st = cs_study_run(f->seq[k], &ro, err);
        for (size_t j = 0; st == CS_OK && j < cs_study_ndone(f->seq[k]); j++)
            digest_summary(o, cs_study_summary(f->seq[k], j));
        if (st == CS_OK)
            append(o, "%g %g", (double)cs_study_seq_outcome(f->seq[k])->met,
                   (double)cs_study_seq_outcome(f->seq[k])->selected);
    }
    return st;
}

static void undo_sequential(fixture *f)
{
    for (int k = 0; k < 2; k++) {
        cs_study_free(f->seq[k]);
        f->seq[k] = NULL;
    }
}

/* ---- fit and backtest ------------------------------------------------ */

static const char tr_map[] =
    "calendar: {days_per_week: 5, holidays: [2026-01-19]}\n"
    "people: {a: 1, b: 2}\n"
    "stages:\n"
    "  - {name: Backlog, state: queue}\n"
    "  - {name: A, team: a, state: work}\n"
    "  - {name: B requested, team: b, state: handoff}\n"
    "  - {name: B, team: b, state: work}\n"
    "  - {name: Done, state: done}\n";

static char tr_events[1 << 14], tr_stages[1 << 13];

/* 30 items over six weeks: a then b (a hand-off before b), every fourth
** back to a once, the last three open. */
static void make_exports(void)
{
    size_t n = 0, m = 0;

    n += (size_t)snprintf(tr_events + n, sizeof tr_events - n,
                          "item,class,stage,time\n");
    m += (size_t)snprintf(tr_stages + m, sizeof tr_stages - m,
                          "ID,Type,Backlog,A,B requested,B,Done\n");
    for (int i = 0; i < 30; i++) {
        const int day = 5 + i, h = 8 + i % 5;
        const char *cls = i % 3 ? "feature" : "bug";
        char d0[32], d1[32];

        snprintf(d0, sizeof d0, "2026-%02d-%02d", 1 + day / 28,
                 1 + day % 28);
        snprintf(d1, sizeof d1, "2026-%02d-%02d", 1 + (day + 2 + i % 4) / 28,
                 1 + (day + 2 + i % 4) % 28);
        n += (size_t)snprintf(tr_events + n, sizeof tr_events - n,
            "%s-%d,%s,Backlog,%sT%02d:00Z\n%s-%d,%s,A,%sT%02d:30Z\n"
            "%s-%d,%s,B requested,%sT%02d:15Z\n",
            cls, i, cls, d0, h, cls, i, cls, d0, h, cls, i, cls, d0, h + 2);
        if (i < 27)
            n += (size_t)snprintf(tr_events + n, sizeof tr_events - n,
                "%s-%d,%s,B,%sT%02d:00Z\n%s-%d,%s,Done,%sT%02d:45Z\n",
                cls, i, cls, d1, 9 + i % 3, cls, i, cls, d1, 15 + i % 2);
        if (i % 4 == 0 && i < 27)
            n += (size_t)snprintf(tr_events + n, sizeof tr_events - n,
                "%s-%d,%s,A,%sT%02d:00Z\n%s-%d,%s,B,%sT%02d:00Z\n"
                "%s-%d,%s,Done,%sT%02d:30Z\n",
                cls, i, cls, d1, 16, cls, i, cls, d1, 17, cls, i, cls, d1,
                18);
        m += (size_t)snprintf(tr_stages + m, sizeof tr_stages - m,
                              "S-%d,%s,%s,%s,%s,%s,%s\n", i, cls, d0, d0,
                              d0, i < 27 ? d1 : "", i < 27 ? d1 : "");
    }
}

static cs_status ph_fit(fixture *f, outcome *o, cs_error *err)
{
    FILE *fp;
    cs_status st;

    if ((st = cs_tracker_map_load_string("map.yaml", tr_map,
                                         sizeof tr_map - 1, &f->map,
                                         err)) != CS_OK ||
        (st = cs_tracker_load_string("events.csv", tr_events,
                                     strlen(tr_events), f->map, &f->events,
                                     err)) != CS_OK ||
        (st = cs_tracker_load_string("stages.csv", tr_stages,
                                     strlen(tr_stages), f->map, &f->stages,
                                     err)) != CS_OK ||
        (st = cs_fit_run(f->events, f->map, "events.csv", &f->fits[0],
                         err)) != CS_OK ||
        (st = cs_fit_run(f->stages, f->map, "stages.csv", &f->fits[1],
                         err)) != CS_OK)
        return st;
    if ((fp = tmpfile()) == NULL)
        return cs_error_set(err, CS_EIO, NULL, 0, 0, "tmpfile failed");
    for (int k = 0; k < 2 && st == CS_OK; k++) {
        cs_fit_write_scenario(f->fits[k], fp);
        if ((st = cs_fit_write_report(f->fits[k], fp, 0, err)) == CS_OK)
            st = cs_fit_write_report(f->fits[k], fp, 1, err);
    }
    if (st == CS_OK) {
        rewind(fp);
        o->len = fread(o->text, 1, sizeof o->text, fp);
    }
    fclose(fp);
    return st;
}

static void undo_fit(fixture *f)
{
    cs_fit_free(f->fits[0]);
    cs_fit_free(f->fits[1]);
    cs_tracker_free(f->events);
    cs_tracker_free(f->stages);
    cs_tracker_map_free(f->map);
    f->fits[0] = f->fits[1] = NULL;
    f->events = f->stages = NULL;
    f->map = NULL;
}

/* The alloc scenario's classes are not the export's: a scenario of its
** own, 5 replications from 2026-01-26 to the export's end. */
static const char bt_yaml[] =
    "chainsim: 1\nname: bt\nreplications: 5\n"
    "teams:\n  - {name: a, capacity: 1}\n"
    "  - {name: b, capacity: 2, handoff: 0.1d}\n"
    "work:\n"
    "  - name: feature\n    arrivals: {rate: 0.7/d}\n    steps:\n"
    "      - {team: a, effort: \"exponential(0.1d)\"}\n"
    "      - {team: b, effort: \"exponential(2d)\"}\n"
    "  - name: bug\n    arrivals: {rate: 0.3/d}\n    steps:\n"
    "      - {team: a, effort: \"exponential(0.1d)\"}\n"
    "      - {team: b, effort: \"exponential(2d)\"}\n"
    "promise:\n  - {name: p, within: 30d, percentile: 85}\n";

static cs_status ph_backtest(fixture *f, outcome *o, cs_error *err)
{
    cs_scenario *s = NULL;
    cs_model *m = NULL;
    cs_status st;
    FILE *fp;
    double day;
    int has_time;

    if ((st = cs_tracker_map_load_string("map.yaml", tr_map,
                                         sizeof tr_map - 1, &f->map,
                                         err)) != CS_OK ||
        (st = cs_tracker_load_string("events.csv", tr_events,
                                     strlen(tr_events), f->map, &f->events,
                                     err)) != CS_OK ||
        (st = cs_scenario_load_string("bt.yaml", bt_yaml, &s, err)) != CS_OK)
        return st;
    st = cs_variant_build(s, -1, &m, err);
    cs_scenario_free(s);
    if (st != CS_OK)
        return st;
    (void)cs_tracker_parse_date("2026-01-26", &day, &has_time);
    if ((st = cs_backtest_run(m, f->events, f->map,
                              cs_tracker_working(f->map, day),
                              f->events->end, "bt.yaml", "events.csv",
                              &f->bt, err)) != CS_OK)
        return st;
    if ((fp = tmpfile()) == NULL)
        return cs_error_set(err, CS_EIO, NULL, 0, 0, "tmpfile failed");
    if ((st = cs_backtest_write(f->bt, fp, 0, err)) == CS_OK)
        st = cs_backtest_write(f->bt, fp, 1, err);
    if (st == CS_OK) {
        rewind(fp);
        o->len = fread(o->text, 1, sizeof o->text, fp);
    }
    fclose(fp);
    return st;
}

static void undo_backtest(fixture *f)
{
    cs_backtest_free(f->bt);
    f->bt = NULL;
    undo_fit(f);
}

/* Two replications of every model through a part file and back: the store
** packed into a part, the part read, its store unpacked and summarised. */
static cs_status part_of(const cs_model *m, outcome *o, cs_error *err)
{
    static const char *const keys[] = {"seed"}, *const values[] = {"1"};
    cs_runner_opts opts;
    cs_runner_store *s = NULL, *t = NULL;
    cs_part *p = NULL;
    cs_bytes b;
    cs_bytes_reader r;
    cs_summary *sum;
    cs_status st;

    memset(&opts, 0, sizeof opts);
    opts.replications = 2;
    opts.threads = 1;
    opts.warmup = -1;
    if ((st = cs_runner_run(m, &opts, &s, err)) != CS_OK)
        return st;
    cs_bytes_init(&b);
    if (cs_part_begin(&b, keys, values, 1, 1, 1, 2, 0, 2) != 0 && !b.oom) {
        cs_runner_store_free(s);
        cs_bytes_fini(&b);
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0, "part header");
    }
    cs_part_add(&b, 0, 0, 2, s);
    cs_part_end(&b);
    cs_runner_store_free(s);
    if (b.oom) {
        cs_bytes_fini(&b);
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    st = cs_part_parse(b.p, b.n, 1, &p, err);
    cs_bytes_fini(&b);
    if (st != CS_OK)
        return st;
    cs_bytes_reader_init(&r, p->blocks[0].data, p->blocks[0].len);
    st = cs_runner_store_unpack(m, &r, &t, err);
    cs_part_free(p);
    if (st != CS_OK)
        return st;
    sum = cs_summary_build(t);
    cs_runner_store_free(t);
    if (sum == NULL)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    digest_summary(o, sum);
    cs_summary_free(sum);
    return CS_OK;
}

static cs_status ph_part(fixture *f, outcome *o, cs_error *err)
{
    for (int i = 0; i < NMODELS; i++) {
        const cs_status st = part_of(f->models[i], o, err);
        if (st != CS_OK)
            return st;
    }
    return CS_OK;
}

/* ---- the driver ------------------------------------------------------ */

typedef struct phase {
    const char *name;
    phase_fn run;
    undo_fn undo;
} phase;

#define QUICK_STRIDE 4

static const phase phases[] = {
    {"fit", ph_fit, undo_fit},
    {"backtest", ph_backtest, undo_backtest},
    {"override", ph_override, undo_override},
    {"load", ph_load, undo_load},
    {"build", ph_build, undo_models},
    {"run", ph_run, undo_run},
    {"compare", ph_compare, undo_compare},
    {"report", ph_report, undo_nothing},
    {"sequential", ph_sequential, undo_sequential},
    {"part", ph_part, undo_nothing},
};
#define NPHASES (sizeof phases / sizeof phases[0])

static outcome g_want, g_got;

/* Runs phase k once with allocation fail_at failing (0: none); 0 when
** every invariant holds. */
static int try_phase(fixture *f, size_t k, long fail_at, long *calls)
{
    const phase *ph = &phases[k];
    outcome *const o = fail_at == 0 ? &g_want : &g_got;
    const long live = atomic_load(&g_live);
    cs_error err;
    cs_status st;
    int bad = 0;

    o->len = 0;
    cs_error_clear(&err);
    arm(fail_at);
    st = ph->run(f, o, &err);
    *calls = disarm();
    if (fail_at == 0 && st != CS_OK) {
        fprintf(stderr, "alloc: %s: fails with no failed allocation: %s\n",
                ph->name, err.msg);
        bad = 1;
    } else if (st != CS_OK && st != CS_ENOMEM) {
        fprintf(stderr, "alloc: %s, allocation %ld failing: status %d, "
                "want %d (CS_ENOMEM): %s\n", ph->name, fail_at, st,
                CS_ENOMEM, err.msg);
        bad = 1;
    } else if (st == CS_ENOMEM && (err.status != CS_ENOMEM ||
                                   err.msg[0] == '\0')) {
        fprintf(stderr, "alloc: %s, allocation %ld failing: CS_ENOMEM "
                "without its message\n", ph->name, fail_at);
        bad = 1;
    } else if (st == CS_OK && fail_at > 0 &&
               (o->len != g_want.len ||
                memcmp(o->text, g_want.text, o->len) != 0)) {
        fprintf(stderr, "alloc: %s, allocation %ld failing: succeeds "
                "with a different result\n", ph->name, fail_at);
        bad = 1;
    }
    ph->undo(f);
    if (atomic_load(&g_live) != live) {
        fprintf(stderr, "alloc: %s, allocation %ld failing: %ld blocks "
                "leaked\n", ph->name, fail_at, atomic_load(&g_live) - live);
        bad = 1;
    }
    return bad;
}

/* Sets up what phase k needs: the phases before it, clean. */
static int prepare(fixture *f, size_t k)
{
    outcome *const scratch = &g_got;
    cs_error err;

    for (size_t j = 0; j < k; j++) {
        if (phases[j].run == ph_override || phases[j].run == ph_fit ||
            phases[j].run == ph_backtest)
            continue;
        scratch->len = 0;
        if (phases[j].run(f, scratch, &err) != CS_OK) {
            fprintf(stderr, "alloc: setting up %s: %s\n", phases[j].name,
                    err.msg);
            return 1;
        }
    }
    return 0;
}

static void teardown(fixture *f)
{
    undo_sequential(f);
    undo_backtest(f);
    undo_override(f);
    undo_compare(f);
    undo_run(f);
    undo_models(f);
    undo_load(f);
}

int main(void)
{
    const char *verbose = getenv("CS_ALLOC_VERBOSE");
    const char *quick = getenv("CS_QUICK");
    const long stride = quick != NULL && quick[0] != '\0' ? QUICK_STRIDE : 1;
    const long live0 = atomic_load(&g_live);
    fixture f;
    int failed = 0;
    long total = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);   /* in step with stderr */
    make_exports();
    memset(&f, 0, sizeof f);
    for (size_t k = 0; k < NPHASES; k++) {
        long n = 0, calls, tried = 0;

        if (prepare(&f, k) != 0 || try_phase(&f, k, 0, &n) != 0) {
            teardown(&f);
            return EXIT_FAILURE;
        }
        for (long i = 1; i <= n; i++) {
            if (i != 1 && i != n && (i + (long)k) % stride != 0)
                continue;
            if (verbose != NULL && verbose[0] == '1')
                fprintf(stderr, "alloc: %s, allocation %ld of %ld\n",
                        phases[k].name, i, n);
            failed += try_phase(&f, k, i, &calls);
            tried++;
        }
        teardown(&f);
        if (stride == 1)
            printf("alloc: %-8s %5ld allocations, each failed in turn\n",
                   phases[k].name, n);
        else
            printf("alloc: %-8s %5ld allocations, %ld of them failed in "
                   "turn\n", phases[k].name, n, tried);
        total += tried;
    }
    if (atomic_load(&g_live) != live0) {
        fprintf(stderr, "alloc: %ld blocks still live at the end\n",
                atomic_load(&g_live) - live0);
        failed++;
    }
    printf("alloc: %ld failure points, %d problems\n", total, failed);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
