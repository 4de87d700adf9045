/*
** test_sequential.c - the sequential procedures: the precision rule and
** KN on hand-made series, then through the study on models whose answer
** is known: the coverage of the 95% intervals, --precision against the
** number of replications the formula predicts, and --select's
** probability of correct selection.
**
** Two sizes, as test_engine: by default (make unit) the statistical
** cases run short horizons or fewer macro-replications; CS_VALIDATE=1
** (make validate) the long ones whose figures docs/validation.md keeps.
** The figures are printed on stderr.
*/
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "chainsim/scenario.h"
#include "chainsim/sequential.h"
#include "chainsim/stats.h"
#include "chainsim/study.h"
#include "testlib.h"

static int g_long;   /* CS_VALIDATE=1 */
/* Under the sanitizers (and CS_DEBUG's invariants) the statistical cases
** run a tenth of their runs, for the memory checks; their bounds, which
** need the full count, are then not asserted. */
#if defined(__SANITIZE_ADDRESS__) || defined(CS_DEBUG)
static const int g_smoke = 1;
#else
static const int g_smoke = 0;
#endif

/* ---- helpers ---------------------------------------------------------- */

static double *normal_series(unsigned long seed, size_t n, double mu,
                             double sd)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double *x = malloc(n * sizeof *x);

    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_nonnull(x);
    gsl_rng_set(r, seed);
    for (size_t i = 0; i < n; i++)
        x[i] = mu + gsl_ran_gaussian(r, sd);
    gsl_rng_free(r);
    return x;
}

/* A study of yaml (compare or not; independent streams) run on two
** threads with seq. */
static cs_study *study_ind(const char *yaml, int compare, int independent,
                           const cs_study_seq *seq)
{
    cs_study_opts so = {compare, independent, NULL, 0, {0}};
    const cs_study_run_opts ro = {.threads = 2};
    cs_scenario *s = NULL;
    cs_study *st = NULL;
    cs_error err;

    if (seq != NULL)
        so.seq = *seq;
    cs_error_clear(&err);
    ck_assert_msg(cs_scenario_load_string("t.yaml", yaml, &s, &err) == CS_OK,
                  "load: %s", err.msg);
    ck_assert_int_eq(cs_study_new(&so, &st, &err), CS_OK);
    ck_assert_msg(cs_study_build(st, s, NULL, &err) == CS_OK, "build: %s",
                  err.msg);
    cs_scenario_free(s);
    ck_assert_msg(cs_study_run(st, &ro, &err) == CS_OK, "run: %s", err.msg);
    return st;
}

static cs_study *study_of(const char *yaml, int compare,
                          const cs_study_seq *seq)
{
    return study_ind(yaml, compare, 0, seq);
}

/* ---- the precision rule ---------------------------------------------- */

START_TEST(test_relative)
{
    ck_assert_double_eq_tol(cs_sequential_relative(0.1), 0.1 / 1.1, 1e-15);
    ck_assert_double_eq_tol(cs_sequential_relative(0.02), 0.02 / 1.02,
                            1e-15);
}
END_TEST

/* The half-width is the summaries' (cs_stats_ci_mean), NaN skipped. */
START_TEST(test_check_is_the_summaries)
{
    double *x = normal_series(1, 50, 3.0, 1.0);
    const cs_sequential_series s = {x, NULL};
    cs_sequential_check c;
    cs_ci ci;

    x[7] = NAN;
    ci = cs_stats_ci_mean(x, 50, 0.95);
    c = cs_sequential_check_at(&s, 50, 0.3, 0);
    ck_assert(c.half_width == (ci.hi - ci.lo) / 2 ||
              fabs(c.half_width - (ci.hi - ci.lo) / 2) < 1e-15);
    ck_assert_double_eq(c.target, 0.3);
    ck_assert_int_eq(c.met, c.half_width <= 0.3);
    /* relative: gamma / (1 + gamma) of |mean| */
    c = cs_sequential_check_at(&s, 50, 0.1, 1);
    ck_assert_double_eq_tol(c.target, 0.1 / 1.1 * fabs(ci.mean), 1e-14);
    /* one value: never met */
    ck_assert_int_eq(cs_sequential_check_at(&s, 1, 1e9, 0).met, 0);
    free(x);
}
END_TEST

