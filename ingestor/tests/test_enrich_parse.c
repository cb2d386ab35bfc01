/*
 * test_enrich_parse.c - the enrichment parsers (enrich_parse.h) on hand-written answers: every
 * shape and oddity of enrichment-sources.md 5.5 a parser must handle.
 */
#include "enrich_parse.h"
#include "lw_test.h"

#include <string.h>

#define S(x) x, strlen(x)

static const char *const ids[3] = {"4uLU6hMCjMI75M1A2tKUQC", "7lmeHLHBe4nmXzuXc0HDjk",
"0000000000000000000000"};

#define FEAT(id, dance) "{\"id\":\"8212bab8-5911-48a0-b177-24923ef2329a\"," \
	"\"href\":\"https://open.spotify.com/track/" id "\",\"acousticness\":0.01," \
	"\"danceability\":" dance ",\"energy\":0.8,\"instrumentalness\":0.0001,\"key\":9," \
	"\"liveness\":0.1,\"loudness\":-5.1,\"mode\":0,\"speechiness\":0.04,\"tempo\":121.9,\"valence\":0.5}"

LW_TEST(rb_matches_by_href_any_order)
{
	lw_rb_answer a[3];
	int			strays,
				invalid;
	char		err[128];
	/* shuffled, a repeat (second ignored), a stray, the third id unknown */
	const char *body = "{\"content\":[" FEAT("7lmeHLHBe4nmXzuXc0HDjk", "0.2") ","
		FEAT("4uLU6hMCjMI75M1A2tKUQC", "0.6") "," FEAT("7lmeHLHBe4nmXzuXc0HDjk", "0.9") ","
		FEAT("5strayStrayStrayStray0", "0.3") "]}";

	CHECK(lw_rb_parse_features(S(body), ids, 3, a, &strays, &invalid, err, sizeof(err)) == 0);
	CHECK(a[0].found && a[1].found && !a[2].found);
	CHECK(a[0].f.danceability == 0.6);
	CHECK(a[1].f.danceability == 0.2);
	CHECK_STR(a[0].f.track_id, ids[0]);
	CHECK_STR(a[0].rb_id, "8212bab8-5911-48a0-b177-24923ef2329a");
	CHECK(a[0].f.key == 9 && a[0].f.mode == 0 && a[0].f.tempo == 121.9);
	CHECK(a[0].f.time_signature.st == LW_ABSENT && a[0].f.duration_ms.st == LW_ABSENT);
	CHECK(strays == 1 && invalid == 0);
}

LW_TEST(rb_missing_null_range_and_shapes)
{
	lw_rb_answer a[3];
	int			strays,
				invalid;
	char		err[128];
	const char *nulls = "{\"content\":[{\"href\":\"https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC\","
		"\"danceability\":null,\"energy\":0.8}," FEAT("7lmeHLHBe4nmXzuXc0HDjk", "1.5") "]}";
	const char *bare = "[" FEAT("0000000000000000000000", "0.5") "]";
	const char *prefix = "{\"content\":[" FEAT("4uLU6hMCjMI75M1A2tKUQC0", "0.5") "]}";

	CHECK(lw_rb_parse_features(S(nulls), ids, 3, a, &strays, &invalid, err, sizeof(err)) == 0);
	CHECK(!a[0].found && !a[1].found && invalid == 2);	/* null is missing, never 0; 1.5 out of range */
	CHECK(lw_rb_parse_features(S("{\"content\":[]}"), ids, 3, a, &strays, &invalid, err, sizeof(err)) == 0);
	CHECK(!a[0].found && !a[1].found && !a[2].found);
	CHECK(lw_rb_parse_features(S(bare), ids, 3, a, &strays, &invalid, err, sizeof(err)) == 0);
	CHECK(a[2].found);
	CHECK(lw_rb_parse_features(S(prefix), ids, 3, a, &strays, &invalid, err, sizeof(err)) == 0);
	CHECK(!a[0].found && strays == 1);	/* an id that merely starts like ours is not ours */
	CHECK(lw_rb_parse_features(S("<html>502</html>"), ids, 3, a, &strays, &invalid, err, sizeof(err)) < 0);
	CHECK(lw_rb_parse_features(S("{\"error\":4004}"), ids, 3, a, &strays, &invalid, err, sizeof(err)) < 0);
}

