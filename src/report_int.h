/*
** report_int.h - what the report writers share: report.c holds the
** helpers below and the ranking, report_table.c, report_csv.c and
** report_json.c one writer each.  Not installed; only src/report*.c and
** the report tests include it.
**
** Invariants every writer keeps (see report.c): nothing prints nan or
** inf; output depends on the results only; team and class columns are the
** union over the rows in order of first appearance; every writer ranks
** through cs_report_rank_sorted / cs_report_ranks_new, so a row has the
** same rank in every format.
*/
#ifndef CHAINSIM_REPORT_INT_H
#define CHAINSIM_REPORT_INT_H

#include <stddef.h>
#include <stdio.h>

#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/report.h"
#include "chainsim/stats.h"
#include "chainsim/summary.h"

/*
** Names in order of first appearance over the rows (borrowed from the
** models).  Teams and classes are looked up by name in each row's model.
*/
typedef struct cs_report_names {
    const char **v;
    size_t n;
} cs_report_names;

/* A row's ranking keys; rows of one group are ranked against each other. */
/* A row's ranking keys, over the promises of its group's reference row
** (the baseline in a compare, the first row in a run); rows of one group
** are ranked against each other. */
typedef struct cs_report_rank_key {
    size_t group;
    size_t row;
    int met;
    int uncertain;
    int not_met;            /* missing or changed reference promises too */
    int changed;            /* reference promises missing or defined otherwise */
    int own;                /* the row's promises the reference lacks */
    double margin;          /* worst margin; NaN when undefined */
    double cost;
    double lead_time;       /* NaN when undefined */
} cs_report_rank_key;

/* ---- the writers (each returns CS_OK or CS_ENOMEM; CS_EIO is for
** cs_report_write to find, after flushing) ---------------------------- */

cs_status cs_report_table_write(FILE *out, const cs_report *r, cs_error *err);
cs_status cs_report_csv_write(FILE *out, const cs_report *r, cs_error *err);
cs_status cs_report_json_write(FILE *out, const cs_report *r, cs_error *err);

/* The per-replication records (--per-replication): one per row and
** replication of the rows whose summaries keep them (cs_summary.reps). */
cs_status cs_report_csv_reps_write(FILE *out, const cs_report *r,
                                   cs_error *err);
cs_status cs_report_json_reps_write(FILE *out, const cs_report *r,
                                    cs_error *err);

/* The version of the results' JSON Schema (docs/schema) the JSON output
** follows: its "schema_version" field. */
#define CS_REPORT_JSON_SCHEMA "1.1"


/* ---- values (report.c; none can fail) ------------------------------- */

/* x, with -0 turned into 0: results never mean a signed zero. */
double cs_report_unsign_zero(double x);

/* A mean that exists: at least one value went into it, and it is finite. */
int cs_report_ci_defined(const cs_ci *c);

/* An interval that exists (at least two values, finite bounds). */
int cs_report_ci_interval(const cs_ci *c);

/* A difference is significant when its whole interval is on one side of 0. */
int cs_report_ci_significant(const cs_ci *c);

/* ---- rows (report.c; none can fail) --------------------------------- */

/* The model of the row's summary (borrowed). */
const cs_model *cs_report_row_model(const cs_report_row *row);

/* The row's value of varied path k, "" when it has none (borrowed). */
const char *cs_report_point_value(const cs_report *r,
                                  const cs_report_row *row, size_t k);

/* 1 when the report or any row's summary is partial. */
int cs_report_any_partial(const cs_report *r);

/* Most promises in any row's model. */
int cs_report_max_promises(const cs_report *r);

/* 1 when comparisons exist, or are expected (a compare always has them). */
int cs_report_want_diff(const cs_report *r);

/* 1 for the "compare" command. */
int cs_report_is_compare(const cs_report *r);

/* Confidence level of the first comparison (all share one); 0.95 when
** there is none. */
double cs_report_first_level(const cs_report *r);

/* 1 when some row's model has a class with a cost_of_delay > 0 (the
** results then show the cost of delay, in every row). */
int cs_report_any_delay_cost(const cs_report *r);

/* 1 when some row's model has a class with a patience (the results then
** show abandonments and wasted work, in every row). */
int cs_report_any_patience(const cs_report *r);

/* What s costs per day: the teams' cost plus the mean cost of delay when
** s's model has one (SPEC 5.9's total); the ranking's cost key. */
double cs_report_total_cost(const cs_summary *s);

/* Counts the verdicts of s's promises into *met, *uncertain, *not_met. */
void cs_report_count_verdicts(const cs_summary *s, int *met, int *uncertain,
                              int *not_met);

/* ---- names (report.c) ----------------------------------------------- */

/* Adds s (borrowed) unless present; 0, or -1 when out of memory.  The
** caller frees ns->v. */
int cs_report_names_add(cs_report_names *ns, const char *s);

/* ns = the union of team names (class names when want_classes) over the
** rows; 0, or -1 when out of memory (ns->v is then the caller's to free
** all the same). */
int cs_report_names_collect(cs_report_names *ns, const cs_report *r,
                            int want_classes);

/* ---- ranking (report.c) --------------------------------------------- */

/*
** The rows' keys sorted best first within each group, groups in row
** order; NULL if out of memory (caller frees).  In a compare a group
** starts at each baseline row and wherever the sweep point changes.
*/
cs_report_rank_key *cs_report_rank_sorted(const cs_report *r);

/* rank[row] from n sorted keys: position in the group, ties share a rank.
** Cannot fail. */
void cs_report_fill_ranks(const cs_report_rank_key *k, size_t n,
                          unsigned *rank);

/* Ranks for a writer, [r->nrows] (caller frees); NULL if out of memory. */
unsigned *cs_report_ranks_new(const cs_report *r);

#endif /* CHAINSIM_REPORT_INT_H */
