/*
** units_int.h - the reading of numbers and durations below units.h's
** public calls, shared with distparse.c: a scan that says why it refused,
** and the messages, with a caller's prefix, that the public calls give.
** Not installed; only src/ includes it.
*/
#ifndef CHAINSIM_UNITS_INT_H
#define CHAINSIM_UNITS_INT_H

#include <stddef.h>

#include "chainsim/units.h"

/* How much of an offending string a message quotes. */
#define CS_UNITS_QUOTE_MAX 80

/* Why a number, duration or rate was refused. */
typedef enum cs_units_err {
    CS_UNITS_OK = 0,
    CS_UNITS_EMPTY,
    CS_UNITS_SYNTAX,
    CS_UNITS_NONFINITE,
    CS_UNITS_NEGATIVE,
    CS_UNITS_NONPOSITIVE,
    CS_UNITS_RANGE
} cs_units_err;

/*
** Reads a duration (as cs_units_parse_duration) into *days, or a finite
** plain number into *out; u must not be NULL.  *days / *out are written
** only on CS_UNITS_OK.  Cannot fail otherwise.
*/
cs_units_err cs_units_scan_duration(const char *s, const cs_units *u,
                                    double *days);
cs_units_err cs_units_scan_number(const char *s, double *out);

/*
** The message for a refused duration or plain number s (quoted up to
** CS_UNITS_QUOTE_MAX characters) into msg, after prefix ("gamma mean: ",
** may be "").  msg may be NULL.  Cannot fail.
*/
void cs_units_duration_msg(cs_units_err e, const char *s, const char *prefix,
                           char *msg, size_t size);
void cs_units_number_msg(cs_units_err e, const char *s, const char *prefix,
                         char *msg, size_t size);

/* u itself, or, when u is NULL, *buf set to the defaults.  Cannot fail. */
const cs_units *cs_units_or_default(const cs_units *u, cs_units *buf);

#endif /* CHAINSIM_UNITS_INT_H */