#define REL(mbid, ended) "{\"type\":\"free streaming\",\"target-type\":\"artist\",\"ended\":" ended \
	",\"artist\":{\"id\":\"" mbid "\",\"name\":\"X\"}}"
#define M1 "b10bbbfc-cf9e-42e0-be17-e2c3e1d2600d"
#define M2 "0c6e1b0e-3f9a-4d2b-9a57-2f0f5d0c7a11"

LW_TEST(mb_urls)
{
	const char *urls[3] = {"https://open.spotify.com/artist/A", "https://open.spotify.com/artist/B",
	"https://open.spotify.com/artist/C"};
	lw_mb_url_answer a[3];
	char		err[128];
	const char *list = "{\"url-count\":3,\"url-offset\":0,\"urls\":["
		"{\"id\":\"u\",\"resource\":\"https://open.spotify.com/artist/C\",\"relations\":[" REL(M1, "false") "," REL(M2, "false") "]},"
		"{\"id\":\"u\",\"resource\":\"https://open.spotify.com/artist/A\",\"relations\":[" REL(M1, "false") "]},"
		"{\"id\":\"u\",\"resource\":\"https://open.spotify.com/artist/B\",\"relations\":[" REL(M1, "true") "," REL(M2, "false") "]}]}";
	const char *single = "{\"id\":\"u\",\"resource\":\"https://open.spotify.com/artist/B\",\"relations\":["
		"{\"target-type\":\"label\",\"label\":{\"id\":\"" M1 "\"}}," REL(M2, "false") "]}";

	CHECK(lw_mb_parse_urls(S(list), urls, 3, a, err, sizeof(err)) == 0);
	CHECK(a[0].outcome == LW_MB_HIT);
	CHECK_STR(a[0].mbid, M1);
	CHECK(a[1].outcome == LW_MB_HIT);	/* one of two links ended: the current one */
	CHECK_STR(a[1].mbid, M2);
	CHECK(a[2].outcome == LW_MB_AMBIGUOUS);
	CHECK_STR(a[2].candidates, M1 "," M2);
	CHECK(lw_mb_parse_urls(S(single), urls, 3, a, err, sizeof(err)) == 0);
	CHECK(a[0].outcome == LW_MB_MISS && a[1].outcome == LW_MB_HIT && a[2].outcome == LW_MB_MISS);
	CHECK_STR(a[1].mbid, M2);	/* relations to other entity types are not artists */
	CHECK(lw_mb_parse_urls(S("{\"url-count\":0,\"url-offset\":0,\"urls\":[]}"), urls, 3, a, err, sizeof(err)) == 0);
	CHECK(a[0].outcome == LW_MB_MISS);
	CHECK(lw_mb_parse_urls(S("<html>Service Temporarily Unavailable</html>"), urls, 3, a, err, sizeof(err)) < 0);
	CHECK(lw_mb_parse_urls(S("{\"error\":\"Not Found\"}"), urls, 3, a, err, sizeof(err)) < 0);
}

