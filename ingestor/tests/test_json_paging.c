/* Unit tests: paging objects, the paging guard and the endpoint walkers (spotify_walk.c), fed by a
 * fake fetch function instead of the network. */
#include "lw_test.h"
#include "spotify_walk.h"

#include <stdlib.h>

#define BASE "http://127.0.0.1:9/v1"

/* ---- a fake server: a table of URL -> (status, body) ---- */
typedef struct fake_page
{
	const char *url;
	long		status;			/* 200, 403, 404, 429 (rate limited), 0 (transport failure) */
	const char *body;
} fake_page;

typedef struct fake
{
	const fake_page *pages;
	int			n;
	int			calls;
	int			relative;		/* requests by path rather than absolute URL */
	char		last[512];
} fake;

static int
fake_fetch(void *ctx, const char *url, json_t **out, lw_api_result *res)
{
	fake	   *f = ctx;
	char		full[512];

	f->calls++;
	snprintf(full, sizeof(full), "%s%s", url[0] == '/' ? BASE : "", url);
	if (url[0] == '/')
		f->relative++;
	snprintf(f->last, sizeof(f->last), "%s", full);
	*out = NULL;
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->pages[i].url, full) == 0)
		{
			res->error.http_status = f->pages[i].status;
			if (f->pages[i].status == 200)
			{
				*out = json_loads(f->pages[i].body, 0, NULL);
				res->status = LW_API_OK;
				return *out ? 0 : -1;
			}
			res->status = f->pages[i].status == 429 ? LW_API_RATE_LIMITED
				: f->pages[i].status == 0 ? LW_API_FAILED : LW_API_HTTP_ERROR;
			snprintf(res->error.message, sizeof(res->error.message), "HTTP %ld", f->pages[i].status);
			return -1;
		}
	res->status = LW_API_HTTP_ERROR;
	res->error.http_status = 404;
	return -1;
}

static void
fake_init(lw_spotify *sp, fake *f, const fake_page *pages, int n, lw_counts *c)
{
	memset(f, 0, sizeof(*f));
	f->pages = pages;
	f->n = n;
	memset(sp, 0, sizeof(*sp));
	sp->api_url = BASE;
	sp->fetch = fake_fetch;
	sp->fetch_ctx = f;
	sp->counts = c;
}

typedef struct collected
{
	int			pages;
	int			items;
	int			tracks;
	char		ids[64][32];
	int			stop_after;		/* stop after this many pages (0 = never) */
} collected;

static int
collect_items(void *ctx, const lw_item *items, int n, long total)
{
	collected  *c = ctx;

	(void) total;
	c->pages++;
	for (int i = 0; i < n; i++)
	{
		c->items++;
		if (items[i].kind == LW_ITEM_TRACK && c->tracks < 64)
			snprintf(c->ids[c->tracks++], 32, "%s", items[i].track.id);
	}
	return c->stop_after && c->pages >= c->stop_after ? 1 : 0;
}

static int
collect_playlists(void *ctx, const lw_playlist *pl, int n, long total)
{
	collected  *c = ctx;

	(void) total;
	c->pages++;
	for (int i = 0; i < n && c->items < 64; i++)
		snprintf(c->ids[c->items++], 32, "%s", pl[i].id);
	return 0;
}

#define TRACK(id) "{\"track\": {\"id\": \"" id "\", \"type\": \"track\", \"name\": \"n\"}}"

LW_TEST(parse_page)
{
	lw_page		pg;
	json_t	   *j = json_loads("{\"href\": \"x\", \"items\": [1, 2], \"limit\": 50, \"next\": null,"
							   " \"offset\": 0, \"previous\": null, \"total\": 2}", 0, NULL);

	CHECK_INT(lw_sp_parse_page(j, &pg), 0);
	CHECK_INT(json_array_size(pg.items), 2);
	CHECK_INT(pg.total, 2);
	CHECK_INT(pg.limit, 50);
	CHECK_INT(pg.offset, 0);
	CHECK(pg.next == NULL);
	json_decref(j);

	/* wrong types: total as a string, limit 0, next a number -> unknown / end */
	j = json_loads("{\"items\": [], \"total\": \"7\", \"limit\": 0, \"next\": 5, \"offset\": -3}", 0, NULL);
	CHECK_INT(lw_sp_parse_page(j, &pg), 0);
	CHECK_INT(pg.total, -1);
	CHECK_INT(pg.limit, -1);
	CHECK_INT(pg.offset, -1);
	CHECK(pg.next == NULL);
	json_decref(j);

	/* not a paging object */
	j = json_loads("{\"items\": {\"total\": 3}}", 0, NULL);
	CHECK_INT(lw_sp_parse_page(j, &pg), -1);
	json_decref(j);
	j = json_loads("[1, 2]", 0, NULL);
	CHECK_INT(lw_sp_parse_page(j, &pg), -1);
	json_decref(j);
	CHECK_INT(lw_sp_parse_page(NULL, &pg), -1);
}

