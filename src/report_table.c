/*
** report_table.c - the report as a compact table for people: a title, the
** ranked block a process manager reads first (in a comparison), the main
** block, promise blocks, differences from the baseline, and the teams.
** Undefined values print "-", missing intervals "n/a"; ANSI colours only
** when the report allows them; widths are counted in characters (UTF-8).
*/
#include "report_int.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/model.h"
#include "chainsim/report.h"
#include "chainsim/stats.h"
#include "chainsim/str.h"

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
    cs_str_make_printable(c->text);
    c->color = color;
}

static void tbl_cell(table *t, int color, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    tbl_vcell(t, color, fmt, ap);
    va_end(ap);
}

/* Plain cells, one per name of the NULL-terminated list (a header row). */
static void tbl_heads(table *t, const char *const *names)
{
    for (; *names != NULL; names++)
        tbl_cell(t, C_NONE, "%s", *names);
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

/* Left-aligned columns two spaces apart; no trailing blanks.  0, or -1
** (nothing printed) when out of memory. */
static int tbl_print(FILE *out, const table *t, int color)
{
    size_t *width = calloc(t->ncols + 1, sizeof *width);

    if (width == NULL)
        return -1;
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
    return 0;
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
    return cs_report_ci_defined(c) ? mag(acc, c->mean * scale) : acc;
}

/* A number with dec decimals; "-" when undefined. */
static void cell_num(table *t, double x, int dec)
{
    if (!isfinite(x))
        tbl_cell(t, C_NONE, "-");
    else
        tbl_cell(t, C_NONE, "%.*f", dec, cs_report_unsign_zero(x));
}

/*
** The "±" of an interval: its half-width, or, for an interval that the
** summary clipped at 0 or 1 (a share, a time, a count), the larger
** distance from the mean to a bound, so mean ± it still covers the
** interval (and reads as before the clip).
*/
static double half_width(const cs_ci *c)
{
    if (c->lo == 0.0 || c->hi == 1.0)
        return fmax(c->mean - c->lo, c->hi - c->mean);
    return (c->hi - c->lo) / 2.0;
}

/*
** Decimals for "mean ±hw" in a column of dec decimals: more where a
** nonzero half-width would print as 0 (its first significant digit
** shows), at most 6.
*/
static int hw_decimals(double hw, int dec)
{
    while (dec < 6 && hw > 0.0 && hw < 0.5 * pow(10.0, -dec))
        dec++;
    return dec;
}

/*
** "mean ±half-width" (times scale), "mean ±n/a" without an interval.  A
** figure that is not finite once scaled is undefined ("-", or "n/a" for
** the half-width), so no cell ever shows inf or nan; a nonzero half-width
** never shows as 0.
*/
static void cell_ci(table *t, const cs_ci *c, double scale, int dec)
{
    const double m = cs_report_ci_defined(c) ? c->mean * scale : NAN;
    const double hw =
        cs_report_ci_interval(c) ? half_width(c) * scale : NAN;

    if (!isfinite(m))
        tbl_cell(t, C_NONE, "-");
    else if (!isfinite(hw))
        tbl_cell(t, C_NONE, "%.*f ±n/a", dec, cs_report_unsign_zero(m));
    else {
        dec = hw_decimals(hw, dec);
        tbl_cell(t, C_NONE, "%.*f ±%.*f", dec, cs_report_unsign_zero(m), dec,
                 hw);
    }
}

/* A figure in "%.6g" (costs); "-" when not finite. */
static void cell_g(table *t, double x)
{
    if (!isfinite(x))
        tbl_cell(t, C_NONE, "-");
    else
        tbl_cell(t, C_NONE, "%.6g", cs_report_unsign_zero(x));
}

static void cell_mean(table *t, const cs_ci *c, int dec)
{
    cell_num(t, cs_report_ci_defined(c) ? c->mean : NAN, dec);
}

/* A share as a whole percentage. */
static void cell_share(table *t, const cs_ci *c)
{
    const double pct = cs_report_ci_defined(c) ? c->mean * 100.0 : NAN;

    if (!isfinite(pct))
        tbl_cell(t, C_NONE, "-");
    else
        tbl_cell(t, C_NONE, "%.0f%%", cs_report_unsign_zero(pct));
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
    const int lt = d->kind != CS_PROMISE_THROUGHPUT;   /* a share */
    const double k = lt ? 100.0 : 1.0;
    double lo, hi;
    int dec;

    if (!cs_report_ci_defined(c) || !isfinite(c->mean * k)) {
        snprintf(buf, size, "-");
        return;
    }
    if (lt)
        dec = cs_report_ci_interval(c) && c->hi - c->lo < 0.02 ? 1 : 0;
    else
        dec = decimals(c->mean);
    if (!cs_report_ci_interval(c) || !isfinite(c->lo * k) ||
        !isfinite(c->hi * k)) {
        snprintf(buf, size, "%.*f%s [n/a]", dec,
                 cs_report_unsign_zero(c->mean * k), lt ? "%" : "");
        return;
    }
    /* A share cannot leave [0, 1]; the summary clips its interval there,
    ** and so does the table, whatever built the summary. */
    lo = lt ? fmax(c->lo, 0.0) : c->lo;
    hi = lt ? fmin(c->hi, 1.0) : c->hi;
    snprintf(buf, size, "%.*f%s [%.*f,%.*f]", dec,
             cs_report_unsign_zero(c->mean * k), lt ? "%" : "", dec,
             cs_report_unsign_zero(lo * k), dec,
             cs_report_unsign_zero(hi * k));
}

/* "≥85% within 30d", "≥40 per 65d" or "≥85% done by day 120". */
static void fmt_target(char *buf, size_t size, const cs_model *m,
                       const cs_promise *d, double target)
{
    if (d->kind == CS_PROMISE_LEAD_TIME && d->at_team)
        snprintf(buf, size, "≥%.4g%% of visits to %s within %.4gd",
                 target * 100.0, m->teams[d->team].name, d->within);
    else if (d->kind == CS_PROMISE_LEAD_TIME)
        snprintf(buf, size, "≥%.4g%% within %.4gd", target * 100.0,
                 d->within);
    else if (d->kind == CS_PROMISE_DONE_BY)
        snprintf(buf, size, "≥%.4g%% done by day %.6g", target * 100.0,
                 d->done_by);
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
    const double hw =
        cs_report_ci_interval(c) ? (c->hi - c->lo) / 2.0 * scale : 0.0;
    int d;

    if (!(hw > 0.0))
        return decimals(c->mean * scale) > 1 ? 1 : decimals(c->mean * scale);
    if (!isfinite(hw))
        return 0;                /* printed as n/a: any number of decimals */
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
    if (cs_report_ci_significant(c)) {
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

    if (!cs_report_ci_defined(c) || !isfinite(c->mean * scale)) {
        tbl_cell(t, C_NONE, "-");
        return;
    }
    if (!cs_report_ci_interval(c) || !isfinite(c->lo * scale) ||
        !isfinite(c->hi * scale)) {
        tbl_cell(t, C_NONE, "%+.*f%s [n/a]", d,
                 cs_report_unsign_zero(c->mean * scale), unit);
        return;
    }
    word = diff_word(c, lower_better, &color);
    tbl_cell(t, color, "%+.*f%s [%+.*f,%+.*f] %s", d,
             cs_report_unsign_zero(c->mean * scale), unit, d,
             cs_report_unsign_zero(c->lo * scale), d,
             cs_report_unsign_zero(c->hi * scale), word);
}

/* Promise p's verdict, then (when the block shows differences) its
** difference against the baseline, or a blank cell for the baseline. */
static void cell_verdict_diff(table *t, const cs_report_row *row, int p,
                              int with_diff)
{
    const cs_summary *s = row->summary;
    const int lead = s->model->promises[p].kind != CS_PROMISE_THROUGHPUT;

    tbl_cell(t, verdict_color(s->promises[p].verdict), "%s",
             verdict_word(s->promises[p].verdict));
    if (!with_diff)
        return;
    if (row->vs != NULL && p < row->vs->npromises &&
        row->vs->promise_changed != NULL && row->vs->promise_changed[p])
        tbl_cell(t, C_NONE, "changed: not compared");
    else if (row->vs != NULL && p < row->vs->npromises)
        cell_diff(t, &row->vs->promise[p], lead ? 100.0 : 1.0, 0,
                  lead ? " pts" : "");
    else
        tbl_cell(t, C_NONE, "%s", "");
}

/* ---- table blocks --------------------------------------------------- */

/* What the blocks share, worked out once from all rows. */
typedef struct shape {
    cs_report_names teams;
    int np;                 /* most promises in a row */
    int same_promises;      /* every row has the same promises (by name) */
    int show_reps;          /* rows differ in replications */
    int show_cost;          /* some row has a cost */
    int show_delay;         /* some row has a cost of delay */
    int show_pat;           /* some row has a class with a patience */
    int any_vs;             /* some row is compared with its baseline */
} shape;

static int shape_init(shape *sh, const cs_report *r)
{
    const cs_model *m0 = cs_report_row_model(&r->rows[0]);

    memset(sh, 0, sizeof *sh);
    if (cs_report_names_collect(&sh->teams, r, 0) != 0)
        return -1;
    sh->np = cs_report_max_promises(r);
    sh->same_promises = 1;
    sh->show_delay = cs_report_any_delay_cost(r);
    sh->show_pat = cs_report_any_patience(r);
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_report_row *row = &r->rows[i];
        const cs_model *m = cs_report_row_model(row);
        if (m->npromises != m0->npromises)
            sh->same_promises = 0;
        for (int p = 0; sh->same_promises && p < m->npromises; p++)
            if (strcmp(m->promises[p].name, m0->promises[p].name) != 0 ||
                row->summary->promises[p].target !=
                    r->rows[0].summary->promises[p].target)
                sh->same_promises = 0;
        if (row->summary->replications != r->rows[0].summary->replications)
            sh->show_reps = 1;
        if (row->summary->cost_per_day > 0.0 || sh->show_delay)
            sh->show_cost = 1;
        if (row->vs != NULL)
            sh->any_vs = 1;
    }
    return 0;
}

static const char *variant_name(const cs_report_row *row)
{
    const char *v = cs_report_row_model(row)->variant;
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
        tbl_cell(t, C_NONE, "%s", cs_report_point_value(r, row, k));
}

static double per_week(const cs_report_row *row)
{
    const double dpw = cs_report_row_model(row)->units.days_per_week;
    return dpw > 0.0 ? dpw : 5.0;
}

/* The variant table: one line per row; promises inline when inline_p. */
static void block_main(table *t, const cs_report *r, const shape *sh,
                       int inline_p)
{
    const cs_model *m0 = cs_report_row_model(&r->rows[0]);
    const int npi = inline_p ? sh->np : 0;
    double mlt = 0, mp = 0, mth = 0, mwip = 0, mdc = 0, mab = 0, mww = 0;

    /* With a ranked block above, it carries the bottleneck and the cost. */
    const int show_bn = !sh->any_vs;
    const int show_cost = sh->show_cost && !sh->any_vs;

    tbl_init(t, 1 + r->nvary + (size_t)sh->show_reps + 6 + (size_t)npi +
                    (size_t)show_bn + (size_t)show_cost +
                    (size_t)sh->show_delay + 2 * (size_t)sh->show_pat);
    tbl_row(t);
    label_head(t, r, "variant");
    if (sh->show_reps)
        tbl_cell(t, C_NONE, "reps");
    tbl_heads(t, (const char *const[]){"lead time (d)", "p50", "p85",
                                       "thru/wk", "wip", "flow eff", NULL});
    for (int p = 0; p < npi; p++) {
        char tgt[64];
        fmt_target(tgt, sizeof tgt, m0, &m0->promises[p],
                   r->rows[0].summary->promises[p].target);
        tbl_cell(t, C_NONE, "%s (%s)", m0->promises[p].name, tgt);
    }
    if (show_bn)
        tbl_cell(t, C_NONE, "bottleneck (util)");
    if (show_cost)
        tbl_cell(t, C_NONE, "cost/d");
    if (sh->show_delay)
        tbl_cell(t, C_NONE, "cost of delay/d");
    if (sh->show_pat) {
        tbl_cell(t, C_NONE, "abandoned %%");
        tbl_cell(t, C_NONE, "wasted work/d");
    }
    /* One number of decimals per column, so the column lines up. */
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_summary *s = r->rows[i].summary;
        mlt = mag_ci(mlt, &s->lead_time, 1.0);
        mp = mag(mag(mp, s->p50), s->p85);
        mth = mag_ci(mth, &s->throughput, per_week(&r->rows[i]));
        mwip = mag_ci(mwip, &s->wip, 1.0);
        mdc = mag_ci(mdc, &s->delay_cost, 1.0);
        mab = mag_ci(mab, &s->abandoned, 100.0);
        mww = mag_ci(mww, &s->wasted, 1.0);
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
        if (isfinite(s->flow_efficiency * 100.0))
            tbl_cell(t, C_NONE, "%.0f%%", s->flow_efficiency * 100.0);
        else
            tbl_cell(t, C_NONE, "-");
        for (int p = 0; p < npi; p++)
            cell_promise(t, s, p, 1);
        if (show_bn && s->bottleneck >= 0 && s->bottleneck < m->nteams &&
            cs_report_ci_defined(&s->teams[s->bottleneck].utilization))
            tbl_cell(t, C_NONE, "%s %.2f", m->teams[s->bottleneck].name,
                     s->teams[s->bottleneck].utilization.mean);
        else if (show_bn)
            tbl_cell(t, C_NONE, "-");
        if (show_cost)
            cell_g(t, s->cost_per_day);
        if (sh->show_delay)
            cell_ci(t, &s->delay_cost, 1.0, col_decimals(mdc));
        if (sh->show_pat) {
            cell_ci(t, &s->abandoned, 100.0, col_decimals(mab));
            cell_ci(t, &s->wasted, 1.0, col_decimals(mww));
        }
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
            fmt_target(buf, sizeof buf, m, &m->promises[p],
                       s->promises[p].target);
            tbl_cell(t, C_NONE, "%s", buf);
            cell_promise(t, s, p, 0);
            cell_verdict_diff(t, row, p, vs);
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
static int promise_names(cs_report_names *ns, const cs_report *r)
{
    ns->v = NULL;
    ns->n = 0;
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_model *m = cs_report_row_model(&r->rows[i]);
        for (int p = 0; p < m->npromises; p++)
            if (cs_report_names_add(ns, m->promises[p].name) != 0)
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
    const cs_model *m0 = NULL;
    double target0 = NAN;
    char buf[128];

    for (size_t i = 0; i < r->nrows && d0 == NULL; i++) {
        const int p = promise_index(cs_report_row_model(&r->rows[i]), name);
        if (p >= 0) {
            m0 = cs_report_row_model(&r->rows[i]);
            d0 = &m0->promises[p];
            target0 = r->rows[i].summary->promises[p].target;
        }
    }
    assert(d0 != NULL);
    if (d0 == NULL)
        return;
    tbl_init(t, 1 + r->nvary + 2 + (size_t)sh->any_vs);
    tbl_row(t);
    label_head(t, r, name);
    fmt_target(buf, sizeof buf, m0, d0, target0);
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
        fmt_achieved(buf, sizeof buf, &m->promises[p],
                     &s->promises[p].achieved);
        if (s->promises[p].target != target0 ||
            m->promises[p].kind != d0->kind) {
            char tgt[64];
            fmt_target(tgt, sizeof tgt, m, &m->promises[p],
                       s->promises[p].target);
            tbl_cell(t, C_NONE, "%s (target %s)", buf, tgt);
        } else {
            tbl_cell(t, C_NONE, "%s", buf);
        }
        cell_verdict_diff(t, row, p, sh->any_vs);
    }
}

/* ---- the block a process manager reads first ------------------------ */

/*
** "2 met, 1 uncertain, 1 NOT MET" over the promises the row is ranked on
** (its group's reference: the baseline's), the counts adding up to them;
** "(1 changed)" when some are missing or defined otherwise in the row
** (counted as not met), "+1 own" for the row's promises the baseline
** lacks.  Coloured by the worst verdict.
*/
static void cell_kept(table *t, const cs_report_rank_key *k)
{
    char buf[128];
    int len;

    if (k->met + k->uncertain + k->not_met == 0) {
        tbl_cell(t, C_NONE, k->own > 0 ? "+%d own" : "-", k->own);
        return;
    }
    len = snprintf(buf, sizeof buf, "%d met", k->met);
    if (k->uncertain > 0 && len > 0 && (size_t)len < sizeof buf)
        len += snprintf(buf + len, sizeof buf - (size_t)len, ", %d uncertain",
                        k->uncertain);
    if (k->not_met > 0 && len > 0 && (size_t)len < sizeof buf)
        len += snprintf(buf + len, sizeof buf - (size_t)len, ", %d NOT MET",
                        k->not_met);
    if (k->changed > 0 && len > 0 && (size_t)len < sizeof buf)
        len += snprintf(buf + len, sizeof buf - (size_t)len, " (%d changed)",
                        k->changed);
    if (k->own > 0 && len > 0 && (size_t)len < sizeof buf)
        snprintf(buf + len, sizeof buf - (size_t)len, " +%d own", k->own);
    tbl_cell(t, k->not_met > 0 ? C_RED : k->uncertain > 0 ? C_YELLOW
                                                          : C_GREEN,
             "%s", buf);
}

/* "9.6 -3.08 better": the mean lead time and its difference, if any. */
static void cell_glance_lead(table *t, const cs_report_row *row, int dec)
{
    const cs_ci *lt = &row->summary->lead_time;
    const cs_ci *d = row->vs != NULL ? &row->vs->lead_time_mean : NULL;
    char mean[48];
    int color, dd;

    if (cs_report_ci_defined(lt))
        snprintf(mean, sizeof mean, "%.*f", dec,
                 cs_report_unsign_zero(lt->mean));
    else
        snprintf(mean, sizeof mean, "-");
    if (d == NULL || !cs_report_ci_defined(d)) {
        tbl_cell(t, C_NONE, "%s%s", mean, d == NULL ? "" : " -");
        return;
    }
    /* The mean's decimals, unless they would round a difference to 0. */
    dd = dec;
    if (fabs(d->mean) < 0.5 * pow(10.0, -dec) && d->mean != 0.0)
        dd = diff_decimals(d, 1.0);
    if (!cs_report_ci_interval(d)) {
        tbl_cell(t, C_NONE, "%s %+.*f n/a", mean, dd,
                 cs_report_unsign_zero(d->mean));
    } else {
        const char *word = diff_word(d, 1, &color);
        tbl_cell(t, color, "%s %+.*f %s", mean, dd,
                 cs_report_unsign_zero(d->mean), word);
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
                        const cs_report_rank_key *k, const unsigned *rank,
                        int compact)
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
        tbl_cell(t, C_NONE, sh->show_delay ? "total cost/d" : "cost/d");
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
            cell_kept(t, &k[i]);
            cell_glance_lead(t, row, col_decimals(mlt));
            if (sh->show_cost) {
                const double c = cs_report_total_cost(s);
                const double dc = base == NULL || base == s
                    ? NAN : c - cs_report_total_cost(base);
                if (!isfinite(c) || !isfinite(dc))
                    cell_g(t, c);
                else
                    tbl_cell(t, C_NONE, "%.6g %+.6g", c,
                             cs_report_unsign_zero(dc));
            }
            moved += cell_glance_bottleneck(t, s, base, compact);
        }
    }
    return moved;
}

