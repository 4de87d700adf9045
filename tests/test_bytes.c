/*
** test_bytes.c - little-endian values in byte buffers: the exact bytes
** written, values read back, a reader that stops at its end, FNV-1a.
*/
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/bytes.h"

START_TEST(test_bytes_layout)
{
    static const unsigned char want[] = {0x7f, 0x04, 0x03, 0x02, 0x01,
                                         0x08, 0x07, 0x06, 0x05, 0x04,
                                         0x03, 0x02, 0x01};
    cs_bytes b;

    cs_bytes_init(&b);
    cs_bytes_put_u8(&b, 0x7f);
    cs_bytes_put_u32(&b, 0x01020304u);
    cs_bytes_put_u64(&b, 0x0102030405060708ull);
    ck_assert(!b.oom);
    ck_assert_uint_eq(b.n, sizeof want);
    ck_assert(memcmp(b.p, want, sizeof want) == 0);
    cs_bytes_fini(&b);
    ck_assert_ptr_null(b.p);
}
END_TEST

START_TEST(test_bytes_roundtrip)
{
    static const double x[] = {0.0, -0.0, 1.5, -3e300, 5e-324, INFINITY};
    cs_bytes b;
    cs_bytes_reader r;

    cs_bytes_init(&b);
    for (size_t i = 0; i < sizeof x / sizeof *x; i++)
        cs_bytes_put_f64(&b, x[i]);
    cs_bytes_put_f64(&b, NAN);
    for (int i = 0; i < 1000; i++)      /* past the first growth */
        cs_bytes_put_u32(&b, (uint32_t)i * 2654435761u);
    ck_assert(!b.oom);
    cs_bytes_reader_init(&r, b.p, b.n);
    for (size_t i = 0; i < sizeof x / sizeof *x; i++) {
        const double y = cs_bytes_get_f64(&r);
        ck_assert(memcmp(&y, &x[i], sizeof y) == 0);
    }
    ck_assert(isnan(cs_bytes_get_f64(&r)));
    for (int i = 0; i < 1000; i++)
        ck_assert_uint_eq(cs_bytes_get_u32(&r), (uint32_t)i * 2654435761u);
    ck_assert(!r.bad);
    ck_assert_uint_eq(cs_bytes_left(&r), 0);
    cs_bytes_fini(&b);
}
END_TEST

/* A read past the end gives 0, sets bad, and so does every later one,
** even one that would fit. */
START_TEST(test_bytes_reader_end)
{
    const unsigned char p[6] = {1, 2, 3, 4, 5, 6};
    cs_bytes_reader r;

    cs_bytes_reader_init(&r, p, sizeof p);
    ck_assert_uint_eq(cs_bytes_get_u32(&r), 0x04030201u);
    ck_assert_uint_eq(cs_bytes_get_u32(&r), 0);
    ck_assert(r.bad);
    ck_assert_uint_eq(cs_bytes_get_u8(&r), 0);
    ck_assert_ptr_null(cs_bytes_get(&r, 1));
    ck_assert_uint_eq(cs_bytes_left(&r), 0);
    cs_bytes_reader_init(&r, p, 0);
    ck_assert_uint_eq(cs_bytes_get_u64(&r), 0);
    ck_assert(r.bad);
}
END_TEST

/* The published FNV-1a 64 vectors. */
START_TEST(test_bytes_fnv)
{
    ck_assert(cs_bytes_fnv(CS_BYTES_FNV_OFFSET, "", 0) ==
              0xcbf29ce484222325ull);
    ck_assert(cs_bytes_fnv(CS_BYTES_FNV_OFFSET, "a", 1) ==
              0xaf63dc4c8601ec8cull);
    ck_assert(cs_bytes_fnv(CS_BYTES_FNV_OFFSET, "foobar", 6) ==
              0x85944171f73967e8ull);
    /* in pieces as in one */
    ck_assert(cs_bytes_fnv(cs_bytes_fnv(CS_BYTES_FNV_OFFSET, "foo", 3),
                           "bar", 3) == 0x85944171f73967e8ull);
}
END_TEST

static Suite *bytes_suite(void)
{
    Suite *s = suite_create("bytes");
    TCase *t = tcase_create("bytes");

    tcase_add_test(t, test_bytes_layout);
    tcase_add_test(t, test_bytes_roundtrip);
    tcase_add_test(t, test_bytes_reader_end);
    tcase_add_test(t, test_bytes_fnv);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(bytes_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
