/*
** test_distparse.c - distributions from text: the string form, the mapping
** form, their refusals with the argument or column to blame, and empirical
** files (good, bad lines, missing, bounds).
*/
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "chainsim/dist.h"
#include "chainsim/distparse.h"
#include "chainsim/error.h"

static char msg[512];

/* ---------------------------------------------------------------- */
/* Parsing distributions                                             */
/* ---------------------------------------------------------------- */

typedef struct dist_case {
    const char *s;
    cs_dist_kind kind;
    double p[5];
} dist_case;

START_TEST(test_parse_accept)
{
    static const dist_case cases[] = {
        {"3d", CS_DIST_CONST, {3}},
        {"0", CS_DIST_CONST, {0}},
        {"4h", CS_DIST_CONST, {0.5}},
        {"const(3d)", CS_DIST_CONST, {3}},
        {"const(value=1w)", CS_DIST_CONST, {5}},
        {"uniform(1d, 2d)", CS_DIST_UNIFORM, {1, 2}},
        {"uniform(2d,2d)", CS_DIST_UNIFORM, {2, 2}},
        {"uniform(b=3, a=1)", CS_DIST_UNIFORM, {1, 3}},
        {"triangular(1d,2d,5d)", CS_DIST_TRIANGULAR, {1, 2, 5}},
        {"triangular(min=1, mode=1, max=2)", CS_DIST_TRIANGULAR, {1, 1, 2}},
        {"pert(1, 2, 5)", CS_DIST_PERT, {1, 2, 5, 2, 4}},
        {"exponential(2d)", CS_DIST_EXPONENTIAL, {2}},
        {"exponential(mean=16h)", CS_DIST_EXPONENTIAL, {2}},
        {"gamma(mean=4d, cv=0.5)", CS_DIST_GAMMA, {4, 1}},
        {"gamma(4d, 0.5)", CS_DIST_GAMMA, {4, 1}},
        {"gamma(4d, cv=0.5)", CS_DIST_GAMMA, {4, 1}},
        {"gamma(cv=0.5, mean=4d)", CS_DIST_GAMMA, {4, 1}},
        {" gamma ( mean = 4d , cv = 0.5 ) ", CS_DIST_GAMMA, {4, 1}},
        {"gamma(shape=2, scale=3d)", CS_DIST_GAMMA, {2, 3}},
        {"gamma(scale=3d, shape=2)", CS_DIST_GAMMA, {2, 3}},
        {"weibull(shape=1.5, scale=2d)", CS_DIST_WEIBULL, {1.5, 2}},
        {"weibull(1.5, 2d)", CS_DIST_WEIBULL, {1.5, 2}},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cs_dist d;
        int col = 99;
        ck_assert_msg(cs_distparse_text(cases[i].s, NULL, NULL, &d, msg,
                                        sizeof msg, &col) == CS_OK,
                      "'%s' refused: %s", cases[i].s, msg);
        ck_assert_int_eq(col, -1);
        ck_assert_msg(d.kind == cases[i].kind, "'%s': kind %d", cases[i].s,
                      (int)d.kind);
        for (int k = 0; k < 5; k++)
            ck_assert_msg(fabs(d.p[k] - cases[i].p[k]) <= 1e-14,
                          "'%s': p[%d] = %.17g, want %g", cases[i].s, k,
                          d.p[k], cases[i].p[k]);
        cs_dist_fini(&d);
    }
}
END_TEST

START_TEST(test_parse_empirical_inline)
{
    cs_dist d;

    ck_assert_int_eq(cs_distparse_text("empirical(1d, 2.5, 4h, 1w)", NULL, NULL,
                                       &d, msg, sizeof msg, NULL),
                     CS_OK);
    ck_assert_int_eq(d.kind, CS_DIST_EMPIRICAL);
    ck_assert_uint_eq(d.nvalues, 4);
    ck_assert(d.values[0] == 1.0 && d.values[1] == 2.5 &&
              d.values[2] == 0.5 && d.values[3] == 5.0);
    cs_dist_fini(&d);
    ck_assert_int_eq(cs_distparse_text("empirical(7)", NULL, NULL, &d, msg,
                                       sizeof msg, NULL),
                     CS_OK);
    ck_assert_uint_eq(d.nvalues, 1);
    cs_dist_fini(&d);
}
END_TEST

typedef struct bad_case {
    const char *s;
    const char *in_msg;   /* expected substring of the message */
    int col;              /* expected bad_col; -2: not checked */
} bad_case;

