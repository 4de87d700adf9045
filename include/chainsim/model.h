/*
** model.h - a validated delivery chain: teams, classes of work with their
** routes, promises.  Plain records built by the scenario module (or by
** hand in tests) and read by the engine, runner and report.  Every index
** here is checked when the model is built, so readers need not re-check.
**
** Routes.  A class's steps live in one array, steps[0..nsteps).  The
** top-level route is route[0..nroute), each an index into steps.  A
** parallel step (kind CS_STEP_PARALLEL) owns branches: the indices
** steps[s].branch_first .. branch_first + nbranches - 1, each a single
** team step (kind CS_STEP_WORK).  Rework targets are route positions.
*/
#ifndef CHAINSIM_MODEL_H
#define CHAINSIM_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "chainsim/dist.h"
#include "chainsim/error.h"
#include "chainsim/units.h"

/* Where a value came from in the scenario file (for later messages). */
typedef struct cs_pos {
    int line;     /* 1-based, 0 = unknown */
    int column;   /* 1-based */
} cs_pos;

typedef enum cs_team_type {
    CS_TEAM_STREAM_ALIGNED = 0,
    CS_TEAM_PLATFORM,
    CS_TEAM_ENABLING,
    CS_TEAM_COMPLICATED_SUBSYSTEM
} cs_team_type;

typedef enum cs_discipline {
    CS_DISC_FIFO = 0,
    CS_DISC_PRIORITY,   /* class priority, higher first; ties FIFO */
    CS_DISC_EDD,        /* earliest due date first; no due date last; ties FIFO */
    CS_DISC_PREEMPTIVE  /* priority, and an arrival interrupts lower work
                           (preemptive-resume, SPEC 5.1) */
} cs_discipline;

/*
** Time-varying settings (SPEC 4.1-4.3).  A step function is a list of
** (from, value) in increasing `from` order; before the first `from` the
** base value holds (the team's capacity, a factor 1).  With a period
** (`every` > 0) every `from` lies in [0, every) and the function repeats:
** the value at t is the one at fmod(t, every).  Without one it holds from
** its last `from` on.
*/
typedef struct cs_sched_step {
    double from;             /* days */
    int capacity;            /* >= 0 */
    cs_pos pos;
} cs_sched_step;

/* A point of a piecewise-linear productivity curve; constant before the
** first and after the last point. */
typedef struct cs_prod_point {
    double at;               /* days, increasing */
    double factor;           /* (0, 10] */
    cs_pos pos;
} cs_prod_point;

/* A step of a demand profile: a factor >= 0 on the Poisson rate. */
typedef struct cs_profile_step {
    double from;             /* days */
    double factor;           /* >= 0 */
    cs_pos pos;
} cs_profile_step;

typedef struct cs_team {
    char *name;
    cs_team_type type;
    int capacity;            /* >= 1 */
    int wip_limit;           /* 0 = unlimited, else >= 1 */
    cs_discipline discipline;
    int has_handoff;
    cs_dist handoff;         /* when has_handoff */
    double focus;            /* (0, 1], default 1 */
    double cost_per_day;     /* per capacity unit, default 0 */
    cs_sched_step *schedule; /* owned, may be NULL: capacity over time */
    int nschedule;
    double schedule_every;   /* period in days, 0 = not repeating */
    cs_prod_point *productivity; /* owned, may be NULL: speed over time */
    int nproductivity;
    double intake_every;     /* intake cadence (SPEC 5.3), days; 0 = none */
    double intake_offset;    /* the first intake instant, days, >= 0 */
    int has_resume_cost;     /* CS_DISC_PREEMPTIVE only: ... */
    cs_dist resume_cost;     /* ... extra effort of a resume, days */
    int items_per_person;    /* multitasking (SPEC 5.2): 0 = none, else
                                items in work at once per capacity unit */
    double switch_loss;      /* multitasking: [0, 1), default 0 */
    cs_pos pos;
} cs_team;

typedef enum cs_step_kind {
    CS_STEP_WORK = 0,
    CS_STEP_PARALLEL
} cs_step_kind;

/*
** Routing (SPEC 5.4).  A step's team may depend on the item's bounded
** context: ctx_team[c] is the team for context c of the class (team is
** then ctx_team[0]).  A choice step takes one of its options on every
** pass; each option names its team (or a team per context), its effort
** and optionally its own hand-off.
*/
typedef struct cs_option {
    double p;                /* (0, 1]; the options' p add up to 1 */
    int team;                /* index into model teams (ctx_team[0] when
                                mapped) */
    int *ctx_team;           /* owned, may be NULL: [class ncontexts] */
    cs_dist effort;          /* days, before focus */
    int has_handoff;
    cs_dist handoff;         /* replaces the team's, as a step's does */
    cs_pos pos;
} cs_option;

