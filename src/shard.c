/*
** shard.c - the tuples of a study run in disjoint parts and merged
** (shard.h).
**
** A shard runs, job by job, the replications of its range of tuples as
** one runner run each (first, count), with the replications the job asks
** for in all as the runner's plan, so "warmup: auto" runs the same pilots
** as one process does.  A merge reads every part's header first (the run
** they belong to, their ranges), then the blocks in tuple order, keeping
** only the store of the job being merged.
*/
#include "chainsim/shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/runner.h"
#include "chainsim/summary.h"

static cs_status no_memory(cs_error *err)
{
    return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
}

static unsigned job_want(const cs_study *st, size_t j)
{
    return cs_study_model(st, j)->replications;
}

uint64_t cs_shard_tuples(const cs_study *st)
{
    uint64_t t = 0;

    for (size_t j = 0; j < cs_study_njobs(st); j++)
        t += job_want(st, j);
    return t;
}

/* floor(t * k / n) without overflow for t < 2^64, k <= n < 2^32. */
static uint64_t cut(uint64_t t, unsigned long k, unsigned long n)
{
    return t / n * k + t % n * k / n;
}

void cs_shard_range(uint64_t tuples, unsigned long k, unsigned long n,
                    uint64_t *lo, uint64_t *hi)
{
    *lo = cut(tuples, k - 1, n);
    *hi = cut(tuples, k, n);
}

/* ---- running a shard ---------------------------------------------------- */

typedef struct relay {
    const cs_study_run_opts *o;
    size_t job;
} relay;

static void relay_progress(void *ctx, unsigned done, unsigned total)
{
    const relay *r = ctx;

    r->o->progress(r->o->progress_ctx, r->job, done, total);
}

/* Names job j in front of err's message as cs_study_run does: its variant
** and, in a sweep, its point. */
static void prefix_job(const cs_study *st, size_t j, cs_error *err)
{
    const char *const *values = cs_study_point_values(st,
                                                      cs_study_point(st, j));
    char buf[CS_ERROR_MSG_MAX];
    size_t len;

    snprintf(buf, sizeof buf, "%s", cs_study_model(st, j)->variant);
    for (size_t i = 0; i < cs_study_naxes(st); i++) {
        len = strlen(buf);
        snprintf(buf + len, sizeof buf - len, "%s%s=%s",
                 i == 0 ? " at --vary " : ", ", cs_study_paths(st)[i],
                 values[i]);
    }
    cs_error_prefix(err, buf);
}

/* What a shard knows of the baseline of the point it is at. */
typedef struct base_warmup {
    long job;            /* the baseline job it is of, or -1 */
    double warmup;
} base_warmup;

/*
** The warm-up job j runs with (-1: its model's own), as the study chooses
** it: a compared variant whose baseline has "warmup: auto" takes the
** baseline's, when it is within its horizon.  The baseline's is the one
** its replications ran with in this shard, else chosen from its pilots.
*/
static cs_status variant_warmup(const cs_study *st, size_t j,
                                const cs_model *m, base_warmup *bw,
                                double *warmup, cs_error *err)
{
    const long b = cs_study_baseline_of(st, j);
    cs_model *bm = NULL;
    int owned = 0;
    cs_status rc;

    *warmup = -1;
    if (b < 0 || !cs_study_model(st, (size_t)b)->warmup_auto)
        return CS_OK;
    if (bw->job != b) {
        const unsigned want = job_want(st, (size_t)b);
        rc = cs_study_job_model(st, (size_t)b, &bm, &owned, err);
        if (rc == CS_OK)
            rc = cs_runner_warmup_auto(bm, want < 5 ? want : 5,
                                       &bw->warmup, err);
        if (owned)
            cs_model_free(bm);
        if (rc != CS_OK) {
            prefix_job(st, (size_t)b, err);
            return rc;
        }
        bw->job = b;
    }
    *warmup = bw->warmup < m->horizon ? bw->warmup : -1;
    return CS_OK;
}

