/*
** main.c - the chainsim command line: options, signals, atomic output and
** progress; the only place that prints or exits.  The work is the
** library's (study.h, report.h, report_model.h), which returns cs_status.
**
**   chainsim run      SCENARIO [options]
**   chainsim compare  SCENARIO [options]
**   chainsim check    SCENARIO [options]
**   chainsim trace    SCENARIO [options]
**   chainsim --help | --version
*/
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/report.h"
#include "chainsim/report_model.h"
#include "chainsim/scenario.h"
#include "chainsim/study.h"

#ifndef CS_VERSION
#define CS_VERSION "1.0.0"
#endif

/* Exit codes (SPEC 2) besides cs_status_exit_code's and EXIT_SUCCESS. */
#define EXIT_PROMISE 1         /* a promise not met under --check-promise */
#define EXIT_USAGE 2           /* usage error */
#define EXIT_SIGNAL_BASE 128   /* interrupted: 128 + the signal number */
#define PARSE_DONE (-1)        /* --help or --version answered: exit 0 */

static const char usage_text[] =
    "usage: chainsim COMMAND SCENARIO [options]\n"
    "\n"
    "Simulates a multi-team delivery chain described in a YAML scenario and\n"
    "tells whether it keeps its delivery promise.\n"
    "\n"
    "commands:\n"
    "  run       simulate the base (or --variant NAME)\n"
    "  compare   simulate the base and every variant, and compare them\n"
    "  check     validate the scenario and print a normalised summary\n"
    "  trace     the event log of one replication as CSV\n"
    "\n"
    "options:\n"
    "  -n, --replications N   replications (default: the scenario's, else 100)\n"
    "  -s, --seed N           master seed (default: the scenario's, else 1)\n"
    "  -j, --threads N        worker threads (default: all cores)\n"
    "      --horizon DUR      simulated time per replication (e.g. 520d)\n"
    "      --warmup DUR|auto  statistics start here\n"
    "      --variant NAME     run: simulate this variant instead of the base\n"
    "      --set PATH=VALUE   override a scenario value (repeatable)\n"
    "      --vary PATH=V1,V2  one result per value (repeatable: cartesian product)\n"
    "  -f, --format FMT       table (default), csv or json\n"
    "      --no-header        csv: no header line\n"
    "  -o, --output FILE      write results to FILE (atomically)\n"
    "      --check-promise    exit 1 when a promise is not met\n"
    "      --independent      compare: each variant its own random streams\n"
    "                         (to measure what common random numbers gain)\n"
    "  -r, --replication K    trace: which replication (default 1)\n"
    "  -q, --quiet            no progress, no warnings\n"
    "  -h, --help             this help\n"
    "      --version          the version\n"
    "\n"
    "exit codes: 0 success, 1 promise not met (--check-promise),\n"
    "            2 usage or scenario error, 3 simulation error.\n"
    "See docs/cli.md for the details.\n";


/* ---- signals --------------------------------------------------------- */

/*
** SIGINT, SIGTERM (and SIGHUP).  In run and compare the first one sets
** g_stop: no new replication starts and the completed ones are reported,
** marked partial.  A second one, or any in trace (one replication: a
** partial event log is of no use), ends the process at once: the
** temporary file of -o, if one is open, is removed first and the signal
** raised again with its default action, so the exit status says which
** signal it was and FILE is left as it was.  Both are set only while the
** signals are blocked, so the handler never sees them half-written.  The
** library is handed g_lib_stop, a lock-free atomic_int (so setting it is
** safe in a handler), set together with g_stop.
*/
_Static_assert(ATOMIC_INT_LOCK_FREE == 2,
               "the signal handler sets an atomic_int: it must be lock-free");
static volatile sig_atomic_t g_stop;   /* the signal number, once caught */
static volatile sig_atomic_t g_graceful;   /* 1: the first signal stops */
static const char *volatile g_tmp;     /* temporary output file, or NULL */
static atomic_int g_lib_stop;          /* what the library reads */

static void on_signal(int sig)
{
    if (g_graceful && g_stop == 0) {
        g_stop = sig;
        atomic_store(&g_lib_stop, 1);
        return;
    }
    if (g_tmp != NULL)
        unlink(g_tmp);
    signal(sig, SIG_DFL);
    raise(sig);    /* delivered when the handler returns */
}

