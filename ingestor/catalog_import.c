/*
 * catalog_import.c - `lw-ingest import-catalog FILE.csv [--format F] [--artists artists.csv]`
 * (implements lw_cmd_import_catalog): read a public track catalog, stage it, merge it.
 *
 * The file is read one record at a time (csv_import.h's reader), each row is checked
 * (catalog_parse.h) and streamed into the stage with COPY (catalog_store.h), so client memory
 * does not grow with the file; the merge is one transaction, so a failed or killed import
 * leaves the library as it was. A bad row is counted with its reason and skipped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_parse.h"
#include "catalog_store.h"
#include "commands.h"
#include "csv_import.h"
#include "exitcodes.h"
#include "ext_version.h"
#include "log.h"
#include "store.h"
#include "util.h"

#define SCRATCH_SIZE (3 * ((size_t) LW_CSV_MAX_RECORD + 64))

typedef struct cat_counts
{
	long		rows;			/* data records read */
	long		staged;			/* rows that passed the checks */
	long		malformed;		/* records the CSV reader refused */
	long		bad[LW_CATV_COUNT];
	long		artist_rows;	/* artists.csv */
	long		artist_bad;
	lw_cat_merge m;
} cat_counts;

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static long
bad_rows(const cat_counts *k)
{
	long		n = k->malformed;

	for (int v = 1; v < LW_CATV_COUNT; v++)
		n += k->bad[v];
	return n;
}

static void
report(const cat_counts *k, lw_cat_format f, const char *catalog, double secs)
{
	const lw_cat_merge *m = &k->m;

	lw_log_info("import-catalog: %s (%s): %ld data rows read in %.1f s (%.0f rows/s)", catalog,
				lw_cat_format_name(f), k->rows, secs, secs > 0 ? k->rows / secs : 0.0);
	lw_log_info("tracks: %ld (new %ld, updated %ld, unchanged %ld)", m->tracks, m->tracks_new,
				m->tracks_updated, m->tracks - m->tracks_new - m->tracks_updated -
				m->tracks_in_library - m->tracks_other_catalog);
	if (m->tracks_in_library)
		lw_log_info("tracks also in the library: %ld (newly marked %ld)", m->tracks_in_library,
					m->tracks_library_marked);
	if (m->tracks_other_catalog)
		lw_log_info("tracks of another catalog, left alone: %ld", m->tracks_other_catalog);
	lw_log_info("artists: new %ld, genres written %ld", m->artists_new, m->artists_genres);
	lw_log_info("audio features: new %ld, updated %ld, kept from another source %ld,"
				" none in the file %ld", m->features_new, m->features_updated, m->features_kept,
				m->without_features);
	if (m->bulk_write > 0)
		lw_log_info("credits and features written as one bulk write (keys checked and indexes"
					" built once)");
	else if (m->bulk_write < 0)
		lw_log_info("credits and features written row by row: %s", m->bulk_why);
	if (m->duplicates)
		lw_log_info("duplicate rows (first row of a track kept, genres merged): %ld rows",
					m->duplicates);
	if (k->malformed)
		lw_log_info("skipped, malformed CSV record: %ld rows", k->malformed);
	for (int v = 1; v < LW_CATV_COUNT; v++)
		if (k->bad[v])
			lw_log_info("skipped, %s: %ld rows", lw_cat_verdict_text((lw_cat_verdict) v), k->bad[v]);
	if (k->artist_rows)
		lw_log_info("artists file: %ld rows read, %ld skipped", k->artist_rows, k->artist_bad);
}

static void
counts_json(const cat_counts *k, lw_cat_format f, lw_buf *b)
{
	const lw_cat_merge *m = &k->m;

	lw_buf_printf(b, "{\"format\": \"%s\", \"rows\": %ld, \"bad_rows\": %ld, \"malformed\": %ld",
				  lw_cat_format_name(f), k->rows, bad_rows(k), k->malformed);
	for (int v = 1; v < LW_CATV_COUNT; v++)
		lw_buf_printf(b, ", \"%s\": %ld", lw_cat_verdict_key((lw_cat_verdict) v), k->bad[v]);
	lw_buf_printf(b, ", \"tracks\": %ld, \"duplicates\": %ld, \"tracks_new\": %ld,"
				  " \"tracks_updated\": %ld, \"tracks_in_library\": %ld,"
				  " \"tracks_library_marked\": %ld, \"tracks_other_catalog\": %ld,"
				  " \"artists_new\": %ld, \"artists_genres\": %ld, \"credits_written\": %ld,"
				  " \"features_new\": %ld, \"features_updated\": %ld, \"features_kept\": %ld,"
				  " \"without_features\": %ld, \"artist_rows\": %ld, \"artist_rows_bad\": %ld,"
				  " \"bulk_write\": \"%s\"}",
				  m->tracks, m->duplicates, m->tracks_new, m->tracks_updated, m->tracks_in_library,
				  m->tracks_library_marked, m->tracks_other_catalog, m->artists_new,
				  m->artists_genres, m->credits_written, m->features_new, m->features_updated,
				  m->features_kept, m->without_features, k->artist_rows, k->artist_bad,
				  m->bulk_write > 0 ? "done" : m->bulk_write < 0 ? "declined" : "not needed");
}

