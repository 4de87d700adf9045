/*
** test_cli.c - the command-line parser: every option in both spellings, the
** values each one refuses, missing values, unknown options and commands
** with their "did you mean" hints, --help and --version stopping the
** parse, and the rules between the command and the options.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/cli.h"
#include "chainsim/error.h"
#include "chainsim/report.h"
#include "chainsim/study.h"

#define MAXARGS 48

/* A writable argv that outlives the parse (the record borrows it). */
typedef struct args {
    char buf[MAXARGS][64];
    char *argv[MAXARGS + 1];
    int argc;
} args;

/* Parses "chainsim" followed by the NULL-terminated words into o. */
static cs_status parse(args *a, cs_cli_options *o, cs_error *e,
                       const char *const *words)
{
    a->argc = 0;
    a->argv[a->argc++] = strcpy(a->buf[0], "chainsim");
    for (size_t i = 0; words[i] != NULL; i++) {
        ck_assert_int_lt(a->argc, MAXARGS);
        ck_assert_uint_lt(strlen(words[i]), sizeof a->buf[0]);
        a->argv[a->argc] = strcpy(a->buf[a->argc], words[i]);
        a->argc++;
    }
    a->argv[a->argc] = NULL;
    cs_cli_init(o);
    cs_error_clear(e);
    return cs_cli_parse(o, a->argc, a->argv, e);
}

/* The parse fails with CS_EINPUT and exactly msg. */
static void refused(const char *const *words, const char *msg)
{
    args a;
    cs_cli_options o;
    cs_error e;

    ck_assert_int_eq(parse(&a, &o, &e, words), CS_EINPUT);
    ck_assert_int_eq(e.status, CS_EINPUT);
    ck_assert_int_eq(e.line, 0);
    ck_assert_str_eq(e.file, "");
    ck_assert_str_eq(e.msg, msg);
    cs_cli_fini(&o);
}

START_TEST(test_defaults)
{
    static const char *const w[] = {"run", "a.yaml", NULL};
    args a;
    cs_cli_options o;
    cs_error e;

    ck_assert_int_eq(parse(&a, &o, &e, w), CS_OK);
    ck_assert_int_eq(o.cmd, CS_CLI_RUN);
    ck_assert_int_eq(o.about, CS_CLI_ABOUT_NONE);
    ck_assert_str_eq(o.scenario, "a.yaml");
    ck_assert_ptr_null(o.variant);
    ck_assert_ptr_null(o.output);
    ck_assert_int_eq(o.set.replications, -1);
    ck_assert_ptr_null(o.set.seed);
    ck_assert_ptr_null(o.set.horizon);
    ck_assert_ptr_null(o.set.warmup);
    ck_assert_ptr_null(o.set.timeline);
    ck_assert_uint_eq(o.set.nsets, 0);
    ck_assert_uint_eq(o.vary.n, 0);
    ck_assert_int_eq(o.threads, 0);
    ck_assert_int_eq(o.trace_rep, 1);
    ck_assert_int_eq(o.max_events, CS_CLI_MAX_EVENTS);
    ck_assert_int_eq(o.format, CS_FORMAT_TABLE);
    ck_assert_int_eq(o.no_header | o.check_promise | o.independent | o.quiet,
                     0);
    cs_cli_fini(&o);
}
END_TEST

START_TEST(test_commands)
{
    static const char *const names[] = {"run", "compare", "check", "trace"};
    static const cs_cli_command cmds[] = {CS_CLI_RUN, CS_CLI_COMPARE,
                                          CS_CLI_CHECK, CS_CLI_TRACE};

    for (size_t i = 0; i < 4; i++) {
        const char *const w[] = {names[i], "a.yaml", NULL};
        args a;
        cs_cli_options o;
        cs_error e;

        ck_assert_int_eq(parse(&a, &o, &e, w), CS_OK);
        ck_assert_int_eq(o.cmd, cmds[i]);
        cs_cli_fini(&o);
    }
}
END_TEST

