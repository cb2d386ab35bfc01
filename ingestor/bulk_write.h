/*
 * bulk_write.h - one large write into tables with foreign keys and secondary indexes, done the
 * way PostgreSQL's documentation advises for bulk loads ("Populating a Database"): the tables'
 * foreign keys and non-unique indexes are dropped for the write and re-created after it, in the
 * same transaction, so each key is checked and each index built once for the whole write
 * instead of once per row. docs/design/catalog.md has the measurements.
 *
 * The price is locking: the tables and the tables their keys reference are locked ACCESS
 * EXCLUSIVE until the transaction ends, so readers of them wait. lw_bulk_begin therefore waits
 * at most LW_BULK_LOCK_WAIT for the locks and otherwise declines (the caller writes row by row,
 * as it would without this file). It also declines when the role does not own the tables.
 */
#ifndef LW_BULK_WRITE_H
#define LW_BULK_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

#include "util.h"

/* how long lw_bulk_begin waits for the table locks before it declines */
#define LW_BULK_LOCK_WAIT "5s"

typedef struct lw_bulk
{
	lw_buf		restore;		/* the statements that re-create what was dropped */
	int			dropped;		/* foreign keys and indexes dropped */
} lw_bulk;

/*
 * In the caller's open transaction. tables is a text[] literal of qualified table names, e.g.
 * "{listen_wiseer.track_artists}". Returns 1 when the bulk write is on (the tables locked, their
 * foreign keys and non-unique indexes dropped), 0 when it declined (why says why; the
 * transaction is as before), -1 on a database error (err set; the transaction is aborted).
 */
int			lw_bulk_begin(PGconn *conn, const char *tables, lw_bulk *b, char *why, size_t whysz,
						  char *err, size_t errsz);

/* Re-creates what lw_bulk_begin dropped (the keys are checked now) and frees b. 0 or -1. */
int			lw_bulk_end(PGconn *conn, lw_bulk *b, char *err, size_t errsz);

/* Frees b without re-creating anything (the transaction is being rolled back). */
void		lw_bulk_free(lw_bulk *b);

#endif							/* LW_BULK_WRITE_H */
