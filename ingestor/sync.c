/*
 * sync.c - `lw-ingest sync` (the plan is in sync.h).
 *
 * spotify_walk.c produces pages of records, store.c writes them; this file only decides what to
 * fetch, in what order, and how the run ends.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "ext_version.h"
#include "log.h"
#include "spotify_walk.h"
#include "store.h"
#include "sync.h"
#include "enrich.h"

#define MAX_WARNINGS 32

typedef enum cap_state
{
	CAP_UNUSED = 0,				/* nothing needed it this run */
	CAP_AVAILABLE,
	CAP_UNAVAILABLE,			/* refused at the first request of this run */
	CAP_LOST,					/* worked earlier in this run, then refused */
	CAP_CACHED_UNAVAILABLE		/* not probed: a recent stored verdict says unavailable */
} cap_state;

static const char *const cap_names[] = {"unused", "available", "unavailable", "lost",
"unavailable (stored verdict)"};

typedef struct sync_ctx
{
	const lw_config *cfg;
	lw_store   *store;
	lw_api	   *api;
	lw_spotify	sp;
	lw_counts	counts;
	long long	run_id;
	char		user_id[256];
	bool		have_user;

	bool		partial;		/* the run did not get everything it should have */
	bool		db_failed;		/* a store call failed inside a callback */

	cap_state	cap_features;
	cap_state	cap_batch_artists;
	cap_state	cap_single_artists;

	char		warnings[MAX_WARNINGS][256];
	int			n_warnings;

	/* per playlist */
	long		items_total;	/* "total" of the first items page */
	bool		items_moved;	/* total changed while paging */

	/* liked songs */
	bool		liked_incremental;
	long		liked_total;
} sync_ctx;

static void
warn(sync_ctx *c, const char *fmt,...) __attribute__((format(printf, 2, 3)));

static void
warn(sync_ctx *c, const char *fmt,...)
{
	char		line[256];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	lw_log_warn("%s", line);
	if (c->n_warnings < MAX_WARNINGS)
		lw_redact(line, c->warnings[c->n_warnings++], sizeof(c->warnings[0]));
}

/* ---- the end of a run --------------------------------------------------------------------- */

static void
capabilities_json(const sync_ctx *c, char *buf, size_t sz)
{
	snprintf(buf, sz, "{\"audio_features\": \"%s\", \"batch_artists\": \"%s\", \"single_artists\": \"%s\"}",
			 cap_names[c->cap_features], cap_names[c->cap_batch_artists],
			 cap_names[c->cap_single_artists]);
}

/* Record the run's end; returns the exit code. */
static int
finish(sync_ctx *c, const char *status, int exit_code, const char *error)
{
	char		caps[512];
	const char *w[MAX_WARNINGS];
	lw_run_end	end;
	char		errbuf[600];

	if (c->api)
		c->counts.requests = lw_api_request_count(c->api);
	capabilities_json(c, caps, sizeof(caps));
	for (int i = 0; i < c->n_warnings; i++)
		w[i] = c->warnings[i];
	memset(&end, 0, sizeof(end));
	end.status = status;
	end.user_id = c->have_user ? c->user_id : NULL;
	end.counts = &c->counts;
	end.capabilities_json = caps;
	end.warnings = w;
	end.n_warnings = c->n_warnings;
	if (error)
		end.error = lw_redact(error, errbuf, sizeof(errbuf));
	if (c->store && lw_store_connected(c->store) &&
		lw_store_run_finish(c->store, c->run_id, &end) < 0)
	{
		lw_log_error("could not record the run: %s", lw_store_error(c->store));
		if (exit_code == LW_EXIT_OK || exit_code == LW_EXIT_PARTIAL)
			exit_code = LW_EXIT_FAILURE;
	}
	else if (c->store && !lw_store_connected(c->store))
	{
		lw_log_error("the database connection was lost; the run could not be recorded");
		exit_code = LW_EXIT_FAILURE;
	}
	return exit_code;
}

static int
fail_db(sync_ctx *c, const char *step)
{
	lw_log_error("%s: %s", step, lw_store_error(c->store));
	lw_log_error("sync stopped; what was written so far is kept, the next run resumes");
	return finish(c, "failed", LW_EXIT_FAILURE, lw_store_error(c->store));
}

