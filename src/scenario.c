/*
** scenario.c - builds and validates a cs_model from a scenario document
** (SPEC 1), and holds the scenario: the loaded document, its variants and
** the --set overrides (variant.c derives the other models from them).
**
** Reading order: the time units first (every duration depends on them),
** then the top-level settings, the teams, the classes of work (their steps
** reference teams, their start entries reference their steps) and the
** promises (which reference classes; a done_by promise needs the initial
** items of its class).  A period (schedule_every, profile_every) is read
** before its list, whose times it bounds.  Every
** problem is a CS_EINPUT error located at the offending node; the first
** one found wins.  Values are read with reader.h.  The model under
** construction is always consistent enough for cs_model_free: arrays are
** zeroed and their counts set before they are filled.  The `variants`
** key is read by variant.c, never by the model builder.
*/
#include "chainsim/scenario.h"

#include <assert.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/dist.h"
#include "chainsim/distparse.h"
#include "chainsim/doc.h"
#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/node.h"
#include "chainsim/reader.h"
#include "chainsim/str.h"
#include "chainsim/units.h"
#include "node_int.h"
#include "scenario_int.h"

/* Bounds on counts, so no scenario can make the engine allocate without
** limit (SPEC 1.5).  Documented in docs/scenario-format.md. */
#define MAX_CAPACITY 10000L
#define MAX_WIP_LIMIT 1000000L
#define MAX_ITEMS_PER_PERSON 1000L
#define MAX_BATCH 10000L
#define MAX_BACKLOG 1000000L
#define MAX_PRIORITY 1000000L
/* Cost per day of one capacity unit: with at most MAX_TEAMS teams of
** MAX_CAPACITY each, a variant costs at most 5e15 a day and a difference
** of two variants stays finite, so no table shows inf or nan. */
#define MAX_COST_PER_DAY 1e9
/* Bounds on list lengths: every check of a name against the others and
** every variant build (a copy of the whole document) stays fast. */
#define MAX_TEAMS 500
#define MAX_CLASSES 500
#define MAX_STEPS 200           /* per class, parallel branches included */
#define MAX_OPTIONS 100         /* options of a choice step */
#define MAX_CONTEXTS 100        /* bounded contexts of a class */
#define MAX_ESCAPES 64          /* steps with escapes in a class */
#define MAX_PROMISES 500
/* Entries of a schedule, a productivity curve or a demand profile, and
** start entries of a class. */
#define MAX_TIMED 1000
#define MAX_START 10000
/* The age of a start item, in days: lead times stay far from overflow. */
#define MAX_AGE 1e6
/* Periods of the timeline (horizon / timeline, rounded up). */
#define MAX_PERIODS 10000
/* The sum of every class's initial items (backlog and start items):
** items that exist at time 0. */
#define MAX_BACKLOG_TOTAL 1000000L
/* Expected step visits (work starts) in one replication: about a minute
** of simulation per 10^8 on one core, so 10^9 is far beyond any sensible
** chain and catches a wrong unit ("3/h" for "3/w") or horizon before a
** run that would not end. */
#define MAX_VISITS 1e9

/* Longest piece of user text quoted in a message. */
#define QUOTE CS_READER_QUOTE

/* A name and where it is, for lookups in a list sorted by name. */
typedef struct name_key {
    const char *name;
    int index;
} name_key;

/* By name, then by index (so equal names keep their file order). */
static int cmp_name_key(const void *a, const void *b)
{
    const name_key *x = a, *y = b;
    const int c = strcmp(x->name, y->name);

    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

/* x for a message: finite, so "inf" never shows. */
static double shown(double x)
{
    return isfinite(x) ? x : DBL_MAX;
}

/* Everything the model's readers need: the value readers' context (where
** errors go, the directory, the units), the model under construction. */
typedef struct builder {
    cs_reader rd;
    cs_error *err;             /* rd.err */
    cs_model *m;
    name_key *teams_by_name;   /* [m->nteams], once the teams are read */
    const cs_node *work;       /* the classes' list, once it is checked */
} builder;

static const char *const top_keys[] = {
    "chainsim", "name", "description", "time", "horizon", "warmup",
    "replications", "seed", "deadlock", "timeline", "wip_limit", "teams",
    "work", "promise", "variants", NULL
};
static const char *const time_keys[] = {
    "hours_per_day", "days_per_week", NULL
};
static const char *const team_keys[] = {
    "name", "type", "capacity", "wip_limit", "discipline", "handoff",
    "focus", "cost_per_day", "schedule", "schedule_every", "productivity",
    "intake", "resume_cost", "multitasking", NULL
};
static const char *const intake_keys[] = {
    "every", "offset", NULL
};
static const char *const multitasking_keys[] = {
    "items_per_person", "switch_loss", NULL
};
/* The time key of each timed list comes first. */
static const char *const schedule_keys[] = {
    "from", "capacity", NULL
};
static const char *const productivity_keys[] = {
    "at", "factor", NULL
};
static const char *const profile_keys[] = {
    "from", "factor", NULL
};
static const char *const start_keys[] = {
    "step", "count", "age", NULL
};
static const char *const class_keys[] = {
    "name", "priority", "due", "arrivals", "backlog", "start", "steps",
    "cost_of_delay", "wip_limit", "patience", "contexts", NULL
};
static const char *const arrival_keys[] = {
    "rate", "interval", "batch", "profile", "profile_every", NULL
};
static const char *const step_keys[] = {
    "team", "effort", "p", "id", "rework", "parallel", "handoff", "choice",
    "escapes", "teams", NULL
};
static const char *const option_keys[] = {
    "p", "team", "effort", "handoff", NULL
};
static const char *const escape_keys[] = {
    "p", "after", "work", NULL
};
static const char *const rework_keys[] = {
    "p", "to", "effort", NULL
};
static const char *const promise_keys[] = {
    "name", "work", "team", "within", "percentile", "throughput", "done_by",
    NULL
};
static const char *const type_names[] = {
    "stream-aligned", "platform", "enabling", "complicated-subsystem", NULL
};
static const char *const discipline_names[] = {
    "fifo", "priority", "edd", "preemptive", NULL
};
static const char *const deadlock_names[] = {   /* cs_deadlock order */
    "break", "stop", NULL
};

/* Ranges of numbers. */
static const cs_range R_PROB = { 0, 1, 1, 0 };          /* (0, 1] */
static const cs_range R_REWORK = { 0, 1, 0, 1 };        /* [0, 1) */
static const cs_range R_POSITIVE = { 0, HUGE_VAL, 1, 1 };
static const cs_range R_PERCENT = { 1, 100, 0, 0 };     /* [1, 100] */
static const cs_range R_ANY = { -HUGE_VAL, HUGE_VAL, 0, 0 };   /* finite */
static const cs_range R_HOURS = { 0, 24, 1, 0 };
static const cs_range R_DAYS = { 0, 7, 1, 0 };
static const cs_range R_COST = { 0, MAX_COST_PER_DAY, 0, 0 };
static const cs_range R_SPEED = { 0, 10, 1, 0 };        /* (0, 10] */
static const cs_range R_DEMAND = { 0, HUGE_VAL, 0, 0 }; /* >= 0, finite */

/* ---------------------------------------------------------------------
** Top-level settings.
*/

static cs_status read_units(builder *r, const cs_node *root)
{
    const cs_node *t = cs_node_get(root, "time");
    const cs_node *c;

    if (t == NULL)
        return CS_OK;
    if (cs_reader_want_map(t, "time", r->err) != CS_OK ||
        cs_reader_check_keys(t, time_keys, "time", r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(t, "hours_per_day")) != NULL &&
        cs_reader_number(c, "hours_per_day", &R_HOURS,
                         &r->rd.units.hours_per_day, r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(t, "days_per_week")) != NULL &&
        cs_reader_number(c, "days_per_week", &R_DAYS,
                         &r->rd.units.days_per_week, r->err) != CS_OK)
        return CS_EINPUT;
    return CS_OK;
}

static cs_status read_version(const builder *r, const cs_node *root)
{
    const cs_node *v = cs_reader_need_key(root, "chainsim", "the scenario",
                                          r->err);

    if (v == NULL)
        return CS_EINPUT;
    if (cs_reader_want_scalar(v, "chainsim", "the format version 1", r->err)
        != CS_OK)
        return CS_EINPUT;
    if (strcmp(v->text, "1") != 0)
        return cs_node_error(r->err, v, CS_EINPUT, "unsupported format "
                             "version '" QUOTE "' (this chainsim reads "
                             "'chainsim: 1')",
                             v->text);
    return CS_OK;
}

/*
** The timeline's period (SPEC 4.5): positive; one longer than the horizon
** makes one period.  The periods are bounded, since every replication
** keeps figures for each of them.  The count is the engine's: the
** horizon / period, rounded up.
*/
static cs_status read_timeline(builder *r, const cs_node *root)
{
    const cs_node *c = cs_node_get(root, "timeline");
    double periods;

    if (c == NULL)
        return CS_OK;
    if (cs_reader_duration(&r->rd, c, "timeline", 1, &r->m->timeline)
        != CS_OK)
        return CS_EINPUT;
    periods = ceil(r->m->horizon / r->m->timeline);
    if (periods > MAX_PERIODS)
        return cs_node_error(r->err, c, CS_EINPUT, "a timeline of %gd makes "
                             "%.6g periods over the %gd horizon; at most %d: "
                             "choose a longer period", r->m->timeline,
                             shown(periods), r->m->horizon, MAX_PERIODS);
    return CS_OK;
}

static cs_status read_settings(builder *r, const cs_node *root)
{
    cs_model *m = r->m;
    const cs_node *c;
    long v;

    if ((c = cs_reader_need_key(root, "name", "the scenario", r->err))
        == NULL ||
        cs_reader_text(c, "name", &m->name, r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(root, "description")) != NULL &&
        !cs_node_is_null(c) &&
        cs_reader_text(c, "description", &m->description, r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(root, "horizon")) != NULL &&
        cs_reader_duration(&r->rd, c, "horizon", 1, &m->horizon) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(root, "warmup")) != NULL) {
        if (c->kind == CS_NODE_SCALAR && strcmp(c->text, "auto") == 0) {
            m->warmup_auto = 1;
        } else {
            if (cs_reader_duration(&r->rd, c, "warmup", 0, &m->warmup)
                != CS_OK)
                return CS_EINPUT;
            if (m->warmup >= m->horizon)
                return cs_node_error(r->err, c, CS_EINPUT, "warmup (%gd) must "
                                     "be shorter than the horizon (%gd)",
                                     m->warmup, m->horizon);
        }
    }
    if ((c = cs_node_get(root, "replications")) != NULL) {
        if (cs_reader_int(c, "replications", 1, CS_SCENARIO_MAX_REPLICATIONS,
                          &v, r->err)
            != CS_OK)
            return CS_EINPUT;
        m->replications = (unsigned)v;
    }
    if ((c = cs_node_get(root, "seed")) != NULL &&
        cs_reader_uint64(c, "seed", &m->seed, r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(root, "deadlock")) != NULL) {
        int d;
        if (cs_reader_enum(c, "deadlock", deadlock_names, &d, r->err) != CS_OK)
            return CS_EINPUT;
        m->deadlock = (cs_deadlock)d;
    }
    if ((c = cs_node_get(root, "wip_limit")) != NULL &&
        cs_reader_int_field(c, "wip_limit", 1, MAX_WIP_LIMIT, &m->wip_limit,
                            r->err) != CS_OK)
        return CS_EINPUT;
    return read_timeline(r, root);
}

