/*
** runner.h - Monte Carlo replications of a model on threads, merged into a
** summary with confidence intervals; paired comparisons between variants.
**
** Replications are handed out to threads one at a time; each thread owns
** an engine; results are merged in replication order, so a summary is
** bit-identical whatever the number of threads.
*/
#ifndef CHAINSIM_RUNNER_H
#define CHAINSIM_RUNNER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "chainsim/engine.h"
#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/stats.h"

typedef enum cs_verdict {
    CS_VERDICT_UNCERTAIN = 0,
    CS_VERDICT_MET,
    CS_VERDICT_NOT_MET
} cs_verdict;

typedef struct cs_team_summary {
    cs_ci utilization;
    cs_ci queue_wait;        /* mean over replications of the mean wait per visit */
    cs_ci queue_len;
    cs_ci blocked_fraction;
    cs_ci wip;
} cs_team_summary;

typedef struct cs_class_summary {
    cs_ci lead_time;         /* over replications of per-replication means */
    double p50, p85, p95;    /* pooled over replications (histogram) */
    uint64_t n;              /* lead times pooled */
    cs_ci throughput;        /* items per day */
} cs_class_summary;

typedef struct cs_promise_summary {
    double target;
    cs_ci achieved;
    cs_verdict verdict;
} cs_promise_summary;

/* The merged result of one model's replications.  Owns its arrays; borrows
** the model, which must outlive it. */
typedef struct cs_summary {
    const cs_model *model;
    unsigned replications;   /* completed */
    int partial;             /* 1 when interrupted before all replications */
    double warmup, horizon;
    cs_ci lead_time;
    double p50, p85, p95;
    uint64_t lt_n;
    cs_class_summary *classes;     /* [nclasses] */
    cs_ci throughput;              /* items per day */
    cs_ci wip;
    double flow_efficiency;        /* ratio of sums over all replications */
    cs_team_summary *teams;        /* [nteams] */
    int bottleneck;                /* team with the highest utilization, -1 if none */
    cs_promise_summary *promises;  /* [npromises] */
    double cost_per_day;
    uint64_t visits, events, arrived, done;
    /* per replication, for paired comparisons (NaN where undefined) */
    double *rep_lt_mean;           /* [replications] */
    double *rep_lt_p85;
    double *rep_throughput;
    double *rep_wip;
    double **rep_promise;          /* [npromises][replications] */
} cs_summary;

void cs_summary_free(cs_summary *s);   /* NULL allowed */

/* Paired differences variant - baseline over common replications. */
typedef struct cs_comparison {
    double level;                  /* confidence level used (Bonferroni) */
    cs_ci lead_time_mean;
    cs_ci lead_time_p85;
    cs_ci throughput;
    cs_ci wip;
    cs_ci *promise;                /* [npromises], share/throughput difference;
                                      only when the promises match by name */
    int npromises;
} cs_comparison;

void cs_comparison_free(cs_comparison *c);   /* NULL allowed */

/* Progress: done of total replications (called from the coordinating
** thread only, never concurrently). */
typedef void (*cs_progress_fn)(void *ctx, unsigned done, unsigned total);

typedef struct cs_run_opts {
    unsigned replications;         /* 0 = the model's */
    unsigned threads;              /* 0 = all cores */
    double warmup;                 /* < 0 = the model's (auto resolved) */
    cs_progress_fn progress;       /* may be NULL */
    void *progress_ctx;
    volatile sig_atomic_t *stop;   /* may be NULL; when set, no new
                                      replication starts (partial result).
                                      Read only by the calling thread (at
                                      least every 0.1 s), which then stops
                                      the engines through a flag of its
                                      own; the workers block asynchronous
                                      signals, so a handler that sets it
                                      runs in the calling thread */
    uint64_t max_items;            /* 0 = cs_run_max_items(m) */
} cs_run_opts;

/*
** Most items in the chain at once in one replication: an unstable chain
** ends with CS_ESIM there instead of filling memory.  CS_RUN_MAX_ITEMS
** plus the backlogs of every class (which the scenario bounds to
** 1,000,000); an item costs about 250 bytes, so a worker thread stays
** under about 250 MB (500 MB with the largest backlog).  Cannot fail.
*/
#define CS_RUN_MAX_ITEMS 1000000u
uint64_t cs_run_max_items(const cs_model *m);

/*
** Runs the replications of m and merges them into *out (caller frees).
** Returns CS_OK, or the first replication's error (CS_ESIM, CS_ENOMEM),
** with err naming the replication.
*/
cs_status cs_run(const cs_model *m, const cs_run_opts *opts, cs_summary **out,
                 cs_error *err);

/*
** The warm-up for "auto": MSER-5 on the batch WIP of pilot replications,
** at most half the horizon.  Used by cs_run; exposed for tests.
*/
cs_status cs_warmup_auto(const cs_model *m, unsigned pilots, double *warmup,
                         cs_error *err);

/* Compares v against base (paired over min(replications)); level is the
** confidence level (0.95, or Bonferroni-adjusted).  NULL if out of memory. */
cs_comparison *cs_compare(const cs_summary *base, const cs_summary *v,
                          double level);

/* Number of online processors (at least 1). */
unsigned cs_cpu_count(void);

#endif /* CHAINSIM_RUNNER_H */
