/*
 * log.c - stderr logging with secret redaction, and lw_error_set (see log.h, exitcodes.h).
 */
#include "log.h"
#include "exitcodes.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LW_MAX_SECRETS 32
#define LW_REDACTED "[REDACTED]"

static int	log_verbose = 0;
static FILE *log_stream = NULL;
static char *secrets[LW_MAX_SECRETS];
static int	nsecrets = 0;

void
lw_log_init(int verbose)
{
	log_verbose = verbose;
}

int
lw_log_verbose(void)
{
	return log_verbose;
}

void
lw_log_set_stream(FILE *stream)
{
	log_stream = stream;
}

void
lw_log_add_secret(const char *secret)
{
	if (secret == NULL || strlen(secret) < 4)
		return;
	for (int i = 0; i < nsecrets; i++)
		if (strcmp(secrets[i], secret) == 0)
			return;
	if (nsecrets == LW_MAX_SECRETS)
	{
		/* drop the oldest: the newest tokens are the live ones */
		free(secrets[0]);
		memmove(secrets, secrets + 1, sizeof(secrets[0]) * (LW_MAX_SECRETS - 1));
		nsecrets--;
	}
	secrets[nsecrets++] = lw_strdup(secret);
}

void
lw_log_clear_secrets(void)
{
	for (int i = 0; i < nsecrets; i++)
		free(secrets[i]);
	nsecrets = 0;
}

char *
lw_redact(const char *src, char *dst, size_t dstsz)
{
	lw_buf		b = {0};
	const char *p = src ? src : "";

	if (dstsz == 0)
		return dst;
	while (*p)
	{
		int			hit = -1;
		size_t		hitlen = 0;

		for (int i = 0; i < nsecrets; i++)
		{
			size_t		n = strlen(secrets[i]);

			if (n > hitlen && strncmp(p, secrets[i], n) == 0)
			{
				hit = i;
				hitlen = n;
			}
		}
		if (hit >= 0)
		{
			lw_buf_puts(&b, LW_REDACTED);
			p += hitlen;
		}
		else
			lw_buf_append(&b, p++, 1);
	}
	if (b.data == NULL)
		dst[0] = '\0';
	else
	{
		/* never cut a marker in half in a way that reveals part of a secret: truncation only */
		snprintf(dst, dstsz, "%s", b.data);
	}
	lw_buf_free(&b);
	return dst;
}

static int
sensitive_param(const char *name, size_t len)
{
	static const char *const names[] = {
		"code", "state", "access_token", "refresh_token", "client_secret",
		"code_verifier", "token", "id_token", NULL
	};

	for (int i = 0; names[i]; i++)
		if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
			return 1;
	return 0;
}

char *
lw_redact_url(const char *url, char *dst, size_t dstsz)
{
	lw_buf		b = {0};
	const char *q = strchr(url ? url : "", '?');

	if (url == NULL)
		url = "";
	if (q == NULL)
		lw_buf_puts(&b, url);
	else
	{
		const char *p = q + 1;
		const char *frag = strchr(p, '#');
		const char *end = frag ? frag : p + strlen(p);

		lw_buf_append(&b, url, (size_t) (p - url));
		while (p < end)
		{
			const char *amp = memchr(p, '&', (size_t) (end - p));
			const char *pe = amp ? amp : end;
			const char *eq = memchr(p, '=', (size_t) (pe - p));

			if (eq && sensitive_param(p, (size_t) (eq - p)))
			{
				lw_buf_append(&b, p, (size_t) (eq - p) + 1);
				lw_buf_puts(&b, LW_REDACTED);
			}
			else
				lw_buf_append(&b, p, (size_t) (pe - p));
			p = pe;
			if (p < end)
			{
				lw_buf_puts(&b, "&");
				p++;
			}
		}
		/* a fragment never reaches a server; drop it */
	}
	lw_redact(b.data ? b.data : "", dst, dstsz);
	lw_buf_free(&b);
	return dst;
}

char *
lw_shorten_url(char *url, size_t max)
{
	if (max >= 4 && strlen(url) > max)
	{
		memcpy(url + max - 3, "...", 3);
		url[max] = '\0';
	}
	return url;
}

/* Format without a length limit, so redaction sees whole secrets before any truncation. */
static char *
vformat(const char *fmt, va_list ap)
{
	va_list		ap2;
	int			n;
	char	   *s;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return lw_strdup("(unformattable message)");
	s = lw_xmalloc((size_t) n + 1);
	vsnprintf(s, (size_t) n + 1, fmt, ap);
	for (char *c = s; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	return s;
}

static void
vlog(const char *level, const char *fmt, va_list ap)
{
	char		clean[2048];
	FILE	   *out = log_stream ? log_stream : stderr;
	char	   *raw = vformat(fmt, ap);

	lw_redact(raw, clean, sizeof(clean));
	free(raw);
	fprintf(out, "lw-ingest: %s: %s\n", level, clean);
	fflush(out);
}

void
lw_log_error(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vlog("error", fmt, ap);
	va_end(ap);
}

void
lw_log_warn(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vlog("warning", fmt, ap);
	va_end(ap);
}

void
lw_log_info(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vlog("info", fmt, ap);
	va_end(ap);
}

void
lw_log_debug(const char *fmt,...)
{
	va_list		ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	vlog("debug", fmt, ap);
	va_end(ap);
}

void
lw_error_set(lw_error *err, int exit_code, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	lw_error_setv(err, exit_code, fmt, ap);
	va_end(ap);
}

void
lw_error_setv(lw_error *err, int exit_code, const char *fmt, va_list ap)
{
	char	   *raw;

	if (err == NULL)
		return;
	raw = vformat(fmt, ap);
	lw_redact(raw, err->message, sizeof(err->message));
	free(raw);
	err->exit_code = exit_code;
}

void
lw_error_clear(lw_error *err)
{
	if (err == NULL)
		return;
	err->exit_code = LW_EXIT_OK;
	err->http_status = 0;
	err->message[0] = '\0';
}
