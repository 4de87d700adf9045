/*
** patch.c - merge patches (SPEC 1.3: RFC 7396 extended with named lists)
** and --set PATH=VALUE overrides on cs_node trees.
**
** Invariants:
**   - One routine (merge_entries) merges every collection: a map into a
**     map key by key, a named list into a named list by name, and a map
**     keyed by element name into a named list.
**   - Lookups in big collections go through a hash index (finder), so
**     merging two big documents stays linear.
**   - A failed merge leaves a valid, partly merged tree.  Input errors
**     are names in named lists that match nothing (a removal, or a keyed
**     name close to an existing one) or match twice (keyed_absent,
**     check_twice).
*/
#include "chainsim/patch.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/doc.h"
#include "chainsim/error.h"
#include "chainsim/node.h"
#include "chainsim/str.h"
#include "node_int.h"


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
    cs_strtab index;
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
    /* the collection may grow by one child per lookup: a small map
       getting many new keys needs the index as much as a big one */
    if (n->nchildren + lookups <= CS_NODE_SMALL_MAP || lookups <= 2)
        return CS_OK;
    for (size_t i = 0; i < n->nchildren; i++)
        if (cs_node_strtab_put(&f->index, finder_text(f, i), i, 1) != CS_OK)
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
        return CS_STRTAB_NONE;
    }
    i = cs_node_strtab_get(&f->index, text);
    if (i != CS_STRTAB_NONE && i < f->ngone && f->gone[i])
        return CS_STRTAB_NONE;
    return i;
}

/* Notes that child i (just appended) has text. */
static cs_status finder_add(finder *f, const char *text, size_t i)
{
    if (f->index.cap == 0)
        return CS_OK;
    return cs_node_strtab_put(&f->index, text, i, 0);
}

static cs_status merge(cs_node **target, const cs_node *patch,
                       const char *what, cs_error *err);
static cs_status merge_entries(cs_node *t, const cs_node *p,
                               const char *what, cs_error *err);

/* The key of entry i of patch p: a map's key or a named list's name. */
static const char *entry_key(const cs_node *p, size_t i)
{
    return p->kind == CS_NODE_MAP ? p->keys[i] : elem_name(p->children[i]);
}

/* Names longer than this are never suggested (cs_error_suggest). */
#define SUGGEST_MAX_LEN 64

/*
** Whether a and b (lengths la, lb) are at most limit edits apart (the
** Levenshtein distance cs_error_suggest uses), stopping as soon as a row
** of the table exceeds limit: far names, the common case, cost a few
** rows.  Names longer than SUGGEST_MAX_LEN are never close.
*/
static int within_edits(const char *a, size_t la, const char *b, size_t lb,
                        size_t limit)
{
    size_t row[SUGGEST_MAX_LEN + 1];

    if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN ||
        (la > lb ? la - lb : lb - la) > limit)
        return 0;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0], least;
        row[0] = least = i;
        for (size_t j = 1; j <= lb; j++) {
            const size_t up = row[j];
            size_t v = diag + (a[i - 1] == b[j - 1] ? 0 : 1);
            if (up + 1 < v)
                v = up + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            diag = up;
            if (v < least)
                least = v;
        }
        if (least > limit)
            return 0;
    }
    return row[lb] <= limit;
}

/* The set of a name's characters, folded into 64 bits. */
static uint64_t char_set(const char *t)
{
    uint64_t m = 0;

    for (; *t != '\0'; t++)
        m |= (uint64_t)1 << ((unsigned char)*t & 63);
    return m;
}

/* Bits set in m. */
static size_t bit_count(uint64_t m)
{
    size_t k = 0;

    for (; m != 0; m &= m - 1)
        k++;
    return k;
}

/*
** A lower bound of the edits between names with character sets a and b:
** each character of one that the other lacks takes an edit of its own
** (folding only merges sets, so the bound stays a bound).
*/
static size_t set_edits(uint64_t a, uint64_t b)
{
    const size_t x = bit_count(a & ~b), y = bit_count(b & ~a);

    return x > y ? x : y;
}