START_TEST(test_long_options)
{
    static const char *const w[] = {
        "run", "--replications", "7", "--seed", "18446744073709551615",
        "--threads", "3", "--horizon", "520d", "--warmup", "auto",
        "--timeline", "4w",
        "--variant", "fast", "--set", "a.b=1", "--set", "c=2", "--vary",
        "x=1,2", "--format", "csv", "--no-header", "--output", "out.json",
        "--check-promise", "--quiet", "s.yaml", NULL};
    args a;
    cs_cli_options o;
    cs_error e;

    ck_assert_int_eq(parse(&a, &o, &e, w), CS_OK);
    ck_assert_str_eq(o.scenario, "s.yaml");
    ck_assert_int_eq(o.set.replications, 7);
    ck_assert_str_eq(o.set.seed, "18446744073709551615");
    ck_assert_int_eq(o.threads, 3);
    ck_assert_str_eq(o.set.horizon, "520d");
    ck_assert_str_eq(o.set.warmup, "auto");
    ck_assert_str_eq(o.set.timeline, "4w");
    ck_assert_str_eq(o.variant, "fast");
    ck_assert_uint_eq(o.set.nsets, 2);
    ck_assert_ptr_eq(o.set.sets, (const char *const *)o.sets.v);
    ck_assert_str_eq(o.set.sets[0], "a.b=1");
    ck_assert_str_eq(o.set.sets[1], "c=2");
    ck_assert_uint_eq(o.vary.n, 1);
    ck_assert_str_eq(o.vary.v[0], "x=1,2");
    ck_assert_int_eq(o.format, CS_FORMAT_CSV);
    ck_assert_int_eq(o.no_header, 1);
    ck_assert_str_eq(o.output, "out.json");
    ck_assert_int_eq(o.check_promise, 1);
    ck_assert_int_eq(o.quiet, 1);
    cs_cli_fini(&o);
}
END_TEST

START_TEST(test_short_and_attached)
{
    static const char *const w[] = {
        "trace", "-s9", "-fcsv", "-o", "t.csv", "-r", "5", "-q",
        "--horizon=30d", "--set=x=1", "--max-events=7", "--no-header",
        "t.yaml", NULL};
    static const char *const r[] = {"run", "-n", "4", "-j", "2", "r.yaml",
                                    NULL};
    static const char *const c[] = {"compare", "c.yaml", "--independent",
                                    NULL};
    args a;
    cs_cli_options o;
    cs_error e;

    ck_assert_int_eq(parse(&a, &o, &e, w), CS_OK);
    ck_assert_int_eq(o.cmd, CS_CLI_TRACE);
    ck_assert_str_eq(o.set.seed, "9");
    ck_assert_int_eq(o.format, CS_FORMAT_CSV);
    ck_assert_str_eq(o.output, "t.csv");
    ck_assert_int_eq(o.trace_rep, 5);
    ck_assert_int_eq(o.max_events, 7);
    ck_assert_int_eq(o.no_header, 1);
    ck_assert_int_eq(o.quiet, 1);
    ck_assert_str_eq(o.set.horizon, "30d");
    ck_assert_str_eq(o.set.sets[0], "x=1");
    cs_cli_fini(&o);
    ck_assert_int_eq(parse(&a, &o, &e, r), CS_OK);
    ck_assert_int_eq(o.set.replications, 4);
    ck_assert_int_eq(o.threads, 2);
    cs_cli_fini(&o);
    ck_assert_int_eq(parse(&a, &o, &e, c), CS_OK);
    ck_assert_int_eq(o.independent, 1);
    cs_cli_fini(&o);
    /* "-" is the scenario (standard input), not an option */
    {
        static const char *const d[] = {"check", "-", NULL};
        ck_assert_int_eq(parse(&a, &o, &e, d), CS_OK);
        ck_assert_str_eq(o.scenario, "-");
        cs_cli_fini(&o);
    }
}
END_TEST

