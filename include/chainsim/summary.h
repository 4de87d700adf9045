/*
** summary.h - the replications of a model summarised: means with
** confidence intervals, pooled percentiles, promise verdicts, and paired
** comparisons between variants.
**
** A summary is built from a runner store (runner.h) and keeps, besides
** its means, one value per completed replication together with that
** replication's number, so that a comparison pairs the same replication
** of two variants (common random numbers) even when an interrupted run
** completed a different set of replications in each.  Sums are formed in
** replication order, so a summary is bit-identical whatever the number of
** threads.  This header knows neither the runner nor the engine.
*/
#ifndef CHAINSIM_SUMMARY_H
#define CHAINSIM_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/stats.h"

typedef struct cs_runner_store cs_runner_store;   /* runner.h */
typedef struct cs_runner_opts cs_runner_opts;     /* runner.h */

typedef enum cs_verdict {
    CS_VERDICT_UNCERTAIN = 0,
    CS_VERDICT_MET,
    CS_VERDICT_NOT_MET
} cs_verdict;

/*
** Where the time goes at one team: the mean days per item (over the
** items whose lead time is counted) spent waiting for room to enter it
** (in the backlog, or finished at the team before), in its hand-off,
** waiting for a worker, and in work.  Over every team, the four add up
** to the mean lead time.  A mean over replications of each
** replication's mean.
*/
typedef struct cs_breakdown {
    int team;                /* index into the model's teams */
    double admission, handoff, queue, work;
} cs_breakdown;

typedef struct cs_team_summary {
    cs_ci utilization;
    cs_ci queue_wait;        /* mean over replications of the mean wait per visit */
    cs_ci queue_len;
    cs_ci blocked_fraction;
    cs_ci wip;
    cs_ci wip_breaks;        /* items admitted above the WIP limit to break
                                a deadlock, per replication (0 without a
                                limit) */
    cs_ci admission_wait;    /* mean over replications of the mean wait
                                for room per admission */
    cs_ci capacity;          /* time average of the scheduled capacity
                                over the window (its capacity without a
                                schedule) */
    cs_ci interruptions;     /* preemptive team: interruptions per work
                                start, per replication */
    cs_ci interrupted_time;  /* preemptive team: mean time interrupted per
                                visit (of the visits finished) */
    cs_ci failure_demand_share; /* share of the busy capacity-time on items
                                of escape-target classes (SPEC 5.6) */
    cs_ci reserved_fraction; /* joint work (SPEC 5.5): share of the
                                capacity-time reserved, idle, for a joint
                                step waiting for its other teams */
} cs_team_summary;

/* Points of a pooled lead-time distribution: the quantiles at 0%, 1%,
** ..., 100% (the least and the greatest lead time at the ends). */
#define CS_SUMMARY_NCDF 101


/* A bounded context of a class (SPEC 5.4): its items' lead times. */
typedef struct cs_context_summary {
    cs_ci lead_time;         /* over replications of per-replication means */
    double p85;              /* pooled over replications (histogram) */
    uint64_t n;              /* lead times pooled */
} cs_context_summary;

typedef struct cs_class_summary {
    cs_ci lead_time;         /* over replications of per-replication means */
    double p50, p85, p95;    /* pooled over replications (histogram) */
    double cdf[CS_SUMMARY_NCDF];   /* pooled: cdf[i] is the i% quantile
                                      (NaN when no lead time) */
    uint64_t n;              /* lead times pooled */
    cs_ci throughput;        /* items per day */
    cs_ci abandoned;         /* share of the arrivals abandoned (SPEC
                                5.7); 0 without a patience */
    cs_breakdown *breakdown; /* [nbreakdown]: the teams of the class's
                                steps, in the model's team order */
    int nbreakdown;
    cs_context_summary *contexts; /* [ncontexts] in the class's order, NULL
                                     without contexts */
    int ncontexts;
} cs_class_summary;

