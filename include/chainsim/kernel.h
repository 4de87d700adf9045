/*
** kernel.h - the discrete-event kernel: a clock and a time-ordered event
** queue.  It knows nothing about teams, items, YAML or random numbers.
**
** Events run in order of (time, priority, sequence): among events at the
** same time the lower priority value runs first, and among those the one
** scheduled first runs first, so every run is deterministic.
*/
#ifndef CHAINSIM_KERNEL_H
#define CHAINSIM_KERNEL_H

#include <stddef.h>
#include <stdint.h>

typedef struct cs_sim cs_sim;

/* An event handler.  ctx and data are whatever was given to schedule. */
typedef void (*cs_handler)(cs_sim *sim, void *ctx, void *data);

/* Priorities an event may have (an assertion checks the range). */
#define CS_PRIORITY_MIN (-32768)
#define CS_PRIORITY_MAX 32767

/*
** A scheduled event: a plain record.  key packs the priority (biased to
** be unsigned, high 16 bits) above the sequence number (low 48 bits), so
** ties in time break by one integer compare and the record is 40 bytes.
*/
typedef struct cs_event {
    double time;
    uint64_t key;
    cs_handler fn;
    void *ctx;
    void *data;
} cs_event;

/* New simulation at time 0 with room for capacity_hint events (0 = a
** default); NULL if out of memory.  Caller frees with cs_kernel_free. */
cs_sim *cs_kernel_new(size_t capacity_hint);

/* Frees sim; NULL is allowed. */
void cs_kernel_free(cs_sim *sim);

/* Drops every pending event and sets the clock back to 0; keeps memory. */
void cs_kernel_reset(cs_sim *sim);

/* The event array never grows past max bytes (0, the default: no bound);
** cs_kernel_schedule then fails as when out of memory.  Cannot fail. */
void cs_kernel_set_max_bytes(cs_sim *sim, size_t max);

/* Bytes the event array holds now.  Cannot fail. */
size_t cs_kernel_bytes(const cs_sim *sim);

/* Current simulated time.  Cannot fail. */
double cs_kernel_now(const cs_sim *sim);

/*
** Schedules fn(sim, ctx, data) at absolute time t (t >= now; a t in the
** past, or a priority outside [CS_PRIORITY_MIN, CS_PRIORITY_MAX], is an
** assertion failure).  Returns 0, or -1 if out of memory.
*/
int cs_kernel_schedule(cs_sim *sim, double t, int32_t priority, cs_handler fn,
                       void *ctx, void *data);

/* Runs the earliest event: returns 1, or 0 if the queue is empty. */
int cs_kernel_step(cs_sim *sim);

/*
** Runs events while the earliest is at time <= until and cs_kernel_stop was
** not called; then sets the clock to until if the queue still holds events
** beyond it (or is empty) and until is finite (run(INFINITY) leaves the
** clock at the last event run).  Returns the number of events run.
*/
uint64_t cs_kernel_run(cs_sim *sim, double until);

/*
** As cs_kernel_run, but returns after at most max_events events (the clock
** then stays at the last event run), so a caller can look up between
** slices of a long run.  Returns the number of events run: fewer than
** max_events when the run ended or was stopped.
*/
uint64_t cs_kernel_run_max(cs_sim *sim, double until, uint64_t max_events);

/* Makes the running cs_kernel_run return after the current event. */
void cs_kernel_stop(cs_sim *sim);

/* Number of pending events. */
size_t cs_kernel_pending(const cs_sim *sim);

/* Time of the earliest pending event, or +infinity when none. */
double cs_kernel_next_time(const cs_sim *sim);

#endif /* CHAINSIM_KERNEL_H */
