/*
** test_units.c - durations, rates and plain numbers: accepted forms,
** refusals and their messages, custom units.
*/
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/dist.h"
#include "chainsim/distparse.h"
#include "chainsim/error.h"
#include "chainsim/units.h"

static char msg[512];

/* ---------------------------------------------------------------- */
/* Durations, rates, numbers                                         */
/* ---------------------------------------------------------------- */

typedef struct good_case {
    const char *s;
    double want;
} good_case;

START_TEST(test_duration_accept)
{
    static const good_case cases[] = {
        {"3", 3.0},       {"2.5", 2.5},   {"4h", 0.5},     {"2.5d", 2.5},
        {"2w", 10.0},     {" 3d ", 3.0},  {"0", 0.0},      {"0d", 0.0},
        {"1e2", 100.0},   {".5d", 0.5},   {"+1d", 1.0},    {"\t7h\n", 0.875},
        {"12h", 1.5},     {"0.5w", 2.5},  {"-0", 0.0},
    };
    const cs_units u = cs_units_default();

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double d = -1.0;
        ck_assert_msg(cs_units_parse_duration(cases[i].s, &u, &d, msg,
                                              sizeof msg) == CS_OK,
                      "'%s' refused: %s", cases[i].s, msg);
        ck_assert_msg(d == cases[i].want && !signbit(d), "'%s' gave %g",
                      cases[i].s, d);
    }
}
END_TEST

START_TEST(test_duration_reject)
{
    static const char *const bad[] = {
        "",      "   ",   "3x",     "3dd",   "3 x",    "-1d",  "-1",
        "1e999", "nan",   "inf",    "-inf",  "d",      "3 d",  "3d 4h",
        "3,5",   "0x10",  "abc",    "1/2",   "3days",  "h",    "--1",
        "3d)",   "1e999d", "1e308w", "3e",   "nand",   "2 .5", "1..2",
        "3D",    "3m",    "infd",   "0x1p3",
    };
    const cs_units u = cs_units_default();

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double d = 0.0;
        msg[0] = '\0';
        ck_assert_msg(cs_units_parse_duration(bad[i], &u, &d, msg,
                                              sizeof msg) == CS_EINPUT,
                      "'%s' accepted as %g", bad[i], d);
        ck_assert_msg(strstr(msg, "duration") != NULL, "'%s': message '%s'",
                      bad[i], msg);
    }
}
END_TEST

START_TEST(test_duration_messages)
{
    const cs_units u = cs_units_default();
    double d;

    cs_units_parse_duration("3x", &u, &d, msg, sizeof msg);
    ck_assert_str_eq(msg, "invalid duration '3x': expected a number of days "
                          "or a number with unit h, d or w (e.g. 2.5d)");
    cs_units_parse_duration("-1d", &u, &d, msg, sizeof msg);
    ck_assert_str_eq(msg, "invalid duration '-1d': must not be negative");
    cs_units_parse_duration("1e999", &u, &d, msg, sizeof msg);
    ck_assert_str_eq(msg, "invalid duration '1e999': must be finite");
    /* A short buffer truncates, never overflows. */
    {
        char small[8];
        cs_units_parse_duration("3x", &u, &d, small, sizeof small);
        ck_assert_str_eq(small, "invalid");
    }
    /* NULL units mean the defaults. */
    ck_assert_int_eq(cs_units_parse_duration("1w", NULL, &d, msg, sizeof msg),
                     CS_OK);
    ck_assert(d == 5.0);
}
END_TEST

START_TEST(test_custom_units)
{
    const cs_units u = {6.0, 7.0};
    double d;

    ck_assert_int_eq(cs_units_parse_duration("3h", &u, &d, msg, sizeof msg),
                     CS_OK);
    ck_assert(d == 0.5);
    ck_assert_int_eq(cs_units_parse_duration("2w", &u, &d, msg, sizeof msg),
                     CS_OK);
    ck_assert(d == 14.0);
    ck_assert_int_eq(cs_units_parse_rate("3/w", &u, &d, msg, sizeof msg),
                     CS_OK);
    ck_assert_double_eq_tol(d, 3.0 / 7.0, 1e-15);
    ck_assert_int_eq(cs_units_parse_rate("2/8h", &u, &d, msg, sizeof msg),
                     CS_OK);
    ck_assert_double_eq_tol(d, 1.5, 1e-15);
    {
        cs_dist dist;
        int col;
        ck_assert_int_eq(cs_distparse_text("uniform(6h, 1w)", &u, NULL, &dist,
                                           msg, sizeof msg, &col),
                         CS_OK);
        ck_assert(dist.p[0] == 1.0 && dist.p[1] == 7.0);
    }
}
END_TEST

