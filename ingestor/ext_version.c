/*
 * ext_version.c - refuse a database whose listen_wiseer is not the version this lw-ingest was
 * built for (see ext_version.h).
 */
#include <stdio.h>
#include <string.h>

#include "ext_version.h"
#include "log.h"

/* "1.10" > "1.9": compare dotted versions number by number (non-numbers compare as 0). */
static int
version_cmp(const char *a, const char *b)
{
	while (*a || *b)
	{
		unsigned long x = 0,
					y = 0;

		while (*a >= '0' && *a <= '9')
			x = x * 10 + (unsigned long) (*a++ - '0');
		while (*b >= '0' && *b <= '9')
			y = y * 10 + (unsigned long) (*b++ - '0');
		if (x != y)
			return x < y ? -1 : 1;
		while (*a && (*a < '0' || *a > '9'))
			a++;
		while (*b && (*b < '0' || *b > '9'))
			b++;
	}
	return 0;
}

int
lw_ext_version_check(PGconn *conn, lw_error *err)
{
	PGresult   *r = PQexec(conn, "SELECT extversion FROM pg_catalog.pg_extension"
						   " WHERE extname = 'listen_wiseer'");
	int			code = LW_EXIT_OK;

	if (PQresultStatus(r) != PGRES_TUPLES_OK)
	{
		char		msg[256];

		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(conn));
		msg[strcspn(msg, "\n")] = '\0';
		lw_error_set(err, LW_EXIT_FAILURE, "database: cannot read the extension version: %s", msg);
		code = LW_EXIT_FAILURE;
	}
	else if (PQntuples(r) == 0)
	{
		lw_error_set(err, LW_EXIT_USAGE, "the database has no listen_wiseer extension; this lw-ingest "
					 "needs listen_wiseer %s: run CREATE EXTENSION listen_wiseer", LW_EXTENSION_VERSION);
		code = LW_EXIT_USAGE;
	}
	else
	{
		const char *have = PQgetvalue(r, 0, 0);

		if (strcmp(have, LW_EXTENSION_VERSION) != 0)
		{
			if (version_cmp(have, LW_EXTENSION_VERSION) < 0)
				lw_error_set(err, LW_EXIT_USAGE, "the database has listen_wiseer %s; this lw-ingest needs %s: "
							 "run ALTER EXTENSION listen_wiseer UPDATE", have, LW_EXTENSION_VERSION);
			else
				lw_error_set(err, LW_EXIT_USAGE, "the database has listen_wiseer %s; this lw-ingest needs %s: "
							 "use the lw-ingest built with listen_wiseer %s", have, LW_EXTENSION_VERSION, have);
			code = LW_EXIT_USAGE;
		}
	}
	PQclear(r);
	return code;
}

int
lw_ext_version_require(PGconn *conn)
{
	lw_error	err;
	int			code;

	lw_error_clear(&err);
	code = lw_ext_version_check(conn, &err);
	if (code != LW_EXIT_OK)
		lw_log_error("%s", err.message);
	return code;
}
