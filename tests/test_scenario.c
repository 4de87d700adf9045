/*
** test_scenario.c - scenario validation and model building (SPEC 1):
** broken scenarios located to the line and column, complete scenarios read
** field by field, step ids, and every file of tests/bad/ and scenarios/
** (variants and overrides are test_variant.c).  Run from the repository root
** (the Makefile does).
*/
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chainsim/dist.h"
#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/scenario.h"

#include "scenario_util.h"

/* ---- broken scenarios given as edits of one valid scenario ----------- */


typedef struct bad_case {
    int line, column;
    const char *substring;
    const char *from;
    const char *to;
} bad_case;

static const bad_case bad_cases[] = {
    {4, 25, "capacity must be an integer from 1 to 10000, got '1e3'",
     "{name: a, capacity: 1}",
     "{name: a, capacity: 1e3}"},
    {4, 25, "capacity must be an integer from 1 to 10000, got '2.0'",
     "{name: a, capacity: 1}",
     "{name: a, capacity: 2.0}"},
    {4, 25, "capacity must be an integer from 1 to 10000, got '20000'",
     "{name: a, capacity: 1}",
     "{name: a, capacity: 20000}"},
    {4, 25, "capacity must be an integer from 1 to 10000, got an empty value",
     "{name: a, capacity: 1}",
     "{name: a, capacity: }"},
    {3, 7, "seed must be an integer from 0 to 18446744073709551615, got '18446744073709551616'",
     "name: t\n",
     "name: t\nseed: 18446744073709551616\n"},
    {3, 15, "replications must be an integer from 1 to 1000000, got '1000001'",
     "name: t\n",
     "name: t\nreplications: 1000001\n"},
    {4, 39, "wip_limit must be an integer from 1 to 1000000, got '2.5'",
     "{name: a, capacity: 1}",
     "{name: a, capacity: 1, wip_limit: 2.5}"},
    {4, 22, "focus must be a number in (0, 1], got '0'",
     "{name: a, capacity: 1}",
     "{name: a, focus: 0}"},
    {4, 22, "focus must be a number in (0, 1], got 'high'",
     "{name: a, capacity: 1}",
     "{name: a, focus: high}"},
    {4, 22, "focus must be a number in (0, 1], got 'nan'",
     "{name: a, capacity: 1}",
     "{name: a, focus: nan}"},
    {4, 29, "cost_per_day must be a number in [0, 1e+09], got 'inf'",
     "{name: a, capacity: 1}",
     "{name: a, cost_per_day: inf}"},
    {4, 29, "cost_per_day must be a number in [0, 1e+09], got '1.000001e9'",
     "{name: a, capacity: 1}",
     "{name: a, cost_per_day: 1.000001e9}"},
    {8, 20, "cost_of_delay must be a number in [0, 1e+09], got '-1'",
     "    arrivals: {rate: 1/d}\n",
     "    cost_of_delay: -1\n    arrivals: {rate: 1/d}\n"},
    {8, 20, "cost_of_delay must be a number in [0, 1e+09], got 'inf'",
     "    arrivals: {rate: 1/d}\n",
     "    cost_of_delay: inf\n    arrivals: {rate: 1/d}\n"},
    {3, 12, "wip_limit must be an integer from 1 to 1000000, got '0'",
     "name: t\n",
     "name: t\nwip_limit: 0\n"},
    {8, 16, "wip_limit must be an integer from 1 to 1000000, got '2.5'",
     "    arrivals: {rate: 1/d}\n",
     "    wip_limit: 2.5\n    arrivals: {rate: 1/d}\n"},
    {8, 15, "patience: invalid duration or distribution 'soon'",
     "    arrivals: {rate: 1/d}\n",
     "    patience: soon\n    arrivals: {rate: 1/d}\n"},
    {13, 21, "unknown team 'c' (did you mean 'a'?)",
     "  - {name: p, within: 5d, percentile: 80}\n",
     "  - {name: p, team: c, within: 5d, percentile: 80}\n"},
    {13, 21, "a promise on a team measures the time its visits take: it needs "
     "'within' and 'percentile', not 'throughput'",
     "  - {name: p, within: 5d, percentile: 80}\n",
     "  - {name: p, team: a, throughput: 5/w}\n"},
    {12, 21, "promise 'p' is on team 'b', which no class it covers visits",
     "      - {team: b, effort: 1d}\npromise:\n"
     "  - {name: p, within: 5d, percentile: 80}\n",
     "promise:\n  - {name: p, team: b, within: 5d, percentile: 80}\n"},
    {8, 5, "unknown key 'cost_of_dely' in class (did you mean 'cost_of_delay'?)",
     "    arrivals: {rate: 1/d}\n",
     "    cost_of_dely: 5\n    arrivals: {rate: 1/d}\n"},
    {13, 25, "unknown class 'v' (did you mean 'w'?)",
     "  - {name: p, within: 5d, percentile: 80}\n",
     "  - {name: p, work: [w, v], within: 5d, percentile: 80}\n"},
    {13, 25, "class 'w' is twice in the promise's work",
     "  - {name: p, within: 5d, percentile: 80}\n",
     "  - {name: p, work: [w, w], within: 5d, percentile: 80}\n"},
    {13, 21, "work must list at least one class",
     "  - {name: p, within: 5d, percentile: 80}\n",
     "  - {name: p, work: [], within: 5d, percentile: 80}\n"},
    {13, 22, "work must be a class name, got a list",
     "  - {name: p, within: 5d, percentile: 80}\n",
     "  - {name: p, work: [[w]], within: 5d, percentile: 80}\n"},
    {3, 10, "horizon: invalid duration '-5d'",
     "name: t\n",
     "name: t\nhorizon: -5d\n"},
    {3, 9, "warmup: invalid duration 'soon'",
     "name: t\n",
     "name: t\nwarmup: soon\n"},
    {5, 9, "warmup (10d) must be shorter than the horizon (10d)",
     "name: t\n",
     "name: t\nhorizon: 2w\ntime: {days_per_week: 5}\nwarmup: 10d\n"},
    {3, 23, "days_per_week must be a number in (0, 7], got '8'",
     "name: t\n",
     "name: t\ntime: {days_per_week: 8}\n"},
    {4, 18, "hours_per_day must be a number in (0, 24], got '0'",
     "name: t\n",
     "name: t\ntime:\n  hours_per_day: 0\n"},
    {3, 7, "time must be a mapping, got a scalar",
     "name: t\n",
     "name: t\ntime: 8h\n"},
    {2, 6, "name must be text, got an empty value",
     "name: t\n",
     "name:\n"},
    {3, 14, "description must be text, got a list",
     "name: t\n",
     "name: t\ndescription: [a, b]\n"},
    {1, 11, "unsupported format version '1.0'",
     "chainsim: 1",
     "chainsim: 1.0"},
    {3, 1, "unknown key 'colour' in the scenario",
     "name: t\n",
     "name: t\ncolour: red\n"},
    {3, 8, "teams must list at least one team",
     "teams:\n  - {name: a, capacity: 1}\n  - {name: b, capacity: 1}\n",
     "teams: []\n"},
    {6, 7, "work must be a list of class",
     "work:\n  - name: w\n    arrivals: {rate: 1/d}\n    steps:\n      - {team: a, effort: 1d}\n      - {team: b, effort: 1d}\n",
     "work: w\n"},
    {5, 12, "team name must match [a-z0-9_-]+ (at most 64 characters)",
     "{name: b, capacity: 1}",
     "{name: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb, capacity: 1}"},
    {5, 12, "team name must match [a-z0-9_-]+",
     "{name: b, capacity: 1}",
     "{name: team.b, capacity: 1}"},
    {4, 24, "handoff: invalid duration or distribution 'soon'",
     "{name: a, capacity: 1}",
     "{name: a, handoff: soon}"},
    {4, 21, "type must be one of stream-aligned, platform, enabling, complicated-subsystem, got an empty value",
     "{name: a, capacity: 1}",
     "{name: a, type: }"},
    {4, 27, "discipline must be one of fifo, priority, edd, preemptive, got a list",
     "{name: a, capacity: 1}",
     "{name: a, discipline: [fifo]}"},
    {7, 11, "class name must match [A-Za-z0-9_-]+",
     "  - name: w\n",
     "  - name: data.product\n"},
    {7, 5, "each class of work must be a mapping, got a scalar",
     "work:\n",
     "work:\n  - report\n"},
    {8, 15, "arrivals must be a mapping, got a scalar",
     "    arrivals: {rate: 1/d}\n",
     "    arrivals: 1/d\n"},
    {8, 22, "rate: invalid rate '3/x'",
     "{rate: 1/d}",
     "{rate: 3/x}"},
    {8, 26, "interval must have a positive mean",
     "{rate: 1/d}",
     "{interval: 0}"},
    {8, 34, "batch must be an integer from 1 to 10000, got 'many'",
     "{rate: 1/d}",
     "{rate: 1/d, batch: many}"},
    {8, 10, "due: invalid duration 'tomorrow'",
     "    arrivals:",
     "    due: tomorrow\n    arrivals:"},
    {9, 12, "steps must be a list of steps, got a scalar",
     "    steps:\n      - {team: a, effort: 1d}\n      - {team: b, effort: 1d}\n",
     "    steps: a\n"},
    {10, 9, "each step must be a mapping, got a scalar",
     "      - {team: a, effort: 1d}\n",
     "      - a\n"},
    {10, 16, "team must be a team name, got a list",
     "{team: a, effort: 1d}",
     "{team: [a], effort: 1d}"},
    {11, 16, "unknown team 'zz'",
     "{team: b, effort: 1d}",
     "{team: zz, effort: 1d}"},
    {11, 27, "effort must be a duration or a distribution (for example 3d or gamma(mean=4d, cv=0.5)), got null",
     "{team: b, effort: 1d}",
     "{team: b, effort: null}"},
    {12, 23, "unknown key 'efort' in parallel branch (did you mean 'effort'?)",
     "      - {team: b, effort: 1d}\n",
     "      - parallel:\n          - {team: b, efort: 1d}\n"},
    {12, 13, "step is missing 'effort'",
     "      - {team: b, effort: 1d}\n",
     "      - parallel:\n          - {team: b}\n"},
    {11, 19, "parallel must be a list of branch",
     "      - {team: b, effort: 1d}\n",
     "      - parallel: b\n"},
    {5, 44, "intake every must be a positive duration, got '0d'",
     "{name: b, capacity: 1}",
     "{name: b, capacity: 1, intake: {every: 0d}}"},
    {5, 37, "unknown key 'evry' in intake (did you mean 'every'?)",
     "{name: b, capacity: 1}",
     "{name: b, capacity: 1, intake: {evry: 1w}}"},
    {5, 36, "intake must be a mapping, got a scalar",
     "{name: b, capacity: 1}",
     "{name: b, capacity: 1, intake: 1w}"},
    {5, 56, "intake offset: invalid duration '-1d': must not be negative",
     "{name: b, capacity: 1}",
     "{name: b, capacity: 1, intake: {every: 1w, offset: -1d}}"},
    {5, 41, "resume_cost needs discipline: preemptive",
     "{name: b, capacity: 1}",
     "{name: b, capacity: 1, resume_cost: 1d}"},
    {5, 52, "resume_cost: invalid duration or distribution 'soon'",
     "{name: b, capacity: 1}",
     "{name: b, discipline: preemptive, resume_cost: soon}"},
    {5, 29, "multitasking is missing 'items_per_person'",
     "{name: b, capacity: 1}",
     "{name: b, multitasking: {switch_loss: 0.2}}"},
    {5, 48, "items_per_person must be an integer from 1 to 1000, got '0'",
     "{name: b, capacity: 1}",
     "{name: b, multitasking: {items_per_person: 0}}"},
    {5, 64, "switch_loss must be a number in [0, 1), got '1'",
     "{name: b, capacity: 1}",
     "{name: b, multitasking: {items_per_person: 2, switch_loss: 1}}"},
    {5, 51, "unknown key 'switch' in multitasking",
     "{name: b, capacity: 1}",
     "{name: b, multitasking: {items_per_person: 2, switch: 0.1}}"},
    {5, 29, "multitasking must be a mapping, got a scalar",
     "{name: b, capacity: 1}",
     "{name: b, multitasking: 2}"},
    {11, 40, "handoff: invalid duration or distribution 'soon'",
     "{team: b, effort: 1d}",
     "{team: b, effort: 1d, handoff: soon}"},
    {13, 9, "'handoff' belongs to each branch of a parallel step",
     "      - {team: b, effort: 1d}\n",
     "      - parallel:\n          - {team: b, effort: 1d}\n        handoff: 1d\n"},
    {11, 25, "the options' p must add up to 1, got 0.9",
     "{team: b, effort: 1d}",
     "{id: x, choice: [{p: 0.5, team: a, effort: 1d}, "
     "{p: 0.4, team: b, effort: 1d}]}"},
    {11, 10, "a choice step has no 'team' of its own",
     "{team: b, effort: 1d}",
     "{team: b, choice: [{p: 1, team: a, effort: 1d}]}"},
    {11, 19, "choice option is missing 'effort'",
     "{team: b, effort: 1d}",
     "{choice: [{p: 1, team: a}]}"},
    {12, 14, "a parallel branch cannot be a choice",
     "      - {team: b, effort: 1d}\n",
     "      - parallel:\n          - {choice: [{p: 1, team: b, effort: 1d}]}\n"},
    {11, 16, "a team mapping (context -> team) needs the class's 'contexts'",
     "{team: b, effort: 1d}",
     "{team: {x: a}, effort: 1d}"},
    {9, 15, "the context shares must add up to 1, got 0.9",
     "    steps:\n",
     "    contexts: {f: 0.5, s: 0.4}\n    steps:\n"},
    {12, 16, "does not map context 's' of class 'w'",
     "    steps:\n      - {team: a, effort: 1d}\n      - {team: b, effort: 1d}",
     "    contexts: {f: 0.5, s: 0.5}\n    steps:\n"
     "      - {team: a, effort: 1d}\n      - {team: {f: a}, effort: 1d}"},
    {12, 23, "unknown context 'x' in class 'w'",
     "    steps:\n      - {team: a, effort: 1d}\n      - {team: b, effort: 1d}",
     "    contexts: {f: 0.5, s: 0.5}\n    steps:\n"
     "      - {team: a, effort: 1d}\n      - {team: {f: a, x: b}, effort: 1d}"},
    {11, 66, "unknown class 'nope'",
     "{team: b, effort: 1d}",
     "{team: b, effort: 1d, escapes: {p: 0.1, after: 5d, work: nope}}"},
    {11, 44, "escapes p must be",
     "{team: b, effort: 1d}",
     "{team: b, effort: 1d, escapes: {p: 0, after: 5d, work: w}}"},
    {11, 9, "escapes feed back on themselves",
     "{team: b, effort: 1d}",
     "{team: b, effort: 1d, escapes: {p: 1, after: 5d, work: w}}"},
    {11, 17, "a joint step needs at least two teams, got 1",
     "{team: b, effort: 1d}", "{teams: [a], effort: 1d}"},
    {11, 21, "team 'a' is listed twice in this joint step",
     "{team: b, effort: 1d}", "{teams: [a, a], effort: 1d}"},
    {11, 25, "a joint step ('teams') has no 'team'",
     "{team: b, effort: 1d}", "{teams: [a, b], team: a, effort: 1d}"},
    {11, 9, "step is missing 'effort'",
     "{team: b, effort: 1d}", "{teams: [a, b]}"},
    {11, 21, "unknown team 'nope'",
     "{team: b, effort: 1d}", "{teams: [a, nope], effort: 1d}"},
    {11, 17, "teams must be a list of teams, got a scalar",
     "{team: b, effort: 1d}", "{teams: a, effort: 1d}"},
    {11, 21, "each of a joint step's teams is a team name",
     "{team: b, effort: 1d}", "{teams: [a, [b]], effort: 1d}"},
    {11, 22, "a parallel branch cannot be a joint step",
     "{team: b, effort: 1d}", "{parallel: [{teams: [a, b], effort: 1d}]}"},
    {11, 21, "team 'b' has discipline preemptive: a joint step needs",
     "{name: b, capacity: 1}\nwork:\n  - name: w\n    arrivals: {rate: 1/d}\n"
     "    steps:\n      - {team: a, effort: 1d}\n      - {team: b, effort: 1d}",
     "{name: b, capacity: 1, discipline: preemptive}\nwork:\n  - name: w\n"
     "    arrivals: {rate: 1/d}\n    steps:\n      - {team: a, effort: 1d}\n"
     "      - {teams: [a, b], effort: 1d}"},
    {12, 52, "team 'b' works in the joint step 'pair': name that step",
     "{team: b, effort: 1d}",
     "{teams: [a, b], effort: 1d, id: pair}\n"
     "      - {team: a, effort: 1d, rework: {p: 0.1, to: b}}"},
    {11, 39, "rework must be a mapping, got a scalar",
     "{team: b, effort: 1d}",
     "{team: b, effort: 1d, rework: 0.2}"},
    {11, 39, "rework is missing 'p'",
     "{team: b, effort: 1d}",
     "{team: b, effort: 1d, rework: {to: a}}"},
    {11, 43, "rework p must be a number in [0, 1), got '-0.1'",
     "{team: b, effort: 1d}",
     "{team: b, effort: 1d, rework: {p: -0.1, to: a}}"},
    {11, 23, "duplicate step id 'a' in class 'w'",
     "{team: b, effort: 1d}",
     "{team: b, id: a, effort: 1d}"},
    {11, 52, "rework goes to an unknown step 'c' in class 'w'",
     "{team: b, effort: 1d}",
     "{team: b, effort: 1d, rework: {p: 0.5, to: c}}"},
    {10, 52, "rework goes to 'b', which comes after this step",
     "{team: a, effort: 1d}",
     "{team: a, effort: 1d, rework: {p: 0.5, to: b}}"},
    {13, 5, "promise is missing 'name'",
     "  - {name: p, within: 5d, percentile: 80}\n",
     "  - {within: 5d, percentile: 80}\n"},
    {13, 23, "within must be a positive duration, got '0d'",
     "within: 5d",
     "within: 0d"},
    {13, 39, "percentile must be a number in [1, 100], got 'high'",
     "percentile: 80",
     "percentile: high"},
    {13, 39, "percentile must be a number in [1, 100], got '100.5'",
     "percentile: 80",
     "percentile: 100.5"},
    /* a fraction for a percentage: 0.85 would promise 0.85% */
    {13, 39, "percentile is a percentage from 1 to 100 (85 means 85%), got "
     "'0.85'",
     "percentile: 80",
     "percentile: 0.85"},
    {13, 39, "percentile is a percentage from 1 to 100 (85 means 85%), got "
     "'0'",
     "percentile: 80",
     "percentile: 0"},
    {13, 39, "percentile is a percentage from 1 to 100 (85 means 85%), got "
     "'-85'",
     "percentile: 80",
     "percentile: -85"},
    {13, 27, "throughput: the period must be positive",
     "  - {name: p, within: 5d, percentile: 80}\n",
     "  - {name: p, throughput: 40/0d}\n"},
    {13, 27, "throughput: ",
     "  - {name: p, within: 5d, percentile: 80}\n",
     "  - {name: p, throughput: 40/x}\n"},
    {12, 10, "promise must list at least one promise",
     "promise:\n  - {name: p, within: 5d, percentile: 80}\n",
     "promise: []\n"},
    {13, 3, "promise must be a list of promises, got a mapping",
     "  - {name: p, within: 5d, percentile: 80}\n",
     "  name: p\n  within: 5d\n"},
    {1, 1, "the scenario is missing 'work'",
     "work:\n  - name: w\n    arrivals: {rate: 1/d}\n    steps:\n      - {team: a, effort: 1d}\n      - {team: b, effort: 1d}\n",
     ""},
    {11, 27, "effort: unknown distribution 'gama' (did you mean 'gamma'?)",
     "{team: b, effort: 1d}",
     "{team: b, effort: \"gama(mean=1d, cv=1)\"}"},
    {12, 32, "gamma: cv must be positive",
     "      - {team: b, effort: 1d}\n",
     "      - team: b\n        effort: gamma(mean=1d, cv=0)\n"},
    {11, 27, "effort: a distribution mapping needs 'dist'",
     "{team: b, effort: 1d}",
     "{team: b, effort: {mean: 1d}}"},
    {12, 48, "values must be a duration, got a mapping",
     "      - {team: b, effort: 1d}\n",
     "      - team: b\n        effort: {dist: empirical, values: [1d, {a: 1}]}\n"},
    {12, 46, "unknown argument 'cvv'",
     "      - {team: b, effort: 1d}\n",
     "      - team: b\n        effort: {dist: gamma, mean: 1d, cvv: 1}\n"},
    {11, 42, "unknown key 'cv=1)' in step (inside {...}, quote a distribution with commas",
     "{team: b, effort: 1d}",
     "{team: b, effort: gamma(mean=1d, cv=1)}"},
    {11, 36, "unknown key '2d' in step (inside {...}, quote",
     "{team: b, effort: 1d}",
     "{team: b, effort: pert(1d, 2d, 4d)}"},
    /* functions of time, start items, done_by promises, the timeline
    ** (SPEC 4.1-4.5) */
    {4, 58, "schedule entries must be in increasing 'from' order: 1d is not after 2d",
     "{name: a, capacity: 1}",
     "{name: a, schedule: [{from: 2d, capacity: 2}, {from: 1d, capacity: 1}]}"},
    {4, 58, "schedule entries must be in increasing 'from' order: 2d is not after 2d",
     "{name: a, capacity: 1}",
     "{name: a, schedule: [{from: 2d, capacity: 2}, {from: 2d, capacity: 1}]}"},
    {4, 37, "unknown key 'capacty' in schedule entry (did you mean 'capacity'?)",
     "{name: a, capacity: 1}",
     "{name: a, schedule: [{from: 2d, capacty: 2}]}"},
    {4, 26, "schedule entry is missing 'from'",
     "{name: a, capacity: 1}",
     "{name: a, schedule: [{capacity: 2}]}"},
    {4, 26, "schedule entry is missing 'capacity'",
     "{name: a, capacity: 1}",
     "{name: a, schedule: [{from: 2d}]}"},
    {4, 33, "schedule from: invalid duration '-2d'",
     "{name: a, capacity: 1}",
     "{name: a, schedule: [{from: -2d, capacity: 1}]}"},
    {4, 47, "schedule capacity must be an integer from 0 to 10000, got '-1'",
     "{name: a, capacity: 1}",
     "{name: a, schedule: [{from: 2d, capacity: -1}]}"},
    {4, 47, "schedule capacity must be an integer from 0 to 10000, got '10001'",
     "{name: a, capacity: 1}",
     "{name: a, schedule: [{from: 2d, capacity: 10001}]}"},
    {4, 47, "schedule capacity must be an integer from 0 to 10000, got '1.5'",
     "{name: a, capacity: 1}",
     "{name: a, schedule: [{from: 2d, capacity: 1.5}]}"},
    {4, 57, "schedule from must be below schedule_every (10d), got 10d: with a period, every 'from' lies in [0, 10d)",
     "{name: a, capacity: 1}",
     "{name: a, schedule: [{from: 0, capacity: 2}, {from: 2w, capacity: 1}], schedule_every: 2w}"},
    {4, 68, "schedule_every must be a positive duration, got '0d'",
     "{name: a, capacity: 1}",
     "{name: a, schedule: [{from: 1d, capacity: 1}], schedule_every: 0d}"},
    {4, 15, "schedule_every needs a 'schedule' to repeat",
     "{name: a, capacity: 1}",
     "{name: a, schedule_every: 2w}"},
    {4, 25, "schedule must list at least one {from, capacity} mapping",
     "{name: a, capacity: 1}",
     "{name: a, schedule: []}"},
    {4, 25, "schedule must be a list of {from, capacity} mappings, got a scalar",
     "{name: a, capacity: 1}",
     "{name: a, schedule: 3}"},
    {4, 26, "each schedule entry must be a mapping, got a scalar",
     "{name: a, capacity: 1}",
     "{name: a, schedule: [3]}"},
    {4, 25, "schedule must be a list of {from, capacity} mappings, got a mapping",
     "{name: a, capacity: 1}",
     "{name: a, schedule: {from: 1d, capacity: 2}}"},
    {4, 46, "productivity factor must be a number in (0, 10], got '0'",
     "{name: a, capacity: 1}",
     "{name: a, productivity: [{at: 0, factor: 0}]}"},
    {4, 46, "productivity factor must be a number in (0, 10], got '10.5'",
     "{name: a, capacity: 1}",
     "{name: a, productivity: [{at: 0, factor: 10.5}]}"},
    {4, 46, "productivity factor must be a number in (0, 10], got 'nan'",
     "{name: a, capacity: 1}",
     "{name: a, productivity: [{at: 0, factor: nan}]}"},
    {4, 56, "productivity points must be in increasing 'at' order: 5d is not after 5d",
     "{name: a, capacity: 1}",
     "{name: a, productivity: [{at: 1w, factor: 1}, {at: 5d, factor: 2}]}"},
    {4, 39, "unknown key 'factr' in productivity point (did you mean 'factor'?)",
     "{name: a, capacity: 1}",
     "{name: a, productivity: [{at: 1d, factr: 1}]}"},
    {4, 31, "unknown key 'from' in productivity point",
     "{name: a, capacity: 1}",
     "{name: a, productivity: [{from: 1d, factor: 1}]}"},
    {4, 30, "productivity point is missing 'at'",
     "{name: a, capacity: 1}",
     "{name: a, productivity: [{factor: 1}]}"},
    {4, 30, "productivity point is missing 'factor'",
     "{name: a, capacity: 1}",
     "{name: a, productivity: [{at: 1d}]}"},
    {4, 35, "productivity at: invalid duration 'soon'",
     "{name: a, capacity: 1}",
     "{name: a, productivity: [{at: soon, factor: 1}]}"},
    {4, 15, "unknown key 'productivity_every' in team (did you mean 'productivity'?)",
     "{name: a, capacity: 1}",
     "{name: a, productivity_every: 3d}"},
    {4, 15, "unknown key 'schedul' in team (did you mean 'schedule'?)",
     "{name: a, capacity: 1}",
     "{name: a, schedul: []}"},
    {8, 30, "'profile' goes with 'rate' (Poisson arrivals), not with 'interval'",
     "{rate: 1/d}",
     "{interval: 1d, profile: [{from: 1d, factor: 2}]}"},
    {8, 16, "'profile' goes with 'rate' (Poisson arrivals), not with 'interval'",
     "{rate: 1/d}",
     "{profile: [{from: 1d, factor: 2}], interval: 1d}"},
    {8, 30, "'profile_every' goes with 'rate' (Poisson arrivals), not with 'interval'",
     "{rate: 1/d}",
     "{interval: 1d, profile_every: 3d}"},
    {8, 56, "profile factor must be a number >= 0, got '-2'",
     "{rate: 1/d}",
     "{rate: 1/d, profile: [{from: 1d, factor: -2}]}"},
    {8, 56, "profile factor must be a number >= 0, got 'inf'",
     "{rate: 1/d}",
     "{rate: 1/d, profile: [{from: 1d, factor: inf}]}"},
    {8, 44, "profile from must be below profile_every (3d), got 3d",
     "{rate: 1/d}",
     "{rate: 1/d, profile: [{from: 3d, factor: 2}], profile_every: 3d}"},
    {8, 67, "profile entries must be in increasing 'from' order: 1d is not after 3d",
     "{rate: 1/d}",
     "{rate: 1/d, profile: [{from: 3d, factor: 2}, {from: 1d, factor: 0}]}"},
    {8, 27, "profile_every needs a 'profile' to repeat",
     "{rate: 1/d}",
     "{rate: 1/d, profile_every: 3d}"},
    {8, 48, "unknown key 'factr' in profile entry (did you mean 'factor'?)",
     "{rate: 1/d}",
     "{rate: 1/d, profile: [{from: 1d, factr: 2}]}"},
    {8, 27, "unknown key 'profil' in arrivals (did you mean 'profile'?)",
     "{rate: 1/d}",
     "{rate: 1/d, profil: []}"},
    {8, 37, "class 'w' has a peak arrival rate of 1e+09/d (its rate times the profile factor 1e+09), which makes about 2.6e+11 arrival draws over the 260d horizon; at most 1e+09",
     "{rate: 1/d}",
     "{rate: 1/d, profile: [{from: 1d, factor: 1e9}]}"},
    {9, 20, "start names an unknown step 'c' in class 'w'",
     "    steps:\n",
     "    start: [{step: c, count: 2}]\n    steps:\n"},
    {9, 20, "start names an unknown step 'bb' in class 'w' (did you mean 'b'?)",
     "    steps:\n",
     "    start: [{step: bb, count: 2}]\n    steps:\n"},
    {9, 30, "start count must be an integer from 1 to 1000000, got '0'",
     "    steps:\n",
     "    start: [{step: a, count: 0}]\n    steps:\n"},
    {9, 30, "start count must be an integer from 1 to 1000000, got '1000001'",
     "    steps:\n",
     "    start: [{step: a, count: 1000001}]\n    steps:\n"},
    {9, 13, "start entry is missing 'count'",
     "    steps:\n",
     "    start: [{step: a}]\n    steps:\n"},
    {9, 13, "start entry is missing 'step'",
     "    steps:\n",
     "    start: [{count: 1}]\n    steps:\n"},
    {9, 38, "start age: invalid duration '-1d'",
     "    steps:\n",
     "    start: [{step: a, count: 1, age: -1d}]\n    steps:\n"},
    {9, 38, "start age must be at most 1000000d, got '1000001'",
     "    steps:\n",
     "    start: [{step: a, count: 1, age: 1000001}]\n    steps:\n"},
    {9, 33, "unknown key 'aeg' in start entry (did you mean 'age'?)",
     "    steps:\n",
     "    start: [{step: a, count: 1, aeg: 1d}]\n    steps:\n"},
    {9, 12, "start must be a list of {step, count, age} mappings, got a mapping",
     "    steps:\n",
     "    start: {step: a, count: 1}\n    steps:\n"},
    {9, 13, "each start entry must be a mapping, got a scalar",
     "    steps:\n",
     "    start: [a]\n    steps:\n"},
    {9, 20, "start step must be a step id, got a list",
     "    steps:\n",
     "    start: [{step: [a], count: 1}]\n    steps:\n"},
    {9, 5, "unknown key 'strat' in class (did you mean 'start'?)",
     "    steps:\n",
     "    strat: []\n    steps:\n"},
    {10, 51, "class 'w' has 1000001 initial items (backlog and start items) up to here; at most 1000000 over all classes",
     "    steps:\n",
     "    backlog: 999999\n    start: [{step: a, count: 1}, {step: b, count: 1}]\n    steps:\n"},
    {13, 24, "promise 'p' is done_by but no class has initial items: give a class a backlog or start items",
     "  - {name: p, within: 5d, percentile: 80}\n",
     "  - {name: p, done_by: 10d, percentile: 80}\n"},
    {13, 33, "promise 'p' is done_by but class 'w' has no initial items: give it a backlog or start items",
     "  - {name: p, within: 5d, percentile: 80}\n",
     "  - {name: p, work: w, done_by: 10d, percentile: 80}\n"},
    {13, 27, "a promise has either 'done_by' (initial items done by a day) or 'within', not both",
     "  - {name: p, within: 5d, percentile: 80}\n",
     "  - {name: p, within: 5d, done_by: 10d, percentile: 80}\n"},
    {13, 29, "a promise has either 'done_by' (initial items done by a day) or 'within', not both",
     "  - {name: p, within: 5d, percentile: 80}\n",
     "  - {name: p, done_by: 10d, within: 5d, percentile: 80}\n"},
    {13, 32, "a promise has either 'done_by' (initial items done by a day) or 'throughput', not both",
     "  - {name: p, within: 5d, percentile: 80}\n",
     "  - {name: p, throughput: 3/w, done_by: 10d}\n"},
    {13, 24, "done_by must be a positive duration, got '0d'",
     "  - {name: p, within: 5d, percentile: 80}\n",
     "  - {name: p, done_by: 0d, percentile: 80}\n"},
    {13, 24, "done_by (265d) is after the horizon (260d), where a run cannot tell whether the items are done: make the horizon at least 265d",
     "  - {name: p, within: 5d, percentile: 80}\n",
     "  - {name: p, done_by: 53w, percentile: 80}\n"},
    {13, 24, "done_by must be a duration (for example 3d, 4h or 2w), got a list",
     "  - {name: p, within: 5d, percentile: 80}\n",
     "  - {name: p, done_by: [1d], percentile: 80}\n"},
    {13, 15, "unknown key 'done_bye' in promise (did you mean 'done_by'?)",
     "  - {name: p, within: 5d, percentile: 80}\n",
     "  - {name: p, done_bye: 10d}\n"},
    {13, 32, "'percentile' goes with 'within' or 'done_by', not with 'throughput'",
     "  - {name: p, within: 5d, percentile: 80}\n",
     "  - {name: p, throughput: 3/w, percentile: 80}\n"},
    {13, 5, "promise 'p' needs 'within' (with 'percentile') or 'throughput', or 'done_by' (with 'percentile')",
     "  - {name: p, within: 5d, percentile: 80}\n",
     "  - {name: p}\n"},
    {3, 11, "a timeline of 0.02d makes 13000 periods over the 260d horizon; at most 10000: choose a longer period",
     "name: t\n",
     "name: t\ntimeline: 0.02d\n"},
    {3, 11, "timeline must be a positive duration, got '0'",
     "name: t\n",
     "name: t\ntimeline: 0\n"},
    {3, 11, "timeline: invalid duration '4x'",
     "name: t\n",
     "name: t\ntimeline: 4x\n"},
    {3, 1, "unknown key 'timline' in the scenario (did you mean 'timeline'?)",
     "name: t\n",
     "name: t\ntimline: 4w\n"},

    {15, 5, "variant is missing 'name'",
     "",
     "variants:\n  - patch: {seed: 2}\n"},
    {15, 11, "variant name must match [A-Za-z0-9_-]+",
     "",
     "variants:\n  - name: more people\n"},
    {15, 5, "each variant must be a mapping, got a scalar",
     "",
     "variants:\n  - bigger\n"},
    {19, 28, "rate: invalid rate 'fast'",
     "",
     "variants:\n  - name: busy\n    patch:\n      work:\n        - name: w\n          arrivals: {rate: fast}\n"},
    {20, 22, "unknown team 'c'",
     "",
     "variants:\n  - name: swap\n    patch:\n      work:\n        - name: w\n          steps:\n            - {team: c, effort: 1d}\n"},
    {16, 17, "hypothesis must be text, got a mapping",
     "",
     "variants:\n  - name: x\n    hypothesis: {a: 1}\n"},
};