LW_TEST(pager_rules)
{
	lw_pager	p;
	lw_page		pg;
	char	   *next;

	/* total 120, limit 50: cap = ceil(120/50)+1 = 4 pages */
	lw_pager_init(&p, BASE);
	memset(&pg, 0, sizeof(pg));
	pg.total = 120;
	pg.limit = 50;
	pg.offset = 0;
	pg.next = BASE "/me/tracks?offset=50&limit=50";
	CHECK_INT(lw_pager_next(&p, BASE "/me/tracks?limit=50", &pg, &next), 1);
	CHECK_STR(next, BASE "/me/tracks?offset=50&limit=50");
	CHECK_INT(p.max_pages, 4);
	free(next);

	/* next repeats the current URL */
	pg.offset = 50;
	CHECK_INT(lw_pager_next(&p, BASE "/me/tracks?offset=50&limit=50", &pg, &next), -1);
	CHECK(next == NULL);
	CHECK(strstr(p.why, "repeats") != NULL);

	/* outside the configured base: another host, and a prefix trick */
	lw_pager_init(&p, BASE);
	pg.offset = 0;
	pg.next = "http://evil.example/v1/me/tracks?offset=50";
	CHECK_INT(lw_pager_next(&p, "u", &pg, &next), -1);
	CHECK(strstr(p.why, "outside") != NULL);
	lw_pager_init(&p, BASE);
	pg.next = BASE "evil/me/tracks";
	CHECK_INT(lw_pager_next(&p, "u", &pg, &next), -1);

	/* offsets must advance */
	lw_pager_init(&p, BASE);
	pg.next = BASE "/a?offset=50";
	pg.offset = 0;
	CHECK_INT(lw_pager_next(&p, "u0", &pg, &next), 1);
	free(next);
	pg.offset = 0;
	pg.next = BASE "/a?offset=100";
	CHECK_INT(lw_pager_next(&p, "u1", &pg, &next), -1);
	CHECK(strstr(p.why, "advance") != NULL);

	/* the cap: total 10, limit 5 -> at most 3 pages */
	lw_pager_init(&p, BASE);
	pg.total = 10;
	pg.limit = 5;
	for (int i = 0; i < 2; i++)
	{
		char		url[64];

		pg.offset = i * 5;
		snprintf(url, sizeof(url), "u%d", i);
		pg.next = BASE "/x?offset=next";
		CHECK_INT(lw_pager_next(&p, url, &pg, &next), 1);
		free(next);
	}
	pg.offset = 10;
	CHECK_INT(lw_pager_next(&p, "u2", &pg, &next), -1);
	CHECK(strstr(p.why, "pages") != NULL);

	/* end of paging */
	lw_pager_init(&p, BASE);
	pg.next = NULL;
	pg.offset = 0;
	CHECK_INT(lw_pager_next(&p, "u", &pg, &next), 0);
}

LW_TEST(walk_follows_next)
{
	static const fake_page pages[] = {
		{BASE "/playlists/P1/items?limit=50&additional_types=track,episode", 200,
		 "{\"items\": [" TRACK("a1") ", " TRACK("a2") "], \"total\": 3, \"limit\": 2, \"offset\": 0,"
		 " \"next\": \"" BASE "/playlists/P1/items?offset=2&limit=2\"}"},
		{BASE "/playlists/P1/items?offset=2&limit=2", 200,
		 "{\"items\": [" TRACK("a3") "], \"total\": 3, \"limit\": 2, \"offset\": 2, \"next\": null}"},
	};
	lw_spotify	sp;
	fake		f;
	lw_counts	c = {0};
	collected	col = {0};
	lw_error	e;

	fake_init(&sp, &f, pages, 2, &c);
	CHECK_INT(lw_sp_playlist_items(&sp, "P1", collect_items, &col, &e), LW_SP_OK);
	CHECK_INT(f.calls, 2);
	CHECK_INT(col.pages, 2);
	CHECK_INT(col.tracks, 3);
	CHECK_STR(col.ids[2], "a3");
	CHECK_INT(c.pages, 2);
	CHECK_INT(c.requests, 2);

	/* the callback stops the walk */
	memset(&col, 0, sizeof(col));
	col.stop_after = 1;
	fake_init(&sp, &f, pages, 2, &c);
	CHECK_INT(lw_sp_playlist_items(&sp, "P1", collect_items, &col, &e), LW_SP_STOPPED);
	CHECK_INT(f.calls, 1);

	/* invalid playlist id: no request */
	fake_init(&sp, &f, pages, 2, &c);
	CHECK_INT(lw_sp_playlist_items(&sp, "../me", collect_items, &col, &e), LW_SP_FAILED);
	CHECK_INT(f.calls, 0);
}

