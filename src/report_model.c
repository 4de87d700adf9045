/*
** report_model.c - the description "check" prints and the trace CSV
** (report_model.h).  Output is stable: scripts and golden tests compare
** it byte for byte.
*/
#include "chainsim/report_model.h"

#include <assert.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/dist.h"
#include "chainsim/report.h"
#include "chainsim/runner.h"
#include "chainsim/scenario.h"
#include "chainsim/str.h"
#include "chainsim/theory.h"

/* ---- check ------------------------------------------------------------- */

static void print_duration(FILE *f, double d)
{
    fprintf(f, "%gd", d);
}

/* A team or, mapped by context, "{finance: fin-bi, sales: sales-bi}". */
static void print_step_team(FILE *f, const cs_model *m, const cs_class *k,
                       int team, const int *ctx_team)
{
    if (ctx_team == NULL) {
        fputs(m->teams[team].name, f);
        return;
    }
    fputc('{', f);
    for (int c = 0; c < k->ncontexts; c++)
        fprintf(f, "%s%s: %s", c > 0 ? ", " : "", k->contexts[c],
                m->teams[ctx_team[c]].name);
    fputc('}', f);
}

/* A choice step's options and a step's escapes, below the step. */
static void print_routes(FILE *f, const cs_model *m, const cs_class *k,
                         const cs_step *s, const char *indent)
{
    char buf[256];

    for (int o = 0; o < s->noptions; o++) {
        const cs_option *op = &s->options[o];
        fprintf(f, "%s  | option p=%g  ", indent, op->p);
        print_step_team(f, m, k, op->team, op->ctx_team);
        cs_dist_describe(&op->effort, buf, sizeof buf);
        fprintf(f, "  effort %s", buf);
        if (op->has_handoff) {
            cs_dist_describe(&op->handoff, buf, sizeof buf);
            fprintf(f, "  handoff %s (the option's)", buf);
        }
        fputc('\n', f);
    }
    if (s->has_escapes) {
        cs_dist_describe(&s->escape_after, buf, sizeof buf);
        fprintf(f, "%s  escapes p=%g after %s: new %s items\n", indent,
                s->escape_p, buf, m->classes[s->escape_work].name);
    }
}

static void print_step(FILE *f, const cs_model *m, const cs_class *k,
                       const cs_step *s, const char *indent)
{
    char buf[256];

    if (s->joint) {
        cs_dist_describe(&s->effort, buf, sizeof buf);
        fprintf(f, "%sjoint", indent);
        for (int b = 0; b < s->nbranches; b++)
            fprintf(f, "%s%s", b > 0 ? " + " : " ",
                    m->teams[k->steps[s->branch_first + b].team].name);
        if (s->id != NULL && strchr(s->id, '+') == NULL)
            fprintf(f, " (id %s)", s->id);
        fprintf(f, "  effort %s, one worker of each team together", buf);
        if (s->p < 1)
            fprintf(f, "  p=%g", s->p);
        if (s->has_handoff) {
            cs_dist_describe(&s->handoff, buf, sizeof buf);
            fprintf(f, "  handoff %s (the step's)", buf);
        }
        fputc('\n', f);
    } else if (s->kind == CS_STEP_PARALLEL) {
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
    } else if (s->noptions > 0) {
        fprintf(f, "%schoice (id %s)", indent, s->id ? s->id : "?");
        if (s->p < 1)
            fprintf(f, "  p=%g", s->p);
        fputc('\n', f);
    } else if (s->ctx_team != NULL) {
        cs_dist_describe(&s->effort, buf, sizeof buf);
        fputs(indent, f);
        print_step_team(f, m, k, s->team, s->ctx_team);
        fprintf(f, " (id %s)  effort %s", s->id ? s->id : "?", buf);
        if (s->p < 1)
            fprintf(f, "  p=%g", s->p);
        if (s->has_handoff) {
            cs_dist_describe(&s->handoff, buf, sizeof buf);
            fprintf(f, "  handoff %s (the step's)", buf);
        }
        fputc('\n', f);
    } else {
        cs_dist_describe(&s->effort, buf, sizeof buf);
        fprintf(f, "%s%s", indent, m->teams[s->team].name);
        if (s->id != NULL && strcmp(s->id, m->teams[s->team].name) != 0)
            fprintf(f, " (id %s)", s->id);
        fprintf(f, "  effort %s", buf);
        if (s->p < 1)
            fprintf(f, "  p=%g", s->p);
        if (s->has_handoff) {
            cs_dist_describe(&s->handoff, buf, sizeof buf);
            fprintf(f, "  handoff %s (the step's)", buf);
        }
        fputc('\n', f);
    }
    print_routes(f, m, k, s, indent);
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
    if (m->timeline > 0) {
        const double n = fmax(1.0, ceil(m->horizon / m->timeline));
        fprintf(f, "timeline: %.0f period%s of %gd\n", n, n > 1 ? "s" : "",
                m->timeline);
    }
    if (m->wip_limit > 0)
        fprintf(f, "wip limit: at most %d items inside the chain (CONWIP), "
                "the others wait in the backlog\n", m->wip_limit);
}

