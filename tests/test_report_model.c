/*
** test_report_model.c - the description "check" prints (golden, byte for
** byte, nothing before every model is built and proved), the certain
** deadlocks of a parallel step, and the trace CSV: header, lines, quoting,
** determinism, its bound and what a stop leaves written.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/report_model.h"
#include "chainsim/scenario.h"
#include "chainsim/str.h"

static const char *const yaml =
    "chainsim: 1\n"
    "name: two teams\n"
    "horizon: 20d\n"
    "warmup: 2d\n"
    "replications: 3\n"
    "seed: 5\n"
    "teams:\n"
    "  - {name: a, capacity: 2, wip_limit: 4}\n"
    "  - {name: b, capacity: 1, handoff: 0.5d}\n"
    "work:\n"
    "  - name: x\n"
    "    arrivals: {rate: 0.5/d}\n"
    "    steps:\n"
    "      - {team: a, effort: 'exponential(2d)'}\n"
    "      - {team: b, effort: 1d}\n"
    "promise:\n"
    "  - {name: easy, within: 100d, percentile: 50}\n"
    "variants:\n"
    "  - name: faster-b\n"
    "    hypothesis: more b\n"
    "    patch: {teams: [{name: b, capacity: 2}]}\n";

static const char *const check_golden =
    "scenario: two teams\n"
    "variant: baseline\n"
    "time: 8 hours per day, 5 days per week\n"
    "horizon: 20d  warm-up: 2d  replications: 3  seed: 5\n"
    "teams (2):\n"
    "  a                    stream-aligned        capacity 2  wip 4  fifo"
    "  load 0.50\n"
    "  b                    stream-aligned        capacity 1  fifo"
    "  handoff const(0.5d)  load 0.50\n"
    "theory (approximate, before any run: Allen-Cunneen for G/G/c in steady state):\n"
    "  a                    load 0.50  queue wait not given: WIP limit\n"
    "  b                    load 0.50  queue wait 0.50d  (c 1, ca2 1.00, "
    "cs2 0.00)\n"
    "  lead time not given: some route visits a team above (or has no arrivals)\n"
    "work (1):\n"
    "  x  arrivals 0.5/d\n"
    "    a  effort exponential(mean=2d)\n"
    "    b  effort const(1d)\n"
    "promises (1):\n"
    "  easy: 50% of all work within 100d\n"
    "cost per day: 0\n"
    "variants (1):\n"
    "  faster-b: more b\n";

static cs_scenario *load_text(const char *text)
{
    cs_scenario *s = NULL;
    cs_error err;

    cs_error_clear(&err);
    ck_assert_msg(cs_scenario_load_string("t.yaml", text, &s, &err) == CS_OK,
                  "load: %s", err.msg);
    return s;
}

static cs_scenario *load(void)
{
    return load_text(yaml);
}

static cs_model *build(long variant)
{
    cs_scenario *s = load();
    cs_model *m = NULL;
    cs_error err;

    ck_assert_int_eq(cs_variant_build(s, variant, &m, &err), CS_OK);
    cs_scenario_free(s);
    return m;
}

/* What write(f) wrote, NUL-terminated; caller frees. */
typedef struct capture {
    FILE *f;
    char *buf;
    size_t len;
} capture;

static FILE *capture_open(capture *c)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    ck_assert_ptr_nonnull(c->f);
    return c->f;
}

static char *capture_close(capture *c)
{
    fclose(c->f);
    return c->buf;
}

START_TEST(test_check_golden)
{
    cs_scenario *s = load();
    cs_error err;
    capture c;

    ck_assert_int_eq(cs_report_model_scenario(capture_open(&c), s, -1, &err),
                     CS_OK);
    char *out = capture_close(&c);
    ck_assert_str_eq(out, check_golden);
    free(out);
    cs_scenario_free(s);
}
END_TEST

