/*
 * enrich_client.h - the HTTP side of the three enrichment services: build each request, send
 * it through http.h (User-Agent, pacing, retries of 5xx/transport errors, 429 waits within the
 * run's budget), classify the answer and hand the body to enrich_parse.h.
 *
 * Every function returns one of:
 *   LW_ES_OK         answered (the out-parameters say found / not found)
 *   LW_ES_DEFER      rate-limited past the run's 429 budget: stop this source, resume next run
 *   LW_ES_TRANSIENT  server error, transport error or a non-JSON page after the retries:
 *                    stop this source for the run, resume next run
 *   LW_ES_STOP       the service refuses us (401/403, a bad Last.fm key, an unexpected 400):
 *                    stop this source for the run and say why
 * msg (one line, secrets redacted) explains anything but LW_ES_OK.
 */
#ifndef LW_ENRICH_CLIENT_H
#define LW_ENRICH_CLIENT_H

#include "enrich_parse.h"
#include "http.h"

typedef enum lw_es_status
{
	LW_ES_OK = 0,
	LW_ES_DEFER,
	LW_ES_TRANSIENT,
	LW_ES_STOP
} lw_es_status;

#define LW_RB_MAX_IDS 40		/* ReccoBeats: ids per call (44 answered 400 in the wild) */
#define LW_MB_MAX_URLS 100		/* MusicBrainz: resource values per /url call */

/* A service endpoint: its HTTP handle (one keep-alive connection) and base URL. */
typedef struct lw_es_client
{
	lw_http    *http;
	const char *base;			/* borrowed; no trailing slash */
	const char *api_key;		/* Last.fm only; borrowed */
	int			pace_ms;		/* current spacing between requests */
	int			slowdowns;		/* MusicBrainz: 503s that made us slow down */
	int			budget_seconds; /* the part of the run's 429 budget this client got */
} lw_es_client;

/* ReccoBeats: features of n <= LW_RB_MAX_IDS Spotify track ids (out[n]). */
lw_es_status lw_rb_fetch_features(lw_es_client *c, const char *const *ids, int n,
								  lw_rb_answer *out, int *strays, char *msg, size_t msgsz);

/* MusicBrainz: MBIDs for n <= LW_MB_MAX_URLS Spotify artist URLs (out[n]). */
lw_es_status lw_mb_fetch_urls(lw_es_client *c, const char *const *urls, int n,
							  lw_mb_url_answer *out, char *msg, size_t msgsz);

/* MusicBrainz: one artist's genres. *found = 0 when the MBID is unknown (404). */
lw_es_status lw_mb_fetch_artist(lw_es_client *c, const char *mbid, lw_genre_list *out,
								int *found, char *msg, size_t msgsz);

/* Last.fm artist.getTopTags by name. *found = 0 when Last.fm does not know the artist. */
lw_es_status lw_lfm_fetch_artist_tags(lw_es_client *c, const char *artist, long min_count,
									  lw_genre_list *out, int *found, char *msg, size_t msgsz);

#endif							/* LW_ENRICH_CLIENT_H */