/* The repetition of a step function, if any: ", every 260 days". */
static void print_every(FILE *f, double every)
{
    if (every > 0)
        fprintf(f, ", every %g days", every);
}

/* Capacity over time: "schedule: 4 from day 100, 2 from day 180". */
static void print_schedule(FILE *f, const cs_team *k)
{
    if (k->nschedule == 0)
        return;
    fputs("    schedule: ", f);
    for (int i = 0; i < k->nschedule; i++)
        fprintf(f, "%s%d from day %g", i > 0 ? ", " : "",
                k->schedule[i].capacity, k->schedule[i].from);
    print_every(f, k->schedule_every);
    fputc('\n', f);
}

/* Speed over time: "productivity: x0.6 at day 0, x1 at day 60". */
static void print_productivity(FILE *f, const cs_team *k)
{
    if (k->nproductivity == 0)
        return;
    fputs("    productivity: ", f);
    for (int i = 0; i < k->nproductivity; i++)
        fprintf(f, "%sx%g at day %g", i > 0 ? ", " : "",
                k->productivity[i].factor, k->productivity[i].at);
    fputs(k->nproductivity > 1 ? " (linear between)\n" : "\n", f);
}

/* util: the offered load per team, or NULL when it could not be had. */
static void print_team(FILE *f, const cs_model *m, const cs_team *k,
                       const double *util)
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
    if (k->has_resume_cost) {
        cs_dist_describe(&k->resume_cost, buf, sizeof buf);
        fprintf(f, "  resume cost %s", buf);
    }
    if (k->items_per_person > 0)
        fprintf(f, "  multitasking %d per person, switch loss %g",
                k->items_per_person, k->switch_loss);
    if (k->intake_every > 0)
        fprintf(f, "  intake every %gd from day %g", k->intake_every,
                k->intake_offset);
    if (k->focus < 1)
        fprintf(f, "  focus %g", k->focus);
    if (k->cost_per_day > 0)
        fprintf(f, "  cost %g/d", k->cost_per_day);
    if (util != NULL)
        fprintf(f, *util < CS_MODEL_LOAD_SHOWN_MAX ? "  load %.2f%s"
                                                   : "  load >%.0e%s",
                *util < CS_MODEL_LOAD_SHOWN_MAX ? *util
                                                : CS_MODEL_LOAD_SHOWN_MAX,
                *util < 1 ? ""
                : cs_model_team_patient(m, (int)(k - m->teams))
                    ? " (items give up)"
                    : " (unstable)");
    fputc('\n', f);
    print_schedule(f, k);
    print_productivity(f, k);
}

/* Demand over time: "profile: x2 from day 50, every 65 days". */
static void print_profile(FILE *f, const cs_class *k)
{
    if (k->nprofile == 0)
        return;
    fputs("    profile: ", f);
    for (int i = 0; i < k->nprofile; i++)
        fprintf(f, "%sx%g from day %g", i > 0 ? ", " : "",
                k->profile[i].factor, k->profile[i].from);
    print_every(f, k->profile_every);
    fputc('\n', f);
}

/* Today's board: "start: 4 at ingestion aged 10d, 2 at build (18 initial
** items)". */
static void print_start(FILE *f, const cs_class *k)
{
    if (k->nstart == 0)
        return;
    fputs("    start: ", f);
    for (int i = 0; i < k->nstart; i++) {
        const cs_start *s = &k->start[i];
        const char *id = k->steps[k->route[s->at]].id;
        fprintf(f, "%s%d at %s", i > 0 ? ", " : "", s->count,
                id != NULL ? id : "(parallel)");
        if (s->age > 0)
            fprintf(f, " aged %gd", s->age);
    }
    fprintf(f, " (%ld initial item%s)\n", cs_model_class_initial(k),
            cs_model_class_initial(k) == 1 ? "" : "s");
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
    if (k->wip_limit > 0)
        fprintf(f, "  wip %d inside the chain", k->wip_limit);
    if (k->has_patience) {
        cs_dist_describe(&k->patience, buf, sizeof buf);
        fprintf(f, "  patience %s", buf);
    }
    if (cs_model_is_escape_target(m, (int)(k - m->classes)))
        fputs("  arrives by escapes (failure demand)", f);
    if (k->ncontexts > 0) {
        fputs("  contexts", f);
        for (int c = 0; c < k->ncontexts; c++)
            fprintf(f, "%s %s %g", c > 0 ? "," : "", k->contexts[c],
                    k->context_share[c]);
    }
    fputc('\n', f);
    print_profile(f, k);
    print_start(f, k);
    for (int i = 0; i < k->nroute; i++)
        print_step(f, m, k, &k->steps[k->route[i]], "    ");
}

