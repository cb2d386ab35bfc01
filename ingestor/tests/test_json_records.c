/* Unit tests: JSON -> records (spotify_parse.c): tracks, playlist items and liked entries with
 * every oddity the API sends, playlists, users, artists with and without genres, audio features
 * with null entries. */
#include "lw_test.h"
#include "spotify_walk.h"

#include <stdlib.h>

static json_t *
J(const char *text)
{
	json_error_t e;
	json_t	   *j = json_loads(text, JSON_DECODE_ANY, &e);

	if (j == NULL)
		printf("bad test JSON: %s: %s\n", e.text, text);
	return j;
}

#define FULL_TRACK \
	"{\"album\": {\"id\": \"alb1\", \"name\": \"Night Drive\", \"release_date\": \"2019-05\"," \
	" \"release_date_precision\": \"month\", \"images\": [], \"artists\": []}," \
	" \"artists\": [{\"id\": \"art1\", \"name\": \"Lumen Tide\"}, {\"id\": \"art2\", \"name\": \"B\"}]," \
	" \"duration_ms\": 214093, \"explicit\": false, \"external_ids\": {\"isrc\": \"SEXYZ1900001\"}," \
	" \"id\": \"trk1\", \"is_local\": false, \"name\": \"Afterglow Avenue\", \"popularity\": 47," \
	" \"type\": \"track\", \"uri\": \"spotify:track:trk1\", \"brand_new_key\": {\"x\": [1]}}"

LW_TEST(full_track)
{
	lw_track	t;
	lw_counts	c = {0};
	json_t	   *j = J(FULL_TRACK);

	CHECK_INT(lw_sp_parse_track(j, &t, &c), LW_ITEM_TRACK);
	CHECK_STR(t.id, "trk1");
	CHECK_INT(t.name.st, LW_SET);
	CHECK_STR(t.name.v, "Afterglow Avenue");
	CHECK_STR(t.album_id.v, "alb1");
	CHECK_STR(t.album_name.v, "Night Drive");
	CHECK_STR(t.release_date.v, "2019-05");
	CHECK_STR(t.release_date_precision.v, "month");
	CHECK_INT(t.duration_ms.st, LW_SET);
	CHECK_INT(t.duration_ms.v, 214093);
	CHECK_INT(t.explicit_.st, LW_SET);
	CHECK(!t.explicit_.v);
	CHECK_INT(t.popularity.v, 47);
	CHECK_STR(t.isrc.v, "SEXYZ1900001");
	CHECK(t.artists_present);
	CHECK_INT(t.n_artists, 2);
	CHECK_STR(t.artists[0].id, "art1");
	CHECK_STR(t.artists[1].id, "art2");
	CHECK_STR(t.artists[0].name, "Lumen Tide");
	CHECK_INT(c.bad_fields, 0);	/* unknown keys are not errors */
	json_decref(j);
}

