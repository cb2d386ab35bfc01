/*
 * exitcodes.h - process exit codes of lw-ingest and the error record passed up the layers.
 *
 * The codes are part of the command-line contract (cron mail, scripts); docs/reference.md
 * documents them. Keep them stable.
 */
#ifndef LW_EXITCODES_H
#define LW_EXITCODES_H

#define LW_EXIT_OK          0   /* everything done */
#define LW_EXIT_FAILURE     1   /* transient or unexpected failure (network, server, database); retry later */
#define LW_EXIT_USAGE       2   /* bad command line or configuration (incl. invalid_client); fix and rerun */
#define LW_EXIT_NEEDS_LOGIN 3   /* no usable token or refresh token rejected: run `lw-ingest login` */
#define LW_EXIT_PARTIAL     4   /* run ended early but cleanly (rate limit / quota past the budget); resume later */

/*
 * The one error channel of lw-ingest: every layer (config, token file, HTTP, Web API client,
 * endpoint walkers, store) reports a failure as an lw_error travelling up to the command, which
 * logs the message and exits with the code. The message is one line of text that never contains
 * secrets (tokens, codes, verifiers, client secret). A layer's own verdict (lw_api_status,
 * lw_sp_status) is returned beside it, not inside it.
 */
typedef struct lw_error
{
	int			exit_code;		/* one of LW_EXIT_*; LW_EXIT_OK means "no error" */
	long		http_status;	/* HTTP status behind the error, 0 if none (set by the caller) */
	char		message[512];
} lw_error;

/*
 * Set err (may be NULL) to exit_code and a printf-style message: formatted in full, then
 * registered secrets redacted, then cut to fit (no half secrets). http_status is left alone.
 */
void		lw_error_set(lw_error *err, int exit_code, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

#include <stdarg.h>
void		lw_error_setv(lw_error *err, int exit_code, const char *fmt, va_list ap)
			__attribute__((format(printf, 3, 0)));

/* Reset to "no error" (http_status 0). */
void		lw_error_clear(lw_error *err);

#endif							/* LW_EXITCODES_H */
