/*
** test_report_table.c - the report as a table: verdicts, promise blocks,
** inline promises, identical variants, undefined values.
*/
#include "report_fixture.h"

/* ---- table ---------------------------------------------------------- */

START_TEST(test_table_compare)
{
    fixture f;
    char *text;

    fixture_init(&f, "platform-team", 0, 0);
    text = render(&f.r, CS_FORMAT_TABLE);
    assert_no_nan_inf(text);
    ck_assert_ptr_nonnull(strstr(text, "BI chain"));
    ck_assert_ptr_nonnull(strstr(text, "platform-team"));
    ck_assert_ptr_nonnull(strstr(text, "NOT MET"));
    ck_assert_ptr_nonnull(strstr(text, " met"));
    ck_assert_ptr_nonnull(strstr(text, "uncertain"));
    ck_assert_ptr_nonnull(strstr(text, "data products in a month"));
    /* The ranked block comes first, the variant that keeps more first. */
    ck_assert_ptr_nonnull(strstr(text, "\n\nrank  variant"));
    ck_assert(strstr(text, "rank  variant") < strstr(text, "lead time (d)  p50"));
    ck_assert_ptr_nonnull(strstr(text, "1     platform-team  1 met, 1 uncertain"));
    ck_assert_ptr_nonnull(strstr(text, "2     baseline       0 met, 1 uncertain, "
                                       "1 NOT MET  21.3 "));
    ck_assert_ptr_nonnull(strstr(text, "18.1 -3.2 better"));
    ck_assert_ptr_nonnull(strstr(text, "  4 +0 "));            /* cost/d */
    ck_assert_ptr_nonnull(strstr(text, "0.72*"));              /* bottleneck */
    ck_assert_ptr_nonnull(strstr(text, "21.3 ±"));             /* lead time */
    ck_assert_ptr_nonnull(strstr(text, "-3.2"));               /* vs baseline */
    ck_assert_ptr_nonnull(strstr(text, "better"));
    ck_assert_ptr_nonnull(strstr(text, "unclear"));            /* throughput */
    ck_assert_ptr_nonnull(strstr(text, "utilisation"));
    /* Too wide for the variant table: a block per promise. */
    ck_assert_ptr_nonnull(strstr(text, "data products in a month  ≥85% within "
                                       "30d  verdict  vs baseline"));
    ck_assert_ptr_nonnull(strstr(text, "quarterly throughput  ≥40 per 65d"));
    ck_assert_ptr_null(strstr(text, "achieved [95% CI]"));
    ck_assert_ptr_null(strstr(text, "\033["));                 /* no colour */
    ck_assert_ptr_null(strstr(text, "partial"));
    free(text);
    f.r.color = 1;
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_ptr_nonnull(strstr(text, "\033[31mNOT MET"));
    ck_assert_ptr_nonnull(strstr(text, "\033[32m"));
    assert_no_nan_inf(text);
    free(text);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_table_run)
{
    fixture f;
    char *text;

    fixture_init(&f, "platform-team", 0, 0);
    f.r.command = "run";
    f.r.nrows = 1;
    f.s[0]->replications = 7;
    f.s[0]->partial = 1;
    f.s[0]->teams[0].utilization = ci_one(0.4);
    text = render(&f.r, CS_FORMAT_TABLE);
    assert_no_nan_inf(text);
    ck_assert_ptr_nonnull(strstr(text, "(partial: 7 of 100 replications)"));
    ck_assert_ptr_nonnull(strstr(text, "queue wait"));
    ck_assert_ptr_nonnull(strstr(text, "ingestion"));
    ck_assert_ptr_nonnull(strstr(text, "modelling *"));
    ck_assert_ptr_nonnull(strstr(text, "0.40 ±n/a"));          /* one value */
    ck_assert_ptr_nonnull(strstr(text, "report"));             /* class block */
    ck_assert_ptr_null(strstr(text, "vs baseline"));
    free(text);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_table_promise_block)
{
    fixture f;
    char *text;

    /* The variant has one promise, the baseline two: a block of their own. */
    fixture_init(&f, "lean", 0, 1);
    text = render(&f.r, CS_FORMAT_TABLE);
    assert_no_nan_inf(text);
    ck_assert_ptr_nonnull(strstr(text, "quarterly throughput  ≥40 per 65d"));
    ck_assert_ptr_nonnull(strstr(text, "\nlean                  -\n"));
    ck_assert_ptr_nonnull(strstr(text, "≥40 per 65d"));
    ck_assert_ptr_nonnull(strstr(text, "NOT MET"));
    ck_assert_ptr_nonnull(strstr(text, "+7.0 pts"));
    free(text);
    fixture_fini(&f);
}
END_TEST

