/*
** report_sensitivity.c - "chainsim sensitivity" as a table, CSV or JSON
** (report_sensitivity.h).  Gains are kept as fractions in CSV and JSON
** (as every share in the results) and shown in percentage points in the
** table.
*/
#include "chainsim/report_sensitivity.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "chainsim/model.h"
#include "chainsim/str.h"
#include "chainsim/summary.h"
#include "chainsim/svg.h"

#define NCOLS 8
#define CELL 96

static cs_status no_memory(cs_error *err)
{
    return cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                        "out of memory while writing the report");
}

static int defined(const cs_ci *c)
{
    return c->n > 0 && isfinite(c->mean);
}

static int has_interval(const cs_ci *c)
{
    return c->valid && c->n >= 2 && isfinite(c->lo) && isfinite(c->hi);
}

static double unsign(double x)
{
    return x == 0.0 ? 0.0 : x;
}

/* Gain per unit of added cost per day; NaN for a change that adds none. */
static double gain_per_cost(const cs_sens_change *c)
{
    return c->added_cost > 0 && defined(&c->promise_gain)
               ? c->promise_gain.mean / c->added_cost : NAN;
}

/* "3 → 4", "0.8 → 0.9", "0.5d → none". */
static void fmt_setting(char *buf, size_t n, const cs_sens_change *c)
{
    if (c->kind == CS_SENS_NO_HANDOFF)
        snprintf(buf, n, "%.3gd → none", c->from);
    else
        snprintf(buf, n, "%.3g → %.3g", c->from, c->to);
}

static const char *change_word(cs_sens_kind k)
{
    return k == CS_SENS_WIP_DOWN || k == CS_SENS_WIP_UP
               ? "wip limit" : cs_sensitivity_kind_name(k);
}

/* ---- table ------------------------------------------------------------ */

typedef struct grid {
    char (*cell)[NCOLS][CELL];
    size_t nrows;
    size_t width[NCOLS];
} grid;