static void print_promise(FILE *f, const cs_model *m, const cs_promise *k)
{
    char buf[256], list[512];
    const char *name = cs_str_printable(k->name, buf, sizeof buf);
    const char *w = k->work >= 0 ? m->classes[k->work].name : "all work";

    if (k->work == CS_PROMISE_WORK_LIST) {
        size_t n = 0;
        list[0] = '\0';
        for (int i = 0; i < k->nworks && n < sizeof list; i++) {
            const int got = snprintf(list + n, sizeof list - n, "%s%s",
                                     i > 0 ? (i + 1 < k->nworks ? ", "
                                                                : " and ")
                                           : "",
                                     m->classes[k->works[i]].name);
            n += got > 0 ? (size_t)got : 0;
        }
        w = list;
    }

    if (k->kind == CS_PROMISE_LEAD_TIME && k->at_team)
        fprintf(f, "  %s: %g%% of the visits of %s to %s within %gd (from "
                "admission to leaving the team)\n", name, k->target * 100, w,
                m->teams[k->team].name, k->within);
    else if (k->kind == CS_PROMISE_LEAD_TIME)
        fprintf(f, "  %s: %g%% of %s within %gd\n", name, k->target * 100, w,
                k->within);
    else if (k->kind == CS_PROMISE_DONE_BY)
        fprintf(f, "  %s: the initial items of %s done by day %g in %g%% of "
                "replications\n", name, w, k->done_by, k->target * 100);
    else
        fprintf(f, "  %s: at least %g items of %s per %gd\n", name,
                k->target, w, k->per);
}

/* ---- the theory check -------------------------------------------------- */

/* A duration for people: "1.23d", "12.3d", "123d". */
static void print_days(FILE *f, double d)
{
    fprintf(f, d < 10 ? "%.2fd" : d < 100 ? "%.1fd" : "%.0fd", d);
}

/* The load as check's team line shows it. */
static void print_load(FILE *f, double load)
{
    if (load < CS_MODEL_LOAD_SHOWN_MAX)
        fprintf(f, "%.2f", load);
    else
        fprintf(f, ">%.0e", CS_MODEL_LOAD_SHOWN_MAX);
}

void cs_report_model_theory(FILE *f, const cs_model *m, const char *indent)
{
    cs_theory t;
    cs_error err;
    int any = 0;

    cs_error_clear(&err);
    if (cs_theory_init(&t, m, &err) != CS_OK)
        return;
    fprintf(f, "%stheory (approximate, before any run: Allen-Cunneen for "
            "G/G/c in steady state):\n", indent);
    for (int x = 0; x < t.nteams; x++) {
        const cs_theory_team *const tt = &t.teams[x];

        fprintf(f, "%s  %-20s ", indent, m->teams[x].name);
        switch (tt->status) {
        case CS_THEORY_IDLE:
            fputs("no work\n", f);
            break;
        case CS_THEORY_OVERLOADED:
            fputs("overloaded (load ", f);
            print_load(f, tt->load);
            fputs(")\n", f);
            break;
        case CS_THEORY_NA:
            fputs("load ", f);
            print_load(f, tt->load);
            fprintf(f, "  queue wait not given: %s\n", tt->why);
            break;
        case CS_THEORY_OK:
            fputs("load ", f);
            print_load(f, tt->load);
            fputs("  queue wait ", f);
            print_days(f, tt->wait);
            fprintf(f, "  (c %d, ca2 %.2f, cs2 %.2f)\n", tt->servers,
                    tt->ca2, tt->cs2);
            break;
        }
    }
    if (!isnan(t.lead_time)) {
        fprintf(f, "%s  lead time ", indent);
        print_days(f, t.lead_time);
        for (int c = 0; c < t.nclasses; c++) {
            if (isnan(t.class_lead[c]))
                continue;
            fprintf(f, "%s%s ", any++ ? ", " : "  (", m->classes[c].name);
            print_days(f, t.class_lead[c]);
        }
        fputs(any > 0 ? ")\n" : "\n", f);
    } else {
        fprintf(f, "%s  lead time not given: some route visits a team above "
                "(or has no arrivals)\n", indent);
    }
    cs_theory_fini(&t);
}

