/*
** variant.h - the models a scenario (scenario.h) derives from its
** document: the baseline, each variant (the document with the variant's
** merge patch, SPEC 1.3) and, on top of either, the --set overrides.
** scenario.h includes this header, so a caller of the scenario API has it.
**
** Variant numbers: -1 is the baseline, 0 .. cs_variant_count() - 1 the
** variants in file order.
*/
#ifndef CHAINSIM_VARIANT_H
#define CHAINSIM_VARIANT_H

#include <stddef.h>

#include "chainsim/error.h"
#include "chainsim/model.h"

typedef struct cs_scenario cs_scenario;

/*
** Adds a "--set PATH=VALUE" override (copied), applied after any variant
** patch to every model built later, in the order given.  It is checked at
** once: the model it gives must build from the base document or, failing
** that, from at least one variant (a path through a team only a variant
** adds); otherwise it is dropped and the base's error returned
** (CS_EINPUT).  A path that does not run through existing keys and
** elements is an error naming the argument; a bad value is an error whose
** file is the argument ("--set teams.a.capacity=0") with no line.
** Building a model that the override does not fit is then an error too.
** The variants themselves cannot be overridden (CS_EINPUT).
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
** i: the base document, then the variant's patch, then the overrides.
** Caller frees the model.  Errors are located in the file (or in the
** patch, or name the --set argument); a variant's error message ends with
** " (in variant 'NAME')".  model->variant is "baseline" or the variant's
** name, model->hypothesis the variant's (or NULL).  A variant number out
** of range is an unlocated CS_EINPUT.
*/
cs_status cs_variant_build(const cs_scenario *s, long variant,
                           cs_model **out, cs_error *err);

#endif /* CHAINSIM_VARIANT_H */
