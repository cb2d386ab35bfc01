/* Unit tests: api.c (401 -> one refresh + one retry, next-URL guard, result mapping). */
#include "lw_test.h"
#include "fake_server.h"
#include "api.h"
#include "config.h"
#include "log.h"
#include "tokenfile.h"
#include "util.h"

static char dir[64];

static void
setup(lw_config *c, int port, const char *at, const char *rt, int64_t expires_at)
{
	char		buf[256];
	lw_tokens	t = {0};
	lw_error	e;

	lw_config_defaults(c);
	snprintf(buf, sizeof(buf), "http://127.0.0.1:%d/v1", port);
	lw_config_set(&c->api_url, buf);
	snprintf(buf, sizeof(buf), "http://127.0.0.1:%d", port);
	lw_config_set(&c->accounts_url, buf);
	lw_config_set(&c->client_id, "cid");
	snprintf(buf, sizeof(buf), "%s/token.json", dir);
	lw_config_set(&c->token_file, buf);
	c->backoff_ms = 1;
	c->pace_ms = 0;
	c->max_attempts = 2;
	c->budget_seconds = 10;
	t.access_token = (char *) at;
	t.refresh_token = (char *) rt;
	t.expires_at = expires_at;
	t.auth_mode = "pkce";
	t.authorized_at = lw_unix_time();
	lw_tokens_save(c->token_file, &t, &e);
}

static char *
json_reply(const char *status, const char *body)
{
	return fake_reply(status, "Content-Type: application/json\r\n", body);
}

LW_TEST(ok_and_paths)
{
	fake_server fs;
	lw_config	c;
	lw_api	   *api;
	lw_error	e;
	lw_api_result res;
	json_t	   *j = NULL;
	char	   *log;
	char		next[128];
	char	   *r[3];

	fake_listen(&fs);
	r[0] = json_reply("200 OK", "{\"id\":\"anademo\"}");
	r[1] = json_reply("200 OK", "{\"items\":[]}");
	r[2] = fake_reply("204 No Content", "", "");
	fake_serve(&fs, r, 3);
	setup(&c, fs.port, "BQgood", "AQr", lw_unix_time() + 3600);
	lw_error_clear(&e);
	api = lw_api_open(&c, &e);
	CHECK(api != NULL);
	CHECK_INT(lw_api_get_json(api, "/me", &j, &res), 0);
	CHECK_INT(res.status, LW_API_OK);
	CHECK_INT(res.error.http_status, 200);
	CHECK_STR(json_string_value(json_object_get(j, "id")), "anademo");
	json_decref(j);
	snprintf(next, sizeof(next), "http://127.0.0.1:%d/v1/me/playlists?offset=50&limit=50", fs.port);
	CHECK_INT(lw_api_get_json(api, next, &j, &res), 0);
	CHECK(json_is_array(json_object_get(j, "items")));
	json_decref(j);
	CHECK_INT(lw_api_get_json(api, "me/tracks", &j, &res), 0);	/* leading slash optional */
	CHECK(j == NULL);			/* 204: no body */
	CHECK_INT(lw_api_request_count(api), 3);
	log = fake_log(&fs);
	fake_stop(&fs);
	CHECK(strstr(log, "GET /v1/me HTTP/1.1") != NULL);
	CHECK(strstr(log, "GET /v1/me/playlists?offset=50&limit=50 HTTP/1.1") != NULL);
	CHECK(strstr(log, "GET /v1/me/tracks HTTP/1.1") != NULL);
	CHECK_INT(fake_count(log, "Authorization: Bearer BQgood"), 3);
	free(log);
	lw_api_close(api);
	fake_free_replies(r, 3);
	lw_config_free(&c);
}

