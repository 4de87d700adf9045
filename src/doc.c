/*
** doc.c - YAML documents read with libyaml's event parser into cs_node
** trees (node.c), within the bounds of doc.h.
**
** Invariants:
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
#include "chainsim/node.h"
#include "chainsim/str.h"
#include "node_int.h"

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
    cs_strtab index;      /* keys -> index once the map is big */
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
    cs_strtab anchor_names;   /* name -> index in anchors (the latest) */
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
    if (cs_node_strtab_put(&ld->anchor_names, (const char *)name,
                           ld->nanchors, 0) != CS_OK)
        return load_nomem(ld);
    *ref = ++ld->nanchors;
    return CS_OK;
}

/* The index of key in the open map of frame f, or CS_STRTAB_NONE. */
static size_t frame_find_key(frame *f, const char *key, cs_status *st)
{
    const cs_node *m = f->node;

    *st = CS_OK;
    if (m->nchildren <= CS_NODE_SMALL_MAP) {
        for (size_t i = 0; i < m->nchildren; i++)
            if (strcmp(m->keys[i], key) == 0)
                return i;
        return CS_STRTAB_NONE;
    }
    if (f->index.n == 0) {
        for (size_t i = 0; i < m->nchildren; i++) {
            if (cs_node_strtab_put(&f->index, m->keys[i], i, 1) != CS_OK) {
                *st = CS_ENOMEM;
                return CS_STRTAB_NONE;
            }
        }
    }
    return cs_node_strtab_get(&f->index, key);
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
    if (first != CS_STRTAB_NONE) {
        const int first_line = top->node->key_line[first];
        cs_status dup = load_error(ld, mark, "duplicate key '%.80s' (first "
                                   "at line %d)", n->text, first_line);
        if (ref == 0)
            cs_node_free(n);
        return dup;
    }
    if (ref != 0) {
        /* The anchor keeps the node for its aliases; the map gets a copy. */
        top->key = cs_str_dup(n->text);
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
    if (cs_node_push(top->node, key, top->key_line, top->key_column, n)
        != CS_OK)
        return load_nomem(ld);
    if (top->index.n > 0 &&
        cs_node_strtab_put(&top->index, key, top->node->nchildren - 1, 1)
        != CS_OK)
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
    n = cs_node_scalar_new(ld->file, line, column, value, len,
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
    const size_t i = cs_node_strtab_get(&ld->anchor_names, name);
    const anchor *a;
    cs_status st;
    cs_node *n;

    if (i == CS_STRTAB_NONE)
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
    n = cs_node_new(kind, ld->file, mark_int(ev->start_mark.line),
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
    cs_node_strtab_free(&f->index);
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
        cs_node_strtab_free(&ld->stack[i].index);
    }
    for (size_t i = 0; i < ld->nanchors; i++)
        if (ld->anchors[i].owned)
            cs_node_free(ld->anchors[i].node);
    free(ld->anchors);
    cs_node_strtab_free(&ld->anchor_names);
    cs_node_free(ld->root);
    yaml_parser_delete(&ld->parser);
    free(ld);
}

cs_status cs_doc_parse(const char *file, const char *text, size_t len,
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
        return cs_str_dup(".");
    len = (size_t)(slash - path);
    while (len > 0 && path[len - 1] == '/')
        len--;
    if (len == 0)
        return cs_str_dup("/");
    return cs_str_ndup(path, len);
}

static cs_status load_doc(const char *name, char *dir, const char *text,
                          size_t len, cs_doc **out, cs_error *err)
{
    cs_doc *d = calloc(1, sizeof *d);
    cs_status st;

    if (d == NULL || dir == NULL ||
        (d->file = cs_str_dup(name)) == NULL) {
        free(d);
        free(dir);
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    d->dir = dir;
    st = cs_doc_parse(d->file, text, len, &d->root, err);
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
    return load_doc(name, cs_str_dup("."), text, len, out, err);
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

/* Points every node of n whose file is one of from[0..count) at the
** matching to[i] instead (a node made elsewhere keeps its file). */
static void repoint_files(cs_node *n, const char *const *from,
                          const char *const *to, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (n->file == from[i]) {
            n->file = to[i];
            break;
        }
    }
    for (size_t i = 0; i < n->nchildren; i++)
        repoint_files(n->children[i], from, to, count);
}

/* Copies d's file, dir and sources into c (zeroed); CS_ENOMEM leaves
** what was copied for cs_doc_free. */
static cs_status copy_strings(const cs_doc *d, cs_doc *c)
{
    if ((c->file = cs_str_dup(d->file)) == NULL ||
        (c->dir = cs_str_dup(d->dir)) == NULL)
        return CS_ENOMEM;
    return cs_node_dup_strings(d->sources, d->nsources, &c->sources,
                               &c->nsources);
}

cs_status cs_doc_clone(const cs_doc *d, cs_doc **out, cs_error *err)
{
    const char **from = NULL, **to = NULL;
    cs_doc *c = calloc(1, sizeof *c);

    assert(d != NULL && out != NULL);
    *out = NULL;
    if (c == NULL || copy_strings(d, c) != CS_OK)
        goto fail;
    if (d->root != NULL && (c->root = cs_node_clone(d->root)) == NULL)
        goto fail;
    from = calloc(d->nsources + 1, sizeof *from);
    to = calloc(d->nsources + 1, sizeof *to);
    if (from == NULL || to == NULL)
        goto fail;
    from[0] = d->file;
    to[0] = c->file;
    for (size_t i = 0; i < d->nsources; i++) {
        from[i + 1] = d->sources[i];
        to[i + 1] = c->sources[i];
    }
    if (c->root != NULL)
        repoint_files(c->root, from, to, d->nsources + 1);
    free(from);
    free(to);
    *out = c;
    return CS_OK;

fail:
    free(from);
    free(to);
    cs_doc_free(c);
    return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
}
