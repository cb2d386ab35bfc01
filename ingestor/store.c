/*
 * store.c - records -> listen_wiseer tables with libpq (see store.h).
 *
 * Pages of records go through session temp tables (COPY, then set-based SQL): one round trip
 * per table instead of one per row, and the "only what changed" logic lives in SQL
 * (IS DISTINCT FROM, per-field "present" flags). Every statement names its schema;
 * the session search_path is pg_catalog only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "exitcodes.h"
#include "log.h"
#include "store.h"
#include "util.h"

/* pg_advisory_lock(int4, int4) key of the ingest lock: "LW" and 1 */
#define LW_LOCK_CLASS 0x4C57
#define LW_LOCK_OBJ   1

struct lw_store
{
	PGconn	   *conn;
	lw_error	err;			/* the last failure (exit code LW_EXIT_FAILURE) */
	long		feat_ord;		/* arrival order of staged features */
	long		stage_uses;		/* stage resets since the last VACUUM of the stage tables */
	bool		stage_analyzed; /* the stage tables have statistics */
	bool		locked;			/* holds the ingest lock (lw_store_lock) */
};

/* ---- small helpers ------------------------------------------------------------------------ */

/* COPY text format: a field (NULL -> \N), escaping backslash, tab, newline, CR. */
void
lw_copy_field(lw_buf *b, const char *s, bool first)
{
	if (!first)
		lw_buf_append(b, "\t", 1);
	if (s == NULL)
	{
		lw_buf_append(b, "\\N", 2);
		return;
	}
	for (const char *p = s; *p; p++)
	{
		switch (*p)
		{
			case '\\':
				lw_buf_append(b, "\\\\", 2);
				break;
			case '\t':
				lw_buf_append(b, "\\t", 2);
				break;
			case '\n':
				lw_buf_append(b, "\\n", 2);
				break;
			case '\r':
				lw_buf_append(b, "\\r", 2);
				break;
			default:
				lw_buf_append(b, p, 1);
		}
	}
}

static void
copy_str(lw_buf *b, lw_str v)
{
	lw_copy_field(b, v.st == LW_SET ? v.v : NULL, false);
	lw_copy_field(b, v.st != LW_ABSENT ? "t" : "f", false);
}

static void
copy_int(lw_buf *b, lw_int v)
{
	char		tmp[32];

	snprintf(tmp, sizeof(tmp), "%lld", v.v);
	lw_copy_field(b, v.st == LW_SET ? tmp : NULL, false);
	lw_copy_field(b, v.st != LW_ABSENT ? "t" : "f", false);
}

static void
copy_bool(lw_buf *b, lw_bool v)
{
	lw_copy_field(b, v.st == LW_SET ? (v.v ? "t" : "f") : NULL, false);
	lw_copy_field(b, v.st != LW_ABSENT ? "t" : "f", false);
}

static void
copy_double(lw_buf *b, double v)
{
	char		tmp[40];

	snprintf(tmp, sizeof(tmp), "%.9g", v);
	lw_copy_field(b, tmp, false);
}

/* A text[] literal: {"a","b"} with " and \ escaped (appended to b, unescaped for COPY). */
void
lw_array_literal(lw_buf *b, const char *const *v, int n)
{
	lw_buf_append(b, "{", 1);
	for (int i = 0; i < n; i++)
	{
		if (i)
			lw_buf_append(b, ",", 1);
		lw_buf_append(b, "\"", 1);
		for (const char *p = v[i]; *p; p++)
		{
			if (*p == '"' || *p == '\\')
				lw_buf_append(b, "\\", 1);
			lw_buf_append(b, p, 1);
		}
		lw_buf_append(b, "\"", 1);
	}
	lw_buf_append(b, "}", 1);
}

static void
set_err(lw_store *st, const char *what, const char *pgmsg)
{
	size_t		n;

	lw_error_set(&st->err, LW_EXIT_FAILURE, "%s: %s", what, pgmsg ? pgmsg : "unknown error");
	n = strlen(st->err.message);
	while (n > 0 && (st->err.message[n - 1] == '\n' || st->err.message[n - 1] == ' '))
		st->err.message[--n] = '\0';
}

/* After an error: leave no transaction open (a lost connection stays lost). */
static void
abort_tx(lw_store *st)
{
	if (PQstatus(st->conn) == CONNECTION_OK &&
		PQtransactionStatus(st->conn) != PQTRANS_IDLE)
		PQclear(PQexec(st->conn, "ROLLBACK"));
}

static PGresult *
run(lw_store *st, const char *what, const char *sql, int nparams, const char *const *params)
{
	PGresult   *r = nparams ? PQexecParams(st->conn, sql, nparams, NULL, params, NULL, NULL, 0)
		: PQexec(st->conn, sql);
	ExecStatusType s = PQresultStatus(r);

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
	{
		const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;

		if (m == NULL)
			m = r ? PQresultErrorMessage(r) : "";

		set_err(st, what, m[0] ? m : PQerrorMessage(st->conn));
		PQclear(r);
		abort_tx(st);
		return NULL;
	}
	return r;
}

/*
 * Run a statement and return a number, or -1 on error: with value, the integer in its first
 * row and column (a count, or EXISTS (...)::int); else the affected/returned row count.
 */
static long
run_number(lw_store *st, const char *what, const char *sql, int np, const char *const *p,
		   bool value)
{
	PGresult   *r = run(st, what, sql, np, p);
	long		n;

	if (r == NULL)
		return -1;
	if (value)
		n = atol(PQgetvalue(r, 0, 0));
	else
		n = PQresultStatus(r) == PGRES_TUPLES_OK ? PQntuples(r) : atol(PQcmdTuples(r));
	PQclear(r);
	return n;
}

/* Run a statement; returns the affected/returned row count or -1. */
static long
exec(lw_store *st, const char *what, const char *sql, int nparams, const char *const *params)
{
	return run_number(st, what, sql, nparams, params, false);
}

/* A query returning one integer; -1 on error. */
static long
count_query(lw_store *st, const char *what, const char *sql, int np, const char *const *p)
{
	return run_number(st, what, sql, np, p, true);
}

static int
begin(lw_store *st)
{
	return exec(st, "begin", "BEGIN", 0, NULL) < 0 ? -1 : 0;
}

static int
commit(lw_store *st)
{
	return exec(st, "commit", "COMMIT", 0, NULL) < 0 ? -1 : 0;
}

/*
 * Empty stage tables (inside the caller's transaction). DELETE, not TRUNCATE: truncating
 * temp tables costs milliseconds per table and page, and ON COMMIT DELETE ROWS would do it at
 * every commit. The dead rows are reclaimed by stage_vacuum() every so often.
 */
static int
stage_reset(lw_store *st, const char *sql)
{
	st->stage_uses++;
	return exec(st, "stage reset", sql, 0, NULL) < 0 ? -1 : 0;
}

/* Outside a transaction: VACUUM the stage tables after many resets. */
static int
stage_vacuum(lw_store *st)
{
	/*
	 * Often: the planner's nested loops over a stage table read its dead rows too. ANALYZE
	 * gives it the real (small) row counts of the stage tables.
	 */
	if (st->stage_uses < (st->stage_analyzed ? 24 : 3))
		return 0;
	st->stage_uses = 0;
	st->stage_analyzed = true;
	return exec(st, "stage vacuum",
				"VACUUM (ANALYZE) pg_temp.lw_s_tracks, pg_temp.lw_s_track_artists, pg_temp.lw_s_playlists,"
				" pg_temp.lw_s_liked, pg_temp.lw_s_artists, pg_temp.lw_s_features", 0, NULL) < 0
		? -1 : 0;
}

