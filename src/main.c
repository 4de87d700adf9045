/*
** main.c - the chainsim command line (run, compare, check, trace): options,
** signals, atomic output and progress; the only place that prints or
** exits.  The work is the library's (study.h, report.h, report_model.h).
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
#include "chainsim/report.h"
#include "chainsim/report_model.h"
#include "chainsim/scenario.h"
#include "chainsim/study.h"

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
#define PARSE_DONE (-1)        /* --help or --version answered: exit 0 */

static const char version_text[] = "chainsim " CS_VERSION "\n";

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
** g_stop (and g_lib_stop, the library's flag; a lock-free atomic_int is
** safe to set in a handler): no new replication starts and the completed
** ones are reported, marked partial.  A second one, or any in trace (a
** partial event log is of no use), ends the process at once: the
** temporary file of -o is removed first and the signal raised again with
** its default action, so the exit status says which signal it was and
** FILE is left as it was.  g_graceful and g_tmp are set only while the
** signals are blocked, so the handler never sees them half-written.
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
    sigprocmask(block ? SIG_BLOCK : SIG_SETMASK, block ? &set : saved,
                block ? saved : NULL);
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

/* ---- options --------------------------------------------------------- */

typedef enum command { CMD_RUN, CMD_COMPARE, CMD_CHECK, CMD_TRACE } command;

typedef struct list {          /* --set and --vary arguments, in order */
    const char **v;
    size_t n;
} list;

typedef struct options {
    command cmd;
    const char *scenario, *variant, *output;
    cs_study_settings set;     /* set.sets is sets.v once parsed */
    list sets, vary;
    long threads;              /* 0 = all cores */
    long trace_rep;            /* 1-based */
    cs_format format;
    int no_header, check_promise, independent, quiet;
} options;

typedef struct option_def option_def;

/* Handles an option (v is NULL for one without a value); returns
** EXIT_SUCCESS, an exit code after printing, or PARSE_DONE. */
typedef int (*option_fn)(options *o, const option_def *d, const char *v);

struct option_def {
    const char *name;
    char short_name;           /* '\0' when none */
    int takes_value;
    option_fn handle;
    size_t field;              /* the member the handler sets */
    long hi;                   /* opt_number: from 1 to hi; opt_list: most */
    const char *want;          /* what a bad value's message asks for */
};

#define FIELD(m) offsetof(options, m)
#define MEMBER(o, d, type) ((type *)(void *)((char *)(o) + (d)->field))

static int opt_flag(options *o, const option_def *d, const char *v)
{
    (void)v;
    *MEMBER(o, d, int) = 1;
    return EXIT_SUCCESS;
}

static int opt_text(options *o, const option_def *d, const char *v)
{
    if (d->want != NULL && *v == '\0')
        return usage_error("--%s needs %s", d->name, d->want);
    *MEMBER(o, d, const char *) = v;
    return EXIT_SUCCESS;
}

static int opt_about(options *o, const option_def *d, const char *v)
{
    (void)o, (void)v;
    fputs(d->short_name == 'h' ? usage_text : version_text, stdout);
    return PARSE_DONE;
}

/* A whole decimal number from 1 to d->hi. */
static int opt_number(options *o, const option_def *d, const char *v)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(v, &end, 10);
    if (*v == '\0' || errno != 0 || *end != '\0' || n < 1 || n > d->hi)
        return usage_error("--%s: '%s' is not a whole number %s", d->name, v,
                           d->want);
    *MEMBER(o, d, long) = n;
    return EXIT_SUCCESS;
}

static int opt_seed(options *o, const option_def *d, const char *v)
{
    char *end;

    errno = 0;
    (void)strtoull(v, &end, 10);
    if (*v == '\0' || *v == '-' || *end != '\0' || errno != 0)
        return usage_error("--%s: '%s' is not a whole number >= 0", d->name,
                           v);
    return opt_text(o, d, v);
}

/* A PATH=... argument appended to a list of at most d->hi (0: any). */
static int opt_list(options *o, const option_def *d, const char *v)
{
    list *l = MEMBER(o, d, list);
    const char **grown;

    if (strchr(v, '=') == NULL)
        return usage_error("--%s '%s': expected %s", d->name, v, d->want);
    if (d->hi > 0 && l->n >= (size_t)d->hi)
        return usage_error("at most %ld --%s options", d->hi, d->name);
    if ((grown = realloc(l->v, (l->n + 1) * sizeof *grown)) == NULL) {
        fputs("chainsim: error: out of memory\n", stderr);
        return cs_error_exit_code(CS_ENOMEM);
    }
    l->v = grown;
    l->v[l->n++] = v;
    return EXIT_SUCCESS;
}

