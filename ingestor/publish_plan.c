/*
 * publish_plan.c - the pure half of `lw-ingest publish` (see publish_plan.h).
 */
#include "publish_plan.h"
#include "spotify.h"
#include "textfix.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define URI_PREFIX "spotify:track:"
#define SOURCE_MAX_BYTES 80

/* A Spotify track id: 22 base-62 characters (the form Spotify accepts in a track URI). */
static bool
spotify_track_id(const char *id)
{
	return id != NULL && strlen(id) == 22 && lw_sp_valid_id(id);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Entries of sorted a[] missing from sorted b[] (multiset difference). */
static int
missing_from(char **a, int na, char **b, int nb)
{
	int			i = 0,
				j = 0,
				n = 0;

	while (i < na)
	{
		int			c = j < nb ? strcmp(a[i], b[j]) : -1;

		if (c == 0)
			i++, j++;
		else if (c < 0)
			i++, n++;
		else
			j++;
	}
	return n;
}

int
lw_publish_plan_build(const char *const *ids, int n, const char *const *published,
					  int n_published, lw_publish_plan *out)
{
	memset(out, 0, sizeof(*out));
	out->uris = lw_xmalloc(sizeof(char *) * (size_t) (n > 0 ? n : 1));
	for (int i = 0; i < n; i++)
	{
		if (!spotify_track_id(ids[i]))
		{
			out->skipped++;
			continue;
		}
		out->uris[out->n_uris] = lw_xmalloc(sizeof(URI_PREFIX) + 22);
		snprintf(out->uris[out->n_uris], sizeof(URI_PREFIX) + 22, URI_PREFIX "%s", ids[i]);
		out->n_uris++;
	}
	if (n_published < 0)
	{
		out->added = out->n_uris;
		return 0;
	}
	out->unchanged = n_published == out->n_uris;
	for (int i = 0; out->unchanged && i < out->n_uris; i++)
		out->unchanged = strcmp(out->uris[i], published[i]) == 0;
	{
		char	  **a = lw_xmalloc(sizeof(char *) * (size_t) (out->n_uris + 1));
		char	  **b = lw_xmalloc(sizeof(char *) * (size_t) (n_published + 1));

		if (out->n_uris > 0)
			memcpy(a, out->uris, sizeof(char *) * (size_t) out->n_uris);
		if (n_published > 0)
			memcpy(b, published, sizeof(char *) * (size_t) n_published);
		qsort(a, (size_t) out->n_uris, sizeof(char *), cmp_str);
		qsort(b, (size_t) n_published, sizeof(char *), cmp_str);
		out->added = missing_from(a, out->n_uris, b, n_published);
		out->dropped = missing_from(b, n_published, a, out->n_uris);
		free(a);
		free(b);
	}
	return 0;
}

void
lw_publish_plan_free(lw_publish_plan *p)
{
	for (int i = 0; i < p->n_uris; i++)
		free(p->uris[i]);
	free(p->uris);
	memset(p, 0, sizeof(*p));
}

int
lw_publish_requests(int n_uris)
{
	return n_uris <= LW_PUBLISH_CHUNK ? 1 : (n_uris + LW_PUBLISH_CHUNK - 1) / LW_PUBLISH_CHUNK;
}

void
lw_publish_request_range(int n_uris, int k, int *first, int *count)
{
	*first = k * LW_PUBLISH_CHUNK;
	*count = n_uris - *first;
	if (*count > LW_PUBLISH_CHUNK)
		*count = LW_PUBLISH_CHUNK;
	if (*count < 0)
		*count = 0;
}

char *
lw_publish_array_literal(char *const *uris, int n)
{
	lw_buf		b = {0};

	lw_buf_puts(&b, "{");
	for (int i = 0; i < n; i++)
	{
		if (i > 0)
			lw_buf_puts(&b, ",");
		lw_buf_puts(&b, uris[i]);
	}
	lw_buf_puts(&b, "}");
	return b.data;
}

char *
lw_publish_description(const char *source, int n, const char *marker, int64_t now)
{
	lw_buf		b = {0};
	time_t		t = (time_t) now;
	struct tm	tm;
	char		when[32] = "unknown time";
	size_t		cut = lw_utf8_prefix(source, SOURCE_MAX_BYTES);

	if (gmtime_r(&t, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	lw_buf_printf(&b, "More like your playlist %.*s%s: the %d best tracks of listen_wiseer "
				  "recommend(), published by lw-ingest publish on %s. " LW_PUBLISH_MARKER_PREFIX "%s",
				  (int) cut, source, cut < strlen(source) ? "..." : "", n, when, marker);
	return b.data;
}

bool
lw_publish_has_marker(const char *description, const char *marker)
{
	const char *p;
	size_t		plen = strlen(LW_PUBLISH_MARKER_PREFIX);
	size_t		mlen = strlen(marker);

	if (description == NULL || mlen == 0)
		return false;
	for (p = strstr(description, LW_PUBLISH_MARKER_PREFIX); p;
		 p = strstr(p + 1, LW_PUBLISH_MARKER_PREFIX))
	{
		const char *m = p + plen;

		/* the whole marker, not a prefix of a longer one */
		if (strncmp(m, marker, mlen) == 0 &&
			!((m[mlen] >= '0' && m[mlen] <= '9') || (m[mlen] >= 'a' && m[mlen] <= 'z')))
			return true;
	}
	return false;
}