enum { NBAD = sizeof bad_cases / sizeof bad_cases[0] };

/* BASE with one edit; caller frees. */
static char *edited(const bad_case *c)
{
    const size_t n = sizeof BASE + strlen(c->to) + 1;
    char *text = malloc(n);
    const char *at;

    ck_assert_ptr_nonnull(text);
    if (c->from[0] == '\0') {
        snprintf(text, n, "%s%s", BASE, c->to);
        return text;
    }
    at = strstr(BASE, c->from);
    ck_assert_msg(at != NULL, "'%s' is not in BASE", c->from);
    snprintf(text, n, "%.*s%s%s", (int)(at - BASE), BASE, c->to,
             at + strlen(c->from));
    return text;
}


START_TEST(test_bad_case)
{
    const bad_case *c = &bad_cases[_i];
    char *text = edited(c);
    char name[32];

    snprintf(name, sizeof name, "case%d.yaml", _i);
    expect_error(name, text, c->line, c->column, c->substring);
    free(text);
}
END_TEST

START_TEST(test_base_is_valid)
{
    cs_scenario *s = load_ok(BASE);
    cs_model *m = build_ok(s, -1);

    ck_assert_int_eq(m->nteams, 2);
    ck_assert_int_eq(m->nclasses, 1);
    ck_assert_int_eq(m->npromises, 1);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

/* ---- tests/bad: first line "# expect: LINE:COLUMN: SUBSTRING" ---- */

static void check_bad_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char first[512], want[600], buf[1024];
    cs_scenario *s = NULL;
    cs_error err;
    cs_status st;
    int line = 0, column = 0, used = 0;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_msg(fgets(first, sizeof first, f) != NULL, "%s is empty", path);
    fclose(f);
    first[strcspn(first, "\n")] = '\0';
    ck_assert_msg(sscanf(first, "# expect: %d:%d: %n", &line, &column, &used)
                  == 2 && used > 0, "%s: no '# expect: L:C: TEXT' line", path);
    st = cs_scenario_load(path, &s, &err);
    cs_error_format(&err, buf, sizeof buf);
    ck_assert_msg(st == CS_EINPUT, "%s: status %d: %s", path, (int)st, buf);
    ck_assert_ptr_null(s);
    /* What the CLI test looks for on stderr. */
    snprintf(want, sizeof want, "%s:%d:%d: error: ", path, line, column);
    ck_assert_msg(strncmp(buf, want, strlen(want)) == 0,
                  "%s: got '%s', expected it to start with '%s'", path, buf,
                  want);
    ck_assert_msg(strstr(buf, first + used) != NULL,
                  "%s: '%s' lacks '%s'", path, buf, first + used);
}