/* COPY rows (already formatted in b) into a temp table. */
static int
copy_in(lw_store *st, const char *what, const char *copy_sql, const lw_buf *b)
{
	PGresult   *r;
	int			ok = 0;

	lw_error_clear(&st->err);
	r = PQexec(st->conn, copy_sql);
	if (PQresultStatus(r) != PGRES_COPY_IN)
	{
		set_err(st, what, PQresultErrorMessage(r));
		PQclear(r);
		abort_tx(st);
		return -1;
	}
	PQclear(r);
	if (b->len > 0 && PQputCopyData(st->conn, b->data, (int) b->len) != 1)
		ok = -1;
	if (PQputCopyEnd(st->conn, ok == 0 ? NULL : "client error") != 1)
		ok = -1;
	while ((r = PQgetResult(st->conn)) != NULL)
	{
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
		{
			set_err(st, what, PQresultErrorMessage(r));
			ok = -1;
		}
		PQclear(r);
	}
	if (ok != 0)
	{
		if (st->err.message[0] == '\0')
			set_err(st, what, PQerrorMessage(st->conn));
		abort_tx(st);
	}
	return ok;
}

/* "a,b,c" from ids (validated base-62 ids: no commas) */
static char *
join_ids(const char *const *ids, int n)
{
	lw_buf		b = {0};

	for (int i = 0; i < n; i++)
	{
		if (i)
			lw_buf_append(&b, ",", 1);
		lw_buf_puts(&b, ids[i]);
	}
	if (b.data == NULL)
		lw_buf_puts(&b, "");
	return b.data;
}

static void
notice_quiet(void *arg, const char *message)
{
	(void) arg;
	lw_log_debug("database: %.*s", (int) strcspn(message, "\n"), message);
}

/*
 * Stamps: a timestamptz column set to now() once, on rows where it is still NULL. One table
 * describes each; stamp_ids() stamps the rows whose ids are given, stamp_unseen() the rows a
 * complete listing did not contain (their keys absent from a session stage table).
 */
typedef struct stamp
{
	const char *what;			/* for messages */
	const char *table;			/* schema-qualified */
	const char *key;			/* key column (stamp_ids: the ids given are its values) */
	const char *column;			/* the column stamped */
	/* stamp_unseen only: */
	const char *stage;			/* table (or subquery) of the rows seen, with the key column */
	const char *also_match;		/* a second column a stage row must match, or NULL */
	const char *scope;			/* a condition on t, the rows considered ($1 = param), or NULL */
} stamp;

static const stamp stamp_artists_fetched = {
	.what = "artists fetched", .table = "listen_wiseer.artists", .key = "artist_id",
	.column = "genres_fetched_at",
};
static const stamp stamp_features_checked = {
	.what = "features checked", .table = "listen_wiseer.tracks", .key = "track_id",
	.column = "features_checked_at",
};
static const stamp stamp_unfollowed = {
	.what = "unfollowed playlists", .table = "listen_wiseer.playlists", .key = "playlist_id",
	.column = "unfollowed_at", .stage = "pg_temp.lw_s_seen",
};
static const stamp stamp_liked_removed = {
	.what = "liked removed", .table = "listen_wiseer.liked_tracks", .key = "track_id",
	.column = "removed_at", .stage = "pg_temp.lw_s_liked_all",
};
/* one playlist's rows: the n-th occurrence of a track matches its n-th staged position */
static const stamp stamp_members_removed = {
	.what = "membership removed", .table = "listen_wiseer.playlist_tracks", .key = "track_id",
	.column = "removed_at",
	.stage = "(SELECT track_id, pg_catalog.row_number() OVER (PARTITION BY track_id"
	" ORDER BY position) AS occurrence FROM pg_temp.lw_s_members)",
	.also_match = "occurrence", .scope = "t.playlist_id = $1",
};

/*
 * Stamp the rows whose ids are given. The UPDATE runs only when a row is left to stamp, so a
 * no-change sync fires no statement trigger.
 */
static int
stamp_ids(lw_store *st, const stamp *s, const char *const *ids, int n)
{
	lw_buf		where = {0};
	lw_buf		sql = {0};
	char	   *list;
	const char *p[1];
	long		k;

	if (n == 0)
		return 0;
	list = join_ids(ids, n);
	p[0] = list;
	lw_buf_printf(&where, " WHERE %s = ANY (pg_catalog.string_to_array($1, ',')) AND %s IS NULL",
				  s->key, s->column);
	lw_buf_printf(&sql, "SELECT EXISTS (SELECT 1 FROM %s%s)::int", s->table, where.data);
	k = count_query(st, s->what, sql.data, 1, p);
	if (k == 1)
	{
		sql.len = 0;
		lw_buf_printf(&sql, "UPDATE %s SET %s = pg_catalog.now()%s", s->table, s->column,
					  where.data);
		k = exec(st, s->what, sql.data, 1, p);
	}
	lw_buf_free(&where);
	lw_buf_free(&sql);
	free(list);
	return k < 0 ? -1 : 0;
}

/*
 * After a complete listing: stamp the rows (within s->scope, param as $1) that are not in
 * s->stage. Adds the count to *counter (may be NULL).
 */
static int
stamp_unseen(lw_store *st, const stamp *s, const char *param, long *counter)
{
	lw_buf		sql = {0};
	const char *p[1] = {param};
	long		n;

	lw_buf_printf(&sql, "UPDATE %s t SET %s = pg_catalog.now() WHERE %s%st.%s IS NULL"
				  " AND NOT EXISTS (SELECT 1 FROM %s s WHERE s.%s = t.%s",
				  s->table, s->column, s->scope ? s->scope : "", s->scope ? " AND " : "",
				  s->column, s->stage, s->key, s->key);
	if (s->also_match)
		lw_buf_printf(&sql, " AND s.%s = t.%s", s->also_match, s->also_match);
	lw_buf_puts(&sql, ")");
	n = exec(st, s->what, sql.data, s->scope ? 1 : 0, s->scope ? p : NULL);
	lw_buf_free(&sql);
	if (n < 0)
		return -1;
	if (counter)
		*counter += n;
	return 0;
}

/*
 * Updates of library rows from a stage whose columns come in pairs (col, col_p: "the response
 * carried this field"): a column changes only when its field was present, and a row is written
 * only when something present differs. One description per table.
 */
typedef struct present_merge
{
	const char *what;			/* for messages */
	const char *table;			/* schema-qualified */
	const char *key;
	const char *stage;
	const char *const *cols;	/* NULL-terminated; the stage has col and col_p for each */
	const char *also_set;		/* more SET items, or NULL */
	const char *also_changed;	/* another reason to write the row (t = the table), or NULL */
} present_merge;

static const char *const playlist_cols[] = {"name", "owner_id", "owner_name", "description",
"public", "collaborative", "total_items", NULL};
static const present_merge playlists_update =
{"playlists update", "listen_wiseer.playlists", "playlist_id", "pg_temp.lw_s_playlists",
	playlist_cols, "unfollowed_at = NULL", "t.unfollowed_at IS NOT NULL"};

static const char *const track_cols[] = {"name", "album_id", "album_name", "release_date",
"release_date_precision", "duration_ms", "explicit", "popularity", "isrc", NULL};
static const present_merge tracks_update =
{"tracks update", "listen_wiseer.tracks", "track_id", "pg_temp.lw_s_tracks",
	track_cols, "in_library = true, updated_at = pg_catalog.now()",
	"NOT t.in_library"};			/* a catalog track joins the library */

