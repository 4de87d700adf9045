/*
** report.c - results as a table (for people), CSV (stable columns, for
** scripts) and JSON (SPEC 3, for programs).  docs/output.md describes every
** field; keep the two in step.
**
** Invariants shared by the three writers:
**   - nothing prints nan or inf: an undefined value (NaN, or a cs_ci with
**     no values) is "-" in the table, an empty CSV field and JSON null; an
**     interval that cannot be computed (fewer than 2 values) is "n/a",
**     empty fields and "ci95": null;
**   - output depends only on the results, never on threads or timing, so
**     the same run prints the same bytes;
**   - rows may come from different models (variants add or drop teams,
**     classes and promises): team and class columns are the union over the
**     rows, in order of first appearance, and a row without one is empty;
**   - the three writers rank the rows through cs_report_rank (rank_sorted),
**     so a row has the same rank in the table, the CSV and the JSON.
*/
#include "chainsim/report.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "chainsim/model.h"
#include "chainsim/stats.h"

/* ---- small shared helpers ------------------------------------------- */

int cs_report_format_parse(const char *s)
{
    if (s == NULL)
        return -1;
    if (strcmp(s, "table") == 0)
        return CS_FORMAT_TABLE;
    if (strcmp(s, "csv") == 0)
        return CS_FORMAT_CSV;
    if (strcmp(s, "json") == 0)
        return CS_FORMAT_JSON;
    return -1;
}

/* -0 prints as "-0"; results never mean a signed zero. */
static double unsign_zero(double x)
{
    return x == 0.0 ? 0.0 : x;
}

/* A mean that exists: at least one value went into it, and it is finite. */
static int ci_defined(const cs_ci *c)
{
    return c->n > 0 && isfinite(c->mean);
}

/* An interval that exists (at least two values). */
static int ci_interval(const cs_ci *c)
{
    return ci_defined(c) && c->valid && isfinite(c->lo) && isfinite(c->hi);
}

/* A difference is significant when its whole interval is on one side of 0. */
static int ci_significant(const cs_ci *c)
{
    return ci_interval(c) && (c->lo > 0.0 || c->hi < 0.0);
}

static const cs_model *row_model(const cs_report_row *row)
{
    return row->summary->model;
}

static const char *point_value(const cs_report *r, const cs_report_row *row,
                               size_t k)
{
    if (k >= r->nvary || row->point == NULL || row->point[k] == NULL)
        return "";
    return row->point[k];
}

static int any_partial(const cs_report *r)
{
    if (r->partial)
        return 1;
    for (size_t i = 0; i < r->nrows; i++)
        if (r->rows[i].summary->partial)
            return 1;
    return 0;
}

/*
** Names in order of first appearance over the rows (borrowed from the
** models).  Teams and classes are looked up by name in each row's model.
*/
typedef struct names {
    const char **v;
    size_t n;
} names;

static int names_add(names *ns, const char *s)
{
    const char **nv;

    for (size_t i = 0; i < ns->n; i++)
        if (strcmp(ns->v[i], s) == 0)
            return 0;
    nv = realloc(ns->v, (ns->n + 1) * sizeof *nv);
    if (nv == NULL)
        return -1;
    ns->v = nv;
    ns->v[ns->n++] = s;
    return 0;
}

/* Union of team names (classes when want_classes) over the rows. */
static int names_collect(names *ns, const cs_report *r, int want_classes)
{
    ns->v = NULL;
    ns->n = 0;
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_model *m = row_model(&r->rows[i]);
        const int n = want_classes ? m->nclasses : m->nteams;
        for (int k = 0; k < n; k++) {
            const char *s =
                want_classes ? m->classes[k].name : m->teams[k].name;
            if (names_add(ns, s) != 0)
                return -1;
        }
    }
    return 0;
}

static int max_promises(const cs_report *r)
{
    int n = 0;

    for (size_t i = 0; i < r->nrows; i++)
        if (row_model(&r->rows[i])->npromises > n)
            n = row_model(&r->rows[i])->npromises;
    return n;
}

/* Comparisons exist (or are expected, so a compare always has the columns). */
static int want_diff(const cs_report *r)
{
    if (r->command != NULL && strcmp(r->command, "compare") == 0)
        return 1;
    for (size_t i = 0; i < r->nrows; i++)
        if (r->rows[i].vs != NULL)
            return 1;
    return 0;
}

/* ---- ranking ------------------------------------------------------- */

/* Counts a row's promise verdicts. */
static void count_verdicts(const cs_summary *s, int *met, int *uncertain,
                           int *not_met)
{
    *met = *uncertain = *not_met = 0;
    for (int p = 0; p < s->model->npromises; p++) {
        switch (s->promises[p].verdict) {
        case CS_VERDICT_MET:
            ++*met;
            break;
        case CS_VERDICT_NOT_MET:
            ++*not_met;
            break;
        case CS_VERDICT_UNCERTAIN:
            ++*uncertain;
            break;
        }
    }
}

static int is_compare(const cs_report *r)
{
    return r->command != NULL && strcmp(r->command, "compare") == 0;
}

static int is_baseline(const cs_report_row *row)
{
    const char *v = row_model(row)->variant;
    return v == NULL || strcmp(v, "baseline") == 0;
}

static int same_point(const cs_report *r, const cs_report_row *a,
                      const cs_report_row *b)
{
    for (size_t k = 0; k < r->nvary; k++)
        if (strcmp(point_value(r, a, k), point_value(r, b, k)) != 0)
            return 0;
    return 1;
}

/* A row's ranking keys; rows of one group are ranked against each other. */
typedef struct rank_key {
    size_t group;
    size_t row;
    int met;
    int not_met;
    double lead_time;       /* NaN when undefined */
    double cost;
} rank_key;

/* Lower is better; an undefined value comes after every defined one. */
static int cmp_lower(double a, double b)
{
    const int da = isfinite(a), db = isfinite(b);

    if (da != db)
        return da ? -1 : 1;
    if (!da || a == b)
        return 0;
    return a < b ? -1 : 1;
}

/* < 0 when a ranks before b, 0 when they tie on every key. */
static int cmp_keys(const rank_key *a, const rank_key *b)
{
    int c;

    if (a->met != b->met)
        return a->met > b->met ? -1 : 1;
    if (a->not_met != b->not_met)
        return a->not_met < b->not_met ? -1 : 1;
    if ((c = cmp_lower(a->lead_time, b->lead_time)) != 0)
        return c;
    return cmp_lower(a->cost, b->cost);
}

/* Group, then rank, then row order, so the sort is deterministic. */
static int cmp_rank_order(const void *pa, const void *pb)
{
    const rank_key *a = pa, *b = pb;
    int c;

    if (a->group != b->group)
        return a->group < b->group ? -1 : 1;
    if ((c = cmp_keys(a, b)) != 0)
        return c;
    return a->row < b->row ? -1 : a->row > b->row ? 1 : 0;
}

/*
** The rows' keys sorted best first within each group, groups in row
** order; NULL if out of memory (caller frees).  In a compare a group
** starts at each baseline row and wherever the sweep point changes.
*/
static rank_key *rank_sorted(const cs_report *r)
{
    rank_key *k = calloc(r->nrows + 1, sizeof *k);
    size_t group = 0;

    if (k == NULL)
        return NULL;
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_report_row *row = &r->rows[i];
        const cs_summary *s = row->summary;
        int uncertain;
        if (i > 0 && is_compare(r) &&
            (is_baseline(row) || !same_point(r, row, &r->rows[i - 1])))
            group++;
        k[i].group = group;
        k[i].row = i;
        count_verdicts(s, &k[i].met, &uncertain, &k[i].not_met);
        k[i].lead_time = ci_defined(&s->lead_time) ? s->lead_time.mean : NAN;
        k[i].cost = s->cost_per_day;
    }
    qsort(k, r->nrows, sizeof *k, cmp_rank_order);
    return k;
}

/* rank[row] from sorted keys: position in the group, ties share a rank. */
static void fill_ranks(const rank_key *k, size_t n, unsigned *rank)
{
    unsigned pos = 0;

    for (size_t i = 0; i < n; i++) {
        const int same_group = i > 0 && k[i].group == k[i - 1].group;
        pos = same_group ? pos + 1 : 1;
        if (same_group && cmp_keys(&k[i], &k[i - 1]) == 0)
            rank[k[i].row] = rank[k[i - 1].row];
        else
            rank[k[i].row] = pos;
    }
}

cs_status cs_report_rank(const cs_report *r, unsigned *rank, cs_error *err)
{
    rank_key *k = rank_sorted(r);

    if (k == NULL)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                            "out of memory while ranking");
    fill_ranks(k, r->nrows, rank);
    free(k);
    return CS_OK;
}

/* Ranks for a writer (caller frees); NULL if out of memory. */
static unsigned *ranks_new(const cs_report *r)
{
    unsigned *rank = calloc(r->nrows + 1, sizeof *rank);
    cs_error err;

    if (rank != NULL && cs_report_rank(r, rank, &err) != CS_OK) {
        free(rank);
        return NULL;
    }
    return rank;
}