/* End the run after an API outcome that stops it. */
static int
fail_api(sync_ctx *c, const char *step, lw_sp_status s, const lw_error *e)
{
	char		msg[700];

	if (c->db_failed)
		return fail_db(c, step);
	snprintf(msg, sizeof(msg), "%s: %s%s%s", step, lw_sp_status_name(s),
			 e->message[0] ? ": " : "", e->message);
	switch (s)
	{
		case LW_SP_RATE_LIMITED:
			lw_log_error("%s; stopping now (run again later to resume)", msg);
			return finish(c, "partial", LW_EXIT_PARTIAL, msg);
		case LW_SP_NEEDS_LOGIN:
			lw_log_error("%s; run `lw-ingest login` again", msg);
			return finish(c, "needs_login", LW_EXIT_NEEDS_LOGIN, msg);
		case LW_SP_CONFIG:
			lw_log_error("%s", msg);
			return finish(c, "failed", LW_EXIT_USAGE, msg);
		default:
			lw_log_error("%s; what was written so far is kept, the next run resumes", msg);
			return finish(c, "failed", LW_EXIT_FAILURE, msg);
	}
}

/* ---- callbacks ---------------------------------------------------------------------------- */

static int
on_playlists(void *arg, const lw_playlist *pl, int n, long total)
{
	sync_ctx   *c = arg;

	(void) total;
	if (lw_store_playlists_seen(c->store, pl, n, &c->counts) < 0)
	{
		c->db_failed = true;
		return -1;
	}
	return 0;
}

static int
on_items(void *arg, const lw_item *items, int n, long total)
{
	sync_ctx   *c = arg;

	if (c->items_total == -2)
		c->items_total = total;
	else if (total != c->items_total)
	{
		c->items_moved = true;	/* the playlist changed while we paged: start over */
		return 1;
	}
	if (lw_store_upsert_item_tracks(c->store, items, n, &c->counts) < 0 ||
		lw_store_members_stage(c->store, items, n) < 0)
	{
		c->db_failed = true;
		return -1;
	}
	for (int i = 0; i < n; i++)
		if (items[i].kind == LW_ITEM_TRACK)
			c->counts.playlist_items++;
	return 0;
}

static int
on_liked(void *arg, const lw_item *items, int n, long total)
{
	sync_ctx   *c = arg;
	int			k = n;

	if (c->liked_total < 0)
		c->liked_total = total;
	if (c->liked_incremental &&
		lw_store_liked_first_known(c->store, items, n, &k) < 0)
		goto dberr;
	if (k > 0 &&
		(lw_store_upsert_item_tracks(c->store, items, k, &c->counts) < 0 ||
		 lw_store_liked_add(c->store, items, k, !c->liked_incremental, &c->counts) < 0))
		goto dberr;
	c->counts.liked_seen += k;
	return k < n ? 1 : 0;
dberr:
	c->db_failed = true;
	return -1;
}

static int
on_artists(void *arg, const lw_artist *a, int n)
{
	sync_ctx   *c = arg;

	if (lw_store_upsert_artists(c->store, a, n, &c->counts) < 0)
	{
		c->db_failed = true;
		return -1;
	}
	return 0;
}

static int
on_features(void *arg, const lw_features *f, int n)
{
	sync_ctx   *c = arg;
	lw_features_merge m;

	if (lw_store_features_begin(c->store) < 0 ||
		lw_store_features_stage(c->store, f, n) < 0 ||
		lw_store_features_merge(c->store, "spotify_api", NULL, false, &m) < 0)
	{
		c->db_failed = true;
		return -1;
	}
	c->counts.features_loaded += m.loaded;
	return 0;
}

/* ---- steps -------------------------------------------------------------------------------- */

/* Returns 0 to go on, or an exit code + 1 (the run was finished). */
#define STEP_FINISHED(code) ((code) + 1)

