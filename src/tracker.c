/*
** tracker.c - tracker exports (CSV, through libcsv) and stage maps (YAML,
** through doc and reader) read into items and their stage entries
** (tracker.h).
**
** The CSV is fed to libcsv one byte at a time so that each field's line
** and column are known when libcsv hands it over: an error names the
** field.  Rows are handled as they complete: the header decides the
** layout; each later row adds an item (stage-date) or an entry (event
** log).  Entries are kept in one array and sorted by (item, time, row) at
** the end, so an item's entries are contiguous and in time order.
*/
#include "chainsim/tracker.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "chainsim/doc.h"
#include "chainsim/error.h"
#include "chainsim/node.h"
#include "chainsim/reader.h"

/* ---- dates ------------------------------------------------------------ */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
** days_from_civil). */
static long days_from_civil(long y, long m, long d)
{
    long era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int month_days(long y, long m)
{
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return n[m - 1];
}

/* n digits at s into *v; 0 when they are not all digits. */
static int digits(const char *s, int n, long *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
        *v = *v * 10 + (s[i] - '0');
    }
    return 1;
}

int cs_tracker_parse_date(const char *s, double *days, int *has_time)
{
    long y, mo, d, h = 0, mi = 0, sec = 0, oh, om = 0;
    double frac = 0, off = 0;
    const char *p = s;

    if (!digits(p, 4, &y) || p[4] != '-' || !digits(p + 5, 2, &mo) ||
        p[7] != '-' || !digits(p + 8, 2, &d))
        return -1;
    if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1 ||
        d > month_days(y, mo))
        return -1;
    p += 10;
    *has_time = 0;
    if ((*p == 'T' || *p == ' ') && isdigit((unsigned char)p[1])) {
        p++;
        if (!digits(p, 2, &h) || p[2] != ':' || !digits(p + 3, 2, &mi))
            return -1;
        p += 5;
        if (*p == ':') {
            if (!digits(p + 1, 2, &sec))
                return -1;
            p += 3;
            if (*p == '.' || *p == ',') {
                double scale = 0.1;

                if (!isdigit((unsigned char)p[1]))
                    return -1;
                for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
                    frac += (*p - '0') * scale;
            }
        }
        if (h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi || sec)))
            return -1;
        *has_time = 1;
        if (*p == 'Z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            const int sign = *p == '-' ? -1 : 1;

            if (!digits(p + 1, 2, &oh))
                return -1;
            p += 3;
            if (*p == ':')
                p++;
            if (isdigit((unsigned char)*p)) {
                if (!digits(p, 2, &om))
                    return -1;
                p += 2;
            }
            if (oh > 14 || om > 59)
                return -1;
            off = sign * (double)(oh * 60 + om) / 1440.0;
        }
    }
    if (*p != '\0')
        return -1;
    *days = (double)days_from_civil(y, mo, d) +
            ((double)(h * 3600 + mi * 60 + sec) + frac) / 86400.0 - off;
    return 0;
}

/* ---- the calendar ----------------------------------------------------- */

#define MONDAY0 4   /* 1970-01-05, a Monday, is day 4 */

