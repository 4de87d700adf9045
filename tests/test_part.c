/*
** test_part.c - part files: a store written and read back is the store
** (its packed bytes are equal), stores of consecutive replications read
** back and appended are the store of one run, and broken parts (cut at
** any length, a byte changed, a bad header) are refused with a message,
** never read out of bounds.
*/
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/bytes.h"
#include "chainsim/hist.h"
#include "chainsim/part.h"
#include "chainsim/runner.h"
#include "chainsim/scenario.h"
#include "testlib.h"

/* An example with a timeline (lead times per period), a J-curve and
** several classes; the horizon cut so the test stays short. */
static cs_model *example(const char *path)
{
    cs_scenario *s = NULL;
    cs_model *m = NULL;
    cs_error err;

    cs_error_clear(&err);
    ck_assert_msg(cs_scenario_load(path, &s, &err) == CS_OK, "%s", err.msg);
    ck_assert(cs_variant_add_override(s, "horizon=400d", &err) == CS_OK);
    ck_assert(cs_variant_add_override(s, "warmup=auto", &err) == CS_OK);
    ck_assert(cs_variant_build(s, -1, &m, &err) == CS_OK);
    cs_scenario_free(s);
    return m;
}

/* Replications first .. first + n - 1 of m (of planned in all). */
static cs_runner_store *run(const cs_model *m, unsigned first, unsigned n,
                            unsigned planned)
{
    cs_runner_opts o;
    cs_runner_store *s = NULL;
    cs_error err;

    memset(&o, 0, sizeof o);
    o.threads = 1;
    o.first = first;
    o.replications = n;
    o.planned = planned;
    o.warmup = -1;
    o.per_replication = 1;
    cs_error_clear(&err);
    ck_assert_msg(cs_runner_run(m, &o, &s, &err) == CS_OK, "%s", err.msg);
    return s;
}

static void pack(const cs_runner_store *s, cs_bytes *b)
{
    cs_bytes_init(b);
    cs_runner_store_pack(s, b);
    ck_assert(!b->oom);
}

static cs_runner_store *unpack(const cs_model *m, const cs_bytes *b)
{
    cs_bytes_reader r;
    cs_runner_store *s = NULL;
    cs_error err;

    cs_bytes_reader_init(&r, b->p, b->n);
    cs_error_clear(&err);
    ck_assert_msg(cs_runner_store_unpack(m, &r, &s, &err) == CS_OK, "%s",
                  err.msg);
    ck_assert_uint_eq(cs_bytes_left(&r), 0);
    return s;
}

static const char *const keys[] = {"version", "seed", "options"};
static const char *const values[] = {"1.0.0", "7", "-n 6 --set a=b%20c"};

/* A part of one block: the store of m's replications first .. + n - 1. */
static void make_part(cs_bytes *b, const cs_model *m, unsigned first,
                      unsigned n, unsigned planned)
{
    cs_runner_store *s = run(m, first, n, planned);

    cs_bytes_init(b);
    ck_assert_int_eq(cs_part_begin(b, keys, values, 3, 2, 3, planned,
                                   first, first + n), 0);
    cs_part_add(b, 0, first, n, s);
    cs_part_end(b);
    ck_assert(!b->oom);
    cs_runner_store_free(s);
}

START_TEST(test_part_store_roundtrip)
{
    static const char *const paths[] = {"scenarios/reorg-jcurve.yaml",
                                        "scenarios/sre-interruptions.yaml",
                                        "scenarios/board-forecast.yaml"};
    for (size_t k = 0; k < sizeof paths / sizeof *paths; k++) {
        cs_model *m = example(paths[k]);
        cs_runner_store *s = run(m, 0, 3, 3), *t;
        cs_bytes a, b;

        pack(s, &a);
        t = unpack(m, &a);
        pack(t, &b);
        ck_assert_uint_eq(a.n, b.n);
        ck_assert_msg(memcmp(a.p, b.p, a.n) == 0, "%s", paths[k]);
        ck_assert(cs_hist_count(t->hist) == cs_hist_count(s->hist));
        cs_bytes_fini(&a);
        cs_bytes_fini(&b);
        cs_runner_store_free(s);
        cs_runner_store_free(t);
        cs_model_free(m);
    }
}
END_TEST