static void block_signals(int block, sigset_t *saved)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    if (block)
        sigprocmask(SIG_BLOCK, &set, saved);
    else
        sigprocmask(SIG_SETMASK, saved, NULL);
}

/* The temporary file to remove if a signal ends the process. */
static void set_cleanup(const char *tmp)
{
    sigset_t saved;

    block_signals(1, &saved);
    g_tmp = tmp;
    block_signals(0, &saved);
}

/* SIGINT and SIGTERM are caught even when ignored at start (a background
** job of a script), so "kill -INT" always stops a run cleanly; an ignored
** SIGHUP stays ignored (nohup). */
static void install_signals(int graceful)
{
    struct sigaction sa, old;
    sigset_t saved;

    block_signals(1, &saved);
    g_graceful = graceful;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
        sigaction(SIGHUP, &sa, NULL);
    block_signals(0, &saved);
}

/* ---- messages ---------------------------------------------------------- */

static int usage_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static int usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("chainsim: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n(see 'chainsim --help')\n", stderr);
    return EXIT_USAGE;
}

static int print_error(const cs_error *err)
{
    char buf[CS_ERROR_MSG_MAX + CS_ERROR_FILE_MAX + 64];

    cs_error_format(err, buf, sizeof buf);
    fprintf(stderr, "%s\n", buf);
    return cs_status_exit_code(err->status != CS_OK ? err->status : CS_EINPUT);
}

static int out_of_memory(void)
{
    fputs("chainsim: error: out of memory\n", stderr);
    return cs_status_exit_code(CS_ENOMEM);
}

static int cannot_write(const char *path, const char *why)
{
    fprintf(stderr, "chainsim: error: cannot write '%s': %s\n",
            path != NULL ? path : "standard output", why);
    return cs_status_exit_code(CS_EIO);
}

/* ---- options --------------------------------------------------------- */

typedef enum command { CMD_RUN, CMD_COMPARE, CMD_CHECK, CMD_TRACE } command;

typedef struct options {
    command cmd;
    const char *scenario;
    long replications;         /* -1 = the scenario's */
    const char *seed;          /* NULL = the scenario's */
    unsigned threads;          /* 0 = all cores */
    const char *horizon;
    const char *warmup;
    const char *variant;
    const char **sets;
    size_t nsets;
    const char *vary[CS_STUDY_MAX_VARY];
    size_t nvary;
    cs_format format;
    int no_header;
    const char *output;
    int check_promise;
    int independent;           /* compare: no common random numbers */
    long trace_rep;            /* 1-based */
    int quiet;
} options;

typedef struct option_def option_def;

/* Handles an option (v is NULL for one without a value); returns 0, an
** exit code after printing, or PARSE_DONE. */
typedef int (*option_fn)(options *o, const option_def *d, const char *v);

struct option_def {
    const char *name;
    char short_name;           /* '\0' when none */
    int takes_value;
    option_fn handle;
    size_t field;              /* the member opt_flag or opt_text sets */
};

/* Parses a whole decimal number in [lo, hi]. */
static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;

    if (s == NULL || *s == '\0')
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int opt_flag(options *o, const option_def *d, const char *v)
{
    (void)v;
    *(int *)(void *)((char *)o + d->field) = 1;
    return 0;
}

static int opt_text(options *o, const option_def *d, const char *v)
{
    *(const char **)(void *)((char *)o + d->field) = v;
    return 0;
}

static int opt_help(options *o, const option_def *d, const char *v)
{
    (void)o, (void)d, (void)v;
    fputs(usage_text, stdout);
    return PARSE_DONE;
}

static int opt_version(options *o, const option_def *d, const char *v)
{
    (void)o, (void)d, (void)v;
    printf("chainsim %s\n", CS_VERSION);
    return PARSE_DONE;
}

static int opt_replications(options *o, const option_def *d, const char *v)
{
    (void)d;
    if (parse_long(v, 1, 1000000, &o->replications) != 0)
        return usage_error("--replications: '%s' is not a whole number from "
                           "1 to 1000000", v);
    return 0;
}

