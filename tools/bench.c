/*
** bench.c - the performance benchmark on the reference tandem model
** (scenarios/bench/tandem5.yaml): item-visits per second on one thread,
** scaling with threads, peak memory at two horizons, the mean lead time
** against the Jackson-network value, and start-up time of every example.
**
**   make bench                      (builds build/bench and runs tools/bench)
**   build/bench [-q] [SCENARIO [EXAMPLES...]]
**
** Each memory figure is measured in a child process (its ru_maxrss), so
** one measurement does not inflate the next.  -q: a shorter run (horizon
** 2e5 days) for a quick look.
*/
#define _DEFAULT_SOURCE 1   /* wait4, popen */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "chainsim/engine.h"
#include "chainsim/runner.h"
#include "chainsim/scenario.h"
#include "chainsim/summary.h"

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* CPU seconds of the process so far. */
static double cpu_now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static cs_model *load(const char *path, const char *variant,
                      const char *const *sets, size_t nsets)
{
    cs_scenario *s = NULL;
    cs_model *m = NULL;
    cs_error err;
    long v = -1;

    if (cs_scenario_load(path, &s, &err) != CS_OK)
        goto fail;
    for (size_t i = 0; i < nsets; i++)
        if (cs_variant_add_override(s, sets[i], &err) != CS_OK)
            goto fail;
    if (variant != NULL && (v = cs_variant_index(s, variant)) < 0) {
        fprintf(stderr, "bench: no variant %s in %s\n", variant, path);
        exit(2);
    }
    if (cs_variant_build(s, v, &m, &err) != CS_OK)
        goto fail;
    cs_scenario_free(s);
    return m;
fail: {
    char buf[1024];
    cs_error_format(&err, buf, sizeof buf);
    fprintf(stderr, "%s\n", buf);
    exit(2);
}
}

static cs_summary *simulate(const cs_model *m, unsigned reps, unsigned threads,
                            double *seconds)
{
    cs_runner_opts o;
    cs_summary *s = NULL;
    cs_error err;
    double t0;

    memset(&o, 0, sizeof o);
    o.replications = reps;
    o.threads = threads;
    o.warmup = -1;
    t0 = now();
    if (cs_summary_run(m, &o, &s, &err) != CS_OK) {
        fprintf(stderr, "bench: %s\n", err.msg);
        exit(3);
    }
    *seconds = now() - t0;
    return s;
}

/* Erlang C: mean sojourn of an M/M/c queue (lambda, mean service). */
static double mmc_sojourn(double lambda, double mean, int c)
{
    const double a = lambda * mean, rho = a / c;
    double term = 1, sum = 1, pc;

    for (int k = 1; k < c; k++) {
        term *= a / k;
        sum += term;
    }
    term *= a / c;                  /* a^c / c! */
    pc = term / (1 - rho);
    return pc / (sum + pc) / (c / mean - lambda) + mean;
}

/*
** The Jackson value of a single-class open network whose steps each visit
** one team with an exponential effort: sum over teams of visits x sojourn.
*/
static double jackson(const cs_model *m)
{
    double *util = calloc((size_t)m->nteams, sizeof *util);
    const double rate = cs_model_class_rate(m, 0);
    double w = 0;

    cs_model_offered_load(m, util);
    for (int t = 0; t < m->nteams; t++) {
        const cs_team *k = &m->teams[t];
        const cs_class *c = &m->classes[0];
        double mean = 0;
        for (int s = 0; s < c->nsteps; s++)
            if (c->steps[s].team == t)
                mean = cs_dist_mean(&c->steps[s].effort);
        if (mean <= 0)
            continue;
        /* util = lambda_t x mean / c: the team's own arrival rate */
        const double lambda_t = util[t] * k->capacity / mean;
        w += lambda_t / rate * mmc_sojourn(lambda_t, mean, k->capacity);
    }
    free(util);
    return w;
}