START_TEST(test_bad_values)
{
    static const char *const n0[] = {"run", "a", "-n", "0", NULL};
    static const char *const nbig[] = {"run", "a", "-n", "1000001", NULL};
    static const char *const nx[] = {"run", "a", "--replications=5x", NULL};
    static const char *const j[] = {"run", "a", "-j", "1025", NULL};
    static const char *const r[] = {"trace", "a", "-r", "", NULL};
    static const char *const s1[] = {"run", "a", "--seed", "-1", NULL};
    static const char *const s2[] = {"run", "a", "--seed",
                                     "99999999999999999999", NULL};
    static const char *const f[] = {"run", "a", "-f", "xml", NULL};
    static const char *const o[] = {"run", "a", "-o", "", NULL};
    static const char *const set[] = {"run", "a", "--set", "x", NULL};
    static const char *const vary[] = {"run", "a", "--vary", "x", NULL};
    static const char *const sp1[] = {"run", "a", "-n", "5 ", NULL};
    static const char *const sp2[] = {"run", "a", "-n", " 5", NULL};
    static const char *const plus[] = {"run", "a", "-j", "+2", NULL};
    static const char *const sp3[] = {"trace", "a", "-r", "\t3", NULL};
    static const char *const sp4[] = {"run", "a", "--seed", " 5", NULL};
    static const char *const sp5[] = {"run", "a", "--seed", "+5", NULL};
    static const char *const sp6[] = {"run", "a", "--seed", " -1", NULL};
    static const char *const h1[] = {"run", "a", "--horizon", "", NULL};
    static const char *const h2[] = {"run", "a", "--horizon", "10d ", NULL};
    static const char *const w1[] = {"run", "a", "--warmup", " auto", NULL};
    static const char *const t1[] = {"run", "a", "--timeline", "", NULL};
    static const char *const t2[] = {"compare", "a", "--timeline", " 4w",
                                     NULL};
    static const char *const me[] = {"trace", "a", "--max-events", "0",
                                     NULL};

    refused(n0, "--replications: '0' is not a whole number from 1 to "
                "1000000");
    refused(nbig, "--replications: '1000001' is not a whole number from 1 "
                  "to 1000000");
    refused(nx, "--replications: '5x' is not a whole number from 1 to "
                "1000000");
    refused(j, "--threads: '1025' is not a whole number from 1 to 1024");
    refused(r, "--replication: '' is not a whole number >= 1");
    refused(s1, "--seed: '-1' is not a whole number >= 0");
    refused(s2, "--seed: '99999999999999999999' is not a whole number >= 0");
    refused(f, "--format: 'xml' is not one of table, csv, json");
    refused(o, "--output needs a file name");
    refused(set, "--set 'x': expected PATH=VALUE");
    refused(vary, "--vary 'x': expected PATH=V1,V2,...");
    /* numbers are digits only: no white space, no sign */
    refused(sp1, "--replications: '5 ' is not a whole number from 1 to "
                 "1000000");
    refused(sp2, "--replications: ' 5' is not a whole number from 1 to "
                 "1000000");
    refused(plus, "--threads: '+2' is not a whole number from 1 to 1024");
    refused(sp3, "--replication: '\\x093' is not a whole number >= 1");
    refused(sp4, "--seed: ' 5' is not a whole number >= 0");
    refused(sp5, "--seed: '+5' is not a whole number >= 0");
    refused(sp6, "--seed: ' -1' is not a whole number >= 0");
    refused(h1, "--horizon needs a duration");
    refused(h2, "--horizon: '10d ' has white space around it");
    refused(w1, "--warmup: ' auto' has white space around it");
    refused(t1, "--timeline needs a duration");
    refused(t2, "--timeline: ' 4w' has white space around it");
    refused(me, "--max-events: '0' is not a whole number from 1 to "
                "2000000000");
}
END_TEST

