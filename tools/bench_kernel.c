/*
** bench_kernel.c - throughput of the event queue under the hold model.
**
** The hold model keeps the queue at a fixed size: every event, when run,
** schedules one successor at now + an exponential increment.  One
** schedule + one pop is a "pair"; the figure is pairs per second.
** Increments come from a precomputed table so the timing is the queue's,
** not the random generator's.
**
** Not part of the test suite.  Build and run by hand, for each heap arity:
**
**   cc -O2 -std=c11 -Iinclude -D_POSIX_C_SOURCE=200809L \
**      tools/bench_kernel.c src/kernel.c -lm -o build/bench_kernel
**   cc -O2 -std=c11 -Iinclude -D_POSIX_C_SOURCE=200809L -DCS_KERNEL_ARITY=2 \
**      tools/bench_kernel.c src/kernel.c -lm -o build/bench_kernel2
**   build/bench_kernel [PAIRS]
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "chainsim/kernel.h"

#define NINC 65536u   /* power of two: the index wraps with a mask */

typedef struct hold {
    const double *inc;
    uint32_t next;
    double last;      /* time of the previous event, to check the order */
    int disorder;
} hold;

/* xorshift64*: enough to fill the increment table reproducibly. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static void on_event(cs_sim *sim, void *ctx, void *data)
{
    hold *h = ctx;
    const double now = cs_kernel_now(sim);

    (void)data;
    if (now < h->last)
        h->disorder = 1;
    h->last = now;
    if (cs_kernel_schedule(sim, now + h->inc[h->next++ & (NINC - 1)], 0,
                           on_event, h, NULL) != 0) {
        fprintf(stderr, "bench_kernel: out of memory\n");
        exit(1);
    }
}

static double seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int bench(const double *inc, size_t size, uint64_t pairs)
{
    cs_sim *sim = cs_kernel_new(size + 1);
    hold h = {inc, 0, 0.0, 0};
    double t0, t1;

    if (sim == NULL)
        return -1;
    for (size_t i = 0; i < size; i++)
        if (cs_kernel_schedule(sim, inc[h.next++ & (NINC - 1)], 0, on_event, &h,
                               NULL) != 0)
            return -1;
    /* Warm the caches and let the heap reach its steady shape. */
    for (uint64_t i = 0; i < 10 * size; i++)
        cs_kernel_step(sim);
    t0 = seconds();
    for (uint64_t i = 0; i < pairs; i++)
        cs_kernel_step(sim);
    t1 = seconds();
    printf("queue size %6zu: %8.2f M pairs/s  (%.1f ns/pair)%s\n", size,
           (double)pairs / (t1 - t0) / 1e6, (t1 - t0) / (double)pairs * 1e9,
           h.disorder ? "  ORDER VIOLATED" : "");
    cs_kernel_free(sim);
    return h.disorder ? -1 : 0;
}

int main(int argc, char **argv)
{
    const uint64_t pairs = argc > 1 ? strtoull(argv[1], NULL, 10) : 20000000u;
    static const size_t sizes[] = {10, 1000, 100000};
    double *inc = malloc(NINC * sizeof *inc);
    uint64_t s = 88172645463325252ull;
    int rc = 0;

    if (inc == NULL)
        return 1;
    for (uint32_t i = 0; i < NINC; i++) {
        /* Exponential(1): -log of a uniform in (0, 1]. */
        const double u = (double)((rng_next(&s) >> 11) + 1) * 0x1p-53;
        inc[i] = -log(u);
    }
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        if (bench(inc, sizes[k], pairs) != 0)
            rc = 1;
    free(inc);
    return rc;
}
