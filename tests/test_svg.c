/*
** test_svg.c - the SVG writer: nice ticks and their labels, scales,
** escaping, marks that skip what is not finite, series broken at NaN,
** step lines, and well-formed, deterministic output.
*/
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/svg.h"

/* A memory stream and what was written to it. */
typedef struct capture {
    FILE *f;
    char *buf;
    size_t len;
} capture;

static void cap_open(capture *c)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    ck_assert_ptr_nonnull(c->f);
}

/* Closes the stream: c->buf holds the text (caller frees). */
static const char *cap_close(capture *c)
{
    ck_assert_int_eq(ferror(c->f), 0);
    ck_assert_int_eq(fclose(c->f), 0);
    return c->buf;
}

static int count(const char *s, const char *what)
{
    int n = 0;
    const size_t len = strlen(what);

    for (const char *p = strstr(s, what); p != NULL; p = strstr(p + len, what))
        n++;
    return n;
}

START_TEST(test_ticks_nice)
{
    static const struct {
        double lo, hi;
        int target;
        double step, first, last;
    } cases[] = {
        {0, 1, 5, 0.2, 0, 1},
        {0, 100, 5, 20, 0, 100},
        {3, 97, 5, 20, 0, 100},
        {0, 0.85, 6, 0.2, 0, 1},
        {12.3, 12.9, 4, 0.5, 12.0, 13.0},
        {-7, 13, 5, 5, -10, 15},
        {0, 30, 6, 10, 0, 30},
        {1000, 9000, 5, 2000, 0, 10000},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double t[32], step;
        const int n = cs_svg_ticks(cases[i].lo, cases[i].hi, cases[i].target,
                                   t, 32, &step);
        ck_assert_int_ge(n, 2);
        ck_assert_double_eq_tol(step, cases[i].step, 1e-12);
        ck_assert_double_eq_tol(t[0], cases[i].first, 1e-9);
        ck_assert_double_eq_tol(t[n - 1], cases[i].last, 1e-9);
        ck_assert(t[0] <= cases[i].lo && t[n - 1] >= cases[i].hi);
        for (int k = 1; k < n; k++)
            ck_assert_double_eq_tol(t[k] - t[k - 1], step, 1e-9 * step);
        /* every step is 1, 2 or 5 times a power of ten */
        const double f = step / pow(10.0, floor(log10(step) + 1e-12));
        ck_assert(fabs(f - 1) < 1e-9 || fabs(f - 2) < 1e-9 ||
                  fabs(f - 5) < 1e-9);
    }
}
END_TEST

START_TEST(test_ticks_edges)
{
    double t[4], step;

    /* a point is widened around itself; zero to a unit */
    ck_assert_int_ge(cs_svg_ticks(5, 5, 5, t, 4, &step), 2);
    ck_assert(t[0] < 5 && t[3] > 5);
    ck_assert_int_ge(cs_svg_ticks(0, 0, 5, t, 4, NULL), 2);
    /* reversed bounds are sorted */
    ck_assert_int_ge(cs_svg_ticks(10, 0, 3, t, 4, NULL), 2);
    ck_assert(t[0] <= 0);
    /* not finite: none */
    ck_assert_int_eq(cs_svg_ticks(NAN, 1, 5, t, 4, &step), 0);
    ck_assert_double_eq(step, 0.0);
    ck_assert_int_eq(cs_svg_ticks(0, INFINITY, 5, t, 4, NULL), 0);
    /* the room bounds the count: coarser steps */
    const int n = cs_svg_ticks(0, 100, 50, t, 4, &step);
    ck_assert_int_le(n, 4);
    ck_assert(t[0] <= 0 && t[n - 1] >= 100);
}
END_TEST

START_TEST(test_tick_labels)
{
    char buf[16];

    cs_svg_tick_label(0.5, 0.1, buf, sizeof buf);
    ck_assert_str_eq(buf, "0.5");
    cs_svg_tick_label(20, 5, buf, sizeof buf);
    ck_assert_str_eq(buf, "20");
    cs_svg_tick_label(0.25, 0.05, buf, sizeof buf);
    ck_assert_str_eq(buf, "0.25");
    cs_svg_tick_label(-1e-17, 0.2, buf, sizeof buf);
    ck_assert_str_eq(buf, "0.0");
    cs_svg_tick_label(3000, 1000, buf, sizeof buf);
    ck_assert_str_eq(buf, "3000");
    cs_svg_tick_label(1, 0.5, buf, 2);
    ck_assert_str_eq(buf, "1");
}
END_TEST

START_TEST(test_escape)
{
    capture c;

    cap_open(&c);
    cs_svg_escape(c.f, "a<b & \"c\" 'd'>\033e\x7f");
    cs_svg_escape(c.f, NULL);
    ck_assert_str_eq(cap_close(&c),
                     "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;?e?");
    free(c.buf);
}
END_TEST

