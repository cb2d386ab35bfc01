/*
 * Unit tests of store.c against a real database, without any HTTP: hand-made records in,
 * table contents out. Needs a reachable server (PGHOST/PGPORT/PGUSER, as for `make test`) with
 * the listen_wiseer extension installed; creates and drops its own database. Without a server
 * the test is skipped (RESULT passed=0 failed=0).
 */
#include "lw_test.h"
#include "store.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <unistd.h>

static PGconn *db;				/* the checking connection */
static char dbname[64];

static char *
q1(const char *sql)
{
	static char buf[1024];
	PGresult   *r = PQexec(db, sql);

	buf[0] = '\0';
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
		snprintf(buf, sizeof(buf), "%s", PQgetisnull(r, 0, 0) ? "(null)" : PQgetvalue(r, 0, 0));
	else if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
		printf("query failed: %s: %s", sql, PQerrorMessage(db));
	PQclear(r);
	return buf;
}

static long
qi(const char *sql)
{
	return atol(q1(sql));
}

static lw_str
S(const char *v)
{
	lw_str		s = {LW_SET, v};

	return s;
}

static lw_int
I(long long v)
{
	lw_int		i = {LW_SET, v};

	return i;
}

static lw_item
track_item(const char *id, long pos, const char *name, const char *a1, const char *a2)
{
	lw_item		it;

	memset(&it, 0, sizeof(it));
	it.kind = LW_ITEM_TRACK;
	it.position = pos;
	it.added_at = S("2024-03-09T21:14:05Z");
	it.added_by = S("anademo");
	it.track.id = id;
	it.track.name = S(name);
	it.track.popularity = I(50);
	it.track.artists_present = true;
	if (a1)
	{
		it.track.artists[it.track.n_artists].id = a1;
		it.track.artists[it.track.n_artists++].name = "Artist One";
	}
	if (a2)
	{
		it.track.artists[it.track.n_artists].id = a2;
		it.track.artists[it.track.n_artists++].name = "Artist Two";
	}
	return it;
}

static lw_store *st;

LW_TEST(runs_and_lock)
{
	long long	run_id = 0;
	lw_counts	c = {0};
	lw_run_end	end;
	const char *w[] = {"a \"quoted\" warning", "back\\slash"};
	char		conninfo[128];
	char		msg[256];
	lw_store   *other;

	CHECK_INT(lw_store_check_schema(st), 0);
	CHECK_INT(lw_store_lock(st, false, 300), 0);
	snprintf(conninfo, sizeof(conninfo), "dbname=%s", dbname);
	other = lw_store_open(conninfo, msg, sizeof(msg));
	CHECK(other != NULL);
	if (other)
	{
		CHECK_INT(lw_store_lock(other, false, 300), 1);	/* held by st */
		lw_store_close(other);
	}
	CHECK_INT(lw_store_run_begin(st, "sync", &run_id), 0);
	CHECK(run_id > 0);
	CHECK_STR(q1("SELECT status FROM listen_wiseer.ingest_runs"), "running");
	c.tracks_new = 3;
	memset(&end, 0, sizeof(end));
	end.status = "partial";
	end.counts = &c;
	end.capabilities_json = "{\"audio_features\": \"unavailable\"}";
	end.warnings = w;
	end.n_warnings = 2;
	end.error = "stopped";
	CHECK_INT(lw_store_run_finish(st, run_id, &end), 0);
	CHECK_STR(q1("SELECT status || ' ' || (counts->>'tracks_new') || ' ' || (capabilities->>'audio_features')"
				 " || ' ' || warnings[1] || ' ' || warnings[2] FROM listen_wiseer.ingest_runs"),
			  "partial 3 unavailable a \"quoted\" warning back\\slash");
	/* a 'running' row left behind is closed by the next run */
	PQclear(PQexec(db, "INSERT INTO listen_wiseer.ingest_runs (command) VALUES ('sync')"));
	CHECK_INT(lw_store_run_begin(st, "sync", &run_id), 0);
	CHECK_INT(qi("SELECT count(*) FROM listen_wiseer.ingest_runs WHERE status = 'failed'"), 1);
}

