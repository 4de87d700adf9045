/*
** test_patch.c - merge patches (named lists, keyed patches, nulls, big
** documents) and --set overrides.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chainsim/doc.h"
#include "chainsim/error.h"
#include "chainsim/node.h"
#include "chainsim/patch.h"
#include "doc_util.h"

/* ------------------------------------------------------------------ */
/* Merge                                                               */
/* ------------------------------------------------------------------ */

/* Merges the document patch into the document target; checks CS_OK. */
static void merge_docs(cs_doc *target, const cs_doc *patch)
{
    cs_error e;

    ck_assert_int_eq(cs_patch_merge(&target->root, patch->root, &e), CS_OK);
}

START_TEST(test_merge_nested_maps)
{
    cs_doc *t = load_ok("a: {b: 1, c: 2}\nd: 3\n");
    cs_doc *p = load_ok("a:\n  b: 5\n  e: {f: 6}\n");
    const cs_node *a;

    merge_docs(t, p);
    a = at(t->root, "a");
    ck_assert_uint_eq(a->nchildren, 3);
    ck_assert_str_eq(a->keys[0], "b");
    ck_assert_str_eq(a->keys[1], "c");
    ck_assert_str_eq(a->keys[2], "e");
    ck_assert_str_eq(text_at(t->root, "a.b"), "5");
    ck_assert_str_eq(text_at(t->root, "a.c"), "2");
    ck_assert_str_eq(text_at(t->root, "a.e.f"), "6");
    ck_assert_str_eq(text_at(t->root, "d"), "3");
    /* the merged map stays the target's; replaced values are the patch's */
    ck_assert_ptr_eq(a->file, t->file);
    assert_pos(a, 1, 4);
    ck_assert_ptr_eq(at(t->root, "a.b")->file, p->file);
    assert_pos(at(t->root, "a.b"), 2, 6);
    assert_key_pos(a, "b", 2, 3);                /* moved with the value */
    assert_key_pos(a, "c", 1, 11);
    assert_key_pos(a, "e", 3, 3);
    assert_key_pos(t->root, "a", 1, 1);          /* merged in place */
    cs_doc_free(p);
    cs_doc_free(t);
}
END_TEST

START_TEST(test_merge_key_error_file)
{
    cs_doc *t = load_ok("a: {b: 1, c: 2}\n");
    cs_doc *p = NULL;
    cs_error e;

    ck_assert_int_eq(cs_doc_load_string("p.yaml", "a: {b: 9}\n", 10, &p, NULL),
                     CS_OK);
    merge_docs(t, p);
    cs_node_key_error(&e, at(t->root, "a"), 0, CS_EINPUT, "k");
    ck_assert_str_eq(e.file, "p.yaml");
    ck_assert_int_eq(e.line, 1);
    ck_assert_int_eq(e.column, 5);
    cs_node_key_error(&e, at(t->root, "a"), 1, CS_EINPUT, "k");
    ck_assert_str_eq(e.file, "t.yaml");
    ck_assert_int_eq(e.column, 11);
    cs_doc_free(p);
    cs_doc_free(t);
}
END_TEST

START_TEST(test_merge_named_list)
{
    cs_doc *t = load_ok("teams:\n"
                        "  - {name: x, capacity: 1, focus: 0.5}\n"
                        "  - {name: y, capacity: 2}\n");
    cs_doc *p = load_ok("teams:\n"
                        "  - {name: y, capacity: 7}\n"
                        "  - {name: z, capacity: 1, focus: null}\n"
                        "  - {name: x, focus: null}\n");
    const cs_node *teams;

    merge_docs(t, p);
    teams = at(t->root, "teams");
    ck_assert_uint_eq(teams->nchildren, 3);
    ck_assert_str_eq(text_at(t->root, "teams.0.name"), "x");
    ck_assert_str_eq(text_at(t->root, "teams.0.capacity"), "1");
    ck_assert_int_eq(cs_node_find(at(t->root, "teams.0"), "focus"), -1);
    ck_assert_str_eq(text_at(t->root, "teams.1.name"), "y");
    ck_assert_str_eq(text_at(t->root, "teams.1.capacity"), "7");
    ck_assert_str_eq(text_at(t->root, "teams.2.name"), "z");   /* appended */
    ck_assert_uint_eq(at(t->root, "teams.2")->nchildren, 2);   /* no null */
    ck_assert_ptr_eq(at(t->root, "teams.2")->file, p->file);
    ck_assert_ptr_eq(teams->file, t->file);
    cs_doc_free(p);
    cs_doc_free(t);
}
END_TEST

START_TEST(test_merge_append_to_empty_list)
{
    cs_doc *t = load_ok("teams: []\n");
    cs_doc *p = load_ok("teams: [{name: a}, {name: b}]\n");

    merge_docs(t, p);
    ck_assert_uint_eq(at(t->root, "teams")->nchildren, 2);
    ck_assert_str_eq(text_at(t->root, "teams.1.name"), "b");
    cs_doc_free(p);
    cs_doc_free(t);
}
END_TEST

START_TEST(test_merge_empty_list_patch_replaces)
{
    cs_doc *t = load_ok("teams: [{name: a}, {name: b}]\n");
    cs_doc *p = load_ok("teams: []\n");

    merge_docs(t, p);
    ck_assert_int_eq(at(t->root, "teams")->kind, CS_NODE_SEQ);
    ck_assert_uint_eq(at(t->root, "teams")->nchildren, 0);
    cs_doc_free(p);
    cs_doc_free(t);
}
END_TEST

START_TEST(test_merge_null_removes_key)
{
    cs_doc *t = load_ok("a: 1\nb: {c: 2, d: 3}\ne: 4\n");
    cs_doc *p = load_ok("a: null\nb: {d: ~}\nzz: null\n");

    merge_docs(t, p);
    ck_assert_uint_eq(t->root->nchildren, 2);
    ck_assert_str_eq(t->root->keys[0], "b");
    ck_assert_str_eq(t->root->keys[1], "e");
    ck_assert_uint_eq(at(t->root, "b")->nchildren, 1);
    ck_assert_str_eq(text_at(t->root, "b.c"), "2");
    ck_assert_int_eq(cs_node_find(t->root, "zz"), -1);
    cs_doc_free(p);
    cs_doc_free(t);
}
END_TEST

