/*
** test_variant.c - variants, their patches and --set overrides: the
** models they build, where their errors point, and copies of a loaded
** scenario (cs_scenario_clone) that sweeps derive their points from.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/dist.h"
#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/scenario.h"
#include "chainsim/variant.h"
#include "scenario_util.h"

/* ---- variants, patches, overrides ------------------------------------ */

static const char VARIANTS[] =
    "chainsim: 1\n"
    "name: v\n"
    "teams:\n"
    "  - {name: ingestion, capacity: 2}\n"
    "  - {name: governance, capacity: 1}\n"
    "  - {name: reporting, capacity: 2}\n"
    "work:\n"
    "  - name: w\n"
    "    arrivals: {rate: 1/d}\n"
    "    steps:\n"
    "      - {team: ingestion, effort: 1d}\n"
    "      - {team: reporting, effort: 1d}\n"
    "promise:\n"
    "  - {name: p, within: 5d, percentile: 80}\n"
    "variants:\n"
    "  - name: bigger\n"
    "    hypothesis: >\n"
    "      more people\n"
    "    patch:\n"
    "      teams:\n"
    "        - {name: ingestion, capacity: 5}\n"
    "        - {name: platform, capacity: 3, type: platform}\n"
    "  - name: no-governance\n"
    "    patch:\n"
    "      teams: {governance: null, reporting: {wip_limit: 4}}\n"
    "  - name: same\n";

START_TEST(test_variants_build)
{
    cs_scenario *s = load_ok(VARIANTS);
    cs_model *m;

    ck_assert_uint_eq(cs_variant_count(s), 3);
    ck_assert_str_eq(cs_variant_name(s, 0), "bigger");
    ck_assert_str_eq(cs_variant_name(s, 2), "same");
    ck_assert_ptr_null(cs_variant_name(s, 3));
    ck_assert_int_eq(cs_variant_index(s, "no-governance"), 1);
    ck_assert_int_eq(cs_variant_index(s, "baseline"), -1);
    ck_assert_int_eq(cs_variant_index(s, "nope"), -1);

    m = build_ok(s, 0);                 /* capacity changed, team added */
    ck_assert_str_eq(m->variant, "bigger");
    ck_assert_str_eq(m->hypothesis, "more people");
    ck_assert_int_eq(m->nteams, 4);
    ck_assert_int_eq(team(m, "ingestion")->capacity, 5);
    ck_assert_str_eq(m->teams[3].name, "platform");
    ck_assert_int_eq(m->teams[3].capacity, 3);
    ck_assert_int_eq(m->teams[3].type, CS_TEAM_PLATFORM);
    ck_assert_int_eq(m->teams[3].pos.line, 22);
    cs_model_free(m);

    m = build_ok(s, 1);                 /* team removed by keyed null */
    ck_assert_int_eq(m->nteams, 2);
    ck_assert_int_eq(cs_model_team_index(m, "governance"), -1);
    ck_assert_int_eq(team(m, "reporting")->wip_limit, 4);
    ck_assert_int_eq(team(m, "ingestion")->capacity, 2);
    ck_assert_ptr_null(m->hypothesis);
    cs_model_free(m);

    m = build_ok(s, 2);                 /* no patch: the base */
    ck_assert_str_eq(m->variant, "same");
    ck_assert_int_eq(m->nteams, 3);
    cs_model_free(m);

    m = build_ok(s, -1);                /* the base is untouched */
    ck_assert_str_eq(m->variant, "baseline");
    ck_assert_int_eq(m->nteams, 3);
    ck_assert_int_eq(team(m, "ingestion")->capacity, 2);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_variant_out_of_range)
{
    cs_scenario *s = load_ok(VARIANTS);
    cs_model *m = NULL;
    cs_error err;

    ck_assert_int_eq(cs_variant_build(s, 3, &m, &err), CS_EINPUT);
    ck_assert_ptr_null(m);
    ck_assert_int_eq(cs_variant_build(s, -2, &m, &err), CS_EINPUT);
    cs_scenario_free(s);
}
END_TEST