LW_TEST(track_absent_null_wrong)
{
	lw_track	t;
	lw_counts	c = {0};
	/* dev-2026 style: no popularity, no external_ids, no album; explicit null */
	json_t	   *j = J("{\"id\": \"t2\", \"name\": \"x\", \"explicit\": null, \"artists\": []}");

	CHECK_INT(lw_sp_parse_track(j, &t, &c), LW_ITEM_TRACK);
	CHECK_INT(t.popularity.st, LW_ABSENT);
	CHECK_INT(t.isrc.st, LW_ABSENT);
	CHECK_INT(t.album_id.st, LW_ABSENT);
	CHECK_INT(t.explicit_.st, LW_NULL);
	CHECK(t.artists_present);
	CHECK_INT(t.n_artists, 0);
	json_decref(j);

	/* wrong types: each becomes absent (stored value kept) and is counted */
	j = J("{\"id\": \"t3\", \"name\": 5, \"popularity\": \"47\", \"duration_ms\": -1,"
		  " \"explicit\": \"no\", \"album\": \"alb\", \"artists\": {\"id\": \"a\"},"
		  " \"external_ids\": [1]}");
	CHECK_INT(lw_sp_parse_track(j, &t, &c), LW_ITEM_TRACK);
	CHECK_INT(t.name.st, LW_ABSENT);
	CHECK_INT(t.popularity.st, LW_ABSENT);
	CHECK_INT(t.duration_ms.st, LW_ABSENT);
	CHECK_INT(t.explicit_.st, LW_ABSENT);
	CHECK_INT(t.album_name.st, LW_ABSENT);
	CHECK(!t.artists_present);
	CHECK_INT(t.isrc.st, LW_ABSENT);
	CHECK_INT(c.bad_fields, 7);
	json_decref(j);

	/* out of range popularity, real-valued duration, bad release date and precision */
	memset(&c, 0, sizeof(c));
	j = J("{\"id\": \"t4\", \"popularity\": 101, \"duration_ms\": 1000.0, \"album\":"
		  " {\"id\": null, \"name\": null, \"release_date\": \"0000\", \"release_date_precision\": \"decade\"}}");
	CHECK_INT(lw_sp_parse_track(j, &t, &c), LW_ITEM_TRACK);
	CHECK_INT(t.popularity.st, LW_ABSENT);
	CHECK_INT(t.duration_ms.st, LW_SET);
	CHECK_INT(t.duration_ms.v, 1000);
	CHECK_INT(t.album_id.st, LW_NULL);
	CHECK_INT(t.album_name.st, LW_NULL);
	CHECK_INT(t.release_date.st, LW_SET);	/* "0000" matches the shape: the column's CHECK allows it */
	CHECK_INT(t.release_date_precision.st, LW_NULL);
	CHECK_INT(c.bad_fields, 2);
	json_decref(j);

	j = J("{\"id\": \"t5\", \"album\": {\"release_date\": \"2019-5-1\"}}");
	CHECK_INT(lw_sp_parse_track(j, &t, &c), LW_ITEM_TRACK);
	CHECK_INT(t.release_date.st, LW_NULL);
	json_decref(j);
}

LW_TEST(track_kinds)
{
	lw_track	t;
	json_t	   *j;

	CHECK_INT(lw_sp_parse_track(NULL, &t, NULL), LW_ITEM_NULL);
	j = J("null");
	CHECK_INT(lw_sp_parse_track(j, &t, NULL), LW_ITEM_NULL);
	json_decref(j);
	j = J("[1]");
	CHECK_INT(lw_sp_parse_track(j, &t, NULL), LW_ITEM_BAD);
	json_decref(j);
	j = J("{\"id\": null, \"is_local\": true, \"uri\": \"spotify:local:A:B:C:180\", \"name\": \"C\"}");
	CHECK_INT(lw_sp_parse_track(j, &t, NULL), LW_ITEM_LOCAL);
	json_decref(j);
	j = J("{\"id\": null, \"uri\": \"spotify:local:::x:1\"}");
	CHECK_INT(lw_sp_parse_track(j, &t, NULL), LW_ITEM_LOCAL);
	json_decref(j);
	j = J("{\"id\": \"ep1\", \"type\": \"episode\", \"show\": {\"id\": \"s\"}}");
	CHECK_INT(lw_sp_parse_track(j, &t, NULL), LW_ITEM_EPISODE);
	json_decref(j);
	/* without additional_types=episode: a track-shaped episode */
	j = J("{\"id\": \"ep2\", \"type\": \"track\", \"episode\": true, \"uri\": \"spotify:episode:ep2\"}");
	CHECK_INT(lw_sp_parse_track(j, &t, NULL), LW_ITEM_EPISODE);
	json_decref(j);
	j = J("{\"id\": null, \"type\": \"track\", \"name\": \"gone\"}");
	CHECK_INT(lw_sp_parse_track(j, &t, NULL), LW_ITEM_NO_ID);
	json_decref(j);
	j = J("{\"name\": \"no id key\"}");
	CHECK_INT(lw_sp_parse_track(j, &t, NULL), LW_ITEM_NO_ID);
	json_decref(j);
	j = J("{\"id\": 12345}");
	CHECK_INT(lw_sp_parse_track(j, &t, NULL), LW_ITEM_BAD);
	json_decref(j);
	j = J("{\"id\": \"has space\"}");
	CHECK_INT(lw_sp_parse_track(j, &t, NULL), LW_ITEM_BAD);
	json_decref(j);
	j = J("{\"id\": \"x1\", \"type\": \"audiobook\"}");
	CHECK_INT(lw_sp_parse_track(j, &t, NULL), LW_ITEM_BAD);
	json_decref(j);
}

