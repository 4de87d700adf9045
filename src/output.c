/*
** output.c - atomic output files: a temporary file beside the target,
** renamed over it on commit, removed on abort (output.h).
**
** Invariant: o->tmp is non-empty exactly while the temporary file may
** exist; the messages take errno as it stands after the cleanup, as the
** cleanup calls (close, unlink) leave it alone when they succeed.
*/
#include "chainsim/output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chainsim/error.h"

static cs_status cannot_write(const char *path, cs_error *err)
{
    return cs_error_set(err, CS_EIO, NULL, 0, 0, "cannot write '%s': %s",
                        path != NULL ? path : "standard output",
                        strerror(errno));
}

cs_status cs_output_open(cs_output *o, const char *path, cs_error *err)
{
    int fd = -1;

    memset(o, 0, sizeof *o);
    o->path = path;
    o->fp = stdout;
    if (path == NULL) {
        o->open = 1;
        return CS_OK;
    }
    if (strlen(path) + 16 > sizeof o->tmp)
        errno = ENAMETOOLONG;
    else {
        snprintf(o->tmp, sizeof o->tmp, "%s.tmp-XXXXXX", path);
        fd = mkstemp(o->tmp);
    }
    if (fd >= 0) {
        fchmod(fd, 0644);
        if ((o->fp = fdopen(fd, "w")) != NULL) {
            o->open = 1;
            return CS_OK;
        }
        close(fd);
        unlink(o->tmp);
    }
    o->tmp[0] = '\0';
    o->fp = NULL;
    return cannot_write(path, err);
}

FILE *cs_output_file(const cs_output *o)
{
    return o->fp;
}

const char *cs_output_temp_path(const cs_output *o)
{
    return o->tmp[0] != '\0' ? o->tmp : NULL;
}

/* Closes o; commit = 1 also renames the file into place.  Returns 1 when
** everything succeeded (errno says why not). */
static int finish(cs_output *o, int commit)
{
    int ok;

    if (!o->open)
        return 1;
    o->open = 0;
    if (o->path == NULL)
        return fflush(stdout) == 0;
    ok = fflush(o->fp) == 0 && !ferror(o->fp) && fsync(fileno(o->fp)) == 0;
    ok = fclose(o->fp) == 0 && ok;
    o->fp = NULL;
    ok = ok && (!commit || rename(o->tmp, o->path) == 0);
    if (!commit || !ok)
        unlink(o->tmp);
    o->tmp[0] = '\0';
    return ok;
}

cs_status cs_output_commit(cs_output *o, cs_error *err)
{
    return finish(o, 1) ? CS_OK : cannot_write(o->path, err);
}

void cs_output_abort(cs_output *o)
{
    (void)finish(o, 0);
}
