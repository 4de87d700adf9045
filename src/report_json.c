/*
** report_json.c - the report as JSON (SPEC 3, for programs): one object
** with the run's settings and a row per variant (and sweep point), read
** back by jansson in the tests.  Undefined values are null, never nan or
** inf; allocation failures are collected and reported once at the end.
*/
#include "report_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "chainsim/model.h"
#include "chainsim/report.h"
#include "chainsim/stats.h"

/* ---- JSON ----------------------------------------------------------- */

/* Allocation failures are collected in oom and reported once at the end. */
typedef struct jctx {
    int oom;
} jctx;

static void put(jctx *j, json_t *obj, const char *key, json_t *v)
{
    /* json_object_set_new releases v when it fails, also for obj NULL. */
    if (v == NULL || json_object_set_new(obj, key, v) != 0)
        j->oom = 1;
}

static void append(jctx *j, json_t *arr, json_t *v)
{
    if (v == NULL || json_array_append_new(arr, v) != 0)
        j->oom = 1;
}

static json_t *jnum(double x)
{
    return isfinite(x) ? json_real(cs_report_unsign_zero(x)) : json_null();
}

static json_t *jstr(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

static json_t *jmean(const cs_ci *c)
{
    return cs_report_ci_defined(c) ? jnum(c->mean) : json_null();
}

static json_t *jci(const cs_ci *c)
{
    json_t *a;

    if (!cs_report_ci_interval(c))
        return json_null();
    a = json_array();
    if (a == NULL)
        return NULL;
    if (json_array_append_new(a, jnum(c->lo)) != 0 ||
        json_array_append_new(a, jnum(c->hi)) != 0) {
        json_decref(a);
        return NULL;
    }
    return a;
}

/* {"mean": m, "ci95": [lo, hi]} */
static json_t *jmean_ci(jctx *j, const cs_ci *c)
{
    json_t *o = json_object();

    put(j, o, "mean", jmean(c));
    put(j, o, "ci95", jci(c));
    return o;
}

static json_t *jsignificant(const cs_ci *c)
{
    return cs_report_ci_interval(c) ? json_boolean(cs_report_ci_significant(c))
                                    : json_null();
}

/* {"teams": {"T": {"admission": .., "handoff": .., "queue": ..,
** "work": ..}}}, or null when no lead time was counted. */
static json_t *json_breakdown(jctx *j, const cs_model *m,
                              const cs_breakdown *b, int n, uint64_t count)
{
    json_t *o, *teams;

    if (b == NULL || count == 0)
        return json_null();
    o = json_object();
    teams = json_object();
    for (int i = 0; i < n; i++) {
        json_t *t = json_object();
        put(j, t, "admission", jnum(b[i].admission));
        put(j, t, "handoff", jnum(b[i].handoff));
        put(j, t, "queue", jnum(b[i].queue));
        put(j, t, "work", jnum(b[i].work));
        put(j, teams, m->teams[b[i].team].name, t);
    }
    put(j, o, "teams", teams);
    return o;
}

static json_t *json_lead_time(jctx *j, const cs_summary *s,
                              const cs_theory *th)
{
    const cs_model *m = s->model;
    json_t *lt = json_object(), *classes = json_object();

    put(j, lt, "mean", jmean(&s->lead_time));
    put(j, lt, "ci95", jci(&s->lead_time));
    put(j, lt, "p50", jnum(s->p50));
    put(j, lt, "p85", jnum(s->p85));
    put(j, lt, "p95", jnum(s->p95));
    put(j, lt, "count", json_integer((json_int_t)s->lt_n));
    if (th != NULL)
        put(j, lt, "theory_mean", jnum(th->lead_time));
    for (int c = 0; c < m->nclasses; c++) {
        const cs_class_summary *k = &s->classes[c];
        json_t *o = json_object();
        put(j, o, "mean", jmean(&k->lead_time));
        put(j, o, "ci95", jci(&k->lead_time));
        put(j, o, "p50", jnum(k->p50));
        put(j, o, "p85", jnum(k->p85));
        put(j, o, "p95", jnum(k->p95));
        put(j, o, "count", json_integer((json_int_t)k->n));
        if (th != NULL && c < th->nclasses)
            put(j, o, "theory_mean", jnum(th->class_lead[c]));
        put(j, o, "throughput_per_day", jmean_ci(j, &k->throughput));
        put(j, o, "breakdown",
            json_breakdown(j, m, k->breakdown, k->nbreakdown, k->n));
        if (k->ncontexts > 0) {
            json_t *cx = json_object();
            for (int q = 0; q < k->ncontexts; q++) {
                const cs_context_summary *x = &k->contexts[q];
                json_t *co = json_object();
                put(j, co, "mean", jmean(&x->lead_time));
                put(j, co, "ci95", jci(&x->lead_time));
                put(j, co, "p85", jnum(x->p85));
                put(j, co, "count", json_integer((json_int_t)x->n));
                put(j, cx, m->classes[c].contexts[q], co);
            }
            put(j, o, "contexts", cx);
        }
        put(j, classes, m->classes[c].name, o);
    }
    put(j, lt, "classes", classes);
    put(j, lt, "breakdown",
        json_breakdown(j, m, s->breakdown, m->nteams, s->lt_n));
    return lt;
}

/* {"offered_load": .., "queue_wait_mean": .. or null, "status": ..,
** "why": ..}: what queueing theory expects of a team (theory.h). */
static json_t *json_team_theory(jctx *j, const cs_theory_team *t)
{
    static const char *const status[] = {"ok", "idle", "overloaded",
                                         "not applicable"};
    json_t *o = json_object();

    put(j, o, "offered_load", jnum(t->load));
    put(j, o, "queue_wait_mean", jnum(t->wait));
    put(j, o, "status", json_string(status[t->status]));
    if (t->status == CS_THEORY_NA)
        put(j, o, "why", jstr(t->why));
    return o;
}

static json_t *json_teams(jctx *j, const cs_summary *s, const cs_theory *th)
{
    const cs_model *m = s->model;
    json_t *teams = json_object();

    for (int t = 0; t < m->nteams; t++) {
        const cs_team_summary *k = &s->teams[t];
        json_t *o = json_object();
        put(j, o, "utilization", jmean(&k->utilization));
        put(j, o, "utilization_ci95", jci(&k->utilization));
        put(j, o, "queue_wait_mean", jmean(&k->queue_wait));
        put(j, o, "queue_wait_ci95", jci(&k->queue_wait));
        put(j, o, "queue_length_mean", jmean(&k->queue_len));
        put(j, o, "admission_wait_mean", jmean(&k->admission_wait));
        put(j, o, "blocked_fraction", jmean(&k->blocked_fraction));
        put(j, o, "wip_mean", jmean(&k->wip));
        put(j, o, "type", json_string(cs_model_team_type_name(m->teams[t].type)));
        put(j, o, "capacity", json_integer(m->teams[t].capacity));
        /* Only a team with a schedule has a capacity that changes. */
        if (m->teams[t].nschedule > 0)
            put(j, o, "capacity_mean", jmean(&k->capacity));
        put(j, o, "wip_limit", m->teams[t].wip_limit > 0
                                   ? json_integer(m->teams[t].wip_limit)
                                   : json_null());
        /* Only a team with a WIP limit can be admitted above it. */
        if (m->teams[t].wip_limit > 0)
            put(j, o, "wip_breaks", jmean(&k->wip_breaks));
        /* Only a preemptive team interrupts work. */
        if (m->teams[t].discipline == CS_DISC_PREEMPTIVE) {
            put(j, o, "interruptions_per_visit", jmean(&k->interruptions));
            put(j, o, "interrupted_time_mean", jmean(&k->interrupted_time));
        }
        /* Only a team in a joint step has workers reserved for one. */
        if (cs_model_team_joint(m, t)) {
            put(j, o, "reserved_fraction", jmean(&k->reserved_fraction));
            put(j, o, "reserved_fraction_ci95", jci(&k->reserved_fraction));
        }
        /* Only a model with escapes has failure demand. */
        if (s->has_fd) {
            put(j, o, "failure_demand_share",
                jmean(&k->failure_demand_share));
            put(j, o, "failure_demand_share_ci95",
                jci(&k->failure_demand_share));
        }
        if (th != NULL && t < th->nteams)
            put(j, o, "theory", json_team_theory(j, &th->teams[t]));
        put(j, teams, m->teams[t].name, o);
    }
    return teams;
}

/* A promise's work: its class's name, the list of its classes' names, or
** null for all work. */
static json_t *json_promise_work(jctx *j, const cs_model *m,
                                 const cs_promise *d)
{
    json_t *a;

    if (d->work >= 0 && d->work < m->nclasses)
        return jstr(m->classes[d->work].name);
    if (d->work != CS_PROMISE_WORK_LIST)
        return json_null();
    a = json_array();
    for (int i = 0; i < d->nworks; i++)
        append(j, a, jstr(m->classes[d->works[i]].name));
    return a;
}

static json_t *json_promises(jctx *j, const cs_summary *s)
{
    const cs_model *m = s->model;
    json_t *arr = json_array();

    for (int p = 0; p < m->npromises; p++) {
        const cs_promise *d = &m->promises[p];
        const cs_promise_summary *k = &s->promises[p];
        const int lt = d->kind == CS_PROMISE_LEAD_TIME;
        const int by = d->kind == CS_PROMISE_DONE_BY;
        json_t *o = json_object();
        put(j, o, "name", jstr(d->name));
        put(j, o, "target", jnum(k->target));
        put(j, o, "achieved", jmean(&k->achieved));
        put(j, o, "ci95", jci(&k->achieved));
        put(j, o, "verdict",
            json_string(cs_summary_verdict_name(k->verdict)));
        put(j, o, "kind", json_string(lt   ? "lead_time"
                                      : by ? "done_by"
                                           : "throughput"));
        put(j, o, "work", json_promise_work(j, m, d));
        if (lt && d->at_team)
            put(j, o, "team", jstr(m->teams[d->team].name));
        put(j, o, lt ? "within" : by ? "done_by" : "per",
            jnum(lt ? d->within : by ? d->done_by : d->per));
        append(j, arr, o);
    }
    return arr;
}

/* {"items", "done_share", "day": {"mean", "p50", "p85", "p95"}}, without
** the classes. */
static json_t *json_completion_of(jctx *j, const cs_completion *c)
{
    json_t *o = json_object(), *day = json_object();

    put(j, o, "items", json_integer((json_int_t)c->items));
    put(j, o, "done_share", jnum(c->done_share));
    put(j, day, "mean", jnum(c->mean));
    put(j, day, "p50", jnum(c->p50));
    put(j, day, "p85", jnum(c->p85));
    put(j, day, "p95", jnum(c->p95));
    put(j, o, "day", day);
    return o;
}

/* When today's board is done (SPEC 4.4): all classes, then each class
** with initial items. */
static json_t *json_completion(jctx *j, const cs_summary *s)
{
    const cs_model *m = s->model;
    json_t *o = json_completion_of(j, &s->completion);
    json_t *classes = json_object();

    for (int c = 0; s->cls_completion != NULL && c < m->nclasses; c++)
        if (s->cls_completion[c].items > 0)
            put(j, classes, m->classes[c].name,
                json_completion_of(j, &s->cls_completion[c]));
    put(j, o, "classes", classes);
    return o;
}

/* The figures per period (SPEC 4.5). */
static json_t *json_timeline(jctx *j, const cs_summary *s)
{
    const cs_model *m = s->model;
    json_t *o = json_object(), *arr = json_array();

    put(j, o, "period", jnum(s->period));
    for (int k = 0; k < s->nperiods; k++) {
        const cs_period_summary *d = &s->periods[k];
        json_t *e = json_object(), *teams = json_object();
        put(j, e, "from", jnum(d->from));
        put(j, e, "to", jnum(d->to));
        put(j, e, "arrived", jmean(&d->arrived));
        put(j, e, "done", jmean(&d->done));
        put(j, e, "done_ci95", jci(&d->done));
        put(j, e, "wip", jmean(&d->wip));
        put(j, e, "lead_time_mean", jmean(&d->lead_time));
        put(j, e, "lead_time_ci95", jci(&d->lead_time));
        put(j, e, "lead_time_p85", jnum(d->lead_time_p85));
        for (int t = 0; t < m->nteams; t++) {
            const cs_period_team_summary *x = &d->teams[t];
            json_t *g = json_object();
            put(j, g, "utilization", jmean(&x->utilization));
            put(j, g, "wip", jmean(&x->wip));
            put(j, g, "capacity", jmean(&x->capacity));
            put(j, teams, m->teams[t].name, g);
        }
        put(j, e, "teams", teams);
        append(j, arr, e);
    }
    put(j, o, "periods", arr);
    return o;
}

/* Per class both have: the paired difference of its mean lead time. */
static json_t *json_vs_classes(jctx *j, const cs_comparison *c,
                               const cs_model *m)
{
    json_t *classes = json_object();

    for (int k = 0; k < c->nclasses && k < m->nclasses; k++) {
        json_t *e;
        if (!cs_report_ci_defined(&c->classes[k]))
            continue;
        e = json_object();
        put(j, e, "lead_time_mean_diff", jmean(&c->classes[k]));
        put(j, e, "ci95", jci(&c->classes[k]));
        put(j, e, "significant", jsignificant(&c->classes[k]));
        put(j, classes, m->classes[k].name, e);
    }
    return classes;
}

/* {"share": .., "ci95": [lo, hi], "classes": {NAME: {"share": ..,
** "ci95": [..]}}} (SPEC 5.7). */
static json_t *json_abandoned(jctx *j, const cs_summary *s)
{
    const cs_model *m = s->model;
    json_t *o = json_object(), *classes = json_object();

    put(j, o, "share", jmean(&s->abandoned));
    put(j, o, "ci95", jci(&s->abandoned));
    for (int c = 0; c < m->nclasses; c++) {
        json_t *k = json_object();
        put(j, k, "share", jmean(&s->classes[c].abandoned));
        put(j, k, "ci95", jci(&s->classes[c].abandoned));
        put(j, classes, m->classes[c].name, k);
    }
    put(j, o, "classes", classes);
    return o;
}

/* {"teams_per_day": .., "delay_per_day": .., "delay_ci95": [lo, hi],
** "total_per_day": ..} (SPEC 5.9). */
static json_t *json_cost(jctx *j, const cs_summary *s)
{
    json_t *o = json_object();
    const double total = cs_report_ci_defined(&s->delay_cost)
                             ? s->cost_per_day + s->delay_cost.mean
                             : NAN;

    put(j, o, "teams_per_day", jnum(s->cost_per_day));
    put(j, o, "delay_per_day", jmean(&s->delay_cost));
    put(j, o, "delay_ci95", jci(&s->delay_cost));
    put(j, o, "total_per_day", jnum(total));
    return o;
}

static json_t *json_vs(jctx *j, const cs_report *r, const cs_report_row *row)
{
    const cs_comparison *c = row->vs;
    const cs_model *m = cs_report_row_model(row);
    json_t *o = json_object(), *prom = json_array();

    put(j, o, "lead_time_mean_diff", jmean(&c->lead_time_mean));
    put(j, o, "ci95", jci(&c->lead_time_mean));
    put(j, o, "significant", jsignificant(&c->lead_time_mean));
    put(j, o, "confidence", jnum(c->level));
    put(j, o, "lead_time_p85_diff", jmean(&c->lead_time_p85));
    put(j, o, "lead_time_p85_ci95", jci(&c->lead_time_p85));
    put(j, o, "throughput_per_day_diff", jmean(&c->throughput));
    put(j, o, "throughput_per_day_ci95", jci(&c->throughput));
    put(j, o, "wip_diff", jmean(&c->wip));
    put(j, o, "wip_ci95", jci(&c->wip));
    if (cs_report_any_delay_cost(r)) {
        put(j, o, "delay_cost_per_day_diff", jmean(&c->delay_cost));
        put(j, o, "delay_cost_per_day_ci95", jci(&c->delay_cost));
    }
    if (cs_report_any_patience(r)) {
        put(j, o, "abandoned_share_diff", jmean(&c->abandoned));
        put(j, o, "abandoned_share_ci95", jci(&c->abandoned));
        put(j, o, "wasted_work_per_day_diff", jmean(&c->wasted));
        put(j, o, "wasted_work_per_day_ci95", jci(&c->wasted));
    }
    for (int p = 0; p < c->npromises && p < m->npromises; p++) {
        json_t *e = json_object();
        put(j, e, "name", jstr(m->promises[p].name));
        put(j, e, "diff", jmean(&c->promise[p]));
        put(j, e, "ci95", jci(&c->promise[p]));
        put(j, e, "significant", jsignificant(&c->promise[p]));
        if (c->promise_changed != NULL && c->promise_changed[p])
            put(j, e, "changed", json_true());
        append(j, prom, e);
    }
    put(j, o, "promises", prom);
    put(j, o, "classes", json_vs_classes(j, c, m));
    return o;
}

/* The summary's warnings as text (SPEC 6.4). */
static json_t *json_warnings(jctx *j, const cs_summary *s)
{
    json_t *a = json_array();

    for (int k = 0; k < s->nwarnings; k++) {
        char buf[512];
        cs_summary_warning_text(s, &s->warnings[k], buf, sizeof buf);
        append(j, a, json_string(buf));
    }
    return a;
}

/* The variant named by row number k, or null. */
static json_t *json_row_name(const cs_report *r, long k)
{
    const cs_model *m;

    if (k < 0 || (size_t)k >= r->nrows)
        return json_null();
    m = r->rows[k].summary->model;
    return jstr(m->variant != NULL ? m->variant : "baseline");
}

/* The row's "precision" or "selection" object. */
static void json_seq_row(jctx *j, json_t *o, const cs_report *r,
                         const cs_study_seq_row *q)
{
    json_t *x = json_object();

    if (r->seq->mode == CS_STUDY_PRECISION) {
        put(j, x, "half_width", jnum(q->half_width));
        put(j, x, "target", jnum(q->target));
        if (isfinite(q->diff_half_width)) {
            put(j, x, "difference_half_width", jnum(q->diff_half_width));
            put(j, x, "difference_target", jnum(q->diff_target));
        }
        put(j, x, "met", json_boolean(q->met));
        put(j, o, "precision", x);
        return;
    }
    put(j, x, "selected", json_boolean(q->selected));
    put(j, x, "eliminated_at", q->out_at > 0
                                   ? json_integer((json_int_t)q->out_at)
                                   : json_null());
    put(j, x, "eliminated_by", json_row_name(r, q->out_by));
    put(j, o, "selection", x);
}

/* The measure both procedures read. */
static void json_measure(jctx *j, json_t *o, const cs_study_seq_result *q)
{
    put(j, o, "measure", json_string(q->promise >= 0 ? "promise"
                                                      : "lead_time_mean"));
    if (q->promise >= 0)
        put(j, o, "promise", jstr(q->measure));
}

/* The top-level "precision" or "selection" object. */
static void json_seq(jctx *j, json_t *root, const cs_report *r)
{
    const cs_study_seq_result *q = r->seq;
    json_t *x;

    if (q == NULL)
        return;
    x = json_object();
    if (q->mode == CS_STUDY_PRECISION) {
        json_measure(j, x, q);
        put(j, x, "target", jnum(q->precision));
        put(j, x, "relative", json_boolean(q->relative));
        put(j, x, "first_stage", json_integer((json_int_t)q->first_stage));
        put(j, x, "max_replications",
            json_integer((json_int_t)q->max_replications));
        put(j, x, "replications", json_integer((json_int_t)q->replications));
        put(j, x, "met", json_boolean(q->met && !cs_report_any_partial(r)));
        put(j, root, "precision", x);
        return;
    }
    {
        json_t *out = json_array();
        char buf[1024];
        put(j, x, "procedure", json_string("KN"));
        json_measure(j, x, q);
        put(j, x, "better", json_string(q->promise >= 0 ? "higher"
                                                         : "lower"));
        put(j, x, "indifference", jnum(q->delta));
        put(j, x, "confidence", jnum(q->confidence));
        put(j, x, "first_stage", json_integer((json_int_t)q->first_stage));
        put(j, x, "eta", jnum(q->eta));
        put(j, x, "h2", jnum(q->h2));
        put(j, x, "max_replications",
            json_integer((json_int_t)q->max_replications));
        put(j, x, "selected", json_row_name(r, q->selected));
        put(j, x, "complete", json_boolean(q->complete && q->selected >= 0));
        put(j, x, "replications", json_integer((json_int_t)q->total));
        put(j, x, "stages", json_integer((json_int_t)q->replications));
        for (size_t i = 0; i < r->nrows; i++) {
            const cs_study_seq_row *w = r->rows[i].seq;
            json_t *e;
            if (w == NULL || w->out_at == 0)
                continue;
            e = json_object();
            put(j, e, "name", json_row_name(r, (long)i));
            put(j, e, "replication", json_integer((json_int_t)w->out_at));
            put(j, e, "by", json_row_name(r, w->out_by));
            append(j, out, e);
        }
        put(j, x, "eliminated", out);
        cs_report_selection_statement(r, buf, sizeof buf);
        put(j, x, "statement", json_string(buf));
        put(j, root, "selection", x);
    }
}

static json_t *json_row(jctx *j, const cs_report *r, const cs_report_row *row,
                        unsigned rank)
{
    const cs_summary *s = row->summary;
    const cs_model *m = s->model;
    json_t *o = json_object();

    put(j, o, "name", jstr(m->variant != NULL ? m->variant : "baseline"));
    if (r->nvary > 0) {
        json_t *pt = json_object();
        for (size_t k = 0; k < r->nvary; k++)
            put(j, pt, r->vary[k],
                json_string(cs_report_point_value(r, row, k)));
        put(j, o, "point", pt);
    }
    put(j, o, "rank", json_integer((json_int_t)rank));
    put(j, o, "hypothesis", jstr(m->hypothesis));
    put(j, o, "replications", json_integer((json_int_t)s->replications));
    put(j, o, "partial", json_boolean(s->partial));
    put(j, o, "warmup", jnum(s->warmup));
    put(j, o, "horizon", jnum(s->horizon));
    put(j, o, "lead_time", json_lead_time(j, s, row->theory));
    put(j, o, "throughput_per_day", jmean_ci(j, &s->throughput));
    put(j, o, "wip", jmean_ci(j, &s->wip));
    put(j, o, "flow_efficiency", jnum(s->flow_efficiency));
    if (s->has_fd) {
        put(j, o, "failure_demand_share", jmean(&s->failure_demand_share));
        put(j, o, "failure_demand_share_ci95",
            jci(&s->failure_demand_share));
    }
    put(j, o, "teams", json_teams(j, s, row->theory));
    if (s->bottleneck >= 0 && s->bottleneck < m->nteams) {
        json_t *b = json_object();
        put(j, b, "team", jstr(m->teams[s->bottleneck].name));
        put(j, b, "utilization", jmean(&s->teams[s->bottleneck].utilization));
        put(j, o, "bottleneck", b);
    } else {
        put(j, o, "bottleneck", json_null());
    }
    put(j, o, "cost_per_day", jnum(s->cost_per_day));
    if (cs_report_any_delay_cost(r))
        put(j, o, "cost", json_cost(j, s));
    if (cs_report_any_patience(r)) {
        put(j, o, "abandoned", json_abandoned(j, s));
        put(j, o, "wasted_work_per_day", jmean(&s->wasted));
        put(j, o, "wasted_work_per_day_ci95", jci(&s->wasted));
    }
    put(j, o, "promises", json_promises(j, s));
    if (row->vs != NULL) {
        put(j, o, "vs_baseline", json_vs(j, r, row));
    } else if (m->variant == NULL || strcmp(m->variant, "baseline") == 0) {
        /* the baseline against itself: exactly zero (SPEC 3 shows the
           field on every variant) */
        cs_comparison self;
        cs_ci zero[1];
        cs_ci *zeros = calloc((size_t)m->npromises + 1, sizeof *zeros);
        if (zeros == NULL)
            j->oom = 1;
        memset(&self, 0, sizeof self);
        memset(zero, 0, sizeof zero);
        zero[0].n = s->replications;
        zero[0].valid = 1;   /* a difference known exactly */
        for (int p = 0; zeros != NULL && p < m->npromises; p++)
            zeros[p] = zero[0];
        self.level = cs_report_first_level(r);
        self.lead_time_mean = self.lead_time_p85 = self.throughput =
            self.wip = self.delay_cost = self.abandoned = self.wasted =
                zero[0];
        self.promise = zeros;
        self.npromises = zeros != NULL ? m->npromises : 0;
        cs_ci *czeros = calloc((size_t)m->nclasses + 1, sizeof *czeros);
        if (czeros == NULL)
            j->oom = 1;
        for (int c = 0; czeros != NULL && c < m->nclasses; c++)
            czeros[c] = zero[0];
        self.classes = czeros;
        self.nclasses = czeros != NULL ? m->nclasses : 0;
        cs_report_row me = *row;
        me.vs = &self;
        put(j, o, "vs_baseline", json_vs(j, r, &me));
        free(zeros);
        free(czeros);
    } else {
        put(j, o, "vs_baseline", json_null());
    }
    {
        json_t *items = json_object();
        put(j, items, "arrived", json_integer((json_int_t)s->arrived));
        put(j, items, "done", json_integer((json_int_t)s->done));
        put(j, o, "items", items);
    }
    if (s->completion.items > 0)
        put(j, o, "completion", json_completion(j, s));
    if (s->nperiods > 0)
        put(j, o, "timeline", json_timeline(j, s));
    if (row->seq != NULL && r->seq != NULL)
        json_seq_row(j, o, r, row->seq);
    put(j, o, "warnings", json_warnings(j, s));
    return o;
}

/* The fields every JSON output starts with: the schema's version, the
** scenario, the command and the seed. */
static void json_head(jctx *j, json_t *root, const cs_report *r)
{
    /* the version of docs/schema/results.schema.json the output follows */
    put(j, root, "schema_version", json_string(CS_REPORT_JSON_SCHEMA));
    put(j, root, "scenario", jstr(r->scenario_name));
    put(j, root, "file", jstr(r->scenario_file));
    put(j, root, "command", jstr(r->command));
    /* json_int_t is signed; a seed beyond it is written as a string. */
    if (r->seed <= (uint64_t)INT64_MAX) {
        put(j, root, "seed", json_integer((json_int_t)r->seed));
    } else {
        char buf[32];
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)r->seed);
        put(j, root, "seed", json_string(buf));
    }
}

