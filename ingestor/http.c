/*
 * http.c - the libcurl wrapper (see http.h).
 */
#include "http.h"
#include "log.h"
#include "util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

struct lw_http
{
	CURL	   *curl;
	lw_http_opts opts;
	double		waited_429;		/* seconds slept on 429s */
	long		requests;
	double		last_start;		/* monotonic time of the last request start, 0 = none */
};

static void (*sleep_hook) (long ms) = NULL;

void
lw_http_set_sleep_hook(void (*hook) (long ms))
{
	sleep_hook = hook;
}

static void
do_sleep(long ms)
{
	if (sleep_hook)
		sleep_hook(ms);
	else
		lw_sleep_ms(ms);
}

/* Uniform random integer in [0, n). */
static long
rand_below(long n)
{
	uint32_t	r = 0;

	if (n <= 1)
		return 0;
	if (lw_random_bytes(&r, sizeof(r)) < 0)
		r = (uint32_t) rand();
	return (long) (r % (uint32_t) n);
}

lw_http *
lw_http_new(const lw_http_opts *opts)
{
	static int	global_done = 0;
	lw_http    *h;

	if (!global_done)
	{
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return NULL;
		global_done = 1;
	}
	h = lw_xmalloc(sizeof(*h));
	memset(h, 0, sizeof(*h));
	h->opts = *opts;
	if (h->opts.max_attempts < 1)
		h->opts.max_attempts = 1;
	h->curl = curl_easy_init();
	if (h->curl == NULL)
	{
		free(h);
		return NULL;
	}
	return h;
}

void
lw_http_free(lw_http *h)
{
	if (h == NULL)
		return;
	curl_easy_cleanup(h->curl);
	free(h);
}

double
lw_http_budget_left(const lw_http *h)
{
	double		left = (double) h->opts.budget_seconds - h->waited_429;

	return left > 0 ? left : 0;
}

long
lw_http_request_count(const lw_http *h)
{
	return h->requests;
}

void
lw_http_response_free(lw_http_response *resp)
{
	free(resp->body);
	free(resp->location);
	resp->body = NULL;
	resp->location = NULL;
}

long
lw_parse_retry_after(const char *value, time_t now)
{
	const long	cap = 7L * 86400;
	char		buf[128];
	size_t		n;
	const char *p;

	if (value == NULL)
		return 1;
	while (isspace((unsigned char) *value))
		value++;
	n = strlen(value);
	while (n > 0 && isspace((unsigned char) value[n - 1]))
		n--;
	if (n == 0 || n >= sizeof(buf))
		return 1;
	memcpy(buf, value, n);
	buf[n] = '\0';

	for (p = buf; *p && isdigit((unsigned char) *p); p++)
		;
	if (*p == '\0')
	{
		/* delta-seconds; anything beyond the cap (incl. overflow) is the cap */
		long		v = 0;

		for (p = buf; *p; p++)
		{
			v = v * 10 + (*p - '0');
			if (v > cap)
				return cap;
		}
		return v < 1 ? 1 : v;
	}
	if (isalpha((unsigned char) buf[0]))
	{
		time_t		t = curl_getdate(buf, NULL);

		if (t != (time_t) -1)
		{
			double		d = difftime(t, now);

			if (d < 1)
				return 1;
			return d > cap ? cap : (long) d;
		}
	}
	return 1;
}

