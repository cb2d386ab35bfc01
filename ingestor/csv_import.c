/*
 * csv_import.c - `lw-ingest import-features FILE.csv` (see csv_import.h).
 *
 * The file is read one record at a time and staged in chunks; the merge (duplicates, unknown
 * tracks, spotify_api rows to keep) happens in SQL, so memory does not grow with the file.
 * Tracks unknown to the library are skipped and counted, never created: a features row needs
 * a track with a name and artists to be of any use to the analysis, and a CSV is not a
 * trustworthy source for those.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csv_import.h"
#include "ext_version.h"
#include "log.h"
#include "store.h"

#define STAGE_CHUNK 500

struct lw_csv
{
	FILE	   *f;
	char	   *rec;			/* field bytes, each NUL-terminated */
	size_t		len;
	size_t		cap;
	size_t		starts[LW_CSV_MAX_FIELDS];
	char	   *fields[LW_CSV_MAX_FIELDS];
	long		line;			/* current line (1-based) */
	long		rec_line;
	bool		first;
	char		err[160];
};

lw_csv *
lw_csv_open(FILE *f)
{
	lw_csv	   *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->f = f;
	r->line = 1;
	r->first = true;
	return r;
}

void
lw_csv_close(lw_csv *r)
{
	if (r == NULL)
		return;
	free(r->rec);
	free(r);
}

const char *
lw_csv_error(const lw_csv *r)
{
	return r->err;
}

long
lw_csv_line(const lw_csv *r)
{
	return r->rec_line;
}

static bool
put(lw_csv *r, char c)
{
	if (r->len + 1 >= r->cap)
	{
		size_t		cap = r->cap ? r->cap * 2 : 1024;
		char	   *d;

		if (cap > LW_CSV_MAX_RECORD + 1)
			return false;
		d = realloc(r->rec, cap);
		if (d == NULL)
			return false;
		r->rec = d;
		r->cap = cap;
	}
	r->rec[r->len++] = c;
	return true;
}

static int
next_char(lw_csv *r)
{
	int			c = getc(r->f);

	if (c == '\n')
		r->line++;
	return c;
}

/* Skip to the end of the current line (after an error). */
static void
resync(lw_csv *r, int c)
{
	while (c != EOF && c != '\n')
		c = next_char(r);
}

static int
fail(lw_csv *r, int c, const char *why)
{
	snprintf(r->err, sizeof(r->err), "line %ld: %s", r->rec_line, why);
	resync(r, c);
	return -1;
}

int
lw_csv_next(lw_csv *r, char ***fields, int *n)
{
	int			c;
	int			nf = 0;
	bool		any = false;

	r->len = 0;
	r->err[0] = '\0';
	r->rec_line = r->line;
	c = next_char(r);
	if (r->first)
	{
		r->first = false;
		if (c == 0xEF)
		{
			/* UTF-8 byte order mark */
			if (next_char(r) != 0xBB || next_char(r) != 0xBF)
				return fail(r, 0, "invalid byte order mark");
			c = next_char(r);
		}
	}
	if (c == EOF)
		return 0;

	for (;;)
	{
		/* start of a field */
		if (nf >= LW_CSV_MAX_FIELDS)
			return fail(r, c, "too many fields");
		r->starts[nf++] = r->len;
		if (c == '"')
		{
			any = true;
			for (;;)
			{
				c = next_char(r);
				if (c == EOF)
					return fail(r, c, "unterminated quoted field");
				if (c == '"')
				{
					c = next_char(r);
					if (c != '"')
						break;	/* closing quote */
				}
				if (!put(r, (char) c))
					return fail(r, c, "record too long");
			}
			if (c != ',' && c != '\n' && c != '\r' && c != EOF)
				return fail(r, c, "unexpected character after a closing quote");
		}
		else
		{
			while (c != ',' && c != '\n' && c != '\r' && c != EOF)
			{
				any = true;
				if (!put(r, (char) c))
					return fail(r, c, "record too long");
				c = next_char(r);
			}
		}
		if (!put(r, '\0'))
			return fail(r, c, "record too long");
		if (c == ',')
		{
			any = true;
			c = next_char(r);
			continue;
		}
		if (c == '\r')
		{
			int			d = getc(r->f);

			if (d == '\n')
				r->line++;
			else if (d != EOF)
				ungetc(d, r->f);
		}
		break;
	}
	(void) any;
	for (int i = 0; i < nf; i++)
		r->fields[i] = r->rec + r->starts[i];
	*fields = r->fields;
	*n = nf;
	return 1;
}

