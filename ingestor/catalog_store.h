/*
 * catalog_store.h - a checked catalog file into the library tables (libpq): rows stream into
 * session temp tables with COPY (constant client memory), then ONE transaction merges them.
 *
 * The merge (docs/design/catalog.md):
 *  - one track per Spotify id: the first row wins, later rows count as duplicates (their genres
 *    still count: the ~114k set repeats a track once per genre);
 *  - new tracks are catalog-only (in_library = false, catalog = the catalog's name); a track the
 *    library already holds only learns catalog = name (its own fields stay as synced);
 *    catalog-only tracks of this catalog take the file's values (a newer file updates in place);
 *    catalog-only tracks of another catalog are left alone;
 *  - artists are created by id; genres (artists.csv, or a track's genre labels credited to its
 *    primary artist) are written where an artist's genres are unknown or came from a catalog,
 *    with genres_source = 'catalog';
 *  - credits are written for the tracks this catalog owns;
 *  - features are written with source 'catalog' and source_detail = the name, where a track has
 *    no features or this catalog's; features from any other source are kept;
 *  - nothing identical is rewritten, so importing the same file again writes nothing.
 */
#ifndef LW_CATALOG_STORE_H
#define LW_CATALOG_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog_parse.h"
#include "store.h"

typedef struct lw_cat_copy lw_cat_copy;

/* Creates (or empties) the stage tables. 0, or -1 with err set. */
int			lw_cat_stage_prepare(lw_store *st, char *err, size_t errsz);

/* Starts a COPY into the tracks stage (artists = false) or the artists stage; NULL on error. */
lw_cat_copy *lw_cat_copy_begin(lw_store *st, bool artists, char *err, size_t errsz);
/* Adds one row (sent to the server every ~1 MB). 0, or -1 with err set. */
int			lw_cat_copy_track(lw_cat_copy *c, const lw_cat_row *r, long ord, char *err,
							  size_t errsz);
int			lw_cat_copy_artist(lw_cat_copy *c, const lw_cat_artist *a, char *err, size_t errsz);
/* Ends the COPY (ok = false aborts it) and frees c. 0, or -1 with err set. */
int			lw_cat_copy_end(lw_cat_copy *c, bool ok, char *err, size_t errsz);

typedef struct lw_cat_merge
{
	long		tracks;			/* distinct track ids staged */
	long		duplicates;		/* staged rows beyond the first of their id */
	long		tracks_new;		/* catalog-only tracks created */
	long		tracks_updated; /* catalog-only tracks of this catalog whose values changed */
	long		tracks_in_library;	/* tracks the library holds (one row knows both) */
	long		tracks_library_marked;	/* ... of which catalog was set or changed now */
	long		tracks_other_catalog;	/* catalog-only tracks of another catalog, left alone */
	long		artists_new;
	long		artists_genres; /* artists whose genres were written */
	long		credits_written;
	long		features_new;
	long		features_updated;
	long		features_kept;	/* tracks whose features come from another source */
	long		without_features;	/* tracks the file has no usable features for */
	int			bulk_write;		/* credits and features as one bulk write (bulk_write.h):
								 * 1 done, -1 declined (bulk_why), 0 not tried */
	char		bulk_why[200];
} lw_cat_merge;

/*
 * The one merge transaction. catalog is the file's base name. With bulk_min new tracks or more
 * (0 = never), the credits and features are written as one bulk write. 0, or -1 with err set.
 */
int			lw_cat_merge_run(lw_store *st, const char *catalog, long bulk_min, lw_cat_merge *out,
							 char *err, size_t errsz);

#endif							/* LW_CATALOG_STORE_H */
