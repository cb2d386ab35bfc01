/*
 * enrich.c - the enrichment run: features from ReccoBeats, genres from MusicBrainz and Last.fm
 * (see enrich.h for the plan).
 */
#include "enrich.h"
#include "ext_version.h"
#include "enrich_client.h"
#include "enrich_config.h"
#include "enrich_store.h"
#include "log.h"
#include "progress.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WARNINGS 16
#define ARTIST_BATCH 50			/* artists read from the database at a time (1 call each) */

typedef enum src_state
{
	SRC_UNUSED = 0,				/* nothing to ask */
	SRC_OK,						/* asked, all answered */
	SRC_OFF,					/* switched off by the user */
	SRC_SKIPPED,				/* not configured (no contact / no API key) */
	SRC_DEFERRED,				/* rate limit or time budget: the next run carries on */
	SRC_STOPPED					/* refused or failing: the next run tries again */
} src_state;

static const char *const state_names[] = {"unused", "ok", "off", "skipped", "deferred", "stopped"};

typedef struct ectx
{
	const lw_config *cfg;
	lw_enrich_config ec;
	lw_store   *st;
	double		deadline;		/* monotonic seconds; 0 = none */
	bool		partial;
	bool		db_failed;
	char	   *warnings[MAX_WARNINGS];
	int			n_warnings;
	src_state	state[3];		/* reccobeats, musicbrainz, lastfm */
	double		waited_429;		/* seconds of the run's 429 budget used by closed clients */
	long		requests[3];
	/* counts */
	long		features_asked,
				features_found,
				features_loaded,
				features_strays;
	long		mb_urls_asked,
				mb_linked,
				mb_ambiguous,
				mb_artists_asked,
				mb_merged,
				mb_genres_stored;
	long		lfm_asked,
				lfm_known,
				lfm_genres_stored;
} ectx;

enum
{
	RB = 0, MB = 1, LFM = 2
};

static void
warn(ectx *c, const char *fmt,...) __attribute__((format(printf, 2, 3)));

static void
warn(ectx *c, const char *fmt,...)
{
	char		buf[600];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	lw_log_warn("%s", buf);
	if (c->n_warnings < MAX_WARNINGS)
		c->warnings[c->n_warnings++] = lw_strdup(buf);
}

static bool
out_of_time(ectx *c, int src, const char *what)
{
	if (c->deadline <= 0 || lw_monotonic() < c->deadline)
		return false;
	warn(c, "%s: the run's enrichment time (LW_ENRICH_TIME %d s) is used up; the next run "
		 "carries on", what, c->cfg->enrich_seconds);
	c->state[src] = SRC_DEFERRED;
	c->partial = true;
	return true;
}

/* A service answered something other than OK: record it; false = stop this source. */
static bool
service_problem(ectx *c, int src, lw_es_status s, const char *msg)
{
	if (s == LW_ES_OK)
		return true;
	if (s == LW_ES_DEFER)
	{
		warn(c, "%s; the next run carries on", msg);
		c->state[src] = SRC_DEFERRED;
	}
	else
	{
		warn(c, "%s; %s", msg, s == LW_ES_STOP ? "source stopped for this run" :
			 "source stopped for this run, the next run tries again");
		c->state[src] = SRC_STOPPED;
	}
	c->partial = true;
	return false;
}

static bool
db_error(ectx *c, const char *what)
{
	lw_log_error("%s: %s", what, lw_es_error()[0] ? lw_es_error() : lw_store_error(c->st));
	lw_es_clear_error();
	c->db_failed = true;
	return false;
}

static lw_es_client
client_open(ectx *c, const char *base, double rate)
{
	lw_http_opts o = {
		.connect_timeout = c->cfg->connect_timeout,
		.request_timeout = c->cfg->request_timeout,
		.max_response_bytes = c->cfg->max_response_bytes,
		.backoff_ms = c->cfg->backoff_ms,
		.max_attempts = c->cfg->max_attempts,
		.pace_ms = (int) (1000.0 / rate + 0.5),
		/* one 429 budget for the whole run, shared by the services in turn */
		.budget_seconds = c->waited_429 >= c->cfg->budget_seconds ? 0 :
		(int) (c->cfg->budget_seconds - c->waited_429),
		.user_agent = c->ec.user_agent,
	};
	lw_es_client cl = {.base = base,.pace_ms = o.pace_ms,.budget_seconds = o.budget_seconds};

	cl.http = lw_http_new(&o);
	return cl;
}

