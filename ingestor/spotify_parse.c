/*
 * spotify_parse.c - Spotify Web API JSON -> plain records (see spotify_parse.h).
 *
 * Every response is untrusted input: a key may be missing, null, of the wrong type, or unknown;
 * none of that is an error. A field with the wrong type is treated as absent (so an upsert keeps
 * the stored value) and counted in bad_fields.
 */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spotify_parse.h"
#include "textfix.h"

static void
bad_field(lw_counts *c)
{
	if (c)
		c->bad_fields++;
}

bool
lw_sp_valid_id(const char *s)
{
	size_t		n = 0;

	if (s == NULL)
		return false;
	for (; s[n]; n++)
		if (!isascii((unsigned char) s[n]) || !isalnum((unsigned char) s[n]))
			return false;
	return n >= 1 && n <= 64;
}

static bool
digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!isdigit((unsigned char) s[i]))
			return false;
	return true;
}

bool
lw_sp_valid_timestamp(const char *s)
{
	const char *p;

	/* YYYY-MM-DDTHH:MM:SS */
	if (s == NULL || strlen(s) < 20)
		return false;
	if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2) ||
		(s[10] != 'T' && s[10] != ' ') || !digits(s + 11, 2) || s[13] != ':' ||
		!digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
		return false;
	{
		static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
		int			y = atoi(s);
		int			m = atoi(s + 5);
		int			d = atoi(s + 8);
		bool		leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

		/* exact, so PostgreSQL never refuses a value we accepted */
		if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
			(m == 2 && d == 29 && !leap) ||
			atoi(s + 11) > 23 || atoi(s + 14) > 59 || atoi(s + 17) > 59)
			return false;
	}
	p = s + 19;
	if (*p == '.')
	{
		p++;
		if (!isdigit((unsigned char) *p))
			return false;
		while (isdigit((unsigned char) *p))
			p++;
	}
	if (p[0] == 'Z' && p[1] == '\0')
		return true;
	if ((p[0] == '+' || p[0] == '-') && digits(p + 1, 2) && p[3] == ':' && digits(p + 4, 2) &&
		p[6] == '\0')
		return true;
	return false;
}

static bool
valid_release_date(const char *s)
{
	size_t		n = strlen(s);

	if (n == 4)
		return digits(s, 4);
	if (n == 7)
		return digits(s, 4) && s[4] == '-' && digits(s + 5, 2);
	if (n == 10)
		return digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' &&
			digits(s + 8, 2);
	return false;
}

/* ---- typed getters: absent / null / value / wrong type (-> absent, counted) ---------------- */

/*
 * The value at key when it is of the wanted kind (a json_is_* test): *st = LW_SET. NULL with
 * *st = LW_NULL for null, LW_ABSENT when missing or of another kind (counted in bad_fields).
 */
static json_t *
typed_field(const json_t *obj, const char *key, int (*is_kind) (const json_t *), lw_state *st,
			lw_counts *c)
{
	json_t	   *v = json_object_get(obj, key);

	*st = LW_ABSENT;
	if (v == NULL)
		return NULL;
	if (json_is_null(v))
	{
		*st = LW_NULL;
		return NULL;
	}
	if (!is_kind(v))
	{
		bad_field(c);
		return NULL;
	}
	*st = LW_SET;
	return v;
}

/* jansson's json_is_* are macros: functions for typed_field */
static int
is_string(const json_t *v)
{
	return json_is_string(v);
}

static int
is_boolean(const json_t *v)
{
	return json_is_boolean(v);
}

static lw_str
get_str(const json_t *obj, const char *key, lw_counts *c)
{
	lw_str		r;				/* typed_field sets r.st */

	r.v = json_string_value(typed_field(obj, key, is_string, &r.st, c));	/* NULL-safe */
	return r;
}

/*
 * Cut the string value v (owned by the parsed document, which the caller keeps alive) to max
 * bytes at a character boundary, counted in strings_truncated. Returns the (new) value.
 */
