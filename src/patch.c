/*
** patch.c - merge patches (SPEC 1.3: RFC 7396 extended with named lists
** and with routes keyed by step id) and --set PATH=VALUE overrides on
** cs_node trees.
**
** Invariants:
**   - One routine (merge_entries) merges every collection: a map into a
**     map key by key, a named list into a named list by name, a route
**     into a route by step id, and a map keyed by element name or step id
**     into a named list or a route.
**   - Lookups in big collections go through a hash index (finder), and a
**     route's ids are worked out once per merge (route_ids), so merging
**     two big documents stays linear.
**   - A failed merge leaves a valid, partly merged tree.  Input errors
**     are names or ids that match nothing (a removal, a keyed name close
**     to an existing one, a route entry that could only edit a step) or
**     match twice (absent_entry, check_twice).
**   - A route's step ids are SPEC 1.3's: a step's "id", else its team's
**     name when no other step of the class's route, parallel branches
**     included, has that team.  The branches of a parallel step are
**     matched with the ids of the whole route they belong to, so merges
**     and --set walks carry that route down (the `route` arguments).
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

/* What the entries of a collection are matched by. */
typedef enum match_kind {
    MATCH_KEYS,               /* a map's keys */
    MATCH_NAMES,              /* a named list's element names */
    MATCH_IDS                 /* a route's step ids */
} match_kind;

/* The scalar value of key field of mapping e, or NULL. */
static const char *elem_field(const cs_node *e, const char *field)
{
    const cs_node *v = cs_node_get(e, field);

    return v != NULL && v->kind == CS_NODE_SCALAR ? v->text : NULL;
}

