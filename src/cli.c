/*
** cli.c - the command line parsed from a table of options (cli.h).
**
** Each option_def names the member of cs_cli_options its handler sets (an
** offset), so one handler serves every option of its kind, and the
** commands it applies to: any other command refuses it, so no option is
** ever silently ignored.  Handlers return CS_OK or fill err with the
** exact usage message.
*/
#include "chainsim/cli.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/error.h"
#include "chainsim/report.h"
#include "chainsim/sequential.h"
#include "chainsim/study.h"

typedef struct option_def option_def;

/* Handles an option (v is NULL for one without a value). */
typedef cs_status (*option_fn)(cs_cli_options *o, const option_def *d,
                               const char *v, cs_error *err);

struct option_def {
    const char *name;
    char short_name;           /* '\0' when none */
    int takes_value;
    option_fn handle;
    size_t field;              /* the member the handler sets */
    long hi;                   /* opt_number: from 1 to hi; opt_list: most */
    const char *want;          /* what a bad value's message asks for */
    unsigned cmds;             /* the commands it applies to (CMD_ bits) */
    const char *why;           /* said after a refusal; NULL: nothing */
};

/* cs_cli_command as bits, for option_def.cmds. */
#define CMD_RUN (1u << CS_CLI_RUN)
#define CMD_COMPARE (1u << CS_CLI_COMPARE)
#define CMD_CHECK (1u << CS_CLI_CHECK)
#define CMD_TRACE (1u << CS_CLI_TRACE)
#define CMD_SENS (1u << CS_CLI_SENSITIVITY)
#define CMD_FIT (1u << CS_CLI_FIT)
#define CMD_BACKTEST (1u << CS_CLI_BACKTEST)
#define CMD_MERGE (1u << CS_CLI_MERGE)
#define CMD_SIM (CMD_RUN | CMD_COMPARE | CMD_CHECK | CMD_TRACE | CMD_SENS)
#define CMD_ALL (CMD_SIM | CMD_FIT | CMD_BACKTEST)

#define FIELD(m) offsetof(cs_cli_options, m)
#define MEMBER(o, d, type) ((type *)(void *)((char *)(o) + (d)->field))
#define USAGE(err, ...) cs_error_set(err, CS_EINPUT, NULL, 0, 0, __VA_ARGS__)

static cs_status opt_flag(cs_cli_options *o, const option_def *d,
                          const char *v, cs_error *err)
{
    (void)v, (void)err;
    *MEMBER(o, d, int) = 1;
    return CS_OK;
}

/* A value as given; with d->want, not empty. */
static cs_status opt_text(cs_cli_options *o, const option_def *d,
                          const char *v, cs_error *err)
{
    if (d->want != NULL && *v == '\0')
        return USAGE(err, "--%s needs %s", d->name, d->want);
    *MEMBER(o, d, const char *) = v;
    return CS_OK;
}

/* A scenario value (a duration): not empty and without white space around
** it, which a value in the scenario file could not have either. */
static cs_status opt_value(cs_cli_options *o, const option_def *d,
                           const char *v, cs_error *err)
{
    const size_t n = strlen(v);

    if (n > 0 && (isspace((unsigned char)v[0]) ||
                  isspace((unsigned char)v[n - 1])))
        return USAGE(err, "--%s: '%s' has white space around it", d->name, v);
    return opt_text(o, d, v, err);
}

static cs_status opt_about(cs_cli_options *o, const option_def *d,
                           const char *v, cs_error *err)
{
    (void)v, (void)err;
    o->about = d->short_name == 'h' ? CS_CLI_ABOUT_HELP
                                    : CS_CLI_ABOUT_VERSION;
    return CS_OK;
}

/* A whole decimal number from 1 to d->hi: digits only (strtol alone
** would take white space and a sign in front). */
static cs_status opt_number(cs_cli_options *o, const option_def *d,
                            const char *v, cs_error *err)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(v, &end, 10);
    if (!isdigit((unsigned char)*v) || errno != 0 || *end != '\0' || n < 1 ||
        n > d->hi)
        return USAGE(err, "--%s: '%s' is not a whole number %s", d->name, v,
                     d->want);
    *MEMBER(o, d, long) = n;
    return CS_OK;
}

