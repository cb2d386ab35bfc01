/*
 * TEST-ONLY module (never installed with the extension): the backend's malloc
 * in-use bytes, a memory measure the allocator's heuristics cannot move.
 *
 * RSS counts pages glibc keeps after free() (heap top below the trim threshold,
 * fragments, a raised mmap threshold); memory contexts miss whatever is
 * malloc'ed outside them.  mallinfo2() counts the bytes handed out and not
 * freed: uordblks (arena chunks in use) + hblkhd (mmapped chunks), over every
 * arena.  A leak anywhere in the process grows it; memory glibc merely keeps
 * does not.  test/interrupts/interrupts.py builds this with PGXS into a
 * temporary directory and loads it by absolute path into its scratch database.
 */
#include "postgres.h"

#include <malloc.h>

#include "fmgr.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(lw_malloc_in_use);
Datum
lw_malloc_in_use(PG_FUNCTION_ARGS)
{
	struct mallinfo2 mi = mallinfo2();

	PG_RETURN_INT64((int64) (mi.uordblks + mi.hblkhd));
}