/* ---- JSON ----------------------------------------------------------- */

/* Allocation failures are collected in oom and reported once at the end. */
typedef struct jctx {
    int oom;
} jctx;

static void put(jctx *j, json_t *obj, const char *key, json_t *v)
{
    /* json_object_set_new releases v when it fails, also for obj NULL. */
    if (v == NULL || json_object_set_new(obj, key, v) != 0)
        j->oom = 1;
}

static void append(jctx *j, json_t *arr, json_t *v)
{
    if (v == NULL || json_array_append_new(arr, v) != 0)
        j->oom = 1;
}

static json_t *jnum(double x)
{
    return isfinite(x) ? json_real(unsign_zero(x)) : json_null();
}

static json_t *jstr(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

static json_t *jmean(const cs_ci *c)
{
    return ci_defined(c) ? jnum(c->mean) : json_null();
}

static json_t *jci(const cs_ci *c)
{
    json_t *a;

    if (!ci_interval(c))
        return json_null();
    a = json_array();
    if (a == NULL)
        return NULL;
    if (json_array_append_new(a, jnum(c->lo)) != 0 ||
        json_array_append_new(a, jnum(c->hi)) != 0) {
        json_decref(a);
        return NULL;
    }
    return a;
}

/* {"mean": m, "ci95": [lo, hi]} */
static json_t *jmean_ci(jctx *j, const cs_ci *c)
{
    json_t *o = json_object();

    put(j, o, "mean", jmean(c));
    put(j, o, "ci95", jci(c));
    return o;
}

static json_t *jsignificant(const cs_ci *c)
{
    return ci_interval(c) ? json_boolean(ci_significant(c)) : json_null();
}

static json_t *json_lead_time(jctx *j, const cs_summary *s)
{
    const cs_model *m = s->model;
    json_t *lt = json_object(), *classes = json_object();

    put(j, lt, "mean", jmean(&s->lead_time));
    put(j, lt, "ci95", jci(&s->lead_time));
    put(j, lt, "p50", jnum(s->p50));
    put(j, lt, "p85", jnum(s->p85));
    put(j, lt, "p95", jnum(s->p95));
    put(j, lt, "count", json_integer((json_int_t)s->lt_n));
    for (int c = 0; c < m->nclasses; c++) {
        const cs_class_summary *k = &s->classes[c];
        json_t *o = json_object();
        put(j, o, "mean", jmean(&k->lead_time));
        put(j, o, "ci95", jci(&k->lead_time));
        put(j, o, "p50", jnum(k->p50));
        put(j, o, "p85", jnum(k->p85));
        put(j, o, "p95", jnum(k->p95));
        put(j, o, "count", json_integer((json_int_t)k->n));
        put(j, o, "throughput_per_day", jmean_ci(j, &k->throughput));
        put(j, classes, m->classes[c].name, o);
    }
    put(j, lt, "classes", classes);
    return lt;
}

static json_t *json_teams(jctx *j, const cs_summary *s)
{
    const cs_model *m = s->model;
    json_t *teams = json_object();

    for (int t = 0; t < m->nteams; t++) {
        const cs_team_summary *k = &s->teams[t];
        json_t *o = json_object();
        put(j, o, "utilization", jmean(&k->utilization));
        put(j, o, "utilization_ci95", jci(&k->utilization));
        put(j, o, "queue_wait_mean", jmean(&k->queue_wait));
        put(j, o, "queue_wait_ci95", jci(&k->queue_wait));
        put(j, o, "queue_length_mean", jmean(&k->queue_len));
        put(j, o, "blocked_fraction", jmean(&k->blocked_fraction));
        put(j, o, "wip_mean", jmean(&k->wip));
        put(j, o, "type", json_string(cs_team_type_name(m->teams[t].type)));
        put(j, o, "capacity", json_integer(m->teams[t].capacity));
        put(j, o, "wip_limit", m->teams[t].wip_limit > 0
                                   ? json_integer(m->teams[t].wip_limit)
                                   : json_null());
        put(j, teams, m->teams[t].name, o);
    }
    return teams;
}

static json_t *json_promises(jctx *j, const cs_summary *s)
{
    const cs_model *m = s->model;
    json_t *arr = json_array();

    for (int p = 0; p < m->npromises; p++) {
        const cs_promise *d = &m->promises[p];
        const cs_promise_summary *k = &s->promises[p];
        const int lt = d->kind == CS_PROMISE_LEAD_TIME;
        json_t *o = json_object();
        put(j, o, "name", jstr(d->name));
        put(j, o, "target", jnum(k->target));
        put(j, o, "achieved", jmean(&k->achieved));
        put(j, o, "ci95", jci(&k->achieved));
        put(j, o, "verdict",
            json_string(cs_summary_verdict_name(k->verdict)));
        put(j, o, "kind", json_string(lt ? "lead_time" : "throughput"));
        put(j, o, "work", d->work >= 0 && d->work < m->nclasses
                              ? jstr(m->classes[d->work].name)
                              : json_null());
        put(j, o, lt ? "within" : "per", jnum(lt ? d->within : d->per));
        append(j, arr, o);
    }
    return arr;
}

static double first_level(const cs_report *r);

static json_t *json_vs(jctx *j, const cs_report_row *row)
{
    const cs_comparison *c = row->vs;
    const cs_model *m = row_model(row);
    json_t *o = json_object(), *prom = json_array();

    put(j, o, "lead_time_mean_diff", jmean(&c->lead_time_mean));
    put(j, o, "ci95", jci(&c->lead_time_mean));
    put(j, o, "significant", jsignificant(&c->lead_time_mean));
    put(j, o, "confidence", jnum(c->level));
    put(j, o, "lead_time_p85_diff", jmean(&c->lead_time_p85));
    put(j, o, "lead_time_p85_ci95", jci(&c->lead_time_p85));
    put(j, o, "throughput_per_day_diff", jmean(&c->throughput));
    put(j, o, "throughput_per_day_ci95", jci(&c->throughput));
    put(j, o, "wip_diff", jmean(&c->wip));
    put(j, o, "wip_ci95", jci(&c->wip));
    for (int p = 0; p < c->npromises && p < m->npromises; p++) {
        json_t *e = json_object();
        put(j, e, "name", jstr(m->promises[p].name));
        put(j, e, "diff", jmean(&c->promise[p]));
        put(j, e, "ci95", jci(&c->promise[p]));
        put(j, e, "significant", jsignificant(&c->promise[p]));
        append(j, prom, e);
    }
    put(j, o, "promises", prom);
    return o;
}

static json_t *json_row(jctx *j, const cs_report *r, const cs_report_row *row,
                        unsigned rank)
{
    const cs_summary *s = row->summary;
    const cs_model *m = s->model;
    json_t *o = json_object();

    put(j, o, "name", jstr(m->variant != NULL ? m->variant : "baseline"));
    if (r->nvary > 0) {
        json_t *pt = json_object();
        for (size_t k = 0; k < r->nvary; k++)
            put(j, pt, r->vary[k], json_string(point_value(r, row, k)));
        put(j, o, "point", pt);
    }
    put(j, o, "rank", json_integer((json_int_t)rank));
    put(j, o, "hypothesis", jstr(m->hypothesis));
    put(j, o, "replications", json_integer((json_int_t)s->replications));
    put(j, o, "partial", json_boolean(s->partial));
    put(j, o, "warmup", jnum(s->warmup));
    put(j, o, "horizon", jnum(s->horizon));
    put(j, o, "lead_time", json_lead_time(j, s));
    put(j, o, "throughput_per_day", jmean_ci(j, &s->throughput));
    put(j, o, "wip", jmean_ci(j, &s->wip));
    put(j, o, "flow_efficiency", jnum(s->flow_efficiency));
    put(j, o, "teams", json_teams(j, s));
    if (s->bottleneck >= 0 && s->bottleneck < m->nteams) {
        json_t *b = json_object();
        put(j, b, "team", jstr(m->teams[s->bottleneck].name));
        put(j, b, "utilization", jmean(&s->teams[s->bottleneck].utilization));
        put(j, o, "bottleneck", b);
    } else {
        put(j, o, "bottleneck", json_null());
    }
    put(j, o, "cost_per_day", jnum(s->cost_per_day));
    put(j, o, "promises", json_promises(j, s));
    if (row->vs != NULL) {
        put(j, o, "vs_baseline", json_vs(j, row));
    } else if (m->variant == NULL || strcmp(m->variant, "baseline") == 0) {
        /* the baseline against itself: exactly zero (SPEC 3 shows the
           field on every variant) */
        cs_comparison self;
        cs_ci zero[1];
        cs_ci *zeros = calloc((size_t)m->npromises + 1, sizeof *zeros);
        memset(&self, 0, sizeof self);
        memset(zero, 0, sizeof zero);
        zero[0].n = s->replications;
        zero[0].valid = 1;   /* a difference known exactly */
        for (int p = 0; zeros != NULL && p < m->npromises; p++)
            zeros[p] = zero[0];
        self.level = first_level(r);
        self.lead_time_mean = self.lead_time_p85 = self.throughput =
            self.wip = zero[0];
        self.promise = zeros;
        self.npromises = zeros != NULL ? m->npromises : 0;
        cs_report_row me = *row;
        me.vs = &self;
        put(j, o, "vs_baseline", json_vs(j, &me));
        free(zeros);
    } else {
        put(j, o, "vs_baseline", json_null());
    }
    {
        json_t *items = json_object();
        put(j, items, "arrived", json_integer((json_int_t)s->arrived));
        put(j, items, "done", json_integer((json_int_t)s->done));
        put(j, o, "items", items);
    }
    return o;
}

static cs_status write_json(FILE *out, const cs_report *r, cs_error *err)
{
    jctx j = {0};
    json_t *root = json_object(), *variants = json_array();
    unsigned *rank = ranks_new(r);
    int rc;

    if (rank == NULL)
        j.oom = 1;

    put(&j, root, "scenario", jstr(r->scenario_name));
    put(&j, root, "file", jstr(r->scenario_file));
    put(&j, root, "command", jstr(r->command));
    /* json_int_t is signed; a seed beyond it is written as a string. */
    if (r->seed <= (uint64_t)INT64_MAX) {
        put(&j, root, "seed", json_integer((json_int_t)r->seed));
    } else {
        char buf[32];
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)r->seed);
        put(&j, root, "seed", json_string(buf));
    }
    if (is_compare(r))
        put(&j, root, "common_random_numbers", json_boolean(!r->independent));
    put(&j, root, "partial", json_boolean(any_partial(r)));
    if (r->nvary > 0) {
        json_t *vary = json_array();
        for (size_t k = 0; k < r->nvary; k++)
            append(&j, vary, jstr(r->vary[k]));
        put(&j, root, "vary", vary);
    }
    for (size_t i = 0; i < r->nrows && rank != NULL; i++)
        append(&j, variants, json_row(&j, r, &r->rows[i], rank[i]));
    free(rank);
    put(&j, root, "variants", variants);
