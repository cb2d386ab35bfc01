/*
 * textfix.c - repair of untrusted text (see textfix.h).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "textfix.h"
#include "util.h"

static const char replacement[] = "\xEF\xBF\xBD";	/* U+FFFD in UTF-8 */

/* Value of 4 hex digits at p (p has at least 4 bytes), or -1. */
static long
hex4(const unsigned char *p)
{
	long		v = 0;

	for (int i = 0; i < 4; i++)
	{
		int			c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * Length of the valid UTF-8 sequence at p[0..n) (n >= 1, p[0] >= 0x80), or -k when it is
 * invalid and its maximal subpart is k bytes (k >= 1): Unicode table 3-7 of well-formed
 * sequences, so overlong forms, encoded surrogates and values past U+10FFFF are invalid.
 */
static long
utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80,
				hi = 0xBF;
	size_t		need;

	if (c >= 0xC2 && c <= 0xDF)
		need = 1;
	else if (c >= 0xE0 && c <= 0xEF)
	{
		need = 2;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	}
	else if (c >= 0xF0 && c <= 0xF4)
	{
		need = 3;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	}
	else
		return -1;				/* 80..C1, F5..FF: never a lead byte */
	for (size_t i = 1; i <= need; i++)
	{
		if (i >= n || p[i] < lo || p[i] > hi)
			return -(long) i;
		lo = 0x80;
		hi = 0xBF;
	}
	return (long) need + 1;
}

typedef struct fixer
{
	const char *in;
	size_t		copied;			/* in[0..copied) has been accounted for in out */
	lw_buf		out;
	bool		changed;		/* anything repaired so far */
	bool		string_changed; /* the current string was repaired */
} fixer;

/* Replace in[at..at+n) by rep (rep_len bytes). */
static void
fix(fixer *f, size_t at, size_t n, const char *rep, size_t rep_len)
{
	lw_buf_append(&f->out, f->in + f->copied, at - f->copied);
	if (rep_len)
		lw_buf_append(&f->out, rep, rep_len);
	f->copied = at + n;
	f->changed = true;
	f->string_changed = true;
}

int
lw_json_repair(const char *in, size_t len, char **out, size_t *out_len, long *strings_repaired)
{
	const unsigned char *p = (const unsigned char *) in;
	fixer		f;
	bool		in_string = false;
	long		nstrings = 0;
	size_t		i = 0;

	memset(&f, 0, sizeof(f));
	f.in = in;
	*out = NULL;
	*out_len = 0;
	while (i < len)
	{
		unsigned char c = p[i];

		if (!in_string)
		{
			if (c == '"')
			{
				in_string = true;
				f.string_changed = false;
			}
			i++;
			continue;
		}
		if (c == '"')
		{
			in_string = false;
			if (f.string_changed)
				nstrings++;
			i++;
		}
		else if (c == '\\')
		{
			long		v;

			if (i + 1 >= len)
				break;
			if (p[i + 1] != 'u' || i + 6 > len || (v = hex4(p + i + 2)) < 0)
			{
				i += 2;			/* a simple escape (or a malformed one: the parser says so) */
				continue;
			}
			if (v == 0)
				fix(&f, i, 6, "", 0);
			else if (v >= 0xD800 && v <= 0xDBFF)
			{
				long		lo = -1;

				if (i + 12 <= len && p[i + 6] == '\\' && p[i + 7] == 'u')
					lo = hex4(p + i + 8);
				if (lo >= 0xDC00 && lo <= 0xDFFF)
				{
					i += 12;	/* a proper pair */
					continue;
				}
				fix(&f, i, 6, "\\uFFFD", 6);
			}
			else if (v >= 0xDC00 && v <= 0xDFFF)
				fix(&f, i, 6, "\\uFFFD", 6);
			i += 6;
		}
		else if (c < 0x80)
			i++;				/* control characters are left for the parser to refuse */
		else
		{
			long		n = utf8_seq(p + i, len - i);

			if (n > 0)
				i += (size_t) n;
			else
			{
				fix(&f, i, (size_t) -n, replacement, 3);
				i += (size_t) -n;
			}
		}
	}
	if (in_string && f.string_changed)
		nstrings++;				/* unterminated: the parser refuses the document anyway */
	if (strings_repaired)
		*strings_repaired = f.changed ? nstrings : 0;
	if (!f.changed)
		return 0;
	lw_buf_append(&f.out, in + f.copied, len - f.copied);
	*out = f.out.data;
	*out_len = f.out.len;
	return 1;
}

size_t
lw_utf8_prefix(const char *s, size_t max)
{
	size_t		n = strlen(s);

	if (n <= max)
		return n;
	n = max;
	/* back up over continuation bytes to the start of the character that max splits */
	while (n > 0 && ((unsigned char) s[n] & 0xC0) == 0x80)
		n--;
	return n;
}
