/*
** chain_fixture.h - a two-team chain shared by the runner and summary
** tests: two classes, a WIP limit and a hand-off, three promises (one easy,
** one impossible, one of throughput) and two variants ("same", identical
** to the base, and "faster-b").
*/
#ifndef CHAINSIM_TESTS_CHAIN_FIXTURE_H
#define CHAINSIM_TESTS_CHAIN_FIXTURE_H

static const char *const chain_yaml =
    "chainsim: 1\n"
    "name: two teams\n"
    "horizon: 400d\n"
    "warmup: 50d\n"
    "replications: 12\n"
    "seed: 3\n"
    "teams:\n"
    "  - {name: a, capacity: 2}\n"
    "  - {name: b, capacity: 1, wip_limit: 4, handoff: 0.5d}\n"
    "work:\n"
    "  - name: x\n"
    "    arrivals: {rate: 0.6/d}\n"
    "    steps:\n"
    "      - {team: a, effort: 'exponential(2d)'}\n"
    "      - {team: b, effort: 'gamma(mean=1.2d, cv=0.5)'}\n"
    "  - name: y\n"
    "    arrivals: {rate: 0.1/d}\n"
    "    steps:\n"
    "      - {team: b, effort: 1d}\n"
    "promise:\n"
    "  - {name: easy, within: 100d, percentile: 50}\n"
    "  - {name: impossible, work: x, within: 0.01d, percentile: 99}\n"
    "  - {name: flow, throughput: 10/100d}\n"
    "variants:\n"
    "  - name: same\n"
    "    patch: {}\n"
    "  - name: faster-b\n"
    "    patch: {teams: [{name: b, capacity: 2}]}\n";

#endif /* CHAINSIM_TESTS_CHAIN_FIXTURE_H */
