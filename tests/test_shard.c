/*
** test_shard.c - the shards of a study's tuples: disjoint, covering,
** balanced (sizes differ by at most one), for any number of tuples and
** shards, including more shards than tuples and counts near 2^64.
*/
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "chainsim/shard.h"

static void check_split(uint64_t tuples, unsigned long n)
{
    const uint64_t small = tuples / n;
    uint64_t next = 0;

    for (unsigned long k = 1; k <= n; k++) {
        uint64_t lo, hi;
        cs_shard_range(tuples, k, n, &lo, &hi);
        ck_assert_msg(lo == next, "T %llu, shard %lu/%lu starts at %llu",
                      (unsigned long long)tuples, k, n,
                      (unsigned long long)lo);
        ck_assert(hi >= lo);
        ck_assert_msg(hi - lo == small || hi - lo == small + 1,
                      "T %llu, shard %lu/%lu holds %llu",
                      (unsigned long long)tuples, k, n,
                      (unsigned long long)(hi - lo));
        next = hi;
    }
    ck_assert(next == tuples);
}

START_TEST(test_shard_ranges)
{
    static const uint64_t t[] = {0, 1, 2, 5, 64, 100, 1000003,
                                 UINT64_MAX / 3, UINT64_MAX};
    static const unsigned long n[] = {1, 2, 3, 4, 7, 64, 1000, 1000000};

    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        for (size_t j = 0; j < sizeof n / sizeof *n; j++)
            if (n[j] <= 1000 || t[i] >= 1000000)
                check_split(t[i], n[j]);
}
END_TEST

/* The shards of N are the MPI ranks' of -np N: rank r holds shard r + 1,
** the first tuples in rank 0. */
START_TEST(test_shard_first)
{
    uint64_t lo, hi;

    cs_shard_range(10, 1, 4, &lo, &hi);
    ck_assert(lo == 0 && hi == 2);
    cs_shard_range(10, 4, 4, &lo, &hi);
    ck_assert(lo == 7 && hi == 10);
    cs_shard_range(3, 1, 5, &lo, &hi);   /* an empty shard */
    ck_assert(lo == hi);
}
END_TEST

static Suite *shard_suite(void)
{
    Suite *s = suite_create("shard");
    TCase *t = tcase_create("shard");

    tcase_add_test(t, test_shard_ranges);
    tcase_add_test(t, test_shard_first);
    tcase_set_timeout(t, 60);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(shard_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
