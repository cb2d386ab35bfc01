/*
 * genre_rules.h — normaliser, tokenizer and rule matcher behind genre_map().
 *
 * Pure C: no PostgreSQL types in the interface, so the matcher can be
 * exercised alone.  All memory of a rule set comes from one caller-supplied
 * allocator and is released by the caller in one go (in the backend: a
 * memory context that is deleted when the rules change).
 *
 * A genre is normalised to lower-case ASCII-folded words separated by single
 * spaces, then every word found in the alias list is replaced by its
 * canonical spelling ("hiphop" -> "hip hop", "n" -> "and").  A rule pattern
 * is a sequence of words; a word of a pattern may be "*suffix" (any word
 * ending with suffix) or "prefix*" (any word starting with prefix).
 *
 * Among the rules whose pattern occurs in the genre as whole words, the
 * winner is the one with (1) the highest priority, (2) the match that ends
 * furthest right (the head noun of an English genre name is its last word),
 * (3) the most words, (4) the most exact (non-wildcard) words, (5) the
 * lowest rule number.  The family comes from the best rule that has a
 * family, the group from the best rule that has a group (a rule's group
 * defaults to its family's group).  An exact-genre override wins over all
 * rules for the fields it sets (family only: the group follows that family;
 * group only: the family still comes from the rules; neither: the genre is
 * declared unknown).
 */
#ifndef GENRE_RULES_H
#define GENRE_RULES_H

#include <stdbool.h>
#include <stddef.h>

/* The four groups, in the fixed order used by the tie-breaks. */
#define GENRE_GROUP_NONE		(-1)
#define GENRE_GROUP_COUNT		4
extern const char *const genre_group_names[GENRE_GROUP_COUNT];

/* Returns the group number for a name, or GENRE_GROUP_NONE. */
int			genre_group_from_name(const char *name);

/*
 * Allocator: must return zeroed, suitably aligned memory or not return at
 * all (the backend version raises an error).
 */
typedef void *(*genre_alloc_fn) (void *ctx, size_t size);

typedef struct GenreRuleSet GenreRuleSet;

/* Longest normalised text the matcher looks at; longer input is cut. */
#define GENRE_MAX_TOKENS		64

/* What genre_classify() found.  Indexes are -1 when nothing applies. */
typedef struct GenreMatch
{
	int			family;			/* family number, see genre_family_name() */
	int			group;			/* GENRE_GROUP_* number */
	int			family_rule;	/* rule that gave the family, or -1 */
	int			group_rule;		/* rule that gave the group, or -1 */
	bool		overridden;		/* an exact-genre override applied */
} GenreMatch;

GenreRuleSet *genre_ruleset_create(genre_alloc_fn alloc, void *ctx);

/*
 * Building.  Families first, then aliases, then rules and overrides (rules
 * and overrides are normalised with the aliases already added).  Family
 * names must be unique; a later alias, rule pattern or override genre that
 * normalises like an earlier one is ignored (so add the preferred one
 * first).  Functions return the new item's number, or -1 if it was ignored
 * (duplicate, empty after normalisation, unknown group).
 */
int			genre_ruleset_add_family(GenreRuleSet *rs, const char *name,
									 int group, int priority);
int			genre_ruleset_add_alias(GenreRuleSet *rs, const char *alias,
									const char *canonical);
int			genre_ruleset_add_rule(GenreRuleSet *rs, const char *pattern,
								   int family, int group, int priority);
int			genre_ruleset_add_override(GenreRuleSet *rs, const char *genre,
									   int family, int group);
/* Builds the lookup tables; call once after the last add. */
void		genre_ruleset_finish(GenreRuleSet *rs);

int			genre_family_count(const GenreRuleSet *rs);
const char *genre_family_name(const GenreRuleSet *rs, int family);
int			genre_family_group(const GenreRuleSet *rs, int family);
int			genre_family_priority(const GenreRuleSet *rs, int family);
/* Family number for a name, or -1. */
int			genre_family_lookup(const GenreRuleSet *rs, const char *name);
/* The normalised pattern of a rule. */
const char *genre_rule_pattern(const GenreRuleSet *rs, int rule);

/*
 * Normalises len bytes of UTF-8 text.  scratch must hold
 * genre_normalized_size(len) bytes.  Returns the length of the normalised
 * text; it is written to out (NUL-terminated) only if it is shorter than
 * outsize (aliases can make it longer than the input).  With rs == NULL no
 * aliases are applied.
 */
size_t		genre_normalized_size(size_t len);
size_t		genre_normalize(const GenreRuleSet *rs, const char *in, size_t len,
							char *scratch, char *out, size_t outsize);

/*
 * Classifies len bytes of text; scratch must hold genre_normalized_size(len)
 * bytes.  Returns true if a family or a group was found.  Results are
 * remembered by input text (up to GENRE_MEMO_MAX texts of at most
 * GENRE_MEMO_MAX_LEN bytes), which is why the rule set is not const.
 */
#define GENRE_MEMO_MAX			32768
#define GENRE_MEMO_MAX_LEN		200
bool		genre_classify(GenreRuleSet *rs, const char *in, size_t len,
						   char *scratch, GenreMatch *m);

/*
 * Vote over several genres.  A voter is created for a rule set, fed genres
 * with weights, and asked for the winner:
 *   family = the family with the highest total weight, ties broken by the
 *            family's priority (higher first) then its name (byte order);
 *   group  = weighted vote among the genres of the winning family, ties by
 *            the family's own group then the fixed group order;
 *   top genre = among the winning family's genres, the one with the highest
 *            weight, ties by the lowest order key.
 */
typedef struct GenreVoter GenreVoter;

GenreVoter *genre_voter_create(GenreRuleSet *rs, genre_alloc_fn alloc,
							   void *ctx);
void		genre_voter_reset(GenreVoter *v);
/*
 * Returns true if the genre was mapped (counted).  order breaks ties for
 * the top genre (lower first); give each genre a distinct order so that
 * the result does not depend on the order of the calls.
 */
bool		genre_voter_add(GenreVoter *v, const char *in, size_t len,
							double weight, long order, char *scratch);
/*
 * Winner, or false if no genre was mapped.  top_genre and top_len point into
 * the voter's own copy of the winning genre's text (valid until reset).
 */
bool		genre_voter_result(const GenreVoter *v, int *family, int *group,
							   const char **top_genre, size_t *top_len);

#endif							/* GENRE_RULES_H */
