/*
** tracker_export.c - the history of a simulated chain as a tracker export:
** how scenarios/data/ was made, and a way to try fit and backtest on a
** chain whose truth is known.
**
**   make build/tracker-export
**   build/tracker-export [-e] [-r K] [-s START] SCENARIO MAP.yaml > OUT.csv
**
** Replication K (default 1) of SCENARIO is traced up to its horizon and
** each item's moves written with the stage names of MAP.yaml, which must
** name, per team T of the scenario, the stages "T ready" (queue), "T
** doing" (work) and, for a team with a hand-off, "T requested" (handoff),
** then "Backlog" and "Done" (any display names: the map's stage whose
** team is T and state is queue, work or handoff; the teamless queue and
** done stages).  Simulated day 0 is the working day START (a date,
** default 2026-01-05) through the map's calendar, so the dates skip the
** weekends and holidays like a tracker's.
**   default  a stage-date CSV (ID, Title, Type, then a date per stage, the
**            first entry into it; empty when the item never entered it),
**            dates only; one item in 40 has one of its middle stages left
**            empty, as trackers do when a ticket jumps a column;
**   -e       an event log (item,class,stage,time), every entry (rework
**            included), date-times.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>

#include "chainsim/engine.h"
#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/scenario.h"
#include "chainsim/tracker.h"
#include "chainsim/variant.h"

typedef struct ex {
    const cs_model *m;
    const cs_tracker_map *map;
    int events;
    double w0;                   /* working day of simulated day 0 */
    int *st_queue, *st_work, *st_handoff;   /* per team: map stage or -1 */
    int st_backlog, st_done;
    double *first;               /* [item][stage]: first entry, or NAN */
    int *cls;
    double *enter;
    size_t nitems, cap;
    size_t nst;
} ex;