/* Paired differences of the compared rows (promises have their blocks). */
static void block_vs(table *t, const cs_report *r)
{
    const int delay = cs_report_any_delay_cost(r);

    tbl_init(t, 1 + r->nvary + 3 + (size_t)delay);
    tbl_row(t);
    label_head(t, r, "vs baseline");
    tbl_heads(t, (const char *const[]){"lead time (d)", "p85 (d)", "thru/wk",
                     NULL});
    if (delay)
        tbl_cell(t, C_NONE, "cost of delay/d");
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
        if (delay)
            cell_diff(t, &c->delay_cost, 1.0, 1, "");
    }
}

/* 1 when some compared row has more than one class. */
static int any_classes_vs(const cs_report *r)
{
    for (size_t i = 0; i < r->nrows; i++)
        if (r->rows[i].vs != NULL && r->rows[i].vs->nclasses > 1)
            return 1;
    return 0;
}

/* The paired difference of each class's mean lead time, per compared
** row; a class the row or its baseline lacks shows "-". */
static int block_vs_classes(table *t, const cs_report *r)
{
    cs_report_names cn;

    if (cs_report_names_collect(&cn, r, 1) != 0) {
        free(cn.v);
        return -1;
    }
    tbl_init(t, 1 + r->nvary + cn.n);
    tbl_row(t);
    label_head(t, r, "lead time (d) vs baseline");
    for (size_t k = 0; k < cn.n; k++)
        tbl_cell(t, C_NONE, "%s", cn.v[k]);
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_report_row *row = &r->rows[i];
        const cs_comparison *c = row->vs;
        if (c == NULL)
            continue;
        tbl_row(t);
        label_cells(t, r, row);
        for (size_t k = 0; k < cn.n; k++) {
            const int x = cs_model_class_index(row->summary->model, cn.v[k]);
            if (x < 0 || x >= c->nclasses)
                tbl_cell(t, C_NONE, "-");
            else
                cell_diff(t, &c->classes[x], 1.0, 1, "");
        }
    }
    free(cn.v);
    return 0;
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
    tbl_heads(t, (const char *const[]){"team", "type", "cap", "wip limit",
                     "utilisation", "queue wait (d)", "queue len", "blocked",
                     "wip", NULL});
    for (int k = 0; k < m->nteams; k++) {
        const cs_team *d = &m->teams[k];
        const cs_team_summary *ts = &s->teams[k];
        tbl_row(t);
        if (k == s->bottleneck)
            tbl_cell(t, C_BOLD, "%s *", d->name);
        else
            tbl_cell(t, C_NONE, "%s", d->name);
        tbl_cell(t, C_NONE, "%s", cs_model_team_type_name(d->type));
        /* a schedule: the time average of its capacity over the window */
        if (d->nschedule > 0 && cs_report_ci_defined(&ts->capacity))
            tbl_cell(t, C_NONE, "%.1f", ts->capacity.mean);
        else
            tbl_cell(t, C_NONE, "%d", d->capacity);
        if (d->wip_limit > 0)
            tbl_cell(t, C_NONE, "%d", d->wip_limit);
        else
            tbl_cell(t, C_NONE, "-");
        if (!cs_report_ci_defined(&ts->utilization))
            tbl_cell(t, C_NONE, "-");
        else if (!cs_report_ci_interval(&ts->utilization) ||
                 !isfinite(ts->utilization.hi - ts->utilization.lo))
            tbl_cell(t, C_NONE, "%.2f ±n/a", ts->utilization.mean);
        else
            tbl_cell(t, C_NONE, "%.*f ±%.*f",
                     hw_decimals(half_width(&ts->utilization), 2),
                     ts->utilization.mean,
                     hw_decimals(half_width(&ts->utilization), 2),
                     half_width(&ts->utilization));
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
            if (tm < 0 || !cs_report_ci_defined(&s->teams[tm].utilization))
                tbl_cell(t, C_NONE, "-");
            else
                tbl_cell(t, tm == s->bottleneck ? C_BOLD : C_NONE, "%.2f%s",
                         s->teams[tm].utilization.mean,
                         tm == s->bottleneck ? "*" : "");
        }
    }
}

