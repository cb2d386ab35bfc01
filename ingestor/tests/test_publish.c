/*
 * Unit tests: publish_plan.c (URIs, skips, unchanged, request cuts, description, marker) and
 * spotify_write.c (parsers, status mapping, the write requests on the wire: method, JSON body,
 * no retry of a POST after a 5xx, retries of a PUT).
 */
#include "lw_test.h"
#include "fake_server.h"
#include "api.h"
#include "config.h"
#include "publish_plan.h"
#include "spotify_write.h"
#include "tokenfile.h"
#include "util.h"

#include <stdlib.h>

static char dir[64];

#define A "4uLU6hMCjMI75M1A2tKUQC"
#define B "7ouMYWpwJ422jRcDASZB7P"
#define C "0VjIjW4GlUZAMYd2vXMi3b"

LW_TEST(plan_uris_and_skips)
{
	const char *ids[] = {A, NULL, "catalog:lofi-0001", B, "4uLU6hMCjMI75M1A2tKUQ", "4uLU6hMCjMI75M1A2tKUQC1",
	"4uLU6hMCjMI75M1A2tKU-C", C};
	lw_publish_plan p;

	CHECK_INT(lw_publish_plan_build(ids, 8, NULL, -1, &p), 0);
	CHECK_INT(p.n_uris, 3);
	CHECK_INT(p.skipped, 5);
	CHECK_STR(p.uris[0], "spotify:track:" A);
	CHECK_STR(p.uris[1], "spotify:track:" B);
	CHECK_STR(p.uris[2], "spotify:track:" C);
	CHECK(!p.unchanged);		/* nothing published yet */
	CHECK_INT(p.added, 3);
	CHECK_INT(p.dropped, 0);
	lw_publish_plan_free(&p);
}

LW_TEST(plan_unchanged_and_diff)
{
	const char *ids[] = {A, B, C};
	const char *same[] = {"spotify:track:" A, "spotify:track:" B, "spotify:track:" C};
	const char *order[] = {"spotify:track:" B, "spotify:track:" A, "spotify:track:" C};
	const char *other[] = {"spotify:track:" A, "spotify:track:0000000000000000000000"};
	lw_publish_plan p;

	lw_publish_plan_build(ids, 3, same, 3, &p);
	CHECK(p.unchanged);
	CHECK_INT(p.added + p.dropped, 0);
	lw_publish_plan_free(&p);
	lw_publish_plan_build(ids, 3, order, 3, &p);
	CHECK(!p.unchanged);		/* same set, other order: rank order matters */
	CHECK_INT(p.added + p.dropped, 0);
	lw_publish_plan_free(&p);
	lw_publish_plan_build(ids, 3, other, 2, &p);
	CHECK(!p.unchanged);
	CHECK_INT(p.added, 2);
	CHECK_INT(p.dropped, 1);
	lw_publish_plan_free(&p);
	lw_publish_plan_build(ids, 2, same, 3, &p);	/* a prefix is a change */
	CHECK(!p.unchanged);
	CHECK_INT(p.dropped, 1);
	lw_publish_plan_free(&p);
	lw_publish_plan_build(NULL, 0, NULL, 0, &p);	/* empty answer, empty list published */
	CHECK(p.unchanged);
	lw_publish_plan_free(&p);
}

LW_TEST(request_cuts)
{
	int			f,
				n;

	CHECK_INT(lw_publish_requests(0), 1);	/* PUT [] empties the playlist */
	CHECK_INT(lw_publish_requests(100), 1);
	CHECK_INT(lw_publish_requests(101), 2);
	CHECK_INT(lw_publish_requests(250), 3);
	lw_publish_request_range(250, 0, &f, &n);
	CHECK_INT(f, 0);
	CHECK_INT(n, 100);
	lw_publish_request_range(250, 2, &f, &n);
	CHECK_INT(f, 200);
	CHECK_INT(n, 50);
	lw_publish_request_range(0, 0, &f, &n);
	CHECK_INT(n, 0);
}

