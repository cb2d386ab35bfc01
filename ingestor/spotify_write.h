/*
 * spotify_write.h - the Web API write requests of `lw-ingest publish`, and their parsers.
 *
 *   POST /me/playlists              create a private playlist (201, the playlist object)
 *   PUT  /playlists/{id}/items      replace the items with <= 100 URIs ({"snapshot_id"})
 *   POST /playlists/{id}/items      append <= 100 URIs ({"snapshot_id"})
 *   GET  /playlists/{id}            does the target still exist, and whose is it
 *   GET  /me/playlists              find a playlist by the marker in its description
 *
 * Creating and appending are not idempotent: they are sent without retry after a 5xx or a
 * transport error (the server may have acted), and the caller recovers at a level where
 * repeating is safe (find the marked playlist before creating again; redo the whole
 * replacement from its PUT). A replacing PUT is retried like a GET.
 */
#ifndef LW_SPOTIFY_WRITE_H
#define LW_SPOTIFY_WRITE_H

#include <jansson.h>

#include "api.h"

typedef struct lw_spw_playlist
{
	char		id[72];
	char		owner_id[256];	/* "" when absent */
	char		snapshot_id[256];	/* "" when absent */
} lw_spw_playlist;

/* How a failed write or check should end the rule (and the run). */
typedef enum lw_spw_status
{
	LW_SPW_OK = 0,
	LW_SPW_GONE,				/* 404: the playlist does not exist (any more) */
	LW_SPW_FORBIDDEN,			/* 403: not the user's to modify */
	LW_SPW_SCOPE,				/* 403 Insufficient client scope: log in again */
	LW_SPW_UNKNOWN,				/* 5xx / transport error of a request sent without retry */
	LW_SPW_RATE_LIMITED,		/* 429 past the budget / QUOTA_EXCEEDED */
	LW_SPW_NEEDS_LOGIN,
	LW_SPW_CONFIG,
	LW_SPW_FAILED				/* anything else (400, bad answer, 5xx after retries) */
} lw_spw_status;

/* A playlist object (or the fields= subset): 0, or -1 when it has no valid id. */
int			lw_spw_parse_playlist(const json_t *obj, lw_spw_playlist *out);

/* {"snapshot_id": "..."}: 0, or -1 when absent or not a string. */
int			lw_spw_parse_snapshot(const json_t *obj, char *out, size_t outsz);

/* The status of a failed lw_api result (no_retry: whether the request was sent without retry). */
lw_spw_status lw_spw_status_of(const lw_api_result *res, int no_retry);

/* POST /me/playlists {name, public: false, collaborative: false, description}. */
lw_spw_status lw_spw_create(lw_api *api, const char *name, const char *description,
							lw_spw_playlist *out, lw_api_result *res);

/* GET /playlists/{id}?fields=id,owner(id),snapshot_id. */
lw_spw_status lw_spw_get(lw_api *api, const char *id, lw_spw_playlist *out, lw_api_result *res);

/* PUT (replace = 1) or POST /playlists/{id}/items {"uris": uris[0..n)}, n <= 100. */
lw_spw_status lw_spw_items(lw_api *api, const char *id, int replace, char *const *uris, int n,
						   char *snapshot, size_t snapsz, lw_api_result *res);

/*
 * Page through /me/playlists for a playlist owned by owner_id whose description carries the
 * marker (publish_plan.h). Returns LW_SPW_OK with *found = 1 and out filled, or *found = 0;
 * on failure the status and res->message.
 */
lw_spw_status lw_spw_find_marked(lw_api *api, const char *api_url, const char *owner_id,
								 const char *marker, int *found, lw_spw_playlist *out,
								 lw_api_result *res);

#endif							/* LW_SPOTIFY_WRITE_H */