static void set_error(lw_http_response *resp, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

/* Format into resp->error, silently truncating (a URL can be long). */
static void
set_error(lw_http_response *resp, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(resp->error, sizeof(resp->error), fmt, ap);
	va_end(ap);
}

/* --- per-attempt state for the callbacks ----------------------------------------------- */

typedef struct attempt
{
	lw_buf		body;
	long		max_bytes;
	int			too_large;
	char	   *retry_after;	/* raw header value */
	char	   *location;
} attempt;

static size_t
write_cb(char *data, size_t size, size_t nmemb, void *userp)
{
	attempt    *a = userp;
	size_t		n = size * nmemb;

	if ((long) (a->body.len + n) > a->max_bytes)
	{
		a->too_large = 1;
		return 0;				/* makes libcurl abort with CURLE_WRITE_ERROR */
	}
	lw_buf_append(&a->body, data, n);
	return n;
}

/* Copy a header value without surrounding whitespace / CRLF. */
static char *
header_value(const char *v, size_t n)
{
	while (n > 0 && isspace((unsigned char) *v))
		v++, n--;
	while (n > 0 && isspace((unsigned char) v[n - 1]))
		n--;
	char	   *s = lw_xmalloc(n + 1);

	memcpy(s, v, n);
	s[n] = '\0';
	return s;
}

static size_t
header_cb(char *data, size_t size, size_t nmemb, void *userp)
{
	attempt    *a = userp;
	size_t		n = size * nmemb;

	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0)
	{
		/* a new response (e.g. after 100 Continue): forget earlier headers */
		free(a->retry_after);
		free(a->location);
		a->retry_after = a->location = NULL;
	}
	else if (n > 12 && strncasecmp(data, "retry-after:", 12) == 0)
	{
		free(a->retry_after);
		a->retry_after = header_value(data + 12, n - 12);
	}
	else if (n > 9 && strncasecmp(data, "location:", 9) == 0)
	{
		free(a->location);
		a->location = header_value(data + 9, n - 9);
	}
	return n;
}

static void
attempt_reset(attempt *a, long max_bytes)
{
	lw_buf_free(&a->body);
	free(a->retry_after);
	free(a->location);
	memset(a, 0, sizeof(*a));
	a->max_bytes = max_bytes;
}

/* A 429 body that says the quota (not the window) is exhausted: waiting will not help soon. */
static int
body_says_quota(const char *body)
{
	return body != NULL && strstr(body, "QUOTA_EXCEEDED") != NULL;
}

static int
is_retryable_status(long s)
{
	return s == 500 || s == 502 || s == 503 || s == 504;
}

/* Backoff before attempt number `attempt` (2, 3, ...): base * 2^(attempt-2) plus up to 25%. */
static long
backoff_delay(const lw_http *h, int attempt)
{
	long		d = h->opts.backoff_ms;

	for (int i = 2; i < attempt && d < 60000; i++)
		d *= 2;
	return d + rand_below(d / 4 + 1);
}

void
lw_http_set_pace(lw_http *h, int pace_ms)
{
	h->opts.pace_ms = pace_ms;
}

static void
pace(lw_http *h)
{
	if (h->opts.pace_ms > 0 && h->last_start > 0)
	{
		double		next = h->last_start + h->opts.pace_ms / 1000.0;
		double		now = lw_monotonic();

		if (next > now)
			lw_sleep_ms((long) ((next - now) * 1000.0 + 0.5));
	}
	h->last_start = lw_monotonic();
}