/* The varied paths, with --vary. */
static void json_vary(jctx *j, json_t *root, const cs_report *r)
{
    if (r->nvary > 0) {
        json_t *vary = json_array();
        for (size_t k = 0; k < r->nvary; k++)
            append(j, vary, jstr(r->vary[k]));
        put(j, root, "vary", vary);
    }
}

/* Adds the version, then writes root (taken) to out: the end of every
** JSON output.  CS_OK, CS_ENOMEM (an allocation failed on the way: j) or
** CS_EIO. */
static cs_status json_finish(jctx *j, json_t *root, FILE *out, cs_error *err)
{
    int rc;

#ifdef CS_VERSION
    put(j, root, "version", json_string(CS_VERSION));
#endif
    if (j->oom || root == NULL) {
        json_decref(root);
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                            "out of memory while writing the report");
    }
    rc = json_dumpf(root, out,
                    JSON_INDENT(2) | JSON_REAL_PRECISION(15) |
                        JSON_PRESERVE_ORDER);
    json_decref(root);
    if (rc != 0 || fputc('\n', out) == EOF)
        return cs_error_set(err, CS_EIO, NULL, 0, 0, "write failed");
    return CS_OK;
}

cs_status cs_report_json_write(FILE *out, const cs_report *r, cs_error *err)
{
    jctx j = {0};
    json_t *root = json_object(), *variants = json_array();
    unsigned *rank = cs_report_ranks_new(r);

    if (rank == NULL)
        j.oom = 1;

    json_head(&j, root, r);
    if (cs_report_is_compare(r))
        put(&j, root, "common_random_numbers", json_boolean(!r->independent));
    put(&j, root, "partial", json_boolean(cs_report_any_partial(r)));
    json_vary(&j, root, r);
    json_seq(&j, root, r);
    for (size_t i = 0; i < r->nrows && rank != NULL; i++)
        append(&j, variants, json_row(&j, r, &r->rows[i], rank[i]));
    free(rank);
    put(&j, root, "variants", variants);
    {
        json_t *w = json_array();
        if (cs_report_any_partial(r))
            append(&j, w, json_string("interrupted: the results cover only "
                                      "the replications completed before "
                                      "the signal"));
        put(&j, root, "warnings", w);
    }
    return json_finish(&j, root, out, err);
}