LW_TEST(playlist_items)
{
	lw_item		it;
	lw_counts	c = {0};
	json_t	   *j;

	/* 2026 shape: item + track, added_by object */
	j = J("{\"added_at\": \"2024-03-09T21:14:05Z\", \"added_by\": {\"id\": \"anademo\", \"type\": \"user\"},"
		  " \"is_local\": false, \"primary_color\": null, \"item\": " FULL_TRACK ", \"track\": " FULL_TRACK "}");
	CHECK_INT(lw_sp_parse_item(j, 7, &it, &c), LW_ITEM_TRACK);
	CHECK_INT(it.position, 7);
	CHECK_STR(it.added_at.v, "2024-03-09T21:14:05Z");
	CHECK_STR(it.added_by.v, "anademo");
	CHECK_STR(it.track.id, "trk1");
	json_decref(j);

	/* item missing: falls back to track; legacy added_by null, added_at null */
	j = J("{\"added_at\": null, \"added_by\": null, \"track\": {\"id\": \"old1\", \"type\": \"track\"}}");
	CHECK_INT(lw_sp_parse_item(j, 0, &it, &c), LW_ITEM_TRACK);
	CHECK_STR(it.track.id, "old1");
	CHECK_INT(it.added_at.st, LW_NULL);
	CHECK_INT(it.added_by.st, LW_NULL);
	json_decref(j);

	/* item null but track present: use track */
	j = J("{\"item\": null, \"track\": {\"id\": \"old2\"}}");
	CHECK_INT(lw_sp_parse_item(j, 0, &it, &c), LW_ITEM_TRACK);
	CHECK_STR(it.track.id, "old2");
	json_decref(j);

	/* both null: an unavailable track */
	j = J("{\"added_at\": \"2024-03-09T21:14:05Z\", \"item\": null, \"track\": null}");
	CHECK_INT(lw_sp_parse_item(j, 0, &it, &c), LW_ITEM_NULL);
	json_decref(j);

	/* is_local on the item wins */
	j = J("{\"is_local\": true, \"item\": {\"id\": \"looksok\", \"type\": \"track\"}}");
	CHECK_INT(lw_sp_parse_item(j, 0, &it, &c), LW_ITEM_LOCAL);
	json_decref(j);

	/* bad timestamps are dropped (and counted), the item stays */
	memset(&c, 0, sizeof(c));
	j = J("{\"added_at\": \"2023-02-29T10:00:00Z\", \"item\": {\"id\": \"t\"}}");
	CHECK_INT(lw_sp_parse_item(j, 0, &it, &c), LW_ITEM_TRACK);
	CHECK_INT(it.added_at.st, LW_NULL);
	CHECK_INT(c.bad_fields, 1);
	json_decref(j);
	j = J("{\"added_at\": 1700000000, \"added_by\": \"me\", \"item\": {\"id\": \"t\"}}");
	CHECK_INT(lw_sp_parse_item(j, 0, &it, &c), LW_ITEM_TRACK);
	CHECK_INT(it.added_at.st, LW_ABSENT);
	CHECK_INT(it.added_by.st, LW_ABSENT);
	CHECK_INT(c.bad_fields, 3);
	json_decref(j);

	/* non-object entries in the items array */
	j = J("\"a string\"");
	CHECK_INT(lw_sp_parse_item(j, 0, &it, &c), LW_ITEM_BAD);
	json_decref(j);
	j = J("null");
	CHECK_INT(lw_sp_parse_item(j, 0, &it, &c), LW_ITEM_NULL);
	json_decref(j);
	/* liked-song entry */
	j = J("{\"added_at\": \"2023-11-02T08:00:31Z\", \"track\": " FULL_TRACK "}");
	CHECK_INT(lw_sp_parse_item(j, 3, &it, &c), LW_ITEM_TRACK);
	CHECK_STR(it.added_at.v, "2023-11-02T08:00:31Z");
	json_decref(j);
}

