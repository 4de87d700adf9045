/*
** kernel.c - the clock and the pending-event set of a simulation.
**
** The pending events live by value in one growable array organised as a
** d-ary min-heap (d = CS_KERNEL_ARITY, 4 unless built otherwise) keyed by
** (time, key), key = (priority + 2^15) << 48 | seq.  seq is a
** per-simulation counter taken at schedule time, so no two events
** compare equal and the order is total: the run is deterministic whatever
** the heap shape.
**
** Invariants:
**   heap[0 .. n) satisfies the heap property under event_before();
**   every pending event has time >= now;
**   next_seq is larger than the seq of every pending event;
**   spent is 1 only while a handler runs and its event, still at
**   heap[0], has not been replaced by a newer one.
**
** A 4-ary heap is half as deep as a binary one and the children of a
** node are adjacent in memory, so a pop touches fewer cache lines even
** though it compares more keys per level; tools/bench_kernel.c measures
** both (build with -DCS_KERNEL_ARITY=2).  Sifting moves a "hole" instead
** of swapping, so each level costs one event copy rather than three.
**
** Most handlers schedule a successor (a finish schedules the next work
** start).  So the running event stays at the root until its handler's
** first schedule, which replaces it and sifts down once, instead of a pop
** (sift down) followed by a push (sift up); an event whose handler
** schedules nothing is popped after it.  Its time is now, the smallest of
** all, so the heap property holds meanwhile.  On tools/bench_kernel.c
** this is faster up to a few hundred pending events (the engine keeps
** about one per busy worker and hand-off) and some 10% slower at 1000.
**
** Packing priority and seq into one 64-bit key makes an event 40 bytes
** instead of 48 and a tie in time one integer compare.  48 bits of seq
** last 2.8e14 schedules between resets (an assertion guards it).
*/
#include "chainsim/kernel.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#ifndef CS_KERNEL_ARITY
#define CS_KERNEL_ARITY 4
#endif

#define DEFAULT_CAPACITY 64
#define SEQ_BITS 48
#define SEQ_LIMIT ((uint64_t)1 << SEQ_BITS)

struct cs_sim {
    double now;
    cs_event *heap;
    size_t n;
    size_t cap;
    uint64_t next_seq;
    int stopped;
    int spent;            /* heap[0] is the event whose handler runs */
    size_t max_bytes;     /* the event array never grows past it; 0: no bound */
};

/*
** Strict order of events: time, then priority, then seq (one key).  Times
** are never NaN, so neither < nor > means equal; testing < and > first
** lets the usual outcome cost one compare and a branch.
*/
static inline int event_before(const cs_event *a, const cs_event *b)
{
    if (a->time < b->time)
        return 1;
    if (a->time > b->time)
        return 0;
    return a->key < b->key;
}

cs_sim *cs_kernel_new(size_t capacity_hint)
{
    cs_sim *sim = calloc(1, sizeof *sim);

    if (sim == NULL)
        return NULL;
    sim->cap = capacity_hint > 0 ? capacity_hint : DEFAULT_CAPACITY;
    if (sim->cap > SIZE_MAX / sizeof *sim->heap)
        goto fail;
    sim->heap = malloc(sim->cap * sizeof *sim->heap);
    if (sim->heap == NULL)
        goto fail;
    return sim;

fail:
    free(sim);
    return NULL;
}

void cs_kernel_free(cs_sim *sim)
{
    if (sim == NULL)
        return;
    free(sim->heap);
    free(sim);
}

void cs_kernel_reset(cs_sim *sim)
{
    sim->now = 0.0;
    sim->n = 0;
    sim->next_seq = 0;
    sim->stopped = 0;
    sim->spent = 0;
}

void cs_kernel_set_max_bytes(cs_sim *sim, size_t max)
{
    sim->max_bytes = max;
}

size_t cs_kernel_bytes(const cs_sim *sim)
{
    return sim->cap * sizeof *sim->heap;
}

double cs_kernel_now(const cs_sim *sim)
{
    return sim->now;
}

/* Doubles the array; -1 (and nothing changed) if out of memory. */
static int grow(cs_sim *sim)
{
    const size_t max = SIZE_MAX / sizeof *sim->heap;
    size_t cap = sim->cap;
    cs_event *heap;

    if (cap >= max)
        return -1;
    cap = cap > max / 2 ? max : cap * 2;
    if (sim->max_bytes > 0 && cap > sim->max_bytes / sizeof *heap)
        return -1;
    heap = realloc(sim->heap, cap * sizeof *heap);
    if (heap == NULL)
        return -1;
    sim->heap = heap;
    sim->cap = cap;
    return 0;
}