START_TEST(test_too_many_vary)
{
    const char *w[2 * CS_STUDY_MAX_VARY + 6];
    char msg[64];
    size_t k = 0;

    w[k++] = "run";
    w[k++] = "a.yaml";
    for (int i = 0; i <= CS_STUDY_MAX_VARY; i++) {
        w[k++] = "--vary";
        w[k++] = "x=1,2";
    }
    w[k] = NULL;
    snprintf(msg, sizeof msg, "at most %d --vary options", CS_STUDY_MAX_VARY);
    refused(w, msg);
    /* exactly the most is fine */
    {
        args a;
        cs_cli_options o;
        cs_error e;

        w[k - 2] = NULL;
        ck_assert_int_eq(parse(&a, &o, &e, w), CS_OK);
        ck_assert_uint_eq(o.vary.n, CS_STUDY_MAX_VARY);
        cs_cli_fini(&o);
    }
}
END_TEST

START_TEST(test_missing_value)
{
    static const char *const s[] = {"run", "a.yaml", "--seed", NULL};
    static const char *const n[] = {"run", "a.yaml", "-n", NULL};
    static const char *const o[] = {"run", "a.yaml", "--output", NULL};

    refused(s, "option '--seed' needs a value");
    refused(n, "option '--replications' needs a value");
    refused(o, "option '--output' needs a value");
}
END_TEST

START_TEST(test_unknown)
{
    static const char *const sed[] = {"run", "a", "--sed", "1", NULL};
    static const char *const eq[] = {"run", "a", "--thread=2", NULL};
    static const char *const far[] = {"run", "a", "--zzzzzzzz", NULL};
    static const char *const sh[] = {"run", "a", "-x", NULL};
    static const char *const rum[] = {"rum", "a", NULL};
    static const char *const what[] = {"frobnicate", "a", NULL};
    static const char *const lng[] = {
        "run", "a", "--rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr", NULL};

    refused(sed, "unknown option '--sed' (did you mean '--seed'?)");
    refused(eq, "unknown option '--thread' (did you mean '--threads'?)");
    refused(far, "unknown option '--zzzzzzzz'");
    refused(sh, "unknown option '-x'");
    refused(rum, "unknown command 'rum' (did you mean 'run'?)");
    refused(what, "unknown command 'frobnicate'");
    /* the name is cut to 31 bytes */
    refused(lng, "unknown option '--rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr'");
}
END_TEST

START_TEST(test_help_and_version)
{
    static const char *const h1[] = {"--help", NULL};
    static const char *const h2[] = {"-h", NULL};
    static const char *const h3[] = {"help", "ignored", "--bogus", NULL};
    static const char *const v1[] = {"--version", NULL};
    static const char *const h4[] = {"run", "--help", "--bogus", NULL};
    static const char *const v2[] = {"check", "a", "--version", "-n", NULL};
    static const char *const late[] = {"run", "--bogus", "--help", NULL};
    const char *const *ok[] = {h1, h2, h3, v1, h4, v2};
    const cs_cli_about want[] = {CS_CLI_ABOUT_HELP, CS_CLI_ABOUT_HELP,
                                 CS_CLI_ABOUT_HELP, CS_CLI_ABOUT_VERSION,
                                 CS_CLI_ABOUT_HELP, CS_CLI_ABOUT_VERSION};

    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        args a;
        cs_cli_options o;
        cs_error e;

        ck_assert_int_eq(parse(&a, &o, &e, ok[i]), CS_OK);
        ck_assert_int_eq(o.about, want[i]);
        cs_cli_fini(&o);
    }
    /* an error before --help is reported */
    refused(late, "unknown option '--bogus'");
}
END_TEST