/*
** One promise everywhere: a comparison gives it a block with its
** differences; several results without a comparison (a sweep) show it
** inline in the variant table.
*/
START_TEST(test_table_inline_promise)
{
    fixture f;
    char *text;

    fixture_init(&f, "platform-team", 0, 2);
    text = render(&f.r, CS_FORMAT_TABLE);
    assert_no_nan_inf(text);
    ck_assert_ptr_nonnull(strstr(text, "data products in a month  ≥85% within "
                                       "30d  verdict  vs baseline"));
    ck_assert_ptr_nonnull(strstr(text, "\nplatform-team             84% [82,87]"
                                       "      met      +7.0 pts [+4.5,+9.5] "
                                       "better\n"));
    ck_assert_ptr_nonnull(strstr(text, "vs baseline: 95% interval"));
    free(text);
    f.r.command = "run";
    f.rows[1].vs = NULL;
    text = render(&f.r, CS_FORMAT_TABLE);
    assert_no_nan_inf(text);
    ck_assert_ptr_nonnull(strstr(text, "data products in a month (≥85% "
                                       "within 30d)"));
    ck_assert_ptr_nonnull(strstr(text, "81% [79,83] NOT MET"));
    ck_assert_ptr_nonnull(strstr(text, "84% [82,87] met"));
    ck_assert_ptr_null(strstr(text, "vs baseline"));
    ck_assert_ptr_null(strstr(text, "rank  variant"));   /* no comparison */
    ck_assert_ptr_nonnull(strstr(text, "bottleneck (util)"));
    free(text);
    /* A share's interval near 1 is clipped in the table too. */
    f.s[1]->promises[0].achieved = ci_of(0.99, 1.0, 1.0);
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_ptr_nonnull(strstr(text, "100% [98,100]"));   /* hi 1.011 */
    free(text);
    fixture_fini(&f);
}
END_TEST

/* A variant identical to its baseline: exact zeros, said plainly. */
START_TEST(test_identical_variant)
{
    const double z[3] = {0, 0, 0};
    fixture f;
    char *text;
    json_t *root, *vs;

    fixture_init(&f, "same-as-base", 0, 0);
    f.vs->lead_time_mean = cs_stats_ci_paired(z, z, 3, 0.95);
    f.s[1]->flow_efficiency = -0.0;     /* a signed zero prints as 0 */
    text = render(&f.r, CS_FORMAT_CSV);
    ck_assert_ptr_null(strstr(text, ",-0,"));
    free(text);
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_ptr_nonnull(strstr(text, "+0.0 [+0.0,+0.0] same"));
    ck_assert_ptr_nonnull(strstr(text, "18.1 +0.0 same"));   /* glance */
    ck_assert_ptr_null(strstr(text, "-0.0"));
    free(text);
    text = render(&f.r, CS_FORMAT_JSON);
    root = parse_json(text);
    vs = get(json_array_get(get(root, "variants"), 1), "vs_baseline");
    ck_assert(json_number_value(get(vs, "lead_time_mean_diff")) == 0.0);
    ck_assert(json_number_value(json_array_get(get(vs, "ci95"), 0)) == 0.0);
    ck_assert(json_is_false(get(vs, "significant")));
    ck_assert_ptr_nonnull(strstr(text, "\"lead_time_mean_diff\": 0.0,"));
    ck_assert_ptr_null(strstr(text, "-0.0,"));
    ck_assert_ptr_null(strstr(text, "-0.0\n"));
    json_decref(root);
    free(text);
    fixture_fini(&f);
}
END_TEST

START_TEST(test_table_undefined)
{
    fixture f;
    char *text;

    fixture_init(&f, "platform-team", 0, 0);
    f.s[1]->lead_time = ci_one(20);
    f.s[1]->p85 = NAN;
    f.s[1]->flow_efficiency = NAN;
    f.s[1]->bottleneck = -1;
    f.vs->lead_time_mean = ci_none();
    text = render(&f.r, CS_FORMAT_TABLE);
    assert_no_nan_inf(text);
    ck_assert_ptr_nonnull(strstr(text, "20.0 ±n/a"));
    free(text);
    f.r.nrows = 0;
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_ptr_nonnull(strstr(text, "no results"));
    free(text);
    fixture_fini(&f);
}
END_TEST

/* A defined interval whose mean and bounds are what is given. */
static cs_ci ci_raw(double mean, double lo, double hi)
{
    cs_ci c = ci_of(1, 2, 3);

    c.mean = mean;
    c.lo = lo;
    c.hi = hi;
    return c;
}

