/*
** node.c - the YAML tree (cs_node) and the string -> index table that the
** loader and the merge use to find keys in big maps.
**
** Invariants:
**   - A node's arrays (children and, for a map, keys and key positions)
**     hold at least array_cap(nchildren) slots and never shrink, so a node
**     needs no capacity field: appending grows them when nchildren reaches
**     the capacity that array_cap implies.
**   - Key i's position refers to children[i]->file: when a merge replaces
**     a value, the key's position moves to the patch with it.
*/
#include "chainsim/node.h"

#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/error.h"
#include "chainsim/str.h"
#include "chainsim/stream.h"
#include "node_int.h"

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

/* The capacity the arrays of a node with n children are known to have. */
static size_t array_cap(size_t n)
{
    size_t cap = 4;

    if (n == 0)
        return 0;
    while (cap < n)
        cap *= 2;
    return cap;
}

cs_node *cs_node_new(cs_node_kind kind, const char *file, int line,
                         int column)
{
    cs_node *n = calloc(1, sizeof *n);

    if (n == NULL)
        return NULL;
    n->kind = kind;
    n->file = file;
    n->line = line;
    n->column = column;
    return n;
}

cs_node *cs_node_scalar_new(const char *file, int line, int column,
                            const char *text, size_t len, int plain)
{
    cs_node *n = cs_node_new(CS_NODE_SCALAR, file, line, column);

    if (n == NULL)
        return NULL;
    n->text = cs_str_ndup(text, len);
    if (n->text == NULL) {
        free(n);
        return NULL;
    }
    n->plain = plain;
    return n;
}

/* Makes room for one more child.  On failure n is unchanged in content
** (some arrays may be larger), so it stays valid. */
static cs_status node_reserve(cs_node *n)
{
    const size_t cap = array_cap(n->nchildren);
    size_t want;
    void *p;

    if (n->nchildren < cap)
        return CS_OK;
    want = cap == 0 ? 4 : cap * 2;
    if (want > SIZE_MAX / sizeof(char *))
        return CS_ENOMEM;
    p = realloc(n->children, want * sizeof *n->children);
    if (p == NULL)
        return CS_ENOMEM;
    n->children = p;
    if (n->kind != CS_NODE_MAP)
        return CS_OK;
    p = realloc(n->keys, want * sizeof *n->keys);
    if (p == NULL)
        return CS_ENOMEM;
    n->keys = p;
    p = realloc(n->key_line, want * sizeof *n->key_line);
    if (p == NULL)
        return CS_ENOMEM;
    n->key_line = p;
    p = realloc(n->key_column, want * sizeof *n->key_column);
    if (p == NULL)
        return CS_ENOMEM;
    n->key_column = p;
    return CS_OK;
}

/* Appends child (and, for a map, key at line:column).  Takes child and
** key, also on failure (they are freed). */
cs_status cs_node_push(cs_node *n, char *key, int line, int column,
                           cs_node *child)
{
    if (node_reserve(n) != CS_OK) {
        free(key);
        cs_node_free(child);
        return CS_ENOMEM;
    }
    if (n->kind == CS_NODE_MAP) {
        n->keys[n->nchildren] = key;
        n->key_line[n->nchildren] = line;
        n->key_column[n->nchildren] = column;
    } else {
        assert(key == NULL);
    }
    n->children[n->nchildren++] = child;
    return CS_OK;
}

/* Removes child i (and its key), keeping the order of the others. */
void cs_node_remove(cs_node *n, size_t i)
{
    const size_t tail = n->nchildren - i - 1;

    assert(i < n->nchildren);
    cs_node_free(n->children[i]);
    memmove(n->children + i, n->children + i + 1, tail * sizeof *n->children);
    if (n->kind == CS_NODE_MAP) {
        free(n->keys[i]);
        memmove(n->keys + i, n->keys + i + 1, tail * sizeof *n->keys);
        memmove(n->key_line + i, n->key_line + i + 1,
                tail * sizeof *n->key_line);
        memmove(n->key_column + i, n->key_column + i + 1,
                tail * sizeof *n->key_column);
    }
    n->nchildren--;
}

