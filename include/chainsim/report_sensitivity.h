/*
** report_sensitivity.h - the results of "chainsim sensitivity" as a table,
** CSV (one row per change, stable columns) or JSON, the changes in rank
** order.  Undefined values are "-" in the table, empty in CSV, null in
** JSON.  Writes only to the FILE it is given.
*/
#ifndef CHAINSIM_REPORT_SENSITIVITY_H
#define CHAINSIM_REPORT_SENSITIVITY_H

#include <stdio.h>

#include "chainsim/error.h"
#include "chainsim/report.h"
#include "chainsim/sensitivity.h"

/*
** Writes sv (run, borrowed) to out in fmt; no_header drops CSV's header
** line.  Returns CS_OK, CS_EIO when writing fails, or CS_ENOMEM.
*/
cs_status cs_report_sensitivity_write(FILE *out, cs_format fmt,
                                      const cs_sensitivity *sv,
                                      int no_header, cs_error *err);

/*
** Writes sv (run, borrowed) to out as one self-contained HTML page
** (--report): the baseline, the ranked table and forest plots of the
** promise and lead-time gains.  Returns CS_OK, CS_EIO when writing
** fails, or CS_ENOMEM.
*/
cs_status cs_report_sensitivity_html(FILE *out, const cs_sensitivity *sv,
                                     cs_error *err);

#endif /* CHAINSIM_REPORT_SENSITIVITY_H */