START_TEST(test_merge_keyed_patch_on_named_list)
{
    cs_doc *t = load_ok("teams:\n"
                        "  - {name: ingestion, capacity: 2}\n"
                        "  - {name: governance, capacity: 1}\n"
                        "  - {name: reporting, capacity: 1}\n");
    cs_doc *p = load_ok("teams:\n"
                        "  ingestion: {capacity: 3}\n"
                        "  governance: null\n"
                        "  platform: {capacity: 4, wip_limit: null}\n"
                        "  odd: 5\n");
    const cs_node *teams;

    merge_docs(t, p);
    teams = at(t->root, "teams");
    ck_assert_int_eq(teams->kind, CS_NODE_SEQ);
    ck_assert_uint_eq(teams->nchildren, 4);
    ck_assert_str_eq(text_at(t->root, "teams.0.name"), "ingestion");
    ck_assert_str_eq(text_at(t->root, "teams.0.capacity"), "3");
    ck_assert_str_eq(text_at(t->root, "teams.3"), "5");  /* left to check */
    ck_assert_str_eq(text_at(t->root, "teams.1.name"), "reporting");
    ck_assert_str_eq(text_at(t->root, "teams.2.name"), "platform");
    ck_assert_str_eq(text_at(t->root, "teams.2.capacity"), "4");
    ck_assert_uint_eq(at(t->root, "teams.2")->nchildren, 2);
    assert_pos(at(t->root, "teams.2.name"), 4, 3);   /* the patch key */
    cs_doc_free(p);
    cs_doc_free(t);
}
END_TEST

/* Merges the document text into a target of three teams; expects an
** error at line:column whose message has msg_part. */
static void merge_fails(const char *text, int line, int column,
                        const char *msg_part)
{
    cs_doc *t = load_ok("teams:\n"
                        "  - {name: ingestion, capacity: 2}\n"
                        "  - {name: governance, capacity: 1}\n"
                        "  - {name: reporting, capacity: 1}\n");
    cs_doc *p = load_ok(text);
    cs_error e;

    cs_error_clear(&e);
    ck_assert_int_eq(cs_patch_merge(&t->root, p->root, &e), CS_EINPUT);
    assert_error(&e, line, column, msg_part);
    cs_doc_free(p);
    cs_doc_free(t);
}

/* A name that matches nothing, or twice: an error at the name. */
START_TEST(test_merge_named_list_errors)
{
    cs_doc *t, *p;
    char big[2000] = "teams:\n";

    merge_fails("teams:\n  ghost: null\n", 2, 3, "cannot remove 'ghost': "
                "teams has no element of that name");
    merge_fails("teams:\n  reporting: {capacity: 3}\n  governace: null\n",
                3, 3, "cannot remove 'governace': teams has no element of "
                "that name (did you mean 'governance'?)");
    merge_fails("teams:\n  ingestoin: {capacity: 3}\n", 2, 3,
                "teams has no element named 'ingestoin' (did you mean "
                "'ingestion'?); to add one under a name this close, use the "
                "list form (- name: ingestoin)");
    merge_fails("teams:\n  - {name: ingestion, capacity: 3}\n"
                "  - {name: platform}\n  - {name: ingestion, wip_limit: 2}\n",
                4, 12, "'ingestion' is listed twice in this patch of teams");
    /* a name new to both the target and the patch is listed twice */
    merge_fails("teams:\n  - {name: reportng}\n  - {name: reportng}\n", 3, 12,
                "'reportng' is listed twice in this patch of teams; give "
                "each element once (did you mean 'reporting'?)");
    /* in a patch list too big for a linear scan */
    for (int i = 0; i < 20; i++)
        snprintf(big + strlen(big), sizeof big - strlen(big),
                 "  - {name: t%d}\n", i == 19 ? 7 : i);
    merge_fails(big, 21, 12, "'t7' is listed twice in this patch of teams");
    /* nested lists name their key */
    t = load_ok("work:\n  - name: w\n    steps: [{name: a}, {name: b}]\n");
    p = load_ok("work:\n  w:\n    steps: {c: null}\n");
    {
        cs_error e;
        ck_assert_int_eq(cs_patch_merge(&t->root, p->root, &e), CS_EINPUT);
        assert_error(&e, 3, 13, "cannot remove 'c': steps has no element of "
                     "that name (did you mean 'a'?)");
    }
    cs_doc_free(p);
    cs_doc_free(t);
    /* names far from every existing one are added, in either form */
    t = load_ok("teams:\n  - {name: ingestion}\n  - {name: reporting}\n");
    p = load_ok("teams:\n  platform: {capacity: 2}\n");
    merge_docs(t, p);
    cs_doc_free(p);
    p = load_ok("teams:\n  - {name: reportng, capacity: 2}\n");
    merge_docs(t, p);
    ck_assert_uint_eq(at(t->root, "teams")->nchildren, 4);
    ck_assert_str_eq(text_at(t->root, "teams.2.name"), "platform");
    ck_assert_str_eq(text_at(t->root, "teams.3.name"), "reportng");
    cs_doc_free(p);
    cs_doc_free(t);
}
END_TEST

START_TEST(test_merge_type_change_replaces)
{
    cs_doc *t = load_ok("a: 1\nb: {c: 1}\nc: [1, 2]\nd: [{name: x}]\n"
                        "e: [{name: x}]\n");
    cs_doc *p = load_ok("a: {x: 1, y: null}\nb: 2\nc: [{name: q}]\n"
                        "d: [1]\ne: 'text'\n");

    merge_docs(t, p);
    ck_assert_int_eq(at(t->root, "a")->kind, CS_NODE_MAP);
    ck_assert_uint_eq(at(t->root, "a")->nchildren, 1);   /* nulls dropped */
    ck_assert_str_eq(text_at(t->root, "b"), "2");
    ck_assert_uint_eq(at(t->root, "c")->nchildren, 1);
    ck_assert_str_eq(text_at(t->root, "c.0.name"), "q");
    ck_assert_str_eq(text_at(t->root, "d.0"), "1");
    ck_assert_str_eq(text_at(t->root, "e"), "text");
    ck_assert_int_eq(at(t->root, "e")->plain, 0);
    cs_doc_free(p);
    cs_doc_free(t);
}
END_TEST

