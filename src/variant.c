/*
** variant.c - the models of a scenario: the baseline and each variant,
** with the --set overrides under them (SPEC 1.3).
**
** A model is built from a clone of the base tree (the scenario's document
** never changes): every override whose path runs through it is applied
** in order, then the variant's patch is merged in (cs_patch_merge keeps
** the patch's positions, so errors point into the patch), then the
** overrides whose paths only the patched tree has (variant_tree).  Each
** override is applied once per model, so n overrides cost n.  The
** `variants` key is read here, never by the model builder.
*/
#include "chainsim/variant.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/doc.h"
#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/node.h"
#include "chainsim/patch.h"
#include "chainsim/reader.h"
#include "chainsim/scenario.h"
#include "chainsim/str.h"
#include "node_int.h"
#include "scenario_int.h"

/* At most this many variants (each is a copy of the whole document). */
#define MAX_VARIANTS 100
/* Each variant is built from a copy of the whole document, more than
** once per command: (variants + 1) x the document's nodes is bounded, so
** a big file with many variants is refused instead of loading for
** minutes (a few seconds at most). */
#define MAX_VARIANT_NODES 4000000.0

static const char *const variant_keys[] = {
    "name", "hypothesis", "patch", NULL
};

/* Notes the variant in a message, so "check" says which one broke. */
static void note_variant(cs_error *err, const char *name)
{
    const size_t used = strlen(err->msg);

    if (err->status != CS_ENOMEM)
        snprintf(err->msg + used, sizeof err->msg - used,
                 " (in variant '%s')", name);
}

static cs_status name_variant(cs_model *m, const cs_variant_def *var,
                              cs_error *err)
{
    free(m->variant);
    m->variant = cs_str_dup(var->name);
    if (var->hypothesis != NULL)
        m->hypothesis = cs_str_dup(var->hypothesis);
    if (m->variant == NULL ||
        (var->hypothesis != NULL && m->hypothesis == NULL))
        return cs_reader_nomem(err);
    return CS_OK;
}

/*
** A document to run --set on: the tree root (taken) inside a cs_doc, so
** the nodes the assignments make borrow strings the doc owns.  The doc
** must outlive any use of those nodes (errors copy their file name).
*/
static cs_status wrap_tree(const cs_scenario *s, cs_node *root, cs_doc **out,
                           cs_error *err)
{
    cs_doc *d = NULL;
    cs_status st = cs_doc_load_string(s->doc->file, "{}", 2, &d, err);

    if (st != CS_OK) {
        cs_node_free(root);
        return st;
    }
    cs_node_free(d->root);
    d->root = root;
    *out = d;
    return CS_OK;
}

/* How an override stands in one model's document (variant_tree). */
enum {
    OV_PENDING = 0,     /* not applied (yet) */
    OV_APPLIED,         /* applied, before the patch or after it */
    OV_LATE             /* its path runs through the base only after a
                           later override: it applies to no model */
};

/*
** Applies, in order, each override i < nover still pending in took whose
** path runs through d (the others stay pending).  Stops at the first
** that fails (a bad value, a name its patch refuses; *stop is its
** number).
*/
static cs_status apply_overrides(const cs_scenario *s, cs_doc *d,
                                 size_t nover, unsigned char *took,
                                 size_t *stop, cs_error *err)
{
    for (size_t i = 0; i < nover; i++) {
        cs_error miss;
        cs_status st;

        if (took[i] != OV_PENDING)
            continue;
        st = cs_patch_locate(d, s->overrides[i], &miss);
        if (st == CS_EINPUT)
            continue;
        if (st == CS_OK)
            st = cs_patch_set(d, s->overrides[i], err);
        else
            *err = miss;
        if (st != CS_OK) {
            *stop = i;
            return st;
        }
        took[i] = OV_APPLIED;
    }
    return CS_OK;
}

/* Marks OV_LATE the overrides still pending whose paths run through d,
** the base with the overrides applied: a later one made their path. */
static cs_status mark_late(const cs_scenario *s, const cs_doc *d,
                           size_t nover, unsigned char *took, cs_error *err)
{
    for (size_t i = 0; i < nover; i++) {
        cs_error miss;
        cs_status st;

        if (took[i] != OV_PENDING)
            continue;
        st = cs_patch_locate(d, s->overrides[i], &miss);
        if (st == CS_OK)
            took[i] = OV_LATE;
        else if (st != CS_EINPUT)
            return cs_reader_nomem(err);
    }
    return CS_OK;
}

