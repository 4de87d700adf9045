/*
** test_str.c - the string helpers: duplication, bounded formatting with
** truncation and a missing buffer, white space.
*/
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/str.h"

START_TEST(test_dup)
{
    static const char *const cases[] = {"", "a", "data-product", "x y\tz"};

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *d = cs_str_dup(cases[i]);

        ck_assert_ptr_nonnull(d);
        ck_assert_ptr_ne(d, cases[i]);
        ck_assert_str_eq(d, cases[i]);
        free(d);
    }
}
END_TEST

START_TEST(test_ndup)
{
    char *d = cs_str_ndup("data-product", 4);

    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(d, "data");
    free(d);
    d = cs_str_ndup(NULL, 0);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(d, "");
    free(d);
}
END_TEST

START_TEST(test_format)
{
    char buf[8];

    cs_str_format(buf, sizeof buf, "%s=%d", "ab", 12);
    ck_assert_str_eq(buf, "ab=12");
    /* Truncated, always terminated. */
    cs_str_format(buf, sizeof buf, "%s", "0123456789");
    ck_assert_str_eq(buf, "0123456");
    /* No buffer, or an empty one: nothing written. */
    cs_str_format(NULL, 10, "%s", "x");
    buf[0] = 'q';
    cs_str_format(buf, 0, "%s", "x");
    ck_assert_int_eq(buf[0], 'q');
}
END_TEST

START_TEST(test_space)
{
    static const char spaces[] = " \t\n\r\f\v";

    for (size_t i = 0; spaces[i] != '\0'; i++)
        ck_assert(cs_str_is_space(spaces[i]));
    ck_assert(!cs_str_is_space('a'));
    ck_assert(!cs_str_is_space('\0'));
    ck_assert(!cs_str_is_space('_'));
    ck_assert_str_eq(cs_str_skip_space(" \t\r\n 3d "), "3d ");
    ck_assert_str_eq(cs_str_skip_space("x"), "x");
    ck_assert_str_eq(cs_str_skip_space("  "), "");
}
END_TEST

START_TEST(test_printable)
{
    char buf[8], s[] = "a\033b\x7f\n";
    const char *plain = "plain";

    ck_assert_ptr_eq(cs_str_printable(plain, buf, sizeof buf), plain);
    ck_assert_str_eq(cs_str_printable("x\033[31m", buf, sizeof buf), "x?[31m");
    ck_assert_str_eq(cs_str_printable("\033abcdefghij", buf, sizeof buf),
                     "?abcdef");
    cs_str_make_printable(s);
    ck_assert_str_eq(s, "a?b??");
}
END_TEST

static Suite *str_suite(void)
{
    Suite *s = suite_create("str");
    TCase *tc = tcase_create("str");

    tcase_add_test(tc, test_dup);

    tcase_add_test(tc, test_printable);
    tcase_add_test(tc, test_ndup);
    tcase_add_test(tc, test_format);
    tcase_add_test(tc, test_space);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(str_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