/* ---------------------------------------------------------------------
** Teams.
*/

/*
** A top-level list of the scenario, checked (present, a non-empty list of
** at most max ITEMs; plural names them in "too many ..."), and in *array
** a zeroed array for its elements.  NULL with the error set otherwise.
*/
static const cs_node *model_list(const builder *r, const cs_node *root,
                                 const char *key, const char *item,
                                 const char *plural, size_t max,
                                 size_t elem_size, void **array)
{
    const cs_node *list = cs_reader_need_key(root, key, "the scenario",
                                             r->err);

    if (list == NULL ||
        cs_reader_want_list(list, key, item, r->err) != CS_OK ||
        cs_reader_check_length(list, max, plural, r->err) != CS_OK)
        return NULL;
    *array = calloc(list->nchildren, elem_size);
    if (*array == NULL) {
        cs_reader_nomem(r->err);
        return NULL;
    }
    return list;
}

/*
** Functions of time (SPEC 4.1-4.3): a schedule, a productivity curve, a
** demand profile.  Each is a list of mappings, each with a time (a
** duration >= 0, strictly increasing from entry to entry, below the
** period when there is one) and a value read by the list's own reader.
*/
typedef struct timed_list {
    const char *key;            /* "schedule": the list's key */
    const char *item;           /* "{from, capacity} mapping" */
    const char *entry;          /* "schedule entry" */
    const char *entries;        /* "schedule entries" */
    const char *every;          /* "schedule_every", or NULL */
    const char *const *keys;    /* an entry's keys, its time key first */
    size_t size;                /* of one element */
    /* Reads the value of entry e into element i of elems, at time t. */
    cs_status (*value)(const builder *r, const cs_node *e, void *elems,
                       size_t i, double t);
} timed_list;

static cs_status schedule_value(const builder *r, const cs_node *e,
                                void *elems, size_t i, double t)
{
    cs_sched_step *s = (cs_sched_step *)elems + i;
    const cs_node *c = cs_reader_need_key(e, "capacity", "schedule entry",
                                          r->err);

    s->from = t;
    s->pos.line = e->line;
    s->pos.column = e->column;
    return c == NULL ? CS_EINPUT
                     : cs_reader_int_field(c, "schedule capacity", 0,
                                           MAX_CAPACITY, &s->capacity,
                                           r->err);
}

static cs_status productivity_value(const builder *r, const cs_node *e,
                                    void *elems, size_t i, double t)
{
    cs_prod_point *p = (cs_prod_point *)elems + i;
    const cs_node *c = cs_reader_need_key(e, "factor", "productivity point",
                                          r->err);

    p->at = t;
    p->pos.line = e->line;
    p->pos.column = e->column;
    return c == NULL ? CS_EINPUT
                     : cs_reader_number(c, "productivity factor", &R_SPEED,
                                        &p->factor, r->err);
}

static cs_status profile_value(const builder *r, const cs_node *e,
                               void *elems, size_t i, double t)
{
    cs_profile_step *p = (cs_profile_step *)elems + i;
    const cs_node *c = cs_reader_need_key(e, "factor", "profile entry",
                                          r->err);

    p->from = t;
    p->pos.line = e->line;
    p->pos.column = e->column;
    return c == NULL ? CS_EINPUT
                     : cs_reader_number(c, "profile factor", &R_DEMAND,
                                        &p->factor, r->err);
}

static const timed_list schedule_list = {
    "schedule", "{from, capacity} mapping", "schedule entry",
    "schedule entries", "schedule_every", schedule_keys,
    sizeof(cs_sched_step), schedule_value
};
static const timed_list productivity_list = {
    "productivity", "{at, factor} mapping", "productivity point",
    "productivity points", NULL, productivity_keys, sizeof(cs_prod_point),
    productivity_value
};
static const timed_list profile_list = {
    "profile", "{from, factor} mapping", "profile entry", "profile entries",
    "profile_every", profile_keys, sizeof(cs_profile_step), profile_value
};

/* One entry of a timed list: its time in *t, after prev (when i > 0) and
** below every (when > 0), and its value. */
static cs_status read_timed_entry(const builder *r, const timed_list *spec,
                                  const cs_node *e, size_t i, double prev,
                                  double every, void *elems, double *t)
{
    const char *const tk = spec->keys[0];
    char where[64], key[64];
    const cs_node *c;

    snprintf(where, sizeof where, "each %s", spec->entry);
    snprintf(key, sizeof key, "%s %s", spec->key, tk);
    if (cs_reader_want_map(e, where, r->err) != CS_OK ||
        cs_reader_check_keys(e, spec->keys, spec->entry, r->err) != CS_OK ||
        (c = cs_reader_need_key(e, tk, spec->entry, r->err)) == NULL ||
        cs_reader_duration(&r->rd, c, key, 0, t) != CS_OK)
        return CS_EINPUT;
    if (i > 0 && !(*t > prev))
        return cs_node_error(r->err, c, CS_EINPUT, "%s must be in "
                             "increasing '%s' order: %gd is not after %gd",
                             spec->entries, tk, *t, prev);
    if (every > 0 && !(*t < every))
        return cs_node_error(r->err, c, CS_EINPUT, "%s must be below %s "
                             "(%gd), got %gd: with a period, every '%s' lies "
                             "in [0, %gd)", key, spec->every, every, *t, tk,
                             every);
    return spec->value(r, e, elems, i, *t);
}

/*
** Reads the timed list n (the value of spec->key) into a new array in
** *elems (the caller frees it, also on error) and its length in *count,
** set before the elements are read.  every is the list's period in days,
** 0 for none.
*/
static cs_status read_timed(const builder *r, const cs_node *n,
                            const timed_list *spec, double every,
                            void **elems, int *count)
{
    double prev = 0.0, t = 0.0;

    if (cs_reader_want_list(n, spec->key, spec->item, r->err) != CS_OK ||
        cs_reader_check_length(n, MAX_TIMED, spec->entries, r->err)
        != CS_OK)
        return CS_EINPUT;
    if ((*elems = calloc(n->nchildren, spec->size)) == NULL)
        return cs_reader_nomem(r->err);
    *count = (int)n->nchildren;
    for (size_t i = 0; i < n->nchildren; i++) {
        if (read_timed_entry(r, spec, n->children[i], i, prev, every, *elems,
                             &t) != CS_OK)
            return CS_EINPUT;
        prev = t;
    }
    return CS_OK;
}

/*
** A timed list with its optional period (spec->every, a positive
** duration) in map: the period is read first, since every time is checked
** against it; a period without its list is an error.
*/
static cs_status read_timed_key(const builder *r, const cs_node *map,
                                const timed_list *spec, void **elems,
                                int *count, double *every)
{
    const cs_node *list = cs_node_get(map, spec->key);
    const cs_node *per = spec->every != NULL ? cs_node_get(map, spec->every)
                                             : NULL;

    if (per != NULL) {
        if (list == NULL)
            return cs_node_key_error(r->err, map,
                                     cs_reader_key_index(map, spec->every),
                                     CS_EINPUT, "%s needs a '%s' to "
                                     "repeat", spec->every, spec->key);
        if (cs_reader_duration(&r->rd, per, spec->every, 1, every) != CS_OK)
            return CS_EINPUT;
    }
    if (list == NULL)
        return CS_OK;
    return read_timed(r, list, spec, per != NULL ? *every : 0.0, elems,
                      count);
}

/* A team's intake cadence (SPEC 5.3): {every: DUR > 0, offset: DUR >= 0}. */
static cs_status read_intake(const builder *r, const cs_node *n, cs_team *t)
{
    const cs_node *c;

    if (cs_reader_want_map(n, "intake", r->err) != CS_OK ||
        cs_reader_check_keys(n, intake_keys, "intake", r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_reader_need_key(n, "every", "intake", r->err)) == NULL ||
        cs_reader_duration(&r->rd, c, "intake every", 1, &t->intake_every)
            != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "offset")) != NULL &&
        cs_reader_duration(&r->rd, c, "intake offset", 0, &t->intake_offset)
            != CS_OK)
        return CS_EINPUT;
    return CS_OK;
}

/* A team's multitasking (SPEC 5.2): {items_per_person: INT >= 1,
** switch_loss: [0, 1), default 0}. */
static cs_status read_multitasking(const builder *r, const cs_node *n,
                                   cs_team *t)
{
    const cs_node *c;

    if (cs_reader_want_map(n, "multitasking", r->err) != CS_OK ||
        cs_reader_check_keys(n, multitasking_keys, "multitasking", r->err) !=
            CS_OK)
        return CS_EINPUT;
    if ((c = cs_reader_need_key(n, "items_per_person", "multitasking",
                                r->err)) == NULL ||
        cs_reader_int_field(c, "items_per_person", 1, MAX_ITEMS_PER_PERSON,
                            &t->items_per_person, r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "switch_loss")) != NULL &&
        cs_reader_number(c, "switch_loss", &R_REWORK, &t->switch_loss,
                         r->err) != CS_OK)
        return CS_EINPUT;
    return CS_OK;
}

/* resume_cost: DIST, on a preemptive team only (SPEC 5.1). */
static cs_status read_resume_cost(const builder *r, const cs_node *c,
                                  cs_team *t)
{
    if (t->discipline != CS_DISC_PREEMPTIVE)
        return cs_node_error(r->err, c, CS_EINPUT, "resume_cost needs "
                             "discipline: preemptive (only an interrupted "
                             "item resumes)");
    if (cs_reader_dist(&r->rd, c, "resume_cost", &t->resume_cost) != CS_OK)
        return CS_EINPUT;
    t->has_resume_cost = 1;
    return CS_OK;
}

static cs_status read_team(const builder *r, const cs_node *n, cs_team *t)
{
    const cs_node *c;
    void *elems = NULL;
    cs_status st;
    int v;

    if (cs_reader_want_map(n, "each team", r->err) != CS_OK ||
        cs_reader_check_keys(n, team_keys, "team", r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_reader_need_key(n, "name", "team", r->err)) == NULL ||
        cs_reader_ident(c, "team name", 0, r->err) != CS_OK)
        return CS_EINPUT;
    if ((t->name = cs_str_dup(c->text)) == NULL)
        return cs_reader_nomem(r->err);
    t->capacity = 1;
    t->focus = 1.0;
    t->pos.line = n->line;
    t->pos.column = n->column;
    if ((c = cs_node_get(n, "type")) != NULL) {
        if (cs_reader_enum(c, "type", type_names, &v, r->err) != CS_OK)
            return CS_EINPUT;
        t->type = (cs_team_type)v;
    }
    if ((c = cs_node_get(n, "capacity")) != NULL &&
        cs_reader_int_field(c, "capacity", 1, MAX_CAPACITY, &t->capacity,
                            r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "wip_limit")) != NULL &&
        cs_reader_int_field(c, "wip_limit", 1, MAX_WIP_LIMIT, &t->wip_limit,
                            r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "discipline")) != NULL) {
        if (cs_reader_enum(c, "discipline", discipline_names, &v, r->err)
            != CS_OK)
            return CS_EINPUT;
        t->discipline = (cs_discipline)v;
    }
    if ((c = cs_node_get(n, "handoff")) != NULL) {
        if (cs_reader_dist(&r->rd, c, "handoff", &t->handoff) != CS_OK)
            return CS_EINPUT;
        t->has_handoff = 1;
    }
    if ((c = cs_node_get(n, "focus")) != NULL &&
        cs_reader_number(c, "focus", &R_PROB, &t->focus, r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "intake")) != NULL &&
        read_intake(r, c, t) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "resume_cost")) != NULL &&
        read_resume_cost(r, c, t) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "multitasking")) != NULL &&
        read_multitasking(r, c, t) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "cost_per_day")) != NULL &&
        cs_reader_number(c, "cost_per_day", &R_COST, &t->cost_per_day,
                         r->err) != CS_OK)
        return CS_EINPUT;
    st = read_timed_key(r, n, &schedule_list, &elems, &t->nschedule,
                        &t->schedule_every);
    t->schedule = elems;
    if (st != CS_OK)
        return CS_EINPUT;
    elems = NULL;
    st = read_timed_key(r, n, &productivity_list, &elems, &t->nproductivity,
                        NULL);
    t->productivity = elems;
    return st;
}