/* A failure demand share as a percentage with one decimal. */
static void cell_fd(table *t, const cs_ci *c)
{
    if (!cs_report_ci_defined(c))
        tbl_cell(t, C_NONE, "-");
    else
        tbl_cell(t, C_NONE, "%.1f%%", 100.0 * c->mean);
}

/* Failure demand (SPEC 5.6): per row, the share of the busy time on
** items of escape-target classes, over all teams and per team. */
static void block_fd(table *t, const cs_report *r, const shape *sh)
{
    tbl_init(t, 2 + r->nvary + sh->teams.n);
    tbl_row(t);
    label_head(t, r, "failure demand");
    tbl_cell(t, C_NONE, "all teams");
    for (size_t k = 0; k < sh->teams.n; k++)
        tbl_cell(t, C_NONE, "%s", sh->teams.v[k]);
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_report_row *row = &r->rows[i];
        const cs_summary *s = row->summary;
        tbl_row(t);
        label_cells(t, r, row);
        if (!s->has_fd) {
            for (size_t k = 0; k <= sh->teams.n; k++)
                tbl_cell(t, C_NONE, "-");
            continue;
        }
        cell_fd(t, &s->failure_demand_share);
        for (size_t k = 0; k < sh->teams.n; k++) {
            const int tm = cs_model_team_index(s->model, sh->teams.v[k]);
            if (tm < 0)
                tbl_cell(t, C_NONE, "-");
            else
                cell_fd(t, &s->teams[tm].failure_demand_share);
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
    tbl_heads(t, (const char *const[]){"work", "lead time (d)", "p50", "p85",
                     "p95", "thru/wk", "items", NULL});
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
        /* its bounded contexts, one line each */
        for (int q = 0; q < k->ncontexts; q++) {
            const cs_context_summary *x = &k->contexts[q];
            tbl_row(t);
            tbl_cell(t, C_NONE, "  %s", m->classes[c].contexts[q]);
            cell_ci(t, &x->lead_time, 1.0, col_decimals(mlt));
            tbl_cell(t, C_NONE, "-");
            cell_num(t, x->p85, col_decimals(mp));
            tbl_cell(t, C_NONE, "-");
            tbl_cell(t, C_NONE, "-");
            tbl_cell(t, C_NONE, "%llu", (unsigned long long)x->n);
        }
    }
}

