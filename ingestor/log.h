/*
 * log.h - one line per message on stderr, with secrets redacted.
 *
 * Every line is "lw-ingest: LEVEL: text". debug lines appear only with --verbose (lw_log_init(1)).
 * Any string registered with lw_log_add_secret() is replaced by "[REDACTED]" in every line written
 * by these functions and by lw_error_set(), so a token cannot leak even through an error message
 * that quotes a server response.
 */
#ifndef LW_LOG_H
#define LW_LOG_H

#include <stddef.h>

void		lw_log_init(int verbose);
int			lw_log_verbose(void);

void		lw_log_error(const char *fmt,...) __attribute__((format(printf, 1, 2)));
void		lw_log_warn(const char *fmt,...) __attribute__((format(printf, 1, 2)));
void		lw_log_info(const char *fmt,...) __attribute__((format(printf, 1, 2)));
void		lw_log_debug(const char *fmt,...) __attribute__((format(printf, 1, 2)));

/* Register a secret (copied; strings shorter than 4 chars are ignored). NULL is a no-op. */
void		lw_log_add_secret(const char *secret);

/* Forget every registered secret (tests). */
void		lw_log_clear_secrets(void);

/*
 * Copy src into dst (size dstsz, always NUL-terminated) with every registered secret replaced by
 * "[REDACTED]". Returns dst.
 */
char	   *lw_redact(const char *src, char *dst, size_t dstsz);

/*
 * Copy a URL with the values of sensitive query parameters (code, state, access_token,
 * refresh_token, client_secret, code_verifier, token) replaced by "[REDACTED]", then apply
 * lw_redact(). Returns dst.
 */
char	   *lw_redact_url(const char *url, char *dst, size_t dstsz);

/*
 * For one-line messages: cut a (redacted) URL longer than max characters to its first max - 3
 * followed by "...", in place, so the reason printed after it still fits (a batch request
 * carries up to 100 ids). Returns url.
 */
#define LW_MESSAGE_URL_MAX 160
char	   *lw_shorten_url(char *url, size_t max);

/* For tests: send log lines to this stream instead of stderr (NULL restores stderr). */
#include <stdio.h>
void		lw_log_set_stream(FILE *stream);

#endif							/* LW_LOG_H */