#ifdef CS_VERSION
    put(&j, root, "version", json_string(CS_VERSION));
#endif
    if (j.oom || root == NULL) {
        json_decref(root);
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                            "out of memory while writing the report");
    }
    rc = json_dumpf(root, out,
                    JSON_INDENT(2) | JSON_REAL_PRECISION(10) |
                        JSON_PRESERVE_ORDER);
    json_decref(root);
    if (rc != 0 || fputc('\n', out) == EOF)
        return cs_error_set(err, CS_EIO, NULL, 0, 0, "write failed");
    return CS_OK;
}

/* ---- CSV ------------------------------------------------------------ */

/*
** One routine writes the header and the rows (row NULL = header), so the
** two can never disagree on the columns.  Each cell call names its column
** and gives its value; only one of the two is written.
*/
typedef struct csvw {
    FILE *out;
    const cs_report_row *row;   /* NULL while writing the header */
    unsigned rank;              /* the row's rank */
    int first;                  /* no field written yet on this line */
    int oom;
} csvw;

static void csv_field(csvw *w, const char *s)
{
    if (!w->first)
        fputc(',', w->out);
    w->first = 0;
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, w->out);
        return;
    }
    fputc('"', w->out);
    for (; *s != '\0'; s++) {
        if (*s == '"')
            fputc('"', w->out);
        fputc(*s, w->out);
    }
    fputc('"', w->out);
}

/* The header name: fmt with its arguments. */
static void csv_head(csvw *w, const char *fmt, va_list ap)
{
    char buf[128];
    va_list aq;
    int len;

    va_copy(aq, ap);
    len = vsnprintf(buf, sizeof buf, fmt, aq);
    va_end(aq);
    if (len < 0) {
        w->oom = 1;
        return;
    }
    if ((size_t)len < sizeof buf) {
        csv_field(w, buf);
        return;
    }
    {
        char *big = malloc((size_t)len + 1);
        if (big == NULL) {
            w->oom = 1;
            csv_field(w, "");
            return;
        }
        vsnprintf(big, (size_t)len + 1, fmt, ap);
        csv_field(w, big);
        free(big);
    }
}

/* A text cell; the column name is printf-formatted. */
static void csv_str(csvw *w, const char *val, const char *fmt, ...)
{
    va_list ap;

    if (w->row != NULL) {
        csv_field(w, val != NULL ? val : "");
        return;
    }
    va_start(ap, fmt);
    csv_head(w, fmt, ap);
    va_end(ap);
}

static void csv_num(csvw *w, double val, const char *fmt, ...)
{
    va_list ap;
    char buf[40];

    if (w->row != NULL) {
        if (isfinite(val))
            snprintf(buf, sizeof buf, "%.10g", unsign_zero(val));
        else
            buf[0] = '\0';
        csv_field(w, buf);
        return;
    }
    va_start(ap, fmt);
    csv_head(w, fmt, ap);
    va_end(ap);
}

/* Mean, lo, hi of a cs_ci: three columns NAME, NAME_lo|ci_lo, ... */
static void csv_mean(csvw *w, const cs_ci *c, const char *name)
{
    csv_num(w, c != NULL && ci_defined(c) ? c->mean : NAN, "%s", name);
}

static void csv_bounds(csvw *w, const cs_ci *c, const char *lo,
                       const char *hi)
{
    const int ok = c != NULL && ci_interval(c);

    csv_num(w, ok ? c->lo : NAN, "%s", lo);
    csv_num(w, ok ? c->hi : NAN, "%s", hi);
}

static void csv_promises(csvw *w, int np)
{
    const cs_summary *s = w->row != NULL ? w->row->summary : NULL;

    for (int p = 0; p < np; p++) {
        const int have = s != NULL && p < s->model->npromises;
        const cs_promise_summary *k = have ? &s->promises[p] : NULL;
        csv_str(w, have ? s->model->promises[p].name : NULL,
                "promise_%d_name", p + 1);
        csv_num(w, have ? k->target : NAN, "promise_%d_target", p + 1);
        csv_num(w, have && ci_defined(&k->achieved) ? k->achieved.mean : NAN,
                "promise_%d_achieved", p + 1);
        csv_num(w, have && ci_interval(&k->achieved) ? k->achieved.lo : NAN,
                "promise_%d_lo", p + 1);
        csv_num(w, have && ci_interval(&k->achieved) ? k->achieved.hi : NAN,
                "promise_%d_hi", p + 1);
        csv_str(w, have ? cs_summary_verdict_name(k->verdict) : NULL,
                "promise_%d_verdict", p + 1);
    }
}

static void csv_teams(csvw *w, const names *teams)
{
    const cs_summary *s = w->row != NULL ? w->row->summary : NULL;

    for (size_t i = 0; i < teams->n; i++) {
        const int t = s != NULL ? cs_model_team_index(s->model, teams->v[i])
                                : -1;
        const cs_team_summary *k = t >= 0 ? &s->teams[t] : NULL;
        csv_num(w, k && ci_defined(&k->utilization) ? k->utilization.mean
                                                    : NAN,
                "util_%s", teams->v[i]);
        csv_num(w, k && ci_defined(&k->queue_wait) ? k->queue_wait.mean : NAN,
                "wait_%s", teams->v[i]);
        csv_num(w, k && ci_defined(&k->blocked_fraction)
                       ? k->blocked_fraction.mean
                       : NAN,
                "blocked_%s", teams->v[i]);
    }
}

static void csv_classes(csvw *w, const names *classes)
{
    const cs_summary *s = w->row != NULL ? w->row->summary : NULL;

    for (size_t i = 0; i < classes->n; i++) {
        const int c = s != NULL
                          ? cs_model_class_index(s->model, classes->v[i])
                          : -1;
        const cs_class_summary *k = c >= 0 ? &s->classes[c] : NULL;
        csv_num(w, k && ci_defined(&k->lead_time) ? k->lead_time.mean : NAN,
                "lead_time_mean_%s", classes->v[i]);
        csv_num(w, k ? k->p85 : NAN, "lead_time_p85_%s", classes->v[i]);
    }
}

