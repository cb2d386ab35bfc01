/*
 * report.c - lw-ingest report: read the library through the reader's rights and write one HTML
 * page (rendered by report_html.c).
 *
 * The session is read-only (BEGIN READ ONLY), one REPEATABLE READ snapshot so every chart shows
 * the same moment, search_path = pg_catalog with every name qualified. It reads only views and
 * tables lw_reader may SELECT and functions it may EXECUTE (recommend, isolation_forest_outliers),
 * so the BI login of README "BI tools" can run it. The page is written to a temporary file and
 * renamed: a failed run never leaves half a page.
 */
#include "report.h"
#include "ext_version.h"

#include "exitcodes.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const lw_report_features[LW_REPORT_N_FEATURES] = {
	"danceability", "energy", "speechiness", "acousticness", "instrumentalness", "liveness", "valence"
};

/* The playlists charted, in report order: followed, with current members. */
#define PLAYLISTS_CTE \
	"WITH pl AS (SELECT p.playlist_id, p.name, pg_catalog.count(*) AS members" \
	" FROM listen_wiseer.playlists p JOIN listen_wiseer.playlist_tracks pt ON pt.playlist_id = p.playlist_id" \
	" WHERE pt.removed_at IS NULL AND p.unfollowed_at IS NULL GROUP BY p.playlist_id, p.name) "
#define PLAYLIST_ORDER "pg_catalog.lower(pl.name), pl.playlist_id"

static const char *const q_summary =
	"SELECT (SELECT pg_catalog.count(*) FROM listen_wiseer.playlists WHERE unfollowed_at IS NULL),"
	" (SELECT pg_catalog.count(*) FROM listen_wiseer.tracks WHERE in_library),"
	" (SELECT pg_catalog.count(*) FROM listen_wiseer.artists),"
	" (SELECT pg_catalog.count(*) FROM listen_wiseer.audio_features f"
	"   JOIN listen_wiseer.tracks t ON t.track_id = f.track_id WHERE t.in_library),"
	" (SELECT pg_catalog.count(*) FROM listen_wiseer.liked_tracks WHERE removed_at IS NULL),"
	" (SELECT pg_catalog.to_char(pg_catalog.max(finished_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')"
	"   FROM listen_wiseer.sync_health WHERE status = 'ok' AND command = 'sync')";

static const char *const q_playlists =
	PLAYLISTS_CTE "SELECT pl.playlist_id, pl.name, pl.members FROM pl ORDER BY " PLAYLIST_ORDER;

static const char *const q_mix =
	PLAYLISTS_CTE "SELECT m.playlist_id, m.genre_group, m.tracks, m.share"
	" FROM pl JOIN listen_wiseer.playlist_genre_mix m ON m.playlist_id = pl.playlist_id"
	" ORDER BY " PLAYLIST_ORDER ", m.genre_group";

/* Histograms: each distinct current member with features counts once per playlist. */
static const char *const q_hist =
	PLAYLISTS_CTE ", m AS (SELECT DISTINCT pt.playlist_id, pt.track_id FROM listen_wiseer.playlist_tracks pt"
	"  WHERE pt.removed_at IS NULL),"
	" v AS (SELECT m.playlist_id, f.no,"
	"  LEAST(pg_catalog.width_bucket(f.value, 0.0::float8, 1.0::float8, 10), 10) AS bin"
	"  FROM m JOIN listen_wiseer.audio_features a ON a.track_id = m.track_id"
	"  CROSS JOIN LATERAL (VALUES (1, a.danceability::float8), (2, a.energy::float8),"
	"   (3, a.speechiness::float8), (4, a.acousticness::float8), (5, a.instrumentalness::float8),"
	"   (6, a.liveness::float8), (7, a.valence::float8)) AS f(no, value))"
	" SELECT pl.playlist_id, v.no,"
	"  pg_catalog.count(*) FILTER (WHERE v.bin = 1), pg_catalog.count(*) FILTER (WHERE v.bin = 2),"
	"  pg_catalog.count(*) FILTER (WHERE v.bin = 3), pg_catalog.count(*) FILTER (WHERE v.bin = 4),"
	"  pg_catalog.count(*) FILTER (WHERE v.bin = 5), pg_catalog.count(*) FILTER (WHERE v.bin = 6),"
	"  pg_catalog.count(*) FILTER (WHERE v.bin = 7), pg_catalog.count(*) FILTER (WHERE v.bin = 8),"
	"  pg_catalog.count(*) FILTER (WHERE v.bin = 9), pg_catalog.count(*) FILTER (WHERE v.bin = 10)"
	" FROM pl JOIN v ON v.playlist_id = pl.playlist_id"
	" GROUP BY pl.playlist_id, pl.name, v.no ORDER BY " PLAYLIST_ORDER ", v.no";

