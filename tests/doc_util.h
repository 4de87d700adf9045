/*
** doc_util.h - helpers shared by the tests of the YAML modules (node, doc,
** patch): loading a buffer, reaching a node by a dotted path, checking
** positions and errors.  static inline, so each test uses what it needs.
*/
#ifndef CHAINSIM_TESTS_DOC_UTIL_H
#define CHAINSIM_TESTS_DOC_UTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chainsim/doc.h"
#include "chainsim/error.h"
#include "chainsim/node.h"


/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static inline cs_doc *load_ok(const char *text)
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
static inline cs_error load_fail_n(const char *text, size_t len)
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

static inline cs_error load_fail(const char *text)
{
    return load_fail_n(text, strlen(text));
}

static inline void assert_error(const cs_error *err, int line, int column,
                         const char *msg_part)
{
    ck_assert_msg(err->line == line && err->column == column,
                  "error at %d:%d, expected %d:%d (%s)", err->line,
                  err->column, line, column, err->msg);
    ck_assert_msg(strstr(err->msg, msg_part) != NULL,
                  "message '%s' lacks '%s'", err->msg, msg_part);
}

/* The node at a dotted path: keys for maps, indexes for lists. */
static inline const cs_node *at(const cs_node *n, const char *path)
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

static inline const char *text_at(const cs_node *n, const char *path)
{
    const cs_node *s = at(n, path);

    ck_assert_int_eq(s->kind, CS_NODE_SCALAR);
    return s->text;
}

static inline void assert_pos(const cs_node *n, int line, int column)
{
    ck_assert_msg(n->line == line && n->column == column,
                  "node at %d:%d, expected %d:%d", n->line, n->column, line,
                  column);
}

static inline void assert_key_pos(const cs_node *map, const char *key, int line,
                           int column)
{
    const long i = cs_node_find(map, key);

    ck_assert_msg(i >= 0, "no key %s", key);
    ck_assert_msg(map->key_line[i] == line && map->key_column[i] == column,
                  "key %s at %d:%d, expected %d:%d", key, map->key_line[i],
                  map->key_column[i], line, column);
}

static inline double seconds_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) +
           (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */

#endif /* CHAINSIM_TESTS_DOC_UTIL_H */
