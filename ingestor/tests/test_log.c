/* Unit tests: log.c (redaction of registered secrets and sensitive URL parameters). */
#include "lw_test.h"
#include "exitcodes.h"
#include "log.h"

#include <stdlib.h>

static char captured[8192];

static FILE *
capture(void)
{
	memset(captured, 0, sizeof(captured));
	return fmemopen(captured, sizeof(captured) - 1, "w");
}

LW_TEST(secret_never_logged)
{
	const char *tok = "BQC4mockAccessTokenXyZ1234567890";
	FILE	   *f = capture();

	lw_log_clear_secrets();
	lw_log_add_secret(tok);
	lw_log_set_stream(f);
	lw_log_init(1);
	lw_log_error("token %s rejected", tok);
	lw_log_warn("%s%s", tok, tok);
	lw_log_info("prefix-%s-suffix", tok);
	lw_log_debug("Authorization: Bearer %s", tok);
	/* a secret split across two arguments is joined before redaction */
	lw_log_info("%.10s%s", tok, tok + 10);
	fclose(f);
	lw_log_set_stream(NULL);
	lw_log_init(0);
	CHECK(strstr(captured, tok) == NULL);
	CHECK(strstr(captured, "BQC4mockAc") == NULL);
	CHECK(strstr(captured, "lw-ingest: error: token [REDACTED] rejected\n") != NULL);
	CHECK(strstr(captured, "warning: [REDACTED][REDACTED]\n") != NULL);
	CHECK(strstr(captured, "prefix-[REDACTED]-suffix") != NULL);
	CHECK(strstr(captured, "debug: Authorization: Bearer [REDACTED]") != NULL);
}

LW_TEST(long_line_still_redacted)
{
	/* the secret sits beyond the 2048-byte line limit's cut: it must not leak partially */
	char		big[3000];
	const char *tok = "AQrefreshTOKENsecretValue99";
	FILE	   *f = capture();

	lw_log_add_secret(tok);
	memset(big, 'x', 2040);
	big[2040] = '\0';
	lw_log_set_stream(f);
	lw_log_error("%s%s", big, tok);
	fclose(f);
	lw_log_set_stream(NULL);
	CHECK(strstr(captured, "AQref") == NULL);
	CHECK(strlen(captured) < 2100);
}

LW_TEST(debug_only_when_verbose)
{
	FILE	   *f = capture();

	lw_log_set_stream(f);
	lw_log_init(0);
	lw_log_debug("hidden %d", 1);
	lw_log_info("shown");
	fclose(f);
	lw_log_set_stream(NULL);
	CHECK(strstr(captured, "hidden") == NULL);
	CHECK(strstr(captured, "info: shown") != NULL);
}

LW_TEST(one_line_per_message)
{
	FILE	   *f = capture();

	lw_log_set_stream(f);
	lw_log_error("a\nb\r\nc");
	fclose(f);
	lw_log_set_stream(NULL);
	CHECK_STR(captured, "lw-ingest: error: a b  c\n");
}

LW_TEST(redact_url)
{
	char		out[512];

	lw_redact_url("http://127.0.0.1:8888/callback?code=AQabc&state=xyz&x=1", out, sizeof(out));
	CHECK_STR(out, "http://127.0.0.1:8888/callback?code=[REDACTED]&state=[REDACTED]&x=1");
	lw_redact_url("https://a/b?refresh_token=r&client_secret=s&code_verifier=v&limit=50#frag",
				  out, sizeof(out));
	CHECK_STR(out, "https://a/b?refresh_token=[REDACTED]&client_secret=[REDACTED]"
			  "&code_verifier=[REDACTED]&limit=50");
	lw_redact_url("https://api.spotify.com/v1/me/playlists?offset=50&limit=50", out, sizeof(out));
	CHECK_STR(out, "https://api.spotify.com/v1/me/playlists?offset=50&limit=50");
	/* "scode" or "codex" are not "code" */
	lw_redact_url("https://a/b?scode=1&codex=2", out, sizeof(out));
	CHECK_STR(out, "https://a/b?scode=1&codex=2");
	/* shortened for messages: the reason after a 100-id batch URL must fit */
	CHECK_STR(lw_shorten_url(out, 16), "https://a/b?s...");
	CHECK_STR(lw_shorten_url(out, 16), "https://a/b?s...");
	CHECK_STR(lw_shorten_url(out, 100), "https://a/b?s...");
}

LW_TEST(error_set_redacts)
{
	lw_error	e;

	lw_log_add_secret("verifier-abcdefghijklmnop");
	lw_error_set(&e, LW_EXIT_NEEDS_LOGIN, "server said: %s", "bad verifier-abcdefghijklmnop!");
	CHECK_INT(e.exit_code, LW_EXIT_NEEDS_LOGIN);
	CHECK_STR(e.message, "server said: bad [REDACTED]!");
	lw_error_clear(&e);
	CHECK_INT(e.exit_code, LW_EXIT_OK);
	CHECK_STR(e.message, "");
	/* short strings are not registered (they would redact ordinary words) */
	lw_log_add_secret("abc");
	lw_error_set(&e, 1, "abc");
	CHECK_STR(e.message, "abc");
}

int
main(void)
{
	LW_RUN(secret_never_logged);
	LW_RUN(long_line_still_redacted);
	LW_RUN(debug_only_when_verbose);
	LW_RUN(one_line_per_message);
	LW_RUN(redact_url);
	LW_RUN(error_set_redacts);
	LW_TEST_END();
}
