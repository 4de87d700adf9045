/*
** reader.c - typed readers of scenario values from cs_node trees: keys,
** scalars, integers, numbers in ranges, durations, rates, names, enums,
** distributions, and lists of named elements.
**
** Every reader checks the node's kind first ("must be a number, got a
** list") and reports a located CS_EINPUT error at the offending node or
** key.  The messages are part of the interface (SPEC 1.5): tests and
** users match them.
*/
#include "chainsim/reader.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/dist.h"
#include "chainsim/distparse.h"
#include "chainsim/error.h"
#include "chainsim/node.h"
#include "chainsim/str.h"
#include "node_int.h"

/* Longest piece of user text quoted in a message. */
#define QUOTE CS_READER_QUOTE

/* ---------------------------------------------------------------------
** Keys, kinds, scalars and numbers.
*/

cs_status cs_reader_nomem(cs_error *err)
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
cs_status cs_reader_check_keys(const cs_node *map, const char *const *allowed,
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
        hint = cs_error_suggest(map->keys[i], allowed);
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
const cs_node *cs_reader_need_key(const cs_node *map, const char *key,
                                  const char *where, cs_error *err)
{
    const cs_node *c = cs_node_get(map, key);

    if (c == NULL)
        cs_node_error(err, map, CS_EINPUT, "%s is missing '%s'", where, key);
    return c;
}

/* Index of a key in map (asserted present by the caller's logic), as
** size_t for cs_node_key_error. */
size_t cs_reader_key_index(const cs_node *map, const char *key)
{
    const long i = cs_node_find(map, key);

    return i < 0 ? 0 : (size_t)i;
}

/* What a node is, for "got ..." in messages. */
const char *cs_reader_got_kind(const cs_node *n)
{
    if (n->kind == CS_NODE_SCALAR && cs_node_is_null(n))
        return n->text[0] == '\0' ? "an empty value" : "null";
    return cs_node_kind_name(n);
}

/* n must be a non-null scalar; what describes the expected value. */
cs_status cs_reader_want_scalar(const cs_node *n, const char *key,
                                const char *what, cs_error *err)
{
    if (n->kind == CS_NODE_SCALAR && !cs_node_is_null(n))
        return CS_OK;
    return cs_node_error(err, n, CS_EINPUT, "%s must be %s, got %s", key, what,
                         cs_reader_got_kind(n));
}

cs_status cs_reader_want_map(const cs_node *n, const char *what, cs_error *err)
{
    if (n->kind == CS_NODE_MAP)
        return CS_OK;
    return cs_node_error(err, n, CS_EINPUT, "%s must be a mapping, got %s",
                         what, cs_reader_got_kind(n));
}

/* n must be a non-empty list; item names one element for the message. */
/* "es" after a word that ends in s, x, ch or sh ("branches"), else "s". */
static const char *plural(const char *word)
{
    const size_t n = strlen(word);

    if (n > 0 && (word[n - 1] == 's' || word[n - 1] == 'x' ||
                  (n > 1 && word[n - 1] == 'h' &&
                   (word[n - 2] == 'c' || word[n - 2] == 's'))))
        return "es";
    return "s";
}

cs_status cs_reader_want_list(const cs_node *n, const char *key,
                              const char *item, cs_error *err)
{
    if (n->kind != CS_NODE_SEQ)
        return cs_node_error(err, n, CS_EINPUT, "%s must be a list of %s%s, "
                             "got %s", key, item, plural(item),
                             cs_reader_got_kind(n));
    if (n->nchildren == 0)
        return cs_node_error(err, n, CS_EINPUT, "%s must list at least one %s",
                             key, item);
    return CS_OK;
}

/* Refuses a list longer than max, at its first element beyond. */
cs_status cs_reader_check_length(const cs_node *list, size_t max,
                                 const char *what, cs_error *err)
{
    if (list->nchildren <= max)
        return CS_OK;
    return cs_node_error(err, list->children[max], CS_EINPUT, "too many %s: "
                         "at most %zu, got %zu", what, max, list->nchildren);
}

/*
** Integers are written as decimal integers: an optional sign and digits,
** nothing else ("2.5", "1e3", "0x10" and " 2" are not integers).  A
** magnitude above LLONG_MAX is refused (0), so no value wraps around.
*/
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
        const unsigned long long d = (unsigned long long)(*p - '0');

        /* Checked before the step, which would otherwise wrap at 2^64. */
        if (v > ((unsigned long long)LLONG_MAX - d) / 10)
            return 0;
        v = v * 10 + d;
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

cs_status cs_reader_int(const cs_node *n, const char *key, long lo, long hi,
                        long *out, cs_error *err)
{
    char range[64], what[96];
    long long v;

    int_range(range, sizeof range, lo, hi);
    snprintf(what, sizeof what, "an integer %s", range);
    if (cs_reader_want_scalar(n, key, what, err) != CS_OK)
        return CS_EINPUT;
    if (!parse_integer(n->text, &v) || v < lo || v > hi)
        return cs_node_error(err, n, CS_EINPUT, "%s must be %s, got '" QUOTE
                             "'", key, what, n->text);
    *out = (long)v;
    return CS_OK;
}

cs_status cs_reader_int_field(const cs_node *n, const char *key, long lo,
                              long hi, int *out, cs_error *err)
{
    long v = 0;

    if (cs_reader_int(n, key, lo, hi, &v, err) != CS_OK)
        return CS_EINPUT;
    *out = (int)v;
    return CS_OK;
}

static void range_text(char *buf, size_t size, const cs_range *r)
{
    if (isinf(r->hi))
        snprintf(buf, size, "%s %g", r->lo_open ? ">" : ">=", r->lo);
    else
        snprintf(buf, size, "in %c%g, %g%c", r->lo_open ? '(' : '[', r->lo,
                 r->hi, r->hi_open ? ')' : ']');
}

static int in_range(double v, const cs_range *r)
{
    if (r->lo_open ? !(v > r->lo) : !(v >= r->lo))
        return 0;
    if (isinf(r->hi))
        return isfinite(v);
    return r->hi_open ? v < r->hi : v <= r->hi;
}

cs_status cs_reader_number(const cs_node *n, const char *key,
                           const cs_range *r, double *out, cs_error *err)
{
    char rt[64], what[96], msg[128];
    double v;

    range_text(rt, sizeof rt, r);
    snprintf(what, sizeof what, "a number %s", rt);
    if (cs_reader_want_scalar(n, key, what, err) != CS_OK)
        return CS_EINPUT;
    if (cs_units_parse_number(n->text, &v, msg, sizeof msg) != CS_OK ||
        !in_range(v, r))
        return cs_node_error(err, n, CS_EINPUT, "%s must be %s, got '" QUOTE
                             "'", key, what, n->text);
    *out = v;
    return CS_OK;
}

/* A duration in days; positive = 1 requires > 0, else >= 0. */
cs_status cs_reader_duration(const cs_reader *r, const cs_node *n,
                             const char *key, int positive, double *out)
{
    char msg[256];
    double d;

    if (cs_reader_want_scalar(n, key, "a duration (for example 3d, 4h or "
                              "2w)", r->err) != CS_OK)
        return CS_EINPUT;
    if (cs_units_parse_duration(n->text, &r->units, &d, msg, sizeof msg) != CS_OK)
        return cs_node_error(r->err, n, CS_EINPUT, "%s: %s", key, msg);
    if (positive && !(d > 0))
        return cs_node_error(r->err, n, CS_EINPUT, "%s must be a positive "
                             "duration, got '" QUOTE "'", key, n->text);
    *out = d;
    return CS_OK;
}

/* Team names and step ids: [a-z0-9_-]+; class and variant names may also
** use capitals.  At most CS_READER_MAX_NAME characters. */
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
    return n > 0 && n <= CS_READER_MAX_NAME;
}