/* Runs job j's replications first .. first + count - 1 into a block of
** out. */
static cs_status run_block(const cs_study *st, const cs_study_run_opts *o,
                           size_t j, unsigned first, unsigned count,
                           base_warmup *bw, cs_bytes *out, int *stopped,
                           cs_error *err)
{
    relay rl = {o, j};
    cs_runner_opts ro;
    cs_runner_store *s = NULL;
    cs_model *m = NULL;
    int owned = 0;
    cs_status rc;

    memset(&ro, 0, sizeof ro);
    rc = cs_study_job_model(st, j, &m, &owned, err);
    if (rc == CS_OK && !cs_study_is_base(st, j))
        rc = variant_warmup(st, j, m, bw, &ro.warmup, err);
    else
        ro.warmup = -1;
    if (rc != CS_OK) {
        if (owned)
            cs_model_free(m);
        return rc;
    }
    ro.threads = o->threads;
    ro.max_bytes = o->max_bytes;
    ro.stop = o->stop;
    ro.first = first;
    ro.replications = count;
    ro.planned = job_want(st, j);
    ro.per_replication = o->per_replication;
    if (o->progress != NULL) {
        ro.progress = relay_progress;
        ro.progress_ctx = &rl;
    }
    cs_error_clear(err);
    rc = cs_runner_run(m, &ro, &s, err);
    if (rc != CS_OK) {
        prefix_job(st, j, err);
    } else {
        if (s->n < s->total)
            *stopped = 1;
        if (cs_study_is_base(st, j) && m->warmup_auto) {
            bw->job = (long)j;
            bw->warmup = s->warmup;
        }
        cs_part_add(out, (uint64_t)j, first, count, s);
        if (out->oom)
            rc = no_memory(err);
    }
    cs_runner_store_free(s);
    if (owned)
        cs_model_free(m);
    return rc;
}

cs_status cs_shard_run(const cs_study *st, const cs_study_run_opts *o,
                       unsigned long k, unsigned long n,
                       const cs_shard_head *head, cs_bytes *out,
                       int *stopped, cs_error *err)
{
    const uint64_t tuples = cs_shard_tuples(st);
    base_warmup bw = {-1, 0};
    uint64_t lo, hi, off = 0;
    cs_status rc = CS_OK;

    cs_shard_range(tuples, k, n, &lo, &hi);
    if (cs_part_begin(out, head->keys, head->values, head->n, k, n, tuples,
                      lo, hi) != 0)
        return out->oom ? no_memory(err)
                        : cs_error_set(err, CS_EINPUT, NULL, 0, 0,
                                       "the run cannot be described in a "
                                       "part file (a control character in "
                                       "the scenario's name or an option)");
    for (size_t j = 0; j < cs_study_njobs(st) && rc == CS_OK; j++) {
        const uint64_t want = job_want(st, j);
        const uint64_t a = lo > off ? lo : off;
        const uint64_t b = hi < off + want ? hi : off + want;
        if (a < b && !*stopped)
            rc = run_block(st, o, j, (unsigned)(a - off), (unsigned)(b - a),
                           &bw, out, stopped, err);
        off += want;
    }
    if (rc == CS_OK) {
        cs_part_end(out);
        if (out->oom)
            rc = no_memory(err);
    }
    return rc;
}

/* ---- merging ------------------------------------------------------------ */

#define BAD(...) cs_error_set(err, CS_EINPUT, NULL, 0, 0, __VA_ARGS__)

/* The header keys that say which shard a part is, not which run. */
static int is_place_key(const char *k)
{
    return strcmp(k, "shard") == 0 || strcmp(k, "range") == 0 ||
           strcmp(k, "tuples") == 0;
}

/* What the first pass keeps of a part. */
typedef struct part_info {
    size_t index;
    uint64_t lo, hi;
    unsigned long k, n;
} part_info;

static int by_range(const void *a, const void *b)
{
    const part_info *x = a, *y = b;

    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    if (x->hi != y->hi)
        return x->hi < y->hi ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* p's run against the first part's (ref): every key of either, but the
** place keys, with the same value. */
static cs_status same_run(const cs_part *ref, const char *rname,
                          const cs_part *p, const char *pname, cs_error *err)
{
    for (int pass = 0; pass < 2; pass++) {
        const cs_part *a = pass == 0 ? ref : p, *b = pass == 0 ? p : ref;
        for (size_t i = 0; i < a->nkeys; i++) {
            const char *v = cs_part_get(b, a->keys[i]);
            if (is_place_key(a->keys[i]) ||
                (v != NULL && strcmp(v, a->values[i]) == 0))
                continue;
            if (pass == 1)   /* only p has it */
                return BAD("'%s' differs: '%s' in %s, none in %s: parts of "
                           "different runs cannot be merged", a->keys[i],
                           a->values[i], pname, rname);
            return BAD("'%s' differs: '%s' in %s, '%s' in %s: parts of "
                       "different runs cannot be merged", a->keys[i],
                       v != NULL ? v : "none", pname, a->values[i], rname);
        }
    }
    return CS_OK;
}

/* Which shards of n are not among info[0..m): "shard 3/4" or "shards 2/4,
** 3/4" into buf, or "" when the parts are not all shards of n. */
static void missing_shards(const part_info *info, size_t m, unsigned long n,
                           uint64_t lo, uint64_t hi, uint64_t tuples,
                           char *buf, size_t size)
{
    size_t len = 0;
    int count = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < m; i++)
        if (info[i].n != n)
            return;
    for (unsigned long k = 1; k <= n && len + 48 < size; k++) {
        uint64_t a, b;
        cs_shard_range(tuples, k, n, &a, &b);
        if (a >= b || b <= lo || a >= hi)
            continue;
        len += (size_t)snprintf(buf + len, size - len, "%s%lu/%lu",
                                count++ == 0 ? "" : ", ", k, n);
    }
    if (count > 0) {
        char tmp[160];
        snprintf(tmp, sizeof tmp, ": shard%s %.120s %s missing",
                 count > 1 ? "s" : "", buf, count > 1 ? "are" : "is");
        snprintf(buf, size, "%s", tmp);
    }
}

