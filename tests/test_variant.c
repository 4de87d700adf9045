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

/* Overrides added together: as many single calls, in order, up to the
** first that no model's document takes. */
START_TEST(test_overrides_together)
{
    const char *const sets[] = {
        "teams.platform.capacity=4",   /* only variant 'bigger' has it */
        "teams.ingestion.capacity=6",
        "teams.nosuch.capacity=1",     /* no model has it */
        "teams.ingestion.capacity=9",
    };
    const char *const more[] = {"seed=3", "variants=null", "seed=4"};
    cs_scenario *s = load_ok(VARIANTS);
    cs_error err;
    cs_model *m;

    ck_assert_int_eq(cs_variant_add_overrides(s, sets, 2, &err), CS_OK);
    ck_assert_int_eq(cs_variant_add_overrides(s, sets + 2, 2, &err),
                     CS_EINPUT);
    /* the base's first failure, as the single calls report it */
    ck_assert_ptr_nonnull(strstr(err.msg, "--set teams.platform.capacity=4: "
                                 "'platform' is not an element of teams"));
    m = build_ok(s, 0);
    ck_assert_int_eq(team(m, "platform")->capacity, 4);
    ck_assert_int_eq(team(m, "ingestion")->capacity, 6);
    cs_model_free(m);
    /* the list of variants is refused; the overrides before it are kept */
    ck_assert_int_eq(cs_variant_add_overrides(s, more, 3, &err), CS_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "--set variants=null: the "
                                 "variants are read from the scenario"));
    m = build_ok(s, 0);
    ck_assert_uint_eq(m->seed, 3);
    cs_model_free(m);
    ck_assert_int_eq(cs_variant_add_overrides(s, NULL, 0, &err), CS_OK);
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


/* ---- a failing allocator, for the out-of-memory paths ---------------- */

/*
** malloc, calloc, realloc and free are replaced for this test program:
** when fail_at >= 0, the allocation numbered fail_at (counting from 0 when
** it was set) fails; live counts the blocks allocated and not freed, so a
** failed call can be checked to free all it allocated.  Check runs each
** test in its own process, so the counters start fresh.  Not under
** AddressSanitizer, which owns the allocator (tests/alloc covers the same
** paths there through the linker's --wrap).
*/
#if !defined(__SANITIZE_ADDRESS__)
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);

static long fail_at = -1;
static long allocs;
static long live;

static int should_fail(void)
{
    return fail_at >= 0 && allocs++ == fail_at;
}

void *malloc(size_t size)
{
    void *p = should_fail() ? NULL : __libc_malloc(size);

    live += p != NULL;
    return p;
}

void *calloc(size_t n, size_t size)
{
    void *p = should_fail() ? NULL : __libc_calloc(n, size);

    live += p != NULL;
    return p;
}

void *realloc(void *old, size_t size)
{
    void *p = should_fail() ? NULL : __libc_realloc(old, size);

    live += old == NULL && p != NULL;
    return p;
}

void free(void *p)
{
    live -= p != NULL;
    __libc_free(p);
}

static void fail_from(long n)
{
    allocs = 0;
    fail_at = n;
}
#endif

/* ---- copies of a loaded scenario ------------------------------------- */

/* The two models agree on what the scenario file and the overrides set. */
static void assert_same_model(const cs_model *a, const cs_model *b)
{
    ck_assert_str_eq(a->name, b->name);
    ck_assert_str_eq(a->variant, b->variant);
    ck_assert_int_eq(a->hypothesis == NULL, b->hypothesis == NULL);
    if (a->hypothesis != NULL)
        ck_assert_str_eq(a->hypothesis, b->hypothesis);
    ck_assert_double_eq(a->horizon, b->horizon);
    ck_assert_uint_eq(a->replications, b->replications);
    ck_assert_int_eq(a->nteams, b->nteams);
    for (int t = 0; t < a->nteams; t++) {
        ck_assert_str_eq(a->teams[t].name, b->teams[t].name);
        ck_assert_int_eq(a->teams[t].capacity, b->teams[t].capacity);
        ck_assert_int_eq(a->teams[t].wip_limit, b->teams[t].wip_limit);
        ck_assert_int_eq(a->teams[t].type, b->teams[t].type);
        ck_assert_int_eq(a->teams[t].pos.line, b->teams[t].pos.line);
    }
    ck_assert_int_eq(a->nclasses, b->nclasses);
    for (int c = 0; c < a->nclasses; c++) {
        ck_assert_str_eq(a->classes[c].name, b->classes[c].name);
        ck_assert_double_eq(a->classes[c].rate, b->classes[c].rate);
        ck_assert_int_eq(a->classes[c].nsteps, b->classes[c].nsteps);
    }
    ck_assert_int_eq(a->npromises, b->npromises);
}

/* Every model of a (the baseline and each variant) is the model of b. */
static void assert_same_models(const cs_scenario *a, const cs_scenario *b)
{
    ck_assert_uint_eq(cs_variant_count(a), cs_variant_count(b));
    for (long v = -1; v < (long)cs_variant_count(a); v++) {
        cs_model *ma = build_ok(a, v);
        cs_model *mb = build_ok(b, v);
        assert_same_model(ma, mb);
        cs_model_free(ma);
        cs_model_free(mb);
    }
}