LW_TEST(mb_artist)
{
	lw_genre_list g;
	char		err[128];
	const char *body = "{\"id\":\"" M2 "\",\"name\":\"X\",\"genres\":["
		"{\"count\":3,\"name\":\"pop\"},{\"count\":0,\"name\":\"zero\"},{\"count\":7,\"name\":\"rock\"},"
		"{\"count\":3,\"name\":\"indie pop\"},{\"count\":1,\"name\":\"\"}],\"tags\":[{\"count\":9,\"name\":\"british\"}]}";

	CHECK(lw_mb_parse_artist(S(body), &g, err, sizeof(err)) == 0);
	CHECK(g.n == 3);
	if (g.n == 3)
	{
		CHECK_STR(g.v[0].name, "rock");
		CHECK_STR(g.v[1].name, "pop");	/* equal counts keep MusicBrainz's (name) order */
		CHECK_STR(g.v[2].name, "indie pop");
	}
	CHECK_STR(g.id, M2);
	lw_genre_list_free(&g);
	CHECK(lw_mb_parse_artist(S("{\"id\":\"" M1 "\",\"genres\":[]}"), &g, err, sizeof(err)) == 0);
	CHECK(g.n == 0);
	lw_genre_list_free(&g);
	CHECK(lw_mb_parse_artist(S("{\"error\":\"Not Found\",\"help\":\"x\"}"), &g, err, sizeof(err)) < 0);
	CHECK(lw_mb_parse_artist(S("[1,2]"), &g, err, sizeof(err)) < 0);
}

LW_TEST(lastfm_tags)
{
	lw_genre_list g;
	char		err[128];
	int			e;
	const char *body = "{\"toptags\":{\"tag\":[{\"count\":100,\"name\":\"Hard Rock\"},"
		"{\"count\":\"58\",\"name\":\"rock\"},{\"count\":40,\"name\":\"Seen Live\"},"
		"{\"count\":20,\"name\":\"ROCK\"},{\"count\":4,\"name\":\"grunge\"},{\"count\":\"x\",\"name\":\"odd\"}],"
		"\"@attr\":{\"artist\":\"AC/DC\"}}}";

	CHECK(lw_lfm_parse_toptags(S(body), 5, &g, &e, err, sizeof(err)) == 0);
	CHECK(g.n == 2);
	if (g.n == 2)
	{
		CHECK_STR(g.v[0].name, "hard rock");
		CHECK_STR(g.v[1].name, "rock");
		CHECK(g.v[1].count == 58);
	}
	CHECK_STR(g.id, "AC/DC");
	lw_genre_list_free(&g);
	/* one tag: an object, not a list */
	CHECK(lw_lfm_parse_toptags(S("{\"toptags\":{\"tag\":{\"count\":100,\"name\":\"Jazz\"},\"@attr\":{\"artist\":\"Y\"}}}"),
							   5, &g, &e, err, sizeof(err)) == 0);
	CHECK(g.n == 1 && strcmp(g.v[0].name, "jazz") == 0);
	lw_genre_list_free(&g);
	CHECK(lw_lfm_parse_toptags(S("{\"toptags\":{\"tag\":[],\"@attr\":{\"artist\":\"Y\"}}}"), 5, &g, &e, err, sizeof(err)) == 0);
	CHECK(g.n == 0);
	lw_genre_list_free(&g);
	CHECK(lw_lfm_parse_toptags(S("{\"error\":6,\"message\":\"The artist you supplied could not be found\",\"links\":[]}"),
							   5, &g, &e, err, sizeof(err)) == 1 && e == 6);
	CHECK(lw_lfm_parse_toptags(S("{\"error\":10,\"message\":\"Invalid API key\"}"), 5, &g, &e, err, sizeof(err)) == 1 && e == 10);
	CHECK(lw_lfm_parse_toptags(S("<html>502</html>"), 5, &g, &e, err, sizeof(err)) < 0);
	CHECK(lw_lfm_parse_toptags(S("{\"x\":1}"), 5, &g, &e, err, sizeof(err)) < 0);
	CHECK(lw_lfm_tag_is_noise("seen live") && !lw_lfm_tag_is_noise("rock"));
}

int
main(void)
{
	LW_RUN(rb_matches_by_href_any_order);
	LW_RUN(rb_missing_null_range_and_shapes);
	LW_RUN(mb_urls);
	LW_RUN(mb_artist);
	LW_RUN(lastfm_tags);
	LW_TEST_END();
}