static int by_value(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/*
** One replication on one thread, RUNS times: the best and the median
** speed (a shared machine's noise only ever slows a run down).
*/
#define RUNS 5
static void speed(const char *path, const char *variant, const char *horizon)
{
    char set[64];
    const char *sets[2] = {set, "replications=1"};
    cs_model *m;
    cs_summary *s = NULL;
    double sec[RUNS], ref;

    snprintf(set, sizeof set, "horizon=%s", horizon);
    m = load(path, variant, sets, 2);
    for (int i = 0; i < RUNS; i++) {
        cs_summary_free(s);
        s = simulate(m, 1, 1, &sec[i]);
    }
    qsort(sec, RUNS, sizeof *sec, by_value);
    ref = jackson(m);
    printf("%-10s 1 thread: %.0f items, %.0f item-visits: best %.3f s = "
           "%.2f M item-visits/s, median %.3f s = %.2f M/s (%d runs)\n",
           variant ? variant : "tandem5", (double)s->done, (double)s->visits,
           sec[0], (double)s->visits / sec[0] / 1e6, sec[RUNS / 2],
           (double)s->visits / sec[RUNS / 2] / 1e6, RUNS);
    printf("%-10s lead time mean %.3f d (p50 %.2f, p95 %.2f); Jackson %.3f d: "
           "%+.2f%%\n",
           "", s->lead_time.mean, s->p50, s->p95, ref,
           100 * (s->lead_time.mean - ref) / ref);
    cs_summary_free(s);
    cs_model_free(m);
}

/*
** tandem5 against the floor (tools/floor.c: the same five M/M/2 stations
** in one loop, no statistics), in the same run: RUNS pairs, one of each in
** turn, so a drift of the machine's speed hits both; the ratio of
** item-visits per second, pair by pair, and its median.  floor is the
** floor binary (build/floor); nothing is printed when it cannot run.
** Both are timed in CPU seconds (the floor's loop, chainsim's replication
** with its summary).
*/
static void against_floor(const char *path, const char *horizon,
                          const char *floor)
{
    char set[64], cmd[512];
    const char *sets[2] = {set, "replications=1"};
    cs_model *m;
    double ratio[RUNS], fl[RUNS], cs[RUNS];

    snprintf(set, sizeof set, "horizon=%s", horizon);
    snprintf(cmd, sizeof cmd, "%s %.0f 1", floor, atof(horizon));
    m = load(path, NULL, sets, 2);
    for (int i = 0; i < RUNS; i++) {
        FILE *f = popen(cmd, "r");
        double visits = 0, sec = 0, lt = 0, t;
        cs_summary *s;
        if (f == NULL || fscanf(f, "visits %lf seconds %lf lead_time_mean %lf",
                                &visits, &sec, &lt) != 3 || !(sec > 0)) {
            if (f != NULL)
                pclose(f);
            printf("floor      (%s did not run: no ratio)\n", floor);
            cs_model_free(m);
            return;
        }
        pclose(f);
        /* CPU time, as the floor reports its own: a loaded machine's
        ** waits count for neither */
        {
            const double c0 = cpu_now();
            s = simulate(m, 1, 1, &t);
            t = cpu_now() - c0;
        }
        fl[i] = visits / sec;
        cs[i] = (double)s->visits / t;
        ratio[i] = cs[i] / fl[i];
        cs_summary_free(s);
    }
    qsort(ratio, RUNS, sizeof *ratio, by_value);
    qsort(fl, RUNS, sizeof *fl, by_value);
    qsort(cs, RUNS, sizeof *cs, by_value);
    printf("floor      tandem5 %.2f M item-visits/s, the floor %.2f M/s "
           "(medians): chainsim at %.2fx the floor's speed (median of %d "
           "pairs, %.2f-%.2f)\n",
           cs[RUNS / 2] / 1e6, fl[RUNS / 2] / 1e6, ratio[RUNS / 2], RUNS,
           ratio[0], ratio[RUNS - 1]);
    cs_model_free(m);
}

/*
** Thread scaling on -n 16, and the lead time's CI over those 16
** replications against the Jackson value.
*/
static void scaling(const char *path, const char *variant, const char *horizon)
{
    char set[64];
    const char *sets[1] = {set};
    cs_model *m;
    double t1, t2, ref;
    cs_summary *s;

    snprintf(set, sizeof set, "horizon=%s", horizon);
    m = load(path, variant, sets, 1);
    ref = jackson(m);
    s = simulate(m, 16, 1, &t1);
    cs_summary_free(s);
    s = simulate(m, 16, 2, &t2);
    printf("%-10s -n 16 (horizon %s): -j 1 %.3f s, -j 2 %.3f s: %.2fx on %u "
           "cores\n",
           variant ? variant : "tandem5", horizon, t1, t2, t1 / t2,
           cs_runner_cpu_count());
    printf("%-10s lead time %.3f d, 95%% CI [%.3f, %.3f]; Jackson %.3f d: %s\n",
           "", s->lead_time.mean, s->lead_time.lo, s->lead_time.hi, ref,
           s->lead_time.lo <= ref && ref <= s->lead_time.hi ? "inside the CI"
                                                             : "OUTSIDE the CI");
    cs_summary_free(s);
    cs_model_free(m);
}

/*
** Gives every team of m a schedule (repeating every `every` days, its
** own capacity at 0.4 and 0.6 of the period), a productivity curve
** (factor 1 at days 0, 50 and 100) and every class with a rate a profile
** (the same period, factor 1 at 0.4 and 0.6 of it): the
** machinery of SPEC 4.1-4.3 at work, the chain's dynamics unchanged.
*/
static void neutral_time(cs_model *m, double every)
{
    for (int t = 0; t < m->nteams; t++) {
        cs_team *const k = &m->teams[t];
        k->schedule = calloc(2, sizeof *k->schedule);
        k->productivity = calloc(3, sizeof *k->productivity);
        if (k->schedule == NULL || k->productivity == NULL)
            exit(3);
        for (int i = 0; i < 2; i++) {
            k->schedule[i].from = every * (0.4 + 0.2 * i);
            k->schedule[i].capacity = k->capacity;
        }
        k->nschedule = 2;
        k->schedule_every = every;
        for (int i = 0; i < 3; i++) {
            k->productivity[i].at = 50.0 * i;
            k->productivity[i].factor = 1.0;
        }
        k->nproductivity = 3;
    }
    for (int c = 0; c < m->nclasses; c++) {
        cs_class *const k = &m->classes[c];
        if (k->arrival != CS_ARRIVE_RATE)
            continue;
        k->profile = calloc(2, sizeof *k->profile);
        if (k->profile == NULL)
            exit(3);
        for (int i = 0; i < 2; i++) {
            k->profile[i].from = every * (0.4 + 0.2 * i);
            k->profile[i].factor = 1.0;
        }
        k->nprofile = 2;
        k->profile_every = every;
    }
}

/*
** The cost of time-varying settings: the tandem as it is, and with
** schedules, productivity curves and profiles that change nothing
** (neutral_time), one replication on one thread each, alternately, RUNS
** times: the ratio of the best times.
*/
static void time_varying(const char *path, const char *horizon, double every)
{
    char set[64];
    const char *sets[2] = {set, "replications=1"};
    cs_model *plain, *timed;
    double best[2] = {INFINITY, INFINITY};
    double lt[2] = {0, 0};

    snprintf(set, sizeof set, "horizon=%s", horizon);
    plain = load(path, NULL, sets, 2);
    timed = load(path, NULL, sets, 2);
    neutral_time(timed, every);
    for (int i = 0; i < RUNS; i++)
        for (int k = 0; k < 2; k++) {
            double sec;
            cs_summary *s = simulate(k ? timed : plain, 1, 1, &sec);
            if (sec < best[k])
                best[k] = sec;
            lt[k] = s->lead_time.mean;
            cs_summary_free(s);
        }
    printf("over time 1 thread: plain %.3f s, with schedules, productivity and "
           "profiles changing every %g d %.3f s: ratio %.3f (lead time %.4f "
           "vs %.4f d)\n",
           best[0], every, best[1], best[1] / best[0], lt[0], lt[1]);
    cs_model_free(plain);
    cs_model_free(timed);
}

/* Peak RSS in KiB of one replication at the horizon, in a child. */
static long peak_rss(const char *path, const char *horizon)
{
    pid_t pid = fork();
    struct rusage ru;
    int status;

    if (pid == 0) {
        char set[64];
        const char *sets[2] = {set, "replications=1"};
        double sec;
        snprintf(set, sizeof set, "horizon=%s", horizon);
        cs_model *m = load(path, NULL, sets, 2);
        cs_summary *s = simulate(m, 1, 1, &sec);
        cs_summary_free(s);
        cs_model_free(m);
        _exit(0);
    }
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0 || status != 0)
        return -1;
    return ru.ru_maxrss;
}

