/*
** test_report.c - what the three formats share: ranking (the same ranks
** in the table, the CSV and the JSON), write errors, the format names,
** determinism.  Each format has its own file (test_report_FORMAT.c).
*/
#include "report_fixture.h"

/* ---- ranking -------------------------------------------------------- */

/* Rows for the ranking tests: each its own model and summary. */
enum { RANK_ROWS = 7 };

typedef struct ranked {
    cs_model *m[RANK_ROWS];
    cs_summary *s[RANK_ROWS];
    cs_comparison *vs[RANK_ROWS];
    cs_report_row rows[RANK_ROWS];
    const char *point[RANK_ROWS][1];
    const char *vary[1];
    cs_report r;
} ranked;

/*
** One row: its two verdicts, mean lead time (NaN: undefined), cost per
** day; row 0 and any row named "baseline" are baselines (no comparison).
*/
static void ranked_row(ranked *k, int i, const char *name, cs_verdict v0,
                       cs_verdict v1, double lead_time, double cost)
{
    k->m[i] = make_model(name, 0, 0);
    k->s[i] = make_summary(k->m[i], 0);
    k->s[i]->promises[0].verdict = v0;
    k->s[i]->promises[1].verdict = v1;
    k->s[i]->lead_time = isfinite(lead_time)
                             ? ci_of(lead_time, lead_time, lead_time)
                             : ci_none();
    k->s[i]->cost_per_day = cost;
    k->rows[i].summary = k->s[i];
    if (strcmp(name, "baseline") != 0) {
        k->vs[i] = make_vs(2);
        k->rows[i].vs = k->vs[i];
    }
}

/*
** The keys in order: more met, then fewer not met, then lower lead time
** (undefined last), then lower cost.  Expected ranks, best first:
** a 1 (both met, however slow), b and e 2 (tied on every key), d 4 (as b
** but dearer), c 5 (a promise not met), baseline 6, f 7 (no lead time).
*/
static const unsigned rank_expected[RANK_ROWS] = {6, 1, 2, 5, 4, 2, 7};

static void ranked_init(ranked *k)
{
    const cs_verdict M = CS_VERDICT_MET, N = CS_VERDICT_NOT_MET,
                     U = CS_VERDICT_UNCERTAIN;

    memset(k, 0, sizeof *k);
    ranked_row(k, 0, "baseline", N, U, 21, 4);
    ranked_row(k, 1, "a", M, M, 30, 9);
    ranked_row(k, 2, "b", M, U, 15, 4);
    ranked_row(k, 3, "c", M, N, 10, 1);
    ranked_row(k, 4, "d", M, U, 15, 5);
    ranked_row(k, 5, "e", M, U, 15, 4);
    ranked_row(k, 6, "f", N, U, NAN, 4);
    k->r.scenario_name = "BI chain";
    k->r.command = "compare";
    k->r.seed = 1;
    k->r.wall_seconds = -1;
    k->r.rows = k->rows;
    k->r.nrows = RANK_ROWS;
}

static void ranked_fini(ranked *k)
{
    for (int i = 0; i < RANK_ROWS; i++) {
        free_summary(k->s[i]);
        cs_model_free(k->m[i]);
        if (k->vs[i] != NULL)
            free(k->vs[i]->promise);
        free(k->vs[i]);
    }
}

static void assert_ranks(const cs_report *r, const unsigned *want)
{
    unsigned got[RANK_ROWS];
    cs_error err;

    cs_error_clear(&err);
    ck_assert_int_eq(cs_report_rank(r, got, &err), CS_OK);
    for (size_t i = 0; i < r->nrows; i++)
        ck_assert_msg(got[i] == want[i], "row %zu (%s): rank %u, expected %u",
                      i, r->rows[i].summary->model->variant, got[i], want[i]);
}

START_TEST(test_rank_order)
{
    ranked k;

    ranked_init(&k);
    assert_ranks(&k.r, rank_expected);
    /* A run ranks its rows the same way (they are the alternatives). */
    k.r.command = "run";
    assert_ranks(&k.r, rank_expected);
    ranked_fini(&k);
}
END_TEST

/* In a compare, rows are ranked within their sweep point only. */
START_TEST(test_rank_groups)
{
    /* points x: baseline a b c, then y: baseline(d) e f */
    static const unsigned compare_want[RANK_ROWS] = {4, 1, 2, 3, 2, 1, 3};
    static const unsigned run_want[RANK_ROWS] = {6, 1, 2, 5, 4, 2, 7};
    ranked k;

    ranked_init(&k);
    free(k.m[4]->variant);
    k.m[4]->variant = dup("baseline");
    k.rows[4].vs = NULL;
    k.vary[0] = "teams.modelling.capacity";
    for (int i = 0; i < RANK_ROWS; i++) {
        k.point[i][0] = i < 4 ? "x" : "y";
        k.rows[i].point = k.point[i];
    }
    k.r.vary = k.vary;
    k.r.nvary = 1;
    assert_ranks(&k.r, compare_want);
    k.r.command = "run";
    assert_ranks(&k.r, run_want);
    /* A baseline starts a group even at the same point (--vary x=1,1). */
    k.r.command = "compare";
    k.point[4][0] = k.point[5][0] = k.point[6][0] = "x";
    assert_ranks(&k.r, compare_want);
    ranked_fini(&k);
}
END_TEST

