/*
** report_html.c - the report for the leadership meeting (--report
** FILE.html): one self-contained HTML page, inline CSS and SVG, no script
** and nothing fetched from the network, readable on a projector and in
** print, in a palette safe for colour-blind readers.
**
** What it shows, in order: the verdicts (variants x promises), the
** ranking with each variant's hypothesis, the lead-time distribution per
** class with the promises as targets, the paired differences against the
** baseline (a forest plot), where the time goes per team, the teams'
** utilisation, queue wait and blocked share, the timeline when there is
** one, the sweep when there is one, and a footer that traces the page
** back to its run.  Every chart has a one-line "how to read it".
**
** Rows.  The per-variant sections show the rows of the first sweep point
** (all rows without a sweep); the sweep section shows every point.  Up to
** CS_SVG_NCOLOURS rows get their own colour; a row keeps its colour in
** every chart.  Output depends on the results only (no date, no timing).
*/
#include "chainsim/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/str.h"
#include "chainsim/svg.h"
#include "report_int.h"

#define CHART_W 760.0
#define MAX_SMALL 8          /* small multiples shown per chart kind */

static void esc(FILE *out, const char *s)
{
    cs_svg_escape(out, s);
}

/* ---- rows --------------------------------------------------------------- */

/* "variant" or "variant (path=value, ...)" into buf. */
static const char *row_label(const cs_report *r, const cs_report_row *row,
                             int with_point, char *buf, size_t n)
{
    cs_str_format(buf, n, "%s", cs_report_row_model(row)->variant);
    for (size_t k = 0; with_point && k < r->nvary; k++) {
        const size_t len = strlen(buf);
        cs_str_format(buf + len, n - len, "%s%s=%s", k == 0 ? " (" : ", ",
                      r->vary[k], cs_report_point_value(r, row, k));
    }
    if (with_point && r->nvary > 0) {
        const size_t len = strlen(buf);
        cs_str_format(buf + len, n - len, ")");
    }
    return buf;
}

/* Rows of the first sweep point: [0, n). */
static size_t first_point_rows(const cs_report *r)
{
    size_t n = 1;

    if (r->nrows == 0)
        return 0;
    for (; n < r->nrows; n++) {
        size_t k = 0;
        for (; k < r->nvary; k++)
            if (strcmp(cs_report_point_value(r, &r->rows[0], k),
                       cs_report_point_value(r, &r->rows[n], k)) != 0)
                break;
        if (k < r->nvary)
            break;
    }
    return n;
}

static int promise_named(const cs_model *m, const char *name)
{
    for (int p = 0; p < m->npromises; p++)
        if (strcmp(m->promises[p].name, name) == 0)
            return p;
    return -1;
}

/* Pixels the longest of the n labels needs at the charts' 12px font (an
** upper estimate: no font metrics without a browser), within [60, 380]. */
static double label_room(const char *const *names, int n)
{
    size_t most = 0;

    for (int i = 0; i < n; i++) {
        size_t len = 0;
        /* count characters, not the bytes of UTF-8 sequences */
        for (const unsigned char *c = (const unsigned char *)names[i]; *c;
             c++)
            len += (*c & 0xc0) != 0x80;
        if (len > most)
            most = len;
    }
    const double px = 6.8 * (double)most + 16.0;
    return px < 60 ? 60 : px > 380 ? 380 : px;
}

/* ---- formatting --------------------------------------------------------- */

static int is_share(const cs_promise *d)
{
    return d->kind != CS_PROMISE_THROUGHPUT;
}

/* "≥85% within 30 d", "≥40 per 65 d", "≥85% done by day 120". */
static void fmt_target(char *buf, size_t n, const cs_promise *d)
{
    if (d->kind == CS_PROMISE_LEAD_TIME)
        cs_str_format(buf, n, "\xe2\x89\xa5%.4g%% within %.4g d",
                 d->target * 100.0, d->within);
    else if (d->kind == CS_PROMISE_DONE_BY)
        cs_str_format(buf, n, "\xe2\x89\xa5%.4g%% done by day %.6g",
                 d->target * 100.0, d->done_by);
    else
        cs_str_format(buf, n, "\xe2\x89\xa5%.4g per %.4g d", d->target, d->per);
}

/* The achieved level with its interval: "81% [79, 83]", "38.2 [36, 40]". */
static void fmt_achieved(char *buf, size_t n, const cs_promise *d,
                         const cs_ci *c)
{
    const double k = is_share(d) ? 100.0 : 1.0;
    const char *unit = is_share(d) ? "%" : "";
    const int dec = is_share(d) ? 0 : 1;

    if (!cs_report_ci_defined(c)) {
        cs_str_format(buf, n, "-");
        return;
    }
    if (!cs_report_ci_interval(c)) {
        cs_str_format(buf, n, "%.*f%s", dec, cs_report_unsign_zero(c->mean * k),
                 unit);
        return;
    }
    cs_str_format(buf, n, "%.*f%s [%.*f, %.*f]", dec,
             cs_report_unsign_zero(c->mean * k), unit, dec,
             cs_report_unsign_zero((is_share(d) ? fmax(c->lo, 0) : c->lo) * k),
             dec,
             cs_report_unsign_zero((is_share(d) ? fmin(c->hi, 1) : c->hi) * k));
}

static const char *verdict_class(cs_verdict v)
{
    return v == CS_VERDICT_MET ? "met"
           : v == CS_VERDICT_NOT_MET ? "notmet" : "uncertain";
}

/* The verdict with a symbol, so it reads without colour. */
static const char *verdict_text(cs_verdict v)
{
    return v == CS_VERDICT_MET ? "\xe2\x9c\x93 met"
           : v == CS_VERDICT_NOT_MET ? "\xe2\x9c\x97 not met"
                                     : "? uncertain";
}

/* A mean with its interval in days: "12.3 d [11.9, 12.8]". */
static void fmt_days(char *buf, size_t n, const cs_ci *c)
{
    if (!cs_report_ci_defined(c))
        cs_str_format(buf, n, "-");
    else if (!cs_report_ci_interval(c))
        cs_str_format(buf, n, "%.1f d", cs_report_unsign_zero(c->mean));
    else
        cs_str_format(buf, n, "%.1f d [%.1f, %.1f]", cs_report_unsign_zero(c->mean),
                 cs_report_unsign_zero(c->lo), cs_report_unsign_zero(c->hi));
}

/* ---- page --------------------------------------------------------------- */