static cs_status team_item(void *ctx, const cs_node *n, size_t i,
                           const char **name)
{
    const builder *r = ctx;
    cs_team *t = &r->m->teams[i];

    if (read_team(r, n, t) != CS_OK)
        return CS_EINPUT;
    *name = t->name;
    return CS_OK;
}

static cs_status read_teams(builder *r, const cs_node *root)
{
    static const cs_reader_list spec = { "team", 1, team_item, NULL };
    void *elems = NULL;
    const cs_node *list = model_list(r, root, "teams", "team", "teams",
                                     MAX_TEAMS, sizeof *r->m->teams, &elems);

    if (list == NULL)
        return CS_EINPUT;
    r->m->teams = elems;
    r->m->nteams = (int)list->nchildren;
    return cs_reader_named_list(list, &spec, r, r->err);
}

/* ---------------------------------------------------------------------
** Classes of work and their routes.
*/

/* Where each step of a class came from, for id and rework checks. */
typedef struct step_src {
    const cs_node *id;       /* the explicit id's value, or NULL */
    const cs_node *team;     /* the team's value (work steps) */
    const cs_node *to;       /* rework.to's value (top-level steps) */
    int top;                 /* route position, or -1 for a branch */
    int referable;           /* the id may be named by rework.to */
} step_src;

/* A NULL-terminated array of the model's team names (borrowed). */
static const char **team_names(const cs_model *m)
{
    const char **names = calloc((size_t)m->nteams + 1, sizeof *names);

    if (names != NULL)
        for (int t = 0; t < m->nteams; t++)
            names[t] = m->teams[t].name;
    return names;
}

static cs_status read_team_ref(const builder *r, const cs_node *n, int *out)
{
    const char **names;
    cs_status st;

    if (cs_reader_want_scalar(n, "team", "a team name", r->err) != CS_OK)
        return CS_EINPUT;
    {
        const name_key key = {n->text, -1}, *hit = NULL;
        size_t lo = 0, hi = (size_t)r->m->nteams;
        /* first team named n->text: index -1 sorts before every match */
        while (lo < hi) {
            const size_t mid = lo + (hi - lo) / 2;
            if (cmp_name_key(&r->teams_by_name[mid], &key) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < (size_t)r->m->nteams &&
            strcmp(r->teams_by_name[lo].name, n->text) == 0)
            hit = &r->teams_by_name[lo];
        *out = hit != NULL ? hit->index : -1;
    }
    if (*out >= 0)
        return CS_OK;
    if ((names = team_names(r->m)) == NULL)
        return cs_reader_nomem(r->err);
    st = cs_reader_unknown(n, "team", names, r->err);
    free(names);
    return st;
}

/* The context names of class k (NULL-terminated, borrowed). */
static const char **context_names(const cs_class *k)
{
    const char **names = calloc((size_t)k->ncontexts + 1, sizeof *names);

    if (names != NULL)
        for (int c = 0; c < k->ncontexts; c++)
            names[c] = k->contexts[c];
    return names;
}

/*
** A step's (or an option's) team: a team name, or with bounded contexts
** (SPEC 5.4) a mapping from every context of class k to a team; then
** *ctx_team is the mapping by context index and *team its first.
*/
static cs_status read_team_or_map(const builder *r, const cs_node *n,
                                  const cs_class *k, int *team,
                                  int **ctx_team)
{
    int *map;

    if (n->kind != CS_NODE_MAP)
        return read_team_ref(r, n, team);
    if (k->ncontexts == 0)
        return cs_node_error(r->err, n, CS_EINPUT, "a team mapping (context "
                             "-> team) needs the class's 'contexts'");
    if ((map = malloc((size_t)k->ncontexts * sizeof *map)) == NULL)
        return cs_reader_nomem(r->err);
    for (int c = 0; c < k->ncontexts; c++)
        map[c] = -1;
    *ctx_team = map;
    for (size_t i = 0; i < n->nchildren; i++) {
        int c = 0;
        while (c < k->ncontexts && strcmp(k->contexts[c], n->keys[i]) != 0)
            c++;
        if (c == k->ncontexts) {
            const char **names = context_names(k);
            const char *hint;
            cs_status st;
            if (names == NULL)
                return cs_reader_nomem(r->err);
            hint = cs_error_suggest(n->keys[i], names);
            if (hint != NULL)
                st = cs_node_key_error(r->err, n, i, CS_EINPUT, "unknown "
                                       "context '%s' in class '%s' (did you "
                                       "mean '%s'?)", n->keys[i], k->name,
                                       hint);
            else
                st = cs_node_key_error(r->err, n, i, CS_EINPUT, "unknown "
                                       "context '%s' in class '%s'",
                                       n->keys[i], k->name);
            free(names);
            return st;
        }
        if (read_team_ref(r, n->children[i], &map[c]) != CS_OK)
            return CS_EINPUT;
    }
    for (int c = 0; c < k->ncontexts; c++)
        if (map[c] < 0)
            return cs_node_error(r->err, n, CS_EINPUT, "the team mapping "
                                 "does not map context '%s' of class '%s' "
                                 "(every context needs a team)",
                                 k->contexts[c], k->name);
    *team = map[0];
    return CS_OK;
}

/* One option of a choice step. */
static cs_status read_option(const builder *r, const cs_node *n,
                             const cs_class *k, cs_option *o)
{
    const cs_node *c;

    if (cs_reader_want_map(n, "each choice option", r->err) != CS_OK ||
        cs_reader_check_keys(n, option_keys, "choice option", r->err)
        != CS_OK)
        return CS_EINPUT;
    o->pos.line = n->line;
    o->pos.column = n->column;
    if ((c = cs_reader_need_key(n, "p", "choice option", r->err)) == NULL ||
        cs_reader_number(c, "p", &R_PROB, &o->p, r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_reader_need_key(n, "team", "choice option", r->err)) == NULL ||
        read_team_or_map(r, c, k, &o->team, &o->ctx_team) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_reader_need_key(n, "effort", "choice option", r->err))
        == NULL ||
        cs_reader_dist(&r->rd, c, "effort", &o->effort) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "handoff")) != NULL) {
        if (cs_reader_dist(&r->rd, c, "handoff", &o->handoff) != CS_OK)
            return CS_EINPUT;
        o->has_handoff = 1;
    }
    return CS_OK;
}

/* A choice step's options (SPEC 5.4): their p add up to 1. */
static cs_status read_choice(const builder *r, const cs_node *n,
                             const cs_class *k, cs_step *s)
{
    double sum = 0.0;

    if (cs_reader_want_list(n, "choice", "{p, team, effort} option", r->err)
        != CS_OK ||
        cs_reader_check_length(n, MAX_OPTIONS, "choice options", r->err)
        != CS_OK)
        return CS_EINPUT;
    if ((s->options = calloc(n->nchildren, sizeof *s->options)) == NULL)
        return cs_reader_nomem(r->err);
    s->noptions = (int)n->nchildren;
    for (size_t i = 0; i < n->nchildren; i++) {
        if (read_option(r, n->children[i], k, &s->options[i]) != CS_OK)
            return CS_EINPUT;
        sum += s->options[i].p;
    }
    if (fabs(sum - 1.0) > 1e-9)
        return cs_node_error(r->err, n, CS_EINPUT, "the options' p must add "
                             "up to 1, got %.10g", sum);
    s->team = s->options[0].team;
    return CS_OK;
}

/* The class named by escapes.work, by its position in the work list
** (every class's name is known before any class is read). */
static cs_status read_escape_work(const builder *r, const cs_node *n,
                                  int *out)
{
    const cs_node *list = r->work;
    const char **names;
    cs_status st;

    if (cs_reader_want_scalar(n, "escapes work", "a class name", r->err)
        != CS_OK)
        return CS_EINPUT;
    for (size_t i = 0; i < list->nchildren; i++) {
        const cs_node *nm = cs_node_get(list->children[i], "name");
        if (nm != NULL && nm->kind == CS_NODE_SCALAR &&
            strcmp(nm->text, n->text) == 0) {
            *out = (int)i;
            return CS_OK;
        }
    }
    if ((names = calloc(list->nchildren + 1, sizeof *names)) == NULL)
        return cs_reader_nomem(r->err);
    for (size_t i = 0, j = 0; i < list->nchildren; i++) {
        const cs_node *nm = cs_node_get(list->children[i], "name");
        if (nm != NULL && nm->kind == CS_NODE_SCALAR)
            names[j++] = nm->text;
    }
    st = cs_reader_unknown(n, "class", names, r->err);
    free(names);
    return st;
}

/* A step's escapes (SPEC 5.6): {p, after, work}. */
static cs_status read_escapes(const builder *r, const cs_node *n, cs_step *s)
{
    const cs_node *c;

    if (cs_reader_want_map(n, "escapes", r->err) != CS_OK ||
        cs_reader_check_keys(n, escape_keys, "escapes", r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_reader_need_key(n, "p", "escapes", r->err)) == NULL ||
        cs_reader_number(c, "escapes p", &R_PROB, &s->escape_p, r->err)
        != CS_OK)
        return CS_EINPUT;
    if ((c = cs_reader_need_key(n, "after", "escapes", r->err)) == NULL ||
        cs_reader_dist(&r->rd, c, "escapes after", &s->escape_after)
        != CS_OK)
        return CS_EINPUT;
    if ((c = cs_reader_need_key(n, "work", "escapes", r->err)) == NULL ||
        read_escape_work(r, c, &s->escape_work) != CS_OK)
        return CS_EINPUT;
    s->has_escapes = 1;
    return CS_OK;
}

static cs_status read_rework(const builder *r, const cs_node *n, cs_step *s,
                             step_src *src)
{
    const cs_node *c;

    if (cs_reader_want_map(n, "rework", r->err) != CS_OK ||
        cs_reader_check_keys(n, rework_keys, "rework", r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_reader_need_key(n, "p", "rework", r->err)) == NULL ||
        cs_reader_number(c, "rework p", &R_REWORK, &s->rework_p, r->err)
        != CS_OK)
        return CS_EINPUT;
    if ((src->to = cs_reader_need_key(n, "to", "rework", r->err)) == NULL ||
        cs_reader_want_scalar(src->to, "rework to", "a step id", r->err)
        != CS_OK)
        return CS_EINPUT;
    s->rework_factor = 1.0;
    if ((c = cs_node_get(n, "effort")) != NULL &&
        cs_reader_number(c, "rework effort (a factor on repeated efforts)",
                         &R_POSITIVE, &s->rework_factor, r->err) != CS_OK)
        return CS_EINPUT;
    s->has_rework = 1;
    return CS_OK;
}