/* SPEC 4.1-4.5 in the description: schedules, productivity curves,
** profiles, start items, done_by promises and the timeline. */
static const char *const over_time_yaml =
    "chainsim: 1\n"
    "name: over time\n"
    "horizon: 20d\n"
    "timeline: 1w\n"
    "replications: 3\n"
    "seed: 5\n"
    "teams:\n"
    "  - name: a\n"
    "    capacity: 2\n"
    "    schedule: [{from: 0, capacity: 1}, {from: 1w, capacity: 3}]\n"
    "    schedule_every: 2w\n"
    "  - name: b\n"
    "    productivity: [{at: 0, factor: 0.5}, {at: 10d, factor: 1}]\n"
    "work:\n"
    "  - name: x\n"
    "    backlog: 2\n"
    "    arrivals:\n"
    "      rate: 0.5/d\n"
    "      profile: [{from: 10d, factor: 2}]\n"
    "    start: [{step: b, count: 3, age: 1d}, {step: a, count: 1}]\n"
    "    steps:\n"
    "      - {team: a, effort: 'exponential(2d)'}\n"
    "      - {team: b, effort: 1d}\n"
    "  - name: y\n"
    "    arrivals: {rate: 0.1/d, profile: [{from: 0, factor: 0}, "
    "{from: 2d, factor: 1.5}], profile_every: 4d}\n"
    "    start: [{step: b, count: 1}]\n"
    "    steps: [{team: b, effort: 1d}]\n"
    "promise:\n"
    "  - {name: easy, within: 100d, percentile: 50}\n"
    "  - {name: board, work: x, done_by: 3w, percentile: 90}\n"
    "  - {name: all done, done_by: 20d, percentile: 50}\n";

/* The loads: a's capacity is 1 on [0, 5) and 3 on [5, 10) of every 10
** days (a mean of 2), x arrives at 0.5/d x 1 on [0, 10) and 2 from day
** 10 (a mean of 0.75/d over the 20 days), y at 0.1/d x 0.75. */
static const char *const over_time_golden =
    "scenario: over time\n"
    "variant: baseline\n"
    "time: 8 hours per day, 5 days per week\n"
    "horizon: 20d  warm-up: 0d  replications: 3  seed: 5\n"
    "timeline: 4 periods of 5d\n"
    "teams (2):\n"
    "  a                    stream-aligned        capacity 2  fifo"
    "  load 0.75\n"
    "    schedule: 1 from day 0, 3 from day 5, every 10 days\n"
    "  b                    stream-aligned        capacity 1  fifo"
    "  load 0.82\n"
    "    productivity: x0.5 at day 0, x1 at day 10 (linear between)\n"
    "theory (approximate, before any run: Allen-Cunneen for G/G/c in steady state):\n"
    "  a                    load 0.75  queue wait not given: capacity "
    "schedule\n"
    "  b                    load 0.82  queue wait not given: productivity "
    "curve\n"
    "  lead time not given: some route visits a team above (or has no arrivals)\n"
    "work (2):\n"
    "  x  arrivals 0.5/d  backlog 2\n"
    "    profile: x2 from day 10\n"
    "    start: 3 at b aged 1d, 1 at a (6 initial items)\n"
    "    a  effort exponential(mean=2d)\n"
    "    b  effort const(1d)\n"
    "  y  arrivals 0.1/d\n"
    "    profile: x0 from day 0, x1.5 from day 2, every 4 days\n"
    "    start: 1 at b (1 initial item)\n"
    "    b  effort const(1d)\n"
    "promises (3):\n"
    "  easy: 50% of all work within 100d\n"
    "  board: the initial items of x done by day 15 in 90% of "
    "replications\n"
    "  all done: the initial items of all work done by day 20 in 50% of "
    "replications\n"
    "cost per day: 0\n";

