/*
 * Unit test of extension/genre_rules.c alone (no PostgreSQL): builds a small
 * rule set, checks normalisation, matching, overrides and votes.  Run under
 * AddressSanitizer/UBSan by test/genres/unit.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../extension/genre_rules.h"

/* An arena: every block is kept on a list and freed at the end. */
typedef struct Block
{
	struct Block *next;
} Block;

static void *
arena_alloc(void *ctx, size_t size)
{
	Block	  **head = ctx;
	Block	   *b = calloc(1, sizeof(Block) + size + 16);

	if (b == NULL)
		abort();
	b->next = *head;
	*head = b;
	return (char *) b + sizeof(Block) + (16 - sizeof(Block) % 16) % 16;
}

static void
arena_free(Block **head)
{
	while (*head)
	{
		Block	   *n = (*head)->next;

		free(*head);
		*head = n;
	}
}

static int	failures = 0;

static void
expect_map(GenreRuleSet *rs, const char *genre, const char *family, const char *group)
{
	size_t		len = strlen(genre);
	char	   *scratch = malloc(genre_normalized_size(len));
	GenreMatch	m;
	const char *f,
			   *g;

	genre_classify(rs, genre, len, scratch, &m);
	f = genre_family_name(rs, m.family);
	g = m.group >= 0 ? genre_group_names[m.group] : NULL;
	if ((f == NULL) != (family == NULL) || (f && strcmp(f, family) != 0) ||
		(g == NULL) != (group == NULL) || (g && strcmp(g, group) != 0))
	{
		printf("FAIL map '%s': got %s/%s, expected %s/%s\n", genre, f ? f : "NULL",
			   g ? g : "NULL", family ? family : "NULL", group ? group : "NULL");
		failures++;
	}
	free(scratch);
}

static void
expect_norm(GenreRuleSet *rs, const char *in, const char *want)
{
	size_t		len = strlen(in);
	char	   *scratch = malloc(genre_normalized_size(len));
	char		out[256];
	size_t		n = genre_normalize(rs, in, len, scratch, out, sizeof(out));

	if (n >= sizeof(out) || strcmp(out, want) != 0)
	{
		printf("FAIL normalize '%s': got '%s', expected '%s'\n", in, n < sizeof(out) ? out : "(too long)", want);
		failures++;
	}
	free(scratch);
}

