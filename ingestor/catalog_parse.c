/*
 * catalog_parse.c - rows of the public track catalogs (see catalog_parse.h).
 *
 * The four formats share one shape: a track id, a name, artists in credit order, a few track
 * fields, then the 11 audio features in the same order. A format is therefore a table of column
 * positions, and one row checker serves all four.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_parse.h"
#include "csv_import.h"
#include "records.h"
#include "textfix.h"
#include "util.h"

/* ---- formats ------------------------------------------------------------------------------ */

typedef struct cat_layout
{
	lw_cat_format format;
	const char *name;
	const char *header;			/* the exact header line */
	int			ncols;
	int			id,
				title,
				album,
				artists,
				artist_ids,		/* -1: names only */
				release,
				year,
				duration,
				explicit_,
				popularity,
				genre,
				features,		/* first of the 11 features, in Spotify's order */
				time_signature;
	bool		semicolon_artists;	/* "A;B" instead of a list repr */
} cat_layout;

static const cat_layout layouts[] = {
	{LW_CAT_600K, "spotify600k",
		"id,name,popularity,duration_ms,explicit,artists,id_artists,release_date,danceability,"
		"energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,"
		"time_signature",
	20, 0, 1, -1, 5, 6, 7, -1, 3, 4, 2, -1, 8, 19, false},
	{LW_CAT_114K, "tracks114k",
		",track_id,artists,album_name,track_name,popularity,duration_ms,explicit,danceability,"
		"energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,"
		"time_signature,track_genre",
	21, 1, 4, 3, 2, -1, -1, -1, 6, 7, 5, 20, 8, 19, true},
	{LW_CAT_1200K, "tracks1200k",
		"id,name,album,album_id,artists,artist_ids,track_number,disc_number,explicit,danceability,"
		"energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,"
		"duration_ms,time_signature,year,release_date",
	24, 0, 1, 2, 4, 5, 23, 22, 20, 8, -1, -1, 9, 21, false},
	{LW_CAT_LW, "lw",
		"track_id,name,artists,artist_ids,album,release_date,duration_ms,explicit,popularity,genres,"
		"danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,"
		"valence,tempo,time_signature",
	22, 0, 1, 4, 2, 3, 5, -1, 6, 7, 8, 9, 10, 21, false},
};
#define N_LAYOUTS ((int) (sizeof(layouts) / sizeof(layouts[0])))

static const char artists_header[] = "id,followers,genres,name,popularity";

static const cat_layout *
layout_of(lw_cat_format f)
{
	for (int i = 0; i < N_LAYOUTS; i++)
		if (layouts[i].format == f)
			return &layouts[i];
	return NULL;
}

const char *
lw_cat_format_name(lw_cat_format f)
{
	const cat_layout *l = layout_of(f);

	return l ? l->name : "auto";
}

bool
lw_cat_format_parse(const char *s, lw_cat_format *out)
{
	if (strcmp(s, "auto") == 0)
	{
		*out = LW_CAT_UNKNOWN;
		return true;
	}
	for (int i = 0; i < N_LAYOUTS; i++)
		if (strcmp(s, layouts[i].name) == 0)
		{
			*out = layouts[i].format;
			return true;
		}
	return false;
}

/* Whether the cells, trimmed, are exactly the comma-separated names of line. */
static bool
header_is(char *const *fields, int n, const char *line)
{
	const char *p = line;

	for (int i = 0; i < n; i++)
	{
		const char *c = fields[i];
		size_t		len;
		size_t		want = strcspn(p, ",");

		while (isspace((unsigned char) *c))
			c++;
		len = strlen(c);
		while (len > 0 && isspace((unsigned char) c[len - 1]))
			len--;
		if (len != want || strncmp(c, p, len) != 0)
			return false;
		p += want;
		if (*p == ',')
			p++;
		else if (i != n - 1)
			return false;
	}
	return *p == '\0';
}