/* first_met is the first n whose exact check passes, for the series and
** for a paired difference, absolute and relative. */
START_TEST(test_first_met_is_first)
{
    double *x = normal_series(2, 400, 10.0, 2.0);
    double *b = normal_series(3, 400, 9.0, 2.0);
    const cs_sequential_series s[2] = {{x, NULL}, {x, b}};
    const double targets[3] = {0.5, 0.35, 0.05};

    for (int rel = 0; rel < 2; rel++)
        for (int k = 0; k < 3; k++) {
            const double p = rel ? targets[k] / 10 : targets[k];
            size_t want = 0;
            for (size_t n = 10; n <= 400 && want == 0; n++)
                if (cs_sequential_check_at(&s[0], n, p, rel).met &&
                    cs_sequential_check_at(&s[1], n, p, rel).met)
                    want = n;
            ck_assert_uint_eq(cs_sequential_first_met(s, 2, 10, 400, p, rel),
                              want);
            /* from a later start: the first at or after it */
            if (want > 20)
                ck_assert_uint_eq(cs_sequential_first_met(s, 2, want, 400, p,
                                                          rel),
                                  want);
        }
    /* constant data: met at once (half-width 0) */
    for (size_t i = 0; i < 400; i++)
        b[i] = x[i];
    {
        const cs_sequential_series d = {x, b};
        ck_assert_uint_eq(cs_sequential_first_met(&d, 1, 10, 400, 1e-12, 0),
                          10);
    }
    free(x);
    free(b);
}
END_TEST

/* need: (t sd / target)^2, at most most. */
START_TEST(test_need)
{
    double *x = normal_series(4, 40, 5.0, 1.0);
    const cs_sequential_series s = {x, NULL};
    const cs_ci ci = cs_stats_ci_mean(x, 40, 0.95);
    const size_t n = cs_sequential_need(&s, 40, 0.05, 0, 100000);
    const double t = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1));

    ck_assert_uint_gt(n, 40);
    /* the least i with t(i-1) sd / sqrt(i) <= target */
    ck_assert(t * ci.sd / sqrt((double)n) <= 0.05 * (1 + 1e-12));
    ck_assert(gsl_cdf_tdist_Pinv(0.975, (double)(n - 2)) * ci.sd /
              sqrt((double)(n - 1)) > 0.05);
    ck_assert_uint_eq(cs_sequential_need(&s, 40, 0.05, 0, 500), 500);
    ck_assert_uint_eq(cs_sequential_need(&s, 40, 100, 0, 500), 40);
    free(x);
}
END_TEST

/* ---- KN ---------------------------------------------------------------- */

START_TEST(test_kn_eta)
{
    /* k = 2, n0 = 10, alpha = 0.05: ((0.1)^(-2/9) - 1) / 2 */
    ck_assert_double_eq_tol(cs_sequential_kn_eta(2, 10, 0.05),
                            0.5 * (pow(0.1, -2.0 / 9.0) - 1.0), 1e-15);
    /* k = 5: 2 alpha / (k - 1) = 0.025 */
    ck_assert_double_eq_tol(cs_sequential_kn_eta(5, 10, 0.05),
                            0.5 * (pow(0.025, -2.0 / 9.0) - 1.0), 1e-15);
    /* a longer first stage needs a smaller eta */
    ck_assert(cs_sequential_kn_eta(5, 20, 0.05) <
              cs_sequential_kn_eta(5, 10, 0.05));
}
END_TEST

