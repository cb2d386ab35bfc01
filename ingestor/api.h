/*
 * api.h - authenticated client for the Spotify Web API (used by spotify_walk.c).
 *
 * Owns the access token: loads it from the token file or SPOTIFY_REFRESH_TOKEN, refreshes it
 * proactively when fewer than 60 s remain (under an exclusive lock on the token file, saving a new
 * refresh token before any other request), and on a 401 refreshes once and retries the request
 * once; a second 401 means the user must log in again. Below it, http.c does timeouts, retries of
 * 5xx/transport errors with backoff, 429 waits within the run budget, and pacing.
 *
 * Not thread-safe; one lw_api per run.
 */
#ifndef LW_API_H
#define LW_API_H

#include <jansson.h>

#include "config.h"
#include "exitcodes.h"

typedef struct lw_api lw_api;

typedef enum lw_api_status
{
	LW_API_OK = 0,				/* 2xx with a JSON body (or 204/empty: *out is NULL) */
	LW_API_HTTP_ERROR,			/* non-2xx that is the caller's business: 400, 403, 404, ... */
	LW_API_RATE_LIMITED,		/* 429 whose wait exceeds the remaining budget, or QUOTA_EXCEEDED */
	LW_API_NEEDS_LOGIN,			/* refresh token rejected (invalid_grant) or 401 after a refresh */
	LW_API_CONFIG_ERROR,		/* invalid_client, URL outside api_url, ... */
	LW_API_FAILED				/* transport error / 5xx after all retries, bad JSON, too large */
} lw_api_status;

/* What one request came to: the verdict, the error (exitcodes.h) and the Web API's details. */
typedef struct lw_api_result
{
	lw_api_status status;
	lw_error	error;			/* exit code, HTTP status of the last attempt (0 if no response)
								 * and message (error.message from the body or a description) */
	int			quota_exceeded; /* body said "reason": "QUOTA_EXCEEDED" */
	long		retry_after;	/* seconds asked by the last 429 (0 if none) */
	char		reason[64];		/* error.reason from the body, "" if none */
	long		strings_repaired;	/* strings of the body repaired before parsing (textfix.h) */
} lw_api_result;

/*
 * Open a client acting for the user (token file or SPOTIFY_REFRESH_TOKEN). Does not contact the
 * network unless the stored access token is missing/expiring (then it refreshes).
 * On failure returns NULL with err->exit_code = LW_EXIT_NEEDS_LOGIN (no token / invalid_grant),
 * LW_EXIT_USAGE (invalid_client, bad config) or LW_EXIT_FAILURE.
 */
lw_api	   *lw_api_open(const lw_config *cfg, lw_error *err);

/*
 * Open a client with an app-only token (client credentials grant; needs SPOTIFY_CLIENT_SECRET).
 * Only for endpoints without user data; the ingestor itself uses lw_api_open().
 */
lw_api	   *lw_api_open_app(const lw_config *cfg, lw_error *err);

void		lw_api_close(lw_api *api);

/*
 * GET path_or_url: either a path relative to cfg->api_url ("/me/playlists?limit=50", leading
 * slash optional) or an absolute URL, which must start with cfg->api_url (a paging "next" link);
 * anything else fails with LW_API_CONFIG_ERROR and no request.
 * Returns 0 when res->status == LW_API_OK (then *out holds a new reference the caller must
 * json_decref, or NULL for an empty body), else -1 with *out = NULL and res filled.
 * res may not be NULL.
 */
int			lw_api_get_json(lw_api *api, const char *path_or_url, json_t **out,
							lw_api_result *res);

/*
 * POST or PUT path (relative to cfg->api_url) with a JSON body (NULL sends {}); the answer as
 * for lw_api_get_json. no_retry: the request is not idempotent (creating something, appending),
 * so a 5xx or transport error is returned at once instead of being retried (the server may have
 * acted); the caller decides how to recover. 429 and 401 are handled as for GET.
 */
int			lw_api_send_json(lw_api *api, const char *method, const char *path,
							 const json_t *body, int no_retry, json_t **out, lw_api_result *res);

/* The scope granted to the current token as the token file or refresh answer says, or NULL. */
const char *lw_api_scope(const lw_api *api);

/* Number of HTTP requests sent so far by this client (retries included; token requests excluded). */
long		lw_api_request_count(const lw_api *api);

/* Seconds of the 429 budget not used yet. */
double		lw_api_budget_left(const lw_api *api);

/* The exit code a result's status ends the run with (LW_EXIT_PARTIAL for rate limits, ...); the
 * same as res->error.exit_code of a result lw_api_get_json filled. */
int			lw_api_exit_code(const lw_api_result *res);

#endif							/* LW_API_H */
