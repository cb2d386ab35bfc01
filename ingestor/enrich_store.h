/*
 * enrich_store.h - the SQL of enrichment: what is left to ask (skipping fresh cache rows),
 * the answer cache (listen_wiseer.enrichment_cache), genres with their provenance, and the
 * user's source preferences (listen_wiseer.enrichment_sources). Features are written through
 * store.h's features stage/merge with source 'reccobeats'.
 *
 * Every write is one short transaction, so a killed run loses at most the batch in flight.
 * Functions return 0 (or a count) on success and -1 on a database error (lw_store_error()).
 */
#ifndef LW_ENRICH_STORE_H
#define LW_ENRICH_STORE_H

#include "enrich_parse.h"
#include "store.h"

/* Time-to-live of cache rows, days (docs/design/enrichment.md, "Cache"). */
#define LW_TTL_FEATURES_HIT   180	/* per-recording values do not change */
#define LW_TTL_FEATURES_MISS  30	/* the catalogue grows: ask again after a month */
#define LW_TTL_GENRES_HIT     30	/* MusicBrainz asks not to poll for changes */
#define LW_TTL_GENRES_MISS    30

#define LW_ES_IDLEN 256	/* ids are 22 characters; longer ones are not cut */

typedef struct lw_es_pref
{
	const char *source;			/* 'reccobeats', 'musicbrainz', 'lastfm' */
	int			enabled;
	int			priority;
} lw_es_pref;

/* Fill prefs[3] (reccobeats, musicbrainz, lastfm) from enrichment_sources (defaults if no row). */
int			lw_es_load_prefs(lw_store *st, lw_es_pref prefs[3]);

/* In-library tracks without audio features and without a fresh ReccoBeats answer: count, and
 * up to max ids > after in id order. */
int			lw_es_tracks_todo_count(lw_store *st, long *n);
int			lw_es_tracks_todo(lw_store *st, const char *after, int max,
							  char ids[][LW_ES_IDLEN], int *n);

/*
 * Artists without genres (NULL) to ask a source about, id order, ids > after:
 *   mode 'u'  MusicBrainz URL lookup (no fresh artist-url row)
 *   mode 'g'  MusicBrainz genres (a fresh artist-url hit, no fresh artist-genres row): extra = MBID
 *   mode 'l'  Last.fm (no fresh artist-tags row): extra = the artist's name
 */
int			lw_es_artists_todo_count(lw_store *st, char mode, long *n);
int			lw_es_artists_todo(lw_store *st, char mode, const char *after, int max,
							   char ids[][LW_ES_IDLEN], char **extra, int *n);

/* Cache rows for n keys in one transaction (upsert). details/payloads entries may be NULL. */
typedef struct lw_es_cache_row
{
	const char *key;
	const char *outcome;		/* 'hit', 'miss', 'ambiguous' */
	const char *detail;
	char	   *payload;		/* JSON text or NULL (freed by the caller) */
	int			ttl_days;
} lw_es_cache_row;

int			lw_es_cache_put(lw_store *st, const char *source, const char *kind, int http_status,
							const lw_es_cache_row *rows, int n);

/*
 * One transaction: when genres is not empty and the artist's genres are still NULL, store them
 * (genres_source = source, genres_updated_at = now()); then the cache row. Returns 1 when the
 * genres were stored, 0 when not, -1 on error.
 */
int			lw_es_store_artist_genres(lw_store *st, const char *source, const char *kind,
									  const char *artist_id, const lw_genre_list *genres,
									  const lw_es_cache_row *row);

/* The last error of these functions ("" if none since the last clear). */
const char *lw_es_error(void);
void		lw_es_clear_error(void);

/* JSON text [{"name":..,"count":..},...] for a cache payload (malloc'd). */
char	   *lw_es_genres_json(const lw_genre_list *g);

#endif							/* LW_ENRICH_STORE_H */
