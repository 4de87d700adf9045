/*
** scenario.c - builds and validates a cs_model from a scenario document
** (SPEC 1), and holds the scenario: the loaded document, its variants and
** the --set overrides (variant.c derives the other models from them).
**
** Reading order: the time units first (every duration depends on them),
** then the top-level settings, the teams, the classes of work (their steps
** reference teams) and the promises (which reference classes).  Every
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
#define MAX_PROMISES 500
/* The sum of every class's backlog: items that exist at time 0. */
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

/* Everything the model's readers need: the value readers' context (where
** errors go, the directory, the units), the model under construction. */
typedef struct builder {
    cs_reader rd;
    cs_error *err;             /* rd.err */
    cs_model *m;
    name_key *teams_by_name;   /* [m->nteams], once the teams are read */
} builder;

static const char *const top_keys[] = {
    "chainsim", "name", "description", "time", "horizon", "warmup",
    "replications", "seed", "deadlock", "teams", "work", "promise",
    "variants", NULL
};
static const char *const time_keys[] = {
    "hours_per_day", "days_per_week", NULL
};
static const char *const team_keys[] = {
    "name", "type", "capacity", "wip_limit", "discipline", "handoff",
    "focus", "cost_per_day", NULL
};
static const char *const class_keys[] = {
    "name", "priority", "due", "arrivals", "backlog", "steps", NULL
};
static const char *const arrival_keys[] = {
    "rate", "interval", "batch", NULL
};
static const char *const step_keys[] = {
    "team", "effort", "p", "id", "rework", "parallel", NULL
};
static const char *const rework_keys[] = {
    "p", "to", "effort", NULL
};
static const char *const promise_keys[] = {
    "name", "work", "within", "percentile", "throughput", NULL
};
static const char *const type_names[] = {
    "stream-aligned", "platform", "enabling", "complicated-subsystem", NULL
};
static const char *const discipline_names[] = {
    "fifo", "priority", "edd", NULL
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
    return CS_OK;
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

static cs_status read_team(const builder *r, const cs_node *n, cs_team *t)
{
    const cs_node *c;
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
    if ((c = cs_node_get(n, "cost_per_day")) != NULL &&
        cs_reader_number(c, "cost_per_day", &R_COST, &t->cost_per_day,
                         r->err) != CS_OK)
        return CS_EINPUT;
    return CS_OK;
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
    if (parallel && cs_node_find(n, "effort") >= 0)
        return cs_node_key_error(err, n, cs_reader_key_index(n, "effort"),
                                 CS_EINPUT, "'effort' belongs to each branch "
                                 "of a parallel step");
    if (!parallel && cs_node_find(n, "team") < 0)
        return cs_node_error(err, n, CS_EINPUT, "a step needs 'team' (a work "
                             "step) or 'parallel' (a fork-join step)");
    return CS_OK;
}

/* A work step (top-level or branch) or the shared keys of a parallel one. */
static cs_status read_step_common(const builder *r, const cs_node *n,
                                  int branch, cs_step *s, step_src *src)
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
        if (cs_reader_ident(c, "id", 1, r->err) != CS_OK)
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
    s->kind = CS_STEP_WORK;
    src->team = cs_node_get(n, "team");
    if (read_team_ref(r, src->team, &s->team) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_reader_need_key(n, "effort", "step", r->err)) == NULL ||
        cs_reader_dist(&r->rd, c, "effort", &s->effort) != CS_OK)
        return CS_EINPUT;
    return CS_OK;
}

