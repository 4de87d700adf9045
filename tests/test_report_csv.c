/*
** test_report_csv.c - the report as CSV: columns, quoting (and
** cs_report_csv_field), --no-header, sweep points, an empty report.
*/
#include "report_fixture.h"

START_TEST(test_csv_columns)
{
    static const char *const need[] = {
        "scenario", "variant", "replications", "lead_time_mean",
        "lead_time_ci_lo", "lead_time_ci_hi", "lead_time_p50",
        "lead_time_p85", "lead_time_p95", "throughput_per_day",
        "throughput_ci_lo", "throughput_ci_hi", "wip_mean",
        "flow_efficiency", "bottleneck", "bottleneck_utilization",
        "cost_per_day", "point", "seed", "horizon", "warmup",
        "promise_data_products_in_a_month_name",
        "promise_data_products_in_a_month_achieved",
        "promise_data_products_in_a_month_lo",
        "promise_data_products_in_a_month_hi",
        "promise_data_products_in_a_month_verdict",
        "promise_quarterly_throughput_target", "queue_len_ingestion",
        "wip_modelling", "throughput_per_day_report", "util_ingestion", "blocked_ingestion",
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
    ck_assert_str_eq(d.f[2][column(&d, "diff_promise_quarterly_throughput")], "");
    ck_assert(fabs(atof(d.f[2][column(&d, "diff_lead_time_mean")]) + 3.2) <
              1e-9);
    ck_assert_str_eq(d.f[1][column(&d, "promise_data_products_in_a_month_verdict")], "not met");
    ck_assert_str_eq(d.f[2][column(&d, "promise_data_products_in_a_month_verdict")], "met");
    ck_assert_str_eq(d.f[1][column(&d, "bottleneck")], "modelling");
    ck_assert_str_eq(d.f[1][column(&d, "promise_data_products_in_a_month_target")], "0.85");
    csv_free(&d);
    free(text);
    fixture_fini(&f);
}
END_TEST

/* A promise's columns hold that promise in every row, whatever its
** position in each row's scenario (numbered columns mixed promises). */
START_TEST(test_csv_promise_columns_by_name)
{
    fixture f;
    csvdoc d;
    char *text;
    cs_promise tp;
    cs_promise_summary ts;

    fixture_init(&f, "platform-team", 0, 0);
    tp = f.m[1]->promises[0];
    f.m[1]->promises[0] = f.m[1]->promises[1];
    f.m[1]->promises[1] = tp;
    ts = f.s[1]->promises[0];
    f.s[1]->promises[0] = f.s[1]->promises[1];
    f.s[1]->promises[1] = ts;
    text = render(&f.r, CS_FORMAT_CSV);
    csv_parse(text, &d);
    for (int row = 1; row <= 2; row++) {
        ck_assert_str_eq(
            d.f[row][column(&d, "promise_data_products_in_a_month_name")],
            "data products in a month");
        ck_assert_str_eq(
            d.f[row][column(&d, "promise_data_products_in_a_month_target")],
            "0.85");
        ck_assert_str_eq(
            d.f[row][column(&d, "promise_quarterly_throughput_target")],
            "40");
        ck_assert_str_eq(d.f[row][column(&d, "horizon")], "260");
        ck_assert_str_eq(d.f[row][column(&d, "warmup")], "40");
        ck_assert_str_eq(d.f[row][column(&d, "point")], "");
    }
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
    ck_assert_str_eq(h.f[1][column(&h, "point")],
                     "work.report.arrivals.rate=2/w");
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

/* One field as cs_report_csv_field writes it (caller frees). */
static char *field(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);

    ck_assert_ptr_nonnull(fp);
    cs_report_csv_field(fp, s);
    ck_assert_int_eq(fclose(fp), 0);
    return buf;
}

/* Quoted only for , " CR LF; inner quotes doubled; no separator. */
START_TEST(test_csv_field)
{
    static const char *const cases[][2] = {
        {"", ""},
        {"plain", "plain"},
        {"sp ace;semi", "sp ace;semi"},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"cr\rlf\n", "\"cr\rlf\n\""},
        {"\"", "\"\"\"\""},
    };

    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = field(cases[i][0]);
        ck_assert_str_eq(got, cases[i][1]);
        free(got);
    }
}
END_TEST

/* wip_breaks_TEAM: appended after every other column, one per team with
** a WIP limit in some row. */
START_TEST(test_csv_wip_breaks)
{
    fixture f;
    csvdoc d;
    char *text;

    fixture_init(&f, "platform-team", 1, 0);
    f.s[1]->teams[0].wip_breaks = ci_of(1, 2, 3);
    f.s[0]->teams[0].wip_breaks = ci_of(0, 0, 0);
    f.m[1]->teams[2].wip_limit = 2;   /* a team only the variant has */
    f.s[1]->teams[2].wip_breaks = ci_of(0.5, 0.5, 0.5);
    text = render(&f.r, CS_FORMAT_CSV);
    csv_parse(text, &d);
    ck_assert_int_eq(d.nl, 3);
    ck_assert_str_eq(d.f[0][d.nf[0] - 3], "diff_confidence");
    ck_assert_str_eq(d.f[0][d.nf[0] - 2], "wip_breaks_ingestion");
    ck_assert_str_eq(d.f[0][d.nf[0] - 1], "wip_breaks_platform");
    ck_assert_str_eq(d.f[1][d.nf[0] - 2], "0");
    ck_assert_str_eq(d.f[1][d.nf[0] - 1], "");
    ck_assert_str_eq(d.f[2][d.nf[0] - 2], "2");
    ck_assert_str_eq(d.f[2][d.nf[0] - 1], "0.5");
    ck_assert_ptr_null(strstr(text, "wip_breaks_modelling"));
    csv_free(&d);
    free(text);
    fixture_fini(&f);

    /* Without WIP limits, no such column. */
    fixture_init(&f, "platform-team", 0, 0);
    f.m[0]->teams[0].wip_limit = f.m[1]->teams[0].wip_limit = 0;
    text = render(&f.r, CS_FORMAT_CSV);
    ck_assert_ptr_null(strstr(text, "wip_breaks"));
    free(text);
    fixture_fini(&f);
}
END_TEST

