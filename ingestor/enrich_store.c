/*
 * enrich_store.c - enrichment's SQL (see enrich_store.h).
 */
#include "enrich_store.h"
#include "util.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A fresh cache row for (source, kind, key-expression). */
#define FRESH(src, kind, key) \
	"EXISTS (SELECT 1 FROM listen_wiseer.enrichment_cache c WHERE c.source = '" src "'" \
	" AND c.kind = '" kind "' AND c.key = " key " AND c.expires_at > pg_catalog.now())"

/* store.h keeps its error text private: ours is kept here (lw_es_error()). */
static char es_err[512];

static int
failed(lw_store *st, PGresult *r, const char *what)
{
	snprintf(es_err, sizeof(es_err), "%s: %s", what, PQerrorMessage(lw_store_conn(st)));
	PQclear(r);
	PQclear(PQexec(lw_store_conn(st), "ROLLBACK"));
	return -1;
}

const char *
lw_es_error(void)
{
	return es_err;
}

void
lw_es_clear_error(void)
{
	es_err[0] = '\0';
}

int
lw_es_load_prefs(lw_store *st, lw_es_pref prefs[3])
{
	static const char *const names[3] = {"reccobeats", "musicbrainz", "lastfm"};
	PGresult   *r;

	for (int i = 0; i < 3; i++)
	{
		prefs[i].source = names[i];
		prefs[i].enabled = 1;
		prefs[i].priority = i;
	}
	r = PQexec(lw_store_conn(st), "SELECT source, enabled, priority FROM listen_wiseer.enrichment_sources");
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return failed(st, r, "reading enrichment_sources");
	for (int row = 0; row < PQntuples(r); row++)
		for (int i = 0; i < 3; i++)
			if (strcmp(PQgetvalue(r, row, 0), names[i]) == 0)
			{
				prefs[i].enabled = PQgetvalue(r, row, 1)[0] == 't';
				prefs[i].priority = atoi(PQgetvalue(r, row, 2));
			}
	PQclear(r);
	return 0;
}

#define TRACKS_TODO \
	" FROM listen_wiseer.tracks t WHERE t.in_library" \
	" AND NOT EXISTS (SELECT 1 FROM listen_wiseer.audio_features f WHERE f.track_id = t.track_id)" \
	" AND NOT " FRESH("reccobeats", "track-features", "t.track_id")

static int
count_query(lw_store *st, const char *sql, long *n)
{
	PGresult   *r = PQexec(lw_store_conn(st), sql);

	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return failed(st, r, "counting what is left to enrich");
	*n = atol(PQgetvalue(r, 0, 0));
	PQclear(r);
	return 0;
}

int
lw_es_tracks_todo_count(lw_store *st, long *n)
{
	return count_query(st, "SELECT count(*)" TRACKS_TODO, n);
}

