/*
** test_reader.c - the typed value readers on their own: each reader's
** accepted forms, its refusals with their messages and positions, and the
** named-list reader's duplicate check.
*/
#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/dist.h"
#include "chainsim/doc.h"
#include "chainsim/error.h"
#include "chainsim/node.h"
#include "chainsim/reader.h"

static cs_doc *doc;

/* The value under key of the document loaded from text (a mapping). */
static const cs_node *value(const char *text, const char *key)
{
    cs_error err;
    const cs_node *n;

    cs_doc_free(doc);
    doc = NULL;
    ck_assert_int_eq(cs_doc_load_string("r.yaml", text, strlen(text), &doc,
                                        &err), CS_OK);
    n = cs_node_get(doc->root, key);
    ck_assert_ptr_nonnull(n);
    return n;
}

static void teardown(void)
{
    cs_doc_free(doc);
    doc = NULL;
}

/* err is an input error at line:column whose message has part. */
static void assert_err(const cs_error *err, int line, int column,
                       const char *part)
{
    ck_assert_int_eq(err->status, CS_EINPUT);
    ck_assert_msg(err->line == line && err->column == column,
                  "error at %d:%d, expected %d:%d (%s)", err->line,
                  err->column, line, column, err->msg);
    ck_assert_msg(strstr(err->msg, part) != NULL, "message '%s' lacks '%s'",
                  err->msg, part);
}

static cs_reader reader_for(cs_error *err)
{
    cs_reader r;

    r.err = err;
    r.dir = ".";
    r.units = cs_units_default();
    return r;
}

START_TEST(test_check_keys)
{
    static const char *const allowed[] = {"name", "capacity", NULL};
    const cs_node *m = value("t: {name: a, capacty: 2}\n", "t");
    cs_error err;

    cs_error_clear(&err);
    ck_assert_int_eq(cs_reader_check_keys(m, allowed, "team", &err),
                     CS_EINPUT);
    assert_err(&err, 1, 14, "unknown key 'capacty' in team (did you mean "
               "'capacity'?)");
    m = value("t: {name: a, capacity: gamma(mean=4d, cv=0.5)}\n", "t");
    ck_assert_int_eq(cs_reader_check_keys(m, allowed, "step", &err),
                     CS_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "quote a distribution"));
    m = value("t: {name: a, zzz: 1}\n", "t");
    ck_assert_int_eq(cs_reader_check_keys(m, allowed, "team", &err),
                     CS_EINPUT);
    ck_assert_str_eq(err.msg, "unknown key 'zzz' in team");
    m = value("t: {name: a, capacity: 1}\n", "t");
    ck_assert_int_eq(cs_reader_check_keys(m, allowed, "team", &err), CS_OK);
}
END_TEST

START_TEST(test_kinds)
{
    const cs_node *m = value("t: {a: [1], b: ~, c: , d: x}\n", "t");
    cs_error err;

    ck_assert_ptr_null(cs_reader_need_key(m, "zz", "the team", &err));
    assert_err(&err, 1, 4, "the team is missing 'zz'");
    ck_assert_ptr_eq(cs_reader_need_key(m, "d", "the team", &err),
                     cs_node_get(m, "d"));
    ck_assert_uint_eq(cs_reader_key_index(m, "c"), 2);
    ck_assert_uint_eq(cs_reader_key_index(m, "nope"), 0);
    ck_assert_str_eq(cs_reader_got_kind(cs_node_get(m, "b")), "null");
    ck_assert_str_eq(cs_reader_got_kind(cs_node_get(m, "c")),
                     "an empty value");
    ck_assert_str_eq(cs_reader_got_kind(cs_node_get(m, "a")), "a list");
    ck_assert_int_eq(cs_reader_want_scalar(cs_node_get(m, "a"), "a", "text",
                                           &err), CS_EINPUT);
    ck_assert_str_eq(err.msg, "a must be text, got a list");
    ck_assert_int_eq(cs_reader_want_map(cs_node_get(m, "d"), "each team",
                                        &err), CS_EINPUT);
    ck_assert_str_eq(err.msg, "each team must be a mapping, got a scalar");
    ck_assert_int_eq(cs_reader_want_list(cs_node_get(m, "d"), "teams",
                                         "team", &err), CS_EINPUT);
    ck_assert_str_eq(err.msg, "teams must be a list of teams, got a scalar");
    m = value("t: []\n", "t");
    ck_assert_int_eq(cs_reader_want_list(m, "teams", "team", &err),
                     CS_EINPUT);
    ck_assert_str_eq(err.msg, "teams must list at least one team");
    m = value("t: [a, b, c]\n", "t");
    ck_assert_int_eq(cs_reader_check_length(m, 3, "teams", &err), CS_OK);
    ck_assert_int_eq(cs_reader_check_length(m, 2, "teams", &err),
                     CS_EINPUT);
    assert_err(&err, 1, 11, "too many teams: at most 2, got 3");
}
END_TEST