START_TEST(test_combinations)
{
    static const char *const none[] = {"run", "-n", "2", NULL};
    static const char *const two[] = {"run", "a.yaml", "b.yaml", NULL};
    static const char *const ok1[] = {"trace", "a", "--variant", "x", NULL};
    static const char *const ok2[] = {"compare", "a", "--vary", "x=1,2",
                                      NULL};
    static const char *const ok3[] = {"check", "a", "--variant", "x", "-o",
                                      "f", "-n", "3", "-s", "2", "-q", NULL};
    static const char *const ok4[] = {"run", "a", "-f", "csv", "--no-header",
                                      NULL};
    args a;
    cs_cli_options o;
    cs_error e;

    refused(none, "missing the SCENARIO file");
    refused(two, "unexpected argument 'b.yaml' (the scenario is 'a.yaml')");
    ck_assert_int_eq(parse(&a, &o, &e, ok1), CS_OK);
    cs_cli_fini(&o);
    ck_assert_int_eq(parse(&a, &o, &e, ok2), CS_OK);
    cs_cli_fini(&o);
    ck_assert_int_eq(parse(&a, &o, &e, ok3), CS_OK);
    ck_assert_str_eq(o.variant, "x");
    cs_cli_fini(&o);
    ck_assert_int_eq(parse(&a, &o, &e, ok4), CS_OK);
    cs_cli_fini(&o);
}
END_TEST

/* --precision, --select and their companions fill the record's seq. */
START_TEST(test_sequential)
{
    static const char *const abs[] = {"run", "a", "--precision", "0.01",
                                      NULL};
    static const char *const rel[] = {"compare", "a", "--precision=2.5%",
                                      "-n", "20", "--max-replications",
                                      "500", NULL};
    static const char *const sel[] = {"compare", "a", "--select",
                                      "--indifference", "2", NULL};
    static const char *const b1[] = {"run", "a", "--precision", ".5e1",
                                     NULL};
    static const char *const b2[] = {"run", "a", "--precision", "100%",
                                     NULL};
    static const char *const b3[] = {"compare", "a", "--select", "-n", "1",
                                     NULL};
    static const char *const b4[] = {"run", "a", "--precision", "1%",
                                     "-n", "9", NULL};
    args a;
    cs_cli_options o;
    cs_error e;

    ck_assert_int_eq(parse(&a, &o, &e, abs), CS_OK);
    ck_assert_int_eq(o.seq.mode, CS_STUDY_PRECISION);
    ck_assert_double_eq(o.seq.precision, 0.01);
    ck_assert_int_eq(o.seq.relative, 0);
    ck_assert_uint_eq(o.seq.first_stage, 0);
    cs_cli_fini(&o);
    ck_assert_int_eq(parse(&a, &o, &e, rel), CS_OK);
    ck_assert_double_eq_tol(o.seq.precision, 0.025, 1e-15);
    ck_assert_int_eq(o.seq.relative, 1);
    ck_assert_uint_eq(o.seq.first_stage, 20);
    ck_assert_uint_eq(o.seq.max_replications, 500);
    cs_cli_fini(&o);
    ck_assert_int_eq(parse(&a, &o, &e, sel), CS_OK);
    ck_assert_int_eq(o.seq.mode, CS_STUDY_SELECT);
    ck_assert_double_eq(o.seq.indifference, 2);
    cs_cli_fini(&o);
    refused(b1, "--precision: '.5e1' is not a positive half-width (e.g. "
                "0.01) or a percentage of the mean below 100% (e.g. 2%)");
    refused(b2, "--precision: '100%' is not a positive half-width (e.g. "
                "0.01) or a percentage of the mean below 100% (e.g. 2%)");
    refused(b3, "-n with --select is the first stage: at least 2 "
                "replications");
    refused(b4, "-n with --precision is the first stage: at least 10 "
                "replications");
}
END_TEST