START_TEST(test_check_over_time)
{
    cs_scenario *s = load_text(over_time_yaml);
    cs_error err;
    capture c;

    ck_assert_int_eq(cs_report_model_scenario(capture_open(&c), s, -1, &err),
                     CS_OK);
    char *out = capture_close(&c);
    ck_assert_str_eq(out, over_time_golden);
    free(out);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_check_variant_model)
{
    cs_model *m = build(0);
    capture c;

    cs_report_model_check(capture_open(&c), m);
    char *out = capture_close(&c);
    ck_assert_ptr_nonnull(strstr(out, "variant: faster-b\n"
                                      "hypothesis: more b\n"));
    ck_assert_ptr_nonnull(strstr(out, "capacity 2  fifo  handoff"));
    free(out);
    cs_report_model_variant(capture_open(&c), m);
    out = capture_close(&c);
    ck_assert_str_eq(out, "  faster-b: more b\n");
    free(out);
    cs_model_free(m);
}
END_TEST

/* check describes interruptions and multitasking (SPEC 5.1, 5.2). */
START_TEST(test_check_shared_work)
{
    cs_scenario *s = load_text(
        "chainsim: 1\nname: t\n"
        "teams:\n"
        "  - {name: sre, discipline: preemptive, resume_cost: 2h}\n"
        "  - {name: dev, capacity: 3, multitasking: {items_per_person: 2, "
        "switch_loss: 0.2}}\n"
        "work: [{name: w, arrivals: {rate: 0.5/d}, steps: "
        "[{team: sre, effort: 1d}, {team: dev, effort: 1d}]}]\n"
        "promise: [{name: p, within: 5d, percentile: 80}]\n");
    cs_error err;
    capture c;

    ck_assert_int_eq(cs_report_model_scenario(capture_open(&c), s, -1, &err),
                     CS_OK);
    char *out = capture_close(&c);
    ck_assert_ptr_nonnull(strstr(out, "capacity 1  preemptive  resume cost "
                                      "const(0.25d)  load"));
    ck_assert_ptr_nonnull(strstr(out, "capacity 3  fifo  multitasking 2 per "
                                      "person, switch loss 0.2  load"));
    free(out);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_check_build_error)
{
    cs_scenario *s = load();
    cs_error err;
    capture c;

    ck_assert_int_eq(cs_variant_add_override(s, "teams.b.capacity=0", &err),
                     CS_OK);
    ck_assert_int_eq(cs_report_model_scenario(capture_open(&c), s, -1, &err),
                     CS_EINPUT);
    char *out = capture_close(&c);
    ck_assert_str_eq(out, "");
    ck_assert_str_eq(err.file, "--set teams.b.capacity=0");
    free(out);
    cs_scenario_free(s);
}
END_TEST

/* A fork of two branches to b, then c; WIP limits and p from the format
** arguments: b's wip_limit, the second branch's p, c's wip_limit. */
static const char *const fork_yaml =
    "chainsim: 1\n"
    "name: fork\n"
    "horizon: 30d\n"
    "teams:\n"
    "  - {name: a}\n"
    "  - {name: b, capacity: 2, wip_limit: %d}\n"
    "  - {name: c, wip_limit: %d}\n"
    "work:\n"
    "  - name: x\n"
    "    arrivals: {rate: 1/w}\n"
    "    steps:\n"
    "      - {team: a, effort: 1d}\n"
    "      - parallel:\n"
    "          - {team: b, id: b1, effort: 1d}\n"
    "          - {team: b, id: b2, effort: 1d, p: %s}\n"
    "          - {team: c, effort: 1d}\n"
    "          - {team: b, id: b3, effort: 1d}\n"
    "promise:\n"
    "  - {name: p, within: 30d, percentile: 50}\n"
    "variants:\n"
    "  - name: tight\n"
    "    patch: {teams: [{name: b, wip_limit: 1}]}\n";

static cs_model *fork_model(int wip_b, const char *p2, int wip_c, long v)
{
    char text[2048];
    cs_scenario *s;
    cs_model *m = NULL;
    cs_error err;

    snprintf(text, sizeof text, fork_yaml, wip_b, wip_c, p2);
    s = load_text(text);
    ck_assert_int_eq(cs_variant_build(s, v, &m, &err), CS_OK);
    cs_scenario_free(s);
    return m;
}

