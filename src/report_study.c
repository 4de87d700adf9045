/*
** report_study.c - the report of a study (report_study.h).
*/
#include "chainsim/report_study.h"

#include <stdlib.h>

cs_status cs_report_study_fill(const cs_study *st, cs_report *rep,
                               cs_report_row **rows, cs_error *err)
{
    const size_t n = cs_study_ndone(st);
    cs_report_row *r = calloc(n + 1, sizeof *r);

    *rows = r;
    rep->rows = r;
    rep->nrows = 0;
    if (r == NULL)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t j = 0; j < n; j++) {
        r[j].summary = cs_study_summary(st, j);
        r[j].vs = cs_study_comparison(st, j);
        r[j].point = cs_study_point_values(st, cs_study_point(st, j));
        r[j].theory = cs_study_theory(st, j);
        r[j].seq = cs_study_seq_job(st, j);
    }
    rep->nrows = n;
    rep->scenario_name = cs_study_model(st, 0)->name;
    rep->command = cs_study_is_compare(st) ? "compare" : "run";
    rep->seed = cs_study_model(st, 0)->seed;
    rep->vary = cs_study_paths(st);
    rep->nvary = cs_study_naxes(st);
    rep->partial = cs_study_verdicts(st).partial;
    rep->independent = cs_study_is_independent(st);
    rep->seq = cs_study_seq_outcome(st);
    return CS_OK;
}