/*
** By hand: k = 2, n0 = 2, delta = 1, alpha = 0.05: eta = (0.1^-2 - 1)/2
** = 49.5, h^2 = 99.  x0 = 0, 2, 0, 0; x1 = 1, 1, 1, 1: the differences
** -1, 1 have S2 = 2, so W(r) = (1 / 2r)(198 - r): at r = 2 W = 49, the
** means 1 and 1 differ by 0: both stay.  No elimination until W falls
** below the gap; with x1 = 5 from the third value on the gap at r = 3
** is (0+2+0)/3 vs (1+1+5)/3: 7/3 - 2/3 = 5/3 < W(3) = 32.5.
*/
START_TEST(test_kn_by_hand)
{
    double a[200], b[200];
    const double *x[2] = {a, b};
    cs_sequential_kn *kn = cs_sequential_kn_new(2, 2, 1.0, 0.05);
    unsigned r;

    ck_assert_ptr_nonnull(kn);
    ck_assert_double_eq_tol(cs_sequential_kn_h2(kn), 99.0, 1e-12);
    for (int i = 0; i < 200; i++) {
        a[i] = i == 1 ? 2 : 0;
        b[i] = i < 2 ? 1 : 5;
    }
    ck_assert_int_eq(cs_sequential_kn_stage(kn, 2, x), 2);
    ck_assert_int_eq(cs_sequential_kn_stage(kn, 3, x), 2);
    /* the gap of the means grows to 5 - 2/r, W shrinks to 0 at r = 198:
    ** a falls at the first r with 5 - 4/r... computed here */
    for (r = 4; r < 200; r++) {
        const double ma = 2.0 / r, mb = (2.0 + 5.0 * (r - 2)) / r;
        const double w = fmax(0, 1.0 / (2.0 * r) * (198.0 - r));
        const int left = cs_sequential_kn_stage(kn, r, x);
        if (ma < mb - w) {
            ck_assert_int_eq(left, 1);
            break;
        }
        ck_assert_int_eq(left, 2);
    }
    ck_assert_uint_lt(r, 200);
    ck_assert_int_eq(cs_sequential_kn_alive(kn, 0), 0);
    ck_assert_uint_eq(cs_sequential_kn_out_at(kn, 0), r);
    ck_assert_int_eq(cs_sequential_kn_out_by(kn, 0), 1);
    ck_assert_int_eq(cs_sequential_kn_best(kn), 1);
    ck_assert_uint_eq(cs_sequential_kn_last(kn), r);
    cs_sequential_kn_free(kn);
}
END_TEST

/* Identical systems: the later is a duplicate of the earlier. */
START_TEST(test_kn_duplicates)
{
    double *a = normal_series(5, 50, 1.0, 1.0);
    const double *x[3] = {a, a, a};
    cs_sequential_kn *kn = cs_sequential_kn_new(3, 10, 0.1, 0.05);

    ck_assert_int_eq(cs_sequential_kn_stage(kn, 10, x), 1);
    ck_assert_int_eq(cs_sequential_kn_best(kn), 0);
    ck_assert_int_eq(cs_sequential_kn_out_by(kn, 1), 0);
    ck_assert_int_eq(cs_sequential_kn_out_by(kn, 2), 0);
    cs_sequential_kn_free(kn);
    free(a);
}
END_TEST

/* Normal systems 0.5 apart, delta 0.5, independent: KN's PCS >= 95%. */
START_TEST(test_kn_pcs_normal)
{
    const int k = 4, macro = g_smoke ? 40 : 400;
    int right = 0;

    for (int m = 0; m < macro; m++) {
        double *x[4];
        cs_sequential_kn *kn = cs_sequential_kn_new(k, 10, 0.5, 0.05);
        int left = k;
        for (int i = 0; i < k; i++)
            x[i] = normal_series((unsigned long)(1000 + m * k + i), 5000,
                                 0.5 * i, 1.0);
        for (unsigned r = 10; left > 1 && r <= 5000; r++)
            left = cs_sequential_kn_stage(kn, r, (const double *const *)x);
        ck_assert_int_eq(left, 1);
        right += cs_sequential_kn_best(kn) == k - 1;
        for (int i = 0; i < k; i++)
            free(x[i]);
        cs_sequential_kn_free(kn);
    }
    fprintf(stderr, "KN on normal systems 0.5 apart, delta 0.5: PCS %d/%d\n",
            right, macro);
    if (!g_smoke)
        ck_assert_int_ge(right, (int)ceil(0.95 * macro));
}
END_TEST

/* ---- coverage of the 95% intervals -------------------------------------- */

/*
** 200 independent seeds, each a run of R replications: the share of the
** runs whose 95% interval holds the exact value.  A correct interval
** covers with probability 0.95; over 200 runs the share is within
** [0.92, 0.98] with probability about 0.95 (binomial), and with fixed
** seeds the verdict is the same every time.
*/
#define SEEDS (g_smoke ? 20 : 200)