/*
** The names a "did you mean" is chosen from: the keys of a map or the
** names of a named list (its first n children), with their lengths, and
** room for the candidates of one word.  Built once per merge of a keyed
** patch, so checking each new name costs a pass over short arrays.
*/
typedef struct namelist {
    const char **text;
    size_t *len;
    uint64_t *chars;          /* char_set of each */
    const char **cands;
    size_t n;
    int built;
} namelist;

static cs_status names_build(namelist *nl, const cs_node *c, size_t n)
{
    nl->built = 1;
    nl->text = calloc(n + 1, sizeof *nl->text);
    nl->len = calloc(n + 1, sizeof *nl->len);
    nl->chars = calloc(n + 1, sizeof *nl->chars);
    nl->cands = calloc(n + 1, sizeof *nl->cands);
    if (nl->text == NULL || nl->len == NULL || nl->chars == NULL ||
        nl->cands == NULL)
        return CS_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *t = c->kind == CS_NODE_MAP ? c->keys[i]
                                               : elem_name(c->children[i]);
        if (t != NULL) {
            nl->text[nl->n] = t;
            nl->chars[nl->n] = char_set(t);
            nl->len[nl->n++] = strlen(t);
        }
    }
    return CS_OK;
}

static void names_free(namelist *nl)
{
    free(nl->text);
    free(nl->len);
    free(nl->chars);
    free(nl->cands);
    memset(nl, 0, sizeof *nl);
}

/* cs_error_suggest(word, the names but word itself): NULL when none is
** close.  Only names within its limit of edits are handed to it. */
static const char *names_suggest(const namelist *nl, const char *word)
{
    const size_t len = strlen(word);
    const size_t limit = len / 3 > 2 ? len / 3 : 2;
    const uint64_t chars = char_set(word);
    size_t k = 0;

    for (size_t i = 0; i < nl->n; i++)
        if (set_edits(chars, nl->chars[i]) <= limit &&
            within_edits(word, len, nl->text[i], nl->len[i], limit) &&
            strcmp(nl->text[i], word) != 0)
            nl->cands[k++] = nl->text[i];
    nl->cands[k] = NULL;
    return k > 0 ? cs_error_suggest(word, nl->cands) : NULL;
}

/* names_suggest over the first n children of c, for one word (NULL as
** well when out of memory: the hint is only a hint). */
static const char *suggest_among(const cs_node *c, size_t n, const char *word)
{
    namelist nl = {0};
    const char *best = NULL;

    if (names_build(&nl, c, n) == CS_OK)
        best = names_suggest(&nl, word);
    names_free(&nl);
    return best;
}

/* A new named-list element for patch entry i of map p: a mapping with
** name (at the key's position) merged with the entry's value. */
static cs_node *keyed_element(const cs_node *p, size_t i, cs_error *err)
{
    const cs_node *v = p->children[i];
    cs_node *e, *name;

    if (v->kind != CS_NODE_MAP)
        return cs_node_clone(v);
    e = cs_node_new(CS_NODE_MAP, v->file, v->line, v->column);
    name = cs_node_scalar_new(v->file, p->key_line[i], p->key_column[i],
                              p->keys[i], strlen(p->keys[i]), 1);
    if (e == NULL || name == NULL) {
        free(e);
        cs_node_free(name);
        return NULL;
    }
    if (cs_node_push(e, cs_str_dup("name"), p->key_line[i],
                     p->key_column[i], name) != CS_OK ||
        e->keys[0] == NULL || merge_entries(e, v, p->keys[i], err) != CS_OK) {
        cs_node_free(e);
        return NULL;
    }
    return e;
}

