/*
 * enrich_parse.h - parsers of the enrichment services' answers (ReccoBeats, MusicBrainz,
 * Last.fm): response text in, plain records out. No HTTP, no database, so each one has a
 * libFuzzer target (test/fuzz/fuzz_enrich.c) and unit tests (tests/test_enrich_parse.c).
 * Shapes: enrichment-sources.md sections 1-3 (copied where needed into docs/design/enrichment.md).
 */
#ifndef LW_ENRICH_PARSE_H
#define LW_ENRICH_PARSE_H

#include "records.h"

#include <jansson.h>
#include <stddef.h>

/* Load a JSON document after repairing its strings (textfix.h). NULL if it is not JSON. */
json_t	   *lw_enrich_json_load(const char *body, size_t len);

/* ---- ReccoBeats GET /v1/audio-features?ids= ---- */
typedef struct lw_rb_answer
{
	int			found;			/* 1: f holds this id's features */
	lw_features f;				/* f.track_id points at the id sent */
	char		rb_id[64];		/* ReccoBeats' own id of the element ("" if none) */
} lw_rb_answer;

/*
 * Match the elements of {"content": [...]} back to the n Spotify ids sent, through the last path
 * segment of each element's href (its "id" is ReccoBeats' own). Elements for ids not sent
 * (*strays), repeats (first wins), and elements with a missing or out-of-range feature
 * (*invalid: null is "missing", never 0) are ignored; an id without an element is not found.
 * Returns 0, or -1 when the body is not that shape (err set).
 */
int			lw_rb_parse_features(const char *body, size_t len, const char *const *ids, int n,
								 lw_rb_answer *out, int *strays, int *invalid,
								 char *err, size_t errsz);

/* ---- MusicBrainz ---- */
typedef enum lw_mb_outcome
{
	LW_MB_MISS = 0,				/* URL unknown to MusicBrainz or linked to no artist */
	LW_MB_HIT,					/* mbid set */
	LW_MB_AMBIGUOUS				/* several current artists: candidates set, nothing used */
} lw_mb_outcome;

typedef struct lw_mb_url_answer
{
	lw_mb_outcome outcome;
	char		mbid[40];
	char		candidates[120];	/* "mbid,mbid" (first two) when ambiguous */
} lw_mb_url_answer;

/*
 * GET /ws/2/url?resource=...: a single flat object or a {"urls": [...]} list (found ones only,
 * any order), matched back to the n URLs sent by "resource". Per URL: the relations with
 * target-type "artist"; exactly one, or exactly one not ended -> hit; several -> ambiguous.
 * Returns 0, or -1 when the body is not that shape (err set).
 */
int			lw_mb_parse_urls(const char *body, size_t len, const char *const *urls, int n,
							 lw_mb_url_answer *out, char *err, size_t errsz);

/* A genre or tag with its vote count / weight. */
typedef struct lw_genre
{
	char	   *name;
	long		count;
} lw_genre;

typedef struct lw_genre_list
{
	lw_genre   *v;
	int			n;
	char	   *id;				/* MusicBrainz: the artist's MBID as answered (merged: the new
								 * one); Last.fm: the corrected artist name */
} lw_genre_list;

void		lw_genre_list_free(lw_genre_list *g);

/*
 * GET /ws/2/artist/{mbid}?inc=genres+tags: the "genres" list (names as given, counts > 0),
 * most votes first (MusicBrainz sorts by name). At most LW_MAX_ARTIST_GENRES; names empty or
 * over LW_MAX_GENRE_BYTES dropped. Returns 0, or -1 when the body is not an artist (err set).
 */
int			lw_mb_parse_artist(const char *body, size_t len, lw_genre_list *out,
							   char *err, size_t errsz);

/* ---- Last.fm artist.getTopTags ---- */

/* Whether a Last.fm tag is a known non-genre ("seen live", "favorites", ...). */
int			lw_lfm_tag_is_noise(const char *lower_name);

/*
 * {"toptags": {"tag": [...] | {...}, "@attr": {"artist": ...}}}: the tags with a count (number
 * or string) >= min_count that are not noise, lower-cased, in the answer's order; duplicates
 * after lower-casing dropped. Returns 0; 1 when the body is a Last.fm error ({"error": N}:
 * *lfm_error = N); -1 when it is neither (err set).
 */
int			lw_lfm_parse_toptags(const char *body, size_t len, long min_count, lw_genre_list *out,
								 int *lfm_error, char *err, size_t errsz);

#endif							/* LW_ENRICH_PARSE_H */
