/*
** units.c - time units and the strict reading of numbers, durations and
** rates.
**
** Parsing is strict: a number is read with strtod and must be followed
** only by its unit and spaces, so "3dd", "3 d" or "1e999" never pass as
** something else.  Hexadecimal numbers are refused ("0x1d" would otherwise
** read as 29 days).  strtod follows the C locale, which main never changes.
*/
#include "chainsim/units.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "chainsim/str.h"
#include "units_int.h"

#define DURATION_HINT \
    "expected a number of days or a number with unit h, d or w (e.g. 2.5d)"
#define RATE_HINT \
    "expected N/UNIT or N/KUNIT with unit h, d or w (e.g. 3/w, 0.5/d, 12/4w)"

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/*
** Reads a decimal number at p (no leading space).  Returns 0 when p does
** not start one.  "inf" and "nan" are read, so that the caller can say
** "must be finite" rather than "syntax error".
*/
static int scan_real(const char *p, double *v, const char **end)
{
    const char *q = p;
    char *e;

    if (*q == '+' || *q == '-')
        q++;
    if (!is_digit(*q) && *q != '.' && *q != 'i' && *q != 'I' && *q != 'n' &&
        *q != 'N')
        return 0;
    if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X'))
        return 0;
    *v = strtod(p, &e);
    if (e == p)
        return 0;
    *end = e;
    return 1;
}

/* Days per unit letter, or 0 when c is not a unit. */
static double unit_days(char c, const cs_units *u)
{
    switch (c) {
    case 'h':
        return 1.0 / u->hours_per_day;
    case 'd':
        return 1.0;
    case 'w':
        return u->days_per_week;
    default:
        return 0.0;
    }
}

cs_units_err cs_units_scan_duration(const char *s, const cs_units *u,
                                    double *days)
{
    const char *p = cs_str_skip_space(s);
    const char *end;
    double v, scale = 1.0;

    if (*p == '\0')
        return CS_UNITS_EMPTY;
    if (!scan_real(p, &v, &end))
        return CS_UNITS_SYNTAX;
    p = end;
    if (unit_days(*p, u) > 0.0)
        scale = unit_days(*p++, u);
    if (*cs_str_skip_space(p) != '\0')
        return CS_UNITS_SYNTAX;
    if (!isfinite(v))
        return CS_UNITS_NONFINITE;
    if (v < 0.0)
        return CS_UNITS_NEGATIVE;
    v *= scale;
    if (!isfinite(v))
        return CS_UNITS_NONFINITE;
    *days = v + 0.0;   /* turns -0 into 0 */
    return CS_UNITS_OK;
}

cs_units_err cs_units_scan_number(const char *s, double *out)
{
    const char *p = cs_str_skip_space(s);
    const char *end;
    double v;

    if (*p == '\0')
        return CS_UNITS_EMPTY;
    if (!scan_real(p, &v, &end) || *cs_str_skip_space(end) != '\0')
        return CS_UNITS_SYNTAX;
    if (!isfinite(v))
        return CS_UNITS_NONFINITE;
    *out = v;
    return CS_UNITS_OK;
}

static cs_units_err scan_rate(const char *s, const cs_units *u, double *per_day)
{
    const char *p = cs_str_skip_space(s);
    const char *end;
    double n, k = 1.0, unit, r;

    if (*p == '\0')
        return CS_UNITS_EMPTY;
    if (!scan_real(p, &n, &end) || *end != '/')
        return CS_UNITS_SYNTAX;
    p = end + 1;
    if (unit_days(*p, u) == 0.0) {
        if (!scan_real(p, &k, &end))
            return CS_UNITS_SYNTAX;
        p = end;
    }
    unit = unit_days(*p, u);
    if (unit == 0.0 || *cs_str_skip_space(p + 1) != '\0')
        return CS_UNITS_SYNTAX;
    if (!isfinite(n) || !isfinite(k))
        return CS_UNITS_NONFINITE;
    if (n <= 0.0 || k <= 0.0)
        return CS_UNITS_NONPOSITIVE;
    r = n / (k * unit);
    if (!isfinite(r) || r <= 0.0)
        return CS_UNITS_RANGE;
    *per_day = r;
    return CS_UNITS_OK;
}

