/*
 * fuzz_enrich.c - the enrichment services' answers -> records (ingestor/enrich_parse.h):
 * ReccoBeats audio features, MusicBrainz URL lookups and artists, Last.fm top tags.
 *
 * The first byte picks the parser (mod 4); the rest is the answer body. The ids/URLs matched
 * back are fixed. Invariants: a found answer points at the id sent; genre lists hold at most
 * LW_MAX_ARTIST_GENRES non-empty names within LW_MAX_GENRE_BYTES, no duplicates; every string
 * is read (so a dangling pointer trips ASan) and every list freed (LeakSanitizer).
 */
#include <stdint.h>
#include <string.h>

#define FUZZ_QUIET_LOGS
#include "enrich_parse.h"
#include "fuzz.h"

static const char *const ids[3] = {"4uLU6hMCjMI75M1A2tKUQC", "7lmeHLHBe4nmXzuXc0HDjk",
"0000000000000000000000"};
static const char *const urls[3] = {"https://open.spotify.com/artist/0oSGxfWSnnOXhD2fKuz2Gy",
	"https://open.spotify.com/artist/2aDemoArtist00000000Bc",
"https://open.spotify.com/artist/0000000000000000000000"};
static volatile size_t sink;

static void
check_genres(const lw_genre_list *g)
{
	CHECK(g->n >= 0 && g->n <= LW_MAX_ARTIST_GENRES);
	for (int i = 0; i < g->n; i++)
	{
		size_t		n = strlen(g->v[i].name);

		CHECK(n > 0 && n <= LW_MAX_GENRE_BYTES);
		for (int j = 0; j < i; j++)
			CHECK(strcmp(g->v[i].name, g->v[j].name) != 0);
		sink += n;
	}
	if (g->id)
		sink += strlen(g->id);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body;
	size_t		len;
	char		err[128];
	int			which;

	if (size < 1)
		return 0;
	which = data[0] % 4;
	body = (const char *) data + 1;
	len = size - 1;
	if (which == 0)
	{
		lw_rb_answer a[3];
		int			strays,
					invalid;

		if (lw_rb_parse_features(body, len, ids, 3, a, &strays, &invalid, err, sizeof(err)) == 0)
			for (int i = 0; i < 3; i++)
			{
				CHECK(a[i].f.track_id == ids[i]);
				if (a[i].found)
					CHECK(lw_features_check(&a[i].f) == LW_FEAT_OK);
				sink += strlen(a[i].rb_id);
			}
	}
	else if (which == 1)
	{
		lw_mb_url_answer a[3];

		if (lw_mb_parse_urls(body, len, urls, 3, a, err, sizeof(err)) == 0)
			for (int i = 0; i < 3; i++)
			{
				CHECK(a[i].outcome != LW_MB_HIT || strlen(a[i].mbid) == 36);
				sink += strlen(a[i].candidates);
			}
	}
	else if (which == 2)
	{
		lw_genre_list g;

		if (lw_mb_parse_artist(body, len, &g, err, sizeof(err)) == 0)
		{
			check_genres(&g);
			for (int i = 1; i < g.n; i++)
				CHECK(g.v[i - 1].count >= g.v[i].count);
		}
		lw_genre_list_free(&g);
	}
	else
	{
		lw_genre_list g;
		int			e;

		if (lw_lfm_parse_toptags(body, len, 5, &g, &e, err, sizeof(err)) == 0)
		{
			check_genres(&g);
			for (int i = 0; i < g.n; i++)
			{
				CHECK(g.v[i].count >= 5);
				for (const char *p = g.v[i].name; *p; p++)
					CHECK(!(*p >= 'A' && *p <= 'Z'));
			}
		}
		lw_genre_list_free(&g);
	}
	return 0;
}
