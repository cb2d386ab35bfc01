/*
 * publish_store.c - publish's rules, answer and log in SQL (see publish_store.h).
 *
 * The session's search_path is pg_catalog only (store.c); every name is qualified.
 */
#include "publish_store.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#define RULE_COLUMNS \
	"r.rule, r.source_playlist, r.target_name, r.n, r.method, r.genre_filter::integer," \
	" r.exclude_outliers::integer, r.max_per_artist, r.target_playlist_id," \
	" r.published_uris IS NULL, pg_catalog.array_to_string(r.published_uris, ' ')," \
	/* stable per rule, across dumps and restores: created_at is kept */ \
	" pg_catalog.substr(pg_catalog.md5(r.rule || ':' || pg_catalog.to_char(" \
	" r.created_at AT TIME ZONE 'UTC', 'YYYYMMDDHH24MISSUS')), 1, 12)"

/* Run one statement; NULL on error with msg set. */
static PGresult *
run(lw_store *st, const char *what, const char *sql, int n, const char *const *params,
	char *msg, size_t msgsz)
{
	PGresult   *r = PQexecParams(lw_store_conn(st), sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType s = PQresultStatus(r);

	if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK)
		return r;
	{
		const char *pm = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);

		snprintf(msg, msgsz, "%s: %s", what, pm ? pm : PQerrorMessage(lw_store_conn(st)));
		msg[strcspn(msg, "\n")] = '\0';
	}
	PQclear(r);
	return NULL;
}

static int
exec(lw_store *st, const char *what, const char *sql, int n, const char *const *params,
	 char *msg, size_t msgsz)
{
	PGresult   *r = run(st, what, sql, n, params, msg, msgsz);

	PQclear(r);
	return r ? 0 : -1;
}

static char *
get_str(PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : lw_strdup(PQgetvalue(r, row, col));
}

static int
get_int(PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? -1 : atoi(PQgetvalue(r, row, col));
}

/* Split a space-separated list (URIs contain no spaces). */
static void
split_words(const char *s, char ***out, int *n)
{
	int			cap = 1;

	for (const char *p = s; *p; p++)
		cap += *p == ' ';
	*out = lw_xmalloc(sizeof(char *) * (size_t) cap);
	*n = 0;
	while (*s)
	{
		size_t		len = strcspn(s, " ");

		if (len > 0)
		{
			(*out)[*n] = lw_xmalloc(len + 1);
			memcpy((*out)[*n], s, len);
			(*out)[*n][len] = '\0';
			(*n)++;
		}
		s += len;
		while (*s == ' ')
			s++;
	}
}

static void
rule_from_row(PGresult *r, int row, lw_publish_rule *out)
{
	memset(out, 0, sizeof(*out));
	out->rule = get_str(r, row, 0);
	out->source = get_str(r, row, 1);
	out->target_name = get_str(r, row, 2);
	out->n = get_int(r, row, 3);
	out->method = get_str(r, row, 4);
	out->genre_filter = get_int(r, row, 5);
	out->exclude_outliers = get_int(r, row, 6);
	out->max_per_artist = get_int(r, row, 7);
	out->target_id = get_str(r, row, 8);
	if (PQgetvalue(r, row, 9)[0] == 't')
		out->n_published = -1;
	else
		split_words(PQgetvalue(r, row, 10), &out->published, &out->n_published);
	snprintf(out->marker, sizeof(out->marker), "%s", PQgetvalue(r, row, 11));
}

void
lw_publish_rule_free(lw_publish_rule *r)
{
	free(r->rule);
	free(r->source);
	free(r->target_name);
	free(r->method);
	free(r->target_id);
	lw_pstore_free_ids(r->published, r->n_published);
	memset(r, 0, sizeof(*r));
}