START_TEST(test_merge_patch_is_cloned)
{
    cs_doc *t = load_ok("teams: [{name: a, capacity: 1}]\nx: {y: 1}\n");
    cs_doc *p = load_ok("teams: [{name: b, capacity: 2, deep: {k: [1]}}]\n"
                        "x: {z: {w: 3}}\nnew: [1, 2]\n");
    cs_node *patch = cs_node_clone(p->root);
    cs_error e;

    ck_assert_int_eq(cs_patch_merge(&t->root, patch, &e), CS_OK);
    cs_node_free(patch);   /* the target must not share its nodes */
    ck_assert_str_eq(text_at(t->root, "teams.1.deep.k.0"), "1");
    ck_assert_str_eq(text_at(t->root, "x.z.w"), "3");
    ck_assert_str_eq(text_at(t->root, "new.1"), "2");
    ck_assert_str_eq(text_at(p->root, "x.z.w"), "3");   /* patch untouched */
    ck_assert_uint_eq(at(p->root, "teams")->nchildren, 1);
    cs_doc_free(p);
    cs_doc_free(t);
}
END_TEST

START_TEST(test_merge_into_nothing)
{
    cs_doc *p = load_ok("a: {b: null, c: 1}\n");
    cs_node *target = NULL;
    cs_error e;

    ck_assert_int_eq(cs_patch_merge(&target, p->root, &e), CS_OK);
    ck_assert_int_eq(target->kind, CS_NODE_MAP);
    ck_assert_uint_eq(at(target, "a")->nchildren, 1);
    ck_assert_int_eq(cs_patch_merge(&target, NULL, &e), CS_OK);
    ck_assert_uint_eq(target->nchildren, 1);
    cs_node_free(target);
    cs_doc_free(p);
}
END_TEST

START_TEST(test_merge_big_documents)
{
    /* Large maps and named lists use an index; results match. */
    const int n = 3000;
    char *text = malloc((size_t)n * 40 + 64);
    size_t len = 0;
    cs_doc *t, *p;
    const cs_node *list;

    ck_assert_ptr_nonnull(text);
    len += (size_t)sprintf(text, "m:\n");
    for (int i = 0; i < n; i++)
        len += (size_t)sprintf(text + len, "  k%d: %d\n", i, i);
    len += (size_t)sprintf(text + len, "l:\n");
    for (int i = 0; i < n; i++)
        len += (size_t)sprintf(text + len, "  - {name: e%d, v: %d}\n", i, i);
    t = load_ok(text);
    len = (size_t)sprintf(text, "m: {k5: null, k7: x, new: y}\nl:\n");
    for (int i = n - 1; i >= 0; i -= 2)
        len += (size_t)sprintf(text + len, "  - {name: e%d, v: p}\n", i);
    len += (size_t)sprintf(text + len, "  - {name: fresh}\n");
    p = load_ok(text);
    merge_docs(t, p);
    ck_assert_uint_eq(at(t->root, "m")->nchildren, (size_t)n);
    ck_assert_int_eq(cs_node_find(at(t->root, "m"), "k5"), -1);
    ck_assert_str_eq(text_at(t->root, "m.k7"), "x");
    ck_assert_str_eq(text_at(t->root, "m.new"), "y");
    list = at(t->root, "l");
    ck_assert_uint_eq(list->nchildren, (size_t)n + 1);
    ck_assert_str_eq(text_at(t->root, "l.1.v"), "p");
    ck_assert_str_eq(text_at(t->root, "l.2.v"), "2");
    ck_assert_str_eq(text_at(list, "3000.name"), "fresh");
    cs_doc_free(p);

    p = load_ok("l: {e10: null, e11: {v: q}, e12: null}\n");
    merge_docs(t, p);
    ck_assert_uint_eq(at(t->root, "l")->nchildren, (size_t)n - 1);
    ck_assert_str_eq(text_at(t->root, "l.10.name"), "e11");
    ck_assert_str_eq(text_at(t->root, "l.10.v"), "q");
    ck_assert_str_eq(text_at(t->root, "l.11.name"), "e13");
    cs_doc_free(p);
    cs_doc_free(t);
    free(text);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Routes: a class's steps, merged by step id                          */
/* ------------------------------------------------------------------ */

/* A data-product route: a step named by its team (ingestion), one by
** its id (build), a parallel step whose branches are named by their teams
** (governance, security), and a last step (reporting); and a report route
** where modelling appears twice, so neither of its steps is named by the
** team. */
static const char route_doc[] =
    "work:\n"
    "  - name: data-product\n"
    "    steps:\n"
    "      - {team: ingestion, effort: 2d}\n"
    "      - {id: build, team: modelling, effort: 4d}\n"
    "      - id: review\n"
    "        parallel:\n"
    "          - {team: governance, effort: 1d}\n"
    "          - {team: security, effort: 2h}\n"
    "      - {team: reporting, effort: 1d, p: 0.5}\n"
    "  - name: report\n"
    "    steps:\n"
    "      - {team: modelling, effort: 1d}\n"
    "      - {team: modelling, id: polish, effort: 2h}\n"
    "      - {team: governance, effort: 1h}\n";

/* Each step of a route by its "id", else its "team" (else -), joined by
** spaces. */
static void route_is(const cs_node *root, const char *route, const char *want)
{
    const cs_node *steps = at(root, route);
    char got[512] = "";

    for (size_t i = 0; i < steps->nchildren; i++) {
        const cs_node *e = steps->children[i];
        const cs_node *id = cs_node_get(e, "id");
        const cs_node *team = cs_node_get(e, "team");
        const char *t = id != NULL     ? id->text
                        : team != NULL ? team->text
                                       : "-";
        snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s",
                 i > 0 ? " " : "", t);
    }
    ck_assert_str_eq(got, want);
}

/* Merges patch text into route_doc; returns the merged document. */
static cs_doc *route_merged(const char *text)
{
    cs_doc *t = load_ok(route_doc);
    cs_doc *p = load_ok(text);
    cs_error e;

    cs_error_clear(&e);
    ck_assert_msg(cs_patch_merge(&t->root, p->root, &e) == CS_OK, "%d:%d: %s",
                  e.line, e.column, e.msg);
    cs_doc_free(p);
    return t;
}

