/*
** error.h - status codes and positioned error reports shared by all modules.
**
** The error conventions of chainsim:
**
** - Library calls return a cs_status (CS_OK = 0) and, on failure, fill a
**   caller-owned cs_error (status, file, line, column, message); the
**   return value and err->status agree.  A located error prints as
**   "FILE:LINE:COLUMN: error: MESSAGE"; an unlocated one (line 0) as
**   "chainsim: error: MESSAGE".
** - Below the YAML layer there are no files or lines: distparse (and
**   dist) write their message into a caller's char buffer (msg, msgsize)
**   and say which argument or column is bad; the reader turns that into
**   a located CS_EINPUT error at the offending node.
** - The kernel (kernel.h) knows nothing of cs_error: its calls return an
**   int, 0 on success and -1 when out of memory; its callers map that to
**   CS_ENOMEM.
** - Out of memory is always CS_ENOMEM, whatever the module, and is
**   reported with exit code 3.
** - Functions documented "cannot fail" allocate nothing and return no
**   status.
** - Only main.c prints an error or exits; the library writes only to the
**   FILE streams its caller passes (warnings, reports).
** - printf-like helpers carry __attribute__((format(printf, ...))) under
**   #if defined(__GNUC__), as cs_error_set below.
*/
#ifndef CHAINSIM_ERROR_H
#define CHAINSIM_ERROR_H

#include <stddef.h>

typedef enum cs_status {
    CS_OK = 0,
    CS_EINPUT = 2,   /* bad scenario or usage: exit code 2 */
    CS_ESIM = 3,     /* simulation error (deadlock, runaway): exit code 3 */
    CS_ENOMEM = 4,   /* out of memory (reported with exit code 3) */
    CS_EIO = 5,      /* file could not be read or written (exit code 2) */
    CS_EINTR = 6     /* stopped by a signal (exit code 130) */
} cs_status;

#define CS_ERROR_MSG_MAX 512
#define CS_ERROR_FILE_MAX 256

typedef struct cs_error {
    cs_status status;
    char file[CS_ERROR_FILE_MAX];  /* "" when unlocated */
    int line;                      /* 1-based; 0 when unlocated */
    int column;                    /* 1-based; 0 when unlocated */
    char msg[CS_ERROR_MSG_MAX];
} cs_error;

/* Clears err to CS_OK with no message.  err may be NULL. */
void cs_error_clear(cs_error *err);

/*
** Fills err (when not NULL) and returns status, so callers can write
** "return cs_error_set(err, CS_EINPUT, file, line, col, "...", ...);".
** file may be NULL (unlocated); line/column are 1-based.
*/
cs_status cs_error_set(cs_error *err, cs_status status, const char *file,
                       int line, int column, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* Puts "PREFIX: " in front of err's message (truncating its end). */
void cs_error_prefix(cs_error *err, const char *prefix);

/*
** Formats err as it is shown to a user (no trailing newline) into buf.
** "FILE:LINE:COLUMN: error: MSG" or "chainsim: error: MSG".
*/
void cs_error_format(const cs_error *err, char *buf, size_t size);

/* Exit code for a status, as SPEC section 2 defines. */
int cs_error_exit_code(cs_status status);

/*
** Edit distance helper for "did you mean" hints: returns the candidate
** closest to word (at most max(2, strlen(word)/3) edits), or NULL.
** candidates is a NULL-terminated array; borrowed, nothing allocated.
*/
const char *cs_error_suggest(const char *word, const char *const *candidates);

#endif /* CHAINSIM_ERROR_H */