static void csv_diff(csvw *w, int np)
{
    const cs_comparison *c = w->row != NULL ? w->row->vs : NULL;
    const cs_ci *lt = c ? &c->lead_time_mean : NULL;
    const cs_ci *p85 = c ? &c->lead_time_p85 : NULL;
    const cs_ci *th = c ? &c->throughput : NULL;
    const cs_ci *wip = c ? &c->wip : NULL;

    csv_mean(w, lt, "diff_lead_time_mean");
    csv_bounds(w, lt, "diff_lead_time_mean_lo", "diff_lead_time_mean_hi");
    csv_mean(w, p85, "diff_lead_time_p85");
    csv_bounds(w, p85, "diff_lead_time_p85_lo", "diff_lead_time_p85_hi");
    csv_mean(w, th, "diff_throughput_per_day");
    csv_bounds(w, th, "diff_throughput_per_day_lo",
               "diff_throughput_per_day_hi");
    csv_mean(w, wip, "diff_wip");
    csv_bounds(w, wip, "diff_wip_lo", "diff_wip_hi");
    for (int p = 0; p < np; p++) {
        const cs_ci *k = c && p < c->npromises ? &c->promise[p] : NULL;
        csv_num(w, k && ci_defined(k) ? k->mean : NAN, "diff_promise_%d",
                p + 1);
        csv_num(w, k && ci_interval(k) ? k->lo : NAN, "diff_promise_%d_lo",
                p + 1);
        csv_num(w, k && ci_interval(k) ? k->hi : NAN, "diff_promise_%d_hi",
                p + 1);
    }
    csv_num(w, c ? c->level : NAN, "diff_confidence");
}

static void csv_line(csvw *w, const cs_report *r, const names *teams,
                     const names *classes, int np, int diff)
{
    const cs_report_row *row = w->row;
    const cs_summary *s = row != NULL ? row->summary : NULL;
    const cs_model *m = s != NULL ? s->model : NULL;
    const int bn = s != NULL && s->bottleneck >= 0 &&
                           s->bottleneck < m->nteams
                       ? s->bottleneck
                       : -1;

    w->first = 1;
    csv_str(w, r->scenario_name, "scenario");
    csv_str(w, m ? (m->variant ? m->variant : "baseline") : NULL, "variant");
    for (size_t k = 0; k < r->nvary; k++)
        csv_str(w, row ? point_value(r, row, k) : NULL, "%s", r->vary[k]);
    csv_num(w, s ? (double)w->rank : NAN, "rank");
    csv_num(w, s ? (double)s->replications : NAN, "replications");
    csv_num(w, s ? (double)(s->partial != 0) : NAN, "partial");
    csv_mean(w, s ? &s->lead_time : NULL, "lead_time_mean");
    csv_bounds(w, s ? &s->lead_time : NULL, "lead_time_ci_lo",
               "lead_time_ci_hi");
    csv_num(w, s ? s->p50 : NAN, "lead_time_p50");
    csv_num(w, s ? s->p85 : NAN, "lead_time_p85");
    csv_num(w, s ? s->p95 : NAN, "lead_time_p95");
    csv_mean(w, s ? &s->throughput : NULL, "throughput_per_day");
    csv_bounds(w, s ? &s->throughput : NULL, "throughput_ci_lo",
               "throughput_ci_hi");
    csv_mean(w, s ? &s->wip : NULL, "wip_mean");
    csv_num(w, s ? s->flow_efficiency : NAN, "flow_efficiency");
    csv_str(w, bn >= 0 ? m->teams[bn].name : NULL, "bottleneck");
    csv_mean(w, bn >= 0 ? &s->teams[bn].utilization : NULL,
             "bottleneck_utilization");
    csv_num(w, s ? s->cost_per_day : NAN, "cost_per_day");
    csv_promises(w, np);
    csv_teams(w, teams);
    csv_classes(w, classes);
    if (diff)
        csv_diff(w, np);
    fputc('\n', w->out);
}

static cs_status write_csv(FILE *out, const cs_report *r, cs_error *err)
{
    names teams, classes;
    csvw w = {out, NULL, 0, 1, 0};
    const int np = max_promises(r);
    const int diff = want_diff(r);
    unsigned *rank = ranks_new(r);
    int oom = names_collect(&teams, r, 0) != 0;

    oom |= names_collect(&classes, r, 1) != 0;
    oom |= rank == NULL;
    if (!oom) {
        if (!r->no_header)
            csv_line(&w, r, &teams, &classes, np, diff);
        for (size_t i = 0; i < r->nrows; i++) {
            w.row = &r->rows[i];
            w.rank = rank[i];
            csv_line(&w, r, &teams, &classes, np, diff);
        }
    }
    free(rank);
    free(teams.v);
    free(classes.v);
    if (oom || w.oom)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                            "out of memory while writing the report");
    return CS_OK;
}

/* ---- table ---------------------------------------------------------- */

enum { C_NONE = 0, C_GREEN, C_RED, C_YELLOW, C_BOLD };

static const char *const ansi[] = {"", "\033[32m", "\033[31m", "\033[33m",
                                   "\033[1m"};

/* Rows of cells, each a heap string; row 0 is the header. */
typedef struct tcell {
    char *text;
    int color;
} tcell;

typedef struct table {
    size_t ncols;
    size_t nrows;
    size_t cap;
    size_t cur;      /* next column of the last row */
    tcell *cells;    /* [cap][ncols] */
    int oom;
} table;

/* The widest a table may grow before promises move to a block of their own. */
enum { TABLE_MAX_WIDTH = 140 };

/* The ranked block is read first: it should fit a 100-column terminal. */
enum { GLANCE_MAX_WIDTH = 100 };

static void tbl_init(table *t, size_t ncols)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
}

static void tbl_fini(table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i].text);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

static void tbl_row(table *t)
{
    if (t->oom)
        return;
    if (t->nrows == t->cap) {
        const size_t cap = t->cap ? 2 * t->cap : 8;
        tcell *c = realloc(t->cells, cap * t->ncols * sizeof *c);
        if (c == NULL) {
            t->oom = 1;
            return;
        }
        t->cells = c;
        t->cap = cap;
    }
    memset(&t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof *t->cells);
    t->nrows++;
    t->cur = 0;
}

static void tbl_vcell(table *t, int color, const char *fmt, va_list ap)
{
    va_list aq;
    tcell *c;
    int len;

    if (t->oom)
        return;
    assert(t->nrows > 0 && t->cur < t->ncols);
    if (t->nrows == 0 || t->cur >= t->ncols)
        return;
    c = &t->cells[(t->nrows - 1) * t->ncols + t->cur++];
    va_copy(aq, ap);
    len = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (len < 0 || (c->text = malloc((size_t)len + 1)) == NULL) {
        t->oom = 1;
        return;
    }
    vsnprintf(c->text, (size_t)len + 1, fmt, ap);
    c->color = color;
}

static void tbl_cell(table *t, int color, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    tbl_vcell(t, color, fmt, ap);
    va_end(ap);
}