/* Overrides edit the base before a variant's patch: a variant that sets
** the same key keeps its value (it used to be overridden too). */
START_TEST(test_override_under_patch)
{
    cs_scenario *s = load_ok(VARIANTS);
    cs_error err;
    cs_model *m;

    ck_assert_int_eq(cs_variant_add_override(
                         s, "teams.ingestion.capacity=7", &err), CS_OK);
    m = build_ok(s, -1);
    ck_assert_int_eq(team(m, "ingestion")->capacity, 7);
    cs_model_free(m);
    m = build_ok(s, 0);                 /* --set says 7; the patch wins */
    ck_assert_int_eq(team(m, "ingestion")->capacity, 5);
    ck_assert_int_eq(team(m, "platform")->capacity, 3);
    cs_model_free(m);
    m = build_ok(s, 1);                 /* a variant that leaves it alone */
    ck_assert_int_eq(team(m, "ingestion")->capacity, 7);
    cs_model_free(m);
    /* later overrides apply after earlier ones */
    ck_assert_int_eq(cs_variant_add_override(
                         s, "teams.ingestion.capacity=8", &err), CS_OK);
    ck_assert_int_eq(cs_variant_add_override(
                         s, "work.w.arrivals={rate: 2/w}", &err), CS_OK);
    m = build_ok(s, 1);
    ck_assert_int_eq(team(m, "ingestion")->capacity, 8);
    ck_assert_double_eq_tol(m->classes[0].rate, 0.4, EPS);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

/* Overrides added together: as many single calls, in order, up to the
** first that no model's document takes. */
START_TEST(test_overrides_together)
{
    const char *const sets[] = {
        "teams.platform.capacity=4",   /* only variant 'bigger' has it */
        "teams.ingestion.capacity=6",
        "teams.nosuch.capacity=1",     /* no model has it */
        "teams.ingestion.capacity=9",
    };
    const char *const more[] = {"seed=3", "variants=null", "seed=4"};
    cs_scenario *s = load_ok(VARIANTS);
    cs_error err;
    cs_model *m;

    ck_assert_int_eq(cs_variant_add_overrides(s, sets, 2, &err), CS_OK);
    ck_assert_int_eq(cs_variant_add_overrides(s, sets + 2, 2, &err),
                     CS_EINPUT);
    /* the first that applies to no model, as a single call reports it
       (the variant-only path before it is fine) */
    ck_assert_ptr_nonnull(strstr(err.msg, "--set teams.nosuch.capacity=1: "
                                 "'nosuch' is not an element of teams"));
    m = build_ok(s, 0);
    ck_assert_int_eq(team(m, "platform")->capacity, 4);
    ck_assert_int_eq(team(m, "ingestion")->capacity, 5);   /* its patch */
    cs_model_free(m);
    m = build_ok(s, -1);           /* 6, not 9: dropped after the error */
    ck_assert_int_eq(team(m, "ingestion")->capacity, 6);
    cs_model_free(m);
    /* the list of variants is refused; the overrides before it are kept */
    ck_assert_int_eq(cs_variant_add_overrides(s, more, 3, &err), CS_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "--set variants=null: the "
                                 "variants are read from the scenario"));
    m = build_ok(s, 0);
    ck_assert_uint_eq(m->seed, 3);
    cs_model_free(m);
    ck_assert_int_eq(cs_variant_add_overrides(s, NULL, 0, &err), CS_OK);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_override_errors)
{
    cs_scenario *s = load_ok(VARIANTS);
    cs_error err;
    cs_model *m;

    /* a typo in a name: an error naming the argument, with a hint */
    ck_assert_int_eq(cs_variant_add_override(
                         s, "teams.ingestoin.capacity=3", &err), CS_EINPUT);
    ck_assert_int_eq(err.line, 0);
    ck_assert_ptr_nonnull(strstr(err.msg, "--set teams.ingestoin.capacity=3"));
    ck_assert_ptr_nonnull(strstr(err.msg, "did you mean 'ingestion'"));
    ck_assert_int_eq(cs_variant_add_override(s, "horizon", &err), CS_EINPUT);
    /* rejected overrides are not kept */
    m = build_ok(s, -1);
    ck_assert_int_eq(team(m, "ingestion")->capacity, 2);
    cs_model_free(m);
    /* a bad value: accepted as a path, reported against the argument when
       the model is built */
    ck_assert_int_eq(cs_variant_add_override(
                         s, "teams.ingestion.capacity=0", &err), CS_OK);
    m = NULL;
    ck_assert_int_eq(cs_variant_build(s, -1, &m, &err), CS_EINPUT);
    ck_assert_ptr_null(m);
    ck_assert_str_eq(err.file, "--set teams.ingestion.capacity=0");
    ck_assert_int_eq(err.line, 0);
    ck_assert_ptr_nonnull(strstr(err.msg, "capacity must be an integer"));
    cs_scenario_free(s);
}
END_TEST

