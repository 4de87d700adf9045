/*
** node.h - a YAML document as a tree of maps, sequences and scalars, each
** node with its source position (the loader is doc.h, merging and --set
** are patch.h).  Knows nothing about chains or simulation.
**
** A tree is owned by its root: cs_node_free frees the whole of it.  Node
** file names are borrowed (from the cs_doc that loaded them, or from the
** --set argument strings a cs_doc keeps), so the document must outlive
** every node and every error that names one.
*/
#ifndef CHAINSIM_NODE_H
#define CHAINSIM_NODE_H

#include <stddef.h>

#include "chainsim/error.h"

typedef enum cs_node_kind {
    CS_NODE_SCALAR = 0,
    CS_NODE_MAP,
    CS_NODE_SEQ
} cs_node_kind;

typedef struct cs_node cs_node;

/*
** A node.  Plain record; the tree is owned by its root (cs_node_free).
**   SCALAR: text (never NULL), plain = 1 for an unquoted scalar (so the
**           plain scalars "null", "~" and "" read as null).
**   MAP:    nchildren pairs keys[i] (scalar text, owned) -> children[i],
**           key_pos[i] the key's position; order is the file's.
**   SEQ:    children[0..nchildren).
** file is the name used in messages (borrowed from the document or, for
** nodes made by --set, a string like "--set teams.a.capacity=3").
** Nodes made by --set have line and column 0 (and so do their keys): an
** error on them names the argument only.  Key i's position is in the file
** of children[i] (a merge that replaces a value moves its key's position
** into the patch too), which is what cs_node_key_error reports.
*/
struct cs_node {
    cs_node_kind kind;
    int line;          /* 1-based; 0 for nodes made by --set */
    int column;        /* 1-based; 0 for nodes made by --set */
    const char *file;
    char *text;
    int plain;
    size_t nchildren;
    char **keys;
    int *key_line;
    int *key_column;
    cs_node **children;
};

/* Deep copy of a node (file pointers are shared, still borrowed).
** NULL if out of memory. */
cs_node *cs_node_clone(const cs_node *n);

/* Frees n and its subtree; NULL allowed.  Cannot fail. */
void cs_node_free(cs_node *n);

/* Child of a map by key, or NULL (also NULL when n is not a map). */
cs_node *cs_node_get(const cs_node *n, const char *key);

/* The index of key in map n, or -1. */
long cs_node_find(const cs_node *n, const char *key);

/* 1 when n is a plain null scalar ("null", "Null", "NULL", "~" or ""). */
int cs_node_is_null(const cs_node *n);

/* A readable kind name for messages: "a mapping", "a list", "a scalar". */
const char *cs_node_kind_name(const cs_node *n);

/* Sets err to a located error at node n (unlocated when n is NULL; only
** the file when n has no line, as --set nodes).  Returns status. */
cs_status cs_node_error(cs_error *err, const cs_node *n, cs_status status,
                        const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* As cs_node_error, at the position of key i of map n (in the file of
** children[i]); at n itself when n is not a map or i is out of range. */
cs_status cs_node_key_error(cs_error *err, const cs_node *n, size_t i,
                            cs_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

#endif /* CHAINSIM_NODE_H */