static void
client_close(ectx *c, int src, lw_es_client *cl)
{
	if (cl->http)
	{
		c->waited_429 += cl->budget_seconds - lw_http_budget_left(cl->http);
		c->requests[src] += lw_http_request_count(cl->http);
		lw_http_free(cl->http);
	}
	cl->http = NULL;
}

/* ---- ReccoBeats ---------------------------------------------------------------------------- */

static bool
rb_batch(ectx *c, lw_es_client *cl, char ids[][LW_ES_IDLEN], int n)
{
	const char *idp[LW_RB_MAX_IDS];
	lw_rb_answer ans[LW_RB_MAX_IDS];
	lw_features f[LW_RB_MAX_IDS];
	lw_es_cache_row rows[LW_RB_MAX_IDS];
	lw_features_merge m;
	char		msg[512];
	int			strays = 0,
				nf = 0;
	lw_es_status s;

	for (int i = 0; i < n; i++)
		idp[i] = ids[i];
	s = lw_rb_fetch_features(cl, idp, n, ans, &strays, msg, sizeof(msg));
	if (!service_problem(c, RB, s, msg))
		return false;
	c->features_strays += strays;
	for (int i = 0; i < n; i++)
	{
		if (ans[i].found)
			f[nf++] = ans[i].f;
		rows[i] = (lw_es_cache_row)
		{
			.key = ids[i],.outcome = ans[i].found ? "hit" : "miss",
				.detail = ans[i].found && ans[i].rb_id[0] ? ans[i].rb_id : NULL,
				.ttl_days = ans[i].found ? LW_TTL_FEATURES_HIT : LW_TTL_FEATURES_MISS
		};
	}
	if (nf > 0 &&
		(lw_store_features_begin(c->st) < 0 || lw_store_features_stage(c->st, f, nf) < 0 ||
		 lw_store_features_merge(c->st, "reccobeats", c->ec.reccobeats_url, false, &m) < 0))
		return db_error(c, "storing ReccoBeats features");
	if (nf > 0)
		c->features_loaded += m.loaded;
	if (lw_es_cache_put(c->st, "reccobeats", "track-features", 200, rows, n) < 0)
		return db_error(c, "caching ReccoBeats answers");
	c->features_asked += n;
	c->features_found += nf;
	return true;
}

static void
step_features(ectx *c)
{
	char		ids[LW_RB_MAX_IDS][LW_ES_IDLEN];
	char		after[LW_ES_IDLEN] = "";
	lw_es_client cl;
	lw_progress p;
	long		total;
	int			n;
	double		secs;

	if (lw_es_tracks_todo_count(c->st, &total) < 0)
	{
		db_error(c, "ReccoBeats");
		return;
	}
	if (total == 0)
	{
		lw_log_info("enrich reccobeats: nothing new to ask");
		return;
	}
	c->state[RB] = SRC_OK;
	cl = client_open(c, c->ec.reccobeats_url, c->ec.reccobeats_rate);
	if (cl.http == NULL)
	{
		service_problem(c, RB, LW_ES_TRANSIENT, "cannot start an HTTP client (libcurl)");
		return;
	}
	lw_progress_start(&p, "ReccoBeats: tracks", total);
	while (!out_of_time(c, RB, "ReccoBeats"))
	{
		if (lw_es_tracks_todo(c->st, after, LW_RB_MAX_IDS, ids, &n) < 0)
		{
			db_error(c, "ReccoBeats");
			break;
		}
		if (n == 0 || !rb_batch(c, &cl, ids, n))
			break;
		snprintf(after, sizeof(after), "%s", ids[n - 1]);
		lw_progress_add(&p, n);
	}
	secs = lw_progress_end(&p);
	client_close(c, RB, &cl);
	lw_log_info("enrich reccobeats: %ld of %ld tracks asked, %ld with features, %ld not known, "
				"%ld requests in %.1f s", c->features_asked, total, c->features_found,
				c->features_asked - c->features_found, c->requests[RB], secs);
}