/* Columns on a terminal: UTF-8 continuation bytes take none. */
static size_t text_width(const char *s)
{
    size_t w = 0;

    for (; s != NULL && *s != '\0'; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

static size_t tbl_colwidth(const table *t, size_t col)
{
    size_t w = 0;

    for (size_t r = 0; r < t->nrows; r++) {
        const size_t cw = text_width(t->cells[r * t->ncols + col].text);
        if (cw > w)
            w = cw;
    }
    return w;
}

static size_t tbl_width(const table *t)
{
    size_t w = 0;

    for (size_t c = 0; c < t->ncols; c++)
        w += tbl_colwidth(t, c) + (c > 0 ? 2 : 0);
    return w;
}

/* Left-aligned columns two spaces apart; no trailing blanks. */
static void tbl_print(FILE *out, const table *t, int color)
{
    size_t *width = calloc(t->ncols + 1, sizeof *width);

    if (width == NULL)
        return;
    for (size_t c = 0; c < t->ncols; c++)
        width[c] = tbl_colwidth(t, c);
    for (size_t r = 0; r < t->nrows; r++) {
        size_t pending = 0;   /* blanks owed before the next non-empty cell */
        for (size_t c = 0; c < t->ncols; c++) {
            const tcell *cell = &t->cells[r * t->ncols + c];
            const int col = r == 0 ? C_BOLD : cell->color;
            const size_t w = text_width(cell->text);
            if (width[c] == 0)
                continue;
            if (cell->text != NULL && cell->text[0] != '\0') {
                fprintf(out, "%*s", (int)pending, "");
                pending = 0;
                if (color && col != C_NONE)
                    fprintf(out, "%s%s\033[0m", ansi[col], cell->text);
                else
                    fputs(cell->text, out);
            }
            pending += width[c] - w + 2;
        }
        fputc('\n', out);
    }
    free(width);
}

/* ---- table cells ---------------------------------------------------- */

/* Decimals for a time in days or a count: about three significant digits. */
static int decimals(double x)
{
    const double a = fabs(x);

    if (a >= 100.0)
        return 0;
    if (a >= 10.0)
        return 1;
    return 2;
}

/* Decimals for a column whose largest magnitude is max (NaN ignored). */
static int col_decimals(double max)
{
    return decimals(isfinite(max) ? max : 0.0);
}

/* The larger magnitude, ignoring undefined values. */
static double mag(double acc, double x)
{
    return isfinite(x) ? fmax(acc, fabs(x)) : acc;
}

static double mag_ci(double acc, const cs_ci *c, double scale)
{
    return ci_defined(c) ? mag(acc, c->mean * scale) : acc;
}

/* A number with dec decimals; "-" when undefined. */
static void cell_num(table *t, double x, int dec)
{
    if (!isfinite(x))
        tbl_cell(t, C_NONE, "-");
    else
        tbl_cell(t, C_NONE, "%.*f", dec, unsign_zero(x));
}

/* "mean ±half-width" (times scale), "mean ±n/a" without an interval. */
static void cell_ci(table *t, const cs_ci *c, double scale, int dec)
{
    if (!ci_defined(c))
        tbl_cell(t, C_NONE, "-");
    else if (!ci_interval(c))
        tbl_cell(t, C_NONE, "%.*f ±n/a", dec, unsign_zero(c->mean * scale));
    else
        tbl_cell(t, C_NONE, "%.*f ±%.*f", dec, unsign_zero(c->mean * scale),
                 dec, (c->hi - c->lo) / 2.0 * scale);
}

static void cell_mean(table *t, const cs_ci *c, int dec)
{
    cell_num(t, ci_defined(c) ? c->mean : NAN, dec);
}

/* A share as a whole percentage. */
static void cell_share(table *t, const cs_ci *c)
{
    if (!ci_defined(c))
        tbl_cell(t, C_NONE, "-");
    else
        tbl_cell(t, C_NONE, "%.0f%%", unsign_zero(c->mean * 100.0));
}

static int verdict_color(cs_verdict v)
{
    switch (v) {
    case CS_VERDICT_MET:
        return C_GREEN;
    case CS_VERDICT_NOT_MET:
        return C_RED;
    case CS_VERDICT_UNCERTAIN:
        break;
    }
    return C_YELLOW;
}

/* "met", "NOT MET", "uncertain": the failing verdict shouts. */
static const char *verdict_word(cs_verdict v)
{
    return v == CS_VERDICT_NOT_MET ? "NOT MET" : cs_summary_verdict_name(v);
}

/*
** The achieved level of a promise with its interval: a share as "81%
** [79,83]" (one decimal when the interval is under 2 points), a
** throughput as "38.2 [36.1,40.3]" items per period.
*/
static void fmt_achieved(char *buf, size_t size, const cs_promise *d,
                         const cs_ci *c)
{
    const int lt = d->kind == CS_PROMISE_LEAD_TIME;
    const double k = lt ? 100.0 : 1.0;
    double lo, hi;
    int dec;

    if (!ci_defined(c)) {
        snprintf(buf, size, "-");
        return;
    }
    if (lt)
        dec = ci_interval(c) && c->hi - c->lo < 0.02 ? 1 : 0;
    else
        dec = decimals(c->mean);
    if (!ci_interval(c)) {
        snprintf(buf, size, "%.*f%s [n/a]", dec, unsign_zero(c->mean * k),
                 lt ? "%" : "");
        return;
    }
    /* A share cannot leave [0, 1]; the t interval can, so the table clips
    ** it (CSV and JSON keep the interval as computed). */
    lo = lt ? fmax(c->lo, 0.0) : c->lo;
    hi = lt ? fmin(c->hi, 1.0) : c->hi;
    snprintf(buf, size, "%.*f%s [%.*f,%.*f]", dec, unsign_zero(c->mean * k),
             lt ? "%" : "", dec, unsign_zero(lo * k), dec, unsign_zero(hi * k));
}

/* "≥85% within 30d" or "≥40 per 65d". */
static void fmt_target(char *buf, size_t size, const cs_promise *d,
                       double target)
{
    if (d->kind == CS_PROMISE_LEAD_TIME)
        snprintf(buf, size, "≥%.4g%% within %.4gd", target * 100.0,
                 d->within);
    else
        snprintf(buf, size, "≥%.4g per %.4gd", target, d->per);
}

static void cell_promise(table *t, const cs_summary *s, int p,
                         int with_verdict)
{
    char buf[96];

    if (p >= s->model->npromises) {
        tbl_cell(t, C_NONE, "-");
        return;
    }
    fmt_achieved(buf, sizeof buf, &s->model->promises[p],
                 &s->promises[p].achieved);
    if (with_verdict)
        tbl_cell(t, verdict_color(s->promises[p].verdict), "%s %s", buf,
                 verdict_word(s->promises[p].verdict));
    else
        tbl_cell(t, C_NONE, "%s", buf);
}

/*
** Decimals for a difference: two significant digits of the interval's
** half-width (so the digits shown are the ones the data support), else
** those of the mean's magnitude.
*/
static int diff_decimals(const cs_ci *c, double scale)
{
    const double hw = ci_interval(c) ? (c->hi - c->lo) / 2.0 * scale : 0.0;
    int d;

    if (!(hw > 0.0))
        return decimals(c->mean * scale) > 1 ? 1 : decimals(c->mean * scale);
    d = 1 - (int)floor(log10(hw));
    return d < 0 ? 0 : d > 3 ? 3 : d;
}

/*
** A paired difference "-3.2 [-3.9,-2.5] better": better or worse when the
** whole interval lies on one side of 0 (lower_better says which side is
** good), "same" when every paired difference was exactly 0 (a variant
** identical to its baseline), "unclear" otherwise.  scale converts units
** (per day -> per week, share -> points).
*/
/* The reading of a difference with an interval, and its colour. */
static const char *diff_word(const cs_ci *c, int lower_better, int *color)
{
    *color = C_NONE;
    if (ci_significant(c)) {
        const int good = (c->hi < 0.0) == (lower_better != 0);
        *color = good ? C_GREEN : C_RED;
        return good ? "better" : "worse";
    }
    return c->lo == 0.0 && c->hi == 0.0 ? "same" : "unclear";
}

static void cell_diff(table *t, const cs_ci *c, double scale, int lower_better,
                      const char *unit)
{
    const int d = diff_decimals(c, scale);
    const char *word;
    int color;

    if (!ci_defined(c)) {
        tbl_cell(t, C_NONE, "-");
        return;
    }
    if (!ci_interval(c)) {
        tbl_cell(t, C_NONE, "%+.*f%s [n/a]", d, unsign_zero(c->mean * scale),
                 unit);
        return;
    }
    word = diff_word(c, lower_better, &color);
    tbl_cell(t, color, "%+.*f%s [%+.*f,%+.*f] %s", d,
             unsign_zero(c->mean * scale), unit, d, unsign_zero(c->lo * scale),
             d, unsign_zero(c->hi * scale), word);
}

/* ---- table blocks --------------------------------------------------- */

/* What the blocks share, worked out once from all rows. */
typedef struct shape {
    names teams;
    int np;                 /* most promises in a row */
    int same_promises;      /* every row has the same promises (by name) */
    int show_reps;          /* rows differ in replications */
    int show_cost;          /* some row has a cost */
    int any_vs;             /* some row is compared with its baseline */
} shape;

static int shape_init(shape *sh, const cs_report *r)
{
    const cs_model *m0 = row_model(&r->rows[0]);

    memset(sh, 0, sizeof *sh);
    if (names_collect(&sh->teams, r, 0) != 0)
        return -1;
    sh->np = max_promises(r);
    sh->same_promises = 1;
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_report_row *row = &r->rows[i];
        const cs_model *m = row_model(row);
        if (m->npromises != m0->npromises)
            sh->same_promises = 0;
        for (int p = 0; sh->same_promises && p < m->npromises; p++)
            if (strcmp(m->promises[p].name, m0->promises[p].name) != 0 ||
                row->summary->promises[p].target !=
                    r->rows[0].summary->promises[p].target)
                sh->same_promises = 0;
        if (row->summary->replications != r->rows[0].summary->replications)
            sh->show_reps = 1;
        if (row->summary->cost_per_day > 0.0)
            sh->show_cost = 1;
        if (row->vs != NULL)
            sh->any_vs = 1;
    }
    return 0;
}

static const char *variant_name(const cs_report_row *row)
{
    const char *v = row_model(row)->variant;
    return v != NULL ? v : "baseline";
}

/* The leading cells of a row: variant, then one per varied path. */
static void label_head(table *t, const cs_report *r, const char *first)
{
    tbl_cell(t, C_NONE, "%s", first);
    for (size_t k = 0; k < r->nvary; k++)
        tbl_cell(t, C_NONE, "%s", r->vary[k]);
}

static void label_cells(table *t, const cs_report *r, const cs_report_row *row)
{
    tbl_cell(t, C_NONE, "%s", variant_name(row));
    for (size_t k = 0; k < r->nvary; k++)
        tbl_cell(t, C_NONE, "%s", point_value(r, row, k));
}

static double per_week(const cs_report_row *row)
{
    const double dpw = row_model(row)->units.days_per_week;
    return dpw > 0.0 ? dpw : 5.0;
}

/* The variant table: one line per row; promises inline when inline_p. */
static void block_main(table *t, const cs_report *r, const shape *sh,
                       int inline_p)
{
    const cs_model *m0 = row_model(&r->rows[0]);
    const int npi = inline_p ? sh->np : 0;
    double mlt = 0, mp = 0, mth = 0, mwip = 0;

    /* With a ranked block above, it carries the bottleneck and the cost. */
    const int show_bn = !sh->any_vs;
    const int show_cost = sh->show_cost && !sh->any_vs;

    tbl_init(t, 1 + r->nvary + (size_t)sh->show_reps + 6 + (size_t)npi +
                    (size_t)show_bn + (size_t)show_cost);
    tbl_row(t);
    label_head(t, r, "variant");
    if (sh->show_reps)
        tbl_cell(t, C_NONE, "reps");
    tbl_cell(t, C_NONE, "lead time (d)");
    tbl_cell(t, C_NONE, "p50");
    tbl_cell(t, C_NONE, "p85");
    tbl_cell(t, C_NONE, "thru/wk");
    tbl_cell(t, C_NONE, "wip");
    tbl_cell(t, C_NONE, "flow eff");
    for (int p = 0; p < npi; p++) {
        char tgt[64];
        fmt_target(tgt, sizeof tgt, &m0->promises[p],
                   r->rows[0].summary->promises[p].target);
        tbl_cell(t, C_NONE, "%s (%s)", m0->promises[p].name, tgt);
    }
    if (show_bn)
        tbl_cell(t, C_NONE, "bottleneck (util)");
    if (show_cost)
        tbl_cell(t, C_NONE, "cost/d");
    /* One number of decimals per column, so the column lines up. */
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_summary *s = r->rows[i].summary;
        mlt = mag_ci(mlt, &s->lead_time, 1.0);
        mp = mag(mag(mp, s->p50), s->p85);
        mth = mag_ci(mth, &s->throughput, per_week(&r->rows[i]));
        mwip = mag_ci(mwip, &s->wip, 1.0);
    }
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_report_row *row = &r->rows[i];
        const cs_summary *s = row->summary;
        const cs_model *m = s->model;
        tbl_row(t);
        label_cells(t, r, row);
        if (sh->show_reps)
            tbl_cell(t, C_NONE, "%u", s->replications);
        cell_ci(t, &s->lead_time, 1.0, col_decimals(mlt));
        cell_num(t, s->p50, col_decimals(mp));
        cell_num(t, s->p85, col_decimals(mp));
        cell_ci(t, &s->throughput, per_week(row), col_decimals(mth));
        cell_mean(t, &s->wip, col_decimals(mwip));
        if (isfinite(s->flow_efficiency))
            tbl_cell(t, C_NONE, "%.0f%%", s->flow_efficiency * 100.0);
        else
            tbl_cell(t, C_NONE, "-");
        for (int p = 0; p < npi; p++)
            cell_promise(t, s, p, 1);
        if (show_bn && s->bottleneck >= 0 && s->bottleneck < m->nteams &&
            ci_defined(&s->teams[s->bottleneck].utilization))
            tbl_cell(t, C_NONE, "%s %.2f", m->teams[s->bottleneck].name,
                     s->teams[s->bottleneck].utilization.mean);
        else if (show_bn)
            tbl_cell(t, C_NONE, "-");
        if (show_cost)
            tbl_cell(t, C_NONE, "%.6g", s->cost_per_day);
    }
}

