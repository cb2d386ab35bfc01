/* Unit tests: hostile text. lw_json_repair (invalid UTF-8 -> U+FFFD per maximal subpart, lone
 * surrogate escapes -> \uFFFD, \u0000 removed, only inside strings, counted per string),
 * lw_utf8_prefix, and the parsers' limits (names cut at a character boundary, over-long keys
 * absent, genres dropped or capped) on documents that went through the repair. */
#include "lw_test.h"
#include "spotify_parse.h"
#include "textfix.h"

#include <stdlib.h>

/* Repair text (a C string literal may hold NUL bytes: pass its size) and compare. */
static void
check_fix(const char *in, size_t len, const char *want, long want_strings, const char *what)
{
	char	   *out = NULL;
	size_t		out_len = 0;
	long		n = -1;
	int			r = lw_json_repair(in, len, &out, &out_len, &n);

	lw_t_current = what;
	if (want == NULL)
	{
		CHECK_INT(r, 0);
		CHECK(out == NULL);
	}
	else
	{
		CHECK_INT(r, 1);
		CHECK(out != NULL && out_len == strlen(want) && memcmp(out, want, out_len) == 0);
		if (out && (out_len != strlen(want) || memcmp(out, want, out_len) != 0))
			printf("  got [%.*s] want [%s]\n", (int) out_len, out, want);
		CHECK(out == NULL || out[out_len] == '\0');
	}
	CHECK_INT(n, want_strings);
	free(out);
}

#define FIX(in, want, n) check_fix(in, sizeof(in) - 1, want, n, #in)

LW_TEST(repair_clean_text_untouched)
{
	FIX("{\"a\": \"plain\", \"b\": [1, 2.5e3, true, null]}", NULL, 0);
	FIX("{\"q\": \"it's \\\"quoted\\\" \\\\ back%slash_\"}", NULL, 0);
	/* valid multi-byte UTF-8 of every length, and a valid escaped surrogate pair */
	FIX("{\"n\": \"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x8E\xB5 \\ud83c\\udfb5 \\u00e9\"}", NULL, 0);
	FIX("", NULL, 0);
}

LW_TEST(repair_invalid_utf8)
{
	/* a stray continuation byte, an invalid lead byte, two strings: counted once each */
	FIX("{\"a\": \"x\x80y\", \"b\": \"\xFF\xFE\"}",
		"{\"a\": \"x\xEF\xBF\xBDy\", \"b\": \"\xEF\xBF\xBD\xEF\xBF\xBD\"}", 2);
	/* truncated 3-byte sequence: its maximal subpart (2 bytes) is one U+FFFD */
	FIX("[\"\xE2\x82z\"]", "[\"\xEF\xBF\xBDz\"]", 1);
	/* overlong '/', UTF-8-encoded surrogate, past U+10FFFF: each byte on its own */
	FIX("[\"\xC0\xAF\"]", "[\"\xEF\xBF\xBD\xEF\xBF\xBD\"]", 1);
	FIX("[\"\xED\xA0\x80\"]", "[\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"]", 1);
	FIX("[\"\xF4\x90\x80\x80\"]",
		"[\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"]", 1);
	/* a sequence cut by the end of the string: the quote is not swallowed */
	FIX("[\"ab\xF0\x9F\x8E\", \"ok\"]", "[\"ab\xEF\xBF\xBD\", \"ok\"]", 1);
	/* a key is a string too */
	FIX("{\"k\xFF\": 1}", "{\"k\xEF\xBF\xBD\": 1}", 1);
}

LW_TEST(repair_escapes)
{
	FIX("[\"a\\u0000b\"]", "[\"ab\"]", 1);
	FIX("[\"\\u0000\\u0000\"]", "[\"\"]", 1);
	FIX("{\"a\\u0000b\": 1}", "{\"ab\": 1}", 1);
	FIX("[\"x\\ud800y\"]", "[\"x\\uFFFDy\"]", 1);
	FIX("[\"x\\uDC00y\"]", "[\"x\\uFFFDy\"]", 1);
	FIX("[\"\\ud800\\ud800\\udc00\"]", "[\"\\uFFFD\\ud800\\udc00\"]", 1);
	FIX("[\"\\ud800\"]", "[\"\\uFFFD\"]", 1);
	/* an escaped backslash followed by "u0000" is text, not an escape */
	FIX("[\"\\\\u0000\"]", NULL, 0);
	/* other escapes are kept; a malformed \u is left for the parser to refuse */
	FIX("[\"\\n\\t\\/\\\"\"]", NULL, 0);
	FIX("[\"\\u12G4\"]", NULL, 0);
}

