/*
** report_fixture.h - what the report tests share: hand-built models,
** summaries and comparisons, rendering a report to a string, and reading
** the JSON (jansson) and CSV back.  Included by tests/test_report*.c only
** (one per test binary); static inline, so a test file that uses part of
** it compiles without warnings (render, which all use, is plain static).
*/
#ifndef CHAINSIM_TESTS_REPORT_FIXTURE_H
#define CHAINSIM_TESTS_REPORT_FIXTURE_H

#include <check.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "chainsim/model.h"
#include "chainsim/report.h"
#include "chainsim/stats.h"

/* ---- fixture -------------------------------------------------------- */

static inline char *dup(const char *s)
{
    char *d = malloc(strlen(s) + 1);

    ck_assert_ptr_nonnull(d);
    strcpy(d, s);
    return d;
}

/*
** Two teams (three with extra_team), two classes, a lead-time and a
** throughput promise (only the first when one_promise).
*/
static inline cs_model *make_model(const char *variant, int extra_team,
                            int one_promise)
{
    cs_model *m = cs_model_new();
    const int nt = extra_team ? 3 : 2;

    ck_assert_ptr_nonnull(m);
    m->name = dup("BI chain");
    m->variant = dup(variant);
    m->hypothesis = extra_team ? dup("a platform team takes the load") : NULL;
    m->horizon = 260;
    m->warmup = 40;
    m->teams = calloc((size_t)nt, sizeof *m->teams);
    m->classes = calloc(2, sizeof *m->classes);
    m->promises = calloc(2, sizeof *m->promises);
    ck_assert(m->teams && m->classes && m->promises);
    m->nteams = nt;
    m->teams[0].name = dup("ingestion");
    m->teams[0].type = CS_TEAM_PLATFORM;
    m->teams[0].capacity = 2;
    m->teams[0].wip_limit = 6;
    m->teams[0].cost_per_day = 1;
    m->teams[1].name = dup("modelling");
    m->teams[1].capacity = 1;
    m->teams[1].cost_per_day = 2;
    if (extra_team) {
        m->teams[2].name = dup("platform");
        m->teams[2].type = CS_TEAM_PLATFORM;
        m->teams[2].capacity = 1;
    }
    for (int t = 0; t < nt; t++)
        m->teams[t].focus = 1;
    m->nclasses = 2;
    m->classes[0].name = dup("data-product");
    m->classes[1].name = dup("report");
    m->npromises = one_promise ? 1 : 2;
    m->promises[0].name = dup("data products in a month");
    m->promises[0].kind = CS_PROMISE_LEAD_TIME;
    m->promises[0].work = 0;
    m->promises[0].within = 30;
    m->promises[0].target = 0.85;
    if (one_promise)
        return m;
    m->promises[1].name = dup("quarterly throughput");
    m->promises[1].kind = CS_PROMISE_THROUGHPUT;
    m->promises[1].work = -1;
    m->promises[1].target = 40;
    m->promises[1].per = 65;
    return m;
}

static inline cs_ci ci_of(double a, double b, double c)
{
    const double x[3] = {a, b, c};
    return cs_stats_ci_mean(x, 3, 0.95);
}

static inline cs_ci ci_one(double a)
{
    return cs_stats_ci_mean(&a, 1, 0.95);
}

static inline cs_ci ci_none(void)
{
    return cs_stats_ci_mean(NULL, 0, 0.95);
}

