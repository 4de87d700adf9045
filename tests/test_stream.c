/*
** test_stream.c - the keys and seeds of the random streams: fixed values,
** FNV-1a test vectors, and no two seeds alike.
*/
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "chainsim/stream.h"

/* Published FNV-1a 64-bit test vectors. */
START_TEST(test_stream_hash)
{
    ck_assert_uint_eq(cs_stream_hash(CS_STREAM_FNV_OFFSET, ""),
                      UINT64_C(0xcbf29ce484222325));
    ck_assert_uint_eq(cs_stream_hash(CS_STREAM_FNV_OFFSET, "a"),
                      UINT64_C(0xaf63dc4c8601ec8c));
    ck_assert_uint_eq(cs_stream_hash(CS_STREAM_FNV_OFFSET, "foobar"),
                      UINT64_C(0x85944171f73967e8));
    /* Continuing from a running hash is hashing the concatenation. */
    ck_assert_uint_eq(cs_stream_hash(cs_stream_hash(CS_STREAM_FNV_OFFSET,
                                                    "foo"), "bar"),
                      cs_stream_hash(CS_STREAM_FNV_OFFSET, "foobar"));
}
END_TEST

START_TEST(test_stream_keys)
{
    const uint64_t a = cs_stream_key(0, "data-product");
    const uint64_t b = cs_stream_key(0, "data-products");
    const uint64_t ab_c = cs_stream_key(cs_stream_key(0, "ab"), "c");
    const uint64_t a_bc = cs_stream_key(cs_stream_key(0, "a"), "bc");
    unsigned long seeds[300];
    size_t n = 0;

    ck_assert(a != b);
    ck_assert(ab_c != a_bc);
    ck_assert(cs_stream_key(0, "x") == cs_stream_key(0, "x"));
    /* Fixed values: a change here changes every published result. */
    ck_assert_uint_eq(a, UINT64_C(0x5281c8e537da3aac));
    ck_assert_uint_eq(cs_stream_seed(1, 0, a), 0x10eb9881ul);
    for (uint64_t m = 1; m <= 3; m++)
        for (uint64_t rep = 0; rep < 50; rep++)
            for (int k = 0; k < 2; k++)
                seeds[n++] = cs_stream_seed(m, rep, k ? a : b);
    for (size_t i = 0; i < n; i++) {
        ck_assert(seeds[i] != 0 && seeds[i] <= 0xfffffffful);
        for (size_t j = 0; j < i; j++)
            ck_assert_msg(seeds[i] != seeds[j], "seeds %zu and %zu equal", i,
                          j);
    }
}
END_TEST

static Suite *stream_suite(void)
{
    Suite *s = suite_create("stream");
    TCase *keys = tcase_create("keys");

    tcase_add_test(keys, test_stream_hash);
    tcase_add_test(keys, test_stream_keys);
    suite_add_tcase(s, keys);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    sr = srunner_create(stream_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