static int
finish_run(lw_store *st, long long run_id, const char *status, const cat_counts *k,
		   lw_cat_format f, const char *error)
{
	lw_buf		b = {0};
	lw_run_end	end;
	int			rc;

	counts_json(k, f, &b);
	memset(&end, 0, sizeof(end));
	end.status = status;
	end.counts_json = b.data;
	end.error = error;
	rc = lw_store_run_finish(st, run_id, &end);
	if (rc < 0)
		lw_log_error("could not record the run: %s", lw_store_error(st));
	lw_buf_free(&b);
	return rc;
}

/* The 600k set's artists.csv into the artists stage. 0, or -1 (err set; usage when *usage). */
static int
stage_artists(lw_store *st, FILE *f, cat_counts *k, char *scratch, bool *usage, char *err,
			  size_t errsz)
{
	lw_csv	   *r = lw_csv_open(f);
	lw_cat_copy *c = NULL;
	char	  **fields;
	int			n;
	int			rc = lw_csv_next(r, &fields, &n);
	int			result = -1;

	if (rc <= 0 || !lw_cat_is_artists_header(fields, n))
	{
		snprintf(err, errsz, "the artists file's header is not \"id,followers,genres,name,popularity\"");
		*usage = true;
		goto out;
	}
	c = lw_cat_copy_begin(st, true, err, errsz);
	if (c == NULL)
		goto out;
	while ((rc = lw_csv_next(r, &fields, &n)) != 0)
	{
		lw_cat_artist a;

		if (rc > 0 && n == 1 && fields[0][0] == '\0')
			continue;
		k->artist_rows++;
		if (rc < 0 || lw_cat_artist_parse(fields, n, &a, scratch, SCRATCH_SIZE) != LW_CATV_OK)
		{
			k->artist_bad++;
			continue;
		}
		if (lw_cat_copy_artist(c, &a, err, errsz) < 0)
			goto out;
	}
	result = 0;
out:
	if (c && lw_cat_copy_end(c, result == 0, err, errsz) < 0)
		result = -1;
	lw_csv_close(r);
	return result;
}

/* The catalog file into the tracks stage. *format in: forced or UNKNOWN; out: the format read. */
static int
stage_tracks(lw_store *st, FILE *f, lw_cat_format *format, cat_counts *k, char *scratch,
			 bool *usage, char *err, size_t errsz)
{
	lw_csv	   *r = lw_csv_open(f);
	lw_cat_copy *c = NULL;
	char	  **fields;
	int			n;
	int			rc = lw_csv_next(r, &fields, &n);
	lw_cat_format found;
	int			result = -1;

	if (rc <= 0)
	{
		snprintf(err, errsz, "%s", rc == 0 ? "the file is empty" : lw_csv_error(r));
		*usage = true;
		goto out;
	}
	found = lw_cat_detect(fields, n);
	if (found == LW_CAT_UNKNOWN || (*format != LW_CAT_UNKNOWN && found != *format))
	{
		snprintf(err, errsz, "the header is not that of %s (formats: spotify600k, tracks114k,"
				 " tracks1200k, lw; see lw-ingest import-catalog --help)",
				 *format == LW_CAT_UNKNOWN ? "a known catalog" : lw_cat_format_name(*format));
		*usage = true;
		goto out;
	}
	*format = found;
	c = lw_cat_copy_begin(st, false, err, errsz);
	if (c == NULL)
		goto out;
	while ((rc = lw_csv_next(r, &fields, &n)) != 0)
	{
		lw_cat_row row;
		lw_cat_verdict v;

		if (rc < 0)
		{
			k->rows++;
			k->malformed++;
			lw_log_debug("%s", lw_csv_error(r));
			continue;
		}
		if (n == 1 && fields[0][0] == '\0')
			continue;			/* blank line */
		k->rows++;
		v = lw_cat_row_parse(found, fields, n, &row, scratch, SCRATCH_SIZE);
		if (v != LW_CATV_OK)
		{
			k->bad[v]++;
			lw_log_debug("line %ld skipped (%s)", lw_csv_line(r), lw_cat_verdict_text(v));
			continue;
		}
		if (lw_cat_copy_track(c, &row, k->rows, err, errsz) < 0)
			goto out;
		k->staged++;
		if (k->rows % 200000 == 0)
			lw_log_debug("%ld rows read", k->rows);
	}
	result = 0;
out:
	if (c && lw_cat_copy_end(c, result == 0, err, errsz) < 0)
		result = -1;
	lw_csv_close(r);
	return result;
}

