/*
** shard.h - a study split into disjoint parts and merged again: --shard
** K/N, merge, and the ranks of an MPI run.
**
** The tuples of a study are its (point, variant, replication) triples in
** job order (study.h), each job's replications in order: job j's
** replication r is tuple offset(j) + r.  Shard K of N holds the tuples
** [floor((K-1) T / N), floor(K T / N)) of the T in all, so every job's
** share of a shard is a run of consecutive replications: a runner store
** (runner.h), written as a block of a part file (part.h).  Merging
** appends the stores of each job in replication order, as the study's own
** rounds do, so the results are bit-identical to one process's.
*/
#ifndef CHAINSIM_SHARD_H
#define CHAINSIM_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "chainsim/bytes.h"
#include "chainsim/error.h"
#include "chainsim/part.h"
#include "chainsim/study.h"

/* The tuples of st (after cs_study_build).  Cannot fail. */
uint64_t cs_shard_tuples(const cs_study *st);

/* The tuples [*lo, *hi) of shard k of n (1 <= k <= n) of tuples in all.
** Cannot fail. */
void cs_shard_range(uint64_t tuples, unsigned long k, unsigned long n,
                    uint64_t *lo, uint64_t *hi);

/* What identifies the run a part belongs to: header keys and values
** (part.h), borrowed. */
typedef struct cs_shard_head {
    const char *const *keys, *const *values;
    size_t n;
} cs_shard_head;

/*
** Runs shard k of n of st (built, not run) with o's threads, memory
** bound, stop flag and progress (its job and totals are the shard's), and
** writes the part into out (emptied first): head's keys, then a block per
** job the shard touches.  A variant of a compare whose baseline has
** "warmup: auto" uses the baseline's warm-up, chosen here from the
** baseline's pilots when the shard holds none of its replications.
** *stopped is set when o->stop cut it short (the blocks then hold fewer
** replications than they ask for).  Returns CS_OK; the first failed job's
** error (CS_ESIM, CS_ENOMEM, named as cs_study_run names it); CS_EINPUT
** when head cannot be written in a part.
*/
cs_status cs_shard_run(const cs_study *st, const cs_study_run_opts *o,
                       unsigned long k, unsigned long n,
                       const cs_shard_head *head, cs_bytes *out,
                       int *stopped, cs_error *err);

/* Loads part i of a merge (caller frees *out): from a file, or from an
** MPI rank's bytes.  Errors are cs_part_parse's, named. */
typedef cs_status (*cs_shard_load_fn)(void *ctx, size_t i, cs_part **out,
                                      cs_error *err);

/*
** Merges nparts parts (names[i] names part i in messages) into st's
** results (st built from the parts' run, not run), then cs_study_finish.
** Each part is loaded twice (load): once to check every header and the
** coverage, once to read its blocks in tuple order, so a merge holds one
** part at a time.  Errors (CS_EINPUT, unlocated): a header key that
** differs between two parts ("'seed' differs: 2 in b.part, 1 in
** a.part"), parts of another study ("the parts hold 120 tuples, the run
** they name has 100"), tuples in no part ("tuples 50 to 74 of 100 are in
** no part: shard 3/4 is missing"), tuples in two parts ("a.part and
** b.part both hold tuples 25 to 49"), a block that does not fit its job
** or its part; the loader's; CS_ENOMEM.  partial = 1 (an interrupted MPI
** run) accepts blocks holding fewer replications than they ask for.
*/
cs_status cs_shard_merge(cs_study *st, size_t nparts, cs_shard_load_fn load,
                         void *ctx, const char *const *names, int partial,
                         cs_error *err);

#endif /* CHAINSIM_SHARD_H */
