/*
 * Unit tests: oauth.c (PKCE, state, authorize URL, callback parsing, grants, refresh). The
 * login listener is tested in test_callback_server.c.
 */
#include "lw_test.h"
#include "fake_server.h"
#include "config.h"
#include "log.h"
#include "oauth.h"
#include "util.h"

#include <sys/stat.h>

static char dir[64];

LW_TEST(pkce_rfc7636_vector)
{
	/*
	 * RFC 7636 appendix B: the 32 random octets, their base64url verifier, and its S256
	 * challenge (checked independently with Python's hashlib before writing this test).
	 */
	const unsigned char octets[32] = {
		116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186,
		22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121
	};
	char		verifier[64];
	char		ch[44];

	lw_base64url_encode(octets, sizeof(octets), verifier);
	CHECK_STR(verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
	lw_pkce_challenge(verifier, ch);
	CHECK_STR(ch, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

static int
only_verifier_chars(const char *s)
{
	for (; *s; s++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~", *s))
			return 0;
	return 1;
}

LW_TEST(pkce_generate)
{
	lw_pkce		a,
				b;
	char		ch[44];
	const int	lens[] = {43, 64, 128};

	for (int i = 0; i < 3; i++)
	{
		CHECK_INT(lw_pkce_generate(&a, lens[i]), 0);
		CHECK_INT(strlen(a.verifier), lens[i]);
		CHECK(only_verifier_chars(a.verifier));
		CHECK_INT(strlen(a.challenge), 43);
		CHECK(strchr(a.challenge, '=') == NULL);
		lw_pkce_challenge(a.verifier, ch);
		CHECK_STR(a.challenge, ch);
	}
	CHECK_INT(lw_pkce_generate(&a, 128), 0);
	CHECK_INT(lw_pkce_generate(&b, 128), 0);
	CHECK(strcmp(a.verifier, b.verifier) != 0);
	CHECK_INT(lw_pkce_generate(&a, 42), -1);
	CHECK_INT(lw_pkce_generate(&a, 129), -1);
}

LW_TEST(state_and_authorize_url)
{
	char		s1[44],
				s2[44];
	lw_config	c;
	char	   *url;
	const char *q;
	char	   *v;

	CHECK_INT(lw_oauth_new_state(s1), 0);
	CHECK_INT(lw_oauth_new_state(s2), 0);
	CHECK_INT(strlen(s1), 43);
	CHECK(strcmp(s1, s2) != 0);
	CHECK(only_verifier_chars(s1));

	lw_config_defaults(&c);
	lw_config_set(&c.client_id, "my-client");
	url = lw_oauth_authorize_url(&c, s1, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
	CHECK(strncmp(url, "https://accounts.spotify.com/authorize?", 39) == 0);
	q = strchr(url, '?') + 1;
	v = lw_query_get(q, "client_id", NULL);
	CHECK_STR(v, "my-client");
	free(v);
	v = lw_query_get(q, "response_type", NULL);
	CHECK_STR(v, "code");
	free(v);
	v = lw_query_get(q, "redirect_uri", NULL);
	CHECK_STR(v, "http://127.0.0.1:8888/callback");
	free(v);
	v = lw_query_get(q, "state", NULL);
	CHECK_STR(v, s1);
	free(v);
	v = lw_query_get(q, "scope", NULL);
	CHECK_STR(v, "playlist-read-private playlist-read-collaborative user-library-read playlist-modify-private");
	free(v);
	v = lw_query_get(q, "code_challenge_method", NULL);
	CHECK_STR(v, "S256");
	free(v);
	v = lw_query_get(q, "code_challenge", NULL);
	CHECK_STR(v, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
	free(v);
	free(url);
	lw_config_free(&c);
}

LW_TEST(parse_callback)
{
	char	   *code = NULL;
	lw_error	e;

	lw_error_clear(&e);
	CHECK_INT(lw_oauth_parse_callback("code=AQcode1&state=S1", "S1", &code, &e), 0);
	CHECK_STR(code, "AQcode1");
	free(code);

	/* state mismatch: error, no code handed out even though one is present */
	CHECK_INT(lw_oauth_parse_callback("code=AQcode2&state=S1-x", "S1", &code, &e), -1);
	CHECK(code == NULL);
	CHECK(strstr(e.message, "state") != NULL);
	CHECK(strstr(e.message, "AQcode2") == NULL);
	CHECK_INT(lw_oauth_parse_callback("code=AQcode2", "S1", &code, &e), -1);
	CHECK(code == NULL);
	CHECK_INT(lw_oauth_parse_callback("code=AQcode2&state=S1&state=S2", "S1", &code, &e), -1);
	CHECK(code == NULL);

	CHECK_INT(lw_oauth_parse_callback("error=access_denied&state=S1", "S1", &code, &e), -1);
	CHECK(strstr(e.message, "denied") != NULL);
	CHECK_INT(lw_oauth_parse_callback("error=server_error&state=S1", "S1", &code, &e), -1);
	CHECK(strstr(e.message, "server_error") != NULL);
	CHECK_INT(lw_oauth_parse_callback("state=S1", "S1", &code, &e), -1);
	CHECK(strstr(e.message, "no authorization code") != NULL);
	CHECK_INT(lw_oauth_parse_callback("code=&state=S1", "S1", &code, &e), -1);
}

static void
test_config(lw_config *c, int port, int secret)
{
	char		buf[256];

	lw_config_defaults(c);
	snprintf(buf, sizeof(buf), "http://127.0.0.1:%d/v1", port);
	lw_config_set(&c->api_url, buf);
	snprintf(buf, sizeof(buf), "http://127.0.0.1:%d", port);
	lw_config_set(&c->accounts_url, buf);
	lw_config_set(&c->client_id, "cid");
	if (secret)
		lw_config_set(&c->client_secret, "csecret");
	snprintf(buf, sizeof(buf), "%s/tok/token.json", dir);
	lw_config_set(&c->token_file, buf);
	c->backoff_ms = 1;
	c->pace_ms = 0;
}

static lw_http *
test_http(void)
{
	lw_http_opts o = {.connect_timeout = 5,.request_timeout = 10,.max_response_bytes = 1 << 20,
	.backoff_ms = 1,.max_attempts = 2,.pace_ms = 0,.budget_seconds = 10};

	return lw_http_new(&o);
}

LW_TEST(code_exchange_public_client)
{
	fake_server fs;
	lw_config	c;
	lw_http    *h = test_http();
	lw_tokens	t;
	lw_error	e;
	char	   *log;
	char	   *r[1];

	fake_listen(&fs);
	r[0] = fake_reply("200 OK", "Content-Type: application/json\r\n",
					  "{\"access_token\":\"BQnew\",\"token_type\":\"Bearer\",\"scope\":\"a b\","
					  "\"expires_in\":3600,\"refresh_token\":\"AQnew\"}");
	fake_serve(&fs, r, 1);
	test_config(&c, fs.port, 0);
	lw_error_clear(&e);
	CHECK_INT(lw_oauth_exchange_code(h, &c, "AQcode", "verif-1234", &t, &e), 0);
	log = fake_log(&fs);
	fake_stop(&fs);
	CHECK(strstr(log, "POST /api/token HTTP/1.1") != NULL);
	CHECK(strcasestr(log, "Content-Type: application/x-www-form-urlencoded") != NULL);
	CHECK(strstr(log, "grant_type=authorization_code&code=AQcode&redirect_uri=http%3A%2F%2F127.0.0.1"
				 "%3A8888%2Fcallback&client_id=cid&code_verifier=verif-1234") != NULL);
	CHECK(strstr(log, "Authorization:") == NULL);	/* public client: no Basic header */
	CHECK_STR(t.access_token, "BQnew");
	CHECK_STR(t.refresh_token, "AQnew");
	CHECK_STR(t.scope, "a b");
	CHECK(t.expires_at >= lw_unix_time() + 3590 && t.expires_at <= lw_unix_time() + 3600);
	free(log);
	lw_tokens_free(&t);
	fake_free_replies(r, 1);
	lw_http_free(h);
	lw_config_free(&c);
}

LW_TEST(code_exchange_confidential_client)
{
	fake_server fs;
	lw_config	c;
	lw_http    *h = test_http();
	lw_tokens	t;
	lw_error	e;
	char	   *log;
	char	   *r[1];
	char		expect[128];
	char		b64[64];

	fake_listen(&fs);
	r[0] = fake_reply("200 OK", "", "{\"access_token\":\"BQx\",\"expires_in\":60}");
	fake_serve(&fs, r, 1);
	test_config(&c, fs.port, 1);
	lw_error_clear(&e);
	CHECK_INT(lw_oauth_exchange_code(h, &c, "AQcode", "verif-1234", &t, &e), 0);
	log = fake_log(&fs);
	fake_stop(&fs);
	lw_base64_encode((const unsigned char *) "cid:csecret", 11, b64);
	snprintf(expect, sizeof(expect), "Authorization: Basic %s", b64);
	CHECK(strstr(log, expect) != NULL);
	CHECK(strstr(log, "client_id=") == NULL);
	CHECK(strstr(log, "code_verifier=verif-1234") != NULL);
	CHECK(t.refresh_token == NULL);
	free(log);
	lw_tokens_free(&t);
	fake_free_replies(r, 1);
	lw_http_free(h);
	lw_config_free(&c);
}

LW_TEST(grant_errors)
{
	fake_server fs;
	lw_config	c;
	lw_http    *h = test_http();
	lw_tokens	t;
	lw_error	e;
	char	   *r[3];

	fake_listen(&fs);
	r[0] = fake_reply("400 Bad Request", "",
					  "{\"error\":\"invalid_grant\",\"error_description\":\"Refresh token revoked\"}");
	r[1] = fake_reply("400 Bad Request", "",
					  "{\"error\":\"invalid_client\",\"error_description\":\"Invalid client\"}");
	r[2] = fake_reply("400 Bad Request", "", "not json");
	fake_serve(&fs, r, 3);
	test_config(&c, fs.port, 0);
	lw_log_add_secret("AQold-refresh");
	lw_error_clear(&e);
	CHECK_INT(lw_oauth_refresh(h, &c, "AQold-refresh", &t, &e), -1);
	CHECK_INT(e.exit_code, LW_EXIT_NEEDS_LOGIN);
	CHECK(strstr(e.message, "lw-ingest login") != NULL);
	CHECK(strstr(e.message, "Refresh token revoked") != NULL);
	CHECK(strstr(e.message, "AQold-refresh") == NULL);
	CHECK_INT(lw_oauth_refresh(h, &c, "AQold-refresh", &t, &e), -1);
	CHECK_INT(e.exit_code, LW_EXIT_USAGE);
	CHECK(strstr(e.message, "invalid_client") != NULL);
	CHECK_INT(lw_oauth_refresh(h, &c, "AQold-refresh", &t, &e), -1);
	CHECK_INT(e.exit_code, LW_EXIT_FAILURE);
	fake_stop(&fs);
	fake_free_replies(r, 3);
	lw_http_free(h);
	lw_config_free(&c);
}

static void
write_tokens(const lw_config *c, const char *at, const char *rt, int64_t expires_at)
{
	lw_tokens	t = {0};
	lw_error	e;

	t.access_token = (char *) at;
	t.refresh_token = (char *) rt;
	t.expires_at = expires_at;
	t.scope = "s";
	t.auth_mode = "pkce";
	t.authorized_at = 1700000000;
	lw_tokens_save(c->token_file, &t, &e);
}

LW_TEST(refresh_keeps_old_refresh_token)
{
	fake_server fs;
	lw_config	c;
	lw_http    *h = test_http();
	lw_tokens	cur = {0};
	lw_tokens	disk;
	lw_error	e;
	char	   *log;
	char	   *r[1];

	fake_listen(&fs);
	r[0] = fake_reply("200 OK", "", "{\"access_token\":\"BQfresh\",\"expires_in\":3600}");
	fake_serve(&fs, r, 1);
	test_config(&c, fs.port, 0);
	write_tokens(&c, "BQstale", "AQkeep", lw_unix_time() + 30);	/* < 60 s left */
	lw_error_clear(&e);
	CHECK_INT(lw_oauth_ensure_fresh(h, &c, &cur, 0, &e), 0);
	log = fake_log(&fs);
	CHECK_INT(fake_stop(&fs), 1);
	CHECK(strstr(log, "grant_type=refresh_token&refresh_token=AQkeep&client_id=cid") != NULL);
	CHECK_STR(cur.access_token, "BQfresh");
	CHECK_STR(cur.refresh_token, "AQkeep");
	CHECK_INT(cur.authorized_at, 1700000000);
	CHECK_INT(lw_tokens_load(c.token_file, &disk, &e), 0);
	CHECK_STR(disk.access_token, "BQfresh");
	CHECK_STR(disk.refresh_token, "AQkeep");
	CHECK_STR(disk.auth_mode, "pkce");
	CHECK(disk.expires_at > lw_unix_time() + 3000);
	lw_tokens_free(&disk);
	lw_tokens_free(&cur);
	free(log);
	fake_free_replies(r, 1);
	lw_http_free(h);
	lw_config_free(&c);
}

LW_TEST(refresh_saves_rotated_token)
{
	fake_server fs;
	lw_config	c;
	lw_http    *h = test_http();
	lw_tokens	cur = {0};
	lw_tokens	disk;
	lw_error	e;
	char	   *r[1];

	fake_listen(&fs);
	r[0] = fake_reply("200 OK", "",
					  "{\"access_token\":\"BQrot\",\"refresh_token\":\"AQrotated\",\"expires_in\":3600}");
	fake_serve(&fs, r, 1);
	test_config(&c, fs.port, 0);
	write_tokens(&c, "BQvalid", "AQold", lw_unix_time() + 3000);
	/* force (after a 401) with the same access token as on disk: refresh */
	cur.access_token = lw_strdup("BQvalid");
	lw_error_clear(&e);
	CHECK_INT(lw_oauth_ensure_fresh(h, &c, &cur, 1, &e), 0);
	CHECK_INT(fake_stop(&fs), 1);
	CHECK_STR(cur.refresh_token, "AQrotated");
	CHECK_INT(lw_tokens_load(c.token_file, &disk, &e), 0);
	CHECK_STR(disk.refresh_token, "AQrotated");
	CHECK_STR(disk.access_token, "BQrot");
	lw_tokens_free(&disk);
	lw_tokens_free(&cur);
	fake_free_replies(r, 1);
	lw_http_free(h);
	lw_config_free(&c);
}

LW_TEST(no_refresh_when_fresh_or_already_refreshed)
{
	fake_server fs;
	lw_config	c;
	lw_http    *h = test_http();
	lw_tokens	cur = {0};
	lw_error	e;

	fake_listen(&fs);
	fake_serve(&fs, NULL, 0);
	test_config(&c, fs.port, 0);
	write_tokens(&c, "BQgood", "AQr", lw_unix_time() + 3000);
	lw_error_clear(&e);
	CHECK_INT(lw_oauth_ensure_fresh(h, &c, &cur, 0, &e), 0);
	CHECK_STR(cur.access_token, "BQgood");
	/* 401 on an old token, but another process already stored a new one: just use that */
	free(cur.access_token);
	cur.access_token = lw_strdup("BQolder");
	CHECK_INT(lw_oauth_ensure_fresh(h, &c, &cur, 1, &e), 0);
	CHECK_STR(cur.access_token, "BQgood");
	close(fs.lfd);
	CHECK_INT(fake_stop(&fs), 0);
	lw_tokens_free(&cur);

	/* no token file: needs login */
	unlink(c.token_file);
	CHECK_INT(lw_oauth_ensure_fresh(h, &c, &cur, 0, &e), -1);
	CHECK_INT(e.exit_code, LW_EXIT_NEEDS_LOGIN);
	CHECK(strstr(e.message, "lw-ingest login") != NULL);
	lw_http_free(h);
	lw_config_free(&c);
}

LW_TEST(env_refresh_token)
{
	fake_server fs;
	lw_config	c;
	lw_http    *h = test_http();
	lw_tokens	cur = {0};
	lw_error	e;
	char	   *log;
	char	   *r[1];
	struct stat st;

	fake_listen(&fs);
	r[0] = fake_reply("200 OK", "", "{\"access_token\":\"BQenv\",\"expires_in\":3600}");
	fake_serve(&fs, r, 1);
	test_config(&c, fs.port, 0);
	unlink(c.token_file);
	lw_config_set(&c.refresh_token_env, "AQfromenv");
	lw_error_clear(&e);
	CHECK_INT(lw_oauth_ensure_fresh(h, &c, &cur, 0, &e), 0);
	log = fake_log(&fs);
	fake_stop(&fs);
	CHECK(strstr(log, "refresh_token=AQfromenv") != NULL);
	CHECK_STR(cur.access_token, "BQenv");
	CHECK(stat(c.token_file, &st) < 0);	/* nothing written without rotation */
	free(log);
	lw_tokens_free(&cur);
	fake_free_replies(r, 1);
	lw_http_free(h);
	lw_config_free(&c);
}

int
main(void)
{
	if (lw_test_mkdtemp(dir, sizeof(dir), "oauthtest") < 0)
		return 2;
	LW_RUN(pkce_rfc7636_vector);
	LW_RUN(pkce_generate);
	LW_RUN(state_and_authorize_url);
	LW_RUN(parse_callback);
	LW_RUN(code_exchange_public_client);
	LW_RUN(code_exchange_confidential_client);
	LW_RUN(grant_errors);
	LW_RUN(refresh_keeps_old_refresh_token);
	LW_RUN(refresh_saves_rotated_token);
	LW_RUN(no_refresh_when_fresh_or_already_refreshed);
	LW_RUN(env_refresh_token);
	lw_test_rmdir(dir);
	LW_TEST_END();
}
