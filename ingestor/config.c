/*
 * config.c - defaults, environment, validation (see config.h).
 */
#include "config.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
lw_config_set(char **field, const char *value)
{
	free(*field);
	*field = lw_strdup(value);
}

void
lw_config_defaults(lw_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->api_url = lw_strdup(LW_DEFAULT_API_URL);
	cfg->accounts_url = lw_strdup(LW_DEFAULT_ACCOUNTS_URL);
	cfg->redirect_uri = lw_strdup(LW_DEFAULT_REDIRECT_URI);
	cfg->login_timeout = LW_DEFAULT_LOGIN_TIMEOUT;
	cfg->budget_seconds = LW_DEFAULT_BUDGET;
	cfg->backoff_ms = 1000;
	cfg->max_attempts = 4;
	cfg->pace_ms = 250;
	cfg->connect_timeout = 10;
	cfg->request_timeout = 60;
	cfg->lock_timeout = 300;
	cfg->catalog_bulk_min = 100000;
	cfg->enrich = 1;
	cfg->enrich_seconds = LW_DEFAULT_ENRICH_SECONDS;
	cfg->max_response_bytes = 16L * 1024 * 1024;
	cfg->publish_n = -1;
	cfg->publish_genre_filter = -1;
	cfg->publish_exclude_outliers = -1;
	cfg->publish_max_per_artist = -1;
}

void
lw_config_free(lw_config *cfg)
{
	free(cfg->api_url);
	free(cfg->accounts_url);
	free(cfg->client_id);
	free(cfg->client_secret);
	free(cfg->refresh_token_env);
	free(cfg->token_file);
	free(cfg->dbname);
	free(cfg->redirect_uri);
	free(cfg->publish_name);
	free(cfg->publish_method);
	memset(cfg, 0, sizeof(*cfg));
}

/* Environment variable, or NULL when unset or empty. */
static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return (v && *v) ? v : NULL;
}

static int
parse_int(const char *name, const char *s, long lo, long hi, long *out, lw_error *err)
{
	char	   *end;
	long		v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end != '\0' || v < lo || v > hi)
	{
		lw_error_set(err, LW_EXIT_USAGE, "%s must be an integer from %ld to %ld, got \"%s\"",
					 name, lo, hi, s);
		return -1;
	}
	*out = v;
	return 0;
}

static int
env_int(const char *name, long lo, long hi, int *field, lw_error *err)
{
	const char *v = env(name);
	long		n;

	if (v == NULL)
		return 0;
	if (parse_int(name, v, lo, hi, &n, err) < 0)
		return -1;
	*field = (int) n;
	return 0;
}

int
lw_config_from_env(lw_config *cfg, lw_error *err)
{
	const char *v;

	if ((v = env("SPOTIFY_CLIENT_ID")))
		lw_config_set(&cfg->client_id, v);
	if ((v = env("SPOTIFY_CLIENT_SECRET")))
	{
		lw_config_set(&cfg->client_secret, v);
		lw_log_add_secret(v);
	}
	if ((v = env("SPOTIFY_REFRESH_TOKEN")))
	{
		lw_config_set(&cfg->refresh_token_env, v);
		lw_log_add_secret(v);
	}
	if ((v = env("SPOTIFY_API_URL")))
		lw_config_set(&cfg->api_url, v);
	if ((v = env("SPOTIFY_ACCOUNTS_URL")))
		lw_config_set(&cfg->accounts_url, v);
	if ((v = env("SPOTIFY_REDIRECT_URI")))
		lw_config_set(&cfg->redirect_uri, v);
	if ((v = env("LW_TOKEN_FILE")))
		lw_config_set(&cfg->token_file, v);
	if (env_int("LW_BUDGET", 0, 7 * 86400, &cfg->budget_seconds, err) < 0 ||
		env_int("LW_BACKOFF_MS", 0, 60000, &cfg->backoff_ms, err) < 0 ||
		env_int("LW_MAX_ATTEMPTS", 1, 10, &cfg->max_attempts, err) < 0 ||
		env_int("LW_PACE_MS", 0, 10000, &cfg->pace_ms, err) < 0 ||
		env_int("LW_CONNECT_TIMEOUT", 1, 600, &cfg->connect_timeout, err) < 0 ||
		env_int("LW_REQUEST_TIMEOUT", 1, 3600, &cfg->request_timeout, err) < 0 ||
		env_int("LW_LOCK_TIMEOUT", 0, 86400, &cfg->lock_timeout, err) < 0 ||
		env_int("LW_CATALOG_BULK", 0, 1000000000, &cfg->catalog_bulk_min, err) < 0 ||
		env_int("LW_ENRICH", 0, 1, &cfg->enrich, err) < 0 ||
		env_int("LW_ENRICH_TIME", 0, 7 * 86400, &cfg->enrich_seconds, err) < 0)
		return -1;
	return 0;
}