/* The keys a step shares with other kinds of steps, rejected with a
** reason rather than as unknown. */
static cs_status check_step_mix(const cs_node *n, int branch, cs_error *err)
{
    const int parallel = cs_node_find(n, "parallel") >= 0;
    const int choice = cs_node_find(n, "choice") >= 0;
    static const char *const not_with_choice[] = {
        "team", "effort", "handoff", "parallel", NULL
    };

    if (choice && branch)
        return cs_node_key_error(err, n, cs_reader_key_index(n, "choice"),
                                 CS_EINPUT, "a parallel branch cannot be a "
                                 "choice (make the choice a step of its own)");
    for (int i = 0; choice && not_with_choice[i] != NULL; i++)
        if (cs_node_find(n, not_with_choice[i]) >= 0)
            return cs_node_key_error(err, n,
                                     cs_reader_key_index(n,
                                                         not_with_choice[i]),
                                     CS_EINPUT, "a choice step has no '%s' "
                                     "of its own: each option names its "
                                     "team, effort and hand-off",
                                     not_with_choice[i]);
    if (cs_node_find(n, "teams") >= 0) {
        static const char *const not_joint[] = {
            "team", "parallel", "choice", "escapes", NULL
        };
        if (branch)
            return cs_node_key_error(err, n, cs_reader_key_index(n, "teams"),
                                     CS_EINPUT, "a parallel branch cannot "
                                     "be a joint step (make it a step of "
                                     "its own)");
        for (int i = 0; not_joint[i] != NULL; i++)
            if (cs_node_find(n, not_joint[i]) >= 0)
                return cs_node_key_error(err, n,
                                         cs_reader_key_index(n, not_joint[i]),
                                         CS_EINPUT, "a joint step ('teams') "
                                         "has no '%s'", not_joint[i]);
        return CS_OK;
    }
    if (parallel && cs_node_find(n, "escapes") >= 0)
        return cs_node_key_error(err, n, cs_reader_key_index(n, "escapes"),
                                 CS_EINPUT, "'escapes' belongs to each branch "
                                 "of a parallel step");
    if (choice)
        return CS_OK;

    if (branch && parallel)
        return cs_node_key_error(err, n, cs_reader_key_index(n, "parallel"),
                                 CS_EINPUT, "parallel steps cannot be nested");
    if (branch && cs_node_find(n, "rework") >= 0)
        return cs_node_key_error(err, n, cs_reader_key_index(n, "rework"),
                                 CS_EINPUT, "a parallel branch cannot have "
                                 "'rework' (put it beside 'parallel')");
    if (parallel && cs_node_find(n, "team") >= 0)
        return cs_node_key_error(err, n, cs_reader_key_index(n, "team"),
                                 CS_EINPUT, "a step has either 'team' or "
                                 "'parallel', not both");
    if (parallel && cs_node_find(n, "handoff") >= 0)
        return cs_node_key_error(err, n, cs_reader_key_index(n, "handoff"),
                                 CS_EINPUT, "'handoff' belongs to each branch "
                                 "of a parallel step");
    if (parallel && cs_node_find(n, "effort") >= 0)
        return cs_node_key_error(err, n, cs_reader_key_index(n, "effort"),
                                 CS_EINPUT, "'effort' belongs to each branch "
                                 "of a parallel step");
    if (!parallel && cs_node_find(n, "team") < 0)
        return cs_node_error(err, n, CS_EINPUT, "a step needs 'team' (a work "
                             "step), 'teams' (a joint step) or 'parallel' "
                             "(a fork-join step)");
    return CS_OK;
}

/* Whether id (a scalar) is the joint step n's teams joined by '+'. */
static int is_joint_default_id(const cs_node *n, const cs_node *id)
{
    const cs_node *list = cs_node_get(n, "teams");
    const char *p;

    if (list == NULL || list->kind != CS_NODE_SEQ || id->kind != CS_NODE_SCALAR)
        return 0;
    p = id->text;
    for (size_t i = 0; i < list->nchildren; i++) {
        const cs_node *t = list->children[i];
        size_t len;
        if (t->kind != CS_NODE_SCALAR)
            return 0;
        if (i > 0 && *p++ != '+')
            return 0;
        len = strlen(t->text);
        if (strncmp(p, t->text, len) != 0)
            return 0;
        p += len;
    }
    return list->nchildren > 0 && *p == '\0';
}

/* A work step (top-level or branch) or the shared keys of a parallel one. */
static cs_status read_step_common(const builder *r, const cs_node *n,
                                  int branch, const cs_class *k, cs_step *s,
                                  step_src *src)
{
    const cs_node *c;

    if (cs_reader_want_map(n, branch ? "each branch" : "each step", r->err)
        != CS_OK)
        return CS_EINPUT;
    if (cs_reader_check_keys(n, step_keys,
                             branch ? "parallel branch" : "step", r->err)
        != CS_OK || check_step_mix(n, branch, r->err) != CS_OK)
        return CS_EINPUT;
    s->pos.line = n->line;
    s->pos.column = n->column;
    s->p = 1.0;
    s->rework_factor = 1.0;
    if ((c = cs_node_get(n, "id")) != NULL) {
        /* a joint step's default id (its teams joined by '+') may be
        ** written out, as a patch by that id leaves it */
        if (!is_joint_default_id(n, c) &&
            cs_reader_ident(c, "id", 1, r->err) != CS_OK)
            return CS_EINPUT;
        if ((s->id = cs_str_dup(c->text)) == NULL)
            return cs_reader_nomem(r->err);
        src->id = c;
        src->referable = 1;
    }
    if ((c = cs_node_get(n, "p")) != NULL &&
        cs_reader_number(c, "p", &R_PROB, &s->p, r->err) != CS_OK)
        return CS_EINPUT;
    if (cs_node_get(n, "parallel") != NULL)
        return CS_OK;
    if (cs_node_get(n, "teams") != NULL) {
        /* a joint step: the shared effort and hand-off here, the teams
        ** (branches) in read_joint */
        s->kind = CS_STEP_PARALLEL;
        s->joint = 1;
        if ((c = cs_reader_need_key(n, "effort", "step", r->err)) == NULL ||
            cs_reader_dist(&r->rd, c, "effort", &s->effort) != CS_OK)
            return CS_EINPUT;
        if ((c = cs_node_get(n, "handoff")) != NULL) {
            if (cs_reader_dist(&r->rd, c, "handoff", &s->handoff) != CS_OK)
                return CS_EINPUT;
            s->has_handoff = 1;
        }
        return CS_OK;
    }
    s->kind = CS_STEP_WORK;
    if ((c = cs_node_get(n, "escapes")) != NULL &&
        read_escapes(r, c, s) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "choice")) != NULL)
        return read_choice(r, c, k, s);
    src->team = cs_node_get(n, "team");
    if (read_team_or_map(r, src->team, k, &s->team, &s->ctx_team) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_reader_need_key(n, "effort", "step", r->err)) == NULL ||
        cs_reader_dist(&r->rd, c, "effort", &s->effort) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "handoff")) != NULL) {
        if (cs_reader_dist(&r->rd, c, "handoff", &s->handoff) != CS_OK)
            return CS_EINPUT;
        s->has_handoff = 1;
    }
    return CS_OK;
}

/* Number of steps[] entries a route needs: one per step and branch. */
static size_t count_steps(const cs_node *list)
{
    size_t total = 0;

    for (size_t i = 0; i < list->nchildren; i++) {
        const cs_node *par = cs_node_get(list->children[i], "parallel");
        if (par == NULL)
            par = cs_node_get(list->children[i], "teams");
        total += 1 + (par != NULL && par->kind == CS_NODE_SEQ
                      ? par->nchildren : 0);
    }
    return total;
}

/*
** The teams of joint step idx (SPEC 5.5): a list of at least two distinct
** team names, each a branch at steps[*at...] with the step's effort and
** hand-off; a branch's id is its team's name, which names it in reports
** only (the step itself is named by its id).
*/
static cs_status read_joint(const builder *r, const cs_node *list,
                            cs_class *k, int idx, int *at, step_src *src)
{
    cs_step *const s = &k->steps[idx];

    if (cs_reader_want_list(list, "teams", "team", r->err) != CS_OK)
        return CS_EINPUT;
    if (list->nchildren < 2)
        return cs_node_error(r->err, list, CS_EINPUT, "a joint step needs at "
                             "least two teams, got %zu (one team: use "
                             "'team')", list->nchildren);
    if (list->nchildren > CS_JOINT_MAX)
        return cs_node_error(r->err, list, CS_EINPUT, "a joint step lists at "
                             "most %d teams, got %zu", CS_JOINT_MAX,
                             list->nchildren);
    s->branch_first = *at;
    s->nbranches = (int)list->nchildren;
    src[idx].team = list;
    for (size_t b = 0; b < list->nchildren; b++) {
        const cs_node *n = list->children[b];
        const int bi = (*at)++;
        cs_step *const t = &k->steps[bi];
        if (n->kind != CS_NODE_SCALAR)
            return cs_node_error(r->err, n, CS_EINPUT, "each of a joint "
                                 "step's teams is a team name");
        if (read_team_ref(r, n, &t->team) != CS_OK)
            return CS_EINPUT;
        {
            const cs_team *const tm = &r->m->teams[t->team];
            const char *why = tm->discipline == CS_DISC_PREEMPTIVE
                                  ? "preemptive"
                              : tm->items_per_person > 0 ? "multitasking"
                              : tm->nproductivity > 0
                                  ? "a productivity curve"
                                  : NULL;
            if (why != NULL)
                return cs_node_error(r->err, n, CS_EINPUT, "team '%s' has "
                                     "%s%s: a joint step needs teams "
                                     "whose workers each do one item at a "
                                     "time at a steady speed", n->text,
                                     strcmp(why, "preemptive") == 0
                                         ? "discipline " : "", why);
        }
        for (int q = s->branch_first; q < bi; q++)
            if (k->steps[q].team == t->team)
                return cs_node_error(r->err, n, CS_EINPUT, "team '%s' is "
                                     "listed twice in this joint step",
                                     n->text);
        t->kind = CS_STEP_WORK;
        t->p = 1.0;
        t->rework_factor = 1.0;
        t->pos.line = n->line;
        t->pos.column = n->column;
        src[bi].top = -1;
        src[bi].team = n;
        if (cs_dist_copy(&t->effort, &s->effort) != CS_OK ||
            (s->has_handoff &&
             cs_dist_copy(&t->handoff, &s->handoff) != CS_OK))
            return cs_reader_nomem(r->err);
        t->has_handoff = s->has_handoff;
        if ((t->id = cs_str_dup(n->text)) == NULL)
            return cs_reader_nomem(r->err);
    }
    return CS_OK;
}