/*
** A promise's achieved level over the replications.  LEAD_TIME and
** THROUGHPUT: the mean of the per-replication levels with its Student-t
** interval.  DONE_BY: the share of replications in which the initial
** items were all done by the day, with its Wilson score interval
** (cs_stats_ci_wilson), over the replications where the promise covers
** initial items.
*/
typedef struct cs_promise_summary {
    double target;
    cs_ci achieved;
    cs_verdict verdict;
} cs_promise_summary;

/*
** When today's board is done (SPEC 4.4), over the replications: per
** replication, the day the last initial item (backlog and start items)
** was done, a replication that did not finish them by the horizon
** counting as later than any other.  Percentiles are nearest-rank over
** the replications sorted by that day: the q-quantile of n is the k-th
** smallest, k = ceil(q n) (at least 1); NaN when the k-th did not finish.
** The mean is NaN when any did not.  items 0: no initial items, nothing
** else defined.
*/
typedef struct cs_completion {
    long items;              /* initial items of one replication */
    unsigned replications;   /* replications counted */
    double done_share;       /* share of them in which all were done by
                                the horizon */
    double mean;             /* day; NaN when one did not finish */
    double p50, p85, p95;    /* day; NaN as above */
} cs_completion;

/* A team's figures in one period of the timeline: means over the
** replications (utilization over capacity-time as in cs_team_summary). */
typedef struct cs_period_team_summary {
    cs_ci utilization;
    cs_ci wip;
    cs_ci capacity;          /* time average of the scheduled capacity */
} cs_period_team_summary;

/*
** One period [from, to) of the timeline (SPEC 4.5), from day 0 on, the
** warm-up included; the last one ends at the horizon.  Means over the
** replications with their Student-t intervals.  lead_time is the mean of
** the per-replication mean lead times of the items done in the period,
** over the replications where some were (as the whole run's lead time);
** lead_time_p85 is pooled over all of them (NaN when none was done).
*/
typedef struct cs_period_summary {
    double from, to;         /* days */
    cs_ci arrived;           /* items per replication */
    cs_ci done;              /* items per replication */
    cs_ci wip;               /* time average */
    cs_ci lead_time;
    double lead_time_p85;
    uint64_t lt_n;           /* lead times pooled */
    cs_period_team_summary *teams;   /* [nteams], borrowed from the
                                        summary's period_teams */
} cs_period_summary;

/*
** What makes a result less than a steady-state figure, or worth a second
** look (SPEC 6.4, 6.2).  value, lo and hi by kind:
**   LOAD     team offered at least its effective capacity: value = load
**   BREAKS   deadlocks broken at team: value = items admitted above its
**            WIP limit per replication
**   AUTO     warm-up "auto" capped at half the horizon: value = the
**            truncation MSER chose in the pilots (day)
**   SETTLE   MSER on the window's WIP truncates past its middle: value =
**            that day
**   DRIFT    the mean lead time of the items done in the last third of
**            the window differs from the first third's: value = the mean
**            difference (days), [lo, hi] its 99% interval
**   REPLICATIONS  a done_by promise whose Wilson lower bound cannot reach
**            its target even if every replication keeps it (SPEC 4.4):
**            promise = its index, value = the replications the target
**            needs (0: no number can), lo = the bound of all of them,
**            hi = the replications counted
** team is -1 for the kinds about the whole chain.
*/
typedef enum cs_warning_kind {
    CS_WARN_LOAD,
    CS_WARN_BREAKS,
    CS_WARN_AUTO,
    CS_WARN_SETTLE,
    CS_WARN_DRIFT,
    CS_WARN_REPLICATIONS
} cs_warning_kind;

typedef struct cs_warning {
    cs_warning_kind kind;
    int team;
    double value, lo, hi;
    int promise;             /* REPLICATIONS: the promise's index */
} cs_warning;