/* The first pass: every part's header against the first's and the study,
** and every tuple in exactly one part.  info[] ends sorted by range. */
static cs_status check_parts(const cs_study *st, size_t nparts,
                             cs_shard_load_fn load, void *ctx,
                             const char *const *names, part_info *info,
                             cs_error *err)
{
    const uint64_t tuples = cs_shard_tuples(st);
    cs_part *ref = NULL;
    uint64_t next = 0;
    cs_status rc = CS_OK;
    char why[160];

    for (size_t i = 0; i < nparts && rc == CS_OK; i++) {
        cs_part *p = NULL;
        if ((rc = load(ctx, i, &p, err)) != CS_OK)
            break;
        if (ref != NULL)
            rc = same_run(ref, names[0], p, names[i], err);
        else if (p->tuples != tuples)
            rc = BAD("%s holds tuples of a run of %llu, the run it names "
                     "has %llu (the scenario changed?)", names[i],
                     (unsigned long long)p->tuples,
                     (unsigned long long)tuples);
        info[i] = (part_info){i, p->lo, p->hi, p->shard_k, p->shard_n};
        if (ref == NULL)
            ref = p;
        else
            cs_part_free(p);
    }
    cs_part_free(ref);
    if (rc != CS_OK)
        return rc;
    qsort(info, nparts, sizeof *info, by_range);
    for (size_t i = 0; i < nparts; i++) {
        if (info[i].lo == info[i].hi)
            continue;
        if (info[i].lo > next) {
            missing_shards(info, nparts, info[i].n, next, info[i].lo, tuples,
                           why, sizeof why);
            return BAD("tuples %llu to %llu of %llu are in no part%s",
                       (unsigned long long)next + 1,
                       (unsigned long long)info[i].lo,
                       (unsigned long long)tuples, why);
        }
        if (info[i].lo < next) {
            size_t prev = i;
            while (prev-- > 0 && !(info[prev].hi > info[i].lo))
                ;
            return BAD("%s and %s both hold tuples %llu to %llu (shard "
                       "%lu/%lu and %lu/%lu): a part is given twice",
                       names[info[prev].index], names[info[i].index],
                       (unsigned long long)info[i].lo + 1,
                       (unsigned long long)(next < info[i].hi ? next
                                                              : info[i].hi),
                       info[prev].k, info[prev].n, info[i].k, info[i].n);
        }
        next = info[i].hi;
    }
    if (next < tuples) {
        missing_shards(info, nparts, nparts > 0 ? info[0].n : 1, next,
                       tuples, tuples, why, sizeof why);
        return BAD("tuples %llu to %llu of %llu are in no part%s",
                   (unsigned long long)next + 1, (unsigned long long)tuples,
                   (unsigned long long)tuples, why);
    }
    return CS_OK;
}

/* The job being merged: its model and the store of its blocks so far. */
typedef struct merging {
    long job;
    cs_model *model;
    int owned;
    cs_runner_store *store;
} merging;

/* Job cur->job's result from its store (st NULL: dropped), then nothing
** held. */
static cs_status merged(cs_study *st, merging *cur, cs_error *err)
{
    cs_status rc = CS_OK;

    if (st != NULL && cur->job >= 0 && cur->store != NULL)
        rc = cs_study_set_result(st, (size_t)cur->job, cur->store, err);
    cs_runner_store_free(cur->store);
    if (cur->owned)
        cs_model_free(cur->model);
    cur->job = -1;
    cur->model = NULL;
    cur->owned = 0;
    cur->store = NULL;
    return rc;
}

