/*
** doc.h - a YAML document as a tree of maps, sequences and scalars, each
** node with its source position; JSON-Merge-Patch-style merging with named
** lists (SPEC 1.3) and --set path overrides.  Knows nothing about chains or
** simulation.
**
** Bounds (so no input can exhaust memory or hang the loader): file size
** CS_DOC_MAX_BYTES, nesting depth CS_DOC_MAX_DEPTH, node count
** CS_DOC_MAX_NODES (mapping keys count, and aliases count every
** expansion), bytes of text CS_DOC_MAX_TEXT (keys and scalars, alias
** expansions included), scalar length CS_DOC_MAX_SCALAR.  A file holds one
** document; a second one is an error.  Duplicate keys in a mapping are an
** error.  Aliases are expanded (copied, with the anchored node's
** positions) when loaded; the plain merge key "<<" is not supported (an
** error).  Mapping keys must be scalars.  Tags are ignored, except that a
** scalar tagged !!str (or "!") reads as quoted (plain = 0).  NUL bytes are
** an error.
*/
#ifndef CHAINSIM_DOC_H
#define CHAINSIM_DOC_H

#include <stddef.h>

#include "chainsim/error.h"

#define CS_DOC_MAX_BYTES (4u << 20)
#define CS_DOC_MAX_DEPTH 64
#define CS_DOC_MAX_NODES 200000
#define CS_DOC_MAX_SCALAR 65536
#define CS_DOC_MAX_TEXT (16u << 20)

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

/* A loaded document: the root and the file name that nodes borrow. */
typedef struct cs_doc {
    char *file;        /* as given, for messages */
    char *dir;         /* directory of file, for relative paths ("." if none) */
    cs_node *root;     /* NULL for an empty document */
    char **sources;    /* extra strings nodes borrow as file (--set args) */
    size_t nsources;
} cs_doc;

/*
** Loads the YAML file at path.  On error returns CS_EINPUT (CS_EIO when
** the file cannot be read, CS_ENOMEM) with err located at the offending
** mark; *out is left NULL.  A file larger than CS_DOC_MAX_BYTES is an
** unlocated error naming it.  A file without a document (empty, comments
** only, or "---" alone) loads with root NULL.  dir is the directory part
** of path ("." when it has none).  Caller frees with cs_doc_free.
*/
cs_status cs_doc_load_file(const char *path, cs_doc **out, cs_error *err);

/* As cs_doc_load_file, from a buffer (borrowed; need not end with NUL);
** name is copied and used in messages; dir is ".". */
cs_status cs_doc_load_string(const char *name, const char *text, size_t len,
                             cs_doc **out, cs_error *err);

/* Frees d and its tree; NULL allowed. */
void cs_doc_free(cs_doc *d);

/* Deep copy of a node (file pointers are shared, still borrowed).
** NULL if out of memory. */
cs_node *cs_node_clone(const cs_node *n);
void cs_node_free(cs_node *n);

/* Child of a map by key, or NULL (also NULL when n is not a map). */
cs_node *cs_node_get(const cs_node *n, const char *key);

/* The index of key in map n, or -1. */
long cs_node_find(const cs_node *n, const char *key);

/* 1 when n is a plain null scalar ("null", "Null", "NULL", "~" or ""). */
int cs_node_is_null(const cs_node *n);

/* A readable kind name for messages: "a mapping", "a list", "a scalar". */
const char *cs_node_kind_name(const cs_node *n);

/*
** Merges patch into *target (SPEC 1.3, RFC 7396 extended with named
** lists):
**   - a mapping patch merges into a mapping target key by key; a null
**     value removes the key; a missing key is added (a clone of the value);
**   - a sequence of mappings that each have a scalar "name" (a named list)
**     merges into a named-list target element by element by name; new
**     names are appended in the patch's order;
**   - a mapping patch against a named-list target is read as keyed by
**     element name: {ingestion: {capacity: 3}, governance: null} merges
**     into the element named ingestion and removes the one named
**     governance (the way to remove a named element in a patch);
**   - anything else replaces the target (a clone of the patch).
** The patch is cloned, not taken: new nodes keep their own file and
** positions, so later errors point into the patch (their file strings
** stay borrowed: the patch's document must outlive the target).
** Removing a name or key that is not there is not an error.  A value
** added where there was none is the patch value without its null-valued
** keys (RFC 7396).  An empty list target counts as a named list; an empty
** list patch replaces.  *target may be NULL (absent); a NULL patch
** changes nothing.  patch must not share nodes with *target.  Returns
** CS_OK or CS_ENOMEM (*target is then partly merged, still valid).
*/
cs_status cs_doc_merge(cs_node **target, const cs_node *patch, cs_error *err);

/*
** Applies "PATH=VALUE" (split at the first '=') to the document.  PATH is
** dot-separated, no part empty; each part names a mapping key or, in a
** named list, an element's name (so a key or name with a dot in it cannot
** be reached).  Every part but the last must exist; the
** last may be a new key of a mapping (not a new list element).  VALUE is
** read as YAML ("3", "2/w", "{rate: 2/w}", "[a, b]"), then:
**   - null ("null", "~" or empty, as in "a.b=") removes the key or the
**     named element (removing an absent key is not an error);
**   - anything else is merged into the existing value as a patch
**     (cs_doc_merge, SPEC 1.3: "the same mechanism serves the command
**     line"): a mapping merges key by key, so
**     "work.report.arrivals={rate: 2/w}" keeps the other keys of
**     arrivals (against a named list it is keyed by name); a named list
**     merges element by element by name ("teams=[{name: b, capacity:
**     2}]" changes team b only); a scalar or another list replaces.
**     To replace a named list whole, remove it first ("promise=null").
** The new nodes have file "--set PATH=VALUE" (a string kept in
** d->sources) and no line.  Errors (CS_EINPUT) are unlocated and name the
** argument: "--set teams.ingestoin.capacity=3: 'ingestoin' is not an
** element of teams (did you mean 'ingestion'?)", "--set
** teams.ingestion.capacty.x=3: 'capacty' is not a key of teams.ingestion";
** a VALUE that is not valid YAML is an error too.  d is unchanged on
** error (but for CS_ENOMEM, when it is partly changed, still valid).
*/
cs_status cs_doc_set(cs_doc *d, const char *assignment, cs_error *err);

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

#endif /* CHAINSIM_DOC_H */
