/*
** svg.c - the SVG writer of the HTML report's charts (see svg.h).
**
** Every number goes through num(), two decimals with no negative zero,
** so a chart's bytes depend only on its data.  Marks are written one per
** line, which keeps a report readable in a diff.
*/
#include "chainsim/svg.h"

#include <math.h>
#include <stdio.h>

/* Okabe and Ito (2008), "Color Universal Design": distinguishable with
** protanopia, deuteranopia and tritanopia; black last. */
static const char *const palette[CS_SVG_NCOLOURS] = {
    "#0072B2", "#E69F00", "#009E73", "#CC79A7",
    "#56B4E9", "#D55E00", "#F0E442", "#000000"
};

const char *cs_svg_colour(int i)
{
    if (i < 0)
        i = -i;
    return palette[i % CS_SVG_NCOLOURS];
}

/* v with two decimals, no "-0.00". */
static void num(FILE *out, double v)
{
    if (fabs(v) < 0.005)
        v = 0.0;
    fprintf(out, "%.2f", v);
}

void cs_svg_escape(FILE *out, const char *text)
{
    if (text == NULL)
        return;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        switch (*c) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default:
            fputc(*c < 0x20 || *c == 0x7f ? '?' : *c, out);
        }
    }
}

/* ` class="cls"` when cls is given. */
static void cls_attr(FILE *out, const char *cls)
{
    if (cls == NULL)
        return;
    fputs(" class=\"", out);
    cs_svg_escape(out, cls);
    fputc('"', out);
}

/* Closes an element that may carry a tooltip. */
static void close_tip(FILE *out, const char *name, const char *tip)
{
    if (tip == NULL) {
        fputs("/>\n", out);
        return;
    }
    fputs("><title>", out);
    cs_svg_escape(out, tip);
    fprintf(out, "</title></%s>\n", name);
}

void cs_svg_begin(FILE *out, double width, double height, const char *cls,
                  const char *title)
{
    fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ", out);
    num(out, width);
    fputc(' ', out);
    num(out, height);
    fputs("\" width=\"", out);
    num(out, width);
    fputs("\" height=\"", out);
    num(out, height);
    fputc('"', out);
    cls_attr(out, cls);
    if (title != NULL) {
        fputs(" role=\"img\" aria-label=\"", out);
        cs_svg_escape(out, title);
        fputs("\"><title>", out);
        cs_svg_escape(out, title);
        fputs("</title>\n", out);
    } else {
        fputs(">\n", out);
    }
}

void cs_svg_end(FILE *out)
{
    fputs("</svg>\n", out);
}

void cs_svg_group(FILE *out, const char *cls, const char *data)
{
    fputs("<g", out);
    cls_attr(out, cls);
    if (data != NULL) {
        fputs(" data-series=\"", out);
        cs_svg_escape(out, data);
        fputc('"', out);
    }
    fputs(">\n", out);
}

void cs_svg_group_end(FILE *out)
{
    fputs("</g>\n", out);
}

static int finite4(double a, double b, double c, double d)
{
    return isfinite(a) && isfinite(b) && isfinite(c) && isfinite(d);
}

void cs_svg_line(FILE *out, double x1, double y1, double x2, double y2,
                 const char *cls)
{
    if (!finite4(x1, y1, x2, y2))
        return;
    fputs("<line x1=\"", out);
    num(out, x1);
    fputs("\" y1=\"", out);
    num(out, y1);
    fputs("\" x2=\"", out);
    num(out, x2);
    fputs("\" y2=\"", out);
    num(out, y2);
    fputc('"', out);
    cls_attr(out, cls);
    fputs("/>\n", out);
}

