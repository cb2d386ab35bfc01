/*
 * enrich_parse.c - what the three enrichment parsers share: loading repaired JSON and the
 * genre list (see enrich_parse.h).
 */
#include "enrich_parse.h"
#include "enrich_parse_int.h"
#include "textfix.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

json_t *
lw_enrich_json_load(const char *body, size_t len)
{
	char	   *fixed = NULL;
	size_t		fixed_len = 0;
	json_t	   *j;

	if (body == NULL)
		return NULL;
	if (lw_json_repair(body, len, &fixed, &fixed_len, NULL) == 1)
	{
		j = json_loadb(fixed, fixed_len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
		free(fixed);
	}
	else
		j = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
	return j;
}

void
lw_genre_list_free(lw_genre_list *g)
{
	for (int i = 0; i < g->n; i++)
		free(g->v[i].name);
	free(g->v);
	free(g->id);
	memset(g, 0, sizeof(*g));
}

int
lw_genre_list_add(lw_genre_list *g, const char *name, long count)
{
	size_t		len = name ? strlen(name) : 0;

	if (len == 0 || len > LW_MAX_GENRE_BYTES || g->n >= LW_MAX_ARTIST_GENRES)
		return 0;
	for (int i = 0; i < g->n; i++)
		if (strcmp(g->v[i].name, name) == 0)
			return 0;
	if (g->v == NULL)
		g->v = lw_xmalloc(sizeof(lw_genre) * LW_MAX_ARTIST_GENRES);
	g->v[g->n].name = lw_strdup(name);
	g->v[g->n].count = count;
	g->n++;
	return 1;
}

/* Stable: equal counts keep their order. */
void
lw_genre_list_sort_by_count(lw_genre_list *g)
{
	for (int i = 1; i < g->n; i++)
	{
		lw_genre	x = g->v[i];
		int			j = i - 1;

		while (j >= 0 && g->v[j].count < x.count)
		{
			g->v[j + 1] = g->v[j];
			j--;
		}
		g->v[j + 1] = x;
	}
}

const char *
lw_enrich_url_tail(const char *url)
{
	const char *end,
			   *start;

	if (url == NULL)
		return NULL;
	end = url + strcspn(url, "?#");
	while (end > url && end[-1] == '/')
		end--;
	start = end;
	while (start > url && start[-1] != '/')
		start--;
	return start < end ? start : NULL;
}

int
lw_enrich_tail_eq(const char *url, const char *id)
{
	const char *t = lw_enrich_url_tail(url);
	size_t		n = strlen(id);

	if (t == NULL || strncmp(t, id, n) != 0)
		return 0;
	return t[n] == '\0' || t[n] == '?' || t[n] == '#' || t[n] == '/';
}