/*
** The document of variant v (-1 = baseline) with the first nover
** overrides, in *out (the caller frees it, also on an error; the nodes
** the overrides make borrow its strings).  A clone of the base tree gets,
** in order, each override whose path runs through it (so the overrides
** edit the base, and a variant's patch that sets the same key wins);
** then the variant's patch is merged in; then, in order, each override
** left whose path runs through the patched tree (a team only the variant
** adds) is applied.  The others do not apply to this model: a path
** through a team only other variants add.  took (nover entries) says
** how each override stands.  Stops at the first override that fails
** (*stop is its number, else nover).
*/
static cs_status variant_tree(const cs_scenario *s, long v, size_t nover,
                              cs_doc **out, unsigned char *took,
                              size_t *stop, cs_error *err)
{
    const cs_variant_def *var = v >= 0 ? &s->variants[v] : NULL;
    cs_node *root = cs_node_clone(s->doc->root);
    cs_status st;

    *out = NULL;
    *stop = nover;
    memset(took, OV_PENDING, nover);
    if (root == NULL)
        return cs_reader_nomem(err);
    if ((st = wrap_tree(s, root, out, err)) != CS_OK)
        return st;
    st = apply_overrides(s, *out, nover, took, stop, err);
    if (st != CS_OK || var == NULL || var->patch == NULL)
        return st;
    if ((st = mark_late(s, *out, nover, took, err)) != CS_OK)
        return st;
    /* the patch's names were checked against the base when it loaded
       (with no override); an override may remove first what it removes */
    st = nover > 0 ? cs_patch_merge_over(&(*out)->root, var->patch, err)
                   : cs_patch_merge(&(*out)->root, var->patch, err);
    if (st != CS_OK)
        return st;
    return apply_overrides(s, *out, nover, took, stop, err);
}

/* Builds variant v (-1 = baseline) with the first nover overrides. */
static cs_status build(const cs_scenario *s, long v, size_t nover,
                       cs_model **out, cs_error *err)
{
    const cs_variant_def *var = v >= 0 ? &s->variants[v] : NULL;
    unsigned char *took = malloc(nover + 1);
    cs_doc *d = NULL;
    size_t stop;
    cs_status st = took != NULL
                       ? variant_tree(s, v, nover, &d, took, &stop, err)
                       : cs_reader_nomem(err);

    *out = NULL;
    if (st == CS_OK)
        st = cs_scenario_model_from_node(d->root, s->doc->dir, out, err);
    if (st == CS_OK && var != NULL)
        st = name_variant(*out, var, err);
    if (st != CS_OK && var != NULL)
        note_variant(err, var->name);
    if (st != CS_OK) {
        cs_model_free(*out);
        *out = NULL;
    }
    cs_doc_free(d);
    free(took);
    return st;
}

/* What the readers of the variants list need. */
typedef struct variants_ctx {
    cs_scenario *s;
    cs_error *err;
} variants_ctx;

/* Element i of `variants`, up to its name (which must be new: checked by
** cs_reader_named_list before variant_rest reads the rest). */
static cs_status variant_name(void *ctx, const cs_node *n, size_t i,
                              const char **name)
{
    const variants_ctx *vc = ctx;
    cs_error *err = vc->err;
    const cs_node *c;

    /* Counted even when incomplete, so cs_scenario_free frees it. */
    assert(i == vc->s->nvariants);
    vc->s->nvariants++;
    if (cs_reader_want_map(n, "each variant", err) != CS_OK ||
        cs_reader_check_keys(n, variant_keys, "variant", err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_reader_need_key(n, "name", "variant", err)) == NULL ||
        cs_reader_ident(c, "variant name", 1, err) != CS_OK)
        return CS_EINPUT;
    if (strcmp(c->text, "baseline") == 0)
        return cs_node_error(err, c, CS_EINPUT, "'baseline' is the name of "
                             "the base scenario; choose another variant name");
    *name = c->text;
    return CS_OK;
}

/* The rest of element i: its name copied, the hypothesis, the patch. */
static cs_status variant_rest(void *ctx, const cs_node *n, size_t i,
                              const char **name)
{
    const variants_ctx *vc = ctx;
    cs_variant_def *v = &vc->s->variants[i];
    cs_error *err = vc->err;
    const cs_node *c;

    if ((v->name = cs_str_dup(*name)) == NULL)
        return cs_reader_nomem(err);
    if ((c = cs_node_get(n, "hypothesis")) != NULL && !cs_node_is_null(c) &&
        cs_reader_text(c, "hypothesis", &v->hypothesis, err) != CS_OK)
        return err->status;
    if ((c = cs_node_get(n, "patch")) == NULL || cs_node_is_null(c))
        return CS_OK;
    if (cs_reader_want_map(c, "patch", err) != CS_OK)
        return CS_EINPUT;
    if (cs_node_find(c, "variants") >= 0)
        return cs_node_key_error(err, c, cs_reader_key_index(c, "variants"),
                                 CS_EINPUT, "a variant's patch cannot change "
                                 "'variants'");
    v->patch = c;
    return CS_OK;
}

