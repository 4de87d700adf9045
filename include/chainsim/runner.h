/*
** runner.h - Monte Carlo replications of a model on a pool of threads,
** collected into a store of per-replication rows.
**
** Replications are handed out to threads one at a time; each thread owns
** an engine.  Every replication writes its own row, and the rows of the
** completed ones are kept in replication order, each with its replication
** number, so what the store holds is the same whatever the number of
** threads.  Turning rows into means and intervals is summary.h's job.
*/
#ifndef CHAINSIM_RUNNER_H
#define CHAINSIM_RUNNER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "chainsim/bytes.h"
#include "chainsim/error.h"
#include "chainsim/hist.h"
#include "chainsim/model.h"
#include "chainsim/stats.h"

typedef struct cs_rep cs_rep;   /* engine.h */

/* The lead times of one period of a store's timeline (runner.c). */
typedef struct cs_runner_lts cs_runner_lts;

/* Progress: done of total replications (called from the coordinating
** thread only, never concurrently). */
typedef void (*cs_runner_progress_fn)(void *ctx, unsigned done,
                                      unsigned total);

typedef struct cs_runner_opts {
    unsigned replications;         /* 0 = the model's */
    unsigned first;                /* number of the first replication
                                      (0-based): the run is replications
                                      first, first + 1, ... */
    unsigned threads;              /* 0 = all cores */
    double warmup;                 /* < 0 = the model's (auto resolved) */
    cs_runner_progress_fn progress;   /* may be NULL */
    void *progress_ctx;
    const atomic_int *stop;        /* may be NULL; when set, no new
                                      replication starts (partial result).
                                      Read only by the calling thread (at
                                      least every 0.1 s), which then stops
                                      the engines through a flag of its
                                      own; the workers block asynchronous
                                      signals, so a handler that sets it
                                      runs in the calling thread */
    unsigned planned;              /* replications of m in all, of which
                                      this run is a part (0: this run's);
                                      "auto" runs min(planned, 5) pilots,
                                      so the warm-up does not depend on
                                      how the run is split */
    unsigned kept;                 /* rows of earlier runs of m that the
                                      caller keeps (appended stores):
                                      counted against the memory bound */
    uint64_t max_items;            /* 0 = cs_runner_max_items(m) */
    size_t max_bytes;              /* 0 = cs_runner_default_max_bytes() */
    int per_replication;           /* the store keeps each replication's
                                      lead-time percentiles (rep_q) */
} cs_runner_opts;

/* The per-team fields of a store row, in this order. */
enum {
    CS_RUNNER_TEAM_UTIL,
    CS_RUNNER_TEAM_QLEN,
    CS_RUNNER_TEAM_WAIT,
    CS_RUNNER_TEAM_BLOCKED,
    CS_RUNNER_TEAM_WIP,
    CS_RUNNER_TEAM_BREAKS,   /* items admitted above the WIP limit */
    CS_RUNNER_TEAM_ADMISSION,/* mean wait for room per admission */
    CS_RUNNER_TEAM_CAPACITY, /* time average of the scheduled capacity */
    CS_RUNNER_TEAM_INTERRUPTS,   /* interruptions per work start */
    CS_RUNNER_TEAM_INTERRUPTED,  /* time interrupted per visit finished */
    CS_RUNNER_TEAM_FD,       /* failure demand's share of the busy time */
    CS_RUNNER_TEAM_RESERVED, /* reserved share of the capacity-time */
    CS_RUNNER_TEAM_NFIELDS
};

/* The fields of a timeline period in a store row, in this order. */
enum {
    CS_RUNNER_PERIOD_ARRIVED,   /* items arrived */
    CS_RUNNER_PERIOD_DONE,      /* items done */
    CS_RUNNER_PERIOD_WIP,       /* time-average items in the chain */
    CS_RUNNER_PERIOD_LT_MEAN,   /* mean lead time of the items done (NaN
                                   when none) */
    CS_RUNNER_PERIOD_NFIELDS
};

/* The fields of a team in a timeline period, in this order. */
enum {
    CS_RUNNER_PTEAM_UTIL,
    CS_RUNNER_PTEAM_WIP,
    CS_RUNNER_PTEAM_CAPACITY,
    CS_RUNNER_PTEAM_NFIELDS
};