LW_TEST(next_url_guard)
{
	fake_server fs;
	lw_config	c;
	lw_api	   *api;
	lw_error	e;
	lw_api_result res;
	json_t	   *j = NULL;
	char		u[160];

	fake_listen(&fs);
	fake_serve(&fs, NULL, 0);
	setup(&c, fs.port, "BQgood", "AQr", lw_unix_time() + 3600);
	lw_error_clear(&e);
	api = lw_api_open(&c, &e);
	CHECK_INT(lw_api_get_json(api, "https://evil.example.org/v1/me", &j, &res), -1);
	CHECK_INT(res.status, LW_API_CONFIG_ERROR);
	CHECK(strstr(res.error.message, "outside the API URL") != NULL);
	CHECK_INT(lw_api_exit_code(&res), LW_EXIT_USAGE);
	snprintf(u, sizeof(u), "http://127.0.0.1:%d/v1evil/me", fs.port);
	CHECK_INT(lw_api_get_json(api, u, &j, &res), -1);
	CHECK_INT(res.status, LW_API_CONFIG_ERROR);
	snprintf(u, sizeof(u), "http://127.0.0.1:%d/other", fs.port);
	CHECK_INT(lw_api_get_json(api, u, &j, &res), -1);
	CHECK_INT(lw_api_request_count(api), 0);	/* nothing was sent */
	close(fs.lfd);
	CHECK_INT(fake_stop(&fs), 0);
	lw_api_close(api);
	lw_config_free(&c);
}

LW_TEST(refresh_once_on_401)
{
	fake_server fs;
	lw_config	c;
	lw_api	   *api;
	lw_error	e;
	lw_api_result res;
	json_t	   *j = NULL;
	char	   *log;
	char	   *r[3];
	lw_tokens	disk;

	fake_listen(&fs);
	r[0] = json_reply("401 Unauthorized",
					  "{\"error\":{\"status\":401,\"message\":\"The access token expired\"}}");
	r[1] = json_reply("200 OK", "{\"access_token\":\"BQsecond\",\"expires_in\":3600}");
	r[2] = json_reply("200 OK", "{\"ok\":1}");
	fake_serve(&fs, r, 3);
	setup(&c, fs.port, "BQfirst", "AQr", lw_unix_time() + 3600);
	lw_error_clear(&e);
	api = lw_api_open(&c, &e);
	CHECK_INT(lw_api_get_json(api, "/me", &j, &res), 0);
	CHECK_INT(res.status, LW_API_OK);
	json_decref(j);
	log = fake_log(&fs);
	CHECK_INT(fake_stop(&fs), 3);
	CHECK(strstr(log, "Bearer BQfirst") != NULL);
	CHECK(strstr(log, "POST /api/token") != NULL);
	CHECK(strstr(log, "Bearer BQsecond") != NULL);
	CHECK(strstr(log, "Bearer BQsecond") > strstr(log, "POST /api/token"));
	CHECK_INT(lw_api_request_count(api), 2);	/* token request not counted */
	CHECK_INT(lw_tokens_load(c.token_file, &disk, &e), 0);
	CHECK_STR(disk.access_token, "BQsecond");
	CHECK_STR(disk.refresh_token, "AQr");
	lw_tokens_free(&disk);
	free(log);
	lw_api_close(api);
	fake_free_replies(r, 3);
	lw_config_free(&c);
}

LW_TEST(second_401_needs_login)
{
	fake_server fs;
	lw_config	c;
	lw_api	   *api;
	lw_error	e;
	lw_api_result res;
	json_t	   *j = NULL;
	char	   *r[3];

	fake_listen(&fs);
	r[0] = json_reply("401 Unauthorized", "{}");
	r[1] = json_reply("200 OK", "{\"access_token\":\"BQsecond\",\"expires_in\":3600}");
	r[2] = json_reply("401 Unauthorized", "{}");
	fake_serve(&fs, r, 3);
	setup(&c, fs.port, "BQfirst", "AQr", lw_unix_time() + 3600);
	lw_error_clear(&e);
	api = lw_api_open(&c, &e);
	CHECK_INT(lw_api_get_json(api, "/me", &j, &res), -1);
	CHECK_INT(res.status, LW_API_NEEDS_LOGIN);
	CHECK_INT(res.status, LW_API_NEEDS_LOGIN);
	CHECK_INT(res.error.exit_code, LW_EXIT_NEEDS_LOGIN);
	CHECK_INT(res.error.http_status, 401);
	CHECK_INT(lw_api_exit_code(&res), LW_EXIT_NEEDS_LOGIN);
	CHECK(strstr(res.error.message, "lw-ingest login") != NULL);
	CHECK_INT(fake_stop(&fs), 3);	/* exactly one refresh, one retry */
	lw_api_close(api);
	fake_free_replies(r, 3);
	lw_config_free(&c);
}

