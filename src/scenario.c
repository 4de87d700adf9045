/*
** scenario.c - builds and validates a cs_model from a scenario document
** (SPEC 1), and keeps the variants (patches) and --set overrides that
** derive other models from the same document.
**
** Reading order: the time units first (every duration depends on them),
** then the top-level settings, the teams, the classes of work (their steps
** reference teams) and the promises (which reference classes).  Every
** problem is a CS_EINPUT error located at the offending node; the first
** one found wins.  The model under construction is always consistent
** enough for cs_model_free: arrays are zeroed and their counts set before
** they are filled.
**
** A variant is built from a clone of the base tree, its patch merged in
** (cs_doc_merge keeps the patch's positions, so errors point into the
** patch), then every override applied in order.  The `variants` key is
** read here, never by the model builder.
*/
#include "chainsim/scenario.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/dist.h"
#include "chainsim/doc.h"
#include "chainsim/error.h"
#include "chainsim/model.h"

/* Bounds on counts, so no scenario can make the engine allocate without
** limit (SPEC 1.5).  Documented in docs/scenario-format.md. */
#define MAX_REPLICATIONS 1000000L
#define MAX_CAPACITY 10000L
#define MAX_WIP_LIMIT 1000000L
#define MAX_BATCH 10000L
#define MAX_BACKLOG 1000000L
#define MAX_PRIORITY 1000000L
#define MAX_NAME 64
/* Bounds on list lengths: every check of a name against the others and
** every variant build (a copy of the whole document) stays fast. */
#define MAX_TEAMS 500
#define MAX_CLASSES 500
#define MAX_STEPS 200           /* per class, parallel branches included */
#define MAX_PROMISES 500
#define MAX_VARIANTS 100
/* Each variant is built from a copy of the whole document, more than
** once per command: (variants + 1) x the document's nodes is bounded, so
** a big file with many variants is refused instead of loading for
** minutes (a few seconds at most). */
#define MAX_VARIANT_NODES 4000000.0
/* The sum of every class's backlog: items that exist at time 0. */
#define MAX_BACKLOG_TOTAL 1000000L
/* Expected step visits (work starts) in one replication: about a minute
** of simulation per 10^8 on one core, so 10^9 is far beyond any sensible
** chain and catches a wrong unit ("3/h" for "3/w") or horizon before a
** run that would not end. */
#define MAX_VISITS 1e9

/* Longest piece of user text quoted in a message. */
#define QUOTE "%.80s"

/* Everything a reader needs: where errors go, the units, the model. */
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

typedef struct reader {
    cs_error *err;
    const char *dir;
    cs_units units;
    cs_model *m;
    name_key *teams_by_name;   /* [m->nteams], once the teams are read */
} reader;

