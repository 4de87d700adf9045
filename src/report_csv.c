/*
** report_csv.c - the report as CSV (stable columns, for scripts): a header
** line and a line per row, written by one routine so the two can never
** disagree on the columns.  Undefined values are empty fields; a field is
** quoted only when it holds a comma, a double quote, CR or LF.
*/
#include "report_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/model.h"
#include "chainsim/report.h"
#include "chainsim/stats.h"

/* ---- CSV ------------------------------------------------------------ */

/*
** One routine writes the header and the rows (row NULL = header), so the
** two can never disagree on the columns.  Each cell call names its column
** and gives its value; only one of the two is written.
*/
typedef struct csvw {
    FILE *out;
    const cs_report_row *row;   /* NULL while writing the header */
    unsigned rank;              /* the row's rank */
    int first;                  /* no field written yet on this line */
    int oom;
    size_t rep;                 /* per-replication: the row's index into
                                   the summary's replication arrays */
} csvw;

void cs_report_csv_field(FILE *fp, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s != '\0'; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

static void csv_field(csvw *w, const char *s)
{
    if (!w->first)
        fputc(',', w->out);
    w->first = 0;
    cs_report_csv_field(w->out, s);
}

/* The header name: fmt with its arguments. */
static void csv_head(csvw *w, const char *fmt, va_list ap)
{
    char buf[128];
    va_list aq;
    int len;

    va_copy(aq, ap);
    len = vsnprintf(buf, sizeof buf, fmt, aq);
    va_end(aq);
    if (len < 0) {
        w->oom = 1;
        return;
    }
    if ((size_t)len < sizeof buf) {
        csv_field(w, buf);
        return;
    }
    {
        char *big = malloc((size_t)len + 1);
        if (big == NULL) {
            w->oom = 1;
            csv_field(w, "");
            return;
        }
        vsnprintf(big, (size_t)len + 1, fmt, ap);
        csv_field(w, big);
        free(big);
    }
}

/* A text cell; the column name is printf-formatted. */
static void csv_str(csvw *w, const char *val, const char *fmt, ...)
{
    va_list ap;

    if (w->row != NULL) {
        csv_field(w, val != NULL ? val : "");
        return;
    }
    va_start(ap, fmt);
    csv_head(w, fmt, ap);
    va_end(ap);
}

static void csv_num(csvw *w, double val, const char *fmt, ...)
{
    va_list ap;
    char buf[40];

    if (w->row != NULL) {
        if (isfinite(val))
            snprintf(buf, sizeof buf, "%.10g", cs_report_unsign_zero(val));
        else
            buf[0] = '\0';
        csv_field(w, buf);
        return;
    }
    va_start(ap, fmt);
    csv_head(w, fmt, ap);
    va_end(ap);
}

/* Mean, lo, hi of a cs_ci: three columns NAME, NAME_lo|ci_lo, ... */
static void csv_mean(csvw *w, const cs_ci *c, const char *name)
{
    csv_num(w, c != NULL && cs_report_ci_defined(c) ? c->mean : NAN, "%s",
            name);
}

static void csv_bounds(csvw *w, const cs_ci *c, const char *lo,
                       const char *hi)
{
    const int ok = c != NULL && cs_report_ci_interval(c);

    csv_num(w, ok ? c->lo : NAN, "%s", lo);
    csv_num(w, ok ? c->hi : NAN, "%s", hi);
}

/*
** The promises' columns: one group per promise name over all rows, in
** order of first appearance, named by a slug of the name (lowercase
** letters, digits and '_'; "_2", "_3" ... when two names give one slug),
** so a column means one promise in every row.
*/
typedef struct promise_cols {
    cs_report_names names;
    char **slug;                  /* [names.n] */
} promise_cols;

static void promise_cols_free(promise_cols *pc)
{
    for (size_t i = 0; pc->slug != NULL && i < pc->names.n; i++)
        free(pc->slug[i]);
    free(pc->slug);
    free(pc->names.v);
}

/* A slug of name, unique among the first n of taken; NULL if out of memory. */
static char *make_slug(const char *name, char *const *taken, size_t n)
{
    const size_t len = strlen(name);
    char *s = malloc(len + 24);
    size_t k = 0, base;

    if (s == NULL)
        return NULL;
    for (const char *c = name; *c != '\0'; c++) {
        const unsigned char u = (unsigned char)*c;
        if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9'))
            s[k++] = (char)u;
        else if (u >= 'A' && u <= 'Z')
            s[k++] = (char)(u - 'A' + 'a');
        else if (k > 0 && s[k - 1] != '_')
            s[k++] = '_';
    }
    while (k > 0 && s[k - 1] == '_')
        k--;
    if (k == 0)
        k = (size_t)sprintf(s, "promise");
    s[k] = '\0';
    base = k;
    for (unsigned dup = 2;; dup++) {
        size_t i = 0;
        while (i < n && strcmp(taken[i], s) != 0)
            i++;
        if (i == n)
            return s;
        snprintf(s + base, 24, "_%u", dup);
    }
}

static int promise_cols_collect(promise_cols *pc, const cs_report *r)
{
    memset(pc, 0, sizeof *pc);
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_model *m = cs_report_row_model(&r->rows[i]);
        for (int p = 0; p < m->npromises; p++)
            if (cs_report_names_add(&pc->names, m->promises[p].name) != 0)
                return -1;
    }
    pc->slug = calloc(pc->names.n + 1, sizeof *pc->slug);
    if (pc->slug == NULL)
        return -1;
    for (size_t i = 0; i < pc->names.n; i++)
        if ((pc->slug[i] = make_slug(pc->names.v[i], pc->slug, i)) == NULL)
            return -1;
    return 0;
}