/* Replications 0-1 and 2-4, each through a part, appended: the store of
** one run of 0-4, byte for byte (the "auto" warm-up included: both runs
** choose it from the same pilots). */
START_TEST(test_part_split_is_whole)
{
    cs_model *m = example("scenarios/reorg-jcurve.yaml");
    cs_runner_store *whole = run(m, 0, 5, 5), *x, *y;
    cs_bytes a, b, w, v;
    cs_part *p = NULL;
    cs_error err;

    make_part(&a, m, 0, 2, 5);
    make_part(&b, m, 2, 3, 5);
    cs_error_clear(&err);
    ck_assert(cs_part_parse(a.p, a.n, 1, &p, &err) == CS_OK);
    ck_assert_uint_eq(p->nblocks, 1);
    ck_assert_str_eq(cs_part_get(p, "options"), "-n 6 --set a=b%20c");
    ck_assert_uint_eq(p->shard_k, 2);
    ck_assert_uint_eq(p->shard_n, 3);
    ck_assert(p->lo == 0 && p->hi == 2 && p->tuples == 5);
    {
        cs_bytes_reader r;
        cs_bytes_reader_init(&r, p->blocks[0].data, p->blocks[0].len);
        ck_assert(cs_runner_store_unpack(m, &r, &x, &err) == CS_OK);
    }
    cs_part_free(p);
    ck_assert(cs_part_parse(b.p, b.n, 1, &p, &err) == CS_OK);
    {
        cs_bytes_reader r;
        cs_bytes_reader_init(&r, p->blocks[0].data, p->blocks[0].len);
        ck_assert(cs_runner_store_unpack(m, &r, &y, &err) == CS_OK);
    }
    cs_part_free(p);
    ck_assert_int_eq(cs_runner_store_append(x, y), 0);
    pack(whole, &w);
    pack(x, &v);
    ck_assert_uint_eq(w.n, v.n);
    ck_assert(memcmp(w.p, v.p, w.n) == 0);
    cs_bytes_fini(&a);
    cs_bytes_fini(&b);
    cs_bytes_fini(&w);
    cs_bytes_fini(&v);
    cs_runner_store_free(whole);
    cs_runner_store_free(x);
    cs_runner_store_free(y);
    cs_model_free(m);
}
END_TEST

/* Every cut of a part is refused as truncated (or not a part at all);
** every changed byte is refused (the checksum, when not the header). */
START_TEST(test_part_broken)
{
    cs_model *m = example("scenarios/sre-interruptions.yaml");
    cs_bytes a;
    cs_part *p = NULL;
    cs_error err;

    make_part(&a, m, 0, 2, 2);
    for (size_t n = 0; n < a.n; n += n < 300 ? 1 : 61) {
        cs_error_clear(&err);
        ck_assert_msg(cs_part_parse(a.p, n, 1, &p, &err) == CS_EINPUT,
                      "cut at %zu read", n);
        ck_assert_ptr_null(p);
        ck_assert_msg(strstr(err.msg, "truncated") != NULL ||
                      strstr(err.msg, "not a chainsim part") != NULL,
                      "cut at %zu: %s", n, err.msg);
    }
    for (size_t at = 0; at < a.n; at += 37) {
        a.p[at] ^= 0x10;
        cs_error_clear(&err);
        ck_assert_msg(cs_part_parse(a.p, a.n, 1, &p, &err) != CS_OK,
                      "byte %zu changed, read", at);
        /* without the checksum the structure is checked: no crash, and
        ** a part read so is freed */
        if (cs_part_parse(a.p, a.n, 0, &p, &err) == CS_OK)
            cs_part_free(p);
        a.p[at] ^= 0x10;
    }
    ck_assert(cs_part_parse(a.p, a.n, 1, &p, &err) == CS_OK);
    cs_part_free(p);
    cs_bytes_fini(&a);
    cs_model_free(m);
}
END_TEST

