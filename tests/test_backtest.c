/* Tests of backtest.c: a chain's own history lies inside its simulated
** bands; a chain with doubled efforts does not; the board on --from holds
** the items in progress that day. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "chainsim/backtest.h"
#include "chainsim/fit.h"
#include "chainsim/tracker.h"
#include "fit_roundtrip.h"

static const char truth[] =
    "chainsim: 1\nname: truth\nhorizon: 400d\nseed: 11\nreplications: 200\n"
    "teams:\n"
    "  - {name: intake, capacity: 1}\n"
    "  - {name: build, capacity: 2}\n"
    "  - {name: review, capacity: 1, handoff: exponential(0.5d)}\n"
    "work:\n"
    "  - name: feature\n    arrivals: {rate: 0.6/d}\n    steps:\n"
    "      - {team: intake, effort: \"lognormal(median=0.3d, p90=0.8d)\"}\n"
    "      - {team: build, effort: \"gamma(shape=3, scale=0.%dd)\"}\n"
    "      - team: review\n        effort: \"gamma(shape=2, scale=0.3d)\"\n"
    "        rework: {p: 0.25, to: build}\n"
    "  - name: bug\n    arrivals: {rate: 0.4/d}\n    steps:\n"
    "      - {team: intake, effort: \"lognormal(median=0.3d, p90=0.8d)\"}\n"
    "      - {team: build, effort: \"gamma(shape=2, scale=0.4d)\"}\n"
    "promise:\n  - {name: p, within: 30d, percentile: 85}\n";

/* The backtest report (JSON) of the scenario with build scale 0.SCALE
** against the history drawn with scale 0.4, from day 200 to day 380. */
static json_t *backtest_text(int scale, long *in_progress, int fit_first);

static json_t *backtest(int scale, long *in_progress)
{
    return backtest_text(scale, in_progress, 0);
}

/* The export's rows up to the date-time cut (ISO strings compare in time
** order): the history as it was known on that day. */
static char *cut_export(const char *csv, const char *cut, size_t *len)
{
    char *out = NULL;
    FILE *f = open_memstream(&out, len);
    const char *line = csv;

    ck_assert_ptr_nonnull(f);
    while (*line) {
        const char *nl = strchr(line, '\n'), *comma = NULL;
        const size_t n = nl ? (size_t)(nl - line) + 1 : strlen(line);

        for (const char *p = line; p < line + n; p++)
            if (*p == ',')
                comma = p;
        if (line == csv || (comma != NULL &&
                            strncmp(comma + 1, cut, strlen(cut)) < 0))
            fwrite(line, 1, n, f);
        line += n;
    }
    fclose(f);
    return out;
}

/* The scenario fitted to the first 200 days of the history. */
static char *fit_first_days(const char *csv, const char *mapt)
{
    size_t len, slen = 0;
    char *part = cut_export(csv, "2026-07-24T", &len), *scen = NULL;
    cs_tracker_map *map = NULL;
    cs_tracker_data *d = NULL;
    cs_fit *f = NULL;
    cs_error err;
    FILE *out;

    ck_assert_int_eq(cs_tracker_map_load_string("map.yaml", mapt,
                                                strlen(mapt), &map, &err),
                     CS_OK);
    ck_assert_msg(cs_tracker_load_string("part.csv", part, len, map, &d,
                                         &err) == CS_OK, "%s", err.msg);
    ck_assert_msg(cs_fit_run(d, map, "part.csv", &f, &err) == CS_OK, "%s",
                  err.msg);
    out = open_memstream(&scen, &slen);
    cs_fit_write_scenario(f, out);
    fclose(out);
    cs_fit_free(f);
    cs_tracker_free(d);
    cs_tracker_map_free(map);
    free(part);
    return scen;
}