/* Run the UPDATE described by m (first staged row of each key wins). Rows updated, or -1. */
static long
update_present(lw_store *st, const present_merge *m)
{
	lw_buf		sql = {0};
	long		n;

	lw_buf_printf(&sql, "UPDATE %s t SET", m->table);
	for (const char *const *c = m->cols; *c; c++)
		lw_buf_printf(&sql, " %s = CASE WHEN s.%s_p THEN s.%s ELSE t.%s END,", *c, *c, *c, *c);
	lw_buf_printf(&sql, " %s FROM (SELECT DISTINCT ON (%s) * FROM %s ORDER BY %s) s"
				  " WHERE t.%s = s.%s AND (", m->also_set, m->key, m->stage, m->key,
				  m->key, m->key);
	for (const char *const *c = m->cols; *c; c++)
		lw_buf_printf(&sql, "%s(s.%s_p AND t.%s IS DISTINCT FROM s.%s)",
					  c == m->cols ? "" : " OR ", *c, *c, *c);
	if (m->also_changed)
		lw_buf_printf(&sql, " OR %s", m->also_changed);
	lw_buf_puts(&sql, ")");
	n = exec(st, m->what, sql.data, 0, NULL);
	lw_buf_free(&sql);
	return n;
}

/* ---- connection, lock, schema ------------------------------------------------------------- */

static const char *const temp_tables_sql =
	"CREATE TEMP TABLE IF NOT EXISTS lw_s_tracks ("
	" track_id text, name text, name_p bool, album_id text, album_id_p bool,"
	" album_name text, album_name_p bool, release_date text, release_date_p bool,"
	" release_date_precision text, release_date_precision_p bool, duration_ms integer,"
	" duration_ms_p bool, explicit boolean, explicit_p bool, popularity smallint,"
	" popularity_p bool, isrc text, isrc_p bool, artists_p bool);"
	"CREATE TEMP TABLE IF NOT EXISTS lw_s_track_artists ("
	" track_id text, position smallint, artist_id text, name text);"
	"CREATE TEMP TABLE IF NOT EXISTS lw_s_members ("
	" position integer, track_id text, added_at timestamptz, added_by text);"
	"CREATE TEMP TABLE IF NOT EXISTS lw_s_playlists ("
	" playlist_id text, name text, name_p bool, owner_id text, owner_id_p bool,"
	" owner_name text, owner_name_p bool, snapshot_id text, snapshot_id_p bool,"
	" description text, description_p bool, public boolean, public_p bool,"
	" collaborative boolean, collaborative_p bool, total_items integer, total_items_p bool)"
	";"
	"CREATE TEMP TABLE IF NOT EXISTS lw_s_seen (playlist_id text PRIMARY KEY, snapshot_id text);"
	"CREATE TEMP TABLE IF NOT EXISTS lw_s_liked (ord integer, track_id text, added_at timestamptz);"
	"CREATE TEMP TABLE IF NOT EXISTS lw_s_liked_all (track_id text PRIMARY KEY);"
	"CREATE TEMP TABLE IF NOT EXISTS lw_s_artists ("
	" artist_id text, name text, name_p bool, genres text[], genres_p bool,"
	" popularity smallint, popularity_p bool, followers bigint, followers_p bool)"
	";"
	"CREATE TEMP TABLE IF NOT EXISTS lw_s_features ("
	" ord bigint, track_id text, danceability real, energy real, key smallint, loudness real,"
	" mode smallint, speechiness real, acousticness real, instrumentalness real,"
	" liveness real, valence real, tempo real, duration_ms integer, time_signature smallint);";

lw_store *
lw_store_open(const char *conninfo, char *msg, size_t msgsz)
{
	lw_store   *st = calloc(1, sizeof(*st));

	if (st == NULL)
	{
		snprintf(msg, msgsz, "out of memory");
		return NULL;
	}
	{
		/* expand_dbname: a bare database name, a key=value string or a URI */
		const char *const keys[] = {"dbname", "fallback_application_name", NULL};
		const char *const vals[] = {conninfo, "lw-ingest", NULL};

		st->conn = PQconnectdbParams(keys, vals, 1);
	}
	if (PQstatus(st->conn) != CONNECTION_OK)
	{
		snprintf(msg, msgsz, "cannot connect to the database: %s", PQerrorMessage(st->conn));
		msg[strcspn(msg, "\n")] = '\0';
		lw_store_close(st);
		return NULL;
	}
	PQsetNoticeProcessor(st->conn, notice_quiet, NULL);
	if (exec(st, "session setup",
			 "SELECT pg_catalog.set_config('search_path', 'pg_catalog', false),"
			 " pg_catalog.set_config('application_name', 'lw-ingest', false),"
			 " pg_catalog.set_config('client_min_messages', 'warning', false),"
			 /* the extension's per-commit vector refresh: we call refresh_vectors() once */
			 " pg_catalog.set_config('listen_wiseer.defer_refresh', 'on', false)", 0, NULL) < 0 ||
		PQsetClientEncoding(st->conn, "UTF8") != 0 ||
		exec(st, "temp tables", temp_tables_sql, 0, NULL) < 0)
	{
		snprintf(msg, msgsz, "%s", st->err.message[0] ? st->err.message : "cannot set up the session");
		lw_store_close(st);
		return NULL;
	}
	return st;
}

/* the ingest lock's two keys, as the text parameters of pg_advisory_*(int4, int4) */
static void
lock_key(char a[16], char b[16])
{
	snprintf(a, 16, "%d", LW_LOCK_CLASS);
	snprintf(b, 16, "%d", LW_LOCK_OBJ);
}

void
lw_store_close(lw_store *st)
{
	if (st == NULL)
		return;
	if (st->locked && PQstatus(st->conn) == CONNECTION_OK &&
		PQtransactionStatus(st->conn) != PQTRANS_ACTIVE &&
		PQtransactionStatus(st->conn) != PQTRANS_UNKNOWN)
	{
		/*
		 * Release the ingest lock before hanging up. The server drops a session's locks only
		 * as its backend exits, after this process may be gone, so a run started right after
		 * this one could find the lock still taken and exit 1 ("another lw-ingest run"): a
		 * flake of e2e catalog_formats, and `lw-ingest sync && lw-ingest enrich` from cron.
		 * The debug line reports the server's answer (e2e back_to_back reads it).
		 */
		char		a[16],
					b[16];
		const char *p[2] = {a, b};
		PGresult   *r;

		if (PQtransactionStatus(st->conn) != PQTRANS_IDLE)
			PQclear(PQexec(st->conn, "ROLLBACK"));
		lock_key(a, b);
		r = PQexecParams(st->conn, "SELECT pg_catalog.pg_advisory_unlock($1::int4, $2::int4)",
						 2, NULL, p, NULL, NULL, 0);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), "t") == 0)
			lw_log_debug("ingest lock released");
		PQclear(r);
	}
	if (st->conn)
		PQfinish(st->conn);
	free(st);
}

const char *
lw_store_error(const lw_store *st)
{
	return st->err.message;
}

PGconn *
lw_store_conn(lw_store *st)
{
	return st->conn;
}

bool
lw_store_connected(const lw_store *st)
{
	return st->conn && PQstatus(st->conn) == CONNECTION_OK;
}

/*
 * Once the run holds the ingest lock, every statement waits at most
 * lock_timeout_s for a table lock (0 = no limit): a run from cron must not
 * hang behind someone's long transaction, and fails instead (exit 1, the next
 * run resumes).  Set only now, so that LW_WAIT_LOCK=1 can wait for another
 * run as long as that takes.
 */
static int
set_lock_timeout(lw_store *st, int lock_timeout_s)
{
	char		v[32];
	const char *p[1] = {v};

	snprintf(v, sizeof(v), "%ds", lock_timeout_s);
	return exec(st, "lock timeout", "SELECT pg_catalog.set_config('lock_timeout', $1, false)", 1, p) < 0
		? -1 : 0;
}

