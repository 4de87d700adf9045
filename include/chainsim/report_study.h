/*
** report_study.h - the report of a study: the rows of its completed jobs
** (each variant at each sweep point, with its comparison against that
** point's baseline) and the report fields the study decides.
*/
#ifndef CHAINSIM_REPORT_STUDY_H
#define CHAINSIM_REPORT_STUDY_H

#include "chainsim/error.h"
#include "chainsim/report.h"
#include "chainsim/study.h"

/*
** Fills rep after cs_study_run: scenario name, command, seed, varied
** paths, partial, independent, and rows: one per completed job, in job
** order, allocated into *rows (caller frees; rep->rows points there).  The
** rows borrow the study's summaries, comparisons and point values, valid
** until cs_study_free.  The other fields of rep are left alone.  Returns
** CS_OK, or CS_ENOMEM (then *rows is NULL and rep has no rows).
*/
cs_status cs_report_study_fill(const cs_study *st, cs_report *rep,
                               cs_report_row **rows, cs_error *err);

#endif /* CHAINSIM_REPORT_STUDY_H */
