/*
 * http.h - the one libcurl wrapper.
 *
 * Per request: connect timeout, total timeout, no redirect following, http/https only, response
 * size cap, retries of transport errors and 500/502/503/504 with exponential backoff + jitter,
 * 429 handling (wait Retry-After within the run budget, else return at once), pacing between
 * requests. Debug output (--verbose) shows method, redacted URL, status and time; never headers
 * or bodies of token requests.
 */
#ifndef LW_HTTP_H
#define LW_HTTP_H

#include <stdint.h>
#include <stddef.h>
#include <time.h>

typedef struct lw_http_opts
{
	int			connect_timeout;	/* seconds */
	int			request_timeout;	/* seconds per attempt */
	long		max_response_bytes;
	int			backoff_ms;		/* first backoff; doubles per attempt */
	int			max_attempts;	/* for transport errors and 5xx */
	int			pace_ms;		/* minimum spacing between request starts */
	int			budget_seconds; /* total 429 waiting allowed for this handle */
	const char *user_agent;		/* NULL: "lw-ingest/1.0"; borrowed, must outlive the handle */
} lw_http_opts;

typedef struct lw_http lw_http;

typedef struct lw_http_request
{
	const char *method;			/* "GET" (default when NULL), "POST" or "PUT" */
	const char *url;
	const char *bearer;			/* Authorization: Bearer <bearer> */
	const char *basic_user;		/* Authorization: Basic (with basic_pass) */
	const char *basic_pass;
	const char *form_body;		/* POST body, application/x-www-form-urlencoded */
	const char *json_body;		/* POST/PUT body, application/json (instead of form_body) */
	int			handle_429;		/* wait and retry on 429 within the budget */
	int			no_retry;		/* not idempotent: no retry after a 5xx or a transport error
								 * (the server may have acted); 429 is still waited for */
} lw_http_request;

typedef struct lw_http_response
{
	long		status;			/* HTTP status of the last attempt; 0 = no response */
	char	   *body;			/* NUL-terminated (may contain NULs earlier); malloc'd */
	size_t		body_len;
	char	   *location;		/* Location header, if any (malloc'd) */
	long		retry_after;	/* parsed Retry-After of the last 429, seconds */
	int			rate_limited;	/* 429 not waited for: past budget or QUOTA_EXCEEDED */
	int			quota_exceeded;
	int			attempts;		/* requests actually sent */
	char		error[256];		/* transport error description, "" if none */
} lw_http_response;

lw_http    *lw_http_new(const lw_http_opts *opts);
void		lw_http_free(lw_http *h);

/*
 * Perform the request with retries. Returns 0 when a final HTTP response was obtained (any
 * status, including a 429 given up on: then resp->rate_limited is set), -1 on a transport error
 * after all attempts or a body over the size cap (resp->error says which).
 * resp is always initialised; free with lw_http_response_free().
 */
int			lw_http_perform(lw_http *h, const lw_http_request *req, lw_http_response *resp);
void		lw_http_response_free(lw_http_response *resp);

/* Seconds of 429 budget left, and seconds waited so far. */
double		lw_http_budget_left(const lw_http *h);

/* Change the minimum spacing between request starts (e.g. slow down after a 503). */
void		lw_http_set_pace(lw_http *h, int pace_ms);

/* Requests sent by this handle so far. */
long		lw_http_request_count(const lw_http *h);

/*
 * Parse a Retry-After value: delta-seconds or an HTTP-date (relative to now). NULL, empty, 0,
 * negative, garbage or a date in the past give 1; values are capped at 7 days.
 */
long		lw_parse_retry_after(const char *value, time_t now);

/* Test hook: replace sleeping (ms) by a function, e.g. to record waits. NULL restores. */
void		lw_http_set_sleep_hook(void (*hook) (long ms));

#endif							/* LW_HTTP_H */