/* The index in s's model of the promise named name, or -1. */
static int promise_index(const cs_summary *s, const char *name)
{
    for (int p = 0; s != NULL && p < s->model->npromises; p++)
        if (strcmp(s->model->promises[p].name, name) == 0)
            return p;
    return -1;
}

static void csv_promises(csvw *w, const promise_cols *pc)
{
    const cs_summary *s = w->row != NULL ? w->row->summary : NULL;

    for (size_t i = 0; i < pc->names.n; i++) {
        const char *const g = pc->slug[i];
        const int p = promise_index(s, pc->names.v[i]);
        const cs_promise_summary *k = p >= 0 ? &s->promises[p] : NULL;
        const int def = k != NULL && cs_report_ci_defined(&k->achieved);
        const int iv = k != NULL && cs_report_ci_interval(&k->achieved);

        csv_str(w, k ? pc->names.v[i] : NULL, "promise_%s_name", g);
        csv_num(w, k ? k->target : NAN, "promise_%s_target", g);
        csv_num(w, def ? k->achieved.mean : NAN, "promise_%s_achieved", g);
        csv_num(w, iv ? k->achieved.lo : NAN, "promise_%s_lo", g);
        csv_num(w, iv ? k->achieved.hi : NAN, "promise_%s_hi", g);
        csv_str(w, k ? cs_summary_verdict_name(k->verdict) : NULL,
                "promise_%s_verdict", g);
    }
}

static void csv_teams(csvw *w, const cs_report_names *teams)
{
    const cs_summary *s = w->row != NULL ? w->row->summary : NULL;

    for (size_t i = 0; i < teams->n; i++) {
        const int t = s != NULL ? cs_model_team_index(s->model, teams->v[i])
                                : -1;
        const cs_team_summary *k = t >= 0 ? &s->teams[t] : NULL;
        csv_num(w,
                k && cs_report_ci_defined(&k->utilization)
                    ? k->utilization.mean
                    : NAN,
                "util_%s", teams->v[i]);
        csv_num(w,
                k && cs_report_ci_defined(&k->queue_wait) ? k->queue_wait.mean
                                                          : NAN,
                "wait_%s", teams->v[i]);
        csv_num(w,
                k && cs_report_ci_defined(&k->blocked_fraction)
                    ? k->blocked_fraction.mean
                    : NAN,
                "blocked_%s", teams->v[i]);
        csv_num(w,
                k && cs_report_ci_defined(&k->queue_len) ? k->queue_len.mean
                                                         : NAN,
                "queue_len_%s", teams->v[i]);
        csv_num(w, k && cs_report_ci_defined(&k->wip) ? k->wip.mean : NAN,
                "wip_%s", teams->v[i]);
    }
}

static void csv_classes(csvw *w, const cs_report_names *classes)
{
    const cs_summary *s = w->row != NULL ? w->row->summary : NULL;

    for (size_t i = 0; i < classes->n; i++) {
        const int c = s != NULL
                          ? cs_model_class_index(s->model, classes->v[i])
                          : -1;
        const cs_class_summary *k = c >= 0 ? &s->classes[c] : NULL;
        csv_num(w,
                k && cs_report_ci_defined(&k->lead_time) ? k->lead_time.mean
                                                         : NAN,
                "lead_time_mean_%s", classes->v[i]);
        csv_num(w, k ? k->p85 : NAN, "lead_time_p85_%s", classes->v[i]);
        csv_num(w,
                k && cs_report_ci_defined(&k->throughput) ? k->throughput.mean
                                                          : NAN,
                "throughput_per_day_%s", classes->v[i]);
    }
}

/* Whether team t has a WIP limit; a schedule. */
static int has_limit(const cs_team *t)
{
    return t->wip_limit > 0;
}

static int has_schedule(const cs_team *t)
{
    return t->nschedule > 0;
}