void cs_report_model_check(FILE *f, const cs_model *m)
{
    double *util = calloc((size_t)m->nteams + 1, sizeof *util);

    print_settings(f, m);
    if (util != NULL)
        cs_model_offered_load(m, util);
    fprintf(f, "teams (%d):\n", m->nteams);
    for (int t = 0; t < m->nteams; t++)
        print_team(f, m, &m->teams[t], util != NULL ? &util[t] : NULL);
    cs_report_model_theory(f, m, "");
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

/* ---- deadlocks the structure makes certain ---------------------------- */

/*
** Why a parallel step can overfill a team and nothing else can (engine.c):
** a branch part counts in its team's WIP from its admission until the item
** has moved on after the join, and the item moves on only when every part
** has finished.  So all the parts a step sends to one team are in it at
** once: when a team with a WIP limit L is sent more than L parts of one
** step, the ones admitted fill it and the others wait for room that only
** their own item would free.  Parts that take over the item's slot at the
** team it comes from do not change the count.  Only branches needed on
** every pass (p = 1) are counted, so the proof holds for every item that
** takes the step; sequences and rework need one slot at a time.
*/

/* Branches of parallel step s (of class k) to team t that are always
** needed. */
static int sure_branches(const cs_class *k, const cs_step *s, int t)
{
    int n = 0;

    for (int b = 0; b < s->nbranches; b++) {
        const cs_step *br = &k->steps[s->branch_first + b];
        n += br->team == t && br->p >= 1.0;
    }
    return n;
}

int cs_report_model_find_deadlock(const cs_model *m,
                                  cs_report_model_deadlock *d)
{
    for (int c = 0; c < m->nclasses; c++) {
        const cs_class *k = &m->classes[c];

        for (int i = 0; i < k->nroute; i++) {
            const cs_step *s = &k->steps[k->route[i]];

            for (int b = 0; s->kind == CS_STEP_PARALLEL && b < s->nbranches;
                 b++) {
                const int t = k->steps[s->branch_first + b].team;
                const int n = sure_branches(k, s, t);
                const int limit = m->teams[t].wip_limit;

                if (limit > 0 && n > limit) {
                    d->cls = c;
                    d->step = k->route[i];
                    d->team = t;
                    d->nbranches = n;
                    return 1;
                }
            }
        }
    }
    return 0;
}

/* The ids of d's branches, "b1, b2, b3" (at most 6, then "..."). */
static void branch_ids(const cs_model *m, const cs_report_model_deadlock *d,
                       char *buf, size_t size)
{
    const cs_class *k = &m->classes[d->cls];
    const cs_step *s = &k->steps[d->step];
    size_t len = 0;
    int listed = 0;

    buf[0] = '\0';
    for (int b = 0; b < s->nbranches && len < size; b++) {
        const cs_step *br = &k->steps[s->branch_first + b];
        int w;

        if (br->team != d->team || br->p < 1.0)
            continue;
        w = snprintf(buf + len, size - len, "%s%s", listed > 0 ? ", " : "",
                     listed < 6 ? br->id : "...");
        if (w < 0 || listed++ == 6)
            break;
        len += (size_t)w;
    }
}

cs_status cs_report_model_deadlock_error(const cs_model *m,
                                         const cs_report_model_deadlock *d,
                                         const char *file, cs_error *err)
{
    const cs_step *s = &m->classes[d->cls].steps[d->step];
    const cs_team *t = &m->teams[d->team];
    const cs_pos at = s->pos.line > 0 ? s->pos : t->pos;
    const int base = m->variant == NULL || strcmp(m->variant, "baseline") == 0;
    char ids[160];

    branch_ids(m, d, ids, sizeof ids);
    return cs_error_set(
        err, CS_EINPUT, at.line > 0 ? file : NULL, at.line, at.column,
        "certain deadlock: this parallel step sends %d branches (%s) to team "
        "%s, whose wip_limit is %d: the branches admitted fill %s and the "
        "others wait for room that only their own item would free, so every "
        "item of %s that takes this step waits forever; raise %s's wip_limit "
        "to %d or more, or send at most %d of these branches to %s%s%s%s",
        d->nbranches, ids, t->name, t->wip_limit, t->name,
        m->classes[d->cls].name, t->name, d->nbranches, t->wip_limit, t->name,
        base ? "" : " (in variant '", base ? "" : m->variant,
        base ? "" : "')");
}

cs_status cs_report_model_prove(const cs_model *m, const char *file,
                                cs_error *err)
{
    cs_report_model_deadlock d;

    return cs_report_model_find_deadlock(m, &d)
               ? cs_report_model_deadlock_error(m, &d, file, err)
               : CS_OK;
}

/* ---- the whole scenario -------------------------------------------- */

/* Builds and proves the models of the baseline and every variant into
** models[0..nv]; returns the first error. */
static cs_status build_all(const cs_scenario *s, cs_model **models, size_t nv,
                           cs_error *err)
{
    cs_status st = CS_OK;

    for (size_t i = 0; i <= nv && st == CS_OK; i++)
        if ((st = cs_variant_build(s, (long)i - 1, &models[i], err)) == CS_OK)
            st = cs_report_model_prove(models[i], cs_scenario_file(s), err);
    return st;
}

cs_status cs_report_model_scenario(FILE *f, const cs_scenario *s,
                                   long variant, cs_error *err)
{
    const size_t nv = cs_variant_count(s);
    cs_model **models = calloc(nv + 1, sizeof *models);
    cs_status st;

    assert(variant >= -1 && variant < (long)nv);
    if (models == NULL)
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    if ((st = build_all(s, models, nv, err)) == CS_OK) {
        cs_report_model_check(f, models[variant + 1]);
        if (variant < 0 && nv > 0)
            fprintf(f, "variants (%zu):\n", nv);
        for (size_t i = 1; variant < 0 && i <= nv; i++)
            cs_report_model_variant(f, models[i]);
    }
    for (size_t i = 0; i <= nv; i++)
        cs_model_free(models[i]);
    free(models);
    return st;
}

/* ---- trace ------------------------------------------------------------- */

void cs_report_model_trace_header(FILE *f)
{
    fputs("time,item,class,team,event\n", f);
}

void cs_report_model_trace_init(cs_report_model_trace *t, FILE *fp,
                                const cs_model *m, uint64_t max_events)
{
    memset(t, 0, sizeof *t);
    t->fp = fp;
    t->m = m;
    t->max = max_events;
    atomic_init(&t->stop, 0);
}

void cs_report_model_trace_line(void *ctx, const cs_trace_event *ev)
{
    cs_report_model_trace *t = ctx;

    if (t->max > 0 && t->n >= t->max) {
        if (!t->cut)
            t->cut_time = ev->time;
        t->cut = 1;
        atomic_store(&t->stop, 1);
        return;
    }
    fprintf(t->fp, "%.17g,%llu,", ev->time, (unsigned long long)ev->item);
    cs_report_csv_field(t->fp, t->m->classes[ev->cls].name);
    fputc(',', t->fp);
    if (ev->team >= 0)
        cs_report_csv_field(t->fp, t->m->teams[ev->team].name);
    fprintf(t->fp, ",%s\n", ev->event);
    t->n++;
    if (ferror(t->fp))
        atomic_store(&t->stop, 1);   /* nothing more can be written */
}

/* What a run that the trace stopped returns instead of CS_EINTR. */
static cs_status trace_stopped(const cs_report_model_trace *t, cs_error *err)
{
    if (!t->cut)
        return cs_error_set(err, CS_EIO, NULL, 0, 0,
                            "cannot write the trace");
    return cs_error_set(err, CS_ESIM, NULL, 0, 0,
                        "the trace stops after %llu events, at day %.1f "
                        "(the events up to there are written): raise "
                        "--max-events or shorten --horizon for the rest",
                        (unsigned long long)t->n, t->cut_time);
}

cs_status cs_report_model_trace_run(FILE *f, const cs_model *m, uint64_t rep,
                                    int header, uint64_t max_events,
                                    cs_error *err)
{
    cs_engine *e = cs_engine_new(m);
    cs_rep *r = cs_engine_rep_new(m);
    cs_report_model_trace tc;
    cs_status st;

    cs_report_model_trace_init(&tc, f, m, max_events);
    if (e == NULL || r == NULL) {
        st = cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    } else {
        cs_engine_set_max_items(e, cs_runner_max_items(m));
        if (header)
            cs_report_model_trace_header(f);
        cs_engine_set_trace(e, cs_report_model_trace_line, &tc);
        cs_engine_set_stop(e, &tc.stop);
        st = cs_engine_run(e, rep, m->warmup_auto ? 0 : m->warmup, r, err);
        /* the engine sees the stop flag only every so many events */
        if (st == CS_EINTR || (st == CS_OK && (tc.cut || ferror(f))))
            st = trace_stopped(&tc, err);
    }
    cs_engine_rep_free(r);
    cs_engine_free(e);
    return st;
}
