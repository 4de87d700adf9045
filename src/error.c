/*
** error.c - cs_error helpers and the "did you mean" hint.
*/
#include "chainsim/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cs_error_clear(cs_error *err)
{
    if (err == NULL)
        return;
    memset(err, 0, sizeof *err);
}

/* The length of s[0..n) without a last UTF-8 character cut short. */
static size_t utf8_whole(const char *s, size_t n)
{
    size_t lead = n;
    unsigned char c;
    size_t len;

    while (lead > 0 && n - lead < 4 &&
           ((unsigned char)s[lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead == 0)
        return n;
    c = (unsigned char)s[lead - 1];
    if (c < 0xC0)
        return n;                    /* ASCII (or a stray byte): whole */
    len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    return n - (lead - 1) < len ? lead - 1 : n;
}

/*
** Copies src into dst (size bytes) as a terminal may show it: every control
** byte (below 0x20, and 0x7f) as \xHH, so no escape sequence from a
** scenario reaches the user's terminal; a cut never falls inside a UTF-8
** character.  Cannot fail.
*/
static void copy_printable(char *dst, size_t size, const char *src)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;

    for (; *src != '\0'; src++) {
        const unsigned char c = (unsigned char)*src;
        const size_t need = (c < 0x20 || c == 0x7f) ? 4 : 1;
        if (n + need >= size)
            break;
        if (need == 4) {
            dst[n++] = '\\';
            dst[n++] = 'x';
            dst[n++] = hex[c >> 4];
            dst[n++] = hex[c & 15];
        } else {
            dst[n++] = (char)c;
        }
    }
    if (*src != '\0')
        n = utf8_whole(dst, n);
    dst[n] = '\0';
}

cs_status cs_error_set(cs_error *err, cs_status status, const char *file,
                       int line, int column, const char *fmt, ...)
{
    char raw[2 * CS_ERROR_MSG_MAX];    /* longer than msg: msg cuts */
    va_list ap;

    if (err == NULL)
        return status;
    err->status = status;
    if (file != NULL)
        copy_printable(err->file, sizeof err->file, file);
    else
        err->file[0] = '\0';
    err->line = file != NULL ? line : 0;
    err->column = file != NULL ? column : 0;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    copy_printable(err->msg, sizeof err->msg, raw);
    return status;
}

void cs_error_prefix(cs_error *err, const char *prefix)
{
    const size_t lp = strlen(prefix);
    size_t lm;

    if (err == NULL || lp + 2 >= sizeof err->msg)
        return;
    lm = strlen(err->msg);
    if (lp + 2 + lm >= sizeof err->msg)
        lm = sizeof err->msg - lp - 3;
    memmove(err->msg + lp + 2, err->msg, lm);
    memcpy(err->msg, prefix, lp);
    err->msg[lp] = ':';
    err->msg[lp + 1] = ' ';
    err->msg[lp + 2 + lm] = '\0';
}

void cs_error_format(const cs_error *err, char *buf, size_t size)
{
    if (err->file[0] != '\0' && err->line > 0)
        snprintf(buf, size, "%s:%d:%d: error: %s", err->file, err->line,
                 err->column > 0 ? err->column : 1, err->msg);
    else if (err->file[0] != '\0')
        snprintf(buf, size, "%s: error: %s", err->file, err->msg);
    else
        snprintf(buf, size, "chainsim: error: %s", err->msg);
}

int cs_error_exit_code(cs_status status)
{
    switch (status) {
    case CS_OK:
        return 0;
    case CS_EINPUT:
    case CS_EIO:
        return 2;
    case CS_ESIM:
    case CS_ENOMEM:
        return 3;
    case CS_EINTR:
        return 130;
    }
    return 3;
}

/* Levenshtein distance, bounded to short words (keys and names). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t row[65];

    if (la > 64 || lb > 64)
        return (size_t)-1;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            const size_t up = row[j];
            const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *cs_error_suggest(const char *word, const char *const *candidates)
{
    const size_t len = strlen(word);
    const size_t limit = len / 3 > 2 ? len / 3 : 2;
    const char *best = NULL;
    size_t best_d = limit + 1;

    for (size_t i = 0; candidates[i] != NULL; i++) {
        const size_t d = edit_distance(word, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}