static const char *const q_outliers =
	PLAYLISTS_CTE "SELECT o.playlist_id, o.track_id, o.track_name, o.score,"
	" a.danceability, a.energy, a.speechiness, a.acousticness, a.instrumentalness, a.liveness, a.valence"
	" FROM pl JOIN listen_wiseer.playlist_outliers o ON o.playlist_id = pl.playlist_id"
	" JOIN listen_wiseer.audio_features a ON a.track_id = o.track_id"
	" ORDER BY " PLAYLIST_ORDER ", o.score DESC, o.track_id";

/* %s: the extension's schema (quoted); recommend() lives there. */
static const char *const q_recs_fmt =
	PLAYLISTS_CTE ", top AS (SELECT pl.playlist_id, pl.name, pl.members FROM pl"
	"  ORDER BY pl.members DESC, pl.playlist_id LIMIT %d)"
	" SELECT top.playlist_id, top.name, r.rank, r.track_name, r.artists,"
	"  pg_catalog.round(r.score::numeric, 3), r.reason"
	" FROM top CROSS JOIN LATERAL %s.recommend(top.playlist_id, %d) r"
	" ORDER BY top.members DESC, top.playlist_id, r.rank";

static const char *const q_runs_fmt =
	"SELECT * FROM (SELECT run_id, command,"
	"  pg_catalog.to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), status,"
	"  pg_catalog.round(duration_s::numeric, 3), requests, tracks_new, tracks_changed,"
	"  features_filled, genres_filled, warnings"
	"  FROM listen_wiseer.sync_health ORDER BY started_at DESC, run_id DESC LIMIT %d) s"
	" ORDER BY 3, 1";

void
lw_report_free(lw_report *r)
{
	PGresult  **all[] = {&r->summary, &r->playlists, &r->mix, &r->hist, &r->outliers, &r->recs, &r->runs};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
	{
		PQclear(*all[i]);
		*all[i] = NULL;
	}
}

/* Run one query that returns rows; NULL and an error message on failure. */
static PGresult *
query(PGconn *conn, const char *what, const char *sql)
{
	PGresult   *res = PQexec(conn, sql);

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		char		msg[512];

		snprintf(msg, sizeof(msg), "%s", PQresultErrorMessage(res));
		msg[strcspn(msg, "\n")] = '\0';
		lw_log_error("report: %s: %s", what, msg);
		PQclear(res);
		return NULL;
	}
	return res;
}

static int
command(PGconn *conn, const char *sql)
{
	PGresult   *res = PQexec(conn, sql);
	int			ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;

	if (!ok)
	{
		char		msg[512];

		snprintf(msg, sizeof(msg), "%s", PQresultErrorMessage(res));
		msg[strcspn(msg, "\n")] = '\0';
		lw_log_error("report: %s", msg);
	}
	PQclear(res);
	return ok ? 0 : -1;
}