static const char *const top_keys[] = {
    "chainsim", "name", "description", "time", "horizon", "warmup",
    "replications", "seed", "teams", "work", "promise", "variants", NULL
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
static const char *const variant_keys[] = {
    "name", "hypothesis", "patch", NULL
};
static const char *const type_names[] = {
    "stream-aligned", "platform", "enabling", "complicated-subsystem", NULL
};
static const char *const discipline_names[] = {
    "fifo", "priority", "edd", NULL
};

/* ---------------------------------------------------------------------
** Small helpers: keys, scalars, numbers.
*/

static char *dup_str(const char *s)
{
    const size_t n = strlen(s) + 1;
    char *d = malloc(n);

    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

static cs_status no_memory(cs_error *err)
{
    return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
}

static int in_list(const char *word, const char *const *list)
{
    for (size_t i = 0; list[i] != NULL; i++)
        if (strcmp(word, list[i]) == 0)
            return 1;
    return 0;
}

/*
** A key that is the tail of a distribution cut at its commas, as YAML
** reads {team: a, effort: gamma(mean=4d, cv=0.5)}: "cv=0.5)" or "2d"
** with no value.
*/
static int looks_cut(const cs_node *map, size_t i)
{
    const char *k = map->keys[i];

    return cs_node_is_null(map->children[i]) &&
           (strchr(k, ')') != NULL || strchr(k, '=') != NULL ||
            (k[0] >= '0' && k[0] <= '9'));
}

/* Every key of map must be in allowed; where names the mapping. */
static cs_status check_keys(const cs_node *map, const char *const *allowed,
                            const char *where, cs_error *err)
{
    for (size_t i = 0; i < map->nchildren; i++) {
        const char *hint;

        if (in_list(map->keys[i], allowed))
            continue;
        if (looks_cut(map, i))
            return cs_node_key_error(err, map, i, CS_EINPUT,
                                     "unknown key '" QUOTE "' in %s (inside "
                                     "{...}, quote a distribution with "
                                     "commas: \"gamma(mean=4d, cv=0.5)\")",
                                     map->keys[i], where);
        hint = cs_suggest(map->keys[i], allowed);
        if (hint != NULL)
            return cs_node_key_error(err, map, i, CS_EINPUT,
                                     "unknown key '" QUOTE "' in %s (did you "
                                     "mean '%s'?)", map->keys[i], where, hint);
        return cs_node_key_error(err, map, i, CS_EINPUT,
                                 "unknown key '" QUOTE "' in %s", map->keys[i],
                                 where);
    }
    return CS_OK;
}

/* The child of map under key, or NULL with an error "WHERE is missing". */
static const cs_node *need_key(const cs_node *map, const char *key,
                               const char *where, cs_error *err)
{
    const cs_node *c = cs_node_get(map, key);

    if (c == NULL)
        cs_node_error(err, map, CS_EINPUT, "%s is missing '%s'", where, key);
    return c;
}

/* Index of a key in map (asserted present by the caller's logic), as
** size_t for cs_node_key_error. */
static size_t key_index(const cs_node *map, const char *key)
{
    const long i = cs_node_find(map, key);

    return i < 0 ? 0 : (size_t)i;
}

/* What a node is, for "got ..." in messages. */
static const char *got_kind(const cs_node *n)
{
    if (n->kind == CS_NODE_SCALAR && cs_node_is_null(n))
        return n->text[0] == '\0' ? "an empty value" : "null";
    return cs_node_kind_name(n);
}

/* n must be a non-null scalar; what describes the expected value. */
static cs_status want_scalar(const cs_node *n, const char *key,
                             const char *what, cs_error *err)
{
    if (n->kind == CS_NODE_SCALAR && !cs_node_is_null(n))
        return CS_OK;
    return cs_node_error(err, n, CS_EINPUT, "%s must be %s, got %s", key, what,
                         got_kind(n));
}

static cs_status want_map(const cs_node *n, const char *what, cs_error *err)
{
    if (n->kind == CS_NODE_MAP)
        return CS_OK;
    return cs_node_error(err, n, CS_EINPUT, "%s must be a mapping, got %s",
                         what, got_kind(n));
}

/* n must be a non-empty list; item names one element for the message. */
static cs_status want_list(const cs_node *n, const char *key, const char *item,
                           cs_error *err)
{
    if (n->kind != CS_NODE_SEQ)
        return cs_node_error(err, n, CS_EINPUT, "%s must be a list of %ss, "
                             "got %s", key, item, got_kind(n));
    if (n->nchildren == 0)
        return cs_node_error(err, n, CS_EINPUT, "%s must list at least one %s",
                             key, item);
    return CS_OK;
}

/*
** Integers are written as decimal integers: an optional sign and digits,
** nothing else ("2.5", "1e3", "0x10" and " 2" are not integers).
*/
/* Refuses a list longer than max, at its first element beyond. */
static cs_status check_length(const cs_node *list, size_t max,
                              const char *what, cs_error *err)
{
    if (list->nchildren <= max)
        return CS_OK;
    return cs_node_error(err, list->children[max], CS_EINPUT, "too many %s: "
                         "at most %zu, got %zu", what, max, list->nchildren);
}

static int parse_integer(const char *s, long long *out)
{
    const char *p = s;
    int neg = 0;
    unsigned long long v = 0;

    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (*p < '0' || *p > '9')
        return 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (unsigned long long)(*p - '0');
        if (v > (unsigned long long)LLONG_MAX)
            return 0;
    }
    if (*p != '\0')
        return 0;
    *out = neg ? -(long long)v : (long long)v;
    return 1;
}

static void int_range(char *buf, size_t size, long lo, long hi)
{
    if (hi == LONG_MAX)
        snprintf(buf, size, ">= %ld", lo);
    else
        snprintf(buf, size, "from %ld to %ld", lo, hi);
}

static cs_status read_int(const cs_node *n, const char *key, long lo, long hi,
                          long *out, cs_error *err)
{
    char range[64], what[96];
    long long v;

    int_range(range, sizeof range, lo, hi);
    snprintf(what, sizeof what, "an integer %s", range);
    if (want_scalar(n, key, what, err) != CS_OK)
        return CS_EINPUT;
    if (!parse_integer(n->text, &v) || v < lo || v > hi)
        return cs_node_error(err, n, CS_EINPUT, "%s must be %s, got '" QUOTE
                             "'", key, what, n->text);
    *out = (long)v;
    return CS_OK;
}

static cs_status read_int_field(const cs_node *n, const char *key, long lo,
                                long hi, int *out, cs_error *err)
{
    long v = 0;

    if (read_int(n, key, lo, hi, &v, err) != CS_OK)
        return CS_EINPUT;
    *out = (int)v;
    return CS_OK;
}

/* An interval of allowed numbers; infinite ends mean no bound. */
typedef struct range {
    double lo, hi;
    int lo_open, hi_open;
} range;

static const range R_PROB = { 0, 1, 1, 0 };          /* (0, 1] */
static const range R_REWORK = { 0, 1, 0, 1 };        /* [0, 1) */
static const range R_POSITIVE = { 0, HUGE_VAL, 1, 1 };
static const range R_NONNEG = { 0, HUGE_VAL, 0, 1 };
static const range R_PERCENT = { 0, 100, 1, 0 };     /* (0, 100] */
static const range R_HOURS = { 0, 24, 1, 0 };
static const range R_DAYS = { 0, 7, 1, 0 };

static void range_text(char *buf, size_t size, const range *r)
{
    if (isinf(r->hi))
        snprintf(buf, size, "%s %g", r->lo_open ? ">" : ">=", r->lo);
    else
        snprintf(buf, size, "in %c%g, %g%c", r->lo_open ? '(' : '[', r->lo,
                 r->hi, r->hi_open ? ')' : ']');
}

static int in_range(double v, const range *r)
{
    if (r->lo_open ? !(v > r->lo) : !(v >= r->lo))
        return 0;
    if (isinf(r->hi))
        return isfinite(v);
    return r->hi_open ? v < r->hi : v <= r->hi;
}

static cs_status read_number(const cs_node *n, const char *key,
                             const range *r, double *out, cs_error *err)
{
    char rt[64], what[96], msg[128];
    double v;

    range_text(rt, sizeof rt, r);
    snprintf(what, sizeof what, "a number %s", rt);
    if (want_scalar(n, key, what, err) != CS_OK)
        return CS_EINPUT;
    if (cs_number_parse(n->text, &v, msg, sizeof msg) != CS_OK ||
        !in_range(v, r))
        return cs_node_error(err, n, CS_EINPUT, "%s must be %s, got '" QUOTE
                             "'", key, what, n->text);
    *out = v;
    return CS_OK;
}

/* A duration in days; positive = 1 requires > 0, else >= 0. */
static cs_status read_duration(const reader *r, const cs_node *n,
                               const char *key, int positive, double *out)
{
    char msg[256];
    double d;

    if (want_scalar(n, key, "a duration (for example 3d, 4h or 2w)", r->err)
        != CS_OK)
        return CS_EINPUT;
    if (cs_duration_parse(n->text, &r->units, &d, msg, sizeof msg) != CS_OK)
        return cs_node_error(r->err, n, CS_EINPUT, "%s: %s", key, msg);
    if (positive && !(d > 0))
        return cs_node_error(r->err, n, CS_EINPUT, "%s must be a positive "
                             "duration, got '" QUOTE "'", key, n->text);
    *out = d;
    return CS_OK;
}

/* Team names and step ids: [a-z0-9_-]+; class and variant names may also
** use capitals.  At most MAX_NAME characters. */
static int is_ident(const char *s, int capitals)
{
    size_t n = 0;

    for (; s[n] != '\0'; n++) {
        const char c = s[n];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
            c == '-' || (capitals && c >= 'A' && c <= 'Z'))
            continue;
        return 0;
    }
    return n > 0 && n <= MAX_NAME;
}

static cs_status read_ident(const cs_node *n, const char *key, int capitals,
                            cs_error *err)
{
    const char *rule = capitals ? "[A-Za-z0-9_-]+" : "[a-z0-9_-]+";

    if (want_scalar(n, key, "a name", err) != CS_OK)
        return CS_EINPUT;
    if (!is_ident(n->text, capitals))
        return cs_node_error(err, n, CS_EINPUT, "%s must match %s (at most %d "
                             "characters), got '" QUOTE "'", key, rule,
                             MAX_NAME, n->text);
    return CS_OK;
}

/* Free text (names of promises, descriptions): any non-empty scalar,
** without the trailing newline of YAML's block scalars ("key: >"). */
static cs_status read_text(const cs_node *n, const char *key, char **out,
                           cs_error *err)
{
    size_t len;

    if (want_scalar(n, key, "text", err) != CS_OK)
        return CS_EINPUT;
    if ((*out = dup_str(n->text)) == NULL)
        return no_memory(err);
    len = strlen(*out);
    while (len > 0 && ((*out)[len - 1] == '\n' || (*out)[len - 1] == ' '))
        (*out)[--len] = '\0';
    if (len == 0)
        return cs_node_error(err, n, CS_EINPUT, "%s must not be blank", key);
    return CS_OK;
}