static const char mm1_yaml[] =
    "chainsim: 1\n"
    "name: mm1\n"
    "horizon: %gd\n"
    "warmup: %gd\n"
    "replications: %d\n"
    "seed: %d\n"
    "teams:\n"
    "  - {name: a, capacity: 1}\n"
    "work:\n"
    "  - name: x\n"
    "    arrivals: {rate: 0.5/d}\n"
    "    steps:\n"
    "      - {team: a, effort: 'exponential(1d)'}\n"
    "promise:\n"
    "  - {name: four-days, within: 4d, percentile: 80}\n";

static const char conwip_yaml[] =
    "chainsim: 1\n"
    "name: conwip tandem\n"
    "horizon: %gd\n"
    "warmup: %gd\n"
    "replications: %d\n"
    "seed: %d\n"
    "wip_limit: 4\n"
    "teams:\n"
    "  - {name: t1, capacity: 1}\n"
    "  - {name: t2, capacity: 1}\n"
    "  - {name: t3, capacity: 1}\n"
    "work:\n"
    "  - name: w\n"
    "    backlog: %d\n"
    "    steps:\n"
    "      - {team: t1, effort: 'exponential(1d)'}\n"
    "      - {team: t2, effort: 'exponential(0.8d)'}\n"
    "      - {team: t3, effort: 'exponential(0.5d)'}\n"
    "promise:\n"
    "  - {name: output, throughput: 50/100d}\n";

static int covers(const cs_ci *c, double x)
{
    return c->lo <= x && x <= c->hi;
}

static void coverage_row(const char *what, int hits, int reps, double h)
{
    fprintf(stderr, "| %s | %d/%d = %.3f | %d replications per seed, "
            "horizon %gd |\n", what, hits, SEEDS, (double)hits / SEEDS, reps,
            h);
}

START_TEST(test_coverage_mm1)
{
    const double h = g_long ? 20000 : 2000;
    const int reps = g_long ? 20 : 10;
    const double w = 2.0, share = 1.0 - exp(-0.5 * 4.0);
    int lt = 0, pr = 0;

    for (int seed = 1; seed <= SEEDS; seed++) {
        char yaml[2048];
        cs_study *st;
        const cs_summary *s;
        snprintf(yaml, sizeof yaml, mm1_yaml, h, h / 10, reps, seed);
        st = study_of(yaml, 0, NULL);
        s = cs_study_summary(st, 0);
        lt += covers(&s->lead_time, w);
        pr += covers(&s->promises[0].achieved, share);
        cs_study_free(st);
    }
    coverage_row("M/M/1 mean lead time, W = 1/(mu - lambda) = 2", lt, reps,
                 h);
    coverage_row("M/M/1 share within 4d, 1 - exp(-(mu - lambda) 4)", pr,
                 reps, h);
    if (g_smoke)
        return;
    ck_assert_int_ge(lt, 184);
    ck_assert_int_le(lt, 196);
    ck_assert_int_ge(pr, 184);
    ck_assert_int_le(pr, 196);
}
END_TEST

/* CONWIP 4 over three exponential stations with a backlog that never
** runs dry: the closed network, exact by Mean Value Analysis. */
START_TEST(test_coverage_conwip)
{
    const double h = g_long ? 10000 : 1000;
    const int reps = g_long ? 20 : 10, N = 4;
    const double mu[3] = {1.0, 1.25, 2.0};
    double q[3] = {0, 0, 0}, rk[3] = {0, 0, 0}, X = 0;
    int th = 0, wait = 0;

    for (int n = 1; n <= N; n++) {
        double sum = 0;
        for (int k = 0; k < 3; k++)
            sum += rk[k] = (1.0 + q[k]) / mu[k];
        X = n / sum;
        for (int k = 0; k < 3; k++)
            q[k] = X * rk[k];
    }
    for (int seed = 1; seed <= SEEDS; seed++) {
        char yaml[2048];
        cs_study *st;
        const cs_summary *s;
        snprintf(yaml, sizeof yaml, conwip_yaml, h, h / 10, reps, seed,
                 (int)(h * 1.5));
        st = study_of(yaml, 0, NULL);
        s = cs_study_summary(st, 0);
        th += covers(&s->throughput, X);
        wait += covers(&s->teams[0].queue_wait, rk[0] - 1.0 / mu[0]);
        cs_study_free(st);
    }
    coverage_row("CONWIP 4 tandem throughput, MVA X(4)", th, reps, h);
    coverage_row("CONWIP 4 tandem station 1 queue wait, MVA R_1 - 1/mu_1",
                 wait, reps, h);
    if (g_smoke)
        return;
    ck_assert_int_ge(th, 184);
    ck_assert_int_le(th, 196);
    ck_assert_int_ge(wait, 184);
    ck_assert_int_le(wait, 196);
}
END_TEST