/* ---- MusicBrainz --------------------------------------------------------------------------- */

static bool
mb_url_batch(ectx *c, lw_es_client *cl, char ids[][LW_ES_IDLEN], int n)
{
	char		urls[LW_MB_MAX_URLS][LW_ES_IDLEN + 40];
	const char *up[LW_MB_MAX_URLS];
	lw_mb_url_answer ans[LW_MB_MAX_URLS];
	lw_es_cache_row rows[LW_MB_MAX_URLS];
	char		msg[512];
	lw_es_status s;

	for (int i = 0; i < n; i++)
	{
		/* MusicBrainz stores Spotify links in exactly this form */
		static const char prefix[] = "https://open.spotify.com/artist/";
		size_t		l = strnlen(ids[i], LW_ES_IDLEN - 1);

		memcpy(urls[i], prefix, sizeof(prefix) - 1);
		memcpy(urls[i] + sizeof(prefix) - 1, ids[i], l);
		urls[i][sizeof(prefix) - 1 + l] = '\0';
		up[i] = urls[i];
	}
	s = lw_mb_fetch_urls(cl, up, n, ans, msg, sizeof(msg));
	if (!service_problem(c, MB, s, msg))
		return false;
	for (int i = 0; i < n; i++)
	{
		const lw_mb_url_answer *a = &ans[i];

		rows[i] = (lw_es_cache_row)
		{
			.key = ids[i],
				.outcome = a->outcome == LW_MB_HIT ? "hit" : a->outcome == LW_MB_AMBIGUOUS ? "ambiguous" : "miss",
				.detail = a->outcome == LW_MB_HIT ? a->mbid : a->outcome == LW_MB_AMBIGUOUS ? a->candidates : NULL,
				.ttl_days = a->outcome == LW_MB_HIT ? LW_TTL_GENRES_HIT : LW_TTL_GENRES_MISS
		};
		c->mb_linked += a->outcome == LW_MB_HIT;
		c->mb_ambiguous += a->outcome == LW_MB_AMBIGUOUS;
	}
	if (lw_es_cache_put(c->st, "musicbrainz", "artist-url", 200, rows, n) < 0)
		return db_error(c, "caching MusicBrainz answers");
	c->mb_urls_asked += n;
	return true;
}

static bool
mb_artist(ectx *c, lw_es_client *cl, const char *artist_id, const char *mbid)
{
	lw_genre_list g;
	lw_es_cache_row row;
	char		msg[512];
	int			found = 0,
				r;
	lw_es_status s = lw_mb_fetch_artist(cl, mbid, &g, &found, msg, sizeof(msg));

	if (!service_problem(c, MB, s, msg))
		return false;
	row = (lw_es_cache_row)
	{
		.key = artist_id,.outcome = found && g.n > 0 ? "hit" : "miss",
			.detail = found ? g.id : mbid,.payload = found ? lw_es_genres_json(&g) : NULL,
			.ttl_days = found && g.n > 0 ? LW_TTL_GENRES_HIT : LW_TTL_GENRES_MISS
	};
	if (found && g.id && strcmp(g.id, mbid) != 0)
		c->mb_merged++;
	r = lw_es_store_artist_genres(c->st, "musicbrainz", "artist-genres", artist_id, &g, &row);
	free(row.payload);
	lw_genre_list_free(&g);
	if (r < 0)
		return db_error(c, "storing MusicBrainz genres");
	c->mb_artists_asked++;
	c->mb_genres_stored += r;
	return true;
}

/* One pass over artists of a mode ('g' MusicBrainz genres, 'l' Last.fm): one call each. */
typedef bool (*artist_fn) (ectx *c, lw_es_client *cl, const char *artist_id, const char *extra);