typedef struct cs_step {
    char *id;                /* explicit id, or the team name when unique; may be NULL
                                for a parallel step without an explicit id */
    cs_step_kind kind;
    int team;                /* CS_STEP_WORK: index into model teams */
    cs_dist effort;          /* CS_STEP_WORK: effort in days (before focus) */
    double p;                /* probability the step is needed, (0, 1] */
    int branch_first;        /* CS_STEP_PARALLEL: first branch in steps[] */
    int nbranches;           /* CS_STEP_PARALLEL: >= 1 */
    int joint;               /* CS_STEP_PARALLEL: 1 for a joint step (SPEC
                                5.5, `teams:`): one worker of each branch's
                                team at once for one shared effort (effort
                                here; each branch holds a copy, so loads
                                count it at every team), >= 2 branches, one
                                per team, p 1 */
    int has_rework;          /* top-level steps only */
    double rework_p;         /* [0, 1) */
    int rework_to;           /* route position, <= this step's position */
    double rework_factor;    /* > 0, default 1 */
    int has_handoff;         /* CS_STEP_WORK: the step's own hand-off ... */
    cs_dist handoff;         /* ... replaces its team's (SPEC 5.4) */
    int *ctx_team;           /* CS_STEP_WORK: owned, may be NULL: the team
                                per context (team is then ctx_team[0]) */
    cs_option *options;      /* CS_STEP_WORK, top-level only: owned, may be
                                NULL: a choice step; team is then the first
                                option's, effort and handoff are unused */
    int noptions;
    int has_escapes;         /* CS_STEP_WORK: defects found after delivery
                                (SPEC 5.6); at most 64 such steps a class */
    double escape_p;         /* (0, 1] */
    cs_dist escape_after;    /* delay from done to the new item's arrival */
    int escape_work;         /* class index of the new item */
    cs_pos pos;
} cs_step;

/* Items already inside the chain at day 0 (today's board, SPEC 4.4). */
typedef struct cs_start {
    int at;                  /* top-level route position of the step */
    int count;               /* >= 1 */
    double age;              /* days since arrival, >= 0: arrived at -age */
    cs_pos pos;
} cs_start;

typedef enum cs_arrival_kind {
    CS_ARRIVE_NONE = 0,      /* backlog only */
    CS_ARRIVE_RATE,          /* Poisson */
    CS_ARRIVE_INTERVAL       /* renewal */
} cs_arrival_kind;

typedef struct cs_class {
    char *name;
    int priority;
    int has_due;
    double due;              /* days after arrival */
    cs_arrival_kind arrival;
    double rate;             /* per day, CS_ARRIVE_RATE */
    cs_dist interval;        /* CS_ARRIVE_INTERVAL */
    int batch;               /* items per arrival event, >= 1 */
    int backlog;             /* items at time 0, >= 0 */
    double cost_of_delay;    /* money per day an item spends in the chain,
                                backlog included; >= 0, default 0 */
    int wip_limit;           /* items of the class inside the chain at
                                once (SPEC 5.8), the backlog excluded;
                                0 = unlimited */
    int has_patience;        /* items give up waiting (SPEC 5.7) ... */
    cs_dist patience;        /* ... after this long since arrival, days */
    cs_profile_step *profile;/* owned, may be NULL: CS_ARRIVE_RATE only */
    int nprofile;
    double profile_every;    /* period in days, 0 = not repeating */
    cs_start *start;         /* owned, may be NULL */
    int nstart;
    char **contexts;         /* owned, may be NULL: bounded contexts */
    double *context_share;   /* owned: [ncontexts], each > 0, adding to 1 */
    int ncontexts;           /* 0 = none */
    cs_step *steps;          /* owned */
    int nsteps;
    int *route;              /* owned; top-level step indices */
    int nroute;
    cs_pos pos;
} cs_class;

typedef enum cs_promise_kind {
    CS_PROMISE_LEAD_TIME = 0,
    CS_PROMISE_THROUGHPUT,
    CS_PROMISE_DONE_BY       /* initial items all done by a day */
} cs_promise_kind;

/* cs_promise.work for a promise on a list of classes (works). */
#define CS_PROMISE_WORK_LIST (-2)

/* The most teams a joint step may list. */
#define CS_JOINT_MAX 16

typedef struct cs_promise {
    char *name;
    cs_promise_kind kind;
    int work;                /* class index, -1 for all classes, or
                                CS_PROMISE_WORK_LIST */
    int *works;              /* owned, CS_PROMISE_WORK_LIST only (else
                                NULL): the classes pooled, distinct, in
                                the order given */
    int nworks;              /* >= 1 with a list */
    double within;           /* LEAD_TIME: days */
    double target;           /* LEAD_TIME: percentile / 100; THROUGHPUT: count */
    double per;              /* THROUGHPUT: period in days (target items per period) */
    double done_by;          /* DONE_BY: day; target is the percentile / 100 */
    int at_team;             /* LEAD_TIME: 1 when the promise measures
                                the visits to one team (SPEC 5.8) ... */
    int team;                /* ... this one */
    cs_pos pos;
} cs_promise;