/* ---- --precision on a known case ---------------------------------------- */

/*
** Infinite servers (capacity 1000 against 1 arrival a day), efforts
** exponential(1d), window [0, 100d]: a replication's mean lead time is
** the mean of N exponential efforts, N ~ Poisson(100) (given N >= 1), so
** its variance is E[1/N].  The formula's count for a half-width X is the
** least n with t(n-1) sqrt(E[1/N] / n) <= X (for a relative target, X =
** gamma / (1 + gamma) times the mean, 1).
*/
static const char infinite_yaml[] =
    "chainsim: 1\n"
    "name: infinite servers\n"
    "horizon: 100d\n"
    "warmup: 0d\n"
    "seed: %d\n"
    "teams:\n"
    "  - {name: a, capacity: 1000}\n"
    "work:\n"
    "  - name: x\n"
    "    arrivals: {rate: 1/d}\n"
    "    steps:\n"
    "      - {team: a, effort: 'exponential(1d)'}\n"
    "promise:\n"
    "  - {name: output, throughput: 50/100d}\n";

static double inverse_n_mean(double m)
{
    double sum = 0, p0 = exp(-m);

    for (unsigned k = 1; k < 1000; k++)
        sum += gsl_ran_poisson_pdf(k, m) / k;
    return sum / (1 - p0);
}

static size_t formula_count(double sd, double x)
{
    size_t n = 2;

    while (gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd /
               sqrt((double)n) > x)
        n++;
    return n;
}

START_TEST(test_precision_count)
{
    const double sd = sqrt(inverse_n_mean(100));
    const int seeds = g_long ? 20 : g_smoke ? 1 : 4;

    for (int rel = 0; rel < 2; rel++) {
        const double x = rel ? cs_sequential_relative(0.01) * 1.0 : 0.01;
        const size_t want = formula_count(sd, x);
        for (int seed = 1; seed <= seeds; seed++) {
            const cs_study_seq q = {CS_STUDY_PRECISION, 0.01, rel, 0, 0, 0};
            char yaml[2048];
            cs_study *st;
            const cs_summary *s;
            const cs_study_seq_result *res;
            double hw;
            snprintf(yaml, sizeof yaml, infinite_yaml, seed);
            st = study_of(yaml, 0, &q);
            s = cs_study_summary(st, 0);
            res = cs_study_seq_outcome(st);
            hw = (s->lead_time.hi - s->lead_time.lo) / 2;
            fprintf(stderr, "precision %s0.01%s: seed %d, %u replications "
                    "(formula %zu, %+.1f%%), half-width %.5f\n",
                    rel ? "" : "", rel ? " relative" : " days", seed,
                    s->replications, want,
                    100.0 * ((double)s->replications - (double)want) /
                        (double)want, hw);
            ck_assert_int_eq(res->met, 1);
            ck_assert(cs_study_seq_job(st, 0)->met);
            ck_assert(hw <= (rel ? cs_sequential_relative(0.01) *
                                       s->lead_time.mean
                                 : 0.01) * (1 + 1e-12));
            ck_assert(fabs((double)s->replications - (double)want) <=
                      0.2 * (double)want);
            ck_assert_uint_eq(res->replications, s->replications);
            cs_study_free(st);
        }
    }
}
END_TEST