int
lw_cmd_import_catalog(const lw_config *cfg, const char *csv_path, const char *format_name,
					  const char *artists_path)
{
	char		msg[600];
	char		err[700] = "";
	lw_store   *st = NULL;
	FILE	   *f = NULL;
	FILE	   *af = NULL;
	long long	run_id = 0;
	cat_counts	k;
	lw_cat_format format = LW_CAT_UNKNOWN;
	const char *catalog = base_name(csv_path);
	char	   *scratch = NULL;
	bool		usage = false;
	double		t0 = lw_monotonic();
	int			code = LW_EXIT_FAILURE;
	int			r;

	memset(&k, 0, sizeof(k));
	if (format_name && !lw_cat_format_parse(format_name, &format))
	{
		lw_log_error("unknown --format \"%s\" (auto, spotify600k, tracks114k, tracks1200k, lw)",
					 format_name);
		return LW_EXIT_USAGE;
	}
	if (artists_path && format != LW_CAT_UNKNOWN && format != LW_CAT_600K)
	{
		lw_log_error("--artists goes with the spotify600k format only");
		return LW_EXIT_USAGE;
	}
	st = lw_store_open(cfg->dbname, msg, sizeof(msg));
	if (st == NULL)
	{
		lw_log_error("%s", msg);
		return LW_EXIT_FAILURE;
	}
	/* the extension's version first: exit 2 if it is not ours */
	if ((code = lw_ext_version_require(lw_store_conn(st))) != LW_EXIT_OK)
		goto out;
	code = LW_EXIT_FAILURE;
	if (lw_store_check_schema(st) < 0)
	{
		lw_log_error("%s", lw_store_error(st));
		goto out;
	}
	r = lw_store_lock(st, getenv("LW_WAIT_LOCK") && getenv("LW_WAIT_LOCK")[0] == '1',
					  cfg->lock_timeout);
	if (r != 0)
	{
		lw_log_error("%s", r > 0 ? "another lw-ingest run is writing to this database; try again later (LW_WAIT_LOCK=1 waits for it)"
					 : lw_store_error(st));
		goto out;
	}
	if (lw_store_run_begin(st, "import-catalog", &run_id) < 0)
	{
		lw_log_error("%s", lw_store_error(st));
		goto out;
	}
	scratch = malloc(SCRATCH_SIZE);
	f = fopen(csv_path, "rb");
	if (artists_path && f)
		af = fopen(artists_path, "rb");
	if (scratch == NULL || f == NULL || (artists_path && af == NULL))
	{
		snprintf(err, sizeof(err), "%s", scratch == NULL ? "out of memory" : "cannot open ");
		if (scratch)
			snprintf(err, sizeof(err), "cannot open %s: %s", f == NULL ? csv_path : artists_path,
					 strerror(errno));
		usage = scratch != NULL;
		goto failed;
	}
	if (lw_cat_stage_prepare(st, err, sizeof(err)) < 0 ||
		stage_tracks(st, f, &format, &k, scratch, &usage, err, sizeof(err)) < 0)
		goto failed;
	if (af)
	{
		if (format != LW_CAT_600K)
		{
			snprintf(err, sizeof(err), "--artists goes with the spotify600k format only");
			usage = true;
			goto failed;
		}
		if (stage_artists(st, af, &k, scratch, &usage, err, sizeof(err)) < 0)
			goto failed;
	}
	lw_log_debug("file read and staged: %.1f s", lw_monotonic() - t0);
	if (lw_cat_merge_run(st, catalog, cfg->catalog_bulk_min, &k.m, err, sizeof(err)) < 0)
		goto failed;
	report(&k, format, catalog, lw_monotonic() - t0);
	if (k.m.features_new + k.m.features_updated > 0)
	{
		double		t1 = lw_monotonic();

		r = lw_store_refresh_vectors(st);
		if (r < 0)
			lw_log_warn("refresh_vectors() failed: %s", lw_store_error(st));
		else
			lw_log_info("vectors refreshed in %.1f s", lw_monotonic() - t1);
	}
	code = finish_run(st, run_id, "ok", &k, format, NULL) < 0 ? LW_EXIT_FAILURE : LW_EXIT_OK;
	goto out;

failed:
	lw_log_error("%s: %s", csv_path, err);
	if (lw_store_connected(st))
		finish_run(st, run_id, "failed", &k, format, err);
	code = usage ? LW_EXIT_USAGE : LW_EXIT_FAILURE;
out:
	if (f)
		fclose(f);
	if (af)
		fclose(af);
	free(scratch);
	lw_store_close(st);
	return code;
}
