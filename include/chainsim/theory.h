/*
** theory.h - what queueing theory expects of a model before it is run:
** per team the offered load and an approximate mean queue wait (Allen and
** Cunneen's formula for the G/G/c queue), per class and over all work an
** approximate mean lead time.  A check of the model's units and rates,
** not a result: the figures are approximations and are said to be.
**
** The method.  Per team, from every class's arrival rate (escapes
** included), its route's expected passes (step p, rework loops, parallel
** branches, choice options and contexts): the visit rate lambda, the mean
** S and second moment of the time a visit holds a worker (effort / focus,
** a repeated pass's effort times the rework factor) and the squared
** coefficient of variation ca2 of the arrivals.  ca2 follows Whitt's
** QNA: an external stream has 1 (Poisson), batch b (Poisson in batches
** of b) or b x scv (renewal), escapes come as Poisson; a team's
** departures have cd2 = 1 + (1 - rho^2)(ca2 - 1) + rho^2 (cs2 - 1) /
** sqrt(c); a flow that is a share pi of them, or that a step's p or an
** option thins to a share pi, has pi cd2 + 1 - pi; a team's ca2 is the
** rate-weighted mean of its flows', solved by iteration.  Rework returns
** and the join of a parallel step are taken as coming from the step
** before.  With c = the team's effective capacity and rho = lambda S / c,
** Wq = C(c, c rho) S / (c (1 - rho)) x (ca2 + cs2) / 2, C being Erlang's
** C formula (computed through Erlang B's recursion, stable for any c).
** Exact for M/M/c (ca2 = cs2 = 1) and for M/G/1 (Pollaczek-Khinchine).
**
** Where it does not apply, a team's wait is not given and the reason is:
** a WIP limit at the team or at a team it hands work to (blocking), a
** capacity schedule, a productivity curve, preemption, multitasking, an
** intake cadence, a limit on the whole flow (CONWIP), a class with a
** demand profile or a patience that visits it; a load of 1 or more
** ("overloaded").  A class's lead time is then not given either when its
** route visits such a team.  Lead time per class: sum over its route of
** the passes x (hand-off mean + Wq) + the work, a parallel step taking
** its slowest branch's mean (an optimistic figure: the mean of the
** maximum is larger); over all work, weighted by the classes' rates.
** Backlog and start items are a transient the steady-state figures leave
** out.  Priority and EDD disciplines keep FIFO's mean wait over all
** visits when the classes' efforts are alike, not per class.
*/
#ifndef CHAINSIM_THEORY_H
#define CHAINSIM_THEORY_H

#include "chainsim/error.h"
#include "chainsim/model.h"

typedef enum cs_theory_status {
    CS_THEORY_OK = 0,        /* load and wait computed */
    CS_THEORY_IDLE,          /* no flow reaches the team */
    CS_THEORY_OVERLOADED,    /* load >= 1: no steady state */
    CS_THEORY_NA             /* a mechanism the formula ignores: why */
} cs_theory_status;

typedef struct cs_theory_team {
    cs_theory_status status;
    const char *why;         /* CS_THEORY_NA: a static phrase ("WIP
                                limit", ...); else NULL */
    double load;             /* offered load (cs_model_offered_load) */
    double rate;             /* visits per day */
    double service;          /* mean days a visit holds a worker */
    double ca2, cs2;         /* squared CVs of arrivals and of service */
    int servers;             /* effective capacity */
    double wait;             /* mean queue wait, days; NaN unless OK */
} cs_theory_team;

typedef struct cs_theory {
    cs_theory_team *teams;   /* [nteams] */
    int nteams;
    double *class_lead;      /* [nclasses] mean lead time, NaN where it
                                does not apply or the class has no
                                arrivals */
    int nclasses;
    double lead_time;        /* over all work; NaN when some class's is */
} cs_theory;

/*
** Fills t with m's figures (borrows m only during the call).  Returns
** CS_OK or CS_ENOMEM (t then holds nothing).  Free with cs_theory_fini.
*/
cs_status cs_theory_init(cs_theory *t, const cs_model *m, cs_error *err);

/* Frees what t owns; t may be zeroed or NULL.  Cannot fail. */
void cs_theory_fini(cs_theory *t);

/*
** Erlang's C formula: the probability that an arrival waits in an M/M/c
** queue with offered traffic a = lambda / mu Erlangs, 0 <= a < c; 1 for
** a >= c.  Through Erlang B's recursion B(k) = a B(k-1) / (k + a B(k-1)),
** C = B(c) / (1 - (a / c)(1 - B(c))).  Cannot fail.
*/
double cs_theory_erlang_c(int c, double a);

/*
** Allen and Cunneen's mean queue wait of a G/G/c queue: lambda arrivals
** a day, mean service s days, squared CVs ca2 and cs2.  INFINITY when
** lambda s >= c; 0 for lambda 0.  Cannot fail.
*/
double cs_theory_wait(int c, double lambda, double s, double ca2,
                      double cs2);

#endif /* CHAINSIM_THEORY_H */
