/*
** loopcheck.h - LOOP_CHECK(expr, fmt, ...): fails the current Check test
** when expr is false, as ck_assert_msg does, but a passing check costs
** nothing.  Check records the file and line of every passing assertion
** (a write to its log), which in a loop of a million iterations costs
** more than what is tested, under the sanitizers many times more.
*/
#ifndef CHAINSIM_LOOPCHECK_H
#define CHAINSIM_LOOPCHECK_H

#include <check.h>

#define LOOP_CHECK(expr, ...)                                                 \
    do {                                                                      \
        if (!(expr))                                                          \
            ck_abort_msg(__VA_ARGS__);                                        \
    } while (0)

#endif