/* The name of a named-list element, or NULL. */
static const char *elem_name(const cs_node *e)
{
    return elem_field(e, "name");
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
** A route: a non-empty sequence, not a named list, of mappings that each
** have a "team", "teams", a "parallel" or an "id" (a class's steps, or the
** branches of a parallel step).
*/
static int is_route(const cs_node *n)
{
    if (n == NULL || n->kind != CS_NODE_SEQ || n->nchildren == 0 ||
        is_named_list(n, 0))
        return 0;
    for (size_t i = 0; i < n->nchildren; i++) {
        const cs_node *e = n->children[i];
        if (e->kind != CS_NODE_MAP ||
            (cs_node_find(e, "team") < 0 && cs_node_find(e, "parallel") < 0 &&
             cs_node_find(e, "teams") < 0 && cs_node_find(e, "id") < 0))
            return 0;
    }
    return 1;
}

/* A patch of a route by id: a non-empty sequence of mappings that each
** have a scalar "id". */
static int is_id_patch(const cs_node *p)
{
    if (p->kind != CS_NODE_SEQ || p->nchildren == 0)
        return 0;
    for (size_t i = 0; i < p->nchildren; i++)
        if (elem_field(p->children[i], "id") == NULL)
            return 0;
    return 1;
}

/* How the entries of collection c (a map, a named list or a route) are
** matched. */
static match_kind match_kind_of(const cs_node *c)
{
    if (c->kind == CS_NODE_MAP)
        return MATCH_KEYS;
    return is_named_list(c, 1) ? MATCH_NAMES : MATCH_IDS;
}

/* The key an element of a list matched by kind is named by. */
static const char *match_field(match_kind kind)
{
    return kind == MATCH_IDS ? "id" : "name";
}

/*
** The route that child key of collection c belongs to, c being matched by
** kind and belonging to route (NULL: to none, or c is a class's steps):
** a route's elements are its steps, and a step's "parallel" holds
** branches of the same route.  NULL when the child is in no route.
*/
static const cs_node *inner_route(const cs_node *c, match_kind kind,
                                  const char *key, const cs_node *route)
{
    if (kind == MATCH_IDS)
        return route != NULL ? route : c;
    if (kind == MATCH_KEYS && route != NULL && strcmp(key, "parallel") == 0)
        return route;
    return NULL;
}

/* Counts name in uses. */
static cs_status count_use(cs_strtab *uses, const char *name)
{
    const size_t n = cs_node_strtab_get(uses, name);

    return cs_node_strtab_put(uses, name, n == CS_STRTAB_NONE ? 1 : n + 1, 0);
}

/* The list of a joint step e's teams (SPEC 5.5), or NULL. */
static const cs_node *joint_teams(const cs_node *e)
{
    const cs_node *t = e->kind == CS_NODE_MAP ? cs_node_get(e, "teams") : NULL;

    return t != NULL && t->kind == CS_NODE_SEQ ? t : NULL;
}

/* Counts the scalar team of step e (each team of a joint step) in uses. */
static cs_status count_team(cs_strtab *uses, const cs_node *e)
{
    const char *team = elem_field(e, "team");
    const cs_node *list = joint_teams(e);
    cs_status st = CS_OK;

    for (size_t i = 0; list != NULL && i < list->nchildren && st == CS_OK; i++)
        if (list->children[i]->kind == CS_NODE_SCALAR)
            st = count_use(uses, list->children[i]->text);
    if (team == NULL || st != CS_OK)
        return st;
    return count_use(uses, team);
}

/* The default id of a joint step e without one: its teams joined by '+'
** (a new string), NULL when one of them is not a name. */
static char *joint_id(const cs_node *e)
{
    const cs_node *list = joint_teams(e);
    size_t len = 1;
    char *id;

    for (size_t i = 0; i < list->nchildren; i++) {
        if (list->children[i]->kind != CS_NODE_SCALAR)
            return NULL;
        len += strlen(list->children[i]->text) + 1;
    }
    if ((id = malloc(len)) == NULL)
        return NULL;
    id[0] = '\0';
    for (size_t i = 0; i < list->nchildren; i++) {
        if (i > 0)
            strcat(id, "+");
        strcat(id, list->children[i]->text);
    }
    return id;
}

/* Frees the n strings of ids and the array. */
static void ids_free(char **ids, size_t n)
{
    if (ids != NULL)
        for (size_t i = 0; i < n; i++)
            free(ids[i]);
    free(ids);
}

/*
** The step ids of the children of route t in a new array *ids of copies
** (a merge may replace the node an id was read from; free with
** ids_free): a step's scalar "id", else its scalar "team" when no other
** step of the whole route (parallel branches and joint steps included)
** has that team, a joint step's teams joined by '+', else NULL.  route is the route t belongs to (t itself when NULL: a
** class's steps; the class's steps for the branches of one of them).
*/
static cs_status route_ids(const cs_node *t, const cs_node *route,
                           char ***ids)
{
    cs_strtab uses = {0};
    cs_status st = CS_OK;

    if (route == NULL)
        route = t;
    if ((*ids = calloc(t->nchildren + 1, sizeof **ids)) == NULL)
        return CS_ENOMEM;
    for (size_t i = 0; i < route->nchildren && st == CS_OK; i++) {
        const cs_node *par = cs_node_get(route->children[i], "parallel");
        st = count_team(&uses, route->children[i]);
        if (par != NULL && par->kind == CS_NODE_SEQ)
            for (size_t b = 0; b < par->nchildren && st == CS_OK; b++)
                st = count_team(&uses, par->children[b]);
    }
    for (size_t i = 0; i < t->nchildren && st == CS_OK; i++) {
        const char *id = elem_field(t->children[i], "id");
        const char *team = elem_field(t->children[i], "team");
        if (id == NULL && team != NULL &&
            cs_node_strtab_get(&uses, team) == 1)
            id = team;
        if (id == NULL && team == NULL && joint_teams(t->children[i]) != NULL)
            (*ids)[i] = joint_id(t->children[i]);
        else if (id != NULL && ((*ids)[i] = cs_str_dup(id)) == NULL)
            st = CS_ENOMEM;
    }
    cs_node_strtab_free(&uses);
    if (st != CS_OK) {
        ids_free(*ids, t->nchildren);
        *ids = NULL;
    }
    return st;
}

/*
** Finds keys of a map, names of a named list or step ids of a route, by
** text: a linear scan for small collections, a hash index for big ones
** (so merging two big documents stays linear).  Children flagged gone
** are not found.
*/
typedef struct finder {
    const cs_node *n;
    match_kind kind;
    char **ids;               /* MATCH_IDS: the ids of the first nids */
    size_t nids;
    cs_strtab index;
    const unsigned char *gone;
    size_t ngone;
} finder;

/* The key, name or id of child i (NULL for a step without an id). */
static const char *finder_text(const finder *f, size_t i)
{
    if (f->kind == MATCH_KEYS)
        return f->n->keys[i];
    if (f->kind == MATCH_IDS && i < f->nids)
        return f->ids[i];
    return elem_field(f->n->children[i], match_field(f->kind));
}

/* A finder over collection n, matched by kind (route: see route_ids);
** lookups, how many look-ups will follow, decides whether to index it.
** On CS_ENOMEM it is still to be released with finder_fini. */
static cs_status finder_init(finder *f, const cs_node *n, match_kind kind,
                             const cs_node *route, size_t lookups)
{
    memset(f, 0, sizeof *f);
    f->n = n;
    f->kind = kind;
    if (kind == MATCH_IDS) {
        if (route_ids(n, route, &f->ids) != CS_OK)
            return CS_ENOMEM;
        f->nids = n->nchildren;
    }
    /* the collection may grow by one child per lookup: a small map
       getting many new keys needs the index as much as a big one */
    if (n->nchildren + lookups <= CS_NODE_SMALL_MAP || lookups <= 2)
        return CS_OK;
    for (size_t i = 0; i < n->nchildren; i++) {
        const char *t = finder_text(f, i);
        if (t != NULL && cs_node_strtab_put(&f->index, t, i, 1) != CS_OK)
            return CS_ENOMEM;
    }
    return CS_OK;
}

static void finder_fini(finder *f)
{
    ids_free(f->ids, f->nids);
    f->ids = NULL;
    cs_node_strtab_free(&f->index);
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
    if (f->index.cap == 0 || text == NULL)
        return CS_OK;
    return cs_node_strtab_put(&f->index, text, i, 0);
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
** The names a "did you mean" is chosen from: the keys of a map, the
** names of a named list or the step ids of a route (its first n
** children), with their lengths, and room for the candidates of one
** word.  Built once per merge of a keyed patch, so checking each new name
** costs a pass over short arrays.
*/
typedef struct namelist {
    char **text;              /* copies: a merge may replace a name's node */
    size_t *len;
    uint64_t *chars;          /* char_set of each */
    const char **cands;
    size_t n;
    int built;
} namelist;

/* The names of the first n entries of f's collection (those that have
** one). */
static cs_status names_build(namelist *nl, const finder *f, size_t n)
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
        const char *t = finder_text(f, i);
        if (t == NULL)
            continue;
        if ((nl->text[nl->n] = cs_str_dup(t)) == NULL)
            return CS_ENOMEM;
        nl->chars[nl->n] = char_set(t);
        nl->len[nl->n++] = strlen(t);
    }
    return CS_OK;
}

