/*
** fuzz_part.c - libFuzzer target for the part file reader (part.c) and
** the store it holds (cs_runner_store_unpack): the input is read as a
** part without its checksum (which a fuzzer could not forge, so the
** structure behind it is what is tested), and every block is unpacked as
** a store of a fixed model (tests/fuzz/part-model.yaml, whose shards are
** the seeds); a store read so is appended to the first one and packed
** again.  A part or store refused must say why; any crash, leak, hang or
** sanitizer report is a bug.
**
** Built and run by "make fuzz" (tests/fuzz/run.sh); replayed on the
** inputs in tests/fuzz/regressions/part/ and tests/fuzz/seeds/part/ by
** "make check".
*/
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>

#include "chainsim/bytes.h"
#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/part.h"
#include "chainsim/runner.h"
#include "chainsim/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* tests/fuzz/part-model.yaml, without its comments */
static const char model_text[] =
    "chainsim: 1\n"
    "name: part fuzz model\n"
    "horizon: 120d\n"
    "warmup: 20d\n"
    "timeline: 30d\n"
    "replications: 4\n"
    "teams:\n"
    "  - {name: a, capacity: 2}\n"
    "  - {name: b, capacity: 1, wip_limit: 3}\n"
    "work:\n"
    "  - name: x\n"
    "    arrivals: {rate: 0.8/d}\n"
    "    steps:\n"
    "      - {team: a, effort: exponential(1d)}\n"
    "      - {team: b, effort: exponential(0.8d)}\n"
    "  - name: y\n"
    "    arrivals: {rate: 0.3/d}\n"
    "    patience: exponential(20d)\n"
    "    steps:\n"
    "      - {team: a, effort: 2d}\n"
    "promise:\n"
    "  - {name: p, within: 10d, percentile: 85}\n"
    ;

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_part: %s\n", what);
        abort();
    }
}

static cs_model *model(void)
{
    cs_scenario *s = NULL;
    cs_model *m = NULL;
    cs_error err;

    gsl_set_error_handler_off();
    if (cs_scenario_load_string("part-model.yaml", model_text, &s, &err) !=
            CS_OK ||
        cs_variant_build(s, -1, &m, &err) != CS_OK)
        check(0, "the model does not build");
    cs_scenario_free(s);
    return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_model *m;
    cs_part *p = NULL;
    cs_runner_store *first = NULL;
    cs_error err;

    cs_error_clear(&err);
    if (cs_part_parse(data, size, 0, &p, &err) != CS_OK) {
        check(err.msg[0] != '\0', "a part refused without a message");
        return 0;
    }
    m = model();
    for (size_t i = 0; i < p->nblocks; i++) {
        cs_runner_store *s = NULL;
        cs_bytes_reader r;
        cs_bytes_reader_init(&r, p->blocks[i].data, p->blocks[i].len);
        cs_error_clear(&err);
        if (cs_runner_store_unpack(m, &r, &s, &err) != CS_OK) {
            check(err.msg[0] != '\0', "a store refused without a message");
            continue;
        }
        check(s->n <= s->total, "more rows than replications");
        if (first == NULL) {
            first = s;
            continue;
        }
        if (first->per_rep == s->per_rep && s->n > 0 && first->n > 0 &&
            s->rep[0] > first->rep[first->n - 1])
            (void)cs_runner_store_append(first, s);
        cs_runner_store_free(s);
    }
    if (first != NULL) {
        cs_bytes b;
        cs_bytes_init(&b);
        cs_runner_store_pack(first, &b);
        cs_bytes_fini(&b);
    }
    cs_runner_store_free(first);
    cs_part_free(p);
    cs_model_free(m);
    return 0;
}
