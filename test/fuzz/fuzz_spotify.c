/*
 * fuzz_spotify.c - Spotify Web API responses -> records (ingestor/spotify_parse.c, records.c)
 * through the endpoint walkers (spotify_walk.c), after the string repair lw_api_get_json applies
 * to every body (textfix.c).
 *
 * The input is one JSON document. An array is a sequence of responses, answered in order to
 * the requests of one endpoint walker (so a seed can hold page 1, page 2, ... of a paging
 * object); {"_status": N} in that sequence answers the request with HTTP error N instead.
 * Any other document is the one response to every request. Every walker (me, playlists,
 * playlist items, liked songs, artists, single artists, audio features) and every parser is
 * run over it; the callbacks check the records' invariants and read every string, so a record
 * pointing at freed or foreign memory trips ASan. On their second call the callbacks go on,
 * stop or fail, depending on the input size, so the walkers' early exits run too (LeakSanitizer
 * checks they free what they hold).
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "spotify_walk.h"
#include "textfix.h"
#include "fuzz.h"

#define API_URL "http://127.0.0.1:54641/v1"	/* the mock the seeds were taken from */

typedef struct feed
{
	json_t	   *doc;
	size_t		next;			/* next response (array documents) */
	int			calls;
} feed;

static volatile size_t sink;

/* What callbacks answer on their second call: 0 go on, 1 stop, -1 fail (from the input size). */
static int	cb_answer;
static int	cb_calls;

static int
cb_result(void)
{
	return ++cb_calls == 2 ? cb_answer : 0;
}

static void
touch(const char *s)
{
	if (s)
		sink += strlen(s);
}

static void
touch_str(lw_str s)
{
	CHECK(s.st == LW_ABSENT || s.st == LW_NULL || s.st == LW_SET);
	if (s.st == LW_SET)
		CHECK(s.v != NULL);
	if (s.st == LW_SET)
		touch(s.v);
}

static int
fake_fetch(void *ctx, const char *path_or_url, json_t **out, lw_api_result *res)
{
	feed	   *f = ctx;
	json_t	   *r;
	json_t	   *st;

	memset(res, 0, sizeof(*res));
	*out = NULL;
	touch(path_or_url);
	CHECK(path_or_url[0] == '/' || strncmp(path_or_url, API_URL, strlen(API_URL)) == 0);
	if (++f->calls > 200)
	{
		res->status = LW_API_FAILED;
		return -1;
	}
	if (json_is_array(f->doc))
	{
		r = json_array_get(f->doc, f->next++);
		if (r == NULL)
		{
			res->status = LW_API_FAILED;
			snprintf(res->error.message, sizeof(res->error.message), "no more responses");
			return -1;
		}
	}
	else
		r = f->doc;
	st = json_object_get(r, "_status");
	if (json_is_integer(st))
	{
		res->status = LW_API_HTTP_ERROR;
		res->error.http_status = (long) json_integer_value(st);
		return -1;
	}
	if (json_is_null(r))
	{
		res->status = LW_API_OK;	/* 204 / empty body */
		return 0;
	}
	res->status = LW_API_OK;
	res->error.http_status = 200;
	*out = json_incref(r);
	return 0;
}

static void
check_track(const lw_track *t)
{
	CHECK(lw_sp_valid_id(t->id));
	touch_str(t->name);
	touch_str(t->album_id);
	if (t->album_id.st == LW_SET)
		CHECK(lw_sp_valid_id(t->album_id.v));
	touch_str(t->album_name);
	touch_str(t->release_date);
	if (t->release_date.st == LW_SET)
	{
		size_t		n = strlen(t->release_date.v);

		CHECK(n == 4 || n == 7 || n == 10);
	}
	touch_str(t->release_date_precision);
	if (t->duration_ms.st == LW_SET)
		CHECK(t->duration_ms.v >= 0 && t->duration_ms.v <= INT_MAX);
	if (t->popularity.st == LW_SET)
		CHECK(t->popularity.v >= 0 && t->popularity.v <= 100);
	touch_str(t->isrc);
	CHECK(t->n_artists >= 0 && t->n_artists <= LW_MAX_TRACK_ARTISTS);
	for (int i = 0; i < t->n_artists; i++)
	{
		CHECK(lw_sp_valid_id(t->artists[i].id));
		touch(t->artists[i].name);
	}
}