/*
** Long routes and many teams.  Generated models, written to a temporary
** file: "chain": one class of nsteps steps, step k at team k % nteams
** (two workers each), exponential efforts sized for a load of 0.6 (or
** `load`); "wide": nclasses classes of 10 steps each at teams of their
** own.  Rate 1 a day over all classes.
*/
static int write_model(const char *path, int nclasses, int nsteps, int nteams,
                       double load)
{
    FILE *f = fopen(path, "w");
    const double visits = (double)nclasses * nsteps / nteams;

    if (f == NULL)
        return -1;
    fprintf(f, "chainsim: 1\nname: generated\nhorizon: 1000d\nwarmup: 0\n"
               "replications: 1\nseed: 1\nteams:\n");
    for (int t = 0; t < nteams; t++)
        fprintf(f, "  - {name: t%d, capacity: 2}\n", t);
    fputs("work:\n", f);
    for (int c = 0; c < nclasses; c++) {
        fprintf(f, "  - name: c%d\n    arrivals: {rate: %.17g/d}\n"
                   "    steps:\n", c, 1.0 / nclasses);
        for (int k = 0; k < nsteps; k++)
            fprintf(f, "      - {id: s%d, team: t%d, effort: "
                       "exponential(%.17gd)}\n",
                    k, (c * nsteps + k) % nteams, load * 2.0 / visits);
    }
    fputs("promise:\n  - {name: p, within: 10000d, percentile: 50}\n", f);
    return fclose(f);
}