/* The teams for which has(team) holds in some row, in the order of the
** team columns (wip_breaks_ and capacity_mean_ columns). */
static int teams_with(cs_report_names *ns, const cs_report_names *teams,
                      const cs_report *r, int (*has)(const cs_team *))
{
    ns->v = NULL;
    ns->n = 0;
    for (size_t i = 0; i < teams->n; i++)
        for (size_t k = 0; k < r->nrows; k++) {
            const cs_model *m = cs_report_row_model(&r->rows[k]);
            const int t = cs_model_team_index(m, teams->v[i]);
            if (t >= 0 && has(&m->teams[t])) {
                if (cs_report_names_add(ns, teams->v[i]) != 0)
                    return -1;
                break;
            }
        }
    return 0;
}

/* The teams (of teams) that work in a joint step in some row. */
static int joint_teams(cs_report_names *ns, const cs_report_names *teams,
                       const cs_report *r)
{
    ns->v = NULL;
    ns->n = 0;
    for (size_t i = 0; i < teams->n; i++)
        for (size_t k = 0; k < r->nrows; k++) {
            const cs_model *m = cs_report_row_model(&r->rows[k]);
            const int t = cs_model_team_index(m, teams->v[i]);
            if (t >= 0 && cs_model_team_joint(m, t)) {
                if (cs_report_names_add(ns, teams->v[i]) != 0)
                    return -1;
                break;
            }
        }
    return 0;
}

/* The reserved share of the joint teams; empty where the team works in
** no joint step. */
static void csv_reserved(csvw *w, const cs_report_names *joint)
{
    const cs_summary *s = w->row != NULL ? w->row->summary : NULL;

    for (size_t i = 0; i < joint->n; i++) {
        const int t = s != NULL ? cs_model_team_index(s->model, joint->v[i])
                                : -1;
        const int have = t >= 0 && cs_model_team_joint(s->model, t);
        csv_num(w,
                have && cs_report_ci_defined(&s->teams[t].reserved_fraction)
                    ? s->teams[t].reserved_fraction.mean
                    : NAN,
                "reserved_fraction_%s", joint->v[i]);
    }
}

/* Deadlock breaks per replication; empty where the team has no limit. */
static void csv_breaks(csvw *w, const cs_report_names *limited)
{
    const cs_summary *s = w->row != NULL ? w->row->summary : NULL;

    for (size_t i = 0; i < limited->n; i++) {
        const int t = s != NULL
                          ? cs_model_team_index(s->model, limited->v[i])
                          : -1;
        const int have = t >= 0 && s->model->teams[t].wip_limit > 0 &&
                         cs_report_ci_defined(&s->teams[t].wip_breaks);
        csv_num(w, have ? s->teams[t].wip_breaks.mean : NAN,
                "wip_breaks_%s", limited->v[i]);
    }
}

/* The time average of the scheduled capacity (the capacity itself in a
** row where the team has no schedule); empty where it has no such team. */
static void csv_capacity(csvw *w, const cs_report_names *scheduled)
{
    const cs_summary *s = w->row != NULL ? w->row->summary : NULL;

    for (size_t i = 0; i < scheduled->n; i++) {
        const int t = s != NULL
                          ? cs_model_team_index(s->model, scheduled->v[i])
                          : -1;
        double x = NAN;
        if (t >= 0 && s->model->teams[t].nschedule == 0)
            x = s->model->teams[t].capacity;
        else if (t >= 0 && cs_report_ci_defined(&s->teams[t].capacity))
            x = s->teams[t].capacity.mean;
        csv_num(w, x, "capacity_mean_%s", scheduled->v[i]);
    }
}

static int is_preemptive(const cs_team *t)
{
    return t->discipline == CS_DISC_PREEMPTIVE;
}

/* Interruptions per work start and time interrupted per visit of the
** preemptive teams; empty where the team does not preempt. */
static void csv_interruptions(csvw *w, const cs_report_names *preemptive)
{
    const cs_summary *s = w->row != NULL ? w->row->summary : NULL;

    for (size_t i = 0; i < preemptive->n; i++) {
        const int t = s != NULL
                          ? cs_model_team_index(s->model, preemptive->v[i])
                          : -1;
        const int have = t >= 0 && is_preemptive(&s->model->teams[t]);
        csv_num(w,
                have && cs_report_ci_defined(&s->teams[t].interruptions)
                    ? s->teams[t].interruptions.mean
                    : NAN,
                "interruptions_per_visit_%s", preemptive->v[i]);
        csv_num(w,
                have && cs_report_ci_defined(&s->teams[t].interrupted_time)
                    ? s->teams[t].interrupted_time.mean
                    : NAN,
                "interrupted_time_mean_%s", preemptive->v[i]);
    }
}

/* 1 when some row has initial items (completion columns). */
static int any_completion(const cs_report *r)
{
    for (size_t i = 0; i < r->nrows; i++)
        if (r->rows[i].summary->completion.items > 0)
            return 1;
    return 0;
}

