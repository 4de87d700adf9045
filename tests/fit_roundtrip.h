/*
** fit_roundtrip.h - the history of a simulated chain as a tracker export,
** for the round-trip tests of fit and backtest: one replication of a
** scenario is traced and each item's moves written as an event log
** (item,class,stage,time), the stages named "TEAM handoff", "TEAM queue",
** "TEAM work", "TEAM finished" (finished, waiting to move on), "Backlog"
** and "Done", dates from Monday 2026-01-05 on a seven-day calendar (so
** working days are simulated days).  rt_export_stages writes the same
** history as a stage-date CSV with dates only (the first entry into each
** stage).  rt_map is the matching stage map.
*/
#ifndef CHAINSIM_TESTS_FIT_ROUNDTRIP_H
#define CHAINSIM_TESTS_FIT_ROUNDTRIP_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/engine.h"
#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/scenario.h"
#include "chainsim/variant.h"

/* The harness's own failures (a scenario that does not load, no memory):
** this header serves tools outside Check too. */
#define RT_CHECK(c)                                                         \
    do {                                                                    \
        if (!(c)) {                                                         \
            fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);         \
            abort();                                                        \
        }                                                                   \
    } while (0)

typedef struct rt_log {
    const cs_model *m;
    FILE *out;
    double *enter;           /* per item serial: pending enter time, or -1 */
    size_t cap;
    int stages;              /* 1: collect first entries, write no rows */
    double *first;           /* [item][2 + 4 * team]: Backlog, Done, then
                                each team's four stages; NAN: none */
    int *cls;                /* [item], -1: none */
} rt_log;

#define RT_COLS(m) (2 + 4 * (size_t)(m)->nteams)

static inline void rt_date(FILE *out, double t, int date_only)
{
    /* 2026-01-05 is day 20458 since 1970-01-01 */
    long long s = llround(t * 86400.0);
    long long days = 20458 + s / 86400;
    long long z = days + 719468, era = z / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    long long d = doy - (153 * mp + 2) / 5 + 1;
    long long mo = mp < 10 ? mp + 3 : mp - 9;
    long long y = yoe + era * 400 + (mo <= 2);

    s %= 86400;
    if (date_only)
        fprintf(out, "%04lld-%02lld-%02lld", y, mo, d);
    else
        fprintf(out, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", y, mo, d,
                s / 3600, s / 60 % 60, s % 60);
}

/* The column of a stage: 0 Backlog, 1 Done, 2 + 4 team + k for the
** team's handoff, queue, work, finished. */
static inline size_t rt_col(const cs_trace_event *ev, const char *stage)
{
    static const char *const names[] = {"handoff", "queue", "work",
                                        "finished"};

    if (strcmp(stage, "Backlog") == 0)
        return 0;
    if (strcmp(stage, "Done") == 0)
        return 1;
    for (size_t k = 0; k < 4; k++)
        if (strcmp(stage, names[k]) == 0)
            return 2 + 4 * (size_t)ev->team + k;
    return 0;
}

static inline void rt_row(rt_log *l, const cs_trace_event *ev,
                          const char *team, const char *stage, double t)
{
    if (l->stages) {
        double *v = &l->first[ev->item * RT_COLS(l->m) + rt_col(ev, stage)];

        l->cls[ev->item] = ev->cls;
        if (isnan(*v))
            *v = t;
        return;
    }
    fprintf(l->out, "%s-%llu,%s,", l->m->classes[ev->cls].name,
            (unsigned long long)ev->item, l->m->classes[ev->cls].name);
    if (team != NULL)
        fprintf(l->out, "%s %s,", team, stage);
    else
        fprintf(l->out, "%s,", stage);
    rt_date(l->out, t, 0);
    fputc('\n', l->out);
}

