/*
** variant.c - the models of a scenario: the baseline and each variant,
** with the --set overrides on top (SPEC 1.3).
**
** A model is built from a clone of the base tree (the scenario's document
** never changes), the variant's patch merged in (cs_patch_merge keeps the
** patch's positions, so errors point into the patch), then every override
** applied in order (cs_patch_set).  The `variants` key is read here, never
** by the model builder.
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

/*
** The document of variant v (-1 = baseline) with the first nover
** overrides applied: a clone of the base, the variant's patch merged in,
** then each override, stopping at the first that fails (*applied, when
** not NULL, is how many applied).  *root receives the tree and, when
** overrides were applied, *d the document that owns it (their nodes
** borrow its strings).  The caller frees both.
*/
static cs_status variant_tree(const cs_scenario *s, long v, size_t nover,
                              cs_node **root, cs_doc **d, size_t *applied,
                              cs_error *err)
{
    const cs_variant_def *var = v >= 0 ? &s->variants[v] : NULL;
    cs_status st = CS_OK;
    size_t i = 0;

    *d = NULL;
    if (applied != NULL)
        *applied = 0;
    *root = cs_node_clone(s->doc->root);
    if (*root == NULL)
        return cs_reader_nomem(err);
    if (var != NULL && var->patch != NULL)
        st = cs_patch_merge(root, var->patch, err);
    if (st == CS_OK && nover > 0) {
        st = wrap_tree(s, *root, d, err);
        *root = NULL;
        for (; i < nover && st == CS_OK; i++)
            if ((st = cs_patch_set(*d, s->overrides[i], err)) != CS_OK)
                break;
        if (*d != NULL)
            *root = (*d)->root;
    }
    if (applied != NULL)
        *applied = i;
    return st;
}

/* Builds variant v (-1 = baseline) with the first nover overrides. */
static cs_status build(const cs_scenario *s, long v, size_t nover,
                       cs_model **out, cs_error *err)
{
    const cs_variant_def *var = v >= 0 ? &s->variants[v] : NULL;
    cs_node *root = NULL;
    cs_doc *d = NULL;
    cs_status st = variant_tree(s, v, nover, &root, &d, NULL, err);

    *out = NULL;
    if (st == CS_OK)
        st = cs_scenario_model_from_node(root, s->doc->dir, out, err);
    if (st == CS_OK && var != NULL)
        st = name_variant(*out, var, err);
    if (st != CS_OK && var != NULL)
        note_variant(err, var->name);
    if (st != CS_OK) {
        cs_model_free(*out);
        *out = NULL;
    }
    if (d == NULL)
        cs_node_free(root);
    cs_doc_free(d);
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

/* An override of the list of variants, which the models cannot take. */
static int overrides_variants(const char *assignment)
{
    return strncmp(assignment, "variants", 8) == 0 &&
           (assignment[8] == '.' || assignment[8] == '=');
}

/*
** The overrides from number n0 on were just added: each one's path must
** run through the base document with every earlier override applied;
** failing that (a path through a team or class only a variant adds, say),
** through at least one variant's.  Each tree is built once, all the
** overrides applied in order up to the first that fails, so checking n
** overrides costs n, not n squared: the overrides kept are those before
** the first that no tree takes (whose base error is returned; the base
** fails first there or earlier).  The values are validated when a model
** is built, after every override: so "promise=null" followed by
** "promise=[...]" replaces a named list.
*/
static cs_status check_new(cs_scenario *s, size_t n0, cs_error *err)
{
    size_t best = n0;
    cs_error first;
    cs_status st = CS_EINPUT;

    cs_error_clear(&first);
    for (long v = -1; v < (long)s->nvariants && st == CS_EINPUT; v++) {
        cs_error ignored;
        cs_node *root = NULL;
        cs_doc *d = NULL;
        size_t applied;
        st = variant_tree(s, v, s->noverrides, &root, &d, &applied,
                          v < 0 ? &first : &ignored);
        if (d == NULL)
            cs_node_free(root);
        cs_doc_free(d);
        if (applied > best)
            best = applied;
    }
    if (st == CS_OK)
        return CS_OK;
    if (st != CS_EINPUT)
        best = n0;
    while (s->noverrides > best)
        free(s->overrides[--s->noverrides]);
    if (err != NULL)
        *err = first;
    if (err != NULL && st != CS_EINPUT)
        cs_error_set(err, st, NULL, 0, 0, "out of memory");
    return st;
}

cs_status cs_variant_add_overrides(cs_scenario *s,
                                   const char *const *assignments, size_t n,
                                   cs_error *err)
{
    const size_t n0 = s->noverrides;
    char **grown;
    size_t k = 0;
    cs_status st;

    cs_error_clear(err);
    if (n == 0)
        return CS_OK;
    grown = realloc(s->overrides, (n0 + n) * sizeof *s->overrides);
    if (grown == NULL)
        return cs_reader_nomem(err);
    s->overrides = grown;
    /* overrides apply to the models built from the base and each variant,
       so the list of variants itself is not theirs to change */
    while (k < n && !overrides_variants(assignments[k]))
        k++;
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
    if (k < n)
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0,
                            "--set %s: the variants are read from the "
                            "scenario file; choose one with --variant, or "
                            "edit the file", assignments[k]);
    return CS_OK;
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