/*
 * Split "scheme://host[:port]/path" far enough for our checks. host keeps IPv6 brackets.
 * Returns 0 or -1 (malformed).
 */
typedef struct url_parts
{
	char		scheme[8];
	char		host[256];
	long		port;			/* -1 when absent */
	const char *path;			/* points into the URL; "" when absent */
} url_parts;

static int
split_url(const char *url, url_parts *u)
{
	const char *p;
	const char *hs;
	const char *he;
	const char *authority_end;

	memset(u, 0, sizeof(*u));
	u->port = -1;
	if ((p = lw_skip_prefix_ci(url, "https://")))
		strcpy(u->scheme, "https");
	else if ((p = lw_skip_prefix_ci(url, "http://")))
		strcpy(u->scheme, "http");
	else
		return -1;
	authority_end = p + strcspn(p, "/?#");
	if (memchr(p, '@', (size_t) (authority_end - p)))
		return -1;				/* no userinfo in our URLs */
	hs = p;
	if (*p == '[')
	{
		he = memchr(p, ']', (size_t) (authority_end - p));
		if (he == NULL)
			return -1;
		he++;
	}
	else
		he = hs + strcspn(hs, ":/?#");
	if (he == hs || (size_t) (he - hs) >= sizeof(u->host))
		return -1;
	memcpy(u->host, hs, (size_t) (he - hs));
	u->host[he - hs] = '\0';
	if (*he == ':')
	{
		char	   *end;

		errno = 0;
		u->port = strtol(he + 1, &end, 10);
		if (errno || end == he + 1 || end != authority_end || u->port < 1 || u->port > 65535)
			return -1;
	}
	else if (he != authority_end)
		return -1;
	u->path = authority_end;
	return 0;
}

static int
is_loopback_literal(const char *host)
{
	return strcmp(host, "127.0.0.1") == 0 || strcmp(host, "[::1]") == 0;
}

int
lw_config_check_redirect_uri(const char *uri, lw_error *err)
{
	url_parts	u;

	if (uri == NULL || split_url(uri, &u) < 0)
	{
		lw_error_set(err, LW_EXIT_USAGE,
					 "redirect URI \"%s\" is not a valid http(s) URL", uri ? uri : "");
		return -1;
	}
	if (strcasecmp(u.host, "localhost") == 0 || lw_skip_prefix_ci(u.host, "localhost."))
	{
		lw_error_set(err, LW_EXIT_USAGE,
					 "redirect URI \"%s\" uses localhost, which Spotify rejects since 2025-11-27; "
					 "use the loopback address instead, e.g. http://127.0.0.1:8888/callback "
					 "(and register that URI in your app)", uri);
		return -1;
	}
	if (strchr(uri, '#'))
	{
		lw_error_set(err, LW_EXIT_USAGE, "redirect URI \"%s\" must not contain a fragment", uri);
		return -1;
	}
	if (strcmp(u.scheme, "http") == 0)
	{
		if (!is_loopback_literal(u.host))
		{
			lw_error_set(err, LW_EXIT_USAGE,
						 "redirect URI \"%s\": plain http is allowed only for 127.0.0.1 or [::1]; "
						 "use one of those or an https URI", uri);
			return -1;
		}
		if (u.port < 0)
		{
			lw_error_set(err, LW_EXIT_USAGE,
						 "redirect URI \"%s\" needs an explicit port for the local listener, "
						 "e.g. http://127.0.0.1:8888/callback", uri);
			return -1;
		}
	}
	return 0;
}

/* Validate an API/accounts base URL and strip trailing slashes. */
static int
check_base_url(const char *what, char *url, lw_error *err)
{
	url_parts	u;
	size_t		n;

	if (split_url(url, &u) < 0 || strpbrk(url, "?# \t") != NULL)
	{
		lw_error_set(err, LW_EXIT_USAGE, "%s \"%s\" is not a valid http(s) base URL", what, url);
		return -1;
	}
	if (strcmp(u.scheme, "http") == 0 && !is_loopback_literal(u.host) &&
		strcasecmp(u.host, "localhost") != 0 && strncmp(u.host, "127.", 4) != 0)
	{
		lw_error_set(err, LW_EXIT_USAGE,
					 "%s \"%s\": plain http is allowed only on loopback (tests); use https",
					 what, url);
		return -1;
	}
	n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		url[--n] = '\0';
	return 0;
}

static char *
default_token_file(void)
{
	const char *xdg = env("XDG_CONFIG_HOME");
	const char *home = env("HOME");
	lw_buf		b = {0};

	if (xdg && xdg[0] == '/')
		lw_buf_printf(&b, "%s/listen-wiseer/token.json", xdg);
	else if (home)
		lw_buf_printf(&b, "%s/.config/listen-wiseer/token.json", home);
	else
		return NULL;
	return b.data;
}

