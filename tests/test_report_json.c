/*
** test_report_json.c - the report as JSON: SPEC 3's fields and types
** (read back with jansson), undefined values as null, sweep points, an
** empty report.
*/
#include "report_fixture.h"

/* SPEC 3's fields of one variant: the chain and its classes. */
static void assert_variant_chain(const json_t *v)
{
    const json_t *lt = get(v, "lead_time"), *cls;

    ck_assert(json_is_string(get(v, "name")));
    ck_assert(json_is_integer(get(v, "replications")));
    ck_assert_int_eq(json_integer_value(get(v, "replications")), 3);
    assert_num(lt, "mean");
    assert_ci95(get(lt, "ci95"), "lead_time");
    assert_num(lt, "p50");
    assert_num(lt, "p85");
    ck_assert(json_is_null(get(lt, "p95")));        /* NaN -> null */
    cls = get(get(lt, "classes"), "data-product");
    assert_num(cls, "mean");
    assert_ci95(get(cls, "ci95"), "class");
    assert_num(cls, "p85");
    cls = get(get(lt, "classes"), "report");        /* no lead times */
    ck_assert(json_is_null(get(cls, "mean")));
    ck_assert(json_is_null(get(cls, "ci95")));
    ck_assert(json_is_null(get(cls, "p85")));
    assert_num(get(v, "throughput_per_day"), "mean");
    assert_ci95(get(get(v, "throughput_per_day"), "ci95"), "throughput");
    assert_num(get(v, "wip"), "mean");
    assert_num(v, "flow_efficiency");
}

/* SPEC 3's fields of one variant: teams and promises. */
static void assert_variant_teams_promises(const json_t *v)
{
    const json_t *teams = get(v, "teams"), *proms = get(v, "promises");

    ck_assert_uint_eq(json_object_size(teams), 2);
    for (int t = 0; t < 2; t++) {
        const json_t *k = get(teams, t == 0 ? "ingestion" : "modelling");
        assert_num(k, "utilization");
        assert_num(k, "queue_wait_mean");
        assert_num(k, "queue_length_mean");
        assert_num(k, "blocked_fraction");
    }
    ck_assert(json_is_array(proms));
    ck_assert_uint_eq(json_array_size(proms), 2);
    for (size_t p = 0; p < 2; p++) {
        const json_t *e = json_array_get(proms, p);
        const char *verdict = json_string_value(get(e, "verdict"));
        ck_assert(json_is_string(get(e, "name")));
        assert_num(e, "target");
        assert_num(e, "achieved");
        assert_ci95(get(e, "ci95"), "promise");
        ck_assert_ptr_nonnull(verdict);
        ck_assert(strcmp(verdict, "met") == 0 ||
                  strcmp(verdict, "not met") == 0 ||
                  strcmp(verdict, "uncertain") == 0);
    }
    ck_assert(json_number_value(get(json_array_get(proms, 0), "target")) ==
              0.85);
}

