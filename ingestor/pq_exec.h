/*
 * pq_exec.h - one SQL statement on a libpq connection, its failure as a message in the caller's
 * buffer: the helpers of the layers that talk to PostgreSQL with a PGconn and an error buffer
 * (catalog_store.c, bulk_write.c). store.c keeps its own, which record into lw_store.
 */
#ifndef LW_PQ_EXEC_H
#define LW_PQ_EXEC_H

#include <stddef.h>

#include <libpq-fe.h>

/* err = "what: message" (trailing newlines and spaces removed; "unknown error" if none) */
void		lw_pq_set_err(char *err, size_t errsz, const char *what, const char *pgmsg);

/*
 * One statement (param = $1, or NULL for the simple protocol, which also runs several
 * statements); its time is a debug line. The result (caller clears), or NULL with err set.
 */
PGresult   *lw_pq_exec(PGconn *conn, const char *what, const char *sql, const char *param,
					   char *err, size_t errsz);

/* The same without a result: 0, or -1 with err set. */
int			lw_pq_run(PGconn *conn, const char *what, const char *sql, const char *param,
					  char *err, size_t errsz);

#endif							/* LW_PQ_EXEC_H */