/* A size: a whole number of bytes or of K, M, G or T (binary: 1K =
** 1024), optionally followed by B or iB ("512M", "4GiB"), from 1M to
** d->hi gigabytes. */
static cs_status opt_bytes(cs_cli_options *o, const option_def *d,
                           const char *v, cs_error *err)
{
    static const char units[] = "KMGT";
    const char *u;
    char *end;
    unsigned long long n;
    int shift = 0;

    errno = 0;
    n = strtoull(v, &end, 10);
    if (*end != '\0' && (u = strchr(units, toupper((unsigned char)*end)))
        != NULL) {
        shift = 10 * (int)(u - units + 1);
        end++;
        if (*end == 'i')
            end++;
        if (*end == 'B' || *end == 'b')
            end++;
    } else if (*end == 'B' || *end == 'b') {
        end++;
    }
    if (*v < '0' || *v > '9' || errno != 0 || *end != '\0' ||
        n > ((unsigned long long)d->hi << 30) >> shift ||
        (n << shift) < (1ull << 20))
        return USAGE(err, "--%s: '%s' is not a size %s", d->name, v,
                     d->want);
    *MEMBER(o, d, size_t) = (size_t)(n << shift);
    return CS_OK;
}

static cs_status opt_seed(cs_cli_options *o, const option_def *d,
                          const char *v, cs_error *err)
{
    char *end;

    errno = 0;
    (void)strtoull(v, &end, 10);
    if (!isdigit((unsigned char)*v) || *end != '\0' || errno != 0)
        return USAGE(err, "--%s: '%s' is not a whole number >= 0", d->name,
                     v);
    return opt_text(o, d, v, err);
}

/* A PATH=... argument appended to a list of at most d->hi (0: any). */
static cs_status opt_list(cs_cli_options *o, const option_def *d,
                          const char *v, cs_error *err)
{
    cs_cli_list *l = MEMBER(o, d, cs_cli_list);
    const char **grown;

    if (strchr(v, '=') == NULL)
        return USAGE(err, "--%s '%s': expected %s", d->name, v, d->want);
    if (d->hi > 0 && l->n >= (size_t)d->hi)
        return USAGE(err, "at most %ld --%s options", d->hi, d->name);
    if ((grown = realloc(l->v, (l->n + 1) * sizeof *grown)) == NULL)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    l->v = grown;
    l->v[l->n++] = v;
    return CS_OK;
}

/* A positive finite number: digits with an optional fraction (no sign,
** exponent or white space); *end is where it stopped.  -1 when none. */
static double positive_number(const char *v, const char **end)
{
    const char *p = v;
    char *e;
    double x;

    while (isdigit((unsigned char)*p) || *p == '.')
        p++;
    if (p == v || *p == 'e' || *p == 'E' || !isdigit((unsigned char)
                                                    (*v == '.' ? v[1] : *v)))
        return -1;
    errno = 0;
    x = strtod(v, &e);
    *end = e;
    return errno == 0 && isfinite(x) && x > 0 ? x : -1;
}

/* --precision X: a half-width in the measure's unit (0.01 for a share,
** 0.5 for days of lead time), or X% of the mean (0 < X < 100). */
static cs_status opt_precision(cs_cli_options *o, const option_def *d,
                               const char *v, cs_error *err)
{
    const char *end = v;
    const double x = positive_number(v, &end);
    const int rel = x > 0 && *end == '%';

    if (x > 0 && (rel ? end[1] == '\0' && x < 100 : *end == '\0')) {
        o->seq.mode = CS_STUDY_PRECISION;
        o->seq.precision = rel ? x / 100.0 : x;
        o->seq.relative = rel;
        return CS_OK;
    }
    return USAGE(err, "--%s: '%s' is not %s", d->name, v, d->want);
}

/* --indifference DELTA: a positive number (points of a share, or days). */
static cs_status opt_positive(cs_cli_options *o, const option_def *d,
                              const char *v, cs_error *err)
{
    const char *end = v;
    const double x = positive_number(v, &end);

    if (!(x > 0) || *end != '\0')
        return USAGE(err, "--%s: '%s' is not %s", d->name, v, d->want);
    *MEMBER(o, d, double) = x;
    return CS_OK;
}