START_TEST(test_merge_route_by_id)
{
    /* one step changed by its explicit id, the route kept */
    cs_doc *t = route_merged("work:\n"
                             "  data-product:\n"
                             "    steps: [{id: build, effort: 3d}]\n");

    route_is(t->root, "work.0.steps", "ingestion build review reporting");
    ck_assert_str_eq(text_at(t->root, "work.0.steps.1.effort"), "3d");
    ck_assert_str_eq(text_at(t->root, "work.0.steps.1.team"), "modelling");
    ck_assert_str_eq(text_at(t->root, "work.0.steps.0.effort"), "2d");
    ck_assert_str_eq(text_at(t->root, "work.0.steps.3.p"), "0.5");
    ck_assert_uint_eq(at(t->root, "work.1.steps")->nchildren, 3);
    cs_doc_free(t);

    /* a step named by its team, which moves to another team: it keeps
       the id, written out */
    t = route_merged("work:\n"
                     "  - name: data-product\n"
                     "    steps:\n"
                     "      - {id: ingestion, team: platform}\n"
                     "      - {id: reporting, p: null}\n");
    route_is(t->root, "work.0.steps", "ingestion build review reporting");
    ck_assert_str_eq(text_at(t->root, "work.0.steps.0.team"), "platform");
    ck_assert_str_eq(text_at(t->root, "work.0.steps.0.id"), "ingestion");
    ck_assert_str_eq(text_at(t->root, "work.0.steps.0.effort"), "2d");
    ck_assert_int_eq(cs_node_find(at(t->root, "work.0.steps.3"), "p"), -1);
    cs_doc_free(t);

    /* a parallel step by its id, its branches by their teams' names */
    t = route_merged("work:\n"
                     "  data-product:\n"
                     "    steps:\n"
                     "      - id: review\n"
                     "        parallel: [{id: security, effort: 4h}]\n");
    ck_assert_uint_eq(at(t->root, "work.0.steps.2.parallel")->nchildren, 2);
    ck_assert_str_eq(text_at(t->root, "work.0.steps.2.parallel.1.effort"),
                     "4h");
    ck_assert_str_eq(text_at(t->root, "work.0.steps.2.parallel.0.effort"),
                     "1d");
    cs_doc_free(t);

    /* a list of steps that do not all have an id replaces the route */
    t = route_merged("work:\n"
                     "  data-product:\n"
                     "    steps:\n"
                     "      - {id: build, team: modelling, effort: 3d}\n"
                     "      - {team: reporting, effort: 1d}\n");
    route_is(t->root, "work.0.steps", "build reporting");
    cs_doc_free(t);
}
END_TEST

/* New steps go next to the step the patch lists them by. */
START_TEST(test_merge_route_new_steps)
{
    cs_doc *t = route_merged(
        "work:\n"
        "  data-product:\n"
        "    steps:\n"
        "      - {id: build}\n"
        "      - {id: test, team: qa, effort: 1d}\n"
        "      - {id: docs, team: writers, effort: 2h}\n"
        "      - {id: review}\n"
        "      - {id: release, team: ops, effort: 1h}\n");

    route_is(t->root, "work.0.steps",
             "ingestion build test docs review release reporting");
    ck_assert_str_eq(text_at(t->root, "work.0.steps.2.team"), "qa");
    cs_doc_free(t);

    /* listed before any old step: before the first old one listed */
    t = route_merged("work:\n"
                     "  data-product:\n"
                     "    steps:\n"
                     "      - {id: triage, team: sre, effort: 1h}\n"
                     "      - {id: intake, team: pmo, effort: 1h}\n"
                     "      - {id: build, effort: 5d}\n");
    route_is(t->root, "work.0.steps",
             "ingestion triage intake build review reporting");
    cs_doc_free(t);

    /* only new steps: appended, in order */
    t = route_merged("work:\n"
                     "  data-product:\n"
                     "    steps: [{id: a1, team: ops, effort: 1h},\n"
                     "            {id: a2, team: ops, effort: 1h}]\n");
    route_is(t->root, "work.0.steps",
             "ingestion build review reporting a1 a2");
    cs_doc_free(t);

    /* keyed by id: null removes a step, a new one takes its place, and a
       step named by its team can be removed by that name */
    t = route_merged("work:\n"
                     "  data-product:\n"
                     "    steps:\n"
                     "      build: null\n"
                     "      train: {team: ml, effort: 3d}\n"
                     "      reporting: null\n");
    route_is(t->root, "work.0.steps", "ingestion train review");
    ck_assert_str_eq(text_at(t->root, "work.0.steps.1.id"), "train");
    assert_pos(at(t->root, "work.0.steps.1.id"), 5, 7);
    cs_doc_free(t);
}
END_TEST

/* Merges text into route_doc; expects an error at line:column. */
static void route_fails(const char *text, int line, int column,
                        const char *msg)
{
    cs_doc *t = load_ok(route_doc);
    cs_doc *p = load_ok(text);
    cs_error e;

    cs_error_clear(&e);
    ck_assert_int_eq(cs_patch_merge(&t->root, p->root, &e), CS_EINPUT);
    assert_error(&e, line, column, msg);
    cs_doc_free(p);
    cs_doc_free(t);
}