START_TEST(test_integers)
{
    cs_error err;
    long v = 0;
    int i = 0;

    ck_assert_int_eq(cs_reader_int(value("n: -12\n", "n"), "n", -20, 20, &v,
                                   &err), CS_OK);
    ck_assert_int_eq(v, -12);
    ck_assert_int_eq(cs_reader_int_field(value("n: +7\n", "n"), "n", 1,
                                         LONG_MAX, &i, &err), CS_OK);
    ck_assert_int_eq(i, 7);
    ck_assert_int_eq(cs_reader_int(value("n: 2.5\n", "n"), "n", 1, 10, &v,
                                   &err), CS_EINPUT);
    assert_err(&err, 1, 4, "n must be an integer from 1 to 10, got '2.5'");
    ck_assert_int_eq(cs_reader_int(value("n: 0\n", "n"), "n", 1, LONG_MAX,
                                   &v, &err), CS_EINPUT);
    ck_assert_str_eq(err.msg, "n must be an integer >= 1, got '0'");
    ck_assert_int_eq(cs_reader_int(value("n: 99999999999999999999\n", "n"),
                                   "n", 1, LONG_MAX, &v, &err), CS_EINPUT);
    ck_assert_int_eq(v, -12);   /* untouched on error */
}
END_TEST

/*
** 2^64 + 1 and 2^64 + 3 used to wrap around to 1 and 3; every magnitude
** past LLONG_MAX is refused with the key's range, whatever its sign.
*/
START_TEST(test_integers_no_wrap)
{
    static const char *const texts[] = {
        "18446744073709551617", "18446744073709551619",
        "-18446744073709551617", "+18446744073709551618",
        "36893488147419103233", "9223372036854775808",
        "-9223372036854775809", "184467440737095516170",
    };
    cs_error err;
    char doc_text[64], want[128];
    size_t k;
    long v = 5;

    for (k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        snprintf(doc_text, sizeof doc_text, "n: %s\n", texts[k]);
        ck_assert_int_eq(cs_reader_int(value(doc_text, "n"), "capacity", 1,
                                       200, &v, &err), CS_EINPUT);
        snprintf(want, sizeof want, "capacity must be an integer from 1 to "
                 "200, got '%s'", texts[k]);
        ck_assert_str_eq(err.msg, want);
        ck_assert_int_eq(v, 5);
    }
    ck_assert_int_eq(cs_reader_int(value("n: 9223372036854775807\n", "n"),
                                   "n", 1, LONG_MAX, &v, &err),
                     LONG_MAX == LLONG_MAX ? CS_OK : CS_EINPUT);
    ck_assert_int_eq(cs_reader_int(value("n: -9223372036854775807\n", "n"),
                                   "n", LONG_MIN, LONG_MAX, &v, &err),
                     LONG_MAX == LLONG_MAX ? CS_OK : CS_EINPUT);
}
END_TEST

START_TEST(test_numbers)
{
    static const cs_range prob = {0, 1, 1, 0};
    static const cs_range nonneg = {0, HUGE_VAL, 0, 1};
    cs_error err;
    double d = -1;

    ck_assert_int_eq(cs_reader_number(value("p: 0.25\n", "p"), "p", &prob,
                                      &d, &err), CS_OK);
    ck_assert_double_eq(d, 0.25);
    ck_assert_int_eq(cs_reader_number(value("p: 0\n", "p"), "p", &prob, &d,
                                      &err), CS_EINPUT);
    ck_assert_str_eq(err.msg, "p must be a number in (0, 1], got '0'");
    ck_assert_int_eq(cs_reader_number(value("p: .inf\n", "p"), "p", &nonneg,
                                      &d, &err), CS_EINPUT);
    ck_assert_str_eq(err.msg, "p must be a number >= 0, got '.inf'");
    ck_assert_double_eq(d, 0.25);
}
END_TEST

