/*
** svg.h - a small SVG writer for the charts of the HTML report: an inline
** <svg> element written straight to a stream, plots with linear scales
** and "nice" ticks, and the marks the charts need (lines, step lines,
** bars, intervals, target lines, text).  It knows nothing about models.
**
** Coordinates.  Marks take pixel coordinates (origin top left, y down);
** the cs_svg_plot_* calls take data coordinates and map them through the
** plot's scales (y up).  A mark with a coordinate that is not finite is
** not drawn; a series breaks at such a point.  Numbers are written with
** two decimals, so the output is byte-identical on every machine.
**
** Looks.  Marks carry CSS classes (borrowed strings, may be NULL); the
** page styles them.  The palette of series colours is Okabe and Ito's,
** safe for the common colour-vision deficiencies: cs_svg_colour(i).
**
** Errors.  Writes go to a stdio stream; the caller checks ferror() once
** at the end (the calls themselves cannot fail).  Text is escaped for
** XML, and control bytes become '?'.
*/
#ifndef CHAINSIM_SVG_H
#define CHAINSIM_SVG_H

#include <stddef.h>
#include <stdio.h>

/* Text anchors. */
typedef enum cs_svg_anchor {
    CS_SVG_START = 0,
    CS_SVG_MIDDLE,
    CS_SVG_END
} cs_svg_anchor;

/* Colours of the palette, cycled: cs_svg_colour(i) for i >= 0. */
#define CS_SVG_NCOLOURS 8
const char *cs_svg_colour(int i);

/*
** Writes text to out with the XML special characters escaped (& < > " ')
** and control bytes as '?' (text may be NULL: nothing).  Cannot fail.
*/
void cs_svg_escape(FILE *out, const char *text);

/*
** Opens an <svg> element of width x height pixels (a viewBox of the same
** size, so the page may scale it), with a class and an accessible title
** (both may be NULL).  Close it with cs_svg_end.
*/
void cs_svg_begin(FILE *out, double width, double height, const char *cls,
                  const char *title);
void cs_svg_end(FILE *out);

/* A group <g class="cls"> of marks (data: an optional data-series
** attribute value, e.g. the variant the marks belong to). */
void cs_svg_group(FILE *out, const char *cls, const char *data);
void cs_svg_group_end(FILE *out);

/* Marks in pixels.  tip (may be NULL): a tooltip (<title>). */
void cs_svg_line(FILE *out, double x1, double y1, double x2, double y2,
                 const char *cls);
void cs_svg_rect(FILE *out, double x, double y, double w, double h,
                 const char *cls, const char *tip);
void cs_svg_circle(FILE *out, double cx, double cy, double r,
                   const char *cls, const char *tip);
void cs_svg_text(FILE *out, double x, double y, cs_svg_anchor anchor,
                 const char *cls, const char *text);
/* A polyline through the n points (x[i], y[i]) in pixels; a point that is
** not finite breaks it into pieces (pieces of one point are dropped). */
void cs_svg_polyline(FILE *out, const double *x, const double *y, size_t n,
                     const char *cls);

/*
** Nice ticks for [lo, hi] (Heckbert's "nice numbers": steps of 1, 2 or 5
** times a power of ten), about target of them (target >= 2): writes at
** most max tick values into ticks, the first <= lo and the last >= hi,
** and returns their number (at least 2 when lo < hi are finite; lo == hi
** is widened to a unit around it; non-finite bounds give 0).  *step (may
** be NULL) gets the step.  Cannot fail.
*/
int cs_svg_ticks(double lo, double hi, int target, double *ticks, int max,
                 double *step);

/*
** The tick value v as a label, with as many decimals as the step needs
** (step 0.5: one; step 5: none), into buf of size n.  Cannot fail.
*/
void cs_svg_tick_label(double v, double step, char *buf, size_t n);

/* A plot: the pixel area of its data and the data ranges it shows. */
typedef struct cs_svg_plot {
    double left, top, width, height;   /* the data area in pixels */
    double xlo, xhi, ylo, yhi;         /* data ranges (lo < hi) */
} cs_svg_plot;

/*
** A plot in the area (left, top, width, height) showing [xlo, xhi] x
** [ylo, yhi].  An empty or non-finite range becomes [0, 1] (a plot of
** nothing still draws its axes).  Cannot fail.
*/
void cs_svg_plot_init(cs_svg_plot *p, double left, double top, double width,
                      double height, double xlo, double xhi, double ylo,
                      double yhi);

/* Data to pixels (not clamped; NaN stays NaN). */
double cs_svg_plot_x(const cs_svg_plot *p, double x);
double cs_svg_plot_y(const cs_svg_plot *p, double y);

/*
** Axes with nice ticks over the plot's ranges (the plot's range should be
** the ticks' own: see cs_svg_plot_nice), grid lines, tick labels and an
** axis label (may be NULL).  cs_svg_plot_ybands labels n categories down
** the y axis instead of numbers: the plot's y range is [0, n] and band i
** (the first at the top) is centred on y = n - i - 0.5.
*/
void cs_svg_plot_xaxis(FILE *out, const cs_svg_plot *p, int target,
                       const char *label);
void cs_svg_plot_yaxis(FILE *out, const cs_svg_plot *p, int target,
                       const char *label);
void cs_svg_plot_ybands(FILE *out, const cs_svg_plot *p,
                        const char *const *names, int n);

/* Widens the plot's ranges to their nice ticks (about target each). */
void cs_svg_plot_nice(cs_svg_plot *p, int target);

/* A line through (x[i], y[i]) in data coordinates (NaN breaks it). */
void cs_svg_plot_series(FILE *out, const cs_svg_plot *p, const double *x,
                        const double *y, size_t n, const char *cls);
/* A step line (an empirical CDF): y[i] holds from x[i] to x[i + 1]; the
** line rises vertically at each x[i]; steps beyond the x range are drawn
** at its edge. */
void cs_svg_plot_steps(FILE *out, const cs_svg_plot *p, const double *x,
                       const double *y, size_t n, const char *cls);
/* The band between lo[i] and hi[i] over x[i] (a stacked area); a point
** that is not finite breaks it. */
void cs_svg_plot_area(FILE *out, const cs_svg_plot *p, const double *x,
                      const double *lo, const double *hi, size_t n,
                      const char *cls, const char *tip);
/* A vertical (x = v) or horizontal (y = v) line across the plot, with a
** label at its end (may be NULL). */
void cs_svg_plot_vline(FILE *out, const cs_svg_plot *p, double v,
                       const char *cls, const char *label);
void cs_svg_plot_hline(FILE *out, const cs_svg_plot *p, double v,
                       const char *cls, const char *label);
/* The rectangle [x0, x1] x [y0, y1] in data coordinates. */
void cs_svg_plot_bar(FILE *out, const cs_svg_plot *p, double x0, double x1,
                     double y0, double y1, const char *cls, const char *tip);
/* A horizontal interval [lo, hi] at y with a dot at mid (a forest plot's
** row; mid NaN: no dot). */
void cs_svg_plot_interval(FILE *out, const cs_svg_plot *p, double y,
                          double lo, double mid, double hi, const char *cls,
                          const char *tip);

#endif /* CHAINSIM_SVG_H */