static int
step_playlists(sync_ctx *c)
{
	lw_error	e;
	lw_sp_status s = lw_sp_playlists(&c->sp, on_playlists, c, &e);

	if (s == LW_SP_BAD_PAGING)
	{
		warn(c, "playlist listing stopped early (%s); unfollowed playlists not checked", e.message);
		c->partial = true;
	}
	else if (s != LW_SP_OK)
		return STEP_FINISHED(fail_api(c, "listing playlists", s, &e));
	else if (lw_store_playlists_mark_unfollowed(c->store, &c->counts) < 0)
		return STEP_FINISHED(fail_db(c, "marking unfollowed playlists"));
	return 0;
}

static int
step_playlist_items(sync_ctx *c)
{
	char		id[128] = "";
	char		snap[512];

	for (;;)
	{
		int			r = lw_store_next_changed_playlist(c->store, id, c->cfg->full != 0,
													   id, sizeof(id), snap, sizeof(snap));
		lw_sp_status s = LW_SP_OK;
		lw_error	e;

		if (r < 0)
			return STEP_FINISHED(fail_db(c, "finding changed playlists"));
		if (r == 0)
			break;
		for (int attempt = 1; attempt <= 2; attempt++)
		{
			if (lw_store_members_begin(c->store) < 0)
				return STEP_FINISHED(fail_db(c, "playlist items"));
			c->items_total = -2;
			c->items_moved = false;
			s = lw_sp_playlist_items(&c->sp, id, on_items, c, &e);
			if (!(s == LW_SP_STOPPED && c->items_moved))
				break;
			c->counts.playlists_refetched++;
		}
		if (s == LW_SP_OK)
		{
			if (lw_store_members_commit(c->store, id, snap, &c->counts) < 0)
				return STEP_FINISHED(fail_db(c, "writing playlist membership"));
		}
		else if (s == LW_SP_UNAVAILABLE)
		{
			lw_log_info("playlist %s: items not available (HTTP %ld), keeping its metadata only",
						id, e.http_status);
			if (lw_store_playlist_unavailable(c->store, id, snap) < 0)
				return STEP_FINISHED(fail_db(c, "marking a playlist unavailable"));
			c->counts.playlists_items_unavailable++;
		}
		else if (s == LW_SP_STOPPED || s == LW_SP_BAD_PAGING)
		{
			warn(c, "playlist %s: %s; its membership was not updated (next run retries)", id,
				 s == LW_SP_STOPPED ? "it kept changing while being read" : e.message);
			c->partial = true;
		}
		else
			return STEP_FINISHED(fail_api(c, "reading playlist items", s, &e));
	}
	c->counts.playlists_unchanged = c->counts.playlists_seen - c->counts.playlists_changed -
		c->counts.playlists_items_unavailable;
	if (c->counts.playlists_unchanged < 0)
		c->counts.playlists_unchanged = 0;
	return 0;
}

static int
step_liked(sync_ctx *c)
{
	lw_error	e;
	lw_sp_status s;
	long		held;
	bool		full = c->cfg->full != 0;
	bool		previous_ok;

	if (lw_store_previous_sync_ok(c->store, c->run_id, &previous_ok) < 0)
		return STEP_FINISHED(fail_db(c, "liked songs"));
	if (!full && !previous_ok)
	{
		lw_log_info("liked songs: the last sync did not finish: checking all of them");
		full = true;
	}
	c->liked_incremental = !full;
	c->liked_total = -1;
	if (full && lw_store_liked_begin_full(c->store) < 0)
		return STEP_FINISHED(fail_db(c, "liked songs"));
	s = lw_sp_liked(&c->sp, on_liked, c, &e);
	if (s != LW_SP_OK && s != LW_SP_STOPPED && s != LW_SP_BAD_PAGING)
		return STEP_FINISHED(fail_api(c, "reading liked songs", s, &e));
	if (s == LW_SP_BAD_PAGING)
	{
		warn(c, "liked songs: %s", e.message);
		c->partial = true;
		return 0;
	}
	if (full)
		return lw_store_liked_finish_full(c->store, &c->counts) < 0
			? STEP_FINISHED(fail_db(c, "liked songs")) : 0;

	/* Spotify holds fewer than we do: some were unliked; one full pass finds which */
	if (lw_store_liked_count(c->store, &held) < 0)
		return STEP_FINISHED(fail_db(c, "liked songs"));
	if (c->liked_total >= 0 && held > c->liked_total)
	{
		lw_log_info("liked songs: %ld stored, Spotify has %ld: checking all of them", held,
					c->liked_total);
		c->liked_incremental = false;
		if (lw_store_liked_begin_full(c->store) < 0)
			return STEP_FINISHED(fail_db(c, "liked songs"));
		s = lw_sp_liked(&c->sp, on_liked, c, &e);
		if (s == LW_SP_BAD_PAGING)
		{
			warn(c, "liked songs: %s", e.message);
			c->partial = true;
			return 0;
		}
		if (s != LW_SP_OK)
			return STEP_FINISHED(fail_api(c, "reading liked songs", s, &e));
		if (lw_store_liked_finish_full(c->store, &c->counts) < 0)
			return STEP_FINISHED(fail_db(c, "liked songs"));
	}
	return 0;
}