/* Nodes in a tree (keys not counted); depth is bounded by the loader. */
static double count_nodes(const cs_node *n)
{
    double c = 1.0;

    if (n == NULL)
        return 0.0;
    for (size_t i = 0; i < n->nchildren; i++)
        c += count_nodes(n->children[i]);
    return c;
}

static cs_status read_variants(cs_scenario *s, cs_error *err)
{
    static const cs_reader_list spec = {
        "variant", 0, variant_name, variant_rest
    };
    const cs_node *list = cs_node_get(s->doc->root, "variants");
    variants_ctx vc;
    double nodes;

    if (list == NULL || cs_node_is_null(list))
        return CS_OK;
    if (list->kind != CS_NODE_SEQ)
        return cs_node_error(err, list, CS_EINPUT, "variants must be a list "
                             "of variants, got %s", cs_reader_got_kind(list));
    if (cs_reader_check_length(list, MAX_VARIANTS, "variants", err) != CS_OK)
        return CS_EINPUT;
    nodes = count_nodes(s->doc->root);
    if (((double)list->nchildren + 1) * nodes > MAX_VARIANT_NODES)
        return cs_node_error(err, list, CS_EINPUT, "too many variants for "
                             "the size of the scenario: each of the %zu "
                             "variants is built from a copy of its %.0f "
                             "YAML nodes, at most %.0f nodes in all; use "
                             "fewer variants or a smaller file",
                             list->nchildren, nodes, MAX_VARIANT_NODES);
    s->variants = calloc(list->nchildren + 1, sizeof *s->variants);
    if (s->variants == NULL)
        return cs_reader_nomem(err);
    vc.s = s;
    vc.err = err;
    return cs_reader_named_list(list, &spec, &vc, err);
}

cs_status cs_variant_load(cs_scenario *s, cs_error *err)
{
    cs_status st = read_variants(s, err);

    for (size_t i = 0; i < s->nvariants && st == CS_OK; i++) {
        cs_model *m = NULL;
        st = build(s, (long)i, 0, &m, err);
        cs_model_free(m);
    }
    return st;
}

/* Builds the document of variant v with the first nover overrides,
** notes in seen each override it applied, and frees it. */
static cs_status try_tree(const cs_scenario *s, long v, size_t nover,
                          unsigned char *took, unsigned char *seen,
                          size_t *stop, cs_error *err)
{
    cs_doc *d = NULL;
    const cs_status st = variant_tree(s, v, nover, &d, took, stop, err);

    cs_doc_free(d);
    for (size_t i = 0; i < nover; i++)
        seen[i] |= took[i] == OV_APPLIED;
    return st;
}

/* The first override in [from, to) that no document took, else to. */
static size_t first_unseen(const unsigned char *seen, size_t from, size_t to)
{
    while (from < to && seen[from])
        from++;
    return from;
}

/* Why override i applies to no model: its path's error in the base
** document with the overrides before it. */
static cs_status why_not(const cs_scenario *s, size_t i, cs_error *err)
{
    unsigned char *took = malloc(i + 1);
    cs_doc *d = NULL;
    size_t stop;
    cs_status st = took != NULL
                       ? variant_tree(s, -1, i, &d, took, &stop, err)
                       : cs_reader_nomem(err);

    if (st == CS_OK &&
        (st = cs_patch_locate(d, s->overrides[i], err)) == CS_OK)
        st = cs_error_set(err, CS_EINPUT, NULL, 0, 0, "--set %s: applies "
                          "to no model", s->overrides[i]);
    cs_doc_free(d);
    free(took);
    return st;
}

