/*
** engine.c - one replication of a delivery chain (SPEC 1.0) on the event
** kernel.
**
** Objects.  An item is one piece of work of one class.  A job is one part
** of an item at one team: on a single step the item has one job, on a
** parallel step one job per needed branch.  Jobs are embedded in their
** item (jobs[0..maxb)), so a move never allocates.  Items come from a
** per-class pool that grows in chunks and is rebuilt (not freed) at the
** start of every replication.
**
** Where a job is (job.state) and what it counts in:
**   WAIT_ROOM  in team U's room-waiter FIFO; counts in no team yet
**   HANDOFF    admitted to U, delay running       U.wip, active
**   QUEUE      waiting for a worker of U           U.wip, U.nq, active
**   WORK       a worker of U is on it              U.wip, U.busy, active
**              (at a team with shared work: in U's run heap, U.nin)
**   FINISHED   done at U, not yet taken onward     U.wip
** An item between steps keeps its finished teams in its hold set until
** every part of its next step has been admitted; then each hold team's
** WIP drops (a part entering a hold team takes the item's slot there over
** at once: "leaves and re-enters").  While some part still waits for
** room, each hold team counts the item as blocked, and what the item
** holds at WIP-limited teams (its hold slots, and parts of its current
** step that finished meanwhile) is listed there as stuck: the deadlock
** search (section "deadlocks") follows those lists.
**
** CONWIP (SPEC 5.8).  With a chain or class wip_limit an arriving item
** may wait in its class's backlog (in_bl: live, parts_left 1, no part,
** pos -1) before it enters; cw_in counts the items inside (start items
** included), per class and in all.  Abandonment (SPEC 5.7): an item of a
** class with a patience has one kernel event at the end of its patience
** (pat_ev); a done item whose event is still pending stays off the free
** list (parts_left 0, a "zombie") until the event frees it.  Expired
** items that begin to wait are listed in aband and abandoned at the end
** of the event (WORK_ABANDON in the worklist), never deep in a move.  A
** promise on a team's visits times each visit from its part's t_enter
** (hold_t once it is a hold slot) to the release of the slot.
**
** Invariants.  They hold after every event handler, not inside one;
** also before a run and after it, unless it ran out of memory or a
** runaway stopped it among the backlogs (before the rooms settled).
** Items are admitted through the worklist e->work, never by recursion.
** A "current part" is jobs[k], k < nparts, of an item not on the free
** list; jobs beyond nparts and those of free items are stale.
**   team U: 0 <= busy <= capacity; nq > 0 => busy == capacity (a queue
**     waits only for busy workers), and with shared work nin >= capacity
**     x per (every multitasking slot taken); with shared work nin == the
**     parts in WORK, busy == min(nin, capacity) with multitasking, nin
**     without; room waiters (nwait > 0) => U is at
**     or above its WIP limit; wip <= wip_limit when limited, unless a
**     deadlock was broken there this run; the worklist and the seeds are
**     empty and no team is flagged in them (rooms are settled);
**   stuck lists: a limited team lists exactly the units of blocked items
**     there (live hold slots, current parts FINISHED while pending > 0),
**     each entry pointing back through the item's spos; unlimited teams
**     list none; no deadlock (see "deadlocks") is left while the run
**     goes on;
**   U.wip == U's live hold slots + U's current parts in HANDOFF, QUEUE,
**     WORK or FINISHED (so wip >= busy + nq + nblocked); busy, nq and
**     nwait equal U's current parts in WORK, QUEUE and WAIT_ROOM; nq
**     and nwait are the lengths of U's queue (FIFO list or binary heap
**     in heap order) and room-waiter list, whose members are current
**     parts at U in that state; nblocked == U's live hold slots;
**   an item: it is in exactly one place per part: 0 <= pos < nroute,
**     1 <= nparts <= maxb, its parts are the needed steps of route[pos]
**     (the step itself, or branches in order) at their steps' teams;
**     fork-join: parts_left == parts not FINISHED (>= 1), pending ==
**     parts in WAIT_ROOM, in_work == parts in WORK; blocked == (pending
**     > 0); a live hold slot => blocked; a part waiting for room at U
**     is not also held at U;
**   items on a class's free list have parts_left == 0 and no patience
**     event, live ones >= 1; free + live + zombies == items carved;
**     items with a patience event == npat_ev; in_chain == live items
**     == arrived - done - abandoned == the chain-WIP average's value;
**   CONWIP: each class's backlog is a list in serial order of its items
**     in_bl, nbl long, waiting only while the chain or the class is at
**     its limit; cw_in == in_chain - nbl, the sum of the classes'; none
**     of it without CONWIP; the abandonment list is empty; in_chain > max_items or
**     (active == 0 and nwaiting > 0) only once the run has failed (a
**     deadlock);
**   active == parts in HANDOFF, QUEUE or WORK; nwaiting == sum nwait;
**     the kernel holds exactly one event per part in HANDOFF, one per
**     part in WORK at a team without shared work, nevs per team with it
**     (its stack: strictly decreasing, the top at or before fin_due,
**     which is finite while a part is in work at a positive rate), plus
**     at most one arrival per class with arrivals, none before now;
**   shared work: the run heap holds the team's parts in WORK in heap
**     order on level, each level >= vt; an interrupted part (nint > 0)
**     is in QUEUE at a preemptive team with its work left >= 0 and a
**     queue seq below QSEQ_BASE; nint == 0 everywhere else;
**   time: each team's clock last is in [warmup, max(now, warmup)] (the
**     horizon after a run), its integrals are >= 0, a_busy <= capacity
**     x (last - warmup), a_blocked <= last - warmup, a_busy + a_queue <=
**     a_wip (<= wip_limit x (last - warmup) when limited), up to
**     rounding; item times are <= now and time in work <= lead time.
** CS_DEBUG builds (make sanitize) check them after every event: all of
** them (O(items)) after each event until a run's full checks have
** visited 262,144 items, then every so often (about four items' worth
** per event), the O(teams) counters after the others; a broken one
** aborts with its name.
** The check does not exist in other builds (assert() is on there, so
** NDEBUG cannot be the switch).
**
** Random numbers (SPEC 1.4).  Every source has its own gsl_rng (taus2),
** re-seeded per replication from (seed, replication, key), key hashed from
** names: ("arrivals", class), ("effort"|"p"|"rework"|"handoff", class,
** step id), the step id being the model's id or "#POS" / "#POS.BRANCH"
** (0-based route position and branch).  Streams exist only for sources
** that draw: p when p < 1, rework when the step has rework, hand-off when
** the step's team has a hand-off distribution; ("resume", class, step
** id) when the step's team is preemptive with a resume cost, drawn at
** each resume in resume order (so how often parts are interrupted
** shifts no other draw).  An item's first pass
** through its route is drawn at arrival, in arrival order, whatever it
** will use, so queue order in a variant cannot shift another item's
** draws.  A class with a patience draws it per item as it enters the
** chain, from ("patience", class), start items and backlog included.
** Later passes (rework) draw afresh when they happen, from
** streams of their own ("effort-again", "p-again", "rework-again",
** "handoff-again"), so they cannot shift first-pass draws either.  Start
** items (today's board) draw their first pass from ("start", class), in
** the order they are placed, so they shift no backlog or arrival draw;
** a demand profile inverts its cumulative rate on the arrivals stream's
** gaps; schedules and productivity curves draw nothing.
**
** Routes and escapes (SPEC 5.4, 5.6).  A work step with a choice, a team
** per context or escapes is X_ROUTED: its alternatives (option x context)
** carry the team, the breakdown slot and the hand-off.  Its extra
** first-pass draws, made at arrival with the others, in slots after the
** steps' own: ("choice", class, step) the choice's uniform (pass 1 too:
** drawn at arrival, so queue order cannot shift it), ("effort", class,
** step, "#O") each option's effort, ("handoff", class, step, "#A") each
** alternative's hand-off (("handoff", class, step) with one alternative),
** ("escape", class, step) and ("escape-after", class, step) the escape's
** decision and delay; the context from ("context", class) after them.
** Repeats draw the choice and the option's effort from the "-again"
** streams.  Items made by escapes draw all of that from ("escaped",
** class); start items from ("start", class).  An escape is an event (one
** per defect found within the horizon, counted in nescapes).
**
** Choices where SPEC is silent.  Passes are counted per top-level route
** position (branches follow their parallel step): pass 1 uses the draws
** made at arrival, a later pass is a repeat, with fresh draws and effort
** x the factor of the most recent rework (never compounded).  Events at
** the same time run in scheduling order.  The deadlock search runs at
** the end of an event that filled a team with stuck units, after the
** rooms that opened have been filled; a break admits one waiting part at
** a time (the "break" trace event, then "enter"), the longest waiting on
** a cycle of waits, ties to the earlier item, and the search runs again.
** A stopped run names every full team whose items all wait inside the
** deadlock, those that wait for it from outside the cycle included.  A
** runaway names the team with the highest offered load
** (cs_model_offered_load).  Time averages of a team share one clock
** (team_clock) rather than four cs_tavg.  Shared work (preemptive or
** multitasking teams, section "shared work"): a part's work is
** integrated on the team's clock vt, so interruptions and changes of
** rate need no event cancelled; an interrupted part goes to the front
** of its level (the last interrupted first); the victim is the lowest
** priority, the last started or resumed (rseq) among equals; a resume
** cost is effort over focus; with multitasking a capacity of 0 stops
** all progress (nobody is there), a capacity drop never interrupts and
** no part starts while capacity x per are in work.
*/
#include "chainsim/engine.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "chainsim/dist.h"
#include "chainsim/kernel.h"
#include "chainsim/stream.h"

/* Keeps cold paths out of the hot event handlers (a hint only).
** NOINLINE: out of the hot path, but optimised for speed (paths that
** run often in models with WIP limits, never in others). */
#if defined(__GNUC__)
#define COLD __attribute__((noinline, cold))
#define NOINLINE __attribute__((noinline))
#define ALWAYS_INLINE __attribute__((always_inline))
#else
#define COLD
#define NOINLINE
#define ALWAYS_INLINE
#endif

/*
** ASSUME(x): a fact the per-event code relies on (a stream that exists
** on repeated passes, a non-empty queue).  Asserted in CS_DEBUG builds
** and for the static analysers (scan-build, cppcheck), which cannot see
** the invariants; free in the normal build, where even a predicted
** branch can stop GCC inlining a visit's steps.  Set-up and cold paths
** use assert().
*/
#if defined(CS_DEBUG) || defined(__clang_analyzer__) || defined(__CPPCHECK__)
#define ASSUME(x) assert(x)
#else
#define ASSUME(x) ((void)0)
#endif

#define DEFAULT_MAX_ITEMS 2000000u
#define RUN_SLICE 65536u      /* events between looks at the stop flag */
#define FIRST_CHUNK 64u
#define MAX_CHUNK 8192u
#define QSEQ_BASE ((uint64_t)1 << 62)   /* first queue seq of a run */
#define WORK_BACKLOG (-1)
#define WORK_ABANDON (-2)

enum { J_IDLE = 0, J_WAIT_ROOM, J_HANDOFF, J_QUEUE, J_WORK, J_FINISHED,
       J_RES };

enum {
    EV_ARRIVE = 0, EV_ENTER, EV_QUEUE, EV_START, EV_FINISH, EV_BLOCKED,
    EV_FORK, EV_JOIN, EV_REWORK, EV_SKIP, EV_DONE, EV_BREAK, EV_INTERRUPT,
    EV_RESUME, EV_ABANDON, EV_RESERVE, EV_COUNT
};

static const char *const ev_names[EV_COUNT] = {
    "arrive", "enter", "queue", "start", "finish", "blocked",
    "fork", "join", "rework", "skip", "done", "break", "interrupt",
    "resume", "abandon", "reserve"
};

typedef struct item item;
typedef struct job job;

struct job {
    item *it;
    job *next;            /* room-waiter FIFO or fifo queue */
    double t_queue;       /* when it joined the team's queue (QUEUE); when
                             it began to wait for room (WAIT_ROOM) */
    double t_move;        /* when it asked for room (the move began) */
    double t_enter;       /* when it was admitted */
    double t_start;       /* when its work started */
    double key;           /* heap key: -priority or due date */
    uint64_t seq;         /* heap tie-break: order of joining queues */
    int step;             /* index into the class's steps */
    int team;
    int state;
    /* Shared work (see "shared work"); set only at such teams. */
    int hpos;             /* WORK: place in the team's run heap */
    int nint;             /* interruptions of this visit (0 elsewhere) */
    uint64_t rseq;        /* WORK: order of the latest start or resume */
    double level;         /* WORK: the team's vt at which it finishes;
                             interrupted (QUEUE, nint > 0): work left */
    double t_int;         /* when it was last interrupted */
    double t_susp;        /* time spent interrupted in this visit */
    int slot;             /* breakdown slot (the step, or its alternative's) */
    int alt;              /* the step's alternative (choice option and
                             context), 0 for a plain step */
};

/* First-pass draws of step s live at draws[s * D_N + D_...]. */
enum { D_P = 0, D_REWORK, D_EFFORT, D_HANDOFF, D_N };

/* One draw made at arrival: a uniform (d NULL) or a sample of d. */
typedef struct draw {
    gsl_rng *r;
    const cs_dist *d;
    int at;               /* index into item.draws */
} draw;

typedef struct xclass xclass;

/* An item to look at again at the end of the event (it may be done and
** reused by then: the serial tells). */
typedef struct cand {
    item *it;
    uint64_t serial;
} cand;

struct item {
    item *next_free;
    xclass *xc;
    uint64_t serial;
    double t_arrive;
    double due;           /* arrival + class due, or +inf */
    double factor;        /* effort factor of repeated steps (last rework) */
    double work;          /* time with >= 1 part in work */
    double work_since;
    int initial;          /* a backlog or start item */
    int counted;          /* in lead times, promises and the breakdown:
                             arrived at or after the warm-up, or an
                             initial item with no warm-up */
    int pos;              /* current route position, -1 before the first */
    int nparts;           /* parts of the current step: jobs[0..nparts) */
    int pending;          /* parts of the current move not yet admitted */
    int parts_left;       /* parts of the current step not yet finished */
    int in_work;          /* parts in work */
    int nhold;            /* hold set: teams the item is finished at */
    int blocked;          /* counted in its hold teams' nblocked */
    int in_bl;            /* waits in its class's CONWIP backlog */
    int expired;          /* its patience ran out while it did not wait */
    int pat_ev;           /* its patience event is in the kernel (a done
                             item stays off the free list until it runs) */
    item *bl_prev, *bl_next;  /* CONWIP backlog of its class */
    int ctx;              /* bounded context (0 without contexts) */
    uint64_t esc;         /* escape steps worked at (bit esc_bit) */
    job *jobs;            /* [maxb] */
    double *draws;        /* [xc->nslots] first-pass draws: nsteps * D_N,
                             then the routed steps' own (xstep *_at) */
    double *acc;          /* [nsteps * CS_BRK_N] time per step and part of
                             the visit (breakdown), items arrived in the
                             window only */
    int *pass;            /* [nsteps] passes through a top-level step */
    int *hold;            /* [maxb] team indices */
    double *hold_t;       /* [maxb] when the hold slot's visit began (its
                             admission to the team) */
    unsigned char *live;  /* [maxb] hold slot not yet released/taken over */
    int *spos;            /* [2 maxb] place of unit slot in its team's stuck
                             list, -1 when not listed (see stuck below) */
};

/*
** A stuck unit: WIP that an item holds at a WIP-limited team while it is
** blocked, and that cannot leave before the item's waiting parts are
** admitted.  slot < maxb is hold slot `slot` (finished at the team the
** item leaves); slot >= maxb is the current part jobs[slot - maxb],
** finished while a sibling part waits for room.  Every WIP-limited team
** lists its stuck units, so the waits can be followed team by team.
*/
typedef struct stuck {
    item *it;
    int slot;
} stuck;

/*
** An alternative of a routed step (X_ROUTED: a choice, a team per
** context, or escapes): option o and context c make alternative o nctx +
** c, with its team, breakdown slot and hand-off (the option's, else the
** step's, else the team's).
*/
typedef struct xalt {
    int team;
    int slot;
    const cs_dist *handoff;
    gsl_rng *r_handoff, *a_handoff;
    int hat;              /* first-pass hand-off draw in item.draws */
} xalt;

/* A choice option: cum is the sum of the p up to it. */
typedef struct xopt {
    double cum;
    const cs_dist *effort;
    gsl_rng *r_effort, *a_effort;
    int eat;              /* first-pass effort draw in item.draws */
} xopt;

/* xstep.kind of a work step that needs routed_part (beside CS_STEP_WORK
** and CS_STEP_PARALLEL) */
enum { X_ROUTED = 2 };

/* A step with what the hot path needs, resolved once per engine. */
typedef struct xstep {
    int kind;
    int joint;            /* a joint step (kind CS_STEP_PARALLEL, SPEC 5.5) */
    int team;
    int top;              /* the top-level step (self or the parallel parent) */
    int bfirst, nb;
    int has_rework;
    int rework_to;
    double p;
    double rework_p;
    double factor;
    const cs_dist *effort;
    const cs_dist *handoff;   /* the step's, else the team's, or NULL */
    const cs_dist *resume;    /* the team's resume cost, or NULL */
    gsl_rng *r_resume;        /* with resume: every pass */
    gsl_rng *r_effort, *r_p, *r_rework, *r_handoff;   /* first passes */
    gsl_rng *a_effort, *a_p, *a_rework, *a_handoff;   /* repeated passes */
    /* X_ROUTED only */
    xalt *alt;            /* [nalt] */
    int nalt, nctx;
    xopt *opt;            /* [nopt], a choice step */
    int nopt;
    int choice_at;        /* first-pass choice uniform in item.draws */
    gsl_rng *r_choice, *a_choice;
    int esc_bit;          /* -1: no escapes */
    double esc_p;
    const cs_dist *esc_after;
    int esc_work;         /* the new item's class */
    int esc_at;           /* first-pass escape uniform, then its delay */
    gsl_rng *r_esc, *r_esc_after;
} xstep;

typedef struct chunk {
    char *mem;
    size_t n;
} chunk;

struct xclass {
    const cs_class *c;
    int idx;
    int nsteps, nroute, maxb;
    const int *route;
    xstep *steps;
    double due;           /* +inf when none */
    double prio_key;      /* -priority */
    gsl_rng *r_arr;
    gsl_rng *r_start;     /* the first passes of start items, or NULL */
    uint64_t initial_left;/* initial items not yet done this run */
    draw *draws;          /* what an arrival draws, in a fixed order */
    int ndraws;
    int nslots;           /* doubles in item.draws */
    int nbrk;             /* breakdown slots (cs_model_brk_slots) */
    int nctx;             /* bounded contexts, 0 = none */
    double *ctx_cum;      /* [nctx] sums of the shares */
    gsl_rng *r_ctx;       /* ("context", class) */
    gsl_rng *r_escaped;   /* first passes of escape-made items, or NULL */
    int nesc;             /* steps with escapes */
    int *esc_steps;       /* [nesc] */
    int fd;               /* an escapes target: failure demand */
    int *lt_promises;     /* lead-time promises covering this class */
    int nlt;
    int has_rework;       /* some step has rework: repeated passes happen */
    double cod;           /* cost of delay per item-day, >= 0 */
    const cs_dist *pat;   /* patience, or NULL */
    gsl_rng *r_pat;       /* its stream, ("patience", class) */
    int wip_limit;        /* class CONWIP limit, 0 = none */
    int cw_in;            /* items inside the chain (CONWIP models) */
    item *bl_head, *bl_tail;  /* CONWIP backlog, in arrival order */
    uint64_t nbl;
    cs_tavg t_wip;        /* items of the class in the chain over the
                             window; kept only when cod > 0 */
    /* item pool */
    item *free;
    size_t item_size, off_jobs, off_draws, off_acc, off_holdt, off_pass,
        off_hold, off_live, off_spos;
    chunk *chunks;
    size_t nchunks, cap_chunks, next_chunk;
};

typedef struct xteam {
    const char *name;
    int capacity, wip_limit;
    cs_discipline disc;
    double focus;
    int gated;            /* a hand-off (the team's or a step's) or an
                             intake cadence: admit() looks at the step */
    const cs_prod_point *prod;    /* productivity curve, or NULL */
    double intake_every;  /* intake cadence, 0 = none (see next_intake) */
    double intake_offset;
    double prod_end;      /* its last point (-inf without a curve) */
    double prod_tail;     /* 1 / its last factor (1 without a curve) */
    /* (chars and the order of the fields below keep the struct at 512
    ** bytes: a power of two makes &e->teams[t] a shift) */
    unsigned char slow;   /* a productivity curve or shared work: work
                             does not simply finish after effort / focus */
    /* Shared work: a preemptive or multitasking team (see "shared
    ** work"); a team without it never looks at these. */
    unsigned char shared;
    unsigned char mt;     /* multitasking */
    int per;              /* items in work per capacity unit (1 without
                             multitasking) */
    double sw_loss;       /* switch loss, [0, 1) */
    int nin;              /* parts in work (busy: min(nin, capacity) with
                             multitasking, nin without) */
    int run_cap;
    job **run;            /* the parts in work: min-heap on level */
    double vt;            /* work each part in work has had, effort over
                             focus, since the team was last empty */
    double vt_last;       /* when vt was advanced */
    double vt_rate;       /* d vt / dt over the productivity factor */
    double fin_due;       /* the next finish, INFINITY: none due */
    double *evs;          /* times of the team's events in the kernel,
                             strictly decreasing (the last fires first) */
    int nevs, cap_evs;
    uint64_t rseq;        /* starts and resumes so far */
    uint64_t interrupts;  /* interruptions in the window */
    double susp_sum;      /* time interrupted of the parts that finished
                             in the window ... */
    uint64_t fin_n;       /* ... and those parts */
    int busy, wip, nq, nblocked, nwait;
    int in_work_list;
    /* Joint work (SPEC 5.5, section "joint work"); a team without joint
    ** steps never looks at these. */
    int jt;               /* some joint step has a part here */
    int njw;              /* room waiters that are parts of joint steps */
    int njq;              /* queued parts of joint steps */
    int nres;             /* reserved workers (counted in busy) */
    int cap_resv;
    job **resv;           /* [nres] their parts */
    double a_res;         /* window integral of nres, closed reservations */
    job *qhead, *qtail;   /* fifo */
    job **heap;           /* priority, edd */
    size_t heap_cap;
    job *whead, *wtail;   /* room waiters */
    stuck *stk;           /* stuck units here (WIP-limited teams only) */
    int nstk, cap_stk;
    int in_seeds;         /* listed in e->seeds */
    uint64_t breaks;      /* items admitted above the WIP limit this run */
    int pat;              /* some class with a patience visits it */
    int *tp;              /* lead-time promises on this team's visits */
    int ntp;
    /* Time integrals over the window of busy, nq, wip and (nblocked > 0),
    ** advanced together by team_clock() before any of them changes: one
    ** clock per team instead of four cs_tavg. */
    double last;
    double a_busy, a_queue, a_wip, a_blocked;
    double a_over;        /* window integral of max(0, busy - capacity): a
                             unit finishing an item after its capacity
                             ended (after a drop in scheduled capacity) */
    cs_period_team *tl_out;       /* the timeline's: this team's entry of
                                     period 0; NULL: no timeline */
    double wait_sum;
    uint64_t wait_n;
    double adm_sum;       /* waits for room of admissions in the window */
    uint64_t adm_n;
    int over;             /* put above its WIP limit this run (a break, or
                             start items) */
    /* Failure demand (SPEC 5.6): the window's work time of items of
    ** escape-target classes, added when such work finishes; at a shared
    ** team integrated with vt (sh_advance): nfd of the nin parts in work
    ** are such items, each with busy / nin of the capacity in use. */
    double a_fd;
    double fd_last;       /* shared team: a_fd integrated up to here */
    int nfd;
    /* Time-varying settings; a team without them never looks at these. */
    const cs_team *tm;
    int sc_i;             /* next schedule entry to apply; nschedule: the
                             end of the period */
    double sc_k;          /* the period a repeating schedule is in */
    int nprod;
    /* The timeline's clock, from day 0 (with tl_out). */
    size_t tl_stride;     /* entries per period (the teams) */
    double tl_period, tl_end;     /* period length, horizon */
    double tl_from, tl_last, tl_next;
    int tl_k, tl_n;
    double tl_busy, tl_wip, tl_over, tl_sched;
} xteam;

typedef struct stream {
    gsl_rng *r;
    uint64_t key;
} stream;