/* Reads the route into k->steps / k->route, filling src per step. */
static cs_status read_route(const builder *r, const cs_node *list, cs_class *k,
                            step_src *src)
{
    int at = 0;

    for (size_t i = 0; i < list->nchildren; i++) {
        const cs_node *n = list->children[i];
        const int idx = at++;
        cs_step *s = &k->steps[idx];
        const cs_node *par, *c;

        k->route[i] = idx;
        src[idx].top = (int)i;
        if (read_step_common(r, n, 0, k, s, &src[idx]) != CS_OK)
            return CS_EINPUT;
        if ((c = cs_node_get(n, "rework")) != NULL &&
            read_rework(r, c, s, &src[idx]) != CS_OK)
            return CS_EINPUT;
        if (s->joint) {
            if (read_joint(r, cs_node_get(n, "teams"), k, idx, &at, src) !=
                CS_OK)
                return CS_EINPUT;
            continue;
        }
        if ((par = cs_node_get(n, "parallel")) == NULL)
            continue;
        if (cs_reader_want_list(par, "parallel", "branch", r->err) != CS_OK)
            return CS_EINPUT;
        s->kind = CS_STEP_PARALLEL;
        s->branch_first = at;
        s->nbranches = (int)par->nchildren;
        for (size_t b = 0; b < par->nchildren; b++) {
            const int bi = at++;
            src[bi].top = -1;
            if (read_step_common(r, par->children[b], 1, k, &k->steps[bi],
                                 &src[bi]) != CS_OK)
                return CS_EINPUT;
        }
    }
    return CS_OK;
}

/*
** Ids (SPEC 1.3): an explicit id, else the team's name when that team
** appears once in the class's whole route.  A work step whose team repeats
** and that has no id gets the label "TEAM#N" (N-th such step), which only
** names it in reports: rework.to cannot refer to it.
*/
/*
** Referable ids must be unique in a class: sorted by (id, position), the
** duplicate reported is the earliest step whose id an earlier step has,
** against the first step with that id.
*/
static cs_status check_ids(const builder *r, const cs_class *k,
                           const step_src *src)
{
    name_key *keys = malloc(((size_t)k->nsteps + 1) * sizeof *keys);
    size_t n = 0;
    int i = -1, j = -1;

    if (keys == NULL)
        return cs_reader_nomem(r->err);
    for (int s = 0; s < k->nsteps; s++)
        if (src[s].referable) {
            keys[n].name = k->steps[s].id;
            keys[n++].index = s;
        }
    qsort(keys, n, sizeof *keys, cmp_name_key);
    for (size_t a = 0, b; a < n; a = b) {
        for (b = a + 1; b < n && strcmp(keys[a].name, keys[b].name) == 0; b++)
            ;
        if (b - a > 1 && (i < 0 || keys[a + 1].index < i)) {
            i = keys[a + 1].index;
            j = keys[a].index;
        }
    }
    free(keys);
    if (i < 0)
        return CS_OK;
    if (src[i].id != NULL)
        return cs_node_error(r->err, src[i].id, CS_EINPUT,
                             "duplicate step id '%s' in class '%s' "
                             "(first at line %d)", k->steps[i].id,
                             k->name, k->steps[j].pos.line);
    return cs_node_error(r->err, src[i].team, CS_EINPUT,
                         "this step's id '%s' (its team's name) is "
                         "already the id of the step at line %d in "
                         "class '%s'", k->steps[i].id,
                         k->steps[j].pos.line, k->name);
}

/* 1 when step j of k works at team t (any alternative of a choice or a
** context mapping). */
static int step_has_team(const cs_class *k, int j, int t)
{
    if (k->steps[j].kind != CS_STEP_WORK)
        return 0;
    for (int a = 0; a < cs_model_step_alts(k, j); a++)
        if (cs_model_alt_team(k, j, a) == t)
            return 1;
    return 0;
}

static cs_status assign_ids(const builder *r, cs_class *k, step_src *src)
{
    const cs_model *m = r->m;

    int nchoice = 0, nmapped = 0;

    /* A choice or a context-mapped step without an id: the label
    ** "choice#N" or "contexts#N" (N-th such step), which names it only in
    ** reports. */
    for (int i = 0; i < k->nsteps; i++) {
        cs_step *s = &k->steps[i];
        char buf[32];
        if (s->id != NULL || s->kind != CS_STEP_WORK ||
            (s->noptions == 0 && s->ctx_team == NULL))
            continue;
        if (s->noptions > 0)
            snprintf(buf, sizeof buf, "choice#%d", ++nchoice);
        else
            snprintf(buf, sizeof buf, "contexts#%d", ++nmapped);
        if ((s->id = cs_str_dup(buf)) == NULL)
            return cs_reader_nomem(r->err);
    }
    /* A joint step without an id: its teams joined by '+' */
    for (int i = 0; i < k->nsteps; i++) {
        cs_step *s = &k->steps[i];
        size_t len = 1;
        if (s->id != NULL || !s->joint)
            continue;
        for (int b = 0; b < s->nbranches; b++)
            len += strlen(k->steps[s->branch_first + b].id) + 1;
        if ((s->id = malloc(len)) == NULL)
            return cs_reader_nomem(r->err);
        s->id[0] = '\0';
        for (int b = 0; b < s->nbranches; b++) {
            if (b > 0)
                strcat(s->id, "+");
            strcat(s->id, k->steps[s->branch_first + b].id);
        }
        src[i].referable = 1;
    }
    for (int i = 0; i < k->nsteps; i++) {
        cs_step *s = &k->steps[i];
        int uses = 0, nth = 0;
        char buf[CS_READER_MAX_NAME + 16];

        if (s->id != NULL || s->kind != CS_STEP_WORK)
            continue;
        for (int j = 0; j < k->nsteps; j++)
            if (step_has_team(k, j, s->team)) {
                uses++;
                nth += j <= i;
            }
        if (uses == 1) {
            s->id = cs_str_dup(m->teams[s->team].name);
            src[i].referable = 1;
        } else {
            snprintf(buf, sizeof buf, "%s#%d", m->teams[s->team].name, nth);
            s->id = cs_str_dup(buf);
        }
        if (s->id == NULL)
            return cs_reader_nomem(r->err);
    }
    return check_ids(r, k, src);
}

/* The route position of the top-level step with id text, or -1. */
static int top_step(const cs_class *k, const step_src *src, const char *text)
{
    for (int q = 0; q < k->nroute; q++) {
        const int j = k->route[q];
        if (src[j].referable && strcmp(k->steps[j].id, text) == 0)
            return q;
    }
    return -1;
}

/* Why ref (a rework's `to`, or a start entry's `step` when start) names
** no top-level step: the most helpful message. */
static cs_status bad_step_ref(const builder *r, const cs_class *k,
                              const step_src *src, const cs_node *ref,
                              int start)
{
    const char **ids;
    const char *hint;
    size_t n = 0;
    cs_status st;

    for (int j = 0; j < k->nsteps; j++)
        if (src[j].referable && src[j].top < 0 &&
            strcmp(k->steps[j].id, ref->text) == 0)
            return start
                ? cs_node_error(r->err, ref, CS_EINPUT, "start step '%s' is "
                                "a branch of a parallel step; start items go "
                                "into a top-level step (name the parallel "
                                "step instead, by its 'id': all its branches "
                                "start)",
                                ref->text)
                : cs_node_error(r->err, ref, CS_EINPUT, "rework target '%s' "
                                "is a branch of a parallel step; rework can "
                                "only go back to a top-level step",
                                ref->text);
    for (int j = 0; j < k->nsteps; j++)
        for (int b = 0; k->steps[j].joint && b < k->steps[j].nbranches; b++)
            if (strcmp(k->steps[k->steps[j].branch_first + b].id,
                       ref->text) == 0)
                return cs_node_error(r->err, ref, CS_EINPUT, "team '%s' "
                                     "works in the joint step '%s': name "
                                     "that step", ref->text, k->steps[j].id);
    for (int j = 0; j < k->nsteps; j++)
        if (k->steps[j].kind == CS_STEP_WORK && !src[j].referable &&
            strcmp(r->m->teams[k->steps[j].team].name, ref->text) == 0)
            return cs_node_error(r->err, ref, CS_EINPUT, "team '%s' appears "
                                 "more than once in class '%s', so its name "
                                 "is not a step id: give the target step an "
                                 "'id' and name it here", ref->text, k->name);
    if ((ids = calloc((size_t)k->nsteps + 1, sizeof *ids)) == NULL)
        return cs_reader_nomem(r->err);
    for (int j = 0; j < k->nsteps; j++)
        if (src[j].referable && src[j].top >= 0)
            ids[n++] = k->steps[j].id;
    hint = cs_error_suggest(ref->text, ids);
    if (start && hint != NULL)
        st = cs_node_error(r->err, ref, CS_EINPUT, "start names an unknown "
                           "step '" QUOTE "' in class '%s' (did you mean "
                           "'%s'?)", ref->text, k->name, hint);
    else if (start)
        st = cs_node_error(r->err, ref, CS_EINPUT, "start names an unknown "
                           "step '" QUOTE "' in class '%s'", ref->text,
                           k->name);
    else if (hint != NULL)
        st = cs_node_error(r->err, ref, CS_EINPUT, "rework goes to an unknown "
                           "step '" QUOTE "' in class '%s' (did you mean "
                           "'%s'?)", ref->text, k->name, hint);
    else
        st = cs_node_error(r->err, ref, CS_EINPUT, "rework goes to an unknown "
                           "step '" QUOTE "' in class '%s'", ref->text,
                           k->name);
    free(ids);
    return st;
}

/* rework.to names a top-level step at or before the current one. */
static cs_status resolve_rework(const builder *r, cs_class *k,
                                const step_src *src)
{
    for (int pos = 0; pos < k->nroute; pos++) {
        cs_step *s = &k->steps[k->route[pos]];
        const cs_node *to = src[k->route[pos]].to;
        int target;

        if (!s->has_rework)
            continue;
        if ((target = top_step(k, src, to->text)) < 0)
            return bad_step_ref(r, k, src, to, 0);
        if (target > pos)
            return cs_node_error(r->err, to, CS_EINPUT, "rework goes to '%s', "
                                 "which comes after this step; rework can "
                                 "only go back to this step or an earlier one",
                                 to->text);
        s->rework_to = target;
    }
    return CS_OK;
}

/* One start entry (SPEC 4.4); *initial counts the class's initial items
** so far, bounded like the backlogs of all classes. */
static cs_status read_start_entry(const builder *r, const cs_node *e,
                                  const cs_class *k, const step_src *src,
                                  cs_start *s, long *initial)
{
    const cs_node *c;

    if (cs_reader_want_map(e, "each start entry", r->err) != CS_OK ||
        cs_reader_check_keys(e, start_keys, "start entry", r->err) != CS_OK)
        return CS_EINPUT;
    s->pos.line = e->line;
    s->pos.column = e->column;
    if ((c = cs_reader_need_key(e, "step", "start entry", r->err)) == NULL ||
        cs_reader_want_scalar(c, "start step", "a step id", r->err) != CS_OK)
        return CS_EINPUT;
    if ((s->at = top_step(k, src, c->text)) < 0)
        return bad_step_ref(r, k, src, c, 1);
    if ((c = cs_reader_need_key(e, "count", "start entry", r->err)) == NULL ||
        cs_reader_int_field(c, "start count", 1, MAX_BACKLOG, &s->count,
                            r->err) != CS_OK)
        return CS_EINPUT;
    *initial += s->count;
    if (*initial > MAX_BACKLOG_TOTAL)
        return cs_node_error(r->err, c, CS_EINPUT, "class '%s' has %ld "
                             "initial items (backlog and start items) up to "
                             "here; at most %ld over all classes", k->name,
                             *initial, MAX_BACKLOG_TOTAL);
    if ((c = cs_node_get(e, "age")) == NULL)
        return CS_OK;
    if (cs_reader_duration(&r->rd, c, "start age", 0, &s->age) != CS_OK)
        return CS_EINPUT;
    if (s->age > MAX_AGE)
        return cs_node_error(r->err, c, CS_EINPUT, "start age must be at most "
                             "%.0fd, got '" QUOTE "'", MAX_AGE, c->text);
    return CS_OK;
}

