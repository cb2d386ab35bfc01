/*
 * store.h - records -> the listen_wiseer library tables (libpq), for sync and import-features.
 *
 * Knows nothing about HTTP or JSON: every function takes records.h records, so each store path
 * can be exercised with hand-made records and a database only.
 *
 * Conventions:
 *  - Functions return 0 on success and -1 on a database error: lw_store_error() is its message
 *    (the store's lw_error, exit code LW_EXIT_FAILURE: see exitcodes.h).
 *    After -1 the open transaction (if any) has been rolled back; a lost connection stays lost.
 *  - Each page of records is written in its own short transaction, except playlist membership:
 *    items are staged page by page (session temp table) and merged together with the new
 *    snapshot_id in ONE transaction by lw_store_members_commit().
 *  - Upserts only touch fields the record carries (LW_ABSENT keeps the stored value) and skip
 *    rows whose values did not change, so a no-change sync writes nothing but its ingest_runs row.
 */
#ifndef LW_STORE_H
#define LW_STORE_H

#include <stdbool.h>

#include "records.h"
#include "util.h"

/* COPY text format: append one field (NULL -> \N; backslash, tab, newline, CR escaped),
 * preceded by a tab unless first. */
void		lw_copy_field(lw_buf *b, const char *s, bool first);
/* Append a text[] literal {"a","b"} (" and \ escaped), to be passed through lw_copy_field. */
void		lw_array_literal(lw_buf *b, const char *const *v, int n);

typedef struct lw_store lw_store;

/* conninfo may be NULL (libpq environment: PGHOST, PGDATABASE, ...). NULL on failure, msg set. */
lw_store   *lw_store_open(const char *conninfo, char *msg, size_t msgsz);
void		lw_store_close(lw_store *st);
const char *lw_store_error(const lw_store *st);

/* The session, for the layers with SQL of their own (publish_store.c, enrich_store.c,
 * catalog_store.c, ext_version.c); owned by st. */
struct pg_conn *lw_store_conn(lw_store *st);

/* true while the server connection is usable */
bool		lw_store_connected(const lw_store *st);

/*
 * The ingest lock (session-level advisory lock): every writing command takes it, so two runs
 * never interleave. wait=false: returns 1 at once if another run holds it. 0 = locked, -1 error.
 */
int			lw_store_lock(lw_store *st, bool wait, int lock_timeout_s);

/* The extension and its tables are present (clear message otherwise). */
int			lw_store_check_schema(lw_store *st);

/* ---- ingest_runs ---- */

/* Insert a 'running' row (committed at once); marks older 'running' rows of dead runs failed. */
int			lw_store_run_begin(lw_store *st, const char *command, long long *run_id);

typedef struct lw_run_end
{
	const char *status;			/* ok | partial | needs_login | failed */
	const char *user_id;		/* may be NULL */
	const lw_counts *counts;
	const char *counts_json;	/* used instead of counts when not NULL (a JSON object) */
	const char *capabilities_json;	/* a JSON object, or NULL for {} */
	const char *const *warnings;
	int			n_warnings;
	const char *error;			/* may be NULL */
} lw_run_end;

int			lw_store_run_finish(lw_store *st, long long run_id, const lw_run_end *end);

/* ---- capabilities ---- */

/*
 * The stored verdict: returns 1 if a verdict younger than max_age_days exists (*available set),
 * 0 if none (or too old), -1 on error.
 */
int			lw_store_capability_get(lw_store *st, const char *name, int max_age_days,
									bool *available);
int			lw_store_capability_set(lw_store *st, const char *name, bool available,
									const char *detail);

/* ---- user, playlists ---- */

int			lw_store_upsert_user(lw_store *st, const lw_user *u);

/*
 * Upsert playlist metadata (never snapshot_id) and remember each as listed in this run
 * (session temp table, with the listed snapshot_id). Clears unfollowed_at of listed ones.
 */
int			lw_store_playlists_seen(lw_store *st, const lw_playlist *pl, int n, lw_counts *c);

/* After a complete listing: playlists not listed get unfollowed_at = now(). */
int			lw_store_playlists_mark_unfollowed(lw_store *st, lw_counts *c);

/*
 * The next listed playlist (id > after, in id order) whose items must be fetched: new, or
 * snapshot_id different from the stored one (all when full). Returns 1 with id/snapshot copied
 * (snapshot "" when the listing carried none), 0 when no more, -1 on error.
 */
int			lw_store_next_changed_playlist(lw_store *st, const char *after, bool full,
										   char *id, size_t idsz, char *snap, size_t snapsz);

