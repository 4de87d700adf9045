/*
** fuzz_dist.c - libFuzzer target for the duration, rate, number and
** distribution parsers (units.c, distparse.c).
**
** Input layout: byte 0 picks the parser, byte 1 the time units (including
** extreme ones), the rest is the text.  Parsers:
**   0 cs_units_parse_duration   1 cs_units_parse_rate
**   2 cs_units_parse_number
**   3 cs_distparse_text (string form)
**   4 cs_distparse_build: first line the name, each further line an argument,
**     "key=value" or a positional value (the mapping form's path)
** What a parser accepts must keep its contract, or the target aborts:
** durations finite and >= 0, rates finite and > 0, numbers finite; a
** distribution has a finite mean and variance, both >= 0, describes
** itself, copies, and draws finite values >= 0.  Any crash, leak, hang or
** sanitizer report is a bug.
**
** Built and run by "make fuzz" (tests/fuzz/run.sh); replayed on the
** inputs in tests/fuzz/regressions/dist/ by "make check".
*/
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "chainsim/dist.h"
#include "chainsim/distparse.h"
#include "chainsim/error.h"
#include "chainsim/stream.h"
#include "chainsim/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 64

/* Time units to read with: the default, the widest and extreme ones that
** a scenario's `time` section still accepts. */
static const cs_units units[] = {
    {8.0, 5.0}, {24.0, 7.0}, {1e-300, 1e-300}, {24.0, 1e-9}, {0.5, 7.0},
    {1e-9, 7.0}, {7.5, 4.5}, {1.0, 1.0}};

static void check(int ok, const char *what, const char *text)
{
    if (!ok) {
        fprintf(stderr, "fuzz_dist: contract broken: %s for '%s'\n", what,
                text);
        abort();
    }
}

static void check_dist(const cs_dist *d, const char *text)
{
    const double mean = cs_dist_mean(d), var = cs_dist_variance(d);
    char buf[256];
    cs_dist copy;
    gsl_rng *r;

    check(isfinite(mean) && mean >= 0.0, "mean not finite or negative", text);
    check(isfinite(var) && var >= 0.0, "variance not finite or negative",
          text);
    cs_dist_describe(d, buf, sizeof buf);
    check(memchr(buf, '\0', sizeof buf) != NULL, "description", text);
    if (cs_dist_copy(&copy, d) == CS_OK) {
        check(copy.kind == d->kind && copy.nvalues == d->nvalues, "copy",
              text);
        cs_dist_fini(&copy);
    }
    r = gsl_rng_alloc(gsl_rng_taus2);
    if (r == NULL)
        return;
    gsl_rng_set(r, cs_stream_seed(1, 0, cs_stream_key(0, text)));
    for (int i = 0; i < 64; i++) {
        const double x = cs_dist_sample(d, r);
        check(isfinite(x) && x >= 0.0, "draw not finite or negative", text);
    }
    gsl_rng_free(r);
}

/* Splits text into lines: the first is the name, the others arguments. */
static void build_from_lines(char *text, const cs_units *u)
{
    cs_dist_arg args[MAX_ARGS];
    size_t nargs = 0;
    char msg[CS_ERROR_MSG_MAX];
    char *name = text, *p = strchr(text, '\n');
    int bad = -2;
    cs_dist d;

    if (p != NULL)
        *p++ = '\0';
    while (p != NULL && nargs < MAX_ARGS) {
        char *next = strchr(p, '\n');
        char *eq;
        if (next != NULL)
            *next++ = '\0';
        eq = strchr(p, '=');
        if (eq != NULL) {
            *eq = '\0';
            args[nargs].key = p;
            args[nargs].value = eq + 1;
        } else {
            args[nargs].key = NULL;
            args[nargs].value = p;
        }
        nargs++;
        p = next;
    }
    msg[0] = '\0';
    if (cs_distparse_build(name, args, nargs, u, ".", &d, msg, sizeof msg, &bad)
        == CS_OK) {
        check(bad == -1, "bad_arg set on success", name);
        check_dist(&d, name);
        cs_dist_fini(&d);
    } else {
        check(msg[0] != '\0', "error without a message", name);
        check(bad >= -1 && bad < (int)nargs, "bad_arg out of range", name);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    char msg[CS_ERROR_MSG_MAX];
    const cs_units *u;
    char *text;
    double v;
    int col;
    cs_dist d;

    if (!init) {
        gsl_set_error_handler_off();
        init = 1;
    }
    if (size < 2 || size > 4096)
        return 0;
    u = &units[data[1] % (sizeof units / sizeof units[0])];
    text = malloc(size - 1);
    if (text == NULL)
        return 0;
    memcpy(text, data + 2, size - 2);
    text[size - 2] = '\0';
    msg[0] = '\0';
    switch (data[0] % 5) {
    case 0:
        if (cs_units_parse_duration(text, u, &v, msg, sizeof msg) == CS_OK)
            check(isfinite(v) && v >= 0.0, "duration", text);
        else
            check(msg[0] != '\0', "duration error without a message", text);
        break;
    case 1:
        if (cs_units_parse_rate(text, u, &v, msg, sizeof msg) == CS_OK)
            check(isfinite(v) && v > 0.0, "rate", text);
        else
            check(msg[0] != '\0', "rate error without a message", text);
        break;
    case 2:
        if (cs_units_parse_number(text, &v, msg, sizeof msg) == CS_OK)
            check(isfinite(v), "number", text);
        else
            check(msg[0] != '\0', "number error without a message", text);
        break;
    case 3:
        col = -2;
        if (cs_distparse_text(text, u, ".", &d, msg, sizeof msg, &col) ==
            CS_OK) {
            check(col == -1, "bad_col set on success", text);
            check_dist(&d, text);
            cs_dist_fini(&d);
        } else {
            check(msg[0] != '\0', "distribution error without a message",
                  text);
            check(col >= -1 && (size_t)(col + 1) <= strlen(text) + 1,
                  "bad_col out of range", text);
        }
        break;
    default:
        build_from_lines(text, u);
        break;
    }
    free(text);
    return 0;
}