/* ---- columns ------------------------------------------------------------------------------ */

lw_csv_col
lw_csv_column(const char *header)
{
	static const struct
	{
		const char *name;
		lw_csv_col	col;
	}			names[] =
	{
		{"id", LW_COL_ID}, {"track_id", LW_COL_ID}, {"uri", LW_COL_ID},
		{"track_uri", LW_COL_ID}, {"spotify_id", LW_COL_ID}, {"spotify_uri", LW_COL_ID},
		{"spotify_track_id", LW_COL_ID}, {"spotify_track_uri", LW_COL_ID},
		{"danceability", LW_COL_DANCEABILITY}, {"energy", LW_COL_ENERGY},
		{"key", LW_COL_KEY}, {"loudness", LW_COL_LOUDNESS}, {"mode", LW_COL_MODE},
		{"speechiness", LW_COL_SPEECHINESS}, {"acousticness", LW_COL_ACOUSTICNESS},
		{"instrumentalness", LW_COL_INSTRUMENTALNESS}, {"liveness", LW_COL_LIVENESS},
		{"valence", LW_COL_VALENCE}, {"tempo", LW_COL_TEMPO},
		{"duration_ms", LW_COL_DURATION_MS}, {"duration", LW_COL_DURATION_MS},
		{"time_signature", LW_COL_TIME_SIGNATURE},
	};
	char		norm[64];
	size_t		k = 0;
	bool		gap = false;

	/* lower case; runs of anything else than letters/digits become one '_' */
	for (const unsigned char *p = (const unsigned char *) header; *p && k < sizeof(norm) - 1; p++)
	{
		if (isalnum(*p))
		{
			if (gap && k > 0)
				norm[k++] = '_';
			gap = false;
			if (k < sizeof(norm) - 1)
				norm[k++] = (char) tolower(*p);
		}
		else
			gap = true;
	}
	norm[k] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(norm, names[i].name) == 0)
			return names[i].col;
	return LW_COL_NONE;
}

static const char *const col_names[LW_NCOLS] = {
	"id (or track_id / uri / Track URI)", "danceability", "energy", "key", "loudness", "mode",
	"speechiness", "acousticness", "instrumentalness", "liveness", "valence", "tempo",
	"duration_ms", "time_signature"
};

int
lw_csv_map_header(char **fields, int n, lw_csv_map *map, char *why, size_t whysz)
{
	for (int i = 0; i < LW_NCOLS; i++)
		map->idx[i] = -1;
	for (int i = 0; i < n; i++)
	{
		lw_csv_col	c = lw_csv_column(fields[i]);

		if (c != LW_COL_NONE && map->idx[c] < 0)
			map->idx[c] = i;
	}
	for (int i = 0; i < LW_COL_DURATION_MS; i++)
		if (map->idx[i] < 0)
		{
			snprintf(why, whysz, "the header has no %s column", col_names[i]);
			return -1;
		}
	return 0;
}

static bool
id_chars(const char *s, size_t n)
{
	if (n < 1 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isascii((unsigned char) s[i]) || !isalnum((unsigned char) s[i]))
			return false;
	return true;
}