START_TEST(test_rate_accept)
{
    static const good_case cases[] = {
        {"3/w", 0.6},    {"12/4w", 0.6}, {"2/8h", 2.0},   {"0.5/d", 0.5},
        {"1/d", 1.0},    {" 3/w ", 0.6}, {"1/2.5d", 0.4}, {"6/h", 48.0},
        {"40/65d", 40.0 / 65.0},         {"1e-3/d", 1e-3},
    };
    const cs_units u = cs_units_default();

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double r = -1.0;
        ck_assert_msg(
            cs_units_parse_rate(cases[i].s, &u, &r, msg, sizeof msg) == CS_OK,
            "'%s' refused: %s", cases[i].s, msg);
        ck_assert_msg(fabs(r - cases[i].want) <= 1e-15 * cases[i].want,
                      "'%s' gave %.17g", cases[i].s, r);
    }
}
END_TEST

START_TEST(test_rate_reject)
{
    static const char *const bad[] = {
        "",       "3",      "3/",     "/w",    "0/w",    "-1/w",  "3/0w",
        "3/-2w",  "3/x",    "3/wk",   "3 /w",  "nan/w",  "inf/d", "3/infd",
        "3/w x",  "1e999/d", "3//w",  "3/4",   "3/w/d",  "w",     "3w",
        "1e-300/1e300w",    "3/nanw", "0x3/w",
    };
    const cs_units u = cs_units_default();

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double r = 0.0;
        msg[0] = '\0';
        ck_assert_msg(cs_units_parse_rate(bad[i], &u, &r, msg, sizeof msg) ==
                          CS_EINPUT,
                      "'%s' accepted as %g", bad[i], r);
        ck_assert_msg(strstr(msg, "rate") != NULL, "'%s': message '%s'",
                      bad[i], msg);
    }
    cs_units_parse_rate("3/x", &u, &(double){0}, msg, sizeof msg);
    ck_assert_str_eq(msg, "invalid rate '3/x': expected N/UNIT or N/KUNIT "
                          "with unit h, d or w (e.g. 3/w, 0.5/d, 12/4w)");
    cs_units_parse_rate("0/w", &u, &(double){0}, msg, sizeof msg);
    ck_assert(strstr(msg, "must be positive") != NULL);
}
END_TEST

START_TEST(test_number)
{
    static const good_case good[] = {
        {"0.5", 0.5}, {" 1 ", 1.0}, {"-2", -2.0}, {"1e3", 1000.0}, {"0", 0.0},
    };
    static const char *const bad[] = {"", "1d", "nan", "inf", "1e999",
                                      "0.5x", "1 2", "50%", "0x10", "."};

    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        double x = 99.0;
        ck_assert_int_eq(cs_units_parse_number(good[i].s, &x, msg, sizeof msg),
                         CS_OK);
        ck_assert(x == good[i].want);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double x;
        ck_assert_msg(cs_units_parse_number(bad[i], &x, msg, sizeof msg) ==
                          CS_EINPUT,
                      "'%s' accepted", bad[i]);
        ck_assert(strstr(msg, "number") != NULL);
    }
}
END_TEST

static Suite *units_suite(void)
{
    Suite *s = suite_create("units");
    TCase *parse = tcase_create("parse");

    tcase_add_test(parse, test_duration_accept);
    tcase_add_test(parse, test_duration_reject);
    tcase_add_test(parse, test_duration_messages);
    tcase_add_test(parse, test_custom_units);
    tcase_add_test(parse, test_rate_accept);
    tcase_add_test(parse, test_rate_reject);
    tcase_add_test(parse, test_number);
    suite_add_tcase(s, parse);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    sr = srunner_create(units_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