/*
** What a run does when WIP limits deadlock the chain: a set of full teams
** whose every item is finished and waits for room in a team of the set.
*/
typedef enum cs_deadlock {
    CS_DEADLOCK_BREAK = 0,   /* admit the stuck item that has waited longest
                                above its target's WIP limit, and go on */
    CS_DEADLOCK_STOP         /* end the replication with an error */
} cs_deadlock;

typedef struct cs_model {
    char *name;
    char *description;       /* may be NULL */
    char *variant;           /* "baseline" or the variant's name */
    char *hypothesis;        /* may be NULL */
    cs_units units;
    double horizon;          /* days, > 0 */
    double warmup;           /* days, >= 0, < horizon (ignored when warmup_auto) */
    int warmup_auto;
    unsigned replications;   /* >= 1 */
    uint64_t seed;
    cs_deadlock deadlock;    /* default CS_DEADLOCK_BREAK */
    double timeline;         /* period of the timeline in days, 0 = none */
    int wip_limit;           /* CONWIP: items inside the chain at once,
                                the backlog excluded; 0 = unlimited */
    cs_team *teams;
    int nteams;
    cs_class *classes;
    int nclasses;
    cs_promise *promises;
    int npromises;
} cs_model;

/* An empty model with SPEC defaults (horizon 260, 100 replications, seed
** 1, default units); NULL if out of memory.  Caller frees. */
cs_model *cs_model_new(void);

/* Frees m and everything it owns; NULL is allowed. */
void cs_model_free(cs_model *m);

/*
** Frees what only a simulation needs (routes, steps, distributions, the
** description) and keeps the names, the teams' settings, the classes'
** scalars and the promises: what the results of a finished run are read
** with.  A stripped model cannot be simulated; cs_model_free frees it.
** NULL allowed.  Cannot fail.
*/
void cs_model_strip(cs_model *m);

/* 1 when promise pa of a and promise pb of b say the same thing (kind,
** target, within, period or done_by, and the same classes by name in
** any order, a list of one class being that class, or both all work),
** whatever their names; else 0.  Cannot fail. */
int cs_model_promise_same(const cs_model *a, int pa, const cs_model *b,
                          int pb);

/* 1 when promise p covers class c: p is on all work, on c, or on a list
** that holds c.  Cannot fail. */
int cs_model_promise_covers(const cs_promise *p, int c);

/* Index of the team / class named name, or -1. */
int cs_model_team_index(const cs_model *m, const char *name);
int cs_model_class_index(const cs_model *m, const char *name);

/* The workers a team can keep busy at once: min(capacity, wip_limit)
** (a WIP limit below the capacity leaves workers idle).  Cannot fail. */
int cs_model_effective_capacity(const cs_team *t);

/*
** Offered load of each team: sum over classes of arrival rate x expected
** visits x mean effort / focus / effective capacity (ignoring backlog and
** start items; rate and capacity as time averages over [0, horizon] of
** the profile and the schedule, productivity taken as 1).  util must
** hold nteams doubles.  Expected visits account for p, parallel branches
** and rework loops (geometric).  Cannot fail.
*/
void cs_model_offered_load(const cs_model *m, double *util);

/* Offered loads from this up are shown as "more than" it, not in full. */
#define CS_MODEL_LOAD_SHOWN_MAX 1e6

/*
** Expected work steps an item of class c starts (parallel branches
** counted each, step p and rework loops included, as for the offered
** load).  Cannot fail.
*/
double cs_model_class_visits(const cs_model *m, int c);

/*
** The product over the rework loops that repeat top-level route position
** j of class k of 1 + (passes - 1) f^power, passes = 1 / (1 - rework p x
** step p) and f the loop's effort factor: power 0 gives the expected
** passes through j per item, 1 the expected work in first-pass efforts
** (as the offered load counts it), 2 the factor of an effort's second
** moment.  Cannot fail.
*/
double cs_model_route_work(const cs_class *k, int j, double power);

/*
** Expected items of class c in one replication: arrivals over the horizon
** plus the backlog.  Cannot fail.
*/
double cs_model_class_items(const cs_model *m, int c);

/*
** Expected step visits (work starts) of class c in one replication:
** cs_model_class_items times cs_model_class_visits.  What a run costs;
** the scenario's size check and the study's long-run warning use it.
** Cannot fail.
*/
double cs_model_run_visits(const cs_model *m, int c);

