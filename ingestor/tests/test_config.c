/* Unit tests: config.c (redirect URI rules, flag-over-env precedence, defaults, validation). */
#include "lw_test.h"
#include "config.h"
#include "log.h"

#include <stdlib.h>

static int
redirect_ok(const char *uri)
{
	lw_error	e;

	lw_error_clear(&e);
	return lw_config_check_redirect_uri(uri, &e) == 0;
}

LW_TEST(redirect_uris)
{
	lw_error	e;

	CHECK(redirect_ok("http://127.0.0.1:8888/callback"));
	CHECK(redirect_ok("http://[::1]:8888/callback"));
	CHECK(redirect_ok("http://127.0.0.1:43123/"));
	CHECK(redirect_ok("https://example.org/spotify/callback"));
	CHECK(redirect_ok("https://example.org:8443/cb"));

	/* localhost is refused with a message naming the date and the fix */
	lw_error_clear(&e);
	CHECK(lw_config_check_redirect_uri("http://localhost:8888/callback", &e) == -1);
	CHECK_INT(e.exit_code, LW_EXIT_USAGE);
	CHECK(strstr(e.message, "localhost") != NULL);
	CHECK(strstr(e.message, "2025-11-27") != NULL);
	CHECK(strstr(e.message, "127.0.0.1") != NULL);
	CHECK(!redirect_ok("http://LOCALHOST:8888/callback"));
	CHECK(!redirect_ok("https://localhost/callback"));

	CHECK(!redirect_ok("http://example.org/callback"));	/* http only on loopback */
	CHECK(!redirect_ok("http://127.0.0.1/callback"));	/* the listener needs a port */
	CHECK(!redirect_ok("http://127.0.0.1:0/callback"));
	CHECK(!redirect_ok("http://127.0.0.1:70000/callback"));
	CHECK(!redirect_ok("http://127.0.0.1:88x/callback"));
	CHECK(!redirect_ok("ftp://127.0.0.1:21/x"));
	CHECK(!redirect_ok("127.0.0.1:8888/callback"));
	CHECK(!redirect_ok("http://127.0.0.1:8888/cb#frag"));
	CHECK(!redirect_ok("http://user@127.0.0.1:8888/cb"));
	CHECK(!redirect_ok(""));
	CHECK(!redirect_ok(NULL));
}

static void
clear_env(void)
{
	const char *vars[] = {"SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_REFRESH_TOKEN",
		"SPOTIFY_API_URL", "SPOTIFY_ACCOUNTS_URL", "SPOTIFY_REDIRECT_URI", "LW_TOKEN_FILE",
		"LW_BUDGET", "LW_BACKOFF_MS", "LW_MAX_ATTEMPTS", "LW_PACE_MS", "LW_CONNECT_TIMEOUT",
	"LW_REQUEST_TIMEOUT", NULL};

	for (int i = 0; vars[i]; i++)
		unsetenv(vars[i]);
}

LW_TEST(defaults)
{
	lw_config	c;
	lw_error	e;

	clear_env();
	setenv("HOME", "/home/ana", 1);
	unsetenv("XDG_CONFIG_HOME");
	lw_error_clear(&e);
	lw_config_defaults(&c);
	CHECK(lw_config_from_env(&c, &e) == 0);
	CHECK(lw_config_finish(&c, 0, &e) == 0);
	CHECK_STR(c.api_url, "https://api.spotify.com/v1");
	CHECK_STR(c.accounts_url, "https://accounts.spotify.com");
	CHECK_STR(c.redirect_uri, "http://127.0.0.1:8888/callback");
	CHECK_STR(c.token_file, "/home/ana/.config/listen-wiseer/token.json");
	CHECK_INT(c.budget_seconds, 120);
	CHECK_INT(c.max_attempts, 4);
	CHECK_INT(c.backoff_ms, 1000);
	CHECK_INT(c.pace_ms, 250);
	CHECK_INT(c.login_timeout, 300);
	CHECK(c.client_secret == NULL && c.dbname == NULL && c.refresh_token_env == NULL);
	lw_config_free(&c);

	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	lw_config_defaults(&c);
	CHECK(lw_config_from_env(&c, &e) == 0);
	CHECK(lw_config_finish(&c, 0, &e) == 0);
	CHECK_STR(c.token_file, "/xdg/listen-wiseer/token.json");
	lw_config_free(&c);
	unsetenv("XDG_CONFIG_HOME");

	/* sync/login need a client id */
	lw_config_defaults(&c);
	CHECK(lw_config_from_env(&c, &e) == 0);
	CHECK(lw_config_finish(&c, 1, &e) == -1);
	CHECK_INT(e.exit_code, LW_EXIT_USAGE);
	CHECK(strstr(e.message, "SPOTIFY_CLIENT_ID") != NULL);
	lw_config_free(&c);
}