static cs_status opt_format(cs_cli_options *o, const option_def *d,
                            const char *v, cs_error *err)
{
    const int f = cs_report_format_parse(v);

    if (f < 0)
        return USAGE(err, "--%s: '%s' is not one of %s", d->name, v,
                     d->want);
    o->format = (cs_format)f;
    return CS_OK;
}

/* --shard K/N: whole numbers, 1 <= K <= N <= CS_CLI_MAX_SHARDS. */
static cs_status opt_shard(cs_cli_options *o, const option_def *d,
                           const char *v, cs_error *err)
{
    const char *slash = strchr(v, '/');
    char *end;
    long k, n;

    if (slash == NULL || !isdigit((unsigned char)v[0]) ||
        !isdigit((unsigned char)slash[1]))
        return USAGE(err, "--%s: '%s' is not K/N (e.g. 3/8)", d->name, v);
    errno = 0;
    k = strtol(v, &end, 10);
    if (end != slash || errno != 0)
        return USAGE(err, "--%s: '%s' is not K/N (e.g. 3/8)", d->name, v);
    n = strtol(slash + 1, &end, 10);
    if (*end != '\0' || errno != 0)
        return USAGE(err, "--%s: '%s' is not K/N (e.g. 3/8)", d->name, v);
    if (n < 1 || n > d->hi || k < 1 || k > n)
        return USAGE(err, "--%s: '%s': K/N needs 1 <= K <= N <= %ld",
                     d->name, v, d->hi);
    o->shard_k = k;
    o->shard_n = n;
    return CS_OK;
}

