/*
** tracker.h - a tracker export (CSV) and its stage map (YAML) read into
** items, each with its stage entries in time order, in working days.
**
** Three CSV layouts are read (with libcsv), told apart by the header:
** - the event log, a row per entry into a stage: columns `item`, `stage`,
**   `time` and optionally `class` (any order, any case, other columns
**   ignored); an item may enter a stage more than once (rework);
** - the stage-date CSV: an ID column, optional Name/Title/Summary (ignored)
**   and Type (the class) columns, then a column per workflow stage, in
**   workflow order, holding the date or date-time the item entered it
**   (empty: skipped); the flat export of trackers (`Issue key, Team, Issue
**   Type, Created, Started, Resolved`) is one, its team read from a column
**   the map names.
** Dates are ISO 8601: YYYY-MM-DD, optionally followed by T or a blank and
** HH:MM[:SS[.frac]], and by Z or an offset +hh:mm, +hhmm, +hh; a time
** without an offset is taken as UTC.  Each is converted to UTC and then to
** working days through the map's calendar (days_per_week working days
** from Monday, less the holidays; an entry on a non-working day counts
** from the start of the next working day).
**
** The stage map:
**   columns: {id: Issue key, class: Issue Type, team: Team}   # optional
**   calendar: {days_per_week: 5, holidays: [2026-12-25]}      # optional
**   people: {ingestion: 2}                                    # optional
**   stages:
**     - {name: Created, state: queue}        # no team: the chain's backlog
**     - {name: Ingest, team: ingestion, state: work}
**     - {name: Resolved, state: done}
** A stage without a team takes the item's team from columns.team when it
** is set; otherwise only a queue stage may lack one (the backlog before the
** first team).
**
** Bad input is a CS_EINPUT error "FILE:LINE:COLUMN: message" at the field
** (CSV) or node (map): an unparsable date, a stage not in the map (with a
** "did you mean" hint), a duplicate ID in a stage-date CSV, a missing
** column, an empty file, a quote left open.  Bounds: CS_TRACKER_MAX_BYTES
** per file, CS_TRACKER_MAX_ROWS rows, CS_TRACKER_MAX_FIELDS fields a row,
** CS_TRACKER_MAX_FIELD bytes a field, CS_TRACKER_MAX_STAGES stages.
** Counted warnings (cs_tracker_data.warn): items whose stage dates are out
** of workflow order (taken in time order), items re-opened after done (the
** last done counts), items without any date (left out).
*/
#ifndef CHAINSIM_TRACKER_H
#define CHAINSIM_TRACKER_H

#include <stddef.h>

#include "chainsim/doc.h"
#include "chainsim/error.h"

#define CS_TRACKER_MAX_BYTES (64u << 20)
#define CS_TRACKER_MAX_ROWS 2000000L
#define CS_TRACKER_MAX_FIELDS 256
#define CS_TRACKER_MAX_FIELD 4096
#define CS_TRACKER_MAX_STAGES 128
#define CS_TRACKER_MAX_HOLIDAYS 4096

typedef enum cs_tracker_state {
    CS_TRACKER_QUEUE = 0,
    CS_TRACKER_WORK,
    CS_TRACKER_HANDOFF,
    CS_TRACKER_DONE
} cs_tracker_state;

typedef struct cs_tracker_stage {
    char *name;              /* as in the CSV */
    char *team;              /* NULL: the item's team column, or backlog */
    cs_tracker_state state;
} cs_tracker_stage;

typedef struct cs_tracker_people {
    char *team;
    long people;
} cs_tracker_people;

typedef struct cs_tracker_map {
    cs_doc *doc;
    cs_tracker_stage *stages;
    size_t nstages;
    cs_tracker_people *people;
    size_t npeople;
    char *col_id, *col_class, *col_team;   /* NULL: the defaults / none */
    int days_per_week;                     /* 1..7, default 5 */
    long *holidays;                        /* days since 1970-01-01, sorted */
    size_t nholidays;
} cs_tracker_map;

typedef struct cs_tracker_entry {
    int stage;               /* index into the map's stages */
    int team;                /* index into data teams; -1: none (backlog) */
    cs_tracker_state state;
    double t;                /* working days since 1970-01-05 (a Monday) */
} cs_tracker_entry;

typedef struct cs_tracker_item {
    char *id;
    int cls;                 /* index into data classes */
    size_t first, n;         /* its entries, in time order */
    int line;                /* the line of its (first) row */
} cs_tracker_item;

typedef enum cs_tracker_format {
    CS_TRACKER_STAGES = 0, CS_TRACKER_EVENTS
} cs_tracker_format;

typedef struct cs_tracker_warnings {
    long out_of_order, reopened, no_dates;
} cs_tracker_warnings;

typedef struct cs_tracker_data {
    cs_tracker_format format;
    char **classes;          /* names made scenario names: [a-z0-9_-]+ */
    size_t nclasses;
    char **teams;
    size_t nteams;
    cs_tracker_item *items;  /* in the file's order */
    size_t nitems;
    cs_tracker_entry *entries;
    size_t nentries;
    double end;              /* the last entry's time: the export's end */
    double end_calendar;     /* the same in calendar days since 1970-01-01 */
    int date_only;           /* 1: no field had a time of day */
    long rows;
    cs_tracker_warnings warn;
} cs_tracker_data;

/* Loads and checks a stage map.  Caller frees with cs_tracker_map_free. */
cs_status cs_tracker_map_load(const char *path, cs_tracker_map **out,
                              cs_error *err);
/* As cs_tracker_map_load, from a buffer named name in messages. */
cs_status cs_tracker_map_load_string(const char *name, const char *text,
                                     size_t len, cs_tracker_map **out,
                                     cs_error *err);
void cs_tracker_map_free(cs_tracker_map *m);

/* Reads a tracker CSV file with map m (borrowed; must outlive *out). */
cs_status cs_tracker_load(const char *path, const cs_tracker_map *m,
                          cs_tracker_data **out, cs_error *err);
/* As cs_tracker_load, from a buffer named name in messages. */
cs_status cs_tracker_load_string(const char *name, const char *text,
                                 size_t len, const cs_tracker_map *m,
                                 cs_tracker_data **out, cs_error *err);
void cs_tracker_free(cs_tracker_data *d);

/* An ISO 8601 date or date-time (see above) as calendar days since
** 1970-01-01 UTC in *days; *has_time says whether it had a time of day.
** Returns 0, or -1 when s is not one. */
int cs_tracker_parse_date(const char *s, double *days, int *has_time);

/* Calendar days since 1970-01-01 to working days through m's calendar,
** and back (the start of the working time w, on a working day). */
double cs_tracker_working(const cs_tracker_map *m, double days);
double cs_tracker_calendar(const cs_tracker_map *m, double w);

/* The name a free text becomes in a scenario: lower case, runs of
** characters outside [a-z0-9_-] turned into one '-', at most 64 bytes,
** "x" when nothing is left.  buf has room for 65 bytes. */
void cs_tracker_name(const char *s, char *buf);

#endif /* CHAINSIM_TRACKER_H */
