/*
** backtest.h - a scenario simulated against the history in a tracker
** export (tracker.h): from the board as it was on a day FROM to a day TO,
** what the scenario says against what happened.
**
** The board on FROM: every item that arrived before FROM and was not done
** by then is placed, at its team then (its last entry at or before FROM),
** as a start item (SPEC 4.4) of its class with its age, or in the backlog
** when it was in a teamless stage; an item whose class or team the
** scenario lacks (or whose team is not on its class's route) is left out
** and counted.  The scenario's own backlog and start items are replaced by
** the board; the horizon is TO - FROM working days, without warm-up.
**
** Per class and over all classes, observed against the replications:
** - done: items done in (FROM, TO] (board items included);
** - lead time of the items that arrived in [FROM, TO] and were done by TO
**   (the board's items are left out of both sides: their arrival is before
**   the simulation): its mean, p50, p85 and p95.
** Per team of the scenario: visits, the visits finished there in (FROM,
** TO] (an item leaving a work stage of the team in the export; a part
** finished at the team in the simulation; n/a when the export does not
** name the team).
** Each simulated figure is a distribution over replications; its 95% band
** runs from its 2.5th to its 97.5th percentile (a prediction band, not a
** confidence interval: it is where one history like the observed one
** falls).  The verdict is "inside" or "outside" the band ("n/a" with fewer
** than 5 observed lead times or replications without one).  The
** Kolmogorov-Smirnov distance compares the observed lead times with the
** simulated ones pooled over replications; its p-value is the share of
** replications whose own lead times are at least as far from the pool (a
** Monte Carlo test: lead times in one window are correlated, which the
** asymptotic distribution would ignore); verdict "consistent" when
** p >= 0.05, else "differs".
*/
#ifndef CHAINSIM_BACKTEST_H
#define CHAINSIM_BACKTEST_H

#include <stdio.h>

#include "chainsim/error.h"
#include "chainsim/model.h"
#include "chainsim/tracker.h"

typedef struct cs_backtest cs_backtest;

/*
** Runs the backtest of model m (taken over: freed by cs_backtest_free,
** also on an error) against export d read with map (both borrowed while
** *out lives), from working day from to working day to (from < to, both
** in the tracker's working days), with m's replications and seed.
** scenario and tracker name the files in the report.  Errors: CS_EINPUT
** (a window outside the export, no class in common), CS_ESIM (a run that
** stops), CS_ENOMEM.
*/
cs_status cs_backtest_run(cs_model *m, const cs_tracker_data *d,
                          const cs_tracker_map *map, double from, double to,
                          const char *scenario, const char *tracker,
                          cs_backtest **out, cs_error *err);
void cs_backtest_free(cs_backtest *b);

/* The report: a table, or JSON when json is 1.  CS_ENOMEM only. */
cs_status cs_backtest_write(const cs_backtest *b, FILE *out, int json,
                            cs_error *err);

#endif /* CHAINSIM_BACKTEST_H */