/* In this order in "did you mean" hints. */
static const option_def option_table[] = {
    {"replications", 'n', 1, opt_number, FIELD(set.replications),
     CS_SCENARIO_MAX_REPLICATIONS, "from 1 to 1000000",
     CMD_RUN | CMD_COMPARE | CMD_CHECK | CMD_SENS | CMD_BACKTEST,
     "trace runs one replication: -r K picks it"},
    {"seed", 's', 1, opt_seed, FIELD(set.seed), 0, NULL,
     CMD_SIM | CMD_BACKTEST, NULL},
    {"threads", 'j', 1, opt_number, FIELD(threads), 1024, "from 1 to 1024",
     CMD_RUN | CMD_COMPARE | CMD_SENS, NULL},
    {"max-memory", '\0', 1, opt_bytes, FIELD(max_memory), 1 << 20,
     "from 1M to 1024T (e.g. 512M, 4G)", CMD_RUN | CMD_COMPARE | CMD_SENS,
     NULL},
    {"horizon", '\0', 1, opt_value, FIELD(set.horizon), 0, "a duration",
     CMD_SIM, NULL},
    {"warmup", '\0', 1, opt_value, FIELD(set.warmup), 0, "a duration or auto",
     CMD_SIM, NULL},
    {"timeline", '\0', 1, opt_value, FIELD(set.timeline), 0, "a duration",
     CMD_RUN | CMD_COMPARE, NULL},
    {"variant", '\0', 1, opt_text, FIELD(variant), 0, NULL,
     CMD_RUN | CMD_CHECK | CMD_TRACE, "compare runs every variant"},
    {"set", '\0', 1, opt_list, FIELD(sets), 0, "PATH=VALUE",
     CMD_SIM | CMD_BACKTEST, NULL},
    {"vary", '\0', 1, opt_list, FIELD(vary), CS_STUDY_MAX_VARY,
     "PATH=V1,V2,...", CMD_RUN | CMD_COMPARE, NULL},
    {"format", 'f', 1, opt_format, 0, 0, "table, csv, json",
     CMD_RUN | CMD_COMPARE | CMD_TRACE | CMD_SENS | CMD_FIT | CMD_BACKTEST |
         CMD_MERGE,
     "check prints a summary"},
    {"no-header", '\0', 0, opt_flag, FIELD(no_header), 0, NULL,
     CMD_RUN | CMD_COMPARE | CMD_TRACE | CMD_SENS | CMD_MERGE, NULL},
    {"output", 'o', 1, opt_text, FIELD(output), 0, "a file name",
     CMD_ALL | CMD_MERGE, NULL},
    {"per-replication", '\0', 0, opt_flag, FIELD(per_replication), 0, NULL,
     CMD_RUN | CMD_COMPARE, NULL},
    {"report", '\0', 1, opt_text, FIELD(report), 0, "a file name",
     CMD_RUN | CMD_COMPARE | CMD_SENS | CMD_MERGE, NULL},
    {"check-promise", '\0', 0, opt_flag, FIELD(check_promise), 0, NULL,
     CMD_RUN | CMD_COMPARE | CMD_MERGE, NULL},
    {"shard", '\0', 1, opt_shard, 0, CS_CLI_MAX_SHARDS, NULL,
     CMD_RUN | CMD_COMPARE, NULL},
    {"independent", '\0', 0, opt_flag, FIELD(independent), 0, NULL,
     CMD_COMPARE, NULL},
    {"precision", '\0', 1, opt_precision, 0, 0,
     "a positive half-width (e.g. 0.01) or a percentage of the mean "
     "below 100% (e.g. 2%)", CMD_RUN | CMD_COMPARE, NULL},
    {"max-replications", '\0', 1, opt_number, FIELD(max_replications),
     CS_SCENARIO_MAX_REPLICATIONS, "from 1 to 1000000",
     CMD_RUN | CMD_COMPARE, NULL},
    {"select", '\0', 0, opt_flag, FIELD(select), 0, NULL, CMD_COMPARE,
     "run simulates one variant"},
    {"indifference", '\0', 1, opt_positive, FIELD(seq.indifference), 0,
     "a positive number (points of the promise's share, or days)",
     CMD_COMPARE, NULL},
    {"replication", 'r', 1, opt_number, FIELD(trace_rep), 100000000, ">= 1",
     CMD_TRACE, NULL},
    {"max-events", '\0', 1, opt_number, FIELD(max_events),
     CS_CLI_MAX_EVENTS_MOST, "from 1 to 2000000000", CMD_TRACE, NULL},
    {"map", '\0', 1, opt_text, FIELD(map), 0, "a file name",
     CMD_FIT | CMD_BACKTEST, NULL},
    {"from", '\0', 1, opt_text, FIELD(from), 0, "a date", CMD_BACKTEST,
     NULL},
    {"to", '\0', 1, opt_text, FIELD(to), 0, "a date", CMD_BACKTEST, NULL},
    {"quiet", 'q', 0, opt_flag, FIELD(quiet), 0, NULL, CMD_ALL | CMD_MERGE,
     NULL},
    {"help", 'h', 0, opt_about, 0, 0, NULL, CMD_ALL | CMD_MERGE, NULL},
    {"version", '\0', 0, opt_about, 0, 0, NULL, CMD_ALL | CMD_MERGE, NULL},
};
#define NOPTIONS (sizeof option_table / sizeof option_table[0])
_Static_assert(NOPTIONS <= 32, "a bit per option in an unsigned long");

/* The option that "--name[=VALUE]" (the name cut to 31 bytes) or
** "-xVALUE" names, or NULL after filling err. */
static const option_def *find_option(const char *a, const char **value,
                                     cs_error *err)
{
    const char *names[NOPTIONS + 1], *eq, *hint;
    char name[32];

    for (size_t k = 0; k < NOPTIONS && a[1] != '-'; k++)
        if (option_table[k].short_name == a[1]) {
            *value = a[2] != '\0' ? a + 2 : NULL;
            return &option_table[k];
        }
    if (a[1] != '-') {
        USAGE(err, "unknown option '%s'", a);
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
        USAGE(err, "unknown option '--%s' (did you mean '--%s'?)", name, hint);
    else
        USAGE(err, "unknown option '--%s'", name);
    return NULL;
}

/* argv[1]: a command, or --help, -h, help or --version. */
static cs_status parse_command(cs_cli_options *o, const char *a,
                               cs_error *err)
{
    static const char *const cmds[] = {"run", "compare", "check", "trace",
                                       "sensitivity", "fit", "backtest",
                                       "merge", NULL};
    const char *hint;

    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 ||
        strcmp(a, "help") == 0 || strcmp(a, "--version") == 0) {
        o->about = a[2] == 'v' ? CS_CLI_ABOUT_VERSION : CS_CLI_ABOUT_HELP;
        return CS_OK;
    }
    for (int c = CS_CLI_RUN; c <= CS_CLI_MERGE; c++)
        if (strcmp(a, cmds[c]) == 0) {
            o->cmd = (cs_cli_command)c;
            return CS_OK;
        }
    if ((hint = cs_error_suggest(a, cmds)) != NULL)
        return USAGE(err, "unknown command '%s' (did you mean '%s'?)", a,
                     hint);
    return USAGE(err, "unknown command '%s'", a);
}