/*
** Figures that overflow once scaled (per day -> per week, share ->
** percent), infinite costs and a cost difference of inf - inf used to
** print "inf" and "-nan"; every one prints "-" (or "n/a" for an
** interval) in the table, and is empty in CSV and null in JSON.
*/
START_TEST(test_table_non_finite)
{
    static const cs_format formats[] = {
        CS_FORMAT_TABLE, CS_FORMAT_CSV, CS_FORMAT_JSON
    };
    fixture f;
    char *text;

    for (int k = 0; k < 3; k++) {
        for (int variant = 0; variant < 3; variant++) {
            fixture_init(&f, "platform-team", 0, variant == 2 ? 2 : 0);
            for (int i = 0; i < 2; i++) {
                cs_summary *s = f.s[i];
                s->cost_per_day = i == 0 ? INFINITY : 1e308;
                s->throughput = ci_raw(1e308, -1e308, 1e308);
                s->lead_time = ci_raw(1e308, -1e308, 1e308);
                s->p85 = -INFINITY;
                s->flow_efficiency = 1e307;
                s->teams[0].utilization = ci_raw(1.0, -1e308, 1e308);
                s->teams[1].utilization = ci_raw(0.5, -INFINITY, NAN);
                s->teams[0].blocked_fraction = ci_raw(1e307, 0, 1);
                s->teams[1].queue_wait = ci_raw(1e308, -1e308, 1e308);
                s->promises[0].achieved = ci_raw(1e307, -1e307, 1e307);
                if (variant == 1)
                    s->cost_per_day = i == 0 ? -1e308 : 1e308;
            }
            f.vs->throughput = ci_raw(1e308, -1e308, 1e308);
            f.vs->lead_time_mean = ci_raw(INFINITY, -INFINITY, INFINITY);
            f.vs->promise[0] = ci_raw(1e307, -1e307, 1e307);
            if (variant == 2) {
                f.r.command = "run";
                f.rows[1].vs = NULL;
            }
            text = render(&f.r, formats[k]);
            assert_no_nan_inf(text);
            free(text);
            fixture_fini(&f);
        }
    }
}
END_TEST

/* A warning under the tables where deadlocks were broken: the teams and
** the mean breaks per replication, the row named when there are several. */
START_TEST(test_table_wip_breaks)
{
    fixture f;
    char *text;

    fixture_init(&f, "platform-team", 0, 0);
    f.s[0]->teams[0].wip_breaks = ci_of(0, 0, 0);
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_ptr_null(strstr(text, "deadlock"));
    free(text);
    f.s[1]->teams[0].wip_breaks = ci_of(1, 2, 4);
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_msg(strstr(text, "\n\nwarning: platform-team: deadlocks "
                               "broken by admitting items above the WIP "
                               "limit (mean per replication): ingestion "
                               "2.33\n") != NULL,
                  "%s", text);
    ck_assert_ptr_null(strstr(text, "warning: baseline"));
    free(text);
    f.r.command = "run";
    f.r.nrows = 1;
    f.rows[0].summary = f.s[1];
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_ptr_nonnull(strstr(text, "\nwarning: deadlocks broken by "
                                       "admitting items above the WIP limit "
                                       "(mean per replication): ingestion "
                                       "2.33\n"));
    free(text);
    fixture_fini(&f);
}
END_TEST

/*
** Values that cross a power of ten: a column of 9.96 and 10.02 items per
** (5-day) week prints one decimal, and a half-width of 0.043 a week must
** not show as "±0.0"; a utilisation half-width of 0.004 not as "±0.00".
*/
START_TEST(test_table_small_half_width)
{
    fixture f;
    char *text;

    fixture_init(&f, "platform-team", 0, 0);
    f.r.command = "run";
    f.rows[1].vs = NULL;
    f.s[0]->throughput = ci_raw(9.96 / 5, (9.96 - 0.043) / 5,
                                (9.96 + 0.043) / 5);
    f.s[1]->throughput = ci_raw(10.02 / 5, (10.02 - 0.5) / 5,
                                (10.02 + 0.5) / 5);
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_msg(strstr(text, "±0.0 ") == NULL, "%s", text);
    ck_assert_msg(strstr(text, "9.96 ±0.04") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "10.0 ±0.5") != NULL, "%s", text);
    free(text);
    f.r.nrows = 1;
    f.s[0]->teams[0].utilization = ci_raw(0.76, 0.756, 0.764);
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_msg(strstr(text, "0.760 ±0.004") != NULL, "%s", text);
    free(text);
    fixture_fini(&f);
}
END_TEST

