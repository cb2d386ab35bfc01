/*
 * spotify.c - Spotify endpoints -> plain records (see spotify.h).
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

#include "spotify.h"
#include "textfix.h"

#define LW_PAGE_LIMIT 50
#define LW_UNKNOWN_PAGE_CAP 100000	/* when a page does not say total/limit */

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

static lw_str
get_str(const json_t *obj, const char *key, lw_counts *c)
{
	lw_str		r = {LW_ABSENT, NULL};
	json_t	   *v = json_object_get(obj, key);

	if (v == NULL)
		return r;
	if (json_is_null(v))
		r.st = LW_NULL;
	else if (json_is_string(v))
	{
		r.st = LW_SET;
		r.v = json_string_value(v);
	}
	else
		bad_field(c);
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
	lw_bool		r = {LW_ABSENT, false};
	json_t	   *v = json_object_get(obj, key);

	if (v == NULL)
		return r;
	if (json_is_null(v))
		r.st = LW_NULL;
	else if (json_is_boolean(v))
	{
		r.st = LW_SET;
		r.v = json_is_true(v);
	}
	else
		bad_field(c);
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

	memset(out, 0, sizeof(*out));
	if (!json_is_object(obj))
		return -1;
	out->id = get_id(obj, "id", NULL);
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
	json_t	   *g;
	json_t	   *f;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(obj))
		return -1;
	out->id = get_id(obj, "id", NULL);
	if (out->id == NULL)
		return -1;
	out->name = get_text(obj, "name", LW_MAX_NAME_BYTES, counts);
	out->popularity = get_int(obj, "popularity", 0, 100, counts);
	f = json_object_get(obj, "followers");
	if (f && json_is_object(f))
		out->followers = get_int(f, "total", 0, LLONG_MAX, counts);
	else if (f && json_is_null(f))
		out->followers.st = LW_NULL;
	else if (f)
		bad_field(counts);

	g = json_object_get(obj, "genres");
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

/* ---- paging guard ------------------------------------------------------------------------- */

void
lw_pager_init(lw_pager *p, const char *api_url)
{
	memset(p, 0, sizeof(*p));
	p->api_url = api_url;
	p->last_offset = -1;
}

static bool
under_base(const char *url, const char *base)
{
	size_t		n = strlen(base);

	if (strncmp(url, base, n) != 0)
		return false;
	return url[n] == '/' || url[n] == '?' || url[n] == '\0';
}

int
lw_pager_next(lw_pager *p, const char *url, const lw_page *page, char **next_out)
{
	*next_out = NULL;
	p->pages++;
	if (p->max_pages == 0)
	{
		if (page->total >= 0 && page->limit > 0)
			p->max_pages = (page->total + page->limit - 1) / page->limit + 1;
		else
			p->max_pages = LW_UNKNOWN_PAGE_CAP;
	}
	if (page->offset >= 0)
	{
		if (p->last_offset >= 0 && page->offset <= p->last_offset)
		{
			snprintf(p->why, sizeof(p->why), "page offset %ld does not advance past %ld",
					 page->offset, p->last_offset);
			return -1;
		}
		p->last_offset = page->offset;
	}
	if (page->next == NULL)
		return 0;
	if (!under_base(page->next, p->api_url))
	{
		snprintf(p->why, sizeof(p->why), "\"next\" link outside the configured API URL");
		return -1;
	}
	if (strcmp(page->next, url) == 0)
	{
		snprintf(p->why, sizeof(p->why), "\"next\" link repeats the current page");
		return -1;
	}
	if (p->pages >= p->max_pages)
	{
		snprintf(p->why, sizeof(p->why), "more than %ld pages (ceil(total/limit)+1)",
				 p->max_pages);
		return -1;
	}
	*next_out = strdup(page->next);
	if (*next_out == NULL)
	{
		snprintf(p->why, sizeof(p->why), "out of memory");
		return -1;
	}
	return 1;
}

/* ---- endpoints ---------------------------------------------------------------------------- */

static int
api_fetch(void *ctx, const char *path_or_url, json_t **out, lw_api_result *res)
{
	return lw_api_get_json((lw_api *) ctx, path_or_url, out, res);
}

void
lw_spotify_init(lw_spotify *sp, lw_api *api, const char *api_url, lw_counts *counts)
{
	memset(sp, 0, sizeof(*sp));
	sp->api_url = api_url;
	sp->fetch = api_fetch;
	sp->fetch_ctx = api;
	sp->counts = counts;
}

