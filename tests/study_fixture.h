/*
** study_fixture.h - a small two-team scenario with two variants and two
** promises (one always met, one never), and helpers that plan, build and
** run a study of it; shared by the study and report_study tests.
*/
#ifndef CHAINSIM_TESTS_STUDY_FIXTURE_H
#define CHAINSIM_TESTS_STUDY_FIXTURE_H

#include <check.h>
#include <stdatomic.h>

#include "chainsim/study.h"

static const char *const yaml =
    "chainsim: 1\n"
    "name: two teams\n"
    "horizon: 120d\n"
    "warmup: 10d\n"
    "replications: 4\n"
    "seed: 3\n"
    "teams:\n"
    "  - {name: a, capacity: 2}\n"
    "  - {name: b, capacity: 1}\n"
    "work:\n"
    "  - name: x\n"
    "    arrivals: {rate: 0.4/d}\n"
    "    steps:\n"
    "      - {team: a, effort: 'exponential(2d)'}\n"
    "      - {team: b, effort: 1d}\n"
    "promise:\n"
    "  - {name: easy, within: 1000d, percentile: 50}\n"
    "  - {name: impossible, within: 0.01d, percentile: 99}\n"
    "variants:\n"
    "  - name: same\n"
    "    patch: {}\n"
    "  - name: faster-b\n"
    "    patch: {teams: [{name: b, capacity: 2}]}\n";

static inline cs_scenario *load(void)
{
    cs_scenario *s = NULL;
    cs_error err;

    cs_error_clear(&err);
    ck_assert_msg(cs_scenario_load_string("t.yaml", yaml, &s, &err) == CS_OK,
                  "load: %s", err.msg);
    return s;
}

static inline cs_study *plan(int compare, int independent, const char *const *vary,
                      size_t nvary)
{
    const cs_study_opts o = {compare, independent, vary, nvary, {0}};
    cs_study *st = NULL;
    cs_error err;

    cs_error_clear(&err);
    ck_assert_msg(cs_study_new(&o, &st, &err) == CS_OK, "new: %s", err.msg);
    return st;
}

/* A built study of yaml (the baseline unless compare). */
static inline cs_study *built(int compare, int independent, const char *const *vary,
                       size_t nvary)
{
    cs_study *st = plan(compare, independent, vary, nvary);
    cs_scenario *s = load();
    cs_error err;

    ck_assert_msg(cs_study_build(st, s, NULL, &err) == CS_OK, "build: %s",
                  err.msg);
    cs_scenario_free(s);
    return st;
}

static inline void run(cs_study *st, const atomic_int *stop)
{
    const cs_study_run_opts o = {.threads = 2, .stop = stop};
    cs_error err;

    ck_assert_msg(cs_study_run(st, &o, &err) == CS_OK, "run: %s", err.msg);
}

#endif /* CHAINSIM_TESTS_STUDY_FIXTURE_H */