static void names_free(namelist *nl)
{
    for (size_t i = 0; i < nl->n; i++)
        free(nl->text[i]);
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

/* " (did you mean 'HINT'?)" in buf, or "" when hint is NULL. */
static const char *hint_text(char *buf, size_t size, const char *hint)
{
    if (hint == NULL)
        return "";
    snprintf(buf, size, " (did you mean '%s'?)", hint);
    return buf;
}

/* Room for hint_text of a name that names_suggest may return. */
#define HINT_MAX (SUGGEST_MAX_LEN + 24)

/* hint_text (in buf) of names_suggest over the first n entries of f's
** collection, for one word ("" as well when out of memory: the hint is
** only a hint). */
static const char *hint_among(const finder *f, size_t n, const char *word,
                              char *buf, size_t size)
{
    namelist nl = {0};
    const char *hint = "";

    if (names_build(&nl, f, n) == CS_OK)
        hint = hint_text(buf, size, names_suggest(&nl, word));
    names_free(&nl);
    return hint;
}

/* Where a merge happens: the key its target is under (for messages), the
** route the target belongs to (see inner_route), and whether removing a
** name or id that the target lacks is let pass (cs_patch_merge_over). */
typedef struct scope {
    const char *what;
    const cs_node *route;
    int lenient;
} scope;

static cs_status merge(cs_node **target, const cs_node *patch, scope sc,
                       cs_error *err);
static cs_status merge_entries(cs_node *t, const cs_node *p, scope sc,
                               cs_error *err);

/* One merge of patch p into collection t, entry by entry. */
typedef struct merging {
    cs_node *t;
    const cs_node *p;
    size_t n0;                /* t's children before the patch */
    finder f;                 /* over t */
    unsigned char *gone;      /* [n0]: the children the patch removes */
    size_t *slot;             /* routes: the child each entry of p went to */
    namelist nl;              /* t's names, for hints, built when needed */
    scope sc;                 /* where t is */
    cs_error *err;
} merging;

/* The key of entry i of patch p against f's collection: a map's key, or
** a list element's name or id. */
static const char *entry_key(const finder *f, const cs_node *p, size_t i)
{
    return p->kind == CS_NODE_MAP ? p->keys[i]
                                  : elem_field(p->children[i],
                                               match_field(f->kind));
}

/* A new list element for entry i of map patch p: a mapping with field
** (name or id) set to the key, at the key's position, merged with the
** entry's value. */
static cs_node *keyed_element(const cs_node *p, size_t i, const char *field,
                              cs_error *err)
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
    if (cs_node_push(e, cs_str_dup(field), p->key_line[i],
                     p->key_column[i], name) != CS_OK ||
        e->keys[0] == NULL ||
        merge_entries(e, v, (scope){p->keys[i], NULL, 0}, err) != CS_OK) {
        cs_node_free(e);
        return NULL;
    }
    return e;
}