int
lw_store_lock(lw_store *st, bool wait, int lock_timeout_s)
{
	char		a[16],
				b[16];
	const char *p[2] = {a, b};
	PGresult   *r;
	int			got;

	lock_key(a, b);
	if (wait)
	{
		if (exec(st, "advisory lock", "SELECT pg_catalog.pg_advisory_lock($1::int4, $2::int4)",
				 2, p) < 0)
			return -1;
		st->locked = true;
		return set_lock_timeout(st, lock_timeout_s) < 0 ? -1 : 0;
	}
	r = run(st, "advisory lock",
			"SELECT pg_catalog.pg_try_advisory_lock($1::int4, $2::int4)", 2, p);
	if (r == NULL)
		return -1;
	got = PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	if (!got)
		return 1;
	st->locked = true;
	return set_lock_timeout(st, lock_timeout_s) < 0 ? -1 : 0;
}

int
lw_store_check_schema(lw_store *st)
{
	PGresult   *r = run(st, "schema check",
						"SELECT pg_catalog.to_regclass('listen_wiseer.ingest_runs') IS NOT NULL,"
						" EXISTS (SELECT 1 FROM pg_catalog.pg_attribute"
						"  WHERE attrelid = pg_catalog.to_regclass('listen_wiseer.tracks')"
						"  AND attname = 'features_checked_at' AND NOT attisdropped)", 0, NULL);
	bool		tables,
				column;

	if (r == NULL)
		return -1;
	tables = PQgetvalue(r, 0, 0)[0] == 't';
	column = PQgetvalue(r, 0, 1)[0] == 't';
	PQclear(r);
	if (!tables)
	{
		set_err(st, "database", "the listen_wiseer tables are missing; run CREATE EXTENSION listen_wiseer first");
		return -1;
	}
	if (!column)
	{
		set_err(st, "database", "listen_wiseer.tracks has no features_checked_at column; the installed extension is older than this lw-ingest (update it)");
		return -1;
	}
	return 0;
}

/* ---- ingest_runs, capabilities ------------------------------------------------------------ */

int
lw_store_run_begin(lw_store *st, const char *command, long long *run_id)
{
	const char *p[1] = {command};
	PGresult   *r;

	if (exec(st, "reset stage",
			 "TRUNCATE pg_temp.lw_s_members, pg_temp.lw_s_seen, pg_temp.lw_s_liked_all,"
			 " pg_temp.lw_s_features", 0, NULL) < 0)
		return -1;
	/* we hold the ingest lock: a 'running' row left now belongs to a run that died */
	if (exec(st, "ingest_runs cleanup",
			 "UPDATE listen_wiseer.ingest_runs SET status = 'failed',"
			 " finished_at = GREATEST(pg_catalog.clock_timestamp(), started_at),"
			 " error = COALESCE(error, 'interrupted: the run ended without recording its result')"
			 " WHERE status = 'running'", 0, NULL) < 0)
		return -1;
	r = run(st, "ingest_runs insert",
			"INSERT INTO listen_wiseer.ingest_runs (command) VALUES ($1) RETURNING run_id", 1, p);
	if (r == NULL)
		return -1;
	*run_id = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	return 0;
}

int
lw_store_run_finish(lw_store *st, long long run_id, const lw_run_end *end)
{
	char		id[32];
	char		counts[4096];
	lw_buf		w = {0};
	const char *p[7];
	long		n;

	snprintf(id, sizeof(id), "%lld", run_id);
	if (end->counts_json)
		snprintf(counts, sizeof(counts), "%s", end->counts_json);
	else if (end->counts)
		lw_counts_json(end->counts, counts, sizeof(counts));
	else
		snprintf(counts, sizeof(counts), "{}");
	lw_array_literal(&w, end->warnings, end->n_warnings);
	p[0] = id;
	p[1] = end->status;
	p[2] = end->user_id;
	p[3] = counts;
	p[4] = end->capabilities_json ? end->capabilities_json : "{}";
	p[5] = w.data;
	p[6] = end->error;
	n = exec(st, "ingest_runs update",
			 "UPDATE listen_wiseer.ingest_runs SET status = $2, user_id = $3,"
			 " finished_at = GREATEST(pg_catalog.clock_timestamp(), started_at),"
			 " counts = $4::jsonb, capabilities = $5::jsonb, warnings = $6::text[], error = $7"
			 " WHERE run_id = $1::bigint", 7, p);
	lw_buf_free(&w);
	return n < 0 ? -1 : 0;
}

int
lw_store_capability_get(lw_store *st, const char *name, int max_age_days, bool *available)
{
	char		days[16];
	const char *p[2] = {name, days};
	PGresult   *r;
	int			found = 0;

	snprintf(days, sizeof(days), "%d", max_age_days);
	r = run(st, "capabilities",
			"SELECT available FROM listen_wiseer.capabilities WHERE capability = $1"
			" AND checked_at > pg_catalog.now() - pg_catalog.make_interval(days => $2::int)",
			2, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 1)
	{
		found = 1;
		*available = PQgetvalue(r, 0, 0)[0] == 't';
	}
	PQclear(r);
	return found;
}

int
lw_store_capability_set(lw_store *st, const char *name, bool available, const char *detail)
{
	const char *p[3] = {name, available ? "t" : "f", detail};

	return exec(st, "capabilities",
				"INSERT INTO listen_wiseer.capabilities (capability, available, checked_at, detail)"
				" VALUES ($1, $2::boolean, pg_catalog.now(), $3)"
				" ON CONFLICT (capability) DO UPDATE SET available = EXCLUDED.available,"
				" checked_at = EXCLUDED.checked_at, detail = EXCLUDED.detail", 3, p) < 0 ? -1 : 0;
}

/* ---- user, playlists ---------------------------------------------------------------------- */

int
lw_store_upsert_user(lw_store *st, const lw_user *u)
{
	const char *p[5];

	p[0] = u->id;
	p[1] = u->account_id.st == LW_SET ? u->account_id.v : NULL;
	p[2] = u->display_name.st == LW_SET ? u->display_name.v : NULL;
	p[3] = u->account_id.st != LW_ABSENT ? "t" : "f";
	p[4] = u->display_name.st != LW_ABSENT ? "t" : "f";
	if (begin(st) < 0)
		return -1;
	/* the id may change; account_id is the immutable key when Spotify sends it */
	if (p[1] && exec(st, "users",
					 "UPDATE listen_wiseer.users SET user_id = $1, updated_at = pg_catalog.now()"
					 " WHERE account_id = $2 AND user_id <> $1 AND NOT EXISTS"
					 " (SELECT 1 FROM listen_wiseer.users u2 WHERE u2.user_id = $1)",
					 2, p) < 0)
		return -1;
	if (exec(st, "users",
			 "INSERT INTO listen_wiseer.users AS u (user_id, account_id, display_name)"
			 " VALUES ($1, $2, $3) ON CONFLICT (user_id) DO UPDATE SET"
			 " account_id = CASE WHEN $4::boolean THEN EXCLUDED.account_id ELSE u.account_id END,"
			 " display_name = CASE WHEN $5::boolean THEN EXCLUDED.display_name ELSE u.display_name END,"
			 " updated_at = pg_catalog.now()"
			 " WHERE ($4::boolean AND u.account_id IS DISTINCT FROM EXCLUDED.account_id)"
			 " OR ($5::boolean AND u.display_name IS DISTINCT FROM EXCLUDED.display_name)",
			 5, p) < 0)
		return -1;
	return commit(st);
}

