/*
 * spotify_walk.h - the Spotify endpoints lw-ingest reads, walked page by page.
 *
 * Each walker pages by following "next" (only URLs under the configured api_url, at most
 * ceil(total/limit)+1 pages, stopping when "next" repeats or goes backwards) and hands each
 * page's records (spotify_parse.h) to a callback while the page is alive. Requests go through a
 * fetch function (lw_api_get_json by default) so tests can feed pages. Knows nothing about the
 * database.
 */
#ifndef LW_SPOTIFY_WALK_H
#define LW_SPOTIFY_WALK_H

#include <jansson.h>

#include "api.h"
#include "spotify_parse.h"

/*
 * Paging guard. lw_pager_next() decides whether to follow page->next after `url` was fetched:
 * returns 1 with *next_out set (a copy, free() it) to continue, 0 at the end, -1 when the link
 * is refused (outside api_url, repeats, goes backwards, or past the page cap) with why[] set.
 */
typedef struct lw_pager
{
	const char *api_url;
	long		pages;			/* pages accepted so far */
	long		max_pages;		/* from the first page: ceil(total/limit)+1; 0 = not known yet */
	long		last_offset;	/* offset of the previous page, -1 if none */
	char		why[160];
} lw_pager;

void		lw_pager_init(lw_pager *p, const char *api_url);
int			lw_pager_next(lw_pager *p, const char *url, const lw_page *page, char **next_out);

typedef int (*lw_fetch_fn) (void *ctx, const char *path_or_url, json_t **out, lw_api_result *res);

typedef struct lw_spotify
{
	const char *api_url;		/* no trailing slash */
	lw_fetch_fn fetch;
	void	   *fetch_ctx;
	lw_counts  *counts;			/* pages, skips, bad fields (may be NULL) */
} lw_spotify;

/* Set up with lw_api_get_json on api. */
void		lw_spotify_init(lw_spotify *sp, lw_api *api, const char *api_url, lw_counts *counts);

typedef enum lw_sp_status
{
	LW_SP_OK = 0,
	LW_SP_STOPPED,				/* the callback asked to stop */
	LW_SP_UNAVAILABLE,			/* 403 or 404: endpoint or resource refused */
	LW_SP_RATE_LIMITED,			/* 429 past the budget / QUOTA_EXCEEDED */
	LW_SP_NEEDS_LOGIN,
	LW_SP_CONFIG,				/* invalid_client, bad URL */
	LW_SP_FAILED,				/* network, 5xx after retries, bad JSON, callback error */
	LW_SP_BAD_PAGING			/* a paging link was refused (see message) */
} lw_sp_status;

/*
 * Every walker returns its status and, unless it is LW_SP_OK, fills *err (may be NULL): the
 * exit code the status would end a run with, the HTTP status behind it and a message.
 */

/* Callbacks return 0 to continue, 1 to stop (LW_SP_STOPPED), -1 on error (LW_SP_FAILED). */
typedef int (*lw_playlists_cb) (void *ctx, const lw_playlist *pl, int n, long total);
typedef int (*lw_items_cb) (void *ctx, const lw_item *items, int n, long total);
typedef int (*lw_artists_cb) (void *ctx, const lw_artist *artists, int n);
typedef int (*lw_features_cb) (void *ctx, const lw_features *f, int n);

lw_sp_status lw_sp_me(lw_spotify *sp, lw_user *out, json_t **keep, lw_error *err);

/* GET /me/playlists?limit=50, all pages. */
lw_sp_status lw_sp_playlists(lw_spotify *sp, lw_playlists_cb cb, void *ctx, lw_error *err);

/* GET /playlists/{id}/items?limit=50&additional_types=track,episode, all pages. */
lw_sp_status lw_sp_playlist_items(lw_spotify *sp, const char *playlist_id, lw_items_cb cb,
								  void *ctx, lw_error *err);

/* GET /me/tracks?limit=50, newest first, until the callback stops it. */
lw_sp_status lw_sp_liked(lw_spotify *sp, lw_items_cb cb, void *ctx, lw_error *err);

/* GET /artists?ids=... (n <= 50). Null entries are skipped (counted by the caller). */
lw_sp_status lw_sp_artists(lw_spotify *sp, const char *const *ids, int n, lw_artists_cb cb,
						   void *ctx, lw_error *err);

/*
 * GET /artists/{id} for each id (the fallback when the batch endpoint is refused); the
 * answers are handed to cb together. A 404 skips that id. Stops at the first other failure:
 * *done = ids handled (answered or 404) before it; the artists fetched so far are still stored.
 */
lw_sp_status lw_sp_artists_each(lw_spotify *sp, const char *const *ids, int n, lw_artists_cb cb,
								void *ctx, int *done, lw_error *err);

/* GET /audio-features?ids=... (n <= 100). Null and invalid entries are counted, not passed. */
lw_sp_status lw_sp_audio_features(lw_spotify *sp, const char *const *ids, int n,
								  lw_features_cb cb, void *ctx, lw_error *err);

const char *lw_sp_status_name(lw_sp_status st);

#endif							/* LW_SPOTIFY_WALK_H */