LW_TEST(repair_leaves_structure_alone)
{
	/* bytes outside strings and control characters inside them are not "repaired" */
	FIX("[1, \xFF 2]", NULL, 0);
	FIX("[\"a\tb\"]", NULL, 0);
	check_fix("[\"a\0b\"]", 6, NULL, 0, "raw NUL byte");
	/* a cut-off document: no read past the end */
	FIX("[\"abc\\", NULL, 0);
	FIX("[\"abc\\u00", NULL, 0);
	FIX("[\"\\ud800\\u", "[\"\\uFFFD\\u", 1);
	FIX("[\"\xE2", "[\"\xEF\xBF\xBD", 1);
}

LW_TEST(repaired_document_parses)
{
	const char	doc[] = "{\"items\": [{\"id\": \"t1\", \"name\": \"o\\u0000k\"},"
		" {\"id\": \"t2\", \"name\": \"bad \xC3 byte\"}, {\"id\": \"t3\", \"name\": \"\\udfff\"}]}";
	char	   *fixed;
	size_t		len;
	long		n;
	json_t	   *j;
	json_error_t e;
	lw_track	t;

	j = json_loadb(doc, sizeof(doc) - 1, 0, &e);
	CHECK(j == NULL);			/* jansson alone loses the whole page */
	CHECK_INT(lw_json_repair(doc, sizeof(doc) - 1, &fixed, &len, &n), 1);
	CHECK_INT(n, 3);
	j = json_loadb(fixed, len, 0, &e);
	CHECK(j != NULL);
	if (j)
	{
		json_t	   *items = json_object_get(j, "items");

		CHECK_INT(lw_sp_parse_track(json_array_get(items, 0), &t, NULL), LW_ITEM_TRACK);
		CHECK_STR(t.name.v, "ok");
		CHECK_INT(lw_sp_parse_track(json_array_get(items, 1), &t, NULL), LW_ITEM_TRACK);
		CHECK_STR(t.name.v, "bad \xEF\xBF\xBD byte");
		CHECK_INT(lw_sp_parse_track(json_array_get(items, 2), &t, NULL), LW_ITEM_TRACK);
		CHECK_STR(t.name.v, "\xEF\xBF\xBD");
		json_decref(j);
	}
	free(fixed);
}

LW_TEST(utf8_prefix)
{
	CHECK_INT(lw_utf8_prefix("abc", 10), 3);
	CHECK_INT(lw_utf8_prefix("abc", 3), 3);
	CHECK_INT(lw_utf8_prefix("abcd", 3), 3);
	CHECK_INT(lw_utf8_prefix("ab\xC3\xA9", 3), 2);	/* never half of 'é' */
	CHECK_INT(lw_utf8_prefix("a\xF0\x9F\x8E\xB5", 4), 1);
	CHECK_INT(lw_utf8_prefix("a\xF0\x9F\x8E\xB5", 5), 5);
	CHECK_INT(lw_utf8_prefix("\xE2\x82\xAC", 0), 0);
}

/* A JSON text with a name of n bytes: 'a' then repeated 'é' (2 bytes each). */
static char *
long_name_doc(const char *fmt, size_t n)
{
	char	   *name = malloc(n + 1);
	char	   *doc;
	size_t		i = 0;

	name[i++] = 'a';
	while (i + 2 <= n)
	{
		name[i++] = '\xC3';
		name[i++] = '\xA9';
	}
	name[i] = '\0';
	doc = malloc(strlen(fmt) + i + 1);
	sprintf(doc, fmt, name);
	free(name);
	return doc;
}

