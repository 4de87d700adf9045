/*
** main.c - the chainsim command line (run, compare, check, trace,
** sensitivity, fit, backtest): signals,
** progress and every message; the only place that prints or exits.  The
** options are parsed by cli.h, output files written by output.h, and the
** work is the library's (study.h, report.h, report_model.h).
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
#include <time.h>
#include <unistd.h>

#include <yaml.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_version.h>
#include <jansson.h>

#include "chainsim/backtest.h"
#include "chainsim/bytes.h"
#include "chainsim/cli.h"
#include "chainsim/error.h"
#include "chainsim/fit.h"
#include "chainsim/mpi.h"
#include "chainsim/output.h"
#include "chainsim/part.h"
#include "chainsim/report.h"
#include "chainsim/report_model.h"
#include "chainsim/report_sensitivity.h"
#include "chainsim/report_study.h"
#include "chainsim/scenario.h"
#include "chainsim/sensitivity.h"
#include "chainsim/shard.h"
#include "chainsim/stream.h"
#include "chainsim/study.h"
#include "chainsim/tracker.h"
#include "chainsim/variant.h"

#ifndef CS_VERSION
#define CS_VERSION "1.0.0"
#endif
#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* Exit codes (SPEC 2) besides EXIT_SUCCESS and cs_error_exit_code's. */
#define EXIT_PROMISE 1         /* a promise not met under --check-promise */
#define EXIT_USAGE 2           /* usage error */
#define EXIT_SIGNAL_BASE 128   /* interrupted: 128 + the signal number */

static const char version_text[] = "chainsim " CS_VERSION "\n";

static const char usage_text[] =
    "usage: chainsim COMMAND SCENARIO [options] [--]\n"
    "       chainsim merge PART... [options]\n"
    "\n"
    "Simulates a multi-team delivery chain described in a YAML scenario and\n"
    "tells whether it keeps its delivery promise.\n"
    "\n"
    "commands:\n"
    "  run       simulate the base (or --variant NAME)\n"
    "  compare   simulate the base and every variant, and compare them\n"
    "  check     validate the scenario and print a normalised summary\n"
    "  trace     the event log of one replication as CSV\n"
    "  sensitivity  what one more person, a WIP limit one lower or higher,\n"
    "            no hand-off or more focus at each team would change\n"
    "  fit       TRACKER.csv --map MAP.yaml: a scenario fitted to a tracker\n"
    "            export (-o FILE; the fit report on standard output)\n"
    "  backtest  SCENARIO TRACKER.csv --map MAP.yaml --from DATE [--to DATE]:\n"
    "            simulated against observed lead times and throughput\n"
    "  merge     the results of the part files of every --shard of a run\n"
    "\n"
    "options:\n"
    "  -n, --replications N   replications (default: the scenario's, else 100)\n"
    "  -s, --seed N           master seed (default: the scenario's, else 1)\n"
    "  -j, --threads N        run, compare, sensitivity: worker threads\n"
    "                         (default: all cores)\n"
    "      --max-memory SIZE  run, compare: memory a run may hold (e.g. 2G;\n"
    "                         default: a quarter of the machine's)\n"
    "      --horizon DUR      simulated time per replication (e.g. 520d)\n"
    "      --warmup DUR|auto  statistics start here\n"
    "      --timeline DUR     run, compare: figures per period of DUR from day 0\n"
    "      --variant NAME     run, check, trace: this variant instead of the base\n"
    "      --map FILE         fit, backtest: the stage map of the export\n"
    "      --from DATE        backtest: simulate from the board on DATE\n"
    "      --to DATE          backtest: up to DATE (default: the export's end)\n"
    "      --set PATH=VALUE   override a scenario value (repeatable)\n"
    "      --vary PATH=V1,V2  run, compare: one result per value (repeatable:\n"
    "                         cartesian product)\n"
    "  -f, --format FMT       run, compare, sensitivity: table (default), csv\n"
    "                         or json\n"
    "      --no-header        csv and trace: no header line\n"
    "  -o, --output FILE      write results to FILE (atomically)\n"
    "      --report FILE      run, compare, sensitivity: also an HTML report\n"
    "                         with charts\n"
    "      --per-replication  run, compare: a CSV or JSON record per replication\n"
    "      --check-promise    run, compare: exit 1 when a promise is not met\n"
    "      --shard K/N        run, compare: only the K-th of N parts of the\n"
    "                         replications, written as a part file (-o PART,\n"
    "                         default NAME.K-of-N.part) for merge\n"
    "      --independent      compare: each variant its own random streams\n"
    "                         (to measure what common random numbers gain)\n"    "      --precision X      run, compare: replications until the 95% half-width\n"
    "                         of the first lead-time promise's share (else the\n"
    "                         mean lead time) is at most X, or X% of the mean\n"
    "      --max-replications N  the cap of --precision and --select (10000)\n"
    "      --select           compare: select the best variant (Kim and Nelson's\n"
    "                         KN, probability of correct selection 95%)\n"
    "      --indifference D   --select: the difference that matters, in points\n"
    "                         of the promise's share (default 1), or days\n"
    "  -r, --replication K    trace: which replication (default 1)\n"
    "      --max-events N     trace: at most N events (default 10000000)\n"
    "  -q, --quiet            no progress, no warnings\n"
    "  -h, --help             this help\n"
    "      --version          the version\n"
    "      --                 the end of the options\n"
    "An option that does not apply to the command is an error.  merge takes\n"
    "-f, --no-header, -o, --report, --check-promise and -q.  Under mpirun (a\n"
    "build with make MPI=1) run and compare spread the work over the ranks.\n"
    "\n"
    "exit codes: 0 success, 1 promise not met (--check-promise),\n"
    "            2 usage or scenario error, 3 simulation error.\n"
    "See docs/cli.md for the details.\n";


/* ---- signals --------------------------------------------------------- */

/*
** Every terminating signal that can be caught is, from the first line of
** main on, so that none ends the process with a temporary file of -o left
** behind.  In run and compare, once the simulation starts, the first
** SIGINT, SIGTERM or SIGHUP sets g_stop (and g_lib_stop, the library's
** flag; a lock-free atomic_int is safe to set in a handler): no new
** replication starts and the completed ones are reported, marked partial.
** Any other signal, a second one, one before the simulation (while loading
** or planning) or any in trace (a partial event log is of no use) ends the
** process at once: the temporary file of g_out is removed first and the
** signal raised again with its default action, so the exit status says
** which signal it was and FILE is left as it was.  g_graceful and g_out are
** set only while the signals are blocked, so the handler never sees them
** half-written; cs_output_temp_path may be called from a handler.
*/
_Static_assert(ATOMIC_INT_LOCK_FREE == 2,
               "the signal handler sets an atomic_int: it must be lock-free");
static volatile sig_atomic_t g_stop;   /* the signal number, once caught */
static volatile sig_atomic_t g_graceful;   /* 1: the first signal stops */
/* the outputs being written: -o's, and --report's */
static const cs_output *volatile g_out[2];
static atomic_int g_lib_stop;          /* what the library reads */

/* The signals whose default action ends the process.  The faults of the
** program itself are left to the sanitizers in their builds. */
static const int fatal_signals[] = {
    SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM,
    SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGTRAP, SIGSYS, SIGABRT,
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    SIGSEGV, SIGBUS, SIGILL, SIGFPE,
#endif
#ifdef SIGPOLL
    SIGPOLL,
#endif
#ifdef SIGPWR
    SIGPWR,
#endif
#ifdef SIGSTKFLT
    SIGSTKFLT,
#endif
};

