/*
** test_report_html.c - the HTML report: a self-contained page (no
** script, nothing fetched), well formed, deterministic, its sections and
** their charts' elements (a line per variant, a target per lead-time
** promise, an interval per difference, the bottleneck marked), the
** timeline and the sweep when there are, escaped names, and the footer.
*/
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_fixture.h"

static char *render_html(const cs_report *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    cs_error err;

    ck_assert_ptr_nonnull(out);
    cs_error_clear(&err);
    ck_assert_int_eq(cs_report_html_write(out, r, &err), CS_OK);
    ck_assert_int_eq(fclose(out), 0);
    ck_assert_ptr_nonnull(buf);
    return buf;
}

static int count(const char *s, const char *what)
{
    int n = 0;
    const size_t len = strlen(what);

    for (const char *p = strstr(s, what); p != NULL; p = strstr(p + len, what))
        n++;
    return n;
}

/* The text of the element with id (from it to the next section). */
static char *section(const char *page, const char *id)
{
    char key[64];
    const char *a, *b;
    char *s;

    snprintf(key, sizeof key, "<section id=\"%s\">", id);
    a = strstr(page, key);
    if (a == NULL)
        return NULL;
    b = strstr(a, "</section>");
    ck_assert_ptr_nonnull(b);
    s = malloc((size_t)(b - a) + 1);
    ck_assert_ptr_nonnull(s);
    memcpy(s, a, (size_t)(b - a));
    s[b - a] = '\0';
    return s;
}

/* Lead-time distributions that rise, so the charts have something. */
static void fill_cdf(cs_summary *s, double shift)
{
    for (int i = 0; i < CS_SUMMARY_NCDF; i++) {
        s->cdf[i] = 2 + shift + i * 0.5;
        s->classes[0].cdf[i] = 3 + shift + i * 0.6;
        s->classes[1].cdf[i] = NAN;
    }
}

static void assert_balanced(const char *s)
{
    static const char *const tags[] = {"svg", "g", "text", "title",
                                       "section", "table", "tr", "p",
                                       "footer", "header", "style"};

    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        char open[16], open_sp[16], close[16];
        snprintf(open, sizeof open, "<%s>", tags[i]);
        snprintf(open_sp, sizeof open_sp, "<%s ", tags[i]);
        snprintf(close, sizeof close, "</%s>", tags[i]);
        ck_assert_msg(count(s, open) + count(s, open_sp) == count(s, close),
                      "<%s> opened %d times, closed %d", tags[i],
                      count(s, open) + count(s, open_sp), count(s, close));
    }
}

