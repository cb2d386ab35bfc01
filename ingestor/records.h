/*
 * records.h - the plain C records passed from spotify_parse.c (and csv_import.c) to store.c.
 *
 * No jansson or libpq types here. Every optional field carries a state, because an upsert must
 * tell "the response did not carry this field" (LW_ABSENT: keep the stored value) from "the
 * response said null" (LW_NULL: store NULL) and from a value (LW_SET).
 *
 * Strings are borrowed: they point into the parsed response (or CSV line) the record was made
 * from and are valid only while that source is alive. store.c copies what it keeps.
 */
#ifndef LW_RECORDS_H
#define LW_RECORDS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum lw_state
{
	LW_ABSENT = 0,				/* field not in the response: leave the stored value alone */
	LW_NULL,					/* field present with JSON null */
	LW_SET						/* field present with a usable value */
} lw_state;

typedef struct lw_str
{
	lw_state	st;
	const char *v;				/* valid when st == LW_SET */
} lw_str;

typedef struct lw_int
{
	lw_state	st;
	long long	v;
} lw_int;

typedef struct lw_num
{
	lw_state	st;
	double		v;
} lw_num;

typedef struct lw_bool
{
	lw_state	st;
	bool		v;
} lw_bool;

/*
 * Bytes of a buffer that holds one Spotify id (track, artist, playlist): the ids lw-ingest
 * accepts are 1..64 characters (lw_sp_valid_id), plus the NUL and some slack.
 */
#define LW_ID_BUF 72

/* A track's artist as embedded in a track object (simplified artist: id + name). */
typedef struct lw_artist_ref
{
	const char *id;
	const char *name;			/* may be NULL (then stored as '' for a new artist) */
} lw_artist_ref;

#define LW_MAX_TRACK_ARTISTS 32	/* more credits than this are ignored (and counted) */

/*
 * Size limits on untrusted strings (bytes of UTF-8). Names and other free text longer than the
 * limit are cut at a character boundary (counted in strings_truncated): a name is still useful
 * cut, and PostgreSQL's btree on lower(playlists.name) refuses entries over ~2.7 kB (lower() may
 * grow UTF-8 by half). Identifier-like strings (snapshot id, owner/user id, ISRC) are not cut:
 * an over-long one is treated as absent (bad_fields), since a cut key is a different key. A genre
 * that is empty or over LW_MAX_GENRE_BYTES is dropped (genres_dropped); an artist keeps its first
 * LW_MAX_ARTIST_GENRES genres (too_many_genres counts the artists cut).
 */
#define LW_MAX_NAME_BYTES 1024
#define LW_MAX_TEXT_BYTES 4096	/* playlist descriptions */
#define LW_MAX_KEY_BYTES 255
#define LW_MAX_GENRE_BYTES 200
#define LW_MAX_ARTIST_GENRES 64

typedef struct lw_track
{
	const char *id;				/* always set */
	lw_str		name;			/* NULL/absent names never overwrite a stored one */
	lw_str		album_id;
	lw_str		album_name;
	lw_str		release_date;	/* validated: YYYY, YYYY-MM or YYYY-MM-DD */
	lw_str		release_date_precision; /* validated: year|month|day */
	lw_int		duration_ms;
	lw_bool		explicit_;
	lw_int		popularity;		/* 0..100 */
	lw_str		isrc;			/* external_ids.isrc */
	bool		artists_present;	/* the artists array was in the response */
	int			n_artists;
	lw_artist_ref artists[LW_MAX_TRACK_ARTISTS];
} lw_track;

/* A full artist object (GET /artists, /artists/{id}). */
typedef struct lw_artist
{
	const char *id;
	lw_str		name;
	bool		genres_present; /* absent field = genres unknown (NULL); [] = no genres */
	bool		genres_null;	/* "genres": null: treated like absent */
	int			n_genres;
	const char **genres;		/* n_genres strings, owned by the record (lw_artist_free) */
	lw_int		popularity;
	lw_int		followers;		/* followers.total */
} lw_artist;