/* As backtest; with fit_first, the scenario is the one fitted to the
** first 200 days of the history instead. */
static json_t *backtest_text(int scale, long *in_progress, int fit_first)
{
    static const char *const teams[] = {"intake", "build", "review", NULL};
    char text[2048], *csv, *mapt = rt_map(teams, "build: 2"), *rep = NULL;
    size_t len, rlen = 0;
    cs_tracker_map *map = NULL;
    cs_tracker_data *d = NULL;
    cs_scenario *s = NULL;
    cs_model *m = NULL;
    cs_backtest *b = NULL;
    cs_error err;
    FILE *out;
    json_t *j;
    const double from = 20458 + 200, to = 20458 + 380;   /* calendar days */

    char *fitted = NULL;
    const char *scen = text;

    snprintf(text, sizeof text, truth, 4);
    csv = rt_export(text, &len);
    snprintf(text, sizeof text, truth, scale);
    if (fit_first)
        scen = fitted = fit_first_days(csv, mapt);
    ck_assert_int_eq(cs_tracker_map_load_string("map.yaml", mapt,
                                                strlen(mapt), &map, &err),
                     CS_OK);
    ck_assert_msg(cs_tracker_load_string("rt.csv", csv, len, map, &d, &err)
                  == CS_OK, "%s", err.msg);
    ck_assert_msg(cs_scenario_load_string("s.yaml", scen, &s, &err) == CS_OK,
                  "%s", err.msg);
    ck_assert_int_eq(cs_variant_build(s, -1, &m, &err), CS_OK);
    cs_scenario_free(s);
    m->replications = 200;   /* a fitted scenario says 100 */
    /* items arrived before day 200 and not done by then */
    *in_progress = 0;
    for (size_t i = 0; i < d->nitems; i++) {
        const cs_tracker_item *it = &d->items[i];
        const cs_tracker_entry *e = &d->entries[it->first];
        const double w = cs_tracker_working(map, from);

        *in_progress += e[0].t < w && !(e[it->n - 1].state ==
                                        CS_TRACKER_DONE && e[it->n - 1].t <= w);
    }
    ck_assert_msg(cs_backtest_run(m, d, map, cs_tracker_working(map, from),
                                  cs_tracker_working(map, to), "s.yaml",
                                  "rt.csv", &b, &err) == CS_OK, "%s",
                  err.msg);
    out = open_memstream(&rep, &rlen);
    ck_assert_int_eq(cs_backtest_write(b, out, 1, &err), CS_OK);
    fclose(out);
    j = json_loads(rep, 0, NULL);
    ck_assert_ptr_nonnull(j);
    free(rep);
    cs_backtest_free(b);
    cs_tracker_free(d);
    cs_tracker_map_free(map);
    free(csv);
    free(mapt);
    free(fitted);
    return j;
}

/* The measures (done, lead-time mean and percentiles) outside their band
** and the KS verdicts "differs", over the classes and all. */
static void count(json_t *j, int *outside, int *differs, int *judged)
{
    static const char *const figs[] = {"mean", "p50", "p85", "p95"};
    const char *name;
    json_t *c;

    *outside = *differs = *judged = 0;
    json_object_foreach(json_object_get(j, "classes"), name, c) {
        json_t *lt = json_object_get(c, "lead_time");
        const char *v = json_string_value(json_object_get(
            json_object_get(c, "done"), "verdict"));

        *judged += strcmp(v, "n/a") != 0;
        *outside += strcmp(v, "outside") == 0;
        for (int k = 0; k < 4; k++) {
            v = json_string_value(json_object_get(json_object_get(lt,
                                                                  figs[k]),
                                                  "verdict"));
            *judged += strcmp(v, "n/a") != 0;
            *outside += strcmp(v, "outside") == 0;
        }
        *differs += strcmp(json_string_value(json_object_get(
            json_object_get(lt, "ks"), "verdict")), "differs") == 0;
    }
}

/* Against its own history: 15 measures, each outside its 95% band with
** probability 0.05 (0.75 expected, correlated): at most 3 outside, and
** the KS tests at 5% differ at most once of 3. */
START_TEST(test_own_history)
{
    long busy;
    json_t *j = backtest(4, &busy);
    int outside, differs, judged;
    json_t *bd = json_object_get(j, "board");

    count(j, &outside, &differs, &judged);
    ck_assert_int_eq(judged, 15);
    ck_assert_msg(outside <= 3, "%d of 15 outside", outside);
    ck_assert_msg(differs <= 1, "%d KS tests differ", differs);
    ck_assert_int_eq(json_integer_value(json_object_get(bd, "start")) +
                     json_integer_value(json_object_get(bd, "backlog")),
                     busy);
    ck_assert_int_eq(json_integer_value(json_object_get(bd, "left_out")), 0);
    json_decref(j);
}
END_TEST

/* A scenario whose feature builds take 2.25 times as long (scale 0.9 for
** 0.4): the features' lead times are far outside the bands. */
START_TEST(test_wrong_model)
{
    long busy;
    json_t *j = backtest(9, &busy);
    json_t *f = json_object_get(json_object_get(json_object_get(j,
        "classes"), "feature"), "lead_time");

    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(f,
                     "mean"), "verdict")), "outside");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(f,
                     "ks"), "verdict")), "differs");
    json_decref(j);
}
END_TEST

/* The round trip's last leg: the scenario fitted to the first 200 days
** back-tests on the held-out days 200 to 380 within the same allowance
** as the true chain. */
START_TEST(test_fitted_held_out)
{
    long busy;
    json_t *j = backtest_text(4, &busy, 1);
    int outside, differs, judged;

    count(j, &outside, &differs, &judged);
    ck_assert_int_eq(judged, 15);
    ck_assert_msg(outside <= 3, "%d of 15 outside", outside);
    ck_assert_msg(differs <= 1, "%d KS tests differ", differs);
    json_decref(j);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("backtest");
    TCase *tc = tcase_create("backtest");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_own_history);
    tcase_add_test(tc, test_wrong_model);
    tcase_add_test(tc, test_fitted_held_out);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