static int opt_seed(options *o, const option_def *d, const char *v)
{
    char *end;

    (void)d;
    errno = 0;
    (void)strtoull(v, &end, 10);
    if (*v == '\0' || *v == '-' || *end != '\0' || errno != 0)
        return usage_error("--seed: '%s' is not a whole number >= 0", v);
    o->seed = v;
    return 0;
}

static int opt_threads(options *o, const option_def *d, const char *v)
{
    long n;

    (void)d;
    if (parse_long(v, 1, 1024, &n) != 0)
        return usage_error("--threads: '%s' is not a whole number from 1 to "
                           "1024", v);
    o->threads = (unsigned)n;
    return 0;
}

static int opt_set(options *o, const option_def *d, const char *v)
{
    const char **n;

    (void)d;
    if (strchr(v, '=') == NULL)
        return usage_error("--set '%s': expected PATH=VALUE", v);
    if ((n = realloc(o->sets, (o->nsets + 1) * sizeof *n)) == NULL)
        return out_of_memory();
    o->sets = n;
    o->sets[o->nsets++] = v;
    return 0;
}

static int opt_vary(options *o, const option_def *d, const char *v)
{
    (void)d;
    if (strchr(v, '=') == NULL)
        return usage_error("--vary '%s': expected PATH=V1,V2,...", v);
    if (o->nvary >= CS_STUDY_MAX_VARY)
        return usage_error("at most %d --vary options", CS_STUDY_MAX_VARY);
    o->vary[o->nvary++] = v;
    return 0;
}

static int opt_format(options *o, const option_def *d, const char *v)
{
    const int f = cs_format_parse(v);

    (void)d;
    if (f < 0)
        return usage_error("--format: '%s' is not one of table, csv, json", v);
    o->format = (cs_format)f;
    return 0;
}

static int opt_output(options *o, const option_def *d, const char *v)
{
    (void)d;
    if (*v == '\0')
        return usage_error("--output needs a file name");
    o->output = v;
    return 0;
}

static int opt_replication(options *o, const option_def *d, const char *v)
{
    (void)d;
    if (parse_long(v, 1, 100000000, &o->trace_rep) != 0)
        return usage_error("--replication: '%s' is not a whole number >= 1",
                           v);
    return 0;
}

#define FIELD(m) offsetof(options, m)

/* In this order in "did you mean" hints. */
static const option_def option_table[] = {
    {"replications", 'n', 1, opt_replications, 0},
    {"seed", 's', 1, opt_seed, 0},
    {"threads", 'j', 1, opt_threads, 0},
    {"horizon", '\0', 1, opt_text, FIELD(horizon)},
    {"warmup", '\0', 1, opt_text, FIELD(warmup)},
    {"variant", '\0', 1, opt_text, FIELD(variant)},
    {"set", '\0', 1, opt_set, 0},
    {"vary", '\0', 1, opt_vary, 0},
    {"format", 'f', 1, opt_format, 0},
    {"no-header", '\0', 0, opt_flag, FIELD(no_header)},
    {"output", 'o', 1, opt_output, 0},
    {"check-promise", '\0', 0, opt_flag, FIELD(check_promise)},
    {"independent", '\0', 0, opt_flag, FIELD(independent)},
    {"replication", 'r', 1, opt_replication, 0},
    {"quiet", 'q', 0, opt_flag, FIELD(quiet)},
    {"help", 'h', 0, opt_help, 0},
    {"version", '\0', 0, opt_version, 0},
};
#define NOPTIONS (sizeof option_table / sizeof option_table[0])

/* The option an argument names ("--name[=VALUE]" or "-xVALUE"), with its
** inline value; NULL after printing the error. */
static const option_def *find_option(const char *a, const char **inline_value)
{
    const char *names[NOPTIONS + 1];
    char name[32];

    *inline_value = NULL;
    if (a[1] != '-') {
        for (size_t k = 0; k < NOPTIONS; k++)
            if (option_table[k].short_name == a[1]) {
                *inline_value = a[2] != '\0' ? a + 2 : NULL;
                return &option_table[k];
            }
        usage_error("unknown option '%s'", a);
        return NULL;
    }
    const char *eq = strchr(a + 2, '=');
    size_t len = eq != NULL ? (size_t)(eq - (a + 2)) : strlen(a + 2);
    if (len >= sizeof name)
        len = sizeof name - 1;
    memcpy(name, a + 2, len);
    name[len] = '\0';
    *inline_value = eq != NULL ? eq + 1 : NULL;
    for (size_t k = 0; k < NOPTIONS; k++) {
        if (strcmp(option_table[k].name, name) == 0)
            return &option_table[k];
        names[k] = option_table[k].name;
    }
    names[NOPTIONS] = NULL;
    const char *hint = cs_suggest(name, names);
    if (hint != NULL)
        usage_error("unknown option '--%s' (did you mean '--%s'?)", name, hint);
    else
        usage_error("unknown option '--%s'", name);
    return NULL;
}