START_TEST(test_json_spec_fields)
{
    fixture f;
    char *text;
    json_t *root, *vars;

    fixture_init(&f, "platform-team", 0, 0);
    text = render(&f.r, CS_FORMAT_JSON);
    assert_no_nan_inf(text);
    root = parse_json(text);
    vars = get(root, "variants");
    ck_assert(json_is_array(vars));
    ck_assert_uint_eq(json_array_size(vars), 2);
    ck_assert_str_eq(json_string_value(get(root, "scenario")), "BI chain");
    ck_assert_int_eq(json_integer_value(get(root, "seed")), 1);
    ck_assert(json_is_false(get(root, "partial")));
    for (size_t i = 0; i < 2; i++) {
        const json_t *v = json_array_get(vars, i);
        assert_variant_chain(v);
        assert_variant_teams_promises(v);
    }
    /* the baseline against itself: exactly 0, interval [0, 0] */
    {
        const json_t *vs = get(json_array_get(vars, 0), "vs_baseline");
        const json_t *ci = get(vs, "ci95");
        ck_assert(json_number_value(get(vs, "lead_time_mean_diff")) == 0.0);
        ck_assert(json_number_value(json_array_get(ci, 0)) == 0.0);
        ck_assert(json_number_value(json_array_get(ci, 1)) == 0.0);
    }
    {
        const json_t *vs = get(json_array_get(vars, 1), "vs_baseline");
        const json_t *pd = get(vs, "promises");
        assert_num(vs, "lead_time_mean_diff");
        assert_ci95(get(vs, "ci95"), "vs_baseline");
        ck_assert(json_is_true(get(vs, "significant")));
        ck_assert(json_number_value(get(vs, "confidence")) == 0.95);
        ck_assert_uint_eq(json_array_size(pd), 2);
        ck_assert(json_is_null(get(json_array_get(pd, 1), "diff")));
        ck_assert(json_is_null(get(json_array_get(pd, 1), "ci95")));
    }
    ck_assert_str_eq(
        json_string_value(get(json_array_get(vars, 0), "name")), "baseline");
    json_decref(root);
    free(text);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_json_undefined_and_extras)
{
    fixture f;
    char *text;
    json_t *root, *v, *cls;

    fixture_init(&f, "platform-team", 0, 0);
    f.s[0]->classes[0].lead_time = ci_one(20);
    f.s[0]->flow_efficiency = NAN;
    f.s[0]->lead_time.mean = INFINITY;
    f.r.partial = 1;
    text = render(&f.r, CS_FORMAT_JSON);
    assert_no_nan_inf(text);
    root = parse_json(text);
    v = json_array_get(get(root, "variants"), 0);
    ck_assert(json_is_null(get(v, "flow_efficiency")));
    ck_assert(json_is_null(get(get(v, "lead_time"), "mean")));
    ck_assert(json_is_true(get(root, "partial")));
    /* An interval over one value is null, its mean is not. */
    cls = get(get(get(v, "lead_time"), "classes"), "data-product");
    ck_assert(json_number_value(get(cls, "mean")) == 20.0);
    ck_assert(json_is_null(get(cls, "ci95")));
    ck_assert_str_eq(json_string_value(get(get(v, "bottleneck"), "team")),
                     "modelling");
    assert_num(v, "cost_per_day");
    ck_assert(json_number_value(get(v, "cost_per_day")) == 4.0);
    ck_assert(json_number_value(get(v, "warmup")) == 40.0);
    ck_assert(json_number_value(get(v, "horizon")) == 260.0);
    json_decref(root);
    free(text);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_json_vary_point)
{
    fixture f;
    char *text;
    json_t *root, *pt;

    fixture_init(&f, "platform-team", 0, 0);
    f.vary[0] = "teams.ingestion.capacity";
    f.point[0][0] = "2";
    f.point[1][0] = "3";
    f.rows[0].point = f.point[0];
    f.rows[1].point = f.point[1];
    f.r.vary = f.vary;
    f.r.nvary = 1;
    text = render(&f.r, CS_FORMAT_JSON);
    root = parse_json(text);
    pt = get(json_array_get(get(root, "variants"), 1), "point");
    ck_assert_str_eq(json_string_value(get(pt, "teams.ingestion.capacity")),
                     "3");
    json_decref(root);
    free(text);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_json_empty)
{
    fixture f;
    char *text;
    json_t *root;

    fixture_init(&f, "platform-team", 0, 0);
    f.r.nrows = 0;
    text = render(&f.r, CS_FORMAT_JSON);
    root = parse_json(text);
    ck_assert_uint_eq(json_array_size(get(root, "variants")), 0);
    json_decref(root);
    free(text);
    fixture_fini(&f);
}
END_TEST

/* wip_breaks: the mean per replication, only on teams with a WIP limit. */
START_TEST(test_json_wip_breaks)
{
    fixture f;
    char *text;
    json_t *root, *vars;

    fixture_init(&f, "platform-team", 0, 0);
    f.s[1]->teams[0].wip_breaks = ci_of(1, 2, 3);
    f.s[0]->teams[0].wip_breaks = ci_of(0, 0, 0);
    text = render(&f.r, CS_FORMAT_JSON);
    root = parse_json(text);
    vars = get(root, "variants");
    for (size_t i = 0; i < 2; i++) {
        const json_t *teams = get(json_array_get(vars, i), "teams");
        ck_assert(json_number_value(get(get(teams, "ingestion"),
                                        "wip_breaks")) == (i == 0 ? 0 : 2));
        ck_assert_ptr_null(json_object_get(get(teams, "modelling"),
                                           "wip_breaks"));
    }
    json_decref(root);
    free(text);
    fixture_fini(&f);
}
END_TEST

/* A number, or null when expect is NaN. */
static void assert_num_or_null(const json_t *obj, const char *key,
                               double expect)
{
    const json_t *v = get(obj, key);

    if (isnan(expect))
        ck_assert_msg(json_is_null(v), "%s is not null", key);
    else
        ck_assert_msg(json_is_number(v) && json_number_value(v) == expect,
                      "%s: %g, not %g", key, json_number_value(v), expect);
}

