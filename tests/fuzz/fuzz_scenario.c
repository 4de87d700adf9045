/*
** fuzz_scenario.c - libFuzzer target for the scenario loader
** (scenario.c, over doc.c, model.c and dist.c).
**
** The input is a scenario file.  Comment lines "#set PATH=VALUE" (at most
** four) are applied as --set overrides, so the fuzzer explores overrides
** with valid YAML around them.  When the scenario loads, the base and
** every variant are built, and each model must keep the contract the
** engine relies on (model.h): counts >= 1, indices in range, horizon
** finite and > 0, warm-up in [0, horizon), finite offered loads and
** distribution means, functions of time in increasing time order (within
** their period), start items at top-level steps, done_by promises on
** initial items, at most 10,000 timeline periods.  Any crash, leak, hang, sanitizer report or abort
** is a bug.
**
** Built and run by "make fuzz" (tests/fuzz/run.sh); replayed on the
** inputs in tests/fuzz/regressions/scenario/ by "make check".
*/
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "chainsim/dist.h"
#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SETS 4

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_scenario: model contract broken: %s\n", what);
        abort();
    }
}

static void check_dist(const cs_dist *d)
{
    char buf[256];

    check(isfinite(cs_dist_mean(d)) && cs_dist_mean(d) >= 0.0,
          "distribution mean");
    check(isfinite(cs_dist_variance(d)) && cs_dist_variance(d) >= 0.0,
          "distribution variance");
    cs_dist_describe(d, buf, sizeof buf);
}

/* n times read through stride from base: finite, >= 0, strictly
** increasing, below every when it is > 0. */
static void check_times(const void *base, size_t stride, int n, double every,
                        const char *what)
{
    double prev = -1.0;

    check(n >= 0 && (n == 0 || base != NULL), what);
    check(isfinite(every) && every >= 0.0, what);
    for (int i = 0; i < n; i++) {
        const double t =
            *(const double *)(const void *)((const char *)base +
                                             (size_t)i * stride);
        check(isfinite(t) && t >= 0.0 && t > prev, what);
        check(every == 0.0 || t < every, what);
        prev = t;
    }
}

static void check_team_time(const cs_team *k)
{
    check_times(k->schedule, sizeof *k->schedule, k->nschedule,
                k->schedule_every, "schedule");
    for (int i = 0; i < k->nschedule; i++)
        check(k->schedule[i].capacity >= 0 &&
                  k->schedule[i].capacity <= 10000, "schedule capacity");
    check(k->nschedule > 0 || k->schedule_every == 0.0, "schedule period");
    check_times(k->productivity, sizeof *k->productivity, k->nproductivity,
                0.0, "productivity");
    for (int i = 0; i < k->nproductivity; i++)
        check(k->productivity[i].factor > 0.0 &&
                  k->productivity[i].factor <= 10.0, "productivity factor");
}

static void check_class_time(const cs_class *k)
{
    check_times(k->profile, sizeof *k->profile, k->nprofile,
                k->profile_every, "profile");
    check(k->nprofile == 0 || k->arrival == CS_ARRIVE_RATE, "profile kind");
    check(k->nprofile > 0 || k->profile_every == 0.0, "profile period");
    for (int i = 0; i < k->nprofile; i++)
        check(isfinite(k->profile[i].factor) && k->profile[i].factor >= 0.0,
              "profile factor");
    check(k->nstart >= 0 && (k->nstart == 0 || k->start != NULL), "start");
    for (int i = 0; i < k->nstart; i++) {
        const cs_start *s = &k->start[i];
        check(s->at >= 0 && s->at < k->nroute && s->count >= 1 &&
                  isfinite(s->age) && s->age >= 0.0, "start entry");
        check(k->steps[k->route[s->at]].kind == CS_STEP_PARALLEL ||
                  k->steps[k->route[s->at]].kind == CS_STEP_WORK,
              "start step");
    }

}

/* A step's choice options, team mapping by context and escapes. */
static void check_routes(const cs_model *m, const cs_class *k,
                         const cs_step *s)
{
    double sum = 0.0;

    check(s->noptions == 0 || (s->kind == CS_STEP_WORK && s->options != NULL),
          "choice");
    for (int o = 0; o < s->noptions; o++) {
        const cs_option *op = &s->options[o];
        check(op->p > 0.0 && op->p <= 1.0, "option p");
        check(op->team >= 0 && op->team < m->nteams, "option team");
        check(op->ctx_team == NULL || k->ncontexts > 0, "option mapping");
        for (int c = 0; op->ctx_team != NULL && c < k->ncontexts; c++)
            check(op->ctx_team[c] >= 0 && op->ctx_team[c] < m->nteams,
                  "option mapping team");
        check_dist(&op->effort);
        sum += op->p;
    }
    check(s->noptions == 0 || fabs(sum - 1.0) <= 1e-9, "option p sum");
    check(s->ctx_team == NULL || k->ncontexts > 0, "step mapping");
    for (int c = 0; s->ctx_team != NULL && c < k->ncontexts; c++)
        check(s->ctx_team[c] >= 0 && s->ctx_team[c] < m->nteams,
              "step mapping team");
    if (s->has_escapes) {
        check(s->kind == CS_STEP_WORK && s->escape_p > 0.0 &&
                  s->escape_p <= 1.0 && s->escape_work >= 0 &&
                  s->escape_work < m->nclasses,
              "escapes");
        check_dist(&s->escape_after);
    }
}