/* The count reached gives the results a fixed run of that many gives,
** bit for bit, on one thread or two; in a compare the differences too. */
START_TEST(test_precision_same_as_fixed)
{
    static const char yaml[] =
        "chainsim: 1\n"
        "name: two\n"
        "horizon: 300d\n"
        "warmup: auto\n"
        "replications: %u\n"
        "seed: 11\n"
        "teams:\n"
        "  - {name: a, capacity: 1}\n"
        "  - {name: b, capacity: 2, wip_limit: 3}\n"
        "work:\n"
        "  - name: x\n"
        "    arrivals: {rate: 0.6/d}\n"
        "    steps:\n"
        "      - {team: a, effort: 'exponential(1d)'}\n"
        "      - {team: b, effort: 'gamma(mean=2d, cv=0.5)'}\n"
        "promise:\n"
        "  - {name: p, within: 8d, percentile: 80}\n"
        "variants:\n"
        "  - name: more-a\n"
        "    patch: {teams: [{name: a, capacity: 2}]}\n";
    const cs_study_seq q = {CS_STUDY_PRECISION, 0.03, 0, 0, 0, 0};
    char text[2048];
    cs_study *seq, *fixed;
    unsigned n;

    snprintf(text, sizeof text, yaml, 5u);
    seq = study_of(text, 1, &q);
    n = cs_study_summary(seq, 0)->replications;
    ck_assert_uint_gt(n, 10);
    ck_assert_uint_eq(cs_study_summary(seq, 1)->replications, n);
    snprintf(text, sizeof text, yaml, n);
    fixed = study_of(text, 1, NULL);
    for (size_t j = 0; j < 2; j++) {
        const cs_summary *a = cs_study_summary(seq, j);
        const cs_summary *b = cs_study_summary(fixed, j);
        ck_assert(a->lead_time.mean == b->lead_time.mean);
        ck_assert(a->lead_time.lo == b->lead_time.lo);
        ck_assert(a->p85 == b->p85 && a->p95 == b->p95);
        ck_assert(a->warmup == b->warmup);
        ck_assert(a->promises[0].achieved.lo == b->promises[0].achieved.lo);
        ck_assert_int_eq(a->partial, 0);
    }
    ck_assert(cs_study_comparison(seq, 1)->promise[0].lo ==
              cs_study_comparison(fixed, 1)->promise[0].lo);
    ck_assert(cs_study_seq_job(seq, 1)->diff_half_width <= 0.03);
    cs_study_free(seq);
    cs_study_free(fixed);
}
END_TEST

/* Relative precision at the cap: stops there, not met. */
START_TEST(test_precision_cap)
{
    char yaml[2048];
    const cs_study_seq q = {CS_STUDY_PRECISION, 0.0001, 1, 0, 0, 25};
    cs_study *st;

    snprintf(yaml, sizeof yaml, infinite_yaml, 3);
    st = study_of(yaml, 0, &q);
    ck_assert_uint_eq(cs_study_summary(st, 0)->replications, 25);
    ck_assert_int_eq(cs_study_seq_outcome(st)->met, 0);
    ck_assert_int_eq(cs_study_seq_job(st, 0)->met, 0);
    ck_assert_int_eq(cs_study_summary(st, 0)->partial, 0);
    cs_study_free(st);
}
END_TEST

/* ---- --select --------------------------------------------------------- */

/*
** Five capacities draining a backlog of 200 items of exponential(1d)
** effort: c workers stay busy, so the items done by day 2 are
** Poisson(2c) and the share within 2 days is exactly 2c / 200 = c%.
** Capacities 12 (baseline), 14, 10, 13, 11: the best (14) is 1 point
** above the second, the indifference zone of 1 point (the default) is
** respected and KN must select it with probability at least 95%.
*/
static const char five_yaml[] =
    "chainsim: 1\n"
    "name: five capacities\n"
    "horizon: 3d\n"
    "warmup: 0d\n"
    "seed: %d\n"
    "teams:\n"
    "  - {name: a, capacity: 12}\n"
    "work:\n"
    "  - name: x\n"
    "    backlog: 200\n"
    "    steps:\n"
    "      - {team: a, effort: 'exponential(1d)'}\n"
    "promise:\n"
    "  - {name: two-days, within: 2d, percentile: 10}\n"
    "variants:\n"
    "  - {name: c14, patch: {teams: [{name: a, capacity: 14}]}}\n"
    "  - {name: c10, patch: {teams: [{name: a, capacity: 10}]}}\n"
    "  - {name: c13, patch: {teams: [{name: a, capacity: 13}]}}\n"
    "  - {name: c11, patch: {teams: [{name: a, capacity: 11}]}}\n";