int
lw_es_tracks_todo(lw_store *st, const char *after, int max, char ids[][LW_ES_IDLEN], int *n)
{
	char		lim[16];
	const char *p[2] = {after, lim};
	PGresult   *r;

	snprintf(lim, sizeof(lim), "%d", max);
	r = PQexecParams(lw_store_conn(st),
					 "SELECT t.track_id" TRACKS_TODO " AND t.track_id > $1"
					 " ORDER BY t.track_id LIMIT $2::int", 2, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return failed(st, r, "listing tracks without features");
	*n = PQntuples(r);
	for (int i = 0; i < *n; i++)
		snprintf(ids[i], LW_ES_IDLEN, "%s", PQgetvalue(r, i, 0));
	PQclear(r);
	return 0;
}

static const char *
artists_from(char mode)
{
	switch (mode)
	{
		case 'u':
			return " FROM listen_wiseer.artists a WHERE a.genres IS NULL"
				" AND NOT " FRESH("musicbrainz", "artist-url", "a.artist_id");
		case 'g':
			return " FROM listen_wiseer.artists a"
				" JOIN listen_wiseer.enrichment_cache u ON u.source = 'musicbrainz'"
				" AND u.kind = 'artist-url' AND u.key = a.artist_id AND u.outcome = 'hit'"
				" AND u.expires_at > pg_catalog.now()"
				" WHERE a.genres IS NULL AND NOT " FRESH("musicbrainz", "artist-genres", "a.artist_id");
		default:
			return " FROM listen_wiseer.artists a WHERE a.genres IS NULL AND a.name <> ''"
				" AND NOT " FRESH("lastfm", "artist-tags", "a.artist_id");
	}
}

int
lw_es_artists_todo_count(lw_store *st, char mode, long *n)
{
	lw_buf		q = {0};
	int			rc;

	lw_buf_printf(&q, "SELECT count(*)%s", artists_from(mode));
	rc = count_query(st, q.data, n);
	lw_buf_free(&q);
	return rc;
}

int
lw_es_artists_todo(lw_store *st, char mode, const char *after, int max,
				   char ids[][LW_ES_IDLEN], char **extra, int *n)
{
	char		lim[16];
	const char *p[2] = {after, lim};
	lw_buf		q = {0};
	PGresult   *r;

	snprintf(lim, sizeof(lim), "%d", max);
	lw_buf_printf(&q, "SELECT a.artist_id, %s%s AND a.artist_id > $1 ORDER BY a.artist_id LIMIT $2::int",
				  mode == 'g' ? "u.detail" : mode == 'l' ? "a.name" : "NULL", artists_from(mode));
	r = PQexecParams(lw_store_conn(st), q.data, 2, NULL, p, NULL, NULL, 0);
	lw_buf_free(&q);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return failed(st, r, "listing artists without genres");
	*n = PQntuples(r);
	for (int i = 0; i < *n; i++)
	{
		snprintf(ids[i], LW_ES_IDLEN, "%s", PQgetvalue(r, i, 0));
		if (extra)
			extra[i] = PQgetisnull(r, i, 1) ? NULL : lw_strdup(PQgetvalue(r, i, 1));
	}
	PQclear(r);
	return 0;
}

static int
exec_ok(lw_store *st, const char *sql)
{
	PGresult   *r = PQexec(lw_store_conn(st), sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		return failed(st, r, sql);
	PQclear(r);
	return 0;
}

static int
put_one(lw_store *st, const char *source, const char *kind, int http_status,
		const lw_es_cache_row *row)
{
	char		status[16],
				ttl[16];
	const char *p[8];
	PGresult   *r;

	snprintf(status, sizeof(status), "%d", http_status);
	snprintf(ttl, sizeof(ttl), "%d", row->ttl_days);
	p[0] = source;
	p[1] = kind;
	p[2] = row->key;
	p[3] = row->outcome;
	p[4] = http_status > 0 ? status : NULL;
	p[5] = row->detail;
	p[6] = row->payload;
	p[7] = ttl;
	r = PQexecParams(lw_store_conn(st),
					 "INSERT INTO listen_wiseer.enrichment_cache AS c"
					 " (source, kind, key, outcome, http_status, detail, payload, fetched_at, expires_at)"
					 " VALUES ($1, $2, $3, $4, $5::int, $6, $7::jsonb, pg_catalog.now(),"
					 "  pg_catalog.now() + pg_catalog.make_interval(days => $8::int))"
					 " ON CONFLICT (source, kind, key) DO UPDATE SET outcome = EXCLUDED.outcome,"
					 "  http_status = EXCLUDED.http_status, detail = EXCLUDED.detail,"
					 "  payload = EXCLUDED.payload, fetched_at = EXCLUDED.fetched_at,"
					 "  expires_at = EXCLUDED.expires_at", 8, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		return failed(st, r, "writing enrichment_cache");
	PQclear(r);
	return 0;
}

int
lw_es_cache_put(lw_store *st, const char *source, const char *kind, int http_status,
				const lw_es_cache_row *rows, int n)
{
	if (exec_ok(st, "BEGIN") < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (put_one(st, source, kind, http_status, &rows[i]) < 0)
			return -1;
	return exec_ok(st, "COMMIT");
}

char *
lw_es_genres_json(const lw_genre_list *g)
{
	json_t	   *a = json_array();
	char	   *s;

	for (int i = 0; i < g->n; i++)
		json_array_append_new(a, json_pack("{s:s, s:I}", "name", g->v[i].name,
										   "count", (json_int_t) g->v[i].count));
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

/* A text[] literal: {"a","b"} with \ and " escaped. */
static char *
text_array(const lw_genre_list *g)
{
	lw_buf		b = {0};

	lw_buf_puts(&b, "{");
	for (int i = 0; i < g->n; i++)
	{
		lw_buf_puts(&b, i ? ",\"" : "\"");
		for (const char *c = g->v[i].name; *c; c++)
		{
			if (*c == '"' || *c == '\\')
				lw_buf_puts(&b, "\\");
			lw_buf_append(&b, c, 1);
		}
		lw_buf_puts(&b, "\"");
	}
	lw_buf_puts(&b, "}");
	return b.data;
}

int
lw_es_store_artist_genres(lw_store *st, const char *source, const char *kind,
						  const char *artist_id, const lw_genre_list *genres,
						  const lw_es_cache_row *row)
{
	int			stored = 0;

	if (exec_ok(st, "BEGIN") < 0)
		return -1;
	if (genres && genres->n > 0)
	{
		char	   *arr = text_array(genres);
		const char *p[3] = {artist_id, arr, source};
		PGresult   *r = PQexecParams(lw_store_conn(st),
									 "UPDATE listen_wiseer.artists SET genres = $2::text[],"
									 " genres_source = $3, genres_updated_at = pg_catalog.now(),"
									 " updated_at = pg_catalog.now()"
									 " WHERE artist_id = $1 AND genres IS NULL",
									 3, NULL, p, NULL, NULL, 0);

		free(arr);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			return failed(st, r, "storing genres");
		stored = atoi(PQcmdTuples(r)) > 0;
		PQclear(r);
	}
	if (put_one(st, source, kind, 200, row) < 0)
		return -1;
	if (exec_ok(st, "COMMIT") < 0)
		return -1;
	return stored;
}
