/*
 * lastfm_parse.c - Last.fm's artist.getTopTags answer -> genre-like tags (see enrich_parse.h).
 */
#include "enrich_parse.h"
#include "enrich_parse_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Tags that describe the listener or the act, not the music (compared lower-cased). */
static const char *const noise[] = {
	"seen live", "favorites", "favourites", "favorite", "favourite", "my favorite",
	"female vocalists", "male vocalists", "female vocalist", "male vocalist", "awesome",
	"love", "beautiful", "albums i own", "under 2000 listeners", "spotify", "all", "good",
	"cool", "check out", "amazing", "best", "seen in concert", "my music", NULL
};

int
lw_lfm_tag_is_noise(const char *s)
{
	for (int i = 0; noise[i]; i++)
		if (strcmp(s, noise[i]) == 0)
			return 1;
	return 0;
}

/* A count given as a number or a string of digits; -1 if neither. */
static long
tag_count(json_t *c)
{
	if (json_is_integer(c))
		return (long) json_integer_value(c);
	if (json_is_string(c))
	{
		const char *s = json_string_value(c);
		char	   *end;
		long		v;

		if (*s == '\0')
			return -1;
		v = strtol(s, &end, 10);
		return *end == '\0' ? v : -1;
	}
	return -1;
}

static void
add_tag(lw_genre_list *out, json_t *t, long min_count)
{
	const char *name = json_string_value(json_object_get(t, "name"));
	long		count = tag_count(json_object_get(t, "count"));
	char	   *lower;

	if (name == NULL || count < min_count || strlen(name) > LW_MAX_GENRE_BYTES)
		return;
	lower = strdup(name);
	if (lower == NULL)
		return;
	for (char *p = lower; *p; p++)
		*p = (char) tolower((unsigned char) *p);	/* ASCII only: UTF-8 bytes stay */
	if (!lw_lfm_tag_is_noise(lower))
		lw_genre_list_add(out, lower, count);
	free(lower);
}

int
lw_lfm_parse_toptags(const char *body, size_t len, long min_count, lw_genre_list *out,
					 int *lfm_error, char *err, size_t errsz)
{
	json_t	   *doc = lw_enrich_json_load(body, len);
	json_t	   *top,
			   *tags,
			   *t;
	json_t	   *e;
	size_t		i;
	const char *artist;

	memset(out, 0, sizeof(*out));
	*lfm_error = 0;
	if (!json_is_object(doc))
	{
		snprintf(err, errsz, "answer is not a JSON object");
		json_decref(doc);
		return -1;
	}
	e = json_object_get(doc, "error");
	if (e != NULL)
	{
		*lfm_error = json_is_integer(e) ? (int) json_integer_value(e) : -1;
		json_decref(doc);
		return 1;
	}
	top = json_object_get(doc, "toptags");
	if (!json_is_object(top))
	{
		snprintf(err, errsz, "answer has no \"toptags\"");
		json_decref(doc);
		return -1;
	}
	artist = json_string_value(json_object_get(json_object_get(top, "@attr"), "artist"));
	if (artist)
		out->id = lw_strdup(artist);
	tags = json_object_get(top, "tag");
	if (json_is_object(tags))	/* one tag: an object instead of a list */
		add_tag(out, tags, min_count);
	else
		json_array_foreach(tags, i, t)
			add_tag(out, t, min_count);
	json_decref(doc);
	return 0;
}
