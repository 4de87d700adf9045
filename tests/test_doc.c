/*
** test_doc.c - the YAML loader: positions, scalars, aliases, bounds,
** error messages and positions, deep copies of documents.
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
#include "chainsim/patch.h"
#include "doc_util.h"

/* ------------------------------------------------------------------ */

START_TEST(test_positions)
{
    cs_doc *d = load_ok("name: chain\n"
                        "teams:\n"
                        "  - name: ingestion\n"
                        "    capacity: 2\n"
                        "  - name: \"model\"\n"
                        "    tags: [a, 'b']\n");
    const cs_node *r = d->root;

    ck_assert_int_eq(r->kind, CS_NODE_MAP);
    assert_pos(r, 1, 1);
    ck_assert_uint_eq(r->nchildren, 2);
    ck_assert_str_eq(r->keys[0], "name");
    ck_assert_str_eq(r->keys[1], "teams");
    assert_key_pos(r, "name", 1, 1);
    assert_key_pos(r, "teams", 2, 1);
    assert_pos(at(r, "name"), 1, 7);
    ck_assert_int_eq(at(r, "teams")->kind, CS_NODE_SEQ);
    assert_pos(at(r, "teams"), 3, 3);
    assert_pos(at(r, "teams.0"), 3, 5);
    assert_key_pos(at(r, "teams.0"), "name", 3, 5);
    assert_pos(at(r, "teams.0.name"), 3, 11);
    assert_key_pos(at(r, "teams.0"), "capacity", 4, 5);
    assert_pos(at(r, "teams.0.capacity"), 4, 15);
    ck_assert_str_eq(text_at(r, "teams.0.capacity"), "2");
    assert_pos(at(r, "teams.1.name"), 5, 11);
    assert_pos(at(r, "teams.1.tags"), 6, 11);
    assert_pos(at(r, "teams.1.tags.0"), 6, 12);
    assert_pos(at(r, "teams.1.tags.1"), 6, 15);
    ck_assert_ptr_eq(at(r, "teams.1.tags.1")->file, d->file);
    ck_assert_str_eq(d->file, "t.yaml");
    ck_assert_str_eq(d->dir, ".");
    cs_doc_free(d);
}
END_TEST

START_TEST(test_scalar_styles)
{
    cs_doc *d = load_ok("a: plain text\n"
                        "b: 'single'\n"
                        "c: \"double\\tq\"\n"
                        "d: |\n  line1\n  line2\n"
                        "e: >\n  folded\n  text\n"
                        "f: !!str 12\n"
                        "g: ! 12\n"
                        "h: !custom 12\n"
                        "i: 12\n");
    const cs_node *r = d->root;

    ck_assert_str_eq(text_at(r, "a"), "plain text");
    ck_assert_int_eq(at(r, "a")->plain, 1);
    ck_assert_str_eq(text_at(r, "b"), "single");
    ck_assert_int_eq(at(r, "b")->plain, 0);
    ck_assert_str_eq(text_at(r, "c"), "double\tq");
    ck_assert_int_eq(at(r, "c")->plain, 0);
    ck_assert_str_eq(text_at(r, "d"), "line1\nline2\n");
    ck_assert_int_eq(at(r, "d")->plain, 0);
    ck_assert_str_eq(text_at(r, "e"), "folded text\n");
    ck_assert_int_eq(at(r, "f")->plain, 0);
    ck_assert_str_eq(text_at(r, "f"), "12");
    ck_assert_int_eq(at(r, "g")->plain, 0);
    ck_assert_int_eq(at(r, "h")->plain, 1);   /* other tags are ignored */
    ck_assert_int_eq(at(r, "i")->plain, 1);
    ck_assert_ptr_null(at(r, "a")->children);
    cs_doc_free(d);
}
END_TEST