LW_TEST(timestamps)
{
	CHECK(lw_sp_valid_timestamp("2024-03-09T21:14:05Z"));
	CHECK(lw_sp_valid_timestamp("2024-02-29T00:00:00Z"));
	CHECK(lw_sp_valid_timestamp("2024-03-09T21:14:05.123Z"));
	CHECK(lw_sp_valid_timestamp("2024-03-09T21:14:05+02:00"));
	CHECK(!lw_sp_valid_timestamp("2023-02-29T00:00:00Z"));
	CHECK(!lw_sp_valid_timestamp("2024-13-01T00:00:00Z"));
	CHECK(!lw_sp_valid_timestamp("2024-04-31T00:00:00Z"));
	CHECK(!lw_sp_valid_timestamp("0000-01-01T00:00:00Z"));
	CHECK(!lw_sp_valid_timestamp("2024-03-09"));
	CHECK(!lw_sp_valid_timestamp("2024-03-09T21:14:05"));
	CHECK(!lw_sp_valid_timestamp("2024-03-09T24:00:00Z"));
	CHECK(!lw_sp_valid_timestamp(""));
	CHECK(!lw_sp_valid_timestamp(NULL));
}

LW_TEST(too_many_artists)
{
	char		text[8192];
	size_t		n = 0;
	lw_track	t;
	lw_counts	c = {0};
	json_t	   *j;

	n += snprintf(text + n, sizeof(text) - n, "{\"id\": \"many\", \"artists\": [");
	for (int i = 0; i < 40; i++)
		n += snprintf(text + n, sizeof(text) - n, "%s{\"id\": \"a%d\", \"name\": \"n\"}", i ? "," : "", i);
	snprintf(text + n, sizeof(text) - n, ", {\"id\": null}]}");
	j = J(text);
	CHECK_INT(lw_sp_parse_track(j, &t, &c), LW_ITEM_TRACK);
	CHECK_INT(t.n_artists, LW_MAX_TRACK_ARTISTS);
	CHECK_INT(c.too_many_artists, 1);
	CHECK_STR(t.artists[31].id, "a31");
	json_decref(j);
}