/* Probe outcome for a capability: returns true when the endpoint may be used again. */
static bool
capability_refused(sync_ctx *c, cap_state *cap, const char *name, const lw_error *e)
{
	char		detail[160];

	snprintf(detail, sizeof(detail), "HTTP %ld %.120s", e->http_status, e->message);
	if (*cap == CAP_AVAILABLE)
	{
		*cap = CAP_LOST;
		c->partial = true;
		warn(c, "%s: refused mid-run (HTTP %ld); the rest is left for a later run", name,
			 e->http_status);
	}
	else
	{
		*cap = CAP_UNAVAILABLE;
		warn(c, "%s: not available to this app (HTTP %ld)", name, e->http_status);
	}
	if (lw_store_capability_set(c->store, name, false, detail) < 0)
		return false;
	return true;
}

static int
capability_ok(sync_ctx *c, cap_state *cap, const char *name)
{
	if (*cap == CAP_AVAILABLE)
		return 0;
	*cap = CAP_AVAILABLE;
	return lw_store_capability_set(c->store, name, true, NULL);
}

/* Returns 1 to skip the capability (recent stored verdict "unavailable"), 0 to try, -1 error. */
static int
capability_cached_off(sync_ctx *c, cap_state *cap, const char *name)
{
	bool		available = true;
	int			r;

	if (c->cfg->full)
		return 0;				/* --full probes again */
	r = lw_store_capability_get(c->store, name, LW_CAPABILITY_MAX_AGE_DAYS, &available);
	if (r < 0)
		return -1;
	if (r == 1 && !available)
	{
		*cap = CAP_CACHED_UNAVAILABLE;
		return 1;
	}
	return 0;
}

static int
single_artists(sync_ctx *c, const char *const *ids, int n, bool *stop)
{
	lw_error	e;
	long		before = c->counts.artists_loaded;
	int			done = 0;
	lw_sp_status s = lw_sp_artists_each(&c->sp, ids, n, on_artists, c, &done, &e);

	c->counts.artists_single_lookups += done;
	c->counts.artists_missing += done - (c->counts.artists_loaded - before);
	if (s == LW_SP_OK)
		return capability_ok(c, &c->cap_single_artists, "single_artists") < 0
			? STEP_FINISHED(fail_db(c, "capabilities")) : 0;
	if (s == LW_SP_UNAVAILABLE)
	{
		if (!capability_refused(c, &c->cap_single_artists, "single_artists", &e))
			return STEP_FINISHED(fail_db(c, "capabilities"));
		*stop = true;
		if (lw_store_artists_mark_fetched(c->store, ids, done) < 0)
			return STEP_FINISHED(fail_db(c, "artists"));
		return 0;
	}
	return STEP_FINISHED(fail_api(c, "reading artists one by one", s, &e));
}