void cs_units_duration_msg(cs_units_err e, const char *s, const char *prefix,
                           char *msg, size_t size)
{
    switch (e) {
    case CS_UNITS_EMPTY:
        cs_str_format(msg, size, "%sempty duration: " DURATION_HINT, prefix);
        break;
    case CS_UNITS_NONFINITE:
        cs_str_format(msg, size, "%sinvalid duration '%.*s': must be finite",
                      prefix, CS_UNITS_QUOTE_MAX, s);
        break;
    case CS_UNITS_NEGATIVE:
        cs_str_format(msg, size,
                      "%sinvalid duration '%.*s': must not be negative", prefix,
                      CS_UNITS_QUOTE_MAX, s);
        break;
    default:
        cs_str_format(msg, size, "%sinvalid duration '%.*s': " DURATION_HINT,
                      prefix, CS_UNITS_QUOTE_MAX, s);
        break;
    }
}

void cs_units_number_msg(cs_units_err e, const char *s, const char *prefix,
                         char *msg, size_t size)
{
    if (e == CS_UNITS_EMPTY)
        cs_str_format(msg, size, "%sempty number: expected a plain number",
                      prefix);
    else if (e == CS_UNITS_NONFINITE)
        cs_str_format(msg, size, "%sinvalid number '%.*s': must be finite",
                      prefix, CS_UNITS_QUOTE_MAX, s);
    else
        cs_str_format(msg, size,
            "%sinvalid number '%.*s': expected a plain number (no unit)",
                      prefix, CS_UNITS_QUOTE_MAX, s);
}

cs_units cs_units_default(void)
{
    const cs_units u = {8.0, 5.0};
    return u;
}

const cs_units *cs_units_or_default(const cs_units *u, cs_units *buf)
{
    if (u != NULL)
        return u;
    *buf = cs_units_default();
    return buf;
}

cs_status cs_units_parse_duration(const char *s, const cs_units *u,
                                  double *days, char *msg, size_t msgsize)
{
    cs_units def;
    const cs_units_err e =
        cs_units_scan_duration(s, cs_units_or_default(u, &def), days);

    if (e == CS_UNITS_OK)
        return CS_OK;
    cs_units_duration_msg(e, s, "", msg, msgsize);
    return CS_EINPUT;
}

cs_status cs_units_parse_rate(const char *s, const cs_units *u, double *per_day,
                              char *msg, size_t msgsize)
{
    cs_units def;
    const cs_units_err e = scan_rate(s, cs_units_or_default(u, &def), per_day);

    switch (e) {
    case CS_UNITS_OK:
        return CS_OK;
    case CS_UNITS_EMPTY:
        cs_str_format(msg, msgsize, "empty rate: " RATE_HINT);
        break;
    case CS_UNITS_NONFINITE:
        cs_str_format(msg, msgsize,
                      "invalid rate '%.*s': numbers must be finite",
                      CS_UNITS_QUOTE_MAX, s);
        break;
    case CS_UNITS_NONPOSITIVE:
        cs_str_format(msg, msgsize,
            "invalid rate '%.*s': the count and the period must be positive",
                      CS_UNITS_QUOTE_MAX, s);
        break;
    case CS_UNITS_RANGE:
        cs_str_format(msg, msgsize, "invalid rate '%.*s': out of range",
                      CS_UNITS_QUOTE_MAX, s);
        break;
    default:
        cs_str_format(msg, msgsize, "invalid rate '%.*s': " RATE_HINT,
                      CS_UNITS_QUOTE_MAX, s);
        break;
    }
    return CS_EINPUT;
}

cs_status cs_units_parse_number(const char *s, double *out, char *msg,
                                size_t msgsize)
{
    const cs_units_err e = cs_units_scan_number(s, out);

    if (e == CS_UNITS_OK)
        return CS_OK;
    if (e == CS_UNITS_EMPTY)
        cs_str_format(msg, msgsize, "empty number: expected a finite number");
    else if (e == CS_UNITS_NONFINITE)
        cs_str_format(msg, msgsize, "invalid number '%.*s': must be finite",
                      CS_UNITS_QUOTE_MAX, s);
    else
        cs_str_format(msg, msgsize,
                      "invalid number '%.*s': expected a finite number",
                      CS_UNITS_QUOTE_MAX, s);
    return CS_EINPUT;
}