static void check_class(const cs_model *m, const cs_class *k)
{
    check(k->name != NULL && k->batch >= 1 && k->backlog >= 0, "class");
    check(k->nroute >= 1 && k->nsteps >= k->nroute, "class route");
    if (k->arrival == CS_ARRIVE_RATE)
        check(isfinite(k->rate) && k->rate > 0.0, "arrival rate");
    if (k->arrival == CS_ARRIVE_INTERVAL)
        check_dist(&k->interval);
    if (k->has_due)
        check(isfinite(k->due) && k->due > 0.0, "due");
    for (int i = 0; i < k->nroute; i++)
        check(k->route[i] >= 0 && k->route[i] < k->nsteps, "route index");
    for (int i = 0; i < k->nsteps; i++) {
        const cs_step *s = &k->steps[i];
        check(s->p > 0.0 && s->p <= 1.0, "step p");
        if (s->kind == CS_STEP_WORK) {
            check(s->team >= 0 && s->team < m->nteams, "step team");
            check_dist(&s->effort);
        } else {
            check(s->nbranches >= 1 && s->branch_first >= 0 &&
                      s->branch_first + s->nbranches <= k->nsteps,
                  "parallel branches");
        }
        if (s->has_rework)
            check(s->rework_p >= 0.0 && s->rework_p < 1.0 &&
                      s->rework_to >= 0 && s->rework_to < k->nroute &&
                      s->rework_factor > 0.0 && isfinite(s->rework_factor),
                  "rework");
        check_routes(m, k, s);
    }
    check(k->arrival != CS_ARRIVE_NONE || cs_model_class_initial(k) > 0 ||
              cs_model_is_escape_target(m, (int)(k - m->classes)),
          "class work");
    check(isfinite(cs_model_class_rate(m, (int)(k - m->classes))),
          "class rate");
    check_class_time(k);
}

static void check_model(const cs_model *m)
{
    double *util;

    check(m->name != NULL && m->variant != NULL, "names");
    check(isfinite(m->horizon) && m->horizon > 0.0, "horizon");
    check(m->warmup_auto ||
              (isfinite(m->warmup) && m->warmup >= 0.0 &&
               m->warmup < m->horizon),
          "warm-up");
    check(m->replications >= 1, "replications");
    check(m->nteams >= 1 && m->nclasses >= 1 && m->npromises >= 1, "counts");
    for (int t = 0; t < m->nteams; t++) {
        const cs_team *k = &m->teams[t];
        check(k->capacity >= 1 && k->wip_limit >= 0, "team sizes");
        check(k->focus > 0.0 && k->focus <= 1.0, "focus");
        check(isfinite(k->cost_per_day) && k->cost_per_day >= 0.0, "cost");
        if (k->has_handoff)
            check_dist(&k->handoff);
        check_team_time(k);
    }
    check(isfinite(m->timeline) && m->timeline >= 0.0 &&
              (m->timeline == 0.0 || ceil(m->horizon / m->timeline) <= 1e4),
          "timeline");
    for (int c = 0; c < m->nclasses; c++)
        check_class(m, &m->classes[c]);
    for (int p = 0; p < m->npromises; p++) {
        const cs_promise *k = &m->promises[p];
        check(k->work >= -1 && k->work < m->nclasses, "promise class");
        check(isfinite(k->target) && k->target > 0.0, "promise target");
        if (k->kind == CS_PROMISE_LEAD_TIME)
            check(isfinite(k->within) && k->within > 0.0, "promise within");
        else if (k->kind == CS_PROMISE_DONE_BY)
            check(k->done_by > 0.0 && k->done_by <= m->horizon &&
                      k->target <= 1.0 &&
                      (k->work >= 0
                           ? cs_model_class_initial(&m->classes[k->work]) > 0
                           : cs_model_has_initial(m)),
                  "promise done_by");
        else
            check(isfinite(k->per) && k->per > 0.0, "promise period");
    }
    util = calloc((size_t)m->nteams, sizeof *util);
    if (util != NULL) {
        cs_model_offered_load(m, util);
        for (int t = 0; t < m->nteams; t++)
            check(!isnan(util[t]) && util[t] >= 0.0, "offered load");
        free(util);
    }
    check(isfinite(cs_model_cost_per_day(m)), "cost per day");
}

/* Applies the "#set PATH=VALUE" lines of text as overrides. */
static void apply_sets(cs_scenario *s, const char *text)
{
    int n = 0;

    for (const char *p = text; p != NULL && *p != '\0' && n < MAX_SETS;) {
        const char *eol = strchr(p, '\n');
        const size_t len = eol != NULL ? (size_t)(eol - p) : strlen(p);
        if (len > 5 && strncmp(p, "#set ", 5) == 0) {
            char *arg = strndup(p + 5, len - 5);
            cs_error err;
            if (arg != NULL) {
                (void)cs_variant_add_override(s, arg, &err);
                free(arg);
            }
            n++;
        }
        p = eol != NULL ? eol + 1 : NULL;
    }
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
    if (cs_scenario_load_string("fuzz.yaml", text, &s, &err) != CS_OK) {
        check(err.msg[0] != '\0', "error without a message");
        free(text);
        return 0;
    }
    apply_sets(s, text);
    for (long v = -1; v < (long)cs_variant_count(s); v++) {
        cs_model *m = NULL;
        if (cs_variant_build(s, v, &m, &err) == CS_OK)
            check_model(m);
        else
            check(err.msg[0] != '\0', "build error without a message");
        cs_model_free(m);
    }
    cs_scenario_free(s);
    free(text);
    return 0;
}