START_TEST(test_merge_route_errors)
{
    /* an unknown id that could only edit a step */
    route_fails("work: {data-product: {steps: [{id: biuld, effort: 3d}]}}\n",
                1, 36, "steps has no step with id 'biuld' (did you mean "
                "'build'?); a new step needs 'team', 'teams' or 'parallel'");
    route_fails("work: {data-product: {steps: {biuld: {effort: 3d}}}}\n",
                1, 31, "steps has no step with id 'biuld' (did you mean "
                "'build'?); a new step needs 'team', 'teams' or 'parallel'");
    /* removing one that is not there */
    route_fails("work: {data-product: {steps: {reportng: null}}}\n", 1, 31,
                "cannot remove 'reportng': steps has no step with that id "
                "(did you mean 'reporting'?)");
    /* a keyed new step under an id close to an existing one */
    route_fails("work: {data-product: {steps: {biuld: {team: a, effort: 1d}}}}"
                "\n", 1, 31, "steps has no step with id 'biuld' (did you "
                "mean 'build'?); to add one under an id this close, use the "
                "list form (- id: biuld)");
    /* modelling appears twice in report's route: its name is no id */
    route_fails("work: {report: {steps: [{id: modelling, effort: 2d}]}}\n",
                1, 30, "steps has no step with id 'modelling'; a new step "
                "needs 'team', 'teams' or 'parallel'");
    /* governance is a branch in data-product and a step in report: in
       data-product it names its branch, as it appears once there */
    route_fails("work:\n"
                "  data-product:\n"
                "    steps:\n"
                "      - id: review\n"
                "        parallel: [{id: governanse, p: 0.5}]\n", 5, 25,
                "parallel has no step with id 'governanse' (did you mean "
                "'governance'?)");
    route_fails("work: {data-product: {steps: [{id: build, p: 1},\n"
                "                              {id: build, p: 2}]}}\n", 2, 36,
                "'build' is listed twice in this patch of steps; give each "
                "step once");
}
END_TEST

/* A branch is named by its team only when that team appears once in the
** whole route, top-level steps included. */
START_TEST(test_merge_route_branch_ids)
{
    cs_doc *t = load_ok("steps:\n"
                        "  - {team: governance, effort: 1h}\n"
                        "  - id: review\n"
                        "    parallel:\n"
                        "      - {team: modelling, effort: 1d}\n"
                        "      - {team: governance, effort: 2h}\n");
    cs_doc *p = load_ok("steps:\n"
                        "  - id: review\n"
                        "    parallel: [{id: modelling, effort: 3d}]\n");
    cs_doc *bad = load_ok("steps:\n"
                          "  - id: review\n"
                          "    parallel: [{id: governance, effort: 3h}]\n");
    cs_error e;

    merge_docs(t, p);
    ck_assert_str_eq(text_at(t->root, "steps.1.parallel.0.effort"), "3d");
    cs_error_clear(&e);
    ck_assert_int_eq(cs_patch_merge(&t->root, bad->root, &e), CS_EINPUT);
    assert_error(&e, 3, 21, "parallel has no step with id 'governance'");
    cs_doc_free(bad);
    cs_doc_free(p);
    cs_doc_free(t);
}
END_TEST

/* Merged over a document that overrides changed, a patch's removals of
** what is already gone do nothing; its other checks stay. */
START_TEST(test_merge_over)
{
    cs_doc *t = load_ok(route_doc);
    cs_doc *p = load_ok("teams: {reporting: null}\n"
                        "work:\n"
                        "  data-product:\n"
                        "    steps: {build: null, gone: null,\n"
                        "            fresh: {team: z, effort: 1d}}\n"
                        "  gone: null\n");
    cs_doc *bad = load_ok("work: {report: {steps: [{id: polsh, p: 1}]}}\n");
    cs_error e;

    cs_error_clear(&e);
    ck_assert_int_eq(cs_patch_merge_over(&t->root, p->root, &e), CS_OK);
    route_is(t->root, "work.0.steps", "ingestion fresh review reporting");
    ck_assert_int_eq(cs_patch_merge(&t->root, p->root, &e), CS_EINPUT);
    assert_error(&e, 4, 13, "cannot remove 'build': steps has no step with "
                 "that id");
    ck_assert_int_eq(cs_patch_merge_over(&t->root, bad->root, &e), CS_EINPUT);
    assert_error(&e, 1, 30, "steps has no step with id 'polsh' (did you "
                 "mean 'polish'?)");
    cs_doc_free(bad);
    cs_doc_free(p);
    cs_doc_free(t);
}
END_TEST

/* A long route and a long patch by id merge in linear time. */
START_TEST(test_merge_big_route)
{
    const int n = 20000;
    char *text = malloc((size_t)n * 48 + 64);
    size_t len = 0;
    cs_doc *t, *p;
    const cs_node *steps;

    ck_assert_ptr_nonnull(text);
    len += (size_t)sprintf(text, "steps:\n");
    for (int i = 0; i < n; i++)
        len += (size_t)sprintf(text + len, "  - {team: t%d, effort: 1d}\n", i);
    t = load_ok(text);
    len = (size_t)sprintf(text, "steps:\n");
    for (int i = 0; i < n; i += 2)
        len += (size_t)sprintf(text + len, "  - {id: t%d, effort: 2d}\n"
                               "  - {id: n%d, team: x%d, effort: 1h}\n", i,
                               i, i);
    p = load_ok(text);
    merge_docs(t, p);
    steps = at(t->root, "steps");
    ck_assert_uint_eq(steps->nchildren, (size_t)n + (size_t)n / 2);
    ck_assert_str_eq(text_at(steps, "0.effort"), "2d");
    ck_assert_str_eq(text_at(steps, "1.id"), "n0");
    ck_assert_str_eq(text_at(steps, "2.team"), "t1");
    ck_assert_str_eq(text_at(steps, "2.effort"), "1d");
    cs_doc_free(p);
    cs_doc_free(t);
    free(text);
}
END_TEST

/* ------------------------------------------------------------------ */
/* --set                                                               */
/* ------------------------------------------------------------------ */

static const char base_doc[] =
    "name: chain\n"
    "teams:\n"
    "  - name: ingestion\n"
    "    capacity: 2\n"
    "  - name: governance\n"
    "    capacity: 1\n"
    "work:\n"
    "  - name: report\n"
    "    arrivals: {rate: 3/w, batch: 2}\n"
    "    steps:\n"
    "      - team: ingestion\n";

static cs_error set_fail(cs_doc *d, const char *assignment)
{
    cs_error e;

    cs_error_clear(&e);
    ck_assert_int_eq(cs_patch_set(d, assignment, &e), CS_EINPUT);
    ck_assert_int_eq(e.line, 0);
    ck_assert_str_eq(e.file, "");
    return e;
}

static void set_ok(cs_doc *d, const char *assignment)
{
    cs_error e;

    cs_error_clear(&e);
    ck_assert_msg(cs_patch_set(d, assignment, &e) == CS_OK, "%s", e.msg);
}

