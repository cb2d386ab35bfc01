/*
 * api.c - authenticated Web API client (see api.h).
 */
#include "api.h"
#include "http.h"
#include "log.h"
#include "oauth.h"
#include "textfix.h"
#include "tokenfile.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPIRY_WARN_DAYS 170	/* refresh tokens die 180 days after the login */

struct lw_api
{
	const lw_config *cfg;
	lw_http    *http;
	lw_tokens	tok;
	int			app_only;		/* client-credentials token */
	long		requests;
};

static lw_api *
api_new(const lw_config *cfg, lw_error *err)
{
	lw_api	   *api = lw_xmalloc(sizeof(*api));

	memset(api, 0, sizeof(*api));
	api->cfg = cfg;
	{
		lw_http_opts o = lw_config_http_opts(cfg);

		api->http = lw_http_new(&o);
	}
	if (api->http == NULL)
	{
		lw_error_set(err, LW_EXIT_FAILURE, "cannot initialise libcurl");
		free(api);
		return NULL;
	}
	return api;
}

/* Get (or renew) the token; force after a 401. */
static int
api_token(lw_api *api, int force, lw_error *err)
{
	if (api->app_only)
	{
		lw_tokens	t;

		if (!force && !lw_tokens_expiring(&api->tok, lw_unix_time()))
			return 0;
		if (lw_oauth_client_credentials(api->http, api->cfg, &t, err) < 0)
			return -1;
		lw_tokens_free(&api->tok);
		api->tok = t;
		return 0;
	}
	return lw_oauth_ensure_fresh(api->http, api->cfg, &api->tok, force, err);
}

lw_api *
lw_api_open(const lw_config *cfg, lw_error *err)
{
	lw_api	   *api;

	if (cfg->client_id == NULL)
	{
		lw_error_set(err, LW_EXIT_USAGE, "SPOTIFY_CLIENT_ID is not set");
		return NULL;
	}
	api = api_new(cfg, err);
	if (api == NULL)
		return NULL;
	if (api_token(api, 0, err) < 0)
	{
		lw_api_close(api);
		return NULL;
	}
	if (api->tok.authorized_at > 0)
	{
		int64_t		age_days = (lw_unix_time() - api->tok.authorized_at) / 86400;

		if (age_days >= EXPIRY_WARN_DAYS)
			lw_log_warn("the Spotify login is %lld days old; refresh tokens expire after about "
						"180 days: run `lw-ingest login` soon", (long long) age_days);
	}
	return api;
}

lw_api *
lw_api_open_app(const lw_config *cfg, lw_error *err)
{
	lw_api	   *api = api_new(cfg, err);

	if (api == NULL)
		return NULL;
	api->app_only = 1;
	if (api_token(api, 0, err) < 0)
	{
		lw_api_close(api);
		return NULL;
	}
	return api;
}

void
lw_api_close(lw_api *api)
{
	if (api == NULL)
		return;
	lw_tokens_free(&api->tok);
	lw_http_free(api->http);
	free(api);
}

long
lw_api_request_count(const lw_api *api)
{
	return api->requests;
}

double
lw_api_budget_left(const lw_api *api)
{
	return lw_http_budget_left(api->http);
}

static int
exit_of_status(lw_api_status st)
{
	switch (st)
	{
		case LW_API_OK:
			return LW_EXIT_OK;
		case LW_API_RATE_LIMITED:
			return LW_EXIT_PARTIAL;
		case LW_API_NEEDS_LOGIN:
			return LW_EXIT_NEEDS_LOGIN;
		case LW_API_CONFIG_ERROR:
			return LW_EXIT_USAGE;
		case LW_API_HTTP_ERROR:
		case LW_API_FAILED:
			break;
	}
	return LW_EXIT_FAILURE;
}

int
lw_api_exit_code(const lw_api_result *res)
{
	return exit_of_status(res->status);
}

