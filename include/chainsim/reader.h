/*
** reader.h - typed readers of values in a YAML tree (node.h): known keys
** with "did you mean" hints, kinds, integers, numbers in ranges,
** durations, rates, throughputs, names, enums, distributions, and lists
** of named elements with their duplicate check.  The scenario builder
** (scenario.c) and the variants (variant.c) read every value through
** them, so one kind of value gets one wording of its errors.
**
** Conventions: n is the value's node (borrowed); key is how the message
** names the value ("capacity", "rework p"); errors are CS_EINPUT, located
** at n (or at the offending key of a map), and written to err, which may
** not be NULL.  *out is written only on success, but for cs_reader_text,
** whose copy the caller frees in every case.  Only CS_ENOMEM
** (cs_reader_nomem) is unlocated.
*/
#ifndef CHAINSIM_READER_H
#define CHAINSIM_READER_H

#include <stddef.h>
#include <stdint.h>

#include "chainsim/dist.h"
#include "chainsim/error.h"
#include "chainsim/node.h"
#include "chainsim/units.h"

/* Names (team names, step ids, class and variant names) have at most
** this many characters. */
#define CS_READER_MAX_NAME 64

/* The format of a piece of user text quoted in a message: cut at 80. */
#define CS_READER_QUOTE "%.80s"

/* What the readers of durations and distributions need besides the node:
** where errors go, the time units, the directory that relative file names
** (empirical distributions) resolve against. */
typedef struct cs_reader {
    cs_error *err;
    const char *dir;
    cs_units units;
} cs_reader;

/* An interval of allowed numbers; an infinite hi means no upper bound. */
typedef struct cs_range {
    double lo, hi;
    int lo_open, hi_open;
} cs_range;

/* Sets err to "out of memory" (unlocated); returns CS_ENOMEM. */
cs_status cs_reader_nomem(cs_error *err);

/*
** Every key of map must be in allowed (NULL-terminated); where names the
** mapping ("team").  An unknown key is reported at the key with a "did you
** mean" hint, or, when it looks like the tail of a distribution that YAML
** cut at its commas ({effort: gamma(mean=4d, cv=0.5)}), with advice to
** quote it.
*/
cs_status cs_reader_check_keys(const cs_node *map, const char *const *allowed,
                               const char *where, cs_error *err);

/* The child of map under key; NULL with the error "WHERE is missing
** 'KEY'" at map when it is absent. */
const cs_node *cs_reader_need_key(const cs_node *map, const char *key,
                                  const char *where, cs_error *err);

/* The index of key in map, for cs_node_key_error; 0 when absent (callers
** ask only for keys they know are there).  Cannot fail. */
size_t cs_reader_key_index(const cs_node *map, const char *key);

/* What a node is, for "got ..." in messages: "null", "an empty value",
** "a mapping", "a list" or "a scalar".  Cannot fail. */
const char *cs_reader_got_kind(const cs_node *n);

/* n must be a non-null scalar; what describes the expected value ("KEY
** must be WHAT, got a list"). */
cs_status cs_reader_want_scalar(const cs_node *n, const char *key,
                                const char *what, cs_error *err);

/* n must be a mapping; what names it ("each team"). */
cs_status cs_reader_want_map(const cs_node *n, const char *what,
                             cs_error *err);

/* n must be a non-empty list of ITEMs ("teams must be a list of teams"). */
cs_status cs_reader_want_list(const cs_node *n, const char *key,
                              const char *item, cs_error *err);

/* A list longer than max is an error at its first element beyond ("too
** many WHAT: at most MAX"). */
cs_status cs_reader_check_length(const cs_node *list, size_t max,
                                 const char *what, cs_error *err);

/* A decimal integer (optional sign, digits, nothing else) in [lo, hi];
** hi = LONG_MAX means no upper bound. */
cs_status cs_reader_int(const cs_node *n, const char *key, long lo, long hi,
                        long *out, cs_error *err);

/* As cs_reader_int, for an int field (lo and hi within int's range). */
cs_status cs_reader_int_field(const cs_node *n, const char *key, long lo,
                              long hi, int *out, cs_error *err);