LW_TEST(refresh_rejected_needs_login)
{
	fake_server fs;
	lw_config	c;
	lw_api	   *api;
	lw_error	e;
	lw_api_result res;
	json_t	   *j = NULL;
	char	   *r[2];

	fake_listen(&fs);
	r[0] = json_reply("401 Unauthorized", "{}");
	r[1] = json_reply("400 Bad Request",
					  "{\"error\":\"invalid_grant\",\"error_description\":\"Refresh token expired\"}");
	fake_serve(&fs, r, 2);
	setup(&c, fs.port, "BQfirst", "AQr", lw_unix_time() + 3600);
	lw_error_clear(&e);
	api = lw_api_open(&c, &e);
	CHECK_INT(lw_api_get_json(api, "/me", &j, &res), -1);
	CHECK_INT(res.status, LW_API_NEEDS_LOGIN);
	CHECK(strstr(res.error.message, "Refresh token expired") != NULL);
	CHECK_INT(fake_stop(&fs), 2);
	lw_api_close(api);
	fake_free_replies(r, 2);
	lw_config_free(&c);
}

LW_TEST(proactive_refresh_on_open)
{
	fake_server fs;
	lw_config	c;
	lw_api	   *api;
	lw_error	e;
	char	   *log;
	char	   *r[1];

	fake_listen(&fs);
	r[0] = json_reply("200 OK", "{\"access_token\":\"BQnew\",\"expires_in\":3600}");
	fake_serve(&fs, r, 1);
	setup(&c, fs.port, "BQold", "AQr", lw_unix_time() + 59);
	lw_error_clear(&e);
	api = lw_api_open(&c, &e);
	CHECK(api != NULL);
	log = fake_log(&fs);
	CHECK_INT(fake_stop(&fs), 1);
	CHECK(strstr(log, "POST /api/token") != NULL);
	free(log);
	lw_api_close(api);
	fake_free_replies(r, 1);
	lw_config_free(&c);

	/* no token file at all */
	setup(&c, 1, "x", "y", 0);
	unlink(c.token_file);
	api = lw_api_open(&c, &e);
	CHECK(api == NULL);
	CHECK_INT(e.exit_code, LW_EXIT_NEEDS_LOGIN);
	lw_config_free(&c);
}