static void on_signal(int sig)
{
    const char *tmp;

    if (g_graceful && g_stop == 0 &&
        (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)) {
        g_stop = sig;
        atomic_store(&g_lib_stop, 1);
        return;
    }
    for (int k = 0; k < 2; k++) {
        const cs_output *out = g_out[k];
        if (out != NULL && (tmp = cs_output_temp_path(out)) != NULL)
            unlink(tmp);
    }
    signal(sig, SIG_DFL);
    raise(sig);    /* delivered when the handler returns */
}

static void block_signals(int block, sigset_t *saved)
{
    sigset_t set;

    sigfillset(&set);
    sigprocmask(block ? SIG_BLOCK : SIG_SETMASK, block ? &set : saved,
                block ? saved : NULL);
}

/* The output whose temporary file a signal removes (NULL: none). */
static void set_cleanup(int slot, const cs_output *out)
{
    sigset_t saved;

    block_signals(1, &saved);
    g_out[slot] = out;
    block_signals(0, &saved);
}

static void set_graceful(int graceful)
{
    sigset_t saved;

    block_signals(1, &saved);
    g_graceful = graceful;
    block_signals(0, &saved);
}

/* Catches the fatal signals.  SIGINT and SIGTERM are caught even when
** ignored at start (a background job of a script), so "kill -INT" always
** stops a run cleanly; any other signal ignored at start stays ignored
** (SIGHUP under nohup, SIGPIPE).  The real-time signals end the process
** by default too. */
static void install_signals(void)
{
    struct sigaction sa, old;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigfillset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof fatal_signals / sizeof *fatal_signals; i++) {
        const int sig = fatal_signals[i];

        if (sig == SIGINT || sig == SIGTERM ||
            (sigaction(sig, NULL, &old) == 0 && old.sa_handler != SIG_IGN))
            sigaction(sig, &sa, NULL);
    }
    for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
        if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_DFL)
            sigaction(sig, &sa, NULL);
}

/* ---- messages ---------------------------------------------------------- */

PRINTF_LIKE(1, 2) static int usage_error(const char *fmt, ...)
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
    return cs_error_exit_code(err->status != CS_OK ? err->status : CS_EINPUT);
}

static int cannot_write(const char *path, const char *why)
{
    fprintf(stderr, "chainsim: error: cannot write '%s': %s\n",
            path != NULL ? path : "standard output", why);
    return cs_error_exit_code(CS_EIO);
}

/* ---- output ------------------------------------------------------------ */

/* Opens the -o file (or standard output) and has a signal remove its
** temporary file (registered before it exists: output.h publishes the
** name with the signals blocked; a FIFO is opened with them free).
** Returns 0, or an exit code after printing. */
static int open_output(cs_output *out, const char *path, int slot)
{
    cs_error err;

    cs_error_clear(&err);
    cs_output_init(out);
    set_cleanup(slot, out);
    if (cs_output_open(out, path, &err) == CS_OK)
        return EXIT_SUCCESS;
    set_cleanup(slot, NULL);
    return print_error(&err);
}

/* Finishes the output: commit = 1 renames it into place, 0 discards it.
** Returns 0, or (when committing) an exit code after printing. */
static int close_output(cs_output *out, int commit, int slot)
{
    cs_error err;
    cs_status st = CS_OK;

    cs_error_clear(&err);
    if (commit)
        st = cs_output_commit(out, &err);
    else
        cs_output_abort(out);
    set_cleanup(slot, NULL);
    return st == CS_OK ? EXIT_SUCCESS : print_error(&err);
}

/* ---- progress ---------------------------------------------------------- */

/*
** The progress line: replications done over all the study's jobs, the
** rate and the time left at that rate, redrawn at most 10 times a second
** (and once more when a job completes).  Jobs run interleaved, so each
** job's count is kept (done[], total[]).
*/
typedef struct progress {
    int on;
    const cs_study *st;
    struct timespec start;
    double last;              /* seconds since start of the last draw */
    unsigned *done, *total;   /* [njobs], or NULL: no counts */
} progress;

static double seconds_since(const struct timespec *from)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - from->tv_sec) +
           (double)(t.tv_nsec - from->tv_nsec) * 1e-9;
}

/* "1h02m", "3m05s" or "42s". */
static void fmt_eta(char *buf, size_t n, double s)
{
    const long x = s < 0 ? 0 : (long)(s + 0.5);

    if (x >= 3600)
        snprintf(buf, n, "%ldh%02ldm", x / 3600, x / 60 % 60);
    else if (x >= 60)
        snprintf(buf, n, "%ldm%02lds", x / 60, x % 60);
    else
        snprintf(buf, n, "%lds", x);
}