struct cs_engine {
    const cs_model *m;
    cs_sim *sim;
    xteam *teams;
    xclass *classes;
    stream *streams;
    size_t nstreams, cap_streams;
    int *work;            /* teams whose room opened; WORK_BACKLOG: room
                             opened in the chain (CONWIP); WORK_ABANDON:
                             items to abandon are listed in aband */
    int nwork;
    int *seeds;           /* teams where a unit got stuck in this event */
    int nseeds;
    /* scratch of the deadlock search, [nteams] each; dmark all 0 between
    ** searches */
    unsigned char *dmark, *dreach;
    int *dlist, *dqueue;
    int nteams, nclasses;
    int busiest;          /* highest offered load, -1 if none */
    cs_trace_fn trace;
    void *trace_ctx;
    uint64_t max_items;
    size_t max_bytes;     /* bound on bytes (0: none) ... */
    size_t bytes;         /* ... of items and queues held (events: sim) */
    const atomic_int *stop;        /* may be NULL */
    /* one run */
    cs_rep *out;
    cs_error *err;
    cs_status status;
    double warmup, horizon;
    uint64_t serial, in_chain, qseq, nwaiting, visits;
    uint64_t fseq;        /* queue seqs of interrupted parts, counting down
                             from QSEQ_BASE (the front of their level) */
    long nescapes;        /* escape arrivals in the kernel */
    long active;
    cs_tavg t_wip;
    double bw_width, bw_next, bw_last, bw_area;
    int bw_k;
    uint64_t initial_left;/* initial items of any class not yet done */
    int nsched;           /* schedule events in the kernel (0 or 1) */
    int *scheduled;       /* [nscheduled] the teams with a schedule */
    int nscheduled;
    /* the timeline (tl_on 0: none): chain WIP per period */
    int tl_on, tl_n, tl_k;
    double tl_period, tl_last, tl_next, tl_area;
    /* CONWIP (SPEC 5.8): conwip 1 when the chain or a class has a limit */
    int conwip, wip_limit;
    int tp_any;           /* some team has promises on its visits */
    int pat_any;          /* some class has a patience */
    int cw_in;            /* items inside the chain (not in a backlog) */
    uint64_t nbl;         /* items in the classes' backlogs */
    int bl_listed;        /* WORK_BACKLOG is in work */
    /* abandonment (SPEC 5.7) */
    uint64_t npat_ev;     /* patience events in the kernel */
    struct cand *aband;   /* expired items that began to wait this event */
    size_t naband, cap_aband;
    int ab_listed;        /* WORK_ABANDON is in work */
#ifdef CS_DEBUG
    uint64_t dbg_events;  /* invariant checks this run */
    uint64_t dbg_work;    /* items visited by this run's full checks */
    uint64_t dbg_stride;  /* a full check every dbg_stride-th */
    struct tally *dbg_tl; /* a full check's scratch, nteams + 1 each */
    unsigned char *dbg_mark;
    int *dbg_list;
#endif
};

/* ---- cs_rep ---------------------------------------------------------- */

cs_rep *cs_engine_rep_new(const cs_model *m)
{
    cs_rep *r = calloc(1, sizeof *r);

    if (r == NULL)
        return NULL;
    r->nteams = m->nteams;
    r->nclasses = m->nclasses;
    r->npromises = m->npromises;
    r->teams = calloc((size_t)m->nteams + 1, sizeof *r->teams);
    r->classes = calloc((size_t)m->nclasses + 1, sizeof *r->classes);
    r->promises = calloc((size_t)m->npromises + 1, sizeof *r->promises);
    r->hist = cs_hist_new();
    if (r->teams == NULL || r->classes == NULL || r->promises == NULL ||
        r->hist == NULL)
        goto fail;
    for (int c = 0; c < m->nclasses; c++) {
        cs_class_rep *const k = &r->classes[c];
        k->nsteps = cs_model_brk_slots(&m->classes[c]);
        k->hist = cs_hist_new();
        k->brk = calloc((size_t)k->nsteps * CS_BRK_N + 1, sizeof *k->brk);
        if (k->hist == NULL || k->brk == NULL)
            goto fail;
        if (m->classes[c].ncontexts > 0) {
            const size_t n = (size_t)m->classes[c].ncontexts;
            k->ctx_n = calloc(n, sizeof *k->ctx_n);
            k->ctx_sum = calloc(n, sizeof *k->ctx_sum);
            k->ctx_hist = calloc(n, sizeof *k->ctx_hist);
            if (k->ctx_n == NULL || k->ctx_sum == NULL || k->ctx_hist == NULL)
                goto fail;
            k->ncontexts = (int)n;
            for (size_t q = 0; q < n; q++)
                if ((k->ctx_hist[q] = cs_hist_new()) == NULL)
                    goto fail;
        }
    }
    if (m->timeline > 0) {
        const double np = ceil(m->horizon / m->timeline);
        r->period = m->timeline;
        r->nperiods = np < 1 ? 1 : (int)np;
        /* no empty last period from rounding */
        if (r->nperiods > 1 && m->timeline * (r->nperiods - 1) >= m->horizon)
            r->nperiods--;
        r->periods = calloc((size_t)r->nperiods, sizeof *r->periods);
        r->period_teams = calloc((size_t)r->nperiods * (size_t)m->nteams + 1,
                                 sizeof *r->period_teams);
        if (r->periods == NULL || r->period_teams == NULL)
            goto fail;
    }
    cs_engine_rep_reset(r);
    return r;
fail:
    cs_engine_rep_free(r);
    return NULL;
}

void cs_engine_rep_free(cs_rep *r)
{
    if (r == NULL)
        return;
    if (r->classes != NULL)
        for (int c = 0; c < r->nclasses; c++) {
            cs_class_rep *const k = &r->classes[c];
            cs_hist_free(k->hist);
            free(k->brk);
            for (int q = 0; q < k->ncontexts && k->ctx_hist != NULL; q++)
                cs_hist_free(k->ctx_hist[q]);
            free(k->ctx_n);
            free(k->ctx_sum);
            free(k->ctx_hist);
        }
    cs_hist_free(r->hist);
    free(r->teams);
    free(r->classes);
    free(r->promises);
    free(r->periods);
    free(r->period_teams);
    free(r->period_lt);
    free(r);
}

void cs_engine_rep_reset(cs_rep *r)
{
    r->warmup = r->horizon = 0.0;
    r->arrived = r->done = r->visits = r->events = r->in_system_end = 0;
    r->abandoned = r->abandoned_window = 0;
    r->wasted = 0.0;
    r->lt_n = 0;
    r->lt_sum = r->work_sum = 0.0;
    r->done_window = 0;
    r->wip_mean = r->delay_cost_mean = 0.0;
    memset(r->third_sum, 0, sizeof r->third_sum);
    memset(r->third_n, 0, sizeof r->third_n);
    memset(r->batch_wip, 0, sizeof r->batch_wip);
    cs_hist_reset(r->hist);
    memset(r->teams, 0, (size_t)r->nteams * sizeof *r->teams);
    memset(r->promises, 0, (size_t)r->npromises * sizeof *r->promises);
    r->completion = NAN;
    for (int c = 0; c < r->nclasses; c++) {
        cs_class_rep *k = &r->classes[c];
        k->n = k->done_window = 0;
        k->lt_sum = 0.0;
        k->initial = 0;
        k->completion = NAN;
        k->arrived_window = k->abandoned = 0;
        cs_hist_reset(k->hist);
        memset(k->brk, 0, (size_t)k->nsteps * CS_BRK_N * sizeof *k->brk);
        for (int q = 0; q < k->ncontexts; q++) {
            k->ctx_n[q] = 0;
            k->ctx_sum[q] = 0.0;
            cs_hist_reset(k->ctx_hist[q]);
        }
    }
    r->failure_demand_share = 0.0;
    r->escaped = 0;
    if (r->nperiods > 0) {
        memset(r->periods, 0, (size_t)r->nperiods * sizeof *r->periods);
        memset(r->period_teams, 0, (size_t)r->nperiods * (size_t)r->nteams *
                                       sizeof *r->period_teams);
    }
    r->nperiod_lt = 0;
}

/* ---- trace and errors ------------------------------------------------ */

COLD static void emit(cs_engine *e, double t, const item *it, int team,
                      int step, int ev)
{
    cs_trace_event te;

    assert(e->trace != NULL && ev >= 0 && ev < EV_COUNT);
    te.time = t;
    te.item = it->serial;
    te.cls = it->xc->idx;
    te.team = team;
    te.step = step;
    te.event = ev_names[ev];
    e->trace(e->trace_ctx, &te);
}

#define TRACE(e, t, it, team, step, ev)                                     \
    do {                                                                    \
        if ((e)->trace != NULL)                                             \
            emit((e), (t), (it), (team), (step), (ev));                     \
    } while (0)

static void fail(cs_engine *e, cs_status st)
{
    if (e->status == CS_OK)
        e->status = st;
    cs_kernel_stop(e->sim);
}

static void fail_nomem(cs_engine *e)
{
    if (e->status == CS_OK)
        cs_error_set(e->err, CS_ENOMEM, NULL, 0, 0,
                     "out of memory at day %.1f", cs_kernel_now(e->sim));
    fail(e, CS_ENOMEM);
}

/* n bytes as "512 MB" or "1.5 GB" (into buf of 16). */
static const char *fmt_bytes(char *buf, size_t n)
{
    const double mb = (double)n / (1024.0 * 1024.0);

    if (mb >= 1000.0)
        snprintf(buf, 16, "%.1f GB", mb / 1024.0);
    else
        snprintf(buf, 16, mb >= 10.0 ? "%.0f MB" : "%.1f MB", mb);
    return buf;
}

static void fail_memory_bound(cs_engine *e)
{
    char buf[16];
    const int b = e->busiest;

    if (e->status == CS_OK)
        cs_error_set(e->err, CS_ESIM, NULL, 0, 0,
                     "more than %s of memory at day %.1f (a thread's share "
                     "of --max-memory): the chain cannot keep up (team %s "
                     "is the busiest)",
                     fmt_bytes(buf, e->max_bytes), cs_kernel_now(e->sim),
                     b >= 0 ? e->teams[b].name : "?");
    fail(e, CS_ESIM);
}

/*
** Accounts for add more bytes of items or queues: 0, or -1 (the run
** failed) when they would take what is held past the bound.  The events
** get what is left.
*/
static int reserve(cs_engine *e, size_t add)
{
    if (e->max_bytes > 0) {
        const size_t held = e->bytes + cs_kernel_bytes(e->sim);
        if (held > e->max_bytes || add > e->max_bytes - held) {
            fail_memory_bound(e);
            return -1;
        }
        const size_t left = e->max_bytes - e->bytes - add;
        cs_kernel_set_max_bytes(e->sim, left > 0 ? left : 1);
    }
    e->bytes += add;
    return 0;
}

static void schedule(cs_engine *e, double t, cs_handler fn, void *data)
{
    if (cs_kernel_schedule(e->sim, t, 0, fn, e, data) != 0) {
        if (e->max_bytes > 0 &&
            2 * cs_kernel_bytes(e->sim) > e->max_bytes - e->bytes)
            fail_memory_bound(e);
        else
            fail_nomem(e);
    }
}

/* ---- chain WIP: window average and per-batch averages ---------------- */

static void batches_advance(cs_engine *e, double now)
{
    const double v = (double)e->in_chain;

    while (e->bw_k < CS_REP_BATCHES && now >= e->bw_next) {
        e->bw_area += v * (e->bw_next - e->bw_last);
        e->out->batch_wip[e->bw_k] = e->bw_area / e->bw_width;
        e->bw_area = 0.0;
        e->bw_last = e->bw_next;
        e->bw_k++;
        e->bw_next = e->bw_k == CS_REP_BATCHES - 1
                         ? e->horizon
                         : e->bw_width * (e->bw_k + 1);
    }
    if (e->bw_k < CS_REP_BATCHES) {
        e->bw_area += v * (now - e->bw_last);
        e->bw_last = now;
    }
}

/* Closes the chain's timeline period tl_k, which ends at tl_next. */
static void tl_chain_close(cs_engine *e)
{
    const double len = e->tl_next - e->tl_period * e->tl_k;

    e->out->periods[e->tl_k].wip = len > 0 ? e->tl_area / len : 0.0;
    e->tl_area = 0.0;
}

/* The chain WIP's timeline clock, as tl_team. */
COLD static void tl_chain(cs_engine *e, double now)
{
    const double v = (double)e->in_chain;

    while (now > e->tl_last) {
        const double end = now < e->tl_next ? now : e->tl_next;
        e->tl_area += v * (end - e->tl_last);
        e->tl_last = end;
        if (end < e->tl_next || e->tl_k >= e->tl_n - 1)
            break;
        tl_chain_close(e);
        e->tl_k++;
        e->tl_next = e->tl_k == e->tl_n - 1 ? e->horizon
                                            : e->tl_period * (e->tl_k + 1);
    }
}

/* The timeline period of day t: [k P, (k + 1) P), the last one closed. */
static int tl_index(const cs_engine *e, double t)
{
    const double k = floor(t / e->tl_period);

    if (!(k > 0))
        return 0;
    return k >= e->tl_n - 1 ? e->tl_n - 1 : (int)k;
}

static void chain_wip(cs_engine *e, double now, int delta)
{
    batches_advance(e, now);
    if (e->tl_on)
        tl_chain(e, now);
    if (delta > 0)
        e->in_chain++;
    else
        e->in_chain--;
    cs_stats_tavg_set(&e->t_wip, now, (double)e->in_chain);
}

/* ---- team queues ----------------------------------------------------- */

static int job_before(const job *a, const job *b)
{
    return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

static int heap_push(cs_engine *e, xteam *u, job *j)
{
    size_t i;

    ASSUME(u->nq >= 0 && (size_t)u->nq <= u->heap_cap);
    i = (size_t)u->nq;
    if (i == u->heap_cap) {
        const size_t cap = u->heap_cap ? 2 * u->heap_cap : 64;
        job **h;
        if (reserve(e, (cap - u->heap_cap) * sizeof *h) != 0)
            return -1;
        h = realloc(u->heap, cap * sizeof *h);
        if (h == NULL)
            return -1;
        u->heap = h;
        u->heap_cap = cap;
    }
    while (i > 0) {
        const size_t parent = (i - 1) / 2;
        if (!job_before(j, u->heap[parent]))
            break;
        u->heap[i] = u->heap[parent];
        i = parent;
    }
    u->heap[i] = j;
    return 0;
}

static job *heap_pop(xteam *u)
{
    size_t n, i = 0;
    job *top, *last;

    ASSUME(u->nq > 0 && u->heap != NULL);
    top = u->heap[0];
    n = (size_t)u->nq - 1;   /* size after the pop */
    last = u->heap[n];

    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && job_before(u->heap[c + 1], u->heap[c]))
            c++;
        if (!job_before(u->heap[c], last))
            break;
        u->heap[i] = u->heap[c];
        i = c;
    }
    if (n > 0)
        u->heap[i] = last;
    return top;
}

/* Adds j to u's queue; u->nq is not yet counted.  -1 if out of memory. */
static int queue_push(cs_engine *e, xteam *u, job *j)
{
    j->seq = e->qseq++;
    if (u->disc == CS_DISC_FIFO) {
        j->next = NULL;
        if (u->qtail != NULL)
            u->qtail->next = j;
        else
            u->qhead = j;
        u->qtail = j;
        return 0;
    }
    j->key = u->disc == CS_DISC_EDD ? j->it->due : j->it->xc->prio_key;
    return heap_push(e, u, j);
}

/* Removes the next job by discipline; u->nq > 0 and still counted. */
static job *queue_pop(xteam *u)
{
    job *j;

    if (u->disc != CS_DISC_FIFO)
        return heap_pop(u);
    ASSUME(u->nq > 0 && u->qhead != NULL);
    j = u->qhead;
    u->qhead = j->next;
    if (u->qhead == NULL)
        u->qtail = NULL;
    return j;
}