/*
** What the replications measured: row i (0 <= i < n) is replication
** number rep[i] (0-based); rep[] is strictly ascending.  After an
** interrupt the completed replications need not be the first ones (a
** thread may finish a later one while another is stopped), so rep[] is
** the only way to tell which replication a row is.  Undefined values are
** NaN.  The histograms pool every completed replication (integer counts,
** independent of the order of addition).  Owns its arrays; borrows the
** model, which must outlive it.  Read-only for callers.
*/
typedef struct cs_runner_store {
    const cs_model *model;
    double warmup;                 /* the warm-up used (auto resolved) */
    double warmup_mser;            /* the warm-up when "auto" chose it in
                                      this run (its pilots); else NaN */
    unsigned total;                /* replications asked for */
    size_t n;                      /* replications completed: rows */
    unsigned *rep;                 /* [n] replication numbers */
    double *lt_mean, *lt_p85;      /* [n] mean and 85th percentile lead time */
    double *thru, *wip;            /* [n] items per day, mean WIP */
    double *delay_cost;            /* [n] time-average cost of delay per day */
    double *lt_sum, *work_sum;     /* [n] sums of lead and work times */
    double *cls_mean, *cls_thru;   /* [n * nclasses] */
    uint64_t *cls_n;               /* [n * nclasses] lead times recorded */
    size_t brk_width;              /* cs_runner_brk_width(model) */
    double *brk;                   /* [n * brk_width]: per class in order,
                                      per step, CS_BRK_N sums of the
                                      lead-time breakdown (engine.h) */
    double *team;                  /* [n * nteams * CS_RUNNER_TEAM_NFIELDS] */
    double *prom;                  /* [n * npromises] achieved */
    int per_rep;                   /* 1: rep_q is kept (per_replication) */
    double *rep_q;                 /* [n * (nclasses + 1) * 3] with per_rep:
                                      the replication's p50, p85 and p95
                                      of all lead times, then of each
                                      class (NaN where none); no column
                                      without per_rep */
    uint64_t *lt_n, *visits, *events, *arrived, *done;   /* [n] */
    double *batch_wip;             /* [n * CS_REP_BATCHES] (engine.h) */
    double *lt_third;              /* [n * 2]: mean lead time of the items
                                      done in the first and in the last
                                      third of the window (NaN if none) */
    /* failure demand and bounded contexts (SPEC 5.6, 5.4): fd has a
    ** column only when the model has escapes, the context tables only
    ** when some class has contexts (nctx: the contexts of all classes, in
    ** class order) */
    double *fd;                    /* [n] the variant's failure_demand_share */
    int nctx;
    double *ctx_mean;              /* [n * nctx] NaN where none was done */
    uint64_t *ctx_n;               /* [n * nctx] lead times recorded */
    cs_hist *hist;                 /* all lead times */
    cs_hist **cls_hist;            /* [nclasses + nctx] lead times per
                                      class, then per context */
    /* today's board (SPEC 4.4), only when the model has initial items
    ** (cs_model_has_initial; else these tables have no columns): the day
    ** the last initial item was done, INFINITY when one was not done by
    ** the horizon, NaN for a class without initial items */
    double *completion;            /* [n] all classes */
    double *cls_completion;        /* [n * nclasses] */
    /* abandonment (SPEC 5.7), only when some class has a patience (else
    ** these tables have no columns): abandonments / arrivals in the
    ** window (NaN without arrivals), and the time in work of the items
    ** abandoned in the window per day of it */
    double *aband;                 /* [n] all classes */
    double *cls_aband;             /* [n * nclasses] */
    double *wasted;                /* [n] */
    /* the timeline (SPEC 4.5), only when the model's timeline > 0 (else
    ** nperiods is 0 and these tables have no columns) */
    double period;                 /* days */
    int nperiods;                  /* cs_runner_nperiods(model) */
    double *per;                   /* [n * nperiods * CS_RUNNER_PERIOD_NFIELDS] */
    double *per_team;              /* [n * nperiods * nteams *
                                      CS_RUNNER_PTEAM_NFIELDS], period-major */
    cs_runner_lts *per_lt;         /* [nperiods]: the lead times of the
                                      items done in each period, pooled
                                      (cs_runner_period_count,
                                      cs_runner_period_quantile) */
} cs_runner_store;

/* The level at which a truncation or a drift counts as real (the steady
** state checks of summary.h use it too). */
#define CS_RUNNER_SETTLE_LEVEL 0.999

/* Doubles per row of a store's breakdown: every class's steps x
** CS_BRK_N.  Cannot fail. */
size_t cs_runner_brk_width(const cs_model *m);

/* Periods of m's timeline: ceil(horizon / timeline), at least 1; 0
** without a timeline.  Cannot fail. */
int cs_runner_nperiods(const cs_model *m);

/* Frees the store and what it owns.  NULL allowed. */
void cs_runner_store_free(cs_runner_store *s);

/*
** An empty store for up to n replications of m (borrowed), with m's
** warm-up (not "auto" resolved), for cs_runner_store_add; NULL if out of
** memory.  cs_runner_run makes its own; this pair is for building stores
** by hand (tests) and gives the rows cs_runner_run would.
*/
cs_runner_store *cs_runner_store_new(const cs_model *m, size_t n);