static void
check_item(const lw_item *it)
{
	CHECK(it->kind >= LW_ITEM_TRACK && it->kind <= LW_ITEM_BAD);
	CHECK(it->position >= 0 && it->position <= INT_MAX);
	touch_str(it->added_at);
	if (it->added_at.st == LW_SET)
		CHECK(lw_sp_valid_timestamp(it->added_at.v));
	touch_str(it->added_by);
	if (it->kind == LW_ITEM_TRACK)
		check_track(&it->track);
}

static int
playlists_cb(void *ctx, const lw_playlist *pl, int n, long total)
{
	(void) ctx;
	CHECK(n >= 0 && total >= -1);
	for (int i = 0; i < n; i++)
	{
		CHECK(lw_sp_valid_id(pl[i].id));
		touch_str(pl[i].name);
		touch_str(pl[i].owner_id);
		touch_str(pl[i].owner_name);
		touch_str(pl[i].snapshot_id);
		touch_str(pl[i].description);
		if (pl[i].total_items.st == LW_SET)
			CHECK(pl[i].total_items.v >= 0 && pl[i].total_items.v <= INT_MAX);
	}
	return cb_result();
}

static int
items_cb(void *ctx, const lw_item *items, int n, long total)
{
	(void) ctx;
	CHECK(n >= 0 && total >= -1);
	for (int i = 0; i < n; i++)
		check_item(&items[i]);
	return cb_result();
}

static int
artists_cb(void *ctx, const lw_artist *a, int n)
{
	(void) ctx;
	CHECK(n >= 0);
	for (int i = 0; i < n; i++)
	{
		CHECK(lw_sp_valid_id(a[i].id));
		touch_str(a[i].name);
		CHECK(a[i].n_genres >= 0);
		CHECK(a[i].n_genres == 0 || a[i].genres != NULL);
		for (int g = 0; g < a[i].n_genres; g++)
			touch(a[i].genres[g]);
		if (a[i].popularity.st == LW_SET)
			CHECK(a[i].popularity.v >= 0 && a[i].popularity.v <= 100);
		if (a[i].followers.st == LW_SET)
			CHECK(a[i].followers.v >= 0);
	}
	return cb_result();
}

static int
features_cb(void *ctx, const lw_features *f, int n)
{
	(void) ctx;
	CHECK(n >= 0);
	for (int i = 0; i < n; i++)
	{
		CHECK(lw_features_check(&f[i]) == LW_FEAT_OK);
		touch(f[i].track_id);
	}
	return cb_result();
}

/* Every parser on one value (a response, or an element of one). */
static void
parse_all(const json_t *v, lw_counts *c)
{
	lw_track	t;
	lw_item		it;
	lw_playlist pl;
	lw_artist	a;
	lw_features f;
	lw_user		u;
	lw_page		pg;

	if (lw_sp_parse_track(v, &t, c) == LW_ITEM_TRACK)
		check_track(&t);
	lw_sp_parse_item(v, 7, &it, c);
	check_item(&it);
	if (lw_sp_parse_playlist(v, &pl, c) == 0)
		playlists_cb(NULL, &pl, 1, -1);
	if (lw_sp_parse_artist(v, &a, c) == 0)
		artists_cb(NULL, &a, 1);
	lw_artist_free(&a);
	if (lw_sp_parse_features(v, &f) == LW_FEAT_OK)
		features_cb(NULL, &f, 1);
	if (lw_sp_parse_user(v, &u) == 0)
	{
		CHECK(u.id != NULL && u.id[0] != '\0');
		touch_str(u.account_id);
		touch_str(u.display_name);
	}
	if (lw_sp_parse_page(v, &pg) == 0)
	{
		CHECK(json_is_array(pg.items));
		CHECK(pg.total >= -1 && pg.offset >= -1 && (pg.limit == -1 || pg.limit > 0));
		CHECK(pg.total <= INT_MAX && pg.limit <= INT_MAX && pg.offset <= INT_MAX);
		touch(pg.next);
	}
}