START_TEST(test_anchors_aliases)
{
    cs_doc *d = load_ok("base: &b {capacity: 2, focus: 0.5}\n"
                        "other: *b\n"
                        "list: [&s x, *s, &s y, *s]\n"
                        "&k name: v\n"
                        "keyed: *k\n"
                        "nested: {*k : again}\n");
    const cs_node *r = d->root;
    const cs_node *other = at(r, "other");

    ck_assert_int_eq(other->kind, CS_NODE_MAP);
    ck_assert_ptr_ne(other, at(r, "base"));
    ck_assert_str_eq(text_at(r, "other.capacity"), "2");
    assert_pos(other, 1, 7);        /* the original's, from its anchor */
    assert_pos(at(r, "other.focus"), 1, 31);
    ck_assert_str_eq(text_at(r, "list.1"), "x");
    ck_assert_str_eq(text_at(r, "list.3"), "y");   /* the latest anchor */
    ck_assert_str_eq(text_at(r, "keyed"), "name");
    ck_assert_str_eq(text_at(r, "name"), "v");
    ck_assert_int_eq(cs_node_find(r, "name"), 3);
    ck_assert_str_eq(text_at(r, "nested.name"), "again");
    assert_key_pos(at(r, "nested"), "name", 6, 10);  /* the alias's */
    cs_doc_free(d);
}
END_TEST

START_TEST(test_duplicate_key_via_alias)
{
    const cs_error e = load_fail("&k name: 1\nx: 2\n*k : 3\n");

    assert_error(&e, 3, 1, "duplicate key 'name' (first at line 1)");
}
END_TEST

START_TEST(test_alias_errors)
{
    cs_error e = load_fail("a: 1\nb: *nope\n");

    assert_error(&e, 2, 4, "unknown alias *nope");
    e = load_fail("a: &x [1, *x]\n");
    assert_error(&e, 1, 11, "alias *x is inside the node it names");
    e = load_fail("a: &m {b: 1}\n*m : 2\n");
    assert_error(&e, 2, 1, "mapping keys must be plain text");
}
END_TEST

START_TEST(test_billion_laughs)
{
    char text[4096];
    size_t n = 0;
    struct timespec t0;
    cs_error e;

    n += (size_t)snprintf(text + n, sizeof text - n,
                          "l1: &l1 [lol, lol, lol, lol, lol, lol, lol, lol, "
                          "lol]\n");
    for (int lvl = 2; lvl <= 9; lvl++) {
        n += (size_t)snprintf(text + n, sizeof text - n, "l%d: &l%d [", lvl,
                              lvl);
        for (int k = 0; k < 9; k++)
            n += (size_t)snprintf(text + n, sizeof text - n, "%s*l%d",
                                  k > 0 ? ", " : "", lvl - 1);
        n += (size_t)snprintf(text + n, sizeof text - n, "]\n");
    }
    ck_assert_uint_lt(n, sizeof text - 1);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    e = load_fail(text);
    ck_assert_msg(seconds_since(&t0) < 10.0, "took %.1f s",
                  seconds_since(&t0));
    /* l6 holds 9 copies of l5 (66430 nodes each): the second overflows. */
    assert_error(&e, 6, 15, "alias *l5 expands the document beyond 200000 "
                 "nodes");
}
END_TEST

START_TEST(test_alias_text_bomb)
{
    const size_t big = 60000;
    const size_t naliases = 300;
    char *text = malloc(big + 32 + naliases * 4);
    size_t n;
    cs_error e;

    ck_assert_ptr_nonnull(text);
    memcpy(text, "a: &a ", 6);
    n = 6;
    memset(text + n, 'x', big);
    n += big;
    memcpy(text + n, "\nb: [", 5);
    n += 5;
    for (size_t i = 0; i < naliases; i++) {
        memcpy(text + n, "*a,", 3);
        n += 3;
    }
    memcpy(text + n, "]\n", 3);
    e = load_fail(text);
    ck_assert_int_eq(e.line, 2);
    ck_assert_msg(strstr(e.msg, "bytes of text") != NULL, "%s", e.msg);
    free(text);
}
END_TEST

START_TEST(test_depth_bomb)
{
    char text[2100];
    cs_error e;

    memset(text, '[', 1000);
    memset(text + 1000, ']', 1000);
    text[2000] = '\0';
    e = load_fail(text);
    assert_error(&e, 1, 65, "nesting deeper than 64 levels");
}
END_TEST

START_TEST(test_depth_limit_exact)
{
    char text[300];
    cs_doc *d;

    memset(text, '[', 64);
    memset(text + 64, ']', 64);
    text[128] = '\0';
    d = load_ok(text);
    cs_doc_free(d);
}
END_TEST