lw_cat_format
lw_cat_detect(char *const *fields, int n)
{
	for (int i = 0; i < N_LAYOUTS; i++)
		if (n == layouts[i].ncols && header_is(fields, n, layouts[i].header))
			return layouts[i].format;
	return LW_CAT_UNKNOWN;
}

bool
lw_cat_is_artists_header(char *const *fields, int n)
{
	return n == 5 && header_is(fields, n, artists_header);
}

/* ---- verdicts ----------------------------------------------------------------------------- */

static const char *const verdict_text[LW_CATV_COUNT][2] = {
	{"ok", "ok"},
	{"fewer cells than the header", "short_row"},
	{"bad track id", "bad_track_id"},
	{"empty track name", "no_name"},
	{"artists not a list, empty or too many", "bad_artists"},
	{"artist ids not one valid id per artist", "bad_artist_ids"},
	{"a number, boolean or date that is not one", "bad_value"},
	{"audio feature out of range", "out_of_range"},
	{"text that is not UTF-8", "bad_encoding"},
};

const char *
lw_cat_verdict_text(lw_cat_verdict v)
{
	return v >= 0 && v < LW_CATV_COUNT ? verdict_text[v][0] : "?";
}

const char *
lw_cat_verdict_key(lw_cat_verdict v)
{
	return v >= 0 && v < LW_CATV_COUNT ? verdict_text[v][1] : "unknown";
}

/* ---- Python list repr --------------------------------------------------------------------- */

/* Appends the UTF-8 encoding of cp; false if it does not fit or cp is not a scalar value. */
static bool
put_utf8(char *out, size_t outsz, size_t *k, uint32_t cp)
{
	unsigned char b[4];
	int			n;

	if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return false;
	if (cp < 0x80)
	{
		b[0] = (unsigned char) cp;
		n = 1;
	}
	else if (cp < 0x800)
	{
		b[0] = (unsigned char) (0xC0 | (cp >> 6));
		b[1] = (unsigned char) (0x80 | (cp & 0x3F));
		n = 2;
	}
	else if (cp < 0x10000)
	{
		b[0] = (unsigned char) (0xE0 | (cp >> 12));
		b[1] = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
		b[2] = (unsigned char) (0x80 | (cp & 0x3F));
		n = 3;
	}
	else
	{
		b[0] = (unsigned char) (0xF0 | (cp >> 18));
		b[1] = (unsigned char) (0x80 | ((cp >> 12) & 0x3F));
		b[2] = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
		b[3] = (unsigned char) (0x80 | (cp & 0x3F));
		n = 4;
	}
	if (*k + (size_t) n >= outsz)
		return false;
	memcpy(out + *k, b, (size_t) n);
	*k += (size_t) n;
	return true;
}

int
lw_pylist_parse(const char *s, char *out, size_t outsz)
{
	const char *p = s;
	size_t		k = 0;
	int			items = 0;

	while (isspace((unsigned char) *p))
		p++;
	if (*p++ != '[')
		return -1;
	for (;;)
	{
		char		q;

		while (isspace((unsigned char) *p))
			p++;
		if (*p == ']' && items == 0)
		{
			p++;
			break;
		}
		q = *p++;
		if (q != '\'' && q != '"')
			return -1;
		while (*p != q)
		{
			uint32_t	cp;

			if (*p == '\0')
				return -1;
			if (*p != '\\')
			{
				if (k + 1 >= outsz)
					return -1;
				out[k++] = *p++;
				continue;
			}
			p++;
			switch (*p)
			{
				case '\\':
				case '\'':
				case '"':
					if (k + 1 >= outsz)
						return -1;
					out[k++] = *p++;
					continue;
				case 'n':
				case 't':
				case 'r':
					if (k + 1 >= outsz)
						return -1;
					out[k++] = *p == 'n' ? '\n' : *p == 't' ? '\t' : '\r';
					p++;
					continue;
				case 'x':
				case 'u':
					{
						int			digits = *p == 'x' ? 2 : 4;

						cp = 0;
						p++;
						for (int i = 0; i < digits; i++)
						{
							int			h = lw_hexval((unsigned char) p[i]);

							if (h < 0)
								return -1;
							cp = cp * 16 + (uint32_t) h;
						}
						p += digits;
						if (!put_utf8(out, outsz, &k, cp))
							return -1;
						continue;
					}
				default:
					return -1;
			}
		}
		p++;					/* closing quote */
		if (k + 1 >= outsz)
			return -1;
		out[k++] = '\0';
		items++;
		while (isspace((unsigned char) *p))
			p++;
		if (*p == ',')
		{
			p++;
			continue;
		}
		if (*p == ']')
		{
			p++;
			break;
		}
		return -1;
	}
	while (isspace((unsigned char) *p))
		p++;
	return *p == '\0' ? items : -1;
}