/* The per-team figures of one replication in cs_summary_reps.team. */
enum {
    CS_SUMMARY_REP_UTIL,         /* utilisation of the effective capacity */
    CS_SUMMARY_REP_QUEUE_WAIT,   /* mean wait per visit */
    CS_SUMMARY_REP_QUEUE_LEN,
    CS_SUMMARY_REP_BLOCKED,      /* share of the window blocked */
    CS_SUMMARY_REP_WIP,
    CS_SUMMARY_REP_ADMISSION,    /* mean wait for room per admission */
    CS_SUMMARY_REP_INTERRUPTS,   /* preemptive: interruptions per start */
    CS_SUMMARY_REP_INTERRUPTED,  /* preemptive: time interrupted per visit */
    CS_SUMMARY_REP_FD,           /* failure demand's share of busy time */
    CS_SUMMARY_REP_RESERVED,     /* joint work: reserved share */
    CS_SUMMARY_REP_NFIELDS
};

/*
** Each replication's figures beyond the rep_ arrays of cs_summary, for
** the per-replication output (--per-replication); row i is replication
** rep_number[i].  NaN where undefined.
*/
typedef struct cs_summary_reps {
    double *q;          /* [replications * (nclasses + 1) * 3]: p50, p85,
                           p95 of all lead times, then of each class */
    uint64_t *lt_n;     /* [replications] lead times counted */
    uint64_t *cls_n;    /* [replications * nclasses] */
    double *cls_thru;   /* [replications * nclasses] items per day */
    double *team;       /* [replications * nteams * CS_SUMMARY_REP_NFIELDS] */
    double *abandoned;  /* [replications] abandoned share, NULL without a
                           patience */
    double *wasted;     /* [replications] wasted work per day, likewise */
    double *fd;         /* [replications] the variant's failure demand
                           share, NULL without escapes */
} cs_summary_reps;

/* The level of the drift check's interval: a chain in steady state
** raises DRIFT about once in 1,000 results. */
#define CS_SUMMARY_DRIFT_LEVEL 0.999

/* The merged result of one model's replications.  Owns its arrays; borrows
** the model, which must outlive it. */
typedef struct cs_summary {
    const cs_model *model;
    unsigned replications;   /* completed */
    int partial;             /* 1 when interrupted before all replications */
    double warmup, horizon;
    cs_ci lead_time;
    double p50, p85, p95;
    double cdf[CS_SUMMARY_NCDF];   /* pooled, all classes (as the class's) */
    uint64_t lt_n;
    cs_class_summary *classes;     /* [nclasses] */
    cs_ci throughput;              /* items per day */
    cs_ci wip;
    double flow_efficiency;        /* ratio of sums over all replications */
    cs_team_summary *teams;        /* [nteams] */
    cs_breakdown *breakdown;       /* [nteams]: all classes, team t at t */
    int bottleneck;                /* team with the highest utilization, -1 if none */
    cs_promise_summary *promises;  /* [npromises] */
    double cost_per_day;           /* the teams' (cs_model_cost_per_day) */
    cs_ci delay_cost;              /* cost of delay per day: the time
                                      average over the window of the sum
                                      over classes of cost_of_delay x the
                                      class's WIP; 0 when no class has a
                                      cost_of_delay */
    cs_ci abandoned;               /* abandonments / arrivals in the
                                      window (SPEC 5.7); 0 when no class
                                      has a patience */
    cs_ci wasted;                  /* time in work of the items abandoned
                                      in the window, per day of it */
    int has_fd;                    /* the model has escapes: */
    cs_ci failure_demand_share;    /* the busy capacity-time of all teams
                                      on escape-target items / all of it */
    uint64_t visits, events, arrived, done;
    /* steady state or not (SPEC 6.4) */
    int transient;                 /* the model starts from initial items
                                      (a backlog, start items) without a
                                      warm-up: its figures answer "from
                                      day 0", so the settle checks do not
                                      apply */
    int settled;                   /* 0 when AUTO, SETTLE or DRIFT */
    double settle_day;             /* MSER's truncation over the window's
                                      WIP (NaN when not checked) */
    double third_first, third_last;/* mean lead time of the items done in
                                      the first and last third (NaN) */
    cs_ci drift;                   /* last - first, paired per replication,
                                      at CS_SUMMARY_DRIFT_LEVEL */
    cs_warning *warnings;          /* [nwarnings], in the order of the
                                      kinds, then of the teams or
                                      promises */
    int nwarnings;
    /* today's board (SPEC 4.4): completion.items is 0 and cls_completion
    ** NULL when the model has no initial items */
    cs_completion completion;      /* all classes */
    cs_completion *cls_completion; /* [nclasses]; items 0 for a class
                                      without initial items */
    /* the timeline (SPEC 4.5): nperiods 0 and NULL without one */
    double period;                 /* days */
    int nperiods;
    cs_period_summary *periods;    /* [nperiods] */
    cs_period_team_summary *period_teams;  /* [nperiods * nteams] */
    /* per replication, for paired comparisons (NaN where undefined):
    ** value i belongs to replication number rep_number[i] (0-based,
    ** strictly ascending) */
    unsigned *rep_number;          /* [replications] */
    double *rep_lt_mean;           /* [replications] */
    double *rep_lt_p85;
    double *rep_throughput;
    double *rep_wip;
    double *rep_delay_cost;
    double *rep_abandoned;         /* 0 without a patience, as rep_wasted */
    double *rep_wasted;
    double **rep_promise;          /* [npromises][replications] */
    double *rep_cls_mean;          /* [replications * nclasses]: class mean
                                      lead times, NaN where none */
    cs_summary_reps *reps;         /* NULL unless the store kept each
                                      replication's percentiles (the
                                      runner's per_replication) */
} cs_summary;