static void
walk_all(json_t *doc, lw_counts *c)
{
	static const char *const ids[] = {
		"4uLU6hMCjMI75M1A2tKUQC", "0OdUWJ0sBjDrqHygGUXeCF", "6rqhFgbbKwnb9MLmUQDhG6"
	};
	lw_spotify	sp;
	lw_error	err;
	feed		f;
	int			done;

#define RUN(call) do { \
		cb_calls = 0; \
		memset(&f, 0, sizeof(f)); \
		f.doc = doc; \
		memset(&err, 0, sizeof(err)); \
		(void) (call); \
		touch(err.message); \
	} while (0)

	memset(&sp, 0, sizeof(sp));
	sp.api_url = API_URL;
	sp.fetch = fake_fetch;
	sp.fetch_ctx = &f;
	sp.counts = c;

	{
		lw_user		u;
		json_t	   *keep = NULL;

		RUN(lw_sp_me(&sp, &u, &keep, &err));
		if (keep)
		{
			CHECK(u.id != NULL && u.id[0] != '\0');
			touch_str(u.display_name);
			json_decref(keep);
		}
	}
	RUN(lw_sp_playlists(&sp, playlists_cb, NULL, &err));
	RUN(lw_sp_playlist_items(&sp, "37i9dQZF1DXcBWIGoYBM5M", items_cb, NULL, &err));
	RUN(lw_sp_liked(&sp, items_cb, NULL, &err));
	RUN(lw_sp_artists(&sp, ids, 3, artists_cb, NULL, &err));
	RUN(lw_sp_artists_each(&sp, ids, 3, artists_cb, NULL, &done, &err));
	CHECK(done >= 0 && done <= 3);
	RUN(lw_sp_audio_features(&sp, ids, 3, features_cb, NULL, &err));
#undef RUN
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t	   *doc;
	json_t	   *plain = json_loadb((const char *) data, size, JSON_DECODE_ANY, NULL);
	char	   *fixed = NULL;
	size_t		fixed_len = 0;
	long		repaired = -1;
	lw_counts	c;
	char		js[4096];

	/* as lw_api_get_json: repair bad strings (textfix.c), then parse */
	if (lw_json_repair((const char *) data, size, &fixed, &fixed_len, &repaired))
	{
		CHECK(fixed != NULL && fixed[fixed_len] == '\0' && repaired >= 0);
		CHECK(plain == NULL);	/* a document jansson accepts needs no repair */
		doc = json_loadb(fixed, fixed_len, JSON_DECODE_ANY, NULL);
	}
	else
	{
		CHECK(fixed == NULL && repaired == 0);
		doc = json_incref(plain);
	}
	free(fixed);
	json_decref(plain);
	if (doc == NULL)
		return 0;
	cb_answer = (int) (size % 3) - 1;
	memset(&c, 0, sizeof(c));
	parse_all(doc, &c);
	if (json_is_array(doc) || json_is_object(doc))
	{
		size_t		i;
		json_t	   *e;
		const char *k;

		/* one level down: page items, the artists/audio_features arrays, responses */
		if (json_is_array(doc))
			json_array_foreach(doc, i, e)
			{
				json_t	   *items = json_object_get(e, "items");
				json_t	   *x;
				size_t		j;

				parse_all(e, &c);
				json_array_foreach(items, j, x)
					parse_all(x, &c);
			}
		else
			json_object_foreach(doc, k, e)
			{
				size_t		j;
				json_t	   *x;

				parse_all(e, &c);
				json_array_foreach(e, j, x)
					parse_all(x, &c);
			}
	}
	walk_all(doc, &c);
	lw_counts_json(&c, js, sizeof(js));
	CHECK(js[0] == '{' && js[strlen(js) - 1] == '}');
	json_decref(doc);
	return 0;
}