int
lw_store_playlists_seen(lw_store *st, const lw_playlist *pl, int n, lw_counts *c)
{
	lw_buf		b = {0};
	int			rc = -1;

	for (int i = 0; i < n; i++)
	{
		lw_str		name = pl[i].name;

		if (name.st == LW_NULL)
			name.st = LW_ABSENT;	/* name is NOT NULL: never overwrite with null */
		lw_copy_field(&b, pl[i].id, true);
		copy_str(&b, name);
		copy_str(&b, pl[i].owner_id);
		copy_str(&b, pl[i].owner_name);
		copy_str(&b, pl[i].snapshot_id);
		copy_str(&b, pl[i].description);
		copy_bool(&b, pl[i].public_);
		copy_bool(&b, pl[i].collaborative);
		copy_int(&b, pl[i].total_items);
		lw_buf_append(&b, "\n", 1);
	}
	if (stage_vacuum(st) < 0 || begin(st) < 0 ||
		stage_reset(st, "DELETE FROM pg_temp.lw_s_playlists") < 0)
		goto out;
	if (copy_in(st, "stage playlists", "COPY pg_temp.lw_s_playlists FROM STDIN", &b) < 0)
		goto out;
	if (exec(st, "playlists seen",
			 "INSERT INTO pg_temp.lw_s_seen (playlist_id, snapshot_id)"
			 " SELECT DISTINCT ON (playlist_id) playlist_id, snapshot_id"
			 " FROM pg_temp.lw_s_playlists ORDER BY playlist_id"
			 " ON CONFLICT (playlist_id) DO NOTHING", 0, NULL) < 0)
		goto out;
	if (update_present(st, &playlists_update) < 0)
		goto out;
	if (exec(st, "playlists insert",
			 "INSERT INTO listen_wiseer.playlists (playlist_id, name, owner_id, owner_name,"
			 " description, public, collaborative, total_items)"
			 " SELECT DISTINCT ON (playlist_id) playlist_id, COALESCE(name, ''),"
			 " owner_id, owner_name, description, public, collaborative, total_items"
			 " FROM pg_temp.lw_s_playlists ORDER BY playlist_id"
			 " ON CONFLICT (playlist_id) DO NOTHING", 0, NULL) < 0)
		goto out;
	if (commit(st) < 0)
		goto out;
	if (c)
		c->playlists_seen += n;
	rc = 0;
out:
	lw_buf_free(&b);
	return rc;
}

int
lw_store_playlists_mark_unfollowed(lw_store *st, lw_counts *c)
{
	return stamp_unseen(st, &stamp_unfollowed, NULL, c ? &c->playlists_unfollowed : NULL);
}

int
lw_store_next_changed_playlist(lw_store *st, const char *after, bool full, char *id,
							   size_t idsz, char *snap, size_t snapsz)
{
	const char *p[2] = {after, full ? "t" : "f"};
	PGresult   *r = run(st, "changed playlists",
						"SELECT s.playlist_id, COALESCE(s.snapshot_id, '')"
						" FROM pg_temp.lw_s_seen s"
						" JOIN listen_wiseer.playlists p ON p.playlist_id = s.playlist_id"
						" WHERE s.playlist_id > $1 AND ($2::boolean OR s.snapshot_id IS NULL"
						"  OR p.snapshot_id IS DISTINCT FROM s.snapshot_id)"
						" ORDER BY s.playlist_id LIMIT 1", 2, p);
	int			found;

	if (r == NULL)
		return -1;
	found = PQntuples(r) == 1;
	if (found)
	{
		snprintf(id, idsz, "%s", PQgetvalue(r, 0, 0));
		snprintf(snap, snapsz, "%s", PQgetvalue(r, 0, 1));
	}
	PQclear(r);
	return found;
}

/* ---- tracks, membership ------------------------------------------------------------------- */

static void
stage_track_rows(lw_buf *tb, lw_buf *ab, const lw_track *t)
{
	lw_str		name = t->name;

	if (name.st == LW_NULL)
		name.st = LW_ABSENT;	/* name is NOT NULL */
	lw_copy_field(tb, t->id, true);
	copy_str(tb, name);
	copy_str(tb, t->album_id);
	copy_str(tb, t->album_name);
	copy_str(tb, t->release_date);
	copy_str(tb, t->release_date_precision);
	copy_int(tb, t->duration_ms);
	copy_bool(tb, t->explicit_);
	copy_int(tb, t->popularity);
	copy_str(tb, t->isrc);
	lw_copy_field(tb, t->artists_present ? "t" : "f", false);
	lw_buf_append(tb, "\n", 1);
	for (int i = 0; i < t->n_artists; i++)
	{
		char		pos[16];

		snprintf(pos, sizeof(pos), "%d", i);
		lw_copy_field(ab, t->id, true);
		lw_copy_field(ab, pos, false);
		lw_copy_field(ab, t->artists[i].id, false);
		lw_copy_field(ab, t->artists[i].name, false);
		lw_buf_append(ab, "\n", 1);
	}
}

/*
 * Merge staged tracks (inside the caller's transaction). Statements that would change nothing
 * are not run at all: the extension keeps derived tables current with statement-level
 * triggers on artists and track_artists, which fire (and cost) even for zero rows.
 */
static int
merge_tracks(lw_store *st, lw_counts *c)
{
	long		upd,
				ins;
	PGresult   *r;
	bool		names,
				del,
				add;

	if (exec(st, "artists from tracks",
			 "INSERT INTO listen_wiseer.artists (artist_id, name)"
			 " SELECT DISTINCT ON (artist_id) artist_id, COALESCE(name, '')"
			 " FROM pg_temp.lw_s_track_artists ORDER BY artist_id, (name IS NULL)"
			 " ON CONFLICT (artist_id) DO NOTHING", 0, NULL) < 0)
		return -1;
	upd = update_present(st, &tracks_update);
	if (upd < 0)
		return -1;
	ins = exec(st, "tracks insert",
			   "INSERT INTO listen_wiseer.tracks (track_id, name, album_id, album_name,"
			   " release_date, release_date_precision, duration_ms, explicit, popularity, isrc)"
			   " SELECT DISTINCT ON (track_id) track_id, COALESCE(name, ''), album_id,"
			   " album_name, release_date, release_date_precision, duration_ms, explicit,"
			   " popularity, isrc FROM pg_temp.lw_s_tracks ORDER BY track_id"
			   " ON CONFLICT (track_id) DO NOTHING", 0, NULL);
	if (ins < 0)
		return -1;

	/*
	 * What else needs writing: artist names, credits to drop, credits to add. Scalar
	 * subqueries keep the plan "per staged row, one index probe" whatever the statistics say
	 * (a join here may be planned as a full scan of the library table).
	 */
	r = run(st, "credits check",
			"SELECT EXISTS (SELECT 1 FROM pg_temp.lw_s_track_artists s"
			"   WHERE s.name <> '' AND (SELECT a.name FROM listen_wiseer.artists a"
			"    WHERE a.artist_id = s.artist_id) IS DISTINCT FROM s.name),"
			" EXISTS (SELECT 1 FROM pg_temp.lw_s_tracks t WHERE t.artists_p AND"
			"   (SELECT pg_catalog.count(*) FROM listen_wiseer.track_artists ta"
			"    WHERE ta.track_id = t.track_id) >"
			"   (SELECT pg_catalog.count(DISTINCT x.position) FROM pg_temp.lw_s_track_artists x"
			"    WHERE x.track_id = t.track_id AND (SELECT ta.artist_id FROM listen_wiseer.track_artists ta"
			"     WHERE ta.track_id = x.track_id AND ta.position = x.position) = x.artist_id)),"
			" EXISTS (SELECT 1 FROM pg_temp.lw_s_track_artists x WHERE"
			"   (SELECT ta.artist_id FROM listen_wiseer.track_artists ta WHERE ta.track_id = x.track_id"
			"    AND ta.position = x.position) IS DISTINCT FROM x.artist_id)", 0, NULL);
	if (r == NULL)
		return -1;
	names = PQgetvalue(r, 0, 0)[0] == 't';
	del = PQgetvalue(r, 0, 1)[0] == 't';
	add = PQgetvalue(r, 0, 2)[0] == 't';
	PQclear(r);
	if (names && exec(st, "artist names",
					  "UPDATE listen_wiseer.artists a SET name = s.name, updated_at = pg_catalog.now()"
					  " FROM (SELECT DISTINCT ON (artist_id) artist_id, name"
					  "       FROM pg_temp.lw_s_track_artists"
					  "       WHERE name IS NOT NULL AND name <> '' ORDER BY artist_id) s"
					  " WHERE a.artist_id = s.artist_id AND a.name IS DISTINCT FROM s.name",
					  0, NULL) < 0)
		return -1;
	/* credits changed: rows at a position with another artist, or beyond the new list */
	if (del && exec(st, "track artists delete",
					"DELETE FROM listen_wiseer.track_artists ta"
					" USING (SELECT DISTINCT track_id FROM pg_temp.lw_s_tracks WHERE artists_p) s"
					" WHERE ta.track_id = s.track_id AND NOT EXISTS"
					" (SELECT 1 FROM pg_temp.lw_s_track_artists x WHERE x.track_id = ta.track_id"
					"  AND x.position = ta.position AND x.artist_id = ta.artist_id)", 0, NULL) < 0)
		return -1;
	if (add && exec(st, "track artists insert",
					"INSERT INTO listen_wiseer.track_artists (track_id, position, artist_id)"
					" SELECT DISTINCT ON (track_id, position) track_id, position, artist_id"
					" FROM pg_temp.lw_s_track_artists ORDER BY track_id, position"
					" ON CONFLICT (track_id, position) DO NOTHING", 0, NULL) < 0)
		return -1;
	if (c)
	{
		c->tracks_new += ins;
		c->tracks_upserted += ins + upd;
	}
	return 0;
}