/* When today's board is done, all classes; empty in a row without
** initial items. */
static void csv_completion(csvw *w)
{
    const cs_summary *s = w->row != NULL ? w->row->summary : NULL;
    const cs_completion *c =
        s != NULL && s->completion.items > 0 ? &s->completion : NULL;

    csv_num(w, c ? (double)c->items : NAN, "completion_items");
    csv_num(w, c ? c->done_share : NAN, "completion_done_share");
    csv_num(w, c ? c->mean : NAN, "completion_mean");
    csv_num(w, c ? c->p50 : NAN, "completion_p50");
    csv_num(w, c ? c->p85 : NAN, "completion_p85");
    csv_num(w, c ? c->p95 : NAN, "completion_p95");
}

static void csv_diff(csvw *w, const promise_cols *pc)
{
    const cs_comparison *c = w->row != NULL ? w->row->vs : NULL;
    const cs_ci *lt = c ? &c->lead_time_mean : NULL;
    const cs_ci *p85 = c ? &c->lead_time_p85 : NULL;
    const cs_ci *th = c ? &c->throughput : NULL;
    const cs_ci *wip = c ? &c->wip : NULL;

    csv_mean(w, lt, "diff_lead_time_mean");
    csv_bounds(w, lt, "diff_lead_time_mean_lo", "diff_lead_time_mean_hi");
    csv_mean(w, p85, "diff_lead_time_p85");
    csv_bounds(w, p85, "diff_lead_time_p85_lo", "diff_lead_time_p85_hi");
    csv_mean(w, th, "diff_throughput_per_day");
    csv_bounds(w, th, "diff_throughput_per_day_lo",
               "diff_throughput_per_day_hi");
    csv_mean(w, wip, "diff_wip");
    csv_bounds(w, wip, "diff_wip_lo", "diff_wip_hi");
    for (size_t i = 0; i < pc->names.n; i++) {
        const int p = promise_index(w->row != NULL ? w->row->summary : NULL,
                                    pc->names.v[i]);
        const cs_ci *k = c && p >= 0 && p < c->npromises ? &c->promise[p]
                                                         : NULL;
        csv_num(w, k && cs_report_ci_defined(k) ? k->mean : NAN,
                "diff_promise_%s", pc->slug[i]);
        csv_num(w, k && cs_report_ci_interval(k) ? k->lo : NAN,
                "diff_promise_%s_lo", pc->slug[i]);
        csv_num(w, k && cs_report_ci_interval(k) ? k->hi : NAN,
                "diff_promise_%s_hi", pc->slug[i]);
    }
    csv_num(w, c ? c->level : NAN, "diff_confidence");
}

/* The row's sweep point as "PATH=VALUE;PATH=VALUE" (empty without one). */
static void csv_point(csvw *w, const cs_report *r)
{
    size_t n = 1;
    char *buf, *p;

    if (w->row == NULL || r->nvary == 0) {
        csv_str(w, "", "point");
        return;
    }
    for (size_t k = 0; k < r->nvary; k++)
        n += strlen(r->vary[k]) + strlen(cs_report_point_value(r, w->row, k))
             + 2;
    if ((p = buf = malloc(n)) == NULL) {
        w->oom = 1;
        csv_str(w, "", "point");
        return;
    }
    for (size_t k = 0; k < r->nvary; k++)
        p += sprintf(p, "%s%s=%s", k > 0 ? ";" : "", r->vary[k],
                     cs_report_point_value(r, w->row, k));
    *p = '\0';
    csv_str(w, buf, "point");
    free(buf);
}

/* The columns of a report that the features it uses add at the end. */
typedef struct extra_cols {
    cs_report_names scheduled;    /* capacity_mean_ of these teams */
    int completion;               /* completion_ columns */
    int delay_cost;               /* cost_ columns (cost of delay) */
    cs_report_names preemptive;   /* interruption columns of these teams */
    cs_report_names joint;        /* reserved_fraction_ of these teams */
    int patience;                 /* abandoned_ columns (SPEC 5.7) */
    int fd;                       /* failure_demand_ columns (escapes) */
} extra_cols;

/* The abandonment columns: the share with its interval, per class, and
** the wasted work. */
static void csv_abandoned(csvw *w, const cs_report_names *classes)
{
    const cs_summary *s = w->row != NULL ? w->row->summary : NULL;

    csv_mean(w, s ? &s->abandoned : NULL, "abandoned_share");
    csv_bounds(w, s ? &s->abandoned : NULL, "abandoned_ci_lo",
               "abandoned_ci_hi");
    for (size_t i = 0; i < classes->n; i++) {
        const int c = s != NULL
                          ? cs_model_class_index(s->model, classes->v[i])
                          : -1;
        const cs_ci *k = c >= 0 ? &s->classes[c].abandoned : NULL;
        csv_num(w, k && cs_report_ci_defined(k) ? k->mean : NAN,
                "abandoned_share_%s", classes->v[i]);
    }
    csv_mean(w, s ? &s->wasted : NULL, "wasted_work_per_day");
    csv_bounds(w, s ? &s->wasted : NULL, "wasted_work_ci_lo",
               "wasted_work_ci_hi");
}