/* ---- tracks and membership ---- */

/* Upsert the tracks (and their artists, credit order) of the LW_ITEM_TRACK items. */
int			lw_store_upsert_item_tracks(lw_store *st, const lw_item *items, int n, lw_counts *c);

/* Start staging one playlist's membership (empties the stage). */
int			lw_store_members_begin(lw_store *st);

/* Stage the LW_ITEM_TRACK items of one page (positions as sent). */
int			lw_store_members_stage(lw_store *st, const lw_item *items, int n);

/*
 * One transaction: merge the staged membership into playlist_tracks (occurrence = n-th time the
 * track appears, by position; rows no longer present get removed_at = now(), re-added rows get
 * removed_at NULL), then store snapshot_id (NULL if snap is ""), items_available = true,
 * last_synced_at.
 */
int			lw_store_members_commit(lw_store *st, const char *playlist_id, const char *snap,
									lw_counts *c);

/* The playlist's items answered 403/404: keep its rows, mark items_available = false. */
int			lw_store_playlist_unavailable(lw_store *st, const char *playlist_id,
										  const char *snap);

/* ---- liked songs ---- */

/*
 * Index of the first item that is already a current liked song with the same added_at, or n
 * if none (LW_ITEM_TRACK items only are considered).
 */
int			lw_store_liked_first_known(lw_store *st, const lw_item *items, int n, int *first);

/* Upsert liked_tracks rows for the track items in items[0..n). With remember, also note them
 * for lw_store_liked_finish_full(). */
int			lw_store_liked_add(lw_store *st, const lw_item *items, int n, bool remember,
							   lw_counts *c);

/* Current liked songs (removed_at IS NULL). */
int			lw_store_liked_count(lw_store *st, long *count);

/*
 * Whether the last sync before run_id ended 'ok' (or there was none): only then may the
 * liked-songs pass stop at the first known track, since a run that died may have stored
 * the newest pages without the older ones.
 */
int			lw_store_previous_sync_ok(lw_store *st, long long run_id, bool *ok);

/* Start / finish a full liked-songs scan: rows not seen get removed_at = now(). */
int			lw_store_liked_begin_full(lw_store *st);
int			lw_store_liked_finish_full(lw_store *st, lw_counts *c);

/* ---- artists ---- */

/* Up to max artist ids (> after, id order) whose full object was never fetched. Returns n. */
int			lw_store_artists_to_fetch(lw_store *st, const char *after, int max,
									  char ids[][LW_ID_BUF], int *n);

/* Upsert full artist objects (genres only when the field was present). */
int			lw_store_upsert_artists(lw_store *st, const lw_artist *a, int n, lw_counts *c);

/* Note that these artists were asked for (genres_fetched_at), whatever the answer was. */
int			lw_store_artists_mark_fetched(lw_store *st, const char *const *ids, int n);

/* ---- audio features ---- */

/* Up to max track ids (> after) without an audio_features row, not asked for before. */
int			lw_store_tracks_without_features(lw_store *st, const char *after, int max,
											 char ids[][LW_ID_BUF], int *n);

/*
 * Audio features in two steps, so a whole CSV file can be checked in SQL with constant memory:
 * begin (empty the stage), stage pages of records (in arrival order), then merge in one
 * transaction with the given source ('spotify_api', 'csv', 'demo') and source_detail.
 * The merge keeps the first staged row of a track (later ones count as duplicates), skips
 * tracks unknown to the library, and replaces an existing 'spotify_api' row only when
 * overwrite (rows of other sources are replaced by any source). Identical rows are not
 * rewritten.
 */
typedef struct lw_features_merge
{
	long		loaded;			/* rows inserted or changed */
	long		unchanged;		/* identical to the stored row */
	long		unknown;		/* track not in listen_wiseer.tracks */
	long		kept;			/* existing spotify_api rows left alone (no overwrite) */
	long		duplicates;		/* same track staged more than once */
} lw_features_merge;

int			lw_store_features_begin(lw_store *st);
int			lw_store_features_stage(lw_store *st, const lw_features *f, int n);
int			lw_store_features_merge(lw_store *st, const char *source, const char *detail,
									bool overwrite, lw_features_merge *out);

/* Note that features were asked for these tracks (null answers are not asked again). */
int			lw_store_features_mark_checked(lw_store *st, const char *const *ids, int n);

/* Call listen_wiseer.refresh_vectors() if it exists. 1 = called, 0 = absent, -1 error. */
int			lw_store_refresh_vectors(lw_store *st);

#endif							/* LW_STORE_H */
