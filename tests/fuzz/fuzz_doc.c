/*
** fuzz_doc.c - libFuzzer target for the YAML document loader (doc.c).
**
** Loads the input bytes as a document and, when it loads, merges the
** document into a clone of itself, merges the root's second value into a
** clone of its first (appends, keyed patches, replacements) and applies a
** --set built from the first key, so the loader, the merge and the --set
** walker all see arbitrary trees.  Any crash, leak, hang or sanitizer report is a bug.
**
** Built and run by "make fuzz" (tests/fuzz/run.sh); replayed on the
** inputs in tests/fuzz/regressions/doc/ by "make check".
*/
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "chainsim/doc.h"
#include "chainsim/patch.h"
#include "chainsim/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Sets "KEY=VALUE" for the root's first key, with VALUE taken from the
** last bytes of the input (so --set sees odd paths and odd YAML). */
static void try_set(cs_doc *d, const uint8_t *data, size_t size)
{
    char arg[256];
    cs_error err;
    size_t vlen = size < 24 ? size : 24;
    int n;

    if (d->root == NULL || d->root->kind != CS_NODE_MAP ||
        d->root->nchildren == 0)
        return;
    n = snprintf(arg, sizeof arg, "%.100s=", d->root->keys[0]);
    if (n < 0 || (size_t)n + vlen >= sizeof arg)
        return;
    memcpy(arg + n, data + size - vlen, vlen);
    arg[(size_t)n + vlen] = '\0';
    (void)cs_patch_set(d, arg, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_doc *d = NULL;
    cs_node *copy;
    cs_error err;

    if (cs_doc_load_string("fuzz.yaml", (const char *)data, size, &d, &err)
        != CS_OK)
        return 0;
    copy = cs_node_clone(d->root);
    if (copy != NULL || d->root == NULL)
        (void)cs_patch_merge(&copy, d->root, &err);
    cs_node_free(copy);
    if (d->root != NULL && d->root->nchildren >= 2) {
        copy = cs_node_clone(d->root->children[0]);
        if (copy != NULL)
            (void)cs_patch_merge(&copy, d->root->children[1], &err);
        cs_node_free(copy);
    }
    try_set(d, data, size);
    cs_doc_free(d);
    return 0;
}