/* One of names (NULL-terminated); its index in *out. */
static cs_status read_enum(const cs_node *n, const char *key,
                           const char *const *names, int *out, cs_error *err)
{
    char list[160] = "";
    const char *hint;

    for (int i = 0; names[i] != NULL; i++) {
        if (n->kind == CS_NODE_SCALAR && strcmp(n->text, names[i]) == 0) {
            *out = i;
            return CS_OK;
        }
        if (i > 0)
            strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, names[i], sizeof list - strlen(list) - 1);
    }
    if (n->kind != CS_NODE_SCALAR || cs_node_is_null(n))
        return cs_node_error(err, n, CS_EINPUT, "%s must be one of %s, got %s",
                             key, list, got_kind(n));
    hint = cs_suggest(n->text, names);
    if (hint != NULL)
        return cs_node_error(err, n, CS_EINPUT, "%s must be one of %s, got '"
                             QUOTE "' (did you mean '%s'?)", key, list,
                             n->text, hint);
    return cs_node_error(err, n, CS_EINPUT, "%s must be one of %s, got '"
                         QUOTE "'", key, list, n->text);
}

/* ---------------------------------------------------------------------
** Distributions: the string form "gamma(mean=4d, cv=0.5)" or "3d", and
** the mapping form {dist: gamma, mean: 4d, cv: 0.5}.
*/

static cs_status read_dist_string(const reader *r, const cs_node *n,
                                  const char *key, cs_dist *out)
{
    char msg[256];
    int bad_col = -1;
    int col = n->column;

    if (cs_dist_parse(n->text, &r->units, r->dir, out, msg, sizeof msg,
                      &bad_col) == CS_OK)
        return CS_OK;
    /* The offset is exact only where the text is the source verbatim. */
    if (bad_col > 0 && n->plain && strchr(n->text, '\n') == NULL &&
        (size_t)bad_col < strlen(n->text))
        col += bad_col;
    return cs_error_set(r->err, CS_EINPUT, n->file, n->line, col, "%s: %s",
                        key, msg);
}

/*
** The mapping form.  Every key but `dist` is an argument, passed as text;
** `values` is positional (a list, for empirical(v1, v2, ...), or one
** scalar).  An argument's error is located at its value.
*/
static cs_status read_dist_map(const reader *r, const cs_node *n,
                               const char *key, cs_dist *out)
{
    const long di = cs_node_find(n, "dist");
    const cs_node *dn;
    cs_dist_arg *args = NULL;
    const cs_node **where = NULL;
    size_t nargs = 0, k = 0;
    char msg[256];
    int bad = -1;
    cs_status st = CS_EINPUT;

    if (di < 0)
        return cs_node_error(r->err, n, CS_EINPUT, "%s: a distribution "
                             "mapping needs 'dist' (for example {dist: gamma, "
                             "mean: 4d, cv: 0.5})", key);
    dn = n->children[di];
    if (want_scalar(dn, "dist", "a distribution name", r->err) != CS_OK)
        return CS_EINPUT;
    for (size_t i = 0; i < n->nchildren; i++)
        if ((long)i != di)
            nargs += n->children[i]->kind == CS_NODE_SEQ
                     ? n->children[i]->nchildren : 1;
    args = calloc(nargs + 1, sizeof *args);
    where = calloc(nargs + 1, sizeof *where);
    if (args == NULL || where == NULL) {
        st = no_memory(r->err);
        goto done;
    }
    for (size_t i = 0; i < n->nchildren; i++) {
        const cs_node *c = n->children[i];
        const int positional = strcmp(n->keys[i], "values") == 0;

        if ((long)i == di)
            continue;
        if (positional && c->kind == CS_NODE_SEQ) {
            for (size_t j = 0; j < c->nchildren; j++) {
                if (want_scalar(c->children[j], "values", "a duration",
                                r->err) != CS_OK)
                    goto done;
                args[k].key = NULL;
                args[k].value = c->children[j]->text;
                where[k++] = c->children[j];
            }
            continue;
        }
        if (want_scalar(c, n->keys[i], "a number or a duration", r->err)
            != CS_OK)
            goto done;
        args[k].key = positional ? NULL : n->keys[i];
        args[k].value = c->text;
        where[k++] = c;
    }
    if (cs_dist_build(dn->text, args, k, &r->units, r->dir, out, msg,
                      sizeof msg, &bad) == CS_OK) {
        st = CS_OK;
        goto done;
    }
    st = cs_node_error(r->err, bad >= 0 && (size_t)bad < k ? where[bad] : dn,
                       CS_EINPUT, "%s: %s", key, msg);
done:
    free(args);
    free(where);
    return st;
}

static cs_status read_dist(const reader *r, const cs_node *n, const char *key,
                           cs_dist *out)
{
    if (n->kind == CS_NODE_MAP)
        return read_dist_map(r, n, key, out);
    if (want_scalar(n, key, "a duration or a distribution (for example 3d "
                    "or gamma(mean=4d, cv=0.5))", r->err) != CS_OK)
        return CS_EINPUT;
    return read_dist_string(r, n, key, out);
}

/* ---------------------------------------------------------------------
** Top-level settings.
*/

static cs_status read_units(reader *r, const cs_node *root)
{
    const cs_node *t = cs_node_get(root, "time");
    const cs_node *c;

    if (t == NULL)
        return CS_OK;
    if (want_map(t, "time", r->err) != CS_OK ||
        check_keys(t, time_keys, "time", r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(t, "hours_per_day")) != NULL &&
        read_number(c, "hours_per_day", &R_HOURS, &r->units.hours_per_day,
                    r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(t, "days_per_week")) != NULL &&
        read_number(c, "days_per_week", &R_DAYS, &r->units.days_per_week,
                    r->err) != CS_OK)
        return CS_EINPUT;
    return CS_OK;
}

static cs_status read_version(const reader *r, const cs_node *root)
{
    const cs_node *v = need_key(root, "chainsim", "the scenario", r->err);

    if (v == NULL)
        return CS_EINPUT;
    if (want_scalar(v, "chainsim", "the format version 1", r->err) != CS_OK)
        return CS_EINPUT;
    if (strcmp(v->text, "1") != 0)
        return cs_node_error(r->err, v, CS_EINPUT, "unsupported format "
                             "version '" QUOTE "' (this chainsim reads "
                             "'chainsim: 1')",
                             v->text);
    return CS_OK;
}

static cs_status read_seed(const cs_node *n, uint64_t *out, cs_error *err)
{
    static const char what[] = "an integer from 0 to 18446744073709551615";
    uint64_t v = 0;
    const char *p;

    if (want_scalar(n, "seed", what, err) != CS_OK)
        return CS_EINPUT;
    p = n->text[0] == '+' ? n->text + 1 : n->text;
    if (*p == '\0')
        goto bad;
    for (; *p != '\0'; p++) {
        const uint64_t d = (uint64_t)(*p - '0');
        if (*p < '0' || *p > '9' || v > (UINT64_MAX - d) / 10)
            goto bad;
        v = v * 10 + d;
    }
    *out = v;
    return CS_OK;
bad:
    return cs_node_error(err, n, CS_EINPUT, "seed must be %s, got '" QUOTE "'",
                         what, n->text);
}