static void show_progress(void *ctx, size_t job, unsigned done, unsigned total)
{
    progress *p = ctx;
    const int width = 24;
    const int counts = p->done != NULL && p->total != NULL;
    const size_t njobs = cs_study_njobs(p->st);
    const double now = seconds_since(&p->start);
    unsigned long long all = 0, of = 0;
    char bar[32], eta[32];
    int fill;

    if (counts && job < njobs) {
        p->done[job] = done;
        p->total[job] = total;
    }
    for (size_t k = 0; counts && k < njobs; k++) {
        all += p->done[k];
        /* a job not started yet counts as the one reported */
        of += p->total[k] > 0 ? p->total[k] : total;
    }
    if (!counts) {
        all = done;
        of = total;
    }
    if (now - p->last < 0.1 && all < of)
        return;
    p->last = now;
    fill = of > 0 ? (int)((double)all * width / (double)of) : width;
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = '\0';
    if (all > 0 && now > 0)
        fmt_eta(eta, sizeof eta, (double)(of - all) * now / (double)all);
    else
        snprintf(eta, sizeof eta, "?");
    fprintf(stderr,
            "\r\033[K[%s] %llu/%llu replications  %.1f/s  ETA %s  (%s, %zu/%zu)",
            bar, all, of, now > 0 ? (double)all / now : 0.0, eta,
            cs_study_model(p->st, job)->variant, job + 1, njobs);
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

/* Loads the scenario with the command line's overrides.  Returns 0 or an
** exit code after printing. */
static int load(const cs_cli_options *o, cs_scenario **s)
{
    cs_error err;

    cs_error_clear(&err);
    return cs_study_load(o->scenario, &o->set, s, &err) == CS_OK
               ? EXIT_SUCCESS : print_error(&err);
}

static int no_such_variant(const cs_cli_options *o, const cs_scenario *s)
{
    const size_t nv = cs_variant_count(s);

    fprintf(stderr, "chainsim: error: no variant named '%s'", o->variant);
    for (size_t i = 0; i < nv; i++)
        fprintf(stderr, "%s %s", i == 0 ? " (variants:" : "",
                cs_variant_name(s, i));
    fputs(nv > 0 ? ")\n" : "\n", stderr);
    return EXIT_USAGE;
}

/* The variant --variant names in s (-1: the baseline), or -2 after
** printing that there is none so named. */
static long pick_variant(const cs_cli_options *o, const cs_scenario *s)
{
    const long vi = cs_study_variant(s, o->variant);

    if (vi < -1)
        no_such_variant(o, s);
    return vi;
}

/* The summary of s (variant vi) to -o or standard output; every model is
** built and proved before anything is written. */
static int check_write(const cs_cli_options *o, const cs_scenario *s, long vi)
{
    cs_output out;
    cs_error err;
    int rc;

    cs_error_clear(&err);
    if ((rc = open_output(&out, o->output, 0)) != EXIT_SUCCESS)
        return rc;
    if (cs_report_model_scenario(cs_output_file(&out), s, vi, &err) != CS_OK)
        return close_output(&out, 0, 0), print_error(&err);
    return close_output(&out, 1, 0);
}

static int cmd_check(const cs_cli_options *o)
{
    cs_scenario *s = NULL;
    long vi = -1;
    int rc = load(o, &s);

    if (rc == EXIT_SUCCESS && (vi = pick_variant(o, s)) < -1)
        rc = EXIT_USAGE;
    if (rc == EXIT_SUCCESS)
        rc = check_write(o, s, vi);
    cs_scenario_free(s);
    return rc;
}

/* Logs replication -r K of m (borrowed) to -o or standard output.  The
** events up to a stop (a deadlock, a runaway chain, the --max-events
** bound) are written, and the stop's error is reported after them. */
static int trace_write(const cs_cli_options *o, const cs_model *m)
{
    cs_output out;
    cs_error err;
    cs_status st;
    int rc;

    cs_error_clear(&err);
    if ((rc = open_output(&out, o->output, 0)) != EXIT_SUCCESS)
        return rc;
    st = cs_report_model_trace_run(cs_output_file(&out), m,
                                   (uint64_t)(o->trace_rep - 1),
                                   !o->no_header, (uint64_t)o->max_events,
                                   &err);
    if ((rc = close_output(&out, 1, 0)) != EXIT_SUCCESS)
        return rc;
    return st == CS_OK ? EXIT_SUCCESS : print_error(&err);
}

static int cmd_trace(const cs_cli_options *o)
{
    cs_scenario *s = NULL;
    cs_model *m = NULL;
    cs_error err;
    long vi = -1;
    int rc = load(o, &s);

    if (rc == EXIT_SUCCESS && (vi = pick_variant(o, s)) < -1)
        rc = EXIT_USAGE;
    else if (rc == EXIT_SUCCESS && cs_variant_build(s, vi, &m, &err) != CS_OK)
        rc = print_error(&err);
    cs_scenario_free(s);
    if (rc == EXIT_SUCCESS)
        rc = trace_write(o, m);
    cs_model_free(m);
    return rc;
}

/* The stage map and the export of o, or an exit code after printing. */
static int load_tracker(const cs_cli_options *o, cs_tracker_map **map,
                        cs_tracker_data **data)
{
    cs_error err;

    cs_error_clear(&err);
    *map = NULL;
    *data = NULL;
    if (cs_tracker_map_load(o->map, map, &err) != CS_OK ||
        cs_tracker_load(o->tracker, *map, data, &err) != CS_OK) {
        cs_tracker_map_free(*map);
        *map = NULL;
        return print_error(&err);
    }
    return EXIT_SUCCESS;
}

/*
** fit: the scenario, written to memory and loaded back (so a scenario that
** check would refuse is never written), then to -o or standard output;
** the report to standard output after -o, to standard error (unless -q)
** when the scenario took standard output.
*/
static int cmd_fit(const cs_cli_options *o)
{
    cs_tracker_map *map = NULL;
    cs_tracker_data *data = NULL;
    cs_fit *fit = NULL;
    cs_scenario *sc = NULL;
    cs_output out;
    cs_error err;
    char *text = NULL;
    size_t len = 0;
    FILE *mem;
    int rc = load_tracker(o, &map, &data);

    cs_error_clear(&err);
    if (rc == EXIT_SUCCESS &&
        cs_fit_run(data, map, o->tracker, &fit, &err) != CS_OK)
        rc = print_error(&err);
    if (rc == EXIT_SUCCESS) {
        if ((mem = open_memstream(&text, &len)) == NULL) {
            rc = cs_error_exit_code(CS_ENOMEM);
        } else {
            cs_fit_write_scenario(fit, mem);
            if (fclose(mem) != 0)
                rc = cs_error_exit_code(CS_ENOMEM);
        }
    }
    if (rc == EXIT_SUCCESS &&
        cs_scenario_load_string(o->output != NULL ? o->output : "fitted",
                                text, &sc, &err) != CS_OK) {
        fprintf(stderr, "chainsim: error: the fitted scenario does not "
                "load (a bug):\n");
        rc = print_error(&err);
    }
    cs_scenario_free(sc);
    if (rc == EXIT_SUCCESS &&
        (rc = open_output(&out, o->output, 0)) == EXIT_SUCCESS) {
        if (fwrite(text, 1, len, cs_output_file(&out)) != len) {
            close_output(&out, 0, 0);
            rc = cannot_write(o->output, strerror(errno));
        } else {
            rc = close_output(&out, 1, 0);
        }
    }
    if (rc == EXIT_SUCCESS && (o->output != NULL || !o->quiet)) {
        FILE *rep = o->output != NULL ? stdout : stderr;

        if (cs_fit_write_report(fit, rep, o->format == CS_FORMAT_JSON,
                                &err) != CS_OK)
            rc = print_error(&err);
        else if (fflush(rep) != 0 || ferror(rep))
            rc = cannot_write(NULL, strerror(errno));
    }
    free(text);
    cs_fit_free(fit);
    cs_tracker_free(data);
    cs_tracker_map_free(map);
    return rc;
}

/* A --from or --to date as working days through map's calendar; a
** date without a time of day is its start, or its end when end is 1.
** Returns 0, or -1 after printing. */
static int window_day(const char *opt, const char *s,
                      const cs_tracker_map *map, int end, double *w)
{
    double days;
    int has_time;

    if (cs_tracker_parse_date(s, &days, &has_time) != 0) {
        usage_error("--%s: '%s' is not a date (YYYY-MM-DD, optionally with "
                    "a time)", opt, s);
        return -1;
    }
    *w = cs_tracker_working(map, days + (end && !has_time ? 1 : 0));
    return 0;
}

/* backtest: the scenario (with -n, --seed, --set), the export, the board
** on --from, the runs and the report, to -o or standard output. */
static int cmd_backtest(const cs_cli_options *o)
{
    cs_tracker_map *map = NULL;
    cs_tracker_data *data = NULL;
    cs_scenario *s = NULL;
    cs_model *m = NULL;
    cs_backtest *bt = NULL;
    cs_output out;
    cs_error err;
    double from = 0, to = 0;
    int rc = load(o, &s);

    cs_error_clear(&err);
    if (rc == EXIT_SUCCESS && cs_variant_build(s, -1, &m, &err) != CS_OK)
        rc = print_error(&err);
    cs_scenario_free(s);
    if (rc == EXIT_SUCCESS)
        rc = load_tracker(o, &map, &data);
    if (rc == EXIT_SUCCESS &&
        (window_day("from", o->from, map, 0, &from) != 0 ||
         (o->to != NULL && window_day("to", o->to, map, 1, &to) != 0)))
        rc = EXIT_USAGE;
    if (rc == EXIT_SUCCESS && o->to == NULL)
        to = data->end;
    /* -o is opened before the simulation, so a file that cannot be
    ** written fails at once */
    if (rc == EXIT_SUCCESS &&
        (rc = open_output(&out, o->output, 0)) == EXIT_SUCCESS) {
        const cs_status st = cs_backtest_run(m, data, map, from, to,
                                             o->scenario, o->tracker, &bt,
                                             &err);
        m = NULL;
        if (st != CS_OK)
            rc = (close_output(&out, 0, 0), print_error(&err));
        else if (cs_backtest_write(bt, cs_output_file(&out),
                                   o->format == CS_FORMAT_JSON, &err) !=
                 CS_OK)
            rc = (close_output(&out, 0, 0), print_error(&err));
        else
            rc = close_output(&out, 1, 0);
    }
    cs_model_free(m);
    cs_backtest_free(bt);
    cs_tracker_free(data);
    cs_tracker_map_free(map);
    return rc;
}

/* Plans and builds the study: every error comes before any simulation. */
static int make_study(const cs_cli_options *o, cs_study **st)
{
    const cs_study_opts so = {o->cmd == CS_CLI_COMPARE, o->independent,
                              (const char *const *)o->vary.v, o->vary.n,
                              o->seq};
    cs_scenario *s = NULL;
    cs_error err;
    int rc;

    cs_error_clear(&err);
    if (cs_study_new(&so, st, &err) != CS_OK)
        return err.status == CS_EINPUT ? usage_error("%s", err.msg)
                                       : print_error(&err);
    if ((rc = load(o, &s)) == EXIT_SUCCESS &&
        cs_study_build(*st, s, o->variant, &err) != CS_OK) {
        const cs_study_fault f = cs_study_build_fault(*st);
        rc = f == CS_STUDY_FAULT_VARIANT ? no_such_variant(o, s)
             : f == CS_STUDY_FAULT_USAGE ? usage_error("%s", err.msg)
                                         : print_error(&err);
    }
    cs_scenario_free(s);
    return rc;
}

static int run_study(const cs_cli_options *o, cs_study *st)
{
    progress pr = {!o->quiet && isatty(STDERR_FILENO), st, {0, 0}, -1.0,
                   NULL, NULL};
    const cs_study_run_opts ro = {
        .threads = (unsigned)o->threads, .max_bytes = o->max_memory,
        .stop = &g_lib_stop, .progress = pr.on ? show_progress : NULL,
        .progress_ctx = &pr, .per_replication = o->per_replication};
    cs_error err;
    cs_status s;

    clock_gettime(CLOCK_MONOTONIC, &pr.start);
    if (pr.on) {   /* without them the line counts the job reported */
        pr.done = calloc(cs_study_njobs(st) + 1, sizeof *pr.done);
        pr.total = calloc(cs_study_njobs(st) + 1, sizeof *pr.total);
    }
    if (!o->quiet && o->cmd == CS_CLI_RUN && cs_study_njobs(st) == 1)
        cs_report_model_theory(stderr, cs_study_model(st, 0), "");
    if (!o->quiet)
        cs_study_warn(st, stderr);
    set_graceful(1);
    s = cs_study_run(st, &ro, &err);
    clear_progress(&pr);
    free(pr.done);
    free(pr.total);
    if (s == CS_OK && !o->quiet)
        cs_study_warn_results(st, stderr);
    return s == CS_OK ? EXIT_SUCCESS : print_error(&err);
}

/*
** The scenario file's FNV-1a hash in hex into buf (17 bytes), for the
** report's footer; "" when the file cannot be read again.  The bytes are
** hashed in chunks of text up to any NUL (a scenario holds none).
*/
static void scenario_hash(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "rb");
    uint64_t h = CS_STREAM_FNV_OFFSET;
    char chunk[4097];
    size_t got;

    buf[0] = '\0';
    if (f == NULL)
        return;
    while ((got = fread(chunk, 1, sizeof chunk - 1, f)) > 0) {
        chunk[got] = '\0';
        h = cs_stream_hash(h, chunk);
    }
    if (!ferror(f))
        snprintf(buf, n, "%016llx", (unsigned long long)h);
    fclose(f);
}