/*
** SPEC 4.4 and 4.5 in JSON: completion with its classes (null where a
** percentile falls on a replication that did not finish), a done_by
** promise with its Wilson interval, the timeline's periods and teams,
** the scheduled team's capacity_mean; none of these on a variant that
** does not use them.
*/
START_TEST(test_json_board_timeline)
{
    fixture f;
    char *text;
    json_t *root, *v, *c, *p, *per, *tl;

    fixture_init(&f, "platform-team", 0, 0);
    add_board(f.m[0], f.s[0]);
    text = render(&f.r, CS_FORMAT_JSON);
    assert_no_nan_inf(text);
    root = parse_json(text);
    v = json_array_get(get(root, "variants"), 0);
    c = get(v, "completion");
    ck_assert_int_eq(json_integer_value(get(c, "items")), 18);
    assert_num_or_null(c, "done_share", 0.9);
    assert_num_or_null(get(c, "day"), "mean", NAN);
    assert_num_or_null(get(c, "day"), "p50", 120.5);
    assert_num_or_null(get(c, "day"), "p85", NAN);
    assert_num_or_null(get(c, "day"), "p95", NAN);
    ck_assert_uint_eq(json_object_size(get(c, "classes")), 2);
    c = get(get(c, "classes"), "data-product");
    ck_assert_int_eq(json_integer_value(get(c, "items")), 12);
    assert_num_or_null(c, "done_share", 1.0);
    assert_num_or_null(get(c, "day"), "mean", 101.25);
    assert_num_or_null(get(c, "day"), "p95", 115);
    p = json_array_get(get(v, "promises"), 1);
    ck_assert_str_eq(json_string_value(get(p, "kind")), "done_by");
    assert_num_or_null(p, "done_by", 120);
    assert_num_or_null(p, "achieved", 0.85);
    ck_assert_ptr_null(json_object_get(p, "per"));
    ck_assert_double_eq_tol(json_number_value(json_array_get(get(p, "ci95"),
                                                             0)),
                            0.6395811352592431, 1e-12);
    ck_assert_str_eq(json_string_value(get(p, "verdict")), "uncertain");
    assert_num_or_null(get(get(v, "teams"), "ingestion"), "capacity_mean",
                       3.4);
    ck_assert_ptr_null(json_object_get(get(get(v, "teams"), "modelling"),
                                       "capacity_mean"));
    tl = get(v, "timeline");
    assert_num_or_null(tl, "period", 100);
    per = get(tl, "periods");
    ck_assert_uint_eq(json_array_size(per), 3);
    p = json_array_get(per, 0);
    assert_num_or_null(p, "from", 0);
    assert_num_or_null(p, "to", 100);
    assert_num_or_null(p, "arrived", 52);
    assert_num_or_null(p, "done", 41);
    assert_ci95(get(p, "done_ci95"), "done");
    assert_num_or_null(p, "wip", 12);
    assert_num_or_null(p, "lead_time_mean", 21);
    assert_ci95(get(p, "lead_time_ci95"), "lead time");
    assert_num_or_null(p, "lead_time_p85", 33.5);
    assert_num_or_null(get(get(p, "teams"), "ingestion"), "utilization", 0.6);
    assert_num_or_null(get(get(p, "teams"), "ingestion"), "wip", 2);
    assert_num_or_null(get(get(p, "teams"), "ingestion"), "capacity", 2);
    p = json_array_get(per, 2);
    assert_num_or_null(p, "to", 260);
    assert_num_or_null(p, "done", 0);
    assert_num_or_null(p, "lead_time_mean", NAN);
    ck_assert(json_is_null(get(p, "lead_time_ci95")));
    assert_num_or_null(p, "lead_time_p85", NAN);
    assert_num_or_null(get(get(p, "teams"), "ingestion"), "capacity", 4);
    /* the variant has neither */
    v = json_array_get(get(root, "variants"), 1);
    ck_assert_ptr_null(json_object_get(v, "completion"));
    ck_assert_ptr_null(json_object_get(v, "timeline"));
    ck_assert_str_eq(json_string_value(get(json_array_get(get(v, "promises"),
                                                          1), "kind")),
                     "throughput");
    json_decref(root);
    free(text);
    fixture_fini(&f);
}
END_TEST

static Suite *report_json_suite(void)
{
    Suite *s = suite_create("report_json");
    TCase *json = tcase_create("json");

    tcase_add_test(json, test_json_spec_fields);
    tcase_add_test(json, test_json_undefined_and_extras);
    tcase_add_test(json, test_json_vary_point);
    tcase_add_test(json, test_json_empty);
    tcase_add_test(json, test_json_wip_breaks);
    tcase_add_test(json, test_json_board_timeline);
    suite_add_tcase(s, json);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(report_json_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