/* ---- where the time goes ------------------------------------------ */

static double brk_wait(const cs_breakdown *b)
{
    return b->admission + b->handoff + b->queue;
}

static double brk_sum(const cs_breakdown *b)
{
    return brk_wait(b) + b->work;
}

/* Whether a row has a breakdown to show (some lead time counted). */
static int has_breakdown(const cs_summary *s)
{
    return s->breakdown != NULL && s->lt_n > 0;
}

/*
** A single run: per team, the mean days per item waiting for room, in
** hand-off, in the queue and in work, and the team's share of the lead
** time; the last line the whole chain (the mean lead time).  Teams the
** work never visits are left out.
*/
static void block_time(table *t, const cs_report_row *row)
{
    const cs_summary *s = row->summary;
    const cs_model *m = s->model;
    cs_breakdown all = {-1, 0, 0, 0, 0};
    double mx = 0;
    int dec;

    for (int k = 0; k < m->nteams; k++) {
        const cs_breakdown *b = &s->breakdown[k];
        all.admission += b->admission;
        all.handoff += b->handoff;
        all.queue += b->queue;
        all.work += b->work;
    }
    mx = mag(mx, brk_sum(&all));
    dec = col_decimals(mx);
    tbl_init(t, 7);
    tbl_row(t);
    tbl_heads(t, (const char *const[]){"where the time goes (d)", "for room",
                     "hand-off", "queue", "work", "total", "share", NULL});
    for (int k = 0; k < m->nteams; k++) {
        const cs_breakdown *b = &s->breakdown[k];
        const double tot = brk_sum(b);
        if (!(tot > 0))
            continue;
        tbl_row(t);
        tbl_cell(t, C_NONE, "%s", m->teams[k].name);
        cell_num(t, b->admission, dec);
        cell_num(t, b->handoff, dec);
        cell_num(t, b->queue, dec);
        cell_num(t, b->work, dec);
        cell_num(t, tot, dec);
        tbl_cell(t, C_NONE, "%.0f%%", 100.0 * tot / brk_sum(&all));
    }
    tbl_row(t);
    tbl_cell(t, C_BOLD, "lead time");
    cell_num(t, all.admission, dec);
    cell_num(t, all.handoff, dec);
    cell_num(t, all.queue, dec);
    cell_num(t, all.work, dec);
    cell_num(t, brk_sum(&all), dec);
    tbl_cell(t, C_NONE, "100%%");
}

/* Several rows: per team (columns), the days per item waiting + working. */
static void block_time_rows(table *t, const cs_report *r, const shape *sh)
{
    double mx = 0;
    int dec;

    for (size_t i = 0; i < r->nrows; i++) {
        const cs_summary *s = r->rows[i].summary;
        if (!has_breakdown(s))
            continue;
        for (int k = 0; k < s->model->nteams; k++)
            mx = mag(mag(mx, brk_wait(&s->breakdown[k])),
                     s->breakdown[k].work);
    }
    dec = col_decimals(mx);
    tbl_init(t, 1 + r->nvary + sh->teams.n);
    tbl_row(t);
    label_head(t, r, "wait + work (d)");
    for (size_t k = 0; k < sh->teams.n; k++)
        tbl_cell(t, C_NONE, "%s", sh->teams.v[k]);
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_report_row *row = &r->rows[i];
        const cs_summary *s = row->summary;
        tbl_row(t);
        label_cells(t, r, row);
        for (size_t k = 0; k < sh->teams.n; k++) {
            const int tm = cs_model_team_index(s->model, sh->teams.v[k]);
            const cs_breakdown *b =
                tm >= 0 && has_breakdown(s) ? &s->breakdown[tm] : NULL;
            if (b == NULL || !(brk_sum(b) > 0))
                tbl_cell(t, C_NONE, "-");
            else
                tbl_cell(t, C_NONE, "%.*f + %.*f", dec,
                         cs_report_unsign_zero(brk_wait(b)), dec,
                         cs_report_unsign_zero(b->work));
        }
    }
}

/* Prints and frees a block; 0, or -1 when it ran out of memory. */
static int emit(FILE *out, table *t, const cs_report *r)
{
    int oom = t->oom;

    if (!oom) {
        fputc('\n', out);
        oom = tbl_print(out, t, r->color) != 0;
    }
    tbl_fini(t);
    return oom ? -1 : 0;
}

/* ---- today's board: when is it done -------------------------------- */

/* A day of completion: ">H" when it falls on a replication that did not
** finish (the percentile is later than the horizon). */
static void cell_day(table *t, double x, int dec, const cs_summary *s,
                     int *later)
{
    if (isfinite(x)) {
        cell_num(t, x, dec);
        return;
    }
    *later = 1;
    tbl_cell(t, C_NONE, ">%.6g", s->horizon);
}

static void completion_cells(table *t, const cs_completion *c, int dec,
                             const cs_summary *s, int *later)
{
    tbl_cell(t, C_NONE, "%ld", c->items);
    if (c->replications == 0) {
        for (int k = 0; k < 5; k++)
            tbl_cell(t, C_NONE, "-");
        return;
    }
    /* never "100%" unless every replication finished, never "0%" unless
    ** none did */
    if (c->done_share < 1.0 && c->done_share >= 0.995)
        tbl_cell(t, C_NONE, "%.1f%%", 100.0 * c->done_share);
    else if (c->done_share > 0 && c->done_share < 0.005)
        tbl_cell(t, C_NONE, "<0.5%%");
    else
        tbl_cell(t, C_NONE, "%.0f%%", 100.0 * c->done_share);
    cell_num(t, c->mean, dec);
    cell_day(t, c->p50, dec, s, later);
    cell_day(t, c->p85, dec, s, later);
    cell_day(t, c->p95, dec, s, later);
}

/* Classes of s with initial items. */
static int board_classes(const cs_summary *s)
{
    int n = 0;

    for (int c = 0; s->cls_completion != NULL && c < s->model->nclasses; c++)
        n += s->cls_completion[c].items > 0;
    return n;
}

static double mag_completion(double acc, const cs_completion *c)
{
    return mag(mag(mag(mag(acc, c->mean), c->p50), c->p85), c->p95);
}