START_TEST(test_set_scalar_replace)
{
    cs_doc *d = load_ok(base_doc);
    const cs_node *c;
    char buf[1024];
    cs_error e;

    set_ok(d, "teams.ingestion.capacity=3");
    c = at(d->root, "teams.0.capacity");
    ck_assert_str_eq(c->text, "3");
    ck_assert_int_eq(c->plain, 1);
    ck_assert_str_eq(c->file, "--set teams.ingestion.capacity=3");
    ck_assert_uint_eq(d->nsources, 1);
    ck_assert_ptr_eq(c->file, d->sources[0]);
    ck_assert_int_eq(c->line, 0);
    cs_node_error(&e, c, CS_EINPUT, "bad capacity");
    cs_error_format(&e, buf, sizeof buf);
    ck_assert_str_eq(buf, "--set teams.ingestion.capacity=3: error: "
                     "bad capacity");
    set_ok(d, "name='quoted: yes'");
    ck_assert_str_eq(text_at(d->root, "name"), "quoted: yes");
    ck_assert_int_eq(at(d->root, "name")->plain, 0);
    set_ok(d, "work.report.arrivals.rate=a=b");   /* split at the first = */
    ck_assert_str_eq(text_at(d->root, "work.0.arrivals.rate"), "a=b");
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_new_last_key)
{
    cs_doc *d = load_ok(base_doc);
    const cs_node *team;
    cs_error e;

    set_ok(d, "teams.ingestion.wip_limit=6");
    team = at(d->root, "teams.0");
    ck_assert_uint_eq(team->nchildren, 3);
    ck_assert_str_eq(team->keys[2], "wip_limit");
    ck_assert_str_eq(text_at(team, "wip_limit"), "6");
    cs_node_key_error(&e, team, 2, CS_EINPUT, "unknown key");
    ck_assert_str_eq(e.file, "--set teams.ingestion.wip_limit=6");
    ck_assert_int_eq(e.line, 0);
    set_ok(d, "seed=7");
    ck_assert_str_eq(text_at(d->root, "seed"), "7");
    set_ok(d, "time={hours_per_day: 6, x: null}");
    ck_assert_uint_eq(at(d->root, "time")->nchildren, 1);
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_map_merges)
{
    cs_doc *d = load_ok(base_doc);
    const cs_node *arr;

    set_ok(d, "work.report.arrivals={rate: 2/w}");
    arr = at(d->root, "work.0.arrivals");
    ck_assert_uint_eq(arr->nchildren, 2);
    ck_assert_str_eq(text_at(arr, "rate"), "2/w");
    ck_assert_str_eq(text_at(arr, "batch"), "2");
    ck_assert_ptr_eq(arr->file, d->file);
    set_ok(d, "work.report.arrivals={batch: null}");
    ck_assert_uint_eq(at(d->root, "work.0.arrivals")->nchildren, 1);
    set_ok(d, "teams.governance={capacity: 5}");
    ck_assert_str_eq(text_at(d->root, "teams.1.capacity"), "5");
    ck_assert_str_eq(text_at(d->root, "teams.1.name"), "governance");
    set_ok(d, "teams={ingestion: {focus: 0.5}}");   /* keyed by name */
    ck_assert_str_eq(text_at(d->root, "teams.0.focus"), "0.5");
    ck_assert_uint_eq(at(d->root, "teams")->nchildren, 2);
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_list_and_scalar_replace)
{
    cs_doc *d = load_ok(base_doc);

    set_ok(d, "work.report.steps=[{team: governance}]");
    ck_assert_uint_eq(at(d->root, "work.0.steps")->nchildren, 1);
    ck_assert_str_eq(text_at(d->root, "work.0.steps.0.team"), "governance");
    set_ok(d, "work.report.arrivals=5");
    ck_assert_str_eq(text_at(d->root, "work.0.arrivals"), "5");
    set_ok(d, "teams.governance=7");   /* an element replaced: checked later */
    ck_assert_str_eq(text_at(d->root, "teams.1"), "7");
    set_ok(d, "teams=[{name: solo}]");   /* teams is no named list now */
    ck_assert_uint_eq(at(d->root, "teams")->nchildren, 1);
    ck_assert_str_eq(text_at(d->root, "teams.0.name"), "solo");
    cs_doc_free(d);
}
END_TEST

/* SPEC 1.3: --set is the patch mechanism, so a named list merges by name. */
START_TEST(test_set_named_list_merges)
{
    cs_doc *d = load_ok(base_doc);

    set_ok(d, "teams=[{name: governance, capacity: 4}, {name: solo}]");
    ck_assert_uint_eq(at(d->root, "teams")->nchildren, 3);
    ck_assert_str_eq(text_at(d->root, "teams.0.name"), "ingestion");
    ck_assert_str_eq(text_at(d->root, "teams.0.capacity"), "2");
    ck_assert_str_eq(text_at(d->root, "teams.1.capacity"), "4");
    ck_assert_str_eq(text_at(d->root, "teams.2.name"), "solo");
    /* replacing a named list whole: remove it, then set it */
    set_ok(d, "teams=null");
    set_ok(d, "teams=[{name: solo}]");
    ck_assert_uint_eq(at(d->root, "teams")->nchildren, 1);
    ck_assert_str_eq(text_at(d->root, "teams.0.name"), "solo");
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_null_removes)
{
    cs_doc *d = load_ok(base_doc);

    set_ok(d, "teams.ingestion.capacity=null");
    ck_assert_int_eq(cs_node_find(at(d->root, "teams.0"), "capacity"), -1);
    set_ok(d, "teams.governance=~");
    ck_assert_uint_eq(at(d->root, "teams")->nchildren, 1);
    set_ok(d, "work.report.arrivals.batch=null");
    ck_assert_int_eq(cs_node_find(at(d->root, "work.0.arrivals"), "batch"),
                     -1);
    set_ok(d, "teams.ingestion.no_such_key=null");   /* absent: no-op */
    ck_assert_uint_eq(at(d->root, "teams.0")->nchildren, 1);
    set_ok(d, "name='null'");                 /* quoted: a string */
    /* a keyed patch value names elements as a variant's patch does */
    {
        cs_error e;
        cs_error_clear(&e);
        ck_assert_int_eq(cs_patch_set(d, "teams={ingestoin: null}", &e),
                         CS_EINPUT);
        ck_assert_str_eq(e.file, "--set teams={ingestoin: null}");
        ck_assert_int_eq(e.line, 0);
        ck_assert_str_eq(e.msg, "cannot remove 'ingestoin': teams has no "
                         "element of that name (did you mean 'ingestion'?)");
    }
    ck_assert_str_eq(text_at(d->root, "name"), "null");
    cs_doc_free(d);
}
END_TEST