/* The same ranks in JSON, CSV and the table's ranked block. */
/*
** Rows are ranked on the baseline's promises only: a variant that adds a
** promise it keeps, but does worse on the one it shares, ranks after the
** baseline (it ranked first when every promise counted); a promise the
** variant defines otherwise counts as not met, and is flagged.
*/
START_TEST(test_rank_on_baseline_promises)
{
    fixture f;
    unsigned rank[2];
    cs_error err;
    char *text;

    memset(&f, 0, sizeof f);
    fixture_init(&f, "extra-promise", 0, 0);
    /* the baseline keeps only the shared promise (its second: not met) */
    f.m[0]->npromises = 1;
    free(f.m[0]->promises[1].name);
    f.s[1]->promises[0].achieved = ci_of(0.69, 0.70, 0.71);
    f.s[1]->promises[0].verdict = CS_VERDICT_NOT_MET;
    f.s[1]->promises[1].verdict = CS_VERDICT_MET;
    f.s[1]->cost_per_day = f.s[0]->cost_per_day - 1;   /* cheaper, too */
    ck_assert_int_eq(cs_report_rank(&f.r, rank, &err), CS_OK);
    ck_assert_uint_eq(rank[0], 1);
    ck_assert_uint_eq(rank[1], 2);
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_msg(strstr(text, "0 met, 1 NOT MET +1 own") != NULL, "%s", text);
    /* with the better worst margin, the variant ranks first */
    f.s[1]->promises[0].achieved = ci_of(0.82, 0.83, 0.84);
    ck_assert_int_eq(cs_report_rank(&f.r, rank, &err), CS_OK);
    ck_assert_uint_eq(rank[0], 2);
    ck_assert_uint_eq(rank[1], 1);
    f.s[1]->promises[0].achieved = ci_of(0.69, 0.70, 0.71);
    ck_assert_msg(strstr(text, "own: the variant's own promises") != NULL,
                  "%s", text);
    free(text);
    /* redefined (30d -> 45d) and kept: still not met, and flagged */
    f.m[1]->promises[0].within = 45;
    f.s[1]->promises[0].achieved = ci_of(0.95, 0.96, 0.97);
    f.s[1]->promises[0].verdict = CS_VERDICT_MET;
    ck_assert_int_eq(cs_report_rank(&f.r, rank, &err), CS_OK);
    ck_assert_uint_eq(rank[1], 2);
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_msg(strstr(text, "0 met, 1 NOT MET (1 changed) +1 own") != NULL,
                  "%s", text);
    free(text);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_rank_outputs)
{
    ranked k;
    char *text;
    json_t *root, *vars;
    csvdoc d;
    const char *order[] = {"a", "b", "e", "d", "c", "baseline", "f"};
    const char *prev;

    ranked_init(&k);
    text = render(&k.r, CS_FORMAT_JSON);
    root = parse_json(text);
    vars = get(root, "variants");
    ck_assert(json_is_true(get(root, "common_random_numbers")));
    for (size_t i = 0; i < RANK_ROWS; i++) {
        const json_t *rk = get(json_array_get(vars, i), "rank");
        ck_assert(json_is_integer(rk));
        ck_assert_int_eq(json_integer_value(rk), rank_expected[i]);
    }
    json_decref(root);
    free(text);
    text = render(&k.r, CS_FORMAT_CSV);
    csv_parse(text, &d);
    for (int i = 0; i < RANK_ROWS; i++)
        ck_assert_uint_eq((unsigned)atoi(d.f[i + 1][column(&d, "rank")]),
                          rank_expected[i]);
    csv_free(&d);
    free(text);
    /* The table lists the rows best first, each line starting its rank. */
    text = render(&k.r, CS_FORMAT_TABLE);
    assert_no_nan_inf(text);
    prev = strstr(text, "rank  variant");
    ck_assert_ptr_nonnull(prev);
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        char line[64];
        const unsigned want[] = {1, 2, 2, 4, 5, 6, 7};
        snprintf(line, sizeof line, "\n%u     %s ", want[i], order[i]);
        const char *at = strstr(prev, line);
        ck_assert_msg(at != NULL, "no line '%s' after the previous one:\n%s",
                      line + 1, text);
        prev = at + 1;
    }
    ck_assert_ptr_nonnull(strstr(text, "1 met, 1 uncertain"));
    ck_assert_ptr_nonnull(strstr(text, "2 met"));
    ck_assert_ptr_nonnull(strstr(text, "9 +5"));       /* a's cost, +5 */
    free(text);
    k.r.independent = 1;
    text = render(&k.r, CS_FORMAT_JSON);
    root = parse_json(text);
    ck_assert(json_is_false(get(root, "common_random_numbers")));
    json_decref(root);
    free(text);
    text = render(&k.r, CS_FORMAT_TABLE);
    ck_assert_ptr_nonnull(strstr(text, "independent streams"));
    free(text);
    ranked_fini(&k);
}
END_TEST