static int opt_format(options *o, const option_def *d, const char *v)
{
    const int f = cs_report_format_parse(v);

    if (f < 0)
        return usage_error("--%s: '%s' is not one of %s", d->name, v,
                           d->want);
    o->format = (cs_format)f;
    return EXIT_SUCCESS;
}

/* In this order in "did you mean" hints. */
static const option_def option_table[] = {
    {"replications", 'n', 1, opt_number, FIELD(set.replications), 1000000,
     "from 1 to 1000000"},
    {"seed", 's', 1, opt_seed, FIELD(set.seed), 0, NULL},
    {"threads", 'j', 1, opt_number, FIELD(threads), 1024, "from 1 to 1024"},
    {"horizon", '\0', 1, opt_text, FIELD(set.horizon), 0, NULL},
    {"warmup", '\0', 1, opt_text, FIELD(set.warmup), 0, NULL},
    {"variant", '\0', 1, opt_text, FIELD(variant), 0, NULL},
    {"set", '\0', 1, opt_list, FIELD(sets), 0, "PATH=VALUE"},
    {"vary", '\0', 1, opt_list, FIELD(vary), CS_STUDY_MAX_VARY,
     "PATH=V1,V2,..."},
    {"format", 'f', 1, opt_format, 0, 0, "table, csv, json"},
    {"no-header", '\0', 0, opt_flag, FIELD(no_header), 0, NULL},
    {"output", 'o', 1, opt_text, FIELD(output), 0, "a file name"},
    {"check-promise", '\0', 0, opt_flag, FIELD(check_promise), 0, NULL},
    {"independent", '\0', 0, opt_flag, FIELD(independent), 0, NULL},
    {"replication", 'r', 1, opt_number, FIELD(trace_rep), 100000000, ">= 1"},
    {"quiet", 'q', 0, opt_flag, FIELD(quiet), 0, NULL},
    {"help", 'h', 0, opt_about, 0, 0, NULL},
    {"version", '\0', 0, opt_about, 0, 0, NULL},
};
#define NOPTIONS (sizeof option_table / sizeof option_table[0])

/* The option that "--name[=VALUE]" (the name cut to 31 bytes) or
** "-xVALUE" names, or NULL after printing the error. */
static const option_def *find_option(const char *a, const char **value)
{
    const char *names[NOPTIONS + 1], *eq, *hint;
    char name[32];

    for (size_t k = 0; k < NOPTIONS && a[1] != '-'; k++)
        if (option_table[k].short_name == a[1]) {
            *value = a[2] != '\0' ? a + 2 : NULL;
            return &option_table[k];
        }
    if (a[1] != '-') {
        usage_error("unknown option '%s'", a);
        return NULL;
    }
    eq = strchr(a + 2, '=');
    snprintf(name, sizeof name, "%.*s",
             (int)(eq != NULL ? eq - (a + 2) : (long)strlen(a + 2)), a + 2);
    *value = eq != NULL ? eq + 1 : NULL;
    for (size_t k = 0; k < NOPTIONS; k++) {
        if (strcmp(option_table[k].name, name) == 0)
            return &option_table[k];
        names[k] = option_table[k].name;
    }
    names[NOPTIONS] = NULL;
    if ((hint = cs_error_suggest(name, names)) != NULL)
        usage_error("unknown option '--%s' (did you mean '--%s'?)", name, hint);
    else
        usage_error("unknown option '--%s'", name);
    return NULL;
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
        } else if ((d = find_option(a, &v)) == NULL) {
            return EXIT_USAGE;
        } else if (!d->takes_value) {
            if ((rc = d->handle(o, d, NULL)) != EXIT_SUCCESS)
                return rc;
        } else if (v == NULL && (v = i + 1 < argc ? argv[++i] : NULL) == NULL) {
            return usage_error("option '--%s' needs a value", d->name);
        } else if ((rc = d->handle(o, d, v)) != EXIT_SUCCESS) {
            return rc;
        }
    }
    o->set.sets = (const char *const *)o->sets.v;
    o->set.nsets = o->sets.n;
    if (o->scenario == NULL)
        return usage_error("missing the SCENARIO file");
    if (o->variant != NULL && o->cmd == CMD_COMPARE)
        return usage_error("--variant is for run and trace; compare runs "
                           "every variant");
    if (o->vary.n > 0 && (o->cmd == CMD_CHECK || o->cmd == CMD_TRACE))
        return usage_error("--vary is for run and compare");
    if (o->independent && o->cmd != CMD_COMPARE)
        return usage_error("--independent is for compare");
    return EXIT_SUCCESS;
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