/* The command line as a shell would take it back (arguments with other
** characters than these in single quotes); NULL if out of memory.
** Caller frees. */
static char *command_line(int argc, char **argv)
{
    static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
                                "TUVWXYZ0123456789_-./=:,+%@";
    size_t len = 1;
    char *s, *p;

    for (int i = 0; i < argc; i++)
        len += 4 * strlen(argv[i]) + 3;
    if ((s = p = malloc(len)) == NULL)
        return NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = i == 0 ? "chainsim" : argv[i];
        const int quote = *a == '\0' || a[strspn(a, plain)] != '\0';
        if (i > 0)
            *p++ = ' ';
        if (quote)
            *p++ = '\'';
        for (; *a; a++) {
            if (*a == '\'') {       /* ' -> '\'' */
                memcpy(p, "'\\''", 4);
                p += 4;
            } else {
                *p++ = *a;
            }
        }
        if (quote)
            *p++ = '\'';
    }
    *p = '\0';
    return s;
}

/* Writes the results to out and the HTML report to html (when open), and
** finishes both: committed when both are complete, discarded otherwise. */
static int write_report(const cs_cli_options *o, const cs_study *st,
                        cs_output *out, cs_output *html)
{
    cs_report rep;
    cs_report_row *rows = NULL;
    cs_error err;
    char hash[24];
    char *cmd = NULL;
    int rc;

    memset(&rep, 0, sizeof rep);
    cs_error_clear(&err);
    if (cs_report_study_fill(st, &rep, &rows, &err) != CS_OK) {
        if (html != NULL)
            close_output(html, 0, 1);
        return close_output(out, 0, 0), print_error(&err);
    }
    rep.scenario_file = o->scenario;
    rep.wall_seconds = -1;     /* the same output on any machine: no timings */
    rep.no_header = o->no_header;
    /* mpirun hands its ranks a terminal whatever it writes to: an MPI
    ** build writes no colour, so its output is the same under any mpirun */
    rep.color = o->output == NULL && isatty(STDOUT_FILENO) &&
                getenv("NO_COLOR") == NULL && !cs_mpi_built();
    if (html != NULL) {
        scenario_hash(o->scenario, hash, sizeof hash);
        rep.scenario_hash = hash[0] != '\0' ? hash : NULL;
        rep.command_line = cmd = command_line(o->argc, o->argv);
        if (cs_report_html_write(cs_output_file(html), &rep, &err) != CS_OK ||
            ferror(cs_output_file(html))) {
            close_output(html, 0, 1);
            close_output(out, 0, 0);
            free(cmd);
            free(rows);
            return cannot_write(o->report, err.msg[0] != '\0'
                                               ? err.msg
                                               : strerror(EIO));
        }
    }
    if ((o->per_replication
             ? cs_report_write_reps(cs_output_file(out), o->format, &rep, &err)
             : cs_report_write(cs_output_file(out), o->format, &rep, &err)) !=
        CS_OK) {
        if (html != NULL)
            close_output(html, 0, 1);
        rc = (close_output(out, 0, 0), cannot_write(o->output, err.msg));
    } else if (html != NULL && (rc = close_output(html, 1, 1)) !=
                                   EXIT_SUCCESS) {
        close_output(out, 0, 0);
    } else {
        rc = close_output(out, 1, 0);
    }
    free(cmd);
    free(rows);
    return rc;
}