static cs_status read_settings(reader *r, const cs_node *root)
{
    cs_model *m = r->m;
    const cs_node *c;
    long v;

    if ((c = need_key(root, "name", "the scenario", r->err)) == NULL ||
        read_text(c, "name", &m->name, r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(root, "description")) != NULL &&
        !cs_node_is_null(c) &&
        read_text(c, "description", &m->description, r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(root, "horizon")) != NULL &&
        read_duration(r, c, "horizon", 1, &m->horizon) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(root, "warmup")) != NULL) {
        if (c->kind == CS_NODE_SCALAR && strcmp(c->text, "auto") == 0) {
            m->warmup_auto = 1;
        } else {
            if (read_duration(r, c, "warmup", 0, &m->warmup) != CS_OK)
                return CS_EINPUT;
            if (m->warmup >= m->horizon)
                return cs_node_error(r->err, c, CS_EINPUT, "warmup (%gd) must "
                                     "be shorter than the horizon (%gd)",
                                     m->warmup, m->horizon);
        }
    }
    if ((c = cs_node_get(root, "replications")) != NULL) {
        if (read_int(c, "replications", 1, MAX_REPLICATIONS, &v, r->err)
            != CS_OK)
            return CS_EINPUT;
        m->replications = (unsigned)v;
    }
    if ((c = cs_node_get(root, "seed")) != NULL &&
        read_seed(c, &m->seed, r->err) != CS_OK)
        return CS_EINPUT;
    return CS_OK;
}

/* ---------------------------------------------------------------------
** Teams.
*/

static cs_status read_team(const reader *r, const cs_node *n, cs_team *t)
{
    const cs_node *c;
    int v;

    if (want_map(n, "each team", r->err) != CS_OK ||
        check_keys(n, team_keys, "team", r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = need_key(n, "name", "team", r->err)) == NULL ||
        read_ident(c, "team name", 0, r->err) != CS_OK)
        return CS_EINPUT;
    if ((t->name = dup_str(c->text)) == NULL)
        return no_memory(r->err);
    t->capacity = 1;
    t->focus = 1.0;
    t->pos.line = n->line;
    t->pos.column = n->column;
    if ((c = cs_node_get(n, "type")) != NULL) {
        if (read_enum(c, "type", type_names, &v, r->err) != CS_OK)
            return CS_EINPUT;
        t->type = (cs_team_type)v;
    }
    if ((c = cs_node_get(n, "capacity")) != NULL &&
        read_int_field(c, "capacity", 1, MAX_CAPACITY, &t->capacity, r->err)
        != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "wip_limit")) != NULL &&
        read_int_field(c, "wip_limit", 1, MAX_WIP_LIMIT, &t->wip_limit,
                       r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "discipline")) != NULL) {
        if (read_enum(c, "discipline", discipline_names, &v, r->err) != CS_OK)
            return CS_EINPUT;
        t->discipline = (cs_discipline)v;
    }
    if ((c = cs_node_get(n, "handoff")) != NULL) {
        if (read_dist(r, c, "handoff", &t->handoff) != CS_OK)
            return CS_EINPUT;
        t->has_handoff = 1;
    }
    if ((c = cs_node_get(n, "focus")) != NULL &&
        read_number(c, "focus", &R_PROB, &t->focus, r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "cost_per_day")) != NULL &&
        read_number(c, "cost_per_day", &R_NONNEG, &t->cost_per_day, r->err)
        != CS_OK)
        return CS_EINPUT;
    return CS_OK;
}