void cs_svg_rect(FILE *out, double x, double y, double w, double h,
                 const char *cls, const char *tip)
{
    if (!finite4(x, y, w, h))
        return;
    if (w < 0) {
        x += w;
        w = -w;
    }
    if (h < 0) {
        y += h;
        h = -h;
    }
    fputs("<rect x=\"", out);
    num(out, x);
    fputs("\" y=\"", out);
    num(out, y);
    fputs("\" width=\"", out);
    num(out, w);
    fputs("\" height=\"", out);
    num(out, h);
    fputc('"', out);
    cls_attr(out, cls);
    close_tip(out, "rect", tip);
}

void cs_svg_circle(FILE *out, double cx, double cy, double r,
                   const char *cls, const char *tip)
{
    if (!finite4(cx, cy, r, 0.0) || r < 0)
        return;
    fputs("<circle cx=\"", out);
    num(out, cx);
    fputs("\" cy=\"", out);
    num(out, cy);
    fputs("\" r=\"", out);
    num(out, r);
    fputc('"', out);
    cls_attr(out, cls);
    close_tip(out, "circle", tip);
}

void cs_svg_text(FILE *out, double x, double y, cs_svg_anchor anchor,
                 const char *cls, const char *text)
{
    static const char *const anchors[] = {"start", "middle", "end"};

    if (!finite4(x, y, 0.0, 0.0) || text == NULL)
        return;
    fputs("<text x=\"", out);
    num(out, x);
    fputs("\" y=\"", out);
    num(out, y);
    fputc('"', out);
    if (anchor != CS_SVG_START)
        fprintf(out, " text-anchor=\"%s\"", anchors[anchor]);
    cls_attr(out, cls);
    fputc('>', out);
    cs_svg_escape(out, text);
    fputs("</text>\n", out);
}

/* One piece [from, to) of finite points, when it has two or more. */
static void piece(FILE *out, const double *x, const double *y, size_t from,
                  size_t to, const char *cls)
{
    if (to - from < 2)
        return;
    fputs("<polyline points=\"", out);
    for (size_t i = from; i < to; i++) {
        if (i > from)
            fputc(' ', out);
        num(out, x[i]);
        fputc(',', out);
        num(out, y[i]);
    }
    fputc('"', out);
    cls_attr(out, cls);
    fputs(" fill=\"none\"/>\n", out);
}

void cs_svg_polyline(FILE *out, const double *x, const double *y, size_t n,
                     const char *cls)
{
    size_t from = 0;

    for (size_t i = 0; i <= n; i++)
        if (i == n || !isfinite(x[i]) || !isfinite(y[i])) {
            piece(out, x, y, from, i, cls);
            from = i + 1;
        }
}

/* ---- ticks ------------------------------------------------------------ */

/* Heckbert's nice number near x > 0: 1, 2, 5 or 10 times a power of ten,
** rounded (round) or at least x. */
static double nice(double x, int round)
{
    const double e = floor(log10(x));
    const double f = x / pow(10.0, e);
    double n;

    if (round)
        n = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    else
        n = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return n * pow(10.0, e);
}

int cs_svg_ticks(double lo, double hi, int target, double *ticks, int max,
                 double *step)
{
    double d, g0;
    long k0, k1;
    int n = 0;

    if (step != NULL)
        *step = 0.0;
    if (!isfinite(lo) || !isfinite(hi) || max < 2)
        return 0;
    if (lo > hi) {
        const double t = lo;
        lo = hi;
        hi = t;
    }
    if (hi - lo < 1e-12 * (fabs(lo) + fabs(hi)) || hi == lo) {
        const double w = lo != 0.0 ? fabs(lo) * 0.5 : 0.5;
        lo -= w;
        hi += w;
    }
    if (target < 2)
        target = 2;
    d = nice(nice(hi - lo, 0) / (target - 1), 1);
    k0 = (long)floor(lo / d + 1e-9);
    k1 = (long)ceil(hi / d - 1e-9);
    if (k1 <= k0)
        k1 = k0 + 1;
    /* too many for the room: coarser steps */
    while (k1 - k0 + 1 > max) {
        d = nice(d * 1.5, 0);
        k0 = (long)floor(lo / d + 1e-9);
        k1 = (long)ceil(hi / d - 1e-9);
    }
    for (long k = k0; k <= k1; k++) {
        g0 = (double)k * d;
        ticks[n++] = fabs(g0) < d * 1e-9 ? 0.0 : g0;
    }
    if (step != NULL)
        *step = d;
    return n;
}

