/*
 * exitcodes.h - process exit codes of lw-ingest and the error record passed up the layers.
 *
 * The codes are part of the command-line contract (cron mail, scripts); README.md ("lw-ingest")
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
 * An error travelling up from a lower layer: the exit code it should end the run with and one
 * line of text that never contains secrets (tokens, codes, verifiers, client secret).
 */
typedef struct lw_error
{
	int			exit_code;		/* one of LW_EXIT_*; LW_EXIT_OK means "no error" */
	char		message[512];
} lw_error;

/* Set err (may be NULL) to exit_code and a printf-style message; redacts registered secrets. */
void		lw_error_set(lw_error *err, int exit_code, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

/* Reset to "no error". */
void		lw_error_clear(lw_error *err);

#endif							/* LW_EXITCODES_H */
