/*
** main.c - the chainsim command line: options, exit codes, and the only
** place that prints or exits.  Everything else returns a cs_status.
**
**   chainsim run      SCENARIO [options]
**   chainsim compare  SCENARIO [options]
**   chainsim check    SCENARIO [options]
**   chainsim trace    SCENARIO [options]
**   chainsim --help | --version
*/
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "chainsim/dist.h"
#include "chainsim/engine.h"
#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/report.h"
#include "chainsim/runner.h"
#include "chainsim/scenario.h"

#ifndef CS_VERSION
#define CS_VERSION "1.0.0"
#endif

#define EXIT_PROMISE 1
#define EXIT_USAGE 2
#define MAX_VARY 16
#define MAX_POINTS 100000

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
** signals are blocked, so the handler never sees them half-written.
*/
static atomic_int g_stop;   /* the signal number, once caught */
static volatile sig_atomic_t g_graceful;   /* 1: the first signal stops */
static const char *volatile g_tmp;     /* temporary output file, or NULL */

static void on_signal(int sig)
{
    if (g_graceful && g_stop == 0) {
        g_stop = sig;
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
    const char *vary[MAX_VARY];
    size_t nvary;
    cs_format format;
    int no_header;
    const char *output;
    int check_promise;
    int independent;           /* compare: no common random numbers */
    long trace_rep;            /* 1-based */
    int quiet;
} options;

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

static const char *const long_options[] = {
    "replications", "seed", "threads", "horizon", "warmup", "variant",
    "set", "vary", "format", "no-header", "output", "check-promise",
    "independent", "replication", "quiet", "help", "version", NULL};

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

/*
** Returns the value of an option that takes one: "--opt=VALUE",
** "--opt VALUE", "-xVALUE" or "-x VALUE".  NULL when it is missing.
*/
static const char *option_value(int argc, char **argv, int *i,
                                const char *inline_value)
{
    if (inline_value != NULL)
        return inline_value;
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

static int add_set(options *o, const char *v)
{
    const char **n = realloc(o->sets, (o->nsets + 1) * sizeof *n);

    if (n == NULL)
        return -1;
    o->sets = n;
    o->sets[o->nsets++] = v;
    return 0;
}

/* Parses argv[2..]; returns 0 or an exit code (2) after printing. */
static int parse_options(int argc, char **argv, options *o)
{
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        char name[32];
        const char *inline_value = NULL;
        const char *v;
        long n;

        if (a[0] != '-' || a[1] == '\0') {
            if (o->scenario != NULL)
                return usage_error("unexpected argument '%s' (the scenario is "
                                   "'%s')", a, o->scenario);
            o->scenario = a;
            continue;
        }
        if (a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t len = eq != NULL ? (size_t)(eq - (a + 2)) : strlen(a + 2);
            if (len >= sizeof name)
                len = sizeof name - 1;
            memcpy(name, a + 2, len);
            name[len] = '\0';
            if (eq != NULL)
                inline_value = eq + 1;
        } else {
            static const char shorts[] = "nsjfoqrh";
            static const char *const longs[] = {
                "replications", "seed", "threads", "format", "output",
                "quiet", "replication", "help"};
            const char *p = strchr(shorts, a[1]);
            if (p == NULL)
                return usage_error("unknown option '%s'", a);
            snprintf(name, sizeof name, "%s", longs[p - shorts]);
            if (a[2] != '\0')
                inline_value = a + 2;
        }

        if (strcmp(name, "help") == 0) {
            fputs(usage_text, stdout);
            return -1;
        } else if (strcmp(name, "quiet") == 0) {
            o->quiet = 1;
        } else if (strcmp(name, "no-header") == 0) {
            o->no_header = 1;
        } else if (strcmp(name, "check-promise") == 0) {
            o->check_promise = 1;
        } else if (strcmp(name, "independent") == 0) {
            o->independent = 1;
        } else if (strcmp(name, "version") == 0) {
            printf("chainsim %s\n", CS_VERSION);
            return -1;
        } else {
            int known = 0;
            for (size_t k = 0; long_options[k] != NULL; k++)
                if (strcmp(long_options[k], name) == 0)
                    known = 1;
            if (!known) {
                const char *hint = cs_suggest(name, long_options);
                if (hint != NULL)
                    return usage_error("unknown option '--%s' (did you mean "
                                       "'--%s'?)", name, hint);
                return usage_error("unknown option '--%s'", name);
            }
            v = option_value(argc, argv, &i, inline_value);
            if (v == NULL)
                return usage_error("option '--%s' needs a value", name);
            if (strcmp(name, "replications") == 0) {
                if (parse_long(v, 1, 1000000, &n) != 0)
                    return usage_error("--replications: '%s' is not a whole "
                                       "number from 1 to 1000000", v);
                o->replications = n;
            } else if (strcmp(name, "seed") == 0) {
                char *end;
                errno = 0;
                (void)strtoull(v, &end, 10);
                if (*v == '\0' || *v == '-' || *end != '\0' || errno != 0)
                    return usage_error("--seed: '%s' is not a whole number "
                                       ">= 0", v);
                o->seed = v;
            } else if (strcmp(name, "threads") == 0) {
                if (parse_long(v, 1, 1024, &n) != 0)
                    return usage_error("--threads: '%s' is not a whole number "
                                       "from 1 to 1024", v);
                o->threads = (unsigned)n;
            } else if (strcmp(name, "horizon") == 0) {
                o->horizon = v;
            } else if (strcmp(name, "warmup") == 0) {
                o->warmup = v;
            } else if (strcmp(name, "variant") == 0) {
                o->variant = v;
            } else if (strcmp(name, "set") == 0) {
                if (strchr(v, '=') == NULL)
                    return usage_error("--set '%s': expected PATH=VALUE", v);
                if (add_set(o, v) != 0)
                    return usage_error("out of memory");
            } else if (strcmp(name, "vary") == 0) {
                if (strchr(v, '=') == NULL)
                    return usage_error("--vary '%s': expected "
                                       "PATH=V1,V2,...", v);
                if (o->nvary >= MAX_VARY)
                    return usage_error("at most %d --vary options",
                                       MAX_VARY);
                o->vary[o->nvary++] = v;
            } else if (strcmp(name, "format") == 0) {
                const int f = cs_report_format_parse(v);
                if (f < 0)
                    return usage_error("--format: '%s' is not one of table, "
                                       "csv, json", v);
                o->format = (cs_format)f;
            } else if (strcmp(name, "output") == 0) {
                if (*v == '\0')
                    return usage_error("--output needs a file name");
                o->output = v;
            } else if (strcmp(name, "replication") == 0) {
                if (parse_long(v, 1, 100000000, &n) != 0)
                    return usage_error("--replication: '%s' is not a whole "
                                       "number >= 1", v);
                o->trace_rep = n;
            }
        }
    }
    if (o->scenario == NULL)
        return usage_error("missing the SCENARIO file");
    if (o->variant != NULL && o->cmd == CMD_COMPARE)
        return usage_error("--variant is for run and trace; compare runs "
                           "every variant");
    if (o->nvary > 0 && (o->cmd == CMD_CHECK || o->cmd == CMD_TRACE))
        return usage_error("--vary is for run and compare");
    if (o->independent && o->cmd != CMD_COMPARE)
        return usage_error("--independent is for compare");
    return 0;
}

/* ---- scenario set-up --------------------------------------------------- */

static int print_error(const cs_error *err)
{
    char buf[CS_ERROR_MSG_MAX + CS_ERROR_FILE_MAX + 64];

    cs_error_format(err, buf, sizeof buf);
    fprintf(stderr, "%s\n", buf);
    return cs_status_exit_code(err->status != CS_OK ? err->status : CS_EINPUT);
}

/* One --vary option: its path and values. */
typedef struct vary_axis {
    char *path;
    char **values;
    size_t n;
} vary_axis;

static void axes_free(vary_axis *ax, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < ax[i].n; j++)
            free(ax[i].values[j]);
        free(ax[i].values);
        free(ax[i].path);
    }
}

