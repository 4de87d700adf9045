/*
** output.c - output files that respect what they replace (output.h): a
** regular file (or a symbolic link to one, or a new file) is replaced
** atomically through a temporary file beside it; anything else (a device,
** a FIFO, a socket) is opened and written directly.
**
** Invariant: o->tmp is "" or the complete name of a temporary file this
** output created; it is set and cleared only with every signal blocked, so
** a signal handler reading it sees one or the other.  The messages take
** errno as it stands after the cleanup, as the cleanup calls (close,
** unlink) leave it alone when they succeed.
*/
#include "chainsim/output.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chainsim/error.h"

#define SYMLINK_MAX 40     /* links followed, as the kernel's limit */
#define TEMP_TRIES 100     /* names tried for the temporary file */

static cs_status cannot_write(const char *path, cs_error *err)
{
    return cs_error_set(err, CS_EIO, NULL, 0, 0, "cannot write '%s': %s",
                        path != NULL ? path : "standard output",
                        strerror(errno));
}

/* Follows the symbolic links from path to the file they name (which need
** not exist) into o->target.  Returns 0, or -1 with errno set. */
static int resolve(cs_output *o, const char *path)
{
    char link[sizeof o->target], next[sizeof o->target];
    struct stat sb;

    if (strlen(path) >= sizeof o->target) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(o->target, path, strlen(path) + 1);
    for (int i = 0; i <= SYMLINK_MAX; i++) {
        ssize_t n;
        const char *slash;

        if (lstat(o->target, &sb) != 0)
            return errno == ENOENT ? 0 : -1;
        if (!S_ISLNK(sb.st_mode))
            return 0;
        n = readlink(o->target, link, sizeof link - 1);
        if (n < 0)
            return -1;
        link[n] = '\0';
        slash = strrchr(o->target, '/');
        if (link[0] == '/' || slash == NULL)
            n = snprintf(next, sizeof next, "%s", link);
        else
            n = snprintf(next, sizeof next, "%.*s/%s",
                         (int)(slash - o->target), o->target, link);
        if (n < 0 || (size_t)n >= sizeof next) {
            errno = ENAMETOOLONG;
            return -1;
        }
        memcpy(o->target, next, (size_t)n + 1);
    }
    errno = ELOOP;
    return -1;
}

/* Forgets the temporary file's name (o->tmp = ""), with every signal
** blocked; remove_temp also removes the file.  errno is kept. */
static void clear_temp(cs_output *o)
{
    sigset_t all, saved;
    const int e = errno;

    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &saved);
    o->tmp[0] = '\0';
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    errno = e;
}

static void remove_temp(cs_output *o)
{
    const int e = errno;

    if (o->tmp[0] != '\0') {
        unlink(o->tmp);
        clear_temp(o);
    }
    errno = e;
}

/* Creates the temporary file "TARGET.tmp-XXXXXX" with mode 0666 (the
** umask applies), its name in o->tmp, with every signal blocked so that a
** handler sees no half-written name and no file without a name.  Returns
** the descriptor, or -1 with errno set. */
static int create_temp(cs_output *o)
{
    static const char letters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    sigset_t all, saved;
    struct timespec t;
    uint64_t x;
    int fd = -1, e;

    if (strlen(o->target) + 16 > sizeof o->tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    clock_gettime(CLOCK_REALTIME, &t);
    x = (uint64_t)t.tv_nsec ^ ((uint64_t)t.tv_sec << 20) ^
        ((uint64_t)getpid() << 40) ^ (uint64_t)(uintptr_t)o;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &saved);
    for (int i = 0; i < TEMP_TRIES && fd < 0; i++) {
        char name[7];
        int n;

        for (int k = 0; k < 6; k++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            name[k] = letters[(x >> 33) % (sizeof letters - 1)];
        }
        name[6] = '\0';
        n = snprintf(o->tmp, sizeof o->tmp, "%s.tmp-%s", o->target, name);
        if (n < 0 || (size_t)n >= sizeof o->tmp) {
            errno = ENAMETOOLONG;
            break;
        }
        fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    e = errno;
    if (fd < 0)
        o->tmp[0] = '\0';
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    errno = e;
    return fd;
}

/* Opens the output of o->path: in place when it is not a regular file,
** else through a temporary file beside the file its links lead to, with
** that file's permissions.  Returns the descriptor or -1 with errno set. */
static int open_target(cs_output *o)
{
    struct stat sb, tb;
    int fd, exists;

    if ((exists = stat(o->path, &sb) == 0) && !S_ISREG(sb.st_mode)) {
        o->direct = 1;            /* a device, a FIFO, a socket */
        return open(o->path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    }
    if (!exists && errno != ENOENT)
        return -1;
    if (resolve(o, o->path) != 0)
        return -1;
    if (exists && (stat(o->target, &tb) != 0 || tb.st_dev != sb.st_dev ||
                   tb.st_ino != sb.st_ino)) {
        /* a magic link (/dev/stdout to a file) names no file to replace */
        o->direct = 1;
        return open(o->path, O_WRONLY | O_TRUNC | O_NOCTTY | O_CLOEXEC);
    }
    if ((fd = create_temp(o)) >= 0 && exists &&
        fchmod(fd, sb.st_mode & 07777) != 0) {
        const int e = errno;

        close(fd);
        remove_temp(o);
        errno = e;
        return -1;
    }
    return fd;
}

cs_status cs_output_open(cs_output *o, const char *path, cs_error *err)
{
    int fd;

    clear_temp(o);
    o->fp = stdout;
    o->path = path;
    o->open = 0;
    o->direct = 0;
    o->target[0] = '\0';
    if (path == NULL) {
        o->open = 1;
        return CS_OK;
    }
    if ((fd = open_target(o)) >= 0) {
        if ((o->fp = fdopen(fd, "w")) != NULL) {
            o->open = 1;
            return CS_OK;
        }
        close(fd);
        remove_temp(o);
    }
    o->fp = NULL;
    return cannot_write(path, err);
}

void cs_output_init(cs_output *o)
{
    memset(o, 0, sizeof *o);
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
    /* a device or a FIFO cannot be synced (EINVAL): only flushed */
    ok = fflush(o->fp) == 0 && !ferror(o->fp) &&
         (o->direct || fsync(fileno(o->fp)) == 0);
    ok = fclose(o->fp) == 0 && ok;
    o->fp = NULL;
    if (o->direct)
        return ok;
    ok = ok && (!commit || rename(o->tmp, o->target) == 0);
    if (!commit || !ok) {
        const int e = errno;

        remove_temp(o);
        errno = e;
    } else
        clear_temp(o);
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