void cs_svg_tick_label(double v, double step, char *buf, size_t n)
{
    int dec = 0;

    if (n == 0)
        return;
    if (step > 0 && isfinite(step)) {
        const double l = -floor(log10(step) + 1e-9);
        dec = l > 0 ? (int)l : 0;
        if (dec > 9)
            dec = 9;
    }
    if (fabs(v) < 0.5 * pow(10.0, -dec))
        v = 0.0;
    snprintf(buf, n, "%.*f", dec, v);
}

/* ---- plots ------------------------------------------------------------ */

static void range_ok(double *lo, double *hi)
{
    if (!isfinite(*lo) || !isfinite(*hi) || !(*lo < *hi)) {
        if (isfinite(*lo) && isfinite(*hi) && *lo == *hi) {
            const double w = *lo != 0.0 ? fabs(*lo) * 0.5 : 0.5;
            *lo -= w;
            *hi += w;
            return;
        }
        *lo = 0.0;
        *hi = 1.0;
    }
}

void cs_svg_plot_init(cs_svg_plot *p, double left, double top, double width,
                      double height, double xlo, double xhi, double ylo,
                      double yhi)
{
    range_ok(&xlo, &xhi);
    range_ok(&ylo, &yhi);
    p->left = left;
    p->top = top;
    p->width = width;
    p->height = height;
    p->xlo = xlo;
    p->xhi = xhi;
    p->ylo = ylo;
    p->yhi = yhi;
}

double cs_svg_plot_x(const cs_svg_plot *p, double x)
{
    return p->left + (x - p->xlo) / (p->xhi - p->xlo) * p->width;
}

double cs_svg_plot_y(const cs_svg_plot *p, double y)
{
    return p->top + p->height - (y - p->ylo) / (p->yhi - p->ylo) * p->height;
}

#define MAX_TICKS 24

void cs_svg_plot_nice(cs_svg_plot *p, int target)
{
    double t[MAX_TICKS];
    int n = cs_svg_ticks(p->xlo, p->xhi, target, t, MAX_TICKS, NULL);

    if (n >= 2) {
        p->xlo = t[0];
        p->xhi = t[n - 1];
    }
    n = cs_svg_ticks(p->ylo, p->yhi, target, t, MAX_TICKS, NULL);
    if (n >= 2) {
        p->ylo = t[0];
        p->yhi = t[n - 1];
    }
}

/* Whether v lies in [lo, hi], up to rounding of the ticks. */
static int within(double v, double lo, double hi)
{
    const double eps = 1e-9 * (hi - lo);

    return v >= lo - eps && v <= hi + eps;
}

void cs_svg_plot_xaxis(FILE *out, const cs_svg_plot *p, int target,
                       const char *label)
{
    double t[MAX_TICKS], step;
    const int n = cs_svg_ticks(p->xlo, p->xhi, target, t, MAX_TICKS, &step);
    const double y = p->top + p->height;
    char buf[48];

    cs_svg_group(out, "axis x", NULL);
    for (int i = 0; i < n; i++) {
        if (!within(t[i], p->xlo, p->xhi))
            continue;
        const double x = cs_svg_plot_x(p, t[i]);
        cs_svg_line(out, x, p->top, x, y, "grid");
        cs_svg_line(out, x, y, x, y + 4, "tick");
        cs_svg_tick_label(t[i], step, buf, sizeof buf);
        cs_svg_text(out, x, y + 16, CS_SVG_MIDDLE, "ticklabel", buf);
    }
    cs_svg_line(out, p->left, y, p->left + p->width, y, "domain");
    if (label != NULL)
        cs_svg_text(out, p->left + p->width / 2, y + 34, CS_SVG_MIDDLE,
                    "axislabel", label);
    cs_svg_group_end(out);
}