/* All queries, in one read-only snapshot. */
static int
load(PGconn *conn, lw_report *r)
{
	PGresult   *res;
	char	   *schema;
	char		sql[4096];

	if (command(conn, "SELECT pg_catalog.set_config('search_path', 'pg_catalog', false),"
				" pg_catalog.set_config('client_min_messages', 'warning', false)") < 0 ||
		command(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") < 0)
		return -1;
	res = query(conn, "extension", "SELECT e.extnamespace::pg_catalog.regnamespace::text,"
				" pg_catalog.to_char(pg_catalog.now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')"
				" FROM pg_catalog.pg_extension e WHERE e.extname = 'listen_wiseer'");
	if (res == NULL)
		return -1;
	if (PQntuples(res) != 1)
	{
		lw_log_error("report: the extension listen_wiseer is not installed in this database");
		PQclear(res);
		return -1;
	}
	/* regnamespace::text is already quoted where needed */
	schema = lw_strdup(PQgetvalue(res, 0, 0));
	snprintf(r->generated_at, sizeof(r->generated_at), "%s UTC", PQgetvalue(res, 0, 1));
	PQclear(res);

	if ((r->summary = query(conn, "library summary", q_summary)) == NULL ||
		(r->playlists = query(conn, "playlists", q_playlists)) == NULL ||
		(r->mix = query(conn, "genre-group mix", q_mix)) == NULL ||
		(r->hist = query(conn, "feature distributions", q_hist)) == NULL ||
		(r->outliers = query(conn, "outliers", q_outliers)) == NULL)
	{
		free(schema);
		return -1;
	}
	snprintf(sql, sizeof(sql), q_recs_fmt, LW_REPORT_REC_PLAYLISTS, schema, LW_REPORT_RECS);
	free(schema);
	if ((r->recs = query(conn, "recommendations", sql)) == NULL)
		return -1;
	snprintf(sql, sizeof(sql), q_runs_fmt, LW_REPORT_RUNS);
	if ((r->runs = query(conn, "sync health", sql)) == NULL)
		return -1;
	return command(conn, "COMMIT");
}

/* mkdir -p dir (mode 0755 for what it creates). */
static int
make_dirs(const char *dir)
{
	char	   *p = lw_strdup(dir);
	int			rc = 0;

	for (char *s = p + 1; rc == 0; s++)
	{
		char		c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			rc = -1;
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return rc;
}

/* Write data to dir/name through a temporary file and rename(). */
static int
write_file(const char *dir, const char *name, const lw_buf *data, char *path, size_t pathsz)
{
	char		tmp[4200];
	FILE	   *f;
	int			ok;

	if (make_dirs(dir) < 0)
	{
		lw_log_error("report: cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(path, pathsz, "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.%ld.tmp", dir, name, (long) getpid());
	f = fopen(tmp, "w");
	if (f == NULL)
	{
		lw_log_error("report: cannot write %s: %s", tmp, strerror(errno));
		return -1;
	}
	ok = fwrite(data->data, 1, data->len, f) == data->len;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, path) < 0)
	{
		lw_log_error("report: cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
lw_cmd_report(const lw_config *cfg, const char *out_dir)
{
	const char *const keys[] = {"dbname", "fallback_application_name", NULL};
	const char *const vals[] = {cfg->dbname, "lw-ingest report", NULL};
	PGconn	   *conn;
	lw_report	r;
	lw_buf		page = {0};
	char		path[4200];
	int			rc = LW_EXIT_FAILURE;

	memset(&r, 0, sizeof(r));
	conn = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(conn) != CONNECTION_OK)
	{
		char		msg[512];

		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(conn));
		msg[strcspn(msg, "\n")] = '\0';
		lw_log_error("report: cannot connect to the database: %s", msg);
		PQfinish(conn);
		return LW_EXIT_FAILURE;
	}
	if ((rc = lw_ext_version_require(conn)) != LW_EXIT_OK)
	{
		PQfinish(conn);
		return rc;
	}
	rc = LW_EXIT_FAILURE;
	if (PQsetClientEncoding(conn, "UTF8") == 0 && load(conn, &r) == 0)
	{
		lw_report_render(&r, &page);
		if (write_file(out_dir, "report.html", &page, path, sizeof(path)) == 0)
		{
			printf("%s\n", path);
			rc = LW_EXIT_OK;
		}
	}
	lw_buf_free(&page);
	lw_report_free(&r);
	PQfinish(conn);
	return rc;
}
