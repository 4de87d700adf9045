/* Tests of tracker.c: dates, the calendar, the three CSV layouts, the
** stage map, and messy data with positioned errors or counted warnings. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/error.h"
#include "chainsim/tracker.h"

static const char MAP[] =
    "calendar: {days_per_week: 5, holidays: [2026-12-25]}\n"
    "people: {build: 2}\n"
    "stages:\n"
    "  - {name: Backlog, state: queue}\n"
    "  - {name: Build, team: build, state: work}\n"
    "  - {name: To test, team: test, state: handoff}\n"
    "  - {name: Test, team: test, state: work}\n"
    "  - {name: Done, state: done}\n";

static cs_tracker_map *map_of(const char *text)
{
    cs_tracker_map *m = NULL;
    cs_error err;

    if (cs_tracker_map_load_string("map.yaml", text, strlen(text), &m, &err)
        != CS_OK)
        ck_abort_msg("map: %s:%d:%d: %s", err.file, err.line, err.column,
                     err.msg);
    return m;
}

static cs_tracker_data *load(const cs_tracker_map *m, const char *csv)
{
    cs_tracker_data *d = NULL;
    cs_error err;

    if (cs_tracker_load_string("t.csv", csv, strlen(csv), m, &d, &err)
        != CS_OK)
        ck_abort_msg("csv: %s:%d:%d: %s", err.file, err.line, err.column,
                     err.msg);
    return d;
}

START_TEST(test_dates)
{
    double d, e;
    int t;

    ck_assert_int_eq(cs_tracker_parse_date("1970-01-01", &d, &t), 0);
    ck_assert(d == 0 && t == 0);
    ck_assert_int_eq(cs_tracker_parse_date("2026-12-03", &d, &t), 0);
    ck_assert(d == 20790);
    ck_assert_int_eq(cs_tracker_parse_date("2026-12-03T12:00:00Z", &e, &t), 0);
    ck_assert(e == 20790.5 && t == 1);
    /* 14:00 at +02:00 is 12:00 UTC, in every spelling of the offset */
    ck_assert_int_eq(cs_tracker_parse_date("2026-12-03T14:00+02:00", &e, &t), 0);
    ck_assert(fabs(e - 20790.5) < 1e-9);
    ck_assert_int_eq(cs_tracker_parse_date("2026-12-03 14:00:00+0200", &e, &t), 0);
    ck_assert(fabs(e - 20790.5) < 1e-9);
    ck_assert_int_eq(cs_tracker_parse_date("2026-12-03T07:00-05", &e, &t), 0);
    ck_assert(fabs(e - 20790.5) < 1e-9);
    ck_assert_int_eq(cs_tracker_parse_date("2026-12-03T12:00:00.5Z", &e, &t), 0);
    ck_assert(fabs(e - (20790.5 + 0.5 / 86400)) < 1e-9);
    ck_assert_int_eq(cs_tracker_parse_date("2024-02-29", &d, &t), 0);
    ck_assert_int_eq(cs_tracker_parse_date("2023-02-29", &d, &t), -1);
    ck_assert_int_eq(cs_tracker_parse_date("2026-13-01", &d, &t), -1);
    ck_assert_int_eq(cs_tracker_parse_date("03/12/2026", &d, &t), -1);
    ck_assert_int_eq(cs_tracker_parse_date("2026-12-03T25:00", &d, &t), -1);
    ck_assert_int_eq(cs_tracker_parse_date("2026-12-03x", &d, &t), -1);
    ck_assert_int_eq(cs_tracker_parse_date("", &d, &t), -1);
}
END_TEST

START_TEST(test_calendar)
{
    cs_tracker_map *m = map_of(MAP);
    double mon, fri, sat, nmon, xmas, w;
    int t;

    /* 2026-11-30 is a Monday */
    cs_tracker_parse_date("2026-11-30", &mon, &t);
    cs_tracker_parse_date("2026-12-04T12:00Z", &fri, &t);
    cs_tracker_parse_date("2026-12-05T10:00Z", &sat, &t);
    cs_tracker_parse_date("2026-12-07", &nmon, &t);
    ck_assert(cs_tracker_working(m, fri) - cs_tracker_working(m, mon) == 4.5);
    /* a weekend counts nothing: Saturday is Monday's start */
    ck_assert(cs_tracker_working(m, sat) == cs_tracker_working(m, nmon));
    ck_assert(cs_tracker_working(m, nmon) - cs_tracker_working(m, mon) == 5);
    /* a holiday too: Thursday 24th to Monday 28th is 2 working days */
    cs_tracker_parse_date("2026-12-24", &xmas, &t);
    cs_tracker_parse_date("2026-12-28", &w, &t);
    ck_assert(cs_tracker_working(m, w) - cs_tracker_working(m, xmas) == 1);
    /* and back */
    w = cs_tracker_working(m, fri);
    ck_assert(fabs(cs_tracker_calendar(m, w) - fri) < 1e-9);
    cs_tracker_map_free(m);
}
END_TEST

