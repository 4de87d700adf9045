/*
** floor.c - the floor for tandem5: the least a simulation of five M/M/2
** stations in tandem needs (Poisson arrivals at rate 1 a day, exponential
** work of mean 5/3 days at each station, FIFO), in one loop, with no
** statistics beyond the mean lead time.  tools/bench times chainsim on
** scenarios/bench/tandem5.yaml against it, in the same run.
**
**   build/floor [HORIZON_DAYS [SEED]]
**
** Prints the item-visits, the seconds of the loop (CPU time of the
** process) and the mean lead time, which queueing theory puts at 5 x
** W(M/M/2, lambda 1, mu 0.6) = 27.27 days.  GSL's taus2 and exponential
** sampler, as chainsim uses: the difference is the engine.
*/
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

enum { STATIONS = 5, SERVERS = 2 };

typedef struct ev {
    double t;
    int station;          /* -1: an arrival */
    int job;
} ev;

typedef struct fifo {
    int *v;
    size_t head, n, cap;
} fifo;

static ev *heap;
static size_t nheap, capheap;
static double *born;      /* arrival time of each job slot */
static int *freelist;
static size_t nfree, capjobs;

static void die(void)
{
    fputs("floor: out of memory\n", stderr);
    exit(1);
}

static void push(double t, int station, int job)
{
    size_t i = nheap++;

    if (nheap > capheap) {
        capheap = capheap ? 2 * capheap : 64;
        if ((heap = realloc(heap, capheap * sizeof *heap)) == NULL)
            die();
    }
    while (i > 0 && heap[(i - 1) / 2].t > t) {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    heap[i].t = t;
    heap[i].station = station;
    heap[i].job = job;
}

static ev pop(void)
{
    ev top = heap[0], last = heap[--nheap];
    size_t i = 0;

    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= nheap)
            break;
        if (c + 1 < nheap && heap[c + 1].t < heap[c].t)
            c++;
        if (!(heap[c].t < last.t))
            break;
        heap[i] = heap[c];
        i = c;
    }
    if (nheap > 0)
        heap[i] = last;
    return top;
}

static void fifo_put(fifo *q, int job)
{
    if (q->n == q->cap) {
        const size_t cap = q->cap ? 2 * q->cap : 64;
        int *v = malloc(cap * sizeof *v);
        if (v == NULL)
            die();
        for (size_t i = 0; i < q->n; i++)
            v[i] = q->v[(q->head + i) % q->cap];
        free(q->v);
        q->v = v;
        q->head = 0;
        q->cap = cap;
    }
    q->v[(q->head + q->n++) % q->cap] = job;
}

static int fifo_get(fifo *q)
{
    const int job = q->v[q->head];

    q->head = (q->head + 1) % q->cap;
    q->n--;
    return job;
}

static int new_job(double t)
{
    int j;

    if (nfree == 0) {
        const size_t cap = capjobs ? 2 * capjobs : 1024;
        if ((born = realloc(born, cap * sizeof *born)) == NULL ||
            (freelist = realloc(freelist, cap * sizeof *freelist)) == NULL)
            die();
        for (size_t i = capjobs; i < cap; i++)
            freelist[nfree++] = (int)(cap - 1 - (i - capjobs));
        capjobs = cap;
    }
    j = freelist[--nfree];
    born[j] = t;
    return j;
}

int main(int argc, char **argv)
{
    const double horizon = argc > 1 ? atof(argv[1]) : 1e6;
    const unsigned long seed = argc > 2 ? strtoul(argv[2], NULL, 10) : 1;
    const double mean_gap = 1.0, mean_work = 5.0 / 3.0;
    gsl_rng *ra = gsl_rng_alloc(gsl_rng_taus2), *rw = gsl_rng_alloc(gsl_rng_taus2);
    fifo q[STATIONS] = {{0}};
    int busy[STATIONS] = {0};
    unsigned long long visits = 0, done = 0;
    double sum = 0.0;
    struct timespec t0, t1;

    if (ra == NULL || rw == NULL)
        die();
    gsl_rng_set(ra, seed);
    gsl_rng_set(rw, seed + 1);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    push(gsl_ran_exponential(ra, mean_gap), -1, -1);
    while (nheap > 0) {
        const ev e = pop();
        int s;
        if (e.t > horizon)
            break;
        if (e.station < 0) {
            s = 0;
            fifo_put(&q[0], new_job(e.t));
            push(e.t + gsl_ran_exponential(ra, mean_gap), -1, -1);
        } else {
            s = e.station;
            busy[s]--;
            visits++;
            if (s + 1 < STATIONS) {
                fifo_put(&q[s + 1], e.job);
                if (busy[s + 1] < SERVERS) {
                    const int j = fifo_get(&q[s + 1]);
                    busy[s + 1]++;
                    push(e.t + gsl_ran_exponential(rw, mean_work), s + 1, j);
                }
            } else {
                sum += e.t - born[e.job];
                done++;
                freelist[nfree++] = e.job;
            }
        }
        if (busy[s] < SERVERS && q[s].n > 0) {
            const int j = fifo_get(&q[s]);
            busy[s]++;
            push(e.t + gsl_ran_exponential(rw, mean_work), s, j);
        }
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    printf("visits %llu seconds %.6f lead_time_mean %.4f\n", visits,
           (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec),
           done > 0 ? sum / (double)done : 0.0);
    for (int i = 0; i < STATIONS; i++)
        free(q[i].v);
    free(heap);
    free(born);
    free(freelist);
    gsl_rng_free(ra);
    gsl_rng_free(rw);
    return 0;
}