/* Width in characters (UTF-8 continuation bytes do not count). */
static size_t text_width(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void grid_print(FILE *out, const grid *g, size_t ncols)
{
    for (size_t r = 0; r < g->nrows; r++) {
        for (size_t k = 0; k < ncols; k++) {
            const char *s = g->cell[r][k];
            fputs(s, out);
            if (k + 1 < ncols)
                for (size_t w = text_width(s); w < g->width[k] + 2; w++)
                    fputc(' ', out);
        }
        fputc('\n', out);
    }
}

static void set_cell(grid *g, size_t r, size_t k, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void set_cell(grid *g, size_t r, size_t k, const char *fmt, ...)
{
    va_list ap;
    size_t w;

    va_start(ap, fmt);
    vsnprintf(g->cell[r][k], CELL, fmt, ap);
    va_end(ap);
    w = text_width(g->cell[r][k]);
    if (w > g->width[k])
        g->width[k] = w;
}

/* x to one decimal, never "-0.0". */
static double one_decimal(double x)
{
    return unsign(round(x * 10.0) / 10.0);
}

/* "+12.1 [8.0, 16.2]" of x scaled; "-" when undefined. */
static void ci_text(char *buf, size_t n, const cs_ci *c, double scale)
{
    if (!defined(c))
        snprintf(buf, n, "-");
    else if (!has_interval(c))
        snprintf(buf, n, "%+.1f", one_decimal(c->mean * scale));
    else
        snprintf(buf, n, "%+.1f [%.1f, %.1f]", one_decimal(c->mean * scale),
                 one_decimal(c->lo * scale), one_decimal(c->hi * scale));
}

static void esc(FILE *out, const char *s);

/* The baseline's line; html: names escaped for HTML. */
static void baseline_line(FILE *out, const cs_sensitivity *sv, int html);

static void table_baseline(FILE *out, const cs_sensitivity *sv)
{
    baseline_line(out, sv, 0);
}

static void baseline_line(FILE *out, const cs_sensitivity *sv, int html)
{
    const cs_summary *const b = sv->base_summary;
    const cs_model *const m = sv->base;
    char buf[256];

    fputs("baseline: lead time ", out);
    if (defined(&b->lead_time))
        fprintf(out, "%.3gd", b->lead_time.mean);
    else
        fputs("-", out);
    for (int p = 0; p < m->npromises; p++) {
        const cs_promise_summary *const ps = &b->promises[p];
        fputs("; ", out);
        if (html)
            esc(out, m->promises[p].name);
        else
            fputs(cs_str_printable(m->promises[p].name, buf, sizeof buf),
                  out);
        fputc(' ', out);
        if (!defined(&ps->achieved))
            fputs("-", out);
        else if (m->promises[p].kind == CS_PROMISE_THROUGHPUT)
            fprintf(out, "%.3g (target %g)", ps->achieved.mean, ps->target);
        else
            fprintf(out, "%.0f%% (target %.0f%%)", 100 * ps->achieved.mean,
                    100 * ps->target);
    }
    fprintf(out, "; cost %g/d\n", b->cost_per_day);
}

static int any_cost(const cs_sensitivity *sv)
{
    for (size_t i = 0; i < sv->nrun; i++)
        if (sv->changes[i].added_cost > 0)
            return 1;
    return 0;
}

static cs_status table_write(FILE *out, const cs_sensitivity *sv,
                             cs_error *err)
{
    const cs_model *const m = sv->base;
    const cs_summary *const b = sv->base_summary;
    const int cost = any_cost(sv);
    const size_t ncols = cost ? NCOLS : NCOLS - 1;
    grid g;
    char buf[256];

    memset(&g, 0, sizeof g);
    g.cell = calloc(sv->nrun + 2, sizeof *g.cell);
    if (g.cell == NULL)
        return no_memory(err);
    fprintf(out, "sensitivity: %s  (%u replications, seed %llu, horizon "
            "%gd, warm-up %gd)\n",
            cs_str_printable(m->name, buf, sizeof buf), b->replications,
            (unsigned long long)m->seed, b->horizon, b->warmup);
    fputs("one change at one team at a time, against the baseline with "
          "common random numbers\n", out);
    table_baseline(out, sv);
    fputc('\n', out);
    set_cell(&g, 0, 0, "rank");
    set_cell(&g, 0, 1, "team");
    set_cell(&g, 0, 2, "change");
    set_cell(&g, 0, 3, "from → to");
    set_cell(&g, 0, 4, "cost/d");
    set_cell(&g, 0, 5, "promise gain (pts)");
    set_cell(&g, 0, 6, "lead time gain (d)");
    if (cost)
        set_cell(&g, 0, 7, "pts per 1000/d");
    g.nrows = 1;
    for (size_t i = 0; i < sv->nrun; i++) {
        const cs_sens_change *const c = &sv->changes[sv->order[i]];
        const double gpc = gain_per_cost(c);
        const size_t r = g.nrows++;

        set_cell(&g, r, 0, "%u", c->rank);
        set_cell(&g, r, 1, "%s", cs_str_printable(m->teams[c->team].name,
                                                  buf, sizeof buf));
        set_cell(&g, r, 2, "%s", change_word(c->kind));
        fmt_setting(buf, sizeof buf, c);
        set_cell(&g, r, 3, "%s", buf);
        set_cell(&g, r, 4, c->added_cost > 0 ? "+%g" : "%g",
                 unsign(c->added_cost));
        ci_text(buf, sizeof buf, &c->promise_gain, 100.0);
        set_cell(&g, r, 5, "%s", m->npromises > 0 ? buf : "-");
        ci_text(buf, sizeof buf, &c->lead_gain, 1.0);
        set_cell(&g, r, 6, "%s", buf);
        if (cost) {
            if (isnan(gpc))
                set_cell(&g, r, 7, "%s", c->added_cost > 0 ? "-" : "free");
            else
                set_cell(&g, r, 7, "%+.3g", unsign(gpc * 100.0 * 1000.0));
        }
    }
    grid_print(out, &g, ncols);
    free(g.cell);
    fprintf(out, "promise gain: the change in the baseline's promises' "
            "levels, summed (shares in points, throughput in %% of its "
            "target); lead time gain: days shorter; paired %.4g%% "
            "intervals over common replications\n", 100.0 * sv->level);
    fputs(cost ? "ranked by promise gain per unit of added cost, then lead "
                 "time gain, a gain whose interval spans 0 counting as none; "
                 "a change that adds no cost (free) comes first when it "
                 "surely gains\n"
               : "ranked by promise gain, then lead time gain, a gain whose "
                 "interval spans 0 counting as none (no change adds cost)\n",
          out);
    if (sv->partial)
        fputs("partial: interrupted before every change was run\n", out);
    return CS_OK;
}

/* ---- CSV -------------------------------------------------------------- */

static void csv_num(FILE *out, double x)
{
    if (isfinite(x))
        fprintf(out, ",%.10g", unsign(x));
    else
        fputc(',', out);
}

static void csv_ci(FILE *out, const cs_ci *c)
{
    csv_num(out, defined(c) ? c->mean : NAN);
    csv_num(out, has_interval(c) ? c->lo : NAN);
    csv_num(out, has_interval(c) ? c->hi : NAN);
}

static cs_status csv_write(FILE *out, const cs_sensitivity *sv,
                           int no_header)
{
    const cs_model *const m = sv->base;

    if (!no_header)
        fputs("rank,team,change,from,to,set,added_cost_per_day,"
              "promise_gain,promise_gain_lo,promise_gain_hi,"
              "lead_time_gain,lead_time_gain_lo,lead_time_gain_hi,"
              "gain_per_cost,lead_time_mean,baseline_lead_time_mean,"
              "replications,partial\n", out);
    for (size_t i = 0; i < sv->nrun; i++) {
        const cs_sens_change *const c = &sv->changes[sv->order[i]];
        fprintf(out, "%u,", c->rank);
        cs_report_csv_field(out, m->teams[c->team].name);
        fputc(',', out);
        cs_report_csv_field(out, cs_sensitivity_kind_name(c->kind));
        csv_num(out, c->from);
        csv_num(out, c->to);
        fputc(',', out);
        cs_report_csv_field(out, c->assignment);
        csv_num(out, c->added_cost);
        csv_ci(out, &c->promise_gain);
        csv_ci(out, &c->lead_gain);
        csv_num(out, gain_per_cost(c));
        csv_num(out, defined(&c->summary->lead_time)
                         ? c->summary->lead_time.mean : NAN);
        csv_num(out, defined(&sv->base_summary->lead_time)
                         ? sv->base_summary->lead_time.mean : NAN);
        fprintf(out, ",%u,%d\n", c->summary->replications, sv->partial);
    }
    return CS_OK;
}

/* ---- JSON ------------------------------------------------------------- */

typedef struct jctx {
    int oom;
} jctx;

static void put(jctx *j, json_t *o, const char *key, json_t *v)
{
    if (v == NULL || json_object_set_new(o, key, v) != 0)
        j->oom = 1;
}

static void add(jctx *j, json_t *a, json_t *v)
{
    if (v == NULL || json_array_append_new(a, v) != 0)
        j->oom = 1;
}

static json_t *jnum(double x)
{
    return isfinite(x) ? json_real(unsign(x)) : json_null();
}

static json_t *jci(jctx *j, const cs_ci *c)
{
    json_t *a;

    if (!has_interval(c))
        return json_null();
    a = json_array();
    add(j, a, jnum(c->lo));
    add(j, a, jnum(c->hi));
    return a;
}

static json_t *jmean_ci(jctx *j, const cs_ci *c)
{
    json_t *o = json_object();

    put(j, o, "mean", defined(c) ? jnum(c->mean) : json_null());
    put(j, o, "ci95", jci(j, c));
    return o;
}

/* The promises of s, with their differences from the baseline (vs). */
static json_t *json_promises(jctx *j, const cs_model *m, const cs_summary *s,
                             const cs_comparison *vs)
{
    json_t *a = json_array();

    for (int p = 0; p < m->npromises; p++) {
        json_t *o = json_object();
        put(j, o, "name", json_string(m->promises[p].name));
        put(j, o, "target", jnum(s->promises[p].target));
        put(j, o, "achieved", defined(&s->promises[p].achieved)
                                  ? jnum(s->promises[p].achieved.mean)
                                  : json_null());
        put(j, o, "ci95", jci(j, &s->promises[p].achieved));
        put(j, o, "verdict", json_string(cs_summary_verdict_name(
                                 s->promises[p].verdict)));
        if (vs != NULL && p < vs->npromises) {
            put(j, o, "diff", defined(&vs->promise[p])
                                  ? jnum(vs->promise[p].mean) : json_null());
            put(j, o, "diff_ci95", jci(j, &vs->promise[p]));
        }
        add(j, a, o);
    }
    return a;
}

static json_t *json_change(jctx *j, const cs_sensitivity *sv,
                           const cs_sens_change *c)
{
    const cs_model *const m = sv->base;
    json_t *o = json_object();

    put(j, o, "rank", json_integer((json_int_t)c->rank));
    put(j, o, "team", json_string(m->teams[c->team].name));
    put(j, o, "change", json_string(cs_sensitivity_kind_name(c->kind)));
    put(j, o, "from", jnum(c->from));
    put(j, o, "to", jnum(c->to));
    put(j, o, "set", json_string(c->assignment));
    put(j, o, "added_cost_per_day", jnum(c->added_cost));
    put(j, o, "promise_gain", jmean_ci(j, &c->promise_gain));
    put(j, o, "lead_time_gain", jmean_ci(j, &c->lead_gain));
    put(j, o, "gain_per_cost", jnum(gain_per_cost(c)));
    put(j, o, "lead_time_mean", defined(&c->summary->lead_time)
                                    ? jnum(c->summary->lead_time.mean)
                                    : json_null());
    put(j, o, "replications", json_integer(c->summary->replications));
    put(j, o, "promises", json_promises(j, m, c->summary, c->vs));
    return o;
}

static cs_status json_write(FILE *out, const cs_sensitivity *sv,
                            cs_error *err)
{
    const cs_model *const m = sv->base;
    const cs_summary *const b = sv->base_summary;
    jctx j = {0};
    json_t *root = json_object(), *base = json_object(),
           *changes = json_array();
    int rc;

    put(&j, root, "scenario", json_string(m->name));
    put(&j, root, "command", json_string("sensitivity"));
    put(&j, root, "seed", json_integer((json_int_t)m->seed));
    put(&j, root, "replications", json_integer(b->replications));
    put(&j, root, "warmup", jnum(b->warmup));
    put(&j, root, "horizon", jnum(b->horizon));
    put(&j, root, "level", jnum(sv->level));
    put(&j, root, "partial", json_boolean(sv->partial));
    put(&j, base, "lead_time", jmean_ci(&j, &b->lead_time));
    put(&j, base, "cost_per_day", jnum(b->cost_per_day));
    put(&j, base, "promises", json_promises(&j, m, b, NULL));
    put(&j, root, "baseline", base);
    for (size_t i = 0; i < sv->nrun; i++)
        add(&j, changes, json_change(&j, sv, &sv->changes[sv->order[i]]));
    put(&j, root, "changes", changes);
    if (j.oom) {
        json_decref(root);
        return no_memory(err);
    }
    rc = json_dumpf(root, out,
                    JSON_INDENT(2) | JSON_REAL_PRECISION(15) |
                        JSON_PRESERVE_ORDER);
    json_decref(root);
    if (rc != 0 || fputc('\n', out) == EOF)
        return cs_error_set(err, CS_EIO, NULL, 0, 0, "write failed");
    return CS_OK;
}

/* ---- HTML ------------------------------------------------------------- */

#define CHART_W 760.0

static void esc(FILE *out, const char *s)
{
    cs_svg_escape(out, s);
}

/* "team: change from → to", the row's label. */
static void change_label(char *buf, size_t n, const cs_sensitivity *sv,
                         const cs_sens_change *c)
{
    char set[64];

    fmt_setting(set, sizeof set, c);
    snprintf(buf, n, "%s: %s %s", sv->base->teams[c->team].name,
             change_word(c->kind), set);
}

/* A forest plot of one gain of every change run, in rank order. */
static int html_forest(FILE *out, const cs_sensitivity *sv, int lead)
{
    const int n = (int)sv->nrun;
    char (*labels)[128] = calloc((size_t)n + 1, sizeof *labels);
    const char **names = calloc((size_t)n + 1, sizeof *names);
    const double scale = lead ? 1.0 : 100.0, h = 24.0 * n;
    double lo = 0, hi = 0, left = 60;
    cs_svg_plot p;

    if (labels == NULL || names == NULL) {
        free(labels);
        free(names);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        const cs_sens_change *c = &sv->changes[sv->order[i]];
        const cs_ci *g = lead ? &c->lead_gain : &c->promise_gain;
        change_label(labels[i], sizeof labels[i], sv, c);
        names[i] = labels[i];
        if (has_interval(g)) {
            lo = fmin(lo, g->lo * scale);
            hi = fmax(hi, g->hi * scale);
        }
        if (6.8 * (double)text_width(labels[i]) + 16.0 > left)
            left = fmin(380, 6.8 * (double)text_width(labels[i]) + 16.0);
    }
    cs_svg_plot_init(&p, left, 10, CHART_W - left - 30, h, lo, hi, 0, n);
    cs_svg_plot_nice(&p, 7);
    p.ylo = 0;
    p.yhi = n;
    cs_svg_begin(out, CHART_W, h + 56, "chart forest",
                 lead ? "lead time gain per change"
                      : "promise gain per change");
    cs_svg_plot_xaxis(out, &p, 7, lead ? "lead time gain (days shorter)"
                                       : "promise gain (points)");
    cs_svg_plot_ybands(out, &p, names, n);
    cs_svg_plot_vline(out, &p, 0.0, "zero", NULL);
    for (int i = 0; i < n; i++) {
        const cs_sens_change *c = &sv->changes[sv->order[i]];
        const cs_ci *g = lead ? &c->lead_gain : &c->promise_gain;
        char tip[96];
        if (!has_interval(g))
            continue;
        snprintf(tip, sizeof tip, "%.3g [%.3g, %.3g]", g->mean * scale,
                 g->lo * scale, g->hi * scale);
        cs_svg_plot_interval(out, &p, n - i - 0.5, g->lo * scale,
                             g->mean * scale, g->hi * scale,
                             c->added_cost > 0 ? "c0" : "c2", tip);
    }
    cs_svg_end(out);
    free(labels);
    free(names);
    return 0;
}

static void html_head(FILE *out, const cs_sensitivity *sv)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\">\n<title>chainsim sensitivity: ", out);
    esc(out, sv->base->name);
    fputs("</title>\n<style>\n"
          "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,"
          "Arial,sans-serif;color:#1a1a1a;background:#fff;margin:0 auto;"
          "padding:1.5rem;max-width:1100px;line-height:1.4;font-size:17px}\n"
          "h1{font-size:1.7rem;margin:.2rem 0}h2{font-size:1.3rem;"
          "margin:2rem 0 .4rem;border-bottom:2px solid #ddd}\n"
          "p.how{color:#444;font-style:italic}\n"
          "table{border-collapse:collapse;margin:.4rem 0}"
          "th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;"
          "white-space:nowrap}"
          "th{background:#f2f2f2}td.num{text-align:right;"
          "font-variant-numeric:tabular-nums}\n"
          ".wrap{overflow-x:auto;max-width:100%}\n"
          "svg.chart{max-width:100%;height:auto;display:block}"
          "svg text{font-size:12px;fill:#1a1a1a}svg .axislabel{font-size:13px}"
          "svg .grid{stroke:#e5e5e5}svg .tick,svg .domain{stroke:#555}"
          "svg .zero{stroke:#555;stroke-dasharray:2 2}"
          "svg .whisker{stroke-width:2}\n", out);
    for (int i = 0; i < 3; i++)
        fprintf(out, "svg .c%d .whisker{stroke:%s}svg .c%d .estimate{fill:%s}"
                "\n", i, cs_svg_colour(i), i, cs_svg_colour(i));
    fputs("</style>\n</head>\n<body>\n", out);
}