/*
** When the initial items are done: one line per row with some (all
** classes), and under it one per class when more than one class has
** initial items.  Sets *later when a percentile is past the horizon.
*/
static void block_completion(table *t, const cs_report *r, int *later)
{
    double mx = 0;
    int dec;

    for (size_t i = 0; i < r->nrows; i++) {
        const cs_summary *s = r->rows[i].summary;
        mx = mag_completion(mx, &s->completion);
        for (int c = 0; s->cls_completion != NULL && c < s->model->nclasses;
             c++)
            mx = mag_completion(mx, &s->cls_completion[c]);
    }
    dec = col_decimals(mx);
    tbl_init(t, 1 + r->nvary + 6);
    tbl_row(t);
    label_head(t, r, "completion (d)");
    tbl_heads(t, (const char *const[]){"items", "all done", "mean", "p50",
                                       "p85", "p95", NULL});
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_report_row *row = &r->rows[i];
        const cs_summary *s = row->summary;
        if (s->completion.items == 0)
            continue;
        tbl_row(t);
        label_cells(t, r, row);
        completion_cells(t, &s->completion, dec, s, later);
        if (board_classes(s) < 2)
            continue;
        for (int c = 0; c < s->model->nclasses; c++) {
            if (s->cls_completion[c].items == 0)
                continue;
            tbl_row(t);
            tbl_cell(t, C_NONE, "  %s", s->model->classes[c].name);
            for (size_t k = 0; k < r->nvary; k++)
                tbl_cell(t, C_NONE, "%s", "");
            completion_cells(t, &s->cls_completion[c], dec, s, later);
        }
    }
}

/* 1 when every row has the same horizon. */
static int same_horizon(const cs_report *r)
{
    for (size_t i = 1; i < r->nrows; i++)
        if (r->rows[i].summary->horizon != r->rows[0].summary->horizon)
            return 0;
    return 1;
}

/* The completion block and its legend, when some row has initial items;
** 0, or -1 when out of memory. */
static int table_completion(FILE *out, table *t, const cs_report *r)
{
    int any = 0, later = 0, oom;

    for (size_t i = 0; i < r->nrows; i++)
        any |= r->rows[i].summary->completion.items > 0;
    if (!any)
        return 0;
    block_completion(t, r, &later);
    oom = emit(out, t, r);
    fputs("the day the last initial item (backlog and start items) was "
          "done, over replications;\nall done: the share of replications "
          "that finished them all by the horizon\n", out);
    if (later && same_horizon(r))
        fprintf(out, ">%.6g: later than the horizon (not finished in that "
                "share of replications)\n", r->rows[0].summary->horizon);
    else if (later)
        fputs(">H: later than the row's horizon H (not finished in that "
              "share of replications)\n", out);
    return oom;
}

/* ---- the timeline --------------------------------------------------- */

static void cell_period(table *t, const cs_period_summary *d)
{
    tbl_cell(t, C_NONE, "%.6g-%.6g", cs_report_unsign_zero(d->from), d->to);
}

/* Decimals of the done, WIP and lead-time columns over the rows. */
typedef struct period_dec {
    int arrived, done, wip, lt;
} period_dec;

static period_dec period_decimals(const cs_report *r)
{
    double ma = 0, md = 0, mw = 0, ml = 0;
    period_dec d;

    for (size_t i = 0; i < r->nrows; i++) {
        const cs_summary *s = r->rows[i].summary;
        for (int k = 0; k < s->nperiods; k++) {
            const cs_period_summary *p = &s->periods[k];
            ma = mag_ci(ma, &p->arrived, 1.0);
            md = mag_ci(md, &p->done, 1.0);
            mw = mag_ci(mw, &p->wip, 1.0);
            ml = mag(mag_ci(ml, &p->lead_time, 1.0), p->lead_time_p85);
        }
    }
    d.arrived = col_decimals(ma);
    d.done = col_decimals(md);
    d.wip = col_decimals(mw);
    d.lt = col_decimals(ml);
    return d;
}

/* One row's timeline, a line per period. */
static void block_timeline_row(table *t, const cs_report_row *row,
                               const period_dec *dec, int named)
{
    const cs_summary *s = row->summary;

    tbl_init(t, 6);
    tbl_row(t);
    if (named)
        tbl_cell(t, C_NONE, "timeline: %s", variant_name(row));
    else
        tbl_cell(t, C_NONE, "timeline (d)");
    tbl_heads(t, (const char *const[]){"arrived", "done", "wip",
                                       "lead time (d)", "p85", NULL});
    for (int k = 0; k < s->nperiods; k++) {
        const cs_period_summary *d = &s->periods[k];
        tbl_row(t);
        cell_period(t, d);
        cell_mean(t, &d->arrived, dec->arrived);
        cell_mean(t, &d->done, dec->done);
        cell_mean(t, &d->wip, dec->wip);
        cell_mean(t, &d->lead_time, dec->lt);
        cell_num(t, d->lead_time_p85, dec->lt);
    }
}

/* Whether every row with a timeline has the same periods (then they
** share one block, a column group per row). */
static int same_periods(const cs_report *r, size_t *first)
{
    const cs_summary *s0 = NULL;

    for (size_t i = 0; i < r->nrows; i++) {
        const cs_summary *s = r->rows[i].summary;
        if (s->nperiods == 0)
            continue;
        if (s0 == NULL) {
            s0 = s;
            *first = i;
        } else if (s->nperiods != s0->nperiods || s->period != s0->period ||
                   s->horizon != s0->horizon) {
            return 0;
        }
    }
    return s0 != NULL;
}

/* The rows side by side: done, WIP and lead time per period, a column
** group per row with a timeline (its name above it). */
static void block_timeline_rows(table *t, const cs_report *r, size_t first,
                                const period_dec *dec)
{
    const cs_summary *s0 = r->rows[first].summary;
    size_t groups = 0;

    for (size_t i = 0; i < r->nrows; i++)
        groups += r->rows[i].summary->nperiods > 0;
    tbl_init(t, 1 + 3 * groups);
    tbl_row(t);
    tbl_cell(t, C_NONE, "timeline");
    for (size_t i = 0; i < r->nrows; i++)
        if (r->rows[i].summary->nperiods > 0) {
            tbl_cell(t, C_NONE, "%s", variant_name(&r->rows[i]));
            tbl_cell(t, C_NONE, "%s", "");
            tbl_cell(t, C_NONE, "%s", "");
        }
    tbl_row(t);
    tbl_cell(t, C_NONE, "days");
    for (size_t g = 0; g < groups; g++)
        tbl_heads(t, (const char *const[]){"done", "wip", "lead time",
                                           NULL});
    for (int k = 0; k < s0->nperiods; k++) {
        tbl_row(t);
        cell_period(t, &s0->periods[k]);
        for (size_t i = 0; i < r->nrows; i++) {
            const cs_summary *s = r->rows[i].summary;
            if (s->nperiods == 0)
                continue;
            cell_mean(t, &s->periods[k].done, dec->done);
            cell_mean(t, &s->periods[k].wip, dec->wip);
            cell_mean(t, &s->periods[k].lead_time, dec->lt);
        }
    }
}

/* Periods in which s's mean lead time is not below b's (both with one). */
static int count_not(const cs_summary *s, const cs_summary *b)
{
    int n = 0;

    for (int k = 0; k < s->nperiods; k++) {
        const double x = s->periods[k].lead_time.mean;
        const double y = b->periods[k].lead_time.mean;
        n += !isnan(x) && !isnan(y) && !(x < y);
    }
    return n;
}

/*
** When each variant's mean lead time per period falls below the
** baseline's for good (the end of a J-curve): "product-team: below the
** baseline's from day 100 on (above or level before)"; with repeating
** schedules or profiles, in how many periods it is.  Periods where
** either has no item done are passed over.  Means, not a test: the
** paired intervals are in the JSON and CSV output.
*/
static void timeline_crossings(FILE *out, const cs_report *r)
{
    const cs_summary *b = NULL;
    int said = 0;

    for (size_t i = 0; i < r->nrows && b == NULL; i++)
        if (r->rows[i].vs == NULL && r->rows[i].summary->nperiods > 0)
            b = r->rows[i].summary;
    if (b == NULL)
        return;
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_summary *s = r->rows[i].summary;
        int last_not = -1, below = 0;
        if (r->rows[i].vs == NULL || s->nperiods != b->nperiods ||
            s->period != b->period)
            continue;
        for (int k = 0; k < s->nperiods; k++) {
            const double x = s->periods[k].lead_time.mean;
            const double y = b->periods[k].lead_time.mean;
            if (isnan(x) || isnan(y))
                continue;
            if (x < y)
                below++;
            else
                last_not = k;
        }
        if (below == 0 && last_not < 0)
            continue;
        if (!said++)
            fputs("mean lead time per period against the baseline's:\n", out);
        fprintf(out, "  %s: ", variant_name(&r->rows[i]));
        if (cs_model_period(s->model) > 0 || cs_model_period(b->model) > 0)
            /* seasons come back: where it ends says nothing */
            fprintf(out, "below it in %d of %d periods\n", below,
                    below + count_not(s, b));
        else if (last_not < 0)
            fputs("below it in every period\n", out);
        else if (last_not == s->nperiods - 1)
            fprintf(out, "not below it at the end (days %.6g-%.6g)\n",
                    s->periods[last_not].from, s->periods[last_not].to);
        else
            fprintf(out, "below it from day %.6g on (above or level in "
                    "%s)\n", s->periods[last_not + 1].from,
                    below > s->nperiods - 1 - last_not ? "some periods before"
                                                       : "every period before");
    }
}

