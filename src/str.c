/*
** str.c - string helpers: duplication, bounded formatting, white space.
*/
#include "chainsim/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *cs_str_dup(const char *s)
{
    const size_t n = strlen(s) + 1;
    char *d = malloc(n);

    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

char *cs_str_ndup(const char *s, size_t len)
{
    char *d = malloc(len + 1);

    if (d == NULL)
        return NULL;
    if (len > 0)
        memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

void cs_str_format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;

    if (buf == NULL || size == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}

int cs_str_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

const char *cs_str_skip_space(const char *s)
{
    while (cs_str_is_space(*s))
        s++;
    return s;
}

static int is_control(char c)
{
    return (unsigned char)c < 0x20 || c == 0x7f;
}

void cs_str_make_printable(char *s)
{
    for (; *s != '\0'; s++)
        if (is_control(*s))
            *s = '?';
}

const char *cs_str_printable(const char *s, char *buf, size_t size)
{
    const char *p = s;

    while (*p != '\0' && !is_control(*p))
        p++;
    if (*p == '\0')
        return s;
    snprintf(buf, size, "%s", s);
    cs_str_make_printable(buf);
    return buf;
}
