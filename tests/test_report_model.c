/*
** test_report_model.c - the description "check" prints (golden, byte for
** byte) and the trace CSV: header, lines, quoting, determinism.
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
    "work (1):\n"
    "  x  arrivals 0.5/d\n"
    "    a  effort exponential(mean=2d)\n"
    "    b  effort const(1d)\n"
    "promises (1):\n"
    "  easy: 50% of all work within 100d\n"
    "cost per day: 0\n"
    "variants (1):\n"
    "  faster-b: more b\n";

static cs_scenario *load(void)
{
    cs_scenario *s = NULL;
    cs_error err;

    cs_error_clear(&err);
    ck_assert_msg(cs_scenario_load_string("t.yaml", yaml, &s, &err) == CS_OK,
                  "load: %s", err.msg);
    return s;
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

    ck_assert_int_eq(cs_report_model_scenario(capture_open(&c), s, &err),
                     CS_OK);
    char *out = capture_close(&c);
    ck_assert_str_eq(out, check_golden);
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

START_TEST(test_check_build_error)
{
    cs_scenario *s = load();
    cs_error err;
    capture c;

    ck_assert_int_eq(cs_variant_add_override(s, "teams.b.capacity=0", &err),
                     CS_OK);
    ck_assert_int_eq(cs_report_model_scenario(capture_open(&c), s, &err),
                     CS_EINPUT);
    char *out = capture_close(&c);
    ck_assert_str_eq(out, "");
    ck_assert_str_eq(err.file, "--set teams.b.capacity=0");
    free(out);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_trace_run)
{
    cs_model *m = build(-1);
    cs_error err;
    capture c;

    ck_assert_int_eq(cs_report_model_trace_run(capture_open(&c), m, 0, 1,
                                               &err), CS_OK);
    char *out = capture_close(&c);
    ck_assert_uint_eq(strlen(out), 1753);
    ck_assert_int_eq(strncmp(out, "time,item,class,team,event\n"
                     "1.3551581199986837,1,x,,arrive\n"
                     "1.3551581199986837,1,x,a,enter\n"
                     "1.3551581199986837,1,x,a,queue\n", 120), 0);
    /* the same replication again, without the header */
    ck_assert_int_eq(cs_report_model_trace_run(capture_open(&c), m, 0, 0,
                                               &err), CS_OK);
    char *again = capture_close(&c);
    ck_assert_str_eq(again, out + strlen("time,item,class,team,event\n"));
    /* another replication differs */
    ck_assert_int_eq(cs_report_model_trace_run(capture_open(&c), m, 1, 0,
                                               &err), CS_OK);
    char *other = capture_close(&c);
    ck_assert_str_ne(other, again);
    free(out);
    free(again);
    free(other);
    cs_model_free(m);
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
    t.fp = capture_open(&c);
    t.m = m;
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
    tcase_add_test(tc, test_check_build_error);
    tcase_add_test(tc, test_trace_run);
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