const char *
lw_sp_status_name(lw_sp_status st)
{
	switch (st)
	{
		case LW_SP_OK:
			return "ok";
		case LW_SP_STOPPED:
			return "stopped";
		case LW_SP_UNAVAILABLE:
			return "unavailable";
		case LW_SP_RATE_LIMITED:
			return "rate limited";
		case LW_SP_NEEDS_LOGIN:
			return "needs login";
		case LW_SP_CONFIG:
			return "configuration error";
		case LW_SP_FAILED:
			return "failed";
		case LW_SP_BAD_PAGING:
			return "bad paging";
	}
	return "?";
}

static lw_sp_status
set_err(lw_sp_error *err, lw_sp_status st, long http, const char *msg)
{
	if (err)
	{
		err->status = st;
		err->http_status = http;
		snprintf(err->message, sizeof(err->message), "%s", msg ? msg : "");
	}
	return st;
}

/* One GET; maps the api result to a status. On LW_SP_OK *out is a JSON value (never NULL). */
static lw_sp_status
get(lw_spotify *sp, const char *url, json_t **out, lw_sp_error *err)
{
	lw_api_result res;
	lw_sp_status st;

	memset(&res, 0, sizeof(res));
	*out = NULL;
	if (sp->counts)
		sp->counts->requests++;
	if (sp->fetch(sp->fetch_ctx, url, out, &res) == 0)
	{
		if (sp->counts)
			sp->counts->strings_repaired += res.strings_repaired;
		if (*out == NULL)
			return set_err(err, LW_SP_FAILED, res.http_status, "empty response body");
		return LW_SP_OK;
	}
	switch (res.status)
	{
		case LW_API_HTTP_ERROR:
			st = (res.http_status == 403 || res.http_status == 404) ? LW_SP_UNAVAILABLE
				: LW_SP_FAILED;
			break;
		case LW_API_RATE_LIMITED:
			st = LW_SP_RATE_LIMITED;
			break;
		case LW_API_NEEDS_LOGIN:
			st = LW_SP_NEEDS_LOGIN;
			break;
		case LW_API_CONFIG_ERROR:
			st = LW_SP_CONFIG;
			break;
		default:
			st = LW_SP_FAILED;
			break;
	}
	return set_err(err, st, res.http_status, res.message[0] ? res.message : "request failed");
}

typedef int (*page_fn) (lw_spotify *sp, const lw_page *page, void *ctx);

/* Follow a paging object from first_path to its end; page_fn parses and calls back. */
static lw_sp_status
walk(lw_spotify *sp, const char *first_path, page_fn fn, void *ctx, lw_sp_error *err)
{
	/* absolute from the start, so a "next" pointing back at page 1 is seen as a repeat */
	char	   *url = malloc(strlen(sp->api_url) + strlen(first_path) + 1);
	lw_pager	pager;
	lw_sp_status st = LW_SP_OK;

	if (url)
		sprintf(url, "%s%s", sp->api_url, first_path);
	if (url == NULL)
		return set_err(err, LW_SP_FAILED, 0, "out of memory");
	lw_pager_init(&pager, sp->api_url);
	for (;;)
	{
		json_t	   *root;
		lw_page		page;
		char	   *next = NULL;
		int			r;

		st = get(sp, url, &root, err);
		if (st != LW_SP_OK)
			break;
		if (lw_sp_parse_page(root, &page) != 0)
		{
			json_decref(root);
			st = set_err(err, LW_SP_FAILED, 200, "response is not a paging object");
			break;
		}
		if (sp->counts)
			sp->counts->pages++;
		r = fn(sp, &page, ctx);
		if (r != 0)
		{
			json_decref(root);
			st = r > 0 ? LW_SP_STOPPED : set_err(err, LW_SP_FAILED, 0, "could not store a page");
			break;
		}
		r = lw_pager_next(&pager, url, &page, &next);
		json_decref(root);
		if (r <= 0)
		{
			if (r < 0)
				st = set_err(err, LW_SP_BAD_PAGING, 200, pager.why);
			break;
		}
		free(url);
		url = next;
	}
	free(url);
	return st;
}

lw_sp_status
lw_sp_me(lw_spotify *sp, lw_user *out, json_t **keep, lw_sp_error *err)
{
	lw_sp_status st = get(sp, "/me", keep, err);

	if (st != LW_SP_OK)
		return st;
	if (lw_sp_parse_user(*keep, out) != 0)
	{
		json_decref(*keep);
		*keep = NULL;
		return set_err(err, LW_SP_FAILED, 200, "/me answered without a usable user id");
	}
	return LW_SP_OK;
}

