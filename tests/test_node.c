/*
** test_node.c - the YAML tree: null forms, node helpers, deep copies.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chainsim/doc.h"
#include "chainsim/error.h"
#include "chainsim/node.h"
#include "doc_util.h"


START_TEST(test_null_forms)
{
    cs_doc *d = load_ok("a:\nb: ~\nc: null\nd: Null\ne: NULL\n"
                        "f: \"null\"\ng: ''\nh: !!str ~\ni: nULL\nj: 0\n"
                        "k: {}\nl: []\n");
    const cs_node *r = d->root;

    ck_assert(cs_node_is_null(at(r, "a")));
    ck_assert_str_eq(text_at(r, "a"), "");
    ck_assert(cs_node_is_null(at(r, "b")));
    ck_assert(cs_node_is_null(at(r, "c")));
    ck_assert(cs_node_is_null(at(r, "d")));
    ck_assert(cs_node_is_null(at(r, "e")));
    ck_assert(!cs_node_is_null(at(r, "f")));
    ck_assert(!cs_node_is_null(at(r, "g")));
    ck_assert(!cs_node_is_null(at(r, "h")));
    ck_assert(!cs_node_is_null(at(r, "i")));
    ck_assert(!cs_node_is_null(at(r, "j")));
    ck_assert(!cs_node_is_null(at(r, "k")));
    ck_assert_uint_eq(at(r, "k")->nchildren, 0);
    ck_assert(!cs_node_is_null(at(r, "l")));
    ck_assert(!cs_node_is_null(NULL));
    cs_doc_free(d);
}
END_TEST

START_TEST(test_node_helpers)
{
    cs_doc *d = load_ok("m: {x: 1, y: 2}\ns: [1]\nv: 3\n");
    const cs_node *r = d->root;
    cs_error err;
    char buf[1024];

    ck_assert_int_eq(cs_node_find(r, "s"), 1);
    ck_assert_int_eq(cs_node_find(r, "zz"), -1);
    ck_assert_int_eq(cs_node_find(NULL, "s"), -1);
    ck_assert_int_eq(cs_node_find(at(r, "s"), "s"), -1);
    ck_assert_ptr_null(cs_node_get(at(r, "v"), "x"));
    ck_assert_str_eq(cs_node_kind_name(at(r, "m")), "a mapping");
    ck_assert_str_eq(cs_node_kind_name(at(r, "s")), "a list");
    ck_assert_str_eq(cs_node_kind_name(at(r, "v")), "a scalar");
    ck_assert_str_eq(cs_node_kind_name(NULL), "nothing");

    ck_assert_int_eq(cs_node_error(&err, at(r, "v"), CS_EINPUT,
                                   "bad %s", "value"), CS_EINPUT);
    cs_error_format(&err, buf, sizeof buf);
    ck_assert_str_eq(buf, "t.yaml:3:4: error: bad value");
    ck_assert_int_eq(cs_node_key_error(&err, at(r, "m"), 1, CS_EINPUT,
                                       "unknown key '%s'", "y"), CS_EINPUT);
    cs_error_format(&err, buf, sizeof buf);
    ck_assert_str_eq(buf, "t.yaml:1:11: error: unknown key 'y'");
    cs_node_error(&err, NULL, CS_EINPUT, "nowhere");
    cs_error_format(&err, buf, sizeof buf);
    ck_assert_str_eq(buf, "chainsim: error: nowhere");
    cs_doc_free(d);
}
END_TEST

START_TEST(test_clone)
{
    cs_doc *d = load_ok("a: {b: [1, {c: x}], d: 'q'}\n");
    cs_node *c = cs_node_clone(d->root);

    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_ne(c, d->root);
    ck_assert_str_eq(text_at(c, "a.b.1.c"), "x");
    ck_assert_ptr_ne(at(c, "a.b.1.c"), at(d->root, "a.b.1.c"));
    assert_pos(at(c, "a.b.1.c"), 1, 16);
    ck_assert_int_eq(at(c, "a.d")->plain, 0);
    cs_doc_free(d);
    ck_assert_str_eq(c->keys[0], "a");   /* independent of d's nodes */
    cs_node_free(c);
    ck_assert_ptr_null(cs_node_clone(NULL));
    cs_node_free(NULL);
    cs_doc_free(NULL);
}
END_TEST

static Suite *node_suite(void)
{
    Suite *s = suite_create("node");
    TCase *nodes = tcase_create("nodes");

    tcase_add_test(nodes, test_null_forms);
    tcase_add_test(nodes, test_node_helpers);
    tcase_add_test(nodes, test_clone);
    suite_add_tcase(s, nodes);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(node_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
