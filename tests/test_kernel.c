/*
** test_kernel.c - the event kernel: ordering, ties, clock, stop, growth.
*/
#include <check.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/kernel.h"
#include "loopcheck.h"

/* What the handlers saw, in run order. */
typedef struct evlog {
    size_t n, cap;
    double *time;
    int32_t *prio;
    uintptr_t *tag;   /* the event's data pointer, read as an integer */
} evlog;

static void evlog_init(evlog *l, size_t cap)
{
    l->n = 0;
    l->cap = cap;
    l->time = malloc(cap * sizeof *l->time);
    l->prio = malloc(cap * sizeof *l->prio);
    l->tag = malloc(cap * sizeof *l->tag);
    ck_assert(l->time != NULL && l->prio != NULL && l->tag != NULL);
}

static void evlog_fini(evlog *l)
{
    free(l->time);
    free(l->prio);
    free(l->tag);
}

/* The priority travels in the tag's high bits so the log can check it. */
static void *make_tag(uintptr_t id, int32_t prio)
{
    return (void *)((uintptr_t)(uint32_t)prio << 24 | id);
}

static void record(cs_sim *sim, void *ctx, void *data)
{
    evlog *l = ctx;
    const uintptr_t tag = (uintptr_t)data;

    LOOP_CHECK(l->n < l->cap, "event log full at %zu", l->n);
    l->time[l->n] = cs_kernel_now(sim);
    l->prio[l->n] = (int32_t)(uint32_t)(tag >> 24);
    l->tag[l->n] = tag & 0xffffff;
    l->n++;
}