/* An empty VALUE is an error, not a removal: "--set a.b=" is far more
** often a value forgotten (or lost to the shell) than a wish to remove. */
START_TEST(test_set_empty_value)
{
    static const char *const empty[] = {
        "work.report.arrivals.batch=  ", "work.report.arrivals.batch=\t",
        "work.report.arrivals.batch= # none", "teams.ingestion.capacity=",
    };
    cs_doc *d = load_ok(base_doc);
    char buf[1024];
    cs_error e;

    for (size_t i = 0; i < sizeof empty / sizeof *empty; i++) {
        char want[256];
        cs_error_clear(&e);
        ck_assert_int_eq(cs_patch_set(d, empty[i], &e), CS_EINPUT);
        /* (a control byte in a message shows as an escape) */
        snprintf(want, sizeof want, "--set %s", empty[i]);
        ck_assert(strchr(want, '\t') != NULL || strcmp(e.file, want) == 0);
        ck_assert_int_eq(e.line, 0);
        ck_assert_int_eq(cs_patch_check(empty[i], &e), CS_EINPUT);
        ck_assert(strchr(want, '\t') != NULL || strcmp(e.file, want) == 0);
        ck_assert_ptr_nonnull(strstr(e.msg, "empty value"));
    }
    cs_error_format(&e, buf, sizeof buf);
    ck_assert_str_eq(buf, "--set teams.ingestion.capacity=: error: empty "
                     "value; write one after '=' (or null to remove "
                     "teams.ingestion.capacity)");
    ck_assert_str_eq(text_at(d->root, "work.0.arrivals.batch"), "2");
    ck_assert_str_eq(text_at(d->root, "teams.0.capacity"), "2");
    ck_assert_uint_eq(d->nsources, 0);
    /* cs_patch_check needs no document: a path that only some variant's
       document has is checked as well */
    ck_assert_int_eq(cs_patch_check("teams.platform.capacity=", &e),
                     CS_EINPUT);
    ck_assert_int_eq(cs_patch_check("teams.platform.capacity=[1,", &e),
                     CS_EINPUT);
    ck_assert_ptr_nonnull(strstr(e.msg, "invalid YAML"));
    ck_assert_int_eq(cs_patch_check("a..b=1", &e), CS_EINPUT);
    ck_assert_int_eq(cs_patch_check("teams.platform.capacity=null", &e),
                     CS_OK);
    ck_assert_int_eq(cs_patch_check("teams.platform.capacity=''", &e),
                     CS_OK);
    cs_doc_free(d);
}
END_TEST