/*
** Summarises the rows of st (borrowed; the summary borrows st->model, not
** st).  partial is 0: the caller knows whether the run was interrupted.
** Returns the summary (caller frees), or NULL when out of memory.
*/
cs_summary *cs_summary_build(const cs_runner_store *st);

/*
** Runs the replications of m (cs_runner_run) and summarises them into
** *out (caller frees), partial when an interrupt left some out.  Returns
** CS_OK, or the first replication's error (CS_ESIM, CS_ENOMEM), with err
** naming the replication; *out is then NULL.
*/
cs_status cs_summary_run(const cs_model *m, const cs_runner_opts *opts,
                         cs_summary **out, cs_error *err);

void cs_summary_free(cs_summary *s);   /* NULL allowed */

/* Paired differences variant - baseline over common replications. */
typedef struct cs_comparison {
    double level;                  /* confidence level used (Bonferroni) */
    cs_ci lead_time_mean;
    cs_ci lead_time_p85;
    cs_ci throughput;
    cs_ci wip;
    cs_ci delay_cost;              /* cost of delay per day */
    cs_ci abandoned;               /* share abandoned */
    cs_ci wasted;                  /* wasted work per day */
    cs_ci *promise;                /* [npromises], share/throughput difference;
                                      only where the baseline has a promise
                                      of that name and definition (else
                                      NaN) */
    int *promise_changed;          /* [npromises]: 1 where the baseline's
                                      promise of that name says another
                                      thing (cs_model_promise_same) */
    int npromises;
    cs_ci *classes;                /* [nclasses] of the variant: difference
                                      of the class's mean lead time, over
                                      the common replications where both
                                      have one; NaN where the baseline has
                                      no class of that name */
    int nclasses;
} cs_comparison;

/*
** Compares v against base, paired by replication number over the
** replications completed in both (rep_number); level is the confidence
** level (0.95, or Bonferroni-adjusted).  Borrows both.  Returns the
** comparison (caller frees), or NULL if out of memory.
*/
cs_comparison *cs_summary_compare(const cs_summary *base, const cs_summary *v,
                                  double level);

void cs_summary_comparison_free(cs_comparison *c);   /* NULL allowed */

/*
** The text of warning w of s, one line without a newline, into buf
** (truncated to fit len, always terminated when len > 0): e.g. "team
** 'modelling' is offered 104% of its capacity; its queue grows without
** bound".  Returns the length the full text needs (as snprintf).  Cannot
** fail.
*/
int cs_summary_warning_text(const cs_summary *s, const cs_warning *w,
                            char *buf, size_t len);

/* "met", "not met", "uncertain".  Cannot fail. */
const char *cs_summary_verdict_name(cs_verdict v);

#endif /* CHAINSIM_SUMMARY_H */