/* xorshift64*, a fixed-seed source of test times. */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static double rnd_unit(uint64_t *s)
{
    return (double)(rnd(s) >> 11) * 0x1p-53;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

START_TEST(test_random_times_in_order)
{
    enum { N = 5000 };
    cs_sim *sim = cs_kernel_new(0);
    double *sorted = malloc(N * sizeof *sorted);
    uint64_t s = 42;
    evlog l;

    ck_assert(sim != NULL && sorted != NULL);
    evlog_init(&l, N);
    for (size_t i = 0; i < N; i++) {
        sorted[i] = 1000.0 * rnd_unit(&s);
        ck_assert_int_eq(cs_kernel_schedule(sim, sorted[i], 0, record, &l,
                                            make_tag(i, 0)), 0);
    }
    qsort(sorted, N, sizeof *sorted, cmp_double);
    ck_assert_uint_eq(cs_kernel_run(sim, INFINITY), N);
    ck_assert_uint_eq(l.n, N);
    for (size_t i = 0; i < N; i++)
        ck_assert(l.time[i] == sorted[i]);
    ck_assert(cs_kernel_now(sim) == sorted[N - 1]);
    free(sorted);
    evlog_fini(&l);
    cs_kernel_free(sim);
}
END_TEST

START_TEST(test_ties_priority_then_fifo)
{
    static const int32_t prio[] = {2, 1, 2, 1, -1, 0};
    static const uintptr_t want[] = {6, 4, 5, 1, 3, 0, 2};
    cs_sim *sim = cs_kernel_new(0);
    evlog l;

    ck_assert(sim != NULL);
    evlog_init(&l, 16);
    for (uintptr_t i = 0; i < 6; i++)
        cs_kernel_schedule(sim, 5.0, prio[i], record, &l, make_tag(i, prio[i]));
    /* Earlier time wins over any priority. */
    cs_kernel_schedule(sim, 4.0, 100, record, &l, make_tag(6, 100));
    cs_kernel_run(sim, 10.0);
    ck_assert_uint_eq(l.n, 7);
    for (size_t i = 0; i < 7; i++)
        ck_assert_uint_eq(l.tag[i], want[i]);
    evlog_fini(&l);
    cs_kernel_free(sim);
}
END_TEST

START_TEST(test_step_empty)
{
    cs_sim *sim = cs_kernel_new(0);
    evlog l;

    ck_assert(sim != NULL);
    evlog_init(&l, 4);
    ck_assert_int_eq(cs_kernel_step(sim), 0);
    ck_assert_uint_eq(cs_kernel_pending(sim), 0);
    cs_kernel_schedule(sim, 3.0, 0, record, &l, make_tag(1, 0));
    ck_assert_int_eq(cs_kernel_step(sim), 1);
    ck_assert(cs_kernel_now(sim) == 3.0);
    ck_assert_int_eq(cs_kernel_step(sim), 0);
    ck_assert(cs_kernel_now(sim) == 3.0);
    ck_assert_uint_eq(l.n, 1);
    evlog_fini(&l);
    cs_kernel_free(sim);
}
END_TEST

START_TEST(test_run_until)
{
    static const double t[] = {1.0, 2.0, 5.0, 10.0};
    cs_sim *sim = cs_kernel_new(0);
    evlog l;

    ck_assert(sim != NULL);
    evlog_init(&l, 8);
    for (uintptr_t i = 0; i < 4; i++)
        cs_kernel_schedule(sim, t[i], 0, record, &l, make_tag(i, 0));
    /* An event exactly at until runs. */
    ck_assert_uint_eq(cs_kernel_run(sim, 5.0), 3);
    ck_assert(cs_kernel_now(sim) == 5.0);
    ck_assert_uint_eq(cs_kernel_pending(sim), 1);
    ck_assert(cs_kernel_next_time(sim) == 10.0);
    ck_assert_uint_eq(cs_kernel_run(sim, 7.5), 0);
    ck_assert(cs_kernel_now(sim) == 7.5);
    ck_assert_uint_eq(cs_kernel_pending(sim), 1);
    /* Draining the queue still moves the clock to until. */
    ck_assert_uint_eq(cs_kernel_run(sim, 12.0), 1);
    ck_assert(cs_kernel_now(sim) == 12.0);
    ck_assert_uint_eq(cs_kernel_pending(sim), 0);
    /* An infinite until leaves the clock at the last event. */
    cs_kernel_schedule(sim, 20.0, 0, record, &l, make_tag(9, 0));
    ck_assert_uint_eq(cs_kernel_run(sim, INFINITY), 1);
    ck_assert(cs_kernel_now(sim) == 20.0);
    ck_assert_uint_eq(l.n, 5);
    evlog_fini(&l);
    cs_kernel_free(sim);
}
END_TEST

static void stop_at_two(cs_sim *sim, void *ctx, void *data)
{
    record(sim, ctx, data);
    if (cs_kernel_now(sim) == 2.0)
        cs_kernel_stop(sim);
}

START_TEST(test_stop_from_handler)
{
    cs_sim *sim = cs_kernel_new(0);
    evlog l;

    ck_assert(sim != NULL);
    evlog_init(&l, 8);
    for (uintptr_t i = 1; i <= 3; i++)
        cs_kernel_schedule(sim, (double)i, 0, stop_at_two, &l, make_tag(i, 0));
    ck_assert_uint_eq(cs_kernel_run(sim, 100.0), 2);
    ck_assert(cs_kernel_now(sim) == 2.0);
    ck_assert_uint_eq(cs_kernel_pending(sim), 1);
    /* The stop does not stick: the next run carries on. */
    ck_assert_uint_eq(cs_kernel_run(sim, 100.0), 1);
    ck_assert(cs_kernel_now(sim) == 100.0);
    ck_assert_uint_eq(l.n, 3);
    evlog_fini(&l);
    cs_kernel_free(sim);
}
END_TEST

START_TEST(test_reset)
{
    cs_sim *sim = cs_kernel_new(4);
    evlog l;

    ck_assert(sim != NULL);
    evlog_init(&l, 16);
    for (uintptr_t i = 0; i < 10; i++)
        cs_kernel_schedule(sim, 1.0 + (double)i, 0, record, &l, make_tag(i, 0));
    cs_kernel_run(sim, 3.5);
    ck_assert_uint_eq(l.n, 3);
    cs_kernel_reset(sim);
    ck_assert(cs_kernel_now(sim) == 0.0);
    ck_assert_uint_eq(cs_kernel_pending(sim), 0);
    ck_assert(isinf(cs_kernel_next_time(sim)));
    ck_assert_int_eq(cs_kernel_step(sim), 0);
    /* Time 0 is schedulable again and FIFO order still holds. */
    cs_kernel_schedule(sim, 0.0, 0, record, &l, make_tag(20, 0));
    cs_kernel_schedule(sim, 0.0, 0, record, &l, make_tag(21, 0));
    ck_assert_uint_eq(cs_kernel_run(sim, 1.0), 2);
    ck_assert_uint_eq(l.tag[3], 20);
    ck_assert_uint_eq(l.tag[4], 21);
    evlog_fini(&l);
    cs_kernel_free(sim);
}
END_TEST

static void check_growth(size_t hint)
{
    enum { N = 10000 };
    cs_sim *sim = cs_kernel_new(hint);
    evlog l;

    ck_assert(sim != NULL);
    evlog_init(&l, N);
    /* Descending times: every insertion sifts to the root. */
    for (uintptr_t i = 0; i < N; i++)
        LOOP_CHECK(cs_kernel_schedule(sim, (double)(N - i), 0, record, &l,
                                      make_tag(i, 0)) == 0,
                   "schedule %zu failed", (size_t)i);
    ck_assert_uint_eq(cs_kernel_pending(sim), N);
    ck_assert(cs_kernel_next_time(sim) == 1.0);
    ck_assert_uint_eq(cs_kernel_run(sim, INFINITY), N);
    for (size_t i = 0; i < N; i++)
        LOOP_CHECK(l.time[i] == (double)(i + 1), "event %zu at %g", i,
                   l.time[i]);
    evlog_fini(&l);
    cs_kernel_free(sim);
}

START_TEST(test_growth_from_zero)
{
    check_growth(0);
}
END_TEST

START_TEST(test_growth_from_one)
{
    check_growth(1);
}
END_TEST

START_TEST(test_next_time)
{
    cs_sim *sim = cs_kernel_new(0);
    evlog l;

    ck_assert(sim != NULL);
    evlog_init(&l, 4);
    ck_assert(isinf(cs_kernel_next_time(sim)) && cs_kernel_next_time(sim) > 0);
    cs_kernel_schedule(sim, 7.0, 0, record, &l, make_tag(0, 0));
    cs_kernel_schedule(sim, 3.0, 0, record, &l, make_tag(1, 0));
    ck_assert(cs_kernel_next_time(sim) == 3.0);
    cs_kernel_step(sim);
    ck_assert(cs_kernel_next_time(sim) == 7.0);
    cs_kernel_step(sim);
    ck_assert(isinf(cs_kernel_next_time(sim)));
    evlog_fini(&l);
    cs_kernel_free(sim);
}
END_TEST

/* Schedules two events at the current time: priority 0 and -1. */
static void spawn_now(cs_sim *sim, void *ctx, void *data)
{
    record(sim, ctx, data);
    cs_kernel_schedule(sim, cs_kernel_now(sim), 0, record, ctx,
                       make_tag(10, 0));
    cs_kernel_schedule(sim, cs_kernel_now(sim), -1, record, ctx,
                       make_tag(11, -1));
}

START_TEST(test_schedule_at_now)
{
    static const uintptr_t want[] = {1, 11, 2, 3, 10, 4};
    cs_sim *sim = cs_kernel_new(0);
    evlog l;

    ck_assert(sim != NULL);
    evlog_init(&l, 8);
    cs_kernel_schedule(sim, 1.0, 0, spawn_now, &l, make_tag(1, 0));
    cs_kernel_schedule(sim, 1.0, 0, record, &l, make_tag(2, 0));
    cs_kernel_schedule(sim, 1.0, 0, record, &l, make_tag(3, 0));
    cs_kernel_schedule(sim, 1.5, -5, record, &l, make_tag(4, -5));
    /*
    ** 10 joins the back of the pending priority-0 events at t=1; 11 has a
    ** lower priority value and runs before them.
    */
    ck_assert_uint_eq(cs_kernel_run(sim, 2.0), 6);
    for (size_t i = 0; i < 6; i++)
        ck_assert_uint_eq(l.tag[i], want[i]);
    evlog_fini(&l);
    cs_kernel_free(sim);
}
END_TEST

START_TEST(test_million_in_order)
{
    enum { N = 1000000 };
    cs_sim *sim = cs_kernel_new(0);
    uint64_t s = 7;
    evlog l;

    ck_assert(sim != NULL);
    evlog_init(&l, N);
    /*
    ** Few distinct times and priorities, so ties are common and the full
    ** key (time, priority, schedule order = tag) is exercised.
    */
    for (uintptr_t i = 0; i < N; i++) {
        const double t = (double)(rnd(&s) % 2000) * 0.5;
        const int32_t p = (int32_t)(rnd(&s) % 4) - 1;
        LOOP_CHECK(cs_kernel_schedule(sim, t, p, record, &l,
                                      make_tag(i, p)) == 0,
                   "schedule %zu failed", (size_t)i);
    }
    ck_assert_uint_eq(cs_kernel_run(sim, INFINITY), N);
    ck_assert_uint_eq(l.n, N);
    for (size_t i = 1; i < N; i++) {
        const int ordered =
            l.time[i - 1] < l.time[i] ||
            (l.time[i - 1] == l.time[i] &&
             (l.prio[i - 1] < l.prio[i] ||
              (l.prio[i - 1] == l.prio[i] && l.tag[i - 1] < l.tag[i])));
        if (!ordered)
            ck_abort_msg("events %zu and %zu out of order", i - 1, i);
    }
    evlog_fini(&l);
    cs_kernel_free(sim);
}
END_TEST

START_TEST(test_priority_extremes)
{
    static const int32_t prio[] = {CS_PRIORITY_MAX, 0, CS_PRIORITY_MIN,
                                   CS_PRIORITY_MAX, CS_PRIORITY_MIN};
    static const uintptr_t want[] = {2, 4, 1, 0, 3};
    cs_sim *sim = cs_kernel_new(0);
    evlog l;

    ck_assert(sim != NULL);
    evlog_init(&l, 8);
    for (uintptr_t i = 0; i < 5; i++)
        cs_kernel_schedule(sim, 1.0, prio[i], record, &l, make_tag(i, 0));
    ck_assert_uint_eq(cs_kernel_run(sim, 1.0), 5);
    for (size_t i = 0; i < 5; i++)
        ck_assert_uint_eq(l.tag[i], want[i]);
    evlog_fini(&l);
    cs_kernel_free(sim);
}
END_TEST

/*
** A naive model of the pending set for test_reschedule_like_reference:
** the same events in an unordered array, the earliest found by a scan.
*/
typedef struct refev {
    double time;
    int32_t prio;
    uint64_t seq;
} refev;

typedef struct refsim {
    cs_sim *sim;
    refev *ev;
    size_t n, cap;
    uint64_t seq, runs, max_runs, rng;
    int bad;
} refsim;

static void ref_handler(cs_sim *sim, void *ctx, void *data);

static void ref_schedule(refsim *r, double t, int32_t prio)
{
    ck_assert_uint_lt(r->n, r->cap);
    r->ev[r->n].time = t;
    r->ev[r->n].prio = prio;
    r->ev[r->n].seq = r->seq;
    r->n++;
    ck_assert_int_eq(cs_kernel_schedule(r->sim, t, prio, ref_handler, r,
                                        (void *)(uintptr_t)r->seq), 0);
    r->seq++;
}

static int ref_before(const refev *a, const refev *b)
{
    if (a->time != b->time)
        return a->time < b->time;
    if (a->prio != b->prio)
        return a->prio < b->prio;
    return a->seq < b->seq;
}

/*
** Checks that the event running is the reference's earliest, and that
** pending and next_time agree before and after each schedule; then
** schedules 0, 1 or 2 successors (ties in time and priority are common).
*/
static void ref_handler(cs_sim *sim, void *ctx, void *data)
{
    refsim *r = ctx;
    const uint64_t seq = (uint64_t)(uintptr_t)data;
    size_t best = 0;
    uint64_t k;

    for (size_t i = 1; i < r->n; i++)
        if (ref_before(&r->ev[i], &r->ev[best]))
            best = i;
    if (r->n == 0 || r->ev[best].seq != seq ||
        r->ev[best].time != cs_kernel_now(sim))
        r->bad = 1;
    r->ev[best] = r->ev[--r->n];
    if (++r->runs >= r->max_runs)
        return;
    k = rnd(&r->rng) % 8;
    for (uint64_t m = 0; m < (k < 2 ? 0 : k < 6 ? 1 : 2); m++) {
        double next = INFINITY;
        for (size_t i = 0; i < r->n; i++)
            if (r->ev[i].time < next)
                next = r->ev[i].time;
        if (cs_kernel_pending(sim) != r->n || cs_kernel_next_time(sim) != next)
            r->bad = 1;
        ref_schedule(r, cs_kernel_now(sim) + (double)(rnd(&r->rng) % 4) * 0.5,
                        (int32_t)(rnd(&r->rng) % 3) - 1);
    }
}

START_TEST(test_reschedule_like_reference)
{
    enum { START = 40, RUNS = 200000 };
    refsim r;

    memset(&r, 0, sizeof r);
    r.sim = cs_kernel_new(0);
    r.cap = START + 2 * RUNS;
    r.ev = malloc(r.cap * sizeof *r.ev);
    r.max_runs = RUNS;
    r.rng = 99;
    ck_assert(r.sim != NULL && r.ev != NULL);
    for (int i = 0; i < START; i++)
        ref_schedule(&r, (double)(rnd(&r.rng) % 8),
                     (int32_t)(rnd(&r.rng) % 3) - 1);
    cs_kernel_run(r.sim, INFINITY);
    ck_assert_int_eq(r.bad, 0);
    ck_assert_uint_eq(r.n, 0);
    ck_assert_uint_eq(cs_kernel_pending(r.sim), 0);
    free(r.ev);
    cs_kernel_free(r.sim);
}
END_TEST

/* Runs the next event from inside a handler, once. */
static void step_inside(cs_sim *sim, void *ctx, void *data)
{
    evlog *l = ctx;

    record(sim, ctx, data);
    ck_assert_uint_eq(cs_kernel_pending(sim), 2);
    ck_assert(cs_kernel_next_time(sim) == 2.0);
    if (l->n == 1)
        ck_assert_int_eq(cs_kernel_step(sim), 1);
    ck_assert_uint_eq(cs_kernel_pending(sim), 1);
}

START_TEST(test_step_inside_handler)
{
    static const uintptr_t want[] = {0, 1, 2};
    cs_sim *sim = cs_kernel_new(0);
    evlog l;

    ck_assert(sim != NULL);
    evlog_init(&l, 8);
    cs_kernel_schedule(sim, 1.0, 0, step_inside, &l, make_tag(0, 0));
    cs_kernel_schedule(sim, 2.0, 0, record, &l, make_tag(1, 0));
    cs_kernel_schedule(sim, 3.0, 0, record, &l, make_tag(2, 0));
    /* Each event runs once: the outer one is not run again after the
    ** inner step. */
    ck_assert_uint_eq(cs_kernel_run(sim, INFINITY), 2);
    ck_assert_uint_eq(l.n, 3);
    for (size_t i = 0; i < 3; i++)
        ck_assert_uint_eq(l.tag[i], want[i]);
    ck_assert(cs_kernel_now(sim) == 3.0);
    evlog_fini(&l);
    cs_kernel_free(sim);
}
END_TEST

/* The expected assertion message would clutter the test output. */
static void quiet_stderr(void)
{
    ck_assert(freopen("/dev/null", "w", stderr) != NULL);
}

/* The event array stops growing at its bound: schedule fails, nothing
** scheduled before is lost. */
static void count_event(cs_sim *sim, void *ctx, void *data)
{
    (void)sim, (void)data;
    ++*(int *)ctx;
}

START_TEST(test_max_bytes)
{
    cs_sim *sim = cs_kernel_new(4);
    int n = 0, ok = 0;
    size_t bound;

    ck_assert_ptr_nonnull(sim);
    bound = 64 * cs_kernel_bytes(sim) / 4;
    cs_kernel_set_max_bytes(sim, bound);
    for (int i = 0; i < 1000; i++)
        if (cs_kernel_schedule(sim, (double)i, 0, count_event, &n, NULL) == 0)
            ok++;
    ck_assert_int_eq(ok, 64);
    ck_assert_uint_eq(cs_kernel_bytes(sim), bound);
    while (cs_kernel_step(sim))
        ;
    ck_assert_int_eq(n, 64);
    cs_kernel_set_max_bytes(sim, 0);
    for (int i = 0; i < 1000; i++)
        ck_assert_int_eq(
            cs_kernel_schedule(sim, 100.0 + i, 0, count_event, &n, NULL), 0);
    cs_kernel_free(sim);
}
END_TEST

START_TEST(test_past_time_asserts)
{
    cs_sim *sim = cs_kernel_new(0);
    evlog l;

    quiet_stderr();
    evlog_init(&l, 4);
    cs_kernel_schedule(sim, 5.0, 0, record, &l, make_tag(0, 0));
    cs_kernel_step(sim);
    cs_kernel_schedule(sim, 4.0, 0, record, &l, make_tag(1, 0));
}
END_TEST

START_TEST(test_priority_range_asserts)
{
    cs_sim *sim = cs_kernel_new(0);
    evlog l;

    quiet_stderr();
    evlog_init(&l, 4);
    cs_kernel_schedule(sim, 1.0, CS_PRIORITY_MAX + 1, record, &l,
                       make_tag(0, 0));
}
END_TEST

START_TEST(test_nan_time_asserts)
{
    cs_sim *sim = cs_kernel_new(0);
    evlog l;

    quiet_stderr();
    evlog_init(&l, 4);
    cs_kernel_schedule(sim, NAN, 0, record, &l, make_tag(0, 0));
}
END_TEST

static Suite *kernel_suite(void)
{
    Suite *s = suite_create("kernel");
    TCase *tc = tcase_create("core");
    const char *fork = getenv("CK_FORK");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_random_times_in_order);
    tcase_add_test(tc, test_ties_priority_then_fifo);
    tcase_add_test(tc, test_step_empty);
    tcase_add_test(tc, test_run_until);
    tcase_add_test(tc, test_stop_from_handler);
    tcase_add_test(tc, test_reset);
    tcase_add_test(tc, test_growth_from_zero);
    tcase_add_test(tc, test_growth_from_one);
    tcase_add_test(tc, test_next_time);
    tcase_add_test(tc, test_schedule_at_now);
    tcase_add_test(tc, test_million_in_order);
    tcase_add_test(tc, test_priority_extremes);
    tcase_add_test(tc, test_reschedule_like_reference);
    tcase_add_test(tc, test_step_inside_handler);
    tcase_add_test(tc, test_max_bytes);
    /* Assertion failures need a process of their own. */
    if (fork == NULL || strcmp(fork, "no") != 0) {
        tcase_add_test_raise_signal(tc, test_past_time_asserts, SIGABRT);
        tcase_add_test_raise_signal(tc, test_nan_time_asserts, SIGABRT);
        tcase_add_test_raise_signal(tc, test_priority_range_asserts, SIGABRT);
    }
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(kernel_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