bool
lw_csv_track_id(const char *s, char *out, size_t outsz)
{
	const char *p;
	size_t		n;

	while (isspace((unsigned char) *s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char) s[n - 1]))
		n--;
	p = s;
	if (strncmp(s, "spotify:track:", 14) == 0)
	{
		p = s + 14;
		n -= 14;
	}
	else if (strncmp(s, "https://open.spotify.com/", 25) == 0 ||
			 strncmp(s, "http://open.spotify.com/", 24) == 0)
	{
		const char *t = strstr(s, "/track/");

		if (t == NULL || t > s + n)
			return false;
		p = t + 7;
		n = strcspn(p, "?#/ \t\r\n");
		if (p + n > s + strlen(s))
			return false;
	}
	if (!id_chars(p, n) || n + 1 > outsz)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

/* A number filling the whole (trimmed) cell. */
bool
lw_csv_number(const char *s, double *out)
{
	char	   *end;

	while (isspace((unsigned char) *s))
		s++;
	if (*s == '\0')
		return false;
	errno = 0;
	*out = strtod(s, &end);
	while (isspace((unsigned char) *end))
		end++;
	return errno == 0 && *end == '\0' && isfinite(*out);
}

static bool
cell_int(const char *s, int *out)
{
	double		d;

	if (!lw_csv_number(s, &d) || d != floor(d) || fabs(d) > 1e9)
		return false;
	*out = (int) d;
	return true;
}

/*
 * A whole number as long long, saturating: "1e300" in a cell must become an out-of-range value
 * (refused by lw_features_check), not an undefined conversion (found by fuzzing).
 */
static long long
whole_ll(double d)
{
	if (d >= 9.2e18)
		return LLONG_MAX;
	if (d <= -9.2e18)
		return LLONG_MIN;
	return (long long) d;
}

lw_csv_verdict
lw_csv_row(const lw_csv_map *map, char **fields, int n, lw_features *out, char *idbuf)
{
	double	   *dst[LW_NCOLS] = {0};
	double		d;

	memset(out, 0, sizeof(*out));
	if (map->idx[LW_COL_ID] >= n || !lw_csv_track_id(fields[map->idx[LW_COL_ID]], idbuf, LW_ID_BUF))
		return LW_CSV_BAD_ID;
	out->track_id = idbuf;
	dst[LW_COL_DANCEABILITY] = &out->danceability;
	dst[LW_COL_ENERGY] = &out->energy;
	dst[LW_COL_LOUDNESS] = &out->loudness;
	dst[LW_COL_SPEECHINESS] = &out->speechiness;
	dst[LW_COL_ACOUSTICNESS] = &out->acousticness;
	dst[LW_COL_INSTRUMENTALNESS] = &out->instrumentalness;
	dst[LW_COL_LIVENESS] = &out->liveness;
	dst[LW_COL_VALENCE] = &out->valence;
	dst[LW_COL_TEMPO] = &out->tempo;
	for (int c = LW_COL_DANCEABILITY; c < LW_COL_DURATION_MS; c++)
	{
		int			i = map->idx[c];

		if (i >= n)
			return LW_CSV_MISSING;
		if (c == LW_COL_KEY || c == LW_COL_MODE)
		{
			if (!cell_int(fields[i], c == LW_COL_KEY ? &out->key : &out->mode))
				return LW_CSV_MISSING;
		}
		else if (!lw_csv_number(fields[i], dst[c]))
			return LW_CSV_MISSING;
	}
	if (map->idx[LW_COL_DURATION_MS] >= 0 && map->idx[LW_COL_DURATION_MS] < n &&
		lw_csv_number(fields[map->idx[LW_COL_DURATION_MS]], &d) && d == floor(d))
	{
		out->duration_ms.st = LW_SET;
		out->duration_ms.v = whole_ll(d);
	}
	if (map->idx[LW_COL_TIME_SIGNATURE] >= 0 && map->idx[LW_COL_TIME_SIGNATURE] < n &&
		lw_csv_number(fields[map->idx[LW_COL_TIME_SIGNATURE]], &d) && d == floor(d))
	{
		out->time_signature.st = LW_SET;
		out->time_signature.v = whole_ll(d);
	}
	return lw_features_check(out) == LW_FEAT_OK ? LW_CSV_OK : LW_CSV_RANGE;
}

/* ---- the command -------------------------------------------------------------------------- */