START_TEST(test_depth_through_alias)
{
    char text[600];
    size_t n = 0;
    cs_error e;

    n += (size_t)snprintf(text, sizeof text, "a: &deep ");
    memset(text + n, '[', 40);
    memset(text + n + 40, ']', 40);
    n += 80;
    n += (size_t)snprintf(text + n, sizeof text - n, "\nb: ");
    memset(text + n, '[', 30);
    n += 30;
    n += (size_t)snprintf(text + n, sizeof text - n, "*deep");
    memset(text + n, ']', 30);
    n += 30;
    text[n] = '\0';
    e = load_fail(text);
    assert_error(&e, 2, 34, "(through alias *deep)");
}
END_TEST

START_TEST(test_oversize_scalar)
{
    char *text = malloc(CS_DOC_MAX_SCALAR + 16);
    cs_error e;

    ck_assert_ptr_nonnull(text);
    memcpy(text, "a:\n  b: ", 8);
    memset(text + 8, 'x', CS_DOC_MAX_SCALAR + 1);
    text[8 + CS_DOC_MAX_SCALAR + 1] = '\0';
    e = load_fail(text);
    assert_error(&e, 2, 6, "scalar of 65537 bytes is longer than the limit");
    free(text);
}
END_TEST

START_TEST(test_too_many_nodes)
{
    const size_t items = CS_DOC_MAX_NODES + 10;
    char *text = malloc(items * 2 + 8);
    size_t n = 0;
    cs_error e;

    ck_assert_ptr_nonnull(text);
    text[n++] = '[';
    for (size_t i = 0; i < items; i++) {
        text[n++] = '1';
        text[n++] = ',';
    }
    text[n++] = ']';
    text[n] = '\0';
    e = load_fail(text);
    assert_error(&e, 1, 2 * CS_DOC_MAX_NODES, "more than 200000 nodes");
    free(text);
}
END_TEST

START_TEST(test_big_map_duplicate)
{
    /* Many keys: the duplicate check must stay fast and exact (a scan
    ** per key takes ~40 s here; the hash index well under 1 s, ~3 s
    ** under valgrind). */
    const int nkeys = 90000;
    char *text = malloc((size_t)nkeys * 16 + 32);
    size_t n = 0;
    struct timespec t0;
    double elapsed;
    cs_error e;

    ck_assert_ptr_nonnull(text);
    for (int i = 0; i < nkeys; i++)
        n += (size_t)sprintf(text + n, "k%d: %d\n", i, i);
    n += (size_t)sprintf(text + n, "k123: again\n");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    e = load_fail(text);
    elapsed = seconds_since(&t0);
    free(text);
    ck_assert_msg(elapsed < 20.0, "took %.1f s", elapsed);
    assert_error(&e, nkeys + 1, 1, "duplicate key 'k123' (first at line 124)");
}
END_TEST

START_TEST(test_oversize_file)
{
    char path[] = "/tmp/test_doc_XXXXXX";
    const int fd = mkstemp(path);
    FILE *f;
    cs_doc *d = NULL;
    cs_error e;
    char *block;

    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    block = malloc(CS_DOC_MAX_BYTES + 1);
    ck_assert_ptr_nonnull(block);
    memset(block, '#', CS_DOC_MAX_BYTES + 1);
    ck_assert_uint_eq(fwrite(block, 1, CS_DOC_MAX_BYTES + 1, f),
                      CS_DOC_MAX_BYTES + 1);
    fclose(f);
    free(block);
    ck_assert_int_eq(cs_doc_load_file(path, &d, &e), CS_EINPUT);
    ck_assert_ptr_null(d);
    ck_assert_int_eq(e.line, 0);
    ck_assert_msg(strstr(e.msg, path) != NULL, "%s", e.msg);
    ck_assert_msg(strstr(e.msg, "larger than the limit") != NULL, "%s",
                  e.msg);
    unlink(path);
}
END_TEST

START_TEST(test_oversize_unsized_file)
{
    /* No size to check first: reading stops after the limit. */
    cs_doc *d = NULL;
    cs_error e;

    ck_assert_int_eq(cs_doc_load_file("/dev/zero", &d, &e), CS_EINPUT);
    ck_assert_ptr_null(d);
    ck_assert_msg(strstr(e.msg, "/dev/zero is larger than the limit") != NULL,
                  "%s", e.msg);
}
END_TEST

START_TEST(test_oversize_buffer)
{
    char *big = calloc(CS_DOC_MAX_BYTES + 1, 1);
    cs_doc *d = NULL;
    cs_error e;

    ck_assert_ptr_nonnull(big);
    memset(big, '#', CS_DOC_MAX_BYTES + 1);
    ck_assert_int_eq(cs_doc_load_string("big.yaml", big, CS_DOC_MAX_BYTES + 1,
                                        &d, &e), CS_EINPUT);
    free(big);
    ck_assert_ptr_null(d);
    ck_assert_int_eq(e.line, 0);
    ck_assert_msg(strstr(e.msg, "big.yaml is larger") != NULL, "%s", e.msg);
}
END_TEST