/* Appends entry i of the patch, whose key t does not have, to t: a clone
** of the value without its nulls under the same key in a map, an element
** named by the key (keyed_element) or the patch's element in a list.
** Nothing new can hold an input error, so this fails only for memory. */
static cs_status add_entry(merging *m, size_t i)
{
    cs_node *t = m->t;
    const cs_node *p = m->p;
    cs_node *c = NULL;
    char *key = NULL;

    if (t->kind == CS_NODE_SEQ && p->kind == CS_NODE_MAP) {
        if ((c = keyed_element(p, i, match_field(m->f.kind), m->err))
            == NULL)
            return CS_ENOMEM;
    } else {
        if (merge(&c, p->children[i], (scope){entry_key(&m->f, p, i), NULL, 0},
                  m->err) != CS_OK)
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
    return finder_add(&m->f, entry_key(&m->f, p, i), t->nchildren - 1);
}

/* An input error at entry i of patch p: at its key in a map patch, at
** the element's name or id (field) in a list patch. */
static cs_status entry_error(cs_error *err, const cs_node *p, size_t i,
                             const char *field, const char *msg)
{
    if (p->kind == CS_NODE_MAP)
        return cs_node_key_error(err, p, i, CS_EINPUT, "%s", msg);
    return cs_node_error(err, cs_node_get(p->children[i], field), CS_EINPUT,
                         "%s", msg);
}

/* A route entry that can stand as a new step: a mapping with a team,
** teams (a joint step) or parallel branches. */
static int is_new_step(const cs_node *v)
{
    return v->kind == CS_NODE_MAP && (cs_node_find(v, "team") >= 0 ||
                                      cs_node_find(v, "teams") >= 0 ||
                                      cs_node_find(v, "parallel") >= 0);
}

/*
** Entry i of the patch names no element of list t (m->sc.what): an error,
** with a hint from t's names, when it removes (a keyed null), when in a
** route it could only edit a step (no "team", no "parallel"), or when a
** keyed name is close to an existing one (a typo would add an idle
** element; the list form adds any new name).
*/
static cs_status absent_entry(merging *m, size_t i)
{
    const int keyed = m->p->kind == CS_NODE_MAP;
    const int ids = m->f.kind == MATCH_IDS;
    const char *key = entry_key(&m->f, m->p, i);
    const cs_node *v = m->p->children[i];
    const char *field = match_field(m->f.kind), *hint;
    char msg[CS_ERROR_MSG_MAX], hb[HINT_MAX];

    if ((!keyed && !ids) || (keyed && cs_node_is_null(v) && m->sc.lenient))
        return CS_OK;
    if (!keyed && is_new_step(v))   /* a new step of the list form */
        return CS_OK;
    if (!m->nl.built && names_build(&m->nl, &m->f, m->n0) != CS_OK)
        return CS_ENOMEM;
    hint = names_suggest(&m->nl, key);
    if (keyed && cs_node_is_null(v))
        snprintf(msg, sizeof msg, "cannot remove '%s': %s has no %s%s", key,
                 m->sc.what,
                 ids ? "step with that id" : "element of that name",
                 hint_text(hb, sizeof hb, hint));
    else if (ids && !is_new_step(v))
        snprintf(msg, sizeof msg, "%s has no step with id '%s'%s; a new "
                 "step needs 'team', 'teams' or 'parallel'", m->sc.what, key,
                 hint_text(hb, sizeof hb, hint));
    else if (keyed && hint != NULL)
        snprintf(msg, sizeof msg, "%s has no %s '%s' (did you mean '%s'?); "
                 "to add one under %s this close, use the list form (- %s: "
                 "%s)", m->sc.what, ids ? "step with id" : "element named",
                 key, hint, ids ? "an id" : "a name", field, key);
    else
        return CS_OK;
    return entry_error(m->err, m->p, i, field, msg);
}

/* Merges entry i of the patch into t: a null value flags the matching
** child gone, a value for an existing key, name or id merges into it, a
** new one is appended. */
static cs_status merge_entry(merging *m, size_t i)
{
    cs_node *t = m->t;
    const cs_node *p = m->p, *v = p->children[i];
    const char *key = entry_key(&m->f, p, i);
    const size_t at = finder_get(&m->f, key);
    const cs_node *old;
    cs_status st;

    if (at == CS_STRTAB_NONE && t->kind == CS_NODE_SEQ &&
        (st = absent_entry(m, i)) != CS_OK)
        return st;
    if (m->slot != NULL)   /* NONE: a removal of nothing (lenient) */
        m->slot[i] = at != CS_STRTAB_NONE ? at
                     : cs_node_is_null(v) ? CS_STRTAB_NONE : t->nchildren;
    if (p->kind == CS_NODE_MAP && cs_node_is_null(v)) {
        if (at != CS_STRTAB_NONE && at < m->n0)
            m->gone[at] = 1;
        return CS_OK;
    }
    if (at == CS_STRTAB_NONE)
        return add_entry(m, i);
    old = t->children[at];
    st = merge(&t->children[at], v,
               (scope){key, inner_route(t, m->f.kind, key, m->sc.route),
                       m->sc.lenient}, m->err);
    if (st != CS_OK)
        return st;
    if (t->kind == CS_NODE_MAP && t->children[at] != old) {
        t->key_line[at] = p->key_line[i];
        t->key_column[at] = p->key_column[i];
    }
    return CS_OK;
}

/* Whether entry i of list patch p has the same name or id (field) as an
** earlier one, found with seen (a hash of the names so far) when the
** patch is big.  CS_ENOMEM when seen cannot grow. */
static cs_status seen_before(const cs_node *p, size_t i, const char *field,
                             cs_strtab *seen, int *twice)
{
    const char *name = elem_field(p->children[i], field);
    size_t j = 0;

    *twice = 0;
    if (p->nchildren > CS_NODE_SMALL_MAP) {
        if (cs_node_strtab_get(seen, name) != CS_STRTAB_NONE)
            *twice = 1;
        else if (cs_node_strtab_put(seen, name, i, 1) != CS_OK)
            return CS_ENOMEM;
        return CS_OK;
    }
    while (j < i && strcmp(elem_field(p->children[j], field), name) != 0)
        j++;
    *twice = j < i;
    return CS_OK;
}

/*
** A list patch that names one element (or step) twice is an error at the
** second name: only the last would count.  Hinted with a close name of
** the target's other elements.
*/
static cs_status check_twice(const merging *m)
{
    const char *field = match_field(m->f.kind);
    cs_strtab seen = {0};
    cs_status st = CS_OK;

    for (size_t i = 0; i < m->p->nchildren && st == CS_OK; i++) {
        const char *name = elem_field(m->p->children[i], field);
        char hb[HINT_MAX];
        int twice;

        if ((st = seen_before(m->p, i, field, &seen, &twice)) != CS_OK ||
            !twice)
            continue;
        st = cs_node_error(m->err, cs_node_get(m->p->children[i], field),
                           CS_EINPUT, "'%s' is listed twice in this patch "
                           "of %s; give each %s once%s", name, m->sc.what,
                           m->f.kind == MATCH_IDS ? "step" : "element",
                           hint_among(&m->f, m->t->nchildren, name, hb,
                                      sizeof hb));
    }
    cs_node_strtab_free(&seen);
    return st;
}

/* Where a child of a route goes once a patch is merged (place_new). */
typedef struct place {
    size_t pos;               /* the old step it is placed by */
    int phase;                /* 0 before that step, 1 the step, 2 after */
    size_t seq;               /* a new step's entry in the patch */
    cs_node *child;
} place;

static int place_cmp(const void *a, const void *b)
{
    const place *x = a, *y = b;

    if (x->pos != y->pos)
        return x->pos < y->pos ? -1 : 1;
    if (x->phase != y->phase)
        return x->phase < y->phase ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
** Puts the steps a patch added to a route (appended by add_entry) in
** their places and drops the removed ones: a new step goes right after
** the step the patch lists before it (an old one, or a new one placed the
** same way); new steps listed before any old one go before the first old
** step the patch lists; with no old step listed they stay at the end.
** Old steps keep their order.  On CS_ENOMEM nothing has moved.
*/
static cs_status place_new(merging *m)
{
    cs_node *t = m->t;
    const size_t n = t->nchildren, n0 = m->n0;
    place *pl = calloc(n + 1, sizeof *pl);
    size_t first = n0, prev = CS_STRTAB_NONE, k = 0;

    if (pl == NULL)
        return CS_ENOMEM;
    for (size_t i = 0; i < m->p->nchildren && first == n0; i++)
        if (m->slot[i] < n0)
            first = m->slot[i];
    for (size_t j = 0; j < n; j++) {
        pl[j].pos = j;
        pl[j].phase = 1;
        pl[j].child = t->children[j];
    }
    for (size_t i = 0; i < m->p->nchildren; i++) {
        const size_t s = m->slot[i];
        if (s == CS_STRTAB_NONE)
            continue;
        if (s < n0) {
            prev = s;
            continue;
        }
        pl[s].pos = prev != CS_STRTAB_NONE ? prev : first;
        pl[s].phase = prev != CS_STRTAB_NONE ? 2 : 0;
        pl[s].seq = i;
    }
    qsort(pl, n, sizeof *pl, place_cmp);
    for (size_t j = 0; j < n; j++) {
        if (pl[j].phase == 1 && m->gone[pl[j].pos])
            cs_node_free(pl[j].child);
        else
            t->children[k++] = pl[j].child;
    }
    t->nchildren = k;
    memset(m->gone, 0, n0);
    free(pl);
    return CS_OK;
}

/*
** The one merge of collections: patch p (a map, a named list or a route
** patch by id) into t (a map, a named list or a route, under key what,
** belonging to route), entry by entry, matching a map's keys, a named
** list's element names or a route's step ids.  A map patch against a
** list is keyed by element name or step id; a list patch meets only a
** list of its kind.  Removals (null values) happen at the end, in one
** pass; in a route, new steps are then put in their places.
*/
static cs_status merge_entries(cs_node *t, const cs_node *p, scope sc,
                               cs_error *err)
{
    merging m;
    cs_status st;

    memset(&m, 0, sizeof m);
    m.t = t;
    m.p = p;
    m.n0 = t->nchildren;
    m.sc = sc;
    m.err = err;
    st = finder_init(&m.f, t, match_kind_of(t), sc.route, p->nchildren);
    if (st == CS_OK && p->kind == CS_NODE_SEQ)
        st = check_twice(&m);
    if (st == CS_OK && ((m.gone = calloc(m.n0 + 1, 1)) == NULL ||
                        (m.f.kind == MATCH_IDS &&
                         (m.slot = calloc(p->nchildren + 1, sizeof *m.slot))
                         == NULL)))
        st = CS_ENOMEM;
    m.f.gone = m.gone;
    m.f.ngone = m.n0;
    for (size_t i = 0; i < p->nchildren && st == CS_OK; i++)
        st = merge_entry(&m, i);
    if (st == CS_OK && m.slot != NULL)
        st = place_new(&m);
    if (m.gone != NULL)
        cs_node_remove_flagged(t, m.gone, m.n0);
    names_free(&m.nl);
    finder_fini(&m.f);
    free(m.slot);
    free(m.gone);
    return st;
}

/* Merges patch into *target (NULL: absent), which is where sc says.
** Fails for memory (CS_ENOMEM, err not set) or a name or id that matches
** nothing (CS_EINPUT, err set); the tree stays valid (partly merged)
** then. */
static cs_status merge(cs_node **target, const cs_node *patch, scope sc,
                       cs_error *err)
{
    cs_node *t = *target;
    cs_node *fresh;

    if (patch->kind == CS_NODE_MAP) {
        if ((t != NULL && t->kind == CS_NODE_MAP) || is_named_list(t, 1) ||
            is_route(t))
            return merge_entries(t, patch, sc, err);
        /* Replaced by the patch without its nulls (RFC 7396). */
        fresh = cs_node_new(CS_NODE_MAP, patch->file, patch->line,
                            patch->column);
        if (fresh == NULL)
            return CS_ENOMEM;
        if (merge_entries(fresh, patch, (scope){sc.what, NULL, 0}, err)
            != CS_OK) {
            cs_node_free(fresh);
            return CS_ENOMEM;
        }
    } else if (patch->kind == CS_NODE_SEQ &&
               ((is_named_list(patch, 0) && is_named_list(t, 1)) ||
                (is_id_patch(patch) && is_route(t)))) {
        return merge_entries(t, patch, sc, err);
    } else {
        fresh = cs_node_clone(patch);
        if (fresh == NULL)
            return CS_ENOMEM;
    }
    cs_node_free(t);
    *target = fresh;
    return CS_OK;
}

static cs_status patch_merge(cs_node **target, const cs_node *patch,
                             int lenient, cs_error *err)
{
    cs_status st;

    assert(target != NULL);
    if (patch == NULL)
        return CS_OK;
    st = merge(target, patch, (scope){"the document", NULL, lenient}, err);
    if (st == CS_ENOMEM)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                            "out of memory while merging a patch");
    return st;
}

cs_status cs_patch_merge(cs_node **target, const cs_node *patch,
                         cs_error *err)
{
    return patch_merge(target, patch, 0, err);
}

cs_status cs_patch_merge_over(cs_node **target, const cs_node *patch,
                              cs_error *err)
{
    return patch_merge(target, patch, 1, err);
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

/* The error for part (of the path so far, prefix) missing in f's
** collection. */
static cs_status missing_part(cs_error *err, const char *assignment,
                              const finder *f, const char *part,
                              int prefix_len)
{
    static const char *const what[] = {"a key", "an element", "a step"};
    char where[CS_ERROR_MSG_MAX], hb[HINT_MAX];

    path_name(where, sizeof where, assignment, prefix_len);
    return cs_error_set(err, CS_EINPUT, NULL, 0, 0, "--set %s: '%s' is not "
                        "%s of %s%s", assignment, part, what[f->kind], where,
                        hint_among(f, f->n->nchildren, part, hb, sizeof hb));
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
** The VALUE after eq, parsed as YAML, in *out; its nodes borrow *source,
** "--set PATH=VALUE" in new memory (the caller frees both, also on an
** error).  An empty VALUE (nothing, or only white space or a comment) is
** an error at the argument: a forgotten value must not remove the key.
*/
static cs_status parse_value(const char *assignment, const char *eq,
                             cs_node **out, char **source, cs_error *err)
{
    const size_t alen = strlen(assignment);
    cs_error inner;
    cs_status st;

    *out = NULL;
    if ((*source = malloc(alen + 7)) == NULL)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    memcpy(*source, "--set ", 6);
    memcpy(*source + 6, assignment, alen + 1);
    cs_error_clear(&inner);
    st = *cs_str_skip_space(eq + 1) == '\0'
             ? CS_OK   /* blank, which YAML may refuse (a tab) */
             : cs_doc_parse(*source, eq + 1, strlen(eq + 1), out, &inner);
    if (st != CS_OK && inner.line > 0)
        return cs_error_set(err, st, NULL, 0, 0, "--set %s: %s (line %d, "
                            "column %d of the value)", assignment, inner.msg,
                            inner.line, inner.column);
    if (st != CS_OK)
        return cs_error_set(err, st, NULL, 0, 0, "--set %s: %s", assignment,
                            inner.msg);
    if (*out == NULL)
        return cs_error_set(err, CS_EINPUT, *source, 0, 0, "empty value; "
                            "write one after '=' (or null to remove %.*s)",
                            (int)(eq - assignment), assignment);
    clear_positions(*out);
    return CS_OK;
}

/* The value of --set, parsed as YAML; nodes borrow the new source string
** that is stored in d->sources. */
static cs_status set_value(cs_doc *d, const char *assignment, const char *eq,
                           cs_node **out, cs_error *err)
{
    char *source = NULL;
    char **sources;
    cs_status st = parse_value(assignment, eq, out, &source, err);

    if (st != CS_OK) {
        cs_node_free(*out);
        *out = NULL;
        free(source);
        return st;
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
    return CS_OK;
}

/*
** Applies value at key `key` of map c (index at, or -1 for a new key; c
** belongs to route, see inner_route), as a patch would: cs_patch_merge's
** rules, so a mapping merges key by key, a named list merges by name, a
** route by step id, anything else replaces.  Takes value.
*/
static cs_status set_in_map(cs_node *c, long at, const char *key,
                            cs_node *value, const cs_node *route,
                            cs_error *err)
{
    const cs_node *inner = inner_route(c, MATCH_KEYS, key, route);
    cs_node *old;
    cs_status st;
    char *k;

    if (cs_node_is_null(value)) {
        if (at >= 0)
            cs_node_remove(c, (size_t)at);
        cs_node_free(value);
        return CS_OK;
    }
    if (at < 0) {
        cs_node *fresh = NULL;
        st = merge(&fresh, value, (scope){key, inner, 0}, err);
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
    st = merge(&c->children[at], value, (scope){key, inner, 0}, err);
    cs_node_free(value);
    if (st != CS_OK)
        return st;
    if (c->children[at] != old) {
        c->key_line[at] = 0;
        c->key_column[at] = 0;
    }
    return CS_OK;
}

/* Applies value to element at (named key) of list c (a named list or a
** route, belonging to route), as set_in_map does. */
static cs_status set_in_list(cs_node *c, size_t at, const char *key,
                             cs_node *value, const cs_node *route,
                             cs_error *err)
{
    cs_status st = CS_OK;

    if (cs_node_is_null(value))
        cs_node_remove(c, at);
    else
        st = merge(&c->children[at], value,
                   (scope){key, inner_route(c, match_kind_of(c), key, route),
                           0}, err);
    cs_node_free(value);
    return st;
}

/*
** Finds path part key in collection c (the path so far is the first
** prefix_len bytes of assignment; c belongs to route): *at is its index in
** a map (-1 when absent and last, a new key), a named list or a route.
** Errors name the part.
*/
static cs_status find_part(const cs_node *c, const char *key, int last,
                           const cs_node *route, const char *assignment,
                           int prefix_len, long *at, cs_error *err)
{
    char where[CS_ERROR_MSG_MAX];
    cs_status st = CS_OK;
    finder f;
    size_t i;

    if (c->kind == CS_NODE_MAP && ((*at = cs_node_find(c, key)) >= 0 || last))
        return CS_OK;
    if (c->kind == CS_NODE_SCALAR ||
        (!is_named_list(c, 1) && !is_route(c) && c->kind == CS_NODE_SEQ)) {
        path_name(where, sizeof where, assignment, prefix_len);
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0,
                            "--set %s: %s is %s, so '%s' cannot select "
                            "anything in it", assignment, where,
                            c->kind == CS_NODE_SEQ
                                ? "a list without element names"
                                : "a scalar", key);
    }
    if (finder_init(&f, c, match_kind_of(c), route, 0) != CS_OK)
        st = cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    else if ((i = finder_get(&f, key)) == CS_STRTAB_NONE)
        st = missing_part(err, assignment, &f, key, prefix_len);
    else
        *at = (long)i;
    finder_fini(&f);
    return st;
}

/* Where a --set path leads: the collection c holding its last part key
** (new memory), at its index there (-1: a new key of a map), and the
** route c belongs to (see inner_route). */
typedef struct spot {
    cs_node *c;
    char *key;
    long at;
    const cs_node *route;
} spot;

/* Walks the path of assignment (which ends at eq) through root: every
** part but the last must exist.  The caller frees w->key, also on an
** error. */
static cs_status walk(cs_node *root, const char *assignment, const char *eq,
                      spot *w, cs_error *err)
{
    const char *part, *end;
    cs_status st;

    memset(w, 0, sizeof *w);
    if ((w->c = root) == NULL)
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0,
                            "--set %s: the document is empty", assignment);
    for (part = assignment;; part = end + 1) {
        const int prefix_len = part == assignment
                                   ? 0 : (int)(part - 1 - assignment);
        for (end = part; end < eq && *end != '.'; end++)
            ;
        free(w->key);
        if ((w->key = cs_str_ndup(part, (size_t)(end - part))) == NULL)
            return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
        st = find_part(w->c, w->key, end == eq, w->route, assignment,
                       prefix_len, &w->at, err);
        if (st != CS_OK || end == eq)
            return st;
        w->route = inner_route(w->c, match_kind_of(w->c), w->key, w->route);
        w->c = w->c->children[w->at];
    }
}

cs_status cs_patch_check(const char *assignment, cs_error *err)
{
    const char *eq = strchr(assignment, '=');
    cs_node *value = NULL;
    char *source = NULL;
    cs_status st = check_assignment(assignment, eq, err);

    if (st == CS_OK)
        st = parse_value(assignment, eq, &value, &source, err);
    cs_node_free(value);
    free(source);
    return st;
}

cs_status cs_patch_locate(const cs_doc *d, const char *assignment,
                          cs_error *err)
{
    const char *eq = strchr(assignment, '=');
    cs_status st = check_assignment(assignment, eq, err);
    spot w = {0};

    assert(d != NULL);
    if (st == CS_OK)
        st = walk(d->root, assignment, eq, &w, err);
    free(w.key);
    return st;
}

cs_status cs_patch_set(cs_doc *d, const char *assignment, cs_error *err)
{
    const char *eq = strchr(assignment, '=');
    cs_status st = check_assignment(assignment, eq, err);
    cs_node *value = NULL;
    spot w = {0};

    assert(d != NULL);
    if (st == CS_OK)
        st = walk(d->root, assignment, eq, &w, err);
    if (st == CS_OK)
        st = set_value(d, assignment, eq, &value, err);
    if (st == CS_OK && w.c->kind == CS_NODE_MAP)
        st = set_in_map(w.c, w.at, w.key, value, w.route, err);
    else if (st == CS_OK)
        st = set_in_list(w.c, (size_t)w.at, w.key, value, w.route, err);
    if (st == CS_ENOMEM)
        st = cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    free(w.key);
    return st;
}