/* An argument that is not an option: the scenario, given once; merge's
** PART files, as many as given. */
static cs_status take_operand(cs_cli_options *o, const char *a, cs_error *err)
{
    if (o->cmd == CS_CLI_MERGE) {
        const char **grown = realloc(o->parts.v,
                                     (o->parts.n + 1) * sizeof *grown);
        if (grown == NULL)
            return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
        o->parts.v = grown;
        o->parts.v[o->parts.n++] = a;
        if (o->scenario == NULL)
            o->scenario = a;
        return CS_OK;
    }
    if (o->cmd == CS_CLI_FIT) {
        if (o->tracker != NULL)
            return USAGE(err, "unexpected argument '%s' (the tracker export "
                         "is '%s')", a, o->tracker);
        o->tracker = a;
        return CS_OK;
    }
    if (o->cmd == CS_CLI_BACKTEST && o->scenario != NULL) {
        if (o->tracker != NULL)
            return USAGE(err, "unexpected argument '%s' (the tracker export "
                         "is '%s')", a, o->tracker);
        o->tracker = a;
        return CS_OK;
    }
    if (o->scenario != NULL)
        return USAGE(err, "unexpected argument '%s' (the scenario is '%s')",
                     a, o->scenario);
    o->scenario = a;
    return CS_OK;
}

/* Runs d's handler on the option at argv[*i] (value v when attached, else
** the next argument, which *i then moves past). */
static cs_status take_option(cs_cli_options *o, const option_def *d,
                             const char *v, int argc, char **argv, int *i,
                             cs_error *err)
{
    if (!d->takes_value)
        return d->handle(o, d, NULL, err);
    if (v == NULL && (v = *i + 1 < argc ? argv[++*i] : NULL) == NULL)
        return USAGE(err, "option '--%s' needs a value", d->name);
    return d->handle(o, d, v, err);
}

/* argv[2..]: the scenario and the options, up to --help or --version; "--"
** ends the options (what follows is an operand even if it starts with
** '-').  *given gets bit k for each option_table[k] given. */
static cs_status parse_options(cs_cli_options *o, int argc, char **argv,
                               unsigned long *given, cs_error *err)
{
    int operands = 0;

    for (int i = 2; i < argc && o->about == CS_CLI_ABOUT_NONE; i++) {
        const char *a = argv[i], *v = NULL;
        const option_def *d;
        cs_status st;

        if (!operands && strcmp(a, "--") == 0) {
            operands = 1;
            continue;
        }
        if (operands || a[0] != '-' || a[1] == '\0')
            st = take_operand(o, a, err);
        else if ((d = find_option(a, &v, err)) == NULL)
            return CS_EINPUT;
        else {
            *given |= 1ul << (d - option_table);
            st = take_option(o, d, v, argc, argv, &i, err);
        }
        if (st != CS_OK)
            return st;
    }
    return CS_OK;
}