int
main(void)
{
	Block	   *arena = NULL;
	GenreRuleSet *rs = genre_ruleset_create(arena_alloc, &arena);
	int			jazz,
				hiphop,
				folk,
				punk,
				house,
				rock,
				pop,
				latin;
	GenreVoter *v;
	int			f,
				g;
	const char *top;
	size_t		toplen;
	char		scratch[512];

	rock = genre_ruleset_add_family(rs, "rock", 1, 30);
	pop = genre_ruleset_add_family(rs, "pop", 0, 20);
	jazz = genre_ruleset_add_family(rs, "jazz", 2, 60);
	hiphop = genre_ruleset_add_family(rs, "hip hop", 0, 60);
	folk = genre_ruleset_add_family(rs, "folk", 1, 60);
	punk = genre_ruleset_add_family(rs, "punk", 1, 70);
	house = genre_ruleset_add_family(rs, "house", 3, 80);
	latin = genre_ruleset_add_family(rs, "latin", 3, 60);
	if (genre_ruleset_add_family(rs, "rock", 1, 1) != -1 || genre_ruleset_add_family(rs, "x", 9, 1) != -1)
	{
		printf("FAIL duplicate or bad family accepted\n");
		failures++;
	}
	genre_ruleset_add_alias(rs, "hiphop", "hip hop");
	genre_ruleset_add_alias(rs, "n", "and");
	genre_ruleset_add_alias(rs, "dnb", "drum and bass");
	genre_ruleset_add_rule(rs, "rock", rock, -1, 10);
	genre_ruleset_add_rule(rs, "*rock", rock, -1, 10);
	genre_ruleset_add_rule(rs, "post rock", rock, 2, 50);
	genre_ruleset_add_rule(rs, "pop", pop, -1, 10);
	genre_ruleset_add_rule(rs, "jazz", jazz, -1, 50);
	genre_ruleset_add_rule(rs, "soul", folk, -1, 50);
	genre_ruleset_add_rule(rs, "rap", hiphop, -1, 50);
	genre_ruleset_add_rule(rs, "Hip-Hop", hiphop, -1, 50);	/* normalised */
	genre_ruleset_add_rule(rs, "*hop", hiphop, -1, 50);
	genre_ruleset_add_rule(rs, "trip hop", pop, 0, 50);
	genre_ruleset_add_rule(rs, "folk", folk, -1, 50);
	genre_ruleset_add_rule(rs, "punk", punk, -1, 50);
	genre_ruleset_add_rule(rs, "house", house, -1, 50);
	genre_ruleset_add_rule(rs, "drum and bass", house, -1, 50);
	genre_ruleset_add_rule(rs, "dance", -1, 3, 70);
	genre_ruleset_add_rule(rs, "bossa nova", latin, 1, 50);
	genre_ruleset_add_rule(rs, "cumb*", latin, -1, 50);
	genre_ruleset_add_rule(rs, "*", latin, -1, 50);	/* refused */
	genre_ruleset_add_rule(rs, "a*b", latin, -1, 50);	/* refused */
	if (genre_ruleset_add_rule(rs, "hip hop", jazz, -1, 1) != -1)
	{
		printf("FAIL duplicate pattern accepted\n");
		failures++;
	}
	genre_ruleset_add_override(rs, "Bossa-Nova", -1, 2);
	genre_ruleset_add_override(rs, "comedy", -1, -1);
	genre_ruleset_add_override(rs, "soul jazz", folk, -1);
	genre_ruleset_finish(rs);

	expect_norm(rs, "  Hip-Hop  ", "hip hop");
	expect_norm(rs, "Rap Français", "rap francais");
	expect_norm(rs, "drum 'n' bass", "drum and bass");
	expect_norm(rs, "DnB", "drum and bass");
	expect_norm(rs, "R&B", "r and b");
	expect_norm(rs, "u.k. garage", "uk garage");
	expect_norm(rs, "Æther—Œuvre ß", "aether oeuvre ss");
	expect_norm(rs, "", "");
	expect_norm(rs, "\xff\xfe bad", "bad");
	expect_norm(rs, "\xc3", "");

	expect_map(rs, "jazz rap", "hip hop", "electronic");
	expect_map(rs, "soul jazz", "folk", "acoustic");	/* override: family only */
	expect_map(rs, "folk punk", "punk", "acoustic");
	expect_map(rs, "trip hop", "pop", "electronic");	/* compound beats *hop */
	expect_map(rs, "triphop", "hip hop", "electronic");	/* no alias: the suffix rule */
	expect_map(rs, "krautrock", "rock", "acoustic");
	expect_map(rs, "post-rock", "rock", "instrumental");
	expect_map(rs, "dance pop", "pop", "dance");
	expect_map(rs, "pop punk", "punk", "acoustic");
	expect_map(rs, "dnb", "house", "dance");
	expect_map(rs, "bossa nova", "latin", "instrumental");	/* override: group only */
	expect_map(rs, "comedy", NULL, NULL);	/* override: neither */
	expect_map(rs, "cumbia villera", "latin", "dance");
	expect_map(rs, "xyzzy", NULL, NULL);
	expect_map(rs, "", NULL, NULL);
	expect_map(rs, "jazz rap", "hip hop", "electronic");	/* again: remembered */

	/* a long genre: only the first GENRE_MAX_TOKENS words count */
	{
		size_t		len = 200 * 6;
		char	   *big = malloc(len + 1);
		char	   *sc = malloc(genre_normalized_size(len));
		GenreMatch	m;

		for (int i = 0; i < 200; i++)
			memcpy(big + i * 6, i < 150 ? "house " : "jazz  ", 6);
		big[len] = '\0';
		genre_classify(rs, big, len, sc, &m);
		if (m.family != house)
		{
			printf("FAIL long genre\n");
			failures++;
		}
		free(big);
		free(sc);
	}

	/* votes: ties by priority, then name; group inside the family */
	v = genre_voter_create(rs, arena_alloc, &arena);
	genre_voter_add(v, "jazz", 4, 1.0, 0, scratch);
	genre_voter_add(v, "folk", 4, 1.0, 1, scratch);
	genre_voter_add(v, "comedy", 6, 5.0, 2, scratch);
	genre_voter_result(v, &f, &g, &top, &toplen);
	if (f != folk || strcmp(top, "folk") != 0)	/* tie 60/60: name order */
	{
		printf("FAIL vote tie by name\n");
		failures++;
	}
	genre_voter_add(v, "house", 5, 0.5, 3, scratch);
	genre_voter_add(v, "drum n bass", 11, 0.5, 4, scratch);
	genre_voter_result(v, &f, &g, &top, &toplen);
	if (f != house || g != 3 || strcmp(top, "house") != 0)	/* 1.0 each: priority 80 wins */
	{
		printf("FAIL vote tie by priority\n");
		failures++;
	}
	genre_voter_reset(v);
	if (genre_voter_result(v, &f, &g, &top, &toplen) || f != -1)
	{
		printf("FAIL empty vote\n");
		failures++;
	}
	for (int i = 0; i < 50; i++)	/* many families: the voter grows */
		genre_voter_add(v, i % 2 ? "rap" : "punk", i % 2 ? 3 : 4, 1.0, i, scratch);
	genre_voter_add(v, "rock", 4, 1.0, 99, scratch);
	genre_voter_add(v, "pop", 3, 1.0, 98, scratch);
	genre_voter_add(v, "house", 5, 1.0, 97, scratch);
	genre_voter_result(v, &f, &g, &top, &toplen);
	if (f != punk || strcmp(top, "punk") != 0)	/* 25 each: punk 70 > hip hop 60 */
	{
		printf("FAIL vote many\n");
		failures++;
	}

	arena_free(&arena);
	if (failures)
	{
		printf("genre_rules unit test: %d failures\n", failures);
		return 1;
	}
	printf("genre_rules unit test: ok\n");
	return 0;
}