/* Overrides are validated together: removing a named list and setting a
** new one replaces it, though the model between the two has no promise. */
START_TEST(test_override_replace_list)
{
    cs_scenario *s = load_ok(VARIANTS);
    cs_error err;
    cs_model *m;

    ck_assert_int_eq(cs_variant_add_override(s, "promise=null", &err), CS_OK);
    ck_assert_int_eq(cs_variant_add_override(
                         s, "promise=[{name: only, within: 9d, percentile: 50}]",
                         &err), CS_OK);
    m = build_ok(s, -1);
    ck_assert_int_eq(m->npromises, 1);
    ck_assert_str_eq(m->promises[0].name, "only");
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

/* A path through a team only a variant adds is applied after that
** variant's patch (so it wins over the patch), and to no other model (the
** baseline used to fail to build). */
START_TEST(test_override_variant_only)
{
    cs_scenario *s = load_ok(VARIANTS);
    cs_model *m = NULL;
    cs_error err;

    ck_assert_int_eq(cs_variant_add_override(
                         s, "teams.platform.capacity=4", &err), CS_OK);
    m = build_ok(s, 0);
    ck_assert_int_eq(team(m, "platform")->capacity, 4);
    cs_model_free(m);
    m = build_ok(s, -1);
    ck_assert_int_eq(cs_model_team_index(m, "platform"), -1);
    ck_assert_int_eq(m->nteams, 3);
    cs_model_free(m);
    m = build_ok(s, 1);
    ck_assert_int_eq(cs_model_team_index(m, "platform"), -1);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_variant_patch_error_located)
{
    static const char patch[] =
        "variants:\n"
        "  - name: fine\n"
        "  - name: broken\n"
        "    patch:\n"
        "      teams:\n"
        "        - name: b\n"
        "          focus: 2\n";
    char text[sizeof BASE + sizeof patch];

    snprintf(text, sizeof text, "%s%s", BASE, patch);
    expect_error("patch.yaml", text, 20, 18,
                 "focus must be a number in (0, 1], got '2' (in variant "
                 "'broken')");
}
END_TEST


/* ---- a chain of four teams: overrides under the patches -------------- */

/* Two classes; variants that add a team (and move a step to it), remove
** a team, change one step by its id, and change nothing. */
static const char CHAIN[] =
    "chainsim: 1\n"
    "name: bi chain\n"
    "teams:\n"
    "  - {name: ingestion, capacity: 2}\n"
    "  - {name: modelling, capacity: 3}\n"
    "  - {name: governance, capacity: 1}\n"
    "  - {name: reporting, capacity: 2}\n"
    "work:\n"
    "  - name: data-product\n"
    "    arrivals: {rate: 2/w}\n"
    "    steps:\n"
    "      - {team: ingestion, effort: 2d}\n"
    "      - id: build-and-review\n"
    "        parallel:\n"
    "          - {team: modelling, effort: 4d}\n"
    "          - {team: governance, effort: 1d}\n"
    "      - {team: reporting, effort: 1d, p: 0.5}\n"
    "  - name: report\n"
    "    arrivals: {rate: 3/w}\n"
    "    steps:\n"
    "      - {id: build, team: modelling, effort: 1d}\n"
    "      - {team: reporting, effort: 1d}\n"
    "promise:\n"
    "  - {name: month, work: data-product, within: 30d, percentile: 85}\n"
    "variants:\n"
    "  - name: platform-team\n"
    "    patch:\n"
    "      teams:\n"
    "        - {name: platform, capacity: 2, type: platform}\n"
    "        - {name: ingestion, capacity: 3}\n"
    "      work:\n"
    "        data-product:\n"
    "          steps: [{id: ingestion, team: platform}]\n"
    "  - name: no-governance\n"
    "    patch:\n"
    "      teams: {governance: null}\n"
    "      work:\n"
    "        data-product:\n"
    "          steps:\n"
    "            build-and-review: {parallel: {governance: null}}\n"
    "  - name: faster-reports\n"
    "    patch:\n"
    "      work:\n"
    "        report:\n"
    "          arrivals: {rate: 4/w}\n"
    "          steps: [{id: build, effort: 0.5d}]\n"
    "  - name: same\n";

enum { BASE_V = -1, PLATFORM, NO_GOV, FASTER, SAME };

/* Variants change steps by id: the route is kept, the rest untouched. */
START_TEST(test_variant_steps_by_id)
{
    cs_scenario *s = load_ok(CHAIN);
    cs_model *m = build_ok(s, PLATFORM);
    const cs_class *k = klass(m, "data-product");

    ck_assert_int_eq(k->nroute, 3);
    ck_assert_str_eq(k->steps[0].id, "ingestion");     /* its streams kept */
    ck_assert_int_eq(k->steps[0].team, cs_model_team_index(m, "platform"));
    ck_assert_double_eq_tol(cs_dist_mean(&k->steps[0].effort), 2.0, EPS);
    ck_assert_int_eq(team(m, "ingestion")->capacity, 3);
    cs_model_free(m);

    m = build_ok(s, NO_GOV);                  /* a branch removed by id */
    k = klass(m, "data-product");
    ck_assert_int_eq(cs_model_team_index(m, "governance"), -1);
    ck_assert_int_eq(k->steps[k->route[1]].nbranches, 1);
    ck_assert_str_eq(k->steps[k->steps[k->route[1]].branch_first].id,
                     "modelling");
    cs_model_free(m);

    m = build_ok(s, FASTER);                  /* one step of report */
    k = klass(m, "report");
    ck_assert_int_eq(k->nroute, 2);
    ck_assert_double_eq_tol(cs_dist_mean(&k->steps[0].effort), 0.5, EPS);
    ck_assert_double_eq_tol(cs_dist_mean(&k->steps[1].effort), 1.0, EPS);
    ck_assert_double_eq_tol(k->rate, 0.8, EPS);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

/* An unknown step id in a patch is an error at the id, with a hint. */
START_TEST(test_variant_step_id_error)
{
    static const char patch[] =
        "  - name: typo\n"
        "    patch:\n"
        "      work:\n"
        "        report:\n"
        "          steps: [{id: biuld, effort: 3d}]\n";
    char text[sizeof CHAIN + sizeof patch];

    snprintf(text, sizeof text, "%s%s", CHAIN, patch);
    expect_error("ids.yaml", text, 52, 24, "steps has no step with id "
                 "'biuld' (did you mean 'build'?); a new step needs 'team', "
                 "'teams' or 'parallel' (in variant 'typo')");
}
END_TEST

/* ---- the chain over time in variants (SPEC 4.1-4.5) ------------------ */

/* Lists of unnamed mappings (schedules, curves, profiles, start entries)
** are replaced whole by a patch, like any list without names. */
static const char OVER_TIME[] =
    "chainsim: 1\n"
    "name: over time\n"
    "teams:\n"
    "  - name: modelling\n"
    "    capacity: 3\n"
    "    schedule: [{from: 100d, capacity: 4}, {from: 180d, capacity: 2}]\n"
    "    schedule_every: 260d\n"
    "    productivity: [{at: 0, factor: 0.5}, {at: 60d, factor: 1}]\n"
    "  - name: reporting\n"
    "work:\n"
    "  - name: w\n"
    "    backlog: 3\n"
    "    arrivals:\n"
    "      rate: 1/w\n"
    "      profile: [{from: 50d, factor: 2}]\n"
    "      profile_every: 65d\n"
    "    start: [{step: modelling, count: 4, age: 2w}]\n"
    "    steps:\n"
    "      - {team: modelling, effort: 1d}\n"
    "      - {team: reporting, effort: 1d}\n"
    "promise:\n"
    "  - {name: p, within: 5d, percentile: 80}\n"
    "variants:\n"
    "  - name: replaced\n"
    "    patch:\n"
    "      teams:\n"
    "        modelling:\n"
    "          schedule: [{from: 10d, capacity: 1}]\n"
    "          productivity: [{at: 1w, factor: 0.8}]\n"
    "        reporting:\n"
    "          schedule: [{from: 0, capacity: 0}, {from: 5d, capacity: 2}]\n"
    "      work:\n"
    "        w:\n"
    "          arrivals: {profile: [{from: 1d, factor: 0}, {from: 2d, factor: 3}]}\n"
    "          start: [{step: reporting, count: 1}, {step: modelling, count: 2}]\n"
    "      promise:\n"
    "        - {name: board, work: w, done_by: 20w, percentile: 90}\n"
    "  - name: removed\n"
    "    patch:\n"
    "      teams: {modelling: {schedule: null, schedule_every: null,\n"
    "                          productivity: null}}\n"
    "      work: {w: {arrivals: {profile: null, profile_every: null},\n"
    "                 start: null}}\n"
    "      timeline: 4w\n";

START_TEST(test_variant_over_time)
{
    cs_scenario *s = load_ok(OVER_TIME);
    cs_model *m = build_ok(s, 0);
    const cs_team *t = team(m, "modelling");
    const cs_class *k = klass(m, "w");

    ck_assert_int_eq(t->nschedule, 1);          /* the whole list replaced */
    ck_assert_double_eq(t->schedule[0].from, 10);
    ck_assert_int_eq(t->schedule[0].capacity, 1);
    ck_assert_int_eq(t->schedule[0].pos.line, 28);  /* in the patch */
    ck_assert_double_eq(t->schedule_every, 260);    /* kept from the base */
    ck_assert_int_eq(t->nproductivity, 1);
    ck_assert_double_eq(t->productivity[0].at, 5);
    ck_assert_double_eq(t->productivity[0].factor, 0.8);
    t = team(m, "reporting");                   /* a schedule added */
    ck_assert_int_eq(t->nschedule, 2);
    ck_assert_int_eq(t->schedule[0].capacity, 0);
    ck_assert_int_eq(t->schedule[1].capacity, 2);
    ck_assert_int_eq(k->nprofile, 2);
    ck_assert_double_eq(k->profile[0].factor, 0);
    ck_assert_double_eq(k->profile[1].factor, 3);
    ck_assert_double_eq(k->profile_every, 65);
    ck_assert_int_eq(k->nstart, 2);
    ck_assert_int_eq(k->start[0].at, 1);
    ck_assert_int_eq(k->start[0].count, 1);
    ck_assert_double_eq(k->start[0].age, 0);
    ck_assert_int_eq(k->start[1].at, 0);
    ck_assert_int_eq(cs_model_class_initial(k), 3 + 1 + 2);
    ck_assert_int_eq(m->npromises, 2);          /* a done_by promise added */
    ck_assert_int_eq(m->promises[1].kind, CS_PROMISE_DONE_BY);
    ck_assert_double_eq(m->promises[1].done_by, 100);
    ck_assert_double_eq_tol(m->promises[1].target, 0.9, EPS);
    cs_model_free(m);

    m = build_ok(s, 1);                         /* every one removed */
    t = team(m, "modelling");
    k = klass(m, "w");
    ck_assert_int_eq(t->nschedule, 0);
    ck_assert_double_eq(t->schedule_every, 0);
    ck_assert_int_eq(t->nproductivity, 0);
    ck_assert_int_eq(k->nprofile, 0);
    ck_assert_double_eq(k->profile_every, 0);
    ck_assert_int_eq(k->nstart, 0);
    ck_assert_double_eq(m->timeline, 20);
    cs_model_free(m);

    m = build_ok(s, -1);                        /* the base is untouched */
    ck_assert_int_eq(team(m, "modelling")->nschedule, 2);
    ck_assert_int_eq(klass(m, "w")->nstart, 1);
    ck_assert_double_eq(m->timeline, 0);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

/* A patch's bad entry is located in the patch; a period left without its
** list is an error in that variant; --set replaces a list too. */
START_TEST(test_variant_over_time_errors)
{
    static const char *const patches[] = {
        "  - name: x\n    patch:\n      teams:\n        modelling:\n"
        "          schedule: [{from: 300d, capacity: 1}]\n",
        "  - name: x\n    patch:\n      teams: {modelling: {schedule: null}}\n",
        "  - name: x\n    patch:\n      work:\n        w:\n"
        "          start: [{step: reportng, count: 1}]\n",
        "  - name: x\n    patch:\n      promise:\n"
        "        - {name: late, done_by: 53w, percentile: 90}\n",
    };
    static const struct { int line, column; const char *msg; } want[] = {
        {28, 29, "schedule from must be below schedule_every (260d), got "
                 "300d: with a period, every 'from' lies in [0, 260d) (in "
                 "variant 'x')"},
        {7, 5, "schedule_every needs a 'schedule' to repeat (in variant "
               "'x')"},
        {28, 26, "start names an unknown step 'reportng' in class 'w' (did "
                 "you mean 'reporting'?) (in variant 'x')"},
        {27, 33, "done_by (265d) is after the horizon (260d)"},
    };
    const char *head = strstr(OVER_TIME, "  - name: replaced\n");
    char text[4096];

    for (size_t i = 0; i < sizeof patches / sizeof patches[0]; i++) {
        snprintf(text, sizeof text, "%.*s%s", (int)(head - OVER_TIME),
                 OVER_TIME, patches[i]);
        expect_error("time.yaml", text, want[i].line, want[i].column,
                     want[i].msg);
    }
    {
        cs_scenario *s = load_ok(OVER_TIME);
        cs_model *m;
        cs_error err;
        ck_assert_int_eq(cs_variant_add_override(
                             s, "teams.modelling.schedule=[{from: 1d, "
                                "capacity: 7}]", &err), CS_OK);
        m = build_ok(s, -1);
        ck_assert_int_eq(team(m, "modelling")->nschedule, 1);
        ck_assert_int_eq(team(m, "modelling")->schedule[0].capacity, 7);
        cs_model_free(m);
        m = build_ok(s, 0);                     /* the patch still wins */
        ck_assert_int_eq(team(m, "modelling")->schedule[0].capacity, 1);
        cs_model_free(m);
        cs_scenario_free(s);
    }
}
END_TEST

/* SPEC 1.3: overrides edit the base, in order, before the patches; a
** variant that sets the same key wins; a path only some variants have is
** applied after their patches; a variant that removed the key has none. */
START_TEST(test_override_every_variant)
{
    const char *const sets[] = {
        "work.report.arrivals.rate=5/w",   /* faster-reports sets 4/w */
        "teams.governance.capacity=4",     /* no-governance removes it */
        "teams.platform.capacity=5",       /* only platform-team has it */
        "teams.ingestion.capacity=4",      /* platform-team sets 3 */
        "work.report.steps.build.effort=3d",
    };
    static const int gov[] = {4, 4, 0, 4, 4};
    static const int ing[] = {4, 3, 4, 4, 4};
    static const double rate[] = {1.0, 1.0, 1.0, 0.8, 1.0};
    static const double build[] = {3.0, 3.0, 3.0, 0.5, 3.0};
    cs_scenario *s = load_ok(CHAIN);
    cs_error err;

    ck_assert_int_eq(cs_variant_add_overrides(s, sets, 5, &err), CS_OK);
    for (long v = BASE_V; v <= SAME; v++) {
        cs_model *m = build_ok(s, v);
        const int g = cs_model_team_index(m, "governance");
        const int p = cs_model_team_index(m, "platform");
        ck_assert_int_eq(g < 0 ? 0 : m->teams[g].capacity, gov[v + 1]);
        ck_assert_int_eq(team(m, "ingestion")->capacity, ing[v + 1]);
        ck_assert_int_eq(p < 0 ? 0 : m->teams[p].capacity,
                         v == PLATFORM ? 5 : 0);
        ck_assert_double_eq_tol(klass(m, "report")->rate, rate[v + 1], EPS);
        ck_assert_double_eq_tol(
            cs_dist_mean(&klass(m, "report")->steps[0].effort), build[v + 1],
            EPS);
        cs_model_free(m);
    }
    cs_scenario_free(s);
}
END_TEST

/* An override that removes what a variant's patch removes too: the patch
** has nothing left to remove, which is no error (its names were checked
** when the scenario loaded). */
START_TEST(test_override_removes_too)
{
    cs_scenario *s = load_ok(CHAIN);
    cs_model *m;
    cs_error err;

    ck_assert_int_eq(cs_variant_add_override(s, "work.data-product.steps."
                                             "build-and-review.parallel."
                                             "governance=null", &err), CS_OK);
    for (long v = BASE_V; v <= SAME; v++) {
        const cs_class *k;
        m = build_ok(s, v);
        k = klass(m, "data-product");
        ck_assert_int_eq(k->steps[k->route[1]].nbranches, 1);
        cs_model_free(m);
    }
    cs_scenario_free(s);
}
END_TEST

/* Overrides that apply to no model: a path in neither the base nor any
** variant (only its last key may be new), one whose path only a later
** override makes (they apply in order), an empty value. */
START_TEST(test_override_nowhere)
{
    const char *const late[] = {"teams.qa.capacity=2",
                                "teams=[{name: qa, capacity: 1}]"};
    cs_scenario *s = load_ok(CHAIN);
    cs_model *m;
    cs_error err;

    ck_assert_int_eq(cs_variant_add_override(s, "teams.platfrom.capacity=5",
                                             &err), CS_EINPUT);
    ck_assert_str_eq(err.msg, "--set teams.platfrom.capacity=5: 'platfrom' "
                     "is not an element of teams");
    ck_assert_int_eq(cs_variant_add_override(s, "teams.platform.new.x=1",
                                             &err), CS_EINPUT);
    ck_assert_int_eq(cs_variant_add_overrides(s, late, 2, &err), CS_EINPUT);
    ck_assert_str_eq(err.msg, "--set teams.qa.capacity=2: 'qa' is not an "
                     "element of teams");
    ck_assert_int_eq(cs_variant_add_override(s, late[1], &err), CS_OK);
    ck_assert_int_eq(cs_variant_add_override(s, late[0], &err), CS_OK);
    m = build_ok(s, NO_GOV);
    ck_assert_int_eq(team(m, "qa")->capacity, 2);
    cs_model_free(m);
    /* an empty value, also on a path only a variant has */
    ck_assert_int_eq(cs_variant_add_override(s, "teams.platform.capacity=",
                                             &err), CS_EINPUT);
    ck_assert_str_eq(err.file, "--set teams.platform.capacity=");
    ck_assert_int_eq(err.line, 0);
    ck_assert_str_eq(err.msg, "empty value; write one after '=' (or null to "
                     "remove teams.platform.capacity)");
    m = build_ok(s, PLATFORM);
    ck_assert_int_eq(team(m, "platform")->capacity, 2);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

/* A bad value on a path only a variant has is reported when that
** variant's model is built, naming the argument and the variant. */
START_TEST(test_override_variant_only_bad_value)
{
    cs_scenario *s = load_ok(CHAIN);
    cs_model *m = NULL;
    cs_error err;

    ck_assert_int_eq(cs_variant_add_override(s, "teams.platform.capacity=0",
                                             &err), CS_OK);
    cs_model_free(build_ok(s, BASE_V));
    cs_model_free(build_ok(s, NO_GOV));
    ck_assert_int_eq(cs_variant_build(s, PLATFORM, &m, &err), CS_EINPUT);
    ck_assert_ptr_null(m);
    ck_assert_str_eq(err.file, "--set teams.platform.capacity=0");
    ck_assert_ptr_nonnull(strstr(err.msg, "(in variant 'platform-team')"));
    cs_scenario_free(s);
}
END_TEST

/* 1,000 overrides through a team only the last variant adds, in a chain
** of 400 more teams: each model's document applies each override once. */
START_TEST(test_override_many_variant_only)
{
    const size_t n = 1000, extra = 400;
    char *text = malloc(sizeof CHAIN + extra * 48 + 128);
    const char **sets = calloc(n, sizeof *sets);
    char (*buf)[48] = calloc(n, sizeof *buf);
    size_t len = (size_t)sprintf(text, "%s", CHAIN);
    cs_scenario *s;
    cs_model *m;
    cs_error err;

    ck_assert(text != NULL && sets != NULL && buf != NULL);
    len += (size_t)sprintf(text + len, "  - name: big\n    patch:\n"
                           "      teams:\n");
    for (size_t i = 1; i <= extra; i++)
        len += (size_t)sprintf(text + len, "        - {name: extra%zu, "
                               "capacity: 1}\n", i);
    s = load_ok(text);
    for (size_t i = 0; i < n; i++) {
        snprintf(buf[i], sizeof buf[i], "teams.extra400.capacity=%zu", i + 1);
        sets[i] = buf[i];
    }
    ck_assert_int_eq(cs_variant_add_overrides(s, sets, n, &err), CS_OK);
    m = build_ok(s, SAME + 1);
    ck_assert_int_eq(team(m, "extra400")->capacity, (int)n);
    cs_model_free(m);
    cs_model_free(build_ok(s, BASE_V));
    cs_scenario_free(s);
    free(buf);
    free(sets);
    free(text);
}
END_TEST

/* ---- a failing allocator, for the out-of-memory paths ---------------- */

/*
** malloc, calloc, realloc and free are replaced for this test program:
** when fail_at >= 0, the allocation numbered fail_at (counting from 0 when
** it was set) fails; live counts the blocks allocated and not freed, so a
** failed call can be checked to free all it allocated.  Check runs each
** test in its own process, so the counters start fresh.  Not under
** AddressSanitizer, which owns the allocator (tests/alloc covers the same
** paths there through the linker's --wrap).
*/
#if !defined(__SANITIZE_ADDRESS__)
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);

static long fail_at = -1;
static long allocs;
static long live;

static int should_fail(void)
{
    return fail_at >= 0 && allocs++ == fail_at;
}

void *malloc(size_t size)
{
    void *p = should_fail() ? NULL : __libc_malloc(size);

    live += p != NULL;
    return p;
}

void *calloc(size_t n, size_t size)
{
    void *p = should_fail() ? NULL : __libc_calloc(n, size);

    live += p != NULL;
    return p;
}

void *realloc(void *old, size_t size)
{
    void *p = should_fail() ? NULL : __libc_realloc(old, size);

    live += old == NULL && p != NULL;
    return p;
}

void free(void *p)
{
    live -= p != NULL;
    __libc_free(p);
}

static void fail_from(long n)
{
    allocs = 0;
    fail_at = n;
}
#endif

/* Every allocation of a model with schedules, curves, a profile, start
** items and a done_by promise may fail: CS_ENOMEM, no model, nothing
** left allocated; then the build succeeds. */
#if !defined(__SANITIZE_ADDRESS__)
START_TEST(test_over_time_out_of_memory)
{
    cs_scenario *s = load_ok(OVER_TIME);
    long n;

    for (n = 0;; n++) {
        cs_model *m = NULL;
        const long before = live;
        cs_error err;
        cs_status st;

        fail_from(n);
        st = cs_variant_build(s, 0, &m, &err);
        fail_from(-1);
        if (st == CS_OK) {
            ck_assert_int_eq(team(m, "reporting")->nschedule, 2);
            ck_assert_int_eq(klass(m, "w")->nstart, 2);
            cs_model_free(m);
            ck_assert_int_eq(live, before);
            break;
        }
        ck_assert_int_eq(st, CS_ENOMEM);
        ck_assert_int_eq(err.status, CS_ENOMEM);
        ck_assert_ptr_null(m);
        ck_assert_msg(live == before, "allocation %ld failed: %ld blocks "
                      "leaked", n, live - before);
    }
    ck_assert_int_gt(n, 20);
    cs_scenario_free(s);
}
END_TEST
#endif

/* ---- copies of a loaded scenario ------------------------------------- */

/* The two models agree on what the scenario file and the overrides set. */
static void assert_same_model(const cs_model *a, const cs_model *b)
{
    ck_assert_str_eq(a->name, b->name);
    ck_assert_str_eq(a->variant, b->variant);
    ck_assert_int_eq(a->hypothesis == NULL, b->hypothesis == NULL);
    if (a->hypothesis != NULL)
        ck_assert_str_eq(a->hypothesis, b->hypothesis);
    ck_assert_double_eq(a->horizon, b->horizon);
    ck_assert_uint_eq(a->replications, b->replications);
    ck_assert_int_eq(a->nteams, b->nteams);
    for (int t = 0; t < a->nteams; t++) {
        ck_assert_str_eq(a->teams[t].name, b->teams[t].name);
        ck_assert_int_eq(a->teams[t].capacity, b->teams[t].capacity);
        ck_assert_int_eq(a->teams[t].wip_limit, b->teams[t].wip_limit);
        ck_assert_int_eq(a->teams[t].type, b->teams[t].type);
        ck_assert_int_eq(a->teams[t].pos.line, b->teams[t].pos.line);
    }
    ck_assert_int_eq(a->nclasses, b->nclasses);
    for (int c = 0; c < a->nclasses; c++) {
        ck_assert_str_eq(a->classes[c].name, b->classes[c].name);
        ck_assert_double_eq(a->classes[c].rate, b->classes[c].rate);
        ck_assert_int_eq(a->classes[c].nsteps, b->classes[c].nsteps);
    }
    ck_assert_int_eq(a->npromises, b->npromises);
}

/* Every model of a (the baseline and each variant) is the model of b. */
static void assert_same_models(const cs_scenario *a, const cs_scenario *b)
{
    ck_assert_uint_eq(cs_variant_count(a), cs_variant_count(b));
    for (long v = -1; v < (long)cs_variant_count(a); v++) {
        cs_model *ma = build_ok(a, v);
        cs_model *mb = build_ok(b, v);
        assert_same_model(ma, mb);
        cs_model_free(ma);
        cs_model_free(mb);
    }
}

static void add_ok(cs_scenario *s, const char *assignment)
{
    cs_error err;
    const cs_status st = cs_variant_add_override(s, assignment, &err);

    ck_assert_msg(st == CS_OK, "--set %s: %s", assignment, err.msg);
}

/* A clone with extra overrides builds what a fresh load with them does,
** and the original is unchanged, even once the clone is gone. */
START_TEST(test_clone_then_override)
{
    cs_scenario *s = load_ok(VARIANTS);
    cs_scenario *fresh = load_ok(VARIANTS);
    cs_scenario *plain = load_ok(VARIANTS);
    cs_scenario *c = NULL;
    cs_error err;

    add_ok(s, "horizon=100d");
    add_ok(fresh, "horizon=100d");
    add_ok(plain, "horizon=100d");
    ck_assert_int_eq(cs_scenario_clone(s, &c, &err), CS_OK);
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(cs_scenario_file(c), cs_scenario_file(s));
    ck_assert_ptr_ne(cs_scenario_file(c), cs_scenario_file(s));
    assert_same_models(c, s);                  /* the copy keeps overrides */
    add_ok(c, "teams.reporting.capacity=7");
    add_ok(c, "replications=3");
    add_ok(fresh, "teams.reporting.capacity=7");
    add_ok(fresh, "replications=3");
    assert_same_models(c, fresh);
    assert_same_models(s, plain);              /* the original is unchanged */
    cs_scenario_free(c);
    assert_same_models(s, plain);
    cs_scenario_free(s);
    cs_scenario_free(fresh);
    cs_scenario_free(plain);
}
END_TEST

/* The clone owns everything: it builds, and its errors name its file,
** once the original is freed. */
START_TEST(test_clone_outlives_original)
{
    cs_scenario *s = load_ok(VARIANTS);
    cs_scenario *fresh = load_ok(VARIANTS);
    cs_scenario *c = NULL;
    cs_model *m = NULL;
    cs_error err;

    ck_assert_int_eq(cs_scenario_clone(s, &c, NULL), CS_OK);
    cs_scenario_free(s);
    assert_same_models(c, fresh);
    ck_assert_int_eq(cs_variant_add_override(c, "teams.ingestoin.capacity=1",
                                             &err), CS_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "did you mean 'ingestion'"));
    add_ok(c, "teams.reporting.capacity=not-a-number");
    ck_assert_int_eq(cs_variant_build(c, 0, &m, &err), CS_EINPUT);
    ck_assert_ptr_null(m);
    ck_assert_ptr_nonnull(strstr(err.msg, "(in variant 'bigger')"));
    ck_assert_str_eq(cs_scenario_file(c), "test.yaml");
    cs_scenario_free(c);
    cs_scenario_free(fresh);
}
END_TEST

/* Every allocation of a clone may fail: CS_ENOMEM, *out NULL, nothing
** left allocated, the original intact; then the clone succeeds. */
#if !defined(__SANITIZE_ADDRESS__)
START_TEST(test_clone_out_of_memory)
{
    cs_scenario *s = load_ok(VARIANTS);
    cs_scenario *plain = load_ok(VARIANTS);
    long n;

    add_ok(s, "teams.reporting.capacity=3");
    add_ok(plain, "teams.reporting.capacity=3");
    for (n = 0;; n++) {
        cs_scenario *c = (cs_scenario *)&n;   /* must be reset to NULL */
        const long before = live;
        cs_error err;
        cs_status st;

        fail_from(n);
        st = cs_scenario_clone(s, &c, &err);
        fail_from(-1);
        if (st == CS_OK) {
            ck_assert_ptr_nonnull(c);
            assert_same_models(c, plain);
            cs_scenario_free(c);
            ck_assert_int_eq(live, before);
            break;
        }
        ck_assert_int_eq(st, CS_ENOMEM);
        ck_assert_int_eq(err.status, CS_ENOMEM);
        ck_assert_ptr_null(c);
        ck_assert_msg(live == before, "allocation %ld failed: %ld blocks "
                      "leaked", n, live - before);
    }
    ck_assert_int_gt(n, 10);   /* the tree, names, variants, overrides */
    assert_same_models(s, plain);
    cs_scenario_free(s);
    cs_scenario_free(plain);
}
END_TEST
#endif

static Suite *variant_suite(void)
{
    Suite *s = suite_create("variant");
    TCase *variants = tcase_create("variants");

    tcase_add_test(variants, test_variants_build);
    tcase_add_test(variants, test_variant_out_of_range);
    tcase_add_test(variants, test_override_under_patch);
    tcase_add_test(variants, test_overrides_together);
    tcase_add_test(variants, test_override_errors);
    tcase_add_test(variants, test_override_replace_list);
    tcase_add_test(variants, test_override_variant_only);
    tcase_add_test(variants, test_variant_patch_error_located);
    tcase_add_test(variants, test_variant_steps_by_id);
    tcase_add_test(variants, test_variant_step_id_error);
    tcase_add_test(variants, test_variant_over_time);
    tcase_add_test(variants, test_variant_over_time_errors);
    tcase_add_test(variants, test_override_every_variant);
    tcase_add_test(variants, test_override_removes_too);
    tcase_add_test(variants, test_override_nowhere);
    tcase_add_test(variants, test_override_variant_only_bad_value);
    tcase_add_test(variants, test_override_many_variant_only);
    tcase_add_test(variants, test_clone_then_override);
    tcase_add_test(variants, test_clone_outlives_original);
#if !defined(__SANITIZE_ADDRESS__)
    tcase_add_test(variants, test_clone_out_of_memory);
    tcase_add_test(variants, test_over_time_out_of_memory);
#endif
    suite_add_tcase(s, variants);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(variant_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
