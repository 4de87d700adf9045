/*
** scenario_util.h - helpers shared by the tests of the scenario modules
** (scenario, variant): loading and building that must succeed, finding
** teams and classes, a small valid scenario (BASE), and checking a load
** error's position and message.  static inline, so each test uses what
** it needs.
*/
#ifndef CHAINSIM_TESTS_SCENARIO_UTIL_H
#define CHAINSIM_TESTS_SCENARIO_UTIL_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/scenario.h"

/* Absolute tolerance for values that go through unit conversions. */
#define EPS 1e-12

static inline cs_scenario *load_ok(const char *text)
{
    cs_scenario *s = NULL;
    cs_error err;
    char buf[1024];
    const cs_status st = cs_scenario_load_string("test.yaml", text, &s, &err);

    cs_error_format(&err, buf, sizeof buf);
    ck_assert_msg(st == CS_OK, "load failed: %s", buf);
    ck_assert_ptr_nonnull(s);
    return s;
}

static inline cs_model *build_ok(const cs_scenario *s, long variant)
{
    cs_model *m = NULL;
    cs_error err;
    char buf[1024];
    const cs_status st = cs_variant_build(s, variant, &m, &err);

    cs_error_format(&err, buf, sizeof buf);
    ck_assert_msg(st == CS_OK, "build %ld failed: %s", variant, buf);
    ck_assert_ptr_nonnull(m);
    return m;
}

static inline const cs_team *team(const cs_model *m, const char *name)
{
    const int t = cs_model_team_index(m, name);

    ck_assert_msg(t >= 0, "no team '%s'", name);
    return &m->teams[t];
}

static inline const cs_class *klass(const cs_model *m, const char *name)
{
    const int c = cs_model_class_index(m, name);

    ck_assert_msg(c >= 0, "no class '%s'", name);
    return &m->classes[c];
}


/* Valid; each case below replaces the first `from` in it by `to` (or
** appends `to` when `from` is empty) and expects the error at line:column
** with the substring in its message. */
static const char BASE[] =
    "chainsim: 1\n"
    "name: t\n"
    "teams:\n"
    "  - {name: a, capacity: 1}\n"
    "  - {name: b, capacity: 1}\n"
    "work:\n"
    "  - name: w\n"
    "    arrivals: {rate: 1/d}\n"
    "    steps:\n"
    "      - {team: a, effort: 1d}\n"
    "      - {team: b, effort: 1d}\n"
    "promise:\n"
    "  - {name: p, within: 5d, percentile: 80}\n";

/* Loads text and checks the error's status, position and message. */
static inline void expect_error(const char *name, const char *text, int line,
                         int column, const char *substring)
{
    cs_scenario *s = NULL;
    cs_error err;
    char buf[1024];
    const cs_status st = cs_scenario_load_string(name, text, &s, &err);

    cs_error_format(&err, buf, sizeof buf);
    ck_assert_msg(st == CS_EINPUT, "%s: status %d (%s), expected an input "
                  "error at %d:%d with '%s'", name, (int)st, buf, line, column,
                  substring);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(err.file, name);
    ck_assert_msg(err.line == line && err.column == column,
                  "%s: error at %d:%d, expected %d:%d: %s", name, err.line,
                  err.column, line, column, buf);
    ck_assert_msg(strstr(err.msg, substring) != NULL,
                  "%s: message lacks '%s': %s", name, substring, buf);
}

#endif /* CHAINSIM_TESTS_SCENARIO_UTIL_H */
