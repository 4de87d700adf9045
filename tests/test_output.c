/*
** test_output.c - atomic output files: commit replaces the target, abort
** and a failed commit leave it untouched, the temporary file sits beside
** the target and never outlives the output, errors name the path.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
    ck_assert_int_eq(sb.st_mode & 0777, 0644);
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

    /* a directory in the way: the rename fails, the target stays */
    scratch(dir, sizeof dir, path, sizeof path, "taken");
    ck_assert_int_eq(mkdir(path, 0755), 0);
    snprintf(want, sizeof want, "%s/inside", path);
    put(want, "x");
    ck_assert_int_eq(cs_output_open(&o, path, &e), CS_OK);
    fputs("data\n", cs_output_file(&o));
    cs_error_clear(&e);
    ck_assert_int_eq(cs_output_commit(&o, &e), CS_EIO);
    ck_assert_int_eq(e.status, CS_EIO);
    snprintf(want, sizeof want, "cannot write '%s': ", path);
    ck_assert(strncmp(e.msg, want, strlen(want)) == 0);
    ck_assert_int_eq(entries(dir), 1);
    snprintf(want, sizeof want, "%s/inside", path);
    ck_assert_str_eq(get(want), "x");
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
