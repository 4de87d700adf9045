/*
** test_variant.c - variants, their patches and --set overrides: the
** models they build, where their errors point, and copies of a loaded
** scenario (cs_scenario_clone) that sweeps derive their points from.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/scenario.h"
#include "chainsim/variant.h"
#include "scenario_util.h"

/* ---- variants, patches, overrides ------------------------------------ */

static const char VARIANTS[] =
    "chainsim: 1\n"
    "name: v\n"
    "teams:\n"
    "  - {name: ingestion, capacity: 2}\n"
    "  - {name: governance, capacity: 1}\n"
    "  - {name: reporting, capacity: 2}\n"
    "work:\n"
    "  - name: w\n"
    "    arrivals: {rate: 1/d}\n"
    "    steps:\n"
    "      - {team: ingestion, effort: 1d}\n"
    "      - {team: reporting, effort: 1d}\n"
    "promise:\n"
    "  - {name: p, within: 5d, percentile: 80}\n"
    "variants:\n"
    "  - name: bigger\n"
    "    hypothesis: >\n"
    "      more people\n"
    "    patch:\n"
    "      teams:\n"
    "        - {name: ingestion, capacity: 5}\n"
    "        - {name: platform, capacity: 3, type: platform}\n"
    "  - name: no-governance\n"
    "    patch:\n"
    "      teams: {governance: null, reporting: {wip_limit: 4}}\n"
    "  - name: same\n";

START_TEST(test_variants_build)
{
    cs_scenario *s = load_ok(VARIANTS);
    cs_model *m;

    ck_assert_uint_eq(cs_variant_count(s), 3);
    ck_assert_str_eq(cs_variant_name(s, 0), "bigger");
    ck_assert_str_eq(cs_variant_name(s, 2), "same");
    ck_assert_ptr_null(cs_variant_name(s, 3));
    ck_assert_int_eq(cs_variant_index(s, "no-governance"), 1);
    ck_assert_int_eq(cs_variant_index(s, "baseline"), -1);
    ck_assert_int_eq(cs_variant_index(s, "nope"), -1);

    m = build_ok(s, 0);                 /* capacity changed, team added */
    ck_assert_str_eq(m->variant, "bigger");
    ck_assert_str_eq(m->hypothesis, "more people");
    ck_assert_int_eq(m->nteams, 4);
    ck_assert_int_eq(team(m, "ingestion")->capacity, 5);
    ck_assert_str_eq(m->teams[3].name, "platform");
    ck_assert_int_eq(m->teams[3].capacity, 3);
    ck_assert_int_eq(m->teams[3].type, CS_TEAM_PLATFORM);
    ck_assert_int_eq(m->teams[3].pos.line, 22);
    cs_model_free(m);

    m = build_ok(s, 1);                 /* team removed by keyed null */
    ck_assert_int_eq(m->nteams, 2);
    ck_assert_int_eq(cs_model_team_index(m, "governance"), -1);
    ck_assert_int_eq(team(m, "reporting")->wip_limit, 4);
    ck_assert_int_eq(team(m, "ingestion")->capacity, 2);
    ck_assert_ptr_null(m->hypothesis);
    cs_model_free(m);

    m = build_ok(s, 2);                 /* no patch: the base */
    ck_assert_str_eq(m->variant, "same");
    ck_assert_int_eq(m->nteams, 3);
    cs_model_free(m);

    m = build_ok(s, -1);                /* the base is untouched */
    ck_assert_str_eq(m->variant, "baseline");
    ck_assert_int_eq(m->nteams, 3);
    ck_assert_int_eq(team(m, "ingestion")->capacity, 2);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_variant_out_of_range)
{
    cs_scenario *s = load_ok(VARIANTS);
    cs_model *m = NULL;
    cs_error err;

    ck_assert_int_eq(cs_variant_build(s, 3, &m, &err), CS_EINPUT);
    ck_assert_ptr_null(m);
    ck_assert_int_eq(cs_variant_build(s, -2, &m, &err), CS_EINPUT);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_override_after_patch)
{
    cs_scenario *s = load_ok(VARIANTS);
    cs_error err;
    cs_model *m;

    ck_assert_int_eq(cs_variant_add_override(
                         s, "teams.ingestion.capacity=7", &err), CS_OK);
    m = build_ok(s, -1);
    ck_assert_int_eq(team(m, "ingestion")->capacity, 7);
    cs_model_free(m);
    m = build_ok(s, 0);                 /* the patch says 5; --set wins */
    ck_assert_int_eq(team(m, "ingestion")->capacity, 7);
    ck_assert_int_eq(team(m, "platform")->capacity, 3);
    cs_model_free(m);
    /* later overrides apply after earlier ones */
    ck_assert_int_eq(cs_variant_add_override(
                         s, "teams.ingestion.capacity=8", &err), CS_OK);
    ck_assert_int_eq(cs_variant_add_override(
                         s, "work.w.arrivals={rate: 2/w}", &err), CS_OK);
    m = build_ok(s, 1);
    ck_assert_int_eq(team(m, "ingestion")->capacity, 8);
    ck_assert_double_eq_tol(m->classes[0].rate, 0.4, EPS);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_override_errors)
{
    cs_scenario *s = load_ok(VARIANTS);
    cs_error err;
    cs_model *m;

    /* a typo in a name: an error naming the argument, with a hint */
    ck_assert_int_eq(cs_variant_add_override(
                         s, "teams.ingestoin.capacity=3", &err), CS_EINPUT);
    ck_assert_int_eq(err.line, 0);
    ck_assert_ptr_nonnull(strstr(err.msg, "--set teams.ingestoin.capacity=3"));
    ck_assert_ptr_nonnull(strstr(err.msg, "did you mean 'ingestion'"));
    ck_assert_int_eq(cs_variant_add_override(s, "horizon", &err), CS_EINPUT);
    /* rejected overrides are not kept */
    m = build_ok(s, -1);
    ck_assert_int_eq(team(m, "ingestion")->capacity, 2);
    cs_model_free(m);
    /* a bad value: accepted as a path, reported against the argument when
       the model is built */
    ck_assert_int_eq(cs_variant_add_override(
                         s, "teams.ingestion.capacity=0", &err), CS_OK);
    m = NULL;
    ck_assert_int_eq(cs_variant_build(s, -1, &m, &err), CS_EINPUT);
    ck_assert_ptr_null(m);
    ck_assert_str_eq(err.file, "--set teams.ingestion.capacity=0");
    ck_assert_int_eq(err.line, 0);
    ck_assert_ptr_nonnull(strstr(err.msg, "capacity must be an integer"));
    cs_scenario_free(s);
}
END_TEST

