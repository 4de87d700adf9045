/*
** output.h - the one place where chainsim writes its output files.
**
** An output respects what it replaces.  A regular file, or a new one, is
** written atomically: cs_output_open creates a temporary file beside it
** ("FILE.tmp-XXXXXX"), cs_output_commit renames it over the file once
** everything was written and synced, and cs_output_abort removes it,
** leaving the file as it was.  A symbolic link is followed to the file it
** names, and that file is replaced (the temporary file sits in its
** directory), so the link stays a link.  The replaced file keeps its
** permission bits; a new file gets 0666 less the umask.  Anything that is
** not a regular file (a character device such as /dev/null, a FIFO, a
** socket) is opened and written in place: no temporary file, no rename.
** Without a path the output is standard output (flushed on commit, never
** closed).
**
** A cs_output lives in caller storage.  Its temporary path is held inside
** the record, so the pointer from cs_output_temp_path stays valid for as
** long as the record exists: a signal handler may unlink it at any time
** from cs_output_init on, even during cs_output_open or cs_output_commit.
** The name is set and cleared only with every signal blocked, so a handler
** sees it whole or not at all.  Nothing here prints; errors come back as a
** cs_status and a cs_error.
*/
#ifndef CHAINSIM_OUTPUT_H
#define CHAINSIM_OUTPUT_H

#include <stdio.h>

#include "chainsim/error.h"

#define CS_OUTPUT_TEMP_MAX 4112    /* PATH_MAX plus ".tmp-XXXXXX" */

typedef struct cs_output {
    FILE *fp;                      /* the stream; stdout when there is no path */
    const char *path;              /* the target, borrowed; NULL: stdout */
    int open;                      /* 1 between open and commit or abort */
    int direct;                    /* 1: written in place (a device...) */
    char target[CS_OUTPUT_TEMP_MAX];  /* the file replaced: links followed */
    char tmp[CS_OUTPUT_TEMP_MAX];  /* the temporary file; "" when none */
} cs_output;

/* Zeroes o: no temporary file, not open.  Cannot fail. */
void cs_output_init(cs_output *o);

/*
** Opens an output for path (borrowed until commit or abort; NULL: standard
** output); o need not be initialised, but a signal handler may look at it
** only once cs_output_init zeroed it.  Opening a FIFO waits for its reader, with
** signals free to arrive.  On CS_OK, o is open and must be finished with cs_output_commit
** or cs_output_abort.  Errors: CS_EIO, "cannot write 'PATH': REASON" (the
** temporary file could not be created, e.g. in an unwritable directory;
** a directory, a loop of links, a FIFO or device that refuses writing);
** nothing is left behind and o is not open.
*/
cs_status cs_output_open(cs_output *o, const char *path, cs_error *err);

/* The stream to write to (borrowed; owned by o).  Cannot fail. */
FILE *cs_output_file(const cs_output *o);

/*
** The temporary file's path while the file may exist, for a signal handler
** to remove; NULL when there is none (standard output, or o finished).  The
** pointer is into o and stays valid as long as o does.  Cannot fail.
*/
const char *cs_output_temp_path(const cs_output *o);

/*
** Flushes, syncs and closes the output and renames the temporary file over
** the target (a file written in place is flushed and closed).  Errors: CS_EIO, "cannot write 'PATH': REASON" ('standard
** output' when no path); the temporary file is removed and the target left
** as it was.  o is closed afterwards either way.
*/
cs_status cs_output_commit(cs_output *o, cs_error *err);

/* Discards the output: closes and removes the temporary file (standard
** output is only flushed).  The target is left as it was.  Cannot fail. */
void cs_output_abort(cs_output *o);

#endif /* CHAINSIM_OUTPUT_H */