LW_TEST(playlists_and_user)
{
	lw_playlist p;
	lw_user		u;
	json_t	   *j;

	j = J("{\"id\": \"pl1\", \"name\": \"chill\", \"owner\": {\"id\": \"anademo\", \"display_name\": \"Ana\"},"
		  " \"snapshot_id\": \"AAAA\", \"public\": null, \"collaborative\": false, \"description\": null,"
		  " \"items\": {\"href\": \"h\", \"total\": 42}, \"tracks\": {\"href\": \"h\", \"total\": 41}}");
	CHECK_INT(lw_sp_parse_playlist(j, &p, NULL), 0);
	CHECK_STR(p.id, "pl1");
	CHECK_STR(p.owner_id.v, "anademo");
	CHECK_STR(p.owner_name.v, "Ana");
	CHECK_STR(p.snapshot_id.v, "AAAA");
	CHECK_INT(p.public_.st, LW_NULL);
	CHECK_INT(p.description.st, LW_NULL);
	CHECK_INT(p.total_items.v, 42);	/* "items" wins over the legacy "tracks" */
	json_decref(j);

	j = J("{\"id\": \"pl2\", \"items\": null, \"tracks\": {\"total\": 5}}");
	CHECK_INT(lw_sp_parse_playlist(j, &p, NULL), 0);
	CHECK_INT(p.total_items.st, LW_SET);
	CHECK_INT(p.total_items.v, 5);
	CHECK_INT(p.name.st, LW_ABSENT);
	CHECK_INT(p.snapshot_id.st, LW_ABSENT);
	json_decref(j);

	j = J("{\"name\": \"no id\"}");
	CHECK_INT(lw_sp_parse_playlist(j, &p, NULL), -1);
	json_decref(j);

	j = J("{\"id\": \"ana.demo-1\", \"display_name\": null, \"account_id\": \"q7Zt2mPa9K\"}");
	CHECK_INT(lw_sp_parse_user(j, &u), 0);
	CHECK_STR(u.id, "ana.demo-1");
	CHECK_INT(u.display_name.st, LW_NULL);
	CHECK_STR(u.account_id.v, "q7Zt2mPa9K");
	json_decref(j);
	j = J("{\"id\": \"\"}");
	CHECK_INT(lw_sp_parse_user(j, &u), -1);
	json_decref(j);
}

LW_TEST(artists)
{
	lw_artist	a;
	lw_counts	c = {0};
	json_t	   *j;

	j = J("{\"id\": \"art1\", \"name\": \"Lumen Tide\", \"genres\": [\"dream pop\", \"indietronica\"],"
		  " \"popularity\": 52, \"followers\": {\"href\": null, \"total\": 18345}}");
	CHECK_INT(lw_sp_parse_artist(j, &a, &c), 0);
	CHECK(a.genres_present);
	CHECK_INT(a.n_genres, 2);
	CHECK_STR(a.genres[1], "indietronica");
	CHECK_INT(a.popularity.v, 52);
	CHECK_INT(a.followers.v, 18345);
	lw_artist_free(&a);
	json_decref(j);

	/* empty genres = "no genres", distinct from unknown */
	j = J("{\"id\": \"art2\", \"name\": \"X\", \"genres\": []}");
	CHECK_INT(lw_sp_parse_artist(j, &a, &c), 0);
	CHECK(a.genres_present);
	CHECK_INT(a.n_genres, 0);
	CHECK_INT(a.popularity.st, LW_ABSENT);
	CHECK_INT(a.followers.st, LW_ABSENT);
	lw_artist_free(&a);
	json_decref(j);

	/* dev-2026: no genres, popularity, followers at all */
	j = J("{\"id\": \"art3\", \"name\": \"Y\", \"type\": \"artist\"}");
	CHECK_INT(lw_sp_parse_artist(j, &a, &c), 0);
	CHECK(!a.genres_present);
	CHECK(!a.genres_null);
	lw_artist_free(&a);
	json_decref(j);

	/* null genres, non-string genre entries, wrong followers */
	memset(&c, 0, sizeof(c));
	j = J("{\"id\": \"art4\", \"genres\": null, \"followers\": 7}");
	CHECK_INT(lw_sp_parse_artist(j, &a, &c), 0);
	CHECK(!a.genres_present);
	CHECK(a.genres_null);
	CHECK_INT(c.bad_fields, 1);
	lw_artist_free(&a);
	json_decref(j);
	j = J("{\"id\": \"art5\", \"genres\": [\"ok\", 3, null]}");
	CHECK_INT(lw_sp_parse_artist(j, &a, &c), 0);
	CHECK_INT(a.n_genres, 1);
	CHECK_INT(c.bad_fields, 3);
	lw_artist_free(&a);
	json_decref(j);
	j = J("{\"name\": \"no id\"}");
	CHECK_INT(lw_sp_parse_artist(j, &a, &c), -1);
	lw_artist_free(&a);
	json_decref(j);
}