/*
** A summary of m; shift moves the lead times so variants differ.
** Undefined on purpose: class "report" has no lead times (n = 0, NaN
** percentiles), p95 is NaN, modelling's blocked share has one value only.
*/
static inline cs_summary *make_summary(const cs_model *m, double shift)
{
    cs_summary *s = calloc(1, sizeof *s);

    ck_assert_ptr_nonnull(s);
    s->model = m;
    s->replications = 3;
    s->warmup = m->warmup;
    s->horizon = m->horizon;
    s->lead_time = ci_of(20 + shift, 21 + shift, 23 + shift);
    s->p50 = 18 + shift;
    s->p85 = 33.1 + shift;
    s->p95 = NAN;
    s->lt_n = 1234;
    s->classes = calloc((size_t)m->nclasses, sizeof *s->classes);
    s->teams = calloc((size_t)m->nteams, sizeof *s->teams);
    s->promises = calloc((size_t)m->npromises, sizeof *s->promises);
    ck_assert(s->classes && s->teams && s->promises);
    s->classes[0].lead_time = s->lead_time;
    s->classes[0].p50 = s->p50;
    s->classes[0].p85 = s->p85;
    s->classes[0].p95 = 40;
    s->classes[0].n = 1234;
    s->classes[0].throughput = ci_of(0.6, 0.62, 0.58);
    s->classes[1].lead_time = ci_none();
    s->classes[1].p50 = s->classes[1].p85 = s->classes[1].p95 = NAN;
    s->classes[1].throughput = ci_of(0, 0, 0);
    s->throughput = ci_of(0.6, 0.62, 0.58);
    s->wip = ci_of(12, 13, 12.5);
    s->flow_efficiency = 0.31;
    for (int t = 0; t < m->nteams; t++) {
        cs_team_summary *k = &s->teams[t];
        k->utilization = ci_of(0.5 + 0.2 * t, 0.52 + 0.2 * t, 0.54 + 0.2 * t);
        k->queue_wait = ci_of(1.1, 1.2, 1.3);
        k->queue_len = ci_of(0.7, 0.8, 0.9);
        k->blocked_fraction = t == 1 ? ci_one(0.05) : ci_of(0, 0, 0);
        k->wip = ci_of(2, 2.5, 3);
    }
    s->bottleneck = 1;
    s->promises[0].target = 0.85;
    s->promises[0].achieved = ci_of(0.80 + shift / -100, 0.81 + shift / -100,
                                    0.82 + shift / -100);
    s->promises[0].verdict = shift < 0 ? CS_VERDICT_MET : CS_VERDICT_NOT_MET;
    if (m->npromises > 1) {
        s->promises[1].target = 40;
        s->promises[1].achieved = ci_of(38, 41, 43);
        s->promises[1].verdict = CS_VERDICT_UNCERTAIN;
    }
    s->cost_per_day = cs_model_cost_per_day(m);
    s->arrived = 2000;
    s->done = 1900;
    return s;
}

static inline void free_summary(cs_summary *s)
{
    if (s == NULL)
        return;
    free(s->classes);
    free(s->teams);
    free(s->promises);
    free(s->cls_completion);
    free(s->periods);
    free(s->period_teams);
    free(s);
}

/*
** Today's board and the timeline on a summary of make_model's: team
** ingestion gets a schedule (mean capacity 3.4), promise 1 becomes
** "done by day 120" at 85% (17 of 20: Wilson [0.640, 0.948]), class
** data-product 12 initial items and report 6, completion p85 and p95
** past the horizon in some replications (null); a timeline of two
** periods of 100 d, the second ending at the horizon (260), nothing
** done in it.
*/
static inline void add_board(cs_model *m, cs_summary *s)
{
    const cs_completion all = {18, 20, 0.9, NAN, 120.5, NAN, NAN};
    const cs_completion dp = {12, 20, 1.0, 101.25, 100, 110, 115};

    m->teams[0].schedule = calloc(1, sizeof *m->teams[0].schedule);
    ck_assert_ptr_nonnull(m->teams[0].schedule);
    m->teams[0].schedule[0].from = 100;
    m->teams[0].schedule[0].capacity = 4;
    m->teams[0].nschedule = 1;
    s->teams[0].capacity = ci_of(3.4, 3.4, 3.4);
    s->teams[1].capacity = ci_of(1, 1, 1);
    m->classes[0].backlog = 12;
    m->classes[1].backlog = 6;
    if (m->npromises > 1) {
        m->promises[1].kind = CS_PROMISE_DONE_BY;
        m->promises[1].done_by = 120;
        m->promises[1].target = 0.85;
        m->promises[1].per = 0;
        s->promises[1].target = 0.85;
        s->promises[1].achieved = cs_stats_ci_wilson(17, 20, 0.95);
        s->promises[1].verdict = CS_VERDICT_UNCERTAIN;
    }
    s->completion = all;
    s->cls_completion = calloc(2, sizeof *s->cls_completion);
    ck_assert_ptr_nonnull(s->cls_completion);
    s->cls_completion[0] = dp;
    s->cls_completion[1] = all;
    s->cls_completion[1].items = 6;
    s->period = 100;
    s->nperiods = 3;
    s->periods = calloc(3, sizeof *s->periods);
    s->period_teams = calloc(3 * (size_t)m->nteams, sizeof *s->period_teams);
    ck_assert(s->periods != NULL && s->period_teams != NULL);
    for (int k = 0; k < 3; k++) {
        cs_period_summary *d = &s->periods[k];
        d->from = 100 * k;
        d->to = k == 2 ? 260 : 100 * (k + 1);
        d->arrived = ci_of(50, 52, 54);
        d->done = k == 2 ? ci_of(0, 0, 0) : ci_of(40 + k, 41 + k, 42 + k);
        d->wip = ci_of(10, 12, 14);
        d->lead_time = k == 2 ? ci_none() : ci_of(20, 21, 22);
        d->lead_time_p85 = k == 2 ? NAN : 33.5;
        d->lt_n = k == 2 ? 0 : 123;
        d->teams = &s->period_teams[k * m->nteams];
        for (int t = 0; t < m->nteams; t++) {
            d->teams[t].utilization = ci_of(0.5, 0.6, 0.7);
            d->teams[t].wip = ci_of(1, 2, 3);
            d->teams[t].capacity = ci_of(t == 0 && k > 0 ? 4 : 2,
                                         t == 0 && k > 0 ? 4 : 2,
                                         t == 0 && k > 0 ? 4 : 2);
        }
    }
}

