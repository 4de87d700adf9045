/*
** engine.h - one replication of a delivery chain on the event kernel.
**
** The engine owns a cs_sim, its random streams, item pools and the
** per-replication statistics; it borrows the model, which must outlive
** it.  One engine serves many replications one after the other (a thread
** keeps one); nothing is shared between engines, so engines on different
** threads need no locks.
**
** Flow rules are SPEC 1.0 and docs/model.md.  Random numbers follow SPEC
** 1.4: every source has its own GSL stream (taus2) seeded from (seed,
** replication, the source's names), so a variant that changes one team
** leaves every other source's draws unchanged.  Stream keys:
**   ("arrivals", class)                      gaps of Poisson/renewal arrivals
**                                            (a demand profile maps them
**                                            onto its rate by inversion)
**   ("start", class)                         the first passes of the
**                                            class's start items, in order
**   ("patience", class)                      the patience of every item of
**                                            the class, in the order items
**                                            enter the chain
**   ("effort" | "p" | "rework" | "handoff", class, step id)
** where the step id is the model's id, else "#POS" for a top-level step
** and "#POS.BRANCH" for a branch (0-based).  An item's first pass draws
** every step's p, rework, effort and hand-off (a hand-off only when the
** step or its team has one; p only when p < 1; rework only when the step has
** rework) at its arrival, in arrival order, used or not; later passes
** (rework) draw afresh when they happen, from the streams ("effort-again"
** | "p-again" | "rework-again" | "handoff-again", class, step id), which
** exist only in classes with a rework step.  Choices, contexts and
** escapes (SPEC 5.4, 5.6) add ("choice", class, step id), ("effort" |
** "handoff", class, step id, "#N") per option or alternative,
** ("context", class), ("escape" | "escape-after", class, step id) and
** ("escaped", class) for the first passes of items made by escapes (see
** engine.c).
**
** Time averages (utilization, queue length, WIP, blocked share, cost of
** delay) cover the window [warmup, horizon]; so do lead times (arrived >=
** warmup), work starts (queue waits), done_window (done >= warmup) and
** the thirds third_sum/third_n (by the day an item is done).  batch_wip covers
** [0, horizon] in CS_REP_BATCHES equal slices, warm-up included.
**
** Invariants (stated in full in engine.c, checked after every event in
** CS_DEBUG builds): a team's queue is not empty only while all its
** workers are busy; items wait for room at a team only while it is at
** its WIP limit (or above it, after a break); a team's WIP is exactly its
** items in hand-off, queued, in work, or finished and not yet taken
** onward; every part of an item is in exactly one place; the chain's WIP
** is arrivals - done; no deadlock is left while a run goes on.
**
** Deadlocks (SPEC 6.2).  A deadlock is a set of full teams in which every
** item is finished and waits for room in a team of the set, whatever the
** other teams do.  The engine finds each one in the event that completes
** it, by following the waits from the team where an item got stuck (no
** cost without WIP limits, a few steps per blocked item with them).  The
** model's `deadlock` setting decides: CS_DEADLOCK_STOP ends the run with
** CS_ESIM; CS_DEADLOCK_BREAK admits the part that has waited longest on
** the cycle of waits above its team's WIP limit (counted in that team's
** wip_breaks) and goes on.
*/
#ifndef CHAINSIM_ENGINE_H
#define CHAINSIM_ENGINE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "chainsim/error.h"
#include "chainsim/hist.h"
#include "chainsim/model.h"
#include "chainsim/stats.h"

/* Batches of the horizon over which WIP is averaged for warm-up detection. */
#define CS_REP_BATCHES 100

/*
** Where an item's time goes at a step (the lead-time breakdown): waiting
** for room to enter the step's team (in the backlog, or finished at the
** team before), in its hand-off, waiting for a worker, in work.  For a
** parallel step, the branch that finishes last.  The four parts of every
** step an item visits add up to its lead time.
*/
enum {
    CS_BRK_ADMISSION,
    CS_BRK_HANDOFF,
    CS_BRK_QUEUE,
    CS_BRK_WORK,
    CS_BRK_N
};