int
lw_store_upsert_item_tracks(lw_store *st, const lw_item *items, int n, lw_counts *c)
{
	lw_buf		tb = {0},
				ab = {0};
	int			k = 0;
	int			rc = -1;

	for (int i = 0; i < n; i++)
		if (items[i].kind == LW_ITEM_TRACK)
		{
			stage_track_rows(&tb, &ab, &items[i].track);
			k++;
		}
	if (k == 0)
		return 0;
	if (stage_vacuum(st) < 0 || begin(st) < 0)
		goto out;
	if (stage_reset(st, "DELETE FROM pg_temp.lw_s_tracks; DELETE FROM pg_temp.lw_s_track_artists") < 0 ||
		copy_in(st, "stage tracks", "COPY pg_temp.lw_s_tracks FROM STDIN", &tb) < 0 ||
		copy_in(st, "stage tracks", "COPY pg_temp.lw_s_track_artists FROM STDIN", &ab) < 0 ||
		merge_tracks(st, c) < 0 || commit(st) < 0)
		goto out;
	rc = 0;
out:
	lw_buf_free(&tb);
	lw_buf_free(&ab);
	return rc;
}

int
lw_store_members_begin(lw_store *st)
{
	/* one playlist at a time: empty it and reclaim the space of the previous one */
	return exec(st, "stage members", "DELETE FROM pg_temp.lw_s_members", 0, NULL) < 0 ||
		exec(st, "stage members", "VACUUM pg_temp.lw_s_members", 0, NULL) < 0 ? -1 : 0;
}

int
lw_store_members_stage(lw_store *st, const lw_item *items, int n)
{
	lw_buf		b = {0};
	int			rc;

	for (int i = 0; i < n; i++)
	{
		char		pos[24];

		if (items[i].kind != LW_ITEM_TRACK)
			continue;
		snprintf(pos, sizeof(pos), "%ld", items[i].position);
		lw_copy_field(&b, pos, true);
		lw_copy_field(&b, items[i].track.id, false);
		lw_copy_field(&b, items[i].added_at.st == LW_SET ? items[i].added_at.v : NULL, false);
		lw_copy_field(&b, items[i].added_by.st == LW_SET ? items[i].added_by.v : NULL, false);
		lw_buf_append(&b, "\n", 1);
	}
	if (b.len == 0)
		return 0;
	rc = copy_in(st, "stage members", "COPY pg_temp.lw_s_members FROM STDIN", &b);
	lw_buf_free(&b);
	return rc;
}

int
lw_store_members_commit(lw_store *st, const char *playlist_id, const char *snap, lw_counts *c)
{
	const char *p[2] = {playlist_id, snap};
	long		removed = 0,
				upserted;

	if (begin(st) < 0)
		return -1;
	if (stamp_unseen(st, &stamp_members_removed, playlist_id, &removed) < 0)
		return -1;
	upserted = exec(st, "membership upsert",
					"INSERT INTO listen_wiseer.playlist_tracks AS p"
					" (playlist_id, track_id, occurrence, position, added_at, added_by)"
					" SELECT $1, track_id, pg_catalog.row_number() OVER"
					"  (PARTITION BY track_id ORDER BY position), position, added_at, added_by"
					" FROM pg_temp.lw_s_members"
					" ON CONFLICT (playlist_id, track_id, occurrence) DO UPDATE SET"
					" position = EXCLUDED.position, added_at = EXCLUDED.added_at,"
					" added_by = EXCLUDED.added_by, removed_at = NULL"
					" WHERE (p.position, p.added_at, p.added_by, p.removed_at) IS DISTINCT FROM"
					" (EXCLUDED.position, EXCLUDED.added_at, EXCLUDED.added_by, NULL::timestamptz)",
					1, p);
	if (upserted < 0)
		return -1;
	if (exec(st, "playlist snapshot",
			 "UPDATE listen_wiseer.playlists SET snapshot_id = NULLIF($2, ''),"
			 " items_available = true, last_synced_at = pg_catalog.now()"
			 " WHERE playlist_id = $1", 2, p) < 0)
		return -1;
	if (commit(st) < 0)
		return -1;
	if (c)
	{
		c->playlist_rows_removed += removed;
		c->playlists_changed++;
	}
	return 0;
}

int
lw_store_playlist_unavailable(lw_store *st, const char *playlist_id, const char *snap)
{
	const char *p[2] = {playlist_id, snap};

	return exec(st, "playlist unavailable",
				"UPDATE listen_wiseer.playlists SET items_available = false,"
				" snapshot_id = NULLIF($2, '')"
				" WHERE playlist_id = $1 AND (items_available"
				"  OR snapshot_id IS DISTINCT FROM NULLIF($2, ''))", 2, p) < 0 ? -1 : 0;
}

/* ---- liked songs -------------------------------------------------------------------------- */

static int
stage_liked(lw_store *st, const lw_item *items, int n)
{
	lw_buf		b = {0};
	int			rc;

	for (int i = 0; i < n; i++)
	{
		char		ord[16];

		if (items[i].kind != LW_ITEM_TRACK)
			continue;
		snprintf(ord, sizeof(ord), "%d", i);
		lw_copy_field(&b, ord, true);
		lw_copy_field(&b, items[i].track.id, false);
		lw_copy_field(&b, items[i].added_at.st == LW_SET ? items[i].added_at.v : NULL, false);
		lw_buf_append(&b, "\n", 1);
	}
	if (stage_reset(st, "DELETE FROM pg_temp.lw_s_liked") < 0)
	{
		lw_buf_free(&b);
		return -1;
	}
	rc = b.len == 0 ? 0
		: copy_in(st, "stage liked", "COPY pg_temp.lw_s_liked FROM STDIN", &b);
	lw_buf_free(&b);
	return rc;
}

int
lw_store_liked_first_known(lw_store *st, const lw_item *items, int n, int *first)
{
	PGresult   *r;

	*first = n;
	if (stage_vacuum(st) < 0 || begin(st) < 0 || stage_liked(st, items, n) < 0)
		return -1;
	r = run(st, "liked known",
			"SELECT pg_catalog.min(s.ord) FROM pg_temp.lw_s_liked s"
			" WHERE (SELECT l.added_at IS NOT DISTINCT FROM s.added_at AND l.removed_at IS NULL"
			"  FROM listen_wiseer.liked_tracks l WHERE l.track_id = s.track_id)", 0, NULL);
	if (r == NULL)
		return -1;
	if (!PQgetisnull(r, 0, 0))
		*first = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	return commit(st);
}