START_TEST(test_parse_reject)
{
    static const bad_case cases[] = {
        {"", "empty duration", 0},
        {"3dd", "invalid duration '3dd'", 0},
        {"  -1d", "must not be negative", 2},
        {"nan", "must be finite", 0},
        {"gamma", "needs its arguments", 0},
        {"fast", "expected a duration (e.g. 2.5d) or NAME(ARGS)", 0},
        {"gama(mean=4d, cv=0.5)", "did you mean 'gamma'?", 0},
        {" Gamma(mean=4d, cv=0.5)", "did you mean 'gamma'?", 1},
        {"normal(0, 1)", "unknown distribution 'normal': expected const", 0},
        {"gamma(mean=4d)", "missing argument 'cv'", -1},
        {"gamma(mean=4d, cv=0.5, cv=1)", "'cv' given twice", 23},
        {"gamma(mean=4d, scale=1d)", "'scale' cannot be combined with 'mean'",
         15},
        {"gamma(mean=4d, cvv=0.5)", "did you mean 'cv'?", 15},
        {"gamma(mean=4d, rate=0.5)", "unknown argument 'rate'", 15},
        {"gamma(mean=-4d, cv=0.5)", "gamma mean: invalid duration '-4d': "
                                    "must not be negative", 6},
        {"gamma(mean=0, cv=0.5)", "mean must be positive", 6},
        {"gamma(mean=4d, cv=0)", "cv must be positive", 15},
        {"gamma(mean=4d, cv=0.5d)", "expected a plain number", 15},
        {"gamma(mean=4d, cv=0.5", "missing ')'", 21},
        {"gamma(mean=4d, cv=0.5) x", "unexpected text after ')'", 23},
        {"gamma(mean=(4d), cv=0.5)", "unexpected text after ')'", 15},
        {"gamma(mean=4d,, cv=0.5)", "empty argument", 14},
        {"gamma(=4d, cv=0.5)", "missing argument name", 6},
        {"gamma(mean=, cv=0.5)", "missing value after 'mean='", 6},
        {"gamma(cv=0.5, 4d)", "positional argument cannot follow", 14},
        {"gamma(4d, 0.5, 1)", "too many arguments", 15},
        {"uniform(2d, 1d)", "a must not exceed b", 12},
        {"uniform(1d)", "missing argument 'b'", -1},
        {"uniform(1d, 2d, 3d)", "too many arguments", 16},
        {"triangular(1d, 6d, 5d)", "mode must lie between", 15},
        {"triangular(5d, 2d, 1d)", "min must not exceed max", 19},
        {"pert(3d, 1d, 5d)", "mode must lie between", 9},
        {"exponential(0)", "mean must be positive", 12},
        {"exponential()", "missing argument 'mean'", -1},
        {"lognormal(median=2d, p90=1d)", "p90 must be greater than median",
         21},
        {"lognormal(median=0, p90=1d)", "median must be positive", 10},
        {"lognormal(mean=2d, sd=0)", "sd must be positive", 19},
        {"lognormal(mean=2d, p90=3d)", "cannot be combined", 19},
        {"weibull(shape=0, scale=1d)", "shape must be positive", 8},
        {"weibull(shape=1e-9, scale=1d)", "out of range", -1},
        {"weibull(shape=1.5, scale=2x)", "weibull scale: invalid duration",
         19},
        {"empirical()", "at least one value", -1},
        {"empirical(1d, x)", "empirical value: invalid duration 'x'", 14},
        {"empirical(files=a.txt)", "did you mean 'file'?", 10},
        {"empirical(file=a.txt, 2d)", "cannot be combined", 10},
        {"const(-1)", "must not be negative", 6},
        {"const(1d, 2d)", "too many arguments", 10},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cs_dist d;
        int col = 99;
        msg[0] = '\0';
        ck_assert_msg(cs_distparse_text(cases[i].s, NULL, NULL, &d, msg,
                                        sizeof msg, &col) == CS_EINPUT,
                      "'%s' accepted", cases[i].s);
        ck_assert_msg(strstr(msg, cases[i].in_msg) != NULL,
                      "'%s': message '%s' lacks '%s'", cases[i].s, msg,
                      cases[i].in_msg);
        if (cases[i].col != -2)
            ck_assert_msg(col == cases[i].col, "'%s': column %d, want %d",
                          cases[i].s, col, cases[i].col);
        /* A failed parse leaves a harmless constant behind. */
        ck_assert_int_eq(d.kind, CS_DIST_CONST);
        ck_assert_ptr_null(d.values);
    }
}
END_TEST