/* 1 when some row's model has escapes (failure demand columns). */
static int any_escapes(const cs_report *r)
{
    for (size_t i = 0; i < r->nrows; i++)
        if (r->rows[i].summary->has_fd)
            return 1;
    return 0;
}

/* Failure demand (SPEC 5.6): the variant's share with its interval,
** then each team's share (empty where the row has no escapes or no such
** team). */
static void csv_fd(csvw *w, const cs_report_names *teams)
{
    const cs_summary *s = w->row != NULL ? w->row->summary : NULL;
    const cs_ci *v = s != NULL && s->has_fd ? &s->failure_demand_share
                                            : NULL;

    csv_mean(w, v, "failure_demand_share");
    csv_bounds(w, v, "failure_demand_share_lo", "failure_demand_share_hi");
    for (size_t i = 0; i < teams->n; i++) {
        const int t = v != NULL ? cs_model_team_index(s->model, teams->v[i])
                                : -1;
        const cs_ci *k = t >= 0 ? &s->teams[t].failure_demand_share : NULL;
        csv_num(w, k != NULL && cs_report_ci_defined(k) ? k->mean : NAN,
                "failure_demand_share_%s", teams->v[i]);
    }
}

/* The cost columns (SPEC 5.9): the teams', the cost of delay with its
** interval, their total. */
static void csv_cost(csvw *w)
{
    const cs_summary *s = w->row != NULL ? w->row->summary : NULL;
    const cs_ci *d = s != NULL ? &s->delay_cost : NULL;
    const double total = d != NULL && cs_report_ci_defined(d)
                             ? s->cost_per_day + d->mean
                             : NAN;

    csv_num(w, s ? s->cost_per_day : NAN, "cost_teams_per_day");
    csv_mean(w, d, "cost_delay_per_day");
    csv_bounds(w, d, "cost_delay_lo", "cost_delay_hi");
    csv_num(w, total, "cost_total_per_day");
}

/* --precision: the half-widths and whether they met their targets;
** --select: selected (1/0) and the stage of the elimination. */
static void csv_seq(csvw *w, const cs_report *r)
{
    const cs_study_seq_row *q = w->row != NULL ? w->row->seq : NULL;

    if (r->seq->mode == CS_STUDY_PRECISION) {
        csv_num(w, q ? q->half_width : NAN, "precision_half_width");
        csv_num(w, q ? q->target : NAN, "precision_target");
        csv_num(w, q ? q->diff_half_width : NAN,
                "precision_difference_half_width");
        csv_num(w, q ? (double)(q->met != 0) : NAN, "precision_met");
        return;
    }
    csv_num(w, q ? (double)(q->selected != 0) : NAN, "selected");
    csv_num(w, q && q->out_at > 0 ? (double)q->out_at : NAN,
            "eliminated_at");
}

