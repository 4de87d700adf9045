/*
** part.h - part files: the mergeable result of some replications of a
** study, written by --shard and by each MPI rank, read by merge.
**
** A part is a text header (a first line "chainsim part 1", lines "KEY
** VALUE", a line "end"), then binary blocks, then a checksum; the format
** is documented in docs/output.md.  The header's keys other than shard,
** range and tuples describe the run the part belongs to (version,
** scenario hash, seed, options...): two parts merge only when those agree.
** Each block is the runner store (runner.h) of the replications first ..
** first + count - 1 of one job of the study.  This module knows nothing
** of studies: it checks the file's structure and its checksum, and
** leaves the meaning of keys and blocks to its caller (shard.h).
*/
#ifndef CHAINSIM_PART_H
#define CHAINSIM_PART_H

#include <stddef.h>
#include <stdint.h>

#include "chainsim/bytes.h"
#include "chainsim/error.h"
#include "chainsim/runner.h"

/* The format this chainsim writes and reads. */
#define CS_PART_FORMAT 1
/* Header keys at most, and the most bytes of the header. */
#define CS_PART_MAX_KEYS 64
#define CS_PART_MAX_HEADER ((size_t)1 << 20)

/* One job's replications in a part: the bytes of a packed store
** (cs_runner_store_pack), borrowed from the part. */
typedef struct cs_part_block {
    uint64_t job;
    uint32_t first, count;      /* replications first .. first + count - 1 */
    const unsigned char *data;
    size_t len;
} cs_part_block;

typedef struct cs_part {
    char *keys[CS_PART_MAX_KEYS], *values[CS_PART_MAX_KEYS];
    size_t nkeys;
    unsigned long shard_k, shard_n;   /* "shard K N": K-th of N (1-based) */
    uint64_t tuples;                  /* tuples of the whole study */
    uint64_t lo, hi;                  /* "range LO HI": tuples [lo, hi) */
    cs_part_block *blocks;
    size_t nblocks;
    unsigned char *buf;               /* the part's bytes, owned */
    size_t len;
} cs_part;

/*
** Starts a part in b (emptied first): the header with the caller's keys
** (nkeys at most CS_PART_MAX_KEYS - 4, each [a-z0-9-]+, values without
** control characters, borrowed during the call), then the shard, the
** tuples and the range.  Returns 0, or -1 when a key or value cannot be
** written so (nothing useful is then in b).
*/
int cs_part_begin(cs_bytes *b, const char *const *keys,
                  const char *const *values, size_t nkeys,
                  unsigned long shard_k, unsigned long shard_n,
                  uint64_t tuples, uint64_t lo, uint64_t hi);

/* Appends the block of job's replications first .. first + count - 1,
** their store s (borrowed).  No effect once b->oom. */
void cs_part_add(cs_bytes *b, uint64_t job, uint32_t first, uint32_t count,
                 const cs_runner_store *s);

/* Ends the part: the checksum of everything before it.  b->oom tells
** whether it is all there. */
void cs_part_end(cs_bytes *b);

/*
** Reads a part from p[0..n) (copied).  verify = 0 skips the checksum
** (the fuzz target, which could not forge it).  Errors (CS_EINPUT,
** unlocated, saying what is wrong): "not a chainsim part file", "part
** format 2 (this chainsim reads format 1)", "truncated", "corrupted (its
** checksum does not match)", a malformed header line or block; CS_ENOMEM.
** *out is NULL on error.  Caller frees with cs_part_free.
*/
cs_status cs_part_parse(const void *p, size_t n, int verify, cs_part **out,
                        cs_error *err);

/* cs_part_parse of the file at path, its errors prefixed with the path;
** CS_EIO when it cannot be read. */
cs_status cs_part_read_file(const char *path, cs_part **out, cs_error *err);

/* The value of key in p's header, or NULL.  Cannot fail. */
const char *cs_part_get(const cs_part *p, const char *key);

void cs_part_free(cs_part *p);   /* NULL allowed */

#endif /* CHAINSIM_PART_H */