START_TEST(test_build_mapping_form)
{
    const cs_dist_arg args[] = {{"mean", "4d"}, {"cv", "0.5"}};
    const cs_dist_arg bad[] = {{"mean", "4d"}, {"mean", "5d"}};
    cs_dist d;
    int bad_arg = 99;

    ck_assert_int_eq(cs_distparse_build("gamma", args, 2, NULL, NULL, &d, msg,
                                        sizeof msg, &bad_arg),
                     CS_OK);
    ck_assert_int_eq(bad_arg, -1);
    ck_assert(d.kind == CS_DIST_GAMMA && d.p[0] == 4.0 && d.p[1] == 1.0);
    ck_assert_int_eq(cs_distparse_build("gamma", bad, 2, NULL, NULL, &d, msg,
                                        sizeof msg, &bad_arg),
                     CS_EINPUT);
    ck_assert_int_eq(bad_arg, 1);
    ck_assert_int_eq(cs_distparse_build("gamma", args, 1, NULL, NULL, &d, msg,
                                        sizeof msg, &bad_arg),
                     CS_EINPUT);
    ck_assert_int_eq(bad_arg, -1);
    ck_assert_int_eq(cs_distparse_build("gammma", args, 2, NULL, NULL, &d, msg,
                                        sizeof msg, NULL),
                     CS_EINPUT);
    ck_assert(strstr(msg, "did you mean 'gamma'?") != NULL);
}
END_TEST

/* ---------------------------------------------------------------- */
/* Empirical files                                                   */
/* ---------------------------------------------------------------- */

/* Writes text to a new temporary file; path receives its name. */
static void temp_file(char *path, size_t size, const char *text)
{
    FILE *f;
    int fd;

    snprintf(path, size, "/tmp/cs_test_dist_XXXXXX");
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_empirical_file)
{
    char path[64], spec[128];
    cs_dist d;

    temp_file(path, sizeof path,
              "# lead times of last quarter\n1d\n\n  2.5 \n4h\n#x\n3w\r\n");
    /* Relative to basedir "/tmp". */
    snprintf(spec, sizeof spec, "empirical(file=%s)", path + 5);
    ck_assert_msg(cs_distparse_text(spec, NULL, "/tmp", &d, msg, sizeof msg,
                                    NULL) == CS_OK,
                  "%s", msg);
    ck_assert_int_eq(d.kind, CS_DIST_EMPIRICAL);
    ck_assert_uint_eq(d.nvalues, 4);
    ck_assert(d.values[0] == 1.0 && d.values[1] == 2.5 &&
              d.values[2] == 0.5 && d.values[3] == 15.0);
    cs_dist_fini(&d);
    /* An absolute path ignores basedir; a trailing '/' is fine. */
    snprintf(spec, sizeof spec, "empirical( file = %s )", path);
    ck_assert_msg(cs_distparse_text(spec, NULL, "/nonexistent/", &d, msg,
                                    sizeof msg, NULL) == CS_OK,
                  "%s", msg);
    ck_assert_uint_eq(d.nvalues, 4);
    cs_dist_fini(&d);
    /* The mapping form goes through cs_distparse_build. */
    {
        const cs_dist_arg arg = {"file", path + 5};
        ck_assert_int_eq(cs_distparse_build("empirical", &arg, 1, NULL, "/tmp/",
                                            &d, msg, sizeof msg, NULL),
                         CS_OK);
        ck_assert_uint_eq(d.nvalues, 4);
        cs_dist_fini(&d);
    }
    unlink(path);
}
END_TEST

/* A data file can be any readable file: its error quotes only a short,
** printable excerpt of the offending line. */
START_TEST(test_empirical_bad_line_excerpt)
{
    char path[64], spec[128];
    cs_dist d;

    temp_file(path, sizeof path,
              "1d\nroot:$6$secretsecretsecretsecret:19000:0:99999\n");
    snprintf(spec, sizeof spec, "empirical(file=%s)", path);
    ck_assert_int_eq(
        cs_distparse_text(spec, NULL, NULL, &d, msg, sizeof msg, NULL),
        CS_EINPUT);
    ck_assert_msg(strstr(msg, "'root:$6$secretsecretsecr...'") != NULL,
                  "message '%s'", msg);
    ck_assert_msg(strstr(msg, "19000") == NULL, "message '%s'", msg);
    unlink(path);

    temp_file(path, sizeof path, "\033[31mred\n");
    snprintf(spec, sizeof spec, "empirical(file=%s)", path);
    ck_assert_int_eq(
        cs_distparse_text(spec, NULL, NULL, &d, msg, sizeof msg, NULL),
        CS_EINPUT);
    ck_assert_msg(strchr(msg, '\033') == NULL, "message '%s'", msg);
    ck_assert_msg(strstr(msg, "'?[31mred'") != NULL, "message '%s'", msg);
    unlink(path);
}
END_TEST