/*
** Splits "PATH=V1,V2,..." on commas that are not inside brackets or
** braces, so "--vary teams.a.handoff={dist: const, value: 1d},2d" and
** "--vary x=gamma(mean=2d, cv=0.5),3d" both work.
*/
static int parse_axis(const char *arg, vary_axis *ax)
{
    const char *eq = strchr(arg, '=');
    const char *p;
    int depth = 0;

    memset(ax, 0, sizeof *ax);
    if (eq == NULL || eq == arg)
        return -1;
    ax->path = strndup(arg, (size_t)(eq - arg));
    if (ax->path == NULL)
        return -1;
    p = eq + 1;
    for (const char *q = p;; q++) {
        if (*q == '(' || *q == '[' || *q == '{')
            depth++;
        else if ((*q == ')' || *q == ']' || *q == '}') && depth > 0)
            depth--;
        if (*q == '\0' || (*q == ',' && depth == 0)) {
            char **nv = realloc(ax->values, (ax->n + 1) * sizeof *nv);
            if (nv == NULL)
                return -1;
            ax->values = nv;
            ax->values[ax->n] = strndup(p, (size_t)(q - p));
            if (ax->values[ax->n] == NULL)
                return -1;
            ax->n++;
            if (*q == '\0')
                break;
            p = q + 1;
        }
    }
    return 0;
}

