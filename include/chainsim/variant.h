/*
** variant.h - the models a scenario (scenario.h) derives from its
** document: the baseline, each variant (the document with the variant's
** merge patch, SPEC 1.3) and, under either, the --set overrides.
** scenario.h includes this header, so a caller of the scenario API has it.
**
** Variant numbers: -1 is the baseline, 0 .. cs_variant_count() - 1 the
** variants in file order.
**
** Overrides edit the base document, in order, before a variant's patch is
** merged: an override changes every model, and a variant whose patch
** sets the same key keeps its own value.  An override whose path does not
** run through the base (a team only some variants add) is applied, in
** order, after the patch of each variant whose document it runs through,
** and to no other model.  An override of something a variant removes
** changes nothing in that variant.
*/
#ifndef CHAINSIM_VARIANT_H
#define CHAINSIM_VARIANT_H

#include <stddef.h>

#include "chainsim/error.h"
#include "chainsim/model.h"

typedef struct cs_scenario cs_scenario;

/*
** Adds a "--set PATH=VALUE" override (copied), applied as the header
** comment says to every model built later.  It is checked at once: its
** shape and VALUE (cs_patch_check: an empty VALUE is an error), then its
** path, which must run through the base document (with the earlier
** overrides applied) or, failing that, through at least one variant's
** patched document; otherwise it is dropped and the error of its path in
** the base returned (CS_EINPUT).  A path that does not run through
** existing keys and elements is an error naming the argument; a bad value
** is an error whose file is the argument ("--set teams.a.capacity=0")
** with no line, reported when a model it applies to is built.  The
** variants themselves cannot be overridden (CS_EINPUT).
*/
cs_status cs_variant_add_override(cs_scenario *s, const char *assignment,
                                  cs_error *err);

/*
** As n calls of cs_variant_add_override, in order, stopping at the first
** error (the overrides before it are kept), but each model's document is
** built once for all n: linear in n, where n calls re-apply every earlier
** override each time.  assignments are copied.
*/
cs_status cs_variant_add_overrides(cs_scenario *s,
                                   const char *const *assignments, size_t n,
                                   cs_error *err);

/* Number of variants (besides the baseline).  Cannot fail. */
size_t cs_variant_count(const cs_scenario *s);

/* Name of variant i (borrowed from s), or NULL when i is out of range. */
const char *cs_variant_name(const cs_scenario *s, size_t i);

/* Index of a variant by name, or -1 ("baseline" is not a variant). */
long cs_variant_index(const cs_scenario *s, const char *name);

/*
** Builds the validated model of the baseline (variant = -1) or of variant
** i: the base document with the overrides that run through it, then the
** variant's patch, then the overrides that run only through the patched
** document.
** Caller frees the model.  Errors are located in the file (or in the
** patch, or name the --set argument); a variant's error message ends with
** " (in variant 'NAME')".  model->variant is "baseline" or the variant's
** name, model->hypothesis the variant's (or NULL).  A variant number out
** of range is an unlocated CS_EINPUT.
*/
cs_status cs_variant_build(const cs_scenario *s, long variant,
                           cs_model **out, cs_error *err);

#endif /* CHAINSIM_VARIANT_H */