static cs_status read_teams(const reader *r, const cs_node *root)
{
    const cs_node *list = need_key(root, "teams", "the scenario", r->err);
    cs_model *m = r->m;

    if (list == NULL || want_list(list, "teams", "team", r->err) != CS_OK ||
        check_length(list, MAX_TEAMS, "teams", r->err) != CS_OK)
        return CS_EINPUT;
    m->teams = calloc(list->nchildren, sizeof *m->teams);
    if (m->teams == NULL)
        return no_memory(r->err);
    m->nteams = (int)list->nchildren;
    for (int i = 0; i < m->nteams; i++) {
        const cs_node *n = list->children[i];
        int prev;

        if (read_team(r, n, &m->teams[i]) != CS_OK)
            return CS_EINPUT;
        for (prev = 0; prev < i; prev++)
            if (strcmp(m->teams[prev].name, m->teams[i].name) == 0)
                return cs_node_error(r->err, cs_node_get(n, "name"),
                                     CS_EINPUT, "duplicate team name '%s' "
                                     "(first at line %d)", m->teams[i].name,
                                     m->teams[prev].pos.line);
    }
    return CS_OK;
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

static cs_status read_team_ref(const reader *r, const cs_node *n, int *out)
{
    const char **names;
    const char *hint;
    cs_status st;

    if (want_scalar(n, "team", "a team name", r->err) != CS_OK)
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
        return no_memory(r->err);
    hint = cs_suggest(n->text, names);
    if (hint != NULL)
        st = cs_node_error(r->err, n, CS_EINPUT, "unknown team '" QUOTE "' "
                           "(did you mean '%s'?)", n->text, hint);
    else
        st = cs_node_error(r->err, n, CS_EINPUT, "unknown team '" QUOTE "'",
                           n->text);
    free(names);
    return st;
}

static cs_status read_rework(const reader *r, const cs_node *n, cs_step *s,
                             step_src *src)
{
    const cs_node *c;

    if (want_map(n, "rework", r->err) != CS_OK ||
        check_keys(n, rework_keys, "rework", r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = need_key(n, "p", "rework", r->err)) == NULL ||
        read_number(c, "rework p", &R_REWORK, &s->rework_p, r->err) != CS_OK)
        return CS_EINPUT;
    if ((src->to = need_key(n, "to", "rework", r->err)) == NULL ||
        want_scalar(src->to, "rework to", "a step id", r->err) != CS_OK)
        return CS_EINPUT;
    s->rework_factor = 1.0;
    if ((c = cs_node_get(n, "effort")) != NULL &&
        read_number(c, "rework effort (a factor on repeated efforts)",
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
        return cs_node_key_error(err, n, key_index(n, "parallel"), CS_EINPUT,
                                 "parallel steps cannot be nested");
    if (branch && cs_node_find(n, "rework") >= 0)
        return cs_node_key_error(err, n, key_index(n, "rework"), CS_EINPUT,
                                 "a parallel branch cannot have 'rework' "
                                 "(put it beside 'parallel')");
    if (parallel && cs_node_find(n, "team") >= 0)
        return cs_node_key_error(err, n, key_index(n, "team"), CS_EINPUT,
                                 "a step has either 'team' or 'parallel', not "
                                 "both");
    if (parallel && cs_node_find(n, "effort") >= 0)
        return cs_node_key_error(err, n, key_index(n, "effort"), CS_EINPUT,
                                 "'effort' belongs to each branch of a "
                                 "parallel step");
    if (!parallel && cs_node_find(n, "team") < 0)
        return cs_node_error(err, n, CS_EINPUT, "a step needs 'team' (a work "
                             "step) or 'parallel' (a fork-join step)");
    return CS_OK;
}

/* A work step (top-level or branch) or the shared keys of a parallel one. */
static cs_status read_step_common(const reader *r, const cs_node *n,
                                  int branch, cs_step *s, step_src *src)
{
    const cs_node *c;

    if (want_map(n, branch ? "each branch" : "each step", r->err) != CS_OK)
        return CS_EINPUT;
    if (check_keys(n, step_keys, branch ? "parallel branch" : "step", r->err)
        != CS_OK || check_step_mix(n, branch, r->err) != CS_OK)
        return CS_EINPUT;
    s->pos.line = n->line;
    s->pos.column = n->column;
    s->p = 1.0;
    s->rework_factor = 1.0;
    if ((c = cs_node_get(n, "id")) != NULL) {
        if (read_ident(c, "id", 1, r->err) != CS_OK)
            return CS_EINPUT;
        if ((s->id = dup_str(c->text)) == NULL)
            return no_memory(r->err);
        src->id = c;
        src->referable = 1;
    }
    if ((c = cs_node_get(n, "p")) != NULL &&
        read_number(c, "p", &R_PROB, &s->p, r->err) != CS_OK)
        return CS_EINPUT;
    if (cs_node_get(n, "parallel") != NULL)
        return CS_OK;
    s->kind = CS_STEP_WORK;
    src->team = cs_node_get(n, "team");
    if (read_team_ref(r, src->team, &s->team) != CS_OK)
        return CS_EINPUT;
    if ((c = need_key(n, "effort", "step", r->err)) == NULL ||
        read_dist(r, c, "effort", &s->effort) != CS_OK)
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
static cs_status read_route(const reader *r, const cs_node *list, cs_class *k,
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
        if (want_list(par, "parallel", "branch", r->err) != CS_OK)
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
static cs_status check_ids(const reader *r, const cs_class *k,
                           const step_src *src)
{
    name_key *keys = malloc(((size_t)k->nsteps + 1) * sizeof *keys);
    size_t n = 0;
    int i = -1, j = -1;

    if (keys == NULL)
        return no_memory(r->err);
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

static cs_status assign_ids(const reader *r, cs_class *k, step_src *src)
{
    const cs_model *m = r->m;

    for (int i = 0; i < k->nsteps; i++) {
        cs_step *s = &k->steps[i];
        int uses = 0, nth = 0;
        char buf[MAX_NAME + 16];

        if (s->id != NULL || s->kind != CS_STEP_WORK)
            continue;
        for (int j = 0; j < k->nsteps; j++)
            if (k->steps[j].kind == CS_STEP_WORK &&
                k->steps[j].team == s->team) {
                uses++;
                nth += j <= i;
            }
        if (uses == 1) {
            s->id = dup_str(m->teams[s->team].name);
            src[i].referable = 1;
        } else {
            snprintf(buf, sizeof buf, "%s#%d", m->teams[s->team].name, nth);
            s->id = dup_str(buf);
        }
        if (s->id == NULL)
            return no_memory(r->err);
    }
    return check_ids(r, k, src);
}

/* Why `to` names no top-level step: the most helpful message. */
static cs_status bad_rework_target(const reader *r, const cs_class *k,
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
        return no_memory(r->err);
    for (int j = 0; j < k->nsteps; j++)
        if (src[j].referable && src[j].top >= 0)
            ids[n++] = k->steps[j].id;
    hint = cs_suggest(to->text, ids);
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
static cs_status resolve_rework(const reader *r, cs_class *k,
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

static cs_status read_steps(const reader *r, const cs_node *cls, cs_class *k)
{
    const cs_node *list = need_key(cls, "steps", "class", r->err);
    step_src *src = NULL;
    size_t total;
    cs_status st;

    if (list == NULL || want_list(list, "steps", "step", r->err) != CS_OK ||
        check_length(list, MAX_STEPS, "steps", r->err) != CS_OK)
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
        return no_memory(r->err);
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

static cs_status read_arrivals(const reader *r, const cs_node *n, cs_class *k)
{
    const long ri = cs_node_find(n, "rate"), ii = cs_node_find(n, "interval");
    const cs_node *c;
    char msg[256];

    if (want_map(n, "arrivals", r->err) != CS_OK ||
        check_keys(n, arrival_keys, "arrivals", r->err) != CS_OK)
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
        if (want_scalar(c, "rate", "a rate (for example 3/w or 12/4w)", r->err)
            != CS_OK)
            return CS_EINPUT;
        if (cs_rate_parse(c->text, &r->units, &k->rate, msg, sizeof msg)
            != CS_OK)
            return cs_node_error(r->err, c, CS_EINPUT, "rate: %s", msg);
        k->arrival = CS_ARRIVE_RATE;
    } else {
        c = n->children[ii];
        if (read_dist(r, c, "interval", &k->interval) != CS_OK)
            return CS_EINPUT;
        k->arrival = CS_ARRIVE_INTERVAL;
        if (!(cs_dist_mean(&k->interval) > 0))
            return cs_node_error(r->err, c, CS_EINPUT, "interval must have a "
                                 "positive mean");
    }
    if ((c = cs_node_get(n, "batch")) != NULL &&
        read_int_field(c, "batch", 1, MAX_BATCH, &k->batch, r->err) != CS_OK)
        return CS_EINPUT;
    return CS_OK;
}

static cs_status read_class(const reader *r, const cs_node *n, cs_class *k)
{
    const cs_node *c;

    if (want_map(n, "each class of work", r->err) != CS_OK ||
        check_keys(n, class_keys, "class", r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = need_key(n, "name", "class", r->err)) == NULL ||
        read_ident(c, "class name", 1, r->err) != CS_OK)
        return CS_EINPUT;
    if ((k->name = dup_str(c->text)) == NULL)
        return no_memory(r->err);
    k->batch = 1;
    k->pos.line = n->line;
    k->pos.column = n->column;
    if ((c = cs_node_get(n, "priority")) != NULL &&
        read_int_field(c, "priority", -MAX_PRIORITY, MAX_PRIORITY,
                       &k->priority, r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "due")) != NULL) {
        if (read_duration(r, c, "due", 1, &k->due) != CS_OK)
            return CS_EINPUT;
        k->has_due = 1;
    }
    if ((c = cs_node_get(n, "arrivals")) != NULL &&
        read_arrivals(r, c, k) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "backlog")) != NULL &&
        read_int_field(c, "backlog", 0, MAX_BACKLOG, &k->backlog, r->err)
        != CS_OK)
        return CS_EINPUT;
    if (k->arrival == CS_ARRIVE_NONE && k->backlog == 0)
        return cs_node_error(r->err, n, CS_EINPUT, "class '%s' needs "
                             "'arrivals' or a 'backlog' > 0, or it never "
                             "receives work", k->name);
    return read_steps(r, n, k);
}

static cs_status read_classes(const reader *r, const cs_node *root)
{
    const cs_node *list = need_key(root, "work", "the scenario", r->err);
    cs_model *m = r->m;

    if (list == NULL || want_list(list, "work", "class", r->err) != CS_OK ||
        check_length(list, MAX_CLASSES, "classes of work", r->err) != CS_OK)
        return CS_EINPUT;
    m->classes = calloc(list->nchildren, sizeof *m->classes);
    if (m->classes == NULL)
        return no_memory(r->err);
    m->nclasses = (int)list->nchildren;
    for (int i = 0; i < m->nclasses; i++) {
        const cs_node *n = list->children[i];

        if (read_class(r, n, &m->classes[i]) != CS_OK)
            return CS_EINPUT;
        for (int prev = 0; prev < i; prev++)
            if (strcmp(m->classes[prev].name, m->classes[i].name) == 0)
                return cs_node_error(r->err, cs_node_get(n, "name"),
                                     CS_EINPUT, "duplicate class name '%s' "
                                     "(first at line %d)", m->classes[i].name,
                                     m->classes[prev].pos.line);
    }
    return CS_OK;
}

/* ---------------------------------------------------------------------
** Promises.
*/

/*
** "N/PERIOD": N items (a number > 0) per PERIOD (a duration > 0, or a bare
** unit meaning one of it: "40/65d", "3/w", "120/52w").
*/
static cs_status parse_throughput(const reader *r, const char *s,
                                  double *count, double *per, char *msg,
                                  size_t size)
{
    const char *slash = strchr(s, '/');
    const char *period;
    char num[64], unit[8];

    if (slash == NULL || (size_t)(slash - s) >= sizeof num) {
        snprintf(msg, size, "expected N/PERIOD (for example 40/65d or 3/w), "
                 "got '" QUOTE "'", s);
        return CS_EINPUT;
    }
    memcpy(num, s, (size_t)(slash - s));
    num[slash - s] = '\0';
    if (cs_number_parse(num, count, msg, size) != CS_OK)
        return CS_EINPUT;
    if (!(*count > 0)) {
        snprintf(msg, size, "the count must be positive, got '%s'", num);
        return CS_EINPUT;
    }
    period = slash + 1;
    if (strcmp(period, "h") == 0 || strcmp(period, "d") == 0 ||
        strcmp(period, "w") == 0) {
        snprintf(unit, sizeof unit, "1%s", period);
        period = unit;
    }
    if (cs_duration_parse(period, &r->units, per, msg, size) != CS_OK)
        return CS_EINPUT;
    if (!(*per > 0)) {
        snprintf(msg, size, "the period must be positive, got '" QUOTE "'",
                 slash + 1);
        return CS_EINPUT;
    }
    return CS_OK;
}

static cs_status read_class_ref(const reader *r, const cs_node *n, int *out)
{
    const char **names;
    const char *hint;
    cs_status st;

    if (want_scalar(n, "work", "a class name", r->err) != CS_OK)
        return CS_EINPUT;
    if ((*out = cs_model_class_index(r->m, n->text)) >= 0)
        return CS_OK;
    names = calloc((size_t)r->m->nclasses + 1, sizeof *names);
    if (names == NULL)
        return no_memory(r->err);
    for (int c = 0; c < r->m->nclasses; c++)
        names[c] = r->m->classes[c].name;
    hint = cs_suggest(n->text, names);
    if (hint != NULL)
        st = cs_node_error(r->err, n, CS_EINPUT, "unknown class '" QUOTE "' "
                           "(did you mean '%s'?)", n->text, hint);
    else
        st = cs_node_error(r->err, n, CS_EINPUT, "unknown class '" QUOTE "'",
                           n->text);
    free(names);
    return st;
}

static cs_status read_lead_time(const reader *r, const cs_node *n,
                                cs_promise *p)
{
    const cs_node *c;
    double pct;

    if (cs_node_find(n, "throughput") >= 0)
        return cs_node_key_error(r->err, n, key_index(n, "throughput"),
                                 CS_EINPUT, "a promise has either 'within' "
                                 "(lead time) or 'throughput', not both");
    if (read_duration(r, cs_node_get(n, "within"), "within", 1, &p->within)
        != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "percentile")) == NULL)
        return cs_node_error(r->err, n, CS_EINPUT, "promise '%s' is missing "
                             "'percentile' (the share of items, in percent, "
                             "that must be done within %s)", p->name,
                             cs_node_get(n, "within")->text);
    if (read_number(c, "percentile", &R_PERCENT, &pct, r->err) != CS_OK)
        return CS_EINPUT;
    p->kind = CS_PROMISE_LEAD_TIME;
    p->target = pct / 100.0;
    return CS_OK;
}

static cs_status read_promise(const reader *r, const cs_node *n,
                              cs_promise *p)
{
    const cs_node *c;
    char msg[256];

    if (want_map(n, "each promise", r->err) != CS_OK ||
        check_keys(n, promise_keys, "promise", r->err) != CS_OK)
        return CS_EINPUT;
    if ((c = need_key(n, "name", "promise", r->err)) == NULL ||
        read_text(c, "promise name", &p->name, r->err) != CS_OK)
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
        return cs_node_key_error(r->err, n, key_index(n, "percentile"),
                                 CS_EINPUT, "'percentile' goes with 'within', "
                                 "not with 'throughput'");
    if (want_scalar(c, "throughput", "N/PERIOD (for example 40/65d)", r->err)
        != CS_OK)
        return CS_EINPUT;
    if (parse_throughput(r, c->text, &p->target, &p->per, msg, sizeof msg)
        != CS_OK)
        return cs_node_error(r->err, c, CS_EINPUT, "throughput: %s", msg);
    p->kind = CS_PROMISE_THROUGHPUT;
    return CS_OK;
}

static cs_status read_promises(const reader *r, const cs_node *root)
{
    const cs_node *list = need_key(root, "promise", "the scenario", r->err);
    cs_model *m = r->m;

    if (list == NULL ||
        want_list(list, "promise", "promise", r->err) != CS_OK ||
        check_length(list, MAX_PROMISES, "promises", r->err) != CS_OK)
        return CS_EINPUT;
    m->promises = calloc(list->nchildren, sizeof *m->promises);
    if (m->promises == NULL)
        return no_memory(r->err);
    m->npromises = (int)list->nchildren;
    for (int i = 0; i < m->npromises; i++) {
        const cs_node *n = list->children[i];

        if (read_promise(r, n, &m->promises[i]) != CS_OK)
            return CS_EINPUT;
        for (int prev = 0; prev < i; prev++)
            if (strcmp(m->promises[prev].name, m->promises[i].name) == 0)
                return cs_node_error(r->err, cs_node_get(n, "name"),
                                     CS_EINPUT, "duplicate promise name '"
                                     QUOTE "' (first at line %d)",
                                     m->promises[i].name,
                                     m->promises[prev].pos.line);
    }
    return CS_OK;
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
static cs_status check_size(const reader *r, const cs_node *root)
{
    const cs_model *m = r->m;
    const cs_node *work = cs_node_get(root, "work");
    double total = 0.0, worst = -1.0;
    long backlog = 0;
    int at = 0;

    for (int c = 0; c < m->nclasses; c++) {
        const double items = cs_model_class_rate(m, c) * m->horizon +
                             m->classes[c].backlog;
        const double visits = items * cs_model_class_visits(m, c);
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
                             shown(cs_model_class_rate(m, at) * m->horizon +
                                   k->backlog), m->horizon,
                             shown(cs_model_class_visits(m, at)), MAX_VISITS);
    }
}

/* The teams sorted by name, so each step finds its team in log time. */
static cs_status index_teams(reader *r)
{
    const cs_model *m = r->m;

    r->teams_by_name = malloc(((size_t)m->nteams + 1) *
                              sizeof *r->teams_by_name);
    if (r->teams_by_name == NULL)
        return no_memory(r->err);
    for (int t = 0; t < m->nteams; t++) {
        r->teams_by_name[t].name = m->teams[t].name;
        r->teams_by_name[t].index = t;
    }
    qsort(r->teams_by_name, (size_t)m->nteams, sizeof *r->teams_by_name,
          cmp_name_key);
    return CS_OK;
}

static cs_status read_model(reader *r, const cs_node *root)
{
    if (check_keys(root, top_keys, "the scenario", r->err) != CS_OK ||
        read_version(r, root) != CS_OK || read_units(r, root) != CS_OK)
        return CS_EINPUT;
    r->m->units = r->units;
    if (read_settings(r, root) != CS_OK || read_teams(r, root) != CS_OK ||
        index_teams(r) != CS_OK || read_classes(r, root) != CS_OK ||
        read_promises(r, root) != CS_OK)
        return r->err != NULL && r->err->status != CS_OK ? r->err->status
                                                         : CS_EINPUT;
    return check_size(r, root);
}

cs_status cs_model_from_node(const cs_node *root, const char *dir,
                             cs_model **out, cs_error *err)
{
    cs_error local;
    reader r;
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
                             "...), got %s", got_kind(root));
    r.err = err;
    r.dir = dir != NULL ? dir : ".";
    r.units = cs_units_default();
    r.teams_by_name = NULL;
    if ((r.m = cs_model_new()) == NULL)
        return no_memory(err);
    if ((r.m->variant = dup_str("baseline")) == NULL) {
        cs_model_free(r.m);
        return no_memory(err);
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
** Scenarios: the base document, its variants and the overrides.
*/

typedef struct variant_def {
    char *name;
    char *hypothesis;        /* NULL when none */
    const cs_node *patch;    /* borrowed from the base tree; NULL = none */
} variant_def;

struct cs_scenario {
    cs_doc *doc;
    variant_def *variants;
    size_t nvariants;
    char **overrides;        /* "--set" assignments, in order */
    size_t noverrides;
};

/* Notes the variant in a message, so "check" says which one broke. */
static void note_variant(cs_error *err, const char *name)
{
    const size_t used = strlen(err->msg);

    if (err->status != CS_ENOMEM)
        snprintf(err->msg + used, sizeof err->msg - used,
                 " (in variant '%s')", name);
}

static cs_status name_variant(cs_model *m, const variant_def *var,
                              cs_error *err)
{
    free(m->variant);
    m->variant = dup_str(var->name);
    if (var->hypothesis != NULL)
        m->hypothesis = dup_str(var->hypothesis);
    if (m->variant == NULL ||
        (var->hypothesis != NULL && m->hypothesis == NULL))
        return no_memory(err);
    return CS_OK;
}

/*
** A document to run --set on: the tree root (taken) inside a cs_doc, so
** the nodes the assignments make borrow strings the doc owns.  The doc
** must outlive any use of those nodes (errors copy their file name).
*/
static cs_status wrap_tree(const cs_scenario *s, cs_node *root, cs_doc **out,
                           cs_error *err)
{
    cs_doc *d = NULL;
    cs_status st = cs_doc_load_string(s->doc->file, "{}", 2, &d, err);

    if (st != CS_OK) {
        cs_node_free(root);
        return st;
    }
    cs_node_free(d->root);
    d->root = root;
    *out = d;
    return CS_OK;
}

/*
** The document of variant v (-1 = baseline) with the first nover
** overrides applied: a clone of the base, the variant's patch merged in,
** then each override.  *root receives the tree and, when overrides were
** applied, *d the document that owns it (their nodes borrow its strings).
** The caller frees both.
*/
static cs_status variant_tree(const cs_scenario *s, long v, size_t nover,
                              cs_node **root, cs_doc **d, cs_error *err)
{
    const variant_def *var = v >= 0 ? &s->variants[v] : NULL;
    cs_status st = CS_OK;

    *d = NULL;
    *root = cs_node_clone(s->doc->root);
    if (*root == NULL)
        return no_memory(err);
    if (var != NULL && var->patch != NULL)
        st = cs_doc_merge(root, var->patch, err);
    if (st == CS_OK && nover > 0) {
        st = wrap_tree(s, *root, d, err);
        *root = NULL;
        for (size_t i = 0; i < nover && st == CS_OK; i++)
            st = cs_doc_set(*d, s->overrides[i], err);
        if (*d != NULL)
            *root = (*d)->root;
    }
    return st;
}

/* Builds variant v (-1 = baseline) with the first nover overrides. */
static cs_status build(const cs_scenario *s, long v, size_t nover,
                       cs_model **out, cs_error *err)
{
    const variant_def *var = v >= 0 ? &s->variants[v] : NULL;
    cs_node *root = NULL;
    cs_doc *d = NULL;
    cs_status st = variant_tree(s, v, nover, &root, &d, err);

    *out = NULL;
    if (st == CS_OK)
        st = cs_model_from_node(root, s->doc->dir, out, err);
    if (st == CS_OK && var != NULL)
        st = name_variant(*out, var, err);
    if (st != CS_OK && var != NULL)
        note_variant(err, var->name);
    if (st != CS_OK) {
        cs_model_free(*out);
        *out = NULL;
    }
    if (d == NULL)
        cs_node_free(root);
    cs_doc_free(d);
    return st;
}

static cs_status read_variant(cs_scenario *s, const cs_node *n,
                              variant_def *v, cs_error *err)
{
    const cs_node *c;

    if (want_map(n, "each variant", err) != CS_OK ||
        check_keys(n, variant_keys, "variant", err) != CS_OK)
        return CS_EINPUT;
    if ((c = need_key(n, "name", "variant", err)) == NULL ||
        read_ident(c, "variant name", 1, err) != CS_OK)
        return CS_EINPUT;
    if (strcmp(c->text, "baseline") == 0)
        return cs_node_error(err, c, CS_EINPUT, "'baseline' is the name of "
                             "the base scenario; choose another variant name");
    for (size_t i = 0; i < s->nvariants; i++)
        if (strcmp(s->variants[i].name, c->text) == 0)
            return cs_node_error(err, c, CS_EINPUT, "duplicate variant name "
                                 "'%s'", c->text);
    if ((v->name = dup_str(c->text)) == NULL)
        return no_memory(err);
    if ((c = cs_node_get(n, "hypothesis")) != NULL && !cs_node_is_null(c) &&
        read_text(c, "hypothesis", &v->hypothesis, err) != CS_OK)
        return CS_EINPUT;
    if ((c = cs_node_get(n, "patch")) == NULL || cs_node_is_null(c))
        return CS_OK;
    if (want_map(c, "patch", err) != CS_OK)
        return CS_EINPUT;
    if (cs_node_find(c, "variants") >= 0)
        return cs_node_key_error(err, c, key_index(c, "variants"), CS_EINPUT,
                                 "a variant's patch cannot change 'variants'");
    v->patch = c;
    return CS_OK;
}

/* Nodes in a tree (keys not counted); depth is bounded by the loader. */
static double count_nodes(const cs_node *n)
{
    double c = 1.0;

    if (n == NULL)
        return 0.0;
    for (size_t i = 0; i < n->nchildren; i++)
        c += count_nodes(n->children[i]);
    return c;
}

static cs_status read_variants(cs_scenario *s, cs_error *err)
{
    const cs_node *list = cs_node_get(s->doc->root, "variants");

    if (list == NULL || cs_node_is_null(list))
        return CS_OK;
    if (list->kind != CS_NODE_SEQ)
        return cs_node_error(err, list, CS_EINPUT, "variants must be a list "
                             "of variants, got %s", got_kind(list));
    if (check_length(list, MAX_VARIANTS, "variants", err) != CS_OK)
        return CS_EINPUT;
    {
        const double nodes = count_nodes(s->doc->root);
        if (((double)list->nchildren + 1) * nodes > MAX_VARIANT_NODES)
            return cs_node_error(err, list, CS_EINPUT, "too many variants for "
                                 "the size of the scenario: each of the %zu "
                                 "variants is built from a copy of its %.0f "
                                 "YAML nodes, at most %.0f nodes in all; use "
                                 "fewer variants or a smaller file",
                                 list->nchildren, nodes, MAX_VARIANT_NODES);
    }
    s->variants = calloc(list->nchildren + 1, sizeof *s->variants);
    if (s->variants == NULL)
        return no_memory(err);
    for (size_t i = 0; i < list->nchildren; i++) {
        cs_status st = read_variant(s, list->children[i],
                                    &s->variants[s->nvariants], err);
        /* Counted even when incomplete, so cs_scenario_free frees it. */
        s->nvariants++;
        if (st != CS_OK)
            return st;
    }
    return CS_OK;
}

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
        return no_memory(err);
    }
    s->doc = doc;
    st = cs_model_from_node(doc->root, doc->dir, &m, err);
    cs_model_free(m);
    if (st == CS_OK)
        st = read_variants(s, err);
    for (size_t i = 0; i < s->nvariants && st == CS_OK; i++) {
        st = build(s, (long)i, 0, &m, err);
        cs_model_free(m);
    }
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

/*
** The new override's path must run through the base document with every
** earlier override applied; failing that (a path through a team or class
** only a variant adds, say), through at least one variant's, or the
** base's error is returned and the override dropped.  The values are
** validated when a model is built, after every override: so
** "promise=null" followed by "promise=[...]" replaces a named list.
*/
cs_status cs_scenario_add_override(cs_scenario *s, const char *assignment,
                                   cs_error *err)
{
    char **grown = realloc(s->overrides,
                           (s->noverrides + 1) * sizeof *s->overrides);
    cs_error first;
    cs_status st = CS_EINPUT;

    cs_error_clear(err);
    cs_error_clear(&first);
    if (grown == NULL)
        return no_memory(err);
    s->overrides = grown;
    /* overrides apply to the models built from the base and each variant,
       so the list of variants itself is not theirs to change */
    if (strncmp(assignment, "variants", 8) == 0 &&
        (assignment[8] == '.' || assignment[8] == '='))
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0,
                            "--set %s: the variants are read from the "
                            "scenario file; choose one with --variant, or "
                            "edit the file", assignment);
    if ((s->overrides[s->noverrides] = dup_str(assignment)) == NULL)
        return no_memory(err);
    s->noverrides++;
    for (long v = -1; v < (long)s->nvariants && st == CS_EINPUT; v++) {
        cs_error ignored;
        cs_node *root = NULL;
        cs_doc *d = NULL;
        st = variant_tree(s, v, s->noverrides, &root, &d,
                          v < 0 ? &first : &ignored);
        if (d == NULL)
            cs_node_free(root);
        cs_doc_free(d);
    }
    if (st == CS_OK)
        return CS_OK;
    s->noverrides--;
    free(s->overrides[s->noverrides]);
    if (err != NULL)
        *err = st == CS_EINPUT ? first : (cs_error){0};
    if (err != NULL && st != CS_EINPUT)
        cs_error_set(err, st, NULL, 0, 0, "out of memory");
    return st;
}

size_t cs_scenario_nvariants(const cs_scenario *s)
{
    return s->nvariants;
}

const char *cs_scenario_variant_name(const cs_scenario *s, size_t i)
{
    return i < s->nvariants ? s->variants[i].name : NULL;
}

long cs_scenario_variant_index(const cs_scenario *s, const char *name)
{
    for (size_t i = 0; i < s->nvariants; i++)
        if (strcmp(s->variants[i].name, name) == 0)
            return (long)i;
    return -1;
}

cs_status cs_scenario_build(const cs_scenario *s, long variant, cs_model **out,
                            cs_error *err)
{
    cs_error local;

    *out = NULL;
    if (err == NULL)
        err = &local;
    cs_error_clear(err);
    if (variant < -1 || variant >= (long)s->nvariants)
        return cs_error_set(err, CS_EINPUT, NULL, 0, 0, "no variant number "
                            "%ld in %s", variant, s->doc->file);
    return build(s, variant, s->noverrides, out, err);
}

const char *cs_scenario_file(const cs_scenario *s)
{
    return s->doc->file;
}

/* BEGIN temporary clone */
/* Nodes of a loaded document borrow its file name: point them at the
** copy's. */
static void rehome(cs_node *n, const char *from, const char *to)
{
    if (n->file == from)
        n->file = to;
    for (size_t i = 0; i < n->nchildren; i++)
        rehome(n->children[i], from, to);
}

static cs_status clone_overrides(const cs_scenario *s, cs_scenario *c,
                                 cs_error *err)
{
    if (s->noverrides == 0)
        return CS_OK;
    c->overrides = calloc(s->noverrides, sizeof *c->overrides);
    if (c->overrides == NULL)
        return no_memory(err);
    for (; c->noverrides < s->noverrides; c->noverrides++)
        if ((c->overrides[c->noverrides] =
                 dup_str(s->overrides[c->noverrides])) == NULL)
            return no_memory(err);
    return CS_OK;
}

cs_status cs_scenario_clone(const cs_scenario *s, cs_scenario **out,
                            cs_error *err)
{
    cs_scenario *c = calloc(1, sizeof *c);
    cs_status st;

    *out = NULL;
    if (c == NULL)
        return no_memory(err);
    st = cs_doc_load_string(s->doc->file, "{}", 2, &c->doc, err);
    if (st != CS_OK) {
        free(c);
        return st;
    }
    cs_node_free(c->doc->root);
    c->doc->root = cs_node_clone(s->doc->root);
    free(c->doc->dir);
    c->doc->dir = dup_str(s->doc->dir);
    if (c->doc->root == NULL || c->doc->dir == NULL) {
        st = no_memory(err);
        goto fail;
    }
    rehome(c->doc->root, s->doc->file, c->doc->file);
    if ((st = read_variants(c, err)) != CS_OK ||
        (st = clone_overrides(s, c, err)) != CS_OK)
        goto fail;
    *out = c;
    return CS_OK;
fail:
    cs_scenario_free(c);
    return st;
}
/* END temporary clone */
