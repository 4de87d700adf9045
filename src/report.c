/*
** report.c - results as a table (for people), CSV (stable columns, for
** scripts) and JSON (SPEC 3, for programs): the entry point, the ranking
** every writer uses, and the helpers the writers share (report_int.h).
** The writers are report_table.c, report_csv.c and report_json.c.
** docs/output.md describes every field; keep the two in step.
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
**   - the three writers rank the rows through cs_report_rank
**     (cs_report_rank_sorted), so a row has the same rank in the table,
**     the CSV and the JSON.
*/
#include "chainsim/report.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/model.h"
#include "chainsim/stats.h"
#include "report_int.h"

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
double cs_report_unsign_zero(double x)
{
    return x == 0.0 ? 0.0 : x;
}

/* A mean that exists: at least one value went into it, and it is finite. */
int cs_report_ci_defined(const cs_ci *c)
{
    return c->n > 0 && isfinite(c->mean);
}

/* An interval that exists (at least two values). */
int cs_report_ci_interval(const cs_ci *c)
{
    return cs_report_ci_defined(c) && c->valid && isfinite(c->lo) &&
           isfinite(c->hi);
}

/* A difference is significant when its whole interval is on one side of 0. */
int cs_report_ci_significant(const cs_ci *c)
{
    return cs_report_ci_interval(c) && (c->lo > 0.0 || c->hi < 0.0);
}

const cs_model *cs_report_row_model(const cs_report_row *row)
{
    return row->summary->model;
}

const char *cs_report_point_value(const cs_report *r, const cs_report_row *row,
                                  size_t k)
{
    if (k >= r->nvary || row->point == NULL || row->point[k] == NULL)
        return "";
    return row->point[k];
}

int cs_report_any_partial(const cs_report *r)
{
    if (r->partial)
        return 1;
    for (size_t i = 0; i < r->nrows; i++)
        if (r->rows[i].summary->partial)
            return 1;
    return 0;
}

int cs_report_names_add(cs_report_names *ns, const char *s)
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
int cs_report_names_collect(cs_report_names *ns, const cs_report *r,
                            int want_classes)
{
    ns->v = NULL;
    ns->n = 0;
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_model *m = cs_report_row_model(&r->rows[i]);
        const int n = want_classes ? m->nclasses : m->nteams;
        for (int k = 0; k < n; k++) {
            const char *s =
                want_classes ? m->classes[k].name : m->teams[k].name;
            if (cs_report_names_add(ns, s) != 0)
                return -1;
        }
    }
    return 0;
}

int cs_report_max_promises(const cs_report *r)
{
    int n = 0;

    for (size_t i = 0; i < r->nrows; i++)
        if (cs_report_row_model(&r->rows[i])->npromises > n)
            n = cs_report_row_model(&r->rows[i])->npromises;
    return n;
}

