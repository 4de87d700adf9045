/*
** test_mpi.c - the MPI calls of a build without MPI: one process, rank 0
** of 1, whose gather is a copy.  (The MPI build is tested by
** tests/cli/mpi.sh under mpirun.)
*/
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/mpi.h"

START_TEST(test_mpi_single)
{
    static const char msg[] = "a part";
    unsigned char *all = NULL;
    size_t *off = NULL, *len = NULL;

    if (cs_mpi_built())
        return;
    ck_assert_int_eq(cs_mpi_init(NULL, NULL), 0);
    ck_assert_int_eq(cs_mpi_rank(), 0);
    ck_assert_int_eq(cs_mpi_size(), 1);
    ck_assert_int_eq(cs_mpi_max(7), 7);
    ck_assert_int_eq(cs_mpi_bcast(-3), -3);
    ck_assert_int_eq(cs_mpi_gather(msg, sizeof msg, &all, &off, &len), 0);
    ck_assert(all != NULL && off != NULL && len != NULL);
    ck_assert_uint_eq(off[0], 0);
    ck_assert_uint_eq(len[0], sizeof msg);
    ck_assert(memcmp(all, msg, sizeof msg) == 0);
    free(all);
    free(off);
    free(len);
    ck_assert_int_eq(cs_mpi_gather(NULL, 0, &all, &off, &len), 0);
    ck_assert_uint_eq(len[0], 0);
    free(all);
    free(off);
    free(len);
    cs_mpi_finalize();
}
END_TEST

static Suite *mpi_suite(void)
{
    Suite *s = suite_create("mpi");
    TCase *t = tcase_create("mpi");

    tcase_add_test(t, test_mpi_single);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(mpi_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
