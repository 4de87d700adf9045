/*
** str.h - the few string helpers C11 lacks: duplicators (no strdup or
** strndup in C11), a bounded formatter that tolerates a missing buffer,
** and C-locale white space.  No state; nothing here depends on the locale.
*/
#ifndef CHAINSIM_STR_H
#define CHAINSIM_STR_H

#include <stddef.h>

/*
** A copy of s (not NULL) in new memory; the caller frees it.  NULL if out
** of memory.
*/
char *cs_str_dup(const char *s);

/*
** A copy of the len bytes at s (which may hold no NUL among them; s may be
** NULL when len is 0) with a NUL after them, in new memory; the caller
** frees it.  NULL if out of memory.  The project's one string duplicator
** with cs_str_dup.
*/
char *cs_str_ndup(const char *s, size_t len);

/*
** Formats like snprintf into buf (truncating, always terminated); does
** nothing when buf is NULL or size is 0.  Cannot fail.
*/
void cs_str_format(char *buf, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* 1 when c is C-locale white space (space, \t, \n, \r, \f, \v), else 0. */
int cs_str_is_space(char c);

/* The first character of s that is not white space (s is borrowed). */
const char *cs_str_skip_space(const char *s);

/*
** Text from a scenario as a terminal may show it: each control byte
** (below 0x20, and 0x7f) becomes '?', so no escape sequence in a name
** reaches the reader's terminal.  cs_str_make_printable works in place;
** cs_str_printable returns s itself when it has no control byte, else a
** copy in buf (size > 0 bytes, cut if need be).  Cannot fail.
*/
void cs_str_make_printable(char *s);
const char *cs_str_printable(const char *s, char *buf, size_t size);

#endif /* CHAINSIM_STR_H */