/*
** Today's board, a done_by promise and the timeline in the table: the
** completion block (a line per row, one per class under it, ">260" for
** a percentile past the horizon), the done_by target, the timeline side
** by side in a compare, a block of its own in a run, a note with --vary;
** nothing of it without them.
*/
START_TEST(test_table_board_timeline)
{
    fixture f;
    char *text;

    fixture_init(&f, "platform-team", 0, 0);
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_ptr_null(strstr(text, "completion"));
    ck_assert_ptr_null(strstr(text, "timeline"));
    free(text);
    add_board(f.m[0], f.s[0]);
    add_board(f.m[1], f.s[1]);
    text = render(&f.r, CS_FORMAT_TABLE);
    assert_no_nan_inf(text);
    ck_assert_ptr_nonnull(strstr(text, "\ncompletion (d)  items  all done  "
                                       "mean  p50  p85   p95\n"
                                       "baseline        18     90%       -  "
                                       "   120  >260  >260\n"
                                       "  data-product  12     100%      "
                                       "101   100  110   115\n"));
    ck_assert_ptr_nonnull(strstr(text, "\n>260: later than the horizon"));
    ck_assert_ptr_nonnull(strstr(text, "quarterly throughput  ≥85% done by "
                                       "day 120  verdict"));
    ck_assert_ptr_nonnull(strstr(text, "85% [64,95]"));
    ck_assert_ptr_nonnull(strstr(text, "\ntimeline  baseline  "));
    ck_assert_ptr_nonnull(strstr(text, "\ndays      done      wip   lead time"
                                       "  done           wip   lead time\n"
                                       "0-100     41.0      12.0  21.0 "));
    ck_assert_ptr_nonnull(strstr(text, "\n200-260   0.0       12.0  -  "));
    ck_assert_ptr_null(strstr(text, "today's board (the backlog"));
    free(text);
    /* start items: the question is today's board */
    f.s[0]->transient = f.s[1]->transient = 1;
    f.m[1]->classes[0].start = calloc(1, sizeof *f.m[1]->classes[0].start);
    ck_assert_ptr_nonnull(f.m[1]->classes[0].start);
    f.m[1]->classes[0].start[0].count = 2;
    f.m[1]->classes[0].nstart = 1;
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_ptr_nonnull(strstr(text, "\nfrom day 0: today's board (the "
                                       "backlog and the items in the chain)"));
    free(text);
    /* too wide side by side: a block per row */
    free(f.m[1]->variant);
    f.m[1]->variant = dup("a-variant-with-a-name-long-enough-to-make-the-"
                          "side-by-side-timeline-too-wide-for-a-terminal");
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_ptr_nonnull(strstr(text, "\ntimeline: baseline  arrived  done"));
    ck_assert_ptr_nonnull(strstr(text, "\ntimeline: a-variant-with"));
    free(text);
    /* a run: the teams show the mean scheduled capacity */
    f.r.command = "run";
    f.r.nrows = 1;
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_ptr_nonnull(strstr(text, "\ningestion    platform        3.4 "));
    ck_assert_ptr_nonnull(strstr(text, "\ncap: with a schedule"));
    ck_assert_ptr_nonnull(strstr(text, "\ntimeline (d)  arrived  done  wip   "
                                       "lead time (d)  p85\n"
                                       "0-100         52.0     41.0  12.0  "
                                       "21.0           33.5\n"));
    free(text);
    /* a sweep: a note instead */
    f.vary[0] = "teams.ingestion.capacity";
    f.point[0][0] = "2";
    f.rows[0].point = f.point[0];
    f.r.vary = f.vary;
    f.r.nvary = 1;
    text = render(&f.r, CS_FORMAT_TABLE);
    ck_assert_ptr_nonnull(strstr(text, "\ntimeline: not shown with --vary"));
    ck_assert_ptr_null(strstr(text, "\n0-100 "));
    free(text);
    fixture_fini(&f);
}
END_TEST

static Suite *report_table_suite(void)
{
    Suite *s = suite_create("report_table");
    TCase *table = tcase_create("table");

    tcase_add_test(table, test_table_compare);
    tcase_add_test(table, test_table_run);
    tcase_add_test(table, test_table_promise_block);
    tcase_add_test(table, test_table_inline_promise);
    tcase_add_test(table, test_identical_variant);
    tcase_add_test(table, test_table_undefined);
    tcase_add_test(table, test_table_non_finite);
    tcase_add_test(table, test_table_small_half_width);
    tcase_add_test(table, test_table_board_timeline);
    tcase_add_test(table, test_table_wip_breaks);
    suite_add_tcase(s, table);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(report_table_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