START_TEST(test_deadlock_fork)
{
    cs_model *m = fork_model(2, "1", 1, -1);
    cs_report_model_deadlock d;
    cs_error err;

    /* three sure branches to b (limit 2): certain */
    ck_assert_int_eq(cs_report_model_find_deadlock(m, &d), 1);
    ck_assert_int_eq(d.cls, 0);
    ck_assert_int_eq(d.step, m->classes[0].route[1]);
    ck_assert_int_eq(d.team, 1);
    ck_assert_int_eq(d.nbranches, 3);
    ck_assert_int_eq(cs_report_model_prove(m, "t.yaml", &err), CS_EINPUT);
    ck_assert_str_eq(err.file, "t.yaml");
    ck_assert_int_eq(err.line, 13);
    ck_assert_int_eq(err.column, 9);
    ck_assert_str_eq(err.msg,
        "certain deadlock: this parallel step sends 3 branches (b1, b2, b3) "
        "to team b, whose wip_limit is 2: the branches admitted fill b and "
        "the others wait for room that only their own item would free, so "
        "every item of x that takes this step waits forever; raise b's "
        "wip_limit to 3 or more, or send at most 2 of these branches to b");
    cs_model_free(m);
    /* as many as the limit: no certain deadlock */
    m = fork_model(3, "1", 1, -1);
    ck_assert_int_eq(cs_report_model_find_deadlock(m, &d), 0);
    ck_assert_int_eq(cs_report_model_prove(m, "t.yaml", &err), CS_OK);
    cs_model_free(m);
    /* a branch not always needed is not counted: possible, not certain */
    m = fork_model(2, "0.5", 1, -1);
    ck_assert_int_eq(cs_report_model_find_deadlock(m, &d), 0);
    cs_model_free(m);
    /* the variant lowers the limit: its error says so */
    m = fork_model(3, "0.5", 1, 0);
    ck_assert_int_eq(cs_report_model_find_deadlock(m, &d), 1);
    ck_assert_int_eq(d.nbranches, 2);
    ck_assert_int_eq(cs_report_model_prove(m, "t.yaml", &err), CS_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "sends 2 branches (b1, b3) to team "
                                          "b, whose wip_limit is 1"));
    ck_assert_ptr_nonnull(strstr(err.msg, "(in variant 'tight')"));
    cs_model_free(m);
}
END_TEST

START_TEST(test_deadlock_position)
{
    cs_model *m = fork_model(2, "1", 1, -1);
    cs_report_model_deadlock d;
    cs_error err;

    /* a step made by --set has no position: the team's is used */
    ck_assert_int_eq(cs_report_model_find_deadlock(m, &d), 1);
    m->classes[0].steps[d.step].pos.line = 0;
    ck_assert_int_eq(cs_report_model_deadlock_error(m, &d, "t.yaml", &err),
                     CS_EINPUT);
    ck_assert_int_eq(err.line, 6);
    ck_assert_str_eq(err.file, "t.yaml");
    /* neither has one: unlocated */
    m->teams[d.team].pos.line = 0;
    ck_assert_int_eq(cs_report_model_deadlock_error(m, &d, "t.yaml", &err),
                     CS_EINPUT);
    ck_assert_int_eq(err.line, 0);
    ck_assert_str_eq(err.file, "");
    /* unlimited, or branches at different teams: none */
    m->teams[d.team].wip_limit = 0;
    ck_assert_int_eq(cs_report_model_find_deadlock(m, &d), 0);
    m->teams[1].wip_limit = 1;
    for (int b = 0; b < 4; b++)
        m->classes[0].steps[m->classes[0].steps[d.step].branch_first + b]
            .team = b % 3;
    m->teams[0].wip_limit = m->teams[2].wip_limit = 1;
    ck_assert_int_eq(cs_report_model_find_deadlock(m, &d), 1);
    ck_assert_int_eq(d.team, 0);   /* b1 and b3 both at a now */
    m->teams[0].wip_limit = 2;
    ck_assert_int_eq(cs_report_model_find_deadlock(m, &d), 0);
    cs_model_free(m);
}
END_TEST