static void csv_line(csvw *w, const cs_report *r, const cs_report_names *teams,
                     const cs_report_names *classes,
                     const cs_report_names *limited, const promise_cols *pc,
                     int diff, const extra_cols *x)
{
    const cs_report_row *row = w->row;
    const cs_summary *s = row != NULL ? row->summary : NULL;
    const cs_model *m = s != NULL ? s->model : NULL;
    const int bn = s != NULL && s->bottleneck >= 0 &&
                           s->bottleneck < m->nteams
                       ? s->bottleneck
                       : -1;

    w->first = 1;
    csv_str(w, r->scenario_name, "scenario");
    csv_str(w, m ? (m->variant ? m->variant : "baseline") : NULL, "variant");
    for (size_t k = 0; k < r->nvary; k++)
        csv_str(w, row ? cs_report_point_value(r, row, k) : NULL, "%s",
                r->vary[k]);
    csv_point(w, r);
    csv_num(w, s ? (double)w->rank : NAN, "rank");
    csv_num(w, s ? (double)m->seed : NAN, "seed");
    csv_num(w, s ? s->horizon : NAN, "horizon");
    csv_num(w, s ? s->warmup : NAN, "warmup");
    csv_num(w, s ? (double)s->replications : NAN, "replications");
    csv_num(w, s ? (double)(s->partial != 0) : NAN, "partial");
    csv_mean(w, s ? &s->lead_time : NULL, "lead_time_mean");
    csv_bounds(w, s ? &s->lead_time : NULL, "lead_time_ci_lo",
               "lead_time_ci_hi");
    csv_num(w, s ? s->p50 : NAN, "lead_time_p50");
    csv_num(w, s ? s->p85 : NAN, "lead_time_p85");
    csv_num(w, s ? s->p95 : NAN, "lead_time_p95");
    csv_mean(w, s ? &s->throughput : NULL, "throughput_per_day");
    csv_bounds(w, s ? &s->throughput : NULL, "throughput_ci_lo",
               "throughput_ci_hi");
    csv_mean(w, s ? &s->wip : NULL, "wip_mean");
    csv_num(w, s ? s->flow_efficiency : NAN, "flow_efficiency");
    csv_str(w, bn >= 0 ? m->teams[bn].name : NULL, "bottleneck");
    csv_mean(w, bn >= 0 ? &s->teams[bn].utilization : NULL,
             "bottleneck_utilization");
    csv_num(w, s ? s->cost_per_day : NAN, "cost_per_day");
    csv_promises(w, pc);
    csv_teams(w, teams);
    csv_classes(w, classes);
    if (diff)
        csv_diff(w, pc);
    csv_breaks(w, limited);
    csv_capacity(w, &x->scheduled);
    csv_interruptions(w, &x->preemptive);
    csv_reserved(w, &x->joint);
    if (x->completion)
        csv_completion(w);
    if (x->delay_cost)
        csv_cost(w);
    if (x->patience)
        csv_abandoned(w, classes);
    if (x->fd)
        csv_fd(w, teams);
    if (r->seq != NULL)
        csv_seq(w, r);
    fputc('\n', w->out);
}

/* ---- the timeline: a line per row and period ------------------------ */

/* 1 when some row has a timeline: the CSV is then the timeline's. */
static int any_timeline(const cs_report *r)
{
    for (size_t i = 0; i < r->nrows; i++)
        if (r->rows[i].summary->nperiods > 0)
            return 1;
    return 0;
}

static double mean_of(const cs_ci *c)
{
    return cs_report_ci_defined(c) ? c->mean : NAN;
}

/* Period k of w's row (the header when row is NULL). */
static void csv_period_line(csvw *w, const cs_report *r,
                            const cs_report_names *teams, int k)
{
    const cs_report_row *row = w->row;
    const cs_summary *s = row != NULL ? row->summary : NULL;
    const cs_model *m = s != NULL ? s->model : NULL;
    const cs_period_summary *d = s != NULL ? &s->periods[k] : NULL;

    w->first = 1;
    csv_str(w, r->scenario_name, "scenario");
    csv_str(w, m ? (m->variant ? m->variant : "baseline") : NULL, "variant");
    for (size_t q = 0; q < r->nvary; q++)
        csv_str(w, row ? cs_report_point_value(r, row, q) : NULL, "%s",
                r->vary[q]);
    csv_point(w, r);
    csv_num(w, s ? (double)s->replications : NAN, "replications");
    csv_num(w, d ? (double)(k + 1) : NAN, "period");
    csv_num(w, d ? d->from : NAN, "from");
    csv_num(w, d ? d->to : NAN, "to");
    csv_mean(w, d ? &d->arrived : NULL, "arrived");
    csv_mean(w, d ? &d->done : NULL, "done");
    csv_bounds(w, d ? &d->done : NULL, "done_lo", "done_hi");
    csv_mean(w, d ? &d->wip : NULL, "wip");
    csv_mean(w, d ? &d->lead_time : NULL, "lead_time_mean");
    csv_bounds(w, d ? &d->lead_time : NULL, "lead_time_lo", "lead_time_hi");
    csv_num(w, d ? d->lead_time_p85 : NAN, "lead_time_p85");
    for (size_t i = 0; i < teams->n; i++) {
        const int t = m != NULL ? cs_model_team_index(m, teams->v[i]) : -1;
        const cs_period_team_summary *e = t >= 0 ? &d->teams[t] : NULL;
        csv_num(w, e ? mean_of(&e->utilization) : NAN, "util_%s",
                teams->v[i]);
        csv_num(w, e ? mean_of(&e->wip) : NAN, "wip_%s", teams->v[i]);
        csv_num(w, e ? mean_of(&e->capacity) : NAN, "capacity_%s",
                teams->v[i]);
    }
    fputc('\n', w->out);
}

/* The timeline's CSV: a header, then a line per row and period (rows
** without a timeline have none); 0, or -1 when out of memory. */
static int csv_timeline(csvw *w, const cs_report *r)
{
    cs_report_names teams;

    if (cs_report_names_collect(&teams, r, 0) != 0) {
        free(teams.v);
        return -1;
    }
    if (!r->no_header)
        csv_period_line(w, r, &teams, 0);
    for (size_t i = 0; i < r->nrows; i++) {
        w->row = &r->rows[i];
        for (int k = 0; k < w->row->summary->nperiods; k++)
            csv_period_line(w, r, &teams, k);
    }
    free(teams.v);
    return 0;
}

