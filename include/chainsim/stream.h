/*
** stream.h - the keys and seeds of the keyed random streams (SPEC 1.4).
**
** A stream is derived as cs_stream_seed(master, replication, key), its key
** built from the names of its source with cs_stream_key.  Equal inputs
** give equal seeds on every platform, so runs are reproducible; the
** values are part of every published result and must not change.
** No state: safe from any thread.
*/
#ifndef CHAINSIM_STREAM_H
#define CHAINSIM_STREAM_H

#include <stdint.h>

/* The FNV-1a 64-bit offset basis: the h that starts a fresh hash. */
#define CS_STREAM_FNV_OFFSET UINT64_C(0xcbf29ce484222325)

/*
** FNV-1a (64-bit) over the bytes of s, continuing from h: pass
** CS_STREAM_FNV_OFFSET for a fresh hash.  The project's one FNV hash.
** Cannot fail.
*/
uint64_t cs_stream_hash(uint64_t h, const char *s);

/*
** Hashes name into a running 64-bit key: FNV-1a from key (from the offset
** basis when key is 0), then a 64-bit mix, so ("ab", "c") and ("a", "bc")
** give different keys.  Cannot fail.
*/
uint64_t cs_stream_key(uint64_t key, const char *name);

/*
** The 32-bit GSL seed (never 0) of the stream (master, replication, key).
** Cannot fail.
*/
unsigned long cs_stream_seed(uint64_t master, uint64_t replication,
                             uint64_t key);

#endif /* CHAINSIM_STREAM_H */