/*
** Puts e into the hole at heap[hole] of a heap of n events, moving the
** smallest child up while it comes before e.
*/
static void sift_down(cs_event *heap, size_t n, size_t hole, const cs_event *e)
{
    for (;;) {
        const size_t first = CS_KERNEL_ARITY * hole + 1;
        size_t best, end;

        if (first >= n)
            break;
        end = first + CS_KERNEL_ARITY < n ? first + CS_KERNEL_ARITY : n;
        best = first;
        for (size_t c = first + 1; c < end; c++)
            if (event_before(&heap[c], &heap[best]))
                best = c;
        if (!event_before(&heap[best], e))
            break;
        heap[hole] = heap[best];
        hole = best;
    }
    heap[hole] = *e;
}

/* Removes the root: the last event sifts down from there. */
static void pop_root(cs_sim *sim)
{
    const size_t n = --sim->n;

    if (n > 0)
        sift_down(sim->heap, n, 0, &sim->heap[n]);
}

int cs_kernel_schedule(cs_sim *sim, double t, int32_t priority, cs_handler fn,
                       void *ctx, void *data)
{
    cs_event *heap;
    cs_event e;
    size_t i;

    assert(!isnan(t));
    assert(t >= sim->now);
    assert(fn != NULL);
    assert(priority >= CS_PRIORITY_MIN && priority <= CS_PRIORITY_MAX);
    assert(sim->next_seq < SEQ_LIMIT);
    e.time = t;
    e.key = (uint64_t)(priority - CS_PRIORITY_MIN) << SEQ_BITS |
            sim->next_seq++;
    e.fn = fn;
    e.ctx = ctx;
    e.data = data;
    if (sim->spent) {
        /* The running event's slot: e takes the root and sifts down. */
        sim->spent = 0;
        sift_down(sim->heap, sim->n, 0, &e);
        return 0;
    }
    if (sim->n == sim->cap && grow(sim) != 0)
        return -1;

    /* Sift up: move parents down into the hole until e fits. */
    heap = sim->heap;
    i = sim->n++;
    while (i > 0) {
        const size_t parent = (i - 1) / CS_KERNEL_ARITY;
        if (!event_before(&e, &heap[parent]))
            break;
        heap[i] = heap[parent];
        i = parent;
    }
    heap[i] = e;
    return 0;
}

/*
** Pops the running event if it is still at the root: after a handler that
** scheduled nothing, and before a step or run that a handler calls.
*/
static void drop_spent(cs_sim *sim)
{
    if (sim->spent) {
        sim->spent = 0;
        pop_root(sim);
    }
}

/* Runs the root event; sim->n > 0 and no spent root. */
static inline void run_root(cs_sim *sim)
{
    const cs_event *const root = &sim->heap[0];
    /* Copy the handler first: a schedule may move the heap. */
    const cs_handler fn = root->fn;
    void *const ctx = root->ctx;
    void *const data = root->data;

    sim->now = root->time;
    sim->spent = 1;
    fn(sim, ctx, data);
    drop_spent(sim);
}

int cs_kernel_step(cs_sim *sim)
{
    drop_spent(sim);
    if (sim->n == 0)
        return 0;
    run_root(sim);
    return 1;
}

/*
** An infinite until leaves the clock at the last event: moving it to
** +infinity would forbid every later schedule.
*/
uint64_t cs_kernel_run_max(cs_sim *sim, double until, uint64_t max_events)
{
    uint64_t count = 0;

    assert(!isnan(until));
    drop_spent(sim);
    sim->stopped = 0;
    while (sim->n > 0 && sim->heap[0].time <= until) {
        if (count == max_events)
            return count;
        run_root(sim);
        count++;
        if (sim->stopped) {
            sim->stopped = 0;
            return count;
        }
    }
    if (until > sim->now && isfinite(until))
        sim->now = until;
    return count;
}

uint64_t cs_kernel_run(cs_sim *sim, double until)
{
    return cs_kernel_run_max(sim, until, UINT64_MAX);
}

void cs_kernel_stop(cs_sim *sim)
{
    sim->stopped = 1;
}

size_t cs_kernel_pending(const cs_sim *sim)
{
    return sim->n - (size_t)sim->spent;
}

/* While a handler runs before its first schedule, the earliest pending
** event is the earliest child of the spent root. */
double cs_kernel_next_time(const cs_sim *sim)
{
    double t = INFINITY;

    if (!sim->spent)
        return sim->n > 0 ? sim->heap[0].time : INFINITY;
    for (size_t c = 1; c <= CS_KERNEL_ARITY && c < sim->n; c++)
        if (sim->heap[c].time < t)
            t = sim->heap[c].time;
    return t;
}