cs_status cs_report_csv_write(FILE *out, const cs_report *r, cs_error *err)
{
    cs_report_names teams, classes, limited = {NULL, 0};
    extra_cols x = {{NULL, 0}, any_completion(r),
                    cs_report_any_delay_cost(r), {NULL, 0}, {NULL, 0},
                    cs_report_any_patience(r), any_escapes(r)};
    promise_cols pc;
    csvw w = {out, NULL, 0, 1, 0, 0};
    const int diff = cs_report_want_diff(r);
    unsigned *rank;
    int oom;

    if (any_timeline(r)) {
        if (csv_timeline(&w, r) != 0 || w.oom)
            return cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                                "out of memory while writing the report");
        return CS_OK;
    }
    rank = cs_report_ranks_new(r);
    oom = cs_report_names_collect(&teams, r, 0) != 0;
    oom |= cs_report_names_collect(&classes, r, 1) != 0;
    oom |= promise_cols_collect(&pc, r) != 0;
    oom |= !oom && teams_with(&limited, &teams, r, has_limit) != 0;
    oom |= !oom && teams_with(&x.scheduled, &teams, r, has_schedule) != 0;
    oom |= !oom && teams_with(&x.preemptive, &teams, r, is_preemptive) != 0;
    oom |= !oom && joint_teams(&x.joint, &teams, r) != 0;
    oom |= rank == NULL;
    if (!oom) {
        if (!r->no_header)
            csv_line(&w, r, &teams, &classes, &limited, &pc, diff, &x);
        for (size_t i = 0; i < r->nrows; i++) {
            w.row = &r->rows[i];
            w.rank = rank[i];
            csv_line(&w, r, &teams, &classes, &limited, &pc, diff, &x);
        }
    }
    promise_cols_free(&pc);
    free(rank);
    free(teams.v);
    free(classes.v);
    free(limited.v);
    free(x.scheduled.v);
    free(x.preemptive.v);
    free(x.joint.v);
    if (oom || w.oom)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                            "out of memory while writing the report");
    return CS_OK;
}


/* ---- per replication -------------------------------------------------- */

/* One record of per-replication CSV: the row's replication w->rep (or
** the header when w->row is NULL). */
/* The optional groups of per-replication columns. */
typedef struct rep_cols {
    int delay, patience, fd, preemptive, joint;
} rep_cols;

static int any_joint(const cs_report *r)
{
    for (size_t i = 0; i < r->nrows; i++)
        if (cs_model_has_joint(cs_report_row_model(&r->rows[i])))
            return 1;
    return 0;
}

static int any_preemptive(const cs_report *r)
{
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_model *m = cs_report_row_model(&r->rows[i]);
        for (int t = 0; t < m->nteams; t++)
            if (m->teams[t].discipline == CS_DISC_PREEMPTIVE)
                return 1;
    }
    return 0;
}

