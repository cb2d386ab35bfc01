/*
 * fuzz_http.c - HTTP header and URL handling of outside data: Retry-After (http.c), query
 * strings and %-decoding (util.c), the login callback's query (oauth.c), URL redaction and
 * shortening for messages (log.c) and redirect-URI checking (config.c). The input is one
 * string, handed to each.
 *
 * Properties beyond the sanitizers:
 *  - Retry-After is always 1..7 days, and a plain number up to the cap is taken as is;
 *  - decode(encode(decode(s))) == decode(s) (encoding is exact);
 *  - lw_query_get finds a value only for a key it counts;
 *  - a redacted (and shortened) URL never contains a registered secret, at any buffer size;
 *  - a callback accepted by lw_oauth_parse_callback carries exactly one, matching state and a
 *    non-empty code.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "http.h"
#include "log.h"
#include "oauth.h"
#include "util.h"
#define FUZZ_QUIET_LOGS
#include "fuzz.h"

#define SECRET "s3cr3tT0kenValue"
#define STATE "Zm9vYmFyc3RhdGU"
#define NOW ((time_t) 1767225600)	/* 2026-01-01 00:00:00 UTC */
#define CAP (7L * 86400)

static void
check_retry_after(const char *s)
{
	long		ra = lw_parse_retry_after(s, NOW);
	const char *p = s;
	size_t		n;

	CHECK(ra >= 1 && ra <= CAP);
	/* delta-seconds: the trimmed value, if all digits, is taken (capped) */
	while (isspace((unsigned char) *p))
		p++;
	n = strlen(p);
	while (n > 0 && isspace((unsigned char) p[n - 1]))
		n--;
	if (n > 0 && n < 20 && strspn(p, "0123456789") == n)
	{
		long long	v = strtoll(p, NULL, 10);

		CHECK(ra == (v < 1 ? 1 : v > CAP ? CAP : v));
	}
}

static void
check_decode(const char *s, int plus)
{
	char	   *d = lw_url_decode(s, plus);

	if (d)
	{
		char	   *e = lw_url_encode(d);
		char	   *d2 = lw_url_decode(e, plus);

		CHECK(d2 != NULL && strcmp(d, d2) == 0);
		for (const char *c = e; *c; c++)
			CHECK(isalnum((unsigned char) *c) || strchr("-._~%", *c));
		free(e);
		free(d2);
		free(d);
	}
}

static void
check_query(const char *s, const char *key)
{
	int			count = -1;
	char	   *v = lw_query_get(s, key, &count);

	CHECK(count >= 0);
	/* a key whose value is malformed counts but gives no value (util.h) */
	CHECK(v == NULL || count > 0);
	if (v)
		CHECK(strlen(v) < strlen(s) + 1);
	free(v);
}

static void
check_redact(const char *s)
{
	static const size_t sizes[] = {1, 2, 11, 64, 1024, 65536};
	char	   *dst = malloc(65536);

	CHECK(dst != NULL);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
	{
		memset(dst, 'x', sizes[i]);
		lw_redact_url(s, dst, sizes[i]);
		CHECK(memchr(dst, '\0', sizes[i]) != NULL);
		CHECK(strstr(dst, SECRET) == NULL);
	}
	/* as http.c prints it: redacted, then shortened for a one-line message */
	lw_shorten_url(dst, LW_MESSAGE_URL_MAX);
	CHECK(strlen(dst) <= LW_MESSAGE_URL_MAX);
	CHECK(strstr(dst, SECRET) == NULL);
	free(dst);
}

static void
check_callback(const char *s)
{
	char	   *code = NULL;
	lw_error	err;

	lw_error_clear(&err);
	if (lw_oauth_parse_callback(s, STATE, &code, &err) == 0)
	{
		int			n = 0;
		char	   *st = lw_query_get(s, "state", &n);

		CHECK(code != NULL && code[0] != '\0');
		CHECK(n == 1 && st != NULL && strcmp(st, STATE) == 0);
		free(st);
	}
	else
	{
		CHECK(code == NULL);
		CHECK(err.exit_code != LW_EXIT_OK && err.message[0] != '\0');
		CHECK(strstr(err.message, SECRET) == NULL);
	}
	free(code);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *s = malloc(size + 1);
	lw_error	err;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	/* a fresh secret list each time: a parsed code is registered as a secret */
	lw_log_clear_secrets();
	lw_log_add_secret(SECRET);

	check_retry_after(s);
	check_decode(s, 0);
	check_decode(s, 1);
	check_query(s, "code");
	check_query(s, "state");
	check_query(s, "");
	check_redact(s);
	check_callback(s);
	{
		const char *q = strchr(s, '?');

		if (q)
			check_callback(q + 1);	/* a pasted redirect address */
	}
	lw_error_clear(&err);
	if (lw_config_check_redirect_uri(s, &err) == 0)
		CHECK(lw_skip_prefix_ci(s, "http://") || lw_skip_prefix_ci(s, "https://"));
	else
		CHECK(err.exit_code == LW_EXIT_USAGE);
	free(s);
	return 0;
}
