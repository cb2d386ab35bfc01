/*
 * spotify_parse.h - Spotify Web API JSON -> records.h records: pure functions, unit-tested
 * (tests/test_json_records.c) and fuzzed (test/fuzz/fuzz_spotify.c) without any network.
 * Strings of a record point into the JSON value it was parsed from.
 */
#ifndef LW_SPOTIFY_PARSE_H
#define LW_SPOTIFY_PARSE_H

#include <jansson.h>

#include "records.h"

/* A Spotify base-62 id (we also accept any [A-Za-z0-9] string of 1..64 chars). */
bool		lw_sp_valid_id(const char *s);

/* ISO 8601 timestamp as Spotify sends it: YYYY-MM-DDTHH:MM:SS[.fff]Z (or +hh:mm). */
bool		lw_sp_valid_timestamp(const char *s);

/*
 * Fill *out from a full track object. Returns the kind: LW_ITEM_TRACK when usable, otherwise
 * why not (null, local file, episode, no id, bad shape). Fields with the wrong type are treated
 * as absent and counted in counts->bad_fields (counts may be NULL).
 */
lw_item_kind lw_sp_parse_track(const json_t *obj, lw_track *out, lw_counts *counts);

/*
 * A playlist item ({added_at, added_by, is_local, item, track}) or a liked-song entry
 * ({added_at, track}): reads "item", falling back to "track".
 */
lw_item_kind lw_sp_parse_item(const json_t *obj, long position, lw_item *out, lw_counts *counts);

/* A simplified playlist. Returns 0, or -1 when unusable (no valid id). */
int			lw_sp_parse_playlist(const json_t *obj, lw_playlist *out, lw_counts *counts);

/* A full artist object. Returns 0 or -1 (not an object / no valid id). Free with lw_artist_free. */
int			lw_sp_parse_artist(const json_t *obj, lw_artist *out, lw_counts *counts);
void		lw_artist_free(lw_artist *a);

/* An audio-features object (or null entry). */
lw_features_verdict lw_sp_parse_features(const json_t *obj, lw_features *out);

/* GET /me. Returns 0 or -1 (no id). */
int			lw_sp_parse_user(const json_t *obj, lw_user *out);

/* A paging object: the fields a walker needs. */
typedef struct lw_page
{
	const json_t *items;		/* array (borrowed); never NULL after a successful parse */
	long		total;			/* -1 if missing */
	long		limit;			/* -1 if missing */
	long		offset;			/* -1 if missing */
	const char *next;			/* NULL at the end */
} lw_page;

/*
 * Returns 0, or -1 if root is not a paging object: no "items" array, or total/limit/offset (or
 * offset + the number of items) beyond INT_MAX.
 */
int			lw_sp_parse_page(const json_t *root, lw_page *out);

#endif							/* LW_SPOTIFY_PARSE_H */