/*
** Adds what replication number rep measured (r, from cs_engine_rep_new on
** s's model; borrowed) as the next row of s, which must come from
** cs_runner_store_new with room left, rep above the last row's; its
** histograms and timeline lead times go into s's.  0, or -1 when out of
** memory (then no row is added).
*/
int cs_runner_store_add(cs_runner_store *s, unsigned rep, const cs_rep *r);

/* The lead times pooled in period k (< s->nperiods) of s's timeline.
** Cannot fail. */
uint64_t cs_runner_period_count(const cs_runner_store *s, int k);

/*
** Their q-quantile (q in [0, 1]) as cs_hist_quantile gives it, whether the
** store holds them as a histogram or, while few, as a list (then added to
** scratch, a histogram of the caller's, first emptied); NaN when there are
** none.  Cannot fail.
*/
double cs_runner_period_quantile(const cs_runner_store *s, int k, double q,
                                 cs_hist *scratch);

/*
** Appends the rows of src (borrowed) to dst, whose replications must all
** come before src's (a later run of the same model, same warm-up), and
** adds src's histograms and total to dst's.  Returns 0, or -1 when out of
** memory (dst then unchanged but for capacity).
*/
int cs_runner_store_append(cs_runner_store *dst, const cs_runner_store *src);

/*
** A store as bytes, for part files (docs/output.md): the replications
** asked for, the warm-ups, each table's element size, width and rows,
** the histograms (their used range of buckets, runs of empty ones as
** their length) and the timeline's lead times,
** little-endian.  Appends to b; no effect once b->oom is set.
*/
void cs_runner_store_pack(const cs_runner_store *s, cs_bytes *b);

/*
** A store of m (borrowed; it must outlive *out) from the bytes at r, as
** cs_runner_store_pack wrote them for a model of the same shape.  Every
** value is checked before it is used, so no input makes it read out of
** bounds or allocate more than the input could hold.  Returns CS_OK;
** CS_EINPUT (unlocated) when the bytes are not such a store, the message
** saying what is wrong ("a table of 7 columns where the model has 9",
** "replication numbers not ascending", "truncated"); CS_ENOMEM.  *out is
** NULL on error.  Caller frees with cs_runner_store_free.
*/
cs_status cs_runner_store_unpack(const cs_model *m, cs_bytes_reader *r,
                                 cs_runner_store **out, cs_error *err);

/*
** Most items in the chain at once in one replication: an unstable chain
** ends with CS_ESIM there instead of filling memory.  CS_RUNNER_MAX_ITEMS
** plus the backlogs of every class (which the scenario bounds to
** 1,000,000); an item costs about 250 bytes, so a worker thread stays
** under about 250 MB (500 MB with the largest backlog).  Cannot fail.
*/
#define CS_RUNNER_MAX_ITEMS 1000000u
uint64_t cs_runner_max_items(const cs_model *m);

/*
** The memory a run may hold, in bytes, when opts->max_bytes is 0: a
** quarter of the machine's physical memory, at least 256 MiB (4 GiB when
** it cannot be read).  A run counts against it its statistics (the rows
** of every replication and the histograms, known before it starts) and,
** per worker thread, an equal share of the rest for the items, queues
** and events of its replications (cs_engine_set_max_bytes).  Cannot fail.
*/
size_t cs_runner_default_max_bytes(void);

/* What the bound leaves to the program itself (code, libraries, the
** scenario and its models): 8 MiB. */
#define CS_RUNNER_PROGRAM_BYTES ((size_t)8 << 20)

/* The bytes of the statistics of n replications of m on nthreads
** threads (what a run holds whatever its chain does; the timeline's lead
** times from the expected items, at most a histogram per period).  Cannot
** fail. */
size_t cs_runner_stats_bytes(const cs_model *m, size_t n, unsigned nthreads);

/*
** Runs the replications of m (borrowed; it must outlive *out) and stores
** what each completed one measured in *out (caller frees with
** cs_runner_store_free).  An interrupt through opts->stop is not an
** error: *out then holds fewer than total rows.  Returns CS_OK, or the
** lowest failed replication's error (CS_ESIM, CS_ENOMEM), with err naming
** the replication; *out is then NULL.
*/
cs_status cs_runner_run(const cs_model *m, const cs_runner_opts *opts,
                        cs_runner_store **out, cs_error *err);

/*
** The warm-up for "auto": MSER-5 on the batch WIP of pilot replications
** (the first `pilots`, run from day 0 without a warm-up), at most half the
** horizon.  Used by cs_runner_run; exposed for tests.
** Returns CS_OK, or a pilot's error (CS_ESIM, CS_ENOMEM).
*/
cs_status cs_runner_warmup_auto(const cs_model *m, unsigned pilots,
                                double *warmup, cs_error *err);

/* Number of online processors (at least 1).  Cannot fail. */
unsigned cs_runner_cpu_count(void);

#endif /* CHAINSIM_RUNNER_H */