static void
artists_pass(ectx *c, int src, char mode, lw_es_client *cl, artist_fn fn, lw_progress *p)
{
	char		ids[ARTIST_BATCH][LW_ES_IDLEN];
	char	   *extra[ARTIST_BATCH];
	char		after[LW_ES_IDLEN] = "";
	int			n;
	bool		go = true;

	while (go)
	{
		if (lw_es_artists_todo(c->st, mode, after, ARTIST_BATCH, ids, extra, &n) < 0)
		{
			db_error(c, "listing artists");
			return;
		}
		if (n == 0)
			return;
		for (int i = 0; i < n; i++)
		{
			if (go && (out_of_time(c, src, src == MB ? "MusicBrainz" : "Last.fm") ||
					   !fn(c, cl, ids[i], extra[i] ? extra[i] : "")))
				go = false;
			else if (go)
				lw_progress_add(p, 1);
			free(extra[i]);
		}
		snprintf(after, sizeof(after), "%s", ids[n - 1]);
	}
}

static void
step_musicbrainz(ectx *c)
{
	char		ids[LW_MB_MAX_URLS][LW_ES_IDLEN];
	char		after[LW_ES_IDLEN] = "";
	lw_es_client cl;
	lw_progress p;
	long		n_urls,
				n_genres;
	int			n;
	double		secs;

	if (lw_es_artists_todo_count(c->st, 'u', &n_urls) < 0 ||
		lw_es_artists_todo_count(c->st, 'g', &n_genres) < 0)
	{
		db_error(c, "MusicBrainz");
		return;
	}
	if (n_urls == 0 && n_genres == 0)
	{
		lw_log_info("enrich musicbrainz: nothing new to ask");
		return;
	}
	if (c->ec.contact == NULL)
	{
		warn(c, "MusicBrainz not asked: it requires a contact in the User-Agent; set LW_CONTACT "
			 "(an e-mail address or URL), or LW_ENRICH_MUSICBRAINZ=0 to silence this");
		c->state[MB] = SRC_SKIPPED;
		return;
	}
	c->state[MB] = SRC_OK;
	cl = client_open(c, c->ec.musicbrainz_url, c->ec.musicbrainz_rate);
	if (cl.http == NULL)
	{
		service_problem(c, MB, LW_ES_TRANSIENT, "cannot start an HTTP client (libcurl)");
		return;
	}
	/* progress in requests: one per 100 URLs, then about one per linked artist */
	lw_progress_start(&p, "MusicBrainz: requests", (n_urls + LW_MB_MAX_URLS - 1) / LW_MB_MAX_URLS +
					  n_genres + n_urls * 3 / 4);
	while (c->state[MB] == SRC_OK && !out_of_time(c, MB, "MusicBrainz"))
	{
		if (lw_es_artists_todo(c->st, 'u', after, LW_MB_MAX_URLS, ids, NULL, &n) < 0)
		{
			db_error(c, "MusicBrainz");
			break;
		}
		if (n == 0 || !mb_url_batch(c, &cl, ids, n))
			break;
		snprintf(after, sizeof(after), "%s", ids[n - 1]);
		lw_progress_add(&p, 1);
	}
	if (c->state[MB] == SRC_OK && !c->db_failed)
		artists_pass(c, MB, 'g', &cl, mb_artist, &p);
	secs = lw_progress_end(&p);
	client_close(c, MB, &cl);
	lw_log_info("enrich musicbrainz: %ld artist URLs asked, %ld linked (%ld ambiguous, not used), "
				"%ld artists asked for genres (%ld merged MBIDs), %ld given genres, "
				"%ld requests in %.1f s%s", c->mb_urls_asked, c->mb_linked, c->mb_ambiguous,
				c->mb_artists_asked, c->mb_merged, c->mb_genres_stored, c->requests[MB], secs,
				cl.slowdowns ? " (slowed down after 503)" : "");
}

/* ---- Last.fm ------------------------------------------------------------------------------- */