/* Appends entry i of patch p, whose key t does not have, to t: a clone
** of the value without its nulls under the same key in a map, an element
** named by the key (keyed_element) or the patch's element in a list.
** Nothing new can hold an input error, so this fails only for memory. */
static cs_status add_entry(cs_node *t, finder *f, const cs_node *p, size_t i,
                           cs_error *err)
{
    const cs_node *v = p->children[i];
    cs_node *c = NULL;
    char *key = NULL;

    if (t->kind == CS_NODE_SEQ && p->kind == CS_NODE_MAP) {
        if ((c = keyed_element(p, i, err)) == NULL)
            return CS_ENOMEM;
    } else {
        if (merge(&c, v, entry_key(p, i), err) != CS_OK)
            return CS_ENOMEM;
        if (t->kind == CS_NODE_MAP && (key = cs_str_dup(p->keys[i]))
                                      == NULL) {
            cs_node_free(c);
            return CS_ENOMEM;
        }
    }
    if (t->kind == CS_NODE_MAP) {
        if (cs_node_push(t, key, p->key_line[i], p->key_column[i], c)
            != CS_OK)
            return CS_ENOMEM;
    } else if (cs_node_push(t, NULL, 0, 0, c) != CS_OK) {
        return CS_ENOMEM;
    }
    return finder_add(f, entry_key(p, i), t->nchildren - 1);
}

/*
** Entry i of map patch p names no element of named list t (what, its
** first n0 children there before the patch): removing it is an error,
** and so is adding it under a name close to an existing one (a typo
** would add an idle element); the list form adds any name.
*/
static cs_status keyed_absent(const cs_node *t, size_t n0, namelist *nl,
                              const cs_node *p, size_t i, const char *what,
                              cs_error *err)
{
    const char *key = p->keys[i];
    const char *hint;

    if (!nl->built && names_build(nl, t, n0) != CS_OK)
        return CS_ENOMEM;
    hint = names_suggest(nl, key);

    if (cs_node_is_null(p->children[i]))
        return cs_node_key_error(err, p, i, CS_EINPUT, "cannot remove '%s': "
                                 "%s has no element of that name%s%s%s",
                                 key, what,
                                 hint != NULL ? " (did you mean '" : "",
                                 hint != NULL ? hint : "",
                                 hint != NULL ? "'?)" : "");
    if (hint == NULL)
        return CS_OK;
    return cs_node_key_error(err, p, i, CS_EINPUT, "%s has no element "
                             "named '%s' (did you mean '%s'?); to add one "
                             "under a name this close, use the list form "
                             "(- name: %s)", what, key, hint, key);
}

/* Merges entry i of patch p into t: a null value flags the matching
** child gone, a value for an existing key or name merges into it, a new
** one is appended (n0: t's children before the patch). */
static cs_status merge_entry(cs_node *t, size_t n0, finder *f,
                             unsigned char *gone, namelist *nl,
                             const cs_node *p, size_t i, cs_error *err,
                             const char *what)
{
    const cs_node *v = p->children[i];
    const size_t at = finder_get(f, entry_key(p, i));
    const cs_node *old;
    cs_status st;

    if (at == CS_STRTAB_NONE && t->kind == CS_NODE_SEQ &&
        p->kind == CS_NODE_MAP &&
        (st = keyed_absent(t, n0, nl, p, i, what, err)) != CS_OK)
        return st;
    if (p->kind == CS_NODE_MAP && cs_node_is_null(v)) {
        if (at != CS_STRTAB_NONE && at < f->ngone)
            gone[at] = 1;
        return CS_OK;
    }
    if (at == CS_STRTAB_NONE)
        return add_entry(t, f, p, i, err);
    old = t->children[at];
    st = merge(&t->children[at], v,
               t->kind == CS_NODE_MAP ? t->keys[at] : entry_key(p, i), err);
    if (st != CS_OK)
        return st;
    if (t->kind == CS_NODE_MAP && t->children[at] != old) {
        t->key_line[at] = p->key_line[i];
        t->key_column[at] = p->key_column[i];
    }
    return CS_OK;
}