/* CPU seconds per item-visit of one replication of path at horizon. */
static double per_visit(const char *path, const char *horizon)
{
    char set[64];
    const char *sets[2] = {set, "replications=1"};
    double best = INFINITY, t;
    cs_model *m;

    snprintf(set, sizeof set, "horizon=%s", horizon);
    m = load(path, NULL, sets, 2);
    for (int i = 0; i < RUNS; i++) {
        const double c0 = cpu_now();
        cs_summary *s = simulate(m, 1, 1, &t);
        const double v = (cpu_now() - c0) / (double)s->visits;
        if (v < best)
            best = v;
        cs_summary_free(s);
    }
    cs_model_free(m);
    return best;
}

/* Peak RSS (KiB) and the items left in the chain of one replication of
** path at horizon, in a child process; -1 on failure. */
static long items_rss(const char *path, const char *horizon, double *items)
{
    int fd[2];
    pid_t pid;
    struct rusage ru;
    int status;

    if (pipe(fd) != 0)
        return -1;
    if ((pid = fork()) == 0) {
        char set[64];
        const char *sets[2] = {set, "replications=1"};
        cs_error err;
        double n = -1;
        close(fd[0]);
        snprintf(set, sizeof set, "horizon=%s", horizon);
        cs_model *m = load(path, NULL, sets, 2);
        cs_engine *e = cs_engine_new(m);
        cs_rep *r = cs_engine_rep_new(m);
        if (e != NULL && r != NULL &&
            cs_engine_run(e, 0, m->warmup, r, &err) == CS_OK)
            n = (double)r->in_system_end;
        if (write(fd[1], &n, sizeof n) != (ssize_t)sizeof n)
            _exit(1);
        _exit(0);
    }
    close(fd[1]);
    if (pid < 0 || read(fd[0], items, sizeof *items) != (ssize_t)sizeof *items)
        *items = -1;
    close(fd[0]);
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0 || status != 0 ||
        *items < 0)
        return -1;
    return ru.ru_maxrss;
}