/*
** Promises one per line, for a single result that does not fit them in
** the variant table (several results get a block per promise).
*/
static void block_promises(table *t, const cs_report *r, const shape *sh)
{
    const int vs = sh->any_vs;

    tbl_init(t, 1 + r->nvary + 4 + (size_t)vs);
    tbl_row(t);
    label_head(t, r, "variant");
    tbl_cell(t, C_NONE, "promise");
    tbl_cell(t, C_NONE, "target");
    tbl_cell(t, C_NONE, "achieved [95%% CI]");
    tbl_cell(t, C_NONE, "verdict");
    if (vs)
        tbl_cell(t, C_NONE, "vs baseline");
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_report_row *row = &r->rows[i];
        const cs_summary *s = row->summary;
        const cs_model *m = s->model;
        for (int p = 0; p < m->npromises; p++) {
            char buf[96];
            tbl_row(t);
            if (p == 0) {
                label_cells(t, r, row);
            } else {
                for (size_t k = 0; k <= r->nvary; k++)
                    tbl_cell(t, C_NONE, "%s", "");
            }
            tbl_cell(t, C_NONE, "%s", m->promises[p].name);
            fmt_target(buf, sizeof buf, &m->promises[p],
                       s->promises[p].target);
            tbl_cell(t, C_NONE, "%s", buf);
            cell_promise(t, s, p, 0);
            tbl_cell(t, verdict_color(s->promises[p].verdict), "%s",
                     verdict_word(s->promises[p].verdict));
            if (!vs)
                continue;
            if (row->vs != NULL && p < row->vs->npromises)
                cell_diff(t, &row->vs->promise[p],
                          m->promises[p].kind == CS_PROMISE_LEAD_TIME ? 100.0
                                                                      : 1.0,
                          0,
                          m->promises[p].kind == CS_PROMISE_LEAD_TIME ? " pts"
                                                                      : "");
            else
                tbl_cell(t, C_NONE, "%s", "");
        }
    }
}


/* Index of the promise named name in m, or -1. */
static int promise_index(const cs_model *m, const char *name)
{
    for (int p = 0; p < m->npromises; p++)
        if (strcmp(m->promises[p].name, name) == 0)
            return p;
    return -1;
}

/* Promise names over the rows, in order of first appearance. */
static int promise_names(names *ns, const cs_report *r)
{
    ns->v = NULL;
    ns->n = 0;
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_model *m = row_model(&r->rows[i]);
        for (int p = 0; p < m->npromises; p++)
            if (names_add(ns, m->promises[p].name) != 0)
                return -1;
    }
    return 0;
}

/*
** One promise, for when the promises do not fit the variant table: the
** header names the promise and, above the achieved levels, its target;
** one line per row with the achieved level [95% CI], the verdict and,
** for compared rows, the difference from the baseline.  A row whose
** target differs from the header's says so; a row without the promise
** shows "-".
*/
static void block_promise(table *t, const cs_report *r, const shape *sh,
                          const char *name)
{
    const cs_promise *d0 = NULL;
    double target0 = NAN;
    char buf[128];

    for (size_t i = 0; i < r->nrows && d0 == NULL; i++) {
        const int p = promise_index(row_model(&r->rows[i]), name);
        if (p >= 0) {
            d0 = &row_model(&r->rows[i])->promises[p];
            target0 = r->rows[i].summary->promises[p].target;
        }
    }
    assert(d0 != NULL);
    if (d0 == NULL)
        return;
    tbl_init(t, 1 + r->nvary + 2 + (size_t)sh->any_vs);
    tbl_row(t);
    label_head(t, r, name);
    fmt_target(buf, sizeof buf, d0, target0);
    tbl_cell(t, C_NONE, "%s", buf);
    tbl_cell(t, C_NONE, "verdict");
    if (sh->any_vs)
        tbl_cell(t, C_NONE, "vs baseline");
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_report_row *row = &r->rows[i];
        const cs_summary *s = row->summary;
        const cs_model *m = s->model;
        const int p = promise_index(m, name);
        tbl_row(t);
        label_cells(t, r, row);
        if (p < 0) {
            tbl_cell(t, C_NONE, "-");
            continue;
        }
        fmt_achieved(buf, sizeof buf, &m->promises[p], &s->promises[p].achieved);
        if (s->promises[p].target != target0 ||
            m->promises[p].kind != d0->kind) {
            char tgt[64];
            fmt_target(tgt, sizeof tgt, &m->promises[p],
                       s->promises[p].target);
            tbl_cell(t, C_NONE, "%s (target %s)", buf, tgt);
        } else {
            tbl_cell(t, C_NONE, "%s", buf);
        }
        tbl_cell(t, verdict_color(s->promises[p].verdict), "%s",
                 verdict_word(s->promises[p].verdict));
        if (!sh->any_vs)
            continue;
        if (row->vs != NULL && p < row->vs->npromises)
            cell_diff(t, &row->vs->promise[p],
                      m->promises[p].kind == CS_PROMISE_LEAD_TIME ? 100.0
                                                                  : 1.0,
                      0,
                      m->promises[p].kind == CS_PROMISE_LEAD_TIME ? " pts"
                                                                  : "");
        else
            tbl_cell(t, C_NONE, "%s", "");
    }
}

/* ---- the block a process manager reads first ------------------------ */

/*
** "2 met, 1 uncertain, 1 NOT MET" (the counts add up to the promises, so
** the total is not repeated), coloured by the worst verdict.
*/
static void cell_kept(table *t, const cs_summary *s)
{
    char buf[96];
    int met, uncertain, not_met, len;

    if (s->model->npromises == 0) {
        tbl_cell(t, C_NONE, "-");
        return;
    }
    count_verdicts(s, &met, &uncertain, &not_met);
    len = snprintf(buf, sizeof buf, "%d met", met);
    if (uncertain > 0 && len > 0 && (size_t)len < sizeof buf)
        len += snprintf(buf + len, sizeof buf - (size_t)len, ", %d uncertain",
                        uncertain);
    if (not_met > 0 && len > 0 && (size_t)len < sizeof buf)
        snprintf(buf + len, sizeof buf - (size_t)len, ", %d NOT MET", not_met);
    tbl_cell(t, not_met > 0 ? C_RED : uncertain > 0 ? C_YELLOW : C_GREEN, "%s",
             buf);
}