int
lw_config_finish(lw_config *cfg, int need_client, lw_error *err)
{
	if (check_base_url("API URL", cfg->api_url, err) < 0 ||
		check_base_url("accounts URL", cfg->accounts_url, err) < 0)
		return -1;
	if (lw_config_check_redirect_uri(cfg->redirect_uri, err) < 0)
		return -1;
	if (cfg->token_file == NULL)
	{
		cfg->token_file = default_token_file();
		if (cfg->token_file == NULL)
		{
			lw_error_set(err, LW_EXIT_USAGE,
						 "cannot place the token file: set HOME or XDG_CONFIG_HOME, or pass --token-file");
			return -1;
		}
	}
	if (need_client && cfg->client_id == NULL)
	{
		lw_error_set(err, LW_EXIT_USAGE,
					 "SPOTIFY_CLIENT_ID is not set; create an app at developer.spotify.com and "
					 "export its client ID (see lw-ingest --help)");
		return -1;
	}
	if (cfg->client_id && strpbrk(cfg->client_id, " \t\r\n:") != NULL)
	{
		lw_error_set(err, LW_EXIT_USAGE, "SPOTIFY_CLIENT_ID contains spaces or ':'");
		return -1;
	}
	return 0;
}

int
lw_config_apply_flag(lw_config *cfg, const char *name, const char *value, lw_error *err)
{
	long		n;

	if (strcmp(name, "--token-file") == 0)
		lw_config_set(&cfg->token_file, value);
	else if (strcmp(name, "--api-url") == 0)
		lw_config_set(&cfg->api_url, value);
	else if (strcmp(name, "--accounts-url") == 0)
		lw_config_set(&cfg->accounts_url, value);
	else if (strcmp(name, "--client-id") == 0)
		lw_config_set(&cfg->client_id, value);
	else if (strcmp(name, "--verbose") == 0 || strcmp(name, "-v") == 0)
		cfg->verbose = 1;
	else if (strcmp(name, "--dbname") == 0)
		lw_config_set(&cfg->dbname, value);
	else if (strcmp(name, "--budget") == 0)
	{
		if (parse_int("--budget", value, 0, 7 * 86400, &n, err) < 0)
			return -1;
		cfg->budget_seconds = (int) n;
	}
	else if (strcmp(name, "--full") == 0)
		cfg->full = 1;
	else if (strcmp(name, "--name") == 0)
		lw_config_set(&cfg->publish_name, value);
	else if (strcmp(name, "--n") == 0)
	{
		if (parse_int("--n", value, 1, 10000, &n, err) < 0)
			return -1;
		cfg->publish_n = (int) n;
	}
	else if (strcmp(name, "--method") == 0)
		lw_config_set(&cfg->publish_method, value);
	else if (strcmp(name, "--genre-filter") == 0 || strcmp(name, "--exclude-outliers") == 0)
	{
		int			on = value && strcmp(value, "on") == 0;

		if (!on && !(value && strcmp(value, "off") == 0))
		{
			lw_error_set(err, LW_EXIT_USAGE, "%s takes on or off", name);
			return -1;
		}
		if (name[2] == 'g')
			cfg->publish_genre_filter = on;
		else
			cfg->publish_exclude_outliers = on;
	}
	else if (strcmp(name, "--max-per-artist") == 0)
	{
		if (parse_int("--max-per-artist", value, 1, 10000, &n, err) < 0)
			return -1;
		cfg->publish_max_per_artist = (int) n;
	}
	else if (strcmp(name, "--all") == 0)
		cfg->publish_all = 1;
	else if (strcmp(name, "--dry-run") == 0)
		cfg->dry_run = 1;
	else if (strcmp(name, "--no-enrich") == 0)
		cfg->enrich = 0;
	else if (strcmp(name, "--enrich-time") == 0)
	{
		if (parse_int("--enrich-time", value, 0, 7 * 86400, &n, err) < 0)
			return -1;
		cfg->enrich_seconds = (int) n;
	}
	else if (strcmp(name, "--redirect-uri") == 0)
		lw_config_set(&cfg->redirect_uri, value);
	else if (strcmp(name, "--timeout") == 0)
	{
		if (parse_int("--timeout", value, 1, 86400, &n, err) < 0)
			return -1;
		cfg->login_timeout = (int) n;
	}
	else if (strcmp(name, "--open") == 0)
		cfg->open_browser = 1;
	else if (strcmp(name, "--auto-follow") == 0)
		cfg->auto_follow = 1;
	else
		return 1;
	return 0;
}

lw_http_opts
lw_config_http_opts(const lw_config *cfg)
{
	lw_http_opts o = {
		.connect_timeout = cfg->connect_timeout,
		.request_timeout = cfg->request_timeout,
		.max_response_bytes = cfg->max_response_bytes,
		.backoff_ms = cfg->backoff_ms,
		.max_attempts = cfg->max_attempts,
		.pace_ms = cfg->pace_ms,
		.budget_seconds = cfg->budget_seconds,
	};

	return o;
}
