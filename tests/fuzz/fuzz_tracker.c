/*
** fuzz_tracker.c - libFuzzer target for the tracker readers (tracker.c:
** the stage map and the CSV exports) and the fit on what they read
** (fit.c).
**
** The input is a stage map and an export, separated by a line "----";
** without one, the whole input is the export, read with a fixed map (two
** teams, every state).  When both read, the data must keep the contract
** fit relies on (tracker.h): indices in range, every item's entries in
** time order with finite times, within the export's end; then a fit that
** succeeds must write a scenario that loads (what chainsim fit promises:
** check accepts it) and both reports.  Any crash, leak, hang, sanitizer
** report or abort is a bug.
**
** Built and run by "make fuzz" (tests/fuzz/run.sh); replayed on
** tests/fuzz/regressions/tracker/ and tests/fuzz/seeds/tracker/ by
** "make check".
*/
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "chainsim/error.h"
#include "chainsim/fit.h"
#include "chainsim/scenario.h"
#include "chainsim/tracker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixed_map[] =
    "calendar: {days_per_week: 5, holidays: [2026-01-01]}\n"
    "people: {a: 1}\n"
    "stages:\n"
    "  - {name: Backlog, state: queue}\n"
    "  - {name: A ready, team: a, state: queue}\n"
    "  - {name: A, team: a, state: work}\n"
    "  - {name: B requested, team: b, state: handoff}\n"
    "  - {name: B, team: b, state: work}\n"
    "  - {name: Done, state: done}\n";

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_tracker: contract broken: %s\n", what);
        abort();
    }
}

static void check_data(const cs_tracker_data *d, const cs_tracker_map *m)
{
    for (size_t i = 0; i < d->nitems; i++) {
        const cs_tracker_item *it = &d->items[i];

        check(it->cls >= 0 && (size_t)it->cls < d->nclasses, "item class");
        check(it->first + it->n <= d->nentries, "item entries");
        for (size_t k = 0; k < it->n; k++) {
            const cs_tracker_entry *e = &d->entries[it->first + k];

            check(e->stage >= 0 && (size_t)e->stage < m->nstages, "stage");
            check(e->team >= -1 && e->team < (int)d->nteams, "team");
            check(isfinite(e->t) && e->t <= d->end, "entry time");
            check(k == 0 || e->t >= e[-1].t, "entry order");
        }
    }
}

static void run_fit(const cs_tracker_data *d, const cs_tracker_map *m)
{
    cs_fit *f = NULL;
    cs_scenario *s = NULL;
    cs_error err;
    char *text = NULL;
    size_t len = 0;
    FILE *out;

    cs_error_clear(&err);
    if (cs_fit_run(d, m, "fuzz.csv", &f, &err) != CS_OK)
        return;
    out = open_memstream(&text, &len);
    check(out != NULL, "memstream");
    cs_fit_write_scenario(f, out);
    check(fclose(out) == 0, "memstream");
    if (cs_scenario_load_string("fitted.yaml", text, &s, &err) != CS_OK) {
        fprintf(stderr, "%s\n%s\n", err.msg, text);
        check(0, "the fitted scenario loads");
    }
    cs_scenario_free(s);
    free(text);
    for (int json = 0; json < 2; json++) {
        text = NULL;
        out = open_memstream(&text, &len);
        check(out != NULL, "memstream");
        check(cs_fit_write_report(f, out, json, &err) == CS_OK, "report");
        fclose(out);
        free(text);
    }
    cs_fit_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data, *sep = NULL;
    const char *map_text = fixed_map, *csv = text;
    size_t map_len = sizeof fixed_map - 1, csv_len = size;
    cs_tracker_map *m = NULL;
    cs_tracker_data *d = NULL;
    cs_error err;

    gsl_set_error_handler_off();
    for (size_t i = 0; i + 5 <= size; i++)
        if ((i == 0 || text[i - 1] == '\n') &&
            memcmp(text + i, "----\n", 5) == 0) {
            sep = text + i;
            break;
        }
    if (sep != NULL) {
        map_text = text;
        map_len = (size_t)(sep - text);
        csv = sep + 5;
        csv_len = size - map_len - 5;
    }
    cs_error_clear(&err);
    if (cs_tracker_map_load_string("map.yaml", map_text, map_len, &m, &err) !=
        CS_OK)
        return 0;
    check(m->nstages >= 1 && m->nstages <= CS_TRACKER_MAX_STAGES, "stages");
    check(m->days_per_week >= 1 && m->days_per_week <= 7, "calendar");
    if (cs_tracker_load_string("fuzz.csv", csv, csv_len, m, &d, &err) ==
        CS_OK) {
        check_data(d, m);
        run_fit(d, m);
        cs_tracker_free(d);
    } else {
        check(err.msg[0] != '\0', "an error has a message");
    }
    cs_tracker_map_free(m);
    return 0;
}