void
lw_pstore_free_ids(char **ids, int n)
{
	for (int i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

int
lw_pstore_check_schema(lw_store *st, char *msg, size_t msgsz)
{
	PGresult   *r = run(st, "schema check",
						"SELECT pg_catalog.to_regclass('listen_wiseer.publish_rules') IS NOT NULL",
						0, NULL, msg, msgsz);
	bool		ok;

	if (r == NULL)
		return -1;
	ok = PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	if (!ok)
		snprintf(msg, msgsz, "listen_wiseer.publish_rules is missing: the installed extension "
				 "is older than 1.1 (ALTER EXTENSION listen_wiseer UPDATE)");
	return ok ? 0 : -1;
}

static void
opt_int(char *buf, size_t n, int v, const char **param)
{
	snprintf(buf, n, "%d", v);
	*param = v < 0 ? NULL : buf;
}

int
lw_pstore_rule_from_cli(lw_store *st, const lw_config *cfg, const char *name, bool keep,
						lw_publish_rule *out, char *msg, size_t msgsz)
{
	char		nb[16],
				gb[16],
				eb[16],
				mb[16];
	const char *p[7];
	PGresult   *r;

	p[0] = name;
	p[1] = cfg->publish_name;
	opt_int(nb, sizeof(nb), cfg->publish_n, &p[2]);
	p[3] = cfg->publish_method;
	opt_int(gb, sizeof(gb), cfg->publish_genre_filter, &p[4]);
	opt_int(eb, sizeof(eb), cfg->publish_exclude_outliers, &p[5]);
	opt_int(mb, sizeof(mb), cfg->publish_max_per_artist, &p[6]);
	memset(out, 0, sizeof(*out));
	if (exec(st, "begin", "BEGIN", 0, NULL, msg, msgsz) < 0)
		return -1;
	r = run(st, "publish rule",
			"INSERT INTO listen_wiseer.publish_rules AS r (rule, source_playlist, target_name, n,"
			" method, genre_filter, exclude_outliers, max_per_artist)"
			" VALUES ($1, $1, COALESCE($2, pg_catalog.left($1, 80) || ' \xc2\xb7 more like this'),"
			" COALESCE($3::integer, 30), $4, $5::integer::boolean, $6::integer::boolean, $7::integer)"
			" ON CONFLICT (rule) DO UPDATE SET"
			" target_name = COALESCE($2, r.target_name), n = COALESCE($3::integer, r.n),"
			" method = COALESCE($4, r.method),"
			" genre_filter = COALESCE($5::integer::boolean, r.genre_filter),"
			" exclude_outliers = COALESCE($6::integer::boolean, r.exclude_outliers),"
			" max_per_artist = COALESCE($7::integer, r.max_per_artist)"
			" RETURNING " RULE_COLUMNS, 7, p, msg, msgsz);
	if (r == NULL)
	{
		char		ignore[64];

		exec(st, "rollback", "ROLLBACK", 0, NULL, ignore, sizeof(ignore));
		return -1;
	}
	rule_from_row(r, 0, out);
	PQclear(r);
	if (exec(st, keep ? "commit" : "rollback", keep ? "COMMIT" : "ROLLBACK", 0, NULL, msg,
			 msgsz) < 0)
	{
		lw_publish_rule_free(out);
		return -1;
	}
	return 0;
}

int
lw_pstore_rules_enabled(lw_store *st, lw_publish_rule **out, int *n, char *msg, size_t msgsz)
{
	PGresult   *r = run(st, "publish rules",
						"SELECT " RULE_COLUMNS " FROM listen_wiseer.publish_rules r"
						" WHERE r.enabled ORDER BY r.rule", 0, NULL, msg, msgsz);

	*out = NULL;
	*n = 0;
	if (r == NULL)
		return -1;
	*n = PQntuples(r);
	*out = lw_xmalloc(sizeof(lw_publish_rule) * (size_t) (*n > 0 ? *n : 1));
	for (int i = 0; i < *n; i++)
		rule_from_row(r, i, &(*out)[i]);
	PQclear(r);
	return 0;
}

int
lw_pstore_answer(lw_store *st, const lw_publish_rule *rule, char ***ids, int *n, char *msg,
				 size_t msgsz)
{
	char		nb[16],
				gb[16],
				eb[16],
				mb[16];
	const char *p[6];
	int			np = 0;
	lw_buf		sql = {0};
	PGresult   *r;
	char	   *schema;

	*ids = NULL;
	*n = 0;
	/* recommend() lives in the extension's schema, wherever it was installed */
	r = run(st, "extension schema",
			"SELECT pg_catalog.quote_ident(n.nspname) FROM pg_catalog.pg_extension e"
			" JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace"
			" WHERE e.extname = 'listen_wiseer'", 0, NULL, msg, msgsz);
	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1)
	{
		PQclear(r);
		snprintf(msg, msgsz, "the listen_wiseer extension is not installed in this database");
		return -1;
	}
	schema = lw_strdup(PQgetvalue(r, 0, 0));
	PQclear(r);

	p[np++] = rule->source;
	snprintf(nb, sizeof(nb), "%d", rule->n);
	p[np++] = nb;
	lw_buf_printf(&sql, "SELECT a.track_id FROM %s.recommend($1, n => $2::integer", schema);
	if (rule->method)
	{
		p[np++] = rule->method;
		lw_buf_printf(&sql, ", method => $%d::text", np);
	}
	if (rule->genre_filter >= 0)
	{
		snprintf(gb, sizeof(gb), "%s", rule->genre_filter ? "true" : "false");
		p[np++] = gb;
		lw_buf_printf(&sql, ", genre_filter => $%d::boolean", np);
	}
	if (rule->exclude_outliers >= 0)
	{
		snprintf(eb, sizeof(eb), "%s", rule->exclude_outliers ? "true" : "false");
		p[np++] = eb;
		lw_buf_printf(&sql, ", exclude_outliers => $%d::boolean", np);
	}
	if (rule->max_per_artist >= 0)
	{
		snprintf(mb, sizeof(mb), "%d", rule->max_per_artist);
		p[np++] = mb;
		lw_buf_printf(&sql, ", max_per_artist => $%d::integer", np);
	}
	lw_buf_puts(&sql, ") AS a ORDER BY a.rank");
	free(schema);
	r = run(st, "recommend()", sql.data, np, p, msg, msgsz);
	lw_buf_free(&sql);
	if (r == NULL)
		return -1;
	*n = PQntuples(r);
	*ids = lw_xmalloc(sizeof(char *) * (size_t) (*n > 0 ? *n : 1));
	for (int i = 0; i < *n; i++)
		(*ids)[i] = get_str(r, i, 0);
	PQclear(r);
	return 0;
}

int
lw_pstore_target_check(lw_store *st, const lw_publish_rule *rule, const char *target_id,
					   bool *is_source, bool *created, char *msg, size_t msgsz)
{
	const char *p[3] = {rule->source, target_id, rule->rule};
	PGresult   *r = run(st, "target check",
						"SELECT $2 = $1 OR EXISTS (SELECT 1 FROM listen_wiseer.playlists p"
						"  WHERE p.playlist_id = $2 AND pg_catalog.lower(p.name) = pg_catalog.lower($1)),"
						" EXISTS (SELECT 1 FROM listen_wiseer.publish_runs x"
						"  WHERE x.rule = $3 AND x.target_playlist_id = $2 AND x.created_target)",
						3, p, msg, msgsz);

	if (r == NULL)
		return -1;
	*is_source = PQgetvalue(r, 0, 0)[0] == 't';
	*created = PQgetvalue(r, 0, 1)[0] == 't';
	PQclear(r);
	return 0;
}

int
lw_pstore_run_begin(lw_store *st, const char *rule, long long *run_id, char *msg, size_t msgsz)
{
	const char *p[1] = {rule};
	PGresult   *r;

	/* we hold the ingest lock: a 'running' row left now belongs to a run that died */
	if (exec(st, "publish_runs cleanup",
			 "UPDATE listen_wiseer.publish_runs SET outcome = 'failed',"
			 " finished_at = GREATEST(pg_catalog.clock_timestamp(), started_at),"
			 " error = COALESCE(error, 'interrupted: the run ended without recording its result')"
			 " WHERE outcome = 'running'", 0, NULL, msg, msgsz) < 0)
		return -1;
	r = run(st, "publish_runs insert",
			"INSERT INTO listen_wiseer.publish_runs (rule) VALUES ($1) RETURNING publish_id",
			1, p, msg, msgsz);
	if (r == NULL)
		return -1;
	*run_id = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	return 0;
}

int
lw_pstore_record_target(lw_store *st, const char *rule, long long run_id, const char *target_id,
						char *msg, size_t msgsz)
{
	char		id[32];
	const char *p[3] = {rule, target_id, id};

	snprintf(id, sizeof(id), "%lld", run_id);
	/* one statement, one transaction: committed before any item is written */
	return exec(st, "record target",
				"WITH r AS (UPDATE listen_wiseer.publish_rules SET target_playlist_id = $2,"
				"  published_uris = NULL, published_snapshot = NULL, published_at = NULL"
				"  WHERE rule = $1)"
				" UPDATE listen_wiseer.publish_runs SET target_playlist_id = $2,"
				" created_target = true WHERE publish_id = $3::bigint", 3, p, msg, msgsz);
}

int
lw_pstore_forget_published(lw_store *st, const char *rule, char *msg, size_t msgsz)
{
	const char *p[1] = {rule};

	return exec(st, "forget published",
				"UPDATE listen_wiseer.publish_rules SET published_uris = NULL,"
				" published_snapshot = NULL, published_at = NULL"
				" WHERE rule = $1 AND published_uris IS NOT NULL", 1, p, msg, msgsz);
}

int
lw_pstore_run_finish(lw_store *st, const char *rule, long long run_id, const lw_publish_end *e,
					 char *msg, size_t msgsz)
{
	char		id[32],
				tc[16],
				sc[16],
				wr[16];
	const char *p[10];

	snprintf(id, sizeof(id), "%lld", run_id);
	opt_int(tc, sizeof(tc), e->track_count, &p[4]);
	opt_int(sc, sizeof(sc), e->skipped_count, &p[5]);
	opt_int(wr, sizeof(wr), e->write_requests, &p[6]);
	p[0] = id;
	p[1] = e->outcome;
	p[2] = e->target_id;
	p[3] = e->snapshot_id;
	p[7] = e->error;
	p[8] = rule;
	p[9] = e->published_literal;
	/* the rule's published items and the log row: one statement, one transaction */
	return exec(st, "publish_runs finish",
				"WITH r AS (UPDATE listen_wiseer.publish_rules SET published_uris = $10::text[],"
				"  published_snapshot = $4, published_at = pg_catalog.now()"
				"  WHERE rule = $9 AND $10::text[] IS NOT NULL)"
				" UPDATE listen_wiseer.publish_runs SET outcome = $2,"
				" finished_at = GREATEST(pg_catalog.clock_timestamp(), started_at),"
				" target_playlist_id = COALESCE($3, target_playlist_id), snapshot_id = $4,"
				" track_count = $5::integer, skipped_count = $6::integer,"
				" write_requests = $7::integer, error = $8"
				" WHERE publish_id = $1::bigint", 10, p, msg, msgsz);
}