START_TEST(test_stage_dates)
{
    cs_tracker_map *m = map_of(MAP);
    cs_tracker_data *d = load(m,
        "ID,Title,Type,Backlog,Build,To test,Test,Done\n"
        "A-1,\"first, with a comma\",Bug,2026-11-30,2026-12-01,,2026-12-03,2026-12-04\n"
        "A-2,second,Feature,2026-11-30,2026-12-02,2026-12-03,2026-12-04,\n"
        "A-3,third,Bug,2026-12-02,2026-12-01,,,\n");

    ck_assert_int_eq(d->format, CS_TRACKER_STAGES);
    ck_assert_uint_eq(d->nitems, 3);
    ck_assert_uint_eq(d->nclasses, 2);
    ck_assert_str_eq(d->classes[0], "bug");
    ck_assert_str_eq(d->classes[1], "feature");
    ck_assert_str_eq(d->items[0].id, "A-1");
    ck_assert_uint_eq(d->items[0].n, 4);   /* To test skipped */
    ck_assert_uint_eq(d->items[1].n, 4);   /* not done */
    ck_assert_int_eq(d->entries[d->items[0].first + 3].state, CS_TRACKER_DONE);
    ck_assert_int_eq(d->entries[d->items[0].first].team, -1);   /* backlog */
    ck_assert_str_eq(d->teams[d->entries[d->items[0].first + 1].team], "build");
    ck_assert_int_eq(d->date_only, 1);
    /* A-3 entered Build before Backlog: counted, taken in time order */
    ck_assert_int_eq(d->warn.out_of_order, 1);
    ck_assert_int_eq(d->entries[d->items[2].first].stage, 1);
    ck_assert_int_eq(d->items[2].line, 4);
    cs_tracker_free(d);
    cs_tracker_map_free(m);
}
END_TEST

START_TEST(test_event_log)
{
    cs_tracker_map *m = map_of(MAP);
    /* rows in any order; A-1 goes back to Build (rework), A-2 re-opens */
    cs_tracker_data *d = load(m,
        "item,class,stage,time\r\n"
        "A-1,bug,Backlog,2026-11-30T09:00:00Z\r\n"
        "A-1,bug,Test,2026-12-02T09:00:00Z\r\n"
        "A-1,bug,Build,2026-11-30T10:00:00+01:00\r\n"
        "A-1,bug,Build,2026-12-02T15:00:00Z\r\n"
        "A-1,bug,Done,2026-12-03T09:00:00Z\r\n"
        "A-2,bug,Build,2026-12-01T09:00:00Z\r\n"
        "A-2,bug,Done,2026-12-02T09:00:00Z\r\n"
        "A-2,bug,Test,2026-12-03T09:00:00Z\r\n");

    ck_assert_int_eq(d->format, CS_TRACKER_EVENTS);
    ck_assert_uint_eq(d->nitems, 2);
    ck_assert_uint_eq(d->items[0].n, 5);
    ck_assert_int_eq(d->entries[1].stage, 1);   /* Build at 09:00 UTC */
    ck_assert(fabs(d->entries[1].t - d->entries[0].t) < 1e-9);
    ck_assert_int_eq(d->entries[2].stage, 3);
    ck_assert_int_eq(d->entries[3].stage, 1);
    ck_assert_int_eq(d->warn.reopened, 1);
    ck_assert_int_eq(d->date_only, 0);
    cs_tracker_free(d);
    cs_tracker_map_free(m);
}
END_TEST

START_TEST(test_flat_export)
{
    cs_tracker_map *m = map_of(
        "columns: {team: Team}\n"
        "stages:\n"
        "  - {name: Created, state: queue}\n"
        "  - {name: Started, state: work}\n"
        "  - {name: Resolved, state: done}\n");
    cs_tracker_data *d = load(m,
        "Issue key,Team,Issue Type,Created,Started,Resolved\n"
        "BI-1,Data Platform,Story,2026-11-30,2026-12-01,2026-12-03\n"
        "BI-2,Reporting,Bug,2026-11-30,2026-12-02,\n");

    ck_assert_uint_eq(d->nteams, 2);
    ck_assert_str_eq(d->teams[0], "data-platform");
    ck_assert_str_eq(d->teams[1], "reporting");
    ck_assert_int_eq(d->entries[0].team, 0);   /* the queue is the team's */
    ck_assert_int_eq(d->entries[3].team, 1);
    ck_assert_str_eq(d->classes[1], "bug");
    cs_tracker_free(d);
    cs_tracker_map_free(m);
}
END_TEST

