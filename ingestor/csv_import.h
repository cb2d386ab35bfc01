/*
 * csv_import.h - `lw-ingest import-features FILE.csv` (implements lw_cmd_import_features) and
 * the pieces it is made of, exposed for unit tests: an RFC 4180 reader, header mapping
 * (Spotify field names and Exportify's headers), track-id extraction and row checking.
 */
#ifndef LW_CSV_IMPORT_H
#define LW_CSV_IMPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "commands.h"
#include "records.h"

/* ---- RFC 4180 reader ---------------------------------------------------------------------- */

typedef struct lw_csv lw_csv;

#define LW_CSV_MAX_RECORD (1024 * 1024)	/* longer records are an error (bounded memory) */
#define LW_CSV_MAX_FIELDS 256

/* Reads from f (not closed by lw_csv_close). A UTF-8 BOM at the start is skipped. */
lw_csv	   *lw_csv_open(FILE *f);
void		lw_csv_close(lw_csv *r);

/*
 * Next record: 1 with *fields (n strings, valid until the next call) set, 0 at end of file,
 * -1 on malformed input (unterminated quote, stray quote, record too long) with
 * lw_csv_error() set; reading may go on after -1 (the reader resynchronises at the next line).
 * Fields may be quoted ("a ""b"", c" -> a "b", c) and contain line breaks; CRLF or LF ends a
 * record. A blank line is a record with one empty field.
 */
int			lw_csv_next(lw_csv *r, char ***fields, int *n);
const char *lw_csv_error(const lw_csv *r);
long		lw_csv_line(const lw_csv *r);	/* line where the last record started (1-based) */

/* ---- columns and rows --------------------------------------------------------------------- */

typedef enum lw_csv_col
{
	LW_COL_NONE = -1,
	LW_COL_ID = 0,				/* id, track_id, uri, track_uri, spotify_id, ... */
	LW_COL_DANCEABILITY,
	LW_COL_ENERGY,
	LW_COL_KEY,
	LW_COL_LOUDNESS,
	LW_COL_MODE,
	LW_COL_SPEECHINESS,
	LW_COL_ACOUSTICNESS,
	LW_COL_INSTRUMENTALNESS,
	LW_COL_LIVENESS,
	LW_COL_VALENCE,
	LW_COL_TEMPO,
	LW_COL_DURATION_MS,
	LW_COL_TIME_SIGNATURE,
	LW_NCOLS
} lw_csv_col;

/* Map a header cell ("Danceability", "Time Signature", "Duration (ms)", "Track URI", ...). */
lw_csv_col	lw_csv_column(const char *header);

/* Column index of each lw_csv_col in the file (-1 if absent). */
typedef struct lw_csv_map
{
	int			idx[LW_NCOLS];
} lw_csv_map;

/*
 * Build the map from the header record. Returns 0, or -1 with why[] naming the first required
 * column that is missing (the id and the 11 features; duration_ms/time_signature are optional).
 */
int			lw_csv_map_header(char **fields, int n, lw_csv_map *map, char *why, size_t whysz);

/*
 * A track id from a bare id, "spotify:track:ID" or "https://open.spotify.com/[intl-xx/]track/ID[?..]".
 * Returns true with the id copied to out.
 */
bool		lw_csv_track_id(const char *s, char *out, size_t outsz);

/* A finite number filling the whole cell (surrounding blanks allowed). */
bool		lw_csv_number(const char *s, double *out);

typedef enum lw_csv_verdict
{
	LW_CSV_OK = 0,
	LW_CSV_BAD_ID,
	LW_CSV_MISSING,				/* a required value empty, short row, or not a number */
	LW_CSV_RANGE				/* a value outside the audio_features CHECK ranges */
} lw_csv_verdict;

/* One data record -> features. idbuf (>= LW_ID_BUF bytes) receives the id; out->track_id points at it. */
lw_csv_verdict lw_csv_row(const lw_csv_map *map, char **fields, int n, lw_features *out,
						  char *idbuf);

#endif							/* LW_CSV_IMPORT_H */