/* The class's start entries, if any: each names a top-level step by its
** id, so they are read once the route's ids are known. */
static cs_status read_start(const builder *r, const cs_node *cls, cs_class *k,
                            const step_src *src)
{
    const cs_node *list = cs_node_get(cls, "start");
    long initial = k->backlog;

    if (list == NULL)
        return CS_OK;
    if (cs_reader_want_list(list, "start", "{step, count, age} mapping",
                            r->err) != CS_OK ||
        cs_reader_check_length(list, MAX_START, "start entries", r->err)
        != CS_OK)
        return CS_EINPUT;
    if ((k->start = calloc(list->nchildren, sizeof *k->start)) == NULL)
        return cs_reader_nomem(r->err);
    k->nstart = (int)list->nchildren;
    for (size_t i = 0; i < list->nchildren; i++)
        if (read_start_entry(r, list->children[i], k, src, &k->start[i],
                             &initial) != CS_OK)
            return CS_EINPUT;
    return CS_OK;
}

/* The route, its ids and rework targets, and the start entries (which
** name steps by id). */
static cs_status read_steps(const builder *r, const cs_node *cls, cs_class *k)
{
    const cs_node *list = cs_reader_need_key(cls, "steps", "class", r->err);
    step_src *src = NULL;
    size_t total;
    cs_status st;

    if (list == NULL ||
        cs_reader_want_list(list, "steps", "step", r->err) != CS_OK ||
        cs_reader_check_length(list, MAX_STEPS, "steps", r->err) != CS_OK)
        return CS_EINPUT;
    total = count_steps(list);
    if (total > MAX_STEPS)
        return cs_node_error(r->err, list, CS_EINPUT, "too many steps: at "
                             "most %d, parallel branches included, got %zu",
                             MAX_STEPS, total);
    k->steps = calloc(total, sizeof *k->steps);
    k->route = calloc(list->nchildren, sizeof *k->route);
    src = calloc(total, sizeof *src);
    if (k->steps == NULL || k->route == NULL || src == NULL) {
        free(src);
        return cs_reader_nomem(r->err);
    }
    k->nsteps = (int)total;
    k->nroute = (int)list->nchildren;
    st = read_route(r, list, k, src);
    if (st == CS_OK)
        st = assign_ids(r, k, src);
    if (st == CS_OK)
        st = resolve_rework(r, k, src);
    if (st == CS_OK)
        st = read_start(r, cls, k, src);
    free(src);
    return st;
}

/* The demand profile of Poisson arrivals (SPEC 4.3): with `interval` it
** is an error at its key. */
static cs_status read_profile(const builder *r, const cs_node *n, cs_class *k)
{
    const long pi = cs_node_find(n, "profile");
    const long ei = cs_node_find(n, "profile_every");
    void *elems = NULL;
    cs_status st;

    if (pi < 0 && ei < 0)
        return CS_OK;
    if (k->arrival != CS_ARRIVE_RATE)
        return cs_node_key_error(r->err, n, (size_t)(pi >= 0 ? pi : ei),
                                 CS_EINPUT, "'%s' goes with 'rate' (Poisson "
                                 "arrivals), not with 'interval'",
                                 pi >= 0 ? "profile" : "profile_every");
    st = read_timed_key(r, n, &profile_list, &elems, &k->nprofile,
                        &k->profile_every);
    k->profile = elems;
    return st;
}

static cs_status read_arrivals(const builder *r, const cs_node *n, cs_class *k)
{
    const long ri = cs_node_find(n, "rate"), ii = cs_node_find(n, "interval");
    const cs_node *c;

    if (cs_reader_want_map(n, "arrivals", r->err) != CS_OK ||
        cs_reader_check_keys(n, arrival_keys, "arrivals", r->err) != CS_OK)
        return CS_EINPUT;
    if (ri >= 0 && ii >= 0)
        return cs_node_key_error(r->err, n, (size_t)(ri > ii ? ri : ii),
                                 CS_EINPUT, "arrivals take either 'rate' or "
                                 "'interval', not both");
    if (ri < 0 && ii < 0)
        return cs_node_error(r->err, n, CS_EINPUT, "arrivals need 'rate' (for "
                             "example 3/w) or 'interval' (a distribution)");
    if (ri >= 0) {
        c = n->children[ri];
        if (cs_reader_rate(&r->rd, c, "rate", &k->rate) != CS_OK)
            return CS_EINPUT;
        k->arrival = CS_ARRIVE_RATE;
    } else {
        c = n->children[ii];
        if (cs_reader_dist(&r->rd, c, "interval", &k->interval) != CS_OK)
            return CS_EINPUT;
        k->arrival = CS_ARRIVE_INTERVAL;
        if (!(cs_dist_mean(&k->interval) > 0))
            return cs_node_error(r->err, c, CS_EINPUT, "interval must have a "
                                 "positive mean");
    }
    if ((c = cs_node_get(n, "batch")) != NULL &&
        cs_reader_int_field(c, "batch", 1, MAX_BATCH, &k->batch, r->err)
        != CS_OK)
        return CS_EINPUT;
    return read_profile(r, n, k);
}

/* A class's bounded contexts (SPEC 5.4): {name: share}, shares in (0, 1]
** adding up to 1. */
static cs_status read_contexts(const builder *r, const cs_node *n,
                               cs_class *k)
{
    double sum = 0.0;

    if (cs_reader_want_map(n, "contexts", r->err) != CS_OK)
        return CS_EINPUT;
    if (n->nchildren == 0)
        return cs_node_error(r->err, n, CS_EINPUT, "contexts needs at least "
                             "one {name: share} entry");
    if (n->nchildren > MAX_CONTEXTS)
        return cs_node_error(r->err, n, CS_EINPUT, "too many contexts: at "
                             "most %d, got %zu", MAX_CONTEXTS, n->nchildren);
    k->contexts = calloc(n->nchildren, sizeof *k->contexts);
    k->context_share = calloc(n->nchildren, sizeof *k->context_share);
    if (k->contexts == NULL || k->context_share == NULL)
        return cs_reader_nomem(r->err);
    for (size_t i = 0; i < n->nchildren; i++) {
        const char *key = n->keys[i];
        int ok = key[0] != '\0';
        for (const char *q = key; *q != '\0'; q++)
            ok = ok && ((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') ||
                        *q == '-' || *q == '_');
        if (!ok || strlen(key) > CS_READER_MAX_NAME)
            return cs_node_key_error(r->err, n, i, CS_EINPUT, "context name "
                                     "'%s' must be [a-z0-9_-]+ (at most %d "
                                     "characters)", key, CS_READER_MAX_NAME);
        if ((k->contexts[i] = cs_str_dup(key)) == NULL)
            return cs_reader_nomem(r->err);
        k->ncontexts = (int)i + 1;
        if (cs_reader_number(n->children[i], "context share", &R_PROB,
                             &k->context_share[i], r->err) != CS_OK)
            return CS_EINPUT;
        sum += k->context_share[i];
    }
    if (fabs(sum - 1.0) > 1e-9)
        return cs_node_error(r->err, n, CS_EINPUT, "the context shares must "
                             "add up to 1, got %.10g", sum);
    return CS_OK;
}

static cs_status read_class(const builder *r, const cs_node *n, cs_class *k)
{
    const cs_node *c;

    if (cs_reader_want_map(n, "each class of work", r->err) != CS_OK ||
        cs_reader_check_keys(n, class_keys, "class", r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_reader_need_key(n, "name", "class", r->err)) == NULL ||
        cs_reader_ident(c, "class name", 1, r->err) != CS_OK)
        return CS_EINPUT;
    if ((k->name = cs_str_dup(c->text)) == NULL)
        return cs_reader_nomem(r->err);
    k->batch = 1;
    k->pos.line = n->line;
    k->pos.column = n->column;
    if ((c = cs_node_get(n, "priority")) != NULL &&
        cs_reader_int_field(c, "priority", -MAX_PRIORITY, MAX_PRIORITY,
                            &k->priority, r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "due")) != NULL) {
        if (cs_reader_duration(&r->rd, c, "due", 1, &k->due) != CS_OK)
            return CS_EINPUT;
        k->has_due = 1;
    }
    if ((c = cs_node_get(n, "cost_of_delay")) != NULL &&
        cs_reader_number(c, "cost_of_delay", &R_COST, &k->cost_of_delay,
                         r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "wip_limit")) != NULL &&
        cs_reader_int_field(c, "wip_limit", 1, MAX_WIP_LIMIT, &k->wip_limit,
                            r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "patience")) != NULL) {
        if (cs_reader_dist(&r->rd, c, "patience", &k->patience) != CS_OK)
            return CS_EINPUT;
        k->has_patience = 1;
    }
    if ((c = cs_node_get(n, "arrivals")) != NULL &&
        read_arrivals(r, c, k) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "backlog")) != NULL &&
        cs_reader_int_field(c, "backlog", 0, MAX_BACKLOG, &k->backlog, r->err)
        != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "contexts")) != NULL &&
        read_contexts(r, c, k) != CS_OK)
        return CS_EINPUT;
    if (read_steps(r, n, k) != CS_OK)
        return CS_EINPUT;
    {
        int nesc = 0, at = -1;
        for (int s = 0; s < k->nsteps; s++)
            if (k->steps[s].has_escapes && ++nesc > MAX_ESCAPES && at < 0)
                at = s;
        if (at >= 0)
            return cs_error_set(r->err, CS_EINPUT, n->file,
                                k->steps[at].pos.line, k->steps[at].pos.column,
                                "class '%s' has more than %d steps with "
                                "'escapes'", k->name, MAX_ESCAPES);
    }
    return CS_OK;
}

/*
** After every class is read: a class needs arrivals, initial items or
** escapes that bring it work; escapes must not feed back on themselves
** without bound (each item making, through chains of escapes, one more
** item or more on average).
*/
static cs_status check_work_sources(const builder *r)
{
    const cs_model *m = r->m;
    double *rate, growth;

    for (int c = 0; c < m->nclasses; c++) {
        const cs_class *k = &m->classes[c];
        if (k->arrival == CS_ARRIVE_NONE && cs_model_class_initial(k) == 0 &&
            !cs_model_is_escape_target(m, c))
            return cs_node_error(r->err, r->work->children[c], CS_EINPUT,
                                 "class '%s' needs 'arrivals', a 'backlog' > "
                                 "0 or 'start' items, or it never receives "
                                 "work (unless another class's 'escapes' "
                                 "bring it)", k->name);
    }
    if (!cs_model_has_escapes(m))
        return CS_OK;
    if ((rate = calloc((size_t)m->nclasses + 1, sizeof *rate)) == NULL)
        return cs_reader_nomem(r->err);
    growth = cs_model_class_rates(m, rate);
    free(rate);
    if (!(growth >= 1.0 - 1e-9))
        return CS_OK;
    for (int c = 0; c < m->nclasses; c++)
        for (int s = 0; s < m->classes[c].nsteps; s++) {
            const cs_step *st = &m->classes[c].steps[s];
            if (st->has_escapes && cs_model_is_escape_target(m, c))
                return cs_error_set(r->err, CS_EINPUT,
                                    r->work->children[c]->file, st->pos.line,
                                    st->pos.column, "escapes feed back on "
                                    "themselves: through them every item "
                                    "makes %.3g more on average, so the work "
                                    "never ends; lower their 'p'", growth);
        }
    return cs_error_set(r->err, CS_EINPUT, r->work->file, r->work->line,
                        r->work->column, "escapes feed back on themselves "
                        "(growth %.3g): lower their 'p'", growth);
}