START_TEST(test_scales)
{
    cs_svg_plot p;

    cs_svg_plot_init(&p, 50, 10, 200, 100, 0, 10, 0, 1);
    ck_assert_double_eq(cs_svg_plot_x(&p, 0), 50);
    ck_assert_double_eq(cs_svg_plot_x(&p, 10), 250);
    ck_assert_double_eq(cs_svg_plot_x(&p, 5), 150);
    /* y up: the top of the range at the top of the area */
    ck_assert_double_eq(cs_svg_plot_y(&p, 1), 10);
    ck_assert_double_eq(cs_svg_plot_y(&p, 0), 110);
    ck_assert(isnan(cs_svg_plot_x(&p, NAN)));
    /* an empty or broken range still maps */
    cs_svg_plot_init(&p, 0, 0, 100, 100, 3, 3, NAN, 1);
    ck_assert(p.xlo < 3 && p.xhi > 3);
    ck_assert_double_eq(p.ylo, 0);
    ck_assert_double_eq(p.yhi, 1);
    cs_svg_plot_init(&p, 0, 0, 100, 100, 0.3, 9.2, 0.05, 0.9);
    cs_svg_plot_nice(&p, 5);
    ck_assert_double_eq(p.xlo, 0);
    ck_assert_double_eq(p.xhi, 10);
    ck_assert_double_eq(p.ylo, 0);
    ck_assert_double_eq_tol(p.yhi, 1, 1e-12);
}
END_TEST

START_TEST(test_marks_skip_nonfinite)
{
    capture c;

    cap_open(&c);
    cs_svg_line(c.f, 0, 0, NAN, 1, "a");
    cs_svg_rect(c.f, 0, INFINITY, 1, 1, "b", NULL);
    cs_svg_circle(c.f, 1, 1, -1, "c", NULL);
    cs_svg_text(c.f, NAN, 0, CS_SVG_START, NULL, "x");
    cs_svg_text(c.f, 0, 0, CS_SVG_START, NULL, NULL);
    ck_assert_str_eq(cap_close(&c), "");
    free(c.buf);

    cap_open(&c);
    cs_svg_rect(c.f, 10, 10, -4, -6, "bar", "a & b");
    cs_svg_line(c.f, 0, -0.001, 1, 2.345, NULL);
    cs_svg_text(c.f, 1, 2, CS_SVG_END, "t", "<x>");
    ck_assert_str_eq(
        cap_close(&c),
        "<rect x=\"6.00\" y=\"4.00\" width=\"4.00\" height=\"6.00\" "
        "class=\"bar\"><title>a &amp; b</title></rect>\n"
        "<line x1=\"0.00\" y1=\"0.00\" x2=\"1.00\" y2=\"2.35\"/>\n"
        "<text x=\"1.00\" y=\"2.00\" text-anchor=\"end\" "
        "class=\"t\">&lt;x&gt;</text>\n");
    free(c.buf);
}
END_TEST

START_TEST(test_series_breaks)
{
    const double x[] = {0, 1, 2, 3, 4, 5, 6};
    const double y[] = {0, 1, NAN, 3, NAN, 5, 6};
    cs_svg_plot p;
    capture c;

    cs_svg_plot_init(&p, 0, 0, 60, 60, 0, 6, 0, 6);
    cap_open(&c);
    cs_svg_plot_series(c.f, &p, x, y, 7, "s0");
    const char *s = cap_close(&c);
    /* pieces [0,1] and [5,6]; the lone point 3 is dropped */
    ck_assert_int_eq(count(s, "<polyline"), 2);
    ck_assert_ptr_nonnull(
        strstr(s, "points=\"0.00,60.00 10.00,50.00\" class=\"s0\""));
    ck_assert_ptr_nonnull(strstr(s, "points=\"50.00,10.00 60.00,0.00\""));
    free(c.buf);
}
END_TEST

START_TEST(test_series_long)
{
    enum { N = 200 };
    double x[N], y[N];
    cs_svg_plot p;
    capture c;

    for (int i = 0; i < N; i++) {
        x[i] = i;
        y[i] = i % 7;
    }
    cs_svg_plot_init(&p, 0, 0, 199, 6, 0, N - 1, 0, 6);
    cap_open(&c);
    cs_svg_plot_series(c.f, &p, x, y, N, NULL);
    const char *s = cap_close(&c);
    /* written in pieces that join: N points plus one repeat per join */
    int pts = 0;
    for (const char *q = s; *q; q++)
        pts += *q == ',';
    const int pieces = count(s, "<polyline");
    ck_assert_int_ge(pieces, 2);
    ck_assert_int_eq(pts, N + pieces - 1);
    free(c.buf);
}
END_TEST

START_TEST(test_steps)
{
    const double x[] = {1, 2, 4};
    const double y[] = {0.25, 0.5, 1.0};
    cs_svg_plot p;
    capture c;

    cs_svg_plot_init(&p, 0, 0, 100, 100, 0, 5, 0, 1);
    cap_open(&c);
    cs_svg_plot_steps(c.f, &p, x, y, 3, "cdf");
    ck_assert_str_eq(cap_close(&c),
                     "<path class=\"cdf\" fill=\"none\" d=\"M20.00 75.00 "
                     "H40.00 V50.00 H80.00 V0.00 H100.00\"/>\n");
    free(c.buf);
}
END_TEST