typedef struct cs_team_rep {
    double utilization;      /* busy capacity-time / capacity-time, window;
                                capacity-time integrates max(scheduled
                                capacity, items in work), so it is <= 1 */
    double capacity_mean;    /* time average of the scheduled capacity over
                                the window */
    double queue_len_mean;   /* time-average items waiting for a worker */
    double wait_sum;         /* sum of queue waits of work started in window */
    uint64_t wait_n;
    double blocked_fraction; /* share of window with >= 1 finished item blocked */
    double wip_mean;         /* time-average WIP (as the WIP limit counts it) */
    uint64_t wip_breaks;     /* items admitted above the WIP limit to break a
                                deadlock, over the whole run */
    double admission_sum;    /* waits for room of the admissions in window */
    uint64_t admission_n;
    uint64_t interrupts;     /* preemptive team: interruptions in window */
    double interrupted_sum;  /* time interrupted of the visits that
                                finished in window ... */
    uint64_t interrupted_n;  /* ... and those visits (shared work only) */
    double busy_time;        /* busy capacity-time over the window */
    double fd_time;          /* of it, on items of escape-target classes */
    double failure_demand_share; /* fd_time / busy_time (0 when idle) */
    double reserved_fraction;    /* joint work: reserved capacity-time (a
                                worker waiting for the other teams of a
                                joint step) / capacity-time, as utilization;
                                not in busy_time or utilization */
} cs_team_rep;

typedef struct cs_class_rep {
    uint64_t n;              /* lead times recorded (arrived >= warmup, done) */
    double lt_sum;
    cs_hist *hist;           /* lead times, owned */
    uint64_t done_window;    /* items done in the window, any arrival time */
    int nsteps;              /* the class's breakdown slots
                                (cs_model_brk_slots: its steps, branches
                                included, then its routed steps'
                                alternatives) */
    double *brk;             /* [nsteps * CS_BRK_N], owned: the breakdown's
                                sums over the n lead times recorded, by
                                slot and part */
    int ncontexts;           /* the class's bounded contexts (0: none) */
    uint64_t *ctx_n;         /* [ncontexts], owned: lead times recorded,
                                by context, as n */
    double *ctx_sum;         /* [ncontexts], owned */
    cs_hist **ctx_hist;      /* [ncontexts], owned */
    uint64_t initial;        /* initial items (backlog and start) */
    double completion;       /* day the last of them was done (or
                                abandoned); INFINITY when one was still
                                in the chain at the horizon; NaN when the
                                class has none */
    uint64_t arrived_window; /* items arrived in the window (start items
                                counted on day 0); counted only when
                                some class has a patience, else 0 */
    uint64_t abandoned;      /* items abandoned in the window (SPEC 5.7) */
} cs_class_rep;

typedef struct cs_promise_rep {
    uint64_t eligible;       /* LEAD_TIME: arrived in [warmup, horizon -
                                within]; on a team: visits begun at or
                                after the warm-up, finished by the horizon
                                or begun at least `within` before it */
    uint64_t on_time;        /* of those, done (the visit over) within
                                `within`; abandoned items are late */
    double achieved;         /* LEAD_TIME: share (NaN if none eligible);
                                THROUGHPUT: items per `per` days in the window;
                                DONE_BY: 1 when the initial items covered
                                were all done by `done_by`, else 0 (NaN
                                when there are none) */
} cs_promise_rep;

/*
** One period [k P, (k + 1) P) of the timeline (SPEC 4.5), the last one
** ending at the horizon; from day 0, the warm-up included.  An event on a
** boundary belongs to the later period.
*/
typedef struct cs_period_rep {
    uint64_t arrived;        /* items arrived (initial items in period 0) */
    uint64_t done;           /* items done */
    double wip;              /* time-average items in the chain */
    double lt_sum;           /* lead times of the items done */
} cs_period_rep;

typedef struct cs_period_team {
    double utilization;      /* as cs_team_rep, over the period */
    double wip;              /* time-average WIP */
    double capacity;         /* time average of the scheduled capacity */
} cs_period_team;

/* A lead time of an item done, with the timeline period it was done in
** (pooled percentiles per period). */
typedef struct cs_period_lt {
    double lead_time;
    int period;
} cs_period_lt;