START_TEST(test_load_file)
{
    char dir[] = "/tmp/test_doc_dir_XXXXXX";
    char path[128];
    FILE *f;
    cs_doc *d = NULL;
    cs_error e;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/s.yaml", dir);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("a: 1\nb:\n  c: x\n", f);
    fclose(f);
    ck_assert_int_eq(cs_doc_load_file(path, &d, &e), CS_OK);
    ck_assert_str_eq(d->file, path);
    ck_assert_str_eq(d->dir, dir);
    ck_assert_ptr_eq(at(d->root, "b.c")->file, d->file);
    assert_pos(at(d->root, "b.c"), 3, 6);
    cs_doc_free(d);

    /* errors are located in the file */
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("a: 1\na: 2\n", f);
    fclose(f);
    ck_assert_int_eq(cs_doc_load_file(path, &d, &e), CS_EINPUT);
    ck_assert_str_eq(e.file, path);
    ck_assert_int_eq(e.line, 2);

    ck_assert_int_eq(cs_doc_load_file(dir, &d, &e), CS_EIO);
    ck_assert_ptr_null(d);
    unlink(path);
    ck_assert_int_eq(cs_doc_load_file(path, &d, &e), CS_EIO);
    ck_assert_ptr_null(d);
    ck_assert_int_eq(e.line, 0);
    ck_assert_msg(strstr(e.msg, path) != NULL, "%s", e.msg);
    rmdir(dir);
}
END_TEST

START_TEST(test_dir_forms)
{
    char dir[] = "/tmp/test_doc_dir_XXXXXX";
    char path[128];
    char cwd[512];
    FILE *f;
    cs_doc *d = NULL;
    cs_error e;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s//s.yaml", dir);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("a: 1\n", f);
    fclose(f);
    ck_assert_int_eq(cs_doc_load_file(path, &d, &e), CS_OK);
    ck_assert_str_eq(d->dir, dir);
    cs_doc_free(d);

    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    ck_assert_int_eq(chdir(dir), 0);
    ck_assert_int_eq(cs_doc_load_file("s.yaml", &d, &e), CS_OK);
    ck_assert_str_eq(d->dir, ".");
    cs_doc_free(d);
    ck_assert_int_eq(chdir(cwd), 0);
    snprintf(path, sizeof path, "%s/s.yaml", dir);
    unlink(path);
    rmdir(dir);
}
END_TEST

START_TEST(test_empty_documents)
{
    static const char *const empties[] = {"", "\n\n", "# only a comment\n",
                                          "---\n", "--- # c\n...\n"};

    for (size_t i = 0; i < sizeof empties / sizeof empties[0]; i++) {
        cs_doc *d = load_ok(empties[i]);
        ck_assert_msg(d->root == NULL, "case %zu", i);
        cs_doc_free(d);
    }
}
END_TEST

START_TEST(test_scalar_root)
{
    cs_doc *d = load_ok("just text\n");

    ck_assert_int_eq(d->root->kind, CS_NODE_SCALAR);
    ck_assert_str_eq(d->root->text, "just text");
    cs_doc_free(d);
}
END_TEST

START_TEST(test_duplicate_key)
{
    const cs_error e = load_fail("teams:\n"
                                 "  - name: a\n"
                                 "    capacity: 2\n"
                                 "    focus: 1\n"
                                 "    capacity: 3\n");
    char buf[1024];

    assert_error(&e, 5, 5, "duplicate key 'capacity' (first at line 3)");
    cs_error_format(&e, buf, sizeof buf);
    ck_assert_str_eq(buf, "t.yaml:5:5: error: duplicate key 'capacity' "
                     "(first at line 3)");
}
END_TEST

START_TEST(test_duplicate_key_flow)
{
    const cs_error e = load_fail("a: {x: 1, y: 2, x: 3}\n");

    assert_error(&e, 1, 17, "duplicate key 'x' (first at line 1)");
}
END_TEST