static void page_head(FILE *out, const cs_report *r)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\">\n<title>chainsim: ", out);
    esc(out, r->scenario_name);
    fputs("</title>\n<style>\n"
          "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,"
          "'Helvetica Neue',Arial,sans-serif;color:#1a1a1a;background:#fff;"
          "margin:0 auto;padding:1.5rem;max-width:1100px;line-height:1.4;"
          "font-size:17px}\n"
          "h1{font-size:1.7rem;margin:.2rem 0}h2{font-size:1.3rem;"
          "margin:2rem 0 .4rem;border-bottom:2px solid #ddd}"
          "h3{font-size:1.05rem;margin:1rem 0 .2rem}\n"
          "p.how{color:#444;font-style:italic;margin:.2rem 0 .6rem}\n"
          "table{border-collapse:collapse;margin:.4rem 0;max-width:100%}"
          "th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;"
          "vertical-align:top}th{background:#f2f2f2}\n"
          "td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
          "td.met{background:#d6e9f8}td.notmet{background:#f9dccb;"
          "font-weight:bold}td.uncertain{background:#eee}\n"
          ".wrap{overflow-x:auto;max-width:100%}\n"
          "svg.chart{max-width:100%;height:auto;display:block;margin:.3rem 0}"
          "\nsvg text{font-size:12px;fill:#1a1a1a}"
          "svg .axislabel{font-size:13px}svg .marklabel{font-size:11px}"
          "svg .title{font-size:13px;font-weight:bold}\n"
          "svg .grid{stroke:#e5e5e5}svg .tick,svg .domain{stroke:#555}"
          "svg .zero{stroke:#555;stroke-dasharray:2 2}\n"
          "svg .target{stroke:#000;stroke-width:1.5;stroke-dasharray:6 3}"
          "svg .targetpt{fill:#fff;stroke:#000;stroke-width:1.5}\n"
          "svg .whisker{stroke-width:2}svg .bottleneck{stroke:#000;"
          "stroke-width:2}\n", out);
    /* series colours: stroke for lines, fill for bars and dots */
    for (int i = 0; i < CS_SVG_NCOLOURS; i++)
        fprintf(out,
                "svg .s%d{stroke:%s;stroke-width:2.2}svg .f%d{fill:%s}"
                "svg .c%d .whisker{stroke:%s}svg .c%d .estimate{fill:%s}\n",
                i, cs_svg_colour(i), i, cs_svg_colour(i), i, cs_svg_colour(i),
                i, cs_svg_colour(i));
    fputs("svg .s6{stroke-dasharray:8 3}svg .s7{stroke-dasharray:2 2}\n"
          ".key{display:inline-block;width:.9em;height:.9em;"
          "vertical-align:middle;margin-right:.3em;border:1px solid #555}\n"
          "footer{margin-top:2.5rem;border-top:2px solid #ddd;color:#444;"
          "font-size:.85rem}footer code{word-break:break-all}\n"
          "@media print{body{font-size:11pt;max-width:none;padding:0}"
          "section{break-inside:avoid}h2{break-after:avoid}}\n"
          "</style>\n</head>\n<body>\n", out);
}

static void legend(FILE *out, const cs_report *r, size_t n)
{
    char buf[256];

    fputs("<p class=\"legend\">", out);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "<span class=\"key\" style=\"background:%s\"></span>",
                cs_svg_colour((int)i));
        esc(out, row_label(r, &r->rows[i], 0, buf, sizeof buf));
        fputs(i + 1 < n ? " &nbsp; " : "", out);
    }
    fputs("</p>\n", out);
}

static void how(FILE *out, const char *text)
{
    fputs("<p class=\"how\">How to read it: ", out);
    esc(out, text);
    fputs("</p>\n", out);
}

/* ---- verdicts and ranking ---------------------------------------------- */

/* The union of promise names over the rows, in order of appearance. */
static int promise_columns(cs_report_names *ns, const cs_report *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const cs_model *m = cs_report_row_model(&r->rows[i]);
        for (int p = 0; p < m->npromises; p++)
            if (cs_report_names_add(ns, m->promises[p].name) != 0)
                return -1;
    }
    return 0;
}