/* In a route, a path part names a step by its id. */
START_TEST(test_set_step_by_id)
{
    cs_doc *d = load_ok(route_doc);
    cs_error e;

    set_ok(d, "work.data-product.steps.build.effort=3d");
    ck_assert_str_eq(text_at(d->root, "work.0.steps.1.effort"), "3d");
    set_ok(d, "work.data-product.steps.ingestion.effort=1d");   /* its team */
    ck_assert_str_eq(text_at(d->root, "work.0.steps.0.effort"), "1d");
    set_ok(d, "work.data-product.steps.review.parallel.security.effort=4h");
    ck_assert_str_eq(text_at(d->root, "work.0.steps.2.parallel.1.effort"),
                     "4h");
    set_ok(d, "work.data-product.steps.review.parallel="
              "[{id: governance, p: 0.5}]");
    ck_assert_str_eq(text_at(d->root, "work.0.steps.2.parallel.0.p"), "0.5");
    set_ok(d, "work.data-product.steps=[{id: build}, "
              "{id: test, team: qa, effort: 1d}]");
    route_is(d->root, "work.0.steps",
             "ingestion build test review reporting");
    set_ok(d, "work.data-product.steps.reporting=null");
    route_is(d->root, "work.0.steps", "ingestion build test review");
    e = set_fail(d, "work.data-product.steps.biuld.effort=3d");
    ck_assert_str_eq(e.msg, "--set work.data-product.steps.biuld.effort=3d: "
                     "'biuld' is not a step of work.data-product.steps (did "
                     "you mean 'build'?)");
    /* modelling appears twice in report's route: its name is no id */
    e = set_fail(d, "work.report.steps.modelling.effort=3d");
    ck_assert_str_eq(e.msg, "--set work.report.steps.modelling.effort=3d: "
                     "'modelling' is not a step of work.report.steps");
    ck_assert_int_eq(cs_patch_locate(d, "work.report.steps.polish.p=1", &e),
                     CS_OK);
    ck_assert_int_eq(cs_patch_locate(d, "work.report.steps.new.p=1", &e),
                     CS_EINPUT);
    ck_assert_str_eq(e.msg, "--set work.report.steps.new.p=1: 'new' is not "
                     "a step of work.report.steps");
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_missing_middle_part)
{
    cs_doc *d = load_ok(base_doc);
    cs_error e = set_fail(d, "teams.ingestoin.capacity=3");
    char buf[1024];

    ck_assert_str_eq(e.msg, "--set teams.ingestoin.capacity=3: 'ingestoin' "
                     "is not an element of teams (did you mean "
                     "'ingestion'?)");
    cs_error_format(&e, buf, sizeof buf);
    ck_assert_str_eq(buf, "chainsim: error: --set teams.ingestoin.capacity=3: "
                     "'ingestoin' is not an element of teams (did you mean "
                     "'ingestion'?)");
    e = set_fail(d, "teams.ingestion.capacty.x=3");
    ck_assert_str_eq(e.msg, "--set teams.ingestion.capacty.x=3: 'capacty' is "
                     "not a key of teams.ingestion (did you mean "
                     "'capacity'?)");
    e = set_fail(d, "tems.x=3");
    ck_assert_str_eq(e.msg, "--set tems.x=3: 'tems' is not a key of the "
                     "document (did you mean 'teams'?)");
    e = set_fail(d, "zzzzzz.x=3");
    ck_assert_str_eq(e.msg, "--set zzzzzz.x=3: 'zzzzzz' is not a key of the "
                     "document");
    ck_assert_uint_eq(d->nsources, 0);
    ck_assert_str_eq(text_at(d->root, "teams.0.capacity"), "2");
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_new_list_element_refused)
{
    cs_doc *d = load_ok(base_doc);
    const cs_error e = set_fail(d, "teams.platform={capacity: 1}");

    ck_assert_str_eq(e.msg, "--set teams.platform={capacity: 1}: 'platform' "
                     "is not an element of teams");
    ck_assert_uint_eq(at(d->root, "teams")->nchildren, 2);
    (void)set_fail(d, "teams.platform=null");
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_through_scalar_or_unnamed_list)
{
    cs_doc *d = load_ok(base_doc);
    cs_error e = set_fail(d, "name.x=1");

    ck_assert_str_eq(e.msg, "--set name.x=1: name is a scalar, so 'x' cannot "
                     "select anything in it");
    set_ok(d, "work.report.tags=[urgent, bi]");
    e = set_fail(d, "work.report.tags.urgent=1");
    ck_assert_str_eq(e.msg, "--set work.report.tags.urgent=1: "
                     "work.report.tags is a list without element names, so "
                     "'urgent' cannot select anything in it");
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_value_yaml_error)
{
    cs_doc *d = load_ok(base_doc);
    cs_error e = set_fail(d, "teams.ingestion.capacity=[1,");

    ck_assert_msg(strncmp(e.msg, "--set teams.ingestion.capacity=[1,: invalid "
                          "YAML: ", 45) == 0, "%s", e.msg);
    e = set_fail(d, "teams.ingestion.capacity={a: 1, a: 2}");
    ck_assert_msg(strstr(e.msg, "duplicate key 'a'") != NULL, "%s", e.msg);
    e = set_fail(d, "teams.ingestion.capacity=1\n---\n2");
    ck_assert_msg(strstr(e.msg, "a second YAML document") != NULL, "%s",
                  e.msg);
    ck_assert_str_eq(text_at(d->root, "teams.0.capacity"), "2");
    ck_assert_uint_eq(d->nsources, 0);
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_bad_path)
{
    cs_doc *d = load_ok(base_doc);
    cs_error e = set_fail(d, "a..b=1");

    ck_assert_str_eq(e.msg, "--set a..b=1: empty part in path 'a..b'");
    e = set_fail(d, ".a=1");
    ck_assert_str_eq(e.msg, "--set .a=1: empty part in path '.a'");
    e = set_fail(d, "a.=1");
    ck_assert_str_eq(e.msg, "--set a.=1: empty part in path 'a.'");
    e = set_fail(d, "=1");
    ck_assert_str_eq(e.msg, "--set =1: empty path before '='");
    e = set_fail(d, "teams.ingestion.capacity");
    ck_assert_str_eq(e.msg, "--set teams.ingestion.capacity: expected "
                     "PATH=VALUE");
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_empty_document)
{
    cs_doc *d = load_ok("");
    const cs_error e = set_fail(d, "a=1");

    ck_assert_str_eq(e.msg, "--set a=1: the document is empty");
    cs_doc_free(d);
}
END_TEST

START_TEST(test_set_many_sources)
{
    cs_doc *d = load_ok(base_doc);
    char arg[64];

    for (int i = 0; i < 20; i++) {
        snprintf(arg, sizeof arg, "teams.ingestion.capacity=%d", i);
        set_ok(d, arg);
    }
    ck_assert_uint_eq(d->nsources, 20);
    ck_assert_str_eq(text_at(d->root, "teams.0.capacity"), "19");
    ck_assert_ptr_eq(at(d->root, "teams.0.capacity")->file, d->sources[19]);
    cs_doc_free(d);
}
END_TEST

static Suite *patch_suite(void)
{
    Suite *s = suite_create("patch");
    TCase *merge = tcase_create("merge");
    TCase *set = tcase_create("set");

    tcase_set_timeout(merge, 30);
    tcase_add_test(merge, test_merge_nested_maps);
    tcase_add_test(merge, test_merge_key_error_file);
    tcase_add_test(merge, test_merge_named_list);
    tcase_add_test(merge, test_merge_append_to_empty_list);
    tcase_add_test(merge, test_merge_empty_list_patch_replaces);
    tcase_add_test(merge, test_merge_null_removes_key);
    tcase_add_test(merge, test_merge_keyed_patch_on_named_list);
    tcase_add_test(merge, test_merge_named_list_errors);
    tcase_add_test(merge, test_merge_type_change_replaces);
    tcase_add_test(merge, test_merge_patch_is_cloned);
    tcase_add_test(merge, test_merge_into_nothing);
    tcase_add_test(merge, test_merge_big_documents);
    tcase_add_test(merge, test_merge_route_by_id);
    tcase_add_test(merge, test_merge_route_new_steps);
    tcase_add_test(merge, test_merge_route_errors);
    tcase_add_test(merge, test_merge_route_branch_ids);
    tcase_add_test(merge, test_merge_over);
    tcase_add_test(merge, test_merge_big_route);
    suite_add_tcase(s, merge);

    tcase_add_test(set, test_set_scalar_replace);
    tcase_add_test(set, test_set_new_last_key);
    tcase_add_test(set, test_set_map_merges);
    tcase_add_test(set, test_set_list_and_scalar_replace);
    tcase_add_test(set, test_set_named_list_merges);
    tcase_add_test(set, test_set_null_removes);
    tcase_add_test(set, test_set_empty_value);
    tcase_add_test(set, test_set_step_by_id);
    tcase_add_test(set, test_set_missing_middle_part);
    tcase_add_test(set, test_set_new_list_element_refused);
    tcase_add_test(set, test_set_through_scalar_or_unnamed_list);
    tcase_add_test(set, test_set_value_yaml_error);
    tcase_add_test(set, test_set_bad_path);
    tcase_add_test(set, test_set_empty_document);
    tcase_add_test(set, test_set_many_sources);
    suite_add_tcase(s, set);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(patch_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