/* The end of a run that wrote its results: the exit code of an interrupt
** or of the promises' verdicts. */
static int run_verdict(const cs_cli_options *o, cs_study_rollup ru, int sig)
{
    if (sig) {
        fputs(ru.partial ? "chainsim: interrupted: the results are partial "
                           "(marked so in the output)\n"
                         : "chainsim: interrupted after the last replication: "
                           "the results are complete\n", stderr);
        return EXIT_SIGNAL_BASE + sig;
    }
    if (o->check_promise && ru.uncertain && !o->quiet)
        fputs("chainsim: warning: a promise's verdict is uncertain (its "
              "confidence interval spans the target); more replications may "
              "decide it\n", stderr);
    return o->check_promise && ru.not_met ? EXIT_PROMISE : EXIT_SUCCESS;
}

/* ---- parts: --shard, merge and the ranks of an MPI run (shard.h) ------ */

/* Appends a to b as one word of a part header's options line: '%', space
** and control characters as %XX. */
static void put_arg(cs_bytes *b, const char *a)
{
    static const char hex[] = "0123456789ABCDEF";

    if (b->n > 0)
        cs_bytes_put(b, " ", 1);
    for (; *a; a++) {
        const unsigned char c = (unsigned char)*a;
        if (c <= 0x20 || c == '%' || c == 0x7f) {
            const char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            cs_bytes_put(b, e, 3);
        } else {
            cs_bytes_put(b, a, 1);
        }
    }
}

/* The options of o that change results, as put_arg words; NULL if out
** of memory.  Caller frees. */
static char *result_options(const cs_cli_options *o)
{
    cs_bytes b;
    char n[32];

    cs_bytes_init(&b);
    if (o->set.replications > 0) {
        snprintf(n, sizeof n, "%ld", o->set.replications);
        put_arg(&b, "-n");
        put_arg(&b, n);
    }
    if (o->set.seed != NULL)
        put_arg(&b, "-s"), put_arg(&b, o->set.seed);
    if (o->set.horizon != NULL)
        put_arg(&b, "--horizon"), put_arg(&b, o->set.horizon);
    if (o->set.warmup != NULL)
        put_arg(&b, "--warmup"), put_arg(&b, o->set.warmup);
    if (o->set.timeline != NULL)
        put_arg(&b, "--timeline"), put_arg(&b, o->set.timeline);
    if (o->variant != NULL)
        put_arg(&b, "--variant"), put_arg(&b, o->variant);
    for (size_t i = 0; i < o->sets.n; i++)
        put_arg(&b, "--set"), put_arg(&b, o->sets.v[i]);
    for (size_t i = 0; i < o->vary.n; i++)
        put_arg(&b, "--vary"), put_arg(&b, o->vary.v[i]);
    if (o->independent)
        put_arg(&b, "--independent");
    if (o->per_replication)
        put_arg(&b, "--per-replication");
    cs_bytes_put(&b, "", 1);
    if (b.oom) {
        cs_bytes_fini(&b);
        return NULL;
    }
    return (char *)b.p;
}

/* The words of an options line, decoded, into *argv after the first
** `skip` slots (left NULL); their number in *argc.  -1 when out of memory
** or malformed.  Caller frees each word and *argv. */
static int split_options(const char *line, int skip, char ***argv,
                         int *argc)
{
    const size_t len = strlen(line);
    char **v = calloc(len + (size_t)skip + 4, sizeof *v);
    int n = skip;

    *argv = v;
    *argc = 0;
    if (v == NULL)
        return -1;
    for (const char *p = line; *p;) {
        char *w = malloc(strlen(p) + 1), *q = w;
        if (w == NULL)
            return -1;
        v[n++] = w;
        while (*p && *p != ' ') {
            if (*p == '%') {
                unsigned x = 0;
                for (int k = 1; k <= 2; k++) {
                    const char c = p[k];
                    const char *h = strchr("0123456789ABCDEF", c);
                    if (c == '\0' || h == NULL)
                        return -1;
                    x = x * 16 + (unsigned)(h - "0123456789ABCDEF");
                }
                if (x == 0)
                    return -1;
                *q++ = (char)x;
                p += 3;
            } else {
                *q++ = *p++;
            }
        }
        *q = '\0';
        if (*p == ' ')
            p++;
    }
    *argc = n;
    return 0;
}

static void free_words(char **v, int n)
{
    for (int i = 0; v != NULL && i < n; i++)
        free(v[i]);
    free(v);
}

/* What a part's header says of its run (part.h): keys and values. */
#define HEAD_KEYS 10
typedef struct part_head {
    const char *keys[HEAD_KEYS], *values[HEAD_KEYS];
    char nums[5][64];
    char hash[24];
    char *options;
} part_head;

/* Fills h for the run o of st; 0, or an exit code after printing. */
static int part_head_fill(part_head *h, const cs_cli_options *o,
                          const cs_study *st)
{
    static const char *const keys[HEAD_KEYS] = {
        "version", "command", "scenario", "scenario-hash", "seed",
        "replications", "horizon", "warmup", "jobs", "options"};
    const cs_model *m = cs_study_model(st, 0);

    memset(h, 0, sizeof *h);
    scenario_hash(o->scenario, h->hash, sizeof h->hash);
    if (h->hash[0] == '\0') {
        fprintf(stderr, "chainsim: error: cannot read '%s' again to hash it "
                "for the part file\n", o->scenario);
        return EXIT_USAGE;
    }
    if ((h->options = result_options(o)) == NULL)
        return print_error(&(cs_error){CS_ENOMEM, "", 0, 0,
                                       "out of memory"});
    snprintf(h->nums[0], sizeof h->nums[0], "%llu",
             (unsigned long long)m->seed);
    snprintf(h->nums[1], sizeof h->nums[1], "%u", m->replications);
    snprintf(h->nums[2], sizeof h->nums[2], "%.17g", m->horizon);
    snprintf(h->nums[3], sizeof h->nums[3], "%.17g", m->warmup);
    snprintf(h->nums[4], sizeof h->nums[4], "%zu", cs_study_njobs(st));
    memcpy(h->keys, keys, sizeof keys);
    h->values[0] = CS_VERSION;
    h->values[1] = o->cmd == CS_CLI_COMPARE ? "compare" : "run";
    h->values[2] = o->scenario;
    h->values[3] = h->hash;
    h->values[4] = h->nums[0];
    h->values[5] = h->nums[1];
    h->values[6] = h->nums[2];
    h->values[7] = m->warmup_auto ? "auto" : h->nums[3];
    h->values[8] = h->nums[4];
    h->values[9] = h->options;
    return EXIT_SUCCESS;
}

/* Runs shard k of n of st into b, as run_study runs a study (warnings,
** progress, an interrupt stops it).  *stopped as cs_shard_run sets it. */
static cs_status run_part(const cs_cli_options *o, cs_study *st,
                          unsigned long k, unsigned long n,
                          const cs_shard_head *head, cs_bytes *b,
                          int *stopped, cs_error *err)
{
    progress pr = {!o->quiet && isatty(STDERR_FILENO), st, {0, 0}, -1.0,
                   NULL, NULL};
    const cs_study_run_opts ro = {
        .threads = (unsigned)o->threads, .max_bytes = o->max_memory,
        .stop = &g_lib_stop, .progress = pr.on ? show_progress : NULL,
        .progress_ctx = &pr, .per_replication = o->per_replication};
    cs_status s;

    clock_gettime(CLOCK_MONOTONIC, &pr.start);
    if (!o->quiet)
        cs_study_warn(st, stderr);
    set_graceful(1);
    s = cs_shard_run(st, &ro, k, n, head, b, stopped, err);
    clear_progress(&pr);
    return s;
}

