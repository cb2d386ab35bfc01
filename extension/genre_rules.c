/*
 * genre_rules.c — normaliser, tokenizer and rule matcher behind genre_map().
 * See genre_rules.h for the matching rules; no PostgreSQL types here.
 */
#include "genre_rules.h"

#include <stdint.h>
#include <string.h>

const char *const genre_group_names[GENRE_GROUP_COUNT] = {
	"electronic", "acoustic", "instrumental", "dance"
};

/* ---------------------------------------------------------------- types */

typedef struct Word
{
	const char *s;
	int			len;
	char		kind;			/* 'e' exact, 's' *suffix, 'p' prefix*, 'c' *in* */
} Word;

typedef struct Rule
{
	const char *pattern;		/* normalised, words joined by spaces */
	Word	   *words;
	int			nwords;
	int			nexact;
	int			family;
	int			group;			/* effective: the rule's or its family's */
	int			priority;
	int			next;			/* next rule with the same exact first word */
} Rule;

typedef struct Family
{
	const char *name;
	int			group;
	int			priority;
} Family;

typedef struct Alias
{
	const char *alias;
	int			alias_len;
	Word	   *words;			/* the canonical spelling, exact words */
	int			nwords;
} Alias;

typedef struct Override
{
	const char *genre;			/* normalised */
	int			family;
	int			group;
} Override;

/* Open-addressing string -> int table. */
typedef struct Slot
{
	const char *key;
	int			len;
	uint32_t	hash;
	int			value;
} Slot;

typedef struct Table
{
	Slot	   *slots;
	uint32_t	mask;			/* capacity - 1; capacity is a power of 2 */
	int			count;
} Table;

struct GenreRuleSet
{
	genre_alloc_fn alloc;
	void	   *ctx;

	Family	   *families;
	int			nfamilies,
				cfamilies;
	Alias	   *aliases;
	int			naliases,
				caliases;
	Rule	   *rules;
	int			nrules,
				crules;
	Override   *overrides;
	int			noverrides,
				coverrides;

	Table		family_by_name;
	Table		alias_by_word;
	Table		rule_by_pattern;	/* duplicate detection */
	Table		override_by_genre;
	Table		rules_by_first;	/* exact first word -> head of Rule.next chain */
	int		   *wild_first;		/* rules whose first word is a wildcard */
	int			nwild;
	bool		finished;

	/* results by raw input text: a library has a few thousand genres */
	Table		memo;
	GenreMatch *memo_vals;
	int			nmemo;
};

typedef struct Token
{
	const char *s;
	int			len;
} Token;

/* ---------------------------------------------------------------- memory */

static void *
rs_alloc(const GenreRuleSet *rs, size_t size)
{
	return rs->alloc(rs->ctx, size);
}

static char *
rs_strndup(const GenreRuleSet *rs, const char *s, size_t len)
{
	char	   *d = rs_alloc(rs, len + 1);

	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

/* Grows an array of elem-sized items to hold at least need items. */
static void *
rs_grow(GenreRuleSet *rs, void *arr, int *cap, int need, size_t elem)
{
	int			ncap;
	void	   *n;

	if (need <= *cap)
		return arr;
	ncap = *cap ? *cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	n = rs_alloc(rs, (size_t) ncap * elem);
	if (arr)
		memcpy(n, arr, (size_t) (*cap) * elem);
	*cap = ncap;
	return n;
}

/* ---------------------------------------------------------------- hashing */

static uint32_t
hash_bytes(const char *s, int len)
{
	uint32_t	h = 2166136261u;	/* FNV-1a */

	for (int i = 0; i < len; i++)
	{
		h ^= (unsigned char) s[i];
		h *= 16777619u;
	}
	return h;
}

static void
table_init(GenreRuleSet *rs, Table *t, int expected)
{
	uint32_t	cap = 16;

	while (cap < (uint32_t) expected * 2 + 1)
		cap *= 2;
	t->slots = rs_alloc(rs, cap * sizeof(Slot));
	t->mask = cap - 1;
	t->count = 0;
}

static Slot *
table_find(const Table *t, const char *key, int len)
{
	uint32_t	h;
	uint32_t	i;

	if (t->slots == NULL)
		return NULL;
	h = hash_bytes(key, len);
	for (i = h & t->mask;; i = (i + 1) & t->mask)
	{
		Slot	   *s = &t->slots[i];

		if (s->key == NULL)
			return NULL;
		if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0)
			return s;
	}
}