/* The commands of mask in words, as "run, compare and check". */
static void command_words(unsigned mask, char *buf, size_t size)
{
    static const char *const cmds[] = {"run", "compare", "check", "trace",
                                       "sensitivity", "fit", "backtest", "merge"};
    int n = 0, k = 0;
    size_t len = 0;

    for (int c = CS_CLI_RUN; c <= CS_CLI_MERGE; c++)
        n += ((mask >> c) & 1u) != 0;
    buf[0] = '\0';
    for (int c = CS_CLI_RUN; c <= CS_CLI_MERGE && len < size; c++) {
        int w;

        if (!((mask >> c) & 1u))
            continue;
        k++;
        w = snprintf(buf + len, size - len, "%s%s",
                     k == 1 ? "" : k == n ? " and " : ", ", cmds[c]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
}

/* Whether the option called name is in given. */
static int was_given(unsigned long given, const char *name)
{
    for (size_t k = 0; k < NOPTIONS; k++)
        if (strcmp(option_table[k].name, name) == 0)
            return (int)((given >> k) & 1ul);
    return 0;
}

/* Every option given applies to the command. */
static cs_status check_applies(const cs_cli_options *o, unsigned long given,
                               cs_error *err)
{
    for (size_t k = 0; k < NOPTIONS; k++) {
        const option_def *d = &option_table[k];
        char words[64];

        if (!((given >> k) & 1ul) || ((d->cmds >> o->cmd) & 1u))
            continue;
        command_words(d->cmds, words, sizeof words);
        if (d->why != NULL)
            return USAGE(err, "--%s is for %s; %s", d->name, words, d->why);
        return USAGE(err, "--%s is for %s", d->name, words);
    }
    return CS_OK;
}

/* --precision, --select and what goes with them; fills o->seq. */
static cs_status check_sequential(cs_cli_options *o, unsigned long given,
                                  cs_error *err)
{
    const int prec = o->seq.mode == CS_STUDY_PRECISION;
    const long n = o->set.replications;

    if (prec && o->select)
        return USAGE(err, "--precision and --select both decide how many "
                          "replications to run; give one");
    if (was_given(given, "indifference") && !o->select)
        return USAGE(err, "--indifference is for --select");
    if (o->max_replications > 0 && !prec && !o->select)
        return USAGE(err, "--max-replications caps --precision and "
                          "--select");
    if (o->select && o->vary.n > 0)
        return USAGE(err, "--select selects among the variants of one "
                          "scenario; leave out --vary");
    if (!prec && !o->select)
        return CS_OK;
    if (o->select)
        o->seq.mode = CS_STUDY_SELECT;
    if (n > 0 && n < (prec ? (long)CS_SEQUENTIAL_MIN_PRECISION
                           : (long)CS_SEQUENTIAL_MIN_STAGE))
        return USAGE(err, "-n with %s is the first stage: at least %u "
                     "replications", prec ? "--precision" : "--select",
                     prec ? CS_SEQUENTIAL_MIN_PRECISION
                          : CS_SEQUENTIAL_MIN_STAGE);
    if (o->max_replications > 0 && n > o->max_replications)
        return USAGE(err, "-n %ld is above --max-replications %ld", n,
                     o->max_replications);
    if (o->max_replications > 0 && n <= 0 &&
        o->max_replications < (long)CS_SEQUENTIAL_FIRST_STAGE)
        return USAGE(err, "--max-replications %ld is below the first stage "
                     "of %u replications (-n sets it)", o->max_replications,
                     CS_SEQUENTIAL_FIRST_STAGE);
    o->seq.first_stage = n > 0 ? (unsigned)n : 0;
    o->seq.max_replications = (unsigned)o->max_replications;
    return CS_OK;
}

/* The rules between the command and the options. */
static cs_status check_combination(const cs_cli_options *o,
                                   unsigned long given, cs_error *err)
{
    const int run = o->cmd == CS_CLI_RUN || o->cmd == CS_CLI_COMPARE ||
                    o->cmd == CS_CLI_SENSITIVITY;
    cs_status st;

    if (o->cmd == CS_CLI_FIT && o->tracker == NULL)
        return USAGE(err, "missing the TRACKER.csv export");
    if (o->cmd != CS_CLI_FIT && o->scenario == NULL)
        return USAGE(err, o->cmd == CS_CLI_MERGE ? "missing the PART files"
                                                 : "missing the SCENARIO file");
    if (o->cmd == CS_CLI_BACKTEST && o->tracker == NULL)
        return USAGE(err, "missing the TRACKER.csv export (backtest SCENARIO "
                          "TRACKER.csv)");
    if ((st = check_applies(o, given, err)) != CS_OK)
        return st;
    if ((o->cmd == CS_CLI_FIT || o->cmd == CS_CLI_BACKTEST) &&
        o->map == NULL)
        return USAGE(err, "%s needs the stage map: --map MAP.yaml",
                     o->cmd == CS_CLI_FIT ? "fit" : "backtest");
    if (o->cmd == CS_CLI_BACKTEST && o->from == NULL)
        return USAGE(err, "backtest needs --from DATE: the day the "
                          "simulation starts from the board");
    if ((o->cmd == CS_CLI_FIT || o->cmd == CS_CLI_BACKTEST) &&
        o->format == CS_FORMAT_CSV)
        return USAGE(err, "--format: %s writes a table or JSON (-f table, "
                          "-f json)",
                     o->cmd == CS_CLI_FIT ? "fit" : "backtest");
    if (o->shard_n > 0) {
        static const char *const out_opts[] = {"format", "no-header",
                                               "report", "check-promise"};
        for (size_t k = 0; k < sizeof out_opts / sizeof *out_opts; k++)
            if (was_given(given, out_opts[k]))
                return USAGE(err, "--%s is for merge: --shard writes a part "
                             "file, which merge turns into results",
                             out_opts[k]);
    }
    if (o->cmd == CS_CLI_MERGE && o->no_header && o->format != CS_FORMAT_CSV)
        return USAGE(err, "--no-header is for CSV output (-f csv) and trace");
    if (o->cmd == CS_CLI_TRACE && was_given(given, "format") &&
        o->format != CS_FORMAT_CSV)
        return USAGE(err, "--format: trace writes CSV only (-f csv)");
    if (run && o->no_header && o->format != CS_FORMAT_CSV)
        return USAGE(err, "--no-header is for CSV output (-f csv) and trace");
    if (o->per_replication && o->format == CS_FORMAT_TABLE &&
        o->shard_n == 0)
        return USAGE(err, "--per-replication writes CSV or JSON records "
                          "(-f csv or -f json)");
    if (o->report != NULL && o->output != NULL &&
        strcmp(o->report, o->output) == 0)
        return USAGE(err, "--report and --output name the same file '%s'",
                     o->report);
    return CS_OK;
}

void cs_cli_init(cs_cli_options *o)
{
    memset(o, 0, sizeof *o);
    o->set.replications = -1;
    o->trace_rep = 1;
    o->max_events = CS_CLI_MAX_EVENTS;
}

cs_status cs_cli_parse(cs_cli_options *o, int argc, char **argv,
                       cs_error *err)
{
    unsigned long given = 0;
    cs_status st;

    assert(argc >= 2);
    o->argc = argc;
    o->argv = argv;
    if ((st = parse_command(o, argv[1], err)) != CS_OK ||
        o->about != CS_CLI_ABOUT_NONE)
        return st;
    if ((st = parse_options(o, argc, argv, &given, err)) != CS_OK ||
        o->about != CS_CLI_ABOUT_NONE)
        return st;
    o->set.sets = (const char *const *)o->sets.v;
    o->set.nsets = o->sets.n;
    if ((st = check_combination(o, given, err)) != CS_OK ||
        (st = check_sequential(o, given, err)) != CS_OK)
        return st;
    /* a shard holds a fixed share of a fixed number of replications */
    if (o->shard_n > 0 && o->seq.mode != CS_STUDY_FIXED)
        return USAGE(err, "--shard runs a fixed number of replications: not "
                          "with --%s", o->seq.mode == CS_STUDY_PRECISION
                                           ? "precision" : "select");
    return CS_OK;
}

void cs_cli_fini(cs_cli_options *o)
{
    free(o->sets.v);
    free(o->vary.v);
    free(o->parts.v);
    o->sets.v = o->vary.v = o->parts.v = NULL;
    o->sets.n = o->vary.n = o->parts.n = 0;
}