/* Where the bottleneck moved: named in full when the block fits 100 columns. */
START_TEST(test_rank_bottleneck_moved)
{
    fixture f;
    char *text, *line, *end;

    fixture_init(&f, "platform-team", 0, 0);
    f.s[1]->bottleneck = 0;
    f.s[0]->promises[1].verdict = CS_VERDICT_NOT_MET;
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_ptr_nonnull(strstr(text, "0 met, 2 NOT MET"));
    ck_assert_ptr_nonnull(strstr(text, "ingestion (moved from modelling)"));
    ck_assert_ptr_null(strstr(text, "(moved):"));
    free(text);
    /* A longer name: "moved" alone, so the block stays within 100 columns. */
    free(f.m[1]->variant);
    f.m[1]->variant = dup("platform-team-larger");
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_ptr_null(strstr(text, "moved from"));
    ck_assert_ptr_nonnull(strstr(text, "ingestion (moved)"));
    ck_assert_ptr_nonnull(strstr(text, "(moved): the bottleneck is not the "
                                       "baseline's"));
    line = strstr(text, "rank  variant");
    end = strstr(line, "\nrank:");
    ck_assert_ptr_nonnull(end);
    for (char *p = line; p < end;) {
        char *nl = strchr(p, '\n');
        ck_assert_msg(nl - p <= 100, "line over 100 columns: %.*s",
                      (int)(nl - p), p);
        p = nl + 1;
    }
    free(text);
    fixture_fini(&f);
}
END_TEST

/* ---- misc ----------------------------------------------------------- */

START_TEST(test_write_error)
{
    fixture f;
    FILE *ro = fopen("/dev/null", "r");   /* writes fail */
    cs_error err;

    ck_assert_ptr_nonnull(ro);
    fixture_init(&f, "platform-team", 0, 0);
    for (int fmt = CS_FORMAT_TABLE; fmt <= CS_FORMAT_JSON; fmt++) {
        cs_error_clear(&err);
        ck_assert_int_eq(cs_report_write(ro, (cs_format)fmt, &f.r, &err),
                         CS_EIO);
        ck_assert_int_eq(err.status, CS_EIO);
        clearerr(ro);
    }
    fclose(ro);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_names)
{
    ck_assert_int_eq(cs_report_format_parse("table"), CS_FORMAT_TABLE);
    ck_assert_int_eq(cs_report_format_parse("csv"), CS_FORMAT_CSV);
    ck_assert_int_eq(cs_report_format_parse("json"), CS_FORMAT_JSON);
    ck_assert_int_eq(cs_report_format_parse("JSON"), -1);
    ck_assert_int_eq(cs_report_format_parse(""), -1);
    ck_assert_int_eq(cs_report_format_parse(NULL), -1);
}
END_TEST

/* Same input, same bytes (nothing depends on threads or timing). */
START_TEST(test_deterministic)
{
    fixture f;

    fixture_init(&f, "platform-team", 0, 0);
    for (int fmt = CS_FORMAT_TABLE; fmt <= CS_FORMAT_JSON; fmt++) {
        char *a = render(&f.r, (cs_format)fmt);
        char *b;
        f.r.threads = 1;
        b = render(&f.r, (cs_format)fmt);
        f.r.threads = 4;
        ck_assert_str_eq(a, b);
        free(a);
        free(b);
    }
    fixture_fini(&f);
}
END_TEST

static Suite *report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *rank = tcase_create("rank");
    TCase *misc = tcase_create("misc");

    tcase_add_test(rank, test_rank_order);
    tcase_add_test(rank, test_rank_groups);
    tcase_add_test(rank, test_rank_outputs);
    tcase_add_test(rank, test_rank_on_baseline_promises);
    tcase_add_test(rank, test_rank_bottleneck_moved);
    tcase_add_test(misc, test_write_error);
    tcase_add_test(misc, test_names);
    tcase_add_test(misc, test_deterministic);
    suite_add_tcase(s, rank);
    suite_add_tcase(s, misc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(report_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
