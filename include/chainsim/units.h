/*
** units.h - time units and the strict reading of durations, rates and
** plain numbers.  Knows nothing of YAML, teams or distributions.
**
** All times are in days.  The units "h" and "w" are read through a
** cs_units (hours per working day, days per week).  Every call that takes
** a cs_units accepts NULL for the defaults.  Errors are CS_EINPUT with a
** message in msg (msg may be NULL) and no position: the caller knows
** where the string came from.
*/
#ifndef CHAINSIM_UNITS_H
#define CHAINSIM_UNITS_H

#include <stddef.h>

#include "chainsim/error.h"

typedef struct cs_units {
    double hours_per_day;   /* default 8 */
    double days_per_week;   /* default 5 */
} cs_units;

/* The default units: 8 hours a day, 5 days a week.  Cannot fail. */
cs_units cs_units_default(void);

/*
** Parses a duration: a number of days ("3", "2.5") or a number with a unit
** ("4h", "2.5d", "2w").  Negative, NaN, infinite, empty or trailing garbage
** is an error.
*/
cs_status cs_units_parse_duration(const char *s, const cs_units *u,
                                  double *days, char *msg, size_t msgsize);

/*
** Parses a rate "N/UNIT" or "N/Kunit" ("3/w", "0.5/d", "12/4w", "2/8h") into
** events per day.  N must be > 0 and finite; K > 0.
*/
cs_status cs_units_parse_rate(const char *s, const cs_units *u,
                              double *per_day, char *msg, size_t msgsize);

/* Parses a number (no unit), finite.  For probabilities and factors. */
cs_status cs_units_parse_number(const char *s, double *out, char *msg,
                                size_t msgsize);

#endif /* CHAINSIM_UNITS_H */
