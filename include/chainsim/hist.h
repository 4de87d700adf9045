/*
** hist.h - a mergeable log-linear histogram of non-negative values, for
** percentiles of durations.  Knows nothing of YAML, teams or the kernel.
**
** 128 sub-buckets per power of two, each keeping the least and greatest
** value it holds; a quantile is the middle of its bucket's values, so it
** is within 0.4% (relative) of the exact order statistic, and exact when
** the bucket holds one distinct value.  Values below 2^-30 fall in the
** first bucket, above 2^40 in the last.  Histograms merge by adding
** counts, so merging is order-independent.
*/
#ifndef CHAINSIM_HIST_H
#define CHAINSIM_HIST_H

#include <stddef.h>
#include <stdint.h>

typedef struct cs_hist cs_hist;

/* A new empty histogram; NULL if out of memory.  Caller frees with
** cs_hist_free. */
cs_hist *cs_hist_new(void);

/* Bytes one histogram takes (they all take the same).  Cannot fail. */
size_t cs_hist_bytes(void);

/* Frees h; NULL is allowed. */
void cs_hist_free(cs_hist *h);

/* Empties h; keeps its memory.  Cannot fail. */
void cs_hist_reset(cs_hist *h);

/* Adds x (NaN is ignored).  Cannot fail; no allocation. */
void cs_hist_add(cs_hist *h, double x);

/* Adds src's counts into dst (src is borrowed).  Cannot fail. */
void cs_hist_merge(cs_hist *dst, const cs_hist *src);

/* Number of values added.  Cannot fail. */
uint64_t cs_hist_count(const cs_hist *h);

/* The q-quantile, q in [0, 1]; NaN when the histogram is empty. */
double cs_hist_quantile(const cs_hist *h, double q);

/*
** The quantiles at q[0..n) (ascending) into out[0..n), in one pass over
** the buckets: out[i] == cs_hist_quantile(h, q[i]).  Cannot fail.
*/
void cs_hist_quantiles(const cs_hist *h, const double *q, size_t n,
                       double *out);

/* Share of values <= x (bucket resolution); NaN when empty. */
double cs_hist_cdf(const cs_hist *h, double x);

/* Bucket index of x, a representative value of a bucket (bucket below
** cs_hist_nbuckets(), else an assertion failure), and the number of
** buckets: for tests.  Cannot fail. */
size_t cs_hist_bucket(double x);
double cs_hist_bucket_value(size_t bucket);
size_t cs_hist_nbuckets(void);

/*
** A histogram as data, for part files: bucket b holds count values, the
** least bmin and the greatest bmax (0 and NaN when empty).  The used
** range is [*lo, *hi) of the buckets that hold a value (lo == hi == 0
** when h is empty); the count, the least and the greatest value of h
** follow from its buckets.  Cannot fail.
*/
void cs_hist_used(const cs_hist *h, size_t *lo, size_t *hi);
void cs_hist_get(const cs_hist *h, size_t b, uint64_t *count, double *bmin,
                 double *bmax);

/*
** Adds to h bucket b as cs_hist_get gave it (count > 0), as if those
** values had been added.  Returns 0, or -1 when the bucket cannot be one
** of a histogram (b out of range, count 0, bmin or bmax NaN or outside
** bucket b, bmin > bmax, or h's count would overflow); h is then
** unchanged.
*/
int cs_hist_put(cs_hist *h, size_t b, uint64_t count, double bmin,
                double bmax);

#endif /* CHAINSIM_HIST_H */
