/*
 * reccobeats_parse.c - ReccoBeats' batch audio-features answer -> lw_features per id sent
 * (see enrich_parse.h for the matching rules).
 */
#include "enrich_parse.h"
#include "enrich_parse_int.h"

#include <stdio.h>
#include <string.h>

/* A number field; 0 when missing, null or not a number ("missing", never 0 as a value). */
static int
num(json_t *o, const char *k, double *out)
{
	json_t	   *v = json_object_get(o, k);

	if (!json_is_number(v))
		return 0;
	*out = json_number_value(v);
	return 1;
}

static int
integer(json_t *o, const char *k, int *out)
{
	json_t	   *v = json_object_get(o, k);
	double		d;

	if (json_is_integer(v))
		d = (double) json_integer_value(v);
	else if (json_is_real(v))
		d = json_real_value(v);
	else
		return 0;
	if (d != (double) (int) d)
		return 0;
	*out = (int) d;
	return 1;
}

static int
element_features(json_t *e, lw_features *f)
{
	return num(e, "danceability", &f->danceability) && num(e, "energy", &f->energy) &&
		integer(e, "key", &f->key) && num(e, "loudness", &f->loudness) &&
		integer(e, "mode", &f->mode) && num(e, "speechiness", &f->speechiness) &&
		num(e, "acousticness", &f->acousticness) &&
		num(e, "instrumentalness", &f->instrumentalness) &&
		num(e, "liveness", &f->liveness) && num(e, "valence", &f->valence) &&
		num(e, "tempo", &f->tempo);
}

int
lw_rb_parse_features(const char *body, size_t len, const char *const *ids, int n,
					 lw_rb_answer *out, int *strays, int *invalid, char *err, size_t errsz)
{
	json_t	   *doc = lw_enrich_json_load(body, len);
	json_t	   *content;
	size_t		i;
	json_t	   *e;

	*strays = *invalid = 0;
	memset(out, 0, sizeof(*out) * (size_t) (n > 0 ? n : 0));
	for (int k = 0; k < n; k++)
	{
		out[k].f.track_id = ids[k];
		out[k].f.duration_ms.st = LW_ABSENT;
		out[k].f.time_signature.st = LW_ABSENT;
	}
	if (doc == NULL)
	{
		snprintf(err, errsz, "answer is not JSON");
		return -1;
	}
	/* {"content": [...]}, or a bare array (one documented variant) */
	content = json_is_array(doc) ? doc : json_object_get(doc, "content");
	if (!json_is_array(content))
	{
		snprintf(err, errsz, "answer has no \"content\" list");
		json_decref(doc);
		return -1;
	}
	json_array_foreach(content, i, e)
	{
		const char *href = json_string_value(json_object_get(e, "href"));
		const char *rb = json_string_value(json_object_get(e, "id"));
		int			k;
		lw_features f;

		for (k = 0; k < n; k++)
			if (href && lw_enrich_tail_eq(href, ids[k]))
				break;
		if (k == n)
		{
			(*strays)++;
			continue;
		}
		if (out[k].found)
			continue;			/* a repeat: the first answer wins */
		f = out[k].f;
		if (!json_is_object(e) || !element_features(e, &f) || lw_features_check(&f) != LW_FEAT_OK)
		{
			(*invalid)++;
			continue;
		}
		out[k].f = f;
		out[k].found = 1;
		snprintf(out[k].rb_id, sizeof(out[k].rb_id), "%s", rb ? rb : "");
	}
	json_decref(doc);
	return 0;
}
