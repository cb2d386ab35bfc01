/*
 * report.h - lw-ingest report: one self-contained HTML page (inline SVG, no external resources)
 * for people without a BI tool.
 *
 * report.c runs the queries (read-only, one snapshot, only what the lw_reader role may read) into
 * an lw_report; report_html.c renders it; report_svg.c holds the escaping and SVG pieces.
 * Every chart element carries data-* attributes with the numbers it draws (as the database
 * printed them) and a <title>, so tests compare the page with SQL.
 */
#ifndef LW_REPORT_H
#define LW_REPORT_H

#include "config.h"
#include "util.h"

#include <libpq-fe.h>

/* The features whose distributions the report draws: the audio features on a 0-1 scale. */
#define LW_REPORT_N_FEATURES 7
extern const char *const lw_report_features[LW_REPORT_N_FEATURES];

#define LW_REPORT_BINS 10		/* histogram bins per feature, width 0.1 */
#define LW_REPORT_REC_PLAYLISTS 3	/* recommendations for the largest playlists */
#define LW_REPORT_RECS 10		/* recommendations per playlist */
#define LW_REPORT_RUNS 60		/* latest runs in the sync-health chart */

/*
 * The query results, each a PGresult with the columns listed in report.c. Rows that belong to
 * a playlist come in the order of `playlists` (lower(name), playlist_id).
 */
typedef struct lw_report
{
	PGresult   *summary;		/* one row: playlists, tracks, artists, with_features, liked, last_ok_sync */
	PGresult   *playlists;		/* playlist_id, name, members */
	PGresult   *mix;			/* playlist_id, genre_group, tracks, share */
	PGresult   *hist;			/* playlist_id, feature_no (1-based), c1..c10 */
	PGresult   *outliers;		/* playlist_id, track_id, track_name, score, the 7 feature values */
	PGresult   *recs;			/* playlist_id, playlist_name, rank, track_name, artists, score, reason */
	PGresult   *runs;			/* run_id, command, started, status, duration_s, requests, tracks_new,
								 * tracks_changed, features_filled, genres_filled, warnings */
	char		generated_at[32];	/* UTC, as the server's clock says */
} lw_report;

/* lw-ingest report --out DIR: write DIR/report.html. Returns an exit code (exitcodes.h). */
int			lw_cmd_report(const lw_config *cfg, const char *out_dir);

/* Render the page into out (report_html.c). */
void		lw_report_render(const lw_report *r, lw_buf *out);

/* Free the results (NULL results allowed). */
void		lw_report_free(lw_report *r);

#endif							/* LW_REPORT_H */