static inline cs_comparison *make_vs(int npromises)
{
    cs_comparison *c = calloc(1, sizeof *c);

    ck_assert_ptr_nonnull(c);
    c->level = 0.95;
    c->lead_time_mean = ci_of(-3, -3.4, -3.2);
    c->lead_time_p85 = ci_of(-5, -4, -6);
    c->throughput = ci_of(0.01, -0.01, 0.0);
    c->wip = ci_of(-1, -1.2, -0.9);
    c->npromises = npromises;
    c->promise = calloc((size_t)npromises + 1, sizeof *c->promise);
    ck_assert_ptr_nonnull(c->promise);
    if (npromises > 0)
        c->promise[0] = ci_of(0.06, 0.07, 0.08);
    if (npromises > 1)
        c->promise[1].mean = c->promise[1].lo = c->promise[1].hi = NAN;
    return c;
}

/* A compare of the baseline and one variant, built and torn down per test. */
typedef struct fixture {
    cs_model *m[2];
    cs_summary *s[2];
    cs_comparison *vs;
    cs_report_row rows[2];
    cs_report r;
    const char *point[2][1];
    const char *vary[1];
} fixture;

/* one_promise: 1 for the variant only, 2 for both. */
static inline void fixture_init(fixture *f, const char *variant, int extra_team,
                         int one_promise)
{
    memset(f, 0, sizeof *f);
    f->m[0] = make_model("baseline", 0, one_promise == 2);
    f->m[1] = make_model(variant, extra_team, one_promise);
    f->s[0] = make_summary(f->m[0], 0);
    f->s[1] = make_summary(f->m[1], -3.2);
    f->vs = make_vs(f->m[1]->npromises);
    f->rows[0].summary = f->s[0];
    f->rows[1].summary = f->s[1];
    f->rows[1].vs = f->vs;
    f->r.scenario_file = "bi.yaml";
    f->r.scenario_name = "BI chain";
    f->r.command = "compare";
    f->r.seed = 1;
    f->r.threads = 4;
    f->r.wall_seconds = -1;
    f->r.rows = f->rows;
    f->r.nrows = 2;
}

static inline void fixture_fini(fixture *f)
{
    for (int i = 0; i < 2; i++) {
        free_summary(f->s[i]);
        cs_model_free(f->m[i]);
    }
    if (f->vs != NULL)
        free(f->vs->promise);
    free(f->vs);
}

