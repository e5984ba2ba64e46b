/* check.h — the assertions every test suite shares, on top of cmocka's:
 * numbers within a tolerance (absolute, or relative for reference values
 * from PyTorch), and text that contains, lacks or starts with a part. A
 * failure names the file, the line and both values in full. Include after
 * <cmocka.h>. */
#ifndef PARAMLAB_TEST_CHECK_H
#define PARAMLAB_TEST_CHECK_H

#include <math.h>
#include <string.h>

/* |a - b| <= tol (NaN never passes). */
#define assert_near(a, b, tol) check_near_((a), (b), (tol), #a, __FILE__, __LINE__)
/* |a - b| <= rel * max(|b|, floor): a relative bound that does not blow up
 * near zero (NaN never passes). */
#define assert_rel(a, b, rel, floor) check_rel_((a), (b), (rel), (floor), #a, __FILE__, __LINE__)
/* hay contains needle / does not contain it / starts with it. */
#define assert_contains(hay, needle) check_contains_((hay), (needle), __FILE__, __LINE__)
#define assert_lacks(hay, needle) check_lacks_((hay), (needle), __FILE__, __LINE__)
#define assert_prefix(hay, prefix) check_prefix_((hay), (prefix), __FILE__, __LINE__)

static inline void check_near_(double a, double b, double tol, const char *what, const char *file, int line)
{
    if (!(fabs(a - b) <= tol))
        fail_msg("%s:%d: %s = %.17g, expected %.17g (tol %g)", file, line, what, a, b, tol);
}

static inline void check_rel_(double a, double b, double rel, double floor_, const char *what, const char *file,
                              int line)
{
    if (!(fabs(a - b) <= rel * fmax(fabs(b), floor_)))
        fail_msg("%s:%d: %s = %.17g, expected %.17g (relative tol %g)", file, line, what, a, b, rel);
}

static inline void check_contains_(const char *hay, const char *needle, const char *file, int line)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("%s:%d: expected \"%s\" in \"%.3000s\"", file, line, needle, hay ? hay : "(null)");
}

static inline void check_lacks_(const char *hay, const char *needle, const char *file, int line)
{
    if (hay && strstr(hay, needle))
        fail_msg("%s:%d: did not expect \"%s\" in \"%.3000s\"", file, line, needle, hay);
}

static inline void check_prefix_(const char *hay, const char *prefix, const char *file, int line)
{
    if (!hay || strncmp(hay, prefix, strlen(prefix)) != 0)
        fail_msg("%s:%d: \"%.3000s\" does not start with \"%s\"", file, line, hay ? hay : "(null)", prefix);
}

#endif