LW_TEST(tracks_absent_null)
{
	lw_item		it[2];
	lw_counts	c = {0};
	char		xmin[32];

	it[0] = track_item("T1", 0, "first", "A1", "A2");
	it[1] = track_item("T2", 1, "second", "A2", NULL);
	it[1].track.isrc = S("ISRC2");
	CHECK_INT(lw_store_upsert_item_tracks(st, it, 2, &c), 0);
	CHECK_INT(c.tracks_new, 2);
	CHECK_INT(qi("SELECT count(*) FROM listen_wiseer.artists"), 2);
	CHECK_STR(q1("SELECT string_agg(artist_id, ',' ORDER BY position) FROM listen_wiseer.track_artists"
				 " WHERE track_id = 'T1'"), "A1,A2");

	/* identical again: no row touched */
	snprintf(xmin, sizeof(xmin), "%s", q1("SELECT xmin FROM listen_wiseer.tracks WHERE track_id = 'T1'"));
	memset(&c, 0, sizeof(c));
	CHECK_INT(lw_store_upsert_item_tracks(st, it, 2, &c), 0);
	CHECK_INT(c.tracks_upserted, 0);
	CHECK_STR(q1("SELECT xmin FROM listen_wiseer.tracks WHERE track_id = 'T1'"), xmin);

	/* absent fields keep the stored values; a null name never overwrites */
	it[0].track.popularity.st = LW_ABSENT;
	it[0].track.name.st = LW_NULL;
	it[0].track.artists_present = false;
	it[0].track.n_artists = 0;
	it[1].track.isrc.st = LW_ABSENT;
	CHECK_INT(lw_store_upsert_item_tracks(st, it, 2, &c), 0);
	CHECK_STR(q1("SELECT name || ' ' || popularity FROM listen_wiseer.tracks WHERE track_id = 'T1'"),
			  "first 50");
	CHECK_STR(q1("SELECT isrc FROM listen_wiseer.tracks WHERE track_id = 'T2'"), "ISRC2");
	CHECK_INT(qi("SELECT count(*) FROM listen_wiseer.track_artists WHERE track_id = 'T1'"), 2);

	/* null stores NULL; a changed credit list replaces the old one */
	it[0].track.popularity.st = LW_NULL;
	it[1].track.isrc.st = LW_NULL;
	it[0].track.artists_present = true;
	it[0].track.artists[0].id = "A2";
	it[0].track.artists[0].name = "Renamed Two";
	it[0].track.n_artists = 1;
	CHECK_INT(lw_store_upsert_item_tracks(st, it, 2, &c), 0);
	CHECK_STR(q1("SELECT popularity FROM listen_wiseer.tracks WHERE track_id = 'T1'"), "(null)");
	CHECK_STR(q1("SELECT isrc FROM listen_wiseer.tracks WHERE track_id = 'T2'"), "(null)");
	CHECK_STR(q1("SELECT string_agg(artist_id, ',' ORDER BY position) FROM listen_wiseer.track_artists"
				 " WHERE track_id = 'T1'"), "A2");
	CHECK_STR(q1("SELECT name FROM listen_wiseer.artists WHERE artist_id = 'A2'"), "Renamed Two");

	/* the same track twice in one page with changed credits: the stale credit still goes */
	it[0] = track_item("T1", 0, "first", "A1", "A2");
	CHECK_INT(lw_store_upsert_item_tracks(st, it, 1, &c), 0);
	CHECK_INT(qi("SELECT count(*) FROM listen_wiseer.track_artists WHERE track_id = 'T1'"), 2);
	it[0] = track_item("T1", 0, "first", "A1", NULL);
	it[1] = track_item("T1", 5, "first", "A1", NULL);
	CHECK_INT(lw_store_upsert_item_tracks(st, it, 2, &c), 0);
	CHECK_STR(q1("SELECT string_agg(artist_id, ',' ORDER BY position) FROM listen_wiseer.track_artists"
				 " WHERE track_id = 'T1'"), "A1");
	it[1] = track_item("T2", 1, "second", "A2", NULL);

	/* non-track items are ignored */
	it[0].kind = LW_ITEM_LOCAL;
	it[1].kind = LW_ITEM_NULL;
	CHECK_INT(lw_store_upsert_item_tracks(st, it, 2, &c), 0);
}