/* A simplified playlist from GET /me/playlists. */
typedef struct lw_playlist
{
	const char *id;
	lw_str		name;
	lw_str		owner_id;
	lw_str		owner_name;
	lw_str		snapshot_id;
	lw_str		description;
	lw_bool		public_;
	lw_bool		collaborative;
	lw_int		total_items;	/* items.total, falling back to tracks.total */
} lw_playlist;

/* What one playlist item / liked-song entry turned out to be. */
typedef enum lw_item_kind
{
	LW_ITEM_TRACK = 0,			/* usable: track is filled */
	LW_ITEM_NULL,				/* item/track null or missing */
	LW_ITEM_LOCAL,				/* is_local or spotify:local: URI */
	LW_ITEM_EPISODE,			/* podcast episode */
	LW_ITEM_NO_ID,				/* track without an id */
	LW_ITEM_BAD					/* not an object, or the wrong shape */
} lw_item_kind;

typedef struct lw_item
{
	lw_item_kind kind;
	long		position;		/* offset in the playlist (or in liked songs) */
	lw_str		added_at;		/* ISO 8601 as sent */
	lw_str		added_by;		/* added_by.id */
	lw_track	track;
} lw_item;

/* The 13 audio features; a record is only made from a complete, in-range object. */
typedef struct lw_features
{
	const char *track_id;
	double		danceability;
	double		energy;
	int			key;
	double		loudness;
	int			mode;
	double		speechiness;
	double		acousticness;
	double		instrumentalness;
	double		liveness;
	double		valence;
	double		tempo;
	lw_int		duration_ms;
	lw_int		time_signature;
} lw_features;

/* Why an audio-features object was refused (see lw_features_check). */
typedef enum lw_features_verdict
{
	LW_FEAT_OK = 0,
	LW_FEAT_NULL,				/* null entry: Spotify has no analysis */
	LW_FEAT_NO_ID,
	LW_FEAT_MISSING,			/* a required field is missing or not a number */
	LW_FEAT_RANGE				/* a value outside the table's CHECK ranges */
} lw_features_verdict;

/* Check ranges against the audio_features CHECK constraints. */
lw_features_verdict lw_features_check(const lw_features *f);

/* The user from GET /me. */
typedef struct lw_user
{
	const char *id;
	lw_str		account_id;
	lw_str		display_name;
} lw_user;

/*
 * Counters for ingest_runs.counts. One list, expanded with X-macros so the JSON keys and the
 * struct fields cannot drift apart.
 */
#define LW_COUNT_FIELDS(X) \
	X(playlists_seen) \
	X(playlists_changed) \
	X(playlists_unchanged) \
	X(playlists_items_unavailable) \
	X(playlists_unfollowed) \
	X(playlists_refetched) \
	X(playlist_items) \
	X(playlist_rows_removed) \
	X(liked_seen) \
	X(liked_new) \
	X(liked_removed) \
	X(tracks_upserted) \
	X(tracks_new) \
	X(artists_requested) \
	X(artists_loaded) \
	X(artists_without_genres_field) \
	X(artists_missing) \
	X(artists_single_lookups) \
	X(features_requested) \
	X(features_loaded) \
	X(features_null) \
	X(features_invalid) \
	X(skipped_null_items) \
	X(skipped_local) \
	X(skipped_episodes) \
	X(skipped_no_id) \
	X(skipped_bad_items) \
	X(bad_fields) \
	X(too_many_artists) \
	X(strings_repaired) \
	X(strings_truncated) \
	X(genres_dropped) \
	X(too_many_genres) \
	X(pages) \
	X(requests)

typedef struct lw_counts
{
#define LW_COUNT_DECL(name) long name;
	LW_COUNT_FIELDS(LW_COUNT_DECL)
#undef LW_COUNT_DECL
} lw_counts;

/* Count a skipped item by kind (no-op for LW_ITEM_TRACK). */
void		lw_counts_skip(lw_counts *c, lw_item_kind kind);

/* Write counts as a JSON object (only non-zero counters) into buf; returns buf. */
char	   *lw_counts_json(const lw_counts *c, char *buf, size_t bufsz);

#endif							/* LW_RECORDS_H */
