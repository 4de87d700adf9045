/*
** report_model.h - a model as a person or a script reads it: the
** normalised description "check" prints, and the event log of one
** replication as CSV ("trace").  Knows the model, the scenario's variants
** and the engine's trace events, not YAML.  Writes only to the FILE it
** is given; write errors show in that FILE's error flag.
*/
#ifndef CHAINSIM_REPORT_MODEL_H
#define CHAINSIM_REPORT_MODEL_H

#include <stdint.h>
#include <stdio.h>

#include "chainsim/engine.h"
#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/scenario.h"

/*
** Writes the description of m (borrowed) to f: scenario, variant,
** hypothesis, time units, horizon, warm-up, replications and seed, each
** team with its offered load, each class of work with its route, each
** promise, the cost per day.  Cannot fail (a load too large to compute is
** left out).
*/
void cs_report_model_check(FILE *f, const cs_model *m);

/* One line of check's list of variants: "  NAME" or "  NAME: HYPOTHESIS",
** from the variant's model.  Cannot fail. */
void cs_report_model_variant(FILE *f, const cs_model *v);

/*
** What "check" prints for s (borrowed): the baseline's description, then
** "variants (N):" and a line per variant.  Builds each model in turn;
** returns CS_OK or the first build error (after what came before it was
** written).
*/
cs_status cs_report_model_scenario(FILE *f, const cs_scenario *s,
                                   cs_error *err);

/* The trace CSV's header line. */
void cs_report_model_trace_header(FILE *f);

/* What cs_report_model_trace_line writes to and names from (borrowed). */
typedef struct cs_report_model_trace {
    FILE *fp;
    const cs_model *m;
} cs_report_model_trace;

/*
** A cs_trace_fn: writes ev as "time,item,class,team,event" to
** ((cs_report_model_trace *)ctx)->fp, time with 17 significant digits,
** class and team names quoted as CSV needs (team empty when none).
*/
void cs_report_model_trace_line(void *ctx, const cs_trace_event *ev);

/*
** Simulates replication rep (0-based) of m with its warm-up (0 for
** "auto") and writes its event log to f, after the header when header is
** 1.  Returns CS_OK, the engine's error (CS_ESIM) or CS_ENOMEM.
*/
cs_status cs_report_model_trace_run(FILE *f, const cs_model *m, uint64_t rep,
                                    int header, cs_error *err);

#endif /* CHAINSIM_REPORT_MODEL_H */