/* A model to simulate, and what the report says of it. */
typedef struct job {
    cs_model *model;
    size_t point;             /* sweep point index */
    int is_base;
    cs_summary *summary;
    cs_comparison *vs;
} job;

/*
** Loads the scenario with the command line's overrides and one sweep
** point's values, and builds the models of the variants to simulate.
*/
/* Adds the override "KEY=VALUE", however long VALUE is. */
static cs_status add_pair(cs_scenario *s, const char *key, const char *value,
                          cs_error *err)
{
    const size_t n = strlen(key) + strlen(value) + 2;
    char *buf = malloc(n);
    cs_status st;

    if (buf == NULL)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    snprintf(buf, n, "%s=%s", key, value);
    st = cs_scenario_add_override(s, buf, err);
    free(buf);
    return st;
}

static cs_status load_point(const options *o, const vary_axis *ax,
                            const size_t *pick, cs_scenario **out,
                            cs_error *err)
{
    cs_scenario *s = NULL;
    char buf[64];
    cs_status st = cs_scenario_load(o->scenario, &s, err);

    if (st != CS_OK)
        return st;
    if (o->replications > 0) {
        snprintf(buf, sizeof buf, "%ld", o->replications);
        if ((st = add_pair(s, "replications", buf, err)) != CS_OK)
            goto fail;
    }
    if (o->seed != NULL && (st = add_pair(s, "seed", o->seed, err)) != CS_OK)
        goto fail;
    /* --horizon then --warmup, or the other way round when the new
    ** horizon is shorter than the scenario's warm-up */
    if (o->horizon != NULL) {
        st = add_pair(s, "horizon", o->horizon, err);
        if (st == CS_EINPUT && o->warmup != NULL) {
            if (add_pair(s, "warmup", o->warmup, err) == CS_OK)
                st = add_pair(s, "horizon", o->horizon, err);
        } else if (st == CS_OK && o->warmup != NULL) {
            st = add_pair(s, "warmup", o->warmup, err);
        }
        if (st != CS_OK)
            goto fail;
    } else if (o->warmup != NULL &&
               (st = add_pair(s, "warmup", o->warmup, err)) != CS_OK) {
        goto fail;
    }
    for (size_t i = 0; i < o->nsets; i++)
        if ((st = cs_scenario_add_override(s, o->sets[i], err)) != CS_OK)
            goto fail;
    for (size_t i = 0; i < o->nvary; i++)
        if ((st = add_pair(s, ax[i].path, ax[i].values[pick[i]], err)) !=
            CS_OK)
            goto fail;
    *out = s;
    return CS_OK;
fail:
    cs_scenario_free(s);
    return st;
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

    if (k->path == NULL) {
        if (fflush(stdout) != 0)
            ok = 0;
        return ok ? 0 : -1;
    }
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
    const char *label;
    size_t job, njobs;
    struct timespec start;
} progress;

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) +
           (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

static void show_progress(void *ctx, unsigned done, unsigned total)
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
            bar, p->label, p->job + 1, p->njobs, done, total, t);
    fflush(stderr);
}

static void clear_progress(const progress *p)
{
    if (p->on) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}

/* ---- check ------------------------------------------------------------- */

static void print_duration(FILE *f, double d)
{
    fprintf(f, "%gd", d);
}