static bool
lfm_artist(ectx *c, lw_es_client *cl, const char *artist_id, const char *name)
{
	lw_genre_list g;
	lw_es_cache_row row;
	char		msg[512];
	int			found = 0,
				r;
	lw_es_status s = lw_lfm_fetch_artist_tags(cl, name, c->ec.lastfm_min_count, &g, &found,
											   msg, sizeof(msg));

	if (!service_problem(c, LFM, s, msg))
		return false;
	/* only (name, count) pairs are kept, as Last.fm's terms ask */
	row = (lw_es_cache_row)
	{
		.key = artist_id,.outcome = found && g.n > 0 ? "hit" : "miss",
			.detail = found ? g.id : NULL,.payload = found ? lw_es_genres_json(&g) : NULL,
			.ttl_days = found && g.n > 0 ? LW_TTL_GENRES_HIT : LW_TTL_GENRES_MISS
	};
	r = lw_es_store_artist_genres(c->st, "lastfm", "artist-tags", artist_id, &g, &row);
	free(row.payload);
	lw_genre_list_free(&g);
	if (r < 0)
		return db_error(c, "storing Last.fm tags");
	c->lfm_asked++;
	c->lfm_known += found;
	c->lfm_genres_stored += r;
	return true;
}

static void
step_lastfm(ectx *c)
{
	lw_es_client cl;
	lw_progress p;
	long		total;
	double		secs;

	if (lw_es_artists_todo_count(c->st, 'l', &total) < 0)
	{
		db_error(c, "Last.fm");
		return;
	}
	if (total == 0)
	{
		lw_log_info("enrich lastfm: nothing new to ask");
		return;
	}
	if (c->ec.lastfm_api_key == NULL)
	{
		lw_log_info("enrich lastfm: not asked (no LASTFM_API_KEY); %ld artists without genres", total);
		c->state[LFM] = SRC_SKIPPED;
		return;
	}
	c->state[LFM] = SRC_OK;
	cl = client_open(c, c->ec.lastfm_url, c->ec.lastfm_rate);
	if (cl.http == NULL)
	{
		service_problem(c, LFM, LW_ES_TRANSIENT, "cannot start an HTTP client (libcurl)");
		return;
	}
	cl.api_key = c->ec.lastfm_api_key;
	lw_progress_start(&p, "Last.fm: artists", total);
	artists_pass(c, LFM, 'l', &cl, lfm_artist, &p);
	secs = lw_progress_end(&p);
	client_close(c, LFM, &cl);
	lw_log_info("enrich lastfm: %ld artists asked, %ld known, %ld given genres, %ld requests in %.1f s",
				c->lfm_asked, c->lfm_known, c->lfm_genres_stored, c->requests[LFM], secs);
}

/* ---- the run ------------------------------------------------------------------------------- */

static int
finish(ectx *c, long long run_id)
{
	char		counts[1024],
				caps[256];
	const char *status = c->db_failed ? "failed" : c->partial ? "partial" : "ok";
	lw_run_end end = {0};
	int			code = c->db_failed ? LW_EXIT_FAILURE : c->partial ? LW_EXIT_PARTIAL : LW_EXIT_OK;

	snprintf(counts, sizeof(counts),
			 "{\"features_asked\": %ld, \"features_found\": %ld, \"features_loaded\": %ld, "
			 "\"features_strays_ignored\": %ld, \"mb_urls_asked\": %ld, \"mb_linked\": %ld, "
			 "\"mb_ambiguous\": %ld, \"mb_artists_asked\": %ld, \"mb_merged\": %ld, "
			 "\"mb_genres_stored\": %ld, \"lastfm_asked\": %ld, \"lastfm_known\": %ld, "
			 "\"lastfm_genres_stored\": %ld, \"requests_reccobeats\": %ld, "
			 "\"requests_musicbrainz\": %ld, \"requests_lastfm\": %ld, "
			 /* the totals sync_health shows for every run */
			 "\"requests\": %ld, \"genres_filled\": %ld}",
			 c->features_asked, c->features_found, c->features_loaded, c->features_strays,
			 c->mb_urls_asked, c->mb_linked, c->mb_ambiguous, c->mb_artists_asked, c->mb_merged,
			 c->mb_genres_stored, c->lfm_asked, c->lfm_known, c->lfm_genres_stored,
			 c->requests[RB], c->requests[MB], c->requests[LFM],
			 c->requests[RB] + c->requests[MB] + c->requests[LFM],
			 c->mb_genres_stored + c->lfm_genres_stored);
	snprintf(caps, sizeof(caps), "{\"reccobeats\": \"%s\", \"musicbrainz\": \"%s\", \"lastfm\": \"%s\"}",
			 state_names[c->state[RB]], state_names[c->state[MB]], state_names[c->state[LFM]]);
	end.status = status;
	end.counts_json = counts;
	end.capabilities_json = caps;
	end.warnings = (const char *const *) c->warnings;
	end.n_warnings = c->n_warnings;
	if (lw_store_connected(c->st) && lw_store_run_finish(c->st, run_id, &end) < 0)
	{
		lw_log_error("%s", lw_store_error(c->st));
		code = LW_EXIT_FAILURE;
	}
	return code;
}