typedef struct cb_ctx
{
	void	   *cb;
	void	   *ctx;
} cb_ctx;

static int
playlists_page(lw_spotify *sp, const lw_page *page, void *arg)
{
	cb_ctx	   *c = arg;
	size_t		n = json_array_size(page->items);
	lw_playlist *pl = calloc(n ? n : 1, sizeof(*pl));
	int			k = 0;
	int			r;

	if (pl == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
	{
		if (lw_sp_parse_playlist(json_array_get(page->items, i), &pl[k], sp->counts) == 0)
			k++;
		else if (sp->counts)
			sp->counts->bad_fields++;
	}
	r = ((lw_playlists_cb) c->cb) (c->ctx, pl, k, page->total);
	free(pl);
	return r;
}

lw_sp_status
lw_sp_playlists(lw_spotify *sp, lw_playlists_cb cb, void *ctx, lw_sp_error *err)
{
	cb_ctx		c = {(void *) cb, ctx};

	return walk(sp, "/me/playlists?limit=50", playlists_page, &c, err);
}

static int
items_page(lw_spotify *sp, const lw_page *page, void *arg)
{
	cb_ctx	   *c = arg;
	size_t		n = json_array_size(page->items);
	lw_item    *items = calloc(n ? n : 1, sizeof(*items));
	long		base = page->offset >= 0 ? page->offset : 0;
	int			r;

	if (items == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
	{
		lw_item_kind k = lw_sp_parse_item(json_array_get(page->items, i), base + (long) i,
										  &items[i], sp->counts);

		if (sp->counts)
			lw_counts_skip(sp->counts, k);
	}
	r = ((lw_items_cb) c->cb) (c->ctx, items, (int) n, page->total);
	free(items);
	return r;
}

lw_sp_status
lw_sp_playlist_items(lw_spotify *sp, const char *playlist_id, lw_items_cb cb, void *ctx,
					 lw_sp_error *err)
{
	char		path[256];
	cb_ctx		c = {(void *) cb, ctx};

	if (!lw_sp_valid_id(playlist_id))
		return set_err(err, LW_SP_FAILED, 0, "invalid playlist id");
	snprintf(path, sizeof(path), "/playlists/%s/items?limit=%d&additional_types=track,episode",
			 playlist_id, LW_PAGE_LIMIT);
	return walk(sp, path, items_page, &c, err);
}

lw_sp_status
lw_sp_liked(lw_spotify *sp, lw_items_cb cb, void *ctx, lw_sp_error *err)
{
	cb_ctx		c = {(void *) cb, ctx};

	return walk(sp, "/me/tracks?limit=50", items_page, &c, err);
}

/* "/prefix?ids=a,b,c" into a malloc'ed string; ids are validated base-62. */
static char *
ids_path(const char *prefix, const char *const *ids, int n)
{
	size_t		len = strlen(prefix) + 8;
	char	   *s;
	char	   *p;

	for (int i = 0; i < n; i++)
		len += strlen(ids[i]) + 1;
	s = malloc(len);
	if (s == NULL)
		return NULL;
	p = s + sprintf(s, "%s?ids=", prefix);
	for (int i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? "," : "", ids[i]);
	return s;
}

static lw_sp_status
artists_from_array(lw_spotify *sp, const json_t *arr, lw_artists_cb cb, void *ctx,
				   lw_sp_error *err)
{
	size_t		n = json_array_size(arr);
	lw_artist  *a = calloc(n ? n : 1, sizeof(*a));
	int			k = 0;
	int			r;

	if (a == NULL)
		return set_err(err, LW_SP_FAILED, 0, "out of memory");
	for (size_t i = 0; i < n; i++)
	{
		json_t	   *e = json_array_get(arr, i);

		if (json_is_null(e))
			continue;			/* unknown id: the caller counts it missing */
		if (lw_sp_parse_artist(e, &a[k], sp->counts) == 0)
			k++;
		else
		{
			lw_artist_free(&a[k]);
			if (sp->counts)
				sp->counts->bad_fields++;
		}
	}
	r = cb(ctx, a, k);
	for (int i = 0; i < k; i++)
		lw_artist_free(&a[i]);
	free(a);
	if (r < 0)
		return set_err(err, LW_SP_FAILED, 0, "could not store artists");
	return r > 0 ? LW_SP_STOPPED : LW_SP_OK;
}

lw_sp_status
lw_sp_artists(lw_spotify *sp, const char *const *ids, int n, lw_artists_cb cb, void *ctx,
			  lw_sp_error *err)
{
	char	   *path;
	json_t	   *root;
	json_t	   *arr;
	lw_sp_status st;

	if (n <= 0)
		return LW_SP_OK;
	if (n > 50)
		return set_err(err, LW_SP_FAILED, 0, "too many artist ids for one request");
	path = ids_path("/artists", ids, n);
	if (path == NULL)
		return set_err(err, LW_SP_FAILED, 0, "out of memory");
	st = get(sp, path, &root, err);
	free(path);
	if (st != LW_SP_OK)
		return st;
	arr = json_object_get(root, "artists");
	if (!json_is_array(arr))
		st = set_err(err, LW_SP_FAILED, 200, "/artists answered without an \"artists\" array");
	else
		st = artists_from_array(sp, arr, cb, ctx, err);
	json_decref(root);
	return st;
}

lw_sp_status
lw_sp_artists_each(lw_spotify *sp, const char *const *ids, int n, lw_artists_cb cb, void *ctx,
				   int *done, lw_sp_error *err)
{
	json_t	   *arr = json_array();
	lw_sp_status st = LW_SP_OK;
	int			i;

	*done = 0;
	if (arr == NULL)
		return set_err(err, LW_SP_FAILED, 0, "out of memory");
	for (i = 0; i < n; i++)
	{
		char		path[128];
		json_t	   *root;
		lw_sp_status s;

		if (!lw_sp_valid_id(ids[i]))
			continue;
		snprintf(path, sizeof(path), "/artists/%s", ids[i]);
		s = get(sp, path, &root, err);
		if (s == LW_SP_OK)
			json_array_append_new(arr, root);
		else if (!(s == LW_SP_UNAVAILABLE && err && err->http_status == 404))
		{
			st = s;				/* 404 = unknown artist: asked, nothing to load */
			break;
		}
	}
	*done = i;
	if (json_array_size(arr) > 0)
	{
		lw_sp_error e2;
		lw_sp_status s2 = artists_from_array(sp, arr, cb, ctx, &e2);

		if (s2 != LW_SP_OK && st == LW_SP_OK)
		{
			st = s2;
			if (err)
				*err = e2;
		}
	}
	json_decref(arr);
	return st;
}

lw_sp_status
lw_sp_audio_features(lw_spotify *sp, const char *const *ids, int n, lw_features_cb cb,
					 void *ctx, lw_sp_error *err)
{
	char	   *path;
	json_t	   *root;
	json_t	   *arr;
	lw_features *f;
	lw_sp_status st;
	size_t		m;
	int			k = 0;
	int			r;

	if (n <= 0)
		return LW_SP_OK;
	if (n > 100)
		return set_err(err, LW_SP_FAILED, 0, "too many track ids for one request");
	path = ids_path("/audio-features", ids, n);
	if (path == NULL)
		return set_err(err, LW_SP_FAILED, 0, "out of memory");
	st = get(sp, path, &root, err);
	free(path);
	if (st != LW_SP_OK)
		return st;
	arr = json_object_get(root, "audio_features");
	if (!json_is_array(arr))
	{
		json_decref(root);
		return set_err(err, LW_SP_FAILED, 200,
					   "/audio-features answered without an \"audio_features\" array");
	}
	m = json_array_size(arr);
	f = calloc(m ? m : 1, sizeof(*f));
	if (f == NULL)
	{
		json_decref(root);
		return set_err(err, LW_SP_FAILED, 0, "out of memory");
	}
	for (size_t i = 0; i < m; i++)
	{
		lw_features_verdict v = lw_sp_parse_features(json_array_get(arr, i), &f[k]);

		if (v == LW_FEAT_OK)
			k++;
		else if (sp->counts && v == LW_FEAT_NULL)
			sp->counts->features_null++;
		else if (sp->counts)
			sp->counts->features_invalid++;
	}
	r = cb(ctx, f, k);
	free(f);
	json_decref(root);
	if (r < 0)
		return set_err(err, LW_SP_FAILED, 0, "could not store audio features");
	return r > 0 ? LW_SP_STOPPED : LW_SP_OK;
}