/* With common random numbers (_i 0) and, harder, with independent
** streams (_i 1), whose differences vary more. */
START_TEST(test_select_pcs)
{
    const int macro = g_long ? 1000 : g_smoke ? 20 : 200, ind = _i;
    const double share[5] = {0.12, 0.14, 0.10, 0.13, 0.11};
    const cs_study_seq q = {CS_STUDY_SELECT, 0, 0, 0, 0, 0};
    int right = 0, within = 0;
    unsigned long reps = 0;

    /* exact: E[min(Poisson(2c), 200)] / 200, the gap of the best two */
    for (int v = 0; v < 5; v++) {
        const double c = share[v] * 100;
        ck_assert_double_eq_tol(
            (2 * c - 200 * gsl_cdf_poisson_Q(200, 2 * c)) / 200, share[v],
            1e-12);
    }
    ck_assert(share[1] - share[3] >= 0.01 - 1e-12);
    for (int m = 1; m <= macro; m++) {
        char yaml[2048];
        cs_study *st;
        const cs_study_seq_result *res;
        snprintf(yaml, sizeof yaml, five_yaml, m);
        st = study_ind(yaml, 1, ind, &q);
        res = cs_study_seq_outcome(st);
        ck_assert_int_eq(res->complete, 1);
        ck_assert_double_eq(res->delta, 0.01);
        ck_assert(res->selected >= 0 && res->selected < 5);
        right += res->selected == 1;
        within += share[1] - share[res->selected] <= 0.01 + 1e-12;
        reps += res->total;
        /* each eliminated variant ran exactly its stages */
        for (size_t j = 0; j < 5; j++) {
            const cs_study_seq_row *w = cs_study_seq_job(st, j);
            ck_assert_uint_eq(cs_study_summary(st, j)->replications,
                              w->out_at > 0 ? w->out_at : res->replications);
            ck_assert_int_eq(w->selected, (long)j == res->selected);
        }
        cs_study_free(st);
    }
    fprintf(stderr, "| KN, five capacities 1 point apart, delta 1 point, "
            "%s | PCS %d/%d = %.3f | within delta %d/%d | %.1f replications "
            "per selection |\n", ind ? "independent streams"
                                     : "common random numbers",
            right, macro, (double)right / macro, within, macro,
            (double)reps / macro);
    if (!g_smoke)
        ck_assert_int_ge(right, (int)ceil(0.95 * macro));
    ck_assert_int_eq(within, macro);
}
END_TEST

/* Bit-identical whatever the threads; the eliminated runs are fixed
** runs of their stage count. */
START_TEST(test_select_threads)
{
    char yaml[2048];
    const cs_study_seq q = {CS_STUDY_SELECT, 0, 0, 0, 0, 0};
    cs_study_opts so = {1, 0, NULL, 0, {0}};
    cs_study *st[2];

    so.seq = q;
    snprintf(yaml, sizeof yaml, five_yaml, 7);
    for (int k = 0; k < 2; k++) {
        const cs_study_run_opts ro = {.threads = (unsigned)(k + 1)};
        cs_scenario *s = NULL;
        cs_error err;
        ck_assert_int_eq(cs_scenario_load_string("t.yaml", yaml, &s, &err),
                         CS_OK);
        ck_assert_int_eq(cs_study_new(&so, &st[k], &err), CS_OK);
        ck_assert_int_eq(cs_study_build(st[k], s, NULL, &err), CS_OK);
        ck_assert_int_eq(cs_study_run(st[k], &ro, &err), CS_OK);
        cs_scenario_free(s);
    }
    for (size_t j = 0; j < 5; j++) {
        const cs_summary *a = cs_study_summary(st[0], j);
        const cs_summary *b = cs_study_summary(st[1], j);
        ck_assert_uint_eq(a->replications, b->replications);
        ck_assert(a->promises[0].achieved.mean ==
                  b->promises[0].achieved.mean);
        ck_assert(a->p85 == b->p85);
        ck_assert_uint_eq(cs_study_seq_job(st[0], j)->out_at,
                          cs_study_seq_job(st[1], j)->out_at);
    }
    ck_assert_int_eq(cs_study_seq_outcome(st[0])->selected,
                     cs_study_seq_outcome(st[1])->selected);
    cs_study_free(st[0]);
    cs_study_free(st[1]);
}
END_TEST