static int is_yaml(const char *name)
{
    const size_t n = strlen(name);

    return n > 5 && strcmp(name + n - 5, ".yaml") == 0;
}

START_TEST(test_bad_files)
{
    DIR *d = opendir("tests/bad");
    const struct dirent *e;
    int n = 0;

    ck_assert_msg(d != NULL, "run from the repository root");
    while ((e = readdir(d)) != NULL) {
        char path[512];
        if (!is_yaml(e->d_name))
            continue;
        snprintf(path, sizeof path, "tests/bad/%s", e->d_name);
        check_bad_file(path);
        n++;
    }
    closedir(d);
    ck_assert_int_ge(n, 40);
}
END_TEST

/* ---- a complete scenario, read field by field ------------------------ */

static const char FULL[] =
    "chainsim: 1\n"
    "name: full example\n"
    "description: >\n"
    "  every key\n"
    "  at least once\n"
    "time:\n"
    "  hours_per_day: 6\n"
    "  days_per_week: 4\n"
    "horizon: 10w\n"
    "warmup: 3h\n"
    "replications: 20\n"
    "seed: 18446744073709551615\n"
    "teams:\n"
    "  - name: ingestion\n"
    "    type: platform\n"
    "    capacity: 2\n"
    "    wip_limit: 6\n"
    "    discipline: priority\n"
    "    handoff: 4h\n"
    "    focus: 0.8\n"
    "    cost_per_day: 100\n"
    "  - name: modelling\n"
    "    type: complicated-subsystem\n"
    "    discipline: edd\n"
    "  - name: governance\n"
    "    type: enabling\n"
    "    handoff: {dist: uniform, a: 1d, b: 3d}\n"
    "  - name: reporting\n"
    "    type: stream-aligned\n"
    "    capacity: \"3\"\n"
    "work:\n"
    "  - name: data-product\n"
    "    priority: -2\n"
    "    due: 1w\n"
    "    arrivals:\n"
    "      rate: 12/4w\n"
    "      batch: 2\n"
    "    steps:\n"
    "      - team: ingestion\n"
    "        effort: 4h\n"
    "      - id: build\n"
    "        p: 0.9\n"
    "        parallel:\n"
    "          - team: modelling\n"
    "            effort: gamma(mean=4d, cv=0.5)\n"
    "          - team: governance\n"
    "            id: review\n"
    "            p: 0.5\n"
    "            effort: {dist: triangular, min: 1d, mode: 2d, max: 5d}\n"
    "        rework: {p: 0.2, to: ingestion, effort: 0.5}\n"
    "      - team: reporting\n"
    "        effort: 3d\n"
    "        rework: {p: 0.1, to: build}\n"
    "      - team: modelling\n"
    "        id: polish\n"
    "        effort: uniform(1d, 2d)\n"
    "        rework: {p: 0, to: polish}\n"
    "  - name: report\n"
    "    backlog: 5\n"
    "    arrivals:\n"
    "      interval: exponential(2d)\n"
    "    steps:\n"
    "      - {team: reporting, effort: 1d}\n"
    "      - {team: reporting, effort: 2d, p: 0.25}\n"
    "  - name: Migration_2\n"
    "    backlog: 7\n"
    "    steps:\n"
    "      - {team: modelling, effort: \"empirical(1d, 2d, 6d)\"}\n"
    "promise:\n"
    "  - name: data products in two weeks\n"
    "    work: data-product\n"
    "    within: 2w\n"
    "    percentile: 85\n"
    "  - name: quarterly\n"
    "    throughput: 40/65d\n"
    "  - name: weekly reports\n"
    "    work: report\n"
    "    throughput: 3/w\n";