/*
** The timeline, when some row has one: for one row its block; for the
** rows of a compare a column group each, or a block each when that is
** too wide or their periods differ; with --vary only a note (the
** figures are in the JSON and CSV output).  0, or -1 when out of memory.
*/
static int table_timeline(FILE *out, table *t, const cs_report *r)
{
    const period_dec dec = period_decimals(r);
    size_t first = 0, rows = 0;
    int oom = 0, side = 0;

    for (size_t i = 0; i < r->nrows; i++)
        rows += r->rows[i].summary->nperiods > 0;
    if (rows == 0)
        return 0;
    if (r->nvary > 0) {
        fputs("\ntimeline: not shown with --vary (one per row and period "
              "in -f csv and -f json)\n", out);
        return 0;
    }
    if (rows > 1 && same_periods(r, &first)) {
        block_timeline_rows(t, r, first, &dec);
        side = t->oom || tbl_width(t) <= TABLE_MAX_WIDTH;
        if (side)
            oom |= emit(out, t, r);
        else
            tbl_fini(t);
    }
    for (size_t i = 0; !side && i < r->nrows; i++)
        if (r->rows[i].summary->nperiods > 0) {
            block_timeline_row(t, &r->rows[i], &dec, r->nrows > 1);
            oom |= emit(out, t, r);
        }
    if (side)
        fputs("per period from day 0 (the warm-up included): items done "
              "and mean WIP per replication,\nmean lead time of the items "
              "done in the period (- when none)\n", out);
    else
        fputs("per period from day 0 (the warm-up included): items arrived "
              "and done and mean WIP per replication,\nmean and p85 lead "
              "time of the items done in the period (- when none)\n", out);
    if (rows > 1)
        timeline_crossings(out, r);
    return oom;
}


/* "BI delivery chain  (100 replications, seed 1, horizon 260d, ...)" */
/*
** Which question the numbers answer: long-run (steady-state) figures, or
** a forecast from day 0 (a model that starts from a backlog), and
** whether some row did not settle.
*/
static void table_question(FILE *out, const cs_report *r, int same_time)
{
    const cs_summary *s0 = r->rows[0].summary;
    int transient = 0, steady = 0, unsettled = 0, started = 0, backlog = 0;

    for (size_t i = 0; i < r->nrows; i++) {
        const cs_summary *s = r->rows[i].summary;
        if (s->transient)
            transient++;
        else
            steady++;
        unsettled |= !s->settled;
        for (int c = 0; c < s->model->nclasses; c++) {
            started |= s->model->classes[c].nstart > 0;
            backlog |= s->model->classes[c].backlog > 0;
        }
    }
    if (steady == 0 && !started && !backlog) {
        fputs("from day 0: a chain that changes over time (dated "
              "schedules, productivity or demand), from an empty chain to "
              "the horizon (a forecast, not a long-run figure)\n", out);
        return;
    }
    if (steady == 0 && started) {
        fputs("from day 0: today's board (the backlog and the items in "
              "the chain) and the arrivals to the horizon (a forecast, not "
              "a long-run figure)\n", out);
        return;
    }
    if (steady == 0) {
        fputs("from day 0: the backlog and the arrivals from an empty "
              "chain to the horizon (a forecast, not a long-run figure)\n",
              out);
        return;
    }
    if (same_time)
        fprintf(out, "steady state: long-run figures over days %.6g-%.6g, "
                "after a %.6g-day warm-up; not a forecast from today's "
                "board", s0->warmup, s0->horizon, s0->warmup);
    else
        fputs("steady state: long-run figures after each row's warm-up; "
              "not a forecast from today's board", out);
    if (transient > 0)
        fputs(started ? " (rows with today's board: from day 0)"
              : backlog ? " (rows with a backlog: from day 0)"
                        : " (rows with dated changes: from day 0)", out);
    if (unsettled)
        fputs("\nNOT SETTLED: some figures are still changing over the "
              "window; see the warnings below", out);
    fputc('\n', out);
}

static void table_title(FILE *out, const cs_report *r)
{
    char name[256];
    const cs_summary *s0 = r->rows[0].summary;
    unsigned done = s0->replications, want = s0->model->replications;
    unsigned most = done;   /* --select: the variants ran their stages */
    int same_time = 1;

    for (size_t i = 1; i < r->nrows; i++) {
        const cs_summary *s = r->rows[i].summary;
        if (s->replications < done)
            done = s->replications;
        if (s->replications > most)
            most = s->replications;
        if (s->model->replications > want)
            want = s->model->replications;
        if (s->horizon != s0->horizon || s->warmup != s0->warmup)
            same_time = 0;
    }
    if (r->color)
        fputs(ansi[C_BOLD], out);
    fputs(cs_str_printable(r->scenario_name != NULL ? r->scenario_name
                                                    : "chainsim",
                           name, sizeof name),
          out);
    if (r->color)
        fputs("\033[0m", out);
    if (most > done)
        fprintf(out, "  (%u to %u replications, seed %llu", done, most,
                (unsigned long long)r->seed);
    else
        fprintf(out, "  (%u replication%s, seed %llu", done,
                done == 1 ? "" : "s", (unsigned long long)r->seed);
    if (same_time)
        fprintf(out, ", horizon %.6gd, warm-up %.6gd%s", s0->horizon,
                s0->warmup,
                !s0->model->warmup_auto   ? ""
                : cs_report_is_compare(r) ? " auto, chosen on the baseline"
                                          : " auto");
    fputc(')', out);
    if (cs_report_any_partial(r) && r->seq != NULL)
        fputs("  (partial: interrupted)", out);   /* no count was asked for */
    else if (cs_report_any_partial(r))
        fprintf(out, "  (partial: %u of %u replications)",
                done, want > done ? want : done);
    fputc('\n', out);
    table_question(out, r, same_time);
}

/* 1 when some row has changed reference promises (changed) or promises of
** its own (!changed). */
static int any_key(const cs_report_rank_key *k, size_t n, int changed)
{
    for (size_t i = 0; i < n; i++)
        if (changed ? k[i].changed > 0 : k[i].own > 0)
            return 1;
    return 0;
}

/* The ranked block with its legend; 0, or -1 when out of memory. */
static int table_glance(FILE *out, const cs_report *r, const shape *sh)
{
    cs_report_rank_key *k = cs_report_rank_sorted(r);
    unsigned *rank = calloc(r->nrows + 1, sizeof *rank);
    table t;
    int oom, compact = 0, moved;

    if (k == NULL || rank == NULL) {
        free(k);
        free(rank);
        return -1;
    }
    cs_report_fill_ranks(k, r->nrows, rank);
    moved = block_glance(&t, r, sh, k, rank, 0);
    if (!t.oom && tbl_width(&t) > GLANCE_MAX_WIDTH) {
        tbl_fini(&t);
        compact = 1;
        block_glance(&t, r, sh, k, rank, compact);
    }
    oom = emit(out, &t, r);
    fputs("rank: on the baseline's promises, most met, then fewest not met, "
          "then the best worst margin,\nthen lowest cost, then shortest "
          "mean lead time\n", out);
    if (any_key(k, r->nrows, 1))
        fputs("changed: a baseline promise the variant lacks or defines "
              "otherwise counts as not met\n", out);
    if (any_key(k, r->nrows, 0))
        fputs("own: the variant's own promises are shown in their blocks, "
              "not ranked\n", out);
    fprintf(out, "better/worse: the difference from the baseline is "
                 "significant (its %.4g%% interval excludes 0)\n",
            100.0 * cs_report_first_level(r));
    if (compact && moved > 0)
        fputs("(moved): the bottleneck is not the baseline's\n", out);
    if (r->independent)
        fputs("--independent: each variant drew its own random numbers, so "
              "differences are noisier\n", out);
    free(k);
    free(rank);
    return oom;
}

