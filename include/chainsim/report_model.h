/*
** report_model.h - a model as a person or a script reads it: the
** normalised description "check" prints, and the event log of one
** replication as CSV ("trace").  Knows the model, the scenario's variants
** and the engine's trace events, not YAML.  Writes only to the FILE it
** is given; write errors show in that FILE's error flag.  Also proves
** what a model's structure alone makes certain: a deadlock of a parallel
** step against a WIP limit ("check" refuses it).
*/
#ifndef CHAINSIM_REPORT_MODEL_H
#define CHAINSIM_REPORT_MODEL_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "chainsim/engine.h"
#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/scenario.h"

/*
** Writes the description of m (borrowed) to f: scenario, variant,
** hypothesis, time units, horizon, warm-up, replications and seed, each
** team with its offered load, the theory check
** (cs_report_model_theory), each class of work with its route, each
** promise, the cost per day.  Cannot fail (a load too large to compute is
** left out).
*/
void cs_report_model_check(FILE *f, const cs_model *m);

/*
** Writes the theory check of m (theory.h) to f, each line after indent:
** per team its offered load and approximate queue wait, or why the
** formula does not give one ("overloaded (load 1.20)", "queue wait not
** given: WIP limit"), then the approximate mean lead time over all work
** and per class, or why it is not given.  Nothing when out of memory.
** Cannot fail.
*/
void cs_report_model_theory(FILE *f, const cs_model *m, const char *indent);

/* One line of check's list of variants: "  NAME" or "  NAME: HYPOTHESIS",
** from the variant's model.  Cannot fail. */
void cs_report_model_variant(FILE *f, const cs_model *v);

/* A deadlock that a model's structure makes certain. */
typedef struct cs_report_model_deadlock {
    int cls;           /* the class */
    int step;          /* the parallel step: an index into its steps */
    int team;          /* the team it overfills */
    int nbranches;     /* its branches to team needed on every pass
                          (more than the team's wip_limit) */
} cs_report_model_deadlock;

/*
** Looks for a deadlock that m's structure makes certain, whatever the
** random draws: a parallel step whose branches needed on every pass (p =
** 1) send more parts to one team than that team's wip_limit.  Every part
** of an item counts in its team until the item moves on after the join,
** so the parts admitted fill the team and the others wait for room only
** their own item would free.  Returns 1 and fills *d with the first such
** step (classes in order, then route order), or 0.  Cannot fail.
*/
int cs_report_model_find_deadlock(const cs_model *m,
                                  cs_report_model_deadlock *d);

/*
** Fills err with d's error (CS_EINPUT): at the parallel step's position in
** file (at the team's when the step has none, as one made by --set;
** unlocated when neither has), naming the branches, the team, its
** wip_limit and the fix, with " (in variant 'NAME')" for a variant's
** model.  Returns CS_EINPUT.
*/
cs_status cs_report_model_deadlock_error(const cs_model *m,
                                         const cs_report_model_deadlock *d,
                                         const char *file, cs_error *err);

/* CS_OK when cs_report_model_find_deadlock finds nothing in m, else its error
** (cs_report_model_deadlock_error, positions in file). */
cs_status cs_report_model_prove(const cs_model *m, const char *file,
                                cs_error *err);

/*
** What "check" prints for s (borrowed): for variant -1 the baseline's
** description, then "variants (N):" and a line per variant; for a variant
** number (0 .. count - 1) that variant's description.  Whichever is
** printed, the models of the baseline and of every variant are built and
** proved free of certain deadlocks (cs_report_model_prove) first, so on
** an error (the first build error or deadlock; CS_ENOMEM) nothing has
** been written to f.
*/
cs_status cs_report_model_scenario(FILE *f, const cs_scenario *s,
                                   long variant, cs_error *err);

/* The trace CSV's header line. */
void cs_report_model_trace_header(FILE *f);

/* What cs_report_model_trace_line writes to and names from (borrowed),
** and how far it got. */
typedef struct cs_report_model_trace {
    FILE *fp;
    const cs_model *m;
    uint64_t max;          /* events written at most; 0: no bound */
    uint64_t n;            /* events written */
    int cut;               /* 1: an event past max came (and was dropped) */
    double cut_time;       /* the time of the first one dropped */
    atomic_int stop;       /* set at the cut or a write error, for the
                              engine's stop flag */
} cs_report_model_trace;

/* Sets t to write to fp with names from m, at most max_events events (0:
** no bound).  Cannot fail. */
void cs_report_model_trace_init(cs_report_model_trace *t, FILE *fp,
                                const cs_model *m, uint64_t max_events);

/*
** A cs_trace_fn: writes ev as "time,item,class,team,event" to
** ((cs_report_model_trace *)ctx)->fp, time with 17 significant digits,
** class and team names quoted as CSV needs (team empty when none).  Past
** the bound it writes nothing and sets the stop flag; a write error sets
** it too.
*/
void cs_report_model_trace_line(void *ctx, const cs_trace_event *ev);

/*
** Simulates replication rep (0-based) of m with its warm-up (0 for
** "auto") and writes its event log to f, after the header when header is
** 1, at most max_events events (0: no bound).  Returns CS_OK; the
** engine's error (CS_ESIM) or CS_ENOMEM, the events up to the stop
** written; CS_ESIM, "the trace stops after N events, at day T ...", when
** there were more events than max_events (the first N written); CS_EIO
** when writing to f failed (the run stops there).
*/
cs_status cs_report_model_trace_run(FILE *f, const cs_model *m, uint64_t rep,
                                    int header, uint64_t max_events,
                                    cs_error *err);

#endif /* CHAINSIM_REPORT_MODEL_H */