/* ';'-separated items, each trimmed (an empty cell is no items). Same output as above. */
static int
semicolon_list(const char *s, char *out, size_t outsz)
{
	size_t		k = 0;
	int			items = 0;

	while (*s)
	{
		size_t		len = strcspn(s, ";");
		const char *a = s;
		size_t		alen = len;

		while (alen > 0 && isspace((unsigned char) *a))
		{
			a++;
			alen--;
		}
		while (alen > 0 && isspace((unsigned char) a[alen - 1]))
			alen--;
		if (alen > 0)
		{
			if (k + alen + 1 > outsz)
				return -1;
			memcpy(out + k, a, alen);
			k += alen;
			out[k++] = '\0';
			items++;
		}
		s += len;
		if (*s == ';')
			s++;
	}
	return items;
}

/* Either form: a list repr when the cell starts with '[', else ';'-separated. */
static int
any_list(const char *s, char *out, size_t outsz)
{
	const char *p = s;

	while (isspace((unsigned char) *p))
		p++;
	return *p == '[' ? lw_pylist_parse(s, out, outsz) : semicolon_list(s, out, outsz);
}

/* ---- cells -------------------------------------------------------------------------------- */

static bool
utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *) s;

	while (*p)
	{
		int			n;
		uint32_t	cp;

		if (*p < 0x80)
		{
			p++;
			continue;
		}
		if ((*p & 0xE0) == 0xC0)
		{
			n = 1;
			cp = *p & 0x1F;
		}
		else if ((*p & 0xF0) == 0xE0)
		{
			n = 2;
			cp = *p & 0x0F;
		}
		else if ((*p & 0xF8) == 0xF0)
		{
			n = 3;
			cp = *p & 0x07;
		}
		else
			return false;
		for (int i = 1; i <= n; i++)
		{
			if ((p[i] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
			cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		p += n + 1;
	}
	return true;
}

/* Trim in place; returns the trimmed start. */
static char *
trim(char *s)
{
	size_t		n;

	while (isspace((unsigned char) *s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char) s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Cut a valid UTF-8 string in place to at most max bytes, at a character boundary. */
static void
cut(char *s, size_t max)
{
	s[lw_utf8_prefix(s, max)] = '\0';
}

typedef enum cell
{
	CELL_EMPTY,
	CELL_OK,
	CELL_BAD
} cell;

static cell
num_cell(const char *s, double *out)
{
	const char *p = s;

	while (isspace((unsigned char) *p))
		p++;
	if (*p == '\0')
		return CELL_EMPTY;
	return lw_csv_number(s, out) ? CELL_OK : CELL_BAD;
}

/* A whole number (4 and 4.0 alike) within [lo, hi]. */
static cell
int_cell(const char *s, long lo, long hi, long *out)
{
	double		d;
	cell		c = num_cell(s, &d);

	if (c != CELL_OK)
		return c;
	if (d != floor(d) || d < (double) lo || d > (double) hi)
		return CELL_BAD;
	*out = (long) d;
	return CELL_OK;
}

static cell
bool_cell(const char *s, int *out)
{
	static const char *const t[] = {"1", "true", "True", "TRUE", "t"};
	static const char *const f[] = {"0", "false", "False", "FALSE", "f"};
	char		buf[8];
	size_t		n;

	while (isspace((unsigned char) *s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char) s[n - 1]))
		n--;
	if (n == 0)
		return CELL_EMPTY;
	if (n >= sizeof(buf))
		return CELL_BAD;
	memcpy(buf, s, n);
	buf[n] = '\0';
	for (int i = 0; i < 5; i++)
	{
		if (strcmp(buf, t[i]) == 0)
		{
			*out = 1;
			return CELL_OK;
		}
		if (strcmp(buf, f[i]) == 0)
		{
			*out = 0;
			return CELL_OK;
		}
	}
	return CELL_BAD;
}

/*
 * YYYY, YYYY-MM or YYYY-MM-DD (month 01-12, day 01-31). Year 0000 (the 1.2M set's unknown) is
 * no date. out gets the date, precision the matching word.
 */
static cell
date_cell(const char *s, char out[11], const char **precision)
{
	char		buf[16];
	size_t		n;
	static const int lens[] = {4, 7, 10};
	static const char *const words[] = {"year", "month", "day"};

	while (isspace((unsigned char) *s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char) s[n - 1]))
		n--;
	if (n == 0)
		return CELL_EMPTY;
	if (n >= sizeof(buf))
		return CELL_BAD;
	memcpy(buf, s, n);
	buf[n] = '\0';
	for (int i = 0; i < 3; i++)
	{
		if ((int) n != lens[i])
			continue;
		for (int j = 0; j < (int) n; j++)
			if (j == 4 || j == 7 ? buf[j] != '-' : !isdigit((unsigned char) buf[j]))
				return CELL_BAD;
		if (i >= 1 && (atoi(buf + 5) < 1 || atoi(buf + 5) > 12))
			return CELL_BAD;
		if (i == 2 && (atoi(buf + 8) < 1 || atoi(buf + 8) > 31))
			return CELL_BAD;
		if (strncmp(buf, "0000", 4) == 0)
			return CELL_EMPTY;
		memcpy(out, buf, n + 1);
		*precision = words[i];
		return CELL_OK;
	}
	return CELL_BAD;
}

/* Splits the NUL-separated items of a parsed list into ptrs (at most max). */
static void
items(char *buf, int n, const char **ptrs)
{
	for (int i = 0; i < n; i++)
	{
		ptrs[i] = buf;
		buf += strlen(buf) + 1;
	}
}

/* Genres: valid UTF-8, trimmed, non-empty, at most LW_MAX_GENRE_BYTES (others dropped). */
static int
keep_genres(const char **g, int n)
{
	int			k = 0;

	for (int i = 0; i < n; i++)
	{
		char	   *s = trim((char *) g[i]);

		if (*s && strlen(s) <= LW_MAX_GENRE_BYTES && utf8_valid(s))
			g[k++] = s;
	}
	return k;
}

/* ---- rows --------------------------------------------------------------------------------- */

static lw_cat_verdict
parse_features(const cat_layout *l, char *const *fields, lw_cat_row *out)
{
	double		v[11];
	bool		empty = false;
	long		ts;
	lw_features f;

	for (int i = 0; i < 11; i++)
	{
		cell		c = num_cell(fields[l->features + i], &v[i]);

		if (c == CELL_BAD)
			return LW_CATV_BAD_VALUE;
		if (c == CELL_EMPTY)
			empty = true;
	}
	out->time_signature = -1;
	switch (int_cell(fields[l->time_signature], -1000000, 1000000, &ts))
	{
		case CELL_BAD:
			return LW_CATV_BAD_VALUE;
		case CELL_OK:
			if (ts < 0 || ts > 7)
				return LW_CATV_RANGE;
			out->time_signature = ts == 0 ? -1 : (int) ts;
			break;
		case CELL_EMPTY:
			break;
	}
	if (empty || v[10] == 0)
		return LW_CATV_OK;		/* kept without features (tempo 0 is Spotify's "unknown") */
	if (v[2] != floor(v[2]) || v[4] != floor(v[4]) || fabs(v[2]) > 100 || fabs(v[4]) > 100)
		return LW_CATV_RANGE;
	memset(&f, 0, sizeof(f));
	f.track_id = out->track_id;
	f.danceability = v[0];
	f.energy = v[1];
	f.key = (int) v[2];
	f.loudness = v[3];
	f.mode = (int) v[4];
	f.speechiness = v[5];
	f.acousticness = v[6];
	f.instrumentalness = v[7];
	f.liveness = v[8];
	f.valence = v[9];
	f.tempo = v[10];
	if (lw_features_check(&f) != LW_FEAT_OK)
		return LW_CATV_RANGE;
	out->danceability = v[0];
	out->energy = v[1];
	out->key = (int) v[2];
	out->loudness = v[3];
	out->mode = (int) v[4];
	out->speechiness = v[5];
	out->acousticness = v[6];
	out->instrumentalness = v[7];
	out->liveness = v[8];
	out->valence = v[9];
	out->tempo = v[10];
	out->has_features = true;
	return LW_CATV_OK;
}

/* Artists (names, and ids where the format has them) into out; scratch holds the items. */
static lw_cat_verdict
parse_artists(const cat_layout *l, char *const *fields, lw_cat_row *out, char *scratch,
			  size_t half)
{
	int			n;
	const char *ids[LW_CAT_MAX_ARTISTS];
	int			nid = 0;

	n = l->semicolon_artists ? semicolon_list(fields[l->artists], scratch, half)
		: l->format == LW_CAT_LW ? any_list(fields[l->artists], scratch, half)
		: lw_pylist_parse(fields[l->artists], scratch, half);	/* the Kaggle sets: reprs only */
	if (n <= 0 || n > LW_CAT_MAX_ARTISTS)
		return LW_CATV_BAD_ARTISTS;
	items(scratch, n, out->artist_names);
	for (int i = 0; i < n; i++)
	{
		char	   *s = trim((char *) out->artist_names[i]);

		if (!utf8_valid(s))
			return LW_CATV_ENCODING;
		if (*s == '\0')
			return LW_CATV_BAD_ARTISTS;
		cut(s, LW_MAX_NAME_BYTES);
		out->artist_names[i] = s;
		out->artist_ids[i] = NULL;
	}
	out->n_artists = n;
	if (l->artist_ids < 0)
		return LW_CATV_OK;
	nid = l->format == LW_CAT_LW ? any_list(fields[l->artist_ids], scratch + half, half)
		: lw_pylist_parse(fields[l->artist_ids], scratch + half, half);
	if (nid == 0 && l->format == LW_CAT_LW)
		return LW_CATV_OK;		/* the project's format may leave ids out */
	if (nid != n)
		return LW_CATV_ARTIST_IDS;
	items(scratch + half, nid, ids);
	for (int i = 0; i < n; i++)
	{
		/* the id is validated into a buffer, then written back over the item (never longer) */
		char		id[72];

		if (!lw_csv_track_id(ids[i], id, sizeof(id)))
			return LW_CATV_ARTIST_IDS;
		strcpy((char *) ids[i], id);
		out->artist_ids[i] = ids[i];
	}
	return LW_CATV_OK;
}

lw_cat_verdict
lw_cat_row_parse(lw_cat_format f, char *const *fields, int n, lw_cat_row *out, char *scratch,
				 size_t scratchsz)
{
	const cat_layout *l = layout_of(f);
	lw_cat_verdict v;
	size_t		third = scratchsz / 3;
	long		num;
	char	   *s;

	memset(out, 0, sizeof(*out));
	out->duration_ms = -1;
	out->explicit_ = -1;
	out->popularity = -1;
	out->time_signature = -1;
	if (l == NULL || n < l->ncols)
		return LW_CATV_SHORT;
	if (!lw_csv_track_id(fields[l->id], out->track_id, sizeof(out->track_id)))
		return LW_CATV_BAD_ID;
	s = trim(fields[l->title]);
	if (!utf8_valid(s))
		return LW_CATV_ENCODING;
	if (*s == '\0')
		return LW_CATV_NO_NAME;
	cut(s, LW_MAX_NAME_BYTES);
	out->name = s;
	if (l->album >= 0)
	{
		s = trim(fields[l->album]);
		if (!utf8_valid(s))
			return LW_CATV_ENCODING;
		cut(s, LW_MAX_NAME_BYTES);
		out->album = *s ? s : NULL;
	}
	v = parse_artists(l, fields, out, scratch, third);
	if (v != LW_CATV_OK)
		return v;
	if (l->genre >= 0)
	{
		int			g = l->format == LW_CAT_LW ? any_list(fields[l->genre], scratch + 2 * third, third)
			: semicolon_list(fields[l->genre], scratch + 2 * third, third);

		if (g < 0 || g > LW_CAT_MAX_GENRES)
			return LW_CATV_BAD_VALUE;
		items(scratch + 2 * third, g, out->genres);
		out->n_genres = keep_genres(out->genres, g);
	}
	if (l->release >= 0 &&
		date_cell(fields[l->release], out->release_date, &out->release_precision) == CELL_BAD)
		return LW_CATV_BAD_VALUE;
	if (out->release_precision == NULL && l->year >= 0)
	{
		switch (int_cell(fields[l->year], 0, 9999, &num))
		{
			case CELL_BAD:
				return LW_CATV_BAD_VALUE;
			case CELL_OK:
				if (num >= 1000)
				{
					snprintf(out->release_date, sizeof(out->release_date), "%04d", (int) num);
					out->release_precision = "year";
				}
				break;
			case CELL_EMPTY:
				break;
		}
	}
	if (l->duration >= 0)
	{
		cell		c = int_cell(fields[l->duration], 0, INT32_MAX, &num);

		if (c == CELL_BAD)
			return LW_CATV_BAD_VALUE;
		if (c == CELL_OK)
			out->duration_ms = num;
	}
	if (l->explicit_ >= 0 && bool_cell(fields[l->explicit_], &out->explicit_) == CELL_BAD)
		return LW_CATV_BAD_VALUE;
	if (l->popularity >= 0)
	{
		cell		c = int_cell(fields[l->popularity], 0, 100, &num);

		if (c == CELL_BAD)
			return LW_CATV_BAD_VALUE;
		if (c == CELL_OK)
			out->popularity = (int) num;
	}
	return parse_features(l, fields, out);
}

lw_cat_verdict
lw_cat_artist_parse(char *const *fields, int n, lw_cat_artist *out, char *scratch,
					size_t scratchsz)
{
	int			g;
	char	   *s;

	memset(out, 0, sizeof(*out));
	if (n < 5)
		return LW_CATV_SHORT;
	if (!lw_csv_track_id(fields[0], out->artist_id, sizeof(out->artist_id)))
		return LW_CATV_BAD_ID;
	s = trim(fields[3]);
	if (!utf8_valid(s))
		return LW_CATV_ENCODING;
	cut(s, LW_MAX_NAME_BYTES);
	out->name = s;
	g = lw_pylist_parse(fields[2], scratch, scratchsz);
	if (g < 0 || g > LW_CAT_MAX_GENRES)
		return LW_CATV_BAD_VALUE;
	items(scratch, g, out->genres);
	out->n_genres = keep_genres(out->genres, g);
	return LW_CATV_OK;
}