static cs_status class_item(void *ctx, const cs_node *n, size_t i,
                            const char **name)
{
    const builder *r = ctx;
    cs_class *k = &r->m->classes[i];

    if (read_class(r, n, k) != CS_OK)
        return CS_EINPUT;
    *name = k->name;
    return CS_OK;
}

static cs_status read_classes(builder *r, const cs_node *root)
{
    static const cs_reader_list spec = { "class", 1, class_item, NULL };
    void *elems = NULL;
    const cs_node *list = model_list(r, root, "work", "class",
                                     "classes of work", MAX_CLASSES,
                                     sizeof *r->m->classes, &elems);

    if (list == NULL)
        return CS_EINPUT;
    r->m->classes = elems;
    r->m->nclasses = (int)list->nchildren;
    r->work = list;
    if (cs_reader_named_list(list, &spec, r, r->err) != CS_OK)
        return CS_EINPUT;
    return check_work_sources(r);
}

/* ---------------------------------------------------------------------
** Promises.
*/

static cs_status read_class_ref(const builder *r, const cs_node *n, int *out)
{
    const char **names;
    cs_status st;

    if (cs_reader_want_scalar(n, "work", "a class name", r->err) != CS_OK)
        return CS_EINPUT;
    if ((*out = cs_model_class_index(r->m, n->text)) >= 0)
        return CS_OK;
    names = calloc((size_t)r->m->nclasses + 1, sizeof *names);
    if (names == NULL)
        return cs_reader_nomem(r->err);
    for (int c = 0; c < r->m->nclasses; c++)
        names[c] = r->m->classes[c].name;
    st = cs_reader_unknown(n, "class", names, r->err);
    free(names);
    return st;
}

/*
** A promise's work: a class name (p->work its index) or a list of them,
** distinct (p->work CS_PROMISE_WORK_LIST, p->works the indices in the
** order given).
*/
static cs_status read_promise_work(const builder *r, const cs_node *n,
                                   cs_promise *p)
{
    if (n->kind != CS_NODE_SEQ)
        return read_class_ref(r, n, &p->work);
    if (cs_reader_want_list(n, "work", "class", r->err) != CS_OK)
        return CS_EINPUT;
    p->works = calloc(n->nchildren, sizeof *p->works);
    if (p->works == NULL)
        return cs_reader_nomem(r->err);
    p->work = CS_PROMISE_WORK_LIST;
    for (size_t i = 0; i < n->nchildren; i++) {
        const cs_node *const e = n->children[i];
        int c;
        if (read_class_ref(r, e, &c) != CS_OK)
            return CS_EINPUT;
        for (int k = 0; k < p->nworks; k++)
            if (p->works[k] == c)
                return cs_node_error(r->err, e, CS_EINPUT, "class '%s' is "
                                     "twice in the promise's work",
                                     e->text);
        p->works[p->nworks++] = c;
    }
    return CS_OK;
}

/* 1 when some class the promise covers has initial items. */
static int promise_has_initial(const cs_model *m, const cs_promise *p)
{
    for (int c = 0; c < m->nclasses; c++)
        if (cs_model_promise_covers(p, c) &&
            cs_model_class_initial(&m->classes[c]) > 0)
            return 1;
    return 0;
}

/* The percentile of a lead-time or done_by promise into p->target;
** missing is the message when it is absent. */
static cs_status read_percentile(const builder *r, const cs_node *n,
                                 cs_promise *p, const char *missing)
{
    const cs_node *c = cs_node_get(n, "percentile");
    double pct;

    if (c == NULL)
        return cs_node_error(r->err, n, CS_EINPUT, "%s", missing);
    /* a share written as a fraction (0.85) would promise almost nothing */
    if (cs_reader_number(c, "percentile", &R_ANY, &pct, r->err) == CS_OK &&
        pct < 1)
        return cs_node_error(r->err, c, CS_EINPUT, "percentile is a "
                             "percentage from 1 to 100 (85 means 85%%), got "
                             "'" QUOTE "'", c->text);
    if (cs_reader_number(c, "percentile", &R_PERCENT, &pct, r->err) != CS_OK)
        return CS_EINPUT;
    p->target = pct / 100.0;
    return CS_OK;
}

static cs_status read_lead_time(const builder *r, const cs_node *n,
                                cs_promise *p)
{
    char missing[CS_ERROR_MSG_MAX];

    if (cs_node_find(n, "throughput") >= 0)
        return cs_node_key_error(r->err, n,
                                 cs_reader_key_index(n, "throughput"),
                                 CS_EINPUT, "a promise has either 'within' "
                                 "(lead time) or 'throughput', not both");
    if (cs_reader_duration(&r->rd, cs_node_get(n, "within"), "within", 1,
                           &p->within) != CS_OK)
        return CS_EINPUT;
    snprintf(missing, sizeof missing, "promise '%s' is missing 'percentile' "
             "(the share of items, in percent, that must be done within %s)",
             p->name, cs_node_get(n, "within")->text);
    p->kind = CS_PROMISE_LEAD_TIME;
    return read_percentile(r, n, p, missing);
}

/*
** A done_by promise (SPEC 4.4): the initial items of its class, or of all
** classes, all done by day done_by (> 0, at most the horizon, since a run
** sees nothing later) in percentile % of the replications.  Those items
** must exist.
*/
static cs_status read_done_by(const builder *r, const cs_node *n,
                              cs_promise *p)
{
    const cs_model *m = r->m;
    const cs_node *c = cs_node_get(n, "done_by");
    char missing[CS_ERROR_MSG_MAX];

    if (cs_reader_duration(&r->rd, c, "done_by", 1, &p->done_by) != CS_OK)
        return CS_EINPUT;
    if (p->done_by > m->horizon)
        return cs_node_error(r->err, c, CS_EINPUT, "done_by (%gd) is after "
                             "the horizon (%gd), where a run cannot tell "
                             "whether the items are done: make the horizon "
                             "at least %gd", p->done_by, m->horizon,
                             p->done_by);
    if (p->work >= 0 && cs_model_class_initial(&m->classes[p->work]) == 0)
        return cs_node_error(r->err, c, CS_EINPUT, "promise '%s' is done_by "
                             "but class '%s' has no initial items: give it a "
                             "backlog or start items", p->name,
                             m->classes[p->work].name);
    if (p->work == -1 && !cs_model_has_initial(m))
        return cs_node_error(r->err, c, CS_EINPUT, "promise '%s' is done_by "
                             "but no class has initial items: give a class a "
                             "backlog or start items", p->name);
    if (p->work == CS_PROMISE_WORK_LIST && !promise_has_initial(m, p))
        return cs_node_error(r->err, c, CS_EINPUT, "promise '%s' is done_by "
                             "but none of its classes has initial items: "
                             "give one a backlog or start items", p->name);
    snprintf(missing, sizeof missing, "promise '%s' is missing 'percentile' "
             "(the share of replications, in percent, in which the initial "
             "items must all be done by %s)", p->name, c->text);
    p->kind = CS_PROMISE_DONE_BY;
    return read_percentile(r, n, p, missing);
}

/* done_by with within or throughput: an error at the later key. */
static cs_status check_done_by_mix(const builder *r, const cs_node *n)
{
    const long di = cs_node_find(n, "done_by");
    const long wi = cs_node_find(n, "within");
    const long ti = cs_node_find(n, "throughput");
    const long other = wi >= 0 ? wi : ti;

    if (di < 0 || other < 0)
        return CS_OK;
    return cs_node_key_error(r->err, n, (size_t)(di > other ? di : other),
                             CS_EINPUT, "a promise has either 'done_by' "
                             "(initial items done by a day) or '%s', not "
                             "both", wi >= 0 ? "within" : "throughput");
}

/*
** 1 when some class promise p covers has a step that can go to team t:
** a plain step at t, or a choice option or a context's team there.
*/
static int promise_visits_team(const cs_model *m, const cs_promise *p, int t)
{
    for (int c = 0; c < m->nclasses; c++) {
        const cs_class *const k = &m->classes[c];
        if (!cs_model_promise_covers(p, c))
            continue;
        for (int s = 0; s < k->nsteps; s++) {
            if (k->steps[s].kind != CS_STEP_WORK)
                continue;
            for (int a = 0; a < cs_model_step_alts(k, s); a++)
                if (cs_model_alt_team(k, s, a) == t)
                    return 1;
        }
    }
    return 0;
}

/*
** A promise's team (SPEC 5.8): a lead-time promise on the visits to
** one team, which some class it covers must visit.
*/
static cs_status read_promise_team(const builder *r, const cs_node *n,
                                   cs_promise *p)
{
    const cs_node *c = cs_node_get(n, "team");

    if (c == NULL)
        return CS_OK;
    if (cs_node_get(n, "within") == NULL)
        return cs_node_error(r->err, c, CS_EINPUT, "a promise on a team "
                             "measures the time its visits take: it needs "
                             "'within' and 'percentile', not '%s'",
                             cs_node_get(n, "throughput") != NULL
                                 ? "throughput"
                             : cs_node_get(n, "done_by") != NULL
                                 ? "done_by"
                                 : "nothing");
    if (read_team_ref(r, c, &p->team) != CS_OK)
        return CS_EINPUT;
    p->at_team = 1;
    if (!promise_visits_team(r->m, p, p->team))
        return cs_node_error(r->err, c, CS_EINPUT, "promise '%s' is on team "
                             "'%s', which no class it covers visits: it "
                             "would measure nothing", p->name, c->text);
    return CS_OK;
}

static cs_status read_promise(const builder *r, const cs_node *n,
                              cs_promise *p)
{
    const cs_node *c;

    if (cs_reader_want_map(n, "each promise", r->err) != CS_OK ||
        cs_reader_check_keys(n, promise_keys, "promise", r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_reader_need_key(n, "name", "promise", r->err)) == NULL ||
        cs_reader_text(c, "promise name", &p->name, r->err) != CS_OK)
        return CS_EINPUT;
    p->work = -1;
    p->pos.line = n->line;
    p->pos.column = n->column;
    if ((c = cs_node_get(n, "work")) != NULL &&
        read_promise_work(r, c, p) != CS_OK)
        return CS_EINPUT;
    if (check_done_by_mix(r, n) != CS_OK ||
        read_promise_team(r, n, p) != CS_OK)
        return CS_EINPUT;
    if (cs_node_get(n, "within") != NULL)
        return read_lead_time(r, n, p);
    if (cs_node_get(n, "done_by") != NULL)
        return read_done_by(r, n, p);
    if ((c = cs_node_get(n, "throughput")) == NULL)
        return cs_node_error(r->err, n, CS_EINPUT, "promise '%s' needs "
                             "'within' (with 'percentile') or 'throughput', "
                             "or 'done_by' (with 'percentile')", p->name);
    if (cs_node_find(n, "percentile") >= 0)
        return cs_node_key_error(r->err, n,
                                 cs_reader_key_index(n, "percentile"),
                                 CS_EINPUT, "'percentile' goes with 'within' "
                                 "or 'done_by', not with 'throughput'");
    if (cs_reader_throughput(&r->rd, c, "throughput", &p->target, &p->per)
        != CS_OK)
        return CS_EINPUT;
    p->kind = CS_PROMISE_THROUGHPUT;
    return CS_OK;
}