START_TEST(test_self_contained)
{
    fixture f;
    char *page, *again;

    fixture_init(&f, "platform-team", 1, 0);
    fill_cdf(f.s[0], 0);
    fill_cdf(f.s[1], -3);
    page = render_html(&f.r);
    ck_assert(strncmp(page, "<!DOCTYPE html>\n", 16) == 0);
    ck_assert_ptr_nonnull(strstr(page, "<meta charset=\"utf-8\">"));
    ck_assert(strcmp(page + strlen(page) - 8, "</html>\n") == 0);
    /* nothing runs and nothing is fetched */
    ck_assert_ptr_null(strstr(page, "<script"));
    ck_assert_ptr_null(strstr(page, "src="));
    ck_assert_ptr_null(strstr(page, "href="));
    ck_assert_ptr_null(strstr(page, "url("));
    ck_assert_ptr_null(strstr(page, "@import"));
    ck_assert_int_eq(count(page, "http"), count(page, "http://www.w3.org/2000/svg"));
    assert_no_nan_inf(page);
    assert_balanced(page);
    /* the same results, the same bytes */
    again = render_html(&f.r);
    ck_assert_str_eq(page, again);
    free(again);
    /* the page says what the table says */
    again = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_ptr_nonnull(strstr(again, "platform-team"));
    free(again);
    free(page);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_sections)
{
    fixture f;
    char *page, *v, *rk;

    fixture_init(&f, "platform-team", 1, 0);
    fill_cdf(f.s[0], 0);
    fill_cdf(f.s[1], -3);
    page = render_html(&f.r);
    /* the verdicts first, then the ranking */
    ck_assert_ptr_nonnull(strstr(page, "<section id=\"verdicts\">"));
    ck_assert(strstr(page, "id=\"verdicts\"") < strstr(page, "id=\"ranking\""));
    ck_assert(strstr(page, "id=\"ranking\"") < strstr(page, "id=\"leadtime\""));
    v = section(page, "verdicts");
    ck_assert_ptr_nonnull(v);
    /* a row per variant, a column per promise, each verdict spelled out */
    ck_assert_int_eq(count(v, "<tr>"), 3);
    ck_assert_ptr_nonnull(strstr(v, "data products in a month"));
    ck_assert_ptr_nonnull(strstr(v, "\xe2\x89\xa5" "85% within 30 d"));
    ck_assert_ptr_nonnull(strstr(v, "class=\"notmet\""));
    ck_assert_ptr_nonnull(strstr(v, "class=\"met\""));
    ck_assert_ptr_nonnull(strstr(v, "class=\"uncertain\""));
    ck_assert_ptr_nonnull(strstr(v, "81% [79, 83]"));
    rk = section(page, "ranking");
    ck_assert_ptr_nonnull(strstr(rk, "a platform team takes the load"));
    /* each section says how to read it */
    ck_assert_int_eq(count(page, "How to read it:"),
                     count(page, "<section id="));
    /* no timeline, no sweep */
    ck_assert_ptr_null(strstr(page, "id=\"timeline\""));
    ck_assert_ptr_null(strstr(page, "id=\"sweep\""));
    /* the footer traces the page back */
    ck_assert_ptr_nonnull(strstr(page, "Seed 1, 3 replications, horizon 260 d, "
                                       "warm-up 40 d"));
    ck_assert_ptr_nonnull(strstr(page, "bi.yaml"));
    free(v);
    free(rk);
    free(page);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_lead_time_charts)
{
    fixture f;
    char *page, *lt;

    fixture_init(&f, "platform-team", 1, 0);
    fill_cdf(f.s[0], 0);
    fill_cdf(f.s[1], -3);
    page = render_html(&f.r);
    lt = section(page, "leadtime");
    ck_assert_ptr_nonnull(lt);
    /* all work, data-product, report: three charts */
    ck_assert_int_eq(count(lt, "<svg"), 3);
    /* a line per variant where there are lead times: two in "all work"
    ** and in data-product, none in report (no lead times) */
    ck_assert_int_eq(count(lt, "data-series=\"baseline\""), 2);
    ck_assert_int_eq(count(lt, "data-series=\"platform-team\""), 2);
    ck_assert_int_eq(count(lt, "<path class=\"s0\""), 2);
    ck_assert_int_eq(count(lt, "<path class=\"s1\""), 2);
    /* one target line per lead-time promise, on its class's chart only */
    ck_assert_int_eq(count(lt, "class=\"target\""), 1);
    ck_assert_int_eq(count(lt, "data-series=\"data products in a month\""), 1);
    free(lt);
    free(page);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_forest)
{
    fixture f;
    char *page, *d;

    fixture_init(&f, "platform-team", 1, 0);
    page = render_html(&f.r);
    d = section(page, "differences");
    ck_assert_ptr_nonnull(d);
    /* lead time (all work) and the share promise: one interval each; the
    ** throughput promise is not a share and stays in the tables */
    ck_assert_int_eq(count(d, "class=\"estimate\""), 2);
    ck_assert_ptr_nonnull(strstr(d, "platform-team: all work"));
    ck_assert_ptr_nonnull(strstr(d, "platform-team: data products in a month"));
    ck_assert_ptr_nonnull(strstr(d, "95% interval"));
    ck_assert_ptr_null(strstr(d, "Bonferroni"));
    free(d);
    free(page);
    /* a Bonferroni level is stated */
    f.vs->level = 0.975;
    page = render_html(&f.r);
    d = section(page, "differences");
    ck_assert_ptr_nonnull(strstr(d, "97.5% interval (Bonferroni-adjusted"));
    free(d);
    free(page);
    /* a run has no differences */
    f.r.nrows = 1;
    page = render_html(&f.r);
    ck_assert_ptr_null(strstr(page, "id=\"differences\""));
    free(page);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_teams_and_breakdown)
{
    fixture f;
    char *page, *t, *b;
    cs_breakdown brk[3] = {{0, 1, 0.5, 2, 3}, {1, 4, 0, 5, 6}, {2, 0, 0, 0, 1}};

    fixture_init(&f, "platform-team", 1, 0);
    f.s[0]->breakdown = brk;
    f.s[1]->breakdown = brk;
    page = render_html(&f.r);
    t = section(page, "teams");
    ck_assert_ptr_nonnull(t);
    /* a bar per team and variant; the bottleneck (modelling) outlined
    ** in each variant */
    ck_assert_int_eq(count(t, "<rect"), 5);
    ck_assert_int_eq(count(t, "bottleneck\""), 2);
    ck_assert_ptr_nonnull(strstr(t, "modelling <strong>(bottleneck)"));
    b = section(page, "breakdown");
    ck_assert_ptr_nonnull(b);
    /* one chart per variant; the non-zero parts drawn: 4 + 3 in the
    ** baseline's two teams, 4 + 3 + 1 with the platform team */
    ck_assert_int_eq(count(b, "<svg"), 2);
    ck_assert_int_eq(count(b, "<rect"), 7 + 8);
    f.s[0]->breakdown = f.s[1]->breakdown = NULL;
    free(t);
    free(b);
    free(page);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_timeline)
{
    fixture f;
    char *page, *tl;

    fixture_init(&f, "platform-team", 0, 0);
    add_board(f.m[0], f.s[0]);
    add_board(f.m[1], f.s[1]);
    page = render_html(&f.r);
    tl = section(page, "timeline");
    ck_assert_ptr_nonnull(tl);
    /* throughput, lead time per period, and WIP per team per variant */
    ck_assert_int_eq(count(tl, "<svg"), 2 + 2);
    ck_assert_int_eq(count(tl, "class=\"chart wip\""), 2);
    /* a band per team in each WIP chart */
    ck_assert_int_eq(count(tl, "<path class=\"f0\""), 2);
    ck_assert_int_eq(count(tl, "<path class=\"f1\""), 2);
    assert_no_nan_inf(page);
    assert_balanced(page);
    free(tl);
    free(page);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_sweep)
{
    cs_model *m[3];
    cs_summary *s[3];
    cs_report_row rows[3];
    const char *vals[3][1] = {{"2"}, {"3"}, {"4"}};
    const char *vary[1] = {"teams.ingestion.capacity"};
    cs_report r;
    char *page, *sw;

    memset(&r, 0, sizeof r);
    memset(rows, 0, sizeof rows);
    for (int i = 0; i < 3; i++) {
        m[i] = make_model("baseline", 0, 1);
        s[i] = make_summary(m[i], -i);
        rows[i].summary = s[i];
        rows[i].point = vals[i];
    }
    r.scenario_name = "BI <chain> & co";
    r.command = "run";
    r.rows = rows;
    r.nrows = 3;
    r.vary = vary;
    r.nvary = 1;
    r.command_line = "chainsim run bi.yaml --vary 'x=1,2'";
    r.scenario_hash = "00ff00ff00ff00ff";
    page = render_html(&r);
    sw = section(page, "sweep");
    ck_assert_ptr_nonnull(sw);
    /* one line over the three values, a dot per value, the target */
    ck_assert_int_eq(count(sw, "<polyline"), 1);
    ck_assert_int_eq(count(sw, "<circle"), 3);
    ck_assert_int_eq(count(sw, "class=\"target\""), 1);
    ck_assert_ptr_nonnull(strstr(sw, ">teams.ingestion.capacity</text>"));
    /* the per-variant sections show the first point only, and say so */
    ck_assert_ptr_nonnull(strstr(page, "show its first point: baseline "
                                       "(teams.ingestion.capacity=2)"));
    /* names are escaped; the footer has the command and the hash */
    ck_assert_ptr_nonnull(strstr(page, "<title>chainsim: BI &lt;chain&gt; "
                                       "&amp; co</title>"));
    ck_assert_ptr_null(strstr(page, "<chain>"));
    ck_assert_ptr_nonnull(strstr(page, "--vary &#39;x=1,2&#39;</code>"));
    ck_assert_ptr_nonnull(strstr(page, "hash 00ff00ff00ff00ff"));
    assert_balanced(page);
    free(sw);
    free(page);
    /* two axes: a heat map, a cell per point */
    {
        const char *v2[3][2] = {{"2", "a"}, {"3", "a"}, {"2", "b"}};
        const char *vary2[2] = {"x", "y"};
        for (int i = 0; i < 3; i++)
            rows[i].point = v2[i];
        r.vary = vary2;
        r.nvary = 2;
        page = render_html(&r);
        sw = section(page, "sweep");
        ck_assert_int_eq(count(sw, "class=\"chart heatmap\""), 1);
        ck_assert_int_eq(count(sw, "class=\"cell\""), 3);
        free(sw);
        free(page);
    }
    for (int i = 0; i < 3; i++) {
        free_summary(s[i]);
        cs_model_free(m[i]);
    }
}
END_TEST

static Suite *html_suite(void)
{
    Suite *s = suite_create("report_html");
    TCase *tc = tcase_create("page");

    tcase_add_test(tc, test_self_contained);
    tcase_add_test(tc, test_sections);
    tcase_add_test(tc, test_lead_time_charts);
    tcase_add_test(tc, test_forest);
    tcase_add_test(tc, test_teams_and_breakdown);
    tcase_add_test(tc, test_timeline);
    tcase_add_test(tc, test_sweep);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(html_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