static void set_result(lw_api_result *res, lw_api_status st, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

static void
set_result(lw_api_result *res, lw_api_status st, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	lw_error_setv(&res->error, exit_of_status(st), fmt, ap);
	va_end(ap);
	res->status = st;
}

static lw_api_status
status_of_exit(int exit_code)
{
	switch (exit_code)
	{
		case LW_EXIT_NEEDS_LOGIN:
			return LW_API_NEEDS_LOGIN;
		case LW_EXIT_USAGE:
			return LW_API_CONFIG_ERROR;
		case LW_EXIT_PARTIAL:
			return LW_API_RATE_LIMITED;
	}
	return LW_API_FAILED;
}

/* Build the request URL, refusing absolute URLs outside the API base. NULL on refusal. */
static char *
request_url(const lw_config *cfg, const char *path_or_url)
{
	lw_buf		b = {0};

	if (lw_skip_prefix_ci(path_or_url, "http://") || lw_skip_prefix_ci(path_or_url, "https://"))
	{
		size_t		n = strlen(cfg->api_url);
		char		next;

		if (strncmp(path_or_url, cfg->api_url, n) != 0)
			return NULL;
		next = path_or_url[n];
		if (next != '\0' && next != '/' && next != '?')
			return NULL;		/* e.g. https://api.spotify.com/v1evil */
		return lw_strdup(path_or_url);
	}
	lw_buf_printf(&b, "%s%s%s", cfg->api_url, path_or_url[0] == '/' ? "" : "/", path_or_url);
	return b.data;
}

/* Fill reason/message from a Web API error body {"error":{"status","message","reason"}}. */
static void
error_from_body(lw_api_result *res, const char *method, const char *safe_url, long status,
				const char *body, size_t len)
{
	json_t	   *root = json_loadb(body, len, 0, NULL);
	json_t	   *e = json_object_get(root, "error");
	const char *msg = NULL;
	const char *reason = NULL;

	if (json_is_object(e))
	{
		msg = json_string_value(json_object_get(e, "message"));
		reason = json_string_value(json_object_get(e, "reason"));
	}
	else if (json_is_string(e))
		msg = json_string_value(e);
	if (reason)
		snprintf(res->reason, sizeof(res->reason), "%s", reason);
	set_result(res, LW_API_HTTP_ERROR, "%s %s: HTTP %ld%s%.200s", method, safe_url, status,
			   msg && *msg ? ": " : "", msg ? msg : "");
	json_decref(root);
}

/* One request with token handling (see lw_api_get_json and lw_api_send_json). */
static int
api_request(lw_api *api, const char *method, const char *path_or_url, const char *json_body,
			int no_retry, json_t **out, lw_api_result *res)
{
	char	   *url;
	char		safe_url[1024];
	int			refreshed = 0;
	int			rc = -1;

	*out = NULL;
	memset(res, 0, sizeof(*res));
	url = request_url(api->cfg, path_or_url);
	if (url == NULL)
	{
		lw_redact_url(path_or_url, safe_url, sizeof(safe_url));
		set_result(res, LW_API_CONFIG_ERROR, "refusing to follow %s: it is outside the API URL %s",
				   safe_url, api->cfg->api_url);
		return -1;
	}
	lw_redact_url(url, safe_url, sizeof(safe_url));
	lw_shorten_url(safe_url, LW_MESSAGE_URL_MAX);

	for (;;)
	{
		lw_http_request req;
		lw_http_response resp;
		lw_error	err;

		lw_error_clear(&err);
		/* proactive refresh: never send a token about to expire */
		if (lw_tokens_expiring(&api->tok, lw_unix_time()))
		{
			if (api_token(api, 0, &err) < 0)
			{
				set_result(res, status_of_exit(err.exit_code), "%s", err.message);
				break;
			}
		}
		memset(&req, 0, sizeof(req));
		req.method = method;
		req.url = url;
		req.bearer = api->tok.access_token;
		req.json_body = json_body;
		req.no_retry = no_retry;
		req.handle_429 = 1;
		if (lw_http_perform(api->http, &req, &resp) < 0)
		{
			api->requests += resp.attempts;
			res->error.http_status = resp.status;
			set_result(res, LW_API_FAILED, "%s", resp.error);
			lw_http_response_free(&resp);
			break;
		}
		api->requests += resp.attempts;
		res->error.http_status = resp.status;
		res->retry_after = resp.retry_after;
		if (resp.rate_limited)
		{
			res->quota_exceeded = resp.quota_exceeded;
			if (resp.quota_exceeded)
				snprintf(res->reason, sizeof(res->reason), "QUOTA_EXCEEDED");
			set_result(res, LW_API_RATE_LIMITED,
					   resp.quota_exceeded ?
					   "%s %s: quota exceeded (429 QUOTA_EXCEEDED); resume later" :
					   "%s %s: rate limited, Retry-After %ld s is past the run budget; resume later",
					   method, safe_url, resp.retry_after);
			lw_http_response_free(&resp);
			break;
		}
		if (resp.status == 401)
		{
			lw_http_response_free(&resp);
			if (refreshed)
			{
				set_result(res, LW_API_NEEDS_LOGIN,
						   "%s %s: still 401 Unauthorized after refreshing the token; run "
						   "`lw-ingest login`", method, safe_url);
				break;
			}
			lw_log_debug("401 from %s; refreshing the token once", safe_url);
			refreshed = 1;
			if (api_token(api, 1, &err) < 0)
			{
				set_result(res, status_of_exit(err.exit_code), "%s", err.message);
				break;
			}
			continue;
		}
		if (resp.status >= 200 && resp.status < 300)
		{
			if (resp.body_len > 0 && resp.status != 204)
			{
				json_error_t jerr;
				char	   *fixed = NULL;
				size_t		fixed_len = 0;

				/* bad strings are repaired, not fatal: see textfix.h */
				if (lw_json_repair(resp.body, resp.body_len, &fixed, &fixed_len,
								   &res->strings_repaired))
					lw_log_debug("%s %s: %ld strings with invalid UTF-8, lone surrogates or "
								 "NUL repaired", method, safe_url, res->strings_repaired);
				*out = fixed ? json_loadb(fixed, fixed_len, 0, &jerr)
					: json_loadb(resp.body, resp.body_len, 0, &jerr);
				free(fixed);
				if (*out == NULL)
				{
					set_result(res, LW_API_FAILED, "%s %s: response is not valid JSON (%s)",
							   method, safe_url, jerr.text);
					lw_http_response_free(&resp);
					break;
				}
			}
			res->status = LW_API_OK;
			rc = 0;
			lw_http_response_free(&resp);
			break;
		}
		if (resp.status >= 500)
		{
			set_result(res, LW_API_FAILED, "%s %s: server error HTTP %ld after %d attempts",
					   method, safe_url, resp.status, resp.attempts);
			lw_http_response_free(&resp);
			break;
		}
		error_from_body(res, method, safe_url, resp.status, resp.body, resp.body_len);
		lw_http_response_free(&resp);
		break;
	}
	free(url);
	return rc;
}

int
lw_api_get_json(lw_api *api, const char *path_or_url, json_t **out, lw_api_result *res)
{
	return api_request(api, "GET", path_or_url, NULL, 0, out, res);
}

int
lw_api_send_json(lw_api *api, const char *method, const char *path, const json_t *body,
				 int no_retry, json_t **out, lw_api_result *res)
{
	char	   *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	int			rc;

	if (body && text == NULL)
	{
		*out = NULL;
		memset(res, 0, sizeof(*res));
		set_result(res, LW_API_FAILED, "%s %s: cannot encode the request body", method, path);
		return -1;
	}
	rc = api_request(api, method, path, text ? text : "{}", no_retry, out, res);
	free(text);
	return rc;
}

const char *
lw_api_scope(const lw_api *api)
{
	return api->tok.scope;
}