static int
members(const char *pl, const char *snap, lw_item *items, int n, lw_counts *c)
{
	if (lw_store_members_begin(st) < 0 || lw_store_members_stage(st, items, n) < 0)
		return -1;
	return lw_store_members_commit(st, pl, snap, c);
}

LW_TEST(membership)
{
	lw_playlist pl;
	lw_item		it[3];
	lw_counts	c = {0};
	char		id[64],
				snap[64];
	char		xmin[32];

	memset(&pl, 0, sizeof(pl));
	pl.id = "P1";
	pl.name = S("chill");
	pl.snapshot_id = S("s1");
	pl.total_items = I(3);
	CHECK_INT(lw_store_playlists_seen(st, &pl, 1, &c), 0);
	CHECK_INT(lw_store_next_changed_playlist(st, "", false, id, sizeof(id), snap, sizeof(snap)), 1);
	CHECK_STR(id, "P1");
	CHECK_STR(snap, "s1");

	it[0] = track_item("T1", 0, "first", "A1", NULL);
	it[1] = track_item("T2", 1, "second", "A2", NULL);
	it[2] = track_item("T1", 2, "first", "A1", NULL);	/* duplicate */
	CHECK_INT(lw_store_upsert_item_tracks(st, it, 3, &c), 0);
	CHECK_INT(members("P1", "s1", it, 3, &c), 0);
	CHECK_STR(q1("SELECT string_agg(track_id || ':' || occurrence || '@' || position, ' ' ORDER BY position)"
				 " FROM listen_wiseer.playlist_tracks WHERE removed_at IS NULL"), "T1:1@0 T2:1@1 T1:2@2");
	CHECK_STR(q1("SELECT snapshot_id FROM listen_wiseer.playlists"), "s1");
	CHECK_INT(lw_store_next_changed_playlist(st, "", false, id, sizeof(id), snap, sizeof(snap)), 0);
	CHECK_INT(lw_store_next_changed_playlist(st, "", true, id, sizeof(id), snap, sizeof(snap)), 1);

	/* the same membership again: nothing rewritten */
	snprintf(xmin, sizeof(xmin), "%s", q1("SELECT max(xmin::text) FROM listen_wiseer.playlist_tracks"));
	CHECK_INT(members("P1", "s1", it, 3, &c), 0);
	CHECK_STR(q1("SELECT max(xmin::text) FROM listen_wiseer.playlist_tracks"), xmin);

	/* the duplicate goes: its row is kept with removed_at */
	it[0] = track_item("T2", 0, "second", "A2", NULL);
	it[1] = track_item("T1", 1, "first", "A1", NULL);
	CHECK_INT(members("P1", "s2", it, 2, &c), 0);
	CHECK_STR(q1("SELECT string_agg(track_id || ':' || occurrence || '@' || position, ' ' ORDER BY position)"
				 " FROM listen_wiseer.playlist_tracks WHERE removed_at IS NULL"), "T2:1@0 T1:1@1");
	CHECK_STR(q1("SELECT track_id || ':' || occurrence FROM listen_wiseer.playlist_tracks"
				 " WHERE removed_at IS NOT NULL"), "T1:2");
	CHECK_INT(c.playlist_rows_removed, 1);

	/* it comes back: the same row, removed_at cleared */
	it[2] = track_item("T1", 2, "first", "A1", NULL);
	CHECK_INT(members("P1", "s3", it, 3, &c), 0);
	CHECK_INT(qi("SELECT count(*) FROM listen_wiseer.playlist_tracks WHERE removed_at IS NOT NULL"), 0);
	CHECK_INT(qi("SELECT count(*) FROM listen_wiseer.playlist_tracks"), 3);

	/* items refused: metadata kept, members kept, flagged */
	CHECK_INT(lw_store_playlist_unavailable(st, "P1", "s4"), 0);
	CHECK_STR(q1("SELECT items_available::text || ' ' || snapshot_id FROM listen_wiseer.playlists"), "false s4");
	CHECK_INT(qi("SELECT count(*) FROM listen_wiseer.playlist_tracks WHERE removed_at IS NULL"), 3);

	/* a run that does not list P1 marks it unfollowed; listing it again clears that */
	{
		long long	run_id;
		lw_playlist p2 = pl;

		CHECK_INT(lw_store_run_begin(st, "sync", &run_id), 0);	/* empties the listing stage */
		p2.id = "P2";
		CHECK_INT(lw_store_playlists_seen(st, &p2, 1, &c), 0);
		CHECK_INT(lw_store_playlists_mark_unfollowed(st, &c), 0);
		CHECK_STR(q1("SELECT string_agg(playlist_id, ',') FROM listen_wiseer.playlists WHERE unfollowed_at IS NOT NULL"),
				  "P1");
		CHECK_INT(lw_store_playlists_seen(st, &pl, 1, &c), 0);
		CHECK_INT(qi("SELECT count(*) FROM listen_wiseer.playlists WHERE unfollowed_at IS NOT NULL"), 0);
	}
}

