/*
** scenario_int.h - the scenario object, shared by scenario.c (loading,
** copying, freeing) and variant.c (variants, overrides, building models).
** Not part of the library's interface.
**
** Invariants: doc is never changed once loaded (models are built from
** copies of its tree); variants[i].patch points into doc's tree, at the
** `patch` of element i of its `variants` list; variants and overrides
** are counted as they are filled, so cs_scenario_free frees any prefix.
*/
#ifndef CHAINSIM_SCENARIO_INT_H
#define CHAINSIM_SCENARIO_INT_H

#include <stddef.h>

#include "chainsim/doc.h"
#include "chainsim/error.h"
#include "chainsim/node.h"
#include "chainsim/scenario.h"

/* A variant of the scenario (SPEC 1.3). */
typedef struct cs_variant_def {
    char *name;
    char *hypothesis;        /* NULL when none */
    const cs_node *patch;    /* borrowed from the base tree; NULL = none */
} cs_variant_def;

struct cs_scenario {
    cs_doc *doc;
    cs_variant_def *variants;
    size_t nvariants;
    char **overrides;        /* "--set" assignments, in order */
    size_t noverrides;
};

/*
** Reads the `variants` list of s->doc (absent or null: none) into
** s->variants, then builds every variant's model once, so a broken one is
** reported when the scenario loads.  Errors are located in the file (or
** in the patch; a variant's message ends with " (in variant 'NAME')").
** On error s stays valid for cs_scenario_free.
*/
cs_status cs_variant_load(cs_scenario *s, cs_error *err);

#endif /* CHAINSIM_SCENARIO_INT_H */
