/*
** cli.h - the chainsim command line: COMMAND SCENARIO [options] parsed into
** a plain record.  Nothing here prints: main.c prints --help and --version
** and every error.
**
** Invariants: once cs_cli_parse returned CS_OK with about ==
** CS_CLI_ABOUT_NONE, scenario is set, set.sets/set.nsets are the --set
** arguments in order, and every option given applies to the command
** (--variant not with compare or sensitivity, --vary only with run and
** compare, --threads only with run, compare and sensitivity, --independent
** and --select only with compare, --precision and --max-replications only
** with run and compare, -r and --max-events only with trace, --shard only
** with run and compare and without the options of the output (which are
** merge's), merge with its PART files in parts and scenario the first of
** them, --format not with check and only csv with trace, --no-header only
** with csv output or trace, ...).  fit takes one operand, the tracker
** export (in tracker; scenario is NULL) and needs --map; backtest takes
** SCENARIO TRACKER and needs --map and --from; both write table or json.
** Every string in the record is borrowed from argv.
*/
#ifndef CHAINSIM_CLI_H
#define CHAINSIM_CLI_H

#include <stddef.h>

#include "chainsim/error.h"
#include "chainsim/report.h"
#include "chainsim/study.h"

/* trace: events logged at most, by default and at most (--max-events). */
#define CS_CLI_MAX_EVENTS 10000000L
#define CS_CLI_MAX_EVENTS_MOST 2000000000L

typedef enum cs_cli_command {
    CS_CLI_RUN, CS_CLI_COMPARE, CS_CLI_CHECK, CS_CLI_TRACE,
    CS_CLI_SENSITIVITY, CS_CLI_FIT, CS_CLI_BACKTEST, CS_CLI_MERGE
} cs_cli_command;

/* --shard K/N: N at most this. */
#define CS_CLI_MAX_SHARDS 1000000L

/* --help or --version: the parse stopped there; main prints and exits 0. */
typedef enum cs_cli_about {
    CS_CLI_ABOUT_NONE, CS_CLI_ABOUT_HELP, CS_CLI_ABOUT_VERSION
} cs_cli_about;

typedef struct cs_cli_list {   /* --set and --vary arguments, in order */
    const char **v;            /* owned by the record; strings borrowed */
    size_t n;
} cs_cli_list;

typedef struct cs_cli_options {
    cs_cli_command cmd;
    cs_cli_about about;
    const char *scenario, *variant, *output;
    const char *tracker;       /* fit: the operand; backtest: the second */
    const char *map;           /* fit, backtest: --map MAP.yaml */
    const char *from, *to;     /* backtest: --from DATE, --to DATE */
    const char *report;        /* --report FILE.html, or NULL */
    int argc;                  /* the command line, for the report */
    char **argv;
    cs_study_settings set;     /* set.sets is sets.v once parsed */
    cs_cli_list sets, vary;
    long threads;              /* 0 = all cores */
    size_t max_memory;         /* bytes; 0 = cs_runner_default_max_bytes() */
    long trace_rep;            /* 1-based */
    long max_events;           /* trace: the most events written */
    cs_format format;
    int no_header, check_promise, independent, quiet;
    int per_replication;       /* records per replication (csv, json) */
    cs_study_seq seq;          /* --precision, --select, --indifference,
                                  --max-replications; -n is the first
                                  stage then */
    long max_replications;     /* 0: not given */
    int select;
    long shard_k, shard_n;     /* --shard K/N; 0 when not given */
    cs_cli_list parts;         /* merge: the PART files (v[i] borrowed) */
} cs_cli_options;

/* Sets o to the defaults (the scenario's replications, trace replication
** 1 and at most CS_CLI_MAX_EVENTS events, table format, all cores).
** Cannot fail. */
void cs_cli_init(cs_cli_options *o);

/*
** Parses argv[1] (a command, or --help, -h, help, --version) and argv[2..]
** into o, which cs_cli_init prepared; argc must be at least 2.  Borrows
** argv for o's lifetime.  --help or --version (as argv[1] or an option)
** stops the parse with CS_OK and o->about set; "--" ends the options (the
** arguments after it are operands).  Numbers are digits only (no sign, no
** white space).  Errors: CS_EINPUT with the usage message (unlocated, e.g.
** "unknown option '--sed' (did you mean '--seed'?)", "option '--seed'
** needs a value", "missing the SCENARIO file", "--threads is for run and
** compare"); CS_ENOMEM, "out of memory".  Free o with cs_cli_fini either
** way.
*/
cs_status cs_cli_parse(cs_cli_options *o, int argc, char **argv,
                       cs_error *err);

/* Frees what o owns (the --set and --vary lists).  Cannot fail. */
void cs_cli_fini(cs_cli_options *o);

#endif /* CHAINSIM_CLI_H */