START_TEST(test_full_settings)
{
    cs_scenario *s = load_ok(FULL);
    cs_model *m = build_ok(s, -1);

    ck_assert_str_eq(m->name, "full example");
    ck_assert_str_eq(m->description, "every key at least once");
    ck_assert_str_eq(m->variant, "baseline");
    ck_assert_ptr_null(m->hypothesis);
    ck_assert_double_eq(m->units.hours_per_day, 6);
    ck_assert_double_eq(m->units.days_per_week, 4);
    ck_assert_double_eq_tol(m->horizon, 40.0, EPS);
    ck_assert_double_eq_tol(m->warmup, 0.5, EPS);
    ck_assert_int_eq(m->warmup_auto, 0);
    ck_assert_uint_eq(m->replications, 20);
    ck_assert_msg(m->seed == UINT64_MAX, "seed %llu",
                  (unsigned long long)m->seed);
    ck_assert_str_eq(cs_scenario_file(s), "test.yaml");
    ck_assert_uint_eq(cs_variant_count(s), 0);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_full_teams)
{
    cs_scenario *s = load_ok(FULL);
    cs_model *m = build_ok(s, -1);
    const cs_team *t;

    ck_assert_int_eq(m->nteams, 4);
    t = &m->teams[0];
    ck_assert_str_eq(t->name, "ingestion");
    ck_assert_int_eq(t->type, CS_TEAM_PLATFORM);
    ck_assert_int_eq(t->capacity, 2);
    ck_assert_int_eq(t->wip_limit, 6);
    ck_assert_int_eq(t->discipline, CS_DISC_PRIORITY);
    ck_assert_int_eq(t->has_handoff, 1);
    ck_assert_int_eq(t->handoff.kind, CS_DIST_CONST);
    ck_assert_double_eq_tol(t->handoff.p[0], 4.0 / 6.0, EPS);
    ck_assert_double_eq(t->focus, 0.8);
    ck_assert_double_eq(t->cost_per_day, 100);
    ck_assert_int_eq(t->pos.line, 14);
    ck_assert_int_eq(t->pos.column, 5);
    t = &m->teams[1];
    ck_assert_str_eq(t->name, "modelling");
    ck_assert_int_eq(t->type, CS_TEAM_COMPLICATED_SUBSYSTEM);
    ck_assert_int_eq(t->capacity, 1);
    ck_assert_int_eq(t->wip_limit, 0);
    ck_assert_int_eq(t->discipline, CS_DISC_EDD);
    ck_assert_int_eq(t->has_handoff, 0);
    ck_assert_double_eq(t->focus, 1);
    ck_assert_double_eq(t->cost_per_day, 0);
    t = &m->teams[2];
    ck_assert_int_eq(t->type, CS_TEAM_ENABLING);
    ck_assert_int_eq(t->has_handoff, 1);
    ck_assert_int_eq(t->handoff.kind, CS_DIST_UNIFORM);
    ck_assert_double_eq(t->handoff.p[0], 1);
    ck_assert_double_eq(t->handoff.p[1], 3);
    t = &m->teams[3];
    ck_assert_int_eq(t->type, CS_TEAM_STREAM_ALIGNED);
    ck_assert_int_eq(t->capacity, 3);
    ck_assert_int_eq(t->discipline, CS_DISC_FIFO);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_full_classes)
{
    cs_scenario *s = load_ok(FULL);
    cs_model *m = build_ok(s, -1);
    const cs_class *c;

    ck_assert_int_eq(m->nclasses, 3);
    c = &m->classes[0];
    ck_assert_str_eq(c->name, "data-product");
    ck_assert_int_eq(c->priority, -2);
    ck_assert_int_eq(c->has_due, 1);
    ck_assert_double_eq_tol(c->due, 4.0, EPS);
    ck_assert_int_eq(c->arrival, CS_ARRIVE_RATE);
    ck_assert_double_eq_tol(c->rate, 12.0 / 16.0, EPS);   /* 4w = 16 days */
    ck_assert_int_eq(c->batch, 2);
    ck_assert_int_eq(c->backlog, 0);
    ck_assert_int_eq(c->pos.line, 32);
    c = &m->classes[1];
    ck_assert_str_eq(c->name, "report");
    ck_assert_int_eq(c->priority, 0);
    ck_assert_int_eq(c->has_due, 0);
    ck_assert_int_eq(c->arrival, CS_ARRIVE_INTERVAL);
    ck_assert_int_eq(c->interval.kind, CS_DIST_EXPONENTIAL);
    ck_assert_double_eq_tol(cs_dist_mean(&c->interval), 2.0, EPS);
    ck_assert_int_eq(c->batch, 1);
    ck_assert_int_eq(c->backlog, 5);
    c = &m->classes[2];
    ck_assert_str_eq(c->name, "Migration_2");
    ck_assert_int_eq(c->arrival, CS_ARRIVE_NONE);
    ck_assert_int_eq(c->backlog, 7);
    ck_assert_int_eq(c->nsteps, 1);
    ck_assert_int_eq(c->steps[0].effort.kind, CS_DIST_EMPIRICAL);
    ck_assert_uint_eq(c->steps[0].effort.nvalues, 3);
    ck_assert_double_eq_tol(cs_dist_mean(&c->steps[0].effort), 3.0, EPS);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

/* cost_of_delay: money per item-day, default 0 (SPEC 5.9). */
START_TEST(test_cost_of_delay)
{
    const bad_case edit = {0, 0, "", "    arrivals: {rate: 1/d}\n",
                           "    cost_of_delay: 1.5e3\n"
                           "    arrivals: {rate: 1/d}\n"};
    char *text = edited(&edit);
    cs_scenario *s = load_ok(BASE);
    cs_model *m = build_ok(s, -1);

    ck_assert_double_eq(m->classes[0].cost_of_delay, 0.0);
    ck_assert_int_eq(cs_model_has_delay_cost(m), 0);
    cs_model_free(m);
    cs_scenario_free(s);
    s = load_ok(text);
    m = build_ok(s, -1);
    ck_assert_double_eq_tol(m->classes[0].cost_of_delay, 1500.0, EPS);
    ck_assert_int_eq(cs_model_has_delay_cost(m), 1);
    cs_model_free(m);
    cs_scenario_free(s);
    free(text);
}
END_TEST

/* patience, wip_limit (top level and class) and a promise on a team
** (SPEC 5.7, 5.8); none by default. */
START_TEST(test_flow_keys)
{
    static const char text[] =
        "chainsim: 1\n"
        "name: t\n"
        "wip_limit: 7\n"
        "teams:\n"
        "  - {name: a, capacity: 1}\n"
        "  - {name: b, capacity: 1}\n"
        "work:\n"
        "  - name: w\n"
        "    wip_limit: 3\n"
        "    patience: exponential(mean=2d)\n"
        "    arrivals: {rate: 1/d}\n"
        "    steps:\n"
        "      - {team: a, effort: 1d}\n"
        "      - {team: b, effort: 1d}\n"
        "promise:\n"
        "  - {name: p, team: b, within: 16h, percentile: 80}\n";
    cs_scenario *s = load_ok(BASE);
    cs_model *m = build_ok(s, -1);

    ck_assert_int_eq(m->wip_limit, 0);
    ck_assert_int_eq(m->classes[0].wip_limit, 0);
    ck_assert_int_eq(m->classes[0].has_patience, 0);
    ck_assert_int_eq(m->promises[0].at_team, 0);
    ck_assert_int_eq(cs_model_has_patience(m), 0);
    ck_assert_int_eq(cs_model_has_conwip(m), 0);
    cs_model_free(m);
    cs_scenario_free(s);
    s = load_ok(text);
    m = build_ok(s, -1);
    ck_assert_int_eq(m->wip_limit, 7);
    ck_assert_int_eq(m->classes[0].wip_limit, 3);
    ck_assert_int_eq(m->classes[0].has_patience, 1);
    ck_assert_double_eq_tol(cs_dist_mean(&m->classes[0].patience), 2.0, EPS);
    ck_assert_int_eq(m->promises[0].at_team, 1);
    ck_assert_int_eq(m->promises[0].team, 1);
    ck_assert_int_eq(m->promises[0].kind, CS_PROMISE_LEAD_TIME);
    ck_assert_double_eq_tol(m->promises[0].within, 2.0, EPS);
    ck_assert_int_eq(cs_model_has_patience(m), 1);
    ck_assert_int_eq(cs_model_has_conwip(m), 1);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

/* A promise's work as a list of classes (SPEC 5.8). */
START_TEST(test_promise_work_list)
{
    static const char text[] =
        "chainsim: 1\n"
        "name: t\n"
        "teams:\n"
        "  - {name: a}\n"
        "work:\n"
        "  - {name: x, backlog: 2, steps: [{team: a, effort: 1d}]}\n"
        "  - {name: y, arrivals: {rate: 1/d}, steps: [{team: a, effort: 1d}]}\n"
        "  - {name: z, arrivals: {rate: 1/d}, steps: [{team: a, effort: 1d}]}\n"
        "promise:\n"
        "  - {name: p, work: [z, x], within: 5d, percentile: 80}\n"
        "  - {name: q, work: [x], throughput: 1/d}\n"
        "  - {name: r, work: [y, x], done_by: 10d, percentile: 50}\n"
        "  - {name: s, work: y, within: 5d, percentile: 80}\n";
    cs_scenario *s = load_ok(text);
    cs_model *m = build_ok(s, -1);
    const cs_promise *p = &m->promises[0];

    ck_assert_int_eq(p->work, CS_PROMISE_WORK_LIST);
    ck_assert_int_eq(p->nworks, 2);
    ck_assert_int_eq(p->works[0], 2);
    ck_assert_int_eq(p->works[1], 0);
    ck_assert(cs_model_promise_covers(p, 0));
    ck_assert(!cs_model_promise_covers(p, 1));
    ck_assert(cs_model_promise_covers(p, 2));
    ck_assert_int_eq(m->promises[1].work, CS_PROMISE_WORK_LIST);
    ck_assert_int_eq(m->promises[1].nworks, 1);
    ck_assert_int_eq(m->promises[2].kind, CS_PROMISE_DONE_BY);
    ck_assert_int_eq(m->promises[3].work, 1);
    ck_assert_ptr_null(m->promises[3].works);
    ck_assert(cs_model_promise_covers(&m->promises[3], 1));
    ck_assert(!cs_model_promise_covers(&m->promises[3], 0));
    /* the same set in another order is the same promise; a list of one
    ** class is that class */
    ck_assert_int_eq(cs_model_promise_same(m, 0, m, 0), 1);
    m->promises[3].kind = m->promises[0].kind;
    m->promises[3].target = m->promises[0].target;
    m->promises[3].within = m->promises[0].within;
    ck_assert_int_eq(cs_model_promise_same(m, 0, m, 3), 0);
    m->promises[3].work = 0;
    m->promises[1].nworks = 1;
    ck_assert_int_eq(cs_model_promise_same(m, 1, m, 3), 0); /* kinds */
    m->promises[1].kind = m->promises[3].kind;
    m->promises[1].target = m->promises[3].target;
    m->promises[1].within = m->promises[3].within;
    ck_assert_int_eq(cs_model_promise_same(m, 1, m, 3), 1); /* [x] = x */
    p = &m->promises[0];
    {
        int *w = p->works;
        const int t = w[0];
        w[0] = w[1];
        w[1] = t;
        ck_assert_int_eq(cs_model_promise_same(m, 0, m, 0), 1);
    }
    cs_model_free(m);
    cs_scenario_free(s);
    expect_error("nodone.yaml",
                 "chainsim: 1\nname: t\nteams:\n  - {name: a}\nwork:\n"
                 "  - {name: x, backlog: 2, steps: [{team: a, effort: 1d}]}\n"
                 "  - {name: y, arrivals: {rate: 1/d}, steps: [{team: a, effort: 1d}]}\n"
                 "promise:\n"
                 "  - {name: r, work: [y], done_by: 10d, percentile: 50}\n",
                 9, 35, "none of its classes has initial items");
}
END_TEST

START_TEST(test_full_route)
{
    cs_scenario *s = load_ok(FULL);
    cs_model *m = build_ok(s, -1);
    const cs_class *c = klass(m, "data-product");
    const cs_step *st = c->steps;

    /* steps: ingestion, build, its two branches, reporting, polish */
    ck_assert_int_eq(c->nsteps, 6);
    ck_assert_int_eq(c->nroute, 4);
    ck_assert_int_eq(c->route[0], 0);
    ck_assert_int_eq(c->route[1], 1);
    ck_assert_int_eq(c->route[2], 4);
    ck_assert_int_eq(c->route[3], 5);

    ck_assert_int_eq(st[0].kind, CS_STEP_WORK);
    ck_assert_str_eq(st[0].id, "ingestion");
    ck_assert_int_eq(st[0].team, cs_model_team_index(m, "ingestion"));
    ck_assert_int_eq(st[0].effort.kind, CS_DIST_CONST);
    ck_assert_double_eq_tol(st[0].effort.p[0], 4.0 / 6.0, EPS);
    ck_assert_double_eq(st[0].p, 1);
    ck_assert_int_eq(st[0].has_rework, 0);
    ck_assert_int_eq(st[0].pos.line, 39);
    ck_assert_int_eq(st[0].pos.column, 9);

    ck_assert_int_eq(st[1].kind, CS_STEP_PARALLEL);
    ck_assert_str_eq(st[1].id, "build");
    ck_assert_double_eq(st[1].p, 0.9);
    ck_assert_int_eq(st[1].branch_first, 2);
    ck_assert_int_eq(st[1].nbranches, 2);
    ck_assert_int_eq(st[1].has_rework, 1);
    ck_assert_double_eq(st[1].rework_p, 0.2);
    ck_assert_int_eq(st[1].rework_to, 0);
    ck_assert_double_eq(st[1].rework_factor, 0.5);

    /* modelling appears twice (branch and polish): the branch has no id of
    ** its own, so it is labelled modelling#1 */
    ck_assert_int_eq(st[2].kind, CS_STEP_WORK);
    ck_assert_str_eq(st[2].id, "modelling#1");
    ck_assert_int_eq(st[2].team, cs_model_team_index(m, "modelling"));
    ck_assert_int_eq(st[2].effort.kind, CS_DIST_GAMMA);
    ck_assert_double_eq_tol(st[2].effort.p[0], 4.0, EPS);   /* shape */
    ck_assert_double_eq_tol(st[2].effort.p[1], 1.0, EPS);   /* scale */
    ck_assert_int_eq(st[2].has_rework, 0);

    ck_assert_str_eq(st[3].id, "review");
    ck_assert_int_eq(st[3].team, cs_model_team_index(m, "governance"));
    ck_assert_double_eq(st[3].p, 0.5);
    ck_assert_int_eq(st[3].effort.kind, CS_DIST_TRIANGULAR);
    ck_assert_double_eq(st[3].effort.p[0], 1);
    ck_assert_double_eq(st[3].effort.p[1], 2);
    ck_assert_double_eq(st[3].effort.p[2], 5);

    ck_assert_str_eq(st[4].id, "reporting");
    ck_assert_int_eq(st[4].has_rework, 1);
    ck_assert_double_eq(st[4].rework_p, 0.1);
    ck_assert_int_eq(st[4].rework_to, 1);   /* route position of build */
    ck_assert_double_eq(st[4].rework_factor, 1);

    ck_assert_str_eq(st[5].id, "polish");
    ck_assert_int_eq(st[5].effort.kind, CS_DIST_UNIFORM);
    ck_assert_int_eq(st[5].has_rework, 1);
    ck_assert_double_eq(st[5].rework_p, 0);
    ck_assert_int_eq(st[5].rework_to, 3);   /* itself */

    c = klass(m, "report");
    ck_assert_int_eq(c->nsteps, 2);
    ck_assert_str_eq(c->steps[0].id, "reporting#1");
    ck_assert_str_eq(c->steps[1].id, "reporting#2");
    ck_assert_double_eq(c->steps[1].p, 0.25);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_full_promises)
{
    cs_scenario *s = load_ok(FULL);
    cs_model *m = build_ok(s, -1);
    const cs_promise *p = m->promises;

    ck_assert_int_eq(m->npromises, 3);
    ck_assert_str_eq(p[0].name, "data products in two weeks");
    ck_assert_int_eq(p[0].kind, CS_PROMISE_LEAD_TIME);
    ck_assert_int_eq(p[0].work, 0);
    ck_assert_double_eq_tol(p[0].within, 8.0, EPS);
    ck_assert_double_eq_tol(p[0].target, 0.85, EPS);
    ck_assert_int_eq(p[1].kind, CS_PROMISE_THROUGHPUT);
    ck_assert_int_eq(p[1].work, -1);
    ck_assert_double_eq(p[1].target, 40);
    ck_assert_double_eq(p[1].per, 65);
    ck_assert_int_eq(p[2].kind, CS_PROMISE_THROUGHPUT);
    ck_assert_int_eq(p[2].work, 1);
    ck_assert_double_eq(p[2].target, 3);
    ck_assert_double_eq(p[2].per, 4);   /* one week of 4 days */
    ck_assert_int_eq(p[2].pos.line, 76);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

/* ---- SPEC 4.1-4.5: the chain over time, read field by field ---------- */

/* Units of 6 hours a day and 4 days a week, so every conversion shows. */
static const char OVER_TIME[] =
    "chainsim: 1\n"
    "name: over time\n"
    "time: {hours_per_day: 6, days_per_week: 4}\n"
    "horizon: 60w\n"
    "timeline: 2w\n"
    "teams:\n"
    "  - name: modelling\n"
    "    capacity: 3\n"
    "    schedule:\n"
    "      - {from: 0, capacity: 0}\n"
    "      - {from: 1w, capacity: 4}\n"
    "      - {from: 30h, capacity: 2}\n"
    "    schedule_every: 13w\n"
    "    productivity:\n"
    "      - {at: 0d, factor: 0.6}\n"
    "      - {at: 15w, factor: 1.0}\n"
    "      - {at: 61d, factor: 10}\n"
    "  - name: governance\n"
    "    schedule: [{from: 100d, capacity: 1}]\n"
    "  - name: reporting\n"
    "work:\n"
    "  - name: data-product\n"
    "    backlog: 12\n"
    "    arrivals:\n"
    "      rate: 3/w\n"
    "      profile:\n"
    "        - {from: 12d, factor: 3}\n"
    "        - {from: 14d, factor: 0}\n"
    "      profile_every: 4w\n"
    "    start:\n"
    "      - {step: modelling, count: 4, age: 2w}\n"
    "      - {step: build-and-review, count: 2}\n"
    "      - {step: last, count: 1, age: 3h}\n"
    "    steps:\n"
    "      - {team: modelling, effort: 1d}\n"
    "      - id: build-and-review\n"
    "        parallel:\n"
    "          - {team: governance, effort: 1d}\n"
    "          - {team: reporting, effort: 1d}\n"
    "      - {team: reporting, id: last, effort: 1d}\n"
    "  - name: report\n"
    "    arrivals: {rate: 1/w, profile: [{from: 0, factor: 0.5}]}\n"
    "    steps: [{team: reporting, effort: 1d}]\n"
    "  - name: migration\n"
    "    start: [{step: reporting, count: 5}]\n"
    "    steps: [{team: reporting, effort: 1d}]\n"
    "promise:\n"
    "  - name: board done\n"
    "    work: data-product\n"
    "    done_by: 24w\n"
    "    percentile: 85\n"
    "  - {name: all boards, done_by: 240d, percentile: 50.5}\n"
    "  - {name: migration, work: migration, done_by: 1w, percentile: 99}\n"
    "  - {name: lead time, within: 2w, percentile: 80}\n";

START_TEST(test_schedule)
{
    cs_scenario *s = load_ok(OVER_TIME);
    cs_model *m = build_ok(s, -1);
    const cs_team *t = team(m, "modelling");

    ck_assert_int_eq(t->capacity, 3);
    ck_assert_int_eq(t->nschedule, 3);
    ck_assert_double_eq(t->schedule[0].from, 0);
    ck_assert_int_eq(t->schedule[0].capacity, 0);
    ck_assert_double_eq_tol(t->schedule[1].from, 4.0, EPS);    /* 1w */
    ck_assert_int_eq(t->schedule[1].capacity, 4);
    ck_assert_double_eq_tol(t->schedule[2].from, 5.0, EPS);    /* 30h */
    ck_assert_int_eq(t->schedule[2].capacity, 2);
    ck_assert_int_eq(t->schedule[1].pos.line, 11);
    ck_assert_int_eq(t->schedule[1].pos.column, 9);
    ck_assert_double_eq_tol(t->schedule_every, 52.0, EPS);     /* 13w */
    /* the model's view of it: 0 on [0, 4), 4 on [4, 5), 2 on [5, 52) */
    ck_assert_int_eq(cs_model_capacity_at(t, 4.5), 4);
    ck_assert_int_eq(cs_model_capacity_at(t, 52.0 + 4.5), 4);
    ck_assert_int_eq(cs_model_capacity_at(t, 51.9), 2);
    t = team(m, "governance");
    ck_assert_int_eq(t->nschedule, 1);
    ck_assert_double_eq(t->schedule[0].from, 100);
    ck_assert_int_eq(t->schedule[0].capacity, 1);
    ck_assert_double_eq(t->schedule_every, 0);
    ck_assert_int_eq(t->nproductivity, 0);
    ck_assert_ptr_null(t->productivity);
    t = team(m, "reporting");
    ck_assert_int_eq(t->nschedule, 0);
    ck_assert_ptr_null(t->schedule);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_productivity)
{
    cs_scenario *s = load_ok(OVER_TIME);
    cs_model *m = build_ok(s, -1);
    const cs_team *t = team(m, "modelling");

    ck_assert_int_eq(t->nproductivity, 3);
    ck_assert_double_eq(t->productivity[0].at, 0);
    ck_assert_double_eq(t->productivity[0].factor, 0.6);
    ck_assert_double_eq_tol(t->productivity[1].at, 60.0, EPS);   /* 15w */
    ck_assert_double_eq(t->productivity[1].factor, 1.0);
    ck_assert_double_eq(t->productivity[2].at, 61);
    ck_assert_double_eq(t->productivity[2].factor, 10);
    ck_assert_int_eq(t->productivity[2].pos.line, 17);
    ck_assert_double_eq_tol(cs_model_productivity_at(t, 30.0), 0.8, EPS);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_profile)
{
    cs_scenario *s = load_ok(OVER_TIME);
    cs_model *m = build_ok(s, -1);
    const cs_class *c = klass(m, "data-product");

    ck_assert_double_eq_tol(c->rate, 0.75, EPS);
    ck_assert_int_eq(c->nprofile, 2);
    ck_assert_double_eq(c->profile[0].from, 12);
    ck_assert_double_eq(c->profile[0].factor, 3);
    ck_assert_double_eq(c->profile[1].from, 14);
    ck_assert_double_eq(c->profile[1].factor, 0);
    ck_assert_int_eq(c->profile[1].pos.line, 28);
    ck_assert_int_eq(c->profile[1].pos.column, 11);
    ck_assert_double_eq_tol(c->profile_every, 16.0, EPS);    /* 4w */
    /* 1 on [0, 12), 3 on [12, 14), 0 on [14, 16): a mean of 18/16 */
    ck_assert_double_eq_tol(cs_model_profile_mean(c, 0, 240), 18.0 / 16.0,
                            1e-9);
    c = klass(m, "report");
    ck_assert_int_eq(c->nprofile, 1);
    ck_assert_double_eq(c->profile[0].factor, 0.5);
    ck_assert_double_eq(c->profile_every, 0);
    ck_assert_double_eq_tol(cs_model_class_rate(m, 1), 0.25 * 0.5, EPS);
    ck_assert_int_eq(klass(m, "migration")->nprofile, 0);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_start)
{
    cs_scenario *s = load_ok(OVER_TIME);
    cs_model *m = build_ok(s, -1);
    const cs_class *c = klass(m, "data-product");

    ck_assert_int_eq(c->nstart, 3);
    ck_assert_int_eq(c->start[0].at, 0);
    ck_assert_int_eq(c->start[0].count, 4);
    ck_assert_double_eq_tol(c->start[0].age, 8.0, EPS);   /* 2w */
    ck_assert_int_eq(c->start[1].at, 1);                  /* the parallel step */
    ck_assert_int_eq(c->steps[c->route[1]].kind, CS_STEP_PARALLEL);
    ck_assert_int_eq(c->start[1].count, 2);
    ck_assert_double_eq(c->start[1].age, 0);
    ck_assert_int_eq(c->start[2].at, 2);
    ck_assert_double_eq_tol(c->start[2].age, 0.5, EPS);   /* 3h */
    ck_assert_int_eq(c->start[2].pos.line, 33);
    ck_assert_int_eq(c->start[2].pos.column, 9);
    ck_assert_int_eq(cs_model_class_initial(c), 12 + 4 + 2 + 1);
    /* start items only: a class with neither arrivals nor a backlog */
    c = klass(m, "migration");
    ck_assert_int_eq(c->arrival, CS_ARRIVE_NONE);
    ck_assert_int_eq(c->backlog, 0);
    ck_assert_int_eq(c->nstart, 1);
    ck_assert_int_eq(c->start[0].at, 0);
    ck_assert_int_eq(cs_model_class_initial(c), 5);
    c = klass(m, "report");
    ck_assert_int_eq(c->nstart, 0);
    ck_assert_ptr_null(c->start);
    ck_assert_int_eq(cs_model_has_initial(m), 1);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_done_by_and_timeline)
{
    cs_scenario *s = load_ok(OVER_TIME);
    cs_model *m = build_ok(s, -1);
    const cs_promise *p = m->promises;

    ck_assert_double_eq_tol(m->timeline, 8.0, EPS);     /* 2w */
    ck_assert_int_eq(m->npromises, 4);
    ck_assert_int_eq(p[0].kind, CS_PROMISE_DONE_BY);
    ck_assert_int_eq(p[0].work, 0);
    ck_assert_double_eq_tol(p[0].done_by, 96.0, EPS);   /* 24w */
    ck_assert_double_eq_tol(p[0].target, 0.85, EPS);
    ck_assert_int_eq(p[0].pos.line, 48);
    ck_assert_int_eq(p[1].kind, CS_PROMISE_DONE_BY);
    ck_assert_int_eq(p[1].work, -1);
    ck_assert_double_eq(p[1].done_by, 240);             /* the horizon */
    ck_assert_double_eq_tol(p[1].target, 0.505, EPS);
    ck_assert_int_eq(p[2].work, 2);
    ck_assert_double_eq_tol(p[2].done_by, 4.0, EPS);
    ck_assert_double_eq_tol(p[2].target, 0.99, EPS);
    ck_assert_int_eq(p[3].kind, CS_PROMISE_LEAD_TIME);
    ck_assert_double_eq(p[3].done_by, 0);
    /* a done_by promise differs from another by its day */
    ck_assert_int_eq(cs_model_promise_same(m, 0, m, 0), 1);
    ck_assert_int_eq(cs_model_promise_same(m, 0, m, 2), 0);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

/* Without the new keys nothing changes: no schedule, curve, profile,
** start items or timeline. */
START_TEST(test_over_time_defaults)
{
    cs_scenario *s = load_ok(BASE);
    cs_model *m = build_ok(s, -1);

    ck_assert_double_eq(m->timeline, 0);
    for (int t = 0; t < m->nteams; t++) {
        ck_assert_int_eq(m->teams[t].nschedule, 0);
        ck_assert_double_eq(m->teams[t].schedule_every, 0);
        ck_assert_int_eq(m->teams[t].nproductivity, 0);
    }
    ck_assert_int_eq(m->classes[0].nprofile, 0);
    ck_assert_double_eq(m->classes[0].profile_every, 0);
    ck_assert_int_eq(m->classes[0].nstart, 0);
    ck_assert_int_eq(cs_model_has_initial(m), 0);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

/* The timeline: up to 10,000 periods; one longer than the horizon is one
** period; --horizon (an override) is checked against it too. */
START_TEST(test_timeline_bounds)
{
    static const char fmt[] =
        "chainsim: 1\nname: t\nhorizon: %s\ntimeline: %s\n"
        "teams: [{name: a}]\n"
        "work: [{name: w, backlog: 1, steps: [{team: a, effort: 1d}]}]\n"
        "promise: [{name: p, throughput: 1/w}]\n";
    static const struct { const char *horizon, *timeline; int ok; } c[] = {
        {"10000d", "1d", 1}, {"10001d", "1d", 0}, {"260d", "1000d", 1},
        {"260d", "0.026d", 1}, {"260d", "0.0259d", 0},
    };
    char text[512];

    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        cs_scenario *s = NULL;
        cs_error err;
        snprintf(text, sizeof text, fmt, c[i].horizon, c[i].timeline);
        const cs_status st = cs_scenario_load_string("t.yaml", text, &s, &err);
        ck_assert_msg(st == (c[i].ok ? CS_OK : CS_EINPUT), "%s / %s: %s",
                      c[i].horizon, c[i].timeline, err.msg);
        if (!c[i].ok) {
            ck_assert_int_eq(err.line, 4);
            ck_assert_int_eq(err.column, 11);
            ck_assert_ptr_nonnull(strstr(err.msg, "periods over the"));
        }
        cs_scenario_free(s);
    }
    {
        cs_scenario *s = NULL;
        cs_model *m = NULL;
        cs_error err;
        snprintf(text, sizeof text, fmt, "100d", "1d");
        s = load_ok(text);
        ck_assert_int_eq(cs_variant_add_override(s, "horizon=10001d", &err),
                         CS_OK);
        ck_assert_int_eq(cs_variant_build(s, -1, &m, &err), CS_EINPUT);
        ck_assert_ptr_null(m);
        ck_assert_ptr_nonnull(strstr(err.msg, "10001 periods over the "
                                     "10001d horizon"));
        cs_scenario_free(s);
    }
}
END_TEST

/* A schedule of 1000 entries loads; 1001 are refused at the last one. */
START_TEST(test_timed_bounds)
{
    const size_t size = 64 * 1024;
    char *text = malloc(size);
    cs_scenario *s = NULL;
    cs_error err;

    ck_assert_ptr_nonnull(text);
    for (int extra = 0; extra <= 1; extra++) {
        size_t n = (size_t)snprintf(text, size, "chainsim: 1\nname: n\n"
                                    "teams:\n  - name: a\n    schedule:\n");
        for (int i = 0; i < 1000 + extra; i++)
            n += (size_t)snprintf(text + n, size - n,
                                  "      - {from: %d, capacity: 1}\n", i);
        snprintf(text + n, size - n,
                 "work: [{name: w, backlog: 1, steps: [{team: a, "
                 "effort: 1d}]}]\n"
                 "promise: [{name: p, within: 1d, percentile: 50}]\n");
        const cs_status st = cs_scenario_load_string("n.yaml", text, &s, &err);
        if (extra == 0) {
            ck_assert_int_eq(st, CS_OK);
            cs_scenario_free(s);
        } else {
            ck_assert_int_eq(st, CS_EINPUT);
            ck_assert_int_eq(err.line, 1006);
            ck_assert_int_eq(err.column, 9);
            ck_assert_msg(strstr(err.msg, "too many schedule entries: at "
                                 "most 1000, got 1001") != NULL, "%s",
                          err.msg);
        }
    }
    free(text);
}
END_TEST

/* Initial items: backlogs and start counts of all classes together are
** bounded like the backlogs alone. */
START_TEST(test_initial_items_bound)
{
    static const char fmt[] =
        "chainsim: 1\nname: t\n"
        "teams: [{name: a}]\n"
        "work:\n"
        "  - {name: u, backlog: 600000, steps: [{team: a, effort: 0}]}\n"
        "  - name: w\n"
        "    start: [{step: a, count: %d}]\n"
        "    steps: [{team: a, effort: 0}]\n"
        "promise: [{name: p, done_by: 100d, percentile: 50}]\n";
    char text[512];
    cs_scenario *s = NULL;
    cs_error err;

    snprintf(text, sizeof text, fmt, 400000);
    cs_scenario_free(load_ok(text));
    snprintf(text, sizeof text, fmt, 400001);
    ck_assert_int_eq(cs_scenario_load_string("t.yaml", text, &s, &err),
                     CS_EINPUT);
    ck_assert_int_eq(err.line, 5);   /* the list of classes */
    ck_assert_int_eq(err.column, 3);
    ck_assert_msg(strstr(err.msg, "the initial items of all classes "
                         "(backlogs and start items) add up to 1000001; at "
                         "most 1000000") != NULL, "%s", err.msg);
}
END_TEST

/* The bounds of a percentile: 1 and 100 are percentages too. */
START_TEST(test_percentile_bounds)
{
    static const char *const pct[] = {"1", "100", "99.9"};
    static const double target[] = {0.01, 1.0, 0.999};

    for (size_t i = 0; i < 3; i++) {
        char text[sizeof BASE + 16], *at;
        cs_scenario *s;
        cs_model *m;
        snprintf(text, sizeof text, "%s", BASE);
        at = strstr(text, "percentile: 80");
        snprintf(at, sizeof text - (size_t)(at - text), "percentile: %s}\n",
                 pct[i]);
        s = load_ok(text);
        m = build_ok(s, -1);
        ck_assert_double_eq_tol(m->promises[0].target, target[i], EPS);
        cs_model_free(m);
        cs_scenario_free(s);
    }
}
END_TEST

START_TEST(test_defaults)
{
    cs_scenario *s = load_ok(BASE);
    cs_model *m = build_ok(s, -1);
    const cs_team *t = team(m, "a");
    const cs_class *c = klass(m, "w");

    ck_assert_ptr_null(m->description);
    ck_assert_double_eq(m->units.hours_per_day, 8);
    ck_assert_double_eq(m->units.days_per_week, 5);
    ck_assert_double_eq(m->horizon, 260);
    ck_assert_double_eq(m->warmup, 0);
    ck_assert_uint_eq(m->replications, 100);
    ck_assert_msg(m->seed == 1, "seed");
    ck_assert_int_eq(t->type, CS_TEAM_STREAM_ALIGNED);
    ck_assert_int_eq(t->wip_limit, 0);
    ck_assert_int_eq(t->discipline, CS_DISC_FIFO);
    ck_assert_int_eq(t->has_handoff, 0);
    ck_assert_double_eq(t->focus, 1);
    ck_assert_int_eq(c->priority, 0);
    ck_assert_int_eq(c->batch, 1);
    ck_assert_int_eq(c->has_due, 0);
    ck_assert_double_eq(c->steps[0].p, 1);
    ck_assert_double_eq(c->steps[0].rework_factor, 1);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_capacity_default_and_auto_warmup)
{
    static const char text[] =
        "chainsim: 1\nname: x\nwarmup: auto\n"
        "teams: [{name: a}]\n"
        "work: [{name: w, backlog: 1, steps: [{team: a, effort: 1d}]}]\n"
        "promise: [{name: p, throughput: 1/d}]\n";
    cs_scenario *s = load_ok(text);
    cs_model *m = build_ok(s, -1);

    ck_assert_int_eq(m->teams[0].capacity, 1);
    ck_assert_int_eq(m->warmup_auto, 1);
    ck_assert_double_eq(m->promises[0].target, 1);
    ck_assert_double_eq(m->promises[0].per, 1);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

/* A step's own hand-off (SPEC 5.4) and a team's intake cadence (SPEC
** 5.3), in the scenario's units. */
START_TEST(test_step_handoff)
{
    cs_scenario *s = load_ok(
        "chainsim: 1\nname: t\n"
        "teams: [{name: a, capacity: 1}, {name: b, capacity: 1, handoff: 1w}]\n"
        "work:\n  - name: w\n    arrivals: {rate: 1/d}\n    steps:\n"
        "      - {team: a, effort: 1d}\n"
        "      - {team: b, effort: 1d, handoff: 4h}\n"
        "      - parallel: [{team: a, effort: 1d, handoff: 'uniform(0d, 1d)'}]\n"
        "promise: [{name: p, within: 5d, percentile: 80}]\n");
    cs_model *m = build_ok(s, -1);
    const cs_class *c = klass(m, "w");

    ck_assert_int_eq(c->steps[0].has_handoff, 0);
    ck_assert_int_eq(c->steps[1].has_handoff, 1);
    ck_assert_int_eq(c->steps[1].handoff.kind, CS_DIST_CONST);
    ck_assert_double_eq_tol(c->steps[1].handoff.p[0], 0.5, 1e-12);
    ck_assert_int_eq(c->steps[2].has_handoff, 0);
    ck_assert_int_eq(c->steps[3].has_handoff, 1);
    ck_assert_int_eq(c->steps[3].handoff.kind, CS_DIST_UNIFORM);
    ck_assert_double_eq(team(m, "a")->intake_every, 0);
    cs_model_free(m);
    cs_scenario_free(s);
    s = load_ok("chainsim: 1\nname: t\n"
                "teams: [{name: a, capacity: 1, intake: {every: 2w, offset: 4h}}]\n"
                "work: [{name: w, backlog: 1, steps: [{team: a, effort: 1d}]}]\n"
                "promise: [{name: p, within: 5d, percentile: 80}]\n");
    m = build_ok(s, -1);
    ck_assert_double_eq_tol(team(m, "a")->intake_every, 10.0, 1e-12);
    ck_assert_double_eq_tol(team(m, "a")->intake_offset, 0.5, 1e-12);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

/* Interruptions (SPEC 5.1) and multitasking (SPEC 5.2): the keys, their
** defaults, and the resume cost in the scenario's units. */
START_TEST(test_preemptive_multitasking)
{
    cs_scenario *s = load_ok(
        "chainsim: 1\nname: t\n"
        "teams:\n"
        "  - {name: a, capacity: 2, discipline: preemptive, resume_cost: 4h}\n"
        "  - {name: b, capacity: 3, multitasking: {items_per_person: 2, "
        "switch_loss: 0.2}}\n"
        "  - {name: c, multitasking: {items_per_person: 3}}\n"
        "  - {name: d, discipline: preemptive}\n"
        "work:\n  - name: w\n    arrivals: {rate: 1/d}\n    steps:\n"
        "      - {team: a, effort: 1d}\n      - {team: b, effort: 1d}\n"
        "      - {team: c, effort: 1d}\n      - {team: d, effort: 1d}\n"
        "promise: [{name: p, within: 5d, percentile: 80}]\n");
    cs_model *m = build_ok(s, -1);

    ck_assert_int_eq(team(m, "a")->discipline, CS_DISC_PREEMPTIVE);
    ck_assert_int_eq(team(m, "a")->has_resume_cost, 1);
    ck_assert_int_eq(team(m, "a")->resume_cost.kind, CS_DIST_CONST);
    ck_assert_double_eq_tol(team(m, "a")->resume_cost.p[0], 0.5, 1e-12);
    ck_assert_int_eq(team(m, "a")->items_per_person, 0);
    ck_assert_int_eq(team(m, "b")->items_per_person, 2);
    ck_assert_double_eq_tol(team(m, "b")->switch_loss, 0.2, 1e-12);
    ck_assert_int_eq(team(m, "b")->discipline, CS_DISC_FIFO);
    ck_assert_int_eq(team(m, "c")->items_per_person, 3);
    ck_assert_double_eq(team(m, "c")->switch_loss, 0.0);
    ck_assert_int_eq(team(m, "d")->has_resume_cost, 0);
    ck_assert_str_eq(cs_model_discipline_name(CS_DISC_PREEMPTIVE),
                     "preemptive");
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

/* A parallel step without an id has none; one with an id is a target. */
START_TEST(test_parallel_ids)
{
    static const char text[] =
        "chainsim: 1\nname: x\n"
        "teams: [{name: a}, {name: b}, {name: c}]\n"
        "work:\n"
        "  - name: w\n"
        "    arrivals: {rate: 1/w}\n"
        "    steps:\n"
        "      - parallel: [{team: a, effort: 1d}, {team: b, effort: 1d}]\n"
        "      - id: fork\n"
        "        parallel: [{team: c, effort: 1d}]\n"
        "      - team: a\n"
        "        id: again\n"
        "        effort: 1d\n"
        "        rework: {p: 0.5, to: fork}\n"
        "promise: [{name: p, within: 9d, percentile: 50}]\n";
    cs_scenario *s = load_ok(text);
    cs_model *m = build_ok(s, -1);
    const cs_class *c = &m->classes[0];

    ck_assert_int_eq(c->nsteps, 6);
    ck_assert_ptr_null(c->steps[0].id);
    ck_assert_str_eq(c->steps[1].id, "a#1");
    ck_assert_str_eq(c->steps[2].id, "b");
    ck_assert_str_eq(c->steps[3].id, "fork");
    ck_assert_int_eq(c->steps[3].branch_first, 4);
    ck_assert_str_eq(c->steps[4].id, "c");
    ck_assert_int_eq(c->route[2], 5);
    ck_assert_int_eq(c->steps[5].rework_to, 1);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_model_from_node)
{
    cs_doc *d = NULL;
    cs_model *m = NULL;
    cs_error err;
    static const char text[] =
        "chainsim: 1\nname: n\nteams: [{name: a}]\n"
        "work: [{name: w, backlog: 2, steps: [{team: a, effort: 1d}]}]\n"
        "promise: [{name: p, throughput: 2/w}]\n"
        "variants: this is not read here\n";

    ck_assert_int_eq(cs_scenario_model_from_node(NULL, ".", &m, &err), CS_EINPUT);
    ck_assert_ptr_null(m);
    ck_assert_int_eq(cs_doc_load_string("n.yaml", text, strlen(text), &d,
                                        &err), CS_OK);
    ck_assert_int_eq(cs_scenario_model_from_node(d->root, d->dir, &m, &err), CS_OK);
    ck_assert_int_eq(m->classes[0].backlog, 2);
    ck_assert_double_eq(m->promises[0].per, 5);
    cs_model_free(m);
    cs_doc_free(d);
}
END_TEST

/* ---- files ------------------------------------------------------------ */

START_TEST(test_empirical_file_relative)
{
    char dir[] = "/tmp/chainsim-test-XXXXXX";
    char path[128], data[128];
    cs_scenario *s = NULL;
    cs_model *m;
    cs_error err;
    FILE *f;
    static const char text[] =
        "chainsim: 1\nname: e\nteams: [{name: a}]\n"
        "work: [{name: w, backlog: 2,\n"
        "        steps: [{team: a, effort: \"empirical(file=times.txt)\"}]}]\n"
        "promise: [{name: p, within: 9d, percentile: 50}]\n";

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/s.yaml", dir);
    snprintf(data, sizeof data, "%s/times.txt", dir);
    f = fopen(data, "w");
    ck_assert_ptr_nonnull(f);
    fputs("# observed\n1d\n2d\n\n6d\n", f);
    fclose(f);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    ck_assert_int_eq(cs_scenario_load(path, &s, &err), CS_OK);
    m = build_ok(s, -1);
    ck_assert_int_eq(m->classes[0].steps[0].effort.kind, CS_DIST_EMPIRICAL);
    ck_assert_uint_eq(m->classes[0].steps[0].effort.nvalues, 3);
    cs_model_free(m);
    cs_scenario_free(s);
    /* from a string, the path resolves against the current directory */
    ck_assert_int_eq(cs_scenario_load_string("e.yaml", text, &s, &err),
                     CS_EINPUT);
    ck_assert_int_eq(err.line, 5);
    unlink(data);
    unlink(path);
    rmdir(dir);
}
END_TEST

START_TEST(test_missing_file)
{
    cs_scenario *s = NULL;
    cs_error err;

    ck_assert_int_eq(cs_scenario_load("tests/bad/no-such-file.yaml", &s, &err),
                     CS_EIO);
    ck_assert_ptr_null(s);
    cs_scenario_free(NULL);
}
END_TEST

/* Every example loads, and every variant builds. */
static void check_example(const char *path, size_t nvariants)
{
    cs_scenario *s = NULL;
    cs_error err;
    char buf[1024];
    cs_status st = cs_scenario_load(path, &s, &err);

    cs_error_format(&err, buf, sizeof buf);
    ck_assert_msg(st == CS_OK, "%s: %s", path, buf);
    ck_assert_uint_eq(cs_variant_count(s), nvariants);
    for (long v = -1; v < (long)nvariants; v++)
        cs_model_free(build_ok(s, v));
    cs_scenario_free(s);
}

START_TEST(test_examples)
{
    check_example("scenarios/bi-chain.yaml", 5);
    check_example("scenarios/kanban-wip.yaml", 4);
    check_example("scenarios/rework-chain.yaml", 4);
    check_example("scenarios/backlog-forecast.yaml", 2);
    check_example("scenarios/bench/tandem5.yaml", 1);
}
END_TEST

START_TEST(test_bi_chain)
{
    cs_scenario *s = NULL;
    cs_error err;
    cs_model *m;
    static const char *const names[] = {
        "platform-team", "enabling-governance", "lower-wip",
        "merge-modelling-reporting", "one-more-modeller"
    };
    double load[4];

    ck_assert_int_eq(cs_scenario_load("scenarios/bi-chain.yaml", &s, &err),
                     CS_OK);
    for (size_t i = 0; i < 5; i++)
        ck_assert_str_eq(cs_variant_name(s, i), names[i]);
    m = build_ok(s, -1);
    ck_assert_int_eq(m->nteams, 4);
    ck_assert_int_eq(m->nclasses, 3);
    ck_assert_int_eq(m->npromises, 3);
    ck_assert_int_eq(klass(m, "data-product")->steps[1].kind,
                     CS_STEP_PARALLEL);
    /* no team is overloaded in the baseline */
    cs_model_offered_load(m, load);
    for (int t = 0; t < 4; t++)
        ck_assert_msg(load[t] > 0.5 && load[t] < 1.0, "%s load %g",
                      m->teams[t].name, load[t]);
    cs_model_free(m);
    m = build_ok(s, cs_variant_index(s, "merge-modelling-reporting"));
    ck_assert_int_eq(m->nteams, 3);
    ck_assert_int_eq(team(m, "modelling")->capacity, 5);
    cs_model_free(m);
    m = build_ok(s, cs_variant_index(s, "one-more-modeller"));
    ck_assert_int_eq(team(m, "modelling")->capacity, 4);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_tandem5)
{
    cs_scenario *s = NULL;
    cs_error err;
    cs_model *m;
    double load[5];

    ck_assert_int_eq(cs_scenario_load("scenarios/bench/tandem5.yaml", &s,
                                      &err), CS_OK);
    m = build_ok(s, -1);
    ck_assert_double_eq(m->horizon, 1000000);
    ck_assert_uint_eq(m->replications, 1);
    cs_model_offered_load(m, load);
    for (int t = 0; t < 5; t++) {
        ck_assert_int_eq(m->teams[t].capacity, 2);
        ck_assert_double_eq_tol(load[t], 1.0 / 0.6 / 2, 1e-9);
    }
    cs_model_free(m);
    m = build_ok(s, cs_variant_index(s, "rework5"));
    ck_assert_int_eq(m->classes[0].steps[4].rework_to, 2);
    ck_assert_double_eq(m->classes[0].steps[4].rework_p, 0.1);
    cs_model_offered_load(m, load);
    ck_assert_double_eq_tol(load[1], 0.8333333333, 1e-9);
    ck_assert_double_eq_tol(load[2], 0.8333333333 / 0.9, 1e-9);
    ck_assert_double_eq_tol(load[4], 0.8333333333 / 0.9, 1e-9);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

/* Expected step visits: p, parallel branches and geometric rework loops. */
START_TEST(test_class_visits)
{
    cs_scenario *s = load_ok(
        "chainsim: 1\nname: v\n"
        "teams: [{name: a}, {name: b}, {name: c}]\n"
        "work:\n"
        "  - name: x\n    backlog: 1\n    steps:\n"
        "      - {team: a, id: first, effort: 1d}\n"
        "      - {team: b, effort: 1d, p: 0.5,\n"
        "         rework: {p: 0.5, to: first, effort: 0.1}}\n"
        "      - parallel:\n"
        "          - {team: a, id: pa, effort: 1d}\n"
        "          - {team: c, effort: 1d, p: 0.25}\n"
        "promise: [{name: p, within: 1d, percentile: 50}]\n");
    cs_model *m = build_ok(s, -1);

    /* step b returns with probability 0.5 x 0.5: positions a..b are passed
    ** 1 / (1 - 0.25) times, the effort factor does not change the count */
    const double loop = 1.0 / 0.75;
    ck_assert_double_eq_tol(cs_model_class_visits(m, 0),
                            loop * (1.0 + 0.5) + 1.0 + 0.25, EPS);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

/* A list at its bound loads; one more element is refused at that element. */
START_TEST(test_count_bounds)
{
    const size_t size = 64 * 1024;
    char *text = malloc(size);
    cs_scenario *s = NULL;
    cs_error err;
    size_t n;

    ck_assert_ptr_nonnull(text);
    for (int extra = 0; extra <= 1; extra++) {
        n = (size_t)snprintf(text, size, "chainsim: 1\nname: n\nteams:\n");
        for (int t = 0; t < 500 + extra; t++)
            n += (size_t)snprintf(text + n, size - n, "  - {name: t%d}\n", t);
        snprintf(text + n, size - n,
                 "work: [{name: w, backlog: 1, steps: [{team: t499, "
                 "effort: 1d}]}]\n"
                 "promise: [{name: p, within: 1d, percentile: 50}]\n");
        const cs_status st = cs_scenario_load_string("n.yaml", text, &s, &err);
        if (extra == 0) {
            ck_assert_int_eq(st, CS_OK);
            cs_scenario_free(s);
        } else {
            ck_assert_int_eq(st, CS_EINPUT);
            ck_assert_int_eq(err.line, 504);
            ck_assert_msg(strstr(err.msg, "too many teams: at most 500, got "
                                 "501") != NULL, "%s", err.msg);
        }
    }
    free(text);
}
END_TEST

/* 10^9 step visits in one replication are allowed, a few more are not. */
START_TEST(test_visits_bound)
{
    cs_scenario *s = NULL;
    cs_error err;
    static const char base[] =
        "chainsim: 1\nname: v\nhorizon: 1000d\n"
        "teams: [{name: a}]\n"
        "work:\n  - name: x\n    arrivals: {rate: %s}\n"
        "    steps: [{team: a, effort: 1d}]\n"
        "promise: [{name: p, within: 1d, percentile: 50}]\n";
    char text[512];

    snprintf(text, sizeof text, base, "1000000/d");
    ck_assert_int_eq(cs_scenario_load_string("v.yaml", text, &s, &err), CS_OK);
    cs_scenario_free(s);
    snprintf(text, sizeof text, base, "1000001/d");
    ck_assert_int_eq(cs_scenario_load_string("v.yaml", text, &s, &err),
                     CS_EINPUT);
    ck_assert_int_eq(err.line, 6);
    ck_assert_int_eq(err.column, 5);
    ck_assert_msg(strstr(err.msg, "step visits in one replication") != NULL,
                  "%s", err.msg);
}
END_TEST

/* A class that escapes target needs neither arrivals nor a backlog; a
** variant changes a choice's p and a context mapping by the step's id. */
/* A joint step: the shared effort and hand-off on the step, a part per
** team with copies of them, the id from the teams unless given; a
** variant may make it a one-team step by its id. */
START_TEST(test_joint_ok)
{
    static const char text[] =
        "chainsim: 1\nname: t\n"
        "teams:\n  - {name: a, capacity: 1}\n  - {name: b, capacity: 2}\n"
        "  - {name: c, capacity: 1}\n"
        "work:\n"
        "  - name: w\n    arrivals: {rate: 1/d}\n"
        "    steps:\n"
        "      - {teams: [a, b], effort: 2d, handoff: 1h, p: 0.5}\n"
        "      - {teams: [b, c], effort: 1d, id: review}\n"
        "      - {team: c, effort: 1d, rework: {p: 0.2, to: a+b}}\n"
        "promise:\n  - {name: p, within: 5d, percentile: 80}\n"
        "variants:\n  - name: alone\n    patch:\n      work:\n"
        "        - name: w\n          steps:\n"
        "            - {id: review, teams: null, team: b}\n"
        "  - name: slower\n    patch:\n      work:\n"
        "        - name: w\n          steps:\n"
        "            - {id: a+b, effort: 3d}\n";
    cs_scenario *s = load_ok(text);
    cs_model *m = build_ok(s, -1), *v = build_ok(s, 0);
    const cs_class *w = klass(m, "w"), *wv = klass(v, "w");
    const cs_step *j = &w->steps[w->route[0]];
    double load[3];

    ck_assert_int_eq(w->nroute, 3);
    ck_assert(j->joint && j->kind == CS_STEP_PARALLEL);
    ck_assert_int_eq(j->nbranches, 2);
    ck_assert_str_eq(j->id, "a+b");
    ck_assert_double_eq_tol(cs_dist_mean(&j->effort), 2.0, EPS);
    ck_assert_double_eq_tol(j->p, 0.5, EPS);
    for (int b = 0; b < 2; b++) {
        const cs_step *const t = &w->steps[j->branch_first + b];
        ck_assert_int_eq(t->team, b);
        ck_assert_double_eq_tol(cs_dist_mean(&t->effort), 2.0, EPS);
        ck_assert(t->has_handoff);
        ck_assert_double_eq_tol(t->p, 1.0, EPS);
    }
    ck_assert_str_eq(w->steps[w->route[1]].id, "review");
    ck_assert_int_eq(w->steps[w->route[2]].rework_to, 0);
    ck_assert(cs_model_team_joint(m, 0) && cs_model_team_joint(m, 2));
    ck_assert(cs_model_has_joint(m));
    /* every listed team carries the shared effort in its load */
    cs_model_offered_load(m, load);
    ck_assert(load[0] > 0 && load[2] > 0);
    /* the variant's review is a plain step at b */
    ck_assert_int_eq(wv->steps[wv->route[1]].kind, CS_STEP_WORK);
    ck_assert_int_eq(wv->steps[wv->route[1]].team, 1);
    ck_assert(!cs_model_team_joint(v, 2));
    /* a joint step without an id is patched by its teams joined by '+' */
    {
        cs_model *v2 = build_ok(s, 1);
        const cs_class *w2 = klass(v2, "w");
        const cs_step *j2 = &w2->steps[w2->route[0]];
        ck_assert(j2->joint);
        ck_assert_double_eq_tol(cs_dist_mean(&j2->effort), 3.0, EPS);
        ck_assert_double_eq_tol(
            cs_dist_mean(&w2->steps[j2->branch_first + 1].effort), 3.0, EPS);
        cs_model_free(v2);
    }
    cs_model_free(v);
    cs_model_free(m);
    cs_scenario_free(s);
}
END_TEST

START_TEST(test_routes_ok)
{
    static const char text[] =
        "chainsim: 1\nname: t\n"
        "teams:\n  - {name: a, capacity: 1}\n  - {name: b, capacity: 1}\n"
        "work:\n"
        "  - name: w\n    arrivals: {rate: 1/d}\n"
        "    contexts: {f: 0.6, s: 0.4}\n"
        "    steps:\n"
        "      - id: env\n        choice:\n"
        "          - {p: 0.7, team: a, effort: 2h}\n"
        "          - {p: 0.3, team: {f: a, s: b}, effort: 2d, handoff: 1d}\n"
        "      - id: build\n        team: {f: a, s: b}\n        effort: 1d\n"
        "        escapes: {p: 0.1, after: exponential(20d), work: fix}\n"
        "  - name: fix\n    steps:\n      - {team: b, effort: 1d}\n"
        "promise:\n  - {name: p, within: 5d, percentile: 80}\n"
        "variants:\n  - name: v\n    patch:\n      work:\n        - name: w\n"
        "          steps:\n            - id: env\n              choice:\n"
        "                - {p: 0.9, team: a, effort: 2h}\n"
        "                - {p: 0.1, team: b, effort: 2d}\n"
        "            - id: build\n              team: {f: b, s: b}\n";
    cs_scenario *s = load_ok(text);
    cs_model *m = build_ok(s, -1), *v = build_ok(s, 0);
    const cs_class *w = klass(m, "w"), *wv = klass(v, "w");

    ck_assert_int_eq(w->ncontexts, 2);
    ck_assert_double_eq_tol(w->context_share[1], 0.4, EPS);
    ck_assert_int_eq(w->steps[0].noptions, 2);
    ck_assert_ptr_nonnull(w->steps[0].options[1].ctx_team);
    ck_assert(w->steps[0].options[1].has_handoff);
    ck_assert(w->steps[1].has_escapes);
    ck_assert_int_eq(w->steps[1].escape_work, cs_model_class_index(m, "fix"));
    ck_assert(cs_model_is_escape_target(m, 1));
    ck_assert_double_eq_tol(wv->steps[0].options[0].p, 0.9, EPS);
    ck_assert_int_eq(wv->steps[1].ctx_team[0], cs_model_team_index(v, "b"));
    ck_assert(wv->steps[1].has_escapes);
    cs_model_free(m);
    cs_model_free(v);
    cs_scenario_free(s);
}
END_TEST

/*
** A promise on a team that a class reaches only through a choice option
** or a context's team (not the first one) measures those visits: it is
** not refused as measuring nothing.
*/
START_TEST(test_promise_team_routes)
{
    static const char choice[] =
        "chainsim: 1\nname: t\n"
        "teams:\n  - {name: a, capacity: 1}\n  - {name: b, capacity: 1}\n"
        "work:\n"
        "  - name: w\n    arrivals: {rate: 1/d}\n"
        "    steps:\n"
        "      - id: env\n        choice:\n"
        "          - {p: 0.7, team: a, effort: 2h}\n"
        "          - {p: 0.3, team: b, effort: 2h}\n"
        "promise:\n  - {name: p, team: b, within: 2d, percentile: 80}\n";
    static const char mapped[] =
        "chainsim: 1\nname: t\n"
        "teams:\n  - {name: a, capacity: 1}\n  - {name: b, capacity: 1}\n"
        "work:\n"
        "  - name: w\n    arrivals: {rate: 1/d}\n"
        "    contexts: {f: 0.6, s: 0.4}\n"
        "    steps:\n"
        "      - {id: build, team: {f: a, s: b}, effort: 2h}\n"
        "promise:\n  - {name: p, work: w, team: b, within: 2d, percentile: 80}\n";
    const char *const texts[] = {choice, mapped};

    for (int i = 0; i < 2; i++) {
        cs_scenario *s = load_ok(texts[i]);
        cs_model *m = build_ok(s, -1);

        ck_assert_int_eq(m->promises[0].at_team, 1);
        ck_assert_int_eq(m->promises[0].team, cs_model_team_index(m, "b"));
        cs_model_free(m);
        cs_scenario_free(s);
    }
}
END_TEST

static Suite *scenario_suite(void)
{
    Suite *s = suite_create("scenario");
    TCase *bad = tcase_create("bad");
    TCase *model = tcase_create("model");
    TCase *files = tcase_create("files");

    tcase_add_test(bad, test_base_is_valid);
    tcase_add_loop_test(bad, test_bad_case, 0, NBAD);
    tcase_add_test(bad, test_bad_files);
    tcase_add_test(model, test_routes_ok);
    tcase_add_test(model, test_promise_team_routes);
    tcase_add_test(model, test_joint_ok);
    tcase_add_test(model, test_full_settings);
    tcase_add_test(model, test_full_teams);
    tcase_add_test(model, test_full_classes);
    tcase_add_test(model, test_cost_of_delay);
    tcase_add_test(model, test_flow_keys);
    tcase_add_test(model, test_promise_work_list);
    tcase_add_test(model, test_full_route);
    tcase_add_test(model, test_full_promises);
    tcase_add_test(model, test_percentile_bounds);
    tcase_add_test(model, test_defaults);
    tcase_add_test(model, test_capacity_default_and_auto_warmup);
    tcase_add_test(model, test_parallel_ids);
    tcase_add_test(model, test_step_handoff);
    tcase_add_test(model, test_preemptive_multitasking);
    tcase_add_test(model, test_model_from_node);
    tcase_add_test(model, test_class_visits);
    tcase_add_test(model, test_count_bounds);
    tcase_add_test(model, test_visits_bound);
    tcase_add_test(model, test_schedule);
    tcase_add_test(model, test_productivity);
    tcase_add_test(model, test_profile);
    tcase_add_test(model, test_start);
    tcase_add_test(model, test_done_by_and_timeline);
    tcase_add_test(model, test_over_time_defaults);
    tcase_add_test(model, test_timeline_bounds);
    tcase_add_test(model, test_initial_items_bound);
    tcase_add_test(model, test_timed_bounds);
    tcase_add_test(files, test_empirical_file_relative);
    tcase_add_test(files, test_missing_file);
    tcase_add_test(files, test_examples);
    tcase_add_test(files, test_bi_chain);
    tcase_add_test(files, test_tandem5);
    tcase_set_timeout(files, 30);
    suite_add_tcase(s, bad);
    suite_add_tcase(s, model);
    suite_add_tcase(s, files);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(scenario_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

