/*
** test_report.c - the three output formats on hand-built models and
** summaries: SPEC 3's JSON fields and types (read back with jansson), CSV
** columns and quoting, the table's verdicts, and no nan/inf anywhere.
*/
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

static char *dup(const char *s)
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
static cs_model *make_model(const char *variant, int extra_team,
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

static cs_ci ci_of(double a, double b, double c)
{
    const double x[3] = {a, b, c};
    return cs_ci_mean(x, 3, 0.95);
}

static cs_ci ci_one(double a)
{
    return cs_ci_mean(&a, 1, 0.95);
}

static cs_ci ci_none(void)
{
    return cs_ci_mean(NULL, 0, 0.95);
}

/*
** A summary of m; shift moves the lead times so variants differ.
** Undefined on purpose: class "report" has no lead times (n = 0, NaN
** percentiles), p95 is NaN, modelling's blocked share has one value only.
*/
static cs_summary *make_summary(const cs_model *m, double shift)
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

static void free_summary(cs_summary *s)
{
    if (s == NULL)
        return;
    free(s->classes);
    free(s->teams);
    free(s->promises);
    free(s);
}

static cs_comparison *make_vs(int npromises)
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
static void fixture_init(fixture *f, const char *variant, int extra_team,
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

static void fixture_fini(fixture *f)
{
    for (int i = 0; i < 2; i++) {
        free_summary(f->s[i]);
        cs_model_free(f->m[i]);
    }
    if (f->vs != NULL)
        free(f->vs->promise);
    free(f->vs);
}

/* The report in format fmt as a string (caller frees); asserts CS_OK. */
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
static void assert_no_nan_inf(const char *s)
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

static json_t *parse_json(const char *text)
{
    json_error_t e;
    json_t *root = json_loads(text, 0, &e);

    ck_assert_msg(root != NULL, "invalid JSON at %d: %s\n%s", e.line, e.text,
                  text);
    return root;
}

static json_t *get(const json_t *obj, const char *key)
{
    json_t *v;

    ck_assert_msg(json_is_object(obj), "not an object looking for %s", key);
    v = json_object_get(obj, key);
    ck_assert_msg(v != NULL, "missing key %s", key);
    return v;
}

static void assert_num(const json_t *obj, const char *key)
{
    ck_assert_msg(json_is_number(get(obj, key)), "%s is not a number", key);
}

static void assert_ci95(const json_t *v, const char *what)
{
    ck_assert_msg(json_is_array(v) && json_array_size(v) == 2 &&
                      json_is_number(json_array_get(v, 0)) &&
                      json_is_number(json_array_get(v, 1)) &&
                      json_number_value(json_array_get(v, 0)) <=
                          json_number_value(json_array_get(v, 1)),
                  "%s: ci95 is not [lo, hi]", what);
}

START_TEST(test_json_spec_fields)
{
    fixture f;
    char *text;
    json_t *root, *vars;

    fixture_init(&f, "platform-team", 0, 0);
    text = render(&f.r, CS_FORMAT_JSON);
    assert_no_nan_inf(text);
    root = parse_json(text);
    vars = get(root, "variants");
    ck_assert(json_is_array(vars));
    ck_assert_uint_eq(json_array_size(vars), 2);
    ck_assert_str_eq(json_string_value(get(root, "scenario")), "BI chain");
    ck_assert_int_eq(json_integer_value(get(root, "seed")), 1);
    ck_assert(json_is_false(get(root, "partial")));
    for (size_t i = 0; i < 2; i++) {
        const json_t *v = json_array_get(vars, i);
        const json_t *lt = get(v, "lead_time"), *teams = get(v, "teams");
        const json_t *proms = get(v, "promises"), *cls;
        ck_assert(json_is_string(get(v, "name")));
        ck_assert(json_is_integer(get(v, "replications")));
        ck_assert_int_eq(json_integer_value(get(v, "replications")), 3);
        assert_num(lt, "mean");
        assert_ci95(get(lt, "ci95"), "lead_time");
        assert_num(lt, "p50");
        assert_num(lt, "p85");
        ck_assert(json_is_null(get(lt, "p95")));        /* NaN -> null */
        cls = get(get(lt, "classes"), "data-product");
        assert_num(cls, "mean");
        assert_ci95(get(cls, "ci95"), "class");
        assert_num(cls, "p85");
        cls = get(get(lt, "classes"), "report");        /* no lead times */
        ck_assert(json_is_null(get(cls, "mean")));
        ck_assert(json_is_null(get(cls, "ci95")));
        ck_assert(json_is_null(get(cls, "p85")));
        assert_num(get(v, "throughput_per_day"), "mean");
        assert_ci95(get(get(v, "throughput_per_day"), "ci95"), "throughput");
        assert_num(get(v, "wip"), "mean");
        assert_num(v, "flow_efficiency");
        ck_assert_uint_eq(json_object_size(teams), 2);
        for (int t = 0; t < 2; t++) {
            const json_t *k =
                get(teams, t == 0 ? "ingestion" : "modelling");
            assert_num(k, "utilization");
            assert_num(k, "queue_wait_mean");
            assert_num(k, "queue_length_mean");
            assert_num(k, "blocked_fraction");
        }
        ck_assert(json_is_array(proms));
        ck_assert_uint_eq(json_array_size(proms), 2);
        for (size_t p = 0; p < 2; p++) {
            const json_t *e = json_array_get(proms, p);
            const char *verdict = json_string_value(get(e, "verdict"));
            ck_assert(json_is_string(get(e, "name")));
            assert_num(e, "target");
            assert_num(e, "achieved");
            assert_ci95(get(e, "ci95"), "promise");
            ck_assert_ptr_nonnull(verdict);
            ck_assert(strcmp(verdict, "met") == 0 ||
                      strcmp(verdict, "not met") == 0 ||
                      strcmp(verdict, "uncertain") == 0);
        }
        ck_assert(json_number_value(get(json_array_get(proms, 0), "target")) ==
                  0.85);
    }
    /* the baseline against itself: exactly 0, interval [0, 0] */
    {
        const json_t *vs = get(json_array_get(vars, 0), "vs_baseline");
        const json_t *ci = get(vs, "ci95");
        ck_assert(json_number_value(get(vs, "lead_time_mean_diff")) == 0.0);
        ck_assert(json_number_value(json_array_get(ci, 0)) == 0.0);
        ck_assert(json_number_value(json_array_get(ci, 1)) == 0.0);
    }
    {
        const json_t *vs = get(json_array_get(vars, 1), "vs_baseline");
        const json_t *pd = get(vs, "promises");
        assert_num(vs, "lead_time_mean_diff");
        assert_ci95(get(vs, "ci95"), "vs_baseline");
        ck_assert(json_is_true(get(vs, "significant")));
        ck_assert(json_number_value(get(vs, "confidence")) == 0.95);
        ck_assert_uint_eq(json_array_size(pd), 2);
        ck_assert(json_is_null(get(json_array_get(pd, 1), "diff")));
        ck_assert(json_is_null(get(json_array_get(pd, 1), "ci95")));
    }
    ck_assert_str_eq(
        json_string_value(get(json_array_get(vars, 0), "name")), "baseline");
    json_decref(root);
    free(text);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_json_undefined_and_extras)
{
    fixture f;
    char *text;
    json_t *root, *v, *cls;

    fixture_init(&f, "platform-team", 0, 0);
    f.s[0]->classes[0].lead_time = ci_one(20);
    f.s[0]->flow_efficiency = NAN;
    f.s[0]->lead_time.mean = INFINITY;
    f.r.partial = 1;
    text = render(&f.r, CS_FORMAT_JSON);
    assert_no_nan_inf(text);
    root = parse_json(text);
    v = json_array_get(get(root, "variants"), 0);
    ck_assert(json_is_null(get(v, "flow_efficiency")));
    ck_assert(json_is_null(get(get(v, "lead_time"), "mean")));
    ck_assert(json_is_true(get(root, "partial")));
    /* An interval over one value is null, its mean is not. */
    cls = get(get(get(v, "lead_time"), "classes"), "data-product");
    ck_assert(json_number_value(get(cls, "mean")) == 20.0);
    ck_assert(json_is_null(get(cls, "ci95")));
    ck_assert_str_eq(json_string_value(get(get(v, "bottleneck"), "team")),
                     "modelling");
    assert_num(v, "cost_per_day");
    ck_assert(json_number_value(get(v, "cost_per_day")) == 4.0);
    ck_assert(json_number_value(get(v, "warmup")) == 40.0);
    ck_assert(json_number_value(get(v, "horizon")) == 260.0);
    json_decref(root);
    free(text);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_json_vary_point)
{
    fixture f;
    char *text;
    json_t *root, *pt;

    fixture_init(&f, "platform-team", 0, 0);
    f.vary[0] = "teams.ingestion.capacity";
    f.point[0][0] = "2";
    f.point[1][0] = "3";
    f.rows[0].point = f.point[0];
    f.rows[1].point = f.point[1];
    f.r.vary = f.vary;
    f.r.nvary = 1;
    text = render(&f.r, CS_FORMAT_JSON);
    root = parse_json(text);
    pt = get(json_array_get(get(root, "variants"), 1), "point");
    ck_assert_str_eq(json_string_value(get(pt, "teams.ingestion.capacity")),
                     "3");
    json_decref(root);
    free(text);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_json_empty)
{
    fixture f;
    char *text;
    json_t *root;

    fixture_init(&f, "platform-team", 0, 0);
    f.r.nrows = 0;
    text = render(&f.r, CS_FORMAT_JSON);
    root = parse_json(text);
    ck_assert_uint_eq(json_array_size(get(root, "variants")), 0);
    json_decref(root);
    free(text);
    fixture_fini(&f);
}
END_TEST

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

static void csv_parse(const char *s, csvdoc *d)
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

static void csv_free(csvdoc *d)
{
    for (int l = 0; l < MAXL; l++)
        for (int k = 0; k < d->nf[l]; k++)
            free(d->f[l][k]);
}

static int column(const csvdoc *d, const char *name)
{
    for (int k = 0; k < d->nf[0]; k++)
        if (strcmp(d->f[0][k], name) == 0)
            return k;
    ck_assert_msg(0, "no column %s", name);
    return -1;
}

START_TEST(test_csv_columns)
{
    static const char *const need[] = {
        "scenario", "variant", "replications", "lead_time_mean",
        "lead_time_ci_lo", "lead_time_ci_hi", "lead_time_p50",
        "lead_time_p85", "lead_time_p95", "throughput_per_day",
        "throughput_ci_lo", "throughput_ci_hi", "wip_mean",
        "flow_efficiency", "bottleneck", "bottleneck_utilization",
        "cost_per_day", "promise_1_name", "promise_1_achieved",
        "promise_1_lo", "promise_1_hi", "promise_1_verdict",
        "promise_2_target", "util_ingestion", "blocked_ingestion",
        "util_platform", "blocked_modelling", "diff_lead_time_mean",
        "diff_lead_time_mean_lo", "diff_lead_time_mean_hi",
        "lead_time_mean_report"};
    fixture f;
    csvdoc d;
    char *text;

    /* The variant adds a team and its name needs quoting. */
    fixture_init(&f, "fast, \"lean\"", 1, 0);
    text = render(&f.r, CS_FORMAT_CSV);
    assert_no_nan_inf(text);
    ck_assert_ptr_nonnull(strstr(text, "\"fast, \"\"lean\"\"\""));
    csv_parse(text, &d);
    ck_assert_int_eq(d.nl, 3);
    ck_assert_int_eq(d.nf[1], d.nf[0]);
    ck_assert_int_eq(d.nf[2], d.nf[0]);
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        (void)column(&d, need[i]);
    ck_assert_str_eq(d.f[0][0], "scenario");
    ck_assert_str_eq(d.f[0][1], "variant");
    ck_assert_str_eq(d.f[2][column(&d, "variant")], "fast, \"lean\"");
    /* Undefined values are empty; the baseline has no diff and no platform. */
    ck_assert_str_eq(d.f[1][column(&d, "lead_time_p95")], "");
    ck_assert_str_eq(d.f[1][column(&d, "lead_time_mean_report")], "");
    ck_assert_str_eq(d.f[1][column(&d, "diff_lead_time_mean")], "");
    ck_assert_str_eq(d.f[1][column(&d, "util_platform")], "");
    ck_assert_str_ne(d.f[2][column(&d, "util_platform")], "");
    ck_assert_str_eq(d.f[2][column(&d, "diff_promise_2")], "");
    ck_assert(fabs(atof(d.f[2][column(&d, "diff_lead_time_mean")]) + 3.2) <
              1e-9);
    ck_assert_str_eq(d.f[1][column(&d, "promise_1_verdict")], "not met");
    ck_assert_str_eq(d.f[2][column(&d, "promise_1_verdict")], "met");
    ck_assert_str_eq(d.f[1][column(&d, "bottleneck")], "modelling");
    ck_assert_str_eq(d.f[1][column(&d, "promise_1_target")], "0.85");
    csv_free(&d);
    free(text);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_csv_no_header_and_vary)
{
    fixture f;
    csvdoc d, h;
    char *text, *with;

    fixture_init(&f, "platform-team", 0, 0);
    f.vary[0] = "work.report.arrivals.rate";
    f.point[0][0] = "2/w";
    f.point[1][0] = "2/w";
    f.rows[0].point = f.point[0];
    f.rows[1].point = f.point[1];
    f.r.vary = f.vary;
    f.r.nvary = 1;
    with = render(&f.r, CS_FORMAT_CSV);
    csv_parse(with, &h);
    ck_assert_str_eq(h.f[0][2], "work.report.arrivals.rate");
    ck_assert_str_eq(h.f[1][2], "2/w");
    f.r.no_header = 1;
    text = render(&f.r, CS_FORMAT_CSV);
    csv_parse(text, &d);
    ck_assert_int_eq(d.nl, 2);
    ck_assert_str_eq(d.f[0][0], "BI chain");
    ck_assert_int_eq(d.nf[0], h.nf[0]);
    /* Without the header the rest is byte for byte the same. */
    ck_assert_str_eq(strchr(with, '\n') + 1, text);
    csv_free(&d);
    csv_free(&h);
    free(text);
    free(with);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_csv_run_and_empty)
{
    fixture f;
    csvdoc d;
    char *text;

    fixture_init(&f, "platform-team", 0, 0);
    f.r.command = "run";
    f.r.nrows = 1;
    text = render(&f.r, CS_FORMAT_CSV);
    csv_parse(text, &d);
    ck_assert_int_eq(d.nl, 2);
    ck_assert_int_eq(d.nf[1], d.nf[0]);
    for (int k = 0; k < d.nf[0]; k++)      /* a run has no diff columns */
        ck_assert(strncmp(d.f[0][k], "diff_", 5) != 0);
    csv_free(&d);
    free(text);
    f.r.nrows = 0;
    text = render(&f.r, CS_FORMAT_CSV);
    csv_parse(text, &d);
    ck_assert_int_eq(d.nl, 1);
    csv_free(&d);
    free(text);
    fixture_fini(&f);
}
END_TEST

/* ---- table ---------------------------------------------------------- */

START_TEST(test_table_compare)
{
    fixture f;
    char *text;

    fixture_init(&f, "platform-team", 0, 0);
    text = render(&f.r, CS_FORMAT_TABLE);
    assert_no_nan_inf(text);
    ck_assert_ptr_nonnull(strstr(text, "BI chain"));
    ck_assert_ptr_nonnull(strstr(text, "platform-team"));
    ck_assert_ptr_nonnull(strstr(text, "NOT MET"));
    ck_assert_ptr_nonnull(strstr(text, " met"));
    ck_assert_ptr_nonnull(strstr(text, "uncertain"));
    ck_assert_ptr_nonnull(strstr(text, "data products in a month"));
    /* The ranked block comes first, the variant that keeps more first. */
    ck_assert_ptr_nonnull(strstr(text, "\n\nrank  variant"));
    ck_assert(strstr(text, "rank  variant") < strstr(text, "lead time (d)  p50"));
    ck_assert_ptr_nonnull(strstr(text, "1     platform-team  1 met, 1 uncertain"));
    ck_assert_ptr_nonnull(strstr(text, "2     baseline       0 met, 1 uncertain, "
                                       "1 NOT MET  21.3 "));
    ck_assert_ptr_nonnull(strstr(text, "18.1 -3.2 better"));
    ck_assert_ptr_nonnull(strstr(text, "  4 +0 "));            /* cost/d */
    ck_assert_ptr_nonnull(strstr(text, "0.72*"));              /* bottleneck */
    ck_assert_ptr_nonnull(strstr(text, "21.3 ±"));             /* lead time */
    ck_assert_ptr_nonnull(strstr(text, "-3.2"));               /* vs baseline */
    ck_assert_ptr_nonnull(strstr(text, "better"));
    ck_assert_ptr_nonnull(strstr(text, "unclear"));            /* throughput */
    ck_assert_ptr_nonnull(strstr(text, "utilisation"));
    /* Too wide for the variant table: a block per promise. */
    ck_assert_ptr_nonnull(strstr(text, "data products in a month  ≥85% within "
                                       "30d  verdict  vs baseline"));
    ck_assert_ptr_nonnull(strstr(text, "quarterly throughput  ≥40 per 65d"));
    ck_assert_ptr_null(strstr(text, "achieved [95% CI]"));
    ck_assert_ptr_null(strstr(text, "\033["));                 /* no colour */
    ck_assert_ptr_null(strstr(text, "partial"));
    free(text);
    f.r.color = 1;
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_ptr_nonnull(strstr(text, "\033[31mNOT MET"));
    ck_assert_ptr_nonnull(strstr(text, "\033[32m"));
    assert_no_nan_inf(text);
    free(text);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_table_run)
{
    fixture f;
    char *text;

    fixture_init(&f, "platform-team", 0, 0);
    f.r.command = "run";
    f.r.nrows = 1;
    f.s[0]->replications = 7;
    f.s[0]->partial = 1;
    f.s[0]->teams[0].utilization = ci_one(0.4);
    text = render(&f.r, CS_FORMAT_TABLE);
    assert_no_nan_inf(text);
    ck_assert_ptr_nonnull(strstr(text, "(partial: 7 of 100 replications)"));
    ck_assert_ptr_nonnull(strstr(text, "queue wait"));
    ck_assert_ptr_nonnull(strstr(text, "ingestion"));
    ck_assert_ptr_nonnull(strstr(text, "modelling *"));
    ck_assert_ptr_nonnull(strstr(text, "0.40 ±n/a"));          /* one value */
    ck_assert_ptr_nonnull(strstr(text, "report"));             /* class block */
    ck_assert_ptr_null(strstr(text, "vs baseline"));
    free(text);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_table_promise_block)
{
    fixture f;
    char *text;

    /* The variant has one promise, the baseline two: a block of their own. */
    fixture_init(&f, "lean", 0, 1);
    text = render(&f.r, CS_FORMAT_TABLE);
    assert_no_nan_inf(text);
    ck_assert_ptr_nonnull(strstr(text, "quarterly throughput  ≥40 per 65d"));
    ck_assert_ptr_nonnull(strstr(text, "\nlean                  -\n"));
    ck_assert_ptr_nonnull(strstr(text, "≥40 per 65d"));
    ck_assert_ptr_nonnull(strstr(text, "NOT MET"));
    ck_assert_ptr_nonnull(strstr(text, "+7.0 pts"));
    free(text);
    fixture_fini(&f);
}
END_TEST

/*
** One promise everywhere: a comparison gives it a block with its
** differences; several results without a comparison (a sweep) show it
** inline in the variant table.
*/
START_TEST(test_table_inline_promise)
{
    fixture f;
    char *text;

    fixture_init(&f, "platform-team", 0, 2);
    text = render(&f.r, CS_FORMAT_TABLE);
    assert_no_nan_inf(text);
    ck_assert_ptr_nonnull(strstr(text, "data products in a month  ≥85% within "
                                       "30d  verdict  vs baseline"));
    ck_assert_ptr_nonnull(strstr(text, "\nplatform-team             84% [82,87]"
                                       "      met      +7.0 pts [+4.5,+9.5] "
                                       "better\n"));
    ck_assert_ptr_nonnull(strstr(text, "vs baseline: 95% interval"));
    free(text);
    f.r.command = "run";
    f.rows[1].vs = NULL;
    text = render(&f.r, CS_FORMAT_TABLE);
    assert_no_nan_inf(text);
    ck_assert_ptr_nonnull(strstr(text, "data products in a month (≥85% "
                                       "within 30d)"));
    ck_assert_ptr_nonnull(strstr(text, "81% [79,83] NOT MET"));
    ck_assert_ptr_nonnull(strstr(text, "84% [82,87] met"));
    ck_assert_ptr_null(strstr(text, "vs baseline"));
    ck_assert_ptr_null(strstr(text, "rank  variant"));   /* no comparison */
    ck_assert_ptr_nonnull(strstr(text, "bottleneck (util)"));
    free(text);
    /* A share's interval near 1 is clipped in the table only. */
    f.s[1]->promises[0].achieved = ci_of(0.99, 1.0, 1.0);
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_ptr_nonnull(strstr(text, "100% [98,100]"));   /* hi 1.011 */
    free(text);
    fixture_fini(&f);
}
END_TEST

/* A variant identical to its baseline: exact zeros, said plainly. */
START_TEST(test_identical_variant)
{
    const double z[3] = {0, 0, 0};
    fixture f;
    char *text;
    json_t *root, *vs;

    fixture_init(&f, "same-as-base", 0, 0);
    f.vs->lead_time_mean = cs_ci_paired(z, z, 3, 0.95);
    f.s[1]->flow_efficiency = -0.0;     /* a signed zero prints as 0 */
    text = render(&f.r, CS_FORMAT_CSV);
    ck_assert_ptr_null(strstr(text, ",-0,"));
    free(text);
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_ptr_nonnull(strstr(text, "+0.0 [+0.0,+0.0] same"));
    ck_assert_ptr_nonnull(strstr(text, "18.1 +0.0 same"));   /* glance */
    ck_assert_ptr_null(strstr(text, "-0.0"));
    free(text);
    text = render(&f.r, CS_FORMAT_JSON);
    root = parse_json(text);
    vs = get(json_array_get(get(root, "variants"), 1), "vs_baseline");
    ck_assert(json_number_value(get(vs, "lead_time_mean_diff")) == 0.0);
    ck_assert(json_number_value(json_array_get(get(vs, "ci95"), 0)) == 0.0);
    ck_assert(json_is_false(get(vs, "significant")));
    ck_assert_ptr_nonnull(strstr(text, "\"lead_time_mean_diff\": 0.0,"));
    ck_assert_ptr_null(strstr(text, "-0.0,"));
    ck_assert_ptr_null(strstr(text, "-0.0\n"));
    json_decref(root);
    free(text);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_table_undefined)
{
    fixture f;
    char *text;

    fixture_init(&f, "platform-team", 0, 0);
    f.s[1]->lead_time = ci_one(20);
    f.s[1]->p85 = NAN;
    f.s[1]->flow_efficiency = NAN;
    f.s[1]->bottleneck = -1;
    f.vs->lead_time_mean = ci_none();
    text = render(&f.r, CS_FORMAT_TABLE);
    assert_no_nan_inf(text);
    ck_assert_ptr_nonnull(strstr(text, "20.0 ±n/a"));
    free(text);
    f.r.nrows = 0;
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_ptr_nonnull(strstr(text, "no results"));
    free(text);
    fixture_fini(&f);
}
END_TEST

/* ---- ranking -------------------------------------------------------- */

/* Rows for the ranking tests: each its own model and summary. */
enum { RANK_ROWS = 7 };

typedef struct ranked {
    cs_model *m[RANK_ROWS];
    cs_summary *s[RANK_ROWS];
    cs_comparison *vs[RANK_ROWS];
    cs_report_row rows[RANK_ROWS];
    const char *point[RANK_ROWS][1];
    const char *vary[1];
    cs_report r;
} ranked;

/*
** One row: its two verdicts, mean lead time (NaN: undefined), cost per
** day; row 0 and any row named "baseline" are baselines (no comparison).
*/
static void ranked_row(ranked *k, int i, const char *name, cs_verdict v0,
                       cs_verdict v1, double lead_time, double cost)
{
    k->m[i] = make_model(name, 0, 0);
    k->s[i] = make_summary(k->m[i], 0);
    k->s[i]->promises[0].verdict = v0;
    k->s[i]->promises[1].verdict = v1;
    k->s[i]->lead_time = isfinite(lead_time)
                             ? ci_of(lead_time, lead_time, lead_time)
                             : ci_none();
    k->s[i]->cost_per_day = cost;
    k->rows[i].summary = k->s[i];
    if (strcmp(name, "baseline") != 0) {
        k->vs[i] = make_vs(2);
        k->rows[i].vs = k->vs[i];
    }
}

/*
** The keys in order: more met, then fewer not met, then lower lead time
** (undefined last), then lower cost.  Expected ranks, best first:
** a 1 (both met, however slow), b and e 2 (tied on every key), d 4 (as b
** but dearer), c 5 (a promise not met), baseline 6, f 7 (no lead time).
*/
static const unsigned rank_expected[RANK_ROWS] = {6, 1, 2, 5, 4, 2, 7};

static void ranked_init(ranked *k)
{
    const cs_verdict M = CS_VERDICT_MET, N = CS_VERDICT_NOT_MET,
                     U = CS_VERDICT_UNCERTAIN;

    memset(k, 0, sizeof *k);
    ranked_row(k, 0, "baseline", N, U, 21, 4);
    ranked_row(k, 1, "a", M, M, 30, 9);
    ranked_row(k, 2, "b", M, U, 15, 4);
    ranked_row(k, 3, "c", M, N, 10, 1);
    ranked_row(k, 4, "d", M, U, 15, 5);
    ranked_row(k, 5, "e", M, U, 15, 4);
    ranked_row(k, 6, "f", N, U, NAN, 4);
    k->r.scenario_name = "BI chain";
    k->r.command = "compare";
    k->r.seed = 1;
    k->r.wall_seconds = -1;
    k->r.rows = k->rows;
    k->r.nrows = RANK_ROWS;
}

static void ranked_fini(ranked *k)
{
    for (int i = 0; i < RANK_ROWS; i++) {
        free_summary(k->s[i]);
        cs_model_free(k->m[i]);
        if (k->vs[i] != NULL)
            free(k->vs[i]->promise);
        free(k->vs[i]);
    }
}

static void assert_ranks(const cs_report *r, const unsigned *want)
{
    unsigned got[RANK_ROWS];
    cs_error err;

    cs_error_clear(&err);
    ck_assert_int_eq(cs_report_rank(r, got, &err), CS_OK);
    for (size_t i = 0; i < r->nrows; i++)
        ck_assert_msg(got[i] == want[i], "row %zu (%s): rank %u, expected %u",
                      i, r->rows[i].summary->model->variant, got[i], want[i]);
}

START_TEST(test_rank_order)
{
    ranked k;

    ranked_init(&k);
    assert_ranks(&k.r, rank_expected);
    /* A run ranks its rows the same way (they are the alternatives). */
    k.r.command = "run";
    assert_ranks(&k.r, rank_expected);
    ranked_fini(&k);
}
END_TEST

/* In a compare, rows are ranked within their sweep point only. */
START_TEST(test_rank_groups)
{
    /* points x: baseline a b c, then y: baseline(d) e f */
    static const unsigned compare_want[RANK_ROWS] = {4, 1, 2, 3, 2, 1, 3};
    static const unsigned run_want[RANK_ROWS] = {6, 1, 2, 5, 4, 2, 7};
    ranked k;

    ranked_init(&k);
    free(k.m[4]->variant);
    k.m[4]->variant = dup("baseline");
    k.rows[4].vs = NULL;
    k.vary[0] = "teams.modelling.capacity";
    for (int i = 0; i < RANK_ROWS; i++) {
        k.point[i][0] = i < 4 ? "x" : "y";
        k.rows[i].point = k.point[i];
    }
    k.r.vary = k.vary;
    k.r.nvary = 1;
    assert_ranks(&k.r, compare_want);
    k.r.command = "run";
    assert_ranks(&k.r, run_want);
    /* A baseline starts a group even at the same point (--vary x=1,1). */
    k.r.command = "compare";
    k.point[4][0] = k.point[5][0] = k.point[6][0] = "x";
    assert_ranks(&k.r, compare_want);
    ranked_fini(&k);
}
END_TEST

/* The same ranks in JSON, CSV and the table's ranked block. */
START_TEST(test_rank_outputs)
{
    ranked k;
    char *text;
    json_t *root, *vars;
    csvdoc d;
    const char *order[] = {"a", "b", "e", "d", "c", "baseline", "f"};
    const char *prev;

    ranked_init(&k);
    text = render(&k.r, CS_FORMAT_JSON);
    root = parse_json(text);
    vars = get(root, "variants");
    ck_assert(json_is_true(get(root, "common_random_numbers")));
    for (size_t i = 0; i < RANK_ROWS; i++) {
        const json_t *rk = get(json_array_get(vars, i), "rank");
        ck_assert(json_is_integer(rk));
        ck_assert_int_eq(json_integer_value(rk), rank_expected[i]);
    }
    json_decref(root);
    free(text);
    text = render(&k.r, CS_FORMAT_CSV);
    csv_parse(text, &d);
    ck_assert_str_eq(d.f[0][2], "rank");          /* after the variant */
    for (int i = 0; i < RANK_ROWS; i++)
        ck_assert_uint_eq((unsigned)atoi(d.f[i + 1][2]), rank_expected[i]);
    csv_free(&d);
    free(text);
    /* The table lists the rows best first, each line starting its rank. */
    text = render(&k.r, CS_FORMAT_TABLE);
    assert_no_nan_inf(text);
    prev = strstr(text, "rank  variant");
    ck_assert_ptr_nonnull(prev);
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        char line[64];
        const unsigned want[] = {1, 2, 2, 4, 5, 6, 7};
        snprintf(line, sizeof line, "\n%u     %s ", want[i], order[i]);
        const char *at = strstr(prev, line);
        ck_assert_msg(at != NULL, "no line '%s' after the previous one:\n%s",
                      line + 1, text);
        prev = at + 1;
    }
    ck_assert_ptr_nonnull(strstr(text, "1 met, 1 uncertain"));
    ck_assert_ptr_nonnull(strstr(text, "2 met"));
    ck_assert_ptr_nonnull(strstr(text, "9 +5"));       /* a's cost, +5 */
    free(text);
    k.r.independent = 1;
    text = render(&k.r, CS_FORMAT_JSON);
    root = parse_json(text);
    ck_assert(json_is_false(get(root, "common_random_numbers")));
    json_decref(root);
    free(text);
    text = render(&k.r, CS_FORMAT_TABLE);
    ck_assert_ptr_nonnull(strstr(text, "independent streams"));
    free(text);
    ranked_fini(&k);
}
END_TEST

/* Where the bottleneck moved: named in full when the block fits 100 columns. */
START_TEST(test_rank_bottleneck_moved)
{
    fixture f;
    char *text, *line, *end;

    fixture_init(&f, "platform-team", 0, 0);
    f.s[1]->bottleneck = 0;
    f.s[0]->promises[1].verdict = CS_VERDICT_NOT_MET;
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_ptr_nonnull(strstr(text, "0 met, 2 NOT MET"));
    ck_assert_ptr_nonnull(strstr(text, "ingestion (moved from modelling)"));
    ck_assert_ptr_null(strstr(text, "(moved):"));
    free(text);
    /* A longer name: "moved" alone, so the block stays within 100 columns. */
    free(f.m[1]->variant);
    f.m[1]->variant = dup("platform-team-larger");
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_ptr_null(strstr(text, "moved from"));
    ck_assert_ptr_nonnull(strstr(text, "ingestion (moved)"));
    ck_assert_ptr_nonnull(strstr(text, "(moved): the bottleneck is not the "
                                       "baseline's"));
    line = strstr(text, "rank  variant");
    end = strstr(line, "\nrank:");
    ck_assert_ptr_nonnull(end);
    for (char *p = line; p < end;) {
        char *nl = strchr(p, '\n');
        ck_assert_msg(nl - p <= 100, "line over 100 columns: %.*s",
                      (int)(nl - p), p);
        p = nl + 1;
    }
    free(text);
    fixture_fini(&f);
}
END_TEST

/* ---- misc ----------------------------------------------------------- */

START_TEST(test_write_error)
{
    fixture f;
    FILE *ro = fopen("/dev/null", "r");   /* writes fail */
    cs_error err;

    ck_assert_ptr_nonnull(ro);
    fixture_init(&f, "platform-team", 0, 0);
    for (int fmt = CS_FORMAT_TABLE; fmt <= CS_FORMAT_JSON; fmt++) {
        cs_error_clear(&err);
        ck_assert_int_eq(cs_report_write(ro, (cs_format)fmt, &f.r, &err),
                         CS_EIO);
        ck_assert_int_eq(err.status, CS_EIO);
        clearerr(ro);
    }
    fclose(ro);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_names)
{
    ck_assert_int_eq(cs_report_format_parse("table"), CS_FORMAT_TABLE);
    ck_assert_int_eq(cs_report_format_parse("csv"), CS_FORMAT_CSV);
    ck_assert_int_eq(cs_report_format_parse("json"), CS_FORMAT_JSON);
    ck_assert_int_eq(cs_report_format_parse("JSON"), -1);
    ck_assert_int_eq(cs_report_format_parse(""), -1);
    ck_assert_int_eq(cs_report_format_parse(NULL), -1);
}
END_TEST

/* Same input, same bytes (nothing depends on threads or timing). */
START_TEST(test_deterministic)
{
    fixture f;

    fixture_init(&f, "platform-team", 0, 0);
    for (int fmt = CS_FORMAT_TABLE; fmt <= CS_FORMAT_JSON; fmt++) {
        char *a = render(&f.r, (cs_format)fmt);
        char *b;
        f.r.threads = 1;
        b = render(&f.r, (cs_format)fmt);
        f.r.threads = 4;
        ck_assert_str_eq(a, b);
        free(a);
        free(b);
    }
    fixture_fini(&f);
}
END_TEST

static Suite *report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *json = tcase_create("json");
    TCase *csv = tcase_create("csv");
    TCase *table = tcase_create("table");
    TCase *misc = tcase_create("misc");
    TCase *rank = tcase_create("rank");

    tcase_add_test(json, test_json_spec_fields);
    tcase_add_test(json, test_json_undefined_and_extras);
    tcase_add_test(json, test_json_vary_point);
    tcase_add_test(json, test_json_empty);
    tcase_add_test(csv, test_csv_columns);
    tcase_add_test(csv, test_csv_no_header_and_vary);
    tcase_add_test(csv, test_csv_run_and_empty);
    tcase_add_test(table, test_table_compare);
    tcase_add_test(table, test_table_run);
    tcase_add_test(table, test_table_promise_block);
    tcase_add_test(table, test_table_inline_promise);
    tcase_add_test(table, test_identical_variant);
    tcase_add_test(table, test_table_undefined);
    tcase_add_test(rank, test_rank_order);
    tcase_add_test(rank, test_rank_groups);
    tcase_add_test(rank, test_rank_outputs);
    tcase_add_test(rank, test_rank_bottleneck_moved);
    tcase_add_test(misc, test_write_error);
    tcase_add_test(misc, test_names);
    tcase_add_test(misc, test_deterministic);
    suite_add_tcase(s, json);
    suite_add_tcase(s, csv);
    suite_add_tcase(s, table);
    suite_add_tcase(s, rank);
    suite_add_tcase(s, misc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(report_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