static int check_combination(const options *o)
{
    if (o->scenario == NULL)
        return usage_error("missing the SCENARIO file");
    if (o->variant != NULL && o->cmd == CMD_COMPARE)
        return usage_error("--variant is for run and trace; compare runs "
                           "every variant");
    if (o->nvary > 0 && (o->cmd == CMD_CHECK || o->cmd == CMD_TRACE))
        return usage_error("--vary is for run and compare");
    if (o->independent && o->cmd != CMD_COMPARE)
        return usage_error("--independent is for compare");
    return EXIT_SUCCESS;
}

/* Parses argv[2..]; returns 0, PARSE_DONE or an exit code after printing. */
static int parse_options(int argc, char **argv, options *o)
{
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        const option_def *d;
        int rc;

        if (a[0] != '-' || a[1] == '\0') {
            if (o->scenario != NULL)
                return usage_error("unexpected argument '%s' (the scenario is "
                                   "'%s')", a, o->scenario);
            o->scenario = a;
            continue;
        }
        if ((d = find_option(a, &v)) == NULL)
            return EXIT_USAGE;
        if (!d->takes_value)
            v = NULL;
        else if (v == NULL && (v = i + 1 < argc ? argv[++i] : NULL) == NULL)
            return usage_error("option '--%s' needs a value", d->name);
        if ((rc = d->handle(o, d, v)) != 0)
            return rc;
    }
    return check_combination(o);
}

/* ---- output ------------------------------------------------------------ */

/*
** An output that is written atomically: a temporary file beside the
** target, renamed over it only when everything was written.
*/
typedef struct sink {
    FILE *fp;
    char *tmp;
    const char *path;
} sink;

static int sink_open(sink *k, const char *path)
{
    memset(k, 0, sizeof *k);
    k->path = path;
    if (path == NULL) {
        k->fp = stdout;
        return 0;
    }
    k->tmp = malloc(strlen(path) + 16);
    if (k->tmp == NULL)
        return -1;
    sprintf(k->tmp, "%s.tmp-XXXXXX", path);
    const int fd = mkstemp(k->tmp);
    if (fd < 0) {
        free(k->tmp);
        k->tmp = NULL;
        return -1;
    }
    set_cleanup(k->tmp);
    fchmod(fd, 0644);
    k->fp = fdopen(fd, "w");
    if (k->fp == NULL) {
        close(fd);
        unlink(k->tmp);
        set_cleanup(NULL);
        free(k->tmp);
        k->tmp = NULL;
        return -1;
    }
    return 0;
}

/* Finishes the output: commit = 1 renames it into place, 0 discards it. */
static int sink_close(sink *k, int commit)
{
    int ok = 1;

    if (k->path == NULL)
        return fflush(stdout) != 0 ? -1 : 0;
    if (fflush(k->fp) != 0 || ferror(k->fp))
        ok = 0;
    if (ok && fsync(fileno(k->fp)) != 0)
        ok = 0;
    if (fclose(k->fp) != 0)
        ok = 0;
    if (commit && ok && rename(k->tmp, k->path) != 0)
        ok = 0;
    if (!commit || !ok)
        unlink(k->tmp);
    set_cleanup(NULL);
    free(k->tmp);
    return ok ? 0 : -1;
}

/* ---- progress ---------------------------------------------------------- */

