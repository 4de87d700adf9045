/*
** doc.h - loading a YAML file or buffer into a cs_node tree (node.h) with
** libyaml, within bounds.  Merging and --set are patch.h.  Knows nothing
** about chains or simulation.
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
#include "chainsim/node.h"

#define CS_DOC_MAX_BYTES (4u << 20)
#define CS_DOC_MAX_DEPTH 64
#define CS_DOC_MAX_NODES 200000
#define CS_DOC_MAX_SCALAR 65536
#define CS_DOC_MAX_TEXT (16u << 20)

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

/* Frees d and its tree; NULL allowed.  Cannot fail. */
void cs_doc_free(cs_doc *d);

/*
** A deep copy of d in *out: its tree, file, dir and sources, the copied
** nodes borrowing the copy's strings (a node whose file is none of d's
** keeps its pointer).  Reads nothing from disk.  CS_ENOMEM (everything
** freed, *out NULL) is the only error.  Caller frees with cs_doc_free.
*/
cs_status cs_doc_clone(const cs_doc *d, cs_doc **out, cs_error *err);

/*
** Parses text[0..len) (borrowed; NULL with len 0 is an empty text) into a
** tree whose nodes borrow file (which must outlive them).  The bounds and
** errors are cs_doc_load_string's; *out is NULL for an empty document.
** Caller frees the tree with cs_node_free.
*/
cs_status cs_doc_parse(const char *file, const char *text, size_t len,
                       cs_node **out, cs_error *err);

#endif /* CHAINSIM_DOC_H */