cs_status cs_reader_ident(const cs_node *n, const char *key, int capitals,
                          cs_error *err)
{
    const char *rule = capitals ? "[A-Za-z0-9_-]+" : "[a-z0-9_-]+";

    if (cs_reader_want_scalar(n, key, "a name", err) != CS_OK)
        return CS_EINPUT;
    if (!is_ident(n->text, capitals))
        return cs_node_error(err, n, CS_EINPUT, "%s must match %s (at most %d "
                             "characters), got '" QUOTE "'", key, rule,
                             CS_READER_MAX_NAME, n->text);
    return CS_OK;
}

/* Free text (names of promises, descriptions): any non-empty scalar,
** without the trailing newline of YAML's block scalars ("key: >"). */
cs_status cs_reader_text(const cs_node *n, const char *key, char **out,
                         cs_error *err)
{
    size_t len;

    if (cs_reader_want_scalar(n, key, "text", err) != CS_OK)
        return CS_EINPUT;
    if ((*out = cs_str_dup(n->text)) == NULL)
        return cs_reader_nomem(err);
    len = strlen(*out);
    while (len > 0 && ((*out)[len - 1] == '\n' || (*out)[len - 1] == ' '))
        (*out)[--len] = '\0';
    if (len == 0)
        return cs_node_error(err, n, CS_EINPUT, "%s must not be blank", key);
    return CS_OK;
}

