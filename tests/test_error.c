/*
** test_error.c - positioned errors, their formatting, exit codes and the
** "did you mean" hint.
*/
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/error.h"

START_TEST(test_set_and_format)
{
    cs_error e;
    char buf[1024];

    cs_error_clear(&e);
    ck_assert_int_eq(e.status, CS_OK);
    ck_assert_int_eq(cs_error_set(&e, CS_EINPUT, "a.yaml", 12, 7,
                                  "rate must be %s", "positive"),
                     CS_EINPUT);
    cs_error_format(&e, buf, sizeof buf);
    ck_assert_str_eq(buf, "a.yaml:12:7: error: rate must be positive");
    /* unlocated */
    cs_error_set(&e, CS_ESIM, NULL, 3, 4, "deadlock");
    ck_assert_int_eq(e.line, 0);
    cs_error_format(&e, buf, sizeof buf);
    ck_assert_str_eq(buf, "chainsim: error: deadlock");
    /* a file without a line: an argument such as --set */
    cs_error_set(&e, CS_EINPUT, "--set x=1", 0, 0, "bad");
    cs_error_format(&e, buf, sizeof buf);
    ck_assert_str_eq(buf, "--set x=1: error: bad");
    /* NULL is allowed and the status still comes back */
    ck_assert_int_eq(cs_error_set(NULL, CS_EIO, "f", 1, 1, "x"), CS_EIO);
    cs_error_clear(NULL);
}
END_TEST

START_TEST(test_prefix)
{
    cs_error e;
    char longmsg[CS_ERROR_MSG_MAX + 10];

    cs_error_set(&e, CS_ESIM, NULL, 0, 0, "deadlock at day 3");
    cs_error_prefix(&e, "replication 2");
    ck_assert_str_eq(e.msg, "replication 2: deadlock at day 3");
    /* a full message is cut at its end, never overflows */
    memset(longmsg, 'x', sizeof longmsg - 1);
    longmsg[sizeof longmsg - 1] = '\0';
    cs_error_set(&e, CS_ESIM, NULL, 0, 0, "%s", longmsg);
    cs_error_prefix(&e, "variant");
    ck_assert_uint_eq(strlen(e.msg), CS_ERROR_MSG_MAX - 1);
    ck_assert(strncmp(e.msg, "variant: xxx", 12) == 0);
}
END_TEST

START_TEST(test_exit_codes)
{
    ck_assert_int_eq(cs_error_exit_code(CS_OK), 0);
    ck_assert_int_eq(cs_error_exit_code(CS_EINPUT), 2);
    ck_assert_int_eq(cs_error_exit_code(CS_EIO), 2);
    ck_assert_int_eq(cs_error_exit_code(CS_ESIM), 3);
    ck_assert_int_eq(cs_error_exit_code(CS_ENOMEM), 3);
    ck_assert_int_eq(cs_error_exit_code(CS_EINTR), 130);
}
END_TEST

START_TEST(test_suggest)
{
    static const char *const keys[] = {"capacity", "wip_limit", "handoff",
                                       "focus", NULL};

    ck_assert_str_eq(cs_error_suggest("capacty", keys), "capacity");
    ck_assert_str_eq(cs_error_suggest("wip-limit", keys), "wip_limit");
    ck_assert_str_eq(cs_error_suggest("handof", keys), "handoff");
    ck_assert_ptr_null(cs_error_suggest("colour", keys));
    ck_assert_ptr_null(cs_error_suggest("zzzzzzzzzzzzzzzzzzzzzz", keys));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("error");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_set_and_format);
    tcase_add_test(tc, test_prefix);
    tcase_add_test(tc, test_exit_codes);
    tcase_add_test(tc, test_suggest);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