static void print_step(FILE *f, const cs_model *m, const cs_class *k,
                       const cs_step *s, const char *indent)
{
    char buf[256];

    if (s->kind == CS_STEP_PARALLEL) {
        fprintf(f, "%sparallel%s%s", indent, s->id ? " " : "",
                s->id ? s->id : "");
        if (s->p < 1)
            fprintf(f, "  p=%g", s->p);
        fputc('\n', f);
        for (int b = 0; b < s->nbranches; b++) {
            char deeper[32];
            snprintf(deeper, sizeof deeper, "%s  | ", indent);
            print_step(f, m, k, &k->steps[s->branch_first + b], deeper);
        }
    } else {
        cs_dist_describe(&s->effort, buf, sizeof buf);
        fprintf(f, "%s%s", indent, m->teams[s->team].name);
        if (s->id != NULL && strcmp(s->id, m->teams[s->team].name) != 0)
            fprintf(f, " (id %s)", s->id);
        fprintf(f, "  effort %s", buf);
        if (s->p < 1)
            fprintf(f, "  p=%g", s->p);
        fputc('\n', f);
    }
    if (s->has_rework) {
        const cs_step *to = &k->steps[k->route[s->rework_to]];
        fprintf(f, "%s  rework p=%g back to %s", indent, s->rework_p,
                to->id ? to->id : "(parallel)");
        if (s->rework_factor != 1)
            fprintf(f, ", effort x%g", s->rework_factor);
        fputc('\n', f);
    }
}

static void print_check(FILE *f, const cs_model *m)
{
    double *util = calloc((size_t)m->nteams + 1, sizeof *util);
    char buf[256];

    fprintf(f, "scenario: %s\n", m->name);
    fprintf(f, "variant: %s\n", m->variant ? m->variant : "baseline");
    if (m->hypothesis != NULL)
        fprintf(f, "hypothesis: %s\n", m->hypothesis);
    fprintf(f, "time: %g hours per day, %g days per week\n",
            m->units.hours_per_day, m->units.days_per_week);
    fputs("horizon: ", f);
    print_duration(f, m->horizon);
    fputs("  warm-up: ", f);
    if (m->warmup_auto)
        fputs("auto", f);
    else
        print_duration(f, m->warmup);
    fprintf(f, "  replications: %u  seed: %llu\n", m->replications,
            (unsigned long long)m->seed);
    if (util != NULL)
        cs_model_offered_load(m, util);
    fprintf(f, "teams (%d):\n", m->nteams);
    for (int t = 0; t < m->nteams; t++) {
        const cs_team *k = &m->teams[t];
        fprintf(f, "  %-20s %-21s capacity %d", k->name,
                cs_team_type_name(k->type), k->capacity);
        if (k->wip_limit > 0)
            fprintf(f, "  wip %d", k->wip_limit);
        fprintf(f, "  %s", cs_discipline_name(k->discipline));
        if (k->has_handoff) {
            cs_dist_describe(&k->handoff, buf, sizeof buf);
            fprintf(f, "  handoff %s", buf);
        }
        if (k->focus < 1)
            fprintf(f, "  focus %g", k->focus);
        if (k->cost_per_day > 0)
            fprintf(f, "  cost %g/d", k->cost_per_day);
        if (util != NULL)
            fprintf(f, util[t] < 1e6 ? "  load %.2f%s" : "  load >%.0e%s",
                    util[t] < 1e6 ? util[t] : 1e6,
                    util[t] >= 1 ? " (unstable)" : "");
        fputc('\n', f);
    }
    fprintf(f, "work (%d):\n", m->nclasses);
    for (int c = 0; c < m->nclasses; c++) {
        const cs_class *k = &m->classes[c];
        fprintf(f, "  %s", k->name);
        if (k->priority != 0)
            fprintf(f, "  priority %d", k->priority);
        if (k->has_due)
            fprintf(f, "  due %gd", k->due);
        if (k->arrival == CS_ARRIVE_RATE)
            fprintf(f, "  arrivals %g/d", k->rate);
        else if (k->arrival == CS_ARRIVE_INTERVAL) {
            cs_dist_describe(&k->interval, buf, sizeof buf);
            fprintf(f, "  arrivals every %s", buf);
        }
        if (k->batch > 1)
            fprintf(f, " x%d", k->batch);
        if (k->backlog > 0)
            fprintf(f, "  backlog %d", k->backlog);
        fputc('\n', f);
        for (int i = 0; i < k->nroute; i++)
            print_step(f, m, k, &k->steps[k->route[i]], "    ");
    }
    fprintf(f, "promises (%d):\n", m->npromises);
    for (int p = 0; p < m->npromises; p++) {
        const cs_promise *k = &m->promises[p];
        const char *w = k->work >= 0 ? m->classes[k->work].name : "all work";
        if (k->kind == CS_PROMISE_LEAD_TIME)
            fprintf(f, "  %s: %g%% of %s within %gd\n", k->name,
                    k->target * 100, w, k->within);
        else
            fprintf(f, "  %s: at least %g items of %s per %gd\n", k->name,
                    k->target, w, k->per);
    }
    fprintf(f, "cost per day: %g\n", cs_model_cost_per_day(m));
    free(util);
}

