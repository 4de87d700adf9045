/*
** test_doc.c - the YAML document module: positions, scalars, aliases,
** bounds, error messages and positions, merge patches, --set.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chainsim/doc.h"
#include "chainsim/error.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static cs_doc *load_ok(const char *text)
{
    cs_doc *d = NULL;
    cs_error err;
    cs_status st;

    cs_error_clear(&err);
    st = cs_doc_load_string("t.yaml", text, strlen(text), &d, &err);
    ck_assert_msg(st == CS_OK, "load failed: %d:%d: %s", err.line,
                  err.column, err.msg);
    ck_assert_ptr_nonnull(d);
    return d;
}

/* Loads text (len bytes) expecting a CS_EINPUT error; returns it. */
static cs_error load_fail_n(const char *text, size_t len)
{
    cs_doc *d = (cs_doc *)&d;   /* must be reset to NULL */
    cs_error err;
    cs_status st;

    cs_error_clear(&err);
    st = cs_doc_load_string("t.yaml", text, len, &d, &err);
    ck_assert_int_eq(st, CS_EINPUT);
    ck_assert_int_eq(err.status, CS_EINPUT);
    ck_assert_ptr_null(d);
    return err;
}

static cs_error load_fail(const char *text)
{
    return load_fail_n(text, strlen(text));
}

static void assert_error(const cs_error *err, int line, int column,
                         const char *msg_part)
{
    ck_assert_msg(err->line == line && err->column == column,
                  "error at %d:%d, expected %d:%d (%s)", err->line,
                  err->column, line, column, err->msg);
    ck_assert_msg(strstr(err->msg, msg_part) != NULL,
                  "message '%s' lacks '%s'", err->msg, msg_part);
}

/* The node at a dotted path: keys for maps, indexes for lists. */
static const cs_node *at(const cs_node *n, const char *path)
{
    char buf[256];
    char *save = NULL;

    snprintf(buf, sizeof buf, "%s", path);
    for (char *part = strtok_r(buf, ".", &save); part != NULL;
         part = strtok_r(NULL, ".", &save)) {
        ck_assert_ptr_nonnull(n);
        if (n->kind == CS_NODE_MAP) {
            n = cs_node_get(n, part);
        } else {
            const size_t i = (size_t)atoi(part);
            ck_assert_int_eq(n->kind, CS_NODE_SEQ);
            ck_assert_uint_lt(i, n->nchildren);
            n = n->children[i];
        }
    }
    ck_assert_msg(n != NULL, "no node at %s", path);
    return n;
}

static const char *text_at(const cs_node *n, const char *path)
{
    const cs_node *s = at(n, path);

    ck_assert_int_eq(s->kind, CS_NODE_SCALAR);
    return s->text;
}

static void assert_pos(const cs_node *n, int line, int column)
{
    ck_assert_msg(n->line == line && n->column == column,
                  "node at %d:%d, expected %d:%d", n->line, n->column, line,
                  column);
}