/* Every option that does not apply to the command is refused, never
** silently ignored. */
START_TEST(test_not_for_command)
{
    static const struct {
        const char *words[6];
        const char *msg;
    } cases[] = {
        {{"compare", "a", "--variant", "x"},
         "--variant is for run, check and trace; compare runs every variant"},
        {{"check", "a", "--vary", "x=1"}, "--vary is for run and compare"},
        {{"trace", "a", "--vary", "x=1"}, "--vary is for run and compare"},
        {{"run", "a", "--independent"}, "--independent is for compare"},
        {{"check", "a", "--independent"}, "--independent is for compare"},
        {{"trace", "a", "-f", "json"},
         "--format: trace writes CSV only (-f csv)"},
        {{"trace", "a", "-f", "table"},
         "--format: trace writes CSV only (-f csv)"},
        {{"check", "a", "-f", "csv"},
         "--format is for run, compare, trace, sensitivity, fit, backtest "
         "and merge; check prints a summary"},
        {{"fit"}, "missing the TRACKER.csv export"},
        {{"fit", "x.csv"}, "fit needs the stage map: --map MAP.yaml"},
        {{"fit", "x.csv", "y.csv"},
         "unexpected argument 'y.csv' (the tracker export is 'x.csv')"},
        {{"fit", "x.csv", "--map=m", "-f", "csv"},
         "--format: fit writes a table or JSON (-f table, -f json)"},
        {{"fit", "x.csv", "--map=m", "-n", "5"},
         "--replications is for run, compare, check, sensitivity and "
         "backtest; trace runs one replication: -r K picks it"},
        {{"fit", "x.csv", "--map=m", "--from", "2026-01-05"},
         "--from is for backtest"},
        {{"run", "a", "--map", "m"}, "--map is for fit and backtest"},
        {{"backtest", "s.yaml"},
         "missing the TRACKER.csv export (backtest SCENARIO TRACKER.csv)"},
        {{"backtest", "s.yaml", "x.csv", "--map", "m"},
         "backtest needs --from DATE: the day the simulation starts from "
         "the board"},
        {{"check", "a", "-j", "2"},
         "--threads is for run, compare and sensitivity"},
        {{"check", "a", "--timeline", "4w"},
         "--timeline is for run and compare"},
        {{"trace", "a", "--timeline=4w"}, "--timeline is for run and compare"},
        {{"trace", "a", "-j", "2"}, "--threads is for run, compare and sensitivity"},
        {{"trace", "a", "-n", "2"},
         "--replications is for run, compare, check, sensitivity and "
         "backtest; trace runs one replication: -r K picks it"},
        {{"check", "a", "--no-header"},
         "--no-header is for run, compare, trace, sensitivity and merge"},
        {{"run", "a", "--no-header"},
         "--no-header is for CSV output (-f csv) and trace"},
        {{"compare", "a", "-f", "json", "--no-header"},
         "--no-header is for CSV output (-f csv) and trace"},
        {{"check", "a", "--check-promise"},
         "--check-promise is for run, compare and merge"},
        {{"trace", "a", "--check-promise"},
         "--check-promise is for run, compare and merge"},
        {{"run", "a", "-r", "2"}, "--replication is for trace"},
        {{"check", "a", "--max-events", "9"}, "--max-events is for trace"},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        refused(cases[i].words, cases[i].msg);
}
END_TEST

/* "--" ends the options: what follows is the scenario, even "-x". */
START_TEST(test_end_of_options)
{
    static const char *const dash[] = {"check", "--", "-odd.yaml", NULL};
    static const char *const late[] = {"run", "-n", "2", "--", "--help",
                                       NULL};
    static const char *const twice[] = {"run", "--", "a", "--", NULL};
    static const char *const after[] = {"run", "a", "--", "-n", NULL};
    args a;
    cs_cli_options o;
    cs_error e;

    ck_assert_int_eq(parse(&a, &o, &e, dash), CS_OK);
    ck_assert_str_eq(o.scenario, "-odd.yaml");
    ck_assert_ptr_null(o.output);
    cs_cli_fini(&o);
    ck_assert_int_eq(parse(&a, &o, &e, late), CS_OK);
    ck_assert_int_eq(o.about, CS_CLI_ABOUT_NONE);
    ck_assert_str_eq(o.scenario, "--help");
    ck_assert_int_eq(o.set.replications, 2);
    cs_cli_fini(&o);
    refused(twice, "unexpected argument '--' (the scenario is 'a')");
    refused(after, "unexpected argument '-n' (the scenario is 'a')");
}
END_TEST

/* --shard K/N and merge's PART operands. */
START_TEST(test_shard_and_merge)
{
    static const char *const shard[] = {"compare", "a", "--shard", "3/8",
                                        "--per-replication", NULL};
    static const char *const merge[] = {"merge", "p1", "-f", "csv", "p2",
                                        "--", "-p3", NULL};
    static const struct {
        const char *words[6];
        const char *msg;
    } bad[] = {
        {{"run", "a", "--shard", "3"}, "--shard: '3' is not K/N (e.g. 3/8)"},
        {{"run", "a", "--shard", "x/2"},
         "--shard: 'x/2' is not K/N (e.g. 3/8)"},
        {{"run", "a", "--shard", "1/2x"},
         "--shard: '1/2x' is not K/N (e.g. 3/8)"},
        {{"run", "a", "--shard", "0/2"},
         "--shard: '0/2': K/N needs 1 <= K <= N <= 1000000"},
        {{"run", "a", "--shard", "3/2"},
         "--shard: '3/2': K/N needs 1 <= K <= N <= 1000000"},
        {{"run", "a", "--shard", "1/1000001"},
         "--shard: '1/1000001': K/N needs 1 <= K <= N <= 1000000"},
        {{"check", "a", "--shard", "1/2"}, "--shard is for run and compare"},
        {{"run", "a", "--shard", "1/2", "--check-promise"},
         "--check-promise is for merge: --shard writes a part file, which "
         "merge turns into results"},
        {{"merge", "p", "-n", "3"},
         "--replications is for run, compare, check, sensitivity and "
         "backtest; trace runs one replication: -r K picks it"},
        {{"run", "a", "--shard=1/2", "--precision", "1%"},
         "--shard runs a fixed number of replications: not with "
         "--precision"},
        {{"merge", "p", "--vary", "x=1"}, "--vary is for run and compare"},
        {{"merge"}, "missing the PART files"},
        {{"merge", "p", "--no-header"},
         "--no-header is for CSV output (-f csv) and trace"},
    };
    args a;
    cs_cli_options o;
    cs_error e;

    ck_assert_int_eq(parse(&a, &o, &e, shard), CS_OK);
    ck_assert_int_eq(o.shard_k, 3);
    ck_assert_int_eq(o.shard_n, 8);
    cs_cli_fini(&o);
    ck_assert_int_eq(parse(&a, &o, &e, merge), CS_OK);
    ck_assert_int_eq(o.cmd, CS_CLI_MERGE);
    ck_assert_uint_eq(o.parts.n, 3);
    ck_assert_str_eq(o.parts.v[0], "p1");
    ck_assert_str_eq(o.parts.v[2], "-p3");
    ck_assert_int_eq(o.format, CS_FORMAT_CSV);
    cs_cli_fini(&o);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        refused(bad[i].words, bad[i].msg);
}
END_TEST

static Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("cli");

    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_commands);
    tcase_add_test(tc, test_long_options);
    tcase_add_test(tc, test_short_and_attached);
    tcase_add_test(tc, test_bad_values);
    tcase_add_test(tc, test_too_many_vary);
    tcase_add_test(tc, test_missing_value);
    tcase_add_test(tc, test_unknown);
    tcase_add_test(tc, test_help_and_version);
    tcase_add_test(tc, test_combinations);
    tcase_add_test(tc, test_sequential);
    tcase_add_test(tc, test_not_for_command);
    tcase_add_test(tc, test_end_of_options);
    tcase_add_test(tc, test_shard_and_merge);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cli_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