START_TEST(test_merge_key_rejected)
{
    cs_error e = load_fail("base: &b {capacity: 2}\n"
                           "team:\n"
                           "  <<: *b\n");
    cs_doc *d;

    assert_error(&e, 3, 3, "YAML merge keys (<<) are not supported");
    e = load_fail("&a <<: 1\n");   /* a node starts at its anchor */
    assert_error(&e, 1, 1, "YAML merge keys (<<) are not supported");
    d = load_ok("'<<': 1\n");                /* quoted: an ordinary key */
    ck_assert_str_eq(d->root->keys[0], "<<");
    cs_doc_free(d);
}
END_TEST

START_TEST(test_non_scalar_keys)
{
    cs_error e = load_fail("? [a, b]\n: 1\n");

    assert_error(&e, 1, 3, "mapping keys must be plain text");
    e = load_fail("{{a: 1}: 2}\n");
    assert_error(&e, 1, 2, "mapping keys must be plain text");
}
END_TEST

START_TEST(test_two_documents)
{
    cs_error e = load_fail("a: 1\n---\nb: 2\n");

    assert_error(&e, 2, 1, "a second YAML document");
    e = load_fail("--- 1\n--- 2\n");
    assert_error(&e, 2, 1, "a second YAML document");
}
END_TEST

START_TEST(test_invalid_yaml_tab)
{
    const cs_error e = load_fail("teams:\n\t- name: a\n");

    assert_error(&e, 2, 1, "invalid YAML: found character that cannot "
                 "start any token");
    ck_assert_msg(strstr(e.msg, "tab") != NULL, "%s", e.msg);
}
END_TEST

START_TEST(test_invalid_yaml_unclosed_quote)
{
    const cs_error e = load_fail("name: ok\ndescription: \"never closed\n");

    assert_error(&e, 3, 1, "invalid YAML: found unexpected end of stream");
    ck_assert_msg(strstr(e.msg, "quoted scalar at line 2, column 14") != NULL,
                  "%s", e.msg);
}
END_TEST

START_TEST(test_invalid_yaml_indentation)
{
    cs_error e = load_fail("a:\n  b: 1\n c: 2\n");

    assert_error(&e, 3, 2, "invalid YAML: did not find expected key");
    e = load_fail("a: 1\n  b: 2\n");
    assert_error(&e, 2, 4, "invalid YAML: mapping values are not allowed");
    e = load_fail("a: [1, 2\n");
    assert_error(&e, 2, 1, "invalid YAML: did not find expected ','");
}
END_TEST

START_TEST(test_nul_bytes)
{
    cs_error e = load_fail_n("a: 1\nb: \0x\n", 10);

    assert_error(&e, 2, 4, "NUL byte");
    e = load_fail("a: \"x\\0y\"\n");
    assert_error(&e, 1, 4, "NUL character in a scalar");
}
END_TEST

START_TEST(test_invalid_utf8)
{
    cs_error e = load_fail("a: 1\nb: \xc3\xa9\xff\n");

    assert_error(&e, 2, 5, "invalid YAML");
    e = load_fail("a: 1\nb: \xc3");   /* cut inside a character */
    assert_error(&e, 2, 4, "invalid YAML: incomplete UTF-8");
}
END_TEST

START_TEST(test_bom_and_crlf)
{
    cs_doc *d = load_ok("\xEF\xBB\xBF" "a: 1\r\nb:\r\n  c: x\r\n");
    cs_error e;

    assert_pos(at(d->root, "a"), 1, 4);
    assert_pos(at(d->root, "b.c"), 3, 6);
    cs_doc_free(d);
    e = load_fail("\xEF\xBB\xBF" "a: 1\r\nb: \xff\r\n");
    assert_error(&e, 2, 4, "invalid YAML");
    e = load_fail_n("a: 1\rb: \0\r", 10);   /* old Mac line ends */
    assert_error(&e, 2, 4, "NUL byte");
}
END_TEST

START_TEST(test_truncations_never_crash)
{
    /* Every prefix of a document loads or fails cleanly. */
    static const char full[] =
        "chainsim: 1\nname: \"BI chain\"\nteams:\n"
        "  - &t {name: a, capacity: 2}\n  - name: 'b'\n    focus: 0.5\n"
        "work:\n  - name: w\n    steps: [*t, {team: b, effort: |\n"
        "        3d\n      }]\n";

    for (size_t len = 0; len <= sizeof full - 1; len++) {
        cs_doc *d = NULL;
        cs_error e;
        const cs_status st = cs_doc_load_string("t.yaml", full, len, &d, &e);
        ck_assert_msg(st == CS_OK || st == CS_EINPUT, "len %zu", len);
        ck_assert(st == CS_OK || (d == NULL && e.line > 0));
        cs_doc_free(d);
    }
}
END_TEST


