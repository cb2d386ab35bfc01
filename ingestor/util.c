/*
 * util.c - see util.h.
 */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include <openssl/evp.h>

void *
lw_xmalloc(size_t n)
{
	void	   *p = malloc(n ? n : 1);

	if (p == NULL)
	{
		fputs("lw-ingest: error: out of memory\n", stderr);
		abort();
	}
	return p;
}

char *
lw_strdup(const char *s)
{
	size_t		n;
	char	   *d;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	d = lw_xmalloc(n + 1);
	memcpy(d, s, n + 1);
	return d;
}

static void
buf_reserve(lw_buf *b, size_t extra)
{
	size_t		need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	size_t		cap = b->cap ? b->cap : 64;

	while (cap < need)
		cap *= 2;
	char	   *d = realloc(b->data, cap);

	if (d == NULL)
	{
		fputs("lw-ingest: error: out of memory\n", stderr);
		abort();
	}
	b->data = d;
	b->cap = cap;
}

void
lw_buf_append(lw_buf *b, const void *data, size_t n)
{
	buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
lw_buf_puts(lw_buf *b, const char *s)
{
	lw_buf_append(b, s, strlen(s));
}

void
lw_buf_printf(lw_buf *b, const char *fmt,...)
{
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_reserve(b, (size_t) n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t) n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t) n;
}

void
lw_buf_free(lw_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static int
is_unreserved(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

char *
lw_url_encode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t		n = strlen(s);
	char	   *out = lw_xmalloc(3 * n + 1);
	char	   *p = out;

	for (const unsigned char *c = (const unsigned char *) s; *c; c++)
	{
		if (is_unreserved(*c))
			*p++ = (char) *c;
		else
		{
			*p++ = '%';
			*p++ = hex[*c >> 4];
			*p++ = hex[*c & 15];
		}
	}
	*p = '\0';
	return out;
}

int
lw_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode s[0..n) into a new string; NULL on a malformed escape or an embedded NUL. */
static char *
url_decode_n(const char *s, size_t n, int plus_is_space)
{
	char	   *out = lw_xmalloc(n + 1);
	size_t		j = 0;

	for (size_t i = 0; i < n; i++)
	{
		int			c = (unsigned char) s[i];

		if (c == '%')
		{
			int			hi,
						lo;

			if (i + 2 >= n)
			{
				free(out);
				return NULL;
			}
			hi = lw_hexval((unsigned char) s[i + 1]);
			lo = lw_hexval((unsigned char) s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			{
				free(out);
				return NULL;
			}
			out[j++] = (char) (hi * 16 + lo);
			i += 2;
		}
		else if (c == '+' && plus_is_space)
			out[j++] = ' ';
		else
			out[j++] = (char) c;
	}
	out[j] = '\0';
	return out;
}

char *
lw_url_decode(const char *s, int plus_is_space)
{
	return url_decode_n(s, strlen(s), plus_is_space);
}

void
lw_form_add(lw_buf *b, const char *key, const char *value)
{
	char	   *k = lw_url_encode(key);
	char	   *v = lw_url_encode(value ? value : "");

	if (b->len > 0)
		lw_buf_puts(b, "&");
	lw_buf_puts(b, k);
	lw_buf_puts(b, "=");
	lw_buf_puts(b, v);
	free(k);
	free(v);
}

char *
lw_query_get(const char *query, const char *key, int *count)
{
	char	   *found = NULL;
	int			seen = 0;
	const char *p = query ? query : "";

	while (*p)
	{
		const char *end = strchr(p, '&');
		size_t		len = end ? (size_t) (end - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		size_t		klen = eq ? (size_t) (eq - p) : len;
		char	   *k = url_decode_n(p, klen, 1);

		if (k != NULL && strcmp(k, key) == 0)
		{
			seen++;
			if (found == NULL)
				found = eq ? url_decode_n(eq + 1, len - klen - 1, 1) : lw_strdup("");
		}
		free(k);
		p += len;
		if (*p == '&')
			p++;
	}
	if (count)
		*count = seen;
	return found;
}

static size_t
base64_any(const unsigned char *in, size_t n, char *out, const char *alphabet, int pad)
{
	size_t		o = 0;
	size_t		i = 0;

	for (; i + 2 < n; i += 3)
	{
		uint32_t	v = ((uint32_t) in[i] << 16) | ((uint32_t) in[i + 1] << 8) | in[i + 2];

		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	if (n - i == 1)
	{
		uint32_t	v = (uint32_t) in[i] << 16;

		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		if (pad)
		{
			out[o++] = '=';
			out[o++] = '=';
		}
	}
	else if (n - i == 2)
	{
		uint32_t	v = ((uint32_t) in[i] << 16) | ((uint32_t) in[i + 1] << 8);

		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		if (pad)
			out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

size_t
lw_base64url_encode(const unsigned char *in, size_t n, char *out)
{
	return base64_any(in, n, out,
					  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 0);
}

size_t
lw_base64_encode(const unsigned char *in, size_t n, char *out)
{
	return base64_any(in, n, out,
					  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 1);
}

void
lw_sha256(const void *data, size_t n, unsigned char out[32])
{
	unsigned int len = 32;

	if (EVP_Digest(data, n, out, &len, EVP_sha256(), NULL) != 1 || len != 32)
	{
		fputs("lw-ingest: error: SHA-256 failed\n", stderr);
		abort();
	}
}

int
lw_random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0)
	{
		ssize_t		r = getrandom(p, n, 0);

		if (r < 0)
		{
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		n -= (size_t) r;
	}
	return 0;
}

double
lw_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

int64_t
lw_unix_time(void)
{
	return (int64_t) time(NULL);
}

void
lw_sleep_ms(long ms)
{
	struct timespec ts,
				rem;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &rem) != 0 && errno == EINTR)
		ts = rem;
}

const char *
lw_skip_prefix_ci(const char *s, const char *prefix)
{
	size_t		n = strlen(prefix);

	if (strncasecmp(s, prefix, n) == 0)
		return s + n;
	return NULL;
}