static void html_table(FILE *out, const cs_sensitivity *sv)
{
    const int cost = any_cost(sv);
    char buf[128];

    fputs("<div class=\"wrap\"><table>\n<tr><th>rank</th><th>team</th>"
          "<th>change</th><th>from → to</th><th>cost/d</th>"
          "<th>promise gain (pts)</th><th>lead time gain (d)</th>", out);
    if (cost)
        fputs("<th>pts per 1000/d</th>", out);
    fputs("<th>set</th></tr>\n", out);
    for (size_t i = 0; i < sv->nrun; i++) {
        const cs_sens_change *c = &sv->changes[sv->order[i]];
        const double gpc = gain_per_cost(c);
        fprintf(out, "<tr><td class=\"num\">%u</td><td>", c->rank);
        esc(out, sv->base->teams[c->team].name);
        fprintf(out, "</td><td>%s</td><td>", change_word(c->kind));
        fmt_setting(buf, sizeof buf, c);
        esc(out, buf);
        fprintf(out, "</td><td class=\"num\">%g</td><td class=\"num\">",
                unsign(c->added_cost));
        ci_text(buf, sizeof buf, &c->promise_gain, 100.0);
        esc(out, sv->base->npromises > 0 ? buf : "-");
        fputs("</td><td class=\"num\">", out);
        ci_text(buf, sizeof buf, &c->lead_gain, 1.0);
        esc(out, buf);
        fputs("</td>", out);
        if (cost) {
            if (isnan(gpc))
                fputs(c->added_cost > 0 ? "<td>-</td>" : "<td>free</td>",
                      out);
            else
                fprintf(out, "<td class=\"num\">%+.3g</td>",
                        unsign(gpc * 100.0 * 1000.0));
        }
        fputs("<td><code>", out);
        esc(out, c->assignment);
        fputs("</code></td></tr>\n", out);
    }
    fputs("</table></div>\n", out);
}

