/*
 * util.h - small helpers with no knowledge of HTTP or Spotify: growable buffer, URL/form
 * encoding, query parsing, base64/base64url, SHA-256, random bytes, clocks.
 */
#ifndef LW_UTIL_H
#define LW_UTIL_H

#include <stddef.h>
#include <stdint.h>

/*
 * The one growable NUL-terminated byte buffer of lw-ingest. Zero-initialise ({0}) before use.
 *
 * Out of memory aborts the process (message on stderr) instead of returning an error: every
 * caller would otherwise have to carry and check a flag (store.c once did, for COPY data, and
 * the flag was easy to drop). Aborting loses nothing: the database rolls back the open
 * transaction when the connection drops, the token file is only ever replaced by rename, and
 * the next run marks the 'running' ingest_runs row failed and resumes.
 */
typedef struct lw_buf
{
	char	   *data;
	size_t		len;
	size_t		cap;
} lw_buf;

void		lw_buf_append(lw_buf *b, const void *data, size_t n);
void		lw_buf_puts(lw_buf *b, const char *s);
void		lw_buf_printf(lw_buf *b, const char *fmt,...) __attribute__((format(printf, 2, 3)));
void		lw_buf_free(lw_buf *b);

/* Memory helpers that abort on out-of-memory; lw_strdup(NULL) == NULL. */
void	   *lw_xmalloc(size_t n);
char	   *lw_strdup(const char *s);

/* Percent-encode everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~). malloc'd. */
char	   *lw_url_encode(const char *s);

/*
 * Decode %XX escapes (and '+' as space when plus_is_space). malloc'd; NULL if an escape is
 * malformed or decodes to a NUL byte.
 */
char	   *lw_url_decode(const char *s, int plus_is_space);
/* The value of one hexadecimal digit, or -1. */
int			lw_hexval(int c);

/* Append "key=value" (both encoded) to a form/query string, with '&' when b is not empty. */
void		lw_form_add(lw_buf *b, const char *key, const char *value);

/*
 * Find key in an application/x-www-form-urlencoded string ("a=1&b=2", no leading '?').
 * Returns the decoded value (malloc'd), "" for "key" without '=', or NULL if absent/malformed.
 * *count (optional) receives how many times the key occurs.
 */
char	   *lw_query_get(const char *query, const char *key, int *count);

/* base64url without padding; out needs 4*ceil(n/3)+1 bytes. Returns chars written. */
size_t		lw_base64url_encode(const unsigned char *in, size_t n, char *out);

/* standard base64 with padding; out needs 4*ceil(n/3)+1 bytes. Returns chars written. */
size_t		lw_base64_encode(const unsigned char *in, size_t n, char *out);

/* SHA-256 (OpenSSL libcrypto). */
void		lw_sha256(const void *data, size_t n, unsigned char out[32]);

/* Cryptographically random bytes (getrandom). Returns 0 or -1. */
int			lw_random_bytes(void *buf, size_t n);

/* Monotonic seconds (for timing and budgets) and wall-clock Unix seconds. */
double		lw_monotonic(void);
int64_t		lw_unix_time(void);

/* Sleep for ms milliseconds (restarts on EINTR). */
void		lw_sleep_ms(long ms);

/* Case-insensitive prefix test; returns the rest of s after the prefix, or NULL. */
const char *lw_skip_prefix_ci(const char *s, const char *prefix);

#endif							/* LW_UTIL_H */