void cs_svg_plot_yaxis(FILE *out, const cs_svg_plot *p, int target,
                       const char *label)
{
    double t[MAX_TICKS], step;
    const int n = cs_svg_ticks(p->ylo, p->yhi, target, t, MAX_TICKS, &step);
    char buf[48];

    cs_svg_group(out, "axis y", NULL);
    for (int i = 0; i < n; i++) {
        if (!within(t[i], p->ylo, p->yhi))
            continue;
        const double y = cs_svg_plot_y(p, t[i]);
        cs_svg_line(out, p->left, y, p->left + p->width, y, "grid");
        cs_svg_line(out, p->left - 4, y, p->left, y, "tick");
        cs_svg_tick_label(t[i], step, buf, sizeof buf);
        cs_svg_text(out, p->left - 7, y + 4, CS_SVG_END, "ticklabel", buf);
    }
    cs_svg_line(out, p->left, p->top, p->left, p->top + p->height, "domain");
    if (label != NULL) {
        /* rotated along the axis */
        const double x = p->left - 44, y = p->top + p->height / 2;
        fputs("<text transform=\"translate(", out);
        num(out, x);
        fputc(',', out);
        num(out, y);
        fputs(") rotate(-90)\" text-anchor=\"middle\" class=\"axislabel\">",
              out);
        cs_svg_escape(out, label);
        fputs("</text>\n", out);
    }
    cs_svg_group_end(out);
}

void cs_svg_plot_ybands(FILE *out, const cs_svg_plot *p,
                        const char *const *names, int n)
{
    cs_svg_group(out, "axis y bands", NULL);
    for (int i = 0; i < n; i++) {
        const double y = cs_svg_plot_y(p, n - i - 0.5);
        cs_svg_text(out, p->left - 7, y + 4, CS_SVG_END, "ticklabel",
                    names[i]);
    }
    cs_svg_line(out, p->left, p->top, p->left, p->top + p->height, "domain");
    cs_svg_group_end(out);
}

void cs_svg_plot_series(FILE *out, const cs_svg_plot *p, const double *x,
                        const double *y, size_t n, const char *cls)
{
    double px[64], py[64];
    size_t k = 0;

    /* in pieces of finite points, through a small buffer: a piece longer
    ** than the buffer continues from its last point */
    for (size_t i = 0; i <= n; i++) {
        const int end = i == n || !isfinite(x[i]) || !isfinite(y[i]);
        if (!end) {
            px[k] = cs_svg_plot_x(p, x[i]);
            py[k] = cs_svg_plot_y(p, y[i]);
            k++;
        }
        if (end || k == sizeof px / sizeof px[0]) {
            cs_svg_polyline(out, px, py, k, cls);
            if (!end && k > 0) {
                px[0] = px[k - 1];
                py[0] = py[k - 1];
                k = 1;
            } else {
                k = 0;
            }
        }
    }
}

void cs_svg_plot_steps(FILE *out, const cs_svg_plot *p, const double *x,
                       const double *y, size_t n, const char *cls)
{
    int open = 0;
    double lastx = 0.0, lasty = 0.0;

    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i])) {
            if (open)
                fputs("\"/>\n", out);
            open = 0;
            continue;
        }
        /* a step beyond the plot's x range is drawn at its edge */
        const double px = fmin(fmax(cs_svg_plot_x(p, x[i]), p->left),
                               p->left + p->width);
        const double py = cs_svg_plot_y(p, y[i]);
        if (!open) {
            fputs("<path", out);
            cls_attr(out, cls);
            fputs(" fill=\"none\" d=\"M", out);
            num(out, px);
            fputc(' ', out);
            num(out, py);
            open = 1;
        } else {
            fputs(" H", out);
            num(out, px);
            if (py != lasty) {
                fputs(" V", out);
                num(out, py);
            }
        }
        lastx = px;
        lasty = py;
    }
    if (open) {
        /* the last level holds to the plot's right edge */
        const double right = p->left + p->width;
        if (right > lastx) {
            fputs(" H", out);
            num(out, right);
        }
        fputs("\"/>\n", out);
    }
}