/* The report in format fmt as a string (caller frees); asserts CS_OK.
** Not inline: inlined, GCC takes the returned buffer for the local
** pointer open_memstream filled in (-Wdangling-pointer). */
static char *render(const cs_report *r, cs_format fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    cs_error err;
    cs_status st;

    ck_assert_ptr_nonnull(out);
    cs_error_clear(&err);
    st = cs_report_write(out, fmt, r, &err);
    ck_assert_msg(st == CS_OK, "cs_report_write: %s", err.msg);
    ck_assert_int_eq(fclose(out), 0);
    ck_assert_ptr_nonnull(buf);
    return buf;
}

/* Neither "nan" nor "inf", in any case, anywhere. */
static inline void assert_no_nan_inf(const char *s)
{
    for (const char *p = s; *p != '\0'; p++) {
        char w[4];
        size_t i;
        for (i = 0; i < 3 && p[i] != '\0'; i++)
            w[i] = (char)tolower((unsigned char)p[i]);
        w[i] = '\0';
        ck_assert_msg(strcmp(w, "nan") != 0 && strcmp(w, "inf") != 0,
                      "found '%.3s' in:\n%s", p, s);
    }
}

/* ---- JSON ----------------------------------------------------------- */

static inline json_t *parse_json(const char *text)
{
    json_error_t e;
    json_t *root = json_loads(text, 0, &e);

    ck_assert_msg(root != NULL, "invalid JSON at %d: %s\n%s", e.line, e.text,
                  text);
    return root;
}

static inline json_t *get(const json_t *obj, const char *key)
{
    json_t *v;

    ck_assert_msg(json_is_object(obj), "not an object looking for %s", key);
    v = json_object_get(obj, key);
    ck_assert_msg(v != NULL, "missing key %s", key);
    return v;
}

static inline void assert_num(const json_t *obj, const char *key)
{
    ck_assert_msg(json_is_number(get(obj, key)), "%s is not a number", key);
}

static inline void assert_ci95(const json_t *v, const char *what)
{
    ck_assert_msg(json_is_array(v) && json_array_size(v) == 2 &&
                      json_is_number(json_array_get(v, 0)) &&
                      json_is_number(json_array_get(v, 1)) &&
                      json_number_value(json_array_get(v, 0)) <=
                          json_number_value(json_array_get(v, 1)),
                  "%s: ci95 is not [lo, hi]", what);
}

/* ---- CSV ------------------------------------------------------------ */

/*
** Splits RFC 4180 text into lines of fields.  Returns the number of lines;
** fields[l][k] are heap strings, nf[l] the count on line l.
*/
enum { MAXL = 8, MAXF = 200 };

typedef struct csvdoc {
    char *f[MAXL][MAXF];
    int nf[MAXL];
    int nl;
} csvdoc;

static inline void csv_parse(const char *s, csvdoc *d)
{
    char buf[512];
    size_t len = 0;
    int quoted = 0;

    memset(d, 0, sizeof *d);
    for (; *s != '\0'; s++) {
        if (quoted) {
            if (*s == '"' && s[1] == '"') {
                buf[len++] = '"';
                s++;
            } else if (*s == '"') {
                quoted = 0;
            } else {
                buf[len++] = *s;
            }
        } else if (*s == '"') {
            quoted = 1;
        } else if (*s == ',' || *s == '\n') {
            buf[len] = '\0';
            ck_assert_int_lt(d->nl, MAXL);
            ck_assert_int_lt(d->nf[d->nl], MAXF);
            d->f[d->nl][d->nf[d->nl]++] = dup(buf);
            len = 0;
            if (*s == '\n')
                d->nl++;
        } else {
            buf[len++] = *s;
        }
        ck_assert_uint_lt(len, sizeof buf);
    }
    ck_assert_msg(len == 0 && !quoted, "CSV does not end with a newline");
}

static inline void csv_free(csvdoc *d)
{
    for (int l = 0; l < MAXL; l++)
        for (int k = 0; k < d->nf[l]; k++)
            free(d->f[l][k]);
}

static inline int column(const csvdoc *d, const char *name)
{
    for (int k = 0; k < d->nf[0]; k++)
        if (strcmp(d->f[0][k], name) == 0)
            return k;
    ck_assert_msg(0, "no column %s", name);
    return -1;
}

#endif /* CHAINSIM_TESTS_REPORT_FIXTURE_H */