static void refused(const char *text, const char *why)
{
    cs_part *p = NULL;
    cs_error err;

    cs_error_clear(&err);
    ck_assert_msg(cs_part_parse(text, strlen(text), 0, &p, &err) ==
                  CS_EINPUT, "read: %s", text);
    ck_assert_msg(strstr(err.msg, why) != NULL, "'%s': %s", why, err.msg);
}

START_TEST(test_part_bad_headers)
{
    refused("chainsim part 2\nend\n", "part format 2");
    refused("chainsim part 1\nend\n", "no shard line");
    refused("chainsim part 1\nshard 3 2\ntuples 4\nrange 0 1\nend\nEND1",
            "shard line");
    refused("chainsim part 1\nshard 1 2\ntuples 4\nrange 3 5\nend\n",
            "range line");
    refused("chainsim part 1\nseed 1\nseed 2\nend\n", "two 'seed' lines");
    refused("chainsim part 1\nSeed 1\nend\n", "not 'KEY VALUE'");
    refused("chainsim part 1\nseed\nend\n", "not 'KEY VALUE'");
    refused("chainsim part 1\nseed 1\n", "truncated");
    refused("chainsim part 1\nshard 1 2\ntuples 4\nrange 0 2\nend\nBLK9",
            "does not start as one");
    refused("chainsim result 1\n", "not a chainsim part");
}
END_TEST

START_TEST(test_part_begin_refuses)
{
    static const char *const bad_keys[] = {"Seed", "shard", "end", ""};
    static const char *const ok_keys[] = {"seed"};
    static const char *const bad_value[] = {"a\nb"};
    cs_bytes b;

    cs_bytes_init(&b);
    for (size_t i = 0; i < sizeof bad_keys / sizeof *bad_keys; i++)
        ck_assert_int_eq(cs_part_begin(&b, &bad_keys[i], values, 1, 1, 1, 0,
                                       0, 0), -1);
    ck_assert_int_eq(cs_part_begin(&b, ok_keys, bad_value, 1, 1, 1, 0, 0,
                                   0), -1);
    ck_assert_int_eq(cs_part_begin(&b, ok_keys, values, 1, 1, 1, 0, 0, 0),
                     0);
    cs_part_end(&b);
    {
        cs_part *p = NULL;
        cs_error err;
        ck_assert(cs_part_parse(b.p, b.n, 1, &p, &err) == CS_OK);
        ck_assert_uint_eq(p->nblocks, 0);
        ck_assert_str_eq(cs_part_get(p, "seed"), "1.0.0");
        ck_assert_ptr_null(cs_part_get(p, "horizon"));
        cs_part_free(p);
    }
    cs_bytes_fini(&b);
}
END_TEST

/* A store of another shape (the model of another scenario) is refused
** with what does not fit. */
START_TEST(test_part_other_model)
{
    cs_model *m = example("scenarios/sre-interruptions.yaml");
    cs_model *o = example("scenarios/reorg-jcurve.yaml");
    cs_runner_store *s = run(m, 0, 1, 1), *t = NULL;
    cs_bytes a;
    cs_bytes_reader r;
    cs_error err;

    pack(s, &a);
    cs_bytes_reader_init(&r, a.p, a.n);
    cs_error_clear(&err);
    ck_assert(cs_runner_store_unpack(o, &r, &t, &err) == CS_EINPUT);
    ck_assert_ptr_null(t);
    ck_assert_msg(strstr(err.msg, "the model has") != NULL ||
                  strstr(err.msg, "horizon") != NULL, "%s", err.msg);
    cs_bytes_fini(&a);
    cs_runner_store_free(s);
    cs_model_free(m);
    cs_model_free(o);
}
END_TEST

static Suite *part_suite(void)
{
    Suite *s = suite_create("part");
    TCase *t = tcase_create("part");

    tcase_add_test(t, test_part_store_roundtrip);
    tcase_add_test(t, test_part_split_is_whole);
    tcase_add_test(t, test_part_broken);
    tcase_add_test(t, test_part_bad_headers);
    tcase_add_test(t, test_part_begin_refuses);
    tcase_add_test(t, test_part_other_model);
    tcase_set_timeout(t, 60);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(part_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