typedef struct progress {
    int on;
    const cs_study *st;
    struct timespec start;
} progress;

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) +
           (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

static void show_progress(void *ctx, size_t job, unsigned done, unsigned total)
{
    const progress *p = ctx;
    const double t = seconds_since(&p->start);
    const int width = 24;
    const int fill = total > 0 ? (int)((double)done * width / total) : width;
    char bar[32];

    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = '\0';
    fprintf(stderr, "\r\033[K[%s] %s (%zu/%zu)  %u/%u replications  %.1fs",
            bar, cs_study_model(p->st, job)->variant, job + 1,
            cs_study_njobs(p->st), done, total, t);
    fflush(stderr);
}

static void clear_progress(const progress *p)
{
    if (p->on) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}

/* ---- commands ---------------------------------------------------------- */

/* The scenario with the command line's overrides. */
static cs_status load(const options *o, cs_scenario **s, cs_error *err)
{
    const cs_study_settings set = {o->replications, o->seed, o->horizon,
                                   o->warmup, (const char *const *)o->sets,
                                   o->nsets};

    cs_error_clear(err);
    return cs_study_load(o->scenario, &set, s, err);
}

/* --variant's index in s, -1 for the baseline; -2 when s has none so
** named. */
static long find_variant(const options *o, const cs_scenario *s)
{
    long vi;

    if (o->variant == NULL || strcmp(o->variant, "baseline") == 0)
        return -1;
    vi = cs_scenario_variant_index(s, o->variant);
    return vi >= 0 ? vi : -2;
}

static int cmd_check(const options *o)
{
    cs_scenario *s = NULL;
    cs_error err;
    int rc = EXIT_SUCCESS;

    if (load(o, &s, &err) != CS_OK)
        return print_error(&err);
    const size_t nv = cs_scenario_nvariants(s);
    for (long v = -1; v < (long)nv && rc == EXIT_SUCCESS; v++) {
        cs_model *m = NULL;
        if (cs_scenario_build(s, v, &m, &err) != CS_OK) {
            rc = print_error(&err);
        } else if (v < 0) {
            cs_report_model_check(stdout, m);
            if (nv > 0)
                printf("variants (%zu):\n", nv);
        } else {
            cs_report_model_variant(stdout, m);
        }
        cs_model_free(m);
    }
    cs_scenario_free(s);
    if (rc != EXIT_SUCCESS)
        return rc;
    return fflush(stdout) == 0 ? EXIT_SUCCESS : cs_status_exit_code(CS_EIO);
}

static int cmd_trace(const options *o)
{
    cs_scenario *s = NULL;
    cs_model *m = NULL;
    cs_error err;
    sink out;
    int rc = EXIT_SUCCESS;

    if (load(o, &s, &err) != CS_OK)
        return print_error(&err);
    const long vi = find_variant(o, s);
    if (vi < -1)
        rc = usage_error("no variant named '%s'", o->variant);
    else if (cs_scenario_build(s, vi, &m, &err) != CS_OK)
        rc = print_error(&err);
    cs_scenario_free(s);
    if (rc != EXIT_SUCCESS)
        return rc;
    install_signals(0);
    if (sink_open(&out, o->output) != 0) {
        rc = cannot_write(o->output, strerror(errno));
    } else if (cs_report_model_trace_run(out.fp, m,
                                         (uint64_t)(o->trace_rep - 1),
                                         !o->no_header, &err) != CS_OK) {
        sink_close(&out, 0);
        rc = print_error(&err);
    } else if (sink_close(&out, 1) != 0) {
        rc = cannot_write(o->output, strerror(errno));
    }
    cs_model_free(m);
    return rc;
}

/*
** Warns of each team offered at least its capacity, naming the sweep
** point when there is one; at most *budget lines (then only counted in
** *more).
*/
static void warn_unstable(const cs_model *m, const char *const *paths,
                          const char *const *values, size_t naxes,
                          int *budget, size_t *more)
{
    double *util = calloc((size_t)m->nteams + 1, sizeof *util);

    if (util == NULL)
        return;
    cs_model_offered_load(m, util);
    for (int t = 0; t < m->nteams; t++) {
        if (!(util[t] >= 1.0))
            continue;
        if (*budget <= 0) {
            (*more)++;
            continue;
        }
        (*budget)--;
        fprintf(stderr, "chainsim: warning: %s%s%s", m->name,
                m->variant ? " / " : "", m->variant ? m->variant : "");
        for (size_t i = 0; i < naxes; i++)
            fprintf(stderr, "%s%s=%s%s", i == 0 ? " (" : ", ", paths[i],
                    values[i], i + 1 == naxes ? ")" : "");
        fprintf(stderr, ": team '%s' is offered %s%.0f%% of its capacity; "
                "its queue grows without bound\n", m->teams[t].name,
                util[t] < 1e6 ? "" : "more than ",
                util[t] < 1e6 ? util[t] * 100 : 1e8);
    }
    free(util);
}

/*
** Step visits (work starts) are what a run costs: a few million a second
** per thread.  The scenario refuses more than 10^9 in one replication;
** here a run of more than 10^10 in all is announced.
*/
static void warn_long(const cs_model *m)
{
    double visits = 0;

    for (int c = 0; c < m->nclasses; c++)
        visits += (cs_model_class_rate(m, c) * m->horizon +
                   m->classes[c].backlog) * cs_model_class_visits(m, c);
    visits *= m->replications;
    if (visits > 1e10)
        fprintf(stderr, "chainsim: warning: %s%s%s: about %.2g step visits "
                "over %u replications; this run may take hours (fewer "
                "replications or a shorter horizon cut it)\n", m->name,
                m->variant ? " / " : "", m->variant ? m->variant : "",
                visits, m->replications);
}

static void warn_all(const cs_study *st)
{
    int budget = 20;
    size_t more = 0;

    for (size_t j = 0; j < cs_study_njobs(st); j++) {
        const size_t pt = cs_study_point(st, j);
        warn_unstable(cs_study_model(st, j), cs_study_paths(st),
                      cs_study_point_values(st, pt), cs_study_naxes(st),
                      &budget, &more);
        if (pt == 0)
            warn_long(cs_study_model(st, j));
    }
    if (more > 0)
        fprintf(stderr, "chainsim: warning: and %zu more unstable teams "
                "(in other variants or sweep points)\n", more);
}

/* Plans and builds the study: every error is reported before anything
** is simulated. */
static int make_study(const options *o, cs_study **st)
{
    const cs_study_opts so = {o->cmd == CMD_COMPARE, o->independent,
                              (const char *const *)o->vary, o->nvary};
    cs_scenario *s = NULL;
    cs_error err;
    int rc = EXIT_SUCCESS;

    cs_error_clear(&err);
    if (cs_study_new(&so, st, &err) != CS_OK)
        return err.status == CS_EINPUT ? usage_error("%s", err.msg)
                                       : print_error(&err);
    if (load(o, &s, &err) != CS_OK)
        return print_error(&err);
    const long vi = find_variant(o, s);
    if (vi < -1) {
        const size_t nv = cs_scenario_nvariants(s);
        fprintf(stderr, "chainsim: error: no variant named '%s'", o->variant);
        if (nv > 0) {
            fputs(" (variants:", stderr);
            for (size_t i = 0; i < nv; i++)
                fprintf(stderr, " %s", cs_scenario_variant_name(s, i));
            fputc(')', stderr);
        }
        fputc('\n', stderr);
        rc = EXIT_USAGE;
    } else if (cs_study_build(*st, s, vi, &err) != CS_OK) {
        rc = cs_study_usage_error(*st) ? usage_error("%s", err.msg)
                                       : print_error(&err);
    }
    cs_scenario_free(s);
    return rc;
}

static int run_study(const options *o, cs_study *st)
{
    progress pr = {!o->quiet && isatty(STDERR_FILENO), st, {0, 0}};
    const cs_study_run_opts ro = {o->threads, &g_lib_stop,
                                  pr.on ? show_progress : NULL, &pr};
    cs_error err;

    clock_gettime(CLOCK_MONOTONIC, &pr.start);
    if (!o->quiet)
        warn_all(st);
    install_signals(1);
    if (cs_study_run(st, &ro, &err) != CS_OK) {
        clear_progress(&pr);
        return print_error(&err);
    }
    clear_progress(&pr);
    return EXIT_SUCCESS;
}

/* Writes the results; rows borrow from st. */
static int write_report(const options *o, const cs_study *st,
                        const cs_study_rollup *ru)
{
    const size_t n = cs_study_ndone(st);
    cs_report_row *rows = calloc(n + 1, sizeof *rows);
    cs_report rep;
    cs_error err;
    sink out;

    if (rows == NULL)
        return out_of_memory();
    for (size_t j = 0; j < n; j++) {
        rows[j].summary = cs_study_summary(st, j);
        rows[j].vs = cs_study_comparison(st, j);
        rows[j].point = cs_study_point_values(st, cs_study_point(st, j));
    }
    memset(&rep, 0, sizeof rep);
    rep.scenario_file = o->scenario;
    rep.scenario_name = cs_study_model(st, 0)->name;
    rep.command = o->cmd == CMD_COMPARE ? "compare" : "run";
    rep.seed = cs_study_model(st, 0)->seed;
    /* output is identical for any thread count and machine: no timings */
    rep.wall_seconds = -1;
    rep.vary = cs_study_paths(st);
    rep.nvary = cs_study_naxes(st);
    rep.rows = rows;
    rep.nrows = n;
    rep.no_header = o->no_header;
    rep.partial = ru->partial;
    rep.independent = o->independent;
    rep.color = o->output == NULL && isatty(STDOUT_FILENO) &&
                getenv("NO_COLOR") == NULL;
    int rc = EXIT_SUCCESS;
    if (sink_open(&out, o->output) != 0) {
        rc = cannot_write(o->output, strerror(errno));
    } else if (cs_error_clear(&err),
               cs_report_write(out.fp, o->format, &rep, &err) != CS_OK) {
        sink_close(&out, 0);
        rc = cannot_write(o->output, err.msg);
    } else if (sink_close(&out, 1) != 0) {
        rc = cannot_write(o->output, strerror(errno));
    }
    free(rows);
    return rc;
}

static int cmd_run(const options *o)
{
    cs_study *st = NULL;
    cs_study_rollup ru;
    int rc = make_study(o, &st);

    if (rc == EXIT_SUCCESS)
        rc = run_study(o, st);
    if (rc == EXIT_SUCCESS) {
        ru = cs_study_verdicts(st);
        rc = write_report(o, st, &ru);
    }
    cs_study_free(st);
    if (rc != EXIT_SUCCESS)
        return rc;
    if (g_stop) {
        fprintf(stderr, ru.partial ? "chainsim: interrupted: the results are "
                                     "partial (marked so in the output)\n"
                                   : "chainsim: interrupted after the last "
                                     "replication: the results are "
                                     "complete\n");
        return EXIT_SIGNAL_BASE + (int)g_stop;
    }
    if (o->check_promise && ru.uncertain && !o->quiet)
        fprintf(stderr, "chainsim: warning: a promise's verdict is uncertain "
                        "(its confidence interval spans the target); more "
                        "replications may decide it\n");
    return o->check_promise && ru.not_met ? EXIT_PROMISE : EXIT_SUCCESS;
}

static command parse_command(const char *a, int *rc)
{
    static const char *const cmds[] = {"run", "compare", "check", "trace",
                                       NULL};
    const char *hint;

    *rc = EXIT_SUCCESS;
    for (int c = CMD_RUN; c <= CMD_TRACE; c++)
        if (strcmp(a, cmds[c]) == 0)
            return (command)c;
    if ((hint = cs_suggest(a, cmds)) != NULL)
        *rc = usage_error("unknown command '%s' (did you mean '%s'?)", a, hint);
    else
        *rc = usage_error("unknown command '%s'", a);
    return CMD_RUN;
}

int main(int argc, char **argv)
{
    options o;
    int rc;

    gsl_set_error_handler_off();
    memset(&o, 0, sizeof o);
    o.replications = -1;
    o.trace_rep = 1;
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage_text, stdout);
        return EXIT_SUCCESS;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("chainsim %s\n", CS_VERSION);
        return EXIT_SUCCESS;
    }
    o.cmd = parse_command(argv[1], &rc);
    if (rc == EXIT_SUCCESS && (rc = parse_options(argc, argv, &o)) == 0)
        rc = o.cmd == CMD_CHECK ? cmd_check(&o)
             : o.cmd == CMD_TRACE ? cmd_trace(&o) : cmd_run(&o);
    free(o.sets);
    return rc == PARSE_DONE ? EXIT_SUCCESS : rc;
}