/* Removes the children flagged in gone[0..n) in one pass. */
void cs_node_remove_flagged(cs_node *n, const unsigned char *gone,
                                size_t count)
{
    size_t w = 0;

    for (size_t r = 0; r < n->nchildren; r++) {
        if (r < count && gone[r]) {
            cs_node_free(n->children[r]);
            if (n->kind == CS_NODE_MAP)
                free(n->keys[r]);
            continue;
        }
        n->children[w] = n->children[r];
        if (n->kind == CS_NODE_MAP) {
            n->keys[w] = n->keys[r];
            n->key_line[w] = n->key_line[r];
            n->key_column[w] = n->key_column[r];
        }
        w++;
    }
    n->nchildren = w;
}

/* ------------------------------------------------------------------ */
/* A string -> index hash table (open addressing; owns key copies)     */
/* ------------------------------------------------------------------ */

/* Only bucket placement depends on the hash: look-ups, not output. */
static size_t str_hash(const char *s)
{
    const uint64_t h = cs_stream_hash(CS_STREAM_FNV_OFFSET, s);

    return (size_t)(h ^ (h >> 32));
}

static size_t strtab_slot(const cs_strtab *t, const char *key)
{
    size_t i = str_hash(key) & (t->cap - 1);

    while (t->keys[i] != NULL && strcmp(t->keys[i], key) != 0)
        i = (i + 1) & (t->cap - 1);
    return i;
}

size_t cs_node_strtab_get(const cs_strtab *t, const char *key)
{
    size_t i;

    if (t->cap == 0)
        return CS_STRTAB_NONE;
    i = strtab_slot(t, key);
    return t->keys[i] != NULL ? t->vals[i] : CS_STRTAB_NONE;
}

void cs_node_strtab_free(cs_strtab *t)
{
    for (size_t i = 0; i < t->cap; i++)
        free(t->keys[i]);
    free(t->keys);
    free(t->vals);
    memset(t, 0, sizeof *t);
}

static cs_status strtab_grow(cs_strtab *t)
{
    cs_strtab bigger = {NULL, NULL, t->cap == 0 ? 16 : t->cap * 2, t->n};

    if (bigger.cap > SIZE_MAX / 2 / sizeof(char *))
        return CS_ENOMEM;
    bigger.keys = calloc(bigger.cap, sizeof *bigger.keys);
    bigger.vals = calloc(bigger.cap, sizeof *bigger.vals);
    if (bigger.keys == NULL || bigger.vals == NULL) {
        free(bigger.keys);
        free(bigger.vals);
        return CS_ENOMEM;
    }
    for (size_t i = 0; i < t->cap; i++) {
        if (t->keys[i] != NULL) {
            const size_t j = strtab_slot(&bigger, t->keys[i]);
            bigger.keys[j] = t->keys[i];
            bigger.vals[j] = t->vals[i];
        }
    }
    free(t->keys);
    free(t->vals);
    *t = bigger;
    return CS_OK;
}

/* Sets key -> val (replacing an existing value); keep_first leaves an
** existing value alone. */
cs_status cs_node_strtab_put(cs_strtab *t, const char *key, size_t val,
                             int keep_first)
{
    size_t i;

    if ((t->n + 1) * 2 > t->cap && strtab_grow(t) != CS_OK)
        return CS_ENOMEM;
    i = strtab_slot(t, key);
    if (t->keys[i] == NULL) {
        t->keys[i] = cs_str_dup(key);
        if (t->keys[i] == NULL)
            return CS_ENOMEM;
        t->n++;
    } else if (keep_first) {
        return CS_OK;
    }
    t->vals[i] = val;
    return CS_OK;
}

/* ------------------------------------------------------------------ */
/* Public node helpers                                                 */
/* ------------------------------------------------------------------ */

void cs_node_free(cs_node *n)
{
    if (n == NULL)
        return;
    for (size_t i = 0; i < n->nchildren; i++) {
        cs_node_free(n->children[i]);
        if (n->keys != NULL)
            free(n->keys[i]);
    }
    free(n->children);
    free(n->keys);
    free(n->key_line);
    free(n->key_column);
    free(n->text);
    free(n);
}