/* Takes j, queued at u, out of u's queue (abandonment: a linear search,
** only when an item gives up); u->nq is still counted. */
COLD static void queue_remove(xteam *u, job *j)
{
    if (u->disc == CS_DISC_FIFO) {
        job *prev = NULL;
        for (job *w = u->qhead; w != j; w = w->next)
            prev = w;
        if (prev == NULL)
            u->qhead = j->next;
        else
            prev->next = j->next;
        if (u->qtail == j)
            u->qtail = prev;
        return;
    }
    {
        const size_t n = (size_t)u->nq - 1;   /* size after the removal */
        size_t i = 0;
        job *last;
        while (u->heap[i] != j)
            i++;
        last = u->heap[n];
        if (i == n)
            return;
        /* last into the hole at i, up or down as its key says */
        while (i > 0 && job_before(last, u->heap[(i - 1) / 2])) {
            u->heap[i] = u->heap[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        for (;;) {
            size_t c = 2 * i + 1;
            if (c >= n)
                break;
            if (c + 1 < n && job_before(u->heap[c + 1], u->heap[c]))
                c++;
            if (!job_before(u->heap[c], last))
                break;
            u->heap[i] = u->heap[c];
            i = c;
        }
        u->heap[i] = last;
    }
}

/* Takes the room waiter j out of u's list; u->nwait is still counted. */
static void waiter_unlink(xteam *u, job *j)
{
    job *prev = NULL;

    for (job *w = u->whead; w != j; w = w->next)
        prev = w;
    if (prev == NULL)
        u->whead = j->next;
    else
        prev->next = j->next;
    if (u->wtail == j)
        u->wtail = prev;
}

/* ---- WIP and room ---------------------------------------------------- */

/* Closes u's timeline period tl_k, which ends at tl_next. */
static void tl_team_close(xteam *u)
{
    cs_period_team *const o = &u->tl_out[(size_t)u->tl_k * u->tl_stride];
    const double len = u->tl_next - u->tl_from;

    const double cap = u->tl_sched + u->tl_over;

    o->utilization = cap > 0 ? u->tl_busy / cap : 0.0;
    o->wip = len > 0 ? u->tl_wip / len : 0.0;
    o->capacity = len > 0 ? u->tl_sched / len : (double)u->capacity;
    u->tl_busy = u->tl_wip = u->tl_over = u->tl_sched = 0.0;
}

/*
** The timeline's clock of u (from day 0): integrates busy, WIP and the
** capacities up to now, closing every period boundary passed on the way
** (an event on a boundary belongs to the later period).  The last period
** is closed by the end of the run.
*/
COLD static void tl_team(xteam *u, double now)
{
    while (now > u->tl_last) {
        const double end = now < u->tl_next ? now : u->tl_next;
        const double dt = end - u->tl_last;
        u->tl_busy += dt * u->busy;
        u->tl_wip += dt * u->wip;
        u->tl_sched += dt * u->capacity;
        if (u->busy > u->capacity)
            u->tl_over += dt * (u->busy - u->capacity);
        u->tl_last = end;
        if (end < u->tl_next || u->tl_k >= u->tl_n - 1)
            break;
        tl_team_close(u);
        u->tl_k++;
        u->tl_from = u->tl_next;
        u->tl_next = u->tl_k == u->tl_n - 1 ? u->tl_end
                                            : u->tl_period * (u->tl_k + 1);
    }
}

/* Integrates u's statistics up to now; call before changing them.  last
** starts at the warm-up, so nothing before it is counted. */
static inline void team_clock(xteam *u, double now)
{
    if (u->tl_out != NULL)
        tl_team(u, now);
    if (now > u->last) {
        const double dt = now - u->last;
        u->a_busy += dt * u->busy;
        u->a_queue += dt * u->nq;
        u->a_wip += dt * u->wip;
        if (u->nblocked > 0)
            u->a_blocked += dt;
        /* only after a drop in scheduled capacity */
        if (u->busy > u->capacity)
            u->a_over += dt * (u->busy - u->capacity);
        u->last = now;
    }
}

/* Failure demand: the part of j's work at u up to now that lies in the
** window (work still going on at the horizon is added by run_finish). */
NOINLINE static void fd_add(const cs_engine *e, xteam *u, const job *j,
                            double now)
{
    const double from = j->t_start > e->warmup ? j->t_start : e->warmup;

    if (now > from)
        u->a_fd += now - from;
}

static void team_wip(xteam *u, double now, int delta)
{
    team_clock(u, now);
    u->wip += delta;
}

static void room_opened(cs_engine *e, int t)
{
    xteam *const u = &e->teams[t];

    if (u->whead != NULL && !u->in_work_list) {
        u->in_work_list = 1;
        e->work[e->nwork++] = t;
    }
}

static void set_blocked(xteam *u, double now, int delta)
{
    team_clock(u, now);
    u->nblocked += delta;
}

/* ---- stuck units ----------------------------------------------------- */

/* The team of unit slot of it (see stuck). */
static int unit_team(const item *it, int slot)
{
    const int maxb = it->xc->maxb;

    return slot < maxb ? it->hold[slot] : it->jobs[slot - maxb].team;
}

/* Team t is to be searched for a deadlock at the end of the event. */
static void add_seed(cs_engine *e, int t)
{
    xteam *const u = &e->teams[t];

    if (!u->in_seeds) {
        u->in_seeds = 1;
        e->seeds[e->nseeds++] = t;
    }
}

/* Lists unit slot of the blocked item it as stuck at its team t, when t
** has a WIP limit (only full teams are waited for, and only limited teams
** are ever full). */
NOINLINE static void stick(cs_engine *e, item *it, int slot, int t)
{
    xteam *const u = &e->teams[t];

    if (u->wip_limit == 0)
        return;
    if (u->nstk == u->cap_stk) {
        const int cap = u->cap_stk ? 2 * u->cap_stk : 8;
        stuck *const a = realloc(u->stk, (size_t)cap * sizeof *a);
        if (a == NULL) {
            fail_nomem(e);
            return;
        }
        u->stk = a;
        u->cap_stk = cap;
    }
    u->stk[u->nstk].it = it;
    u->stk[u->nstk].slot = slot;
    it->spos[slot] = u->nstk++;
    /* Later in the event t can only get units that are not stuck, or lose
    ** stuck ones: only now can t become full of stuck units. */
    if (u->nstk == u->wip && u->wip >= u->wip_limit)
        add_seed(e, t);
}

/* Takes unit slot of it off its team's stuck list, if it is listed. */
static inline void unstick(cs_engine *e, item *it, int slot)
{
    const int i = it->spos[slot];
    xteam *u;
    const stuck *last;

    if (i < 0)
        return;
    u = &e->teams[unit_team(it, slot)];
    last = &u->stk[--u->nstk];
    u->stk[i] = *last;
    last->it->spos[last->slot] = i;
    it->spos[slot] = -1;
}

/* The blocked item it has had every part of its move admitted: no
** longer blocked, nothing of it stuck. */
NOINLINE static void unblock(cs_engine *e, item *it, double now)
{
    for (int i = 0; i < it->nhold; i++)
        if (it->live[i]) {
            set_blocked(&e->teams[it->hold[i]], now, -1);
            unstick(e, it, i);
        }
    /* A part finished while pending > 0 has a sibling: nparts > 1. */
    for (int k = 0; it->nparts > 1 && k < it->nparts; k++)
        unstick(e, it, it->xc->maxb + k);
    it->blocked = 0;
}

/*
** A visit of it to team t, begun at `begun` (its admission), ends now:
** counted by t's lead-time promises that cover its class, when it began
** in the window; late (abandoned) is never on time.
*/
COLD static void visit_end(cs_engine *e, const item *it, int t, double begun,
                           double now, int late)
{
    const xteam *const u = &e->teams[t];

    if (begun < e->warmup)
        return;
    for (int k = 0; k < u->ntp; k++) {
        const cs_promise *const p = &e->m->promises[u->tp[k]];
        cs_promise_rep *const r = &e->out->promises[u->tp[k]];
        if (!cs_model_promise_covers(p, it->xc->idx))
            continue;
        r->eligible++;
        if (!late && now - begun <= p->within)
            r->on_time++;
    }
}

/*
** When the visit of hold slot i of it began.  Slot i is the previous
** step's part jobs[i], whose t_enter holds its admission until the part
** of the move that reuses jobs[i] is admitted: admit() releases the holds
** before it sets t_enter, and a move of several parts, whose first parts
** are admitted before the holds go, has them copied into hold_t first
** (branches_needed).  move: called for a move (else the item is done or
** abandoned, and its jobs are still the hold slots' parts).
*/
static double visit_start(const item *it, int i, int move)
{
    return move && it->nparts > 1 ? it->hold_t[i] : it->jobs[i].t_enter;
}

/* The visits of it's live hold slots end now (teams with promises). */
COLD static void holds_end(cs_engine *e, const item *it, double now,
                           int move)
{
    for (int i = 0; i < it->nhold; i++)
        if (it->live[i] && e->teams[it->hold[i]].ntp > 0)
            visit_end(e, it, it->hold[i], visit_start(it, i, move), now, 0);
}

/* The item leaves every team it still holds (its move is complete, or
** with move 0 it is done or abandoned). */
ALWAYS_INLINE static inline void release_hold(cs_engine *e, item *it,
                                             double now, int move)
{
    if (it->blocked)
        unblock(e, it, now);
    if (e->tp_any)
        holds_end(e, it, now, move);
    for (int i = 0; i < it->nhold; i++) {
        if (!it->live[i])
            continue;
        it->live[i] = 0;
        team_wip(&e->teams[it->hold[i]], now, -1);
        room_opened(e, it->hold[i]);
    }
}

/* ---- work ------------------------------------------------------------ */

/*
** The steps of a visit (release_hold above, admit, join_queue, start_work)
** are declared inline: GCC at -O2 then folds them into their few callers,
** which saves about 3% of the instructions per item-visit.
*/

static void on_finish(cs_sim *sim, void *ctx, void *data);
static void on_handoff(cs_sim *sim, void *ctx, void *data);

/*
** The expired item it begins to wait (joins a queue or waits for room):
** it is abandoned at the end of the event, if it still waits then (not
** here, deep in a move that still uses it).
*/
COLD static void abandon_later(cs_engine *e, item *it)
{
    if (e->naband == e->cap_aband) {
        const size_t cap = e->cap_aband ? 2 * e->cap_aband : 16;
        cand *const a = realloc(e->aband, cap * sizeof *a);
        if (a == NULL) {
            fail_nomem(e);
            return;
        }
        e->aband = a;
        e->cap_aband = cap;
    }
    e->aband[e->naband].it = it;
    e->aband[e->naband].serial = it->serial;
    e->naband++;
    if (!e->ab_listed) {
        e->ab_listed = 1;
        e->work[e->nwork++] = WORK_ABANDON;
    }
}

/*
** The day on which work started at now finishes at u, whose speed is
** the factor of its productivity curve (piecewise linear): the first T
** with the integral of the factor over [now, T] equal to r, the effort
** over the focus.  Piece by piece from now; on a linear piece with factor
** f0 at its start x and slope s, f0 d + s d^2 / 2 = r gives
** d = 2 r / (f0 + sqrt(f0^2 + 2 s r)) (no cancellation; f0 > 0).
*/
COLD static double prod_finish(const xteam *u, double now, double r)
{
    const cs_prod_point *const p = u->prod;
    const int n = u->nprod;
    double x = now;
    int i = 0;

    if (x >= u->prod_end)     /* past the curve: its last factor */
        return x + r * u->prod_tail;
    while (i < n && p[i].at <= x)
        i++;
    if (i == 0) {
        const double room = (p[0].at - x) * p[0].factor;
        if (r <= room)
            return x + r / p[0].factor;
        r -= room;
        x = p[0].at;
        i = 1;
    }
    for (; i < n; i++) {
        const double a = p[i - 1].at, b = p[i].at;
        const double slope = (p[i].factor - p[i - 1].factor) / (b - a);
        const double f0 = p[i - 1].factor + slope * (x - a);
        const double room = 0.5 * (f0 + p[i].factor) * (b - x);
        if (r <= room) {
            const double disc = f0 * f0 + 2.0 * slope * r;
            const double t = x + 2.0 * r / (f0 + sqrt(disc > 0 ? disc : 0.0));
            return t < b ? t : b;
        }
        r -= room;
        x = b;
    }
    return x + r * u->prod_tail;
}

/*
** Shared work.  At a preemptive or a multitasking team every part in
** work progresses at the same rate: focus x the productivity factor x
** share, share being 1 without multitasking, and with n parts in work
** and capacity c, 1 when n <= c, else c x max(0.1, 1 - switch_loss x
** (n / c - 1)) / n (0 when c is 0: nobody there).  So one clock per team
** tells them all: vt, the work (effort over focus) each part in work has
** had since the team was last empty, grows at vt_rate (share) x the
** productivity factor, and a part finishes when vt reaches its level
** (vt at its start + effort / focus).  The parts in work form a min-heap
** on level; the team has one finish that is due (fin_due: when vt
** reaches the heap's least level at the present rate), recomputed at
** every start, resume, interruption, finish and change of capacity.
** The kernel cannot cancel, so the team's events are on a stack of
** strictly decreasing times: a new one is scheduled only when the due
** finish is earlier than every pending one, and the kernel runs them
** from the top.  One that runs when no finish is due at its time does
** nothing but look again (it was left behind by a change of rate).
** Interruptions (preemptive): an arriving part that finds no free
** worker takes the place of the part in work of the lowest priority, if
** lower than its own, the latest started or resumed (rseq) among equals;
** that part keeps its work left (level - vt) and goes back to the front
** of its priority level in the queue (seqs below every other: fseq counts
** down); it resumes, before any part queued behind it, with that work
** plus a resume cost.  queue_wait counts the wait for the first start;
** the breakdown's queue gets the interrupted time (t_susp).
*/

static void on_shared(cs_sim *sim, void *ctx, void *data);
static inline void start_work(cs_engine *e, xteam *u, job *j, double now);

/* The integral of u's productivity factor over [a, b], a <= b. */
COLD static double prod_integral(const xteam *u, double a, double b)
{
    const cs_prod_point *const p = u->prod;
    const int n = u->nprod;
    double sum = 0.0;

    if (a < p[0].at) {
        const double x = b < p[0].at ? b : p[0].at;
        sum += (x - a) * p[0].factor;
        a = x;
    }
    for (int i = 1; i < n && a < b; i++) {
        const double lo = p[i - 1].at, hi = p[i].at;
        if (hi <= a)
            continue;
        const double x = b < hi ? b : hi;
        const double slope = (p[i].factor - p[i - 1].factor) / (hi - lo);
        const double fa = p[i - 1].factor + slope * (a - lo);
        const double fx = p[i - 1].factor + slope * (x - lo);
        sum += 0.5 * (fa + fx) * (x - a);
        a = x;
    }
    if (a < b)
        sum += (b - a) * p[n - 1].factor;
    return sum;
}

/* The share of u's parts in work (see "shared work"). */
static double sh_share(const xteam *u)
{
    const int n = u->nin, c = u->capacity;
    double f;

    if (!u->mt || n <= c)
        return 1.0;
    if (c <= 0)
        return 0.0;
    f = 1.0 - u->sw_loss * ((double)n / c - 1.0);
    return (double)c * (f > 0.1 ? f : 0.1) / n;
}

/* Advances u's vt to now at the present rate; before any change. */
/* Failure demand at a shared team up to now (see a_fd). */
static void sh_fd(xteam *u, double now)
{
    if (now > u->fd_last) {   /* before the warm-up fd_last is ahead */
        if (u->nfd > 0) {
            /* the busy of sh_count over the nin parts (start_work has
            ** counted a new part's worker already, nin not yet) */
            const int busy = u->mt && u->nin > u->capacity ? u->capacity
                                                           : u->nin;
            u->a_fd += (now - u->fd_last) * busy * u->nfd / u->nin;
        }
        u->fd_last = now;
    }
}

static void sh_advance(xteam *u, double now)
{
    sh_fd(u, now);
    if (now > u->vt_last && u->nin > 0)
        u->vt += u->vt_rate * (u->prod == NULL
                                   ? now - u->vt_last
                                   : prod_integral(u, u->vt_last, now));
    u->vt_last = now;
}

/* nin changed (or capacity): busy and the rate follow; team_clock and
** sh_advance were called at now. */
static void sh_count(xteam *u)
{
    u->busy = u->mt && u->nin > u->capacity ? u->capacity : u->nin;
    u->vt_rate = sh_share(u);
    if (u->nin == 0)
        u->vt = 0.0;      /* nothing in work refers to it */
}

static int run_before(const job *a, const job *b)
{
    return a->level < b->level || (a->level == b->level && a->rseq < b->rseq);
}

static void run_up(job **h, int i)
{
    job *const j = h[i];

    while (i > 0) {
        const int parent = (i - 1) / 2;
        if (!run_before(j, h[parent]))
            break;
        h[i] = h[parent];
        h[i]->hpos = i;
        i = parent;
    }
    h[i] = j;
    j->hpos = i;
}

static void run_down(job **h, int n, int i)
{
    job *const j = h[i];

    for (;;) {
        int c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && run_before(h[c + 1], h[c]))
            c++;
        if (!run_before(h[c], j))
            break;
        h[i] = h[c];
        h[i]->hpos = i;
        i = c;
    }
    h[i] = j;
    j->hpos = i;
}

/* j into u's run heap; nin not yet counted.  -1 if out of memory. */
static int run_push(cs_engine *e, xteam *u, job *j)
{
    if (u->nin == u->run_cap) {
        const int cap = u->run_cap ? 2 * u->run_cap : 16;
        job **h;
        if (reserve(e, (size_t)(cap - u->run_cap) * sizeof *h) != 0)
            return -1;
        h = realloc(u->run, (size_t)cap * sizeof *h);
        if (h == NULL)
            return -1;
        u->run = h;
        u->run_cap = cap;
    }
    u->run[u->nin] = j;
    run_up(u->run, u->nin);
    return 0;
}

/* Takes j out of u's run heap; nin still counts it. */
static void run_remove(xteam *u, job *j)
{
    const int i = j->hpos, n = u->nin - 1;

    if (i == n)
        return;
    u->run[i] = u->run[n];
    u->run[i]->hpos = i;
    run_down(u->run, n, i);
    run_up(u->run, u->run[i]->hpos);
}

/* Works out u's next finish and makes sure an event is pending at it. */
static void sh_arm(cs_engine *e, xteam *u, double now)
{
    double r, t;

    if (u->nin == 0 || !(u->vt_rate > 0)) {
        u->fin_due = INFINITY;
        return;
    }
    r = (u->run[0]->level - u->vt) / u->vt_rate;
    if (!(r > 0))
        r = 0.0;
    t = u->prod == NULL ? now + r : prod_finish(u, now, r);
    u->fin_due = t;
    if (u->nevs > 0 && u->evs[u->nevs - 1] <= t)
        return;           /* that one runs first and looks again */
    if (u->nevs == u->cap_evs) {
        const int cap = u->cap_evs ? 2 * u->cap_evs : 8;
        double *a;
        if (reserve(e, (size_t)(cap - u->cap_evs) * sizeof *a) != 0)
            return;
        a = realloc(u->evs, (size_t)cap * sizeof *a);
        if (a == NULL) {
            fail_nomem(e);
            return;
        }
        u->evs = a;
        u->cap_evs = cap;
    }
    u->evs[u->nevs++] = t;
    schedule(e, t, on_shared, u);
}

/* j (first start, counted by start_work) goes into work at u. */
NOINLINE static void sh_start(cs_engine *e, xteam *u, job *j, double now,
                              double dur)
{
    sh_advance(u, now);
    j->level = u->vt + dur;
    j->rseq = u->rseq++;
    j->nint = 0;
    j->t_susp = 0.0;
    if (run_push(e, u, j) != 0) {
        fail_nomem(e);
        return;
    }
    u->nin++;
    u->nfd += j->it->xc->fd;
    sh_count(u);
    sh_arm(e, u, now);
}

/* The interrupted part j resumes at u (a worker took it from the queue). */
NOINLINE static void sh_resume(cs_engine *e, xteam *u, job *j, double now)
{
    item *const it = j->it;
    const xstep *const x = &it->xc->steps[j->step];
    double left = j->level;

    team_clock(u, now);
    sh_advance(u, now);
    if (x->resume != NULL && u->tm->has_resume_cost)
        left += cs_dist_sample(&u->tm->resume_cost, x->r_resume) / u->focus;
    j->t_susp += now - j->t_int;
    j->state = J_WORK;
    j->level = u->vt + left;
    j->rseq = u->rseq++;
    if (it->in_work++ == 0)
        it->work_since = now;
    TRACE(e, now, it, j->team, j->step, EV_RESUME);
    if (run_push(e, u, j) != 0) {
        fail_nomem(e);
        return;
    }
    u->nin++;
    u->nfd += it->xc->fd;
    sh_count(u);
    sh_arm(e, u, now);
}

/* The part in work v is interrupted: back to the front of its level in
** u's queue with its work left.  The caller starts another. */
NOINLINE static void sh_interrupt(cs_engine *e, xteam *u, job *v, double now)
{
    item *const it = v->it;

    team_clock(u, now);
    sh_advance(u, now);
    v->level = v->level > u->vt ? v->level - u->vt : 0.0;
    run_remove(u, v);
    u->nin--;
    u->nfd -= it->xc->fd;
    sh_count(u);
    v->t_int = now;
    v->nint++;
    if (now >= e->warmup)
        u->interrupts++;
    if (--it->in_work == 0)
        it->work += now - it->work_since;
    v->state = J_QUEUE;
    TRACE(e, now, it, v->team, v->step, EV_INTERRUPT);
    v->key = it->xc->prio_key;
    v->seq = --e->fseq;
    if (heap_push(e, u, v) != 0) {
        fail_nomem(e);
        return;
    }
    u->nq++;
    /* back in a queue: an item whose patience ran out gives up now */
    if (it->expired)
        abandon_later(e, it);
}

/*
** j joins u's queue with no worker free by the plain rule (busy ==
** capacity or a queue): starts it when a multitasking slot is free, or
** in place of an interrupted part (preemptive); 1 when it started.
*/
NOINLINE static int sh_join(cs_engine *e, xteam *u, job *j, double now)
{
    job *v = NULL;

    if (u->nq == 0 && u->nin < u->capacity * u->per) {
        start_work(e, u, j, now);
        return 1;
    }
    /* Above the capacity after a drop, no part starts, so none takes a
    ** victim's place either. */
    if (u->disc != CS_DISC_PREEMPTIVE || u->nin > u->capacity * u->per)
        return 0;
    for (int i = 0; i < u->nin; i++) {
        job *const w = u->run[i];
        if (v == NULL || w->it->xc->prio_key > v->it->xc->prio_key ||
            (w->it->xc->prio_key == v->it->xc->prio_key && w->rseq > v->rseq))
            v = w;
    }
    if (v == NULL || !(v->it->xc->prio_key > j->it->xc->prio_key))
        return 0;
    sh_interrupt(e, u, v, now);
    start_work(e, u, j, now);
    return 1;
}

/* Starts or resumes queued parts while u has room for them. */
NOINLINE static void sh_dispatch(cs_engine *e, xteam *u, double now)
{
    while (u->nq > 0 && u->nin < u->capacity * u->per) {
        job *const j = queue_pop(u);
        team_clock(u, now);
        u->nq--;
        if (j->nint > 0)
            sh_resume(e, u, j, now);
        else
            start_work(e, u, j, now);
    }
}

/* A repeated pass's effort (before the rework factor): the class has
** rework, so its "again" streams exist; a choice's from the option of
** alternative alt. */
NOINLINE static double repeat_effort(const xstep *x, int alt)
{
    if (x->nopt == 0) {
        ASSUME(x->a_effort != NULL);
        return cs_dist_sample(x->effort, x->a_effort);
    }
    ASSUME(x->opt[alt / x->nctx].a_effort != NULL);
    return cs_dist_sample(x->opt[alt / x->nctx].effort,
                          x->opt[alt / x->nctx].a_effort);
}

/* j's work begins (a worker of u counted): its duration at full speed. */
ALWAYS_INLINE static inline double begin_work(cs_engine *e, xteam *u, job *j,
                                              double now)
{
    item *const it = j->it;
    const xstep *const x = &it->xc->steps[j->step];
    double effort;

    if (now >= e->warmup) {
        u->wait_sum += now - j->t_queue;
        u->wait_n++;
    }
    if (it->pass[x->top] == 1)
        effort = it->draws[j->step * D_N + D_EFFORT];
    else
        effort = repeat_effort(x, j->alt) * it->factor;
    j->state = J_WORK;
    j->t_start = now;
    if (it->in_work++ == 0)
        it->work_since = now;
    TRACE(e, now, it, j->team, j->step, EV_START);
    return effort / u->focus;
}

static int jt_part(const job *j);
static void jt_reserve(cs_engine *e, xteam *u, job *j, double now);
static int jt_join(cs_engine *e, xteam *u, job *j, double now);

/* A productivity curve, shared work or joint work (start_work's slow
** path): a part of a joint step reserves the worker instead. */
COLD static void start_slow(cs_engine *e, xteam *u, job *j, double now)
{
    if (u->jt && jt_part(j)) {
        jt_reserve(e, u, j, now);
        return;
    }
    const double dur = begin_work(e, u, j, now);
    if (u->shared)
        sh_start(e, u, j, now, dur);
    else if (u->prod != NULL)
        schedule(e, prod_finish(u, now, dur), on_finish, j);
    else
        schedule(e, now + dur, on_finish, j);
}

/* A worker of u takes j (from the queue, or at once when it joins). */
static inline void start_work(cs_engine *e, xteam *u, job *j, double now)
{
    team_clock(u, now);
    u->busy++;
    e->visits++;
    if (u->slow) {
        start_slow(e, u, j, now);
        return;
    }
    schedule(e, now + begin_work(e, u, j, now), on_finish, j);
}

/* j enters u's queue (from a hand-off, or at once when admitted). */
static inline void join_queue(cs_engine *e, job *j, double now,
                              int from_handoff)
{
    xteam *const u = &e->teams[j->team];

    if (!from_handoff)
        e->active++;
    TRACE(e, now, j->it, j->team, j->step, EV_QUEUE);
    j->t_queue = now;
    if (u->busy < u->capacity && u->nq == 0) {
        start_work(e, u, j, now);
        return;
    }
    if (u->shared && sh_join(e, u, j, now))
        return;
    if (u->jt && jt_join(e, u, j, now))
        return;
    j->state = J_QUEUE;
    if (queue_push(e, u, j) != 0) {
        fail_nomem(e);
        return;
    }
    team_clock(u, now);
    u->nq++;
    if (u->pat && j->it->expired)
        abandon_later(e, j->it);
}

/* Starts queued jobs while u has free workers. */
static inline void dispatch(cs_engine *e, xteam *u, double now)
{
    while (u->busy < u->capacity && u->nq > 0) {
        job *const j = queue_pop(u);
        team_clock(u, now);
        u->nq--;
        start_work(e, u, j, now);
    }
}

/* Hand-off into team t applies when the item comes from another team. */
static int from_other_team(const item *it, int t)
{
    for (int i = 0; i < it->nhold; i++)
        if (it->hold[i] != t)
            return 1;
    return 0;
}

/*
** The first intake instant offset + k every (k >= 0) at or after t: an
** item that reaches a team with an intake cadence (SPEC 5.3) from the
** backlog or another team joins its queue then, at once when t is one.
*/
COLD static double next_intake(const xteam *u, double t)
{
    const double every = u->intake_every, off = u->intake_offset;
    double k, x;

    if (t <= off)
        return off;
    k = floor((t - off) / every);
    x = off + k * every;
    return x < t ? off + (k + 1) * every : x;
}

/* j has been admitted to its team (WIP already counted). */
static inline void admit(cs_engine *e, job *j, double now)
{
    item *const it = j->it;
    xteam *const u = &e->teams[j->team];

    TRACE(e, now, it, j->team, j->step, EV_ENTER);
    if (now >= e->warmup) {
        u->adm_sum += now - j->t_move;
        u->adm_n++;
    }
    /* the holds first: j's t_enter may still be the start of hold slot
    ** j's visit (see visit_start) */
    if (--it->pending == 0)
        release_hold(e, it, now, 1);
    j->t_enter = now;
    /* u->gated: a hand-off (the team's or a step's) or an intake cadence
    ** may apply (release_hold left the hold set for from_other_team) */
    if (u->gated) {
        const xstep *const x = &it->xc->steps[j->step];
        const int other = from_other_team(it, j->team);
        const xalt *const a = x->kind == X_ROUTED ? &x->alt[j->alt] : NULL;
        const cs_dist *const hd = a != NULL ? a->handoff : x->handoff;
        const int handoff = hd != NULL && other;
        double t = now;
        if (handoff) {
            gsl_rng *const ha = a != NULL ? a->a_handoff : x->a_handoff;
            ASSUME(it->pass[x->top] == 1 || ha != NULL);
            t += it->pass[x->top] == 1
                     ? it->draws[j->step * D_N + D_HANDOFF]
                     : cs_dist_sample(hd, ha);
        }
        /* the intake, for an item from the backlog or another team: after
        ** the hand-off, a longer hand-off */
        if (u->intake_every > 0 && (it->nhold == 0 || other))
            t = next_intake(u, t);
        if (handoff || t > now) {
            j->state = J_HANDOFF;
            e->active++;
            schedule(e, t, on_handoff, j);
            return;
        }
    }
    join_queue(e, j, now, 0);
}

/* j asks for room at its team: takes over a hold slot there, enters when
** there is room and nobody waits longer, or waits. */
/* j takes over the item's hold slot at its team and enters, if it has
** one there (1). */
static int take_hold(cs_engine *e, job *j, double now)
{
    item *const it = j->it;
    xteam *const u = &e->teams[j->team];

    for (int i = 0; i < it->nhold; i++)
        if (it->live[i] && it->hold[i] == j->team) {
            it->live[i] = 0;
            /* leaves and re-enters: a visit ends, the next begins */
            if (u->ntp > 0)
                visit_end(e, it, j->team, visit_start(it, i, 1), now, 0);
            admit(e, j, now);
            return 1;
        }
    return 0;
}

static void request_room(cs_engine *e, job *j, double now)
{
    xteam *const u = &e->teams[j->team];

    j->t_move = now;
    if (j->it->nhold > 0 && take_hold(e, j, now))
        return;
    /* joint parts waiting for room elsewhere hold nobody up here */
    if ((u->whead == NULL || u->nwait == u->njw) &&
        (u->wip_limit == 0 || u->wip < u->wip_limit)) {
        team_wip(u, now, +1);
        admit(e, j, now);
        return;
    }
    j->state = J_WAIT_ROOM;
    j->t_queue = now;     /* the deadlock search's "waited longest" */
    j->next = NULL;
    if (u->wtail != NULL)
        u->wtail->next = j;
    else
        u->whead = j;
    u->wtail = j;
    u->nwait++;
    e->nwaiting++;
}

/* ---- joint work ------------------------------------------------------ */

/*
** Joint work (SPEC 5.5).  A joint step is a parallel step whose parts,
** one per listed team, share one effort and are worked on together.
** Admission is all at once: jt_request admits every part when each team
** has room for it (or a hold slot of the item there), else every part
** waits in its team's room-waiter list without
** holding up the plain waiters behind it (njw counts such parts), and
** jt_drain looks again whenever room opens at one of the teams.  In its
** team's queue a part is taken by a worker like any other (start_work),
** who is then reserved (J_RES: counted in busy, not in the utilisation:
** the reserved time is a_res); when the item's last part is reserved,
** all start together (jt_start) for the shared effort over the lowest
** focus of the teams, with one kernel event (on_joint) that finishes
** them all.
**
** Deadlock freedom.  Reservations alone could wait for each other in a
** cycle (an item reserved at A waiting at B, another reserved at B
** waiting at A).  Joint parts are ordered by age (admission to the step,
** then the item's serial): a worker taken for a joint part goes to the
** oldest joint part in the queue, and a joint part that joins a queue
** with no free worker takes over the reservation of the youngest item
** there if that is younger (which goes back to the front of the queue).
** So no joint part waits in a queue behind a younger reservation, the
** oldest waiting joint item waits only for workers in work, and every
** item becomes the oldest in turn: no deadlock, and no starvation under
** a discipline that starves nobody.
*/

static void on_joint(cs_sim *sim, void *ctx, void *data);

/* j is a part of a joint step. */
static int jt_part(const job *j)
{
    const xstep *const steps = j->it->xc->steps;

    return steps[steps[j->step].top].joint;
}

/* Joint part a is older than b. */
static int jt_older(const job *a, const job *b)
{
    if (a->t_enter != b->t_enter)
        return a->t_enter < b->t_enter;
    return a->it->serial < b->it->serial;
}

/* Back into u's queue at the place its seq (and key) gives it: the
** front, or near it; u->nq not yet counted. */
static int queue_back(cs_engine *e, xteam *u, job *j)
{
    j->state = J_QUEUE;
    if (u->disc == CS_DISC_FIFO) {
        job *prev = NULL, *w = u->qhead;
        while (w != NULL && w->seq < j->seq) {
            prev = w;
            w = w->next;
        }
        j->next = w;
        if (prev == NULL)
            u->qhead = j;
        else
            prev->next = j;
        if (w == NULL)
            u->qtail = j;
        return 0;
    }
    return heap_push(e, u, j);
}

/* The oldest joint part queued at u, if older than j. */
static job *jt_oldest_queued(const xteam *u, const job *j)
{
    job *best = NULL;

    if (u->disc == CS_DISC_FIFO) {
        for (job *w = u->qhead; w != NULL; w = w->next)
            if (jt_part(w) && jt_older(w, best != NULL ? best : j))
                best = w;
    } else {
        for (int i = 0; i < u->nq; i++) {
            job *const w = u->heap[i];
            if (jt_part(w) && jt_older(w, best != NULL ? best : j))
                best = w;
        }
    }
    return best;
}

static void jt_start(cs_engine *e, item *it, double now);

/* Adds j to u's reserved parts and marks it reserved. */
static int jt_hold(cs_engine *e, xteam *u, job *j, double now)
{
    if (u->nres == u->cap_resv) {
        const int cap = u->cap_resv ? 2 * u->cap_resv : 4;
        job **a;
        if (reserve(e, (size_t)(cap - u->cap_resv) * sizeof *a) != 0)
            return -1;
        if ((a = realloc(u->resv, (size_t)cap * sizeof *a)) == NULL) {
            fail_nomem(e);
            return -1;
        }
        u->resv = a;
        u->cap_resv = cap;
    }
    u->resv[u->nres++] = j;
    if (j->state != J_QUEUE) {
        /* taken at once: its place, should it go back to the queue */
        j->seq = e->qseq++;
        j->key = u->disc == CS_DISC_EDD ? j->it->due : j->it->xc->prio_key;
    }
    j->state = J_RES;
    j->t_start = now;         /* the reservation's start, until the work's */
    TRACE(e, now, j->it, j->team, j->step, EV_RESERVE);
    return 0;
}

/* j, reserved at u, is no longer: its reserved time is counted. */
static void jt_unhold(cs_engine *e, xteam *u, job *j, double now)
{
    int i = 0;

    while (u->resv[i] != j)
        i++;
    u->resv[i] = u->resv[--u->nres];
    if (now > e->warmup)
        u->a_res += now - (j->t_start > e->warmup ? j->t_start : e->warmup);
}

/* j is reserved; the item starts when that was its last part. */
static void jt_reserved(cs_engine *e, xteam *u, job *j, double now)
{
    item *const it = j->it;

    for (int k = 0; k < it->nparts; k++)
        if (it->jobs[k].state != J_RES) {
            if (u->pat && it->expired)
                abandon_later(e, it);
            return;
        }
    jt_start(e, it, now);
}

/*
** A worker of u (counted in busy) took the joint part j: the oldest
** joint part queued there gets it if older than j (j goes back to the
** front), and is reserved.
*/
COLD static void jt_reserve(cs_engine *e, xteam *u, job *j, double now)
{
    if (j->state == J_QUEUE)
        u->njq--;
    if (u->njq > 0) {
        job *const q = jt_oldest_queued(u, j);
        if (q != NULL) {
            ASSUME(j->state == J_QUEUE);
            if (queue_back(e, u, j) != 0) {
                fail_nomem(e);
                return;
            }
            u->nq++;
            queue_remove(u, q);   /* counts q: nq is its queue's length */
            u->nq--;
            j = q;
        }
    }
    if (jt_hold(e, u, j, now) != 0)
        return;
    jt_reserved(e, u, j, now);
}

/*
** The joint part j joins u's queue, where no worker is free: it takes
** over the reservation of the youngest item reserved at u if that is
** younger (1), else it is counted among u's queued joint parts (0).
*/
COLD static int jt_join(cs_engine *e, xteam *u, job *j, double now)
{
    job *y = NULL;

    if (!jt_part(j))
        return 0;
    for (int i = 0; i < u->nres; i++)
        if (jt_older(j, u->resv[i]) &&
            (y == NULL || jt_older(y, u->resv[i])))
            y = u->resv[i];
    if (y == NULL) {
        u->njq++;
        return 0;
    }
    team_clock(u, now);
    jt_unhold(e, u, y, now);
    if (queue_back(e, u, y) != 0) {
        fail_nomem(e);
        return 1;
    }
    u->nq++;
    u->njq++;
    TRACE(e, now, y->it, y->team, y->step, EV_QUEUE);
    if (jt_hold(e, u, j, now) != 0)
        return 1;
    if (u->pat && y->it->expired)
        abandon_later(e, y->it);
    jt_reserved(e, u, j, now);
    return 1;
}

/* Every part of it is reserved: all start now, with one event. */
COLD static void jt_start(cs_engine *e, item *it, double now)
{
    const xclass *const xc = it->xc;
    const int s = xc->steps[it->jobs[0].step].top;
    const xstep *const x = &xc->steps[s];
    double effort, focus = 1.0;

    if (it->pass[s] == 1)
        effort = it->draws[s * D_N + D_EFFORT];
    else {
        ASSUME(x->a_effort != NULL);
        effort = cs_dist_sample(x->effort, x->a_effort) * it->factor;
    }
    for (int k = 0; k < it->nparts; k++) {
        job *const j = &it->jobs[k];
        xteam *const u = &e->teams[j->team];
        if (u->focus < focus)
            focus = u->focus;
        team_clock(u, now);
        jt_unhold(e, u, j, now);
        if (now >= e->warmup) {
            u->wait_sum += now - j->t_queue;
            u->wait_n++;
        }
        j->state = J_WORK;
        j->t_start = now;
        if (it->in_work++ == 0)
            it->work_since = now;
        TRACE(e, now, it, j->team, j->step, EV_START);
    }
    schedule(e, now + effort / focus, on_joint, it);
}

/* Each team of it has room for its part (or its hold slot). */
static int jt_ready(const cs_engine *e, const item *it)
{
    for (int k = 0; k < it->nparts; k++) {
        const int t = it->jobs[k].team;
        const xteam *const u = &e->teams[t];
        int held = 0;
        for (int i = 0; i < it->nhold && !held; i++)
            held = it->live[i] && it->hold[i] == t;
        if (held)
            continue;
        if (u->wip_limit > 0 && u->wip >= u->wip_limit)
            return 0;
    }
    return 1;
}

/* Admits every part of it, waiting for room; force: above the WIP
** limits where there is no room (a deadlock's break). */
COLD static void jt_admit(cs_engine *e, item *it, double now, int force)
{
    /* no longer blocked: a hold slot may be taken over below */
    if (it->blocked)
        unblock(e, it, now);
    for (int k = 0; k < it->nparts; k++) {
        job *const j = &it->jobs[k];
        xteam *const u = &e->teams[j->team];
        if (j->state != J_WAIT_ROOM)
            continue;
        waiter_unlink(u, j);
        u->nwait--;
        u->njw--;
        e->nwaiting--;
    }
    for (int k = 0; k < it->nparts; k++) {
        job *const j = &it->jobs[k];
        xteam *const u = &e->teams[j->team];
        if (take_hold(e, j, now))
            continue;
        if (force && u->wip_limit > 0 && u->wip >= u->wip_limit) {
            u->breaks++;
            u->over = 1;
            TRACE(e, now, it, j->team, j->step, EV_BREAK);
        }
        team_wip(u, now, +1);
        admit(e, j, now);
    }
}

/* The parts of joint step it->pos ask for room, all at once. */
COLD static void jt_request(cs_engine *e, item *it, double now)
{
    for (int k = 0; k < it->nparts; k++)
        it->jobs[k].t_move = now;
    if (jt_ready(e, it)) {
        jt_admit(e, it, now, 0);
        return;
    }
    for (int k = 0; k < it->nparts; k++) {
        job *const j = &it->jobs[k];
        xteam *const u = &e->teams[j->team];
        j->state = J_WAIT_ROOM;
        j->t_queue = now;
        j->next = NULL;
        if (u->wtail != NULL)
            u->wtail->next = j;
        else
            u->whead = j;
        u->wtail = j;
        u->nwait++;
        u->njw++;
        e->nwaiting++;
    }
}

/* Room opened at u, which has joint waiters: admits its plain waiters
** while there is room, and the joint items that can enter everywhere. */
COLD static void jt_drain(cs_engine *e, xteam *u, double now)
{
    job *prev = NULL, *w = u->whead;

    while (w != NULL && e->status == CS_OK &&
           (u->wip_limit == 0 || u->wip < u->wip_limit)) {
        if (!jt_part(w)) {
            job *const next = w->next;
            if (prev == NULL)
                u->whead = next;
            else
                prev->next = next;
            if (u->wtail == w)
                u->wtail = prev;
            u->nwait--;
            e->nwaiting--;
            team_wip(u, now, +1);
            admit(e, w, now);
            w = next;
            continue;
        }
        if (jt_ready(e, w->it)) {
            jt_admit(e, w->it, now, 0);
            prev = NULL;      /* the list changed: from the start */
            w = u->whead;
            continue;
        }
        prev = w;
        w = w->next;
    }
}

/* Admits waiters of every team whose room opened, longest wait first. */
static void drain_backlog(cs_engine *e, double now);
static void drain_abandon(cs_engine *e, double now);

static void drain_rooms(cs_engine *e, double now)
{
    while (e->nwork > 0) {
        const int t = e->work[--e->nwork];
        xteam *u;

        if (t < 0) {
            if (t == WORK_BACKLOG)
                drain_backlog(e, now);
            else
                drain_abandon(e, now);
            continue;
        }
        u = &e->teams[t];
        u->in_work_list = 0;
        if (u->njw > 0)
            jt_drain(e, u, now);
        else
            while (u->whead != NULL &&
                   (u->wip_limit == 0 || u->wip < u->wip_limit)) {
                job *const j = u->whead;
                u->whead = j->next;
                if (u->whead == NULL)
                    u->wtail = NULL;
                u->nwait--;
                e->nwaiting--;
                team_wip(u, now, +1);
                admit(e, j, now);
            }
        /* Above its limit after a break, a team can be left full of stuck
        ** items by an item that leaves it: search it too. */
        if (u->over && u->whead != NULL)
            add_seed(e, t);
    }
}

/* ---- routing --------------------------------------------------------- */

/*
** Whether route position pos is needed on this pass; counts the pass and
** draws p (stored draws on the first pass, fresh ones later).  For a
** parallel step, fills jobs[] with the needed branches.
*/
static int branches_needed(cs_engine *e, item *it, int s, int pass,
                           double now);
static void routed_part(item *it, int s, int pass, job *j);

/* The team of step x for the skip trace: -1 when it depends on a choice
** not drawn. */
static int skip_team(const item *it, const xstep *x)
{
    if (x->kind == CS_STEP_WORK)
        return x->team;
    if (x->kind == X_ROUTED && x->nopt == 0)
        return x->alt[x->nctx > 1 ? it->ctx : 0].team;
    return -1;
}

static int position_needed(cs_engine *e, item *it, int pos, double now)
{
    xclass *const xc = it->xc;
    const int s = xc->route[pos];
    const xstep *const x = &xc->steps[s];
    const int pass = ++it->pass[s];

    if (x->p < 1.0) {
        ASSUME(pass == 1 || x->a_p != NULL);
        const double u = pass == 1 ? it->draws[s * D_N + D_P]
                                   : gsl_rng_uniform(x->a_p);
        if (!(u < x->p)) {
            TRACE(e, now, it, skip_team(it, x), s, EV_SKIP);
            return 0;
        }
    }
    if (x->kind == CS_STEP_WORK) {
        it->jobs[0].step = s;
        it->jobs[0].team = x->team;
        it->jobs[0].slot = s;
        it->nparts = 1;
        return 1;
    }
    if (x->kind == X_ROUTED) {
        routed_part(it, s, pass, &it->jobs[0]);
        it->nparts = 1;
        return 1;
    }
    return branches_needed(e, it, s, pass, now);
}

/*
** The part j of routed step s on this pass: the option (from the choice
** uniform: the first pass's drawn at arrival, a repeat's fresh), the
** team of the item's context, the breakdown slot; on the first pass the
** option's and alternative's first-pass effort and hand-off become the
** step's.  Marks the step's escapes as due.
*/
NOINLINE static void routed_part(item *it, int s, int pass, job *j)
{
    const xstep *const x = &it->xc->steps[s];
    int o = 0, a;

    if (x->nopt > 0) {
        ASSUME(pass == 1 || x->a_choice != NULL);
        const double u = pass == 1 ? it->draws[x->choice_at]
                                   : gsl_rng_uniform(x->a_choice);
        while (o < x->nopt - 1 && !(u < x->opt[o].cum))
            o++;
        if (pass == 1)
            it->draws[s * D_N + D_EFFORT] = it->draws[x->opt[o].eat];
    }
    a = o * x->nctx + (x->nctx > 1 ? it->ctx : 0);
    if (pass == 1 && x->alt[a].handoff != NULL)
        it->draws[s * D_N + D_HANDOFF] = it->draws[x->alt[a].hat];
    j->step = s;
    j->team = x->alt[a].team;
    j->slot = x->alt[a].slot;
    j->alt = a;
    if (x->esc_bit >= 0)
        it->esc |= (uint64_t)1 << x->esc_bit;
}

/* The needed branches of parallel step s into jobs[]; 0 if none. */
COLD static int branches_needed(cs_engine *e, item *it, int s, int pass,
                                double now)
{
    xclass *const xc = it->xc;
    const xstep *const x = &xc->steps[s];
    int n = 0;

    /* the holds' visit starts, before the branches reuse jobs[] */
    for (int i = 0; i < it->nhold; i++)
        it->hold_t[i] = it->jobs[i].t_enter;
    for (int b = 0; b < x->nb; b++) {
        const int bs = x->bfirst + b;
        const xstep *const bx = &xc->steps[bs];
        if (bx->p < 1.0) {
            ASSUME(pass == 1 || bx->a_p != NULL);
            const double u = pass == 1 ? it->draws[bs * D_N + D_P]
                                       : gsl_rng_uniform(bx->a_p);
            if (!(u < bx->p)) {
                TRACE(e, now, it, skip_team(it, bx), bs, EV_SKIP);
                continue;
            }
        }
        if (bx->kind == X_ROUTED) {
            routed_part(it, bs, pass, &it->jobs[n]);
        } else {
            it->jobs[n].step = bs;
            it->jobs[n].team = bx->team;
            it->jobs[n].slot = bs;
        }
        n++;
    }
    it->nparts = n;
    if (n == 0)
        TRACE(e, now, it, -1, s, EV_SKIP);
    return n > 0;
}

COLD static void item_done(cs_engine *e, item *it, double now);

/* Requests room for every part of the step at it->pos. */
static void start_move(cs_engine *e, item *it, double now)
{
    const int n = it->nparts;

    it->pending = n;
    it->parts_left = n;
    if (n > 1 && it->xc->steps[it->xc->route[it->pos]].joint)
        jt_request(e, it, now);
    else {
        if (e->trace != NULL &&
            it->xc->steps[it->xc->route[it->pos]].kind == CS_STEP_PARALLEL)
            emit(e, now, it, -1, it->xc->route[it->pos], EV_FORK);
        for (int k = 0; k < n; k++)
            request_room(e, &it->jobs[k], now);
    }
    if (it->pending == 0)
        return;
    if (it->expired)
        abandon_later(e, it);
    /* Some part waits for room: the item is blocked where it is held,
    ** and what it holds there is stuck. */
    it->blocked = 1;
    for (int i = 0; i < it->nhold; i++)
        if (it->live[i]) {
            set_blocked(&e->teams[it->hold[i]], now, +1);
            TRACE(e, now, it, it->hold[i], it->xc->route[it->pos], EV_BLOCKED);
            stick(e, it, i, it->hold[i]);
        }
}

/*
** The item has finished the step at it->pos (or just arrived, pos -1):
** decides rework, skips unneeded steps, and moves on or leaves.
*/
static void item_next(cs_engine *e, item *it, double now)
{
    xclass *const xc = it->xc;
    int next = it->pos + 1;

    if (it->pos >= 0) {
        const int s = xc->route[it->pos];
        const xstep *const x = &xc->steps[s];
        if (x->has_rework) {
            ASSUME(x->rework_to >= 0 && x->rework_to <= it->pos &&
                   (it->pass[s] == 1 || x->a_rework != NULL));
            const double u = it->pass[s] == 1
                                 ? it->draws[s * D_N + D_REWORK]
                                 : gsl_rng_uniform(x->a_rework);
            if (u < x->rework_p) {
                TRACE(e, now, it,
                      x->kind != CS_STEP_PARALLEL ? it->jobs[0].team : -1, s,
                      EV_REWORK);
                it->factor = x->factor;
                next = x->rework_to;
            }
        }
    }
    while (next < xc->nroute && !position_needed(e, it, next, now))
        next++;
    if (next >= xc->nroute) {
        item_done(e, it, now);
        return;
    }
    it->pos = next;
    start_move(e, it, now);
}

/* ---- item lifetime --------------------------------------------------- */

static void on_patience(cs_sim *sim, void *ctx, void *data);
static void conwip_arrive(cs_engine *e, item *it, double now);

/*
** Draws the patience of it, which entered the chain now (SPEC 5.7): from
** its class's stream, for every item in the order items enter, so no
** queue order shifts a draw.  Its event runs when the patience has run
** out (now, for a start item older than its patience), if that is
** within the horizon.
*/
COLD static void patience_enter(cs_engine *e, item *it, double now)
{
    const xclass *const xc = it->xc;
    double t;

    if (now >= e->warmup)
        e->out->classes[xc->idx].arrived_window++;
    if (xc->pat == NULL)
        return;
    it->expired = 0;
    t = it->t_arrive + cs_dist_sample(xc->pat, xc->r_pat);
    if (t < now)
        t = now;
    if (t > e->horizon)
        return;
    it->pat_ev = 1;
    e->npat_ev++;
    schedule(e, t, on_patience, it);
}

/* Room inside the chain for an item of class xc (CONWIP limits). */
static int cw_room(const cs_engine *e, const xclass *xc)
{
    return (e->wip_limit == 0 || e->cw_in < e->wip_limit) &&
           (xc->wip_limit == 0 || xc->cw_in < xc->wip_limit);
}

static void cw_enter(cs_engine *e, xclass *xc)
{
    e->cw_in++;
    xc->cw_in++;
}

/* An item of class xc left the inside of the chain: a backlog may move
** (at the end of the event). */
static void cw_leave(cs_engine *e, xclass *xc)
{
    e->cw_in--;
    xc->cw_in--;
    if (e->nbl > 0 && !e->bl_listed) {
        e->bl_listed = 1;
        e->work[e->nwork++] = WORK_BACKLOG;
    }
}

/* The item left the chain (done or abandoned): the chain's WIP drops and
** it goes back to the pool, unless its patience event is still in the
** kernel, which then frees it. */
static void item_leave(cs_engine *e, item *it, double now)
{
    xclass *const xc = it->xc;

    chain_wip(e, now, -1);
    if (xc->cod > 0.0)
        cs_stats_tavg_set(&xc->t_wip, now, xc->t_wip.value - 1.0);
    if (it->pat_ev)
        return;
    it->next_free = xc->free;
    xc->free = it;
}

static void pool_carve(xclass *xc, char *mem, size_t n)
{
    for (size_t i = n; i-- > 0;) {
        char *const base = mem + i * xc->item_size;
        item *const it = (void *)base;
        it->jobs = (void *)(base + xc->off_jobs);
        it->draws = (void *)(base + xc->off_draws);
        it->acc = (void *)(base + xc->off_acc);
        it->hold_t = (void *)(base + xc->off_holdt);
        it->pass = (void *)(base + xc->off_pass);
        it->hold = (void *)(base + xc->off_hold);
        it->live = (void *)(base + xc->off_live);
        it->spos = (void *)(base + xc->off_spos);
        it->xc = xc;
        it->parts_left = 0;   /* marks it free (live items have >= 1) */
        it->pat_ev = 0;
        it->expired = 0;      /* only items with a patience expire */
        it->in_bl = 0;
        it->ctx = 0;
        it->esc = 0;
        for (int k = 0; k < xc->maxb; k++) {
            it->jobs[k].it = it;
            it->jobs[k].state = J_IDLE;
            it->jobs[k].nint = 0;
        }
        for (int k = 0; k < 2 * xc->maxb; k++)
            it->spos[k] = -1;
        it->next_free = xc->free;
        xc->free = it;
    }
}

static int pool_grow(cs_engine *e, xclass *xc)
{
    const size_t n = xc->next_chunk;
    char *mem;

    if (reserve(e, n * xc->item_size) != 0)
        return -1;
    if (xc->nchunks == xc->cap_chunks) {
        const size_t cap = xc->cap_chunks ? 2 * xc->cap_chunks : 8;
        chunk *c = realloc(xc->chunks, cap * sizeof *c);
        if (c == NULL)
            return -1;
        xc->chunks = c;
        xc->cap_chunks = cap;
    }
    mem = malloc(n * xc->item_size);
    if (mem == NULL)
        return -1;
    xc->chunks[xc->nchunks].mem = mem;
    xc->chunks[xc->nchunks].n = n;
    xc->nchunks++;
    if (xc->next_chunk < MAX_CHUNK)
        xc->next_chunk *= 2;
    pool_carve(xc, mem, n);
    return 0;
}

/* Every item back to the free list (start of a replication). */
static void pool_reset(xclass *xc)
{
    xc->free = NULL;
    for (size_t c = xc->nchunks; c-- > 0;)
        pool_carve(xc, xc->chunks[c].mem, xc->chunks[c].n);
}

/* An arriving item's context (from the class's "context" stream, or
** from r) and no escapes due yet. */
NOINLINE static void item_routes(const xclass *xc, item *it, gsl_rng *r)
{
    it->esc = 0;
    it->ctx = 0;
    if (xc->nctx > 0) {
        const double u = gsl_rng_uniform(r != NULL ? r : xc->r_ctx);
        while (it->ctx < xc->nctx - 1 && !(u < xc->ctx_cum[it->ctx]))
            it->ctx++;
    }
}

/*
** A new item of class xc enters the chain now, having arrived at
** t_arrive (now, or before day 0 for a start item): draws its first pass
** from the class's streams (r NULL) or from r alone.  NULL when the run
** failed.
*/
ALWAYS_INLINE static inline item *item_enter(cs_engine *e, xclass *xc,
                                             double now, double t_arrive,
                                             int initial, gsl_rng *r)
{
    item *it = xc->free;
    cs_rep *const out = e->out;

    if (it == NULL) {
        if (pool_grow(e, xc) != 0) {
            fail_nomem(e);
            return NULL;
        }
        it = xc->free;
        ASSUME(it != NULL);
    }
    xc->free = it->next_free;
    it->serial = ++e->serial;
    it->t_arrive = t_arrive;
    it->due = t_arrive + xc->due;
    it->factor = 1.0;
    it->work = 0.0;
    it->initial = initial;
    it->counted = t_arrive >= e->warmup || (initial && e->warmup == 0);
    it->pos = -1;
    it->nparts = it->pending = it->parts_left = it->in_work = 0;
    it->nhold = 0;
    it->blocked = 0;
    memset(it->pass, 0, (size_t)xc->nsteps * sizeof *it->pass);
    if (it->counted)
        memset(it->acc, 0, (size_t)xc->nbrk * CS_BRK_N * sizeof *it->acc);
    for (int k = 0; k < xc->ndraws; k++) {
        const draw *const d = &xc->draws[k];
        gsl_rng *const g = r != NULL ? r : d->r;
        it->draws[d->at] = d->d != NULL ? cs_dist_sample(d->d, g)
                                        : gsl_rng_uniform(g);
    }
    if (xc->nctx > 0 || xc->nesc > 0)
        item_routes(xc, it, r);
    out->arrived++;
    if (e->pat_any)
        patience_enter(e, it, now);
    chain_wip(e, now, +1);
    if (xc->cod > 0.0)
        cs_stats_tavg_set(&xc->t_wip, now, xc->t_wip.value + 1.0);
    if (e->tl_on)
        out->periods[tl_index(e, now)].arrived++;
    for (int k = 0; k < xc->nlt; k++) {
        const cs_promise *const p = &e->m->promises[xc->lt_promises[k]];
        if (it->counted && t_arrive <= e->horizon - p->within)
            out->promises[xc->lt_promises[k]].eligible++;
    }
    TRACE(e, now, it, -1, -1, EV_ARRIVE);
    if (e->in_chain > e->max_items && e->status == CS_OK) {
        const int b = e->busiest;
        cs_error_set(e->err, CS_ESIM, NULL, 0, 0,
                     "more than %llu items in the chain at day %.1f: the "
                     "chain cannot keep up (team %s is the busiest)",
                     (unsigned long long)e->max_items, now,
                     b >= 0 ? e->teams[b].name : "?");
        fail(e, CS_ESIM);
    }
    return it;
}

/* A new item of class xc arrives now (initial: a backlog item). */
static void arrive(cs_engine *e, xclass *xc, double now, int initial)
{
    item *const it = item_enter(e, xc, now, now, initial, NULL);

    if (it == NULL)
        return;
    if (e->conwip)
        conwip_arrive(e, it, now);
    else
        item_next(e, it, now);
}

/*
** A start item of class xc (SPEC 4.4) at day 0: in the queue of the
** team of its step (of every branch of a parallel step), with no
** hand-off, above the WIP limit when the team is full, with a fresh
** first pass from the class's "start" stream.
*/
COLD static void place_start(cs_engine *e, xclass *xc, const cs_start *st)
{
    item *const it = item_enter(e, xc, 0.0, -st->age, 1, xc->r_start);
    const int s = xc->route[st->at];
    const xstep *const x = &xc->steps[s];

    if (it == NULL)
        return;
    if (e->conwip)
        cw_enter(e, xc);
    it->pos = st->at;
    it->pass[s] = 1;
    if (x->kind == CS_STEP_WORK) {
        it->jobs[0].step = s;
        it->jobs[0].team = x->team;
        it->jobs[0].slot = s;
        it->nparts = 1;
    } else if (x->kind == X_ROUTED) {
        routed_part(it, s, 1, &it->jobs[0]);
        it->nparts = 1;
    } else {
        for (int b = 0; b < x->nb; b++) {
            const int bs = x->bfirst + b;
            if (xc->steps[bs].kind == X_ROUTED) {
                routed_part(it, bs, 1, &it->jobs[b]);
                continue;
            }
            it->jobs[b].step = bs;
            it->jobs[b].team = xc->steps[bs].team;
            it->jobs[b].slot = bs;
        }
        it->nparts = x->nb;
        TRACE(e, 0.0, it, -1, s, EV_FORK);
    }
    it->pending = 0;
    it->parts_left = it->nparts;
    /* The time before day 0 counts as queue time at the step (its first
    ** branch, for a parallel step), so the breakdown adds up to the lead
    ** time. */
    if (it->counted)
        it->acc[it->jobs[0].slot * CS_BRK_N + CS_BRK_QUEUE] += st->age;
    for (int k = 0; k < it->nparts && e->status == CS_OK; k++) {
        job *const j = &it->jobs[k];
        xteam *const u = &e->teams[j->team];
        team_wip(u, 0.0, +1);
        if (u->wip_limit > 0 && u->wip > u->wip_limit)
            u->over = 1;
        j->t_move = j->t_enter = 0.0;
        TRACE(e, 0.0, it, j->team, j->step, EV_ENTER);
        join_queue(e, j, 0.0, 0);
    }
}

/* The last initial item of a class (of all classes) is done now. */
COLD static void initial_done(cs_engine *e, xclass *xc, double now)
{
    if (--xc->initial_left == 0)
        e->out->classes[xc->idx].completion = now;
    if (--e->initial_left == 0)
        e->out->completion = now;
}

/* Lead time lt of an item done now into the timeline. */
COLD static void tl_done(cs_engine *e, double now, double lt)
{
    cs_rep *const out = e->out;
    const int k = tl_index(e, now);

    out->periods[k].done++;
    out->periods[k].lt_sum += lt;
    if (out->nperiod_lt == out->cap_period_lt) {
        const size_t cap = out->cap_period_lt ? 2 * out->cap_period_lt : 1024;
        cs_period_lt *const a = realloc(out->period_lt, cap * sizeof *a);
        if (a == NULL) {
            fail_nomem(e);
            return;
        }
        out->period_lt = a;
        out->cap_period_lt = cap;
    }
    out->period_lt[out->nperiod_lt].lead_time = lt;
    out->period_lt[out->nperiod_lt].period = k;
    out->nperiod_lt++;
}

static void on_escape(cs_sim *sim, void *ctx, void *data);

/*
** The escapes of an item done now (SPEC 5.6): for every step with
** escapes it worked at, its first-pass uniform against p; a defect found
** within the horizon brings an item of the target class then.
*/
COLD static void item_escapes(cs_engine *e, const item *it, double now)
{
    const xclass *const xc = it->xc;

    for (int q = 0; q < xc->nesc; q++) {
        const xstep *const x = &xc->steps[xc->esc_steps[q]];
        double t;
        if (!(it->esc >> x->esc_bit & 1u) ||
            !(it->draws[x->esc_at] < x->esc_p))
            continue;
        t = now + it->draws[x->esc_at + 1];
        if (t > e->horizon)
            continue;
        e->nescapes++;
        schedule(e, t, on_escape, &e->classes[x->esc_work]);
    }
}

/* Lead time lt of a counted item of a class with contexts. */
COLD static void ctx_done(cs_class_rep *k, const item *it, double lt)
{
    k->ctx_n[it->ctx]++;
    k->ctx_sum[it->ctx] += lt;
    cs_hist_add(k->ctx_hist[it->ctx], lt);
}

COLD static void item_done(cs_engine *e, item *it, double now)
{
    xclass *const xc = it->xc;
    cs_rep *const out = e->out;
    cs_class_rep *const k = &out->classes[xc->idx];
    const double lt = now - it->t_arrive;

    release_hold(e, it, now, 0);
    it->nhold = 0;
    TRACE(e, now, it, -1, -1, EV_DONE);
    out->done++;
    if (it->initial)
        initial_done(e, xc, now);
    if (e->tl_on)
        tl_done(e, now, lt);
    if (now >= e->warmup) {
        /* the third of the window the item is done in (drift check) */
        int third = e->horizon > e->warmup
                        ? (int)((now - e->warmup) * 3.0 /
                                (e->horizon - e->warmup))
                        : 0;
        if (third > 2)
            third = 2;
        out->done_window++;
        k->done_window++;
        out->third_sum[third] += lt;
        out->third_n[third]++;
    }
    if (it->counted) {
        out->lt_n++;
        out->lt_sum += lt;
        out->work_sum += it->work;
        k->n++;
        k->lt_sum += lt;
        cs_hist_add(k->hist, lt);
        if (xc->nctx > 0)
            ctx_done(k, it, lt);
        for (int q = 0; q < xc->nbrk * CS_BRK_N; q++)
            k->brk[q] += it->acc[q];
        for (int q = 0; q < xc->nlt; q++) {
            const cs_promise *const p = &e->m->promises[xc->lt_promises[q]];
            if (lt <= p->within && it->t_arrive <= e->horizon - p->within)
                out->promises[xc->lt_promises[q]].on_time++;
        }
    }
    if (it->esc != 0)
        item_escapes(e, it, now);
    if (e->conwip)
        cw_leave(e, xc);
    item_leave(e, it, now);
}

/* ---- CONWIP and abandonment ----------------------------------------- */

/*
** CONWIP (SPEC 5.8).  An item is inside the chain from the moment it
** leaves its class's backlog until it is done or abandoned; a start item
** is inside from day 0 (above the limits, if need be).  An arriving item
** enters at once when the chain and its class have room and no backlog
** is about to move; else it waits in its class's backlog, a FIFO list.
** When room opens, the backlogs move at the end of the event
** (WORK_BACKLOG): the longest waiting item whose class has room enters,
** again and again; items of one class wait in arrival order, so the
** longest waiting is the earliest head (smallest serial).
*/
static void bl_unlink(cs_engine *e, item *it)
{
    xclass *const xc = it->xc;

    if (it->bl_prev != NULL)
        it->bl_prev->bl_next = it->bl_next;
    else
        xc->bl_head = it->bl_next;
    if (it->bl_next != NULL)
        it->bl_next->bl_prev = it->bl_prev;
    else
        xc->bl_tail = it->bl_prev;
    xc->nbl--;
    e->nbl--;
    it->in_bl = 0;
}

NOINLINE static void conwip_arrive(cs_engine *e, item *it, double now)
{
    xclass *const xc = it->xc;

    if (!e->bl_listed && cw_room(e, xc)) {
        cw_enter(e, xc);
        item_next(e, it, now);
        return;
    }
    it->in_bl = 1;
    it->parts_left = 1;   /* live, with no part yet */
    it->bl_next = NULL;
    it->bl_prev = xc->bl_tail;
    if (xc->bl_tail != NULL)
        xc->bl_tail->bl_next = it;
    else
        xc->bl_head = it;
    xc->bl_tail = it;
    xc->nbl++;
    e->nbl++;
}

/* Lets the longest waiting items in while there is room. */
COLD static void drain_backlog(cs_engine *e, double now)
{
    e->bl_listed = 0;
    while (e->nbl > 0 && e->status == CS_OK &&
           (e->wip_limit == 0 || e->cw_in < e->wip_limit)) {
        xclass *best = NULL;
        item *it;
        uint64_t serial;
        double wait;
        for (int c = 0; c < e->nclasses; c++) {
            xclass *const xc = &e->classes[c];
            if (xc->bl_head != NULL && cw_room(e, xc) &&
                (best == NULL || xc->bl_head->serial < best->bl_head->serial))
                best = xc;
        }
        if (best == NULL)
            break;
        it = best->bl_head;
        bl_unlink(e, it);
        cw_enter(e, best);
        it->parts_left = 0;
        serial = it->serial;
        wait = now - it->t_arrive;
        item_next(e, it, now);
        /* the wait in the backlog is the first step's admission wait, so
        ** the breakdown still adds up to the lead time */
        if (it->parts_left > 0 && it->serial == serial && it->counted)
            it->acc[it->jobs[0].slot * CS_BRK_N + CS_BRK_ADMISSION] += wait;
    }
}

/*
** Abandonment (SPEC 5.7).  An item waits when it is in a backlog, or
** when none of its parts is in work or hand-off, it is not blocked (no
** finished part or hold slot stuck while a part waits for room) and some
** part is queued or waits for room.  Its patience event abandons it if
** it waits then; else it is marked expired, and abandoned at the end of
** the first event in which it waits again (abandon_later).
*/
static int item_waits(const item *it)
{
    int waiting = 0, finished = 0;

    if (it->in_bl)
        return 1;
    if (it->in_work > 0)
        return 0;
    for (int k = 0; k < it->nparts; k++) {
        const int st = it->jobs[k].state;
        if (st == J_HANDOFF || st == J_WORK)
            return 0;
        waiting |= st == J_QUEUE || st == J_WAIT_ROOM || st == J_RES;
        finished |= st == J_FINISHED;
    }
    if (it->pending > 0) {
        if (finished)
            return 0;
        for (int i = 0; i < it->nhold; i++)
            if (it->live[i])
                return 0;
    }
    return waiting;
}

/* The waiting item it gives up and leaves the chain undone: out of every
** queue, room-waiter list or backlog, its WIP released everywhere. */
COLD static void abandon(cs_engine *e, item *it, double now)
{
    xclass *const xc = it->xc;
    cs_rep *const out = e->out;
    int freed = 0;

    TRACE(e, now, it, -1, -1, EV_ABANDON);
    if (it->in_bl) {
        bl_unlink(e, it);
    } else {
        release_hold(e, it, now, 0);
        it->nhold = 0;
        for (int k = 0; k < it->nparts; k++) {
            job *const j = &it->jobs[k];
            xteam *const u = &e->teams[j->team];
            if (j->state == J_WAIT_ROOM) {
                waiter_unlink(u, j);
                u->nwait--;
                u->njw -= u->jt && jt_part(j);
                e->nwaiting--;
            } else {
                ASSUME(j->state == J_QUEUE || j->state == J_FINISHED ||
                       j->state == J_RES);
                if (j->state == J_QUEUE) {
                    queue_remove(u, j);
                    team_clock(u, now);
                    u->nq--;
                    u->njq -= u->jt && jt_part(j);
                    e->active--;
                } else if (j->state == J_RES) {
                    /* the reserved worker is free again */
                    team_clock(u, now);
                    jt_unhold(e, u, j, now);
                    u->busy--;
                    e->active--;
                    freed = 1;
                }
                team_wip(u, now, -1);
                if (u->ntp > 0)
                    visit_end(e, it, j->team, j->t_enter, now, 1);
                room_opened(e, j->team);
            }
            j->state = J_IDLE;
            j->nint = 0;          /* an interrupted part gives up too */
        }
        for (int k = 0; freed && k < it->nparts; k++)
            if (e->teams[it->jobs[k].team].nq > 0)
                dispatch(e, &e->teams[it->jobs[k].team], now);
        if (e->conwip)
            cw_leave(e, xc);
    }
    it->nparts = it->pending = it->parts_left = 0;
    it->blocked = 0;
    out->abandoned++;
    if (now >= e->warmup) {
        out->abandoned_window++;
        out->classes[xc->idx].abandoned++;
        out->wasted += it->work;   /* in_work is 0: it waits */
    }
    if (it->initial)
        initial_done(e, xc, now);
    item_leave(e, it, now);
}

/* The expired items that began to wait in this event, if they still
** wait. */
COLD static void drain_abandon(cs_engine *e, double now)
{
    e->ab_listed = 0;
    for (size_t i = 0; i < e->naband && e->status == CS_OK; i++) {
        item *const it = e->aband[i].it;
        if (it->parts_left > 0 && it->serial == e->aband[i].serial &&
            it->expired && item_waits(it))
            abandon(e, it, now);
    }
    e->naband = 0;
}

/* ---- deadlocks ------------------------------------------------------- */

/*
** A deadlock is a set of full teams in which every item is finished and
** waits for room in a team of the set: none of them can ever move,
** whatever the other teams do.  Only an event that makes a unit stuck at
** team T can complete one, and T is then in it (an item that leaves a
** team frees room, unless the team is above its limit after a break:
** drain_rooms searches that team too); T is then full of stuck units from
** that moment to the end of the event.  Such a T is a seed; at the end of
** the event the search follows the waits from each seed: T's stuck items
** wait for teams; are those full of stuck items too, and what do theirs
** wait for ...  A model without WIP limits never blocks, so never
** searches.
**
** The search works on marks (mark[t] == 1: t still a candidate) and
** removes, until none is left to remove, every candidate with a unit
** whose item waits for no candidate (an item moves only once every part
** of its move is admitted, so one part waiting at a candidate keeps it).
** What is left is closed: a deadlock, or nothing.
*/

/* Every unit at u is stuck and u is full: u may be in a deadlock. */
static int all_stuck(const xteam *u)
{
    return u->wip_limit > 0 && u->wip >= u->wip_limit && u->nstk == u->wip;
}

/* Whether part k of it waits for room at its team: a joint step's part
** that the item holds a slot for there waits only for its other teams. */
static int waits_room(const item *it, int k)
{
    const job *const j = &it->jobs[k];

    if (j->state != J_WAIT_ROOM)
        return 0;
    if (it->nparts > 1 && it->xc->steps[it->xc->steps[j->step].top].joint)
        for (int i = 0; i < it->nhold; i++)
            if (it->live[i] && it->hold[i] == j->team)
                return 0;
    return 1;
}

/* Whether some part of the blocked item it waits for a candidate team. */
static int waits_for_marked(const item *it, const unsigned char *mark)
{
    for (int k = 0; k < it->nparts; k++)
        if (waits_room(it, k) && mark[it->jobs[k].team] == 1)
            return 1;
    return 0;
}

/* Unmarks candidates (list[0..n)) that some item there can leave, until
** the rest is closed; returns how many are left. */
static int prune(const cs_engine *e, unsigned char *mark, const int *list,
                 int n)
{
    int changed = 1, left = 0;

    while (changed) {
        changed = 0;
        for (int i = 0; i < n; i++) {
            const xteam *const u = &e->teams[list[i]];
            if (mark[list[i]] != 1)
                continue;
            for (int k = 0; k < u->nstk; k++)
                if (!waits_for_marked(u->stk[k].it, mark)) {
                    mark[list[i]] = 2;
                    changed = 1;
                    break;
                }
        }
    }
    for (int i = 0; i < n; i++)
        left += mark[list[i]] == 1;
    return left;
}

/* Whether some part of the blocked item it waits for an all_stuck team. */
static int waits_for_stuck(const cs_engine *e, const item *it)
{
    for (int k = 0; k < it->nparts; k++)
        if (waits_room(it, k) && all_stuck(&e->teams[it->jobs[k].team]))
            return 1;
    return 0;
}

/*
** Whether seed team t is in a deadlock: the teams reached from t by
** following the waits of stuck items, as far as they are full of stuck
** items, pruned.  Usually t is not full of stuck items, or one of them
** waits for a team that is not (a busy one): a few steps.  Leaves dmark
** all 0.
*/
static int seed_deadlocked(cs_engine *e, int t)
{
    const xteam *const ut = &e->teams[t];
    unsigned char *const mark = e->dmark;
    int *const list = e->dlist;
    int n = 1, found;

    if (!all_stuck(ut))
        return 0;
    for (int k = 0; k < ut->nstk; k++)
        if (!waits_for_stuck(e, ut->stk[k].it))
            return 0;
    list[0] = t;
    mark[t] = 1;
    for (int i = 0; i < n; i++) {
        const xteam *const u = &e->teams[list[i]];
        if (mark[list[i]] != 1)
            continue;
        for (int k = 0; k < u->nstk; k++) {
            const item *const it = u->stk[k].it;
            for (int p = 0; p < it->nparts; p++) {
                const int v = it->jobs[p].team;
                if (!waits_room(it, p) || mark[v] != 0)
                    continue;
                mark[v] = all_stuck(&e->teams[v]) ? 1 : 2;
                list[n++] = v;
            }
        }
    }
    found = prune(e, mark, list, n) > 0 && mark[t] == 1;
    for (int i = 0; i < n; i++)
        mark[list[i]] = 0;
    return found;
}

/*
** Every team in a deadlock, over the whole chain: marked 1 in mark (every
** team's mark is set), the candidates examined in list in team order;
** returns the length of list, 0 when no deadlock is left.  Borrows e;
** cannot fail.
*/
static int stuck_teams(const cs_engine *e, unsigned char *mark, int *list)
{
    int n = 0;

    for (int t = 0; t < e->nteams; t++) {
        mark[t] = all_stuck(&e->teams[t]) ? 1 : 0;
        if (mark[t] == 1)
            list[n++] = t;
    }
    return prune(e, mark, list, n) > 0 ? n : 0;
}

/* Marks in dreach the deadlocked teams that v's stuck items reach by
** waiting: v itself, the teams they wait for, and so on; they are
** dqueue[0..n), n returned.  The caller clears their marks. */
static int reach_from(cs_engine *e, int v)
{
    int n = 1;

    e->dqueue[0] = v;
    e->dreach[v] = 1;
    for (int i = 0; i < n; i++) {
        const xteam *const u = &e->teams[e->dqueue[i]];
        for (int k = 0; k < u->nstk; k++) {
            const item *const it = u->stk[k].it;
            for (int p = 0; p < it->nparts; p++) {
                const int w = it->jobs[p].team;
                if (waits_room(it, p) && e->dmark[w] == 1 &&
                    !e->dreach[w]) {
                    e->dreach[w] = 1;
                    e->dqueue[n++] = w;
                }
            }
        }
    }
    return n;
}

/* a waited for room longer than b (ties: earlier item, earlier part). */
static int waited_longer(const job *a, const job *b)
{
    if (a->t_queue != b->t_queue)
        return a->t_queue < b->t_queue;
    if (a->it->serial != b->it->serial)
        return a->it->serial < b->it->serial;
    return a < b;
}

/*
** The part to let in, of the n deadlocked teams in dlist: the one that
** has waited longest among the parts waiting on a cycle of waits (a part
** at team v of an item stuck at a team that v's items reach).  Letting in
** an item that merely waits for the cycle from outside it would not break
** the cycle.  A closed set always holds a cycle, so there is one.
*/
static job *pick_break(cs_engine *e, int n)
{
    job *best = NULL;

    for (int i = 0; i < n; i++) {
        const int v = e->dlist[i];
        int nr;
        if (e->dmark[v] != 1)
            continue;
        nr = reach_from(e, v);
        for (int r = 0; r < nr; r++) {
            const xteam *const u = &e->teams[e->dqueue[r]];
            for (int k = 0; k < u->nstk; k++) {
                item *const it = u->stk[k].it;
                for (int p = 0; p < it->nparts; p++) {
                    job *const j = &it->jobs[p];
                    if (waits_room(it, p) && j->team == v &&
                        (best == NULL || waited_longer(j, best)))
                        best = j;
                }
            }
        }
        for (int r = 0; r < nr; r++)
            e->dreach[e->dqueue[r]] = 0;
    }
    return best;
}

/* Admits the room waiter j above its team's WIP limit (a joint step's
** parts all at once). */
static void force_admit(cs_engine *e, job *j, double now)
{
    xteam *const u = &e->teams[j->team];
    job *prev = NULL;

    if (u->jt && jt_part(j)) {
        jt_admit(e, j->it, now, 1);
        return;
    }
    for (job *w = u->whead; w != j; w = w->next)
        prev = w;
    if (prev == NULL)
        u->whead = j->next;
    else
        prev->next = j->next;
    if (u->wtail == j)
        u->wtail = prev;
    u->nwait--;
    e->nwaiting--;
    u->breaks++;
    u->over = 1;
    TRACE(e, now, j->it, j->team, j->step, EV_BREAK);
    team_wip(u, now, +1);
    admit(e, j, now);
}

/* Ends the run: the n deadlocked teams of dlist, by name. */
static void deadlock_stop(cs_engine *e, double now, int n)
{
    char buf[CS_ERROR_MSG_MAX];
    size_t len = 0;
    int shown = 0;

    buf[0] = '\0';
    for (int i = 0; i < n && len < sizeof buf; i++) {
        const xteam *const u = &e->teams[e->dlist[i]];
        int w;
        if (e->dmark[e->dlist[i]] != 1)
            continue;
        w = snprintf(buf + len, sizeof buf - len, "%s%s (%d/%d)",
                     shown++ > 0 ? ", " : "", u->name, u->wip, u->wip_limit);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    cs_error_set(e->err, CS_ESIM, NULL, 0, 0,
                 "deadlock at day %.1f: WIP limits block team%s %s: every "
                 "item there is finished and waits for room in %s", now,
                 shown > 1 ? "s" : "", buf, shown > 1 ? "one of them" : "it");
    fail(e, CS_ESIM);
}

/*
** A seed was found in a deadlock.  stop: ends the run naming every
** deadlocked team.  break: lets one item in above its target's limit and
** looks again, until no deadlock is left (each break admits one waiting
** part, so this ends).
*/
COLD static void resolve(cs_engine *e, double now)
{
    while (e->status == CS_OK) {
        const int n = stuck_teams(e, e->dmark, e->dlist);
        job *j;
        if (n == 0)
            break;
        if (e->m->deadlock == CS_DEADLOCK_STOP) {
            deadlock_stop(e, now, n);
            break;
        }
        j = pick_break(e, n);
        assert(j != NULL);
        force_admit(e, j, now);
        if (e->nwork > 0)
            drain_rooms(e, now);
    }
    memset(e->dmark, 0, (size_t)e->nteams);
}

/* End of an event that made units stuck: searches from every seed. */
NOINLINE static void check_seeds(cs_engine *e, double now)
{
    int found = 0;

    for (int i = 0; i < e->nseeds && !found; i++)
        found = seed_deadlocked(e, e->seeds[i]);
    if (found && e->status == CS_OK)
        resolve(e, now);
    for (int i = 0; i < e->nseeds; i++)
        e->teams[e->seeds[i]].in_seeds = 0;
    e->nseeds = 0;
}

/* ---- invariants (CS_DEBUG builds) ------------------------------------ */

#ifdef CS_DEBUG

#define FULL_WORK 16384u      /* item checks a run's first full checks may cost */
#define FULL_BUDGET 2u        /* then amortised items checked per event */

static const char *const inv_names[CS_INV_COUNT] = {
    "ok",
    "settled: no room left unhandled after an event",
    "deadlock: a deadlock left after an event (nothing active while items "
    "wait for room, or full teams whose items all wait for each other)",
    "waiting: nwaiting is the sum of the teams' room waiters",
    "chain: in_chain matches arrivals, done and the WIP average",
    "capacity: 0 <= busy <= capacity",
    "queue: a team's queue is not empty only while all its workers are busy",
    "room: room waiters only at a team at its WIP limit; wip <= limit",
    "team parts: counters >= 0 and wip >= busy + queued + blocked",
    "clocks: team clock and integrals consistent with the window",
    "lists: queue and room-waiter lists match their counts and members",
    "item: an item's position, parts, steps, teams and states",
    "fork-join: parts left, pending and in-work counts match the parts",
    "hold: blocked iff parts wait for room; held slots only while blocked",
    "times: item times not after now, time in work within lead time",
    "pool: free list plus live items equals the items carved",
    "team WIP: wip equals the parts and hold slots counted at the team",
    "team counts: busy, queued, waiting, blocked equal the parts there",
    "active: active equals the parts in hand-off, queue or work",
    "events: one event per part in hand-off or work, <= 1 arrival a class",
    "stuck: each WIP-limited team lists exactly the units blocked items "
    "hold there",
    "conwip: backlogs in arrival order, waiting only while full; items "
    "inside the chain counted"
};

/* Per-team tallies of a full check. */
typedef struct tally {
    long wip, work, queue, wait, handoff, hold, stuck;
    long res, jwait, jqueue;  /* joint parts reserved, waiting, queued */
    long jwork, jitems;       /* joint parts in work, and their items */
} tally;

static int le_tol(double a, double b)
{
    return a <= b + 1e-9 * (fabs(b) + 1.0);
}

/* Whether the engine is inside a run (e->out is set only then). */
static double clock_bound(const cs_engine *e)
{
    const double t = e->out != NULL ? cs_kernel_now(e->sim) : e->horizon;

    return t > e->warmup ? t : e->warmup;
}

/* The backlogs and the counts inside the chain (CONWIP). */
/* The CONWIP counts; walk: also the backlog lists, O(items) (the full
** checks only). */
static int check_conwip(const cs_engine *e, int walk)
{
    uint64_t nbl = 0;
    long inside = 0;

    for (int c = 0; c < e->nclasses; c++) {
        const xclass *const xc = &e->classes[c];
        uint64_t n = walk ? 0 : xc->nbl;
        const item *prev = walk ? NULL : xc->bl_tail;
        for (const item *it = walk ? xc->bl_head : NULL; it != NULL;
             it = it->bl_next) {
            if (++n > xc->nbl || !it->in_bl || it->parts_left != 1 ||
                it->nparts != 0 || it->pos != -1 || it->bl_prev != prev ||
                (prev != NULL && prev->serial >= it->serial))
                return CS_INV_CONWIP;
            prev = it;
        }
        if (n != xc->nbl || prev != xc->bl_tail)
            return CS_INV_CONWIP;
        /* settled: a class waits only while the chain or it is full */
        if (n > 0 && cw_room(e, xc))
            return CS_INV_CONWIP;
        nbl += n;
        inside += xc->cw_in;
        if (xc->cw_in < 0 || (!e->conwip && xc->cw_in != 0))
            return CS_INV_CONWIP;
    }
    if (nbl != e->nbl || (!e->conwip && nbl != 0))
        return CS_INV_CONWIP;
    if (e->conwip && (inside != e->cw_in ||
                      (uint64_t)e->cw_in + e->nbl != e->in_chain))
        return CS_INV_CONWIP;
    return CS_INV_OK;
}

static int check_global(const cs_engine *e)
{
    long nwait = 0;

    if (e->nwork != 0 || e->nseeds != 0)
        return CS_INV_SETTLED;
    if (e->active == 0 && e->nwaiting > 0 && e->status == CS_OK)
        return CS_INV_DEADLOCK;
    for (int t = 0; t < e->nteams; t++)
        nwait += e->teams[t].nwait;
    if ((uint64_t)nwait != e->nwaiting)
        return CS_INV_WAITING;
    if (e->active < 0)
        return CS_INV_ACTIVE;
    if (e->t_wip.value != (double)e->in_chain || e->in_chain > e->serial ||
        (e->in_chain > e->max_items && e->status == CS_OK))
        return CS_INV_CHAIN;
    if (e->out != NULL &&
        (e->out->arrived != e->serial ||
         e->out->arrived - e->out->done - e->out->abandoned != e->in_chain))
        return CS_INV_CHAIN;
    if (e->bl_listed || e->ab_listed || e->naband != 0)
        return CS_INV_SETTLED;
    if (check_conwip(e, 0) != CS_INV_OK)
        return CS_INV_CONWIP;
    if (cs_kernel_next_time(e->sim) < cs_kernel_now(e->sim))
        return CS_INV_EVENTS;
    if (!(e->t_wip.last <= clock_bound(e)) || e->t_wip.area < 0)
        return CS_INV_CLOCKS;
    if (e->out != NULL && (e->bw_k < 0 || e->bw_k > CS_REP_BATCHES ||
                           e->bw_area < 0 ||
                           (e->bw_k < CS_REP_BATCHES &&
                            !(e->bw_last <= cs_kernel_now(e->sim) &&
                              e->bw_last < e->bw_next))))
        return CS_INV_CLOCKS;
    return CS_INV_OK;
}

static int team_clock_bad(const xteam *u, double bound)
{
    return !(u->last <= bound) || u->a_busy < 0 || u->a_queue < 0 ||
           u->a_wip < 0 || u->a_blocked < 0 || u->wait_sum < 0;
}

/* The O(1) checks of one team. */
static int check_team(const cs_engine *e, const xteam *u, double bound)
{
    const double span = u->last - e->warmup;

    /* After a drop in scheduled capacity, work in progress goes on. */
    if (u->busy < 0 ||
        (u->busy > u->capacity && (u->tm == NULL || u->tm->nschedule == 0)))
        return CS_INV_CAPACITY;
    if (u->nq > 0 && (u->busy < u->capacity ||
                      (u->shared && u->nin < u->capacity * u->per)))
        return CS_INV_QUEUE_IDLE;
    /* shared work: busy is min(nin, capacity) with multitasking */
    if (u->shared &&
        u->busy != (u->mt && u->nin > u->capacity ? u->capacity : u->nin))
        return CS_INV_TEAM_COUNTS;
    /* Only a break admits above the limit. */
    if ((u->wip_limit > 0 && u->wip > u->wip_limit && !u->over) ||
        (u->nwait > u->njw && (u->wip_limit == 0 || u->wip < u->wip_limit)))
        return CS_INV_ROOM;
    if (u->njw < 0 || u->njw > u->nwait || u->njq < 0 || u->njq > u->nq ||
        u->nres < 0 || u->nres > u->busy ||
        (!u->jt && (u->njw != 0 || u->njq != 0 || u->nres != 0)))
        return CS_INV_TEAM_COUNTS;
    if (u->nq < 0 || u->nwait < 0 || u->nblocked < 0 ||
        u->wip < u->busy + u->nq + u->nblocked)
        return CS_INV_TEAM_PARTS;
    if (u->in_work_list || u->in_seeds)
        return CS_INV_SETTLED;
    if (span < 0 || team_clock_bad(u, bound) ||
        !le_tol(u->a_busy, u->tm != NULL && u->tm->nschedule > 0
                               ? cs_model_capacity_mean(u->tm, e->warmup,
                                                        u->last, 0) *
                                         span +
                                     u->a_over
                               : u->capacity * span) ||
        !le_tol(u->a_blocked, span) ||
        !le_tol(u->a_busy + u->a_queue, u->a_wip) ||
        u->a_fd < 0 ||
        !le_tol(u->a_fd, u->a_busy + (u->fd_last > u->last
                                          ? u->busy * (u->fd_last - u->last)
                                          : 0.0)) ||
        (u->wip_limit > 0 && !u->over &&
         !le_tol(u->a_wip, u->wip_limit * span)))
        return CS_INV_CLOCKS;
    if ((u->whead == NULL) != (u->nwait == 0) ||
        (u->disc == CS_DISC_FIFO && (u->qhead == NULL) != (u->nq == 0)))
        return CS_INV_LISTS;
    if (u->nstk < 0 || u->nstk > u->wip || u->nstk > u->cap_stk ||
        (u->wip_limit == 0 && u->nstk != 0))
        return CS_INV_STUCK;
    return CS_INV_OK;
}

/* The O(teams) checks: counters, clocks and the chain WIP. */
static int check_counters(const cs_engine *e)
{
    const double bound = clock_bound(e);
    uint64_t wait_n = 0;
    int r = CS_INV_OK;

    for (int t = 0; t < e->nteams && r == CS_INV_OK; t++) {
        r = check_team(e, &e->teams[t], bound);
        wait_n += e->teams[t].wait_n;
    }
    if (r == CS_INV_OK)
        r = check_global(e);
    if (r == CS_INV_OK && wait_n > e->visits)
        r = CS_INV_CLOCKS;
    return r;
}

/* A list member: a current part of a live item, at team t, in state st. */
static int listed_ok(const job *j, int t, int st)
{
    const item *const it = j->it;

    return it != NULL && it->parts_left > 0 && j >= it->jobs &&
           j < it->jobs + it->nparts && j->team == t && j->state == st;
}

static int check_queue(const cs_engine *e, const xteam *u, int t)
{
    const double now = cs_kernel_now(e->sim);

    /* joint work: no queued joint part is older than a reservation */
    for (int r = 0; r < u->nres; r++) {
        const job *const v = u->resv[r];
        if (!listed_ok(v, t, J_RES))
            return CS_INV_LISTS;
        for (int i = 0; i < u->nq && u->njq > 0; i++) {
            const job *const w = u->disc != CS_DISC_FIFO ? u->heap[i] : NULL;
            if (w != NULL && jt_part(w) && jt_older(w, v))
                return CS_INV_QUEUE_IDLE;
        }
        for (const job *w = u->disc == CS_DISC_FIFO ? u->qhead : NULL;
             w != NULL && u->njq > 0; w = w->next)
            if (jt_part(w) && jt_older(w, v))
                return CS_INV_QUEUE_IDLE;
    }

    if (u->disc != CS_DISC_FIFO) {
        for (int i = 0; i < u->nq; i++) {
            const job *const j = u->heap[i];
            if (!listed_ok(j, t, J_QUEUE) || j->seq >= e->qseq ||
                j->t_queue > now ||
                (i > 0 && job_before(j, u->heap[(i - 1) / 2])))
                return CS_INV_LISTS;
        }
        return CS_INV_OK;
    }
    {
        const job *prev = NULL;
        int n = 0;
        for (const job *j = u->qhead; j != NULL; j = j->next) {
            if (++n > u->nq || !listed_ok(j, t, J_QUEUE) ||
                j->seq >= e->qseq || j->t_queue > now ||
                (prev != NULL &&
                 (j->seq <= prev->seq || j->t_queue < prev->t_queue)))
                return CS_INV_LISTS;
            prev = j;
        }
        if (n != u->nq || prev != u->qtail)
            return CS_INV_LISTS;
    }
    return CS_INV_OK;
}

/*
** Shared work: the run heap holds exactly the parts in work (nin, heap
** order on level, hpos pointing back), levels not behind vt; the event
** stack strictly decreasing, none before now, its top at or before the
** due finish (INFINITY only with nothing in work or a rate 0); the rate
** the share's; interrupted parts queued with seqs below QSEQ_BASE and
** their work left >= 0.  A team without shared work has none of it.
*/
static int check_shared(const cs_engine *e, const xteam *u, int t)
{
    const double now = cs_kernel_now(e->sim);

    if (!u->shared)
        return u->nin != 0 || u->nevs != 0 ? CS_INV_LISTS : CS_INV_OK;
    if (u->nin < 0 || u->nin > u->run_cap || u->nevs < 0 ||
        u->nevs > u->cap_evs || u->vt < 0 || u->vt_last > now ||
        u->vt_rate != sh_share(u))
        return CS_INV_LISTS;
    for (int i = 0; i < u->nin; i++) {
        const job *const j = u->run[i];
        if (!listed_ok(j, t, J_WORK) || j->hpos != i ||
            !le_tol(u->vt, j->level) ||
            (i > 0 && run_before(j, u->run[(i - 1) / 2])))
            return CS_INV_LISTS;
    }
    for (int i = 0; i < u->nevs; i++)
        if (u->evs[i] < now || (i > 0 && !(u->evs[i] < u->evs[i - 1])))
            return CS_INV_LISTS;
    if (u->nin > 0 && u->vt_rate > 0
            ? !(u->fin_due >= now && u->nevs > 0 &&
                u->evs[u->nevs - 1] <= u->fin_due)
            : u->fin_due != INFINITY)
        return CS_INV_LISTS;
    if (u->disc == CS_DISC_FIFO) {
        for (const job *j = u->qhead; j != NULL; j = j->next)
            if (j->nint != 0)
                return CS_INV_LISTS;    /* only preemption interrupts */
        return CS_INV_OK;
    }
    for (int i = 0; i < u->nq; i++) {
        const job *const j = u->heap[i];
        if (j->nint < 0 || (j->nint > 0 && (j->seq >= QSEQ_BASE ||
                                             j->level < 0 || j->t_int > now ||
                                             j->t_susp < 0)))
            return CS_INV_LISTS;
    }
    return CS_INV_OK;
}

static int check_lists(const cs_engine *e)
{
    for (int t = 0; t < e->nteams; t++) {
        const xteam *const u = &e->teams[t];
        const job *prev = NULL;
        int n = 0;
        if (check_queue(e, u, t) != CS_INV_OK ||
            check_shared(e, u, t) != CS_INV_OK)
            return CS_INV_LISTS;
        for (const job *j = u->whead; j != NULL; j = j->next) {
            if (++n > u->nwait || !listed_ok(j, t, J_WAIT_ROOM))
                return CS_INV_LISTS;
            prev = j;
        }
        if (n != u->nwait || prev != u->wtail)
            return CS_INV_LISTS;
    }
    /* the CONWIP backlogs, walked (the counts are checked every event) */
    if (check_conwip(e, 1) != CS_INV_OK)
        return CS_INV_CONWIP;
    return CS_INV_OK;
}

/* Position, parts, steps and teams of a live item. */
static int check_item_place(const cs_engine *e, const xclass *xc,
                            const item *it)
{
    const xstep *x;
    int s;

    if (it->xc != xc || it->pos < 0 || it->pos >= xc->nroute ||
        it->nparts < 1 || it->nparts > xc->maxb || it->nhold < 0 ||
        it->nhold > xc->maxb || it->serial < 1 || it->serial > e->serial)
        return CS_INV_ITEM;
    s = xc->route[it->pos];
    x = &xc->steps[s];
    if (it->pass[s] < 1 ||
        (x->kind != CS_STEP_PARALLEL && it->nparts != 1) ||
        (xc->nctx > 0 && (it->ctx < 0 || it->ctx >= xc->nctx)))
        return CS_INV_ITEM;
    for (int k = 0; k < it->nparts; k++) {
        const job *const j = &it->jobs[k];
        const int js = j->step;
        if (j->it != it || j->state < J_WAIT_ROOM || j->state > J_RES)
            return CS_INV_ITEM;
        if (x->kind != CS_STEP_PARALLEL ? js != s
                                        : js < x->bfirst ||
                                              js >= x->bfirst + x->nb ||
                                              (k > 0 &&
                                               js <= it->jobs[k - 1].step))
            return CS_INV_ITEM;
        if (xc->steps[js].kind == X_ROUTED) {
            /* the alternative of the item's context, its team and slot */
            const xstep *const y = &xc->steps[js];
            if (j->alt < 0 || j->alt >= y->nalt ||
                (y->nctx > 1 && j->alt % y->nctx != it->ctx) ||
                j->team != y->alt[j->alt].team ||
                j->slot != y->alt[j->alt].slot ||
                (y->esc_bit >= 0 && !(it->esc >> y->esc_bit & 1u)))
                return CS_INV_ITEM;
        } else if (j->team != xc->steps[js].team || j->slot != js) {
            return CS_INV_ITEM;
        }
        if (j->state == J_HANDOFF && !e->teams[j->team].gated)
            return CS_INV_ITEM;
    }
    for (int i = 0; i < it->nhold; i++)
        if (it->live[i] && (it->hold[i] < 0 || it->hold[i] >= e->nteams))
            return CS_INV_ITEM;
    return CS_INV_OK;
}

/* Fork-join counts, hold slots and times of a live item. */
static int check_item_parts(const cs_engine *e, const item *it)
{
    const double now = cs_kernel_now(e->sim);
    int unfinished = 0, waiting = 0, working = 0;
    double work = it->work;

    for (int k = 0; k < it->nparts; k++) {
        const job *const j = &it->jobs[k];
        unfinished += j->state != J_FINISHED;
        waiting += j->state == J_WAIT_ROOM;
        working += j->state == J_WORK;
    }
    if (it->parts_left != unfinished || it->pending != waiting ||
        it->in_work != working)
        return CS_INV_FORK;
    /* a joint step's parts work all together or not at all, and only
    ** they are ever reserved */
    for (int k = 0; k < it->nparts; k++) {
        const job *const j = &it->jobs[k];
        const int joint = it->xc->steps[it->xc->steps[j->step].top].joint;
        if ((j->state == J_RES && !joint) ||
            (joint && working > 0 && j->state != J_WORK))
            return CS_INV_FORK;
    }
    if (it->blocked != (it->pending > 0))
        return CS_INV_HOLD;
    for (int i = 0; i < it->nhold; i++) {
        if (!it->live[i])
            continue;
        if (!it->blocked)
            return CS_INV_HOLD;
        for (int k = 0; k < it->nparts; k++)
            if (waits_room(it, k) && it->jobs[k].team == it->hold[i])
                return CS_INV_HOLD;
    }
    if (it->in_work > 0) {
        if (it->work_since > now || it->work_since < it->t_arrive)
            return CS_INV_TIMES;
        work += now - it->work_since;
    }
    if (it->t_arrive > now || it->due != it->t_arrive + it->xc->due ||
        work < 0 || !le_tol(work, now - it->t_arrive))
        return CS_INV_TIMES;
    for (int k = 0; k < it->nparts; k++)
        if (it->jobs[k].state == J_QUEUE &&
            (it->jobs[k].t_queue > now || it->jobs[k].t_queue < it->t_arrive))
            return CS_INV_TIMES;
    return CS_INV_OK;
}

/*
** The stuck list entries of a live item: a slot is listed exactly when it
** is a unit of the blocked item at a WIP-limited team (a live hold slot,
** or a finished part while another waits for room), and its entry points
** back to it.  Counts the listed units into tl.
*/
static int check_item_stuck(const cs_engine *e, const item *it, tally *tl)
{
    const int maxb = it->xc->maxb;

    for (int s = 0; s < 2 * maxb; s++) {
        const int pos = it->spos[s];
        const xteam *u;
        int want = s < maxb ? s < it->nhold && it->live[s] && it->blocked
                            : s - maxb < it->nparts && it->pending > 0 &&
                                  it->jobs[s - maxb].state == J_FINISHED;
        u = want ? &e->teams[unit_team(it, s)] : NULL;
        want = want && u->wip_limit > 0;
        if (!want) {
            if (pos != -1)
                return CS_INV_STUCK;
            continue;
        }
        if (pos < 0 || pos >= u->nstk || u->stk[pos].it != it ||
            u->stk[pos].slot != s)
            return CS_INV_STUCK;
        tl[unit_team(it, s)].stuck++;
    }
    return CS_INV_OK;
}

static void tally_item(const item *it, tally *tl)
{
    for (int k = 0; k < it->nparts; k++) {
        const job *const j = &it->jobs[k];
        tally *const c = &tl[j->team];
        c->wip += j->state != J_WAIT_ROOM;
        c->work += j->state == J_WORK;
        c->queue += j->state == J_QUEUE;
        c->wait += j->state == J_WAIT_ROOM;
        c->handoff += j->state == J_HANDOFF;
        c->res += j->state == J_RES;
        if (it->xc->steps[it->xc->steps[j->step].top].joint) {
            c->jwait += j->state == J_WAIT_ROOM;
            c->jqueue += j->state == J_QUEUE;
            c->jwork += j->state == J_WORK;
            c->jitems += k == 0 && j->state == J_WORK;
        }
    }
    for (int i = 0; i < it->nhold; i++)
        if (it->live[i]) {
            tl[it->hold[i]].wip++;
            tl[it->hold[i]].hold++;
        }
}

/* Every item of class xc: the live ones checked and tallied. */
static int check_pool(const cs_engine *e, const xclass *xc, tally *tl,
                      uint64_t *live, uint64_t *pat)
{
    uint64_t npat = 0;

    size_t carved = 0, nfree = 0, nlive = 0, nzombie = 0;

    for (size_t c = 0; c < xc->nchunks; c++) {
        carved += xc->chunks[c].n;
        for (size_t i = 0; i < xc->chunks[c].n; i++) {
            const item *const it =
                (const void *)(xc->chunks[c].mem + i * xc->item_size);
            int r;
            if (it->parts_left == 0) {
                nzombie += it->pat_ev != 0;
                continue;
            }
            nlive++;
            npat += it->pat_ev != 0;
            if (it->in_bl) {
                if (it->nparts != 0 || it->nhold != 0 || it->pos != -1)
                    return CS_INV_CONWIP;
                continue;
            }
            if ((r = check_item_place(e, xc, it)) != CS_INV_OK ||
                (r = check_item_parts(e, it)) != CS_INV_OK ||
                (r = check_item_stuck(e, it, tl)) != CS_INV_OK)
                return r;
            tally_item(it, tl);
        }
    }
    for (const item *it = xc->free; it != NULL; it = it->next_free)
        if (++nfree > carved || it->xc != xc || it->parts_left != 0 ||
            it->pat_ev)
            return CS_INV_POOL;
    if (nfree + nlive + nzombie != carved)
        return CS_INV_POOL;
    *live += nlive;
    *pat += nzombie + npat;
    return CS_INV_OK;
}

/* The tallies against the teams' and the engine's counters. */
static int check_tally(const cs_engine *e, const tally *tl, uint64_t live)
{
    long active = 0, evented = 0, arrivals = 0;
    size_t pending;

    for (int t = 0; t < e->nteams; t++) {
        const xteam *const u = &e->teams[t];
        if (u->wip != tl[t].wip)
            return CS_INV_TEAM_WIP;
        if ((u->shared ? u->nin : u->busy - u->nres) != tl[t].work ||
            u->nres != tl[t].res || u->njw != tl[t].jwait ||
            u->njq != tl[t].jqueue || u->nq != tl[t].queue ||
            u->nwait != tl[t].wait || u->nblocked != tl[t].hold)
            return CS_INV_TEAM_COUNTS;
        if (u->nstk != tl[t].stuck)
            return CS_INV_STUCK;
        active += tl[t].handoff + tl[t].queue + tl[t].work + tl[t].res;
        /* a shared team's work has its events on the team's stack, a
        ** joint step's one event (on_joint) */
        evented += tl[t].handoff + (u->shared ? u->nevs : tl[t].work) -
                   tl[t].jwork + tl[t].jitems;
    }
    if (e->active != active)
        return CS_INV_ACTIVE;
    for (int c = 0; c < e->nclasses; c++)
        arrivals += e->classes[c].r_arr != NULL;
    pending = cs_kernel_pending(e->sim);
    evented += e->nsched + (long)e->npat_ev + e->nescapes;
    if (pending < (size_t)evented || pending > (size_t)(evented + arrivals))
        return CS_INV_EVENTS;
    if (live != e->in_chain)
        return CS_INV_CHAIN;
    return CS_INV_OK;
}

/* No deadlock is left in a run that goes on: detection missed none. */
static int check_no_deadlock(const cs_engine *e)
{
    unsigned char *mark;
    int *list, r = CS_INV_OK;

    if (e->status != CS_OK)
        return CS_INV_OK;
    mark = e->dbg_mark;
    list = e->dbg_list;
    memset(mark, 0, (size_t)e->nteams + 1);
    if (stuck_teams(e, mark, list) > 0)
        r = CS_INV_DEADLOCK;
    return r;
}

/* Every invariant of the file header: O(teams + items + queued). */
static int check_invariants(const cs_engine *e)
{
    tally *tl;
    uint64_t live = 0, pat = 0;
    int r;

    if (e->status == CS_ENOMEM)
        return CS_INV_OK;
    if ((r = check_counters(e)) != CS_INV_OK ||
        (r = check_lists(e)) != CS_INV_OK)
        return r;
    tl = e->dbg_tl;
    memset(tl, 0, ((size_t)e->nteams + 1) * sizeof *tl);
    for (int c = 0; c < e->nclasses && r == CS_INV_OK; c++)
        r = check_pool(e, &e->classes[c], tl, &live, &pat);
    if (r == CS_INV_OK && pat != e->npat_ev)
        r = CS_INV_EVENTS;
    if (r == CS_INV_OK)
        r = check_tally(e, tl, live);
    if (r == CS_INV_OK)
        r = check_no_deadlock(e);
    return r;
}

COLD static void invariant_broken(const cs_engine *e, int inv)
{
    fprintf(stderr, "chainsim: engine invariant broken at day %.17g: %s\n",
            cs_kernel_now(e->sim), inv_names[inv]);
    abort();
}

/*
** After an event: the full check after each event until a run's full
** checks have visited FULL_WORK items (every event of a hand-sized test,
** a few of a 5,000-item backlog's), then on every dbg_stride-th
** event, dbg_stride being the power of two that keeps its cost at about
** FULL_BUDGET items per event (a live item costing about eight times a
** free one, which is skipped on parts_left); the O(teams) check on the
** others.
*/
static void check_after_event(cs_engine *e)
{
    int r;

    if (e->status == CS_ENOMEM)
        return;
    if (e->dbg_work < FULL_WORK || e->dbg_events % e->dbg_stride == 0) {
        size_t size = 0;
        for (int c = 0; c < e->nclasses; c++)
            for (size_t k = 0; k < e->classes[c].nchunks; k++)
                size += e->classes[c].chunks[k].n;
        size = size / 8 + (size_t)e->in_chain;
        e->dbg_work += size + 1;
        e->dbg_stride = 1;
        while (e->dbg_stride * FULL_BUDGET < size)
            e->dbg_stride *= 2;
        r = check_invariants(e);
    } else {
        r = check_counters(e);
    }
    e->dbg_events++;
    if (r != CS_INV_OK)
        invariant_broken(e, r);
}

#define CHECK_INVARIANTS(e) check_after_event(e)

#else
#define CHECK_INVARIANTS(e) ((void)0)
#endif /* CS_DEBUG */

/* ---- event handlers -------------------------------------------------- */

/* End of every handler: admit waiters where room opened, then look for a
** deadlock where units got stuck. */
static void settle_slow(cs_engine *e, double now)
{
    if (e->nwork > 0)
        drain_rooms(e, now);
    if (e->nseeds > 0)
        check_seeds(e, now);
}

static inline void settle(cs_engine *e, double now)
{
    if (e->nwork > 0 || e->nseeds > 0)
        settle_slow(e, now);
}

/* Part j has finished its work now (its team's counts already down):
** the item takes its next step when it was the last part. */
ALWAYS_INLINE static inline void part_finished(cs_engine *e, job *j,
                                               double now)
{
    item *const it = j->it;

    e->active--;
    if (--it->in_work == 0)
        it->work += now - it->work_since;
    j->state = J_FINISHED;
    TRACE(e, now, it, j->team, j->step, EV_FINISH);
    if (--it->parts_left == 0) {
        /* The part that finishes last is the visit's: its admission,
        ** hand-off, queue and work cover the step from the move on. */
        if (it->counted) {
            double *const a = &it->acc[j->slot * CS_BRK_N];
            a[CS_BRK_ADMISSION] += j->t_enter - j->t_move;
            a[CS_BRK_HANDOFF] += j->t_queue - j->t_enter;
            a[CS_BRK_QUEUE] += j->t_start - j->t_queue;
            a[CS_BRK_WORK] += now - j->t_start;
        }
        if (e->trace != NULL && it->nparts > 0 &&
            it->xc->steps[it->jobs[0].step].top != it->jobs[0].step)
            emit(e, now, it, -1, it->xc->route[it->pos], EV_JOIN);
        it->nhold = it->nparts;
        for (int k = 0; k < it->nparts; k++) {
            it->hold[k] = it->jobs[k].team;
            it->live[k] = 1;
        }
        item_next(e, it, now);
    } else if (it->pending > 0) {
        /* A branch finished while a sibling waits for room: stuck here. */
        stick(e, it, it->xc->maxb + (int)(j - it->jobs), j->team);
    } else if (it->expired) {
        abandon_later(e, it);   /* the siblings left may all be queued */
    }
}

static void on_finish(cs_sim *sim, void *ctx, void *data)
{
    cs_engine *const e = ctx;
    job *const j = data;
    xteam *const u = &e->teams[j->team];
    const double now = cs_kernel_now(sim);

    team_clock(u, now);
    u->busy--;
    if (j->it->xc->fd)
        fd_add(e, u, j, now);
    part_finished(e, j, now);
    if (u->nq > 0)
        dispatch(e, u, now);
    settle(e, now);
    CHECK_INVARIANTS(e);
}

/*
** The joint item it finishes its step at every team at once (see "joint
** work").  The part that reached its queue last finishes last: its
** admission, hand-off, queue and work are the step's in the breakdown.
*/
static void on_joint(cs_sim *sim, void *ctx, void *data)
{
    cs_engine *const e = ctx;
    item *const it = data;
    const double now = cs_kernel_now(sim);
    const int n = it->nparts;
    int teams[CS_JOINT_MAX], last = 0;

    ASSUME(n >= 2 && n <= CS_JOINT_MAX);
    for (int k = 0; k < n; k++) {
        job *const j = &it->jobs[k];
        xteam *const u = &e->teams[j->team];
        teams[k] = j->team;
        if (j->t_queue > it->jobs[last].t_queue)
            last = k;
        team_clock(u, now);
        u->busy--;
        if (it->xc->fd)
            fd_add(e, u, j, now);
    }
    for (int k = 0; k < n; k++)
        if (k != last)
            part_finished(e, &it->jobs[k], now);
    part_finished(e, &it->jobs[last], now);
    for (int k = 0; k < n; k++)
        if (e->teams[teams[k]].nq > 0)
            dispatch(e, &e->teams[teams[k]], now);
    settle(e, now);
    CHECK_INVARIANTS(e);
}

/* An event of a shared team (see "shared work"): the due finish when it
** is due now, else only a fresh look. */
static void on_shared(cs_sim *sim, void *ctx, void *data)
{
    cs_engine *const e = ctx;
    xteam *const u = data;
    const double now = cs_kernel_now(sim);

    ASSUME(u->nevs > 0 && u->evs[u->nevs - 1] == now);
    u->nevs--;
    sh_advance(u, now);
    if (now == u->fin_due && u->nin > 0) {
        job *const j = u->run[0];
        team_clock(u, now);
        /* exactly its level: no rounding left over */
        if (j->level > u->vt)
            u->vt = j->level;
        run_remove(u, j);
        u->nin--;
        u->nfd -= j->it->xc->fd;
        sh_count(u);
        /* the interrupted time goes to the queue (part_finished's
        ** breakdown counts from t_start) */
        j->t_start += j->t_susp;
        j->nint = 0;
        if (now >= e->warmup) {
            u->susp_sum += j->t_susp;
            u->fin_n++;
        }
        part_finished(e, j, now);
        sh_dispatch(e, u, now);
    }
    sh_arm(e, u, now);
    settle(e, now);
    CHECK_INVARIANTS(e);
}

static void on_handoff(cs_sim *sim, void *ctx, void *data)
{
    cs_engine *const e = ctx;
    const double now = cs_kernel_now(sim);

    join_queue(e, data, now, 1);
    settle(e, now);
    CHECK_INVARIANTS(e);
}

/* An item's patience ran out (its only event; the item may be done). */
static void on_patience(cs_sim *sim, void *ctx, void *data)
{
    cs_engine *const e = ctx;
    item *const it = data;
    const double now = cs_kernel_now(sim);

    it->pat_ev = 0;
    e->npat_ev--;
    if (it->parts_left == 0) {
        /* done before: back to the pool now */
        it->next_free = it->xc->free;
        it->xc->free = it;
    } else if (item_waits(it)) {
        abandon(e, it, now);
    } else {
        it->expired = 1;
    }
    settle(e, now);
    CHECK_INVARIANTS(e);
}

/* A defect found now: an item of the class data arrives, its first
** pass drawn from the class's "escaped" stream. */
static void on_escape(cs_sim *sim, void *ctx, void *data)
{
    cs_engine *const e = ctx;
    xclass *const xc = data;
    const double now = cs_kernel_now(sim);
    item *it;

    e->nescapes--;
    e->out->escaped++;
    it = item_enter(e, xc, now, now, 0, xc->r_escaped);
    if (it != NULL)
        item_next(e, it, now);
    settle(e, now);
    CHECK_INVARIANTS(e);
}

static double next_gap(xclass *xc)
{
    const cs_class *const c = xc->c;

    ASSUME(xc->r_arr != NULL);
    if (c->arrival == CS_ARRIVE_RATE)
        return gsl_ran_exponential(xc->r_arr, 1.0 / c->rate);
    return cs_dist_sample(&c->interval, xc->r_arr);
}

/*
** The next arrival after now of a class with a demand profile: the time
** at which the integral of the factor from now reaches g, a gap drawn at
** the base rate (inversion of the cumulative rate: with the factor 1 it
** is now + g, and a variant that changes the profile maps the same draws
** onto its own times).  INFINITY when that is beyond the horizon.
*/
COLD static double profile_next(const cs_engine *e, const cs_class *c,
                                double now, double g)
{
    const cs_profile_step *const p = c->profile;
    const int n = c->nprofile;
    const double per = c->profile_every;
    double base = per > 0 ? per * floor(now / per) : 0.0;
    double x = now;
    int i = 0;

    while (i < n && base + p[i].from <= x)
        i++;
    for (;;) {
        const double f = i > 0 ? p[i - 1].factor : 1.0;
        const double end = i < n ? base + p[i].from
                           : per > 0 ? base + per
                                     : INFINITY;
        if (end > x && f > 0) {
            const double room = (end - x) * f;
            if (g <= room)
                return x + g / f;
            g -= room;
        }
        if (end > e->horizon)
            return INFINITY;
        if (end > x)
            x = end;
        if (i < n) {
            i++;
            continue;
        }
        base += per;
        i = 0;
        while (i < n && base + p[i].from <= x)
            i++;
    }
}

/* The time of the class's next arrival after now; > horizon: none. */
static double next_arrival(const cs_engine *e, xclass *xc, double now)
{
    if (xc->c->nprofile > 0)
        return profile_next(e, xc->c, now, next_gap(xc));
    return now + next_gap(xc);
}

static void on_arrival(cs_sim *sim, void *ctx, void *data)
{
    cs_engine *const e = ctx;
    xclass *const xc = data;
    const double now = cs_kernel_now(sim);
    double t;

    for (int b = 0; b < xc->c->batch; b++)
        arrive(e, xc, now, 0);
    t = next_arrival(e, xc, now);
    if (t <= e->horizon)
        schedule(e, t, on_arrival, xc);
    settle(e, now);
    CHECK_INVARIANTS(e);
}

/*
** Capacity schedules (SPEC 4.1).  A team with a schedule keeps one event
** in the kernel: its next change, entry sc_i of period sc_k (sc_i ==
** nschedule: the end of the period, back to the base capacity).
*/

/* When u's next scheduled change happens; INFINITY: never. */
static double sched_time(const xteam *u)
{
    const cs_team *const tm = u->tm;

    if (u->sc_i < tm->nschedule)
        return u->sc_k * tm->schedule_every + tm->schedule[u->sc_i].from;
    if (tm->schedule_every > 0)
        return (u->sc_k + 1) * tm->schedule_every;
    return INFINITY;
}

/* Applies every change of u's schedule due at or before now. */
static void sched_apply(xteam *u, double now)
{
    const cs_team *const tm = u->tm;

    while (sched_time(u) <= now) {
        if (u->sc_i < tm->nschedule) {
            u->capacity = tm->schedule[u->sc_i].capacity;
            u->sc_i++;
        } else {
            u->sc_k += 1;
            u->sc_i = 0;
            u->capacity = tm->capacity;
        }
    }
}

static void on_capacity(cs_sim *sim, void *ctx, void *data);

/* Puts the next change of any team's schedule in the kernel (one event
** for all teams, so the schedules add one entry to the event heap), when
** it is within the horizon. */
static void sched_arm(cs_engine *e)
{
    double t = INFINITY;

    for (int k = 0; k < e->nscheduled; k++) {
        const double x = sched_time(&e->teams[e->scheduled[k]]);
        if (x < t)
            t = x;
    }
    if (t <= e->horizon) {
        e->nsched++;
        schedule(e, t, on_capacity, NULL);
    }
}

/* The changes of the teams' schedules due now, team by team. */
static void on_capacity(cs_sim *sim, void *ctx, void *data)
{
    cs_engine *const e = ctx;
    const double now = cs_kernel_now(sim);

    (void)data;
    e->nsched--;
    for (int k = 0; k < e->nscheduled; k++) {
        xteam *const u = &e->teams[e->scheduled[k]];
        const int before = u->capacity;
        if (sched_time(u) > now)
            continue;
        team_clock(u, now);
        if (u->shared)
            sh_advance(u, now);
        sched_apply(u, now);
        /* a drop interrupts nothing: no work starts until fewer than the
        ** new capacity are in work */
        if (u->shared) {
            /* the multitasking share and busy follow the capacity */
            sh_count(u);
            sh_dispatch(e, u, now);
            sh_arm(e, u, now);
        } else if (u->capacity > before && u->nq > 0)
            dispatch(e, u, now);
    }
    sched_arm(e);
    settle(e, now);
    CHECK_INVARIANTS(e);
}

/* ---- engine ---------------------------------------------------------- */

static uint64_t skey(const char *kind, const char *cls, const char *id)
{
    uint64_t k = cs_stream_key(0, kind);

    k = cs_stream_key(k, cls);
    return id != NULL ? cs_stream_key(k, id) : k;
}

static gsl_rng *stream_new(cs_engine *e, uint64_t key)
{
    gsl_rng *r;

    if (e->nstreams == e->cap_streams) {
        const size_t cap = e->cap_streams ? 2 * e->cap_streams : 32;
        stream *s = realloc(e->streams, cap * sizeof *s);
        if (s == NULL)
            return NULL;
        e->streams = s;
        e->cap_streams = cap;
    }
    r = gsl_rng_alloc(gsl_rng_taus2);
    if (r == NULL)
        return NULL;
    e->streams[e->nstreams].r = r;
    e->streams[e->nstreams].key = key;
    e->nstreams++;
    return r;
}

/* ("kind", class, step id, "#n"): a stream of an option or an
** alternative of a routed step. */
static uint64_t skey_sub(const char *kind, const char *cls, const char *id,
                         int n)
{
    char sub[16];

    snprintf(sub, sizeof sub, "#%d", n);
    return cs_stream_key(skey(kind, cls, id), sub);
}

/* A first-pass draw slot of the class's items beyond the steps' own. */
static int slot_new(xclass *xc)
{
    return xc->nslots++;
}

/*
** The routed step s (id its stream name): its alternatives, options,
** escapes and their streams and draw slots (see the file header).
*/
static int routed_init(cs_engine *e, xclass *xc, int s, const char *id)
{
    const cs_model *const m = e->m;
    const cs_class *const k = xc->c;
    const cs_step *const st = &k->steps[s];
    xstep *const x = &xc->steps[s];
    const char *const cname = k->name;
    const int again = xc->has_rework;

    x->nctx = cs_model_step_nctx(k, s);
    x->nalt = cs_model_step_alts(k, s);
    x->nopt = st->noptions;
    x->alt = calloc((size_t)x->nalt, sizeof *x->alt);
    x->opt = calloc((size_t)x->nopt + 1, sizeof *x->opt);
    if (x->alt == NULL || x->opt == NULL)
        return -1;
    if (x->nopt > 0) {
        double cum = 0.0;
        x->choice_at = slot_new(xc);
        if ((x->r_choice = stream_new(e, skey("choice", cname, id))) == NULL ||
            (again && (x->a_choice = stream_new(
                           e, skey("choice-again", cname, id))) == NULL))
            return -1;
        for (int o = 0; o < x->nopt; o++) {
            xopt *const op = &x->opt[o];
            cum += st->options[o].p;
            op->cum = o == x->nopt - 1 ? 2.0 : cum;
            op->effort = &st->options[o].effort;
            op->eat = slot_new(xc);
            if ((op->r_effort = stream_new(
                     e, skey_sub("effort", cname, id, o))) == NULL ||
                (again && (op->a_effort = stream_new(
                               e, skey_sub("effort-again", cname, id, o))) ==
                              NULL))
                return -1;
        }
    }
    for (int a = 0; a < x->nalt; a++) {
        xalt *const al = &x->alt[a];
        const cs_option *const op =
            x->nopt > 0 ? &st->options[a / x->nctx] : NULL;
        al->team = cs_model_alt_team(k, s, a);
        al->slot = cs_model_alt_slot(k, s, a);
        al->handoff = op != NULL && op->has_handoff ? &op->handoff
                      : st->has_handoff ? &st->handoff
                      : m->teams[al->team].has_handoff
                          ? &m->teams[al->team].handoff
                          : NULL;
        if (al->handoff == NULL)
            continue;
        al->hat = slot_new(xc);
        if ((al->r_handoff = stream_new(
                 e, x->nalt == 1 ? skey("handoff", cname, id)
                                 : skey_sub("handoff", cname, id, a))) ==
                NULL ||
            (again &&
             (al->a_handoff = stream_new(
                  e, x->nalt == 1 ? skey("handoff-again", cname, id)
                                  : skey_sub("handoff-again", cname, id,
                                             a))) == NULL))
            return -1;
    }
    x->team = x->alt[0].team;
    if (!st->has_escapes)
        return 0;
    /* a validated model has at most 64 steps with escapes in a class */
    assert(xc->nesc < 64);
    x->esc_bit = xc->nesc;
    xc->esc_steps[xc->nesc++] = s;
    x->esc_p = st->escape_p;
    x->esc_after = &st->escape_after;
    x->esc_work = st->escape_work;
    x->esc_at = slot_new(xc);
    (void)slot_new(xc);
    if ((x->r_esc = stream_new(e, skey("escape", cname, id))) == NULL ||
        (x->r_esc_after = stream_new(e, skey("escape-after", cname, id))) ==
            NULL)
        return -1;
    return 0;
}

/* Streams of step s (top-level position pos, branch b or -1). */
static int step_streams(cs_engine *e, xclass *xc, int s, int pos, int b)
{
    const cs_step *const st = &xc->c->steps[s];
    xstep *const x = &xc->steps[s];
    const char *const cname = xc->c->name;
    char idbuf[48];
    const char *id = st->id;
    /* a joint step draws the shared effort (its parts draw none) */
    const int in_joint = b >= 0 && xc->c->steps[x->top].joint;
    const int effort = (st->kind == CS_STEP_WORK && st->noptions == 0 &&
                        !in_joint) || st->joint;

    if (id == NULL) {
        if (b < 0)
            snprintf(idbuf, sizeof idbuf, "#%d", pos);
        else
            snprintf(idbuf, sizeof idbuf, "#%d.%d", pos, b);
        id = idbuf;
    }
    if (in_joint && xc->c->steps[x->top].id != NULL && st->id != NULL) {
        /* a part's streams (hand-off) under the joint step's id */
        snprintf(idbuf, sizeof idbuf, "%.30s/%.16s",
                 xc->c->steps[x->top].id, st->id);
        id = idbuf;
    }
    if (x->kind == X_ROUTED && routed_init(e, xc, s, id) != 0)
        return -1;
    if (effort &&
        (x->r_effort = stream_new(e, skey("effort", cname, id))) == NULL)
        return -1;
    if (x->p < 1.0 && (x->r_p = stream_new(e, skey("p", cname, id))) == NULL)
        return -1;
    if (x->has_rework &&
        (x->r_rework = stream_new(e, skey("rework", cname, id))) == NULL)
        return -1;
    if (x->handoff != NULL &&
        (x->r_handoff = stream_new(e, skey("handoff", cname, id))) == NULL)
        return -1;
    /* a resume cost is drawn when a part resumes, on every pass */
    if (x->resume != NULL &&
        (x->r_resume = stream_new(e, skey("resume", cname, id))) == NULL)
        return -1;
    if (!xc->has_rework)
        return 0;
    /* Repeated passes draw from streams of their own, so how many repeats
       the queue order lets happen before an arrival cannot shift the
       first-pass draws of later items. */
    if (effort &&
        (x->a_effort = stream_new(e, skey("effort-again", cname, id))) == NULL)
        return -1;
    if (x->p < 1.0 &&
        (x->a_p = stream_new(e, skey("p-again", cname, id))) == NULL)
        return -1;
    if (x->has_rework &&
        (x->a_rework = stream_new(e, skey("rework-again", cname, id))) == NULL)
        return -1;
    if (x->handoff != NULL &&
        (x->a_handoff = stream_new(e, skey("handoff-again", cname, id))) ==
            NULL)
        return -1;
    return 0;
}

static void draw_add(xclass *xc, gsl_rng *r, const cs_dist *d, int s,
                     int field)
{
    if (r == NULL)
        return;
    xc->draws[xc->ndraws].r = r;
    xc->draws[xc->ndraws].d = d;
    xc->draws[xc->ndraws].at = s * D_N + field;
    xc->ndraws++;
}

/* A draw into slot at (beyond the steps' own). */
static void draw_at(xclass *xc, gsl_rng *r, const cs_dist *d, int at)
{
    if (r == NULL)
        return;
    xc->draws[xc->ndraws].r = r;
    xc->draws[xc->ndraws].d = d;
    xc->draws[xc->ndraws].at = at;
    xc->ndraws++;
}

/* The first-pass draws of an arrival: every stream of every step (a
** routed step's after its own: choice, options' efforts, alternatives'
** hand-offs, escape and its delay). */
static int draws_init(xclass *xc)
{
    xc->draws = calloc((size_t)xc->nslots + 1, sizeof *xc->draws);
    if (xc->draws == NULL)
        return -1;
    for (int s = 0; s < xc->nsteps; s++) {
        const xstep *const x = &xc->steps[s];
        draw_add(xc, x->r_p, NULL, s, D_P);
        draw_add(xc, x->r_rework, NULL, s, D_REWORK);
        draw_add(xc, x->r_effort, x->effort, s, D_EFFORT);
        draw_add(xc, x->r_handoff, x->handoff, s, D_HANDOFF);
        if (x->kind != X_ROUTED)
            continue;
        draw_at(xc, x->r_choice, NULL, x->choice_at);
        for (int o = 0; o < x->nopt; o++)
            draw_at(xc, x->opt[o].r_effort, x->opt[o].effort, x->opt[o].eat);
        for (int a = 0; a < x->nalt; a++)
            draw_at(xc, x->alt[a].r_handoff, x->alt[a].handoff,
                    x->alt[a].hat);
        draw_at(xc, x->r_esc, NULL, x->esc_at);
        draw_at(xc, x->r_esc_after, x->esc_after, x->esc_at + 1);
    }
    return 0;
}

static size_t round_up(size_t n, size_t a)
{
    return (n + a - 1) / a * a;
}

static int class_init(cs_engine *e, int c)
{
    const cs_model *const m = e->m;
    const cs_class *const k = &m->classes[c];
    xclass *const xc = &e->classes[c];
    const size_t al = _Alignof(max_align_t);

    xc->c = k;
    xc->idx = c;
    xc->nsteps = k->nsteps;
    xc->nroute = k->nroute;
    xc->route = k->route;
    xc->due = k->has_due ? k->due : INFINITY;
    xc->prio_key = -(double)k->priority;
    xc->cod = k->cost_of_delay;
    xc->maxb = 1;
    xc->steps = calloc((size_t)k->nsteps + 1, sizeof *xc->steps);
    xc->lt_promises = calloc((size_t)m->npromises + 1, sizeof(int));
    if (xc->steps == NULL || xc->lt_promises == NULL)
        return -1;
    for (int s = 0; s < k->nsteps; s++) {
        const cs_step *const st = &k->steps[s];
        xstep *const x = &xc->steps[s];
        x->kind = (int)st->kind;
        x->joint = st->joint;
        x->team = st->kind == CS_STEP_WORK ? st->team : -1;
        x->top = s;
        x->bfirst = st->branch_first;
        x->nb = st->nbranches;
        x->p = st->p;
        x->has_rework = st->has_rework && st->rework_p > 0;
        x->rework_p = st->rework_p;
        x->rework_to = st->rework_to;
        x->factor = st->rework_factor > 0 ? st->rework_factor : 1.0;
        x->effort = &st->effort;
        x->handoff = st->kind != CS_STEP_WORK ? NULL
                     : st->has_handoff ? &st->handoff
                     : m->teams[st->team].has_handoff ? &m->teams[st->team].handoff
                                                      : NULL;
        /* a resume cost when some team the step may go to has one (the
        ** resuming team's own is drawn, from the step's stream) */
        for (int a = 0; st->kind == CS_STEP_WORK && x->resume == NULL &&
                        a < cs_model_step_alts(k, s);
             a++) {
            const cs_team *const tm = &m->teams[cs_model_alt_team(k, s, a)];
            if (tm->discipline == CS_DISC_PREEMPTIVE && tm->has_resume_cost)
                x->resume = &tm->resume_cost;
        }
        x->esc_bit = -1;
        if (st->kind == CS_STEP_WORK &&
            (st->noptions > 0 || cs_model_step_alts(k, s) > 1 ||
             st->has_escapes)) {
            /* the alternatives carry the team, hand-off and slot */
            x->kind = X_ROUTED;
            x->handoff = NULL;
        }
        if (st->kind == CS_STEP_PARALLEL && st->nbranches > xc->maxb)
            xc->maxb = st->nbranches;
    }
    xc->nslots = k->nsteps * D_N;
    xc->nbrk = cs_model_brk_slots(k);
    xc->fd = cs_model_is_escape_target(m, c);
    xc->esc_steps = calloc((size_t)k->nsteps + 1, sizeof *xc->esc_steps);
    if (xc->esc_steps == NULL)
        return -1;
    if (k->ncontexts > 0) {
        double cum = 0.0;
        xc->nctx = k->ncontexts;
        if ((xc->ctx_cum = calloc((size_t)k->ncontexts, sizeof *xc->ctx_cum))
            == NULL)
            return -1;
        for (int q = 0; q < k->ncontexts; q++) {
            cum += k->context_share[q];
            xc->ctx_cum[q] = q == k->ncontexts - 1 ? 2.0 : cum;
        }
        if ((xc->r_ctx = stream_new(e, skey("context", k->name, NULL))) ==
            NULL)
            return -1;
    }
    for (int pos = 0; pos < k->nroute; pos++)
        if (k->steps[k->route[pos]].has_rework)
            xc->has_rework = 1;
    for (int pos = 0; pos < k->nroute; pos++) {
        const int s = k->route[pos];
        /* A validated model sends rework back, never forward. */
        assert(!xc->steps[s].has_rework ||
               (xc->steps[s].rework_to >= 0 && xc->steps[s].rework_to <= pos));
        if (step_streams(e, xc, s, pos, -1) != 0)
            return -1;
        if (k->steps[s].kind != CS_STEP_PARALLEL)
            continue;
        for (int b = 0; b < k->steps[s].nbranches; b++) {
            const int bs = k->steps[s].branch_first + b;
            xc->steps[bs].top = s;
            if (step_streams(e, xc, bs, pos, b) != 0)
                return -1;
        }
    }
    if (draws_init(xc) != 0)
        return -1;
    if (k->arrival != CS_ARRIVE_NONE &&
        (xc->r_arr = stream_new(e, skey("arrivals", k->name, NULL))) == NULL)
        return -1;
    if (k->nstart > 0 &&
        (xc->r_start = stream_new(e, skey("start", k->name, NULL))) == NULL)
        return -1;
    xc->wip_limit = k->wip_limit;
    if (k->has_patience) {
        xc->pat = &k->patience;
        if ((xc->r_pat = stream_new(e, skey("patience", k->name, NULL))) ==
            NULL)
            return -1;
    }
    if (xc->fd &&
        (xc->r_escaped = stream_new(e, skey("escaped", k->name, NULL))) ==
            NULL)
        return -1;
    for (int p = 0; p < m->npromises; p++) {
        const cs_promise *const pr = &m->promises[p];
        if (pr->kind == CS_PROMISE_LEAD_TIME && !pr->at_team &&
            cs_model_promise_covers(pr, c))
            xc->lt_promises[xc->nlt++] = p;
    }
    xc->off_jobs = round_up(sizeof(item), al);
    xc->off_draws = xc->off_jobs + (size_t)xc->maxb * sizeof(job);
    xc->off_acc = xc->off_draws + (size_t)xc->nslots * sizeof(double);
    xc->off_holdt =
        xc->off_acc + (size_t)xc->nbrk * CS_BRK_N * sizeof(double);
    xc->off_pass = xc->off_holdt + (size_t)xc->maxb * sizeof(double);
    xc->off_hold = round_up(xc->off_pass + (size_t)k->nsteps * sizeof(int), al);
    xc->off_live = xc->off_hold + (size_t)xc->maxb * sizeof(int);
    xc->off_spos = round_up(xc->off_live + (size_t)xc->maxb, sizeof(int));
    xc->item_size =
        round_up(xc->off_spos + 2 * (size_t)xc->maxb * sizeof(int), al);
    xc->next_chunk = FIRST_CHUNK;
    return 0;
}

cs_engine *cs_engine_new(const cs_model *m)
{
    cs_engine *e = calloc(1, sizeof *e);
    double *load = NULL;
    double best = 0.0;

    if (e == NULL)
        return NULL;
    e->m = m;
    e->nteams = m->nteams;
    e->nclasses = m->nclasses;
    e->max_items = DEFAULT_MAX_ITEMS;
    e->busiest = -1;
    e->sim = cs_kernel_new(0);
    e->teams = calloc((size_t)m->nteams + 1, sizeof *e->teams);
    e->classes = calloc((size_t)m->nclasses + 1, sizeof *e->classes);
    e->work = calloc((size_t)m->nteams + 3, sizeof *e->work);
    e->seeds = calloc((size_t)m->nteams + 1, sizeof *e->seeds);
    e->dlist = calloc((size_t)m->nteams + 1, sizeof *e->dlist);
    e->dqueue = calloc((size_t)m->nteams + 1, sizeof *e->dqueue);
    e->dmark = calloc((size_t)m->nteams + 1, 1);
    e->dreach = calloc((size_t)m->nteams + 1, 1);
    e->scheduled = calloc((size_t)m->nteams + 1, sizeof *e->scheduled);
    load = calloc((size_t)m->nteams + 1, sizeof *load);
    if (e->sim == NULL || e->teams == NULL || e->classes == NULL ||
        e->work == NULL || e->seeds == NULL || e->dlist == NULL ||
        e->dqueue == NULL || e->dmark == NULL || e->dreach == NULL ||
        e->scheduled == NULL ||
        load == NULL)
        goto fail;
#ifdef CS_DEBUG
    e->dbg_tl = calloc((size_t)m->nteams + 1, sizeof *e->dbg_tl);
    e->dbg_mark = calloc((size_t)m->nteams + 1, 1);
    e->dbg_list = calloc((size_t)m->nteams + 1, sizeof *e->dbg_list);
    if (e->dbg_tl == NULL || e->dbg_mark == NULL || e->dbg_list == NULL)
        goto fail;
#endif
    for (int t = 0; t < m->nteams; t++) {
        const cs_team *const tm = &m->teams[t];
        xteam *const u = &e->teams[t];
        u->name = tm->name;
        u->capacity = tm->capacity;
        u->wip_limit = tm->wip_limit;
        u->disc = tm->discipline;
        u->focus = tm->focus > 0 ? tm->focus : 1.0;
        /* the team's hand-off, a step's at this team or an intake */
        u->gated = tm->has_handoff || tm->intake_every > 0;
        for (int c = 0; c < m->nclasses && !u->gated; c++)
            for (int s = 0; s < m->classes[c].nsteps; s++) {
                const cs_class *const k = &m->classes[c];
                const cs_step *const st = &k->steps[s];
                const int nctx = cs_model_step_nctx(k, s);
                if (st->kind != CS_STEP_WORK)
                    continue;
                for (int a = 0; a < cs_model_step_alts(k, s); a++)
                    if (cs_model_alt_team(k, s, a) == t &&
                        (st->has_handoff ||
                         (st->noptions > 0 &&
                          st->options[a / nctx].has_handoff)))
                        u->gated = 1;
            }
        u->tm = tm;
        u->intake_every = tm->intake_every;
        u->intake_offset = tm->intake_offset;
        u->prod = tm->nproductivity > 0 ? tm->productivity : NULL;
        u->nprod = tm->nproductivity;
        u->prod_end = u->prod != NULL ? u->prod[u->nprod - 1].at : -INFINITY;
        u->prod_tail = u->prod != NULL ? 1.0 / u->prod[u->nprod - 1].factor
                                       : 1.0;
        u->mt = tm->items_per_person > 0;
        u->per = u->mt ? tm->items_per_person : 1;
        u->sw_loss = tm->switch_loss;
        u->shared = u->mt || tm->discipline == CS_DISC_PREEMPTIVE;
        for (int c = 0; c < m->nclasses; c++)
            for (int s = 0; s < m->classes[c].nsteps; s++) {
                const cs_step *const st = &m->classes[c].steps[s];
                for (int b = 0; st->joint && b < st->nbranches; b++)
                    if (m->classes[c].steps[st->branch_first + b].team == t)
                        u->jt = 1;
            }
        u->slow = u->prod != NULL || u->shared || u->jt;
        if (tm->nschedule > 0)
            e->scheduled[e->nscheduled++] = t;
        /* a patient class reaches t by a plain step, a choice option
        ** or a context's team */
        for (int c = 0; c < m->nclasses; c++) {
            const cs_class *const k = &m->classes[c];
            if (!k->has_patience)
                continue;
            for (int s = 0; s < k->nsteps; s++) {
                if (k->steps[s].kind != CS_STEP_WORK)
                    continue;
                for (int a = 0; a < cs_model_step_alts(k, s); a++)
                    if (cs_model_alt_team(k, s, a) == t)
                        u->pat = 1;
            }
        }
        for (int p = 0; p < m->npromises; p++)
            if (m->promises[p].at_team && m->promises[p].team == t)
                u->ntp++;
        if (u->ntp > 0) {
            if ((u->tp = calloc((size_t)u->ntp, sizeof *u->tp)) == NULL)
                goto fail;
            u->ntp = 0;
            for (int p = 0; p < m->npromises; p++)
                if (m->promises[p].at_team && m->promises[p].team == t)
                    u->tp[u->ntp++] = p;
            e->tp_any = 1;
        }
    }
    e->conwip = cs_model_has_conwip(m);
    e->pat_any = cs_model_has_patience(m);
    e->wip_limit = m->wip_limit;
    for (int c = 0; c < m->nclasses; c++)
        if (class_init(e, c) != 0)
            goto fail;
    cs_model_offered_load(m, load);
    for (int t = 0; t < m->nteams; t++)
        if (load[t] > best) {
            best = load[t];
            e->busiest = t;
        }
    free(load);
    return e;
fail:
    free(load);
    cs_engine_free(e);
    return NULL;
}

void cs_engine_free(cs_engine *e)
{
    if (e == NULL)
        return;
    for (size_t i = 0; i < e->nstreams; i++)
        gsl_rng_free(e->streams[i].r);
    free(e->streams);
    if (e->classes != NULL)
        for (int c = 0; c < e->nclasses; c++) {
            xclass *const xc = &e->classes[c];
            for (size_t k = 0; k < xc->nchunks; k++)
                free(xc->chunks[k].mem);
            free(xc->chunks);
            for (int s = 0; xc->steps != NULL && s < xc->nsteps; s++) {
                free(xc->steps[s].alt);
                free(xc->steps[s].opt);
            }
            free(xc->steps);
            free(xc->esc_steps);
            free(xc->ctx_cum);
            free(xc->draws);
            free(xc->lt_promises);
        }
    if (e->teams != NULL)
        for (int t = 0; t < e->nteams; t++) {
            free(e->teams[t].heap);
            free(e->teams[t].stk);
            free(e->teams[t].run);
            free(e->teams[t].evs);
            free(e->teams[t].resv);
            free(e->teams[t].tp);
        }
    free(e->classes);
    free(e->teams);
    free(e->work);
    free(e->seeds);
    free(e->dlist);
    free(e->dqueue);
    free(e->dmark);
    free(e->dreach);
    free(e->scheduled);
    free(e->aband);
#ifdef CS_DEBUG
    free(e->dbg_tl);
    free(e->dbg_mark);
    free(e->dbg_list);
#endif
    cs_kernel_free(e->sim);
    free(e);
}

void cs_engine_set_trace(cs_engine *e, cs_trace_fn fn, void *ctx)
{
    e->trace = fn;
    e->trace_ctx = fn != NULL ? ctx : NULL;
}

void cs_engine_set_max_items(cs_engine *e, uint64_t max)
{
    e->max_items = max > 0 ? max : DEFAULT_MAX_ITEMS;
}

void cs_engine_set_max_bytes(cs_engine *e, size_t max)
{
    e->max_bytes = max;
    cs_kernel_set_max_bytes(e->sim, max == 0 ? 0
                                    : max > e->bytes ? max - e->bytes : 1);
}

void cs_engine_set_stop(cs_engine *e, const atomic_int *stop)
{
    e->stop = stop;
}

/* Clean state for a replication: clock, teams, pools, streams, windows. */
static void run_reset(cs_engine *e, uint64_t rep, double warmup)
{
    const cs_model *const m = e->m;

    cs_kernel_reset(e->sim);
    for (size_t i = 0; i < e->nstreams; i++)
        gsl_rng_set(e->streams[i].r,
                    cs_stream_seed(m->seed, rep, e->streams[i].key));
    for (int t = 0; t < e->nteams; t++) {
        xteam *const u = &e->teams[t];
        u->busy = u->wip = u->nq = u->nblocked = u->nwait = 0;
        u->in_work_list = 0;
        u->njw = u->njq = u->nres = 0;
        u->a_res = 0.0;
        u->nstk = 0;
        u->in_seeds = 0;
        u->breaks = 0;
        u->qhead = u->qtail = u->whead = u->wtail = NULL;
        u->wait_sum = 0.0;
        u->wait_n = 0;
        u->adm_sum = 0.0;
        u->adm_n = 0;
        u->last = warmup;
        u->a_busy = u->a_queue = u->a_wip = u->a_blocked = 0.0;
        u->a_fd = 0.0;
        u->fd_last = warmup;
        u->nfd = 0;
        u->over = 0;
        u->capacity = u->tm->capacity;
        u->a_over = 0.0;
        u->sc_i = 0;
        u->sc_k = 0.0;
        if (u->tm->nschedule > 0)
            sched_apply(u, 0.0);
        u->tl_out = e->out->nperiods > 0 ? &e->out->period_teams[t] : NULL;
        u->tl_stride = (size_t)e->nteams;
        u->tl_period = e->out->period;
        u->tl_end = m->horizon;
        u->tl_n = e->out->nperiods;
        u->tl_k = 0;
        u->tl_from = u->tl_last = 0.0;
        u->tl_next = u->tl_n > 1 ? u->tl_period : m->horizon;
        u->tl_busy = u->tl_wip = u->tl_over = u->tl_sched = 0.0;
        u->nin = u->nevs = 0;
        u->vt = u->vt_last = 0.0;
        u->vt_rate = 1.0;
        u->fin_due = INFINITY;
        u->rseq = u->interrupts = u->fin_n = 0;
        u->susp_sum = 0.0;
    }
    e->nsched = 0;
    e->initial_left = 0;
    for (int c = 0; c < e->nclasses; c++) {
        xclass *const xc = &e->classes[c];
        xc->initial_left = (uint64_t)cs_model_class_initial(xc->c);
        e->initial_left += xc->initial_left;
        e->out->classes[c].initial = xc->initial_left;
    }
    e->tl_on = e->out->nperiods > 0;
    e->tl_n = e->out->nperiods;
    e->tl_k = 0;
    e->tl_period = e->out->period;
    e->tl_last = e->tl_area = 0.0;
    e->tl_next = e->tl_n > 1 ? e->tl_period : m->horizon;
    for (int c = 0; c < e->nclasses; c++) {
        xclass *const xc = &e->classes[c];
        pool_reset(xc);
        cs_stats_tavg_init(&xc->t_wip, warmup, 0.0);
        xc->cw_in = 0;
        xc->bl_head = xc->bl_tail = NULL;
        xc->nbl = 0;
    }
    e->cw_in = 0;
    e->nbl = 0;
    e->bl_listed = e->ab_listed = 0;
    e->npat_ev = 0;
    e->naband = 0;
    e->nwork = 0;
    e->nseeds = 0;
    memset(e->dmark, 0, (size_t)e->nteams);
    e->status = CS_OK;
    e->warmup = warmup;
    e->horizon = m->horizon;
    e->serial = e->in_chain = e->qseq = e->nwaiting = e->visits = 0;
    e->qseq = e->fseq = QSEQ_BASE;
    e->active = 0;
    e->nescapes = 0;
    cs_stats_tavg_init(&e->t_wip, warmup, 0.0);
    e->bw_width = m->horizon / CS_REP_BATCHES;
    e->bw_next = e->bw_width;
    e->bw_last = 0.0;
    e->bw_area = 0.0;
    e->bw_k = 0;
#ifdef CS_DEBUG
    e->dbg_events = 0;
    e->dbg_work = 0;
    e->dbg_stride = 1;
#endif
}

static double tavg_close(cs_tavg *t, double end)
{
    cs_stats_tavg_set(t, end, t->value);
    return cs_stats_tavg_mean(t, end);
}

/* The day the last initial item a promise covers was done, as
** cs_class_rep.completion over its classes (NaN when none has any). */
static double promise_completion(const cs_promise *p, const cs_rep *out)
{
    double day = NAN;

    if (p->work != CS_PROMISE_WORK_LIST)
        return p->work < 0 ? out->completion : out->classes[p->work].completion;
    for (int i = 0; i < p->nworks; i++) {
        const double d = out->classes[p->works[i]].completion;
        if (!isnan(d) && (isnan(day) || d > day))
            day = d;
    }
    return day;
}

/* Items of the promise's classes done in the window. */
static uint64_t promise_done(const cs_promise *p, const cs_rep *out)
{
    uint64_t n = 0;

    if (p->work != CS_PROMISE_WORK_LIST)
        return p->work < 0 ? out->done_window
                           : out->classes[p->work].done_window;
    for (int i = 0; i < p->nworks; i++)
        n += out->classes[p->works[i]].done_window;
    return n;
}

/* A visit of it to team t begun at `begun` is not over at the horizon:
** late for t's promises when it began in [warmup, horizon - within]. */
static void visit_open(cs_engine *e, const item *it, int t, double begun)
{
    const xteam *const u = &e->teams[t];

    for (int k = 0; k < u->ntp; k++) {
        const cs_promise *const p = &e->m->promises[u->tp[k]];
        if (begun >= e->warmup && begun <= e->horizon - p->within &&
            cs_model_promise_covers(p, it->xc->idx))
            e->out->promises[u->tp[k]].eligible++;
    }
}

/* The visits not over at the horizon, for the promises on teams. */
COLD static void open_visits(cs_engine *e)
{
    for (int c = 0; c < e->nclasses; c++) {
        const xclass *const xc = &e->classes[c];
        for (size_t ch = 0; ch < xc->nchunks; ch++)
            for (size_t i = 0; i < xc->chunks[ch].n; i++) {
                const item *const it =
                    (const void *)(xc->chunks[ch].mem + i * xc->item_size);
                if (it->parts_left == 0 || it->in_bl)
                    continue;
                for (int k = 0; k < it->nparts; k++) {
                    const job *const j = &it->jobs[k];
                    if (j->state >= J_HANDOFF && e->teams[j->team].ntp > 0)
                        visit_open(e, it, j->team, j->t_enter);
                }
                for (int h = 0; h < it->nhold; h++)
                    if (it->live[h] && e->teams[it->hold[h]].ntp > 0)
                        visit_open(e, it, it->hold[h],
                                   visit_start(it, h, 1));
            }
    }
}

/* Adds the work of escape-target items still going on at the horizon
** to their teams' failure demand (a shared team's is integrated). */
static void fd_close(cs_engine *e, double h)
{
    for (int t = 0; t < e->nteams; t++)
        if (e->teams[t].shared)
            sh_fd(&e->teams[t], h);
    for (int c = 0; c < e->nclasses; c++) {
        const xclass *const xc = &e->classes[c];
        if (!xc->fd)
            continue;
        for (size_t k = 0; k < xc->nchunks; k++)
            for (size_t i = 0; i < xc->chunks[k].n; i++) {
                const item *const it =
                    (const void *)(xc->chunks[k].mem + i * xc->item_size);
                for (int p = 0; it->parts_left > 0 && p < it->nparts; p++)
                    if (it->jobs[p].state == J_WORK &&
                        !e->teams[it->jobs[p].team].shared)
                        fd_add(e, &e->teams[it->jobs[p].team], &it->jobs[p],
                               h);
            }
    }
}

/* Closes the window at the horizon and fills the remaining fields. */
static void run_finish(cs_engine *e)
{
    const cs_model *const m = e->m;
    cs_rep *const out = e->out;
    const double h = e->horizon, span = h - e->warmup;

    batches_advance(e, h);
    if (e->tl_on) {
        tl_chain(e, h);
        tl_chain_close(e);
    }
    for (int c = 0; c < e->nclasses; c++)
        if (out->classes[c].initial > 0 && e->classes[c].initial_left > 0)
            out->classes[c].completion = INFINITY;
    if (e->initial_left > 0)
        out->completion = INFINITY;
    /* Lead times went to their class's histogram only; the overall one is
    ** their sum (histograms merge exactly by adding counts). */
    for (int c = 0; c < e->nclasses; c++)
        cs_hist_merge(out->hist, out->classes[c].hist);
    out->wip_mean = tavg_close(&e->t_wip, h);
    out->delay_cost_mean = 0.0;
    for (int c = 0; c < e->nclasses; c++)
        if (e->classes[c].cod > 0.0)
            out->delay_cost_mean += e->classes[c].cod *
                                    tavg_close(&e->classes[c].t_wip, h);
    out->in_system_end = e->in_chain;
    for (int p = 0; p < m->npromises; p++)
        if (m->promises[p].at_team) {
            if (e->status == CS_OK)
                open_visits(e);
            break;
        }
    out->visits = e->visits;
    fd_close(e, h);
    {
        double busy = 0.0, fd = 0.0;
        for (int t = 0; t < e->nteams; t++) {
            xteam *const u = &e->teams[t];
            cs_team_rep *const r = &out->teams[t];
            team_clock(u, h);
            /* reserved workers (joint work) are busy but not working */
            for (int i = 0; i < u->nres && h > e->warmup; i++)
                u->a_res += h - (u->resv[i]->t_start > e->warmup
                                     ? u->resv[i]->t_start
                                     : e->warmup);
            u->a_busy -= u->a_res;
            r->busy_time = u->a_busy;
            r->fd_time = u->a_fd;
            r->failure_demand_share = u->a_busy > 0 ? u->a_fd / u->a_busy
                                                    : 0.0;
            busy += u->a_busy;
            fd += u->a_fd;
        }
        out->failure_demand_share = busy > 0 ? fd / busy : 0.0;
    }
    for (int t = 0; t < e->nteams; t++) {
        xteam *const u = &e->teams[t];
        cs_team_rep *const r = &out->teams[t];
        team_clock(u, h);
        if (u->tm->nschedule > 0) {
            /* capacity-time: the scheduled capacity's integral (exact,
            ** from the schedule) plus the units finishing after a drop */
            r->capacity_mean =
                cs_model_capacity_mean(u->tm, e->warmup, h, 0);
            const double cap = r->capacity_mean * span + u->a_over;
            r->utilization = cap > 0 ? u->a_busy / cap : 0.0;
            r->reserved_fraction = cap > 0 ? u->a_res / cap : 0.0;
        } else {
            r->utilization = span > 0 ? u->a_busy / span / u->capacity : 0.0;
            r->reserved_fraction =
                span > 0 ? u->a_res / span / u->capacity : 0.0;
            r->capacity_mean = u->capacity;
        }
        if (u->tl_out != NULL)
            tl_team_close(u);
        r->queue_len_mean = span > 0 ? u->a_queue / span : 0.0;
        r->blocked_fraction = span > 0 ? u->a_blocked / span : 0.0;
        r->wip_mean = span > 0 ? u->a_wip / span : 0.0;
        r->wait_sum = u->wait_sum;
        r->wait_n = u->wait_n;
        r->admission_sum = u->adm_sum;
        r->admission_n = u->adm_n;
        r->wip_breaks = u->breaks;
        r->interrupts = u->interrupts;
        r->interrupted_sum = u->susp_sum;
        r->interrupted_n = u->fin_n;
    }
    for (int p = 0; p < m->npromises; p++) {
        const cs_promise *const pr = &m->promises[p];
        cs_promise_rep *const r = &out->promises[p];
        if (pr->kind == CS_PROMISE_LEAD_TIME) {
            r->achieved = r->eligible > 0
                              ? (double)r->on_time / (double)r->eligible
                              : NAN;
            continue;
        }
        if (pr->kind == CS_PROMISE_DONE_BY) {
            const double day = promise_completion(pr, out);
            r->achieved = isnan(day) ? NAN : day <= pr->done_by ? 1.0 : 0.0;
            continue;
        }
        if (span <= 0) {
            r->achieved = NAN;
            continue;
        }
        r->achieved = (double)promise_done(pr, out) / span * pr->per;
    }
}

cs_status cs_engine_run(cs_engine *e, uint64_t rep, double warmup, cs_rep *out,
                        cs_error *err)
{
    const cs_model *const m = e->m;

    if (warmup < 0)
        warmup = m->warmup;
    if (warmup > m->horizon)
        warmup = m->horizon;
    cs_error_clear(err);
    cs_engine_rep_reset(out);
    out->warmup = warmup;
    out->horizon = m->horizon;
    e->out = out;
    e->err = err;
    run_reset(e, rep, warmup);

    /* Start items are inside the chain at day 0, ahead of the backlogs,
    ** which arrive then, class by class, before any arrival event. */
    for (int c = 0; c < e->nclasses && e->status == CS_OK; c++) {
        const cs_class *const k = &m->classes[c];
        for (int i = 0; i < k->nstart && e->status == CS_OK; i++)
            for (int n = 0; n < k->start[i].count && e->status == CS_OK; n++)
                place_start(e, &e->classes[c], &k->start[i]);
    }
    for (int c = 0; c < e->nclasses && e->status == CS_OK; c++)
        for (int b = 0; b < m->classes[c].backlog && e->status == CS_OK; b++)
            arrive(e, &e->classes[c], 0.0, 1);
    for (int c = 0; c < e->nclasses && e->status == CS_OK; c++) {
        xclass *const xc = &e->classes[c];
        double t;
        if (xc->c->arrival == CS_ARRIVE_NONE)
            continue;
        t = next_arrival(e, xc, 0.0);
        if (t <= e->horizon)
            schedule(e, t, on_arrival, xc);
    }
    if (e->nscheduled > 0 && e->status == CS_OK)
        sched_arm(e);
    if (e->status == CS_OK) {
        settle(e, 0.0);
        CHECK_INVARIANTS(e);
    }
    /* In slices, so a signal's flag is seen within a fraction of a second
       even in one long replication. */
    while (e->status == CS_OK) {
        const uint64_t n = cs_kernel_run_max(e->sim, e->horizon, RUN_SLICE);
        out->events += n;
        if (n < RUN_SLICE)
            break;
        if (e->stop != NULL && atomic_load_explicit(e->stop, memory_order_relaxed)) {
            cs_error_set(err, CS_EINTR, NULL, 0, 0, "interrupted");
            e->status = CS_EINTR;
        }
    }
    run_finish(e);
    e->out = NULL;
    e->err = NULL;
    /* A runaway among the backlogs stops before the rooms are settled. */
    if (e->status == CS_OK || e->status == CS_EINTR)
        CHECK_INVARIANTS(e);
    return e->status;
}

/* ---- invariant checks for tests (CS_DEBUG builds) -------------------- */

#ifdef CS_DEBUG

int cs_engine_check(const cs_engine *e)
{
    return check_invariants(e);
}

const char *cs_engine_inv_name(int inv)
{
    return inv >= 0 && inv < CS_INV_COUNT ? inv_names[inv] : NULL;
}

/* The first live item of any class, or NULL. */
static item *first_live(const cs_engine *e)
{
    for (int c = 0; c < e->nclasses; c++) {
        const xclass *const xc = &e->classes[c];
        for (size_t k = 0; k < xc->nchunks; k++)
            for (size_t i = 0; i < xc->chunks[k].n; i++) {
                item *const it =
                    (void *)(xc->chunks[k].mem + i * xc->item_size);
                if (it->parts_left > 0)
                    return it;
            }
    }
    return NULL;
}

/* The first job listed at any team (queue first, then room waiters). */
static job *first_listed(const cs_engine *e)
{
    for (int t = 0; t < e->nteams; t++) {
        const xteam *const u = &e->teams[t];
        if (u->nq > 0)
            return u->disc == CS_DISC_FIFO ? u->qhead : u->heap[0];
        if (u->whead != NULL)
            return u->whead;
    }
    return NULL;
}

/* A team with shared work and a part in work, or NULL. */
static xteam *shared_in_work(const cs_engine *e)
{
    for (int t = 0; t < e->nteams; t++)
        if (e->teams[t].shared && e->teams[t].nin > 0)
            return &e->teams[t];
    return NULL;
}

/* A team that has room (no waiters, under its limit), or NULL. */
static xteam *team_with_room(const cs_engine *e)
{
    for (int t = 0; t < e->nteams; t++) {
        xteam *const u = &e->teams[t];
        if (u->nwait == 0 && (u->wip_limit == 0 || u->wip < u->wip_limit))
            return u;
    }
    return NULL;
}

/* A team with a worker busy and nothing queued, or with a blocked item;
** NULL if none. */
static xteam *team_to_miscount(const cs_engine *e)
{
    for (int t = 0; t < e->nteams; t++) {
        xteam *const u = &e->teams[t];
        if ((u->busy > 0 && u->nq == 0) || u->nblocked > 0)
            return u;
    }
    return NULL;
}

/* Breaks an engine-level invariant inv on e; restores it with *saved. */
static int break_engine(cs_engine *e, int inv, cs_engine *saved)
{
    if (inv == CS_INV_WAITING && e->active == 0)
        return -1;   /* it would read as a deadlock */
    *saved = *e;
    switch (inv) {
    case CS_INV_SETTLED: e->nwork = 1; return 0;
    case CS_INV_DEADLOCK:
        e->active = 0;
        e->nwaiting++;
        e->status = CS_OK;
        return 0;
    case CS_INV_WAITING: e->nwaiting++; return 0;
    case CS_INV_CHAIN: e->in_chain++; return 0;
    case CS_INV_ACTIVE: e->active++; return 0;
    case CS_INV_CONWIP: e->nbl++; return 0;
    default: return -1;
    }
}

/* Breaks a team-level invariant inv on e; *u and *saved restore it. */
static int break_team(cs_engine *e, int inv, xteam **u, xteam *saved)
{
    switch (inv) {
    case CS_INV_CAPACITY: case CS_INV_QUEUE_IDLE: case CS_INV_ROOM:
    case CS_INV_TEAM_PARTS: case CS_INV_CLOCKS:
        *u = &e->teams[0];
        break;
    case CS_INV_TEAM_WIP: *u = team_with_room(e); break;
    case CS_INV_TEAM_COUNTS: *u = team_to_miscount(e); break;
    default: return -1;
    }
    if (*u == NULL)
        return -1;
    *saved = **u;
    switch (inv) {
    case CS_INV_CAPACITY: (*u)->busy = (*u)->capacity + 1; break;
    case CS_INV_QUEUE_IDLE: (*u)->busy = 0; (*u)->nq++; break;
    case CS_INV_ROOM: (*u)->wip_limit = 0; (*u)->nwait++; break;
    case CS_INV_TEAM_PARTS: (*u)->nblocked = -1; break;
    case CS_INV_CLOCKS:
        (*u)->a_blocked = (*u)->last - e->warmup + 1.0;
        break;
    case CS_INV_TEAM_WIP: (*u)->wip++; break;
    default:   /* CS_INV_TEAM_COUNTS */
        if ((*u)->nblocked > 0)
            (*u)->nblocked--;
        else
            (*u)->busy--;
        break;
    }
    return 0;
}

/* Breaks an item-level invariant inv on e; *it and *saved restore it. */
static int break_item(cs_engine *e, int inv, item **it, item *saved)
{
    if (inv < CS_INV_ITEM || inv > CS_INV_TIMES ||
        (*it = first_live(e)) == NULL)
        return -1;
    *saved = **it;
    switch (inv) {
    case CS_INV_ITEM: (*it)->pos = (*it)->xc->nroute; break;
    case CS_INV_FORK: (*it)->parts_left++; break;
    case CS_INV_HOLD: (*it)->blocked = !(*it)->blocked; break;
    default: (*it)->t_arrive = cs_kernel_now(e->sim) + 1.0; break;
    }
    return 0;
}

int cs_engine_check_broken(cs_engine *e, int inv)
{
    cs_engine se;
    xteam st, *u = NULL;
    item si, *it = NULL;
    job *j;
    int r = -1;

    if (break_engine(e, inv, &se) == 0) {
        r = check_invariants(e);
        *e = se;
    } else if (break_team(e, inv, &u, &st) == 0) {
        r = check_invariants(e);
        *u = st;
    } else if (break_item(e, inv, &it, &si) == 0) {
        r = check_invariants(e);
        *it = si;
    } else if (inv == CS_INV_LISTS && (u = shared_in_work(e)) != NULL) {
        /* a part in work that its run heap does not point back to */
        const int pos = u->run[0]->hpos;
        u->run[0]->hpos = -1;
        r = check_invariants(e);
        u->run[0]->hpos = pos;
    } else if (inv == CS_INV_LISTS && (j = first_listed(e)) != NULL) {
        const int state = j->state;
        j->state = J_FINISHED;
        r = check_invariants(e);
        j->state = state;
    } else if (inv == CS_INV_POOL) {
        for (int c = 0; c < e->nclasses && r < 0; c++) {
            xclass *const xc = &e->classes[c];
            item *const f = xc->free;
            if (f == NULL)
                continue;
            xc->free = NULL;
            r = check_invariants(e);
            xc->free = f;
        }
    } else if (inv == CS_INV_STUCK && (it = first_live(e)) != NULL) {
        /* Slot 0 listed when it is not, or unlisted when it is. */
        const int pos = it->spos[0];
        it->spos[0] = pos >= 0 ? -1 : 0;
        r = check_invariants(e);
        it->spos[0] = pos;
    } else if (inv == CS_INV_EVENTS) {
        /* A class whose arrival stream is gone has no arrival event. */
        for (int c = 0; c < e->nclasses && r < 0; c++) {
            xclass *const xc = &e->classes[c];
            gsl_rng *const a = xc->r_arr;
            xc->r_arr = NULL;
            if (check_invariants(e) == CS_INV_EVENTS)
                r = CS_INV_EVENTS;
            xc->r_arr = a;
        }
    }
    return r;
}

#endif /* CS_DEBUG */
