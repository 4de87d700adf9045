/*
** scenario.h - a chainsim scenario: the YAML document (doc.h) with its
** variants and overrides, and the validated cs_model built from a
** document.  The models of the baseline and of each variant are built by
** variant.h, which this header includes.  Knows nothing about simulation.
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
#include "chainsim/node.h"
#include "chainsim/variant.h"

/* Most replications a scenario (or --replications) may ask for. */
#define CS_SCENARIO_MAX_REPLICATIONS 1000000L

typedef struct cs_scenario cs_scenario;

/* Loads and fully validates the file at path, the base and every variant
** (so a broken variant is reported by "check").  Caller frees with
** cs_scenario_free; *out is NULL on error. */
cs_status cs_scenario_load(const char *path, cs_scenario **out,
                           cs_error *err);

/* As cs_scenario_load from a NUL-terminated buffer (tests); name is used
** in messages and relative paths resolve against the current directory. */
cs_status cs_scenario_load_string(const char *name, const char *text,
                                  cs_scenario **out, cs_error *err);

/* Frees s, its document, variants and overrides; NULL allowed.  Cannot
** fail. */
void cs_scenario_free(cs_scenario *s);

/*
** A deep copy of s in *out: its document (tree, file name, directory),
** variants and overrides, sharing nothing with s.  Reads nothing from
** disk and parses nothing, so each point of a sweep can start from one
** loaded scenario: clone it, then add that point's overrides
** (cs_variant_add_override).  s is unchanged.  The only error is
** CS_ENOMEM: everything is freed and *out is NULL.  err may be NULL.
** Caller frees with cs_scenario_free.
*/
cs_status cs_scenario_clone(const cs_scenario *s, cs_scenario **out,
                            cs_error *err);

/* The scenario's file name as given (borrowed from s). */
const char *cs_scenario_file(const cs_scenario *s);

/*
** Builds a model straight from a document root (used by variant.c and by
** tests).  dir resolves relative paths (empirical files).  The key
** `variants` is allowed and not read.  model->variant is "baseline".
** Caller frees the model; err may be NULL.
*/
cs_status cs_scenario_model_from_node(const cs_node *root, const char *dir,
                                      cs_model **out, cs_error *err);

#endif /* CHAINSIM_SCENARIO_H */