/* Number of steps[] entries a route needs: one per step and branch. */
static size_t count_steps(const cs_node *list)
{
    size_t total = 0;

    for (size_t i = 0; i < list->nchildren; i++) {
        const cs_node *par = cs_node_get(list->children[i], "parallel");
        total += 1 + (par != NULL && par->kind == CS_NODE_SEQ
                      ? par->nchildren : 0);
    }
    return total;
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
        if (read_step_common(r, n, 0, s, &src[idx]) != CS_OK)
            return CS_EINPUT;
        if ((c = cs_node_get(n, "rework")) != NULL &&
            read_rework(r, c, s, &src[idx]) != CS_OK)
            return CS_EINPUT;
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
            if (read_step_common(r, par->children[b], 1, &k->steps[bi],
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

static cs_status assign_ids(const builder *r, cs_class *k, step_src *src)
{
    const cs_model *m = r->m;

    for (int i = 0; i < k->nsteps; i++) {
        cs_step *s = &k->steps[i];
        int uses = 0, nth = 0;
        char buf[CS_READER_MAX_NAME + 16];

        if (s->id != NULL || s->kind != CS_STEP_WORK)
            continue;
        for (int j = 0; j < k->nsteps; j++)
            if (k->steps[j].kind == CS_STEP_WORK &&
                k->steps[j].team == s->team) {
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

/* Why `to` names no top-level step: the most helpful message. */
static cs_status bad_rework_target(const builder *r, const cs_class *k,
                                   const step_src *src, const cs_node *to)
{
    const char **ids;
    const char *hint;
    size_t n = 0;
    cs_status st;

    for (int j = 0; j < k->nsteps; j++)
        if (src[j].referable && src[j].top < 0 &&
            strcmp(k->steps[j].id, to->text) == 0)
            return cs_node_error(r->err, to, CS_EINPUT, "rework target '%s' "
                                 "is a branch of a parallel step; rework can "
                                 "only go back to a top-level step",
                                 to->text);
    for (int j = 0; j < k->nsteps; j++)
        if (k->steps[j].kind == CS_STEP_WORK && !src[j].referable &&
            strcmp(r->m->teams[k->steps[j].team].name, to->text) == 0)
            return cs_node_error(r->err, to, CS_EINPUT, "team '%s' appears "
                                 "more than once in class '%s', so its name "
                                 "is not a step id: give the target step an "
                                 "'id' and name it here", to->text, k->name);
    if ((ids = calloc((size_t)k->nsteps + 1, sizeof *ids)) == NULL)
        return cs_reader_nomem(r->err);
    for (int j = 0; j < k->nsteps; j++)
        if (src[j].referable && src[j].top >= 0)
            ids[n++] = k->steps[j].id;
    hint = cs_error_suggest(to->text, ids);
    if (hint != NULL)
        st = cs_node_error(r->err, to, CS_EINPUT, "rework goes to an unknown "
                           "step '" QUOTE "' in class '%s' (did you mean "
                           "'%s'?)", to->text, k->name, hint);
    else
        st = cs_node_error(r->err, to, CS_EINPUT, "rework goes to an unknown "
                           "step '" QUOTE "' in class '%s'", to->text,
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
        int target = -1;

        if (!s->has_rework)
            continue;
        for (int q = 0; q < k->nroute && target < 0; q++) {
            const int j = k->route[q];
            if (src[j].referable && strcmp(k->steps[j].id, to->text) == 0)
                target = q;
        }
        if (target < 0)
            return bad_rework_target(r, k, src, to);
        if (target > pos)
            return cs_node_error(r->err, to, CS_EINPUT, "rework goes to '%s', "
                                 "which comes after this step; rework can "
                                 "only go back to this step or an earlier one",
                                 to->text);
        s->rework_to = target;
    }
    return CS_OK;
}

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
    free(src);
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
    if ((c = cs_node_get(n, "arrivals")) != NULL &&
        read_arrivals(r, c, k) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "backlog")) != NULL &&
        cs_reader_int_field(c, "backlog", 0, MAX_BACKLOG, &k->backlog, r->err)
        != CS_OK)
        return CS_EINPUT;
    if (k->arrival == CS_ARRIVE_NONE && k->backlog == 0)
        return cs_node_error(r->err, n, CS_EINPUT, "class '%s' needs "
                             "'arrivals' or a 'backlog' > 0, or it never "
                             "receives work", k->name);
    return read_steps(r, n, k);
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
    return cs_reader_named_list(list, &spec, r, r->err);
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

static cs_status read_lead_time(const builder *r, const cs_node *n,
                                cs_promise *p)
{
    const cs_node *c;
    double pct;

    if (cs_node_find(n, "throughput") >= 0)
        return cs_node_key_error(r->err, n,
                                 cs_reader_key_index(n, "throughput"),
                                 CS_EINPUT, "a promise has either 'within' "
                                 "(lead time) or 'throughput', not both");
    if (cs_reader_duration(&r->rd, cs_node_get(n, "within"), "within", 1,
                           &p->within) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "percentile")) == NULL)
        return cs_node_error(r->err, n, CS_EINPUT, "promise '%s' is missing "
                             "'percentile' (the share of items, in percent, "
                             "that must be done within %s)", p->name,
                             cs_node_get(n, "within")->text);
    /* a share written as a fraction (0.85) would promise almost nothing */
    if (cs_reader_number(c, "percentile", &R_ANY, &pct, r->err) == CS_OK &&
        pct < 1)
        return cs_node_error(r->err, c, CS_EINPUT, "percentile is a "
                             "percentage from 1 to 100 (85 means 85%%), got "
                             "'" QUOTE "'", c->text);
    if (cs_reader_number(c, "percentile", &R_PERCENT, &pct, r->err) != CS_OK)
        return CS_EINPUT;
    p->kind = CS_PROMISE_LEAD_TIME;
    p->target = pct / 100.0;
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
        read_class_ref(r, c, &p->work) != CS_OK)
        return CS_EINPUT;
    if (cs_node_get(n, "within") != NULL)
        return read_lead_time(r, n, p);
    if ((c = cs_node_get(n, "throughput")) == NULL)
        return cs_node_error(r->err, n, CS_EINPUT, "promise '%s' needs "
                             "'within' (with 'percentile') or 'throughput'",
                             p->name);
    if (cs_node_find(n, "percentile") >= 0)
        return cs_node_key_error(r->err, n,
                                 cs_reader_key_index(n, "percentile"),
                                 CS_EINPUT, "'percentile' goes with 'within', "
                                 "not with 'throughput'");
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

/* x for a message: finite, so "inf" never shows. */
static double shown(double x)
{
    return isfinite(x) ? x : DBL_MAX;
}

/*
** The work of one replication, bounded: backlogs add up to at most
** MAX_BACKLOG_TOTAL items, and the expected step visits (arrivals over
** the horizon plus backlog, times the visits an item makes, rework loops
** included) to at most MAX_VISITS.  Reported at the class that brings the
** most.
*/
static cs_status check_size(const builder *r, const cs_node *root)
{
    const cs_model *m = r->m;
    const cs_node *work = cs_node_get(root, "work");
    double total = 0.0, worst = -1.0;
    long backlog = 0;
    int at = 0;

    for (int c = 0; c < m->nclasses; c++) {
        const double visits = cs_model_run_visits(m, c);
        backlog += m->classes[c].backlog;
        total += visits;
        if (!(visits <= worst)) {
            worst = visits;
            at = c;
        }
    }
    if (backlog > MAX_BACKLOG_TOTAL)
        return cs_node_error(r->err, work, CS_EINPUT, "the backlogs of all "
                             "classes add up to %ld items; at most %ld",
                             backlog, MAX_BACKLOG_TOTAL);
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