static int cmd_check(const options *o)
{
    cs_scenario *s = NULL;
    cs_model *m = NULL;
    cs_error err;
    const size_t pick[MAX_VARY] = {0};
    int rc;

    cs_error_clear(&err);
    if (load_point(o, NULL, pick, &s, &err) != CS_OK)
        return print_error(&err);
    if (cs_scenario_build(s, -1, &m, &err) != CS_OK) {
        rc = print_error(&err);
        cs_scenario_free(s);
        return rc;
    }
    print_check(stdout, m);
    const size_t nv = cs_scenario_nvariants(s);
    if (nv > 0) {
        printf("variants (%zu):\n", nv);
        for (size_t i = 0; i < nv; i++) {
            cs_model *v = NULL;
            if (cs_scenario_build(s, (long)i, &v, &err) != CS_OK) {
                rc = print_error(&err);
                cs_model_free(m);
                cs_scenario_free(s);
                return rc;
            }
            printf("  %s%s%s\n", v->variant, v->hypothesis ? ": " : "",
                   v->hypothesis ? v->hypothesis : "");
            cs_model_free(v);
        }
    }
    cs_model_free(m);
    cs_scenario_free(s);
    return fflush(stdout) == 0 ? 0 : 2;
}

/* ---- trace ------------------------------------------------------------- */

typedef struct trace_ctx {
    FILE *fp;
    const cs_model *m;
} trace_ctx;