/* check builds and proves every model before it writes anything: a
** variant that an override does not fit (a warm-up past its horizon) leaves
** the output empty, and so does a variant's certain deadlock, whichever
** model is printed. */
static const char *const three_teams =
    "chainsim: 1\n"
    "name: three\n"
    "teams:\n"
    "  - {name: a}\n"
    "  - {name: c}\n"
    "work:\n"
    "  - {name: x, backlog: 2, steps: [{team: a, effort: 1d}]}\n"
    "promise:\n"
    "  - {name: p, within: 30d, percentile: 50}\n"
    "variants:\n"
    "  - {name: no-c, patch: {teams: {c: null}, horizon: 20d}}\n";

START_TEST(test_check_all_before_output)
{
    char text[2048];
    cs_scenario *s = load_text(three_teams);
    cs_error err;
    capture c;
    char *out;

    ck_assert_int_eq(cs_variant_add_override(s, "warmup=30d", &err), CS_OK);
    ck_assert_int_eq(cs_report_model_scenario(capture_open(&c), s, -1, &err),
                     CS_EINPUT);
    out = capture_close(&c);
    ck_assert_str_eq(out, "");
    ck_assert_ptr_nonnull(strstr(err.msg, "(in variant 'no-c')"));
    free(out);
    cs_scenario_free(s);
    snprintf(text, sizeof text, fork_yaml, 3, 1, "1");
    s = load_text(text);
    for (long v = -1; v <= 0; v++) {
        ck_assert_int_eq(cs_report_model_scenario(capture_open(&c), s, v,
                                                  &err), CS_EINPUT);
        out = capture_close(&c);
        ck_assert_str_eq(out, "");
        ck_assert_ptr_nonnull(strstr(err.msg, "(in variant 'tight')"));
        free(out);
    }
    cs_scenario_free(s);
}
END_TEST

/* check --variant: that variant's description only. */
START_TEST(test_check_one_variant)
{
    cs_scenario *s = load();
    cs_model *m = build(0);
    cs_error err;
    capture c;
    char *out, *want;

    ck_assert_int_eq(cs_report_model_scenario(capture_open(&c), s, 0, &err),
                     CS_OK);
    out = capture_close(&c);
    cs_report_model_check(capture_open(&c), m);
    want = capture_close(&c);
    ck_assert_str_eq(out, want);
    ck_assert_ptr_null(strstr(out, "variants ("));
    free(out);
    free(want);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_trace_run)
{
    cs_model *m = build(-1);
    cs_error err;
    capture c;

    ck_assert_int_eq(cs_report_model_trace_run(capture_open(&c), m, 0, 1, 0,
                                               &err), CS_OK);
    char *out = capture_close(&c);
    ck_assert_uint_eq(strlen(out), 1753);
    ck_assert_int_eq(strncmp(out, "time,item,class,team,event\n"
                     "1.3551581199986837,1,x,,arrive\n"
                     "1.3551581199986837,1,x,a,enter\n"
                     "1.3551581199986837,1,x,a,queue\n", 120), 0);
    /* the same replication again, without the header */
    ck_assert_int_eq(cs_report_model_trace_run(capture_open(&c), m, 0, 0, 0,
                                               &err), CS_OK);
    char *again = capture_close(&c);
    ck_assert_str_eq(again, out + strlen("time,item,class,team,event\n"));
    /* another replication differs */
    ck_assert_int_eq(cs_report_model_trace_run(capture_open(&c), m, 1, 0, 0,
                                               &err), CS_OK);
    char *other = capture_close(&c);
    ck_assert_str_ne(other, again);
    free(out);
    free(again);
    free(other);
    cs_model_free(m);
}
END_TEST