int
lw_http_perform(lw_http *h, const lw_http_request *req, lw_http_response *resp)
{
	const char *method = req->method ? req->method : "GET";
	int			is_post = strcmp(method, "POST") == 0;
	char		safe_url[1024];
	attempt		a;
	int			tries = 0;		/* attempts counted against max_attempts (not 429 waits) */
	int			rc = -1;

	memset(resp, 0, sizeof(*resp));
	memset(&a, 0, sizeof(a));
	lw_redact_url(req->url, safe_url, sizeof(safe_url));
	lw_shorten_url(safe_url, LW_MESSAGE_URL_MAX);

	for (;;)
	{
		struct curl_slist *headers = NULL;
		lw_buf		auth = {0};
		CURLcode	cc;
		long		status = 0;
		double		t0;

		attempt_reset(&a, h->opts.max_response_bytes);
		curl_easy_reset(h->curl);
		curl_easy_setopt(h->curl, CURLOPT_URL, req->url);
		curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(h->curl, CURLOPT_FOLLOWLOCATION, 0L);
		curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT, (long) h->opts.connect_timeout);
		curl_easy_setopt(h->curl, CURLOPT_TIMEOUT, (long) h->opts.request_timeout);
		curl_easy_setopt(h->curl, CURLOPT_ACCEPT_ENCODING, "");
		curl_easy_setopt(h->curl, CURLOPT_USERAGENT,
						 h->opts.user_agent ? h->opts.user_agent : "lw-ingest/1.0");
		curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, write_cb);
		curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, &a);
		curl_easy_setopt(h->curl, CURLOPT_HEADERFUNCTION, header_cb);
		curl_easy_setopt(h->curl, CURLOPT_HEADERDATA, &a);
		curl_easy_setopt(h->curl, CURLOPT_MAXFILESIZE_LARGE,
						 (curl_off_t) h->opts.max_response_bytes);
		headers = curl_slist_append(headers, "Accept: application/json");
		if (req->bearer)
		{
			lw_buf_printf(&auth, "Authorization: Bearer %s", req->bearer);
			headers = curl_slist_append(headers, auth.data);
		}
		if (req->basic_user)
		{
			curl_easy_setopt(h->curl, CURLOPT_HTTPAUTH, (long) CURLAUTH_BASIC);
			curl_easy_setopt(h->curl, CURLOPT_USERNAME, req->basic_user);
			curl_easy_setopt(h->curl, CURLOPT_PASSWORD, req->basic_pass ? req->basic_pass : "");
		}
		if (req->json_body)
		{
			headers = curl_slist_append(headers, "Content-Type: application/json");
			curl_easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, method);
			curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, req->json_body);
		}
		else if (is_post)
		{
			headers = curl_slist_append(headers,
										"Content-Type: application/x-www-form-urlencoded");
			curl_easy_setopt(h->curl, CURLOPT_POST, 1L);
			curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, req->form_body ? req->form_body : "");
		}
		curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, headers);

		pace(h);
		t0 = lw_monotonic();
		cc = curl_easy_perform(h->curl);
		h->requests++;
		resp->attempts++;
		tries++;
		curl_slist_free_all(headers);
		if (auth.data)
			memset(auth.data, 0, auth.len);
		lw_buf_free(&auth);

		if (cc == CURLE_OK)
			curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
		lw_log_debug("%s %s -> %ld (%.3f s, %zu bytes)%s%s", method, safe_url, status,
					 lw_monotonic() - t0, a.body.len,
					 cc != CURLE_OK ? ": " : "", cc != CURLE_OK ? curl_easy_strerror(cc) : "");

		if (a.too_large || cc == CURLE_FILESIZE_EXCEEDED)
		{
			set_error(resp, "response from %s is larger than %ld bytes", safe_url,
					 h->opts.max_response_bytes);
			resp->status = status;
			rc = -1;
			break;
		}
		if (cc != CURLE_OK)
		{
			set_error(resp, "%s %s: %s", method, safe_url,
					 curl_easy_strerror(cc));
			if (tries < h->opts.max_attempts && !req->no_retry)
			{
				long		d = backoff_delay(h, tries + 1);

				lw_log_debug("retrying in %ld ms (attempt %d of %d)", d, tries + 1,
							 h->opts.max_attempts);
				do_sleep(d);
				continue;
			}
			rc = -1;
			break;
		}

		resp->status = status;
		resp->error[0] = '\0';
		if (status == 429 && req->handle_429)
		{
			long		ra = lw_parse_retry_after(a.retry_after, time(NULL));
			long		wait_ms = ra * 1000 + rand_below(250);

			resp->retry_after = ra;
			if (body_says_quota(a.body.data))
			{
				resp->quota_exceeded = 1;
				resp->rate_limited = 1;
				lw_log_debug("%s: quota exceeded (429 QUOTA_EXCEEDED); stopping for now", safe_url);
				rc = 0;
				break;
			}
			if (wait_ms / 1000.0 > lw_http_budget_left(h))
			{
				resp->rate_limited = 1;
				lw_log_debug("%s: rate limited, Retry-After %ld s exceeds the remaining budget "
							"of %.0f s", safe_url, ra, lw_http_budget_left(h));
				rc = 0;
				break;
			}
			lw_log_info("rate limited; waiting %ld s as asked by Retry-After", ra);
			do_sleep(wait_ms);
			h->waited_429 += wait_ms / 1000.0;
			tries--;			/* 429 waits are bounded by the budget, not by max_attempts */
			continue;
		}
		if (is_retryable_status(status) && tries < h->opts.max_attempts && !req->no_retry)
		{
			long		d = backoff_delay(h, tries + 1);

			lw_log_debug("server answered %ld; retrying in %ld ms (attempt %d of %d)", status, d,
						 tries + 1, h->opts.max_attempts);
			do_sleep(d);
			continue;
		}
		rc = 0;
		break;
	}

	resp->body = a.body.data ? a.body.data : lw_strdup("");
	resp->body_len = a.body.len;
	resp->location = a.location;
	free(a.retry_after);
	return rc;
}