static cs_status promise_item(void *ctx, const cs_node *n, size_t i,
                              const char **name)
{
    const builder *r = ctx;
    cs_promise *p = &r->m->promises[i];

    if (read_promise(r, n, p) != CS_OK)
        return CS_EINPUT;
    *name = p->name;
    return CS_OK;
}

static cs_status read_promises(builder *r, const cs_node *root)
{
    static const cs_reader_list spec = { "promise", 1, promise_item, NULL };
    void *elems = NULL;
    const cs_node *list = model_list(r, root, "promise", "promise",
                                     "promises", MAX_PROMISES,
                                     sizeof *r->m->promises, &elems);

    if (list == NULL)
        return CS_EINPUT;
    r->m->promises = elems;
    r->m->npromises = (int)list->nchildren;
    return cs_reader_named_list(list, &spec, r, r->err);
}

/* ---------------------------------------------------------------------
** The model from a document tree.
*/

/* The highest demand factor of class k's profile, and in *at the entry
** that has it (-1: the factor 1 before the first entry). */
static double peak_factor(const cs_class *k, int *at)
{
    double peak = k->profile[0].from > 0 ? 1.0 : -1.0;

    *at = -1;
    for (int i = 0; i < k->nprofile; i++)
        if (k->profile[i].factor > peak) {
            peak = k->profile[i].factor;
            *at = i;
        }
    return peak;
}

/*
** Arrivals with a profile are drawn at the peak rate and thinned, so the
** draws of one replication (rate x the peak factor x the horizon) are
** bounded like the step visits.  Reported at the peak entry.
*/
static cs_status check_peak(const builder *r, const cs_node *cls, int c)
{
    const cs_model *m = r->m;
    const cs_class *k = &m->classes[c];
    double peak, draws;
    int at;

    if (k->arrival != CS_ARRIVE_RATE || k->nprofile == 0)
        return CS_OK;
    peak = peak_factor(k, &at);
    draws = k->rate * peak * m->horizon;
    if (draws <= MAX_VISITS)
        return CS_OK;
    if (at >= 0)
        cls = cs_node_get(cs_node_get(cls, "arrivals"), "profile")
                  ->children[at];
    return cs_node_error(r->err, cls, CS_EINPUT, "class '%s' has a peak "
                         "arrival rate of %.3g/d (its rate times the profile "
                         "factor %g), which makes about %.3g arrival draws "
                         "over the %gd horizon; at most %.0e: is the factor "
                         "or the rate's unit wrong?", k->name,
                         shown(k->rate * peak), peak, shown(draws),
                         m->horizon, MAX_VISITS);
}

/*
** The work of one replication, bounded: the initial items (backlogs and
** start items) add up to at most MAX_BACKLOG_TOTAL items, arrivals drawn
** at a profile's peak to at most MAX_VISITS, and the expected step visits
** (arrivals over the horizon plus the initial items, times the visits an
** item makes, rework loops included) to at most MAX_VISITS.  Reported at
** the class that brings the most.
*/
static cs_status check_size(const builder *r, const cs_node *root)
{
    const cs_model *m = r->m;
    const cs_node *work = cs_node_get(root, "work");
    double total = 0.0, worst = -1.0;
    long initial = 0;
    int at = 0, starts = 0;

    for (int c = 0; c < m->nclasses; c++) {
        const double visits = cs_model_run_visits(m, c);
        if (check_peak(r, work->children[c], c) != CS_OK)
            return CS_EINPUT;
        initial += cs_model_class_initial(&m->classes[c]);
        starts += m->classes[c].nstart > 0;
        total += visits;
        if (!(visits <= worst)) {
            worst = visits;
            at = c;
        }
    }
    if (initial > MAX_BACKLOG_TOTAL && starts == 0)
        return cs_node_error(r->err, work, CS_EINPUT, "the backlogs of all "
                             "classes add up to %ld items; at most %ld",
                             initial, MAX_BACKLOG_TOTAL);
    if (initial > MAX_BACKLOG_TOTAL)
        return cs_node_error(r->err, work, CS_EINPUT, "the initial items of "
                             "all classes (backlogs and start items) add up "
                             "to %ld; at most %ld", initial,
                             MAX_BACKLOG_TOTAL);
    if (total <= MAX_VISITS)
        return CS_OK;
    {
        const cs_class *k = &m->classes[at];
        return cs_node_error(r->err, work->children[at], CS_EINPUT,
                             "class '%s' makes about %.3g step visits in one "
                             "replication (%.3g items over the %gd horizon, "
                             "%.3g step visits per item); at most %.0e: is "
                             "the rate's unit, the horizon or a rework "
                             "probability wrong?", k->name, shown(worst),
                             shown(cs_model_class_items(m, at)), m->horizon,
                             shown(cs_model_class_visits(m, at)), MAX_VISITS);
    }
}

/* The teams sorted by name, so each step finds its team in log time. */
static cs_status index_teams(builder *r)
{
    const cs_model *m = r->m;

    r->teams_by_name = malloc(((size_t)m->nteams + 1) *
                              sizeof *r->teams_by_name);
    if (r->teams_by_name == NULL)
        return cs_reader_nomem(r->err);
    for (int t = 0; t < m->nteams; t++) {
        r->teams_by_name[t].name = m->teams[t].name;
        r->teams_by_name[t].index = t;
    }
    qsort(r->teams_by_name, (size_t)m->nteams, sizeof *r->teams_by_name,
          cmp_name_key);
    return CS_OK;
}

static cs_status read_model(builder *r, const cs_node *root)
{
    if (cs_reader_check_keys(root, top_keys, "the scenario", r->err)
        != CS_OK ||
        read_version(r, root) != CS_OK || read_units(r, root) != CS_OK)
        return CS_EINPUT;
    r->m->units = r->rd.units;
    if (read_settings(r, root) != CS_OK || read_teams(r, root) != CS_OK ||
        index_teams(r) != CS_OK || read_classes(r, root) != CS_OK ||
        read_promises(r, root) != CS_OK)
        return r->err != NULL && r->err->status != CS_OK ? r->err->status
                                                         : CS_EINPUT;
    return check_size(r, root);
}

cs_status cs_scenario_model_from_node(const cs_node *root, const char *dir,
                                      cs_model **out, cs_error *err)
{
    cs_error local;
    builder r;
    cs_status st;

    *out = NULL;
    if (err == NULL)
        err = &local;
    cs_error_clear(err);
    if (root == NULL)
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0, "the scenario is "
                            "empty");
    if (root->kind != CS_NODE_MAP)
        return cs_node_error(err, root, CS_EINPUT, "a scenario must be a "
                             "mapping (chainsim, name, teams, work, promise, "
                             "...), got %s", cs_reader_got_kind(root));
    r.rd.err = err;
    r.rd.dir = dir != NULL ? dir : ".";
    r.rd.units = cs_units_default();
    r.err = err;
    r.teams_by_name = NULL;
    r.work = NULL;
    if ((r.m = cs_model_new()) == NULL)
        return cs_reader_nomem(err);
    if ((r.m->variant = cs_str_dup("baseline")) == NULL) {
        cs_model_free(r.m);
        return cs_reader_nomem(err);
    }
    st = read_model(&r, root);
    free(r.teams_by_name);
    if (st != CS_OK) {
        cs_model_free(r.m);
        return st;
    }
    *out = r.m;
    return CS_OK;
}

/* ---------------------------------------------------------------------
** The scenario object: load, copy, free.
*/

/* Takes doc: validates the base and every variant. */
static cs_status scenario_open(cs_doc *doc, cs_scenario **out, cs_error *err)
{
    cs_scenario *s;
    cs_model *m = NULL;
    cs_status st;

    if (doc->root == NULL) {
        st = cs_error_set(err, CS_EINPUT, doc->file, 1, 1, "the scenario is "
                          "empty");
        cs_doc_free(doc);
        return st;
    }
    if ((s = calloc(1, sizeof *s)) == NULL) {
        cs_doc_free(doc);
        return cs_reader_nomem(err);
    }
    s->doc = doc;
    st = cs_scenario_model_from_node(doc->root, doc->dir, &m, err);
    cs_model_free(m);
    if (st == CS_OK)
        st = cs_variant_load(s, err);
    if (st != CS_OK) {
        cs_scenario_free(s);
        return st;
    }
    *out = s;
    return CS_OK;
}

cs_status cs_scenario_load(const char *path, cs_scenario **out, cs_error *err)
{
    cs_doc *doc = NULL;
    cs_error local;
    cs_status st;

    *out = NULL;
    if (err == NULL)
        err = &local;
    cs_error_clear(err);
    if ((st = cs_doc_load_file(path, &doc, err)) != CS_OK)
        return st;
    return scenario_open(doc, out, err);
}

cs_status cs_scenario_load_string(const char *name, const char *text,
                                  cs_scenario **out, cs_error *err)
{
    cs_doc *doc = NULL;
    cs_error local;
    cs_status st;

    *out = NULL;
    if (err == NULL)
        err = &local;
    cs_error_clear(err);
    if ((st = cs_doc_load_string(name, text, strlen(text), &doc, err))
        != CS_OK)
        return st;
    return scenario_open(doc, out, err);
}

void cs_scenario_free(cs_scenario *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nvariants; i++) {
        free(s->variants[i].name);
        free(s->variants[i].hypothesis);
    }
    free(s->variants);
    for (size_t i = 0; i < s->noverrides; i++)
        free(s->overrides[i]);
    free(s->overrides);
    cs_doc_free(s->doc);
    free(s);
}

const char *cs_scenario_file(const cs_scenario *s)
{
    return s->doc->file;
}

/* Copies the variants of s into c (zeroed but for its doc, a clone of
** s->doc), their patches pointing into c's tree. */
static cs_status copy_variants(const cs_scenario *s, cs_scenario *c)
{
    const cs_node *list = cs_node_get(c->doc->root, "variants");

    if (s->nvariants == 0)
        return CS_OK;
    c->variants = calloc(s->nvariants + 1, sizeof *c->variants);
    if (c->variants == NULL)
        return CS_ENOMEM;
    for (size_t i = 0; i < s->nvariants; i++) {
        const cs_variant_def *v = &s->variants[i];
        cs_variant_def *w = &c->variants[i];

        c->nvariants = i + 1;
        if ((w->name = cs_str_dup(v->name)) == NULL)
            return CS_ENOMEM;
        if (v->hypothesis != NULL &&
            (w->hypothesis = cs_str_dup(v->hypothesis)) == NULL)
            return CS_ENOMEM;
        if (v->patch != NULL) {
            assert(list != NULL && i < list->nchildren);
            w->patch = cs_node_get(list->children[i], "patch");
            assert(w->patch != NULL);
        }
    }
    return CS_OK;
}

cs_status cs_scenario_clone(const cs_scenario *s, cs_scenario **out,
                            cs_error *err)
{
    cs_scenario *c;
    cs_error local;

    assert(s != NULL && out != NULL);
    *out = NULL;
    if (err == NULL)
        err = &local;
    cs_error_clear(err);
    if ((c = calloc(1, sizeof *c)) == NULL)
        return cs_reader_nomem(err);
    if (cs_doc_clone(s->doc, &c->doc, err) != CS_OK) {
        free(c);
        return CS_ENOMEM;
    }
    if (copy_variants(s, c) != CS_OK ||
        cs_node_dup_strings(s->overrides, s->noverrides, &c->overrides,
                            &c->noverrides) != CS_OK) {
        cs_scenario_free(c);
        return cs_reader_nomem(err);
    }
    *out = c;
    return CS_OK;
}