/* At most max_events events: the first ones, then CS_ESIM saying so;
** exactly as many as the run has is no cut. */
START_TEST(test_trace_bound)
{
    cs_model *m = build(-1);
    cs_error err;
    capture c;
    char *all, *cut, *exact;
    size_t n = 0, k = 0;

    ck_assert_int_eq(cs_report_model_trace_run(capture_open(&c), m, 0, 0, 0,
                                               &err), CS_OK);
    all = capture_close(&c);
    for (const char *p = all; *p != '\0'; p++)
        n += *p == '\n';
    ck_assert_uint_gt(n, 10);
    ck_assert_int_eq(cs_report_model_trace_run(capture_open(&c), m, 0, 0, n,
                                               &err), CS_OK);
    exact = capture_close(&c);
    ck_assert_str_eq(exact, all);
    ck_assert_int_eq(cs_report_model_trace_run(capture_open(&c), m, 0, 1, 10,
                                               &err), CS_ESIM);
    cut = capture_close(&c);
    ck_assert_ptr_nonnull(strstr(err.msg, "the trace stops after 10 events, "
                                          "at day "));
    for (const char *p = cut; *p != '\0'; p++)
        k += *p == '\n';
    ck_assert_uint_eq(k, 11);   /* the header and 10 events */
    ck_assert_int_eq(strncmp(cut + strlen("time,item,class,team,event\n"),
                             all, strlen(cut) - 27), 0);
    free(all);
    free(exact);
    free(cut);
    cs_model_free(m);
}
END_TEST

/* A deadlock stops the run: the events up to it are written. */
START_TEST(test_trace_deadlock)
{
    char text[2048];
    cs_scenario *s;
    cs_model *m = NULL;
    cs_error err;
    capture c;
    char *out;

    snprintf(text, sizeof text, fork_yaml, 2, 1, "1");
    s = load_text(text);
    ck_assert_int_eq(cs_variant_build(s, -1, &m, &err), CS_OK);
    m->deadlock = CS_DEADLOCK_STOP;      /* (the default breaks it) */
    ck_assert_int_eq(cs_report_model_trace_run(capture_open(&c), m, 0, 1, 0,
                                               &err), CS_ESIM);
    out = capture_close(&c);
    ck_assert_ptr_nonnull(strstr(err.msg, "deadlock at day"));
    ck_assert_ptr_nonnull(strstr(out, ",x,,fork\n"));
    ck_assert_ptr_nonnull(strstr(out, ",x,a,blocked\n"));
    free(out);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_trace_line_quoting)
{
    cs_model *m = build(-1);
    cs_report_model_trace t;
    const cs_trace_event ev = {0.5, 7, 0, 1, 1, "start"};
    const cs_trace_event none = {1.0 / 3, 8, 0, -1, -1, "fork"};
    capture c;

    free(m->classes[0].name);
    m->classes[0].name = cs_str_dup("say \"hi\", twice");
    cs_report_model_trace_init(&t, capture_open(&c), m, 0);
    cs_report_model_trace_line(&t, &ev);
    cs_report_model_trace_line(&t, &none);
    char *out = capture_close(&c);
    ck_assert_str_eq(out, "0.5,7,\"say \"\"hi\"\", twice\",b,start\n"
                          "0.33333333333333331,8,\"say \"\"hi\"\", twice\",,"
                          "fork\n");
    free(out);
    cs_report_model_trace_header(capture_open(&c));
    out = capture_close(&c);
    ck_assert_str_eq(out, "time,item,class,team,event\n");
    free(out);
    cs_model_free(m);
}
END_TEST

static Suite *report_model_suite(void)
{
    Suite *s = suite_create("report_model");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_check_golden);
    tcase_add_test(tc, test_check_variant_model);
    tcase_add_test(tc, test_check_shared_work);
    tcase_add_test(tc, test_check_over_time);
    tcase_add_test(tc, test_check_build_error);
    tcase_add_test(tc, test_deadlock_fork);
    tcase_add_test(tc, test_deadlock_position);
    tcase_add_test(tc, test_check_all_before_output);
    tcase_add_test(tc, test_check_one_variant);
    tcase_add_test(tc, test_trace_run);
    tcase_add_test(tc, test_trace_bound);
    tcase_add_test(tc, test_trace_deadlock);
    tcase_add_test(tc, test_trace_line_quoting);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(report_model_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
