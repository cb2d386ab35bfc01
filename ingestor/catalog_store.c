/*
 * catalog_store.c - stage and merge a catalog file (see catalog_store.h).
 *
 * Every statement names its schema (the session search_path is pg_catalog only, set by
 * lw_store_open). The merge's intermediate tables are ON COMMIT DROP: a failed merge leaves
 * nothing behind but the stage, which the next import empties.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "bulk_write.h"
#include "catalog_store.h"
#include "log.h"
#include "pq_exec.h"
#include "store.h"
#include "util.h"

#define COPY_FLUSH (1024 * 1024)

struct lw_cat_copy
{
	PGconn	   *conn;
	lw_buf		b;
	lw_buf		arr;			/* scratch for array literals */
};

/* A statement whose first row's columns are counts (NULL = 0). */
static int
counts(PGconn *conn, const char *what, const char *sql, const char *param, long *const *out,
	   int n, char *err, size_t errsz)
{
	PGresult   *r = lw_pq_exec(conn, what, sql, param, err, errsz);

	if (r == NULL)
		return -1;
	for (int i = 0; i < n; i++)
		*out[i] = PQntuples(r) > 0 && PQnfields(r) > i ? atol(PQgetvalue(r, 0, i)) : 0;
	PQclear(r);
	return 0;
}

int
lw_cat_stage_prepare(lw_store *st, char *err, size_t errsz)
{
	return lw_pq_run(lw_store_conn(st), "catalog stage",
			   "CREATE TEMP TABLE IF NOT EXISTS lw_cat_rows ("
			   " ord bigint, track_id text, name text, album text, release_date text,"
			   " release_precision text, duration_ms integer, explicit boolean,"
			   " popularity smallint, artist_ids text[], artist_names text[], genres text[],"
			   " has_features boolean, danceability real, energy real, key smallint,"
			   " loudness real, mode smallint, speechiness real, acousticness real,"
			   " instrumentalness real, liveness real, valence real, tempo real,"
			   " time_signature smallint);"
			   "CREATE TEMP TABLE IF NOT EXISTS lw_cat_artists ("
			   " artist_id text, name text, genres text[]);"
			   "TRUNCATE pg_temp.lw_cat_rows, pg_temp.lw_cat_artists", NULL, err, errsz);
}