/* "DIR/name.yaml" -> "name.K-of-N.part" (in the current directory). */
static void default_part_path(const cs_cli_options *o, char *buf, size_t n)
{
    const char *base = strrchr(o->scenario, '/');
    const char *dot;
    int len;

    base = base != NULL ? base + 1 : o->scenario;
    dot = strrchr(base, '.');
    len = dot != NULL && dot != base ? (int)(dot - base) : (int)strlen(base);
    snprintf(buf, n, "%.*s.%ld-of-%ld.part", len > 200 ? 200 : len, base,
             o->shard_k, o->shard_n);
}

/* run or compare --shard K/N: the shard's part file to -o PART (or
** NAME.K-of-N.part).  An interrupted shard writes nothing: a part holds
** every replication of its range. */
static int cmd_shard(const cs_cli_options *o)
{
    cs_study *st = NULL;
    cs_output out;
    part_head h;
    cs_bytes b;
    cs_error err;
    char path[256];
    int rc, stopped = 0;
    cs_shard_head head = {h.keys, h.values, HEAD_KEYS};

    memset(&h, 0, sizeof h);
    cs_bytes_init(&b);
    cs_error_clear(&err);
    if (o->output == NULL)
        default_part_path(o, path, sizeof path);
    rc = make_study(o, &st);
    if (rc == EXIT_SUCCESS)
        rc = part_head_fill(&h, o, st);
    if (rc == EXIT_SUCCESS &&
        (rc = open_output(&out, o->output != NULL ? o->output : path, 0)) ==
            EXIT_SUCCESS) {
        if (run_part(o, st, (unsigned long)o->shard_k,
                     (unsigned long)o->shard_n, &head, &b, &stopped, &err) !=
            CS_OK) {
            close_output(&out, 0, 0);
            rc = print_error(&err);
        } else if (g_stop || stopped) {
            close_output(&out, 0, 0);
            fputs("chainsim: interrupted: no part file written (a part "
                  "holds every replication of its shard; run it again)\n",
                  stderr);
            rc = EXIT_SIGNAL_BASE + (int)(g_stop ? g_stop : SIGINT);
        } else if (fwrite(b.p, 1, b.n, cs_output_file(&out)) != b.n) {
            close_output(&out, 0, 0);
            rc = cannot_write(o->output != NULL ? o->output : path,
                              strerror(errno));
        } else {
            rc = close_output(&out, 1, 0);
        }
    }
    cs_bytes_fini(&b);
    free(h.options);
    cs_study_free(st);
    return rc;
}

/* The run the part p (read from path) belongs to, as options in *po
** (cs_cli_fini it; the words it borrows are in *words, [*nwords]: free
** them after), with o's options of the output.  0, or an exit code after
** printing. */
static int merge_options(const cs_cli_options *o, const cs_part *p,
                         const char *path, cs_cli_options *po,
                         char ***words, int *nwords)
{
    const char *version = cs_part_get(p, "version");
    const char *cmd = cs_part_get(p, "command");
    const char *scen = cs_part_get(p, "scenario");
    const char *opts = cs_part_get(p, "options");
    const char *want = cs_part_get(p, "scenario-hash");
    char hash[24];
    cs_error err;
    int argc;

    cs_cli_init(po);
    cs_error_clear(&err);
    if (version == NULL || cmd == NULL || scen == NULL || opts == NULL ||
        want == NULL || (strcmp(cmd, "run") != 0 &&
                         strcmp(cmd, "compare") != 0)) {
        fprintf(stderr, "chainsim: error: %s: its header does not say which "
                "run it is of\n", path);
        return EXIT_USAGE;
    }
    if (strcmp(version, CS_VERSION) != 0) {
        fprintf(stderr, "chainsim: error: %s: made by chainsim %s, this is "
                "chainsim %s: merge with the version that made the parts\n",
                path, version, CS_VERSION);
        return EXIT_USAGE;
    }
    if (split_options(opts, 2, words, nwords) != 0) {
        fprintf(stderr, "chainsim: error: %s: its options line cannot be "
                "read\n", path);
        return EXIT_USAGE;
    }
    /* -f json: --per-replication wants a format of records; merge's own
    ** format replaces it */
    argc = *nwords;
    (*words)[0] = strdup("chainsim");
    (*words)[1] = strdup(cmd);
    (*words)[argc] = strdup("-fjson");
    (*words)[argc + 1] = strdup("--");
    (*words)[argc + 2] = strdup(scen);
    *nwords = argc + 3;
    for (int i = 0; i < *nwords; i++)
        if ((*words)[i] == NULL)
            return print_error(&(cs_error){CS_ENOMEM, "", 0, 0,
                                           "out of memory"});
    if (cs_cli_parse(po, *nwords, *words, &err) != CS_OK) {
        fprintf(stderr, "chainsim: error: %s: its options cannot be used: "
                "%s\n", path, err.msg);
        return EXIT_USAGE;
    }
    po->format = o->format;
    po->no_header = o->no_header;
    po->output = o->output;
    po->report = o->report;
    po->check_promise = o->check_promise;
    po->quiet = o->quiet;
    if (po->per_replication && po->format == CS_FORMAT_TABLE)
        return usage_error("the parts hold --per-replication records: merge "
                           "them with -f csv or -f json");
    scenario_hash(po->scenario, hash, sizeof hash);
    if (hash[0] == '\0') {
        fprintf(stderr, "chainsim: error: cannot read '%s', the scenario the "
                "parts were made from (merge where that name leads to it)\n",
                po->scenario);
        return EXIT_USAGE;
    }
    if (strcmp(hash, want) != 0) {
        fprintf(stderr, "chainsim: error: '%s' has changed since the parts "
                "were made (its FNV-1a hash is %s, theirs %s)\n",
                po->scenario, hash, want);
        return EXIT_USAGE;
    }
    return EXIT_SUCCESS;
}

static cs_status load_part_file(void *ctx, size_t i, cs_part **out,
                                cs_error *err)
{
    const char *const *names = ctx;

    return cs_part_read_file(names[i], out, err);
}

/* Merges the results into st and writes them as the run would have
** (its warnings, its output, its verdict). */
static int merge_write(const cs_cli_options *po, cs_study *st, size_t nparts,
                       cs_shard_load_fn loader, void *ctx,
                       const char *const *names, int sig)
{
    cs_output out, html;
    cs_output *ph = NULL;
    cs_error err;
    int rc;

    cs_output_init(&html);
    if (po->report != NULL)
        ph = &html;
    cs_error_clear(&err);
    if ((rc = open_output(&out, po->output, 0)) != EXIT_SUCCESS)
        return rc;
    if (ph != NULL && (rc = open_output(ph, po->report, 1)) != EXIT_SUCCESS) {
        close_output(&out, 0, 0);
        return rc;
    }
    if (cs_shard_merge(st, nparts, loader, ctx, names, sig != 0, &err) !=
        CS_OK) {
        if (ph != NULL)
            close_output(ph, 0, 1);
        close_output(&out, 0, 0);
        return print_error(&err);
    }
    if (!po->quiet)
        cs_study_warn_results(st, stderr);
    rc = write_report(po, st, &out, ph);
    return rc != EXIT_SUCCESS ? rc : run_verdict(po, cs_study_verdicts(st),
                                                 sig);
}