/* Returns 0, or an exit code after printing. */
static int sink_open(sink *k, const char *path)
{
    int fd = -1;

    memset(k, 0, sizeof *k);
    k->path = path;
    k->fp = stdout;
    if (path == NULL)
        return EXIT_SUCCESS;
    if ((k->tmp = malloc(strlen(path) + 16)) != NULL) {
        sprintf(k->tmp, "%s.tmp-XXXXXX", path);
        fd = mkstemp(k->tmp);
    }
    if (fd >= 0) {
        set_cleanup(k->tmp);
        fchmod(fd, 0644);
        if ((k->fp = fdopen(fd, "w")) != NULL)
            return EXIT_SUCCESS;
        close(fd);
        unlink(k->tmp);
        set_cleanup(NULL);
    }
    free(k->tmp);
    return cannot_write(path, strerror(errno));
}

/* Finishes the output: commit = 1 renames it into place, 0 discards it.
** Returns 0, or (when committing) an exit code after printing. */
static int sink_close(sink *k, int commit)
{
    int ok = 1;

    if (k->path == NULL)
        ok = fflush(stdout) == 0;
    else {
        ok = fflush(k->fp) == 0 && !ferror(k->fp) && fsync(fileno(k->fp)) == 0;
        ok = fclose(k->fp) == 0 && ok;
        ok = ok && (!commit || rename(k->tmp, k->path) == 0);
        if (!commit || !ok)
            unlink(k->tmp);
        set_cleanup(NULL);
        free(k->tmp);
    }
    return ok || !commit ? EXIT_SUCCESS : cannot_write(k->path,
                                                       strerror(errno));
}

/* ---- progress ---------------------------------------------------------- */

typedef struct progress {
    int on;
    const cs_study *st;
    struct timespec start;
} progress;