static void assert_key_pos(const cs_node *map, const char *key, int line,
                           int column)
{
    const long i = cs_node_find(map, key);

    ck_assert_msg(i >= 0, "no key %s", key);
    ck_assert_msg(map->key_line[i] == line && map->key_column[i] == column,
                  "key %s at %d:%d, expected %d:%d", key, map->key_line[i],
                  map->key_column[i], line, column);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) +
           (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */
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

/* ------------------------------------------------------------------ */
/* Merge                                                               */
/* ------------------------------------------------------------------ */

/* Merges the document patch into the document target; checks CS_OK. */
static void merge_docs(cs_doc *target, const cs_doc *patch)
{
    cs_error e;

    ck_assert_int_eq(cs_doc_merge(&target->root, patch->root, &e), CS_OK);
}

START_TEST(test_merge_nested_maps)
{
    cs_doc *t = load_ok("a: {b: 1, c: 2}\nd: 3\n");
    cs_doc *p = load_ok("a:\n  b: 5\n  e: {f: 6}\n");
    const cs_node *a;

    merge_docs(t, p);
    a = at(t->root, "a");
    ck_assert_uint_eq(a->nchildren, 3);
    ck_assert_str_eq(a->keys[0], "b");
    ck_assert_str_eq(a->keys[1], "c");
    ck_assert_str_eq(a->keys[2], "e");
    ck_assert_str_eq(text_at(t->root, "a.b"), "5");
    ck_assert_str_eq(text_at(t->root, "a.c"), "2");
    ck_assert_str_eq(text_at(t->root, "a.e.f"), "6");
    ck_assert_str_eq(text_at(t->root, "d"), "3");
    /* the merged map stays the target's; replaced values are the patch's */
    ck_assert_ptr_eq(a->file, t->file);
    assert_pos(a, 1, 4);
    ck_assert_ptr_eq(at(t->root, "a.b")->file, p->file);
    assert_pos(at(t->root, "a.b"), 2, 6);
    assert_key_pos(a, "b", 2, 3);                /* moved with the value */
    assert_key_pos(a, "c", 1, 11);
    assert_key_pos(a, "e", 3, 3);
    assert_key_pos(t->root, "a", 1, 1);          /* merged in place */
    cs_doc_free(p);
    cs_doc_free(t);
}
END_TEST

START_TEST(test_merge_key_error_file)
{
    cs_doc *t = load_ok("a: {b: 1, c: 2}\n");
    cs_doc *p = NULL;
    cs_error e;

    ck_assert_int_eq(cs_doc_load_string("p.yaml", "a: {b: 9}\n", 10, &p, NULL),
                     CS_OK);
    merge_docs(t, p);
    cs_node_key_error(&e, at(t->root, "a"), 0, CS_EINPUT, "k");
    ck_assert_str_eq(e.file, "p.yaml");
    ck_assert_int_eq(e.line, 1);
    ck_assert_int_eq(e.column, 5);
    cs_node_key_error(&e, at(t->root, "a"), 1, CS_EINPUT, "k");
    ck_assert_str_eq(e.file, "t.yaml");
    ck_assert_int_eq(e.column, 11);
    cs_doc_free(p);
    cs_doc_free(t);
}
END_TEST

START_TEST(test_merge_named_list)
{
    cs_doc *t = load_ok("teams:\n"
                        "  - {name: x, capacity: 1, focus: 0.5}\n"
                        "  - {name: y, capacity: 2}\n");
    cs_doc *p = load_ok("teams:\n"
                        "  - {name: y, capacity: 7}\n"
                        "  - {name: z, capacity: 1, focus: null}\n"
                        "  - {name: x, focus: null}\n");
    const cs_node *teams;

    merge_docs(t, p);
    teams = at(t->root, "teams");
    ck_assert_uint_eq(teams->nchildren, 3);
    ck_assert_str_eq(text_at(t->root, "teams.0.name"), "x");
    ck_assert_str_eq(text_at(t->root, "teams.0.capacity"), "1");
    ck_assert_int_eq(cs_node_find(at(t->root, "teams.0"), "focus"), -1);
    ck_assert_str_eq(text_at(t->root, "teams.1.name"), "y");
    ck_assert_str_eq(text_at(t->root, "teams.1.capacity"), "7");
    ck_assert_str_eq(text_at(t->root, "teams.2.name"), "z");   /* appended */
    ck_assert_uint_eq(at(t->root, "teams.2")->nchildren, 2);   /* no null */
    ck_assert_ptr_eq(at(t->root, "teams.2")->file, p->file);
    ck_assert_ptr_eq(teams->file, t->file);
    cs_doc_free(p);
    cs_doc_free(t);
}
END_TEST

START_TEST(test_merge_append_to_empty_list)
{
    cs_doc *t = load_ok("teams: []\n");
    cs_doc *p = load_ok("teams: [{name: a}, {name: b}]\n");

    merge_docs(t, p);
    ck_assert_uint_eq(at(t->root, "teams")->nchildren, 2);
    ck_assert_str_eq(text_at(t->root, "teams.1.name"), "b");
    cs_doc_free(p);
    cs_doc_free(t);
}
END_TEST

START_TEST(test_merge_empty_list_patch_replaces)
{
    cs_doc *t = load_ok("teams: [{name: a}, {name: b}]\n");
    cs_doc *p = load_ok("teams: []\n");

    merge_docs(t, p);
    ck_assert_int_eq(at(t->root, "teams")->kind, CS_NODE_SEQ);
    ck_assert_uint_eq(at(t->root, "teams")->nchildren, 0);
    cs_doc_free(p);
    cs_doc_free(t);
}
END_TEST

START_TEST(test_merge_null_removes_key)
{
    cs_doc *t = load_ok("a: 1\nb: {c: 2, d: 3}\ne: 4\n");
    cs_doc *p = load_ok("a: null\nb: {d: ~}\nzz: null\n");

    merge_docs(t, p);
    ck_assert_uint_eq(t->root->nchildren, 2);
    ck_assert_str_eq(t->root->keys[0], "b");
    ck_assert_str_eq(t->root->keys[1], "e");
    ck_assert_uint_eq(at(t->root, "b")->nchildren, 1);
    ck_assert_str_eq(text_at(t->root, "b.c"), "2");
    ck_assert_int_eq(cs_node_find(t->root, "zz"), -1);
    cs_doc_free(p);
    cs_doc_free(t);
}
END_TEST

START_TEST(test_merge_keyed_patch_on_named_list)
{
    cs_doc *t = load_ok("teams:\n"
                        "  - {name: ingestion, capacity: 2}\n"
                        "  - {name: governance, capacity: 1}\n"
                        "  - {name: reporting, capacity: 1}\n");
    cs_doc *p = load_ok("teams:\n"
                        "  ingestion: {capacity: 3}\n"
                        "  governance: null\n"
                        "  ghost: null\n"
                        "  platform: {capacity: 4, wip_limit: null}\n"
                        "  odd: 5\n");
    const cs_node *teams;

    merge_docs(t, p);
    teams = at(t->root, "teams");
    ck_assert_int_eq(teams->kind, CS_NODE_SEQ);
    ck_assert_uint_eq(teams->nchildren, 4);
    ck_assert_str_eq(text_at(t->root, "teams.0.name"), "ingestion");
    ck_assert_str_eq(text_at(t->root, "teams.0.capacity"), "3");
    ck_assert_str_eq(text_at(t->root, "teams.3"), "5");  /* left to check */
    ck_assert_str_eq(text_at(t->root, "teams.1.name"), "reporting");
    ck_assert_str_eq(text_at(t->root, "teams.2.name"), "platform");
    ck_assert_str_eq(text_at(t->root, "teams.2.capacity"), "4");
    ck_assert_uint_eq(at(t->root, "teams.2")->nchildren, 2);
    assert_pos(at(t->root, "teams.2.name"), 5, 3);   /* the patch key */
    cs_doc_free(p);
    cs_doc_free(t);
}
END_TEST

START_TEST(test_merge_type_change_replaces)
{
    cs_doc *t = load_ok("a: 1\nb: {c: 1}\nc: [1, 2]\nd: [{name: x}]\n"
                        "e: [{name: x}]\n");
    cs_doc *p = load_ok("a: {x: 1, y: null}\nb: 2\nc: [{name: q}]\n"
                        "d: [1]\ne: 'text'\n");

    merge_docs(t, p);
    ck_assert_int_eq(at(t->root, "a")->kind, CS_NODE_MAP);
    ck_assert_uint_eq(at(t->root, "a")->nchildren, 1);   /* nulls dropped */
    ck_assert_str_eq(text_at(t->root, "b"), "2");
    ck_assert_uint_eq(at(t->root, "c")->nchildren, 1);
    ck_assert_str_eq(text_at(t->root, "c.0.name"), "q");
    ck_assert_str_eq(text_at(t->root, "d.0"), "1");
    ck_assert_str_eq(text_at(t->root, "e"), "text");
    ck_assert_int_eq(at(t->root, "e")->plain, 0);
    cs_doc_free(p);
    cs_doc_free(t);
}
END_TEST

START_TEST(test_merge_patch_is_cloned)
{
    cs_doc *t = load_ok("teams: [{name: a, capacity: 1}]\nx: {y: 1}\n");
    cs_doc *p = load_ok("teams: [{name: b, capacity: 2, deep: {k: [1]}}]\n"
                        "x: {z: {w: 3}}\nnew: [1, 2]\n");
    cs_node *patch = cs_node_clone(p->root);
    cs_error e;

    ck_assert_int_eq(cs_doc_merge(&t->root, patch, &e), CS_OK);
    cs_node_free(patch);   /* the target must not share its nodes */
    ck_assert_str_eq(text_at(t->root, "teams.1.deep.k.0"), "1");
    ck_assert_str_eq(text_at(t->root, "x.z.w"), "3");
    ck_assert_str_eq(text_at(t->root, "new.1"), "2");
    ck_assert_str_eq(text_at(p->root, "x.z.w"), "3");   /* patch untouched */
    ck_assert_uint_eq(at(p->root, "teams")->nchildren, 1);
    cs_doc_free(p);
    cs_doc_free(t);
}
END_TEST

START_TEST(test_merge_into_nothing)
{
    cs_doc *p = load_ok("a: {b: null, c: 1}\n");
    cs_node *target = NULL;
    cs_error e;

    ck_assert_int_eq(cs_doc_merge(&target, p->root, &e), CS_OK);
    ck_assert_int_eq(target->kind, CS_NODE_MAP);
    ck_assert_uint_eq(at(target, "a")->nchildren, 1);
    ck_assert_int_eq(cs_doc_merge(&target, NULL, &e), CS_OK);
    ck_assert_uint_eq(target->nchildren, 1);
    cs_node_free(target);
    cs_doc_free(p);
}
END_TEST

START_TEST(test_merge_big_documents)
{
    /* Large maps and named lists use an index; results match. */
    const int n = 3000;
    char *text = malloc((size_t)n * 40 + 64);
    size_t len = 0;
    cs_doc *t, *p;
    const cs_node *list;

    ck_assert_ptr_nonnull(text);
    len += (size_t)sprintf(text, "m:\n");
    for (int i = 0; i < n; i++)
        len += (size_t)sprintf(text + len, "  k%d: %d\n", i, i);
    len += (size_t)sprintf(text + len, "l:\n");
    for (int i = 0; i < n; i++)
        len += (size_t)sprintf(text + len, "  - {name: e%d, v: %d}\n", i, i);
    t = load_ok(text);
    len = (size_t)sprintf(text, "m: {k5: null, k7: x, new: y}\nl:\n");
    for (int i = n - 1; i >= 0; i -= 2)
        len += (size_t)sprintf(text + len, "  - {name: e%d, v: p}\n", i);
    len += (size_t)sprintf(text + len, "  - {name: fresh}\n");
    p = load_ok(text);
    merge_docs(t, p);
    ck_assert_uint_eq(at(t->root, "m")->nchildren, (size_t)n);
    ck_assert_int_eq(cs_node_find(at(t->root, "m"), "k5"), -1);
    ck_assert_str_eq(text_at(t->root, "m.k7"), "x");
    ck_assert_str_eq(text_at(t->root, "m.new"), "y");
    list = at(t->root, "l");
    ck_assert_uint_eq(list->nchildren, (size_t)n + 1);
    ck_assert_str_eq(text_at(t->root, "l.1.v"), "p");
    ck_assert_str_eq(text_at(t->root, "l.2.v"), "2");
    ck_assert_str_eq(text_at(list, "3000.name"), "fresh");
    cs_doc_free(p);

    p = load_ok("l: {e10: null, e11: {v: q}, e12: null}\n");
    merge_docs(t, p);
    ck_assert_uint_eq(at(t->root, "l")->nchildren, (size_t)n - 1);
    ck_assert_str_eq(text_at(t->root, "l.10.name"), "e11");
    ck_assert_str_eq(text_at(t->root, "l.10.v"), "q");
    ck_assert_str_eq(text_at(t->root, "l.11.name"), "e13");
    cs_doc_free(p);
    cs_doc_free(t);
    free(text);
}
END_TEST

/* ------------------------------------------------------------------ */
/* --set                                                               */
/* ------------------------------------------------------------------ */

static const char base_doc[] =
    "name: chain\n"
    "teams:\n"
    "  - name: ingestion\n"
    "    capacity: 2\n"
    "  - name: governance\n"
    "    capacity: 1\n"
    "work:\n"
    "  - name: report\n"
    "    arrivals: {rate: 3/w, batch: 2}\n"
    "    steps:\n"
    "      - team: ingestion\n";

static cs_error set_fail(cs_doc *d, const char *assignment)
{
    cs_error e;

    cs_error_clear(&e);
    ck_assert_int_eq(cs_doc_set(d, assignment, &e), CS_EINPUT);
    ck_assert_int_eq(e.line, 0);
    ck_assert_str_eq(e.file, "");
    return e;
}

static void set_ok(cs_doc *d, const char *assignment)
{
    cs_error e;

    cs_error_clear(&e);
    ck_assert_msg(cs_doc_set(d, assignment, &e) == CS_OK, "%s", e.msg);
}

START_TEST(test_set_scalar_replace)
{
    cs_doc *d = load_ok(base_doc);
    const cs_node *c;
    char buf[1024];
    cs_error e;

    set_ok(d, "teams.ingestion.capacity=3");
    c = at(d->root, "teams.0.capacity");
    ck_assert_str_eq(c->text, "3");
    ck_assert_int_eq(c->plain, 1);
    ck_assert_str_eq(c->file, "--set teams.ingestion.capacity=3");
    ck_assert_uint_eq(d->nsources, 1);
    ck_assert_ptr_eq(c->file, d->sources[0]);
    ck_assert_int_eq(c->line, 0);
    cs_node_error(&e, c, CS_EINPUT, "bad capacity");
    cs_error_format(&e, buf, sizeof buf);
    ck_assert_str_eq(buf, "--set teams.ingestion.capacity=3: error: "
                     "bad capacity");
    set_ok(d, "name='quoted: yes'");
    ck_assert_str_eq(text_at(d->root, "name"), "quoted: yes");
    ck_assert_int_eq(at(d->root, "name")->plain, 0);
    set_ok(d, "work.report.arrivals.rate=a=b");   /* split at the first = */
    ck_assert_str_eq(text_at(d->root, "work.0.arrivals.rate"), "a=b");
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_new_last_key)
{
    cs_doc *d = load_ok(base_doc);
    const cs_node *team;
    cs_error e;

    set_ok(d, "teams.ingestion.wip_limit=6");
    team = at(d->root, "teams.0");
    ck_assert_uint_eq(team->nchildren, 3);
    ck_assert_str_eq(team->keys[2], "wip_limit");
    ck_assert_str_eq(text_at(team, "wip_limit"), "6");
    cs_node_key_error(&e, team, 2, CS_EINPUT, "unknown key");
    ck_assert_str_eq(e.file, "--set teams.ingestion.wip_limit=6");
    ck_assert_int_eq(e.line, 0);
    set_ok(d, "seed=7");
    ck_assert_str_eq(text_at(d->root, "seed"), "7");
    set_ok(d, "time={hours_per_day: 6, x: null}");
    ck_assert_uint_eq(at(d->root, "time")->nchildren, 1);
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_map_merges)
{
    cs_doc *d = load_ok(base_doc);
    const cs_node *arr;

    set_ok(d, "work.report.arrivals={rate: 2/w}");
    arr = at(d->root, "work.0.arrivals");
    ck_assert_uint_eq(arr->nchildren, 2);
    ck_assert_str_eq(text_at(arr, "rate"), "2/w");
    ck_assert_str_eq(text_at(arr, "batch"), "2");
    ck_assert_ptr_eq(arr->file, d->file);
    set_ok(d, "work.report.arrivals={batch: null}");
    ck_assert_uint_eq(at(d->root, "work.0.arrivals")->nchildren, 1);
    set_ok(d, "teams.governance={capacity: 5}");
    ck_assert_str_eq(text_at(d->root, "teams.1.capacity"), "5");
    ck_assert_str_eq(text_at(d->root, "teams.1.name"), "governance");
    set_ok(d, "teams={ingestion: {focus: 0.5}}");   /* keyed by name */
    ck_assert_str_eq(text_at(d->root, "teams.0.focus"), "0.5");
    ck_assert_uint_eq(at(d->root, "teams")->nchildren, 2);
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_list_and_scalar_replace)
{
    cs_doc *d = load_ok(base_doc);

    set_ok(d, "work.report.steps=[{team: governance}]");
    ck_assert_uint_eq(at(d->root, "work.0.steps")->nchildren, 1);
    ck_assert_str_eq(text_at(d->root, "work.0.steps.0.team"), "governance");
    set_ok(d, "work.report.arrivals=5");
    ck_assert_str_eq(text_at(d->root, "work.0.arrivals"), "5");
    set_ok(d, "teams.governance=7");   /* an element replaced: checked later */
    ck_assert_str_eq(text_at(d->root, "teams.1"), "7");
    set_ok(d, "teams=[{name: solo}]");   /* teams is no named list now */
    ck_assert_uint_eq(at(d->root, "teams")->nchildren, 1);
    ck_assert_str_eq(text_at(d->root, "teams.0.name"), "solo");
    cs_doc_free(d);
}
END_TEST

/* SPEC 1.3: --set is the patch mechanism, so a named list merges by name. */
START_TEST(test_set_named_list_merges)
{
    cs_doc *d = load_ok(base_doc);

    set_ok(d, "teams=[{name: governance, capacity: 4}, {name: solo}]");
    ck_assert_uint_eq(at(d->root, "teams")->nchildren, 3);
    ck_assert_str_eq(text_at(d->root, "teams.0.name"), "ingestion");
    ck_assert_str_eq(text_at(d->root, "teams.0.capacity"), "2");
    ck_assert_str_eq(text_at(d->root, "teams.1.capacity"), "4");
    ck_assert_str_eq(text_at(d->root, "teams.2.name"), "solo");
    /* replacing a named list whole: remove it, then set it */
    set_ok(d, "teams=null");
    set_ok(d, "teams=[{name: solo}]");
    ck_assert_uint_eq(at(d->root, "teams")->nchildren, 1);
    ck_assert_str_eq(text_at(d->root, "teams.0.name"), "solo");
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_null_removes)
{
    cs_doc *d = load_ok(base_doc);

    set_ok(d, "teams.ingestion.capacity=null");
    ck_assert_int_eq(cs_node_find(at(d->root, "teams.0"), "capacity"), -1);
    set_ok(d, "teams.governance=~");
    ck_assert_uint_eq(at(d->root, "teams")->nchildren, 1);
    set_ok(d, "work.report.arrivals.batch=");   /* empty: null */
    ck_assert_int_eq(cs_node_find(at(d->root, "work.0.arrivals"), "batch"),
                     -1);
    set_ok(d, "teams.ingestion.no_such_key=null");   /* absent: no-op */
    ck_assert_uint_eq(at(d->root, "teams.0")->nchildren, 1);
    set_ok(d, "name='null'");                 /* quoted: a string */
    ck_assert_str_eq(text_at(d->root, "name"), "null");
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_missing_middle_part)
{
    cs_doc *d = load_ok(base_doc);
    cs_error e = set_fail(d, "teams.ingestoin.capacity=3");
    char buf[1024];

    ck_assert_str_eq(e.msg, "--set teams.ingestoin.capacity=3: 'ingestoin' "
                     "is not an element of teams (did you mean "
                     "'ingestion'?)");
    cs_error_format(&e, buf, sizeof buf);
    ck_assert_str_eq(buf, "chainsim: error: --set teams.ingestoin.capacity=3: "
                     "'ingestoin' is not an element of teams (did you mean "
                     "'ingestion'?)");
    e = set_fail(d, "teams.ingestion.capacty.x=3");
    ck_assert_str_eq(e.msg, "--set teams.ingestion.capacty.x=3: 'capacty' is "
                     "not a key of teams.ingestion (did you mean "
                     "'capacity'?)");
    e = set_fail(d, "tems.x=3");
    ck_assert_str_eq(e.msg, "--set tems.x=3: 'tems' is not a key of the "
                     "document (did you mean 'teams'?)");
    e = set_fail(d, "zzzzzz.x=3");
    ck_assert_str_eq(e.msg, "--set zzzzzz.x=3: 'zzzzzz' is not a key of the "
                     "document");
    ck_assert_uint_eq(d->nsources, 0);
    ck_assert_str_eq(text_at(d->root, "teams.0.capacity"), "2");
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_new_list_element_refused)
{
    cs_doc *d = load_ok(base_doc);
    const cs_error e = set_fail(d, "teams.platform={capacity: 1}");

    ck_assert_str_eq(e.msg, "--set teams.platform={capacity: 1}: 'platform' "
                     "is not an element of teams");
    ck_assert_uint_eq(at(d->root, "teams")->nchildren, 2);
    (void)set_fail(d, "teams.platform=null");
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_through_scalar_or_unnamed_list)
{
    cs_doc *d = load_ok(base_doc);
    cs_error e = set_fail(d, "name.x=1");

    ck_assert_str_eq(e.msg, "--set name.x=1: name is a scalar, so 'x' cannot "
                     "select anything in it");
    e = set_fail(d, "work.report.steps.ingestion.effort=1d");
    ck_assert_str_eq(e.msg, "--set work.report.steps.ingestion.effort=1d: "
                     "work.report.steps is a list without element names, so "
                     "'ingestion' cannot select anything in it");
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_value_yaml_error)
{
    cs_doc *d = load_ok(base_doc);
    cs_error e = set_fail(d, "teams.ingestion.capacity=[1,");

    ck_assert_msg(strncmp(e.msg, "--set teams.ingestion.capacity=[1,: invalid "
                          "YAML: ", 45) == 0, "%s", e.msg);
    e = set_fail(d, "teams.ingestion.capacity={a: 1, a: 2}");
    ck_assert_msg(strstr(e.msg, "duplicate key 'a'") != NULL, "%s", e.msg);
    e = set_fail(d, "teams.ingestion.capacity=1\n---\n2");
    ck_assert_msg(strstr(e.msg, "a second YAML document") != NULL, "%s",
                  e.msg);
    ck_assert_str_eq(text_at(d->root, "teams.0.capacity"), "2");
    ck_assert_uint_eq(d->nsources, 0);
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_bad_path)
{
    cs_doc *d = load_ok(base_doc);
    cs_error e = set_fail(d, "a..b=1");

    ck_assert_str_eq(e.msg, "--set a..b=1: empty part in path 'a..b'");
    e = set_fail(d, ".a=1");
    ck_assert_str_eq(e.msg, "--set .a=1: empty part in path '.a'");
    e = set_fail(d, "a.=1");
    ck_assert_str_eq(e.msg, "--set a.=1: empty part in path 'a.'");
    e = set_fail(d, "=1");
    ck_assert_str_eq(e.msg, "--set =1: empty path before '='");
    e = set_fail(d, "teams.ingestion.capacity");
    ck_assert_str_eq(e.msg, "--set teams.ingestion.capacity: expected "
                     "PATH=VALUE");
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_empty_document)
{
    cs_doc *d = load_ok("");
    const cs_error e = set_fail(d, "a=1");

    ck_assert_str_eq(e.msg, "--set a=1: the document is empty");
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_many_sources)
{
    cs_doc *d = load_ok(base_doc);
    char arg[64];

    for (int i = 0; i < 20; i++) {
        snprintf(arg, sizeof arg, "teams.ingestion.capacity=%d", i);
        set_ok(d, arg);
    }
    ck_assert_uint_eq(d->nsources, 20);
    ck_assert_str_eq(text_at(d->root, "teams.0.capacity"), "19");
    ck_assert_ptr_eq(at(d->root, "teams.0.capacity")->file, d->sources[19]);
    cs_doc_free(d);
}
END_TEST

static Suite *doc_suite(void)
{
    Suite *s = suite_create("doc");
    TCase *load = tcase_create("load");
    TCase *bounds = tcase_create("bounds");
    TCase *errors = tcase_create("errors");
    TCase *merge = tcase_create("merge");
    TCase *set = tcase_create("set");

    tcase_add_test(load, test_positions);
    tcase_add_test(load, test_scalar_styles);
    tcase_add_test(load, test_null_forms);
    tcase_add_test(load, test_node_helpers);
    tcase_add_test(load, test_clone);
    tcase_add_test(load, test_anchors_aliases);
    tcase_add_test(load, test_load_file);
    tcase_add_test(load, test_dir_forms);
    tcase_add_test(load, test_empty_documents);
    tcase_add_test(load, test_scalar_root);
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

    tcase_set_timeout(merge, 30);
    tcase_add_test(merge, test_merge_nested_maps);
    tcase_add_test(merge, test_merge_key_error_file);
    tcase_add_test(merge, test_merge_named_list);
    tcase_add_test(merge, test_merge_append_to_empty_list);
    tcase_add_test(merge, test_merge_empty_list_patch_replaces);
    tcase_add_test(merge, test_merge_null_removes_key);
    tcase_add_test(merge, test_merge_keyed_patch_on_named_list);
    tcase_add_test(merge, test_merge_type_change_replaces);
    tcase_add_test(merge, test_merge_patch_is_cloned);
    tcase_add_test(merge, test_merge_into_nothing);
    tcase_add_test(merge, test_merge_big_documents);
    suite_add_tcase(s, merge);

    tcase_add_test(set, test_set_scalar_replace);
    tcase_add_test(set, test_set_new_last_key);
    tcase_add_test(set, test_set_map_merges);
    tcase_add_test(set, test_set_list_and_scalar_replace);
    tcase_add_test(set, test_set_named_list_merges);
    tcase_add_test(set, test_set_null_removes);
    tcase_add_test(set, test_set_missing_middle_part);
    tcase_add_test(set, test_set_new_list_element_refused);
    tcase_add_test(set, test_set_through_scalar_or_unnamed_list);
    tcase_add_test(set, test_set_value_yaml_error);
    tcase_add_test(set, test_set_bad_path);
    tcase_add_test(set, test_set_empty_document);
    tcase_add_test(set, test_set_many_sources);
    suite_add_tcase(s, set);
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
