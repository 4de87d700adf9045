/*
** report_model.c - the description "check" prints and the trace CSV
** (report_model.h).  Output is stable: scripts and golden tests compare
** it byte for byte.
*/
#include "chainsim/report_model.h"

#include <stdlib.h>
#include <string.h>

#include "chainsim/dist.h"
#include "chainsim/report.h"
#include "chainsim/runner.h"
#include "chainsim/scenario.h"
#include "chainsim/str.h"

/* ---- check ------------------------------------------------------------- */

static void print_duration(FILE *f, double d)
{
    fprintf(f, "%gd", d);
}

static void print_step(FILE *f, const cs_model *m, const cs_class *k,
                       const cs_step *s, const char *indent)
{
    char buf[256];

    if (s->kind == CS_STEP_PARALLEL) {
        fprintf(f, "%sparallel%s%s", indent, s->id ? " " : "",
                s->id ? s->id : "");
        if (s->p < 1)
            fprintf(f, "  p=%g", s->p);
        fputc('\n', f);
        for (int b = 0; b < s->nbranches; b++) {
            char deeper[32];
            snprintf(deeper, sizeof deeper, "%s  | ", indent);
            print_step(f, m, k, &k->steps[s->branch_first + b], deeper);
        }
    } else {
        cs_dist_describe(&s->effort, buf, sizeof buf);
        fprintf(f, "%s%s", indent, m->teams[s->team].name);
        if (s->id != NULL && strcmp(s->id, m->teams[s->team].name) != 0)
            fprintf(f, " (id %s)", s->id);
        fprintf(f, "  effort %s", buf);
        if (s->p < 1)
            fprintf(f, "  p=%g", s->p);
        fputc('\n', f);
    }
    if (s->has_rework) {
        const cs_step *to = &k->steps[k->route[s->rework_to]];
        fprintf(f, "%s  rework p=%g back to %s", indent, s->rework_p,
                to->id ? to->id : "(parallel)");
        if (s->rework_factor != 1)
            fprintf(f, ", effort x%g", s->rework_factor);
        fputc('\n', f);
    }
}

static void print_settings(FILE *f, const cs_model *m)
{
    char buf[1024];

    fprintf(f, "scenario: %s\n", cs_str_printable(m->name, buf, sizeof buf));
    fprintf(f, "variant: %s\n", m->variant ? m->variant : "baseline");
    if (m->hypothesis != NULL)
        fprintf(f, "hypothesis: %s\n",
                cs_str_printable(m->hypothesis, buf, sizeof buf));
    fprintf(f, "time: %g hours per day, %g days per week\n",
            m->units.hours_per_day, m->units.days_per_week);
    fputs("horizon: ", f);
    print_duration(f, m->horizon);
    fputs("  warm-up: ", f);
    if (m->warmup_auto)
        fputs("auto", f);
    else
        print_duration(f, m->warmup);
    fprintf(f, "  replications: %u  seed: %llu\n", m->replications,
            (unsigned long long)m->seed);
}

/* util: the offered load per team, or NULL when it could not be had. */
static void print_team(FILE *f, const cs_team *k, const double *util)
{
    char buf[256];

    fprintf(f, "  %-20s %-21s capacity %d", k->name,
            cs_model_team_type_name(k->type), k->capacity);
    if (k->wip_limit > 0)
        fprintf(f, "  wip %d", k->wip_limit);
    fprintf(f, "  %s", cs_model_discipline_name(k->discipline));
    if (k->has_handoff) {
        cs_dist_describe(&k->handoff, buf, sizeof buf);
        fprintf(f, "  handoff %s", buf);
    }
    if (k->focus < 1)
        fprintf(f, "  focus %g", k->focus);
    if (k->cost_per_day > 0)
        fprintf(f, "  cost %g/d", k->cost_per_day);
    if (util != NULL)
        fprintf(f, *util < CS_MODEL_LOAD_SHOWN_MAX ? "  load %.2f%s"
                                                   : "  load >%.0e%s",
                *util < CS_MODEL_LOAD_SHOWN_MAX ? *util
                                                : CS_MODEL_LOAD_SHOWN_MAX,
                *util >= 1 ? " (unstable)" : "");
    fputc('\n', f);
}