/* Comparisons exist (or are expected, so a compare always has the columns). */
int cs_report_want_diff(const cs_report *r)
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
void cs_report_count_verdicts(const cs_summary *s, int *met, int *uncertain,
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

int cs_report_is_compare(const cs_report *r)
{
    return r->command != NULL && strcmp(r->command, "compare") == 0;
}

static int is_baseline(const cs_report_row *row)
{
    const char *v = cs_report_row_model(row)->variant;
    return v == NULL || strcmp(v, "baseline") == 0;
}

static int same_point(const cs_report *r, const cs_report_row *a,
                      const cs_report_row *b)
{
    for (size_t k = 0; k < r->nvary; k++)
        if (strcmp(cs_report_point_value(r, a, k),
                   cs_report_point_value(r, b, k)) != 0)
            return 0;
    return 1;
}

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
static int cmp_keys(const cs_report_rank_key *a, const cs_report_rank_key *b)
{
    int c;

    if (a->met != b->met)
        return a->met > b->met ? -1 : 1;
    if (a->not_met != b->not_met)
        return a->not_met < b->not_met ? -1 : 1;
    if ((c = cmp_lower(-a->margin, -b->margin)) != 0)
        return c;
    if ((c = cmp_lower(a->cost, b->cost)) != 0)
        return c;
    return cmp_lower(a->lead_time, b->lead_time);
}

/* How far a promise is kept: achieved - target for a share,
** achieved / target - 1 for a throughput; NaN when undefined. */
static double promise_margin(const cs_promise *d, const cs_promise_summary *k)
{
    if (!cs_report_ci_defined(&k->achieved))
        return NAN;
    if (d->kind == CS_PROMISE_THROUGHPUT)
        return d->target > 0 ? k->achieved.mean / d->target - 1.0 : NAN;
    return k->achieved.mean - d->target;
}

/* The index of the promise named name in m, or -1. */
static int promise_named(const cs_model *m, const char *name)
{
    for (int p = 0; p < m->npromises; p++)
        if (strcmp(m->promises[p].name, name) == 0)
            return p;
    return -1;
}

/* Fills k's promise keys for summary s over the promises of ref. */
static void rank_promises(cs_report_rank_key *k, const cs_summary *s,
                          const cs_model *ref)
{
    const cs_model *m = s->model;

    k->margin = NAN;
    for (int rp = 0; rp < ref->npromises; rp++) {
        const int p = promise_named(m, ref->promises[rp].name);
        double margin;
        if (p < 0 || !cs_model_promise_same(ref, rp, m, p)) {
            k->not_met++;
            k->changed++;
            continue;
        }
        k->met += s->promises[p].verdict == CS_VERDICT_MET;
        k->not_met += s->promises[p].verdict == CS_VERDICT_NOT_MET;
        k->uncertain += s->promises[p].verdict == CS_VERDICT_UNCERTAIN;
        margin = promise_margin(&m->promises[p], &s->promises[p]);
        if (isfinite(margin) && !(margin >= k->margin))
            k->margin = margin;
    }
    for (int p = 0; p < m->npromises; p++)
        k->own += promise_named(ref, m->promises[p].name) < 0;
}

/* Group, then rank, then row order, so the sort is deterministic. */
static int cmp_rank_order(const void *pa, const void *pb)
{
    const cs_report_rank_key *a = pa, *b = pb;
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
cs_report_rank_key *cs_report_rank_sorted(const cs_report *r)
{
    cs_report_rank_key *k = calloc(r->nrows + 1, sizeof *k);
    size_t group = 0;
    const cs_model *ref = NULL;

    if (k == NULL)
        return NULL;
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_report_row *row = &r->rows[i];
        const cs_summary *s = row->summary;
        if (i > 0 && cs_report_is_compare(r) &&
            (is_baseline(row) || !same_point(r, row, &r->rows[i - 1])))
            group++;
        if (i == 0 || k[i - 1].group != group)
            ref = s->model;         /* the group's first row: its baseline */
        k[i].group = group;
        k[i].row = i;
        rank_promises(&k[i], s, ref);
        k[i].lead_time =
            cs_report_ci_defined(&s->lead_time) ? s->lead_time.mean : NAN;
        k[i].cost = cs_report_total_cost(s);
    }
    qsort(k, r->nrows, sizeof *k, cmp_rank_order);
    return k;
}

/* rank[row] from sorted keys: position in the group, ties share a rank. */
void cs_report_fill_ranks(const cs_report_rank_key *k, size_t n, unsigned *rank)
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
    cs_report_rank_key *k = cs_report_rank_sorted(r);

    if (k == NULL)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                            "out of memory while ranking");
    cs_report_fill_ranks(k, r->nrows, rank);
    free(k);
    return CS_OK;
}

/* Ranks for a writer (caller frees); NULL if out of memory. */
unsigned *cs_report_ranks_new(const cs_report *r)
{
    unsigned *rank = calloc(r->nrows + 1, sizeof *rank);
    cs_error err;

    if (rank != NULL && cs_report_rank(r, rank, &err) != CS_OK) {
        free(rank);
        return NULL;
    }
    return rank;
}

/* Confidence level of the first comparison (all share one). */
double cs_report_first_level(const cs_report *r)
{
    for (size_t i = 0; i < r->nrows; i++)
        if (r->rows[i].vs != NULL)
            return r->rows[i].vs->level;
    return 0.95;
}

