/*
 * bulk_write.c - foreign keys and secondary indexes checked and built once per large write
 * (see bulk_write.h).
 *
 * Every statement names its schema (the session search_path is pg_catalog only), and the
 * definitions are read back from the catalogs (pg_get_constraintdef, pg_get_indexdef), so what
 * is re-created is exactly what was dropped, whatever version of the extension made it.
 */
#include <stdio.h>
#include <string.h>

#include "bulk_write.h"
#include "log.h"
#include "pq_exec.h"

/* the tables and those their foreign keys reference, each once, in name order */
#define INVOLVED_SQL \
	"SELECT c.oid FROM pg_catalog.pg_class c" \
	" WHERE c.oid = ANY ($1::pg_catalog.regclass[])" \
	"    OR c.oid IN (SELECT k.confrelid FROM pg_catalog.pg_constraint k" \
	"                  WHERE k.conrelid = ANY ($1::pg_catalog.regclass[]) AND k.contype = 'f')"

static const char *const owner_sql =
"SELECT pg_catalog.bool_and(pg_catalog.pg_has_role(c.relowner, 'USAGE')),"
"       pg_catalog.string_agg(c.oid::pg_catalog.regclass::text, ', '"
"                             ORDER BY c.oid::pg_catalog.regclass::text)"
"  FROM pg_catalog.pg_class c WHERE c.oid IN (" INVOLVED_SQL ")";

/* drop statement, re-create statement; indexes are re-created before the keys are checked */
static const char *const definitions_sql =
"SELECT d.drop_sql, d.restore_sql FROM ("
" SELECT pg_catalog.format('DROP INDEX %s', i.indexrelid::pg_catalog.regclass) AS drop_sql,"
"        pg_catalog.pg_get_indexdef(i.indexrelid) AS restore_sql, 1 AS step,"
"        i.indexrelid::pg_catalog.regclass::text AS name"
"   FROM pg_catalog.pg_index i"
"  WHERE i.indrelid = ANY ($1::pg_catalog.regclass[])"
"    AND NOT i.indisunique AND NOT i.indisprimary AND NOT i.indisexclusion"
" UNION ALL"
" SELECT pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT %I', k.conrelid::pg_catalog.regclass,"
"                          k.conname),"
"        pg_catalog.format('ALTER TABLE %s ADD CONSTRAINT %I %s', k.conrelid::pg_catalog.regclass,"
"                          k.conname, pg_catalog.pg_get_constraintdef(k.oid)), 2,"
"        k.conrelid::pg_catalog.regclass::text || '.' || k.conname"
"   FROM pg_catalog.pg_constraint k"
"  WHERE k.conrelid = ANY ($1::pg_catalog.regclass[]) AND k.contype = 'f'"
") d ORDER BY d.step, d.name";

/*
 * The locks, waiting at most LW_BULK_LOCK_WAIT (inside a savepoint, so that a timeout leaves
 * the transaction as it was). 1 = locked, 0 = busy, -1 = error.
 */
static int
lock_tables(PGconn *conn, const char *list, char *err, size_t errsz)
{
	lw_buf		sql = {0};
	PGresult   *r;
	const char *state;
	char		session_wait[64];
	int			rc;

	r = lw_pq_exec(conn, "bulk write", "SELECT pg_catalog.current_setting('lock_timeout')",
				   NULL, err, errsz);
	if (r == NULL)
		return -1;
	snprintf(session_wait, sizeof(session_wait), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	if (lw_pq_run(conn, "bulk write", "SAVEPOINT lw_bulk_write;"
				  "SELECT pg_catalog.set_config('lock_timeout', '" LW_BULK_LOCK_WAIT "', true)",
				  NULL, err, errsz) < 0)
		return -1;
	lw_buf_printf(&sql, "LOCK TABLE %s IN ACCESS EXCLUSIVE MODE", list);
	r = PQexec(conn, sql.data);
	lw_buf_free(&sql);
	if (PQresultStatus(r) == PGRES_COMMAND_OK)
	{
		PQclear(r);
		/* the session's own lock_timeout again, for the rest of the transaction */
		if (lw_pq_run(conn, "bulk write", "RELEASE SAVEPOINT lw_bulk_write", NULL, err, errsz) < 0)
			return -1;
		r = lw_pq_exec(conn, "bulk write",
					   "SELECT pg_catalog.set_config('lock_timeout', $1, true)", session_wait,
					   err, errsz);
		PQclear(r);
		return r ? 1 : -1;
	}
	state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	rc = state && strcmp(state, "55P03") == 0 ? 0 : -1;	/* lock_not_available */
	if (rc < 0)
	{
		const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);

		lw_pq_set_err(err, errsz, "bulk write: lock", m ? m : PQerrorMessage(conn));
	}
	PQclear(r);
	/* (rolling back to the savepoint also restores the lock_timeout) */
	if (rc == 0 && lw_pq_run(conn, "bulk write", "ROLLBACK TO SAVEPOINT lw_bulk_write;"
						 "RELEASE SAVEPOINT lw_bulk_write", NULL, err, errsz) < 0)
		return -1;
	return rc;
}

int
lw_bulk_begin(PGconn *conn, const char *tables, lw_bulk *b, char *why, size_t whysz,
			  char *err, size_t errsz)
{
	PGresult   *r;
	lw_buf		drop = {0};
	bool		owner;
	int			rc;

	memset(b, 0, sizeof(*b));
	r = lw_pq_exec(conn, "bulk write: owner", owner_sql, tables, err, errsz);
	if (r == NULL)
		return -1;
	owner = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	if (!owner)
	{
		snprintf(why, whysz, "the role does not own %s", PQgetvalue(r, 0, 1));
		PQclear(r);
		return 0;
	}
	rc = lock_tables(conn, PQgetvalue(r, 0, 1), err, errsz);
	if (rc == 0)
		snprintf(why, whysz, "%s stayed in use for %s", PQgetvalue(r, 0, 1), LW_BULK_LOCK_WAIT);
	PQclear(r);
	if (rc <= 0)
		return rc;

	r = lw_pq_exec(conn, "bulk write: definitions", definitions_sql, tables, err, errsz);
	if (r == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r); i++)
	{
		lw_buf_printf(&drop, "%s;", PQgetvalue(r, i, 0));
		lw_buf_printf(&b->restore, "%s;", PQgetvalue(r, i, 1));
		b->dropped++;
	}
	PQclear(r);
	rc = b->dropped == 0 ? 0 : lw_pq_run(conn, "bulk write: drop", drop.data, NULL, err, errsz);
	lw_buf_free(&drop);
	if (rc < 0)
	{
		lw_bulk_free(b);
		return -1;
	}
	lw_log_debug("bulk write: %d foreign keys and indexes of %s set aside", b->dropped, tables);
	return 1;
}

int
lw_bulk_end(PGconn *conn, lw_bulk *b, char *err, size_t errsz)
{
	int			rc = b->dropped == 0 ? 0
		: lw_pq_run(conn, "bulk write: re-create", b->restore.data, NULL, err, errsz);

	lw_bulk_free(b);
	return rc;
}

void
lw_bulk_free(lw_bulk *b)
{
	lw_buf_free(&b->restore);
	b->dropped = 0;
}