static void print_class(FILE *f, const cs_model *m, const cs_class *k)
{
    char buf[256];

    fprintf(f, "  %s", k->name);
    if (k->priority != 0)
        fprintf(f, "  priority %d", k->priority);
    if (k->has_due)
        fprintf(f, "  due %gd", k->due);
    if (k->arrival == CS_ARRIVE_RATE)
        fprintf(f, "  arrivals %g/d", k->rate);
    else if (k->arrival == CS_ARRIVE_INTERVAL) {
        cs_dist_describe(&k->interval, buf, sizeof buf);
        fprintf(f, "  arrivals every %s", buf);
    }
    if (k->batch > 1)
        fprintf(f, " x%d", k->batch);
    if (k->backlog > 0)
        fprintf(f, "  backlog %d", k->backlog);
    fputc('\n', f);
    for (int i = 0; i < k->nroute; i++)
        print_step(f, m, k, &k->steps[k->route[i]], "    ");
}

static void print_promise(FILE *f, const cs_model *m, const cs_promise *k)
{
    const char *w = k->work >= 0 ? m->classes[k->work].name : "all work";
    char buf[256];
    const char *name = cs_str_printable(k->name, buf, sizeof buf);

    if (k->kind == CS_PROMISE_LEAD_TIME)
        fprintf(f, "  %s: %g%% of %s within %gd\n", name, k->target * 100, w,
                k->within);
    else
        fprintf(f, "  %s: at least %g items of %s per %gd\n", name,
                k->target, w, k->per);
}

void cs_report_model_check(FILE *f, const cs_model *m)
{
    double *util = calloc((size_t)m->nteams + 1, sizeof *util);

    print_settings(f, m);
    if (util != NULL)
        cs_model_offered_load(m, util);
    fprintf(f, "teams (%d):\n", m->nteams);
    for (int t = 0; t < m->nteams; t++)
        print_team(f, &m->teams[t], util != NULL ? &util[t] : NULL);
    fprintf(f, "work (%d):\n", m->nclasses);
    for (int c = 0; c < m->nclasses; c++)
        print_class(f, m, &m->classes[c]);
    fprintf(f, "promises (%d):\n", m->npromises);
    for (int p = 0; p < m->npromises; p++)
        print_promise(f, m, &m->promises[p]);
    fprintf(f, "cost per day: %g\n", cs_model_cost_per_day(m));
    free(util);
}

void cs_report_model_variant(FILE *f, const cs_model *v)
{
    char buf[1024];

    fprintf(f, "  %s%s%s\n", v->variant, v->hypothesis ? ": " : "",
            v->hypothesis ? cs_str_printable(v->hypothesis, buf, sizeof buf)
                          : "");
}

cs_status cs_report_model_scenario(FILE *f, const cs_scenario *s,
                                   cs_error *err)
{
    const size_t nv = cs_variant_count(s);
    cs_status st = CS_OK;

    for (long v = -1; v < (long)nv && st == CS_OK; v++) {
        cs_model *m = NULL;
        if ((st = cs_variant_build(s, v, &m, err)) != CS_OK)
            break;
        if (v >= 0) {
            cs_report_model_variant(f, m);
        } else {
            cs_report_model_check(f, m);
            if (nv > 0)
                fprintf(f, "variants (%zu):\n", nv);
        }
        cs_model_free(m);
    }
    return st;
}

/* ---- trace ------------------------------------------------------------- */

void cs_report_model_trace_header(FILE *f)
{
    fputs("time,item,class,team,event\n", f);
}

void cs_report_model_trace_line(void *ctx, const cs_trace_event *ev)
{
    const cs_report_model_trace *t = ctx;

    fprintf(t->fp, "%.17g,%llu,", ev->time, (unsigned long long)ev->item);
    cs_report_csv_field(t->fp, t->m->classes[ev->cls].name);
    fputc(',', t->fp);
    if (ev->team >= 0)
        cs_report_csv_field(t->fp, t->m->teams[ev->team].name);
    fprintf(t->fp, ",%s\n", ev->event);
}

cs_status cs_report_model_trace_run(FILE *f, const cs_model *m, uint64_t rep,
                                    int header, cs_error *err)
{
    cs_engine *e = cs_engine_new(m);
    cs_rep *r = cs_engine_rep_new(m);
    cs_report_model_trace tc = {f, m};
    cs_status st;

    if (e == NULL || r == NULL) {
        st = cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    } else {
        cs_engine_set_max_items(e, cs_runner_max_items(m));
        if (header)
            cs_report_model_trace_header(f);
        cs_engine_set_trace(e, cs_report_model_trace_line, &tc);
        st = cs_engine_run(e, rep, m->warmup_auto ? 0 : m->warmup, r, err);
    }
    cs_engine_rep_free(r);
    cs_engine_free(e);
    return st;
}
