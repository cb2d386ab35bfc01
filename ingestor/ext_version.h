/*
 * ext_version.h - the listen_wiseer extension version this lw-ingest writes for, and the check
 * made right after connecting, so that a database on another version is refused with a clear
 * message (exit 2) instead of failing later on a missing column.
 */
#ifndef LW_EXT_VERSION_H
#define LW_EXT_VERSION_H

#include <libpq-fe.h>

#include "exitcodes.h"

/* Must equal default_version in listen_wiseer.control (test/e2e/test_version_check.py checks). */
#define LW_EXTENSION_VERSION "1.1"

/*
 * One query on pg_extension.  Returns LW_EXIT_OK when the database has listen_wiseer
 * LW_EXTENSION_VERSION; LW_EXIT_USAGE when the extension is missing or on another version
 * (err says what to run); LW_EXIT_FAILURE when the query itself failed.
 */
int			lw_ext_version_check(PGconn *conn, lw_error *err);

/* The check as every command makes it first: logs what is wrong; returns the exit code. */
int			lw_ext_version_require(PGconn *conn);

#endif