static inline void rt_fn(void *ctx, const cs_trace_event *ev)
{
    rt_log *l = ctx;
    const char *team = ev->team >= 0 ? l->m->teams[ev->team].name : NULL;

    if (ev->item >= l->cap) {
        size_t cap = 2 * ev->item + 64;
        double *v = realloc(l->enter, cap * sizeof *v);

        RT_CHECK(v != NULL);
        for (size_t k = l->cap; k < cap; k++)
            v[k] = -1;
        l->enter = v;
        if (l->stages) {
            double *f = realloc(l->first, cap * RT_COLS(l->m) * sizeof *f);
            int *c = realloc(l->cls, cap * sizeof *c);

            RT_CHECK(f != NULL && c != NULL);
            for (size_t k = l->cap * RT_COLS(l->m);
                 k < cap * RT_COLS(l->m); k++)
                f[k] = NAN;
            for (size_t k = l->cap; k < cap; k++)
                c[k] = -1;
            l->first = f;
            l->cls = c;
        }
        l->cap = cap;
    }
    if (strcmp(ev->event, "arrive") == 0) {
        rt_row(l, ev, NULL, "Backlog", ev->time);
    } else if (strcmp(ev->event, "enter") == 0) {
        l->enter[ev->item] = ev->time;
    } else if (strcmp(ev->event, "queue") == 0) {
        if (l->enter[ev->item] >= 0 && l->enter[ev->item] < ev->time)
            rt_row(l, ev, team, "handoff", l->enter[ev->item]);
        l->enter[ev->item] = -1;
        rt_row(l, ev, team, "queue", ev->time);
    } else if (strcmp(ev->event, "start") == 0) {
        rt_row(l, ev, team, "work", ev->time);
    } else if (strcmp(ev->event, "finish") == 0) {
        rt_row(l, ev, team, "finished", ev->time);
    } else if (strcmp(ev->event, "done") == 0) {
        rt_row(l, ev, NULL, "Done", ev->time);
    }
}

/* The history of replication 0 of scenario text (up to its horizon):
** an event log, or with stages a stage-date CSV; malloc'ed,
** NUL-terminated. */
static inline char *rt_history(const char *text, size_t *len, int stages)
{
    cs_scenario *s = NULL;
    cs_model *m = NULL;
    cs_engine *e;
    cs_rep *r;
    cs_error err;
    rt_log l = {0};
    char *buf = NULL;

    RT_CHECK(cs_scenario_load_string("truth.yaml", text, &s, &err) == CS_OK);
    RT_CHECK(cs_variant_build(s, -1, &m, &err) == CS_OK);
    cs_scenario_free(s);
    l.m = m;
    l.stages = stages;
    l.out = open_memstream(&buf, len);
    RT_CHECK(l.out != NULL);
    if (!stages)
        fputs("item,class,stage,time\n", l.out);
    e = cs_engine_new(m);
    r = cs_engine_rep_new(m);
    RT_CHECK(e != NULL);
    RT_CHECK(r != NULL);
    cs_engine_set_trace(e, rt_fn, &l);
    RT_CHECK(cs_engine_run(e, 0, 0, r, &err) == CS_OK);
    if (stages) {
        static const char *const st[] = {"handoff", "queue", "work",
                                         "finished"};

        fputs("ID,Type,Backlog", l.out);
        for (int t = 0; t < m->nteams; t++)
            for (int k = 0; k < 4; k++)
                fprintf(l.out, ",%s %s", m->teams[t].name, st[k]);
        fputs(",Done\n", l.out);
        for (size_t i = 0; i < l.cap; i++) {
            const double *v = &l.first[i * RT_COLS(m)];

            if (l.cls[i] < 0)
                continue;
            fprintf(l.out, "%s-%zu,%s", m->classes[l.cls[i]].name, i,
                    m->classes[l.cls[i]].name);
            for (size_t k = 0; k < RT_COLS(m); k++) {
                /* Backlog, the teams' stages, then Done */
                const size_t c = k == 0 ? 0 : k + 1 < RT_COLS(m) ? k + 1 : 1;

                fputc(',', l.out);
                if (!isnan(v[c]))
                    rt_date(l.out, v[c], 1);
            }
            fputc('\n', l.out);
        }
    }
    fclose(l.out);
    cs_engine_rep_free(r);
    cs_engine_free(e);
    cs_model_free(m);
    free(l.enter);
    free(l.first);
    free(l.cls);
    return buf;
}

static inline char *rt_export(const char *text, size_t *len)
{
    return rt_history(text, len, 0);
}

static inline char *rt_export_stages(const char *text, size_t *len)
{
    return rt_history(text, len, 1);
}

/* The stage map of the teams named in the NULL-terminated list, with
** people "team: n" entries (may be ""), malloc'ed. */
static inline char *rt_map(const char *const *teams, const char *people)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    static const char *const st[][2] = {{"handoff", "handoff"},
                                        {"queue", "queue"},
                                        {"work", "work"},
                                        {"finished", "queue"}};

    RT_CHECK(f != NULL);
    fprintf(f, "calendar: {days_per_week: 7}\npeople: {%s}\nstages:\n"
            "  - {name: Backlog, state: queue}\n", people);
    for (size_t t = 0; teams[t] != NULL; t++)
        for (int k = 0; k < 4; k++)
            fprintf(f, "  - {name: %s %s, team: %s, state: %s}\n", teams[t],
                    st[k][0], teams[t], st[k][1]);
    fputs("  - {name: Done, state: done}\n", f);
    fclose(f);
    return buf;
}

#endif /* CHAINSIM_TESTS_FIT_ROUNDTRIP_H */