int
lw_enrich_run(const lw_config *cfg, lw_store *st)
{
	ectx		c;
	lw_error	err;
	lw_es_pref	prefs[3];
	long long	run_id = 0;
	int			code;

	memset(&c, 0, sizeof(c));
	c.cfg = cfg;
	c.st = st;
	lw_error_clear(&err);
	if (lw_enrich_config_load(&c.ec, &err) < 0)
	{
		lw_log_error("%s", err.message);
		lw_enrich_config_free(&c.ec);
		return LW_EXIT_USAGE;
	}
	if (cfg->enrich_seconds > 0)
		c.deadline = lw_monotonic() + cfg->enrich_seconds;
	if (lw_store_run_begin(st, "enrich", &run_id) < 0)
	{
		lw_log_error("%s", lw_store_error(st));
		lw_enrich_config_free(&c.ec);
		return LW_EXIT_FAILURE;
	}
	if (lw_es_load_prefs(st, prefs) < 0)
		db_error(&c, "enrichment preferences");
	else
	{
		/* switched off by the environment or by listen_wiseer.enrichment_sources */
		int			use[3] = {c.ec.use_reccobeats && prefs[RB].enabled,
			c.ec.use_musicbrainz && prefs[MB].enabled, c.ec.use_lastfm && prefs[LFM].enabled};
		int			first = prefs[LFM].priority < prefs[MB].priority ? LFM : MB;

		for (int i = 0; i < 3; i++)
			if (!use[i])
			{
				c.state[i] = SRC_OFF;
				lw_log_info("enrich %s: switched off", prefs[i].source);
			}
		if (use[RB])
			step_features(&c);
		for (int k = 0; k < 2 && !c.db_failed; k++)
		{
			int			src = k == 0 ? first : (first == MB ? LFM : MB);

			if (!use[src])
				continue;
			if (src == MB)
				step_musicbrainz(&c);
			else
				step_lastfm(&c);
		}
		if (c.features_loaded > 0 && !c.db_failed)
		{
			int			r = lw_store_refresh_vectors(st);

			if (r < 0)
				warn(&c, "refresh_vectors() failed: %s", lw_store_error(st));
		}
	}
	code = finish(&c, run_id);
	for (int i = 0; i < c.n_warnings; i++)
		free(c.warnings[i]);
	lw_enrich_config_free(&c.ec);
	return code;
}

int
lw_cmd_enrich(const lw_config *cfg)
{
	char		msg[600];
	const char *w = getenv("LW_WAIT_LOCK");
	lw_store   *st = lw_store_open(cfg->dbname, msg, sizeof(msg));
	int			r,
				code;

	if (st == NULL)
	{
		lw_log_error("%s", msg);
		return LW_EXIT_FAILURE;
	}
	if ((code = lw_ext_version_require(lw_store_conn(st))) != LW_EXIT_OK)
	{
		lw_store_close(st);
		return code;
	}
	if (lw_store_check_schema(st) < 0)
	{
		lw_log_error("%s", lw_store_error(st));
		lw_store_close(st);
		return LW_EXIT_FAILURE;
	}
	r = lw_store_lock(st, w && w[0] == '1', cfg->lock_timeout);
	if (r != 0)
	{
		if (r > 0)
			lw_log_error("another lw-ingest run is writing to this database; try again later "
						 "(LW_WAIT_LOCK=1 waits for it)");
		else
			lw_log_error("%s", lw_store_error(st));
		lw_store_close(st);
		return LW_EXIT_FAILURE;
	}
	code = lw_enrich_run(cfg, st);
	lw_store_close(st);
	return code;
}
