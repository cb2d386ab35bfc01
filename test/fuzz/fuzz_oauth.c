/*
 * fuzz_oauth.c - answers of the accounts service's token endpoint (lw_oauth_parse_token_response
 * in ingestor/oauth.c: what token_request does with the body of POST /api/token).
 *
 * Input: byte 0 picks the HTTP status (and whether http.c gave up on a 429), the rest is the
 * body. Properties beyond the sanitizers: success exactly for a 200 with a non-empty string
 * access_token; then the lifetime is 1 s .. 366 days and the access token is registered for
 * redaction; a failure has an exit code of the contract and a one-line message without control
 * characters (server text is made printable).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "log.h"
#include "oauth.h"
#define FUZZ_QUIET_LOGS
#include "fuzz.h"

#define NOW ((int64_t) 1767225600)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = {200, 200, 200, 200, 400, 401, 403, 429, 500, 503, 302, 0};
	long		status;
	int			rate_limited;
	lw_tokens	t;
	lw_error	err;
	int			rc;

	if (size < 1)
		return 0;
	status = statuses[(data[0] & 0x7f) % (sizeof(statuses) / sizeof(statuses[0]))];
	rate_limited = status == 429 && (data[0] & 0x80) != 0;
	lw_log_clear_secrets();
	lw_error_clear(&err);
	rc = lw_oauth_parse_token_response(status, (const char *) data + 1, size - 1, rate_limited,
									   7, "refresh token", NOW, &t, &err);
	if (rc == 0)
	{
		json_t	   *root = json_loadb((const char *) data + 1, size - 1, 0, NULL);
		const char *at = json_string_value(json_object_get(root, "access_token"));
		char		red[128];

		CHECK(status == 200);
		CHECK(at != NULL && at[0] != '\0' && strcmp(at, t.access_token) == 0);
		CHECK(t.obtained_at == NOW);
		CHECK(t.expires_at - t.obtained_at >= 1 && t.expires_at - t.obtained_at <= 366 * 86400);
		if (strlen(at) >= 4 && strlen(at) < 100 && strstr(at, "[REDACTED]") == NULL)
		{
			lw_redact(at, red, sizeof(red));
			CHECK(strcmp(red, at) != 0);
		}
		json_decref(root);
	}
	else
	{
		CHECK(rc == -1);
		CHECK(t.access_token == NULL && t.refresh_token == NULL);
		CHECK(err.exit_code == LW_EXIT_FAILURE || err.exit_code == LW_EXIT_USAGE ||
			  err.exit_code == LW_EXIT_NEEDS_LOGIN || err.exit_code == LW_EXIT_PARTIAL);
		CHECK(err.exit_code != LW_EXIT_PARTIAL || rate_limited);
		CHECK(err.message[0] != '\0');
		for (const char *p = err.message; *p; p++)
			CHECK((unsigned char) *p >= 0x20);
	}
	lw_tokens_free(&t);
	return 0;
}