LW_TEST(names_cut_at_limit)
{
	char	   *text = long_name_doc("{\"id\": \"trk1\", \"name\": \"%s\", \"album\": {\"id\": \"al\","
									 " \"name\": \"short\"}, \"artists\": [{\"id\": \"ar\", \"name\":"
									 " \"x\"}]}", 1000001);
	json_t	   *j = json_loads(text, 0, NULL);
	lw_track	t;
	lw_counts	c = {0};

	CHECK_INT(lw_sp_parse_track(j, &t, &c), LW_ITEM_TRACK);
	/* 'a' + 511 x 'é' = 1023 bytes: the 1024th byte would split a character */
	CHECK_INT(strlen(t.name.v), LW_MAX_NAME_BYTES - 1);
	CHECK(memcmp(t.name.v, "a\xC3\xA9\xC3\xA9", 5) == 0);
	CHECK_STR(t.album_name.v, "short");
	CHECK_INT(c.strings_truncated, 1);
	CHECK_INT(c.bad_fields, 0);
	/* parsing again (same document) finds nothing more to cut */
	CHECK_INT(lw_sp_parse_track(j, &t, &c), LW_ITEM_TRACK);
	CHECK_INT(c.strings_truncated, 1);
	json_decref(j);
	free(text);

	text = long_name_doc("{\"id\": \"pl1\", \"name\": \"%s\", \"snapshot_id\": \"s1\"}", 5000);
	j = json_loads(text, 0, NULL);
	{
		lw_playlist p;

		memset(&c, 0, sizeof(c));
		CHECK_INT(lw_sp_parse_playlist(j, &p, &c), 0);
		CHECK(strlen(p.name.v) <= LW_MAX_NAME_BYTES);
		CHECK_INT(c.strings_truncated, 1);
		CHECK_STR(p.snapshot_id.v, "s1");
	}
	json_decref(j);
	free(text);

	/* an over-long snapshot id or ISRC is unusable, not cut */
	text = long_name_doc("{\"id\": \"pl1\", \"name\": \"n\", \"snapshot_id\": \"%s\"}", 300);
	j = json_loads(text, 0, NULL);
	{
		lw_playlist p;

		memset(&c, 0, sizeof(c));
		CHECK_INT(lw_sp_parse_playlist(j, &p, &c), 0);
		CHECK_INT(p.snapshot_id.st, LW_ABSENT);
		CHECK_INT(c.bad_fields, 1);
		CHECK_INT(c.strings_truncated, 0);
	}
	json_decref(j);
	free(text);
}

LW_TEST(genres_limits)
{
	char	   *text = malloc(300000);
	size_t		n = 0;
	json_t	   *j;
	lw_artist	a;
	lw_counts	c = {0};
	char		big[LW_MAX_GENRE_BYTES + 2];

	memset(big, 'g', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	n += sprintf(text + n, "{\"id\": \"ar1\", \"name\": \"A\", \"genres\": [\"\", \"%s\", \"%.*s\"", big,
				 LW_MAX_GENRE_BYTES, big);
	for (int i = 0; i < 10000; i++)
		n += sprintf(text + n, ", \"genre %d\"", i);
	sprintf(text + n, "]}");
	j = json_loads(text, 0, NULL);
	CHECK(j != NULL);
	CHECK_INT(lw_sp_parse_artist(j, &a, &c), 0);
	CHECK_INT(a.n_genres, LW_MAX_ARTIST_GENRES);
	CHECK_INT(strlen(a.genres[0]), LW_MAX_GENRE_BYTES);	/* exactly at the limit: kept */
	CHECK_STR(a.genres[1], "genre 0");
	CHECK_STR(a.genres[LW_MAX_ARTIST_GENRES - 1], "genre 62");
	CHECK(a.genres[LW_MAX_ARTIST_GENRES] == NULL);
	CHECK_INT(c.genres_dropped, 2);
	CHECK_INT(c.too_many_genres, 1);
	lw_artist_free(&a);
	json_decref(j);
	free(text);
}

LW_TEST(user_id_limit)
{
	char	   *text = long_name_doc("{\"id\": \"%s\"}", 400);
	json_t	   *j = json_loads(text, 0, NULL);
	lw_user		u;

	CHECK_INT(lw_sp_parse_user(j, &u), -1);
	json_decref(j);
	free(text);
}

LW_TEST(counts_json_has_new_counters)
{
	lw_counts	c = {0};
	char		buf[4096];

	c.strings_repaired = 3;
	c.strings_truncated = 2;
	c.genres_dropped = 1;
	c.too_many_genres = 4;
	CHECK_STR(lw_counts_json(&c, buf, sizeof(buf)),
			  "{\"strings_repaired\": 3, \"strings_truncated\": 2, \"genres_dropped\": 1,"
			  " \"too_many_genres\": 4}");
}

int
main(void)
{
	LW_RUN(repair_clean_text_untouched);
	LW_RUN(repair_invalid_utf8);
	LW_RUN(repair_escapes);
	LW_RUN(repair_leaves_structure_alone);
	LW_RUN(repaired_document_parses);
	LW_RUN(utf8_prefix);
	LW_RUN(names_cut_at_limit);
	LW_RUN(genres_limits);
	LW_RUN(user_id_limit);
	LW_RUN(counts_json_has_new_counters);
	LW_TEST_END();
}