static int
step_artists(sync_ctx *c)
{
	char		ids[50][LW_ID_BUF];
	char		after[LW_ID_BUF] = "";
	bool		batch = true;
	int			n;
	int			r;

	r = capability_cached_off(c, &c->cap_batch_artists, "batch_artists");
	if (r < 0)
		return STEP_FINISHED(fail_db(c, "capabilities"));
	batch = (r == 0);
	for (;;)
	{
		const char *idp[50];
		bool		stop = false;

		if (lw_store_artists_to_fetch(c->store, after, 50, ids, &n) < 0)
			return STEP_FINISHED(fail_db(c, "artists to fetch"));
		if (n == 0)
			break;
		for (int i = 0; i < n; i++)
			idp[i] = ids[i];
		c->counts.artists_requested += n;
		if (batch)
		{
			lw_error	e;
			long		before = c->counts.artists_loaded;
			lw_sp_status s = lw_sp_artists(&c->sp, idp, n, on_artists, c, &e);

			if (s == LW_SP_OK)
			{
				if (capability_ok(c, &c->cap_batch_artists, "batch_artists") < 0)
					return STEP_FINISHED(fail_db(c, "capabilities"));
				c->counts.artists_missing += n - (c->counts.artists_loaded - before);
			}
			else if (s == LW_SP_UNAVAILABLE)
			{
				if (!capability_refused(c, &c->cap_batch_artists, "batch_artists", &e))
					return STEP_FINISHED(fail_db(c, "capabilities"));
				batch = false;	/* fall back to single lookups, starting with this batch */
			}
			else
				return STEP_FINISHED(fail_api(c, "reading artists", s, &e));
		}
		if (!batch)
		{
			r = single_artists(c, idp, n, &stop);
			if (r != 0)
				return r;
			if (stop)
				break;
		}
		if (lw_store_artists_mark_fetched(c->store, idp, n) < 0)
			return STEP_FINISHED(fail_db(c, "artists"));
		snprintf(after, sizeof(after), "%s", ids[n - 1]);
	}
	return 0;
}

static int
step_features(sync_ctx *c)
{
	char		ids[100][LW_ID_BUF];
	char		after[LW_ID_BUF] = "";
	int			n;
	int			r;
	long		loaded_before = c->counts.features_loaded;

	r = capability_cached_off(c, &c->cap_features, "audio_features");
	if (r < 0)
		return STEP_FINISHED(fail_db(c, "capabilities"));
	if (r == 1)
	{
		lw_log_info("audio features: not available to this app (stored verdict); skipped");
		return 0;
	}
	for (;;)
	{
		const char *idp[100];
		lw_error	e;
		lw_sp_status s;

		if (lw_store_tracks_without_features(c->store, after, 100, ids, &n) < 0)
			return STEP_FINISHED(fail_db(c, "tracks without features"));
		if (n == 0)
			break;
		for (int i = 0; i < n; i++)
			idp[i] = ids[i];
		s = lw_sp_audio_features(&c->sp, idp, n, on_features, c, &e);
		if (s == LW_SP_UNAVAILABLE)
		{
			if (!capability_refused(c, &c->cap_features, "audio_features", &e))
				return STEP_FINISHED(fail_db(c, "capabilities"));
			break;				/* features stay absent: no rows, never zeros */
		}
		if (s != LW_SP_OK)
			return STEP_FINISHED(fail_api(c, "reading audio features", s, &e));
		if (capability_ok(c, &c->cap_features, "audio_features") < 0)
			return STEP_FINISHED(fail_db(c, "capabilities"));
		c->counts.features_requested += n;
		if (lw_store_features_mark_checked(c->store, idp, n) < 0)
			return STEP_FINISHED(fail_db(c, "features"));
		snprintf(after, sizeof(after), "%s", ids[n - 1]);
	}
	if (c->counts.features_loaded > loaded_before)
	{
		r = lw_store_refresh_vectors(c->store);
		if (r < 0)
			warn(c, "refresh_vectors() failed: %s", lw_store_error(c->store));
		else if (r == 1)
			lw_log_info("track vectors refreshed");
	}
	return 0;
}

/* ---- the command -------------------------------------------------------------------------- */