static long floor_div(long a, long b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static int is_holiday(const cs_tracker_map *m, long day)
{
    size_t lo = 0, hi = m->nholidays;

    while (lo < hi) {
        const size_t mid = (lo + hi) / 2;

        if (m->holidays[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->nholidays && m->holidays[lo] == day;
}

/* Holidays on working days before day. */
static long holidays_before(const cs_tracker_map *m, long day)
{
    long n = 0;

    for (size_t i = 0; i < m->nholidays && m->holidays[i] < day; i++) {
        const long d = m->holidays[i] - MONDAY0;

        n += d - 7 * floor_div(d, 7) < m->days_per_week;
    }
    return n;
}

static int is_working(const cs_tracker_map *m, long day)
{
    const long d = day - MONDAY0;

    return d - 7 * floor_div(d, 7) < m->days_per_week && !is_holiday(m, day);
}

/* Working days before the start of day. */
static double working_before(const cs_tracker_map *m, long day)
{
    const long d = day - MONDAY0, week = floor_div(d, 7), dow = d - 7 * week;

    return (double)(week * m->days_per_week +
                    (dow < m->days_per_week ? dow : m->days_per_week) -
                    holidays_before(m, day));
}

double cs_tracker_working(const cs_tracker_map *m, double days)
{
    const long day = (long)floor(days);
    const double w = working_before(m, day);

    return is_working(m, day) ? w + (days - (double)day) : w;
}

double cs_tracker_calendar(const cs_tracker_map *m, double w)
{
    long day = MONDAY0 + (long)floor(w * 7.0 / m->days_per_week);

    while (day > -100000 && working_before(m, day) > w)
        day--;
    while (day < 1000000 &&
           !(is_working(m, day) && working_before(m, day) + 1 > w))
        day++;
    return (double)day + (w - working_before(m, day));
}

void cs_tracker_name(const char *s, char *buf)
{
    size_t n = 0;
    int dash = 0;

    for (; *s != '\0' && n < 64; s++) {
        const unsigned char c = (unsigned char)tolower((unsigned char)*s);

        if (isalnum(c) || c == '_' || c == '-') {
            if (dash && n > 0 && n < 63)
                buf[n++] = '-';
            dash = 0;
            buf[n++] = (char)c;
        } else {
            dash = 1;
        }
    }
    if (n == 0)
        buf[n++] = 'x';
    buf[n] = '\0';
}

/* ---- the stage map ---------------------------------------------------- */

static const char *const state_names[] = {"queue", "work", "handoff", "done",
                                          NULL};

void cs_tracker_map_free(cs_tracker_map *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->nstages; i++) {
        free(m->stages[i].name);
        free(m->stages[i].team);
    }
    for (size_t i = 0; i < m->npeople; i++)
        free(m->people[i].team);
    free(m->stages);
    free(m->people);
    free(m->col_id);
    free(m->col_class);
    free(m->col_team);
    free(m->holidays);
    cs_doc_free(m->doc);
    free(m);
}

static int cmp_long(const void *a, const void *b)
{
    const long x = *(const long *)a, y = *(const long *)b;

    return (x > y) - (x < y);
}

static cs_status map_columns(cs_tracker_map *m, const cs_node *n,
                             cs_error *err)
{
    static const char *const keys[] = {"id", "class", "team", NULL};
    char **dst[] = {&m->col_id, &m->col_class, &m->col_team};
    cs_status st;

    if ((st = cs_reader_want_map(n, "columns", err)) != CS_OK ||
        (st = cs_reader_check_keys(n, keys, "columns", err)) != CS_OK)
        return st;
    for (int k = 0; k < 3; k++) {
        const cs_node *c = cs_node_get(n, keys[k]);

        if (c != NULL &&
            (st = cs_reader_text(c, keys[k], dst[k], err)) != CS_OK)
            return st;
    }
    return CS_OK;
}

static cs_status map_calendar(cs_tracker_map *m, const cs_node *n,
                              cs_error *err)
{
    static const char *const keys[] = {"days_per_week", "holidays", NULL};
    const cs_node *c;
    cs_status st;

    if ((st = cs_reader_want_map(n, "calendar", err)) != CS_OK ||
        (st = cs_reader_check_keys(n, keys, "calendar", err)) != CS_OK)
        return st;
    if ((c = cs_node_get(n, "days_per_week")) != NULL &&
        (st = cs_reader_int_field(c, "days_per_week", 1, 7,
                                  &m->days_per_week, err)) != CS_OK)
        return st;
    if ((c = cs_node_get(n, "holidays")) == NULL)
        return CS_OK;
    if ((st = cs_reader_want_list(c, "holidays", "date", err)) != CS_OK ||
        (st = cs_reader_check_length(c, CS_TRACKER_MAX_HOLIDAYS, "holidays",
                                     err)) != CS_OK)
        return st;
    if ((m->holidays = calloc(c->nchildren, sizeof *m->holidays)) == NULL)
        return cs_reader_nomem(err);
    for (size_t i = 0; i < c->nchildren; i++) {
        const cs_node *h = c->children[i];
        double day;
        int has_time;

        if ((st = cs_reader_want_scalar(h, "holiday", "a date", err)) != CS_OK)
            return st;
        if (cs_tracker_parse_date(h->text, &day, &has_time) != 0 || has_time)
            return cs_node_error(err, h, CS_EINPUT,
                                 "holiday '" CS_READER_QUOTE
                                 "' is not a date (YYYY-MM-DD)", h->text);
        m->holidays[m->nholidays++] = (long)day;
    }
    if (m->nholidays > 1)
        qsort(m->holidays, m->nholidays, sizeof *m->holidays, cmp_long);
    return CS_OK;
}

static cs_status map_people(cs_tracker_map *m, const cs_node *n,
                            cs_error *err)
{
    cs_status st;

    if ((st = cs_reader_want_map(n, "people", err)) != CS_OK)
        return st;
    if ((m->people = calloc(n->nchildren + 1, sizeof *m->people)) == NULL)
        return cs_reader_nomem(err);
    for (size_t i = 0; i < n->nchildren; i++) {
        cs_tracker_people *p = &m->people[m->npeople];

        if ((st = cs_reader_int(n->children[i], "people", 1, 100000,
                                &p->people, err)) != CS_OK)
            return st;
        if ((p->team = strdup(n->keys[i])) == NULL)
            return cs_reader_nomem(err);
        m->npeople++;
    }
    return CS_OK;
}

static cs_status map_stage(cs_tracker_map *m, const cs_node *n, cs_error *err)
{
    static const char *const keys[] = {"name", "team", "state", NULL};
    cs_tracker_stage *s = &m->stages[m->nstages];
    const cs_node *c;
    int state;
    cs_status st;

    if ((st = cs_reader_want_map(n, "each stage", err)) != CS_OK ||
        (st = cs_reader_check_keys(n, keys, "stage", err)) != CS_OK)
        return st;
    if ((c = cs_reader_need_key(n, "name", "stage", err)) == NULL)
        return CS_EINPUT;
    st = cs_reader_text(c, "name", &s->name, err);
    m->nstages++;
    if (st != CS_OK)
        return st;
    for (size_t i = 0; i + 1 < m->nstages; i++)
        if (strcmp(m->stages[i].name, s->name) == 0)
            return cs_node_error(err, c, CS_EINPUT,
                                 "duplicate stage name '" CS_READER_QUOTE "'",
                                 s->name);
    if ((c = cs_reader_need_key(n, "state", "stage", err)) == NULL)
        return CS_EINPUT;
    if ((st = cs_reader_enum(c, "state", state_names, &state, err)) != CS_OK)
        return st;
    s->state = (cs_tracker_state)state;
    if ((c = cs_node_get(n, "team")) != NULL) {
        if ((st = cs_reader_ident(c, "team", 0, err)) != CS_OK)
            return st;
        if ((s->team = strdup(c->text)) == NULL)
            return cs_reader_nomem(err);
    } else if (m->col_team == NULL &&
               (s->state == CS_TRACKER_WORK ||
                s->state == CS_TRACKER_HANDOFF)) {
        return cs_node_error(err, n, CS_EINPUT,
                             "a %s stage needs a team (or columns.team to "
                             "read it from)", state_names[s->state]);
    }
    return CS_OK;
}

static cs_status map_build(cs_tracker_map *m, cs_error *err)
{
    static const char *const keys[] = {"columns", "calendar", "people",
                                       "stages", NULL};
    const cs_node *root = m->doc->root, *n;
    cs_status st;

    m->days_per_week = 5;
    if (root == NULL)
        return cs_error_set(err, CS_EINPUT, m->doc->file, 1, 1,
                            "the stage map is empty");
    if ((st = cs_reader_want_map(root, "the stage map", err)) != CS_OK ||
        (st = cs_reader_check_keys(root, keys, "the stage map", err)) != CS_OK)
        return st;
    if ((n = cs_node_get(root, "columns")) != NULL &&
        (st = map_columns(m, n, err)) != CS_OK)
        return st;
    if ((n = cs_node_get(root, "calendar")) != NULL &&
        (st = map_calendar(m, n, err)) != CS_OK)
        return st;
    if ((n = cs_node_get(root, "people")) != NULL &&
        (st = map_people(m, n, err)) != CS_OK)
        return st;
    if ((n = cs_reader_need_key(root, "stages", "the stage map", err)) == NULL)
        return CS_EINPUT;
    if ((st = cs_reader_want_list(n, "stages", "stage", err)) != CS_OK ||
        (st = cs_reader_check_length(n, CS_TRACKER_MAX_STAGES, "stages",
                                     err)) != CS_OK)
        return st;
    if ((m->stages = calloc(n->nchildren, sizeof *m->stages)) == NULL)
        return cs_reader_nomem(err);
    for (size_t i = 0; i < n->nchildren; i++)
        if ((st = map_stage(m, n->children[i], err)) != CS_OK)
            return st;
    return CS_OK;
}

static cs_status map_finish(cs_doc *doc, cs_status st, cs_tracker_map **out,
                            cs_error *err)
{
    cs_tracker_map *m;

    *out = NULL;
    if (st != CS_OK)
        return st;
    if ((m = calloc(1, sizeof *m)) == NULL) {
        cs_doc_free(doc);
        return cs_reader_nomem(err);
    }
    m->doc = doc;
    if ((st = map_build(m, err)) != CS_OK) {
        cs_tracker_map_free(m);
        return st;
    }
    *out = m;
    return CS_OK;
}

cs_status cs_tracker_map_load(const char *path, cs_tracker_map **out,
                              cs_error *err)
{
    cs_doc *doc = NULL;
    const cs_status st = cs_doc_load_file(path, &doc, err);

    return map_finish(doc, st, out, err);
}

cs_status cs_tracker_map_load_string(const char *name, const char *text,
                                     size_t len, cs_tracker_map **out,
                                     cs_error *err)
{
    cs_doc *doc = NULL;
    const cs_status st = cs_doc_load_string(name, text, len, &doc, err);

    return map_finish(doc, st, out, err);
}

/* ---- names: a small string table with a hash index -------------------- */

typedef struct table {
    char ***names;           /* where the names live (data->classes...) */
    size_t *n;
    size_t cap;
    long *slot;              /* hash slots: index + 1, 0 empty */
    size_t nslot;
} table;

static unsigned long hash(const char *s)
{
    unsigned long h = 1469598103934665603ul;

    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ul;
    return h;
}

static int table_grow_index(table *t)
{
    const size_t nslot = t->nslot ? 2 * t->nslot : 64;
    long *slot = calloc(nslot, sizeof *slot);

    if (slot == NULL)
        return -1;
    for (size_t i = 0; i < *t->n; i++) {
        size_t h = hash((*t->names)[i]) & (nslot - 1);

        while (slot[h] != 0)
            h = (h + 1) & (nslot - 1);
        slot[h] = (long)i + 1;
    }
    free(t->slot);
    t->slot = slot;
    t->nslot = nslot;
    return 0;
}

/* The index of s, -1 when absent; *h gets its free slot. */
static long table_find(const table *t, const char *s, size_t *h)
{
    if (t->nslot == 0)
        return -1;
    *h = hash(s) & (t->nslot - 1);
    while (t->slot[*h] != 0) {
        const long i = t->slot[*h] - 1;

        if (strcmp((*t->names)[i], s) == 0)
            return i;
        *h = (*h + 1) & (t->nslot - 1);
    }
    return -1;
}

/* The index of s, added when new (*added = 1); -1 when out of memory. */
static long table_add(table *t, const char *s, int *added)
{
    size_t h = 0;
    long i = table_find(t, s, &h);

    *added = 0;
    if (i >= 0)
        return i;
    if (2 * (*t->n + 1) > t->nslot) {
        if (table_grow_index(t) != 0)
            return -1;
        (void)table_find(t, s, &h);
    }
    if (*t->n == t->cap) {
        const size_t cap = t->cap ? 2 * t->cap : 16;
        char **v = realloc(*t->names, cap * sizeof *v);

        if (v == NULL)
            return -1;
        *t->names = v;
        t->cap = cap;
    }
    if (((*t->names)[*t->n] = strdup(s)) == NULL)
        return -1;
    t->slot[h] = (long)*t->n + 1;
    *added = 1;
    return (long)(*t->n)++;
}

/* ---- the CSV ---------------------------------------------------------- */

typedef struct field {
    char *text;
    int line, column;
} field;

/* A raw entry before sorting: its item and its row. */
typedef struct raw {
    size_t item;
    long row;
    cs_tracker_entry e;
} raw;

typedef struct reader {
    const char *file;
    const cs_tracker_map *map;
    cs_tracker_data *d;
    cs_error *err;
    cs_status st;
    field fields[CS_TRACKER_MAX_FIELDS];
    size_t nfields;
    int line, column;        /* of the byte being fed */
    int in_field, fline, fcol;
    long row;                /* rows read, header included */
    /* the header */
    int header_done;
    int col_id, col_class, col_team, col_stage, col_time;
    int stage_of[CS_TRACKER_MAX_FIELDS];   /* stage-date: column -> stage */
    int first_line_of_item_unused;
    table classes, teams, ids;
    char **ids_v;
    size_t nids;
    int *item_line;
    raw *raws;
    size_t nraws, capraws;
    size_t capitems;
    char *stage_names_buf;
} reader;

static void fail(reader *r, int line, int col, cs_status st,
                 const char *fmt, const char *a, const char *b)
{
    if (r->st != CS_OK)
        return;
    r->st = st;
    if (st == CS_ENOMEM) {
        cs_error_set(r->err, CS_ENOMEM, NULL, 0, 0, "out of memory");
        return;
    }
    {
        char msg[CS_ERROR_MSG_MAX];

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif
        snprintf(msg, sizeof msg, fmt, a, b);
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
        cs_error_set(r->err, st, r->file, line, col, "%s", msg);
    }
}

static void nomem(reader *r)
{
    fail(r, 0, 0, CS_ENOMEM, "%s%s", "", "");
}

static void on_field(void *s, size_t len, void *ctx)
{
    reader *r = ctx;
    field *f;

    if (r->st != CS_OK)
        return;
    if (r->nfields >= CS_TRACKER_MAX_FIELDS) {
        fail(r, r->fline, r->fcol, CS_EINPUT,
             "too many fields in a row: at most %s%s", "256", "");
        return;
    }
    if (len > CS_TRACKER_MAX_FIELD) {
        fail(r, r->fline, r->fcol, CS_EINPUT,
             "field too long: at most %s bytes%s", "4096", "");
        return;
    }
    f = &r->fields[r->nfields];
    if ((f->text = malloc(len + 1)) == NULL) {
        nomem(r);
        return;
    }
    memcpy(f->text, s != NULL ? s : "", len);
    f->text[len] = '\0';
    f->line = r->fline;
    f->column = r->fcol;
    r->nfields++;
    r->in_field = 0;
}

/* The header's name for a column, trimmed, lower case, in buf. */
static void lower(const char *s, char *buf, size_t size)
{
    size_t n = 0;

    if ((unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
        (unsigned char)s[2] == 0xBF)
        s += 3;
    for (; *s != '\0' && n + 1 < size; s++)
        buf[n++] = (char)tolower((unsigned char)*s);
    buf[n] = '\0';
}

/* 1 when s is one of the NULL-terminated names (none: names NULL). */
static int is_one_of(const char *s, const char *const *names)
{
    for (; names != NULL && *names != NULL; names++)
        if (strcmp(s, *names) == 0)
            return 1;
    return 0;
}

static int same_name(const char *header, const char *want)
{
    char a[CS_TRACKER_MAX_FIELD + 1], b[CS_TRACKER_MAX_FIELD + 1];

    lower(header, a, sizeof a);
    lower(want, b, sizeof b);
    return strcmp(a, b) == 0;
}

static int find_stage(const cs_tracker_map *m, const char *name)
{
    for (size_t i = 0; i < m->nstages; i++)
        if (strcmp(m->stages[i].name, name) == 0)
            return (int)i;
    return -1;
}

static void unknown_stage(reader *r, const field *f)
{
    const char *names[CS_TRACKER_MAX_STAGES + 1], *hint;
    char buf[400];

    for (size_t i = 0; i < r->map->nstages; i++)
        names[i] = r->map->stages[i].name;
    names[r->map->nstages] = NULL;
    hint = cs_error_suggest(f->text, names);
    snprintf(buf, sizeof buf, "stage '%.80s' is not in the stage map%s%s%s",
             f->text, hint ? " (did you mean '" : "", hint ? hint : "",
             hint ? "'?)" : "");
    fail(r, f->line, f->column, CS_EINPUT, "%s%s", buf, "");
}

/* A column named want (map's name, else one of defaults), or -1. */
static int find_column(const reader *r, const char *want,
                       const char *const *defaults)
{
    char buf[CS_TRACKER_MAX_FIELD + 1];

    for (size_t i = 0; i < r->nfields; i++) {
        if (want != NULL) {
            if (same_name(r->fields[i].text, want))
                return (int)i;
            continue;
        }
        lower(r->fields[i].text, buf, sizeof buf);
        if (is_one_of(buf, defaults))
            return (int)i;
    }
    return -1;
}

static void header(reader *r)
{
    static const char *const id_names[] = {"id", "issue key", "key", "item",
                                           NULL};
    static const char *const class_names[] = {"type", "issue type", "class",
                                              "work item type", NULL};
    static const char *const ignored[] = {"name", "title", "summary", NULL};
    static const char *const item_names[] = {"item", NULL};
    static const char *const stage_names[] = {"stage", NULL};
    static const char *const time_names[] = {"time", NULL};
    const cs_tracker_map *m = r->map;
    char buf[CS_TRACKER_MAX_FIELD + 1];

    r->header_done = 1;
    r->col_stage = find_column(r, NULL, stage_names);
    r->col_time = find_column(r, NULL, time_names);
    r->col_team = -1;
    if (m->col_team != NULL &&
        (r->col_team = find_column(r, m->col_team, NULL)) < 0) {
        fail(r, 1, 1, CS_EINPUT,
             "no column '%.80s' (columns.team of the stage map)%s",
             m->col_team, "");
        return;
    }
    if (r->col_stage >= 0 && r->col_time >= 0 &&
        find_stage(m, "stage") < 0 && find_stage(m, "time") < 0) {
        r->d->format = CS_TRACKER_EVENTS;
        r->col_id = find_column(r, m->col_id, m->col_id ? NULL : item_names);
    } else {
        r->d->format = CS_TRACKER_STAGES;
        r->col_id = find_column(r, m->col_id, m->col_id ? NULL : id_names);
    }
    if (r->col_id < 0) {
        fail(r, 1, 1, CS_EINPUT, "no %s column in the header%s",
             m->col_id ? m->col_id
             : r->d->format == CS_TRACKER_EVENTS ? "'item'"
                                                 : "ID (or 'Issue key')", "");
        return;
    }
    r->col_class = find_column(r, m->col_class,
                               m->col_class ? NULL : class_names);
    if (m->col_class != NULL && r->col_class < 0) {
        fail(r, 1, 1, CS_EINPUT,
             "no column '%.80s' (columns.class of the stage map)%s",
             m->col_class, "");
        return;
    }
    if (r->d->format == CS_TRACKER_EVENTS)
        return;
    for (size_t i = 0; i < r->nfields && r->st == CS_OK; i++) {
        r->stage_of[i] = -1;
        if ((int)i == r->col_id || (int)i == r->col_class ||
            (int)i == r->col_team)
            continue;
        lower(r->fields[i].text, buf, sizeof buf);
        if (is_one_of(buf, ignored))
            continue;
        if ((r->stage_of[i] = find_stage(m, r->fields[i].text)) < 0)
            unknown_stage(r, &r->fields[i]);
        for (size_t j = 0; j < i && r->st == CS_OK; j++)
            if (r->stage_of[j] == r->stage_of[i] && r->stage_of[i] >= 0)
                fail(r, r->fields[i].line, r->fields[i].column, CS_EINPUT,
                     "stage '%.80s' has two columns%s", r->fields[i].text, "");
    }
}

/* The field of column c in this row, or NULL when the row is short. */
static const field *col(const reader *r, int c)
{
    return c >= 0 && (size_t)c < r->nfields ? &r->fields[c] : NULL;
}

static long class_of(reader *r, const field *f)
{
    char name[65];
    int added;
    long k;

    cs_tracker_name(f != NULL && f->text[0] != '\0' ? f->text : "work", name);
    if ((k = table_add(&r->classes, name, &added)) < 0)
        nomem(r);
    return k;
}

/* The team of an entry into stage s of the item with team field tf. */
static long team_of(reader *r, int s, const field *tf, const field *at)
{
    const cs_tracker_stage *st = &r->map->stages[s];
    char name[65];
    int added;
    long k;

    if (st->team != NULL)
        cs_tracker_name(st->team, name);
    else if (st->state == CS_TRACKER_DONE)
        return -1;
    else if (r->col_team < 0)
        return -1;   /* a queue stage: the backlog */
    else if (tf == NULL || tf->text[0] == '\0') {
        fail(r, tf ? tf->line : at->line, tf ? tf->column : at->column,
             CS_EINPUT, "no team for stage '%.80s'%s", st->name,
             " (the team column is empty)");
        return -2;
    } else
        cs_tracker_name(tf->text, name);
    if ((k = table_add(&r->teams, name, &added)) < 0) {
        nomem(r);
        return -2;
    }
    return k;
}

static int add_raw(reader *r, size_t item, int stage, long team, double t)
{
    raw *x;

    if (r->nraws == r->capraws) {
        const size_t cap = r->capraws ? 2 * r->capraws : 256;
        raw *v = realloc(r->raws, cap * sizeof *v);

        if (v == NULL) {
            nomem(r);
            return -1;
        }
        r->raws = v;
        r->capraws = cap;
    }
    x = &r->raws[r->nraws++];
    x->item = item;
    x->row = r->row;
    x->e.stage = stage;
    x->e.team = (int)team;
    x->e.state = r->map->stages[stage].state;
    x->e.t = t;
    return 0;
}

static int read_time(reader *r, const field *f, double *w)
{
    double days;
    int has_time;

    if (cs_tracker_parse_date(f->text, &days, &has_time) != 0) {
        fail(r, f->line, f->column, CS_EINPUT,
             "'%.80s' is not a date (YYYY-MM-DD, optionally "
             "THH:MM[:SS] and Z or +hh:mm)%s", f->text, "");
        return -1;
    }
    if (has_time)
        r->d->date_only = 0;
    if (days > r->d->end_calendar || r->d->nentries == 0) {
        r->d->end_calendar = days;
        r->d->nentries = 1;   /* "seen a date"; recounted at the end */
    }
    *w = cs_tracker_working(r->map, days);
    return 0;
}

/* The item called by field f: new (stage-date: a duplicate is an error). */
static long item_of(reader *r, const field *f, long cls, int unique)
{
    cs_tracker_data *d = r->d;
    int added;
    long k;

    if (f == NULL || f->text[0] == '\0') {
        const field *at = f != NULL ? f : &r->fields[0];

        fail(r, at->line, at->column, CS_EINPUT, "empty item ID%s%s", "", "");
        return -1;
    }
    if ((k = table_add(&r->ids, f->text, &added)) < 0) {
        nomem(r);
        return -1;
    }
    if (!added) {
        char first[32];

        if (unique) {
            snprintf(first, sizeof first, "%d", r->item_line[k]);
            fail(r, f->line, f->column, CS_EINPUT,
                 "duplicate ID '%.80s' (first at line %s)", f->text, first);
            return -1;
        }
        if (d->items[k].cls != (int)cls) {
            char msg[200];

            snprintf(msg, sizeof msg, "class '%.60s' here, '%.60s' at line %d",
                     d->classes[cls], d->classes[d->items[k].cls],
                     r->item_line[k]);
            fail(r, f->line, f->column, CS_EINPUT,
                 "item '%.60s' has %s", f->text, msg);
            return -1;
        }
        return k;
    }
    if (d->nitems == r->capitems) {
        const size_t cap = r->capitems ? 2 * r->capitems : 256;
        cs_tracker_item *v = realloc(d->items, cap * sizeof *v);
        int *l = realloc(r->item_line, cap * sizeof *l);

        if (v != NULL)
            d->items = v;
        if (l != NULL)
            r->item_line = l;
        if (v == NULL || l == NULL) {
            nomem(r);
            return -1;
        }
        r->capitems = cap;
    }
    memset(&d->items[k], 0, sizeof d->items[k]);
    d->items[k].cls = (int)cls;
    d->items[k].line = f->line;
    r->item_line[k] = f->line;
    d->nitems++;
    return k;
}

static void row_stages(reader *r)
{
    const field *tf = col(r, r->col_team);
    const long cls = class_of(r, col(r, r->col_class));
    long item;

    if (r->st != CS_OK ||
        (item = item_of(r, col(r, r->col_id), cls, 1)) < 0)
        return;
    for (size_t i = 0; i < r->nfields && r->st == CS_OK; i++) {
        const field *f = &r->fields[i];
        double w;
        long team;

        if (r->stage_of[i] < 0 || f->text[0] == '\0')
            continue;
        if (read_time(r, f, &w) != 0)
            return;
        if ((team = team_of(r, r->stage_of[i], tf, f)) < -1)
            return;
        add_raw(r, (size_t)item, r->stage_of[i], team, w);
    }
}

static void row_events(reader *r)
{
    const field *sf = col(r, r->col_stage), *tf = col(r, r->col_time);
    const long cls = class_of(r, col(r, r->col_class));
    long item, team;
    int stage;
    double w;

    if (r->st != CS_OK ||
        (item = item_of(r, col(r, r->col_id), cls, 0)) < 0)
        return;
    if (sf == NULL || tf == NULL) {
        fail(r, r->fields[r->nfields - 1].line,
             r->fields[r->nfields - 1].column, CS_EINPUT,
             "the row has no %s field%s", sf == NULL ? "stage" : "time", "");
        return;
    }
    if ((stage = find_stage(r->map, sf->text)) < 0) {
        unknown_stage(r, sf);
        return;
    }
    if (read_time(r, tf, &w) != 0 ||
        (team = team_of(r, stage, col(r, r->col_team), sf)) < -1)
        return;
    add_raw(r, (size_t)item, stage, team, w);
}

static void on_row(int c, void *ctx)
{
    reader *r = ctx;

    (void)c;
    if (r->st == CS_OK) {
        r->row++;
        if (r->row > CS_TRACKER_MAX_ROWS)
            fail(r, r->fline, 1, CS_EINPUT,
                 "too many rows: at most %s%s", "2000000", "");
        else if (!r->header_done)
            header(r);
        else if (r->nfields == 1 && r->fields[0].text[0] == '\0')
            ;   /* a blank line */
        else if (r->d->format == CS_TRACKER_STAGES)
            row_stages(r);
        else
            row_events(r);
    }
    for (size_t i = 0; i < r->nfields; i++)
        free(r->fields[i].text);
    r->nfields = 0;
    r->in_field = 0;
}

static int cmp_raw(const void *a, const void *b)
{
    const raw *x = a, *y = b;

    if (x->item != y->item)
        return x->item < y->item ? -1 : 1;
    if (x->e.t != y->e.t)
        return x->e.t < y->e.t ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

/* Sorts the entries into items and counts the warnings. */
static void finish(reader *r)
{
    cs_tracker_data *d = r->d;
    size_t k = 0;

    /* out of order: a stage-date row's entries are in column order here */
    if (d->format == CS_TRACKER_STAGES) {
        size_t flagged = (size_t)-1;

        for (size_t i = 1; i < r->nraws; i++)
            if (r->raws[i].item == r->raws[i - 1].item &&
                r->raws[i].e.t < r->raws[i - 1].e.t &&
                r->raws[i].item != flagged) {
                flagged = r->raws[i].item;
                d->warn.out_of_order++;
            }
    }
    if (r->nraws > 1)
        qsort(r->raws, r->nraws, sizeof *r->raws, cmp_raw);
    if ((d->entries = malloc((r->nraws + 1) * sizeof *d->entries)) == NULL) {
        nomem(r);
        return;
    }
    d->nentries = r->nraws;
    d->end = -HUGE_VAL;
    for (size_t i = 0; i < d->nitems; i++) {
        cs_tracker_item *it = &d->items[i];
        int done = 0, reopened = 0;

        it->first = k;
        it->id = r->ids_v[i];
        r->ids_v[i] = NULL;
        while (k < r->nraws && r->raws[k].item == i) {
            d->entries[k] = r->raws[k].e;
            if (d->entries[k].t > d->end)
                d->end = d->entries[k].t;
            if (d->entries[k].state == CS_TRACKER_DONE)
                done = 1;
            else if (done)
                reopened = 1;
            k++;
        }
        it->n = k - it->first;
        d->warn.reopened += reopened;
        d->warn.no_dates += it->n == 0;
    }
}

void cs_tracker_free(cs_tracker_data *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->nclasses; i++)
        free(d->classes[i]);
    for (size_t i = 0; i < d->nteams; i++)
        free(d->teams[i]);
    for (size_t i = 0; i < d->nitems; i++)
        free(d->items[i].id);
    free(d->classes);
    free(d->teams);
    free(d->items);
    free(d->entries);
    free(d);
}

cs_status cs_tracker_load_string(const char *name, const char *text,
                                 size_t len, const cs_tracker_map *m,
                                 cs_tracker_data **out, cs_error *err)
{
    struct csv_parser p;
    reader *r;
    cs_tracker_data *d;
    cs_status st;

    *out = NULL;
    if (len > CS_TRACKER_MAX_BYTES)
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0,
                            "'%s' is too large: at most %u MiB", name,
                            CS_TRACKER_MAX_BYTES >> 20);
    if ((r = calloc(1, sizeof *r)) == NULL ||
        (d = calloc(1, sizeof *d)) == NULL) {
        free(r);
        return cs_reader_nomem(err);
    }
    r->file = name;
    r->map = m;
    r->d = d;
    r->err = err;
    r->line = 1;
    r->column = 1;
    d->date_only = 1;
    r->classes.names = &d->classes;
    r->classes.n = &d->nclasses;
    r->teams.names = &d->teams;
    r->teams.n = &d->nteams;
    r->ids.names = &r->ids_v;
    r->ids.n = &r->nids;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        free(r);
        free(d);
        return cs_reader_nomem(err);
    }
    for (size_t i = 0; i < len && r->st == CS_OK; i++) {
        const char c = text[i];

        if (!r->in_field && c != '\n' && c != '\r') {
            r->in_field = 1;
            r->fline = r->line;
            r->fcol = r->column;
        }
        if (c == '\0') {
            fail(r, r->line, r->column, CS_EINPUT,
                 "a NUL byte in the file%s%s", "", "");
            break;
        }
        if (csv_parse(&p, &text[i], 1, on_field, on_row, r) != 1 &&
            r->st == CS_OK) {
            fail(r, r->line, r->column, CS_EINPUT, "malformed CSV: %s%s",
                 csv_error(&p) == CSV_EPARSE ? "a stray quote" : "out of memory",
                 "");
            break;
        }
        if (c == '\n') {
            r->line++;
            r->column = 1;
        } else {
            r->column++;
        }
    }
    if (r->st == CS_OK && csv_fini(&p, on_field, on_row, r) != 0 &&
        r->st == CS_OK)
        fail(r, r->fline, r->fcol, CS_EINPUT,
             "malformed CSV: a quoted field is not closed%s%s", "", "");
    csv_free(&p);
    for (size_t i = 0; i < r->nfields; i++)
        free(r->fields[i].text);
    if (r->st == CS_OK && !r->header_done)
        fail(r, 1, 1, CS_EINPUT, "empty file: no header%s%s", "", "");
    else if (r->st == CS_OK && d->nitems == 0)
        fail(r, 1, 1, CS_EINPUT, "no items after the header%s%s", "", "");
    if (r->st == CS_OK)
        finish(r);
    if (r->st == CS_OK && d->nitems == (size_t)d->warn.no_dates)
        fail(r, 1, 1, CS_EINPUT, "no item has any date%s%s", "", "");
    st = r->st;
    d->rows = r->row > 0 ? r->row - 1 : 0;
    for (size_t i = 0; i < r->nids; i++)
        free(r->ids_v[i]);
    free(r->ids_v);
    free(r->ids.slot);
    free(r->classes.slot);
    free(r->teams.slot);
    free(r->item_line);
    free(r->raws);
    free(r);
    if (st != CS_OK) {
        cs_tracker_free(d);
        return st;
    }
    *out = d;
    return CS_OK;
}

cs_status cs_tracker_load(const char *path, const cs_tracker_map *m,
                          cs_tracker_data **out, cs_error *err)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    cs_status st;

    *out = NULL;
    if (f == NULL)
        return cs_error_set(err, CS_EIO, NULL, 0, 0, "cannot read '%s'", path);
    for (;;) {
        size_t got;

        if (n == cap) {
            char *v;

            if (cap > CS_TRACKER_MAX_BYTES) {
                free(buf);
                fclose(f);
                return cs_error_set(err, CS_EINPUT, NULL, 0, 0,
                                    "'%s' is too large: at most %u MiB", path,
                                    CS_TRACKER_MAX_BYTES >> 20);
            }
            cap = cap ? 2 * cap : 65536;
            if ((v = realloc(buf, cap)) == NULL) {
                free(buf);
                fclose(f);
                return cs_reader_nomem(err);
            }
            buf = v;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        fclose(f);
        return cs_error_set(err, CS_EIO, NULL, 0, 0, "cannot read '%s'", path);
    }
    fclose(f);
    st = cs_tracker_load_string(path, buf, n, m, out, err);
    free(buf);
    return st;
}