/* Planning errors: a variant without the measured promise; no variant;
** a lead time without --indifference. */
START_TEST(test_select_plan_errors)
{
    static const char *const bad[3] = {
        "chainsim: 1\nname: a\nteams: [{name: a, capacity: 1}]\n"
        "work: [{name: x, arrivals: {rate: 0.5/d}, steps: [{team: a, "
        "effort: 1d}]}]\npromise: [{name: p, within: 2d, percentile: 50}]\n"
        "variants: [{name: v, patch: {promise: [{name: p, within: 3d, "
        "percentile: 50}]}}]\n",
        "chainsim: 1\nname: a\nteams: [{name: a, capacity: 1}]\n"
        "work: [{name: x, arrivals: {rate: 0.5/d}, steps: [{team: a, "
        "effort: 1d}]}]\npromise: [{name: p, within: 2d, percentile: 50}]\n",
        "chainsim: 1\nname: a\nteams: [{name: a, capacity: 1}]\n"
        "work: [{name: x, arrivals: {rate: 0.5/d}, steps: [{team: a, "
        "effort: 1d}]}]\npromise: [{name: t, throughput: 10/100d}]\n"
        "variants: [{name: v, patch: {teams: [{name: a, capacity: 2}]}}]\n"};
    static const char *const want[3] = {"does not have the baseline's "
                                        "promise 'p'",
                                        "needs at least one variant",
                                        "--indifference DAYS"};
    for (int k = 0; k < 3; k++) {
        cs_study_opts so = {1, 0, NULL, 0, {CS_STUDY_SELECT, 0, 0, 0, 0, 0}};
        cs_scenario *s = NULL;
        cs_study *st = NULL;
        cs_error err;
        cs_error_clear(&err);
        ck_assert_msg(cs_scenario_load_string("t.yaml", bad[k], &s, &err) ==
                          CS_OK, "%s", err.msg);
        ck_assert_int_eq(cs_study_new(&so, &st, &err), CS_OK);
        ck_assert_int_eq(cs_study_build(st, s, NULL, &err), CS_EINPUT);
        ck_assert_int_eq(cs_study_build_fault(st), CS_STUDY_FAULT_USAGE);
        ck_assert_msg(strstr(err.msg, want[k]) != NULL, "%s", err.msg);
        cs_study_free(st);
        cs_scenario_free(s);
    }
}
END_TEST

static Suite *sequential_suite(void)
{
    Suite *s = suite_create("sequential");
    TCase *u = tcase_create("rules");
    TCase *v = tcase_create("validation");

    tcase_add_test(u, test_relative);
    tcase_add_test(u, test_check_is_the_summaries);
    tcase_add_test(u, test_first_met_is_first);
    tcase_add_test(u, test_need);
    tcase_add_test(u, test_kn_eta);
    tcase_add_test(u, test_kn_by_hand);
    tcase_add_test(u, test_kn_duplicates);
    tcase_add_test(u, test_select_plan_errors);
    tcase_add_test(u, test_precision_cap);
    tcase_add_test(u, test_precision_same_as_fixed);
    tcase_add_test(u, test_select_threads);
    tcase_add_test(v, test_kn_pcs_normal);
    tcase_add_test(v, test_coverage_mm1);
    tcase_add_test(v, test_coverage_conwip);
    tcase_add_test(v, test_precision_count);
    tcase_add_loop_test(v, test_select_pcs, 0, 2);
    tcase_set_timeout(v, 1200);
    suite_add_tcase(s, u);
    suite_add_tcase(s, v);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sequential_suite());
    int failed;

    g_long = tl_env_flag("CS_VALIDATE") && !tl_env_flag("CS_QUICK");
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