static cs_status html_write(FILE *out, const cs_sensitivity *sv,
                            cs_error *err)
{
    const cs_summary *const b = sv->base_summary;

    html_head(out, sv);
    fputs("<h1>Where one more person matters most: ", out);
    esc(out, sv->base->name);
    fprintf(out, "</h1>\n<p>%u replications, seed %llu, horizon %gd, "
            "warm-up %gd. Each change at one team, one at a time, against "
            "the baseline with common random numbers; paired %.4g%% "
            "intervals.%s</p>\n<p>", b->replications,
            (unsigned long long)sv->base->seed, b->horizon, b->warmup,
            100.0 * sv->level,
            sv->partial ? " <strong>Partial: interrupted before every "
                          "change was run.</strong>" : "");
    baseline_line(out, sv, 1);
    fputs("</p>\n<h2>The changes, ranked</h2>\n", out);
    fputs("<p class=\"how\">How to read it: the promise gain is the change "
          "in the baseline's promises' levels, summed (shares in points, "
          "throughput in % of its target); the ranking is by promise gain "
          "per unit of added cost, then lead time gain, a gain whose "
          "interval spans 0 counting as none; a change that adds no cost "
          "comes first when it surely gains.</p>\n", out);
    html_table(out, sv);
    fputs("<h2>Promise gain</h2>\n<p class=\"how\">How to read it: one "
          "row per change in rank order, the dot the mean gain, the bar its "
          "paired interval; blue rows add cost, green ones do not.</p>\n",
          out);
    if (html_forest(out, sv, 0) != 0)
        return no_memory(err);
    fputs("<h2>Lead time gain</h2>\n", out);
    if (html_forest(out, sv, 1) != 0)
        return no_memory(err);
    fputs("<footer><p>chainsim sensitivity</p></footer>\n</body>\n"
          "</html>\n", out);
    return CS_OK;
}

cs_status cs_report_sensitivity_html(FILE *out, const cs_sensitivity *sv,
                                     cs_error *err)
{
    const cs_status st = html_write(out, sv, err);

    if (st != CS_OK)
        return st;
    if (fflush(out) != 0 || ferror(out))
        return cs_error_set(err, CS_EIO, NULL, 0, 0, "write failed");
    return CS_OK;
}

cs_status cs_report_sensitivity_write(FILE *out, cs_format fmt,
                                      const cs_sensitivity *sv,
                                      int no_header, cs_error *err)
{
    cs_status st;

    switch (fmt) {
    case CS_FORMAT_CSV:
        st = csv_write(out, sv, no_header);
        break;
    case CS_FORMAT_JSON:
        st = json_write(out, sv, err);
        break;
    case CS_FORMAT_TABLE:
    default:
        st = table_write(out, sv, err);
        break;
    }
    if (st != CS_OK)
        return st;
    if (fflush(out) != 0 || ferror(out))
        return cs_error_set(err, CS_EIO, NULL, 0, 0, "write failed");
    return CS_OK;
}