/* The promises in blocks of their own (when not inline in the main
** block), with the legend; oom is what went before (nonzero: out of
** memory already), the result the same updated. */
static int table_promises(FILE *out, table *t, const cs_report *r,
                          const shape *sh, int inline_p, int oom)
{
    if (sh->np > 0 && !inline_p && r->nrows == 1) {
        block_promises(t, r, sh);
        oom |= emit(out, t, r);
    } else if (sh->np > 0 && !inline_p) {
        cs_report_names pn;
        oom |= promise_names(&pn, r);
        for (size_t k = 0; k < pn.n && !oom; k++) {
            block_promise(t, r, sh, pn.v[k]);
            oom |= emit(out, t, r);
        }
        free(pn.v);
        fputs("achieved [95% interval] under the target; met: the whole "
              "interval is at or above it,\nNOT MET: all below, uncertain: "
              "it spans the target", out);
        if (sh->any_vs)
            fprintf(out, "; vs baseline: %.4g%% interval",
                    100.0 * cs_report_first_level(r));
        fputc('\n', out);
    }
    return oom;
}

/* 1 when some team of m has a capacity schedule. */
static int any_schedule(const cs_model *m)
{
    for (int k = 0; k < m->nteams; k++)
        if (m->teams[k].nschedule > 0)
            return 1;
    return 0;
}

/* 0, or -1 when out of memory: the failure demand of every row, when
** some row's model has escapes. */
static int table_fd(FILE *out, table *t, const cs_report *r, const shape *sh)
{
    int any = 0, oom;

    for (size_t i = 0; i < r->nrows; i++)
        any |= r->rows[i].summary->has_fd;
    if (!any || sh->teams.n == 0)
        return 0;
    block_fd(t, r, sh);
    oom = emit(out, t, r);
    fputs("failure demand: share of the teams' busy time on work that "
          "escapes brought (defects found after delivery)\n", out);
    return oom;
}

/* The teams (and classes) of one row, or every row's utilisation; 0, or
** -1 when out of memory. */
static int table_teams(FILE *out, table *t, const cs_report *r,
                       const shape *sh)
{
    int oom = 0;

    if (r->nrows == 1) {
        if (cs_report_row_model(&r->rows[0])->nclasses > 1) {
            block_classes(t, &r->rows[0]);
            oom |= emit(out, t, r);
        }
        block_teams(t, &r->rows[0]);
        oom |= emit(out, t, r);
        fputs("* bottleneck: the team with the highest utilisation of "
              "min(capacity, wip limit)\n", out);
        if (any_schedule(cs_report_row_model(&r->rows[0])))
            fputs("cap: with a schedule, the mean capacity over the "
                  "window\n", out);
    } else if (sh->teams.n > 0) {
        block_util(t, r, sh);
        oom |= emit(out, t, r);
        fputs("* bottleneck of the variant\n", out);
    }
    return oom;
}

/* Where the time goes: the breakdown of one row, or wait + work of every
** row; 0, or -1 when out of memory. */
static int table_time(FILE *out, table *t, const cs_report *r,
                      const shape *sh)
{
    int any = 0, oom = 0;

    for (size_t i = 0; i < r->nrows; i++)
        any |= has_breakdown(r->rows[i].summary);
    if (!any)
        return 0;
    if (r->nrows == 1) {
        block_time(t, &r->rows[0]);
        oom |= emit(out, t, r);
        fputs("mean days per item at each team: waiting for room to enter "
              "it, in hand-off, in its queue, in work\n", out);
    } else if (sh->teams.n > 0) {
        block_time_rows(t, r, sh);
        oom |= emit(out, t, r);
        fputs("mean days per item at each team: waiting (for room, "
              "hand-off, queue) + in work\n", out);
    }
    return oom;
}

/* The row's label in a warning: "VARIANT (PATH=VALUE, ...): ", or
** nothing for a single row. */
static void warn_label(FILE *out, const cs_report *r, const cs_report_row *row)
{
    char buf[256];

    if (r->nrows == 1)
        return;
    fputs(cs_str_printable(variant_name(row), buf, sizeof buf), out);
    for (size_t k = 0; k < r->nvary; k++) {
        fprintf(out, "%s%s=", k == 0 ? " (" : ", ", r->vary[k]);
        fputs(cs_str_printable(cs_report_point_value(r, row, k), buf,
                               sizeof buf),
              out);
    }
    fputs(r->nvary > 0 ? "): " : ": ", out);
}

/* Why the theory gives no lead time for th: the first team visited
** beyond the formula, into buf. */
static void theory_why(const cs_model *m, const cs_theory *th, char *buf,
                       size_t len)
{
    snprintf(buf, len, "no arrivals");
    for (int x = 0; x < th->nteams && x < m->nteams; x++) {
        const cs_theory_team *const tt = &th->teams[x];
        if (tt->status == CS_THEORY_OVERLOADED) {
            snprintf(buf, len, "%s is overloaded (load %.2f)",
                     m->teams[x].name, tt->load);
            return;
        }
        if (tt->status == CS_THEORY_NA) {
            snprintf(buf, len, "%s: %s", m->teams[x].name, tt->why);
            return;
        }
    }
}

/*
** The approximate mean lead time queueing theory gives (theory.h), a line
** per row beside the simulated one, or why it is not given; at most 20
** rows.  Only for run (a compare is read by its differences); nothing
** for rows without a theory.
*/
static void table_theory(FILE *out, const cs_report *r)
{
    int lines = 0;

    if (r->command == NULL || strcmp(r->command, "run") != 0)
        return;
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_theory *th = r->rows[i].theory;
        const cs_summary *s = r->rows[i].summary;
        char buf[256], name[128];

        if (th == NULL)
            continue;
        if (lines++ == 20) {
            fprintf(out, "(and %zu more)\n", r->nrows - i);
            break;
        }
        fputs(lines == 1 ? "\n" : "", out);
        warn_label(out, r, &r->rows[i]);
        if (isnan(th->lead_time)) {
            theory_why(s->model, th, buf, sizeof buf);
            fprintf(out, "approximate lead time (queueing theory, not "
                    "simulated): not given (%s)\n",
                    cs_str_printable(buf, name, sizeof name));
            continue;
        }
        fprintf(out, "approximate lead time (queueing theory, not "
                "simulated): %.3gd", th->lead_time);
        if (cs_report_ci_defined(&s->lead_time))
            fprintf(out, "; simulated %.3gd", s->lead_time.mean);
        fputc('\n', out);
    }
}

/*
** What interruptions cost at each preemptive team, a line per row: the
** interruptions per work start and the mean time a visit spent
** interrupted (in its queue, for the breakdown).  Nothing without a
** preemptive team.
*/
static void table_interruptions(FILE *out, const cs_report *r)
{
    int lines = 0;

    for (size_t i = 0; i < r->nrows; i++) {
        const cs_summary *s = r->rows[i].summary;
        const cs_model *m = s->model;
        int shown = 0;
        for (int t = 0; t < m->nteams; t++) {
            const cs_ci *n = &s->teams[t].interruptions;
            const cs_ci *d = &s->teams[t].interrupted_time;
            if (m->teams[t].discipline != CS_DISC_PREEMPTIVE ||
                !cs_report_ci_defined(n))
                continue;
            if (shown++ == 0) {
                fputs(lines++ == 0 ? "\n" : "", out);
                warn_label(out, r, &r->rows[i]);
                fputs("interrupted work (per visit: interruptions, days "
                      "interrupted): ", out);
            } else {
                fputs(", ", out);
            }
            fprintf(out, "%s %.3g", m->teams[t].name, n->mean);
            if (cs_report_ci_defined(d))
                fprintf(out, " / %.3gd", d->mean);
        }
        if (shown > 0)
            fputc('\n', out);
    }
}