/*
** A named-list patch p that names one element twice (what: the list it
** patches) is an error at the second name: only the last would count.
** Hinted with a close name of target t's other elements.
*/
static cs_status check_twice(const cs_node *t, const cs_node *p,
                             const char *what, cs_error *err)
{
    cs_strtab seen = {0};
    cs_status st = CS_OK;

    for (size_t i = 0; i < p->nchildren && st == CS_OK; i++) {
        const char *name = elem_name(p->children[i]);
        const size_t first = p->nchildren > CS_NODE_SMALL_MAP
                                 ? cs_node_strtab_get(&seen, name)
                                 : CS_STRTAB_NONE;
        const cs_node *n;
        const char *hint;

        if (p->nchildren > CS_NODE_SMALL_MAP) {
            if (first == CS_STRTAB_NONE) {
                if (cs_node_strtab_put(&seen, name, i, 1) != CS_OK)
                    st = CS_ENOMEM;
                continue;
            }
        } else {
            size_t j = 0;
            while (j < i && strcmp(elem_name(p->children[j]), name) != 0)
                j++;
            if (j == i)
                continue;
        }
        n = cs_node_get(p->children[i], "name");
        hint = suggest_among(t, t->nchildren, name);
        st = cs_node_error(err, n, CS_EINPUT, "'%s' is listed twice in this "
                           "patch of %s; give each element once%s%s%s",
                           name, what,
                           hint != NULL ? " (did you mean '" : "",
                           hint != NULL ? hint : "",
                           hint != NULL ? "'?)" : "");
    }
    cs_node_strtab_free(&seen);
    return st;
}

/*
** The one merge of collections: patch p (a map, or a named list) into t
** (a map, or a named list, under key what), entry by entry, matching a
** map's keys or a named list's element names.  A map patch against a
** named list is keyed by element name; a named-list patch meets only a
** named-list target.  Removals (null values) happen at the end, in one
** pass.
*/
static cs_status merge_entries(cs_node *t, const cs_node *p,
                               const char *what, cs_error *err)
{
    const size_t n0 = t->nchildren;
    namelist nl = {0};
    unsigned char *gone;
    cs_status st = CS_ENOMEM;
    finder f;

    if (p->kind == CS_NODE_SEQ && (st = check_twice(t, p, what, err)) != CS_OK)
        return st;
    if ((gone = calloc(n0 + 1, 1)) == NULL)
        return CS_ENOMEM;
    st = CS_ENOMEM;
    if (finder_init(&f, t, t->kind == CS_NODE_SEQ, p->nchildren) != CS_OK)
        goto done;
    f.gone = gone;
    f.ngone = n0;
    for (size_t i = 0; i < p->nchildren; i++)
        if ((st = merge_entry(t, n0, &f, gone, &nl, p, i, err, what))
            != CS_OK)
            goto done;
    st = CS_OK;
done:
    names_free(&nl);
    cs_node_remove_flagged(t, gone, n0);
    cs_node_strtab_free(&f.index);
    free(gone);
    return st;
}

/* Merges patch into *target (NULL: absent), which sits under key what.
** Fails for memory (CS_ENOMEM, err not set) or a named-list entry that
** names nothing (CS_EINPUT, err set); the tree stays valid (partly
** merged) then. */
static cs_status merge(cs_node **target, const cs_node *patch,
                       const char *what, cs_error *err)
{
    cs_node *t = *target;
    cs_node *fresh;

    if (patch->kind == CS_NODE_MAP) {
        if ((t != NULL && t->kind == CS_NODE_MAP) || is_named_list(t, 1))
            return merge_entries(t, patch, what, err);
        /* Replaced by the patch without its nulls (RFC 7396). */
        fresh = cs_node_new(CS_NODE_MAP, patch->file, patch->line,
                            patch->column);
        if (fresh == NULL)
            return CS_ENOMEM;
        if (merge_entries(fresh, patch, what, err) != CS_OK) {
            cs_node_free(fresh);
            return CS_ENOMEM;
        }
    } else if (patch->kind == CS_NODE_SEQ && is_named_list(patch, 0) &&
               is_named_list(t, 1)) {
        return merge_entries(t, patch, what, err);
    } else {
        fresh = cs_node_clone(patch);
        if (fresh == NULL)
            return CS_ENOMEM;
    }
    cs_node_free(t);
    *target = fresh;
    return CS_OK;
}