/* One of names (NULL-terminated); its index in *out. */
cs_status cs_reader_enum(const cs_node *n, const char *key,
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
                             key, list, cs_reader_got_kind(n));
    hint = cs_error_suggest(n->text, names);
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

static cs_status read_dist_string(const cs_reader *r, const cs_node *n,
                                  const char *key, cs_dist *out)
{
    char msg[256];
    int bad_col = -1;
    int col = n->column;
    const cs_status st = cs_distparse_text(n->text, &r->units, r->dir, out,
                                           msg, sizeof msg, &bad_col);

    if (st == CS_OK)
        return CS_OK;
    /* The offset is exact only where the text is the source verbatim. */
    if (bad_col > 0 && n->plain && strchr(n->text, '\n') == NULL &&
        (size_t)bad_col < strlen(n->text))
        col += bad_col;
    return cs_error_set(r->err, st == CS_ENOMEM ? CS_ENOMEM : CS_EINPUT,
                        n->file, n->line, col, "%s: %s", key, msg);
}

/*
** The mapping form.  Every key but `dist` is an argument, passed as text;
** `values` is positional (a list, for empirical(v1, v2, ...), or one
** scalar).  An argument's error is located at its value.
*/
static cs_status read_dist_map(const cs_reader *r, const cs_node *n,
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
    if (cs_reader_want_scalar(dn, "dist", "a distribution name", r->err)
        != CS_OK)
        return CS_EINPUT;
    for (size_t i = 0; i < n->nchildren; i++)
        if ((long)i != di)
            nargs += n->children[i]->kind == CS_NODE_SEQ
                     ? n->children[i]->nchildren : 1;
    args = calloc(nargs + 1, sizeof *args);
    where = calloc(nargs + 1, sizeof *where);
    if (args == NULL || where == NULL) {
        st = cs_reader_nomem(r->err);
        goto done;
    }
    for (size_t i = 0; i < n->nchildren; i++) {
        const cs_node *c = n->children[i];
        const int positional = strcmp(n->keys[i], "values") == 0;

        if ((long)i == di)
            continue;
        if (positional && c->kind == CS_NODE_SEQ) {
            for (size_t j = 0; j < c->nchildren; j++) {
                if (cs_reader_want_scalar(c->children[j], "values",
                                          "a duration", r->err) != CS_OK)
                    goto done;
                args[k].key = NULL;
                args[k].value = c->children[j]->text;
                where[k++] = c->children[j];
            }
            continue;
        }
        if (cs_reader_want_scalar(c, n->keys[i], "a number or a duration",
                                  r->err) != CS_OK)
            goto done;
        args[k].key = positional ? NULL : n->keys[i];
        args[k].value = c->text;
        where[k++] = c;
    }
    st = cs_distparse_build(dn->text, args, k, &r->units, r->dir, out, msg,
                            sizeof msg, &bad);
    if (st == CS_OK)
        goto done;
    st = cs_node_error(r->err, bad >= 0 && (size_t)bad < k ? where[bad] : dn,
                       st == CS_ENOMEM ? CS_ENOMEM : CS_EINPUT, "%s: %s", key,
                       msg);
done:
    free(args);
    free(where);
    return st;
}

cs_status cs_reader_dist(const cs_reader *r, const cs_node *n, const char *key,
                         cs_dist *out)
{
    if (n->kind == CS_NODE_MAP)
        return read_dist_map(r, n, key, out);
    if (cs_reader_want_scalar(n, key, "a duration or a distribution (for "
                              "example 3d or gamma(mean=4d, cv=0.5))", r->err)
        != CS_OK)
        return CS_EINPUT;
    return read_dist_string(r, n, key, out);
}