/*
** Routing and failure demand (SPEC 5.4, 5.6).  The breakdown of a class
** is kept per slot: slot s < nsteps is step s at its one team; a step
** whose team varies (a choice, a context mapping) has further slots, one
** per alternative, after the steps.  cs_model_brk_slots: the class's
** slots; cs_model_step_alts: step s's alternatives (1 for a plain step),
** option-major: alternative a = option * nctx + context, nctx being the
** class's ncontexts when some team of the step is mapped, else 1;
** cs_model_alt_team: its team; cs_model_alt_slot: its slot (s itself for
** a plain step).  Cannot fail.
*/
int cs_model_brk_slots(const cs_class *k);
int cs_model_step_alts(const cs_class *k, int s);
int cs_model_step_nctx(const cs_class *k, int s);
int cs_model_alt_team(const cs_class *k, int s, int a);
int cs_model_alt_slot(const cs_class *k, int s, int a);
/* The team of slot q of class k (-1 for a parallel step's own slot). */
int cs_model_slot_team(const cs_class *k, int q);

/* Probability of alternative a of step s (option p times context share). */
double cs_model_alt_p(const cs_class *k, int s, int a);

/* 1 when class c is the target of some step's escapes (failure demand);
** 1 when some step of m has escapes.  Cannot fail. */
int cs_model_is_escape_target(const cs_model *m, int c);
int cs_model_has_escapes(const cs_model *m);

/* 1 when team t works in some joint step (SPEC 5.5); 1 when some step of
** m is a joint step.  Cannot fail. */
int cs_model_team_joint(const cs_model *m, int t);
int cs_model_has_joint(const cs_model *m);

/* 1 when some class of m has bounded contexts.  Cannot fail. */
int cs_model_has_contexts(const cs_model *m);

/*
** Arrival rates with escapes: rate[c] = cs_model_class_rate plus the
** escapes that reach class c from every class (their rate x the chance
** the step is passed x escape p), solved through chains of escapes.
** rate holds nclasses doubles.  Returns the spectral growth factor of
** escapes feeding back on themselves (< 1: finite rates; >= 1: the
** rates are infinite and set to INFINITY where fed).  Cannot fail.
*/
double cs_model_class_rates(const cs_model *m, double *rate);

/* Cost per day: sum over teams of cost_per_day x the time average of
** the scheduled capacity over [0, horizon]. */
double cs_model_cost_per_day(const cs_model *m);

/* 1 when some class has a cost_of_delay > 0 (the results gain a cost
** of delay).  Cannot fail. */
int cs_model_has_delay_cost(const cs_model *m);

/* 1 when some class has a patience (the results gain abandonments). */
int cs_model_has_patience(const cs_model *m);

/* 1 when every class with a step at team t has a patience: its queue
** stays bounded whatever the load (items give up), so an offered load
** >= 1 is not warned about.  Cannot fail. */
int cs_model_team_patient(const cs_model *m, int t);

/* 1 when the chain or some class has a wip_limit (CONWIP).  Cannot
** fail. */
int cs_model_has_conwip(const cs_model *m);

/* Team t's scheduled capacity at day x (its capacity when it has no
** schedule).  Cannot fail. */
int cs_model_capacity_at(const cs_team *t, double x);

/*
** Time average of team t's scheduled capacity over [from, to] (its value
** at from when to <= from); with effective, of min(capacity, wip_limit)
** (cs_model_effective_capacity at every instant).  Cannot fail.
*/
double cs_model_capacity_mean(const cs_team *t, double from, double to,
                              int effective);

/* Class c's demand factor at day x (1 without a profile), and its time
** average over [from, to] (the value at from when to <= from).  Cannot
** fail. */
double cs_model_profile_at(const cs_class *c, double x);
double cs_model_profile_mean(const cs_class *c, double from, double to);

/* Team t's productivity factor at day x (1 without a curve).  Cannot
** fail. */
double cs_model_productivity_at(const cs_team *t, double x);

/* Initial items of class c: its backlog plus its start items. */
long cs_model_class_initial(const cs_class *c);

/* 1 when some class has initial items (the results gain completion). */
int cs_model_has_initial(const cs_model *m);

/*
** 1 when the chain changes once over time rather than periodically: some
** team has a schedule without a period or a productivity curve whose
** factor is not constant, or some class a profile without a period.
** Cannot fail.
*/
int cs_model_changes_once(const cs_model *m);

/* The longest period of a repeating schedule or profile of m; 0 when
** nothing repeats.  Cannot fail. */
double cs_model_period(const cs_model *m);

/* Mean arrival rate of class c in items per day (rate or 1/mean interval,
** times batch, times the profile's mean over [0, horizon]); 0 for
** backlog only. */
double cs_model_class_rate(const cs_model *m, int c);

/* Team type name ("stream-aligned", ...) and discipline name ("fifo", ...). */
const char *cs_model_team_type_name(cs_team_type t);
const char *cs_model_discipline_name(cs_discipline d);

#endif /* CHAINSIM_MODEL_H */