/* A copy of a document owns its strings: its nodes name the copy's file
** and --set sources, and it outlives the original. */
START_TEST(test_doc_clone)
{
    cs_doc *d = load_ok("a: {b: 1}\nl: [x, y]\n");
    cs_doc *c = NULL;
    cs_error err;

    ck_assert_int_eq(cs_patch_set(d, "a.c=[1, 2]", &err), CS_OK);
    ck_assert_int_eq(cs_doc_clone(d, &c, &err), CS_OK);
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->file, "t.yaml");
    ck_assert_str_eq(c->dir, ".");
    ck_assert_uint_eq(c->nsources, 1);
    ck_assert_str_eq(c->sources[0], "--set a.c=[1, 2]");
    ck_assert_ptr_ne(c->root, d->root);
    ck_assert_ptr_eq(at(c->root, "a.b")->file, c->file);
    ck_assert_ptr_eq(at(c->root, "l.1")->file, c->file);
    ck_assert_ptr_eq(at(c->root, "a.c.0")->file, c->sources[0]);
    ck_assert_ptr_eq(at(d->root, "a.c.0")->file, d->sources[0]);
    assert_pos(at(c->root, "l.1"), 2, 8);
    cs_doc_free(d);
    ck_assert_str_eq(text_at(c->root, "a.c.1"), "2");
    cs_doc_free(c);
}
END_TEST

START_TEST(test_doc_clone_empty)
{
    cs_doc *d = load_ok("# nothing\n");
    cs_doc *c = NULL;

    ck_assert_int_eq(cs_doc_clone(d, &c, NULL), CS_OK);
    ck_assert_ptr_null(c->root);
    ck_assert_str_eq(c->file, "t.yaml");
    cs_doc_free(c);
    cs_doc_free(d);
}
END_TEST

static Suite *doc_suite(void)
{
    Suite *s = suite_create("doc");
    TCase *load = tcase_create("load");
    TCase *bounds = tcase_create("bounds");
    TCase *errors = tcase_create("errors");

    tcase_add_test(load, test_positions);
    tcase_add_test(load, test_scalar_styles);
    tcase_add_test(load, test_anchors_aliases);
    tcase_add_test(load, test_load_file);
    tcase_add_test(load, test_dir_forms);
    tcase_add_test(load, test_empty_documents);
    tcase_add_test(load, test_scalar_root);
    tcase_add_test(load, test_doc_clone);
    tcase_add_test(load, test_doc_clone_empty);
    suite_add_tcase(s, load);

    tcase_set_timeout(bounds, 30);
    tcase_add_test(bounds, test_billion_laughs);
    tcase_add_test(bounds, test_alias_text_bomb);
    tcase_add_test(bounds, test_depth_bomb);
    tcase_add_test(bounds, test_depth_limit_exact);
    tcase_add_test(bounds, test_depth_through_alias);
    tcase_add_test(bounds, test_oversize_scalar);
    tcase_add_test(bounds, test_too_many_nodes);
    tcase_add_test(bounds, test_big_map_duplicate);
    tcase_add_test(bounds, test_oversize_file);
    tcase_add_test(bounds, test_oversize_unsized_file);
    tcase_add_test(bounds, test_oversize_buffer);
    suite_add_tcase(s, bounds);

    tcase_add_test(errors, test_duplicate_key);
    tcase_add_test(errors, test_duplicate_key_flow);
    tcase_add_test(errors, test_duplicate_key_via_alias);
    tcase_add_test(errors, test_alias_errors);
    tcase_add_test(errors, test_merge_key_rejected);
    tcase_add_test(errors, test_non_scalar_keys);
    tcase_add_test(errors, test_two_documents);
    tcase_add_test(errors, test_invalid_yaml_tab);
    tcase_add_test(errors, test_invalid_yaml_unclosed_quote);
    tcase_add_test(errors, test_invalid_yaml_indentation);
    tcase_add_test(errors, test_nul_bytes);
    tcase_add_test(errors, test_invalid_utf8);
    tcase_add_test(errors, test_bom_and_crlf);
    tcase_add_test(errors, test_truncations_never_crash);
    suite_add_tcase(s, errors);

    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(doc_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
