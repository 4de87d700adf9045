/*
** node_int.h - internals of the YAML tree shared by node.c, doc.c (the
** loader) and patch.c (the merge): building and editing nodes, and a
** string -> index hash table.  Not part of the library's interface.
**
** Invariant: a node's arrays grow in powers of two and never shrink
** (node.c), so cs_node_push is amortised O(1) and needs no capacity field.
*/
#ifndef CHAINSIM_NODE_INT_H
#define CHAINSIM_NODE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "chainsim/error.h"
#include "chainsim/node.h"

/* Maps bigger than this get a hash index for key look-ups. */
#define CS_NODE_SMALL_MAP 8

/*
** Copies of the n strings src[0..n) in a new array *out (NULL when n is
** 0), *count of them made so far: on CS_ENOMEM *out holds *count copies
** (the rest NULL), which the caller frees as it would the whole array.
*/
cs_status cs_node_dup_strings(char *const *src, size_t n, char ***out,
                              size_t *count);

/* A node without children or text; file is borrowed.  NULL if out of
** memory. */
cs_node *cs_node_new(cs_node_kind kind, const char *file, int line,
                     int column);

/* A scalar with a copy of text[0..len); NULL if out of memory. */
cs_node *cs_node_scalar_new(const char *file, int line, int column,
                            const char *text, size_t len, int plain);

/* Appends child (and, for a map, key at line:column; key must be NULL for
** a list).  Takes child and key, also on failure (CS_ENOMEM: they are
** freed and n is unchanged). */
cs_status cs_node_push(cs_node *n, char *key, int line, int column,
                       cs_node *child);

/* Removes and frees child i (and its key), keeping the order of the
** others.  i < n->nchildren.  Cannot fail. */
void cs_node_remove(cs_node *n, size_t i);

/* Removes and frees, in one pass, the children i < count with gone[i]
** set.  Cannot fail. */
void cs_node_remove_flagged(cs_node *n, const unsigned char *gone,
                            size_t count);

/*
** A string -> index table (open addressing; owns copies of its keys).
** Zero-initialise it; cs_node_strtab_free returns it to that state.
*/
typedef struct cs_strtab {
    char **keys;
    size_t *vals;
    size_t cap;   /* 0 or a power of two */
    size_t n;
} cs_strtab;

#define CS_STRTAB_NONE SIZE_MAX

/* The value of key, or CS_STRTAB_NONE.  Cannot fail. */
size_t cs_node_strtab_get(const cs_strtab *t, const char *key);

/* Sets key -> val (replacing an existing value); keep_first leaves an
** existing value alone.  CS_ENOMEM leaves t valid, without key. */
cs_status cs_node_strtab_put(cs_strtab *t, const char *key, size_t val,
                             int keep_first);

/* Frees the table's storage and zeroes it.  Cannot fail. */
void cs_node_strtab_free(cs_strtab *t);

#endif /* CHAINSIM_NODE_INT_H */
