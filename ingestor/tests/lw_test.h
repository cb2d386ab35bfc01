/*
 * lw_test.h - a tiny test runner for the ingestor's unit tests (no framework).
 *
 * Each tests/test_*.c is its own program: define tests with LW_TEST(name), list them in main()
 * with LW_RUN(name), and end with LW_TEST_END(). CHECK* record a pass or a failure (with file and
 * line) and carry on. The last line printed is "RESULT passed=N failed=M", which the Makefile
 * adds up into "ingestor unit: N passed, M failed".
 */
#ifndef LW_TEST_H
#define LW_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int	lw_t_pass = 0;
static int	lw_t_fail = 0;
static const char *lw_t_current = "";

#define CHECK(cond) \
	do { \
		if (cond) \
			lw_t_pass++; \
		else \
		{ \
			lw_t_fail++; \
			printf("FAIL %s (%s:%d): %s\n", lw_t_current, __FILE__, __LINE__, #cond); \
		} \
	} while (0)

#define CHECK_STR(a, b) \
	do { \
		const char *lw_a_ = (a); \
		const char *lw_b_ = (b); \
		if (lw_a_ && lw_b_ && strcmp(lw_a_, lw_b_) == 0) \
			lw_t_pass++; \
		else \
		{ \
			lw_t_fail++; \
			printf("FAIL %s (%s:%d): %s == %s (\"%s\" vs \"%s\")\n", lw_t_current, __FILE__, \
				   __LINE__, #a, #b, lw_a_ ? lw_a_ : "(null)", lw_b_ ? lw_b_ : "(null)"); \
		} \
	} while (0)

#define CHECK_INT(a, b) \
	do { \
		long long lw_a_ = (long long) (a); \
		long long lw_b_ = (long long) (b); \
		if (lw_a_ == lw_b_) \
			lw_t_pass++; \
		else \
		{ \
			lw_t_fail++; \
			printf("FAIL %s (%s:%d): %s == %s (%lld vs %lld)\n", lw_t_current, __FILE__, \
				   __LINE__, #a, #b, lw_a_, lw_b_); \
		} \
	} while (0)

#define LW_TEST(name) static void test_##name(void)
#define LW_RUN(name) do { lw_t_current = #name; test_##name(); } while (0)
/* A scratch directory /tmp/lw-<name>-XXXXXX for a test program (dir: at least 64 bytes). */
static inline int
lw_test_mkdtemp(char *dir, size_t size, const char *name)
{
	snprintf(dir, size, "/tmp/lw-%s-XXXXXX", name);
	return mkdtemp(dir) ? 0 : -1;
}

/* Remove it and everything in it (a warning, not a failure, if that fails). */
static inline void
lw_test_rmdir(const char *dir)
{
	char		cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("warning: could not remove %s\n", dir);
}

#define LW_TEST_END() \
	do { \
		printf("RESULT passed=%d failed=%d\n", lw_t_pass, lw_t_fail); \
		return lw_t_fail ? 1 : 0; \
	} while (0)

#endif							/* LW_TEST_H */