LW_TEST(walk_refuses_bad_links)
{
	/* a server whose "next" always points back at page 1 */
	static const fake_page loop[] = {
		{BASE "/me/playlists?limit=50", 200,
		 "{\"items\": [{\"id\": \"p1\", \"name\": \"x\"}], \"total\": 1, \"limit\": 50, \"offset\": 0,"
		 " \"next\": \"" BASE "/me/playlists?limit=50\"}"},
	};
	/* a server that never stops (next always new, total small) */
	static const fake_page endless[] = {
		{BASE "/me/tracks?limit=50", 200,
		 "{\"items\": [" TRACK("t1") "], \"total\": 60, \"limit\": 50, \"offset\": 0,"
		 " \"next\": \"" BASE "/me/tracks?offset=50\"}"},
		{BASE "/me/tracks?offset=50", 200,
		 "{\"items\": [" TRACK("t2") "], \"total\": 60, \"limit\": 50, \"offset\": 50,"
		 " \"next\": \"" BASE "/me/tracks?offset=100\"}"},
		{BASE "/me/tracks?offset=100", 200,
		 "{\"items\": [" TRACK("t3") "], \"total\": 60, \"limit\": 50, \"offset\": 100,"
		 " \"next\": \"" BASE "/me/tracks?offset=150\"}"},
		{BASE "/me/tracks?offset=150", 200,
		 "{\"items\": [" TRACK("t4") "], \"total\": 60, \"limit\": 50, \"offset\": 150,"
		 " \"next\": null}"},
	};
	/* next leaves the API */
	static const fake_page away[] = {
		{BASE "/me/tracks?limit=50", 200,
		 "{\"items\": [], \"total\": 100, \"limit\": 50, \"offset\": 0,"
		 " \"next\": \"https://attacker.example/v1/me/tracks?offset=50\"}"},
	};
	lw_spotify	sp;
	fake		f;
	lw_counts	c = {0};
	collected	col = {0};
	lw_error	e;

	fake_init(&sp, &f, loop, 1, &c);
	CHECK_INT(lw_sp_playlists(&sp, collect_playlists, &col, &e), LW_SP_BAD_PAGING);
	CHECK_INT(f.calls, 1);
	CHECK_INT(col.items, 1);

	memset(&col, 0, sizeof(col));
	fake_init(&sp, &f, endless, 4, &c);
	CHECK_INT(lw_sp_liked(&sp, collect_items, &col, &e), LW_SP_BAD_PAGING);
	CHECK_INT(f.calls, 3);		/* ceil(60/50)+1 = 3 pages at most */
	CHECK_INT(col.tracks, 3);

	memset(&col, 0, sizeof(col));
	fake_init(&sp, &f, away, 1, &c);
	CHECK_INT(lw_sp_liked(&sp, collect_items, &col, &e), LW_SP_BAD_PAGING);
	CHECK_INT(f.calls, 1);
	CHECK(strstr(e.message, "outside") != NULL);
}

LW_TEST(walk_statuses)
{
	static const fake_page pages[] = {
		{BASE "/playlists/F1/items?limit=50&additional_types=track,episode", 403, NULL},
		{BASE "/playlists/R1/items?limit=50&additional_types=track,episode", 429, NULL},
		{BASE "/playlists/N1/items?limit=50&additional_types=track,episode", 0, NULL},
		{BASE "/playlists/J1/items?limit=50&additional_types=track,episode", 200, "{\"error\": 1}"},
	};
	lw_spotify	sp;
	fake		f;
	collected	col = {0};
	lw_error	e;

	fake_init(&sp, &f, pages, 4, NULL);
	CHECK_INT(lw_sp_playlist_items(&sp, "F1", collect_items, &col, &e), LW_SP_UNAVAILABLE);
	CHECK_INT(e.http_status, 403);
	CHECK_INT(lw_sp_playlist_items(&sp, "Z9", collect_items, &col, &e), LW_SP_UNAVAILABLE);
	CHECK_INT(e.http_status, 404);
	CHECK_INT(e.exit_code, LW_EXIT_FAILURE);
	CHECK_INT(lw_sp_playlist_items(&sp, "R1", collect_items, &col, &e), LW_SP_RATE_LIMITED);
	CHECK_INT(e.exit_code, LW_EXIT_PARTIAL);
	CHECK_INT(lw_sp_playlist_items(&sp, "N1", collect_items, &col, &e), LW_SP_FAILED);
	CHECK_INT(lw_sp_playlist_items(&sp, "J1", collect_items, &col, &e), LW_SP_FAILED);
	CHECK(strstr(e.message, "paging") != NULL);
	CHECK_INT(col.pages, 0);
}

int
main(void)
{
	LW_RUN(parse_page);
	LW_RUN(pager_rules);
	LW_RUN(walk_follows_next);
	LW_RUN(walk_refuses_bad_links);
	LW_RUN(walk_statuses);
	LW_TEST_END();
}