lw_cat_copy *
lw_cat_copy_begin(lw_store *st, bool artists, char *err, size_t errsz)
{
	lw_cat_copy *c = calloc(1, sizeof(*c));
	PGresult   *r;

	if (c == NULL)
	{
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	c->conn = lw_store_conn(st);
	r = PQexec(c->conn, artists ? "COPY pg_temp.lw_cat_artists FROM STDIN"
			   : "COPY pg_temp.lw_cat_rows FROM STDIN");
	if (PQresultStatus(r) != PGRES_COPY_IN)
	{
		lw_pq_set_err(err, errsz, "catalog copy", PQresultErrorMessage(r));
		PQclear(r);
		free(c);
		return NULL;
	}
	PQclear(r);
	return c;
}

static void
field_long(lw_buf *b, long v, bool known)
{
	char		tmp[32];

	snprintf(tmp, sizeof(tmp), "%ld", v);
	lw_copy_field(b, known ? tmp : NULL, false);
}

static void
field_double(lw_buf *b, double v, bool known)
{
	char		tmp[40];

	snprintf(tmp, sizeof(tmp), "%.9g", v);
	lw_copy_field(b, known ? tmp : NULL, false);
}

/* A text[] literal {"a","b"} (arr is scratch), as one COPY field. */
static void
field_array(lw_buf *b, lw_buf *arr, const char *const *v, int n)
{
	arr->len = 0;
	lw_array_literal(arr, v, n);
	lw_copy_field(b, arr->data, false);
}

static int
maybe_flush(lw_cat_copy *c, size_t at, char *err, size_t errsz)
{
	if (c->b.len < at)
		return 0;
	if (c->b.len > 0 && PQputCopyData(c->conn, c->b.data, (int) c->b.len) != 1)
	{
		lw_pq_set_err(err, errsz, "catalog copy", PQerrorMessage(c->conn));
		return -1;
	}
	c->b.len = 0;
	return 0;
}

/*
 * The id of an artist the file names without an id (the ~114k set): "catalog:" and the first
 * 24 hex digits of the SHA-256 of the name, so the same name is the same artist in every run.
 */
static void
name_id(const char *name, char out[40])
{
	unsigned char h[32];

	lw_sha256(name, strlen(name), h);
	memcpy(out, "catalog:", 8);
	for (int i = 0; i < 12; i++)
		snprintf(out + 8 + 2 * i, 3, "%02x", h[i]);
}

int
lw_cat_copy_track(lw_cat_copy *c, const lw_cat_row *r, long ord, char *err, size_t errsz)
{
	char		ids[LW_CAT_MAX_ARTISTS][40];
	const char *idp[LW_CAT_MAX_ARTISTS];
	lw_buf	   *b = &c->b;

	for (int i = 0; i < r->n_artists; i++)
	{
		if (r->artist_ids[i])
			idp[i] = r->artist_ids[i];
		else
		{
			name_id(r->artist_names[i], ids[i]);
			idp[i] = ids[i];
		}
	}
	{
		char		tmp[32];

		snprintf(tmp, sizeof(tmp), "%ld", ord);
		lw_copy_field(b, tmp, true);
	}
	lw_copy_field(b, r->track_id, false);
	lw_copy_field(b, r->name, false);
	lw_copy_field(b, r->album, false);
	lw_copy_field(b, r->release_precision ? r->release_date : NULL, false);
	lw_copy_field(b, r->release_precision, false);
	field_long(b, r->duration_ms, r->duration_ms >= 0);
	lw_copy_field(b, r->explicit_ < 0 ? NULL : r->explicit_ ? "t" : "f", false);
	field_long(b, r->popularity, r->popularity >= 0);
	field_array(b, &c->arr, idp, r->n_artists);
	field_array(b, &c->arr, r->artist_names, r->n_artists);
	if (r->n_genres > 0)
		field_array(b, &c->arr, r->genres, r->n_genres);
	else
		lw_copy_field(b, NULL, false);
	lw_copy_field(b, r->has_features ? "t" : "f", false);
	field_double(b, r->danceability, r->has_features);
	field_double(b, r->energy, r->has_features);
	field_long(b, r->key, r->has_features);
	field_double(b, r->loudness, r->has_features);
	field_long(b, r->mode, r->has_features);
	field_double(b, r->speechiness, r->has_features);
	field_double(b, r->acousticness, r->has_features);
	field_double(b, r->instrumentalness, r->has_features);
	field_double(b, r->liveness, r->has_features);
	field_double(b, r->valence, r->has_features);
	field_double(b, r->tempo, r->has_features);
	field_long(b, r->time_signature, r->time_signature > 0);
	lw_buf_append(b, "\n", 1);
	return maybe_flush(c, COPY_FLUSH, err, errsz);
}

int
lw_cat_copy_artist(lw_cat_copy *c, const lw_cat_artist *a, char *err, size_t errsz)
{
	lw_copy_field(&c->b, a->artist_id, true);
	lw_copy_field(&c->b, a->name, false);
	field_array(&c->b, &c->arr, a->genres, a->n_genres);
	lw_buf_append(&c->b, "\n", 1);
	return maybe_flush(c, COPY_FLUSH, err, errsz);
}

int
lw_cat_copy_end(lw_cat_copy *c, bool ok, char *err, size_t errsz)
{
	PGresult   *r;
	int			rc = 0;

	if (ok && maybe_flush(c, 1, err, errsz) < 0)
		ok = false, rc = -1;
	if (PQputCopyEnd(c->conn, ok ? NULL : "import-catalog stopped") != 1)
	{
		if (rc == 0)
			lw_pq_set_err(err, errsz, "catalog copy", PQerrorMessage(c->conn));
		rc = -1;
	}
	while ((r = PQgetResult(c->conn)) != NULL)
	{
		if (PQresultStatus(r) != PGRES_COMMAND_OK && ok)
		{
			lw_pq_set_err(err, errsz, "catalog copy", PQresultErrorMessage(r));
			rc = -1;
		}
		PQclear(r);
	}
	lw_buf_free(&c->b);
	lw_buf_free(&c->arr);
	free(c);
	return ok ? rc : -1;
}

/* ---- the merge ---------------------------------------------------------------------------- */

/* The statements of the merge, in order; $1 is the catalog's name. */
static const char *const merge_prepare_sql =
"ANALYZE pg_temp.lw_cat_rows;"
"ANALYZE pg_temp.lw_cat_artists;"
/* one row per track: the first staged */
"CREATE TEMP TABLE lw_cat_t ON COMMIT DROP AS"
" SELECT DISTINCT ON (r.track_id) r.* FROM pg_temp.lw_cat_rows r ORDER BY r.track_id, r.ord;"
"ALTER TABLE pg_temp.lw_cat_t ADD PRIMARY KEY (track_id);"
/* a track's genre labels over all its rows, in first-seen order */
"CREATE TEMP TABLE lw_cat_g ON COMMIT DROP AS"
" SELECT g.track_id, pg_catalog.array_agg(g.genre ORDER BY g.first) AS genres"
" FROM (SELECT r.track_id, x.genre, pg_catalog.min(r.ord * 100 + x.i) AS first"
"       FROM pg_temp.lw_cat_rows r, pg_catalog.unnest(r.genres) WITH ORDINALITY AS x(genre, i)"
"       GROUP BY r.track_id, x.genre) g"
" GROUP BY g.track_id;"
/* credits in order (position 0 = primary artist) */
"CREATE TEMP TABLE lw_cat_c ON COMMIT DROP AS"
" SELECT t.track_id, (x.i - 1)::smallint AS position, x.id AS artist_id,"
"        t.artist_names[x.i] AS name"
" FROM pg_temp.lw_cat_t t, pg_catalog.unnest(t.artist_ids) WITH ORDINALITY AS x(id, i);"
"CREATE INDEX ON pg_temp.lw_cat_c (track_id, position);"
"ANALYZE pg_temp.lw_cat_t; ANALYZE pg_temp.lw_cat_c;";

static const char *const staged_sql =
"SELECT (SELECT pg_catalog.count(*) FROM pg_temp.lw_cat_t),"
" (SELECT pg_catalog.count(*) FROM pg_temp.lw_cat_rows) - (SELECT pg_catalog.count(*) FROM pg_temp.lw_cat_t),"
" (SELECT pg_catalog.count(*) FROM pg_temp.lw_cat_t WHERE NOT has_features)";

/* the artists of the tracks this catalog owns (a library track's credits stay as synced) */
static const char *const artists_sql =
"WITH ins AS ("
" INSERT INTO listen_wiseer.artists (artist_id, name)"
" SELECT DISTINCT ON (c.artist_id) c.artist_id, c.name"
" FROM pg_temp.lw_cat_c c JOIN pg_temp.lw_cat_own o ON o.track_id = c.track_id"
" ORDER BY c.artist_id, c.track_id, c.position"
" ON CONFLICT (artist_id) DO NOTHING RETURNING 1)"
" SELECT pg_catalog.count(*) FROM ins";

/*
 * genres: the artists file's lists, and the genre labels of the tracks an artist leads; for
 * every credited artist that exists (a library artist whose genres are unknown gets them too)
 */
static const char *const genres_sql =
"WITH src AS ("
" (SELECT DISTINCT ON (a.artist_id) a.artist_id, a.genres FROM pg_temp.lw_cat_artists a"
"  WHERE a.genres <> '{}' AND EXISTS (SELECT FROM pg_temp.lw_cat_c c WHERE c.artist_id = a.artist_id)"
"  ORDER BY a.artist_id)"
" UNION ALL"
" SELECT c.artist_id, pg_catalog.array_agg(DISTINCT x.genre ORDER BY x.genre)"
"  FROM pg_temp.lw_cat_c c JOIN pg_temp.lw_cat_g g ON g.track_id = c.track_id,"
"       pg_catalog.unnest(g.genres) AS x(genre)"
"  WHERE c.position = 0 GROUP BY c.artist_id"
"), upd AS ("
" UPDATE listen_wiseer.artists a SET genres = s.genres, genres_source = 'catalog',"
"        updated_at = pg_catalog.now()"
" FROM (SELECT DISTINCT ON (artist_id) * FROM src ORDER BY artist_id) s"
" WHERE a.artist_id = s.artist_id AND (a.genres IS NULL OR a.genres_source = 'catalog')"
"   AND (a.genres IS DISTINCT FROM s.genres OR a.genres_source IS DISTINCT FROM 'catalog')"
" RETURNING 1)"
" SELECT pg_catalog.count(*) FROM upd";

static const char *const tracks_new_sql =
"WITH ins AS ("
" INSERT INTO listen_wiseer.tracks (track_id, name, album_name, release_date,"
"   release_date_precision, duration_ms, explicit, popularity, in_library, catalog)"
" SELECT s.track_id, s.name, s.album, s.release_date, s.release_precision, s.duration_ms,"
"   s.explicit, s.popularity, false, $1 FROM pg_temp.lw_cat_t s"
" WHERE NOT EXISTS (SELECT FROM listen_wiseer.tracks t WHERE t.track_id = s.track_id)"
" ORDER BY s.track_id"	/* key order: index inserts and checks walk the btree in order */
" RETURNING 1)"
" SELECT pg_catalog.count(*) FROM ins";

/* catalog-only tracks of this catalog take the file's values (a newer file) */
static const char *const tracks_update_sql =
"WITH upd AS ("
" UPDATE listen_wiseer.tracks t SET name = s.name, album_name = s.album,"
"   release_date = s.release_date, release_date_precision = s.release_precision,"
"   duration_ms = s.duration_ms, explicit = s.explicit, popularity = s.popularity,"
"   catalog = $1, updated_at = pg_catalog.now()"
" FROM pg_temp.lw_cat_t s"
" WHERE t.track_id = s.track_id AND NOT t.in_library AND (t.catalog = $1 OR t.catalog IS NULL)"
"   AND ((t.name, t.album_name, t.release_date, t.release_date_precision, t.duration_ms,"
"         t.explicit, t.popularity, t.catalog) IS DISTINCT FROM"
"        (s.name, s.album, s.release_date, s.release_precision, s.duration_ms,"
"         s.explicit, s.popularity, $1))"
" RETURNING 1)"
" SELECT pg_catalog.count(*) FROM upd";

/* library tracks learn that the catalog holds them; nothing else of theirs changes */
static const char *const tracks_library_sql =
"WITH upd AS ("
" UPDATE listen_wiseer.tracks t SET catalog = $1, updated_at = pg_catalog.now()"
" FROM pg_temp.lw_cat_t s"
" WHERE t.track_id = s.track_id AND t.in_library AND t.catalog IS DISTINCT FROM $1"
" RETURNING 1)"
" SELECT (SELECT pg_catalog.count(*) FROM upd),"
"  (SELECT pg_catalog.count(*) FROM pg_temp.lw_cat_t s JOIN listen_wiseer.tracks t"
"    ON t.track_id = s.track_id WHERE t.in_library),"
"  (SELECT pg_catalog.count(*) FROM pg_temp.lw_cat_t s JOIN listen_wiseer.tracks t"
"    ON t.track_id = s.track_id WHERE NOT t.in_library AND t.catalog <> $1)";

/* credits of the tracks this catalog owns */
static const char *const owned_sql =
"CREATE TEMP TABLE lw_cat_own ON COMMIT DROP AS"
" SELECT s.track_id FROM pg_temp.lw_cat_t s JOIN listen_wiseer.tracks t ON t.track_id = s.track_id"
" WHERE NOT t.in_library AND t.catalog = $1";

static const char *const credits_sql =
"DELETE FROM listen_wiseer.track_artists ta USING pg_temp.lw_cat_own o"
" WHERE ta.track_id = o.track_id AND NOT EXISTS (SELECT FROM pg_temp.lw_cat_c c"
"  WHERE c.track_id = ta.track_id AND c.position = ta.position AND c.artist_id = ta.artist_id)";

static const char *const credits_insert_sql =
"WITH ins AS ("
" INSERT INTO listen_wiseer.track_artists (track_id, position, artist_id)"
" SELECT c.track_id, c.position, c.artist_id"
" FROM pg_temp.lw_cat_c c JOIN pg_temp.lw_cat_own o ON o.track_id = c.track_id"
/* an anti-join, not ON CONFLICT: speculative insertion cost a third more per row, and the
   ingest lock keeps other writers of these tracks out */
" WHERE NOT EXISTS (SELECT FROM listen_wiseer.track_artists ta"
"  WHERE ta.track_id = c.track_id AND ta.position = c.position)"
" ORDER BY c.track_id, c.position RETURNING 1)"
" SELECT pg_catalog.count(*) FROM ins";

/*
 * features: new rows for tracks without any, and this catalog's own rows where the file changed
 * them; an anti-join and an UPDATE rather than ON CONFLICT, as for the tracks and credits
 */
#define CAT_FEATURE_COLUMNS \
	"danceability, energy, key, loudness, mode, speechiness, acousticness, instrumentalness," \
	" liveness, valence, tempo, duration_ms, time_signature"

static const char *const features_insert_sql =
"WITH ins AS ("
" INSERT INTO listen_wiseer.audio_features (track_id, " CAT_FEATURE_COLUMNS ", source, source_detail)"
" SELECT s.track_id, s.danceability, s.energy, s.key, s.loudness, s.mode, s.speechiness,"
"   s.acousticness, s.instrumentalness, s.liveness, s.valence, s.tempo, s.duration_ms,"
"   s.time_signature, 'catalog', $1"
" FROM pg_temp.lw_cat_t s WHERE s.has_features"
"  AND NOT EXISTS (SELECT FROM listen_wiseer.audio_features af WHERE af.track_id = s.track_id)"
" ORDER BY s.track_id RETURNING 1)"
" SELECT pg_catalog.count(*) FROM ins";

static const char *const features_update_sql =
"WITH upd AS ("
" UPDATE listen_wiseer.audio_features af SET (" CAT_FEATURE_COLUMNS ", loaded_at) ="
"  (s.danceability, s.energy, s.key, s.loudness, s.mode, s.speechiness, s.acousticness,"
"   s.instrumentalness, s.liveness, s.valence, s.tempo, s.duration_ms, s.time_signature,"
"   pg_catalog.now())"
" FROM pg_temp.lw_cat_t s"
" WHERE s.has_features AND af.track_id = s.track_id"
"  AND af.source = 'catalog' AND af.source_detail = $1"
"  AND (af.danceability, af.energy, af.key, af.loudness, af.mode, af.speechiness,"
"       af.acousticness, af.instrumentalness, af.liveness, af.valence, af.tempo,"
"       af.duration_ms, af.time_signature) IS DISTINCT FROM"
"      (s.danceability, s.energy, s.key, s.loudness, s.mode, s.speechiness, s.acousticness,"
"       s.instrumentalness, s.liveness, s.valence, s.tempo, s.duration_ms, s.time_signature)"
" RETURNING 1)"
" SELECT pg_catalog.count(*) FROM upd";

static const char *const features_kept_sql =
"SELECT pg_catalog.count(*) FROM pg_temp.lw_cat_t s"
" JOIN listen_wiseer.audio_features af ON af.track_id = s.track_id"
" WHERE s.has_features AND (af.source <> 'catalog' OR af.source_detail IS DISTINCT FROM $1)";

/* the tables the credits and features steps write, for lw_bulk_begin */
#define CAT_BULK_TABLES "{listen_wiseer.track_artists,listen_wiseer.audio_features}"

/* The credits and features steps (inside the bulk write when it is on). */
static int
merge_credits_features(PGconn *conn, const char *catalog, lw_cat_merge *m, char *err,
					   size_t errsz)
{
	return lw_pq_run(conn, "catalog merge (credits)", credits_sql, NULL, err, errsz) < 0 ||
		counts(conn, "catalog merge (credits)", credits_insert_sql, NULL,
			   (long *const[]) {&m->credits_written}, 1, err, errsz) < 0 ||
		counts(conn, "catalog merge (features)", features_update_sql, catalog,
			   (long *const[]) {&m->features_updated}, 1, err, errsz) < 0 ||
		counts(conn, "catalog merge (features)", features_insert_sql, catalog,
			   (long *const[]) {&m->features_new}, 1, err, errsz) < 0 ? -1 : 0;
}

/* With bulk_min new tracks or more, the credits and features go in as one bulk write. */
static int
merge_bulk_part(PGconn *conn, const char *catalog, long bulk_min, lw_cat_merge *m, char *err,
				size_t errsz)
{
	lw_bulk		b;
	int			on = 0;
	double		t0;

	if (bulk_min > 0 && m->tracks_new >= bulk_min)
	{
		on = lw_bulk_begin(conn, CAT_BULK_TABLES, &b, m->bulk_why, sizeof(m->bulk_why),
						   err, errsz);
		if (on < 0)
			return -1;
		m->bulk_write = on ? 1 : -1;
	}
	if (merge_credits_features(conn, catalog, m, err, errsz) < 0)
	{
		if (on)
			lw_bulk_free(&b);
		return -1;
	}
	if (!on)
		return 0;
	t0 = lw_monotonic();
	if (lw_bulk_end(conn, &b, err, errsz) < 0)
		return -1;
	lw_log_debug("catalog merge (keys checked, indexes built): %.2f s", lw_monotonic() - t0);
	return 0;
}

int
lw_cat_merge_run(lw_store *st, const char *catalog, long bulk_min, lw_cat_merge *m, char *err,
				 size_t errsz)
{
	PGconn	   *conn = lw_store_conn(st);
	memset(m, 0, sizeof(*m));
	if (lw_pq_run(conn, "catalog merge", "BEGIN", NULL, err, errsz) < 0)
		return -1;
	if (lw_pq_run(conn, "catalog merge (prepare)", merge_prepare_sql, NULL, err, errsz) < 0 ||
		counts(conn, "catalog merge (staged)", staged_sql, NULL,
			   (long *const[]) {&m->tracks, &m->duplicates, &m->without_features}, 3, err, errsz) < 0 ||
		counts(conn, "catalog merge (tracks)", tracks_new_sql, catalog,
			   (long *const[]) {&m->tracks_new}, 1, err, errsz) < 0 ||
		counts(conn, "catalog merge (tracks)", tracks_update_sql, catalog,
			   (long *const[]) {&m->tracks_updated}, 1, err, errsz) < 0 ||
		counts(conn, "catalog merge (library tracks)", tracks_library_sql, catalog,
			   (long *const[]) {&m->tracks_library_marked, &m->tracks_in_library,
			   &m->tracks_other_catalog}, 3, err, errsz) < 0 ||
		lw_pq_run(conn, "catalog merge (owned)", owned_sql, catalog, err, errsz) < 0 ||
		lw_pq_run(conn, "catalog merge (owned)", "ANALYZE pg_temp.lw_cat_own", NULL, err, errsz) < 0 ||
		counts(conn, "catalog merge (artists)", artists_sql, NULL,
			   (long *const[]) {&m->artists_new}, 1, err, errsz) < 0 ||
		counts(conn, "catalog merge (genres)", genres_sql, NULL,
			   (long *const[]) {&m->artists_genres}, 1, err, errsz) < 0 ||
		merge_bulk_part(conn, catalog, bulk_min, m, err, errsz) < 0 ||
		counts(conn, "catalog merge (features)", features_kept_sql, catalog,
			   (long *const[]) {&m->features_kept}, 1, err, errsz) < 0 ||
		lw_pq_run(conn, "catalog merge", "COMMIT", NULL, err, errsz) < 0)
	{
		PQclear(PQexec(conn, "ROLLBACK"));
		return -1;
	}
	return 0;
}
