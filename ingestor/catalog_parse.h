/*
 * catalog_parse.h - the rows of a public track catalog (CSV), checked and turned into records
 * for `lw-ingest import-catalog` (catalog_import.c). Outside data: every function is total
 * (any bytes in, a verdict out) and has a libFuzzer target (test/fuzz/fuzz_catalog.c).
 *
 * Formats (README "Import a catalog"; docs/design/catalog.md):
 *  - spotify600k: Kaggle "Spotify Dataset 1921-2020, 600k+ Tracks" tracks.csv
 *      id,name,popularity,duration_ms,explicit,artists,id_artists,release_date,<features>...
 *    artists and id_artists are Python list reprs in credit order; genres come from its
 *    artists.csv (id,followers,genres,name,popularity) given with --artists.
 *  - tracks114k: Kaggle "Spotify Tracks Dataset" dataset.csv (leading unnamed index column),
 *    artists joined with ';' (no artist ids), one track_genre label per row, a track repeated
 *    once per genre.
 *  - tracks1200k: Kaggle "Spotify 1.2M+ Songs" tracks_features.csv (list reprs, year and
 *    release_date, time_signature written as 4.0, no popularity, no genres).
 *  - lw: the project's own: track_id,name,artists,artist_ids,album,release_date,duration_ms,
 *    explicit,popularity,genres,<the 11 features>,time_signature; artists, artist_ids and
 *    genres are ';'-separated lists (artist_ids may be empty: ids are then derived from names).
 */
#ifndef LW_CATALOG_PARSE_H
#define LW_CATALOG_PARSE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum lw_cat_format
{
	LW_CAT_UNKNOWN = 0,
	LW_CAT_600K,
	LW_CAT_114K,
	LW_CAT_1200K,
	LW_CAT_LW
} lw_cat_format;

/* "spotify600k", "tracks114k", "tracks1200k", "lw" (and "auto" -> LW_CAT_UNKNOWN). */
const char *lw_cat_format_name(lw_cat_format f);
/* Parses a --format value; returns false if unknown ("auto" gives LW_CAT_UNKNOWN and true). */
bool		lw_cat_format_parse(const char *s, lw_cat_format *out);

/* The format whose header this exactly is (cells compared trimmed, case-sensitive). */
lw_cat_format lw_cat_detect(char *const *fields, int n);
/* Whether the header is the 600k set's artists.csv. */
bool		lw_cat_is_artists_header(char *const *fields, int n);

/*
 * Python list repr of strings: ['a', "b'c", 'd\'e'] (either quote, backslash escapes \\ \' \"
 * \n \t \r \xHH \uHHHH, whitespace around items, [] when empty). Items are written NUL-separated
 * to out (capacity outsz); returns the number of items, or -1 when the text is not such a list
 * or does not fit. Items are not checked for UTF-8 here.
 */
int			lw_pylist_parse(const char *s, char *out, size_t outsz);

/* The most artists and genres a row may carry (more is a bad row: a catalog has no such track). */
#define LW_CAT_MAX_ARTISTS 32
#define LW_CAT_MAX_GENRES 32

/* One checked catalog row. Strings point into the caller's buffers (valid until the next row). */
typedef struct lw_cat_row
{
	char		track_id[72];
	const char *name;
	const char *album;			/* NULL if the format has none or the cell is empty */
	char		release_date[11];	/* YYYY, YYYY-MM or YYYY-MM-DD, "" if unknown */
	const char *release_precision;	/* year | month | day, NULL if unknown */
	long		duration_ms;	/* -1 if unknown */
	int			explicit_;		/* 0, 1, -1 unknown */
	int			popularity;		/* -1 if unknown */
	int			n_artists;
	const char *artist_names[LW_CAT_MAX_ARTISTS];
	const char *artist_ids[LW_CAT_MAX_ARTISTS];	/* all NULL when the format has no ids */
	int			n_genres;
	const char *genres[LW_CAT_MAX_GENRES];
	bool		has_features;	/* false: the track is kept, without features */
	double		danceability,
				energy,
				loudness,
				speechiness,
				acousticness,
				instrumentalness,
				liveness,
				valence,
				tempo;
	int			key,
				mode;
	int			time_signature; /* -1 unknown (0 in a file means unknown) */
} lw_cat_row;

/* Why a row was refused. */
typedef enum lw_cat_verdict
{
	LW_CATV_OK = 0,
	LW_CATV_SHORT,				/* fewer cells than the header */
	LW_CATV_BAD_ID,				/* track id not a Spotify id */
	LW_CATV_NO_NAME,			/* empty track name */
	LW_CATV_BAD_ARTISTS,		/* artists cell not a list, empty, or too many */
	LW_CATV_ARTIST_IDS,			/* artist ids not a list, not ids, or not one per artist */
	LW_CATV_BAD_VALUE,			/* a number, boolean or date cell that is not one */
	LW_CATV_RANGE,				/* a feature outside the audio_features ranges */
	LW_CATV_ENCODING,			/* a text cell that is not valid UTF-8 */
	LW_CATV_COUNT
} lw_cat_verdict;

/* Short reason for reports ("bad track id", ...). */
const char *lw_cat_verdict_text(lw_cat_verdict v);
/* Key for the run's counts JSON ("bad_track_id", ...). */
const char *lw_cat_verdict_key(lw_cat_verdict v);

/*
 * Checks one data record of a file in format f (not LW_CAT_UNKNOWN). scratch (scratchsz bytes,
 * at least 2 * LW_CSV_MAX_RECORD is plenty) receives the parsed lists that out points into.
 * Missing or partial features do not refuse the row: has_features is false. tempo 0 counts as
 * missing (no features); time_signature 0 as unknown.
 */
lw_cat_verdict lw_cat_row_parse(lw_cat_format f, char *const *fields, int n, lw_cat_row *out,
								char *scratch, size_t scratchsz);

/* One checked row of the 600k set's artists.csv. */
typedef struct lw_cat_artist
{
	char		artist_id[72];
	const char *name;
	int			n_genres;
	const char *genres[LW_CAT_MAX_GENRES];
} lw_cat_artist;

lw_cat_verdict lw_cat_artist_parse(char *const *fields, int n, lw_cat_artist *out,
								   char *scratch, size_t scratchsz);

#endif							/* LW_CATALOG_PARSE_H */