static void add_ok(cs_scenario *s, const char *assignment)
{
    cs_error err;
    const cs_status st = cs_variant_add_override(s, assignment, &err);

    ck_assert_msg(st == CS_OK, "--set %s: %s", assignment, err.msg);
}

/* A clone with extra overrides builds what a fresh load with them does,
** and the original is unchanged, even once the clone is gone. */
START_TEST(test_clone_then_override)
{
    cs_scenario *s = load_ok(VARIANTS);
    cs_scenario *fresh = load_ok(VARIANTS);
    cs_scenario *plain = load_ok(VARIANTS);
    cs_scenario *c = NULL;
    cs_error err;

    add_ok(s, "horizon=100d");
    add_ok(fresh, "horizon=100d");
    add_ok(plain, "horizon=100d");
    ck_assert_int_eq(cs_scenario_clone(s, &c, &err), CS_OK);
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(cs_scenario_file(c), cs_scenario_file(s));
    ck_assert_ptr_ne(cs_scenario_file(c), cs_scenario_file(s));
    assert_same_models(c, s);                  /* the copy keeps overrides */
    add_ok(c, "teams.reporting.capacity=7");
    add_ok(c, "replications=3");
    add_ok(fresh, "teams.reporting.capacity=7");
    add_ok(fresh, "replications=3");
    assert_same_models(c, fresh);
    assert_same_models(s, plain);              /* the original is unchanged */
    cs_scenario_free(c);
    assert_same_models(s, plain);
    cs_scenario_free(s);
    cs_scenario_free(fresh);
    cs_scenario_free(plain);
}
END_TEST

/* The clone owns everything: it builds, and its errors name its file,
** once the original is freed. */
START_TEST(test_clone_outlives_original)
{
    cs_scenario *s = load_ok(VARIANTS);
    cs_scenario *fresh = load_ok(VARIANTS);
    cs_scenario *c = NULL;
    cs_model *m = NULL;
    cs_error err;

    ck_assert_int_eq(cs_scenario_clone(s, &c, NULL), CS_OK);
    cs_scenario_free(s);
    assert_same_models(c, fresh);
    ck_assert_int_eq(cs_variant_add_override(c, "teams.ingestoin.capacity=1",
                                             &err), CS_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "did you mean 'ingestion'"));
    add_ok(c, "teams.ingestion.capacity=not-a-number");
    ck_assert_int_eq(cs_variant_build(c, 0, &m, &err), CS_EINPUT);
    ck_assert_ptr_null(m);
    ck_assert_ptr_nonnull(strstr(err.msg, "(in variant 'bigger')"));
    ck_assert_str_eq(cs_scenario_file(c), "test.yaml");
    cs_scenario_free(c);
    cs_scenario_free(fresh);
}
END_TEST

/* Every allocation of a clone may fail: CS_ENOMEM, *out NULL, nothing
** left allocated, the original intact; then the clone succeeds. */
#if !defined(__SANITIZE_ADDRESS__)
START_TEST(test_clone_out_of_memory)
{
    cs_scenario *s = load_ok(VARIANTS);
    cs_scenario *plain = load_ok(VARIANTS);
    long n;

    add_ok(s, "teams.reporting.capacity=3");
    add_ok(plain, "teams.reporting.capacity=3");
    for (n = 0;; n++) {
        cs_scenario *c = (cs_scenario *)&n;   /* must be reset to NULL */
        const long before = live;
        cs_error err;
        cs_status st;

        fail_from(n);
        st = cs_scenario_clone(s, &c, &err);
        fail_from(-1);
        if (st == CS_OK) {
            ck_assert_ptr_nonnull(c);
            assert_same_models(c, plain);
            cs_scenario_free(c);
            ck_assert_int_eq(live, before);
            break;
        }
        ck_assert_int_eq(st, CS_ENOMEM);
        ck_assert_int_eq(err.status, CS_ENOMEM);
        ck_assert_ptr_null(c);
        ck_assert_msg(live == before, "allocation %ld failed: %ld blocks "
                      "leaked", n, live - before);
    }
    ck_assert_int_gt(n, 10);   /* the tree, names, variants, overrides */
    assert_same_models(s, plain);
    cs_scenario_free(s);
    cs_scenario_free(plain);
}
END_TEST
#endif

static Suite *variant_suite(void)
{
    Suite *s = suite_create("variant");
    TCase *variants = tcase_create("variants");

    tcase_add_test(variants, test_variants_build);
    tcase_add_test(variants, test_variant_out_of_range);
    tcase_add_test(variants, test_override_after_patch);
    tcase_add_test(variants, test_overrides_together);
    tcase_add_test(variants, test_override_errors);
    tcase_add_test(variants, test_override_replace_list);
    tcase_add_test(variants, test_override_variant_only);
    tcase_add_test(variants, test_variant_patch_error_located);
    tcase_add_test(variants, test_clone_then_override);
    tcase_add_test(variants, test_clone_outlives_original);
#if !defined(__SANITIZE_ADDRESS__)
    tcase_add_test(variants, test_clone_out_of_memory);
#endif
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