/* A block's store: its rows are the replications it says it holds (all
** of them unless partial). */
static cs_status check_store(const cs_runner_store *s, const cs_part_block *b,
                             int partial, cs_error *err)
{
    if (s->total != b->count || (!partial && s->n != b->count))
        return BAD("holds %zu of %lu replications", s->n,
                   (unsigned long)b->count);
    for (size_t i = 0; i < s->n; i++)
        if (s->rep[i] < b->first || s->rep[i] - b->first >= b->count ||
            (!partial && s->rep[i] != b->first + i))
            return BAD("holds replication %u, not one of %lu to %lu",
                       s->rep[i] + 1, (unsigned long)b->first + 1,
                       (unsigned long)b->first + b->count);
    return CS_OK;
}

/* Adds block b (of a part holding tuples from *next on) to the job being
** merged, starting the next job's when b is of a later one. */
static cs_status merge_block(cs_study *st, const cs_part_block *b,
                             const uint64_t *offset, uint64_t *next,
                             merging *cur, int partial, cs_error *err)
{
    const size_t njobs = cs_study_njobs(st);
    cs_runner_store *s = NULL;
    cs_bytes_reader r;
    cs_status rc;

    /* an interrupted run leaves out the jobs it did not reach */
    if (b->job >= njobs || b->count == 0 ||
        b->count > job_want(st, (size_t)b->job) ||
        b->first > job_want(st, (size_t)b->job) - b->count ||
        offset[b->job] + b->first < *next ||
        (!partial && offset[b->job] + b->first != *next))
        return BAD("does not hold the replications its range says");
    *next = offset[b->job] + b->first;
    if ((long)b->job != cur->job) {
        if ((rc = merged(st, cur, err)) != CS_OK)
            return rc;
        cur->job = (long)b->job;
        if ((rc = cs_study_job_model(st, (size_t)b->job, &cur->model,
                                     &cur->owned, err)) != CS_OK)
            return rc;
    }
    cs_bytes_reader_init(&r, b->data, b->len);
    if ((rc = cs_runner_store_unpack(cur->model, &r, &s, err)) != CS_OK)
        return rc;
    if (cs_bytes_left(&r) > 0)
        rc = BAD("has %zu bytes after its store", cs_bytes_left(&r));
    else
        rc = check_store(s, b, partial, err);
    if (rc == CS_OK && cur->store != NULL &&
        (cur->store->per_rep != s->per_rep ||
         !(cur->store->warmup == s->warmup)))
        rc = BAD("does not have the warm-up and records of the job's "
                 "other replications");
    if (rc == CS_OK && cur->store == NULL) {
        cur->store = s;
        s = NULL;
    } else if (rc == CS_OK && cs_runner_store_append(cur->store, s) != 0) {
        rc = no_memory(err);
    }
    cs_runner_store_free(s);
    *next += b->count;
    return rc;
}

cs_status cs_shard_merge(cs_study *st, size_t nparts, cs_shard_load_fn load,
                         void *ctx, const char *const *names, int partial,
                         cs_error *err)
{
    const size_t njobs = cs_study_njobs(st);
    part_info *info = calloc(nparts + 1, sizeof *info);
    uint64_t *offset = calloc(njobs + 1, sizeof *offset);
    merging cur = {-1, NULL, 0, NULL};
    cs_status rc;

    if (info == NULL || offset == NULL) {
        free(info);
        free(offset);
        return no_memory(err);
    }
    for (size_t j = 1; j <= njobs; j++)
        offset[j] = offset[j - 1] + job_want(st, j - 1);
    rc = check_parts(st, nparts, load, ctx, names, info, err);
    for (size_t i = 0; i < nparts && rc == CS_OK; i++) {
        cs_part *p = NULL;
        uint64_t next = info[i].lo;
        if ((rc = load(ctx, info[i].index, &p, err)) != CS_OK)
            break;
        for (size_t k = 0; k < p->nblocks && rc == CS_OK; k++) {
            rc = merge_block(st, &p->blocks[k], offset, &next, &cur, partial,
                             err);
            if (rc != CS_OK && err->status == CS_EINPUT) {
                char pre[CS_ERROR_FILE_MAX + 32];
                snprintf(pre, sizeof pre, "%s: block %zu",
                         names[info[i].index], k + 1);
                cs_error_prefix(err, pre);
            }
        }
        if (rc == CS_OK && (next > p->hi || (!partial && next != p->hi)))
            rc = BAD("%s: its blocks do not hold the tuples of its range",
                     names[info[i].index]);
        cs_part_free(p);
    }
    if (rc == CS_OK)
        rc = merged(st, &cur, err);
    else
        merged(NULL, &cur, err);
    free(info);
    free(offset);
    if (rc == CS_OK)
        cs_study_finish(st);
    return rc;
}