static const char *
cut_string(json_t *v, size_t max, lw_counts *c)
{
	const char *s = json_string_value(v);
	size_t		n;

	if (s == NULL)
		return NULL;
	n = lw_utf8_prefix(s, max);
	if (s[n] == '\0')
		return s;
	if (json_string_setn(v, s, n) != 0)
		return NULL;			/* out of memory: the caller treats the field as unusable */
	if (c)
		c->strings_truncated++;
	return json_string_value(v);
}

/* Free text (names, descriptions): as get_str, cut to max bytes. */
static lw_str
get_text(const json_t *obj, const char *key, size_t max, lw_counts *c)
{
	lw_str		r = get_str(obj, key, c);

	if (r.st == LW_SET && (r.v = cut_string(json_object_get(obj, key), max, c)) == NULL)
		r.st = LW_ABSENT;
	return r;
}

/* Identifier-like strings: as get_str, but an over-long one is unusable (absent, counted). */
static lw_str
get_key(const json_t *obj, const char *key, lw_counts *c)
{
	lw_str		r = get_str(obj, key, c);

	if (r.st == LW_SET && strlen(r.v) > LW_MAX_KEY_BYTES)
	{
		bad_field(c);
		r.st = LW_ABSENT;
		r.v = NULL;
	}
	return r;
}

/* Integers; a real with an integral value is accepted. lo/hi bound the accepted range. */
static lw_int
get_int(const json_t *obj, const char *key, long long lo, long long hi, lw_counts *c)
{
	lw_int		r = {LW_ABSENT, 0};
	json_t	   *v = json_object_get(obj, key);

	if (v == NULL)
		return r;
	if (json_is_null(v))
	{
		r.st = LW_NULL;
		return r;
	}
	if (json_is_integer(v))
		r.v = json_integer_value(v);
	else if (json_is_real(v) && isfinite(json_real_value(v)) &&
			 json_real_value(v) == floor(json_real_value(v)) &&
			 fabs(json_real_value(v)) < 9e15)
		r.v = (long long) json_real_value(v);
	else
	{
		bad_field(c);
		return r;
	}
	if (r.v < lo || r.v > hi)
	{
		bad_field(c);
		return r;				/* st stays LW_ABSENT */
	}
	r.st = LW_SET;
	return r;
}

static lw_bool
get_bool(const json_t *obj, const char *key, lw_counts *c)
{
	lw_bool		r;

	r.v = json_is_true(typed_field(obj, key, is_boolean, &r.st, c)) ? true : false;
	return r;
}

/* A string that must be a valid id; anything else is absent (counted unless null). */
static const char *
get_id(const json_t *obj, const char *key, lw_counts *c)
{
	json_t	   *v = json_object_get(obj, key);

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v) || !lw_sp_valid_id(json_string_value(v)))
	{
		bad_field(c);
		return NULL;
	}
	return json_string_value(v);
}