static int toupper_ascii(char c)
{
    return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static void die(const char *msg)
{
    fprintf(stderr, "tracker-export: %s\n", msg);
    exit(2);
}

static void stamp(const ex *x, double t, int date_only, char *buf)
{
    const double cal = cs_tracker_calendar(x->map, x->w0 + t);
    const double day = floor(cal);
    const time_t s = (time_t)day * 86400 +
                     (time_t)llround((cal - day) * 86400.0);
    struct tm tm;

    gmtime_r(&s, &tm);
    strftime(buf, 32, date_only ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void grow(ex *x, uint64_t item)
{
    if (item < x->cap)
        return;
    {
        const size_t cap = 2 * (size_t)item + 64;
        double *f = realloc(x->first, cap * x->nst * sizeof *f);
        int *c = realloc(x->cls, cap * sizeof *c);
        double *e;

        if (f == NULL || c == NULL)
            die("out of memory");
        x->first = f;
        x->cls = c;
        if ((e = realloc(x->enter, cap * sizeof *e)) == NULL)
            die("out of memory");
        x->enter = e;
        for (size_t k = x->cap * x->nst; k < cap * x->nst; k++)
            x->first[k] = NAN;
        for (size_t k = x->cap; k < cap; k++) {
            x->cls[k] = -1;
            x->enter[k] = -1;
        }
        x->cap = cap;
    }
}

static void entry(ex *x, const cs_trace_event *ev, int stage, double t)
{
    char buf[32];

    if (stage < 0)
        return;
    if (x->events) {
        stamp(x, t, 0, buf);
        printf("%s-%llu,%s,%s,%s\n", x->m->classes[ev->cls].name,
               (unsigned long long)ev->item, x->m->classes[ev->cls].name,
               x->map->stages[stage].name, buf);
        return;
    }
    if (isnan(x->first[ev->item * x->nst + (size_t)stage]))
        x->first[ev->item * x->nst + (size_t)stage] = t;
}

static void on_event(void *ctx, const cs_trace_event *ev)
{
    ex *x = ctx;
    const int t = ev->team;

    grow(x, ev->item);
    if (ev->item + 1 > x->nitems)
        x->nitems = ev->item + 1;
    x->cls[ev->item] = ev->cls;
    if (strcmp(ev->event, "arrive") == 0) {
        entry(x, ev, x->st_backlog, ev->time);
    } else if (strcmp(ev->event, "enter") == 0) {
        x->enter[ev->item] = ev->time;
    } else if (strcmp(ev->event, "queue") == 0) {
        if (x->enter[ev->item] >= 0 && x->enter[ev->item] < ev->time)
            entry(x, ev, x->st_handoff[t], x->enter[ev->item]);
        x->enter[ev->item] = -1;
        entry(x, ev, x->st_queue[t], ev->time);
    } else if (strcmp(ev->event, "start") == 0) {
        entry(x, ev, x->st_work[t], ev->time);
    } else if (strcmp(ev->event, "done") == 0) {
        entry(x, ev, x->st_done, ev->time);
    }
}

static int find_stage(const cs_tracker_map *map, const char *team,
                      cs_tracker_state state)
{
    for (size_t k = 0; k < map->nstages; k++) {
        const cs_tracker_stage *s = &map->stages[k];

        if (s->state == state && ((team == NULL && s->team == NULL) ||
                                  (team != NULL && s->team != NULL &&
                                   strcmp(team, s->team) == 0)))
            return (int)k;
    }
    return -1;
}

int main(int argc, char **argv)
{
    const char *start = "2026-01-05";
    long rep = 1;
    int events = 0, a = 1;
    cs_scenario *s = NULL;
    cs_model *m = NULL;
    cs_tracker_map *map = NULL;
    cs_engine *e;
    cs_rep *r;
    cs_error err;
    ex x;
    double day;
    int has_time;

    gsl_set_error_handler_off();
    for (; a < argc && argv[a][0] == '-'; a++) {
        if (strcmp(argv[a], "-e") == 0)
            events = 1;
        else if (strcmp(argv[a], "-r") == 0 && a + 1 < argc)
            rep = atol(argv[++a]);
        else if (strcmp(argv[a], "-s") == 0 && a + 1 < argc)
            start = argv[++a];
        else
            die("usage: tracker-export [-e] [-r K] [-s START] SCENARIO "
                "MAP.yaml");
    }
    if (argc - a != 2 || rep < 1)
        die("usage: tracker-export [-e] [-r K] [-s START] SCENARIO MAP.yaml");
    cs_error_clear(&err);
    if (cs_scenario_load(argv[a], &s, &err) != CS_OK ||
        cs_variant_build(s, -1, &m, &err) != CS_OK ||
        cs_tracker_map_load(argv[a + 1], &map, &err) != CS_OK) {
        char buf[1024];

        cs_error_format(&err, buf, sizeof buf);
        die(buf);
    }
    cs_scenario_free(s);
    if (cs_tracker_parse_date(start, &day, &has_time) != 0)
        die("-s: not a date");
    memset(&x, 0, sizeof x);
    x.m = m;
    x.map = map;
    x.events = events;
    x.w0 = cs_tracker_working(map, day);
    x.nst = map->nstages;
    x.st_queue = calloc((size_t)m->nteams, sizeof *x.st_queue);
    x.st_work = calloc((size_t)m->nteams, sizeof *x.st_work);
    x.st_handoff = calloc((size_t)m->nteams, sizeof *x.st_handoff);
    if (!x.st_queue || !x.st_work || !x.st_handoff)
        die("out of memory");
    for (int t = 0; t < m->nteams; t++) {
        x.st_queue[t] = find_stage(map, m->teams[t].name, CS_TRACKER_QUEUE);
        x.st_work[t] = find_stage(map, m->teams[t].name, CS_TRACKER_WORK);
        x.st_handoff[t] = find_stage(map, m->teams[t].name,
                                     CS_TRACKER_HANDOFF);
        if (x.st_queue[t] < 0 || x.st_work[t] < 0)
            die("the map lacks a queue or work stage of a team");
    }
    x.st_backlog = find_stage(map, NULL, CS_TRACKER_QUEUE);
    x.st_done = find_stage(map, NULL, CS_TRACKER_DONE);
    if (x.st_done < 0)
        die("the map has no done stage");
    if (events)
        printf("item,class,stage,time\n");
    e = cs_engine_new(m);
    r = cs_engine_rep_new(m);
    if (e == NULL || r == NULL)
        die("out of memory");
    cs_engine_set_trace(e, on_event, &x);
    if (cs_engine_run(e, (uint64_t)(rep - 1), 0, r, &err) != CS_OK)
        die(err.msg);
    if (!events) {
        printf("ID,Title,Type");
        for (size_t k = 0; k < x.nst; k++)
            printf(",%s", map->stages[k].name);
        printf("\n");
        for (size_t i = 1; i < x.nitems; i++) {
            const char *cn;
            int first = -1, last = -1, drop = -1;

            if (x.cls[i] < 0)
                continue;
            cn = m->classes[x.cls[i]].name;
            for (size_t k = 0; k < x.nst; k++)
                if (!isnan(x.first[i * x.nst + k])) {
                    if (first < 0)
                        first = (int)k;
                    last = (int)k;
                }
            if (i % 40 == 17 && last - first >= 3)
                drop = first + 1 + (int)(i % (size_t)(last - first - 1));
            printf("%c%c-%zu,%s %zu,%s", toupper_ascii(cn[0]),
                   toupper_ascii(cn[1]), 1000 + i, cn, i, cn);
            for (size_t k = 0; k < x.nst; k++) {
                char buf[32];

                if (isnan(x.first[i * x.nst + k]) || (int)k == drop) {
                    printf(",");
                    continue;
                }
                stamp(&x, x.first[i * x.nst + k], 1, buf);
                printf(",%s", buf);
            }
            printf("\n");
        }
    }
    cs_engine_rep_free(r);
    cs_engine_free(e);
    cs_model_free(m);
    cs_tracker_map_free(map);
    free(x.first);
    free(x.cls);
    free(x.enter);
    free(x.st_queue);
    free(x.st_work);
    free(x.st_handoff);
    return ferror(stdout) ? 1 : 0;
}