/* ---------------------------------------------------------------------
** Seeds, rates, throughputs.
*/

cs_status cs_reader_uint64(const cs_node *n, const char *key, uint64_t *out,
                           cs_error *err)
{
    static const char what[] = "an integer from 0 to 18446744073709551615";
    uint64_t v = 0;
    const char *p;

    if (cs_reader_want_scalar(n, key, what, err) != CS_OK)
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
    return cs_node_error(err, n, CS_EINPUT, "%s must be %s, got '" QUOTE "'",
                         key, what, n->text);
}

cs_status cs_reader_rate(const cs_reader *r, const cs_node *n,
                         const char *key, double *out)
{
    char msg[256];

    if (cs_reader_want_scalar(n, key, "a rate (for example 3/w or 12/4w)",
                              r->err) != CS_OK)
        return CS_EINPUT;
    if (cs_units_parse_rate(n->text, &r->units, out, msg, sizeof msg) != CS_OK)
        return cs_node_error(r->err, n, CS_EINPUT, "%s: %s", key, msg);
    return CS_OK;
}

/*
** "N/PERIOD": N items (a number > 0) per PERIOD (a duration > 0, or a bare
** unit meaning one of it: "40/65d", "3/w", "120/52w").
*/
static cs_status parse_throughput(const cs_reader *r, const char *s,
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
    if (cs_units_parse_number(num, count, msg, size) != CS_OK)
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
    if (cs_units_parse_duration(period, &r->units, per, msg, size) != CS_OK)
        return CS_EINPUT;
    if (!(*per > 0)) {
        snprintf(msg, size, "the period must be positive, got '" QUOTE "'",
                 slash + 1);
        return CS_EINPUT;
    }
    return CS_OK;
}

cs_status cs_reader_throughput(const cs_reader *r, const cs_node *n,
                               const char *key, double *count, double *per)
{
    char msg[256];

    if (cs_reader_want_scalar(n, key, "N/PERIOD (for example 40/65d)",
                              r->err) != CS_OK)
        return CS_EINPUT;
    if (parse_throughput(r, n->text, count, per, msg, sizeof msg) != CS_OK)
        return cs_node_error(r->err, n, CS_EINPUT, "%s: %s", key, msg);
    return CS_OK;
}

/* ---------------------------------------------------------------------
** Names: references to named things, lists of named things.
*/

cs_status cs_reader_unknown(const cs_node *n, const char *what,
                            const char *const *names, cs_error *err)
{
    const char *hint = cs_error_suggest(n->text, names);

    if (hint != NULL)
        return cs_node_error(err, n, CS_EINPUT, "unknown %s '" QUOTE "' (did "
                             "you mean '%s'?)", what, n->text, hint);
    return cs_node_error(err, n, CS_EINPUT, "unknown %s '" QUOTE "'", what,
                         n->text);
}

/* The error for element i, whose name an earlier element prev has. */
static cs_status duplicate_name(const cs_node *list, size_t i, size_t prev,
                                const char *name, const cs_reader_list *spec,
                                cs_error *err)
{
    const cs_node *at = cs_node_get(list->children[i], "name");

    if (!spec->first_line)
        return cs_node_error(err, at, CS_EINPUT, "duplicate %s name '" QUOTE
                             "'", spec->item, name);
    return cs_node_error(err, at, CS_EINPUT, "duplicate %s name '" QUOTE
                         "' (first at line %d)", spec->item, name,
                         list->children[prev]->line);
}

cs_status cs_reader_named_list(const cs_node *list,
                               const cs_reader_list *spec, void *ctx,
                               cs_error *err)
{
    const char **names = calloc(list->nchildren + 1, sizeof *names);
    cs_status st = CS_OK;

    if (names == NULL)
        return cs_reader_nomem(err);
    for (size_t i = 0; i < list->nchildren && st == CS_OK; i++) {
        const cs_node *n = list->children[i];

        st = spec->read(ctx, n, i, &names[i]);
        for (size_t prev = 0; prev < i && st == CS_OK; prev++)
            if (strcmp(names[prev], names[i]) == 0)
                st = duplicate_name(list, i, prev, names[i], spec, err);
        if (st == CS_OK && spec->rest != NULL)
            st = spec->rest(ctx, n, i, &names[i]);
    }
    free(names);
    return st;
}