cs_status cs_patch_merge(cs_node **target, const cs_node *patch,
                         cs_error *err)
{
    cs_status st;

    assert(target != NULL);
    if (patch == NULL)
        return CS_OK;
    st = merge(target, patch, "the document", err);
    if (st == CS_ENOMEM)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                            "out of memory while merging a patch");
    return st;
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
    const char *hint = suggest_among(c, c->nchildren, part);
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
    st = cs_doc_parse(source, value, strlen(value), out, &inner);
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
** a patch would: cs_patch_merge's rules, so a mapping merges key by key, a
** named list merges by name, anything else replaces.  Takes value.
*/
static cs_status set_in_map(cs_node *c, long at, const char *key,
                            cs_node *value, cs_error *err)
{
    cs_node *old;
    cs_status st;
    char *k;

    if (value == NULL || cs_node_is_null(value)) {
        if (at >= 0)
            cs_node_remove(c, (size_t)at);
        cs_node_free(value);
        return CS_OK;
    }
    if (at < 0) {
        cs_node *fresh = NULL;
        st = merge(&fresh, value, key, err);
        cs_node_free(value);
        if (st != CS_OK)
            return st;
        k = cs_str_dup(key);
        if (k == NULL) {
            cs_node_free(fresh);
            return CS_ENOMEM;
        }
        return cs_node_push(c, k, 0, 0, fresh);
    }
    old = c->children[at];
    st = merge(&c->children[at], value, key, err);
    cs_node_free(value);
    if (st != CS_OK)
        return st;
    if (c->children[at] != old) {
        c->key_line[at] = 0;
        c->key_column[at] = 0;
    }
    return CS_OK;
}

/* Applies value to element at (named key) of named list c, as set_in_map
** does. */
static cs_status set_in_list(cs_node *c, size_t at, const char *key,
                             cs_node *value, cs_error *err)
{
    cs_status st = CS_OK;

    if (value == NULL || cs_node_is_null(value))
        cs_node_remove(c, at);
    else
        st = merge(&c->children[at], value, key, err);
    cs_node_free(value);
    return st;
}

/* Checks the shape of "PATH=VALUE": a '=', no empty path or part. */
static cs_status check_assignment(const char *assignment, const char *eq,
                                  cs_error *err)
{
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
    return CS_OK;
}

/*
** Finds path part key in collection c (the path so far is the first
** prefix_len bytes of assignment): *at is its index in a map (-1 when
** absent and last, a new key) or in a named list.  Errors name the part.
*/
static cs_status find_part(const cs_node *c, const char *key, int last,
                           const char *assignment, int prefix_len, long *at,
                           cs_error *err)
{
    char where[CS_ERROR_MSG_MAX];

    if (c->kind == CS_NODE_MAP) {
        *at = cs_node_find(c, key);
        if (*at < 0 && !last)
            return missing_part(err, assignment, c, key, prefix_len);
        return CS_OK;
    }
    if (is_named_list(c, 1)) {
        finder f;
        size_t i;
        (void)finder_init(&f, c, 1, 0);   /* linear: cannot fail */
        i = finder_get(&f, key);
        if (i == CS_STRTAB_NONE)
            return missing_part(err, assignment, c, key, prefix_len);
        *at = (long)i;
        return CS_OK;
    }
    path_name(where, sizeof where, assignment, prefix_len);
    return cs_error_set(err, CS_EINPUT, NULL, 0, 0,
                        "--set %s: %s is %s, so '%s' cannot select "
                        "anything in it", assignment, where,
                        c->kind == CS_NODE_SEQ
                            ? "a list without element names"
                            : "a scalar", key);
}

cs_status cs_patch_set(cs_doc *d, const char *assignment, cs_error *err)
{
    const char *eq = strchr(assignment, '=');
    const char *part, *end;
    cs_node *c, *value = NULL;
    char *key = NULL;
    cs_status st;
    long at = -1;

    assert(d != NULL);
    if ((st = check_assignment(assignment, eq, err)) != CS_OK)
        return st;
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
        key = cs_str_ndup(part, (size_t)(end - part));
        if (key == NULL)
            return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
        st = find_part(c, key, end == eq, assignment, prefix_len, &at, err);
        if (st != CS_OK)
            goto fail;
        if (end == eq)
            break;
        c = c->children[at];
    }

    st = set_value(d, assignment, eq + 1, &value, err);
    if (st != CS_OK)
        goto fail;
    if (c->kind == CS_NODE_MAP)
        st = set_in_map(c, at, key, value, err);
    else
        st = set_in_list(c, (size_t)at, key, value, err);
    if (st == CS_ENOMEM)
        st = cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
fail:
    free(key);
    return st;
}