/* merge PART...: the results of the run the parts are of. */
static int cmd_merge(const cs_cli_options *o)
{
    cs_part *p = NULL;
    cs_cli_options po;
    cs_study *st = NULL;
    cs_error err;
    char **words = NULL, **show = NULL;
    int nwords = 0, rc;

    cs_error_clear(&err);
    cs_cli_init(&po);
    if (cs_part_read_file(o->parts.v[0], &p, &err) != CS_OK)
        return print_error(&err);
    rc = merge_options(o, p, o->parts.v[0], &po, &words, &nwords);
    cs_part_free(p);
    /* the report shows the run's command line: chainsim COMMAND SCENARIO
    ** and the options that made the results (words: chainsim COMMAND
    ** OPTIONS... -fjson -- SCENARIO) */
    if (rc == EXIT_SUCCESS && (show = calloc((size_t)nwords, sizeof *show))
                                  == NULL)
        rc = print_error(&(cs_error){CS_ENOMEM, "", 0, 0, "out of memory"});
    if (rc == EXIT_SUCCESS) {
        show[0] = words[0];
        show[1] = words[1];
        show[2] = words[nwords - 1];
        for (int i = 2; i < nwords - 3; i++)
            show[i + 1] = words[i];
        po.argc = nwords - 2;
        po.argv = show;
    }
    if (rc == EXIT_SUCCESS)
        rc = make_study(&po, &st);
    if (rc == EXIT_SUCCESS && !po.quiet)
        cs_study_warn(st, stderr);
    if (rc == EXIT_SUCCESS)
        rc = merge_write(&po, st, o->parts.n, load_part_file,
                         (void *)o->parts.v, o->parts.v, 0);
    cs_study_free(st);
    cs_cli_fini(&po);
    free(show);
    free_words(words, nwords);
    return rc;
}

/* ---- MPI: the tuples spread over the ranks ---------------------------- */

/* The bytes each rank gathered, for cs_shard_merge. */
typedef struct rank_parts {
    const unsigned char *all;
    const size_t *off, *len;
} rank_parts;

static cs_status load_rank_part(void *ctx, size_t i, cs_part **out,
                                cs_error *err)
{
    const rank_parts *rp = ctx;
    cs_status st = cs_part_parse(rp->all + rp->off[i], rp->len[i], 1, out,
                                 err);
    char name[32];

    if (st != CS_OK) {
        snprintf(name, sizeof name, "rank %zu", i);
        cs_error_prefix(err, name);
    }
    return st;
}

/*
** On ranks other than 0, stderr goes to a temporary file while the study
** is planned (every rank plans the same study, so rank 0's messages
** stand for all): saved_fd is the real stderr, or -1 when unchanged.
*/
static int quiet_stderr(int rank, FILE **tmp)
{
    int saved;

    *tmp = NULL;
    if (rank == 0 || (*tmp = tmpfile()) == NULL)
        return -1;
    fflush(stderr);
    if ((saved = dup(STDERR_FILENO)) < 0 ||
        dup2(fileno(*tmp), STDERR_FILENO) < 0) {
        if (saved >= 0)
            close(saved);
        fclose(*tmp);
        *tmp = NULL;
        return -1;
    }
    return saved;
}

/* Gives stderr back; with show, what went to the temporary file is
** written to it, each line after "chainsim: rank R: ". */
static void loud_stderr(int rank, int saved, FILE *tmp, int show)
{
    char line[1024];

    if (saved < 0)
        return;
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(tmp);
    while (show && fgets(line, sizeof line, tmp) != NULL)
        fprintf(stderr, "chainsim: rank %d: %s", rank, line);
    fclose(tmp);
}

/* A rank's run failed: say which rank and why, and end every rank. */
static void rank_failed(int rank, cs_error *err)
{
    char name[32];
    int code;

    snprintf(name, sizeof name, "rank %d", rank);
    cs_error_prefix(err, name);
    code = print_error(err);
    fflush(stderr);
    cs_mpi_abort(code);
}

/*
** run and compare on several MPI ranks: each rank plans the study and
** runs the tuples of its shard (rank + 1 of size) on its threads, rank 0
** gathers the parts, merges them and writes the results.  A rank that
** fails ends them all (MPI_Abort) after naming itself and the cause.  An
** interrupt (mpirun sends SIGTERM to every rank on SIGINT) stops every
** rank that received it; the completed replications are merged into a
** partial result on rank 0.
*/
static int cmd_run_mpi(const cs_cli_options *o)
{
    const int rank = cs_mpi_rank(), size = cs_mpi_size();
    cs_cli_options ro = *o;
    cs_study *st = NULL;
    cs_bytes b;
    cs_error err;
    FILE *tmp;
    unsigned char *all = NULL;
    size_t *off = NULL, *len = NULL;
    const cs_shard_head none = {NULL, NULL, 0};
    int rc, rc0, sig, stopped = 0, saved;

    cs_bytes_init(&b);
    cs_error_clear(&err);
    if (rank > 0) {
        ro.quiet = 1;
        ro.report = NULL;
        ro.output = NULL;
    }
    saved = quiet_stderr(rank, &tmp);
    rc = make_study(&ro, &st);
    /* rank 0 checks that the outputs can be written before the run */
    if (rc == EXIT_SUCCESS && rank == 0) {
        cs_output out;
        if ((rc = open_output(&out, o->output, 0)) == EXIT_SUCCESS)
            close_output(&out, 0, 0);
        if (rc == EXIT_SUCCESS && o->report != NULL &&
            (rc = open_output(&out, o->report, 1)) == EXIT_SUCCESS)
            close_output(&out, 0, 1);
    }
    rc0 = cs_mpi_bcast(rc);
    loud_stderr(rank, saved, tmp, rc != EXIT_SUCCESS && rc0 == EXIT_SUCCESS);
    if ((rc = cs_mpi_max(rc)) != EXIT_SUCCESS) {
        cs_study_free(st);
        return rc0 != EXIT_SUCCESS ? rc0 : rc;
    }
    if (run_part(&ro, st, (unsigned long)rank + 1, (unsigned long)size,
                 &none, &b, &stopped, &err) != CS_OK)
        rank_failed(rank, &err);
    sig = cs_mpi_max((int)g_stop);
    if (cs_mpi_gather(b.p, b.n, &all, &off, &len) != 0) {
        if (rank == 0)
            fputs("chainsim: error: the ranks' parts do not fit in one "
                  "gather (more than 2 GiB): run with --shard and merge\n",
                  stderr);
        rc = cs_error_exit_code(CS_ENOMEM);
    } else if (rank == 0) {
        const size_t n = (size_t)size;
        rank_parts rp = {all, off, len};
        char **names = calloc(n + 1, sizeof *names);
        for (size_t i = 0; names != NULL && i < n; i++)
            if ((names[i] = malloc(32)) != NULL)
                snprintf(names[i], 32, "rank %zu", i);
        rc = names == NULL ? cs_error_exit_code(CS_ENOMEM)
                           : merge_write(o, st, n, load_rank_part, &rp,
                                         (const char *const *)names, sig);
        free_words(names, size);
    }
    free(all);
    free(off);
    free(len);
    cs_bytes_fini(&b);
    cs_study_free(st);
    return cs_mpi_bcast(rc);
}