/*
** The overrides from number n0 on were just added.  Each must apply to
** some model: its path must run through the base document (with the
** overrides before it) or, failing that, through at least one variant's
** patched document (a team only that variant adds).  The base's document
** is built once with all of them, and a variant's only while some new
** override has applied nowhere, every override applied once each time,
** so checking n overrides costs n, not n squared.  The overrides kept
** are those before the first that fails: one that applies nowhere (the
** error of its path in the base), or one whose value the base's document
** (or, for a path only variants have, every variant's) refuses.  The
** values are validated when a model is built, after every override: so
** "promise=null" followed by "promise=[...]" replaces a named list.
*/
static cs_status check_new(cs_scenario *s, size_t n0, cs_error *err)
{
    const size_t n = s->noverrides;
    unsigned char *seen = calloc(n + 1, 1), *took = malloc(n + 1);
    size_t stop = n, vstop = n, first;
    cs_status st = seen != NULL && took != NULL ? CS_OK : CS_ENOMEM;
    cs_error hard, vhard;

    cs_error_clear(&hard);
    cs_error_clear(&vhard);
    if (st == CS_OK &&
        (st = try_tree(s, -1, n, took, seen, &stop, &hard)) == CS_EINPUT)
        st = CS_OK;   /* hard: why override `stop` fails */
    for (size_t v = 0; st == CS_OK && v < s->nvariants &&
                       first_unseen(seen, n0, stop) < stop; v++) {
        size_t at = stop;
        cs_error e;
        if ((st = try_tree(s, (long)v, stop, took, seen, &at, &e))
            == CS_EINPUT && at < vstop) {
            vstop = at;
            vhard = e;
            note_variant(&vhard, s->variants[v].name);
        }
        if (st == CS_EINPUT)
            st = CS_OK;
    }
    if (st == CS_OK && (first = first_unseen(seen, n0, stop)) < stop) {
        stop = first;
        if (vstop == first)
            hard = vhard;
        else
            (void)why_not(s, first, &hard);
    }
    free(seen);
    free(took);
    if (st != CS_OK)
        stop = n0;
    while (s->noverrides > stop)
        free(s->overrides[--s->noverrides]);
    if (st != CS_OK)
        return cs_reader_nomem(err);
    if (err != NULL && stop < n)
        *err = hard;
    return stop < n ? hard.status : CS_OK;
}

/* An override of the list of variants, which the models cannot take. */
static int overrides_variants(const char *assignment)
{
    return strncmp(assignment, "variants", 8) == 0 &&
           (assignment[8] == '.' || assignment[8] == '=');
}

/* The first of the n assignments that cannot be an override whatever the
** document (the list of variants, a malformed path, an empty or invalid
** VALUE), with its error in *bad; n when none. */
static size_t first_malformed(const char *const *assignments, size_t n,
                              cs_error *bad)
{
    for (size_t k = 0; k < n; k++) {
        /* overrides apply to the models built from the base and each
           variant, so the list of variants itself is not theirs to
           change */
        if (overrides_variants(assignments[k])) {
            cs_error_set(bad, CS_EINPUT, NULL, 0, 0, "--set %s: the "
                         "variants are read from the scenario file; choose "
                         "one with --variant, or edit the file",
                         assignments[k]);
            return k;
        }
        if (cs_patch_check(assignments[k], bad) != CS_OK)
            return k;
    }
    return n;
}

cs_status cs_variant_add_overrides(cs_scenario *s,
                                   const char *const *assignments, size_t n,
                                   cs_error *err)
{
    const size_t n0 = s->noverrides;
    char **grown;
    size_t k;
    cs_error bad;
    cs_status st;

    cs_error_clear(err);
    if (n == 0)
        return CS_OK;
    grown = realloc(s->overrides, (n0 + n) * sizeof *s->overrides);
    if (grown == NULL)
        return cs_reader_nomem(err);
    s->overrides = grown;
    k = first_malformed(assignments, n, &bad);
    for (size_t i = 0; i < k; i++) {
        if ((s->overrides[s->noverrides] = cs_str_dup(assignments[i]))
            == NULL) {
            while (s->noverrides > n0)
                free(s->overrides[--s->noverrides]);
            return cs_reader_nomem(err);
        }
        s->noverrides++;
    }
    if (k > 0 && (st = check_new(s, n0, err)) != CS_OK)
        return st;
    if (k == n)
        return CS_OK;
    if (err != NULL)
        *err = bad;
    return bad.status;
}

cs_status cs_variant_add_override(cs_scenario *s, const char *assignment,
                                  cs_error *err)
{
    return cs_variant_add_overrides(s, &assignment, 1, err);
}

size_t cs_variant_count(const cs_scenario *s)
{
    return s->nvariants;
}

const char *cs_variant_name(const cs_scenario *s, size_t i)
{
    return i < s->nvariants ? s->variants[i].name : NULL;
}

long cs_variant_index(const cs_scenario *s, const char *name)
{
    for (size_t i = 0; i < s->nvariants; i++)
        if (strcmp(s->variants[i].name, name) == 0)
            return (long)i;
    return -1;
}

cs_status cs_variant_build(const cs_scenario *s, long variant,
                           cs_model **out, cs_error *err)
{
    cs_error local;

    *out = NULL;
    if (err == NULL)
        err = &local;
    cs_error_clear(err);
    if (variant < -1 || variant >= (long)s->nvariants)
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0, "no variant number "
                            "%ld in %s", variant, s->doc->file);
    return build(s, variant, s->noverrides, out, err);
}