typedef struct import_counts
{
	long		rows;
	long		loaded;
	long		unchanged;
	long		bad_id;
	long		missing;
	long		range;
	long		malformed;
	long		unknown;
	long		duplicates;
	long		kept;
} import_counts;

static void
report(const import_counts *k, bool overwrite)
{
	lw_log_info("import-features: %ld data rows read", k->rows);
	lw_log_info("loaded: %ld rows", k->loaded);
	if (k->unchanged)
		lw_log_info("unchanged (identical row already stored): %ld rows", k->unchanged);
	if (k->unknown)
		lw_log_info("skipped, unknown track (not in the library): %ld rows", k->unknown);
	if (k->bad_id)
		lw_log_info("skipped, bad track id: %ld rows", k->bad_id);
	if (k->range)
		lw_log_info("skipped, out-of-range value: %ld rows", k->range);
	if (k->missing)
		lw_log_info("skipped, missing or non-numeric value: %ld rows", k->missing);
	if (k->malformed)
		lw_log_info("skipped, malformed CSV record: %ld rows", k->malformed);
	if (k->duplicates)
		lw_log_info("skipped, duplicate track id (first row kept): %ld rows", k->duplicates);
	if (k->kept && !overwrite)
		lw_log_info("skipped, features from the Spotify API kept (LW_OVERWRITE=1 replaces them): %ld rows",
					k->kept);
}

static void
counts_json(const import_counts *k, char *buf, size_t sz)
{
	snprintf(buf, sz,
			 "{\"rows\": %ld, \"features_loaded\": %ld, \"unchanged\": %ld, "
			 "\"skipped_unknown_track\": %ld, \"skipped_bad_id\": %ld, "
			 "\"skipped_out_of_range\": %ld, \"skipped_missing_value\": %ld, "
			 "\"skipped_malformed\": %ld, \"skipped_duplicate\": %ld, "
			 "\"skipped_kept_spotify_api\": %ld}",
			 k->rows, k->loaded, k->unchanged, k->unknown, k->bad_id, k->range, k->missing,
			 k->malformed, k->duplicates, k->kept);
}

static int
finish_import(lw_store *st, long long run_id, const char *status, const import_counts *k,
			  const char *error)
{
	char		cj[1024];
	lw_run_end	end;

	counts_json(k, cj, sizeof(cj));
	memset(&end, 0, sizeof(end));
	end.status = status;
	end.counts_json = cj;
	end.error = error;
	if (lw_store_run_finish(st, run_id, &end) < 0)
	{
		lw_log_error("could not record the run: %s", lw_store_error(st));
		return -1;
	}
	return 0;
}

static bool
env_flag(const char *name)
{
	const char *v = getenv(name);

	return v && v[0] == '1';
}

