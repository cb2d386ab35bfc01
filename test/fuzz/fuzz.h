/*
 * test/fuzz/fuzz.h - what every fuzz target shares: the libFuzzer entry
 * points' prototypes (the targets build with -Wmissing-prototypes) and CHECK,
 * which aborts so that libFuzzer records the input as a crash.
 *
 * A target that links the ingestor defines FUZZ_QUIET_LOGS before including
 * this file: its LLVMFuzzerInitialize then sends the ingestor's log lines to
 * /dev/null, so that a run prints only libFuzzer's own.
 */
#ifndef LW_FUZZ_H
#define LW_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "check failed: %s\n", #cond); abort(); } } while (0)

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int			LLVMFuzzerInitialize(int *argc, char ***argv);

#ifdef FUZZ_QUIET_LOGS
#include "log.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	lw_log_set_stream(fopen("/dev/null", "w"));
	return 0;
}
#endif

#endif