/* Overrides are validated together: removing a named list and setting a
** new one replaces it, though the model between the two has no promise. */
START_TEST(test_override_replace_list)
{
    cs_scenario *s = load_ok(VARIANTS);
    cs_error err;
    cs_model *m;

    ck_assert_int_eq(cs_variant_add_override(s, "promise=null", &err), CS_OK);
    ck_assert_int_eq(cs_variant_add_override(
                         s, "promise=[{name: only, within: 9d, percentile: 50}]",
                         &err), CS_OK);
    m = build_ok(s, -1);
    ck_assert_int_eq(m->npromises, 1);
    ck_assert_str_eq(m->promises[0].name, "only");
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

/* A path through a team only a variant adds is accepted; building a model
** without that team is then an error naming the argument. */
START_TEST(test_override_variant_only)
{
    cs_scenario *s = load_ok(VARIANTS);
    cs_model *m = NULL;
    cs_error err;

    ck_assert_int_eq(cs_variant_add_override(
                         s, "teams.platform.capacity=4", &err), CS_OK);
    m = build_ok(s, 0);
    ck_assert_int_eq(team(m, "platform")->capacity, 4);
    cs_model_free(m);
    m = NULL;
    ck_assert_int_eq(cs_variant_build(s, -1, &m, &err), CS_EINPUT);
    ck_assert_ptr_null(m);
    ck_assert_ptr_nonnull(strstr(err.msg, "--set teams.platform.capacity=4"));
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_variant_patch_error_located)
{
    static const char patch[] =
        "variants:\n"
        "  - name: fine\n"
        "  - name: broken\n"
        "    patch:\n"
        "      teams:\n"
        "        - name: b\n"
        "          focus: 2\n";
    char text[sizeof BASE + sizeof patch];

    snprintf(text, sizeof text, "%s%s", BASE, patch);
    expect_error("patch.yaml", text, 20, 18,
                 "focus must be a number in (0, 1], got '2' (in variant "
                 "'broken')");
}
END_TEST


static Suite *variant_suite(void)
{
    Suite *s = suite_create("variant");
    TCase *variants = tcase_create("variants");

    tcase_add_test(variants, test_variants_build);
    tcase_add_test(variants, test_variant_out_of_range);
    tcase_add_test(variants, test_override_after_patch);
    tcase_add_test(variants, test_override_errors);
    tcase_add_test(variants, test_override_replace_list);
    tcase_add_test(variants, test_override_variant_only);
    tcase_add_test(variants, test_variant_patch_error_located);
    suite_add_tcase(s, variants);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(variant_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