double cs_report_total_cost(const cs_summary *s)
{
    if (!cs_model_has_delay_cost(s->model))
        return s->cost_per_day;
    return cs_report_ci_defined(&s->delay_cost)
               ? s->cost_per_day + s->delay_cost.mean
               : NAN;
}

int cs_report_any_patience(const cs_report *r)
{
    for (size_t i = 0; i < r->nrows; i++)
        if (cs_model_has_patience(cs_report_row_model(&r->rows[i])))
            return 1;
    return 0;
}

int cs_report_any_delay_cost(const cs_report *r)
{
    for (size_t i = 0; i < r->nrows; i++)
        if (cs_model_has_delay_cost(cs_report_row_model(&r->rows[i])))
            return 1;
    return 0;
}

/* ---- entry point ---------------------------------------------------- */

cs_status cs_report_write(FILE *out, cs_format fmt, const cs_report *r,
                          cs_error *err)
{
    cs_status st;

    switch (fmt) {
    case CS_FORMAT_CSV:
        st = cs_report_csv_write(out, r, err);
        break;
    case CS_FORMAT_JSON:
        st = cs_report_json_write(out, r, err);
        break;
    case CS_FORMAT_TABLE:
    default:
        st = cs_report_table_write(out, r, err);
        break;
    }
    if (st != CS_OK)
        return st;
    if (fflush(out) != 0 || ferror(out))
        return cs_error_set(err, CS_EIO, NULL, 0, 0, "write failed");
    return CS_OK;
}


cs_status cs_report_write_reps(FILE *out, cs_format fmt, const cs_report *r,
                               cs_error *err)
{
    cs_status st;

    if (fmt == CS_FORMAT_CSV)
        st = cs_report_csv_reps_write(out, r, err);
    else if (fmt == CS_FORMAT_JSON)
        st = cs_report_json_reps_write(out, r, err);
    else
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0,
                            "per-replication records are CSV or JSON");
    if (st != CS_OK)
        return st;
    if (fflush(out) != 0 || ferror(out))
        return cs_error_set(err, CS_EIO, NULL, 0, 0, "write failed");
    return CS_OK;
}

/* ---- sequential procedures ------------------------------------------ */

/* The name of row k's variant ("?" when out of range). */
static const char *row_name(const cs_report *r, long k)
{
    const cs_model *m;

    if (k < 0 || (size_t)k >= r->nrows)
        return "?";
    m = r->rows[k].summary->model;
    return m->variant != NULL ? m->variant : "baseline";
}

int cs_report_selection_statement(const cs_report *r, char *buf, size_t len)
{
    const cs_study_seq_result *q = r->seq;
    char what[256], zone[64];
    size_t left = 0;

    if (q == NULL || q->mode != CS_STUDY_SELECT)
        return snprintf(buf, len, "%s", "");
    if (q->selected < 0)
        return snprintf(buf, len, "interrupted before a variant could be "
                        "selected");
    if (q->promise >= 0) {
        snprintf(what, sizeof what, "the highest share of promise '%s' met",
                 q->measure);
        snprintf(zone, sizeof zone, "%g point%s", q->delta * 100,
                 q->delta * 100 == 1 ? "" : "s");
    } else {
        snprintf(what, sizeof what, "the lowest mean lead time");
        snprintf(zone, sizeof zone, "%g day%s", q->delta,
                 q->delta == 1 ? "" : "s");
    }
    for (size_t i = 0; i < r->nrows; i++)
        left += r->rows[i].seq != NULL && r->rows[i].seq->out_at == 0;
    if (!q->complete)
        return snprintf(buf, len, "'%s' has %s of the %zu variants left when "
                        "the cap of %u replications was reached; no "
                        "probability of correct selection is claimed (a "
                        "higher --max-replications or a wider "
                        "--indifference decides)",
                        row_name(r, q->selected), what, left,
                        q->max_replications);
    return snprintf(buf, len, "'%s' has %s, with probability at least "
                    "%.0f%% when the best is at least %s ahead of every "
                    "other (Kim and Nelson's KN)", row_name(r, q->selected),
                    what, q->confidence * 100, zone);
}