LW_TEST(flag_over_env)
{
	lw_config	c;
	lw_error	e;

	clear_env();
	setenv("SPOTIFY_API_URL", "http://127.0.0.1:9/env/v1/", 1);
	setenv("SPOTIFY_ACCOUNTS_URL", "http://127.0.0.1:9", 1);
	setenv("SPOTIFY_CLIENT_ID", "env-client", 1);
	setenv("LW_TOKEN_FILE", "/env/token.json", 1);
	setenv("LW_BUDGET", "30", 1);
	setenv("LW_BACKOFF_MS", "5", 1);
	lw_error_clear(&e);
	lw_config_defaults(&c);
	CHECK(lw_config_from_env(&c, &e) == 0);
	CHECK_STR(c.api_url, "http://127.0.0.1:9/env/v1/");
	CHECK_INT(c.budget_seconds, 30);
	CHECK_INT(c.backoff_ms, 5);
	CHECK_INT(lw_config_apply_flag(&c, "--api-url", "http://127.0.0.1:7/flag/v1", &e), 0);
	CHECK_INT(lw_config_apply_flag(&c, "--token-file", "/flag/t.json", &e), 0);
	CHECK_INT(lw_config_apply_flag(&c, "--budget", "7", &e), 0);
	CHECK_INT(lw_config_apply_flag(&c, "--verbose", NULL, &e), 0);
	CHECK_INT(lw_config_apply_flag(&c, "--source", "x", &e), 1);	/* not a config flag */
	CHECK_INT(lw_config_apply_flag(&c, "--budget", "lots", &e), -1);
	CHECK_INT(e.exit_code, LW_EXIT_USAGE);
	CHECK(lw_config_finish(&c, 1, &e) == 0);
	CHECK_STR(c.api_url, "http://127.0.0.1:7/flag/v1");
	CHECK_STR(c.accounts_url, "http://127.0.0.1:9");	/* env kept where no flag */
	CHECK_STR(c.client_id, "env-client");
	CHECK_STR(c.token_file, "/flag/t.json");
	CHECK_INT(c.budget_seconds, 7);
	CHECK_INT(c.verbose, 1);
	lw_config_free(&c);

	/* trailing slash stripped by finish */
	lw_config_defaults(&c);
	CHECK(lw_config_from_env(&c, &e) == 0);
	CHECK(lw_config_finish(&c, 0, &e) == 0);
	CHECK_STR(c.api_url, "http://127.0.0.1:9/env/v1");
	lw_config_free(&c);
	clear_env();
}

LW_TEST(validation)
{
	lw_config	c;
	lw_error	e;

	clear_env();
	lw_error_clear(&e);

	setenv("LW_BUDGET", "-1", 1);
	lw_config_defaults(&c);
	CHECK(lw_config_from_env(&c, &e) == -1);
	CHECK(strstr(e.message, "LW_BUDGET") != NULL);
	lw_config_free(&c);
	unsetenv("LW_BUDGET");

	/* plain http only on loopback; base URLs must be http(s) */
	lw_config_defaults(&c);
	lw_config_set(&c.api_url, "http://api.example.org/v1");
	CHECK(lw_config_finish(&c, 0, &e) == -1);
	CHECK(strstr(e.message, "https") != NULL);
	lw_config_set(&c.api_url, "file:///etc/passwd");
	CHECK(lw_config_finish(&c, 0, &e) == -1);
	lw_config_set(&c.api_url, "https://api.example.org/v1?x=1");
	CHECK(lw_config_finish(&c, 0, &e) == -1);
	lw_config_set(&c.api_url, "https://api.example.org/v1");
	lw_config_set(&c.redirect_uri, "http://localhost:8888/callback");
	CHECK(lw_config_finish(&c, 0, &e) == -1);
	CHECK(strstr(e.message, "localhost") != NULL);
	lw_config_free(&c);

	/* secrets from the environment are registered for redaction */
	setenv("SPOTIFY_CLIENT_SECRET", "s3cr3t-client-secret", 1);
	lw_config_defaults(&c);
	CHECK(lw_config_from_env(&c, &e) == 0);
	CHECK_STR(c.client_secret, "s3cr3t-client-secret");
	{
		char		out[128];

		lw_redact("secret=s3cr3t-client-secret!", out, sizeof(out));
		CHECK_STR(out, "secret=[REDACTED]!");
	}
	lw_config_free(&c);
	clear_env();
}

int
main(void)
{
	LW_RUN(redirect_uris);
	LW_RUN(defaults);
	LW_RUN(flag_over_env);
	LW_RUN(validation);
	LW_TEST_END();
}