cs_node *cs_node_clone(const cs_node *n)
{
    cs_node *c;
    size_t cap;

    if (n == NULL)
        return NULL;
    c = cs_node_new(n->kind, n->file, n->line, n->column);
    if (c == NULL)
        return NULL;
    c->plain = n->plain;
    if (n->text != NULL && (c->text = cs_str_dup(n->text)) == NULL)
        goto fail;
    cap = array_cap(n->nchildren);
    if (cap == 0)
        return c;
    c->children = calloc(cap, sizeof *c->children);
    if (c->children == NULL)
        goto fail;
    if (n->kind == CS_NODE_MAP) {
        c->keys = calloc(cap, sizeof *c->keys);
        c->key_line = calloc(cap, sizeof *c->key_line);
        c->key_column = calloc(cap, sizeof *c->key_column);
        if (c->keys == NULL || c->key_line == NULL || c->key_column == NULL)
            goto fail;
    }
    for (size_t i = 0; i < n->nchildren; i++) {
        c->nchildren = i + 1;   /* so a failure frees what is there */
        c->children[i] = cs_node_clone(n->children[i]);
        if (c->children[i] == NULL)
            goto fail;
        if (c->keys != NULL) {
            c->keys[i] = cs_str_dup(n->keys[i]);
            if (c->keys[i] == NULL)
                goto fail;
            c->key_line[i] = n->key_line[i];
            c->key_column[i] = n->key_column[i];
        }
    }
    return c;

fail:
    cs_node_free(c);
    return NULL;
}

long cs_node_find(const cs_node *n, const char *key)
{
    if (n == NULL || n->kind != CS_NODE_MAP)
        return -1;
    for (size_t i = 0; i < n->nchildren; i++)
        if (strcmp(n->keys[i], key) == 0)
            return (long)i;
    return -1;
}

cs_node *cs_node_get(const cs_node *n, const char *key)
{
    const long i = cs_node_find(n, key);

    return i < 0 ? NULL : n->children[i];
}

int cs_node_is_null(const cs_node *n)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};

    if (n == NULL || n->kind != CS_NODE_SCALAR || !n->plain)
        return 0;
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
        if (strcmp(n->text, nulls[i]) == 0)
            return 1;
    return 0;
}

const char *cs_node_kind_name(const cs_node *n)
{
    if (n == NULL)
        return "nothing";
    switch (n->kind) {
    case CS_NODE_MAP:
        return "a mapping";
    case CS_NODE_SEQ:
        return "a list";
    case CS_NODE_SCALAR:
        break;
    }
    return "a scalar";
}

/* Sets err to msg at node n (unlocated when NULL) or, when key is set
** and n is a map with a key i, at that key (in the file of children[i]). */
static cs_status error_at(cs_error *err, const cs_node *n, int key, size_t i,
                          cs_status status, const char *msg)
{
    if (n == NULL)
        return cs_error_set(err, status, NULL, 0, 0, "%s", msg);
    if (!key || n->kind != CS_NODE_MAP || i >= n->nchildren)
        return cs_error_set(err, status, n->file, n->line, n->column, "%s",
                            msg);
    return cs_error_set(err, status,
                        n->children[i] != NULL ? n->children[i]->file
                                               : n->file,
                        n->key_line[i], n->key_column[i], "%s", msg);
}

cs_status cs_node_error(cs_error *err, const cs_node *n, cs_status status,
                        const char *fmt, ...)
{
    char msg[CS_ERROR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return error_at(err, n, 0, 0, status, msg);
}

cs_status cs_node_key_error(cs_error *err, const cs_node *n, size_t i,
                            cs_status status, const char *fmt, ...)
{
    char msg[CS_ERROR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return error_at(err, n, 1, i, status, msg);
}

cs_status cs_node_dup_strings(char *const *src, size_t n, char ***out,
                              size_t *count)
{
    *out = NULL;
    *count = 0;
    if (n == 0)
        return CS_OK;
    if ((*out = calloc(n, sizeof **out)) == NULL)
        return CS_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (((*out)[i] = cs_str_dup(src[i])) == NULL)
            return CS_ENOMEM;
        *count = i + 1;
    }
    return CS_OK;
}
