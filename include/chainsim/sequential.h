/*
** sequential.h - sequential procedures over replications: the stopping
** rule for a specified precision (Law and Kelton) and Kim and Nelson's
** fully sequential KN procedure for selecting the best of k systems.
** Knows nothing of models or the runner: it reads per-replication values
** in replication order, so what it decides depends only on those values,
** never on how the replications were handed out.
**
** Precision.  A series is one value per replication (or the paired
** difference of two).  At n values its 95% half-width is the Student-t
** half-width t(n-1, 0.975) s / sqrt(n) over its finite values, exactly as
** cs_stats_ci_mean computes it.  An absolute target X is met when the
** half-width is at most X; a relative one (gamma, a fraction) when it is
** at most gamma / (1 + gamma) times |mean| (Law and Kelton's adjusted
** relative precision, which bounds the actual relative error by gamma),
** the mean being the series' own, or for a difference the baseline's.
**
** KN (Kim and Nelson 2001), larger is better, confidence 1 - alpha,
** indifference zone delta, first stage n0 >= 2:
**     eta = ((2 alpha / (k - 1))^(-2 / (n0 - 1)) - 1) / 2,
**     h^2 = 2 eta (n0 - 1),
**     S2_il = the sample variance of X_i - X_l over the first stage,
**     W_il(r) = max(0, delta / (2 r) (h^2 S2_il / delta^2 - r)),
** and at each stage r >= n0 a survivor i is eliminated when its mean of
** r values is below some other survivor l's by more than W_il(r).  It
** stops when one is left.  With common random numbers the variances of
** the differences are what count, so CRN make it faster.
*/
#ifndef CHAINSIM_SEQUENTIAL_H
#define CHAINSIM_SEQUENTIAL_H

#include <stddef.h>

/* The fewest replications the precision rule and KN take. */
#define CS_SEQUENTIAL_MIN_PRECISION 10u
#define CS_SEQUENTIAL_MIN_STAGE 2u
/* The default first stage of both, and the default cap. */
#define CS_SEQUENTIAL_FIRST_STAGE 10u
#define CS_SEQUENTIAL_MAX_REPLICATIONS 10000u

/* A series for the precision rule: x[i], or x[i] - base[i] when base is
** not NULL, per replication in order (borrowed). */
typedef struct cs_sequential_series {
    const double *x;
    const double *base;
} cs_sequential_series;

/* Where a series stands at n replications. */
typedef struct cs_sequential_check {
    double half_width;       /* 95% half-width (0 when fewer than 2) */
    double target;           /* the absolute target at n */
    int met;                 /* half_width <= target, n >= 2 values */
} cs_sequential_check;

/* gamma / (1 + gamma): the bound on the half-width relative to |mean|
** that gives a relative error of at most gamma.  Cannot fail. */
double cs_sequential_relative(double gamma);

/*
** Series s over its first n replications against precision (absolute,
** or relative: a fraction gamma).  Exactly the half-width the summaries
** report (cs_stats_ci_mean, cs_stats_ci_paired at 0.95).  Cannot fail.
*/
cs_sequential_check cs_sequential_check_at(const cs_sequential_series *s,
                                           size_t n, double precision,
                                           int relative);

/*
** The first n in [lo, hi] (lo >= 1) at which every one of the ns series
** meets precision, or 0 when none does.  Screens with running sums and
** confirms with cs_sequential_check_at, so the answer is exactly the
** first n at which the reported half-widths meet it.  Cannot fail.
*/
size_t cs_sequential_first_met(const cs_sequential_series *s, size_t ns,
                               size_t lo, size_t hi, double precision,
                               int relative);

/*
** The replications series s is likely to need, from its first n: the
** least i >= n with t(i-1, 0.975) sd / sqrt(i) <= target at n (Law and
** Kelton's approximate number), at most most; most when the target is
** 0 and the sd is not.  Cannot fail.
*/
size_t cs_sequential_need(const cs_sequential_series *s, size_t n,
                          double precision, int relative, size_t most);

/* KN's eta for k systems, first stage n0, confidence 1 - alpha; k >= 2,
** n0 >= 2, alpha in (0, 1).  Cannot fail. */
double cs_sequential_kn_eta(int k, unsigned n0, double alpha);

typedef struct cs_sequential_kn cs_sequential_kn;

/* KN for k >= 2 systems; NULL if out of memory.  Caller frees. */
cs_sequential_kn *cs_sequential_kn_new(int k, unsigned n0, double delta,
                                       double alpha);
void cs_sequential_kn_free(cs_sequential_kn *kn);   /* NULL allowed */

/*
** Stage r of KN: x[i] holds at least r values of system i (larger is
** better; borrowed, finite), for every system still in.  Call for r =
** n0, n0 + 1, ... in turn; the first call also takes the variances of
** the differences.  Eliminates the systems the rule excludes at r and
** returns how many are left.  Cannot fail.
*/
int cs_sequential_kn_stage(cs_sequential_kn *kn, unsigned r,
                           const double *const *x);

/* Whether system i is still in; the stage it was eliminated at (0: not)
** and the survivor it fell short of then (-1: none).  Cannot fail. */
int cs_sequential_kn_alive(const cs_sequential_kn *kn, int i);
unsigned cs_sequential_kn_out_at(const cs_sequential_kn *kn, int i);
int cs_sequential_kn_out_by(const cs_sequential_kn *kn, int i);
/* The survivor with the greatest mean at the last stage (the first on a
** tie), the last stage, and eta and h^2.  Cannot fail. */
int cs_sequential_kn_best(const cs_sequential_kn *kn);
unsigned cs_sequential_kn_last(const cs_sequential_kn *kn);
double cs_sequential_kn_h2(const cs_sequential_kn *kn);

#endif /* CHAINSIM_SEQUENTIAL_H */