LW_TEST(liked)
{
	lw_item		it[3];
	lw_counts	c = {0};
	int			first;
	long		n;

	it[0] = track_item("T2", 0, "second", "A2", NULL);
	it[1] = track_item("T1", 1, "first", "A1", NULL);
	it[2] = track_item("T9", 2, "ninth", "A1", NULL);
	it[0].added_at = S("2025-01-02T00:00:00Z");
	CHECK_INT(lw_store_upsert_item_tracks(st, it, 3, &c), 0);
	CHECK_INT(lw_store_liked_first_known(st, it, 3, &first), 0);
	CHECK_INT(first, 3);
	CHECK_INT(lw_store_liked_add(st, it + 1, 2, false, &c), 0);
	CHECK_INT(lw_store_liked_first_known(st, it, 3, &first), 0);
	CHECK_INT(first, 1);		/* T2 is new, T1 known with the same added_at */
	CHECK_INT(lw_store_liked_add(st, it, 1, false, &c), 0);
	CHECK_INT(lw_store_liked_count(st, &n), 0);
	CHECK_INT(n, 3);
	/* a full pass that sees only T2 and T1: T9 was unliked */
	CHECK_INT(lw_store_liked_begin_full(st), 0);
	CHECK_INT(lw_store_liked_add(st, it, 2, true, &c), 0);
	CHECK_INT(lw_store_liked_finish_full(st, &c), 0);
	CHECK_INT(c.liked_removed, 1);
	CHECK_STR(q1("SELECT track_id FROM listen_wiseer.liked_tracks WHERE removed_at IS NOT NULL"), "T9");
	/* liked again later: revived with the new added_at */
	it[2].added_at = S("2026-01-01T00:00:00Z");
	CHECK_INT(lw_store_liked_add(st, it + 2, 1, false, &c), 0);
	CHECK_INT(qi("SELECT count(*) FROM listen_wiseer.liked_tracks WHERE removed_at IS NULL"), 3);
}