/* Messy data: each a positioned error. */
static const struct bad {
    const char *csv, *where, *text;
} bad_cases[] = {
    {"", "1:1", "empty file"},
    {"ID,Backlog,Build\n", "1:1", "no items"},
    {"Title,Backlog\nx,2026-01-01\n", "1:1", "no ID"},
    {"ID,Backlog,Biuld\nA,2026-01-01,\n", "1:12",
     "stage 'Biuld' is not in the stage map (did you mean 'Build'?)"},
    {"ID,Backlog,Build\nA,2026-01-01,2026-01-02\nB,2026-13-01,\n", "3:3",
     "'2026-13-01' is not a date"},
    {"ID,Backlog,Build\nA,2026-01-01,tomorrow\n", "2:14",
     "'tomorrow' is not a date"},
    {"ID,Backlog\nA,2026-01-01\nB,2026-01-02\nA,2026-01-03\n", "4:1",
     "duplicate ID 'A' (first at line 2)"},
    {"ID,Backlog\n,2026-01-01\n", "2:1", "empty item ID"},
    {"ID,Backlog\n\"A,2026-01-01\n", "2:1", "not closed"},
    {"ID,Backlog\nA\"b,2026-01-01\n", "2:2", "malformed CSV"},
    {"item,stage,time\nA,Build,2026-01-01\nA,Tset,2026-01-02\n", "3:3",
     "stage 'Tset' is not in the stage map (did you mean 'Test'?)"},
    {"item,class,stage,time\nA,bug,Build,2026-01-01\nA,feature,Test,2026-01-02\n",
     "3:1", "item 'A' has class 'feature' here, 'bug' at line 2"},
    {"item,stage,time\nA,Build,2026-01-01T10:00+25:00\n", "2:9", "not a date"},
    {"ID,Backlog\nA,\nB,\n", "1:1", "no item has any date"},
};

START_TEST(test_bad)
{
    const struct bad *b = &bad_cases[_i];
    cs_tracker_map *m = map_of(MAP);
    cs_tracker_data *d = NULL;
    cs_error err;
    char where[32], msg[700];

    ck_assert_int_eq(cs_tracker_load_string("t.csv", b->csv, strlen(b->csv),
                                            m, &d, &err), CS_EINPUT);
    ck_assert_ptr_null(d);
    snprintf(where, sizeof where, "%d:%d", err.line, err.column);
    cs_error_format(&err, msg, sizeof msg);
    ck_assert_msg(strncmp(where, b->where, strlen(b->where)) == 0 &&
                  strstr(err.msg, b->text) != NULL,
                  "case %d: got %s, expected %s: %s", _i, msg, b->where,
                  b->text);
    ck_assert_str_eq(err.file, "t.csv");
    cs_tracker_map_free(m);
}
END_TEST

START_TEST(test_huge)
{
    cs_tracker_map *m = map_of(MAP);
    cs_tracker_data *d = NULL;
    cs_error err;
    const size_t n = CS_TRACKER_MAX_BYTES + 1;
    char *big = malloc(n);

    ck_assert_ptr_nonnull(big);
    memset(big, 'a', n);
    ck_assert_int_eq(cs_tracker_load_string("big.csv", big, n, m, &d, &err),
                     CS_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "too large"));
    free(big);
    cs_tracker_map_free(m);
}
END_TEST

static const struct bad_map {
    const char *yaml, *where, *text;
} bad_maps[] = {
    {"stages: []\n", "1:9", "stages"},
    {"stages:\n  - {name: A, state: wrok}\n", "2:22", "did you mean 'work'"},
    {"stages:\n  - {name: A, state: work}\n", "2:5", "needs a team"},
    {"stages:\n  - {name: A, state: queue}\n  - {name: A, state: done}\n",
     "3:12", "duplicate stage name 'A'"},
    {"calendar: {days_per_week: 8}\nstages:\n  - {name: A, state: done}\n",
     "1:27", "days_per_week"},
    {"calendar: {holidays: [2026-02-30]}\nstages:\n  - {name: A, state: done}\n",
     "1:23", "not a date"},
    {"stagse: []\n", "1:1", "did you mean 'stages'"},
    {"people: {a: 0}\nstages:\n  - {name: A, state: done}\n", "1:13",
     "people"},
};

START_TEST(test_bad_map)
{
    const struct bad_map *b = &bad_maps[_i];
    cs_tracker_map *m = NULL;
    cs_error err;
    char where[32];

    ck_assert_int_eq(cs_tracker_map_load_string("map.yaml", b->yaml,
                                                strlen(b->yaml), &m, &err),
                     CS_EINPUT);
    snprintf(where, sizeof where, "%d:%d", err.line, err.column);
    ck_assert_msg(strcmp(where, b->where) == 0 &&
                  strstr(err.msg, b->text) != NULL,
                  "case %d: got %s: %s, expected %s: %s", _i, where, err.msg,
                  b->where, b->text);
}
END_TEST

START_TEST(test_names)
{
    char buf[65];

    cs_tracker_name("Data Platform", buf);
    ck_assert_str_eq(buf, "data-platform");
    cs_tracker_name("  UX / Design!! ", buf);
    ck_assert_str_eq(buf, "ux-design");
    cs_tracker_name("***", buf);
    ck_assert_str_eq(buf, "x");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("tracker");
    TCase *tc = tcase_create("tracker");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_dates);
    tcase_add_test(tc, test_calendar);
    tcase_add_test(tc, test_stage_dates);
    tcase_add_test(tc, test_event_log);
    tcase_add_test(tc, test_flat_export);
    tcase_add_loop_test(tc, test_bad, 0,
                        (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tc, test_huge);
    tcase_add_loop_test(tc, test_bad_map, 0,
                        (int)(sizeof bad_maps / sizeof bad_maps[0]));
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
