/*
** report.h - results as a person or a script reads them: a compact table,
** CSV (stable columns), JSON (SPEC 3).  Knows the model and the summaries,
** not YAML or the simulation.  Never prints nan or inf: an undefined value
** is "-" in a table, empty in CSV and null in JSON.
*/
#ifndef CHAINSIM_REPORT_H
#define CHAINSIM_REPORT_H

#include <stdio.h>

#include "chainsim/error.h"
#include "chainsim/study.h"
#include "chainsim/summary.h"
#include "chainsim/theory.h"

typedef enum cs_format {
    CS_FORMAT_TABLE = 0,
    CS_FORMAT_CSV,
    CS_FORMAT_JSON
} cs_format;

/* One simulated variant (at one sweep point). */
typedef struct cs_report_row {
    const cs_summary *summary;       /* summary->model->variant is the name */
    const cs_comparison *vs;         /* vs the baseline of the same point; NULL
                                        for the baseline or when not compared */
    const char *const *point;        /* values of the varied paths, [nvary] */
    const cs_theory *theory;         /* what queueing theory expects of the
                                        model (approximate); NULL: not
                                        shown */
    const cs_study_seq_row *seq;     /* --precision, --select: what was
                                        decided for it; NULL */
} cs_report_row;

typedef struct cs_report {
    const char *scenario_file;
    const char *scenario_name;
    const char *command;             /* "run" or "compare" */
    uint64_t seed;
    unsigned threads;
    double wall_seconds;             /* < 0 when not to be shown */
    const char *const *vary;         /* varied paths, [nvary] */
    size_t nvary;
    const cs_report_row *rows;
    size_t nrows;
    int no_header;                   /* csv: omit the header line */
    int partial;                     /* interrupted: mark results partial */
    int color;                       /* table: ANSI colours allowed */
    int independent;                 /* compare: variants drew their own
                                        random streams (--independent) */
    const char *command_line;        /* html footer: how the run was made
                                        (NULL: not shown) */
    const char *scenario_hash;       /* html footer: the scenario file's
                                        hash, hex (NULL: not shown) */
    const cs_study_seq_result *seq;  /* --precision, --select: the
                                        procedure and its decisions (its
                                        job numbers are row numbers);
                                        NULL for a fixed number */
} cs_report;

/*
** Writes the report in format fmt to out.  Returns CS_OK, or CS_EIO when
** writing fails, or CS_ENOMEM.
*/
cs_status cs_report_write(FILE *out, cs_format fmt, const cs_report *r,
                          cs_error *err);

/*
** Writes one record per replication of every row whose summary keeps them
** (cs_summary.reps, the study's per_replication), as CSV or JSON (fmt;
** the table is refused with CS_EINPUT): every scalar figure of the
** replication.  Returns CS_OK, CS_EINPUT, CS_EIO when writing fails, or
** CS_ENOMEM.
*/
cs_status cs_report_write_reps(FILE *out, cs_format fmt, const cs_report *r,
                               cs_error *err);

/*
** Writes the HTML report of r to out (SPEC 7's --report): one
** self-contained page with the verdicts, the ranking and the charts.
** Returns CS_OK or CS_ENOMEM; write errors are left for the caller to
** find with ferror.
*/
cs_status cs_report_html_write(FILE *out, const cs_report *r, cs_error *err);

/*
** Ranks the rows that are alternatives to each other, best first: in a
** "compare", the baseline and the variants of one sweep point (consecutive
** rows with the same point values); otherwise ("run") all rows, so the
** points of a sweep are ranked.  The keys, in order: more promises met,
** fewer promises not met, lower mean lead time (undefined last), lower
** cost per day.  Rows equal on every key share a rank (1, 2, 2, 4).
** Fills rank[0..r->nrows) with 1-based ranks.  Returns CS_OK, or
** CS_ENOMEM.  Every writer ranks through this function.
*/
cs_status cs_report_rank(const cs_report *r, unsigned *rank, cs_error *err);

/*
** The statement of a --select result into buf (always terminated when
** len > 0): which variant KN selected and the probability of correct
** selection it guarantees, e.g. "'more-testers' has the highest share
** of promise 'p85' (with probability at least 95% when the best is at
** least 1 point ahead of every other: Kim and Nelson's KN)".  Returns
** the length the full text needs (as snprintf).  Cannot fail.
*/
int cs_report_selection_statement(const cs_report *r, char *buf,
                                  size_t len);

/* Parses "table" | "csv" | "json"; -1 when unknown (or NULL).  Cannot
** fail. */
int cs_report_format_parse(const char *s);

/*
** Writes s (borrowed, not NULL) to fp as one CSV field (RFC 4180): as it
** is, or in double quotes with inner quotes doubled when it holds a comma,
** a double quote, CR or LF.  No separator.  Write errors are left for the
** caller to find with ferror.
*/
void cs_report_csv_field(FILE *fp, const char *s);

#endif /* CHAINSIM_REPORT_H */