static int
sync_run(sync_ctx *c)
{
	lw_error	err;
	lw_error	e;
	lw_user		me;
	json_t	   *me_json = NULL;
	lw_sp_status s;
	int			r;

	lw_error_clear(&err);
	c->api = lw_api_open(c->cfg, &err);
	if (c->api == NULL)
	{
		lw_log_error("%s", err.message);
		if (err.exit_code == LW_EXIT_NEEDS_LOGIN)
			return finish(c, "needs_login", LW_EXIT_NEEDS_LOGIN, err.message);
		return finish(c, "failed", err.exit_code ? err.exit_code : LW_EXIT_FAILURE, err.message);
	}
	lw_spotify_init(&c->sp, c->api, c->cfg->api_url, &c->counts);

	s = lw_sp_me(&c->sp, &me, &me_json, &e);
	if (s != LW_SP_OK)
		return fail_api(c, "reading the user (/me)", s, &e);
	snprintf(c->user_id, sizeof(c->user_id), "%s", me.id);
	c->have_user = true;
	r = lw_store_upsert_user(c->store, &me);
	json_decref(me_json);
	if (r < 0)
		return fail_db(c, "storing the user");

	if ((r = step_playlists(c)) != 0 || (r = step_playlist_items(c)) != 0 ||
		(r = step_liked(c)) != 0 || (r = step_artists(c)) != 0 ||
		(r = step_features(c)) != 0)
		return r - 1;

	if (c->counts.strings_repaired || c->counts.strings_truncated || c->counts.genres_dropped ||
		c->counts.too_many_genres || c->counts.too_many_artists)
		warn(c, "odd text from Spotify: %ld strings repaired (invalid UTF-8, lone surrogates, NUL), "
			 "%ld cut to the size limit, %ld genres dropped, %ld artists and %ld tracks over the "
			 "genre/credit limits", c->counts.strings_repaired, c->counts.strings_truncated,
			 c->counts.genres_dropped, c->counts.too_many_genres, c->counts.too_many_artists);
	lw_log_info("sync %s: %ld playlists (%ld changed, %ld unavailable, %ld unfollowed), "
				"%ld liked new, %ld tracks new, %ld artists loaded, %ld features loaded, "
				"%ld requests",
				c->partial ? "partial" : "ok", c->counts.playlists_seen,
				c->counts.playlists_changed, c->counts.playlists_items_unavailable,
				c->counts.playlists_unfollowed, c->counts.liked_new, c->counts.tracks_new,
				c->counts.artists_loaded, c->counts.features_loaded,
				lw_api_request_count(c->api));
	if (c->partial)
		return finish(c, "partial", LW_EXIT_PARTIAL, NULL);
	return finish(c, "ok", LW_EXIT_OK, NULL);
}

int
lw_cmd_sync(const lw_config *cfg)
{
	sync_ctx   *c = calloc(1, sizeof(*c));
	char		msg[600];
	const char *w = getenv("LW_WAIT_LOCK");
	int			r;
	int			code;

	if (c == NULL)
	{
		lw_log_error("out of memory");
		return LW_EXIT_FAILURE;
	}
	c->cfg = cfg;
	c->store = lw_store_open(cfg->dbname, msg, sizeof(msg));
	if (c->store == NULL)
	{
		lw_log_error("%s", msg);
		free(c);
		return LW_EXIT_FAILURE;
	}
	/* the extension's version first: exit 2 if it is not ours */
	if ((code = lw_ext_version_require(lw_store_conn(c->store))) != LW_EXIT_OK)
		goto out;
	if (lw_store_check_schema(c->store) < 0)
	{
		lw_log_error("%s", lw_store_error(c->store));
		code = LW_EXIT_FAILURE;
		goto out;
	}
	r = lw_store_lock(c->store, w && w[0] == '1', c->cfg->lock_timeout);
	if (r != 0)
	{
		if (r > 0)
			lw_log_error("another lw-ingest run is writing to this database; try again later "
						 "(LW_WAIT_LOCK=1 waits for it)");
		else
			lw_log_error("%s", lw_store_error(c->store));
		code = LW_EXIT_FAILURE;
		goto out;
	}
	if (lw_store_run_begin(c->store, "sync", &c->run_id) < 0)
	{
		lw_log_error("%s", lw_store_error(c->store));
		code = LW_EXIT_FAILURE;
		goto out;
	}
	code = sync_run(c);
	/* then what Spotify no longer gives (enrich.h); a sync that failed leaves it for next time */
	if (cfg->enrich && (code == LW_EXIT_OK || code == LW_EXIT_PARTIAL) &&
		lw_store_connected(c->store))
	{
		int			e = lw_enrich_run(cfg, c->store);

		if (code == LW_EXIT_OK)
			code = e;
	}
out:
	if (c->api)
		lw_api_close(c->api);
	lw_store_close(c->store);
	free(c);
	return code;
}