/* A number (cs_units_parse_number) in the range r; an infinite bound also
** refuses infinity. */
cs_status cs_reader_number(const cs_node *n, const char *key,
                           const cs_range *r, double *out, cs_error *err);

/* A duration in days, in r's units ("3d", "4h", "2w"); positive = 1
** requires > 0, else >= 0.  Errors go to r->err. */
cs_status cs_reader_duration(const cs_reader *r, const cs_node *n,
                             const char *key, int positive, double *out);

/* A name: [a-z0-9_-]+, or [A-Za-z0-9_-]+ when capitals, at most
** CS_READER_MAX_NAME characters.  Reads nothing out: n->text is it. */
cs_status cs_reader_ident(const cs_node *n, const char *key, int capitals,
                          cs_error *err);

/* Free text: a non-blank scalar, copied into *out (caller frees, also on
** error) without the trailing newlines and spaces of YAML block scalars. */
cs_status cs_reader_text(const cs_node *n, const char *key, char **out,
                         cs_error *err);

/* One of names (NULL-terminated), its index in *out; a near miss gets a
** "did you mean" hint, and the message lists the choices. */
cs_status cs_reader_enum(const cs_node *n, const char *key,
                         const char *const *names, int *out, cs_error *err);

/*
** A distribution: the string form "gamma(mean=4d, cv=0.5)" or "3d" (a
** fixed duration), or the mapping form {dist: gamma, mean: 4d, cv: 0.5}
** (`values` is positional: a list, for empirical(v1, v2, ...), or one
** scalar).  An error in an argument is located at it: at its column in a
** plain one-line string, at its value in the mapping form.  Errors go to
** r->err.
*/
cs_status cs_reader_dist(const cs_reader *r, const cs_node *n,
                         const char *key, cs_dist *out);

/* An unsigned 64-bit decimal integer (an optional '+', digits), such as a
** seed. */
cs_status cs_reader_uint64(const cs_node *n, const char *key, uint64_t *out,
                           cs_error *err);

/* A rate in items per day ("3/w", "12/4w", cs_units_parse_rate).  Errors go to
** r->err. */
cs_status cs_reader_rate(const cs_reader *r, const cs_node *n,
                         const char *key, double *out);

/* A throughput "N/PERIOD": *count items (> 0) per *per days (> 0; a bare
** unit is one of it: "3/w").  Errors go to r->err. */
cs_status cs_reader_throughput(const cs_reader *r, const cs_node *n,
                               const char *key, double *count, double *per);

/* The error for n, a name that is none of names (NULL-terminated): "unknown
** WHAT 'x'", with a "did you mean" hint when one is near.  Returns
** CS_EINPUT. */
cs_status cs_reader_unknown(const cs_node *n, const char *what,
                            const char *const *names, cs_error *err);

/*
** Reads one element n (index i) of a named list into the caller's ctx and
** sets *name to its name (borrowed: it must stay valid until the whole
** list is read).  Returns CS_OK or the error it set.
*/
typedef cs_status (*cs_reader_item_fn)(void *ctx, const cs_node *n, size_t i,
                                       const char **name);

/* How cs_reader_named_list reads a list. */
typedef struct cs_reader_list {
    const char *item;          /* "team": "duplicate team name 'a'" */
    int first_line;            /* add "(first at line N)" to the message */
    cs_reader_item_fn read;    /* reads each element and its name */
    cs_reader_item_fn rest;    /* NULL, or reads the rest of an element once
                                  its name is known to be new */
} cs_reader_list;

/*
** Reads every element of list (a list, checked by the caller) with
** spec->read, in order, and refuses a name an earlier element has, at the
** later element's `name` ("duplicate team name 'a' (first at line 4)").
** The first error wins.  ctx is passed through to the callbacks.
*/
cs_status cs_reader_named_list(const cs_node *list,
                               const cs_reader_list *spec, void *ctx,
                               cs_error *err);

#endif /* CHAINSIM_READER_H */