#define FEAT(id, dance) \
	"{\"acousticness\": 0.0312, \"danceability\": " dance ", \"duration_ms\": 214093," \
	" \"energy\": 0.771, \"id\": \"" id "\", \"instrumentalness\": 0.00215, \"key\": 7," \
	" \"liveness\": 0.118, \"loudness\": -6.402, \"mode\": 1, \"speechiness\": 0.0389," \
	" \"tempo\": 121.987, \"time_signature\": 4, \"type\": \"audio_features\", \"valence\": 0.412}"

LW_TEST(features)
{
	lw_features f;
	json_t	   *j;

	j = J(FEAT("t1", "0.648"));
	CHECK_INT(lw_sp_parse_features(j, &f), LW_FEAT_OK);
	CHECK_STR(f.track_id, "t1");
	CHECK(f.danceability > 0.6479 && f.danceability < 0.6481);
	CHECK_INT(f.key, 7);
	CHECK_INT(f.mode, 1);
	CHECK_INT(f.time_signature.v, 4);
	CHECK_INT(f.duration_ms.v, 214093);
	json_decref(j);

	j = J("null");
	CHECK_INT(lw_sp_parse_features(j, &f), LW_FEAT_NULL);
	json_decref(j);
	j = J(FEAT("t2", "1.5"));
	CHECK_INT(lw_sp_parse_features(j, &f), LW_FEAT_RANGE);
	json_decref(j);
	j = J(FEAT("t3", "\"0.5\""));
	CHECK_INT(lw_sp_parse_features(j, &f), LW_FEAT_MISSING);
	json_decref(j);
	j = J("{\"id\": \"t4\", \"danceability\": 0.5}");
	CHECK_INT(lw_sp_parse_features(j, &f), LW_FEAT_MISSING);
	json_decref(j);
	j = J(FEAT("", "0.5"));
	CHECK_INT(lw_sp_parse_features(j, &f), LW_FEAT_NO_ID);
	json_decref(j);
	/* key -1 (no key detected) is valid; key 12 is not; key as 7.0 is accepted */
	j = J("{\"acousticness\": 0, \"danceability\": 0, \"energy\": 0, \"id\": \"t5\", \"instrumentalness\": 0,"
		  " \"key\": -1, \"liveness\": 0, \"loudness\": -60, \"mode\": 0, \"speechiness\": 0,"
		  " \"tempo\": 0, \"valence\": 0}");
	CHECK_INT(lw_sp_parse_features(j, &f), LW_FEAT_OK);
	CHECK_INT(f.time_signature.st, LW_ABSENT);
	json_decref(j);
	j = J("{\"acousticness\": 0, \"danceability\": 0, \"energy\": 0, \"id\": \"t6\", \"instrumentalness\": 0,"
		  " \"key\": 12, \"liveness\": 0, \"loudness\": -60, \"mode\": 0, \"speechiness\": 0,"
		  " \"tempo\": 0, \"valence\": 0}");
	CHECK_INT(lw_sp_parse_features(j, &f), LW_FEAT_RANGE);
	json_decref(j);
	j = J("{\"acousticness\": 0, \"danceability\": 0, \"energy\": 0, \"id\": \"t7\", \"instrumentalness\": 0,"
		  " \"key\": 7.0, \"liveness\": 0, \"loudness\": -60, \"mode\": 0.5, \"speechiness\": 0,"
		  " \"tempo\": 0, \"valence\": 0}");
	CHECK_INT(lw_sp_parse_features(j, &f), LW_FEAT_MISSING);	/* mode must be integral */
	json_decref(j);
	/* time_signature out of range only drops that field */
	j = J("{\"acousticness\": 0, \"danceability\": 0, \"energy\": 0, \"id\": \"t8\", \"instrumentalness\": 0,"
		  " \"key\": 7.0, \"liveness\": 0, \"loudness\": -60, \"mode\": 1, \"speechiness\": 0,"
		  " \"tempo\": 0, \"valence\": 0, \"time_signature\": 99}");
	CHECK_INT(lw_sp_parse_features(j, &f), LW_FEAT_OK);
	CHECK_INT(f.key, 7);
	CHECK_INT(f.time_signature.st, LW_ABSENT);
	json_decref(j);
}

