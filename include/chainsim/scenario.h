/*
** scenario.h - a chainsim scenario: the YAML document (doc.h), its
** variants and overrides, and the validated cs_model built from it.
** Knows nothing about simulation.
**
** Every problem is a located CS_EINPUT error at the offending node
** (SPEC 1.5); unknown keys get a "did you mean" hint.
*/
#ifndef CHAINSIM_SCENARIO_H
#define CHAINSIM_SCENARIO_H

#include <stddef.h>

#include "chainsim/doc.h"
#include "chainsim/error.h"
#include "chainsim/model.h"

typedef struct cs_scenario cs_scenario;

/* Loads and fully validates the file at path, the base and every variant
** (so a broken variant is reported by "check").  Caller frees. */
cs_status cs_scenario_load(const char *path, cs_scenario **out,
                           cs_error *err);

/* As cs_scenario_load from a buffer (tests); name is used in messages and
** relative paths resolve against the current directory. */
cs_status cs_scenario_load_string(const char *name, const char *text,
                                  cs_scenario **out, cs_error *err);

void cs_scenario_free(cs_scenario *s);   /* NULL allowed */

/*
** Adds a "--set PATH=VALUE" override, applied after any variant patch to
** every model built later, in the order given.  It is checked at once: the
** model it gives must build from the base document or, failing that, from
** at least one variant (a path through a team only a variant adds);
** otherwise it is dropped and the base's error returned (CS_EINPUT).  A
** path that does not run through existing keys and elements is an error
** naming the argument; a bad value is an error whose file is the argument
** ("--set teams.a.capacity=0") with no line.  Building a model that the
** override does not fit is then an error too.
*/
cs_status cs_scenario_add_override(cs_scenario *s, const char *assignment,
                                   cs_error *err);

/* Number of variants (besides the baseline) and their names. */
size_t cs_scenario_nvariants(const cs_scenario *s);
const char *cs_scenario_variant_name(const cs_scenario *s, size_t i);
/* Index of a variant by name, or -1 ("baseline" is not a variant). */
long cs_scenario_variant_index(const cs_scenario *s, const char *name);

/*
** Builds the validated model of the baseline (variant = -1) or of variant
** i: the base document, then the variant's patch, then the overrides.
** Caller frees the model.  Errors are located in the file (or in the
** patch, or name the --set argument); a variant's error message ends with
** " (in variant 'NAME')".  model->variant is "baseline" or the variant's
** name, model->hypothesis the variant's (or NULL).
*/
cs_status cs_scenario_build(const cs_scenario *s, long variant,
                            cs_model **out, cs_error *err);

/* The scenario's file name as given. */
const char *cs_scenario_file(const cs_scenario *s);

/*
** Builds a model straight from a document root (used by the above and by
** tests).  dir resolves relative paths (empirical files).  The key
** `variants` is allowed and not read.  model->variant is "baseline".
*/
cs_status cs_model_from_node(const cs_node *root, const char *dir,
                             cs_model **out, cs_error *err);

/* BEGIN temporary clone */
/*
** A deep copy of a loaded scenario (document, variants, overrides), so
** overrides added to the copy leave s alone.  Caller frees *out.
** CS_ENOMEM when out of memory (*out stays NULL).
*/
cs_status cs_scenario_clone(const cs_scenario *s, cs_scenario **out,
                            cs_error *err);
/* END temporary clone */

#endif /* CHAINSIM_SCENARIO_H */