START_TEST(test_empirical_bad_line)
{
    char path[64], spec[128], want[128];
    cs_dist d;
    int col;

    temp_file(path, sizeof path, "1d\n# fine\n2x\n3d\n");
    snprintf(spec, sizeof spec, "empirical(file=%s)", path);
    ck_assert_int_eq(
        cs_distparse_text(spec, NULL, NULL, &d, msg, sizeof msg, &col),
        CS_EINPUT);
    snprintf(want, sizeof want, "empirical file '%s', line 3: invalid "
             "duration '2x'", path);
    ck_assert_msg(strstr(msg, want) != NULL, "message '%s'", msg);
    ck_assert_int_eq(col, 10);
    ck_assert_ptr_null(d.values);
    unlink(path);

    temp_file(path, sizeof path, "# nothing\n\n");
    snprintf(spec, sizeof spec, "empirical(file=%s)", path);
    ck_assert_int_eq(
        cs_distparse_text(spec, NULL, NULL, &d, msg, sizeof msg, NULL),
        CS_EINPUT);
    ck_assert_msg(strstr(msg, "holds no values") != NULL, "message '%s'",
                  msg);
    unlink(path);

    temp_file(path, sizeof path, "1d\n-2d\n");
    snprintf(spec, sizeof spec, "empirical(file=%s)", path);
    ck_assert_int_eq(
        cs_distparse_text(spec, NULL, NULL, &d, msg, sizeof msg, NULL),
        CS_EINPUT);
    ck_assert_msg(strstr(msg, "line 2: invalid duration '-2d': must not be "
                              "negative") != NULL, "message '%s'", msg);
    unlink(path);
}
END_TEST

START_TEST(test_empirical_missing_file)
{
    cs_dist d;
    int col;

    ck_assert_int_eq(cs_distparse_text("empirical(file=no/such/file.txt)", NULL,
                                       "/nonexistent", &d, msg, sizeof msg,
                                       &col),
                     CS_EIO);
    ck_assert_msg(strstr(msg, "/nonexistent/no/such/file.txt") != NULL,
                  "message '%s'", msg);
    ck_assert_int_eq(col, 10);
    /* A directory is refused, not read as an empty file. */
    ck_assert_int_ne(cs_distparse_text("empirical(file=/tmp)", NULL, NULL, &d,
                                       msg, sizeof msg, NULL),
                     CS_OK);
    ck_assert_msg(strstr(msg, "'/tmp'") != NULL, "message '%s'", msg);
}
END_TEST

/* Only regular files are read, and their lines are bounded: a FIFO or a
** device would block or never end. */
START_TEST(test_empirical_file_bounds)
{
    char dir[] = "/tmp/cs-dist-XXXXXX";
    char path[64];
    cs_dist d;
    FILE *f;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(cs_distparse_text("empirical(file=/dev/zero)", NULL, NULL,
                                       &d, msg, sizeof msg, NULL),
                     CS_EINPUT);
    ck_assert_msg(strstr(msg, "not a regular file") != NULL, "%s", msg);
    snprintf(path, sizeof path, "%s/fifo", dir);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    ck_assert_int_eq(cs_distparse_text("empirical(file=fifo)", NULL, dir, &d,
                                       msg, sizeof msg, NULL),
                     CS_EINPUT);
    ck_assert_msg(strstr(msg, "not a regular file") != NULL, "%s", msg);
    unlink(path);
    snprintf(path, sizeof path, "%s/long", dir);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "# %01500d\n1d\n%01200d\n", 0, 1);   /* a long comment is fine */
    fclose(f);
    ck_assert_int_eq(cs_distparse_text("empirical(file=long)", NULL, dir, &d,
                                       msg, sizeof msg, NULL),
                     CS_EINPUT);
    ck_assert_msg(strstr(msg, "line 3: longer than 1023 characters") != NULL,
                  "%s", msg);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "# %01500d\r\n1d\r\n\n3d", 0);       /* CRLF, no final newline */
    fclose(f);
    ck_assert_int_eq(cs_distparse_text("empirical(file=long)", NULL, dir, &d,
                                       msg, sizeof msg, NULL),
                     CS_OK);
    ck_assert_uint_eq(d.nvalues, 2);
    ck_assert_double_eq(cs_dist_mean(&d), 2.0);
    cs_dist_fini(&d);
    unlink(path);
    rmdir(dir);
}
END_TEST

static Suite *distparse_suite(void)
{
    Suite *s = suite_create("distparse");
    TCase *parse = tcase_create("parse");
    TCase *empirical = tcase_create("empirical");

    tcase_add_test(parse, test_parse_accept);
    tcase_add_test(parse, test_parse_empirical_inline);
    tcase_add_test(parse, test_parse_reject);
    tcase_add_test(parse, test_build_mapping_form);
    suite_add_tcase(s, parse);
    tcase_add_test(empirical, test_empirical_file);
    tcase_add_test(empirical, test_empirical_bad_line_excerpt);
    tcase_add_test(empirical, test_empirical_bad_line);
    tcase_add_test(empirical, test_empirical_missing_file);
    tcase_add_test(empirical, test_empirical_file_bounds);
    suite_add_tcase(s, empirical);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    gsl_set_error_handler_off();
    sr = srunner_create(distparse_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