/* run and compare.  The output is opened (-o FILE created beside its
** target) before the simulation, so a file that cannot be written fails
** at once rather than after the run. */
static int cmd_run(const cs_cli_options *o)
{
    cs_study *st = NULL;
    cs_study_rollup ru = {0, 0, 0};
    cs_output out, html;
    cs_output *ph = NULL;
    int rc;

    if (o->shard_n > 0)
        return cmd_shard(o);
    if (cs_mpi_size() > 1)
        return cmd_run_mpi(o);
    cs_output_init(&html);
    if (o->report != NULL)
        ph = &html;
    rc = make_study(o, &st);

    if (rc == EXIT_SUCCESS && (rc = open_output(&out, o->output, 0)) ==
        EXIT_SUCCESS) {
        if (ph != NULL && (rc = open_output(ph, o->report, 1)) !=
                              EXIT_SUCCESS) {
            close_output(&out, 0, 0);
        } else if ((rc = run_study(o, st)) == EXIT_SUCCESS) {
            ru = cs_study_verdicts(st);
            rc = write_report(o, st, &out, ph);
        } else {
            if (ph != NULL)
                close_output(ph, 0, 1);
            close_output(&out, 0, 0);
        }
    }
    cs_study_free(st);
    return rc != EXIT_SUCCESS ? rc : run_verdict(o, ru, (int)g_stop);
}

/* The progress of a sensitivity run on stderr: runs done of all. */
static void show_sens_progress(void *ctx, size_t done, size_t total)
{
    (void)ctx;
    fprintf(stderr, "\r\033[K[%zu/%zu runs] sensitivity", done, total);
    fflush(stderr);
}

/* Writes sv's results to out and its HTML page to html (when open) and
** finishes both: committed when both are complete, discarded otherwise. */
static int sens_report(const cs_cli_options *o, const cs_sensitivity *sv,
                       cs_output *out, cs_output *html)
{
    cs_error err;
    int rc;

    cs_error_clear(&err);
    if (html != NULL &&
        cs_report_sensitivity_html(cs_output_file(html), sv, &err) != CS_OK) {
        close_output(html, 0, 1);
        return close_output(out, 0, 0), cannot_write(o->report, err.msg);
    }
    if (cs_report_sensitivity_write(cs_output_file(out), o->format, sv,
                                    o->no_header, &err) != CS_OK) {
        if (html != NULL)
            close_output(html, 0, 1);
        return close_output(out, 0, 0), cannot_write(o->output, err.msg);
    }
    if (html != NULL && (rc = close_output(html, 1, 1)) != EXIT_SUCCESS)
        return close_output(out, 0, 0), rc;
    return close_output(out, 1, 0);
}

/* Runs sv and writes its results to -o or standard output, and --report
** (both opened before the runs, so a file that cannot be written fails at
** once). */
static int sens_write(const cs_cli_options *o, cs_sensitivity *sv)
{
    const int tty = !o->quiet && isatty(STDERR_FILENO);
    const cs_sens_run_opts ro = {(unsigned)o->threads, o->max_memory,
                                 &g_lib_stop,
                                 tty ? show_sens_progress : NULL, NULL};
    cs_output out, html;
    cs_error err;
    cs_status st;
    int rc;

    cs_error_clear(&err);
    cs_output_init(&html);
    if ((rc = open_output(&out, o->output, 0)) != EXIT_SUCCESS)
        return rc;
    if (o->report != NULL &&
        (rc = open_output(&html, o->report, 1)) != EXIT_SUCCESS)
        return close_output(&out, 0, 0), rc;
    set_graceful(1);
    st = cs_sensitivity_run(sv, &ro, &err);
    if (tty) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    if (st != CS_OK) {
        if (o->report != NULL)
            close_output(&html, 0, 1);
        return close_output(&out, 0, 0), print_error(&err);
    }
    if ((rc = sens_report(o, sv, &out, o->report != NULL ? &html : NULL)) !=
        EXIT_SUCCESS)
        return rc;
    if (g_stop) {
        fputs(sv->partial ? "chainsim: interrupted: the results are partial "
                            "(marked so in the output)\n"
                          : "chainsim: interrupted after the last run: the "
                            "results are complete\n", stderr);
        return EXIT_SIGNAL_BASE + (int)g_stop;
    }
    return EXIT_SUCCESS;
}

/* sensitivity: every change is built (and checked) before any run. */
static int cmd_sensitivity(const cs_cli_options *o)
{
    cs_scenario *s = NULL;
    cs_sensitivity *sv = NULL;
    cs_error err;
    int rc = load(o, &s);

    cs_error_clear(&err);
    if (rc == EXIT_SUCCESS && cs_sensitivity_new(s, &sv, &err) != CS_OK)
        rc = print_error(&err);
    cs_scenario_free(s);
    if (rc == EXIT_SUCCESS)
        rc = sens_write(o, sv);
    cs_sensitivity_free(sv);
    return rc;
}

/* --help or --version on standard output; a failed write (a full disk, a
** closed pipe) is an error, not a success. */
static int print_about(const cs_cli_options *o)
{
    fputs(o->about == CS_CLI_ABOUT_HELP ? usage_text : version_text, stdout);
    if (o->about != CS_CLI_ABOUT_HELP)
        printf("built with GSL %s, libyaml %s, jansson %s\n", GSL_VERSION,
               yaml_get_version_string(), JANSSON_VERSION);
    if (fflush(stdout) != 0 || ferror(stdout))
        return cannot_write(NULL, strerror(errno));
    return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
    cs_cli_options o;
    cs_error err;
    int rc;

    install_signals();
    gsl_set_error_handler_off();
    if (cs_mpi_init(&argc, &argv) != 0) {
        fputs("chainsim: error: MPI cannot start\n", stderr);
        return EXIT_USAGE;
    }
    cs_cli_init(&o);
    if (argc < 2) {
        fputs(usage_text, stderr);
        cs_mpi_finalize();
        return EXIT_USAGE;
    }
    cs_error_clear(&err);
    if (cs_cli_parse(&o, argc, argv, &err) != CS_OK)
        rc = err.status == CS_EINPUT ? usage_error("%s", err.msg)
                                     : print_error(&err);
    else if (o.about != CS_CLI_ABOUT_NONE)
        rc = cs_mpi_rank() == 0 ? print_about(&o) : EXIT_SUCCESS;
    else if (cs_mpi_size() > 1 &&
             ((o.cmd != CS_CLI_RUN && o.cmd != CS_CLI_COMPARE) ||
              o.shard_n > 0 || o.seq.mode != CS_STUDY_FIXED))
        /* every rank would write the same output: one does, or none (the
        ** rounds of --precision and --select are decided in one place) */
        rc = cs_mpi_rank() > 0 ? EXIT_USAGE
             : usage_error("under mpirun only run and compare, without "
                           "--shard, --precision or --select, spread over "
                           "the ranks; run this as one process");
    else
        rc = o.cmd == CS_CLI_CHECK ? cmd_check(&o)
             : o.cmd == CS_CLI_TRACE ? cmd_trace(&o)
             : o.cmd == CS_CLI_SENSITIVITY ? cmd_sensitivity(&o)
             : o.cmd == CS_CLI_FIT ? cmd_fit(&o)
             : o.cmd == CS_CLI_BACKTEST ? cmd_backtest(&o)
             : o.cmd == CS_CLI_MERGE ? cmd_merge(&o) : cmd_run(&o);
    cs_cli_fini(&o);
    cs_mpi_finalize();
    return rc;
}