LW_TEST(errors_map_to_results)
{
	fake_server fs;
	lw_config	c;
	lw_api	   *api;
	lw_error	e;
	lw_api_result res;
	json_t	   *j = NULL;
	char	   *r[6];

	fake_listen(&fs);
	r[0] = json_reply("403 Forbidden",
					  "{\"error\":{\"status\":403,\"message\":\"Insufficient client scope\"}}");
	r[1] = fake_reply("404 Not Found", "", "");
	r[2] = json_reply("429 Too Many Requests", "{\"error\":{\"status\":429}}");	/* 1 s wait */
	r[3] = fake_reply("429 Too Many Requests", "Retry-After: 3600\r\n", "");
	r[4] = json_reply("200 OK", "{not json");
	r[5] = json_reply("503 Service Unavailable", "{}");
	fake_serve(&fs, r, 6);
	setup(&c, fs.port, "BQgood", "AQr", lw_unix_time() + 3600);
	c.max_attempts = 1;
	lw_error_clear(&e);
	api = lw_api_open(&c, &e);

	CHECK_INT(lw_api_get_json(api, "/me/tracks", &j, &res), -1);
	CHECK_INT(res.status, LW_API_HTTP_ERROR);
	CHECK_INT(res.error.http_status, 403);
	CHECK(strstr(res.error.message, "Insufficient client scope") != NULL);
	CHECK_INT(lw_api_exit_code(&res), LW_EXIT_FAILURE);

	CHECK_INT(lw_api_get_json(api, "/x", &j, &res), -1);
	CHECK_INT(res.status, LW_API_HTTP_ERROR);
	CHECK_INT(res.error.http_status, 404);

	/* a 1 s wait fits the 10 s budget, then 3600 s does not: partial */
	CHECK_INT(lw_api_get_json(api, "/x", &j, &res), -1);
	CHECK_INT(res.status, LW_API_RATE_LIMITED);
	CHECK_INT(res.status, LW_API_RATE_LIMITED);
	CHECK_INT(lw_api_exit_code(&res), LW_EXIT_PARTIAL);
	CHECK_INT(res.retry_after, 3600);
	CHECK_INT(lw_api_exit_code(&res), LW_EXIT_PARTIAL);
	CHECK(lw_api_budget_left(api) < 9.0);

	CHECK_INT(lw_api_get_json(api, "/x", &j, &res), -1);
	CHECK_INT(res.status, LW_API_FAILED);
	CHECK(strstr(res.error.message, "not valid JSON") != NULL);

	CHECK_INT(lw_api_get_json(api, "/x", &j, &res), -1);
	CHECK_INT(res.status, LW_API_FAILED);
	CHECK_INT(res.error.http_status, 503);
	CHECK(j == NULL);
	CHECK_INT(fake_stop(&fs), 6);
	lw_api_close(api);
	fake_free_replies(r, 6);
	lw_config_free(&c);
}

LW_TEST(client_credentials)
{
	fake_server fs;
	lw_config	c;
	lw_api	   *api;
	lw_error	e;
	lw_api_result res;
	json_t	   *j = NULL;
	char	   *log;
	char	   *r[2];
	char		b64[64];
	char		expect[128];

	fake_listen(&fs);
	r[0] = json_reply("200 OK", "{\"access_token\":\"BQapp\",\"token_type\":\"Bearer\","
					  "\"expires_in\":3600}");
	r[1] = json_reply("200 OK", "{\"artists\":[]}");
	fake_serve(&fs, r, 2);
	setup(&c, fs.port, "BQuser", "AQr", lw_unix_time() + 3600);
	lw_config_set(&c.client_secret, "csecret");
	lw_error_clear(&e);
	api = lw_api_open_app(&c, &e);
	CHECK(api != NULL);
	CHECK_INT(lw_api_get_json(api, "/artists?ids=x", &j, &res), 0);
	json_decref(j);
	log = fake_log(&fs);
	CHECK_INT(fake_stop(&fs), 2);
	lw_base64_encode((const unsigned char *) "cid:csecret", 11, b64);
	snprintf(expect, sizeof(expect), "Authorization: Basic %s", b64);
	CHECK(strstr(log, expect) != NULL);
	CHECK(strstr(log, "grant_type=client_credentials") != NULL);
	CHECK(strstr(log, "Bearer BQapp") != NULL);
	CHECK(strstr(log, "BQuser") == NULL);	/* the user's token file is not touched */
	free(log);
	lw_api_close(api);
	fake_free_replies(r, 2);

	/* without a secret: configuration error, no request */
	lw_config_set(&c.client_secret, NULL);
	api = lw_api_open_app(&c, &e);
	CHECK(api == NULL);
	CHECK_INT(e.exit_code, LW_EXIT_USAGE);
	CHECK(strstr(e.message, "SPOTIFY_CLIENT_SECRET") != NULL);
	lw_config_free(&c);
}

int
main(void)
{
	if (lw_test_mkdtemp(dir, sizeof(dir), "apitest") < 0)
		return 2;
	LW_RUN(ok_and_paths);
	LW_RUN(next_url_guard);
	LW_RUN(refresh_once_on_401);
	LW_RUN(second_401_needs_login);
	LW_RUN(refresh_rejected_needs_login);
	LW_RUN(proactive_refresh_on_open);
	LW_RUN(errors_map_to_results);
	LW_RUN(client_credentials);
	lw_test_rmdir(dir);
	LW_TEST_END();
}