LW_TEST(artists)
{
	lw_artist	a;
	lw_counts	c = {0};
	const char *g[] = {"dream pop", "a \"quoted\", genre"};
	char		ids[50][LW_ID_BUF];
	int			n;
	const char *idp[1] = {"A1"};

	CHECK_INT(lw_store_artists_to_fetch(st, "", 50, ids, &n), 0);
	CHECK_INT(n, 2);
	CHECK_STR(ids[0], "A1");
	memset(&a, 0, sizeof(a));
	a.id = "A2";
	a.name = S("Two");
	a.genres_present = true;
	a.genres = g;
	a.n_genres = 2;
	a.popularity = I(40);
	a.followers = I(1000);
	CHECK_INT(lw_store_upsert_artists(st, &a, 1, &c), 0);
	CHECK_STR(q1("SELECT genres[2] || '|' || popularity || '|' || followers FROM listen_wiseer.artists"
				 " WHERE artist_id = 'A2'"), "a \"quoted\", genre|40|1000");
	/* a later object without genres/popularity/followers keeps them */
	a.genres_present = false;
	a.popularity.st = LW_ABSENT;
	a.followers.st = LW_ABSENT;
	CHECK_INT(lw_store_upsert_artists(st, &a, 1, &c), 0);
	CHECK_STR(q1("SELECT array_length(genres, 1) || '|' || popularity FROM listen_wiseer.artists"
				 " WHERE artist_id = 'A2'"), "2|40");
	/* [] = no genres */
	a.genres_present = true;
	a.n_genres = 0;
	CHECK_INT(lw_store_upsert_artists(st, &a, 1, &c), 0);
	CHECK_STR(q1("SELECT genres::text FROM listen_wiseer.artists WHERE artist_id = 'A2'"), "{}");
	CHECK_INT(lw_store_artists_mark_fetched(st, idp, 1), 0);
	CHECK_INT(lw_store_artists_to_fetch(st, "", 50, ids, &n), 0);
	CHECK_INT(n, 0);
	CHECK_STR(q1("SELECT genres IS NULL FROM listen_wiseer.artists WHERE artist_id = 'A1'"), "t");
}

static lw_features
feat(const char *id, double dance)
{
	lw_features f;

	memset(&f, 0, sizeof(f));
	f.track_id = id;
	f.danceability = dance;
	f.energy = 0.5;
	f.key = 5;
	f.loudness = -6;
	f.mode = 1;
	f.tempo = 120;
	f.time_signature = I(4);
	return f;
}

LW_TEST(features)
{
	lw_features f[4];
	lw_features_merge m;
	char		ids[100][LW_ID_BUF];
	int			n;
	const char *idp[2] = {"T1", "T2"};

	CHECK_INT(lw_store_tracks_without_features(st, "", 100, ids, &n), 0);
	CHECK_INT(n, 3);
	f[0] = feat("T1", 0.1);
	f[1] = feat("T2", 0.2);
	CHECK_INT(lw_store_features_begin(st), 0);
	CHECK_INT(lw_store_features_stage(st, f, 2), 0);
	CHECK_INT(lw_store_features_merge(st, "spotify_api", NULL, false, &m), 0);
	CHECK_INT(m.loaded, 2);
	CHECK_INT(lw_store_features_mark_checked(st, idp, 2), 0);
	CHECK_INT(lw_store_tracks_without_features(st, "", 100, ids, &n), 0);
	CHECK_INT(n, 1);
	CHECK_STR(ids[0], "T9");

	/* CSV: unknown track, duplicate, API row kept without overwrite */
	f[0] = feat("T1", 0.9);		/* API row: kept */
	f[1] = feat("T9", 0.3);		/* new */
	f[2] = feat("NOPE", 0.3);	/* unknown */
	f[3] = feat("T9", 0.4);		/* duplicate: the first row wins */
	CHECK_INT(lw_store_features_begin(st), 0);
	CHECK_INT(lw_store_features_stage(st, f, 4), 0);
	CHECK_INT(lw_store_features_merge(st, "csv", "x.csv", false, &m), 0);
	CHECK_INT(m.loaded, 1);
	CHECK_INT(m.kept, 1);
	CHECK_INT(m.unknown, 1);
	CHECK_INT(m.duplicates, 1);
	CHECK_STR(q1("SELECT source || ' ' || danceability FROM listen_wiseer.audio_features WHERE track_id = 'T1'"),
			  "spotify_api 0.1");
	CHECK_STR(q1("SELECT source || ' ' || source_detail || ' ' || danceability FROM listen_wiseer.audio_features"
				 " WHERE track_id = 'T9'"), "csv x.csv 0.3");
	/* the same again: unchanged */
	CHECK_INT(lw_store_features_begin(st), 0);
	CHECK_INT(lw_store_features_stage(st, f + 1, 1), 0);
	CHECK_INT(lw_store_features_merge(st, "csv", "x.csv", false, &m), 0);
	CHECK_INT(m.loaded, 0);
	CHECK_INT(m.unchanged, 1);
	/* overwrite replaces the API row */
	CHECK_INT(lw_store_features_begin(st), 0);
	CHECK_INT(lw_store_features_stage(st, f, 1), 0);
	CHECK_INT(lw_store_features_merge(st, "csv", "x.csv", true, &m), 0);
	CHECK_INT(m.loaded, 1);
	CHECK_STR(q1("SELECT source FROM listen_wiseer.audio_features WHERE track_id = 'T1'"), "csv");
	CHECK(lw_store_refresh_vectors(st) >= 0);
}