/* Inserts key (which must outlive the table) unless present; returns slot. */
static Slot *
table_insert(GenreRuleSet *rs, Table *t, const char *key, int len, int value,
			 bool *found)
{
	uint32_t	h;
	uint32_t	i;

	if (t->slots == NULL)
		table_init(rs, t, 32);
	if ((uint32_t) (t->count + 1) * 2 > t->mask + 1)
	{
		/* rehash into a table twice as big */
		Table		bigger;

		table_init(rs, &bigger, (int) (t->mask + 1));
		for (uint32_t j = 0; j <= t->mask; j++)
		{
			Slot	   *s = &t->slots[j];

			if (s->key)
			{
				uint32_t	k;

				for (k = s->hash & bigger.mask; bigger.slots[k].key; k = (k + 1) & bigger.mask)
					;
				bigger.slots[k] = *s;
				bigger.count++;
			}
		}
		*t = bigger;
	}
	h = hash_bytes(key, len);
	for (i = h & t->mask;; i = (i + 1) & t->mask)
	{
		Slot	   *s = &t->slots[i];

		if (s->key == NULL)
		{
			s->key = key;
			s->len = len;
			s->hash = h;
			s->value = value;
			t->count++;
			*found = false;
			return s;
		}
		if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0)
		{
			*found = true;
			return s;
		}
	}
}

/* ---------------------------------------------------------------- folding */

/* ASCII spelling of U+00C0..U+017F; '?' marks the two-letter cases. */
static const char latin_fold[] =
	"aaaaaa?ceeeeiiii" "dnooooo ouuuuy??"	/* U+00C0 */
	"aaaaaa?ceeeeiiii" "dnooooo ouuuuy?y"	/* U+00E0 */
	"aaaaaaccccccccdd" "ddeeeeeeeeeegggg"	/* U+0100 */
	"gggghhhhiiiiiiii" "ii??jjkkklllllll"	/* U+0120 */
	"lllnnnnnnnnnoooo" "oo??rrrrrrssssss"	/* U+0140 */
	"ssttttttuuuuuuuu" "uuuuwwyyyzzzzzzs";	/* U+0160 */

static const char *
latin_fold_multi(uint32_t cp)
{
	switch (cp)
	{
		case 0xC6:
		case 0xE6:
			return "ae";
		case 0xDE:
		case 0xFE:
			return "th";
		case 0xDF:
			return "ss";
		case 0x132:
		case 0x133:
			return "ij";
		case 0x152:
		case 0x153:
			return "oe";
	}
	return "";
}

/*
 * Decodes one UTF-8 sequence at s (n bytes left).  Returns its length and
 * the code point, or length 1 and cp = 0xFFFFFFFF for an invalid byte.
 */