/*
** What joint work costs the teams in it, a line per row: the share of
** each one's capacity reserved, idle, for a joint step waiting for its
** other teams (SPEC 5.5).  Nothing without a joint step.
*/
static void table_reserved(FILE *out, const cs_report *r)
{
    int lines = 0;

    for (size_t i = 0; i < r->nrows; i++) {
        const cs_summary *s = r->rows[i].summary;
        const cs_model *m = s->model;
        int shown = 0;
        for (int t = 0; t < m->nteams; t++) {
            const cs_ci *f = &s->teams[t].reserved_fraction;
            if (!cs_model_team_joint(m, t) || !cs_report_ci_defined(f))
                continue;
            if (shown++ == 0) {
                fputs(lines++ == 0 ? "\n" : "", out);
                warn_label(out, r, &r->rows[i]);
                fputs("joint work (capacity reserved, waiting for the other "
                      "teams): ", out);
            } else {
                fputs(", ", out);
            }
            fprintf(out, "%s %.1f%%", m->teams[t].name,
                    cs_report_unsign_zero(100.0 * f->mean));
        }
        if (shown > 0)
            fputc('\n', out);
    }
}

/* A warning line for each row where a deadlock was broken: the teams
** that admitted items above their WIP limit, with the mean number of
** such admissions per replication. */
static void table_breaks(FILE *out, const cs_report *r)
{
    int lines = 0;

    for (size_t i = 0; i < r->nrows; i++) {
        const cs_summary *s = r->rows[i].summary;
        const cs_model *m = s->model;
        int shown = 0;
        for (int t = 0; t < m->nteams; t++) {
            const cs_ci *b = &s->teams[t].wip_breaks;
            if (m->teams[t].wip_limit == 0 || !cs_report_ci_defined(b) ||
                !(b->mean > 0))
                continue;
            if (shown++ == 0) {
                fputs(lines++ == 0 ? "\nwarning: " : "warning: ", out);
                warn_label(out, r, &r->rows[i]);
                fputs("deadlocks broken by admitting items above the WIP "
                      "limit (mean per replication): ", out);
            } else {
                fputs(", ", out);
            }
            fprintf(out, "%s %.3g", m->teams[t].name, b->mean);
        }
        if (shown > 0)
            fputc('\n', out);
    }
}

/* A warning line for each load, settle and drift warning of each row. */
static void table_warnings(FILE *out, const cs_report *r)
{
    int lines = 0;

    for (size_t i = 0; i < r->nrows; i++) {
        const cs_summary *s = r->rows[i].summary;
        for (int k = 0; k < s->nwarnings; k++) {
            char buf[512];
            if (s->warnings[k].kind == CS_WARN_BREAKS)
                continue;
            cs_summary_warning_text(s, &s->warnings[k], buf, sizeof buf);
            fputs(lines++ == 0 ? "\nwarning: " : "warning: ", out);
            warn_label(out, r, &r->rows[i]);
            fprintf(out, "%s\n", buf);
        }
    }
}

/* The variant of row k. */
static const char *seq_name(const cs_report *r, long k)
{
    const cs_model *m = k >= 0 && (size_t)k < r->nrows
                            ? r->rows[k].summary->model
                            : NULL;

    return m == NULL ? "?" : m->variant != NULL ? m->variant : "baseline";
}

/* What --precision measured: "promise 'p' achieved" or the lead time. */
static void seq_measure(char *buf, size_t n, const cs_study_seq_result *q)
{
    char name[128];

    if (q->promise >= 0)
        snprintf(buf, n, "promise '%s' (share met)",
                 cs_str_printable(q->measure, name, sizeof name));
    else
        snprintf(buf, n, "the mean lead time");
}

/* --precision: the target and whether every row met it. */
static void table_precision(FILE *out, const cs_report *r)
{
    const cs_study_seq_result *q = r->seq;
    char what[192];
    double worst = -1;
    long at = -1;

    seq_measure(what, sizeof what, q);
    fprintf(out, "precision: 95%% half-width of %s at most ", what);
    if (q->relative)
        fprintf(out, "%.6g%% of the mean", q->precision * 100);
    else
        fprintf(out, "%.6g", q->precision);
    fprintf(out, "%s: ", cs_report_is_compare(r)
                             ? " for every variant and difference"
                             : "");
    if (q->met && !cs_report_any_partial(r)) {
        fprintf(out, "met after %u replications\n", q->replications);
        return;
    }
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_study_seq_row *w = r->rows[i].seq;
        if (w != NULL && !w->met && w->half_width > worst) {
            worst = w->half_width;
            at = (long)i;
        }
    }
    fprintf(out, "NOT met after %u replications", q->replications);
    if (at >= 0 && isfinite(worst))
        fprintf(out, " ('%s': %.4g)", seq_name(r, at), worst);
    fprintf(out, "%s\n", cs_report_any_partial(r)
                             ? " (interrupted)"
                             : q->replications >= q->max_replications
                                   ? "; the cap (--max-replications) was "
                                     "reached"
                                   : "");
}

/* --select: what KN selected, what it eliminated and when, and its
** statement of the probability of correct selection. */
static void table_selection(FILE *out, const cs_report *r)
{
    const cs_study_seq_result *q = r->seq;
    char what[192], buf[1024];
    int any = 0;

    seq_measure(what, sizeof what, q);
    fprintf(out, "selection: Kim and Nelson's KN on %s, indifference zone ",
            what);
    if (q->promise >= 0)
        fprintf(out, "%.6g point%s", q->delta * 100,
                q->delta * 100 == 1 ? "" : "s");
    else
        fprintf(out, "%.6g day%s", q->delta, q->delta == 1 ? "" : "s");
    fprintf(out, ", first stage %u, eta %.4g\n", q->first_stage, q->eta);
    if (q->selected >= 0)
        fprintf(out, "  selected: %s, after %lu replications in all (%u "
                "stages)\n", seq_name(r, q->selected), q->total,
                q->replications);
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_study_seq_row *w = r->rows[i].seq;
        if (w == NULL || w->out_at == 0)
            continue;
        fprintf(out, "%s%s at replication %u (by %s)",
                any++ ? ", " : "  eliminated: ", seq_name(r, (long)i),
                w->out_at, seq_name(r, w->out_by));
    }
    if (any)
        fputc('\n', out);
    cs_report_selection_statement(r, buf, sizeof buf);
    fprintf(out, "  %s\n", buf);
}

cs_status cs_report_table_write(FILE *out, const cs_report *r, cs_error *err)
{
    char name[256];
    shape sh;
    table t;
    int oom = 0, inline_p;

    if (r->nrows == 0) {
        fputs(cs_str_printable(r->scenario_name != NULL ? r->scenario_name
                                                    : "chainsim",
                           name, sizeof name),
          out);
        fputs(": no results\n", out);
        return CS_OK;
    }
    if (shape_init(&sh, r) != 0) {
        free(sh.teams.v);
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                            "out of memory while writing the report");
    }
    table_title(out, r);
    if (r->seq != NULL && r->seq->mode == CS_STUDY_PRECISION)
        table_precision(out, r);
    else if (r->seq != NULL)
        table_selection(out, r);

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
    oom = table_promises(out, &t, r, &sh, inline_p, oom);
    oom |= table_completion(out, &t, r);
    if (sh.any_vs) {
        block_vs(&t, r);
        oom |= emit(out, &t, r);
        if (any_classes_vs(r)) {
            oom |= block_vs_classes(&t, r) != 0;
            oom |= emit(out, &t, r);
        }
        fprintf(out, "%s, %.4g%% intervals\n",
                r->independent
                    ? "differences over replications with independent "
                      "streams (--independent)"
                    : "paired differences over common replications",
                100.0 * cs_report_first_level(r));
        fputs("better/worse: the interval excludes 0; unclear: it spans 0; "
              "same: every difference was 0\n", out);
    }
    oom |= table_teams(out, &t, r, &sh);
    oom |= table_fd(out, &t, r, &sh);
    oom |= table_time(out, &t, r, &sh);
    table_theory(out, r);
    table_interruptions(out, r);
    table_reserved(out, r);
    oom |= table_timeline(out, &t, r);
    table_breaks(out, r);
    table_warnings(out, r);
    if (r->wall_seconds >= 0.0)
        fprintf(out, "\n%.1f s on %u thread%s\n", r->wall_seconds, r->threads,
                r->threads == 1 ? "" : "s");
    free(sh.teams.v);
    if (oom)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                            "out of memory while writing the report");
    return CS_OK;
}