START_TEST(test_area)
{
    const double x[] = {0, 1, 2, 3};
    const double lo[] = {0, 0, NAN, 0};
    const double hi[] = {1, 2, 2, 1};
    cs_svg_plot p;
    capture c;

    cs_svg_plot_init(&p, 0, 0, 30, 20, 0, 3, 0, 2);
    cap_open(&c);
    cs_svg_plot_area(c.f, &p, x, lo, hi, 4, "a0", "team");
    /* the first two points make a band; the last one alone does not */
    ck_assert_str_eq(cap_close(&c),
                     "<path class=\"a0\" d=\"M0.00 10.00 L10.00 0.00 "
                     "L10.00 20.00 L0.00 20.00 Z\"><title>team</title>"
                     "</path>\n");
    free(c.buf);
}
END_TEST

START_TEST(test_chart_well_formed)
{
    const double x[] = {0, 1, 2}, y[] = {2, 1, 3};
    const char *const names[] = {"ingestion", "r&d"};
    capture c1, c2;
    capture *cs[2] = {&c1, &c2};

    for (int k = 0; k < 2; k++) {
        cs_svg_plot p;
        FILE *f;
        cap_open(cs[k]);
        f = cs[k]->f;
        cs_svg_plot_init(&p, 60, 10, 300, 150, 0, 2, 0, 3);
        cs_svg_plot_nice(&p, 5);
        cs_svg_begin(f, 400, 200, "chart", "Lead time \"all\"");
        cs_svg_plot_xaxis(f, &p, 5, "days");
        cs_svg_plot_yaxis(f, &p, 5, "share");
        cs_svg_group(f, "series", "base<line>");
        cs_svg_plot_series(f, &p, x, y, 3, "s0");
        cs_svg_group_end(f);
        cs_svg_plot_vline(f, &p, 1.5, "target", "30 d");
        cs_svg_plot_hline(f, &p, 2.5, "target", NULL);
        cs_svg_plot_bar(f, &p, 0, 1, 0, 2, "bar", NULL);
        cs_svg_plot_interval(f, &p, 1, 0.5, 1, 1.5, "ci", "diff");
        cs_svg_plot_interval(f, &p, 1, NAN, 1, 1.5, "ci", NULL);
        cs_svg_plot_ybands(f, &p, names, 2);
        cs_svg_end(f);
        cap_close(cs[k]);
    }
    /* deterministic */
    ck_assert_str_eq(c1.buf, c2.buf);
    const char *s = c1.buf;
    ck_assert_int_eq(count(s, "<svg"), 1);
    ck_assert_int_eq(count(s, "</svg>"), 1);
    ck_assert_int_eq(count(s, "<g"), count(s, "</g>"));
    ck_assert_int_eq(count(s, "<text"), count(s, "</text>"));
    ck_assert_int_eq(count(s, "<title>"), count(s, "</title>"));
    ck_assert_ptr_nonnull(strstr(s, "aria-label=\"Lead time &quot;all&quot;\""));
    ck_assert_ptr_nonnull(strstr(s, "data-series=\"base&lt;line&gt;\""));
    ck_assert_ptr_nonnull(strstr(s, ">r&amp;d</text>"));
    /* one interval drawn, the one with a NaN bound not */
    ck_assert_int_eq(count(s, "class=\"estimate\""), 1);
    ck_assert_int_eq(count(s, "class=\"target\""), 2);
    /* no raw special character inside attribute values or text */
    ck_assert_ptr_null(strstr(s, "&d"));
    ck_assert_ptr_null(strstr(s, "nan"));
    ck_assert_ptr_null(strstr(s, "inf"));
    free(c1.buf);
    free(c2.buf);
}
END_TEST

START_TEST(test_palette)
{
    ck_assert_str_eq(cs_svg_colour(0), "#0072B2");
    ck_assert_str_eq(cs_svg_colour(CS_SVG_NCOLOURS), cs_svg_colour(0));
    ck_assert_str_eq(cs_svg_colour(-1), cs_svg_colour(1));
    for (int i = 0; i < CS_SVG_NCOLOURS; i++)
        for (int j = i + 1; j < CS_SVG_NCOLOURS; j++)
            ck_assert_str_ne(cs_svg_colour(i), cs_svg_colour(j));
}
END_TEST

static Suite *svg_suite(void)
{
    Suite *s = suite_create("svg");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_ticks_nice);
    tcase_add_test(tc, test_ticks_edges);
    tcase_add_test(tc, test_tick_labels);
    tcase_add_test(tc, test_escape);
    tcase_add_test(tc, test_scales);
    tcase_add_test(tc, test_marks_skip_nonfinite);
    tcase_add_test(tc, test_series_breaks);
    tcase_add_test(tc, test_series_long);
    tcase_add_test(tc, test_steps);
    tcase_add_test(tc, test_area);
    tcase_add_test(tc, test_chart_well_formed);
    tcase_add_test(tc, test_palette);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(svg_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