START_TEST(test_durations_rates)
{
    cs_error err;
    const cs_reader r = reader_for(&err);
    double d = 0, count = 0, per = 0;

    ck_assert_int_eq(cs_reader_duration(&r, value("h: 2w\n", "h"), "h", 1,
                                        &d), CS_OK);
    ck_assert_double_eq(d, 10.0);
    ck_assert_int_eq(cs_reader_duration(&r, value("h: 0d\n", "h"), "h", 1,
                                        &d), CS_EINPUT);
    ck_assert_str_eq(err.msg, "h must be a positive duration, got '0d'");
    ck_assert_int_eq(cs_reader_duration(&r, value("h: 0d\n", "h"), "h", 0,
                                        &d), CS_OK);
    ck_assert_int_eq(cs_reader_duration(&r, value("h: [1]\n", "h"), "h", 0,
                                        &d), CS_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "must be a duration"));
    ck_assert_int_eq(cs_reader_rate(&r, value("r: 3/w\n", "r"), "rate", &d),
                     CS_OK);
    ck_assert_double_eq_tol(d, 0.6, 1e-12);
    ck_assert_int_eq(cs_reader_rate(&r, value("r: 3\n", "r"), "rate", &d),
                     CS_EINPUT);
    ck_assert_int_eq(strncmp(err.msg, "rate: ", 6), 0);
    ck_assert_int_eq(cs_reader_throughput(&r, value("t: 40/w\n", "t"),
                                          "throughput", &count, &per),
                     CS_OK);
    ck_assert_double_eq(count, 40);
    ck_assert_double_eq(per, 5);
    ck_assert_int_eq(cs_reader_throughput(&r, value("t: 0/w\n", "t"),
                                          "throughput", &count, &per),
                     CS_EINPUT);
    ck_assert_str_eq(err.msg, "throughput: the count must be positive, got "
                     "'0'");
    ck_assert_int_eq(cs_reader_throughput(&r, value("t: 40\n", "t"),
                                          "throughput", &count, &per),
                     CS_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "expected N/PERIOD"));
}
END_TEST

START_TEST(test_names_text_enums)
{
    static const char *const kinds[] = {"fifo", "priority", "edd", NULL};
    cs_error err;
    char *text = NULL;
    int k = -1;

    ck_assert_int_eq(cs_reader_ident(value("n: team-1_b\n", "n"), "name", 0,
                                     &err), CS_OK);
    ck_assert_int_eq(cs_reader_ident(value("n: Team\n", "n"), "name", 0,
                                     &err), CS_EINPUT);
    ck_assert_str_eq(err.msg, "name must match [a-z0-9_-]+ (at most 64 "
                     "characters), got 'Team'");
    ck_assert_int_eq(cs_reader_ident(value("n: Team\n", "n"), "name", 1,
                                     &err), CS_OK);
    ck_assert_int_eq(cs_reader_text(value("n: >\n  some text\n", "n"),
                                    "name", &text, &err), CS_OK);
    ck_assert_str_eq(text, "some text");
    free(text);
    text = NULL;
    ck_assert_int_eq(cs_reader_text(value("n: \"  \"\n", "n"), "name",
                                    &text, &err), CS_EINPUT);
    ck_assert_str_eq(err.msg, "name must not be blank");
    free(text);
    ck_assert_int_eq(cs_reader_enum(value("d: edd\n", "d"), "discipline",
                                    kinds, &k, &err), CS_OK);
    ck_assert_int_eq(k, 2);
    ck_assert_int_eq(cs_reader_enum(value("d: fifi\n", "d"), "discipline",
                                    kinds, &k, &err), CS_EINPUT);
    ck_assert_str_eq(err.msg, "discipline must be one of fifo, priority, "
                     "edd, got 'fifi' (did you mean 'fifo'?)");
    ck_assert_int_eq(cs_reader_enum(value("d: ~\n", "d"), "discipline",
                                    kinds, &k, &err), CS_EINPUT);
    ck_assert_str_eq(err.msg, "discipline must be one of fifo, priority, "
                     "edd, got null");
    ck_assert_int_eq(k, 2);
}
END_TEST

START_TEST(test_uint64_unknown)
{
    static const char *const teams[] = {"ingestion", "reporting", NULL};
    cs_error err;
    uint64_t v = 0;

    ck_assert_int_eq(cs_reader_uint64(value("s: 18446744073709551615\n", "s"),
                                      "seed", &v, &err), CS_OK);
    ck_assert(v == UINT64_MAX);
    ck_assert_int_eq(cs_reader_uint64(value("s: 18446744073709551616\n", "s"),
                                      "seed", &v, &err), CS_EINPUT);
    ck_assert_str_eq(err.msg, "seed must be an integer from 0 to "
                     "18446744073709551615, got '18446744073709551616'");
    ck_assert_int_eq(cs_reader_unknown(value("t: ingestoin\n", "t"), "team",
                                       teams, &err), CS_EINPUT);
    assert_err(&err, 1, 4, "unknown team 'ingestoin' (did you mean "
               "'ingestion'?)");
    ck_assert_int_eq(cs_reader_unknown(value("t: zzz\n", "t"), "team", teams,
                                       &err), CS_EINPUT);
    ck_assert_str_eq(err.msg, "unknown team 'zzz'");
}
END_TEST