static int
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	int			len;
	uint32_t	c;

	if (s[0] < 0x80)
	{
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0)
	{
		len = 2;
		c = s[0] & 0x1F;
	}
	else if ((s[0] & 0xF0) == 0xE0)
	{
		len = 3;
		c = s[0] & 0x0F;
	}
	else if ((s[0] & 0xF8) == 0xF0)
	{
		len = 4;
		c = s[0] & 0x07;
	}
	else
	{
		*cp = 0xFFFFFFFF;
		return 1;
	}
	if ((size_t) len > n)
	{
		*cp = 0xFFFFFFFF;
		return 1;
	}
	for (int i = 1; i < len; i++)
	{
		if ((s[i] & 0xC0) != 0x80)
		{
			*cp = 0xFFFFFFFF;
			return 1;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	*cp = c;
	return len;
}

/*
 * First pass: writes lower-case, accent-folded words separated by single
 * spaces into buf (at least genre_normalized_size(len) bytes), "&" becoming
 * the word "and", apostrophes and dots dropped, other punctuation a word
 * break.  With keep_star, '*' is kept as part of a word (rule patterns).
 * Returns the number of bytes written (no trailing space).
 */
static size_t
fold_text(const char *in, size_t len, char *buf, bool keep_star)
{
	const unsigned char *s = (const unsigned char *) in;
	size_t		i = 0;
	size_t		o = 0;
	bool		space = true;	/* last thing written was a break */

#define PUT_BREAK() do { if (!space) { buf[o++] = ' '; space = true; } } while (0)
#define PUT_CHAR(ch) do { buf[o++] = (ch); space = false; } while (0)

	while (i < len)
	{
		uint32_t	cp;
		int			n = utf8_decode(s + i, len - i, &cp);

		if (cp < 0x80)
		{
			char		c = (char) cp;

			if (c >= 'A' && c <= 'Z')
				PUT_CHAR(c - 'A' + 'a');
			else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
				PUT_CHAR(c);
			else if (c == '*' && keep_star)
				PUT_CHAR(c);
			else if (c == '&')
			{
				PUT_BREAK();
				PUT_CHAR('a');
				PUT_CHAR('n');
				PUT_CHAR('d');
				PUT_BREAK();
			}
			else if (c == '\'' || c == '`' || c == '.')
				;				/* "rock 'n' roll", "u.k. garage" */
			else
				PUT_BREAK();
		}
		else if (cp >= 0xC0 && cp <= 0x17F && cp != 0xD7 && cp != 0xF7)
		{
			char		f = latin_fold[cp - 0xC0];

			if (f == '?')
			{
				const char *m = latin_fold_multi(cp);

				while (*m)
					PUT_CHAR(*m++);
			}
			else
				PUT_CHAR(f);
		}
		else if (cp == 0x2018 || cp == 0x2019 || cp == 0x201B || cp == 0x2BC ||
				 cp == 0xB4)
			;					/* typographic apostrophes */
		else if ((cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
				 (cp >= 0x2000 && cp <= 0x206F) || cp == 0x3000 ||
				 cp == 0xFFFFFFFF)
			PUT_BREAK();		/* spaces, dashes, quotes, symbols, bad bytes */
		else
		{
			/* any other script: keep the bytes as they are */
			for (int k = 0; k < n; k++)
				PUT_CHAR((char) s[i + k]);
		}
		i += n;
	}
	if (o > 0 && buf[o - 1] == ' ')
		o--;
	buf[o] = '\0';
	return o;
#undef PUT_BREAK
#undef PUT_CHAR
}

size_t
genre_normalized_size(size_t len)
{
	/* "&" -> " and " is the largest growth: 1 byte becomes 5 */
	return len * 5 + 1;
}

/*
 * Splits folded text into words and applies the aliases.  Returns the
 * number of tokens (at most GENRE_MAX_TOKENS; the rest is dropped).
 */
static int
tokenize(const GenreRuleSet *rs, char *buf, size_t n, Token *tok)
{
	int			ntok = 0;
	size_t		i = 0;

	while (i < n && ntok < GENRE_MAX_TOKENS)
	{
		size_t		start = i;
		Slot	   *a;

		while (i < n && buf[i] != ' ')
			i++;
		a = rs ? table_find(&rs->alias_by_word, buf + start, (int) (i - start)) : NULL;
		if (a)
		{
			const Alias *al = &rs->aliases[a->value];

			for (int k = 0; k < al->nwords && ntok < GENRE_MAX_TOKENS; k++)
			{
				tok[ntok].s = al->words[k].s;
				tok[ntok].len = al->words[k].len;
				ntok++;
			}
		}
		else
		{
			tok[ntok].s = buf + start;
			tok[ntok].len = (int) (i - start);
			ntok++;
		}
		i++;					/* skip the space */
	}
	return ntok;
}

/* Joins tokens with single spaces into out (big enough); returns length. */
static size_t
join_tokens(const Token *tok, int ntok, char *out)
{
	size_t		o = 0;

	for (int k = 0; k < ntok; k++)
	{
		if (k > 0)
			out[o++] = ' ';
		memmove(out + o, tok[k].s, tok[k].len);
		o += tok[k].len;
	}
	out[o] = '\0';
	return o;
}

static size_t
tokens_length(const Token *tok, int ntok)
{
	size_t		n = 0;

	for (int k = 0; k < ntok; k++)
		n += tok[k].len + (k > 0);
	return n;
}

/*
 * Normalises into a fresh string from the rule set's allocator (build
 * time); keep_star for patterns.  Returns NULL if nothing is left.
 */
static char *
normalize_copy(GenreRuleSet *rs, const char *in, bool keep_star, bool aliases)
{
	size_t		len = strlen(in);
	char	   *buf = rs_alloc(rs, genre_normalized_size(len));
	Token		tok[GENRE_MAX_TOKENS];
	size_t		n = fold_text(in, len, buf, keep_star);
	int			ntok = tokenize(aliases ? rs : NULL, buf, n, tok);
	char	   *out;

	if (ntok == 0)
		return NULL;
	out = rs_alloc(rs, tokens_length(tok, ntok) + 1);
	join_tokens(tok, ntok, out);
	return out;
}

size_t
genre_normalize(const GenreRuleSet *rs, const char *in, size_t len,
				char *scratch, char *out, size_t outsize)
{
	Token		tok[GENRE_MAX_TOKENS];
	size_t		n = fold_text(in, len, scratch, false);
	int			ntok = tokenize(rs, scratch, n, tok);
	size_t		total = tokens_length(tok, ntok);

	if (total < outsize)
		join_tokens(tok, ntok, out);
	return total;
}

/* ---------------------------------------------------------------- building */

GenreRuleSet *
genre_ruleset_create(genre_alloc_fn alloc, void *ctx)
{
	GenreRuleSet *rs = alloc(ctx, sizeof(GenreRuleSet));

	memset(rs, 0, sizeof(*rs));
	rs->alloc = alloc;
	rs->ctx = ctx;
	return rs;
}

int
genre_group_from_name(const char *name)
{
	if (name == NULL)
		return GENRE_GROUP_NONE;
	for (int g = 0; g < GENRE_GROUP_COUNT; g++)
		if (strcmp(name, genre_group_names[g]) == 0)
			return g;
	return GENRE_GROUP_NONE;
}

int
genre_ruleset_add_family(GenreRuleSet *rs, const char *name, int group,
						 int priority)
{
	bool		found;
	char	   *copy;

	if (group < 0 || group >= GENRE_GROUP_COUNT || name == NULL || name[0] == '\0')
		return -1;
	copy = rs_strndup(rs, name, strlen(name));
	table_insert(rs, &rs->family_by_name, copy, (int) strlen(copy),
				 rs->nfamilies, &found);
	if (found)
		return -1;
	rs->families = rs_grow(rs, rs->families, &rs->cfamilies, rs->nfamilies + 1,
						   sizeof(Family));
	rs->families[rs->nfamilies].name = copy;
	rs->families[rs->nfamilies].group = group;
	rs->families[rs->nfamilies].priority = priority;
	return rs->nfamilies++;
}

/* Splits a normalised string (owned by rs) into words. */
static int
split_words(GenreRuleSet *rs, const char *s, Word **words, int *nexact)
{
	int			n = 1;
	int			k = 0;
	const char *p = s;

	for (const char *q = s; *q; q++)
		n += (*q == ' ');
	*words = rs_alloc(rs, n * sizeof(Word));
	*nexact = 0;
	while (*p)
	{
		const char *e = strchr(p, ' ');
		int			len = e ? (int) (e - p) : (int) strlen(p);
		Word	   *w = &(*words)[k++];
		bool		lead = (p[0] == '*');
		bool		trail = (len > 1 && p[len - 1] == '*');

		w->s = p + lead;
		w->len = len - lead - trail;
		w->kind = lead && trail ? 'c' : lead ? 's' : trail ? 'p' : 'e';
		if (w->kind == 'e')
			(*nexact)++;
		if (w->len <= 0 || memchr(w->s, '*', w->len) != NULL)
			return -1;			/* "*" alone or a star inside a word */
		p += len;
		if (*p == ' ')
			p++;
	}
	return k;
}

int
genre_ruleset_add_alias(GenreRuleSet *rs, const char *alias,
						const char *canonical)
{
	char	   *a = normalize_copy(rs, alias, false, false);
	char	   *c = normalize_copy(rs, canonical, false, false);
	bool		found;
	int			nexact;
	Alias	   *al;

	/* an alias is one word; the canonical spelling one or more */
	if (a == NULL || c == NULL || strchr(a, ' ') != NULL || strcmp(a, c) == 0)
		return -1;
	table_insert(rs, &rs->alias_by_word, a, (int) strlen(a), rs->naliases, &found);
	if (found)
		return -1;
	rs->aliases = rs_grow(rs, rs->aliases, &rs->caliases, rs->naliases + 1,
						  sizeof(Alias));
	al = &rs->aliases[rs->naliases];
	al->alias = a;
	al->alias_len = (int) strlen(a);
	al->nwords = split_words(rs, c, &al->words, &nexact);
	return rs->naliases++;
}

int
genre_ruleset_add_rule(GenreRuleSet *rs, const char *pattern, int family,
					   int group, int priority)
{
	char	   *p;
	bool		found;
	Rule	   *r;
	Word	   *words;
	int			nwords,
				nexact;

	if (family >= rs->nfamilies || group >= GENRE_GROUP_COUNT ||
		(family < 0 && group < 0))
		return -1;
	p = normalize_copy(rs, pattern, true, true);
	if (p == NULL)
		return -1;
	nwords = split_words(rs, p, &words, &nexact);
	if (nwords <= 0)
		return -1;
	table_insert(rs, &rs->rule_by_pattern, p, (int) strlen(p), rs->nrules, &found);
	if (found)
		return -1;
	rs->rules = rs_grow(rs, rs->rules, &rs->crules, rs->nrules + 1, sizeof(Rule));
	r = &rs->rules[rs->nrules];
	r->pattern = p;
	r->words = words;
	r->nwords = nwords;
	r->nexact = nexact;
	r->family = family < 0 ? -1 : family;
	r->group = group >= 0 ? group : (family >= 0 ? rs->families[family].group : -1);
	r->priority = priority;
	r->next = -1;
	return rs->nrules++;
}

int
genre_ruleset_add_override(GenreRuleSet *rs, const char *genre, int family,
						   int group)
{
	char	   *g;
	bool		found;
	Override   *o;

	if (family >= rs->nfamilies || group >= GENRE_GROUP_COUNT)
		return -1;
	g = normalize_copy(rs, genre, false, true);
	if (g == NULL)
		return -1;
	table_insert(rs, &rs->override_by_genre, g, (int) strlen(g), rs->noverrides,
				 &found);
	if (found)
		return -1;
	rs->overrides = rs_grow(rs, rs->overrides, &rs->coverrides,
							rs->noverrides + 1, sizeof(Override));
	o = &rs->overrides[rs->noverrides];
	o->genre = g;
	o->family = family < 0 ? -1 : family;
	o->group = group < 0 ? -1 : group;
	return rs->noverrides++;
}

void
genre_ruleset_finish(GenreRuleSet *rs)
{
	int			nwild = 0;

	table_init(rs, &rs->rules_by_first, rs->nrules);
	rs->wild_first = rs_alloc(rs, (rs->nrules + 1) * sizeof(int));
	/* walk backwards so every chain lists its rules in rule order */
	for (int i = rs->nrules - 1; i >= 0; i--)
	{
		Rule	   *r = &rs->rules[i];

		if (r->words[0].kind == 'e')
		{
			bool		found;
			Slot	   *s = table_insert(rs, &rs->rules_by_first, r->words[0].s,
										 r->words[0].len, i, &found);

			if (found)
			{
				r->next = s->value;
				s->value = i;
			}
		}
		else
			rs->wild_first[nwild++] = i;
	}
	/* wild_first was filled backwards; put it in rule order */
	for (int a = 0, b = nwild - 1; a < b; a++, b--)
	{
		int			t = rs->wild_first[a];

		rs->wild_first[a] = rs->wild_first[b];
		rs->wild_first[b] = t;
	}
	rs->nwild = nwild;
	rs->finished = true;
}

/* ---------------------------------------------------------------- lookups */

int
genre_family_count(const GenreRuleSet *rs)
{
	return rs->nfamilies;
}

const char *
genre_family_name(const GenreRuleSet *rs, int family)
{
	return family >= 0 && family < rs->nfamilies ? rs->families[family].name : NULL;
}

int
genre_family_group(const GenreRuleSet *rs, int family)
{
	return family >= 0 && family < rs->nfamilies ? rs->families[family].group : -1;
}

int
genre_family_priority(const GenreRuleSet *rs, int family)
{
	return family >= 0 && family < rs->nfamilies ? rs->families[family].priority : 0;
}

int
genre_family_lookup(const GenreRuleSet *rs, const char *name)
{
	Slot	   *s = table_find(&rs->family_by_name, name, (int) strlen(name));

	return s ? s->value : -1;
}

const char *
genre_rule_pattern(const GenreRuleSet *rs, int rule)
{
	return rule >= 0 && rule < rs->nrules ? rs->rules[rule].pattern : NULL;
}

/* ---------------------------------------------------------------- matching */

static bool
word_matches(const Word *w, const Token *t)
{
	switch (w->kind)
	{
		case 'e':
			return w->len == t->len && memcmp(w->s, t->s, t->len) == 0;
		case 's':
			return t->len >= w->len &&
				memcmp(t->s + t->len - w->len, w->s, w->len) == 0;
		case 'p':
			return t->len >= w->len && memcmp(t->s, w->s, w->len) == 0;
		default:
			for (int i = 0; i + w->len <= t->len; i++)
				if (memcmp(t->s + i, w->s, w->len) == 0)
					return true;
			return false;
	}
}

/* A found match, compared by the order documented in genre_rules.h. */
typedef struct Hit
{
	int			rule;
	int			end;
} Hit;

static bool
hit_better(const GenreRuleSet *rs, const Hit *a, const Hit *b)
{
	const Rule *ra = &rs->rules[a->rule];
	const Rule *rb;

	if (b->rule < 0)
		return true;
	rb = &rs->rules[b->rule];
	if (ra->priority != rb->priority)
		return ra->priority > rb->priority;
	if (a->end != b->end)
		return a->end > b->end;
	if (ra->nwords != rb->nwords)
		return ra->nwords > rb->nwords;
	if (ra->nexact != rb->nexact)
		return ra->nexact > rb->nexact;
	return a->rule < b->rule;
}

static void
try_rule(const GenreRuleSet *rs, int ri, const Token *tok, int ntok, int at,
		 Hit *best_family, Hit *best_group)
{
	const Rule *r = &rs->rules[ri];
	Hit			h;

	if (at + r->nwords > ntok)
		return;
	for (int k = 0; k < r->nwords; k++)
		if (!word_matches(&r->words[k], &tok[at + k]))
			return;
	h.rule = ri;
	h.end = at + r->nwords - 1;
	if (r->family >= 0 && hit_better(rs, &h, best_family))
		*best_family = h;
	if (r->group >= 0 && hit_better(rs, &h, best_group))
		*best_group = h;
}

static bool
classify_uncached(const GenreRuleSet *rs, const char *in, size_t len,
				  char *scratch, GenreMatch *m)
{
	Token		tok[GENRE_MAX_TOKENS];
	size_t		n = fold_text(in, len, scratch, false);
	int			ntok = tokenize(rs, scratch, n, tok);
	Hit			bf = {-1, -1};
	Hit			bg = {-1, -1};
	const Override *ov = NULL;

	m->family = m->group = -1;
	m->family_rule = m->group_rule = -1;
	m->overridden = false;
	if (ntok == 0)
		return false;

	if (rs->noverrides > 0)
	{
		char		key[1024];
		size_t		klen = tokens_length(tok, ntok);

		if (klen < sizeof(key))
		{
			Slot	   *s;

			join_tokens(tok, ntok, key);
			s = table_find(&rs->override_by_genre, key, (int) klen);
			if (s)
				ov = &rs->overrides[s->value];
		}
	}

	/* an override with a family needs no rules */
	if (ov == NULL || (ov->family < 0 && ov->group >= 0))
	{
		for (int at = 0; at < ntok; at++)
		{
			Slot	   *s = table_find(&rs->rules_by_first, tok[at].s, tok[at].len);

			for (int ri = s ? s->value : -1; ri >= 0; ri = rs->rules[ri].next)
				try_rule(rs, ri, tok, ntok, at, &bf, &bg);
			for (int w = 0; w < rs->nwild; w++)
				try_rule(rs, rs->wild_first[w], tok, ntok, at, &bf, &bg);
		}
		if (bf.rule >= 0)
		{
			m->family = rs->rules[bf.rule].family;
			m->family_rule = bf.rule;
		}
		if (bg.rule >= 0)
		{
			m->group = rs->rules[bg.rule].group;
			m->group_rule = bg.rule;
		}
	}

	if (ov)
	{
		/* family and group both NULL: the user says "not a genre" */
		m->overridden = true;
		if (ov->family >= 0)
		{
			m->family = ov->family;
			m->family_rule = -1;
			/* a new family brings its own group unless one is given */
			m->group = rs->families[ov->family].group;
			m->group_rule = -1;
		}
		if (ov->group >= 0)
		{
			m->group = ov->group;
			m->group_rule = -1;
		}
	}
	return m->family >= 0 || m->group >= 0;
}

bool
genre_classify(GenreRuleSet *rs, const char *in, size_t len, char *scratch,
			   GenreMatch *m)
{
	Slot	   *s;
	bool		found;
	bool		dup;

	if (len > GENRE_MEMO_MAX_LEN)
		return classify_uncached(rs, in, len, scratch, m);
	s = table_find(&rs->memo, in, (int) len);
	if (s)
	{
		*m = rs->memo_vals[s->value];
		return m->family >= 0 || m->group >= 0;
	}
	found = classify_uncached(rs, in, len, scratch, m);
	if (rs->nmemo < GENRE_MEMO_MAX)
	{
		if (rs->memo_vals == NULL)
			rs->memo_vals = rs_alloc(rs, GENRE_MEMO_MAX * sizeof(GenreMatch));
		table_insert(rs, &rs->memo, rs_strndup(rs, in, len), (int) len,
					 rs->nmemo, &dup);
		rs->memo_vals[rs->nmemo++] = *m;
	}
	return found;
}

/* ---------------------------------------------------------------- voting */

/* One family seen by a voter (a voter holds only the families it saw). */
typedef struct VoteEntry
{
	int			family;
	double		score;
	double		gscore[GENRE_GROUP_COUNT];
	double		top_weight;
	long		top_order;
	char	   *top_text;
	size_t		top_len;
	size_t		top_cap;
} VoteEntry;

struct GenreVoter
{
	GenreRuleSet *rs;
	genre_alloc_fn alloc;
	void	   *ctx;
	VoteEntry  *e;
	int			n;
	int			cap;
};

/* Scores that differ only by rounding are a tie (sums in any order). */
static int
cmp_score(double a, double b)
{
	double		tol = 1e-9 * ((a > b ? a : b) + 1.0);

	if (a > b + tol)
		return 1;
	if (b > a + tol)
		return -1;
	return 0;
}

GenreVoter *
genre_voter_create(GenreRuleSet *rs, genre_alloc_fn alloc, void *ctx)
{
	GenreVoter *v = alloc(ctx, sizeof(GenreVoter));

	v->rs = rs;
	v->alloc = alloc;
	v->ctx = ctx;
	v->cap = 2;
	v->e = alloc(ctx, v->cap * sizeof(VoteEntry));
	v->n = 0;
	return v;
}

void
genre_voter_reset(GenreVoter *v)
{
	v->n = 0;
}

static VoteEntry *
voter_entry(GenreVoter *v, int family)
{
	VoteEntry  *e;

	for (int i = 0; i < v->n; i++)
		if (v->e[i].family == family)
			return &v->e[i];
	if (v->n == v->cap)
	{
		VoteEntry  *bigger = v->alloc(v->ctx, 2 * v->cap * sizeof(VoteEntry));

		memcpy(bigger, v->e, v->n * sizeof(VoteEntry));
		v->e = bigger;
		v->cap *= 2;
	}
	e = &v->e[v->n++];
	memset(e, 0, sizeof(*e));
	e->family = family;
	e->top_order = -1;
	return e;
}

bool
genre_voter_add(GenreVoter *v, const char *in, size_t len, double weight,
				long order, char *scratch)
{
	GenreMatch	m;
	VoteEntry  *e;
	int			c;

	if (!genre_classify(v->rs, in, len, scratch, &m) || m.family < 0)
		return false;			/* a genre without a family does not vote */
	e = voter_entry(v, m.family);
	e->score += weight;
	if (m.group >= 0)
		e->gscore[m.group] += weight;
	c = e->top_order < 0 ? 1 : cmp_score(weight, e->top_weight);
	if (c > 0 || (c == 0 && order < e->top_order))
	{
		if (len + 1 > e->top_cap)
		{
			e->top_cap = len + 1 > 32 ? len + 1 : 32;
			e->top_text = v->alloc(v->ctx, e->top_cap);
		}
		memcpy(e->top_text, in, len);
		e->top_text[len] = '\0';
		e->top_len = len;
		e->top_weight = weight;
		e->top_order = order;
	}
	return true;
}

bool
genre_voter_result(const GenreVoter *v, int *family, int *group,
				   const char **top_genre, size_t *top_len)
{
	const GenreRuleSet *rs = v->rs;
	const VoteEntry *best = NULL;
	int			own;
	int			bg = -1;

	*family = *group = -1;
	*top_genre = NULL;
	*top_len = 0;
	for (int i = 0; i < v->n; i++)
	{
		const VoteEntry *e = &v->e[i];
		const Family *fe = &rs->families[e->family];
		const Family *fb;
		int			c;

		if (best == NULL)
		{
			best = e;
			continue;
		}
		fb = &rs->families[best->family];
		c = cmp_score(e->score, best->score);
		if (c > 0 ||
			(c == 0 && (fe->priority > fb->priority ||
						(fe->priority == fb->priority && strcmp(fe->name, fb->name) < 0))))
			best = e;
	}
	if (best == NULL)
		return false;
	/* group: vote inside the winning family; its own group first on ties */
	own = rs->families[best->family].group;
	for (int k = -1; k < GENRE_GROUP_COUNT; k++)
	{
		int			g = k < 0 ? own : k;

		if (best->gscore[g] <= 0)
			continue;
		if (bg < 0 || cmp_score(best->gscore[g], best->gscore[bg]) > 0)
			bg = g;
	}
	*family = best->family;
	*group = bg >= 0 ? bg : own;
	*top_genre = best->top_text;
	*top_len = best->top_len;
	return true;
}