static bool
str_prefix(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * The start of every parser of an object with an id: zero the record (size bytes at out), then
 * the id. NULL when obj is not an object or has no valid id.
 */
static const char *
object_id(const json_t *obj, void *out, size_t size)
{
	memset(out, 0, size);
	return json_is_object(obj) ? get_id(obj, "id", NULL) : NULL;
}

/* ---- parsers ------------------------------------------------------------------------------ */

lw_item_kind
lw_sp_parse_track(const json_t *obj, lw_track *out, lw_counts *counts)
{
	json_t	   *v;
	json_t	   *album;
	json_t	   *artists;
	const char *type;
	const char *uri;
	json_t	   *idv;

	memset(out, 0, sizeof(*out));
	if (obj == NULL || json_is_null(obj))
		return LW_ITEM_NULL;
	if (!json_is_object(obj))
		return LW_ITEM_BAD;

	type = json_string_value(json_object_get(obj, "type"));
	uri = json_string_value(json_object_get(obj, "uri"));
	if ((type && strcmp(type, "episode") == 0) || str_prefix(uri, "spotify:episode:") ||
		json_object_get(obj, "show") != NULL)
		return LW_ITEM_EPISODE;
	if (json_is_true(json_object_get(obj, "is_local")) || str_prefix(uri, "spotify:local:"))
		return LW_ITEM_LOCAL;
	if (type && strcmp(type, "track") != 0)
		return LW_ITEM_BAD;

	idv = json_object_get(obj, "id");
	if (idv == NULL || json_is_null(idv))
		return LW_ITEM_NO_ID;
	if (!json_is_string(idv) || !lw_sp_valid_id(json_string_value(idv)))
		return LW_ITEM_BAD;
	out->id = json_string_value(idv);

	out->name = get_text(obj, "name", LW_MAX_NAME_BYTES, counts);
	out->duration_ms = get_int(obj, "duration_ms", 0, INT_MAX, counts);
	out->explicit_ = get_bool(obj, "explicit", counts);
	out->popularity = get_int(obj, "popularity", 0, 100, counts);

	album = json_object_get(obj, "album");
	if (album && json_is_null(album))
	{
		out->album_id.st = LW_NULL;
		out->album_name.st = LW_NULL;
		out->release_date.st = LW_NULL;
		out->release_date_precision.st = LW_NULL;
	}
	else if (album && json_is_object(album))
	{
		json_t	   *aid = json_object_get(album, "id");

		if (aid && json_is_null(aid))
			out->album_id.st = LW_NULL;
		else if (aid)
		{
			const char *s = get_id(album, "id", counts);

			if (s)
			{
				out->album_id.st = LW_SET;
				out->album_id.v = s;
			}
		}
		out->album_name = get_text(album, "name", LW_MAX_NAME_BYTES, counts);
		out->release_date = get_str(album, "release_date", counts);
		if (out->release_date.st == LW_SET && !valid_release_date(out->release_date.v))
		{
			/* "" or "0000" style garbage: store NULL rather than fail the CHECK */
			bad_field(counts);
			out->release_date.st = LW_NULL;
			out->release_date.v = NULL;
		}
		out->release_date_precision = get_str(album, "release_date_precision", counts);
		if (out->release_date_precision.st == LW_SET &&
			strcmp(out->release_date_precision.v, "year") != 0 &&
			strcmp(out->release_date_precision.v, "month") != 0 &&
			strcmp(out->release_date_precision.v, "day") != 0)
		{
			bad_field(counts);
			out->release_date_precision.st = LW_NULL;
			out->release_date_precision.v = NULL;
		}
	}
	else if (album)
		bad_field(counts);

	v = json_object_get(obj, "external_ids");
	if (v && json_is_object(v))
		out->isrc = get_key(v, "isrc", counts);
	else if (v && !json_is_null(v))
		bad_field(counts);

	artists = json_object_get(obj, "artists");
	if (artists && json_is_array(artists))
	{
		size_t		i;
		json_t	   *a;

		out->artists_present = true;
		json_array_foreach(artists, i, a)
		{
			const char *aid;

			if (!json_is_object(a) || (aid = get_id(a, "id", counts)) == NULL)
			{
				if (json_is_object(a) && json_is_null(json_object_get(a, "id")))
					continue;	/* local-file style artist: nothing to link */
				bad_field(counts);
				continue;
			}
			if (out->n_artists >= LW_MAX_TRACK_ARTISTS)
			{
				if (counts)
					counts->too_many_artists++;
				break;
			}
			out->artists[out->n_artists].id = aid;
			out->artists[out->n_artists].name = cut_string(json_object_get(a, "name"),
														   LW_MAX_NAME_BYTES, counts);
			out->n_artists++;
		}
	}
	else if (artists && !json_is_null(artists))
		bad_field(counts);

	return LW_ITEM_TRACK;
}

lw_item_kind
lw_sp_parse_item(const json_t *obj, long position, lw_item *out, lw_counts *counts)
{
	json_t	   *t;
	json_t	   *by;

	memset(out, 0, sizeof(*out));
	out->position = position;
	if (obj == NULL || json_is_null(obj))
		return out->kind = LW_ITEM_NULL;
	if (!json_is_object(obj))
		return out->kind = LW_ITEM_BAD;

	out->added_at = get_str(obj, "added_at", counts);
	if (out->added_at.st == LW_SET && !lw_sp_valid_timestamp(out->added_at.v))
	{
		bad_field(counts);
		out->added_at.st = LW_NULL;
		out->added_at.v = NULL;
	}
	by = json_object_get(obj, "added_by");
	if (by && json_is_object(by))
	{
		out->added_by = get_key(by, "id", counts);
		if (out->added_by.st == LW_ABSENT)
			out->added_by.st = LW_NULL;
	}
	else if (by && json_is_null(by))
		out->added_by.st = LW_NULL;
	else if (by)
		bad_field(counts);

	t = json_object_get(obj, "item");
	if (t == NULL || json_is_null(t))
		t = json_object_get(obj, "track");
	out->kind = lw_sp_parse_track(t, &out->track, counts);
	/* is_local on the item wins even if the track object looks normal */
	if (out->kind == LW_ITEM_TRACK && json_is_true(json_object_get(obj, "is_local")))
		out->kind = LW_ITEM_LOCAL;
	return out->kind;
}

int
lw_sp_parse_playlist(const json_t *obj, lw_playlist *out, lw_counts *counts)
{
	json_t	   *owner;
	json_t	   *tot;

	out->id = object_id(obj, out, sizeof(*out));
	if (out->id == NULL)
		return -1;
	out->name = get_text(obj, "name", LW_MAX_NAME_BYTES, counts);
	out->snapshot_id = get_key(obj, "snapshot_id", counts);
	out->description = get_text(obj, "description", LW_MAX_TEXT_BYTES, counts);
	out->public_ = get_bool(obj, "public", counts);
	out->collaborative = get_bool(obj, "collaborative", counts);
	owner = json_object_get(obj, "owner");
	if (owner && json_is_object(owner))
	{
		out->owner_id = get_key(owner, "id", counts);
		out->owner_name = get_text(owner, "display_name", LW_MAX_NAME_BYTES, counts);
	}
	else if (owner && json_is_null(owner))
	{
		out->owner_id.st = LW_NULL;
		out->owner_name.st = LW_NULL;
	}
	else if (owner)
		bad_field(counts);

	/* 2026 name "items", historic "tracks"; either may be null in dev mode */
	tot = json_object_get(obj, "items");
	if (tot && json_is_object(tot) && json_object_get(tot, "total"))
		out->total_items = get_int(tot, "total", 0, INT_MAX, counts);
	if (out->total_items.st != LW_SET)
	{
		tot = json_object_get(obj, "tracks");
		if (tot && json_is_object(tot) && json_object_get(tot, "total"))
			out->total_items = get_int(tot, "total", 0, INT_MAX, counts);
	}
	return 0;
}

int
lw_sp_parse_artist(const json_t *obj, lw_artist *out, lw_counts *counts)
{
	/* NULL when obj is not an object */
	json_t	   *f = json_object_get(obj, "followers");
	json_t	   *g = json_object_get(obj, "genres");

	out->id = object_id(obj, out, sizeof(*out));
	if (out->id == NULL)
		return -1;
	out->name = get_text(obj, "name", LW_MAX_NAME_BYTES, counts);
	out->popularity = get_int(obj, "popularity", 0, 100, counts);
	if (f && json_is_object(f))
		out->followers = get_int(f, "total", 0, LLONG_MAX, counts);
	else if (f && json_is_null(f))
		out->followers.st = LW_NULL;
	else if (f)
		bad_field(counts);

	if (g && json_is_array(g))
	{
		size_t		i;
		json_t	   *e;

		out->genres_present = true;
		out->genres = calloc(LW_MAX_ARTIST_GENRES + 1, sizeof(char *));
		if (out->genres == NULL)
			return -1;
		json_array_foreach(g, i, e)
		{
			const char *gs = json_string_value(e);

			if (gs == NULL)
				bad_field(counts);
			else if (gs[0] == '\0' || strlen(gs) > LW_MAX_GENRE_BYTES)
			{
				if (counts)
					counts->genres_dropped++;	/* a cut tag would be another tag */
			}
			else if (out->n_genres == LW_MAX_ARTIST_GENRES)
			{
				if (counts)
					counts->too_many_genres++;
				break;
			}
			else
				out->genres[out->n_genres++] = gs;
		}
	}
	else if (g && json_is_null(g))
		out->genres_null = true;
	else if (g)
		bad_field(counts);
	return 0;
}

void
lw_artist_free(lw_artist *a)
{
	free(a->genres);
	a->genres = NULL;
	a->n_genres = 0;
}

/* A required number of the features object; false when missing or not a number. */
static bool
feat_num(const json_t *obj, const char *key, double *out)
{
	json_t	   *v = json_object_get(obj, key);

	if (v == NULL || !json_is_number(v))
		return false;
	*out = json_number_value(v);
	return isfinite(*out);
}

static bool
feat_intval(const json_t *obj, const char *key, int *out)
{
	double		d;

	if (!feat_num(obj, key, &d) || d != floor(d) || fabs(d) > 1e6)
		return false;
	*out = (int) d;
	return true;
}

lw_features_verdict
lw_sp_parse_features(const json_t *obj, lw_features *out)
{
	memset(out, 0, sizeof(*out));
	if (obj == NULL || json_is_null(obj))
		return LW_FEAT_NULL;
	if (!json_is_object(obj))
		return LW_FEAT_MISSING;
	out->track_id = get_id(obj, "id", NULL);
	if (out->track_id == NULL)
		return LW_FEAT_NO_ID;
	if (!feat_num(obj, "danceability", &out->danceability) ||
		!feat_num(obj, "energy", &out->energy) ||
		!feat_intval(obj, "key", &out->key) ||
		!feat_num(obj, "loudness", &out->loudness) ||
		!feat_intval(obj, "mode", &out->mode) ||
		!feat_num(obj, "speechiness", &out->speechiness) ||
		!feat_num(obj, "acousticness", &out->acousticness) ||
		!feat_num(obj, "instrumentalness", &out->instrumentalness) ||
		!feat_num(obj, "liveness", &out->liveness) ||
		!feat_num(obj, "valence", &out->valence) ||
		!feat_num(obj, "tempo", &out->tempo))
		return LW_FEAT_MISSING;
	/* optional; a bad value there only drops the field */
	out->duration_ms = get_int(obj, "duration_ms", 0, INT_MAX, NULL);
	out->time_signature = get_int(obj, "time_signature", 0, 7, NULL);
	return lw_features_check(out);
}

int
lw_sp_parse_user(const json_t *obj, lw_user *out)
{
	memset(out, 0, sizeof(*out));
	if (!json_is_object(obj))
		return -1;
	/* user ids are not base-62 (they may hold dots, dashes, ...): any non-empty string */
	out->id = json_string_value(json_object_get(obj, "id"));
	if (out->id == NULL || out->id[0] == '\0' || strlen(out->id) > LW_MAX_KEY_BYTES)
		return -1;
	out->account_id = get_key(obj, "account_id", NULL);
	if (out->account_id.st == LW_SET && out->account_id.v[0] == '\0')
		out->account_id.st = LW_NULL;
	out->display_name = get_text(obj, "display_name", LW_MAX_NAME_BYTES, NULL);
	return 0;
}

int
lw_sp_parse_page(const json_t *root, lw_page *out)
{
	json_t	   *v;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(root))
		return -1;
	out->items = json_object_get(root, "items");
	if (out->items == NULL || !json_is_array(out->items))
		return -1;
	v = json_object_get(root, "total");
	out->total = json_is_integer(v) && json_integer_value(v) >= 0 ? (long) json_integer_value(v) : -1;
	v = json_object_get(root, "limit");
	out->limit = json_is_integer(v) && json_integer_value(v) > 0 ? (long) json_integer_value(v) : -1;
	v = json_object_get(root, "offset");
	out->offset = json_is_integer(v) && json_integer_value(v) >= 0 ? (long) json_integer_value(v) : -1;
	/*
	 * Positions are offset + index, stored as integer; total and limit size the page cap. Beyond
	 * INT_MAX they overflowed that arithmetic (found by the fuzz target): not a paging object.
	 */
	if (out->total > INT_MAX || out->limit > INT_MAX ||
		out->offset > INT_MAX - (long) json_array_size(out->items))
		return -1;
	v = json_object_get(root, "next");
	out->next = json_is_string(v) && json_string_value(v)[0] ? json_string_value(v) : NULL;
	return 0;
}
