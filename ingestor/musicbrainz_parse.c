/*
 * musicbrainz_parse.c - MusicBrainz answers: URL lookups (Spotify artist URL -> MBID) and an
 * artist's genres (see enrich_parse.h).
 */
#include "enrich_parse.h"
#include "enrich_parse_int.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

static int
is_mbid(const char *s)
{
	if (s == NULL || strlen(s) != 36)
		return 0;
	for (int i = 0; i < 36; i++)
	{
		char		c = s[i];

		if (i == 8 || i == 13 || i == 18 || i == 23)
		{
			if (c != '-')
				return 0;
		}
		else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return 0;
	}
	return 1;
}

/* One url object's relations -> outcome. */
static void
url_relations(json_t *u, lw_mb_url_answer *a)
{
	json_t	   *rels = json_object_get(u, "relations");
	json_t	   *r;
	size_t		i;
	const char *all[2] = {NULL, NULL};
	const char *active[2] = {NULL, NULL};
	int			n_all = 0,
				n_active = 0;

	memset(a, 0, sizeof(*a));
	json_array_foreach(rels, i, r)
	{
		const char *tt = json_string_value(json_object_get(r, "target-type"));
		const char *id = json_string_value(json_object_get(json_object_get(r, "artist"), "id"));

		if (tt == NULL || strcmp(tt, "artist") != 0 || !is_mbid(id))
			continue;
		if (n_all < 2)
			all[n_all] = id;
		n_all++;
		if (!json_is_true(json_object_get(r, "ended")))
		{
			if (n_active < 2)
				active[n_active] = id;
			n_active++;
		}
	}
	if (n_all == 1 || (n_all > 1 && n_active == 1))
	{
		a->outcome = LW_MB_HIT;
		snprintf(a->mbid, sizeof(a->mbid), "%s", n_all == 1 ? all[0] : active[0]);
	}
	else if (n_all > 1)
	{
		a->outcome = LW_MB_AMBIGUOUS;
		snprintf(a->candidates, sizeof(a->candidates), "%s,%s", all[0], all[1]);
	}
}

int
lw_mb_parse_urls(const char *body, size_t len, const char *const *urls, int n,
				 lw_mb_url_answer *out, char *err, size_t errsz)
{
	json_t	   *doc = lw_enrich_json_load(body, len);
	json_t	   *list;
	json_t	   *u;
	size_t		i;

	memset(out, 0, sizeof(*out) * (size_t) (n > 0 ? n : 0));
	if (!json_is_object(doc))
	{
		snprintf(err, errsz, "answer is not a JSON object");
		json_decref(doc);
		return -1;
	}
	list = json_object_get(doc, "urls");
	if (list == NULL && json_is_string(json_object_get(doc, "resource")))
	{
		/* a single url object: only for a one-resource request */
		list = json_array();
		json_array_append(list, doc);
	}
	else if (json_is_array(list))
		json_incref(list);
	else
	{
		snprintf(err, errsz, "answer is neither a url nor a url list");
		json_decref(doc);
		return -1;
	}
	json_array_foreach(list, i, u)
	{
		const char *res = json_string_value(json_object_get(u, "resource"));

		if (res == NULL)
			continue;
		for (int k = 0; k < n; k++)
			if (strcmp(res, urls[k]) == 0)
			{
				url_relations(u, &out[k]);
				break;
			}
	}
	json_decref(list);
	json_decref(doc);
	return 0;
}

int
lw_mb_parse_artist(const char *body, size_t len, lw_genre_list *out, char *err, size_t errsz)
{
	json_t	   *doc = lw_enrich_json_load(body, len);
	json_t	   *genres;
	json_t	   *g;
	size_t		i;
	const char *id;

	memset(out, 0, sizeof(*out));
	id = json_string_value(json_object_get(doc, "id"));
	if (!json_is_object(doc) || !is_mbid(id))
	{
		snprintf(err, errsz, "answer is not an artist");
		json_decref(doc);
		return -1;
	}
	out->id = lw_strdup(id);
	genres = json_object_get(doc, "genres");
	json_array_foreach(genres, i, g)
	{
		const char *name = json_string_value(json_object_get(g, "name"));
		json_t	   *c = json_object_get(g, "count");

		if (json_is_integer(c) && json_integer_value(c) > 0)
			lw_genre_list_add(out, name, (long) json_integer_value(c));
	}
	lw_genre_list_sort_by_count(out);
	json_decref(doc);
	return 0;
}