START_TEST(test_dists)
{
    cs_error err;
    const cs_reader r = reader_for(&err);
    cs_dist d;

    ck_assert_int_eq(cs_reader_dist(&r, value("e: 3d\n", "e"), "effort", &d),
                     CS_OK);
    ck_assert_int_eq(d.kind, CS_DIST_CONST);
    cs_dist_fini(&d);
    ck_assert_int_eq(cs_reader_dist(&r, value("e: {dist: gamma, mean: 4d, "
                                              "cv: 0.5}\n", "e"), "effort",
                                    &d), CS_OK);
    ck_assert_int_eq(d.kind, CS_DIST_GAMMA);
    cs_dist_fini(&d);
    ck_assert_int_eq(cs_reader_dist(&r, value("e: {mean: 4d}\n", "e"),
                                    "effort", &d), CS_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "needs 'dist'"));
    ck_assert_int_eq(cs_reader_dist(&r, value("e: {dist: gamma, mean: 4d, "
                                              "cv: -1}\n", "e"), "effort",
                                    &d), CS_EINPUT);
    ck_assert_int_eq(err.line, 1);
    ck_assert_int_eq(err.column, 32);   /* at the bad argument's value */
    ck_assert_int_eq(cs_reader_dist(&r, value("e: [1]\n", "e"), "effort",
                                    &d), CS_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "a duration or a distribution"));
}
END_TEST

/* A named list read with and without the line of the first name. */
static cs_status item_name(void *ctx, const cs_node *n, size_t i,
                           const char **name)
{
    int *count = ctx;

    (void)i;
    (*count)++;
    *name = cs_node_get(n, "name")->text;
    return CS_OK;
}

static cs_status item_rest(void *ctx, const cs_node *n, size_t i,
                           const char **name)
{
    int *count = ctx;

    (void)n;
    (void)i;
    (void)name;
    *count += 100;
    return CS_OK;
}

START_TEST(test_named_list)
{
    static const cs_reader_list with_line = {"team", 1, item_name, NULL};
    static const cs_reader_list early = {"variant", 0, item_name, item_rest};
    const cs_node *list = value("l:\n  - {name: a}\n  - {name: b}\n"
                                "  - {name: a}\n", "l");
    cs_error err;
    int count = 0;

    ck_assert_int_eq(cs_reader_named_list(list, &with_line, &count, &err),
                     CS_EINPUT);
    assert_err(&err, 4, 12, "duplicate team name 'a' (first at line 2)");
    ck_assert_int_eq(count, 3);
    count = 0;
    ck_assert_int_eq(cs_reader_named_list(list, &early, &count, &err),
                     CS_EINPUT);
    ck_assert_str_eq(err.msg, "duplicate variant name 'a'");
    ck_assert_int_eq(count, 203);   /* the duplicate's rest is not read */
    list = value("l:\n  - {name: a}\n  - {name: b}\n", "l");
    count = 0;
    ck_assert_int_eq(cs_reader_named_list(list, &early, &count, &err),
                     CS_OK);
    ck_assert_int_eq(count, 202);
}
END_TEST

START_TEST(test_nomem)
{
    cs_error err;

    ck_assert_int_eq(cs_reader_nomem(&err), CS_ENOMEM);
    ck_assert_int_eq(err.status, CS_ENOMEM);
    ck_assert_int_eq(err.line, 0);
    ck_assert_str_eq(err.msg, "out of memory");
}
END_TEST

static Suite *reader_suite(void)
{
    Suite *s = suite_create("reader");
    TCase *values = tcase_create("values");

    tcase_add_checked_fixture(values, NULL, teardown);
    tcase_add_test(values, test_check_keys);
    tcase_add_test(values, test_kinds);
    tcase_add_test(values, test_integers);
    tcase_add_test(values, test_integers_no_wrap);
    tcase_add_test(values, test_numbers);
    tcase_add_test(values, test_durations_rates);
    tcase_add_test(values, test_names_text_enums);
    tcase_add_test(values, test_uint64_unknown);
    tcase_add_test(values, test_dists);
    tcase_add_test(values, test_named_list);
    tcase_add_test(values, test_nomem);
    suite_add_tcase(s, values);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(reader_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