/* One piece [from, to) of the band: along hi, back along lo. */
static void band(FILE *out, const cs_svg_plot *p, const double *x,
                 const double *lo, const double *hi, size_t from, size_t to,
                 const char *cls, const char *tip)
{
    if (to - from < 2)
        return;
    fputs("<path", out);
    cls_attr(out, cls);
    fputs(" d=\"", out);
    for (size_t i = from; i < to; i++) {
        fputs(i == from ? "M" : " L", out);
        num(out, cs_svg_plot_x(p, x[i]));
        fputc(' ', out);
        num(out, cs_svg_plot_y(p, hi[i]));
    }
    for (size_t i = to; i-- > from;) {
        fputs(" L", out);
        num(out, cs_svg_plot_x(p, x[i]));
        fputc(' ', out);
        num(out, cs_svg_plot_y(p, lo[i]));
    }
    fputs(" Z\"", out);
    close_tip(out, "path", tip);
}

void cs_svg_plot_area(FILE *out, const cs_svg_plot *p, const double *x,
                      const double *lo, const double *hi, size_t n,
                      const char *cls, const char *tip)
{
    size_t from = 0;

    for (size_t i = 0; i <= n; i++)
        if (i == n || !isfinite(x[i]) || !isfinite(lo[i]) ||
            !isfinite(hi[i])) {
            band(out, p, x, lo, hi, from, i, cls, tip);
            from = i + 1;
        }
}

void cs_svg_plot_vline(FILE *out, const cs_svg_plot *p, double v,
                       const char *cls, const char *label)
{
    const double x = cs_svg_plot_x(p, v);

    if (!isfinite(x))
        return;
    cs_svg_line(out, x, p->top, x, p->top + p->height, cls);
    if (label != NULL)
        cs_svg_text(out, x + 3, p->top + 11, CS_SVG_START, "marklabel",
                    label);
}

void cs_svg_plot_hline(FILE *out, const cs_svg_plot *p, double v,
                       const char *cls, const char *label)
{
    const double y = cs_svg_plot_y(p, v);

    if (!isfinite(y))
        return;
    cs_svg_line(out, p->left, y, p->left + p->width, y, cls);
    if (label != NULL)
        cs_svg_text(out, p->left + p->width - 3, y - 4, CS_SVG_END,
                    "marklabel", label);
}

void cs_svg_plot_bar(FILE *out, const cs_svg_plot *p, double x0, double x1,
                     double y0, double y1, const char *cls, const char *tip)
{
    const double a = cs_svg_plot_x(p, x0), b = cs_svg_plot_x(p, x1);
    const double c = cs_svg_plot_y(p, y0), d = cs_svg_plot_y(p, y1);

    cs_svg_rect(out, a, d, b - a, c - d, cls, tip);
}

void cs_svg_plot_interval(FILE *out, const cs_svg_plot *p, double y,
                          double lo, double mid, double hi, const char *cls,
                          const char *tip)
{
    const double py = cs_svg_plot_y(p, y);
    const double a = cs_svg_plot_x(p, lo), b = cs_svg_plot_x(p, hi);

    if (!finite4(py, a, b, 0.0))
        return;
    cs_svg_group(out, cls, NULL);
    cs_svg_line(out, a, py, b, py, "whisker");
    cs_svg_line(out, a, py - 5, a, py + 5, "whisker");
    cs_svg_line(out, b, py - 5, b, py + 5, "whisker");
    if (isfinite(mid))
        cs_svg_circle(out, cs_svg_plot_x(p, mid), py, 4, "estimate", tip);
    cs_svg_group_end(out);
}