/*
** capacity_mean_TEAM (teams with a schedule in some row; a row where the
** team has none shows its capacity) and the completion_ columns come
** last, after wip_breaks_; a row without initial items leaves them
** empty, and so does a percentile past the horizon.
*/
START_TEST(test_csv_board)
{
    static const char *const tail[] = {
        "wip_breaks_ingestion", "capacity_mean_ingestion",
        "completion_items", "completion_done_share", "completion_mean",
        "completion_p50", "completion_p85", "completion_p95"};
    static const char *const base[] = {"0", "3.4", "18", "0.9", "",
                                       "120.5", "", ""};
    fixture f;
    csvdoc d;
    char *text;
    int k0;

    fixture_init(&f, "platform-team", 0, 0);
    add_board(f.m[0], f.s[0]);
    f.s[0]->nperiods = 0;           /* no timeline: the summary's CSV */
    f.s[0]->teams[0].wip_breaks = ci_of(0, 0, 0);
    text = render(&f.r, CS_FORMAT_CSV);
    assert_no_nan_inf(text);
    csv_parse(text, &d);
    ck_assert_int_eq(d.nl, 3);
    k0 = d.nf[0] - 8;
    for (int k = 0; k < 8; k++) {
        ck_assert_str_eq(d.f[0][k0 + k], tail[k]);
        ck_assert_str_eq(d.f[1][k0 + k], base[k]);
    }
    ck_assert_str_eq(d.f[2][column(&d, "capacity_mean_ingestion")], "2");
    ck_assert_str_eq(d.f[2][column(&d, "completion_items")], "");
    ck_assert_str_eq(
        d.f[1][column(&d, "promise_quarterly_throughput_achieved")], "0.85");
    ck_assert_str_eq(d.f[1][column(&d, "promise_quarterly_throughput_lo")],
                     "0.6395811353");
    ck_assert_ptr_null(strstr(text, "capacity_mean_modelling"));
    csv_free(&d);
    free(text);
    fixture_fini(&f);
}
END_TEST

/* With a timeline the CSV has a line per row and period, in its own
** columns; a row without one has no line. */
START_TEST(test_csv_timeline)
{
    static const char *const head[] = {
        "scenario", "variant", "point", "replications", "period", "from",
        "to", "arrived", "done", "done_lo", "done_hi", "wip",
        "lead_time_mean", "lead_time_lo", "lead_time_hi", "lead_time_p85",
        "util_ingestion", "wip_ingestion", "capacity_ingestion",
        "util_modelling", "wip_modelling", "capacity_modelling"};
    const int nh = (int)(sizeof head / sizeof head[0]);
    fixture f;
    csvdoc d;
    char *text;

    fixture_init(&f, "platform-team", 0, 0);
    add_board(f.m[1], f.s[1]);
    text = render(&f.r, CS_FORMAT_CSV);
    assert_no_nan_inf(text);
    csv_parse(text, &d);
    ck_assert_int_eq(d.nl, 4);
    ck_assert_int_eq(d.nf[0], nh);
    for (int k = 0; k < nh; k++)
        ck_assert_str_eq(d.f[0][k], head[k]);
    for (int l = 1; l < 4; l++) {
        ck_assert_int_eq(d.nf[l], nh);
        ck_assert_str_eq(d.f[l][1], "platform-team");
    }
    ck_assert_str_eq(d.f[1][column(&d, "period")], "1");
    ck_assert_str_eq(d.f[1][column(&d, "done")], "41");
    ck_assert_str_eq(d.f[1][column(&d, "lead_time_p85")], "33.5");
    ck_assert_str_eq(d.f[3][column(&d, "from")], "200");
    ck_assert_str_eq(d.f[3][column(&d, "to")], "260");
    ck_assert_str_eq(d.f[3][column(&d, "lead_time_mean")], "");
    ck_assert_str_eq(d.f[3][column(&d, "lead_time_lo")], "");
    ck_assert_str_eq(d.f[3][column(&d, "capacity_ingestion")], "4");
    csv_free(&d);
    free(text);
    /* both rows: three lines each, baseline first; no header */
    add_board(f.m[0], f.s[0]);
    f.r.no_header = 1;
    text = render(&f.r, CS_FORMAT_CSV);
    csv_parse(text, &d);
    ck_assert_int_eq(d.nl, 6);
    ck_assert_str_eq(d.f[0][1], "baseline");
    ck_assert_str_eq(d.f[3][1], "platform-team");
    csv_free(&d);
    free(text);
    fixture_fini(&f);
}
END_TEST

static Suite *report_csv_suite(void)
{
    Suite *s = suite_create("report_csv");
    TCase *csv = tcase_create("csv");

    tcase_add_test(csv, test_csv_columns);
    tcase_add_test(csv, test_csv_promise_columns_by_name);
    tcase_add_test(csv, test_csv_no_header_and_vary);
    tcase_add_test(csv, test_csv_run_and_empty);
    tcase_add_test(csv, test_csv_field);
    tcase_add_test(csv, test_csv_wip_breaks);
    tcase_add_test(csv, test_csv_board);
    tcase_add_test(csv, test_csv_timeline);
    suite_add_tcase(s, csv);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(report_csv_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
