/*
 * textfix.h - repair of untrusted text before it is parsed or stored (no library dependencies).
 *
 * A JSON response is one document, and jansson refuses the whole of it for one bad string: raw
 * bytes that are not UTF-8, a \u escape of a lone UTF-16 surrogate ("\ud800"), or "\u0000"
 * (PostgreSQL text cannot hold NUL either). One bad name must not lose a page of 50 tracks, so
 * the text is repaired first, inside strings only:
 *  - each maximal invalid UTF-8 subpart (Unicode 15, section 3.9, "U+FFFD substitution of
 *    maximal subparts") becomes U+FFFD (EF BF BD);
 *  - an escaped lone surrogate becomes "\uFFFD" (a valid pair \uD83C\uDFB5 is kept);
 *  - "\u0000" is removed.
 * Nothing outside strings is changed, so a document that is not JSON (broken structure, raw
 * control characters, invalid bytes between tokens) is still refused by the parser.
 */
#ifndef LW_TEXTFIX_H
#define LW_TEXTFIX_H

#include <stddef.h>

/*
 * Repair the JSON text in[0..len). Returns 0 when nothing needed repair (*out = NULL), or 1 with
 * *out a malloc'd NUL-terminated copy of *out_len bytes. *strings_repaired (may be NULL) gets the
 * number of string tokens (keys and values) that were changed. Aborts on out-of-memory.
 */
int			lw_json_repair(const char *in, size_t len, char **out, size_t *out_len,
						   long *strings_repaired);

/*
 * The longest prefix of the valid UTF-8 string s that has at most max bytes and does not split
 * a character: returns its length (strlen(s) when that is <= max).
 */
size_t		lw_utf8_prefix(const char *s, size_t max);

#endif							/* LW_TEXTFIX_H */