LW_TEST(capabilities)
{
	bool		avail = true;

	CHECK_INT(lw_store_capability_get(st, "audio_features", 7, &avail), 0);
	CHECK_INT(lw_store_capability_set(st, "audio_features", false, "HTTP 403"), 0);
	CHECK_INT(lw_store_capability_get(st, "audio_features", 7, &avail), 1);
	CHECK(!avail);
	PQclear(PQexec(db, "UPDATE listen_wiseer.capabilities SET checked_at = now() - interval '8 days'"));
	CHECK_INT(lw_store_capability_get(st, "audio_features", 7, &avail), 0);	/* too old */
}

LW_TEST(user)
{
	lw_user		u;

	memset(&u, 0, sizeof(u));
	u.id = "anademo";
	u.account_id = S("ACC1");
	u.display_name = S("Ana");
	CHECK_INT(lw_store_upsert_user(st, &u), 0);
	u.id = "ana-renamed";		/* same account, new id */
	u.display_name.st = LW_ABSENT;
	CHECK_INT(lw_store_upsert_user(st, &u), 0);
	CHECK_STR(q1("SELECT string_agg(user_id || ' ' || display_name, ',') FROM listen_wiseer.users"),
			  "ana-renamed Ana");
}

LW_TEST(lost_connection)
{
	lw_counts	c = {0};
	lw_item		it = track_item("T5", 0, "five", "A1", NULL);

	PQclear(PQexec(db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
				   " WHERE application_name = 'lw-ingest' AND datname = current_database()"));
	usleep(100000);
	CHECK_INT(lw_store_upsert_item_tracks(st, &it, 1, &c), -1);
	CHECK(!lw_store_connected(st));
	CHECK(strlen(lw_store_error(st)) > 0);
}

int
main(void)
{
	char		conninfo[128];
	char		msg[512];
	char		sql[256];
	PGconn	   *admin = PQconnectdb("dbname=postgres connect_timeout=3");
	bool		ok = false;

	if (PQstatus(admin) != CONNECTION_OK)
	{
		printf("test_store: skipped (no database server: %s)\n", PQerrorMessage(admin));
		PQfinish(admin);
		LW_TEST_END();
	}
	snprintf(dbname, sizeof(dbname), "lw_store_test_%d", (int) getpid());
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", dbname);
	PQclear(PQexec(admin, sql));
	snprintf(conninfo, sizeof(conninfo), "dbname=%s", dbname);
	db = PQconnectdb(conninfo);
	if (PQstatus(db) == CONNECTION_OK)
	{
		PGresult   *r = PQexec(db, "SET client_min_messages = warning; CREATE EXTENSION listen_wiseer");

		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
	}
	if (!ok)
	{
		printf("test_store: skipped (cannot create the extension: %s)\n", PQerrorMessage(db));
		PQfinish(db);
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", dbname);
		PQclear(PQexec(admin, sql));
		PQfinish(admin);
		LW_TEST_END();
	}
	st = lw_store_open(conninfo, msg, sizeof(msg));
	CHECK(st != NULL);
	if (st)
	{
		LW_RUN(runs_and_lock);
		LW_RUN(tracks_absent_null);
		LW_RUN(membership);
		LW_RUN(liked);
		LW_RUN(artists);
		LW_RUN(features);
		LW_RUN(capabilities);
		LW_RUN(user);
		LW_RUN(lost_connection);
		lw_store_close(st);
	}
	PQfinish(db);
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", dbname);
	PQclear(PQexec(admin, sql));
	PQfinish(admin);
	LW_TEST_END();
}
