/*
** test_report_study.c - the report of a study: its rows follow the jobs
** and borrow their summaries, comparisons and point values; the fields the
** study decides; a study stopped before its first job has no rows.
*/
#include <check.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/report_study.h"
#include "study_fixture.h"

START_TEST(test_rows_of_a_sweep_compare)
{
    const char *const vary[] = {"teams.a.capacity=2,3"};
    cs_study *st = built(1, 0, vary, 1);
    cs_report_row *rows = NULL;
    cs_report rep;
    cs_error err;

    run(st, NULL);
    memset(&rep, 0, sizeof rep);
    cs_error_clear(&err);
    ck_assert_int_eq(cs_report_study_fill(st, &rep, &rows, &err), CS_OK);
    ck_assert_ptr_eq(rep.rows, rows);
    ck_assert_uint_eq(rep.nrows, 6);
    ck_assert_str_eq(rep.command, "compare");
    ck_assert_str_eq(rep.scenario_name, "two teams");
    ck_assert_uint_eq(rep.seed, 3);
    ck_assert_uint_eq(rep.nvary, 1);
    ck_assert_str_eq(rep.vary[0], "teams.a.capacity");
    ck_assert_int_eq(rep.partial, 0);
    ck_assert_int_eq(rep.independent, 0);
    for (size_t j = 0; j < 6; j++) {
        ck_assert_ptr_eq(rep.rows[j].summary, cs_study_summary(st, j));
        ck_assert_ptr_eq(rep.rows[j].vs, cs_study_comparison(st, j));
        ck_assert_str_eq(rep.rows[j].point[0], j < 3 ? "2" : "3");
    }
    ck_assert_ptr_null(rep.rows[0].vs);
    ck_assert_ptr_nonnull(rep.rows[4].vs);
    free(rows);
    cs_study_free(st);
}
END_TEST

START_TEST(test_run_independent)
{
    cs_study *st = built(0, 1, NULL, 0);
    cs_report_row *rows = NULL;
    cs_report rep;
    cs_error err;

    run(st, NULL);
    memset(&rep, 0, sizeof rep);
    ck_assert_int_eq(cs_report_study_fill(st, &rep, &rows, &err), CS_OK);
    ck_assert_str_eq(rep.command, "run");
    ck_assert_int_eq(rep.independent, 1);
    ck_assert_uint_eq(rep.nrows, 1);
    ck_assert_uint_eq(rep.nvary, 0);
    free(rows);
    cs_study_free(st);
}
END_TEST

START_TEST(test_stopped_before_start)
{
    cs_study *st = built(1, 0, NULL, 0);
    cs_report_row *rows = NULL;
    atomic_int stop;
    cs_report rep;
    cs_error err;

    atomic_init(&stop, 1);
    run(st, &stop);
    memset(&rep, 0, sizeof rep);
    ck_assert_int_eq(cs_report_study_fill(st, &rep, &rows, &err), CS_OK);
    ck_assert_uint_eq(rep.nrows, 0);
    ck_assert_int_eq(rep.partial, 1);
    free(rows);
    cs_study_free(st);
}
END_TEST

static Suite *report_study_suite(void)
{
    Suite *s = suite_create("report_study");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_rows_of_a_sweep_compare);
    tcase_add_test(tc, test_run_independent);
    tcase_add_test(tc, test_stopped_before_start);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(report_study_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