LW_TEST(literal_description_marker)
{
	char	   *uris[] = {"spotify:track:" A, "spotify:track:" B};
	char	   *lit = lw_publish_array_literal(uris, 2);
	char		longname[400] = "";
	char	   *d;

	CHECK_STR(lit, "{spotify:track:" A ",spotify:track:" B "}");
	free(lit);
	lit = lw_publish_array_literal(uris, 0);
	CHECK_STR(lit, "{}");
	free(lit);

	d = lw_publish_description("chill", 30, "04d491565d2d", 0);
	CHECK(strstr(d, "chill") != NULL && strstr(d, "30 best") != NULL);
	CHECK(strstr(d, "1970-01-01 00:00 UTC") != NULL);
	CHECK(lw_publish_has_marker(d, "04d491565d2d"));
	CHECK(!lw_publish_has_marker(d, "04d491565d2"));	/* a prefix is not the marker */
	CHECK(!lw_publish_has_marker(d, "14d491565d2d"));
	CHECK(!lw_publish_has_marker(NULL, "04d491565d2d"));
	free(d);
	for (int i = 0; i < 100; i++)
		strcat(longname, "\xc3\xa9");	/* 200 bytes of 'é' */
	d = lw_publish_description(longname, 30, "04d491565d2d", 0);
	CHECK(strlen(d) < 300);
	CHECK(strstr(d, "\xc3\xa9...") != NULL);	/* cut between characters */
	CHECK(lw_publish_has_marker(d, "04d491565d2d"));
	free(d);
}

LW_TEST(parsers)
{
	lw_spw_playlist pl;
	char		snap[64];
	json_t	   *j;

	j = json_loads("{\"id\":\"" A "\",\"owner\":{\"id\":\"anademo\"},\"snapshot_id\":\"AAAAx\"}", 0, NULL);
	CHECK_INT(lw_spw_parse_playlist(j, &pl), 0);
	CHECK_STR(pl.id, A);
	CHECK_STR(pl.owner_id, "anademo");
	CHECK_STR(pl.snapshot_id, "AAAAx");
	json_decref(j);
	j = json_loads("{\"id\":\"" A "\",\"owner\":7,\"snapshot_id\":null}", 0, NULL);
	CHECK_INT(lw_spw_parse_playlist(j, &pl), 0);
	CHECK_STR(pl.owner_id, "");
	CHECK_STR(pl.snapshot_id, "");
	json_decref(j);
	j = json_loads("{\"id\":\"../x\"}", 0, NULL);
	CHECK_INT(lw_spw_parse_playlist(j, &pl), -1);
	json_decref(j);
	CHECK_INT(lw_spw_parse_playlist(NULL, &pl), -1);
	j = json_loads("{\"snapshot_id\":\"AAAAy\"}", 0, NULL);
	CHECK_INT(lw_spw_parse_snapshot(j, snap, sizeof(snap)), 0);
	CHECK_STR(snap, "AAAAy");
	CHECK_INT(lw_spw_parse_snapshot(j, snap, 3), -1);	/* does not fit */
	json_decref(j);
	j = json_loads("{\"snapshot_id\":12}", 0, NULL);
	CHECK_INT(lw_spw_parse_snapshot(j, snap, sizeof(snap)), -1);
	json_decref(j);
}

LW_TEST(status_mapping)
{
	lw_api_result r;

	memset(&r, 0, sizeof(r));
	r.status = LW_API_HTTP_ERROR;
	r.error.http_status = 403;
	snprintf(r.error.message, sizeof(r.error.message), "PUT x: HTTP 403: Insufficient client scope");
	CHECK_INT(lw_spw_status_of(&r, 0), LW_SPW_SCOPE);
	snprintf(r.error.message, sizeof(r.error.message), "PUT x: HTTP 403: You cannot add tracks");
	CHECK_INT(lw_spw_status_of(&r, 0), LW_SPW_FORBIDDEN);
	r.error.http_status = 404;
	CHECK_INT(lw_spw_status_of(&r, 0), LW_SPW_GONE);
	r.error.http_status = 400;
	CHECK_INT(lw_spw_status_of(&r, 1), LW_SPW_FAILED);
	r.status = LW_API_FAILED;
	r.error.http_status = 500;
	CHECK_INT(lw_spw_status_of(&r, 1), LW_SPW_UNKNOWN);	/* a POST: it may have acted */
	CHECK_INT(lw_spw_status_of(&r, 0), LW_SPW_FAILED);	/* a PUT after its retries */
	r.error.http_status = 0;
	CHECK_INT(lw_spw_status_of(&r, 1), LW_SPW_UNKNOWN);	/* no answer */
	r.status = LW_API_RATE_LIMITED;
	CHECK_INT(lw_spw_status_of(&r, 1), LW_SPW_RATE_LIMITED);
	r.status = LW_API_NEEDS_LOGIN;
	CHECK_INT(lw_spw_status_of(&r, 1), LW_SPW_NEEDS_LOGIN);
}