static void routes(int quick)
{
    char chain[] = "/tmp/chainsim-bench-chainXXXXXX";
    char wide[] = "/tmp/chainsim-bench-wideXXXXXX";
    char over[] = "/tmp/chainsim-bench-overXXXXXX";
    const int fc = mkstemp(chain), fw = mkstemp(wide), fo = mkstemp(over);
    double t5, tc, tw, n1, n2;
    long r1, r2;

    if (fc < 0 || fw < 0 || fo < 0 || write_model(chain, 1, 200, 200, 0.6) ||
        write_model(wide, 50, 10, 500, 0.6) ||
        write_model(over, 1, 200, 200, 1.5)) {
        printf("routes     (cannot write the generated models)\n");
        return;
    }
    t5 = per_visit("scenarios/bench/tandem5.yaml", quick ? "200000d" : "1000000d");
    tc = per_visit(chain, quick ? "5000d" : "25000d");
    tw = per_visit(wide, quick ? "100000d" : "500000d");
    printf("routes     CPU ns per item-visit (best of %d): tandem5 %.0f, "
           "200-step chain %.0f (%.2fx), 500 teams %.0f (%.2fx)\n",
           RUNS, t5 * 1e9, tc * 1e9, tc / t5, tw * 1e9, tw / t5);
    r1 = items_rss(over, quick ? "3000d" : "10000d", &n1);
    r2 = items_rss(over, quick ? "6000d" : "20000d", &n2);
    if (r1 > 0 && r2 > 0 && n2 > n1)
        printf("memory     overloaded 200-step chain (load 1.5): %.0f then "
               "%.0f items in the chain, peak RSS %ld then %ld KiB: %.0f "
               "bytes per item\n",
               n1, n2, r1, r2, (double)(r2 - r1) * 1024.0 / (n2 - n1));
    close(fc);
    close(fw);
    close(fo);
    unlink(chain);
    unlink(wide);
    unlink(over);
}

static void startup(int argc, char **argv, int first)
{
    for (int i = first; i < argc; i++) {
        double best = INFINITY;
        for (int k = 0; k < 20; k++) {
            cs_scenario *s = NULL;
            cs_model *m = NULL;
            cs_error err;
            const double t0 = now();
            if (cs_scenario_load(argv[i], &s, &err) != CS_OK ||
                cs_variant_build(s, -1, &m, &err) != CS_OK) {
                fprintf(stderr, "bench: %s: %s\n", argv[i], err.msg);
                exit(2);
            }
            const double t = now() - t0;
            if (t < best)
                best = t;
            cs_model_free(m);
            cs_scenario_free(s);
        }
        printf("start-up  %-40s %7.3f ms (load, validate all variants, build)\n",
               argv[i], best * 1e3);
    }
}

int main(int argc, char **argv)
{
    const char *path = "scenarios/bench/tandem5.yaml";
    int quick = 0, first = 1;

    gsl_set_error_handler_off();
    if (argc > 1 && strcmp(argv[1], "-q") == 0) {
        quick = 1;
        first++;
    }
    if (argc > first)
        path = argv[first++];
    const char *h = quick ? "200000d" : "1000000d";
    printf("chainsim benchmark: %s, %u cores\n", path, cs_runner_cpu_count());
    speed(path, NULL, h);
    against_floor(path, h, "build/floor");
    speed(path, "rework5", h);
    time_varying(path, h, 50);
    time_varying(path, h, 10);
    scaling(path, NULL, quick ? "20000d" : "100000d");
    scaling(path, "rework5", quick ? "20000d" : "100000d");
    const long r5 = peak_rss(path, "100000d"), r6 = peak_rss(path, "1000000d");
    printf("memory    peak RSS, 1 replication: horizon 1e5 d %ld KiB, "
           "1e6 d %ld KiB (ratio %.2f)\n",
           r5, r6, r5 > 0 ? (double)r6 / (double)r5 : 0.0);
    routes(quick);
    startup(argc, argv, first);
    return 0;
}
