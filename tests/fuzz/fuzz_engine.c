/*
** fuzz_engine.c - libFuzzer target for the engine on arbitrary scenarios:
** the scenario loader's input (fuzz_scenario.c) goes on to one short
** replication of the base model and of its first variant.
**
** Kept fast: the horizon is cut to at most 200 days, a scenario whose
** replication would make more than 20,000 step visits is skipped, and the
** chain holds at most 2,000 items (a runaway ends with CS_ESIM, as it
** should).  What a replication returns must be consistent: CS_OK or
** CS_ESIM with a message, utilisation in [0, 1], shares in [0, 1], no NaN
** where the engine promises a number, at most as many items done as
** arrived.  Any crash, leak, hang, sanitizer report or abort is a bug.
**
** Built and run by "make fuzz" (tests/fuzz/run.sh); replayed on the
** inputs in tests/fuzz/regressions/engine/ by "make check".
*/
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "chainsim/engine.h"
#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_HORIZON 200.0
#define MAX_VISITS 20000.0
#define MAX_ITEMS 2000

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_engine: replication inconsistent: %s\n", what);
        abort();
    }
}

static void count_event(void *ctx, const cs_trace_event *ev)
{
    uint64_t *n = ctx;

    check(ev->event != NULL && ev->time >= 0.0, "trace event");
    (*n)++;
}

static double visits(const cs_model *m)
{
    double v = 0.0;

    for (int c = 0; c < m->nclasses; c++)
        v += cs_model_run_visits(m, c);
    return v;
}

static void check_rep(const cs_model *m, const cs_rep *r)
{
    const double eps = 1e-9;

    check(r->done <= r->arrived, "more done than arrived");
    check(r->done + r->abandoned <= r->arrived, "more done and abandoned than arrived");
    check(r->in_system_end == r->arrived - r->done - r->abandoned,
          "items in the system");
    check(!isnan(r->wip_mean) && r->wip_mean >= -eps, "wip");
    check(!isnan(r->lt_sum) && r->lt_sum >= -eps, "lead times");
    check(!isnan(r->work_sum) && r->work_sum >= -eps, "work time");
    for (int t = 0; t < m->nteams; t++) {
        const cs_team_rep *k = &r->teams[t];
        check(k->utilization >= -eps && k->utilization <= 1.0 + eps,
              "utilization");
        check(k->blocked_fraction >= -eps && k->blocked_fraction <= 1.0 + eps,
              "blocked fraction");
        check(!isnan(k->queue_len_mean) && k->queue_len_mean >= -eps,
              "queue length");
        check(!isnan(k->wait_sum) && k->wait_sum >= -eps, "queue waits");
    }
    if (r->nperiods > 0) {
        uint64_t arrived = 0, done = 0;
        for (int k = 0; k < r->nperiods; k++) {
            arrived += r->periods[k].arrived;
            done += r->periods[k].done;
            check(r->periods[k].wip >= -eps, "period wip");
            for (int t = 0; t < m->nteams; t++) {
                const cs_period_team *pt = &r->period_teams[k * m->nteams + t];
                check(pt->utilization >= -eps && pt->utilization <= 1.0 + eps,
                      "period utilization");
            }
        }
        check(arrived == r->arrived && done == r->done &&
                  r->nperiod_lt == r->done,
              "timeline counts");
    }
    check(cs_model_has_initial(m) ? !isnan(r->completion)
                                  : isnan(r->completion),
          "completion");
    for (int p = 0; p < m->npromises; p++) {
        const cs_promise_rep *k = &r->promises[p];
        check(k->on_time <= k->eligible, "on time beyond eligible");
        if (m->promises[p].kind == CS_PROMISE_LEAD_TIME && k->eligible > 0)
            check(k->achieved >= 0.0 && k->achieved <= 1.0, "promise share");
    }
}

static void run_model(cs_model *m)
{
    cs_engine *e;
    cs_rep *r;
    cs_error err;
    uint64_t events = 0;
    cs_status st;

    if (m->horizon > MAX_HORIZON)
        m->horizon = MAX_HORIZON;
    if (m->warmup_auto || m->warmup >= m->horizon)
        m->warmup = m->horizon / 4;
    m->warmup_auto = 0;
    if (!(visits(m) <= MAX_VISITS))
        return;
    e = cs_engine_new(m);
    r = cs_engine_rep_new(m);
    if (e != NULL && r != NULL) {
        cs_engine_set_max_items(e, MAX_ITEMS);
        cs_engine_set_trace(e, count_event, &events);
        cs_error_clear(&err);
        st = cs_engine_run(e, 0, -1.0, r, &err);
        check(st == CS_OK || st == CS_ESIM, "status");
        if (st == CS_OK)
            check_rep(m, r);
        else
            check(err.msg[0] != '\0', "error without a message");
    }
    cs_engine_rep_free(r);
    cs_engine_free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    cs_scenario *s = NULL;
    cs_error err;
    char *text;

    if (!init) {
        gsl_set_error_handler_off();
        init = 1;
    }
    text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (cs_scenario_load_string("fuzz.yaml", text, &s, &err) == CS_OK) {
        for (long v = -1; v < 1 && v < (long)cs_variant_count(s); v++) {
            cs_model *m = NULL;
            if (cs_variant_build(s, v, &m, &err) == CS_OK)
                run_model(m);
            cs_model_free(m);
        }
        cs_scenario_free(s);
    }
    free(text);
    return 0;
}