/* "9.6 -3.08 better": the mean lead time and its difference, if any. */
static void cell_glance_lead(table *t, const cs_report_row *row, int dec)
{
    const cs_ci *lt = &row->summary->lead_time;
    const cs_ci *d = row->vs != NULL ? &row->vs->lead_time_mean : NULL;
    char mean[48];
    int color, dd;

    if (ci_defined(lt))
        snprintf(mean, sizeof mean, "%.*f", dec, unsign_zero(lt->mean));
    else
        snprintf(mean, sizeof mean, "-");
    if (d == NULL || !ci_defined(d)) {
        tbl_cell(t, C_NONE, "%s%s", mean, d == NULL ? "" : " -");
        return;
    }
    /* The mean's decimals, unless they would round a difference to 0. */
    dd = dec;
    if (fabs(d->mean) < 0.5 * pow(10.0, -dec) && d->mean != 0.0)
        dd = diff_decimals(d, 1.0);
    if (!ci_interval(d)) {
        tbl_cell(t, C_NONE, "%s %+.*f n/a", mean, dd, unsign_zero(d->mean));
    } else {
        const char *word = diff_word(d, 1, &color);
        tbl_cell(t, color, "%s %+.*f %s", mean, dd, unsign_zero(d->mean),
                 word);
    }
}

/*
** The bottleneck's name, and where it was in the baseline when it moved.
** Returns 1 when it moved.
*/
static int cell_glance_bottleneck(table *t, const cs_summary *s,
                                  const cs_summary *base, int compact)
{
    const cs_model *m = s->model;
    const char *name, *was = NULL;

    if (s->bottleneck < 0 || s->bottleneck >= m->nteams) {
        tbl_cell(t, C_NONE, "-");
        return 0;
    }
    name = m->teams[s->bottleneck].name;
    if (base != NULL && base != s && base->bottleneck >= 0 &&
        base->bottleneck < base->model->nteams &&
        strcmp(base->model->teams[base->bottleneck].name, name) != 0)
        was = base->model->teams[base->bottleneck].name;
    if (was == NULL)
        tbl_cell(t, C_NONE, "%s", name);
    else if (compact)
        tbl_cell(t, C_BOLD, "%s (moved)", name);
    else
        tbl_cell(t, C_BOLD, "%s (moved from %s)", name, was);
    return was != NULL;
}

/*
** One line per row, best first within each group (k: the sorted keys):
** rank, variant, promises kept, lead time and its difference from the
** baseline, cost per day and its difference, the bottleneck.  compact
** shortens "moved from X" to "moved".  Returns the number of rows whose
** bottleneck moved.
*/
static int block_glance(table *t, const cs_report *r, const shape *sh,
                        const rank_key *k, const unsigned *rank, int compact)
{
    double mlt = 0;
    int moved = 0;

    for (size_t i = 0; i < r->nrows; i++)
        mlt = mag_ci(mlt, &r->rows[i].summary->lead_time, 1.0);
    tbl_init(t, 1 + 1 + r->nvary + 2 + (size_t)sh->show_cost + 1);
    tbl_row(t);
    tbl_cell(t, C_NONE, "rank");
    label_head(t, r, "variant");
    tbl_cell(t, C_NONE, "promises");
    tbl_cell(t, C_NONE, "lead time (d)");
    if (sh->show_cost)
        tbl_cell(t, C_NONE, "cost/d");
    tbl_cell(t, C_NONE, "bottleneck");
    for (size_t a = 0, b; a < r->nrows; a = b) {
        const cs_summary *base = NULL;
        if (a > 0)
            tbl_row(t);              /* a blank line between sweep points */
        for (b = a; b < r->nrows && k[b].group == k[a].group; b++)
            if (r->rows[k[b].row].vs == NULL && base == NULL)
                base = r->rows[k[b].row].summary;
        for (size_t i = a; i < b; i++) {
            const cs_report_row *row = &r->rows[k[i].row];
            const cs_summary *s = row->summary;
            tbl_row(t);
            tbl_cell(t, C_NONE, "%u", rank[k[i].row]);
            label_cells(t, r, row);
            cell_kept(t, s);
            cell_glance_lead(t, row, col_decimals(mlt));
            if (sh->show_cost) {
                if (base == NULL || base == s)
                    tbl_cell(t, C_NONE, "%.6g", s->cost_per_day);
                else
                    tbl_cell(t, C_NONE, "%.6g %+.6g", s->cost_per_day,
                             unsign_zero(s->cost_per_day - base->cost_per_day));
            }
            moved += cell_glance_bottleneck(t, s, base, compact);
        }
    }
    return moved;
}

/* Paired differences of the compared rows (promises have their blocks). */
static void block_vs(table *t, const cs_report *r)
{
    tbl_init(t, 1 + r->nvary + 3);
    tbl_row(t);
    label_head(t, r, "vs baseline");
    tbl_cell(t, C_NONE, "lead time (d)");
    tbl_cell(t, C_NONE, "p85 (d)");
    tbl_cell(t, C_NONE, "thru/wk");
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_report_row *row = &r->rows[i];
        const cs_comparison *c = row->vs;
        if (c == NULL)
            continue;
        tbl_row(t);
        label_cells(t, r, row);
        cell_diff(t, &c->lead_time_mean, 1.0, 1, "");
        cell_diff(t, &c->lead_time_p85, 1.0, 1, "");
        cell_diff(t, &c->throughput, per_week(row), 0, "");
    }
}

/* Every team of a single run. */
static void block_teams(table *t, const cs_report_row *row)
{
    const cs_summary *s = row->summary;
    const cs_model *m = s->model;

    double mw = 0, mq = 0, mwip = 0;

    for (int k = 0; k < m->nteams; k++) {
        mw = mag_ci(mw, &s->teams[k].queue_wait, 1.0);
        mq = mag_ci(mq, &s->teams[k].queue_len, 1.0);
        mwip = mag_ci(mwip, &s->teams[k].wip, 1.0);
    }
    tbl_init(t, 9);
    tbl_row(t);
    tbl_cell(t, C_NONE, "team");
    tbl_cell(t, C_NONE, "type");
    tbl_cell(t, C_NONE, "cap");
    tbl_cell(t, C_NONE, "wip limit");
    tbl_cell(t, C_NONE, "utilisation");
    tbl_cell(t, C_NONE, "queue wait (d)");
    tbl_cell(t, C_NONE, "queue len");
    tbl_cell(t, C_NONE, "blocked");
    tbl_cell(t, C_NONE, "wip");
    for (int k = 0; k < m->nteams; k++) {
        const cs_team *d = &m->teams[k];
        const cs_team_summary *ts = &s->teams[k];
        tbl_row(t);
        if (k == s->bottleneck)
            tbl_cell(t, C_BOLD, "%s *", d->name);
        else
            tbl_cell(t, C_NONE, "%s", d->name);
        tbl_cell(t, C_NONE, "%s", cs_team_type_name(d->type));
        tbl_cell(t, C_NONE, "%d", d->capacity);
        if (d->wip_limit > 0)
            tbl_cell(t, C_NONE, "%d", d->wip_limit);
        else
            tbl_cell(t, C_NONE, "-");
        if (!ci_defined(&ts->utilization))
            tbl_cell(t, C_NONE, "-");
        else if (!ci_interval(&ts->utilization))
            tbl_cell(t, C_NONE, "%.2f ±n/a", ts->utilization.mean);
        else
            tbl_cell(t, C_NONE, "%.2f ±%.2f", ts->utilization.mean,
                     (ts->utilization.hi - ts->utilization.lo) / 2.0);
        cell_ci(t, &ts->queue_wait, 1.0, col_decimals(mw));
        cell_mean(t, &ts->queue_len, col_decimals(mq));
        cell_share(t, &ts->blocked_fraction);
        cell_mean(t, &ts->wip, col_decimals(mwip));
    }
}

/* Utilisation of each team (columns) per row; '*' marks the bottleneck. */
static void block_util(table *t, const cs_report *r, const shape *sh)
{
    tbl_init(t, 1 + r->nvary + sh->teams.n);
    tbl_row(t);
    label_head(t, r, "utilisation");
    for (size_t k = 0; k < sh->teams.n; k++)
        tbl_cell(t, C_NONE, "%s", sh->teams.v[k]);
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_report_row *row = &r->rows[i];
        const cs_summary *s = row->summary;
        tbl_row(t);
        label_cells(t, r, row);
        for (size_t k = 0; k < sh->teams.n; k++) {
            const int tm = cs_model_team_index(s->model, sh->teams.v[k]);
            if (tm < 0 || !ci_defined(&s->teams[tm].utilization))
                tbl_cell(t, C_NONE, "-");
            else
                tbl_cell(t, tm == s->bottleneck ? C_BOLD : C_NONE, "%.2f%s",
                         s->teams[tm].utilization.mean,
                         tm == s->bottleneck ? "*" : "");
        }
    }
}

