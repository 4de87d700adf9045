/*
** doc.c - YAML documents as cs_node trees, read with libyaml's event
** parser; merge patches with named lists (SPEC 1.3); --set overrides.
**
** Invariants:
**   - A node's arrays (children and, for a map, keys and key positions)
**     hold at least array_cap(nchildren) slots and never shrink, so a node
**     needs no capacity field: appending grows them when nchildren reaches
**     the capacity that array_cap implies.
**   - Key i's position refers to children[i]->file: when a merge replaces
**     a value, the key's position moves to the patch with it.
**   - The loader checks its bounds (nodes with alias expansions, bytes of
**     text with alias expansions, depth, scalar length) before it
**     allocates, so a hostile file fails fast and small.
**   - Every error path frees what was built: a loader's nodes hang off its
**     root from the moment they are created.
*/
#include "chainsim/doc.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <yaml.h>

#include "chainsim/error.h"

/* Maps bigger than this get a hash index for key look-ups. */
#define SMALL_MAP 8

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

static char *dup_mem(const char *s, size_t len)
{
    char *p = malloc(len + 1);

    if (p == NULL)
        return NULL;
    if (len > 0)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

static char *dup_str(const char *s)
{
    return dup_mem(s, strlen(s));
}

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

static cs_node *node_new(cs_node_kind kind, const char *file, int line,
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

static cs_node *scalar_new(const char *file, int line, int column,
                           const char *text, size_t len, int plain)
{
    cs_node *n = node_new(CS_NODE_SCALAR, file, line, column);

    if (n == NULL)
        return NULL;
    n->text = dup_mem(text, len);
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
static cs_status node_push(cs_node *n, char *key, int line, int column,
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
static void node_remove(cs_node *n, size_t i)
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
static void node_remove_flagged(cs_node *n, const unsigned char *gone,
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

typedef struct strtab {
    char **keys;
    size_t *vals;
    size_t cap;   /* 0 or a power of two */
    size_t n;
} strtab;

#define STRTAB_NONE SIZE_MAX

static size_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603u;

    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return (size_t)(h ^ (h >> 32));
}

static size_t strtab_slot(const strtab *t, const char *key)
{
    size_t i = str_hash(key) & (t->cap - 1);

    while (t->keys[i] != NULL && strcmp(t->keys[i], key) != 0)
        i = (i + 1) & (t->cap - 1);
    return i;
}

static size_t strtab_get(const strtab *t, const char *key)
{
    size_t i;

    if (t->cap == 0)
        return STRTAB_NONE;
    i = strtab_slot(t, key);
    return t->keys[i] != NULL ? t->vals[i] : STRTAB_NONE;
}

static void strtab_free(strtab *t)
{
    for (size_t i = 0; i < t->cap; i++)
        free(t->keys[i]);
    free(t->keys);
    free(t->vals);
    memset(t, 0, sizeof *t);
}

static cs_status strtab_grow(strtab *t)
{
    strtab bigger = {NULL, NULL, t->cap == 0 ? 16 : t->cap * 2, t->n};

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
static cs_status strtab_put(strtab *t, const char *key, size_t val,
                           int keep_first)
{
    size_t i;

    if ((t->n + 1) * 2 > t->cap && strtab_grow(t) != CS_OK)
        return CS_ENOMEM;
    i = strtab_slot(t, key);
    if (t->keys[i] == NULL) {
        t->keys[i] = dup_str(key);
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
    c = node_new(n->kind, n->file, n->line, n->column);
    if (c == NULL)
        return NULL;
    c->plain = n->plain;
    if (n->text != NULL && (c->text = dup_str(n->text)) == NULL)
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
            c->keys[i] = dup_str(n->keys[i]);
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

cs_status cs_node_error(cs_error *err, const cs_node *n, cs_status status,
                        const char *fmt, ...)
{
    char msg[CS_ERROR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n == NULL)
        return cs_error_set(err, status, NULL, 0, 0, "%s", msg);
    return cs_error_set(err, status, n->file, n->line, n->column, "%s", msg);
}

cs_status cs_node_key_error(cs_error *err, const cs_node *n, size_t i,
                            cs_status status, const char *fmt, ...)
{
    char msg[CS_ERROR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n == NULL)
        return cs_error_set(err, status, NULL, 0, 0, "%s", msg);
    if (n->kind != CS_NODE_MAP || i >= n->nchildren)
        return cs_error_set(err, status, n->file, n->line, n->column, "%s",
                            msg);
    return cs_error_set(err, status,
                        n->children[i] != NULL ? n->children[i]->file
                                               : n->file,
                        n->key_line[i], n->key_column[i], "%s", msg);
}

/* ------------------------------------------------------------------ */
/* Loader                                                              */
/* ------------------------------------------------------------------ */

typedef struct anchor {
    cs_node *node;     /* in the tree, or owned here when it is a key */
    int owned;
    int complete;      /* 0 while its collection is still open */
    size_t nodes;      /* nodes of the subtree, expansions included */
    size_t bytes;      /* bytes of text of the subtree */
    int height;        /* 0 for a scalar, 1 + tallest child otherwise */
} anchor;

typedef struct frame {
    cs_node *node;
    char *key;         /* a map's pending key, owned, or NULL */
    int key_line;
    int key_column;
    size_t anchor;     /* index + 1 in anchors, or 0 */
    size_t nodes0;     /* counters when the node started */
    size_t bytes0;
    int height;
    strtab index;      /* keys -> index once the map is big */
} frame;

typedef struct loader {
    yaml_parser_t parser;
    const char *file;
    const char *text;
    size_t len;
    frame stack[CS_DOC_MAX_DEPTH];
    size_t depth;
    anchor *anchors;
    size_t nanchors;
    size_t anchors_cap;
    strtab anchor_names;   /* name -> index in anchors (the latest) */
    size_t nodes;
    size_t bytes;
    cs_node *root;
    unsigned ndocs;
    cs_error *err;
} loader;

static int mark_int(size_t v)
{
    return v >= (size_t)INT_MAX ? INT_MAX : (int)v + 1;
}

static cs_status load_error(loader *ld, yaml_mark_t mark, const char *fmt,
                            ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static cs_status load_error(loader *ld, yaml_mark_t mark, const char *fmt,
                            ...)
{
    char msg[CS_ERROR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return cs_error_set(ld->err, CS_EINPUT, ld->file, mark_int(mark.line),
                        mark_int(mark.column), "%s", msg);
}

static cs_status load_nomem(loader *ld)
{
    return cs_error_set(ld->err, CS_ENOMEM, NULL, 0, 0,
                        "out of memory while reading %s", ld->file);
}

/* Byte offset of the character at 0-based line:column, or len. */
static size_t mark_offset(const char *text, size_t len, size_t line,
                          size_t column)
{
    size_t i = 0;

    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (line > 0 && i < len) {
        if (text[i] == '\n' || text[i] == '\r') {
            if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
                i++;
            line--;
        }
        i++;
    }
    while (i < len) {
        if (((unsigned char)text[i] & 0xC0) != 0x80) {
            if (column == 0)
                return i;
            column--;
        }
        i++;
    }
    return len;
}

/* 0-based line and column (in characters) of byte offset off. */
static void offset_mark(const char *text, size_t len, size_t off,
                        yaml_mark_t *mark)
{
    size_t i = 0;

    mark->line = 0;
    mark->column = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    for (; i < off && i < len; i++) {
        const unsigned char c = (unsigned char)text[i];
        const int crlf = c == '\r' && i + 1 < len && text[i + 1] == '\n';
        if (c == '\n' || (c == '\r' && !crlf)) {
            mark->line++;
            mark->column = 0;
        } else if (c != '\r' && (c & 0xC0) != 0x80) {
            mark->column++;
        }
    }
}

/* Turns the parser's error into a located CS_EINPUT error. */
static cs_status yaml_failure(loader *ld)
{
    const yaml_parser_t *p = &ld->parser;
    const char *problem = p->problem != NULL ? p->problem : "unknown error";
    yaml_mark_t mark = p->problem_mark;
    size_t at;

    switch (p->error) {
    case YAML_MEMORY_ERROR:
        return load_nomem(ld);
    case YAML_READER_ERROR:
        offset_mark(ld->text, ld->len, p->problem_offset, &mark);
        if (p->problem_value == 0)
            return load_error(ld, mark, "invalid YAML: NUL byte in input");
        if (p->problem_value >= 0)
            return load_error(ld, mark, "invalid YAML: %s (0x%02X)", problem,
                              (unsigned)p->problem_value);
        return load_error(ld, mark, "invalid YAML: %s", problem);
    default:
        break;
    }
    at = mark_offset(ld->text, ld->len, mark.line, mark.column);
    if (at < ld->len && ld->text[at] == '\t')
        return load_error(ld, mark,
                          "invalid YAML: %s (a tab: indent with spaces)",
                          problem);
    if (p->context != NULL && (p->context_mark.line != mark.line ||
                               p->context_mark.column != mark.column))
        return load_error(ld, mark, "invalid YAML: %s (%s at line %d, "
                          "column %d)", problem, p->context,
                          mark_int(p->context_mark.line),
                          mark_int(p->context_mark.column));
    if (p->context != NULL)
        return load_error(ld, mark, "invalid YAML: %s (%s)", problem,
                          p->context);
    return load_error(ld, mark, "invalid YAML: %s", problem);
}

/* Charges nodes and bytes of text against the bounds before they are
** built.  expansion: they come from an alias. */
static cs_status charge(loader *ld, size_t nodes, size_t bytes,
                        yaml_mark_t mark, const char *alias)
{
    if (nodes > (size_t)CS_DOC_MAX_NODES - ld->nodes) {
        if (alias != NULL)
            return load_error(ld, mark, "alias *%.80s expands the document "
                              "beyond %d nodes", alias, CS_DOC_MAX_NODES);
        return load_error(ld, mark, "the document has more than %d nodes",
                          CS_DOC_MAX_NODES);
    }
    if (bytes > (size_t)CS_DOC_MAX_TEXT - ld->bytes) {
        if (alias != NULL)
            return load_error(ld, mark, "alias *%.80s expands the document "
                              "beyond %lu bytes of text", alias,
                              (unsigned long)CS_DOC_MAX_TEXT);
        return load_error(ld, mark, "the document has more than %lu bytes "
                          "of text", (unsigned long)CS_DOC_MAX_TEXT);
    }
    ld->nodes += nodes;
    ld->bytes += bytes;
    return CS_OK;
}

static int expects_key(const loader *ld)
{
    const frame *top;

    if (ld->depth == 0)
        return 0;
    top = &ld->stack[ld->depth - 1];
    return top->node->kind == CS_NODE_MAP && top->key == NULL;
}

/* Registers an anchor; *ref receives its index + 1. */
static cs_status define_anchor(loader *ld, const yaml_char_t *name,
                               cs_node *node, int complete, size_t *ref)
{
    anchor *a;

    *ref = 0;
    if (name == NULL)
        return CS_OK;
    if (ld->nanchors == ld->anchors_cap) {
        const size_t cap = ld->anchors_cap == 0 ? 8 : ld->anchors_cap * 2;
        void *p = realloc(ld->anchors, cap * sizeof *ld->anchors);
        if (p == NULL)
            return load_nomem(ld);
        ld->anchors = p;
        ld->anchors_cap = cap;
    }
    a = &ld->anchors[ld->nanchors];
    memset(a, 0, sizeof *a);
    a->node = node;
    a->complete = complete;
    if (complete) {
        a->nodes = 1;
        a->bytes = strlen(node->text);
    }
    if (strtab_put(&ld->anchor_names, (const char *)name, ld->nanchors, 0)
        != CS_OK)
        return load_nomem(ld);
    *ref = ++ld->nanchors;
    return CS_OK;
}

/* The index of key in the open map of frame f, or STRTAB_NONE. */
static size_t frame_find_key(frame *f, const char *key, cs_status *st)
{
    const cs_node *m = f->node;

    *st = CS_OK;
    if (m->nchildren <= SMALL_MAP) {
        for (size_t i = 0; i < m->nchildren; i++)
            if (strcmp(m->keys[i], key) == 0)
                return i;
        return STRTAB_NONE;
    }
    if (f->index.n == 0) {
        for (size_t i = 0; i < m->nchildren; i++) {
            if (strtab_put(&f->index, m->keys[i], i, 1) != CS_OK) {
                *st = CS_ENOMEM;
                return STRTAB_NONE;
            }
        }
    }
    return strtab_get(&f->index, key);
}

/* Makes scalar n the pending key of the open map on top.  Takes n. */
static cs_status attach_key(loader *ld, frame *top, cs_node *n, int line,
                            int column, size_t ref)
{
    const yaml_mark_t mark = {0, (size_t)(line - 1), (size_t)(column - 1)};
    cs_status st;
    size_t first;

    if (ref != 0)
        ld->anchors[ref - 1].owned = 1;   /* keys are not tree nodes */
    if (n->kind != CS_NODE_SCALAR) {
        cs_node_free(n);
        return load_error(ld, mark, "mapping keys must be plain text");
    }
    if (n->plain && strcmp(n->text, "<<") == 0) {
        if (ref == 0)
            cs_node_free(n);
        return load_error(ld, mark, "YAML merge keys (<<) are not supported");
    }
    first = frame_find_key(top, n->text, &st);
    if (st != CS_OK) {
        if (ref == 0)
            cs_node_free(n);
        return load_nomem(ld);
    }
    if (first != STRTAB_NONE) {
        const int first_line = top->node->key_line[first];
        cs_status dup = load_error(ld, mark, "duplicate key '%.80s' (first "
                                   "at line %d)", n->text, first_line);
        if (ref == 0)
            cs_node_free(n);
        return dup;
    }
    if (ref != 0) {
        /* The anchor keeps the node for its aliases; the map gets a copy. */
        top->key = dup_str(n->text);
        if (top->key == NULL)
            return load_nomem(ld);
    } else {
        top->key = n->text;
        n->text = NULL;
        cs_node_free(n);
    }
    top->key_line = line;
    top->key_column = column;
    return CS_OK;
}

/* Attaches n to the open collection on top (or makes it the root).  Takes
** n: on failure it is freed, unless the anchor ref now owns it. */
static cs_status attach(loader *ld, cs_node *n, int line, int column,
                        size_t ref)
{
    frame *top;
    char *key;

    if (ld->depth == 0) {
        assert(ld->root == NULL);
        ld->root = n;
        return CS_OK;
    }
    top = &ld->stack[ld->depth - 1];
    if (top->node->kind == CS_NODE_MAP && top->key == NULL)
        return attach_key(ld, top, n, line, column, ref);
    key = top->key;
    top->key = NULL;
    if (node_push(top->node, key, top->key_line, top->key_column, n)
        != CS_OK)
        return load_nomem(ld);
    if (top->index.n > 0 &&
        strtab_put(&top->index, key, top->node->nchildren - 1, 1) != CS_OK)
        return load_nomem(ld);
    return CS_OK;
}

/* Records that a child of height h was added to the open collection. */
static void note_height(loader *ld, int h)
{
    if (ld->depth > 0 && ld->stack[ld->depth - 1].height < h + 1)
        ld->stack[ld->depth - 1].height = h + 1;
}

static int is_str_tag(const yaml_char_t *tag)
{
    return tag != NULL && (strcmp((const char *)tag, "!") == 0 ||
                           strcmp((const char *)tag,
                                  "tag:yaml.org,2002:str") == 0);
}

static cs_status on_scalar(loader *ld, const yaml_event_t *ev)
{
    const char *value = (const char *)ev->data.scalar.value;
    const size_t len = ev->data.scalar.length;
    const int line = mark_int(ev->start_mark.line);
    const int column = mark_int(ev->start_mark.column);
    cs_status st;
    cs_node *n;
    size_t ref;

    if (len > CS_DOC_MAX_SCALAR)
        return load_error(ld, ev->start_mark, "scalar of %lu bytes is longer "
                          "than the limit of %d", (unsigned long)len,
                          CS_DOC_MAX_SCALAR);
    if (len > 0 && memchr(value, '\0', len) != NULL)
        return load_error(ld, ev->start_mark, "NUL character in a scalar");
    st = charge(ld, 1, len, ev->start_mark, NULL);
    if (st != CS_OK)
        return st;
    n = scalar_new(ld->file, line, column, value, len,
                   ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                   !is_str_tag(ev->data.scalar.tag));
    if (n == NULL)
        return load_nomem(ld);
    st = define_anchor(ld, ev->data.scalar.anchor, n, 1, &ref);
    if (st != CS_OK) {
        cs_node_free(n);
        return st;
    }
    st = attach(ld, n, line, column, ref);
    if (st == CS_OK)
        note_height(ld, 0);
    return st;
}

static cs_status on_alias(loader *ld, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    const size_t i = strtab_get(&ld->anchor_names, name);
    const anchor *a;
    cs_status st;
    cs_node *n;

    if (i == STRTAB_NONE)
        return load_error(ld, ev->start_mark, "unknown alias *%.80s (no "
                          "anchor &%.80s before it)", name, name);
    a = &ld->anchors[i];
    if (!a->complete)
        return load_error(ld, ev->start_mark, "alias *%.80s is inside the "
                          "node it names", name);
    if (expects_key(ld) && a->node->kind != CS_NODE_SCALAR)
        return load_error(ld, ev->start_mark,
                          "mapping keys must be plain text");
    if (ld->depth + (size_t)a->height > CS_DOC_MAX_DEPTH)
        return load_error(ld, ev->start_mark, "nesting deeper than %d "
                          "levels (through alias *%.80s)", CS_DOC_MAX_DEPTH,
                          name);
    st = charge(ld, a->nodes, a->bytes, ev->start_mark, name);
    if (st != CS_OK)
        return st;
    n = cs_node_clone(a->node);
    if (n == NULL)
        return load_nomem(ld);
    st = attach(ld, n, mark_int(ev->start_mark.line),
                mark_int(ev->start_mark.column), 0);
    if (st == CS_OK)
        note_height(ld, a->height);
    return st;
}

static cs_status on_start(loader *ld, const yaml_event_t *ev,
                          cs_node_kind kind, const yaml_char_t *anchor_name)
{
    const size_t nodes0 = ld->nodes;
    const size_t bytes0 = ld->bytes;
    cs_status st;
    cs_node *n;
    frame *f;
    size_t ref;

    if (expects_key(ld))
        return load_error(ld, ev->start_mark,
                          "mapping keys must be plain text");
    if (ld->depth >= CS_DOC_MAX_DEPTH)
        return load_error(ld, ev->start_mark, "nesting deeper than %d levels",
                          CS_DOC_MAX_DEPTH);
    st = charge(ld, 1, 0, ev->start_mark, NULL);
    if (st != CS_OK)
        return st;
    n = node_new(kind, ld->file, mark_int(ev->start_mark.line),
                 mark_int(ev->start_mark.column));
    if (n == NULL)
        return load_nomem(ld);
    st = define_anchor(ld, anchor_name, n, 0, &ref);
    if (st != CS_OK) {
        cs_node_free(n);
        return st;
    }
    st = attach(ld, n, n->line, n->column, ref);
    if (st != CS_OK)
        return st;
    f = &ld->stack[ld->depth++];
    memset(f, 0, sizeof *f);
    f->node = n;
    f->anchor = ref;
    f->nodes0 = nodes0;
    f->bytes0 = bytes0;
    f->height = 1;
    return CS_OK;
}

static void on_end(loader *ld)
{
    frame *f;
    int height;

    assert(ld->depth > 0);
    f = &ld->stack[--ld->depth];
    height = f->height;
    if (f->anchor != 0) {
        anchor *a = &ld->anchors[f->anchor - 1];
        a->complete = 1;
        a->nodes = ld->nodes - f->nodes0;
        a->bytes = ld->bytes - f->bytes0;
        a->height = height;
    }
    free(f->key);
    strtab_free(&f->index);
    memset(f, 0, sizeof *f);
    note_height(ld, height);
}

static cs_status on_event(loader *ld, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++ld->ndocs > 1)
            return load_error(ld, ev->start_mark, "a second YAML document "
                              "(a file holds one document)");
        return CS_OK;
    case YAML_SCALAR_EVENT:
        return on_scalar(ld, ev);
    case YAML_ALIAS_EVENT:
        return on_alias(ld, ev);
    case YAML_SEQUENCE_START_EVENT:
        return on_start(ld, ev, CS_NODE_SEQ, ev->data.sequence_start.anchor);
    case YAML_MAPPING_START_EVENT:
        return on_start(ld, ev, CS_NODE_MAP, ev->data.mapping_start.anchor);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        on_end(ld);
        return CS_OK;
    case YAML_NO_EVENT:
    case YAML_STREAM_START_EVENT:
    case YAML_STREAM_END_EVENT:
    case YAML_DOCUMENT_END_EVENT:
        break;
    }
    return CS_OK;
}

static void loader_free(loader *ld)
{
    for (size_t i = 0; i < ld->depth; i++) {
        free(ld->stack[i].key);
        strtab_free(&ld->stack[i].index);
    }
    for (size_t i = 0; i < ld->nanchors; i++)
        if (ld->anchors[i].owned)
            cs_node_free(ld->anchors[i].node);
    free(ld->anchors);
    strtab_free(&ld->anchor_names);
    cs_node_free(ld->root);
    yaml_parser_delete(&ld->parser);
    free(ld);
}

/*
** Parses text into a tree whose nodes borrow file.  *out is NULL for an
** empty document (no document, or one that is empty).
*/
static cs_status load_tree(const char *file, const char *text, size_t len,
                           cs_node **out, cs_error *err)
{
    loader *ld;
    cs_status st = CS_OK;

    *out = NULL;
    if (len > CS_DOC_MAX_BYTES)
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0, "%s is larger than "
                            "the limit of %u bytes", file, CS_DOC_MAX_BYTES);
    ld = calloc(1, sizeof *ld);
    if (ld == NULL)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    ld->file = file;
    ld->text = text != NULL ? text : "";
    ld->len = text != NULL ? len : 0;
    ld->err = err;
    if (!yaml_parser_initialize(&ld->parser)) {
        free(ld);
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    yaml_parser_set_input_string(&ld->parser,
                                 (const unsigned char *)ld->text, ld->len);
    for (;;) {
        yaml_event_t ev;
        int done;

        if (!yaml_parser_parse(&ld->parser, &ev)) {
            st = yaml_failure(ld);
            goto fail;
        }
        done = ev.type == YAML_STREAM_END_EVENT;
        st = on_event(ld, &ev);
        yaml_event_delete(&ev);
        if (st != CS_OK)
            goto fail;
        if (done)
            break;
    }
    assert(ld->depth == 0);
    if (ld->root != NULL && ld->root->kind == CS_NODE_SCALAR &&
        ld->root->plain && ld->root->text[0] == '\0') {
        cs_node_free(ld->root);   /* "---" alone: an empty document */
        ld->root = NULL;
    }
    *out = ld->root;
    ld->root = NULL;
    loader_free(ld);
    return CS_OK;

fail:
    loader_free(ld);
    return st;
}

/* ------------------------------------------------------------------ */
/* Documents                                                           */
/* ------------------------------------------------------------------ */

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t len;

    if (slash == NULL)
        return dup_str(".");
    len = (size_t)(slash - path);
    while (len > 0 && path[len - 1] == '/')
        len--;
    if (len == 0)
        return dup_str("/");
    return dup_mem(path, len);
}

static cs_status load_doc(const char *name, char *dir, const char *text,
                          size_t len, cs_doc **out, cs_error *err)
{
    cs_doc *d = calloc(1, sizeof *d);
    cs_status st;

    if (d == NULL || dir == NULL || (d->file = dup_str(name)) == NULL) {
        free(d);
        free(dir);
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    d->dir = dir;
    st = load_tree(d->file, text, len, &d->root, err);
    if (st != CS_OK) {
        cs_doc_free(d);
        return st;
    }
    *out = d;
    return CS_OK;
}

cs_status cs_doc_load_string(const char *name, const char *text, size_t len,
                             cs_doc **out, cs_error *err)
{
    assert(name != NULL && out != NULL);
    *out = NULL;
    return load_doc(name, dup_str("."), text, len, out, err);
}

/* Reads at most CS_DOC_MAX_BYTES + 1 bytes of path into *buf. */
static cs_status read_file(const char *path, char **buf, size_t *len,
                           cs_error *err)
{
    FILE *f = fopen(path, "rb");
    struct stat sb;
    size_t cap = 0, n = 0;
    char *data = NULL;
    cs_status st = CS_OK;

    *buf = NULL;
    *len = 0;
    if (f == NULL)
        return cs_error_set(err, CS_EIO, NULL, 0, 0, "cannot read %s: %s",
                            path, strerror(errno));
    if (fstat(fileno(f), &sb) == 0) {
        if (S_ISDIR(sb.st_mode)) {
            st = cs_error_set(err, CS_EIO, NULL, 0, 0, "cannot read %s: it "
                              "is a directory", path);
            goto done;
        }
        if (S_ISREG(sb.st_mode) && sb.st_size > (off_t)CS_DOC_MAX_BYTES)
            goto too_large;
    }
    for (;;) {
        size_t got;

        if (n == cap) {
            size_t want = cap == 0 ? 65536 : cap * 2;
            void *p;
            if (want > (size_t)CS_DOC_MAX_BYTES + 1)
                want = (size_t)CS_DOC_MAX_BYTES + 1;
            if (want == cap)
                break;
            p = realloc(data, want);
            if (p == NULL) {
                st = cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                                  "out of memory reading %s", path);
                goto done;
            }
            data = p;
            cap = want;
        }
        got = fread(data + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        st = cs_error_set(err, CS_EIO, NULL, 0, 0, "cannot read %s: %s",
                          path, strerror(errno));
        goto done;
    }
    if (n > CS_DOC_MAX_BYTES)
        goto too_large;
    *buf = data;
    *len = n;
    data = NULL;
    goto done;

too_large:
    st = cs_error_set(err, CS_EINPUT, NULL, 0, 0, "%s is larger than the "
                      "limit of %u bytes", path, CS_DOC_MAX_BYTES);
done:
    free(data);
    fclose(f);
    return st;
}

cs_status cs_doc_load_file(const char *path, cs_doc **out, cs_error *err)
{
    char *text;
    size_t len;
    cs_status st;

    assert(path != NULL && out != NULL);
    *out = NULL;
    st = read_file(path, &text, &len, err);
    if (st != CS_OK)
        return st;
    st = load_doc(path, dir_of(path), text, len, out, err);
    free(text);
    return st;
}

void cs_doc_free(cs_doc *d)
{
    if (d == NULL)
        return;
    cs_node_free(d->root);
    for (size_t i = 0; i < d->nsources; i++)
        free(d->sources[i]);
    free(d->sources);
    free(d->file);
    free(d->dir);
    free(d);
}

/* ------------------------------------------------------------------ */
/* Merge (SPEC 1.3)                                                    */
/* ------------------------------------------------------------------ */

/* The name of a named-list element, or NULL. */
static const char *elem_name(const cs_node *e)
{
    const cs_node *name = cs_node_get(e, "name");

    return name != NULL && name->kind == CS_NODE_SCALAR ? name->text : NULL;
}

/* A sequence whose elements are all mappings with a scalar name; an empty
** sequence counts when allow_empty. */
static int is_named_list(const cs_node *n, int allow_empty)
{
    if (n == NULL || n->kind != CS_NODE_SEQ)
        return 0;
    if (n->nchildren == 0)
        return allow_empty;
    for (size_t i = 0; i < n->nchildren; i++)
        if (elem_name(n->children[i]) == NULL)
            return 0;
    return 1;
}

/*
** Finds keys of a map, or names of a named list, by text: a linear scan
** for small collections, a hash index for big ones (so merging two big
** documents stays linear).  Children flagged gone are not found.
*/
typedef struct finder {
    const cs_node *n;
    int names;                /* look up element names, not keys */
    strtab index;
    const unsigned char *gone;
    size_t ngone;
} finder;

static const char *finder_text(const finder *f, size_t i)
{
    return f->names ? elem_name(f->n->children[i]) : f->n->keys[i];
}

static cs_status finder_init(finder *f, const cs_node *n, int names,
                             size_t lookups)
{
    memset(f, 0, sizeof *f);
    f->n = n;
    f->names = names;
    if (n->nchildren <= SMALL_MAP || lookups <= 2)
        return CS_OK;
    for (size_t i = 0; i < n->nchildren; i++)
        if (strtab_put(&f->index, finder_text(f, i), i, 1) != CS_OK)
            return CS_ENOMEM;
    return CS_OK;
}

static size_t finder_get(const finder *f, const char *text)
{
    size_t i;

    if (f->index.cap == 0) {
        for (i = 0; i < f->n->nchildren; i++) {
            const char *t = finder_text(f, i);
            if (t != NULL && strcmp(t, text) == 0 &&
                !(i < f->ngone && f->gone[i]))
                return i;
        }
        return STRTAB_NONE;
    }
    i = strtab_get(&f->index, text);
    if (i != STRTAB_NONE && i < f->ngone && f->gone[i])
        return STRTAB_NONE;
    return i;
}

/* Notes that child i (just appended) has text. */
static cs_status finder_add(finder *f, const char *text, size_t i)
{
    if (f->index.cap == 0)
        return CS_OK;
    return strtab_put(&f->index, text, i, 0);
}

static cs_status merge(cs_node **target, const cs_node *patch);

/* Merges map patch p into map t key by key. */
static cs_status merge_map(cs_node *t, const cs_node *p)
{
    const size_t n0 = t->nchildren;
    unsigned char *gone = calloc(n0 + 1, 1);
    cs_status st = CS_ENOMEM;
    finder f;

    if (gone == NULL)
        return CS_ENOMEM;
    if (finder_init(&f, t, 0, p->nchildren) != CS_OK)
        goto done;
    f.gone = gone;
    f.ngone = n0;
    for (size_t i = 0; i < p->nchildren; i++) {
        const cs_node *v = p->children[i];
        const size_t at = finder_get(&f, p->keys[i]);
        cs_node *c = NULL;
        char *key;

        if (cs_node_is_null(v)) {
            if (at != STRTAB_NONE && at < n0)
                gone[at] = 1;
            continue;
        }
        if (at != STRTAB_NONE) {
            const cs_node *old = t->children[at];
            if (merge(&t->children[at], v) != CS_OK)
                goto done;
            if (t->children[at] != old) {
                t->key_line[at] = p->key_line[i];
                t->key_column[at] = p->key_column[i];
            }
            continue;
        }
        if (merge(&c, v) != CS_OK)
            goto done;
        key = dup_str(p->keys[i]);
        if (key == NULL) {
            cs_node_free(c);
            goto done;
        }
        if (node_push(t, key, p->key_line[i], p->key_column[i], c) != CS_OK)
            goto done;
        if (finder_add(&f, p->keys[i], t->nchildren - 1) != CS_OK)
            goto done;
    }
    st = CS_OK;
done:
    node_remove_flagged(t, gone, n0);
    strtab_free(&f.index);
    free(gone);
    return st;
}

/* Merges named list p into named list t element by element. */
static cs_status merge_named(cs_node *t, const cs_node *p)
{
    cs_status st = CS_ENOMEM;
    finder f;

    if (finder_init(&f, t, 1, p->nchildren) != CS_OK)
        goto done;
    for (size_t i = 0; i < p->nchildren; i++) {
        const cs_node *e = p->children[i];
        const char *name = elem_name(e);
        const size_t at = finder_get(&f, name);
        cs_node *c = NULL;

        if (at != STRTAB_NONE) {
            if (merge(&t->children[at], e) != CS_OK)
                goto done;
            continue;
        }
        if (merge(&c, e) != CS_OK)
            goto done;
        if (node_push(t, NULL, 0, 0, c) != CS_OK)
            goto done;
        if (finder_add(&f, name, t->nchildren - 1) != CS_OK)
            goto done;
    }
    st = CS_OK;
done:
    strtab_free(&f.index);
    return st;
}

/* A new named-list element for patch entry i of map p: a mapping with
** name (at the key's position) merged with the entry's value. */
static cs_node *keyed_element(const cs_node *p, size_t i)
{
    const cs_node *v = p->children[i];
    cs_node *e, *name;

    if (v->kind != CS_NODE_MAP)
        return cs_node_clone(v);
    e = node_new(CS_NODE_MAP, v->file, v->line, v->column);
    name = scalar_new(v->file, p->key_line[i], p->key_column[i], p->keys[i],
                      strlen(p->keys[i]), 1);
    if (e == NULL || name == NULL) {
        free(e);
        cs_node_free(name);
        return NULL;
    }
    if (node_push(e, dup_str("name"), p->key_line[i], p->key_column[i], name)
        != CS_OK || e->keys[0] == NULL || merge_map(e, v) != CS_OK) {
        cs_node_free(e);
        return NULL;
    }
    return e;
}

/* Merges map p, keyed by element name, into named list t. */
static cs_status merge_keyed(cs_node *t, const cs_node *p)
{
    const size_t n0 = t->nchildren;
    unsigned char *gone = calloc(n0 + 1, 1);
    cs_status st = CS_ENOMEM;
    finder f;

    if (gone == NULL)
        return CS_ENOMEM;
    if (finder_init(&f, t, 1, p->nchildren) != CS_OK)
        goto done;
    f.gone = gone;
    f.ngone = n0;
    for (size_t i = 0; i < p->nchildren; i++) {
        const cs_node *v = p->children[i];
        const size_t at = finder_get(&f, p->keys[i]);
        cs_node *e;

        if (cs_node_is_null(v)) {
            if (at != STRTAB_NONE && at < n0)
                gone[at] = 1;
            continue;
        }
        if (at != STRTAB_NONE) {
            if (merge(&t->children[at], v) != CS_OK)
                goto done;
            continue;
        }
        e = keyed_element(p, i);
        if (e == NULL || node_push(t, NULL, 0, 0, e) != CS_OK)
            goto done;
        if (finder_add(&f, p->keys[i], t->nchildren - 1) != CS_OK)
            goto done;
    }
    st = CS_OK;
done:
    node_remove_flagged(t, gone, n0);
    strtab_free(&f.index);
    free(gone);
    return st;
}

/* Merges patch into *target (NULL: absent).  Fails only for memory; the
** tree stays valid (partly merged) then. */
static cs_status merge(cs_node **target, const cs_node *patch)
{
    cs_node *t = *target;
    cs_node *fresh;

    if (patch->kind == CS_NODE_MAP) {
        if (t != NULL && t->kind == CS_NODE_MAP)
            return merge_map(t, patch);
        if (is_named_list(t, 1))
            return merge_keyed(t, patch);
        /* Replaced by the patch without its nulls (RFC 7396). */
        fresh = node_new(CS_NODE_MAP, patch->file, patch->line,
                         patch->column);
        if (fresh == NULL)
            return CS_ENOMEM;
        if (merge_map(fresh, patch) != CS_OK) {
            cs_node_free(fresh);
            return CS_ENOMEM;
        }
    } else if (patch->kind == CS_NODE_SEQ && is_named_list(patch, 0) &&
               is_named_list(t, 1)) {
        return merge_named(t, patch);
    } else {
        fresh = cs_node_clone(patch);
        if (fresh == NULL)
            return CS_ENOMEM;
    }
    cs_node_free(t);
    *target = fresh;
    return CS_OK;
}

cs_status cs_doc_merge(cs_node **target, const cs_node *patch, cs_error *err)
{
    assert(target != NULL);
    if (patch == NULL)
        return CS_OK;
    if (merge(target, patch) != CS_OK)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                            "out of memory while merging a patch");
    return CS_OK;
}

/* ------------------------------------------------------------------ */
/* --set PATH=VALUE                                                    */
/* ------------------------------------------------------------------ */

/* Clears the positions of nodes made by --set: they have only a name. */
static void clear_positions(cs_node *n)
{
    n->line = 0;
    n->column = 0;
    for (size_t i = 0; i < n->nchildren; i++) {
        clear_positions(n->children[i]);
        if (n->kind == CS_NODE_MAP) {
            n->key_line[i] = 0;
            n->key_column[i] = 0;
        }
    }
}

/* "did you mean" over the keys of a map or the names of a named list. */
static const char *suggest_in(const cs_node *c, const char *word)
{
    const char **cands = calloc(c->nchildren + 1, sizeof *cands);
    const char *best = NULL;
    size_t k = 0;

    if (cands == NULL)
        return NULL;
    for (size_t i = 0; i < c->nchildren; i++) {
        const char *t = c->kind == CS_NODE_MAP ? c->keys[i]
                                               : elem_name(c->children[i]);
        if (t != NULL)
            cands[k++] = t;
    }
    best = cs_error_suggest(word, cands);
    free(cands);
    return best;
}

/* Names the node reached by the first prefix_len bytes of the path. */
static void path_name(char *where, size_t size, const char *path,
                      int prefix_len)
{
    if (prefix_len > 0)
        snprintf(where, size, "%.*s", prefix_len, path);
    else
        snprintf(where, size, "the document");
}

/* The error for part (of the path so far, prefix) missing in c. */
static cs_status missing_part(cs_error *err, const char *assignment,
                              const cs_node *c, const char *part,
                              int prefix_len)
{
    const char *hint = suggest_in(c, part);
    char where[CS_ERROR_MSG_MAX];

    path_name(where, sizeof where, assignment, prefix_len);
    return cs_error_set(err, CS_EINPUT, NULL, 0, 0,
                        "--set %s: '%s' is not %s of %s%s%s%s", assignment,
                        part, c->kind == CS_NODE_MAP ? "a key" : "an element",
                        where, hint != NULL ? " (did you mean '" : "",
                        hint != NULL ? hint : "", hint != NULL ? "'?)" : "");
}

/* The value of --set, parsed as YAML; nodes borrow the new source string
** that is stored in d->sources. */
static cs_status set_value(cs_doc *d, const char *assignment,
                           const char *value, cs_node **out, cs_error *err)
{
    const size_t alen = strlen(assignment);
    char *source = malloc(alen + 7);
    char **sources;
    cs_error inner;
    cs_status st;

    *out = NULL;
    if (source == NULL)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    memcpy(source, "--set ", 6);
    memcpy(source + 6, assignment, alen + 1);
    cs_error_clear(&inner);
    st = load_tree(source, value, strlen(value), out, &inner);
    if (st != CS_OK) {
        free(source);
        if (inner.line > 0)
            return cs_error_set(err, st, NULL, 0, 0, "--set %s: %s (line %d, "
                                "column %d of the value)", assignment,
                                inner.msg, inner.line, inner.column);
        return cs_error_set(err, st, NULL, 0, 0, "--set %s: %s", assignment,
                            inner.msg);
    }
    sources = realloc(d->sources, (d->nsources + 1) * sizeof *d->sources);
    if (sources == NULL) {
        cs_node_free(*out);
        *out = NULL;
        free(source);
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    d->sources = sources;
    d->sources[d->nsources++] = source;
    if (*out != NULL)
        clear_positions(*out);
    return CS_OK;
}

/*
** Applies value at key `key` of map c (index at, or -1 for a new key), as
** a patch would: cs_doc_merge's rules, so a mapping merges key by key, a
** named list merges by name, anything else replaces.  Takes value.
*/
static cs_status set_in_map(cs_node *c, long at, const char *key,
                            cs_node *value)
{
    cs_node *old;
    cs_status st;
    char *k;

    if (value == NULL || cs_node_is_null(value)) {
        if (at >= 0)
            node_remove(c, (size_t)at);
        cs_node_free(value);
        return CS_OK;
    }
    if (at < 0) {
        cs_node *fresh = NULL;
        st = merge(&fresh, value);
        cs_node_free(value);
        if (st != CS_OK)
            return st;
        k = dup_str(key);
        if (k == NULL) {
            cs_node_free(fresh);
            return CS_ENOMEM;
        }
        return node_push(c, k, 0, 0, fresh);
    }
    old = c->children[at];
    st = merge(&c->children[at], value);
    cs_node_free(value);
    if (st != CS_OK)
        return st;
    if (c->children[at] != old) {
        c->key_line[at] = 0;
        c->key_column[at] = 0;
    }
    return CS_OK;
}

/* Applies value to element at of named list c, as set_in_map does. */
static cs_status set_in_list(cs_node *c, size_t at, cs_node *value)
{
    cs_status st = CS_OK;

    if (value == NULL || cs_node_is_null(value))
        node_remove(c, at);
    else
        st = merge(&c->children[at], value);
    cs_node_free(value);
    return st;
}

cs_status cs_doc_set(cs_doc *d, const char *assignment, cs_error *err)
{
    const char *eq = strchr(assignment, '=');
    const char *part, *end;
    cs_node *c, *value = NULL;
    char *key = NULL;
    cs_status st;
    long at = -1;

    assert(d != NULL);
    if (eq == NULL)
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0,
                            "--set %s: expected PATH=VALUE", assignment);
    if (eq == assignment)
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0,
                            "--set %s: empty path before '='", assignment);
    for (const char *s = assignment; s <= eq; s++) {
        if ((*s == '.' || s == eq) &&
            (s == assignment || s[-1] == '.'))
            return cs_error_set(err, CS_EINPUT, NULL, 0, 0,
                                "--set %s: empty part in path '%.*s'",
                                assignment, (int)(eq - assignment),
                                assignment);
    }
    if (d->root == NULL)
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0,
                            "--set %s: the document is empty", assignment);

    /* Walk every part but the last: they must exist. */
    c = d->root;
    for (part = assignment;; part = end + 1) {
        const int prefix_len = part == assignment
                                   ? 0 : (int)(part - 1 - assignment);
        end = part;
        while (end < eq && *end != '.')
            end++;
        free(key);
        key = dup_mem(part, (size_t)(end - part));
        if (key == NULL)
            return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
        if (c->kind == CS_NODE_MAP) {
            at = cs_node_find(c, key);
            if (at < 0 && end != eq) {
                st = missing_part(err, assignment, c, key, prefix_len);
                goto fail;
            }
        } else if (is_named_list(c, 1)) {
            finder f;
            size_t i;
            (void)finder_init(&f, c, 1, 0);   /* linear: cannot fail */
            i = finder_get(&f, key);
            if (i == STRTAB_NONE) {
                st = missing_part(err, assignment, c, key, prefix_len);
                goto fail;
            }
            at = (long)i;
        } else {
            char where[CS_ERROR_MSG_MAX];
            path_name(where, sizeof where, assignment, prefix_len);
            st = cs_error_set(err, CS_EINPUT, NULL, 0, 0,
                              "--set %s: %s is %s, so '%s' cannot select "
                              "anything in it", assignment, where,
                              c->kind == CS_NODE_SEQ
                                  ? "a list without element names"
                                  : "a scalar", key);
            goto fail;
        }
        if (end == eq)
            break;
        c = c->children[at];
    }

    st = set_value(d, assignment, eq + 1, &value, err);
    if (st != CS_OK)
        goto fail;
    if (c->kind == CS_NODE_MAP)
        st = set_in_map(c, at, key, value);
    else
        st = set_in_list(c, (size_t)at, value);
    if (st != CS_OK)
        st = cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
fail:
    free(key);
    return st;
}