/* ---- per replication -------------------------------------------------- */

/* {"mean", "p50", "p85", "p95", "count"} of one replication's lead times. */
static json_t *json_rep_lt(jctx *j, double mean, const double *q, uint64_t n)
{
    json_t *o = json_object();

    put(j, o, "mean", jnum(mean));
    put(j, o, "p50", jnum(q[0]));
    put(j, o, "p85", jnum(q[1]));
    put(j, o, "p95", jnum(q[2]));
    put(j, o, "count", json_integer((json_int_t)n));
    return o;
}

/* Replication i of row (its summary keeps reps). */
static json_t *json_rep(jctx *j, const cs_report *r, const cs_report_row *row,
                        size_t i)
{
    static const char *const names[CS_SUMMARY_REP_NFIELDS] = {
        "utilization", "queue_wait_mean", "queue_length_mean",
        "blocked_fraction", "wip_mean", "admission_wait_mean",
        "interruptions_per_visit", "interrupted_time_mean",
        "failure_demand_share", "reserved_fraction"};
    const cs_summary *s = row->summary;
    const cs_model *m = s->model;
    const cs_summary_reps *x = s->reps;
    const size_t nc = (size_t)m->nclasses, nt = (size_t)m->nteams;
    const double *q = &x->q[i * (nc + 1) * 3];
    json_t *o = json_object(), *lt, *classes = json_object();
    json_t *teams = json_object(), *prom = json_object();

    put(j, o, "variant", jstr(m->variant != NULL ? m->variant : "baseline"));
    if (r->nvary > 0) {
        json_t *pt = json_object();
        for (size_t k = 0; k < r->nvary; k++)
            put(j, pt, r->vary[k],
                json_string(cs_report_point_value(r, row, k)));
        put(j, o, "point", pt);
    }
    put(j, o, "replication", json_integer((json_int_t)s->rep_number[i] + 1));
    lt = json_rep_lt(j, s->rep_lt_mean[i], q, x->lt_n[i]);
    for (size_t c = 0; c < nc; c++) {
        json_t *k = json_rep_lt(j, s->rep_cls_mean[i * nc + c],
                                q + (c + 1) * 3, x->cls_n[i * nc + c]);
        put(j, k, "throughput_per_day", jnum(x->cls_thru[i * nc + c]));
        put(j, classes, m->classes[c].name, k);
    }
    put(j, lt, "classes", classes);
    put(j, o, "lead_time", lt);
    put(j, o, "throughput_per_day", jnum(s->rep_throughput[i]));
    put(j, o, "wip", jnum(s->rep_wip[i]));
    if (x->abandoned != NULL) {
        put(j, o, "abandoned_share", jnum(x->abandoned[i]));
        put(j, o, "wasted_work_per_day", jnum(x->wasted[i]));
    }
    if (x->fd != NULL)
        put(j, o, "failure_demand_share", jnum(x->fd[i]));
    if (cs_report_any_delay_cost(r))
        put(j, o, "delay_cost_per_day",
            cs_model_has_delay_cost(m) ? jnum(s->rep_delay_cost[i])
                                       : json_null());
    for (size_t t = 0; t < nt; t++) {
        json_t *e = json_object();
        const double *f = &x->team[(i * nt + t) * CS_SUMMARY_REP_NFIELDS];
        for (int k = 0; k < CS_SUMMARY_REP_NFIELDS; k++) {
            if ((k == CS_SUMMARY_REP_INTERRUPTS ||
                 k == CS_SUMMARY_REP_INTERRUPTED) &&
                m->teams[t].discipline != CS_DISC_PREEMPTIVE)
                continue;
            if (k == CS_SUMMARY_REP_FD && x->fd == NULL)
                continue;
            if (k == CS_SUMMARY_REP_RESERVED && !cs_model_team_joint(m, (int)t))
                continue;
            put(j, e, names[k], jnum(f[k]));
        }
        put(j, teams, m->teams[t].name, e);
    }
    put(j, o, "teams", teams);
    for (int p = 0; p < m->npromises; p++)
        put(j, prom, m->promises[p].name, jnum(s->rep_promise[p][i]));
    put(j, o, "promises", prom);
    return o;
}

cs_status cs_report_json_reps_write(FILE *out, const cs_report *r,
                                    cs_error *err)
{
    jctx j = {0};
    json_t *root = json_object(), *reps = json_array();

    json_head(&j, root, r);
    put(&j, root, "partial", json_boolean(cs_report_any_partial(r)));
    json_vary(&j, root, r);
    for (size_t i = 0; i < r->nrows; i++) {
        const cs_summary *s = r->rows[i].summary;
        for (size_t k = 0; s->reps != NULL && k < s->replications; k++)
            append(&j, reps, json_rep(&j, r, &r->rows[i], k));
    }
    put(&j, root, "replications", reps);
    return json_finish(&j, root, out, err);
}
