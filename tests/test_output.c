/*
** test_output.c - output files: commit replaces the target, abort and a
** failed commit leave it untouched, the temporary file sits beside the
** target and never outlives the output, errors name the path; a replaced
** file keeps its mode, a new one honours the umask, links are followed,
** devices and FIFOs are written in place.
*/
#define _XOPEN_SOURCE 700    /* mknod */

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chainsim/error.h"
#include "chainsim/output.h"

/* A fresh directory under /tmp; path receives "DIR/name". */
static void scratch(char *dir, size_t size, char *path, size_t psize,
                    const char *name)
{
    snprintf(dir, size, "/tmp/cs-output-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, psize, "%s/%s", dir, name);
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

/* The whole (short) file; "" when it does not exist. */
static const char *get(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "r");
    size_t n;

    if (f == NULL)
        return "";
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* The number of entries in dir besides . and .. (the target, a temp). */
static int entries(const char *dir)
{
    char cmd[128];
    FILE *p;
    int n = -1;

    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(fscanf(p, "%d", &n), 1);
    pclose(p);
    return n;
}

static void cleanup(const char *dir)
{
    char cmd[128];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_commit_replaces)
{
    char dir[64], path[96], tmp[CS_OUTPUT_TEMP_MAX];
    cs_output o;
    cs_error e;
    struct stat sb;

    scratch(dir, sizeof dir, path, sizeof path, "out.csv");
    put(path, "old\n");
    cs_error_clear(&e);
    ck_assert_int_eq(cs_output_open(&o, path, &e), CS_OK);
    ck_assert_ptr_nonnull(cs_output_temp_path(&o));
    snprintf(tmp, sizeof tmp, "%s", cs_output_temp_path(&o));
    ck_assert(strncmp(tmp, path, strlen(path)) == 0);
    ck_assert(strncmp(tmp + strlen(path), ".tmp-", 5) == 0);
    fputs("new\n", cs_output_file(&o));
    /* nothing replaced before the commit */
    ck_assert_str_eq(get(path), "old\n");
    ck_assert_int_eq(entries(dir), 2);
    ck_assert_int_eq(cs_output_commit(&o, &e), CS_OK);
    ck_assert_str_eq(get(path), "new\n");
    ck_assert_int_eq(access(tmp, F_OK), -1);
    ck_assert_ptr_null(cs_output_temp_path(&o));
    ck_assert_int_eq(entries(dir), 1);
    ck_assert_int_eq(stat(path, &sb), 0);
    cleanup(dir);
}
END_TEST

START_TEST(test_commit_creates)
{
    char dir[64], path[96];
    cs_output o;
    cs_error e;

    scratch(dir, sizeof dir, path, sizeof path, "new.json");
    ck_assert_int_eq(cs_output_open(&o, path, &e), CS_OK);
    fputs("{}\n", cs_output_file(&o));
    ck_assert_int_eq(cs_output_commit(&o, &e), CS_OK);
    ck_assert_str_eq(get(path), "{}\n");
    ck_assert_int_eq(entries(dir), 1);
    cleanup(dir);
}
END_TEST

START_TEST(test_abort_keeps_old)
{
    char dir[64], path[96], tmp[CS_OUTPUT_TEMP_MAX];
    cs_output o;
    cs_error e;

    scratch(dir, sizeof dir, path, sizeof path, "out.csv");
    put(path, "old\n");
    ck_assert_int_eq(cs_output_open(&o, path, &e), CS_OK);
    snprintf(tmp, sizeof tmp, "%s", cs_output_temp_path(&o));
    fputs("half", cs_output_file(&o));
    cs_output_abort(&o);
    ck_assert_str_eq(get(path), "old\n");
    ck_assert_int_eq(access(tmp, F_OK), -1);
    ck_assert_ptr_null(cs_output_temp_path(&o));
    ck_assert_int_eq(entries(dir), 1);
    /* abort without a target file leaves nothing at all */
    cleanup(dir);
    scratch(dir, sizeof dir, path, sizeof path, "none");
    ck_assert_int_eq(cs_output_open(&o, path, &e), CS_OK);
    cs_output_abort(&o);
    ck_assert_int_eq(entries(dir), 0);
    cleanup(dir);
}
END_TEST

START_TEST(test_unwritable_directory)
{
    char dir[64], path[96], want[256];
    cs_output o;
    cs_error e;

    scratch(dir, sizeof dir, path, sizeof path, "missing/out.csv");
    cs_error_clear(&e);
    ck_assert_int_eq(cs_output_open(&o, path, &e), CS_EIO);
    ck_assert_int_eq(e.status, CS_EIO);
    ck_assert_int_eq(e.line, 0);
    snprintf(want, sizeof want,
             "cannot write '%s': No such file or directory", path);
    ck_assert_str_eq(e.msg, want);
    ck_assert_int_eq(entries(dir), 0);
    /* a directory without write permission (root may write anyway) */
    if (geteuid() != 0) {
        snprintf(path, sizeof path, "%s/out.csv", dir);
        ck_assert_int_eq(chmod(dir, 0555), 0);
        ck_assert_int_eq(cs_output_open(&o, path, &e), CS_EIO);
        snprintf(want, sizeof want, "cannot write '%s': Permission denied",
                 path);
        ck_assert_str_eq(e.msg, want);
        ck_assert_int_eq(chmod(dir, 0755), 0);
    }
    cleanup(dir);
}
END_TEST

START_TEST(test_failed_commit)
{
    char dir[64], path[96], want[256];
    cs_output o;
    cs_error e;

    /* a directory in the way is refused at once, and left as it was */
    scratch(dir, sizeof dir, path, sizeof path, "taken");
    ck_assert_int_eq(mkdir(path, 0755), 0);
    snprintf(want, sizeof want, "%s/inside", path);
    put(want, "x");
    cs_output_init(&o);
    cs_error_clear(&e);
    ck_assert_int_eq(cs_output_open(&o, path, &e), CS_EIO);
    snprintf(want, sizeof want, "cannot write '%s': Is a directory", path);
    ck_assert_str_eq(e.msg, want);
    ck_assert_int_eq(entries(dir), 1);
    snprintf(want, sizeof want, "%s/inside", path);
    ck_assert_str_eq(get(want), "x");
    cleanup(dir);
    /* the rename fails (the directory went away): an error naming FILE */
    scratch(dir, sizeof dir, path, sizeof path, "out.csv");
    ck_assert_int_eq(cs_output_open(&o, path, &e), CS_OK);
    fputs("data\n", cs_output_file(&o));
    cleanup(dir);
    cs_error_clear(&e);
    ck_assert_int_eq(cs_output_commit(&o, &e), CS_EIO);
    ck_assert_int_eq(e.status, CS_EIO);
    snprintf(want, sizeof want, "cannot write '%s': ", path);
    ck_assert(strncmp(e.msg, want, strlen(want)) == 0);
    ck_assert_ptr_null(cs_output_temp_path(&o));
}
END_TEST

/* The mode bits of path. */
static unsigned mode_of(const char *path)
{
    struct stat sb;

    ck_assert_int_eq(stat(path, &sb), 0);
    return (unsigned)(sb.st_mode & 07777);
}

START_TEST(test_mode_kept)
{
    char dir[64], path[96];
    cs_output o;
    cs_error e;
    mode_t old;

    scratch(dir, sizeof dir, path, sizeof path, "secret.csv");
    put(path, "old\n");
    ck_assert_int_eq(chmod(path, 0600), 0);
    cs_output_init(&o);
    ck_assert_int_eq(cs_output_open(&o, path, &e), CS_OK);
    fputs("new\n", cs_output_file(&o));
    ck_assert_int_eq(cs_output_commit(&o, &e), CS_OK);
    ck_assert_str_eq(get(path), "new\n");
    ck_assert_uint_eq(mode_of(path), 0600);
    ck_assert_int_eq(chmod(path, 0751), 0);
    ck_assert_int_eq(cs_output_open(&o, path, &e), CS_OK);
    ck_assert_int_eq(cs_output_commit(&o, &e), CS_OK);
    ck_assert_uint_eq(mode_of(path), 0751);
    /* a new file: 0666 less the umask */
    snprintf(path, sizeof path, "%s/new.csv", dir);
    old = umask(027);
    ck_assert_int_eq(cs_output_open(&o, path, &e), CS_OK);
    ck_assert_int_eq(cs_output_commit(&o, &e), CS_OK);
    ck_assert_uint_eq(mode_of(path), 0640);
    unlink(path);
    umask(002);
    ck_assert_int_eq(cs_output_open(&o, path, &e), CS_OK);
    ck_assert_int_eq(cs_output_commit(&o, &e), CS_OK);
    umask(old);
    ck_assert_uint_eq(mode_of(path), 0664);
    cleanup(dir);
}
END_TEST

START_TEST(test_symlink_followed)
{
    char dir[64], path[96], target[128], link2[128], sub[96];
    cs_output o;
    cs_error e;
    struct stat sb;

    /* link -> sub/link2 -> ../real.csv: real.csv is replaced, the links
    ** stay links, the temporary file sits beside real.csv */
    scratch(dir, sizeof dir, path, sizeof path, "link");
    snprintf(target, sizeof target, "%s/real.csv", dir);
    snprintf(sub, sizeof sub, "%s/sub", dir);
    snprintf(link2, sizeof link2, "%s/sub/link2", dir);
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    put(target, "old\n");
    ck_assert_int_eq(chmod(target, 0640), 0);
    ck_assert_int_eq(symlink("../real.csv", link2), 0);
    ck_assert_int_eq(symlink("sub/link2", path), 0);
    cs_output_init(&o);
    ck_assert_int_eq(cs_output_open(&o, path, &e), CS_OK);
    ck_assert_ptr_nonnull(strstr(cs_output_temp_path(&o), "real.csv.tmp-"));
    ck_assert_int_eq(entries(dir), 4);    /* link, sub, real.csv, temp */
    ck_assert_int_eq(entries(sub), 1);
    fputs("new\n", cs_output_file(&o));
    ck_assert_int_eq(cs_output_commit(&o, &e), CS_OK);
    ck_assert_int_eq(lstat(path, &sb), 0);
    ck_assert(S_ISLNK(sb.st_mode));
    ck_assert_int_eq(lstat(link2, &sb), 0);
    ck_assert(S_ISLNK(sb.st_mode));
    ck_assert_str_eq(get(target), "new\n");
    ck_assert_uint_eq(mode_of(target), 0640);
    ck_assert_int_eq(entries(dir), 3);
    ck_assert_int_eq(entries(sub), 1);
    /* a dangling link: the file it names is created */
    ck_assert_int_eq(unlink(target), 0);
    ck_assert_int_eq(cs_output_open(&o, path, &e), CS_OK);
    fputs("created\n", cs_output_file(&o));
    ck_assert_int_eq(cs_output_commit(&o, &e), CS_OK);
    ck_assert_str_eq(get(target), "created\n");
    ck_assert_int_eq(lstat(path, &sb), 0);
    ck_assert(S_ISLNK(sb.st_mode));
    /* a loop of links is an error */
    ck_assert_int_eq(unlink(target), 0);
    ck_assert_int_eq(symlink("link", target), 0);
    cs_error_clear(&e);
    ck_assert_int_eq(cs_output_open(&o, path, &e), CS_EIO);
    ck_assert_ptr_nonnull(strstr(e.msg, "symbolic links"));
    cleanup(dir);
}
END_TEST

START_TEST(test_device_in_place)
{
    char dir[64], path[96];
    cs_output o;
    cs_error e;
    struct stat sb;

    /* a private null device (1:3), never the system's /dev/null */
    scratch(dir, sizeof dir, path, sizeof path, "null");
    if (mknod(path, S_IFCHR | 0666, makedev(1, 3)) != 0) {
        fprintf(stderr, "test_device_in_place: skipped (mknod: not "
                        "permitted here)\n");
        cleanup(dir);
        return;
    }
    cs_output_init(&o);
    cs_error_clear(&e);
    ck_assert_int_eq(cs_output_open(&o, path, &e), CS_OK);
    ck_assert_ptr_null(cs_output_temp_path(&o));
    ck_assert_int_eq(entries(dir), 1);
    fputs("discarded\n", cs_output_file(&o));
    ck_assert_int_eq(cs_output_commit(&o, &e), CS_OK);
    ck_assert_int_eq(lstat(path, &sb), 0);
    ck_assert(S_ISCHR(sb.st_mode));
    ck_assert_uint_eq(major(sb.st_rdev), 1);
    ck_assert_uint_eq(minor(sb.st_rdev), 3);
    /* abort leaves the device too */
    ck_assert_int_eq(cs_output_open(&o, path, &e), CS_OK);
    cs_output_abort(&o);
    ck_assert_int_eq(lstat(path, &sb), 0);
    ck_assert(S_ISCHR(sb.st_mode));
    ck_assert_int_eq(entries(dir), 1);
    cleanup(dir);
}
END_TEST

START_TEST(test_fifo_in_place)
{
    char dir[64], path[96], buf[64];
    cs_output o;
    cs_error e;
    struct stat sb;
    int fds[2], status;
    pid_t pid;
    ssize_t n;

    scratch(dir, sizeof dir, path, sizeof path, "fifo");
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {     /* the reader: the FIFO's content into the pipe */
        const int fd = open(path, O_RDONLY);
        char b[64];
        ssize_t k;

        close(fds[0]);
        while (fd >= 0 && (k = read(fd, b, sizeof b)) > 0)
            if (write(fds[1], b, (size_t)k) != k)
                _exit(1);
        _exit(fd >= 0 ? 0 : 1);
    }
    close(fds[1]);
    cs_output_init(&o);
    cs_error_clear(&e);
    ck_assert_int_eq(cs_output_open(&o, path, &e), CS_OK);
    ck_assert_ptr_null(cs_output_temp_path(&o));
    fputs("through\n", cs_output_file(&o));
    ck_assert_int_eq(cs_output_commit(&o, &e), CS_OK);
    n = read(fds[0], buf, sizeof buf - 1);
    ck_assert_int_eq(n, 8);
    buf[n] = '\0';
    ck_assert_str_eq(buf, "through\n");
    close(fds[0]);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert_int_eq(lstat(path, &sb), 0);
    ck_assert(S_ISFIFO(sb.st_mode));
    ck_assert_int_eq(entries(dir), 1);
    cleanup(dir);
}
END_TEST

START_TEST(test_standard_output)
{
    cs_output o;
    cs_error e;

    cs_error_clear(&e);
    ck_assert_int_eq(cs_output_open(&o, NULL, &e), CS_OK);
    ck_assert_ptr_eq(cs_output_file(&o), stdout);
    ck_assert_ptr_null(cs_output_temp_path(&o));
    ck_assert_int_eq(cs_output_commit(&o, &e), CS_OK);
    ck_assert_int_eq(cs_output_open(&o, NULL, &e), CS_OK);
    cs_output_abort(&o);
    /* standard output is never closed */
    ck_assert_int_ne(fileno(stdout), -1);
}
END_TEST

START_TEST(test_name_too_long)
{
    static char path[CS_OUTPUT_TEMP_MAX + 8];
    static char want[CS_OUTPUT_TEMP_MAX + 64];
    cs_output o;
    cs_error e;

    /* a name the system refuses */
    snprintf(path, sizeof path, "/tmp/%0300d", 0);
    ck_assert_int_eq(cs_output_open(&o, path, &e), CS_EIO);
    snprintf(want, sizeof want, "cannot write '%s': File name too long",
             path);
    ck_assert_str_eq(e.msg, want);
    /* a path longer than any the system takes (the message is cut) */
    memset(path, 'a', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    ck_assert_int_eq(cs_output_open(&o, path, &e), CS_EIO);
    ck_assert(strncmp(e.msg, "cannot write 'aaaa", 18) == 0);
}
END_TEST

static Suite *output_suite(void)
{
    Suite *s = suite_create("output");
    TCase *tc = tcase_create("output");

    tcase_add_test(tc, test_commit_replaces);
    tcase_add_test(tc, test_commit_creates);
    tcase_add_test(tc, test_abort_keeps_old);
    tcase_add_test(tc, test_unwritable_directory);
    tcase_add_test(tc, test_failed_commit);
    tcase_add_test(tc, test_mode_kept);
    tcase_add_test(tc, test_symlink_followed);
    tcase_add_test(tc, test_device_in_place);
    tcase_add_test(tc, test_fifo_in_place);
    tcase_add_test(tc, test_standard_output);
    tcase_add_test(tc, test_name_too_long);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(output_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