int
lw_store_liked_add(lw_store *st, const lw_item *items, int n, bool remember, lw_counts *c)
{
	long		k;

	if (begin(st) < 0 || stage_liked(st, items, n) < 0)
		return -1;
	k = exec(st, "liked upsert",
			 "INSERT INTO listen_wiseer.liked_tracks AS l (track_id, added_at)"
			 " SELECT DISTINCT ON (track_id) track_id, added_at FROM pg_temp.lw_s_liked"
			 " ORDER BY track_id, ord"
			 " ON CONFLICT (track_id) DO UPDATE SET added_at = EXCLUDED.added_at, removed_at = NULL"
			 " WHERE (l.added_at, l.removed_at) IS DISTINCT FROM"
			 " (EXCLUDED.added_at, NULL::timestamptz)", 0, NULL);
	if (k < 0)
		return -1;
	if (remember && exec(st, "liked remember",
						 "INSERT INTO pg_temp.lw_s_liked_all (track_id)"
						 " SELECT DISTINCT track_id FROM pg_temp.lw_s_liked"
						 " ON CONFLICT (track_id) DO NOTHING", 0, NULL) < 0)
		return -1;
	if (commit(st) < 0)
		return -1;
	if (c)
		c->liked_new += k;
	return 0;
}

int
lw_store_liked_count(lw_store *st, long *count)
{
	PGresult   *r = run(st, "liked count",
						"SELECT pg_catalog.count(*) FROM listen_wiseer.liked_tracks"
						" WHERE removed_at IS NULL", 0, NULL);

	if (r == NULL)
		return -1;
	*count = atol(PQgetvalue(r, 0, 0));
	PQclear(r);
	return 0;
}

int
lw_store_previous_sync_ok(lw_store *st, long long run_id, bool *ok)
{
	char		id[32];
	const char *p[1] = {id};
	PGresult   *r;

	snprintf(id, sizeof(id), "%lld", run_id);
	r = run(st, "previous sync",
			"SELECT COALESCE((SELECT status = 'ok' FROM listen_wiseer.ingest_runs"
			" WHERE command = 'sync' AND run_id < $1::bigint ORDER BY run_id DESC LIMIT 1), true)",
			1, p);
	if (r == NULL)
		return -1;
	*ok = PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	return 0;
}

int
lw_store_liked_begin_full(lw_store *st)
{
	return exec(st, "liked full", "TRUNCATE pg_temp.lw_s_liked_all", 0, NULL) < 0 ? -1 : 0;
}

int
lw_store_liked_finish_full(lw_store *st, lw_counts *c)
{
	return stamp_unseen(st, &stamp_liked_removed, NULL, c ? &c->liked_removed : NULL);
}

/* ---- artists ------------------------------------------------------------------------------ */

static int
fetch_ids(lw_store *st, const char *what, const char *sql, const char *after, int max,
		  char ids[][LW_ID_BUF], int *n)
{
	char		lim[16];
	const char *p[2] = {after, lim};
	PGresult   *r;

	snprintf(lim, sizeof(lim), "%d", max);
	r = run(st, what, sql, 2, p);
	*n = 0;
	if (r == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r) && i < max; i++)
		snprintf(ids[(*n)++], LW_ID_BUF, "%s", PQgetvalue(r, i, 0));
	PQclear(r);
	return 0;
}

int
lw_store_artists_to_fetch(lw_store *st, const char *after, int max, char ids[][LW_ID_BUF], int *n)
{
	return fetch_ids(st, "artists to fetch",
					 "SELECT artist_id FROM listen_wiseer.artists"
					 " WHERE genres IS NULL AND genres_fetched_at IS NULL AND artist_id > $1"
					 " AND EXISTS (SELECT 1 FROM listen_wiseer.track_artists ta JOIN listen_wiseer.tracks t"
					 "  ON t.track_id = ta.track_id WHERE ta.artist_id = artists.artist_id AND t.in_library)"
					 " ORDER BY artist_id LIMIT $2::int", after, max, ids, n);
}

int
lw_store_upsert_artists(lw_store *st, const lw_artist *a, int n, lw_counts *c)
{
	lw_buf		b = {0};
	lw_buf		arr = {0};
	int			rc = -1;
	long		k;

	if (n == 0)
		return 0;
	for (int i = 0; i < n; i++)
	{
		lw_str		name = a[i].name;
		lw_int		pop = a[i].popularity;
		lw_int		fol = a[i].followers;

		if (name.st == LW_NULL)
			name.st = LW_ABSENT;
		lw_copy_field(&b, a[i].id, true);
		copy_str(&b, name);
		if (a[i].genres_present)
		{
			arr.len = 0;
			lw_array_literal(&arr, a[i].genres, a[i].n_genres);
			lw_copy_field(&b, arr.data, false);
			lw_copy_field(&b, "t", false);
		}
		else
		{
			/* absent or null genres: unknown, keep what we have */
			lw_copy_field(&b, NULL, false);
			lw_copy_field(&b, "f", false);
		}
		copy_int(&b, pop);
		copy_int(&b, fol);
		lw_buf_append(&b, "\n", 1);
		if (c && !a[i].genres_present)
			c->artists_without_genres_field++;
	}
	if (stage_vacuum(st) < 0 || begin(st) < 0 ||
		stage_reset(st, "DELETE FROM pg_temp.lw_s_artists") < 0)
		goto out;
	if (copy_in(st, "stage artists", "COPY pg_temp.lw_s_artists FROM STDIN", &b) < 0)
		goto out;
	k = exec(st, "artists update",
			 "UPDATE listen_wiseer.artists a SET"
			 " name = CASE WHEN s.name_p THEN s.name ELSE a.name END,"
			 " genres = CASE WHEN s.genres_p THEN s.genres ELSE a.genres END,"
			 " genres_source = CASE WHEN s.genres_p AND s.genres IS NOT NULL THEN 'spotify'"
			 " ELSE a.genres_source END,"
			 " popularity = CASE WHEN s.popularity_p THEN s.popularity ELSE a.popularity END,"
			 " followers = CASE WHEN s.followers_p THEN s.followers ELSE a.followers END,"
			 " genres_fetched_at = pg_catalog.now(), updated_at = pg_catalog.now()"
			 " FROM (SELECT DISTINCT ON (artist_id) * FROM pg_temp.lw_s_artists ORDER BY artist_id) s"
			 " WHERE a.artist_id = s.artist_id", 0, NULL);
	if (k < 0)
		goto out;
	if (exec(st, "artists insert",
			 "INSERT INTO listen_wiseer.artists (artist_id, name, genres, popularity, followers,"
			 " genres_fetched_at, genres_source)"
			 " SELECT DISTINCT ON (artist_id) artist_id, COALESCE(name, ''), genres,"
			 " popularity, followers, pg_catalog.now(),"
			 " CASE WHEN genres IS NOT NULL THEN 'spotify' END FROM pg_temp.lw_s_artists"
			 " ORDER BY artist_id ON CONFLICT (artist_id) DO NOTHING", 0, NULL) < 0)
		goto out;
	if (commit(st) < 0)
		goto out;
	if (c)
		c->artists_loaded += n;
	rc = 0;
out:
	lw_buf_free(&b);
	lw_buf_free(&arr);
	return rc;
}

int
lw_store_artists_mark_fetched(lw_store *st, const char *const *ids, int n)
{
	return stamp_ids(st, &stamp_artists_fetched, ids, n);
}

/* ---- audio features ----------------------------------------------------------------------- */

int
lw_store_tracks_without_features(lw_store *st, const char *after, int max, char ids[][LW_ID_BUF],
								 int *n)
{
	return fetch_ids(st, "tracks without features",
					 "SELECT t.track_id FROM listen_wiseer.tracks t"
					 " WHERE t.features_checked_at IS NULL AND t.in_library AND t.track_id > $1"
					 " AND NOT EXISTS (SELECT 1 FROM listen_wiseer.audio_features f"
					 "  WHERE f.track_id = t.track_id AND f.source <> 'catalog')"	/* Spotify's win */
					 " ORDER BY t.track_id LIMIT $2::int", after, max, ids, n);
}

