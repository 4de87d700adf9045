/*
** sensitivity.h - where one more person, a WIP limit one lower or higher,
** no hand-off or more focus matters most ("chainsim sensitivity"): each
** change at each team, one at a time, run with common random numbers
** against the baseline and ranked by what it gains per unit of cost.
**
** A change is a generated override of the baseline's document, as "--set"
** would write it (teams.NAME.capacity=3), so it goes through the same
** merge, validation and model building as a variant; the changes of a
** team, in this order: capacity + 1 (with a schedule, every entry + 1),
** wip_limit - 1 (when above 1) and + 1 (when it has one), its hand-off
** removed (when it has one), focus + 0.1 (when below 1; at most 1).
**
** Gain.  Per replication, the promise gain is the sum over the baseline's
** promises of the change in the level achieved (a share for lead-time and
** done_by promises, the level / target for throughput), paired with the
** baseline's replication of the same number; its mean and interval are
** over the replications (Student t, Bonferroni-adjusted for the number
** of changes).  The lead-time gain is the baseline's mean lead time minus
** the change's (positive: shorter), paired likewise.
**
** Rank.  By promise gain per unit of added cost per day, then lead-time
** gain per unit of it, a gain whose interval spans 0 counting as none
** (the means then break ties, in the same order of keys).  A change that adds no cost (no cost rates, or a
** WIP limit, a hand-off, focus) counts its gains as without bound per
** unit of cost: a free promise gain comes before every costly change, a
** free promise loss after them all, and a free change with no promise
** gain after every costly one that gains promises, then by its lead-time
** gain; two free changes compare by promise gain, then lead-time gain.
** Ties keep the order of generation (team order, then the order above).
*/
#ifndef CHAINSIM_SENSITIVITY_H
#define CHAINSIM_SENSITIVITY_H

#include <stdatomic.h>
#include <stddef.h>

#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/scenario.h"
#include "chainsim/stats.h"
#include "chainsim/summary.h"

typedef enum cs_sens_kind {
    CS_SENS_CAPACITY = 0,    /* capacity + 1 */
    CS_SENS_WIP_DOWN,        /* wip_limit - 1 */
    CS_SENS_WIP_UP,          /* wip_limit + 1 */
    CS_SENS_NO_HANDOFF,      /* the team's hand-off removed */
    CS_SENS_FOCUS            /* focus + 0.1 */
} cs_sens_kind;

/* One change and, once run, its result. */
typedef struct cs_sens_change {
    int team;                /* index into the baseline's teams */
    cs_sens_kind kind;
    double from, to;         /* the setting before and after (hand-off:
                                its mean, then 0) */
    char *assignment;        /* "teams.NAME.capacity=3", owned */
    cs_model *model;         /* owned */
    cs_summary *summary;     /* owned; NULL until run */
    cs_comparison *vs;       /* owned; vs the baseline, NULL until run */
    double added_cost;       /* cost per day over the baseline's */
    cs_ci promise_gain;      /* per replication, paired (see above) */
    cs_ci lead_gain;         /* baseline - change mean lead time, days */
    unsigned rank;           /* 1-based, once ranked */
} cs_sens_change;

typedef struct cs_sensitivity {
    cs_model *base;          /* owned */
    cs_summary *base_summary;/* owned; NULL until run */
    cs_sens_change *changes; /* [nchanges], in the order of generation */
    size_t nchanges;
    size_t nrun;             /* changes run: [0, nrun) have results */
    int partial;             /* interrupted: some not run, or short */
    double level;            /* of the intervals: cs_study_level(nchanges) */
    size_t *order;           /* [nchanges] indices by rank, once ranked
                                (only the ones run) */
} cs_sensitivity;

typedef struct cs_sens_run_opts {
    unsigned threads;        /* 0 = all cores */
    size_t max_bytes;        /* 0 = the runner's default */
    const atomic_int *stop;  /* may be NULL: when set, no new replication
                                or change starts (partial result) */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;      /* progress: after the baseline and each change
                                (done of total runs); may be NULL */
} cs_sens_run_opts;

/* A change's kind in words: "capacity", "wip limit -1", "wip limit +1",
** "no hand-off", "focus".  Cannot fail. */
const char *cs_sensitivity_kind_name(cs_sens_kind k);

/*
** Builds the baseline of s (borrowed; the changes go on copies) and every
** change's model, so every error comes before a simulation.  Errors: the
** baseline's build errors; a change that does not build ("sensitivity:
** teams.a.wip_limit=3: ..."), CS_ENOMEM.  Caller frees *out (also on
** error, when not NULL).
*/
cs_status cs_sensitivity_new(const cs_scenario *s, cs_sensitivity **out,
                             cs_error *err);

/*
** Runs the baseline, then each change with the baseline's warm-up (auto
** resolved once, on the baseline), pairs and ranks them.  Stops early
** when *o->stop is set: the changes run so far are ranked and partial
** set.  Errors: a run's (CS_ESIM, CS_ENOMEM), with the change named.
** Call once.
*/
cs_status cs_sensitivity_run(cs_sensitivity *sv, const cs_sens_run_opts *o,
                             cs_error *err);

/* Ranks the changes run (fills rank and order).  Called by run; for
** tests.  Cannot fail. */
void cs_sensitivity_rank(cs_sensitivity *sv);

/* Frees sv and all it owns; NULL allowed. */
void cs_sensitivity_free(cs_sensitivity *sv);

#endif /* CHAINSIM_SENSITIVITY_H */