static void show_progress(void *ctx, size_t job, unsigned done, unsigned total)
{
    const progress *p = ctx;
    const int width = 24;
    const int fill = total > 0 ? (int)((double)done * width / total) : width;
    struct timespec t;
    char bar[32];

    clock_gettime(CLOCK_MONOTONIC, &t);
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = '\0';
    fprintf(stderr, "\r\033[K[%s] %s (%zu/%zu)  %u/%u replications  %.1fs",
            bar, cs_study_model(p->st, job)->variant, job + 1,
            cs_study_njobs(p->st), done, total,
            (double)(t.tv_sec - p->start.tv_sec) +
                (double)(t.tv_nsec - p->start.tv_nsec) * 1e-9);
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
static int load(const options *o, cs_scenario **s)
{
    cs_error err;

    cs_error_clear(&err);
    return cs_study_load(o->scenario, &o->set, s, &err) == CS_OK
               ? EXIT_SUCCESS : print_error(&err);
}

static int no_such_variant(const options *o, const cs_scenario *s)
{
    const size_t nv = cs_variant_count(s);

    fprintf(stderr, "chainsim: error: no variant named '%s'", o->variant);
    for (size_t i = 0; i < nv; i++)
        fprintf(stderr, "%s %s", i == 0 ? " (variants:" : "",
                cs_variant_name(s, i));
    fputs(nv > 0 ? ")\n" : "\n", stderr);
    return EXIT_USAGE;
}

static int cmd_check(const options *o)
{
    cs_scenario *s = NULL;
    cs_error err;
    int rc = load(o, &s);

    if (rc == EXIT_SUCCESS && cs_report_model_scenario(stdout, s, &err) != CS_OK)
        rc = print_error(&err);
    else if (rc == EXIT_SUCCESS && fflush(stdout) != 0)
        rc = cs_error_exit_code(CS_EIO);
    cs_scenario_free(s);
    return rc;
}

static int cmd_trace(const options *o)
{
    cs_scenario *s = NULL;
    cs_model *m = NULL;
    cs_error err;
    long vi = -1;
    sink out;
    int rc = load(o, &s);

    if (rc == EXIT_SUCCESS && (vi = cs_study_variant(s, o->variant)) < -1)
        rc = usage_error("no variant named '%s'", o->variant);
    else if (rc == EXIT_SUCCESS && cs_variant_build(s, vi, &m, &err) != CS_OK)
        rc = print_error(&err);
    cs_scenario_free(s);
    if (rc == EXIT_SUCCESS) {
        install_signals(0);
        rc = sink_open(&out, o->output);
    }
    if (rc == EXIT_SUCCESS) {
        const cs_status st = cs_report_model_trace_run(
            out.fp, m, (uint64_t)(o->trace_rep - 1), !o->no_header, &err);
        rc = st == CS_OK ? sink_close(&out, 1)
                         : (sink_close(&out, 0), print_error(&err));
    }
    cs_model_free(m);
    return rc;
}

/* Plans and builds the study: every error comes before any simulation. */
static int make_study(const options *o, cs_study **st)
{
    const cs_study_opts so = {o->cmd == CMD_COMPARE, o->independent,
                              (const char *const *)o->vary.v, o->vary.n};
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

static int run_study(const options *o, cs_study *st)
{
    progress pr = {!o->quiet && isatty(STDERR_FILENO), st, {0, 0}};
    const cs_study_run_opts ro = {(unsigned)o->threads, &g_lib_stop,
                                  pr.on ? show_progress : NULL, &pr};
    cs_error err;
    cs_status s;

    clock_gettime(CLOCK_MONOTONIC, &pr.start);
    if (!o->quiet)
        cs_study_warn(st, stderr);
    install_signals(1);
    s = cs_study_run(st, &ro, &err);
    clear_progress(&pr);
    return s == CS_OK ? EXIT_SUCCESS : print_error(&err);
}

static int write_report(const options *o, const cs_study *st)
{
    cs_report rep;
    cs_error err;
    sink out;
    int rc;

    memset(&rep, 0, sizeof rep);
    cs_study_report(st, &rep);
    rep.scenario_file = o->scenario;
    rep.wall_seconds = -1;     /* the same output on any machine: no timings */
    rep.no_header = o->no_header;
    rep.color = o->output == NULL && isatty(STDOUT_FILENO) &&
                getenv("NO_COLOR") == NULL;
    if ((rc = sink_open(&out, o->output)) != EXIT_SUCCESS)
        return rc;
    cs_error_clear(&err);
    if (cs_report_write(out.fp, o->format, &rep, &err) == CS_OK)
        return sink_close(&out, 1);
    sink_close(&out, 0);
    return cannot_write(o->output, err.msg);
}

static int cmd_run(const options *o)
{
    cs_study *st = NULL;
    cs_study_rollup ru = {0, 0, 0};
    int rc = make_study(o, &st);

    if (rc == EXIT_SUCCESS && (rc = run_study(o, st)) == EXIT_SUCCESS) {
        ru = cs_study_verdicts(st);
        rc = write_report(o, st);
    }
    cs_study_free(st);
    if (rc != EXIT_SUCCESS)
        return rc;
    if (g_stop) {
        fputs(ru.partial ? "chainsim: interrupted: the results are partial "
                           "(marked so in the output)\n"
                         : "chainsim: interrupted after the last replication: "
                           "the results are complete\n", stderr);
        return EXIT_SIGNAL_BASE + (int)g_stop;
    }
    if (o->check_promise && ru.uncertain && !o->quiet)
        fputs("chainsim: warning: a promise's verdict is uncertain (its "
              "confidence interval spans the target); more replications may "
              "decide it\n", stderr);
    return o->check_promise && ru.not_met ? EXIT_PROMISE : EXIT_SUCCESS;
}

/* argv[1]: a command, or --help or --version.  Returns 0, PARSE_DONE or
** an exit code after printing. */
static int parse_command(const char *a, options *o)
{
    static const char *const cmds[] = {"run", "compare", "check", "trace",
                                       NULL};
    const char *hint;

    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 ||
        strcmp(a, "help") == 0 || strcmp(a, "--version") == 0) {
        fputs(a[2] == 'v' ? version_text : usage_text, stdout);
        return PARSE_DONE;
    }
    for (int c = CMD_RUN; c <= CMD_TRACE; c++)
        if (strcmp(a, cmds[c]) == 0) {
            o->cmd = (command)c;
            return EXIT_SUCCESS;
        }
    if ((hint = cs_error_suggest(a, cmds)) != NULL)
        return usage_error("unknown command '%s' (did you mean '%s'?)", a,
                           hint);
    return usage_error("unknown command '%s'", a);
}

int main(int argc, char **argv)
{
    options o;
    int rc;

    gsl_set_error_handler_off();
    memset(&o, 0, sizeof o);
    o.set.replications = -1;
    o.trace_rep = 1;
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    if ((rc = parse_command(argv[1], &o)) == EXIT_SUCCESS &&
        (rc = parse_options(argc, argv, &o)) == EXIT_SUCCESS)
        rc = o.cmd == CMD_CHECK ? cmd_check(&o)
             : o.cmd == CMD_TRACE ? cmd_trace(&o) : cmd_run(&o);
    free(o.sets.v);
    free(o.vary.v);
    return rc == PARSE_DONE ? EXIT_SUCCESS : rc;
}