static void
setup(lw_config *c, int port)
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
	c->max_attempts = 3;
	t.access_token = "BQgood";
	t.refresh_token = "AQr";
	t.expires_at = lw_unix_time() + 3600;
	t.scope = "playlist-modify-private";
	t.auth_mode = "pkce";
	t.authorized_at = lw_unix_time();
	lw_tokens_save(c->token_file, &t, &e);
}

LW_TEST(writes_on_the_wire)
{
	fake_server fs;
	lw_config	c;
	lw_api	   *api;
	lw_error	e;
	lw_api_result res;
	lw_spw_playlist pl;
	char	   *uris[] = {"spotify:track:" A, "spotify:track:" B};
	char		snap[64];
	char	   *log;
	char	   *r[5];

	fake_listen(&fs);
	r[0] = fake_reply("201 Created", "Content-Type: application/json\r\n",
					  "{\"id\":\"" C "\",\"owner\":{\"id\":\"anademo\"},\"snapshot_id\":\"S1\"}");
	r[1] = fake_reply("503 Service Unavailable", "", "");
	r[2] = fake_reply("200 OK", "Content-Type: application/json\r\n", "{\"snapshot_id\":\"S2\"}");
	r[3] = fake_reply("500 Internal Server Error", "", "");
	r[4] = fake_reply("201 Created", "Content-Type: application/json\r\n", "{\"snapshot_id\":\"S3\"}");
	fake_serve(&fs, r, 5);
	setup(&c, fs.port);
	lw_error_clear(&e);
	api = lw_api_open(&c, &e);
	CHECK(api != NULL);
	CHECK_STR(lw_api_scope(api), "playlist-modify-private");
	CHECK_INT(lw_spw_create(api, "mix \"x\"", "made by a test", &pl, &res), LW_SPW_OK);
	CHECK_STR(pl.id, C);
	/* PUT: retried after the 503 */
	CHECK_INT(lw_spw_items(api, C, 1, uris, 2, snap, sizeof(snap), &res), LW_SPW_OK);
	CHECK_STR(snap, "S2");
	/* POST: the 500 is returned at once (not repeated) */
	CHECK_INT(lw_spw_items(api, C, 0, uris, 1, snap, sizeof(snap), &res), LW_SPW_UNKNOWN);
	CHECK_INT(lw_api_request_count(api), 4);
	CHECK_INT(lw_spw_items(api, C, 0, uris, 1, snap, sizeof(snap), &res), LW_SPW_OK);
	CHECK_STR(snap, "S3");
	log = fake_log(&fs);
	CHECK_INT(fake_stop(&fs), 5);
	CHECK(strstr(log, "POST /v1/me/playlists HTTP/1.1") != NULL);
	CHECK(strstr(log, "{\"name\":\"mix \\\"x\\\"\",\"public\":false,\"collaborative\":false,"
				 "\"description\":\"made by a test\"}") != NULL);
	CHECK_INT(fake_count(log, "PUT /v1/playlists/" C "/items HTTP/1.1"), 2);
	CHECK_INT(fake_count(log, "POST /v1/playlists/" C "/items HTTP/1.1"), 2);
	CHECK_INT(fake_count(log, "{\"uris\":[\"spotify:track:" A "\",\"spotify:track:" B "\"]}"), 2);
	CHECK_INT(fake_count(log, "Content-Type: application/json"), 5);
	free(log);
	lw_api_close(api);
	fake_free_replies(r, 5);
	lw_config_free(&c);
}

int
main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/lw-pubtest-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 2;
	LW_RUN(plan_uris_and_skips);
	LW_RUN(plan_unchanged_and_diff);
	LW_RUN(request_cuts);
	LW_RUN(literal_description_marker);
	LW_RUN(parsers);
	LW_RUN(status_mapping);
	LW_RUN(writes_on_the_wire);
	{
		char		cmd[100];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			printf("warning: could not remove %s\n", dir);
	}
	LW_TEST_END();
}
