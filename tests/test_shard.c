/*
** test_shard.c - the shards of a study's tuples: disjoint, covering,
** balanced (sizes differ by at most one), for any number of tuples and
** shards, including more shards than tuples and counts near 2^64.
*/
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/bytes.h"
#include "chainsim/part.h"
#include "chainsim/shard.h"
#include "chainsim/study.h"

static void check_split(uint64_t tuples, unsigned long n)
{
    const uint64_t small = tuples / n;
    uint64_t next = 0;

    for (unsigned long k = 1; k <= n; k++) {
        uint64_t lo, hi;
        cs_shard_range(tuples, k, n, &lo, &hi);
        /* plain tests: a Check assertion per shard of a million is slow */
        if (lo != next)
            ck_abort_msg("T %llu, shard %lu/%lu starts at %llu",
                         (unsigned long long)tuples, k, n,
                         (unsigned long long)lo);
        if (hi < lo || (hi - lo != small && hi - lo != small + 1))
            ck_abort_msg("T %llu, shard %lu/%lu holds %llu",
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

/* A compare sweep of the Kanban example (2 points x 5 jobs). */
static cs_study *study(void)
{
    static const char *const vary[] = {"teams.development.capacity=2,3"};
    const cs_study_opts so = {1, 0, vary, 1, {0}};
    const cs_study_settings set = {3, NULL, "600d", "100d", NULL, 0, NULL};
    cs_scenario *s = NULL;
    cs_study *st = NULL;
    cs_error err;

    cs_error_clear(&err);
    ck_assert(cs_study_new(&so, &st, &err) == CS_OK);
    ck_assert_msg(cs_study_load("scenarios/kanban-wip.yaml", &set, &s, &err)
                      == CS_OK, "%s", err.msg);
    ck_assert_msg(cs_study_build(st, s, NULL, &err) == CS_OK, "%s", err.msg);
    cs_scenario_free(s);
    return st;
}

typedef struct parts {
    cs_bytes b[8];
} parts;

static cs_status load(void *ctx, size_t i, cs_part **out, cs_error *err)
{
    const parts *p = ctx;

    return cs_part_parse(p->b[i].p, p->b[i].n, 1, out, err);
}

/* Shards 1..5 of a study merged give every job the summary of the study
** run at once, bit for bit; the same parts without one are refused. */
START_TEST(test_shard_merge_is_run)
{
    static const char *const names[] = {"a", "b", "c", "d", "e"};
    static const char *const keys[] = {"run"}, *const values[] = {"x"};
    const cs_shard_head head = {keys, values, 1};
    cs_study *whole = study(), *merged = study();
    cs_study_run_opts o;
    parts p;
    cs_error err;

    memset(&o, 0, sizeof o);
    o.threads = 2;
    ck_assert(cs_study_run(whole, &o, &err) == CS_OK);
    ck_assert_uint_eq(cs_shard_tuples(merged), 2 * 5 * 3);
    for (unsigned long k = 1; k <= 5; k++) {
        int stopped = 0;
        cs_bytes_init(&p.b[k - 1]);
        o.threads = (unsigned)(k % 2 + 1);
        ck_assert_msg(cs_shard_run(merged, &o, k, 5, &head, &p.b[k - 1],
                                   &stopped, &err) == CS_OK, "%s", err.msg);
        ck_assert(!stopped);
    }
    ck_assert_msg(cs_shard_merge(merged, 5, load, &p, names, 0, &err) ==
                  CS_OK, "%s", err.msg);
    ck_assert_uint_eq(cs_study_ndone(merged), cs_study_ndone(whole));
    ck_assert_uint_eq(cs_study_ndone(merged), cs_study_njobs(whole));
    for (size_t j = 0; j < cs_study_njobs(whole); j++) {
        const cs_summary *a = cs_study_summary(whole, j);
        const cs_summary *b = cs_study_summary(merged, j);
        const cs_comparison *ca = cs_study_comparison(whole, j);
        const cs_comparison *cb = cs_study_comparison(merged, j);
        ck_assert_uint_eq(a->replications, b->replications);
        ck_assert(!b->partial);
        ck_assert(memcmp(&a->lead_time, &b->lead_time, sizeof a->lead_time)
                  == 0);
        ck_assert(memcmp(&a->p85, &b->p85, sizeof a->p85) == 0);
        ck_assert(memcmp(&a->throughput, &b->throughput,
                         sizeof a->throughput) == 0);
        ck_assert((ca == NULL) == (cb == NULL));
        if (ca != NULL)
            ck_assert(memcmp(&ca->lead_time_mean, &cb->lead_time_mean,
                             sizeof ca->lead_time_mean) == 0);
    }
    cs_study_free(merged);
    /* shard 3 left out: its tuples are named */
    merged = study();
    cs_bytes_fini(&p.b[2]);
    p.b[2] = p.b[4];
    ck_assert(cs_shard_merge(merged, 4, load, &p, names, 0, &err) ==
              CS_EINPUT);
    ck_assert_msg(strstr(err.msg, "shard 3/5 is missing") != NULL, "%s",
                  err.msg);
    cs_study_free(merged);
    for (int k = 0; k < 5; k++)
        if (k != 2)
            cs_bytes_fini(&p.b[k]);
    cs_study_free(whole);
}
END_TEST

static Suite *shard_suite(void)
{
    Suite *s = suite_create("shard");
    TCase *t = tcase_create("shard");

    tcase_add_test(t, test_shard_ranges);
    tcase_add_test(t, test_shard_first);
    tcase_add_test(t, test_shard_merge_is_run);
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