/* What one replication measured.  Sized for one model; reused. */
typedef struct cs_rep {
    int nteams, nclasses, npromises;
    double warmup, horizon;
    uint64_t arrived;        /* items arrived over the whole run */
    uint64_t done;           /* items done over the whole run */
    uint64_t visits;         /* work starts (item-visits) over the whole run */
    uint64_t events;         /* kernel events run */
    uint64_t in_system_end;  /* items still in the chain at the horizon */
    uint64_t abandoned;      /* items abandoned over the whole run */
    uint64_t abandoned_window; /* those abandoned in the window ... */
    double wasted;           /* ... and the worker time spent on them */
    uint64_t lt_n;           /* all classes */
    double lt_sum;
    double work_sum;         /* time in work of the same items (flow efficiency) */
    cs_hist *hist;           /* all lead times, owned */
    uint64_t done_window;    /* throughput numerator */
    double wip_mean;         /* time-average items in the chain (backlog included) */
    double delay_cost_mean;  /* time average of the sum over classes of
                                cost_of_delay x the class's items in the
                                chain (backlog included), money per day */
    double batch_wip[CS_REP_BATCHES]; /* time-average WIP per 1/100 of horizon */
    double third_sum[3];     /* lead times of the items done in each third
                                of the window [warmup, horizon], whenever
                                they arrived (steady-state drift check) */
    uint64_t third_n[3];
    double completion;       /* day the last initial item of any class was
                                done (INFINITY: not by the horizon; NaN:
                                no initial items) */
    double failure_demand_share; /* sum of the teams' fd_time / sum of
                                their busy_time (0 when all idle) */
    uint64_t escaped;        /* items made by escapes over the whole run */
    cs_team_rep *teams;      /* [nteams] */
    cs_class_rep *classes;   /* [nclasses] */
    cs_promise_rep *promises;/* [npromises] */
    /* The timeline (model timeline > 0; else nperiods 0, all NULL). */
    double period;           /* days */
    int nperiods;            /* ceil(horizon / period) */
    cs_period_rep *periods;  /* [nperiods] */
    cs_period_team *period_teams; /* [nperiods * nteams], period-major */
    cs_period_lt *period_lt; /* [nperiod_lt]: every item done, in order */
    size_t nperiod_lt, cap_period_lt;
} cs_rep;

cs_rep *cs_engine_rep_new(const cs_model *m);   /* NULL if out of memory */
void cs_engine_rep_free(cs_rep *r);             /* NULL allowed */
void cs_engine_rep_reset(cs_rep *r);            /* zero counts, keep memory */

/*
** One line of the event log (trace).  team and step are -1 when none.
**   arrive            item arrived (team, step -1)
**   enter             admitted to team (WIP counted from now), step = the
**                     step it will work on there
**   queue             joined the team's queue (after any hand-off)
**   start, finish     work on step at team
**   blocked           finished at team, waits for room for step (the next)
**   fork, join        parallel step (team -1)
**   rework            after step at team: back to the rework target
**   break             a deadlock is broken: the part for step is admitted
**                     to team above its WIP limit ("enter" follows)
**   skip              step not needed on this pass (p; team of the step,
**                     -1 for a parallel step whose branches were all skipped)
**   done              item left the chain (team, step -1)
**   interrupt         work on step at team interrupted by a part of
**                     higher priority (preemptive team); back to its queue
**   resume            interrupted work on step at team goes on
**   abandon           item gave up waiting and left the chain undone
**                     (team, step -1)
** ev and its strings are only valid during the call.
*/
typedef struct cs_trace_event {
    double time;
    uint64_t item;           /* serial number in the replication, from 1 */
    int cls;
    int team;
    int step;                /* index into the class's steps, -1 when none */
    const char *event;       /* arrive, enter, queue, start, finish, blocked,
                                fork, join, rework, skip, done, break,
                                interrupt, resume,
                                abandon */
} cs_trace_event;

typedef void (*cs_trace_fn)(void *ctx, const cs_trace_event *ev);

typedef struct cs_engine cs_engine;

/* New engine for m (borrowed); NULL if out of memory.  Caller frees. */
cs_engine *cs_engine_new(const cs_model *m);
void cs_engine_free(cs_engine *e);       /* NULL allowed */

/* Every event of the next runs goes to fn(ctx, ...); NULL turns it off. */
void cs_engine_set_trace(cs_engine *e, cs_trace_fn fn, void *ctx);

/* Ends a run with CS_ESIM when more than max items are in the chain at
** once (an unstable chain).  0 = the default, 2,000,000. */
void cs_engine_set_max_items(cs_engine *e, uint64_t max);

