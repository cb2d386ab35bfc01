/*
 * pq_exec.c - one SQL statement on a libpq connection (see pq_exec.h).
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "pq_exec.h"
#include "util.h"

void
lw_pq_set_err(char *err, size_t errsz, const char *what, const char *pgmsg)
{
	size_t		n;

	snprintf(err, errsz, "%s: %s", what, pgmsg && *pgmsg ? pgmsg : "unknown error");
	n = strlen(err);
	while (n > 0 && (err[n - 1] == '\n' || err[n - 1] == ' '))
		err[--n] = '\0';
}

PGresult *
lw_pq_exec(PGconn *conn, const char *what, const char *sql, const char *param, char *err,
		   size_t errsz)
{
	const char *params[1] = {param};
	double		t0 = lw_monotonic();
	PGresult   *r = param ? PQexecParams(conn, sql, 1, NULL, params, NULL, NULL, 0)
		: PQexec(conn, sql);
	ExecStatusType s = PQresultStatus(r);

	lw_log_debug("%s: %.2f s", what, lw_monotonic() - t0);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
	{
		const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;

		lw_pq_set_err(err, errsz, what, m ? m : PQerrorMessage(conn));
		PQclear(r);
		return NULL;
	}
	return r;
}

int
lw_pq_run(PGconn *conn, const char *what, const char *sql, const char *param, char *err,
		  size_t errsz)
{
	PGresult   *r = lw_pq_exec(conn, what, sql, param, err, errsz);

	PQclear(r);
	return r ? 0 : -1;
}