/* Lead time per class of a single run (when there is more than one). */
static void block_classes(table *t, const cs_report_row *row)
{
    const cs_summary *s = row->summary;
    const cs_model *m = s->model;

    double mlt = 0, mp = 0, mth = 0;

    for (int c = 0; c < m->nclasses; c++) {
        const cs_class_summary *k = &s->classes[c];
        mlt = mag_ci(mlt, &k->lead_time, 1.0);
        mp = mag(mag(mag(mp, k->p50), k->p85), k->p95);
        mth = mag_ci(mth, &k->throughput, per_week(row));
    }
    tbl_init(t, 7);
    tbl_row(t);
    tbl_cell(t, C_NONE, "work");
    tbl_cell(t, C_NONE, "lead time (d)");
    tbl_cell(t, C_NONE, "p50");
    tbl_cell(t, C_NONE, "p85");
    tbl_cell(t, C_NONE, "p95");
    tbl_cell(t, C_NONE, "thru/wk");
    tbl_cell(t, C_NONE, "items");
    for (int c = 0; c < m->nclasses; c++) {
        const cs_class_summary *k = &s->classes[c];
        tbl_row(t);
        tbl_cell(t, C_NONE, "%s", m->classes[c].name);
        cell_ci(t, &k->lead_time, 1.0, col_decimals(mlt));
        cell_num(t, k->p50, col_decimals(mp));
        cell_num(t, k->p85, col_decimals(mp));
        cell_num(t, k->p95, col_decimals(mp));
        cell_ci(t, &k->throughput, per_week(row), col_decimals(mth));
        tbl_cell(t, C_NONE, "%llu", (unsigned long long)k->n);
    }
}

/* Prints and frees a block; 0, or -1 when it ran out of memory. */
static int emit(FILE *out, table *t, const cs_report *r)
{
    const int oom = t->oom;

    if (!oom) {
        fputc('\n', out);
        tbl_print(out, t, r->color);
    }
    tbl_fini(t);
    return oom ? -1 : 0;
}

/* "BI delivery chain  (100 replications, seed 1, horizon 260d, ...)" */
static void table_title(FILE *out, const cs_report *r)
{
    const cs_summary *s0 = r->rows[0].summary;
    unsigned done = s0->replications, want = s0->model->replications;
    int same_time = 1;

    for (size_t i = 1; i < r->nrows; i++) {
        const cs_summary *s = r->rows[i].summary;
        if (s->replications < done)
            done = s->replications;
        if (s->model->replications > want)
            want = s->model->replications;
        if (s->horizon != s0->horizon || s->warmup != s0->warmup)
            same_time = 0;
    }
    if (r->color)
        fputs(ansi[C_BOLD], out);
    fputs(r->scenario_name != NULL ? r->scenario_name : "chainsim", out);
    if (r->color)
        fputs("\033[0m", out);
    fprintf(out, "  (%u replication%s, seed %llu", done, done == 1 ? "" : "s",
            (unsigned long long)r->seed);
    if (same_time)
        fprintf(out, ", horizon %.6gd, warm-up %.6gd", s0->horizon,
                s0->warmup);
    fputc(')', out);
    if (any_partial(r))
        fprintf(out, "  (partial: %u of %u replications)",
                done, want > done ? want : done);
    fputc('\n', out);
}

/* Confidence level of the first comparison (all share one). */
static double first_level(const cs_report *r)
{
    for (size_t i = 0; i < r->nrows; i++)
        if (r->rows[i].vs != NULL)
            return r->rows[i].vs->level;
    return 0.95;
}

/* The ranked block with its legend; 0, or -1 when out of memory. */
static int table_glance(FILE *out, const cs_report *r, const shape *sh)
{
    rank_key *k = rank_sorted(r);
    unsigned *rank = calloc(r->nrows + 1, sizeof *rank);
    table t;
    int oom, compact = 0, moved;

    if (k == NULL || rank == NULL) {
        free(k);
        free(rank);
        return -1;
    }
    fill_ranks(k, r->nrows, rank);
    moved = block_glance(&t, r, sh, k, rank, 0);
    if (!t.oom && tbl_width(&t) > GLANCE_MAX_WIDTH) {
        tbl_fini(&t);
        compact = 1;
        block_glance(&t, r, sh, k, rank, compact);
    }
    oom = emit(out, &t, r);
    fputs("rank: most promises met, then fewest not met, then shortest mean "
          "lead time, then lowest cost\n", out);
    fprintf(out, "better/worse: the difference from the baseline is "
                 "significant (its %.4g%% interval excludes 0)\n",
            100.0 * first_level(r));
    if (compact && moved > 0)
        fputs("(moved): the bottleneck is not the baseline's\n", out);
    if (r->independent)
        fputs("--independent: each variant drew its own random numbers, so "
              "differences are noisier\n", out);
    free(k);
    free(rank);
    return oom;
}

static cs_status write_table(FILE *out, const cs_report *r, cs_error *err)
{
    shape sh;
    table t;
    int oom = 0, inline_p;

    if (r->nrows == 0) {
        fprintf(out, "%s: no results\n",
                r->scenario_name != NULL ? r->scenario_name : "chainsim");
        return CS_OK;
    }
    if (shape_init(&sh, r) != 0) {
        free(sh.teams.v);
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                            "out of memory while writing the report");
    }
    table_title(out, r);

    if (sh.any_vs) {
        oom |= table_glance(out, r, &sh);
    }

    /* Promises inline when they are the same everywhere and fit; a
    ** comparison gives each promise a block, with its differences. */
    inline_p = sh.np > 0 && sh.same_promises && !sh.any_vs;
    block_main(&t, r, &sh, inline_p);
    if (inline_p && !t.oom && tbl_width(&t) > TABLE_MAX_WIDTH) {
        tbl_fini(&t);
        inline_p = 0;
        block_main(&t, r, &sh, 0);
    }
    oom |= emit(out, &t, r);
    if (sh.np > 0 && !inline_p && r->nrows == 1) {
        block_promises(&t, r, &sh);
        oom |= emit(out, &t, r);
    } else if (sh.np > 0 && !inline_p) {
        names pn;
        oom |= promise_names(&pn, r);
        for (size_t k = 0; k < pn.n && !oom; k++) {
            block_promise(&t, r, &sh, pn.v[k]);
            oom |= emit(out, &t, r);
        }
        free(pn.v);
        fputs("achieved [95% interval] under the target; met: the whole "
              "interval is at or above it,\nNOT MET: all below, uncertain: "
              "it spans the target", out);
        if (sh.any_vs)
            fprintf(out, "; vs baseline: %.4g%% interval",
                    100.0 * first_level(r));
        fputc('\n', out);
    }
    if (sh.any_vs) {
        block_vs(&t, r);
        oom |= emit(out, &t, r);
        fprintf(out, "%s, %.4g%% intervals\n",
                r->independent
                    ? "differences over replications with independent "
                      "streams (--independent)"
                    : "paired differences over common replications",
                100.0 * first_level(r));
        fputs("better/worse: the interval excludes 0; unclear: it spans 0; "
              "same: every difference was 0\n", out);
    }
    if (r->nrows == 1) {
        if (row_model(&r->rows[0])->nclasses > 1) {
            block_classes(&t, &r->rows[0]);
            oom |= emit(out, &t, r);
        }
        block_teams(&t, &r->rows[0]);
        oom |= emit(out, &t, r);
        fputs("* bottleneck: the team with the highest utilisation\n", out);
    } else if (sh.teams.n > 0) {
        block_util(&t, r, &sh);
        oom |= emit(out, &t, r);
        fputs("* bottleneck of the variant\n", out);
    }
    if (r->wall_seconds >= 0.0)
        fprintf(out, "\n%.1f s on %u thread%s\n", r->wall_seconds, r->threads,
                r->threads == 1 ? "" : "s");
    free(sh.teams.v);
    if (oom)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                            "out of memory while writing the report");
    return CS_OK;
}

/* ---- entry point ---------------------------------------------------- */

cs_status cs_report_write(FILE *out, cs_format fmt, const cs_report *r,
                          cs_error *err)
{
    cs_status st;

    switch (fmt) {
    case CS_FORMAT_CSV:
        st = write_csv(out, r, err);
        break;
    case CS_FORMAT_JSON:
        st = write_json(out, r, err);
        break;
    case CS_FORMAT_TABLE:
    default:
        st = write_table(out, r, err);
        break;
    }
    if (st != CS_OK)
        return st;
    if (fflush(out) != 0 || ferror(out))
        return cs_error_set(err, CS_EIO, NULL, 0, 0, "write failed");
    return CS_OK;
}