static int section_verdicts(FILE *out, const cs_report *r, size_t n)
{
    cs_report_names ns = {NULL, 0};
    char buf[256];

    if (promise_columns(&ns, r, n) != 0) {
        free(ns.v);
        return -1;
    }
    fputs("<section id=\"verdicts\">\n<h2>Verdicts</h2>\n", out);
    if (ns.n == 0) {
        fputs("<p>The scenario makes no promise.</p>\n</section>\n", out);
        free(ns.v);
        return 0;
    }
    how(out, "each cell is one promise in one variant: the level achieved "
             "with its 95% confidence interval; met when the whole interval "
             "is at or above the target, not met when it is below, "
             "uncertain when it spans the target (more replications may "
             "decide it).");
    fputs("<div class=\"wrap\"><table class=\"verdicts\">\n<tr><th>Variant"
          "</th>", out);
    for (size_t k = 0; k < ns.n; k++) {
        const cs_model *m0 = NULL;
        int p = -1;
        for (size_t i = 0; i < n && p < 0; i++) {
            m0 = cs_report_row_model(&r->rows[i]);
            p = promise_named(m0, ns.v[k]);
        }
        fputs("<th>", out);
        esc(out, ns.v[k]);
        if (p >= 0 && m0 != NULL) {
            fmt_target(buf, sizeof buf, &m0->promises[p]);
            fputs("<br><small>", out);
            esc(out, buf);
            fputs("</small>", out);
        }
        fputs("</th>", out);
    }
    fputs("</tr>\n", out);
    for (size_t i = 0; i < n; i++) {
        const cs_summary *s = r->rows[i].summary;
        fputs("<tr><th>", out);
        esc(out, row_label(r, &r->rows[i], 1, buf, sizeof buf));
        fputs("</th>", out);
        for (size_t k = 0; k < ns.n; k++) {
            const int p = promise_named(s->model, ns.v[k]);
            if (p < 0) {
                fputs("<td>-</td>", out);
                continue;
            }
            fmt_achieved(buf, sizeof buf, &s->model->promises[p],
                         &s->promises[p].achieved);
            fprintf(out, "<td class=\"%s\">",
                    verdict_class(s->promises[p].verdict));
            esc(out, verdict_text(s->promises[p].verdict));
            fputs("<br>", out);
            esc(out, buf);
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</table></div>\n</section>\n", out);
    free(ns.v);
    return 0;
}

static int section_ranking(FILE *out, const cs_report *r, size_t n)
{
    unsigned *rank = cs_report_ranks_new(r);
    char buf[256];

    if (rank == NULL)
        return -1;
    fputs("<section id=\"ranking\">\n<h2>Ranking</h2>\n", out);
    how(out, "variants ranked by the baseline's promises: most met, then "
             "fewest not met, then the largest worst margin over the "
             "targets, then the lowest total cost per day.");
    fputs("<div class=\"wrap\"><table class=\"ranking\">\n<tr><th>Rank</th>"
          "<th>Variant</th><th>Hypothesis</th><th>Met / uncertain / not met"
          "</th><th>Mean lead time</th><th>Cost per day</th></tr>\n", out);
    /* in rank order */
    for (unsigned want = 1; want <= n; want++)
        for (size_t i = 0; i < n; i++) {
            const cs_summary *s = r->rows[i].summary;
            int met, unc, not_met;
            if (rank[i] != want)
                continue;
            cs_report_count_verdicts(s, &met, &unc, &not_met);
            fprintf(out, "<tr><td class=\"num\">%u</td><td>", rank[i]);
            esc(out, row_label(r, &r->rows[i], 1, buf, sizeof buf));
            fputs("</td><td>", out);
            esc(out, s->model->hypothesis != NULL ? s->model->hypothesis
                                                  : "-");
            fprintf(out, "</td><td class=\"num\">%d / %d / %d</td>", met, unc,
                    not_met);
            fmt_days(buf, sizeof buf, &s->lead_time);
            fputs("<td class=\"num\">", out);
            esc(out, buf);
            fprintf(out, "</td><td class=\"num\">%.0f</td></tr>\n",
                    cs_report_unsign_zero(cs_report_total_cost(s)));
        }
    fputs("</table></div>\n</section>\n", out);
    free(rank);
    return 0;
}

/* ---- lead-time distributions -------------------------------------------- */

/* The distribution's points of class c (-1: all work) of s, or NULL. */
static const double *cdf_of(const cs_summary *s, const char *cls)
{
    if (cls == NULL)
        return s->lt_n > 0 ? s->cdf : NULL;
    const int c = cs_model_class_index(s->model, cls);
    return c >= 0 && s->classes[c].n > 0 ? s->classes[c].cdf : NULL;
}

/* Whether lead-time promise p of m covers exactly what the chart shows. */
static int promise_on(const cs_model *m, int p, const char *cls)
{
    const cs_promise *d = &m->promises[p];

    if (d->kind != CS_PROMISE_LEAD_TIME)
        return 0;
    if (cls == NULL)
        return d->work == -1;
    const int c = cs_model_class_index(m, cls);
    return c >= 0 && cs_model_promise_covers(d, c) && d->work != -1;
}

static void chart_cdf(FILE *out, const cs_report *r, size_t n,
                      const char *cls)
{
    const cs_model *m0 = cs_report_row_model(&r->rows[0]);
    double xmax = 0, y[CS_SUMMARY_NCDF];
    cs_svg_plot p;
    char buf[256];
    int ntarget = 0;

    for (size_t i = 0; i < n; i++) {
        const double *q = cdf_of(r->rows[i].summary, cls);
        /* to the 99th percentile: the longest tail would squash the rest */
        if (q != NULL && isfinite(q[CS_SUMMARY_NCDF - 2]))
            xmax = fmax(xmax, q[CS_SUMMARY_NCDF - 2]);
    }
    for (int k = 0; k < m0->npromises; k++)
        if (promise_on(m0, k, cls))
            xmax = fmax(xmax, m0->promises[k].within * 1.15);
    for (int k = 0; k < CS_SUMMARY_NCDF; k++)
        y[k] = k / (double)(CS_SUMMARY_NCDF - 1);
    fputs("<h3>", out);
    esc(out, cls != NULL ? cls : "all work");
    fputs("</h3>\n", out);
    cs_svg_plot_init(&p, 64, 14, CHART_W - 90, 250, 0, xmax, 0, 1);
    cs_svg_plot_nice(&p, 8);
    cs_str_format(buf, sizeof buf, "Lead-time distribution: %s",
             cls != NULL ? cls : "all work");
    cs_svg_begin(out, CHART_W, 320, "chart cdf", buf);
    cs_svg_plot_xaxis(out, &p, 8, "lead time (days)");
    cs_svg_plot_yaxis(out, &p, 6, "share done within");
    for (size_t i = 0; i < n && i < CS_SVG_NCOLOURS; i++) {
        const double *q = cdf_of(r->rows[i].summary, cls);
        char sc[8];
        if (q == NULL)
            continue;
        cs_str_format(sc, sizeof sc, "s%zu", i);
        cs_svg_group(out, "series", cs_report_row_model(&r->rows[i])->variant);
        cs_svg_plot_steps(out, &p, q, y, CS_SUMMARY_NCDF, sc);
        cs_svg_group_end(out);
    }
    for (int k = 0; k < m0->npromises; k++) {
        const cs_promise *d = &m0->promises[k];
        if (!promise_on(m0, k, cls))
            continue;
        cs_str_format(buf, sizeof buf, "%s: %.4g%% within %.4g d", d->name,
                 d->target * 100, d->within);
        cs_svg_group(out, "promise", d->name);
        cs_svg_plot_vline(out, &p, d->within, "target", buf);
        cs_svg_circle(out, cs_svg_plot_x(&p, d->within),
                      cs_svg_plot_y(&p, d->target), 5, "targetpt", buf);
        cs_svg_group_end(out);
        ntarget++;
    }
    cs_svg_end(out);
    (void)ntarget;
}

static int section_lead_time(FILE *out, const cs_report *r, size_t n)
{
    const cs_model *m0 = cs_report_row_model(&r->rows[0]);
    cs_report_names ns = {NULL, 0};

    if (cs_report_names_collect(&ns, r, 1) != 0) {
        free(ns.v);
        return -1;
    }
    fputs("<section id=\"leadtime\">\n<h2>Lead time</h2>\n", out);
    how(out, "each line is a variant; at a number of days it shows the "
             "share of items done within that time (further left is "
             "faster). A dashed line marks a lead-time promise's limit and "
             "the circle its target share: a promise is kept where the "
             "line passes above its circle.");
    legend(out, r, n < CS_SVG_NCOLOURS ? n : CS_SVG_NCOLOURS);
    chart_cdf(out, r, n, NULL);
    if (m0->nclasses > 1 || ns.n > 1)
        for (size_t k = 0; k < ns.n; k++)
            chart_cdf(out, r, n, ns.v[k]);
    fputs("</section>\n", out);
    free(ns.v);
    return 0;
}

/* ---- paired differences ------------------------------------------------- */

typedef struct frow {
    char label[200];
    cs_ci ci;
    int colour;
} frow;

static void chart_forest(FILE *out, const frow *f, int nf, const char *unit,
                         double scale, const char *title)
{
    double lo = 0, hi = 0;
    cs_svg_plot p;
    const char **names = calloc((size_t)(nf > 0 ? nf : 1), sizeof *names);
    const double h = 26.0 * nf;

    if (names == NULL)
        return;
    for (int i = 0; i < nf; i++) {
        names[i] = f[i].label;
        if (cs_report_ci_interval(&f[i].ci)) {
            lo = fmin(lo, f[i].ci.lo * scale);
            hi = fmax(hi, f[i].ci.hi * scale);
        } else if (cs_report_ci_defined(&f[i].ci)) {
            lo = fmin(lo, f[i].ci.mean * scale);
            hi = fmax(hi, f[i].ci.mean * scale);
        }
    }
    const double left = label_room(names, nf);
    cs_svg_plot_init(&p, left, 10, CHART_W - left - 30, h, lo, hi, 0, nf);
    cs_svg_plot_nice(&p, 7);
    p.ylo = 0;
    p.yhi = nf;
    cs_svg_begin(out, CHART_W, h + 56, "chart forest", title);
    cs_svg_plot_xaxis(out, &p, 7, unit);
    cs_svg_plot_ybands(out, &p, names, nf);
    cs_svg_plot_vline(out, &p, 0.0, "zero", NULL);
    for (int i = 0; i < nf; i++) {
        char cls[8], tip[96];
        const cs_ci *c = &f[i].ci;
        cs_str_format(cls, sizeof cls, "c%d", f[i].colour);
        cs_str_format(tip, sizeof tip, "%.3g [%.3g, %.3g]", c->mean * scale,
                 c->lo * scale, c->hi * scale);
        if (cs_report_ci_interval(c))
            cs_svg_plot_interval(out, &p, nf - i - 0.5, c->lo * scale,
                                 c->mean * scale, c->hi * scale, cls, tip);
    }
    cs_svg_end(out);
    free(names);
}

static int section_forest(FILE *out, const cs_report *r, size_t n)
{
    frow *lt = calloc(n * 16 + 1, sizeof *lt);
    frow *pr = calloc(n * 16 + 1, sizeof *pr);
    int nlt = 0, npr = 0, cap = (int)n * 16;
    char buf[200];

    if (lt == NULL || pr == NULL) {
        free(lt);
        free(pr);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const cs_comparison *c = r->rows[i].vs;
        const cs_model *m = cs_report_row_model(&r->rows[i]);
        const int col = (int)(i % CS_SVG_NCOLOURS);
        if (c == NULL)
            continue;
        row_label(r, &r->rows[i], 0, buf, sizeof buf);
        /* rows without an interval (no lead times paired) are left out */
        if (nlt < cap && cs_report_ci_interval(&c->lead_time_mean)) {
            cs_str_format(lt[nlt].label, sizeof lt[nlt].label, "%s: all work", buf);
            lt[nlt].ci = c->lead_time_mean;
            lt[nlt++].colour = col;
        }
        for (int k = 0; k < c->nclasses && m->nclasses > 1 && nlt < cap; k++) {
            if (!cs_report_ci_interval(&c->classes[k]))
                continue;
            cs_str_format(lt[nlt].label, sizeof lt[nlt].label, "%s: %s", buf,
                     m->classes[k].name);
            lt[nlt].ci = c->classes[k];
            lt[nlt++].colour = col;
        }
        for (int k = 0; k < c->npromises && k < m->npromises && npr < cap;
             k++) {
            if (!is_share(&m->promises[k]) ||
                !cs_report_ci_interval(&c->promise[k]))
                continue;
            cs_str_format(pr[npr].label, sizeof pr[npr].label, "%s: %s", buf,
                     m->promises[k].name);
            pr[npr].ci = c->promise[k];
            pr[npr++].colour = col;
        }
    }
    if (nlt > 0 || npr > 0) {
        const double level = cs_report_first_level(r);
        char text[512];
        fputs("<section id=\"differences\">\n<h2>Against the baseline</h2>\n",
              out);
        cs_str_format(text, sizeof text,
                 "each row is a variant's difference from the baseline, paired "
                 "replication by replication (common random numbers): the dot "
                 "is the mean difference, the bar its %.4g%% interval%s. A bar "
                 "that crosses the dotted zero line is no clear difference.",
                 level * 100,
                 level > 0.95 + 1e-12
                     ? " (Bonferroni-adjusted over the variants)"
                     : "");
        how(out, text);
        if (nlt > 0)
            chart_forest(out, lt, nlt, "difference in mean lead time (days; "
                                   "below 0 is faster)",
                     1.0, "Lead-time differences against the baseline");
        if (npr > 0)
            chart_forest(out, pr, npr, "difference in promise share "
                                       "(points; above 0 is better)",
                         100.0, "Promise differences against the baseline");
        fputs("</section>\n", out);
    }
    free(lt);
    free(pr);
    return 0;
}

/* ---- where the time goes ------------------------------------------------ */

static const char *const brk_names[4] = {"admission", "hand-off", "queue",
                                         "work"};

/* The longest bar of the breakdown over rows [0, n): one scale for all. */
static double breakdown_max(const cs_report *r, size_t n)
{
    double xmax = 0;

    for (size_t i = 0; i < n; i++) {
        const cs_summary *s = r->rows[i].summary;
        for (int t = 0; s->breakdown != NULL && t < s->model->nteams; t++) {
            const cs_breakdown *b = &s->breakdown[t];
            xmax = fmax(xmax, b->admission + b->handoff + b->queue + b->work);
        }
    }
    return xmax;
}

static void chart_breakdown(FILE *out, const cs_report *r, size_t i,
                            double xmax)
{
    const cs_summary *s = r->rows[i].summary;
    const cs_model *m = s->model;
    const char **names = malloc((size_t)(m->nteams > 0 ? m->nteams : 1) *
                                sizeof *names);
    cs_svg_plot p;
    char buf[256];
    const double h = 24.0 * m->nteams;

    if (names == NULL)
        return;
    for (int t = 0; t < m->nteams; t++)
        names[t] = m->teams[t].name;
    const double left = label_room(names, m->nteams);
    fputs("<h3>", out);
    esc(out, row_label(r, &r->rows[i], 1, buf, sizeof buf));
    fputs("</h3>\n", out);
    cs_svg_plot_init(&p, left, 8, CHART_W - left - 30, h, 0, xmax, 0,
                     m->nteams);
    cs_svg_plot_nice(&p, 7);
    p.ylo = 0;
    p.yhi = m->nteams;
    cs_str_format(buf, sizeof buf, "Where the time goes: %s", m->variant);
    cs_svg_begin(out, CHART_W, h + 52, "chart breakdown", buf);
    cs_svg_plot_xaxis(out, &p, 7, "mean days per item");
    cs_svg_plot_ybands(out, &p, names, m->nteams);
    for (int t = 0; t < m->nteams; t++) {
        const cs_breakdown *b = &s->breakdown[t];
        const double v[4] = {b->admission, b->handoff, b->queue, b->work};
        const double yc = m->nteams - t - 0.5;
        double x = 0;
        for (int k = 0; k < 4; k++) {
            char cls[8], tip[96];
            cs_str_format(cls, sizeof cls, "f%d", k);
            cs_str_format(tip, sizeof tip, "%s, %s: %.2f d", m->teams[t].name,
                     brk_names[k], v[k]);
            if (v[k] > 0)
                cs_svg_plot_bar(out, &p, x, x + v[k], yc - 0.35, yc + 0.35,
                                cls, tip);
            x += v[k];
        }
    }
    cs_svg_end(out);
    free(names);
}

static void section_breakdown(FILE *out, const cs_report *r, size_t n)
{
    fputs("<section id=\"breakdown\">\n<h2>Where the time goes</h2>\n", out);
    how(out, "per team, the mean days an item spends there, split into "
             "waiting for room (admission), hand-off, queue (waiting for a "
             "worker) and work; the bars of all teams add up to the mean "
             "lead time. Long queue or admission bars point at the "
             "constraint.");
    fputs("<p class=\"legend\">", out);
    for (int k = 0; k < 4; k++) {
        fprintf(out, "<span class=\"key\" style=\"background:%s\"></span>%s ",
                cs_svg_colour(k), brk_names[k]);
    }
    fputs("</p>\n", out);
    const double xmax = breakdown_max(r, n);
    for (size_t i = 0; i < n && i < MAX_SMALL; i++)
        if (r->rows[i].summary->breakdown != NULL)
            chart_breakdown(out, r, i, xmax);
    fputs("</section>\n", out);
}

/* ---- teams -------------------------------------------------------------- */

static int section_teams(FILE *out, const cs_report *r, size_t n)
{
    cs_report_names ns = {NULL, 0};
    cs_svg_plot p;
    char buf[256];
    size_t nshow = n < CS_SVG_NCOLOURS ? n : CS_SVG_NCOLOURS;
    const char **names;
    double h;

    if (cs_report_names_collect(&ns, r, 0) != 0) {
        free(ns.v);
        return -1;
    }
    names = ns.v;
    h = 16.0 * (double)(ns.n * nshow) + 10.0 * (double)ns.n;
    fputs("<section id=\"teams\">\n<h2>Teams</h2>\n", out);
    how(out, "utilisation of each team's effective capacity per variant; "
             "the bar with a black outline is the variant's bottleneck (its "
             "busiest team). Near 100% a team's queue grows quickly.");
    legend(out, r, nshow);
    const double left = label_room(names, (int)ns.n);
    cs_svg_plot_init(&p, left, 8, CHART_W - left - 30, h, 0, 1, 0,
                     (double)ns.n);
    cs_svg_begin(out, CHART_W, h + 52, "chart teams", "Utilisation per team");
    cs_svg_plot_xaxis(out, &p, 6, "utilisation");
    cs_svg_plot_ybands(out, &p, names, (int)ns.n);
    for (size_t k = 0; k < ns.n; k++) {
        const double top = (double)ns.n - (double)k - 0.1;
        const double band = 0.8 / (double)nshow;
        for (size_t i = 0; i < nshow; i++) {
            const cs_summary *s = r->rows[i].summary;
            const int t = cs_model_team_index(s->model, names[k]);
            char cls[24], tip[160];
            if (t < 0)
                continue;
            const double u = s->teams[t].utilization.mean;
            cs_str_format(cls, sizeof cls, "f%zu%s", i,
                     t == s->bottleneck ? " bottleneck" : "");
            cs_str_format(tip, sizeof tip, "%s, %s: %.0f%%%s", names[k],
                     s->model->variant, u * 100,
                     t == s->bottleneck ? " (bottleneck)" : "");
            cs_svg_plot_bar(out, &p, 0, fmin(u, 1.0),
                            top - band * (double)(i + 1),
                            top - band * (double)i, cls, tip);
        }
    }
    cs_svg_end(out);
    /* the figures behind it (the reserved share with a joint step) */
    int joint = 0;
    for (size_t i = 0; i < n; i++)
        joint |= cs_model_has_joint(r->rows[i].summary->model);
    fprintf(out, "<div class=\"wrap\"><table class=\"teams\">\n<tr>"
                 "<th>Team</th><th>Variant</th><th>Utilisation</th>%s"
                 "<th>Queue wait</th><th>Blocked share</th><th>WIP</th>"
                 "</tr>\n",
            joint ? "<th>Reserved (joint work)</th>" : "");
    for (size_t k = 0; k < ns.n; k++)
        for (size_t i = 0; i < n; i++) {
            const cs_summary *s = r->rows[i].summary;
            const int t = cs_model_team_index(s->model, names[k]);
            if (t < 0)
                continue;
            const cs_team_summary *ts = &s->teams[t];
            fputs("<tr><td>", out);
            esc(out, names[k]);
            if (t == s->bottleneck)
                fputs(" <strong>(bottleneck)</strong>", out);
            fputs("</td><td>", out);
            esc(out, row_label(r, &r->rows[i], 1, buf, sizeof buf));
            fprintf(out, "</td><td class=\"num\">%.0f%%</td>",
                    cs_report_unsign_zero(ts->utilization.mean * 100));
            if (joint && cs_model_team_joint(s->model, t))
                fprintf(out, "<td class=\"num\">%.0f%%</td>",
                        cs_report_unsign_zero(ts->reserved_fraction.mean *
                                              100));
            else if (joint)
                fputs("<td class=\"num\">-</td>", out);
            fmt_days(buf, sizeof buf, &ts->queue_wait);
            fputs("<td class=\"num\">", out);
            esc(out, buf);
            fprintf(out, "</td><td class=\"num\">%.0f%%</td>"
                         "<td class=\"num\">%.1f</td></tr>\n",
                    cs_report_unsign_zero(ts->blocked_fraction.mean * 100),
                    cs_report_unsign_zero(ts->wip.mean));
        }
    fputs("</table></div>\n</section>\n", out);
    free(ns.v);
    return 0;
}

/* ---- the timeline ------------------------------------------------------- */

enum { TL_DONE, TL_LEAD };

static double period_value(const cs_period_summary *d, int what)
{
    return what == TL_DONE ? d->done.mean
           : d->lead_time.n > 0 ? d->lead_time.mean : NAN;
}

static void chart_periods(FILE *out, const cs_report *r, size_t n, int what)
{
    double xmax = 0, ymax = 0;
    cs_svg_plot p;

    for (size_t i = 0; i < n; i++) {
        const cs_summary *s = r->rows[i].summary;
        for (int k = 0; k < s->nperiods; k++) {
            const double v = period_value(&s->periods[k], what);
            xmax = fmax(xmax, s->periods[k].to);
            if (isfinite(v))
                ymax = fmax(ymax, v);
        }
    }
    cs_svg_plot_init(&p, 64, 14, CHART_W - 90, 220, 0, xmax, 0, ymax);
    cs_svg_plot_nice(&p, 8);
    cs_svg_begin(out, CHART_W, 290, "chart timeline",
                 what == TL_DONE ? "Items done per period"
                                 : "Mean lead time per period");
    cs_svg_plot_xaxis(out, &p, 8, "day");
    cs_svg_plot_yaxis(out, &p, 6, what == TL_DONE ? "items done per period"
                                                  : "mean lead time (days)");
    for (size_t i = 0; i < n && i < CS_SVG_NCOLOURS; i++) {
        const cs_summary *s = r->rows[i].summary;
        double *x = malloc((size_t)(s->nperiods + 1) * sizeof *x);
        double *y = malloc((size_t)(s->nperiods + 1) * sizeof *y);
        char cls[8];
        if (x == NULL || y == NULL) {
            free(x);
            free(y);
            continue;
        }
        for (int k = 0; k < s->nperiods; k++) {
            x[k] = (s->periods[k].from + s->periods[k].to) / 2;
            y[k] = period_value(&s->periods[k], what);
        }
        cs_str_format(cls, sizeof cls, "s%zu", i);
        cs_svg_group(out, "series", s->model->variant);
        cs_svg_plot_series(out, &p, x, y, (size_t)s->nperiods, cls);
        cs_svg_group_end(out);
        free(x);
        free(y);
    }
    cs_svg_end(out);
}

/* WIP per team over time, stacked (cumulative-flow style), for row i. */
static void chart_wip(FILE *out, const cs_report *r, size_t i)
{
    const cs_summary *s = r->rows[i].summary;
    const cs_model *m = s->model;
    const size_t np = (size_t)s->nperiods;
    double *x = malloc((np + 1) * sizeof *x);
    double *lo = calloc(np + 1, sizeof *lo);
    double *hi = calloc(np + 1, sizeof *hi);
    double ymax = 0;
    cs_svg_plot p;
    char buf[256];

    if (x == NULL || lo == NULL || hi == NULL)
        goto done;
    for (size_t k = 0; k < np; k++) {
        double sum = 0;
        x[k] = (s->periods[k].from + s->periods[k].to) / 2;
        for (int t = 0; t < m->nteams; t++)
            sum += s->periods[k].teams[t].wip.mean;
        ymax = fmax(ymax, sum);
    }
    fputs("<h3>", out);
    esc(out, row_label(r, &r->rows[i], 1, buf, sizeof buf));
    fputs("</h3>\n", out);
    cs_svg_plot_init(&p, 64, 14, CHART_W - 90, 200, 0,
                     np > 0 ? s->periods[np - 1].to : 1, 0, ymax);
    cs_svg_plot_nice(&p, 8);
    cs_str_format(buf, sizeof buf, "WIP per team over time: %s", m->variant);
    cs_svg_begin(out, CHART_W, 270, "chart wip", buf);
    cs_svg_plot_xaxis(out, &p, 8, "day");
    cs_svg_plot_yaxis(out, &p, 6, "items in progress");
    for (int t = 0; t < m->nteams; t++) {
        char cls[8];
        for (size_t k = 0; k < np; k++) {
            lo[k] = hi[k];
            hi[k] = lo[k] + s->periods[k].teams[t].wip.mean;
        }
        cs_str_format(cls, sizeof cls, "f%d", t % CS_SVG_NCOLOURS);
        cs_svg_plot_area(out, &p, x, lo, hi, np, cls, m->teams[t].name);
    }
    cs_svg_end(out);
    fputs("<p class=\"legend\">", out);
    for (int t = 0; t < m->nteams; t++) {
        fprintf(out, "<span class=\"key\" style=\"background:%s\"></span>",
                cs_svg_colour(t));
        esc(out, m->teams[t].name);
        fputs(" &nbsp; ", out);
    }
    fputs("</p>\n", out);
done:
    free(x);
    free(lo);
    free(hi);
}

static void section_timeline(FILE *out, const cs_report *r, size_t n)
{
    size_t any = 0;

    for (size_t i = 0; i < n; i++)
        any += r->rows[i].summary->nperiods > 0;
    if (any == 0)
        return;
    fputs("<section id=\"timeline\">\n<h2>Over time</h2>\n", out);
    legend(out, r, n < CS_SVG_NCOLOURS ? n : CS_SVG_NCOLOURS);
    fputs("<h3>Throughput</h3>\n", out);
    how(out, "items done in each period of the timeline, per variant (mean "
             "over the replications); a dip after a change is the cost of "
             "the change, the level after it its gain.");
    chart_periods(out, r, n, TL_DONE);
    fputs("<h3>Lead time per period</h3>\n", out);
    how(out, "mean lead time of the items done in each period: a "
             "reorganisation often shows a J-curve, worse before it gets "
             "better; where a variant's line stays below the baseline's, it "
             "has paid off.");
    chart_periods(out, r, n, TL_LEAD);
    fputs("<h3>Work in progress per team</h3>\n", out);
    how(out, "items in progress at each team, stacked (a cumulative-flow "
             "view): a band that widens is a team where work piles up.");
    for (size_t i = 0; i < n && i < MAX_SMALL; i++)
        if (r->rows[i].summary->nperiods > 0)
            chart_wip(out, r, i);
    fputs("</section>\n", out);
}

/* ---- sweeps ------------------------------------------------------------- */

/* The sweep's figure of s: the baseline's first promise (its name looked
** up in s), else the mean lead time. */
static double sweep_value(const cs_summary *s, const cs_model *m0)
{
    if (m0->npromises > 0) {
        const int p = promise_named(s->model, m0->promises[0].name);
        if (p < 0)
            return NAN;
        const double k = is_share(&s->model->promises[p]) ? 100.0 : 1.0;
        return s->promises[p].achieved.mean * k;
    }
    return s->lead_time.mean;
}

/* Index of value v among the distinct values of axis k (in row order),
** adding it when new; vals has room for r->nrows. */
static int value_index(const char **vals, int *nvals, const char *v)
{
    for (int i = 0; i < *nvals; i++)
        if (strcmp(vals[i], v) == 0)
            return i;
    vals[*nvals] = v;
    return (*nvals)++;
}

/* The distinct variant names in row order. */
static int variant_index(const char **vs, int *nv, const char *v)
{
    return value_index(vs, nv, v);
}

static void heat_colour(double t, char *buf, size_t n)
{
    /* a sequential scale from light yellow to dark blue (cividis-like,
    ** readable with colour-vision deficiencies) */
    static const double stops[5][3] = {{253, 231, 37},  {122, 209, 81},
                                       {34, 168, 132},  {42, 120, 142},
                                       {59, 82, 139}};
    double u;
    int k;

    if (!isfinite(t))
        t = 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    u = t * 4;
    k = (int)u;
    if (k > 3)
        k = 3;
    u -= k;
    cs_str_format(buf, n, "#%02x%02x%02x",
             (unsigned)(stops[k][0] + (stops[k + 1][0] - stops[k][0]) * u),
             (unsigned)(stops[k][1] + (stops[k + 1][1] - stops[k][1]) * u),
             (unsigned)(stops[k][2] + (stops[k + 1][2] - stops[k][2]) * u));
}

static int section_sweep(FILE *out, const cs_report *r)
{
    const cs_model *m0 = cs_report_row_model(&r->rows[0]);
    const char **xv = calloc(r->nrows + 1, sizeof *xv);
    const char **yv = calloc(r->nrows + 1, sizeof *yv);
    const char **vs = calloc(r->nrows + 1, sizeof *vs);
    int nx = 0, ny = 0, nv = 0;
    char buf[256], what[160];
    int rc = -1;

    if (xv == NULL || yv == NULL || vs == NULL)
        goto done;
    for (size_t i = 0; i < r->nrows; i++) {
        value_index(xv, &nx, cs_report_point_value(r, &r->rows[i], 0));
        if (r->nvary > 1)
            value_index(yv, &ny, cs_report_point_value(r, &r->rows[i], 1));
        variant_index(vs, &nv, cs_report_row_model(&r->rows[i])->variant);
    }
    if (m0->npromises > 0)
        cs_str_format(what, sizeof what, "%s (%s)", m0->promises[0].name,
                 is_share(&m0->promises[0]) ? "% achieved" : "achieved");
    else
        cs_str_format(what, sizeof what, "mean lead time (days)");
    fputs("<section id=\"sweep\">\n<h2>Sweep</h2>\n", out);
    if (r->nvary == 1) {
        double *x = malloc((size_t)nx * sizeof *x);
        double *y = malloc((size_t)nx * sizeof *y);
        const char **labels = xv;
        double ymax = 0;
        cs_svg_plot p;
        if (x == NULL || y == NULL) {
            free(x);
            free(y);
            goto done;
        }
        cs_str_format(buf, sizeof buf,
                 "%s over the values of %s, one line per variant%s.", what,
                 r->vary[0],
                 m0->npromises > 0 ? "; the dashed line is the target" : "");
        how(out, buf);
        for (size_t i = 0; i < r->nrows; i++) {
            const double v = sweep_value(r->rows[i].summary, m0);
            if (isfinite(v))
                ymax = fmax(ymax, v);
        }
        if (m0->npromises > 0 && is_share(&m0->promises[0]))
            ymax = 100;
        else if (m0->npromises > 0)
            ymax = fmax(ymax, m0->promises[0].target);
        cs_svg_plot_init(&p, 64, 14, CHART_W - 90, 240, 0, nx, 0, ymax);
        cs_svg_plot_nice(&p, 6);
        p.xlo = 0;
        p.xhi = nx;
        cs_svg_begin(out, CHART_W, 310, "chart sweep", what);
        cs_svg_plot_yaxis(out, &p, 6, what);
        cs_svg_group(out, "axis x", NULL);
        for (int k = 0; k < nx; k++)
            cs_svg_text(out, cs_svg_plot_x(&p, k + 0.5),
                        p.top + p.height + 16, CS_SVG_MIDDLE, "ticklabel",
                        labels[k]);
        cs_svg_line(out, p.left, p.top + p.height, p.left + p.width,
                    p.top + p.height, "domain");
        cs_svg_text(out, p.left + p.width / 2, p.top + p.height + 34,
                    CS_SVG_MIDDLE, "axislabel", r->vary[0]);
        cs_svg_group_end(out);
        if (m0->npromises > 0)
            cs_svg_plot_hline(out, &p,
                              m0->promises[0].target *
                                  (is_share(&m0->promises[0]) ? 100 : 1),
                              "target", "target");
        for (int v = 0; v < nv && v < CS_SVG_NCOLOURS; v++) {
            char cls[8];
            for (int k = 0; k < nx; k++) {
                x[k] = k + 0.5;
                y[k] = NAN;
            }
            for (size_t i = 0; i < r->nrows; i++) {
                if (strcmp(cs_report_row_model(&r->rows[i])->variant, vs[v]))
                    continue;
                const int k =
                    value_index(xv, &nx, cs_report_point_value(r, &r->rows[i],
                                                               0));
                y[k] = sweep_value(r->rows[i].summary, m0);
            }
            cs_str_format(cls, sizeof cls, "s%d", v);
            cs_svg_group(out, "series", vs[v]);
            cs_svg_plot_series(out, &p, x, y, (size_t)nx, cls);
            for (int k = 0; k < nx; k++)
                if (isfinite(y[k])) {
                    cs_str_format(cls, sizeof cls, "f%d", v);
                    cs_str_format(buf, sizeof buf, "%s, %s=%s: %.3g", vs[v],
                             r->vary[0], labels[k], y[k]);
                    cs_svg_circle(out, cs_svg_plot_x(&p, x[k]),
                                  cs_svg_plot_y(&p, y[k]), 3.5, cls, buf);
                }
            cs_svg_group_end(out);
        }
        cs_svg_end(out);
        fputs("<p class=\"legend\">", out);
        for (int v = 0; v < nv && v < CS_SVG_NCOLOURS; v++) {
            fprintf(out, "<span class=\"key\" style=\"background:%s\"></span>",
                    cs_svg_colour(v));
            esc(out, vs[v]);
            fputs(" &nbsp; ", out);
        }
        fputs("</p>\n", out);
        free(x);
        free(y);
    } else if (r->nvary == 2) {
        cs_str_format(buf, sizeof buf,
                 "%s at each pair of values of %s (across) and %s (down); "
                 "darker is higher.", what, r->vary[0], r->vary[1]);
        how(out, buf);
        for (int v = 0; v < nv && v < MAX_SMALL; v++) {
            const double cw = (CHART_W - 200) / nx, ch = 30;
            double lo = INFINITY, hi = -INFINITY;
            for (size_t i = 0; i < r->nrows; i++) {
                const double val = sweep_value(r->rows[i].summary, m0);
                if (isfinite(val)) {
                    lo = fmin(lo, val);
                    hi = fmax(hi, val);
                }
            }
            fputs("<h3>", out);
            esc(out, vs[v]);
            fputs("</h3>\n", out);
            cs_svg_begin(out, CHART_W, ch * ny + 70, "chart heatmap", what);
            for (int k = 0; k < nx; k++)
                cs_svg_text(out, 180 + cw * (k + 0.5), 16, CS_SVG_MIDDLE,
                            "ticklabel", xv[k]);
            for (int k = 0; k < ny; k++)
                cs_svg_text(out, 172, 24 + ch * (k + 0.5) + 4, CS_SVG_END,
                            "ticklabel", yv[k]);
            for (size_t i = 0; i < r->nrows; i++) {
                if (strcmp(cs_report_row_model(&r->rows[i])->variant, vs[v]))
                    continue;
                const int a = value_index(
                    xv, &nx, cs_report_point_value(r, &r->rows[i], 0));
                const int b = value_index(
                    yv, &ny, cs_report_point_value(r, &r->rows[i], 1));
                const double val = sweep_value(r->rows[i].summary, m0);
                char colour[16], tip[200], txt[32];
                heat_colour(hi > lo ? (val - lo) / (hi - lo) : 0.5, colour,
                            sizeof colour);
                cs_str_format(tip, sizeof tip, "%s=%s, %s=%s: %.3g", r->vary[0],
                         xv[a], r->vary[1], yv[b], val);
                fprintf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
                             "height=\"%.2f\" class=\"cell\" fill=\"%s\">"
                             "<title>",
                        180 + cw * a, 24 + ch * b, cw - 1, ch - 1, colour);
                esc(out, tip);
                fputs("</title></rect>\n", out);
                cs_str_format(txt, sizeof txt, "%.3g", val);
                cs_svg_text(out, 180 + cw * (a + 0.5), 24 + ch * (b + 0.5) + 4,
                            CS_SVG_MIDDLE,
                            hi > lo && (val - lo) / (hi - lo) > 0.6
                                ? "celltext dark" : "celltext",
                            isfinite(val) ? txt : "-");
            }
            cs_svg_text(out, 180 + (CHART_W - 200) / 2, ch * ny + 50,
                        CS_SVG_MIDDLE, "axislabel", r->vary[0]);
            cs_svg_text(out, 4, 14, CS_SVG_START, "axislabel", r->vary[1]);
            cs_svg_end(out);
        }
    } else {
        fputs("<p>A sweep over more than two settings is shown in the "
              "table, CSV and JSON outputs only.</p>\n", out);
    }
    fputs("</section>\n", out);
    rc = 0;
done:
    free(xv);
    free(yv);
    free(vs);
    return rc;
}

/* ---- footer ------------------------------------------------------------- */

static void page_foot(FILE *out, const cs_report *r)
{
    const cs_summary *s = r->rows[0].summary;

    fputs("<footer>\n<p>Scenario <strong>", out);
    esc(out, r->scenario_name);
    fputs("</strong>", out);
    if (r->scenario_file != NULL) {
        fputs(" (", out);
        esc(out, r->scenario_file);
        fputs(")", out);
    }
    if (r->scenario_hash != NULL) {
        fputs(", FNV-1a hash ", out);
        esc(out, r->scenario_hash);
    }
    fprintf(out, ". Seed %llu, %u replications, horizon %.6g d, warm-up "
                 "%.6g d%s. chainsim %s.</p>\n",
            (unsigned long long)r->seed, s->replications, s->horizon,
            s->warmup, cs_report_any_partial(r) ? ", partial (interrupted)"
                                                : "",
            CS_VERSION);
    if (r->command_line != NULL) {
        fputs("<p>Command: <code>", out);
        esc(out, r->command_line);
        fputs("</code></p>\n", out);
    }
    fputs("</footer>\n", out);
}

/* ---- the page ----------------------------------------------------------- */

/* --precision or --select: what the procedure decided, in a sentence. */
static void page_sequential(FILE *out, const cs_report *r)
{
    const cs_study_seq_result *q = r->seq;
    char buf[1024];

    if (q->mode == CS_STUDY_SELECT) {
        cs_report_selection_statement(r, buf, sizeof buf);
        fputs("<p><strong>Selection:</strong> ", out);
        esc(out, buf);
        fprintf(out, " (%lu replications in all).</p>\n", q->total);
        return;
    }
    fputs("<p><strong>Precision:</strong> the 95% half-width of ", out);
    if (q->promise >= 0) {
        fputs("promise &#39;", out);
        esc(out, q->measure);
        fputs("&#39;", out);
    } else {
        fputs("the mean lead time", out);
    }
    if (q->relative)
        fprintf(out, " at most %.6g%% of the mean", q->precision * 100);
    else
        fprintf(out, " at most %.6g", q->precision);
    fprintf(out, ": %s after %u replications.</p>\n",
            q->met && !cs_report_any_partial(r) ? "met" : "not met",
            q->replications);
}

cs_status cs_report_html_write(FILE *out, const cs_report *r, cs_error *err)
{
    const size_t n = first_point_rows(r);
    const cs_model *m0;

    if (r->nrows == 0)
        return CS_OK;
    m0 = cs_report_row_model(&r->rows[0]);
    page_head(out, r);
    fputs("<header>\n<h1>", out);
    esc(out, r->scenario_name);
    fputs("</h1>\n", out);
    if (m0->description != NULL) {
        fputs("<p>", out);
        esc(out, m0->description);
        fputs("</p>\n", out);
    }
    if (r->nvary > 0 && n < r->nrows) {
        char buf[256];
        fputs("<p>The sections up to the sweep show its first point: ", out);
        esc(out, row_label(r, &r->rows[0], 1, buf, sizeof buf));
        fputs(".</p>\n", out);
    }
    if (cs_report_any_partial(r))
        fputs("<p><strong>Partial results: the run was interrupted."
              "</strong></p>\n", out);
    if (r->seq != NULL)
        page_sequential(out, r);
    fputs("</header>\n", out);
    if (section_verdicts(out, r, n) != 0 || section_ranking(out, r, n) != 0 ||
        section_lead_time(out, r, n) != 0 || section_forest(out, r, n) != 0)
        goto nomem;
    section_breakdown(out, r, n);
    if (section_teams(out, r, n) != 0)
        goto nomem;
    section_timeline(out, r, n);
    if (r->nvary > 0 && section_sweep(out, r) != 0)
        goto nomem;
    page_foot(out, r);
    fputs("</body>\n</html>\n", out);
    return CS_OK;
nomem:
    return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
}