/*
** Ends a run with CS_ESIM ("more than N MB of memory for one replication
** at day D: ... team T is the busiest") before the items, queues and
** events it holds take more than max bytes; they are kept from one
** replication to the next, so the bound holds for every run of e.  0,
** the default: no bound (then only the item count bounds them).
*/
void cs_engine_set_max_bytes(cs_engine *e, size_t max);

/*
** A run looks at *stop every 65,536 events and, when it is set, ends with
** CS_EINTR (its statistics are then meaningless).  NULL turns it off.
*/
void cs_engine_set_stop(cs_engine *e, const atomic_int *stop);

/*
** Runs replication number rep (0-based) of the model from time 0 to the
** model's horizon, collecting statistics over [warmup, horizon] into out
** (reset first; out must come from cs_engine_rep_new on the same model).  warmup
** overrides the model's (the runner resolves "auto"); a negative warmup
** means the model's, one beyond the horizon is the horizon.  Returns
** CS_OK; CS_ESIM for a deadlock under CS_DEADLOCK_STOP ("deadlock at day
** T: WIP limits block teams NAME (WIP/LIMIT), ...: every item there is
** finished and waits for room in one of them") or a runaway chain ("more
** than N items in the chain at day T: ..."); CS_ENOMEM.  On
** an error out holds the statistics up to the stop (not meaningful).
** The same engine, model and rep always give bit-identical results.
*/
cs_status cs_engine_run(cs_engine *e, uint64_t rep, double warmup, cs_rep *out,
                        cs_error *err);

#ifdef CS_DEBUG
/*
** Invariant checks, only in builds with -DCS_DEBUG (make sanitize), where
** the engine also runs them after every event and aborts, naming the
** invariant, when one is broken.  Codes in about the order they are
** checked (the stuck lists are checked with the teams and the items).
*/
typedef enum cs_engine_inv {
    CS_INV_OK = 0,
    CS_INV_SETTLED,      /* no room left unhandled after an event */
    CS_INV_DEADLOCK,     /* a deadlock left in a run that goes on */
    CS_INV_WAITING,      /* nwaiting = sum of the teams' room waiters */
    CS_INV_CHAIN,        /* chain WIP = arrived - done = live items */
    CS_INV_CAPACITY,     /* 0 <= busy <= capacity */
    CS_INV_QUEUE_IDLE,   /* queue not empty => every worker busy */
    CS_INV_ROOM,         /* room waiters => team at its WIP limit */
    CS_INV_TEAM_PARTS,   /* counters >= 0, wip >= busy + queued + blocked */
    CS_INV_CLOCKS,       /* team clocks and time integrals */
    CS_INV_LISTS,        /* queues and waiter lists match their counts */
    CS_INV_ITEM,         /* an item's position, parts, steps and teams */
    CS_INV_FORK,         /* parts left, pending, in work match the parts */
    CS_INV_HOLD,         /* blocked iff a part waits; hold slots */
    CS_INV_TIMES,        /* item times <= now, time in work <= lead time */
    CS_INV_POOL,         /* free list + live items = items carved */
    CS_INV_TEAM_WIP,     /* a team's WIP = the parts and holds there */
    CS_INV_TEAM_COUNTS,  /* busy, queued, waiting, blocked = parts there */
    CS_INV_ACTIVE,       /* active = parts in hand-off, queue or work */
    CS_INV_EVENTS,       /* kernel events = hand-offs + work + arrivals */
    CS_INV_STUCK,        /* stuck lists = units that blocked items hold */
    CS_INV_CONWIP,       /* backlogs and the items inside the chain */
    CS_INV_COUNT
} cs_engine_inv;

/* Checks every invariant of e (borrowed): CS_INV_OK, or the first one
** broken.  Valid before a run, between events and after a run that
** returned CS_OK, CS_EINTR or a deadlock; a run that ran out of memory
** is not checked (CS_INV_OK).  O(items); cannot fail otherwise. */
int cs_engine_check(const cs_engine *e);

/* A static description of invariant inv; NULL when out of range. */
const char *cs_engine_inv_name(int inv);

/* For tests: breaks invariant inv in e's state, runs cs_engine_check,
** restores the state and returns the check's answer (inv when the check
** works); -1 when e's state has nothing to break for inv (e.g. no live
** item, no queue). */
int cs_engine_check_broken(cs_engine *e, int inv);
#endif

#endif /* CHAINSIM_ENGINE_H */