static void csv_rep_line(csvw *w, const cs_report *r,
                         const cs_report_names *teams,
                         const cs_report_names *classes,
                         const promise_cols *pc, const rep_cols *rc)
{
    const cs_report_row *row = w->row;
    const cs_summary *s = row != NULL ? row->summary : NULL;
    const cs_model *m = s != NULL ? s->model : NULL;
    const cs_summary_reps *x = s != NULL ? s->reps : NULL;
    const size_t i = w->rep;
    const size_t nc = m != NULL ? (size_t)m->nclasses : 0;
    const double *q = x != NULL ? &x->q[i * (nc + 1) * 3] : NULL;

    w->first = 1;
    csv_str(w, r->scenario_name, "scenario");
    csv_str(w, m ? (m->variant ? m->variant : "baseline") : NULL, "variant");
    for (size_t k = 0; k < r->nvary; k++)
        csv_str(w, row ? cs_report_point_value(r, row, k) : NULL, "%s",
                r->vary[k]);
    csv_point(w, r);
    csv_num(w, s ? (double)s->rep_number[i] + 1 : NAN, "replication");
    csv_num(w, s ? (double)m->seed : NAN, "seed");
    csv_num(w, s ? s->rep_lt_mean[i] : NAN, "lead_time_mean");
    csv_num(w, q ? q[0] : NAN, "lead_time_p50");
    csv_num(w, q ? q[1] : NAN, "lead_time_p85");
    csv_num(w, q ? q[2] : NAN, "lead_time_p95");
    csv_num(w, x ? (double)x->lt_n[i] : NAN, "lead_time_count");
    csv_num(w, s ? s->rep_throughput[i] : NAN, "throughput_per_day");
    csv_num(w, s ? s->rep_wip[i] : NAN, "wip_mean");
    if (rc->delay)
        csv_num(w, s && cs_model_has_delay_cost(m) ? s->rep_delay_cost[i]
                                                   : NAN,
                "cost_delay_per_day");
    if (rc->patience) {
        csv_num(w, x && x->abandoned ? x->abandoned[i] : NAN,
                "abandoned_share");
        csv_num(w, x && x->wasted ? x->wasted[i] : NAN, "wasted_work_per_day");
    }
    if (rc->fd)
        csv_num(w, x && x->fd ? x->fd[i] : NAN, "failure_demand_share");
    for (size_t k = 0; k < pc->names.n; k++) {
        const int p = promise_index(s, pc->names.v[k]);
        csv_num(w, p >= 0 ? s->rep_promise[p][i] : NAN, "promise_%s_achieved",
                pc->slug[k]);
    }
    for (size_t k = 0; k < teams->n; k++) {
        static const char *const names[CS_SUMMARY_REP_NFIELDS] = {
            "util", "wait", "queue_len", "blocked", "wip", "admission_wait",
            "interruptions_per_visit", "interrupted_time_mean",
            "failure_demand_share", "reserved_fraction"};
        const int t = m ? cs_model_team_index(m, teams->v[k]) : -1;
        for (int f = 0; f < CS_SUMMARY_REP_NFIELDS; f++) {
            if ((f == CS_SUMMARY_REP_INTERRUPTS ||
                 f == CS_SUMMARY_REP_INTERRUPTED) && !rc->preemptive)
                continue;
            if (f == CS_SUMMARY_REP_FD && !rc->fd)
                continue;
            if (f == CS_SUMMARY_REP_RESERVED && !rc->joint)
                continue;
            /* undefined where it does not apply */
            const int na = t >= 0 &&
                           (((f == CS_SUMMARY_REP_INTERRUPTS ||
                              f == CS_SUMMARY_REP_INTERRUPTED) &&
                             m->teams[t].discipline != CS_DISC_PREEMPTIVE) ||
                            (f == CS_SUMMARY_REP_FD && x && x->fd == NULL) ||
                            (f == CS_SUMMARY_REP_RESERVED &&
                             !cs_model_team_joint(m, t)));
            csv_num(w,
                    t >= 0 && x && !na ? x->team[(i * (size_t)m->nteams + (size_t)t) *
                                              CS_SUMMARY_REP_NFIELDS +
                                          (size_t)f]
                                : NAN,
                    "%s_%s", names[f], teams->v[k]);
        }
    }
    for (size_t k = 0; k < classes->n; k++) {
        const int c = m ? cs_model_class_index(m, classes->v[k]) : -1;
        const double *qc = c >= 0 && q ? q + ((size_t)c + 1) * 3 : NULL;
        const char *name = classes->v[k];
        csv_num(w, c >= 0 ? s->rep_cls_mean[i * nc + (size_t)c] : NAN,
                "lead_time_mean_%s", name);
        csv_num(w, qc ? qc[0] : NAN, "lead_time_p50_%s", name);
        csv_num(w, qc ? qc[1] : NAN, "lead_time_p85_%s", name);
        csv_num(w, qc ? qc[2] : NAN, "lead_time_p95_%s", name);
        csv_num(w, c >= 0 && x ? (double)x->cls_n[i * nc + (size_t)c] : NAN,
                "lead_time_count_%s", name);
        csv_num(w, c >= 0 && x ? x->cls_thru[i * nc + (size_t)c] : NAN,
                "throughput_per_day_%s", name);
    }
    fputc('\n', w->out);
}

cs_status cs_report_csv_reps_write(FILE *out, const cs_report *r,
                                   cs_error *err)
{
    cs_report_names teams, classes;
    promise_cols pc;
    csvw w = {out, NULL, 0, 1, 0, 0};
    const rep_cols rc = {cs_report_any_delay_cost(r),
                         cs_report_any_patience(r), any_escapes(r),
                         any_preemptive(r), any_joint(r)};
    int oom;

    oom = cs_report_names_collect(&teams, r, 0) != 0;
    oom |= cs_report_names_collect(&classes, r, 1) != 0;
    oom |= promise_cols_collect(&pc, r) != 0;
    if (!oom) {
        if (!r->no_header)
            csv_rep_line(&w, r, &teams, &classes, &pc, &rc);
        for (size_t i = 0; i < r->nrows; i++) {
            const cs_summary *s = r->rows[i].summary;
            if (s->reps == NULL)
                continue;
            w.row = &r->rows[i];
            for (w.rep = 0; w.rep < s->replications; w.rep++)
                csv_rep_line(&w, r, &teams, &classes, &pc, &rc);
        }
    }
    promise_cols_free(&pc);
    free(teams.v);
    free(classes.v);
    if (oom || w.oom)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                            "out of memory while writing the report");
    return CS_OK;
}