static void csv_field(FILE *fp, const char *s)
{
    if (strpbrk(s, ",\"\n\r") == NULL) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

static void trace_line(void *ctx, const cs_trace_event *ev)
{
    const trace_ctx *t = ctx;

    fprintf(t->fp, "%.17g,%llu,", ev->time, (unsigned long long)ev->item);
    csv_field(t->fp, t->m->classes[ev->cls].name);
    fputc(',', t->fp);
    if (ev->team >= 0)
        csv_field(t->fp, t->m->teams[ev->team].name);
    fprintf(t->fp, ",%s\n", ev->event);
}

static int cmd_trace(const options *o)
{
    cs_scenario *s = NULL;
    cs_model *m = NULL;
    cs_engine *e = NULL;
    cs_rep *r = NULL;
    cs_error err;
    const size_t pick[MAX_VARY] = {0};
    long vi = -1;
    sink out;
    int rc = 0;
    double warmup;

    cs_error_clear(&err);
    if (load_point(o, NULL, pick, &s, &err) != CS_OK)
        return print_error(&err);
    if (o->variant != NULL && strcmp(o->variant, "baseline") != 0) {
        vi = cs_scenario_variant_index(s, o->variant);
        if (vi < 0) {
            cs_scenario_free(s);
            return usage_error("no variant named '%s'", o->variant);
        }
    }
    if (cs_scenario_build(s, vi, &m, &err) != CS_OK) {
        rc = print_error(&err);
        goto out;
    }
    warmup = m->warmup_auto ? 0 : m->warmup;
    e = cs_engine_new(m);
    r = cs_rep_new(m);
    if (e == NULL || r == NULL) {
        fprintf(stderr, "chainsim: error: out of memory\n");
        rc = 3;
        goto out;
    }
    install_signals(0);
    if (sink_open(&out, o->output) != 0) {
        fprintf(stderr, "chainsim: error: cannot write '%s': %s\n",
                o->output, strerror(errno));
        rc = 2;
        goto out;
    }
    cs_engine_set_max_items(e, cs_runner_max_items(m));
    trace_ctx tc = {out.fp, m};
    if (!o->no_header)
        fputs("time,item,class,team,event\n", out.fp);
    cs_engine_set_trace(e, trace_line, &tc);
    const cs_status st = cs_engine_run(e, (uint64_t)(o->trace_rep - 1), warmup,
                                       r, &err);
    if (st != CS_OK) {
        sink_close(&out, 0);
        rc = print_error(&err);
        goto out;
    }
    if (sink_close(&out, 1) != 0) {
        fprintf(stderr, "chainsim: error: cannot write '%s': %s\n",
                o->output ? o->output : "standard output", strerror(errno));
        rc = 2;
    }
out:
    cs_rep_free(r);
    cs_engine_free(e);
    cs_model_free(m);
    cs_scenario_free(s);
    return rc;
}

/* ---- run and compare ---------------------------------------------------- */

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

typedef struct plan {
    vary_axis axes[MAX_VARY];
    size_t naxes;
    size_t npoints;
    job *jobs;
    size_t njobs;
    cs_scenario **scenarios;     /* one per point */
    char ***point_values;        /* [npoints][naxes], borrowed from axes */
} plan;

static void plan_free(plan *p)
{
    for (size_t j = 0; j < p->njobs; j++) {
        cs_summary_comparison_free(p->jobs[j].vs);
        cs_summary_free(p->jobs[j].summary);
        cs_model_free(p->jobs[j].model);
    }
    free(p->jobs);
    if (p->scenarios != NULL)
        for (size_t i = 0; i < p->npoints; i++)
            cs_scenario_free(p->scenarios[i]);
    free(p->scenarios);
    if (p->point_values != NULL)
        for (size_t i = 0; i < p->npoints; i++)
            free(p->point_values[i]);
    free(p->point_values);
    axes_free(p->axes, p->naxes);
}

/*
** Builds every model first, so any error in any point or variant is
** reported before anything is simulated.  Returns 0 or an exit code.
*/
static int make_plan(const options *o, plan *p)
{
    cs_error err;
    size_t pick[MAX_VARY] = {0};

    cs_error_clear(&err);
    memset(p, 0, sizeof *p);
    p->npoints = 1;
    for (size_t i = 0; i < o->nvary; i++) {
        if (parse_axis(o->vary[i], &p->axes[i]) != 0)
            return usage_error("--vary '%s': expected PATH=V1,V2,...",
                               o->vary[i]);
        p->naxes++;
        if (p->npoints * p->axes[i].n > MAX_POINTS)
            return usage_error("--vary: more than %d points", MAX_POINTS);
        p->npoints *= p->axes[i].n;
    }
    p->scenarios = calloc(p->npoints, sizeof *p->scenarios);
    p->point_values = calloc(p->npoints, sizeof *p->point_values);
    if (p->scenarios == NULL || p->point_values == NULL)
        return usage_error("out of memory");
    for (size_t pt = 0; pt < p->npoints; pt++) {
        size_t rest = pt;
        cs_scenario *s;
        long first, last;

        for (size_t i = p->naxes; i-- > 0;) {
            pick[i] = rest % p->axes[i].n;
            rest /= p->axes[i].n;
        }
        p->point_values[pt] = calloc(p->naxes + 1, sizeof(char *));
        if (p->point_values[pt] == NULL)
            return usage_error("out of memory");
        for (size_t i = 0; i < p->naxes; i++)
            p->point_values[pt][i] = p->axes[i].values[pick[i]];
        if (load_point(o, p->axes, pick, &p->scenarios[pt], &err) != CS_OK)
            return print_error(&err);
        s = p->scenarios[pt];
        if (o->cmd == CMD_COMPARE) {
            first = -1;
            last = (long)cs_scenario_nvariants(s) - 1;
        } else if (o->variant != NULL && strcmp(o->variant, "baseline") != 0) {
            first = last = cs_scenario_variant_index(s, o->variant);
            if (first < 0) {
                const size_t nv = cs_scenario_nvariants(s);
                fprintf(stderr, "chainsim: error: no variant named '%s'",
                        o->variant);
                if (nv > 0) {
                    fputs(" (variants:", stderr);
                    for (size_t i = 0; i < nv; i++)
                        fprintf(stderr, " %s", cs_scenario_variant_name(s, i));
                    fputc(')', stderr);
                }
                fputc('\n', stderr);
                return EXIT_USAGE;
            }
        } else {
            first = last = -1;
        }
        for (long v = first; v <= last; v++) {
            job *nj = realloc(p->jobs, (p->njobs + 1) * sizeof *nj);
            if (nj == NULL)
                return usage_error("out of memory");
            p->jobs = nj;
            memset(&p->jobs[p->njobs], 0, sizeof *nj);
            p->jobs[p->njobs].point = pt;
            p->jobs[p->njobs].is_base = v < 0;
            if (p->njobs >= MAX_POINTS)
                return usage_error("--vary: more than %d simulations "
                                   "(points x variants)", MAX_POINTS);
            if (cs_scenario_build(s, v, &p->jobs[p->njobs].model, &err) !=
                CS_OK) {
                p->njobs++;
                return print_error(&err);
            }
            /* --independent: the variant's streams keyed by its name too */
            if (o->independent && v >= 0)
                p->jobs[p->njobs].model->seed =
                    cs_stream_key(p->jobs[p->njobs].model->seed,
                                  p->jobs[p->njobs].model->variant);
            p->njobs++;
        }
        /* the models own what they need: free the point's document */
        cs_scenario_free(p->scenarios[pt]);
        p->scenarios[pt] = NULL;
    }
    return 0;
}

static int cmd_run(const options *o)
{
    plan p;
    progress pr;
    cs_error err;
    int rc = make_plan(o, &p);
    size_t ndone = 0;
    struct timespec t0;

    if (rc != 0) {
        plan_free(&p);
        return rc;
    }
    memset(&pr, 0, sizeof pr);
    pr.on = !o->quiet && isatty(STDERR_FILENO);
    pr.njobs = p.njobs;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pr.start = t0;
    if (!o->quiet) {
        const char *paths[MAX_VARY];
        int budget = 20;
        size_t more = 0;
        for (size_t i = 0; i < p.naxes; i++)
            paths[i] = p.axes[i].path;
        for (size_t j = 0; j < p.njobs; j++) {
            warn_unstable(p.jobs[j].model, paths,
                          (const char *const *)p.point_values[p.jobs[j].point],
                          p.naxes, &budget, &more);
            if (p.jobs[j].point == 0)
                warn_long(p.jobs[j].model);
        }
        if (more > 0)
            fprintf(stderr, "chainsim: warning: and %zu more unstable teams "
                    "(in other variants or sweep points)\n", more);
    }
    install_signals(1);

    for (size_t j = 0; j < p.njobs && !g_stop; j++) {
        cs_runner_opts ro;
        cs_status st;

        memset(&ro, 0, sizeof ro);
        ro.threads = o->threads;
        ro.warmup = -1;
        ro.stop = &g_stop;
        if (pr.on) {
            pr.label = p.jobs[j].model->variant;
            pr.job = j;
            ro.progress = show_progress;
            ro.progress_ctx = &pr;
        }
        cs_error_clear(&err);
        st = cs_summary_run(p.jobs[j].model, &ro, &p.jobs[j].summary, &err);
        if (st != CS_OK) {
            clear_progress(&pr);
            cs_error_prefix(&err, p.jobs[j].model->variant);
            rc = print_error(&err);
            plan_free(&p);
            return rc;
        }
        ndone = j + 1;
        if (p.jobs[j].summary->replications == 0)
            ndone = j;
    }
    clear_progress(&pr);

    /* paired comparisons against the baseline of the same point */
    size_t nvariants = 0;
    for (size_t j = 0; j < ndone; j++)
        if (!p.jobs[j].is_base && p.jobs[j].point == 0)
            nvariants++;
    const double level = nvariants > 1 ? 1.0 - 0.05 / (double)nvariants : 0.95;
    for (size_t j = 0; j < ndone; j++) {
        if (p.jobs[j].is_base || o->cmd != CMD_COMPARE)
            continue;
        for (size_t b = 0; b < ndone; b++)
            if (p.jobs[b].is_base && p.jobs[b].point == p.jobs[j].point) {
                p.jobs[j].vs = cs_summary_compare(p.jobs[b].summary,
                                          p.jobs[j].summary, level);
                break;
            }
    }

    cs_report_row *rows = calloc(ndone + 1, sizeof *rows);
    if (rows == NULL) {
        plan_free(&p);
        fprintf(stderr, "chainsim: error: out of memory\n");
        return 3;
    }
    int partial = 0, not_met = 0, uncertain = 0;
    for (size_t j = 0; j < ndone; j++) {
        const cs_summary *s = p.jobs[j].summary;
        rows[j].summary = s;
        rows[j].vs = p.jobs[j].vs;
        rows[j].point = (const char *const *)p.point_values[p.jobs[j].point];
        partial |= s->partial;
        for (int k = 0; k < s->model->npromises; k++) {
            not_met |= s->promises[k].verdict == CS_VERDICT_NOT_MET;
            uncertain |= s->promises[k].verdict == CS_VERDICT_UNCERTAIN;
        }
    }
    partial |= ndone < p.njobs;

    cs_report rep;
    memset(&rep, 0, sizeof rep);
    rep.scenario_file = o->scenario;
    rep.scenario_name = p.jobs[0].model->name;
    rep.command = o->cmd == CMD_COMPARE ? "compare" : "run";
    rep.seed = p.jobs[0].model->seed;
    /* output is identical for any thread count and machine: no timings */
    rep.threads = 0;
    rep.wall_seconds = -1;
    rep.vary = (const char *const *)NULL;
    const char *paths[MAX_VARY];
    for (size_t i = 0; i < p.naxes; i++)
        paths[i] = p.axes[i].path;
    rep.vary = paths;
    rep.nvary = p.naxes;
    rep.rows = rows;
    rep.nrows = ndone;
    rep.no_header = o->no_header;
    rep.partial = partial;
    rep.independent = o->independent;
    rep.color = o->output == NULL && isatty(STDOUT_FILENO) &&
                getenv("NO_COLOR") == NULL;

    sink out;
    if (sink_open(&out, o->output) != 0) {
        fprintf(stderr, "chainsim: error: cannot write '%s': %s\n",
                o->output, strerror(errno));
        free(rows);
        plan_free(&p);
        return 2;
    }
    cs_error_clear(&err);
    const cs_status st = cs_report_write(out.fp, o->format, &rep, &err);
    if (st != CS_OK || sink_close(&out, 1) != 0) {
        if (st != CS_OK)
            sink_close(&out, 0);
        fprintf(stderr, "chainsim: error: cannot write '%s': %s\n",
                o->output ? o->output : "standard output",
                st != CS_OK ? err.msg : strerror(errno));
        rc = 2;
    }
    free(rows);
    plan_free(&p);
    if (rc != 0)
        return rc;
    if (g_stop) {
        fprintf(stderr, partial ? "chainsim: interrupted: the results are "
                                  "partial (marked so in the output)\n"
                                : "chainsim: interrupted after the last "
                                  "replication: the results are "
                                  "complete\n");
        return 128 + (int)g_stop;
    }
    if (o->check_promise) {
        if (uncertain && !o->quiet)
            fprintf(stderr, "chainsim: warning: a promise's verdict is "
                            "uncertain (its confidence interval spans the "
                            "target); more replications may decide it\n");
        if (not_met)
            return EXIT_PROMISE;
    }
    return 0;
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
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("chainsim %s\n", CS_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "run") == 0)
        o.cmd = CMD_RUN;
    else if (strcmp(argv[1], "compare") == 0)
        o.cmd = CMD_COMPARE;
    else if (strcmp(argv[1], "check") == 0)
        o.cmd = CMD_CHECK;
    else if (strcmp(argv[1], "trace") == 0)
        o.cmd = CMD_TRACE;
    else {
        static const char *const cmds[] = {"run", "compare", "check", "trace",
                                           NULL};
        const char *hint = cs_suggest(argv[1], cmds);
        if (hint != NULL)
            return usage_error("unknown command '%s' (did you mean '%s'?)",
                               argv[1], hint);
        return usage_error("unknown command '%s'", argv[1]);
    }
    rc = parse_options(argc, argv, &o);
    if (rc != 0) {
        free(o.sets);
        return rc < 0 ? 0 : rc;
    }
    switch (o.cmd) {
    case CMD_CHECK:
        rc = cmd_check(&o);
        break;
    case CMD_TRACE:
        rc = cmd_trace(&o);
        break;
    case CMD_RUN:
    case CMD_COMPARE:
        rc = cmd_run(&o);
        break;
    }
    free(o.sets);
    return rc;
}
