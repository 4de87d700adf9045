/*
** kernel.c - the clock and the pending-event set of a simulation.
**
** The pending events live by value in one growable array organised as a
** d-ary min-heap (d = CS_KERNEL_ARITY, 4 unless built otherwise) keyed by
** (time, priority, seq).  seq is a per-simulation counter taken at
** schedule time, so no two events compare equal and the order is total:
** the run is deterministic whatever the heap shape.
**
** Invariants:
**   heap[0 .. n) satisfies the heap property under event_before();
**   every pending event has time >= now;
**   next_seq is larger than the seq of every pending event.
**
** A 4-ary heap is half as deep as a binary one and the children of a
** node are adjacent in memory, so a pop touches fewer cache lines even
** though it compares more keys per level; tools/bench_kernel.c measures
** both (build with -DCS_KERNEL_ARITY=2).  Sifting moves a "hole" instead
** of swapping, so each level costs one event copy rather than three.
*/
#include "chainsim/kernel.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#ifndef CS_KERNEL_ARITY
#define CS_KERNEL_ARITY 4
#endif

#define DEFAULT_CAPACITY 64

struct cs_sim {
    double now;
    cs_event *heap;
    size_t n;
    size_t cap;
    uint64_t next_seq;
    int stopped;
};

/* Strict order of events: time, then priority, then seq. */
static inline int event_before(const cs_event *a, const cs_event *b)
{
    if (a->time != b->time)
        return a->time < b->time;
    if (a->priority != b->priority)
        return a->priority < b->priority;
    return a->seq < b->seq;
}

cs_sim *cs_sim_new(size_t capacity_hint)
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

void cs_sim_free(cs_sim *sim)
{
    if (sim == NULL)
        return;
    free(sim->heap);
    free(sim);
}

void cs_sim_reset(cs_sim *sim)
{
    sim->now = 0.0;
    sim->n = 0;
    sim->next_seq = 0;
    sim->stopped = 0;
}

double cs_sim_now(const cs_sim *sim)
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
    heap = realloc(sim->heap, cap * sizeof *heap);
    if (heap == NULL)
        return -1;
    sim->heap = heap;
    sim->cap = cap;
    return 0;
}

int cs_sim_schedule(cs_sim *sim, double t, int32_t priority, cs_handler fn,
                    void *ctx, void *data)
{
    cs_event *heap;
    cs_event e;
    size_t i;

    assert(!isnan(t));
    assert(t >= sim->now);
    assert(fn != NULL);
    if (sim->n == sim->cap && grow(sim) != 0)
        return -1;
    heap = sim->heap;
    e.time = t;
    e.priority = priority;
    e.seq = sim->next_seq++;
    e.fn = fn;
    e.ctx = ctx;
    e.data = data;

    /* Sift up: move parents down into the hole until e fits. */
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
** Removes the root.  The last event is re-inserted by sifting a hole down
** from the root: at each level the smallest child moves up into the hole.
*/
static void pop_root(cs_sim *sim)
{
    cs_event *const heap = sim->heap;
    const size_t n = --sim->n;
    const cs_event *last;
    size_t hole = 0;

    if (n == 0)
        return;
    last = &heap[n];
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
        if (!event_before(&heap[best], last))
            break;
        heap[hole] = heap[best];
        hole = best;
    }
    heap[hole] = *last;
}

int cs_sim_step(cs_sim *sim)
{
    cs_event e;

    if (sim->n == 0)
        return 0;
    /* Copy and pop first: the handler may schedule, which moves the heap. */
    e = sim->heap[0];
    pop_root(sim);
    sim->now = e.time;
    e.fn(sim, e.ctx, e.data);
    return 1;
}

/*
** An infinite until leaves the clock at the last event: moving it to
** +infinity would forbid every later schedule.
*/
uint64_t cs_sim_run(cs_sim *sim, double until)
{
    uint64_t count = 0;

    assert(!isnan(until));
    sim->stopped = 0;
    while (sim->n > 0 && sim->heap[0].time <= until) {
        cs_sim_step(sim);
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

void cs_sim_stop(cs_sim *sim)
{
    sim->stopped = 1;
}

size_t cs_sim_pending(const cs_sim *sim)
{
    return sim->n;
}

double cs_sim_next_time(const cs_sim *sim)
{
    return sim->n > 0 ? sim->heap[0].time : INFINITY;
}