int
lw_store_features_mark_checked(lw_store *st, const char *const *ids, int n)
{
	return stamp_ids(st, &stamp_features_checked, ids, n);
}

int
lw_store_features_begin(lw_store *st)
{
	st->feat_ord = 0;
	if (stage_vacuum(st) < 0)
		return -1;
	return stage_reset(st, "DELETE FROM pg_temp.lw_s_features");
}

int
lw_store_features_stage(lw_store *st, const lw_features *f, int n)
{
	lw_buf		b = {0};
	int			rc;

	for (int i = 0; i < n; i++)
	{
		char		tmp[32];

		snprintf(tmp, sizeof(tmp), "%ld", st->feat_ord++);
		lw_copy_field(&b, tmp, true);
		lw_copy_field(&b, f[i].track_id, false);
		copy_double(&b, f[i].danceability);
		copy_double(&b, f[i].energy);
		snprintf(tmp, sizeof(tmp), "%d", f[i].key);
		lw_copy_field(&b, tmp, false);
		copy_double(&b, f[i].loudness);
		snprintf(tmp, sizeof(tmp), "%d", f[i].mode);
		lw_copy_field(&b, tmp, false);
		copy_double(&b, f[i].speechiness);
		copy_double(&b, f[i].acousticness);
		copy_double(&b, f[i].instrumentalness);
		copy_double(&b, f[i].liveness);
		copy_double(&b, f[i].valence);
		copy_double(&b, f[i].tempo);
		snprintf(tmp, sizeof(tmp), "%lld", f[i].duration_ms.v);
		lw_copy_field(&b, f[i].duration_ms.st == LW_SET ? tmp : NULL, false);
		snprintf(tmp, sizeof(tmp), "%lld", f[i].time_signature.v);
		lw_copy_field(&b, f[i].time_signature.st == LW_SET ? tmp : NULL, false);
		lw_buf_append(&b, "\n", 1);
	}
	if (b.len == 0)
		return 0;
	rc = copy_in(st, "stage features", "COPY pg_temp.lw_s_features FROM STDIN", &b);
	lw_buf_free(&b);
	return rc;
}

int
lw_store_features_merge(lw_store *st, const char *source, const char *detail, bool overwrite,
						lw_features_merge *out)
{
	const char *p[3] = {source, detail, overwrite ? "t" : "f"};
	long		staged,
				dups,
				unknown,
				kept,
				loaded;

	memset(out, 0, sizeof(*out));
	if (begin(st) < 0)
		return -1;
	/* keep the first row of each track; the rest are duplicates */
	staged = count_query(st, "features", "SELECT pg_catalog.count(*) FROM pg_temp.lw_s_features",
						 0, NULL);
	if (staged < 0)
		return -1;
	dups = exec(st, "features duplicates",
				"DELETE FROM pg_temp.lw_s_features s USING pg_temp.lw_s_features e"
				" WHERE e.track_id = s.track_id AND e.ord < s.ord", 0, NULL);
	if (dups < 0)
		return -1;
	unknown = count_query(st, "features unknown",
						  "SELECT pg_catalog.count(*) FROM pg_temp.lw_s_features s"
						  " WHERE (SELECT true FROM listen_wiseer.tracks t"
						  "  WHERE t.track_id = s.track_id) IS NULL", 0, NULL);
	if (unknown < 0)
		return -1;
	kept = overwrite ? 0 :
		count_query(st, "features kept",
					"SELECT pg_catalog.count(*) FROM pg_temp.lw_s_features s"
					" WHERE $1 <> 'spotify_api' AND (SELECT f.source FROM listen_wiseer.audio_features f"
					"  WHERE f.track_id = s.track_id) = 'spotify_api'", 1, p);
	if (kept < 0)
		return -1;
	loaded = exec(st, "features upsert",
				  "INSERT INTO listen_wiseer.audio_features AS f (track_id, danceability, energy,"
				  " key, loudness, mode, speechiness, acousticness, instrumentalness, liveness,"
				  " valence, tempo, duration_ms, time_signature, source, source_detail)"
				  " SELECT s.track_id, s.danceability, s.energy, s.key, s.loudness, s.mode,"
				  " s.speechiness, s.acousticness, s.instrumentalness, s.liveness, s.valence,"
				  " s.tempo, s.duration_ms, s.time_signature, $1, $2"
				  " FROM pg_temp.lw_s_features s"
				  " WHERE (SELECT true FROM listen_wiseer.tracks t WHERE t.track_id = s.track_id)"
				  " ON CONFLICT (track_id) DO UPDATE SET danceability = EXCLUDED.danceability,"
				  " energy = EXCLUDED.energy, key = EXCLUDED.key, loudness = EXCLUDED.loudness,"
				  " mode = EXCLUDED.mode, speechiness = EXCLUDED.speechiness,"
				  " acousticness = EXCLUDED.acousticness,"
				  " instrumentalness = EXCLUDED.instrumentalness, liveness = EXCLUDED.liveness,"
				  " valence = EXCLUDED.valence, tempo = EXCLUDED.tempo,"
				  " duration_ms = EXCLUDED.duration_ms, time_signature = EXCLUDED.time_signature,"
				  " source = EXCLUDED.source, source_detail = EXCLUDED.source_detail,"
				  " loaded_at = pg_catalog.now()"
				  " WHERE ($3::boolean OR f.source <> 'spotify_api' OR EXCLUDED.source = 'spotify_api')"
				  " AND (f.danceability, f.energy, f.key, f.loudness, f.mode, f.speechiness,"
				  "  f.acousticness, f.instrumentalness, f.liveness, f.valence, f.tempo,"
				  "  f.duration_ms, f.time_signature, f.source, f.source_detail)"
				  " IS DISTINCT FROM (EXCLUDED.danceability, EXCLUDED.energy, EXCLUDED.key,"
				  "  EXCLUDED.loudness, EXCLUDED.mode, EXCLUDED.speechiness, EXCLUDED.acousticness,"
				  "  EXCLUDED.instrumentalness, EXCLUDED.liveness, EXCLUDED.valence, EXCLUDED.tempo,"
				  "  EXCLUDED.duration_ms, EXCLUDED.time_signature, EXCLUDED.source,"
				  "  EXCLUDED.source_detail)", 3, p);
	if (loaded < 0)
		return -1;
	if (commit(st) < 0)
		return -1;
	out->duplicates = dups;
	out->unknown = unknown;
	out->kept = kept;
	out->loaded = loaded;
	out->unchanged = staged - dups - unknown - kept - loaded;
	if (out->unchanged < 0)
		out->unchanged = 0;
	return 0;
}

int
lw_store_refresh_vectors(lw_store *st)
{
	PGresult   *r = run(st, "refresh_vectors lookup",
						"SELECT pg_catalog.format('SELECT %I.refresh_vectors()', n.nspname)"
						" FROM pg_catalog.pg_proc p"
						" JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
						" WHERE p.proname = 'refresh_vectors' AND p.pronargs = 0"
						" AND (n.nspname = 'listen_wiseer' OR n.oid = (SELECT e.extnamespace"
						"  FROM pg_catalog.pg_extension e WHERE e.extname = 'listen_wiseer'))"
						" ORDER BY n.nspname = 'listen_wiseer' DESC LIMIT 1", 0, NULL);
	char	   *sql;
	long		k;

	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0)
	{
		PQclear(r);
		return 0;
	}
	sql = strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	if (sql == NULL)
		return -1;
	k = exec(st, "refresh_vectors", sql, 0, NULL);
	free(sql);
	return k < 0 ? -1 : 1;
}

