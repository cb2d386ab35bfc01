/*
 * publish_plan.h - what `lw-ingest publish` writes, decided without network or database.
 *
 * The recommend() answer (track ids in rank order) becomes Spotify track URIs; ids Spotify
 * cannot know (a local file, a catalog row without a Spotify id) are skipped and counted. The
 * URIs are compared with what the last publish wrote (unchanged = nothing to write), and one
 * replacement is cut into requests of at most 100 URIs: PUT the first, POST the rest.
 * The playlist's description says what made it and when, and carries the rule's marker, by
 * which a playlist created by a run that died before recording it is found again.
 */
#ifndef LW_PUBLISH_PLAN_H
#define LW_PUBLISH_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#define LW_PUBLISH_CHUNK 100	/* URIs per write request: the Web API's maximum */
#define LW_PUBLISH_MARKER_PREFIX "lw-publish:"

typedef struct lw_publish_plan
{
	char	  **uris;			/* "spotify:track:<id>", rank order */
	int			n_uris;
	int			skipped;		/* answer rows without a Spotify track id */
	bool		unchanged;		/* the same URIs in the same order as last published */
	int			added;			/* URIs not in the last published list */
	int			dropped;		/* last published URIs no longer in the answer */
} lw_publish_plan;

/*
 * ids[0..n) in rank order (an entry may be NULL). published[0..n_published) is what the last
 * publish wrote; n_published < 0 means nothing was published yet (never unchanged then).
 * Returns 0 (out filled; free with lw_publish_plan_free).
 */
int			lw_publish_plan_build(const char *const *ids, int n, const char *const *published,
								  int n_published, lw_publish_plan *out);
void		lw_publish_plan_free(lw_publish_plan *p);

/* Requests of one replacement of n_uris items: at least 1 (a PUT of [] empties the playlist). */
int			lw_publish_requests(int n_uris);

/* The URIs of request k (0-based): [*first, *first + *count). */
void		lw_publish_request_range(int n_uris, int k, int *first, int *count);

/* A PostgreSQL text[] literal of the URIs ({a,b}; they need no quoting). malloc'd. */
char	   *lw_publish_array_literal(char *const *uris, int n);

/*
 * The description of a created playlist: the source playlist (shortened on a UTF-8 boundary),
 * n, the UTC time now, and LW_PUBLISH_MARKER_PREFIX marker. malloc'd, under 300 bytes.
 */
char	   *lw_publish_description(const char *source, int n, const char *marker, int64_t now);

/* Whether description carries LW_PUBLISH_MARKER_PREFIX marker. */
bool		lw_publish_has_marker(const char *description, const char *marker);

#endif							/* LW_PUBLISH_PLAN_H */