typedef struct feat_sink
{
	int			n;
	char		ids[8][16];
} feat_sink;

static int
sink(void *ctx, const lw_features *f, int n)
{
	feat_sink  *s = ctx;

	for (int i = 0; i < n && s->n < 8; i++)
		snprintf(s->ids[s->n++], 16, "%s", f[i].track_id);
	return 0;
}

static const char *batch_body;

static int
one_body(void *ctx, const char *url, json_t **out, lw_api_result *res)
{
	(void) ctx;
	CHECK_STR(url, "/audio-features?ids=a1,a2,a3,a4");
	*out = json_loads(batch_body, 0, NULL);
	res->status = LW_API_OK;
	return 0;
}

LW_TEST(features_batch_with_nulls)
{
	lw_spotify	sp;
	lw_counts	c = {0};
	feat_sink	s = {0};
	lw_error	e;
	const char *ids[] = {"a1", "a2", "a3", "a4"};

	memset(&sp, 0, sizeof(sp));
	sp.api_url = "http://x/v1";
	sp.fetch = one_body;
	sp.counts = &c;
	batch_body = "{\"audio_features\": [" FEAT("a1", "0.5") ", null, " FEAT("a3", "7") ", "
		FEAT("a4", "0.25") "]}";
	CHECK_INT(lw_sp_audio_features(&sp, ids, 4, sink, &s, &e), LW_SP_OK);
	CHECK_INT(s.n, 2);
	CHECK_STR(s.ids[0], "a1");
	CHECK_STR(s.ids[1], "a4");
	CHECK_INT(c.features_null, 1);
	CHECK_INT(c.features_invalid, 1);

	batch_body = "{\"something_else\": []}";
	CHECK_INT(lw_sp_audio_features(&sp, ids, 4, sink, &s, &e), LW_SP_FAILED);
	CHECK_INT(lw_sp_audio_features(&sp, ids, 0, sink, &s, &e), LW_SP_OK);
}

LW_TEST(counts_json)
{
	lw_counts	c = {0};
	char		buf[256];
	char		tiny[8];

	CHECK_STR(lw_counts_json(&c, buf, sizeof(buf)), "{}");
	c.skipped_local = 2;
	c.tracks_new = 10;
	CHECK_STR(lw_counts_json(&c, buf, sizeof(buf)), "{\"tracks_new\": 10, \"skipped_local\": 2}");
	CHECK_STR(lw_counts_json(&c, tiny, sizeof(tiny)), "{}");
	lw_counts_skip(&c, LW_ITEM_EPISODE);
	lw_counts_skip(&c, LW_ITEM_NULL);
	lw_counts_skip(&c, LW_ITEM_NO_ID);
	lw_counts_skip(&c, LW_ITEM_BAD);
	lw_counts_skip(&c, LW_ITEM_TRACK);
	CHECK_INT(c.skipped_episodes + c.skipped_null_items + c.skipped_no_id + c.skipped_bad_items, 4);
}

int
main(void)
{
	LW_RUN(full_track);
	LW_RUN(track_absent_null_wrong);
	LW_RUN(track_kinds);
	LW_RUN(playlist_items);
	LW_RUN(timestamps);
	LW_RUN(too_many_artists);
	LW_RUN(playlists_and_user);
	LW_RUN(artists);
	LW_RUN(features);
	LW_RUN(features_batch_with_nulls);
	LW_RUN(counts_json);
	LW_TEST_END();
}
