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

/* A scenario's text cannot reach the terminal as an escape sequence, and
** a message cut at its size limit never ends inside a UTF-8 character. */
START_TEST(test_control_bytes_and_cuts)
{
    cs_error err;
    char big[CS_ERROR_MSG_MAX + 8];

    cs_error_set(&err, CS_EINPUT, "a\033b.yaml", 1, 2, "name '%s'",
                 "x\033[31mred\ty");
    ck_assert_str_eq(err.msg, "name 'x\\x1b[31mred\\x09y'");
    ck_assert_str_eq(err.file, "a\\x1bb.yaml");
    /* 'é' is two bytes: a cut between them drops the character */
    memset(big, 'a', sizeof big);
    big[CS_ERROR_MSG_MAX - 2] = '\xc3';
    big[CS_ERROR_MSG_MAX - 1] = '\xa9';
    big[sizeof big - 1] = '\0';
    cs_error_set(&err, CS_EINPUT, NULL, 0, 0, "%s", big);
    ck_assert_uint_eq(strlen(err.msg), CS_ERROR_MSG_MAX - 2);
    ck_assert_int_eq(err.msg[CS_ERROR_MSG_MAX - 3], 'a');
    /* a whole character at the end stays */
    big[CS_ERROR_MSG_MAX - 3] = '\xc3';
    big[CS_ERROR_MSG_MAX - 2] = '\xa9';
    big[CS_ERROR_MSG_MAX - 1] = 'a';
    cs_error_set(&err, CS_EINPUT, NULL, 0, 0, "%s", big);
    ck_assert_uint_eq(strlen(err.msg), CS_ERROR_MSG_MAX - 1);
    ck_assert_int_eq((unsigned char)err.msg[CS_ERROR_MSG_MAX - 2], 0xa9);
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
    tcase_add_test(tc, test_control_bytes_and_cuts);
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