/* Read, check and stage every row; returns 0, or -1 (message logged, err set). */
static int
load_file(lw_store *st, FILE *f, import_counts *k, char *err, size_t errsz)
{
	lw_csv	   *r = lw_csv_open(f);
	lw_csv_map	map;
	char	  **fields;
	int			n;
	int			rc;
	lw_features *chunk = calloc(STAGE_CHUNK, sizeof(*chunk));
	char	  (*ids)[LW_ID_BUF] = calloc(STAGE_CHUNK, LW_ID_BUF);
	int			used = 0;
	int			result = -1;

	if (r == NULL || chunk == NULL || ids == NULL)
	{
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	rc = lw_csv_next(r, &fields, &n);
	if (rc <= 0)
	{
		snprintf(err, errsz, "%s", rc == 0 ? "the file is empty" : lw_csv_error(r));
		goto out;
	}
	if (lw_csv_map_header(fields, n, &map, err, errsz) < 0)
		goto out;
	if (lw_store_features_begin(st) < 0)
	{
		snprintf(err, errsz, "%s", lw_store_error(st));
		goto out;
	}
	for (;;)
	{
		lw_csv_verdict v;

		rc = lw_csv_next(r, &fields, &n);
		if (rc == 0)
			break;
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
		v = lw_csv_row(&map, fields, n, &chunk[used], ids[used]);
		if (v == LW_CSV_BAD_ID)
			k->bad_id++;
		else if (v == LW_CSV_MISSING)
			k->missing++;
		else if (v == LW_CSV_RANGE)
			k->range++;
		else
			used++;
		if (v != LW_CSV_OK)
			lw_log_debug("line %ld skipped (%s)", lw_csv_line(r),
						 v == LW_CSV_BAD_ID ? "bad id" : v == LW_CSV_MISSING ? "missing value"
						 : "out of range");
		if (used == STAGE_CHUNK)
		{
			if (lw_store_features_stage(st, chunk, used) < 0)
			{
				snprintf(err, errsz, "%s", lw_store_error(st));
				goto out;
			}
			used = 0;
		}
	}
	if (used > 0 && lw_store_features_stage(st, chunk, used) < 0)
	{
		snprintf(err, errsz, "%s", lw_store_error(st));
		goto out;
	}
	result = 0;
out:
	lw_csv_close(r);
	free(chunk);
	free(ids);
	return result;
}

int
lw_cmd_import_features(const lw_config *cfg, const char *csv_path, const char *source_detail)
{
	char		msg[600];
	char		err[600] = "";
	lw_store   *st;
	FILE	   *f = NULL;
	long long	run_id = 0;
	import_counts k;
	lw_features_merge m;
	bool		overwrite = env_flag("LW_OVERWRITE");
	const char *detail = source_detail;
	int			r;
	int			code = LW_EXIT_FAILURE;

	memset(&k, 0, sizeof(k));
	if (detail == NULL)
	{
		const char *slash = strrchr(csv_path, '/');

		detail = slash ? slash + 1 : csv_path;
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
	if (lw_store_check_schema(st) < 0)
	{
		lw_log_error("%s", lw_store_error(st));
		goto out;
	}
	r = lw_store_lock(st, env_flag("LW_WAIT_LOCK"), cfg->lock_timeout);
	if (r != 0)
	{
		lw_log_error("%s", r > 0 ? "another lw-ingest run is writing to this database; try again later (LW_WAIT_LOCK=1 waits for it)"
					 : lw_store_error(st));
		goto out;
	}
	if (lw_store_run_begin(st, "import-features", &run_id) < 0)
	{
		lw_log_error("%s", lw_store_error(st));
		goto out;
	}
	f = fopen(csv_path, "rb");
	if (f == NULL)
	{
		snprintf(err, sizeof(err), "cannot open %s: %s", csv_path, strerror(errno));
		lw_log_error("%s", err);
		finish_import(st, run_id, "failed", &k, err);
		code = LW_EXIT_USAGE;
		goto out;
	}
	if (load_file(st, f, &k, err, sizeof(err)) < 0)
	{
		lw_log_error("%s: %s", csv_path, err);
		if (lw_store_connected(st))
			finish_import(st, run_id, "failed", &k, err);
		code = lw_store_connected(st) && strstr(err, "header") ? LW_EXIT_USAGE : LW_EXIT_FAILURE;
		goto out;
	}
	if (lw_store_features_merge(st, "csv", detail, overwrite, &m) < 0)
	{
		lw_log_error("%s", lw_store_error(st));
		if (lw_store_connected(st))
			finish_import(st, run_id, "failed", &k, lw_store_error(st));
		goto out;
	}
	k.loaded = m.loaded;
	k.unchanged = m.unchanged;
	k.unknown = m.unknown;
	k.duplicates = m.duplicates;
	k.kept = m.kept;
	report(&k, overwrite);
	if (k.loaded > 0)
	{
		r = lw_store_refresh_vectors(st);
		if (r < 0)
			lw_log_warn("refresh_vectors() failed: %s", lw_store_error(st));
	}
	code = finish_import(st, run_id, "ok", &k, NULL) < 0 ? LW_EXIT_FAILURE : LW_EXIT_OK;
out:
	if (f)
		fclose(f);
	lw_store_close(st);
	return code;
}
